/* A scrollable document of pre-formatted lines (order detail, help),
 * rebuilt whenever the data or the width changes. */
#ifndef OMS_UI_DOC_H
#define OMS_UI_DOC_H

#include <jansson.h>
#include "list.h"

struct doc_line {
	char *text;
	enum ui_element el;
	bool section;              /* a heading: drawn with rules */
};

struct ui_doc {
	struct doc_line *lines;
	int n, cap;
	int width;
	bool ascii;
	struct ui_list scroll;
};

void doc_init(struct ui_doc *d, int width, bool ascii);
void doc_clear(struct ui_doc *d);
void doc_free(struct ui_doc *d);
/* Adds a finished line (takes a copy). */
void doc_add(struct ui_doc *d, enum ui_element el, const char *text);
void doc_addf(struct ui_doc *d, enum ui_element el, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void doc_add_line(struct ui_doc *d, enum ui_element el, const struct ui_line *l);
void doc_section(struct ui_doc *d, const char *title);
/* Word-wraps text (with a hanging indent) to the document's width, keeping
 * its spacing; fields set apart by two blanks are kept whole if they can. */
void doc_wrap(struct ui_doc *d, enum ui_element el, int indent, const char *text);
/* doc_wrap of a formatted text of any length. */
void doc_wrapf(struct ui_doc *d, enum ui_element el, int indent, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Index of the first line of the section with that title, or -1. */
int doc_find_section(const struct ui_doc *d, const char *title);
void doc_draw(struct ui *ui, struct ui_doc *d, struct ui_rect r);

/* jansson helpers that never return NULL for strings. */
const char *js(const json_t *o, const char *key);
long long jll(const json_t *o, const char *key);

#endif
