#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "http/hmac.h"
#include "http/payment.h"

bool
payment_status_is_fatal(long s)
{
	/* 408 (request timeout), 409 (an idempotent request still in flight
	 * at the gateway), 425 and 429 (rate limit) say "try again later";
	 * the rest of 4xx judge the request itself. */
	if (s < 400 || s > 499)
		return false;
	return s != 408 && s != 409 && s != 425 && s != 429;
}

/* Copies a JSON string member into out as one printable line. */
static bool
copy_str(json_t *obj, const char *key, char *out, size_t outlen)
{
	json_t *v = json_object_get(obj, key);
	const char *s;
	size_t n, i;

	out[0] = '\0';
	if (!json_is_string(v))
		return false;
	s = json_string_value(v);
	n = json_string_length(v);
	if (n >= outlen)
		n = outlen - 1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		out[i] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
	}
	out[n] = '\0';
	return true;
}

static long long
get_int(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

static void
result_init(struct payment_result *r, long http_status)
{
	memset(r, 0, sizeof *r);
	r->http_status = http_status;
	r->amount = -1;
	r->amount_received = -1;
	r->outcome = PAYMENT_RETRY;
}

/* Common part: transport errors, error objects, status classes. Returns
 * the parsed object for a 2xx answer (caller decrefs) or NULL when the
 * outcome is already decided. */
static json_t *
parse_common(long http_status, const char *body, size_t len, struct payment_result *r)
{
	json_t *root = NULL, *err;
	json_error_t jerr;

	result_init(r, http_status);
	if (http_status == 0) {
		snprintf(r->message, sizeof r->message, "no answer from the payment gateway");
		return NULL;
	}
	if (body && len > 0)
		root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root && !json_is_object(root)) {
		json_decref(root);
		root = NULL;
	}
	if (http_status >= 200 && http_status <= 299) {
		if (!root)
			snprintf(r->message, sizeof r->message,
				 "malformed answer from the payment gateway (HTTP %ld)", http_status);
		return root;
	}
	err = root ? json_object_get(root, "error") : NULL;
	if (json_is_object(err)) {
		copy_str(err, "type", r->error_type, sizeof r->error_type);
		copy_str(err, "code", r->error_code, sizeof r->error_code);
		copy_str(err, "message", r->message, sizeof r->message);
	}
	if (!r->message[0])
		snprintf(r->message, sizeof r->message, "payment gateway answered HTTP %ld",
			 http_status);
	r->outcome = payment_status_is_fatal(http_status) ? PAYMENT_FATAL : PAYMENT_RETRY;
	json_decref(root);
	return NULL;
}

static bool
one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

static void refund_object(json_t *root, struct payment_result *r);

void
payment_parse_refund(long http_status, const char *body, size_t len, struct payment_result *r)
{
	json_t *root = parse_common(http_status, body, len, r);

	if (!root)
		return;
	refund_object(root, r);
	json_decref(root);
}

void
payment_parse_refund_list(long http_status, const char *body, size_t len, const char *refund_id,
			  struct payment_result *r)
{
	json_t *root = parse_common(http_status, body, len, r), *data, *it;
	size_t i;

	if (!root)
		return;
	data = json_object_get(root, "data");
	if (!json_is_array(data)) {
		snprintf(r->message, sizeof r->message, "malformed refund list from the payment gateway");
		json_decref(root);
		return;
	}
	json_array_foreach(data, i, it) {
		json_t *v = json_object_get(json_object_get(it, "metadata"), "refund_id");
		if (json_is_string(v) && !strcmp(json_string_value(v), refund_id)) {
			refund_object(it, r);
			json_decref(root);
			return;
		}
	}
	r->outcome = PAYMENT_OK;        /* none of ours */
	json_decref(root);
}

