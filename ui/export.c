/* Export of the list on screen (ui/export.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chart.h"
#include "cli/outfile.h"
#include "cli/writer.h"
#include "db/db.h"
#include "export.h"
#include "form.h"
#include "frame.h"
#include "input.h"
#include "screens.h"
#include "views.h"

#define EXPORT_BATCH 1000
#define EXPORT_TICK_MS 500

enum { TAG_COUNT = 1, TAG_DECLARE, TAG_FETCH, TAG_PAGE };
#define EXPORT_PAGE 500         /* the read API's largest page */
enum ex_state { EX_ASK, EX_REPLACE, EX_RUNNING, EX_DONE, EX_FAILED, EX_CANCELLED };

static const struct {
	const char *name, *ext;
	enum row_format fmt;
} formats[] = {
	{ "CSV", "csv", ROW_FMT_CSV },
	{ "XLSX", "xlsx", ROW_FMT_XLSX },
	{ "JSON", "json", ROW_FMT_JSON },
};
#define NFORMATS ((int)(sizeof formats / sizeof formats[0]))

/* one export at a time: the cursor has one name */
static bool export_busy;

struct export_view {
	struct view v;
	char what[64];
	const struct row_desc *given;
	struct app_stmt st;             /* the list's statement */
	char *count_sql, *declare_sql;
	/* the row type read from the result when none is given */
	struct row_desc dyn;
	struct row_col *dcols;
	char **dnames;
	int fmt;
	struct ui_input file;
	struct ui_form form;
	enum ex_state state;
	bool force;
	struct outfile out;
	bool out_open;
	FILE *f;
	struct row_writer *w;
	long rows, total;
	uint64_t started, ended;
	char path[1024];
	char msg[400];
	/* a list read in pages (a keyset) instead of through a cursor */
	ui_export_page_fn *page;
	void *page_arg;
	const char *page_key;
	char after[256];
};

static struct export_view *
ev(struct view *v)
{
	return (struct export_view *)v;
}

static void
thousands(long n, char *buf, size_t len)
{
	char raw[32];
	size_t k = 0, m;

	snprintf(raw, sizeof raw, "%ld", n < 0 ? -n : n);
	m = strlen(raw);
	if (n < 0 && k + 1 < len)
		buf[k++] = '-';
	for (size_t i = 0; i < m && k + 2 < len; i++) {
		buf[k++] = raw[i];
		if ((m - i - 1) % 3 == 0 && i + 1 < m)
			buf[k++] = ',';
	}
	buf[k] = '\0';
}

void
ui_export_progress_text(long rows, long total, unsigned long elapsed_ms, char *buf, size_t len)
{
	char a[32], b[32], rate[48] = "", left[48] = "";
	double per_s = elapsed_ms ? rows * 1000.0 / (double)elapsed_ms : 0;

	thousands(rows, a, sizeof a);
	thousands(total, b, sizeof b);
	if (elapsed_ms >= 200 && rows > 0) {
		char r[32];

		thousands((long)(per_s + 0.5), r, sizeof r);
		snprintf(rate, sizeof rate, ", %s rows/s", r);
		if (total > rows) {
			double s = (double)(total - rows) / per_s;

			if (s < 60)
				snprintf(left, sizeof left, ", about %d s left", (int)s + 1);
			else
				snprintf(left, sizeof left, ", about %d min left", (int)(s / 60) + 1);
		}
	}
	if (total >= 0)
		snprintf(buf, len, "%s of %s rows%s%s", a, b, rate, left);
	else
		snprintf(buf, len, "%s rows%s", a, rate);
}

/* "volume report" -> "volume-report-2026-12-06.csv" */
static void
export_default_name(struct export_view *e)
{
	char name[160];
	size_t k = 0;
	time_t now = time(NULL);
	struct tm tm;

	for (const char *p = e->what; *p && k + 1 < 80; p++)
		name[k++] = (*p == ' ' || *p == '/') ? '-' : *p;
	name[k] = '\0';
	gmtime_r(&now, &tm);
	snprintf(name + k, sizeof name - k, "-%04d-%02d-%02d.%s", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, formats[e->fmt].ext);
	ui_input_set(&e->file, name);
}

