#!/bin/bash
# Refund throughput of oms-worker, with 1 and with 4 worker processes.
#
#   bench/worker.sh            (or `make bench`)
#
# A throwaway cluster (tests/lib/cluster.sh), the loopback payment gateway
# and SMTP sink of tests/fakes (no latency, no faults), and 2 x
# OMS_BENCH_REFUNDS (default 2000) paid orders made as in the worker
# journeys (tests/fakes/worker_lib.sh: place_checkout as a CSR,
# confirm_payment as the worker). For each run, OMS_BENCH_REFUNDS of them are
# cancelled through oms_api.cancel_order with no worker running (each
# cancellation queues a refund, two mails and an inventory release), then the
# workers start; the run ends when the last of its refund jobs is done
# (oms.outbox.done_at; polled every 0.1 s). refunds/s = refunds / (last
# refund done - workers started); the time until every job of the run
# (mails included) is done, and jobs/s, are shown beside it. The workers take
# jobs in queue order, so refunds share them with the mails. Each worker runs with
# [worker] concurrency = OMS_BENCH_CONCURRENCY (default 8, the default of
# oms-worker).
set -u
: "${OMS_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
if [ -z "${OMS_BUILDDIR:-}" ]; then
	if [ -x ./oms-worker ]; then OMS_BUILDDIR=$(pwd); else OMS_BUILDDIR=$OMS_SRCDIR; fi
fi
export OMS_SRCDIR OMS_BUILDDIR
[ -x "$OMS_BUILDDIR/oms-worker" ] || { echo "bench: no $OMS_BUILDDIR/oms-worker: build first" >&2; exit 1; }
. "$OMS_SRCDIR/tests/lib/cluster.sh"
. "$OMS_SRCDIR/tests/fakes/worker_lib.sh"

N=${OMS_BENCH_REFUNDS:-2000}
T_START=$(date +%s%3N)
cluster_start >/dev/null
fakes_start
echo "# placing and paying $((2 * N)) orders..." >&2
worker_fixture $((2 * N)) || { echo "bench: fixture failed" >&2; exit 1; }
W_CONCURRENCY=${OMS_BENCH_CONCURRENCY:-8} worker_conf
# the checkouts queued jobs of their own (payment checks, confirmation
# mails): not part of the measurement
q "UPDATE oms.outbox SET status = 'done', done_at = now(), locked_by = NULL, locked_until = NULL
   WHERE status IN ('ready', 'running')" >/dev/null
T_FIXTURE=$(date +%s%3N)

# run K: cancel N confirmed orders, then K workers deliver the outbox
run() {
	local k=$1 mark t0 left i pids="" secs all jobs
	mark=$(q "SELECT coalesce(max(id), 0) FROM oms.outbox")
	psql -X -q -v ON_ERROR_STOP=1 -U t_csr -v n="$N" >/dev/null <<'SQL' || return 1
SELECT oms_api.cancel_order(o.order_no, 'customer_request')
FROM (SELECT order_no FROM oms.orders WHERE status = 'CONFIRMED' ORDER BY id LIMIT :n) o;
SQL
	[ "$(q "SELECT count(*) FROM oms.outbox WHERE id > $mark AND kind = 'refund'")" = "$N" ] ||
		{ echo "bench: expected $N refund jobs" >&2; return 1; }
	t0=$(q "SELECT extract(epoch FROM clock_timestamp())")
	for i in $(seq 1 "$k"); do
		worker_start "k${k}w$i"
		eval "pids=\"\$pids \$W_PID_k${k}w$i\""
	done
	i=0
	while :; do
		left=$(q "SELECT count(*) FROM oms.outbox WHERE id > $mark AND status <> 'done'")
		[ "$left" = 0 ] && break
		i=$((i + 1))
		[ "$i" -gt 6000 ] && { echo "bench: $left jobs left after 10 minutes" >&2; return 1; }
		sleep 0.1
	done
	for p in $pids; do kill "$p"; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	read -r secs all <<<"$(q "SELECT round(extract(epoch FROM max(done_at) FILTER (WHERE kind = 'refund')) - $t0, 3),
	                             round(extract(epoch FROM max(done_at)) - $t0, 3)
	                      FROM oms.outbox WHERE id > $mark" | tr '|' ' ')"
	jobs=$(q "SELECT count(*) FROM oms.outbox WHERE id > $mark")
	printf '%-8s %8s %10s %10s %12s %8s %8s\n' "$k" "$N" "$secs" \
		"$(awk -v n="$N" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')" "$all" "$jobs" \
		"$(awk -v n="$jobs" -v s="$all" 'BEGIN { printf "%.0f", n / s }')"
}

echo "oms-worker throughput: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), concurrency ${OMS_BENCH_CONCURRENCY:-8} per worker"
printf '%-8s %8s %10s %10s %12s %8s %8s\n' workers refunds seconds refunds/s all_jobs_s jobs jobs/s
run 1 || exit 1
run 4 || exit 1
echo "gateway: $(pay GET /_admin/stats refunds_executed) refunds executed, max $(pay GET /_admin/stats max_executions_per_refund_id) per refund; smtp: $(smtp GET /_admin/stats messages) messages"
echo "run time $(( ($(date +%s%3N) - T_START) / 1000 )) s (of which $(( (T_FIXTURE - T_START) / 1000 )) s cluster and fixture)"
