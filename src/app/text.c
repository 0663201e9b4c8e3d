#include "config.h"

/* Statement building and UTF-8 helpers shared by the classifier and the
 * result parsers (no database here: the fuzz target links this file). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "app/app.h"
#include "app/appint.h"
#include "app/charclass.h"

int
app_utf8_seq(const unsigned char *s, size_t avail, unsigned *cp)
{
	unsigned c, min;
	int n;

	if (avail == 0)
		return 0;
	c = s[0];
	if (c < 0x80) {
		n = 1;
		min = 0;
	} else if ((c & 0xe0) == 0xc0) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if ((size_t)n > avail)
		return 0;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	if (cp)
		*cp = c;
	return n;
}

void
app_copy(char *dst, size_t len, const char *src)
{
	size_t n, i = 0;

	if (len == 0)
		return;
	if (!src) {
		dst[0] = '\0';
		return;
	}
	n = strlen(src);
	while (i < n) {
		int k = app_utf8_seq((const unsigned char *)src + i, n - i, NULL);

		if (k == 0)
			k = 1;             /* not ours to judge here: copy the byte */
		if (i + (size_t)k > len - 1)
			break;
		i += (size_t)k;
	}
	memcpy(dst, src, i);
	dst[i] = '\0';
}

void
app_stmt_init(struct app_stmt *st, const char *sql)
{
	memset(st, 0, sizeof *st);
	st->sql = sql;
}

/* Appends a copy of value: into the arena while it has room, else on the
 * heap. */
static bool
stmt_put(struct app_stmt *st, const char *value)
{
	size_t n;
	int i;

	if (st->nparams >= APP_STMT_MAXPARAMS)
		return false;
	i = st->nparams;
	st->params[i] = NULL;
	st->owned[i] = NULL;
	if (value) {
		n = strlen(value);
		if (n < sizeof st->buf - st->used) {
			memcpy(st->buf + st->used, value, n + 1);
			st->params[i] = st->buf + st->used;
			st->used += n + 1;
		} else {
			if (!(st->owned[i] = malloc(n + 1)))
				return false;
			memcpy(st->owned[i], value, n + 1);
			st->params[i] = st->owned[i];
		}
	}
	st->nparams++;
	return true;
}

bool
app_stmt_text(struct app_stmt *st, const char *value)
{
	return stmt_put(st, value);
}

bool
app_stmt_long_text(struct app_stmt *st, const char *value)
{
	return stmt_put(st, value);
}

void
app_stmt_free(struct app_stmt *st)
{
	if (!st)
		return;
	for (int i = 0; i < st->nparams && i < APP_STMT_MAXPARAMS; i++) {
		free(st->owned[i]);
		st->owned[i] = NULL;
	}
}

void
app_stmt_move(struct app_stmt *dst, struct app_stmt *src)
{
	if (dst == src)
		return;
	memcpy(dst, src, sizeof *dst);
	for (int i = 0; i < src->nparams && i < APP_STMT_MAXPARAMS; i++) {
		const char *p = src->params[i];

		if (p && !src->owned[i])
			dst->params[i] = dst->buf + (p - src->buf);
		src->owned[i] = NULL;
		src->params[i] = NULL;
	}
	src->nparams = 0;
	src->used = 0;
}

bool
app_text_blank(const char *s)
{
	if (!s)
		return true;
	s += strspn(s, " \t\n\r\v\f");
	return !*s;
}

long
app_utf8_chars(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	long chars = 0;

	for (size_t i = 0; i < n; chars++) {
		int k = app_utf8_seq((const unsigned char *)s + i, n - i, NULL);

		i += k ? (size_t)k : 1;
	}
	return chars;
}

bool
app_stmt_ll(struct app_stmt *st, long long value)
{
	char num[24];

	snprintf(num, sizeof num, "%lld", value);
	return app_stmt_text(st, num);
}

bool
app_stmt_bool(struct app_stmt *st, bool value)
{
	return app_stmt_text(st, value ? "true" : "false");
}

/* Columns on a terminal: as the CLI table and the screen print it (a
 * hostile character as one '?'). */
int
app_display_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = s ? strlen(s) : 0;
	int w = 0;

	for (size_t i = 0; i < n;) {
		unsigned cp;
		int k = app_utf8_seq(p + i, n - i, &cp);

		if (k == 0) {
			w++;
			i++;
			continue;
		}
		if (app_cp_hostile(cp)) {
			w++;               /* printed as '?' */
		} else {
			int cw = wcwidth((wchar_t)cp);

			w += cw < 0 ? 1 : cw;
		}
		i += (size_t)k;
	}
	return w;
}
