/* Bars and column charts in the terminal (ui/chart.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "width.h"

/* U+2581..U+2588 (lower eighths) and U+258F..U+2589 (left eighths) */
static const char *const lower[9] = { " ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
static const char *const left[9] = { "", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█" };
static const char ascii_levels[9] = { ' ', '.', '.', ':', ':', '=', '=', '#', '#' };

static void
put(char *buf, size_t len, size_t *at, const char *s)
{
	size_t n = strlen(s);

	if (*at + n + 1 > len)
		return;
	memcpy(buf + *at, s, n);
	*at += n;
	buf[*at] = '\0';
}

/* eighths of w cells that v takes of max */
static long
eighths(double v, double max, int w)
{
	double e;

	if (!(v > 0) || !(max > 0) || w <= 0)
		return 0;
	e = v / max * w * 8;
	if (e > (double)w * 8)
		e = (double)w * 8;
	/* a value above zero always shows */
	return e < 1 ? 1 : (long)(e + 0.5);
}

const char *
ui_chart_bar(double v, double max, int w, bool ascii, char *buf, size_t len)
{
	long e = eighths(v, max, w);
	size_t at = 0;

	buf[0] = '\0';
	for (long i = 0; i < e / 8; i++)
		put(buf, len, &at, ascii ? "#" : left[8]);
	if (e % 8) {
		if (ascii)
			put(buf, len, &at, e / 8 == 0 || e % 8 >= 4 ? "#" : "");
		else
			put(buf, len, &at, left[e % 8]);
	}
	return buf;
}

static double
series_max(const double *v, int n)
{
	double m = 0;

	for (int i = 0; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}

const char *
ui_chart_column_row(const double *v, int n, int h, int row, bool ascii, char *buf, size_t len)
{
	double max = series_max(v, n);
	size_t at = 0;
	char one[2] = { 0, 0 };

	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		long e = eighths(v[i], max, h);
		long below = (long)(h - 1 - row) * 8;     /* eighths under this row */
		long here = e - below;

		if (here < 0)
			here = 0;
		if (here > 8)
			here = 8;
		if (ascii) {
			one[0] = here >= 4 || (here > 0 && e < 8) ? '#' : ' ';
			put(buf, len, &at, one);
		} else {
			put(buf, len, &at, lower[here]);
		}
	}
	return buf;
}

const char *
ui_chart_sparkline(const double *v, int n, bool ascii, char *buf, size_t len)
{
	double max = series_max(v, n);
	size_t at = 0;
	char one[2] = { 0, 0 };

	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		long e = eighths(v[i], max, 1);

		if (ascii) {
			one[0] = ascii_levels[e];
			put(buf, len, &at, one);
		} else {
			put(buf, len, &at, e ? lower[e] : " ");
		}
	}
	return buf;
}

void
ui_chart_draw(struct ui *ui, struct ui_rect r, const char *const *labels,
	      const char *const *texts, const double *v, int n)
{
	char buf[1024], line[1200];
	double max = series_max(v, n);

	if (r.h <= 0 || r.w <= 0)
		return;
	if (n <= r.h) {
		int labw = 0, textw = 0, barw;

		for (int i = 0; i < n; i++) {
			int a = ui_width(labels[i]), b = ui_width(texts[i]);

			labw = a > labw ? a : labw;
			textw = b > textw ? b : textw;
		}
		if (labw > 16)
			labw = 16;
		barw = r.w - labw - textw - 4;
		if (barw < 1)
			barw = 1;
		for (int i = 0; i < n; i++) {
			struct ui_line l;

			ui_line_init(&l, ui->ascii);
			ui_line_add(&l, " ", 1);
			ui_line_cell(&l, labels[i], labw, false);
			ui_line_add(&l, " ", 1);
			ui_chart_bar(v[i], max, barw, ui->ascii, buf, sizeof buf);
			ui_line_add(&l, buf, barw);
			ui_line_add(&l, " ", 1);
			ui_line_add(&l, texts[i], -1);
			ui_draw_line(r.y + i, r.x, r.w, UI_EL_NORMAL, &l);
			ui_line_free(&l);
		}
		return;
	}
	/* a column chart of the last values that fit (up to 3 cells each and a
	 * gap), the labels of its ends under it */
	{
		int h = r.h - 1 > 0 ? r.h - 1 : 1, cols = r.w - 2, first, cw, shown;
		struct ui_line l;
		double *col;

		if (cols > 250)
			cols = 250;
		first = n > cols ? n - cols : 0;
		shown = n - first;
		cw = cols / shown > 4 ? 4 : cols / shown;
		if (cw < 1)
			cw = 1;
		col = calloc((size_t)shown * (size_t)cw + 1, sizeof *col);
		if (!col)
			return;
		/* each value cw - 1 cells wide, then a gap (a single cell: no gap) */
		for (int i = 0; i < shown; i++)
			for (int j = 0; j < cw; j++)
				col[i * cw + j] = cw > 1 && j == cw - 1 ? 0 : v[first + i];
		for (int row = 0; row < h; row++) {
			ui_chart_column_row(col, shown * cw, h, row, ui->ascii, buf, sizeof buf);
			snprintf(line, sizeof line, " %s", buf);
			ui_draw_text(r.y + row, r.x, r.w, UI_EL_NORMAL, line);
		}
		free(col);
		(void)max;
		if (r.h > 1) {
			int lw, span = shown * cw;

			ui_line_init(&l, ui->ascii);
			ui_line_add(&l, " ", 1);
			ui_line_add(&l, labels[first], -1);
			lw = ui_width(labels[n - 1]);
			if (shown > 1 && 1 + span - lw > l.w + 1) {
				ui_line_pad(&l, 1 + span - lw);
				ui_line_add(&l, labels[n - 1], -1);
			}
			ui_draw_line(r.y + h, r.x, r.w, UI_EL_DIM, &l);
			ui_line_free(&l);
		}
	}
}
