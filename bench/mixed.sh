#!/bin/bash
# Throughput of a CSR day's statement mix at 1, 16 and 64 clients, direct
# and through PgBouncer (transaction mode), next to the same statements
# hand-written and prepared (the floor).
#
#   bench/mixed.sh [--scale tiny|default|full] [--seconds N] [--clients "1 16 64"]
#                  [--runs "fn fn_bouncer floor"]
#
# On the bench's demo cluster (bench/lib.sh; OMS_BENCH_SCALE, default full),
# pgbench runs one script per statement kind, chosen at random per
# transaction by weight (pgbench -f script@weight), as the bench's CSR login:
#
#   kind        weight  statement (what oms sends)
#   order_no      14    SELECT ... FROM oms_api.lookup('order_no', $1, 50, NULL)
#   email         10    ... lookup('email', ...)     an existing address
#   phone         10    ... lookup('phone', ...)     an existing E.164 number
#   tracking       6    ... lookup('tracking', ...)  an existing tracking number
#   name           6    ... lookup('name', ...)      a customer's surname
#   order_card    24    SELECT oms_api.order_card_json($1::bigint)
#   cust_card     14    SELECT oms_api.customer_card_json($1::bigint)
#   history       16    the first page (50) of oms_api.customer_orders
#
# Values: order numbers are computed in pgbench (a random order id and its
# Damm check digit, the number oms would be given), customers are random
# ids; e-mails, phones, tracking numbers and surnames cannot be computed
# there, so OMS_BENCH_VALUES (12) of each are read from the data before the
# runs (spread over it: ordered by md5 of the row's id, the same every run)
# and each is one script of its own, given the kind's weight (the other
# kinds' weights are multiplied by as much), its value a pgbench variable
# (-D) sent as the statement's parameter, as oms sends it. (Until
# 2026-12-06 a subselect inside the statement read the value at a random
# id: an unnamed statement planned it on every call, about 60 us that oms
# never pays.)
#
# The cluster: shared_buffers as oms demo sets it for a new cluster (a
# quarter of the memory, 128 MB to 4 GB; an older cluster is raised once
# here, with a restart), and the oms tables and indexes are read into it
# (pg_prewarm) before the first run, so every run reads from the server's
# cache and the first is not the one that pays for the disk.
#
# Runs (each 30 s per client count, OMS_BENCH_SECONDS):
#   fn          the oms_api statements as oms sends them on a direct
#               connection: prepared (-M prepared; oms prepares a statement
#               the second time it sends its text, src/db/db.c)
#   fn_unnamed  the same unnamed (-M extended: what oms sends through a
#               pooler, or with OMS_DB_PREPARE=off), direct
#   fn_bouncer  the statements as oms sends them through a private
#               PgBouncer in transaction mode (started here on a Unix
#               socket in a temporary directory): unnamed
#   floor       each function's body written out as a prepared statement
#               (-M prepared, direct): planned once per connection (for
#               name: the word index's first page for the surname, which
#               is what the function reads for one word, sql/0033)
#   fn_bouncer_rate  the largest client count through PgBouncer at a fixed
#               rate (pgbench -R; half of fn_bouncer's tps there, or
#               OMS_BENCH_RATE): people with think time, not a closed loop
#               (at 64 clients in a closed loop every statement waits for
#               64 / tps on average, whatever it costs)
#   fn_noname   the mix without name searches (direct; not run by default)
#
# Logins: oms.session_limit gives every CSR login a CONNECTION LIMIT of 4
# (and `oms migrate` re-applies it). pgbench connects as one login, so the
# script creates oms_bench_csr (a member of oms_csr, with the group's
# timeouts from oms.apply_session_limits()) and then raises that one
# login's limit to the largest client count + 8, every run. Real staff keep
# their 4 each; 64 clients stand for 64 people of the 10,000.
#
# Prints, per run and client count, tps and per kind n, p50/p95/p99 (ms,
# nearest rank, from pgbench --log), and the clients pgbench lost to an
# error (a statement_timeout, say). Needs pgbouncer (Debian: pgbouncer) for
# fn_bouncer; without it that run is skipped with a note.
set -u
while [ $# -gt 0 ]; do
	case $1 in
	--scale) OMS_BENCH_SCALE=$2; shift 2 ;;
	--seconds) OMS_BENCH_SECONDS=$2; shift 2 ;;
	--clients) OMS_BENCH_CLIENTS=$2; shift 2 ;;
	--runs) OMS_BENCH_RUNS=$2; shift 2 ;;
	-h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench/mixed.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
