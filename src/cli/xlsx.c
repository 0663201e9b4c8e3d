#include "config.h"

/* XLSX output of one list (xlsx.h) with libxlsxwriter in constant-memory
 * mode: typed cells, a frozen bold header, an autofilter, column widths. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "app/row.h"
#include "cli/outfile.h"
#include "cli/xlsx.h"
#include "db/db.h"
#include "money.h"

#define XLSX_MAX_COLS 64
#define XLSX_WIDTH_ROWS 1000      /* columns sized on the first rows */
#define XLSX_WIDTH_MAX 60.0
#define XLSX_STR_MAX 32767        /* Excel's limit of a cell's text */

struct xlsx {
	const struct row_desc *d;
	char path[4096];               /* the scratch file the workbook is assembled in */
	lxw_workbook *wb;
	lxw_worksheet *ws;
	int sheets;
	lxw_row_t row;                 /* next row of the current sheet */
	long rows;                     /* data rows in all */
	lxw_format *bold, *time, *money[5];   /* money: by exponent 0..4 */
	double width[XLSX_MAX_COLS];
	int col[XLSX_MAX_COLS], ref[XLSX_MAX_COLS];   /* the columns' numbers in the results */
	bool mapped, failed;
};

/* The header's name of a column: the CSV's (money without "_minor"). */
static void
header_name(const struct row_col *c, char *buf, size_t len)
{
	size_t n = strlen(c->name);

	if (c->type == ROW_MONEY && n > 6 && strcmp(c->name + n - 6, "_minor") == 0)
		snprintf(buf, len, "%.*s", (int)(n - 6), c->name);
	else
		snprintf(buf, len, "%s", c->name);
}

static enum oms_status
lxw_fail(struct xlsx *x, lxw_error e, struct oms_error *err)
{
	x->failed = true;
	return oms_fail(err, OMS_IO, "cannot write the workbook: %s", lxw_strerror(e));
}

static enum oms_status
sheet_start(struct xlsx *x, struct oms_error *err)
{
	char name[48], head[128];
	lxw_error e;

	if (++x->sheets == 1)
		snprintf(name, sizeof name, "%.31s", x->d->name);
	else
		snprintf(name, sizeof name, "%.20s (%d)", x->d->name, x->sheets % 10000);
	if (!(x->ws = workbook_add_worksheet(x->wb, name)))
		return lxw_fail(x, LXW_ERROR_MEMORY_MALLOC_FAILED, err);
	for (int i = 0; i < x->d->ncols && i < XLSX_MAX_COLS; i++) {
		header_name(&x->d->cols[i], head, sizeof head);
		if ((e = worksheet_write_string(x->ws, 0, (lxw_col_t)i, head, x->bold)) != LXW_NO_ERROR)
			return lxw_fail(x, e, err);
	}
	worksheet_freeze_panes(x->ws, 1, 0);
	x->row = 1;
	return OMS_OK;
}

/* Columns as wide as their header and their widest of the first rows;
 * the autofilter over the header and the data. */
static void
sheet_end(struct xlsx *x)
{
	int n = x->d->ncols < XLSX_MAX_COLS ? x->d->ncols : XLSX_MAX_COLS;

	for (int i = 0; i < n; i++)
		worksheet_set_column(x->ws, (lxw_col_t)i, (lxw_col_t)i, x->width[i] + 2, NULL);
	worksheet_autofilter(x->ws, 0, 0, x->row > 1 ? x->row - 1 : 1, (lxw_col_t)(n - 1));
}

