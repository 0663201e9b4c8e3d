/* The gateway answer parser: every refund status, error objects, garbage;
 * and the request side (form body, idempotency key). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "http/hmac.h"
#include "http/payment.h"

static void
parse(long status, const char *body, struct payment_result *r)
{
	payment_parse_refund(status, body, body ? strlen(body) : 0, r);
}

static void
test_statuses(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "pending", "pending" }, { "succeeded", "succeeded" }, { "failed", "failed" },
		{ "canceled", "canceled" }, { "requires_action", "pending" },
	};
	struct payment_result r;
	char body[256];
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(body, sizeof body,
			 "{\"id\":\"re_1\",\"object\":\"refund\",\"amount\":1250,\"currency\":\"usd\","
			 "\"status\":\"%s\"}", cases[i].in);
		parse(200, body, &r);
		assert_int_equal(r.outcome, PAYMENT_OK);
		assert_string_equal(r.status, cases[i].out);
		assert_string_equal(r.id, "re_1");
		assert_int_equal(r.amount, 1250);
	}
}

static void
test_failed_has_reason(void **state)
{
	struct payment_result r;
	(void)state;
	parse(200, "{\"id\":\"re_2\",\"object\":\"refund\",\"status\":\"failed\","
		   "\"failure_reason\":\"expired_or_canceled_card\"}", &r);
	assert_int_equal(r.outcome, PAYMENT_OK);
	assert_string_equal(r.failure_reason, "expired_or_canceled_card");
	assert_non_null(strstr(r.message, "expired_or_canceled_card"));
}

static void
test_error_objects(void **state)
{
	static const struct { long status; enum payment_outcome want; } cases[] = {
		{ 400, PAYMENT_FATAL }, { 401, PAYMENT_FATAL }, { 402, PAYMENT_FATAL },
		{ 403, PAYMENT_FATAL }, { 404, PAYMENT_FATAL }, { 409, PAYMENT_RETRY },
		{ 429, PAYMENT_RETRY }, { 500, PAYMENT_RETRY }, { 502, PAYMENT_RETRY },
		{ 503, PAYMENT_RETRY }, { 408, PAYMENT_RETRY },
	};
	struct payment_result r;
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		parse(cases[i].status, "{\"error\":{\"type\":\"card_error\",\"code\":\"card_declined\","
				       "\"message\":\"Your card was declined.\"}}", &r);
		assert_int_equal(r.outcome, cases[i].want);
		assert_string_equal(r.message, "Your card was declined.");
		assert_string_equal(r.error_type, "card_error");
		assert_string_equal(r.error_code, "card_declined");
	}
	parse(503, "<html>Service Unavailable</html>", &r);
	assert_int_equal(r.outcome, PAYMENT_RETRY);
	assert_non_null(strstr(r.message, "503"));
	parse(404, NULL, &r);
	assert_int_equal(r.outcome, PAYMENT_FATAL);
}

static void
test_garbage_retries(void **state)
{
	static const char *const bodies[] = {
		"", "{", "[]", "null", "\"succeeded\"", "{\"id\":\"re_1\"}",
		"{\"status\":\"succeeded\"}", "{\"id\":12,\"status\":\"succeeded\"}",
		"{\"id\":\"re_1\",\"status\":\"exploded\"}", "{\"id\":\"\",\"status\":\"succeeded\"}",
		"{\"id\":\"re_1\",\"status\":\"succeeded\",\"object\":\"charge\"}",
		"{\"id\":\"re_1\",\"status\":\"succeeded\",\"id\":\"re_2\"}",  /* duplicate key */
		"<html><body>ok</body></html>",
	};
	struct payment_result r;
	(void)state;
	for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		parse(200, bodies[i], &r);
		assert_int_equal(r.outcome, PAYMENT_RETRY);
		assert_true(r.message[0] != '\0');
	}
	payment_parse_refund(200, "\0\xff\xfe", 3, &r);
	assert_int_equal(r.outcome, PAYMENT_RETRY);
	parse(0, NULL, &r);                          /* no answer at all */
	assert_int_equal(r.outcome, PAYMENT_RETRY);
}

