#include "config.h"

/* The writers of one list (writer.h): the aligned text table, RFC 4180 CSV,
 * JSON and XLSX (xlsx.c), derived from a row descriptor (app/row.h), one
 * row at a time. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/row.h"
#include "cli/table.h"
#include "cli/writer.h"
#include "cli/xlsx.h"
#include "db/db.h"
#include "money.h"

/* --- CSV ---------------------------------------------------------------------- */

void
csv_put_field(FILE *f, const char *s, bool neutralise)
{
	bool quote = s[strcspn(s, "\",\r\n")] != '\0';
	bool mark = neutralise && *s && strchr("=+-@\t\r", *s);

	if (quote)
		putc('"', f);
	if (mark)
		putc('\'', f);
	if (!quote) {
		fputs(s, f);
		return;
	}
	/* the runs between quotes at once, each quote doubled */
	for (const char *q; (q = strchr(s, '"')) != NULL; s = q + 1) {
		fwrite(s, 1, (size_t)(q - s) + 1, f);
		putc('"', f);
	}
	fputs(s, f);
	putc('"', f);
}

/* The CSV header of a column: its name, money without "_minor" (the
 * values are decimals, not minor units). */
static void
csv_header(FILE *f, const struct row_col *c)
{
	size_t n = strlen(c->name);

	if (c->type == ROW_MONEY && n > 6 && strcmp(c->name + n - 6, "_minor") == 0)
		fprintf(f, "%.*s", (int)(n - 6), c->name);
	else
		csv_put_field(f, c->name, false);
}

/* --- writers ------------------------------------------------------------------ */

struct row_writer {
	const struct row_desc *d;
	enum row_format fmt;
	FILE *f;
	long rows;
	bool checked, started, bom;
	struct cli_table *table;     /* text: the rows so far */
	struct xlsx *xlsx;           /* XLSX: the workbook so far */
	int *col, *ref;              /* CSV: each column's (and its money's currency
				      * column's) number in the results, -1: none */
	struct oms_error err;        /* the failure, if any (row_writer_status) */
	json_t *last_key;            /* JSON: the keyset column of the last row */
};

bool
row_format_parse(const char *s, enum row_format *fmt)
{
	if (!s)
		return false;
	if (!strcmp(s, "text"))
		*fmt = ROW_FMT_TEXT;
	else if (!strcmp(s, "csv"))
		*fmt = ROW_FMT_CSV;
	else if (!strcmp(s, "json"))
		*fmt = ROW_FMT_JSON;
	else if (!strcmp(s, "xlsx"))
		*fmt = ROW_FMT_XLSX;
	else
		return false;
	return true;
}

struct row_writer *
row_writer_new(const struct row_desc *d, enum row_format fmt, FILE *f)
{
	struct row_writer *w = calloc(1, sizeof *w);

	if (!w)
		return NULL;
	w->d = d;
	w->fmt = fmt;
	w->f = f;
	return w;
}

static void
writer_start(struct row_writer *w)
{
	const struct row_desc *d = w->d;

	if (w->started)
		return;
	w->started = true;
	if (w->fmt == ROW_FMT_CSV) {
		if (w->bom)
			fputs("\xEF\xBB\xBF", w->f);
		for (int i = 0; i < d->ncols; i++) {
			if (i)
				fputc(',', w->f);
			csv_header(w->f, &d->cols[i]);
		}
		fputs("\r\n", w->f);
	} else if (w->fmt == ROW_FMT_JSON) {
		fprintf(w->f, "{\n  \"%s\": [", d->name);
	}
}

static enum oms_status
table_add_row(struct row_writer *w, const struct db_result *r, int row, struct oms_error *err)
{
	int n;
	char **cells = row_text_cells(w->d, r, row, &n);

	if (!cells)
		return oms_fail(err, OMS_NOMEM, "out of memory");
	table_add_cells(w->table, (const char *const *)cells, n);
	row_cells_free(cells, n);
	return OMS_OK;
}

static enum oms_status
table_begin(struct row_writer *w, struct oms_error *err)
{
	const char *heads[64];
	char align[65];
	int n = 0;

	for (int i = 0; i < w->d->ncols && n < 64; i++) {
		if (!w->d->cols[i].heading)
			continue;
		heads[n] = w->d->cols[i].heading;
		align[n++] = w->d->cols[i].align ? w->d->cols[i].align : 'l';
	}
	align[n] = '\0';
	if (!(w->table = table_new_cols(align, heads, n)))
		return oms_fail(err, OMS_NOMEM, "out of memory");
	return OMS_OK;
}

/* The columns' numbers in the results, found once: every result of a list
 * (each row of a stream is one) has the same columns in the same order. */
static enum oms_status
csv_map(struct row_writer *w, const struct db_result *r, struct oms_error *err)
{
	const struct row_desc *d = w->d;

	if (!(w->col = calloc((size_t)d->ncols * 2, sizeof *w->col)))
		return oms_fail(err, OMS_NOMEM, "out of memory");
	w->ref = w->col + d->ncols;
	for (int c = 0; c < d->ncols; c++) {
		w->col[c] = db_colnum(r, d->cols[c].name);
		w->ref[c] = d->cols[c].type == ROW_MONEY && d->cols[c].ref ?
			db_colnum(r, d->cols[c].ref) : -1;
	}
	return OMS_OK;
}