done
. "$(dirname "$0")/lib.sh"

SECONDS_EACH=${OMS_BENCH_SECONDS:-30}
CLIENTS=${OMS_BENCH_CLIENTS:-1 16 64}
RUNS=${OMS_BENCH_RUNS:-fn fn_unnamed fn_bouncer fn_bouncer_rate floor}
# PgBouncer's server connections: two per core, as etc/pgbouncer.ini.example
# sizes max_db_connections (more only make the server switch between them;
# oms-schema(7), SIZING, Connections)
POOL=${OMS_BENCH_POOL:-$((2 * $(nproc)))}
PGBENCH=$OMS_PG_BINDIR/pgbench
[ -x "$PGBENCH" ] || PGBENCH=$(command -v pgbench) || bench_die "no pgbench"
BOUNCER=$(command -v pgbouncer || ls /usr/sbin/pgbouncer 2>/dev/null)
BOUNCER_PORT=6439
MAXC=0
for c in $CLIENTS; do [ "$c" -gt "$MAXC" ] && MAXC=$c; done
KINDS="order_no email phone tracking name order_card cust_card history"
T_START=$(bench_now_ms)

bench_demo_up

# raise_setting NAME HAVE WANT [UNIT]: an older bench cluster gets what oms
# demo gives a new one (ALTER SYSTEM and a restart), once.
raise_setting() {
	[ "$2" -lt "$3" ] || return 0
	echo "# raising the bench demo cluster's $1 from $2$4 to $3$4 (restart)"
	bench_su -c "ALTER SYSTEM SET $1 = '$3$4'" || bench_die "ALTER SYSTEM failed"
	OMS_DEMO_DIR=$OMS_BENCH_DEMO_DIR "$OMS" demo --stop >/dev/null 2>&1
	bench_demo_up
}
# The demo cluster must take MAXC direct clients, PgBouncer's pool and the
# setup sessions: oms demo creates it with max_connections = 100; an older
# one (40) is raised.
raise_setting max_connections "$(bench_su -c 'SHOW max_connections')" $((MAXC + POOL + 10))
# shared_buffers as oms demo sets it (src/demo.c): a quarter of the memory
# or of the cgroup's limit, 128 MB to 4 GB
raise_setting shared_buffers \
	"$(bench_su -c "SELECT setting::bigint * 8 / 1024 FROM pg_settings WHERE name = 'shared_buffers'")" \
	"$(cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null |
	   awk -v mem="$(awk '/^MemTotal:/ { print $2 * 1024 }' /proc/meminfo)" '
		$1 ~ /^[0-9]+$/ && $1 + 0 < mem + 0 { mem = $1 }
		END { mb = int(mem / 4 / 1048576); if (mb < 128) mb = 128; if (mb > 4096) mb = 4096; print mb }')" MB
