#include "config.h"

#include "frame.h"

#define FRAME_MAX_W 80
#define FRAME_MAX_H 24

/* One edge: a left piece, rules, an optional title, a right piece. */
static void
frame_edge(struct ui *ui, int y, struct ui_rect b, const char *left, const char *right,
	   const char *title)
{
	struct ui_line l;

	ui_line_init(&l, ui->ascii);
	if (!ui->plain) {
		ui_line_add(&l, ui->ascii ? "+" : left, 1);
		ui_line_repeat(&l, ui_hline(ui), title ? 1 : b.w - 2);
	}
	if (title) {
		ui_line_add(&l, " ", 1);
		ui_line_add(&l, title, b.w - 6);
		ui_line_add(&l, ui->plain ? ":" : " ", 1);
		if (!ui->plain)
			ui_line_repeat(&l, ui_hline(ui), b.w - 1 - l.w);
	}
	if (!ui->plain)
		ui_line_add(&l, ui->ascii ? "+" : right, 1);
	ui_draw_line(y, b.x, b.w, UI_EL_SECTION, &l);
	ui_line_free(&l);
}

struct ui_rect
ui_frame_draw(struct ui *ui, struct ui_rect r, const char *title)
{
	struct ui_rect b = { r.y, r.x, r.h < FRAME_MAX_H ? r.h : FRAME_MAX_H,
			     r.w < FRAME_MAX_W ? r.w : FRAME_MAX_W };
	const char *side = ui->plain ? " " : ui->ascii ? "|" : "\xe2\x94\x82";

	b.y += (r.h - b.h) / 2;
	b.x += (r.w - b.w) / 2;
	for (int i = 0; i < r.h; i++)
		ui_draw_text(r.y + i, r.x, r.w, UI_EL_NORMAL, "");
	frame_edge(ui, b.y, b, "\xe2\x94\x8c", "\xe2\x94\x90", title);
	for (int y = b.y + 1; y < b.y + b.h - 1; y++) {
		ui_draw_text(y, b.x, 1, UI_EL_SECTION, side);
		ui_draw_text(y, b.x + b.w - 1, 1, UI_EL_SECTION, side);
	}
	frame_edge(ui, b.y + b.h - 3, b, "\xe2\x94\x9c", "\xe2\x94\xa4", NULL);
	frame_edge(ui, b.y + b.h - 1, b, "\xe2\x94\x94", "\xe2\x94\x98", NULL);
	return b;
}
