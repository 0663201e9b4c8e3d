#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "theme.h"

struct theme_spec {
	short fg, bg;
	int attrs;
};

struct theme {
	const char *name;
	struct theme_spec el[UI_EL_COUNT];
};

#define C_DEF (-1)
static const struct theme themes[] = {
	{ "default", {
		[UI_EL_NORMAL]   = { C_DEF, C_DEF, 0 },
		[UI_EL_TITLE]    = { COLOR_WHITE, COLOR_BLUE, A_BOLD },
		[UI_EL_STATUS]   = { COLOR_BLACK, COLOR_CYAN, 0 },
		[UI_EL_BANNER]   = { COLOR_WHITE, COLOR_RED, A_BOLD },
		[UI_EL_HEADER]   = { COLOR_CYAN, C_DEF, A_BOLD },
		[UI_EL_SECTION]  = { COLOR_YELLOW, C_DEF, A_BOLD },
		[UI_EL_SELECTED] = { COLOR_BLACK, COLOR_YELLOW, 0 },
		[UI_EL_INPUT]    = { C_DEF, C_DEF, A_UNDERLINE },
		[UI_EL_HINT]     = { COLOR_CYAN, C_DEF, 0 },
		[UI_EL_ERROR]    = { COLOR_RED, C_DEF, A_BOLD },
		[UI_EL_WARNING]  = { COLOR_YELLOW, C_DEF, A_BOLD },
		[UI_EL_OK]       = { COLOR_GREEN, C_DEF, 0 },
		[UI_EL_DIM]      = { C_DEF, C_DEF, A_DIM },
		[UI_EL_KEY]      = { COLOR_WHITE, COLOR_CYAN, A_BOLD },
	} },
	{ "mono", {
		[UI_EL_NORMAL]   = { C_DEF, C_DEF, 0 },
		[UI_EL_TITLE]    = { C_DEF, C_DEF, A_REVERSE },
		[UI_EL_STATUS]   = { C_DEF, C_DEF, A_REVERSE },
		[UI_EL_BANNER]   = { C_DEF, C_DEF, A_REVERSE | A_BOLD },
		[UI_EL_HEADER]   = { C_DEF, C_DEF, A_BOLD },
		[UI_EL_SECTION]  = { C_DEF, C_DEF, A_BOLD },
		[UI_EL_SELECTED] = { C_DEF, C_DEF, A_REVERSE },
		[UI_EL_INPUT]    = { C_DEF, C_DEF, A_UNDERLINE },
		[UI_EL_HINT]     = { C_DEF, C_DEF, 0 },
		[UI_EL_ERROR]    = { C_DEF, C_DEF, A_BOLD },
		[UI_EL_WARNING]  = { C_DEF, C_DEF, A_BOLD },
		[UI_EL_OK]       = { C_DEF, C_DEF, 0 },
		[UI_EL_DIM]      = { C_DEF, C_DEF, A_DIM },
		[UI_EL_KEY]      = { C_DEF, C_DEF, A_BOLD },
	} },
};

static const char *const element_names[UI_EL_COUNT] = {
#define UI_ELEMENT_NAME(id, name) [UI_EL_##id] = name,
	UI_ELEMENT_TABLE(UI_ELEMENT_NAME)
#undef UI_ELEMENT_NAME
};

/* The theme in use, resolved to curses attributes. */
static int element_attr[UI_EL_COUNT];

static const struct { const char *name; short color; } color_names[] = {
	{ "default", C_DEF }, { "black", COLOR_BLACK }, { "red", COLOR_RED },
	{ "green", COLOR_GREEN }, { "yellow", COLOR_YELLOW }, { "blue", COLOR_BLUE },
	{ "magenta", COLOR_MAGENTA }, { "cyan", COLOR_CYAN }, { "white", COLOR_WHITE },
};
static const struct { const char *name; int attr; } attr_names[] = {
	{ "normal", 0 }, { "bold", A_BOLD }, { "dim", A_DIM }, { "underline", A_UNDERLINE },
	{ "reverse", A_REVERSE }, { "standout", A_STANDOUT }, { "blink", A_BLINK },
	{ "italic", A_ITALIC },
};

