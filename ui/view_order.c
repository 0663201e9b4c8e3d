/* Order detail: everything about one order on one scrollable screen, from
 * one document (oms_api.order_card_json). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "screens.h"
#include "app/phone_format.h"
#include "clipboard.h"
#include "view_recent.h"
#include "views.h"

enum { TAG_CARD = 1, TAG_ELIG, TAG_RETRY, TAG_TRACK, TAG_TSTATUS };
/* After "refresh tracking" the card is reloaded this long, every
 * ORDER_POLL_MS, in case no notification brings the scans */
#define ORDER_TRACK_WATCH_MS (10 * 60 * 1000)
/* A change notified (LISTEN oms_order) is reloaded after a short pause, so
 * the several rows one transaction touches cost one reload; without
 * notifications, a refund still on its way is polled. */
#define ORDER_NOTIFY_MS 150
#define ORDER_POLL_MS 5000

struct order_view {
	struct view v;
	long long order_no;
	json_t *card;
	bool loading, failed;
	char errmsg[512];
	struct cancel_eligibility elig;
	bool elig_known;
	bool show_refusal;         /* x was pressed on an order that cannot be cancelled */
	long long retry_asked;     /* T pressed once: the refused refund to send again */
	int copy_next;             /* y pressed n times in a row: copies item n next */
	uint64_t track_until;      /* refresh tracking asked: watched until then */
	json_t *tstatus;           /* oms_api.tracking_status: the poller's word */
	struct ui_doc doc;
};

static struct order_view *
ov(struct view *v)
{
	return (struct order_view *)v;
}

static void
money(const json_t *o, const char *key, const char *currency, char *buf, size_t len)
{
	money_format(jll(o, key), currency, buf, len);
}

static const char *
tm(const json_t *o, const char *key, char *buf, size_t len)
{
	const char *s = js(o, key);

	if (!*s)
		return "-";
	ui_fmt_time(s, buf, len);
	return buf;
}

/* The columns of the order's lines: each cell keeps one blank between it
 * and its neighbour (a 13-character SKU ran into the item name), so a cell's
 * text gets its width less one. At 80 columns and more: the usual widths
 * (the SKU column 13 or as wide as the longest SKU, at most LINE_SKU_MAX), the
 * blanks before Qty, Unit and Total given up first to a name that would be
 * cut; narrower, the number, quantity and money columns take only what this
 * order's lines need, and the SKU is cut (not below LINE_SKU_MIN) before the
 * item name falls under LINE_NAME_MIN. */
#define LINE_SKU_MAX 20
#define LINE_SKU_MIN 8
#define LINE_NAME_MIN 12
struct line_cols {
	int no, sku, name, qty, unit, total;
};

static int
imax(int a, int b)
{
	return a > b ? a : b;
}

static void
order_line_cols(json_t *lines, const char *cur, int w, struct line_cols *c)
{
	int no = ui_width("#"), sku = ui_width("SKU"), qty = ui_width("Qty");
	int unit = ui_width("Unit"), total = ui_width("Total"), name = 0, rest;
	json_t *ln;
	size_t i;
	char a[48];

	json_array_foreach(lines, i, ln) {
		no = imax(no, ui_width(js(ln, "line_no")));
		sku = imax(sku, ui_width(js(ln, "sku")));
		name = imax(name, ui_width(js(ln, "name")));
		qty = imax(qty, ui_width(js(ln, "qty")));
		money(ln, "unit_price_minor", cur, a, sizeof a);
		unit = imax(unit, ui_width(a));
		money(ln, "line_total_minor", cur, a, sizeof a);
		total = imax(total, ui_width(a));
	}
	/* one blank after the left-aligned cells, before the right-aligned ones */
	c->no = no + 1;
	c->sku = (sku < LINE_SKU_MAX ? sku : LINE_SKU_MAX) + 1;
	c->qty = qty + 1;
	c->unit = unit + 1;
	c->total = total + 1;
	if (w >= 80) {
		c->no = imax(c->no, 4);
		c->sku = imax(c->sku, 13);
		c->qty = imax(c->qty, 5);
		c->unit = imax(c->unit, 11);
		c->total = imax(c->total, 12);
		/* the blanks before Qty, Unit and Total give way to a name */
		rest = w - c->no - c->sku - c->qty - c->unit - c->total;
		{
			int *col[3] = { &c->qty, &c->unit, &c->total };
			int natural[3] = { qty + 1, unit + 1, total + 1 };

			for (int k = 0; k < 3 && rest < name + 1; k++) {
				int give = *col[k] - natural[k];

				if (give > name + 1 - rest)
					give = name + 1 - rest;
				*col[k] -= give;
				rest += give;
			}
		}
	}
	rest = w - c->no - c->sku - c->qty - c->unit - c->total;
	if (rest < LINE_NAME_MIN) {
		int cut = LINE_NAME_MIN - rest;
		int room = c->sku - (LINE_SKU_MIN + 1);

		if (room > 0) {
			c->sku -= cut < room ? cut : room;
			rest = w - c->no - c->sku - c->qty - c->unit - c->total;
		}
	}
	/* below that the line is cut at the right edge */
	c->name = imax(rest, LINE_NAME_MIN);
}

/* A left-aligned cell: its text, cut to leave the blank that parts it from
 * the next cell. */
static void
cell_left(struct ui_line *l, const char *text, int w)
{
	int start = l->w;

	ui_line_add(l, text, w - 1);
	ui_line_pad(l, start + w);
}