/* The file's extension follows the format when it is one of ours. */
static void
export_set_format(struct export_view *e, int fmt)
{
	char name[sizeof e->file.buf];
	char *dot;

	snprintf(name, sizeof name, "%s", e->file.buf);
	dot = strrchr(name, '.');
	e->fmt = fmt;
	if (!dot)
		return;
	for (int i = 0; i < NFORMATS; i++)
		if (strcmp(dot + 1, formats[i].ext) == 0) {
			snprintf(dot + 1, sizeof name - (size_t)(dot + 1 - name), "%s", formats[fmt].ext);
			ui_input_set(&e->file, name);
			return;
		}
}

/* --- the row type of a result without a descriptor ----------------------- */

static bool
looks_integer(const char *s)
{
	if (*s == '-')
		s++;
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static bool
ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);

	return n >= m && strcmp(s + n - m, tail) == 0;
}

static const struct row_desc *
export_derive(struct export_view *e, const struct db_result *r)
{
	int n = db_cols(r);
	bool has_currency = db_colnum(r, "currency") >= 0;

	e->dcols = calloc((size_t)(n ? n : 1), sizeof *e->dcols);
	e->dnames = calloc((size_t)(n ? n : 1), sizeof *e->dnames);
	if (!e->dcols || !e->dnames)
		return NULL;
	for (int c = 0; c < n; c++) {
		struct row_col *col = &e->dcols[c];
		bool ints = db_rows(r) > 0, times = db_rows(r) > 0;

		if (!(e->dnames[c] = strdup(db_colname(r, c))))
			return NULL;
		col->name = e->dnames[c];
		col->heading = e->dnames[c];
		col->align = 'l';
		for (int i = 0; i < db_rows(r); i++) {
			const char *v = db_get(r, i, c);

			if (db_isnull(r, i, c))
				continue;
			ints = ints && looks_integer(v);
			times = times && strlen(v) >= 19 && v[10] == 'T';
		}
		if (has_currency && ends_with(col->name, "_minor")) {
			col->type = ROW_MONEY;
			col->ref = "currency";
		} else if (ends_with(col->name, "_at") && times) {
			col->type = ROW_TIME;
		} else if (ints) {
			col->type = ROW_INT;
			col->align = 'r';
		} else {
			col->type = ROW_TEXT;
		}
	}
	e->dyn.name = "rows";
	e->dyn.cols = e->dcols;
	e->dyn.ncols = n;
	return &e->dyn;
}

/* --- running ----------------------------------------------------------------- */

static void
export_release(struct export_view *e, bool keep)
{
	struct oms_error err;

	oms_error_clear(&err);
	if (e->w) {
		row_writer_free(e->w);
		e->w = NULL;
	}
	if (e->f) {
		fclose(e->f);
		e->f = NULL;
	}
	if (e->out_open) {
		e->out_open = false;
		if (keep) {
			if (outfile_commit(&e->out, &err) != OMS_OK) {
				e->state = EX_FAILED;
				snprintf(e->msg, sizeof e->msg, "The file could not be written: %.200s", err.msg);
			}
		} else {
			outfile_abort(&e->out);
		}
	}
	if (e->state != EX_ASK && e->state != EX_REPLACE)
		export_busy = false;
}

/* The held cursor is closed by a query of no view: its answer is nobody's. */
static void
export_close_cursor(struct ui *ui)
{
	struct app_stmt st;

	app_stmt_init(&st, "CLOSE ALL");
	ui_query_on(ui, NULL, UI_TARGET_REPORT, 0x4558, &st);
}

static void
export_stop(struct export_view *e, enum ex_state st, const char *what, const char *detail)
{
	ui_query_drop(e->v.ui, &e->v, -1);
	if (!e->page)
		export_close_cursor(e->v.ui);
	e->state = st;
	e->ended = ui_now_ms();
	snprintf(e->msg, sizeof e->msg, "%s%.200s", what, detail ? detail : "");
	export_release(e, false);
	ui_timer(&e->v, 0);
}

static void
export_fetch(struct export_view *e)
{
	struct app_stmt st;

	app_stmt_init(&st, "FETCH 1000 FROM oms_export");
	ui_query_on(e->v.ui, &e->v, UI_TARGET_REPORT, TAG_FETCH, &st);
}

static void
export_copy_params(struct app_stmt *dst, const char *sql, const struct app_stmt *src)
{
	app_stmt_init(dst, sql);
	for (int i = 0; i < src->nparams; i++)
		app_stmt_text(dst, src->params[i]);
}

