-- oms_api.lookup(kind 'name') is bounded (issue 14) and ranks as
-- oms-schema(7) (Name search) defines it: on a demo-like fixture (1,600
-- names from the demo's kind of lists, accents, hyphens, particles) every
-- fragment's ranked list equals the reference, written out plainly here:
-- every trigram match at word similarity >= 0.6, the names holding every
-- word of the fragment as a whole word first (tier 0, sql/0033), then the
-- others (tier 1), each tier by 1 - word similarity, 1 - similarity, id;
-- the threshold is the function's, not the session's; nothing is capped:
-- paging through 1,100 equal names gives every one in the reference's
-- order (the word index's range for a surname, keyset on trigram count and
-- id; the trigram matches ranked whole), and so does paging 7 at a time
-- across the two tiers; the word table follows every
-- insert (bulk loads too) and name change; the policy name_search_timeout
-- exists and stops the trigram part of a search with 57014 once its time
-- is up.
BEGIN;
\ir fixture.psql
SELECT plan(21);

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

-- The ranked list by the definition (every match ranked), as
-- 'customer_id:sort_key' in order. A name's words: its runs of letters and
-- digits.
CREATE FUNCTION pg_temp.words(p text) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$ SELECT array_remove(regexp_split_to_array(p, '[^[:alnum:]]+'), '') $$;
CREATE FUNCTION pg_temp.reference(p_q text, p_limit int) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
	v_fold constant text := oms.fold_name(btrim(p_q));
BEGIN
	SET LOCAL pg_trgm.word_similarity_threshold = 0.6;
	RETURN (SELECT array_agg(id || ':' || k ORDER BY k) FROM (
		SELECT c.id,
		       CASE WHEN pg_temp.words(v_fold) <@ pg_temp.words(oms.fold_name(c.full_name))
		            THEN '0:' ELSE '1:' END ||
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
	'name bounds: every fragment ranks exactly as the reference (same rows, same order, same keys)');
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
CREATE FUNCTION pg_temp.all_pages(p_q text, p_page int DEFAULT 500) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
	v_after text;
	v_all text[] := '{}';
	v_page int;
	r record;
BEGIN
	LOOP
		v_page := 0;
		FOR r IN SELECT * FROM oms_api.lookup('name', p_q, p_page, v_after) LOOP
			v_page := v_page + 1;
			v_after := r.sort_key;
			v_all := v_all || (r.customer_id || ':' || r.sort_key);
		END LOOP;
		EXIT WHEN v_page < p_page;
	END LOOP;
	RETURN v_all;
END
$$;
SELECT is(pg_temp.all_pages('jones'), pg_temp.reference('jones', 100000),
	'name bounds: paging through "jones" (500 a page) gives every match, ranked as the reference (no cap)');
SELECT is(pg_temp.all_pages('jone'), pg_temp.reference('jone', 100000),
	'name bounds: paging through "jone" (1,100 and more trigram matches, none holding the word: the index-ordered scan) gives every match, ranked as the reference');
SELECT is((SELECT string_agg(q, ', ') FROM (VALUES ('smith'), ('muller'), ('nguyen'), ('anne marie'), ('jones'),
		('Schmid'), ('van der berg')) f(q)
	WHERE pg_temp.all_pages(q, 7) IS DISTINCT FROM pg_temp.reference(q, 100000)), NULL,
	'name bounds: paging 7 at a time (from the exact words on into the other matches) gives the reference''s list');
SELECT ok((SELECT count(*) FROM oms_api.lookup('name', 'smith', 500) WHERE sort_key LIKE '0:%') >= 40
	AND (SELECT count(*) FROM oms_api.lookup('name', 'smith', 500) WHERE sort_key LIKE '1:%') >= 40,
	'name bounds: "smith" has both tiers (the Smiths first, then Smithson and the like)');
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
SELECT matches(pg_temp.canceled($$SELECT count(*) FROM oms_api.lookup('name', 'jone')$$),
	'^57014: name search stopped after 0 ms .* \{"rule": "name_search_timeout", "timeout": "0 ms", "candidates": 1\}$',
	'name bounds: with name_search_timeout 0 ms a name search that reads trigram matches stops with 57014 (query_canceled)');
SELECT is((SELECT count(*) FROM oms_api.lookup('name', 'jones', 50)), 50::bigint,
	'name bounds: the exact words of a surname are read from their index, without the time limit''s part');
SELECT is((SELECT count(*) FROM oms_api.lookup('email', 'jones1@example.org'))
          + (SELECT count(*) FROM oms_api.lookup('phone', '+15551234567')), 2::bigint,
	'name bounds: the time limit is the name search''s only (e-mail and phone lookups run)');
RESET SESSION AUTHORIZATION;

-- The word table (sql/0033) follows the names: a rename, a bulk load that
-- skips ordinary triggers (the demo's), and it always equals the words of
-- every stored name.
UPDATE oms.customer SET full_name = 'Pat Quixotic-Jonas' WHERE id = (SELECT min(id) FROM oms.customer WHERE full_name = 'Pat Jones');
SET session_replication_role = replica;
INSERT INTO oms.customer (full_name, email) VALUES ('Ada Quixotic', 'ada.q@example.org');
RESET session_replication_role;
SET SESSION AUTHORIZATION t_csr;
SELECT is((SELECT array_agg(full_name ORDER BY full_name) FROM oms_api.lookup('name', 'quixotic')),
	ARRAY['Ada Quixotic', 'Pat Quixotic-Jonas'],
	'name bounds: a renamed customer and one loaded with session_replication_role = replica are found by their words');
RESET SESSION AUTHORIZATION;
-- Paging on after the last row's customer was renamed (its word row is
-- gone): the next page starts after that row's key all the same.
SELECT sort_key AS jones_after FROM oms_api.lookup('name', 'jones', 30) OFFSET 29 \gset
UPDATE oms.customer SET full_name = 'Pat Renamed' WHERE id = split_part(:'jones_after', ':', 4)::bigint;
SET SESSION AUTHORIZATION t_csr;
SELECT is((SELECT array_agg(customer_id || ':' || sort_key) FROM oms_api.lookup('name', 'jones', 40, :'jones_after')),
	(SELECT array_agg(r ORDER BY o) FROM unnest(pg_temp.reference('jones', 100000)) WITH ORDINALITY AS x(r, o)
	 WHERE split_part(r, ':', 2) || ':' || split_part(r, ':', 3) || ':' || split_part(r, ':', 4) || ':' || split_part(r, ':', 5)
	       > :'jones_after' AND o <= (SELECT min(o2) + 39 FROM unnest(pg_temp.reference('jones', 100000)) WITH ORDINALITY AS y(r2, o2)
	                                   WHERE split_part(r2, ':', 2) || ':' || split_part(r2, ':', 3) || ':' || split_part(r2, ':', 4) || ':' || split_part(r2, ':', 5) > :'jones_after')),
	'name bounds: the page after a row whose customer was renamed meanwhile is the reference''s next 40');
RESET SESSION AUTHORIZATION;
SELECT set_eq('SELECT customer_id, word, ntrgm FROM oms.customer_name_word',
	'SELECT DISTINCT c.id, w, cardinality(oms.show_trgm(c.name_folded)) FROM oms.customer c, unnest(pg_temp.words(c.name_folded)) w',
	'name bounds: customer_name_word holds exactly the words of every name, with the name''s trigram count');

-- A one-word search works each row's key out from the stored counts
-- (1 - n(word) / n(name) in float4), not with the trigram functions: for
-- every word of every name here that is the key the functions give.
SELECT is((SELECT count(*) FROM oms.customer_name_word w JOIN oms.customer c ON c.id = w.customer_id
	WHERE to_char(1 - oms.word_similarity(w.word, c.name_folded), 'FM0.000000') <> '0.000000'
	   OR to_char(1 - oms.similarity(w.word, c.name_folded), 'FM0.000000')
	      <> to_char(1 - cardinality(oms.show_trgm(w.word))::real / w.ntrgm::real, 'FM0.000000')), 0::bigint,
	'name bounds: for every word of every name, word similarity is 1 and 1 - similarity is 1 - n(word) / n(name) to the digit');

SELECT * FROM finish();
ROLLBACK;