static void
test_message_is_one_line(void **state)
{
	struct payment_result r;
	(void)state;
	parse(400, "{\"error\":{\"message\":\"bad\\r\\nX-Injected: yes\"}}", &r);
	assert_null(strchr(r.message, '\n'));
	assert_null(strchr(r.message, '\r'));
}

static void
test_intent(void **state)
{
	struct payment_result r;
	const char *b = "{\"id\":\"pi_1\",\"object\":\"payment_intent\",\"status\":\"succeeded\","
			"\"amount\":2500,\"amount_received\":2500,\"currency\":\"usd\"}";
	(void)state;
	payment_parse_intent(200, b, strlen(b), &r);
	assert_int_equal(r.outcome, PAYMENT_OK);
	assert_string_equal(r.status, "succeeded");
	assert_int_equal(r.amount_received, 2500);
	assert_string_equal(r.currency, "usd");
	assert_string_equal(r.metadata_order_no, "");
	/* the shop's metadata[order_no] (BR-011: confirm_payment compares it) */
	b = "{\"id\":\"pi_2\",\"object\":\"payment_intent\",\"status\":\"succeeded\","
	    "\"amount\":1,\"metadata\":{\"order_no\":\"10000012\",\"x\":\"y\"}}";
	payment_parse_intent(200, b, strlen(b), &r);
	assert_int_equal(r.outcome, PAYMENT_OK);
	assert_string_equal(r.metadata_order_no, "10000012");
	/* hostile: not a string, not an object, control bytes, too long */
	b = "{\"id\":\"pi_3\",\"status\":\"succeeded\",\"metadata\":{\"order_no\":10000012}}";
	payment_parse_intent(200, b, strlen(b), &r);
	assert_string_equal(r.metadata_order_no, "");
	b = "{\"id\":\"pi_3\",\"status\":\"succeeded\",\"metadata\":\"order_no\"}";
	payment_parse_intent(200, b, strlen(b), &r);
	assert_int_equal(r.outcome, PAYMENT_OK);
	assert_string_equal(r.metadata_order_no, "");
	b = "{\"id\":\"pi_3\",\"status\":\"succeeded\",\"metadata\":{\"order_no\":\"1\\u001b[2J0000000000000000000000000000\"}}";
	payment_parse_intent(200, b, strlen(b), &r);
	assert_int_equal(strlen(r.metadata_order_no), sizeof r.metadata_order_no - 1);
	assert_null(strchr(r.metadata_order_no, 0x1b));
	b = "{\"id\":\"pi_1\",\"object\":\"refund\",\"status\":\"succeeded\"}";
	payment_parse_intent(200, b, strlen(b), &r);
	assert_int_equal(r.outcome, PAYMENT_RETRY);
}

static void
test_form_and_key(void **state)
{
	char key[80], *f;
	(void)state;
	f = payment_refund_form("pi_123", 1250, "42", NULL, NULL);
	assert_string_equal(f, "payment_intent=pi_123&amount=1250&metadata%5Brefund_id%5D=42");
	free(f);
	f = payment_refund_form("ch_9&x=1", 5, "7", "", "");
	assert_string_equal(f, "charge=ch_9%26x%3D1&amount=5&metadata%5Brefund_id%5D=7");
	free(f);
	/* issue 12: the gateway's reason word and our order number */
	f = payment_refund_form("pi_123", 1250, "42", "100017", "requested_by_customer");
	assert_string_equal(f, "payment_intent=pi_123&amount=1250&reason=requested_by_customer"
			       "&metadata%5Brefund_id%5D=42&metadata%5Border_no%5D=100017");
	free(f);
	payment_idempotency_key("oms-refund-", "1b4e28ba-2fa1-11d2-883f-0016d3cca427", 0, key, sizeof key);
	assert_string_equal(key, "oms-refund-1b4e28ba-2fa1-11d2-883f-0016d3cca427");
	payment_idempotency_key("oms-refund-", "a\r\nb: c", 0, key, sizeof key);
	assert_string_equal(key, "oms-refund-abc");
	/* a fresh key after an unknown outcome differs from every earlier one */
	payment_idempotency_key("oms-refund-", "abc", 2, key, sizeof key);
	assert_string_equal(key, "oms-refund-abc-g2");
	payment_idempotency_key("oms-capture-", "pi_1", 0, key, sizeof key);
	assert_string_equal(key, "oms-capture-pi_1");
}

