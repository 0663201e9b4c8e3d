/* Mail templates: placeholders, CR/LF injection, and the whole message. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "http/mail.h"
#include "http/template.h"

struct kv {
	const char *k, *v;
	bool block;
};

static bool
lookup(const char *key, struct template_value *out, void *arg)
{
	for (const struct kv *p = arg; p->k; p++) {
		if (strcmp(p->k, key) == 0) {
			out->s = p->v;
			out->block = p->block;
			return true;
		}
	}
	return false;
}

static char *
render(const char *t, const struct kv *vals, bool header, unsigned *missing)
{
	return template_render(t, strlen(t), lookup, (void *)vals, header, missing, NULL);
}

static void
test_placeholders(void **state)
{
	const struct kv v[] = { { "name", "Ada", false }, { "order_no", "10000036", false }, { NULL, NULL, false } };
	unsigned missing;
	char *s;
	(void)state;
	s = render("Hi {{name}}, order {{ order_no }} / {{nope}} {{bad key}} {{", v, false, &missing);
	assert_string_equal(s, "Hi Ada, order 10000036 /  {{bad key}} {{");
	assert_int_equal(missing, 1);
	free(s);
	s = render("", v, false, NULL);
	assert_string_equal(s, "");
	free(s);
}

static void
test_crlf_injection(void **state)
{
	const struct kv v[] = {
		{ "name", "Bob\r\nBcc: everyone@example.com\r\n\r\nbody", false },
		{ "lines", "  1 x mug\n  2 x cup\r\n", true },
		{ NULL, NULL, false },
	};
	char *s;
	(void)state;
	s = render("Subject: hello {{name}} {{lines}}", v, true, NULL);
	assert_null(strchr(s, '\r'));
	assert_null(strchr(s, '\n'));
	free(s);
	s = render("Dear {{name}}\n{{lines}}", v, false, NULL);
	/* a plain value never brings a line break; a block keeps its LFs only */
	assert_string_equal(s, "Dear Bob  Bcc: everyone@example.com    body\n  1 x mug\n  2 x cup\n");
	free(s);
}

static void
test_every_template_renders(void **state)
{
	size_t n;
	const struct mail_template *t = template_all(&n);
	const struct kv none[] = { { NULL, NULL, false } };
	(void)state;
	assert_true(n >= 10);
	for (size_t i = 0; i < n; i++) {
		char *s = render(t[i].subject, none, true, NULL);
		assert_non_null(s);
		assert_null(strchr(s, '\n'));
		free(s);
		assert_ptr_equal(template_find(t[i].name), &t[i]);
	}
	assert_non_null(template_find("order_cancelled"));
	assert_null(template_find("no_such_template"));
}

static const struct mail_settings ms = { "shop@example.org", "Shop", "Test Shop", NULL, "", "", false };

static const struct mail_context mc77 = { 77, NULL, false, -1, 0 };
static const struct mail_context mc1 = { 1, NULL, false, -1, 0 };

static void
test_message(void **state)
{
	const char *payload =
		"{\"template\":\"order_cancelled\",\"order_no\":10000036,\"to\":\"ada@example.com\","
		"\"customer_name\":\"Ada\\r\\nBcc: x@evil.example\",\"currency\":\"USD\","
		"\"refund_amount_minor\":2500,\"reason_label\":\"Customer request\","
		"\"lines\":[{\"name\":\"Blue\\nmug\",\"qty\":2,\"line_total_minor\":2500}]}";
	struct mail_message m;
	struct oms_error err = { 0 };
	(void)state;
	assert_int_equal(mail_build("order_cancelled", payload, strlen(payload), &mc77, &ms, &m, &err),
			 OMS_OK);
	assert_string_equal(m.message_id, "<oms.outbox.77@example.org>");
	assert_string_equal(m.rcpt, "ada@example.com");
	assert_non_null(strstr(m.data, "\r\nMessage-ID: <oms.outbox.77@example.org>\r\n"));
	assert_non_null(strstr(m.data, "\r\nSubject: Your order 10000036 has been cancelled\r\n"));
	assert_non_null(strstr(m.data, "Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"));
	assert_non_null(strstr(m.data, "$25.00"));
	assert_non_null(strstr(m.data, "2 x Blue mug"));
	/* the injected header stays inside the body text */
	assert_null(strstr(m.data, "\r\nBcc:"));
	assert_null(strstr(m.data, "\nBcc:"));
	/* every line ends in CRLF */
	for (const char *p = m.data; (p = strchr(p, '\n')) != NULL; p++)
		assert_true(p > m.data && p[-1] == '\r');
	mail_message_free(&m);
}

static void
test_message_refusals(void **state)
{
	struct mail_message m;
	struct oms_error err = { 0 };
	const char *bad_to = "{\"to\":\"a@b.c>\\r\\nRCPT TO:<x@y.z\",\"order_no\":1}";
	(void)state;
	assert_int_equal(mail_build("order_cancelled", bad_to, strlen(bad_to), &mc1, &ms, &m, &err),
			 OMS_INVALID);
	assert_int_equal(mail_build("nope", "{}", 2, &mc1, &ms, &m, &err), OMS_INVALID);
	assert_int_equal(mail_build("order_cancelled", "[", 1, &mc1, &ms, &m, &err), OMS_INVALID);
}

