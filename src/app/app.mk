## src/app: use cases (lookup, order, customer, cancel, refund, job, reason, report),
## statements and parsers, no printing; the row descriptors (row.h).
noinst_LIBRARIES += liboms_app.a
liboms_app_a_SOURCES = \
	src/app/app.h src/app/appint.h src/app/charclass.h \
	src/app/text.c src/app/stmt.c src/app/checkdigit.c src/app/phone.c \
	src/app/lookup.c src/app/search.c \
	src/app/order.c src/app/customer.c src/app/cancel.c \
	src/app/refund.c src/app/uuid.c src/app/error.c \
	src/app/job.h src/app/job.c src/app/reason.h src/app/reason.c \
	src/app/report.h src/app/report.c \
	src/app/row.h src/app/row.c src/app/rows.c
## issue 13: phones for display, shared by the terminal client and the CLI
liboms_app_a_SOURCES += src/app/phone_format.c src/app/phone_format.h
## issue 11: the packing slip's text (oms ship --packing-slip, the queue's p)
liboms_app_a_SOURCES += src/app/packing.c src/app/packing.h

APP_TEST_LDADD = liboms_app.a liboms_core.a $(CMOCKA_LIBS) \
	$(LIBPQ_LIBS) $(JANSSON_LIBS) $(PCRE2_LIBS)
APP_TEST_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
## The tests of the output filters, the writers and the argument parsers
## (test_safe, test_rows, test_cancel_stmt) reach into src/cli too.
CLI_TEST_LDADD = liboms_cli.a $(APP_TEST_LDADD)

check_PROGRAMS += tests/unit/test_lookup tests/unit/test_phone \
	tests/unit/test_checkdigit tests/unit/test_money \
	tests/unit/test_refund tests/unit/test_cancel_stmt tests/unit/test_uuid \
	tests/unit/test_safe tests/unit/test_rows
TESTS += tests/unit/test_lookup tests/unit/test_phone \
	tests/unit/test_checkdigit tests/unit/test_money \
	tests/unit/test_refund tests/unit/test_cancel_stmt tests/unit/test_uuid \
	tests/unit/test_safe tests/unit/test_rows

tests_unit_test_lookup_SOURCES = tests/unit/test_lookup.c
tests_unit_test_lookup_CFLAGS = $(APP_TEST_CFLAGS)
tests_unit_test_lookup_LDADD = $(APP_TEST_LDADD)
tests_unit_test_phone_SOURCES = tests/unit/test_phone.c
tests_unit_test_phone_CFLAGS = $(APP_TEST_CFLAGS)
tests_unit_test_phone_LDADD = $(APP_TEST_LDADD)
tests_unit_test_checkdigit_SOURCES = tests/unit/test_checkdigit.c
tests_unit_test_checkdigit_CFLAGS = $(APP_TEST_CFLAGS)
tests_unit_test_checkdigit_LDADD = $(APP_TEST_LDADD)
tests_unit_test_money_SOURCES = tests/unit/test_money.c
tests_unit_test_money_CFLAGS = $(APP_TEST_CFLAGS)
tests_unit_test_money_LDADD = $(APP_TEST_LDADD)
tests_unit_test_refund_SOURCES = tests/unit/test_refund.c
tests_unit_test_refund_CFLAGS = $(APP_TEST_CFLAGS)
tests_unit_test_refund_LDADD = $(APP_TEST_LDADD)
tests_unit_test_safe_SOURCES = tests/unit/test_safe.c
tests_unit_test_safe_CFLAGS = $(APP_TEST_CFLAGS)
tests_unit_test_safe_LDADD = $(CLI_TEST_LDADD)
tests_unit_test_uuid_SOURCES = tests/unit/test_uuid.c
tests_unit_test_uuid_CFLAGS = $(APP_TEST_CFLAGS)
tests_unit_test_uuid_LDADD = $(APP_TEST_LDADD)
## The parsers read a result in memory: the test wraps db.h's readers (GNU ld).
tests_unit_test_cancel_stmt_SOURCES = tests/unit/test_cancel_stmt.c
tests_unit_test_cancel_stmt_CFLAGS = $(APP_TEST_CFLAGS)
tests_unit_test_cancel_stmt_LDFLAGS = -Wl,--wrap=db_rows,--wrap=db_colnum,--wrap=db_get,--wrap=db_isnull
tests_unit_test_cancel_stmt_LDADD = $(CLI_TEST_LDADD)

tests_unit_test_rows_SOURCES = tests/unit/test_rows.c
tests_unit_test_rows_CFLAGS = $(APP_TEST_CFLAGS)
tests_unit_test_rows_LDFLAGS = -Wl,--wrap=db_rows,--wrap=db_colnum,--wrap=db_get,--wrap=db_isnull,--wrap=db_get_ll
tests_unit_test_rows_LDADD = $(CLI_TEST_LDADD)

## libFuzzer target for the input classifier and the phone normaliser,
## built only by `make fuzz` (clang), never by `all` or `check`:
##   ./fuzz_lookup -dict=$(top_srcdir)/tests/fuzz/lookup.dict -max_total_time=60
APP_FUZZ_CC = clang
APP_FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 \
	-I$(top_srcdir)/src -I$(top_builddir) $(PCRE2_CFLAGS) $(JANSSON_CFLAGS)
APP_FUZZ_SRCS = $(top_srcdir)/tests/fuzz/fuzz_lookup.c $(top_srcdir)/src/app/lookup.c \
	$(top_srcdir)/src/app/phone.c $(top_srcdir)/src/app/checkdigit.c \
	$(top_srcdir)/src/app/text.c $(top_srcdir)/src/status.c
EXTRA_DIST += tests/fuzz/fuzz_lookup.c tests/fuzz/lookup.dict
CLEANFILES += fuzz_lookup

fuzz: fuzz_lookup
fuzz_lookup: $(APP_FUZZ_SRCS)
	$(APP_FUZZ_CC) $(APP_FUZZ_CFLAGS) -o $@ $(APP_FUZZ_SRCS) $(PCRE2_LIBS)
