-- Issue 11, the rest of fulfilment: carriers configured by administrators
-- (carrier_set, carrier_service_set: the pattern, its example, the
-- rest); lost parcels on the review list and
-- who is told (the seller's fulfilment staff read their exceptions and
-- lost parcels, CSRs everything); return labels (the addresses swapped,
-- recorded, the order does not move); the queue's filters (service level,
-- promise, first rows).
BEGIN;
\ir fixture.psql
SELECT plan(37);

-- Only this file's shipments may be candidates.
UPDATE oms.shipment SET flagged = true, flagged_at = now() WHERE NOT flagged;
UPDATE oms.tracker SET active = false;
UPDATE oms.shipment_review SET decision = 'resolved', decided_by = 'test', decided_at = now() WHERE decided_at IS NULL;

CREATE FUNCTION pg_temp.shipped(p_item bigint, p_tracking text, p_age interval) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	v_no bigint := pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', p_item, 'qty', 1)));
BEGIN
	PERFORM oms_api.mark_shipped(v_no, 'UPS', p_tracking);
	UPDATE oms.shipment SET shipped_at = now() - p_age WHERE tracking_no = p_tracking;
	RETURN v_no;
END
$$;
-- lost_a: seller A, silent 8 days, already on the list as stuck
-- silent_a: seller A, silent 9 days, on no list yet
-- lost_b: seller B, silent 8 days
-- stuck_a: seller A, silent 3 days (stuck, not lost)
SELECT pg_temp.shipped(:item_a1, '1ZLOSTA00000000001', '8 days') AS o_lost_a \gset
SELECT pg_temp.shipped(:item_a1, '1ZSILNT00000000001', '9 days') AS o_silent_a \gset
SELECT pg_temp.shipped(:item_b1, '1ZLOSTB00000000001', '8 days') AS o_lost_b \gset
SELECT pg_temp.shipped(:item_a1, '1ZSTUCK00000000002', '3 days') AS o_stuck_a \gset
SELECT id AS s_lost_a FROM oms.shipment WHERE tracking_no = '1ZLOSTA00000000001' \gset
INSERT INTO oms.shipment_review (shipment_id, reason, opened_at, last_scan_at)
VALUES (:s_lost_a, 'stuck', now() - interval '6 days', now() - interval '8 days') RETURNING id AS r_lost_a \gset
UPDATE oms.shipment SET flagged = true, flagged_at = now() - interval '6 days' WHERE id = :s_lost_a;
SELECT count(*) AS outbox_before FROM oms.outbox \gset

SET SESSION AUTHORIZATION t_worker;
SELECT is(oms_api.flag_stuck_shipments(), 4,
	'flag_stuck_shipments: four shipments, each counted once: silent_a, lost_b, stuck_a put on the list, lost_a''s stuck review found lost');
SELECT is(oms_api.flag_stuck_shipments(), 0, 'flag_stuck_shipments: a second sweep finds nothing new');
RESET SESSION AUTHORIZATION;
SELECT set_eq($$SELECT o.order_no, r.reason FROM oms.shipment_review r JOIN oms.shipment s ON s.id = r.shipment_id
                JOIN oms.orders o ON o.id = s.order_id WHERE r.decided_at IS NULL$$,
	format($$VALUES (%s::bigint, 'lost'), (%s, 'lost'), (%s, 'lost'), (%s, 'stuck')$$, :o_lost_a, :o_silent_a, :o_lost_b, :o_stuck_a),
	'lost: silent for lost_shipment_days (7): lost, once each; silent 3 days: stuck');
SELECT is((SELECT count(*) FROM oms.shipment_review WHERE shipment_id = :s_lost_a), 1::bigint,
	'lost: the open stuck review became the lost one (no second review)');
SELECT is((SELECT count(*) FROM oms.audit_log WHERE table_name = 'shipment_review' AND op = 'UPDATE'
             AND row_pk = :'r_lost_a' AND old ->> 'reason' = 'stuck' AND new ->> 'reason' = 'lost'), 1::bigint,
	'lost: the change of reason is in the audit log');