static void
export_expand(struct export_view *e)
{
	const char *home = getenv("HOME");

	if (strncmp(e->file.buf, "~/", 2) == 0 && home)
		snprintf(e->path, sizeof e->path, "%.200s/%.800s", home, e->file.buf + 2);
	else
		snprintf(e->path, sizeof e->path, "%.1000s", e->file.buf);
}

static int
export_start(struct export_view *e)
{
	struct oms_error err;
	struct app_stmt st;
	int fd;

	oms_error_clear(&err);
	e->msg[0] = '\0';
	if (e->file.len == 0) {
		snprintf(e->msg, sizeof e->msg, "Name the file to write.");
		return UI_HANDLED | UI_REDRAW;
	}
	if (export_busy) {
		snprintf(e->msg, sizeof e->msg, "Another export is running; wait for it or cancel it.");
		return UI_HANDLED | UI_REDRAW;
	}
	export_expand(e);
	if (outfile_check(e->path, e->force, &err) != OMS_OK) {
		if (!e->force && access(e->path, F_OK) == 0 && err.status == OMS_USAGE &&
		    strstr(err.msg, "exist")) {
			e->state = EX_REPLACE;
			snprintf(e->msg, sizeof e->msg, "%.200s exists: Enter again replaces it, Esc keeps it.",
				 e->file.buf);
			return UI_HANDLED | UI_REDRAW;
		}
		e->state = EX_ASK;
		snprintf(e->msg, sizeof e->msg, "Cannot write there: %.200s", err.msg);
		return UI_HANDLED | UI_REDRAW;
	}
	if (outfile_open(&e->out, e->path, e->force, &err) != OMS_OK) {
		e->state = EX_ASK;
		snprintf(e->msg, sizeof e->msg, "Cannot write there: %.200s", err.msg);
		return UI_HANDLED | UI_REDRAW;
	}
	e->out_open = true;
	fd = dup(e->out.fd);
	if (fd < 0 || !(e->f = fdopen(fd, "w"))) {
		if (fd >= 0)
			close(fd);
		outfile_abort(&e->out);
		e->out_open = false;
		snprintf(e->msg, sizeof e->msg, "Cannot write the file.");
		return UI_HANDLED | UI_REDRAW;
	}
	export_busy = true;
	e->state = EX_RUNNING;
	e->rows = 0;
	e->total = -1;
	e->started = ui_now_ms();
	if (e->page) {
		e->after[0] = '\0';
		e->page(e->page_arg, NULL, EXPORT_PAGE, &st);
		ui_query_on(e->v.ui, &e->v, UI_TARGET_REPORT, TAG_PAGE, &st);
		ui_timer(&e->v, EXPORT_TICK_MS);
		return UI_HANDLED | UI_REDRAW;
	}
	export_copy_params(&st, e->count_sql, &e->st);
	ui_query_on(e->v.ui, &e->v, UI_TARGET_REPORT, TAG_COUNT, &st);
	export_copy_params(&st, e->declare_sql, &e->st);
	ui_query_on(e->v.ui, &e->v, UI_TARGET_REPORT, TAG_DECLARE, &st);
	ui_timer(&e->v, EXPORT_TICK_MS);
	return UI_HANDLED | UI_REDRAW;
}

static void
export_finish(struct export_view *e)
{
	struct oms_error err;
	long n;
	char rows[32];

	oms_error_clear(&err);
	if (!e->page)
		export_close_cursor(e->v.ui);
	n = row_writer_finish(e->w, 0);
	if (row_writer_status(e->w, &err) != OMS_OK || fflush(e->f) != 0 || ferror(e->f)) {
		e->state = EX_FAILED;
		snprintf(e->msg, sizeof e->msg, "The file could not be written: %.200s",
			 err.msg[0] ? err.msg : "write error");
		export_release(e, false);
		return;
	}
	e->rows = n;
	e->state = EX_DONE;
	e->ended = ui_now_ms();
	thousands(n, rows, sizeof rows);
	snprintf(e->msg, sizeof e->msg, "Wrote %s %s to %.300s.", rows, n == 1 ? "row" : "rows", e->path);
	export_release(e, true);
	ui_timer(&e->v, 0);
}

