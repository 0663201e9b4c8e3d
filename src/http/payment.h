/* The payment gateway's refund and payment-intent API, as data.
 *
 * Requests (docs: man oms-worker(8), "PAYMENT GATEWAY"):
 *   POST {base}/v1/refunds, form-encoded: payment_intent=pi_... (or
 *        charge=ch_... when the provider reference is a charge), amount
 *        (minor units), metadata[refund_id]; headers Authorization: Bearer
 *        KEY and Idempotency-Key (from the refund row, so a retry after a
 *        timeout replays the first answer instead of refunding again).
 *   GET  {base}/v1/refunds/{id}           (a refund that was pending)
 *   GET  {base}/v1/payment_intents/{id}   (payment verification)
 *   GET  {base}/v1/charges/{id}           (a reference starting "ch_")
 *   GET  {base}/v1/refunds?payment_intent=ID (after an unknown outcome)
 *   POST {base}/v1/payment_intents/{id}/capture, /cancel
 * Answers: a refund object {id, object:"refund", amount, status, failure_reason,
 * ...}, a payment intent {id, object:"payment_intent", amount, amount_received,
 * currency, status}, or an error {error:{type, code, message}}.
 *
 * This file does no I/O: it builds request bodies and classifies answers,
 * so the parser can be unit-tested and fuzzed on its own. */
#ifndef OMS_HTTP_PAYMENT_H
#define OMS_HTTP_PAYMENT_H

#include <stdbool.h>
#include <stddef.h>

enum payment_outcome {
	PAYMENT_OK,       /* a well-formed object; see status */
	PAYMENT_RETRY,    /* transient: 5xx, 409, 429, timeout, garbage */
	PAYMENT_FATAL,    /* will never succeed (400-404 ...): the job is dead */
};

struct payment_result {
	enum payment_outcome outcome;
	long http_status;
	char id[128];             /* re_..., pi_... */
	char status[32];          /* as the gateway said it, validated */
	char failure_reason[96];
	long long amount;         /* -1 when absent */
	long long amount_received;
	char currency[8];
	char metadata_order_no[24]; /* metadata[order_no] when the shop set it, else "" */
	char metadata_refund_id[24]; /* a refund's metadata[refund_id] (ours), else "" */
	char payment_intent[128];   /* a refund's or charge's payment_intent, else "" */
	char charge[128];           /* a refund's charge, else "" */
	char error_type[48];
	char error_code[48];
	char message[256];        /* gateway message or our description, one line */
};

/* Classifies an HTTP answer to a refund request (POST or GET). status 0
 * means no answer at all (transport error): always PAYMENT_RETRY. */
void payment_parse_refund(long http_status, const char *body, size_t len,
			  struct payment_result *out);
/* The same for GET /v1/payment_intents/{id}. */
void payment_parse_intent(long http_status, const char *body, size_t len,
			  struct payment_result *out);
/* GET /v1/charges/{id} (a reference starting "ch_"). The charge's state
 * is given in the payment intent's words, so that verification treats
 * both alike: succeeded and captured -> "succeeded"; succeeded, not
 * captured -> "requires_capture"; pending -> "processing"; failed ->
 * "failed". amount_received is amount_captured when captured. */
void payment_parse_charge(long http_status, const char *body, size_t len,
			  struct payment_result *out);
/* GET /v1/refunds?payment_intent=...: the list's refund made for our
 * refund_id (metadata[refund_id]), parsed as payment_parse_refund would;
 * PAYMENT_OK with id "" when the gateway knows of none. */
void payment_parse_refund_list(long http_status, const char *body, size_t len,
			       const char *refund_id, struct payment_result *out);
/* Is a refund answer the refund we asked for? Compares the amount, the
 * currency (case-insensitive) and the payment (the payment_intent or
 * charge named in the answer, when it names one) with what was sent.
 * Returns true when it is; else describes the first difference in why. */
bool payment_refund_matches(const struct payment_result *r, long long amount_minor,
			    const char *currency, const char *provider_ref, char *why,
			    size_t whylen);
/* Our own words for an answer, for logs and the outbox's last_error:
 * "HTTP 402 (card_error, card_declined)" from the status and the gateway's
 * error type and code, or our description of a malformed answer or of a
 * failed refund with its failure_reason; codes are kept only when they are
 * tokens ([A-Za-z0-9_.-]). Never the gateway's free-text message, which
 * may quote whatever it was sent. */
void payment_describe(const struct payment_result *r, char *out, size_t outlen);
/* Is this HTTP status one a retry can never fix? (400, 401, 402, 403, 404, ...) */
bool payment_status_is_fatal(long http_status);

/* application/x-www-form-urlencoded body for POST /v1/refunds. provider_ref
 * starting with "ch_" is sent as charge=, anything else as payment_intent=;
 * reason (requested_by_customer, duplicate, fraudulent; NULL or "": none),
 * metadata[refund_id] and metadata[order_no].
 * Returns a malloc'd string or NULL (out of memory). */
char *payment_refund_form(const char *provider_ref, long long amount_minor,
			  const char *refund_id, const char *order_no, const char *reason);
/* Percent-encodes s for a form body or a URL path segment into out
 * (NUL-terminated, truncated to outlen); returns the length needed. */
size_t payment_url_escape(const char *s, char *out, size_t outlen);
/* The Idempotency-Key header value: prefix ("oms-refund-", "oms-capture-")
 * + the key stored in the row, restricted to [A-Za-z0-9_-] (other bytes
 * are dropped), + "-g<generation>" when generation > 0 (a fresh key after
 * an unknown outcome). */
void payment_idempotency_key(const char *prefix, const char *db_key, int generation, char *out,
			     size_t outlen);

/* -- webhooks ----------------------------------------------------------------
 * The gateway signs each webhook: header Stripe-Signature:
 * t=TIMESTAMP,v1=HEX[,v1=HEX...], v1 being HMAC-SHA256 with the endpoint's
 * secret over "TIMESTAMP." followed by the raw body. */
enum payment_sig {
	PAYMENT_SIG_OK,
	PAYMENT_SIG_MISSING,     /* no header */
	PAYMENT_SIG_MALFORMED,   /* no t= or no v1= */
	PAYMENT_SIG_MISMATCH,    /* no v1 matches any secret */
	PAYMENT_SIG_STALE,       /* signed, but t is more than tolerance_s from now */
};
/* Checks every v1 signature against every secret (several while a secret
 * is rotated), each comparison in constant time; then the timestamp's
 * distance from now (seconds since the epoch). */
enum payment_sig payment_webhook_verify(const char *header, const char *body, size_t len,
					const char *const *secrets, int nsecrets, long long now,
					long tolerance_s);

#endif
