/* One UTF-8 decoder for the terminal client (ui/width.c) and the mail
 * builder (src/http/mime.c). Inline: the width and mail unit tests link
 * their file alone. */
#ifndef OMS_UTF8_H
#define OMS_UTF8_H

#include <stddef.h>

/* Decodes one character of s (n bytes): returns its length and sets *cp,
 * or returns 1 with *cp = -1 for a byte that does not start a valid
 * character (overlong forms, surrogates and values past U+10FFFF are
 * invalid). */
static inline int
utf8_decode(const char *str, size_t n, int *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	int len, c, min;

	*cp = -1;
	if (n == 0)
		return 1;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		len = 2; c = s[0] & 0x1f; min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3; c = s[0] & 0x0f; min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4; c = s[0] & 0x07; min = 0x10000;
	} else {
		return 1;
	}
	if ((size_t)len > n)
		return 1;
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 1;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 1;
	*cp = c;
	return len;
}

#endif
