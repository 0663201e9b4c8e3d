-- Order numbers: id * 10 + Damm check digit (contract "Order numbers").
BEGIN;
\ir fixture.psql
SELECT plan(9);
SELECT is(oms.damm_check(572), 4, 'Damm check digit of 572 is 4 (the textbook example)');
SELECT is(oms.damm_check(1000000), 4, 'check digit of the first order id');
SELECT ok(NOT oms.order_no_valid(5724), 'numbers that are not 8 digits are not order numbers');
SELECT ok(oms.order_no_valid(10000004), 'the first order number 10000004 is valid');
SELECT ok(NOT oms.order_no_valid(10000005), 'a wrong check digit is caught');
SELECT ok(NOT oms.order_no_valid(10000040), 'an adjacent transposition (..04 -> ..40) is caught');
SELECT is((SELECT count(*) FROM generate_series(1000000, 1020000) i
           WHERE NOT oms.order_no_valid(i * 10 + oms.damm_check(i))), 0::bigint,
          'every id * 10 + damm_check(id) is a valid order number (20001 ids)');
SELECT is((SELECT count(*) FROM generate_series(1000000, 1002000) i, generate_series(1, 9) d
           WHERE oms.order_no_valid(i * 10 + (oms.damm_check(i) + d) % 10)), 0::bigint,
          'every single wrong check digit is rejected (2001 ids x 9 digits)');
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)), false) AS o \gset
SELECT ok(oms.order_no_valid(:o) AND :o % 10 = oms.damm_check(:o / 10), 'orders.order_no carries its check digit');
SELECT * FROM finish();
ROLLBACK;
