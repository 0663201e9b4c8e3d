-- oms_api.jobs and oms_api.job (0012): the outbox as administrators read
-- it. Filters by status and kind, newest first, keyset paging, bad filters
-- refused (22023), every other role refused (42501), one job with its
-- payload and result without personal data (the keys left out named in
-- withheld), while the payloads oms_api itself writes are shown whole.
BEGIN;
\ir fixture.psql
SELECT plan(28);

-- o1: a paid order (place_checkout queued its payment_verify job).
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS o1 \gset

-- Jobs in every state (ids in this order, so newest first is the reverse):
--   j_mail : a mail whose payload holds the recipient's address, name and a
--            note with a phone number; claimed and declared dead by the worker
--   j_ref  : a refund job, ready
--   j_ntf  : a seller notice, done, with the worker's result
--   j_inv  : an inventory release, running, with lines
INSERT INTO oms.outbox (kind, dedupe_key, order_id, payload, next_attempt_at)
SELECT 'mail', 'test:mail', o.id,
       jsonb_build_object('template', 'order_confirmed', 'order_no', o.order_no,
                          'to', 'Alex.Customer@Example.com', 'customer_name', 'Alex Customer',
                          'note', 'call +15551234567 first'),
       '-infinity'                           -- the first due job, whatever else is ready
FROM oms.orders o WHERE o.order_no = :o1
RETURNING id AS j_mail \gset
SET SESSION AUTHORIZATION t_worker;
SELECT is((SELECT id FROM oms_api.outbox_claim('test-worker', 1)), :j_mail::bigint, 'fixture: the worker claims the mail job');
SELECT oms_api.outbox_dead(:j_mail, 'smtp 550 5.1.1 mailbox unavailable: <a***@example.com>') \g /dev/null
RESET SESSION AUTHORIZATION;
INSERT INTO oms.outbox (kind, dedupe_key, payload) VALUES ('refund', 'test:refund', '{"refund_id": 1}')
RETURNING id AS j_ref \gset
INSERT INTO oms.outbox (kind, dedupe_key, payload, status, attempts, result, done_at)
VALUES ('seller_notify', 'test:notify', '{"event": "new_order", "seller_id": 1}', 'done', 1,
        '{"message_id": "<oms-1@shop.example>", "event": "seller_new_order"}', now())
RETURNING id AS j_ntf \gset
INSERT INTO oms.outbox (kind, dedupe_key, payload, status, attempts, locked_by, locked_until)
VALUES ('inventory_release', 'test:inventory', '{"order_no": 1, "lines": [{"sku": "A-1", "qty": 2, "name": "Alex''s widget"}, "x"]}',
        'running', 1, 'w9', now() + interval '5 minutes')
RETURNING id AS j_inv \gset

-- ---------------------------------------------------------------------------
-- jobs: filters, order, columns
SET SESSION AUTHORIZATION t_admin;
SELECT set_eq('SELECT id FROM oms_api.jobs(''dead'', NULL, 1000, NULL)', format('VALUES (%s::bigint)', :j_mail),
	'jobs: status dead lists the dead job and nothing else');
SELECT set_eq(format('SELECT id FROM oms_api.jobs(''ready'', NULL, 1000, NULL) WHERE id >= %s', :j_mail),
	format('VALUES (%s::bigint)', :j_ref), 'jobs: status ready lists the ready job, not the dead, done or running ones');
SELECT set_eq('SELECT id FROM oms_api.jobs(NULL, ''mail'', 1000, NULL)', format('VALUES (%s::bigint)', :j_mail),
	'jobs: kind mail lists the mail job only');
SELECT is((SELECT count(*) FROM oms_api.jobs('dead', 'refund', 1000, NULL)), 0::bigint,
	'jobs: both filters apply (no dead refund job)');
SELECT set_eq('SELECT id FROM oms_api.jobs(NULL, NULL, 1000, NULL)', 'SELECT id FROM oms.outbox',
	'jobs: without filters every job is listed, whatever its status');
