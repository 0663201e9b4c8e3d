-- BR-013: -> DELIVERED requires a delivery confirmation (a carrier 'delivered' event).
BEGIN;
\ir fixture.psql
SELECT plan(6);
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS o \gset
SET SESSION AUTHORIZATION t_ful1;
SELECT oms_api.mark_shipped(:o, 'Local', 'TRK-13-1') AS ship \gset
RESET SESSION AUTHORIZATION;
SELECT throws_like(format('UPDATE oms.orders SET status = %L WHERE order_no = %s', 'DELIVERED', :o),
	'BR-013:%', 'BR-013: no delivery event, no DELIVERED (even for the owner)');
SET SESSION AUTHORIZATION t_worker;
SELECT is(oms_api.record_tracking_event('TRK-13-1', 'in_transit', now() - interval '2 hours', 'Memphis, TN', 'Departed'),
	'IN_TRANSIT', 'BR-013: an in_transit scan moves the order to IN_TRANSIT');
SELECT is(oms_api.record_tracking_event('TRK-13-1', 'in_transit', now() - interval '2 hours', 'Memphis, TN', 'Departed'),
	'IN_TRANSIT', 'BR-013: a repeated scan changes nothing');
SELECT is(oms_api.record_tracking_event('TRK-13-1', 'delivered', now(), 'Springfield, IL', 'Front door'),
	'DELIVERED', 'BR-013: the carrier''s delivered scan delivers the order');
SELECT is(oms_api.record_tracking_event('TRK-13-1', 'out_for_delivery', now() - interval '1 hour', 'Springfield, IL', NULL),
	'DELIVERED', 'BR-013: a late older scan does not move a delivered order back');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT staff_name FROM oms.audit_log WHERE table_name = 'shipment_event' ORDER BY id LIMIT 1), 'worker',
	'BR-013: the worker (a staff row), not the carrier''s name from the data, is the actor of a tracking event');
SELECT * FROM finish();
ROLLBACK;
