/* Display width and cutting of UTF-8 text (ui/width.c). */
#include "config.h"

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "width.h"

#define ELL "\xe2\x80\xa6"      /* … */

static void
fit_is(const char *src, int maxw, const char *ell, const char *want, int want_w)
{
	char out[256];
	int w = ui_fit(out, sizeof out, src, maxw, ell);

	assert_string_equal(out, want);
	assert_int_equal(w, want_w);
}

static void
test_ascii(void **state)
{
	(void)state;
	assert_int_equal(ui_width("hello"), 5);
	assert_int_equal(ui_width(""), 0);
	fit_is("hello", 10, ELL, "hello", 5);
	fit_is("hello", 5, ELL, "hello", 5);
	fit_is("hello world", 8, ELL, "hello w" ELL, 8);
	fit_is("hello world", 8, "...", "hello...", 8);
	fit_is("hello", 0, ELL, "", 0);
	fit_is("hello", 1, ELL, ELL, 1);
	fit_is("hello", -1, ELL, "hello", 5);
}

static void
test_cjk_wide(void **state)
{
	/* 日本語: three characters of two columns each */
	const char *jp = "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e";

	(void)state;
	assert_int_equal(ui_width(jp), 6);
	fit_is(jp, 6, ELL, jp, 6);
	/* 5 columns: two wide characters (4) and the ellipsis (1) */
	fit_is(jp, 5, ELL, "\xe6\x97\xa5\xe6\x9c\xac" ELL, 5);
	/* 4 columns: one wide character, a blank where the second would not fit, … */
	fit_is(jp, 4, ELL, "\xe6\x97\xa5 " ELL, 4);
}

static void
test_combining(void **state)
{
	/* "Zoe" + COMBINING DIAERESIS (U+0308) is 3 columns, like "Zoë" */
	const char *zoe = "Zoe\xcc\x88";
	const char *ang = "A\xcc\x8angstr\xc3\xb6m";   /* Å as A + ring, ö precomposed */

	(void)state;
	assert_int_equal(ui_width(zoe), 3);
	assert_int_equal(ui_width("Zo\xc3\xab"), 3);
	assert_int_equal(ui_width(ang), 8);
	fit_is(zoe, 3, ELL, zoe, 3);
	/* the combining mark stays with its letter when cut */
	fit_is("e\xcc\x88" "abc", 2, ELL, "e\xcc\x88" ELL, 2);
}

static void
test_emoji(void **state)
{
	/* U+1F600 GRINNING FACE: two columns */
	(void)state;
	assert_int_equal(ui_width("\xf0\x9f\x98\x80"), 2);
	assert_int_equal(ui_width("a\xf0\x9f\x98\x80" "b"), 4);
	fit_is("a\xf0\x9f\x98\x80" "bc", 3, ELL, "a " ELL, 3);
}

static void
test_invalid_utf8(void **state)
{
	(void)state;
	/* stray continuation byte, truncated sequence, overlong '/', surrogate */
	assert_int_equal(ui_width("a\x80" "b"), 3);
	fit_is("a\x80" "b", 10, ELL, "a?b", 3);
	fit_is("ab\xe6\x97", 10, ELL, "ab??", 4);
	fit_is("\xc0\xaf", 10, ELL, "??", 2);
	fit_is("\xed\xa0\x80", 10, ELL, "???", 3);
	/* control characters and escape sequences never reach the terminal */
	fit_is("a\x1b[31mb\tc\n", 20, ELL, "a?[31mb?c?", 10);
	fit_is("x\xc2\x9b" "y", 10, ELL, "x?y", 3);
}

static void
test_line_cells(void **state)
{
	struct ui_line l;

	(void)state;
	ui_line_init(&l, false);
	ui_line_cell(&l, "ab", 4, false);
	ui_line_cell(&l, "7", 3, true);
	ui_line_cell(&l, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 5, false);
	assert_string_equal(l.buf, "ab    7\xe6\x97\xa5\xe6\x9c\xac" ELL);
	assert_int_equal(l.w, 12);
	ui_line_free(&l);

	ui_line_init(&l, true);
	ui_line_cell(&l, "abcdefgh", 6, false);
	assert_string_equal(l.buf, "abc...");
	ui_line_free(&l);
}

static void
test_decode(void **state)
{
	int cp;

	(void)state;
	assert_int_equal(ui_utf8_decode("\xc3\xab", 2, &cp), 2);
	assert_int_equal(cp, 0xeb);
	assert_int_equal(ui_utf8_decode("\xf0\x9f\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1f600);
	assert_int_equal(ui_utf8_decode("\xf4\x90\x80\x80", 4, &cp), 1);   /* > U+10FFFF */
	assert_int_equal(cp, -1);
}

/* Bidi controls (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069)
 * and C1 controls could reorder or restyle the rest of the line: '?'. */
static void
test_bidi_c1(void **state)
{
	static const char *const hostile[] = {
		"\xd8\x9c", "\xe2\x80\x8e", "\xe2\x80\x8f", "\xe2\x80\xaa", "\xe2\x80\xab",
		"\xe2\x80\xac", "\xe2\x80\xad", "\xe2\x80\xae", "\xe2\x81\xa6", "\xe2\x81\xa7",
		"\xe2\x81\xa8", "\xe2\x81\xa9", "\xc2\x80", "\xc2\x9b", "\xc2\x9f", NULL};

	(void)state;
	for (int i = 0; hostile[i]; i++) {
		char s[32];

		snprintf(s, sizeof s, "a%sexe.jpg", hostile[i]);
		assert_int_equal(ui_width(s), 9);
		fit_is(s, 20, ELL, "a?exe.jpg", 9);
	}
	fit_is("\xe2\x80\x8d", 5, ELL, "\xe2\x80\x8d", 0);   /* U+200D joiner: not a control */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii),
		cmocka_unit_test(test_cjk_wide),
		cmocka_unit_test(test_combining),
		cmocka_unit_test(test_emoji),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_line_cells),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_bidi_c1),
	};

	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
