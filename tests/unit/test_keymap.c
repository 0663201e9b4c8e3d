/* Key names and [keys] rebinding (ui/keymap.c). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "actions.h"
#include "keymap.h"

static void
test_parse_good(void **state)
{
	(void)state;
	assert_int_equal(ui_key_parse("q"), 'q');
	assert_int_equal(ui_key_parse("G"), 'G');
	assert_int_equal(ui_key_parse("/"), '/');
	assert_int_equal(ui_key_parse("C-x"), UI_CTRL('x'));
	assert_int_equal(ui_key_parse("c-X"), UI_CTRL('x'));
	assert_int_equal(ui_key_parse("F1"), UI_KEY_F(1));
	assert_int_equal(ui_key_parse("F12"), UI_KEY_F(12));
	assert_int_equal(ui_key_parse("Enter"), UI_KEY_ENTER);
	assert_int_equal(ui_key_parse("esc"), UI_KEY_ESC);
	assert_int_equal(ui_key_parse("Tab"), UI_KEY_TAB);
	assert_int_equal(ui_key_parse("Up"), UI_KEY_UP);
	assert_int_equal(ui_key_parse("Down"), UI_KEY_DOWN);
	assert_int_equal(ui_key_parse("PgUp"), UI_KEY_PGUP);
	assert_int_equal(ui_key_parse("PgDn"), UI_KEY_PGDN);
	assert_int_equal(ui_key_parse("Home"), UI_KEY_HOME);
	assert_int_equal(ui_key_parse("End"), UI_KEY_END);
	assert_int_equal(ui_key_parse("Space"), ' ');
}

static void
test_parse_bad(void **state)
{
	(void)state;
	assert_int_equal(ui_key_parse(""), UI_KEY_NONE);
	assert_int_equal(ui_key_parse("F0"), UI_KEY_NONE);
	assert_int_equal(ui_key_parse("F13"), UI_KEY_NONE);
	assert_int_equal(ui_key_parse("F01"), UI_KEY_NONE);
	assert_int_equal(ui_key_parse("C-"), UI_KEY_NONE);
	assert_int_equal(ui_key_parse("C-1"), UI_KEY_NONE);
	assert_int_equal(ui_key_parse("Ctrl-x"), UI_KEY_NONE);
	assert_int_equal(ui_key_parse("PageUpp"), UI_KEY_NONE);
	assert_int_equal(ui_key_parse("qq"), UI_KEY_NONE);
	assert_int_equal(ui_key_parse("\xc3\xab"), UI_KEY_NONE);
}

static void
test_names_round_trip(void **state)
{
	int keys[] = { 'q', '?', UI_CTRL('r'), UI_KEY_F(10), UI_KEY_ENTER, UI_KEY_ESC,
		       UI_KEY_TAB, UI_KEY_PGDN, UI_KEY_HOME, ' ' };
	char name[16];

	(void)state;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		assert_int_equal(ui_key_parse(ui_key_name(keys[i], name, sizeof name)), keys[i]);
}

static void
test_defaults(void **state)
{
	struct ui_keymap km;
	char buf[64];

	(void)state;
	ui_keymap_init(&km);
	assert_int_equal(ui_keymap_action(&km, 'q'), UI_ACT_BACK);
	assert_int_equal(ui_keymap_action(&km, UI_KEY_ESC), UI_ACT_BACK);
	assert_int_equal(ui_keymap_action(&km, UI_KEY_F(10)), UI_ACT_QUIT);
	assert_int_equal(ui_keymap_action(&km, 'j'), UI_ACT_DOWN);
	assert_int_equal(ui_keymap_action(&km, UI_KEY_F(1)), UI_ACT_HELP);
	assert_int_equal(ui_keymap_action(&km, 'Z'), UI_ACT_NONE);
	assert_string_equal(ui_keymap_keys(&km, UI_ACT_BACK, buf, sizeof buf), "q, Esc");
	assert_int_equal(ui_action_by_name("quit"), UI_ACT_QUIT);
	assert_int_equal(ui_action_by_name("nope"), UI_ACT_NONE);
}

static void
test_bind(void **state)
{
	struct ui_keymap km;
	struct oms_error err;
	char buf[64];

	(void)state;
	ui_keymap_init(&km);
	assert_int_equal(ui_keymap_bind(&km, "quit", "C-x", &err), OMS_OK);
	assert_int_equal(ui_keymap_action(&km, UI_CTRL('x')), UI_ACT_QUIT);
	assert_int_equal(ui_keymap_action(&km, UI_KEY_F(10)), UI_ACT_NONE);
	/* several keys; a key moves away from the action that had it */
	assert_int_equal(ui_keymap_bind(&km, "quit", "Q, F10 C-x", &err), OMS_OK);
	assert_string_equal(ui_keymap_keys(&km, UI_ACT_QUIT, buf, sizeof buf), "Q, F10, C-x");
	assert_int_equal(ui_keymap_bind(&km, "help", "q", &err), OMS_OK);
	assert_int_equal(ui_keymap_action(&km, 'q'), UI_ACT_HELP);
	assert_string_equal(ui_keymap_keys(&km, UI_ACT_BACK, buf, sizeof buf), "Esc");
	/* the comma key itself */
	assert_int_equal(ui_keymap_bind(&km, "search", ",", &err), OMS_OK);
	assert_int_equal(ui_keymap_action(&km, ','), UI_ACT_SEARCH);
}

static void
test_bind_errors(void **state)
{
	struct ui_keymap km, before;
	struct oms_error err;

	(void)state;
	ui_keymap_init(&km);
	before = km;
	assert_int_equal(ui_keymap_bind(&km, "launch-rockets", "x", &err), OMS_INVALID);
	assert_non_null(strstr(err.msg, "unknown action 'launch-rockets'"));
	assert_int_equal(ui_keymap_bind(&km, "quit", "C-", &err), OMS_INVALID);
	assert_non_null(strstr(err.msg, "unknown key name 'C-'"));
	assert_int_equal(ui_keymap_bind(&km, "quit", "F10 Hyper-q", &err), OMS_INVALID);
	assert_int_equal(ui_keymap_bind(&km, "quit", "", &err), OMS_INVALID);
	assert_int_equal(ui_keymap_bind(&km, "quit", "a b c d e", &err), OMS_INVALID);
	/* a refused binding changes nothing */
	assert_memory_equal(&km, &before, sizeof km);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_names_round_trip),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_bind),
		cmocka_unit_test(test_bind_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
