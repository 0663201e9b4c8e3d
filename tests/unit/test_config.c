/* oms.conf parser: good files, and every kind of bad line giving a clear
 * file:line error rather than a crash or a silent default. */
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

#include "conf.h"
#include "log.h"

static struct oms_config *
parse(const char *text, struct oms_error *err)
{
	oms_error_clear(err);
	return config_parse(text, strlen(text), "t.conf", err);
}

/* Parses text that must fail, and checks the message names the line. */
static void
expect_error(const char *text, const char *where, const char *what)
{
	struct oms_error err;
	struct oms_config *cfg = parse(text, &err);

	assert_null(cfg);
	assert_int_equal(err.status, OMS_CONFIG);
	if (!strstr(err.msg, where) || !strstr(err.msg, what))
		fail_msg("message '%s' lacks '%s' or '%s'", err.msg, where, what);
}

static void
test_good_file(void **state)
{
	struct oms_error err;
	struct oms_config *cfg = parse(
		"# comment\n"
		"; another comment\n"
		"\n"
		"[connection]\n"
		"conninfo = host=db1 dbname=oms   # trailing comment\n"
		"  report_conninfo=host=replica\n"
		"[ui]\r\n"
		"theme = \"dark \\\"blue\\\" \\\\ # not a comment\"   ; comment\r\n"
		"color = #ff0000\n"
		"empty =\n"
		"[Log] ; comment after a header\n"
		"Level = debug\n"
		"syslog = yes\n"
		"count = 42\n"
		"last = no newline at end", &err);

	assert_non_null(cfg);
	assert_null(config_path(cfg));
	assert_string_equal(config_get(cfg, "connection", "conninfo", NULL), "host=db1 dbname=oms");
	assert_string_equal(config_get(cfg, "connection", "report_conninfo", NULL), "host=replica");
	assert_string_equal(config_get(cfg, "ui", "theme", NULL), "dark \"blue\" \\ # not a comment");
	assert_string_equal(config_get(cfg, "ui", "color", NULL), "#ff0000");
	assert_string_equal(config_get(cfg, "ui", "empty", "def"), "");
	assert_string_equal(config_get(cfg, "ui", "missing", "def"), "def");
	/* section and key names are case-insensitive */
	assert_string_equal(config_get(cfg, "log", "level", NULL), "debug");
	assert_true(config_get_bool(cfg, "log", "syslog", false));
	assert_false(config_get_bool(cfg, "log", "nothere", false));
	assert_string_equal(config_get(cfg, "log", "last", NULL), "no newline at end");
	config_free(cfg);
}

static void
test_empty_and_bom(void **state)
{
	struct oms_error err;
	struct oms_config *cfg = config_parse(NULL, 0, "t.conf", &err);

	assert_non_null(cfg);
	config_free(cfg);
	cfg = parse("\xef\xbb\xbf[a]\nk = v\n", &err);
	assert_non_null(cfg);
	assert_string_equal(config_get(cfg, "a", "k", NULL), "v");
	config_free(cfg);
}

static void
test_bad_lines(void **state)
{
	expect_error("k = v\n", "t.conf:1:", "outside of any [section]");
	expect_error("[a]\njust words\n", "t.conf:2:", "expected '=' after the key name");
	expect_error("[a]\n= value\n", "t.conf:2:", "expected '[section]' or 'key = value'");
	expect_error("[a\n", "t.conf:1:", "missing ']'");
	expect_error("[]\n", "t.conf:1:", "section name");
	expect_error("[a b]\n", "t.conf:1:", "missing ']'");
	expect_error("[a] junk\n", "t.conf:1:", "unexpected text after ']'");
	expect_error("[a]\nk = \"open\n", "t.conf:2:", "unterminated quoted value");
	expect_error("[a]\nk = \"ends in backslash\\", "t.conf:2:", "unterminated quoted value");
	expect_error("[a]\nk = \"x\" y\n", "t.conf:2:", "after the closing");
	expect_error("[a]\nk = \"\\n\"\n", "t.conf:2:", "unknown escape");
	expect_error("[a]\nk = a\033[31mred\n", "t.conf:2:", "control character");
	expect_error("[a]\nk\xc3\xa9 = v\n", "t.conf:2:", "expected '='");
}