/* A right-aligned cell after a blank. */
static void
cell_right(struct ui_line *l, const char *text, int w)
{
	ui_line_pad(l, l->w + 1);
	ui_line_cell(l, text, w - 1, true);
}

static void
order_doc_lines(struct order_view *o, const char *cur)
{
	struct ui_doc *d = &o->doc;
	json_t *lines = json_object_get(o->card, "lines");
	struct ui_line l;
	struct line_cols c;
	int w = d->width;
	size_t i;
	json_t *ln;
	char a[48], b[48], cc[48];

	doc_section(d, "Lines");
	order_line_cols(lines, cur, w, &c);
	ui_line_init(&l, d->ascii);
	cell_left(&l, "#", c.no);
	cell_left(&l, "SKU", c.sku);
	cell_left(&l, "Item", c.name);
	cell_right(&l, "Qty", c.qty);
	cell_right(&l, "Unit", c.unit);
	cell_right(&l, "Total", c.total);
	doc_add_line(d, UI_EL_HEADER, &l);
	json_array_foreach(lines, i, ln) {
		long long cq = jll(ln, "cancelled_qty");

		ui_line_reset(&l);
		cell_left(&l, js(ln, "line_no"), c.no);
		cell_left(&l, js(ln, "sku"), c.sku);
		cell_left(&l, js(ln, "name"), c.name);
		cell_right(&l, js(ln, "qty"), c.qty);
		money(ln, "unit_price_minor", cur, a, sizeof a);
		cell_right(&l, a, c.unit);
		money(ln, "line_total_minor", cur, a, sizeof a);
		cell_right(&l, a, c.total);
		doc_add_line(d, cq > 0 ? UI_EL_DIM : UI_EL_NORMAL, &l);
		if (cq > 0)
			doc_addf(d, UI_EL_WARNING, "    %lld of %s cancelled", cq, js(ln, "qty"));
	}
	money(o->card, "subtotal_minor", cur, a, sizeof a);
	money(o->card, "shipping_minor", cur, b, sizeof b);
	money(o->card, "total_minor", cur, cc, sizeof cc);
	ui_line_reset(&l);
	{
		char t[200];
		snprintf(t, sizeof t, "Subtotal %s  Shipping %s  Total %s", a, b, cc);
		ui_line_pad(&l, w - ui_width(t));
		ui_line_add(&l, t, w);
		doc_add_line(d, UI_EL_NORMAL, &l);
	}
	ui_line_free(&l);
}

/* A refund that will not change any more (its progress is watched until then). */
static bool
refund_final(const json_t *r)
{
	const char *st = js(r, "status");

	return strcmp(st, "succeeded") == 0 || strcmp(st, "failed") == 0 ||
	       strcmp(st, "canceled") == 0 || strcmp(js(r, "approval"), "rejected") == 0;
}

static void
order_doc_money(struct order_view *o, const char *cur)
{
	struct ui_doc *d = &o->doc;
	json_t *pay = json_object_get(o->card, "payment");
	json_t *refunds = json_object_get(o->card, "refunds"), *r;
	char a[48], t[48];
	size_t i;

	doc_section(d, "Payment and refunds");
	if (json_is_object(pay)) {
		money(pay, "amount_minor", cur, a, sizeof a);
		doc_wrapf(d, UI_EL_NORMAL, 8, "Payment %s  %s  verified %s  attempts %s  ref %s",
			  js(pay, "status"), a, tm(pay, "verified_at", t, sizeof t),
			  js(pay, "attempts"), js(pay, "provider_ref"));
	} else {
		doc_add(d, UI_EL_DIM, "No payment recorded.");
	}
	money(o->card, "refundable_minor", cur, a, sizeof a);
	doc_addf(d, UI_EL_NORMAL, "Refundable now %s", a);
	json_array_foreach(refunds, i, r) {
		money(r, "amount_minor", cur, a, sizeof a);
		{
			const char *ap = js(r, "approval");
			bool show_ap = *ap && strcmp(ap, "auto") != 0 && strcmp(ap, "approved") != 0;
			char line[400];

			/* when it happened, else when it was asked for */
			bool done = *js(r, "executed_at");

			/* an administrator's approval is worth saying (BR-027) */
			snprintf(line, sizeof line, "Refund %s  %s  %s  %s %s%s%s%s", js(r, "id"), a,
				 js(r, "status"), done ? "executed" : "requested",
				 tm(r, done ? "executed_at" : "created_at", t, sizeof t),
				 show_ap ? "  approval " : "", show_ap ? ap : "",
				 strcmp(ap, "approved") == 0 ? "  approved" : "");
			doc_wrap(d, refund_final(r) ? UI_EL_NORMAL : UI_EL_WARNING, 8, line);
		}
		if (*js(r, "reason"))
			doc_wrapf(d, UI_EL_DIM, 16, "        reason: %s", js(r, "reason"));
		/* a refusal's reason, as the gateway gave it, and who may retry (issue 13) */
		if (strcmp(js(r, "status"), "refused") == 0 || strcmp(js(r, "status"), "unknown") == 0) {
			char k[16];

			ui_keymap_key(&o->v.ui->km, UI_ACT_REFUND_RETRY, k, sizeof k);
			doc_wrapf(d, UI_EL_WARNING, 8, "        gateway: %s", *js(r, "last_message") ?
				  js(r, "last_message") : "(no reason given)");
			if (ui_role_is(o->v.ui, "admin"))
				doc_addf(d, UI_EL_HINT, "        %s: retry, send it to the gateway again",
					 k[0] ? k : "retry");
			else
				doc_add(d, UI_EL_DIM, "        an administrator may send it again");
		} else if (strcmp(js(r, "status"), "failed") == 0) {
			/* failed for good (order 11995659 showed no reason): the
			 * gateway's word, and what is left to do */
			doc_wrapf(d, UI_EL_WARNING, 8, "        gateway: %s", *js(r, "last_message") ?
				  js(r, "last_message") : "(no reason given)");
			doc_wrap(d, UI_EL_DIM, 8, "        final; an administrator may record it settled outside the gateway");
		}
	}
}