SELECT results_eq(format('SELECT kind, status, attempts, last_error, order_no, refund_id FROM oms_api.jobs(''dead'', NULL, 10, NULL) WHERE id = %s', :j_mail),
	format($$VALUES ('mail'::text, 'dead'::text, 1, 'smtp 550 5.1.1 mailbox unavailable: <a***@example.com>'::text, %s::bigint, NULL::bigint)$$, :o1),
	'jobs: a row has the kind, status, attempts, the error the worker recorded and the order number');
SELECT ok((SELECT bool_and(updated_at >= created_at AND next_attempt_at IS NOT NULL) FROM oms_api.jobs(NULL, NULL, 1000, NULL)),
	'jobs: rows have their times');
SELECT results_eq('SELECT id FROM oms_api.jobs(NULL, NULL, 1000, NULL)', 'SELECT id FROM oms.outbox ORDER BY id DESC',
	'jobs: newest first');

-- paging: pages of 2 with the last id of the page before
SELECT results_eq('SELECT id FROM oms_api.jobs(NULL, NULL, 2, NULL)', 'SELECT id FROM oms.outbox ORDER BY id DESC LIMIT 2',
	'jobs: p_limit 2 gives the two newest');
SELECT results_eq(format('SELECT id FROM oms_api.jobs(NULL, NULL, 2, %s)', :j_ntf),
	format('VALUES (%s::bigint), (%s::bigint)', :j_ref, :j_mail),
	'jobs: p_after_id gives the jobs older than that id, newest first');
SELECT results_eq(format('SELECT id FROM oms_api.jobs(''dead'', NULL, 2, %s)', :j_mail), 'SELECT NULL::bigint WHERE false',
	'jobs: after the last dead job there is no more (filters apply to later pages)');
SELECT is((SELECT count(*) FROM oms_api.jobs(NULL, NULL, 0, NULL)), 1::bigint, 'jobs: p_limit below 1 counts as 1');

-- bad filters
SELECT matches(pg_temp.err($$SELECT * FROM oms_api.jobs('failed', NULL, 10, NULL)$$), '^22023: unknown job status "failed"',
	'jobs: an unknown status is invalid input (22023)');
SELECT matches(pg_temp.err($$SELECT * FROM oms_api.jobs(NULL, 'sms', 10, NULL)$$), '^22023: unknown job kind "sms"',
	'jobs: an unknown kind is invalid input (22023)');
-- every kind the outbox may hold is a filter (payment_capture came with issue 12)
SELECT is((SELECT array_agg(k ORDER BY k) FROM regexp_matches(pg_get_constraintdef(
		(SELECT oid FROM pg_constraint WHERE conname = 'outbox_kind_check')), '''([a-z_]+)''', 'g') m(k0),
		LATERAL (SELECT k0[1] AS k) x
	   WHERE pg_temp.err(format('SELECT * FROM oms_api.jobs(NULL, %L, 10, NULL)', k)) = 'ok'),
	(SELECT array_agg(k0[1] ORDER BY k0[1]) FROM regexp_matches(pg_get_constraintdef(
		(SELECT oid FROM pg_constraint WHERE conname = 'outbox_kind_check')), '''([a-z_]+)''', 'g') m(k0)),
	'jobs: every kind of the outbox''s CHECK is a valid filter');

-- ---------------------------------------------------------------------------
-- job: one job without personal data
SELECT results_eq(format('SELECT payload, withheld FROM oms_api.job(%s)', :j_mail),
	format($$VALUES ('{"template": "order_confirmed", "order_no": %s}'::jsonb, '{customer_name,note,to}'::text[])$$, :o1),
	'job: a mail''s payload without the address, the name or the note; their keys named in withheld');
SELECT is((SELECT strpos(lower(j::text), 'alex') + strpos(j::text, '5551234567') FROM oms_api.job(:j_mail) j), 0,
	'job: nothing of the recipient appears anywhere in the row');
SELECT results_eq(format('SELECT kind, status, attempts, order_no, dedupe_key, last_error, result FROM oms_api.job(%s)', :j_mail),
	format($$VALUES ('mail'::text, 'dead'::text, 1, %s::bigint, 'test:mail'::text,
		'smtp 550 5.1.1 mailbox unavailable: <a***@example.com>'::text, NULL::jsonb)$$, :o1),
	'job: kind, status, attempts, order, dedupe key, the error; no result');
