-- BR-011 with the gateway as it behaves (issue 12): oms_api.payment_look
-- (waiting states are no failed look, requires_action mails once, looks
-- spaced by payment_verify_schedule, payment_verify_timeout fails),
-- a failed payment retried with a new reference (attach_payment), and an
-- authorised payment confirmed uncaptured with a capture job.
BEGIN;
\ir fixture.psql
SELECT plan(23);
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)), false) AS o \gset
SELECT id AS oid, total_minor AS total FROM oms.orders WHERE order_no = :o \gset
SET SESSION AUTHORIZATION t_csr;
SELECT oms_api.attach_payment(:o, 'pi_first');
RESET SESSION AUTHORIZATION;

SET SESSION AUTHORIZATION t_worker;
SELECT results_eq(format($$SELECT status, next_look_ms FROM oms_api.payment_look(%s, 'requires_action', 'bank')$$, :o),
	$$VALUES ('pending'::text, 60000::bigint)$$,
	'BR-011: requires_action waits; the first wait is the schedule''s first (1 minute)');
SELECT results_eq(format($$SELECT status, next_look_ms FROM oms_api.payment_look(%s, 'requires_action', 'bank')$$, :o),
	$$VALUES ('pending'::text, 600000::bigint)$$, 'BR-011: the second wait is 10 minutes');
SELECT results_eq(format($$SELECT status, next_look_ms FROM oms_api.payment_look(%s, 'processing', NULL)$$, :o),
	$$VALUES ('pending'::text, 3600000::bigint)$$, 'BR-011: processing waits too; the third wait is 1 hour');
SELECT results_eq(format($$SELECT status, next_look_ms FROM oms_api.payment_look(%s, 'processing', NULL)$$, :o),
	$$VALUES ('pending'::text, 3600000::bigint)$$, 'BR-011: the last wait repeats');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*) FROM oms.outbox WHERE order_id = :oid AND payload->>'template' = 'payment_action_required'), 1::bigint,
	'BR-011: requires_action queues the "your bank needs you" mail once per reference');
SELECT is((SELECT p.attempts || ' ' || p.looks || ' ' || p.status || ' ' || p.gateway_status FROM oms.payment p WHERE p.order_id = :oid),
	'0 4 pending processing', 'BR-011: waiting looks are counted as looks, not failed attempts');

-- the timeout: counted from the attaching
UPDATE oms.payment SET attached_at = clock_timestamp() - interval '23 hours 59 minutes 30 seconds' WHERE order_id = :oid;
SET SESSION AUTHORIZATION t_worker;
SELECT cmp_ok((SELECT next_look_ms FROM oms_api.payment_look(:o, 'processing', NULL)), '<=', 30000::bigint,
	'BR-011: a wait never passes payment_verify_timeout');
RESET SESSION AUTHORIZATION;
UPDATE oms.payment SET attached_at = clock_timestamp() - interval '25 hours' WHERE order_id = :oid;
SET SESSION AUTHORIZATION t_worker;
SELECT results_eq(format($$SELECT status, next_look_ms FROM oms_api.payment_look(%s, 'processing', NULL)$$, :o),
	$$VALUES ('failed'::text, 0::bigint)$$, 'BR-011: not settled after payment_verify_timeout: the payment fails');
SELECT results_eq(format($$SELECT status FROM oms_api.payment_look(%s, 'processing', NULL)$$, :o),
	$$VALUES ('failed'::text)$$, 'BR-011: a look at a failed payment says so and changes nothing');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*) FROM oms.outbox WHERE order_id = :oid AND payload->>'template' = 'payment_failed'), 1::bigint,
	'BR-011: the customer is told once');
SELECT is((SELECT status FROM oms.orders WHERE id = :oid), 'PENDING', 'BR-011: the order stays PENDING');

