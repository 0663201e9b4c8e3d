-- sql/functions/80_outbox.sql: The outbox and the worker: enqueueing, claiming, finishing, retrying and requeueing jobs.
--
-- The one definition of each function and view here, with its grants.
-- `oms migrate` re-applies this file (in one transaction, after the
-- numbered migrations) whenever its text changes: keep it re-appliable
-- (CREATE OR REPLACE; see sql/functions/README for a changed signature).

SET LOCAL search_path = oms, pg_catalog;
SET LOCAL ROLE oms_owner;

-- One job per event: the dedupe key makes a repeated event a no-op.
CREATE OR REPLACE FUNCTION oms.enqueue(p_kind text, p_dedupe_key text, p_order_id bigint, p_refund_id bigint,
                            p_payload jsonb) RETURNS void
LANGUAGE sql
AS $$
	INSERT INTO oms.outbox (kind, dedupe_key, order_id, refund_id, payload)
	VALUES (p_kind, p_dedupe_key, p_order_id, p_refund_id, p_payload)
	ON CONFLICT (dedupe_key) DO NOTHING
$$;
REVOKE ALL ON FUNCTION oms.enqueue(text,text,bigint,bigint,jsonb) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- Outbox (the worker). A claimed job's next_attempt_at is the end of its
-- lease: if the worker dies, the job is due again then. Times are the
-- statement's (statement_timestamp), never the transaction's start (now()):
-- a session holding a transaction open cannot shorten a lease or claim a
-- job early; and unlike clock_timestamp() it keeps the due index usable.
CREATE OR REPLACE FUNCTION oms_api.outbox_claim(p_worker text, p_limit int) RETURNS SETOF oms.outbox
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp SET lock_timeout = '2s'
AS $$
DECLARE
	v_role constant text := oms.begin_action('outbox_claim', 'worker');
	v_lease constant interval := oms.policy_get('outbox_lease')::interval;
BEGIN
	RETURN QUERY
	WITH due AS (
		SELECT o.id FROM oms.outbox o
		WHERE o.status IN ('ready', 'running') AND o.next_attempt_at <= statement_timestamp()
		ORDER BY o.next_attempt_at
		LIMIT least(greatest(coalesce(p_limit, 1), 1), 1000)
		FOR UPDATE SKIP LOCKED
	)
	UPDATE oms.outbox o
	SET status = 'running', locked_by = p_worker, locked_until = statement_timestamp() + v_lease,
	    next_attempt_at = statement_timestamp() + v_lease, attempts = o.attempts + 1, updated_at = statement_timestamp()
	FROM due WHERE o.id = due.id
	RETURNING o.*;
END
$$;
REVOKE ALL ON FUNCTION oms_api.outbox_claim(text,integer) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.outbox_claim(text,integer) TO oms_worker;

-- Finish a claimed job (fetching it FOR UPDATE so a slow worker whose lease
-- was taken over cannot flip a job another worker finished).
CREATE OR REPLACE FUNCTION oms.outbox_finish(p_id bigint, p_status text, p_error text, p_result jsonb, p_delay interval)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
	v oms.outbox;
BEGIN
	SELECT * INTO v FROM oms.outbox WHERE id = p_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'outbox job % not found', p_id USING ERRCODE = 'P0002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'job_not_found', 'job_id', p_id));
	ELSIF v.status = p_status AND p_status IN ('done', 'dead') THEN
		RETURN;                                        -- said twice: fine
	ELSIF v.status <> 'running' THEN
		RAISE EXCEPTION 'outbox job % is %, not running', p_id, v.status USING ERRCODE = 'OM002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'job_state', 'job_id', p_id, 'status', v.status, 'expected', 'running'));
	END IF;
	UPDATE oms.outbox
	SET status = p_status, locked_by = NULL, locked_until = NULL, updated_at = statement_timestamp(),
	    last_error = coalesce(p_error, last_error), result = coalesce(p_result, result),
	    done_at = CASE WHEN p_status = 'done' THEN statement_timestamp() END,
	    next_attempt_at = CASE WHEN p_status = 'ready' THEN statement_timestamp() + p_delay ELSE next_attempt_at END
	WHERE id = p_id;
END
$$;
REVOKE ALL ON FUNCTION oms.outbox_finish(bigint,text,text,jsonb,interval) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