bench_su <<'SQL' >/dev/null || echo "# pg_prewarm is not available: the first run reads from disk"
CREATE EXTENSION IF NOT EXISTS pg_prewarm;
SELECT sum(pg_prewarm(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'oms' AND c.relkind IN ('r', 'i', 'm');
SQL

# The bench login (see above).
bench_su <<SQL >/dev/null || bench_die "cannot create the bench login"
DO \$\$ BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'oms_bench_csr') THEN
		CREATE ROLE oms_bench_csr LOGIN IN ROLE oms_csr;
	END IF;
END \$\$;
SELECT oms.apply_session_limits();
ALTER ROLE oms_bench_csr CONNECTION LIMIT $((MAXC + 8));
SQL
CI_BENCH=$(printf '%s' "$BENCH_CI_CSR" | sed 's/user=[^ ]*/user=oms_bench_csr/')
DEMO_HOST=$(printf '%s' "$BENCH_CI_SU" | sed -n "s/.*host=\([^ ]*\).*/\1/p")
DEMO_PORT=$(printf '%s' "$BENCH_CI_SU" | sed -n "s/.*port=\([^ ]*\).*/\1/p")
read -r MAXOID NCUST <<<"$(bench_su -F ' ' -c "SELECT (SELECT max(id) FROM oms.orders),
	(SELECT max(id) FROM oms.customer)")"

# --- the scripts -----------------------------------------------------------
S=$BENCH_TMP/scripts
mkdir -p "$S"

# Damm check digit of the 7-digit order id :oid into :ono (order_no =
# id * 10 + check digit), the operation table row by row as 10-digit numbers.
damm() {
	local row='CASE WHEN :i = 0 THEN 317598642 WHEN :i = 1 THEN 7092154863 WHEN :i = 2 THEN 4206871359
		WHEN :i = 3 THEN 1750983426 WHEN :i = 4 THEN 6123045978 WHEN :i = 5 THEN 3674209581
		WHEN :i = 6 THEN 5869720134 WHEN :i = 7 THEN 8945362017 WHEN :i = 8 THEN 9438617205
		ELSE 2581436790 END'
	echo "\\set oid random(1000100, $MAXOID)"
	echo '\set i 0'
	for p in 1000000 100000 10000 1000 100 10 1; do
		echo "\\set d (:oid / $p) % 10"
		echo "\\set i ($(echo $row) / int(pow(10, 9 - :d))) % 10"
	done
	echo '\set ono :oid * 10 + :i'
}

LCOLS='l.kind, l.order_no, l.status, l.placed_at, l.total_minor, l.full_name, l.email, l.phone, l.customer_id, l.currency, l.sort_key'
# the value kinds' scripts say :v; each value gets a copy saying
# :<kind>_<n> (below, after the scripts), and pgbench that variable (-D)
NVALUES=${OMS_BENCH_VALUES:-12}
VALUE_KINDS="email phone tracking name"
VALUES_D=()
for k in $VALUE_KINDS; do
	case $k in
	email) q="SELECT lower(email) FROM oms.customer ORDER BY md5(id::text) LIMIT $NVALUES" ;;
	phone) q="SELECT phone FROM oms.customer WHERE phone IS NOT NULL ORDER BY md5(id::text) LIMIT $NVALUES" ;;
	tracking) q="SELECT tracking_no FROM oms.shipment ORDER BY md5(id::text) LIMIT $NVALUES" ;;
	name) q="SELECT substring(full_name from '[^ ]+\$') FROM oms.customer ORDER BY md5(id::text) LIMIT $NVALUES" ;;
	esac
	n=0
	while IFS= read -r v; do
		n=$((n + 1))
		VALUES_D+=(-D "${k}_$n=$v")
	done < <(bench_su -c "$q")
	[ "$n" -eq "$NVALUES" ] || bench_die "found $n values for $k, not $NVALUES"
done
CID="\\set cid random(3, $NCUST)"

# fn: the statements oms sends
{ damm; echo "SELECT $LCOLS FROM oms_api.lookup('order_no', :ono::text, 50, NULL) l;"; } >"$S/fn_order_no.sql"
echo "SELECT $LCOLS FROM oms_api.lookup('email', :v, 50, NULL) l;" >"$S/fn_email.sql"
echo "SELECT $LCOLS FROM oms_api.lookup('phone', :v, 50, NULL) l;" >"$S/fn_phone.sql"
echo "SELECT $LCOLS FROM oms_api.lookup('tracking', :v, 50, NULL) l;" >"$S/fn_tracking.sql"
echo "SELECT $LCOLS FROM oms_api.lookup('name', :v, 50, NULL) l;" >"$S/fn_name.sql"
{ damm; echo "SELECT oms_api.order_card_json(:ono::bigint);"; } >"$S/fn_order_card.sql"
{ echo "$CID"; echo "SELECT oms_api.customer_card_json(:cid::bigint);"; } >"$S/fn_cust_card.sql"
{ echo "$CID"; cat <<'SQL'; } >"$S/fn_history.sql"
SELECT order_no, to_json(date_trunc('second', placed_at)) #>> '{}' AS placed_at, status, seller_name, items, total_minor, currency, stuck
FROM oms_api.customer_orders(:cid::bigint, NULL, NULL::date, NULL::date, NULL::timestamptz, NULL::bigint, 50::int);
SQL