static void
test_duplicates_are_errors(void **state)
{
	expect_error("[a]\nk = 1\n\n[b]\nk = 2\n[A]\nK = 3\n", "t.conf:7:",
		     "duplicate key 'K' in [A] (first set on line 2)");
}

static void
test_embedded_nul(void **state)
{
	static const char text[] = "[a]\nk = v\nx = a\0b\n";
	struct oms_error err;
	struct oms_config *cfg = config_parse(text, sizeof text - 1, "t.conf", &err);

	assert_null(cfg);
	assert_non_null(strstr(err.msg, "t.conf:3: NUL byte"));
}

static void
test_long_lines(void **state)
{
	size_t n = 10 * 1024;
	char *text = malloc(n + 16);
	struct oms_error err;
	struct oms_config *cfg;

	/* 10 kB: refused with the line number */
	strcpy(text, "[a]\nk = ");
	memset(text + 8, 'x', n);
	strcpy(text + 8 + n, "\n");
	cfg = parse(text, &err);
	assert_null(cfg);
	assert_non_null(strstr(err.msg, "t.conf:2: line too long"));

	/* 8000 bytes: fine */
	strcpy(text, "[a]\nk = ");
	memset(text + 8, 'y', 8000);
	strcpy(text + 8 + 8000, "\n");
	cfg = parse(text, &err);
	assert_non_null(cfg);
	assert_int_equal(strlen(config_get(cfg, "a", "k", "")), 8000);
	config_free(cfg);
	free(text);
}

static void
test_int_ranges(void **state)
{
	struct oms_error err;
	struct oms_config *cfg = parse("[t]\nok = 30\nneg = -5\nword = ten\nbig = 99999999999999999999\n"
				       "trail = 5s\nspace = \" 5\"\nhigh = 1000\n", &err);
	long v;

	assert_non_null(cfg);
	assert_int_equal(config_get_int(cfg, "t", "ok", 1, 0, 100, &v, &err), OMS_OK);
	assert_int_equal(v, 30);
	assert_int_equal(config_get_int(cfg, "t", "absent", 7, 0, 100, &v, &err), OMS_OK);
	assert_int_equal(v, 7);
	assert_int_equal(config_get_int(cfg, "t", "neg", 1, -10, 10, &v, &err), OMS_OK);
	assert_int_equal(v, -5);

	assert_int_equal(config_get_int(cfg, "t", "neg", 1, 0, 10, &v, &err), OMS_CONFIG);
	assert_non_null(strstr(err.msg, "t.conf:3: [t] neg: -5 is out of range (0..10)"));
	assert_int_equal(config_get_int(cfg, "t", "word", 1, 0, 10, &v, &err), OMS_CONFIG);
	assert_non_null(strstr(err.msg, "t.conf:4:"));
	assert_non_null(strstr(err.msg, "not a whole number"));
	assert_int_equal(config_get_int(cfg, "t", "big", 1, 0, 10, &v, &err), OMS_CONFIG);
	assert_non_null(strstr(err.msg, "out of range"));
	assert_int_equal(config_get_int(cfg, "t", "trail", 1, 0, 10, &v, &err), OMS_CONFIG);
	assert_int_equal(config_get_int(cfg, "t", "space", 1, 0, 10, &v, &err), OMS_CONFIG);
	assert_int_equal(config_get_int(cfg, "t", "high", 1, 0, 999, &v, &err), OMS_CONFIG);
	assert_non_null(strstr(err.msg, "t.conf:8:"));
	config_free(cfg);
}

static bool
collect(const char *key, const char *value, void *arg)
{
	char *buf = arg;

	strcat(buf, key);
	strcat(buf, "=");
	strcat(buf, value);
	strcat(buf, ";");
	return strcmp(key, "stop") != 0;
}

static void
test_each_in_order(void **state)
{
	struct oms_error err;
	struct oms_config *cfg = parse("[keys]\nquit = q\nhelp = ?\n[other]\nx = 1\n[keys]\n"
				       "find = /\nstop = s\nafter = no\n", &err);
	char buf[128] = "";

	assert_non_null(cfg);
	config_each(cfg, "keys", collect, buf);
	assert_string_equal(buf, "quit=q;help=?;find=/;stop=s;");
	config_free(cfg);
}

