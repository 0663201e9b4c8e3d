-- The outbox as the worker drives it: outbox_claim (due jobs only, leases,
-- expired leases reclaimable, no job handed out twice), outbox_done,
-- outbox_retry_later, outbox_dead, outbox_requeue (admin only),
-- refund_result (status mapping, idempotent, final results stay final) and
-- the dedupe key (one event, one job). NOTIFY is only delivered on commit,
-- so it cannot be seen from inside this transaction and is not tested here.
BEGIN;
\ir fixture.psql
SELECT plan(49);

-- Nothing committed elsewhere may be due while this file claims jobs.
UPDATE oms.outbox SET next_attempt_at = 'infinity' WHERE status IN ('ready', 'running');

-- Jobs in every situation (now() is the start of this transaction):
--   j1, j2, j3 : ready, due 3, 2 and 1 minutes ago
--   j_future   : ready, due in an hour
--   j_leased   : running, claimed by "other" whose lease runs 2 more minutes
--   j_expired  : running, claimed by "crashed" whose lease ran out a minute ago
--   j_done, j_dead : finished
INSERT INTO oms.outbox (kind, dedupe_key, payload, next_attempt_at) VALUES ('mail', 'test:j1', '{"n": 1}', now() - interval '3 minutes')
RETURNING id AS j1 \gset
INSERT INTO oms.outbox (kind, dedupe_key, payload, next_attempt_at) VALUES ('mail', 'test:j2', '{"n": 2}', now() - interval '2 minutes')
RETURNING id AS j2 \gset
INSERT INTO oms.outbox (kind, dedupe_key, payload, next_attempt_at) VALUES ('mail', 'test:j3', '{"n": 3}', now() - interval '1 minute')
RETURNING id AS j3 \gset
INSERT INTO oms.outbox (kind, dedupe_key, next_attempt_at) VALUES ('mail', 'test:future', now() + interval '1 hour')
RETURNING id AS j_future \gset
INSERT INTO oms.outbox (kind, dedupe_key, status, attempts, locked_by, locked_until, next_attempt_at)
VALUES ('mail', 'test:leased', 'running', 1, 'other', now() + interval '2 minutes', now() + interval '2 minutes')
RETURNING id AS j_leased \gset
INSERT INTO oms.outbox (kind, dedupe_key, status, attempts, locked_by, locked_until, next_attempt_at)
VALUES ('mail', 'test:expired', 'running', 1, 'crashed', now() - interval '1 minute', now() - interval '1 minute')
RETURNING id AS j_expired \gset
INSERT INTO oms.outbox (kind, dedupe_key, status, attempts, next_attempt_at, done_at)
VALUES ('mail', 'test:done', 'done', 1, now() - interval '10 minutes', now()) RETURNING id AS j_done \gset
INSERT INTO oms.outbox (kind, dedupe_key, status, attempts, next_attempt_at)
VALUES ('mail', 'test:dead', 'dead', 5, now() - interval '10 minutes') RETURNING id AS j_dead \gset

-- ---------------------------------------------------------------------------
-- outbox_claim
SET SESSION AUTHORIZATION t_worker;
CREATE TEMP TABLE claim1 AS SELECT * FROM oms_api.outbox_claim('w1', 2);
CREATE TEMP TABLE claim2 AS SELECT * FROM oms_api.outbox_claim('w2', 10);
CREATE TEMP TABLE claim3 AS SELECT * FROM oms_api.outbox_claim('w3', 10);
SELECT set_eq('SELECT id FROM claim1', format('VALUES (%s::bigint), (%s)', :j1, :j2),
	'outbox_claim: takes the p_limit (2) jobs due first');
SELECT is((SELECT count(*) FROM claim1 WHERE status = 'running' AND locked_by = 'w1' AND attempts = 1
	AND locked_until BETWEEN now() + interval '5 minutes' AND clock_timestamp() + interval '5 minutes'
	AND next_attempt_at = locked_until), 2::bigint,
	'outbox_claim: a claimed job is running, locked by the worker for the outbox_lease (5 minutes), one attempt spent');
SELECT set_eq('SELECT id FROM claim2', format('VALUES (%s::bigint), (%s)', :j3, :j_expired),
	'outbox_claim: a second claim gets the other due jobs and the one whose lease expired, nothing else');
SELECT is((SELECT count(*) FROM claim1 JOIN claim2 USING (id)), 0::bigint,
	'outbox_claim: two claims in one transaction never return the same job');
SELECT results_eq(format('SELECT locked_by, attempts FROM oms.outbox WHERE id = %s', :j_expired),
	$$VALUES ('w2'::text, 2)$$, 'outbox_claim: an expired lease is reclaimed by the new worker, counting another attempt');