# floor: the bodies of sql/functions/40_read_api.sql as plain statements,
# with the columns lookup gives since issue 13 (a customer's city and last
# order, an order's stuck flag)
CITY='(SELECT a.city FROM oms.address a WHERE a.customer_id = c.id ORDER BY a.is_default DESC, a.id LIMIT 1)'
LAST='(SELECT max(lo.placed_at) FROM oms.orders lo WHERE lo.customer_id = c.id)'
STUCK='EXISTS (SELECT 1 FROM oms.shipment sh WHERE sh.order_id = o.id AND sh.flagged)'
{ damm; cat <<SQL; } >"$S/floor_order_no.sql"
SELECT 'order', o.order_no, c.id, c.full_name, c.email, c.phone, o.status, o.placed_at,
       o.total_minor, o.currency::text, o.order_no::text, $STUCK
FROM oms.orders o JOIN oms.customer c ON c.id = o.customer_id
WHERE o.order_no = :ono::bigint;
SQL
cat <<SQL >"$S/floor_email.sql"
SELECT 'customer', NULL::bigint, c.id, c.full_name, c.email, c.phone, NULL::text,
       NULL::timestamptz, NULL::bigint, NULL::text, lower(c.email), $CITY, $LAST
FROM oms.customer c WHERE lower(c.email) = :v;
SQL
cat <<SQL >"$S/floor_phone.sql"
SELECT 'customer', NULL::bigint, c.id, c.full_name, c.email, c.phone, NULL::text,
       NULL::timestamptz, NULL::bigint, NULL::text, lpad(c.id::text, 19, '0'), $CITY, $LAST
FROM oms.customer c WHERE c.phone = :v ORDER BY c.id LIMIT 50;
SQL
cat <<SQL >"$S/floor_tracking.sql"
SELECT 'order', o.order_no, c.id, c.full_name, c.email, c.phone, o.status, o.placed_at,
       o.total_minor, o.currency::text, o.order_no::text, $STUCK
FROM oms.shipment s JOIN oms.orders o ON o.id = s.order_id JOIN oms.customer c ON c.id = o.customer_id
WHERE s.tracking_no = :v;
SQL
# the name floor: a surname's first page read from the word index of
# sql/0033 (word, trigram count, id), which is its rank order, with each
# row's key (from the trigram counts: the fragment's once, an InitPlan),
# city and last order (what the function does for one word)
cat <<SQL >"$S/floor_name.sql"
SELECT 'customer', NULL::bigint, c.id, c.full_name, c.email, c.phone,
       '0:0.000000:' || to_char(1 - (SELECT cardinality(oms.show_trgm(q.f)))::real / w.ntrgm::real, 'FM0.000000') ||
       ':' || lpad(c.id::text, 19, '0') AS k, $CITY, $LAST
FROM (SELECT oms.fold_name(:v) AS f) q, oms.customer_name_word w JOIN oms.customer c ON c.id = w.customer_id
WHERE w.word = (oms.name_words(q.f))[1]
ORDER BY w.ntrgm, w.customer_id LIMIT 50;
SQL
{ damm; echo "SELECT (SELECT jsonb_build_object('order_no', o.order_no) FROM oms.orders o WHERE o.order_no = :ono::bigint) AS placeholder;"; } \
	>"$S/floor_order_card.sql"
{ echo "$CID"; echo "SELECT 1 AS placeholder;"; } >"$S/floor_cust_card.sql"
{ echo "$CID"; cat <<'SQL'; } >"$S/floor_history.sql"
SELECT o.order_no, to_json(date_trunc('second', o.placed_at)) #>> '{}' AS placed_at, o.status, s.name,
       (SELECT sum(CASE WHEN o.status = 'CANCELLED' THEN i.qty ELSE i.qty - i.cancelled_qty END)::int
        FROM oms.order_item i WHERE i.order_id = o.id),
       o.total_minor, o.currency::text,
       EXISTS (SELECT 1 FROM oms.shipment sh WHERE sh.order_id = o.id AND sh.flagged)
