-- Demo data, step 7: audit trail (the order card's timeline) for the orders
-- of customers 1 and 2, as the triggers of 0003 would have written it had
-- the history gone through oms_api: who (a person, 'worker', or the
-- carrier), which API function, which row, what changed. Other generated
-- orders have no audit rows (loading millions of them is not worth the time).

SET client_min_messages = warning;
SET jit = off;
SET session_replication_role = replica;

CREATE TABLE oms_demo.audit_order AS
SELECT id FROM oms.orders WHERE customer_id IN (1, 2);

CREATE FUNCTION oms_demo.staff_name(p_login text) RETURNS text
LANGUAGE sql STABLE
RETURN (SELECT CASE WHEN role = 'worker' THEN 'worker' ELSE full_name END FROM oms.staff WHERE login = p_login);

INSERT INTO oms.audit_log (at, db_user, staff_name, action, table_name, row_pk, order_id, op, old, new, txid)
-- txid: one per moment, so the order card groups what one call changed
SELECT e.at, e.db_user, e.staff_name, e.action, e.table_name, e.row_pk, e.order_id, e.op, e.old, e.new,
       (extract(epoch FROM e.at) * 1000)::bigint
FROM (
	-- placed (through the web shop)
	SELECT o.placed_at AS at, 'web' AS db_user, NULL::text AS staff_name, 'place_checkout' AS action, 'orders' AS table_name,
	       o.id::text AS row_pk, o.id AS order_id, 'INSERT' AS op, NULL::jsonb AS old,
	       jsonb_build_object('id', o.id, 'order_no', o.order_no, 'status', 'PENDING', 'seller_id', o.seller_id,
	                          'customer_id', o.customer_id, 'total_minor', o.total_minor, 'currency', o.currency) AS new,
	       1 AS seq
	FROM oms.orders o JOIN oms_demo.audit_order a USING (id)
	UNION ALL
	-- payment verified, order confirmed (the worker)
	SELECT p.verified_at, 'demo_worker', 'worker', 'confirm_payment', 'payment', p.id::text, p.order_id, 'UPDATE',
	       jsonb_build_object('status', 'pending', 'verified_at', NULL),
	       jsonb_build_object('status', 'verified', 'verified_at', p.verified_at), 2
	FROM oms.payment p JOIN oms_demo.audit_order a ON a.id = p.order_id WHERE p.verified_at IS NOT NULL
	UNION ALL
	SELECT o.confirmed_at, 'demo_worker', 'worker', 'confirm_payment', 'orders', o.id::text, o.id, 'UPDATE',
	       jsonb_build_object('status', 'PENDING', 'confirmed_at', NULL),
	       jsonb_build_object('status', 'CONFIRMED', 'confirmed_at', o.confirmed_at), 3
	FROM oms.orders o JOIN oms_demo.audit_order a USING (id) WHERE o.confirmed_at IS NOT NULL
	UNION ALL
	-- shipped by the seller's fulfilment person
	SELECT s.shipped_at, f.login, oms_demo.staff_name(f.login), 'mark_shipped', 'shipment', s.id::text, s.order_id, 'INSERT',
	       NULL, jsonb_build_object('id', s.id, 'carrier', s.carrier, 'tracking_no', s.tracking_no,
	                                'service_level', s.service_level), 4
	FROM oms.shipment s JOIN oms_demo.audit_order a ON a.id = s.order_id
	JOIN oms.orders o ON o.id = s.order_id
	JOIN oms_demo.ful f ON f.seller_id = o.seller_id
	UNION ALL
	SELECT s.shipped_at, f.login, oms_demo.staff_name(f.login), 'mark_shipped', 'orders', o.id::text, o.id, 'UPDATE',
	       jsonb_build_object('status', 'CONFIRMED', 'shipped_at', NULL),
	       jsonb_build_object('status', 'SHIPPED', 'shipped_at', s.shipped_at), 5
	FROM oms.shipment s JOIN oms_demo.audit_order a ON a.id = s.order_id
	JOIN oms.orders o ON o.id = s.order_id
	JOIN oms_demo.ful f ON f.seller_id = o.seller_id
	UNION ALL
	-- carrier scans (the carrier is the actor)
	SELECT e.at, 'demo_worker', s.carrier, 'record_tracking_event', 'shipment_event', e.id::text, s.order_id, 'INSERT',
	       NULL, jsonb_build_object('status', e.status, 'location', e.location, 'description', e.description), 6
	FROM oms.shipment_event e JOIN oms.shipment s ON s.id = e.shipment_id
	JOIN oms_demo.audit_order a ON a.id = s.order_id
	UNION ALL
	-- and the order status changes they caused
	SELECT x.at, 'demo_worker', x.carrier, 'record_tracking_event', 'orders', x.order_id::text, x.order_id, 'UPDATE',
	       jsonb_build_object('status', x.prev), jsonb_build_object('status', x.st), 7
	FROM (
		SELECT y.*, coalesce(lag(y.st) OVER (PARTITION BY y.order_id ORDER BY y.at, y.id), 'SHIPPED') AS prev
		FROM (
			SELECT e.at, e.id, s.order_id, s.carrier,
			       CASE e.status WHEN 'in_transit' THEN 'IN_TRANSIT' WHEN 'out_for_delivery' THEN 'OUT_FOR_DELIVERY'
			                     WHEN 'failure' THEN 'DELIVERY_EXCEPTION' WHEN 'delivered' THEN 'DELIVERED' END AS st
			FROM oms.shipment_event e JOIN oms.shipment s ON s.id = e.shipment_id
			JOIN oms_demo.audit_order a ON a.id = s.order_id
			WHERE e.status <> 'pre_transit'
		) y
	) x
	WHERE x.st IS DISTINCT FROM x.prev
	UNION ALL
	-- stuck parcels flagged by the worker's sweep
	SELECT s.flagged_at, 'demo_worker', 'worker', 'flag_stuck_shipments', 'shipment', s.id::text, s.order_id, 'UPDATE',
	       jsonb_build_object('flagged', false), jsonb_build_object('flagged', true, 'flagged_at', s.flagged_at), 6
	FROM oms.shipment s JOIN oms_demo.audit_order a ON a.id = s.order_id WHERE s.flagged
	UNION ALL
	-- cancellations: the request, the decision, the status change
	SELECT c.requested_at, c.requested_by, oms_demo.staff_name(c.requested_by), 'cancel_order', 'cancellation', c.id::text,
	       c.order_id, 'INSERT', NULL,
	       jsonb_build_object('id', c.id, 'scope', c.scope, 'reason_code', c.reason_code, 'note', c.note,
	                          'state', CASE WHEN c.decided_at = c.requested_at THEN c.state ELSE 'pending_approval' END,
	                          'within_window', c.within_window), 8
	FROM oms.cancellation c JOIN oms_demo.audit_order a ON a.id = c.order_id
	UNION ALL
	SELECT c.decided_at, c.decided_by, oms_demo.staff_name(c.decided_by), 'decide_cancellation', 'cancellation', c.id::text,
	       c.order_id, 'UPDATE', jsonb_build_object('state', 'pending_approval'),
	       jsonb_build_object('state', c.state, 'decision_note', c.decision_note, 'override_reason', c.override_reason), 9
	FROM oms.cancellation c JOIN oms_demo.audit_order a ON a.id = c.order_id
	WHERE c.decided_at > c.requested_at
	UNION ALL
	SELECT o.cancelled_at, c.decided_by, oms_demo.staff_name(c.decided_by),
	       CASE WHEN c.decided_at > c.requested_at THEN 'decide_cancellation' ELSE 'cancel_order' END,
	       'orders', o.id::text, o.id, 'UPDATE', jsonb_build_object('status', CASE WHEN o.confirmed_at IS NULL THEN 'PENDING' ELSE 'CONFIRMED' END),
	       jsonb_build_object('status', 'CANCELLED', 'cancelled_at', o.cancelled_at), 10
	FROM oms.orders o JOIN oms_demo.audit_order a USING (id)
	JOIN oms.cancellation c ON c.order_id = o.id AND c.state = 'done' AND c.scope = 'order'
	UNION ALL
	-- refunds: granted, then executed by the worker
	SELECT r.created_at, r.requested_by, oms_demo.staff_name(r.requested_by),
	       CASE WHEN r.cancellation_id IS NOT NULL THEN 'cancel_order' ELSE 'request_refund' END,
	       'refund', r.id::text, r.order_id, 'INSERT', NULL,
	       jsonb_build_object('id', r.id, 'amount_minor', r.amount_minor, 'currency', r.currency, 'reason', r.reason,
	                          'approval', r.approval, 'status', 'not_sent'), 11
	FROM oms.refund r JOIN oms_demo.audit_order a ON a.id = r.order_id
	UNION ALL
	SELECT coalesce(r.executed_at, r.created_at + interval '2 minutes'), 'demo_worker', 'worker', 'refund_result', 'refund',
	       r.id::text, r.order_id, 'UPDATE', jsonb_build_object('status', 'not_sent'),
	       jsonb_build_object('status', r.status, 'provider_refund_id', r.provider_refund_id, 'last_message', r.last_message), 12
	FROM oms.refund r JOIN oms_demo.audit_order a ON a.id = r.order_id
	WHERE r.status <> 'not_sent'
	UNION ALL
	-- returns
	SELECT r.created_at, r.created_by, oms_demo.staff_name(r.created_by), 'create_return', 'return_request', r.id::text,
	       r.order_id, 'INSERT', NULL, jsonb_build_object('id', r.id, 'reason', r.reason, 'status', 'requested', 'kind', r.kind), 13
	FROM oms.return_request r JOIN oms_demo.audit_order a ON a.id = r.order_id
) e
ORDER BY e.at, e.order_id, e.seq;

RESET session_replication_role;
