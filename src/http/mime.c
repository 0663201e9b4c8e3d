#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/mime.h"

void
mime_put(struct mime_buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 1024;
		char *p;
		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->failed = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
mime_puts(struct mime_buf *b, const char *s)
{
	mime_put(b, s, strlen(s));
}

struct range {
	int lo, hi;
};

static bool
in(const struct range *r, size_t n, int cp)
{
	for (size_t i = 0; i < n; i++)
		if (cp >= r[i].lo && cp <= r[i].hi)
			return true;
	return false;
}

/* Combining marks and zero-width characters (the common blocks). */
static const struct range zero[] = {
	{ 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd }, { 0x05bf, 0x05bf },
	{ 0x05c1, 0x05c2 }, { 0x05c4, 0x05c5 }, { 0x05c7, 0x05c7 }, { 0x0610, 0x061a },
	{ 0x064b, 0x065f }, { 0x0670, 0x0670 }, { 0x06d6, 0x06dc }, { 0x06df, 0x06e4 },
	{ 0x0900, 0x0902 }, { 0x093a, 0x093a }, { 0x093c, 0x093c }, { 0x0941, 0x0948 },
	{ 0x094d, 0x094d }, { 0x0e31, 0x0e31 }, { 0x0e34, 0x0e3a }, { 0x0e47, 0x0e4e },
	{ 0x1ab0, 0x1aff }, { 0x1dc0, 0x1dff }, { 0x200b, 0x200f }, { 0x2028, 0x202e },
	{ 0x2060, 0x2064 }, { 0x20d0, 0x20ff }, { 0x302a, 0x302d }, { 0x3099, 0x309a },
	{ 0xfe00, 0xfe0f }, { 0xfe20, 0xfe2f }, { 0xfeff, 0xfeff }, { 0xe0100, 0xe01ef },
};

/* East Asian wide and fullwidth, emoji. */
static const struct range wide[] = {
	{ 0x1100, 0x115f }, { 0x231a, 0x231b }, { 0x2329, 0x232a }, { 0x23e9, 0x23ec },
	{ 0x2614, 0x2615 }, { 0x2648, 0x2653 }, { 0x26aa, 0x26ab }, { 0x26bd, 0x26be },
	{ 0x2705, 0x2705 }, { 0x274c, 0x274c }, { 0x2795, 0x2797 }, { 0x2b1b, 0x2b1c },
	{ 0x2e80, 0x303e }, { 0x3041, 0x33ff }, { 0x3400, 0x4dbf }, { 0x4e00, 0x9fff },
	{ 0xa000, 0xa4cf }, { 0xa960, 0xa97f }, { 0xac00, 0xd7a3 }, { 0xf900, 0xfaff },
	{ 0xfe10, 0xfe19 }, { 0xfe30, 0xfe6f }, { 0xff00, 0xff60 }, { 0xffe0, 0xffe6 },
	{ 0x16fe0, 0x16fe4 }, { 0x17000, 0x18cff }, { 0x1b000, 0x1b2ff }, { 0x1f004, 0x1f004 },
	{ 0x1f0cf, 0x1f0cf }, { 0x1f18e, 0x1f18e }, { 0x1f191, 0x1f19a }, { 0x1f200, 0x1f251 },
	{ 0x1f300, 0x1f64f }, { 0x1f680, 0x1f6ff }, { 0x1f7e0, 0x1f7eb }, { 0x1f90c, 0x1f9ff },
	{ 0x1fa70, 0x1faff }, { 0x20000, 0x3fffd },
};

/* Controls and the bidi controls that could reorder a line. */
static bool
hostile(int cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x061c;
}

int
mime_cp_width(int cp)
{
	if (cp < 0)
		return 1;
	if (in(zero, sizeof zero / sizeof zero[0], cp))
		return 0;
	if (in(wide, sizeof wide / sizeof wide[0], cp))
		return 2;
	return 1;
}

int
mime_width(const char *s)
{
	size_t n = strlen(s);
	int w = 0, cp;

	while (n) {
		int len = utf8_decode(s, n, &cp);
		w += mime_cp_width(cp);
		s += len;
		n -= (size_t)len;
	}
	return w;
}

bool
mime_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* One character made safe: its bytes in out (at most 4), its width. */
static int
safe_char(const char *s, size_t n, int *cp, char out[4], size_t *outlen)
{
	int len = utf8_decode(s, n, cp);

	if (*cp < 0) {
		out[0] = '?';
		*outlen = 1;
		*cp = '?';
	} else if (hostile(*cp)) {
		out[0] = ' ';
		*outlen = 1;
		*cp = ' ';
	} else {
		memcpy(out, s, (size_t)len);
		*outlen = (size_t)len;
	}
	return len;
}

void
mime_cut(struct mime_buf *b, const char *s, int maxw)
{
	static const char ellipsis[] = "\xe2\x80\xa6";
	size_t n = strlen(s), keep = 0;
	struct mime_buf tmp = { 0 };
	int w = 0, cp;

	if (mime_width(s) <= maxw) {
		while (n) {
			char c[4];
			size_t cl;
			int len = safe_char(s, n, &cp, c, &cl);
			mime_put(b, c, cl);
			s += len;
			n -= (size_t)len;
		}
		return;
	}
	/* room for the ellipsis (one column) */
	while (n) {
		char c[4];
		size_t cl;
		int len = safe_char(s, n, &cp, c, &cl), cw = mime_cp_width(cp);
		if (w + cw > maxw - 1)
			break;
		mime_put(&tmp, c, cl);
		w += cw;
		if (cp != ' ')
			keep = tmp.len;
		s += len;
		n -= (size_t)len;
	}
	/* no blank just before the ellipsis */
	if (tmp.p)
		mime_put(b, tmp.p, keep);
	if (tmp.failed)
		b->failed = true;
	free(tmp.p);
	mime_put(b, ellipsis, 3);
}

/* One line (no LF) wrapped at width columns. */
static void
wrap_line(struct mime_buf *b, const char *s, size_t n, int width)
{
	while (n) {
		size_t i = 0, brk = 0, rest = 0;
		int w = 0, cp;

		/* the longest prefix that fits; remember the last blank */
		while (i < n) {
			int len = utf8_decode(s + i, n - i, &cp), cw = mime_cp_width(cp);
			if (w + cw > width && i > 0)
				break;
			if (cp == ' ' && i > 0) {
				brk = i;
				rest = i + 1;
			}
			w += cw;
			i += (size_t)len;
		}
		if (i >= n) {
			mime_put(b, s, n);
			return;
		}
		if (brk == 0) {
			/* a word longer than the line: cut between two
			 * characters, except a link, which stays whole */
			brk = i;
			rest = i;
			if (!strncmp(s, "http://", 7) || !strncmp(s, "https://", 8)) {
				while (brk < n && s[brk] != ' ')
					brk++;
				rest = brk < n ? brk + 1 : brk;
			}
		}
		mime_put(b, s, brk);
		mime_put(b, "\n", 1);
		s += rest;
		n -= rest;
	}
}

void
mime_wrap(struct mime_buf *b, const char *text, int width)
{
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);
		wrap_line(b, text, n, width);
		if (!nl)
			break;
		mime_put(b, "\n", 1);
		text = nl + 1;
	}
}

