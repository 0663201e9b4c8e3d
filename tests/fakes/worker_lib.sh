# Helpers for the oms-worker journeys (sourced after cluster.sh and tap.sh).
#
#   fakes_start                  payment gateway + SMTP sink on loopback
#   worker_fixture N             N paid orders (customers cust1..N), logins
#                                t_csr (oms_csr), t_worker (oms_worker), t_admin
#   worker_conf                  $W_CONF, mode 600, short timeouts/backoff
#   worker_start NAME            oms-worker in the background ($W_PID_NAME)
#   wait_for MAX CMD...          runs CMD every 0.2 s, at most MAX times
#   pay GET|POST PATH [JSON]     the payment fake's admin API
#   smtp GET|POST PATH [JSON]    the SMTP sink's admin API
# Everything started here is stopped by the EXIT trap, before the cluster.

W_PIDS=""
W_DIR=
FAKECTL="$OMS_SRCDIR/tests/fakes/fakectl.py"

worker__cleanup() {
	for p in $W_PIDS; do
		kill "$p" 2>/dev/null
	done
	for p in $W_PIDS; do
		wait "$p" 2>/dev/null
	done
	if [ -n "${W_DIR:-}" ] && [ -n "${OMS_TEST_VERBOSE:-}" ]; then
		for f in "$W_DIR"/*.log; do
			[ -f "$f" ] && sed "s|^|# $(basename "$f"): |" "$f" | tail -n 40
		done
	fi
	cluster_stop
}

fakes_start() {
	W_DIR="$CLUSTER_DIR/worker"
	mkdir -p "$W_DIR"
	trap worker__cleanup EXIT
	python3 "$OMS_SRCDIR/tests/fakes/payment_fake.py" --port-file "$W_DIR/pay.port" \
		--api-key sk_test_oms --log "$W_DIR/pay.log" 2>"$W_DIR/pay.err" &
	W_PIDS="$W_PIDS $!"
	python3 "$OMS_SRCDIR/tests/fakes/smtp_fake.py" --port-file "$W_DIR/smtp.port" \
		--admin-port-file "$W_DIR/smtp-admin.port" 2>"$W_DIR/smtp.err" &
	W_PIDS="$W_PIDS $!"
	python3 "$FAKECTL" "$W_DIR/pay.port" wait 20 &&
	python3 "$FAKECTL" "$W_DIR/smtp.port" wait 20 &&
	python3 "$FAKECTL" "$W_DIR/smtp-admin.port" wait 20 ||
		{ echo "Bail out! fakes did not start"; cat "$W_DIR"/*.err; exit 1; }
}

pay() {	# pay GET|POST PATH [JSON | FIELD]
	local verb
	verb=$(echo "$1" | tr 'A-Z' 'a-z')
	shift
	python3 "$FAKECTL" "$W_DIR/pay.port" "$verb" "$@"
}

smtp() {
	local verb
	verb=$(echo "$1" | tr 'A-Z' 'a-z')
	shift
	python3 "$FAKECTL" "$W_DIR/smtp-admin.port" "$verb" "$@"
}

worker_conf() {
	W_CONF="$W_DIR/worker.conf"
	(umask 077; cat >"$W_CONF" <<CONF
[payment]
base_url = http://127.0.0.1:$(cat "$W_DIR/pay.port")
api_key = sk_test_oms
# the fakes speak plain HTTP on loopback only
allow_insecure_loopback = yes
connect_timeout_ms = 1000
timeout_ms = ${W_PAY_TIMEOUT_MS:-1500}

[mail]
smtp_url = smtp://127.0.0.1:$(cat "$W_DIR/smtp.port")
from = shop@example.org
from_name = OMS Test Shop
shop_name = OMS Test Shop
timeout_ms = 3000

[worker]
poll_interval_ms = 200
concurrency = ${W_CONCURRENCY:-8}
max_attempts = ${W_MAX_ATTEMPTS:-40}
backoff_base_ms = 20
backoff_cap_ms = 400
breaker_threshold = ${W_BREAKER_THRESHOLD:-5}
breaker_open_ms = 300
lock_timeout = ${W_LOCK_TIMEOUT:-2s}
CONF
	)
}

worker_start() {	# worker_start NAME [extra options]
	local name=$1
	shift
	"$OMS_BUILDDIR/oms-worker" --config "$W_CONF" -d "user=t_worker" --worker-id "$name" "$@" \
		>>"$W_DIR/$name.log" 2>&1 &
	local pid=$!
	W_PIDS="$W_PIDS $pid"
	eval "W_PID_$name=$pid"
}

wait_for() {	# wait_for MAX CMD...: true as soon as CMD is
	local max=$1 i=0
	shift
	while [ "$i" -lt "$max" ]; do
		"$@" && return 0
		sleep 0.2
		i=$((i + 1))
	done
	return 1
}

q() {	# q SQL: one value, as superuser
	psql -X -A -t -q -v ON_ERROR_STOP=1 -c "$1"
}

worker_fixture() {	# worker_fixture N: N paid, confirmed orders
	local n=$1
	cluster_login t_csr oms_csr
	cluster_login t_worker oms_worker
	cluster_login t_admin oms_admin
	psql -X -q -v ON_ERROR_STOP=1 -v n="$n" >/dev/null <<'SQL' || return 1
UPDATE oms.policy SET value = '2 seconds' WHERE key = 'outbox_lease';
INSERT INTO oms.seller (name, email) VALUES ('Worker Test Seller', 'seller@example.net');
INSERT INTO oms.item (seller_id, sku, name, price_minor)
SELECT id, 'MUG-1', 'Blue mug', 1250 FROM oms.seller WHERE name = 'Worker Test Seller';
INSERT INTO oms.customer (full_name, email)
SELECT 'Customer ' || g, 'cust' || g || '@example.com' FROM generate_series(1, :n) g;
INSERT INTO oms.address (customer_id, name, line1, city, country, is_default)
SELECT c.id, c.full_name, '1 Main St', 'Springfield', 'US', true
FROM oms.customer c WHERE c.email LIKE 'cust%@example.com';
SQL
	# checkouts as the CSR, payments confirmed as the worker would
	psql -X -q -v ON_ERROR_STOP=1 -U t_csr >/dev/null <<'SQL' || return 1
DO $$
DECLARE c record; v_item bigint;
BEGIN
	SELECT id INTO v_item FROM oms.item WHERE sku = 'MUG-1';
	FOR c IN SELECT cu.id, a.id AS addr FROM oms.customer cu JOIN oms.address a ON a.customer_id = cu.id
	         WHERE cu.email LIKE 'cust%@example.com' ORDER BY cu.id LOOP
		PERFORM oms_api.place_checkout(c.id, c.addr, jsonb_build_array(jsonb_build_object('item_id', v_item, 'qty', 2)));
	END LOOP;
END $$;
SQL
	psql -X -q -v ON_ERROR_STOP=1 -U t_worker >/dev/null <<'SQL' || return 1
SELECT oms_api.confirm_payment(o.order_no, 'pi_test_' || o.order_no, o.total_minor)
FROM oms.orders o WHERE o.status = 'PENDING' ORDER BY o.id;
SQL
}

cancel_all() {	# cancel every confirmed order, as the CSR
	psql -X -q -v ON_ERROR_STOP=1 -U t_csr >/dev/null <<'SQL'
SELECT oms_api.cancel_order(o.order_no, 'customer_request')
FROM oms.orders o WHERE o.status = 'CONFIRMED' ORDER BY o.id;
SQL
}

outbox_left() {	# jobs not yet done or dead (the looks again at a succeeded
	# refund, hours to days ahead, are follow-ups, not work left: issue 12)
	q "SELECT count(*) FROM oms.outbox WHERE status IN ('ready', 'running')
		AND dedupe_key NOT LIKE 'refund\_recheck:%'"
}

outbox_empty() {
	[ "$(outbox_left)" = 0 ]
}
