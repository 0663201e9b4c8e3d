-- Demo data, step 8: identity sequences past the loaded ids, statistics.

SET client_min_messages = warning;

-- Every identity column of schema oms continues after the largest id, so
-- rows made later through oms_api never collide with the demo data.
DO $$
DECLARE
	r record;
	v_max bigint;
BEGIN
	FOR r IN SELECT c.oid::regclass AS tab, a.attname AS col,
	                pg_get_serial_sequence(c.oid::regclass::text, a.attname) AS seq
	         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
	         WHERE c.relnamespace = 'oms'::regnamespace AND c.relkind = 'r'
	           AND a.attidentity <> '' AND NOT a.attisdropped
	LOOP
		EXECUTE format('SELECT max(%I) FROM %s', r.col, r.tab) INTO v_max;
		IF v_max IS NULL THEN
			PERFORM setval(r.seq, (SELECT seqstart FROM pg_sequence WHERE seqrelid = r.seq::regclass), false);
		ELSE
			PERFORM setval(r.seq, v_max, true);
		END IF;
	END LOOP;
END
$$;

-- statistics for every table of the schema (the planner needs them at once)
DO $$
DECLARE
	t regclass;
BEGIN
	FOR t IN SELECT c.oid::regclass FROM pg_class c
	         WHERE c.relnamespace = 'oms'::regnamespace AND c.relkind IN ('r', 'p') LOOP
		EXECUTE format('ANALYZE %s', t);
	END LOOP;
END
$$;

-- the demo logins get their group's connection limit and timeouts
-- (oms.session_limit, sql/0014), as `oms migrate` gives every staff login
SELECT oms.apply_session_limits();