SELECT results_eq(format('SELECT status, locked_by, attempts FROM oms.outbox WHERE id = %s', :j_leased),
	$$VALUES ('running'::text, 'other'::text, 1)$$, 'outbox_claim: a job whose lease has not expired is not taken');
SELECT is((SELECT count(*) FROM claim3), 0::bigint,
	'outbox_claim: with everything claimed, in the future, done or dead, a claim returns nothing');
SELECT ok(pg_get_functiondef('oms_api.outbox_claim(text, int)'::regprocedure) ~* 'for\s+update\s+skip\s+locked',
	'outbox_claim: claims with FOR UPDATE SKIP LOCKED (jobs locked by another session are skipped, not waited for)');
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err($$SELECT * FROM oms_api.outbox_claim('csr', 1)$$), '^42501', 'outbox_claim: a CSR may not claim jobs');

-- ---------------------------------------------------------------------------
-- outbox_done, outbox_retry_later, outbox_dead
SET SESSION AUTHORIZATION t_worker;
SELECT oms_api.outbox_done(:j1, '{"message_id": "m-1"}') \g /dev/null
SELECT results_eq(format($$SELECT status, result ->> 'message_id', locked_by, locked_until, done_at IS NOT NULL FROM oms.outbox WHERE id = %s$$, :j1),
	$$VALUES ('done'::text, 'm-1'::text, NULL::text, NULL::timestamptz, true)$$,
	'outbox_done: the job is done, its result kept, the lease released');
SELECT is(pg_temp.err(format($$SELECT oms_api.outbox_done(%s, '{"message_id": "m-2"}')$$, :j1)), 'ok',
	'outbox_done: saying done twice is fine');
SELECT is((SELECT result ->> 'message_id' FROM oms.outbox WHERE id = :j1), 'm-1', 'outbox_done: the second done changes nothing');
SELECT matches(pg_temp.err(format('SELECT oms_api.outbox_done(%s, NULL)', :j_future)), '^OM002',
	'outbox_done: a job nobody claimed cannot be done (OM002)');
SELECT matches(pg_temp.err('SELECT oms_api.outbox_done(-1, NULL)'), '^P0002', 'outbox_done: an unknown job is not found (P0002)');

-- times are the statement's (statement_timestamp): between this
-- transaction's start and the clock
SELECT oms_api.outbox_retry_later(:j2, 'smtp timeout', 30000) \g /dev/null
SELECT results_eq(format($$SELECT status, next_attempt_at BETWEEN now() + interval '30 seconds' AND clock_timestamp() + interval '30 seconds',
	attempts, last_error, locked_by FROM oms.outbox WHERE id = %s$$, :j2),
	$$VALUES ('ready'::text, true, 1, 'smtp timeout'::text, NULL::text)$$,
	'outbox_retry_later: the job is ready again in p_delay_ms (30 s), its attempt counted and the error kept');
SELECT is((SELECT count(*) FROM oms_api.outbox_claim('w1', 10)), 0::bigint,
	'outbox_retry_later: the job is not claimable before its delay');
SELECT oms_api.outbox_retry_later(:j3, 'smtp 421', -5) \g /dev/null
SELECT ok((SELECT next_attempt_at BETWEEN now() AND clock_timestamp() FROM oms.outbox WHERE id = :j3), 'outbox_retry_later: a negative delay means now');
SELECT results_eq($$SELECT id, attempts, locked_by FROM oms_api.outbox_claim('w4', 10)$$,
	format($$VALUES (%s::bigint, 2, 'w4'::text)$$, :j3),
	'outbox_retry_later: once due the job is claimed again, its attempts counting up (2)');
SELECT matches(pg_temp.err(format($$SELECT oms_api.outbox_retry_later(%s, 'x', 0)$$, :j1)), '^OM002',
	'outbox_retry_later: a done job cannot be retried (OM002)');

SELECT oms_api.outbox_dead(:j3, 'mailbox does not exist') \g /dev/null
SELECT results_eq(format($$SELECT status, last_error, locked_by FROM oms.outbox WHERE id = %s$$, :j3),
	$$VALUES ('dead'::text, 'mailbox does not exist'::text, NULL::text)$$, 'outbox_dead: the job is dead with its error');
SELECT is(pg_temp.err(format($$SELECT oms_api.outbox_dead(%s, 'again')$$, :j3)), 'ok', 'outbox_dead: saying dead twice is fine');
SELECT is((SELECT last_error FROM oms.outbox WHERE id = :j3), 'mailbox does not exist', 'outbox_dead: the second call changes nothing');
RESET SESSION AUTHORIZATION;
UPDATE oms.outbox SET next_attempt_at = now() - interval '1 hour' WHERE id = :j3;
SET SESSION AUTHORIZATION t_worker;
SELECT is((SELECT count(*) FROM oms_api.outbox_claim('w5', 10) WHERE id = :j3), 0::bigint, 'outbox_dead: a dead job is never claimed');
SELECT matches(pg_temp.err(format($$SELECT oms_api.outbox_dead(%s, 'x')$$, :j_future)), '^OM002',
	'outbox_dead: only a claimed job can be declared dead (OM002)');