struct xlsx *
xlsx_new(const struct row_desc *d, struct oms_error *err)
{
	struct xlsx *x = calloc(1, sizeof *x);
	const char *dir = getenv("TMPDIR");
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .use_zip64 = LXW_TRUE};
	int fd;

	if (!x) {
		oms_fail(err, OMS_NOMEM, "out of memory");
		return NULL;
	}
	x->d = d;
	if (!dir || !*dir)
		dir = "/tmp";
	opt.tmpdir = (char *)dir;
	snprintf(x->path, sizeof x->path, "%s/oms-xlsx-XXXXXX", dir);
	if ((fd = mkstemp(x->path)) < 0) {
		oms_fail(err, OMS_IO, "cannot make a scratch file in %s: %s", dir, strerror(errno));
		free(x);
		return NULL;
	}
	close(fd);
	outfile_scratch(x->path);
	if (!(x->wb = workbook_new_opt(x->path, &opt))) {
		oms_fail(err, OMS_IO, "cannot start the workbook");
		xlsx_free(x);
		return NULL;
	}
	x->bold = workbook_add_format(x->wb);
	format_set_bold(x->bold);
	x->time = workbook_add_format(x->wb);
	format_set_num_format(x->time, "yyyy-mm-dd hh:mm:ss");
	for (int i = 0; i < 5; i++) {
		static const char *const num[5] = {"#,##0", "#,##0.0", "#,##0.00", "#,##0.000",
						   "#,##0.0000"};

		x->money[i] = workbook_add_format(x->wb);
		format_set_num_format(x->money[i], num[i]);
	}
	for (int i = 0; i < d->ncols && i < XLSX_MAX_COLS; i++) {
		char head[128];

		header_name(&d->cols[i], head, sizeof head);
		x->width[i] = (double)strlen(head);
		if (d->cols[i].type == ROW_TIME)
			x->width[i] = 19;       /* yyyy-mm-dd hh:mm:ss */
	}
	if (sheet_start(x, err) != OMS_OK) {
		xlsx_free(x);
		return NULL;
	}
	return x;
}

/* "2026-01-20T10:11:12+00:00" (also with a fraction, 'Z', or a space for
 * the T) -> the date-time as written; false when it is not one. */
static bool
parse_time(const char *s, lxw_datetime *t)
{
	char sep;
	int n = 0;

	if (sscanf(s, "%4d-%2d-%2d%c%2d:%2d:%lf%n", &t->year, &t->month, &t->day, &sep, &t->hour,
		   &t->min, &t->sec, &n) != 7 || (sep != 'T' && sep != ' '))
		return false;
	return t->year >= 1900 && t->year <= 9999 && t->month >= 1 && t->month <= 12 &&
	       t->day >= 1 && t->day <= 31 && t->hour <= 23 && t->min <= 59 && t->sec < 61;
}

/* The text cut to Excel's limit at a character boundary (buf when cut). */
static const char *
cell_text(const char *v, char *buf, size_t len)
{
	size_t n = strlen(v);

	if (n <= XLSX_STR_MAX)
		return v;
	n = XLSX_STR_MAX < len - 1 ? XLSX_STR_MAX : len - 1;
	while (n > 0 && ((unsigned char)v[n] & 0xC0) == 0x80)
		n--;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return buf;
}

