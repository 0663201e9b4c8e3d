-- BR-022: SHIPPED orders (and later) cannot be cancelled: use a return.
BEGIN;
\ir fixture.psql
SELECT plan(4);
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 2))) AS o \gset
SET SESSION AUTHORIZATION t_ful1;
SELECT oms_api.mark_shipped(:o, 'Local', 'TRK-22') AS ship \gset
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err(format('SELECT * FROM oms_api.cancel_order(%s, %L)', :o, 'customer_request')),
	'^OM001: BR-022: .*use a return', 'BR-022: a SHIPPED order is refused with "use a return"');
SELECT matches(pg_temp.err(format('SELECT * FROM oms_api.cancel_lines(%s, %L, %L)', :o, '[{"line_no":1,"qty":1}]', 'customer_request')),
	'^OM001: BR-022', 'BR-022: so are its lines');
SET SESSION AUTHORIZATION t_worker;
SELECT oms_api.record_tracking_event('TRK-22', 'in_transit', now(), NULL, NULL) AS st \gset
SET SESSION AUTHORIZATION t_admin;
SELECT matches(pg_temp.err(format('SELECT * FROM oms_api.cancel_order(%s, %L, NULL, %L)', :o, 'customer_request', 'VIP')),
	'^OM001: BR-022', 'BR-022: an IN_TRANSIT order is refused even with an admin override');
SELECT is((SELECT verdict || ' ' || reason FROM oms_api.cancel_eligibility(:o)) LIKE 'refused BR-022:%', true,
	'BR-022: eligibility explains the refusal');
RESET SESSION AUTHORIZATION;
SELECT * FROM finish();
ROLLBACK;
