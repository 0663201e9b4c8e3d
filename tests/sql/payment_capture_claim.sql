-- BR-011 / BR-024 with an authorised payment (issue 12): the capture is
-- claimed once under the order's lock for what is still owed
-- (oms_api.payment_capture_claim): refunds granted before the claim are
-- released (left out of the capture, or the payment intent cancelled when
-- nothing is owed), never refunded; refunds granted after it are refunded
-- once captured. payment_captured and payment_capture_canceled settle the
-- released refunds. Also: the looks again at a succeeded refund
-- (oms_api.refund_recheck_schedule) and a late success for a refund
-- settled outside the gateway (an alert, nothing else).
BEGIN;
\ir fixture.psql
SELECT plan(20);

-- authorised(order): an authorised, uncaptured payment confirms the order
CREATE FUNCTION pg_temp.authorised(p_lines jsonb) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	v_no bigint := pg_temp.new_order(p_lines, false);
BEGIN
	EXECUTE format('SET LOCAL SESSION AUTHORIZATION t_worker');
	PERFORM oms_api.confirm_payment(v_no, 'pi_auth_' || v_no, (SELECT total_minor FROM oms.orders WHERE order_no = v_no),
	                                'usd', NULL, false);
	RESET SESSION AUTHORIZATION;
	RETURN v_no;
END
$$;

-- Two units, one cancelled before the capture: only the rest is captured.
SELECT pg_temp.authorised(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 2))) AS p \gset
SELECT id AS pid, total_minor AS ptotal FROM oms.orders WHERE order_no = :p \gset
SET SESSION AUTHORIZATION t_csr;
SELECT oms_api.cancel_lines(:p, '[{"line_no": 1, "qty": 1}]', 'customer_request');
RESET SESSION AUTHORIZATION;
SELECT id AS prid, amount_minor AS pramount FROM oms.refund WHERE order_id = :pid \gset
SELECT is((SELECT released FROM oms.refund WHERE id = :prid), true,
	'a refund granted while the payment is authorised and unclaimed is released');
SET SESSION AUTHORIZATION t_worker;
SELECT results_eq(format('SELECT action, amount_minor, authorised_minor FROM oms_api.payment_capture_claim(%s)', :pid),
	format('VALUES (''capture''::text, %s::bigint, %s::bigint)', :ptotal - :pramount, :ptotal),
	'the claim captures only what is still owed (amount_to_capture)');
SELECT results_eq(format('SELECT action, amount_minor FROM oms_api.payment_capture_claim(%s)', :pid),
	format('VALUES (''capture''::text, %s::bigint)', :ptotal - :pramount),
	'asked again (a retried job), the same claim');
RESET SESSION AUTHORIZATION;
-- the other unit, cancelled after the claim: refunded after the capture
SET SESSION AUTHORIZATION t_csr;
SELECT oms_api.cancel_lines(:p, '[{"line_no": 1, "qty": 1}]', 'customer_request');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT string_agg(released::text, ' ' ORDER BY id) FROM oms.refund WHERE order_id = :pid), 'true false',
	'a refund granted after the claim is not released: it is refunded once captured');
SELECT is((SELECT capture_minor FROM oms.payment WHERE order_id = :pid), (:ptotal - :pramount)::bigint,
	'the claim stays as it was');
SET SESSION AUTHORIZATION t_worker;
SELECT lives_ok(format('SELECT oms_api.payment_captured(%s, %L, %s)', :p, 'pi_auth_' || :p, :ptotal - :pramount),
	'the capture is recorded');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT string_agg(status || coalesce(' ' || last_message, ''), ' | ' ORDER BY id) FROM oms.refund WHERE order_id = :pid),
	format('succeeded released at the gateway: %s of the authorised %s captured | not_sent', :ptotal - :pramount, :ptotal),
	'the released refund is settled by the capture; the later one waits for its refund');
SELECT is((SELECT count(*) FROM oms.outbox WHERE refund_id = :prid AND payload->>'template' = 'refund_succeeded'), 1::bigint,
	'the customer is told of the released refund once');
SELECT is((SELECT count(*) FROM oms.alert WHERE order_id = :pid), 0::bigint, 'the capture as claimed raises no alert');
SET SESSION AUTHORIZATION t_worker;
SELECT results_eq(format('SELECT action FROM oms_api.payment_capture_claim(%s)', :pid), $$VALUES ('done'::text)$$,
	'captured: nothing more to claim');
RESET SESSION AUTHORIZATION;

