-- Line-level cancellation: same rules, refunds just those lines; partial
-- refunds after the window need an administrator (BR-027).
BEGIN;
\ir fixture.psql
SELECT plan(11);
-- seller A: 2 x Widget (10.00) + 3 x Gadget (5.00) + 5.00 shipping = 40.00
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 2),
                                           jsonb_build_object('item_id', :item_a2, 'qty', 3))) AS o \gset
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err(format('SELECT * FROM oms_api.cancel_lines(%s, %L, %L)', :o, '[{"line_no":2,"qty":4}]', 'customer_request')),
	'^22023', 'cancel_lines: more than is left on a line is invalid');
SELECT matches(pg_temp.err(format('SELECT * FROM oms_api.cancel_lines(%s, %L, %L)', :o, '[{"line_no":9,"qty":1}]', 'customer_request')),
	'^22023', 'cancel_lines: an unknown line is invalid');
SELECT refund_id AS r1, state AS s1 FROM oms_api.cancel_lines(:o, '[{"line_no":2,"qty":2}]', 'customer_request') \gset
SELECT is(:'s1'::text, 'done'::text, 'cancel_lines: within the window it is done at once');
SELECT results_eq(format('SELECT amount_minor, approval FROM oms.refund WHERE id = %s', :r1),
	$$VALUES (1000::bigint, 'auto')$$, 'cancel_lines: refunds just those lines (2 x 5.00), auto-approved in the window');
SELECT is((SELECT status FROM oms.orders WHERE order_no = :o), 'CONFIRMED', 'cancel_lines: the order stays CONFIRMED');
RESET SESSION AUTHORIZATION;
SELECT pg_temp.age_order(:o, '3 hours');
SET SESSION AUTHORIZATION t_csr;
SELECT cancellation_id AS c2, state AS s2 FROM oms_api.cancel_lines(:o, '[{"line_no":1,"qty":1}]', 'customer_request') \gset
SELECT is(:'s2'::text, 'pending_approval'::text, 'cancel_lines: after the window the seller must approve');
SET SESSION AUTHORIZATION t_ful1;
SELECT refund_id AS r2 FROM oms_api.decide_cancellation(:c2, true, NULL) \gset
SELECT is((SELECT approval FROM oms.refund WHERE id = :r2), 'pending', 'BR-027: the partial refund then waits for an administrator');
SET SESSION AUTHORIZATION t_admin;
SELECT oms_api.decide_refund(:r2, true, 'ok');
SELECT is((SELECT count(*) FROM oms.outbox WHERE refund_id = :r2 AND kind = 'refund'), 1::bigint,
	'BR-027: the approved refund is queued once');
SET SESSION AUTHORIZATION t_csr;
SELECT cancellation_id AS c3 FROM oms_api.cancel_lines(:o, '[{"line_no":1,"qty":1},{"line_no":2,"qty":1}]', 'customer_request') \gset
SET SESSION AUTHORIZATION t_admin;
SELECT refund_id AS r3 FROM oms_api.decide_cancellation(:c3, true, 'admin approves') \gset
SELECT is((SELECT status FROM oms.orders WHERE order_no = :o), 'CANCELLED', 'cancel_lines: cancelling what is left cancels the order');
SELECT is(oms.refundable_minor((SELECT id FROM oms.orders WHERE order_no = :o)), 0::bigint,
	'cancel_lines: the last cancellation refunds the rest, shipping included');
SELECT is((SELECT approval FROM oms.refund WHERE id = :r3), 'approved', 'BR-027: an administrator''s decision approves the refund too');
RESET SESSION AUTHORIZATION;
SELECT * FROM finish();
ROLLBACK;
