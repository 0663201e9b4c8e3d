#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "conf.h"
#include "http/mail.h"
#include "http/mime.h"
#include "http/template.h"
#include "money.h"

struct ctx {
	json_t *root;
	const char *shop_name;
	char money_total[48], money_refund[48], order_no[32], num[32];
	char *lines;
	char *tracking_html;
};

/* First member that exists of a few spellings, dotted paths allowed. */
static json_t *
jget(json_t *root, const char *const *paths)
{
	for (; *paths; paths++) {
		char tmp[64], *save = NULL, *part;
		json_t *v = root;
		snprintf(tmp, sizeof tmp, "%s", *paths);
		for (part = strtok_r(tmp, ".", &save); part && v; part = strtok_r(NULL, ".", &save))
			v = json_object_get(v, part);
		if (v && !json_is_null(v))
			return v;
	}
	return NULL;
}

static const char *
jstr(json_t *root, const char *const *paths)
{
	json_t *v = jget(root, paths);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool
jint(json_t *root, const char *const *paths, long long *out)
{
	json_t *v = jget(root, paths);

	if (json_is_integer(v)) {
		*out = (long long)json_integer_value(v);
		return true;
	}
	if (json_is_string(v)) {
		char *end;
		*out = strtoll(json_string_value(v), &end, 10);
		return *end == '\0' && end != json_string_value(v);
	}
	return false;
}

#define P(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const char *
currency_of(json_t *root)
{
	const char *c = jstr(root, P("currency", "order.currency"));
	return c ? c : "";
}

/* The order lines as a small block: "  2 x Blue mug   $12.00", the name
 * cut at MAIL_NAME_COLUMNS display columns (whole characters, "…" where
 * it was cut). */
static char *
render_lines(json_t *root)
{
	json_t *lines = jget(root, P("lines", "order.lines"));
	struct mime_buf b = { 0 };
	size_t i;
	json_t *l;

	if (!json_is_array(lines) || json_array_size(lines) == 0)
		return NULL;
	json_array_foreach(lines, i, l) {
		const char *n = jstr(l, P("name", "sku"));
		long long qty = 0, total = 0;
		char money[48], head[48];
		if (i >= 50) {
			mime_puts(&b, "  ...\n");
			break;
		}
		jint(l, P("qty"), &qty);
		if (!jint(l, P("line_total_minor"), &total)) {
			long long unit = 0;
			jint(l, P("unit_price_minor"), &unit);
			if (__builtin_mul_overflow(unit, qty, &total))
				continue;       /* no such line: leave it out */
		}
		money_format(total, currency_of(root), money, sizeof money);
		snprintf(head, sizeof head, "  %lld x ", qty);
		mime_puts(&b, head);
		mime_cut(&b, n ? n : "item", MAIL_NAME_COLUMNS);
		mime_puts(&b, "   ");
		mime_puts(&b, money);
		mime_puts(&b, "\n");
	}
	if (b.failed) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

/* A link for the HTML part: only http(s) URLs without anything that
 * could leave the attribute. */
static char *
link_html(const char *url)
{
	struct mime_buf b = { 0 };

	if (!url || (strncmp(url, "https://", 8) && strncmp(url, "http://", 7)) ||
	    strpbrk(url, " \t\r\n\"'<>\\") || strlen(url) > 900)
		return NULL;
	mime_puts(&b, "<a href=\"");
	mime_html_escape(&b, url, strlen(url));
	mime_puts(&b, "\">");
	mime_html_escape(&b, url, strlen(url));
	mime_puts(&b, "</a>");
	if (b.failed) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

static bool
lookup(const char *key, struct template_value *v, void *arg)
{
	struct ctx *c = arg;

	v->block = false;
	v->html = NULL;
	if (strcmp(key, "order_no") == 0) {
		v->s = c->order_no[0] ? c->order_no : NULL;
	} else if (strcmp(key, "total") == 0) {
		v->s = c->money_total[0] ? c->money_total : NULL;
	} else if (strcmp(key, "refund_amount") == 0) {
		v->s = c->money_refund[0] ? c->money_refund : NULL;
	} else if (strcmp(key, "shop_name") == 0) {
		v->s = c->shop_name;
	} else if (strcmp(key, "lines") == 0) {
		v->s = c->lines ? c->lines : "";
		v->block = true;
	} else if (strcmp(key, "customer_name") == 0) {
		v->s = jstr(c->root, P("customer_name", "customer.full_name", "full_name"));
		if (!v->s || !*v->s)
			v->s = "customer";
	} else if (strcmp(key, "reason") == 0) {
		v->s = jstr(c->root, P("reason_label", "reason", "cancellation.reason_label"));
	} else if (strcmp(key, "tracking_url") == 0) {
		v->s = jstr(c->root, P("tracking_url", "shipment.tracking_url"));
		v->html = c->tracking_html;
		if (v->s && !c->tracking_html)
			v->s = NULL;    /* not a link we would print */
	} else {
		/* carrier, tracking_no, estimated_delivery, partial ...: plain
		 * members; false is no value (a section's flag) */
		const char *paths[] = { key, NULL };
		json_t *j = jget(c->root, paths);
		if (json_is_integer(j)) {
			snprintf(c->num, sizeof c->num, "%lld", (long long)json_integer_value(j));
			v->s = c->num;
		} else if (json_is_true(j)) {
			v->s = "yes";
		} else {
			v->s = json_is_string(j) ? json_string_value(j) : NULL;
		}
	}
	return v->s != NULL;
}

static void
rfc5322_date(time_t now, char *out, size_t outlen)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;

	gmtime_r(&now, &tm);
	snprintf(out, outlen, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday],
		 tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		 tm.tm_sec);
}

/* An addr-spec we can put in a header and an SMTP command as it is: one
 * '@', no blanks, brackets, quotes or controls. Non-ASCII (UTF-8) is
 * usable only over SMTPUTF8: *utf8 says whether it has any. */
static bool
usable_address(const char *a, bool *utf8)
{
	const char *at;
	int cp;

	if (utf8)
		*utf8 = false;
	if (!a || strlen(a) >= 255 || strpbrk(a, "\r\n<>\"(),;: \t\\[]"))
		return false;
	for (const char *p = a; *p;) {
		int len = utf8_decode(p, strlen(p), &cp);
		if (cp < 0x21 || cp == 0x7f)
			return false;
		if (cp >= 0x80 && utf8)
			*utf8 = true;
		p += len;
	}
	at = strchr(a, '@');
	return at && at != a && at[1] && !strchr(at + 1, '@') && at[1] != '.';
}

static void
copy_address(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

enum oms_status
mail_settings_read(const struct oms_config *cfg, struct mail_settings *ms, struct oms_error *err)
{
	const char *v;

	ms->from = config_get(cfg, "mail", "from", NULL);
	ms->from_name = config_get(cfg, "mail", "from_name", NULL);
	ms->shop_name = config_get(cfg, "mail", "shop_name", NULL);
	ms->msgid_domain = config_get(cfg, "mail", "message_id_domain", NULL);
	ms->allow_plain_auth = config_get_bool(cfg, "mail", "allow_plain_auth", false);
	v = config_get(cfg, "mail", "reply_to", NULL);
	if (v && *v && !usable_address(v, NULL))
		return oms_fail(err, OMS_CONFIG, "[mail] reply_to is not a usable address");
	copy_address(ms->reply_to, sizeof ms->reply_to, v);
	v = config_get(cfg, "mail", "bounce_address", NULL);
	if (v && *v && !usable_address(v, NULL))
		return oms_fail(err, OMS_CONFIG, "[mail] bounce_address is not a usable address");
	copy_address(ms->bounce, sizeof ms->bounce, v);
	return OMS_OK;
}

/* Appends "Name: value\r\n" for a header whose value is built by fn. */
static void
header_start(struct mime_buf *b, const char *name)
{
	mime_puts(b, name);
	mime_puts(b, ": ");
}

/* "Display Name <addr>" with the name as a phrase or encoded words. */
static void
header_mailbox(struct mime_buf *b, const char *name, const char *display, const char *addr)
{
	size_t used = strlen(name) + 2;

	header_start(b, name);
	if (display && *display) {
		size_t start = b->len, line;
		mime_header_phrase(b, display, used);
		/* the columns on the header's last line so far */
		line = b->len - start + used;
		for (size_t k = b->len; k > start; k--) {
			if (b->p[k - 1] == '\n') {
				line = b->len - k;
				break;
			}
		}
		/* the address on a line of its own when it would not fit */
		mime_puts(b, line + strlen(addr) + 3 <= 78 ? " <" : "\r\n <");
	} else {
		mime_puts(b, "<");
	}
	mime_puts(b, addr);
	mime_puts(b, ">\r\n");
}

static void
body_part(struct mime_buf *b, const char *boundary, const char *type, const char *text,
	  bool eightbit)
{
	mime_puts(b, "--");
	mime_puts(b, boundary);
	mime_puts(b, "\r\nContent-Type: ");
	mime_puts(b, type);
	mime_puts(b, "; charset=UTF-8\r\nContent-Transfer-Encoding: ");
	mime_puts(b, eightbit ? "8bit" : "quoted-printable");
	mime_puts(b, "\r\n\r\n");
	if (eightbit)
		mime_crlf(b, text);
	else
		mime_qp(b, text);
}

static void
html_document(struct mime_buf *b, const char *subject, const char *paragraphs)
{
	mime_puts(b, "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>");
	mime_html_escape(b, subject, strlen(subject));
	mime_puts(b, "</title>\n</head>\n<body>\n");
	mime_puts(b, paragraphs);
	mime_puts(b, "</body>\n</html>\n");
}

static void
ctx_free(struct ctx *c)
{
	free(c->lines);
	free(c->tracking_html);
	json_decref(c->root);
}

enum oms_status
mail_build(const char *event, const char *payload, size_t payload_len,
	   const struct mail_context *mc, const struct mail_settings *ms, struct mail_message *out,
	   struct oms_error *err)
{
	const struct mail_template *t = template_find(event);
	struct ctx c = { 0 };
	json_error_t jerr;
	const char *to, *domain, *name;
	char *subject = NULL, *text = NULL, *html = NULL, date[64], boundary[96];
	struct mime_buf b = { 0 }, wrapped = { 0 }, doc = { 0 };
	long long v;
	bool utf8 = false, from_utf8 = false;

	memset(out, 0, sizeof *out);
	if (!t)
		return oms_fail(err, OMS_INVALID, "no mail template for event \"%.40s\"", event);
	if (!usable_address(ms->from, &from_utf8) || from_utf8)
		return oms_fail(err, OMS_CONFIG, "[mail] from is not a usable (ASCII) address");
	if (ms->bounce[0] && !usable_address(ms->bounce, NULL))
		return oms_fail(err, OMS_CONFIG, "[mail] bounce_address is not a usable address");
	if (ms->reply_to[0] && !usable_address(ms->reply_to, NULL))
		return oms_fail(err, OMS_CONFIG, "[mail] reply_to is not a usable address");
	c.root = json_loadb(payload ? payload : "", payload_len, 0, &jerr);
	if (!json_is_object(c.root)) {
		json_decref(c.root);
		return oms_fail(err, OMS_INVALID, "mail job payload is not a JSON object");
	}
	to = jstr(c.root, P("to", "email", "customer_email", "customer.email"));
	if (!usable_address(to, &utf8)) {
		json_decref(c.root);
		return oms_fail(err, OMS_INVALID, "mail job has no usable recipient address");
	}
	if (utf8 && mc->smtputf8 == 0) {
		json_decref(c.root);
		return oms_fail(err, OMS_INVALID, "the recipient address is not ASCII and the mail "
				"relay does not offer SMTPUTF8: it cannot be sent there");
	}
	out->utf8_address = utf8;
	snprintf(out->rcpt, sizeof out->rcpt, "%s", to);
	snprintf(out->mail_from, sizeof out->mail_from, "%s", ms->bounce[0] ? ms->bounce : ms->from);
	snprintf(out->event, sizeof out->event, "%s", event);
	domain = ms->msgid_domain && *ms->msgid_domain ? ms->msgid_domain
						       : strchr(ms->from, '@') + 1;
	if (mc->message_key && *mc->message_key &&
	    strspn(mc->message_key, "0123456789abcdefABCDEF.-") == strlen(mc->message_key))
		snprintf(out->message_id, sizeof out->message_id, "<oms.outbox.%lld.%.80s@%.80s>",
			 mc->job_id, mc->message_key, domain);
	else
		snprintf(out->message_id, sizeof out->message_id, "<oms.outbox.%lld@%.80s>",
			 mc->job_id, domain);

	if (jint(c.root, P("order_no", "order.order_no"), &v))
		snprintf(c.order_no, sizeof c.order_no, "%lld", v);
	if (jint(c.root, P("total_minor", "order.total_minor"), &v))
		money_format(v, currency_of(c.root), c.money_total, sizeof c.money_total);
	if (jint(c.root, P("refund_minor", "refund_amount_minor", "amount_minor", "refund.amount_minor"), &v) &&
	    v > 0)
		money_format(v, currency_of(c.root), c.money_refund, sizeof c.money_refund);
	c.shop_name = ms->shop_name && *ms->shop_name ? ms->shop_name : PACKAGE_NAME;
	c.lines = render_lines(c.root);
	c.tracking_html = link_html(jstr(c.root, P("tracking_url", "shipment.tracking_url")));

	subject = template_render(t->subject, strlen(t->subject), lookup, &c, TEMPLATE_HEADER, NULL, NULL);
	text = template_render(t->body, strlen(t->body), lookup, &c, TEMPLATE_TEXT, NULL, NULL);
	html = template_render(t->body, strlen(t->body), lookup, &c, TEMPLATE_HTML, NULL, NULL);
	if (!subject || !text || !html)
		goto nomem;
	mime_wrap(&wrapped, text, MAIL_TEXT_COLUMNS);
	html_document(&doc, subject, html);
	if (wrapped.failed || doc.failed)
		goto nomem;
	out->eightbit = mc->eightbit && !mime_ascii(wrapped.p);

	/* QP never writes "=_", so the boundary cannot occur in a QP part;
	 * an 8bit part is checked. */
	snprintf(boundary, sizeof boundary, "=_oms_%lld_alt", mc->job_id);
	while (strstr(wrapped.p, boundary) && strlen(boundary) < sizeof boundary - 2)
		strcat(boundary, "_");

	rfc5322_date(mc->now, date, sizeof date);
	header_mailbox(&b, "From", ms->from_name, ms->from);
	name = jstr(c.root, P("customer_name", "customer.full_name", "full_name"));
	header_mailbox(&b, "To", name, out->rcpt);
	if (ms->reply_to[0]) {
		header_start(&b, "Reply-To");
		mime_puts(&b, ms->reply_to);
		mime_puts(&b, "\r\n");
	}
	header_start(&b, "Subject");
	mime_header_text(&b, subject, strlen("Subject: "));
	mime_puts(&b, "\r\nDate: ");
	mime_puts(&b, date);
	mime_puts(&b, "\r\nMessage-ID: ");
	mime_puts(&b, out->message_id);
	mime_puts(&b, "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative;\r\n boundary=\"");
	mime_puts(&b, boundary);
	mime_puts(&b, "\"\r\nAuto-Submitted: auto-generated\r\nX-OMS-Event: ");
	mime_puts(&b, out->event);
	if (c.order_no[0]) {
		mime_puts(&b, "\r\nX-OMS-Order: ");
		mime_puts(&b, c.order_no);
	}
	mime_puts(&b, "\r\n\r\nThis is a MIME message: the same text as plain text and as HTML.\r\n\r\n");
	body_part(&b, boundary, "text/plain", wrapped.p, out->eightbit);
	body_part(&b, boundary, "text/html", doc.p, false);
	mime_puts(&b, "--");
	mime_puts(&b, boundary);
	mime_puts(&b, "--\r\n");
	if (b.failed)
		goto nomem;

	free(subject);
	free(text);
	free(html);
	free(wrapped.p);
	free(doc.p);
	ctx_free(&c);
	out->data = b.p;
	out->len = b.len;
	return OMS_OK;
nomem:
	free(subject);
	free(text);
	free(html);
	free(wrapped.p);
	free(doc.p);
	free(b.p);
	ctx_free(&c);
	return oms_fail(err, OMS_NOMEM, "out of memory");
}

void
mail_message_free(struct mail_message *m)
{
	free(m->data);
	m->data = NULL;
	m->len = 0;
}