SELECT results_eq(format('SELECT result, withheld, done_at IS NOT NULL FROM oms_api.job(%s)', :j_ntf),
	$$VALUES ('{"message_id": "<oms-1@shop.example>", "event": "seller_new_order"}'::jsonb, '{}'::text[], true)$$,
	'job: a done job''s result (message id, event) and when it was done');
SELECT results_eq(format('SELECT payload -> ''lines'', locked_by, locked_until IS NOT NULL FROM oms_api.job(%s)', :j_inv),
	$$VALUES ('[{"sku": "A-1", "qty": 2}]'::jsonb, 'w9'::text, true)$$,
	'job: of lines only sku and qty are shown; a running job names its worker and lease');
SELECT matches(pg_temp.err('SELECT * FROM oms_api.job(-1)'), '^P0002: outbox job -1 not found', 'job: an unknown job is not found (P0002)');

-- the payloads oms_api writes hold nothing personal: shown whole
RESET SESSION AUTHORIZATION;
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 2))) AS o2 \gset
SET SESSION AUTHORIZATION t_csr;
SELECT oms_api.cancel_order(:o2, 'customer_request') \g /dev/null
SET SESSION AUTHORIZATION t_admin;
SELECT results_eq(format($$SELECT b.kind, j.payload = b.payload AND j.withheld = '{}'
	FROM oms.outbox b CROSS JOIN LATERAL oms_api.job(b.id) j
	WHERE b.order_id = (SELECT id FROM oms.orders WHERE order_no = %s) ORDER BY b.kind$$, :o2),
	$$VALUES ('inventory_release'::text, true), ('mail', true), ('payment_verify', true), ('refund', true), ('seller_notify', true)$$,
	'job: the payloads of checkout and cancellation (payment_verify, refund, mail, seller_notify, inventory_release) are shown whole');

-- the dead job, requeued, is listed as ready again
SELECT oms_api.outbox_requeue(:j_mail) \g /dev/null
SELECT results_eq(format('SELECT status, attempts FROM oms_api.jobs(''ready'', ''mail'', 10, NULL) WHERE id = %s', :j_mail),
	$$VALUES ('ready'::text, 0)$$, 'jobs: after outbox_requeue the job is listed as ready with no attempts');

-- ---------------------------------------------------------------------------
-- administrators only
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err('SELECT * FROM oms_api.jobs(NULL, NULL, 10, NULL)') || ' / ' ||
               pg_temp.err(format('SELECT * FROM oms_api.job(%s)', :j_mail)),
	'^42501: .* / 42501: ', 'jobs, job: a CSR is refused (42501)');
SET SESSION AUTHORIZATION t_ful1;
SELECT matches(pg_temp.err('SELECT * FROM oms_api.jobs(NULL, NULL, 10, NULL)') || ' / ' ||
               pg_temp.err(format('SELECT * FROM oms_api.job(%s)', :j_mail)),
	'^42501: .* / 42501: ', 'jobs, job: fulfilment is refused (42501)');
SET SESSION AUTHORIZATION t_analyst;
SELECT matches(pg_temp.err('SELECT * FROM oms_api.jobs(NULL, NULL, 10, NULL)') || ' / ' ||
               pg_temp.err(format('SELECT * FROM oms_api.job(%s)', :j_mail)),
	'^42501: .* / 42501: ', 'jobs, job: an analyst is refused (42501)');
SET SESSION AUTHORIZATION t_worker;
SELECT matches(pg_temp.err('SELECT * FROM oms_api.jobs(NULL, NULL, 10, NULL)') || ' / ' ||
               pg_temp.err(format('SELECT * FROM oms_api.job(%s)', :j_mail)),
	'^42501: .* / 42501: ', 'jobs, job: the worker is refused (42501)');
RESET SESSION AUTHORIZATION;
SELECT * FROM finish();
ROLLBACK;
