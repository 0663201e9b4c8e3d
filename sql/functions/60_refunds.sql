-- sql/functions/60_refunds.sql: Refunds: the grant, the BR-028 guard, requests, the gateway's results, lists and cards.
--
-- The one definition of each function and view here, with its grants.
-- `oms migrate` re-applies this file (in one transaction, after the
-- numbered migrations) whenever its text changes: keep it re-appliable
-- (CREATE OR REPLACE; see sql/functions/README for a changed signature).

SET LOCAL search_path = oms, pg_catalog;
SET LOCAL ROLE oms_owner;

-- BR-028, checked when a refund is GRANTED (inserted, its amount changed,
-- or counted again after a rejection), never when the gateway reports what
-- it did: money that left is always recorded (refund_result raises an
-- alert when the ledger is overdrawn).
CREATE OR REPLACE FUNCTION oms.refund_guard_amount() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
	v_left bigint;
BEGIN
	IF NEW.approval = 'rejected' OR NEW.status IN ('failed', 'canceled') THEN
		RETURN NEW;
	END IF;
	IF TG_OP = 'UPDATE' AND OLD.approval = NEW.approval AND OLD.amount_minor = NEW.amount_minor THEN
		RETURN NEW;                                   -- the executed side: a fact, recorded
	END IF;
	v_left := oms.refundable_minor(NEW.order_id);
	IF TG_OP = 'UPDATE' AND OLD.approval <> 'rejected' AND OLD.status NOT IN ('failed', 'canceled') THEN
		v_left := v_left + OLD.amount_minor;          -- the row already counted itself
	END IF;
	IF NEW.amount_minor > v_left THEN
		PERFORM oms.refuse(format('BR-028: a refund of %s exceeds the %s left to refund on order %s',
			NEW.amount_minor, greatest(v_left, 0),
			(SELECT order_no FROM oms.orders WHERE id = NEW.order_id)),
			jsonb_build_object('order_no', (SELECT order_no FROM oms.orders WHERE id = NEW.order_id),
			                   'amount_minor', NEW.amount_minor, 'left_minor', greatest(v_left, 0),
			                   'currency', NEW.currency));
	END IF;
	RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION oms.refund_guard_amount() FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- As in 0007, with the clock.
CREATE OR REPLACE FUNCTION oms.grant_refund(p_order oms.orders, p_cancellation_id bigint, p_amount bigint,
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
	        CASE WHEN p_approval IN ('auto', 'approved') THEN clock_timestamp() END)
	RETURNING id, idempotency_key INTO v_id, v_key;
	-- A payment only authorised, whose capture the worker has not claimed
	-- yet (issue 12): this money is never taken. The capture claim
	-- (oms_api.payment_capture_claim) leaves it out (amount_to_capture)
	-- or cancels the payment intent when nothing is left; refunds granted
	-- after the claim are refunded once the capture is done. Decided here,
	-- under the order's lock, as the claim is: the two never overlap.
	UPDATE oms.refund r SET released = true
	WHERE r.id = v_id
	  AND EXISTS (SELECT 1 FROM oms.payment p
	              WHERE p.order_id = p_order.id AND p.status = 'verified' AND p.captured = false
	                AND p.capture_minor IS NULL AND p.provider_ref NOT LIKE 'ch\_%');
	IF p_approval IN ('auto', 'approved') THEN
		PERFORM oms.enqueue('refund', 'refund:' || v_id, p_order.id, v_id,
			jsonb_build_object('refund_id', v_id, 'order_no', p_order.order_no, 'amount_minor', p_amount,
			                   'currency', p_order.currency, 'idempotency_key', v_key,
			                   'payment_ref', (SELECT provider_ref FROM oms.payment WHERE order_id = p_order.id)));
	END IF;
	RETURN v_id;
