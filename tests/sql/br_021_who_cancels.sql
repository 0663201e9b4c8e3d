-- BR-020 / BR-021: who may cancel. A customer cancels a PENDING order
-- through a CSR acting on their request (reason customer_request); a CSR
-- cancels PENDING or CONFIRMED orders; the seller's fulfilment staff their
-- own seller's orders; analysts and the worker never.
BEGIN;
\ir fixture.psql
SELECT plan(7);
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)), false) AS pending \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS a1 \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS a2 \gset
SET SESSION AUTHORIZATION t_csr;
SELECT is((SELECT state FROM oms_api.cancel_order(:pending, 'customer_request')), 'done',
	'BR-020: the customer''s request cancels a PENDING order at once');
SELECT is((SELECT state FROM oms_api.cancel_order(:a1, 'customer_request')), 'done',
	'BR-021: a CSR cancels a CONFIRMED order within the window');
SET SESSION AUTHORIZATION t_ful2;
SELECT matches(pg_temp.err(format('SELECT * FROM oms_api.cancel_order(%s, %L)', :a2, 'out_of_stock')),
	'^P0002', 'BR-021: another seller''s fulfilment staff do not even see the order');
SELECT is((SELECT verdict FROM oms_api.cancel_eligibility(:a2)), NULL, 'BR-021: nor its eligibility');
SET SESSION AUTHORIZATION t_ful1;
SELECT is((SELECT state FROM oms_api.cancel_order(:a2, 'out_of_stock')), 'done',
	'BR-021: the seller''s own fulfilment staff may cancel');
SET SESSION AUTHORIZATION t_analyst;
SELECT matches(pg_temp.err(format('SELECT * FROM oms_api.cancel_order(%s, %L)', :a2, 'other')),
	'^42501', 'BR-021: analysts cannot cancel');
SET SESSION AUTHORIZATION t_worker;
SELECT matches(pg_temp.err(format('SELECT * FROM oms_api.cancel_order(%s, %L)', :a2, 'other')),
	'^42501', 'BR-021: the worker cannot cancel');
RESET SESSION AUTHORIZATION;
SELECT * FROM finish();
ROLLBACK;
