/* The label dialog of the fulfilment queue (issue 11): b on an order
 * buys its label through the carrier aggregator, the path of
 * `oms ship --buy-label` (src/cli/ship.c): oms_api.label_request, the
 * rates (POST /v2/shipments), the purchase (POST /v2/shipments/ID/buy)
 * and oms_api.label_bought, which ships the order with the label in one
 * transaction. The HTTP requests run on a libcurl multi handle
 * (src/http/http.h) that this dialog drives from a 50 ms view timer with
 * no wait, so the event loop never blocks on the aggregator: the dialog
 * says what it waits for and for how long. Esc stops while the rates are
 * asked (nothing is bought); the purchase itself is waited for (at most
 * [carrier] timeout_ms). The cheapest and the fastest rate are offered,
 * and the cheapest of the order's own service level when it is neither
 * (the level chosen at checkout: oms_api.label_request says what it is
 * called at the aggregator; a rate of it is marked, and bought at it);
 * Enter asks first, then buys; the result shows the tracking number and
 * the label's URL, and e saves the label to label-ORDER.pdf in the current
 * directory (fetched the same way, written whole through src/cli/outfile.c,
 * never over an existing file). */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errno.h>
#include <unistd.h>

#include "cli/outfile.h"
#include "conf.h"
#include "ctx.h"
#include "db/db.h"
#include "form.h"
#include "frame.h"
#include "http/carrier.h"
#include "http/http.h"
#include "money.h"
#include "screens.h"
#include "views.h"

enum { TAG_LREQ = 1, TAG_LBOUGHT };

#define LABEL_TICK_MS 50

enum lstate {
	L_REQUEST,        /* oms_api.label_request asked */
	L_RATES,          /* POST /v2/shipments running */
	L_CHOOSE,         /* the cheapest and the fastest shown */
	L_BUYING,         /* POST /v2/shipments/ID/buy running */
	L_RECORDING,      /* oms_api.label_bought asked */
	L_DONE,           /* shipped with the label */
	L_SAVING,         /* GET of the label's URL running */
	L_FAILED,         /* msg says what; bought says whether a label was */
};

struct label_answer {
	bool done, unreachable;
	long status;
	char errmsg[256];
	char *body;
	size_t len;
};

struct label_view {
	struct view v;
	struct view *parent;
	long long order_no;
	enum lstate state, failed_in;
	struct http_endpoint ep;
	struct http_engine *e;
	struct label_answer a;
	uint64_t started;             /* when the running request started */
	char *form;
	struct carrier_rate rates[CARRIER_MAX_RATES];
	int nrates, cheap, fast, choice;   /* choice: an index in pick */
	int pick[3], npick;                /* the cheapest, the fastest, the order's level's */
	struct carrier_levels levels;      /* the order's level, and what our levels are called at the aggregator */
	bool confirming, bought;
	char shp[72], tracking[48], label[512];
	char msg[600];
	char saved[300];              /* what became of the label file, "" not asked */
	struct http_endpoint lep;     /* the label's host: no API key */
	char lbase[520];
};

static struct label_view *
lv(struct view *v)
{
	return (struct label_view *)v;
}

static const struct carrier_rate *
label_rate(const struct label_view *l)
{
	return &l->rates[l->pick[l->choice]];
}

/* The rate is the order's own service level at the aggregator. */
static bool
label_rate_is_level(const struct label_view *l, const struct carrier_rate *r)
{
	return carrier_rate_is_level(&l->levels, r, l->levels.order_level);
}

static void
label_got(const struct http_response *r, void *arg)
{
	struct label_answer *a = arg;

	a->done = true;
	a->status = r->status;
	a->unreachable = r->transport_error || r->timed_out || r->status == 0;
	snprintf(a->errmsg, sizeof a->errmsg, "%s", r->timed_out ? "timed out" : r->errmsg);
	free(a->body);
	a->body = NULL;
	a->len = 0;
	if (r->body && r->len && (a->body = malloc(r->len + 1))) {
		memcpy(a->body, r->body, r->len);
		a->body[r->len] = '\0';
		a->len = r->len;
	}
}

