-- BR-024: a refund is created automatically when a paid order is cancelled,
-- with its outbox jobs, in the same transaction.
BEGIN;
\ir fixture.psql
SELECT plan(9);
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 2))) AS paid \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)), false) AS unpaid \gset
SET SESSION AUTHORIZATION t_csr;
SELECT is((SELECT refund_minor FROM oms_api.cancel_eligibility(:paid)), 2500::bigint,
	'BR-024: eligibility announces the refund (items + shipping)');
SELECT refund_id, cancellation_id FROM oms_api.cancel_order(:paid, 'customer_request') \gset
RESET SESSION AUTHORIZATION;
SELECT isnt(:'refund_id'::text, ''::text, 'BR-024: cancelling a paid order returns a refund');
SELECT results_eq(format('SELECT amount_minor, approval, status FROM oms.refund WHERE id = %s', :refund_id),
	$$VALUES (2500::bigint, 'auto', 'not_sent')$$, 'BR-024: the refund covers what was paid, auto-approved, not yet sent');
SELECT isnt((SELECT idempotency_key FROM oms.refund WHERE id = :refund_id), NULL,
	'BR-024: the idempotency key is stored before the gateway is called');
SELECT results_eq(format($$SELECT kind FROM oms.outbox WHERE order_id = (SELECT id FROM oms.orders WHERE order_no = %s)
	AND kind <> 'payment_verify' ORDER BY kind$$, :paid),
	$$VALUES ('inventory_release'), ('mail'), ('refund'), ('seller_notify')$$,
	'BR-024: refund, mail, seller notice and inventory release are queued');
SELECT is((SELECT payload ->> 'idempotency_key' FROM oms.outbox WHERE refund_id = :refund_id AND kind = 'refund'),
	(SELECT idempotency_key::text FROM oms.refund WHERE id = :refund_id), 'BR-024: the refund job carries the key');
SELECT is(oms.refundable_minor((SELECT id FROM oms.orders WHERE order_no = :paid)), 0::bigint,
	'BR-024: nothing is left to refund');
SET SESSION AUTHORIZATION t_csr;
SELECT is((SELECT refund_id FROM oms_api.cancel_order(:unpaid, 'customer_request')), NULL,
	'BR-024: an unpaid order is cancelled without a refund');
RESET SESSION AUTHORIZATION;
SELECT throws_like(format($$INSERT INTO oms.refund (order_id, amount_minor, currency, reason, approval)
	SELECT id, 1, 'USD', 'extra', 'auto' FROM oms.orders WHERE order_no = %s$$, :paid),
	'BR-028:%', 'BR-024: the ledger never refunds more than was paid (even for the owner)');
SELECT * FROM finish();
ROLLBACK;
