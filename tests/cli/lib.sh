# Shared setup of the CLI tests (tests/cli/*.test): a throwaway cluster
# with the demo data (`oms seed --scale tiny`), or, while the seed cannot
# run, a small fixture made the way the program itself makes data: orders
# placed, paid and shipped through oms_api by the demo logins.
#
# The anchor customer is the same either way: "Zoë Ångström-Nakamura",
# zoe.angstrom@example.com, +15550100199, with orders in several statuses.

. "$OMS_SRCDIR/tests/lib/cluster.sh"
. "$OMS_SRCDIR/tests/lib/tap.sh"

OMS="$OMS_BUILDDIR/oms"
ZOE_EMAIL=zoe.angstrom@example.com
ZOE_PHONE=+15550100199

sql() {	# sql QUERY: one value or rows, as superuser
	psql -XAtq -v ON_ERROR_STOP=1 -c "$1"
}

sql_as() {	# sql_as LOGIN QUERY
	psql -XAtq -v ON_ERROR_STOP=1 -U "$1" -c "$2"
}

csr() {		# csr ARGS...: oms as the CSR demo login
	"$OMS" -d "user=demo_csr" "$@"
}

cli_fixture() {
	sql "INSERT INTO oms.seller (name) VALUES ('Nordic Home'), ('Lumen & Co')" &&
	sql "INSERT INTO oms.item (seller_id, sku, name, price_minor) VALUES
		(1, 'LAMP-1', 'Desk lamp', 4599), (1, 'MUG-2', 'Stoneware mug', 1250),
		(2, 'BULB-3', 'LED bulb', 799)" &&
	sql "INSERT INTO oms.customer (full_name, email, phone) VALUES
		('Zoë Ångström-Nakamura', 'zoe.angstrom@example.com', '+15550100199'),
		('Liam O''Brien', 'liam.obrien@example.com', '+442079460958')" &&
	sql "INSERT INTO oms.address (customer_id, label, name, line1, city, region, postal_code, country, is_default)
		VALUES (1, 'home', 'Zoë Ångström-Nakamura', '12 Harbour Road', 'Springfield', 'IL', '62701', 'US', true),
		       (2, 'home', 'Liam O''Brien', '3 Quay St', 'London', NULL, 'SE1 9GF', 'GB', true)" ||
		cluster__die "fixture: base rows"
	cluster_login demo_csr oms_csr "" "Sarah Chen"
	cluster_login demo_fulfilment oms_fulfilment 1 "Felix Ortega"
	cluster_login demo_admin oms_admin "" "Jordan Admin"
	cluster_login demo_worker oms_worker "" "Worker"
	# five orders of Zoë's and one of Liam's: ids 1000000..1000005
	for lines in '[{"item_id":1,"qty":1}]' '[{"item_id":2,"qty":2}]' \
		'[{"item_id":1,"qty":1},{"item_id":2,"qty":1}]' '[{"item_id":2,"qty":1}]' \
		'[{"item_id":1,"qty":2}]'; do
		sql_as demo_csr "SELECT order_no FROM oms_api.place_checkout(1, 1, '$lines')" >/dev/null ||
			cluster__die "fixture: place_checkout"
	done
	sql_as demo_csr "SELECT order_no FROM oms_api.place_checkout(2, 2, '[{\"item_id\":3,\"qty\":3}]')" >/dev/null ||
		cluster__die "fixture: place_checkout"
	# paid: all but the first -> CONFIRMED
	for no in $(sql "SELECT order_no FROM oms.orders WHERE id > 1000000 ORDER BY id"); do
		sql_as demo_worker "SELECT oms_api.confirm_payment($no, 'pi_fixture_$no',
			(SELECT total_minor FROM oms.orders WHERE order_no = $no))" >/dev/null ||
			cluster__die "fixture: confirm_payment $no"
	done
	# shipped: the third
	sql_as demo_fulfilment "SELECT oms_api.mark_shipped(
		(SELECT order_no FROM oms.orders WHERE id = 1000002), 'UPS', '1Z999AA10123456784')" >/dev/null ||
		cluster__die "fixture: mark_shipped"
	# the fourth was placed yesterday: its cancellation window has closed
	sql "UPDATE oms.orders SET placed_at = now() - interval '1 day' WHERE id = 1000003" ||
		cluster__die "fixture: placed_at"
}

