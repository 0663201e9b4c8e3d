-- Write functions given a NULL order number, or the id of a refund or
-- cancellation that does not exist, answer "not found" (P0002) and touch
-- nothing. (They used to lock and act on an arbitrary order: a CSR's
-- cancel_order(NULL, ...) cancelled and refunded somebody's order.)
BEGIN;
\ir fixture.psql
SELECT plan(15);
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS paid \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)), false) AS unpaid \gset
SELECT (SELECT count(*) FROM oms.cancellation) + (SELECT count(*) FROM oms.refund) + (SELECT count(*) FROM oms.shipment)
     + (SELECT count(*) FROM oms.outbox) AS rows_before \gset
SELECT string_agg(order_no || ' ' || status, ', ' ORDER BY order_no) AS orders_before FROM oms.orders \gset

SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err($$SELECT * FROM oms_api.cancel_order(NULL, 'customer_request')$$), '^P0002',
	'cancel_order: a NULL order number is not found');
SELECT matches(pg_temp.err($$SELECT * FROM oms_api.cancel_lines(NULL, '[{"line_no": 1, "qty": 1}]', 'customer_request')$$), '^P0002',
	'cancel_lines: a NULL order number is not found');
SELECT matches(pg_temp.err($$SELECT oms_api.request_refund(NULL, 100, 'goodwill')$$), '^P0002',
	'request_refund: a NULL order number is not found');
SELECT matches(pg_temp.err($$SELECT oms_api.attach_payment(NULL, 'pay_abc')$$), '^P0002',
	'attach_payment: a NULL order number is not found');
SET SESSION AUTHORIZATION t_admin;
SELECT matches(pg_temp.err($$SELECT * FROM oms_api.decide_cancellation(-1, true, 'ok')$$), '^P0002',
	'decide_cancellation: an unknown cancellation is not found');
SELECT matches(pg_temp.err($$SELECT * FROM oms_api.decide_cancellation(NULL, true, 'ok')$$), '^P0002',
	'decide_cancellation: a NULL cancellation is not found');
SELECT matches(pg_temp.err($$SELECT oms_api.decide_refund(-1, true, 'ok')$$), '^P0002',
	'decide_refund: an unknown refund is not found');
SELECT matches(pg_temp.err($$SELECT oms_api.mark_shipped(NULL, 'UPS', '1ZNULL0001')$$), '^P0002',
	'mark_shipped: a NULL order number is not found');
SET SESSION AUTHORIZATION t_ful1;
SELECT matches(pg_temp.err($$SELECT * FROM oms_api.decide_cancellation(-1, true, 'ok')$$), '^P0002',
	'decide_cancellation as fulfilment: an unknown cancellation is not found');
SET SESSION AUTHORIZATION t_worker;
SELECT matches(pg_temp.err($$SELECT oms_api.confirm_payment(NULL, 'pay_abc', 1500)$$), '^P0002',
	'confirm_payment: a NULL order number is not found');
SELECT matches(pg_temp.err($$SELECT oms_api.payment_failed(NULL, 'declined')$$), '^P0002',
	'payment_failed: a NULL order number is not found');
SELECT matches(pg_temp.err($$SELECT oms_api.refund_result(-1, 'succeeded', 're_x', 'ok')$$), '^P0002',
	'refund_result: an unknown refund is not found');
SELECT matches(pg_temp.err($$SELECT oms_api.refund_result(NULL, 'failed', NULL, 'x')$$), '^P0002',
	'refund_result: a NULL refund is not found');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT string_agg(order_no || ' ' || status, ', ' ORDER BY order_no) FROM oms.orders), :'orders_before',
	'not found: no order changed status');
SELECT is((SELECT count(*) FROM oms.cancellation) + (SELECT count(*) FROM oms.refund) + (SELECT count(*) FROM oms.shipment)
	+ (SELECT count(*) FROM oms.outbox), :rows_before::bigint,
	'not found: no cancellation, refund, shipment or outbox job was written');
SELECT * FROM finish();
ROLLBACK;