FROM oms.orders o JOIN oms.seller s ON s.id = o.seller_id
WHERE o.customer_id = :cid::bigint
ORDER BY o.placed_at DESC, o.order_no DESC
LIMIT 50;
SQL
# The cards' floors are their bodies: taken from the database itself, so
# they are always the current definition (the function's parameter becomes
# pgbench's variable).
for f in order_card_json:ono customer_card_json:cid; do
	fn=${f%%:*} var=${f##*:}
	body=$(bench_su -c "SELECT prosrc FROM pg_proc WHERE oid = 'oms_api.$fn(bigint)'::regprocedure")
	body=$(printf '%s\n' "$body" | sed -n '/^[[:space:]]*SELECT json_build_object/,/^[[:space:]]*WHERE [a-z]*\.[a-z_]* = p_[a-z_]*/p' |
		sed "s/p_order_no\|p_customer_id/:$var::bigint/g; s/[[:space:]]*INTO v_card//; s/;[[:space:]]*\$//")
	[ -n "$body" ] || bench_die "cannot read the body of oms_api.$fn"
	case $fn in order_card_json) k=order_card ;; *) k=cust_card ;; esac
	{ sed -n '/^\\set/p' "$S/floor_$k.sql"; printf '%s;\n' "$body"; } >"$S/floor_$k.tmp"
	mv "$S/floor_$k.tmp" "$S/floor_$k.sql"
done

WEIGHTS="order_no:14 email:10 phone:10 tracking:6 name:6 order_card:24 cust_card:14 history:16"

# each value of a value kind: a copy of the kind's script
for f in "$S"/fn_*.sql "$S"/floor_*.sql; do
	b=$(basename "$f" .sql) k=${b#*_}
	case " $VALUE_KINDS " in *" $k "*) ;; *) continue ;; esac
	grep -q '[^:]:v\b' "$f" || bench_die "$b has no :v"
	for n in $(seq "$NVALUES"); do
		sed "s/\([^:]\):v\b/\1:${k}_$n/g" "$f" >"$S/$b.$n.sql"
	done
done

