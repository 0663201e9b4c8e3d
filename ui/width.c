#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "app/charclass.h"
#include "utf8.h"
#include "width.h"

int
ui_utf8_decode(const char *str, size_t n, int *cp)
{
	return utf8_decode(str, n, cp);
}

/* Characters drawn as they are; everything else becomes '?'. */
static bool
cp_printable(int cp)
{
	/* controls; bidi controls could reorder the rest of the line */
	if (cp < 0 || app_cp_hostile((unsigned)cp))
		return false;
	return wcwidth((wchar_t)cp) >= 0;
}

int
ui_cp_width(int cp)
{
	int w;

	if (cp < 0 || !cp_printable(cp))
		return 1;
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w;
}

int
ui_width(const char *s)
{
	size_t n = strlen(s);
	int w = 0;

	while (n > 0) {
		int cp, l = ui_utf8_decode(s, n, &cp);
		w += ui_cp_width(cp);
		s += l;
		n -= (size_t)l;
	}
	return w;
}

void
ui_line_init(struct ui_line *l, bool ascii)
{
	memset(l, 0, sizeof *l);
	l->ellipsis = ascii ? "..." : "\xe2\x80\xa6";
	l->ellw = ascii ? 3 : 1;
	ui_line_reset(l);
}

void
ui_line_reset(struct ui_line *l)
{
	l->len = 0;
	l->w = 0;
	if (l->buf)
		l->buf[0] = '\0';
}

void
ui_line_free(struct ui_line *l)
{
	free(l->buf);
	l->buf = NULL;
	l->len = l->cap = 0;
}

static void
line_put(struct ui_line *l, const char *s, size_t n)
{
	if (l->len + n + 1 > l->cap) {
		size_t cap = l->cap ? l->cap : 128;
		char *nb;

		while (cap < l->len + n + 1)
			cap *= 2;
		nb = realloc(l->buf, cap);
		if (!nb)
			return;     /* out of memory: the line stays short */
		l->buf = nb;
		l->cap = cap;
	}
	memcpy(l->buf + l->len, s, n);
	l->len += n;
	l->buf[l->len] = '\0';
}

int
ui_line_add(struct ui_line *l, const char *text, int maxw)
{
	size_t n = strlen(text);
	int total = ui_width(text);
	int budget, used = 0;
	bool cut = maxw >= 0 && total > maxw;

	if (!cut)
		budget = total;
	else if (maxw >= l->ellw)
		budget = maxw - l->ellw;
	else
		budget = maxw;        /* no room even for the ellipsis */
	while (n > 0) {
		int cp, len = ui_utf8_decode(text, n, &cp);
		int w = ui_cp_width(cp);

		if (used + w > budget)
			break;
		if (cp < 0 || !cp_printable(cp))
			line_put(l, "?", 1);
		else
			line_put(l, text, (size_t)len);
		used += w;
		text += len;
		n -= (size_t)len;
		/* keep combining characters with the character they modify */
		while (n > 0) {
			int ccp, clen = ui_utf8_decode(text, n, &ccp);
			if (ccp < 0 || !cp_printable(ccp) || ui_cp_width(ccp) != 0)
				break;
			line_put(l, text, (size_t)clen);
			text += clen;
			n -= (size_t)clen;
		}
	}
	if (cut && maxw >= l->ellw) {
		/* a wide character that did not fit leaves a gap: pad it */
		while (used < budget) {
			line_put(l, " ", 1);
			used++;
		}
		line_put(l, l->ellipsis, strlen(l->ellipsis));
		used += l->ellw;
	}
	l->w += used;
	return used;
}

void
ui_line_pad(struct ui_line *l, int w)
{
	while (l->w < w) {
		line_put(l, " ", 1);
		l->w++;
	}
}

void
ui_line_cell(struct ui_line *l, const char *text, int w, bool right)
{
	int start = l->w;

	if (w <= 0)
		return;
	if (right) {
		int tw = ui_width(text);
		if (tw < w)
			ui_line_pad(l, start + w - tw);
	}
	ui_line_add(l, text, w - (l->w - start));
	ui_line_pad(l, start + w);
}

void
ui_line_repeat(struct ui_line *l, const char *s, int n)
{
	size_t sl = strlen(s);

	for (int i = 0; i < n; i++)
		line_put(l, s, sl);
	if (n > 0)
		l->w += n;
}

int
ui_fit(char *dst, size_t dstsz, const char *src, int maxw, const char *ell)
{
	struct ui_line l;
	int w;

	if (dstsz == 0)
		return 0;
	memset(&l, 0, sizeof l);
	l.ellipsis = ell ? ell : "";
	l.ellw = ell ? ui_width(ell) : 0;
	w = ui_line_add(&l, src, maxw);
	if (!l.buf) {
		dst[0] = '\0';
		w = 0;
	} else if (l.len < dstsz) {
		memcpy(dst, l.buf, l.len + 1);
	} else {
		/* dst too small for the bytes: cut at a character boundary */
		size_t keep = 0, n = l.len;
		const char *p = l.buf;
		w = 0;
		while (n > 0) {
			int cp, len = ui_utf8_decode(p, n, &cp);
			if (keep + (size_t)len >= dstsz)
				break;
			w += ui_cp_width(cp);
			keep += (size_t)len;
			p += len;
			n -= (size_t)len;
		}
		memcpy(dst, l.buf, keep);
		dst[keep] = '\0';
	}
	ui_line_free(&l);
	return w;
}
