#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "http/carrier.h"

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

/* --- SHA-256, HMAC ------------------------------------------------------- */

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

struct sha256 {
	uint32_t h[8];
	unsigned char buf[64];
	size_t n;          /* bytes in buf */
	uint64_t total;    /* bytes hashed */
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void
sha256_block(struct sha256 *s, const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, h;

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 |
		       p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3];
	e = s->h[4]; f = s->h[5]; g = s->h[6]; h = s->h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
		uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));

		h = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d;
	s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}

static void
sha256_init(struct sha256 *s)
{
	static const uint32_t h0[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
					0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

	memcpy(s->h, h0, sizeof h0);
	s->n = 0;
	s->total = 0;
}

static void
sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const unsigned char *p = data;

	s->total += len;
	while (len) {
		size_t take = 64 - s->n < len ? 64 - s->n : len;

		memcpy(s->buf + s->n, p, take);
		s->n += take;
		p += take;
		len -= take;
		if (s->n == 64) {
			sha256_block(s, s->buf);
			s->n = 0;
		}
	}
}

static void
sha256_final(struct sha256 *s, unsigned char out[32])
{
	uint64_t bits = s->total * 8;
	unsigned char pad = 0x80, zero = 0, len[8];

	sha256_update(s, &pad, 1);
	while (s->n != 56)
		sha256_update(s, &zero, 1);
	for (int i = 0; i < 8; i++)
		len[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_update(s, len, 8);
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(s->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(s->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(s->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)s->h[i];
	}
}

void
carrier_sha256(const void *msg, size_t len, unsigned char out[32])
{
	struct sha256 s;

	sha256_init(&s);
	sha256_update(&s, msg, len);
	sha256_final(&s, out);
}

void
carrier_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t len, unsigned char out[32])
{
	unsigned char k[64] = { 0 }, ipad[64], opad[64], inner[32];
	struct sha256 s;

	if (keylen > 64)
		carrier_sha256(key, keylen, k);
	else if (keylen)
		memcpy(k, key, keylen);
	for (int i = 0; i < 64; i++) {
		ipad[i] = k[i] ^ 0x36;
		opad[i] = k[i] ^ 0x5c;
	}
	sha256_init(&s);
	sha256_update(&s, ipad, 64);
	sha256_update(&s, msg, len);
	sha256_final(&s, inner);
	sha256_init(&s);
	sha256_update(&s, opad, 64);
	sha256_update(&s, inner, 32);
	sha256_final(&s, out);
}

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
		unsigned diff = 0;

		if (!secrets[k] || !*secrets[k])
			continue;
		carrier_hmac_sha256(secrets[k], strlen(secrets[k]), body ? body : "", body ? len : 0, got);
		for (int i = 0; i < 32; i++)
			diff |= (unsigned)(got[i] ^ want[i]);
		ok |= diff == 0;
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

/* --- labels -------------------------------------------------------------- */

/* Appends "&key=value" (value percent-encoded) to a growing buffer. */
static bool
form_add(char **buf, size_t *len, size_t *cap, const char *key, const char *value)
{
	static const char hx[] = "0123456789ABCDEF";
	size_t need = strlen(key) + 3 * (value ? strlen(value) : 0) + 3;
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

char *
carrier_shipment_form(const char *to_json, const char *from_name, const char *from_street,
		      const char *from_city, const char *from_zip, const char *from_country,
		      double weight_oz)
{
	static const struct { const char *key, *field; } to[] = {
		{ "shipment[to_address][name]", "name" }, { "shipment[to_address][street1]", "line1" },
		{ "shipment[to_address][street2]", "line2" }, { "shipment[to_address][city]", "city" },
		{ "shipment[to_address][state]", "region" }, { "shipment[to_address][zip]", "postal_code" },
		{ "shipment[to_address][country]", "country" },
	};
	json_error_t jerr;
	json_t *o = to_json ? json_loads(to_json, 0, &jerr) : NULL;
	char *buf = NULL, w[32];
	size_t len = 0, cap = 0;
	bool ok;

	if (!json_is_object(o)) {
		json_decref(o);
		return NULL;
	}
	ok = form_add(&buf, &len, &cap, "shipment[from_address][company]", from_name);
	ok = ok && form_add(&buf, &len, &cap, "shipment[from_address][street1]", from_street);
	ok = ok && form_add(&buf, &len, &cap, "shipment[from_address][city]", from_city);
	ok = ok && form_add(&buf, &len, &cap, "shipment[from_address][zip]", from_zip);
	ok = ok && form_add(&buf, &len, &cap, "shipment[from_address][country]", from_country);
	for (size_t i = 0; ok && i < sizeof to / sizeof to[0]; i++) {
		const json_t *v = json_object_get(o, to[i].field);

		if (json_is_string(v))
			ok = form_add(&buf, &len, &cap, to[i].key, json_string_value(v));
	}
	snprintf(w, sizeof w, "%.1f", weight_oz > 0.1 ? weight_oz : 0.1);
	ok = ok && form_add(&buf, &len, &cap, "shipment[parcel][weight]", w);
	json_decref(o);
	if (!ok) {
		free(buf);
		return NULL;
	}
	return buf;
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
