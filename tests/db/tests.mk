## fragment: tests/db -- the db layer and `oms migrate` against a real,
## throwaway PostgreSQL cluster (tests/lib/cluster.sh). The cmocka binary is
## run by a .test wrapper that starts the cluster first.
check_PROGRAMS += tests/db/test_db
tests_db_test_db_SOURCES = tests/db/test_db.c
tests_db_test_db_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_db_test_db_LDADD = liboms_core.a $(CMOCKA_LIBS) $(LIBPQ_LIBS)

## test_stream: lists stream through the row descriptors with flat memory
check_PROGRAMS += tests/db/test_stream
tests_db_test_stream_SOURCES = tests/db/test_stream.c
tests_db_test_stream_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_db_test_stream_LDADD = liboms_cli.a liboms_app.a liboms_core.a $(CMOCKA_LIBS) $(LIBPQ_LIBS) \
	$(JANSSON_LIBS) $(PCRE2_LIBS)

## money_dump: the compiled-in currency table and money_format, for
## currency.test to compare with oms.currency and oms.money_text
check_PROGRAMS += tests/db/money_dump
tests_db_money_dump_SOURCES = tests/db/money_dump.c
tests_db_money_dump_LDADD = liboms_core.a

TESTS += tests/db/db.test tests/db/pooled.test tests/db/migrate.test tests/db/schema.test tests/db/stream.test \
	tests/db/currency.test
EXTRA_DIST += tests/db/db.test tests/db/pooled.test tests/db/migrate.test tests/db/schema.test tests/db/stream.test \
	tests/db/currency.test

## phone_dump: the clients' phone normaliser (phone_to_e164), for
## phone_agree.test to compare with oms.normalize_phone (issue 14)
check_PROGRAMS += tests/db/phone_dump
tests_db_phone_dump_SOURCES = tests/db/phone_dump.c
tests_db_phone_dump_LDADD = liboms_app.a liboms_core.a
TESTS += tests/db/phone_agree.test
EXTRA_DIST += tests/db/phone_agree.test

## test_estimate: the delivery estimate's SQL (oms.add_business_days,
## oms.delivery_estimate) against a calendar walk in C, every start date of
## a year, the year end and named holiday cases (issue 11); libpq only
check_PROGRAMS += tests/db/test_estimate
tests_db_test_estimate_SOURCES = tests/db/test_estimate.c
tests_db_test_estimate_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_db_test_estimate_LDADD = $(CMOCKA_LIBS) $(LIBPQ_LIBS)
TESTS += tests/db/estimate.test
EXTRA_DIST += tests/db/estimate.test
