-- BR-005: an item must be active to be added to an order.
BEGIN;
\ir fixture.psql
SELECT plan(3);
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err(format('SELECT oms_api.place_checkout(%s, %s, %L)', :cust, :addr,
	jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1), jsonb_build_object('item_id', :item_off, 'qty', 1)))),
	'^OM001: BR-005', 'BR-005: an inactive item is refused');
SELECT matches(pg_temp.err(format('SELECT oms_api.place_checkout(%s, %s, %L)', :cust, :addr,
	jsonb_build_array(jsonb_build_object('item_id', 987654, 'qty', 1)))),
	'^OM001: BR-005', 'BR-005: an unknown item is refused');
SELECT is((SELECT count(*) FROM oms.orders), 0::bigint, 'BR-005: nothing was written');
RESET SESSION AUTHORIZATION;
SELECT * FROM finish();
ROLLBACK;
