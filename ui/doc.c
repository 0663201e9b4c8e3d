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

void
doc_addf(struct ui_doc *d, enum ui_element el, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	doc_add(d, el, buf);
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

void
doc_wrap(struct ui_doc *d, enum ui_element el, int indent, const char *text)
{
	struct ui_line l;
	const char *p = text;
	bool has_word = false;

	if (ui_width(text) <= d->width && !strchr(text, '\n')) {
		doc_add(d, el, text);      /* fits: keep its spacing */
		return;
	}
	ui_line_init(&l, d->ascii);
	while (*p == ' ' || *p == '\n')
		p++;
	while (*p) {
		char word[512];
		size_t wl = strcspn(p, " \n");
		int ww;

		if (wl >= sizeof word)
			wl = sizeof word - 1;
		memcpy(word, p, wl);
		word[wl] = '\0';
		ww = ui_width(word);
		if (has_word && l.w + 1 + ww > d->width) {
			doc_add_line(d, el, &l);
			ui_line_reset(&l);
			ui_line_pad(&l, indent);
			has_word = false;
		}
		if (has_word)
			ui_line_add(&l, " ", 1);
		ui_line_add(&l, word, d->width - l.w);
		has_word = true;
		p += wl;
		while (*p == ' ' || *p == '\n')
			p++;
	}
	doc_add_line(d, el, &l);
	ui_line_free(&l);
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
