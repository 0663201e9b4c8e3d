-- The worker's heartbeat on the administrator's dashboard (issue 10,
-- sql/0031, oms_api.worker_heartbeat and oms_api.dashboard in
-- 96_dashboard.sql): only the worker writes it; its breakers must be an
-- array of {name, state}; started_at stays while the same process beats;
-- the dashboard flags a missing heartbeat ("no heartbeat ever recorded",
-- "no heartbeat for N min", "no worker running") and shows the breakers of
-- the running workers' fresh heartbeats, unknown without one.
BEGIN;
\ir fixture.psql
SELECT plan(24);

CREATE FUNCTION pg_temp.fig(p_figure text, OUT value numeric, OUT detail text)
LANGUAGE sql AS $$
	SELECT d.value, d.detail FROM oms_api.dashboard() d WHERE d.figure = p_figure
$$;
CREATE FUNCTION pg_temp.beat(p_id text, p_pid int, p_state text, p_breakers jsonb) RETURNS void
LANGUAGE sql AS $$
	SELECT oms_api.worker_heartbeat(p_id, 'host1', p_pid, '1.0', p_state, 30, 2, '{7,1,0,3}', p_breakers)
$$;

DELETE FROM oms.worker_heartbeat;
SET SESSION AUTHORIZATION t_admin;
SELECT is((SELECT value FROM pg_temp.fig('worker_heartbeat')), NULL, 'no heartbeat: no age');
SELECT is(pg_temp.fig('worker_heartbeat_missing'), ROW(1::numeric, 'no heartbeat ever recorded'::text),
	'no heartbeat ever: flagged, "no heartbeat ever recorded"');
SELECT is(pg_temp.fig('breaker_payment'), ROW(NULL::numeric, 'no fresh heartbeat'::text), 'the payment breaker: unknown');
SELECT throws_ok($$SELECT pg_temp.beat('w1', 10, 'running', '[]')$$, '42501', NULL,
	'an administrator may not write a heartbeat');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_csr;
SELECT throws_ok($$SELECT pg_temp.beat('w1', 10, 'running', '[]')$$, '42501', NULL, 'nor a CSR');
SELECT throws_ok($$SELECT oms_api.dashboard()$$, '42501', NULL, 'a CSR may not read the dashboard');
RESET SESSION AUTHORIZATION;

SET SESSION AUTHORIZATION t_worker;
SELECT throws_ok($$SELECT pg_temp.beat('w1', 10, 'running', '{"payment": "open"}')$$, '22023', NULL,
	'breakers that are not an array of {name, state}: 22023');
SELECT throws_ok($$SELECT pg_temp.beat('w1', 10, 'running', '[{"name": "payment", "state": "ajar"}]')$$, '22023', NULL,
	'an unknown breaker state: 22023');
SELECT lives_ok($$SELECT pg_temp.beat('w1', 10, 'running',
	'[{"name": "payment", "state": "open", "failures": 5, "retry_in_ms": 4200},
	  {"name": "smtp", "state": "closed", "failures": 0, "retry_in_ms": 0}]')$$, 'the worker writes its heartbeat');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT (state, pid, in_flight, jobs_done, jobs_released, beat_at = started_at)
           FROM oms.worker_heartbeat WHERE worker_id = 'w1'),
	ROW('running'::text, 10, 2, 7::bigint, 3::bigint, true), 'one row: its state, pid, jobs in hand and done');
UPDATE oms.worker_heartbeat SET started_at = started_at - interval '1 hour', beat_at = beat_at - interval '1 minute';

SET SESSION AUTHORIZATION t_admin;
SELECT is(pg_temp.fig('worker_heartbeat_missing'), ROW(0::numeric, '1 worker(s) beating'::text),
	'a heartbeat a minute old: not flagged');
SELECT is(pg_temp.fig('breaker_payment'), ROW(1::numeric, 'w1 open, retry 5 s, 5 failures'::text),
	'the payment breaker open, as the heartbeat says');
SELECT is(pg_temp.fig('breaker_smtp'), ROW(0::numeric, 'w1 closed'::text), 'the SMTP breaker closed');
RESET SESSION AUTHORIZATION;

SET SESSION AUTHORIZATION t_worker;
SELECT pg_temp.beat('w1', 10, 'stopped', '[]');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT started_at < beat_at - interval '59 minutes' FROM oms.worker_heartbeat WHERE worker_id = 'w1'),
	true, 'the same process beating again keeps its start');
SET SESSION AUTHORIZATION t_admin;
SELECT is(pg_temp.fig('worker_heartbeat_missing'), ROW(1::numeric, 'no worker running (stopped 0 min ago)'::text),
	'the worker stopped: flagged, no worker running');
RESET SESSION AUTHORIZATION;

SET SESSION AUTHORIZATION t_worker;
SELECT pg_temp.beat('w1', 11, 'running', '[]');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT started_at = beat_at FROM oms.worker_heartbeat WHERE worker_id = 'w1'), true,
	'a new process (another pid) starts again');
UPDATE oms.worker_heartbeat SET beat_at = now() - interval '12 minutes 30 seconds';
SET SESSION AUTHORIZATION t_admin;
SELECT is(pg_temp.fig('worker_heartbeat_missing'), ROW(1::numeric, 'no heartbeat for 12 min'::text),
	'a running worker silent for 12 minutes: flagged, "no heartbeat for 12 min"');
RESET SESSION AUTHORIZATION;

-- the lists behind the worker and session figures: administrators only
SET SESSION AUTHORIZATION t_admin;
SELECT is((SELECT (worker_id, state, pid, breakers) FROM oms_api.worker_heartbeats()),
	ROW('w1'::text, 'running'::text, 11, NULL::text), 'the heartbeats list: the worker, its state and pid');
SELECT lives_ok('SELECT * FROM oms_api.staff_sessions(''csr'')', 'the sessions list behind a session figure');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_csr;
SELECT throws_ok('SELECT * FROM oms_api.worker_heartbeats()', '42501', NULL, 'a CSR may not list the heartbeats');
SELECT throws_ok('SELECT * FROM oms_api.staff_sessions()', '42501', NULL, 'nor the sessions');
SELECT throws_ok('SELECT * FROM oms_api.table_sizes()', '42501', NULL, 'nor the table sizes');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_admin;
SELECT ok((SELECT count(*) > 0 AND bool_and(size_bytes >= 0) FROM oms_api.table_sizes()),
	'the table sizes behind the database size');
SELECT ok((SELECT bool_or(kind = 'migration' AND version = (SELECT max(version) FROM oms.schema_migrations))
           FROM oms_api.schema_history()), 'the schema history behind the schema version');
RESET SESSION AUTHORIZATION;

SELECT * FROM finish();
ROLLBACK;
