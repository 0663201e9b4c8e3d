-- Stuck shipments (issue 11, replacing 0010's mail): oms_api.flag_stuck_shipments
-- flags the parcels whose tracker is active and that had no carrier scan
-- for stuck_shipment_hours (48), counted from the last scan or from
-- shipping, and puts each on the review list. It mails NOBODY: a person
-- decides (oms_api.review_decide) and the decision is recorded. Untracked
-- and finished parcels are left alone; only the worker and administrators
-- may sweep; the go-live safeguard: a database full of old parcels gets
-- no mail when the sweep is enabled. (Several sweeps at once:
-- tests/sql/stuck_concurrency.test.)
BEGIN;
\ir fixture.psql
SELECT plan(26);

-- Only this file's shipments may be candidates.
UPDATE oms.shipment SET flagged = true, flagged_at = now() WHERE NOT flagged;
UPDATE oms.tracker SET active = false;

-- Shipped orders (as the superuser, who counts as admin), one shipment
-- each (now() is the start of this transaction):
--   stuck      UPS, shipped 3 days ago, no scan since        -> flagged
--   stale      UPS, in_transit scan 3 days ago, none since   -> flagged
--   fresh      UPS, shipped just now                         -> untouched
--   moving     UPS, shipped 3 days ago, scanned an hour ago  -> untouched
--   delivered  UPS, delivered 3 days ago (tracking ended)    -> untouched
--   exception  UPS, carrier failure 3 days ago               -> flagged (already on the list)
--   untracked  Local post (no tracker), shipped 3 days ago   -> untouched
--   ended      UPS, tracker no longer active                 -> untouched
CREATE FUNCTION pg_temp.shipped(p_carrier text, p_tracking text, p_age interval) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	v_no bigint := pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id',
		(SELECT id FROM oms.item WHERE sku = 'A-1'), 'qty', 1)));
BEGIN
	PERFORM oms_api.mark_shipped(v_no, p_carrier, p_tracking);
	UPDATE oms.shipment SET shipped_at = now() - p_age, estimated_delivery = current_date - 1
	WHERE tracking_no = p_tracking;
	RETURN v_no;
END
$$;
SELECT pg_temp.shipped('UPS', '1ZSTUCK00000000001', '3 days') AS o_stuck \gset
SELECT pg_temp.shipped('UPS', '1ZSTALE00000000001', '4 days') AS o_stale \gset
SELECT pg_temp.shipped('UPS', '1ZFRESH00000000001', '0 seconds') AS o_fresh \gset
SELECT pg_temp.shipped('UPS', '1ZMOVIN00000000001', '3 days') AS o_moving \gset
SELECT pg_temp.shipped('UPS', '1ZDELIV00000000001', '5 days') AS o_delivered \gset
SELECT pg_temp.shipped('UPS', '1ZEXCEP00000000001', '5 days') AS o_exception \gset
SELECT pg_temp.shipped('Local', 'LOCAL-STUCK-0001', '5 days') AS o_untracked \gset
SELECT pg_temp.shipped('UPS', '1ZENDED00000000001', '5 days') AS o_ended \gset
UPDATE oms.tracker SET active = false
WHERE shipment_id = (SELECT id FROM oms.shipment WHERE tracking_no = '1ZENDED00000000001');
SET SESSION AUTHORIZATION t_worker;
SELECT oms_api.record_tracking_event('1ZSTALE00000000001', 'in_transit', now() - interval '3 days', 'Memphis', NULL) \g /dev/null
SELECT oms_api.record_tracking_event('1ZMOVIN00000000001', 'in_transit', now() - interval '1 hour', 'Memphis', NULL) \g /dev/null
SELECT oms_api.record_tracking_event('1ZDELIV00000000001', 'delivered', now() - interval '3 days', 'Springfield', NULL) \g /dev/null
SELECT oms_api.record_tracking_event('1ZEXCEP00000000001', 'failure', now() - interval '3 days', 'Springfield', NULL) \g /dev/null
RESET SESSION AUTHORIZATION;
SELECT id AS s_stuck FROM oms.shipment WHERE tracking_no = '1ZSTUCK00000000001' \gset
SELECT id AS s_stale FROM oms.shipment WHERE tracking_no = '1ZSTALE00000000001' \gset
SELECT id AS s_exception FROM oms.shipment WHERE tracking_no = '1ZEXCEP00000000001' \gset

