-- Structured refusals (issue 9): every business-rule refusal (OM001) and
-- the conflicts and invalid input a client words (OM002, 22023) carry a
-- DETAIL that is a JSON object with the rule id and the facts; the
-- message text stays as it was (psql users read it, clients never parse
-- it). The keys checked here are the contract of oms-schema(7) ERRORS.
BEGIN;
\ir fixture.psql
SELECT plan(51);
SELECT format('CREATE ROLE %I LOGIN IN ROLE oms_admin', 't_admin2')
	WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 't_admin2') \gexec
INSERT INTO oms.staff (login, full_name, role) VALUES ('t_admin2', 'Bea Admin', 'admin');

-- pg_temp.err_detail(sql): runs it; the error's DETAIL as jsonb plus its
-- "sqlstate" and "message"; {"sqlstate": "ok"} when it succeeds and
-- {"detail_text": ...} when DETAIL is not JSON.
CREATE FUNCTION pg_temp.err_detail(p_sql text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	v_state text;
	v_msg text;
	v_detail text;
BEGIN
	EXECUTE p_sql;
	RETURN jsonb_build_object('sqlstate', 'ok');
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
	BEGIN
		RETURN v_detail::jsonb || jsonb_build_object('sqlstate', v_state, 'message', v_msg);
	EXCEPTION WHEN OTHERS THEN
		RETURN jsonb_build_object('sqlstate', v_state, 'message', v_msg, 'detail_text', v_detail);
	END;
END
$$;
-- The DETAIL alone, without the two keys err_detail adds.
CREATE FUNCTION pg_temp.detail(p_sql text) RETURNS jsonb
LANGUAGE sql AS $$ SELECT pg_temp.err_detail(p_sql) - 'sqlstate' - 'message' $$;
GRANT EXECUTE ON FUNCTION pg_temp.err_detail(text), pg_temp.detail(text) TO PUBLIC;

SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 3))) AS o \gset
SELECT total_minor AS total FROM oms.orders WHERE order_no = :o \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS late \gset
SELECT pg_temp.age_order(:late, interval '3 hours');
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS fresh \gset

-- BR-028, asked for (request_refund) and granted (the refund guard)
SET SESSION AUTHORIZATION t_admin;
SELECT is(pg_temp.err_detail(format('SELECT oms_api.request_refund(%s, 1000000000, %L)', :o, 'goodwill')),
	jsonb_build_object('sqlstate', 'OM001', 'rule', 'BR-028', 'order_no', :o, 'amount_minor', 1000000000,
	                   'left_minor', :total, 'currency', 'USD',
	                   'message', format('BR-028: a refund of 1000000000 exceeds the %s left to refund on order %s', :total, :o)),
	'BR-028 (request_refund): rule, order_no, amount_minor, left_minor, currency; the message as before');
SELECT oms_api.request_refund(:o, 500, 'goodwill') AS r \gset
RESET SESSION AUTHORIZATION;
SELECT is(pg_temp.detail(format('UPDATE oms.refund SET amount_minor = %s WHERE id = %s', :total + 1, :r)),
	jsonb_build_object('rule', 'BR-028', 'order_no', :o, 'amount_minor', :total + 1,
	                   'left_minor', :total, 'currency', 'USD'),
	'BR-028 (the guard on oms.refund, any writer): the same keys');

-- BR-029, refunds and cancellations
SET SESSION AUTHORIZATION t_admin;
SELECT is(pg_temp.detail(format('SELECT oms_api.decide_refund(%s, true, NULL)', :r)),
	jsonb_build_object('rule', 'BR-029', 'refund_id', :r, 'order_no', :o),
	'BR-029 (refund): rule, refund_id, order_no');
SELECT cancellation_id AS c FROM oms_api.cancel_order(:late, 'customer_request') \gset
SELECT is(pg_temp.detail(format('SELECT * FROM oms_api.decide_cancellation(%s, true, NULL)', :c)),
	jsonb_build_object('rule', 'BR-029', 'cancellation_id', :c, 'order_no', :late),
	'BR-029 (cancellation): rule, cancellation_id, order_no');
RESET SESSION AUTHORIZATION;

-- OM002: already decided, already waiting, already cancelled
SET SESSION AUTHORIZATION t_admin2;
SELECT oms_api.decide_refund(:r, true, NULL);
SELECT is(pg_temp.err_detail(format('SELECT oms_api.decide_refund(%s, false, NULL)', :r)) - 'message',
	jsonb_build_object('sqlstate', 'OM002', 'refund_id', :r, 'approval', 'approved'),
	'OM002 refund already decided: refund_id, approval');
