-- BR-002: an order must have at most 100 items (policy max_order_items).
BEGIN;
\ir fixture.psql
SELECT plan(3);
-- 101 distinct active items of seller A
INSERT INTO oms.item (seller_id, sku, name, price_minor)
SELECT :seller_a, 'BULK-' || i, 'Bulk ' || i, 100 FROM generate_series(1, 101) i;
SET SESSION AUTHORIZATION t_csr;
SELECT is(pg_temp.err(format('SELECT oms_api.place_checkout(%s, %s, %L)', :cust, :addr,
	(SELECT jsonb_agg(jsonb_build_object('item_id', id, 'qty', 1)) FROM (SELECT id FROM oms.item WHERE sku LIKE 'BULK-%' ORDER BY id LIMIT 100) x))),
	'ok', 'BR-002: 100 items are accepted');
SELECT matches(pg_temp.err(format('SELECT oms_api.place_checkout(%s, %s, %L)', :cust, :addr,
	(SELECT jsonb_agg(jsonb_build_object('item_id', id, 'qty', 1)) FROM oms.item WHERE sku LIKE 'BULK-%'))),
	'^OM001: BR-002', 'BR-002: 101 items are refused');
RESET SESSION AUTHORIZATION;
UPDATE oms.policy SET value = '2' WHERE key = 'max_order_items';
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err(format('SELECT oms_api.place_checkout(%s, %s, %L)', :cust, :addr,
	jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1), jsonb_build_object('item_id', :item_a2, 'qty', 1),
	                  jsonb_build_object('item_id', :item_b1, 'qty', 1)))),
	'^OM001: BR-002: an order may have at most 2 items', 'BR-002: the limit is the max_order_items policy');
RESET SESSION AUTHORIZATION;
SELECT * FROM finish();
ROLLBACK;
