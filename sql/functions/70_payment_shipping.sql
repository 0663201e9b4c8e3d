-- sql/functions/70_payment_shipping.sql: Checkout, payment and shipping: placing a checkout, attaching and confirming payments, marking shipped, carrier events, stuck shipments.
--
-- The one definition of each function and view here, with its grants.
-- `oms migrate` re-applies this file (in one transaction, after the
-- numbered migrations) whenever its text changes: keep it re-appliable
-- (CREATE OR REPLACE; see sql/functions/README for a changed signature).

SET LOCAL search_path = oms, pg_catalog;
SET LOCAL ROLE oms_owner;

-- As in 0007, with max_line_qty per line and max_order_total_minor per order.
-- p_service_level (issue 11): the service level every order of the
-- checkout ships with (oms.orders.service_level: the fulfilment queue
-- shows and filters it, the confirmation mail's estimate counts it); NULL
-- or blank is 'ground'. A level given must be one an active carrier
-- offers (oms.carrier_service), else refused (unknown_service, OM001).
DROP FUNCTION IF EXISTS oms_api.place_checkout(bigint, bigint, jsonb, text);
CREATE OR REPLACE FUNCTION oms_api.place_checkout(p_customer_id bigint, p_address_id bigint, p_lines jsonb,
                                                  p_currency text DEFAULT 'USD',
                                                  p_service_level text DEFAULT NULL)
RETURNS TABLE (order_no bigint, seller_id bigint, total_minor bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	v_role constant text := oms.begin_action('place_checkout', 'csr', 'admin');
	v_max_qty constant int := oms.policy_get('max_line_qty')::int;
	v_max_total constant bigint := oms.policy_get('max_order_total_minor')::bigint;
	v_ship_to jsonb;
	v_checkout bigint;
	v_bad text;
	v_which jsonb;
	v_service constant text := coalesce(lower(nullif(btrim(p_service_level), '')), 'ground');
BEGIN
	IF nullif(btrim(p_service_level), '') IS NOT NULL
	   AND NOT EXISTS (SELECT 1 FROM oms.carrier_service cs JOIN oms.carrier c ON c.code = cs.carrier
	                   WHERE cs.service_level = v_service AND cs.active AND c.active) THEN
		SELECT jsonb_agg(DISTINCT cs.service_level) INTO v_which
		FROM oms.carrier_service cs JOIN oms.carrier c ON c.code = cs.carrier
		WHERE cs.active AND c.active;
		PERFORM oms.refuse(format('"%s" is not a service level any active carrier offers (%s)',
		                          left(btrim(p_service_level), 40),
		                          coalesce((SELECT string_agg(x, ', ' ORDER BY sl.position)
		                                    FROM jsonb_array_elements_text(v_which) x
		                                    JOIN oms.service_level sl ON sl.code = x), 'none')),
		                   jsonb_build_object('rule', 'unknown_service', 'field', 'service_level',
		                                      'service_level', left(btrim(p_service_level), 40),
		                                      'offered', coalesce(v_which, '[]'::jsonb)));
	END IF;
	IF NOT EXISTS (SELECT 1 FROM oms.customer c WHERE c.id = p_customer_id) THEN
		PERFORM oms.refuse(format('BR-004: customer %s does not exist', p_customer_id),
		                   jsonb_build_object('customer_id', p_customer_id));
	END IF;
	SELECT jsonb_build_object('name', a.name, 'line1', a.line1, 'line2', a.line2, 'city', a.city,
	                          'region', a.region, 'postal_code', a.postal_code, 'country', a.country)
	INTO v_ship_to
	FROM oms.address a WHERE a.id = p_address_id AND a.customer_id = p_customer_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'address % is not an address of customer %', p_address_id, p_customer_id
			USING ERRCODE = '22023',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'address_mismatch', 'field', 'address_id', 'address_id', p_address_id, 'customer_id', p_customer_id));
	END IF;
	IF p_lines IS NULL OR jsonb_typeof(p_lines) <> 'array' OR jsonb_array_length(p_lines) = 0 THEN
		PERFORM oms.refuse('BR-001: an order needs at least 1 item', jsonb_build_object('min', 1, 'count', 0));
	END IF;
	IF jsonb_array_length(p_lines) > oms.policy_get('max_order_items')::int THEN
		PERFORM oms.refuse(format('BR-002: an order may have at most %s items, this one has %s',
		                          oms.policy_get('max_order_items'), jsonb_array_length(p_lines)),
		                   jsonb_build_object('limit', oms.policy_get('max_order_items')::int,
		                                      'count', jsonb_array_length(p_lines)));
	END IF;
	SELECT string_agg(left(e::text, 80), ', '), jsonb_agg(n ORDER BY n) INTO v_bad, v_which
	FROM jsonb_array_elements(p_lines) WITH ORDINALITY AS t(e, n)
	WHERE jsonb_typeof(e -> 'item_id') IS DISTINCT FROM 'number' OR jsonb_typeof(e -> 'qty') IS DISTINCT FROM 'number'
	   OR (e ->> 'qty')::numeric < 1 OR (e ->> 'qty')::numeric <> trunc((e ->> 'qty')::numeric)
	   OR (e ->> 'item_id')::numeric <> trunc((e ->> 'item_id')::numeric)
	   OR (e ->> 'item_id')::numeric NOT BETWEEN 1 AND 9223372036854775807;
	IF v_bad IS NOT NULL THEN
		RAISE EXCEPTION 'each line needs an item_id and a whole qty >= 1: %', v_bad USING ERRCODE = '22023',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'bad_lines', 'lines', v_which));
	END IF;
	SELECT string_agg(x.item_id::text, ', '), jsonb_agg(x.item_id) INTO v_bad, v_which FROM (
		SELECT (e ->> 'item_id')::bigint AS item_id FROM jsonb_array_elements(p_lines) e
		GROUP BY 1 HAVING sum((e ->> 'qty')::numeric) > v_max_qty) x;
	IF v_bad IS NOT NULL THEN
		RAISE EXCEPTION 'at most % units of one item in an order (policy max_line_qty); item(s) % ask for more',
			v_max_qty, v_bad USING ERRCODE = '22023',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'max_line_qty', 'limit', v_max_qty, 'item_ids', v_which));
	END IF;
	-- under REPEATABLE READ / SERIALIZABLE an item retired after the
	-- snapshot raises 40001 here instead of being sold (BR-005)
	IF current_setting('transaction_isolation') <> 'read committed' THEN
		PERFORM 1 FROM oms.item i
		WHERE i.id IN (SELECT (e ->> 'item_id')::bigint FROM jsonb_array_elements(p_lines) e)
		ORDER BY i.id FOR SHARE;
	END IF;
	SELECT string_agg(DISTINCT (e ->> 'item_id'), ', '), jsonb_agg(DISTINCT (e ->> 'item_id')::bigint) INTO v_bad, v_which
	FROM jsonb_array_elements(p_lines) e
	LEFT JOIN oms.item i ON i.id = (e ->> 'item_id')::bigint
	WHERE i.id IS NULL OR NOT i.active;
	IF v_bad IS NOT NULL THEN
		PERFORM oms.refuse(format('BR-005: item(s) %s not active (or unknown)', v_bad),
		                   jsonb_build_object('item_ids', v_which));
	END IF;
	SELECT string_agg(DISTINCT i.sku, ', '), jsonb_agg(DISTINCT i.id) INTO v_bad, v_which
	FROM jsonb_array_elements(p_lines) e JOIN oms.item i ON i.id = (e ->> 'item_id')::bigint
	WHERE i.currency <> p_currency;
	IF v_bad IS NOT NULL THEN
		RAISE EXCEPTION 'item(s) % are not sold in %', v_bad, p_currency USING ERRCODE = '22023',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'currency_mismatch', 'currency', p_currency, 'item_ids', v_which));
	END IF;
	IF EXISTS (SELECT 1 FROM jsonb_array_elements(p_lines) e JOIN oms.item i ON i.id = (e ->> 'item_id')::bigint
	           GROUP BY i.seller_id HAVING sum((e ->> 'qty')::numeric * i.price_minor) > v_max_total) THEN
		RAISE EXCEPTION 'an order may total at most % minor units (policy max_order_total_minor)', v_max_total
			USING ERRCODE = '22023',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'max_order_total_minor', 'limit', v_max_total, 'currency', p_currency));
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
		                        ship_address_id, ship_to, service_level)
		SELECT v_checkout, p_customer_id, ps.seller_id, p_currency, ps.subtotal,
		       CASE WHEN s.free_shipping_over_minor IS NOT NULL AND ps.subtotal >= s.free_shipping_over_minor
		            THEN 0 ELSE s.shipping_flat_minor END,
		       p_address_id, v_ship_to, v_service
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
			PERFORM oms.refuse('BR-003: an order total must be positive',
			                   jsonb_build_object('customer_id', p_customer_id, 'currency', p_currency));
		END IF;
		RAISE;