/* Issue 11: the tracker's state, the age of the last scan and the proof
 * of delivery (signed_by), on one line under the shipment. */
/* A failed poll of this shipment's tracker, said under it with its reason
 * (the aggregator unreachable...), from oms_api.tracking_status (issue 11). */
static void
order_doc_poll_failed(struct ui_doc *d, json_t *tstatus, json_t *s)
{
	json_t *t;
	size_t i;

	json_array_foreach(json_object_get(tstatus, "shipments"), i, t) {
		long long n = jll(t, "poll_failures");

		if (strcmp(js(t, "tracking_no"), js(s, "tracking_no")) != 0 || n <= 0 || !*js(t, "last_error"))
			continue;
		json_t *age = json_object_get(t, "last_heard_age_s");
		char heard[64] = "; never heard from";

		/* how old what is shown is: the last answer about the parcel */
		if (json_is_integer(age) && json_integer_value(age) >= 0)
			snprintf(heard, sizeof heard, "; last heard %02lld:%02lld h ago",
				 (long long)json_integer_value(age) / 3600, (long long)json_integer_value(age) % 3600 / 60);
		doc_wrapf(d, UI_EL_WARNING, 4, "  the carrier's last %lld poll%s failed: %s%s", n, n == 1 ? "" : "s",
			  js(t, "last_error"), heard);
	}
}

static void
order_doc_tracker(struct ui_doc *d, json_t *s)
{
	const char *state = js(s, "tracker_state"), *signer = js(s, "signed_by");
	long long age = (long long)json_integer_value(json_object_get(s, "last_scan_age_s"));
	char ago[48] = "no scan yet";

	if (!*state && !*signer)
		return;
	/* hours:minutes, as the queue's promise */
	if (json_is_integer(json_object_get(s, "last_scan_age_s")) && age >= 0)
		snprintf(ago, sizeof ago, "last scan %02lld:%02lld h ago", age / 3600, age % 3600 / 60);
	doc_wrapf(d, UI_EL_NORMAL, 4, "  tracking: %s, %s%s%s", *state ? state : "not tracked", ago,
		  *signer ? "; signed by " : "", signer);
}

static void
order_doc_shipping(struct order_view *o)
{
	struct ui_doc *d = &o->doc;
	json_t *to = json_object_get(o->card, "ship_to");
	json_t *ships = json_object_get(o->card, "shipments"), *s, *ev;
	char t[48], t2[48];
	size_t i, j;

	doc_section(d, "Ship to");
	if (json_is_object(to))
		doc_wrapf(d, UI_EL_NORMAL, 2, "%s, %s%s%s, %s, %s %s, %s", js(to, "name"), js(to, "line1"),
			  *js(to, "line2") ? ", " : "", js(to, "line2"), js(to, "city"),
			  js(to, "region"), js(to, "postal_code"), js(to, "country"));
	doc_section(d, "Shipments");
	if (json_array_size(ships) == 0)
		doc_add(d, UI_EL_DIM, "Not shipped yet.");
	json_array_foreach(ships, i, s) {
		/* the flag beside the status, where 80 columns still show it (issue 13) */
		doc_wrapf(d, json_is_true(json_object_get(s, "flagged")) ? UI_EL_WARNING : UI_EL_NORMAL, 2,
			  "%s %s  %s  %s%s  shipped %s  estimated %.10s", js(s, "carrier"),
			  js(s, "service_level"), js(s, "tracking_no"), js(s, "status"),
			  json_is_true(json_object_get(s, "flagged")) ? " STUCK" : "",
			  tm(s, "shipped_at", t, sizeof t), js(s, "estimated_delivery"));
		order_doc_tracker(d, s);
		order_doc_poll_failed(d, o->tstatus, s);
		json_array_foreach(json_object_get(s, "events"), j, ev)
			doc_wrapf(d, UI_EL_NORMAL, 20, "%s  %s  %s  %s", tm(ev, "at", t2, sizeof t2),
				  js(ev, "status"), js(ev, "location"), js(ev, "description"));
	}
}

/* True when an entry of the card's timeline says `text` (an audited row,
 * worded by oms.audit_detail; a transaction's rows are joined by "; "). */
static bool
timeline_says(json_t *timeline, const char *text)
{
	json_t *e;
	size_t i;

	json_array_foreach(timeline, i, e)
		if (strstr(js(e, "detail"), text))
			return true;
	return false;
}

static void
timeline_add(json_t *out, const char *at, const char *actor, const char *action, const char *detail)
{
	if (!*at)
		return;
	json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s}", "at", at, "actor", actor,
					     "action", action, "detail", detail));
}

