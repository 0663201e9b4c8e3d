# Helpers for the race tests (tests/sql/race_*.test), sourced after
# tests/lib/tap.sh and tests/sql/migrate.sh (sqltest_cluster first).
#
# Every race runs once per isolation level: the racing sessions get it the
# way a staff member's psql or conninfo would set it, through PGOPTIONS
# (-c default_transaction_isolation=...). Levels are written with an
# underscore (repeatable_read) so they fit in a shell word.
#
#   race_gate_close KEY        a gate session holds advisory lock KEY
#   race_gate_wait KEY N       wait (at most 10 s) until N sessions queue on it;
#                              prints how many do
#   race_gate_open KEY         terminate the gate: the queue runs at once
#   race_start BASE LOGIN LEVEL SQL
#                              one racer in the background: psql as LOGIN at
#                              LEVEL runs the script SQL (ON_ERROR_STOP,
#                              VERBOSITY verbose); BASE.out, BASE.err, BASE.rc
#   race_wait                  wait for every racer started
#   race_outcome BASE          ok, a SQLSTATE (40001), OM001/BR-028 for a rule
#                              refusal, or broken (no result, no ERROR)
#   race_outcomes BASE...      "ok=3 40001=2" (sorted, counted)
#   race_run LOGIN LEVEL SQL   one session in the foreground (same psql
#                              settings), output on stdout, errors on stderr
#   race_diag BASE...          the first lines of each racer's errors, as "# "
#   q SQL                      one value, as the superuser
#   race_limits                oms.session_limit on the logins made so far
#   race_fixture, race_paid_order, race_paid, race_granted, race_claimed,
#   race_ledger                a seller, orders and their refund ledger (below)

RACE_LEVELS="read_committed repeatable_read serializable"
RACE_PIDS=

q() {
	psql -X -q -t -A -v ON_ERROR_STOP=1 -c "$1"
}

race_level_sql() {	# repeatable_read -> repeatable read
	echo "$1" | tr _ ' '
}

race_pgoptions() {	# the PGOPTIONS a session at LEVEL is started with
	printf '%s' "-c default_transaction_isolation=$(echo "$1" | sed 's/_/\\ /')"
}

race_gate_close() {
	PGAPPNAME="race_gate_$1" psql -X -q -c "SELECT pg_advisory_lock($1)" -c 'SELECT pg_sleep(300)' \
		>/dev/null 2>&1 &
	_rg_tries=0
	while [ "$(q "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted")" != 1 ] &&
		[ $_rg_tries -lt 100 ]; do
		sleep 0.1
		_rg_tries=$((_rg_tries + 1))
	done
}

race_gate_wait() {
	_rg_tries=0
	_rg_n=0
	while [ $_rg_tries -lt 100 ]; do
		_rg_n=$(q "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND NOT granted")
		[ "$_rg_n" -ge "$2" ] && break
		_rg_tries=$((_rg_tries + 1))
		sleep 0.1
	done
	echo "$_rg_n"
}

race_gate_open() {
	q "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'race_gate_$1'" \
		>/dev/null
}

race_start() {
	printf '%s\n' "$4" >"$1.sql"
	(
		PGOPTIONS=$(race_pgoptions "$3") PGAPPNAME=racer timeout 120 \
			psql -X -q -t -A -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -U "$2" -f "$1.sql" \
			>"$1.out" 2>"$1.err"
		echo $? >"$1.rc"
	) &
	RACE_PIDS="$RACE_PIDS $!"
}

race_wait() {
	for _rw_p in $RACE_PIDS; do
		wait "$_rw_p"
	done
	RACE_PIDS=
}

race_run() {
	printf '%s\n' "$3" | PGOPTIONS=$(race_pgoptions "$2") timeout 120 \
		psql -X -q -t -A -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -U "$1"
}

race_outcome() {
	_ro_err=$(grep -m 1 'ERROR:' "$1.err")
	if [ -n "$_ro_err" ]; then
		_ro_code=$(printf '%s\n' "$_ro_err" | sed -n 's/.*ERROR:  \([0-9A-Z]\{5\}\): .*/\1/p')
		_ro_rule=$(printf '%s\n' "$_ro_err" | sed -n 's/.*ERROR:  [0-9A-Z]\{5\}: \(BR-[0-9]*\).*/\1/p')
		if [ -n "$_ro_rule" ]; then
			echo "${_ro_code:-?}/$_ro_rule"
		else
			echo "${_ro_code:-?}"
		fi
	elif [ "$(cat "$1.rc" 2>/dev/null)" = 0 ]; then
		echo ok
	else
		echo broken
	fi
}

