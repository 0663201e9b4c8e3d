-- What 0008 adds for the worker: outbox_release (a claimed job goes back
-- without spending an attempt, saying why) and attach_payment (the payment
-- reference a PENDING order's payment_verify job looks up).
BEGIN;
\ir fixture.psql
SELECT plan(11);

UPDATE oms.outbox SET next_attempt_at = 'infinity' WHERE status IN ('ready', 'running');
INSERT INTO oms.outbox (kind, dedupe_key, next_attempt_at) VALUES ('mail', 'test:rel', now() - interval '1 minute')
RETURNING id AS j \gset

SET SESSION AUTHORIZATION t_worker;
SELECT is((SELECT count(*) FROM oms_api.outbox_claim('w1', 10) WHERE id = :j), 1::bigint,
	'outbox_release: the job is claimed first (one attempt counted)');
SELECT is(pg_temp.err(format('SELECT oms_api.outbox_release(%s, 60000, %L)', :j, 'payment circuit open, not tried')), 'ok',
	'outbox_release: the worker gives the claimed job back');
SELECT results_eq(format($$SELECT status, attempts, locked_by IS NULL, last_error,
		next_attempt_at BETWEEN now() + interval '59 seconds' AND clock_timestamp() + interval '61 seconds'
	FROM oms.outbox WHERE id = %s$$, :j),
	$$VALUES ('ready'::text, 0, true, 'payment circuit open, not tried'::text, true)$$,
	'outbox_release: ready again, the attempt given back, unlocked, due after the delay, and it says why');
SELECT matches(pg_temp.err(format('SELECT oms_api.outbox_release(%s, 1000, NULL)', :j)), '^OM002: ',
	'outbox_release: a job that is not running cannot be released (OM002)');
SELECT matches(pg_temp.err('SELECT oms_api.outbox_release(-1, 1000, NULL)'), '^P0002: ',
	'outbox_release: an unknown job is not found (P0002)');
SELECT matches(pg_temp.err(format('SELECT oms_api.outbox_release(%s, -5, NULL)', :j)), '^22023: ',
	'outbox_release: a negative delay is invalid input (22023)');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err(format('SELECT oms_api.outbox_release(%s, 1000, NULL)', :j)), '^42501: ',
	'outbox_release: only the worker may release jobs (42501 for a CSR)');
RESET SESSION AUTHORIZATION;

-- attach_payment
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)), false) AS pending_no \gset
SET SESSION AUTHORIZATION t_csr;
SELECT is(pg_temp.err(format('SELECT oms_api.attach_payment(%s, %L)', :pending_no, 'pi_test_123')), 'ok',
	'attach_payment: a CSR records the payment reference of a PENDING order');
SELECT is((SELECT p.provider_ref FROM oms.payment p JOIN oms.orders o ON o.id = p.order_id WHERE o.order_no = :pending_no),
	'pi_test_123', 'attach_payment: the reference is stored on the order''s payment');
SELECT matches(pg_temp.err(format('SELECT oms_api.attach_payment(%s, %L)', :pending_no, 'bad ref; --')), '^22023: ',
	'attach_payment: a malformed reference is invalid input (22023)');
RESET SESSION AUTHORIZATION;
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS paid_no \gset
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err(format('SELECT oms_api.attach_payment(%s, %L)', :paid_no, 'pi_other')), '^OM001: BR-011',
	'attach_payment: a verified payment keeps its reference (OM001 BR-011)');
RESET SESSION AUTHORIZATION;

SELECT * FROM finish();
ROLLBACK;
