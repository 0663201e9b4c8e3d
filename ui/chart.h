/* Charts drawn in the terminal (ui/chart.c): the report screen's bars.
 *
 * A series is n labelled values (NULL-free: a missing figure is 0 with
 * its label). Drawn in a rectangle: one horizontal bar a row when every
 * value has a row, else one column a value (a column chart, as many
 * values as fit, the last ones: a time series' most recent). Bars are
 * block characters (eighths) on a UTF-8 terminal, '#' under --plain or
 * --ascii. The functions that make the text are pure, for the tests. */
#ifndef OMS_UI_CHART_H
#define OMS_UI_CHART_H

#include <stdbool.h>
#include <stddef.h>

#include "ui.h"

/* A bar of value v against max in w cells: full cells then (UTF-8) the
 * eighth that is left; "" for v <= 0. Into buf. */
const char *ui_chart_bar(double v, double max, int w, bool ascii, char *buf, size_t len);
/* Row `row` (0 = the top) of an h-row column chart of values v[0..n-1],
 * one cell a value: buf gets n cells. */
const char *ui_chart_column_row(const double *v, int n, int h, int row, bool ascii, char *buf,
				size_t len);
/* One row: a sparkline of the values (8 heights, ASCII " .:-=+*#"). */
const char *ui_chart_sparkline(const double *v, int n, bool ascii, char *buf, size_t len);

/* Draws the series in r: labels (cut to their column), bars and values
 * (text as given) for horizontal bars; for a column chart the first and
 * the last label under it. */
void ui_chart_draw(struct ui *ui, struct ui_rect r, const char *const *labels,
		   const char *const *texts, const double *v, int n);

#endif
