-- Issue 8, break 1 (second half): recording what the gateway did never
-- fails a rule. Money that left is recorded; a result that contradicts the
-- ledger raises an alert for the administrators instead of a dead job.
BEGIN;
\ir fixture.psql
SELECT plan(9);
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 2))) AS o \gset
SELECT id AS oid, total_minor AS paid FROM oms.orders WHERE order_no = :o \gset
SET SESSION AUTHORIZATION t_csr;
SELECT refund_id AS r FROM oms_api.cancel_order(:o, 'customer_request') \gset
RESET SESSION AUTHORIZATION;
-- a second full refund granted by a broken path before this release (the
-- owner bypasses the grant check to set up the history)
ALTER TABLE oms.refund DISABLE TRIGGER refund_guard_amount;
INSERT INTO oms.refund (order_id, amount_minor, currency, reason, approval, approved_by, approved_at)
VALUES (:oid, :paid, 'USD', 'double grant from the past', 'approved', 't_admin', now()) RETURNING id AS r2 \gset
ALTER TABLE oms.refund ENABLE TRIGGER refund_guard_amount;

SET SESSION AUTHORIZATION t_worker;
SELECT lives_ok(format($$SELECT oms_api.refund_result(%s, 'succeeded', 're_1', NULL)$$, :r), 'the first refund''s success is recorded');
SELECT lives_ok(format($$SELECT oms_api.refund_result(%s, 'succeeded', 're_2', NULL)$$, :r2),
	'the second one''s too, although the ledger is overdrawn: the money left');
RESET SESSION AUTHORIZATION;
SELECT results_eq(format('SELECT status FROM oms.refund WHERE id IN (%s, %s) ORDER BY id', :r, :r2),
	$$VALUES ('succeeded'::text), ('succeeded'::text)$$, 'both are recorded as succeeded');
SELECT is((SELECT count(*) FROM oms.alert WHERE kind = 'ledger_overdrawn' AND refund_id = :r2), 1::bigint,
	'the overdrawn ledger raises an alert');

SET SESSION AUTHORIZATION t_worker;
SELECT lives_ok(format($$SELECT oms_api.refund_result(%s, 'failed', 're_1', 'bank rejected')$$, :r),
	'a refund that fails after it succeeded is recorded');
SELECT lives_ok(format($$SELECT oms_api.refund_result(%s, 'failed', 're_1', 'bank rejected')$$, :r),
	'said twice: harmless');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*) FROM oms.alert WHERE kind = 'refund_result_changed' AND refund_id = :r), 1::bigint,
	'a final result that changes raises one alert');
SET SESSION AUTHORIZATION t_admin;
SELECT is((SELECT count(*) FROM oms_api.alerts()), 2::bigint, 'administrators list the open alerts');
SELECT oms_api.alert_resolve((SELECT max(id) FROM oms.alert), 'called the bank');
SELECT is((SELECT count(*) FROM oms_api.alerts()), 1::bigint, 'a resolved alert leaves the open list');
RESET SESSION AUTHORIZATION;
SELECT * FROM finish();
ROLLBACK;
