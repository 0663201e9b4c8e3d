-- oms_api.cancel_lines_preview (0011): the refund cancelling some lines
-- would bring, and the verdict, before anything is cancelled. The refund
-- is computed by the same function (oms.lines_refund) cancel_lines and the
-- approval use, so the preview is what cancel_lines then grants: some
-- units, a whole line, every unit left (all that is left to refund,
-- shipping included, BR-024), after an earlier refund (capped, BR-028),
-- after the window (BR-025, BR-027). Bad lines are refused as cancel_lines
-- refuses them (22023, same message); a preview changes nothing; who may
-- ask (BR-021) and what they see are cancel_eligibility's.
BEGIN;
\ir fixture.psql
SELECT plan(41);

-- seller A: 2 x Widget (10.00) + 3 x Gadget (5.00) + 5.00 shipping = 40.00
CREATE FUNCTION pg_temp.order_40() RETURNS bigint LANGUAGE sql AS $$
	SELECT pg_temp.new_order(jsonb_build_array(
		jsonb_build_object('item_id', (SELECT id FROM oms.item WHERE sku = 'A-1'), 'qty', 2),
		jsonb_build_object('item_id', (SELECT id FROM oms.item WHERE sku = 'A-2'), 'qty', 3)))
$$;
-- the preview's refund, and the refund a cancellation created
CREATE FUNCTION pg_temp.preview(p_no bigint, p_lines text) RETURNS bigint LANGUAGE sql AS $$
	SELECT refund_minor FROM oms_api.cancel_lines_preview(p_no, p_lines::jsonb) $$;
CREATE FUNCTION pg_temp.refund(p_cancellation_id bigint) RETURNS bigint LANGUAGE sql AS $$
	SELECT coalesce(sum(amount_minor), 0)::bigint FROM oms.refund WHERE cancellation_id = p_cancellation_id $$;
-- the answers of the preview and of cancel_lines for the same lines
CREATE FUNCTION pg_temp.both(p_no bigint, p_lines text) RETURNS text[] LANGUAGE sql AS $$
	SELECT ARRAY[pg_temp.err(format('SELECT * FROM oms_api.cancel_lines_preview(%s, %L)', p_no, p_lines)),
	             pg_temp.err(format('SELECT * FROM oms_api.cancel_lines(%s, %L, %L)', p_no, p_lines, 'customer_request'))] $$;
-- everything a cancellation could change, counted
CREATE FUNCTION pg_temp.snapshot() RETURNS text LANGUAGE sql AS $$
	SELECT concat_ws(' / ', (SELECT count(*) FROM oms.cancellation), (SELECT count(*) FROM oms.cancellation_line),
	                 (SELECT count(*) FROM oms.refund), (SELECT count(*) FROM oms.outbox),
	                 (SELECT count(*) FROM oms.audit_log), (SELECT sum(cancelled_qty) FROM oms.order_item),
	                 (SELECT string_agg(status, ',' ORDER BY id) FROM oms.orders)) $$;

SELECT pg_temp.order_40() AS o1 \gset
SELECT pg_temp.order_40() AS o2 \gset
SELECT pg_temp.order_40() AS o3 \gset
SELECT pg_temp.order_40() AS o4 \gset
SELECT pg_temp.order_40() AS late \gset
SELECT pg_temp.order_40() AS shipped \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)), false) AS unpaid \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_b1, 'qty', 2))) AS b1 \gset
SELECT pg_temp.order_40() AS o5 \gset
SELECT pg_temp.order_40() AS o6 \gset
SELECT pg_temp.age_order(no, '2 hours') FROM unnest(ARRAY[:late, :o5]) no \g /dev/null
SELECT oms_api.mark_shipped(:shipped, 'Local', '1ZPREVIEW0001') \g /dev/null

-- --- what the preview says, and that cancel_lines then grants it ---------------
SET SESSION AUTHORIZATION t_csr;
SELECT results_eq(format($$SELECT verdict, refund_minor, currency, cancels_order
	FROM oms_api.cancel_lines_preview(%s, '[{"line_no": 2, "qty": 2}]')$$, :o1),
	$$VALUES ('allowed', 1000::bigint, 'USD', false)$$,
	'BR-024: preview of 2 of 3 Gadgets: allowed, a refund of their value (2 x 5.00), the order stays');
SELECT matches((SELECT reason FROM oms_api.cancel_lines_preview(:o1, '[{"line_no": 2, "qty": 2}]')),
	'^BR-021: within the cancellation window', 'BR-021: the preview says why (the window), as cancel_eligibility does');
