/* The CSV field writer (src/cli/writer.c, csv_put_field) and -o FILE's
 * checks (src/cli/outfile.c): every field, written and read back through a
 * strict RFC 4180 reader (below), gives the value back, quoted only when it
 * holds a quote, comma, CR or LF; a value that a spreadsheet would run as a
 * formula gets a leading quote when asked (and only then); outfile refuses
 * to replace a file without force, a directory, and a directory others may
 * write without the sticky bit, commits atomically and leaves nothing on
 * abort. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli/outfile.h"
#include "cli/writer.h"

static char *
field(const char *s, bool neutralise)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	csv_put_field(f, s, neutralise);
	fclose(f);
	return buf;
}

/* A strict RFC 4180 reader of one field: the value, or NULL when the text
 * is not exactly one well-formed field (a bare quote inside an unquoted
 * field, an unpaired quote, text after the closing quote, an unquoted
 * comma, CR or LF). */
static char *
read_field(const char *t)
{
	size_t n = strlen(t);
	char *out = malloc(n + 1), *o = out;

	assert_non_null(out);
	if (t[0] != '"') {
		if (strpbrk(t, "\",\r\n")) {
			free(out);
			return NULL;
		}
		strcpy(out, t);
		return out;
	}
	for (const char *p = t + 1;; p++) {
		if (!*p) {                      /* no closing quote */
			free(out);
			return NULL;
		}
		if (*p == '"') {
			if (p[1] == '"') {
				*o++ = '"';
				p++;
			} else if (p[1] == '\0') {
				break;
			} else {               /* text after the closing quote */
				free(out);
				return NULL;
			}
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

static void
roundtrip(const char *v, bool neutralise, const char *want_text, const char *want_value)
{
	char *t = field(v, neutralise), *back = read_field(t);

	assert_string_equal(t, want_text);
	assert_non_null(back);
	assert_string_equal(back, want_value ? want_value : v);
	free(t);
	free(back);
}

static void
test_plain(void **state)
{
	(void)state;
	roundtrip("", true, "", NULL);
	roundtrip("abc", true, "abc", NULL);
	roundtrip("12.34", false, "12.34", NULL);
	roundtrip("Zoë Ångström-Nakamura 東京 🙂", true, "Zoë Ångström-Nakamura 東京 🙂", NULL);
	roundtrip("a'b", true, "a'b", NULL);
	roundtrip("a;b\tc", true, "a;b\tc", NULL);    /* a tab inside is data */
}

static void
test_quoted(void **state)
{
	(void)state;
	roundtrip("a,b", true, "\"a,b\"", NULL);
	roundtrip("say \"hi\"", true, "\"say \"\"hi\"\"\"", NULL);
	roundtrip("\"", true, "\"\"\"\"", NULL);
	roundtrip("line1\nline2", true, "\"line1\nline2\"", NULL);
	roundtrip("line1\r\nline2", true, "\"line1\r\nline2\"", NULL);
	roundtrip(",", true, "\",\"", NULL);
	roundtrip("ø, \"æ\"\nå", true, "\"ø, \"\"æ\"\"\nå\"", NULL);
}

static void
test_neutralised(void **state)
{
	static const char *const formulas[] = {"=1+2", "+1", "-1", "@SUM(A1)", "\tx", "=HYPERLINK(\"x\")"};

	(void)state;
	for (size_t i = 0; i < sizeof formulas / sizeof formulas[0]; i++) {
		char *t = field(formulas[i], true), *back = read_field(t);
		char want[64];

		assert_non_null(back);
		snprintf(want, sizeof want, "'%s", formulas[i]);
		assert_string_equal(back, want);
		free(t);
		free(back);
	}
	/* a CR first: quoted (it is a line break) and neutralised */
	roundtrip("\rx", true, "\"'\rx\"", "'\rx");
	/* a formula with a comma: quoted around the quote mark */
	roundtrip("=a,b", true, "\"'=a,b\"", "'=a,b");
	/* not asked (numbers, times are ours): as it is */
	roundtrip("-12.50", false, "-12.50", NULL);
	roundtrip("=1", false, "=1", NULL);
	/* only the first character counts */
	roundtrip("a=1", true, "a=1", NULL);
}

/* Many generated values made of the characters that matter (and a
 * two-byte one): each reads back as itself, or with the one leading quote
 * when it starts like a formula and neutralising was asked. */
static void
test_generated(void **state)
{
	static const char *const atoms[] = {"a", ",", "\"", "\r", "\n", "=", "+", "-", "@", "\t",
					    "\xc3\xa9", " ", "'", "\"\""};
	unsigned long x = 12345;

	(void)state;
	for (int i = 0; i < 20000; i++) {
		char v[128] = "", want[130];
		int n = (int)((x = x * 6364136223846793005UL + 1442695040888963407UL) >> 60);

		for (int k = 0; k < n; k++) {
			x = x * 6364136223846793005UL + 1442695040888963407UL;
			strcat(v, atoms[(x >> 33) % (sizeof atoms / sizeof atoms[0])]);
		}
		for (int neutralise = 0; neutralise < 2; neutralise++) {
			char *t = field(v, neutralise), *back = read_field(t);

			snprintf(want, sizeof want, "%s%s",
				 neutralise && v[0] && strchr("=+-@\t\r", v[0]) ? "'" : "", v);
			assert_non_null(back);
			assert_string_equal(back, want);
			free(t);
			free(back);
		}
	}
}

static void
test_formats(void **state)
{
	enum row_format f;

	(void)state;
	assert_true(row_format_parse("csv", &f) && f == ROW_FMT_CSV);
	assert_true(row_format_parse("xlsx", &f) && f == ROW_FMT_XLSX);
	assert_true(row_format_parse("json", &f) && f == ROW_FMT_JSON);
	assert_true(row_format_parse("text", &f) && f == ROW_FMT_TEXT);
	assert_false(row_format_parse("xls", &f));
	assert_false(row_format_parse(NULL, &f));
}

/* --- outfile ---------------------------------------------------------------- */

static char dir[] = "/tmp/oms-test-csv-XXXXXX";

static int
count_entries(const char *d)
{
	char cmd[256];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", d);
	assert_non_null(p = popen(cmd, "r"));
	assert_int_equal(fscanf(p, "%d", &n), 1);
	pclose(p);
	return n;
}

static void
test_outfile(void **state)
{
	struct outfile o;
	struct oms_error err = {0};
	char path[256], sub[128], open_dir[256], sticky[256], buf[16] = {0};
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	chmod(dir, 0755);
	snprintf(path, sizeof path, "%s/out.csv", dir);
	/* a new file: written, committed, the temporary file gone */
	assert_int_equal(outfile_open(&o, path, false, &err), OMS_OK);
	assert_int_equal(write(o.fd, "new\n", 4), 4);
	assert_int_equal(count_entries(dir), 1);           /* only the temporary file */
	assert_int_equal(outfile_commit(&o, &err), OMS_OK);
	assert_int_equal(count_entries(dir), 1);
	assert_non_null(f = fopen(path, "r"));
	assert_non_null(fgets(buf, sizeof buf, f));
	fclose(f);
	assert_string_equal(buf, "new\n");
	/* it exists: refused without force, before anything is made */
	assert_int_equal(outfile_open(&o, path, false, &err), OMS_USAGE);
	assert_int_equal(count_entries(dir), 1);
	/* a file that appears while the output is written is not replaced */
	unlink(path);
	assert_int_equal(outfile_open(&o, path, false, &err), OMS_OK);
	assert_non_null(f = fopen(path, "w"));
	fputs("theirs\n", f);
	fclose(f);
	assert_int_equal(outfile_commit(&o, &err), OMS_USAGE);
	assert_int_equal(count_entries(dir), 1);
	assert_non_null(f = fopen(path, "r"));
	assert_non_null(fgets(buf, sizeof buf, f));
	fclose(f);
	assert_string_equal(buf, "theirs\n");
	/* force replaces it */
	assert_int_equal(outfile_open(&o, path, true, &err), OMS_OK);
	assert_int_equal(write(o.fd, "forced\n", 7), 7);
	assert_int_equal(outfile_commit(&o, &err), OMS_OK);
	assert_non_null(f = fopen(path, "r"));
	assert_non_null(fgets(buf, sizeof buf, f));
	fclose(f);
	assert_string_equal(buf, "forced\n");
	/* abort: FILE as it was, no temporary file */
	assert_int_equal(outfile_open(&o, path, true, &err), OMS_OK);
	assert_int_equal(write(o.fd, "x", 1), 1);
	outfile_abort(&o);
	assert_int_equal(count_entries(dir), 1);
	/* a directory as FILE; a directory others may write; with the sticky bit */
	snprintf(sub, sizeof sub, "%s/sub", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_int_equal(outfile_check(sub, true, &err), OMS_USAGE);
	snprintf(open_dir, sizeof open_dir, "%s/x.csv", sub);
	chmod(sub, 0777);
	assert_int_equal(outfile_check(open_dir, false, &err), OMS_USAGE);
	assert_non_null(strstr(err.msg, "sticky"));
	chmod(sub, 01777);
	assert_int_equal(outfile_check(open_dir, false, &err), OMS_OK);
	snprintf(sticky, sizeof sticky, "%s/none/x.csv", dir);
	assert_int_equal(outfile_check(sticky, false, &err), OMS_IO);
	assert_int_equal(outfile_check("", false, &err), OMS_USAGE);
	rmdir(sub);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_quoted),
		cmocka_unit_test(test_neutralised),
		cmocka_unit_test(test_generated),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_outfile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