static bool
parse_color(const char *s, short *out)
{
	char *end;
	long n;

	for (size_t i = 0; i < sizeof color_names / sizeof color_names[0]; i++)
		if (strcasecmp(s, color_names[i].name) == 0) {
			*out = color_names[i].color;
			return true;
		}
	n = strtol(s, &end, 10);
	if (*s && !*end && n >= 0 && n <= 255) {
		*out = (short)n;
		return true;
	}
	return false;
}

bool
ui_theme_parse_spec(const char *spec, short *fg, short *bg, int *attrs,
		    char *bad, size_t badlen)
{
	char buf[256], *save = NULL, *tok;
	int i = 0;

	*fg = *bg = C_DEF;
	*attrs = 0;
	snprintf(buf, sizeof buf, "%s", spec);
	for (tok = strtok_r(buf, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save), i++) {
		bool ok = false;

		if (i == 0)
			ok = parse_color(tok, fg);
		else if (i == 1)
			ok = parse_color(tok, bg);
		if (!ok) {
			for (size_t a = 0; a < sizeof attr_names / sizeof attr_names[0]; a++)
				if (strcasecmp(tok, attr_names[a].name) == 0) {
					*attrs |= attr_names[a].attr;
					ok = true;
				}
			if (ok && i < 2)
				i = 2;     /* attributes may follow the colors directly */
		}
		if (!ok) {
			snprintf(bad, badlen, "%s", tok);
			return false;
		}
	}
	return true;
}

enum oms_status
ui_theme_init(const struct oms_config *cfg, bool color, struct oms_error *err)
{
	const char *name = cfg ? config_get(cfg, "ui", "theme", "default") : "default";
	const struct theme *th = &themes[0];
	struct theme_spec spec[UI_EL_COUNT];
	enum oms_status st = OMS_OK;
	bool found = false;

	for (size_t t = 0; t < sizeof themes / sizeof themes[0]; t++)
		if (strcasecmp(themes[t].name, name) == 0) {
			th = &themes[t];
			found = true;
		}
	if (!found)
		st = oms_fail(err, OMS_CONFIG, "oms.conf [ui] theme: unknown theme '%.40s'", name);
	if (!color)
		th = &themes[1];
	memcpy(spec, th->el, sizeof spec);

	for (int e = 0; cfg && e < UI_EL_COUNT; e++) {
		const char *v = config_get(cfg, "colors", element_names[e], NULL);
		char bad[64];

		if (!v)
			continue;
		if (!ui_theme_parse_spec(v, &spec[e].fg, &spec[e].bg, &spec[e].attrs, bad, sizeof bad)) {
			if (st == OMS_OK)
				st = oms_fail(err, OMS_CONFIG, "oms.conf [colors] %s: '%.40s' is not a color or attribute",
					      element_names[e], bad);
			spec[e] = th->el[e];
		}
	}

	if (color) {
		start_color();
		use_default_colors();
	}
	for (int e = 0; e < UI_EL_COUNT; e++) {
		int attr = spec[e].attrs;

		if (color && (spec[e].fg != C_DEF || spec[e].bg != C_DEF) &&
		    spec[e].fg < COLORS && spec[e].bg < COLORS && e + 1 < COLOR_PAIRS) {
			init_pair((short)(e + 1), spec[e].fg, spec[e].bg);
			attr |= COLOR_PAIR(e + 1);
		} else if (!color && e != UI_EL_NORMAL && e != UI_EL_DIM && attr == 0 &&
			   (spec[e].fg != C_DEF || spec[e].bg != C_DEF)) {
			/* a colored element must stay visible without color */
			attr = (spec[e].bg != C_DEF) ? A_REVERSE : A_BOLD;
		}
		element_attr[e] = attr;
	}
	return st;
}

int
ui_theme_attr(enum ui_element el)
{
	return (el >= 0 && el < UI_EL_COUNT) ? element_attr[el] : 0;
}

enum ui_element
ui_theme_status_element(const char *status)
{
	if (!status)
		return UI_EL_NORMAL;
	if (strcmp(status, "DELIVERED") == 0)
		return UI_EL_OK;
	if (strcmp(status, "CANCELLED") == 0)
		return UI_EL_DIM;
	if (strcmp(status, "DELIVERY_EXCEPTION") == 0)
		return UI_EL_ERROR;
	if (strcmp(status, "PENDING") == 0)
		return UI_EL_WARNING;
	return UI_EL_NORMAL;
}
