#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "ui.h"
#include "width.h"

void
ui_draw_line(int y, int x, int w, enum ui_element el, const struct ui_line *l)
{
	int attr = ui_theme_attr(el);

	if (w <= 0 || y < 0 || y >= LINES)
		return;
	attrset(attr);
	mvaddstr(y, x, l->buf ? l->buf : "");
	/* fill the rest of the cell so stale text never shows through */
	for (int c = l->w; c < w; c++)
		addch(' ');
	attrset(A_NORMAL);
}

void
ui_draw_text(int y, int x, int w, enum ui_element el, const char *text)
{
	struct ui_line l;

	ui_line_init(&l, false);
	ui_line_add(&l, text, w);
	ui_draw_line(y, x, w, el, &l);
	ui_line_free(&l);
}

int
ui_draw_wrapped(int y, int x, int w, int max, enum ui_element el, const char *text)
{
	const char *p = text;
	int rows = 0;

	while (*p && rows < max && w > 0) {
		size_t cut = 0, len = 0;
		char line[400];

		while (*p == ' ')
			p++;
		/* the longest run of whole words that fits */
		while (p[len] && rows < max - 1) {
			size_t next = len + strcspn(p + len, " ");

			if (next >= sizeof line)
				break;
			snprintf(line, sizeof line, "%.*s", (int)next, p);
			if (ui_width(line) > w && cut > 0)
				break;
			cut = len = next;
			len += strspn(p + len, " ");
		}
		if (cut == 0)
			cut = strlen(p);       /* the last row takes the rest, cut with … */
		snprintf(line, sizeof line, "%.*s", (int)cut, p);
		ui_draw_text(y + rows++, x, w, el, line);
		p += cut;
	}
	return rows;
}

const char *
ui_hline(const struct ui *ui)
{
	return ui->ascii ? "-" : "\xe2\x94\x80";
}

void
ui_draw_section(struct ui *ui, int y, int x, int w, const char *title)
{
	struct ui_line l;

	ui_line_init(&l, ui->ascii);
	if (ui->plain) {
		/* a screen reader should hear the heading, not a row of dashes */
		ui_line_add(&l, title, w - 1);
		ui_line_add(&l, ":", 1);
	} else if (!title[0]) {
		ui_line_repeat(&l, ui_hline(ui), w);     /* a plain rule */
	} else {
		ui_line_repeat(&l, ui_hline(ui), 2);
		ui_line_add(&l, " ", 1);
		ui_line_add(&l, title, w - 6);
		ui_line_add(&l, " ", 1);
		ui_line_repeat(&l, ui_hline(ui), w - l.w);
	}
	ui_draw_line(y, x, w, UI_EL_SECTION, &l);
	ui_line_free(&l);
}

void
ui_fmt_time(const char *ts, char *buf, size_t len)
{
	/* "2024-05-01T09:00:00+00:00" or "2024-05-01 09:00:00+00" */
	if (!ts || strlen(ts) < 16) {
		snprintf(buf, len, "%s", ts ? ts : "");
		return;
	}
	snprintf(buf, len, "%.10s %.5s", ts, ts + 11);
}

void
ui_fmt_date(const char *ts, char *buf, size_t len)
{
	snprintf(buf, len, "%.10s", ts ? ts : "");
}

void
ui_draw_title(struct ui *ui)
{
	struct ui_line l;
	char who[200], crumb[64];
	int ww, crumbs_from;

	ui_line_init(&l, ui->ascii);
	if (ui->who_known)
		snprintf(who, sizeof who, "%s (%s)", ui->who.full_name[0] ? ui->who.full_name : ui->who.login,
			 ui->who.role);
	else
		snprintf(who, sizeof who, "%s", ui_online(ui) ? "connecting" : "offline");
	ww = ui_width(who);
	if (ww > ui->cols / 2)
		ww = ui->cols / 2;
	ui_line_add(&l, " oms", -1);
	{
		/* bounded: the last three places, "..." before them */
		int shown = 0, first = 0;

		for (int i = ui->depth - 1; i >= 0; i--)
			if (!ui->stack[i]->ops->dialog && ++shown == 3) {
				first = i;
				break;
			}
		for (int i = 0; i < first; i++)
			if (!ui->stack[i]->ops->dialog) {
				ui_line_add(&l, ui->ascii ? " > ..." : " \xe2\x80\xba \xe2\x80\xa6", -1);
				break;
			}
		crumbs_from = first;
	}
	for (int i = crumbs_from; i < ui->depth; i++) {
		struct view *v = ui->stack[i];
		const char *t = NULL;

		if (v->ops->dialog)
			continue;
		if (v->ops->title)
			t = v->ops->title(v, crumb, sizeof crumb);
		ui_line_add(&l, ui->ascii ? " > " : " \xe2\x80\xba ", -1);
		ui_line_add(&l, v->ops->name, -1);
		if (t && *t) {
			ui_line_add(&l, " ", -1);
			ui_line_add(&l, t, -1);
		}
	}
	/* the breadcrumbs give way to the name of who is logged in */
	if (l.w > ui->cols - ww - 2) {
		struct ui_line cut;
		ui_line_init(&cut, ui->ascii);
		ui_line_add(&cut, l.buf, ui->cols - ww - 2);
		ui_line_free(&l);
		l = cut;
	}
	ui_line_pad(&l, ui->cols - ww - 1);
	ui_line_add(&l, who, ww);
	ui_draw_line(0, 0, ui->cols, UI_EL_TITLE, &l);
	ui_line_free(&l);
}

