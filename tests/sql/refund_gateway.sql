-- Refunds and the gateway's answers (issue 12): a discrepancy alerts
-- administrators and mails nobody; a refusal alerts them and tells the
-- customer once; an administrator retries a refused refund (a fresh key)
-- or settles it outside the gateway; an unknown outcome gets a fresh key
-- only through refund_new_key; a pending refund's looks follow
-- refund_check_schedule.
BEGIN;
\ir fixture.psql
SELECT plan(17);
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 2))) AS o \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS o2 \gset
SET SESSION AUTHORIZATION t_csr;
SELECT refund_id AS r FROM oms_api.cancel_order(:o, 'customer_request') \gset
SELECT refund_id AS r2 FROM oms_api.cancel_order(:o2, 'duplicate_order') \gset
RESET SESSION AUTHORIZATION;

SET SESSION AUTHORIZATION t_worker;
SELECT is((SELECT gateway_reason FROM oms_api.refund_to_execute(:r2)), 'duplicate',
	'the gateway''s reason word follows the cancellation reason');
SELECT lives_ok(format($$SELECT oms_api.refund_result(%s, 'discrepancy', 're_odd', 'the gateway refunded 1, not the 2000 asked for')$$, :r),
	'a discrepancy is recorded');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT status FROM oms.refund WHERE id = :r), 'discrepancy', 'never as succeeded');
SELECT is((SELECT count(*) FROM oms.alert WHERE kind = 'refund_discrepancy' AND refund_id = :r), 1::bigint,
	'administrators get an alert');
SELECT is((SELECT count(*) FROM oms.outbox WHERE refund_id = :r AND kind = 'mail' AND payload->>'template' LIKE 'refund_%'), 0::bigint,
	'the customer gets no refund mail');

SET SESSION AUTHORIZATION t_worker;
SELECT oms_api.refund_result(:r2, 'refused', NULL, 'HTTP 402 (card_error)');
SELECT oms_api.refund_result(:r2, 'refused', NULL, 'HTTP 402 (card_error)');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT status FROM oms.refund WHERE id = :r2), 'refused', 'a refusal is recorded');
SELECT is((SELECT count(*) FROM oms.alert WHERE kind = 'refund_refused' AND refund_id = :r2), 1::bigint,
	'administrators get one alert');
SELECT is((SELECT count(*) FROM oms.outbox WHERE refund_id = :r2 AND payload->>'template' = 'refund_refused'), 1::bigint,
	'the customer gets one "we could not refund automatically" mail');
SET SESSION AUTHORIZATION t_admin;
SELECT is((SELECT count(*) FROM oms_api.refunds('refused')), 1::bigint, 'administrators list refused refunds');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err(format($$SELECT oms_api.refund_retry(%s, 'again')$$, :r2)), '^42501: ',
	'only an administrator sends a refund again');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_admin;
SELECT lives_ok(format($$SELECT oms_api.refund_retry(%s, 'the customer gave a new card')$$, :r2),
	'an administrator retries a refused refund');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT status || ' ' || key_generation FROM oms.refund WHERE id = :r2), 'not_sent 1',
	'it is to be sent again, with a fresh key');
SELECT is((SELECT count(*) FROM oms.outbox WHERE refund_id = :r2 AND kind = 'refund' AND status = 'ready'), 2::bigint,
	'by a new refund job');
SET SESSION AUTHORIZATION t_admin;
SELECT matches(pg_temp.err(format($$SELECT oms_api.refund_settle_outside(%s, 'wired')$$, :r2)), '^OM002: ',
	'a refund on its way is not settled outside the gateway');
SELECT lives_ok(format($$SELECT oms_api.refund_settle_outside(%s, 'bank transfer, ref 42')$$, :r),
	'a mismatched refund is settled outside the gateway, with a note');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT status || ' ' || (executed_at IS NOT NULL)::text || ' ' || settled_note FROM oms.refund WHERE id = :r),
	'settled_outside true bank transfer, ref 42', 'recorded with the note');

SET SESSION AUTHORIZATION t_worker;
SELECT is(oms_api.refund_followup(:r2) || ' ' || oms_api.refund_followup(:r2), '60000 600000',
	'a pending refund''s looks follow refund_check_schedule');
RESET SESSION AUTHORIZATION;
SELECT * FROM finish();
ROLLBACK;