/* Display width of UTF-8 text, roughly: characters, not bytes. */
static double
text_width(const char *s)
{
	double w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

static enum oms_status
write_cell(struct xlsx *x, const struct db_result *r, int row, int col, struct oms_error *err)
{
	const struct row_col *c = &x->d->cols[col];
	int k = x->col[col];
	const char *v;
	lxw_col_t cc = (lxw_col_t)col;
	lxw_error e = LXW_NO_ERROR;
	double w = 0;

	if (k < 0 || db_isnull(r, row, k))
		return OMS_OK;
	v = db_get(r, row, k);
	switch (c->type) {
	case ROW_ID:
		if (strtoll(v, NULL, 10) == 0)
			return OMS_OK;
		/* fall through */
	case ROW_INT:
		e = worksheet_write_number(x->ws, x->row, cc, strtod(v, NULL), NULL);
		w = (double)strlen(v);
		break;
	case ROW_MONEY: {
		const char *cur = x->ref[col] >= 0 ? db_get(r, row, x->ref[col]) : "";
		int exp = money_exponent(cur);
		char dec[48];

		/* the decimal, as the CSV has it, read back: exact to the digit */
		money_decimal(strtoll(v, NULL, 10), cur, dec, sizeof dec);
		e = worksheet_write_number(x->ws, x->row, cc, strtod(dec, NULL),
					   x->money[exp >= 0 && exp <= 4 ? exp : 2]);
		w = (double)strlen(dec) + (double)strlen(dec) / 3;   /* with grouping */
		break;
	}
	case ROW_TIME: {
		lxw_datetime t;

		if (parse_time(v, &t))
			e = worksheet_write_datetime(x->ws, x->row, cc, &t, x->time);
		else
			e = worksheet_write_string(x->ws, x->row, cc, v, NULL);
		break;
	}
	case ROW_BOOL:
		e = worksheet_write_boolean(x->ws, x->row, cc, v[0] == 't', NULL);
		w = 5;
		break;
	default: {
		static char cut[XLSX_STR_MAX + 8];

		if (!*v)
			return OMS_OK;
		e = worksheet_write_string(x->ws, x->row, cc, cell_text(v, cut, sizeof cut), NULL);
		if (x->rows < XLSX_WIDTH_ROWS)
			w = text_width(v);
		break;
	}
	}
	if (e != LXW_NO_ERROR)
		return lxw_fail(x, e, err);
	if (col < XLSX_MAX_COLS && w > x->width[col])
		x->width[col] = w < XLSX_WIDTH_MAX ? w : XLSX_WIDTH_MAX;
	return OMS_OK;
}

enum oms_status
xlsx_add(struct xlsx *x, const struct db_result *r, struct oms_error *err)
{
	int n = db_rows(r);
	enum oms_status st;

	if (!x->mapped) {        /* every result of the list has the same columns */
		for (int c = 0; c < x->d->ncols && c < XLSX_MAX_COLS; c++) {
			x->col[c] = db_colnum(r, x->d->cols[c].name);
			x->ref[c] = x->d->cols[c].ref && x->d->cols[c].type == ROW_MONEY ?
				db_colnum(r, x->d->cols[c].ref) : -1;
		}
		x->mapped = true;
	}
	for (int i = 0; i < n; i++) {
		if (x->row >= LXW_ROW_MAX) {      /* the sheet is full: the next one */
			sheet_end(x);
			if ((st = sheet_start(x, err)) != OMS_OK)
				return st;
		}
		for (int c = 0; c < x->d->ncols && c < XLSX_MAX_COLS; c++)
			if ((st = write_cell(x, r, i, c, err)) != OMS_OK)
				return st;
		x->row++;
		x->rows++;
	}
	return OMS_OK;
}

enum oms_status
xlsx_finish(struct xlsx *x, FILE *f, struct oms_error *err)
{
	lxw_error e;
	FILE *in;
	char buf[65536];
	size_t n;

	if (x->failed)
		return oms_fail(err, OMS_IO, "cannot write the workbook");
	sheet_end(x);
	e = workbook_close(x->wb);
	x->wb = NULL;
	if (e != LXW_NO_ERROR)
		return lxw_fail(x, e, err);
	if (!(in = fopen(x->path, "rb")))
		return oms_fail(err, OMS_IO, "cannot read the workbook back: %s", strerror(errno));
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, n, f) != n)
			break;
	if (ferror(in) || ferror(f)) {
		fclose(in);
		return oms_fail(err, OMS_IO, "cannot write the output");
	}
	fclose(in);
	return fflush(f) == 0 ? OMS_OK : oms_fail(err, OMS_IO, "cannot write the output");
}

void
xlsx_free(struct xlsx *x)
{
	if (!x)
		return;
	if (x->wb)
		workbook_close(x->wb);    /* frees it (libxlsxwriter has no discard) */
	unlink(x->path);
	outfile_scratch(NULL);
	free(x);
}
