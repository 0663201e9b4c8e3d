-- 0010: the customer hears about a stuck parcel; reasons can be retired.
--
-- flag_stuck_shipments (run by every oms-worker every
-- [worker] stuck_sweep_interval seconds, see oms-worker(8)) flags the
-- shipments without a carrier scan for stuck_shipment_hours, as in 0007,
-- and now, in the same transaction, queues one "order_delayed" mail per
-- shipment it flags:
--
-- * One mail per shipment, ever: the dedupe key is mail:delayed:SHIPMENT.
--   A parcel that moves again (a scan clears the flag) and stalls a second
--   time is flagged again for the staff, but the customer was already told
--   it is late and hears next from the carrier's scans (out for delivery,
--   delivered, exception). "One message per event, never two."
-- * Only while the order is on its way (SHIPPED, IN_TRANSIT,
--   OUT_FOR_DELIVERY). An order in DELIVERY_EXCEPTION got the
--   delivery-exception mail ("is delayed") when the carrier reported it.
-- * The estimate moves: a stuck parcel will not make a date that has
--   passed, so estimated_delivery becomes the later of the old estimate and
--   today plus the service level's transit days (business days, as
--   mark_shipped counts them). The staff see the date the customer is told;
--   the payload carries it too, so the mail says the date decided here.
--   Carrier and tracking number are read by the worker through the
--   shipment id, as for order_shipped (payloads carry ids, not data).
--
-- Concurrency: any number of workers sweep at once, while carrier scans
-- (record_tracking_event) and staff actions lock orders. The sweep never
-- waits for a lock: it takes the stuck shipments FOR UPDATE and their
-- orders FOR KEY SHARE (what the outbox row's foreign key needs), both
-- SKIP LOCKED. A shipment another sweep holds is that sweep's; one whose
-- order is being changed right now is looked at again next time. So two
-- sweeps never flag the same shipment, and a sweep cannot deadlock with a
-- scan that locks the order and then the shipment. The dedupe key is the
-- second line of defence.
--
-- Shipments flagged before this migration (by 0007's version) get no mail.
--
-- reason_retire (oms reason retire): an administrator takes a cancellation
-- reason out of use. Cancellations keep the codes they were given (the
-- foreign key), so a reason is never deleted: it stops being offered
-- (cancel_reasons lists active ones) and accepted (BR-023 wants an active
-- one). The last active reason cannot go: a cancellation needs one
-- (BR-023).

SET LOCAL ROLE oms_owner;
SET LOCAL search_path = oms, pg_catalog;

CREATE OR REPLACE FUNCTION oms_api.flag_stuck_shipments() RETURNS int
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('flag_stuck_shipments', 'worker', 'admin');
	v_cutoff constant timestamptz :=
		now() - make_interval(hours => oms.policy_get('stuck_shipment_hours')::int);
	v_ids bigint[];
	v_n int := 0;
	r record;
BEGIN
	SELECT coalesce(array_agg(x.id), '{}') INTO v_ids FROM (
		SELECT s.id FROM oms.shipment s JOIN oms.orders o ON o.id = s.order_id
		WHERE s.status NOT IN ('delivered', 'return_to_sender', 'cancelled') AND NOT s.flagged
		  AND coalesce(s.last_event_at, s.shipped_at) < v_cutoff
		ORDER BY s.id
		FOR UPDATE OF s SKIP LOCKED
		FOR KEY SHARE OF o SKIP LOCKED) x;

	FOR r IN
		UPDATE oms.shipment s
		SET flagged = true, flagged_at = now(),
		    estimated_delivery = greatest(s.estimated_delivery,
		        oms.add_business_days(current_date, oms.transit_days(s.service_level)))
		WHERE s.id = ANY (v_ids)
		RETURNING s.id, s.order_id, s.estimated_delivery
	LOOP
		v_n := v_n + 1;
		PERFORM oms.enqueue('mail', 'mail:delayed:' || r.id, o.id, NULL,
			jsonb_build_object('template', 'order_delayed', 'order_no', o.order_no,
			                   'shipment_id', r.id,
			                   'estimated_delivery', to_char(r.estimated_delivery, 'YYYY-MM-DD')))
		FROM oms.orders o
		WHERE o.id = r.order_id AND o.status IN ('SHIPPED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY');
	END LOOP;
	RETURN v_n;
END
$$;

CREATE FUNCTION oms_api.reason_retire(p_code text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('reason_retire', 'admin');
	v oms.cancellation_reason;
BEGIN
	-- All active reasons first, in one order: two administrators retiring
	-- the last two at once are served one after the other, and the second
	-- sees that its reason is the last.
	PERFORM 1 FROM oms.cancellation_reason r WHERE r.active ORDER BY r.code FOR UPDATE;
	SELECT * INTO v FROM oms.cancellation_reason r WHERE r.code = p_code;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no cancellation reason "%"', coalesce(p_code, '') USING ERRCODE = 'P0002';
	ELSIF NOT v.active THEN
		RAISE EXCEPTION 'reason "%" is retired already', p_code USING ERRCODE = 'OM002';
	ELSIF NOT EXISTS (SELECT 1 FROM oms.cancellation_reason r WHERE r.active AND r.code <> p_code) THEN
		PERFORM oms.refuse(format('BR-023: "%s" is the last reason a cancellation can give; add another first',
		                          p_code));
	END IF;
	UPDATE oms.cancellation_reason SET active = false WHERE code = p_code;
END
$$;

REVOKE EXECUTE ON FUNCTION oms_api.flag_stuck_shipments(), oms_api.reason_retire(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION oms_api.flag_stuck_shipments() TO oms_worker, oms_admin;
GRANT EXECUTE ON FUNCTION oms_api.reason_retire(text) TO oms_admin;

RESET ROLE;
RESET search_path;
