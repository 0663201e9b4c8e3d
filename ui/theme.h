/* Colors are data: each screen element has a foreground, background and
 * attributes, taken from a built-in theme ([ui] theme = default | mono) and
 * overridden element by element in oms.conf [colors]:
 *     title = white blue bold
 * NO_COLOR (https://no-color.org), a monochrome terminal or --plain keep
 * the attributes and drop the colors. */
#ifndef OMS_UI_THEME_H
#define OMS_UI_THEME_H

#include <stdbool.h>
#include "status.h"

struct oms_config;

#define UI_ELEMENT_TABLE(X) \
	X(NORMAL,   "normal") \
	X(TITLE,    "title") \
	X(STATUS,   "status") \
	X(BANNER,   "banner") \
	X(HEADER,   "header") \
	X(SECTION,  "section") \
	X(SELECTED, "selected") \
	X(INPUT,    "input") \
	X(HINT,     "hint") \
	X(ERROR,    "error") \
	X(WARNING,  "warning") \
	X(OK,       "ok") \
	X(DIM,      "dim") \
	X(KEY,      "key")

enum ui_element {
#define UI_ELEMENT_ENUM(id, name) UI_EL_##id,
	UI_ELEMENT_TABLE(UI_ELEMENT_ENUM)
#undef UI_ELEMENT_ENUM
	UI_EL_COUNT
};

/* Loads the theme and [colors]; an error leaves the defaults and returns
 * the first problem. Call after initscr(). */
enum oms_status ui_theme_init(const struct oms_config *cfg, bool color,
			      struct oms_error *err);
/* curses attributes (color pair included) for an element. */
int ui_theme_attr(enum ui_element el);
/* The attribute for an order status (delivered green, exception red...). */
enum ui_element ui_theme_status_element(const char *status);

/* Parses "fg bg attrs..." (exported for tests); returns false on error. */
bool ui_theme_parse_spec(const char *spec, short *fg, short *bg, int *attrs,
			 char *bad, size_t badlen);

#endif
