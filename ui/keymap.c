#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "actions.h"
#include "keymap.h"

_Static_assert(UI_ACT_COUNT <= 96, "ui_keymap.keys is too small for the action table");

const struct ui_action_info ui_actions[UI_ACT_COUNT] = {
	[UI_ACT_NONE] = { "", UI_SCOPE_GENERAL, "", { 0, 0, 0 } },
#define UI_ACTION_INFO(id, name, scope, help, k1, k2, k3) \
	[UI_ACT_##id] = { name, UI_SCOPE_##scope, help, { k1, k2, k3 } },
	UI_ACTION_TABLE(UI_ACTION_INFO)
#undef UI_ACTION_INFO
};

const char *const ui_scope_titles[UI_SCOPE_COUNT] = {
#define UI_SCOPE_TITLE(id, title, kind) [UI_SCOPE_##id] = title,
	UI_SCOPE_TABLE(UI_SCOPE_TITLE)
#undef UI_SCOPE_TITLE
};

const enum ui_scope_kind ui_scope_kinds[UI_SCOPE_COUNT] = {
#define UI_SCOPE_KIND(id, title, kind) [UI_SCOPE_##id] = UI_KIND_##kind,
	UI_SCOPE_TABLE(UI_SCOPE_KIND)
#undef UI_SCOPE_KIND
};

static bool
scope_global(enum ui_scope s)
{
	return ui_scope_kinds[s] == UI_KIND_GLOBAL;
}

static const struct {
	const char *name;
	int key;
} named_keys[] = {
	{ "Up", UI_KEY_UP }, { "Down", UI_KEY_DOWN }, { "Left", UI_KEY_LEFT },
	{ "Right", UI_KEY_RIGHT }, { "PgUp", UI_KEY_PGUP }, { "PgDn", UI_KEY_PGDN },
	{ "Home", UI_KEY_HOME }, { "End", UI_KEY_END }, { "Enter", UI_KEY_ENTER },
	{ "Esc", UI_KEY_ESC }, { "Tab", UI_KEY_TAB }, { "S-Tab", UI_KEY_BTAB },
	{ "Backspace", UI_KEY_BACKSPACE }, { "Del", UI_KEY_DELETE },
	{ "Insert", UI_KEY_INSERT }, { "Space", ' ' },
	/* accepted spellings that are not canonical */
	{ "PageUp", UI_KEY_PGUP }, { "PageDown", UI_KEY_PGDN }, { "Return", UI_KEY_ENTER },
	{ "Escape", UI_KEY_ESC }, { "Delete", UI_KEY_DELETE },
};

enum ui_action
ui_action_by_name(const char *name)
{
	for (int a = 1; a < UI_ACT_COUNT; a++)
		if (strcmp(ui_actions[a].name, name) == 0)
			return (enum ui_action)a;
	return UI_ACT_NONE;
}

bool
ui_key_is_text(int key)
{
	return key >= 0x20 && key != 0x7f && key < UI_KEY_BASE && !(key >= 0x80 && key < 0xa0);
}

int
ui_key_parse(const char *name)
{
	size_t n = strlen(name);

	if (n == 1 && (unsigned char)name[0] > 0x20 && (unsigned char)name[0] < 0x7f)
		return (unsigned char)name[0];
	if (n == 3 && (name[0] == 'C' || name[0] == 'c') && name[1] == '-' &&
	    isalpha((unsigned char)name[2]))
		return UI_CTRL(tolower((unsigned char)name[2]));
	if ((name[0] == 'F' || name[0] == 'f') && n >= 2 && n <= 3 &&
	    isdigit((unsigned char)name[1]) && (n == 2 || isdigit((unsigned char)name[2]))) {
		int f = atoi(name + 1);
		if (f >= 1 && f <= 12 && name[1] != '0')
			return UI_KEY_F(f);
		return UI_KEY_NONE;
	}
	for (size_t i = 0; i < sizeof named_keys / sizeof named_keys[0]; i++)
		if (strcasecmp(named_keys[i].name, name) == 0)
			return named_keys[i].key;
	return UI_KEY_NONE;
}

const char *
ui_key_name(int key, char *buf, size_t len)
{
	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (key == ' ') {
		snprintf(buf, len, "Space");
	} else if (key > 0x20 && key < 0x7f) {
		snprintf(buf, len, "%c", key);
	} else if (key >= 1 && key <= 26 && key != 9 && key != 13) {
		snprintf(buf, len, "C-%c", 'a' + key - 1);
	} else if (key > UI_KEY_F0 && key <= UI_KEY_F(12)) {
		snprintf(buf, len, "F%d", key - UI_KEY_F0);
	} else {
		for (size_t i = 0; i < sizeof named_keys / sizeof named_keys[0]; i++)
			if (named_keys[i].key == key) {
				snprintf(buf, len, "%s", named_keys[i].name);
				break;
			}
	}
	return buf;
}

void
ui_keymap_init(struct ui_keymap *km)
{
	memset(km, 0, sizeof *km);
	for (int a = 1; a < UI_ACT_COUNT; a++)
		for (int i = 0; i < 3; i++)
			km->keys[a][i] = ui_actions[a].keys[i];
}

/* Takes key away from the actions that share a namespace with scope s:
 * the same scope, or for a global scope every global one. */
static void
keymap_unbind_key(struct ui_keymap *km, enum ui_scope s, int key)
{
	for (int a = 1; a < UI_ACT_COUNT; a++) {
		enum ui_scope as = ui_actions[a].scope;
		int j = 0;

		if (as != s && !(scope_global(as) && scope_global(s)))
			continue;
		for (int i = 0; i < UI_KEYMAP_SLOTS; i++)
			if (km->keys[a][i] != key)
				km->keys[a][j++] = km->keys[a][i];
		while (j < UI_KEYMAP_SLOTS)
			km->keys[a][j++] = UI_KEY_NONE;
	}
}

enum oms_status
ui_keymap_bind(struct ui_keymap *km, const char *action, const char *keys,
	       struct oms_error *err)
{
	enum ui_action a = ui_action_by_name(action);
	int parsed[UI_KEYMAP_SLOTS];
	int n = 0;
	char tok[32];
	const char *p = keys;

	if (a == UI_ACT_NONE)
		return oms_fail(err, OMS_INVALID, "[keys]: unknown action '%.64s'", action);
	while (*p) {
		size_t l;

		while (*p == ' ' || *p == '\t' || (*p == ',' && p[1] != ' ' && p[1] != '\t' && p[1] != '\0'))
			p++;
		if (!*p)
			break;
		/* Keys are separated by blanks or commas; a lone "," is the comma key. */
		l = (*p == ',') ? 1 : strcspn(p, " \t,");
		if (l >= sizeof tok)
			return oms_fail(err, OMS_INVALID, "[keys] %s: key name too long", action);
		memcpy(tok, p, l);
		tok[l] = '\0';
		p += l;
		if (*p == ',' && strcmp(tok, ",") != 0)
			p++;
		if (n == UI_KEYMAP_SLOTS)
			return oms_fail(err, OMS_INVALID, "[keys] %s: at most %d keys",
					action, UI_KEYMAP_SLOTS);
		parsed[n] = ui_key_parse(tok);
		if (parsed[n] == UI_KEY_NONE)
			return oms_fail(err, OMS_INVALID, "[keys] %s: unknown key name '%s'",
					action, tok);
		n++;
	}
	if (n == 0)
		return oms_fail(err, OMS_INVALID, "[keys] %s: no key given", action);
	for (int i = 0; i < n; i++)
		keymap_unbind_key(km, ui_actions[a].scope, parsed[i]);
	for (int i = 0; i < UI_KEYMAP_SLOTS; i++)
		km->keys[a][i] = i < n ? parsed[i] : UI_KEY_NONE;
	return OMS_OK;
}

static int
keymap_find(const struct ui_keymap *km, int key, bool (*in)(enum ui_scope, enum ui_scope),
	    enum ui_scope s)
{
	for (int a = 1; a < UI_ACT_COUNT; a++) {
		if (!in(ui_actions[a].scope, s))
			continue;
		for (int i = 0; i < UI_KEYMAP_SLOTS; i++)
			if (km->keys[a][i] == key)
				return a;
	}
	return UI_ACT_NONE;
}

static bool
scope_is(enum ui_scope as, enum ui_scope s)
{
	return as == s;
}

static bool
scope_any_global(enum ui_scope as, enum ui_scope s)
{
	(void)s;
	return scope_global(as);
}

int
ui_keymap_action(const struct ui_keymap *km, int key)
{
	if (key == UI_KEY_NONE)
		return UI_ACT_NONE;
	return keymap_find(km, key, scope_any_global, UI_SCOPE_GENERAL);
}

int
ui_keymap_action_in(const struct ui_keymap *km, const struct ui_scope_chain *chain, int key)
{
	int a = UI_ACT_NONE;

	if (key == UI_KEY_NONE)
		return UI_ACT_NONE;
	if (!scope_global(chain->screen))
		a = keymap_find(km, key, scope_is, chain->screen);
	if (!a && chain->dialog)
		a = keymap_find(km, key, scope_is, UI_SCOPE_DIALOG);
	if (!a)
		a = keymap_find(km, key, scope_any_global, UI_SCOPE_GENERAL);
	return a;
}

const char *
ui_keymap_keys(const struct ui_keymap *km, int action, char *buf, size_t len)
{
	size_t used = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (action <= 0 || action >= UI_ACT_COUNT)
		return buf;
	for (int i = 0; i < UI_KEYMAP_SLOTS; i++) {
		char name[16];
		int w;

		if (km->keys[action][i] == UI_KEY_NONE)
			continue;
		ui_key_name(km->keys[action][i], name, sizeof name);
		w = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", name);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
	return buf;
}

const char *
ui_keymap_key(const struct ui_keymap *km, int action, char *buf, size_t len)
{
	if (len)
		buf[0] = '\0';
	if (action > 0 && action < UI_ACT_COUNT && km->keys[action][0] != UI_KEY_NONE)
		ui_key_name(km->keys[action][0], buf, len);
	return buf;
}

const char *
ui_keymap_key_not_text(const struct ui_keymap *km, int action, char *buf, size_t len)
{
	if (len)
		buf[0] = '\0';
	if (action <= 0 || action >= UI_ACT_COUNT)
		return buf;
	for (int i = 0; i < UI_KEYMAP_SLOTS; i++) {
		int k = km->keys[action][i];

		if (k != UI_KEY_NONE && !ui_key_is_text(k)) {
			ui_key_name(k, buf, len);
			break;
		}
	}
	return buf;
}
