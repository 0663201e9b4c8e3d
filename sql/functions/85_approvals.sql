-- sql/functions/85_approvals.sql: Approvals (four eyes): the pending cancellations and refunds, and their decisions.
--
-- The one definition of each function and view here, with its grants.
-- `oms migrate` re-applies this file (in one transaction, after the
-- numbered migrations) whenever its text changes: keep it re-appliable
-- (CREATE OR REPLACE; see sql/functions/README for a changed signature).

SET LOCAL search_path = oms, pg_catalog;
SET LOCAL ROLE oms_owner;

-- As in 0007, and: whoever asked cannot decide (BR-029); another seller's
-- cancellation is "not found" exactly like one that does not exist.
CREATE OR REPLACE FUNCTION oms_api.decide_cancellation(p_cancellation_id bigint, p_approve boolean, p_note text)
RETURNS TABLE (cancellation_id bigint, state text, refund_id bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	v_role constant text := oms.begin_action('decide_cancellation', 'fulfilment', 'admin');
	v_cancel oms.cancellation;
	v_order oms.orders;
	v_refund bigint;
	v_order_id bigint;
BEGIN
	IF p_approve IS NULL THEN
		RAISE EXCEPTION 'say approve (true) or reject (false)' USING ERRCODE = '22023',
			DETAIL = oms.error_detail('{"rule": "required", "field": "approve"}');
	END IF;
	IF NOT p_approve AND oms.clean_text(p_note) IS NULL THEN
		RAISE EXCEPTION 'rejecting a cancellation needs a note for the customer service' USING ERRCODE = '22023',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'required', 'field', 'note', 'cancellation_id', p_cancellation_id));
	END IF;
	PERFORM oms.check_text_len('a decision note', p_note);
	SELECT c.order_id INTO v_order_id FROM oms.cancellation c WHERE c.id = p_cancellation_id;
	IF NOT FOUND OR (v_role = 'fulfilment' AND NOT EXISTS (
	        SELECT 1 FROM oms.orders o WHERE o.id = v_order_id AND o.seller_id = oms.caller_seller_id())) THEN
		RAISE EXCEPTION 'cancellation % not found', p_cancellation_id USING ERRCODE = 'P0002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'cancellation_not_found', 'cancellation_id', p_cancellation_id));
	END IF;
	v_order := oms.lock_order(v_order_id, NULL, v_role);
	SELECT * INTO v_cancel FROM oms.cancellation c WHERE c.id = p_cancellation_id;
	IF v_cancel.state <> 'pending_approval' THEN
		PERFORM oms.raise_error('OM002', format('cancellation %s was already decided (%s)', p_cancellation_id, v_cancel.state),
		                        jsonb_build_object('cancellation_id', p_cancellation_id, 'state', v_cancel.state));
	END IF;
	IF v_cancel.requested_by = session_user THEN
		PERFORM oms.refuse(format('BR-029: cancellation %s was requested by you; another person must decide it%s',
			p_cancellation_id, CASE WHEN v_role = 'admin'
			THEN ' (an administrator cancels at once outside the window with an override reason, BR-026)' ELSE '' END),
			jsonb_build_object('cancellation_id', p_cancellation_id, 'order_no', v_order.order_no));
	END IF;
	IF p_approve AND v_order.status NOT IN ('PENDING', 'CONFIRMED') THEN
		PERFORM oms.refuse(format('BR-022: order %s is %s now; reject this cancellation and start a return',
		                          v_order.order_no, v_order.status),
		                   jsonb_build_object('order_no', v_order.order_no, 'status', v_order.status,
		                                      'cancellation_id', p_cancellation_id));
	END IF;

	UPDATE oms.cancellation c
	SET state = CASE WHEN p_approve THEN 'done' ELSE 'rejected' END,
	    decided_by = session_user, decided_at = clock_timestamp(), decision_note = oms.clean_text(p_note)
	WHERE c.id = p_cancellation_id
	RETURNING * INTO v_cancel;

	IF p_approve THEN
		v_refund := oms.apply_cancellation(v_cancel, v_order, v_role);
	ELSE
		PERFORM oms.enqueue('mail', 'mail:cancellation_rejected:' || v_cancel.id, v_order.id, NULL,
			jsonb_build_object('template', 'cancellation_rejected', 'order_no', v_order.order_no,
			                   'cancellation_id', v_cancel.id));
	END IF;
	RETURN QUERY SELECT v_cancel.id, v_cancel.state, v_refund;
