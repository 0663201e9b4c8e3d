#include "config.h"

/* The row descriptors' derived functions (row.h): column check, cells
 * (text, CSV value, JSON). The writers of whole lists are presentation:
 * src/cli/writer.c. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/appint.h"
#include "app/phone_format.h"
#include "app/row.h"
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

const char *
row_value(const struct row_desc *d, const struct db_result *r, int row, const char *name)
{
	return row_get(d, r, row, row_col_index(d, name));
}

long long
row_value_ll(const struct row_desc *d, const struct db_result *r, int row, const char *name)
{
	return strtoll(row_value(d, r, row, name), NULL, 10);
}

bool
row_value_bool(const struct row_desc *d, const struct db_result *r, int row, const char *name)
{
	return row_value(d, r, row, name)[0] == 't';
}

bool
row_select_list(const struct row_desc *d, const char *alias, char *buf, size_t len)
{
	size_t used = 0;

	if (len == 0)
		return false;
	buf[0] = '\0';
	for (int i = 0; i < d->ncols; i++) {
		const char *name = d->cols[i].name, *sep = i ? ", " : "";
		int n = d->cols[i].type == ROW_TIME ?
			snprintf(buf + used, len - used,
				 "%sto_json(date_trunc('second', %s.\"%s\")) #>> '{}' AS \"%s\"",
				 sep, alias, name, name) :
			snprintf(buf + used, len - used, "%s%s.\"%s\"", sep, alias, name);

		if (n < 0 || (size_t)n >= len - used)
			return false;
		used += (size_t)n;
	}
	return true;
}

bool
row_record_def(const struct row_desc *d, char *buf, size_t len)
{
	size_t used = 0;

	if (len == 0)
		return false;
	buf[0] = '\0';
	for (int i = 0; i < d->ncols; i++) {
		const char *type;
		int n;

		switch (d->cols[i].type) {
		case ROW_INT:
		case ROW_ID:
		case ROW_MONEY:
			type = "bigint";
			break;
		case ROW_BOOL:
			type = "boolean";
			break;
		case ROW_JSON:
			type = "jsonb";
			break;
		default:
			type = "text";
		}
		n = snprintf(buf + used, len - used, "%s\"%s\" %s", i ? ", " : "", d->cols[i].name, type);
		if (n < 0 || (size_t)n >= len - used)
			return false;
		used += (size_t)n;
	}
	return true;
}

static const char *
ref_value(const struct db_result *r, int row, const char *name)
{
	int k = name ? colnum(r, name) : -1;

	return k < 0 ? "" : db_get(r, row, k);
}

/* --- cells ------------------------------------------------------------------ */

/* Where a row's values come from: a result, or a row_set that kept them. */
struct src {
	const struct db_result *r;
	const struct row_set *s;
	int row;
};

static const char *
src_get(const struct src *x, const char *name, bool *null)
{
	int k;

	*null = true;
	if (!name)
		return "";
	if (x->s) {
		const char *v;

		k = row_col_index(x->s->d, name);
		v = k < 0 ? NULL : x->s->v[(size_t)x->row * (size_t)x->s->d->ncols + (size_t)k];
		*null = !v;
		return v ? v : "";
	}
	if ((k = colnum(x->r, name)) < 0)
		return "";
	*null = db_isnull(x->r, x->row, k);
	return db_get(x->r, x->row, k);
}

static const char *
src_value(const struct src *x, const char *name)
{
	bool null;

	return src_get(x, name, &null);
}