static int
timeline_cmp(const void *a, const void *b)
{
	json_t *const *x = a, *const *y = b;
	int c = strncmp(js(*x, "at"), js(*y, "at"), 19);

	if (c)
		return c;
	/* the same second: keep the order they were added in */
	return (int)(jll(*x, "seq") - jll(*y, "seq"));
}

/* The order's timeline (issue 13): the card's (its audit rows, and the
 * placing, cancellations and refunds of an order loaded without them),
 * and the shipments (shipped, each carrier scan) and the payment's
 * verification when no audit row tells of them, worded as their audit
 * rows would be; oldest first. A new reference. */
static json_t *
order_timeline(json_t *card)
{
	json_t *tl = json_object_get(card, "timeline"), *out = json_array(), *sorted, *e, *s, *ev;
	json_t *pay = json_object_get(card, "payment");
	json_t **v;
	size_t i, j, n;
	char buf[600];

	json_array_foreach(tl, i, e)
		json_array_append(out, e);
	if (json_is_object(pay) && strcmp(js(pay, "status"), "verified") == 0 &&
	    !timeline_says(tl, "payment verified"))
		timeline_add(out, js(pay, "verified_at"), "worker", "confirm_payment", "payment verified");
	json_array_foreach(json_object_get(card, "shipments"), i, s) {
		snprintf(buf, sizeof buf, "shipped with %s, tracking %s", js(s, "carrier"), js(s, "tracking_no"));
		if (!timeline_says(tl, buf))
			timeline_add(out, js(s, "shipped_at"), "fulfilment", "mark_shipped", buf);
		json_array_foreach(json_object_get(s, "events"), j, ev) {
			/* as oms.audit_detail words a shipment_event: concat_ws(', ', ...) */
			snprintf(buf, sizeof buf, "%s%s%s%s%s", js(ev, "status"), *js(ev, "location") ? ", " : "",
				 js(ev, "location"), *js(ev, "description") ? ", " : "", js(ev, "description"));
			if (!timeline_says(tl, buf))
				timeline_add(out, js(ev, "at"), js(s, "carrier"), "record_tracking_event", buf);
		}
	}
	n = json_array_size(out);
	v = calloc(n ? n : 1, sizeof *v);
	if (!v)
		return out;
	for (i = 0; i < n; i++) {
		v[i] = json_deep_copy(json_array_get(out, i));
		json_object_set_new(v[i], "seq", json_integer((json_int_t)i));
	}
	qsort(v, n, sizeof *v, timeline_cmp);
	sorted = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(sorted, v[i]);
	free(v);
	json_decref(out);
	return sorted;
}

static void
order_doc_history(struct order_view *o)
{
	struct ui_doc *d = &o->doc;
	json_t *cancels = json_object_get(o->card, "cancellations");
	json_t *timeline = json_object_get(o->card, "timeline"), *e;
	char t[48], t2[48];
	size_t i;

	if (json_array_size(cancels) > 0) {
		doc_section(d, "Cancellations");
		json_array_foreach(cancels, i, e) {
			doc_wrapf(d, UI_EL_NORMAL, 18, "%s  %s %s: %s%s%s  %s by %s%s%s%s%s",
				  tm(e, "requested_at", t, sizeof t), js(e, "scope"), js(e, "state"),
				  js(e, "reason_label"), *js(e, "note") ? " - " : "", js(e, "note"),
				  "requested", js(e, "requested_by"),
				  *js(e, "decided_by") ? "; decided by " : "", js(e, "decided_by"),
				  *js(e, "decided_at") ? " at " : "",
				  *js(e, "decided_at") ? tm(e, "decided_at", t2, sizeof t2) : "");
			if (*js(e, "override_reason"))
				doc_wrapf(d, UI_EL_WARNING, 14, "    override: %s", js(e, "override_reason"));
		}
	}
	timeline = order_timeline(o->card);
	doc_section(d, "Timeline");
	if (json_array_size(timeline) == 0)
		doc_add(d, UI_EL_DIM, "No recorded events.");
	json_array_foreach(timeline, i, e)
		doc_wrapf(d, UI_EL_NORMAL, 18, "%s  %s  %s%s%s", tm(e, "at", t, sizeof t), js(e, "actor"),
			  js(e, "action"), *js(e, "detail") ? ": " : "", js(e, "detail"));
	json_decref(timeline);
}