void
ui_draw_banner(struct ui *ui, int y)
{
	char text[200];
	long wait = 0;

	if (ui->conn == UI_CONN_WAIT && ui->retry_at > ui->now)
		wait = (long)((ui->retry_at - ui->now + 999) / 1000);
	if (ui->conn == UI_CONN_RESETTING || wait == 0)
		snprintf(text, sizeof text, " Database connection lost. Reconnecting (attempt %d)...",
			 ui->attempt + 1);
	else
		snprintf(text, sizeof text, " Database connection lost. Reconnecting in %lds (attempt %d)...",
			 wait, ui->attempt + 1);
	ui_draw_text(y, 0, ui->cols, UI_EL_BANNER, text);
}

static const char *const spin_utf8[] = {
	"\xe2\xa0\x8b", "\xe2\xa0\x99", "\xe2\xa0\xb9", "\xe2\xa0\xb8",
	"\xe2\xa0\xbc", "\xe2\xa0\xb4", "\xe2\xa0\xa6", "\xe2\xa0\xa7",
};
static const char *const spin_ascii[] = { "|", "/", "-", "\\" };

void
ui_draw_status(struct ui *ui)
{
	struct ui_line l;
	char right[96] = "";
	struct view *top = ui->depth ? ui->stack[ui->depth - 1] : NULL;
	int rw, y = ui->lines - 1;
	enum ui_element el = UI_EL_STATUS;

	if (y < 1)
		return;
	ui_line_init(&l, ui->ascii);
	if (ui_busy_visible(ui)) {
		const char *s = ui->ascii ? spin_ascii[ui->spin % 4] : spin_utf8[ui->spin % 8];
		snprintf(right, sizeof right, "%s working... Esc cancels ", s);
	} else if (ui_report_busy_visible(ui)) {
		const char *s = ui->ascii ? spin_ascii[ui->spin % 4] : spin_utf8[ui->spin % 8];
		snprintf(right, sizeof right, "%s report working... Esc cancels ", s);
	}
	rw = ui_width(right);
	if (ui->ask) {
		ui_line_add(&l, " ", 1);
		ui_line_add(&l, ui_question(ui), ui->cols - rw - 2);
		el = UI_EL_WARNING;
	} else if (ui->msg[0] && ui->now < ui->msg_until) {
		ui_line_add(&l, " ", 1);
		ui_line_add(&l, ui->msg, ui->cols - rw - 2);
		el = ui->msg_el == UI_EL_NORMAL ? UI_EL_STATUS : ui->msg_el;
	} else if (top && top->ops->hints) {
		int acts[12], n = top->ops->hints(top, acts, 12);
		/* typing into a field: name keys that are not text ("F1 help") */
		bool typing = top->ops->typing && top->ops->typing(top);

		ui_line_add(&l, " ", 1);
		for (int i = 0; i < n; i++) {
			char keys[32], item[96];
			const char *help = ui_actions[acts[i]].name;

			if (typing)
				ui_keymap_key_not_text(&ui->km, acts[i], keys, sizeof keys);
			else
				ui_keymap_key(&ui->km, acts[i], keys, sizeof keys);
			if (!keys[0])
				continue;
			snprintf(item, sizeof item, "%s%s %s", i ? "  " : "", keys, help);
			if (l.w + ui_width(item) > ui->cols - rw - 1)
				break;
			ui_line_add(&l, item, -1);
		}
	}
	if (el != UI_EL_STATUS) {
		/* messages stand out from the hints, but keep the bar's look */
		ui_draw_line(y, 0, ui->cols - rw, el, &l);
		ui_draw_text(y, ui->cols - rw, rw, UI_EL_STATUS, right);
	} else {
		ui_line_pad(&l, ui->cols - rw);
		ui_line_add(&l, right, rw);
		ui_draw_line(y, 0, ui->cols, UI_EL_STATUS, &l);
	}
	ui_line_free(&l);
}