CREATE OR REPLACE FUNCTION oms_api.outbox_done(p_id bigint, p_result jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp SET lock_timeout = '2s'
AS $$
BEGIN
	PERFORM oms.begin_action('outbox_done', 'worker');
	PERFORM oms.outbox_finish(p_id, 'done', NULL, p_result, NULL);
END
$$;
REVOKE ALL ON FUNCTION oms_api.outbox_done(bigint,jsonb) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.outbox_done(bigint,jsonb) TO oms_worker;

CREATE OR REPLACE FUNCTION oms_api.outbox_retry_later(p_id bigint, p_error text, p_delay_ms bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp SET lock_timeout = '2s'
AS $$
BEGIN
	PERFORM oms.begin_action('outbox_retry_later', 'worker');
	PERFORM oms.outbox_finish(p_id, 'ready', p_error, NULL,
	                          make_interval(secs => greatest(coalesce(p_delay_ms, 0), 0) / 1000.0));
END
$$;
REVOKE ALL ON FUNCTION oms_api.outbox_retry_later(bigint,text,bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.outbox_retry_later(bigint,text,bigint) TO oms_worker;

CREATE OR REPLACE FUNCTION oms_api.outbox_dead(p_id bigint, p_error text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp SET lock_timeout = '2s'
AS $$
BEGIN
	PERFORM oms.begin_action('outbox_dead', 'worker');
	PERFORM oms.outbox_finish(p_id, 'dead', p_error, NULL, NULL);
END
$$;
REVOKE ALL ON FUNCTION oms_api.outbox_dead(bigint,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.outbox_dead(bigint,text) TO oms_worker;

-- An administrator gives a dead job another life.
CREATE OR REPLACE FUNCTION oms_api.outbox_requeue(p_id bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM oms.begin_action('outbox_requeue', 'admin');
	UPDATE oms.outbox
	SET status = 'ready', attempts = 0, next_attempt_at = statement_timestamp(), updated_at = statement_timestamp(),
	    locked_by = NULL, locked_until = NULL
	WHERE id = p_id AND status = 'dead';
	IF NOT FOUND THEN
		IF EXISTS (SELECT 1 FROM oms.outbox WHERE id = p_id) THEN
			RAISE EXCEPTION 'outbox job % is not dead', p_id USING ERRCODE = 'OM002',
				DETAIL = oms.error_detail(jsonb_build_object('rule', 'job_state', 'job_id', p_id, 'status', (SELECT status FROM oms.outbox WHERE id = p_id), 'expected', 'dead'));
		END IF;
		RAISE EXCEPTION 'outbox job % not found', p_id USING ERRCODE = 'P0002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'job_not_found', 'job_id', p_id));
	END IF;
END
$$;
REVOKE ALL ON FUNCTION oms_api.outbox_requeue(bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.outbox_requeue(bigint) TO oms_admin;

CREATE OR REPLACE FUNCTION oms_api.outbox_release(p_id bigint, p_delay_ms bigint, p_reason text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp SET lock_timeout = '2s'
AS $$
DECLARE
	v_role constant text := oms.begin_action('outbox_release', 'worker');
	v oms.outbox;
BEGIN
	IF p_delay_ms IS NULL OR p_delay_ms < 0 OR p_delay_ms > 86400000 THEN
		RAISE EXCEPTION 'delay must be between 0 and 86400000 ms' USING ERRCODE = '22023',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'out_of_range', 'field', 'delay_ms', 'value', p_delay_ms, 'min', 0, 'max', 86400000));
	END IF;
	SELECT * INTO v FROM oms.outbox WHERE id = p_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'outbox job % not found', p_id USING ERRCODE = 'P0002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'job_not_found', 'job_id', p_id));
	ELSIF v.status <> 'running' THEN
		RAISE EXCEPTION 'outbox job % is %, not running', p_id, v.status USING ERRCODE = 'OM002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'job_state', 'job_id', p_id, 'status', v.status, 'expected', 'running'));
	END IF;
	UPDATE oms.outbox
	SET status = 'ready', locked_by = NULL, locked_until = NULL, updated_at = statement_timestamp(),
	    attempts = greatest(attempts - 1, 0),
	    last_error = coalesce(left(p_reason, 500), last_error),    -- why it waits, for admins
	    next_attempt_at = statement_timestamp() + p_delay_ms * interval '1 millisecond'
	WHERE id = p_id;
END
$$;
REVOKE ALL ON FUNCTION oms_api.outbox_release(bigint,bigint,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.outbox_release(bigint,bigint,text) TO oms_worker;

-- The worker tells administrators that the gateway refuses it as a whole
-- (401/403: the API key was rotated or revoked): one open alert at a
-- time; payment jobs wait behind the open breaker meanwhile (issue 12).
CREATE OR REPLACE FUNCTION oms_api.payment_gateway_alert(p_problem text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp SET lock_timeout = '2s'
AS $$
BEGIN
	PERFORM oms.begin_action('payment_gateway_alert', 'worker');
	PERFORM pg_advisory_xact_lock(hashtext('oms.payment_gateway_auth'));
	IF NOT EXISTS (SELECT 1 FROM oms.alert a WHERE a.kind = 'payment_gateway_auth' AND a.resolved_at IS NULL) THEN
		PERFORM oms.raise_alert('payment_gateway_auth', NULL, NULL,
			jsonb_build_object('problem', left(p_problem, 300)));
	END IF;
END
$$;
REVOKE ALL ON FUNCTION oms_api.payment_gateway_alert(text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.payment_gateway_alert(text) TO oms_worker;

-- The gateway's webhook events (issue 12, oms-worker's listener): stored
-- once by id; true when the event is new (act on it), false when it was
-- received before (acknowledge it again, do nothing). The listener calls
-- it in the transaction that acts on the event, and answers the gateway
-- after the COMMIT.
CREATE OR REPLACE FUNCTION oms_api.gateway_event_record(p_id text, p_type text, p_object_id text)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp SET lock_timeout = '2s'
AS $$
BEGIN
	PERFORM oms.begin_action('gateway_event_record', 'worker');
	IF p_id IS NULL OR p_id !~ '^[A-Za-z0-9_]{1,128}$' OR p_type IS NULL OR p_type !~ '^[a-z_.]{1,80}$' THEN
		RAISE EXCEPTION 'malformed gateway event' USING ERRCODE = '22023',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'gateway_event', 'field', 'id'));
	END IF;
	INSERT INTO oms.gateway_event (id, type, object_id)
	VALUES (p_id, p_type, CASE WHEN p_object_id ~ '^[A-Za-z0-9_]{1,128}$' THEN p_object_id END)
	ON CONFLICT (id) DO NOTHING;
	RETURN FOUND;
END
$$;
REVOKE ALL ON FUNCTION oms_api.gateway_event_record(text,text,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.gateway_event_record(text,text,text) TO oms_worker;

-- What the listener did about an event, in our words (for administrators).
CREATE OR REPLACE FUNCTION oms_api.gateway_event_outcome(p_id text, p_outcome text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp SET lock_timeout = '2s'
AS $$
BEGIN
	PERFORM oms.begin_action('gateway_event_outcome', 'worker');
	UPDATE oms.gateway_event SET outcome = left(p_outcome, 500) WHERE id = p_id;
END
$$;
REVOKE ALL ON FUNCTION oms_api.gateway_event_outcome(text,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.gateway_event_outcome(text,text) TO oms_worker;

-- The order a gateway payment reference pays (the one attached now), for
-- the webhook listener. No row: not one of ours.
CREATE OR REPLACE FUNCTION oms_api.payment_by_ref(p_provider_ref text)
RETURNS TABLE (order_no bigint, status text)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = oms, pg_catalog, pg_temp
AS $$
	SELECT o.order_no, p.status FROM oms.payment p JOIN oms.orders o ON o.id = p.order_id
	WHERE p.provider_ref = p_provider_ref
$$;
REVOKE ALL ON FUNCTION oms_api.payment_by_ref(text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.payment_by_ref(text) TO oms_worker;

-- The worker's reads (issue 9, the worker split): src/worker names one
-- function per read instead of selecting from the tables. SECURITY
-- INVOKER: each read is what the worker's own grants and row policies let
-- it see; a definer's rights would add nothing. STABLE, and none locks a
-- row, so a CSR's transaction left open on an order never stalls a read.
-- EXECUTE for oms_worker only.

-- The refund a "refund" job executes: what was granted (amount, currency,
-- approval), what the gateway knows of it so far (status, its refund id),
-- the idempotency key every attempt sends, and the payment it returns
-- money from. No row: the job names no refund.
-- captured: false when the payment was only authorised (the refund
-- cancels the payment intent instead); gateway_reason: the gateway's
-- reason word for ours (requested_by_customer, duplicate, fraudulent);
-- key_generation: how many fresh keys replaced the first (issue 12).
DROP FUNCTION IF EXISTS oms_api.refund_to_execute(bigint);
CREATE OR REPLACE FUNCTION oms_api.refund_to_execute(p_refund_id bigint)
RETURNS TABLE (amount_minor bigint, currency text, idempotency_key text, status text,
               provider_refund_id text, approval text, provider_ref text, order_no bigint,
               captured boolean, payment_amount_minor bigint, gateway_reason text, key_generation int)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = oms, pg_catalog, pg_temp
AS $$
	SELECT r.amount_minor, r.currency::text, r.idempotency_key::text, r.status,
	       coalesce(r.provider_refund_id, ''), r.approval, coalesce(p.provider_ref, ''),
	       o.order_no, coalesce(p.captured, true), coalesce(p.amount_minor, 0),
	       CASE WHEN r.reason ILIKE '%fraud%' THEN 'fraudulent'
	            WHEN r.reason ILIKE '%duplicate%' THEN 'duplicate'
	            ELSE 'requested_by_customer' END,
	       r.key_generation
	FROM oms.refund r
	JOIN oms.orders o ON o.id = r.order_id
	LEFT JOIN oms.payment p ON p.order_id = r.order_id
	WHERE r.id = p_refund_id
$$;

-- The authorised payment a "payment_capture" job captures; done is true
-- when there is nothing to capture any more (captured already, or the
-- order was cancelled before: its refund cancels the intent).
CREATE OR REPLACE FUNCTION oms_api.payment_to_capture(p_order_id bigint)
RETURNS TABLE (order_no bigint, provider_ref text, amount_minor bigint, currency text, done boolean)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = oms, pg_catalog, pg_temp
AS $$
	SELECT o.order_no, coalesce(p.provider_ref, ''), p.amount_minor, p.currency::text,
	       p.status <> 'verified' OR coalesce(p.captured, true) OR o.status = 'CANCELLED'
	FROM oms.orders o
	JOIN oms.payment p ON p.order_id = o.id
	WHERE o.id = p_order_id
$$;

-- The payment a "payment_verify" job looks up at the gateway. No row: the
-- order has no payment.
CREATE OR REPLACE FUNCTION oms_api.payment_to_verify(p_order_id bigint)
RETURNS TABLE (order_no bigint, provider_ref text, status text, amount_minor bigint, currency text)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = oms, pg_catalog, pg_temp
AS $$
	SELECT o.order_no, coalesce(p.provider_ref, ''), p.status, p.amount_minor, p.currency::text
	FROM oms.orders o
	JOIN oms.payment p ON p.order_id = o.id
	WHERE o.id = p_order_id
$$;

-- What a "mail" or "seller_notify" job needs besides its payload (which
-- carries ids only): recipient, names, lines, shipment, refund amount,
-- the latest cancellation's reason. Personal data the mail does not print
-- but the worker must mask in its log lines (the customer's phone, the
-- shipping address) comes apart, under "pii". Keys whose value is NULL are
-- left out; a shipment or refund of another order is not read. NULL: no
-- such order.
CREATE OR REPLACE FUNCTION oms_api.mail_data(p_order_id bigint, p_shipment_id bigint DEFAULT NULL,
                                  p_refund_id bigint DEFAULT NULL)
RETURNS jsonb
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = oms, pg_catalog, pg_temp
AS $$
	SELECT jsonb_strip_nulls(jsonb_build_object(
		'order_no', o.order_no, 'currency', o.currency, 'total_minor', o.total_minor,
		'customer_name', c.full_name, 'to', c.email, 'seller_email', s.email,
		'seller_name', s.name,
		'lines', (SELECT jsonb_agg(jsonb_build_object('name', i.name, 'sku', i.sku, 'qty', i.qty,
		                 'line_total_minor', i.qty * i.unit_price_minor) ORDER BY i.line_no)
		          FROM oms.order_item i WHERE i.order_id = o.id),
		'carrier', sh.carrier, 'tracking_no', sh.tracking_no,
		'estimated_delivery', sh.estimated_delivery::text,
		'refund_amount_minor', r.amount_minor,
		'reason_label', (SELECT cr.label FROM oms.cancellation ca
		                 JOIN oms.cancellation_reason cr ON cr.code = ca.reason_code
		                 WHERE ca.order_id = o.id ORDER BY ca.id DESC LIMIT 1),
		'pii', jsonb_build_object('phone', c.phone, 'ship_to', o.ship_to)))
	FROM oms.orders o
	JOIN oms.customer c ON c.id = o.customer_id
	JOIN oms.seller s ON s.id = o.seller_id
	LEFT JOIN oms.shipment sh ON sh.id = p_shipment_id AND sh.order_id = o.id
	LEFT JOIN oms.refund r ON r.id = p_refund_id AND r.order_id = o.id
	WHERE o.id = p_order_id
$$;

REVOKE ALL ON FUNCTION oms_api.refund_to_execute(bigint), oms_api.payment_to_verify(bigint),
	oms_api.payment_to_capture(bigint), oms_api.mail_data(bigint,bigint,bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.refund_to_execute(bigint), oms_api.payment_to_verify(bigint),
	oms_api.payment_to_capture(bigint), oms_api.mail_data(bigint,bigint,bigint) TO oms_worker;

RESET ROLE;