SELECT count(*) AS outbox_before FROM oms.outbox \gset
CREATE TEMP TABLE untouched_before AS
SELECT tracking_no, flagged, flagged_at, estimated_delivery FROM oms.shipment
WHERE tracking_no IN ('1ZFRESH00000000001', '1ZMOVIN00000000001', '1ZDELIV00000000001', 'LOCAL-STUCK-0001',
                      '1ZENDED00000000001');

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
SELECT is((SELECT count(*) FROM oms.shipment WHERE flagged AND tracking_no ~ '^(1Z|LOCAL)' AND shipped_at < now() - interval '1 day'
           AND order_id IN (SELECT id FROM oms.orders WHERE order_no IN (:o_stuck, :o_stale, :o_exception))), 0::bigint,
	'flag_stuck_shipments: the refused calls flagged nothing');

-- ---------------------------------------------------------------------------
-- The worker's sweep
SET SESSION AUTHORIZATION t_worker;
SELECT is(oms_api.flag_stuck_shipments(), 3, 'flag_stuck_shipments: the worker flags the 3 stuck tracked shipments');
RESET SESSION AUTHORIZATION;
SELECT set_eq($$SELECT tracking_no FROM oms.shipment WHERE flagged AND flagged_at >= now() AND flagged_at <= clock_timestamp()$$,
	$$VALUES ('1ZSTUCK00000000001'), ('1ZSTALE00000000001'), ('1ZEXCEP00000000001')$$,
	'flag_stuck_shipments: no scan since shipping, or none since a stale scan, or a stale failure: flagged now');
SELECT is((SELECT count(*) FROM oms.outbox), :outbox_before::bigint,
	'flag_stuck_shipments: the sweep queues no job at all (no customer is mailed)');
SELECT set_eq(format($$SELECT shipment_id, reason, last_scan_at FROM oms.shipment_review
                      WHERE decided_at IS NULL AND shipment_id IN (%s, %s)$$, :s_stuck, :s_stale),
	format($$VALUES (%s::bigint, 'stuck', (SELECT shipped_at FROM oms.shipment WHERE id = %1$s)),
	                (%s, 'stuck', now() - interval '3 days')$$, :s_stuck, :s_stale),
	'flag_stuck_shipments: each goes on the review list, counted from its last scan or its shipping');
SELECT is((SELECT string_agg(reason, ',') FROM oms.shipment_review WHERE shipment_id = :s_exception), 'exception',
	'flag_stuck_shipments: a parcel already on the list (its exception) is not listed twice');
SELECT is((SELECT estimated_delivery FROM oms.shipment WHERE id = :s_stuck), current_date - 1,
	'flag_stuck_shipments: the estimate the customer was told is not moved by the sweep');
SELECT set_eq('SELECT tracking_no, flagged, flagged_at, estimated_delivery FROM oms.shipment
	WHERE tracking_no IN (''1ZFRESH00000000001'', ''1ZMOVIN00000000001'', ''1ZDELIV00000000001'', ''LOCAL-STUCK-0001'', ''1ZENDED00000000001'')',
	'SELECT * FROM untouched_before',
	'flag_stuck_shipments: fresh, recently scanned, delivered, untracked and ended shipments are untouched');
SELECT is((SELECT count(*) FROM oms.audit_log WHERE action = 'flag_stuck_shipments' AND table_name = 'shipment'
	AND staff_name = 'worker'), 3::bigint,
	'flag_stuck_shipments: the audit log names the worker for each flagged shipment');

