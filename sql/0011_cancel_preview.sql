-- 0011: the refund of a line cancellation, said before it is made.
--
-- The cancel dialog and `oms order cancel --line ... --dry-run` show the
-- refund that cancelling some lines would bring before the CSR confirms.
-- That amount was computed by the client, copying the formula of
-- apply_cancellation (0007). Now the formula lives once, here, and every
-- place that needs it calls it:
--
-- * oms.lines_refund(order, lines): the refund for cancelling these units
--   of the order's units not cancelled yet (BR-024): their value, at most
--   what is left to refund (BR-028); everything left to refund, shipping
--   included, when no unit would remain (the order is then cancelled);
--   never below 0 (an unpaid order gets none). lines NULL: the whole order.
-- * oms.check_cancel_lines(order, lines): the checks of cancel_lines'
--   input (at least one line, every line the order's with 1 .. its units
--   left, no line twice), SQLSTATE 22023.
-- * oms_api.cancel_lines_preview(order_no, lines): read only. The verdict
--   cancel_eligibility gives this caller (allowed / needs_approval /
--   refused with the reason); unless refused, the checks above (22023, as
--   cancel_lines raises them) and the refund and whether it cancels the
--   order. SECURITY INVOKER like cancel_eligibility: row-level security
--   decides what the caller sees, so fulfilment staff do not find another
--   seller's order (P0002, as cancel_lines says). Granted like
--   cancel_lines. A line cancellation has no administrator override
--   (cancel_lines takes none), so there is no needs_override here.
--
-- Replaced to call them, with unchanged behaviour: request_cancellation
-- (the checks), apply_cancellation (the refund it grants) and
-- pending_cancellations (the refund an approval would grant). The latter
-- had its own copy that missed the "nothing would remain" case: a pending
-- line cancellation of every unit left announced the lines' value, while
-- approving it refunds everything left, shipping included. It now
-- announces what approving grants.

SET LOCAL ROLE oms_owner;
SET LOCAL search_path = oms, pg_catalog;

CREATE FUNCTION oms.lines_refund(p_order_id bigint, p_lines jsonb,
	OUT refund_minor bigint, OUT cancels_order boolean)
LANGUAGE sql STABLE
AS $$
	WITH wanted AS (
		SELECT (e ->> 'line_no')::int AS line_no, sum((e ->> 'qty')::int) AS qty
		FROM jsonb_array_elements(coalesce(p_lines, '[]'::jsonb)) e
		GROUP BY 1),
	item AS (
		SELECT i.unit_price_minor, i.qty - i.cancelled_qty AS left_qty,
		       CASE WHEN p_lines IS NULL THEN i.qty - i.cancelled_qty ELSE coalesce(w.qty, 0) END AS take
		FROM oms.order_item i LEFT JOIN wanted w ON w.line_no = i.line_no
		WHERE i.order_id = p_order_id),
	outcome AS (
		SELECT coalesce(bool_and(take >= left_qty), false) AS nothing_left,
		       coalesce(sum(take * unit_price_minor), 0)::bigint AS value
		FROM item)
	SELECT greatest(CASE WHEN nothing_left THEN oms.refundable_minor(p_order_id)
	                     ELSE least(oms.refundable_minor(p_order_id), value) END, 0),
	       nothing_left
	FROM outcome
$$;

CREATE FUNCTION oms.check_cancel_lines(p_order oms.orders, p_lines jsonb) RETURNS void
LANGUAGE plpgsql STABLE
AS $$
DECLARE
	v_bad text;
BEGIN
	IF p_lines IS NULL OR jsonb_typeof(p_lines) <> 'array' OR jsonb_array_length(p_lines) = 0 THEN
		RAISE EXCEPTION 'name at least one line to cancel' USING ERRCODE = '22023';
	END IF;
	SELECT string_agg(coalesce(e ->> 'line_no', '?'), ', ') INTO v_bad
	FROM jsonb_array_elements(p_lines) e
	LEFT JOIN oms.order_item i ON i.order_id = p_order.id AND i.line_no = (e ->> 'line_no')::int
	WHERE i.id IS NULL OR (e ->> 'qty')::int IS NULL OR (e ->> 'qty')::int < 1
	   OR (e ->> 'qty')::int > i.qty - i.cancelled_qty;
	IF v_bad IS NOT NULL THEN
		RAISE EXCEPTION 'line(s) % of order %: no such line or quantity not left to cancel', v_bad, p_order.order_no
			USING ERRCODE = '22023';
	END IF;
	IF (SELECT count(DISTINCT e ->> 'line_no') <> count(*) FROM jsonb_array_elements(p_lines) e) THEN
		RAISE EXCEPTION 'a line is named twice' USING ERRCODE = '22023';
	END IF;
END
$$;

-- As in 0007, with the line checks in oms.check_cancel_lines.
CREATE OR REPLACE FUNCTION oms.request_cancellation(p_action text, p_order_no bigint, p_lines jsonb, p_reason text,
	p_note text, p_override_reason text,
	OUT cancellation_id bigint, OUT state text, OUT refund_id bigint)
