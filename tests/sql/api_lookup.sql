-- oms_api.lookup: every kind (order_no, email, phone, tracking, name),
-- keyset paging with p_after, the limit, row-level security for fulfilment,
-- no-match and hostile input (zero rows or a clean 22023, nothing else).
BEGIN;
\ir fixture.psql
SELECT plan(42);

-- Customers: the fixture's Alex (Alex.Customer@Example.com, +15551234567),
-- one whose e-mail has Alex's as a prefix, seven "pager" e-mails, three
-- sharing a London phone number, accented names, and Bea who only ever
-- bought from seller B.
SELECT pg_temp.new_customer('Alex Aussie', 'alex.customer@example.com.au') AS aussie \gset
SELECT pg_temp.new_customer(format('Pager %s', n), format('Pager.%s@Example.org', n)) FROM generate_series(1, 7) n \g /dev/null
SELECT pg_temp.new_customer(format('Pat Phone %s', n), format('pat%s@example.org', n), '+442079460958')
FROM generate_series(1, 3) n \g /dev/null
SELECT pg_temp.new_customer('José Álvarez', 'jose.alvarez@example.es') AS jose \gset
SELECT pg_temp.new_customer('Josefa Álvarez-Núñez', 'josefa@example.es') AS josefa \gset
SELECT pg_temp.new_customer('Jose Alvarez', 'jalvarez@example.com') AS jose_plain \gset
SELECT pg_temp.new_customer('Ana Álvares', 'ana.alvares@example.pt') AS ana \gset
SELECT pg_temp.new_customer('Zed Nobody', 'zed@example.net') AS zed \gset
SELECT pg_temp.new_customer('Bea Bseller', 'bea@example.net', '+15559870000') AS bea \gset

-- Alex's order with seller A and Bea's with seller B, both shipped.
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS oa \gset
SELECT pg_temp.order_for(:bea, jsonb_build_array(jsonb_build_object('item_id', :item_b1, 'qty', 1))) AS ob \gset
SELECT oms_api.mark_shipped(:oa, 'Local', '1ZA00001'), oms_api.mark_shipped(:ob, 'Local', 'TRKB0001') \g /dev/null
-- a well-formed order number that no order has
SELECT (max(id) + 1000) * 10 + oms.damm_check(max(id) + 1000) AS nosuch FROM oms.orders \gset

-- Every page of a lookup, following sort_key through p_after until a page
-- comes back short.
CREATE FUNCTION pg_temp.lookup_pages(p_kind text, p_query text, p_limit int)
RETURNS TABLE (page int, pos int, customer_id bigint, order_no bigint, sort_key text)
LANGUAGE plpgsql AS $$
DECLARE
	v_after text;
	v_page int := 0;
	v_pos int := 0;
	v_n int;
	r record;
BEGIN
	LOOP
		v_page := v_page + 1;
		v_n := 0;
		FOR r IN SELECT * FROM oms_api.lookup(p_kind, p_query, p_limit, v_after) LOOP
			v_n := v_n + 1;
			v_pos := v_pos + 1;
			page := v_page; pos := v_pos; customer_id := r.customer_id; order_no := r.order_no;
			sort_key := r.sort_key;
			v_after := r.sort_key;
			RETURN NEXT;
		END LOOP;
		EXIT WHEN v_n < p_limit OR v_page > 100;
	END LOOP;
END
$$;

