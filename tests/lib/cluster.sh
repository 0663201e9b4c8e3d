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
#
# Templates. Every script still gets a cluster of its own (roles, settings,
# restarts and stops stay private), but `make check` first builds, once per
# run, three stopped data directories in $OMS_BUILDDIR/tests/template
# (cluster_template_build, with the oms binary under test): "bare" (initdb and
# an empty database oms), "migrated" (oms migrate) and "tiny" (oms seed
# --scale tiny). cluster_start copies "migrated" (or "bare" under
# CLUSTER_NO_MIGRATE) instead of running initdb and oms migrate; cluster_seed
# tiny, called while nothing has been written since the start, swaps in a
# copy of "tiny" (stop, copy, start) instead of seeding. A template is used
# only when it was made by this very oms binary (size and mtime), and "tiny"
# only for 15 minutes after it was seeded (the anchor orders are placed
# relative to now(): 12 and 25 minutes before it, inside the one-hour
# cancellation window). Otherwise, or with OMS_TEST_NO_TEMPLATE=1, the
# script does it all itself as before; the log says which ("# cluster: ...").

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
	CLUSTER_FRESH_LSN=
	cluster__pg_stop
	cluster__pg_start
}

# cluster__initdb DATADIR SOCKETDIR LOG: a new data directory with our settings
cluster__initdb() {
	cluster__as "$OMS_PG_BINDIR/initdb" -D "$1" -U postgres -A trust \
		-E UTF8 --locale=C.UTF-8 --no-sync --wal-segsize=1 >"$3" 2>&1 ||
		{ sed 's/^/# /' "$3"; cluster__die "initdb failed"; }
	# 1 MB WAL segments and few of them kept: a copy of a template carries
	# a few megabytes of WAL, not 16 MB segments. No JIT: the fixtures are
	# tiny, but a test that turns a scan type off (enable_seqscan = off, to
	# see the plan an index gives) makes every forced seq scan cost 1e10,
	# past jit_above_cost, and each such statement, the audit trigger's
	# staff lookup included, then spent ~150 ms compiling (api_lookup_name_
	# bounds took 3 minutes of the suite's 12).
	cat >>"$1/postgresql.conf" <<CONF
min_wal_size = 2MB
listen_addresses = ''
unix_socket_directories = '$2'
port = 5432
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 60
shared_buffers = 64MB
log_min_messages = warning
log_min_error_statement = panic
TimeZone = 'UTC'
jit = off
CONF
}

cluster__pg_start() {
	cluster__as "$OMS_PG_BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/log" -w start >/dev/null ||
		cluster__die "server did not start"
}

cluster__pg_stop() {
	cluster__as "$OMS_PG_BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -m fast -w stop >/dev/null ||
		cluster__die "stop failed"
}

CLUSTER_TEMPLATE=${OMS_BUILDDIR}/tests/template
CLUSTER_FRESH_LSN=

# cluster__template NAME: true when template NAME exists and was made by
# this oms binary (and, for "tiny", was seeded less than 15 minutes ago).
cluster__template() {
	local t="$CLUSTER_TEMPLATE/$1"
	[ -z "${OMS_TEST_NO_TEMPLATE:-}" ] && [ -f "$t/data/PG_VERSION" ] && [ -f "$t/made-by" ] || return 1
	[ "$(cat "$t/made-by")" = "$(stat -c '%s %Y' "$OMS_BUILDDIR/oms" 2>/dev/null)" ] || return 1
	[ "$1" != tiny ] || [ $(( $(date +%s) - $(stat -c %Y "$t/made-by") )) -lt 900 ]
}

# cluster__copy NAME: the data directory becomes a copy of template NAME,
# listening on this cluster's socket directory.
cluster__copy() {
	rm -rf "$CLUSTER_DIR/data"
	cp -a "$CLUSTER_TEMPLATE/$1/data" "$CLUSTER_DIR/data" || cluster__die "cannot copy template $1"
	# the last setting wins over the template's own socket directory
	echo "unix_socket_directories = '$CLUSTER_DIR'" >>"$CLUSTER_DIR/data/postgresql.conf"
}

cluster__lsn() {
	psql -X -qtA -d postgres -c 'SELECT pg_current_wal_insert_lsn()'
}

cluster__mkdir() {
	CLUSTER_DIR=$(mktemp -d "${TMPDIR:-/tmp}/oms-test.XXXXXX") || cluster__die "mktemp failed"
	if [ "$(id -u)" = 0 ]; then
		CLUSTER_RUNAS=nobody
		chown nobody "$CLUSTER_DIR"
	fi
	chmod 700 "$CLUSTER_DIR"
}

cluster__env() {
	export PGHOST="$CLUSTER_DIR" PGPORT=5432 PGUSER=postgres PGDATABASE=oms
	unset PGSERVICE PGPASSWORD PGOPTIONS
}

