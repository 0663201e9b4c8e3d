-- Report summaries (issue 10, sql/0020): after every kind of change the API
-- allows (place, pay, fail a payment, confirm, ship, carrier scans up to
-- delivery and a delivery exception, stuck sweep, cancel whole and lines,
-- immediate and approved and rejected, refund request/approve/execute/fail,
-- a damaged return, an order moved to another day), the summary rows equal
-- a full recompute from the base tables written here independently, and
-- oms_api.report_verify() finds no difference; folding changes no figure.
BEGIN;
\ir fixture.psql
SELECT plan(79);

-- Every comparison at once: 6 assertions.
CREATE FUNCTION pg_temp.check(p_when text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
BEGIN
	RETURN NEXT is_empty('SELECT * FROM oms_api.report_verify()', p_when || ': report_verify finds no difference');
	RETURN NEXT results_eq(
		$q$SELECT day, seller_id, status, currency::text, sum(orders)::bigint, sum(total_minor)::bigint
		   FROM oms.report_day GROUP BY 1, 2, 3, 4 HAVING sum(orders) <> 0 ORDER BY 1, 2, 3, 4$q$,
		$q$SELECT (placed_at AT TIME ZONE 'UTC')::date, seller_id, status, currency::text, count(*), sum(total_minor)::bigint
		   FROM oms.orders GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4$q$,
		p_when || ': orders and value per day, seller, status equal the orders table');
	RETURN NEXT results_eq(
		$q$SELECT day, seller_id, sum(confirmed)::bigint, sum(shipped)::bigint, sum(in_time)::bigint,
		          sum(delivered)::bigint, sum(with_estimate)::bigint, sum(on_time)::bigint,
		          round(sum(process_secs), 3), round(sum(ship_secs), 3), round(sum(transit_secs), 3)
		   FROM oms.report_day GROUP BY 1, 2 HAVING sum(orders) <> 0 ORDER BY 1, 2$q$,
		$q$SELECT (o.placed_at AT TIME ZONE 'UTC')::date, o.seller_id, count(o.confirmed_at), count(o.shipped_at),
		          count(*) FILTER (WHERE o.shipped_at <= o.confirmed_at + interval '1 day'),
		          count(o.delivered_at),
		          count(*) FILTER (WHERE o.delivered_at IS NOT NULL AND s.estimated_delivery IS NOT NULL),
		          count(*) FILTER (WHERE (o.delivered_at AT TIME ZONE 'UTC')::date <= s.estimated_delivery),
		          round(coalesce(sum(extract(epoch FROM o.confirmed_at) - extract(epoch FROM o.placed_at)), 0), 3),
		          round(coalesce(sum(extract(epoch FROM o.shipped_at) - extract(epoch FROM o.confirmed_at)), 0), 3),
		          round(coalesce(sum(extract(epoch FROM o.delivered_at) - extract(epoch FROM o.shipped_at)), 0), 3)
		   FROM oms.orders o
		   LEFT JOIN (SELECT DISTINCT ON (order_id) order_id, estimated_delivery FROM oms.shipment
		              ORDER BY order_id, shipped_at DESC, id DESC) s ON s.order_id = o.id
		   GROUP BY 1, 2 ORDER BY 1, 2$q$,
		p_when || ': fulfilment counts and times per day and seller equal the orders and shipments');
	RETURN NEXT results_eq(
		$q$SELECT day, seller_id, sum(exceptions)::bigint, sum(stuck)::bigint, sum(inaccurate)::bigint
		   FROM oms.report_day GROUP BY 1, 2 HAVING sum(orders) <> 0 ORDER BY 1, 2$q$,
		$q$SELECT (o.placed_at AT TIME ZONE 'UTC')::date, o.seller_id,
		          count(*) FILTER (WHERE o.status = 'DELIVERY_EXCEPTION' OR o.id IN (
		              SELECT s.order_id FROM oms.shipment s, oms.shipment_event e
		              WHERE e.shipment_id = s.id AND e.status IN ('failure', 'return_to_sender'))),
		          count(*) FILTER (WHERE o.id IN (SELECT order_id FROM oms.shipment WHERE flagged)),
		          count(*) FILTER (WHERE o.confirmed_at IS NOT NULL AND (
		              o.id IN (SELECT order_id FROM oms.cancellation WHERE reason_code = 'out_of_stock' AND state = 'done')
		              OR o.id IN (SELECT rr.order_id FROM oms.return_request rr, oms.return_item ri
		                          WHERE ri.return_id = rr.id AND ri.condition IN ('damaged', 'defective'))))
		   FROM oms.orders o GROUP BY 1, 2 ORDER BY 1, 2$q$,
		p_when || ': exceptions, stuck and inaccurate orders per day and seller equal the base tables');
	RETURN NEXT results_eq(
		$q$SELECT day, seller_id, reason_code, who, scope, state, sum(n)::bigint, sum(units)::bigint
		   FROM oms.report_cancel_day GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4, 5, 6$q$,
		$q$SELECT (c.requested_at AT TIME ZONE 'UTC')::date, o.seller_id, c.reason_code,
		          CASE WHEN c.override_reason IS NOT NULL THEN 'admin_override' ELSE coalesce(st.role, 'other') END,
		          c.scope, c.state, count(*),
		          coalesce(sum((SELECT sum(qty) FROM oms.cancellation_line l WHERE l.cancellation_id = c.id)), 0)::bigint
		   FROM oms.cancellation c JOIN oms.orders o ON o.id = c.order_id
		   LEFT JOIN oms.staff st ON st.login = c.requested_by
		   GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6$q$,
		p_when || ': cancellations per day, seller, reason, requester, scope, state equal the cancellations');
	RETURN NEXT results_eq(
		$q$SELECT day, seller_id, currency::text, approval, status, sum(n)::bigint, sum(amount_minor)::bigint,
		          sum(exec_n)::bigint, round(sum(exec_secs), 3)
		   FROM oms.report_refund_day GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4, 5$q$,
		$q$SELECT (r.created_at AT TIME ZONE 'UTC')::date, o.seller_id, r.currency::text, r.approval, r.status,
		          count(*), sum(r.amount_minor)::bigint, count(r.executed_at),
		          round(coalesce(sum(extract(epoch FROM r.executed_at) - extract(epoch FROM r.created_at)), 0), 3)
		   FROM oms.refund r JOIN oms.orders o ON o.id = r.order_id
		   GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5$q$,
		p_when || ': refunds per day, seller, approval, gateway status equal the refund ledger');
END
$$;

SELECT pg_temp.check('before any change');

-- place: paid (CONFIRMED) and unpaid (PENDING), both sellers in one checkout
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 3),
                                           jsonb_build_object('item_id', :item_a2, 'qty', 2))) AS o1 \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_b1, 'qty', 1)), false) AS o2 \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1),
                                           jsonb_build_object('item_id', :item_b1, 'qty', 1))) AS o3 \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)), false) AS o4 \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a2, 'qty', 4))) AS o5 \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 2))) AS o6 \gset
