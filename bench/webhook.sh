#!/bin/bash
# Carrier webhook Events accepted and committed per second by one
# oms-worker (issue 11; target 500/s on the reference machine).
#
#   bench/webhook.sh            (or `make bench`)
#
# A throwaway cluster, OMS_BENCH_EVENTS (default 2000) paid orders shipped
# with UPS tracking numbers (as in the worker journeys), one oms-worker
# listening on loopback ([webhook] listen, [webhook] threads =
# OMS_BENCH_THREADS, default 4, [carrier] webhook_secret). A
# Python client (8 threads, OMS_BENCH_CLIENTS) posts one signed Event per
# shipment (a tracker.updated with two scans) to /webhooks/carrier, as
# fast as the worker answers; each 200 means the Event was stored and
# applied (committed) before the answer. Then the same Events again
# (replays: 200 duplicate, nothing written). Columns: events, seconds,
# events/s, p50 and p95 of one request (ms), and whether every Event was
# stored once and every order moved to IN_TRANSIT.
#
# The test cluster runs with fsync, synchronous_commit and full_page_writes
# off (tests/lib/cluster.sh). OMS_BENCH_DURABLE=1 turns the three on
# (ALTER SYSTEM, reload and a CHECKPOINT after the fixture is made, before
# the first Event), so that each COMMIT waits for its WAL to reach the
# disk, as on a production server; the mode is printed with the figures.
set -u
: "${OMS_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
if [ -z "${OMS_BUILDDIR:-}" ]; then
	if [ -x ./oms-worker ]; then OMS_BUILDDIR=$(pwd); else OMS_BUILDDIR=$OMS_SRCDIR; fi
fi
export OMS_SRCDIR OMS_BUILDDIR
[ -x "$OMS_BUILDDIR/oms-worker" ] || { echo "bench: no $OMS_BUILDDIR/oms-worker: build first" >&2; exit 1; }
. "$OMS_SRCDIR/tests/lib/cluster.sh"
. "$OMS_SRCDIR/tests/fakes/worker_lib.sh"

N=${OMS_BENCH_EVENTS:-2000}
C=${OMS_BENCH_CLIENTS:-8}
T=${OMS_BENCH_THREADS:-4}
cluster_start >/dev/null
fakes_start
echo "# placing, paying and shipping $N orders..." >&2
worker_fixture "$N" || { echo "bench: fixture failed" >&2; exit 1; }
q "SELECT count(oms_api.mark_shipped(o.order_no, 'UPS', '1ZBENCH' || lpad(o.id::text, 11, '0')))
   FROM oms.orders o WHERE o.status = 'CONFIRMED'" >/dev/null || { echo "bench: shipping failed" >&2; exit 1; }
q "UPDATE oms.outbox SET status = 'done', done_at = now() WHERE status IN ('ready', 'running')" >/dev/null
if [ "${OMS_BENCH_DURABLE:-0}" = 1 ]; then
	for s in fsync synchronous_commit full_page_writes; do
		q "ALTER SYSTEM SET $s = on" >/dev/null || { echo "bench: ALTER SYSTEM SET $s failed" >&2; exit 1; }
	done
	q "SELECT pg_reload_conf()" >/dev/null
	for i in $(seq 50); do	# the reload is asynchronous
		[ "$(q "SELECT count(*) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit',
		        'full_page_writes') AND setting = 'on'")" = 3 ] && break
		sleep 0.1
	done
	q "CHECKPOINT" >/dev/null
fi
mode="$(q "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings
          WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes')")"
case "$mode" in
*=off*) mode="not durable ($mode)" ;;
*) mode="durable ($mode)" ;;
esac
echo "# mode: $mode"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
worker_conf
cat >>"$W_CONF" <<CONF

[webhook]
listen = 127.0.0.1:$port
threads = $T

[carrier]
webhook_secret = whsec_bench
webhook_rate = 100000
CONF
worker_start bench
python3 -c "
import socket, time
for i in range(100):
    try:
        socket.create_connection(('127.0.0.1', $port), 1); break
    except OSError:
        time.sleep(0.1)
"
q "SELECT tracking_no FROM oms.shipment WHERE tracking_no LIKE '1ZBENCH%' ORDER BY id" >"$W_DIR/codes"

load0=$(cut -d' ' -f1 /proc/loadavg)
python3 - "$port" "$C" "$W_DIR/codes" <<'PY'
import datetime, hashlib, hmac, http.client, json, sys, threading, time
port, clients, codes = int(sys.argv[1]), int(sys.argv[2]), open(sys.argv[3]).read().split()
base = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) - datetime.timedelta(hours=6)
def event(i, code):
    d = [{"status": s, "message": s, "datetime": (base + datetime.timedelta(hours=k)).strftime("%Y-%m-%dT%H:%M:%SZ"),
          "tracking_location": {"city": "Louisville", "state": "KY", "country": "US"}}
         for k, s in enumerate(["pre_transit", "in_transit"])]
    body = json.dumps({"id": "evt_bench_%06d" % i, "object": "Event", "description": "tracker.updated",
                       "result": {"id": "trk_bench_%06d" % i, "object": "Tracker", "tracking_code": code,
                                  "carrier": "UPS", "status": "in_transit", "tracking_details": d}}).encode()
    return body, "hmac-sha256-hex=" + hmac.new(b"whsec_bench", body, hashlib.sha256).hexdigest()
events = [event(i, c) for i, c in enumerate(codes)]

def run(label):
    lat, bad, lock = [], [], threading.Lock()
    nxt = [0]
    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                i = nxt[0]; nxt[0] += 1
            if i >= len(events):
                return
            body, sig = events[i]
            t = time.perf_counter()
            try:
                conn.request("POST", "/webhooks/carrier", body, {"X-Hmac-Signature": sig, "Content-Type": "application/json"})
                r = conn.getresponse(); r.read(); st = r.status
            except Exception:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30); st = 0
            with lock:
                lat.append((time.perf_counter() - t) * 1000)
                if st != 200:
                    bad.append(st)
    t0 = time.perf_counter()
    th = [threading.Thread(target=worker) for _ in range(clients)]
    for x in th: x.start()
    for x in th: x.join()
    secs = time.perf_counter() - t0
    lat.sort()
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
    print("%-10s %7d %8.2f %9.0f %8.1f %8.1f %6d" % (label, len(events), secs, len(events) / secs, p(0.5), p(0.95), len(bad)))
print("%-10s %7s %8s %9s %8s %8s %6s" % ("run", "events", "seconds", "events/s", "p50_ms", "p95_ms", "not200"))
run("new")
run("replayed")
PY
stored=$(q "SELECT count(*) FROM oms.carrier_event WHERE event_id LIKE 'evt_bench_%'")
moved=$(q "SELECT count(*) FROM oms.orders WHERE status = 'IN_TRANSIT'")
echo "# stored once: $stored of $N; orders IN_TRANSIT: $moved of $N; listener threads $T, $C clients; $mode; $(nproc) CPUs, load $load0 before, $(cut -d' ' -f1-3 /proc/loadavg) after, $(date -u +%FT%TZ)"
[ "$stored" = "$N" ] && [ "$moved" = "$N" ]