static int
label_fail(struct label_view *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
label_fail(struct label_view *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->msg, sizeof l->msg, fmt, ap);
	va_end(ap);
	l->failed_in = l->state;
	l->state = L_FAILED;
	l->confirming = false;
	ui_timer(&l->v, 0);
	ui_message(l->v.ui, UI_EL_ERROR, "Order %lld: no label %s.", l->order_no,
		   l->bought ? "recorded" : "bought");
	return UI_REDRAW;
}

/* The aggregator's answer to the running request, in words, or NULL when
 * it was a 2xx. */
static const char *
label_answer_error(const struct label_answer *a, char *buf, size_t len)
{
	if (a->unreachable)
		snprintf(buf, len, "the carrier aggregator is unreachable (%s)", a->errmsg);
	else if (a->status < 200 || a->status >= 300)
		snprintf(buf, len, "the carrier aggregator answered %ld", a->status);
	else
		return NULL;
	return buf;
}

/* Starts the request of the state we are entering; the timer drives it. */
static int
label_start(struct label_view *l, enum lstate st)
{
	struct oms_error err = { 0 };
	char key[64];
	enum oms_status rc;

	free(l->a.body);                 /* the last answer's */
	memset(&l->a, 0, sizeof l->a);
	l->state = st;
	l->started = ui_now_ms();
	if (st == L_RATES) {
		snprintf(key, sizeof key, "oms-label-%lld", l->order_no);
		rc = carrier_shipment_create(l->e, &l->ep, l->form, key, label_got, &l->a, &err);
	} else {
		rc = carrier_shipment_buy(l->e, &l->ep, l->shp, label_rate(l)->id, label_got, &l->a, &err);
	}
	if (rc != OMS_OK)
		return label_fail(l, "The request could not be sent: %s", err.msg);
	ui_timer(&l->v, LABEL_TICK_MS);
	return UI_REDRAW;
}

static int
label_open(struct view *v)
{
	struct label_view *l = lv(v);
	const struct oms_config *cfg = v->ui->ctx ? v->ui->ctx->cfg : NULL;
	struct oms_error err = { 0 };
	struct app_stmt st;
	long timeout = 15000;

	l->ep.base_url = cfg ? config_get(cfg, "carrier", "base_url", NULL) : NULL;
	if (!l->ep.base_url || !*l->ep.base_url)
		return label_fail(l, "Buying a label needs the carrier aggregator: [carrier] base_url in oms.conf.");
	l->ep.api_key = config_get(cfg, "carrier", "api_key", NULL);
	l->ep.ca_file = config_get(cfg, "carrier", "ca_file", NULL);
	l->ep.insecure_loopback_ok = config_get_bool(cfg, "carrier", "allow_insecure_loopback", false);
	if (config_get_int(cfg, "carrier", "timeout_ms", 15000, 1, 600000, &timeout, &err) != OMS_OK)
		return label_fail(l, "%s", err.msg);
	l->ep.timeout_ms = timeout;
	l->ep.connect_timeout_ms = timeout < 5000 ? timeout : 5000;
	if (http_global_init(&err) != OMS_OK || !(l->e = http_engine_new(&err)))
		return label_fail(l, "%s", err.msg);
	app_stmt_init(&st, "SELECT oms_api.label_request($1::bigint)::text");
	app_stmt_ll(&st, l->order_no);
	ui_query(v->ui, v, TAG_LREQ, &st);
	l->state = L_REQUEST;
	return UI_REDRAW;
}