# The tests place new orders (oms_api.place_checkout). If the seed inserted
# rows with explicit ids without advancing the identity sequences, that
# fails with a duplicate key: report it loudly (a bug of the demo data,
# not of the CLI) and advance them so the CLI can still be tested.
cli_check_sequences() {
	local behind
	behind=$(psql -XAtq -v ON_ERROR_STOP=1 2>&1 <<'SQL' | sed -n 's/.*BEHIND//p'
DO $$
DECLARE
	c record;
	seq text;
	maxid bigint;
	n int := 0;
	names text := '';
BEGIN
	FOR c IN SELECT table_name, column_name FROM information_schema.columns
	         WHERE table_schema = 'oms' AND is_identity = 'YES' LOOP
		seq := pg_get_serial_sequence(format('oms.%I', c.table_name), c.column_name);
		EXECUTE format('SELECT max(%I) FROM oms.%I', c.column_name, c.table_name) INTO maxid;
		-- behind: the value nextval() would give is already taken
		IF maxid IS NOT NULL AND maxid >= (SELECT coalesce(last_value + increment_by, start_value)
		                                   FROM pg_sequences
		                                   WHERE format('%I.%I', schemaname, sequencename) = seq) THEN
			PERFORM setval(seq, maxid);
			n := n + 1;
			names := names || ' ' || c.table_name;
		END IF;
	END LOOP;
	IF n > 0 THEN
		RAISE NOTICE 'BEHIND%', names;
	END IF;
END
$$;
SQL
	)
	if [ -n "$behind" ]; then
		echo "# BUG in the demo data: identity sequences left behind the seeded ids:$behind"
		echo "# (new orders would fail with a duplicate key); advanced them for these tests"
	fi
}

cli_setup() {
	cluster_start
	if { cluster_seed_template tiny || "$OMS" seed --scale tiny >"$CLUSTER_DIR/seed.log" 2>&1; } &&
	   [ "$(sql "SELECT count(*) FROM oms.customer WHERE lower(email) = '$ZOE_EMAIL'")" = 1 ]; then
		echo "# demo data: oms seed --scale tiny"
		cli_check_sequences
	else
		echo "# demo data: oms seed failed, using the tests/cli fixture"
		sed 's/^/#   /' "$CLUSTER_DIR/seed.log" | head -n 3
		cli_fixture
	fi
}

# zoe_order STATUS...: one of Zoë's order numbers in one of the statuses
zoe_order() {
	local list
	list=$(printf "'%s'," "$@")
	sql "SELECT o.order_no FROM oms.orders o JOIN oms.customer c ON c.id = o.customer_id
	     WHERE lower(c.email) = '$ZOE_EMAIL' AND o.status IN (${list%,})
	     ORDER BY o.placed_at DESC, o.id LIMIT 1"
}

# new_order [paid]: places a fresh order for Zoë the way a CSR does
# (oms_api.place_checkout as demo_csr); "paid" also confirms its payment as
# the worker would. Prints the order number.
new_order() {
	local cust addr item no
	cust=$(sql "SELECT id FROM oms.customer WHERE lower(email) = '$ZOE_EMAIL'")
	addr=$(sql "SELECT id FROM oms.address WHERE customer_id = $cust ORDER BY is_default DESC, id LIMIT 1")
	item=$(sql "SELECT id FROM oms.item WHERE active AND currency = 'USD' ORDER BY id LIMIT 1")
	no=$(sql_as demo_csr "SELECT order_no FROM oms_api.place_checkout($cust, $addr,
		'[{\"item_id\": $item, \"qty\": 1}]')") || return 1
	if [ "${1:-}" = paid ]; then
		sql_as demo_worker "SELECT oms_api.confirm_payment($no, 'pi_test_$no',
			(SELECT total_minor FROM oms.orders WHERE order_no = $no))" >/dev/null || return 1
	fi
	echo "$no"
}

# status_of ORDER_NO
status_of() {
	sql "SELECT status FROM oms.orders WHERE order_no = $1"
}

# json_get FILE PYEXPR: evaluates PYEXPR on the JSON document as `d`
# (a tuple prints as its items separated by spaces)
json_get() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
v = eval(sys.argv[2])
print(" ".join(map(str, v)) if isinstance(v, tuple) else v)' "$1" "$2"
}
