-- sql/functions/90_admin.sql: Administration: jobs as admins see them (payloads without PII), policies, cancellation reasons, alerts.
--
-- The one definition of each function and view here, with its grants.
-- `oms migrate` re-applies this file (in one transaction, after the
-- numbered migrations) whenever its text changes: keep it re-appliable
-- (CREATE OR REPLACE; see sql/functions/README for a changed signature).

SET LOCAL search_path = oms, pg_catalog;
SET LOCAL ROLE oms_owner;

-- Administration
CREATE OR REPLACE FUNCTION oms_api.policy_set(p_key text, p_value text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM oms.begin_action('policy_set', 'admin');
	IF NOT EXISTS (SELECT 1 FROM oms.policy WHERE key = p_key) THEN
		RAISE EXCEPTION 'no policy "%"', p_key USING ERRCODE = 'P0002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'policy_not_found', 'key', p_key));
	END IF;
	IF NOT oms.policy_value_ok(p_key, btrim(p_value)) THEN
		RAISE EXCEPTION 'policy %: "%" is not a valid value', p_key, p_value USING ERRCODE = '22023',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'policy_value', 'key', p_key, 'value', left(p_value, 200),
				'allowed', CASE p_key
					WHEN 'cancel_window' THEN '{"form": "interval", "units": ["minutes", "hours", "days"]}'::jsonb
					WHEN 'outbox_lease' THEN '{"form": "interval", "units": ["seconds", "minutes"]}'
					WHEN 'default_country_code' THEN '{"form": "integer", "min": 1, "max": 999}'
					WHEN 'stuck_shipment_hours' THEN '{"form": "integer", "min": 1, "max": 9999}'
					WHEN 'max_order_items' THEN '{"form": "integer", "min": 1, "max": 9999}'
					WHEN 'payment_verify_attempts' THEN '{"form": "integer", "min": 1, "max": 99}'
					WHEN 'max_line_qty' THEN '{"form": "integer", "min": 1, "max": 1000000}'
					WHEN 'max_order_total_minor' THEN '{"form": "integer", "min": 1, "max": 999999999999999}'
					ELSE '{"form": "text"}' END));
	END IF;
	UPDATE oms.policy SET value = btrim(p_value), updated_by = session_user, updated_at = now()
	WHERE key = p_key;
END
$$;
REVOKE ALL ON FUNCTION oms_api.policy_set(text,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.policy_set(text,text) TO oms_admin;

CREATE OR REPLACE FUNCTION oms_api.reason_add(p_code text, p_label text, p_requires_note boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM oms.begin_action('reason_add', 'admin');
	IF p_code IS NULL OR p_code !~ '^[a-z][a-z0-9_]{1,39}$' THEN
		RAISE EXCEPTION 'a reason code is lower case letters, digits and _ (2-40)' USING ERRCODE = '22023',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'reason_code_format', 'field', 'code', 'value', left(p_code, 80), 'min', 2, 'max', 40));
	END IF;
	IF nullif(btrim(p_label), '') IS NULL THEN
		RAISE EXCEPTION 'a reason needs a label' USING ERRCODE = '22023',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'required', 'field', 'label', 'code', p_code));
	END IF;
	IF EXISTS (SELECT 1 FROM oms.cancellation_reason WHERE code = p_code) THEN
		RAISE EXCEPTION 'reason "%" exists already', p_code USING ERRCODE = 'OM002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'reason_exists', 'code', p_code, 'active', (SELECT active FROM oms.cancellation_reason WHERE code = p_code)));
	END IF;
	INSERT INTO oms.cancellation_reason (code, label, requires_note)
	VALUES (p_code, btrim(p_label), coalesce(p_requires_note, false));
END
$$;
REVOKE ALL ON FUNCTION oms_api.reason_add(text,text,boolean) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.reason_add(text,text,boolean) TO oms_admin;