SELECT pg_temp.check('placed');

-- pay: the worker confirms o2's payment; o4's fails
SET SESSION AUTHORIZATION t_csr;
SELECT oms_api.attach_payment(:o2, 'pay_sum_2');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_worker;
SELECT oms_api.confirm_payment(:o2, 'pay_sum_2', (SELECT total_minor FROM oms.orders WHERE order_no = :o2));
SELECT pg_temp.err(format('SELECT oms_api.payment_failed(%s, %L)', :o4, 'card declined'));
RESET SESSION AUTHORIZATION;
SELECT pg_temp.check('paid and payment failed');

-- ship (fulfilment), scans to delivery, a delivery exception, a stuck parcel
SET SESSION AUTHORIZATION t_ful1;
SELECT oms_api.mark_shipped(:o1, 'Local', 'SUM-TRK-1');
SELECT oms_api.mark_shipped(:o3, 'Local', 'SUM-TRK-3');
SELECT oms_api.mark_shipped(:o6, 'UPS', '1ZSUMSTUCK00000006');
RESET SESSION AUTHORIZATION;
SELECT pg_temp.check('shipped');
SET SESSION AUTHORIZATION t_worker;
SELECT oms_api.record_tracking_event('SUM-TRK-1', 'in_transit', now() - interval '2 hours', 'Memphis, TN', NULL);
SELECT oms_api.record_tracking_event('SUM-TRK-1', 'out_for_delivery', now() - interval '1 hour', 'Springfield, IL', NULL);
SELECT oms_api.record_tracking_event('SUM-TRK-1', 'delivered', now(), 'Springfield, IL', NULL);
SELECT oms_api.record_tracking_event('SUM-TRK-3', 'failure', now(), 'Springfield, IL', 'Nobody home');
RESET SESSION AUTHORIZATION;
UPDATE oms.shipment SET shipped_at = now() - interval '5 days', last_event_at = NULL WHERE tracking_no = '1ZSUMSTUCK00000006';
SET SESSION AUTHORIZATION t_admin;
SELECT is(oms_api.flag_stuck_shipments(), 1, 'the sweep flags the silent parcel');
RESET SESSION AUTHORIZATION;
SELECT pg_temp.check('delivered, exception, stuck');

