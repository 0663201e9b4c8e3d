#!/bin/bash
# The reports against the plain GROUP BY over the base tables (issue 10).
#
#   bench/report.sh            (or `make bench`)
#
# On the bench's demo cluster (bench/lib.sh; OMS_BENCH_SCALE, default full:
# 1M orders): each report (volume, cancellations, refunds, fulfilment, kpi)
# over 1 day, 30 days, 1 year and all time, ending on the last day with
# orders, run OMS_BENCH_REPORT_RUNS times (default 20) by the demo analyst through
# oms_api.report_* (the summaries of sql/0020), and beside it the same
# figures computed by a plain GROUP BY over the base tables (as the
# superuser: analysts may not read them), the way a report would without
# summaries. psql's \timing, back to back in one session after one warm-up
# run; p50 and p95 in ms. The summaries are folded first
# (oms_api.report_fold), as oms-worker or cron keep them.
#
# Target (issue 10): every report p95 < 100 ms, for any range.
set -u
. "$(dirname "$0")/lib.sh"

RUNS=${OMS_BENCH_REPORT_RUNS:-20}
bench_demo_up
BENCH_CI_ANALYST=$(OMS_DEMO_DIR=$OMS_BENCH_DEMO_DIR "$OMS" demo --print-conninfo --as analyst)
bench_su -c "SELECT oms_api.report_fold()" >/dev/null || bench_die "report_fold failed (is the schema migrated?)"
LAST=$(bench_su -c "SELECT max((placed_at AT TIME ZONE 'UTC')::date) FROM oms.orders")
FIRST=$(bench_su -c "SELECT min((placed_at AT TIME ZONE 'UTC')::date) FROM oms.orders")
SUMROWS=$(bench_su -c "SELECT count(*) FROM oms.report_day")

# plain SQL per report: $1 and $2 are the range's dates
plain() {
	local f=$1 t=$2 d="(o.placed_at AT TIME ZONE 'UTC')::date"
	case $3 in
	volume)
		echo "SELECT $d, o.seller_id, o.status, o.currency, count(*), sum(o.total_minor) FROM oms.orders o
		      WHERE o.placed_at >= '$f'::date AT TIME ZONE 'UTC' AND o.placed_at < ('$t'::date + 1) AT TIME ZONE 'UTC'
		      GROUP BY 1, 2, 3, 4" ;;
	cancellations)
		echo "SELECT (c.requested_at AT TIME ZONE 'UTC')::date, o.seller_id, c.reason_code, c.scope, c.state, count(*)
		      FROM oms.cancellation c JOIN oms.orders o ON o.id = c.order_id
		      WHERE c.requested_at >= '$f'::date AT TIME ZONE 'UTC' AND c.requested_at < ('$t'::date + 1) AT TIME ZONE 'UTC'
		      GROUP BY 1, 2, 3, 4, 5" ;;
	refunds)
		echo "SELECT (r.created_at AT TIME ZONE 'UTC')::date, o.seller_id, r.approval, r.status, count(*), sum(r.amount_minor),
		             percentile_cont(0.5) WITHIN GROUP (ORDER BY r.executed_at - r.created_at)
		      FROM oms.refund r JOIN oms.orders o ON o.id = r.order_id
		      WHERE r.created_at >= '$f'::date AT TIME ZONE 'UTC' AND r.created_at < ('$t'::date + 1) AT TIME ZONE 'UTC'
		      GROUP BY 1, 2, 3, 4" ;;
	fulfilment|kpi)
		echo "SELECT $d, o.seller_id, count(*), count(o.shipped_at), count(o.delivered_at),
		             count(*) FILTER (WHERE o.shipped_at - o.confirmed_at <= interval '24 hours'),
		             avg(o.shipped_at - o.confirmed_at), avg(o.delivered_at - o.shipped_at),
		             count(*) FILTER (WHERE EXISTS (SELECT 1 FROM oms.shipment s WHERE s.order_id = o.id AND s.flagged))
		      FROM oms.orders o
		      WHERE o.placed_at >= '$f'::date AT TIME ZONE 'UTC' AND o.placed_at < ('$t'::date + 1) AT TIME ZONE 'UTC'
		      GROUP BY 1, 2" ;;
	esac
}

# timings CONNINFO SQL: RUNS timings (ms), one a line, after a warm-up
timings() {
	{
		echo '\o /dev/null'
		echo "$2;"
		echo '\timing on'
		for _ in $(seq "$RUNS"); do echo "$2;"; done
	} | psql -X -q -d "$1" 2>&1 | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p'
}

printf '# %s, scale %s (%s orders, %s summary rows), %s CPUs, load %s; %s runs each\n' \
	"$(date -u +%F)" "$OMS_BENCH_SCALE" "$BENCH_ORDERS" "$SUMROWS" "$(nproc)" \
	"$(cut -d' ' -f1-3 /proc/loadavg)" "$RUNS"
printf '%-14s %-9s %10s %10s %10s %10s %8s\n' report range p50 p95 plain_p50 plain_p95 target
for rep in volume cancellations refunds fulfilment kpi; do
	for range in 1d 30d 1y all; do
		case $range in
		1d) from=$LAST ;;
		30d) from=$(date -u -d "$LAST - 29 days" +%F) ;;
		1y) from=$(date -u -d "$LAST - 364 days" +%F) ;;
		all) from=$FIRST ;;
		esac
		timings "$BENCH_CI_ANALYST" "SELECT count(*) FROM oms_api.report_$rep('$from', '$LAST')" >"$BENCH_TMP/r"
		timings "$BENCH_CI_SU" "SELECT count(*) FROM ($(plain "$from" "$LAST" "$rep")) x" >"$BENCH_TMP/p"
		read -r n p50 p95 <<<"$(bench_stats "$BENCH_TMP/r")"
		read -r _ q50 q95 <<<"$(bench_stats "$BENCH_TMP/p")"
		[ "$n" = "$RUNS" ] || echo "# $rep $range: $n of $RUNS runs timed (psql failed?)"
		printf '%-14s %-9s %10s %10s %10s %10s %8s\n' "$rep" "$range" "$p50" "$p95" "$q50" "$q95" \
			"$(bench_verdict "$p95" 100)"
	done
done
