# Sourced by the tests/sql/*.test scripts: a throwaway cluster migrated by
# `oms migrate` (cluster_start), with pgTAP installed.
. "$OMS_SRCDIR/tests/lib/cluster.sh"

sqltest_cluster() {
	cluster_start
	psql -X -q -c 'CREATE EXTENSION IF NOT EXISTS pgtap' >/dev/null 2>&1 ||
		cluster__die "cannot create extension pgtap (install postgresql-15-pgtap)"
}