SELECT is((SELECT count(*) FROM oms.outbox), :outbox_before::bigint, 'lost: nobody is mailed');

-- who is told: the seller's fulfilment staff read their exceptions and lost parcels
SET SESSION AUTHORIZATION t_ful1;
SELECT set_eq('SELECT order_no, reason FROM oms_api.shipment_reviews()',
	format($$VALUES (%s::bigint, 'lost'), (%s, 'lost')$$, :o_lost_a, :o_silent_a),
	'shipment_reviews: fulfilment reads its seller''s lost parcels, not the stuck one nor another seller''s');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_ful2;
SELECT set_eq('SELECT order_no, reason FROM oms_api.shipment_reviews()',
	format($$VALUES (%s::bigint, 'lost')$$, :o_lost_b), 'shipment_reviews: seller B''s staff read seller B''s');
SELECT matches(pg_temp.err(format('SELECT oms_api.review_decide(%s, %L, NULL)', :r_lost_a, 'reship')), '^42501: ',
	'review_decide: fulfilment does not decide');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_csr;
SELECT is((SELECT count(*) FROM oms_api.shipment_reviews() WHERE order_no IN (:o_lost_a, :o_silent_a, :o_lost_b, :o_stuck_a)),
	4::bigint, 'shipment_reviews: a CSR reads every one');
RESET SESSION AUTHORIZATION;

-- a scan: the parcel is found, its lost review closes
SET SESSION AUTHORIZATION t_worker;
SELECT oms_api.record_tracking_event('1ZLOSTA00000000001', 'in_transit', now() - interval '1 hour', 'Memphis', NULL) \g /dev/null
RESET SESSION AUTHORIZATION;
SELECT is((SELECT decision || '/' || decided_by FROM oms.shipment_review WHERE shipment_id = :s_lost_a),
	'resolved/carrier scan', 'lost: a new scan closes the lost review');

-- ---------------------------------------------------------------------------
-- Return labels
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 2))) AS o_conf \gset
SET SESSION AUTHORIZATION t_ful1;
SELECT matches(pg_temp.err(format('SELECT oms_api.return_label_request(%s)', :o_conf)), '^OM002: ',
	'return_label_request: an order not shipped gets none');
SELECT is(oms_api.return_label_request(:o_stuck_a) - 'from_address' - 'weight_oz',
	jsonb_build_object('order_no', :o_stuck_a, 'to_name', 'Seller A', 'weight_grams', 500),
	'return_label_request: to the seller, the weight of the units');
SELECT is(oms_api.return_label_request(:o_stuck_a) -> 'from_address' ->> 'postal_code', '62701',
	'return_label_request: from the customer''s address (the addresses swapped)');
SELECT matches(pg_temp.err(format('SELECT oms_api.return_label_request(%s)', :o_lost_b)), '^P0002: ',
	'return_label_request: another seller''s order is not found');
SELECT matches(pg_temp.err(format($$SELECT oms_api.return_label_bought(%s, jsonb_build_object('shipment_id', 'shp_r1', 'rate_id', 'rate_r1',
	'carrier', 'UPS', 'service', 'Ground', 'amount_minor', 785, 'currency', 'USD', 'label_url', 'https://labels.example.com/r1.pdf',
	'tracking_code', '1ZBAD'))$$, :o_stuck_a)), '^OM001: BR-012',
	'return_label_bought: a tracking code the carrier''s pattern refuses (BR-012)');
SELECT matches(pg_temp.err(format($$SELECT oms_api.return_label_bought(%s, jsonb_build_object('shipment_id', 'shp_r2', 'rate_id', 'rate_r2',
	'carrier', 'UPS', 'service', 'Ground', 'amount_minor', 785, 'currency', 'USD', 'label_url', 'https://labels.example.com/r2.pdf',
	'tracking_code', '1ZRETURN0000000002'))$$, :o_conf)), '^OM002: ',
	'return_label_bought: an order not shipped is refused');
