-- Issue 8, break 14: fulfilment staff see their own seller only: its staff,
-- its seller row, its items. Another seller's cancellation, or tracking
-- number, looks exactly like one that does not exist.
BEGIN;
\ir fixture.psql
SELECT plan(10);
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_b1, 'qty', 1))) AS ob \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS oa \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS oa2 \gset
SELECT pg_temp.age_order(:ob, interval '3 hours') \g /dev/null
SET SESSION AUTHORIZATION t_csr;
SELECT cancellation_id AS cb FROM oms_api.cancel_order(:ob, 'customer_request') \gset
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_ful2;
SELECT oms_api.mark_shipped(:ob, 'Local', 'TRK-SELLER-B-01') \g /dev/null
RESET SESSION AUTHORIZATION;
SELECT max(id) + 1000 AS nope FROM oms.cancellation \gset

SET SESSION AUTHORIZATION t_ful1;
SELECT results_eq($$SELECT login FROM oms.staff ORDER BY login$$, $$VALUES ('t_ful1'::text)$$,
	'fulfilment sees its own seller''s staff only (not CSRs, admins or other sellers)');
SELECT results_eq($$SELECT name FROM oms.seller$$, $$VALUES ('Seller A'::text)$$,
	'fulfilment sees its own seller row only (no other seller''s e-mail)');
SELECT is((SELECT count(*) FROM oms.item WHERE seller_id = :seller_b), 0::bigint,
	'fulfilment does not see another seller''s items');
SELECT is((SELECT count(*) FROM oms.item), 3::bigint, 'but sees its own');
SELECT is(regexp_replace(pg_temp.err(format('SELECT * FROM oms_api.decide_cancellation(%s, true, NULL)', :cb)), '[0-9]+', 'N', 'g'),
	regexp_replace(pg_temp.err(format('SELECT * FROM oms_api.decide_cancellation(%s, true, NULL)', :nope)), '[0-9]+', 'N', 'g'),
	'another seller''s cancellation answers exactly like one that does not exist');
SELECT matches(pg_temp.err(format('SELECT * FROM oms_api.decide_cancellation(%s, true, NULL)', :cb)),
	'^P0002: cancellation [0-9]+ not found$', '... "not found", naming no order');
SELECT oms_api.mark_shipped(:oa, 'Local', 'TRK-SELLER-A-01') \g /dev/null
SELECT is(regexp_replace(pg_temp.err(format($$SELECT oms_api.mark_shipped(%s, 'Local', 'TRK-SELLER-B-01')$$, :oa2)), 'TRK-SELLER-.-01', 'T'),
	regexp_replace(pg_temp.err(format($$SELECT oms_api.mark_shipped(%s, 'Local', 'TRK-SELLER-A-01')$$, :oa2)), 'TRK-SELLER-.-01', 'T'),
	'another seller''s tracking number is refused with exactly the words of one''s own');
SELECT doesnt_match(pg_temp.err(format($$SELECT oms_api.mark_shipped(%s, 'Local', 'TRK-SELLER-B-01')$$, :oa2)),
	'constraint|seller|Seller', 'no constraint name, no seller');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT status FROM oms.orders WHERE order_no = :oa2), 'CONFIRMED', 'nothing was shipped');
SET SESSION AUTHORIZATION t_csr;
SELECT is((SELECT count(*) FROM oms.staff), 6::bigint, 'CSRs still see every staff member (names on timelines)');
RESET SESSION AUTHORIZATION;
SELECT * FROM finish();
ROLLBACK;
