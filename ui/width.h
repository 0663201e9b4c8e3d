/* Display width of UTF-8 text, and cutting it to a number of columns.
 *
 * Text from the database is UTF-8 and may hold wide (CJK, emoji) and
 * combining characters; anything that is not valid UTF-8 or not printable
 * (control characters, escape sequences) is shown as '?' so that it can
 * neither break the layout nor reach the terminal. Widths come from
 * wcwidth(), so the process must run in a UTF-8 locale (LC_CTYPE). */
#ifndef OMS_UI_WIDTH_H
#define OMS_UI_WIDTH_H

#include <stdbool.h>
#include <stddef.h>

/* Decodes one character; returns its length in bytes (>= 1) and sets *cp,
 * or sets *cp = -1 for an invalid byte (length 1). */
int ui_utf8_decode(const char *s, size_t n, int *cp);
/* Columns taken by one character once sanitised (0 for combining). */
int ui_cp_width(int cp);
/* Display width of a NUL-terminated string, sanitised as when drawn. */
int ui_width(const char *s);

/* A growing line of text with its display width. */
struct ui_line {
	char *buf;
	size_t len, cap;
	int w;
	const char *ellipsis;   /* "…" or "..." for ASCII terminals */
	int ellw;
};
void ui_line_init(struct ui_line *l, bool ascii);
void ui_line_reset(struct ui_line *l);
void ui_line_free(struct ui_line *l);
/* Appends text cut to at most maxw columns (an ellipsis marks the cut;
 * maxw < 0: no limit); returns the columns appended. */
int ui_line_add(struct ui_line *l, const char *text, int maxw);
/* Appends text in a cell exactly w columns wide: cut with an ellipsis or
 * padded with blanks, aligned left or right. */
void ui_line_cell(struct ui_line *l, const char *text, int w, bool right);
/* Pads with blanks up to column w. */
void ui_line_pad(struct ui_line *l, int w);
/* Appends n copies of a (one-column) string. */
void ui_line_repeat(struct ui_line *l, const char *s, int n);

/* Copies src into dst (always NUL-terminated), cut to maxw columns with
 * ellipsis `ell` when it does not fit; returns the width of dst. */
int ui_fit(char *dst, size_t dstsz, const char *src, int maxw, const char *ell);

#endif