/* One CSV record: the values of row_csv_value (app/row.h), text that is
 * the data's neutralised; numbers, times and booleans are ours. */
static void
csv_row(struct row_writer *w, const struct db_result *r, int i)
{
	const struct row_desc *d = w->d;
	FILE *f = w->f;

	for (int c = 0; c < d->ncols; c++) {
		int k = w->col[c];
		const char *v;
		char buf[48];

		if (c)
			putc(',', f);
		if (k < 0 || db_isnull(r, i, k))
			continue;
		v = db_get(r, i, k);
		switch (d->cols[c].type) {
		case ROW_MONEY:
			money_decimal(strtoll(v, NULL, 10), w->ref[c] >= 0 ? db_get(r, i, w->ref[c]) : "",
				      buf, sizeof buf);
			fputs(buf, f);
			break;
		case ROW_BOOL:
			fputs(v[0] == 't' ? "true" : "false", f);
			break;
		case ROW_TEXT:
		case ROW_PHONE:
		case ROW_JSON:
			csv_put_field(f, v, true);
			break;
		default:
			csv_put_field(f, v, false);
			break;
		}
	}
	fputs("\r\n", f);
}

enum oms_status
row_writer_add(struct row_writer *w, const struct db_result *r, struct oms_error *err)
{
	const struct row_desc *d = w->d;
	enum oms_status st;
	int n = db_rows(r);

	if (!w->checked) {
		if ((st = row_check(d, r, err)) != OMS_OK)
			return st;
		if (w->fmt == ROW_FMT_TEXT && (st = table_begin(w, err)) != OMS_OK)
			return st;
		if (w->fmt == ROW_FMT_CSV && (st = csv_map(w, r, err)) != OMS_OK)
			return st;
		if (w->fmt == ROW_FMT_XLSX && !(w->xlsx = xlsx_new(d, err))) {
			w->err = *err;
			return err->status;
		}
		w->checked = true;
	}
	if (w->fmt == ROW_FMT_XLSX) {
		if ((st = xlsx_add(w->xlsx, r, err)) != OMS_OK)
			w->err = *err;
		else
			w->rows += n;
		return st;
	}
	writer_start(w);
	for (int i = 0; i < n; i++, w->rows++) {
		if (w->fmt == ROW_FMT_TEXT) {
			if ((st = table_add_row(w, r, i, err)) != OMS_OK)
				return st;
		} else if (w->fmt == ROW_FMT_CSV) {
			csv_row(w, r, i);
		} else {
			json_t *o = row_json(d, r, i);
			char *text = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;

			if (!text) {
				json_decref(o);
				return oms_fail(err, OMS_NOMEM, "out of memory");
			}
			fputs(w->rows ? ",\n" : "\n", w->f);
			cli_json_put_safe(w->f, text);
			free(text);
			if (d->key) {
				json_decref(w->last_key);
				w->last_key = json_incref(json_object_get(o, d->key));
			}
			json_decref(o);
		}
	}
	return ferror(w->f) ? oms_fail(err, OMS_IO, "cannot write the output") : OMS_OK;
}

long
row_writer_finish(struct row_writer *w, long limit)
{
	if (w->fmt == ROW_FMT_XLSX) {
		/* a list whose first result never came: a workbook of the header */
		if (!w->xlsx && w->err.status == OMS_OK && !(w->xlsx = xlsx_new(w->d, &w->err)))
			return w->rows;
		if (w->xlsx && w->err.status == OMS_OK)
			xlsx_finish(w->xlsx, w->f, &w->err);
		return w->rows;
	}
	writer_start(w);
	if (w->fmt == ROW_FMT_TEXT && w->table && table_rows(w->table) > 0) {
		table_print(w->table, w->f, NULL);
	} else if (w->fmt == ROW_FMT_JSON) {
		fputs(w->rows ? "\n  ]" : "]", w->f);
		if (w->d->key) {
			char *k = w->last_key && limit > 0 && w->rows == limit ?
				json_dumps(w->last_key, JSON_ENCODE_ANY) : NULL;

			fprintf(w->f, ",\n  \"next_after\": %s", k ? k : "null");
			free(k);
		}
		fputs("\n}\n", w->f);
	}
	fflush(w->f);
	return w->rows;
}

long
row_writer_rows(const struct row_writer *w)
{
	return w->rows;
}

void
row_writer_set_bom(struct row_writer *w, bool bom)
{
	w->bom = bom;
}

enum oms_status
row_writer_status(const struct row_writer *w, struct oms_error *err)
{
	if (w->err.status != OMS_OK) {
		if (err)
			*err = w->err;
		return w->err.status;
	}
	if (w->fmt != ROW_FMT_XLSX && ferror(w->f))
		return oms_fail(err, OMS_IO, "cannot write the output");
	return OMS_OK;
}

void
row_writer_free(struct row_writer *w)
{
	if (!w)
		return;
	if (w->table)
		table_free(w->table);
	xlsx_free(w->xlsx);
	free(w->col);
	json_decref(w->last_key);
	free(w);
}