-- ---------------------------------------------------------------------------
-- Never twice; a scan clears the flag and closes the stuck review
SET SESSION AUTHORIZATION t_worker;
SELECT is(oms_api.flag_stuck_shipments(), 0, 'flag_stuck_shipments: a second sweep finds nothing new');
SELECT oms_api.record_tracking_event('1ZSTUCK00000000001', 'in_transit', now() - interval '50 hours', 'Memphis', NULL) \g /dev/null
SELECT is((SELECT flagged FROM oms.shipment WHERE id = :s_stuck), false,
	'flag_stuck_shipments: a carrier scan clears the flag');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT decision || '/' || decided_by FROM oms.shipment_review WHERE shipment_id = :s_stuck), 'resolved/carrier scan',
	'flag_stuck_shipments: and closes the stuck review (the parcel moves)');
SET SESSION AUTHORIZATION t_worker;
SELECT is(oms_api.flag_stuck_shipments(), 1, 'flag_stuck_shipments: stalled again (no scan for 50 hours): flagged again');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*) FROM oms.shipment_review WHERE shipment_id = :s_stuck AND decided_at IS NULL), 1::bigint,
	'flag_stuck_shipments: back on the list, once');
SELECT is((SELECT count(*) FROM oms.outbox), :outbox_before::bigint, 'flag_stuck_shipments: still no mail');

-- ---------------------------------------------------------------------------
-- The review list and a person's decision
SET SESSION AUTHORIZATION t_ful1;
SELECT set_eq('SELECT order_no, reason FROM oms_api.shipment_reviews()',
	format($$VALUES (%s::bigint, 'exception')$$, :o_exception),
	'shipment_reviews: fulfilment reads its seller''s delivery exceptions, not the stuck parcels (carrier_lost_returns: lost ones)');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_csr;
SELECT set_eq('SELECT order_no, reason FROM oms_api.shipment_reviews()',
	format($$VALUES (%s::bigint, 'stuck'), (%s, 'stuck'), (%s, 'exception')$$, :o_stuck, :o_stale, :o_exception),
	'shipment_reviews: a CSR reads the open reviews (order, reason)');
SELECT review_id AS r_stale FROM oms_api.shipment_reviews() WHERE order_no = :o_stale \gset
SELECT matches(pg_temp.err(format('SELECT oms_api.review_decide(%s, %L, NULL)', :r_stale, 'ignore')), '^22023: ',
	'review_decide: an unknown decision is refused');
SELECT oms_api.review_decide(:r_stale, 'contact_carrier', 'asked UPS to trace it') \g /dev/null
RESET SESSION AUTHORIZATION;
SELECT is((SELECT decision || '/' || decided_by || '/' || note FROM oms.shipment_review WHERE id = :r_stale),
	'contact_carrier/Casey Rep/asked UPS to trace it', 'review_decide: the decision, who and the note are recorded');
SELECT is((SELECT count(*) FROM oms.outbox), :outbox_before::bigint, 'review_decide: the decision mails nobody by itself');

-- ---------------------------------------------------------------------------
-- Go-live safeguard: enabling the sweep on a database whose parcels are
-- long past the threshold mails nobody.
SELECT pg_temp.shipped('UPS', '1ZOLD' || lpad(g::text, 13, '0'), make_interval(days => 10 + g)) FROM generate_series(1, 20) g \g /dev/null
SELECT count(*) AS outbox_golive FROM oms.outbox \gset
SET SESSION AUTHORIZATION t_admin;
SELECT is(oms_api.flag_stuck_shipments(), 20, 'go-live: the first sweep lists the 20 old parcels for review');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*) FROM oms.outbox), :outbox_golive::bigint, 'go-live: and mails none of their customers');

SELECT ok(pg_get_functiondef('oms_api.flag_stuck_shipments()'::regprocedure) ~* 'for\s+update\s+of\s+s\s+skip\s+locked',
	'flag_stuck_shipments: takes the shipments FOR UPDATE SKIP LOCKED (sweeps never wait for each other)');
SELECT * FROM finish();
ROLLBACK;
