/* Rows kept after their result (ui/rtable.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "rtable.h"

void
rtable_free(struct rtable *t)
{
	for (int i = 0; i < t->nrows * t->ncols; i++)
		free(t->v[i]);
	for (int c = 0; c < t->ncols; c++)
		free(t->names[c]);
	free(t->v);
	free(t->names);
	memset(t, 0, sizeof *t);
}

static bool
same_columns(const struct rtable *t, const struct db_result *r)
{
	if (t->ncols != db_cols(r))
		return false;
	for (int c = 0; c < t->ncols; c++)
		if (strcmp(t->names[c], db_colname(r, c)) != 0)
			return false;
	return true;
}

bool
rtable_read(struct rtable *t, const struct db_result *r, bool append)
{
	int n = db_rows(r), nc = db_cols(r), base;
	char **v;

	if (!append || !same_columns(t, r)) {
		rtable_free(t);
		if (!(t->names = calloc((size_t)(nc ? nc : 1), sizeof *t->names)))
			return false;
		t->ncols = nc;
		for (int c = 0; c < nc; c++)
			if (!(t->names[c] = strdup(db_colname(r, c)))) {
				rtable_free(t);
				return false;
			}
	}
	base = t->nrows;
	v = realloc(t->v, (size_t)((base + n) * nc + 1) * sizeof *v);
	if (!v) {
		rtable_free(t);
		return false;
	}
	t->v = v;
	for (int i = 0; i < n; i++)
		for (int c = 0; c < nc; c++) {
			char **cell = &t->v[(base + i) * nc + c];

			*cell = db_isnull(r, i, c) ? NULL : strdup(db_get(r, i, c));
		}
	t->nrows = base + n;
	return true;
}

int
rtable_col(const struct rtable *t, const char *name)
{
	for (int c = 0; c < t->ncols; c++)
		if (strcmp(t->names[c], name) == 0)
			return c;
	return -1;
}

const char *
rtable_at(const struct rtable *t, int row, int col)
{
	const char *s;

	if (row < 0 || row >= t->nrows || col < 0 || col >= t->ncols)
		return "";
	s = t->v[row * t->ncols + col];
	return s ? s : "";
}

const char *
rtable_get(const struct rtable *t, int row, const char *name)
{
	return rtable_at(t, row, rtable_col(t, name));
}

bool
rtable_null(const struct rtable *t, int row, const char *name)
{
	int c = rtable_col(t, name);

	return c < 0 || row < 0 || row >= t->nrows || !t->v[row * t->ncols + c];
}

double
rtable_num(const struct rtable *t, int row, const char *name)
{
	return strtod(rtable_get(t, row, name), NULL);
}

long long
rtable_ll(const struct rtable *t, int row, const char *name)
{
	return strtoll(rtable_get(t, row, name), NULL, 10);
}