static int
label_result(struct view *v, int tag, struct db_result *res, const struct oms_error *err)
{
	struct label_view *l = lv(v);
	const struct oms_config *cfg = v->ui->ctx->cfg;

	if (tag == TAG_LREQ) {
		if (!res)
			return label_fail(l, "Nothing bought: %s", err->msg[0] ? err->msg : ui_status_words(err->status));
		carrier_levels_parse(db_get(res, 0, 0), &l->levels);
		l->form = carrier_label_form(db_get(res, 0, 0), false, config_get(cfg, "carrier", "from_street", NULL),
					     config_get(cfg, "carrier", "from_city", NULL),
					     config_get(cfg, "carrier", "from_zip", NULL),
					     config_get(cfg, "carrier", "from_country", "US"));
		if (!l->form)
			return label_fail(l, "Order %lld has no address a label can be made for.", l->order_no);
		return label_start(l, L_RATES);
	}
	/* TAG_LBOUGHT */
	if (!res) {
		if (err->status == OMS_DB_GONE || err->status == OMS_RETRY || err->status == OMS_DB)
			return label_fail(l, "The label was bought (tracking %s) but order %lld was not shipped yet: %s. "
					  "Enter records it again.", l->tracking, l->order_no,
					  err->msg[0] ? err->msg : ui_status_words(err->status));
		return label_fail(l, "The label was bought (shipment %s, tracking %s) but the database refused to ship "
				  "order %lld: %s Void it at the carrier aggregator.", l->shp, l->tracking, l->order_no,
				  err->msg);
	}
	l->state = L_DONE;
	ui_message(v->ui, UI_EL_OK, "Order %lld shipped (tracking %s).", l->order_no, l->tracking);
	if (l->parent && l->parent->ops->reload)
		l->parent->ops->reload(l->parent);
	return UI_REDRAW;
}

static int
label_record(struct label_view *l)
{
	struct app_stmt st;
	/* bought as the order's level when the rate is of it (an aggregator
	 * service that is two of ours, e.g. USPS GroundAdvantage, is recorded
	 * as this one) */
	char *text = carrier_label_json(l->shp, label_rate(l), l->tracking, l->label,
					label_rate_is_level(l, label_rate(l)) ? l->levels.order_level : NULL);

	if (!text)
		return label_fail(l, "Out of memory.");
	app_stmt_init(&st, "SELECT oms_api.label_bought($1::bigint, $2::jsonb)");
	app_stmt_ll(&st, l->order_no);
	app_stmt_text(&st, text);
	free(text);
	ui_query(l->v.ui, &l->v, TAG_LBOUGHT, &st);
	l->state = L_RECORDING;
	return UI_REDRAW;
}

/* e after the purchase: GET the label's URL (https, or http to a loopback
 * address with allow_insecure_loopback; label links are public: no API
 * key), the timer drives it. */
static int
label_save(struct label_view *l)
{
	struct oms_error err = { 0 };
	const char *host = strstr(l->label, "://"), *path = host ? strchr(host + 3, '/') : NULL;

	if (!path || (size_t)(path - l->label) >= sizeof l->lbase) {
		snprintf(l->saved, sizeof l->saved, "The label's URL is not one: not saved.");
		return UI_REDRAW;
	}
	if (strncmp(l->label, "https://", 8) != 0 && !(l->ep.insecure_loopback_ok && config_url_is_loopback(l->label))) {
		snprintf(l->saved, sizeof l->saved, "The label's URL is not https://: not saved.");
		return UI_REDRAW;
	}
	snprintf(l->lbase, sizeof l->lbase, "%.*s", (int)(path - l->label), l->label);
	l->lep = l->ep;
	l->lep.base_url = l->lbase;
	l->lep.api_key = NULL;
	free(l->a.body);
	memset(&l->a, 0, sizeof l->a);
	if (http_start_get(l->e, &l->lep, path, label_got, &l->a, &err) != OMS_OK) {
		snprintf(l->saved, sizeof l->saved, "Not saved: %.280s", err.msg);
		return UI_REDRAW;
	}
	l->state = L_SAVING;
	l->started = ui_now_ms();
	snprintf(l->saved, sizeof l->saved, "Fetching the label...");
	ui_timer(&l->v, LABEL_TICK_MS);
	return UI_REDRAW;
}