SELECT ok(oms_api.return_label_bought(:o_stuck_a, jsonb_build_object('shipment_id', 'shp_r3', 'rate_id', 'rate_r3',
	'carrier', 'UPS', 'service', 'Ground', 'amount_minor', 785, 'currency', 'usd', 'label_url', 'https://labels.example.com/r3.pdf',
	'tracking_code', '1ZRETURN0000000003')) > 0, 'return_label_bought: recorded');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT l.kind || ' ' || l.carrier || ' ' || l.service_level || ' ' || l.tracking_no || ' ' || l.currency || ' ' ||
                  (l.shipment_id = s.id) || ' ' || l.bought_by
           FROM oms.shipping_label l JOIN oms.orders o ON o.id = l.order_id JOIN oms.shipment s ON s.order_id = o.id
           WHERE o.order_no = :o_stuck_a),
	'return UPS ground 1ZRETURN0000000003 USD true Fiona Fulfil', 'return_label_bought: a return label of the order''s shipment');
SELECT is((SELECT status || ' ' || (SELECT count(*) FROM oms.shipment s WHERE s.order_id = o.id) FROM oms.orders o WHERE order_no = :o_stuck_a),
	'SHIPPED 1', 'return_label_bought: the order does not move, no shipment is added');
SELECT max(id) AS r3_id FROM oms.shipping_label WHERE kind = 'return' \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS o_lbl \gset
SET SESSION AUTHORIZATION t_ful1;
SELECT is(oms_api.return_label_bought(:o_stuck_a, jsonb_build_object('shipment_id', 'shp_r3', 'rate_id', 'rate_r3',
	'carrier', 'UPS', 'service', 'Ground', 'amount_minor', 785, 'currency', 'usd', 'label_url', 'https://labels.example.com/r3.pdf',
	'tracking_code', '1ZRETURN0000000003')), :r3_id::bigint,
	'return_label_bought: sent again (its answer lost), the same label''s id');
-- label_bought sent twice: the second answers the shipment the first made
SELECT oms_api.label_bought(:o_lbl, jsonb_build_object('shipment_id', 'shp_o1', 'rate_id', 'rate_o1', 'carrier', 'UPS',
	'service', 'Ground', 'amount_minor', 785, 'currency', 'USD', 'label_url', 'https://labels.example.com/o1.pdf',
	'tracking_code', '1ZOUTBND0000000001')) AS ship_o1 \gset
SELECT is(oms_api.label_bought(:o_lbl, jsonb_build_object('shipment_id', 'shp_o1', 'rate_id', 'rate_o1', 'carrier', 'UPS',
	'service', 'Ground', 'amount_minor', 785, 'currency', 'USD', 'label_url', 'https://labels.example.com/o1.pdf',
	'tracking_code', '1ZOUTBND0000000001')), :ship_o1::bigint,
	'label_bought: sent again (its answer lost), the same shipment, not "already SHIPPED"');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*) FROM oms.shipping_label l JOIN oms.orders o ON o.id = l.order_id WHERE o.order_no = :o_lbl)
	|| ' ' || (SELECT count(*) FROM oms.shipment s JOIN oms.orders o ON o.id = s.order_id WHERE o.order_no = :o_lbl),
	'1 1', 'label_bought: one label, one shipment');
SET SESSION AUTHORIZATION t_csr;
SELECT ok(oms_api.return_label_bought(:o_lost_b, jsonb_build_object('shipment_id', 'shp_r4', 'rate_id', 'rate_r4',
	'carrier', 'USPS', 'service', 'Priority', 'amount_minor', 940, 'currency', 'USD', 'label_url', 'https://labels.example.com/r4.pdf',
	'tracking_code', '9400111111111111111111')) > 0, 'return_label_bought: a CSR may (the returns work)');
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------------
-- The queue's filters
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS q_late \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS q_soon \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a2, 'qty', 3))) AS q_new \gset
UPDATE oms.orders o SET confirmed_at = now() - v.ago, service_level = v.lvl
FROM (VALUES (:q_late, interval '30 hours', 'express'), (:q_soon, interval '22 hours', 'ground'),
             (:q_new, interval '1 hour', 'express'), (:o_conf, interval '2 hours', 'ground')) v(no, ago, lvl)
