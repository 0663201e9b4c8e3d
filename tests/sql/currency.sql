-- oms.currency (sql/0018): every group reads it, money_text writes amounts
-- with its exponents (zero-, two- and three-decimal currencies), an order's
-- timeline says what the screen says, and every currency the oms tables
-- hold is listed. That the table equals the clients' compiled-in one, and
-- money_text equals money_format, is tests/db/currency.test's.
BEGIN;
\ir fixture.psql
SELECT plan(15);

SELECT is((SELECT exponent FROM oms.currency WHERE code = 'KWD'), 3::smallint, 'oms.currency: KWD has 3 decimals');

-- Every staff group, the worker included, may read it.
CREATE FUNCTION pg_temp.reads_currency(p_login text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	n bigint;
BEGIN
	EXECUTE format('SET LOCAL SESSION AUTHORIZATION %I', p_login);
	SELECT count(*) INTO n FROM oms.currency WHERE code IN ('JPY', 'USD', 'KWD');
	RESET SESSION AUTHORIZATION;
	RETURN n;
END $$;
SELECT is(pg_temp.reads_currency(l), 3::bigint, l || ' reads oms.currency')
FROM unnest(ARRAY['t_csr', 't_ful1', 't_analyst', 't_admin', 't_worker']) l;

SELECT is(oms.money_text(123456, 'JPY'), '123,456 JPY', 'money_text: JPY has no decimals');
SELECT is(oms.money_text(123456, 'USD'), '$1,234.56', 'money_text: USD has two');
SELECT is(oms.money_text(-123456, 'KWD'), '-123.456 KWD', 'money_text: KWD has three (was -1234.56 KWD)');
SELECT is(oms.money_text(123456, 'XYZ'), '1,234.56 XYZ', 'money_text: an unknown code keeps two decimals and is named');

-- Orders in KWD and JPY: the timeline's first line is in the right units.
INSERT INTO oms.item (seller_id, sku, name, price_minor, currency)
VALUES (:seller_a, 'A-KWD', 'Dinar widget', 123456, 'KWD') RETURNING id AS item_kwd \gset
INSERT INTO oms.item (seller_id, sku, name, price_minor, currency)
VALUES (:seller_a, 'A-JPY', 'Yen widget', 12000, 'JPY') RETURNING id AS item_jpy \gset
SELECT is((SELECT count(*) FROM oms_api.place_checkout(:cust, :addr,
	jsonb_build_array(jsonb_build_object('item_id', :item_kwd, 'qty', 1)), 'KWD')), 1::bigint, 'an order in KWD is placed');
SELECT order_no AS o_kwd FROM oms.orders WHERE currency = 'KWD' \gset
SELECT is((SELECT count(*) FROM oms_api.place_checkout(:cust, :addr,
	jsonb_build_array(jsonb_build_object('item_id', :item_jpy, 'qty', 1)), 'JPY')), 1::bigint, 'an order in JPY is placed');
SELECT order_no AS o_jpy FROM oms.orders WHERE currency = 'JPY' \gset
SELECT is((SELECT t ->> 'detail' FROM jsonb_array_elements(oms_api.order_card(:o_kwd) -> 'timeline') t
	WHERE t ->> 'detail' LIKE 'order placed%'), 'order placed, total 123.456 KWD',
	'timeline of a KWD order: the total with three decimals');
SELECT is((SELECT t ->> 'detail' FROM jsonb_array_elements(oms_api.order_card(:o_jpy) -> 'timeline') t
	WHERE t ->> 'detail' LIKE 'order placed%'), 'order placed, total 12,000 JPY',
	'timeline of a JPY order: the total without decimals');

-- Every code in any oms table's currency column is known (no foreign key:
-- rows older than 0018 may hold any code the CHECK allowed).
CREATE TEMP TABLE used (tab text, code text);
SELECT format('INSERT INTO used SELECT %L, currency FROM oms.%I', table_name, table_name)
FROM information_schema.columns
WHERE table_schema = 'oms' AND column_name = 'currency' AND table_name <> 'currency' \gexec
SELECT is((SELECT string_agg(DISTINCT tab || ':' || code, ' ') FROM used u
	WHERE NOT EXISTS (SELECT 1 FROM oms.currency c WHERE c.code = u.code)), NULL,
	'every currency in an oms table is in oms.currency (' ||
	(SELECT string_agg(DISTINCT code, ' ') FROM used) || ')');

SELECT * FROM finish();
ROLLBACK;
