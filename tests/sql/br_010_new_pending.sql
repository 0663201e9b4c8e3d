-- BR-010: new orders start in PENDING status.
BEGIN;
\ir fixture.psql
SELECT plan(3);
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1),
                                           jsonb_build_object('item_id', :item_b1, 'qty', 1)), false) AS o \gset
SELECT is((SELECT array_agg(DISTINCT status) FROM oms.orders), ARRAY['PENDING'], 'BR-010: a placed checkout''s orders are PENDING');
SELECT is((SELECT count(*) FROM oms.orders), 2::bigint, 'BR-010: one order per seller');
SELECT throws_like(format($$INSERT INTO oms.orders (checkout_id, customer_id, seller_id, status, currency, subtotal_minor, ship_to)
	VALUES ((SELECT max(id) FROM oms.checkout), %s, %s, 'CONFIRMED', 'USD', 100, '{}')$$, :cust, :seller_b),
	'BR-010:%', 'BR-010: even the owner cannot insert an order in another status');
SELECT * FROM finish();
ROLLBACK;
