#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "http/template.h"

/* The texts say what happened and what happens next; they carry the order
 * number, never payment details. Placeholders: customer_name, order_no,
 * total, lines, refund_amount, reason, carrier, tracking_no, tracking_url,
 * estimated_delivery, shop_name; flags for sections: partial (a line-level
 * cancellation). total, refund_amount and the amounts in lines are written
 * by money_format (src/money.h), as the screen and the CLI write them:
 * "$1,234.56", "123,456 JPY", "123.456 KWD". A sentence about money is
 * inside a section of its amount: no amount, no sentence. */
static const struct mail_template templates[] = {
	{ "order_confirmed",
	  "Your order {{order_no}} is confirmed",
	  "Hello {{customer_name}},\n"
	  "\n"
	  "thank you for your order {{order_no}}. We have received your payment\n"
	  "and the seller is preparing it.\n"
	  "\n"
	  "{{lines}}\n"
	  "{{#total}}Total: {{total}}\n"
	  "\n"
	  "{{/total}}"
	  "{{#estimated_delivery}}Estimated delivery: {{estimated_delivery}}\n"
	  "\n"
	  "{{/estimated_delivery}}"
	  "We will write again when it ships.\n"
	  "\n"
	  "-- \n"
	  "{{shop_name}}\n" },
	{ "order_cancelled",
	  "{{#partial}}Items of your order {{order_no}} have been cancelled{{/partial}}"
	  "{{^partial}}Your order {{order_no}} has been cancelled{{/partial}}",
	  "Hello {{customer_name}},\n"
	  "\n"
	  "{{#partial}}these items of your order {{order_no}} have been cancelled{{/partial}}"
	  "{{^partial}}your order {{order_no}} has been cancelled{{/partial}}"
	  "{{#reason}} ({{reason}}){{/reason}}:\n"
	  "\n"
	  "{{lines}}\n"
	  "{{#refund_amount}}"
	  "We will refund {{refund_amount}} for {{#partial}}them{{/partial}}{{^partial}}it{{/partial}}"
	  " to the original payment method;\n"
	  "you will get a separate message when that is done.\n"
	  "\n"
	  "{{/refund_amount}}"
	  "{{#partial}}The rest of your order is not affected.\n"
	  "\n"
	  "{{/partial}}"
	  "-- \n"
	  "{{shop_name}}\n" },
	{ "refund_succeeded",
	  "Refund for order {{order_no}}",
	  "Hello {{customer_name}},\n"
	  "\n"
	  "we have refunded {{refund_amount}} for your order {{order_no}}.\n"
	  "Depending on your bank it can take a few days to appear on your\n"
	  "statement.\n"
	  "\n"
	  "-- \n"
	  "{{shop_name}}\n" },
	{ "order_shipped",
	  "Your order {{order_no}} is on its way",
	  "Hello {{customer_name}},\n"
	  "\n"
	  "your order {{order_no}} has been handed to {{carrier}}.\n"
	  "Tracking number: {{tracking_no}}\n"
	  "{{#tracking_url}}Follow your parcel: {{tracking_url}}\n{{/tracking_url}}"
	  "{{#estimated_delivery}}Expected delivery: {{estimated_delivery}}\n{{/estimated_delivery}}"
	  "\n"
	  "{{lines}}\n"
	  "-- \n"
	  "{{shop_name}}\n" },
	{ "order_delivery_exception",
	  "Your order {{order_no}} is delayed",
	  "Hello {{customer_name}},\n"
	  "\n"
	  "we are sorry: {{carrier}} reports a problem delivering your order\n"
	  "{{order_no}} (tracking number {{tracking_no}}). We are on it and will\n"
	  "write again when it moves.\n"
	  "{{#tracking_url}}Follow your parcel: {{tracking_url}}\n{{/tracking_url}}"
	  "\n"
	  "-- \n"
	  "{{shop_name}}\n" },
	{ "order_delayed",
	  "Your order {{order_no}} is delayed",
	  "Hello {{customer_name}},\n"
	  "\n"
	  "we are sorry: your order {{order_no}} will arrive later than planned.\n"
	  "Carrier: {{carrier}}, tracking number {{tracking_no}}.\n"
	  "{{#tracking_url}}Follow your parcel: {{tracking_url}}\n{{/tracking_url}}"
	  "{{#estimated_delivery}}New expected delivery: {{estimated_delivery}}\n{{/estimated_delivery}}"
	  "\n"
	  "-- \n"
	  "{{shop_name}}\n" },
	{ "order_out_for_delivery",
	  "Your order {{order_no}} arrives today",
	  "Hello {{customer_name}},\n"
	  "\n"
	  "{{carrier}} is delivering your order {{order_no}} today\n"
	  "(tracking number {{tracking_no}}).\n"
	  "{{#tracking_url}}Follow your parcel: {{tracking_url}}\n{{/tracking_url}}"
	  "\n"
	  "-- \n"
	  "{{shop_name}}\n" },
	{ "order_delivered",
	  "Your order {{order_no}} has been delivered",
	  "Hello {{customer_name}},\n"
	  "\n"
	  "{{carrier}} reports your order {{order_no}} as delivered.\n"
	  "If anything is wrong with it, reply to this message.\n"
	  "\n"
	  "-- \n"
	  "{{shop_name}}\n" },
	{ "refund_failed",
	  "About the refund for order {{order_no}}",
	  "Hello {{customer_name}},\n"
	  "\n"
	  "the refund of {{refund_amount}} for your order {{order_no}} could not be\n"
	  "paid to the original payment method. Our customer service will contact\n"
	  "you to arrange it another way.\n"
	  "\n"
	  "-- \n"
	  "{{shop_name}}\n" },
	{ "refund_refused",
	  "About the refund for order {{order_no}}",
	  "Hello {{customer_name}},\n"
	  "\n"
	  "we could not refund {{refund_amount}} for your order {{order_no}}\n"
	  "automatically. Nothing is lost: our customer service will contact you\n"
	  "to pay it back another way.\n"
	  "\n"
	  "-- \n"
	  "{{shop_name}}\n" },
	{ "payment_failed",
	  "We could not confirm the payment for order {{order_no}}",
	  "Hello {{customer_name}},\n"
	  "\n"
	  "we could not confirm the payment for your order {{order_no}}.\n"
	  "Nothing has been charged twice. Please check your payment method or\n"
	  "reply to this message and our customer service will help you.\n"
	  "\n"
	  "-- \n"
	  "{{shop_name}}\n" },
	{ "payment_action_required",
	  "Your bank needs you to confirm the payment for order {{order_no}}",
	  "Hello {{customer_name}},\n"
	  "\n"
	  "your bank asks you to confirm the payment for your order {{order_no}}\n"
	  "(for example in its app or with a code it sent you). We keep the order\n"
	  "and go on as soon as the bank has confirmed it.\n"
	  "\n"
	  "-- \n"
	  "{{shop_name}}\n" },
	{ "cancellation_rejected",
	  "About your cancellation request for order {{order_no}}",
	  "Hello {{customer_name}},\n"
	  "\n"
	  "your request to cancel order {{order_no}} could not be accepted, because\n"
	  "the seller has already prepared it. Reply to this message if you want\n"
	  "to return it after delivery.\n"
	  "\n"
	  "-- \n"
	  "{{shop_name}}\n" },
	/* To sellers (outbox kind seller_notify): seller_<event>. */
	{ "seller_new_order",
	  "New order {{order_no}}",
	  "Hello {{customer_name}},\n"
	  "\n"
	  "order {{order_no}} is paid and ready to be prepared:\n"
	  "\n"
	  "{{lines}}\n"
	  "-- \n"
	  "{{shop_name}}\n" },
	{ "seller_cancelled",
	  "{{#partial}}Items of order {{order_no}} were cancelled{{/partial}}"
	  "{{^partial}}Order {{order_no}} was cancelled{{/partial}}",
	  "Hello {{customer_name}},\n"
	  "\n"
	  "{{#partial}}these items of order {{order_no}} were cancelled{{/partial}}"
	  "{{^partial}}order {{order_no}} was cancelled{{/partial}}"
	  "{{#reason}} ({{reason}}){{/reason}}.\n"
	  "Please do not ship what was cancelled.\n"
	  "\n"
	  "{{lines}}\n"
	  "-- \n"
	  "{{shop_name}}\n" },
	{ "seller_cancellation_approval_requested",
	  "Cancellation of order {{order_no}} needs your decision",
	  "Hello {{customer_name}},\n"
	  "\n"
	  "a cancellation of order {{order_no}} is waiting for your approval in oms.\n"
	  "\n"
	  "-- \n"
	  "{{shop_name}}\n" },
};