SELECT cancellation_id AS c1 FROM oms_api.cancel_lines(:o1, '[{"line_no": 2, "qty": 2}]', 'customer_request') \gset
SELECT is(pg_temp.refund(:c1), 1000::bigint, 'BR-024: cancel_lines of some units refunds what the preview said');

SELECT is(pg_temp.preview(:o2, '[{"line_no": 1, "qty": 2}]'), 2000::bigint,
	'BR-024: preview of a whole line (2 x 10.00)');
SELECT cancellation_id AS c2 FROM oms_api.cancel_lines(:o2, '[{"line_no": 1, "qty": 2}]', 'customer_request') \gset
SELECT is(pg_temp.refund(:c2), 2000::bigint, 'BR-024: cancel_lines of a whole line refunds what the preview said');

SELECT results_eq(format($$SELECT refund_minor, cancels_order
	FROM oms_api.cancel_lines_preview(%s, '[{"line_no": 1, "qty": 2}, {"line_no": 2, "qty": 3}]')$$, :o3),
	$$VALUES (4000::bigint, true)$$,
	'BR-024: preview of every unit: all that was paid, shipping included, and the order is cancelled');
SELECT cancellation_id AS c3 FROM oms_api.cancel_lines(:o3, '[{"line_no": 1, "qty": 2}, {"line_no": 2, "qty": 3}]',
	'customer_request') \gset
SELECT is(pg_temp.refund(:c3), 4000::bigint, 'BR-024: cancel_lines of every unit refunds what the preview said');
SELECT is((SELECT status FROM oms.orders WHERE order_no = :o3), 'CANCELLED', 'BR-024: ... and the order is CANCELLED');

-- o1 after its first cancellation: 2 Widgets and 1 Gadget left (25.00 of
-- items), 30.00 left to refund
SELECT results_eq(format($$SELECT refund_minor, cancels_order
	FROM oms_api.cancel_lines_preview(%s, '[{"line_no": 1, "qty": 2}, {"line_no": 2, "qty": 1}]')$$, :o1),
	$$VALUES (3000::bigint, true)$$,
	'BR-024: preview of every unit left after an earlier cancellation: all that is left (30.00), not their value (25.00)');
SELECT is(pg_temp.preview(:o1, '[{"line_no": 1, "qty": 1}]'), 1000::bigint,
	'BR-024: preview of one unit after an earlier cancellation: its value');
SELECT cancellation_id AS c1b FROM oms_api.cancel_lines(:o1, '[{"line_no": 1, "qty": 2}, {"line_no": 2, "qty": 1}]',
	'customer_request') \gset
SELECT is(pg_temp.refund(:c1b), 3000::bigint, 'BR-024: cancel_lines of every unit left refunds what the preview said');

-- o4: a refund of 32.00 asked for by hand (pending: counted as granted),
-- 8.00 left; one Widget is worth 10.00
SELECT oms_api.request_refund(:o4, 3200, 'goodwill') \g /dev/null
SELECT is(pg_temp.preview(:o4, '[{"line_no": 1, "qty": 1}]'), 800::bigint,
	'BR-028: after an earlier refund the preview is capped by what is left to refund (8.00, not 10.00)');
SELECT cancellation_id AS c4 FROM oms_api.cancel_lines(:o4, '[{"line_no": 1, "qty": 1}]', 'customer_request') \gset
SELECT is(pg_temp.refund(:c4), 800::bigint, 'BR-028: cancel_lines then refunds the capped amount the preview said');
SELECT is(pg_temp.preview(:o4, '[{"line_no": 2, "qty": 1}]'), 0::bigint,
	'BR-028: with nothing left to refund the preview says 0');

SELECT results_eq(format($$SELECT verdict, refund_minor FROM oms_api.cancel_lines_preview(%s, '[{"line_no": 1, "qty": 1}]')$$,
	:unpaid), $$VALUES ('allowed', 0::bigint)$$, 'BR-020: an unpaid order: allowed, no refund');

-- --- after the window (BR-025): the seller approves, then the refund ------------
SELECT results_eq(format($$SELECT p.verdict, p.reason, p.refund_minor
	FROM oms_api.cancel_lines_preview(%s, '[{"line_no": 2, "qty": 3}]') p$$, :late),
	format($$SELECT verdict, reason, 1500::bigint FROM oms_api.cancel_eligibility(%s)$$, :late),
	'BR-025: after the window the preview says needs_approval with cancel_eligibility''s reason; 3 x 5.00');