static void
order_build(struct order_view *o)
{
	char ph[48];
	struct ui_doc *d = &o->doc;
	json_t *cust, *seller;
	const char *cur;
	char t[48], t1[48], t2[48], t3[48], buf[600];
	int top = d->scroll.top;

	doc_clear(d);
	if (!o->card) {
		if (o->failed)
			doc_wrap(d, UI_EL_ERROR, 0, o->errmsg);
		else
			doc_add(d, UI_EL_DIM, "Loading...");
		return;
	}
	cur = js(o->card, "currency");
	cust = json_object_get(o->card, "customer");
	seller = json_object_get(o->card, "seller");
	{
		/* a shipment flagged as stuck (no movement) marks the status */
		json_t *sh;
		size_t k;
		bool stuck = false;

		json_array_foreach(json_object_get(o->card, "shipments"), k, sh)
			stuck = stuck || json_is_true(json_object_get(sh, "flagged"));
		snprintf(buf, sizeof buf, "Order %s  %s%s since %s  Seller %s", js(o->card, "order_no"),
			 js(o->card, "status"), stuck ? " (STUCK)" : "", tm(o->card, "status_at", t, sizeof t),
			 js(seller, "name"));
	}
	doc_wrap(d, ui_theme_status_element(js(o->card, "status")) == UI_EL_NORMAL ? UI_EL_HEADER :
		 ui_theme_status_element(js(o->card, "status")), 6, buf);
	doc_wrapf(d, UI_EL_NORMAL, 9, "Customer %s  %s  %s", js(cust, "full_name"), js(cust, "email"),
		  phone_format(js(cust, "phone"), ph, sizeof ph));
	snprintf(buf, sizeof buf, "Placed %s  Confirmed %s  Shipped %s  Delivered %s",
		 tm(o->card, "placed_at", t, sizeof t), tm(o->card, "confirmed_at", t1, sizeof t1),
		 tm(o->card, "shipped_at", t2, sizeof t2), tm(o->card, "delivered_at", t3, sizeof t3));
	doc_wrap(d, UI_EL_NORMAL, 7, buf);
	if (*js(o->card, "cancelled_at"))
		doc_addf(d, UI_EL_WARNING, "Cancelled %s", tm(o->card, "cancelled_at", t, sizeof t));
	{
		json_t *c;
		size_t i;

		json_array_foreach(json_object_get(o->card, "cancellations"), i, c)
			if (strcmp(js(c, "state"), "pending_approval") == 0)
				doc_wrapf(d, UI_EL_WARNING, 2, "Cancellation pending approval: requested %s by %s.",
					  tm(c, "requested_at", t, sizeof t), js(c, "requested_by"));
	}
	{
		json_t *r;
		size_t i;
		char m[48];

		json_array_foreach(json_object_get(o->card, "refunds"), i, r)
			if (strcmp(js(r, "approval"), "pending") == 0) {
				money_format(jll(r, "amount_minor"), cur, m, sizeof m);
				doc_wrapf(d, UI_EL_WARNING, 2, "Refund of %s pending approval: asked %s.", m,
					  tm(r, "created_at", t, sizeof t));
			}
	}
	if (o->elig_known && o->elig.verdict != CANCEL_REFUSED)
		doc_addf(d, UI_EL_HINT, "Can be cancelled%s.",
			 o->elig.verdict == CANCEL_NEEDS_APPROVAL ? " with the seller's approval" : "");
	else if (o->elig_known && o->show_refusal) {
		snprintf(buf, sizeof buf, "Cannot be cancelled: %s", o->elig.reason[0] ? o->elig.reason :
			 "not allowed for your role.");
		doc_wrap(d, UI_EL_WARNING, 2, buf);
	}
	order_doc_lines(o, cur);
	order_doc_money(o, cur);
	order_doc_shipping(o);
	order_doc_history(o);
	d->scroll.top = top;
	ui_list_set_count(&d->scroll, d->n);
}

static void
order_load(struct order_view *o)
{
	struct app_stmt st;

	order_card_stmt(o->order_no, &st);
	ui_query(o->v.ui, &o->v, TAG_CARD, &st);
	o->loading = true;
	o->elig_known = false;
}

static int
order_open(struct view *v)
{
	order_load(ov(v));
	return UI_REDRAW;
}

static int
order_refresh(struct view *v)
{
	order_load(ov(v));
	return UI_HANDLED | UI_REDRAW;
}

static bool
order_can_cancel(const struct order_view *o)
{
	return o->card && o->elig_known && o->elig.verdict != CANCEL_REFUSED;
}

/* A refund of this order has not reached its end (the worker reports it). */
static bool
order_watching(const struct order_view *o)
{
	json_t *r;
	size_t i;

	json_array_foreach(json_object_get(o->card, "refunds"), i, r)
		if (!refund_final(r))
			return true;
	return o->track_until && o->v.ui->now < o->track_until;
}

static int
order_tick(struct view *v)
{
	struct order_view *o = ov(v);

	if (!ui_online(v->ui) || ui_query_pending(v->ui, v, TAG_CARD)) {
		ui_timer(v, ORDER_POLL_MS);
		return 0;
	}
	order_load(o);
	return UI_REDRAW;
}

static int
order_changed(struct view *v, long long order_no)
{
	if (order_no != ov(v)->order_no)
		return 0;
	ui_timer(v, ORDER_NOTIFY_MS);
	return 0;
}

/* t (tracking-refresh; issues 11, 13): asks for the order's latest carrier
 * scans through oms_api.tracking_refresh, which makes its trackers due so
 * that the worker polls the aggregator for them next; the screen does not
 * wait: it follows the scans as they are applied (the card is reloaded on
 * the order's notifications, and polled meanwhile). */
static int
order_track(struct order_view *o)
{
	struct ui *ui = o->v.ui;
	struct app_stmt st;

	if (!o->card)
		return UI_HANDLED;
	if (json_array_size(json_object_get(o->card, "shipments")) == 0) {
		ui_message(ui, UI_EL_WARNING, "Not shipped yet: there is no tracking to refresh.");
		return UI_HANDLED | UI_REDRAW;
	}
	if (ui_query_pending(ui, &o->v, TAG_TRACK))
		return UI_HANDLED;
	app_stmt_init(&st, "SELECT oms_api.tracking_refresh($1::bigint)");
	app_stmt_ll(&st, o->order_no);
	ui_query(ui, &o->v, TAG_TRACK, &st);
	return UI_HANDLED | UI_REDRAW;
}