const struct mail_template *
template_find(const char *name)
{
	for (size_t i = 0; i < sizeof templates / sizeof templates[0]; i++)
		if (strcmp(templates[i].name, name) == 0)
			return &templates[i];
	return NULL;
}

const struct mail_template *
template_all(size_t *count)
{
	*count = sizeof templates / sizeof templates[0];
	return templates;
}

struct buf {
	char *p;
	size_t len, cap;
	bool failed;
};

static void
buf_put(struct buf *b, const char *s, size_t n)
{
	if (b->failed || n == 0)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
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
buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

/* One byte of HTML text, escaped. */
static void
html_byte(struct buf *b, char c)
{
	switch (c) {
	case '&': buf_puts(b, "&amp;"); break;
	case '<': buf_puts(b, "&lt;"); break;
	case '>': buf_puts(b, "&gt;"); break;
	case '"': buf_puts(b, "&quot;"); break;
	case '\'': buf_puts(b, "&#39;"); break;
	default: buf_put(b, &c, 1);
	}
}

/* Appends n bytes with every control character turned into a space; LF
 * stays when keep_lf. HTML mode escapes too. */
static void
buf_put_clean(struct buf *b, const char *s, size_t n, bool keep_lf, bool html)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n' && keep_lf)
			buf_put(b, "\n", 1);
		else if (c == '\r' && keep_lf)
			continue;
		else if (c < 0x20 || c == 0x7f)
			buf_put(b, " ", 1);
		else if (html)
			html_byte(b, (char)c);
		else
			buf_put(b, s + i, 1);
	}
}