-- a new payment for the failed one (its verification job done, as the
-- worker leaves it after the failure)
UPDATE oms.outbox SET status = 'done', done_at = now() WHERE order_id = :oid AND kind = 'payment_verify';
SET SESSION AUTHORIZATION t_csr;
SELECT is(pg_temp.err(format($$SELECT oms_api.attach_payment(%s, 'pi_second')$$, :o)), 'ok',
	'BR-011: a CSR attaches a new reference to the failed payment of a PENDING order');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT p.status || ' ' || p.provider_ref || ' ' || p.attempts || ' ' || p.looks || ' ' || array_to_string(p.previous_refs, ',')
	FROM oms.payment p WHERE p.order_id = :oid), 'pending pi_second 0 0 pi_first',
	'BR-011: the payment is pending again with the new reference; the old one is kept');
SELECT is((SELECT string_agg(status, ' ' ORDER BY id) FROM oms.outbox WHERE order_id = :oid AND kind = 'payment_verify'),
	'done ready', 'BR-011: a verification job starts again');
SET SESSION AUTHORIZATION t_worker;
-- declined at every look: failed after payment_verify_attempts
SELECT oms_api.payment_look(:o, 'requires_payment_method', 'declined');
SELECT oms_api.payment_look(:o, 'requires_payment_method', 'declined');
SELECT results_eq(format($$SELECT status FROM oms_api.payment_look(%s, 'requires_payment_method', 'declined')$$, :o),
	$$VALUES ('failed'::text)$$, 'BR-011: declined at payment_verify_attempts looks: failed');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*) FROM oms.outbox WHERE order_id = :oid AND payload->>'template' = 'payment_failed'), 2::bigint,
	'BR-011: each failed reference tells the customer once');

-- a look that found no reference, while one was attached meanwhile: at once
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)), false) AS late \gset
SET SESSION AUTHORIZATION t_csr;
SELECT oms_api.attach_payment(:late, 'pi_late');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_worker;
SELECT results_eq(format($$SELECT status, next_look_ms FROM oms_api.payment_look(%s, NULL, 'no reference yet')$$, :late),
	$$VALUES ('pending'::text, 0::bigint)$$,
	'BR-011: a reference attached while the worker looked without one: the next look is at once');
RESET SESSION AUTHORIZATION;

-- a confirmed order's payment cannot be replaced
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS paid \gset
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err(format($$SELECT oms_api.attach_payment(%s, 'pi_other')$$, :paid)), '^OM001: BR-011',
	'BR-011: a verified payment keeps its reference');
RESET SESSION AUTHORIZATION;
-- a failed payment of a cancelled order cannot be retried
SET SESSION AUTHORIZATION t_csr;
SELECT oms_api.cancel_order(:o, 'customer_request');
SELECT matches(pg_temp.err(format($$SELECT oms_api.attach_payment(%s, 'pi_third')$$, :o)), '^OM001: BR-011',
	'BR-011: a cancelled order''s failed payment is not retried');
RESET SESSION AUTHORIZATION;

-- authorised only: confirmed, and a capture job
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)), false) AS a \gset
SELECT id AS aid, total_minor AS atotal FROM oms.orders WHERE order_no = :a \gset
SET SESSION AUTHORIZATION t_worker;
SELECT is(oms_api.confirm_payment(:a, 'pi_auth', :atotal, 'usd', NULL, false), 'CONFIRMED',
	'BR-011: an authorised payment (requires_capture) confirms the order');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT p.captured::text || ' ' || p.gateway_status FROM oms.payment p WHERE p.order_id = :aid),
	'false requires_capture', 'BR-011: not captured yet');
SELECT is((SELECT count(*) FROM oms.outbox WHERE order_id = :aid AND kind = 'payment_capture'), 1::bigint,
	'BR-011: a payment_capture job captures it');
SET SESSION AUTHORIZATION t_worker;
SELECT oms_api.payment_captured(:a, 'pi_auth', :atotal);
RESET SESSION AUTHORIZATION;
SELECT is((SELECT p.captured FROM oms.payment p WHERE p.order_id = :aid), true, 'BR-011: captured, recorded');
SELECT * FROM finish();
ROLLBACK;