static bool
when_holds(const struct row_col *c, const struct src *x)
{
	const char *status = src_value(x, "status"), *p = c->when;
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

/* A cell as the text table shows it; date_only: a time as its date (a
 * screen column too narrow for the time). */
static const char *
text_cell(const struct row_col *c, const struct src *x, bool date_only, char *buf, size_t len)
{
	bool null;
	const char *v = src_get(x, c->name, &null);

	if (len == 0)
		return "";
	buf[0] = '\0';
	if (!when_holds(c, x))
		return buf;
	if (c->type == ROW_TEXT && c->ref && !*v)
		v = src_value(x, c->ref);       /* a label missing: its code */
	else if (null)
		return buf;
	switch (c->type) {
	case ROW_MONEY:
		money_format(strtoll(v, NULL, 10), src_value(x, c->ref), buf, len);
		break;
	case ROW_TIME:
		app_copy(buf, len, v);
		if (date_only && strlen(buf) > 10) {
			buf[10] = '\0';
		} else if (strlen(buf) >= 16) {
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
	case ROW_PHONE:
		phone_format(v, buf, len);
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

const char *
row_text_cell(const struct row_desc *d, const struct db_result *r, int row, int col,
	      char *buf, size_t len)
{
	struct src x = {r, NULL, row};

	return text_cell(&d->cols[col], &x, false, buf, len);
}

char **
row_text_cells(const struct row_desc *d, const struct db_result *r, int row, int *n)
{
	char **cells = calloc((size_t)d->ncols + 1, sizeof *cells);
	int k = 0, sk = row_col_index(d, "stuck");
	/* a flagged shipment marks the status (issue 13): "IN_TRANSIT STUCK",
	 * as the terminal client's lists do; CSV and JSON have the column */
	bool stuck = sk >= 0 && d->cols[sk].type == ROW_BOOL && !d->cols[sk].heading &&
		     row_get(d, r, row, sk)[0] == 't';

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
		if (stuck && strcmp(d->cols[i].name, "status") == 0)
			strcat(buf, *buf ? " STUCK" : "STUCK");
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

/* --- rows kept (row_set) and the terminal client's list rows ---------------- */

void
row_set_init(struct row_set *s, const struct row_desc *d)
{
	s->d = d;
	s->n = 0;
	s->v = NULL;
}

static void
values_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

void
row_set_free(struct row_set *s)
{
	values_free(s->v, (size_t)s->n * (size_t)s->d->ncols);
	s->v = NULL;
	s->n = 0;
}

int
row_set_read(struct row_set *s, const struct db_result *r, bool replace, struct oms_error *err)
{
	size_t nc = (size_t)s->d->ncols, keep, n;
	char **v;
	int rows;

	if (row_check(s->d, r, err) != OMS_OK)
		return -1;
	rows = db_rows(r);
	keep = replace ? 0 : (size_t)s->n;
	n = (keep + (size_t)rows) * nc;
	if (!(v = calloc(n ? n : 1, sizeof *v))) {
		oms_fail(err, OMS_NOMEM, "out of memory");
		return -1;
	}
	for (int i = 0; i < rows; i++)
		for (size_t c = 0; c < nc; c++) {
			int k = colnum(r, s->d->cols[c].name);
			char **slot = &v[(keep + (size_t)i) * nc + c];

			if (db_isnull(r, i, k))
				continue;
			if (!(*slot = strdup(db_get(r, i, k)))) {
				values_free(v, n);
				oms_fail(err, OMS_NOMEM, "out of memory");
				return -1;
			}
		}
	if (keep)
		memcpy(v, s->v, keep * nc * sizeof *v);
	free(replace ? NULL : s->v);
	if (replace)
		row_set_free(s);
	s->v = v;
	s->n = (int)(keep + (size_t)rows);
	return rows;
}

const char *
row_set_get(const struct row_set *s, int row, const char *name)
{
	struct src x = {NULL, s, row};

	return row >= 0 && row < s->n ? src_value(&x, name) : "";
}

long long
row_set_ll(const struct row_set *s, int row, const char *name)
{
	return strtoll(row_set_get(s, row, name), NULL, 10);
}

bool
row_set_bool(const struct row_set *s, int row, const char *name)
{
	return row_set_get(s, row, name)[0] == 't';
}

const char *
row_set_text(const struct row_set *s, int row, const char *name, char *buf, size_t len)
{
	struct src x = {NULL, s, row};
	int k = row_col_index(s->d, name);

	if (k < 0 || row < 0 || row >= s->n) {
		if (len)
			buf[0] = '\0';
		return len ? buf : "";
	}
	return text_cell(&s->d->cols[k], &x, false, buf, len);
}

void
row_screen_widths(const struct row_desc *d, int w, int *widths)
{
	const struct row_screen *sc = d->screen;
	int rest = w, flex = -1;

	if (!sc)
		return;
	for (int i = 0; i < sc->ncols; i++) {
		widths[i] = w >= ROW_SCREEN_WIDE ? sc->cols[i].wide : sc->cols[i].narrow;
		if (widths[i] == 0)
			flex = i;
		rest -= widths[i] + (i ? sc->gap : 0);
	}
	if (flex >= 0)
		widths[flex] = rest < 4 ? 4 : rest;
}

void
row_screen_heading(const struct row_desc *d, int i, char *buf, size_t len)
{
	const struct row_col *c = &d->cols[row_col_index(d, d->screen->cols[i].name)];

	app_copy(buf, len, c->heading ? c->heading : c->name);
	for (size_t k = 1; buf[k]; k++)
		if (buf[k] >= 'A' && buf[k] <= 'Z')
			buf[k] = (char)(buf[k] - 'A' + 'a');
}

const char *
row_screen_cell(const struct row_set *s, int row, int i, int width, char *buf, size_t len)
{
	struct src x = {NULL, s, row};
	const struct row_col *c = &s->d->cols[row_col_index(s->d, s->d->screen->cols[i].name)];

	return text_cell(c, &x, width < 16, buf, len);
}