/* The label's bytes arrived (or not): written to label-ORDER.pdf whole. */
static int
label_saved(struct label_view *l)
{
	struct oms_error err = { 0 };
	struct outfile of = { 0 };
	char why[300], path[64];
	size_t off = 0;

	l->state = L_DONE;
	snprintf(path, sizeof path, "label-%lld.pdf", l->order_no);
	if (label_answer_error(&l->a, why, sizeof why) || !l->a.len) {
		snprintf(l->saved, sizeof l->saved, "Not saved: %.280s.", l->a.len ? why : "the label's URL answered nothing");
		return UI_REDRAW;
	}
	if (outfile_open(&of, path, false, &err) != OMS_OK) {
		snprintf(l->saved, sizeof l->saved, "Not saved: %.280s", err.msg);
		return UI_REDRAW;
	}
	while (off < l->a.len) {
		ssize_t n = write(of.fd, l->a.body + off, l->a.len - off);

		if (n < 0) {
			snprintf(l->saved, sizeof l->saved, "Not saved: cannot write %s: %s", path, strerror(errno));
			outfile_abort(&of);
			return UI_REDRAW;
		}
		off += (size_t)n;
	}
	if (outfile_commit(&of, &err) != OMS_OK) {
		snprintf(l->saved, sizeof l->saved, "Not saved: %.280s", err.msg);
		return UI_REDRAW;
	}
	snprintf(l->saved, sizeof l->saved, "Label saved to %s (%zu bytes).", path, l->a.len);
	ui_message(l->v.ui, UI_EL_OK, "Label of order %lld saved to %s.", l->order_no, path);
	return UI_REDRAW;
}

/* The timer: drives the transfer; acts on its answer. */
static int
label_tick(struct view *v)
{
	struct label_view *l = lv(v);
	struct oms_error err = { 0 };
	char why[300];
	static uint64_t last_draw;
	int flags = 0;

	if (l->state != L_RATES && l->state != L_BUYING && l->state != L_SAVING)
		return 0;
	if (http_engine_wait(l->e, 0, NULL, NULL, 0, &err) != OMS_OK)
		return label_fail(l, "%s", err.msg);
	if (!l->a.done) {
		ui_timer(v, LABEL_TICK_MS);
		if (ui_now_ms() - last_draw >= 1000) {          /* the seconds waited */
			last_draw = ui_now_ms();
			flags = UI_REDRAW;
		}
		return flags;
	}
	if (l->state == L_SAVING)
		return label_saved(l);
	if (l->state == L_RATES) {
		struct oms_error perr = { 0 };

		if (label_answer_error(&l->a, why, sizeof why))
			return label_fail(l, "No rates, nothing bought: %s.", why);
		if (carrier_rates_parse(l->a.body, l->a.len, l->shp, sizeof l->shp, l->rates, CARRIER_MAX_RATES,
					&l->nrates, &perr) != OMS_OK)
			return label_fail(l, "No rates, nothing bought: %s.", perr.msg);
		l->cheap = carrier_rate_pick(l->rates, l->nrates, false);
		l->fast = carrier_rate_pick(l->rates, l->nrates, true);
		l->choice = 0;
		l->npick = 0;
		l->pick[l->npick++] = l->cheap;
		if (l->fast != l->cheap)
			l->pick[l->npick++] = l->fast;
		if (!label_rate_is_level(l, &l->rates[l->cheap]) && !label_rate_is_level(l, &l->rates[l->fast])) {
			int best = -1;     /* the cheapest of the order's level */

			for (int i = 0; i < l->nrates; i++)
				if (label_rate_is_level(l, &l->rates[i]) &&
				    (best < 0 || l->rates[i].amount_minor < l->rates[best].amount_minor))
					best = i;
			if (best >= 0)
				l->pick[l->npick++] = best;
		}
		l->state = L_CHOOSE;
		return UI_REDRAW;
	}
	/* L_BUYING */
	if (label_answer_error(&l->a, why, sizeof why))
		return label_fail(l, "The purchase was not confirmed: %s. The order was not shipped; Enter asks "
				  "again (the same label: the aggregator does not sell it twice).", why);
	{
		struct oms_error perr = { 0 };

		if (carrier_bought_parse(l->a.body, l->a.len, l->tracking, sizeof l->tracking, l->label,
					 sizeof l->label, &perr) != OMS_OK)
			return label_fail(l, "The purchase was not confirmed: %s. The order was not shipped; Enter "
					  "asks again.", perr.msg);
	}
	l->bought = true;
	return label_record(l);
}

