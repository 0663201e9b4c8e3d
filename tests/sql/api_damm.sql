-- Order-number check digit: oms.damm_check against the standard Damm
-- vectors and an independent implementation of the published operation
-- table; oms.order_no_valid rejects every single-digit change and every
-- adjacent transposition of valid order numbers.
BEGIN;
\ir fixture.psql
SELECT plan(12);

-- The Damm operation table as published (H. M. Damm, 2004), row = interim
-- digit, column = next digit; and a check digit computed with it.
CREATE FUNCTION pg_temp.damm_ref(p_n bigint) RETURNS int
LANGUAGE sql IMMUTABLE AS $$
	WITH RECURSIVE t(m) AS (SELECT ARRAY[
		[0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
		[7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
		[4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
		[1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
		[6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
		[3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
		[5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
		[8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
		[9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
		[2, 5, 8, 1, 4, 3, 6, 7, 9, 0]]),
	run(pos, interim) AS (
		SELECT 0, 0
		UNION ALL
		SELECT pos + 1, (SELECT m[interim + 1][substr(p_n::text, pos + 1, 1)::int + 1] FROM t)
		FROM run WHERE pos < length(p_n::text))
	SELECT interim FROM run ORDER BY pos DESC LIMIT 1
$$;

-- Valid order numbers to tamper with: ids spread over the whole 7-digit
-- range, the first and last included.
CREATE TEMP TABLE sample AS
SELECT (i * 10 + oms.damm_check(i))::text AS no
FROM (SELECT generate_series(1000000, 9999999, 49999) UNION SELECT 9999999 UNION SELECT 1234567) s(i);

SELECT is(oms.damm_check(572), 4, 'damm_check: 572 -> 4 (the standard example)');
SELECT results_eq($$SELECT n, oms.damm_check(n) FROM unnest(ARRAY[0, 5, 1, 12, 123, 1234, 12345, 98765, 112946, 1000, 1000000,
		1000001, 8675309, 9999999, 31415926, 99999999, 1234567890, 2718281828, 4242424242, 9223372036854775807]::bigint[]) n$$,
	$$VALUES (0::bigint, 0), (5, 9), (1, 3), (12, 5), (123, 4), (1234, 0), (12345, 9), (98765, 3), (112946, 0), (1000, 8),
	         (1000000, 4), (1000001, 2), (8675309, 5), (9999999, 2), (31415926, 6), (99999999, 9), (1234567890, 6),
	         (2718281828, 0), (4242424242, 5), (9223372036854775807, 7)$$,
	'damm_check: agrees with vectors computed from the standard table (1 to 19 digits)');
SELECT is(oms.damm_check(5724), 0, 'damm_check: a number followed by its check digit checks to 0 (5724)');
SELECT is((SELECT count(*) FROM generate_series(0, 20000) n WHERE oms.damm_check(n) <> pg_temp.damm_ref(n)), 0::bigint,
	'damm_check: agrees with the reference table for every number 0..20000');
SELECT is((SELECT count(*) FROM generate_series(1000000, 9999999, 7919) n WHERE oms.damm_check(n) <> pg_temp.damm_ref(n)), 0::bigint,
	'damm_check: agrees with the reference table across the order id range');
SELECT throws_ok('SELECT oms.damm_check(-1)', '22023', NULL, 'damm_check: a negative number is invalid input');

SELECT is((SELECT count(*) FROM sample WHERE NOT oms.order_no_valid(no::bigint)), 0::bigint,
	'order_no_valid: every sample number (id * 10 + check digit) is valid');

-- every other digit in every position
CREATE TEMP VIEW single_changes AS
SELECT s.no, overlay(s.no PLACING d::text FROM p FOR 1) AS changed
FROM sample s, generate_series(1, 8) p, generate_series(0, 9) d
WHERE substr(s.no, p, 1) <> d::text;
SELECT is((SELECT count(*) FROM single_changes), (SELECT count(*) * 8 * 9 FROM sample),
	'order_no_valid: the single-digit changes tried are 8 positions x 9 digits of each sample number');
SELECT is((SELECT string_agg(no || '->' || changed, ', ') FROM single_changes WHERE oms.order_no_valid(changed::bigint)), NULL,
	'order_no_valid: rejects every single-digit change of the sample numbers');

-- every swap of two neighbouring, different digits
CREATE TEMP VIEW transpositions AS
SELECT s.no, substr(s.no, 1, p - 1) || substr(s.no, p + 1, 1) || substr(s.no, p, 1) || substr(s.no, p + 2) AS swapped
FROM sample s, generate_series(1, 7) p
WHERE substr(s.no, p, 1) <> substr(s.no, p + 1, 1);
SELECT ok((SELECT count(*) FROM transpositions) > (SELECT count(*) * 3 FROM sample),
	'order_no_valid: the sample has plenty of adjacent transpositions to try');
SELECT is((SELECT string_agg(no || '->' || swapped, ', ') FROM transpositions WHERE oms.order_no_valid(swapped::bigint)), NULL,
	'order_no_valid: rejects every adjacent transposition of the sample numbers');

SELECT results_eq($$SELECT oms.order_no_valid(n) FROM unnest(ARRAY[5724, 1000002, 100000006, -10000004, 0]::bigint[]) n$$,
	$$VALUES (false), (false), (false), (false), (false)$$,
	'order_no_valid: numbers that are not 8 digits are rejected even when their Damm check holds');
SELECT * FROM finish();
ROLLBACK;
