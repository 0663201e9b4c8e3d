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
-- 's' (an age in seconds), 'bytes', 'sessions', 'open' (1 = open); list
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

	-- the worker: no heartbeat is recorded; what there is: its sessions, the
	-- latest job activity, and the breaker state it writes on a job it did
	-- not try ("<service> circuit open, not tried")
	RETURN QUERY
	SELECT 'worker', 'worker_sessions', 'Worker sessions connected', count(*)::numeric, NULL::numeric, 'sessions',
	       string_agg(DISTINCT a.application_name, ', '), NULL::text
	FROM pg_stat_activity a
	WHERE a.datname = current_database() AND a.backend_type = 'client backend'
	  AND pg_has_role(a.usename, 'oms_worker', 'USAGE') AND NOT pg_has_role(a.usename, 'oms_admin', 'USAGE');
	RETURN QUERY
	SELECT 'worker', 'worker_last_seen', 'Worker session last active',
	       round(extract(epoch FROM v_now - max(coalesce(a.state_change, a.backend_start)))), NULL::numeric, 's',
	       NULL::text, NULL::text
	FROM pg_stat_activity a
	WHERE a.datname = current_database() AND a.backend_type = 'client backend'
	  AND pg_has_role(a.usename, 'oms_worker', 'USAGE') AND NOT pg_has_role(a.usename, 'oms_admin', 'USAGE');
	RETURN QUERY
	SELECT 'worker', 'last_job_age', 'Last job claimed or finished (latest 1000 jobs)',
	       round(extract(epoch FROM v_now - max(o.updated_at))), NULL::numeric, 's', NULL::text,
	       'oms_api.jobs()'
	FROM oms.outbox o
	WHERE o.id > (SELECT coalesce(max(x.id), 0) - 1000 FROM oms.outbox x) AND o.status IN ('running', 'done', 'dead');
	RETURN QUERY
	SELECT 'worker', 'breaker_' || b.svc, 'Circuit breaker: ' || b.svc,
	       CASE WHEN m.last_error LIKE b.svc || ' circuit open%' THEN 1 ELSE 0 END::numeric, NULL::numeric, 'open',
	       coalesce(m.last_error, 'closed or unknown (no job waits on it)'), NULL::text
	FROM (VALUES ('payment'), ('smtp')) b(svc)
	LEFT JOIN LATERAL (SELECT o.last_error FROM oms.outbox o
	                   WHERE o.status = 'ready' AND o.last_error LIKE b.svc || ' circuit %'
	                   ORDER BY o.updated_at DESC LIMIT 1) m ON true;

	-- staff sessions by role (pg_stat_activity; application_name in detail)
	RETURN QUERY
	SELECT 'sessions', 'sessions_' || g.role, 'Sessions: ' || g.role, count(a.pid)::numeric, NULL::numeric,
	       'sessions', string_agg(DISTINCT nullif(a.application_name, ''), ', '), NULL::text
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
	       'bytes', pg_size_pretty(pg_database_size(current_database())), NULL::text;
	RETURN QUERY
	SELECT 'database', 'oldest_xact_age', 'Oldest open transaction',
	       coalesce(round(extract(epoch FROM v_now - min(a.xact_start))), 0), NULL::numeric, 's',
	       (SELECT format('pid %s, %s, %s', b.pid, b.usename, b.application_name) FROM pg_stat_activity b
	        WHERE b.xact_start IS NOT NULL AND b.pid <> pg_backend_pid() AND b.backend_type = 'client backend'
	        ORDER BY b.xact_start LIMIT 1), NULL::text
	FROM pg_stat_activity a
	WHERE a.xact_start IS NOT NULL AND a.pid <> pg_backend_pid() AND a.backend_type = 'client backend';
	RETURN QUERY
	SELECT 'database', 'schema_version', 'Schema version', m.version::numeric, NULL::numeric, 'migration',
	       format('%s (%s definitions files)', m.name, (SELECT count(*) FROM oms.schema_definitions)), NULL::text
	FROM oms.schema_migrations m ORDER BY m.version DESC LIMIT 1;
END
$$;
REVOKE ALL ON FUNCTION oms_api.dashboard() FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.dashboard() TO oms_admin;

RESET ROLE;
