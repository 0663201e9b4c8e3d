-- 0012: the outbox as administrators read it, so a dead job can be found
-- and given another life (oms_api.outbox_requeue, 0007) with `oms job`
-- instead of psql.
--
-- * oms_api.jobs(status, kind, limit, after_id): jobs newest first, either
--   filter NULL for all; keyset: the last row's id as p_after_id (older
--   jobs follow). An unknown status or kind is 22023. At most 1000 rows.
-- * oms_api.job(id): one job with its payload and result, P0002 when
--   there is none.
--
-- Personal data. Payloads written by oms_api carry ids, codes and amounts
-- only, but the worker lets a payload's own values win over what it reads
-- for a mail ("to", "customer_name", ... from a shop or a hand-made job),
-- so a payload may hold an address or a name. job() therefore shows an
-- allow-list, not a block-list: of the payload and the result, only the
-- keys of oms.job_public_keys() whose values are plain scalars (the
-- identifiers, codes, amounts and statuses oms_api and oms-worker write),
-- and of "lines" (inventory_release) only each line's sku, line_no and
-- qty. Anything else, free text included, is left out and its key named
-- in "withheld", so an administrator knows there is more (psql shows it to
-- those who need it). last_error is shown: oms-worker masks e-mail
-- addresses and phone numbers in it (src/http/jobs.c, clean_message).
--
-- Who: administrators only (granted to oms_admin; the worker claims its
-- jobs with outbox_claim and does not need these). SECURITY DEFINER with
-- oms.begin_action's role check, like the write functions: CSRs may not
-- read the outbox (0004), and this function is what decides who reads it
-- and how much of a payload. begin_action names the action (jobs, job)
-- for the transaction as a write function does; nothing is written.

SET LOCAL ROLE oms_owner;
SET LOCAL search_path = oms, pg_catalog;

-- The payload and result keys that never hold personal data.
CREATE FUNCTION oms.job_public_keys() RETURNS text[]
LANGUAGE sql IMMUTABLE
RETURN ARRAY[
	-- payloads (0007, 0010): what the event is about
	'template', 'event', 'order_no', 'checkout_id', 'cancellation_id', 'refund_id', 'shipment_id',
	'seller_id', 'scope', 'reason_code', 'amount_minor', 'currency', 'estimated_delivery',
	'idempotency_key', 'payment_ref', 'provider_ref', 'payment_intent', 'lines',
	-- results (oms-worker's outbox_done)
	'message_id', 'provider_refund_id', 'status', 'failure_reason', 'amount_received', 'payment'];

-- p without personal data (see above); NULL stays NULL.
CREATE FUNCTION oms.job_public(p jsonb) RETURNS jsonb
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

-- The keys of p that job_public leaves out, sorted.
CREATE FUNCTION oms.job_withheld(p jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE
AS $$
SELECT coalesce(array_agg(e.key ORDER BY e.key), '{}')
FROM jsonb_each(CASE WHEN jsonb_typeof(p) = 'object' THEN p ELSE '{}' END) e
WHERE NOT (oms.job_public(p) ? e.key)
$$;

CREATE FUNCTION oms_api.jobs(p_status text DEFAULT NULL, p_kind text DEFAULT NULL,
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
			USING ERRCODE = '22023';
	END IF;
	IF p_kind IS NOT NULL AND p_kind NOT IN ('refund', 'mail', 'seller_notify', 'inventory_release',
	                                         'payment_verify') THEN
		RAISE EXCEPTION 'unknown job kind "%" (refund, mail, seller_notify, inventory_release, payment_verify)',
			p_kind USING ERRCODE = '22023';
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

CREATE FUNCTION oms_api.job(p_id bigint)
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
		RAISE EXCEPTION 'outbox job % not found', coalesce(p_id::text, '(none)') USING ERRCODE = 'P0002';
	END IF;
END
$$;

REVOKE EXECUTE ON FUNCTION
	oms_api.jobs(text, text, int, bigint),
	oms_api.job(bigint)
	FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	oms_api.jobs(text, text, int, bigint),
	oms_api.job(bigint)
	TO oms_admin;

RESET ROLE;
RESET search_path;
