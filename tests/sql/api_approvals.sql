-- oms_api.pending_cancellations, pending_refunds, refunds, refund_card
-- (0009): who sees what is waiting (row-level security: fulfilment its own
-- seller's, CSR and admin everything, analysts nothing), oldest first with
-- keyset paging, the refund announced, and that a decision takes the row
-- off the list.
BEGIN;
\ir fixture.psql
SELECT plan(29);

-- Seller A: a_whole (CONFIRMED 15.00 incl. shipping, 2 h old, a CSR asked to
-- cancel it: pending), a_lines (2 h old, one Gadget of it: pending, lines),
-- a_paid (CONFIRMED, a partial refund of 4.00 waits for an admin).
-- Seller B: b_whole (2 h old, pending cancellation), b_paid (partial refund 3.00 waits).
CREATE TEMP TABLE o (label text PRIMARY KEY, order_no bigint);
GRANT SELECT ON o TO PUBLIC;
INSERT INTO o VALUES
	('a_whole', pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)))),
	('a_lines', pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1),
	                                                jsonb_build_object('item_id', :item_a2, 'qty', 2)))),
	('a_paid', pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)))),
	('b_whole', pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_b1, 'qty', 1)))),
	('b_paid', pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_b1, 'qty', 1))));
SELECT pg_temp.age_order(order_no, '2 hours') FROM o WHERE label IN ('a_whole', 'a_lines', 'b_whole') \g /dev/null

CREATE TEMP TABLE ids (label text PRIMARY KEY, id bigint);
GRANT SELECT, INSERT ON ids TO PUBLIC;
SET SESSION AUTHORIZATION t_csr;
INSERT INTO ids SELECT 'c_a_whole', cancellation_id
FROM oms_api.cancel_order((SELECT order_no FROM o WHERE label = 'a_whole'), 'customer_request', 'wrong size');
INSERT INTO ids SELECT 'c_a_lines', cancellation_id
FROM oms_api.cancel_lines((SELECT order_no FROM o WHERE label = 'a_lines'), '[{"line_no": 2, "qty": 1}]', 'customer_request');
INSERT INTO ids SELECT 'c_b_whole', cancellation_id
FROM oms_api.cancel_order((SELECT order_no FROM o WHERE label = 'b_whole'), 'customer_request');
INSERT INTO ids SELECT 'r_a_paid', oms_api.request_refund((SELECT order_no FROM o WHERE label = 'a_paid'), 400, 'scratched');
INSERT INTO ids SELECT 'r_b_paid', oms_api.request_refund((SELECT order_no FROM o WHERE label = 'b_paid'), 300, 'late');
RESET SESSION AUTHORIZATION;

-- pending_cancellations ------------------------------------------------------
SET SESSION AUTHORIZATION t_ful1;
SELECT results_eq($$SELECT p.cancellation_id, p.order_no, p.seller_name, p.status FROM oms_api.pending_cancellations() p$$,
	$$SELECT i.id, o.order_no, 'Seller A', 'CONFIRMED' FROM ids i JOIN o ON 'c_' || o.label = i.label
	  WHERE i.label IN ('c_a_whole', 'c_a_lines') ORDER BY i.id$$,
	'pending_cancellations as fulfilment A: only seller A''s, oldest first');
SELECT results_eq($$SELECT p.order_no, p.refund_minor, p.currency, p.requested_by, p.reason_code, p.note
	FROM oms_api.pending_cancellations() p ORDER BY p.cancellation_id$$,
	$$SELECT o.order_no, v.refund, 'USD', 'Casey Rep', 'customer_request', v.note
	  FROM o JOIN (VALUES ('a_whole', 1500::bigint, 'wrong size'), ('a_lines', 500::bigint, NULL)) v(label, refund, note)
	  ON v.label = o.label ORDER BY o.order_no$$,
	'pending_cancellations: the refund if approved (whole order incl. shipping; lines: their value), who asked, why');
SELECT is((SELECT count(*) FROM oms_api.pending_cancellations() p WHERE p.reason_label IS NULL), 0::bigint,
	'pending_cancellations: every row has the reason''s label');