static int
order_track_result(struct order_view *o, struct db_result *res, const struct oms_error *err)
{
	struct ui *ui = o->v.ui;
	struct oms_error perr;
	json_t *doc, *s, *failed = NULL;
	size_t i;
	int fresh = 0, polling = 0, ended = 0, untracked = 0;
	long long asked;

	oms_error_clear(&perr);
	if (!res) {
		ui_message_error(ui, err);
		return UI_REDRAW;
	}
	if (!(doc = app_doc_parse(res, &perr))) {
		ui_message_error(ui, &perr);
		return UI_REDRAW;
	}
	asked = jll(doc, "asked");
	json_array_foreach(json_object_get(doc, "shipments"), i, s) {
		const char *st = js(s, "state");

		if (*js(s, "last_error") && !failed)
			failed = s;
		fresh += strcmp(st, "fresh") == 0;
		polling += strcmp(st, "polling") == 0;
		ended += strcmp(st, "ended") == 0;
		untracked += strcmp(st, "untracked") == 0;
	}
	if (failed)
		/* the carrier unreachable, said plainly; asked again all the same */
		ui_message(ui, UI_EL_WARNING, "Poll failed %lld time%s: %s%s", jll(failed, "poll_failures"),
			   jll(failed, "poll_failures") == 1 ? "" : "s", js(failed, "last_error"),
			   asked ? "; asked again." : ".");
	else if (asked)
		ui_message(ui, UI_EL_OK, "Asked for the latest scans of %lld shipment%s; the worker polls the carrier next.",
			   asked, asked == 1 ? "" : "s");
	else if (polling)
		ui_message(ui, UI_EL_HINT, "The carrier is being asked already; this screen follows.");
	else if (fresh)
		ui_message(ui, UI_EL_HINT, "The carrier was heard from under a minute ago: the scans shown are the latest.");
	else if (ended)
		ui_message(ui, UI_EL_HINT, "Tracking has ended (delivered or stopped): no scans are asked for.");
	else if (untracked)
		ui_message(ui, UI_EL_WARNING, "This carrier is not tracked here: no scans to ask for.");
	if (asked || polling) {
		o->track_until = ui->now + ORDER_TRACK_WATCH_MS;
		ui_timer(&o->v, ORDER_POLL_MS);
	}
	json_decref(doc);
	return UI_REDRAW;
}

/* A shipment of the order has a tracker (tracking or ended). */
static bool
order_tracked(const struct order_view *o)
{
	json_t *s;
	size_t i;

	json_array_foreach(json_object_get(o->card, "shipments"), i, s)
		if (*js(s, "tracker_state"))
			return true;
	return false;
}

static int
order_result(struct view *v, int tag, struct db_result *res, const struct oms_error *err)
{
	struct order_view *o = ov(v);
	struct oms_error perr;

	oms_error_clear(&perr);
	if (tag == TAG_TRACK)
		return order_track_result(o, res, err);
	if (tag == TAG_TSTATUS) {
		/* the card stands without it: an error is not worth a message */
		json_t *doc = res ? app_doc_parse(res, &perr) : NULL;

		json_decref(o->tstatus);
		o->tstatus = doc;
		order_build(o);
		return UI_REDRAW;
	}
	if (tag == TAG_RETRY) {
		long long id = o->retry_asked;

		o->retry_asked = 0;
		if (!res) {
			ui_message_error(v->ui, err);
			return UI_REDRAW;
		}
		ui_message(v->ui, UI_EL_OK, "Refund %lld sent to the gateway again.", id);
		order_load(o);
		return UI_REDRAW;
	}
	if (tag == TAG_ELIG) {
		if (res && cancel_eligibility_parse(res, &o->elig, &perr) == OMS_OK)
			o->elig_known = true;
		order_build(o);
		return UI_REDRAW;
	}
	o->loading = false;
	if (!res) {
		if (err->status == OMS_DB_GONE)
			return UI_REDRAW;        /* reloaded after the reconnect */
		o->failed = !o->card;
		snprintf(o->errmsg, sizeof o->errmsg, "%s", err->status == OMS_DB ?
			 "The order could not be loaded (database error)." : err->msg);
		ui_message_error(v->ui, err);
		order_build(o);
		return UI_REDRAW;
	}
	json_t *card = app_doc_parse(res, &perr);
	if (!card) {
		o->failed = true;
		if (perr.status == OMS_NOT_FOUND)
			snprintf(o->errmsg, sizeof o->errmsg, "Order %lld was not found.", o->order_no);
		else
			snprintf(o->errmsg, sizeof o->errmsg, "%s", perr.msg);
		ui_message(v->ui, UI_EL_ERROR, "%s", o->errmsg);
		order_build(o);
		return UI_REDRAW;
	}
	if (!o->card) {
		/* opened now (not a reload): among the recently opened */
		char words[160];

		snprintf(words, sizeof words, "%s  %s", js(card, "status"),
			 js(json_object_get(card, "customer"), "full_name"));
		ui_recent_note(false, o->order_no, words);
	}
	json_decref(o->card);
	o->card = card;
	o->failed = false;
	order_build(o);
	ui_timer(v, order_watching(o) ? ORDER_POLL_MS : 0);
	{
		struct app_stmt st;
		cancel_eligibility_stmt(o->order_no, &st);
		ui_query(v->ui, v, TAG_ELIG, &st);
	}
	if (order_tracked(o)) {
		/* what the poller knows: a failed poll is said under its shipment */
		struct app_stmt st;

		app_stmt_init(&st, "SELECT oms_api.tracking_status($1::bigint)");
		app_stmt_ll(&st, o->order_no);
		ui_query(v->ui, v, TAG_TSTATUS, &st);
	}
	return UI_REDRAW;
}

