/* Mail as standards and readers want it (issue 12): never cut inside a
 * UTF-8 character, quoted-printable bodies, RFC 2047 words of at most 75
 * characters, a multipart/alternative HTML part, Reply-To and a bounce
 * address, Message-IDs with the database's key, SMTPUTF8, and what the
 * cancellation and shipping mails say. Every template, rendered for every
 * event with the demo's hardest names, is read by tests/fakes/mail_lint.py
 * (Python's email package, policy.strict) with zero defects. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "http/mail.h"
#include "http/mime.h"
#include "http/template.h"

/* The demo's names (sql/demo/00_setup.sql, 10_catalog.sql, 20_customers.sql)
 * and harder ones. */
static const char *const names[] = {
	"Zoë Ångström-Nakamura", "José Müller", "Soy Candle — Fig & Cedar",
	"Linen Cushion Cover 45×45 cm", "Jute Area Rug 120×180 cm", "Kōbō Ceramics",
	"Café Olé Coffee", "Maison Lumière", "Małgorzata Østergaard", "Nguyễn Dvořák",
	"Siobhán Yılmaz", "Große grüne Teekanne aus Steingut, handgemacht, Ø 18 cm",
	"東京の陶器 マグカップ 大 青い釉薬 手作り", "🎁 Gift wrap ✨ 🎄🎄🎄",
	"e\xcc\x81le\xcc\x80ve combining", "<script>alert('x')</script> & \"quotes\"",
	"Bob\r\nBcc: everyone@example.com", "=?UTF-8?B?Zm9v?= not a word",
	"From the start", ".dot at start",
};

static bool
valid_utf8(const char *s, size_t n)
{
	size_t i = 0;
	int cp;

	while (i < n) {
		int len = utf8_decode(s + i, n - i, &cp);
		if (cp < 0)
			return false;
		i += (size_t)len;
	}
	return true;
}

/* A name of 600 characters, "ë" each (two bytes). */
static char *
long_name(void)
{
	char *s = malloc(1201);

	assert_non_null(s);
	for (int i = 0; i < 600; i++)
		memcpy(s + 2 * i, "\xc3\xab", 2);
	s[1200] = '\0';
	return s;
}

static void
test_cut(void **state)
{
	char *big = long_name();
	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		for (int w = 1; w <= 70; w++) {
			struct mime_buf b = { 0 };
			mime_cut(&b, names[i], w);
			assert_false(b.failed);
			assert_true(valid_utf8(b.p, b.len));
			assert_true(mime_width(b.p) <= w);
			assert_null(strpbrk(b.p, "\r\n"));
			free(b.p);
		}
	}
	/* 120 bytes of the 600-character name used to end in half an "ë" */
	struct mime_buf b = { 0 };
	mime_cut(&b, big, MAIL_NAME_COLUMNS);
	assert_true(valid_utf8(b.p, b.len));
	assert_int_equal(mime_width(b.p), MAIL_NAME_COLUMNS);
	assert_string_equal(b.p + b.len - 3, "\xe2\x80\xa6");
	free(b.p);
	/* wide characters count two columns */
	assert_int_equal(mime_width("東京"), 4);
	assert_int_equal(mime_width("e\xcc\x81"), 1);
	free(big);
}

static void
test_wrap(void **state)
{
	char *big = long_name();
	char text[2048];
	struct mime_buf b = { 0 };
	(void)state;
	snprintf(text, sizeof text, "Hello %s,\nshort line\nsee https://track.example.com/%s/x\n",
		 big, "0123456789012345678901234567890123456789012345678901234567890123456789");
	mime_wrap(&b, text, 76);
	for (char *l = b.p, *nl; l && *l; l = nl ? nl + 1 : NULL) {
		nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		char save = l[n];
		l[n] = '\0';
		assert_true(valid_utf8(l, n));
		if (strncmp(l, "https://", 8) != 0)
			assert_true(mime_width(l) <= 76);
		l[n] = save;
	}
	/* the link stays whole */
	assert_non_null(strstr(b.p, "\nhttps://track.example.com/0123456789"));
	free(b.p);
	free(big);
}

static int
hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decodes quoted-printable (CRLF lines) into out; checks every encoded line
 * is at most 76 characters and decodes to whole UTF-8 characters. */
