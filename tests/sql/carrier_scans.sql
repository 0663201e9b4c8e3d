-- Carrier scans and events (issue 11): the status mapping table moves the
-- order (BR-013: DELIVERED only on the delivered scan, signed_by kept),
-- every scan is recorded once, the customer gets each tracking mail once,
-- a webhook Event is stored once by its id and applied in the same
-- transaction, reordered and replayed events change nothing more, a later
-- carrier estimate mails once with the new date, and the worker's poll
-- queue is batched per carrier and backs off on failure.
BEGIN;
\ir fixture.psql
SELECT plan(33);

SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS o \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS o2 \gset
SET SESSION AUTHORIZATION t_ful1;
SELECT oms_api.mark_shipped(:o, 'UPS', '1ZSCAN000000000001') AS ship \gset
SELECT oms_api.mark_shipped(:o2, 'UPS', '1ZSCAN000000000002') AS ship2 \gset
RESET SESSION AUTHORIZATION;
CREATE TEMP VIEW mails AS SELECT dedupe_key, payload ->> 'template' AS template FROM oms.outbox
	WHERE kind = 'mail' AND order_id = (SELECT id FROM oms.orders WHERE order_no = :o);
GRANT SELECT ON mails TO PUBLIC;

-- The mapping
SELECT set_eq('SELECT carrier_status, order_status FROM oms.carrier_status_map',
	$$VALUES ('pre_transit', 'SHIPPED'), ('in_transit', 'IN_TRANSIT'), ('out_for_delivery', 'OUT_FOR_DELIVERY'),
	         ('available_for_pickup', 'OUT_FOR_DELIVERY'), ('delivered', 'DELIVERED'),
	         ('failure', 'DELIVERY_EXCEPTION'), ('return_to_sender', 'DELIVERY_EXCEPTION'),
	         ('cancelled', NULL), ('error', NULL), ('unknown', NULL)$$,
	'the status mapping: every aggregator status and the order status it leads to');

-- A webhook event carrying the whole journey, out of order
CREATE FUNCTION pg_temp.event(p_id text, p_code text, p_details jsonb, p_extra jsonb DEFAULT '{}') RETURNS text
LANGUAGE sql AS $$
	SELECT jsonb_build_object('id', p_id, 'object', 'Event', 'description', 'tracker.updated',
		'result', jsonb_build_object('id', 'trk_' || p_code, 'object', 'Tracker', 'tracking_code', p_code,
			'carrier', 'UPS', 'status', p_details -> -1 ->> 'status',
			'public_url', 'https://track.example.com/' || p_code, 'tracking_details', p_details) || p_extra)::text
$$;
CREATE FUNCTION pg_temp.d(p_status text, p_ago interval) RETURNS jsonb
LANGUAGE sql AS $$
	SELECT jsonb_build_object('object', 'TrackingDetail', 'status', p_status, 'message', 'scan ' || p_status,
		'datetime', to_char((now() - p_ago) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
		'tracking_location', jsonb_build_object('city', 'Memphis', 'state', 'TN', 'country', 'US'))
$$;
SET SESSION AUTHORIZATION t_worker;
SELECT is(oms_api.carrier_event(pg_temp.event('evt_1', '1ZSCAN000000000001',
	jsonb_build_array(pg_temp.d('out_for_delivery', '1 hour'), pg_temp.d('pre_transit', '2 days'),
	                  pg_temp.d('in_transit', '1 day')))), 'stored', 'carrier_event: a new event is stored');
SELECT is((SELECT status FROM oms.orders WHERE order_no = :o), 'OUT_FOR_DELIVERY',
	'carrier_event: scans sent out of order are applied oldest first (OUT_FOR_DELIVERY)');
SELECT is(oms_api.carrier_event(pg_temp.event('evt_1', '1ZSCAN000000000001',
	jsonb_build_array(pg_temp.d('delivered', '1 minute')))), 'duplicate', 'carrier_event: a replayed id is a duplicate');
SELECT is((SELECT status FROM oms.orders WHERE order_no = :o), 'OUT_FOR_DELIVERY', 'carrier_event: and changes nothing');
SELECT is(oms_api.carrier_event(pg_temp.event('evt_2', '1ZSCAN000000000001',
	jsonb_build_array(pg_temp.d('in_transit', '1 day'), pg_temp.d('out_for_delivery', '1 hour')))), 'stored',
	'carrier_event: a second event repeating the same scans is stored');
SELECT is((SELECT count(*) FROM oms.shipment_event WHERE shipment_id = :ship), 3::bigint,
	'every scan is recorded once (by its time and status)');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT aggregator_id || ' ' || public_url FROM oms.tracker WHERE shipment_id = :ship),
	'trk_1ZSCAN000000000001 https://track.example.com/1ZSCAN000000000001', 'the tracker''s id and public page are kept');