CREATE OR REPLACE FUNCTION oms_api.reason_retire(p_code text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('reason_retire', 'admin');
	v oms.cancellation_reason;
BEGIN
	-- All active reasons first, in one order: two administrators retiring
	-- the last two at once are served one after the other, and the second
	-- sees that its reason is the last.
	PERFORM 1 FROM oms.cancellation_reason r WHERE r.active ORDER BY r.code FOR UPDATE;
	SELECT * INTO v FROM oms.cancellation_reason r WHERE r.code = p_code;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no cancellation reason "%"', coalesce(p_code, '') USING ERRCODE = 'P0002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'reason_not_found', 'code', p_code));
	ELSIF NOT v.active THEN
		RAISE EXCEPTION 'reason "%" is retired already', p_code USING ERRCODE = 'OM002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'reason_retired', 'code', p_code, 'active', false));
	ELSIF NOT EXISTS (SELECT 1 FROM oms.cancellation_reason r WHERE r.active AND r.code <> p_code) THEN
		PERFORM oms.refuse(format('BR-023: "%s" is the last reason a cancellation can give; add another first',
		                          p_code),
		                   jsonb_build_object('code', p_code, 'active', true));
	END IF;
	UPDATE oms.cancellation_reason SET active = false WHERE code = p_code;
