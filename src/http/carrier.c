#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "http/carrier.h"
#include "http/hmac.h"

static const char *const statuses[] = {
	"pre_transit", "in_transit", "out_for_delivery", "delivered", "available_for_pickup",
	"return_to_sender", "failure", "cancelled", "error", "unknown",
};

bool
carrier_status_known(const char *s)
{
	if (!s)
		return false;
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
		if (!strcmp(s, statuses[i]))
			return true;
	return false;
}

bool
carrier_id_ok(const char *s)
{
	size_t n = 0;

	if (!s)
		return false;
	for (; s[n]; n++) {
		char ch = s[n];

		if (n >= 64 || !((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
				 (ch >= '0' && ch <= '9') || ch == '_' || ch == '-'))
			return false;
	}
	return n > 0;
}

static void
fail(struct oms_error *err, const char *what)
{
	if (err)
		oms_fail(err, OMS_INVALID, "the aggregator's answer is not a tracker: %s", what);
}

static bool
copy_field(const json_t *o, const char *key, char *out, size_t outlen, bool required)
{
	const json_t *v = json_object_get(o, key);
	const char *s;

	out[0] = '\0';
	if (!v || json_is_null(v))
		return !required;
	if (!json_is_string(v))
		return false;
	s = json_string_value(v);
	if (strlen(s) >= outlen || (required && !*s))
		return false;
	memcpy(out, s, strlen(s) + 1);
	return true;
}

enum oms_status
carrier_tracker_parse(const char *body, size_t len, struct carrier_tracker *t,
		      struct oms_error *err)
{
	json_error_t jerr;
	json_t *root, *details;
	const json_t *obj;

	memset(t, 0, sizeof *t);
	if (!body || !len) {
		fail(err, "empty");
		return OMS_INVALID;
	}
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(root)) {
		json_decref(root);
		fail(err, "not a JSON object");
		return OMS_INVALID;
	}
	obj = json_object_get(root, "object");
	if (obj && !(json_is_string(obj) && !strcmp(json_string_value(obj), "Tracker"))) {
		json_decref(root);
		fail(err, "another kind of object");
		return OMS_INVALID;
	}
	if (!copy_field(root, "id", t->id, sizeof t->id, true) || !carrier_id_ok(t->id)) {
		json_decref(root);
		fail(err, "no usable id");
		return OMS_INVALID;
	}
	if (!copy_field(root, "tracking_code", t->tracking_code, sizeof t->tracking_code, false) ||
	    (t->tracking_code[0] && !carrier_id_ok(t->tracking_code))) {
		json_decref(root);
		fail(err, "a tracking code that is not one");
		return OMS_INVALID;
	}
	if (!copy_field(root, "status", t->status, sizeof t->status, true) ||
	    !carrier_status_known(t->status)) {
		json_decref(root);
		fail(err, "an unknown status");
		return OMS_INVALID;
	}
	details = json_object_get(root, "tracking_details");
	if (details && !json_is_null(details) && !json_is_array(details)) {
		json_decref(root);
		fail(err, "tracking_details is not a list");
		return OMS_INVALID;
	}
	t->scans = details && json_is_array(details) ? (int)json_array_size(details) : 0;
	json_decref(root);
	return OMS_OK;
}

char *
carrier_tracker_form(const char *tracking_code, const char *carrier)
{
	char *form;
	size_t n;

	/* both are [A-Za-z0-9_-]: nothing to escape */
	if (!carrier_id_ok(tracking_code) || !carrier_id_ok(carrier))
		return NULL;
	n = strlen(tracking_code) + strlen(carrier) + 64;
	if (!(form = malloc(n)))
		return NULL;
	snprintf(form, n, "tracker%%5Btracking_code%%5D=%s&tracker%%5Bcarrier%%5D=%s", tracking_code,
		 carrier);
	return form;
}

enum oms_status
carrier_tracker_create(struct http_engine *e, const struct http_endpoint *ep,
		       const char *tracking_code, const char *carrier, http_done_fn fn, void *arg,
		       struct oms_error *err)
{
	char key[96];
	char *form = carrier_tracker_form(tracking_code, carrier);
	enum oms_status st;