RESET SESSION AUTHORIZATION;
SELECT ok(EXISTS (SELECT 1 FROM oms.audit_log WHERE table_name = 'outbox' AND row_pk = :'j3' AND new ->> 'status' = 'dead'
	AND staff_name = 'worker'), 'outbox_dead: a job dying is written to the audit log');

-- ---------------------------------------------------------------------------
-- outbox_requeue: administrators only
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err(format('SELECT oms_api.outbox_requeue(%s)', :j3)), '^42501', 'outbox_requeue: a CSR is denied (42501)');
SET SESSION AUTHORIZATION t_worker;
SELECT matches(pg_temp.err(format('SELECT oms_api.outbox_requeue(%s)', :j3)), '^42501', 'outbox_requeue: the worker is denied (42501)');
SET SESSION AUTHORIZATION t_ful1;
SELECT matches(pg_temp.err(format('SELECT oms_api.outbox_requeue(%s)', :j3)), '^42501', 'outbox_requeue: fulfilment is denied (42501)');
SET SESSION AUTHORIZATION t_admin;
SELECT oms_api.outbox_requeue(:j3) \g /dev/null
SELECT results_eq(format($$SELECT status, attempts, next_attempt_at BETWEEN now() AND clock_timestamp(), locked_by FROM oms.outbox WHERE id = %s$$, :j3),
	$$VALUES ('ready'::text, 0, true, NULL::text)$$, 'outbox_requeue: an admin makes a dead job ready now, attempts reset');
SELECT matches(pg_temp.err(format('SELECT oms_api.outbox_requeue(%s)', :j_future)), '^OM002', 'outbox_requeue: a job that is not dead is a conflict (OM002)');
SELECT matches(pg_temp.err('SELECT oms_api.outbox_requeue(-1)'), '^P0002', 'outbox_requeue: an unknown job is not found (P0002)');
SET SESSION AUTHORIZATION t_worker;
SELECT is((SELECT count(*) FROM oms_api.outbox_claim('w6', 10) WHERE id = :j3), 1::bigint, 'outbox_requeue: the worker claims the requeued job');

-- ---------------------------------------------------------------------------
-- refund_result. r1: a 25.00 refund of a cancelled order; r2 and r3: two more.
RESET SESSION AUTHORIZATION;
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 2))) AS o1 \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS o2 \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS o3 \gset
SET SESSION AUTHORIZATION t_csr;
SELECT refund_id AS r1 FROM oms_api.cancel_order(:o1, 'customer_request') \gset
SELECT refund_id AS r2 FROM oms_api.cancel_order(:o2, 'customer_request') \gset
SELECT refund_id AS r3 FROM oms_api.cancel_order(:o3, 'customer_request') \gset
SET SESSION AUTHORIZATION t_worker;
SELECT oms_api.refund_result(:r1, 'pending', 're_1', 'submitted') \g /dev/null
SELECT results_eq(format('SELECT status, provider_refund_id, executed_at FROM oms.refund WHERE id = %s', :r1),
	$$VALUES ('pending'::text, 're_1'::text, NULL::timestamptz)$$, 'refund_result: pending is recorded with the gateway''s id');
SELECT oms_api.refund_result(:r1, 'succeeded', NULL, 'refunded') \g /dev/null
SELECT results_eq(format('SELECT status, provider_refund_id, executed_at IS NOT NULL, last_message FROM oms.refund WHERE id = %s', :r1),
	$$VALUES ('succeeded'::text, 're_1'::text, true, 'refunded'::text)$$,
	'refund_result: succeeded is recorded with the time, keeping the gateway''s id');
SELECT is((SELECT count(*) FROM oms.outbox WHERE refund_id = :r1 AND kind = 'mail' AND payload ->> 'template' = 'refund_succeeded'), 1::bigint,
	'refund_result: the customer is mailed about the refund once');
RESET SESSION AUTHORIZATION;
SELECT to_jsonb(r) AS r1_before FROM oms.refund r WHERE id = :r1 \gset
SELECT count(*) AS outbox_before FROM oms.outbox \gset
SELECT count(*) AS audit_before FROM oms.audit_log \gset
SET SESSION AUTHORIZATION t_worker;
SELECT is(pg_temp.err(format($$SELECT oms_api.refund_result(%s, 'succeeded', 're_other', 'said twice')$$, :r1)), 'ok',
	'refund_result: the same result twice is accepted');