static void
refund_object(json_t *root, struct payment_result *r)
{
	static const char *const known[] = {
		"pending", "requires_action", "succeeded", "failed", "canceled", NULL
	};
	json_t *obj;

	obj = json_object_get(root, "object");
	if (!copy_str(root, "id", r->id, sizeof r->id) || !r->id[0] ||
	    !copy_str(root, "status", r->status, sizeof r->status) ||
	    (obj && !(json_is_string(obj) && strcmp(json_string_value(obj), "refund") == 0))) {
		snprintf(r->message, sizeof r->message,
			 "malformed refund object from the payment gateway");
		goto out;
	}
	if (!one_of(r->status, known)) {
		snprintf(r->message, sizeof r->message,
			 "unknown refund status from the payment gateway");
		r->status[0] = '\0';
		goto out;
	}
	/* requires_action is pending from our point of view: the customer's
	 * bank has to do something, we only wait. */
	if (strcmp(r->status, "requires_action") == 0)
		strcpy(r->status, "pending");
	copy_str(root, "failure_reason", r->failure_reason, sizeof r->failure_reason);
	copy_str(root, "currency", r->currency, sizeof r->currency);
	copy_str(root, "payment_intent", r->payment_intent, sizeof r->payment_intent);
	copy_str(root, "charge", r->charge, sizeof r->charge);
	copy_str(json_object_get(root, "metadata"), "refund_id", r->metadata_refund_id,
		 sizeof r->metadata_refund_id);
	r->amount = get_int(root, "amount");
	if (strcmp(r->status, "failed") == 0 || strcmp(r->status, "canceled") == 0)
		snprintf(r->message, sizeof r->message, "refund %s at the gateway: %s", r->status,
			 r->failure_reason[0] ? r->failure_reason : "no reason given");
	r->outcome = PAYMENT_OK;
out:
	return;
}

void
payment_parse_intent(long http_status, const char *body, size_t len, struct payment_result *r)
{
	static const char *const known[] = {
		"requires_payment_method", "requires_confirmation", "requires_action",
		"processing", "requires_capture", "canceled", "succeeded", NULL
	};
	json_t *root = parse_common(http_status, body, len, r);
	json_t *obj;

	if (!root)
		return;
	obj = json_object_get(root, "object");
	if (!copy_str(root, "id", r->id, sizeof r->id) || !r->id[0] ||
	    !copy_str(root, "status", r->status, sizeof r->status) ||
	    (obj && !(json_is_string(obj) &&
		      strcmp(json_string_value(obj), "payment_intent") == 0))) {
		snprintf(r->message, sizeof r->message,
			 "malformed payment intent from the payment gateway");
		goto out;
	}
	if (!one_of(r->status, known)) {
		snprintf(r->message, sizeof r->message,
			 "unknown payment intent status from the payment gateway");
		r->status[0] = '\0';
		goto out;
	}
	copy_str(root, "currency", r->currency, sizeof r->currency);
	/* Stripe's metadata values are strings; anything else (or a value too
	 * long to be an order number) is kept as given, cut, so that it can
	 * only fail the comparison with the order, never pass it. */
	copy_str(json_object_get(root, "metadata"), "order_no", r->metadata_order_no,
		 sizeof r->metadata_order_no);
	r->amount = get_int(root, "amount");
	r->amount_received = get_int(root, "amount_received");
	r->outcome = PAYMENT_OK;
out:
	json_decref(root);
}

void
payment_parse_charge(long http_status, const char *body, size_t len, struct payment_result *r)
{
	json_t *root = parse_common(http_status, body, len, r);
	json_t *obj, *captured;
	char st[32];

	if (!root)
		return;
	obj = json_object_get(root, "object");
	if (!copy_str(root, "id", r->id, sizeof r->id) || !r->id[0] ||
	    !copy_str(root, "status", st, sizeof st) ||
	    (obj && !(json_is_string(obj) && strcmp(json_string_value(obj), "charge") == 0))) {
		snprintf(r->message, sizeof r->message, "malformed charge from the payment gateway");
		goto out;
	}
	captured = json_object_get(root, "captured");
	if (!strcmp(st, "succeeded"))
		snprintf(r->status, sizeof r->status, "%s",
			 json_is_false(captured) ? "requires_capture" : "succeeded");
	else if (!strcmp(st, "pending"))
		snprintf(r->status, sizeof r->status, "processing");
	else if (!strcmp(st, "failed"))
		snprintf(r->status, sizeof r->status, "failed");
	else {
		snprintf(r->message, sizeof r->message, "unknown charge status from the payment gateway");
		goto out;
	}
	copy_str(root, "currency", r->currency, sizeof r->currency);
	copy_str(root, "payment_intent", r->payment_intent, sizeof r->payment_intent);
	copy_str(json_object_get(root, "metadata"), "order_no", r->metadata_order_no,
		 sizeof r->metadata_order_no);
	r->amount = get_int(root, "amount");
	r->amount_received = json_is_true(captured) ? get_int(root, "amount_captured") : -1;
	if (r->amount_received < 0)
		r->amount_received = r->amount;
	r->outcome = PAYMENT_OK;
out:
	json_decref(root);
}

