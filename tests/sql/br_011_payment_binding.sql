-- BR-011 (issue 8, break 4): one gateway payment pays for one order, in the
-- order's currency, and it is the payment attached to the order.
BEGIN;
\ir fixture.psql
SELECT plan(11);
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)), false) AS o1 \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a2, 'qty', 1)), false) AS o2 \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a2, 'qty', 2)), false) AS o3 \gset
SELECT total_minor AS t1 FROM oms.orders WHERE order_no = :o1 \gset
SELECT total_minor AS t3 FROM oms.orders WHERE order_no = :o3 \gset
SET SESSION AUTHORIZATION t_csr;
SELECT is(pg_temp.err(format($$SELECT oms_api.attach_payment(%s, 'pi_shared_1')$$, :o1)), 'ok',
	'BR-011: a payment reference is attached to order 1');
SELECT matches(pg_temp.err(format($$SELECT oms_api.attach_payment(%s, 'pi_shared_1')$$, :o2)),
	'^OM001: BR-011: payment pi_shared_1 already pays another order',
	'BR-011: the same reference cannot be attached to a second order');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_worker;
SELECT is(oms_api.confirm_payment(:o1, 'pi_shared_1', :t1, 'USD'), 'CONFIRMED',
	'BR-011: the attached payment confirms its order');
SELECT matches(pg_temp.err(format($$SELECT oms_api.confirm_payment(%s, 'pi_shared_1', %s, 'USD')$$, :o3, :t3)),
	'^OM001: BR-011: payment pi_shared_1 already pays another order',
	'BR-011: a succeeded payment of one order does not confirm another order');
SELECT matches(pg_temp.err(format($$SELECT oms_api.confirm_payment(%s, 'pi_other', %s, 'EUR')$$, :o3, :t3)),
	'^OM001: BR-011: payment in EUR does not match the currency USD',
	'BR-011: a payment in another currency does not confirm the order');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_csr;
SELECT oms_api.attach_payment(:o3, 'pi_three');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_worker;
SELECT matches(pg_temp.err(format($$SELECT oms_api.confirm_payment(%s, 'pi_not_three', %s, 'USD')$$, :o3, :t3)),
	'^OM001: BR-011: payment pi_not_three is not the payment attached to order',
	'BR-011: a payment other than the attached one does not confirm the order');
SELECT matches(pg_temp.err(format($$SELECT oms_api.confirm_payment(%s, 'pi_three', %s, 'usd', '99999999')$$, :o3, :t3)),
	'^OM001: BR-011: payment pi_three was made for order 99999999, not order',
	'BR-011: a payment whose metadata names another order does not confirm the order');
SELECT is(pg_temp.err(format($$SELECT oms_api.confirm_payment(%s, 'pi_three', %s, 'usd', ' %s ')$$, :o3, :t3, :o3)), 'ok',
	'BR-011: the attached payment in the order''s currency, made for this order, does');
SELECT is((SELECT status FROM oms.orders WHERE order_no = :o3), 'CONFIRMED', 'BR-011: order 3 is confirmed');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT status FROM oms.orders WHERE order_no = :o2), 'PENDING', 'BR-011: order 2 was never confirmed');
SELECT throws_ok($$UPDATE oms.payment SET provider_ref = 'pi_shared_1' WHERE provider_ref = 'pi_three'$$, '23505',
	NULL, 'BR-011: even the owner cannot store one reference on two payments (unique index)');
SELECT * FROM finish();
ROLLBACK;
