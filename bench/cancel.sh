#!/bin/bash
# Cancel-to-committed time from the cancel dialog of the terminal client.
#
#   bench/cancel.sh            (or `make bench`)
#
# On the bench's demo cluster (bench/lib.sh), 2 x OMS_BENCH_CANCELS (default
# 100) fresh orders are placed with oms_api.place_checkout as the demo CSR, for a
# bench customer (cancel@bench.invalid, left out of lookup.sh's samples), and
# paid (oms_api.confirm_payment as the demo worker), so that each is inside
# the cancellation window and its cancellation writes a refund and the
# outbox jobs, as most real ones do. oms then runs in tmux with
# OMS_BENCH_LOG; for each order: type its number, Enter (order screen), x
# (cancel dialog), Space and Enter on "Customer request", Enter again to confirm. The
# client logs "cancel_commit <ms>" from that confirming key to the commit
# answered and the screen redrawn (dialog closed, "Order ... cancelled" in
# the status line). The order card's reload is sent with the answer and the
# redraw waits up to 25 ms for it (ui/loop.c, DRAW_WAIT_MS), so the figure
# normally includes that second round trip: it is the time until the CSR
# sees the cancelled order.
# The other half is cancelled with the same statement through psql, under
# \timing and paced (OMS_BENCH_PACE, as in lookup.sh), for comparison.
#
# Commits are durable: the demo cluster runs with synchronous_commit = off
# (it is a demo), so every session of this bench sets it back to
# OMS_BENCH_SYNC_COMMIT (default on), through PGOPTIONS.
#
# Target (specification): p95 < 20 ms.
set -u
. "$(dirname "$0")/lib.sh"

N=${OMS_BENCH_CANCELS:-100}
T_START=$(bench_now_ms)
bench_demo_up
export PGOPTIONS="-c synchronous_commit=${OMS_BENCH_SYNC_COMMIT:-on}"
BENCH_CI_WORKER=$(OMS_DEMO_DIR=$OMS_BENCH_DEMO_DIR "$OMS" demo --print-conninfo --as csr | sed 's/user=demo_csr/user=demo_worker/')

# --- the orders ------------------------------------------------------------
bench_su >/dev/null <<'SQL' || bench_die "bench customer setup failed"
INSERT INTO oms.seller (name, email)
SELECT 'Bench Seller', 'seller@bench.invalid'
WHERE NOT EXISTS (SELECT 1 FROM oms.seller WHERE name = 'Bench Seller');
INSERT INTO oms.item (seller_id, sku, name, price_minor)
SELECT id, 'BENCH-1', 'Bench mug', 1250 FROM oms.seller WHERE name = 'Bench Seller'
ON CONFLICT DO NOTHING;
INSERT INTO oms.customer (full_name, email)
SELECT 'Bench Canceller', 'cancel@bench.invalid'
WHERE NOT EXISTS (SELECT 1 FROM oms.customer WHERE email = 'cancel@bench.invalid');
INSERT INTO oms.address (customer_id, name, line1, city, country, is_default)
SELECT c.id, c.full_name, '1 Bench St', 'Springfield', 'US', true
FROM oms.customer c WHERE c.email = 'cancel@bench.invalid'
  AND NOT EXISTS (SELECT 1 FROM oms.address a WHERE a.customer_id = c.id);
SQL
psql -X -A -t -q -v ON_ERROR_STOP=1 -v n="$N" -d "$BENCH_CI_CSR" >"$BENCH_TMP/orders" <<'SQL' ||
-- in the select list, so that it runs once per row of generate_series
SELECT (oms_api.place_checkout(c.id, a.id,
	jsonb_build_array(jsonb_build_object('item_id', i.id, 'qty', 1)))).order_no
FROM generate_series(1, 2 * :n) g
CROSS JOIN oms.customer c
JOIN oms.address a ON a.customer_id = c.id AND a.is_default
JOIN oms.item i ON i.sku = 'BENCH-1'
WHERE c.email = 'cancel@bench.invalid'
ORDER BY g;
SQL
	bench_die "place_checkout failed"
[ "$(wc -l <"$BENCH_TMP/orders")" -eq $((2 * N)) ] ||
	bench_die "expected $((2 * N)) orders, got $(wc -l <"$BENCH_TMP/orders")"