bool
payment_refund_matches(const struct payment_result *r, long long amount_minor, const char *currency,
		       const char *provider_ref, char *why, size_t whylen)
{
	const char *named = !strncmp(provider_ref, "ch_", 3) ? r->charge : r->payment_intent;

	if (r->amount != amount_minor) {
		snprintf(why, whylen, "the gateway refunded %lld, not the %lld asked for", r->amount,
			 amount_minor);
		return false;
	}
	if (strcasecmp(r->currency, currency) != 0) {
		snprintf(why, whylen, "the gateway refunded in %.3s, not in %.3s",
			 r->currency[0] ? r->currency : "(no currency)", currency);
		return false;
	}
	if (named[0] && strcmp(named, provider_ref) != 0) {
		snprintf(why, whylen, "the gateway refunded another payment than %.60s", provider_ref);
		return false;
	}
	return true;
}

/* s if it is a token (letters, digits, '_', '.', '-'), else "". */
static const char *
token(const char *s)
{
	for (const char *p = s; *p; p++)
		if (!strchr("_.-", *p) && !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
					    (*p >= '0' && *p <= '9')))
			return "";
	return s;
}

void
payment_describe(const struct payment_result *r, char *out, size_t outlen)
{
	const char *type = token(r->error_type), *code = token(r->error_code);

	if (r->http_status == 0 || (r->http_status >= 200 && r->http_status <= 299)) {
		if (r->outcome == PAYMENT_OK && r->status[0])
			snprintf(out, outlen, "refund %s at the gateway (%s)", r->status,
				 token(r->failure_reason)[0] ? r->failure_reason : "no reason given");
		else
			snprintf(out, outlen, "%s", r->message);    /* ours (parse_common) */
		return;
	}
	snprintf(out, outlen, "HTTP %ld%s%s%s%s%s", r->http_status, *type || *code ? " (" : "",
		 type, *type && *code ? ", " : "", code, *type || *code ? ")" : "");
}

size_t
payment_url_escape(const char *s, char *out, size_t outlen)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
		if (plain) {
			if (n + 1 < outlen)
				out[n] = (char)c;
			n++;
		} else {
			if (n + 3 < outlen) {
				out[n] = '%';
				out[n + 1] = hex[c >> 4];
				out[n + 2] = hex[c & 15];
			}
			n += 3;
		}
	}
	if (outlen)
		out[n < outlen ? n : outlen - 1] = '\0';
	return n;
}

