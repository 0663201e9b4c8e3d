-- BR-003: an order total must be positive.
BEGIN;
\ir fixture.psql
SELECT plan(3);
INSERT INTO oms.item (seller_id, sku, name, price_minor) VALUES (:seller_b, 'FREE', 'Free sample', 0) RETURNING id AS free \gset
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err(format('SELECT oms_api.place_checkout(%s, %s, %L)', :cust, :addr,
	jsonb_build_array(jsonb_build_object('item_id', :free, 'qty', 3)))),
	'^OM001: BR-003', 'BR-003: a zero total (free item, free shipping) is refused');
SELECT matches(pg_temp.err(format('SELECT oms_api.place_checkout(%s, %s, %L)', :cust, :addr,
	jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', -1)))),
	'^22023', 'BR-003: a negative quantity is invalid input');
RESET SESSION AUTHORIZATION;
INSERT INTO oms.checkout (customer_id, address_id, currency) VALUES (:cust, :addr, 'USD');
SELECT throws_ok(format($$INSERT INTO oms.orders (checkout_id, customer_id, seller_id, currency, subtotal_minor, ship_to)
	VALUES ((SELECT max(id) FROM oms.checkout), %s, %s, 'USD', 0, '{}')$$, :cust, :seller_b),
	'23514', NULL, 'BR-003: the table itself refuses a zero total (even for the owner)');
SELECT * FROM finish();
ROLLBACK;