SELECT is(pg_temp.err_detail(format('SELECT * FROM oms_api.cancel_order(%s, %L)', :late, 'customer_request')) - 'message',
	jsonb_build_object('sqlstate', 'OM002', 'rule', 'already_pending', 'order_no', :late, 'cancellation_id', :c),
	'OM002 a cancellation already waiting: order_no, cancellation_id');
SELECT * FROM oms_api.decide_cancellation(:c, true, NULL);
SELECT is(pg_temp.err_detail(format('SELECT * FROM oms_api.decide_cancellation(%s, true, NULL)', :c)) - 'message',
	jsonb_build_object('sqlstate', 'OM002', 'cancellation_id', :c, 'state', 'done'),
	'OM002 cancellation already decided: cancellation_id, state');
SELECT is(pg_temp.err_detail(format('SELECT * FROM oms_api.cancel_order(%s, %L)', :late, 'customer_request')),
	jsonb_build_object('sqlstate', 'OM002', 'rule', 'already_cancelled', 'order_no', :late,
	                   'message', format('order %s is already cancelled', :late)),
	'OM002 already cancelled: order_no; the message as before');
RESET SESSION AUTHORIZATION;

-- BR-022 from the cancellation verdict, with the window's close time
SET SESSION AUTHORIZATION t_ful1;
SELECT oms_api.mark_shipped(:o, 'Local', 'TRK-22') AS ship \gset
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_csr;
SELECT is(pg_temp.detail(format('SELECT * FROM oms_api.cancel_order(%s, %L)', :o, 'customer_request')),
	jsonb_build_object('rule', 'BR-022', 'order_no', :o, 'status', 'SHIPPED',
	                   'window_closes_at', (SELECT placed_at + interval '1 hour' FROM oms.orders WHERE order_no = :o)),
	'BR-022 (verdict): rule, order_no, status, window_closes_at');
-- the limits and BR-023 (22023)
SELECT is(pg_temp.err_detail(format('SELECT * FROM oms_api.cancel_order(%s, %L, %L)', :fresh, 'customer_request',
	                                    repeat('é', 10001))) - 'message',
	jsonb_build_object('sqlstate', '22023', 'rule', 'text_limit', 'field', 'a note', 'limit', 10000, 'length', 10001),
	'22023 text limit: field, limit, length (characters)');
SELECT is(pg_temp.detail(format('SELECT * FROM oms_api.cancel_order(%s, %L)', :fresh, 'no_such_reason')),
	jsonb_build_object('rule', 'BR-023', 'field', 'reason', 'reason_code', 'no_such_reason'),
	'BR-023 unknown reason (22023): field, reason_code');
SELECT is(pg_temp.detail(format('SELECT * FROM oms_api.cancel_order(%s, %L)', :fresh, 'other')),
	jsonb_build_object('rule', 'BR-023', 'field', 'note', 'reason_code', 'other'),
	'BR-023 a reason that needs a note (22023): field, reason_code');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_admin;
SELECT is(pg_temp.detail(format('SELECT * FROM oms_api.cancel_order(%s, %L, NULL, %L)', :fresh, 'customer_request', 'because')),
	jsonb_build_object('rule', 'BR-026', 'order_no', :fresh, 'verdict', 'allowed',
	                   'window_closes_at', (SELECT placed_at + interval '1 hour' FROM oms.orders WHERE order_no = :fresh)),
	'BR-026 no override needed (22023): order_no, verdict, window_closes_at');
RESET SESSION AUTHORIZATION;

-- checkout: BR-001, BR-002, BR-004, BR-005
SELECT is(pg_temp.detail(format('SELECT oms_api.place_checkout(%s, %s, %L)', :cust, :addr, '[]')),
	'{"rule": "BR-001", "min": 1, "count": 0}'::jsonb, 'BR-001: min, count');
SELECT is(pg_temp.detail(format('SELECT oms_api.place_checkout(%s, %s, %L)', :cust, :addr,
	(SELECT jsonb_agg(jsonb_build_object('item_id', :item_a1, 'qty', 1)) FROM generate_series(1, 101)))),
	'{"rule": "BR-002", "limit": 100, "count": 101}'::jsonb, 'BR-002: limit (policy max_order_items), count');
