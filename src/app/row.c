#include "config.h"

/* The row descriptors' derived functions (row.h): column check, cells,
 * text table, CSV, JSON, and the streaming writers. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/appint.h"
#include "app/row.h"
#include "app/table.h"
#include "db/db.h"

/* Result column numbers are looked up once per result: a writer sees
 * many one-row results of the same shape. */
static int
colnum(const struct db_result *r, const char *name)
{
	return db_colnum(r, name);
}

enum oms_status
row_check(const struct row_desc *d, const struct db_result *r, struct oms_error *err)
{
	if (!r)
		return oms_fail(err, OMS_DB, "no result");
	for (int i = 0; i < d->ncols; i++)
		if (colnum(r, d->cols[i].name) < 0)
			return oms_fail(err, OMS_SCHEMA, "result has no column \"%s\"", d->cols[i].name);
	return OMS_OK;
}

int
row_col_index(const struct row_desc *d, const char *name)
{
	for (int i = 0; name && i < d->ncols; i++)
		if (strcmp(d->cols[i].name, name) == 0)
			return i;
	return -1;
}

const char *
row_get(const struct row_desc *d, const struct db_result *r, int row, int col)
{
	int k = col >= 0 && col < d->ncols ? colnum(r, d->cols[col].name) : -1;

	return k < 0 ? "" : db_get(r, row, k);
}

bool
row_null(const struct row_desc *d, const struct db_result *r, int row, int col)
{
	int k = col >= 0 && col < d->ncols ? colnum(r, d->cols[col].name) : -1;

	return k < 0 || db_isnull(r, row, k);
}

long long
row_get_ll(const struct db_result *r, int row, const char *name)
{
	int k = colnum(r, name);

	return k < 0 ? 0 : db_get_ll(r, row, k);
}

static const char *
ref_value(const struct db_result *r, int row, const char *name)
{
	int k = name ? colnum(r, name) : -1;

	return k < 0 ? "" : db_get(r, row, k);
}

/* --- cells ------------------------------------------------------------------ */

static bool
when_holds(const struct row_col *c, const struct db_result *r, int row)
{
	const char *status = ref_value(r, row, "status"), *p = c->when;
	size_t n = strlen(status);

	if (!p)
		return true;
	while (*p) {
		size_t k = strcspn(p, "|");

		if (k == n && strncmp(p, status, n) == 0)
			return true;
		p += k + (p[k] == '|');
	}
	return false;
}

const char *
row_text_cell(const struct row_desc *d, const struct db_result *r, int row, int col,
	      char *buf, size_t len)
{
	const struct row_col *c = &d->cols[col];
	const char *v = row_get(d, r, row, col);

	if (len == 0)
		return "";
	buf[0] = '\0';
	if (!when_holds(c, r, row))
		return buf;
	if (c->type == ROW_TEXT && c->ref && !*v)
		v = ref_value(r, row, c->ref);       /* a label missing: its code */
	else if (row_null(d, r, row, col))
		return buf;
	switch (c->type) {
	case ROW_MONEY:
		money_format(strtoll(v, NULL, 10), ref_value(r, row, c->ref), buf, len);
		break;
	case ROW_TIME:
		app_copy(buf, len, v);
		if (strlen(buf) >= 16) {
			buf[10] = ' ';
			buf[16] = '\0';
		}
		break;
	case ROW_ID:
		if (strtoll(v, NULL, 10) != 0)
			app_copy(buf, len, v);
		break;
	case ROW_BOOL:
		app_copy(buf, len, v[0] == 't' ? (c->ref ? c->ref : "yes") : "");
		break;
	default:
		if (c->width > 0 && (size_t)c->width + 4 <= len && strlen(v) > (size_t)c->width) {
			app_copy(buf, (size_t)c->width + 1, v);
			strcat(buf, "...");
		} else {
			app_copy(buf, len, v);
		}
	}
	return buf;
}

