-- Labels (issue 11): oms_api.label_request says what the aggregator needs
-- to quote an order (address, seller, weight); oms_api.label_bought
-- records the bought label and ships the order with it in one
-- transaction, mapping the aggregator's carrier and service to ours; an
-- unknown service or a tracking number the carrier's pattern refuses
-- (BR-012) records nothing.
BEGIN;
\ir fixture.psql
SELECT plan(18);
UPDATE oms.item SET weight_grams = 400 WHERE id = :item_a1;
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 2))) AS o \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_b1, 'qty', 1))) AS ob \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)), false) AS unpaid \gset

SET SESSION AUTHORIZATION t_ful1;
-- (its services, what each level is called at the aggregator:
-- carrier_service_levels.sql)
SELECT is((oms_api.label_request(:o) - 'to_address' - 'services') || jsonb_build_object('country', oms_api.label_request(:o) -> 'to_address' ->> 'country'),
	jsonb_build_object('order_no', :o, 'from_name', 'Seller A', 'weight_grams', 800, 'weight_oz', 28.2, 'country', 'US',
	                   'service_level', 'ground'),
	'label_request: the seller, the weight of the units (2 x 400 g), the address and the order''s service level');
SELECT matches(pg_temp.err(format('SELECT oms_api.label_request(%s)', :ob)), '^P0002: ',
	'label_request: another seller''s order is not found');
SELECT matches(pg_temp.err(format('SELECT oms_api.label_request(%s)', :unpaid)), '^OM002: ',
	'label_request: an order not waiting to ship is refused');
SELECT matches(pg_temp.err(format($$SELECT oms_api.label_bought(%s, jsonb_build_object('shipment_id', 'shp_1', 'rate_id', 'rate_1', 'carrier', 'UPS', 'service', 'Teleport', 'amount_minor', 785, 'currency', 'USD',
	'label_url', 'https://labels.example.com/1.pdf', 'tracking_code', '1ZLABEL00000000001'))$$, :o)), '^22023: the label''s carrier and service',
	'label_bought: a service we do not know is refused');
SELECT matches(pg_temp.err(format($$SELECT oms_api.label_bought(%s, jsonb_build_object('shipment_id', 'shp_1', 'rate_id', 'rate_1', 'carrier', 'UPS', 'service', 'Ground', 'amount_minor', 785, 'currency', 'USD',
	'label_url', 'https://labels.example.com/1.pdf', 'tracking_code', '1ZSHORT'))$$, :o)), '^OM001: BR-012',
	'label_bought: a tracking code the carrier''s pattern refuses (BR-012)');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*) FROM oms.shipping_label), 0::bigint, 'label_bought: the refused calls recorded no label');
SET SESSION AUTHORIZATION t_ful1;
SELECT ok(oms_api.label_bought(:o, jsonb_build_object('shipment_id', 'shp_1', 'rate_id', 'rate_1', 'carrier', 'UPS', 'service', 'Ground',
	'amount_minor', 785, 'currency', 'usd', 'label_url', 'https://labels.example.com/1.pdf', 'tracking_code', '1ZLABEL00000000001')) > 0, 'label_bought: the label is recorded');
SELECT is((SELECT status FROM oms.orders WHERE order_no = :o), 'SHIPPED', 'label_bought: and the order shipped with it');
SELECT matches(pg_temp.err(format($$SELECT oms_api.label_bought(%s, jsonb_build_object('shipment_id', 'shp_2', 'rate_id', 'rate_2', 'carrier', 'UPS', 'service', 'Ground', 'amount_minor', 785, 'currency', 'USD',
	'label_url', 'https://labels.example.com/2.pdf', 'tracking_code', '1ZLABEL00000000002'))$$, :o)), '^OM002: ',
	'label_bought: an order already shipped is refused');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT carrier || ' ' || service_level || ' ' || tracking_no || ' ' || label_url FROM oms.shipment
           WHERE order_id = (SELECT id FROM oms.orders WHERE order_no = :o)),
	'UPS ground 1ZLABEL00000000001 https://labels.example.com/1.pdf', 'the shipment keeps our carrier and service and the label URL');
SELECT is((SELECT aggregator_shipment_id || ' ' || rate_id || ' ' || amount_minor || ' ' || currency || ' ' || bought_by
           FROM oms.shipping_label), 'shp_1 rate_1 785 USD Fiona Fulfil', 'the label keeps the aggregator''s references, price and buyer');
SELECT is((SELECT count(*) FROM oms.tracker t JOIN oms.shipment s ON s.id = t.shipment_id WHERE s.tracking_no = '1ZLABEL00000000001'),
	1::bigint, 'a tracker is made for it');
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err(format('SELECT oms_api.label_request(%s)', :o)), '^42501: ', 'a CSR does not buy labels');
RESET SESSION AUTHORIZATION;

-- the packing slip: what goes in the parcel
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 3),
	jsonb_build_object('item_id', :item_a2, 'qty', 1))) AS o5 \gset
SET SESSION AUTHORIZATION t_csr;
SELECT * FROM oms_api.cancel_lines(:o5, '[{"line_no":1,"qty":1}]', 'customer_request') \g /dev/null
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_ful1;
SELECT is(oms_api.packing_slip(:o5) - 'placed_at' - 'ship_to',
	jsonb_build_object('order_no', :o5, 'seller', 'Seller A',
		'lines', jsonb_build_array(jsonb_build_object('line_no', 1, 'sku', 'A-1', 'name', 'Widget', 'qty', 2),
		                           jsonb_build_object('line_no', 2, 'sku', 'A-2', 'name', 'Gadget', 'qty', 1))),
	'packing_slip: the seller and the lines with the units left (one of three cancelled)');
SELECT is(oms_api.packing_slip(:o) -> 'ship_to' ->> 'city', 'Springfield', 'packing_slip: the address it ships to');
SELECT matches(pg_temp.err(format('SELECT oms_api.packing_slip(%s)', :ob)), '^P0002: ',
	'packing_slip: another seller''s order is not found');
SELECT matches(pg_temp.err(format('SELECT oms_api.packing_slip(%s)', :unpaid)), '^OM002: ',
	'packing_slip: an order not paid yet has nothing to pack');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err(format('SELECT oms_api.packing_slip(%s)', :o)), '^42501: ', 'packing_slip: not for a CSR');
RESET SESSION AUTHORIZATION;
SELECT * FROM finish();
ROLLBACK;