SET SESSION AUTHORIZATION t_worker;
SELECT is(oms_api.record_tracking_event('1ZSCAN000000000001', 'in_transit', now() - interval '30 minutes', 'Hub', NULL),
	'IN_TRANSIT', 'a newer in_transit scan moves OUT_FOR_DELIVERY back to IN_TRANSIT (the map allows it)');
SELECT is(oms_api.carrier_event(pg_temp.event('evt_3', '1ZSCAN000000000001',
	jsonb_build_array(pg_temp.d('out_for_delivery', '10 minutes'), pg_temp.d('delivered', '1 minute')),
	'{"signed_by": "J. DOE"}')), 'stored', 'carrier_event: the delivered event is stored');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT status FROM oms.orders WHERE order_no = :o), 'DELIVERED', 'BR-013: the delivered scan delivers the order');
SELECT is((SELECT signed_by FROM oms.shipment WHERE id = :ship), 'J. DOE', 'BR-013: the proof (signed_by) is kept');
SELECT is((SELECT active FROM oms.tracker WHERE shipment_id = :ship), false, 'delivered ends the tracking');
-- the order card shows the proof and the tracker (issue 11)
SET SESSION AUTHORIZATION t_csr;
SELECT is((SELECT s ->> 'signed_by' || ' ' || (s ->> 'tracker_state') || ' ' || (s ->> 'delivered_at' IS NOT NULL)
           FROM jsonb_array_elements(oms_api.order_card(:o) -> 'shipments') s),
	'J. DOE ended true', 'order_card: the shipment shows who signed, the tracker ended and when it was delivered');
SELECT ok((SELECT (s ->> 'last_scan_age_s')::bigint BETWEEN 60 AND 3600
                  AND (s ->> 'last_scan_at')::timestamptz = (SELECT max(at) FROM oms.shipment_event WHERE shipment_id = :ship)
           FROM jsonb_array_elements(oms_api.order_card(:o) -> 'shipments') s),
	'order_card: the last scan, and its age in seconds (the delivered scan a minute ago)');
RESET SESSION AUTHORIZATION;
SELECT is(oms.job_public('{"tracking_url": "https://track.example.com/1Z", "estimated_delivery": "2026-12-10", "email": "x@example.com"}'),
	'{"tracking_url": "https://track.example.com/1Z", "estimated_delivery": "2026-12-10"}'::jsonb,
	'job_public: the tracking link and the estimate show in job listings, the e-mail does not');
SELECT set_eq('SELECT dedupe_key, template FROM mails',
	format($$VALUES ('mail:shipped:%1$s', 'order_shipped'), ('mail:out_for_delivery:%1$s', 'order_out_for_delivery'),
	                ('mail:delivered:%1$s', 'order_delivered')$$, :ship),
	'the customer gets shipped, out for delivery and delivered, once each (out for delivery twice: one mail)');

-- A tracker whose status says delivered without a delivered scan does not deliver
SET SESSION AUTHORIZATION t_worker;
SELECT is(oms_api.tracker_update(jsonb_build_object('id', 'trk_x2', 'tracking_code', '1ZSCAN000000000002', 'carrier', 'UPS',
	'status', 'delivered', 'tracking_details', jsonb_build_array(pg_temp.d('in_transit', '3 hours')))) ->> 'status',
	'IN_TRANSIT', 'BR-013: a tracker status "delivered" without the delivered scan does not deliver');
SELECT is(oms_api.carrier_event(pg_temp.event('evt_4', '1ZSCAN000000000002',
	jsonb_build_array(pg_temp.d('failure', '2 hours')))), 'stored', 'a failure event is stored');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT status FROM oms.orders WHERE order_no = :o2), 'DELIVERY_EXCEPTION', 'failure: DELIVERY_EXCEPTION');
SELECT is((SELECT reason FROM oms.shipment_review WHERE shipment_id = :ship2 AND decided_at IS NULL), 'exception',
	'failure: the parcel goes on the review list');
