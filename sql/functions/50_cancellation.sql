-- sql/functions/50_cancellation.sql: Cancellation: the verdict (window, status, approval), whole-order and line cancellations, their preview and eligibility.
--
-- The one definition of each function and view here, with its grants.
-- `oms migrate` re-applies this file (in one transaction, after the
-- numbered migrations) whenever its text changes: keep it re-appliable
-- (CREATE OR REPLACE; see sql/functions/README for a changed signature).

SET LOCAL search_path = oms, pg_catalog;
SET LOCAL ROLE oms_owner;

-- The verdict as in 0006, with the window read from the clock.
CREATE OR REPLACE FUNCTION oms.cancel_verdict(p_order oms.orders, p_role text, p_seller_id bigint,
	OUT verdict text, OUT reason text, OUT needs_override boolean)
LANGUAGE plpgsql STABLE
AS $$
DECLARE
	v_closes timestamptz := p_order.placed_at + oms.policy_get('cancel_window')::interval;
BEGIN
	needs_override := false;
	verdict := 'refused';
	IF p_role IS NULL OR p_role NOT IN ('csr', 'fulfilment', 'admin') THEN
		reason := 'BR-021: only customer service, the seller''s fulfilment staff or an administrator can cancel';
	ELSIF p_role = 'fulfilment' AND p_order.seller_id IS DISTINCT FROM p_seller_id THEN
		reason := 'BR-021: this order belongs to another seller';
	ELSIF p_order.status = 'CANCELLED' THEN
		reason := format('BR-015: order %s is already cancelled', p_order.order_no);
	ELSIF p_order.status NOT IN ('PENDING', 'CONFIRMED') THEN
		reason := format('BR-022: order %s is %s; only PENDING or CONFIRMED orders can be cancelled (BR-014), use a return instead',
		                 p_order.order_no, p_order.status);
	ELSIF EXISTS (SELECT 1 FROM oms.cancellation c
	              WHERE c.order_id = p_order.id AND c.state = 'pending_approval') THEN
		reason := format('a cancellation of order %s is already waiting for approval', p_order.order_no);
	ELSIF p_order.status = 'PENDING' THEN
		verdict := 'allowed';
		reason := 'BR-020: not paid yet, cancels at once';
	ELSIF clock_timestamp() < v_closes THEN
		verdict := 'allowed';
		reason := format('BR-021: within the cancellation window (until %s)', to_char(v_closes, 'YYYY-MM-DD HH24:MI TZ'));
	ELSIF p_role = 'fulfilment' THEN
		verdict := 'allowed';
		reason := 'BR-025: after the window; the seller''s own staff approve by cancelling';
	ELSE
		verdict := 'needs_approval';
		needs_override := (p_role = 'admin');
		reason := format('BR-025: the cancellation window closed at %s; the seller or an administrator must approve%s',
		                 to_char(v_closes, 'YYYY-MM-DD HH24:MI TZ'),
		                 CASE WHEN p_role = 'admin' THEN ' (or override with a reason, BR-026)' ELSE '' END);
	END IF;
