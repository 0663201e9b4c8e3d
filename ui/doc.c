#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"

void
doc_init(struct ui_doc *d, int width, bool ascii)
{
	memset(d, 0, sizeof *d);
	d->width = width > 0 ? width : 1;
	d->ascii = ascii;
	ui_list_init(&d->scroll, false);
}

void
doc_clear(struct ui_doc *d)
{
	for (int i = 0; i < d->n; i++)
		free(d->lines[i].text);
	d->n = 0;
}

void
doc_free(struct ui_doc *d)
{
	doc_clear(d);
	free(d->lines);
	d->lines = NULL;
	d->cap = 0;
}

static void
doc_push(struct ui_doc *d, enum ui_element el, char *text, bool section)
{
	if (!text)
		return;
	if (d->n == d->cap) {
		int cap = d->cap ? d->cap * 2 : 64;
		struct doc_line *nl = realloc(d->lines, (size_t)cap * sizeof *nl);
		if (!nl) {
			free(text);
			return;
		}
		d->lines = nl;
		d->cap = cap;
	}
	d->lines[d->n].text = text;
	d->lines[d->n].el = el;
	d->lines[d->n].section = section;
	d->n++;
	ui_list_set_count(&d->scroll, d->n);
}

void
doc_add(struct ui_doc *d, enum ui_element el, const char *text)
{
	struct ui_line l;

	ui_line_init(&l, d->ascii);
	ui_line_add(&l, text, d->width);
	doc_push(d, el, l.buf ? l.buf : strdup(""), false);
}

/* fmt formatted on the heap, as long as the data makes it (a note or an
 * address is the user's size); NULL when out of memory. */
static char *doc_vformat(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
static char *
doc_vformat(const char *fmt, va_list ap)
{
	va_list ap2;
	char *buf;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || !(buf = malloc((size_t)n + 1)))
		return NULL;
	vsnprintf(buf, (size_t)n + 1, fmt, ap);
	return buf;
}

void
doc_addf(struct ui_doc *d, enum ui_element el, const char *fmt, ...)
{
	va_list ap;
	char *buf;

	va_start(ap, fmt);
	buf = doc_vformat(fmt, ap);
	va_end(ap);
	doc_add(d, el, buf ? buf : "(out of memory)");
	free(buf);
}

void
doc_wrapf(struct ui_doc *d, enum ui_element el, int indent, const char *fmt, ...)
{
	va_list ap;
	char *buf;

	va_start(ap, fmt);
	buf = doc_vformat(fmt, ap);
	va_end(ap);
	doc_wrap(d, el, indent, buf ? buf : "(out of memory)");
	free(buf);
}

void
doc_add_line(struct ui_doc *d, enum ui_element el, const struct ui_line *l)
{
	doc_add(d, el, l->buf ? l->buf : "");
}

void
doc_section(struct ui_doc *d, const char *title)
{
	if (d->n > 0)
		doc_add(d, UI_EL_NORMAL, "");
	doc_push(d, UI_EL_SECTION, strdup(title), true);
}

int
doc_find_section(const struct ui_doc *d, const char *title)
{
	for (int i = 0; i < d->n; i++)
		if (d->lines[i].section && strcmp(d->lines[i].text, title) == 0)
			return i;
	return -1;
}

/* Wrapping keeps the text's own spacing. Two blanks or more separate the
 * fields of a line ("Placed <date>  Shipped <date>"): a field that fits on
 * a line of its own moves to the next line whole rather than be split from
 * its label, and the blanks at a break are dropped. A longer field (prose)
 * is wrapped at its single blanks. A newline is a hard break. */
struct doc_wrapper {
	struct ui_doc *d;
	enum ui_element el;
	int indent;
	struct ui_line l;
	bool fresh;                /* nothing on the line yet but blanks */
};

static void
wrap_break(struct doc_wrapper *w)
{
	doc_add_line(w->d, w->el, &w->l);
	ui_line_reset(&w->l);
	ui_line_pad(&w->l, w->indent);
	w->fresh = true;
}

/* Length of the field at f: up to two blanks, a newline or the end. */
static size_t
wrap_field_len(const char *f)
{
	size_t n = 0;

	while (f[n] && f[n] != '\n' && !(f[n] == ' ' && (f[n + 1] == ' ' || f[n + 1] == '\n' ||
							  !f[n + 1])))
		n++;
	return n;
}