static char *
write_temp(const char *text, mode_t mode)
{
	char *path = strdup("/tmp/oms-test-conf.XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

static void
test_load_and_private(void **state)
{
	char *open_path = write_temp("[payment]\napi_key = sk_test_x\n", 0644);
	char *priv_path = write_temp("[payment]\napi_key = sk_test_x\n", 0600);
	struct oms_error err;
	struct oms_config *cfg;

	cfg = config_load(open_path, &err);
	assert_non_null(cfg);
	assert_string_equal(config_path(cfg), open_path);
	assert_int_equal(config_check_private(cfg, &err), OMS_CONFIG);
	assert_non_null(strstr(err.msg, "mode 0644"));
	assert_non_null(strstr(err.msg, "chmod 600"));
	config_free(cfg);

	cfg = config_load(priv_path, &err);
	assert_non_null(cfg);
	assert_int_equal(config_check_private(cfg, &err), OMS_OK);
	config_free(cfg);

	/* a file given explicitly must exist; a directory is not a file */
	assert_null(config_load("/nonexistent/oms.conf", &err));
	assert_non_null(strstr(err.msg, "/nonexistent/oms.conf"));
	assert_null(config_load("/tmp", &err));
	assert_non_null(strstr(err.msg, "not a regular file"));

	unlink(open_path);
	unlink(priv_path);
	free(open_path);
	free(priv_path);
}

static void
test_search_env(void **state)
{
	char *path = write_temp("[connection]\nconninfo = service=x\n", 0600);
	struct oms_error err;
	struct oms_config *cfg;

	setenv("OMS_CONFIG", path, 1);
	cfg = config_load(NULL, &err);
	assert_non_null(cfg);
	assert_string_equal(config_get(cfg, "connection", "conninfo", ""), "service=x");
	config_free(cfg);

	setenv("OMS_CONFIG", "/nonexistent/x.conf", 1);
	assert_null(config_load(NULL, &err));
	unsetenv("OMS_CONFIG");

	/* nothing anywhere is fine: an empty configuration */
	setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
	cfg = config_load(NULL, &err);
	assert_non_null(cfg);
	config_free(cfg);
	unlink(path);
	free(path);
}

/* Every way a conninfo or URI can carry a password libpq would use, and
 * look-alikes that carry none. */
static void
test_conninfo_passwords(void **state)
{
	static const char *const with[] = {
		"host=db password=secret",
		"host=db password = 'a b' dbname=oms",
		"password='it''s'",
		"password=\\'x",
		"  sslpassword=keypass host=db",
		"PASSWORD=x",
		"postgresql://oms:secret@db/oms",
		"postgres://oms:s%40cret@db:5432/oms",
		"POSTGRESQL://u:p@h1,h2/db?target_session_attrs=read-write",
		"postgresql://db/oms?password=secret",
		"postgresql://db/oms?sslmode=require&pass%77ord=secret",
		"postgresql://db/oms?%70assword=x",
		"dbname='postgresql://u:p@db/oms'",
		"dbname='host=db password=x'",
		/* libpq skips the blanks after '=': the password is "dbname=oms" */
		"host=db password= dbname=oms",
	};
	static const char *const without[] = {
		"host=db dbname=oms user=oms",
		"service=oms",
		"host=db password=",
		"password=''",
		"application_name='password=x'",
		"passfile=/home/u/.pgpass",
		"postgresql://oms@db/oms",
		"postgresql://oms:@db/oms",
		"postgresql://db/oms?password=",
		"postgresql://db/oms?passfile=/x",
		"postgresql://db/u:p@x",
		"",
	};

	for (size_t i = 0; i < sizeof with / sizeof with[0]; i++)
		if (!config_conninfo_has_password(with[i]))
			fail_msg("no password found in \"%s\"", with[i]);
	for (size_t i = 0; i < sizeof without / sizeof without[0]; i++)
		if (config_conninfo_has_password(without[i]))
			fail_msg("a password found in \"%s\"", without[i]);
	assert_false(config_conninfo_has_password(NULL));
}

/* A world-readable file with a database password is refused, naming the
 * file, the key and the fixes, never the password. */
static void
test_secrets_refused(void **state)
{
	static const char *const files[] = {
		"[connection]\nconninfo = postgresql://oms_worker:hunter2@db/oms\n",
		"[connection]\nconninfo = host=db password='hunter2 x'\n",
		"[worker]\nlisten_conninfo = host=db password=hunter2\n",
		"[mail]\npassword = hunter2\n",
		"[payment]\napi_key = hunter2\n",
	};
	struct oms_error err;

	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char *open_path = write_temp(files[i], 0644);
		char *grp_path = write_temp(files[i], 0640);
		char *priv_path = write_temp(files[i], 0600);
		struct oms_config *cfg = config_load(open_path, &err);
		const char *sec, *key;

		assert_non_null(cfg);
		assert_true(config_find_secret(cfg, &sec, &key));
		assert_int_equal(config_check_secrets(cfg, &err), OMS_CONFIG);
		if (!strstr(err.msg, open_path) || !strstr(err.msg, "chmod 600") ||
		    !strstr(err.msg, key) || strstr(err.msg, "hunter2"))
			fail_msg("file %zu: message \"%s\"", i, err.msg);
		if (strstr(key, "conninfo") && (!strstr(err.msg, ".pgpass") ||
						!strstr(err.msg, "PGPASSFILE") ||
						!strstr(err.msg, "peer")))
			fail_msg("file %zu: no .pgpass/PGPASSFILE/peer in \"%s\"", i, err.msg);
		config_free(cfg);
		cfg = config_load(grp_path, &err);
		assert_int_equal(config_check_secrets(cfg, &err), OMS_CONFIG);
		config_free(cfg);
		cfg = config_load(priv_path, &err);
		assert_int_equal(config_check_secrets(cfg, &err), OMS_OK);
		config_free(cfg);
		unlink(open_path);
		unlink(grp_path);
		unlink(priv_path);
		free(open_path);
		free(grp_path);
		free(priv_path);
	}
	/* nothing secret: any mode will do */
	{
		char *path = write_temp("[connection]\nconninfo = service=oms\n"
					"[payment]\napi_key =\n", 0644);
		struct oms_config *cfg = config_load(path, &err);
		const char *sec, *key;

		assert_false(config_find_secret(cfg, &sec, &key));
		assert_int_equal(config_check_secrets(cfg, &err), OMS_OK);
		config_free(cfg);
		unlink(path);
		free(path);
	}
}

static void
test_loopback_urls(void **state)
{
	static const char *const loop[] = {
		"http://127.0.0.1", "http://127.0.0.1:8080/", "http://127.1.2.3:1/v1",
		"http://localhost:25", "HTTP://LOCALHOST", "http://[::1]:8080", "http://[::1]/x",
		"smtp://127.0.0.1:2525",
	};
	static const char *const not_loop[] = {
		"https://127.0.0.1.evil.com", "http://127.0.0.1.evil.com", "http://localhost.evil.com",
		"http://127.0.0.1@evil.com/", "http://evil.com@127.0.0.1/", "http://user:pw@127.0.0.1/",
		"http://127.0.0.1\\@evil.com", "http://127.0.0.1%2eevil.com", "http://[::1].evil.com",
		"http://[::ffff:127.0.0.1]", "http://128.0.0.1", "http://0x7f.0.0.1", "http://127.1",
		"http://2130706433", "http://127.0.0.01", "http://127.0.0.1:80x", "http://127.0.0.1:",
		"http://127.0.0.256", "http://localhost:1234567", "http://10.0.0.1", "127.0.0.1",
		"http://", "", "http://[::1]x",
	};

	for (size_t i = 0; i < sizeof loop / sizeof loop[0]; i++)
		if (!config_url_is_loopback(loop[i]))
			fail_msg("\"%s\" should be loopback", loop[i]);
	for (size_t i = 0; i < sizeof not_loop / sizeof not_loop[0]; i++)
		if (config_url_is_loopback(not_loop[i]))
			fail_msg("\"%s\" should not be loopback", not_loop[i]);
	assert_false(config_url_is_loopback(NULL));
}

static void
check_transport(const char *text, bool tls_required, enum oms_status want)
{
	struct oms_error err;
	struct oms_config *cfg = parse(text, &err);

	assert_non_null(cfg);
	oms_error_clear(&err);
	if (config_check_transport(cfg, "payment", "base_url", tls_required, &err) != want)
		fail_msg("\"%s\": wanted %s, got \"%s\"", text, oms_status_name(want), err.msg);
	if (want != OMS_OK && !strstr(err.msg, "allow_insecure_loopback"))
		fail_msg("message \"%s\" does not name the key", err.msg);
	config_free(cfg);
}

static void
test_transport(void **state)
{
	check_transport("[payment]\nbase_url = https://pay.example.com\n", false, OMS_OK);
	check_transport("[payment]\nbase_url = https://127.0.0.1.evil.com\n", false, OMS_OK);
	check_transport("[payment]\nbase_url = http://pay.example.com\n", false, OMS_CONFIG);
	check_transport("[payment]\nbase_url = http://127.0.0.1:9\n", false, OMS_CONFIG);
	check_transport("[payment]\nbase_url = http://127.0.0.1:9\nallow_insecure_loopback = yes\n",
			false, OMS_OK);
	check_transport("[payment]\nbase_url = http://[::1]:8080\nallow_insecure_loopback = yes\n",
			false, OMS_OK);
	check_transport("[payment]\nbase_url = http://localhost.evil.com\n"
			"allow_insecure_loopback = yes\n", false, OMS_CONFIG);
	check_transport("[payment]\nbase_url = http://127.0.0.1@evil.com/\n"
			"allow_insecure_loopback = yes\n", false, OMS_CONFIG);
	check_transport("[payment]\nbase_url = http://127.0.0.1.evil.com\n"
			"allow_insecure_loopback = yes\n", false, OMS_CONFIG);
	check_transport("[payment]\nbase_url = smtp://mail.example.com\n", true, OMS_OK);
	check_transport("[payment]\nbase_url = smtp://mail.example.com\n", false, OMS_CONFIG);
	check_transport("[payment]\nbase_url = smtps://mail.example.com\n", false, OMS_OK);
	check_transport("[payment]\n", false, OMS_OK);
}

static void
test_durations(void **state)
{
	struct oms_error err;
	struct oms_config *cfg = parse("[w]\na = 2s\nb = 1500ms\nc = 1min\nd = 250\ne = 0\n"
				       "f = 2 s\ng = 2h\nh = -1s\ni = s\nj = 99999999999min\n", &err);
	long v;

	assert_non_null(cfg);
	assert_int_equal(config_get_duration_ms(cfg, "w", "a", 7, 1, 600000, &v, &err), OMS_OK);
	assert_int_equal(v, 2000);
	assert_int_equal(config_get_duration_ms(cfg, "w", "b", 7, 1, 600000, &v, &err), OMS_OK);
	assert_int_equal(v, 1500);
	assert_int_equal(config_get_duration_ms(cfg, "w", "c", 7, 1, 600000, &v, &err), OMS_OK);
	assert_int_equal(v, 60000);
	assert_int_equal(config_get_duration_ms(cfg, "w", "d", 7, 1, 600000, &v, &err), OMS_OK);
	assert_int_equal(v, 250);
	assert_int_equal(config_get_duration_ms(cfg, "w", "f", 7, 1, 600000, &v, &err), OMS_OK);
	assert_int_equal(v, 2000);
	assert_int_equal(config_get_duration_ms(cfg, "w", "none", 7, 1, 600000, &v, &err), OMS_OK);
	assert_int_equal(v, 7);
	assert_int_equal(config_get_duration_ms(cfg, "w", "e", 7, 1, 600000, &v, &err), OMS_CONFIG);
	assert_non_null(strstr(err.msg, "out of range"));
	assert_int_equal(config_get_duration_ms(cfg, "w", "g", 7, 1, 600000, &v, &err), OMS_CONFIG);
	assert_non_null(strstr(err.msg, "not a duration"));
	assert_int_equal(config_get_duration_ms(cfg, "w", "h", 7, 1, 600000, &v, &err), OMS_CONFIG);
	assert_int_equal(config_get_duration_ms(cfg, "w", "i", 7, 1, 600000, &v, &err), OMS_CONFIG);
	assert_int_equal(config_get_duration_ms(cfg, "w", "j", 7, 1, 600000, &v, &err), OMS_CONFIG);
	config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_empty_and_bom),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_duplicates_are_errors),
		cmocka_unit_test(test_embedded_nul),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_int_ranges),
		cmocka_unit_test(test_each_in_order),
		cmocka_unit_test(test_load_and_private),
		cmocka_unit_test(test_search_env),
		cmocka_unit_test(test_conninfo_passwords),
		cmocka_unit_test(test_secrets_refused),
		cmocka_unit_test(test_loopback_urls),
		cmocka_unit_test(test_transport),
		cmocka_unit_test(test_durations),
	};

	log_set_stderr(false);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