END
$$;
REVOKE ALL ON FUNCTION oms.grant_refund(oms.orders,bigint,bigint,text,text,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

CREATE OR REPLACE FUNCTION oms_api.request_refund(p_order_no bigint, p_amount_minor bigint, p_reason text,
                                       p_note text DEFAULT NULL, p_request_key uuid DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('request_refund', 'csr', 'admin');
	v_reason constant text := oms.clean_text(p_reason);
	v_note constant text := oms.clean_text(p_note);
	v_order oms.orders;
	v_prior oms.refund;
	v_left bigint;
	v_id bigint;
BEGIN
	IF p_amount_minor IS NULL OR p_amount_minor <= 0 THEN
		RAISE EXCEPTION 'a refund amount must be positive' USING ERRCODE = '22023',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'amount_positive', 'field', 'amount_minor', 'amount_minor', p_amount_minor));
	END IF;
	IF v_reason IS NULL THEN
		RAISE EXCEPTION 'a refund needs a reason' USING ERRCODE = '22023',
			DETAIL = oms.error_detail('{"rule": "required", "field": "reason"}');
	END IF;
	PERFORM oms.check_text_len('a refund reason', p_reason);
	PERFORM oms.check_text_len('a note', p_note);
	v_order := oms.lock_order(NULL, p_order_no, v_role);

	-- a retry of the same request (same key): the first answer, once
	IF p_request_key IS NOT NULL THEN
		SELECT * INTO v_prior FROM oms.refund r WHERE r.request_key = p_request_key;
		IF FOUND THEN
			IF v_prior.order_id = v_order.id AND v_prior.amount_minor = p_amount_minor
			   AND v_prior.reason = v_reason AND v_prior.note IS NOT DISTINCT FROM v_note
			   AND v_prior.cancellation_id IS NULL AND v_prior.requested_by = session_user THEN
				RETURN v_prior.id;
			END IF;
			PERFORM oms.raise_error('22023', format('request key %s was used for another refund request; nothing was done',
			                                        p_request_key),
			                        jsonb_build_object('rule', 'request_key', 'request_key', p_request_key,
			                                           'refund_id', v_prior.id));
		END IF;
	END IF;

	v_left := oms.refundable_minor(v_order.id);
	IF p_amount_minor > v_left THEN
		PERFORM oms.refuse(format('BR-028: a refund of %s exceeds the %s left to refund on order %s',
		                          p_amount_minor, greatest(v_left, 0), p_order_no),
		                   jsonb_build_object('order_no', p_order_no, 'amount_minor', p_amount_minor,
		                                      'left_minor', greatest(v_left, 0), 'currency', v_order.currency));
	END IF;
	v_id := oms.grant_refund(v_order, NULL, p_amount_minor, v_reason, v_note, 'pending');
	IF p_request_key IS NOT NULL THEN
		UPDATE oms.refund SET request_key = p_request_key WHERE id = v_id;
	END IF;
	RETURN v_id;
END
$$;
REVOKE ALL ON FUNCTION oms_api.request_refund(bigint,bigint,text,text,uuid) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.request_refund(bigint,bigint,text,text,uuid) TO oms_admin, oms_csr;