/* Where the screen stands in a card longer than the screen (issue 13), on
 * its last row as green-screen subfiles say it: the lines shown, of how
 * many, and "More..." while lines follow or "Bottom" at the end. */
static void
order_indicator(struct ui *ui, const struct ui_doc *d, int y, int x, int w)
{
	const struct ui_list *s = &d->scroll;
	int last = s->top + s->height < d->n ? s->top + s->height : d->n;
	char pos[64];
	struct ui_line l;
	int pw;

	snprintf(pos, sizeof pos, "%d-%d of %d  %s", s->top + 1, last, d->n,
		 last < d->n ? "More..." : "Bottom");
	pw = ui_width(pos);
	ui_line_init(&l, ui->ascii);
	if (ui->plain) {
		ui_line_pad(&l, w - pw - 1);
	} else {
		ui_line_repeat(&l, ui_hline(ui), w - pw - 4);
		ui_line_add(&l, " ", 1);
	}
	ui_line_add(&l, pos, w - l.w);
	if (!ui->plain) {
		ui_line_add(&l, " ", 1);
		ui_line_repeat(&l, ui_hline(ui), w - l.w);
	}
	ui_draw_line(y, x, w, UI_EL_SECTION, &l);
	ui_line_free(&l);
}

/* The rows the card's lines get: all of r, or all but the indicator's. */
static int
order_doc_rows(const struct order_view *o, int h)
{
	return o->doc.n > h && h > 2 ? h - 1 : h;
}

static void
order_draw(struct view *v, struct ui_rect r)
{
	struct order_view *o = ov(v);
	struct ui_rect dr = r;

	dr.h = order_doc_rows(o, r.h);
	doc_draw(v->ui, &o->doc, dr);
	if (dr.h < r.h)
		order_indicator(v->ui, &o->doc, r.y + r.h - 1, r.x, r.w);
}

static int
order_resize(struct view *v, struct ui_rect r)
{
	struct order_view *o = ov(v);

	if (o->doc.width != r.w) {
		o->doc.width = r.w;
		order_build(o);
	}
	o->doc.scroll.height = order_doc_rows(o, r.h);
	ui_list_set_count(&o->doc.scroll, o->doc.n);
	return UI_REDRAW;
}

static int
order_refund(struct order_view *o)
{
	struct ui *ui = o->v.ui;
	struct view *nv;

	if (!o->card)
		return UI_HANDLED;
	if (!view_refund_allowed(ui, o->card)) {
		if (!ui_role_is(ui, "csr") && !ui_role_is(ui, "admin"))
			ui_message(ui, UI_EL_WARNING,
				   "Refunds are for customer service and administrators, not for your role.");
		else
			ui_message(ui, UI_EL_WARNING, "Nothing is left to refund on this order.");
		return UI_HANDLED | UI_REDRAW;
	}
	nv = view_refund_new(o->v.ui, &o->v, o->card);
	if (nv)
		ui_push(o->v.ui, nv);
	return UI_HANDLED | UI_REDRAW;
}

/* The last refund the gateway refused (or whose outcome is unknown). */
static json_t *
order_refused_refund(const struct order_view *o)
{
	json_t *r, *last = NULL;
	size_t i;

	json_array_foreach(json_object_get(o->card, "refunds"), i, r)
		if (strcmp(js(r, "status"), "refused") == 0 || strcmp(js(r, "status"), "unknown") == 0)
			last = r;
	return last;
}

/* T (refund-retry, administrators): the last refused refund (or one whose
 * outcome is unknown) sent to the gateway again, through
 * oms_api.refund_retry as `oms refund retry` does; asked once, done on the
 * second press. */
static int
order_retry(struct order_view *o)
{
	struct ui *ui = o->v.ui;
	json_t *last = order_refused_refund(o);
	char a[48], k[16];

	if (!last) {
		ui_message(ui, UI_EL_WARNING, "No refused refund on this order to send again.");
		return UI_HANDLED | UI_REDRAW;
	}
	if (!ui_role_is(ui, "admin")) {
		ui_message(ui, UI_EL_WARNING, "Only an administrator sends a refused refund again.");
		return UI_HANDLED | UI_REDRAW;
	}
	if (o->retry_asked != jll(last, "id")) {
		o->retry_asked = jll(last, "id");
		money(last, "amount_minor", js(o->card, "currency"), a, sizeof a);
		ui_keymap_key(&ui->km, UI_ACT_REFUND_RETRY, k, sizeof k);
		ui_message(ui, UI_EL_WARNING, "Send refund %lld of %s to the gateway again? %s again to send it.",
			   o->retry_asked, a, k);
		return UI_HANDLED | UI_REDRAW;
	}
	{
		struct app_stmt st;

		app_stmt_init(&st, "SELECT oms_api.refund_retry($1::bigint, NULL)");
		app_stmt_ll(&st, o->retry_asked);
		ui_query(ui, &o->v, TAG_RETRY, &st);
	}
	return UI_HANDLED | UI_REDRAW;
}

/* What y copies on the order screen, in turn when pressed again (issue
 * 13): the order number, each shipment's tracking number, each refund's
 * id. Item i's name and text; returns how many there are. */