LANGUAGE plpgsql
AS $$
DECLARE
	v_role constant text := oms.begin_action(p_action, 'csr', 'fulfilment', 'admin');
	v_override constant text := nullif(btrim(p_override_reason), '');
	v_order oms.orders;
	v_verdict record;
	v_cancel oms.cancellation;
BEGIN
	PERFORM oms.check_reason(p_reason, p_note);
	v_order := oms.lock_order(NULL, p_order_no, v_role);

	-- after the lock: a concurrent winner's change is visible now
	IF v_order.status = 'CANCELLED' THEN
		RAISE EXCEPTION 'order % is already cancelled', p_order_no USING ERRCODE = 'OM002';
	END IF;
	IF EXISTS (SELECT 1 FROM oms.cancellation c WHERE c.order_id = v_order.id AND c.state = 'pending_approval') THEN
		RAISE EXCEPTION 'a cancellation of order % is already waiting for approval', p_order_no
			USING ERRCODE = 'OM002';
	END IF;
	v_verdict := oms.cancel_verdict(v_order, v_role, oms.caller_seller_id());
	IF v_verdict.verdict = 'refused' THEN
		PERFORM oms.refuse(v_verdict.reason);
	END IF;
	IF v_override IS NOT NULL THEN
		IF v_role <> 'admin' THEN
			RAISE EXCEPTION 'BR-026: only an administrator can override the cancellation window'
				USING ERRCODE = '42501';
		ELSIF v_verdict.verdict <> 'needs_approval' THEN
			RAISE EXCEPTION 'BR-026: no override needed: %', v_verdict.reason USING ERRCODE = '22023';
		END IF;
	END IF;

	IF p_lines IS NOT NULL THEN
		PERFORM oms.check_cancel_lines(v_order, p_lines);
	END IF;

	INSERT INTO oms.cancellation (order_id, scope, reason_code, note, state, within_window,
	                              decided_by, decided_at, override_reason)
	SELECT v_order.id, CASE WHEN p_lines IS NULL THEN 'order' ELSE 'lines' END, p_reason,
	       nullif(btrim(p_note), ''), s.state,
	       now() < v_order.placed_at + oms.policy_get('cancel_window')::interval,
	       CASE WHEN s.state = 'done' THEN session_user END,
	       CASE WHEN s.state = 'done' THEN now() END, v_override
	FROM (SELECT CASE WHEN v_verdict.verdict = 'allowed' OR v_override IS NOT NULL
	                  THEN 'done' ELSE 'pending_approval' END AS state) s
	RETURNING * INTO v_cancel;

	IF p_lines IS NOT NULL THEN
		INSERT INTO oms.cancellation_line (cancellation_id, order_item_id, qty)
		SELECT v_cancel.id, i.id, (e ->> 'qty')::int
		FROM jsonb_array_elements(p_lines) e
		JOIN oms.order_item i ON i.order_id = v_order.id AND i.line_no = (e ->> 'line_no')::int;
	END IF;

	cancellation_id := v_cancel.id;
	state := v_cancel.state;
	IF v_cancel.state = 'done' THEN
		refund_id := oms.apply_cancellation(v_cancel, v_order, v_role);
	ELSE
		PERFORM oms.enqueue('seller_notify', 'seller_notify:approval:' || v_cancel.id, v_order.id, NULL,
			jsonb_build_object('event', 'cancellation_approval_requested', 'order_no', v_order.order_no,
			                   'cancellation_id', v_cancel.id, 'seller_id', v_order.seller_id));
	END IF;
END
$$;

-- A cancellation's lines as cancel_lines takes them ([{"line_no", "qty"}]).
CREATE FUNCTION oms.cancellation_lines_json(p_cancellation_id bigint) RETURNS jsonb
LANGUAGE sql STABLE
RETURN (SELECT jsonb_agg(jsonb_build_object('line_no', i.line_no, 'qty', cl.qty) ORDER BY i.line_no)
        FROM oms.cancellation_line cl JOIN oms.order_item i ON i.id = cl.order_item_id
        WHERE cl.cancellation_id = p_cancellation_id);

-- As in 0007, with the refund from oms.lines_refund, taken before the
-- quantities change (it counts from the units not cancelled yet).
CREATE OR REPLACE FUNCTION oms.apply_cancellation(p_cancel oms.cancellation, p_order oms.orders, p_role text)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
	v_all boolean;
	v_amount bigint;
	v_approval text;
	v_refund bigint;
	v_event jsonb := jsonb_build_object('order_no', p_order.order_no, 'cancellation_id', p_cancel.id,
	                                    'scope', p_cancel.scope, 'reason_code', p_cancel.reason_code);