char **
row_text_cells(const struct row_desc *d, const struct db_result *r, int row, int *n)
{
	char **cells = calloc((size_t)d->ncols + 1, sizeof *cells);
	int k = 0;

	*n = 0;
	if (!cells)
		return NULL;
	for (int i = 0; i < d->ncols; i++) {
		/* a cell's text is bounded by its column's value */
		size_t len = strlen(row_get(d, r, row, i)) + 64;
		char *buf;

		if (!d->cols[i].heading)
			continue;
		if (d->cols[i].ref && d->cols[i].type == ROW_TEXT)
			len += strlen(ref_value(r, row, d->cols[i].ref));
		if (!(buf = malloc(len))) {
			row_cells_free(cells, k);
			return NULL;
		}
		row_text_cell(d, r, row, i, buf, len);
		cells[k++] = buf;
	}
	*n = k;
	return cells;
}

void
row_cells_free(char **cells, int n)
{
	if (!cells)
		return;
	for (int i = 0; i < n; i++)
		free(cells[i]);
	free(cells);
}

const char *
row_csv_value(const struct row_desc *d, const struct db_result *r, int row, int col,
	      char *buf, size_t len)
{
	const struct row_col *c = &d->cols[col];
	const char *v = row_get(d, r, row, col);

	if (row_null(d, r, row, col))
		return "";
	switch (c->type) {
	case ROW_MONEY:
		money_decimal(strtoll(v, NULL, 10), ref_value(r, row, c->ref), buf, len);
		return buf;
	case ROW_BOOL:
		return v[0] == 't' ? "true" : "false";
	default:
		return v;
	}
}

json_t *
row_json(const struct row_desc *d, const struct db_result *r, int row)
{
	json_t *o = json_object();

	for (int i = 0; o && i < d->ncols; i++) {
		const char *v = row_get(d, r, row, i);
		json_t *j = NULL;

		if (!row_null(d, r, row, i)) {
			switch (d->cols[i].type) {
			case ROW_INT:
			case ROW_MONEY:
				j = json_integer(strtoll(v, NULL, 10));
				break;
			case ROW_ID:
				j = strtoll(v, NULL, 10) ? json_integer(strtoll(v, NULL, 10)) : NULL;
				break;
			case ROW_BOOL:
				j = json_boolean(v[0] == 't');
				break;
			case ROW_JSON:
				j = json_loads(v, JSON_DECODE_ANY, NULL);
				break;
			default:
				j = json_string(v);
			}
		}
		json_object_set_new(o, d->cols[i].name, j ? j : json_null());
	}
	return o;
}

/* --- CSV ---------------------------------------------------------------------- */

void
csv_put_field(FILE *f, const char *s, bool neutralise)
{
	bool quote = strpbrk(s, "\",\r\n") != NULL;

	if (quote)
		fputc('"', f);
	if (neutralise && *s && strchr("=+-@\t\r", *s))
		fputc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	if (quote)
		fputc('"', f);
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
	bool checked, started;
	struct app_table *table;     /* text: the rows so far */
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
		w->checked = true;
	}
	writer_start(w);
	for (int i = 0; i < n; i++, w->rows++) {
		if (w->fmt == ROW_FMT_TEXT) {
			if ((st = table_add_row(w, r, i, err)) != OMS_OK)
				return st;
		} else if (w->fmt == ROW_FMT_CSV) {
			for (int c = 0; c < d->ncols; c++) {
				char buf[48];
				enum row_type t = d->cols[c].type;

				if (c)
					fputc(',', w->f);
				/* text is the data's: neutralised; numbers,
				 * times and booleans are ours */
				csv_put_field(w->f, row_csv_value(d, r, i, c, buf, sizeof buf),
					      t == ROW_TEXT || t == ROW_JSON);
			}
			fputs("\r\n", w->f);
		} else {
			json_t *o = row_json(d, r, i);
			char *text = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;

			if (!text) {
				json_decref(o);
				return oms_fail(err, OMS_NOMEM, "out of memory");
			}
			fputs(w->rows ? ",\n" : "\n", w->f);
			app_json_put_safe(w->f, text);
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
row_writer_free(struct row_writer *w)
{
	if (!w)
		return;
	if (w->table)
		table_free(w->table);
	json_decref(w->last_key);
	free(w);
}