	if (!form)
		return oms_fail(err, OMS_INVALID, "not a tracking code or carrier the aggregator takes");
	snprintf(key, sizeof key, "oms-tracker-%s", tracking_code);
	st = http_start_post_form(e, ep, "/v2/trackers", form, key, fn, arg, err);
	free(form);
	return st;
}

enum oms_status
carrier_tracker_get(struct http_engine *e, const struct http_endpoint *ep, const char *id,
		    http_done_fn fn, void *arg, struct oms_error *err)
{
	char path[96];

	if (!carrier_id_ok(id))
		return oms_fail(err, OMS_INVALID, "not a tracker id");
	snprintf(path, sizeof path, "/v2/trackers/%s", id);
	return http_start_get(e, ep, path, fn, arg, err);
}

bool
carrier_answer_unwell(const struct http_response *r, bool parsed)
{
	if (r->transport_error || r->timed_out || r->status == 0)
		return true;
	if (r->status >= 500 || r->status == 429)
		return true;
	if (r->status >= 200 && r->status < 300)
		return !parsed;
	return false;
}

/* --- webhook signatures (SHA-256 and HMAC: hmac.c) ---------------------- */

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

enum carrier_sig
carrier_webhook_verify(const char *header, const char *body, size_t len, const char *const *secrets,
		       int nsecrets)
{
	static const char prefix[] = "hmac-sha256-hex=";
	unsigned char want[32];
	bool ok = false;

	if (!header)
		return CARRIER_SIG_MISSING;
	if (strncmp(header, prefix, sizeof prefix - 1) || strlen(header) != sizeof prefix - 1 + 64)
		return CARRIER_SIG_MALFORMED;
	for (int i = 0; i < 32; i++) {
		int hi = hexval(header[sizeof prefix - 1 + 2 * i]), lo = hexval(header[sizeof prefix + 2 * i]);

		if (hi < 0 || lo < 0)
			return CARRIER_SIG_MALFORMED;
		want[i] = (unsigned char)(hi << 4 | lo);
	}
	/* every secret is tried, whatever matched: the time does not say which */
	for (int k = 0; k < nsecrets; k++) {
		unsigned char got[32];

		if (!secrets[k] || !*secrets[k])
			continue;
		hmac_sha256(secrets[k], strlen(secrets[k]), body ? body : "", body ? len : 0, NULL, 0, got);
		ok |= digest_equal(got, want, sizeof got);
	}
	return ok ? CARRIER_SIG_OK : CARRIER_SIG_MISMATCH;
}

const char *
carrier_sig_name(enum carrier_sig s)
{
	switch (s) {
	case CARRIER_SIG_OK: return "ok";
	case CARRIER_SIG_MISSING: return "no X-Hmac-Signature header";
	case CARRIER_SIG_MALFORMED: return "a malformed X-Hmac-Signature header";
	case CARRIER_SIG_MISMATCH: return "a signature no secret gives";
	}
	return "?";
}

void
carrier_event_keys(const char *body, size_t len, char *id, size_t idlen, char *key, size_t keylen)
{
	json_t *root = json_loadb(body, len, 0, NULL);
	const json_t *v, *res = json_object_get(root, "result");

	id[0] = key[0] = '\0';
	if ((v = json_object_get(root, "id")) && json_is_string(v))
		snprintf(id, idlen, "%s", json_string_value(v));
	if ((v = json_object_get(res, "tracking_code")) && json_is_string(v))
		snprintf(key, keylen, "code:%s", json_string_value(v));
	else if ((v = json_object_get(res, "id")) && json_is_string(v))
		snprintf(key, keylen, "trk:%s", json_string_value(v));
	json_decref(root);
}

/* --- labels -------------------------------------------------------------- */

