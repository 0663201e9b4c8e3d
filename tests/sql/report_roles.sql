-- Who sees which report (issue 10): analysts every seller and no personal
-- data, fulfilment staff their own seller only (row-level security on the
-- summaries, not a filter in the caller), administrators everything, CSRs
-- nothing; the orders behind a figure for administrators and fulfilment
-- only; the dashboard for administrators only; the summaries' upkeep for
-- administrators and the worker. Bad input is refused with 22023.
BEGIN;
\ir fixture.psql
SELECT plan(30);

-- two orders of seller A (one cancelled), one of seller B, a refund of A's
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 2))) AS oa \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a2, 'qty', 1))) AS oa2 \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_b1, 'qty', 1))) AS ob \gset
SET SESSION AUTHORIZATION t_csr;
SELECT * FROM oms_api.cancel_order(:oa2, 'customer_request');
SELECT oms_api.request_refund(:oa, 500, 'goodwill');
RESET SESSION AUTHORIZATION;
SELECT (now() AT TIME ZONE 'UTC')::date AS today \gset

-- What a role's volume report holds: the sellers it names.
CREATE FUNCTION pg_temp.sellers(p_report text) RETURNS bigint[] LANGUAGE plpgsql AS $$
DECLARE
	v bigint[];
BEGIN
	EXECUTE format('SELECT coalesce(array_agg(DISTINCT seller_id ORDER BY seller_id), ''{}'') FROM oms_api.%I(NULL, NULL)',
	               p_report) INTO v;
	RETURN v;
END
$$;

-- analysts: every seller, every report, no order list, no dashboard
SET SESSION AUTHORIZATION t_analyst;
SELECT is(pg_temp.sellers('report_volume'), ARRAY[:seller_a, :seller_b]::bigint[], 'analyst: volume names both sellers');
SELECT is(pg_temp.sellers('report_fulfilment'), ARRAY[:seller_a, :seller_b]::bigint[], 'analyst: fulfilment names both sellers');
SELECT is(pg_temp.sellers('report_cancellations'), ARRAY[:seller_a]::bigint[], 'analyst: the cancellation of seller A');
SELECT is(pg_temp.sellers('report_refunds'), ARRAY[:seller_a]::bigint[], 'analyst: the refund of seller A');
SELECT is((SELECT count(*) FROM oms_api.report_kpi(NULL, NULL)), 7::bigint, 'analyst: the seven KPIs');
SELECT is((SELECT array_agg(seller_id ORDER BY seller_id) FROM oms_api.report_sellers()), ARRAY[:seller_a, :seller_b]::bigint[],
	'analyst: the seller filter offers both sellers');
SELECT matches(pg_temp.err($$SELECT * FROM oms_api.report_orders('placed', NULL, NULL)$$), '^42501',
	'analyst: the orders behind a figure are not theirs to see');
SELECT matches(pg_temp.err('SELECT count(*) FROM oms.orders'), '^42501', 'analyst: still no orders table');
SELECT matches(pg_temp.err('SELECT * FROM oms_api.dashboard()'), '^42501', 'analyst: no dashboard');
RESET SESSION AUTHORIZATION;

-- no report column is personal data: none names a customer, e-mail,
-- phone, name or address
SELECT is_empty($$
	SELECT p.proname, a
	FROM pg_proc p, unnest(p.proargnames) a
	WHERE p.pronamespace = 'oms_api'::regnamespace AND p.proname LIKE 'report\_%'
	  AND (a ~ '(customer|email|phone|name|address|ship_to|full_name)' AND a <> 'name')
$$, 'no report returns a customer, e-mail, phone or address column');

-- fulfilment: their seller only, by row-level security
SET SESSION AUTHORIZATION t_ful1;
SELECT is(pg_temp.sellers('report_volume'), ARRAY[:seller_a]::bigint[], 'fulfilment A: volume is seller A''s only');
SELECT is(pg_temp.sellers('report_fulfilment'), ARRAY[:seller_a]::bigint[], 'fulfilment A: fulfilment is seller A''s only');
SELECT is((SELECT count(*) FROM oms_api.report_volume(NULL, NULL, :seller_b)), 0::bigint,
	'fulfilment A: asking for seller B gives nothing (not an error)');
SELECT is((SELECT count(*) FROM oms.report_day WHERE seller_id = :seller_b), 0::bigint,
	'fulfilment A: seller B''s summary rows are invisible (row-level security)');
SELECT is((SELECT sum(orders) FROM oms_api.report_volume(NULL, NULL)), 2::numeric,
	'fulfilment A: both of A''s orders counted');
SELECT is((SELECT array_agg(seller_id) FROM oms_api.report_sellers()), ARRAY[:seller_a]::bigint[],
	'fulfilment A: the seller filter offers seller A only');
SELECT is((SELECT array_agg(order_no ORDER BY order_no) FROM oms_api.report_orders('placed', NULL, NULL)),
	ARRAY[:oa, :oa2]::bigint[], 'fulfilment A: the orders behind "placed" are A''s two');
SELECT is((SELECT array_agg(order_no) FROM oms_api.report_orders('cancelled', NULL, NULL)),
	ARRAY[:oa2]::bigint[], 'fulfilment A: the orders behind "cancelled"');
SELECT matches(pg_temp.err('SELECT * FROM oms_api.dashboard()'), '^42501', 'fulfilment: no dashboard');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_ful2;
SELECT is(pg_temp.sellers('report_volume'), ARRAY[:seller_b]::bigint[], 'fulfilment B: volume is seller B''s only');
SELECT is(pg_temp.sellers('report_refunds'), '{}'::bigint[], 'fulfilment B: no refunds of B');
RESET SESSION AUTHORIZATION;

-- CSRs: no report at all
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err('SELECT * FROM oms_api.report_volume(NULL, NULL)'), '^42501', 'CSR: no volume report');
SELECT matches(pg_temp.err('SELECT * FROM oms_api.report_kpi(NULL, NULL)'), '^42501', 'CSR: no KPI report');
SELECT matches(pg_temp.err('SELECT count(*) FROM oms.report_day'), '^42501', 'CSR: no summary rows');
RESET SESSION AUTHORIZATION;

-- administrators: everything, the dashboard, the upkeep
SET SESSION AUTHORIZATION t_admin;
SELECT is(pg_temp.sellers('report_volume'), ARRAY[:seller_a, :seller_b]::bigint[], 'admin: volume names both sellers');
SELECT is((SELECT value FROM oms_api.dashboard() WHERE figure = 'today_CONFIRMED'), 2::numeric,
	'admin: the dashboard counts today''s confirmed orders');
SELECT is_empty('SELECT * FROM oms_api.report_verify()', 'admin: the summaries equal a full recompute');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_worker;
SELECT lives_ok('SELECT oms_api.report_fold()', 'the worker may fold the summaries');
RESET SESSION AUTHORIZATION;

-- bad input: 22023 with a rule
SELECT matches(pg_temp.err($$SELECT * FROM oms_api.report_volume('2026-02-01', '2026-01-01')$$),
	'^22023: the period starts', 'a period that ends before it starts is refused');
SELECT matches(pg_temp.err($$SELECT * FROM oms_api.report_kpi(NULL, NULL, NULL, 'year')$$),
	'^22023: by must be', 'an unknown grouping is refused');
SELECT * FROM finish();
ROLLBACK;