RESET SESSION AUTHORIZATION;
SELECT ok((SELECT to_jsonb(r) FROM oms.refund r WHERE id = :r1) = :'r1_before'::jsonb
	AND (SELECT count(*) FROM oms.outbox) = :outbox_before AND (SELECT count(*) FROM oms.audit_log) = :audit_before,
	'refund_result: the same result twice changes nothing (refund row, outbox, audit log)');
SET SESSION AUTHORIZATION t_worker;
SELECT is(pg_temp.err(format($$SELECT oms_api.refund_result(%s, 'pending', 're_1', 'late')$$, :r1)), 'ok',
	'refund_result: a late "pending" after a final result is accepted (a fact) ...');
SELECT is((SELECT status FROM oms.refund WHERE id = :r1), 'succeeded', 'refund_result: ... and changes nothing');
SELECT is(pg_temp.err(format($$SELECT oms_api.refund_result(%s, 'failed', 're_1', 'late')$$, :r1)), 'ok',
	'refund_result: a succeeded refund that the gateway then reports failed is recorded (never a dead job)');

SELECT oms_api.refund_result(:r2, 'failed', NULL, 'card expired') \g /dev/null
SELECT oms_api.refund_result(:r3, 'canceled', 're_3', 'canceled at the gateway') \g /dev/null
RESET SESSION AUTHORIZATION;
SELECT results_eq(format($$SELECT id, status, (SELECT count(*) FROM oms.outbox b WHERE b.refund_id = r.id AND b.kind = 'mail'
		AND b.payload ->> 'template' LIKE 'refund_%%') FROM oms.refund r WHERE id IN (%s, %s) ORDER BY id$$, :r2, :r3),
	format($$VALUES (%s::bigint, 'failed'::text, 1::bigint), (%s::bigint, 'canceled'::text, 0::bigint)$$, :r2, :r3),
	'refund_result: failed is mailed to the customer, canceled is not');
SELECT is(oms.refundable_minor((SELECT id FROM oms.orders WHERE order_no = :o2)), 1500::bigint,
	'refund_result: a failed refund makes the money refundable again');
SET SESSION AUTHORIZATION t_worker;
SELECT matches(pg_temp.err(format($$SELECT oms_api.refund_result(%s, 'bogus', NULL, NULL)$$, :r2)), '^22023',
	'refund_result: an unknown status is invalid input (22023)');
SELECT count(*) AS outbox_before FROM oms.outbox \gset
SELECT matches(pg_temp.err($$SELECT oms_api.refund_result(999999999, 'failed', NULL, 'x')$$) || ' / ' ||
               pg_temp.err($$SELECT oms_api.refund_result(NULL, 'failed', NULL, 'x')$$),
	'^P0002: .* / P0002: ', 'refund_result: an unknown or NULL refund is not found (P0002)');
SELECT is((SELECT count(*) FROM oms.outbox), :outbox_before::bigint,
	'refund_result: an unknown refund queues no mail to anybody');
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err(format($$SELECT oms_api.refund_result(%s, 'succeeded', NULL, NULL)$$, :r2)), '^42501',
	'refund_result: only the worker reports refund results');

-- ---------------------------------------------------------------------------
-- dedupe_key: one event, one job
RESET SESSION AUTHORIZATION;
SELECT throws_ok($$INSERT INTO oms.outbox (kind, dedupe_key) VALUES ('mail', 'test:j1')$$, '23505', NULL,
	'dedupe_key: a second job with the same key is refused by the constraint');
SELECT oms.enqueue('seller_notify', 'test:event-1', NULL, NULL, '{"first": true}') \g /dev/null
SELECT oms.enqueue('seller_notify', 'test:event-1', NULL, NULL, '{"first": false}') \g /dev/null
SELECT results_eq($$SELECT count(*), bool_and((payload ->> 'first')::boolean) FROM oms.outbox WHERE dedupe_key = 'test:event-1'$$,
	$$VALUES (1::bigint, true)$$, 'dedupe_key: enqueueing the same event twice leaves the first job only');
SELECT is((SELECT count(*) FROM oms.outbox WHERE order_id = (SELECT id FROM oms.orders WHERE order_no = :o1)
	AND kind IN ('refund', 'mail', 'seller_notify', 'inventory_release')
	AND dedupe_key LIKE ANY (ARRAY['refund:%', 'mail:cancelled:%', 'seller_notify:cancelled:%', 'inventory_release:%'])),
	4::bigint, 'dedupe_key: a cancellation queues each of its four jobs exactly once');
SELECT * FROM finish();
ROLLBACK;