static size_t
qp_decode_checked(const char *qp, char *out)
{
	size_t o = 0;

	for (const char *l = qp; *l;) {
		const char *e = strstr(l, "\r\n");
		size_t n = e ? (size_t)(e - l) : strlen(l), start = o;
		bool soft = n > 0 && l[n - 1] == '=';
		assert_true(n <= 76);
		for (size_t i = 0; i < n - (soft ? 1 : 0); i++) {
			if (l[i] == '=') {
				assert_true(hexval(l[i + 1]) >= 0 && hexval(l[i + 2]) >= 0);
				out[o++] = (char)(hexval(l[i + 1]) * 16 + hexval(l[i + 2]));
				i += 2;
			} else {
				out[o++] = l[i];
			}
		}
		/* no character's bytes split by a soft break */
		assert_true(valid_utf8(out + start, o - start));
		if (!soft)
			out[o++] = '\n';
		l = e ? e + 2 : l + n;
	}
	out[o] = '\0';
	return o;
}

static void
test_quoted_printable(void **state)
{
	char *big = long_name(), text[4096], back[8192];
	struct mime_buf b = { 0 };
	(void)state;
	snprintf(text, sizeof text, "Große Tasse = 2 × 3 \nFrom here\n.\n%s\n東京の陶器 🎁\n", big);
	mime_qp(&b, text);
	for (size_t i = 0; i < b.len; i++)
		assert_true((unsigned char)b.p[i] < 0x80);
	qp_decode_checked(b.p, back);
	assert_string_equal(back, text);
	assert_null(strstr(b.p, "\r\nFrom "));
	assert_null(strstr(b.p, "\r\n.\r\n"));
	free(b.p);
	free(big);
}

static void
test_encoded_words(void **state)
{
	char *big = long_name();
	struct mime_buf b = { 0 };
	(void)state;
	mime_puts(&b, "To: ");
	mime_header_phrase(&b, big, 4);
	for (char *l = b.p, *e; l; l = e ? e + 2 : NULL) {
		e = strstr(l, "\r\n");
		size_t n = e ? (size_t)(e - l) : strlen(l);
		assert_true(n <= 76);
		/* every word at most 75 characters */
		for (char *w = strstr(l, "=?UTF-8?B?"); w && w < l + n; w = strstr(w + 10, "=?UTF-8?B?")) {
			char *end = strstr(w + 10, "?=");
			assert_non_null(end);
			assert_true(end + 2 - w <= 75);
		}
	}
	free(b.p);
	/* an ASCII name with a quote is a quoted phrase */
	b = (struct mime_buf){ 0 };
	mime_header_phrase(&b, "Ann \"A\" Lee", 6);
	assert_string_equal(b.p, "\"Ann \\\"A\\\" Lee\"");
	free(b.p);
	free(big);
}

static const struct mail_settings ms_plain = { "shop@example.org", "Shöp Ünïcode", "Test Shop", NULL,
					       "", "", false };

static struct mail_message
build(const char *event, const char *payload, const struct mail_context *mc,
      const struct mail_settings *ms, enum oms_status want)
{
	struct mail_message m;
	struct oms_error err = { 0 };

	assert_int_equal(mail_build(event, payload, strlen(payload), mc, ms, &m, &err), want);
	return m;
}

