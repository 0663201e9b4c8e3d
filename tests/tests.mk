## Test harness shared by every test fragment.
EXTRA_DIST += tests/lib/cluster.sh tests/lib/tap.sh

include $(top_srcdir)/tests/sql/tests.mk
include $(top_srcdir)/tests/db/tests.mk
include $(top_srcdir)/tests/cli/tests.mk
include $(top_srcdir)/tests/tui/tests.mk
include $(top_srcdir)/tests/fakes/tests.mk

## The templates of tests/lib/cluster.sh ("bare", "migrated", "tiny"): built
## once at the start of every `make check` that runs a script test, by the oms
## under test, before any test starts (check_DATA is made before check-TESTS;
## automake asks for it twice, so templates made by this oms less than five
## minutes ago are kept). A script copies one instead of initdb + oms migrate
## + oms seed (OMS_TEST_NO_TEMPLATE=1: none built, none used).
check_DATA = tests/template/.made
tests/template/.made: oms$(EXEEXT)
	@case ' $(TESTS) ' in *.test\ *) ;; *) exit 0 ;; esac; \
	[ -z "$$OMS_TEST_NO_TEMPLATE" ] || exit 0; \
	$(MKDIR_P) tests; \
	OMS_SRCDIR='$(abs_top_srcdir)' OMS_BUILDDIR='$(abs_top_builddir)' OMS_PG_BINDIR='$(PG_BINDIR)' \
	TZ=UTC LC_ALL=C.UTF-8 bash -c '. "$$OMS_SRCDIR/tests/lib/cluster.sh" || exit 1; \
		cluster_template_fresh 300 && exit 0; \
		echo "  TMPL     tests/template (bare, migrated, tiny)" >&3; \
		cluster_template_build "$$OMS_BUILDDIR/tests/template"' 3>&1 >tests/template.log 2>&1 || \
		{ cat tests/template.log; exit 1; }
.PHONY: tests/template/.made
clean-local: clean-test-template
clean-test-template:
	rm -rf tests/template tests/template.log
.PHONY: clean-test-template