SELECT is(pg_temp.detail(format('SELECT oms_api.place_checkout(%s, %s, %L)', -1, :addr,
	jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)))),
	'{"rule": "BR-004", "customer_id": -1}'::jsonb, 'BR-004: customer_id');
SELECT is(pg_temp.detail(format('SELECT oms_api.place_checkout(%s, %s, %L)', :cust, :addr,
	jsonb_build_array(jsonb_build_object('item_id', :item_off, 'qty', 1)))),
	jsonb_build_object('rule', 'BR-005', 'item_ids', jsonb_build_array(:item_off)), 'BR-005: item_ids');

-- checkout line validation (22023) and BR-003/BR-005 facts
SELECT is(pg_temp.err_detail(format('SELECT oms_api.place_checkout(%s, %s, %L)', :cust, -1,
	jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)))) - 'message',
	jsonb_build_object('sqlstate', '22023', 'rule', 'address_mismatch', 'field', 'address_id', 'address_id', -1,
	                   'customer_id', :cust),
	'22023 address_mismatch: field, address_id, customer_id');
SELECT is(pg_temp.detail(format('SELECT oms_api.place_checkout(%s, %s, %L)', :cust, :addr,
	jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1), jsonb_build_object('item_id', :item_a2, 'qty', 0),
	                  jsonb_build_object('qty', 1)))),
	'{"rule": "bad_lines", "lines": [2, 3]}'::jsonb, 'bad_lines (checkout): lines (1-based positions)');
SELECT is(pg_temp.detail(format('SELECT oms_api.place_checkout(%s, %s, %L)', :cust, :addr,
	jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 600), jsonb_build_object('item_id', :item_a1, 'qty', 400)))),
	jsonb_build_object('rule', 'max_line_qty', 'limit', 999, 'item_ids', jsonb_build_array(:item_a1)),
	'max_line_qty: limit, item_ids');
SELECT is(pg_temp.detail(format('SELECT oms_api.place_checkout(%s, %s, %L, %L)', :cust, :addr,
	jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)), 'EUR')),
	jsonb_build_object('rule', 'currency_mismatch', 'currency', 'EUR', 'item_ids', jsonb_build_array(:item_a1)),
	'currency_mismatch: currency, item_ids');
UPDATE oms.policy SET value = '5000' WHERE key = 'max_order_total_minor';
SELECT is(pg_temp.detail(format('SELECT oms_api.place_checkout(%s, %s, %L)', :cust, :addr,
	jsonb_build_array(jsonb_build_object('item_id', :item_b1, 'qty', 3)))),
	'{"rule": "max_order_total_minor", "limit": 5000, "currency": "USD"}'::jsonb,
	'max_order_total_minor: limit, currency');
UPDATE oms.policy SET value = '10000000' WHERE key = 'max_order_total_minor';

-- the status guard: order_no, from, to
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)), false) AS unpaid \gset
SELECT is(pg_temp.err_detail(format('UPDATE oms.orders SET status = %L WHERE order_no = %s', 'DELIVERED', :unpaid)) - 'message',
	jsonb_build_object('sqlstate', 'OM001', 'rule', 'BR-013', 'order_no', :unpaid, 'from', 'PENDING', 'to', 'DELIVERED'),
	'status guard (BR-013 no such transition): order_no, from, to');
SELECT is(pg_temp.detail(format('UPDATE oms.orders SET status = %L WHERE order_no = %s', 'CONFIRMED', :unpaid)),
	jsonb_build_object('rule', 'BR-011', 'order_no', :unpaid, 'from', 'PENDING', 'to', 'CONFIRMED',
	                   'total_minor', (SELECT total_minor FROM oms.orders WHERE order_no = :unpaid), 'currency', 'USD'),
	'status guard BR-011: order_no, from, to, total_minor, currency');

-- payments (worker, csr) and shipping
SET SESSION AUTHORIZATION t_worker;
SELECT is(pg_temp.detail(format('SELECT oms_api.confirm_payment(%s, %L, %s, %L)', :unpaid, 'pay_x1', 1, 'USD')),
	jsonb_build_object('rule', 'BR-011', 'order_no', :unpaid, 'provider_ref', 'pay_x1', 'amount_minor', 1,
	                   'total_minor', (SELECT total_minor FROM oms.orders WHERE order_no = :unpaid), 'currency', 'USD'),
	'BR-011 amount (confirm_payment): order_no, provider_ref, amount_minor, total_minor, currency');
