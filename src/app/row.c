#include "config.h"

/* The row descriptors' derived functions (row.h): column check, cells
 * (text, CSV value, JSON). The writers of whole lists are presentation:
 * src/cli/writer.c. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/appint.h"
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
