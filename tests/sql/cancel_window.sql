-- Cancellation window (policy cancel_window), approval (BR-025) and the
-- admin override (BR-026).
BEGIN;
\ir fixture.psql
SELECT plan(16);
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS late \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS late2 \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS late3 \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)), false) AS late_unpaid \gset
SELECT pg_temp.age_order(n, '2 hours') FROM unnest(ARRAY[:late, :late2, :late3, :late_unpaid]) n;

SET SESSION AUTHORIZATION t_csr;
SELECT results_eq(format('SELECT verdict, needs_override FROM oms_api.cancel_eligibility(%s)', :late),
	$$VALUES ('needs_approval', false)$$, 'BR-025: after the window a CSR''s cancellation needs approval');
SELECT is((SELECT verdict FROM oms_api.cancel_eligibility(:late_unpaid)), 'allowed',
	'BR-020: an unpaid PENDING order still cancels at once after the window');
SELECT cancellation_id AS c1, state AS s1 FROM oms_api.cancel_order(:late, 'customer_request') \gset
SELECT is(:'s1'::text, 'pending_approval'::text, 'BR-025: the late cancellation waits for approval');
SELECT is((SELECT status FROM oms.orders WHERE order_no = :late), 'CONFIRMED', 'BR-025: the order is not cancelled yet');
SELECT matches(pg_temp.err(format('SELECT * FROM oms_api.cancel_order(%s, %L)', :late, 'customer_request')),
	'^OM002: a cancellation .* already waiting', 'BR-025: a second request is a conflict');
SELECT matches(pg_temp.err(format('SELECT * FROM oms_api.cancel_order(%s, %L, NULL, %L)', :late2, 'customer_request', 'VIP')),
	'^42501: BR-026', 'BR-026: a CSR cannot override the window');
SELECT matches(pg_temp.err(format('SELECT * FROM oms_api.decide_cancellation(%s, true, NULL)', :c1)),
	'^42501', 'BR-025: a CSR cannot approve');

SET SESSION AUTHORIZATION t_ful2;
SELECT matches(pg_temp.err(format('SELECT * FROM oms_api.decide_cancellation(%s, true, NULL)', :c1)),
	'^P0002', 'BR-025: another seller cannot approve');
SET SESSION AUTHORIZATION t_ful1;
SELECT refund_id AS r1, state AS s2 FROM oms_api.decide_cancellation(:c1, true, 'not packed yet') \gset
SELECT is(:'s2'::text, 'done'::text, 'BR-025: the seller''s fulfilment staff approve');
SELECT is((SELECT status FROM oms.orders WHERE order_no = :late), 'CANCELLED', 'BR-025: approval cancels the order');
SELECT is((SELECT approval FROM oms.refund WHERE id = :r1), 'approved', 'BR-024: the approved cancellation''s refund is approved');

SET SESSION AUTHORIZATION t_admin;
SELECT results_eq(format('SELECT verdict, needs_override FROM oms_api.cancel_eligibility(%s)', :late2),
	$$VALUES ('needs_approval', true)$$, 'BR-026: an admin is offered the override');
SELECT is((SELECT state FROM oms_api.cancel_order(:late2, 'customer_request', NULL, 'customer is a hospital')), 'done',
	'BR-026: an admin override cancels at once');
SELECT is((SELECT override_reason FROM oms.cancellation c JOIN oms.orders o ON o.id = c.order_id WHERE o.order_no = :late2),
	'customer is a hospital', 'BR-026: the override reason is recorded');
SELECT ok(EXISTS (SELECT 1 FROM oms.audit_log WHERE action = 'cancel_order' AND table_name = 'cancellation'
	AND new ->> 'override_reason' = 'customer is a hospital' AND staff_name = 'Ada Admin'),
	'BR-026: the override is audited with the admin''s name');

SET SESSION AUTHORIZATION t_csr;
SELECT cancellation_id AS c3 FROM oms_api.cancel_order(:late3, 'customer_request') \gset
SET SESSION AUTHORIZATION t_ful1;
SELECT matches(pg_temp.err(format('SELECT * FROM oms_api.decide_cancellation(%s, false, NULL)', :c3)),
	'^22023', 'BR-025: rejecting needs a note');
RESET SESSION AUTHORIZATION;
SELECT * FROM finish();
ROLLBACK;
