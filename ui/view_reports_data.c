/* The report screen's data (ui/view_reports_int.h): every report's
 * columns and the figure behind each, the cells' words, the chart's
 * series. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"
#include "report_view.h"
#include "view_reports_int.h"

#define RCOLS(a) a, (int)(sizeof a / sizeof a[0])

static const struct rcol volume_cols[] = {
	{ "period", "Period", 10, 'd', true, NULL },
	{ "seller_id", "Seller", 14, 's', true, NULL },
	{ "status", "Status", 12, 't', true, NULL },
	{ "orders", "Orders", 7, 'i', false, "placed" },
	{ "total_minor", "Total", 13, 'm', false, "placed" },
};
static const struct rcol cancel_cols[] = {
	{ "period", "Period", 10, 'd', true, NULL },
	{ "seller_id", "Seller", 14, 's', true, NULL },
	{ "reason_code", "Reason", 16, 't', true, NULL },
	{ "cancelled", "Cancelled", 9, 'i', false, "cancelled" },
	{ "rate", "Rate", 7, 'r', false, "cancelled" },
	{ "requested_by_role", "By", 10, 't', false, NULL },
	{ "scope", "Scope", 6, 't', false, NULL },
	{ "pending", "Pending", 7, 'i', false, NULL },
	{ "rejected", "Rejected", 8, 'i', false, NULL },
	{ "units", "Units", 6, 'i', false, NULL },
	{ "orders_placed", "Placed", 7, 'i', false, "placed" },
};
static const struct rcol refund_cols[] = {
	{ "period", "Period", 10, 'd', true, NULL },
	{ "seller_id", "Seller", 14, 's', true, NULL },
	{ "requested", "Asked", 6, 'i', false, NULL },
	{ "requested_amount_minor", "Asked amt", 11, 'm', false, NULL },
	{ "granted", "Granted", 7, 'i', false, NULL },
	{ "granted_amount_minor", "Granted amt", 11, 'm', false, NULL },
	{ "executed", "Paid", 5, 'i', false, "refund_executed" },
	{ "executed_amount_minor", "Paid amt", 11, 'm', false, "refund_executed" },
	{ "awaiting_approval", "Awaiting", 8, 'i', false, "refund_awaiting" },
	{ "rejected", "Refused", 7, 'i', false, NULL },
	{ "pending_gateway", "At gateway", 10, 'i', false, "refund_pending" },
	{ "failed", "Failed", 6, 'i', false, "refund_failed" },
	{ "p50_hours", "p50 h", 7, 'h', false, "refund_executed" },
	{ "p90_hours", "p90 h", 7, 'h', false, "refund_executed" },
	{ "avg_hours", "Avg h", 7, 'h', false, "refund_executed" },
};
static const struct rcol fulfil_cols[] = {
	{ "period", "Period", 10, 'd', true, NULL },
	{ "seller_id", "Seller", 14, 's', true, NULL },
	{ "orders", "Orders", 6, 'i', false, "placed" },
	{ "confirmed", "Confirmed", 9, 'i', false, "confirmed" },
	{ "shipped", "Shipped", 7, 'i', false, "shipped" },
	{ "in_time_rate", "In 24 h", 7, 'r', false, "shipped_late" },
	{ "avg_hours_to_ship", "To ship h", 9, 'h', false, "shipped" },
	{ "delivered", "Delivered", 9, 'i', false, "delivered" },
	{ "on_time_rate", "On time", 7, 'r', false, "delivered_late" },
	{ "avg_transit_hours", "Transit h", 9, 'h', false, "delivered" },
	{ "exceptions", "Exceptions", 10, 'i', false, "exception" },
	{ "stuck", "Stuck", 5, 'i', false, "stuck" },
};
static const struct rcol kpi_cols[] = {
	{ "period", "Period", 10, 'd', true, NULL },
	{ "label", "KPI", 29, 't', true, NULL },
	{ "value", "Value", 9, 'k', false, "kpi" },
	{ "target", "Target", 8, 't', false, NULL },
	{ "verdict", "Verdict", 9, 't', false, NULL },
	{ "basis", "Basis", 6, 'i', false, NULL },
	{ "note", "Note", 8, 't', false, NULL },
};

const struct rkind rep_kinds[] = {
	{ REPORT_VOLUME, "volume", "Volume", "per", RCOLS(volume_cols), "status", "status" },
	{ REPORT_CANCELLATIONS, "cancellations", "Cancellations", "per",
	  RCOLS(cancel_cols), "reason_code", "reason_code" },
	{ REPORT_REFUNDS, "refunds", "Refunds", "per", RCOLS(refund_cols), NULL, "seller_id" },
	{ REPORT_FULFILMENT, "fulfilment", "Fulfilment", "per",
	  RCOLS(fulfil_cols), NULL, "seller_id" },
	{ REPORT_KPI, "kpi", "KPIs", "per",
	  RCOLS(kpi_cols), NULL, "label" },
};
const int rep_nkinds = (int)(sizeof rep_kinds / sizeof rep_kinds[0]);

const char *const rep_bys[NBYS] = { "day", "week", "month", "all" };

/* The orders behind a KPI: its failures where there is such a list. */
const char *
rep_kpi_figure(const char *kpi)
{
	static const char *const map[][2] = {
		{ "fulfilment_rate", "unshipped" },
		{ "avg_processing_hours", "confirmed" },
		{ "on_time_delivery", "delivered_late" },
		{ "order_accuracy", "inaccurate" },
		{ "refund_processing_hours", "refund_executed" },
	};

	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i][0], kpi) == 0)
			return map[i][1];
	return NULL;
}