/* GET /v1/charges/{id}: the charge's state in the payment intent's words. */
static void
test_charge(void **state)
{
	struct payment_result r;
	const char *b;
	(void)state;
	b = "{\"id\":\"ch_1\",\"object\":\"charge\",\"status\":\"succeeded\",\"captured\":true,"
	    "\"amount\":1000,\"amount_captured\":1000,\"currency\":\"usd\","
	    "\"metadata\":{\"order_no\":\"100017\"}}";
	payment_parse_charge(200, b, strlen(b), &r);
	assert_int_equal(r.outcome, PAYMENT_OK);
	assert_string_equal(r.status, "succeeded");
	assert_int_equal(r.amount_received, 1000);
	assert_string_equal(r.currency, "usd");
	assert_string_equal(r.metadata_order_no, "100017");
	b = "{\"id\":\"ch_1\",\"object\":\"charge\",\"status\":\"succeeded\",\"captured\":false,"
	    "\"amount\":1000,\"amount_captured\":0,\"currency\":\"usd\"}";
	payment_parse_charge(200, b, strlen(b), &r);
	assert_string_equal(r.status, "requires_capture");
	b = "{\"id\":\"ch_1\",\"object\":\"charge\",\"status\":\"pending\",\"amount\":1000}";
	payment_parse_charge(200, b, strlen(b), &r);
	assert_string_equal(r.status, "processing");
	b = "{\"id\":\"ch_1\",\"object\":\"charge\",\"status\":\"failed\",\"amount\":1000}";
	payment_parse_charge(200, b, strlen(b), &r);
	assert_string_equal(r.status, "failed");
	b = "{\"id\":\"pi_1\",\"object\":\"payment_intent\",\"status\":\"succeeded\"}";
	payment_parse_charge(200, b, strlen(b), &r);
	assert_int_equal(r.outcome, PAYMENT_RETRY);      /* not a charge */
}

/* The refund answer is checked against what was sent. */
static void
test_refund_matches(void **state)
{
	struct payment_result r;
	char why[200];
	const char *b = "{\"id\":\"re_1\",\"object\":\"refund\",\"status\":\"succeeded\","
			"\"amount\":10800,\"currency\":\"usd\",\"payment_intent\":\"pi_9\","
			"\"metadata\":{\"refund_id\":\"5\"}}";
	(void)state;
	payment_parse_refund(200, b, strlen(b), &r);
	assert_string_equal(r.metadata_refund_id, "5");
	assert_true(payment_refund_matches(&r, 10800, "USD", "pi_9", why, sizeof why));
	assert_false(payment_refund_matches(&r, 108, "USD", "pi_9", why, sizeof why));
	assert_non_null(strstr(why, "10800"));
	assert_false(payment_refund_matches(&r, 10800, "EUR", "pi_9", why, sizeof why));
	assert_non_null(strstr(why, "EUR"));
	assert_false(payment_refund_matches(&r, 10800, "USD", "pi_other", why, sizeof why));
	b = "{\"id\":\"re_1\",\"object\":\"refund\",\"status\":\"succeeded\","
	    "\"amount\":1,\"currency\":\"eur\",\"payment_intent\":\"pi_9\"}";
	payment_parse_refund(200, b, strlen(b), &r);
	assert_false(payment_refund_matches(&r, 10800, "USD", "pi_9", why, sizeof why));
}

/* After an unknown outcome: the list of the intent's refunds, ours found
 * by metadata[refund_id], or none. */
