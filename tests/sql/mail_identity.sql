-- Issue 12, mail: what the database gives the worker's mail. The
-- Message-ID key (oms_api.mail_message_key: 64 bits of the database's UUID
-- from 0023 and the job's creation time), the mail relay's alert
-- (oms_api.mail_relay_alert: one open alert, later problems counted), and
-- the cancellation mails' payload (the lines that cancellation cancelled,
-- whether the order goes on), with nothing oms_api.job would withhold.
BEGIN;
\ir fixture.psql
SELECT plan(14);

SELECT is((SELECT count(*) FROM oms.database_identity), 1::bigint,
	'database_identity: one row, made by oms migrate');
INSERT INTO oms.outbox (kind, dedupe_key, next_attempt_at) VALUES ('mail', 'test:key', 'infinity')
RETURNING id AS j \gset
SET SESSION AUTHORIZATION t_worker;
SELECT matches(oms_api.mail_message_key(:j), '^[0-9a-f]{16}\.[0-9a-f]+$',
	'mail_message_key: 16 hex digits of the database, a dot, the job''s time in hex');
SELECT is(oms_api.mail_message_key(:j), oms_api.mail_message_key(:j),
	'mail_message_key: the same job, the same key (a resent copy keeps its Message-ID)');
RESET SESSION AUTHORIZATION;
SELECT oms_api.mail_message_key(:j) AS key_before \gset
UPDATE oms.database_identity SET database_id = gen_random_uuid();
SELECT isnt(oms_api.mail_message_key(:j), :'key_before',
	'mail_message_key: another database (another UUID), another key for the same job id');
INSERT INTO oms.outbox (kind, dedupe_key, next_attempt_at, created_at)
VALUES ('mail', 'test:key2', 'infinity', now() + interval '1 second') RETURNING id AS j2 \gset
SELECT isnt(split_part(oms_api.mail_message_key(:j2), '.', 2), split_part(oms_api.mail_message_key(:j), '.', 2),
	'mail_message_key: a job created at another moment (a restored copy''s later job) has another key');
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err(format('SELECT oms_api.mail_message_key(%s)', :j)), '^42501: ',
	'mail_message_key: only the worker (42501 for a CSR)');
RESET SESSION AUTHORIZATION;

-- The relay's alert.
SET SESSION AUTHORIZATION t_worker;
SELECT is(oms_api.mail_relay_alert('the mail relay refused us at MAIL: authentication required', '{"smtp_code": 530}'),
	true, 'mail_relay_alert: the first problem raises an alert');
SELECT is(oms_api.mail_relay_alert('the mail relay refused us at MAIL: authentication required', '{"smtp_code": 530}'),
	false, 'mail_relay_alert: the same problem again raises none');
RESET SESSION AUTHORIZATION;
SELECT results_eq($$SELECT count(*), min(detail ->> 'count'), min(detail ->> 'smtp_code'), min(detail ->> 'problem')
	FROM oms.alert WHERE kind = 'mail_relay' AND resolved_at IS NULL$$,
	$$VALUES (1::bigint, '2', '530', 'the mail relay refused us at MAIL: authentication required')$$,
	'mail_relay_alert: one open alert that counts the problems and says what they were');
UPDATE oms.alert SET resolved_by = 'test', resolved_at = now() WHERE kind = 'mail_relay';
SET SESSION AUTHORIZATION t_worker;
SELECT is(oms_api.mail_relay_alert('refused at connect', '{"smtp_code": 554}'), true,
	'mail_relay_alert: after it was resolved, a new problem raises a new alert');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_admin;
SELECT matches(pg_temp.err($$SELECT oms_api.mail_relay_alert('x', '{}')$$), '^42501: ',
	'mail_relay_alert: only the worker (42501 for an administrator)');
RESET SESSION AUTHORIZATION;

-- The cancellation mails' payload.
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 2),
	jsonb_build_object('item_id', :item_a2, 'qty', 1))) AS paid_no \gset
SET SESSION AUTHORIZATION t_csr;
SELECT 1 AS x FROM oms_api.cancel_lines(:paid_no, '[{"line_no": 1, "qty": 1}]', 'out_of_stock') \gset
RESET SESSION AUTHORIZATION;
SELECT results_eq(format($$SELECT payload ->> 'status', payload -> 'lines', refund_id IS NOT NULL
	FROM oms.outbox WHERE kind = 'mail' AND payload ->> 'order_no' = '%s'$$, :paid_no),
	$$VALUES ('PARTLY_CANCELLED', '[{"line_no": 1, "sku": "A-1", "qty": 1}]'::jsonb, true)$$,
	'order_cancelled payload: one of two widgets cancelled: the order goes on, only that line, and its refund');
SELECT results_eq(format($$SELECT payload ->> 'status', payload -> 'lines'
	FROM oms.outbox WHERE kind = 'seller_notify' AND payload ->> 'order_no' = '%s'$$, :paid_no),
	$$VALUES ('PARTLY_CANCELLED', '[{"line_no": 1, "sku": "A-1", "qty": 1}]'::jsonb)$$,
	'seller_cancelled payload: the seller is told the same line');
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)), false) AS unpaid_no \gset
SET SESSION AUTHORIZATION t_csr;
SELECT 1 AS x FROM oms_api.cancel_order(:unpaid_no, 'customer_request') \gset
RESET SESSION AUTHORIZATION;
SELECT results_eq(format($$SELECT payload ->> 'status', refund_id IS NULL
	FROM oms.outbox WHERE kind = 'mail' AND payload ->> 'order_no' = '%s'$$, :unpaid_no),
	$$VALUES ('CANCELLED', true)$$,
	'order_cancelled payload: an unpaid order, whole: cancelled, no refund to name');

SELECT * FROM finish();
ROLLBACK;
