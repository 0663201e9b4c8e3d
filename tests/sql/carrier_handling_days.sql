-- Sellers' processing time (issue 11): fulfilment staff set their own
-- seller's handling days (0 to 30), never another seller's; an
-- administrator names the seller; the estimate before shipping counts them.
BEGIN;
\ir fixture.psql
SELECT plan(8);
SET SESSION AUTHORIZATION t_ful1;
SELECT is(oms_api.set_handling_days(3), 3, 'set_handling_days: fulfilment sets its seller''s');
SELECT matches(pg_temp.err(format('SELECT oms_api.set_handling_days(2, %s)', :seller_b)), '^42501: ',
	'set_handling_days: never another seller''s');
SELECT matches(pg_temp.err('SELECT oms_api.set_handling_days(31)'), '^22023: handling days are 0 to 30',
	'set_handling_days: more than 30 is refused');
SELECT matches(pg_temp.err('SELECT oms_api.set_handling_days(-1)'), '^22023: ', 'set_handling_days: negative is refused');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT handling_days FROM oms.seller WHERE id = :seller_a) || '/' || (SELECT handling_days FROM oms.seller WHERE id = :seller_b),
	'3/1', 'set_handling_days: only seller A changed');
SET SESSION AUTHORIZATION t_admin;
SELECT is(oms_api.set_handling_days(0, :seller_b), 0, 'set_handling_days: an administrator names the seller');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err('SELECT oms_api.set_handling_days(2)'), '^42501: ', 'set_handling_days: not for a CSR');
RESET SESSION AUTHORIZATION;
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS o \gset
SELECT is(oms.order_estimate((SELECT id FROM oms.orders WHERE order_no = :o)),
	oms.delivery_estimate(clock_timestamp()::date, 3, 'DHL', 'ground', 'US', '62701'),
	'order_estimate: the seller''s 3 handling days and the ground transit days (the first carrier by code)');
SELECT * FROM finish();
ROLLBACK;