SELECT is(pg_temp.err_detail(format('SELECT oms_api.confirm_payment(%s, %L, %s)', :fresh, 'pay_x2', 1)) - 'message',
	jsonb_build_object('sqlstate', 'OM002', 'rule', 'payment_verified', 'order_no', :fresh),
	'OM002 payment_verified: order_no');
SELECT is(pg_temp.err_detail(format('SELECT oms_api.record_tracking_event(%L, %L, NULL, NULL, NULL)', 'NO-SUCH', 'in_transit')) - 'message',
	jsonb_build_object('sqlstate', 'P0002', 'rule', 'shipment_not_found', 'tracking_no', 'NO-SUCH'),
	'P0002 shipment_not_found: tracking_no');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_csr;
SELECT is(pg_temp.detail(format('SELECT oms_api.attach_payment(%s, %L)', :fresh, 'pay_x3')),
	jsonb_build_object('rule', 'BR-011', 'order_no', :fresh, 'payment_status', 'verified', 'provider_ref', 'pay_x3'),
	'BR-011 (attach_payment): order_no, payment_status, provider_ref');
SELECT is(pg_temp.err_detail(format('SELECT oms_api.attach_payment(%s, %L)', 99999997, 'pay_x3')) - 'message',
	jsonb_build_object('sqlstate', 'P0002', 'rule', 'order_not_found', 'order_no', 99999997),
	'P0002 order_not_found: order_no');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_ful1;
SELECT is(pg_temp.detail(format('SELECT oms_api.mark_shipped(%s, %L, %L)', :unpaid, 'Local', 'TRK-23')),
	jsonb_build_object('rule', 'BR-011', 'order_no', :unpaid, 'status', 'PENDING'),
	'BR-011 (mark_shipped): order_no, status');
SELECT is(pg_temp.detail(format('SELECT oms_api.mark_shipped(%s, %L, %L)', :unpaid, 'Local', '')),
	jsonb_build_object('rule', 'BR-012', 'order_no', :unpaid, 'field', 'tracking_no'),
	'BR-012 no tracking number: order_no, field');
SELECT is(pg_temp.detail(format('SELECT oms_api.mark_shipped(%s, %L, %L)', :late, 'Local', 'TRK-24')),
	jsonb_build_object('rule', 'BR-015', 'order_no', :late, 'status', 'CANCELLED'),
	'BR-015 (mark_shipped): order_no, status');
SELECT is(pg_temp.err_detail(format('SELECT oms_api.mark_shipped(%s, %L, %L)', :o, 'Local', 'TRK-25')) - 'message',
	jsonb_build_object('sqlstate', 'OM002', 'rule', 'order_status', 'order_no', :o, 'status', 'SHIPPED'),
	'OM002 order_status: order_no, status');
SELECT is(pg_temp.detail(format('SELECT oms_api.mark_shipped(%s, %L, %L)', :fresh, 'Local', 'TRK-22')),
	jsonb_build_object('rule', 'BR-012', 'order_no', :fresh, 'tracking_no', 'TRK-22'),
	'BR-012 tracking number in use (22023): order_no, tracking_no');
RESET SESSION AUTHORIZATION;

-- outbox jobs
SELECT id AS job FROM oms.outbox WHERE status <> 'dead' ORDER BY id LIMIT 1 \gset
SET SESSION AUTHORIZATION t_admin;
SELECT is(pg_temp.err_detail('SELECT oms_api.outbox_requeue(-5)') - 'message',
	'{"sqlstate": "P0002", "rule": "job_not_found", "job_id": -5}'::jsonb, 'P0002 job_not_found: job_id');
SELECT is(pg_temp.err_detail(format('SELECT oms_api.outbox_requeue(%s)', :job)) - 'message',
	jsonb_build_object('sqlstate', 'OM002', 'rule', 'job_state', 'job_id', :job,
	                   'status', (SELECT status FROM oms.outbox WHERE id = :job), 'expected', 'dead'),
	'OM002 job_state: job_id, status, expected');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_worker;
SELECT is(pg_temp.detail(format('SELECT oms_api.outbox_release(%s, -1, NULL)', :job)),
	'{"rule": "out_of_range", "field": "delay_ms", "value": -1, "min": 0, "max": 86400000}'::jsonb,
	'out_of_range: field, value, min, max');
RESET SESSION AUTHORIZATION;

-- administration: policies, reasons, alerts
SET SESSION AUTHORIZATION t_admin;
SELECT is(pg_temp.err_detail($$SELECT oms_api.policy_set('no_such', '1')$$) - 'message',
	'{"sqlstate": "P0002", "rule": "policy_not_found", "key": "no_such"}'::jsonb, 'P0002 policy_not_found: key');
