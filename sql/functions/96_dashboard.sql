-- sql/functions/96_dashboard.sql: The administrator's dashboard (issue 10): one call, every figure.
--
-- The one definition of each function and view here, with its grants.
-- `oms migrate` re-applies this file (in one transaction, after the
-- numbered migrations) whenever its text changes: keep it re-appliable
-- (CREATE OR REPLACE; see sql/functions/README for a changed signature).

SET LOCAL search_path = oms, pg_catalog;
SET LOCAL ROLE oms_owner;

-- One row per figure; `figure` keys are stable (oms dashboard --format json
-- prints them for monitoring). value is the figure, compare what it is set
-- against (orders: the same weekday last week), unit 'orders', 'jobs',
-- 's' (an age in seconds), 'bytes', 'sessions', 'open' (1 = open, NULL =
-- unknown), 'alert' (1 = something is wrong, detail says what); list
-- names the call that lists the rows behind it. Ages are taken at
-- clock_timestamp(). SECURITY DEFINER (pg_stat_activity of every session,
-- the outbox, refunds): administrators only.
CREATE OR REPLACE FUNCTION oms_api.dashboard()
RETURNS TABLE (section text, figure text, label text, value numeric, compare numeric, unit text,
	detail text, list text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_now constant timestamptz := clock_timestamp();
	v_today constant date := (clock_timestamp() AT TIME ZONE 'UTC')::date;
BEGIN
	IF oms.caller_role() IS DISTINCT FROM 'admin' THEN
		RAISE EXCEPTION 'the dashboard is for administrators' USING ERRCODE = '42501',
			DETAIL = jsonb_build_object('rule', 'role', 'role', oms.caller_role())::text;
	END IF;

	-- orders placed today (UTC) by status now, against the same weekday last week
	RETURN QUERY
	SELECT 'orders', 'today_' || st.status, 'Placed today, ' || st.label,
	       coalesce((SELECT sum(d.orders) FROM oms.report_day d WHERE d.day = v_today AND d.status = st.status), 0),
	       coalesce((SELECT sum(d.orders) FROM oms.report_day d WHERE d.day = v_today - 7 AND d.status = st.status), 0),
	       'orders', to_char(v_today - 7, 'YYYY-MM-DD'),
	       format('oms_api.report_orders(''placed'', %L, %L, NULL, %L)', v_today, v_today, st.status)
	FROM oms.order_status st
	ORDER BY st.sort;

	-- confirmed and not shipped 24 hours after confirmation (index per seller)
	RETURN QUERY
	SELECT 'orders', 'past_promise', 'Confirmed, not shipped within 24 h',
	       coalesce(sum(n.c), 0), NULL::numeric, 'orders', NULL::text,
	       'oms_api.report_orders(''unshipped'', NULL, NULL)'
	FROM oms.seller s
	CROSS JOIN LATERAL (SELECT count(*) AS c FROM oms.orders o
	                    WHERE o.seller_id = s.id AND o.status = 'CONFIRMED'
	                      AND o.confirmed_at < v_now - interval '24 hours') n;

	-- the outbox: backlog per kind, dead jobs, the oldest due job
	RETURN QUERY
	SELECT 'outbox', 'backlog_' || o.kind, 'Jobs waiting or running: ' || o.kind, count(*)::numeric, NULL::numeric,
	       'jobs', NULL::text, format('oms_api.jobs(''ready'', %L)', o.kind)
	FROM oms.outbox o WHERE o.status IN ('ready', 'running')
	GROUP BY o.kind ORDER BY o.kind;
	RETURN QUERY
	SELECT 'outbox', 'backlog', 'Jobs waiting or running', count(*)::numeric, NULL::numeric, 'jobs', NULL::text,
	       'oms_api.jobs(''ready'')'
	FROM oms.outbox o WHERE o.status IN ('ready', 'running');
	RETURN QUERY
	SELECT 'outbox', 'dead', 'Dead jobs', count(*)::numeric, NULL::numeric, 'jobs', NULL::text, 'oms_api.jobs(''dead'')'
	FROM oms.outbox o WHERE o.status = 'dead';
	RETURN QUERY
	SELECT 'outbox', 'oldest_due_age', 'Oldest job due', round(extract(epoch FROM v_now - min(o.next_attempt_at))),
	       NULL::numeric, 's', NULL::text, 'oms_api.jobs(''ready'')'
	FROM oms.outbox o WHERE o.status = 'ready' AND o.next_attempt_at <= v_now;

	-- shipping: the open reviews of the stuck-parcel sweep and the carriers
	-- (oms.shipment_review, its partial index on open reviews)
	RETURN QUERY
	SELECT 'shipping', 'stuck', 'Stuck shipments awaiting review', count(*)::numeric, NULL::numeric,
	       'shipments', NULL::text, 'oms_api.shipment_reviews()'
	FROM oms.shipment_review r WHERE r.decided_at IS NULL AND r.reason = 'stuck';
	RETURN QUERY
	SELECT 'shipping', 'reviews_open', 'Shipments awaiting review (stuck, exceptions, returns, ...)',
	       count(*)::numeric, NULL::numeric, 'shipments',
	       (SELECT string_agg(format('%s %s', x.reason, x.n), ', ' ORDER BY x.reason)
	        FROM (SELECT r2.reason, count(*) AS n FROM oms.shipment_review r2 WHERE r2.decided_at IS NULL
	              GROUP BY r2.reason) x),
	       'oms_api.shipment_reviews()'
	FROM oms.shipment_review r WHERE r.decided_at IS NULL;
	RETURN QUERY
	SELECT 'shipping', 'reviews_oldest_age', 'Oldest shipment review open',
	       round(extract(epoch FROM v_now - min(r.opened_at))), NULL::numeric, 's', NULL::text,
	       'oms_api.shipment_reviews()'
	FROM oms.shipment_review r WHERE r.decided_at IS NULL;

	-- approvals awaiting and the oldest one's age
	RETURN QUERY
	SELECT 'approvals', 'cancellations_awaiting', 'Cancellations awaiting approval', count(*)::numeric,
	       NULL::numeric, 'requests', NULL::text, 'oms_api.pending_cancellations()'
	FROM oms.cancellation c WHERE c.state = 'pending_approval';
	RETURN QUERY
	SELECT 'approvals', 'cancellations_oldest_age', 'Oldest cancellation awaiting',
	       round(extract(epoch FROM v_now - min(c.requested_at))), NULL::numeric, 's', NULL::text,
	       'oms_api.pending_cancellations()'
	FROM oms.cancellation c WHERE c.state = 'pending_approval';
	RETURN QUERY
	SELECT 'approvals', 'refunds_awaiting', 'Refunds awaiting approval', count(*)::numeric, NULL::numeric,
	       'requests', NULL::text, 'oms_api.pending_refunds()'
	FROM oms.refund r WHERE r.approval = 'pending';
	RETURN QUERY
	SELECT 'approvals', 'refunds_oldest_age', 'Oldest refund awaiting',
	       round(extract(epoch FROM v_now - min(r.created_at))), NULL::numeric, 's', NULL::text,
	       'oms_api.pending_refunds()'
	FROM oms.refund r WHERE r.approval = 'pending';

	-- refunds at the gateway
	RETURN QUERY
	SELECT 'refunds', 'gateway_pending', 'Refunds granted, not yet returned', count(*)::numeric, NULL::numeric,
	       'refunds', NULL::text, 'oms_api.refunds(''pending'')'
	FROM oms.refund r WHERE r.approval IN ('auto', 'approved') AND r.status IN ('not_sent', 'pending');
	RETURN QUERY
	SELECT 'refunds', 'gateway_failed', 'Refunds failed at the gateway', count(*)::numeric, NULL::numeric,
	       'refunds', NULL::text, 'oms_api.refunds(''failed'')'
	FROM oms.refund r WHERE r.status = 'failed';

	-- the worker: its heartbeat (oms.worker_heartbeat, written by every
	-- oms-worker every heartbeat_interval seconds and when a breaker
	-- changes state), flagged when no running worker has beaten for three
	-- intervals (at least 2 minutes); the breakers' states as the freshest
	-- heartbeat of each running worker says; its sessions and jobs
	RETURN QUERY
	SELECT 'worker', 'worker_heartbeat', 'Last worker heartbeat',
	       round(extract(epoch FROM v_now - max(h.beat_at))), NULL::numeric, 's',
	       (SELECT string_agg(format('%s %s, pid %s, %s', h2.worker_id, h2.state, h2.pid, h2.host),
	                          '; ' ORDER BY h2.beat_at DESC)
	        FROM oms.worker_heartbeat h2 WHERE h2.beat_at > v_now - interval '7 days'),
	       'oms_api.worker_heartbeats()'
	FROM oms.worker_heartbeat h;
	RETURN QUERY
	SELECT 'worker', 'worker_heartbeat_missing', 'Worker heartbeat missing',
	       CASE WHEN f.fresh > 0 THEN 0 ELSE 1 END::numeric, NULL::numeric, 'alert',
	       CASE WHEN f.fresh > 0 THEN format('%s worker(s) beating', f.fresh)
	            WHEN f.last_run IS NOT NULL
	                 THEN format('no heartbeat for %s min', floor(extract(epoch FROM v_now - f.last_run) / 60))
	            WHEN f.last_any IS NOT NULL
	                 THEN format('no worker running (stopped %s min ago)',
	                             floor(extract(epoch FROM v_now - f.last_any) / 60))
	            ELSE 'no heartbeat ever recorded' END,
	       'oms_api.worker_heartbeats()'
	FROM (SELECT count(*) FILTER (WHERE h.state <> 'stopped'
	                                AND h.beat_at > v_now - greatest(3 * h.interval_s, 120) * interval '1 second') AS fresh,
	             max(h.beat_at) FILTER (WHERE h.state <> 'stopped') AS last_run,
	             max(h.beat_at) AS last_any
	      FROM oms.worker_heartbeat h) f;
	RETURN QUERY
	WITH b AS (
		SELECT e ->> 'name' AS name, e ->> 'state' AS state, (e ->> 'failures')::bigint AS failures,
		       (e ->> 'retry_in_ms')::bigint AS retry_ms, h.worker_id
		FROM oms.worker_heartbeat h, jsonb_array_elements(h.breakers) e
		WHERE h.state <> 'stopped' AND h.beat_at > v_now - greatest(3 * h.interval_s, 120) * interval '1 second'
	), n AS (
		SELECT x.name FROM (VALUES ('payment'), ('smtp')) x(name)
		UNION SELECT b.name FROM b
	)
	SELECT 'worker', 'breaker_' || n.name, 'Circuit breaker: ' || n.name,
	       CASE WHEN count(b.worker_id) = 0 THEN NULL
	            ELSE count(*) FILTER (WHERE b.state <> 'closed') END::numeric,
	       NULL::numeric, 'open',
	       coalesce(string_agg(format('%s %s', b.worker_id,
	                                  CASE b.state WHEN 'closed' THEN 'closed'
	                                  WHEN 'open' THEN format('open, retry %s s, %s failures',
	                                                         ceil(b.retry_ms / 1000.0), b.failures)
	                                  ELSE format('half-open, %s failures', b.failures) END),
	                           '; ' ORDER BY b.worker_id) FILTER (WHERE b.worker_id IS NOT NULL),
	                'no fresh heartbeat'),
	       'oms_api.worker_heartbeats()'
	FROM n LEFT JOIN b ON b.name = n.name
	GROUP BY n.name ORDER BY n.name;
	RETURN QUERY
	SELECT 'worker', 'worker_sessions', 'Worker sessions connected', count(*)::numeric, NULL::numeric, 'sessions',
	       string_agg(DISTINCT a.application_name, ', '), 'oms_api.staff_sessions(''worker'')'
	FROM pg_stat_activity a
	WHERE a.datname = current_database() AND a.backend_type = 'client backend'
	  AND pg_has_role(a.usename, 'oms_worker', 'USAGE') AND NOT pg_has_role(a.usename, 'oms_admin', 'USAGE');
	RETURN QUERY
	SELECT 'worker', 'last_job_age', 'Last job claimed or finished (latest 1000 jobs)',
	       round(extract(epoch FROM v_now - max(o.updated_at))), NULL::numeric, 's', NULL::text,
	       'oms_api.jobs()'
	FROM oms.outbox o
	WHERE o.id > (SELECT coalesce(max(x.id), 0) - 1000 FROM oms.outbox x) AND o.status IN ('running', 'done', 'dead');

	-- staff sessions by role (pg_stat_activity; application_name in detail)
	RETURN QUERY
	SELECT 'sessions', 'sessions_' || g.role, 'Sessions: ' || g.role, count(a.pid)::numeric, NULL::numeric,
	       'sessions', string_agg(DISTINCT nullif(a.application_name, ''), ', '),
	       format('oms_api.staff_sessions(%L)', g.role)
	FROM (VALUES ('admin', 'oms_admin', 1), ('csr', 'oms_csr', 2), ('fulfilment', 'oms_fulfilment', 3),
	             ('analyst', 'oms_analyst', 4), ('worker', 'oms_worker', 5)) g(role, grp, sort)
	LEFT JOIN pg_stat_activity a
	       ON a.datname = current_database() AND a.backend_type = 'client backend'
	      AND pg_has_role(a.usename, g.grp, 'USAGE')
	      AND NOT EXISTS (SELECT 1 FROM (VALUES ('oms_admin', 1), ('oms_csr', 2), ('oms_fulfilment', 3),
	                                            ('oms_analyst', 4), ('oms_worker', 5)) h(grp, sort)
	                      WHERE h.sort < g.sort AND pg_has_role(a.usename, h.grp, 'USAGE'))
	GROUP BY g.role, g.sort
	ORDER BY g.sort;

	-- the database
	RETURN QUERY
	SELECT 'database', 'db_size', 'Database size', pg_database_size(current_database())::numeric, NULL::numeric,
	       'bytes', pg_size_pretty(pg_database_size(current_database())), 'oms_api.table_sizes()';
	RETURN QUERY
	SELECT 'database', 'oldest_xact_age', 'Oldest open transaction',
	       coalesce(round(extract(epoch FROM v_now - min(a.xact_start))), 0), NULL::numeric, 's',
	       (SELECT format('pid %s, %s, %s', b.pid, b.usename, b.application_name) FROM pg_stat_activity b
	        WHERE b.xact_start IS NOT NULL AND b.pid <> pg_backend_pid() AND b.backend_type = 'client backend'
	        ORDER BY b.xact_start LIMIT 1), 'oms_api.staff_sessions()'
	FROM pg_stat_activity a
	WHERE a.xact_start IS NOT NULL AND a.pid <> pg_backend_pid() AND a.backend_type = 'client backend';
	RETURN QUERY
	SELECT 'database', 'schema_version', 'Schema version', m.version::numeric, NULL::numeric, 'migration',
	       format('%s (%s definitions files)', m.name, (SELECT count(*) FROM oms.schema_definitions)),
	       'oms_api.schema_history()'
	FROM oms.schema_migrations m ORDER BY m.version DESC LIMIT 1;
END
$$;
REVOKE ALL ON FUNCTION oms_api.dashboard() FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.dashboard() TO oms_admin;

-- oms-worker's heartbeat (src/worker/heartbeat.c): one row per worker id,
-- written every [worker] heartbeat_interval seconds, when a breaker changes
-- state and when the worker stops. beat_at is the server's clock;
-- started_at is kept while the same process (host and pid) beats. For the
-- worker only. p_counts: jobs done, retried, dead, released since start.
CREATE OR REPLACE FUNCTION oms_api.worker_heartbeat(p_worker_id text, p_host text, p_pid int, p_version text,
	p_state text, p_interval_s int, p_in_flight int, p_counts bigint[], p_breakers jsonb)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp SET lock_timeout = '2s'
AS $$
DECLARE
	v_now constant timestamptz := clock_timestamp();
BEGIN
	IF oms.caller_role() IS DISTINCT FROM 'worker' THEN
		RAISE EXCEPTION 'worker_heartbeat is for the worker' USING ERRCODE = '42501',
			DETAIL = jsonb_build_object('rule', 'role', 'role', oms.caller_role())::text;
	END IF;
	IF p_breakers IS NULL OR jsonb_typeof(p_breakers) <> 'array'
	   OR EXISTS (SELECT 1 FROM jsonb_array_elements(p_breakers) e
	              WHERE jsonb_typeof(e) <> 'object' OR NOT (e ? 'name' AND e ? 'state')
	                 OR e ->> 'state' NOT IN ('closed', 'open', 'half_open')) THEN
		RAISE EXCEPTION 'breakers must be an array of {name, state}' USING ERRCODE = '22023',
			DETAIL = jsonb_build_object('rule', 'invalid_value', 'field', 'breakers')::text;
	END IF;
	INSERT INTO oms.worker_heartbeat AS h (worker_id, host, pid, version, state, started_at, beat_at, interval_s,
		in_flight, jobs_done, jobs_retried, jobs_dead, jobs_released, breakers)
	VALUES (p_worker_id, coalesce(p_host, ''), p_pid, coalesce(p_version, ''), p_state, v_now, v_now, p_interval_s,
		p_in_flight, coalesce(p_counts[1], 0), coalesce(p_counts[2], 0), coalesce(p_counts[3], 0),
		coalesce(p_counts[4], 0), p_breakers)
	ON CONFLICT (worker_id) DO UPDATE SET
		host = EXCLUDED.host, pid = EXCLUDED.pid, version = EXCLUDED.version, state = EXCLUDED.state,
		started_at = CASE WHEN (h.host, h.pid) = (EXCLUDED.host, EXCLUDED.pid) AND h.state <> 'stopped'
		                  THEN h.started_at ELSE EXCLUDED.started_at END,
		beat_at = EXCLUDED.beat_at, interval_s = EXCLUDED.interval_s, in_flight = EXCLUDED.in_flight,
		jobs_done = EXCLUDED.jobs_done, jobs_retried = EXCLUDED.jobs_retried, jobs_dead = EXCLUDED.jobs_dead,
		jobs_released = EXCLUDED.jobs_released, breakers = EXCLUDED.breakers;
END
$$;
REVOKE ALL ON FUNCTION oms_api.worker_heartbeat(text,text,int,text,text,int,int,bigint[],jsonb) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.worker_heartbeat(text,text,int,text,text,int,int,bigint[],jsonb) TO oms_worker;

-- The lists behind the dashboard's worker and session figures
-- (administrators): every worker's last heartbeat, freshest first; the
-- client sessions of the database with the staff role of their login
-- (NULL: every role), oldest open transaction first. No query text (it may
-- hold a customer's e-mail or name).
CREATE OR REPLACE FUNCTION oms_api.worker_heartbeats()
RETURNS TABLE (worker_id text, state text, host text, pid int, version text, started_at timestamptz,
	beat_at timestamptz, age_s numeric, in_flight int, jobs_done bigint, jobs_retried bigint, jobs_dead bigint,
	jobs_released bigint, breakers text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
BEGIN
	IF oms.caller_role() IS DISTINCT FROM 'admin' THEN
		RAISE EXCEPTION 'the workers'' heartbeats are for administrators' USING ERRCODE = '42501',
			DETAIL = jsonb_build_object('rule', 'role', 'role', oms.caller_role())::text;
	END IF;
	RETURN QUERY
	SELECT h.worker_id, h.state, h.host, h.pid, h.version, h.started_at, h.beat_at,
	       round(extract(epoch FROM clock_timestamp() - h.beat_at)), h.in_flight, h.jobs_done, h.jobs_retried,
	       h.jobs_dead, h.jobs_released,
	       (SELECT string_agg(format('%s %s', e ->> 'name', e ->> 'state'), ', ')
	        FROM jsonb_array_elements(h.breakers) e)
	FROM oms.worker_heartbeat h
	ORDER BY h.beat_at DESC, h.worker_id;
END
$$;
REVOKE ALL ON FUNCTION oms_api.worker_heartbeats() FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.worker_heartbeats() TO oms_admin;

CREATE OR REPLACE FUNCTION oms_api.staff_sessions(p_role text DEFAULT NULL)
RETURNS TABLE (pid int, login text, role text, application_name text, state text, backend_start timestamptz,
	xact_start timestamptz, xact_age_s numeric, wait_event text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
BEGIN
	IF oms.caller_role() IS DISTINCT FROM 'admin' THEN
		RAISE EXCEPTION 'the sessions are for administrators' USING ERRCODE = '42501',
			DETAIL = jsonb_build_object('rule', 'role', 'role', oms.caller_role())::text;
	END IF;
	RETURN QUERY
	SELECT a.pid, a.usename::text, r.role, a.application_name, a.state, a.backend_start, a.xact_start,
	       round(extract(epoch FROM clock_timestamp() - a.xact_start)), a.wait_event
	FROM pg_stat_activity a
	LEFT JOIN LATERAL (SELECT g.role FROM (VALUES ('admin', 'oms_admin', 1), ('csr', 'oms_csr', 2),
	                                              ('fulfilment', 'oms_fulfilment', 3), ('analyst', 'oms_analyst', 4),
	                                              ('worker', 'oms_worker', 5)) g(role, grp, sort)
	                   WHERE pg_has_role(a.usename, g.grp, 'USAGE') ORDER BY g.sort LIMIT 1) r ON true
	WHERE a.datname = current_database() AND a.backend_type = 'client backend' AND a.pid <> pg_backend_pid()
	  AND (p_role IS NULL OR r.role = p_role)
	ORDER BY a.xact_start NULLS LAST, a.backend_start;
END
$$;
REVOKE ALL ON FUNCTION oms_api.staff_sessions(text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.staff_sessions(text) TO oms_admin;

-- The lists behind the database figures (administrators): the largest
-- tables and indexes of the oms schemas, and the migrations and area files
-- applied, latest first.
CREATE OR REPLACE FUNCTION oms_api.table_sizes()
RETURNS TABLE (relation text, kind text, rows_estimate bigint, size_bytes bigint, size text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
BEGIN
	IF oms.caller_role() IS DISTINCT FROM 'admin' THEN
		RAISE EXCEPTION 'the table sizes are for administrators' USING ERRCODE = '42501',
			DETAIL = jsonb_build_object('rule', 'role', 'role', oms.caller_role())::text;
	END IF;
	RETURN QUERY
	SELECT format('%s.%s', n.nspname, c.relname), CASE c.relkind WHEN 'i' THEN 'index' ELSE 'table' END,
	       greatest(c.reltuples, 0)::bigint, pg_total_relation_size(c.oid),
	       pg_size_pretty(pg_total_relation_size(c.oid))
	FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
	WHERE n.nspname IN ('oms', 'oms_report', 'oms_api') AND c.relkind IN ('r', 'p', 'm', 'i')
	ORDER BY pg_total_relation_size(c.oid) DESC, 1
	LIMIT 100;
END
$$;
REVOKE ALL ON FUNCTION oms_api.table_sizes() FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.table_sizes() TO oms_admin;

CREATE OR REPLACE FUNCTION oms_api.schema_history()
RETURNS TABLE (kind text, version int, name text, applied_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
BEGIN
	IF oms.caller_role() IS DISTINCT FROM 'admin' THEN
		RAISE EXCEPTION 'the schema history is for administrators' USING ERRCODE = '42501',
			DETAIL = jsonb_build_object('rule', 'role', 'role', oms.caller_role())::text;
	END IF;
	RETURN QUERY
	SELECT x.kind, x.version, x.name, x.applied_at
	FROM (SELECT 'migration'::text AS kind, m.version, m.name, m.applied_at FROM oms.schema_migrations m
	      UNION ALL
	      SELECT 'definitions', NULL::int, d.name, d.applied_at FROM oms.schema_definitions d) x
	ORDER BY x.applied_at DESC, x.version DESC NULLS LAST, x.name;
END
$$;
REVOKE ALL ON FUNCTION oms_api.schema_history() FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.schema_history() TO oms_admin;

RESET ROLE;