race_outcomes() {
	for _ro_b in "$@"; do
		race_outcome "$_ro_b"
	done | sort | uniq -c | awk '{ printf "%s%s=%s", (NR > 1 ? " " : ""), $2, $1 } END { print "" }'
}

# Print every racer's error (first lines), as TAP diagnostics.
race_diag() {
	for _rd_b in "$@"; do
		[ -s "$_rd_b.err" ] && sed -n "1,3s|^|# $(basename "$_rd_b"): |p" "$_rd_b.err"
	done
	return 0
}

# race_fixture SHIPPING_MINOR SKU:PRICE_MINOR...: one seller (flat shipping,
# no free shipping), one customer with an address, the seller's items.
race_fixture() {
	_rf_ship=$1
	shift
	psql -X -q -v ON_ERROR_STOP=1 -v ship="$_rf_ship" >/dev/null <<'SQL' || return 1
INSERT INTO oms.seller (name, shipping_flat_minor) VALUES ('Race Seller', :ship);
INSERT INTO oms.customer (full_name, email) VALUES ('Race Customer', 'race@example.com');
INSERT INTO oms.address (customer_id, name, line1, city, country)
SELECT id, 'Race Customer', '1 Track Rd', 'Speedway', 'US' FROM oms.customer;
SQL
	for _rf_i in "$@"; do
		q "INSERT INTO oms.item (seller_id, sku, name, price_minor)
			SELECT id, '${_rf_i%%:*}', 'Racer ${_rf_i%%:*}', ${_rf_i#*:} FROM oms.seller" >/dev/null || return 1
	done
}

# race_paid_order '[{"sku": "R-1", "qty": 2}, ...]': a paid, CONFIRMED order
# placed now (the superuser places it and records the verified payment);
# prints its number.
race_paid_order() {
	psql -X -q -t -A -v ON_ERROR_STOP=1 -v lines="$1" <<'SQL'
SELECT order_no FROM oms_api.place_checkout((SELECT min(id) FROM oms.customer), (SELECT min(id) FROM oms.address),
	(SELECT jsonb_agg(jsonb_build_object('item_id', i.id, 'qty', (e ->> 'qty')::int) ORDER BY n)
	 FROM jsonb_array_elements(:'lines'::jsonb) WITH ORDINALITY AS t(e, n) JOIN oms.item i ON i.sku = e ->> 'sku')) \gset
UPDATE oms.payment SET status = 'verified', verified_at = now(), provider_ref = 'pay_' || :order_no
WHERE order_id = (SELECT id FROM oms.orders WHERE order_no = :order_no);
UPDATE oms.orders SET status = 'CONFIRMED' WHERE order_no = :order_no;
SELECT :order_no;
SQL
}

# The refund ledger of an order, for assertions and diagnostics:
#   race_paid N      the verified payment
#   race_granted N   refunds granted (approval auto or approved) and not
#                    failed or canceled at the gateway
#   race_claimed N   what BR-028 counts: not rejected, not failed or canceled
#   race_ledger N    one line per refund, for a "# " diagnostic
race_paid() {
	q "SELECT coalesce(sum(p.amount_minor), 0) FROM oms.payment p JOIN oms.orders o ON o.id = p.order_id
		WHERE o.order_no = $1 AND p.status = 'verified'"
}
race_granted() {
	q "SELECT coalesce(sum(r.amount_minor), 0) FROM oms.refund r JOIN oms.orders o ON o.id = r.order_id
		WHERE o.order_no = $1 AND r.approval IN ('auto', 'approved') AND r.status NOT IN ('failed', 'canceled')"
}
race_claimed() {
	q "SELECT coalesce(sum(r.amount_minor), 0) FROM oms.refund r JOIN oms.orders o ON o.id = r.order_id
		WHERE o.order_no = $1 AND r.approval <> 'rejected' AND r.status NOT IN ('failed', 'canceled')"
}
race_ledger() {
	q "SELECT o.status || ', paid ' || coalesce((SELECT sum(p.amount_minor) FROM oms.payment p
			WHERE p.order_id = o.id AND p.status = 'verified'), 0) || '; refunds: '
		|| coalesce((SELECT string_agg(format('#%s %s %s/%s%s', r.id, r.amount_minor, r.approval, r.status,
				CASE WHEN r.cancellation_id IS NOT NULL THEN ' (cancellation ' || r.cancellation_id || ')' ELSE '' END),
				', ' ORDER BY r.id) FROM oms.refund r WHERE r.order_id = o.id), 'none')
		FROM oms.orders o WHERE o.order_no = $1"
}

# The per-group connection limits and timeouts (oms.session_limit) on the
# logins made since `oms migrate`, as production has them: a race must hold
# with them, not only without.
race_limits() {
	q "SELECT oms.apply_session_limits()" >/dev/null || echo "# oms.apply_session_limits() failed"
}