SET SESSION AUTHORIZATION t_ful2;
SELECT results_eq($$SELECT p.cancellation_id FROM oms_api.pending_cancellations() p$$,
	$$SELECT id FROM ids WHERE label = 'c_b_whole'$$,
	'pending_cancellations as fulfilment B: only seller B''s');
SET SESSION AUTHORIZATION t_admin;
SELECT results_eq($$SELECT p.cancellation_id FROM oms_api.pending_cancellations() p$$,
	$$SELECT id FROM ids WHERE label LIKE 'c_%' ORDER BY id$$,
	'pending_cancellations as admin: every seller''s, oldest first');
SELECT results_eq($$SELECT p.cancellation_id FROM oms_api.pending_cancellations(1, (SELECT min(id) FROM ids WHERE label LIKE 'c_%')) p$$,
	$$SELECT id FROM ids WHERE label LIKE 'c_%' ORDER BY id OFFSET 1 LIMIT 1$$,
	'pending_cancellations: keyset paging (p_after_id, p_limit)');
-- oldest first is by when it was asked, not by id (issue 13): the last one
-- asked a day earlier comes first, and the page after it is keyed on the date
RESET SESSION AUTHORIZATION;
UPDATE oms.cancellation SET requested_at = requested_at - interval '1 day'
WHERE id = (SELECT id FROM ids WHERE label = 'c_b_whole');
SET SESSION AUTHORIZATION t_admin;
SELECT results_eq($$SELECT p.cancellation_id FROM oms_api.pending_cancellations() p$$,
	$$SELECT id FROM ids WHERE label = 'c_b_whole' UNION ALL
	  (SELECT id FROM ids WHERE label IN ('c_a_whole', 'c_a_lines') ORDER BY id)$$,
	'pending_cancellations: oldest first by the date asked, not by id');
SELECT results_eq($$SELECT p.cancellation_id FROM oms_api.pending_cancellations(1, (SELECT id FROM ids WHERE label = 'c_b_whole')) p$$,
	$$SELECT id FROM ids WHERE label = 'c_a_whole'$$,
	'pending_cancellations: the page after the oldest by date is the next by date');
SET SESSION AUTHORIZATION t_csr;
SELECT is((SELECT count(*) FROM oms_api.pending_cancellations()), 3::bigint,
	'pending_cancellations as CSR: sees every waiting cancellation (read only)');
SET SESSION AUTHORIZATION t_analyst;
SELECT throws_ok('SELECT * FROM oms_api.pending_cancellations()', '42501', NULL,
	'pending_cancellations: analysts may not call it');
SET SESSION AUTHORIZATION t_worker;
SELECT throws_ok('SELECT * FROM oms_api.pending_cancellations()', '42501', NULL,
	'pending_cancellations: the worker may not call it');

-- a decision takes it off the list
SET SESSION AUTHORIZATION t_ful1;
SELECT is((SELECT state FROM oms_api.decide_cancellation((SELECT id FROM ids WHERE label = 'c_a_whole'), true, NULL)),
	'done', 'fulfilment A approves the whole-order cancellation');
SELECT is((SELECT state FROM oms_api.decide_cancellation((SELECT id FROM ids WHERE label = 'c_a_lines'), false, 'already packed')),
	'rejected', 'fulfilment A refuses the lines cancellation with a note');
SELECT is((SELECT count(*) FROM oms_api.pending_cancellations()), 0::bigint,
	'pending_cancellations: decided cancellations are no longer listed');
SET SESSION AUTHORIZATION t_admin;
SELECT results_eq($$SELECT p.cancellation_id FROM oms_api.pending_cancellations() p$$,
	$$SELECT id FROM ids WHERE label = 'c_b_whole'$$,
	'pending_cancellations as admin: only the undecided one is left');

-- pending_refunds ------------------------------------------------------------
SET SESSION AUTHORIZATION t_ful1;
SELECT results_eq($$SELECT p.refund_id, p.amount_minor, p.refundable_minor, p.requested_by, p.reason FROM oms_api.pending_refunds() p$$,
	$$SELECT id, 400::bigint, 1100::bigint, 'Casey Rep', 'scratched' FROM ids WHERE label = 'r_a_paid'$$,
	'pending_refunds as fulfilment A: seller A''s partial refund, with what would be left after it');
