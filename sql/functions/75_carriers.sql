-- sql/functions/75_carriers.sql: Carriers and fulfilment (issue 11): marking shipped, carrier scans, stuck shipments.
--
-- The one definition of each function and view here, with its grants.
-- `oms migrate` re-applies this file (in one transaction, after the
-- numbered migrations) whenever its text changes: keep it re-appliable
-- (CREATE OR REPLACE; see sql/functions/README for a changed signature).

SET LOCAL search_path = oms, pg_catalog;
SET LOCAL ROLE oms_owner;

-- As in 0007, with the clock; an order with no unit left is refused (the
-- status guard refuses it for every writer too), and a tracking number
-- recorded on ANY shipment is refused with the same words whoever's
-- shipment it is (no constraint name, no order, no seller).
CREATE OR REPLACE FUNCTION oms_api.mark_shipped(p_order_no bigint, p_carrier text, p_tracking_no text,
                                                p_service_level text DEFAULT 'ground')
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('mark_shipped', 'fulfilment', 'admin');
	v_order oms.orders;
	v_id bigint;
BEGIN
	IF nullif(btrim(p_tracking_no), '') IS NULL THEN
		PERFORM oms.refuse(format('BR-012: order %s needs a tracking number to be shipped', p_order_no),
		                   jsonb_build_object('order_no', p_order_no, 'field', 'tracking_no'));
	END IF;
	IF nullif(btrim(p_carrier), '') IS NULL THEN
		RAISE EXCEPTION 'name the carrier' USING ERRCODE = '22023',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'required', 'field', 'carrier', 'order_no', p_order_no));
	END IF;
	v_order := oms.lock_order(NULL, p_order_no, v_role);
	IF v_order.status = 'CANCELLED' THEN
		PERFORM oms.refuse(format('BR-015: order %s is cancelled', p_order_no),
		                   jsonb_build_object('order_no', p_order_no, 'status', v_order.status));
	ELSIF v_order.status = 'PENDING' THEN
		PERFORM oms.refuse(format('BR-011: order %s is not confirmed yet (payment not verified)', p_order_no),
		                   jsonb_build_object('order_no', p_order_no, 'status', v_order.status));
	ELSIF v_order.status <> 'CONFIRMED' THEN
		RAISE EXCEPTION 'order % is already %', p_order_no, v_order.status USING ERRCODE = 'OM002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'order_status', 'order_no', p_order_no, 'status', v_order.status));
	END IF;
	IF NOT EXISTS (SELECT 1 FROM oms.order_item i WHERE i.order_id = v_order.id AND i.cancelled_qty < i.qty) THEN
		PERFORM oms.refuse(format('BR-015: every unit of order %s is cancelled; nothing is left to ship', p_order_no),
		                   jsonb_build_object('order_no', p_order_no, 'status', v_order.status));
	END IF;
	IF EXISTS (SELECT 1 FROM oms.shipment s WHERE s.tracking_no = btrim(p_tracking_no)) THEN
		RAISE EXCEPTION 'BR-012: tracking number % cannot be used for order %; check the number', btrim(p_tracking_no), p_order_no
			USING ERRCODE = '22023',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'BR-012', 'order_no', p_order_no, 'tracking_no', left(btrim(p_tracking_no), 40)));
	END IF;

	INSERT INTO oms.shipment (order_id, carrier, service_level, tracking_no, shipped_at, estimated_delivery)
	VALUES (v_order.id, btrim(p_carrier), coalesce(p_service_level, 'ground'), btrim(p_tracking_no), clock_timestamp(),
	        oms.add_business_days(clock_timestamp()::date, oms.transit_days(coalesce(p_service_level, 'ground'))))
	RETURNING id INTO v_id;
	UPDATE oms.orders SET status = 'SHIPPED' WHERE id = v_order.id;
	PERFORM oms.enqueue('mail', 'mail:shipped:' || v_id, v_order.id, NULL,
		jsonb_build_object('template', 'order_shipped', 'order_no', p_order_no, 'shipment_id', v_id));
	RETURN v_id;
EXCEPTION
	WHEN check_violation OR unique_violation THEN
		IF SQLERRM LIKE '%tracking_no%' THEN
			RAISE EXCEPTION 'BR-012: tracking number % cannot be used for order %; check the number',
				left(btrim(p_tracking_no), 40), p_order_no USING ERRCODE = '22023',
				DETAIL = oms.error_detail(jsonb_build_object('rule', 'BR-012', 'order_no', p_order_no, 'tracking_no', left(btrim(p_tracking_no), 40)));
		END IF;
		RAISE;