void
mime_crlf(struct mime_buf *b, const char *text)
{
	for (const char *p = text; *p; p++) {
		if (*p == '\r')
			continue;
		if (*p == '\n')
			mime_put(b, "\r\n", 2);
		else
			mime_put(b, p, 1);
	}
	if (b->len < 2 || memcmp(b->p + b->len - 2, "\r\n", 2) != 0)
		mime_put(b, "\r\n", 2);
}

/* Quoted-printable, line by line: printable ASCII as it is (but '=',
 * and a blank at the end of a line, and "From " / "." at the start, which
 * some transports mangle), everything else =XX; soft breaks ("=" CRLF)
 * keep encoded lines at most 76 characters and never fall inside one
 * character's bytes. */
static void
qp_line(struct mime_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t col = 0;
	int cp;

	for (size_t i = 0; i < n;) {
		int len = utf8_decode(s + i, n - i, &cp);
		char enc[16];
		size_t el = 0;
		bool last = i + (size_t)len >= n;

		for (int k = 0; k < len; k++) {
			unsigned char c = (unsigned char)s[i + (size_t)k];
			bool lit = c >= 33 && c <= 126 && c != '=';
			if (c == ' ' || c == '\t')
				lit = !last;
			if (col == 0 && el == 0 && (c == '.' || (c == 'F' && n - i >= 5 &&
								  !memcmp(s + i, "From ", 5))))
				lit = false;
			if (lit) {
				enc[el++] = (char)c;
			} else {
				enc[el++] = '=';
				enc[el++] = hex[c >> 4];
				enc[el++] = hex[c & 15];
			}
		}
		/* 75 leaves room for the soft break's "=" */
		if (col + el > (last ? 76u : 75u)) {
			mime_put(b, "=\r\n", 3);
			col = 0;
			if (enc[0] == '.' && el == 1) {   /* a dot now starts the line */
				memcpy(enc, "=2E", 3);
				el = 3;
			}
		}
		mime_put(b, enc, el);
		col += el;
		i += (size_t)len;
	}
	mime_put(b, "\r\n", 2);
}