static int
export_result(struct view *v, int tag, struct db_result *res, const struct oms_error *err)
{
	struct export_view *e = ev(v);
	struct oms_error werr;
	const struct row_desc *d;

	if (e->state != EX_RUNNING)
		return UI_REDRAW;
	if (!res) {
		if (err && err->status == OMS_CANCELLED)
			export_stop(e, EX_CANCELLED, "Cancelled: the partial file was removed.", NULL);
		else
			export_stop(e, EX_FAILED, "The export failed, nothing was written: ",
				    err ? err->msg : "no answer");
		return UI_REDRAW;
	}
	if (tag == TAG_COUNT) {
		e->total = db_rows(res) == 1 ? db_get_ll(res, 0, 0) : -1;
		return UI_REDRAW;
	}
	if (tag == TAG_DECLARE) {
		export_fetch(e);
		return UI_REDRAW;
	}
	oms_error_clear(&werr);
	if (!e->w) {
		d = e->given ? e->given : export_derive(e, res);
		if (!d || !(e->w = row_writer_new(d, formats[e->fmt].fmt, e->f))) {
			export_stop(e, EX_FAILED, "Out of memory.", NULL);
			return UI_REDRAW;
		}
	}
	if (row_writer_add(e->w, res, &werr) != OMS_OK) {
		export_stop(e, EX_FAILED, "The export failed, nothing was written: ", werr.msg);
		return UI_REDRAW;
	}
	e->rows = row_writer_rows(e->w);
	if (e->page) {
		int last = db_rows(res) - 1, col = db_colnum(res, e->page_key);
		struct app_stmt st;

		if (db_rows(res) < EXPORT_PAGE || col < 0) {
			export_finish(e);
			return UI_REDRAW;
		}
		snprintf(e->after, sizeof e->after, "%s", db_get(res, last, col));
		e->page(e->page_arg, e->after, EXPORT_PAGE, &st);
		ui_query_on(e->v.ui, &e->v, UI_TARGET_REPORT, TAG_PAGE, &st);
		return UI_REDRAW;
	}
	if (db_rows(res) < EXPORT_BATCH)
		export_finish(e);
	else
		export_fetch(e);
	return UI_REDRAW;
}

static int
export_tick(struct view *v)
{
	struct export_view *e = ev(v);

	if (e->state == EX_RUNNING)
		ui_timer(v, EXPORT_TICK_MS);
	return UI_REDRAW;
}

/* --- drawing and keys ---------------------------------------------------------- */