/* Appends "&key=value" (value percent-encoded) to a growing buffer. */
static bool
form_add(char **buf, size_t *len, size_t *cap, const char *key, const char *value)
{
	static const char hx[] = "0123456789ABCDEF";
	/* the key's brackets are percent-encoded too: 3 bytes each */
	size_t need = 3 * strlen(key) + 3 * (value ? strlen(value) : 0) + 3;
	char *p;

	if (!value || !*value)
		return true;
	if (*len + need >= *cap) {
		size_t ncap = (*cap + need) * 2;
		char *nb = realloc(*buf, ncap);

		if (!nb)
			return false;
		*buf = nb;
		*cap = ncap;
	}
	p = *buf + *len;
	if (*len)
		*p++ = '&';
	for (const char *k = key; *k; k++) {
		if (*k == '[' || *k == ']') {
			*p++ = '%';
			*p++ = hx[(unsigned char)*k >> 4];
			*p++ = hx[(unsigned char)*k & 15];
		} else {
			*p++ = *k;
		}
	}
	*p++ = '=';
	for (const unsigned char *v = (const unsigned char *)value; *v; v++) {
		if ((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') || (*v >= '0' && *v <= '9') ||
		    *v == '-' || *v == '_' || *v == '.' || *v == '~') {
			*p++ = (char)*v;
		} else {
			*p++ = '%';
			*p++ = hx[*v >> 4];
			*p++ = hx[*v & 15];
		}
	}
	*p = '\0';
	*len = (size_t)(p - *buf);
	return true;
}

/* The form of POST /v2/shipments: the customer's address (a JSON object)
 * on one side, the seller on the other: to the customer for a label, from
 * the customer for a return label (the addresses swapped). */
static char *
shipment_form(const char *customer_json, const char *seller_name, const char *seller_street,
	      const char *seller_city, const char *seller_zip, const char *seller_country,
	      double weight_oz, bool is_return)
{
	static const struct { const char *key, *field; } addr[] = {
		{ "name", "name" }, { "street1", "line1" }, { "street2", "line2" }, { "city", "city" },
		{ "state", "region" }, { "zip", "postal_code" }, { "country", "country" },
	};
	const char *cust = is_return ? "from_address" : "to_address";
	const char *seller = is_return ? "to_address" : "from_address";
	json_error_t jerr;
	json_t *o = customer_json ? json_loads(customer_json, 0, &jerr) : NULL;
	char *buf = NULL, w[32], key[64];
	size_t len = 0, cap = 0;
	bool ok = true;

	if (!json_is_object(o)) {
		json_decref(o);
		return NULL;
	}
	/* the seller's side first, then the customer's: the outbound form's
	 * order as it always was */
#define SELLER(k, v) (snprintf(key, sizeof key, "shipment[%s][%s]", seller, k), form_add(&buf, &len, &cap, key, v))
	if (!is_return) {
		ok = SELLER("company", seller_name) && SELLER("street1", seller_street) && SELLER("city", seller_city) &&
		     SELLER("zip", seller_zip) && SELLER("country", seller_country);
	}
	for (size_t i = 0; ok && i < sizeof addr / sizeof addr[0]; i++) {
		const json_t *v = json_object_get(o, addr[i].field);

		snprintf(key, sizeof key, "shipment[%s][%s]", cust, addr[i].key);
		if (json_is_string(v))
			ok = form_add(&buf, &len, &cap, key, json_string_value(v));
	}
	if (ok && is_return) {
		ok = SELLER("company", seller_name) && SELLER("street1", seller_street) && SELLER("city", seller_city) &&
		     SELLER("zip", seller_zip) && SELLER("country", seller_country);
	}
#undef SELLER
	snprintf(w, sizeof w, "%.1f", weight_oz > 0.1 ? weight_oz : 0.1);
	ok = ok && form_add(&buf, &len, &cap, "shipment[parcel][weight]", w);
	json_decref(o);
	if (!ok) {
		free(buf);
		return NULL;
	}
	return buf;
}

char *
carrier_shipment_form(const char *to_json, const char *from_name, const char *from_street,
		      const char *from_city, const char *from_zip, const char *from_country,
		      double weight_oz)
{
	return shipment_form(to_json, from_name, from_street, from_city, from_zip, from_country, weight_oz, false);
}

char *
carrier_label_form(const char *request_json, bool is_return, const char *seller_street,
		   const char *seller_city, const char *seller_zip, const char *seller_country)
{
	json_error_t jerr;
	json_t *req = request_json ? json_loads(request_json, 0, &jerr) : NULL;
	const json_t *addr = json_object_get(req, is_return ? "from_address" : "to_address");
	const json_t *name = json_object_get(req, is_return ? "to_name" : "from_name");
	char *addr_text = json_is_object(addr) ? json_dumps(addr, JSON_COMPACT) : NULL;
	char *form = addr_text ? shipment_form(addr_text, json_string_value(name), seller_street, seller_city,
					       seller_zip, seller_country,
					       json_number_value(json_object_get(req, "weight_oz")), is_return)
			       : NULL;

	free(addr_text);
	json_decref(req);
	return form;
}

char *
carrier_label_json(const char *shipment_id, const struct carrier_rate *r, const char *tracking,
		   const char *label_url, const char *level)
{
	json_t *lb = json_object();
	char *text;

	json_object_set_new(lb, "shipment_id", json_string(shipment_id));
	json_object_set_new(lb, "rate_id", json_string(r->id));
	json_object_set_new(lb, "carrier", json_string(r->carrier));
	json_object_set_new(lb, "service", json_string(r->service));
	json_object_set_new(lb, "amount_minor", json_integer(r->amount_minor));
	json_object_set_new(lb, "currency", json_string(r->currency));
	json_object_set_new(lb, "label_url", json_string(label_url));
	json_object_set_new(lb, "tracking_code", json_string(tracking));
	if (level && *level)
		json_object_set_new(lb, "service_level", json_string(level));
	text = json_dumps(lb, JSON_COMPACT);
	json_decref(lb);
	return text;
}

void
carrier_levels_parse(const char *request_json, struct carrier_levels *lv)
{
	json_t *doc = request_json ? json_loads(request_json, 0, NULL) : NULL, *e;
	const char *own = json_string_value(json_object_get(doc, "service_level"));
	size_t i;

	memset(lv, 0, sizeof *lv);
	snprintf(lv->order_level, sizeof lv->order_level, "%s", own ? own : "");
	json_array_foreach(json_object_get(doc, "services"), i, e) {
		const char *l = json_string_value(json_object_get(e, "level"));
		const char *c = json_string_value(json_object_get(e, "carrier"));
		const char *sv = json_string_value(json_object_get(e, "service"));
		struct carrier_level_service *d = &lv->svc[lv->n];

		if (!l || !c || !sv || lv->n >= CARRIER_MAX_SERVICES)
			continue;
		snprintf(d->level, sizeof d->level, "%s", l);
		snprintf(d->carrier, sizeof d->carrier, "%s", c);
		snprintf(d->service, sizeof d->service, "%s", sv);
		lv->n++;
	}
	json_decref(doc);
}

bool
carrier_level_offered(const struct carrier_levels *lv, const char *level)
{
	for (int i = 0; level && i < lv->n; i++)
		if (!strcmp(lv->svc[i].level, level))
			return true;
	return false;
}

bool
carrier_rate_is_level(const struct carrier_levels *lv, const struct carrier_rate *r, const char *level)
{
	for (int i = 0; level && *level && i < lv->n; i++)
		if (!strcmp(lv->svc[i].level, level) && !strcmp(lv->svc[i].carrier, r->carrier) &&
		    !strcmp(lv->svc[i].service, r->service))
			return true;
	return false;
}

/* "7.85" -> 785; at most two decimals, at most 10 integer digits. */
static bool
parse_amount(const char *s, long long *out)
{
	long long v = 0;
	int ints = 0, decs = -1;

	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (*s == '.' && decs < 0) {
			decs = 0;
		} else if (*s >= '0' && *s <= '9') {
			if (decs >= 0 ? ++decs > 2 : ++ints > 10)
				return false;
			v = v * 10 + (*s - '0');
		} else {
			return false;
		}
	}
	if (!ints)
		return false;
	for (int d = decs < 0 ? 0 : decs; d < 2; d++)
		v *= 10;
	*out = v;
	return true;
}