# --- PgBouncer -------------------------------------------------------------
PGB=$BENCH_TMP/pgbouncer
bouncer_start() {
	mkdir -p "$PGB"
	[ "$(id -u)" = 0 ] && chown nobody "$PGB"
	printf '"oms_bench_csr" ""\n' >"$PGB/users.txt"
	cat >"$PGB/pgbouncer.ini" <<INI
[databases]
oms = host=$DEMO_HOST port=$DEMO_PORT dbname=oms
[users]
oms_bench_csr = max_user_connections=$POOL
[pgbouncer]
listen_addr =
listen_port = $BOUNCER_PORT
unix_socket_dir = $PGB
pidfile = $PGB/pgbouncer.pid
logfile = $PGB/pgbouncer.log
pool_mode = transaction
max_client_conn = $((MAXC + 20))
default_pool_size = $POOL
reserve_pool_size = 0
max_db_connections = $POOL
server_reset_query =
auth_type = trust
auth_file = $PGB/users.txt
ignore_startup_parameters = extra_float_digits,options
INI
	chmod 644 "$PGB"/*
	if [ "$(id -u)" = 0 ]; then
		"$BOUNCER" -d -u nobody "$PGB/pgbouncer.ini" || return 1
	else
		"$BOUNCER" -d "$PGB/pgbouncer.ini" || return 1
	fi
	for _ in $(seq 50); do [ -S "$PGB/.s.PGSQL.$BOUNCER_PORT" ] && return 0; sleep 0.1; done
	return 1
}
bouncer_stop() {
	[ -f "$PGB/pgbouncer.pid" ] && kill "$(cat "$PGB/pgbouncer.pid")" 2>/dev/null
	rm -f "$PGB/pgbouncer.pid"
}
trap 'bouncer_stop; bench_cleanup' EXIT

# --- running ---------------------------------------------------------------
OUT=$BENCH_TMP/table
: >"$OUT"

# run NAME PREFIX MODE CONNINFO CLIENTS KINDS
run() {
	local name=$1 prefix=$2 mode=$3 ci=$4 c=$5 kinds=$6 j=1 args=() k w log n i=0 map=
	[ "$c" -ge 2 ] && j=2
	# script numbers follow the -f order; map: " <number>=<kind> ..."
	for kw in $WEIGHTS; do
		k=${kw%%:*} w=${kw##*:}
		case " $kinds " in *" $k "*) ;; *) continue ;; esac
		case " $VALUE_KINDS " in
		*" $k "*)
			for n in $(seq "$NVALUES"); do
				args+=(-f "$S/${prefix}_$k.$n.sql@$w")
				map="$map $i=$k"; i=$((i + 1))
			done ;;
		*)
			args+=(-f "$S/${prefix}_$k.sql@$((w * NVALUES))")
			map="$map $i=$k"; i=$((i + 1)) ;;
		esac
	done
	log=$BENCH_TMP/log.$name.$c
	rm -rf "$log"; mkdir -p "$log"
	[ -n "${RUN_RATE:-}" ] && args+=(-R "$RUN_RATE")
	(cd "$log" && "$PGBENCH" -n -M "$mode" -c "$c" -j "$j" -T "$SECONDS_EACH" --log --log-prefix=tx \
		"${VALUES_D[@]}" "${args[@]}" "$ci") >"$log/out" 2>"$log/err"
	local tps aborted
	tps=$(sed -n 's/^tps = \([0-9.]*\) (without initial.*/\1/p' "$log/out")
	aborted=$(grep -c 'aborted' "$log/err")
	[ -n "$tps" ] || { echo "# $name at $c clients failed:"; sed 's/^/#   /' "$log/err" | head -n 5; return 1; }
	[ "$aborted" -eq 0 ] || grep -m 3 -i 'error\|abort' "$log/err" | cut -c1-200 | sed "s/^/# $name $c: /" >>"$OUT"
	printf '%-15s %3s %-10s %8s %9s %8s %8s %8s  %s\n' "$name" "$c" all "$(cat "$log"/tx* | wc -l)" "$tps" - - - \
		"clients aborted: $aborted" >>"$OUT"
	for kind in $kinds; do
		# this kind's script numbers
		local nums=" "
		for m in $map; do [ "${m##*=}" = "$kind" ] && nums="$nums${m%%=*} "; done
		cat "$log"/tx* | awk -v s="$nums" 'index(s, " " $4 " ") && $3 ~ /^[0-9]+$/ { print $3 / 1000 }' | sort -g |
		awk -v name="$name" -v c="$c" -v kind="$kind" -v secs="$SECONDS_EACH" '
			{ v[NR] = $1 }
			function q(p,  i) { i = int(NR * p); if (i < NR * p) i++; return v[i] }
			END {
				if (NR == 0) { printf "%-15s %3s %-10s %8d %9s %8s %8s %8s\n", name, c, kind, 0, "-", "-", "-", "-"; exit }
				printf "%-15s %3s %-10s %8d %9.1f %8.2f %8.2f %8.2f\n", name, c, kind, NR, NR / secs, q(0.50), q(0.95), q(0.99)
			}' >>"$OUT"
	done
}

for r in $RUNS; do
	case $r in
	fn) for c in $CLIENTS; do run fn fn prepared "$CI_BENCH" "$c" "$KINDS"; done ;;
	fn_unnamed) for c in $CLIENTS; do run fn_unnamed fn extended "$CI_BENCH" "$c" "$KINDS"; done ;;
	fn_noname) for c in $CLIENTS; do run fn_noname fn prepared "$CI_BENCH" "$c" "${KINDS/name /}"; done ;;
	floor) for c in $CLIENTS; do run floor floor prepared "$CI_BENCH" "$c" "$KINDS"; done ;;
	fn_bouncer)
		if [ -z "$BOUNCER" ]; then
			echo "# no pgbouncer (Debian package pgbouncer): fn_bouncer skipped" >>"$OUT"
			continue
		fi
		bouncer_start || { sed 's/^/# /' "$PGB/pgbouncer.log" 2>/dev/null | tail -n 5; bench_die "pgbouncer did not start"; }
		for c in $CLIENTS; do
			run fn_bouncer fn extended "host=$PGB port=$BOUNCER_PORT dbname=oms user=oms_bench_csr" "$c" "$KINDS"
		done
		bouncer_stop ;;
	fn_bouncer_rate)
		# staff with think time: the largest client count sends at a fixed
		# rate (pgbench -R, latency counted from the scheduled start), half
		# of what fn_bouncer reached at that count unless OMS_BENCH_RATE says
		RUN_RATE=${OMS_BENCH_RATE:-$(awk -v c="$MAXC" '$1 == "fn_bouncer" && $2 == c && $3 == "all" { printf "%d", $5 / 2 }' "$OUT")}
		[ -n "$RUN_RATE" ] && [ "$RUN_RATE" -gt 0 ] || bench_die "fn_bouncer_rate needs OMS_BENCH_RATE or a fn_bouncer run before it"
		[ -n "$BOUNCER" ] || { echo "# no pgbouncer: fn_bouncer_rate skipped" >>"$OUT"; continue; }
		bouncer_start || bench_die "pgbouncer did not start"
		echo "# fn_bouncer_rate: $MAXC clients at $RUN_RATE transactions/s in all" >>"$OUT"
		run fn_bouncer_rate fn extended "host=$PGB port=$BOUNCER_PORT dbname=oms user=oms_bench_csr" "$MAXC" "$KINDS"
		RUN_RATE=
		bouncer_stop ;;
	*) bench_die "unknown run $r (fn, fn_unnamed, fn_bouncer, fn_bouncer_rate, floor, fn_noname)" ;;
	esac