END
$$;
REVOKE ALL ON FUNCTION oms_api.mark_shipped(bigint,text,text,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.mark_shipped(bigint,text,text,text) TO oms_admin, oms_fulfilment;

-- As in 0007, without naming the carrier as the audit actor (the actor is
-- the worker; the carrier's words are in the event's own columns).
CREATE OR REPLACE FUNCTION oms_api.record_tracking_event(p_tracking_no text, p_status text, p_at timestamptz,
                                                         p_location text, p_description text)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp SET lock_timeout = '2s'
AS $$
DECLARE
	v_role constant text := oms.begin_action('record_tracking_event', 'worker');
	v_ship oms.shipment;
	v_order oms.orders;
	v_target text;
	v_at constant timestamptz := coalesce(p_at, clock_timestamp());
BEGIN
	SELECT * INTO v_ship FROM oms.shipment s WHERE s.tracking_no = p_tracking_no;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no shipment with tracking number %', p_tracking_no USING ERRCODE = 'P0002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'shipment_not_found', 'tracking_no', left(p_tracking_no, 200)));
	END IF;
	v_order := oms.lock_order(v_ship.order_id, NULL, v_role);
	SELECT * INTO v_ship FROM oms.shipment s WHERE s.id = v_ship.id;     -- re-read under the lock

	INSERT INTO oms.shipment_event (shipment_id, at, status, location, description)
	VALUES (v_ship.id, v_at, p_status, p_location, p_description)
	ON CONFLICT (shipment_id, at, status) DO NOTHING;
	IF NOT FOUND OR (v_ship.last_event_at IS NOT NULL AND v_at < v_ship.last_event_at) THEN
		RETURN v_order.status;                        -- repeated or late scan
	END IF;

	UPDATE oms.shipment s
	SET status = p_status, last_event_at = v_at, flagged = false, flagged_at = NULL
	WHERE s.id = v_ship.id;

	v_target := CASE p_status
		WHEN 'in_transit' THEN 'IN_TRANSIT'
		WHEN 'out_for_delivery' THEN 'OUT_FOR_DELIVERY'
		WHEN 'delivered' THEN 'DELIVERED'
		WHEN 'failure' THEN 'DELIVERY_EXCEPTION'
		WHEN 'return_to_sender' THEN 'DELIVERY_EXCEPTION'
		WHEN 'error' THEN 'DELIVERY_EXCEPTION'
	END;
	IF v_target IS NOT NULL AND v_target <> v_order.status
	   AND EXISTS (SELECT 1 FROM oms.order_transition t WHERE t.from_status = v_order.status AND t.to_status = v_target) THEN
		UPDATE oms.orders SET status = v_target WHERE id = v_order.id;
		IF v_target IN ('OUT_FOR_DELIVERY', 'DELIVERED', 'DELIVERY_EXCEPTION') THEN
			PERFORM oms.enqueue('mail', format('mail:%s:%s', lower(v_target), v_ship.id), v_order.id, NULL,
				jsonb_build_object('template', 'order_' || lower(v_target), 'order_no', v_order.order_no,
				                   'shipment_id', v_ship.id));
		END IF;
		RETURN v_target;
	END IF;
	RETURN v_order.status;
END
$$;
REVOKE ALL ON FUNCTION oms_api.record_tracking_event(text,text,timestamp with time zone,text,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.record_tracking_event(text,text,timestamp with time zone,text,text) TO oms_worker;

-- As in 0010, with the clock.
CREATE OR REPLACE FUNCTION oms_api.flag_stuck_shipments() RETURNS int
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp SET lock_timeout = '2s'
AS $$
DECLARE
	v_role constant text := oms.begin_action('flag_stuck_shipments', 'worker', 'admin');
	v_cutoff constant timestamptz :=
		clock_timestamp() - make_interval(hours => oms.policy_get('stuck_shipment_hours')::int);
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
		SET flagged = true, flagged_at = clock_timestamp(),
		    estimated_delivery = greatest(s.estimated_delivery,
		        oms.add_business_days(clock_timestamp()::date, oms.transit_days(s.service_level)))
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
REVOKE ALL ON FUNCTION oms_api.flag_stuck_shipments() FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.flag_stuck_shipments() TO oms_admin, oms_worker;
