-- 0009: what waits for a decision, and refunds as read by the clients.
--
-- pending_cancellations: cancellations in state pending_approval (a CSR or
-- an administrator asked after the window, BR-025), oldest first. Read
-- functions are SECURITY INVOKER, so row-level security decides who sees
-- what: a fulfilment login sees its own seller's, an administrator all.
-- CSRs may call it too and see every waiting cancellation (they read
-- oms.cancellation anyway): it tells them what is still undecided; they
-- cannot decide (decide_cancellation is for fulfilment and admins).
--
-- pending_refunds: refunds with approval 'pending' (discretionary and
-- partial refunds, BR-027), oldest first; decided by an administrator
-- (decide_refund). Same visibility: fulfilment its own seller's, CSR and
-- admin all.
--
-- refunds / refund_card: the refund ledger across orders and one refund,
-- so the clients read no table directly.

SET LOCAL ROLE oms_owner;
SET LOCAL search_path = oms, pg_catalog;

CREATE FUNCTION oms_api.pending_cancellations(p_limit int DEFAULT 50, p_after_id bigint DEFAULT NULL)
RETURNS TABLE (cancellation_id bigint, order_no bigint, seller_name text, status text,
               requested_at timestamptz, requested_by text, reason_code text, reason_label text,
               note text, refund_minor bigint, currency text)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = oms, pg_catalog, pg_temp
AS $$
SELECT c.id, o.order_no, s.name, o.status, c.requested_at, coalesce(rq.full_name, c.requested_by),
       c.reason_code, cr.label, c.note,
       -- what the customer gets back if it is approved now (as apply_cancellation)
       greatest(CASE WHEN c.scope = 'order' THEN oms.refundable_minor(o.id)
                     ELSE least(oms.refundable_minor(o.id),
                                (SELECT coalesce(sum(cl.qty * i.unit_price_minor), 0)
                                 FROM oms.cancellation_line cl JOIN oms.order_item i ON i.id = cl.order_item_id
                                 WHERE cl.cancellation_id = c.id)) END, 0),
       o.currency::text
FROM oms.cancellation c
JOIN oms.orders o ON o.id = c.order_id
JOIN oms.seller s ON s.id = o.seller_id
JOIN oms.cancellation_reason cr ON cr.code = c.reason_code
LEFT JOIN oms.staff rq ON rq.login = c.requested_by
WHERE c.state = 'pending_approval'
  AND (p_after_id IS NULL OR c.id > p_after_id)
ORDER BY c.id
LIMIT least(greatest(coalesce(p_limit, 50), 1), 500)
$$;

CREATE FUNCTION oms_api.pending_refunds(p_limit int DEFAULT 50, p_after_id bigint DEFAULT NULL)
RETURNS TABLE (refund_id bigint, order_no bigint, seller_name text, status text,
               requested_at timestamptz, requested_by text, reason text, note text,
               amount_minor bigint, refundable_minor bigint, currency text)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = oms, pg_catalog, pg_temp
AS $$
-- refundable_minor counts pending refunds as granted: "left" is what would
-- remain after every refund already asked for
SELECT r.id, o.order_no, s.name, o.status, r.created_at, coalesce(rq.full_name, r.requested_by),
       r.reason, r.note, r.amount_minor, greatest(oms.refundable_minor(o.id), 0), r.currency::text
FROM oms.refund r
JOIN oms.orders o ON o.id = r.order_id
JOIN oms.seller s ON s.id = o.seller_id
LEFT JOIN oms.staff rq ON rq.login = r.requested_by
WHERE r.approval = 'pending'
  AND (p_after_id IS NULL OR r.id > p_after_id)
ORDER BY r.id
LIMIT least(greatest(coalesce(p_limit, 50), 1), 500)
$$;

-- The refund ledger, newest first; keyset: the last row's id as p_after_id.
-- p_status is a gateway status (not_sent, pending, succeeded, failed,
-- canceled) or an approval (auto, pending, approved, rejected); 'pending'
-- matches either.
CREATE FUNCTION oms_api.refunds(p_status text DEFAULT NULL, p_order_no bigint DEFAULT NULL,
                                p_after_id bigint DEFAULT NULL, p_limit int DEFAULT 50)
RETURNS TABLE (id bigint, order_no bigint, cancellation_id bigint, amount_minor bigint, currency text,
               status text, approval text, reason text, note text, requested_by text, approved_by text,
               created_at timestamptz, approved_at timestamptz, executed_at timestamptz,
               provider_refund_id text, decision_note text, last_message text)
LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = oms, pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
	IF p_status IS NOT NULL AND p_status NOT IN ('not_sent', 'pending', 'succeeded', 'failed', 'canceled',
	                                             'auto', 'approved', 'rejected') THEN
		RAISE EXCEPTION 'unknown refund status "%" (not_sent, pending, succeeded, failed, canceled; or approval: auto, approved, rejected)',
			p_status USING ERRCODE = '22023';
	END IF;
	RETURN QUERY
	SELECT r.id, o.order_no, r.cancellation_id, r.amount_minor, r.currency::text, r.status, r.approval,
	       r.reason, r.note, r.requested_by, r.approved_by, r.created_at, r.approved_at, r.executed_at,
	       r.provider_refund_id, r.decision_note, r.last_message
	FROM oms.refund r JOIN oms.orders o ON o.id = r.order_id
	WHERE (p_status IS NULL OR r.status = p_status OR r.approval = p_status)
	  AND (p_order_no IS NULL OR o.order_no = p_order_no)
	  AND (p_after_id IS NULL OR r.id < p_after_id)
	ORDER BY r.id DESC
	LIMIT least(greatest(coalesce(p_limit, 50), 1), 1000);
END
$$;

-- One refund: what was granted and what the gateway did. NULL when it does
-- not exist or the caller may not see it. Times to the second.
CREATE FUNCTION oms_api.refund_card(p_id bigint) RETURNS jsonb
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = oms, pg_catalog, pg_temp
AS $$
SELECT jsonb_build_object(
	'id', r.id, 'order_no', o.order_no, 'cancellation_id', r.cancellation_id,
	'amount_minor', r.amount_minor, 'currency', r.currency, 'status', r.status, 'approval', r.approval,
	'reason', r.reason, 'note', r.note,
	'requested_by', r.requested_by, 'requested_by_name', rq.full_name,
	'approved_by', r.approved_by, 'approved_by_name', ap.full_name,
	'created_at', date_trunc('second', r.created_at), 'approved_at', date_trunc('second', r.approved_at),
	'executed_at', date_trunc('second', r.executed_at),
	'provider_refund_id', r.provider_refund_id, 'decision_note', r.decision_note,
	'last_message', r.last_message,
	'order_refundable_minor', greatest(oms.refundable_minor(o.id), 0))
FROM oms.refund r
JOIN oms.orders o ON o.id = r.order_id
LEFT JOIN oms.staff rq ON rq.login = r.requested_by
LEFT JOIN oms.staff ap ON ap.login = r.approved_by
WHERE r.id = p_id
$$;

REVOKE EXECUTE ON FUNCTION
	oms_api.pending_cancellations(int, bigint),
	oms_api.pending_refunds(int, bigint),
	oms_api.refunds(text, bigint, bigint, int),
	oms_api.refund_card(bigint)
	FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	oms_api.pending_cancellations(int, bigint),
	oms_api.pending_refunds(int, bigint),
	oms_api.refunds(text, bigint, bigint, int),
	oms_api.refund_card(bigint)
	TO oms_csr, oms_fulfilment, oms_admin;

RESET ROLE;
RESET search_path;