static int
label_key(struct view *v, int key, int action)
{
	struct label_view *l = lv(v);

	(void)key;
	switch (l->state) {
	case L_REQUEST:
	case L_RATES:
		if (action == UI_ACT_CLOSE || action == UI_ACT_BACK) {
			ui_message(v->ui, UI_EL_HINT, "Nothing bought.");
			return UI_POP | UI_HANDLED | UI_REDRAW;       /* closing aborts the request */
		}
		return UI_HANDLED;
	case L_BUYING:
	case L_RECORDING:
		if (action == UI_ACT_CLOSE || action == UI_ACT_BACK)
			ui_message(v->ui, UI_EL_WARNING, "Buying the label: wait for the answer (at most %ld s).",
				   (l->ep.timeout_ms + 999) / 1000);
		return UI_HANDLED | UI_REDRAW;
	case L_CHOOSE:
		switch (action) {
		case UI_ACT_UP:
		case UI_ACT_DOWN:
		case UI_ACT_CHOOSE:
		case UI_ACT_FIELD_NEXT:
		case UI_ACT_FIELD_PREV:
			if (action == UI_ACT_UP)
				l->choice = l->choice > 0 ? l->choice - 1 : 0;
			else if (action == UI_ACT_DOWN)
				l->choice = l->choice < l->npick - 1 ? l->choice + 1 : l->npick - 1;
			else
				l->choice = (l->choice + 1) % (l->npick ? l->npick : 1);
			l->confirming = false;
			return UI_HANDLED | UI_REDRAW;
		case UI_ACT_CONFIRM:
			if (!l->confirming) {
				l->confirming = true;
				return UI_HANDLED | UI_REDRAW;
			}
			l->confirming = false;
			return UI_HANDLED | label_start(l, L_BUYING);
		case UI_ACT_CLOSE:
		case UI_ACT_BACK:
			if (l->confirming) {
				l->confirming = false;
				return UI_HANDLED | UI_REDRAW;
			}
			ui_message(v->ui, UI_EL_HINT, "Nothing bought.");
			return UI_POP | UI_HANDLED | UI_REDRAW;
		default:
			return UI_HANDLED;
		}
	case L_FAILED:
		if (action == UI_ACT_CONFIRM && l->failed_in == L_BUYING)
			return UI_HANDLED | label_start(l, L_BUYING);
		if (action == UI_ACT_CONFIRM && l->failed_in == L_RECORDING && l->bought &&
		    strstr(l->msg, "Enter records it again"))
			return UI_HANDLED | label_record(l);
		if (action == UI_ACT_CLOSE || action == UI_ACT_BACK || action == UI_ACT_CONFIRM)
			return UI_POP | UI_HANDLED | UI_REDRAW;
		return UI_HANDLED;
	case L_DONE:
		if (action == UI_ACT_EXPORT)
			return UI_HANDLED | label_save(l);
		if (action == UI_ACT_CLOSE || action == UI_ACT_BACK || action == UI_ACT_CONFIRM)
			return UI_POP | UI_HANDLED | UI_REDRAW;
		return UI_HANDLED;
	case L_SAVING:
		if (action == UI_ACT_CLOSE || action == UI_ACT_BACK || action == UI_ACT_CONFIRM)
			return UI_POP | UI_HANDLED | UI_REDRAW;      /* closing stops the download */
		return UI_HANDLED;
	}
	return UI_HANDLED;
}

