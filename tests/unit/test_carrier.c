/* The carrier aggregator client's pure parts (src/http/carrier.c, issue
 * 11): SHA-256 and HMAC-SHA256 against the published test vectors, the
 * webhook signature check (two secrets while rotating, malformed and
 * missing headers), and the Tracker parser. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "http/hmac.h"
#include "http/carrier.h"

static void
hex(const unsigned char *d, char out[65])
{
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void
test_sha256(void **state)
{
	unsigned char d[32];
	char h[65];
	char million[1000];
	(void)state;

	sha256_digest("abc", 3, d);
	hex(d, h);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_digest("", 0, d);
	hex(d, h);
	assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, d);
	hex(d, h);
	assert_string_equal(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* 1000 'a': crosses many blocks */
	memset(million, 'a', sizeof million);
	sha256_digest(million, sizeof million, d);
	hex(d, h);
	assert_string_equal(h, "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
}

static void
test_hmac(void **state)
{
	unsigned char d[32], key[131];
	char h[65];
	(void)state;

	/* RFC 4231 test case 2 */
	hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, NULL, 0, d);
	hex(d, h);
	assert_string_equal(h, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	/* RFC 4231 test case 6: a key longer than the block */
	memset(key, 0xaa, sizeof key);
	hmac_sha256(key, sizeof key, "Test Using Larger Than Block-Size Key - Hash Key First", 54, NULL, 0, d);
	hex(d, h);
	assert_string_equal(h, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

static void
sig_of(const char *secret, const char *body, char out[100])
{
	unsigned char d[32];
	char h[65];

	hmac_sha256(secret, strlen(secret), body, strlen(body), NULL, 0, d);
	hex(d, h);
	snprintf(out, 100, "hmac-sha256-hex=%s", h);
}

static void
test_verify(void **state)
{
	const char *body = "{\"id\":\"evt_1\",\"description\":\"tracker.updated\"}";
	const char *both[] = { "whsec_old", "whsec_new" }, *one[] = { "whsec_new" }, *none[] = { "" };
	char sig[100], upper[100];
	(void)state;

	sig_of("whsec_old", body, sig);
	assert_int_equal(carrier_webhook_verify(sig, body, strlen(body), both, 2), CARRIER_SIG_OK);
	assert_int_equal(carrier_webhook_verify(sig, body, strlen(body), one, 1), CARRIER_SIG_MISMATCH);
	assert_int_equal(carrier_webhook_verify(sig, body, strlen(body) - 1, both, 2), CARRIER_SIG_MISMATCH);
	assert_int_equal(carrier_webhook_verify(sig, body, strlen(body), none, 1), CARRIER_SIG_MISMATCH);
	assert_int_equal(carrier_webhook_verify(sig, body, strlen(body), both, 0), CARRIER_SIG_MISMATCH);
	sig_of("whsec_new", body, sig);
	assert_int_equal(carrier_webhook_verify(sig, body, strlen(body), both, 2), CARRIER_SIG_OK);
	/* hex digits in either case */
	snprintf(upper, sizeof upper, "hmac-sha256-hex=");
	for (size_t i = 16; sig[i]; i++)
		upper[i] = (char)(sig[i] >= 'a' && sig[i] <= 'f' ? sig[i] - 32 : sig[i]);
	upper[strlen(sig)] = '\0';
	assert_int_equal(carrier_webhook_verify(upper, body, strlen(body), both, 2), CARRIER_SIG_OK);
	assert_int_equal(carrier_webhook_verify(NULL, body, strlen(body), both, 2), CARRIER_SIG_MISSING);
	assert_int_equal(carrier_webhook_verify("", body, strlen(body), both, 2), CARRIER_SIG_MALFORMED);
	assert_int_equal(carrier_webhook_verify(sig + 16, body, strlen(body), both, 2), CARRIER_SIG_MALFORMED);
	sig[20] = 'g';
	assert_int_equal(carrier_webhook_verify(sig, body, strlen(body), both, 2), CARRIER_SIG_MALFORMED);
	sig[20] = '\0';
	assert_int_equal(carrier_webhook_verify(sig, body, strlen(body), both, 2), CARRIER_SIG_MALFORMED);
}

static void
test_parse(void **state)
{
	struct carrier_tracker t;
	struct oms_error err = { 0 };
	const char *good = "{\"id\":\"trk_1\",\"object\":\"Tracker\",\"tracking_code\":\"1Z999AA10123456784\","
			   "\"status\":\"in_transit\",\"tracking_details\":[{\"status\":\"pre_transit\"},{}]}";
	(void)state;

	assert_int_equal(carrier_tracker_parse(good, strlen(good), &t, &err), OMS_OK);
	assert_string_equal(t.id, "trk_1");
	assert_string_equal(t.tracking_code, "1Z999AA10123456784");
	assert_string_equal(t.status, "in_transit");
	assert_int_equal(t.scans, 2);
#define BAD(s) assert_int_equal(carrier_tracker_parse(s, strlen(s), &t, &err), OMS_INVALID)
	BAD("");
	BAD("<html>502</html>");
	BAD("[]");
	BAD("{\"id\":\"shp_1\",\"object\":\"Shipment\",\"status\":\"delivered\"}");
	BAD("{\"id\":\"trk_1\",\"status\":\"teleported\"}");
	BAD("{\"id\":\"trk 1\",\"status\":\"delivered\"}");
	BAD("{\"id\":\"\",\"status\":\"delivered\"}");
	BAD("{\"status\":\"delivered\"}");
	BAD("{\"id\":\"trk_1\",\"status\":\"delivered\",\"tracking_details\":{}}");
	BAD("{\"id\":\"trk_1\",\"status\":\"delivered\",\"tracking_code\":\"a/../b\"}");
	BAD("{\"id\":\"trk_1\",\"id\":\"trk_2\",\"status\":\"delivered\"}");
	assert_null(strstr(err.msg, "trk_"));       /* never echoes the body */
	assert_true(carrier_status_known("return_to_sender"));
	assert_false(carrier_status_known("Delivered"));
	assert_false(carrier_id_ok("a b"));
	assert_false(carrier_id_ok(""));
	assert_true(carrier_id_ok("1Z999AA10123456784"));
}

static void
test_form(void **state)
{
	char *f = carrier_tracker_form("1Z999AA10123456784", "UPS");
	(void)state;

	assert_non_null(f);
	assert_string_equal(f, "tracker%5Btracking_code%5D=1Z999AA10123456784&tracker%5Bcarrier%5D=UPS");
	free(f);
	assert_null(carrier_tracker_form("1Z 999", "UPS"));
	assert_null(carrier_tracker_form("1Z999", "UPS&x=1"));
}

static void
test_labels(void **state)
{
	struct carrier_rate r[CARRIER_MAX_RATES];
	struct oms_error err = { 0 };
	char shp[72], trk[48], url[256];
	int n;
	const char *body = "{\"id\":\"shp_1\",\"rates\":["
		"{\"id\":\"rate_a\",\"carrier\":\"UPS\",\"service\":\"Ground\",\"rate\":\"7.85\",\"currency\":\"USD\",\"delivery_days\":3},"
		"{\"id\":\"rate_b\",\"carrier\":\"UPS\",\"service\":\"NextDayAir\",\"rate\":\"32.1\",\"currency\":\"USD\",\"delivery_days\":1},"
		"{\"id\":\"rate_c\",\"carrier\":\"USPS\",\"service\":\"Priority\",\"rate\":\"7.85\",\"currency\":\"USD\",\"delivery_days\":2},"
		"{\"id\":\"rate_d\",\"carrier\":\"USPS\",\"service\":\"Express\",\"rate\":\"5.00\",\"currency\":\"USD\",\"delivery_days\":null},"
		"{\"id\":\"rate bad\",\"carrier\":\"X\",\"service\":\"Y\",\"rate\":\"1.00\",\"currency\":\"USD\"},"
		"{\"id\":\"rate_e\",\"carrier\":\"X\",\"service\":\"Y\",\"rate\":\"1.005\",\"currency\":\"USD\"}]}";
	char *form;
	(void)state;

	assert_int_equal(carrier_rates_parse(body, strlen(body), shp, sizeof shp, r, CARRIER_MAX_RATES, &n, &err), OMS_OK);
	assert_string_equal(shp, "shp_1");
	assert_int_equal(n, 4);                        /* the bad id and the third decimal are dropped */
	assert_int_equal(r[1].amount_minor, 3210);
	assert_int_equal(r[3].delivery_days, -1);
	assert_string_equal(r[carrier_rate_pick(r, n, false)].id, "rate_d");   /* cheapest */
	assert_string_equal(r[carrier_rate_pick(r, n, true)].id, "rate_b");    /* fastest */
	assert_string_equal(r[carrier_rate_pick(r, 3, false)].id, "rate_c");   /* a tie: the faster */
	assert_int_equal(carrier_rate_pick(r, 0, false), -1);
	body = "{\"id\":\"shp_1\",\"rates\":[]}";
	assert_int_equal(carrier_rates_parse(body, strlen(body), shp, sizeof shp, r, 4, &n, &err), OMS_INVALID);
	body = "{\"tracking_code\":\"1ZX\",\"postage_label\":{\"label_url\":\"https://l.example/1.pdf\"}}";
	assert_int_equal(carrier_bought_parse(body, strlen(body), trk, sizeof trk, url, sizeof url, &err), OMS_OK);
	assert_string_equal(trk, "1ZX");
	assert_string_equal(url, "https://l.example/1.pdf");
	body = "{\"tracking_code\":\"1ZX\",\"postage_label\":{\"label_url\":\"javascript:x\"}}";
	assert_int_equal(carrier_bought_parse(body, strlen(body), trk, sizeof trk, url, sizeof url, &err), OMS_INVALID);
	form = carrier_shipment_form("{\"name\":\"Zo\u00eb \u00c5\",\"line1\":\"1 Main St\",\"postal_code\":\"62701\",\"country\":\"US\"}",
				     "Seller & Co", "2 Dock Rd", "Memphis", "38118", "US", 28.2);
	assert_non_null(form);
	assert_non_null(strstr(form, "shipment%5Bto_address%5D%5Bname%5D=Zo%C3%AB%20%C3%85"));
	assert_non_null(strstr(form, "shipment%5Bfrom_address%5D%5Bcompany%5D=Seller%20%26%20Co"));
	assert_non_null(strstr(form, "shipment%5Bparcel%5D%5Bweight%5D=28.2"));
	free(form);
	assert_null(carrier_shipment_form("[1]", "S", NULL, NULL, NULL, "US", 1));
}

/* carrier_label_form: from oms_api.label_request's JSON the outbound form
 * (to the customer, from the seller); from return_label_request's the
 * return form, the addresses swapped (from the customer, to the seller). */
static void
test_label_form(void **state)
{
	const char *out = "{\"to_address\":{\"name\":\"Alex\",\"line1\":\"1 Main St\",\"postal_code\":\"62701\","
			  "\"country\":\"US\"},\"from_name\":\"Seller A\",\"weight_oz\":28.2}";
	const char *ret = "{\"from_address\":{\"name\":\"Alex\",\"line1\":\"1 Main St\",\"postal_code\":\"62701\","
			  "\"country\":\"US\"},\"to_name\":\"Seller A\",\"weight_oz\":28.2}";
	char *form;

	(void)state;
	form = carrier_label_form(out, false, "2 Dock Rd", "Memphis", "38118", "US");
	assert_non_null(form);
	assert_non_null(strstr(form, "shipment%5Bto_address%5D%5Bzip%5D=62701"));
	assert_non_null(strstr(form, "shipment%5Bfrom_address%5D%5Bzip%5D=38118"));
	assert_non_null(strstr(form, "shipment%5Bfrom_address%5D%5Bcompany%5D=Seller%20A"));
	assert_null(strstr(form, "shipment%5Bto_address%5D%5Bzip%5D=38118"));
	free(form);
	form = carrier_label_form(ret, true, "2 Dock Rd", "Memphis", "38118", "US");
	assert_non_null(form);
	assert_non_null(strstr(form, "shipment%5Bfrom_address%5D%5Bzip%5D=62701"));
	assert_non_null(strstr(form, "shipment%5Bfrom_address%5D%5Bname%5D=Alex"));
	assert_non_null(strstr(form, "shipment%5Bto_address%5D%5Bzip%5D=38118"));
	assert_non_null(strstr(form, "shipment%5Bto_address%5D%5Bcompany%5D=Seller%20A"));
	assert_non_null(strstr(form, "shipment%5Bparcel%5D%5Bweight%5D=28.2"));
	assert_null(strstr(form, "shipment%5Bto_address%5D%5Bzip%5D=62701"));
	free(form);
	/* a return request read as an outbound one has no address: no form */
	assert_null(carrier_label_form(ret, false, "2 Dock Rd", "Memphis", "38118", "US"));
	assert_null(carrier_label_form("not json", true, NULL, NULL, NULL, "US"));
}

/* oms_api.label_request's levels: the order's own, what each of ours is
 * called at the aggregator; hostile requests read as saying nothing. */
static void
test_levels(void **state)
{
	static struct carrier_levels lv;
	struct carrier_rate ground = { "rate_1", "UPS", "Ground", 785, "USD", 3 };
	struct carrier_rate prio = { "rate_2", "USPS", "Priority", 990, "USD", 2 };
	char big[16384], *lb;
	size_t o;

	(void)state;
	carrier_levels_parse("{\"service_level\": \"express\", \"services\": ["
			     "{\"carrier\": \"UPS\", \"service\": \"Ground\", \"level\": \"ground\"},"
			     "{\"carrier\": \"UPS\", \"service\": \"Ground\", \"level\": \"economy\"},"
			     "{\"carrier\": \"USPS\", \"service\": \"Priority\", \"level\": \"express\"},"
			     "{\"carrier\": 7, \"service\": \"X\", \"level\": \"express\"}]}", &lv);
	assert_string_equal(lv.order_level, "express");
	assert_int_equal(lv.n, 3);
	assert_true(carrier_level_offered(&lv, "economy"));
	assert_false(carrier_level_offered(&lv, "overnight"));
	assert_false(carrier_level_offered(&lv, NULL));
	assert_true(carrier_rate_is_level(&lv, &ground, "ground"));
	assert_true(carrier_rate_is_level(&lv, &ground, "economy"));
	assert_false(carrier_rate_is_level(&lv, &ground, lv.order_level));
	assert_true(carrier_rate_is_level(&lv, &prio, lv.order_level));
	assert_false(carrier_rate_is_level(&lv, &prio, ""));
	/* the label recorded at a level, or left to the database */
	lb = carrier_label_json("shp_1", &ground, "1Z1", "https://l.example/1.pdf", "economy");
	assert_non_null(strstr(lb, "\"service_level\":\"economy\""));
	free(lb);
	lb = carrier_label_json("shp_1", &ground, "1Z1", "https://l.example/1.pdf", NULL);
	assert_null(strstr(lb, "service_level"));
	free(lb);
	/* not JSON, wrong types, no request: nothing */
	carrier_levels_parse("not json", &lv);
	assert_string_equal(lv.order_level, "");
	assert_int_equal(lv.n, 0);
	carrier_levels_parse("{\"service_level\": 3, \"services\": {\"level\": \"ground\"}}", &lv);
	assert_string_equal(lv.order_level, "");
	assert_int_equal(lv.n, 0);
	carrier_levels_parse(NULL, &lv);
	assert_int_equal(lv.n, 0);
	/* more services than kept: the first CARRIER_MAX_SERVICES */
	o = (size_t)snprintf(big, sizeof big, "{\"services\": [");
	for (int i = 0; i < CARRIER_MAX_SERVICES + 10; i++)
		o += (size_t)snprintf(big + o, sizeof big - o, "%s{\"carrier\": \"C%d\", \"service\": \"S\", \"level\": \"ground\"}",
				      i ? "," : "", i);
	snprintf(big + o, sizeof big - o, "]}");
	carrier_levels_parse(big, &lv);
	assert_int_equal(lv.n, CARRIER_MAX_SERVICES);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256), cmocka_unit_test(test_hmac), cmocka_unit_test(test_verify),
		cmocka_unit_test(test_parse), cmocka_unit_test(test_form), cmocka_unit_test(test_labels),
		cmocka_unit_test(test_label_form), cmocka_unit_test(test_levels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
