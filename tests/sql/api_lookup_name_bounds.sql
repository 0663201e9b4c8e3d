-- oms_api.lookup(kind 'name') is bounded (issue 14) and still ranks as it
-- did: on a demo-like fixture (1,600 names from the demo's kind of lists,
-- accents, hyphens, particles) every fragment's ranked list equals the
-- unbounded reference (the query of 0006/before issue 14: every trigram
-- match at word similarity >= 0.6, sorted by 1 - word similarity,
-- 1 - similarity, id); the threshold is the function's, not the session's;
-- nothing is capped: paging through 1,100 equal names gives every one in
-- the reference's order (sql/0027's index-ordered scan returns rows of
-- equal distance in any order: the function orders them by id); the policy
-- name_search_timeout exists and stops a search with 57014 once its time
-- is up.
BEGIN;
\ir fixture.psql
SELECT plan(13);
-- The function's name query is planned at its first call in this session
-- and the plan kept: without sequential and bitmap scans it is sql/0027's
-- index-ordered (KNN) scan, as on the full-scale demo, not a sort of every
-- match (which would give the reference's order whatever the loop did).
SET enable_seqscan = off;
SET enable_bitmapscan = off;

INSERT INTO oms.customer (full_name, email)
SELECT f || ' ' || l, format('n%s.%s@example.org', fi, li)
FROM unnest(ARRAY['James', 'Mary', 'José', 'Zoë', 'Ana', 'Jürgen', 'Siobhán', 'Nguyễn Văn', 'Li', 'Fatima',
                  'Olga', 'Pierre', 'Chloé', 'Søren', 'Ángel', 'Anne-Marie', 'Mohammed', 'Yuki', 'Bjørn', 'Łukasz',
                  'Émile', 'Aoife', 'Kwame', 'Priya', 'Ines', 'Ömer', 'Sarah', 'Joseph', 'Dmitri', 'Camille',
                  'Nadia', 'Tomás', 'Hana', 'Luis', 'Grace', 'Ivan', 'Amélie', 'Kai', 'Noor', 'William'])
	WITH ORDINALITY AS a(f, fi),
     unnest(ARRAY['Smith', 'Müller', 'González', 'Nguyen', 'Ångström-Nakamura', 'O''Brien', 'van der Berg',
                  'García', 'Kowalski', 'Johansson', 'Dubois', 'Rossi', 'Novák', 'Papadopoulos', 'Yılmaz',
                  'Phạm', 'Shah', 'Kim', 'Li', 'Fernández', 'Smithson', 'Schmidt', 'Schmitt', 'Møller', 'Muller',
                  'Gonzales', 'MacDonald', 'McDonald', 'Ó Súilleabháin', 'de la Cruz', 'Al-Sayed', 'Okafor',
                  'Jones', 'Brown', 'Wilson', 'Álvarez', 'Alvares', 'Núñez', 'Nunes', 'Tanaka'])
	WITH ORDINALITY AS b(l, li);

-- The ranked list as it was before the bounds (every match ranked), as
-- 'customer_id:sort_key' in order.
CREATE FUNCTION pg_temp.reference(p_q text, p_limit int) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
	v_fold constant text := oms.fold_name(btrim(p_q));
BEGIN
	SET LOCAL pg_trgm.word_similarity_threshold = 0.6;
	RETURN (SELECT array_agg(id || ':' || k ORDER BY k) FROM (
		SELECT c.id,
		       to_char(1 - oms.word_similarity(v_fold, oms.fold_name(c.full_name)), 'FM0.000000') || ':' ||
		       to_char(1 - oms.similarity(v_fold, oms.fold_name(c.full_name)), 'FM0.000000') || ':' ||
		       lpad(c.id::text, 19, '0') AS k
		FROM oms.customer c
		WHERE v_fold OPERATOR(oms.<%) oms.fold_name(c.full_name)
		ORDER BY k LIMIT p_limit) r);
END
$$;
CREATE FUNCTION pg_temp.ranked(p_q text, p_limit int) RETURNS text[]
LANGUAGE sql AS $$
	SELECT array_agg(customer_id || ':' || sort_key ORDER BY ord)
	FROM oms_api.lookup('name', p_q, p_limit) WITH ORDINALITY AS l(kind, order_no, customer_id, full_name, email,
		phone, status, placed_at, total_minor, currency, sort_key, ord)
$$;
CREATE TEMP TABLE fragment (q text);
INSERT INTO fragment VALUES ('smith'), ('Müller'), ('muller'), ('gonzález'), ('nguyen'), ('ström'), ('José'),
	('anne marie'), ('O''Brien'), ('obrien'), ('Ångström-Nakamura'), ('van der berg'), ('ZOE'), ('mac donald'),
	('sullivan'), ('Schmid'), ('al sayed'), ('Kim Li'), ('jurgen'), ('lukasz kowalski'), ('Qwxyzvbnk');
GRANT SELECT ON fragment TO PUBLIC;

SET SESSION AUTHORIZATION t_csr;
SELECT is((SELECT string_agg(q, ', ') FROM fragment
	WHERE pg_temp.ranked(q, 500) IS DISTINCT FROM pg_temp.reference(q, 500)), NULL,
	'name bounds: every fragment ranks exactly as the unbounded reference (same rows, same order, same keys)');
SELECT ok((SELECT count(*) FROM fragment WHERE cardinality(pg_temp.ranked(q, 500)) >= 10) >= 10,
	'name bounds: the fixture is not trivial (at least 10 fragments find 10 names or more)');
SELECT is((SELECT string_agg(q, ', ') FROM fragment
	WHERE pg_temp.ranked(q, 5) IS DISTINCT FROM pg_temp.reference(q, 5)), NULL,
	'name bounds: with p_limit 5 too, the first five are the reference''s');

-- The session's own threshold changes nothing.
CREATE TEMP TABLE before_set AS SELECT q, pg_temp.ranked(q, 500) AS r FROM fragment;
SET pg_trgm.word_similarity_threshold = 0.1;
SELECT is((SELECT string_agg(b.q, ', ') FROM before_set b WHERE b.r IS DISTINCT FROM pg_temp.ranked(b.q, 500)), NULL,
	'name bounds: a session''s pg_trgm.word_similarity_threshold = 0.1 changes no result (the function fixes 0.6)');
SET pg_trgm.word_similarity_threshold = 0.95;
SELECT is((SELECT string_agg(b.q, ', ') FROM before_set b WHERE b.r IS DISTINCT FROM pg_temp.ranked(b.q, 500)), NULL,
	'name bounds: nor does 0.95');
RESET pg_trgm.word_similarity_threshold;
SELECT is((SELECT proconfig FROM pg_proc WHERE oid = 'oms_api.lookup(text,text,integer,text)'::regprocedure)
	@> ARRAY['pg_trgm.word_similarity_threshold=0.6'], true,
	'name bounds: lookup sets pg_trgm.word_similarity_threshold = 0.6 itself');
RESET SESSION AUTHORIZATION;

-- No cap (before sql/0027 at most 1000 candidates were ranked): 1,100
-- more customers with one and the same name, Pat Jones.
INSERT INTO oms.customer (full_name, email)
SELECT 'Pat Jones', format('jones%s@example.org', n) FROM generate_series(1, 1100) n;
SET SESSION AUTHORIZATION t_csr;
SELECT ok((SELECT count(*) FROM oms.customer c WHERE 'jones' OPERATOR(oms.<%) oms.fold_name(c.full_name)) > 1100,
	'name bounds: more than 1100 names match "jones"');
CREATE FUNCTION pg_temp.all_pages(p_q text) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
	v_after text;
	v_all text[] := '{}';
	v_page int;
	r record;
BEGIN
	LOOP
		v_page := 0;
		FOR r IN SELECT * FROM oms_api.lookup('name', p_q, 500, v_after) LOOP
			v_page := v_page + 1;
			v_after := r.sort_key;
			v_all := v_all || (r.customer_id || ':' || r.sort_key);
		END LOOP;
		EXIT WHEN v_page < 500;
	END LOOP;
	RETURN v_all;
END
$$;
SELECT is(pg_temp.all_pages('jones'), pg_temp.reference('jones', 100000),
	'name bounds: paging through "jones" (500 a page) gives every match, ranked as the reference (no cap)');
SELECT is(pg_temp.ranked('pat jones', 7), pg_temp.reference('pat jones', 7),
	'name bounds: of 1,100 equal names the first seven are the reference''s (lowest ids)');
SELECT is((SELECT count(*) FROM oms_api.lookup('name', 'jones', 500) l
	WHERE oms.word_similarity('jones', oms.fold_name(l.full_name)) < 0.6), 0::bigint,
	'name bounds: every row of a search with 1,100 equal names is a real match (word similarity >= 0.6)');
RESET SESSION AUTHORIZATION;

-- The time limit. (57014, like statement_timeout's, is not caught by
-- WHEN OTHERS: pg_temp.err would not see it.)
CREATE FUNCTION pg_temp.canceled(p_sql text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	v_detail text;
BEGIN
	EXECUTE p_sql;
	RETURN 'ok';
EXCEPTION WHEN query_canceled THEN
	GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL;
	RETURN SQLSTATE || ': ' || SQLERRM || ' ' || v_detail;
END
$$;
SELECT is((SELECT value FROM oms.policy WHERE key = 'name_search_timeout'), '2 seconds',
	'name bounds: the policy name_search_timeout exists (2 seconds)');
UPDATE oms.policy SET value = '0 ms' WHERE key = 'name_search_timeout';
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.canceled($$SELECT count(*) FROM oms_api.lookup('name', 'jones')$$),
	'^57014: name search stopped after 0 ms .* \{"rule": "name_search_timeout", "timeout": "0 ms", "candidates": 1\}$',
	'name bounds: with name_search_timeout 0 ms a name search stops with 57014 (query_canceled)');
SELECT is((SELECT count(*) FROM oms_api.lookup('email', 'jones1@example.org'))
          + (SELECT count(*) FROM oms_api.lookup('phone', '+15551234567')), 2::bigint,
	'name bounds: the time limit is the name search''s only (e-mail and phone lookups run)');
RESET SESSION AUTHORIZATION;

SELECT * FROM finish();
ROLLBACK;
