-- Issue 8, break 10: the worker's functions never wait long on a lock a
-- staff session holds (the behaviour under a held lock is in
-- tests/sql/session_limits.test and the worker's own test); here: every
-- function the worker may call declares it, and the group settings exist.
BEGIN;
\ir fixture.psql
SELECT plan(3);
SELECT is(ARRAY(
	SELECT p.oid::regprocedure::text FROM pg_proc p
	WHERE p.pronamespace = 'oms_api'::regnamespace
	  AND has_function_privilege('oms_worker', p.oid, 'EXECUTE')
	  AND NOT has_function_privilege('oms_csr', p.oid, 'EXECUTE')
	  AND p.provolatile = 'v'
	  AND NOT coalesce('lock_timeout=2s' = ANY (p.proconfig), false)
	ORDER BY 1), '{}'::text[],
	'every state-changing function only the worker calls waits at most 2 s for a lock');
SELECT is((SELECT lock_timeout FROM oms.session_limit WHERE group_role = 'oms_worker'), '2s',
	'the worker''s logins get lock_timeout 2s');
SELECT is((SELECT count(*) FROM oms.session_limit), 5::bigint, 'every group has session limits');
SELECT * FROM finish();
ROLLBACK;
