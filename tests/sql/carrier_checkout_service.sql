-- Checkout chooses the service level (issue 11): oms_api.place_checkout's
-- p_service_level goes on every order of the checkout ('ground' when not
-- given); a level no active carrier offers is refused (OM001,
-- unknown_service, with the levels offered) and nothing is written. The
-- confirmation mail's job carries the estimate for that level
-- (oms.order_estimate), which differs from the ground estimate.
BEGIN;
\ir fixture.psql
SELECT plan(12);

-- pg_temp.err_detail(sql): the error's DETAIL as jsonb, plus its sqlstate.
CREATE FUNCTION pg_temp.err_detail(p_sql text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	v_state text;
	v_detail text;
BEGIN
	EXECUTE p_sql;
	RETURN jsonb_build_object('sqlstate', 'ok');
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_detail = PG_EXCEPTION_DETAIL;
	RETURN v_detail::jsonb || jsonb_build_object('sqlstate', v_state);
END
$$;

-- pg_temp.levels(checkout result): the service levels of its orders.
CREATE FUNCTION pg_temp.levels(p_orders bigint[]) RETURNS text
LANGUAGE sql AS $$ SELECT string_agg(service_level, ',' ORDER BY order_no) FROM oms.orders WHERE order_no = ANY (p_orders) $$;

SET SESSION AUTHORIZATION t_csr;
-- two sellers: two orders, both express
SELECT array_agg(order_no) AS two FROM oms_api.place_checkout(:cust, :addr,
	jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1),
	                  jsonb_build_object('item_id', :item_b1, 'qty', 1)), 'USD', 'express') \gset
RESET SESSION AUTHORIZATION;
SELECT is(pg_temp.levels(:'two'), 'express,express', 'place_checkout: every order of the checkout ships express');
SELECT array_agg(order_no) AS dflt FROM oms_api.place_checkout(:cust, :addr,
	jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) \gset
SELECT is(pg_temp.levels(:'dflt'), 'ground', 'place_checkout: ground when no service level is given');
SELECT array_agg(order_no) AS nul FROM oms_api.place_checkout(:cust, :addr,
	jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)), 'USD', NULL) \gset
SELECT is(pg_temp.levels(:'nul'), 'ground', 'place_checkout: ground when the service level is NULL');
SELECT array_agg(order_no) AS ovn FROM oms_api.place_checkout(:cust, :addr,
	jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)), 'USD', ' Overnight ') \gset
SELECT is(pg_temp.levels(:'ovn'), 'overnight', 'place_checkout: the level is read without blanks and case');

SELECT count(*) AS n_orders FROM oms.orders \gset
SET SESSION AUTHORIZATION t_csr;
SELECT is(pg_temp.err_detail(format('SELECT oms_api.place_checkout(%s, %s, %L, %L, %L)', :cust, :addr,
		jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)), 'USD', 'teleport')),
	'{"sqlstate": "OM001", "rule": "unknown_service", "field": "service_level", "service_level": "teleport",
	  "offered": ["economy", "express", "ground", "overnight"]}'::jsonb,
	'place_checkout: an unknown level is refused (OM001 unknown_service, the levels offered)');
SELECT matches(pg_temp.err(format('SELECT oms_api.place_checkout(%s, %s, %L, %L, %L)', :cust, :addr,
		jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)), 'USD', 'teleport')),
	'^OM001: "teleport" is not a service level any active carrier offers \(economy, ground, express, overnight\)$',
	'place_checkout: the refusal names the levels offered');
RESET SESSION AUTHORIZATION;
-- overnight withdrawn from every carrier; express left only with Local,
-- a carrier made inactive
UPDATE oms.carrier_service SET active = false WHERE service_level = 'overnight';
UPDATE oms.carrier_service SET active = false WHERE service_level = 'express' AND carrier <> 'Local';
UPDATE oms.carrier SET active = false WHERE code = 'Local';
SET SESSION AUTHORIZATION t_csr;
SELECT is(pg_temp.err_detail(format('SELECT oms_api.place_checkout(%s, %s, %L, %L, %L)', :cust, :addr,
		jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)), 'USD', 'overnight')) - 'service_level',
	'{"sqlstate": "OM001", "rule": "unknown_service", "field": "service_level", "offered": ["economy", "ground"]}'::jsonb,
	'place_checkout: a level no carrier offers any more is refused');
SELECT matches(pg_temp.err(format('SELECT oms_api.place_checkout(%s, %s, %L, %L, %L)', :cust, :addr,
		jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)), 'USD', 'express')),
	'^OM001: "express" is not a service level',
	'place_checkout: a level only an inactive carrier offers is refused');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*) FROM oms.orders), :n_orders::bigint, 'place_checkout: a refused checkout writes no order');
UPDATE oms.carrier SET active = true WHERE code = 'Local';
UPDATE oms.carrier_service SET active = true;

-- the confirmation mail's estimate: today, the seller's handling days and
-- the order's level (express here), as oms.order_estimate says
SELECT c.order_no AS o_exp FROM oms_api.place_checkout(:cust, :addr,
	jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)), 'USD', 'express') c \gset
SELECT o.id AS o_exp_id, o.total_minor AS o_exp_total FROM oms.orders o WHERE o.order_no = :o_exp \gset
SET SESSION AUTHORIZATION t_worker;
SELECT is(oms_api.confirm_payment(:o_exp, 'pay_exp', :o_exp_total), 'CONFIRMED', 'confirm_payment: the express order confirmed');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT payload FROM oms.outbox WHERE dedupe_key = 'mail:confirmed:' || :o_exp),
	jsonb_build_object('template', 'order_confirmed', 'order_no', :o_exp,
	                   'estimated_delivery', to_char(oms.delivery_estimate(clock_timestamp()::date,
	                       (SELECT handling_days FROM oms.seller WHERE id = :seller_a), 'DHL', 'express', 'US',
	                       (SELECT postal_code FROM oms.address WHERE id = :addr)), 'YYYY-MM-DD')),
	'confirm_payment: the confirmation mail''s job carries the express estimate');
SELECT cmp_ok((SELECT (payload ->> 'estimated_delivery')::date FROM oms.outbox WHERE dedupe_key = 'mail:confirmed:' || :o_exp),
	'<', oms.delivery_estimate(clock_timestamp()::date, (SELECT handling_days FROM oms.seller WHERE id = :seller_a),
	                           'DHL', 'ground', 'US', (SELECT postal_code FROM oms.address WHERE id = :addr)),
	'confirm_payment: the express estimate is earlier than the ground one');
SELECT * FROM finish();
ROLLBACK;