/* The decoded text/plain part (the first part) of a message. */
static char *
plain_text(const struct mail_message *m)
{
	const char *p = strstr(m->data, "Content-Type: text/plain; charset=UTF-8\r\n"
				       "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	const char *end;
	char *qp, *out;

	assert_non_null(p);
	p = strstr(p, "\r\n\r\n") + 4;
	end = strstr(p, "\r\n--=_oms_");
	assert_non_null(end);
	qp = strndup(p, (size_t)(end - p) + 2);
	out = malloc(strlen(qp) + 1);
	qp_decode_checked(qp, out);
	free(qp);
	return out;
}

static const struct mail_context mc = { 77, "0f1e2d3c4b5a6978.644f3a2b1c0d1", false, -1, 0 };

static void
test_long_names_message(void **state)
{
	char *big = long_name(), payload[8192], *text;
	struct mail_message m;
	(void)state;
	snprintf(payload, sizeof payload,
		 "{\"order_no\":10000036,\"to\":\"zoe@example.com\",\"customer_name\":\"%s\","
		 "\"currency\":\"EUR\",\"total_minor\":5000,\"lines\":["
		 "{\"name\":\"%s\",\"qty\":1,\"line_total_minor\":2500},"
		 "{\"name\":\"Große grüne Teekanne aus Steingut, handgemacht, Ø 18 cm, Geschenkbox\","
		 "\"qty\":1,\"line_total_minor\":2500}]}", big, big);
	m = build("order_confirmed", payload, &mc, &ms_plain, OMS_OK);
	/* 7-bit clean (quoted-printable), lines short */
	for (size_t i = 0; i < m.len; i++)
		assert_true((unsigned char)m.data[i] < 0x80);
	assert_false(m.eightbit);
	text = plain_text(&m);
	assert_true(valid_utf8(text, strlen(text)));
	/* the item names are cut at 40 columns with an ellipsis */
	assert_non_null(strstr(text, "  1 x Große grüne Teekanne aus Steingut, hand\xe2\x80\xa6   25.00 EUR\n"));
	for (char *l = text; *l; l = strchr(l, '\n') + 1) {
		char *nl = strchr(l, '\n');
		*nl = '\0';
		assert_true(mime_width(l) <= MAIL_TEXT_COLUMNS);
		*nl = '\n';
	}
	free(text);
	mail_message_free(&m);
	free(big);
}

static void
test_headers(void **state)
{
	struct mail_settings ms = ms_plain;
	struct mail_context other = mc;
	struct mail_message m, m2;
	const char *payload = "{\"order_no\":7,\"to\":\"jose@example.com\",\"customer_name\":\"José Müller\"}";
	(void)state;
	snprintf(ms.reply_to, sizeof ms.reply_to, "help@example.org");
	snprintf(ms.bounce, sizeof ms.bounce, "bounces@example.org");
	m = build("order_delivered", payload, &mc, &ms, OMS_OK);
	assert_string_equal(m.message_id,
			    "<oms.outbox.77.0f1e2d3c4b5a6978.644f3a2b1c0d1@example.org>");
	assert_string_equal(m.mail_from, "bounces@example.org");
	assert_non_null(strstr(m.data, "\r\nReply-To: help@example.org\r\n"));
	assert_non_null(strstr(m.data, "From: =?UTF-8?B?"));
	assert_non_null(strstr(m.data, "\r\nTo: =?UTF-8?B?Sm9zw6kgTcO8bGxlcg==?= <jose@example.com>\r\n"));
	assert_non_null(strstr(m.data, "Content-Type: multipart/alternative;"));
	/* plain text first, then HTML */
	assert_true(strstr(m.data, "text/plain") < strstr(m.data, "text/html"));
	/* another database (another key): another Message-ID for the same job */
	other.message_key = "aaaaaaaaaaaaaaaa.644f3a2b1c0d1";
	m2 = build("order_delivered", payload, &other, &ms, OMS_OK);
	assert_string_not_equal(m.message_id, m2.message_id);
	mail_message_free(&m);
	mail_message_free(&m2);
	/* no bounce address: the envelope sender is From */
	m = build("order_delivered", payload, &mc, &ms_plain, OMS_OK);
	assert_string_equal(m.mail_from, "shop@example.org");
	assert_null(strstr(m.data, "Reply-To:"));
	mail_message_free(&m);
}

static void
test_utf8_address(void **state)
{
	struct mail_context no = mc, yes = mc;
	struct mail_message m;
	struct oms_error err = { 0 };
	const char *payload = "{\"order_no\":7,\"to\":\"zoë@exämple.de\"}";
	(void)state;
	no.smtputf8 = 0;
	yes.smtputf8 = 1;
	assert_int_equal(mail_build("order_delivered", payload, strlen(payload), &no, &ms_plain, &m, &err),
			 OMS_INVALID);
	assert_non_null(strstr(err.msg, "SMTPUTF8"));
	m = build("order_delivered", payload, &yes, &ms_plain, OMS_OK);
	assert_true(m.utf8_address);
	mail_message_free(&m);
}

static void
test_eightbit(void **state)
{
	struct mail_context eight = mc;
	struct mail_message m;
	const char *payload = "{\"order_no\":7,\"to\":\"jose@example.com\",\"customer_name\":\"José Müller\"}";
	(void)state;
	eight.eightbit = true;
	m = build("order_delivered", payload, &eight, &ms_plain, OMS_OK);
	assert_true(m.eightbit);
	assert_non_null(strstr(m.data, "Content-Type: text/plain; charset=UTF-8\r\n"
				       "Content-Transfer-Encoding: 8bit\r\n\r\nHello José Müller,\r\n"));
	mail_message_free(&m);
}

/* What the cancellation mail says: only the cancelled lines and the refund
 * for them; nothing about money when nothing is refunded. */
static void
test_cancellation(void **state)
{
	struct mail_message m;
	char *text;
	(void)state;
	m = build("order_cancelled",
		  "{\"order_no\":9,\"to\":\"a@example.com\",\"customer_name\":\"Ada\",\"currency\":\"USD\","
		  "\"partial\":true,\"paid\":true,\"refund_amount_minor\":1250,\"reason_label\":\"Out of stock\","
		  "\"lines\":[{\"name\":\"Blue mug\",\"qty\":1,\"line_total_minor\":1250}]}",
		  &mc, &ms_plain, OMS_OK);
	text = plain_text(&m);
	assert_non_null(strstr(m.data, "Subject: Items of your order 9 have been cancelled\r\n"));
	assert_non_null(strstr(text, "these items of your order 9 have been cancelled (Out of stock):\n"));
	assert_non_null(strstr(text, "  1 x Blue mug   $12.50\n"));
	assert_non_null(strstr(text, "We will refund $12.50 for them"));
	assert_non_null(strstr(text, "The rest of your order is not affected."));
	free(text);
	mail_message_free(&m);

	m = build("order_cancelled",
		  "{\"order_no\":9,\"to\":\"a@example.com\",\"customer_name\":\"Ada\",\"currency\":\"USD\","
		  "\"partial\":false,\"paid\":false,\"reason_label\":\"Customer request\","
		  "\"lines\":[{\"name\":\"Blue mug\",\"qty\":2,\"line_total_minor\":2500}]}",
		  &mc, &ms_plain, OMS_OK);
	text = plain_text(&m);
	assert_non_null(strstr(m.data, "Subject: Your order 9 has been cancelled\r\n"));
	assert_non_null(strstr(text, "your order 9 has been cancelled (Customer request):\n"));
	assert_null(strstr(text, "refund"));
	assert_null(strstr(text, "paid"));
	assert_null(strstr(text, "  will"));
	free(text);
	mail_message_free(&m);
}

static void
test_shipped_link(void **state)
{
	struct mail_message m;
	char *text;
	(void)state;
	m = build("order_shipped",
		  "{\"order_no\":9,\"to\":\"a@example.com\",\"carrier\":\"UPS\",\"tracking_no\":\"1Z999\","
		  "\"tracking_url\":\"https://www.ups.com/track?tracknum=1Z999&loc=en_US\"}",
		  &mc, &ms_plain, OMS_OK);
	text = plain_text(&m);
	assert_non_null(strstr(text, "Follow your parcel: https://www.ups.com/track?tracknum=1Z999&loc=en_US\n"));
	assert_null(strstr(text, "Expected delivery"));
	free(text);
	/* the HTML part links it, the & escaped */
	assert_non_null(strstr(m.data, "tracknum=3D1Z999&amp;loc=3Den_US"));
	mail_message_free(&m);
	/* not a web link: not printed at all */
	m = build("order_shipped",
		  "{\"order_no\":9,\"to\":\"a@example.com\",\"carrier\":\"UPS\",\"tracking_no\":\"1Z999\","
		  "\"tracking_url\":\"javascript:alert(1)\"}", &mc, &ms_plain, OMS_OK);
	text = plain_text(&m);
	assert_null(strstr(text, "Follow"));
	assert_null(strstr(m.data, "javascript"));
	free(text);
	mail_message_free(&m);
}

/* Every template, every hard name: mail_lint.py (policy.strict) finds
 * nothing. */
static void
test_strict_reader(void **state)
{
	const char *src = getenv("OMS_SRCDIR");
	char dir[] = "/tmp/oms-mail-lint-XXXXXX", cmd[512], *big = long_name();
	size_t nt;
	const struct mail_template *t = template_all(&nt);
	unsigned files = 0;
	(void)state;
	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < nt; i++) {
		for (size_t k = 0; k <= sizeof names / sizeof names[0]; k++) {
			const char *name = k < sizeof names / sizeof names[0] ? names[k] : big;
			const char *item = k < sizeof names / sizeof names[0] ? names[(k + 3) % (sizeof names / sizeof names[0])] : big;
			char *payload, path[600];
			struct mail_message m;
			struct mail_settings ms = ms_plain;
			FILE *f;
			size_t len = strlen(name) * 6 + strlen(item) * 6 + 1024;
			char *en = malloc(strlen(name) * 6 + 1), *ei = malloc(strlen(item) * 6 + 1);
			/* JSON strings */
			for (int pass = 0; pass < 2; pass++) {
				const char *s = pass ? item : name;
				char *o = pass ? ei : en;
				for (; *s; s++) {
					if (*s == '"' || *s == '\\')
						*o++ = '\\', *o++ = *s;
					else if ((unsigned char)*s < 0x20)
						o += sprintf(o, "\\u%04x", (unsigned char)*s);
					else
						*o++ = *s;
				}
				*o = '\0';
			}
			payload = malloc(len);
			snprintf(payload, len,
				 "{\"order_no\":10000036,\"to\":\"zoe.angstrom@example.com\",\"customer_name\":\"%s\","
				 "\"currency\":\"EUR\",\"total_minor\":123456,\"refund_amount_minor\":4200,"
				 "\"reason_label\":\"%s\",\"carrier\":\"%s\",\"tracking_no\":\"1Z999AA1\","
				 "\"tracking_url\":\"https://track.example.com/?n=1Z999AA1&l=de\","
				 "\"estimated_delivery\":\"2026-12-24\",\"partial\":%s,"
				 "\"lines\":[{\"name\":\"%s\",\"qty\":2,\"line_total_minor\":100000},"
				 "{\"name\":\"%s\",\"qty\":1,\"line_total_minor\":23456}]}",
				 en, ei, ei, k % 2 ? "true" : "false", ei, en);
			snprintf(ms.reply_to, sizeof ms.reply_to, "help@example.org");
			ms.from_name = k % 3 ? name : "OMS Test Shop";
			ms.shop_name = name;
			m = build(t[i].name, payload, &mc, &ms, OMS_OK);
			snprintf(path, sizeof path, "%s/%s-%02zu.eml", dir, t[i].name, k);
			f = fopen(path, "wb");
			assert_non_null(f);
			assert_int_equal(fwrite(m.data, 1, m.len, f), m.len);
			fclose(f);
			files++;
			mail_message_free(&m);
			free(payload);
			free(en);
			free(ei);
		}
	}
	assert_true(files > 100);
	snprintf(cmd, sizeof cmd, "python3 '%s/tests/fakes/mail_lint.py' %s/*.eml >&2",
		 src ? src : "..", dir);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	free(big);
}

