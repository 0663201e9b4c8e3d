/* Mail templates: data, not code.
 *
 * A template is a subject line and a body with {{placeholder}}
 * substitutions. Values come from a lookup callback (the order summary of
 * the outbox job). Every value is cleaned before it is inserted: CR, LF and
 * other control characters become spaces, so a customer name such as
 * "Bob\r\nBcc: everyone@example.com" can never start a new header line.
 * Only "block" values built by our own code (the order lines) may contain
 * newlines, and only in the body: in a header they are flattened too.
 *
 * Sections: {{#key}}...{{/key}} is rendered only when key has a non-empty
 * value, {{^key}}...{{/key}} only when it has none (an unpaid order's
 * cancellation says nothing about a refund). Sections nest.
 *
 * The same template renders the plain text part and the HTML part of a
 * mail: in TEMPLATE_HTML mode the template's text and every value are
 * HTML-escaped, a value's own markup (template_value.html, built by our
 * code from escaped parts) goes in as it is, and the text's paragraphs
 * (blank lines) and line breaks become <p> and <br>. */
#ifndef OMS_HTTP_TEMPLATE_H
#define OMS_HTTP_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

struct mail_template {
	const char *name;       /* the outbox event, e.g. "order_cancelled" */
	const char *subject;
	const char *body;       /* lines end in \n; mail.c makes them CRLF */
};

/* NULL when there is no template of that name. */
const struct mail_template *template_find(const char *name);
/* The whole table (for the man page check and the tests). */
const struct mail_template *template_all(size_t *count);

struct template_value {
	const char *s;
	bool block;             /* multi-line text made by our code */
	const char *html;       /* HTML mode: markup made by our code, or NULL */
};

/* false and true still mean "body" and "header", as they always did. */
enum template_mode { TEMPLATE_TEXT = 0, TEMPLATE_HEADER = 1, TEMPLATE_HTML = 2 };
/* Returns false when the key has no value. key is NUL-terminated. */
typedef bool (*template_lookup_fn)(const char *key, struct template_value *out, void *arg);

/* Renders tmpl. TEMPLATE_HEADER: the result goes into a header, no newline
 * at all may come out. *missing (may be NULL) counts placeholders without a
 * value; they render as "". Returns a malloc'd NUL-terminated string (its
 * length in *outlen if not NULL), NULL only when out of memory. */
char *template_render(const char *tmpl, size_t tlen, template_lookup_fn lookup, void *arg,
		      enum template_mode mode, unsigned *missing, size_t *outlen);

#endif