END
$$;
REVOKE ALL ON FUNCTION oms_api.decide_cancellation(bigint,boolean,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.decide_cancellation(bigint,boolean,text) TO oms_admin, oms_fulfilment;

-- As in 0007, and whoever requested cannot approve (BR-029).
CREATE OR REPLACE FUNCTION oms_api.decide_refund(p_refund_id bigint, p_approve boolean, p_note text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('decide_refund', 'admin');
	v_order oms.orders;
	v_refund oms.refund;
BEGIN
	IF p_approve IS NULL THEN
		RAISE EXCEPTION 'say approve (true) or reject (false)' USING ERRCODE = '22023',
			DETAIL = oms.error_detail('{"rule": "required", "field": "approve"}');
	END IF;
	PERFORM oms.check_text_len('a decision note', p_note);
	IF NOT EXISTS (SELECT 1 FROM oms.refund r WHERE r.id = p_refund_id) THEN
		RAISE EXCEPTION 'refund % not found', p_refund_id USING ERRCODE = 'P0002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'refund_not_found', 'refund_id', p_refund_id));
	END IF;
	v_order := oms.lock_order((SELECT r.order_id FROM oms.refund r WHERE r.id = p_refund_id), NULL, v_role);
	SELECT * INTO v_refund FROM oms.refund r WHERE r.id = p_refund_id;
	IF v_refund.approval <> 'pending' THEN
		PERFORM oms.raise_error('OM002', format('refund %s was already decided (%s)', p_refund_id, v_refund.approval),
		                        jsonb_build_object('refund_id', p_refund_id, 'approval', v_refund.approval));
	END IF;
	IF v_refund.requested_by = session_user THEN
		PERFORM oms.refuse(format('BR-029: refund %s was requested by you; another administrator must decide it',
		                          p_refund_id),
		                   jsonb_build_object('refund_id', p_refund_id, 'order_no', v_order.order_no));
	END IF;
	UPDATE oms.refund r
	SET approval = CASE WHEN p_approve THEN 'approved' ELSE 'rejected' END,
	    approved_by = session_user, approved_at = clock_timestamp(), decision_note = oms.clean_text(p_note)
	WHERE r.id = p_refund_id;
	IF p_approve THEN
		PERFORM oms.enqueue('refund', 'refund:' || v_refund.id, v_order.id, v_refund.id,
			jsonb_build_object('refund_id', v_refund.id, 'order_no', v_order.order_no,
			                   'amount_minor', v_refund.amount_minor, 'currency', v_refund.currency,
			                   'idempotency_key', v_refund.idempotency_key,
			                   'payment_ref', (SELECT provider_ref FROM oms.payment WHERE order_id = v_order.id)));
	END IF;
END
$$;
REVOKE ALL ON FUNCTION oms_api.decide_refund(bigint,boolean,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.decide_refund(bigint,boolean,text) TO oms_admin;

-- As in 0011, naming the requester through oms.staff_name_for.
CREATE OR REPLACE FUNCTION oms_api.pending_cancellations(p_limit int DEFAULT 50, p_after_id bigint DEFAULT NULL)
RETURNS TABLE (cancellation_id bigint, order_no bigint, seller_name text, status text,
               requested_at timestamptz, requested_by text, reason_code text, reason_label text,
               note text, refund_minor bigint, currency text)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = oms, pg_catalog, pg_temp
AS $$
SELECT c.id, o.order_no, s.name, o.status, c.requested_at,
       coalesce(oms.staff_name_for(c.requested_by, o.id), c.requested_by),
       c.reason_code, cr.label, c.note,
       (oms.lines_refund(o.id, CASE WHEN c.scope = 'lines' THEN oms.cancellation_lines_json(c.id) END)).refund_minor,
       o.currency::text
FROM oms.cancellation c
JOIN oms.orders o ON o.id = c.order_id
JOIN oms.seller s ON s.id = o.seller_id
JOIN oms.cancellation_reason cr ON cr.code = c.reason_code
WHERE c.state = 'pending_approval'
  -- oldest first by when it was asked (issue 13), the id breaking ties;
  -- the page after p_after_id is keyed on both
  AND (p_after_id IS NULL OR (c.requested_at, c.id) >
       (SELECT a.requested_at, a.id FROM oms.cancellation a WHERE a.id = p_after_id))
ORDER BY c.requested_at, c.id
LIMIT least(greatest(coalesce(p_limit, 50), 1), 500)
$$;
REVOKE ALL ON FUNCTION oms_api.pending_cancellations(integer,bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.pending_cancellations(integer,bigint) TO oms_admin, oms_csr, oms_fulfilment;

-- As in 0009, naming the requester through oms.staff_name_for.
CREATE OR REPLACE FUNCTION oms_api.pending_refunds(p_limit int DEFAULT 50, p_after_id bigint DEFAULT NULL)
RETURNS TABLE (refund_id bigint, order_no bigint, seller_name text, status text,
               requested_at timestamptz, requested_by text, reason text, note text,
               amount_minor bigint, refundable_minor bigint, currency text)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = oms, pg_catalog, pg_temp
AS $$
SELECT r.id, o.order_no, s.name, o.status, r.created_at,
       coalesce(oms.staff_name_for(r.requested_by, o.id), r.requested_by),
       r.reason, r.note, r.amount_minor, greatest(oms.refundable_minor(o.id), 0), r.currency::text
FROM oms.refund r
JOIN oms.orders o ON o.id = r.order_id
JOIN oms.seller s ON s.id = o.seller_id
WHERE r.approval = 'pending'
  -- oldest first by when it was asked (issue 13), the id breaking ties
  AND (p_after_id IS NULL OR (r.created_at, r.id) >
       (SELECT a.created_at, a.id FROM oms.refund a WHERE a.id = p_after_id))
ORDER BY r.created_at, r.id
LIMIT least(greatest(coalesce(p_limit, 50), 1), 500)
$$;
REVOKE ALL ON FUNCTION oms_api.pending_refunds(integer,bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.pending_refunds(integer,bigint) TO oms_admin, oms_csr, oms_fulfilment;

RESET ROLE;