void
mime_qp(struct mime_buf *b, const char *text)
{
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);
		if (n && text[n - 1] == '\r')
			n--;
		qp_line(b, text, n);
		if (!nl)
			break;
		text = nl + 1;
	}
}

static void
b64(struct mime_buf *b, const unsigned char *s, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16;
		char o[4];
		if (i + 1 < n)
			v |= (unsigned)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		o[0] = tab[(v >> 18) & 63];
		o[1] = tab[(v >> 12) & 63];
		o[2] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
		o[3] = i + 2 < n ? tab[v & 63] : '=';
		mime_put(b, o, 4);
	}
}

/* Encoded words: as many whole characters per word as fit both the
 * 75-character limit of a word and the 76 of the line it is on. */
static void
encoded_words(struct mime_buf *b, const char *text, size_t used)
{
	struct mime_buf clean = { 0 };
	size_t n, i = 0;
	int cp;

	/* made safe first: no control character inside a word either */
	for (const char *s = text; *s;) {
		char c[4];
		size_t cl;
		s += safe_char(s, strlen(s), &cp, c, &cl);
		mime_put(&clean, c, cl);
	}
	if (clean.failed || !clean.p) {
		b->failed = b->failed || clean.failed;
		free(clean.p);
		return;
	}
	n = clean.len;
	while (i < n) {
		size_t room = 76 - used, max, take = 0;
		/* "=?UTF-8?B?" + base64 + "?=": 12 characters around the text */
		if (room > 75)
			room = 75;
		max = room > 12 ? (room - 12) / 4 * 3 : 0;
		while (i + take < n) {
			int len = utf8_decode(clean.p + i + take, n - i - take, &cp);
			if (take + (size_t)len > max)
				break;
			take += (size_t)len;
		}
		if (take == 0 && used > 1) {
			mime_put(b, "\r\n ", 3);
			used = 1;
			continue;
		}
		if (take == 0)
			take = 1;    /* cannot happen: a character is at most 4 bytes */
		mime_puts(b, "=?UTF-8?B?");
		b64(b, (const unsigned char *)clean.p + i, take);
		mime_puts(b, "?=");
		i += take;
		used += 12 + (take + 2) / 3 * 4;
		if (i < n) {
			mime_put(b, "\r\n ", 3);
			used = 1;
		}
	}
	free(clean.p);
}

/* ASCII text that can go as it is: printable, short enough, not looking
 * like an encoded word. */
static bool
plain_ok(const char *s, size_t used)
{
	size_t n = strlen(s);

	if (!mime_ascii(s) || used + n > 76 || strstr(s, "=?"))
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

void
mime_header_text(struct mime_buf *b, const char *text, size_t used)
{
	if (plain_ok(text, used))
		mime_puts(b, text);
	else
		encoded_words(b, text, used);
}

void
mime_header_phrase(struct mime_buf *b, const char *name, size_t used)
{
	if (!plain_ok(name, used + 2)) {
		encoded_words(b, name, used);
		return;
	}
	mime_put(b, "\"", 1);
	for (const char *p = name; *p; p++) {
		if (*p == '"' || *p == '\\')
			mime_put(b, "\\", 1);
		mime_put(b, p, 1);
	}
	mime_put(b, "\"", 1);
}

void
mime_html_escape(struct mime_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '&': mime_puts(b, "&amp;"); break;
		case '<': mime_puts(b, "&lt;"); break;
		case '>': mime_puts(b, "&gt;"); break;
		case '"': mime_puts(b, "&quot;"); break;
		case '\'': mime_puts(b, "&#39;"); break;
		default:
			if ((c < 0x20 && c != '\n') || c == 0x7f)
				mime_put(b, " ", 1);
			else
				mime_put(b, s + i, 1);
		}
	}
}