SELECT is(pg_temp.detail($$SELECT oms_api.policy_set('max_line_qty', 'lots')$$),
	'{"rule": "policy_value", "key": "max_line_qty", "value": "lots", "allowed": {"form": "integer", "min": 1, "max": 1000000}}'::jsonb,
	'policy_value: key, value, allowed');
SELECT is(pg_temp.detail($$SELECT oms_api.reason_add('X', 'Label', false)$$),
	'{"rule": "reason_code_format", "field": "code", "value": "X", "min": 2, "max": 40}'::jsonb,
	'reason_code_format: field, value, min, max');
SELECT is(pg_temp.detail($$SELECT oms_api.reason_add('t_new', ' ', false)$$),
	'{"rule": "required", "field": "label", "code": "t_new"}'::jsonb, 'required: field');
SELECT is(pg_temp.err_detail($$SELECT oms_api.reason_add('customer_request', 'Again', false)$$) - 'message',
	'{"sqlstate": "OM002", "rule": "reason_exists", "code": "customer_request", "active": true}'::jsonb,
	'OM002 reason_exists: code, active');
SELECT is(pg_temp.err_detail($$SELECT oms_api.reason_retire('no_such_reason')$$) - 'message',
	'{"sqlstate": "P0002", "rule": "reason_not_found", "code": "no_such_reason"}'::jsonb, 'P0002 reason_not_found: code');
SELECT oms_api.reason_add('t_tmp', 'Temporary', false);
SELECT oms_api.reason_retire('t_tmp');
SELECT is(pg_temp.err_detail($$SELECT oms_api.reason_retire('t_tmp')$$) - 'message',
	'{"sqlstate": "OM002", "rule": "reason_retired", "code": "t_tmp", "active": false}'::jsonb,
	'OM002 reason_retired: code, active');
SELECT is(pg_temp.err_detail($$SELECT oms_api.reason_restore('customer_request')$$) - 'message',
	'{"sqlstate": "OM002", "rule": "reason_active", "code": "customer_request", "active": true}'::jsonb,
	'OM002 reason_active: code, active');
SELECT is(pg_temp.err_detail($$SELECT oms_api.alert_resolve(-7, 'done')$$) - 'message',
	'{"sqlstate": "P0002", "rule": "alert_not_found", "alert_id": -7}'::jsonb, 'P0002 alert_not_found: alert_id');
RESET SESSION AUTHORIZATION;
SELECT oms.raise_alert('ledger_overdrawn', NULL, NULL, '{}');
SELECT max(id) AS alert FROM oms.alert \gset
SET SESSION AUTHORIZATION t_admin;
SELECT oms_api.alert_resolve(:alert, 'looked at it');
SELECT is(pg_temp.err_detail(format('SELECT oms_api.alert_resolve(%s, %L)', :alert, 'again')) - 'message',
	jsonb_build_object('sqlstate', 'OM002', 'rule', 'alert_resolved', 'alert_id', :alert,
	                   'resolved_at', (SELECT resolved_at FROM oms.alert WHERE id = :alert)),
	'OM002 alert_resolved: alert_id, resolved_at');
SELECT is(pg_temp.err_detail('SELECT * FROM oms_api.jobs(''nope'')') - 'message',
	'{"sqlstate": "22023", "rule": "unknown_status", "field": "status", "value": "nope", "allowed": ["ready", "running", "done", "dead"]}'::jsonb,
	'unknown_status: field, value, allowed');
RESET SESSION AUTHORIZATION;

-- Every OM001 raised through oms.refuse carries its rule id, whatever the caller passes.
SELECT is(pg_temp.detail($$SELECT oms.refuse('BR-099: test')$$), '{"rule": "BR-099"}'::jsonb,
	'oms.refuse(text): {"rule": ...} from the message');
SELECT is(pg_temp.detail($$SELECT oms.refuse('BR-099: test', '{"n": 1, "x": null}')$$), '{"rule": "BR-099", "n": 1}'::jsonb,
	'oms.refuse(text, jsonb): the rule id added, NULL values dropped');
SELECT is(pg_temp.err_detail($$SELECT oms.refuse('BR-099: test', '{}')$$) ->> 'sqlstate', 'OM001',
	'oms.refuse raises OM001');
SELECT * FROM finish();
ROLLBACK;
