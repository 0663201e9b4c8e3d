-- BR-014: only PENDING and CONFIRMED orders can be cancelled.
BEGIN;
\ir fixture.psql
SELECT plan(5);
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)), false) AS pending \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS confirmed \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS shipped \gset
SET SESSION AUTHORIZATION t_ful1;
SELECT oms_api.mark_shipped(:shipped, 'Local', 'TRK-14-1') AS ship \gset
SET SESSION AUTHORIZATION t_csr;
SELECT is((SELECT state FROM oms_api.cancel_order(:pending, 'customer_request')), 'done', 'BR-014: a PENDING order can be cancelled');
SELECT is((SELECT state FROM oms_api.cancel_order(:confirmed, 'customer_request')), 'done', 'BR-014: a CONFIRMED order can be cancelled');
SELECT matches(pg_temp.err(format('SELECT * FROM oms_api.cancel_order(%s, %L)', :shipped, 'customer_request')),
	'^OM001: BR-022: .*SHIPPED.*BR-014', 'BR-014: SHIPPED order cannot be cancelled');
SELECT is((SELECT verdict FROM oms_api.cancel_eligibility(:shipped)), 'refused', 'BR-014: eligibility says refused for SHIPPED');
RESET SESSION AUTHORIZATION;
SELECT throws_like(format('UPDATE oms.orders SET status = %L WHERE order_no = %s', 'CANCELLED', :shipped),
	'BR-014:%', 'BR-014: the status guard refuses SHIPPED -> CANCELLED even for the owner');
SELECT * FROM finish();
ROLLBACK;