static bool
key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.';
}

/* Parses "{{ key }}", "{{#key}}", "{{^key}}" or "{{/key}}" at s (s[0..1]
 * are "{{"); returns its length or 0, the sigil ('#', '^', '/' or 0) in
 * *sigil. */
static size_t
placeholder(const char *s, size_t n, char *key, size_t keycap, char *sigil)
{
	size_t i = 2, k = 0;

	*sigil = 0;
	while (i < n && s[i] == ' ')
		i++;
	if (i < n && (s[i] == '#' || s[i] == '^' || s[i] == '/'))
		*sigil = s[i++];
	while (i < n && key_char(s[i])) {
		if (k + 1 >= keycap)
			return 0;
		key[k++] = s[i++];
	}
	while (i < n && s[i] == ' ')
		i++;
	if (k == 0 || i + 1 >= n || s[i] != '}' || s[i + 1] != '}')
		return 0;
	key[k] = '\0';
	return i + 2;
}

/* The end of the section that starts at tmpl[from] for key: the offset of
 * its "{{/key}}" and that tag's length, or false when it is not closed. */
static bool
section_end(const char *tmpl, size_t tlen, size_t from, const char *key, size_t *at,
	    size_t *taglen)
{
	unsigned depth = 0;

	for (size_t i = from; i + 1 < tlen; i++) {
		char k[65], sigil;
		size_t plen;
		if (tmpl[i] != '{' || tmpl[i + 1] != '{')
			continue;
		plen = placeholder(tmpl + i, tlen - i, k, sizeof k, &sigil);
		if (plen == 0 || strcmp(k, key) != 0)
			continue;
		if (sigil == '#' || sigil == '^') {
			depth++;
		} else if (sigil == '/') {
			if (depth == 0) {
				*at = i;
				*taglen = plen;
				return true;
			}
			depth--;
		}
		i += plen - 1;
	}
	return false;
}