END
$$;
REVOKE ALL ON FUNCTION oms.cancel_verdict(oms.orders,text,bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.cancel_verdict(oms.orders,text,bigint) TO oms_admin, oms_csr, oms_fulfilment, oms_worker;

-- As in 0006: the whole order's refund is the settled amount.
CREATE OR REPLACE FUNCTION oms_api.cancel_eligibility(p_order_no bigint)
RETURNS TABLE (verdict text, reason text, refund_minor bigint, currency text, needs_override boolean)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = oms, pg_catalog, pg_temp
AS $$
SELECT v.verdict, v.reason,
       CASE WHEN v.verdict = 'refused' THEN 0 ELSE greatest(oms.refundable_settled_minor(o.id), 0) END,
       o.currency::text, v.needs_override
FROM oms.orders o,
     oms.cancel_verdict(o, oms.caller_role(), oms.caller_seller_id()) v
WHERE o.order_no = p_order_no
$$;
REVOKE ALL ON FUNCTION oms_api.cancel_eligibility(bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.cancel_eligibility(bigint) TO oms_admin, oms_csr, oms_fulfilment;

-- As in 0011, and: when the cancellation leaves no unit, the refunds still
-- waiting for approval are settled first (rejected, "superseded by
-- cancellation N"), so that the cancellation's refund is everything left:
-- the customer gets all that was paid, exactly once, whatever the order of
-- decisions.
CREATE OR REPLACE FUNCTION oms.apply_cancellation(p_cancel oms.cancellation, p_order oms.orders, p_role text)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
	v_all boolean;
	v_amount bigint;
	v_approval text;
	v_refund bigint;
	v_mail jsonb;
	v_event jsonb := jsonb_build_object('order_no', p_order.order_no, 'cancellation_id', p_cancel.id,
	                                    'scope', p_cancel.scope, 'reason_code', p_cancel.reason_code);
BEGIN
	IF p_cancel.scope = 'order' THEN               -- record what "the whole order" was
		INSERT INTO oms.cancellation_line (cancellation_id, order_item_id, qty)
		SELECT p_cancel.id, i.id, i.qty - i.cancelled_qty
		FROM oms.order_item i WHERE i.order_id = p_order.id AND i.cancelled_qty < i.qty;
	END IF;
	SELECT r.cancels_order INTO v_all
	FROM oms.lines_refund(p_order.id, oms.cancellation_lines_json(p_cancel.id)) r;
	IF v_all THEN
		UPDATE oms.refund r
		SET approval = 'rejected', approved_by = session_user, approved_at = clock_timestamp(),
		    decision_note = format('superseded by cancellation %s: the order''s refund covers all that was left',
		                           p_cancel.id)
		WHERE r.order_id = p_order.id AND r.approval = 'pending';
	END IF;
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

	-- The mails name what this cancellation cancelled, not every line of
	-- the order (issue 12): its lines by line_no, sku and quantity (the
	-- worker takes names and prices from oms_api.mail_data) and whether
	-- it left anything of the order; the refund for it is the refund_id's,
	-- and without one the mail says nothing about money. Only keys that
	-- oms_api.job shows whole (oms.job_public_keys): nothing personal.
	v_mail := jsonb_build_object(
		'status', CASE WHEN v_all THEN 'CANCELLED' ELSE 'PARTLY_CANCELLED' END,
		'lines', (SELECT jsonb_agg(jsonb_build_object('line_no', i.line_no, 'sku', i.sku, 'qty', cl.qty)
		                           ORDER BY i.line_no)
		          FROM oms.cancellation_line cl JOIN oms.order_item i ON i.id = cl.order_item_id
		          WHERE cl.cancellation_id = p_cancel.id));
	PERFORM oms.enqueue('mail', 'mail:cancelled:' || p_cancel.id, p_order.id, v_refund,
	                    v_event || v_mail || jsonb_build_object('template', 'order_cancelled', 'refund_id', v_refund));
	PERFORM oms.enqueue('seller_notify', 'seller_notify:cancelled:' || p_cancel.id, p_order.id, NULL,
	                    v_event || v_mail || jsonb_build_object('event', 'cancelled', 'seller_id', p_order.seller_id));
	PERFORM oms.enqueue('inventory_release', 'inventory_release:' || p_cancel.id, p_order.id, NULL,
	                    v_event || jsonb_build_object('lines', (
	                        SELECT jsonb_agg(jsonb_build_object('sku', i.sku, 'qty', cl.qty) ORDER BY i.line_no)
	                        FROM oms.cancellation_line cl JOIN oms.order_item i ON i.id = cl.order_item_id
	                        WHERE cl.cancellation_id = p_cancel.id)));
	RETURN v_refund;
END
$$;
REVOKE ALL ON FUNCTION oms.apply_cancellation(oms.cancellation,oms.orders,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- As in 0011, with the clock, clean text and bounded notes.
CREATE OR REPLACE FUNCTION oms.request_cancellation(p_action text, p_order_no bigint, p_lines jsonb, p_reason text,
	p_note text, p_override_reason text,
	OUT cancellation_id bigint, OUT state text, OUT refund_id bigint)
LANGUAGE plpgsql
AS $$
DECLARE
	v_role constant text := oms.begin_action(p_action, 'csr', 'fulfilment', 'admin');
	v_override constant text := oms.clean_text(p_override_reason);
	v_order oms.orders;
	v_verdict record;
	v_cancel oms.cancellation;
	v_now timestamptz;
	v_pending bigint;
BEGIN
	PERFORM oms.check_reason(p_reason, p_note);
	PERFORM oms.check_text_len('an override reason', p_override_reason);
	v_order := oms.lock_order(NULL, p_order_no, v_role);

	-- after the lock: a concurrent winner's change is visible now (or, under
	-- REPEATABLE READ / SERIALIZABLE, the lock raised 40001)
	IF v_order.status = 'CANCELLED' THEN
		PERFORM oms.raise_error('OM002', format('order %s is already cancelled', p_order_no),
		                        jsonb_build_object('rule', 'already_cancelled', 'order_no', p_order_no));
	END IF;
	SELECT c.id INTO v_pending FROM oms.cancellation c WHERE c.order_id = v_order.id AND c.state = 'pending_approval';
	IF FOUND THEN
		PERFORM oms.raise_error('OM002', format('a cancellation of order %s is already waiting for approval', p_order_no),
		                        jsonb_build_object('rule', 'already_pending', 'order_no', p_order_no,
		                                           'cancellation_id', v_pending));
	END IF;
	v_now := clock_timestamp();
	v_verdict := oms.cancel_verdict(v_order, v_role, oms.caller_seller_id());
	IF v_verdict.verdict = 'refused' THEN
		PERFORM oms.refuse(v_verdict.reason,
			jsonb_build_object('rule', coalesce(substring(v_verdict.reason FROM '^(BR-[0-9]+):'), 'already_pending'),
			                   'order_no', v_order.order_no, 'status', v_order.status,
			                   'window_closes_at', v_order.placed_at + oms.policy_get('cancel_window')::interval));
	END IF;
	IF v_override IS NOT NULL THEN
		IF v_role <> 'admin' THEN
			RAISE EXCEPTION 'BR-026: only an administrator can override the cancellation window'
				USING ERRCODE = '42501',
				DETAIL = oms.error_detail(jsonb_build_object('rule', 'BR-026', 'order_no', v_order.order_no, 'role', v_role));
		ELSIF v_verdict.verdict <> 'needs_approval' THEN
			PERFORM oms.raise_error('22023', format('BR-026: no override needed: %s', v_verdict.reason),
				jsonb_build_object('order_no', v_order.order_no, 'verdict', v_verdict.verdict,
				                   'window_closes_at', v_order.placed_at + oms.policy_get('cancel_window')::interval));
		END IF;
	END IF;

	IF p_lines IS NOT NULL THEN
		PERFORM oms.check_cancel_lines(v_order, p_lines);
	END IF;

	INSERT INTO oms.cancellation (order_id, scope, reason_code, note, state, requested_at, within_window,
	                              decided_by, decided_at, override_reason)
	SELECT v_order.id, CASE WHEN p_lines IS NULL THEN 'order' ELSE 'lines' END, p_reason,
	       oms.clean_text(p_note), s.state, v_now,
	       v_now < v_order.placed_at + oms.policy_get('cancel_window')::interval,
	       CASE WHEN s.state = 'done' THEN session_user END,
	       CASE WHEN s.state = 'done' THEN v_now END, v_override
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
REVOKE ALL ON FUNCTION oms.request_cancellation(text,bigint,jsonb,text,text,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- Cancel a whole order. Concurrent callers queue on the order's row lock;
-- one wins, the others get OM002 "already cancelled".
CREATE OR REPLACE FUNCTION oms_api.cancel_order(p_order_no bigint, p_reason text, p_note text DEFAULT NULL,
                                     p_override_reason text DEFAULT NULL)
RETURNS TABLE (cancellation_id bigint, state text, refund_id bigint)
LANGUAGE sql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
	SELECT * FROM oms.request_cancellation('cancel_order', p_order_no, NULL, p_reason, p_note, p_override_reason)
$$;
REVOKE ALL ON FUNCTION oms_api.cancel_order(bigint,text,text,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.cancel_order(bigint,text,text,text) TO oms_admin, oms_csr, oms_fulfilment;

-- Cancel some lines: p_lines = [{"line_no": 1, "qty": 2}, ...]. Same rules;
-- the refund covers just those lines (the whole rest when nothing is left).
CREATE OR REPLACE FUNCTION oms_api.cancel_lines(p_order_no bigint, p_lines jsonb, p_reason text, p_note text DEFAULT NULL)
RETURNS TABLE (cancellation_id bigint, state text, refund_id bigint)
LANGUAGE sql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
	SELECT * FROM oms.request_cancellation('cancel_lines', p_order_no,
	                                       coalesce(p_lines, '[]'::jsonb), p_reason, p_note, NULL)
$$;
REVOKE ALL ON FUNCTION oms_api.cancel_lines(bigint,jsonb,text,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.cancel_lines(bigint,jsonb,text,text) TO oms_admin, oms_csr, oms_fulfilment;

-- As in 0011: the refund of cancelling some lines; when no unit would be
-- left, all that is left after settling the pending refunds.
CREATE OR REPLACE FUNCTION oms.lines_refund(p_order_id bigint, p_lines jsonb,
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
	SELECT greatest(CASE WHEN nothing_left THEN oms.refundable_settled_minor(p_order_id)
	                     ELSE least(oms.refundable_minor(p_order_id), value) END, 0),
	       nothing_left
	FROM outcome
$$;
REVOKE ALL ON FUNCTION oms.lines_refund(bigint,jsonb) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.lines_refund(bigint,jsonb) TO oms_admin, oms_csr, oms_fulfilment;

CREATE OR REPLACE FUNCTION oms.check_cancel_lines(p_order oms.orders, p_lines jsonb) RETURNS void
LANGUAGE plpgsql STABLE
AS $$
DECLARE
	v_bad text;
	v_bad_lines jsonb;
BEGIN
	IF p_lines IS NULL OR jsonb_typeof(p_lines) <> 'array' OR jsonb_array_length(p_lines) = 0 THEN
		RAISE EXCEPTION 'name at least one line to cancel' USING ERRCODE = '22023',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'no_lines', 'order_no', p_order.order_no));
	END IF;
	SELECT string_agg(coalesce(e ->> 'line_no', '?'), ', '), jsonb_agg(coalesce(e -> 'line_no', 'null'))
	INTO v_bad, v_bad_lines
	FROM jsonb_array_elements(p_lines) e
	LEFT JOIN oms.order_item i ON i.order_id = p_order.id AND i.line_no = (e ->> 'line_no')::int
	WHERE i.id IS NULL OR (e ->> 'qty')::int IS NULL OR (e ->> 'qty')::int < 1
	   OR (e ->> 'qty')::int > i.qty - i.cancelled_qty;
	IF v_bad IS NOT NULL THEN
		RAISE EXCEPTION 'line(s) % of order %: no such line or quantity not left to cancel', v_bad, p_order.order_no
			USING ERRCODE = '22023',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'bad_lines', 'order_no', p_order.order_no,
			                                             'lines', v_bad_lines));
	END IF;
	IF (SELECT count(DISTINCT e ->> 'line_no') <> count(*) FROM jsonb_array_elements(p_lines) e) THEN
		RAISE EXCEPTION 'a line is named twice' USING ERRCODE = '22023',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'duplicate_lines', 'order_no', p_order.order_no,
				'lines', (SELECT jsonb_agg(x.l ORDER BY x.l) FROM (
				          SELECT e -> 'line_no' AS l FROM jsonb_array_elements(p_lines) e
				          GROUP BY e ->> 'line_no', e -> 'line_no' HAVING count(*) > 1) x)));
	END IF;
END
$$;
REVOKE ALL ON FUNCTION oms.check_cancel_lines(oms.orders,jsonb) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.check_cancel_lines(oms.orders,jsonb) TO oms_admin, oms_csr, oms_fulfilment;

-- A cancellation's lines as cancel_lines takes them ([{"line_no", "qty"}]).
CREATE OR REPLACE FUNCTION oms.cancellation_lines_json(p_cancellation_id bigint) RETURNS jsonb
LANGUAGE sql STABLE
RETURN (SELECT jsonb_agg(jsonb_build_object('line_no', i.line_no, 'qty', cl.qty) ORDER BY i.line_no)
        FROM oms.cancellation_line cl JOIN oms.order_item i ON i.id = cl.order_item_id
        WHERE cl.cancellation_id = p_cancellation_id);
REVOKE ALL ON FUNCTION oms.cancellation_lines_json(bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.cancellation_lines_json(bigint) TO oms_admin, oms_csr, oms_fulfilment;

CREATE OR REPLACE FUNCTION oms_api.cancel_lines_preview(p_order_no bigint, p_lines jsonb)
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
		RAISE EXCEPTION 'order % not found', coalesce(p_order_no::text, '(none)') USING ERRCODE = 'P0002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'order_not_found', 'order_no', p_order_no));
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
REVOKE ALL ON FUNCTION oms_api.cancel_lines_preview(bigint,jsonb) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.cancel_lines_preview(bigint,jsonb) TO oms_admin, oms_csr, oms_fulfilment;

RESET ROLE;