static void
label_rate_line(const struct label_view *l, const struct carrier_rate *r, const char *what, bool chosen,
		char *buf, size_t len)
{
	char money[48], days[24] = "";

	money_format(r->amount_minor, r->currency, money, sizeof money);
	if (r->delivery_days >= 0)
		snprintf(days, sizeof days, "%d day%s", r->delivery_days, r->delivery_days == 1 ? "" : "s");
	snprintf(buf, len, "%s %-9s %-8s %-16s %10s  %-7s %s", chosen ? "(*)" : "( )", what, r->carrier, r->service,
		 money, days, label_rate_is_level(l, r) ? l->levels.order_level : "");
}

static void
label_draw(struct view *v, struct ui_rect r)
{
	struct label_view *l = lv(v);
	struct ui *ui = v->ui;
	struct ui_rect box;
	char buf[700], k[4][32];
	int x0, w, y, bottom;
	unsigned waited = (unsigned)((ui_now_ms() - l->started) / 1000);

	snprintf(buf, sizeof buf, "Buy a label for order %lld", l->order_no);
	box = ui_frame_draw(ui, r, buf);
	x0 = box.x + 2;
	w = box.w - 4;
	y = box.y + 1;
	bottom = box.y + box.h - 2;
	ui->cursor_y = -1;
	if (w < 30 || bottom - y < 6) {
		ui_draw_text(y, x0, w, UI_EL_WARNING, "The terminal is too small for this dialog.");
		return;
	}
	switch (l->state) {
	case L_REQUEST:
		ui_draw_text(y, x0, w, UI_EL_DIM, "Reading the order's parcel...");
		break;
	case L_RATES:
		snprintf(buf, sizeof buf, "Asking the carrier aggregator for rates... %u s", waited);
		ui_draw_text(y, x0, w, UI_EL_DIM, buf);
		ui_draw_text(bottom, x0, w, UI_EL_HINT,
			     ui_form_key_text(ui, UI_ACT_CLOSE, "stop (nothing is bought)", k[0], sizeof k[0]));
		break;
	case L_CHOOSE:
		ui_draw_text(y++, x0, w, UI_EL_HEADER, "Rates from the carrier aggregator:");
		for (int i = 0; i < l->npick; i++) {
			const char *what = l->pick[i] == l->cheap ? "cheapest" : l->pick[i] == l->fast ? "fastest" :
					   "order's";

			label_rate_line(l, &l->rates[l->pick[i]], what, l->choice == i, buf, sizeof buf);
			ui_draw_text(++y, x0, w, UI_EL_NORMAL, buf);
		}
		if (l->fast == l->cheap)
			ui_draw_text(++y, x0, w, UI_EL_DIM, "    (the cheapest is also the fastest)");
		if (l->levels.order_level[0]) {
			snprintf(buf, sizeof buf, l->npick > 2 || label_rate_is_level(l, &l->rates[l->cheap]) ||
				 label_rate_is_level(l, &l->rates[l->fast]) ? "The order ships %s (marked)." :
				 "The order ships %s: no rate of it was offered.", l->levels.order_level);
			ui_draw_text(++y, x0, w, UI_EL_DIM, buf);
		}
		y += 2;
		ui_draw_text(y, x0, w, UI_EL_HINT, "Buying it ships the order with the label's tracking number.");
		if (l->confirming) {
			const struct carrier_rate *c = label_rate(l);
			char money[48];

			money_format(c->amount_minor, c->currency, money, sizeof money);
			snprintf(buf, sizeof buf, "Enter again to buy the %s %s label for %s, Esc to go back.",
				 c->carrier, c->service, money);
			ui_draw_text(bottom, x0, w, UI_EL_WARNING, buf);
		} else {
			snprintf(buf, sizeof buf, "%s  %s  %s",
				 ui_form_key_text(ui, UI_ACT_CHOOSE, "choose", k[0], sizeof k[0]),
				 ui_form_key_text(ui, UI_ACT_CONFIRM, "buy it", k[1], sizeof k[1]),
				 ui_form_key_text(ui, UI_ACT_CLOSE, "close", k[2], sizeof k[2]));
			ui_draw_text(bottom, x0, w, UI_EL_HINT, buf);
		}
		break;
	case L_BUYING:
		snprintf(buf, sizeof buf, "Buying the %s %s label... %u s", label_rate(l)->carrier,
			 label_rate(l)->service, waited);
		ui_draw_text(y, x0, w, UI_EL_DIM, buf);
		break;
	case L_RECORDING:
		snprintf(buf, sizeof buf, "Bought (tracking %s); shipping order %lld with it...", l->tracking,
			 l->order_no);
		ui_draw_text(y, x0, w, UI_EL_DIM, buf);
		break;
	case L_DONE: {
		char money[48];

		money_format(label_rate(l)->amount_minor, label_rate(l)->currency, money, sizeof money);
		snprintf(buf, sizeof buf, "Order %lld shipped with a %s %s label (%s).", l->order_no,
			 label_rate(l)->carrier, label_rate(l)->service, money);
		ui_draw_text(y++, x0, w, UI_EL_OK, buf);
		snprintf(buf, sizeof buf, "Tracking: %s", l->tracking);
		ui_draw_text(++y, x0, w, UI_EL_NORMAL, buf);
		ui_draw_text(++y, x0, w, UI_EL_NORMAL, "Label:");
		y++;
		y += ui_draw_wrapped(y, x0 + 2, w - 2, bottom - y - 2, UI_EL_NORMAL, l->label);
		if (l->saved[0])
			ui_draw_text(++y, x0, w, strncmp(l->saved, "Not", 3) ? UI_EL_OK : UI_EL_ERROR, l->saved);
		snprintf(buf, sizeof buf, "%s  %s",
			 ui_form_key_text(ui, UI_ACT_EXPORT, "save the label to a file", k[0], sizeof k[0]),
			 ui_form_key_text(ui, UI_ACT_CONFIRM, "close", k[1], sizeof k[1]));
		ui_draw_text(bottom, x0, w, UI_EL_HINT, buf);
		break;
	}
	case L_SAVING:
		snprintf(buf, sizeof buf, "Fetching the label of order %lld... %u s", l->order_no, waited);
		ui_draw_text(y, x0, w, UI_EL_DIM, buf);
		break;
	case L_FAILED:
		y += ui_draw_wrapped(y, x0, w, bottom - y - 1, UI_EL_ERROR, l->msg);
		if (!l->bought && l->failed_in != L_BUYING)
			ui_draw_text(++y, x0, w, UI_EL_NORMAL, "Nothing was bought; the order was not shipped.");
		ui_draw_text(bottom, x0, w, UI_EL_HINT,
			     ui_form_key_text(ui, UI_ACT_CLOSE, "close", k[0], sizeof k[0]));
		break;
	}
}

