## Test harness shared by every test fragment.
EXTRA_DIST += tests/lib/cluster.sh tests/lib/tap.sh

include $(top_srcdir)/tests/sql/tests.mk
include $(top_srcdir)/tests/db/tests.mk
include $(top_srcdir)/tests/cli/tests.mk
include $(top_srcdir)/tests/tui/tests.mk
include $(top_srcdir)/tests/fakes/tests.mk