SELECT is((SELECT count(*) FROM oms.outbox WHERE dedupe_key = 'mail:delivery_exception:' || :ship2), 1::bigint,
	'failure: the customer is told once');

-- Refused and ignored events
SET SESSION AUTHORIZATION t_worker;
SELECT matches(pg_temp.err($$SELECT oms_api.carrier_event('not json')$$), '^22023: ', 'carrier_event: not JSON: 22023');
SELECT matches(pg_temp.err($$SELECT oms_api.carrier_event('{"description": "tracker.updated"}')$$), '^22023: ',
	'carrier_event: no id: 22023');
SELECT is(oms_api.carrier_event(pg_temp.event('evt_5', '1ZUNKNOWN000000001', jsonb_build_array(pg_temp.d('in_transit', '1 hour')))),
	'stored', 'carrier_event: an event about a tracker we do not know is stored (and not retried)');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT outcome FROM oms.carrier_event WHERE event_id = 'evt_5'), 'ignored: unknown tracker',
	'carrier_event: with why it was ignored');
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err($$SELECT oms_api.carrier_event('{"id": "evt_9"}')$$), '^42501: ', 'carrier_event: only the worker');
RESET SESSION AUTHORIZATION;

-- A later carrier estimate mails once with the new date
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS o3 \gset
SELECT oms_api.mark_shipped(:o3, 'FedEx', '123456789099') AS ship3 \gset
SET SESSION AUTHORIZATION t_worker;
SELECT oms_api.tracker_update(jsonb_build_object('id', 'trk_3', 'tracking_code', '123456789099', 'carrier', 'FedEx',
	'status', 'in_transit', 'est_delivery_date', to_char(current_date + 20, 'YYYY-MM-DD"T"00:00:00"Z"'),
	'tracking_details', jsonb_build_array(pg_temp.d('in_transit', '1 hour')))) \g /dev/null
SELECT oms_api.tracker_update(jsonb_build_object('id', 'trk_3', 'tracking_code', '123456789099', 'carrier', 'FedEx',
	'status', 'in_transit', 'est_delivery_date', to_char(current_date + 20, 'YYYY-MM-DD"T"00:00:00"Z"'))) \g /dev/null
RESET SESSION AUTHORIZATION;
SELECT is((SELECT string_agg(payload ->> 'estimated_delivery', ',') FROM oms.outbox
           WHERE payload ->> 'template' = 'order_delayed' AND (payload ->> 'shipment_id')::bigint = :ship3),
	to_char(current_date + 20, 'YYYY-MM-DD'), 'a later carrier estimate mails once, with the new date');
SELECT is((SELECT estimated_delivery FROM oms.shipment WHERE id = :ship3), current_date + 20, 'the estimate is revised');

-- Polling: due trackers, at most p_per_carrier of one carrier, leased
UPDATE oms.tracker SET next_poll_at = now() - interval '1 hour' WHERE active;
SELECT count(DISTINCT s.carrier) AS ncar FROM oms.tracker t JOIN oms.shipment s ON s.id = t.shipment_id
WHERE t.active AND t.next_poll_at < now() \gset
SET SESSION AUTHORIZATION t_worker;
CREATE TEMP TABLE due AS SELECT * FROM oms_api.trackers_due(10, 1);
SELECT is((SELECT count(*) FROM due), :ncar::bigint, 'trackers_due: one tracker per carrier when the per-carrier limit is 1');
SELECT is((SELECT count(*) FROM due GROUP BY carrier ORDER BY 1 DESC LIMIT 1), 1::bigint, 'trackers_due: never two of one carrier');
SELECT is((SELECT count(*) FROM oms_api.trackers_due(10, 1) d WHERE d.shipment_id IN (SELECT shipment_id FROM due)), 0::bigint,
	'trackers_due: a leased tracker is not handed out again');
SELECT oms_api.tracker_poll_failed(:ship3, 'aggregator: 503') \g /dev/null
RESET SESSION AUTHORIZATION;
SELECT ok((SELECT next_poll_at > clock_timestamp() + interval '1 minute' AND poll_failures = 1 AND last_error = 'aggregator: 503'
           FROM oms.tracker WHERE shipment_id = :ship3), 'tracker_poll_failed: the tracker backs off and keeps the error');
SELECT * FROM finish();
ROLLBACK;