static void
test_refund_list(void **state)
{
	struct payment_result r;
	const char *b = "{\"object\":\"list\",\"has_more\":false,\"data\":["
			"{\"id\":\"re_a\",\"object\":\"refund\",\"status\":\"succeeded\",\"amount\":5,"
			"\"currency\":\"usd\",\"metadata\":{\"refund_id\":\"4\"}},"
			"{\"id\":\"re_b\",\"object\":\"refund\",\"status\":\"pending\",\"amount\":7,"
			"\"currency\":\"usd\",\"metadata\":{\"refund_id\":\"5\"}}]}";
	(void)state;
	payment_parse_refund_list(200, b, strlen(b), "5", &r);
	assert_int_equal(r.outcome, PAYMENT_OK);
	assert_string_equal(r.id, "re_b");
	assert_string_equal(r.status, "pending");
	assert_int_equal(r.amount, 7);
	payment_parse_refund_list(200, b, strlen(b), "6", &r);
	assert_int_equal(r.outcome, PAYMENT_OK);
	assert_string_equal(r.id, "");
	payment_parse_refund_list(200, "{\"object\":\"list\"}", 17, "6", &r);
	assert_int_equal(r.outcome, PAYMENT_RETRY);
}

/* HMAC-SHA256 (RFC 4231 test case 2) and the Stripe-Signature check. */
static void
hex32(const unsigned char *d, char *out)
{
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void
test_webhook_signature(void **state)
{
	unsigned char mac[32];
	char hex[65], hdr[256];
	const char *body = "{\"id\":\"evt_1\",\"type\":\"payment_intent.succeeded\"}";
	const char *secrets[2] = { "whsec_old", "whsec_new" };
	(void)state;
	hmac_sha256("Jefe", 4, "what do ya want ", 16, "for nothing?", 12, mac);
	hex32(mac, hex);
	assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");

	hmac_sha256("whsec_new", 9, "1700000000.", 11, body, strlen(body), mac);
	hex32(mac, hex);
	snprintf(hdr, sizeof hdr, "t=1700000000,v1=%s", hex);
	assert_int_equal(payment_webhook_verify(hdr, body, strlen(body), secrets, 2, 1700000100, 300),
			 PAYMENT_SIG_OK);
	/* several v1 while a secret is rotated: any one matching will do */
	snprintf(hdr, sizeof hdr, "t=1700000000,v1=%064d,v1=%s,v0=abc", 0, hex);
	assert_int_equal(payment_webhook_verify(hdr, body, strlen(body), secrets, 2, 1700000100, 300),
			 PAYMENT_SIG_OK);
	/* the old secret alone does not sign it */
	assert_int_equal(payment_webhook_verify(hdr, body, strlen(body), secrets, 1, 1700000100, 300),
			 PAYMENT_SIG_MISMATCH);
	/* a body changed by one byte */
	assert_int_equal(payment_webhook_verify(hdr, "{\"id\":\"evt_2\",\"type\":\"payment_intent.succeeded\"}",
						strlen(body), secrets, 2, 1700000100, 300),
			 PAYMENT_SIG_MISMATCH);
	/* replayed after the tolerance (5 minutes), or from the future */
	assert_int_equal(payment_webhook_verify(hdr, body, strlen(body), secrets, 2, 1700000301, 300),
			 PAYMENT_SIG_STALE);
	assert_int_equal(payment_webhook_verify(hdr, body, strlen(body), secrets, 2, 1699999600, 300),
			 PAYMENT_SIG_STALE);
	/* another timestamp than the one signed */
	snprintf(hdr, sizeof hdr, "t=1700000001,v1=%s", hex);
	assert_int_equal(payment_webhook_verify(hdr, body, strlen(body), secrets, 2, 1700000100, 300),
			 PAYMENT_SIG_MISMATCH);
	assert_int_equal(payment_webhook_verify("", body, strlen(body), secrets, 2, 1700000100, 300),
			 PAYMENT_SIG_MISSING);
	assert_int_equal(payment_webhook_verify("v1=abc", body, strlen(body), secrets, 2, 1700000100, 300),
			 PAYMENT_SIG_MALFORMED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_statuses),
		cmocka_unit_test(test_failed_has_reason),
		cmocka_unit_test(test_error_objects),
		cmocka_unit_test(test_garbage_retries),
		cmocka_unit_test(test_message_is_one_line),
		cmocka_unit_test(test_intent),
		cmocka_unit_test(test_form_and_key),
		cmocka_unit_test(test_charge),
		cmocka_unit_test(test_refund_matches),
		cmocka_unit_test(test_refund_list),
		cmocka_unit_test(test_webhook_signature),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