WHERE o.order_no = v.no;
-- only this file's confirmed orders
CREATE TEMP TABLE mine AS SELECT unnest(ARRAY[:q_late, :q_soon, :q_new, :o_conf]::bigint[]) AS order_no;
GRANT SELECT ON mine TO PUBLIC;
SET SESSION AUTHORIZATION t_ful1;
SELECT results_eq('SELECT order_no, service_level FROM oms_api.fulfilment_queue() WHERE order_no IN (SELECT order_no FROM mine)',
	format($$VALUES (%s::bigint, 'express'), (%s, 'ground'), (%s, 'ground'), (%s, 'express')$$, :q_late, :q_soon, :o_conf, :q_new),
	'fulfilment_queue: oldest first, with the service level');
SELECT results_eq($$SELECT order_no FROM oms_api.fulfilment_queue(false, 'express') WHERE order_no IN (SELECT order_no FROM mine)$$,
	format('VALUES (%s::bigint), (%s)', :q_late, :q_new), 'fulfilment_queue: by service level');
SELECT results_eq($$SELECT order_no FROM oms_api.fulfilment_queue(false, NULL, 'soon') WHERE order_no IN (SELECT order_no FROM mine)$$,
	format('VALUES (%s::bigint)', :q_soon), 'fulfilment_queue: due within 4 hours');
SELECT results_eq($$SELECT order_no FROM oms_api.fulfilment_queue(false, 'ground', 'ontime') WHERE order_no IN (SELECT order_no FROM mine)$$,
	format('VALUES (%s::bigint)', :o_conf), 'fulfilment_queue: on time and ground');
SELECT is((SELECT count(*) FROM oms_api.fulfilment_queue(false, NULL, NULL, 2)), 2::bigint, 'fulfilment_queue: the first rows only');
SELECT matches(pg_temp.err($$SELECT count(*) FROM oms_api.fulfilment_queue(false, 'teleport')$$), '^22023: ',
	'fulfilment_queue: an unknown service level is refused');
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------------
-- Carriers configured by administrators
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err($$SELECT oms_api.carrier_set('TPost', 'TPost', '^3S[A-Z0-9]{11,13}$', '3SABCD1234567')$$),
	'^42501: ', 'carrier_set: administrators only');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_admin;
SELECT matches(pg_temp.err($$SELECT oms_api.carrier_set('TPost', 'TPost', '^3S[$', '3S')$$),
	'^22023: the tracking pattern is not a regular expression', 'carrier_pattern: an invalid pattern is refused');
SELECT matches(pg_temp.err($$SELECT oms_api.carrier_set('TPost', 'TPost', '3S[A-Z0-9]{11,13}', '3SABCD1234567')$$),
	'^22023: the tracking pattern must be anchored', 'carrier_pattern: a pattern must be anchored');
SELECT matches(pg_temp.err($$SELECT oms_api.carrier_set('TPost', 'TPost', '^3S[A-Z0-9]{11,13}$', '1Z999AA10123456784')$$),
	'^22023: the example', 'carrier_pattern: the example must match the pattern');
SELECT is(oms_api.carrier_set('TPost', 'TPost', '^3S[A-Z0-9]{11,13}$', '3SABCD1234567', 'https://postnl.nl/t?B=%s', 'TPost')
          || ' ' || oms_api.carrier_service_set('TPost', 'ground', 'Standard'), 'added added',
	'carrier_set, carrier_service_set: a carrier and its ground service added');
RESET SESSION AUTHORIZATION;
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS o_nl \gset
SET SESSION AUTHORIZATION t_ful1;
SELECT matches(pg_temp.err(format($$SELECT oms_api.mark_shipped(%s, 'TPost', '1Z999AA10123456784', 'ground')$$, :o_nl)),
	'^OM001: BR-012', 'BR-012: the new carrier''s pattern decides');
SELECT ok(oms_api.mark_shipped(:o_nl, 'TPost', '3SABCD7654321', 'ground') > 0, 'the new carrier ships with its numbers and gets a tracker');
RESET SESSION AUTHORIZATION;
SELECT * FROM finish();
ROLLBACK;
