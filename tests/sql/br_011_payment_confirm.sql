-- BR-011: PENDING -> CONFIRMED requires payment validation.
BEGIN;
\ir fixture.psql
SELECT plan(6);
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)), false) AS o \gset
SELECT throws_like(format('UPDATE oms.orders SET status = %L WHERE order_no = %s', 'CONFIRMED', :o),
	'BR-011:%', 'BR-011: an unpaid order cannot be confirmed, even by the owner');
SET SESSION AUTHORIZATION t_worker;
SELECT matches(pg_temp.err(format('SELECT oms_api.confirm_payment(%s, %L, %s)', :o, 'pay_1', 1)),
	'^OM001: BR-011', 'BR-011: a payment that does not match the total is refused');
SELECT is(oms_api.confirm_payment(:o, 'pay_1', 1500), 'CONFIRMED', 'BR-011: the matching payment confirms the order');
SELECT matches(pg_temp.err(format('SELECT oms_api.confirm_payment(%s, %L, %s)', :o, 'pay_1', 1500)),
	'^OM002', 'BR-011: confirming twice is a conflict');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT p.status FROM oms.payment p JOIN oms.orders o ON o.id = p.order_id WHERE o.order_no = :o), 'verified',
	'BR-011: the payment is recorded as verified');
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err(format('SELECT oms_api.confirm_payment(%s, %L, %s)', :o, 'pay_1', 1500)),
	'^42501', 'BR-011: only the worker confirms payments');
RESET SESSION AUTHORIZATION;
SELECT * FROM finish();
ROLLBACK;
