-- The worker's reads through oms_api (refund_to_execute,
-- payment_to_verify, mail_data; sql/functions/80_outbox.sql) return what src/worker needs to execute a
-- refund, verify a payment and write a mail, as the worker's login, and to
-- nobody else.
BEGIN;
\ir fixture.psql
SELECT plan(20);

SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 2))) AS paid \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a2, 'qty', 1)), false) AS unpaid \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a2, 'qty', 1))) AS other \gset
SELECT id AS paid_id FROM oms.orders WHERE order_no = :paid \gset
SELECT id AS unpaid_id FROM oms.orders WHERE order_no = :unpaid \gset
SELECT id AS other_id FROM oms.orders WHERE order_no = :other \gset
SET SESSION AUTHORIZATION t_ful1;
SELECT oms_api.mark_shipped(:other, 'Local', '1ZREAD0002') AS other_ship \gset
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_csr;
SELECT refund_id FROM oms_api.cancel_order(:paid, 'customer_request') \gset
RESET SESSION AUTHORIZATION;
SELECT idempotency_key::text AS key FROM oms.refund WHERE id = :refund_id \gset

SET SESSION AUTHORIZATION t_worker;
-- refund_to_execute
SELECT results_eq(format('SELECT amount_minor, currency, idempotency_key, status, provider_refund_id, approval,
		provider_ref, order_no FROM oms_api.refund_to_execute(%s)', :refund_id),
	format($$VALUES (2500::bigint, 'USD'::text, %L::text, 'not_sent'::text, ''::text, 'auto'::text,
		'pay_%s'::text, %s::bigint)$$, :'key', :paid, :paid),
	'refund_to_execute: amount, currency, the stored idempotency key, not sent yet, auto-approved, the payment to refund, the order');
SELECT is((SELECT count(*) FROM oms_api.refund_to_execute(-1)), 0::bigint,
	'refund_to_execute: no row for an unknown refund (the job is dead: "names no refund")');
SELECT oms_api.refund_result(:refund_id, 'pending', 're_read_1', NULL) \g /dev/null
SELECT results_eq(format('SELECT status, provider_refund_id FROM oms_api.refund_to_execute(%s)', :refund_id),
	$$VALUES ('pending'::text, 're_read_1'::text)$$,
	'refund_to_execute: a pending refund names the gateway''s refund id (the next attempt asks about it)');

-- payment_to_verify
SELECT results_eq(format('SELECT order_no, provider_ref, status FROM oms_api.payment_to_verify(%s)', :unpaid_id),
	format($$VALUES (%s::bigint, ''::text, 'pending'::text)$$, :unpaid),
	'payment_to_verify: a pending payment with no reference attached yet');
SELECT results_eq(format('SELECT provider_ref, status, amount_minor, currency FROM oms_api.payment_to_verify(%s)', :other_id),
	format($$VALUES ('pay_%s'::text, 'verified'::text, 1000::bigint, 'USD'::text)$$, :other),
	'payment_to_verify: a verified payment with its reference, amount and currency');
SELECT is((SELECT count(*) FROM oms_api.payment_to_verify(-1)), 0::bigint,
	'payment_to_verify: no row for an unknown order');

-- mail_data
SELECT oms_api.mail_data(:paid_id, NULL, :refund_id) AS m \gset
SELECT is((:'m'::jsonb) ->> 'order_no', :'paid', 'mail_data: the order number');
SELECT is((:'m'::jsonb) ->> 'to', 'Alex.Customer@Example.com', 'mail_data: the customer''s e-mail is the recipient');
SELECT is((:'m'::jsonb) ->> 'customer_name', 'Alex Customer', 'mail_data: the customer''s name');
SELECT is((:'m'::jsonb) ->> 'seller_name', 'Seller A', 'mail_data: the seller''s name');
SELECT is((:'m'::jsonb) -> 'lines', '[{"name": "Widget", "sku": "A-1", "qty": 2, "line_total_minor": 2000}]'::jsonb,
	'mail_data: the lines with their totals');
SELECT is((:'m'::jsonb) ->> 'refund_amount_minor', '2500', 'mail_data: the refund''s amount');
SELECT is((:'m'::jsonb) ->> 'reason_label', (SELECT label FROM oms.cancellation_reason WHERE code = 'customer_request'),
	'mail_data: the latest cancellation''s reason');
SELECT is(((:'m'::jsonb) -> 'pii' ->> 'phone', (:'m'::jsonb) -> 'pii' -> 'ship_to' ->> 'line1'),
	('+15551234567'::text, '1 Main St'::text), 'mail_data: phone and shipping address apart, under "pii", for masking only');
SELECT ok(NOT (:'m'::jsonb) ? 'carrier' AND NOT (:'m'::jsonb) ? 'seller_email',
	'mail_data: keys without a value are left out (no shipment asked for, a seller without e-mail)');
SELECT is(oms_api.mail_data(:other_id, :other_ship, NULL) ->> 'tracking_no', '1ZREAD0002',
	'mail_data: the shipment''s carrier and tracking number');
SELECT ok(NOT oms_api.mail_data(:paid_id, :other_ship, NULL) ? 'tracking_no'
	AND NOT oms_api.mail_data(:other_id, NULL, :refund_id) ? 'refund_amount_minor',
	'mail_data: another order''s shipment or refund is not read');
SELECT is(oms_api.mail_data(-1, NULL, NULL), NULL, 'mail_data: NULL for an unknown order');
RESET SESSION AUTHORIZATION;

-- Nobody but the worker.
SELECT is((SELECT string_agg(format('%s %s', g, f), ', ' ORDER BY g, f)
	FROM unnest(ARRAY['oms_csr', 'oms_fulfilment', 'oms_analyst', 'oms_admin']) g,
	     unnest(ARRAY['oms_api.refund_to_execute(bigint)', 'oms_api.payment_to_verify(bigint)',
	                  'oms_api.mail_data(bigint, bigint, bigint)']) f
	WHERE has_function_privilege(g, f, 'EXECUTE')), NULL,
	'the worker''s reads are executable by oms_worker only');
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err(format('SELECT oms_api.mail_data(%s)', :paid_id)), '^42501: ',
	'a CSR cannot read a mail''s data through the worker''s function (42501)');
RESET SESSION AUTHORIZATION;

SELECT * FROM finish();
ROLLBACK;
