-- 0007: the write API. Every function here is SECURITY DEFINER (runs as
-- oms_owner, the only role that can write), pins search_path, starts with
-- oms.begin_action() (names the action for the audit log and checks the
-- caller's group), and locks the order row FOR UPDATE before it reads what
-- it decides on, so concurrent callers are serialised per order and the
-- loser sees the winner's result.
--
-- Errors: OM001 rule refused (message starts with the rule id), OM002
-- conflict / already done, P0002 not found, 42501 not allowed, 22023 bad
-- input.

SET LOCAL ROLE oms_owner;
SET LOCAL search_path = oms, pg_catalog;

-- ---------------------------------------------------------------------------
-- Internal helpers

-- Names the action for the audit trigger (transaction-local, so it cannot
-- leak into the next transaction of a pooled connection) and refuses callers
-- outside p_roles. Returns the caller's role.
CREATE FUNCTION oms.begin_action(p_action text, VARIADIC p_roles text[]) RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
	v_role constant text := oms.caller_role();
BEGIN
	PERFORM set_config('oms.action', p_action, true);
	PERFORM set_config('oms.actor', '', true);
	IF v_role IS NULL OR NOT v_role = ANY (p_roles) THEN
		RAISE EXCEPTION '% is not allowed for %', p_action, coalesce(v_role, 'this login')
			USING ERRCODE = '42501';
	END IF;
	RETURN v_role;
END
$$;

-- Lock an order for a decision. Fulfilment staff cannot see other sellers'
-- orders, so for them those do not exist. Given neither an id nor a number
-- (a NULL argument, or the order of a refund or cancellation that does not
-- exist) there is no order: never lock and act on "any order".
CREATE FUNCTION oms.lock_order(p_order_id bigint, p_order_no bigint, p_role text) RETURNS oms.orders
LANGUAGE plpgsql
AS $$
DECLARE
	v oms.orders;
BEGIN
	IF p_order_id IS NULL AND p_order_no IS NULL THEN
		RAISE EXCEPTION 'order not found (no order number given)' USING ERRCODE = 'P0002';
	END IF;
	SELECT * INTO v FROM oms.orders o
	WHERE (p_order_id IS NULL OR o.id = p_order_id) AND (p_order_no IS NULL OR o.order_no = p_order_no)
	FOR UPDATE;
	IF NOT FOUND OR (p_role = 'fulfilment' AND v.seller_id IS DISTINCT FROM oms.caller_seller_id()) THEN
		RAISE EXCEPTION 'order % not found', coalesce(p_order_no::text, 'id ' || p_order_id)
			USING ERRCODE = 'P0002';
	END IF;
	RETURN v;
END
$$;

-- BR-023: a valid, active reason; 'other' (requires_note) needs a note.
CREATE FUNCTION oms.check_reason(p_code text, p_note text) RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
	v_requires_note boolean;
BEGIN
	SELECT r.requires_note INTO v_requires_note FROM oms.cancellation_reason r
	WHERE r.code = p_code AND r.active;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'BR-023: a cancellation needs a reason; "%" is not one', coalesce(p_code, '')
			USING ERRCODE = '22023';
	END IF;
	IF v_requires_note AND nullif(btrim(p_note), '') IS NULL THEN
		RAISE EXCEPTION 'BR-023: reason "%" needs a note', p_code USING ERRCODE = '22023';
	END IF;
END
$$;

-- One job per event: the dedupe key makes a repeated event a no-op.
CREATE FUNCTION oms.enqueue(p_kind text, p_dedupe_key text, p_order_id bigint, p_refund_id bigint,
                            p_payload jsonb) RETURNS void
LANGUAGE sql
AS $$
	INSERT INTO oms.outbox (kind, dedupe_key, order_id, refund_id, payload)
	VALUES (p_kind, p_dedupe_key, p_order_id, p_refund_id, p_payload)
	ON CONFLICT (dedupe_key) DO NOTHING
$$;

-- Grant a refund and, when it needs no further approval, queue it for the
-- gateway. Payloads carry ids and amounts, never customer data.
CREATE FUNCTION oms.grant_refund(p_order oms.orders, p_cancellation_id bigint, p_amount bigint,
                                 p_reason text, p_note text, p_approval text) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
	v_id bigint;
	v_key uuid;
BEGIN
	INSERT INTO oms.refund (order_id, cancellation_id, amount_minor, currency, reason, note,
	                        approval, approved_by, approved_at)
	VALUES (p_order.id, p_cancellation_id, p_amount, p_order.currency, p_reason, p_note, p_approval,
	        CASE WHEN p_approval = 'approved' THEN session_user END,
	        CASE WHEN p_approval IN ('auto', 'approved') THEN now() END)
	RETURNING id, idempotency_key INTO v_id, v_key;
	IF p_approval IN ('auto', 'approved') THEN
		PERFORM oms.enqueue('refund', 'refund:' || v_id, p_order.id, v_id,
			jsonb_build_object('refund_id', v_id, 'order_no', p_order.order_no, 'amount_minor', p_amount,
			                   'currency', p_order.currency, 'idempotency_key', v_key,
			                   'payment_ref', (SELECT provider_ref FROM oms.payment WHERE order_id = p_order.id)));
	END IF;
	RETURN v_id;
END
$$;

-- Carry out a cancellation whose state is already 'done': cancel the
-- quantities, cancel the order when nothing is left, grant the refund
-- (BR-024) and queue the mail, the seller notice and the inventory release,
-- all in the caller's transaction. Returns the refund id (NULL: unpaid).
--
-- Refund approval: 'auto' within the window (and for unpaid or seller-own
-- cancellations); 'approved' when a whole order is cancelled on someone's
-- approval or override, or an admin decides; otherwise (lines cancelled
-- after the window) 'pending' until an administrator decides (BR-027).
CREATE FUNCTION oms.apply_cancellation(p_cancel oms.cancellation, p_order oms.orders, p_role text) RETURNS bigint
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
	UPDATE oms.order_item i SET cancelled_qty = i.cancelled_qty + cl.qty
	FROM oms.cancellation_line cl
	WHERE cl.cancellation_id = p_cancel.id AND cl.order_item_id = i.id;

	v_all := NOT EXISTS (SELECT 1 FROM oms.order_item i WHERE i.order_id = p_order.id AND i.cancelled_qty < i.qty);
	IF v_all THEN
		UPDATE oms.orders SET status = 'CANCELLED' WHERE id = p_order.id;
	END IF;

	-- whole order: everything left (shipping included); lines: their value
	v_amount := least(oms.refundable_minor(p_order.id),
		CASE WHEN v_all THEN oms.refundable_minor(p_order.id)
		     ELSE (SELECT sum(cl.qty * i.unit_price_minor) FROM oms.cancellation_line cl
		           JOIN oms.order_item i ON i.id = cl.order_item_id WHERE cl.cancellation_id = p_cancel.id) END);
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

-- Record a cancellation request (done at once or pending approval) and carry
-- it out when it is done. Shared by cancel_order and cancel_lines; p_lines is
-- NULL for the whole order.
CREATE FUNCTION oms.request_cancellation(p_action text, p_order_no bigint, p_lines jsonb, p_reason text,
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
	v_bad text;
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
		IF jsonb_typeof(p_lines) <> 'array' OR jsonb_array_length(p_lines) = 0 THEN
			RAISE EXCEPTION 'name at least one line to cancel' USING ERRCODE = '22023';
		END IF;
		SELECT string_agg(coalesce(e ->> 'line_no', '?'), ', ') INTO v_bad
		FROM jsonb_array_elements(p_lines) e
		LEFT JOIN oms.order_item i ON i.order_id = v_order.id AND i.line_no = (e ->> 'line_no')::int
		WHERE i.id IS NULL OR (e ->> 'qty')::int IS NULL OR (e ->> 'qty')::int < 1
		   OR (e ->> 'qty')::int > i.qty - i.cancelled_qty;
		IF v_bad IS NOT NULL THEN
			RAISE EXCEPTION 'line(s) % of order %: no such line or quantity not left to cancel', v_bad, p_order_no
				USING ERRCODE = '22023';
		END IF;
		IF (SELECT count(DISTINCT e ->> 'line_no') <> count(*) FROM jsonb_array_elements(p_lines) e) THEN
			RAISE EXCEPTION 'a line is named twice' USING ERRCODE = '22023';
		END IF;
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

-- Delivery estimate: p_days business days after p_from, skipping weekends
-- and oms.holiday.
CREATE FUNCTION oms.add_business_days(p_from date, p_days int) RETURNS date
LANGUAGE sql STABLE
RETURN CASE WHEN p_days <= 0 THEN p_from ELSE (
	SELECT d::date
	FROM generate_series(p_from + 1, p_from + p_days * 2 + 30, interval '1 day') d
	WHERE extract(isodow FROM d) < 6
	  AND NOT EXISTS (SELECT 1 FROM oms.holiday h WHERE h.day = d::date)
	ORDER BY d
	OFFSET p_days - 1 LIMIT 1) END;

CREATE FUNCTION oms.transit_days(p_service_level text) RETURNS int
LANGUAGE sql IMMUTABLE
RETURN CASE p_service_level WHEN 'overnight' THEN 1 WHEN 'express' THEN 2 WHEN 'ground' THEN 5 ELSE 7 END;

-- ---------------------------------------------------------------------------
-- Checkout

-- Place what a customer pays for at once: one PENDING order per seller
-- (BR-010), a pending payment and a payment_verify job for each.
-- BR-001..BR-005 are checked before anything is written.
CREATE FUNCTION oms_api.place_checkout(p_customer_id bigint, p_address_id bigint, p_lines jsonb,
                                       p_currency text DEFAULT 'USD')
RETURNS TABLE (order_no bigint, seller_id bigint, total_minor bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	v_role constant text := oms.begin_action('place_checkout', 'csr', 'admin');
	v_ship_to jsonb;
	v_checkout bigint;
	v_bad text;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM oms.customer c WHERE c.id = p_customer_id) THEN
		PERFORM oms.refuse(format('BR-004: customer %s does not exist', p_customer_id));
	END IF;
	SELECT jsonb_build_object('name', a.name, 'line1', a.line1, 'line2', a.line2, 'city', a.city,
	                          'region', a.region, 'postal_code', a.postal_code, 'country', a.country)
	INTO v_ship_to
	FROM oms.address a WHERE a.id = p_address_id AND a.customer_id = p_customer_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'address % is not an address of customer %', p_address_id, p_customer_id
			USING ERRCODE = '22023';
	END IF;
	IF p_lines IS NULL OR jsonb_typeof(p_lines) <> 'array' OR jsonb_array_length(p_lines) = 0 THEN
		PERFORM oms.refuse('BR-001: an order needs at least 1 item');
	END IF;
	IF jsonb_array_length(p_lines) > oms.policy_get('max_order_items')::int THEN
		PERFORM oms.refuse(format('BR-002: an order may have at most %s items, this one has %s',
		                          oms.policy_get('max_order_items'), jsonb_array_length(p_lines)));
	END IF;
	SELECT string_agg(e::text, ', ') INTO v_bad FROM jsonb_array_elements(p_lines) e
	WHERE jsonb_typeof(e -> 'item_id') IS DISTINCT FROM 'number' OR jsonb_typeof(e -> 'qty') IS DISTINCT FROM 'number'
	   OR (e ->> 'qty')::numeric < 1 OR (e ->> 'qty')::numeric <> trunc((e ->> 'qty')::numeric);
	IF v_bad IS NOT NULL THEN
		RAISE EXCEPTION 'each line needs an item_id and a whole qty >= 1: %', v_bad USING ERRCODE = '22023';
	END IF;
	SELECT string_agg(DISTINCT (e ->> 'item_id'), ', ') INTO v_bad
	FROM jsonb_array_elements(p_lines) e
	LEFT JOIN oms.item i ON i.id = (e ->> 'item_id')::bigint
	WHERE i.id IS NULL OR NOT i.active;
	IF v_bad IS NOT NULL THEN
		PERFORM oms.refuse(format('BR-005: item(s) %s not active (or unknown)', v_bad));
	END IF;
	SELECT string_agg(DISTINCT i.sku, ', ') INTO v_bad
	FROM jsonb_array_elements(p_lines) e JOIN oms.item i ON i.id = (e ->> 'item_id')::bigint
	WHERE i.currency <> p_currency;
	IF v_bad IS NOT NULL THEN
		RAISE EXCEPTION 'item(s) % are not sold in %', v_bad, p_currency USING ERRCODE = '22023';
	END IF;

	INSERT INTO oms.checkout (customer_id, address_id, currency)
	VALUES (p_customer_id, p_address_id, p_currency) RETURNING id INTO v_checkout;

	RETURN QUERY
	WITH req AS (                            -- the same item twice is one line
		SELECT (e ->> 'item_id')::bigint AS item_id, sum((e ->> 'qty')::int) AS qty, min(n) AS n
		FROM jsonb_array_elements(p_lines) WITH ORDINALITY AS t(e, n)
		GROUP BY 1
	), lines AS (
		SELECT i.seller_id, i.id AS item_id, i.sku, i.name, r.qty, i.price_minor, r.n
		FROM req r JOIN oms.item i ON i.id = r.item_id
	), per_seller AS (
		SELECT l.seller_id, sum(l.qty * l.price_minor) AS subtotal, min(l.n) AS n
		FROM lines l GROUP BY l.seller_id
	), ins AS (
		INSERT INTO oms.orders (checkout_id, customer_id, seller_id, currency, subtotal_minor, shipping_minor,
		                        ship_address_id, ship_to)
		SELECT v_checkout, p_customer_id, ps.seller_id, p_currency, ps.subtotal,
		       CASE WHEN s.free_shipping_over_minor IS NOT NULL AND ps.subtotal >= s.free_shipping_over_minor
		            THEN 0 ELSE s.shipping_flat_minor END,
		       p_address_id, v_ship_to
		FROM per_seller ps JOIN oms.seller s ON s.id = ps.seller_id
		ORDER BY ps.n
		RETURNING id, order_no, seller_id, total_minor
	), items AS (
		INSERT INTO oms.order_item (order_id, line_no, item_id, sku, name, qty, unit_price_minor)
		SELECT ins.id, row_number() OVER (PARTITION BY l.seller_id ORDER BY l.n), l.item_id, l.sku, l.name,
		       l.qty, l.price_minor
		FROM lines l JOIN ins ON ins.seller_id = l.seller_id
	), pay AS (
		INSERT INTO oms.payment (order_id, amount_minor, currency)
		SELECT ins.id, ins.total_minor, p_currency FROM ins
	), jobs AS (
		INSERT INTO oms.outbox (kind, dedupe_key, order_id, payload)
		SELECT 'payment_verify', 'payment_verify:' || ins.order_no, ins.id,
		       jsonb_build_object('order_no', ins.order_no, 'checkout_id', v_checkout,
		                          'amount_minor', ins.total_minor, 'currency', p_currency)
		FROM ins
	)
	SELECT ins.order_no, ins.seller_id, ins.total_minor FROM ins ORDER BY ins.order_no;
EXCEPTION
	WHEN check_violation THEN
		IF SQLERRM LIKE '%orders_total_positive%' THEN    -- BR-003 (all items free, no shipping)
			PERFORM oms.refuse('BR-003: an order total must be positive');
		END IF;
		RAISE;
END
$$;

-- ---------------------------------------------------------------------------
-- Cancellation (BR-014, BR-020..BR-027)

-- Cancel a whole order. Concurrent callers queue on the order's row lock;
-- one wins, the others get OM002 "already cancelled".
CREATE FUNCTION oms_api.cancel_order(p_order_no bigint, p_reason text, p_note text DEFAULT NULL,
                                     p_override_reason text DEFAULT NULL)
RETURNS TABLE (cancellation_id bigint, state text, refund_id bigint)
LANGUAGE sql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
	SELECT * FROM oms.request_cancellation('cancel_order', p_order_no, NULL, p_reason, p_note, p_override_reason)
$$;

-- Cancel some lines: p_lines = [{"line_no": 1, "qty": 2}, ...]. Same rules;
-- the refund covers just those lines (the whole rest when nothing is left).
CREATE FUNCTION oms_api.cancel_lines(p_order_no bigint, p_lines jsonb, p_reason text, p_note text DEFAULT NULL)
RETURNS TABLE (cancellation_id bigint, state text, refund_id bigint)
LANGUAGE sql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
	SELECT * FROM oms.request_cancellation('cancel_lines', p_order_no,
	                                       coalesce(p_lines, '[]'::jsonb), p_reason, p_note, NULL)
$$;

-- The seller's fulfilment staff (or an administrator) approve or reject a
-- cancellation that waits after the window. Rejecting needs a note.
CREATE FUNCTION oms_api.decide_cancellation(p_cancellation_id bigint, p_approve boolean, p_note text)
RETURNS TABLE (cancellation_id bigint, state text, refund_id bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	v_role constant text := oms.begin_action('decide_cancellation', 'fulfilment', 'admin');
	v_cancel oms.cancellation;
	v_order oms.orders;
	v_refund bigint;
BEGIN
	IF p_approve IS NULL THEN
		RAISE EXCEPTION 'say approve (true) or reject (false)' USING ERRCODE = '22023';
	END IF;
	IF NOT p_approve AND nullif(btrim(p_note), '') IS NULL THEN
		RAISE EXCEPTION 'rejecting a cancellation needs a note for the customer service' USING ERRCODE = '22023';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM oms.cancellation c WHERE c.id = p_cancellation_id) THEN
		RAISE EXCEPTION 'cancellation % not found', p_cancellation_id USING ERRCODE = 'P0002';
	END IF;
	v_order := oms.lock_order((SELECT c.order_id FROM oms.cancellation c WHERE c.id = p_cancellation_id),
	                          NULL, v_role);
	SELECT * INTO v_cancel FROM oms.cancellation c WHERE c.id = p_cancellation_id;
	IF v_cancel.state <> 'pending_approval' THEN
		RAISE EXCEPTION 'cancellation % was already decided (%)', p_cancellation_id, v_cancel.state
			USING ERRCODE = 'OM002';
	END IF;
	IF p_approve AND v_order.status NOT IN ('PENDING', 'CONFIRMED') THEN
		PERFORM oms.refuse(format('BR-022: order %s is %s now; reject this cancellation and start a return',
		                          v_order.order_no, v_order.status));
	END IF;

	UPDATE oms.cancellation c
	SET state = CASE WHEN p_approve THEN 'done' ELSE 'rejected' END,
	    decided_by = session_user, decided_at = now(), decision_note = nullif(btrim(p_note), '')
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

-- ---------------------------------------------------------------------------
-- Refunds

-- A discretionary (partial) refund: recorded with approval 'pending' until
-- an administrator decides (BR-027); never more than is left (BR-028).
CREATE FUNCTION oms_api.request_refund(p_order_no bigint, p_amount_minor bigint, p_reason text,
                                       p_note text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('request_refund', 'csr', 'admin');
	v_order oms.orders;
	v_left bigint;
BEGIN
	IF p_amount_minor IS NULL OR p_amount_minor <= 0 THEN
		RAISE EXCEPTION 'a refund amount must be positive' USING ERRCODE = '22023';
	END IF;
	IF nullif(btrim(p_reason), '') IS NULL THEN
		RAISE EXCEPTION 'a refund needs a reason' USING ERRCODE = '22023';
	END IF;
	v_order := oms.lock_order(NULL, p_order_no, v_role);
	v_left := oms.refundable_minor(v_order.id);
	IF p_amount_minor > v_left THEN
		PERFORM oms.refuse(format('BR-028: a refund of %s exceeds the %s left to refund on order %s',
		                          p_amount_minor, greatest(v_left, 0), p_order_no));
	END IF;
	RETURN oms.grant_refund(v_order, NULL, p_amount_minor, btrim(p_reason), nullif(btrim(p_note), ''), 'pending');
END
$$;

CREATE FUNCTION oms_api.decide_refund(p_refund_id bigint, p_approve boolean, p_note text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('decide_refund', 'admin');
	v_order oms.orders;
	v_refund oms.refund;
BEGIN
	IF p_approve IS NULL THEN
		RAISE EXCEPTION 'say approve (true) or reject (false)' USING ERRCODE = '22023';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM oms.refund r WHERE r.id = p_refund_id) THEN
		RAISE EXCEPTION 'refund % not found', p_refund_id USING ERRCODE = 'P0002';
	END IF;
	v_order := oms.lock_order((SELECT r.order_id FROM oms.refund r WHERE r.id = p_refund_id), NULL, v_role);
	SELECT * INTO v_refund FROM oms.refund r WHERE r.id = p_refund_id;
	IF v_refund.approval <> 'pending' THEN
		RAISE EXCEPTION 'refund % was already decided (%)', p_refund_id, v_refund.approval USING ERRCODE = 'OM002';
	END IF;
	UPDATE oms.refund r
	SET approval = CASE WHEN p_approve THEN 'approved' ELSE 'rejected' END,
	    approved_by = session_user, approved_at = now(), decision_note = nullif(btrim(p_note), '')
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

-- The worker reports what the gateway did with a refund. Repeating the same
-- final result is harmless; changing a final result is a conflict.
CREATE FUNCTION oms_api.refund_result(p_refund_id bigint, p_status text, p_provider_refund_id text, p_message text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('refund_result', 'worker');
	v_order oms.orders;
	v_refund oms.refund;
BEGIN
	IF p_status IS NULL OR p_status NOT IN ('pending', 'succeeded', 'failed', 'canceled') THEN
		RAISE EXCEPTION 'refund status must be pending, succeeded, failed or canceled' USING ERRCODE = '22023';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM oms.refund r WHERE r.id = p_refund_id) THEN
		RAISE EXCEPTION 'refund % not found', p_refund_id USING ERRCODE = 'P0002';
	END IF;
	v_order := oms.lock_order((SELECT r.order_id FROM oms.refund r WHERE r.id = p_refund_id), NULL, v_role);
	SELECT * INTO v_refund FROM oms.refund r WHERE r.id = p_refund_id;
	IF v_refund.status IN ('succeeded', 'failed', 'canceled') THEN
		IF v_refund.status = p_status THEN
			RETURN;
		END IF;
		RAISE EXCEPTION 'refund % is already %', p_refund_id, v_refund.status USING ERRCODE = 'OM002';
	END IF;
	UPDATE oms.refund r
	SET status = p_status,
	    provider_refund_id = coalesce(nullif(p_provider_refund_id, ''), r.provider_refund_id),
	    executed_at = CASE WHEN p_status = 'succeeded' THEN now() END,
	    last_message = p_message
	WHERE r.id = p_refund_id;
	IF p_status IN ('succeeded', 'failed') THEN
		PERFORM oms.enqueue('mail', format('mail:refund_%s:%s', p_status, p_refund_id), v_order.id, p_refund_id,
			jsonb_build_object('template', 'refund_' || p_status, 'order_no', v_order.order_no,
			                   'refund_id', p_refund_id, 'amount_minor', v_refund.amount_minor,
			                   'currency', v_refund.currency));
	END IF;
END
$$;

-- ---------------------------------------------------------------------------
-- Payment (BR-011) and shipping (BR-012, BR-013)

-- The worker verified a payment with the gateway. The amount must match
-- the order total. Money that arrives for an order cancelled meanwhile is
-- refunded at once (BR-024).
CREATE FUNCTION oms_api.confirm_payment(p_order_no bigint, p_provider_ref text, p_amount_minor bigint)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('confirm_payment', 'worker');
	v_order oms.orders;
	v_payment oms.payment;
	v_cancel bigint;
BEGIN
	v_order := oms.lock_order(NULL, p_order_no, v_role);
	SELECT * INTO v_payment FROM oms.payment p WHERE p.order_id = v_order.id;
	IF v_payment.status = 'verified' THEN
		RAISE EXCEPTION 'payment of order % is already verified', p_order_no USING ERRCODE = 'OM002';
	END IF;
	IF p_amount_minor IS DISTINCT FROM v_order.total_minor THEN
		PERFORM oms.refuse(format('BR-011: payment of %s does not match the total %s of order %s',
		                          p_amount_minor, v_order.total_minor, p_order_no));
	END IF;
	IF v_order.status NOT IN ('PENDING', 'CANCELLED') THEN
		RAISE EXCEPTION 'order % is already %', p_order_no, v_order.status USING ERRCODE = 'OM002';
	END IF;

	UPDATE oms.payment p
	SET status = 'verified', verified_at = now(), provider_ref = p_provider_ref,
	    amount_minor = p_amount_minor, attempts = p.attempts + 1
	WHERE p.order_id = v_order.id;

	IF v_order.status = 'CANCELLED' THEN
		SELECT max(c.id) INTO v_cancel FROM oms.cancellation c WHERE c.order_id = v_order.id AND c.state = 'done';
		PERFORM oms.grant_refund(v_order, v_cancel, p_amount_minor, 'paid after cancellation', NULL, 'auto');
		RETURN 'CANCELLED';
	END IF;

	UPDATE oms.orders SET status = 'CONFIRMED' WHERE id = v_order.id;
	PERFORM oms.enqueue('mail', 'mail:confirmed:' || p_order_no, v_order.id, NULL,
		jsonb_build_object('template', 'order_confirmed', 'order_no', p_order_no));
	PERFORM oms.enqueue('seller_notify', 'seller_notify:new:' || p_order_no, v_order.id, NULL,
		jsonb_build_object('event', 'new_order', 'order_no', p_order_no, 'seller_id', v_order.seller_id));
	RETURN 'CONFIRMED';
END
$$;

-- The worker could not verify a payment. After payment_verify_attempts
-- failures the payment is marked failed and the customer is told; the
-- order stays PENDING (pending payment) and can be cancelled.
CREATE FUNCTION oms_api.payment_failed(p_order_no bigint, p_error text)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('payment_failed', 'worker');
	v_order oms.orders;
	v_status text;
BEGIN
	v_order := oms.lock_order(NULL, p_order_no, v_role);
	UPDATE oms.payment p
	SET attempts = p.attempts + 1,
	    status = CASE WHEN p.attempts + 1 >= oms.policy_get('payment_verify_attempts')::int
	                  THEN 'failed' ELSE 'pending' END
	WHERE p.order_id = v_order.id AND p.status <> 'verified'
	RETURNING p.status INTO v_status;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'payment of order % is already verified', p_order_no USING ERRCODE = 'OM002';
	END IF;
	IF v_status = 'failed' THEN
		PERFORM oms.enqueue('mail', 'mail:payment_failed:' || p_order_no, v_order.id, NULL,
			jsonb_build_object('template', 'payment_failed', 'order_no', p_order_no));
	END IF;
	RETURN v_status;
END
$$;

-- BR-012: shipping needs a tracking number; the order becomes SHIPPED with
-- an estimated delivery date (carrier transit days, business days only).
CREATE FUNCTION oms_api.mark_shipped(p_order_no bigint, p_carrier text, p_tracking_no text,
                                     p_service_level text DEFAULT 'ground')
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('mark_shipped', 'fulfilment', 'admin');
	v_order oms.orders;
	v_id bigint;
BEGIN
	IF nullif(btrim(p_tracking_no), '') IS NULL THEN
		PERFORM oms.refuse(format('BR-012: order %s needs a tracking number to be shipped', p_order_no));
	END IF;
	IF nullif(btrim(p_carrier), '') IS NULL THEN
		RAISE EXCEPTION 'name the carrier' USING ERRCODE = '22023';
	END IF;
	v_order := oms.lock_order(NULL, p_order_no, v_role);
	IF v_order.status = 'CANCELLED' THEN
		PERFORM oms.refuse(format('BR-015: order %s is cancelled', p_order_no));
	ELSIF v_order.status = 'PENDING' THEN
		PERFORM oms.refuse(format('BR-011: order %s is not confirmed yet (payment not verified)', p_order_no));
	ELSIF v_order.status <> 'CONFIRMED' THEN
		RAISE EXCEPTION 'order % is already %', p_order_no, v_order.status USING ERRCODE = 'OM002';
	END IF;

	INSERT INTO oms.shipment (order_id, carrier, service_level, tracking_no, estimated_delivery)
	VALUES (v_order.id, btrim(p_carrier), coalesce(p_service_level, 'ground'), btrim(p_tracking_no),
	        oms.add_business_days(current_date, oms.transit_days(coalesce(p_service_level, 'ground'))))
	RETURNING id INTO v_id;
	UPDATE oms.orders SET status = 'SHIPPED' WHERE id = v_order.id;
	PERFORM oms.enqueue('mail', 'mail:shipped:' || v_id, v_order.id, NULL,
		jsonb_build_object('template', 'order_shipped', 'order_no', p_order_no, 'shipment_id', v_id));
	RETURN v_id;
END
$$;

-- A carrier scan, as fetched by the worker. Repeated scans are ignored;
-- a scan older than the last one is kept but moves nothing. The carrier is
-- the actor in the audit trail. Returns the order's status.
CREATE FUNCTION oms_api.record_tracking_event(p_tracking_no text, p_status text, p_at timestamptz,
                                              p_location text, p_description text)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('record_tracking_event', 'worker');
	v_ship oms.shipment;
	v_order oms.orders;
	v_target text;
BEGIN
	SELECT * INTO v_ship FROM oms.shipment s WHERE s.tracking_no = p_tracking_no;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no shipment with tracking number %', p_tracking_no USING ERRCODE = 'P0002';
	END IF;
	v_order := oms.lock_order(v_ship.order_id, NULL, v_role);
	SELECT * INTO v_ship FROM oms.shipment s WHERE s.id = v_ship.id;     -- re-read under the lock
	PERFORM set_config('oms.actor', v_ship.carrier, true);

	INSERT INTO oms.shipment_event (shipment_id, at, status, location, description)
	VALUES (v_ship.id, coalesce(p_at, now()), p_status, p_location, p_description)
	ON CONFLICT (shipment_id, at, status) DO NOTHING;
	IF NOT FOUND OR (v_ship.last_event_at IS NOT NULL AND coalesce(p_at, now()) < v_ship.last_event_at) THEN
		RETURN v_order.status;                        -- repeated or late scan
	END IF;

	UPDATE oms.shipment s
	SET status = p_status, last_event_at = coalesce(p_at, now()), flagged = false, flagged_at = NULL
	WHERE s.id = v_ship.id;

	v_target := CASE p_status
		WHEN 'in_transit' THEN 'IN_TRANSIT'
		WHEN 'out_for_delivery' THEN 'OUT_FOR_DELIVERY'
		WHEN 'delivered' THEN 'DELIVERED'
		WHEN 'failure' THEN 'DELIVERY_EXCEPTION'
		WHEN 'return_to_sender' THEN 'DELIVERY_EXCEPTION'
		WHEN 'error' THEN 'DELIVERY_EXCEPTION'
	END;
	IF v_target IS NOT NULL AND v_target <> v_order.status
	   AND EXISTS (SELECT 1 FROM oms.order_transition t WHERE t.from_status = v_order.status AND t.to_status = v_target) THEN
		UPDATE oms.orders SET status = v_target WHERE id = v_order.id;
		IF v_target IN ('OUT_FOR_DELIVERY', 'DELIVERED', 'DELIVERY_EXCEPTION') THEN
			PERFORM oms.enqueue('mail', format('mail:%s:%s', lower(v_target), v_ship.id), v_order.id, NULL,
				jsonb_build_object('template', 'order_' || lower(v_target), 'order_no', v_order.order_no,
				                   'shipment_id', v_ship.id));
		END IF;
		RETURN v_target;
	END IF;
	RETURN v_order.status;
END
$$;

-- Flag shipments without a carrier scan for stuck_shipment_hours (the
-- worker runs this periodically). Returns how many were flagged.
CREATE FUNCTION oms_api.flag_stuck_shipments() RETURNS int
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('flag_stuck_shipments', 'worker', 'admin');
	v_n int;
BEGIN
	UPDATE oms.shipment s SET flagged = true, flagged_at = now()
	WHERE s.status NOT IN ('delivered', 'return_to_sender', 'cancelled') AND NOT s.flagged
	  AND coalesce(s.last_event_at, s.shipped_at)
	      < now() - make_interval(hours => oms.policy_get('stuck_shipment_hours')::int);
	GET DIAGNOSTICS v_n = ROW_COUNT;
	RETURN v_n;
END
$$;

-- ---------------------------------------------------------------------------
-- Outbox (the worker). A claimed job's next_attempt_at is the end of its
-- lease: if the worker dies, the job is due again then.

CREATE FUNCTION oms_api.outbox_claim(p_worker text, p_limit int) RETURNS SETOF oms.outbox
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('outbox_claim', 'worker');
	v_lease constant interval := oms.policy_get('outbox_lease')::interval;
BEGIN
	RETURN QUERY
	WITH due AS (
		SELECT o.id FROM oms.outbox o
		WHERE o.status IN ('ready', 'running') AND o.next_attempt_at <= now()
		ORDER BY o.next_attempt_at
		LIMIT least(greatest(coalesce(p_limit, 1), 1), 1000)
		FOR UPDATE SKIP LOCKED
	)
	UPDATE oms.outbox o
	SET status = 'running', locked_by = p_worker, locked_until = now() + v_lease,
	    next_attempt_at = now() + v_lease, attempts = o.attempts + 1, updated_at = now()
	FROM due WHERE o.id = due.id
	RETURNING o.*;
END
$$;

-- Finish a claimed job (fetching it FOR UPDATE so a slow worker whose lease
-- was taken over cannot flip a job another worker finished).
CREATE FUNCTION oms.outbox_finish(p_id bigint, p_status text, p_error text, p_result jsonb, p_delay interval)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
	v oms.outbox;
BEGIN
	SELECT * INTO v FROM oms.outbox WHERE id = p_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'outbox job % not found', p_id USING ERRCODE = 'P0002';
	ELSIF v.status = p_status AND p_status IN ('done', 'dead') THEN
		RETURN;                                        -- said twice: fine
	ELSIF v.status <> 'running' THEN
		RAISE EXCEPTION 'outbox job % is %, not running', p_id, v.status USING ERRCODE = 'OM002';
	END IF;
	UPDATE oms.outbox
	SET status = p_status, locked_by = NULL, locked_until = NULL, updated_at = now(),
	    last_error = coalesce(p_error, last_error), result = coalesce(p_result, result),
	    done_at = CASE WHEN p_status = 'done' THEN now() END,
	    next_attempt_at = CASE WHEN p_status = 'ready' THEN now() + p_delay ELSE next_attempt_at END
	WHERE id = p_id;
END
$$;

CREATE FUNCTION oms_api.outbox_done(p_id bigint, p_result jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM oms.begin_action('outbox_done', 'worker');
	PERFORM oms.outbox_finish(p_id, 'done', NULL, p_result, NULL);
END
$$;

CREATE FUNCTION oms_api.outbox_retry_later(p_id bigint, p_error text, p_delay_ms bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM oms.begin_action('outbox_retry_later', 'worker');
	PERFORM oms.outbox_finish(p_id, 'ready', p_error, NULL,
	                          make_interval(secs => greatest(coalesce(p_delay_ms, 0), 0) / 1000.0));
END
$$;

CREATE FUNCTION oms_api.outbox_dead(p_id bigint, p_error text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM oms.begin_action('outbox_dead', 'worker');
	PERFORM oms.outbox_finish(p_id, 'dead', p_error, NULL, NULL);
END
$$;

-- An administrator gives a dead job another life.
CREATE FUNCTION oms_api.outbox_requeue(p_id bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM oms.begin_action('outbox_requeue', 'admin');
	UPDATE oms.outbox
	SET status = 'ready', attempts = 0, next_attempt_at = now(), updated_at = now(),
	    locked_by = NULL, locked_until = NULL
	WHERE id = p_id AND status = 'dead';
	IF NOT FOUND THEN
		IF EXISTS (SELECT 1 FROM oms.outbox WHERE id = p_id) THEN
			RAISE EXCEPTION 'outbox job % is not dead', p_id USING ERRCODE = 'OM002';
		END IF;
		RAISE EXCEPTION 'outbox job % not found', p_id USING ERRCODE = 'P0002';
	END IF;
END
$$;

-- Jobs dying and being requeued are worth an audit line; routine delivery
-- is recorded in the outbox's own columns.
CREATE TRIGGER audit AFTER UPDATE ON oms.outbox
	FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status AND (OLD.status = 'dead' OR NEW.status = 'dead'))
	EXECUTE FUNCTION oms.audit_row('id');

-- ---------------------------------------------------------------------------
-- Administration

CREATE FUNCTION oms_api.policy_set(p_key text, p_value text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM oms.begin_action('policy_set', 'admin');
	IF NOT EXISTS (SELECT 1 FROM oms.policy WHERE key = p_key) THEN
		RAISE EXCEPTION 'no policy "%"', p_key USING ERRCODE = 'P0002';
	END IF;
	IF NOT oms.policy_value_ok(p_key, btrim(p_value)) THEN
		RAISE EXCEPTION 'policy %: "%" is not a valid value', p_key, p_value USING ERRCODE = '22023';
	END IF;
	UPDATE oms.policy SET value = btrim(p_value), updated_by = session_user, updated_at = now()
	WHERE key = p_key;
END
$$;

CREATE FUNCTION oms_api.reason_add(p_code text, p_label text, p_requires_note boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM oms.begin_action('reason_add', 'admin');
	IF p_code IS NULL OR p_code !~ '^[a-z][a-z0-9_]{1,39}$' THEN
		RAISE EXCEPTION 'a reason code is lower case letters, digits and _ (2-40)' USING ERRCODE = '22023';
	END IF;
	IF nullif(btrim(p_label), '') IS NULL THEN
		RAISE EXCEPTION 'a reason needs a label' USING ERRCODE = '22023';
	END IF;
	IF EXISTS (SELECT 1 FROM oms.cancellation_reason WHERE code = p_code) THEN
		RAISE EXCEPTION 'reason "%" exists already', p_code USING ERRCODE = 'OM002';
	END IF;
	INSERT INTO oms.cancellation_reason (code, label, requires_note)
	VALUES (p_code, btrim(p_label), coalesce(p_requires_note, false));
END
$$;

-- ---------------------------------------------------------------------------
-- Grants: EXECUTE per group, nothing for PUBLIC (default privileges of
-- 0001 already withhold it; said again here for the reader).

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA oms_api FROM PUBLIC;

GRANT EXECUTE ON FUNCTION oms_api.place_checkout(bigint, bigint, jsonb, text) TO oms_csr, oms_admin;
GRANT EXECUTE ON FUNCTION
	oms_api.cancel_order(bigint, text, text, text),
	oms_api.cancel_lines(bigint, jsonb, text, text)
	TO oms_csr, oms_fulfilment, oms_admin;
GRANT EXECUTE ON FUNCTION oms_api.decide_cancellation(bigint, boolean, text) TO oms_fulfilment, oms_admin;
GRANT EXECUTE ON FUNCTION oms_api.request_refund(bigint, bigint, text, text) TO oms_csr, oms_admin;
GRANT EXECUTE ON FUNCTION oms_api.decide_refund(bigint, boolean, text) TO oms_admin;
GRANT EXECUTE ON FUNCTION oms_api.mark_shipped(bigint, text, text, text) TO oms_fulfilment, oms_admin;
GRANT EXECUTE ON FUNCTION oms_api.flag_stuck_shipments() TO oms_worker, oms_admin;
GRANT EXECUTE ON FUNCTION
	oms_api.confirm_payment(bigint, text, bigint),
	oms_api.payment_failed(bigint, text),
	oms_api.record_tracking_event(text, text, timestamptz, text, text),
	oms_api.refund_result(bigint, text, text, text),
	oms_api.outbox_claim(text, int),
	oms_api.outbox_done(bigint, jsonb),
	oms_api.outbox_retry_later(bigint, text, bigint),
	oms_api.outbox_dead(bigint, text)
	TO oms_worker;
GRANT EXECUTE ON FUNCTION
	oms_api.outbox_requeue(bigint),
	oms_api.policy_set(text, text),
	oms_api.reason_add(text, text, boolean)
	TO oms_admin;

RESET ROLE;
RESET search_path;