done

# Planning is paid once per session: EXPLAIN (ANALYZE) of each card call,
# three times in one session (the first call compiles the function and
# plans its statement; the next ones only execute).
{
	ono=$(bench_su -c "SELECT order_no FROM oms.orders WHERE id >= 1000100 ORDER BY id LIMIT 1")
	for call in "oms_api.order_card_json($ono)" "oms_api.customer_card_json(3)" "oms_api.customer_orders(3)"; do
		case $call in *orders\(*) stmt="SELECT count(*) FROM $call" ;; *) stmt="SELECT $call" ;; esac
		printf 'EXPLAIN (ANALYZE, SUMMARY) %s;\n' "$stmt" "$stmt" "$stmt"
	done
} >"$BENCH_TMP/explain.sql"
psql -X -q -d "$CI_BENCH" -f "$BENCH_TMP/explain.sql" 2>&1 |
	sed -n 's/^ *Execution Time: \([0-9.]*\) ms/\1/p' | paste -d' ' - - - >"$BENCH_TMP/explain.out"

# fn and fn_bouncer against the floor: p50 and p95 ratios per kind
awk '$1 == "floor" && $3 != "all" { f50[$2 " " $3] = $6; f95[$2 " " $3] = $7 }
	($1 == "fn" || $1 == "fn_bouncer" || $1 == "fn_unnamed") && $3 != "all" { k[++n] = $1 " " $2 " " $3; v50[n] = $6; v95[n] = $7 }
	END {
		for (i = 1; i <= n; i++) {
			split(k[i], a, " "); key = a[2] " " a[3]
			if (!(key in f50) || f50[key] == "-" || v50[i] == "-") continue
			printf "%-15s %3s %-10s  x_floor p50 %5.2f  p95 %5.2f\n", a[1], a[2], a[3], v50[i] / f50[key], v95[i] / f95[key]
		}
	}' "$OUT" >"$BENCH_TMP/ratios"

T_END=$(bench_now_ms)
echo "oms mixed CSR workload: $(date -u '+%Y-%m-%d %H:%M UTC'), scale $OMS_BENCH_SCALE ($BENCH_ORDERS orders), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "pgbench $SECONDS_EACH s per line, one login (oms_bench_csr); PgBouncer pool $POOL; latency ms per statement (nearest rank); tps per kind = its share"
printf '%-15s %3s %-10s %8s %9s %8s %8s %8s\n' run cl kind n tps p50 p95 p99
cat "$OUT"
if [ -s "$BENCH_TMP/explain.out" ]; then
	echo "EXPLAIN (ANALYZE) execution time of the call, 1st / 2nd / 3rd in one session (ms; the 1st plans):"
	paste -d' ' <(printf '%s\n' order_card_json customer_card_json customer_orders) "$BENCH_TMP/explain.out" |
		awk '{ printf "  %-18s %s / %s / %s\n", $1, $2, $3, $4 }'
fi
if [ -s "$BENCH_TMP/ratios" ]; then
	echo "against the floor (the same statement's latency / the hand-written prepared body's, same clients)"
	cat "$BENCH_TMP/ratios"
fi
echo "run time $(( (T_END - T_START) / 1000 )) s"