static int
label_hints(struct view *v, int *acts, int max)
{
	static const int all[] = { UI_ACT_CONFIRM, UI_ACT_CHOOSE, UI_ACT_CLOSE };
	int n = 0;

	(void)v;
	for (size_t i = 0; i < sizeof all / sizeof all[0] && n < max; i++)
		acts[n++] = all[i];
	return n;
}

static void
label_close(struct view *v)
{
	struct label_view *l = lv(v);

	http_engine_free(l->e);          /* aborts a request still running */
	free(l->a.body);
	free(l->form);
	free(l);
}

static const struct view_ops label_ops = {
	.name = "Label",
	.screen = UI_SCREEN_NONE,
	.dialog = true,
	.open = label_open,
	.close = label_close,
	.draw = label_draw,
	.key = label_key,
	.result = label_result,
	.tick = label_tick,
	.hints = label_hints,
};

struct view *
view_label_new(struct ui *ui, struct view *parent, long long order_no)
{
	struct label_view *l = calloc(1, sizeof *l);

	if (!l) {
		ui_message(ui, UI_EL_ERROR, "Out of memory.");
		return NULL;
	}
	l->v.ops = &label_ops;
	l->v.ui = ui;
	l->parent = parent;
	l->order_no = order_no;
	return &l->v;
}