-- What a lookup did: '0 rows', 'N rows' or 'SQLSTATE: message'.
CREATE FUNCTION pg_temp.lookup_outcome(p_kind text, p_query text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	v_n bigint;
BEGIN
	SELECT count(*) INTO v_n FROM oms_api.lookup(p_kind, p_query);
	RETURN v_n || ' rows';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;

SET SESSION AUTHORIZATION t_csr;

-- order_no
SELECT results_eq(format($$SELECT kind, order_no, customer_id, full_name, status FROM oms_api.lookup('order_no', '%s')$$, :oa),
	format($$VALUES ('order'::text, %s::bigint, %s::bigint, 'Alex Customer'::text, 'SHIPPED'::text)$$, :oa, :cust),
	'lookup order_no: the exact number finds that order (kind order, its customer and status)');
SELECT is((SELECT sort_key FROM oms_api.lookup('order_no', :'oa')), :'oa'::text,
	'lookup order_no: the sort key is the order number');
SELECT is((SELECT count(*) FROM oms_api.lookup('order_no', :'nosuch')), 0::bigint,
	'lookup order_no: a valid number that no order has finds nothing');
SELECT matches(pg_temp.lookup_outcome('order_no', (:oa + 1)::text), '^22023: ',
	'lookup order_no: a wrong check digit is invalid input (22023)');
SELECT is((SELECT count(*) FROM oms_api.lookup('order_no', format(' %s ', :oa))), 1::bigint,
	'lookup order_no: surrounding blanks are ignored');

-- email
SELECT results_eq($$SELECT kind, order_no, customer_id FROM oms_api.lookup('email', 'ALEX.customer@example.COM') LIMIT 1$$,
	format($$VALUES ('customer'::text, NULL::bigint, %s::bigint)$$, :cust),
	'lookup email: the exact address in another case finds the customer first (kind customer, no order)');
SELECT is((SELECT count(*) FROM oms_api.lookup('email', 'alex.customer@example.com') WHERE customer_id = :aussie
	AND sort_key <= 'alex.customer@example.com'), 0::bigint,
	'lookup email: a longer address with the same prefix never comes before the exact hit');
SELECT results_eq($$SELECT email FROM oms_api.lookup('email', 'pager.')$$,
	$$SELECT format('Pager.%s@Example.org', n) FROM generate_series(1, 7) n$$,
	'lookup email: a prefix finds every match (case-insensitive), in e-mail order');
SELECT is((SELECT count(*) FROM oms_api.lookup('email', 'pager.', 2)), 2::bigint,
	'lookup email: p_limit is respected');
SELECT results_eq($$SELECT count(*), count(DISTINCT customer_id), max(page) FROM pg_temp.lookup_pages('email', 'pager.', 3)$$,
	$$VALUES (7::bigint, 7::bigint, 3)$$,
	'lookup email: paging 3 at a time with p_after returns 7 rows in 3 pages, none twice');
SELECT is((SELECT max(n) FROM (SELECT count(*) n FROM pg_temp.lookup_pages('email', 'pager.', 3) GROUP BY page) p), 3::bigint,
	'lookup email: no page is longer than p_limit');
SELECT is((SELECT array_agg(customer_id ORDER BY pos) FROM pg_temp.lookup_pages('email', 'pager.', 3)),
	(SELECT array_agg(customer_id) FROM oms_api.lookup('email', 'pager.', 500)),
	'lookup email: the pages put together are the unpaged result, in the same order (no gap, no overlap)');
SELECT is((SELECT count(*) FROM oms_api.lookup('email', 'pager.', 3, (SELECT max(sort_key) FROM oms_api.lookup('email', 'pager.')))),
	0::bigint, 'lookup email: after the last row there is nothing');

-- phone
SELECT results_eq($$SELECT customer_id FROM oms_api.lookup('phone', '+15551234567')$$,
	format('VALUES (%s::bigint)', :cust), 'lookup phone: the E.164 number finds its customer');
SELECT results_eq($$SELECT customer_id FROM oms_api.lookup('phone', '(555) 123-4567')$$,
	format('VALUES (%s::bigint)', :cust), 'lookup phone: a number typed with punctuation is normalised to E.164');
SELECT results_eq($$SELECT count(*), count(DISTINCT customer_id), max(page) FROM pg_temp.lookup_pages('phone', '+44 20 7946 0958', 2)$$,
	$$VALUES (3::bigint, 3::bigint, 2)$$,
	'lookup phone: three customers sharing a number come in pages of 2 without overlap');

-- tracking
SELECT results_eq($$SELECT kind, order_no FROM oms_api.lookup('tracking', '1ZA00001')$$,
	format($$VALUES ('order'::text, %s::bigint)$$, :oa), 'lookup tracking: the tracking number finds its order');
SELECT is((SELECT order_no FROM oms_api.lookup('tracking', '1za00001')), :oa::bigint,
	'lookup tracking: a tracking number typed in lower case is found');

-- name: trigram word similarity, best first, accents kept
SELECT is((SELECT customer_id FROM oms_api.lookup('name', 'álvarez') LIMIT 1), :jose::bigint,
	'lookup name: the accented fragment "álvarez" finds José Álvarez first');
SELECT ok((SELECT array_agg(customer_id) FROM oms_api.lookup('name', 'álvarez')) @> ARRAY[:jose, :josefa]::bigint[],
	'lookup name: every close accented match is listed');
SELECT ok((SELECT array_agg(customer_id) FROM oms_api.lookup('name', 'núñez')) @> ARRAY[:josefa]::bigint[],
	'lookup name: a fragment inside a longer name ("núñez" in "Josefa Álvarez-Núñez") is found');
SELECT is((SELECT customer_id FROM oms_api.lookup('name', 'Jose Alvarez') LIMIT 1), :jose::bigint,
	'lookup name: typed without accents ("Jose Alvarez") it finds José Álvarez first');
SELECT ok((SELECT array_agg(customer_id) FROM oms_api.lookup('name', 'NUNEZ')) @> ARRAY[:josefa]::bigint[],
	'lookup name: case and accents are ignored ("NUNEZ" finds Núñez)');
SELECT ok((SELECT bool_and(s <= lag_s) FROM (
		SELECT oms.word_similarity('alvarez', oms.fold_name(full_name)) s,
		       lag(oms.word_similarity('alvarez', oms.fold_name(full_name))) OVER (ORDER BY ord) lag_s
		FROM oms_api.lookup('name', 'álvarez') WITH ORDINALITY AS l(kind, order_no, customer_id, full_name, email, phone,
		     status, placed_at, total_minor, currency, sort_key, city, last_order_at, stuck, ord)) x WHERE lag_s IS NOT NULL) IS NOT FALSE
	AND (SELECT count(*) FROM oms_api.lookup('name', 'álvarez')) >= 2,
	'lookup name: best first (word similarity never increases down the list)');
SELECT is((SELECT count(*) FROM oms_api.lookup('name', 'álvarez') WHERE customer_id = :zed), 0::bigint,
	'lookup name: unrelated names are not listed');
SELECT is((SELECT array_agg(customer_id ORDER BY pos) FROM pg_temp.lookup_pages('name', 'álvarez', 1)),
	(SELECT array_agg(customer_id) FROM oms_api.lookup('name', 'álvarez', 500)),
	'lookup name: paging one at a time gives the unpaged result in the same order (no gap, no overlap)');

-- no match
SELECT is(pg_temp.lookup_outcome('email', 'nobody.here@example.invalid') || ' / ' ||
          pg_temp.lookup_outcome('phone', '+19999999999') || ' / ' ||
          pg_temp.lookup_outcome('tracking', 'NOPE1234') || ' / ' ||
          pg_temp.lookup_outcome('name', 'Qwxyzvbnk'),
	'0 rows / 0 rows / 0 rows / 0 rows', 'lookup: no match is zero rows for email, phone, tracking and name');
SELECT matches(pg_temp.lookup_outcome('colour', 'blue'), '^22023: ', 'lookup: an unknown kind is invalid input (22023)');

-- fulfilment sees only its seller's orders (and the customers of those)
SET SESSION AUTHORIZATION t_ful1;
SELECT is((SELECT count(*) FROM oms_api.lookup('order_no', :'oa')), 1::bigint,
	'lookup as fulfilment A: its own seller''s order is found');
SELECT is((SELECT count(*) FROM oms_api.lookup('order_no', :'ob')), 0::bigint,
	'lookup as fulfilment A: seller B''s order number finds nothing');
SELECT is((SELECT count(*) FROM oms_api.lookup('tracking', 'TRKB0001')), 0::bigint,
	'lookup as fulfilment A: seller B''s tracking number finds nothing');
SELECT is((SELECT count(*) FROM oms_api.lookup('email', 'bea@example.net')) +
          (SELECT count(*) FROM oms_api.lookup('phone', '+15559870000')) +
          (SELECT count(*) FROM oms_api.lookup('name', 'Bea Bseller')), 0::bigint,
	'lookup as fulfilment A: a customer who only bought from seller B is found by no kind');
SELECT is((SELECT count(*) FROM oms_api.lookup('email', 'pager.')), 0::bigint,
	'lookup as fulfilment A: customers without a seller A order are not listed');
SET SESSION AUTHORIZATION t_ful2;
SELECT is((SELECT order_no FROM oms_api.lookup('tracking', 'TRKB0001')), :ob::bigint,
	'lookup as fulfilment B: its own tracking number is found');

-- hostile input: zero rows or a clean 22023, never anything else
SET SESSION AUTHORIZATION t_csr;
CREATE TEMP TABLE hostile (q text);
INSERT INTO hostile VALUES
	($$'; DROP TABLE oms.orders; --$$), ($$' OR '1'='1$$), ($$" OR ""="$$), ('%'), ('_'), ('%%@%'), ('\'),
	(E'\\x00'), ('$1'), ('$$; SELECT 1; $$'), ('.*'), ('[a-z]+'), ('(?:'), ('*'), ('--'), (';'),
	(repeat('x', 10240)), (repeat('9', 10240)), (repeat('''', 10240)), (repeat('%_', 5120)),
	(''), ('   '), (E'\t\n'), (NULL), ('+'), ('+0'), ('0000000'), ('00000000'), ('99999999'), ('-10000004'),
	('1e10'), ('10000004; DELETE FROM oms.orders'), (chr(1114111)), ('ǅ🙂𝔘');
SELECT is((SELECT string_agg(format('%s(%s): %s', k, left(coalesce(h.q, 'NULL'), 20), o), '; ')
	FROM hostile h, unnest(ARRAY['order_no', 'email', 'phone', 'tracking', 'name']) k,
	     pg_temp.lookup_outcome(k, h.q) o
	WHERE o <> '0 rows' AND o NOT LIKE '22023: %'), NULL,
	'lookup: hostile input (SQL metacharacters, 10 kB strings, empty, NULL, odd code points) gives zero rows or 22023 for every kind');
SELECT is((SELECT string_agg(format('%s: %s', left(coalesce(h.q, 'NULL'), 20), o), '; ')
	FROM hostile h, pg_temp.lookup_outcome(h.q, 'x') o WHERE o NOT LIKE '22023: %'), NULL,
	'lookup: a hostile kind is always 22023');
SELECT matches(pg_temp.lookup_outcome('email', ''), '^22023: ', 'lookup: an empty query is invalid input (22023)');

-- issue 13: a customer row tells similar names apart by the city of the
-- default address and the last order's date; an order row says whether a
-- shipment of it is flagged (stuck)
RESET SESSION AUTHORIZATION;
UPDATE oms.address SET city = 'Shelbyville' WHERE customer_id = :jose;
INSERT INTO oms.address (customer_id, label, name, line1, city, region, postal_code, country, is_default)
VALUES (:jose, 'work', 'José Álvarez', '9 Far Rd', 'Capital City', 'IL', '62799', 'US', false);
SELECT pg_temp.order_for(:jose, jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS ojose \gset
UPDATE oms.orders SET placed_at = timestamptz '2024-03-04 05:06 UTC' WHERE order_no = :ojose;
UPDATE oms.shipment SET flagged = true WHERE order_id = (SELECT id FROM oms.orders WHERE order_no = :ob);
SET SESSION AUTHORIZATION t_csr;
SELECT results_eq($$SELECT customer_id, city, last_order_at FROM oms_api.lookup('name', 'alvarez') WHERE customer_id IN ($$
	|| :jose || ',' || :jose_plain || ') ORDER BY customer_id',
	format($$VALUES (%s::bigint, 'Shelbyville'::text, timestamptz '2024-03-04 05:06 UTC'), (%s, 'Springfield', NULL)$$,
	       :jose, :jose_plain),
	'lookup name: each customer row has the default address''s city and the last order''s time (NULL: no order)');
SELECT results_eq($$SELECT city, last_order_at, stuck FROM oms_api.lookup('email', 'alex.customer@example.com')$$,
	format($$VALUES ('Springfield'::text, (SELECT placed_at FROM oms.orders WHERE order_no = %s), NULL::boolean)$$, :oa),
	'lookup email: the city, the last order''s time; stuck is for orders only (NULL)');
SELECT results_eq($$SELECT city, last_order_at FROM oms_api.lookup('phone', '+15559870000')$$,
	format($$VALUES ('Springfield'::text, (SELECT placed_at FROM oms.orders WHERE order_no = %s))$$, :ob),
	'lookup phone: the city and the last order''s time');
SELECT results_eq(format($$SELECT order_no, stuck, city FROM oms_api.lookup('order_no', '%s')
	UNION ALL SELECT order_no, stuck, city FROM oms_api.lookup('tracking', 'TRKB0001')$$, :oa),
	format($$VALUES (%s::bigint, false, NULL::text), (%s, true, NULL)$$, :oa, :ob),
	'lookup order_no and tracking: stuck is true for an order whose shipment is flagged, false otherwise');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*) FROM oms.orders WHERE order_no IN (:oa, :ob)), 2::bigint,
	'lookup: the hostile input changed nothing');
SELECT * FROM finish();
ROLLBACK;