-- cancel: o5 one line for stock reasons (CSR, in the window), o2 whole
-- (seller), o5 needs approval after the window and is rejected, o4 (pending)
-- whole by the customer's request
SET SESSION AUTHORIZATION t_csr;
SELECT * FROM oms_api.cancel_lines(:o5, '[{"line_no": 1, "qty": 1}]', 'out_of_stock');
SELECT * FROM oms_api.cancel_order(:o4, 'customer_request');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_ful2;
SELECT * FROM oms_api.cancel_order(:o2, 'out_of_stock');
RESET SESSION AUTHORIZATION;
SELECT pg_temp.check('cancelled whole and lines');
SELECT pg_temp.age_order(:o5, interval '3 hours');
SET SESSION AUTHORIZATION t_csr;
SELECT cancellation_id AS c5 FROM oms_api.cancel_lines(:o5, '[{"line_no": 1, "qty": 1}]', 'duplicate_order') \gset
RESET SESSION AUTHORIZATION;
SELECT pg_temp.check('a cancellation waits for approval, its order placed 3 hours earlier');
SET SESSION AUTHORIZATION t_admin;
SELECT * FROM oms_api.decide_cancellation(:c5, false, 'keep it');
RESET SESSION AUTHORIZATION;
SELECT pg_temp.check('the cancellation is rejected');

-- refunds: requested (awaiting approval), approved, executed, failed
SET SESSION AUTHORIZATION t_csr;
SELECT oms_api.request_refund(:o1, 700, 'goodwill') AS r1 \gset
SELECT oms_api.request_refund(:o6, 300, 'goodwill') AS r6 \gset
RESET SESSION AUTHORIZATION;
SELECT pg_temp.check('refunds requested');
SET SESSION AUTHORIZATION t_admin;
SELECT oms_api.decide_refund(:r1, true, NULL);
SELECT oms_api.decide_refund(:r6, true, NULL);
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_worker;
SELECT oms_api.refund_result(:r1, 'succeeded', 're_sum_1', NULL);
SELECT oms_api.refund_result(:r6, 'failed', NULL, 'bank rejected');
RESET SESSION AUTHORIZATION;
SELECT pg_temp.check('refunds approved, executed and failed');

-- a return of a damaged item (no API yet: as the owner) and an order moved
-- to an earlier day
INSERT INTO oms.return_request (order_id, reason) SELECT id, 'arrived broken' FROM oms.orders WHERE order_no = :o1
	RETURNING id AS ret \gset
INSERT INTO oms.return_item (return_id, order_item_id, qty, condition)
	SELECT :ret, i.id, 1, 'damaged' FROM oms.order_item i JOIN oms.orders o ON o.id = i.order_id
	WHERE o.order_no = :o1 AND i.line_no = 1;
SELECT pg_temp.age_order(:o6, interval '40 days');
SELECT pg_temp.check('damaged return, an order moved 40 days back');

-- folding the delta rows changes no figure and leaves one row per key
SET SESSION AUTHORIZATION t_admin;
SELECT cmp_ok(oms_api.report_fold(), '>', 0::bigint, 'report_fold merges delta rows');
RESET SESSION AUTHORIZATION;
SELECT is_empty($$SELECT day, seller_id, currency, status FROM oms.report_day GROUP BY 1, 2, 3, 4 HAVING count(*) > 1$$,
	'after the fold: one row per key');
SELECT pg_temp.check('folded');
-- who cancelled is the requester's role when they cancelled: t_csr (who
-- cancelled o4 whole and o5's lines) becomes an analyst; report_verify
-- finds no difference, the summaries and the report still count those
-- cancellations as the CSR's, and so does a rebuild from the base tables
CREATE TEMP TABLE who_before AS
	SELECT day, seller_id, reason_code, who, scope, state, sum(n)::bigint AS n
	FROM oms.report_cancel_day GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0;
UPDATE oms.staff SET role = 'analyst' WHERE login = 't_csr';
SELECT is_empty('SELECT * FROM oms_api.report_verify()',
	'a requester made analyst after cancelling: report_verify finds no difference');
SELECT results_eq(
	$q$SELECT day, seller_id, reason_code, who, scope, state, sum(n)::bigint FROM oms.report_cancel_day
	   GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4, 5, 6$q$,
	'SELECT * FROM who_before ORDER BY 1, 2, 3, 4, 5, 6',
	'their cancellations still count as a CSR''s');
SET SESSION AUTHORIZATION t_admin;
SELECT is((SELECT sum(cancelled + pending + rejected)::int FROM oms_api.report_cancellations(NULL, NULL)
           WHERE requested_by_role = 'csr'),
	(SELECT count(*)::int FROM oms.cancellation WHERE requested_by = 't_csr'),
	'the cancellations report lists them under csr');
RESET SESSION AUTHORIZATION;
SELECT oms.report_rebuild();
SELECT results_eq(
	$q$SELECT day, seller_id, reason_code, who, scope, state, sum(n)::bigint FROM oms.report_cancel_day
	   GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4, 5, 6$q$,
	'SELECT * FROM who_before ORDER BY 1, 2, 3, 4, 5, 6',
	'and after a rebuild from the base tables');
UPDATE oms.staff SET role = 'csr' WHERE login = 't_csr';

SELECT * FROM finish();
ROLLBACK;
