#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "http/mail.h"
#include "http/template.h"
#include "money.h"

struct ctx {
	json_t *root;
	const char *shop_name;
	char money_total[48], money_refund[48], order_no[32];
	char *lines;
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

/* The order lines as a small block: "  2 x Blue mug   $12.00". Each
 * field is cleaned by the template renderer's rules: we build the block
 * from values only after removing their control characters ourselves. */
static char *
render_lines(json_t *root)
{
	json_t *lines = jget(root, P("lines", "order.lines"));
	size_t i, cap = 1, len = 0;
	char *out;
	json_t *l;

	if (!json_is_array(lines) || json_array_size(lines) == 0)
		return NULL;
	out = calloc(1, cap);
	if (!out)
		return NULL;
	json_array_foreach(lines, i, l) {
		char name[121], money[48], row[256];
		const char *n = jstr(l, P("name", "sku"));
		long long qty = 0, total = 0;
		size_t k;
		if (i >= 50)
			break;
		snprintf(name, sizeof name, "%s", n ? n : "item");
		for (k = 0; name[k]; k++)
			if ((unsigned char)name[k] < 0x20 || name[k] == 0x7f)
				name[k] = ' ';
		jint(l, P("qty"), &qty);
		if (!jint(l, P("line_total_minor"), &total)) {
			long long unit = 0;
			jint(l, P("unit_price_minor"), &unit);
			if (__builtin_mul_overflow(unit, qty, &total))
				continue;       /* no such line: leave it out */
		}
		money_format(total, currency_of(root), money, sizeof money);
		int w = snprintf(row, sizeof row, "  %lld x %s   %s\n", qty, name, money);
		if (w < 0)
			continue;
		char *p = realloc(out, cap + (size_t)w);
		if (!p)
			break;
		out = p;
		memcpy(out + len, row, (size_t)w);
		len += (size_t)w;
		cap += (size_t)w;
		out[len] = '\0';
	}
	return out;
}

static bool
lookup(const char *key, struct template_value *v, void *arg)
{
	struct ctx *c = arg;

	v->block = false;
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
		if (!v->s)
			v->s = "customer";
	} else if (strcmp(key, "reason") == 0) {
		v->s = jstr(c->root, P("reason_label", "reason", "cancellation.reason_label"));
	} else {
		/* carrier, tracking_no, estimated_delivery, ...: plain members */
		const char *paths[] = { key, NULL };
		json_t *j = jget(c->root, paths);
		static char num[32];
		if (json_is_integer(j)) {
			snprintf(num, sizeof num, "%lld", (long long)json_integer_value(j));
			v->s = num;
		} else {
			v->s = json_is_string(j) ? json_string_value(j) : NULL;
		}
	}
	return v->s != NULL;
}