/* The body of event's mail for an order in currency: total 123456 minor
 * units, one line of 2 x 61728, a refund of 1000 (malloc'd, CRLF). */
static char *
money_mail(const char *event, const char *currency)
{
	char payload[512];
	struct mail_message m;
	struct oms_error err = { 0 };
	char *body;

	snprintf(payload, sizeof payload,
		 "{\"order_no\":10000036,\"to\":\"ada@example.com\",\"currency\":\"%s\","
		 "\"total_minor\":123456,\"refund_amount_minor\":1000,"
		 "\"lines\":[{\"name\":\"Blue mug\",\"qty\":2,\"line_total_minor\":123456},"
		 "{\"name\":\"Huge\",\"qty\":4,\"unit_price_minor\":4611686018427387904}]}",
		 currency);
	assert_int_equal(mail_build(event, payload, strlen(payload), &mc1, &ms, &m, &err), OMS_OK);
	body = strdup(m.data);
	mail_message_free(&m);
	assert_non_null(body);
	return body;
}

/* The mail writes money as the screen and the CLI do (money_format): the
 * currency's exponent (0, 2, 3), grouping, "$" for USD, the code after
 * other amounts. The worker's own formatter wrote 123456 KWD as
 * "KWD 1234.56". */
static void
test_money(void **state)
{
	static const struct {
		const char *cur, *total, *refund;
	} cases[] = {
		{ "KWD", "Total: 123.456 KWD\r\n", "1.000 KWD" },
		{ "JPY", "Total: 123,456 JPY\r\n", "1,000 JPY" },
		{ "USD", "Total: $1,234.56\r\n", "$10.00" },
		{ "BHD", "Total: 123.456 BHD\r\n", "1.000 BHD" },
		{ "EUR", "Total: 1,234.56 EUR\r\n", "10.00 EUR" },
		{ "XYZ", "Total: 1,234.56 XYZ\r\n", "10.00 XYZ" },  /* unknown: exponent 2 */
		{ "K\\r\\nWD", "Total: 1,234.56 ???\r\n", "10.00 ???" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *confirmed = money_mail("order_confirmed", cases[i].cur);
		char *refunded = money_mail("refund_succeeded", cases[i].cur);
		char line[64];

		assert_non_null(strstr(confirmed, cases[i].total));
		/* the order lines block: "  2 x Blue mug   <total>" */
		snprintf(line, sizeof line, "  2 x Blue mug   %s\r\n", cases[i].total + strlen("Total: "));
		*strstr(line, "\r\n") = '\0';
		assert_non_null(strstr(confirmed, line));
		/* a line whose unit price times quantity overflows is left out */
		assert_null(strstr(confirmed, "Huge"));
		assert_non_null(strstr(refunded, cases[i].refund));
		free(confirmed);
		free(refunded);
	}
}

/* The confirmation mail gives the estimated delivery when the job carries
 * one (confirm_payment puts oms.order_estimate's date in the payload), and
 * says nothing about it when it does not (issue 11). */
static char *
confirmed_mail(const char *extra)
{
	char payload[512];
	struct mail_message m;
	struct oms_error err = { 0 };
	char *body;

	snprintf(payload, sizeof payload,
		 "{\"template\":\"order_confirmed\",\"order_no\":10000036,\"to\":\"ada@example.com\","
		 "\"currency\":\"USD\",\"total_minor\":2500%s,"
		 "\"lines\":[{\"name\":\"Blue mug\",\"qty\":1,\"line_total_minor\":2500}]}", extra);
	assert_int_equal(mail_build("order_confirmed", payload, strlen(payload), &mc1, &ms, &m, &err), OMS_OK);
	body = strdup(m.data);
	mail_message_free(&m);
	assert_non_null(body);
	return body;
}

static void
test_confirmed_estimate(void **state)
{
	char *with = confirmed_mail(",\"estimated_delivery\":\"2026-12-24\"");
	char *without = confirmed_mail("");
	char *empty = confirmed_mail(",\"estimated_delivery\":null");
	(void)state;
	/* after the total, a paragraph of its own, before "We will write" */
	assert_non_null(strstr(with, "Total: $25.00\r\n\r\nEstimated delivery: 2026-12-24\r\n\r\n"
				     "We will write again when it ships.\r\n"));
	assert_null(strstr(without, "delivery"));
	assert_non_null(strstr(without, "Total: $25.00\r\n\r\nWe will write again when it ships.\r\n"));
	assert_null(strstr(empty, "delivery"));
	free(with);
	free(without);
	free(empty);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_placeholders),
		cmocka_unit_test(test_crlf_injection),
		cmocka_unit_test(test_every_template_renders),
		cmocka_unit_test(test_message),
		cmocka_unit_test(test_message_refusals),
		cmocka_unit_test(test_money),
		cmocka_unit_test(test_confirmed_estimate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