BEGIN
	IF p_cancel.scope = 'order' THEN               -- record what "the whole order" was
		INSERT INTO oms.cancellation_line (cancellation_id, order_item_id, qty)
		SELECT p_cancel.id, i.id, i.qty - i.cancelled_qty
		FROM oms.order_item i WHERE i.order_id = p_order.id AND i.cancelled_qty < i.qty;
	END IF;
	-- whole order: everything left (shipping included); lines: their value
	SELECT r.refund_minor INTO v_amount
	FROM oms.lines_refund(p_order.id, oms.cancellation_lines_json(p_cancel.id)) r;

	UPDATE oms.order_item i SET cancelled_qty = i.cancelled_qty + cl.qty
	FROM oms.cancellation_line cl
	WHERE cl.cancellation_id = p_cancel.id AND cl.order_item_id = i.id;

	v_all := NOT EXISTS (SELECT 1 FROM oms.order_item i WHERE i.order_id = p_order.id AND i.cancelled_qty < i.qty);
	IF v_all THEN
		UPDATE oms.orders SET status = 'CANCELLED' WHERE id = p_order.id;
	END IF;

	IF v_amount > 0 THEN
		v_approval := CASE
			WHEN p_cancel.within_window OR (p_role = 'fulfilment' AND p_cancel.requested_by = session_user
			                                AND v_all) THEN 'auto'
			WHEN v_all OR p_role = 'admin' THEN 'approved'
			ELSE 'pending' END;
		v_refund := oms.grant_refund(p_order, p_cancel.id, v_amount, 'cancellation: ' || p_cancel.reason_code,
		                             p_cancel.note, v_approval);
	END IF;

	PERFORM oms.enqueue('mail', 'mail:cancelled:' || p_cancel.id, p_order.id, v_refund,
	                    v_event || jsonb_build_object('template', 'order_cancelled', 'refund_id', v_refund));
	PERFORM oms.enqueue('seller_notify', 'seller_notify:cancelled:' || p_cancel.id, p_order.id, NULL,
	                    v_event || jsonb_build_object('event', 'cancelled', 'seller_id', p_order.seller_id));
	PERFORM oms.enqueue('inventory_release', 'inventory_release:' || p_cancel.id, p_order.id, NULL,
	                    v_event || jsonb_build_object('lines', (
	                        SELECT jsonb_agg(jsonb_build_object('sku', i.sku, 'qty', cl.qty) ORDER BY i.line_no)
	                        FROM oms.cancellation_line cl JOIN oms.order_item i ON i.id = cl.order_item_id
	                        WHERE cl.cancellation_id = p_cancel.id)));
	RETURN v_refund;
END
$$;

-- As in 0009; the refund is what approving would grant (oms.lines_refund).
CREATE OR REPLACE FUNCTION oms_api.pending_cancellations(p_limit int DEFAULT 50, p_after_id bigint DEFAULT NULL)
RETURNS TABLE (cancellation_id bigint, order_no bigint, seller_name text, status text,
               requested_at timestamptz, requested_by text, reason_code text, reason_label text,
               note text, refund_minor bigint, currency text)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = oms, pg_catalog, pg_temp
AS $$
SELECT c.id, o.order_no, s.name, o.status, c.requested_at, coalesce(rq.full_name, c.requested_by),
       c.reason_code, cr.label, c.note,
       (oms.lines_refund(o.id, CASE WHEN c.scope = 'lines' THEN oms.cancellation_lines_json(c.id) END)).refund_minor,
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

CREATE FUNCTION oms_api.cancel_lines_preview(p_order_no bigint, p_lines jsonb)
RETURNS TABLE (verdict text, reason text, refund_minor bigint, currency text, cancels_order boolean)
LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_order oms.orders;
	v_verdict record;
	v_refund record;
BEGIN
	SELECT * INTO v_order FROM oms.orders o WHERE o.order_no = p_order_no;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'order % not found', coalesce(p_order_no::text, '(none)') USING ERRCODE = 'P0002';
	END IF;
	v_verdict := oms.cancel_verdict(v_order, oms.caller_role(), oms.caller_seller_id());
	-- cancel_lines refuses before it looks at the lines; so does this
	IF v_verdict.verdict = 'refused' THEN
		RETURN QUERY SELECT v_verdict.verdict, v_verdict.reason, 0::bigint, v_order.currency::text, false;
		RETURN;
	END IF;
	PERFORM oms.check_cancel_lines(v_order, p_lines);
	v_refund := oms.lines_refund(v_order.id, p_lines);
	RETURN QUERY SELECT v_verdict.verdict, v_verdict.reason, v_refund.refund_minor, v_order.currency::text,
	                    v_refund.cancels_order;
END
$$;

REVOKE EXECUTE ON FUNCTION oms.lines_refund(bigint, jsonb), oms.check_cancel_lines(oms.orders, jsonb),
	oms.cancellation_lines_json(bigint), oms_api.cancel_lines_preview(bigint, jsonb) FROM PUBLIC;
-- the read functions run as their caller and need these
GRANT EXECUTE ON FUNCTION oms.lines_refund(bigint, jsonb), oms.check_cancel_lines(oms.orders, jsonb),
	oms.cancellation_lines_json(bigint)
	TO oms_csr, oms_fulfilment, oms_admin;
GRANT EXECUTE ON FUNCTION oms_api.cancel_lines_preview(bigint, jsonb) TO oms_csr, oms_fulfilment, oms_admin;

RESET ROLE;
RESET search_path;