/* Places the words of field f (flen bytes) after gap blanks. */
static void
wrap_words(struct doc_wrapper *w, const char *f, size_t flen, int gap)
{
	int width = w->d->width;
	const char *end = f + flen;

	while (f < end) {
		char word[512];
		size_t wl = strcspn(f, " ");
		int ww;

		if (wl > (size_t)(end - f))
			wl = (size_t)(end - f);
		if (wl >= sizeof word)
			wl = sizeof word - 1;
		memcpy(word, f, wl);
		word[wl] = '\0';
		ww = ui_width(word);
		if (!w->fresh && w->l.w + gap + ww > width) {
			wrap_break(w);
			gap = 0;
		}
		if (!w->fresh)
			ui_line_repeat(&w->l, " ", gap);
		ui_line_add(&w->l, word, width - w->l.w);
		w->fresh = false;
		f += wl;
		while (f < end && *f == ' ')
			f++;
		gap = 1;
	}
}

void
doc_wrap(struct ui_doc *d, enum ui_element el, int indent, const char *text)
{
	struct doc_wrapper w = { d, el, indent, { 0 }, true };
	const char *p = text;
	size_t lead;
	int n0 = d->n;

	if (ui_width(text) <= d->width && !strchr(text, '\n')) {
		doc_add(d, el, text);      /* fits: as it is */
		return;
	}
	/* an indent or a leading blank of more than half the width would
	 * leave no room for the words */
	if (w.indent > d->width / 2)
		w.indent = d->width / 2;
	ui_line_init(&w.l, d->ascii);
	lead = strspn(p, " ");
	ui_line_pad(&w.l, lead < (size_t)d->width / 2 ? (int)lead : d->width / 2);
	p += lead;
	while (*p) {
		size_t gap = strspn(p, " "), flen;
		int fw;
		char field[1024];

		if (p[gap] == '\n') {
			wrap_break(&w);
			p += gap + 1;
			p += strspn(p, " ");
			continue;
		}
		if (!p[gap])
			break;
		p += gap;
		flen = wrap_field_len(p);
		snprintf(field, sizeof field, "%.*s", (int)flen, p);
		fw = ui_width(field);
		/* a field that fits on a line of its own is not split */
		if (!w.fresh && w.l.w + (int)gap + fw > d->width && fw <= d->width - w.indent)
			wrap_break(&w);
		wrap_words(&w, p, flen, (int)gap);
		p += flen;
	}
	if (!w.fresh || d->n == n0)    /* not the blank line after a final newline */
		doc_add_line(d, el, &w.l);
	ui_line_free(&w.l);
}

void
doc_draw(struct ui *ui, struct ui_doc *d, struct ui_rect r)
{
	d->scroll.height = r.h > 0 ? r.h : 1;
	ui_list_set_count(&d->scroll, d->n);
	for (int i = 0; i < r.h; i++) {
		int row = d->scroll.top + i;

		if (row >= d->n)
			ui_draw_text(r.y + i, r.x, r.w, UI_EL_NORMAL, "");
		else if (d->lines[row].section)
			ui_draw_section(ui, r.y + i, r.x, r.w, d->lines[row].text);
		else
			ui_draw_text(r.y + i, r.x, r.w, d->lines[row].el, d->lines[row].text);
	}
}

const char *
js(const json_t *o, const char *key)
{
	json_t *v = o ? json_object_get(o, key) : NULL;
	static char num[4][32];
	static int slot;

	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		slot = (slot + 1) % 4;
		snprintf(num[slot], sizeof num[slot], "%lld", (long long)json_integer_value(v));
		return num[slot];
	}
	if (json_is_true(v))
		return "yes";
	if (json_is_false(v))
		return "no";
	return "";
}

long long
jll(const json_t *o, const char *key)
{
	json_t *v = o ? json_object_get(o, key) : NULL;

	if (json_is_integer(v))
		return (long long)json_integer_value(v);
	if (json_is_real(v))
		return (long long)json_real_value(v);
	if (json_is_string(v))
		return strtoll(json_string_value(v), NULL, 10);
	return 0;
}
