/* Mail templates: placeholders, CR/LF injection, and the whole message. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
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

static const struct mail_settings ms = { "shop@example.org", "Shop", "Test Shop", NULL };

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
	assert_int_equal(mail_build("order_cancelled", payload, strlen(payload), 77, &ms, 0, &m, &err),
			 OMS_OK);
	assert_string_equal(m.message_id, "<oms.outbox.77@example.org>");
	assert_string_equal(m.rcpt, "ada@example.com");
	assert_non_null(strstr(m.data, "\r\nMessage-ID: <oms.outbox.77@example.org>\r\n"));
	assert_non_null(strstr(m.data, "\r\nSubject: Your order 10000036 has been cancelled\r\n"));
	assert_non_null(strstr(m.data, "Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"));
	assert_non_null(strstr(m.data, "USD 25.00"));
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
	assert_int_equal(mail_build("order_cancelled", bad_to, strlen(bad_to), 1, &ms, 0, &m, &err),
			 OMS_INVALID);
	assert_int_equal(mail_build("nope", "{}", 2, 1, &ms, 0, &m, &err), OMS_INVALID);
	assert_int_equal(mail_build("order_cancelled", "[", 1, 1, &ms, 0, &m, &err), OMS_INVALID);
}

static void
test_money(void **state)
{
	char b[32];
	(void)state;
	mail_format_money(1250, "USD", b, sizeof b);
	assert_string_equal(b, "USD 12.50");
	mail_format_money(-5, "EUR", b, sizeof b);
	assert_string_equal(b, "EUR -0.05");
	mail_format_money(1234, "JPY", b, sizeof b);
	assert_string_equal(b, "JPY 1234");
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
