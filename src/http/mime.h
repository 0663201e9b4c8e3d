/* Text for mail, by characters, never by bytes (issue 12).
 *
 * Everything here works on UTF-8 and never cuts inside a character: item
 * names are cut at a number of display columns (wide CJK characters count
 * two, combining marks none), long lines are wrapped at a blank or, when a
 * word is longer than the line, between two characters. Bytes that are not
 * UTF-8, control characters and bidi controls become '?' or a space.
 *
 * Encodings: quoted-printable bodies (RFC 2045: lines of at most 76
 * characters, a character's =XX bytes never split by a soft break) and
 * RFC 2047 encoded words of at most 75 characters, folded so that no
 * header line is longer than 76. */
#ifndef OMS_HTTP_MIME_H
#define OMS_HTTP_MIME_H

#include <stdbool.h>
#include <stddef.h>

#include "utf8.h"

/* A growing NUL-terminated buffer; failed is set when memory ran out. */
struct mime_buf {
	char *p;
	size_t len, cap;
	bool failed;
};
void mime_put(struct mime_buf *b, const char *s, size_t n);
void mime_puts(struct mime_buf *b, const char *s);

/* One character at s: utf8_decode (src/utf8.h, shared with ui/width.c). */
/* Display columns of a code point: 0 combining/zero-width, 2 wide. */
int mime_cp_width(int cp);
/* Display width of a string (invalid bytes count one). */
int mime_width(const char *s);
bool mime_ascii(const char *s);

/* s cut to at most maxw columns, whole characters only, "…" marking a
 * cut; control characters become spaces, invalid bytes '?'. Appends to b. */
void mime_cut(struct mime_buf *b, const char *s, int maxw);
/* Text with LF line ends, each line wrapped at `width` columns (at the
 * last blank, else between characters). Appends to b. */
void mime_wrap(struct mime_buf *b, const char *text, int width);

/* Body text (LF line ends) as quoted-printable with CRLF line ends. */
void mime_qp(struct mime_buf *b, const char *text);
/* Body text (LF) as 8bit with CRLF line ends (lines are short already). */
void mime_crlf(struct mime_buf *b, const char *text);

/* A header's unstructured value (Subject) or a display name: ASCII text
 * that fits goes as it is (a phrase is quoted when it has to be), anything
 * else as RFC 2047 "B" encoded words of at most 75 characters, folded with
 * CRLF SP. used: columns already on the header's first line ("Subject: "). */
void mime_header_text(struct mime_buf *b, const char *text, size_t used);
void mime_header_phrase(struct mime_buf *b, const char *name, size_t used);

/* &, <, >, " and ' as entities; control characters as spaces. */
void mime_html_escape(struct mime_buf *b, const char *s, size_t n);

#endif