END
$$;
REVOKE ALL ON FUNCTION oms_api.place_checkout(bigint,bigint,jsonb,text,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.place_checkout(bigint,bigint,jsonb,text,text) TO oms_admin, oms_csr;

-- BR-011: the payment the worker verified with the gateway pays this order:
-- the reference attached to it (when one is), no other order's, the total,
-- the currency (p_currency, when the gateway says it) and, when the shop
-- set it, the order number in the gateway object's metadata
-- (p_metadata_order_no, metadata[order_no]).
-- p_captured false: the gateway only authorised the money (a payment
-- intent in requires_capture); the order is confirmed all the same and a
-- payment_capture job captures it (issue 12).
DROP FUNCTION IF EXISTS oms_api.confirm_payment(bigint, text, bigint, text);
DROP FUNCTION IF EXISTS oms_api.confirm_payment(bigint, text, bigint, text, text);
CREATE OR REPLACE FUNCTION oms_api.confirm_payment(p_order_no bigint, p_provider_ref text, p_amount_minor bigint,
                                        p_currency text DEFAULT NULL, p_metadata_order_no text DEFAULT NULL,
                                        p_captured boolean DEFAULT true)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
SET lock_timeout = '2s'
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
		RAISE EXCEPTION 'payment of order % is already verified', p_order_no USING ERRCODE = 'OM002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'payment_verified', 'order_no', p_order_no));
	END IF;
	IF nullif(btrim(p_provider_ref), '') IS NULL THEN
		PERFORM oms.refuse(format('BR-011: a payment of order %s needs the gateway''s reference', p_order_no),
		                   jsonb_build_object('order_no', p_order_no, 'field', 'provider_ref'));
	END IF;
	IF v_payment.provider_ref IS NOT NULL AND v_payment.provider_ref <> p_provider_ref THEN
		PERFORM oms.refuse(format('BR-011: payment %s is not the payment attached to order %s',
		                          p_provider_ref, p_order_no),
		                   jsonb_build_object('order_no', p_order_no, 'provider_ref', p_provider_ref,
		                                      'attached_ref', v_payment.provider_ref));
	END IF;
	IF EXISTS (SELECT 1 FROM oms.payment p WHERE p.provider_ref = p_provider_ref AND p.order_id <> v_order.id) THEN
		PERFORM oms.refuse(format('BR-011: payment %s already pays another order', p_provider_ref),
		                   jsonb_build_object('order_no', p_order_no, 'provider_ref', p_provider_ref));
	END IF;
	IF p_amount_minor IS DISTINCT FROM v_order.total_minor THEN
		PERFORM oms.refuse(format('BR-011: payment of %s does not match the total %s of order %s',
		                          p_amount_minor, v_order.total_minor, p_order_no),
		                   jsonb_build_object('order_no', p_order_no, 'provider_ref', p_provider_ref, 'amount_minor', p_amount_minor,
		                                      'total_minor', v_order.total_minor, 'currency', v_order.currency));
	END IF;
	IF p_currency IS NOT NULL AND upper(p_currency) <> v_order.currency THEN
		PERFORM oms.refuse(format('BR-011: payment in %s does not match the currency %s of order %s',
		                          upper(left(p_currency, 3)), v_order.currency, p_order_no),
		                   jsonb_build_object('order_no', p_order_no, 'provider_ref', p_provider_ref,
		                                      'payment_currency', upper(left(p_currency, 3)), 'currency', v_order.currency));
	END IF;
	IF nullif(btrim(p_metadata_order_no), '') IS NOT NULL AND btrim(p_metadata_order_no) <> p_order_no::text THEN
		PERFORM oms.refuse(format('BR-011: payment %s was made for order %s, not order %s',
		                          p_provider_ref, left(btrim(p_metadata_order_no), 20), p_order_no),
		                   jsonb_build_object('order_no', p_order_no, 'provider_ref', p_provider_ref,
		                                      'metadata_order_no', left(btrim(p_metadata_order_no), 20)));
	END IF;
	IF v_order.status NOT IN ('PENDING', 'CANCELLED') THEN
		RAISE EXCEPTION 'order % is already %', p_order_no, v_order.status USING ERRCODE = 'OM002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'order_status', 'order_no', p_order_no, 'status', v_order.status));
	END IF;

	UPDATE oms.payment p
	SET status = 'verified', verified_at = clock_timestamp(), provider_ref = p_provider_ref,
	    amount_minor = p_amount_minor, attempts = p.attempts + 1, looks = p.looks + 1,
	    gateway_status = CASE WHEN coalesce(p_captured, true) THEN 'succeeded' ELSE 'requires_capture' END,
	    captured = coalesce(p_captured, true),
	    captured_at = CASE WHEN coalesce(p_captured, true) THEN clock_timestamp() END
	WHERE p.order_id = v_order.id;
	-- a cancelled order's authorisation too: its capture claim finds
	-- nothing owed and cancels the payment intent
	IF NOT coalesce(p_captured, true) THEN
		PERFORM oms.enqueue('payment_capture', format('payment_capture:%s:%s', p_order_no, p_provider_ref),
			v_order.id, NULL, jsonb_build_object('order_no', p_order_no, 'provider_ref', p_provider_ref,
			                                     'amount_minor', p_amount_minor));
	END IF;

	IF v_order.status = 'CANCELLED' THEN
		SELECT max(c.id) INTO v_cancel FROM oms.cancellation c WHERE c.order_id = v_order.id AND c.state = 'done';
		PERFORM oms.grant_refund(v_order, v_cancel, p_amount_minor, 'paid after cancellation', NULL, 'auto');
		RETURN 'CANCELLED';
	END IF;

	UPDATE oms.orders SET status = 'CONFIRMED' WHERE id = v_order.id;
	-- the mail gives the estimate (issue 11): from today, the seller's
	-- handling days and the transit days of the order's service level to
	-- its address (oms.order_estimate, 75_carriers.sql)
	PERFORM oms.enqueue('mail', 'mail:confirmed:' || p_order_no, v_order.id, NULL,
		jsonb_strip_nulls(jsonb_build_object('template', 'order_confirmed', 'order_no', p_order_no,
		                                     'estimated_delivery', to_char(oms.order_estimate(v_order.id), 'YYYY-MM-DD'))));
	PERFORM oms.enqueue('seller_notify', 'seller_notify:new:' || p_order_no, v_order.id, NULL,
		jsonb_build_object('event', 'new_order', 'order_no', p_order_no, 'seller_id', v_order.seller_id));
	RETURN 'CONFIRMED';
EXCEPTION
	WHEN unique_violation THEN
		PERFORM oms.refuse(format('BR-011: payment %s already pays another order', p_provider_ref),
		                   jsonb_build_object('order_no', p_order_no, 'provider_ref', p_provider_ref));
END
$$;
REVOKE ALL ON FUNCTION oms_api.confirm_payment(bigint,text,bigint,text,text,boolean) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.confirm_payment(bigint,text,bigint,text,text,boolean) TO oms_worker;

-- The worker could not verify a payment. After payment_verify_attempts
-- failures the payment is marked failed and the customer is told; the
-- order stays PENDING (pending payment) and can be cancelled.
CREATE OR REPLACE FUNCTION oms_api.payment_failed(p_order_no bigint, p_error text)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp SET lock_timeout = '2s'
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
		RAISE EXCEPTION 'payment of order % is already verified', p_order_no USING ERRCODE = 'OM002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'payment_verified', 'order_no', p_order_no));
	END IF;
	IF v_status = 'failed' THEN
		PERFORM oms.enqueue('mail', 'mail:payment_failed:' || p_order_no, v_order.id, NULL,
			jsonb_build_object('template', 'payment_failed', 'order_no', p_order_no));
	END IF;
	RETURN v_status;
END
$$;
REVOKE ALL ON FUNCTION oms_api.payment_failed(bigint,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.payment_failed(bigint,text) TO oms_worker;

-- The n-th wait (1-based) of a schedule policy such as '1 minute, 10
-- minutes, 1 hour': the last one repeats.
CREATE OR REPLACE FUNCTION oms.schedule_wait(p_policy text, p_n int) RETURNS interval
LANGUAGE plpgsql STABLE
AS $$
DECLARE
	v_steps text[] := string_to_array(oms.policy_get(p_policy), ',');
	v_n int := coalesce(array_length(v_steps, 1), 0);
BEGIN
	IF v_n = 0 THEN
		RETURN interval '1 minute';
	END IF;
	RETURN btrim(v_steps[least(greatest(coalesce(p_n, 1), 1), v_n)])::interval;
EXCEPTION
	WHEN invalid_datetime_format OR datetime_field_overflow THEN
		RETURN interval '1 minute';                   -- a malformed policy never stops the worker
END
$$;
REVOKE ALL ON FUNCTION oms.schedule_wait(text,int) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- One look at a payment the gateway has not (yet) settled (issue 12).
-- p_gateway_status is what the gateway said of the payment intent or
-- charge, or NULL when there is no reference to look up yet:
--   requires_action, processing, requires_confirmation, NULL: the payment
--     is on its way; not a failed look. requires_action queues the mail
--     "your bank needs you" once per reference.
--   requires_payment_method, canceled, failed, not_found: a failed look;
--     after payment_verify_attempts of them the payment fails.
-- Whatever the state, a payment not settled payment_verify_timeout after
-- its reference was attached (or the order was placed) fails. A failed
-- payment queues the customer's mail once per reference; the order stays
-- PENDING: a new reference can be attached (attach_payment) or it is
-- cancelled. Returns the payment's status and the wait before the next
-- look (payment_verify_schedule, never past the timeout); 0 when failed.
CREATE OR REPLACE FUNCTION oms_api.payment_look(p_order_no bigint, p_gateway_status text, p_error text,
                                                OUT status text, OUT next_look_ms bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp SET lock_timeout = '2s'
AS $$
DECLARE
	v_role constant text := oms.begin_action('payment_look', 'worker');
	v_gw constant text := lower(nullif(btrim(p_gateway_status), ''));
	v_order oms.orders;
	v_pay oms.payment;
	v_failed_look constant boolean := v_gw IN ('requires_payment_method', 'canceled', 'failed', 'not_found');
	v_deadline timestamptz;
	v_wait interval;
BEGIN
	IF v_gw IS NOT NULL AND v_gw !~ '^[a-z_]{1,40}$' THEN
		RAISE EXCEPTION 'unknown gateway status' USING ERRCODE = '22023',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'unknown_status', 'field', 'gateway_status',
			                                             'order_no', p_order_no));
	END IF;
	v_order := oms.lock_order(NULL, p_order_no, v_role);
	SELECT * INTO v_pay FROM oms.payment p WHERE p.order_id = v_order.id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'order % has no payment', p_order_no USING ERRCODE = 'P0002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'payment_not_found', 'order_no', p_order_no));
	ELSIF v_pay.status = 'verified' THEN
		RAISE EXCEPTION 'payment of order % is already verified', p_order_no USING ERRCODE = 'OM002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'payment_verified', 'order_no', p_order_no));
	ELSIF v_pay.status = 'failed' THEN
		status := 'failed';                            -- said already; nothing more to do
		next_look_ms := 0;
		RETURN;
	END IF;

	IF v_gw IS NULL AND v_pay.provider_ref IS NOT NULL THEN
		-- the worker found no reference, but one was attached since it
		-- read (attach_payment could not wake a job that was running):
		-- look at once
		status := 'pending';
		next_look_ms := 0;
		RETURN;
	END IF;
	v_deadline := coalesce(v_pay.attached_at, v_pay.created_at)
	              + oms.policy_get('payment_verify_timeout')::interval;
	UPDATE oms.payment p
	SET looks = p.looks + CASE WHEN v_gw IS NULL THEN 0 ELSE 1 END,
	    attempts = p.attempts + CASE WHEN v_failed_look THEN 1 ELSE 0 END,
	    gateway_status = coalesce(v_gw, p.gateway_status)
	WHERE p.order_id = v_order.id
	RETURNING * INTO v_pay;

	IF v_failed_look AND v_pay.attempts >= oms.policy_get('payment_verify_attempts')::int
	   OR clock_timestamp() >= v_deadline THEN
		UPDATE oms.payment p SET status = 'failed' WHERE p.order_id = v_order.id;
		PERFORM oms.enqueue('mail', format('mail:payment_failed:%s:%s', p_order_no,
		                                   coalesce(v_pay.provider_ref, '-')), v_order.id, NULL,
			jsonb_build_object('template', 'payment_failed', 'order_no', p_order_no));
		status := 'failed';
		next_look_ms := 0;
		RETURN;
	END IF;
	IF v_gw = 'requires_action' THEN
		PERFORM oms.enqueue('mail', format('mail:payment_action:%s:%s', p_order_no, v_pay.provider_ref),
			v_order.id, NULL, jsonb_build_object('template', 'payment_action_required', 'order_no', p_order_no));
	END IF;
	v_wait := least(oms.schedule_wait('payment_verify_schedule', greatest(v_pay.looks, 1)),
	                v_deadline - clock_timestamp());
	status := 'pending';
	next_look_ms := greatest(ceil(extract(epoch FROM v_wait) * 1000), 0)::bigint;
END
$$;
REVOKE ALL ON FUNCTION oms_api.payment_look(bigint,text,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.payment_look(bigint,text,text) TO oms_worker;

-- The capture of an authorised payment, claimed once under the order's
-- lock (issue 12): what is still owed is the authorised amount less the
-- refunds granted meanwhile (released: never taken); those approved are
-- left out of the capture (amount_to_capture), one still awaiting approval
-- is refunded after the capture if approved. action: 'capture' (amount
-- to capture), 'cancel' (nothing owed: the payment intent is cancelled) or
-- 'done' (nothing to do: captured already, or not a verified payment).
-- Asked again (a retried job), the first claim is returned as it was.
CREATE OR REPLACE FUNCTION oms_api.payment_capture_claim(p_order_id bigint)
RETURNS TABLE (order_no bigint, provider_ref text, action text, amount_minor bigint, authorised_minor bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp SET lock_timeout = '2s'
AS $$
#variable_conflict use_column
DECLARE
	v_role constant text := oms.begin_action('payment_capture_claim', 'worker');
	v_order oms.orders;
	v_pay oms.payment;
	v_released bigint;
BEGIN
	v_order := oms.lock_order(p_order_id, NULL, v_role);
	SELECT * INTO v_pay FROM oms.payment p WHERE p.order_id = v_order.id;
	IF NOT FOUND OR v_pay.status <> 'verified' OR coalesce(v_pay.captured, true)
	   OR v_pay.gateway_status = 'canceled' THEN
		RETURN QUERY SELECT v_order.order_no, coalesce(v_pay.provider_ref, ''), 'done'::text,
		                    0::bigint, coalesce(v_pay.amount_minor, 0);
		RETURN;
	END IF;
	IF v_pay.capture_minor IS NULL THEN
		IF v_pay.provider_ref LIKE 'ch\_%' THEN
			v_released := 0;                         -- a charge: captured whole, refunded after
		ELSE
			-- released refunds not (yet) approved are refunded after the
			-- capture instead, if they ever are
			UPDATE oms.refund r SET released = false
			WHERE r.order_id = v_order.id AND r.released AND r.status = 'not_sent'
			  AND r.approval NOT IN ('auto', 'approved');
			SELECT coalesce(sum(r.amount_minor), 0) INTO v_released
			FROM oms.refund r
			WHERE r.order_id = v_order.id AND r.released AND r.status = 'not_sent'
			  AND r.approval IN ('auto', 'approved');
		END IF;
		UPDATE oms.payment p
		SET capture_minor = greatest(p.amount_minor - v_released, 0), capture_claimed_at = clock_timestamp()
		WHERE p.order_id = v_order.id
		RETURNING * INTO v_pay;
	END IF;
	RETURN QUERY SELECT v_order.order_no, v_pay.provider_ref,
	                    CASE WHEN v_pay.capture_minor > 0 THEN 'capture' ELSE 'cancel' END,
	                    v_pay.capture_minor, v_pay.amount_minor;
END
$$;
REVOKE ALL ON FUNCTION oms_api.payment_capture_claim(bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.payment_capture_claim(bigint) TO oms_worker;

-- The gateway captured an authorised payment (payment_capture job): the
-- refunds the claim left out are settled (the rest of the authorisation
-- was released); a capture of another amount than claimed is an alert.
CREATE OR REPLACE FUNCTION oms_api.payment_captured(p_order_no bigint, p_provider_ref text, p_amount_minor bigint)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp SET lock_timeout = '2s'
AS $$
DECLARE
	v_role constant text := oms.begin_action('payment_captured', 'worker');
	v_order oms.orders;
	v_pay oms.payment;
BEGIN
	v_order := oms.lock_order(NULL, p_order_no, v_role);
	UPDATE oms.payment p
	SET captured = true, captured_at = coalesce(p.captured_at, clock_timestamp()), gateway_status = 'succeeded'
	WHERE p.order_id = v_order.id AND p.provider_ref = p_provider_ref AND p.status = 'verified'
	RETURNING * INTO v_pay;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'order % has no verified payment %', p_order_no, p_provider_ref USING ERRCODE = 'P0002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'payment_not_found', 'order_no', p_order_no,
			                                             'provider_ref', p_provider_ref));
	END IF;
	IF v_pay.capture_minor IS NOT NULL THEN
		PERFORM oms.refunds_released(v_order, format('released at the gateway: %s of the authorised %s captured',
		                                             p_amount_minor, v_pay.amount_minor));
	END IF;
	IF p_amount_minor IS DISTINCT FROM coalesce(v_pay.capture_minor, v_pay.amount_minor) THEN
		PERFORM oms.raise_alert('payment_capture_failed', v_order.id, NULL,
			jsonb_build_object('order_no', p_order_no, 'provider_ref', p_provider_ref,
			                   'captured_minor', p_amount_minor,
			                   'claimed_minor', coalesce(v_pay.capture_minor, v_pay.amount_minor),
			                   'problem', 'captured amount differs'));
	END IF;
END
$$;
REVOKE ALL ON FUNCTION oms_api.payment_captured(bigint,text,bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.payment_captured(bigint,text,bigint) TO oms_worker;

-- Nothing was owed when the capture was claimed: the worker cancelled the
-- payment intent, which releases the whole authorisation (issue 12); the
-- released refunds are settled, nothing was captured.
CREATE OR REPLACE FUNCTION oms_api.payment_capture_canceled(p_order_no bigint, p_provider_ref text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp SET lock_timeout = '2s'
AS $$
DECLARE
	v_role constant text := oms.begin_action('payment_capture_canceled', 'worker');
	v_order oms.orders;
BEGIN
	v_order := oms.lock_order(NULL, p_order_no, v_role);
	UPDATE oms.payment p SET gateway_status = 'canceled'
	WHERE p.order_id = v_order.id AND p.provider_ref = p_provider_ref AND p.status = 'verified'
	  AND NOT coalesce(p.captured, true) AND p.capture_minor = 0;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'order % has no uncaptured payment % claimed for cancelling', p_order_no, p_provider_ref
			USING ERRCODE = 'P0002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'payment_not_found', 'order_no', p_order_no,
			                                             'provider_ref', p_provider_ref));
	END IF;
	PERFORM oms.refunds_released(v_order, 'payment intent canceled before capture: the authorisation is released');
END
$$;
REVOKE ALL ON FUNCTION oms_api.payment_capture_canceled(bigint,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.payment_capture_canceled(bigint,text) TO oms_worker;

-- The gateway will not capture an authorised payment (the authorisation
-- expired or was cancelled): administrators are told; the order stays as
-- it is for them to decide.
CREATE OR REPLACE FUNCTION oms_api.payment_capture_failed(p_order_no bigint, p_provider_ref text, p_error text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp SET lock_timeout = '2s'
AS $$
DECLARE
	v_role constant text := oms.begin_action('payment_capture_failed', 'worker');
	v_order oms.orders;
BEGIN
	v_order := oms.lock_order(NULL, p_order_no, v_role);
	PERFORM oms.raise_alert('payment_capture_failed', v_order.id, NULL,
		jsonb_build_object('order_no', p_order_no, 'provider_ref', p_provider_ref,
		                   'problem', left(p_error, 300)));
END
$$;
REVOKE ALL ON FUNCTION oms_api.payment_capture_failed(bigint,text,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.payment_capture_failed(bigint,text,text) TO oms_worker;

-- As in 0008, and a reference that pays another order is refused.
CREATE OR REPLACE FUNCTION oms_api.attach_payment(p_order_no bigint, p_provider_ref text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('attach_payment', 'csr', 'admin');
	v_order oms.orders;
	v_status text;
BEGIN
	IF p_provider_ref IS NULL OR p_provider_ref !~ '^[A-Za-z0-9_-]{3,128}$' THEN
		RAISE EXCEPTION 'payment reference must be 3 to 128 letters, digits, _ or -'
			USING ERRCODE = '22023',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'payment_ref_format', 'field', 'provider_ref', 'min', 3, 'max', 128, 'order_no', p_order_no));
	END IF;
	v_order := oms.lock_order(NULL, p_order_no, v_role);
	SELECT status INTO v_status FROM oms.payment WHERE order_id = v_order.id;
	IF v_status IS NULL THEN
		RAISE EXCEPTION 'order % has no payment', p_order_no USING ERRCODE = 'P0002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'payment_not_found', 'order_no', p_order_no));
	ELSIF v_status NOT IN ('pending', 'failed') THEN
		RAISE EXCEPTION 'BR-011: the payment of order % is already %', p_order_no, v_status
			USING ERRCODE = 'OM001',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'BR-011', 'order_no', p_order_no, 'payment_status', v_status, 'provider_ref', p_provider_ref));
	END IF;
	IF EXISTS (SELECT 1 FROM oms.payment p WHERE p.provider_ref = p_provider_ref AND p.order_id <> v_order.id) THEN
		PERFORM oms.refuse(format('BR-011: payment %s already pays another order', p_provider_ref),
		                   jsonb_build_object('order_no', p_order_no, 'provider_ref', p_provider_ref));
	END IF;
	IF v_status = 'failed' AND v_order.status <> 'PENDING' THEN
		RAISE EXCEPTION 'BR-011: order % is %; a new payment cannot be attached', p_order_no, v_order.status
			USING ERRCODE = 'OM001',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'BR-011', 'order_no', p_order_no, 'status', v_order.status, 'provider_ref', p_provider_ref));
	END IF;
	-- A failed payment tried again (issue 12): the new reference starts a
	-- new verification, the old one is kept in previous_refs; the basket
	-- is the order's, untouched.
	UPDATE oms.payment p
	SET provider_ref = p_provider_ref, attached_at = clock_timestamp(), status = 'pending',
	    previous_refs = CASE WHEN p.provider_ref IS NOT NULL AND p.provider_ref <> p_provider_ref
	                         THEN p.previous_refs || p.provider_ref ELSE p.previous_refs END,
	    attempts = CASE WHEN v_status = 'failed' OR p.provider_ref IS DISTINCT FROM p_provider_ref THEN 0 ELSE p.attempts END,
	    looks = CASE WHEN v_status = 'failed' OR p.provider_ref IS DISTINCT FROM p_provider_ref THEN 0 ELSE p.looks END,
	    gateway_status = CASE WHEN p.provider_ref IS DISTINCT FROM p_provider_ref THEN NULL ELSE p.gateway_status END
	WHERE p.order_id = v_order.id;
	-- A verification that is not running any more (done after a failure,
	-- or dead) starts again; a waiting one looks at once.
	UPDATE oms.outbox j SET next_attempt_at = statement_timestamp(), updated_at = statement_timestamp()
	WHERE j.order_id = v_order.id AND j.kind = 'payment_verify' AND j.status = 'ready';
	IF NOT EXISTS (SELECT 1 FROM oms.outbox j WHERE j.order_id = v_order.id AND j.kind = 'payment_verify'
	               AND j.status IN ('ready', 'running')) THEN
		PERFORM oms.enqueue('payment_verify', format('payment_verify:%s:%s', p_order_no,
		                    (SELECT count(*) FROM oms.outbox j WHERE j.order_id = v_order.id AND j.kind = 'payment_verify')),
		                    v_order.id, NULL,
			jsonb_build_object('order_no', p_order_no, 'amount_minor', v_order.total_minor, 'currency', v_order.currency));
	END IF;
EXCEPTION
	WHEN unique_violation THEN                   -- attached elsewhere at the same moment
		PERFORM oms.refuse(format('BR-011: payment %s already pays another order', p_provider_ref),
		                   jsonb_build_object('order_no', p_order_no, 'provider_ref', p_provider_ref));
END
$$;
REVOKE ALL ON FUNCTION oms_api.attach_payment(bigint,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.attach_payment(bigint,text) TO oms_admin, oms_csr;

RESET ROLE;
