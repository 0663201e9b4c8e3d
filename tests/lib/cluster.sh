# Throwaway PostgreSQL cluster for one test script.
#
#   . "$OMS_SRCDIR/tests/lib/cluster.sh"
#   cluster_start            # initdb, start, create db "oms", oms migrate
#   cluster_seed tiny        # optional: demo data
#   cluster_login NAME GROUP [SELLER_ID]   # a staff login for tests
#
# The cluster lives in a mktemp directory under ${TMPDIR:-/tmp}, listens on a
# Unix socket in that directory only (no TCP), runs with fsync off, and is
# stopped and removed by an EXIT trap. As root the server runs as `nobody`
# (initdb and postgres refuse root). Exports PGHOST, PGPORT, PGDATABASE,
# PGUSER (superuser "postgres") for psql and for the programs under test.

: "${OMS_SRCDIR:=$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/../.." && pwd)}"
: "${OMS_BUILDDIR:=$OMS_SRCDIR}"
: "${OMS_PG_BINDIR:=/usr/lib/postgresql/15/bin}"

CLUSTER_DIR=
CLUSTER_RUNAS=

cluster__as() {
	if [ -n "$CLUSTER_RUNAS" ]; then
		runuser -u "$CLUSTER_RUNAS" -- "$@"
	else
		"$@"
	fi
}

cluster__die() {
	echo "Bail out! cluster: $*"
	[ -n "$CLUSTER_DIR" ] && [ -f "$CLUSTER_DIR/log" ] && sed 's/^/# /' "$CLUSTER_DIR/log" | tail -n 20
	exit 1
}

cluster_stop() {
	[ -n "$CLUSTER_DIR" ] || return 0
	if [ -f "$CLUSTER_DIR/data/postmaster.pid" ]; then
		cluster__as "$OMS_PG_BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -m immediate -w stop >/dev/null 2>&1
	fi
	if [ -n "${OMS_KEEP_CLUSTER:-}" ]; then
		echo "# cluster kept in $CLUSTER_DIR" >&2
	else
		rm -rf "$CLUSTER_DIR"
	fi
	CLUSTER_DIR=
}

# Restart the server (used by reconnection tests).
cluster_restart() {
	cluster__as "$OMS_PG_BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -m fast -w stop >/dev/null ||
		cluster__die "stop failed"
	cluster__as "$OMS_PG_BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/log" -w start >/dev/null ||
		cluster__die "start failed"
}

cluster_start() {
	[ -x "$OMS_PG_BINDIR/initdb" ] || cluster__die "no initdb in $OMS_PG_BINDIR (install postgresql-15)"
	CLUSTER_DIR=$(mktemp -d "${TMPDIR:-/tmp}/oms-test.XXXXXX") || cluster__die "mktemp failed"
	trap cluster_stop EXIT
	trap 'exit 130' INT TERM
	if [ "$(id -u)" = 0 ]; then
		CLUSTER_RUNAS=nobody
		chown nobody "$CLUSTER_DIR"
	fi
	chmod 700 "$CLUSTER_DIR"
	cluster__as "$OMS_PG_BINDIR/initdb" -D "$CLUSTER_DIR/data" -U postgres -A trust \
		-E UTF8 --locale=C.UTF-8 --no-sync >"$CLUSTER_DIR/initdb.log" 2>&1 ||
		{ cat "$CLUSTER_DIR/initdb.log" | sed 's/^/# /'; cluster__die "initdb failed"; }
	cat >>"$CLUSTER_DIR/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$CLUSTER_DIR'
port = 5432
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 60
shared_buffers = 64MB
log_min_messages = warning
log_min_error_statement = panic
TimeZone = 'UTC'
CONF
	cluster__as "$OMS_PG_BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/log" -w start >/dev/null ||
		cluster__die "server did not start"
	export PGHOST="$CLUSTER_DIR" PGPORT=5432 PGUSER=postgres PGDATABASE=oms
	unset PGSERVICE PGPASSWORD PGOPTIONS
	psql -X -q -d postgres -c 'CREATE DATABASE oms' >/dev/null || cluster__die "createdb failed"
	if [ -z "${CLUSTER_NO_MIGRATE:-}" ]; then
		"$OMS_BUILDDIR/oms" migrate >"$CLUSTER_DIR/migrate.log" 2>&1 ||
			{ sed 's/^/# /' "$CLUSTER_DIR/migrate.log"; cluster__die "oms migrate failed"; }
	fi
}

cluster_seed() {
	"$OMS_BUILDDIR/oms" seed --scale "${1:-tiny}" >"$CLUSTER_DIR/seed.log" 2>&1 ||
		{ sed 's/^/# /' "$CLUSTER_DIR/seed.log"; cluster__die "oms seed failed"; }
}

# cluster_login NAME GROUP [SELLER_ID] [FULL_NAME]: a login role in the group
# plus its staff row, made the way an administrator would (as superuser).
cluster_login() {
	psql -X -q -v ON_ERROR_STOP=1 \
		-v login="$1" -v grp="$2" -v seller="${3:-}" -v full="${4:-Test $1}" <<'SQL' >/dev/null ||
SELECT format('CREATE ROLE %I LOGIN IN ROLE %I', :'login', :'grp') \gexec
INSERT INTO oms.staff (login, full_name, role, seller_id)
VALUES (:'login', :'full', replace(:'grp', 'oms_', ''), nullif(:'seller', '')::bigint);
SQL
		cluster__die "cannot create login $1"
}
