-- Row-level security: fulfilment staff see their own seller's orders and
-- what hangs off them; CSR, admin and worker see everything.
BEGIN;
\ir fixture.psql
SELECT plan(12);
-- one checkout with a line of each seller: two orders
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1),
                                           jsonb_build_object('item_id', :item_b1, 'qty', 1))) AS oa \gset
SELECT order_no AS ob FROM oms.orders WHERE seller_id = :seller_b \gset
INSERT INTO oms.customer (full_name, email) VALUES ('Other Person', 'other@example.com');

SET SESSION AUTHORIZATION t_ful1;
SELECT results_eq('SELECT order_no FROM oms.orders', format('VALUES (%s::bigint)', :oa), 'RLS: fulfilment A sees only seller A''s order');
SELECT is((SELECT count(*) FROM oms.order_item), 1::bigint, 'RLS: and only its lines');
SELECT is((SELECT count(*) FROM oms.payment), 1::bigint, 'RLS: and only its payment');
SELECT is((SELECT count(*) FROM oms.customer), 1::bigint, 'RLS: customers only of its orders');
SELECT is(oms_api.order_card(:ob), NULL, 'RLS: order_card of another seller''s order is NULL');
SELECT isnt(oms_api.order_card(:oa), NULL, 'RLS: order_card of its own order works');
SELECT is((SELECT count(*) FROM oms_api.lookup('order_no', :'ob')), 0::bigint, 'RLS: lookup does not find another seller''s order');
SELECT throws_ok('SELECT count(*) FROM oms.outbox', '42501', NULL, 'RLS: fulfilment cannot read the outbox');
SET SESSION AUTHORIZATION t_ful2;
SELECT results_eq('SELECT order_no FROM oms.orders', format('VALUES (%s::bigint)', :ob), 'RLS: fulfilment B sees only seller B''s order');
SET SESSION AUTHORIZATION t_csr;
SELECT is((SELECT count(*) FROM oms.orders), 2::bigint, 'RLS: a CSR sees all orders');
SELECT is((SELECT count(*) FROM oms.customer), 2::bigint, 'RLS: a CSR sees all customers');
SET SESSION AUTHORIZATION t_worker;
SELECT is((SELECT count(*) FROM oms.orders), 2::bigint, 'RLS: the worker sees all orders');
RESET SESSION AUTHORIZATION;
SELECT * FROM finish();
ROLLBACK;
