-- BR-012: CONFIRMED -> SHIPPED requires a tracking number.
BEGIN;
\ir fixture.psql
SELECT plan(6);
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS o \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)), false) AS unpaid \gset
SELECT throws_like(format('UPDATE oms.orders SET status = %L WHERE order_no = %s', 'SHIPPED', :o),
	'BR-012:%', 'BR-012: no shipment, no SHIPPED (even for the owner)');
SET SESSION AUTHORIZATION t_ful1;
SELECT matches(pg_temp.err(format('SELECT oms_api.mark_shipped(%s, %L, %L)', :o, 'UPS', '')),
	'^OM001: BR-012', 'BR-012: an empty tracking number is refused');
SELECT matches(pg_temp.err(format('SELECT oms_api.mark_shipped(%s, %L, %L)', :unpaid, 'UPS', '1Z999')),
	'^OM001: BR-011', 'BR-012: an unconfirmed order cannot ship');
SELECT ok(oms_api.mark_shipped(:o, 'UPS', '1Z999AA10123456784') > 0, 'BR-012: shipping with a tracking number works');
SELECT is((SELECT status FROM oms.orders WHERE order_no = :o), 'SHIPPED', 'BR-012: the order is SHIPPED');
SELECT isnt((SELECT estimated_delivery FROM oms.shipment WHERE tracking_no = '1Z999AA10123456784'), NULL,
	'BR-012: the shipment has a delivery estimate');
RESET SESSION AUTHORIZATION;
SELECT * FROM finish();
ROLLBACK;