SET SESSION AUTHORIZATION t_admin;
SELECT results_eq($$SELECT p.refund_id FROM oms_api.pending_refunds() p$$,
	$$SELECT id FROM ids WHERE label LIKE 'r_%' ORDER BY id$$,
	'pending_refunds as admin: every seller''s, oldest first');
-- by the date asked, not by id (issue 13)
RESET SESSION AUTHORIZATION;
UPDATE oms.refund SET created_at = created_at - interval '1 day'
WHERE id = (SELECT id FROM ids WHERE label = 'r_b_paid');
SET SESSION AUTHORIZATION t_admin;
SELECT results_eq($$SELECT p.refund_id FROM oms_api.pending_refunds() p$$,
	$$VALUES ((SELECT id FROM ids WHERE label = 'r_b_paid')), ((SELECT id FROM ids WHERE label = 'r_a_paid'))$$,
	'pending_refunds: oldest first by the date asked, not by id');
SELECT results_eq($$SELECT p.refund_id FROM oms_api.pending_refunds(5, (SELECT id FROM ids WHERE label = 'r_b_paid')) p$$,
	$$SELECT id FROM ids WHERE label = 'r_a_paid'$$,
	'pending_refunds: the page after the oldest by date is the next by date');
SELECT lives_ok(format('SELECT oms_api.decide_refund(%s, true, %L)', (SELECT id FROM ids WHERE label = 'r_a_paid'), 'ok'),
	'admin approves the partial refund');
SELECT results_eq($$SELECT p.refund_id FROM oms_api.pending_refunds() p$$,
	$$SELECT id FROM ids WHERE label = 'r_b_paid'$$,
	'pending_refunds: an approved refund is no longer listed');
SET SESSION AUTHORIZATION t_analyst;
SELECT throws_ok('SELECT * FROM oms_api.pending_refunds()', '42501', NULL, 'pending_refunds: analysts may not call it');

-- refunds / refund_card ------------------------------------------------------
SET SESSION AUTHORIZATION t_ful2;
SELECT results_eq($$SELECT r.order_no, r.amount_minor, r.approval FROM oms_api.refunds() r$$,
	$$SELECT order_no, 300::bigint, 'pending' FROM o WHERE label = 'b_paid'$$,
	'refunds as fulfilment B: only seller B''s');
SELECT is(oms_api.refund_card((SELECT id FROM ids WHERE label = 'r_a_paid')), NULL,
	'refund_card as fulfilment B: another seller''s refund is NULL');
SET SESSION AUTHORIZATION t_admin;
SELECT results_eq($$SELECT r.id, r.approval, r.approved_by FROM oms_api.refunds('approved', NULL, NULL, 10) r
	WHERE r.cancellation_id IS NULL$$,
	$$SELECT id, 'approved', 't_admin' FROM ids WHERE label = 'r_a_paid'$$,
	'refunds: filtered by approval');
SELECT results_eq($$SELECT r.id FROM oms_api.refunds(NULL, (SELECT order_no FROM o WHERE label = 'a_whole')) r$$,
	$$SELECT r.id FROM oms.refund r JOIN oms.orders x ON x.id = r.order_id JOIN o ON o.order_no = x.order_no
	  WHERE o.label = 'a_whole'$$,
	'refunds: filtered by order (the approved cancellation''s refund)');
SELECT matches(pg_temp.err($$SELECT * FROM oms_api.refunds('nonsense')$$), '^22023: unknown refund status',
	'refunds: an unknown status is 22023');
SET SESSION AUTHORIZATION t_csr;
SELECT is((SELECT jsonb_build_array(d -> 'order_no', d ->> 'approval', d ->> 'approved_by_name', d ->> 'decision_note',
	d -> 'amount_minor', d ->> 'status')
	FROM oms_api.refund_card((SELECT id FROM ids WHERE label = 'r_a_paid')) d),
	jsonb_build_array((SELECT order_no FROM o WHERE label = 'a_paid'), 'approved', 'Ada Admin', 'ok', 400, 'not_sent'),
	'refund_card as CSR: order, approval by whom and why, amount, gateway status');
SELECT is(oms_api.refund_card(-1), NULL, 'refund_card: NULL for no such refund');

RESET SESSION AUTHORIZATION;
SELECT * FROM finish();
ROLLBACK;