enum oms_status
carrier_rates_parse(const char *body, size_t len, char *shipment_id, size_t idlen,
		    struct carrier_rate *rates, int max, int *n, struct oms_error *err)
{
	json_error_t jerr;
	json_t *root = body && len ? json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr) : NULL, *arr, *r;
	size_t i;

	*n = 0;
	if (!json_is_object(root) || !copy_field(root, "id", shipment_id, idlen, true) ||
	    !carrier_id_ok(shipment_id) || !json_is_array(arr = json_object_get(root, "rates"))) {
		json_decref(root);
		return oms_fail(err, OMS_INVALID, "the aggregator's answer is not a shipment with rates");
	}
	json_array_foreach(arr, i, r) {
		struct carrier_rate *x = &rates[*n];
		const json_t *days;

		if (*n >= max)
			break;
		if (!json_is_object(r) || !copy_field(r, "id", x->id, sizeof x->id, true) || !carrier_id_ok(x->id) ||
		    !copy_field(r, "carrier", x->carrier, sizeof x->carrier, true) || !carrier_id_ok(x->carrier) ||
		    !copy_field(r, "service", x->service, sizeof x->service, true) || !carrier_id_ok(x->service) ||
		    !json_is_string(json_object_get(r, "rate")) ||
		    !parse_amount(json_string_value(json_object_get(r, "rate")), &x->amount_minor) ||
		    !copy_field(r, "currency", x->currency, sizeof x->currency, true) || strlen(x->currency) != 3)
			continue;
		days = json_object_get(r, "delivery_days");
		x->delivery_days = json_is_integer(days) && json_integer_value(days) >= 0 &&
				   json_integer_value(days) < 365 ? (int)json_integer_value(days) : -1;
		(*n)++;
	}
	json_decref(root);
	if (!*n)
		return oms_fail(err, OMS_INVALID, "the aggregator offered no usable rate");
	return OMS_OK;
}

