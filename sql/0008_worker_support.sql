-- 0008: what oms-worker needs beyond 0007.
--
-- outbox_release: a worker that claimed a job but must not run it now (the
-- service's circuit breaker is open) gives it back without spending an
-- attempt, saying why (shown to admins as the job's last error);
-- otherwise an outage would kill jobs that never reached the service.
--
-- attach_payment: the shop (or a CSR taking a phone order) records which
-- payment at the gateway pays a PENDING order, so the payment_verify job
-- has something to look up (BR-011). Only while the payment is pending.

SET LOCAL ROLE oms_owner;

CREATE FUNCTION oms_api.outbox_release(p_id bigint, p_delay_ms bigint, p_reason text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('outbox_release', 'worker');
	v oms.outbox;
BEGIN
	IF p_delay_ms IS NULL OR p_delay_ms < 0 OR p_delay_ms > 86400000 THEN
		RAISE EXCEPTION 'delay must be between 0 and 86400000 ms' USING ERRCODE = '22023';
	END IF;
	SELECT * INTO v FROM oms.outbox WHERE id = p_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'outbox job % not found', p_id USING ERRCODE = 'P0002';
	ELSIF v.status <> 'running' THEN
		RAISE EXCEPTION 'outbox job % is %, not running', p_id, v.status USING ERRCODE = 'OM002';
	END IF;
	UPDATE oms.outbox
	SET status = 'ready', locked_by = NULL, locked_until = NULL, updated_at = now(),
	    attempts = greatest(attempts - 1, 0),
	    last_error = coalesce(left(p_reason, 500), last_error),    -- why it waits, for admins
	    next_attempt_at = now() + p_delay_ms * interval '1 millisecond'
	WHERE id = p_id;
END
$$;

CREATE FUNCTION oms_api.attach_payment(p_order_no bigint, p_provider_ref text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('attach_payment', 'csr', 'admin');
	v_order oms.orders := oms.lock_order(NULL, p_order_no, v_role);
	v_status text;
BEGIN
	IF p_provider_ref IS NULL OR p_provider_ref !~ '^[A-Za-z0-9_-]{3,128}$' THEN
		RAISE EXCEPTION 'payment reference must be 3 to 128 letters, digits, _ or -'
			USING ERRCODE = '22023';
	END IF;
	SELECT status INTO v_status FROM oms.payment WHERE order_id = v_order.id FOR UPDATE;
	IF v_status IS NULL THEN
		RAISE EXCEPTION 'order % has no payment', p_order_no USING ERRCODE = 'P0002';
	ELSIF v_status <> 'pending' THEN
		RAISE EXCEPTION 'BR-011: the payment of order % is already %', p_order_no, v_status
			USING ERRCODE = 'OM001';
	END IF;
	UPDATE oms.payment SET provider_ref = p_provider_ref WHERE order_id = v_order.id;
END
$$;

REVOKE EXECUTE ON FUNCTION oms_api.outbox_release(bigint, bigint, text), oms_api.attach_payment(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION oms_api.outbox_release(bigint, bigint, text) TO oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.attach_payment(bigint, text) TO oms_csr, oms_admin;

RESET ROLE;
RESET search_path;
