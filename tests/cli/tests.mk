## fragment: tests/cli — the subcommands against a throwaway cluster
## (shell TAP tests; need the PostgreSQL 15 server binaries and python3).
CLI_TESTS = tests/cli/find.test tests/cli/show.test tests/cli/cancel.test \
	tests/cli/approvals.test tests/cli/reason.test \
	tests/cli/damm.test tests/cli/job.test tests/cli/sessions.test \
	tests/cli/hostile.test tests/cli/refund_key.test tests/cli/csv.test \
	tests/cli/ship.test \
	tests/cli/registry.test tests/cli/money.test \
	tests/cli/export.test tests/cli/outfile.test \
	tests/cli/report.test tests/cli/dashboard.test
## issue 13: options after the words (oms find zoe angstrom --limit 3)
CLI_TESTS += tests/cli/find_options.test
## issue 13: oms demo: --print-conninfo creates it, --plain after the word,
## oms-worker against the loopback fakes, oms demo --mail
CLI_TESTS += tests/cli/demo.test

TESTS += $(CLI_TESTS)
EXTRA_DIST += $(CLI_TESTS) tests/cli/lib.sh

# helper of damm.test: the C order_no_valid() over numbers on stdin
check_PROGRAMS += tests/cli/damm_filter
tests_cli_damm_filter_SOURCES = tests/cli/damm_filter.c
tests_cli_damm_filter_LDADD = liboms_app.a liboms_core.a \
	$(LIBPQ_LIBS) $(JANSSON_LIBS) $(PCRE2_LIBS)

# the CSV field writer and -o FILE's checks (cmocka; issue 10's export)
check_PROGRAMS += tests/unit/test_csv
TESTS += tests/unit/test_csv
tests_unit_test_csv_SOURCES = tests/unit/test_csv.c
tests_unit_test_csv_CFLAGS = $(APP_TEST_CFLAGS)
tests_unit_test_csv_LDADD = $(CLI_TEST_LDADD)
