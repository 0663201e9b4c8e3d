#!/bin/bash
# The fulfilment queue's first page at the full scale (issue 11; target
# p95 < 50 ms).
#
#   bench/queue.sh            (from a build directory; or `make bench`)
#
# On the bench's demo cluster (bench/lib.sh: 1M orders at full scale), psql
# sends the statement the queue screen sends for its first page
# (ui/view_queue.c: oms_api.fulfilment_queue(false, service, promise,
# 1000), the oldest 1000 CONFIRMED orders with the promise and the service
# level), OMS_BENCH_N times (default 100) after one warm-up, for the
# fulfilment login (one seller's orders, row-level security) and the
# administrator (every seller's), unfiltered, late only and express only.
# Columns: who, filter, rows, n, p50, p95 (ms, psql's \timing), and the
# verdict against 50 ms. The time to draw the rows is not counted (the
# lookup bench measures the screen's own share: well under a millisecond).
set -u
: "${OMS_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$OMS_SRCDIR/bench/lib.sh"

N=${OMS_BENCH_N:-100}
bench_demo_up
CI_FUL=$(OMS_DEMO_DIR=$OMS_BENCH_DEMO_DIR "$OMS" demo --no-worker --print-conninfo --as fulfilment)
CI_ADM=$(OMS_DEMO_DIR=$OMS_BENCH_DEMO_DIR "$OMS" demo --no-worker --print-conninfo --as admin)
confirmed=$(bench_su -c "SELECT count(*) FROM oms.orders WHERE status = 'CONFIRMED'")

echo "# fulfilment queue, first page: $(date -u +%F), scale $OMS_BENCH_SCALE ($BENCH_ORDERS orders, $confirmed confirmed)," \
	"$(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s %-8s %6s %5s %8s %8s  %s\n' who filter rows n p50_ms p95_ms "p95<50"
for who in fulfilment admin; do
	ci=$CI_FUL
	[ "$who" = admin ] && ci=$CI_ADM
	for filter in all late express; do
		case $filter in
		all) args="false, NULL, 'all', 1000" ;;
		late) args="false, NULL, 'late', 1000" ;;
		express) args="false, 'express', 'all', 1000" ;;
		esac
		stmt="SELECT x.order_no, x.seller, to_json(x.confirmed_at) #>> '{}', x.minutes_left, x.late,
			coalesce(x.units, 0), coalesce(x.country, ''), x.service_level FROM oms_api.fulfilment_queue($args) x"
		rows=$(psql -X -A -t -q -d "$ci" -c "SELECT count(*) FROM ($stmt) q")
		{
			echo '\timing on'
			echo "$stmt \\g /dev/null"          # warm-up
			for _ in $(seq 1 "$N"); do echo "$stmt \\g /dev/null"; done
		} | psql -X -A -t -q -d "$ci" 2>&1 | awk '/^Time: / { print $2 }' | tail -n "$N" >"$BENCH_TMP/t"
		read -r n p50 p95 < <(bench_stats "$BENCH_TMP/t")
		printf '%-10s %-8s %6s %5s %8s %8s  %s\n' "$who" "$filter" "$rows" "$n" "$p50" "$p95" "$(bench_verdict "$p95" 50)"
	done
done