static void
export_draw(struct view *v, struct ui_rect r)
{
	struct export_view *e = ev(v);
	struct ui *ui = v->ui;
	char title[128], line[512], bar[512];
	struct ui_rect b;
	int x, w, y;
	const char *keys;

	snprintf(title, sizeof title, "Export: %s", e->what);
	b = ui_frame_draw(ui, r, title);
	x = b.x + 2;
	w = b.w - 4;
	y = b.y + 2;
	if (e->state == EX_ASK || e->state == EX_REPLACE) {
		struct ui_line l;

		ui_line_init(&l, ui->ascii);
		ui_line_add(&l, "Format: ", -1);
		for (int i = 0; i < NFORMATS; i++) {
			snprintf(line, sizeof line, i == e->fmt ? "[%s]" : " %s ", formats[i].name);
			ui_line_add(&l, line, -1);
			ui_line_add(&l, " ", 1);
		}
		ui_draw_line(y, x, w, e->form.focus == 0 ? UI_EL_SELECTED : UI_EL_NORMAL, &l);
		ui_line_free(&l);
		ui_draw_text(y + 2, x, 8, e->form.focus == 1 ? UI_EL_SELECTED : UI_EL_HEADER, "File:");
		if (e->form.focus == 1)
			ui_input_draw(ui, &e->file, y + 2, x + 8, w - 8);
		else
			ui_draw_text(y + 2, x + 8, w - 8, UI_EL_INPUT, e->file.buf);
		ui_draw_text(y + 4, x, w, UI_EL_DIM, "Every row of the list as it is filtered now, "
			     "read on the report connection.");
		if (e->msg[0])
			ui_draw_text(y + 6, x, w, e->state == EX_REPLACE ? UI_EL_WARNING : UI_EL_ERROR,
				     e->msg);
		keys = e->state == EX_REPLACE ? "Enter: replace it   Esc: keep it" :
			"Tab: format/file   Space: next format   Enter: export   Esc: close";
	} else {
		unsigned long ms = (unsigned long)((e->state == EX_RUNNING ? ui_now_ms() : e->ended) -
						   e->started);
		int barw = w - 7;
		int pct = e->total > 0 ? (int)(e->rows * 100 / e->total) : (e->state == EX_DONE ? 100 : 0);

		if (pct > 100)
			pct = 100;
		snprintf(line, sizeof line, "%s %.480s", e->state == EX_RUNNING ? "Writing" : "File", e->path);
		ui_draw_text(y, x, w, UI_EL_NORMAL, line);
		if (barw > 0) {
			struct ui_line l;
			double done = e->state == EX_DONE ? 1 : e->total > 0 ? (double)e->rows : 0;
			double all = e->state == EX_DONE ? 1 : e->total > 0 ? (double)e->total : 1;

			ui_chart_bar(done, all, barw, ui->ascii, bar, sizeof bar);
			ui_line_init(&l, ui->ascii);
			ui_line_add(&l, ui->ascii ? "[" : "\xe2\x96\x95", 1);
			ui_line_add(&l, bar, barw);
			ui_line_pad(&l, barw + 1);
			ui_line_add(&l, ui->ascii ? "]" : "\xe2\x96\x8f", 1);
			snprintf(line, sizeof line, " %3d%%", pct);
			ui_line_add(&l, line, -1);
			ui_draw_line(y + 2, x, w, UI_EL_NORMAL, &l);
			ui_line_free(&l);
		}
		ui_export_progress_text(e->rows, e->total, ms, line, sizeof line);
		ui_draw_text(y + 4, x, w, UI_EL_NORMAL, line);
		if (e->state != EX_RUNNING)
			ui_draw_text(y + 6, x, w, e->state == EX_DONE ? UI_EL_OK : UI_EL_ERROR, e->msg);
		keys = e->state == EX_RUNNING ? "Esc: cancel (the partial file is removed)" :
			"Enter, Esc: close";
	}
	ui_draw_text(b.y + b.h - 2, x, w, UI_EL_HINT, keys);
}

static int
export_key(struct view *v, int key, int action)
{
	struct export_view *e = ev(v);
	bool changed = false;

	switch (e->state) {
	case EX_RUNNING:
		if (action == UI_ACT_CLOSE || action == UI_ACT_BACK || key == UI_KEY_ESC) {
			export_stop(e, EX_CANCELLED, "Cancelled: the partial file was removed.", NULL);
			return UI_HANDLED | UI_REDRAW;
		}
		return action == UI_ACT_QUIT || action == UI_ACT_HELP ? UI_UNHANDLED : UI_HANDLED;
	case EX_DONE:
	case EX_FAILED:
	case EX_CANCELLED:
		if (key == UI_KEY_ENTER || key == UI_KEY_ESC || action == UI_ACT_BACK)
			return UI_HANDLED | UI_POP;
		return action == UI_ACT_QUIT || action == UI_ACT_HELP ? UI_UNHANDLED : UI_HANDLED;
	case EX_REPLACE:
		if (key == UI_KEY_ENTER) {
			e->force = true;
			return export_start(e);
		}
		if (key == UI_KEY_ESC) {
			e->state = EX_ASK;
			e->msg[0] = '\0';
			return UI_HANDLED | UI_REDRAW;
		}
		return UI_HANDLED;
	case EX_ASK:
		break;
	}
	if (key == UI_KEY_ESC)
		return UI_HANDLED | UI_POP;
	if (key == UI_KEY_ENTER)
		return export_start(e);
	if (key == UI_KEY_TAB || key == UI_KEY_BTAB || (e->form.focus == 0 && key == UI_KEY_DOWN) ||
	    (e->form.focus == 1 && key == UI_KEY_UP)) {
		ui_form_focus(&e->form, 1 - e->form.focus);
		return UI_HANDLED | UI_REDRAW;
	}
	if (e->form.focus == 0) {
		if (key == ' ' || key == UI_KEY_RIGHT) {
			export_set_format(e, (e->fmt + 1) % NFORMATS);
			return UI_HANDLED | UI_REDRAW;
		}
		if (key == UI_KEY_LEFT) {
			export_set_format(e, (e->fmt + NFORMATS - 1) % NFORMATS);
			return UI_HANDLED | UI_REDRAW;
		}
		return action == UI_ACT_QUIT || action == UI_ACT_HELP ? UI_UNHANDLED : UI_HANDLED;
	}
	if (ui_input_key(&e->file, key, &changed) != UI_UNHANDLED) {
		e->msg[0] = '\0';
		e->force = false;
		return UI_HANDLED | UI_REDRAW;
	}
	return action == UI_ACT_QUIT || action == UI_ACT_HELP ? UI_UNHANDLED : UI_HANDLED;
}