SELECT cancellation_id AS c5 FROM oms_api.cancel_lines(:late, '[{"line_no": 2, "qty": 3}]', 'customer_request') \gset
SET SESSION AUTHORIZATION t_ful1;
SELECT oms_api.decide_cancellation(:c5, true, NULL) \g /dev/null
SELECT results_eq(format('SELECT amount_minor, approval FROM oms.refund WHERE cancellation_id = %s', :c5),
	$$VALUES (1500::bigint, 'pending')$$,
	'BR-027: approved by the seller, the refund is what the preview said, waiting for an administrator');
-- the seller's own staff cancel after the window at once (BR-025)
SELECT results_eq(format($$SELECT verdict, refund_minor, cancels_order
	FROM oms_api.cancel_lines_preview(%s, '[{"line_no": 1, "qty": 2}]')$$, :late),
	$$VALUES ('allowed', 4000::bigint, true)$$,
	'BR-025: for the seller''s fulfilment the rest is allowed at once: all that was paid (40.00), since the 15.00 still waiting is settled by it (issue 8)');
SELECT cancellation_id AS c6 FROM oms_api.cancel_lines(:late, '[{"line_no": 1, "qty": 2}]', 'customer_request') \gset
SELECT is(pg_temp.refund(:c6), 4000::bigint, 'BR-024: cancel_lines by the seller refunds what the preview said');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT approval FROM oms.refund WHERE cancellation_id = :c5), 'rejected',
	'the line refund that waited for an administrator is superseded: the customer is refunded once');
SET SESSION AUTHORIZATION t_ful1;

-- pending_cancellations announces the same amount (oms.lines_refund)
SET SESSION AUTHORIZATION t_csr;
SELECT is(pg_temp.preview(:o5, '[{"line_no": 1, "qty": 2}, {"line_no": 2, "qty": 3}]'), 4000::bigint,
	'BR-024: preview of every unit after the window: all that was paid');
SELECT cancellation_id AS c7 FROM oms_api.cancel_lines(:o5, '[{"line_no": 1, "qty": 2}, {"line_no": 2, "qty": 3}]',
	'customer_request') \gset
SELECT is((SELECT refund_minor FROM oms_api.pending_cancellations() WHERE cancellation_id = :c7), 4000::bigint,
	'BR-024: pending_cancellations announces what the preview said (every unit: shipping included)');
SET SESSION AUTHORIZATION t_admin;
SELECT oms_api.decide_cancellation(:c7, true, 'ok') \g /dev/null
SELECT is(pg_temp.refund(:c7), 4000::bigint, 'BR-024: ... and approving it grants that');

-- --- refused: the verdict, not the lines -------------------------------------------
SET SESSION AUTHORIZATION t_csr;
SELECT results_eq(format($$SELECT p.verdict, p.reason, p.refund_minor, p.cancels_order
	FROM oms_api.cancel_lines_preview(%s, '[{"line_no": 1, "qty": 1}]') p$$, :shipped),
	format($$SELECT verdict, reason, 0::bigint, false FROM oms_api.cancel_eligibility(%s)$$, :shipped),
	'BR-022: a shipped order: refused with cancel_eligibility''s reason, no refund');
SELECT matches(pg_temp.err(format($$SELECT * FROM oms_api.cancel_lines(%s, '[{"line_no": 1, "qty": 1}]', 'customer_request')$$,
	:shipped)), '^OM001: BR-022', 'BR-022: ... as cancel_lines refuses it');
SELECT matches((SELECT reason FROM oms_api.cancel_lines_preview(:o3, '[{"line_no": 1, "qty": 1}]') WHERE verdict = 'refused'),
	'^BR-015: ', 'BR-015: a cancelled order: refused');

-- --- bad lines: 22023, as cancel_lines says it ------------------------------------
SELECT is((pg_temp.both(:o6, '[{"line_no": 9, "qty": 1}]'))[1], (pg_temp.both(:o6, '[{"line_no": 9, "qty": 1}]'))[2],
	'cancel_lines_preview: an unknown line is refused as cancel_lines refuses it');
SELECT matches((pg_temp.both(:o6, '[{"line_no": 9, "qty": 1}]'))[1], '^22023: line\(s\) 9 of order',
	'cancel_lines_preview: ... 22023, naming the line');
SELECT is((pg_temp.both(:o6, '[{"line_no": 2, "qty": 4}]'))[1], (pg_temp.both(:o6, '[{"line_no": 2, "qty": 4}]'))[2],
	'cancel_lines_preview: more units than are left is refused as cancel_lines refuses it');
