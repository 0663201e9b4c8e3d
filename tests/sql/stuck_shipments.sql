-- Stuck shipments (0010): oms_api.flag_stuck_shipments flags the parcels
-- without a carrier scan for stuck_shipment_hours (48) and queues one
-- "order_delayed" mail per flagged shipment, in the same transaction; never
-- a second one for the same shipment; moving and finished parcels are left
-- alone; only the worker and administrators may run it. (Several sweeps at
-- once: tests/sql/stuck_concurrency.test.)
BEGIN;
\ir fixture.psql
SELECT plan(20);

-- Only this file's shipments may be candidates.
UPDATE oms.shipment SET flagged = true, flagged_at = now() WHERE NOT flagged;

-- Six shipped orders (as the superuser, who counts as admin), one shipment
-- each, in every situation (now() is the start of this transaction):
--   stuck      shipped 3 days ago, no scan since         -> flagged, mailed
--   stale      in_transit scan 3 days ago, nothing since -> flagged, mailed
--   fresh      shipped just now                          -> untouched
--   moving     shipped 3 days ago, scanned an hour ago   -> untouched
--   delivered  delivered 3 days ago                      -> untouched
--   exception  carrier failure 3 days ago (the customer was told then)
--                                                        -> flagged, no mail
CREATE FUNCTION pg_temp.shipped(p_tracking text, p_age interval) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	v_no bigint := pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id',
		(SELECT id FROM oms.item WHERE sku = 'A-1'), 'qty', 1)));
BEGIN
	PERFORM oms_api.mark_shipped(v_no, 'UPS', p_tracking);
	UPDATE oms.shipment SET shipped_at = now() - p_age, estimated_delivery = current_date - 1
	WHERE tracking_no = p_tracking;
	RETURN v_no;
END
$$;
SELECT pg_temp.shipped('STUCK0001', '3 days') AS o_stuck \gset
SELECT pg_temp.shipped('STALE0001', '4 days') AS o_stale \gset
SELECT pg_temp.shipped('FRESH0001', '0 seconds') AS o_fresh \gset
SELECT pg_temp.shipped('MOVING0001', '3 days') AS o_moving \gset
SELECT pg_temp.shipped('DELIV0001', '5 days') AS o_delivered \gset
SELECT pg_temp.shipped('EXCEPT0001', '5 days') AS o_exception \gset
UPDATE oms.shipment SET estimated_delivery = current_date + 3 WHERE tracking_no = 'FRESH0001';
SET SESSION AUTHORIZATION t_worker;
SELECT oms_api.record_tracking_event('STALE0001', 'in_transit', now() - interval '3 days', 'Memphis', NULL) \g /dev/null
SELECT oms_api.record_tracking_event('MOVING0001', 'in_transit', now() - interval '1 hour', 'Memphis', NULL) \g /dev/null
SELECT oms_api.record_tracking_event('DELIV0001', 'delivered', now() - interval '3 days', 'Springfield', NULL) \g /dev/null
SELECT oms_api.record_tracking_event('EXCEPT0001', 'failure', now() - interval '3 days', 'Springfield', NULL) \g /dev/null
RESET SESSION AUTHORIZATION;
SELECT id AS s_stuck FROM oms.shipment WHERE tracking_no = 'STUCK0001' \gset
SELECT id AS s_stale FROM oms.shipment WHERE tracking_no = 'STALE0001' \gset

CREATE TEMP VIEW delayed_jobs AS
SELECT o.dedupe_key, o.order_id, o.payload, o.status FROM oms.outbox o
WHERE o.kind = 'mail' AND o.payload ->> 'template' = 'order_delayed';
GRANT SELECT ON delayed_jobs TO PUBLIC;
CREATE TEMP TABLE untouched_before AS
SELECT tracking_no, flagged, flagged_at, estimated_delivery FROM oms.shipment
WHERE tracking_no IN ('FRESH0001', 'MOVING0001', 'DELIV0001');

-- ---------------------------------------------------------------------------
-- Who may sweep
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err('SELECT oms_api.flag_stuck_shipments()'), '^42501: ',
	'flag_stuck_shipments: a CSR may not run the sweep (42501)');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_ful1;
SELECT matches(pg_temp.err('SELECT oms_api.flag_stuck_shipments()'), '^42501: ',
	'flag_stuck_shipments: fulfilment may not run the sweep (42501)');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_analyst;
SELECT matches(pg_temp.err('SELECT oms_api.flag_stuck_shipments()'), '^42501: ',
	'flag_stuck_shipments: an analyst may not run the sweep (42501)');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*) FROM oms.shipment WHERE flagged AND tracking_no LIKE '%0001'), 0::bigint,
	'flag_stuck_shipments: the refused calls flagged nothing');