cluster_start() {
	[ -x "$OMS_PG_BINDIR/initdb" ] || cluster__die "no initdb in $OMS_PG_BINDIR (install postgresql-15)"
	cluster__mkdir
	trap cluster_stop EXIT
	trap 'exit 130' INT TERM
	local tmpl=migrated
	[ -z "${CLUSTER_NO_MIGRATE:-}" ] || tmpl=bare
	if cluster__template "$tmpl"; then
		cluster__copy "$tmpl"
		cluster__pg_start
		cluster__env
		echo "# cluster: a copy of the template $tmpl ($CLUSTER_TEMPLATE)"
		[ "$tmpl" != migrated ] || CLUSTER_FRESH_LSN=$(cluster__lsn)
		return 0
	fi
	echo "# cluster: initdb${CLUSTER_NO_MIGRATE:+ (no migrate)}"
	cluster__initdb "$CLUSTER_DIR/data" "$CLUSTER_DIR" "$CLUSTER_DIR/initdb.log"
	cluster__pg_start
	cluster__env
	psql -X -q -d postgres -c 'CREATE DATABASE oms' >/dev/null || cluster__die "createdb failed"
	if [ -z "${CLUSTER_NO_MIGRATE:-}" ]; then
		"$OMS_BUILDDIR/oms" migrate >"$CLUSTER_DIR/migrate.log" 2>&1 ||
			{ sed 's/^/# /' "$CLUSTER_DIR/migrate.log"; cluster__die "oms migrate failed"; }
	fi
}

# cluster_seed_template SCALE: true when the cluster now holds template
# SCALE's demo data: only right after cluster_start from the migrated
# template, while nothing at all has been written (the WAL insert position
# is where it was after the start), so no test's change is thrown away.
cluster_seed_template() {
	local lsn
	[ -n "$CLUSTER_FRESH_LSN" ] && cluster__template "$1" || return 1
	lsn=$(cluster__lsn)
	if [ "$lsn" != "$CLUSTER_FRESH_LSN" ]; then
		echo "# cluster: written to since the start ($CLUSTER_FRESH_LSN -> $lsn): seeding"
		return 1
	fi
	CLUSTER_FRESH_LSN=
	cluster__pg_stop
	cluster__copy "$1"
	cluster__pg_start
	echo "# cluster: demo data from the template $1"
}

cluster_seed() {
	cluster_seed_template "${1:-tiny}" && return 0
	CLUSTER_FRESH_LSN=
	echo "# cluster: oms seed --scale ${1:-tiny}"
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

# cluster_template_fresh SECONDS: true when all three templates were made by
# this oms binary less than SECONDS ago.
cluster_template_fresh() {
	local name
	for name in bare migrated tiny; do
		cluster__template "$name" &&
			[ $(( $(date +%s) - $(stat -c %Y "$CLUSTER_TEMPLATE/$name/made-by") )) -lt "$1" ] || return 1
	done
}

# cluster_template_build DIR: the templates of one `make check` run (see the
# top), built with $OMS_BUILDDIR/oms; each a stopped data directory DIR/NAME/data
# and DIR/NAME/made-by (the oms binary's size and mtime). Run by the make rule
# in tests/tests.mk before the tests start; a failure fails `make check`.
cluster_template_build() {
	local dest=$1 name
	rm -rf "$dest" && mkdir -p "$dest" || cluster__die "cannot make $dest"
	cluster__mkdir
	trap cluster_stop EXIT
	cluster__initdb "$CLUSTER_DIR/data" "$CLUSTER_DIR" "$CLUSTER_DIR/initdb.log"
	cluster__pg_start
	cluster__env
	psql -X -q -d postgres -c 'CREATE DATABASE oms' >/dev/null || cluster__die "createdb failed"
	for name in bare migrated tiny; do
		case $name in
		migrated)
			"$OMS_BUILDDIR/oms" migrate >"$CLUSTER_DIR/migrate.log" 2>&1 ||
				{ sed 's/^/# /' "$CLUSTER_DIR/migrate.log"; cluster__die "oms migrate failed"; } ;;
		tiny)
			"$OMS_BUILDDIR/oms" seed --scale tiny >"$CLUSTER_DIR/seed.log" 2>&1 ||
				{ sed 's/^/# /' "$CLUSTER_DIR/seed.log"; cluster__die "oms seed failed"; } ;;
		esac
		cluster__pg_stop
		mkdir -p "$dest/$name"
		cp -a "$CLUSTER_DIR/data" "$dest/$name/data" || cluster__die "cannot copy to $dest/$name"
		rm -f "$dest/$name/data/postmaster.opts" "$dest/$name/data/postmaster.pid"
		stat -c '%s %Y' "$OMS_BUILDDIR/oms" >"$dest/$name/made-by"
		[ "$name" = tiny ] || cluster__pg_start
	done
}
