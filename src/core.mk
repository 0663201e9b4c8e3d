## src/: core (config, log, status, money, db, migrate, demo) and the oms program.
## The generated src/migrations.c and src/demo_sql.c are added to
## nodist_liboms_core_a_SOURCES by sql/sql.mk.
noinst_LIBRARIES += liboms_core.a
liboms_core_a_SOURCES = src/status.c src/status.h src/ctx.h \
	src/config.c src/conf.h src/log.c src/log.h src/util.c src/util.h src/utf8.h \
	src/money.c src/money.h \
	src/db/db.c src/db/db.h src/migrate.c src/migrate.h src/demo.c src/demo.h
nodist_liboms_core_a_SOURCES =

bin_PROGRAMS += oms
oms_SOURCES = src/main.c
oms_LDADD = liboms_cli.a liboms_ui.a liboms_app.a liboms_http.a liboms_core.a \
	$(NCURSESW_LIBS) $(LIBPQ_LIBS) $(LIBCURL_LIBS) $(JANSSON_LIBS) $(PCRE2_LIBS)

dist_man_MANS += man/oms.1 man/oms.conf.5

## Unit tests of the core (cmocka, TAP output).
core_test_cflags = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
core_test_ldadd = liboms_core.a $(CMOCKA_LIBS) $(LIBPQ_LIBS)

check_PROGRAMS += tests/unit/test_config tests/unit/test_log
TESTS += tests/unit/test_config tests/unit/test_log
tests_unit_test_config_SOURCES = tests/unit/test_config.c
tests_unit_test_config_CFLAGS = $(core_test_cflags)
tests_unit_test_config_LDADD = $(core_test_ldadd)
tests_unit_test_log_SOURCES = tests/unit/test_log.c
tests_unit_test_log_CFLAGS = $(core_test_cflags)
tests_unit_test_log_LDADD = $(core_test_ldadd)