int
carrier_rate_pick(const struct carrier_rate *rates, int n, bool fastest)
{
	int best = -1;

	for (int i = 0; i < n; i++) {
		const struct carrier_rate *a = &rates[i], *b = best >= 0 ? &rates[best] : NULL;
		unsigned da = (unsigned)a->delivery_days, db = b ? (unsigned)b->delivery_days : 0;  /* -1: last */

		if (!b)
			best = i;
		else if (fastest ? (da < db || (da == db && a->amount_minor < b->amount_minor))
				 : (a->amount_minor < b->amount_minor ||
				    (a->amount_minor == b->amount_minor && da < db)))
			best = i;
	}
	return best;
}

enum oms_status
carrier_bought_parse(const char *body, size_t len, char *tracking, size_t tlen, char *label_url,
		     size_t ulen, struct oms_error *err)
{
	json_error_t jerr;
	json_t *root = body && len ? json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr) : NULL;
	const json_t *label = json_object_get(root, "postage_label");
	bool ok = json_is_object(root) && copy_field(root, "tracking_code", tracking, tlen, true) &&
		  carrier_id_ok(tracking) && json_is_object(label) &&
		  copy_field(label, "label_url", label_url, ulen, true) &&
		  (!strncmp(label_url, "https://", 8) || !strncmp(label_url, "http://", 7)) &&
		  !strpbrk(label_url, " \t\r\n\"'<>");

	json_decref(root);
	if (!ok)
		return oms_fail(err, OMS_INVALID, "the aggregator's answer is not a bought shipment");
	return OMS_OK;
}

enum oms_status
carrier_shipment_create(struct http_engine *e, const struct http_endpoint *ep, const char *form,
			const char *idempotency_key, http_done_fn fn, void *arg, struct oms_error *err)
{
	return http_start_post_form(e, ep, "/v2/shipments", form, idempotency_key, fn, arg, err);
}

enum oms_status
carrier_shipment_buy(struct http_engine *e, const struct http_endpoint *ep, const char *shipment_id,
		     const char *rate_id, http_done_fn fn, void *arg, struct oms_error *err)
{
	char path[128], form[128], key[160];

	if (!carrier_id_ok(shipment_id) || !carrier_id_ok(rate_id))
		return oms_fail(err, OMS_INVALID, "not a shipment or rate id");
	snprintf(path, sizeof path, "/v2/shipments/%s/buy", shipment_id);
	snprintf(form, sizeof form, "rate%%5Bid%%5D=%s", rate_id);
	snprintf(key, sizeof key, "oms-buy-%s", shipment_id);
	return http_start_post_form(e, ep, path, form, key, fn, arg, err);
}
