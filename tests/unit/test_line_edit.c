/* The one line editor (ui/line_edit.c): the same keys in every field,
 * the selection a new lookup and a pre-filled date start with, and a
 * paste that is cut to the field's limit and says how much was left out. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "input.h"

static struct ui_input in;

static void
keys(const int *k, size_t n)
{
	bool changed;

	for (size_t i = 0; i < n; i++)
		ui_input_key(&in, k[i], &changed);
}

#define KEYS(...) do { static const int k_[] = { __VA_ARGS__ }; keys(k_, sizeof k_ / sizeof k_[0]); } while (0)

static void
type(const char *s)
{
	bool changed;

	for (; *s; s++)
		ui_input_key(&in, (unsigned char)*s, &changed);
}

static int
setup(void **state)
{
	(void)state;
	in.max = 0;
	ui_input_clear(&in);
	return 0;
}

static void
test_moves_and_cuts(void **state)
{
	(void)state;
	type("zoe angstrom");
	KEYS(UI_KEY_HOME);
	type(">");
	assert_string_equal(in.buf, ">zoe angstrom");
	KEYS(UI_KEY_END);
	type("<");
	assert_string_equal(in.buf, ">zoe angstrom<");
	KEYS(UI_CTRL('a'), UI_KEY_DELETE, UI_CTRL('e'), UI_KEY_BACKSPACE);
	assert_string_equal(in.buf, "zoe angstrom");
	KEYS(UI_CTRL('w'));
	assert_string_equal(in.buf, "zoe ");
	KEYS(UI_KEY_LEFT, UI_KEY_LEFT, UI_CTRL('k'));
	assert_string_equal(in.buf, "zo");
	KEYS(UI_KEY_LEFT, UI_CTRL('u'));
	assert_string_equal(in.buf, "o");
	assert_int_equal(in.cur, 0);
	KEYS(UI_KEY_RIGHT);
	type("k");
	assert_string_equal(in.buf, "ok");
	assert_int_equal(in.nchars, 2);
}

static void
test_utf8(void **state)
{
	bool changed;

	(void)state;
	ui_input_key(&in, 0xc5, &changed);       /* Å */
	type("ngstr");
	ui_input_key(&in, 0xf6, &changed);       /* ö */
	type("m");
	assert_string_equal(in.buf, "\xc3\x85ngstr\xc3\xb6m");
	assert_int_equal(in.nchars, 8);
	KEYS(UI_KEY_LEFT, UI_KEY_BACKSPACE);
	assert_string_equal(in.buf, "\xc3\x85ngstrm");
	KEYS(UI_KEY_HOME, UI_KEY_DELETE);
	assert_string_equal(in.buf, "ngstrm");
	assert_int_equal(in.nchars, 6);
}

/* "/" selects the old lookup: typing replaces it (it appended before:
 * "10000012ZOE..."); a movement keeps it for editing. */
static void
test_selection(void **state)
{
	bool changed;
	int flags;

	(void)state;
	ui_input_set(&in, "10000012");
	ui_input_select_all(&in);
	assert_true(in.selected);
	flags = ui_input_key(&in, 'Z', &changed);
	assert_true(changed);
	assert_true(flags & UI_HANDLED);
	assert_false(in.selected);
	assert_string_equal(in.buf, "Z");

	/* the same one-character text: still a change */
	ui_input_select_all(&in);
	ui_input_key(&in, 'Z', &changed);
	assert_true(changed);
	assert_string_equal(in.buf, "Z");

	ui_input_set(&in, "2024-05-01");
	ui_input_select_all(&in);
	KEYS(UI_KEY_BACKSPACE);
	assert_string_equal(in.buf, "");

	ui_input_set(&in, "2024-05-01");
	ui_input_select_all(&in);
	KEYS(UI_KEY_LEFT);
	assert_false(in.selected);
	assert_int_equal(in.cur, 0);
	type("x");
	assert_string_equal(in.buf, "x2024-05-01");

	ui_input_set(&in, "abc");
	ui_input_select_all(&in);
	assert_int_equal(ui_input_paste(&in, "def", false), 0);
	assert_string_equal(in.buf, "def");

	/* an empty field has nothing to select */
	ui_input_clear(&in);
	ui_input_select_all(&in);
	assert_false(in.selected);
}

static void
test_paste(void **state)
{
	(void)state;
	assert_int_equal(ui_input_paste(&in, "please cancel\r\norder\t10000004\nx", false), 0);
	assert_string_equal(in.buf, "please cancel order 10000004 x");
	ui_input_clear(&in);
	assert_int_equal(ui_input_paste(&in, "a\r\nb\rc\nd", true), 0);
	assert_string_equal(in.buf, "a\nb\nc\nd");
	/* control characters never reach the field */
	ui_input_clear(&in);
	assert_int_equal(ui_input_paste(&in, "a\x1b[2Jb\x07", false), 0);
	assert_string_equal(in.buf, "a[2Jb");
}

static void
test_limit(void **state)
{
	char big[300];

	(void)state;
	in.max = 200;
	ui_input_clear(&in);
	assert_int_equal(in.max, 200);
	memset(big, 'a', 250);
	big[250] = '\0';
	assert_int_equal(ui_input_paste(&in, big, false), 50);
	assert_int_equal(in.nchars, 200);
	assert_int_equal(ui_input_limit(&in), 200);
	assert_true(in.overflow);
	in.max = 0;
	assert_int_equal(ui_input_limit(&in), UI_INPUT_MAXCHARS);
}

static void
test_edit_keys(void **state)
{
	(void)state;
	assert_true(ui_input_is_edit_key('q'));
	assert_true(ui_input_is_edit_key(UI_KEY_HOME));
	assert_true(ui_input_is_edit_key(UI_CTRL('w')));
	assert_false(ui_input_is_edit_key(UI_KEY_ENTER));
	assert_false(ui_input_is_edit_key(UI_KEY_ESC));
	assert_false(ui_input_is_edit_key(UI_KEY_F(1)));
	assert_false(ui_input_is_edit_key(UI_KEY_DOWN));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_moves_and_cuts, setup),
		cmocka_unit_test_setup(test_utf8, setup),
		cmocka_unit_test_setup(test_selection, setup),
		cmocka_unit_test_setup(test_paste, setup),
		cmocka_unit_test_setup(test_limit, setup),
		cmocka_unit_test_setup(test_edit_keys, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
