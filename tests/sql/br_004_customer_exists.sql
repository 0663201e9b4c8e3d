-- BR-004: the customer must exist before an order is created.
BEGIN;
\ir fixture.psql
SELECT plan(2);
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err(format('SELECT oms_api.place_checkout(%s, %s, %L)', 999999, :addr,
	jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)))),
	'^OM001: BR-004: customer 999999 does not exist', 'BR-004: an unknown customer is refused');
SELECT matches(pg_temp.err(format('SELECT oms_api.place_checkout(%s, %s, %L)', :cust, 999999,
	jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)))),
	'^22023', 'BR-004: the address must be one of the customer''s');
RESET SESSION AUTHORIZATION;
SELECT * FROM finish();
ROLLBACK;