const char *
rep_seller_name(const struct reports_view *r, const char *id)
{
	long long n = strtoll(id, NULL, 10);

	for (int i = 0; i < r->nsellers; i++)
		if (r->seller_ids[i] == n)
			return r->seller_names[i];
	return id;
}

/* --- cells ----------------------------------------------------------------- */

void
rep_fmt_cell(const struct reports_view *r, int row, const struct rcol *c, char *buf, size_t len)
{
	const struct rtable *t = &r->t;
	const char *v = rtable_get(t, row, c->name);

	if (rtable_null(t, row, c->name)) {
		snprintf(buf, len, "%s", c->fmt == 't' || c->fmt == 'b' ? "" : "-");
		return;
	}
	switch (c->fmt) {
	case 's':
		snprintf(buf, len, "%s", rep_seller_name(r, v));
		break;
	case 'm':
		money_format(strtoll(v, NULL, 10), rtable_get(t, row, "currency"), buf, len);
		break;
	case 'r':
		snprintf(buf, len, "%.1f%%", strtod(v, NULL) * 100);
		break;
	case 'h':
		snprintf(buf, len, "%.1f", strtod(v, NULL));
		break;
	case 'k':
		snprintf(buf, len, "%.2f%s%s", strtod(v, NULL),
			 strcmp(rtable_get(t, row, "unit"), "%") == 0 ? "" : " ",
			 rtable_get(t, row, "unit"));
		break;
	case 'b':
		snprintf(buf, len, "%s", strcmp(v, "t") == 0 ? "yes" : "no");
		break;
	default:
		snprintf(buf, len, "%s", v);
	}
}

/* --- the chart: the figure under the cursor, per period (per row when the
 * period is one) ------------------------------------------------------------ */


void
rep_series_free(struct series *s)
{
	for (int i = 0; i < s->n; i++) {
		free(s->labels[i]);
		free(s->texts[i]);
	}
	free(s->labels);
	free(s->texts);
	free(s->v);
	memset(s, 0, sizeof *s);
}

static bool
fig_summable(char fmt)
{
	return fmt == 'i' || fmt == 'm';
}

#define MAX_PERIODS 800

static int
series_find(struct series *s, const char *label)
{
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->labels[i], label) == 0)
			return i;
	return -1;
}

void
rep_series(struct reports_view *r, struct series *s)
{
	const struct rkind *k = kind_of(r);
	const struct rcol *c = &k->cols[r->fig];
	const struct rtable *t = &r->t;
	bool per_period = rep_bys[r->by][0] != 'a';
	const char *kpi = r->kind == 4 && per_period && r->list.sel >= 0 ?
		rtable_get(t, r->list.sel, "kpi") : NULL;
	static char periods[MAX_PERIODS][11];
	int np = 0, cap, *count;
	char buf[128];

	memset(s, 0, sizeof *s);
	if (per_period)
		np = ui_report_periods(r->from, r->to, rep_bys[r->by], periods, MAX_PERIODS);
	cap = t->nrows + np + 1;
	s->labels = calloc((size_t)cap, sizeof *s->labels);
	s->texts = calloc((size_t)cap, sizeof *s->texts);
	s->v = calloc((size_t)cap, sizeof *s->v);
	count = calloc((size_t)cap, sizeof *count);
	if (!s->labels || !s->texts || !s->v || !count) {
		free(count);
		return;
	}
	/* every period of the range, those without rows too */
	for (int i = 0; i < np; i++)
		s->labels[s->n++] = strdup(periods[i]);
	for (int i = 0; i < t->nrows; i++) {
		const char *label;
		int at;

		if (kpi && strcmp(rtable_get(t, i, "kpi"), kpi) != 0)
			continue;
		if (rtable_null(t, i, c->name))
			continue;
		if (per_period) {
			label = rtable_get(t, i, "period");
		} else if (strcmp(k->group_col, "seller_id") == 0) {
			label = rep_seller_name(r, rtable_get(t, i, "seller_id"));
		} else {
			label = rtable_get(t, i, k->group_col);
		}
		if ((at = series_find(s, label)) < 0) {
			at = s->n++;
			s->labels[at] = strdup(label);
		}
		s->v[at] += rtable_num(t, i, c->name);
		count[at]++;
	}
	for (int i = 0; i < s->n; i++) {
		/* rates and hours of several rows: their mean */
		if (!fig_summable(c->fmt) && count[i] > 1)
			s->v[i] /= count[i];
		if (c->fmt == 'm')
			money_format((long long)s->v[i], t->nrows ? rtable_get(t, 0, "currency") : "USD",
				     buf, sizeof buf);
		else if (c->fmt == 'r')
			snprintf(buf, sizeof buf, "%.1f%%", s->v[i] * 100);
		else if (c->fmt == 'h' || c->fmt == 'k')
			snprintf(buf, sizeof buf, "%.2f", s->v[i]);
		else
			snprintf(buf, sizeof buf, "%.0f", s->v[i]);
		s->texts[i] = strdup(buf);
		if (!s->labels[i])
			s->labels[i] = strdup("");
	}
	free(count);
}