static int
export_paste(struct view *v, const char *text)
{
	struct export_view *e = ev(v);

	if (e->state == EX_ASK && e->form.focus == 1)
		ui_input_paste(&e->file, text, false);
	return UI_HANDLED | UI_REDRAW;
}

static bool
export_typing(struct view *v)
{
	return ev(v)->state == EX_ASK && ev(v)->form.focus == 1;
}

static int
export_hints(struct view *v, int *acts, int max)
{
	(void)v;
	(void)acts;
	(void)max;
	return 0;
}

static void
export_close(struct view *v)
{
	struct export_view *e = ev(v);

	if (e->state == EX_RUNNING) {
		/* closed while writing (the person quit): nothing is left behind */
		ui_query_drop(v->ui, v, -1);
		if (!e->page)
			export_close_cursor(v->ui);
		export_release(e, false);
	}
	free(e->page_arg);
	export_busy = e->state == EX_RUNNING ? false : export_busy;
	app_stmt_free(&e->st);
	free(e->count_sql);
	free(e->declare_sql);
	if (e->dnames)
		for (int i = 0; i < e->dyn.ncols; i++)
			free(e->dnames[i]);
	free(e->dnames);
	free(e->dcols);
	free(e);
}

static const struct view_ops export_ops = {
	.name = "Export",
	.screen = UI_SCREEN_EXPORT,
	.dialog = true,
	.close = export_close,
	.draw = export_draw,
	.key = export_key,
	.result = export_result,
	.tick = export_tick,
	.hints = export_hints,
	.paste = export_paste,
	.typing = export_typing,
};

static struct export_view *
export_alloc(struct ui *ui, const char *what, const struct row_desc *d)
{
	struct export_view *e;

	if (export_busy) {
		ui_message(ui, UI_EL_WARNING, "An export is running already.");
		return NULL;
	}
	if (!(e = calloc(1, sizeof *e)))
		return NULL;
	e->v.ops = &export_ops;
	e->v.ui = ui;
	snprintf(e->what, sizeof e->what, "%s", what);
	e->given = d;
	ui_form_init(&e->form, ui, 8);
	ui_form_add(&e->form, UI_FIELD_CUSTOM, "Format", false);
	ui_form_add(&e->form, UI_FIELD_TEXT, "File", true);
	e->form.f[1].in = &e->file;
	ui_form_focus(&e->form, 1);
	export_default_name(e);
	return e;
}

struct view *
view_export_pages_new(struct ui *ui, const char *what, const struct row_desc *d,
		      ui_export_page_fn *page, const void *arg, size_t argsize, const char *key)
{
	struct export_view *e = export_alloc(ui, what, d);

	if (!e)
		return NULL;
	e->page = page;
	e->page_key = key;
	if (!(e->page_arg = malloc(argsize ? argsize : 1))) {
		free(e);
		return NULL;
	}
	memcpy(e->page_arg, arg, argsize);
	return &e->v;
}

struct view *
view_export_new(struct ui *ui, const char *what, const struct row_desc *d, struct app_stmt *st)
{
	struct export_view *e = export_alloc(ui, what, d);
	size_t n;

	if (!e) {
		app_stmt_free(st);
		return NULL;
	}
	app_stmt_move(&e->st, st);
	n = strlen(e->st.sql) + 96;
	e->count_sql = malloc(n);
	e->declare_sql = malloc(n);
	if (!e->count_sql || !e->declare_sql) {
		export_close(&e->v);
		return NULL;
	}
	snprintf(e->count_sql, n, "SELECT count(*) FROM (%s) oms_export_q", e->st.sql);
	snprintf(e->declare_sql, n, "DECLARE oms_export NO SCROLL CURSOR WITH HOLD FOR %s", e->st.sql);
	return &e->v;
}