static int
order_copyable(const struct order_view *o, int i, char *what, size_t wlen, char *text, size_t tlen)
{
	json_t *s, *r;
	size_t k;
	int n = 1;

	if (i == 0) {
		snprintf(what, wlen, "the order number");
		snprintf(text, tlen, "%lld", o->order_no);
	}
	json_array_foreach(json_object_get(o->card, "shipments"), k, s) {
		if (!*js(s, "tracking_no"))
			continue;
		if (n++ == i) {
			snprintf(what, wlen, "the tracking number");
			snprintf(text, tlen, "%s", js(s, "tracking_no"));
		}
	}
	json_array_foreach(json_object_get(o->card, "refunds"), k, r) {
		if (n++ == i) {
			snprintf(what, wlen, "the refund id");
			snprintf(text, tlen, "%s", js(r, "id"));
		}
	}
	return n;
}

static int
order_copy(struct order_view *o)
{
	char what[64], text[128], nwhat[64], ntext[128], next[200];
	int n = order_copyable(o, 0, what, sizeof what, text, sizeof text), i = o->copy_next % n;

	order_copyable(o, i, what, sizeof what, text, sizeof text);
	next[0] = '\0';
	if (n > 1) {
		order_copyable(o, (i + 1) % n, nwhat, sizeof nwhat, ntext, sizeof ntext);
		if (strcmp(nwhat, "the refund id") == 0)
			snprintf(next, sizeof next, "refund %s", ntext);
		else
			snprintf(next, sizeof next, "%s", nwhat);
	}
	o->copy_next = i + 1;
	return ui_copy_then(o->v.ui, what, text, next);
}

static int
order_key(struct view *v, int key, int action)
{
	struct order_view *o = ov(v);
	struct view *nv;
	long long cid;

	if (action != UI_ACT_REFUND_RETRY)
		o->retry_asked = 0;
	if (action != UI_ACT_COPY)
		o->copy_next = 0;
	switch (action) {
	case UI_ACT_REFUND_RETRY:
		return order_retry(o);
	case UI_ACT_TRACKING_REFRESH:
		return order_track(o);
	case UI_ACT_OPEN_CUSTOMER:
		cid = jll(json_object_get(o->card, "customer"), "id");
		if (cid <= 0)
			return UI_HANDLED;
		nv = view_customer_new(v->ui, cid);
		if (nv)
			ui_push(v->ui, nv);
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_CANCEL_ORDER:
		if (!order_can_cancel(o)) {
			if (o->elig_known) {
				ui_message(v->ui, UI_EL_WARNING, "%s", o->elig.reason[0] ? o->elig.reason :
					   "This order cannot be cancelled.");
				/* the whole reason, above, in case the status line cuts it */
				o->show_refusal = true;
				order_build(o);
				o->doc.scroll.top = 0;
			}
			return UI_HANDLED | UI_REDRAW;
		}
		nv = view_cancel_new(v->ui, v, o->order_no, o->elig.verdict_text, o->elig.reason,
				     o->elig.refund_minor, o->elig.currency, o->elig.needs_override);
		if (nv)
			ui_push(v->ui, nv);
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_REFUND:
		return order_refund(o);
	case UI_ACT_COPY:
		return order_copy(o);
	default:
		return ui_list_action(&o->doc.scroll, action);
	}
}

/* A shipment of the order is still tracked: refresh tracking applies. */
static bool
order_tracking(const struct order_view *o)
{
	json_t *s;
	size_t i;

	json_array_foreach(json_object_get(o->card, "shipments"), i, s)
		if (strcmp(js(s, "tracker_state"), "tracking") == 0)
			return true;
	return false;
}

static int
order_hints(struct view *v, int *acts, int max)
{
	struct order_view *o = ov(v);
	int n = 0;

	if (n < max && o->card)
		acts[n++] = UI_ACT_OPEN_CUSTOMER;
	if (n < max && order_can_cancel(o))
		acts[n++] = UI_ACT_CANCEL_ORDER;
	if (n < max && view_refund_allowed(v->ui, o->card))
		acts[n++] = UI_ACT_REFUND;
	if (n < max && ui_role_is(v->ui, "admin") && order_refused_refund(o))
		acts[n++] = UI_ACT_REFUND_RETRY;
	if (n < max && order_tracking(o))
		acts[n++] = UI_ACT_TRACKING_REFRESH;
	if (n < max)
		acts[n++] = UI_ACT_BACK;
	if (n < max)
		acts[n++] = UI_ACT_HELP;
	return n;
}

static const char *
order_title(struct view *v, char *buf, size_t len)
{
	snprintf(buf, len, "%lld", ov(v)->order_no);
	return buf;
}

static void
order_close(struct view *v)
{
	struct order_view *o = ov(v);

	json_decref(o->card);
	json_decref(o->tstatus);
	doc_free(&o->doc);
	free(o);
}

static const struct view_ops order_ops = {
	.name = "Order",
	.screen = UI_SCREEN_ORDER,
	.open = order_open,
	.close = order_close,
	.draw = order_draw,
	.key = order_key,
	.resize = order_resize,
	.reload = order_refresh,
	.result = order_result,
	.tick = order_tick,
	.order_changed = order_changed,
	.hints = order_hints,
	.title = order_title,
};

struct view *
view_order_new(struct ui *ui, long long order_no)
{
	struct order_view *o = calloc(1, sizeof *o);

	if (!o)
		return NULL;
	o->v.ops = &order_ops;
	o->v.ui = ui;
	o->order_no = order_no;
	doc_init(&o->doc, ui->cols, ui->ascii);
	order_build(o);
	return &o->v;
}