/* oms-worker(8) MAIL names every template. */
static void
test_man_page(void **state)
{
	const char *src = getenv("OMS_SRCDIR");
	char path[512], *text;
	size_t nt, len;
	const struct mail_template *t = template_all(&nt);
	FILE *f;
	(void)state;
	snprintf(path, sizeof path, "%s/man/oms-worker.8", src ? src : "..");
	f = fopen(path, "rb");
	assert_non_null(f);
	text = malloc(1 << 20);
	len = fread(text, 1, (1 << 20) - 1, f);
	text[len] = '\0';
	fclose(f);
	assert_non_null(strstr(text, ".Sh MAIL"));
	for (size_t i = 0; i < nt; i++) {
		char *sec = strstr(text, ".Sh MAIL"), *end = strstr(sec + 1, "\n.Sh ");
		char *hit = strstr(sec, t[i].name);
		if (!hit || (end && hit > end))
			fail_msg("oms-worker(8) MAIL does not name the template %s", t[i].name);
	}
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_quoted_printable),
		cmocka_unit_test(test_encoded_words),
		cmocka_unit_test(test_long_names_message),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_utf8_address),
		cmocka_unit_test(test_eightbit),
		cmocka_unit_test(test_cancellation),
		cmocka_unit_test(test_shipped_link),
		cmocka_unit_test(test_strict_reader),
		cmocka_unit_test(test_man_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