#define TEMPLATE_MAX_DEPTH 8

struct render {
	template_lookup_fn lookup;
	void *arg;
	enum template_mode mode;
	unsigned *missing;
	struct buf b;
};

static bool
has_value(struct render *r, const char *key)
{
	struct template_value v = { NULL, false, NULL };

	return r->lookup && r->lookup(key, &v, r->arg) && v.s && v.s[0];
}

static void
render_text(struct render *r, const char *s, size_t n)
{
	if (r->mode == TEMPLATE_TEXT) {
		buf_put(&r->b, s, n);
		return;
	}
	/* A header stays one line whatever the template says; HTML escapes
	 * even the template's own text. */
	buf_put_clean(&r->b, s, n, r->mode == TEMPLATE_HTML, r->mode == TEMPLATE_HTML);
}

static void
render_part(struct render *r, const char *tmpl, size_t tlen, unsigned depth)
{
	size_t i = 0;

	while (i < tlen) {
		size_t start = i, plen, end = 0, taglen = 0;
		struct template_value v = { NULL, false, NULL };
		char key[65], sigil;

		while (i < tlen && !(tmpl[i] == '{' && i + 1 < tlen && tmpl[i + 1] == '{'))
			i++;
		render_text(r, tmpl + start, i - start);
		if (i >= tlen)
			break;
		plen = placeholder(tmpl + i, tlen - i, key, sizeof key, &sigil);
		if (plen == 0 || sigil == '/' ||
		    ((sigil == '#' || sigil == '^') &&
		     (depth >= TEMPLATE_MAX_DEPTH ||
		      !section_end(tmpl, tlen, i + plen, key, &end, &taglen)))) {
			/* not a placeholder, or a section never closed: text */
			render_text(r, tmpl + i, 1);
			i++;
			continue;
		}
		if (sigil) {
			if (has_value(r, key) == (sigil == '#'))
				render_part(r, tmpl + i + plen, end - i - plen, depth + 1);
			i = end + taglen;
			continue;
		}
		if (r->lookup && r->lookup(key, &v, r->arg) && v.s) {
			if (r->mode == TEMPLATE_HTML && v.html)
				buf_puts(&r->b, v.html);
			else
				buf_put_clean(&r->b, v.s, strlen(v.s), v.block && r->mode != TEMPLATE_HEADER,
					      r->mode == TEMPLATE_HTML);
		} else if (r->missing) {
			(*r->missing)++;
		}
		i += plen;
	}
}

/* HTML: paragraphs at blank lines, <br> at the other line breaks. */
static void
paragraphs(struct buf *out, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t end;
		while (i < n && s[i] == '\n')
			i++;
		if (i >= n)
			break;
		for (end = i; end < n && !(s[end] == '\n' && end + 1 < n && s[end + 1] == '\n'); end++)
			;
		buf_puts(out, "<p>");
		for (size_t k = i; k < end; k++) {
			if (s[k] == '\n') {
				if (k + 1 < end)
					buf_puts(out, "<br>\n");
			} else {
				buf_put(out, s + k, 1);
			}
		}
		buf_puts(out, "</p>\n");
		i = end;
	}
}

char *
template_render(const char *tmpl, size_t tlen, template_lookup_fn lookup, void *arg,
		enum template_mode mode, unsigned *missing, size_t *outlen)
{
	struct render r = { lookup, arg, mode, missing, { 0 } };

	if (missing)
		*missing = 0;
	render_part(&r, tmpl, tlen, 0);
	if (mode == TEMPLATE_HTML && !r.b.failed) {
		struct buf html = { 0 };
		paragraphs(&html, r.b.p ? r.b.p : "", r.b.len);
		free(r.b.p);
		r.b = html;
	}
	if (!r.b.p && !r.b.failed) {
		r.b.p = malloc(1);
		if (r.b.p)
			r.b.p[0] = '\0';
		else
			r.b.failed = true;
	}
	if (r.b.failed) {
		free(r.b.p);
		return NULL;
	}
	if (outlen)
		*outlen = r.b.len;
	return r.b.p;
}
