#include "config.h"

/* Plain aligned tables for the subcommands: columns sized by display width
 * (so "Zoë Ångström" lines up with ASCII names), numbers right-aligned, and
 * control characters from the data replaced, so a value can never move the
 * cursor or change the terminal's state. */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "app/app.h"
#include "app/appint.h"
#include "app/charclass.h"
#include "cli/table.h"

/* s with hostile characters (app/charclass.h) and invalid bytes made
 * harmless: as '?' in text; in JSON text (json) C1 and bidi controls as
 * \uXXXX (outside strings JSON has only ASCII punctuation and blanks, so
 * every such character is inside a string, where the escape means the same
 * character; jansson escapes C0 itself) and an invalid byte, which jansson
 * never writes, as \ufffd. */
static void
put_filtered(FILE *f, const char *s, bool json)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = s ? strlen(s) : 0;

	for (size_t i = 0; i < n;) {
		unsigned cp;
		int k = app_utf8_seq(p + i, n - i, &cp);

		if (k == 0)
			fputs(json ? "\\ufffd" : "?", f);
		else if (app_cp_hostile(cp) && !json)
			fputc('?', f);
		else if (app_cp_hostile(cp) && cp >= 0x80)
			fprintf(f, "\\u%04x", cp);
		else
			fwrite(p + i, 1, (size_t)k, f);
		i += k ? (size_t)k : 1;
	}
}

void
cli_put_safe(FILE *f, const char *s)
{
	put_filtered(f, s, false);
}

void
cli_json_put_safe(FILE *f, const char *s)
{
	put_filtered(f, s, true);
}

struct cli_table {
	int ncols, nrows, cap;
	const char *align;           /* 'l' or 'r' per column */
	char *own_align;             /* table_new_cols' copy of align */
	char **cells;                /* (nrows + 1) * ncols, row 0 = headings */
};

/* Room for one more row. */
static bool
table_grow(struct cli_table *t)
{
	char **c;

	if (t->nrows < t->cap)
		return true;
	if (!(c = realloc(t->cells, (size_t)t->cap * 2 * (size_t)t->ncols * sizeof *c)))
		return false;
	t->cells = c;
	t->cap *= 2;
	return true;
}

struct cli_table *
table_new_cols(const char *align, const char *const *heads, int n)
{
	struct cli_table *t = calloc(1, sizeof *t);

	if (!t || n < 1 || (int)strlen(align) != n || !(t->own_align = strdup(align)) ||
	    !(t->cells = calloc(16 * (size_t)n, sizeof *t->cells))) {
		if (t)
			free(t->own_align);
		free(t);
		return NULL;
	}
	t->ncols = n;
	t->align = t->own_align;
	t->cap = 16;
	for (int c = 0; c < n; c++)
		t->cells[c] = strdup(heads[c]);
	t->nrows = 1;
	return t;
}

void
table_add_cells(struct cli_table *t, const char *const *cells, int n)
{
	if (!t || !table_grow(t))
		return;
	for (int c = 0; c < t->ncols; c++)
		t->cells[t->nrows * t->ncols + c] = strdup(c < n && cells[c] ? cells[c] : "");
	t->nrows++;
}

struct cli_table *
table_new(const char *align, ...)
{
	struct cli_table *t = calloc(1, sizeof *t);
	va_list ap;

	if (!t)
		return NULL;
	t->ncols = (int)strlen(align);
	t->align = align;
	t->cap = 16;
	t->cells = calloc((size_t)t->cap * (size_t)t->ncols, sizeof *t->cells);
	if (!t->cells) {
		free(t);
		return NULL;
	}
	va_start(ap, align);
	for (int c = 0; c < t->ncols; c++)
		t->cells[c] = strdup(va_arg(ap, const char *));
	va_end(ap);
	t->nrows = 1;
	return t;
}

void
table_add(struct cli_table *t, ...)
{
	va_list ap;

	if (!t || !table_grow(t))
		return;
	va_start(ap, t);
	for (int c = 0; c < t->ncols; c++) {
		const char *v = va_arg(ap, const char *);

		t->cells[t->nrows * t->ncols + c] = strdup(v ? v : "");
	}
	va_end(ap);
	t->nrows++;
}

int
table_rows(const struct cli_table *t)
{
	return t ? t->nrows - 1 : 0;
}

void
table_print(const struct cli_table *t, FILE *f, const char *indent)
{
	int *w;

	if (!t)
		return;
	w = calloc((size_t)t->ncols, sizeof *w);
	if (!w)
		return;
	for (int r = 0; r < t->nrows; r++)
		for (int c = 0; c < t->ncols; c++) {
			int cw = app_display_width(t->cells[r * t->ncols + c]);

			if (cw > w[c])
				w[c] = cw;
		}
	for (int r = 0; r < t->nrows; r++) {
		int last = t->ncols - 1;

		/* no trailing blanks: the last non-empty cell ends the line */
		while (last > 0 && !*t->cells[r * t->ncols + last])
			last--;
		fputs(indent ? indent : "", f);
		for (int c = 0; c <= last; c++) {
			const char *v = t->cells[r * t->ncols + c];
			int pad = w[c] - app_display_width(v);

			if (c > 0)
				fputs("  ", f);
			if (t->align[c] == 'r')
				fprintf(f, "%*s", pad, "");
			cli_put_safe(f, v);
			if (t->align[c] != 'r' && c < last)
				fprintf(f, "%*s", pad, "");
		}
		fputc('\n', f);
	}
	free(w);
}

void
table_free(struct cli_table *t)
{
	if (!t)
		return;
	for (int i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->own_align);
	free(t);
}
