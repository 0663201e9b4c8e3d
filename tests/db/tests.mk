## fragment: tests/db -- the db layer and `oms migrate` against a real,
## throwaway PostgreSQL cluster (tests/lib/cluster.sh). The cmocka binary is
## run by a .test wrapper that starts the cluster first.
check_PROGRAMS += tests/db/test_db
tests_db_test_db_SOURCES = tests/db/test_db.c
tests_db_test_db_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_db_test_db_LDADD = liboms_core.a $(CMOCKA_LIBS) $(LIBPQ_LIBS)

TESTS += tests/db/db.test tests/db/migrate.test tests/db/schema.test
EXTRA_DIST += tests/db/db.test tests/db/migrate.test tests/db/schema.test