SELECT matches((pg_temp.both(:o6, '[{"line_no": 2, "qty": 4}]'))[1], '^22023: ', 'cancel_lines_preview: ... 22023');
SELECT is((pg_temp.both(:o6, '[{"line_no": 1, "qty": 1}, {"line_no": 1, "qty": 1}]'))[1],
	(pg_temp.both(:o6, '[{"line_no": 1, "qty": 1}, {"line_no": 1, "qty": 1}]'))[2],
	'cancel_lines_preview: a line named twice is refused as cancel_lines refuses it');
SELECT matches((pg_temp.both(:o6, '[{"line_no": 1, "qty": 1}, {"line_no": 1, "qty": 1}]'))[1], '^22023: a line is named twice',
	'cancel_lines_preview: ... 22023');
SELECT is(ARRAY[pg_temp.err(format('SELECT * FROM oms_api.cancel_lines_preview(%s, %L)', :o6, '[{"line_no": 1, "qty": 0}]')),
	pg_temp.err(format('SELECT * FROM oms_api.cancel_lines_preview(%s, %L)', :o6, '[]')),
	pg_temp.err(format('SELECT * FROM oms_api.cancel_lines_preview(%s, NULL)', :o6))],
	ARRAY[format('22023: line(s) 1 of order %s: no such line or quantity not left to cancel', :o6),
	      '22023: name at least one line to cancel', '22023: name at least one line to cancel'],
	'cancel_lines_preview: no unit, no line or NULL: 22023');
SELECT matches(pg_temp.err('SELECT * FROM oms_api.cancel_lines_preview(1, ''[{"line_no": 1, "qty": 1}]'')'),
	'^P0002: ', 'cancel_lines_preview: an unknown order: P0002');

-- --- a preview changes nothing -------------------------------------------------------
RESET SESSION AUTHORIZATION;
SELECT pg_temp.snapshot() AS before \gset
SET SESSION AUTHORIZATION t_csr;
SELECT * FROM oms_api.cancel_lines_preview(:o6, '[{"line_no": 1, "qty": 2}, {"line_no": 2, "qty": 3}]') \g /dev/null
SELECT * FROM oms_api.cancel_lines_preview(:o6, '[{"line_no": 2, "qty": 1}]') \g /dev/null
SELECT pg_temp.err(format('SELECT * FROM oms_api.cancel_lines_preview(%s, %L)', :o6, '[{"line_no": 9, "qty": 1}]')) \g /dev/null
SET SESSION AUTHORIZATION t_ful1;
SELECT * FROM oms_api.cancel_lines_preview(:o6, '[{"line_no": 1, "qty": 2}]') \g /dev/null
RESET SESSION AUTHORIZATION;
SELECT is(pg_temp.snapshot(), :'before',
	'cancel_lines_preview changes nothing (cancellations, their lines, refunds, outbox, audit, quantities, statuses)');
SELECT is((SELECT provolatile::text FROM pg_proc WHERE oid = 'oms_api.cancel_lines_preview(bigint, jsonb)'::regprocedure), 's',
	'cancel_lines_preview is declared STABLE (it cannot write)');

-- --- who may ask (BR-021) ---------------------------------------------------------------
SET SESSION AUTHORIZATION t_analyst;
SELECT throws_ok(format($$SELECT * FROM oms_api.cancel_lines_preview(%s, '[{"line_no": 1, "qty": 1}]')$$, :o6),
	'42501', NULL, 'BR-021: analysts may not ask for a preview');
SET SESSION AUTHORIZATION t_worker;
SELECT throws_ok(format($$SELECT * FROM oms_api.cancel_lines_preview(%s, '[{"line_no": 1, "qty": 1}]')$$, :o6),
	'42501', NULL, 'BR-021: the worker may not ask for a preview');
SET SESSION AUTHORIZATION t_ful2;
SELECT matches(pg_temp.err(format($$SELECT * FROM oms_api.cancel_lines_preview(%s, '[{"line_no": 1, "qty": 1}]')$$, :o6)),
	'^P0002: ', 'BR-021: fulfilment of another seller does not see the order (P0002, as cancel_lines)');
SELECT results_eq(format($$SELECT verdict, refund_minor FROM oms_api.cancel_lines_preview(%s, '[{"line_no": 1, "qty": 1}]')$$, :b1),
	$$VALUES ('allowed', 2000::bigint)$$, 'BR-021: fulfilment of the seller gets the preview of its own order');
SET SESSION AUTHORIZATION t_admin;
SELECT results_eq(format($$SELECT verdict, refund_minor FROM oms_api.cancel_lines_preview(%s, '[{"line_no": 1, "qty": 1}]')$$, :b1),
	$$VALUES ('allowed', 2000::bigint)$$, 'BR-021: administrators get the preview of any seller''s order');
RESET SESSION AUTHORIZATION;
SELECT * FROM finish();
ROLLBACK;