-- The worker reports what the gateway did. A fact is never refused: a
-- repeated final result is harmless; a final result that changes (the
-- gateway's refund failed after it succeeded, or succeeded after we were
-- told it failed) is recorded as the gateway says and raises an alert;
-- so does a refund whose success makes the money returned exceed what was
-- paid.
CREATE OR REPLACE FUNCTION oms_api.refund_result(p_refund_id bigint, p_status text, p_provider_refund_id text,
                                                 p_message text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp SET lock_timeout = '2s'
AS $$
DECLARE
	v_role constant text := oms.begin_action('refund_result', 'worker');
	v_order oms.orders;
	v_refund oms.refund;
BEGIN
	IF p_status IS NULL OR p_status NOT IN ('pending', 'succeeded', 'failed', 'canceled', 'unknown', 'refused', 'discrepancy') THEN
		RAISE EXCEPTION 'refund status must be pending, succeeded, failed, canceled, unknown, refused or discrepancy' USING ERRCODE = '22023',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'unknown_status', 'field', 'status', 'value', p_status, 'allowed', jsonb_build_array('pending', 'succeeded', 'failed', 'canceled', 'unknown', 'refused', 'discrepancy')));
	END IF;
	IF NOT EXISTS (SELECT 1 FROM oms.refund r WHERE r.id = p_refund_id) THEN
		RAISE EXCEPTION 'refund % not found', p_refund_id USING ERRCODE = 'P0002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'refund_not_found', 'refund_id', p_refund_id));
	END IF;
	v_order := oms.lock_order((SELECT r.order_id FROM oms.refund r WHERE r.id = p_refund_id), NULL, v_role);
	SELECT * INTO v_refund FROM oms.refund r WHERE r.id = p_refund_id;
	IF v_refund.status = p_status AND p_status <> 'pending' THEN
		RETURN;                                        -- said twice: fine
	END IF;
	IF v_refund.status = 'settled_outside' THEN
		-- an administrator settled it; the job's word is late. The ledger
		-- keeps counting it once, as settled outside, and the customer is
		-- not mailed; but a late "succeeded" means the gateway returned
		-- the money as well: administrators are told (issue 12).
		IF p_status = 'succeeded' THEN
			PERFORM oms.raise_alert('refund_result_changed', v_order.id, p_refund_id,
				jsonb_build_object('order_no', v_order.order_no, 'was', v_refund.status, 'now', p_status,
				                   'amount_minor', v_refund.amount_minor, 'currency', v_refund.currency,
				                   'provider_refund_id', p_provider_refund_id,
				                   'problem', 'the gateway also returned the money settled outside it'));
		END IF;
		RETURN;
	END IF;
	IF v_refund.status IN ('succeeded', 'failed', 'canceled', 'discrepancy') THEN
		IF p_status IN ('pending', 'unknown', 'refused') THEN
			RETURN;                                    -- a late "pending" after a final answer
		END IF;
		PERFORM oms.raise_alert('refund_result_changed', v_order.id, p_refund_id,
			jsonb_build_object('order_no', v_order.order_no, 'was', v_refund.status, 'now', p_status,
			                   'amount_minor', v_refund.amount_minor, 'currency', v_refund.currency));
	END IF;
	UPDATE oms.refund r
	SET status = p_status,
	    provider_refund_id = coalesce(nullif(p_provider_refund_id, ''), r.provider_refund_id),
	    executed_at = CASE WHEN p_status = 'succeeded' THEN coalesce(r.executed_at, clock_timestamp()) END,
	    last_message = left(p_message, 500)
	WHERE r.id = p_refund_id;
	-- more money returned than was paid: only a fact from outside can say so
	IF p_status = 'succeeded' AND (SELECT coalesce(sum(r.amount_minor), 0) FROM oms.refund r
	                               WHERE r.order_id = v_order.id AND r.status = 'succeeded')
	   > coalesce((SELECT p.amount_minor FROM oms.payment p WHERE p.order_id = v_order.id AND p.status = 'verified'), 0)
	THEN
		PERFORM oms.raise_alert('ledger_overdrawn', v_order.id, p_refund_id,
			jsonb_build_object('order_no', v_order.order_no, 'left_minor', oms.refundable_minor(v_order.id),
			                   'currency', v_order.currency));
	END IF;
	-- issue 12: an answer that is not the refund we asked for (amount,
	-- currency, payment) is for administrators, never "succeeded" and
	-- never a mail; a refusal (400/402) tells administrators and, once,
	-- the customer that the money comes back another way.
	IF p_status = 'discrepancy' THEN
		PERFORM oms.raise_alert('refund_discrepancy', v_order.id, p_refund_id,
			jsonb_build_object('order_no', v_order.order_no, 'amount_minor', v_refund.amount_minor,
			                   'currency', v_refund.currency, 'provider_refund_id', p_provider_refund_id,
			                   'problem', left(p_message, 300)));
	ELSIF p_status = 'refused' THEN
		PERFORM oms.raise_alert('refund_refused', v_order.id, p_refund_id,
			jsonb_build_object('order_no', v_order.order_no, 'amount_minor', v_refund.amount_minor,
			                   'currency', v_refund.currency, 'problem', left(p_message, 300)));
		PERFORM oms.enqueue('mail', format('mail:refund_refused:%s', p_refund_id), v_order.id, p_refund_id,
			jsonb_build_object('template', 'refund_refused', 'order_no', v_order.order_no,
			                   'refund_id', p_refund_id, 'amount_minor', v_refund.amount_minor,
			                   'currency', v_refund.currency));
	END IF;
	IF p_status IN ('succeeded', 'failed') THEN
		PERFORM oms.enqueue('mail', format('mail:refund_%s:%s', p_status, p_refund_id), v_order.id, p_refund_id,
			jsonb_build_object('template', 'refund_' || p_status, 'order_no', v_order.order_no,
			                   'refund_id', p_refund_id, 'amount_minor', v_refund.amount_minor,
			                   'currency', v_refund.currency));
	END IF;
