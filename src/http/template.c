#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "http/template.h"

/* The texts say what happened and what happens next; they carry the order
 * number, never payment details. Placeholders: customer_name, order_no,
 * total, lines, refund_amount, reason, carrier, tracking_no,
 * estimated_delivery, shop_name. total, refund_amount and the amounts in
 * lines are written by money_format (src/money.h), as the screen and the
 * CLI write them: "$1,234.56", "123,456 JPY", "123.456 KWD". */
static const struct mail_template templates[] = {
	{ "order_confirmed",
	  "Your order {{order_no}} is confirmed",
	  "Hello {{customer_name}},\n"
	  "\n"
	  "thank you for your order {{order_no}}. We have received your payment\n"
	  "and the seller is preparing it.\n"
	  "\n"
	  "{{lines}}\n"
	  "Total: {{total}}\n"
	  "\n"
	  "We will write again when it ships.\n"
	  "\n"
	  "-- \n"
	  "{{shop_name}}\n" },
	{ "order_cancelled",
	  "Your order {{order_no}} has been cancelled",
	  "Hello {{customer_name}},\n"
	  "\n"
	  "your order {{order_no}} has been cancelled ({{reason}}).\n"
	  "\n"
	  "{{lines}}\n"
	  "If you paid for it, {{refund_amount}} will be refunded to the original\n"
	  "payment method; you will get a separate message when that is done.\n"
	  "\n"
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
	  "Expected delivery: {{estimated_delivery}}\n"
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
	  "\n"
	  "-- \n"
	  "{{shop_name}}\n" },
	{ "order_delayed",
	  "Your order {{order_no}} is delayed",
	  "Hello {{customer_name}},\n"
	  "\n"
	  "we are sorry: your order {{order_no}} will arrive later than planned.\n"
	  "Carrier: {{carrier}}, tracking number {{tracking_no}}.\n"
	  "New expected delivery: {{estimated_delivery}}\n"
	  "\n"
	  "-- \n"
	  "{{shop_name}}\n" },
	{ "order_out_for_delivery",
	  "Your order {{order_no}} arrives today",
	  "Hello {{customer_name}},\n"
	  "\n"
	  "{{carrier}} is delivering your order {{order_no}} today\n"
	  "(tracking number {{tracking_no}}).\n"
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
	  "Order {{order_no}} was cancelled",
	  "Hello {{customer_name}},\n"
	  "\n"
	  "order {{order_no}} (or some of its lines) was cancelled ({{reason}}).\n"
	  "Please do not ship what was cancelled.\n"
	  "\n"
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

/* Appends a value with every control character turned into a space; a
 * block value keeps its LFs unless we are in a header. */
static void
buf_put_clean(struct buf *b, const char *s, bool keep_lf)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t run = 0;
		while (p[run] && p[run] >= 0x20 && p[run] != 0x7f)
			run++;
		buf_put(b, (const char *)p, run);
		p += run;
		if (!*p)
			break;
		if (*p == '\n' && keep_lf)
			buf_put(b, "\n", 1);
		else if (*p != '\r' || !keep_lf)
			buf_put(b, " ", 1);
		p++;
	}
}

static bool
key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.';
}

/* Parses "{{ key }}" at s (s[0..1] are "{{"); returns its length or 0. */
static size_t
placeholder(const char *s, size_t n, char *key, size_t keycap)
{
	size_t i = 2, k = 0;

	while (i < n && s[i] == ' ')
		i++;
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

char *
template_render(const char *tmpl, size_t tlen, template_lookup_fn lookup, void *arg,
		bool single_line, unsigned *missing, size_t *outlen)
{
	struct buf b = { 0 };
	size_t i = 0;

	if (missing)
		*missing = 0;
	buf_put(&b, "", 0);
	while (i < tlen) {
		size_t start = i;
		while (i < tlen && !(tmpl[i] == '{' && i + 1 < tlen && tmpl[i + 1] == '{'))
			i++;
		if (single_line) {
			/* The template text itself is trusted, but a header
			 * must stay one line whatever it says. */
			char tmp[256];
			while (start < i) {
				size_t n = i - start < sizeof tmp - 1 ? i - start : sizeof tmp - 1;
				memcpy(tmp, tmpl + start, n);
				tmp[n] = '\0';
				/* an embedded NUL would end tmp early: step over it */
				size_t used = strlen(tmp);
				buf_put_clean(&b, tmp, false);
				start += used ? used : 1;
			}
		} else {
			buf_put(&b, tmpl + start, i - start);
		}
		if (i >= tlen)
			break;
		char key[65];
		size_t plen = placeholder(tmpl + i, tlen - i, key, sizeof key);
		if (plen == 0) {
			buf_put(&b, "{", 1);
			i++;
			continue;
		}
		struct template_value v = { NULL, false };
		if (lookup && lookup(key, &v, arg) && v.s)
			buf_put_clean(&b, v.s, v.block && !single_line);
		else if (missing)
			(*missing)++;
		i += plen;
	}
	if (!b.p && !b.failed) {
		b.p = malloc(1);
		if (b.p)
			b.p[0] = '\0';
		else
			b.failed = true;
	}
	if (b.failed) {
		free(b.p);
		return NULL;
	}
	if (outlen)
		*outlen = b.len;
	return b.p;
}