END
$$;
REVOKE ALL ON FUNCTION oms_api.reason_retire(text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.reason_retire(text) TO oms_admin;

-- The payload and result keys that never hold personal data.
CREATE OR REPLACE FUNCTION oms.job_public_keys() RETURNS text[]
LANGUAGE sql IMMUTABLE
RETURN ARRAY[
	-- payloads (0007, 0010): what the event is about
	'template', 'event', 'order_no', 'checkout_id', 'cancellation_id', 'refund_id', 'shipment_id',
	'seller_id', 'scope', 'reason_code', 'amount_minor', 'currency', 'estimated_delivery', 'tracking_url',
	'idempotency_key', 'payment_ref', 'provider_ref', 'payment_intent', 'lines',
	-- results (oms-worker's outbox_done)
	'message_id', 'provider_refund_id', 'status', 'failure_reason', 'amount_received', 'payment'];
REVOKE ALL ON FUNCTION oms.job_public_keys() FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- p without personal data (see above); NULL stays NULL.
CREATE OR REPLACE FUNCTION oms.job_public(p jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE
AS $$
SELECT CASE WHEN jsonb_typeof(p) = 'object' THEN coalesce((
	SELECT jsonb_object_agg(e.key, CASE WHEN e.key = 'lines' THEN (
			SELECT coalesce(jsonb_agg((SELECT coalesce(jsonb_object_agg(f.key, f.value), '{}')
			                           FROM jsonb_each(l.value) f
			                           WHERE f.key IN ('sku', 'line_no', 'qty')
			                             AND jsonb_typeof(f.value) IN ('string', 'number'))
			                          ORDER BY l.n), '[]')
			FROM jsonb_array_elements(e.value) WITH ORDINALITY l(value, n)
			WHERE jsonb_typeof(l.value) = 'object')
		ELSE e.value END)
	FROM jsonb_each(p) e
	WHERE e.key = ANY (oms.job_public_keys())
	  AND (CASE WHEN e.key = 'lines' THEN jsonb_typeof(e.value) = 'array'
	            ELSE jsonb_typeof(e.value) IN ('string', 'number', 'boolean', 'null') END)), '{}')
END
$$;
REVOKE ALL ON FUNCTION oms.job_public(jsonb) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- The keys of p that job_public leaves out, sorted.
CREATE OR REPLACE FUNCTION oms.job_withheld(p jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE
AS $$
SELECT coalesce(array_agg(e.key ORDER BY e.key), '{}')
FROM jsonb_each(CASE WHEN jsonb_typeof(p) = 'object' THEN p ELSE '{}' END) e
WHERE NOT (oms.job_public(p) ? e.key)
$$;
REVOKE ALL ON FUNCTION oms.job_withheld(jsonb) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

CREATE OR REPLACE FUNCTION oms_api.jobs(p_status text DEFAULT NULL, p_kind text DEFAULT NULL,
                             p_limit int DEFAULT 50, p_after_id bigint DEFAULT NULL)
RETURNS TABLE (id bigint, kind text, status text, attempts int, next_attempt_at timestamptz,
               last_error text, order_no bigint, refund_id bigint, created_at timestamptz,
               updated_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
	PERFORM oms.begin_action('jobs', 'admin');
	IF p_status IS NOT NULL AND p_status NOT IN ('ready', 'running', 'done', 'dead') THEN
		RAISE EXCEPTION 'unknown job status "%" (ready, running, done, dead)', p_status
			USING ERRCODE = '22023',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'unknown_status', 'field', 'status', 'value', p_status, 'allowed', jsonb_build_array('ready', 'running', 'done', 'dead')));
	END IF;
	-- the kinds of oms.outbox's CHECK (sql/0022_payment_gateway.sql)
	IF p_kind IS NOT NULL AND p_kind NOT IN ('refund', 'mail', 'seller_notify', 'inventory_release',
	                                         'payment_verify', 'payment_capture') THEN
		RAISE EXCEPTION 'unknown job kind "%" (refund, mail, seller_notify, inventory_release, payment_verify, payment_capture)',
			p_kind USING ERRCODE = '22023',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'unknown_kind', 'field', 'kind', 'value', p_kind, 'allowed', jsonb_build_array('refund', 'mail', 'seller_notify', 'inventory_release', 'payment_verify', 'payment_capture')));
	END IF;
	RETURN QUERY
	SELECT j.id, j.kind, j.status, j.attempts, j.next_attempt_at, j.last_error, o.order_no, j.refund_id,
	       j.created_at, j.updated_at
	FROM oms.outbox j LEFT JOIN oms.orders o ON o.id = j.order_id
	WHERE (p_status IS NULL OR j.status = p_status)
	  AND (p_kind IS NULL OR j.kind = p_kind)
	  AND (p_after_id IS NULL OR j.id < p_after_id)
	ORDER BY j.id DESC
	LIMIT least(greatest(coalesce(p_limit, 50), 1), 1000);
END
$$;
REVOKE ALL ON FUNCTION oms_api.jobs(text,text,integer,bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.jobs(text,text,integer,bigint) TO oms_admin;

CREATE OR REPLACE FUNCTION oms_api.job(p_id bigint)
RETURNS TABLE (id bigint, kind text, status text, attempts int, next_attempt_at timestamptz,
               last_error text, order_no bigint, refund_id bigint, created_at timestamptz,
               updated_at timestamptz, done_at timestamptz, locked_by text, locked_until timestamptz,
               dedupe_key text, payload jsonb, result jsonb, withheld text[])
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
	PERFORM oms.begin_action('job', 'admin');
	RETURN QUERY
	SELECT j.id, j.kind, j.status, j.attempts, j.next_attempt_at, j.last_error, o.order_no, j.refund_id,
	       j.created_at, j.updated_at, j.done_at, j.locked_by, j.locked_until, j.dedupe_key,
	       oms.job_public(j.payload), oms.job_public(j.result),
	       ARRAY(SELECT DISTINCT k FROM unnest(oms.job_withheld(j.payload) || oms.job_withheld(j.result)) k
	             ORDER BY k)
	FROM oms.outbox j LEFT JOIN oms.orders o ON o.id = j.order_id
	WHERE j.id = p_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'outbox job % not found', coalesce(p_id::text, '(none)') USING ERRCODE = 'P0002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'job_not_found', 'job_id', p_id));
	END IF;
END
$$;
REVOKE ALL ON FUNCTION oms_api.job(bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.job(bigint) TO oms_admin;

CREATE OR REPLACE FUNCTION oms_api.reason_restore(p_code text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('reason_restore', 'admin');
	v oms.cancellation_reason;
BEGIN
	-- The row locked: two administrators restoring it at once are served
	-- one after the other, and the second is told it is active already.
	SELECT * INTO v FROM oms.cancellation_reason r WHERE r.code = p_code FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no cancellation reason "%"', coalesce(p_code, '') USING ERRCODE = 'P0002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'reason_not_found', 'code', p_code));
	ELSIF v.active THEN
		RAISE EXCEPTION 'reason "%" is in use already', p_code USING ERRCODE = 'OM002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'reason_active', 'code', p_code, 'active', true));
	END IF;
	UPDATE oms.cancellation_reason SET active = true WHERE code = p_code;
END
$$;
REVOKE ALL ON FUNCTION oms_api.reason_restore(text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.reason_restore(text) TO oms_admin;

-- Record an alert for the administrators (see oms.alert).
CREATE OR REPLACE FUNCTION oms.raise_alert(p_kind text, p_order_id bigint, p_refund_id bigint, p_detail jsonb) RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
	INSERT INTO oms.alert (kind, order_id, refund_id, detail) VALUES (p_kind, p_order_id, p_refund_id, p_detail);
	PERFORM pg_notify('oms_alert', p_kind);
END
$$;
REVOKE ALL ON FUNCTION oms.raise_alert(text,bigint,bigint,jsonb) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- Alerts (administrators)
CREATE OR REPLACE FUNCTION oms_api.alerts(p_open_only boolean DEFAULT true, p_limit int DEFAULT 50)
RETURNS TABLE (id bigint, at timestamptz, kind text, order_no bigint, refund_id bigint, detail jsonb,
               resolved_by text, resolved_at timestamptz, note text)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = oms, pg_catalog, pg_temp
AS $$
SELECT a.id, a.at, a.kind, o.order_no, a.refund_id, a.detail, a.resolved_by, a.resolved_at, a.note
FROM oms.alert a LEFT JOIN oms.orders o ON o.id = a.order_id
WHERE NOT coalesce(p_open_only, true) OR a.resolved_at IS NULL
ORDER BY a.id DESC
LIMIT least(greatest(coalesce(p_limit, 50), 1), 1000)
$$;
REVOKE ALL ON FUNCTION oms_api.alerts(boolean,integer) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.alerts(boolean,integer) TO oms_admin;

CREATE OR REPLACE FUNCTION oms_api.alert_resolve(p_id bigint, p_note text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM oms.begin_action('alert_resolve', 'admin');
	IF oms.clean_text(p_note) IS NULL THEN
		RAISE EXCEPTION 'say what was done about the alert' USING ERRCODE = '22023',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'required', 'field', 'note', 'alert_id', p_id));
	END IF;
	PERFORM oms.check_text_len('a note', p_note);
	UPDATE oms.alert SET resolved_by = session_user, resolved_at = clock_timestamp(), note = oms.clean_text(p_note)
	WHERE id = p_id AND resolved_at IS NULL;
	IF NOT FOUND THEN
		IF EXISTS (SELECT 1 FROM oms.alert WHERE id = p_id) THEN
			RAISE EXCEPTION 'alert % is resolved already', p_id USING ERRCODE = 'OM002',
				DETAIL = oms.error_detail(jsonb_build_object('rule', 'alert_resolved', 'alert_id', p_id, 'resolved_at', (SELECT resolved_at FROM oms.alert WHERE id = p_id)));
		END IF;
		RAISE EXCEPTION 'alert % not found', p_id USING ERRCODE = 'P0002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'alert_not_found', 'alert_id', p_id));
	END IF;
END
$$;
REVOKE ALL ON FUNCTION oms_api.alert_resolve(bigint,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.alert_resolve(bigint,text) TO oms_admin;

RESET ROLE;
