-- Structured refusals (issue 9): every business-rule refusal (OM001) and
-- the conflicts and invalid input a client words (OM002, 22023) carry a
-- DETAIL that is a JSON object with the rule id and the facts; the
-- message text stays as it was (psql users read it, clients never parse
-- it). The keys checked here are the contract of oms-schema(7) ERRORS.
BEGIN;
\ir fixture.psql
SELECT plan(20);
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
SELECT oms_api.mark_shipped(:o, 'UPS', 'TRK-22') AS ship \gset
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

-- checkout: BR-001, BR-002, BR-004, and the rule id alone where there are no numbers to give (BR-005)
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
	'{"rule": "BR-005"}'::jsonb, 'BR-005: the rule id');

-- Every OM001 raised through oms.refuse carries its rule id, whatever the caller passes.
SELECT is(pg_temp.detail($$SELECT oms.refuse('BR-099: test')$$), '{"rule": "BR-099"}'::jsonb,
	'oms.refuse(text): {"rule": ...} from the message');
SELECT is(pg_temp.detail($$SELECT oms.refuse('BR-099: test', '{"n": 1, "x": null}')$$), '{"rule": "BR-099", "n": 1}'::jsonb,
	'oms.refuse(text, jsonb): the rule id added, NULL values dropped');
SELECT is(pg_temp.err_detail($$SELECT oms.refuse('BR-099: test', '{}')$$) ->> 'sqlstate', 'OM001',
	'oms.refuse raises OM001');
SELECT * FROM finish();
ROLLBACK;