-- The whole order cancelled before the capture: the intent is cancelled.
SELECT pg_temp.authorised(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS w \gset
SELECT id AS wid, total_minor AS wtotal FROM oms.orders WHERE order_no = :w \gset
SET SESSION AUTHORIZATION t_csr;
SELECT oms_api.cancel_order(:w, 'customer_request');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_worker;
SELECT results_eq(format('SELECT action, amount_minor FROM oms_api.payment_capture_claim(%s)', :wid),
	$$VALUES ('cancel'::text, 0::bigint)$$, 'nothing owed: the claim cancels the payment intent');
SELECT matches(pg_temp.err(format('SELECT oms_api.payment_capture_canceled(%s, %L)', :p, 'pi_auth_' || :p)), '^P0002',
	'a captured payment cannot be recorded as cancelled');
SELECT lives_ok(format('SELECT oms_api.payment_capture_canceled(%s, %L)', :w, 'pi_auth_' || :w),
	'the cancelled intent is recorded');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT r.status || ' ' || p.gateway_status || ' ' || p.captured FROM oms.refund r JOIN oms.payment p ON p.order_id = r.order_id
	WHERE r.order_id = :wid), 'succeeded canceled false', 'its refund is settled, nothing was captured');
SET SESSION AUTHORIZATION t_worker;
SELECT results_eq(format('SELECT action FROM oms_api.payment_capture_claim(%s)', :wid), $$VALUES ('done'::text)$$,
	'a cancelled intent: nothing more to claim');
RESET SESSION AUTHORIZATION;

-- A refund awaiting approval at the claim is captured and refunded after.
SELECT pg_temp.authorised(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS g \gset
SELECT id AS gid, total_minor AS gtotal FROM oms.orders WHERE order_no = :g \gset
SET SESSION AUTHORIZATION t_csr;
SELECT oms_api.request_refund(:g, 100, 'goodwill') AS grid \gset
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_worker;
SELECT results_eq(format('SELECT action, amount_minor FROM oms_api.payment_capture_claim(%s)', :gid),
	format('VALUES (''capture''::text, %s::bigint)', :gtotal), 'a refund awaiting approval is not left out of the capture');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT released FROM oms.refund WHERE id = :grid), false, 'and is no longer released: refunded after, if approved');

-- The looks again at a succeeded refund.
SET SESSION AUTHORIZATION t_worker;
SELECT oms_api.refund_recheck_schedule(:grid, 1, 3600000);
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*) FROM oms.outbox WHERE dedupe_key LIKE 'refund\_recheck:' || :grid || ':%'), 0::bigint,
	'refund_recheck_schedule: nothing for a refund that has not succeeded');
SELECT max(id) AS lrid FROM oms.refund WHERE order_id = :pid \gset
SET SESSION AUTHORIZATION t_worker;
SELECT oms_api.refund_recheck_schedule(:prid, 1, 3600000);
SELECT oms_api.refund_result(:lrid, 'succeeded', 're_later', 'the gateway: succeeded');
SELECT oms_api.refund_recheck_schedule(:lrid, 1, 3600000);
SELECT oms_api.refund_recheck_schedule(:lrid, 1, 3600000);
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*) || ' ' || min(kind) || ' ' || bool_and(order_id IS NULL AND refund_id IS NULL)
	|| ' ' || min(payload->>'recheck_refund_id') || ' ' || bool_and(next_attempt_at > now() + interval '59 minutes')
	FROM oms.outbox WHERE dedupe_key LIKE 'refund\_recheck:%'),
	format('1 refund true %s true', :lrid),
	'refund_recheck_schedule: one refund job per look, due then, the refund in its payload; none for a released refund (nothing at the gateway)');

-- A late success for a refund settled outside the gateway: an alert only.
INSERT INTO oms.refund (order_id, amount_minor, currency, reason, approval, approved_at, status)
SELECT id, 200, currency, 'goodwill', 'auto', now(), 'unknown' FROM oms.orders WHERE id = :gid
RETURNING id AS urid \gset
SET SESSION AUTHORIZATION t_admin;
SELECT oms_api.refund_settle_outside(:urid, 'bank transfer');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_worker;
SELECT oms_api.refund_result(:urid, 'succeeded', 're_late', 'the gateway: succeeded');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT r.status || ' ' || (SELECT count(*) FROM oms.alert a WHERE a.refund_id = r.id AND a.kind = 'refund_result_changed')
	|| ' ' || (SELECT count(*) FROM oms.outbox j WHERE j.refund_id = r.id AND j.payload->>'template' = 'refund_succeeded')
	FROM oms.refund r WHERE r.id = :urid), 'settled_outside 1 0',
	'a late success for a refund settled outside: it stays settled outside, one alert, no mail');
SELECT * FROM finish();
ROLLBACK;