char *
payment_refund_form(const char *provider_ref, long long amount_minor, const char *refund_id,
		    const char *order_no, const char *reason)
{
	size_t need_ref = payment_url_escape(provider_ref, NULL, 0) + 1;
	size_t need_id = payment_url_escape(refund_id, NULL, 0) + 1;
	size_t need_no = payment_url_escape(order_no ? order_no : "", NULL, 0) + 1;
	size_t need_rs = payment_url_escape(reason ? reason : "", NULL, 0) + 1;
	char *ref = malloc(need_ref), *rid = malloc(need_id), *no = malloc(need_no);
	char *rs = malloc(need_rs), *out = NULL;
	size_t outlen = need_ref + need_id + need_no + need_rs + 160;

	if (ref && rid && no && rs && (out = malloc(outlen)) != NULL) {
		payment_url_escape(provider_ref, ref, need_ref);
		payment_url_escape(refund_id, rid, need_id);
		payment_url_escape(order_no ? order_no : "", no, need_no);
		payment_url_escape(reason ? reason : "", rs, need_rs);
		snprintf(out, outlen, "%s=%s&amount=%lld%s%s&metadata%%5Brefund_id%%5D=%s%s%s",
			 strncmp(provider_ref, "ch_", 3) == 0 ? "charge" : "payment_intent",
			 ref, amount_minor, rs[0] ? "&reason=" : "", rs, rid,
			 no[0] ? "&metadata%5Border_no%5D=" : "", no);
	}
	free(ref);
	free(rid);
	free(no);
	free(rs);
	return out;
}

void
payment_idempotency_key(const char *prefix, const char *db_key, int generation, char *out,
			size_t outlen)
{
	size_t n = (size_t)snprintf(out, outlen, "%s", prefix);

	if (n >= outlen)
		n = outlen ? outlen - 1 : 0;
	for (; *db_key && n + 1 < outlen; db_key++) {
		char c = *db_key;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_')
			out[n++] = c;
	}
	if (generation > 0 && n + 1 < outlen)
		n += (size_t)snprintf(out + n, outlen - n, "-g%d", generation);
	if (outlen)
		out[n < outlen ? n : outlen - 1] = '\0';
}

/* -- webhook signatures (Stripe-Signature) -------------------------------- */

static int
hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

enum payment_sig
payment_webhook_verify(const char *header, const char *body, size_t len,
		       const char *const *secrets, int nsecrets, long long now, long tolerance_s)
{
	enum { MAX_V1 = 8 };         /* more v1 items than a rotation needs are not checked */
	unsigned char got[MAX_V1][32];
	char ts[24];
	long long t = -1;
	const char *p;
	int nv1 = 0;
	bool any_v1 = false, match = false;

	if (!header || !*header)
		return PAYMENT_SIG_MISSING;
	/* t=...,v1=...,v1=...,v0=... in any order: the v1 items are kept and
	 * checked once t is known (a v1 before t was never checked before) */
	for (p = header; *p;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		while (n > 0 && *p == ' ')
			p++, n--;
		if (n > 2 && p[0] == 't' && p[1] == '=' && n - 2 < sizeof ts) {
			char *e;
			memcpy(ts, p + 2, n - 2);
			ts[n - 2] = '\0';
			t = strtoll(ts, &e, 10);
			if (*e || e == ts)
				return PAYMENT_SIG_MALFORMED;
		} else if (n == 3 + 64 && p[0] == 'v' && p[1] == '1' && p[2] == '=') {
			bool hex = true;
			any_v1 = true;
			for (int i = 0; i < 32 && nv1 < MAX_V1; i++) {
				int hi = hexval(p[3 + 2 * i]), lo = hexval(p[4 + 2 * i]);
				if (hi < 0 || lo < 0)
					hex = false;
				got[nv1][i] = (unsigned char)((hi < 0 ? 0 : hi) << 4 | (lo < 0 ? 0 : lo));
			}
			if (hex && nv1 < MAX_V1)
				nv1++;
		}
		if (!end)
			break;
		p = end + 1;
	}
	if (t < 0 || !any_v1)
		return PAYMENT_SIG_MALFORMED;
	/* every secret against every v1, constant time each */
	for (int k = 0; k < nsecrets; k++) {
		unsigned char want[32];
		char prefix[32];
		int pl = snprintf(prefix, sizeof prefix, "%lld.", t);
		hmac_sha256(secrets[k], strlen(secrets[k]), prefix, (size_t)pl, body, len, want);
		for (int v = 0; v < nv1; v++)
			match |= digest_equal(want, got[v], sizeof want);
	}
	if (!match)
		return PAYMENT_SIG_MISMATCH;
	if (now - t > tolerance_s || t - now > tolerance_s)
		return PAYMENT_SIG_STALE;
	return PAYMENT_SIG_OK;
}