psql -X -A -t -q -v ON_ERROR_STOP=1 -d "$BENCH_CI_WORKER" >/dev/null <<SQL || bench_die "confirm_payment failed"
SELECT oms_api.confirm_payment(o.order_no, 'pi_bench_' || o.order_no, o.total_minor)
FROM oms.orders o WHERE o.order_no IN ($(paste -sd, "$BENCH_TMP/orders"));
SQL
# the first half for the dialog, the second for psql
head -n "$N" "$BENCH_TMP/orders" >"$BENCH_TMP/orders.oms"
tail -n "$N" "$BENCH_TMP/orders" >"$BENCH_TMP/orders.psql"

# --- psql: the statement oms sends (src/app/cancel.c), under \timing -------
{
	echo '\timing on'
	echo '\o /dev/null'
	# paced like the dialog (see lookup.sh): a pause before each, untimed
	sed "s/.*/\\\\! sleep ${OMS_BENCH_PACE:-0.2}\\nSELECT cancellation_id, state, refund_id FROM oms_api.cancel_order(&::bigint, 'customer_request', NULL, NULL);/" \
		"$BENCH_TMP/orders.psql"
} >"$BENCH_TMP/cancel.sql"
psql -X -q -v ON_ERROR_STOP=1 -d "$BENCH_CI_CSR" -f "$BENCH_TMP/cancel.sql" | awk '/^Time:/ { print $2 }' \
	>"$BENCH_TMP/psql.ms"

# --- the dialog ------------------------------------------------------------
LOG=$BENCH_TMP/cancel.log
: >"$LOG"
count() { grep -c "^$1 " "$LOG"; }
wait_count() {	# wait_count EVENT N [SETTLE]: see bench_wait_lines
	local i=0
	[ -n "${3:-}" ] && sleep "$3"
	while [ "$i" -lt 1000 ]; do
		[ "$(count "$1")" -ge "$2" ] && return 0
		sleep 0.01
		i=$((i + 1))
	done
	echo "# no $1 logged; the screen:" >&2
	bench_screen | sed 's/^/#   | /' >&2
	return 1
}
bench_tmux_start "$LOG"
wait_count first_screen 1 || bench_die "oms did not start"
i=0
while read -r no; do
	i=$((i + 1))
	bench_keys C-u
	bench_type "$no"
	# Enter before the new rows arrive would open the previous order
	wait_count lookup "$i" || bench_die "lookup of $no not logged"
	bench_keys Enter
	bench_wait_screen "CONFIRMED" >/dev/null || bench_die "order $no did not open"
	# x does nothing until the order screen knows the eligibility: repeat
	for _ in $(seq 1 50); do
		bench_keys x
		sleep 0.05
		case $(bench_screen) in *"Cancel order $no"*) break ;; esac
	done
	bench_wait_screen "Customer request" >/dev/null || bench_die "no cancel dialog for $no"
	# Space chooses the first reason (customer_request), Enter asks to confirm
	bench_keys Space Enter
	bench_wait_screen "Enter again to cancel" >/dev/null || bench_die "no confirmation for $no"
	bench_keys Enter
	wait_count cancel_commit "$i" 0.1 || bench_die "cancellation of $no not logged"
	bench_keys /
done <"$BENCH_TMP/orders.oms"
bench_tmux_stop
awk '$1 == "cancel_commit" { print $2 }' "$LOG" >"$BENCH_TMP/cancel.ms"
CANCELLED=$(bench_su -c "SELECT count(*) FROM oms.orders WHERE status = 'CANCELLED' AND order_no IN ($(paste -sd, "$BENCH_TMP/orders"))")

# --- the table -------------------------------------------------------------
T_END=$(bench_now_ms)
read -r n c50 c95 <<<"$(bench_stats "$BENCH_TMP/cancel.ms")"
read -r pn p50 p95 <<<"$(bench_stats "$BENCH_TMP/psql.ms")"
echo "oms cancel benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), scale $OMS_BENCH_SCALE ($BENCH_ORDERS orders), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf 'cancel_commit  n=%s p50=%s p95=%s ms  (%s of %s orders CANCELLED in the database; target p95 < 20 ms: %s)\n' \
	"$n" "$c50" "$c95" "$CANCELLED" "$((2 * N))" "$(bench_verdict "$c95" 20)"
printf 'psql           n=%s p50=%s p95=%s ms  (the same statement, cancel_order, under \\timing, paced %s s)\n' \
	"$pn" "$p50" "$p95" "${OMS_BENCH_PACE:-0.2}"
echo "server: synchronous_commit = $(bench_su -c 'SHOW synchronous_commit') in the bench's sessions (OMS_BENCH_SYNC_COMMIT; the demo cluster's default is off)"
echo "run time $(( (T_END - T_START) / 1000 )) s"