-- ---------------------------------------------------------------------------
-- The worker's sweep
SET SESSION AUTHORIZATION t_worker;
SELECT is(oms_api.flag_stuck_shipments(), 3, 'flag_stuck_shipments: the worker flags the 3 stuck shipments');
RESET SESSION AUTHORIZATION;
SELECT set_eq($$SELECT tracking_no FROM oms.shipment WHERE flagged AND flagged_at >= now() AND flagged_at <= clock_timestamp() AND tracking_no LIKE '%0001'$$,
	$$VALUES ('STUCK0001'), ('STALE0001'), ('EXCEPT0001')$$,
	'flag_stuck_shipments: no scan since shipping, or none since a stale scan, or a stale failure: flagged now');
SELECT set_eq('SELECT dedupe_key, order_id, status FROM delayed_jobs',
	format($$VALUES ('mail:delayed:%s', (SELECT id FROM oms.orders WHERE order_no = %s), 'ready'),
	                ('mail:delayed:%s', (SELECT id FROM oms.orders WHERE order_no = %s), 'ready')$$,
	       :s_stuck, :o_stuck, :s_stale, :o_stale),
	'flag_stuck_shipments: exactly one order_delayed mail job per shipment on its way, keyed by the shipment');
SELECT is((SELECT count(*) FROM delayed_jobs WHERE order_id = (SELECT id FROM oms.orders WHERE order_no = :o_exception)),
	0::bigint, 'flag_stuck_shipments: no delayed mail for a DELIVERY_EXCEPTION order (the customer was told of the exception)');
SELECT is((SELECT payload FROM delayed_jobs WHERE dedupe_key = 'mail:delayed:' || :s_stuck),
	jsonb_build_object('template', 'order_delayed', 'order_no', :o_stuck, 'shipment_id', :s_stuck,
		'estimated_delivery', to_char(oms.add_business_days(current_date, 5), 'YYYY-MM-DD')),
	'flag_stuck_shipments: the payload names template, order, shipment and the new estimate (no customer data)');
SELECT is((SELECT estimated_delivery FROM oms.shipment WHERE id = :s_stuck), oms.add_business_days(current_date, 5),
	'flag_stuck_shipments: a passed estimate moves to today + the ground transit days (5 business days)');
SELECT set_eq('SELECT tracking_no, flagged, flagged_at, estimated_delivery FROM oms.shipment
	WHERE tracking_no IN (''FRESH0001'', ''MOVING0001'', ''DELIV0001'')',
	'SELECT * FROM untouched_before',
	'flag_stuck_shipments: fresh, recently scanned and delivered shipments are untouched');
SELECT is((SELECT count(*) FROM delayed_jobs WHERE order_id IN
	(SELECT id FROM oms.orders WHERE order_no IN (:o_fresh, :o_moving, :o_delivered))), 0::bigint,
	'flag_stuck_shipments: and get no delayed mail');
SELECT is((SELECT count(*) FROM oms.audit_log WHERE action = 'flag_stuck_shipments' AND table_name = 'shipment'
	AND staff_name = 'worker'), 3::bigint,
	'flag_stuck_shipments: the audit log names the worker for each flagged shipment');

-- ---------------------------------------------------------------------------
-- Never twice
SET SESSION AUTHORIZATION t_worker;
SELECT is(oms_api.flag_stuck_shipments(), 0, 'flag_stuck_shipments: a second sweep finds nothing new');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*) FROM delayed_jobs), 2::bigint, 'flag_stuck_shipments: and queues no second mail');

-- The stuck parcel moves (the scan clears the flag) and stalls again: the
-- staff see it flagged again, the customer is not told twice.
SET SESSION AUTHORIZATION t_worker;
SELECT oms_api.record_tracking_event('STUCK0001', 'in_transit', now() - interval '50 hours', 'Memphis', NULL) \g /dev/null
SELECT is((SELECT flagged FROM oms.shipment WHERE id = :s_stuck), false,
	'flag_stuck_shipments: a carrier scan clears the flag');
SELECT is(oms_api.flag_stuck_shipments(), 1, 'flag_stuck_shipments: stalled again (no scan for 50 hours): flagged again');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*) FROM delayed_jobs WHERE dedupe_key = 'mail:delayed:' || :s_stuck), 1::bigint,
	'flag_stuck_shipments: one delayed mail per shipment, ever');

-- An administrator may run the sweep by hand.
SET SESSION AUTHORIZATION t_admin;
SELECT is(pg_temp.err('SELECT oms_api.flag_stuck_shipments()'), 'ok',
	'flag_stuck_shipments: an administrator may run the sweep');
RESET SESSION AUTHORIZATION;
SELECT ok(pg_get_functiondef('oms_api.flag_stuck_shipments()'::regprocedure) ~* 'for\s+update\s+of\s+s\s+skip\s+locked',
	'flag_stuck_shipments: takes the shipments FOR UPDATE SKIP LOCKED (sweeps never wait for each other)');
SELECT * FROM finish();
ROLLBACK;
