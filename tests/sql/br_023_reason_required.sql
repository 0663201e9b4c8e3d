-- BR-023: a cancellation requires a (valid, active) reason; 'other' requires a note.
BEGIN;
\ir fixture.psql
SELECT plan(7);
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS o \gset
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err(format('SELECT * FROM oms_api.cancel_order(%s, NULL)', :o)),
	'^22023: BR-023', 'BR-023: no reason is refused');
SELECT matches(pg_temp.err(format('SELECT * FROM oms_api.cancel_order(%s, %L)', :o, 'because')),
	'^22023: BR-023', 'BR-023: an unknown reason code is refused');
SELECT matches(pg_temp.err(format('SELECT * FROM oms_api.cancel_order(%s, %L, %L)', :o, 'other', '  ')),
	'^22023: BR-023: reason "other" needs a note', 'BR-023: "other" without a note is refused');
SELECT is((SELECT array_agg(code ORDER BY code) FROM oms_api.cancel_reasons()),
	ARRAY['customer_request', 'duplicate_order', 'fraud_suspected', 'other', 'out_of_stock', 'payment_problem'],
	'BR-023: the seeded reasons are offered');
RESET SESSION AUTHORIZATION;
UPDATE oms.cancellation_reason SET active = false WHERE code = 'fraud_suspected';
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err(format('SELECT * FROM oms_api.cancel_order(%s, %L)', :o, 'fraud_suspected')),
	'^22023: BR-023', 'BR-023: an inactive reason is refused');
SELECT is((SELECT state FROM oms_api.cancel_order(:o, 'other', 'customer moved abroad')), 'done',
	'BR-023: "other" with a note is accepted');
RESET SESSION AUTHORIZATION;
SELECT throws_like(format($$UPDATE oms.orders SET status = 'CANCELLED' WHERE order_no = %s$$,
	(SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))))),
	'BR-023:%', 'BR-023: the status guard refuses a cancellation without a recorded reason (even for the owner)');
SELECT * FROM finish();
ROLLBACK;