static bool
ascii_only(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* RFC 2047 "B" encoding of a UTF-8 header value. */
static void
encode_header(const char *s, char *out, size_t outlen)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(s), o = 0, i;

	if (ascii_only(s)) {
		snprintf(out, outlen, "%s", s);
		return;
	}
	o = (size_t)snprintf(out, outlen, "=?UTF-8?B?");
	for (i = 0; i < n && o + 8 < outlen; i += 3) {
		unsigned v = (unsigned char)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned char)s[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)s[i + 2];
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	snprintf(out + o, outlen - o, "?=");
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

static bool
usable_address(const char *a)
{
	const char *at;

	if (!a || strlen(a) >= 255 || strpbrk(a, "\r\n<>\"(),;: \t\\"))
		return false;
	at = strchr(a, '@');
	return at && at != a && at[1] && !strchr(at + 1, '@');
}

struct sbuf {
	char *p;
	size_t len, cap;
	bool failed;
};

static void
sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 2048;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->failed = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* Body text with LF (or stray CR) line ends -> CRLF, lines folded hard at
 * 990 bytes (RFC 5322 limit is 998). */
static void
sb_body(struct sbuf *b, const char *s)
{
	size_t col = 0;

	for (; *s; s++) {
		if (*s == '\r')
			continue;
		if (*s == '\n' || col >= 990) {
			sb_add(b, "\r\n", 2);
			col = 0;
			if (*s == '\n')
				continue;
		}
		sb_add(b, s, 1);
		col++;
	}
	if (col)
		sb_add(b, "\r\n", 2);
}

enum oms_status
mail_build(const char *event, const char *payload, size_t payload_len, long long job_id,
	   const struct mail_settings *ms, time_t now, struct mail_message *out,
	   struct oms_error *err)
{
	const struct mail_template *t = template_find(event);
	struct ctx c = { 0 };
	json_error_t jerr;
	const char *to, *domain;
	char *subject = NULL, *body = NULL, hdr[512], date[64], from_hdr[800];
	struct sbuf b = { 0 };
	long long v;
	unsigned missing = 0;

	memset(out, 0, sizeof *out);
	if (!t)
		return oms_fail(err, OMS_INVALID, "no mail template for event \"%.40s\"", event);
	if (!usable_address(ms->from))
		return oms_fail(err, OMS_CONFIG, "[mail] from is not a usable address");
	c.root = json_loadb(payload ? payload : "", payload_len, 0, &jerr);
	if (!json_is_object(c.root)) {
		json_decref(c.root);
		return oms_fail(err, OMS_INVALID, "mail job payload is not a JSON object");
	}
	to = jstr(c.root, P("to", "email", "customer_email", "customer.email"));
	if (!usable_address(to)) {
		json_decref(c.root);
		return oms_fail(err, OMS_INVALID, "mail job has no usable recipient address");
	}
	snprintf(out->rcpt, sizeof out->rcpt, "%s", to);
	snprintf(out->event, sizeof out->event, "%s", event);
	domain = ms->msgid_domain && *ms->msgid_domain ? ms->msgid_domain
						       : strchr(ms->from, '@') + 1;
	snprintf(out->message_id, sizeof out->message_id, "<oms.outbox.%lld@%s>", job_id, domain);

	if (jint(c.root, P("order_no", "order.order_no"), &v))
		snprintf(c.order_no, sizeof c.order_no, "%lld", v);
	if (jint(c.root, P("total_minor", "order.total_minor"), &v))
		money_format(v, currency_of(c.root), c.money_total, sizeof c.money_total);
	if (jint(c.root, P("refund_minor", "refund_amount_minor", "amount_minor", "refund.amount_minor"), &v))
		money_format(v, currency_of(c.root), c.money_refund, sizeof c.money_refund);
	c.shop_name = ms->shop_name && *ms->shop_name ? ms->shop_name : PACKAGE_NAME;
	c.lines = render_lines(c.root);

	subject = template_render(t->subject, strlen(t->subject), lookup, &c, true, &missing, NULL);
	body = template_render(t->body, strlen(t->body), lookup, &c, false, NULL, NULL);
	if (!subject || !body) {
		free(subject);
		free(body);
		free(c.lines);
		json_decref(c.root);
		return oms_fail(err, OMS_NOMEM, "out of memory");
	}

	rfc5322_date(now, date, sizeof date);
	if (ms->from_name && *ms->from_name) {
		char name[256];
		size_t k;
		snprintf(name, sizeof name, "%s", ms->from_name);
		for (k = 0; name[k]; k++)
			if ((unsigned char)name[k] < 0x20 || name[k] == '"' || name[k] == '\\')
				name[k] = ' ';
		encode_header(name, hdr, sizeof hdr);
		snprintf(from_hdr, sizeof from_hdr, "%s%s%s <%s>", ascii_only(name) ? "\"" : "",
			 hdr, ascii_only(name) ? "\"" : "", ms->from);
	} else {
		snprintf(from_hdr, sizeof from_hdr, "%s", ms->from);
	}
	sb_str(&b, "From: ");
	sb_str(&b, from_hdr);
	sb_str(&b, "\r\nTo: ");
	sb_str(&b, out->rcpt);
	sb_str(&b, "\r\nSubject: ");
	encode_header(subject, hdr, sizeof hdr);
	sb_str(&b, hdr);
	sb_str(&b, "\r\nDate: ");
	sb_str(&b, date);
	sb_str(&b, "\r\nMessage-ID: ");
	sb_str(&b, out->message_id);
	sb_str(&b, "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
		   "Content-Transfer-Encoding: 8bit\r\nAuto-Submitted: auto-generated\r\n"
		   "X-OMS-Event: ");
	sb_str(&b, out->event);
	if (c.order_no[0]) {
		sb_str(&b, "\r\nX-OMS-Order: ");
		sb_str(&b, c.order_no);
	}
	sb_str(&b, "\r\n\r\n");
	sb_body(&b, body);

	free(subject);
	free(body);
	free(c.lines);
	json_decref(c.root);
	if (b.failed) {
		free(b.p);
		return oms_fail(err, OMS_NOMEM, "out of memory");
	}
	out->data = b.p;
	out->len = b.len;
	return OMS_OK;
}

void
mail_message_free(struct mail_message *m)
{
	free(m->data);
	m->data = NULL;
	m->len = 0;
}
