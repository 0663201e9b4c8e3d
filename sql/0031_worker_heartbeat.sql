-- 0031: the worker's heartbeat, who asked for a cancellation as they were
-- then, and the refunds' percentile index (issue 10). Tables, an index and
-- their data only; the functions are in sql/functions/95_reports.sql and
-- 96_dashboard.sql.

SET LOCAL ROLE oms_owner;
SET LOCAL search_path = oms, pg_catalog;

-- One row per oms-worker (its --worker-id / [worker] worker_id), written by
-- the worker every [worker] heartbeat_interval seconds and at once when a
-- breaker changes state or it stops (oms_api.worker_heartbeat). beat_at is
-- the server's clock. The administrator's dashboard reads it: the last
-- heartbeat, "no heartbeat for N min", the breakers' states.
CREATE TABLE oms.worker_heartbeat (
	worker_id      text PRIMARY KEY CHECK (btrim(worker_id) <> '' AND length(worker_id) <= 200),
	host           text NOT NULL,
	pid            integer NOT NULL,
	version        text NOT NULL,
	state          text NOT NULL CHECK (state IN ('running', 'stopping', 'stopped')),
	started_at     timestamptz NOT NULL,           -- this process's first heartbeat
	beat_at        timestamptz NOT NULL,
	interval_s     integer NOT NULL CHECK (interval_s > 0),
	in_flight      integer NOT NULL,
	jobs_done      bigint NOT NULL,                -- since the process started
	jobs_retried   bigint NOT NULL,
	jobs_dead      bigint NOT NULL,
	jobs_released  bigint NOT NULL,
	-- [{"name": "payment", "state": "closed"|"open"|"half_open",
	--   "failures": n, "retry_in_ms": n}, ...]
	breakers       jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(breakers) = 'array')
);
REVOKE ALL ON oms.worker_heartbeat FROM PUBLIC;
GRANT SELECT ON oms.worker_heartbeat TO oms_admin;

-- Who asked for a cancellation, classified by the staff role the requester
-- had when it was recorded (the cancellations report's "who cancelled").
-- Written by the report trigger when the cancellation is inserted; a role
-- changed later changes nothing here. Rows for the cancellations already
-- recorded come from their report fact row (which kept the role of the
-- time) or, without one, from the requester's role now.
CREATE TABLE oms.cancellation_requester (
	cancellation_id  bigint PRIMARY KEY REFERENCES oms.cancellation ON DELETE CASCADE,
	role             text NOT NULL
);
REVOKE ALL ON oms.cancellation_requester FROM PUBLIC;

INSERT INTO oms.cancellation_requester (cancellation_id, role)
SELECT c.id, coalesce(f.requester_role, s.role, 'other')
FROM oms.cancellation c
LEFT JOIN oms.report_cancel f ON f.cancellation_id = c.id
LEFT JOIN oms.staff s ON s.login = c.requested_by;

-- The refunds report's exact p50/p90 over a long range: per seller and
-- currency, the executed refunds in order of their time to money returned
-- (an index walk to the n-th value instead of a sort of every refund).
CREATE INDEX report_refund_pct_idx ON oms.report_refund (seller_id, currency, exec_secs) INCLUDE (day)
	WHERE exec_secs IS NOT NULL;

RESET ROLE;
RESET search_path;
