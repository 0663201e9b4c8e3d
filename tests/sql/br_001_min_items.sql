-- BR-001: an order must have at least 1 item.
BEGIN;
\ir fixture.psql
SELECT plan(3);
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err(format('SELECT oms_api.place_checkout(%s, %s, %L)', :cust, :addr, '[]')),
	'^OM001: BR-001', 'BR-001: an empty checkout is refused');
SELECT matches(pg_temp.err(format('SELECT oms_api.place_checkout(%s, %s, NULL)', :cust, :addr)),
	'^OM001: BR-001', 'BR-001: a checkout without lines is refused');
SELECT is(pg_temp.err(format('SELECT oms_api.place_checkout(%s, %s, %L)', :cust, :addr,
	jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)))),
	'ok', 'BR-001: one item is enough');
RESET SESSION AUTHORIZATION;
SELECT * FROM finish();
ROLLBACK;