END
$$;
REVOKE ALL ON FUNCTION oms_api.refund_result(bigint,text,text,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.refund_result(bigint,text,text,text) TO oms_worker;

-- A refund the gateway left pending is looked at again on a schedule of
-- its own (refund_check_schedule), however long it takes: counts the look
-- and returns the wait before the next one, in milliseconds.
CREATE OR REPLACE FUNCTION oms_api.refund_followup(p_refund_id bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp SET lock_timeout = '2s'
AS $$
DECLARE
	v_role constant text := oms.begin_action('refund_followup', 'worker');
	v_checks int;
BEGIN
	UPDATE oms.refund r SET checks = r.checks + 1 WHERE r.id = p_refund_id RETURNING r.checks INTO v_checks;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'refund % not found', p_refund_id USING ERRCODE = 'P0002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'refund_not_found', 'refund_id', p_refund_id));
	END IF;
	RETURN greatest(ceil(extract(epoch FROM oms.schedule_wait('refund_check_schedule', v_checks)) * 1000), 0)::bigint;
END
$$;
REVOKE ALL ON FUNCTION oms_api.refund_followup(bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.refund_followup(bigint) TO oms_worker;

-- A refund that succeeded can still fail at the gateway later (the bank
-- sends the money back: Stripe's succeeded -> failed). The worker looks
-- at it again on a decaying schedule of its own ([payment] refund_recheck,
-- 1 hour, 1 day, 3 days, 7 days by default: a failure is most likely early
-- and rarely comes after a week): the p_check-th look, p_delay_ms from
-- now, as a refund job of its own (refund_id and order_id NULL: the
-- refund and its order number are in its payload, so that what is pending
-- for an order stays what it was; dedupe key refund_recheck:ID:N). Nothing
-- for a refund that is not (or no longer) succeeded. Issue 12.
CREATE OR REPLACE FUNCTION oms_api.refund_recheck_schedule(p_refund_id bigint, p_check int, p_delay_ms bigint)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp SET lock_timeout = '2s'
AS $$
DECLARE
	v_role constant text := oms.begin_action('refund_recheck_schedule', 'worker');
	v_refund oms.refund;
BEGIN
	SELECT * INTO v_refund FROM oms.refund r WHERE r.id = p_refund_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'refund % not found', p_refund_id USING ERRCODE = 'P0002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'refund_not_found', 'refund_id', p_refund_id));
	END IF;
	IF v_refund.status <> 'succeeded' OR v_refund.provider_refund_id IS NULL OR p_check IS NULL OR p_check < 1
	   OR p_delay_ms IS NULL OR p_delay_ms < 0 THEN
		RETURN;
	END IF;
	INSERT INTO oms.outbox (kind, dedupe_key, order_id, refund_id, payload, next_attempt_at)
	VALUES ('refund', format('refund_recheck:%s:%s', p_refund_id, p_check), NULL, NULL,
	        jsonb_build_object('recheck_refund_id', p_refund_id, 'check', p_check,
	                           'order_no', (SELECT o.order_no FROM oms.orders o WHERE o.id = v_refund.order_id)),
	        statement_timestamp() + p_delay_ms * interval '1 millisecond')
	ON CONFLICT (dedupe_key) DO NOTHING;
END
$$;
REVOKE ALL ON FUNCTION oms_api.refund_recheck_schedule(bigint,int,bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.refund_recheck_schedule(bigint,int,bigint) TO oms_worker;

-- The worker asked the gateway what became of a refund whose outcome was
-- unknown and it knows of none made with our metadata: the next request
-- goes with a fresh Idempotency-Key (the old one would only replay the
-- error). Returns the new key generation.
CREATE OR REPLACE FUNCTION oms_api.refund_new_key(p_refund_id bigint) RETURNS int
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp SET lock_timeout = '2s'
AS $$
DECLARE
	v_role constant text := oms.begin_action('refund_new_key', 'worker');
	v_gen int;
BEGIN
	UPDATE oms.refund r SET key_generation = r.key_generation + 1
	WHERE r.id = p_refund_id AND r.status IN ('not_sent', 'unknown', 'refused')
	RETURNING r.key_generation INTO v_gen;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'refund % cannot get a new key', p_refund_id USING ERRCODE = 'OM002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'refund_state', 'refund_id', p_refund_id,
			                                             'status', (SELECT status FROM oms.refund WHERE id = p_refund_id)));
	END IF;
	RETURN v_gen;
END
$$;
REVOKE ALL ON FUNCTION oms_api.refund_new_key(bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.refund_new_key(bigint) TO oms_worker;

-- Whether a refund of an authorised, uncaptured payment is released by
-- the capture (it waits for the payment_capture job, which settles it)
-- and whether that capture was claimed already (issue 12).
CREATE OR REPLACE FUNCTION oms_api.refund_release_state(p_refund_id bigint)
RETURNS TABLE (released boolean, capture_claimed boolean)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = oms, pg_catalog, pg_temp
AS $$
	SELECT r.released, p.capture_minor IS NOT NULL
	FROM oms.refund r
	LEFT JOIN oms.payment p ON p.order_id = r.order_id
	WHERE r.id = p_refund_id
$$;
REVOKE ALL ON FUNCTION oms_api.refund_release_state(bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.refund_release_state(bigint) TO oms_worker;

-- The refunds a capture released (captured less than authorised, or the
-- payment intent cancelled): settled as succeeded with the gateway's
-- word, the customer told as for any refund. Called under the order's
-- lock by payment_captured and payment_capture_canceled.
CREATE OR REPLACE FUNCTION oms.refunds_released(p_order oms.orders, p_message text) RETURNS int
LANGUAGE plpgsql
AS $$
DECLARE
	v_n int := 0;
	v_r oms.refund;
BEGIN
	FOR v_r IN
		UPDATE oms.refund r
		SET status = 'succeeded', executed_at = clock_timestamp(), last_message = left(p_message, 500)
		WHERE r.order_id = p_order.id AND r.released AND r.status = 'not_sent'
		  AND r.approval IN ('auto', 'approved')
		RETURNING r.*
	LOOP
		PERFORM oms.enqueue('mail', format('mail:refund_succeeded:%s', v_r.id), p_order.id, v_r.id,
			jsonb_build_object('template', 'refund_succeeded', 'order_no', p_order.order_no,
			                   'refund_id', v_r.id, 'amount_minor', v_r.amount_minor,
			                   'currency', v_r.currency));
		v_n := v_n + 1;
	END LOOP;
	RETURN v_n;
END
$$;
REVOKE ALL ON FUNCTION oms.refunds_released(oms.orders,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- An administrator sends a refused refund again (after the customer gave
-- another card, say) or one whose outcome is unknown (the worker asks the
-- gateway first): a new refund job, with a fresh key for a refused one.
CREATE OR REPLACE FUNCTION oms_api.refund_retry(p_refund_id bigint, p_note text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('refund_retry', 'admin');
	v_refund oms.refund;
	v_order oms.orders;
BEGIN
	PERFORM oms.check_text_len('a note', p_note);
	v_order := oms.lock_order((SELECT r.order_id FROM oms.refund r WHERE r.id = p_refund_id), NULL, v_role);
	SELECT * INTO v_refund FROM oms.refund r WHERE r.id = p_refund_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'refund % not found', p_refund_id USING ERRCODE = 'P0002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'refund_not_found', 'refund_id', p_refund_id));
	ELSIF v_refund.status NOT IN ('refused', 'unknown') THEN
		RAISE EXCEPTION 'refund % is %; only a refused refund or one whose outcome is unknown is sent again',
			p_refund_id, v_refund.status USING ERRCODE = 'OM002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'refund_state', 'refund_id', p_refund_id,
			                                             'status', v_refund.status, 'expected', jsonb_build_array('refused', 'unknown')));
	END IF;
	UPDATE oms.refund r
	SET status = CASE WHEN r.status = 'refused' THEN 'not_sent' ELSE r.status END,
	    key_generation = r.key_generation + CASE WHEN r.status = 'refused' THEN 1 ELSE 0 END,
	    checks = 0,
	    last_message = left(coalesce('retried: ' || oms.clean_text(p_note), 'retried'), 500)
	WHERE r.id = p_refund_id
	RETURNING * INTO v_refund;
	PERFORM oms.enqueue('refund', format('refund:%s:retry:%s', p_refund_id,
	                    (SELECT count(*) FROM oms.outbox j WHERE j.refund_id = p_refund_id AND j.kind = 'refund')),
		v_order.id, p_refund_id,
		jsonb_build_object('refund_id', p_refund_id, 'order_no', v_order.order_no, 'amount_minor', v_refund.amount_minor,
		                   'currency', v_refund.currency, 'retry', true));
END
$$;
REVOKE ALL ON FUNCTION oms_api.refund_retry(bigint,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.refund_retry(bigint,text) TO oms_admin;

-- An administrator returned the money another way (bank transfer, store
-- credit) for a refund the gateway refused, lost or answered wrongly: the
-- refund is settled outside the gateway, with a note saying how.
CREATE OR REPLACE FUNCTION oms_api.refund_settle_outside(p_refund_id bigint, p_note text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('refund_settle_outside', 'admin');
	v_refund oms.refund;
BEGIN
	IF oms.clean_text(p_note) IS NULL THEN
		RAISE EXCEPTION 'say how the money was returned' USING ERRCODE = '22023',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'required', 'field', 'note', 'refund_id', p_refund_id));
	END IF;
	PERFORM oms.check_text_len('a note', p_note);
	PERFORM oms.lock_order((SELECT r.order_id FROM oms.refund r WHERE r.id = p_refund_id), NULL, v_role);
	SELECT * INTO v_refund FROM oms.refund r WHERE r.id = p_refund_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'refund % not found', p_refund_id USING ERRCODE = 'P0002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'refund_not_found', 'refund_id', p_refund_id));
	ELSIF v_refund.status NOT IN ('refused', 'unknown', 'failed', 'discrepancy') THEN
		RAISE EXCEPTION 'refund % is %; only a refused, failed, unknown or mismatched refund is settled outside the gateway',
			p_refund_id, v_refund.status USING ERRCODE = 'OM002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'refund_state', 'refund_id', p_refund_id,
			                                             'status', v_refund.status,
			                                             'expected', jsonb_build_array('refused', 'unknown', 'failed', 'discrepancy')));
	END IF;
	UPDATE oms.refund r
	SET status = 'settled_outside', executed_at = clock_timestamp(), settled_note = oms.clean_text(p_note),
	    last_message = left('settled outside the gateway: ' || oms.clean_text(p_note), 500)
	WHERE r.id = p_refund_id;
END
$$;
REVOKE ALL ON FUNCTION oms_api.refund_settle_outside(bigint,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.refund_settle_outside(bigint,text) TO oms_admin;

-- The refund ledger, newest first; keyset: the last row's id as p_after_id.
-- p_status is a gateway status (not_sent, pending, succeeded, failed,
-- canceled) or an approval (auto, pending, approved, rejected); 'pending'
-- matches either.
CREATE OR REPLACE FUNCTION oms_api.refunds(p_status text DEFAULT NULL, p_order_no bigint DEFAULT NULL,
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
	                                             'unknown', 'refused', 'discrepancy', 'settled_outside',
	                                             'auto', 'approved', 'rejected') THEN
		RAISE EXCEPTION 'unknown refund status "%" (not_sent, pending, succeeded, failed, canceled, unknown, refused, discrepancy, settled_outside; or approval: auto, approved, rejected)',
			p_status USING ERRCODE = '22023',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'unknown_status', 'field', 'status', 'value', p_status, 'allowed', jsonb_build_array('not_sent', 'pending', 'succeeded', 'failed', 'canceled', 'unknown', 'refused', 'discrepancy', 'settled_outside', 'auto', 'approved', 'rejected')));
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
REVOKE ALL ON FUNCTION oms_api.refunds(text,bigint,bigint,integer) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.refunds(text,bigint,bigint,integer) TO oms_admin, oms_csr, oms_fulfilment;

-- As in 0009, naming the requester and approver through oms.staff_name_for.
CREATE OR REPLACE FUNCTION oms_api.refund_card(p_id bigint) RETURNS jsonb
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = oms, pg_catalog, pg_temp
AS $$
SELECT jsonb_build_object(
	'id', r.id, 'order_no', o.order_no, 'cancellation_id', r.cancellation_id,
	'amount_minor', r.amount_minor, 'currency', r.currency, 'status', r.status, 'approval', r.approval,
	'reason', r.reason, 'note', r.note,
	'requested_by', r.requested_by, 'requested_by_name', oms.staff_name_for(r.requested_by, o.id),
	'approved_by', r.approved_by, 'approved_by_name', oms.staff_name_for(r.approved_by, o.id),
	'created_at', date_trunc('second', r.created_at), 'approved_at', date_trunc('second', r.approved_at),
	'executed_at', date_trunc('second', r.executed_at),
	'provider_refund_id', r.provider_refund_id, 'decision_note', r.decision_note,
	'last_message', r.last_message,
	'order_refundable_minor', greatest(oms.refundable_minor(o.id), 0))
FROM oms.refund r
JOIN oms.orders o ON o.id = r.order_id
WHERE r.id = p_id
$$;
REVOKE ALL ON FUNCTION oms_api.refund_card(bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.refund_card(bigint) TO oms_admin, oms_csr, oms_fulfilment;

RESET ROLE;
