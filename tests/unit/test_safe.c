/* Hostile text on its way to a terminal (src/cli/table.c, app/charclass.h):
 * every bidi control, every C0 and C1 control, DEL, invalid and overlong
 * UTF-8 and surrogates are shown as '?' in text output, and escaped as
 * \uXXXX in JSON output so the JSON keeps the exact value; ordinary text
 * (accents, CJK, emoji, joiners) passes unchanged. */
#include "config.h"

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "app/app.h"
#include "app/charclass.h"
#include "cli/table.h"

static const unsigned bidi[] = {0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d,
				0x202e, 0x2066, 0x2067, 0x2068, 0x2069};

/* What cli_put_safe (json: cli_json_put_safe) writes for s. */
static char *
put(const char *s, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	if (json)
		cli_json_put_safe(f, s);
	else
		cli_put_safe(f, s);
	fclose(f);
	return buf;
}

static void
put_is(const char *s, const char *want)
{
	char *got = put(s, false);

	assert_string_equal(got, want);
	free(got);
}

static int
utf8(unsigned cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		out[1] = '\0';
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		out[2] = '\0';
		return 2;
	}
	out[0] = (char)(0xe0 | (cp >> 12));
	out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[2] = (char)(0x80 | (cp & 0x3f));
	out[3] = '\0';
	return 3;
}

static void
test_text_controls(void **state)
{
	char s[16];

	(void)state;
	for (unsigned cp = 1; cp < 0xa0; cp++) {
		bool bad = cp < 0x20 || cp >= 0x7f;

		snprintf(s, sizeof s, "a");
		utf8(cp, s + 1);
		strcat(s, "b");
		if (bad)
			assert_true(app_cp_hostile(cp));
		put_is(s, bad ? "a?b" : s);
		assert_int_equal(app_display_width(s), 3);
	}
	for (size_t i = 0; i < sizeof bidi / sizeof bidi[0]; i++) {
		strcpy(s, "x");
		utf8(bidi[i], s + 1);
		strcat(s, "gpj.exe");
		put_is(s, "x?gpj.exe");
		assert_int_equal(app_display_width(s), 9);
		assert_true(app_cp_bidi_control(bidi[i]));
	}
	/* neighbours of the bidi controls are ordinary text */
	put_is("\xe2\x80\x8d", "\xe2\x80\x8d");          /* U+200D ZERO WIDTH JOINER */
	put_is("\xe2\x80\xaf", "\xe2\x80\xaf");          /* U+202F NARROW NO-BREAK SPACE */
	put_is("\xe2\x81\xa5", "\xe2\x81\xa5");          /* U+2065 (unassigned, not a control) */
	put_is("\xd8\x9b", "\xd8\x9b");                  /* U+061B ARABIC SEMICOLON */
	put_is("Zo\xc3\xab \xe5\xbc\xa0\xe4\xbc\x9f \xf0\x9f\x98\x80", "Zo\xc3\xab \xe5\xbc\xa0\xe4\xbc\x9f \xf0\x9f\x98\x80");
}

static void
test_text_invalid(void **state)
{
	(void)state;
	put_is("a\xff" "b", "a?b");
	put_is("a\xc0\xaf" "b", "a??b");                 /* overlong '/' */
	put_is("a\xe0\x80\xaf" "b", "a???b");            /* overlong, 3 bytes */
	put_is("a\xf0\x80\x80\xaf" "b", "a????b");       /* overlong, 4 bytes */
	put_is("a\xc1\x9b" "b", "a??b");                 /* overlong ESC [ */
	put_is("a\xc0\x9b" "b", "a??b");
	put_is("a\xe0\x82\x9b" "b", "a???b");            /* overlong U+009B */
	put_is("a\xed\xa0\x80" "b", "a???b");            /* a surrogate */
	put_is("a\xf4\x90\x80\x80" "b", "a????b");       /* above U+10FFFF */
	put_is("a\xe2\x80" , "a??");                     /* cut short */
	put_is("\x1b[2J\x9b" "31m", "?[2J?31m");         /* raw escapes, a raw C1 byte */
	put_is("", "");
	put_is(NULL, "");
}

static void
test_json(void **state)
{
	char s[64];
	char *text, *out;
	json_t *back;

	(void)state;
	for (size_t i = 0; i < sizeof bidi / sizeof bidi[0]; i++) {
		char want[16];

		utf8(bidi[i], s);
		out = put(s, true);
		snprintf(want, sizeof want, "\\u%04x", bidi[i]);
		assert_string_equal(out, want);
		free(out);
	}
	for (unsigned cp = 0x80; cp < 0xa0; cp++) {
		char want[16];

		utf8(cp, s);
		out = put(s, true);
		snprintf(want, sizeof want, "\\u%04x", cp);
		assert_string_equal(out, want);
		free(out);
	}
	/* a document with them round-trips exactly, and its bytes hold no C1
	 * control and no bidi control */
	snprintf(s, sizeof s, "Mallory \xe2\x80\xae" "fdp.exe \xc2\x9b" "31m Zo\xc3\xab \x1b");
	back = json_pack("{s:s}", "full_name", s);
	text = json_dumps(back, JSON_COMPACT);
	json_decref(back);
	assert_non_null(text);
	out = put(text, true);
	assert_null(strstr(out, "\xc2\x9b"));
	assert_null(strstr(out, "\xe2\x80\xae"));
	assert_non_null(strstr(out, "\\u202e"));
	assert_non_null(strstr(out, "\\u009b"));
	assert_non_null(strstr(out, "Zo\xc3\xab"));        /* ordinary text stays readable */
	back = json_loads(out, 0, NULL);
	assert_non_null(back);
	assert_string_equal(json_string_value(json_object_get(back, "full_name")), s);
	json_decref(back);
	free(out);
	free(text);
	out = put("\"\xff\"", true);
	assert_string_equal(out, "\"\\ufffd\"");
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_controls),
		cmocka_unit_test(test_text_invalid),
		cmocka_unit_test(test_json),
	};

	setlocale(LC_CTYPE, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
