-- sql/functions/75_carriers.sql: Carriers and fulfilment (issue 11): marking shipped, carrier scans, stuck shipments.
--
-- The one definition of each function and view here, with its grants.
-- `oms migrate` re-applies this file (in one transaction, after the
-- numbered migrations) whenever its text changes: keep it re-appliable
-- (CREATE OR REPLACE; see sql/functions/README for a changed signature).

SET LOCAL search_path = oms, pg_catalog;
SET LOCAL ROLE oms_owner;

-- ---------------------------------------------------------------------------
-- Carriers, BR-012 patterns, zones and the delivery estimate

-- The configured carrier named p_carrier (its code or its name, any case);
-- an unknown or retired carrier is refused (22023, rule unknown_carrier).
CREATE OR REPLACE FUNCTION oms.carrier_find(p_carrier text) RETURNS oms.carrier
LANGUAGE plpgsql STABLE
AS $$
DECLARE
	v oms.carrier;
BEGIN
	SELECT * INTO v FROM oms.carrier c
	WHERE c.active AND (lower(c.code) = lower(btrim(p_carrier)) OR lower(c.name) = lower(btrim(p_carrier)))
	ORDER BY lower(c.code) = lower(btrim(p_carrier)) DESC LIMIT 1;
	IF NOT FOUND THEN
		PERFORM oms.raise_error('22023', format('unknown carrier "%s"; oms_api.carriers() lists them', left(coalesce(p_carrier, ''), 40)),
		                        jsonb_build_object('rule', 'unknown_carrier', 'field', 'carrier', 'carrier', left(p_carrier, 40)));
	END IF;
	RETURN v;
END
$$;
REVOKE ALL ON FUNCTION oms.carrier_find(text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- BR-012: does p_tracking_no look like a tracking number of the carrier?
CREATE OR REPLACE FUNCTION oms.tracking_no_ok(p_carrier text, p_tracking_no text) RETURNS boolean
LANGUAGE sql STABLE
RETURN coalesce((SELECT btrim(p_tracking_no) ~ c.tracking_pattern FROM oms.carrier c WHERE c.code = p_carrier), false);
REVOKE ALL ON FUNCTION oms.tracking_no_ok(text,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.tracking_no_ok(text,text) TO oms_admin, oms_csr, oms_fulfilment, oms_worker;

-- The zone of a destination: the longest postcode prefix listed for the
-- country, else the country, else anywhere ('ZZ').
CREATE OR REPLACE FUNCTION oms.zone_of(p_country text, p_postcode text) RETURNS int
LANGUAGE sql STABLE
RETURN coalesce(
	(SELECT z.zone FROM oms.shipping_zone z
	 WHERE z.country = upper(p_country)
	   AND upper(regexp_replace(coalesce(p_postcode, ''), '[^A-Za-z0-9]', '', 'g')) LIKE z.postcode_prefix || '%'
	 ORDER BY length(z.postcode_prefix) DESC LIMIT 1),
	(SELECT z.zone FROM oms.shipping_zone z WHERE z.country = 'ZZ' AND z.postcode_prefix = ''),
	8);
REVOKE ALL ON FUNCTION oms.zone_of(text,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.zone_of(text,text) TO oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- Business days in transit for the carrier's service to the zone; a
-- service without a row for the zone falls back to oms.transit_days (the
-- service level's default).
CREATE OR REPLACE FUNCTION oms.transit_days(p_carrier text, p_service_level text, p_zone int) RETURNS int
LANGUAGE sql STABLE
RETURN coalesce((SELECT t.days FROM oms.transit_time t
                 WHERE t.carrier = p_carrier AND t.service_level = p_service_level AND t.zone = p_zone),
                oms.transit_days(p_service_level));
REVOKE ALL ON FUNCTION oms.transit_days(text,text,integer) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.transit_days(text,text,integer) TO oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- The estimate: p_handling_days (the seller's processing time; 0 once the
-- parcel is shipped) plus the transit days, counted in business days after
-- p_from: weekends and oms.holiday are skipped.
CREATE OR REPLACE FUNCTION oms.delivery_estimate(p_from date, p_handling_days int, p_carrier text,
                                                 p_service_level text, p_country text, p_postcode text)
RETURNS date
LANGUAGE sql STABLE
RETURN oms.add_business_days(p_from, greatest(coalesce(p_handling_days, 0), 0)
	+ oms.transit_days(p_carrier, p_service_level, oms.zone_of(p_country, p_postcode)));
REVOKE ALL ON FUNCTION oms.delivery_estimate(date,integer,text,text,text,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.delivery_estimate(date,integer,text,text,text,text) TO oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- The estimate of a confirmed order not shipped yet (for the confirmation
-- mail): from today, the seller's handling days and the default carrier's
-- (the first active one's) transit days for the order's service level to
-- the order's address.
CREATE OR REPLACE FUNCTION oms.order_estimate(p_order_id bigint) RETURNS date
LANGUAGE sql STABLE
RETURN (SELECT oms.delivery_estimate(clock_timestamp()::date, s.handling_days,
                   (SELECT c.code FROM oms.carrier c WHERE c.active ORDER BY c.code LIMIT 1), o.service_level,
                   o.ship_to ->> 'country', o.ship_to ->> 'postal_code')
        FROM oms.orders o JOIN oms.seller s ON s.id = o.seller_id WHERE o.id = p_order_id);
REVOKE ALL ON FUNCTION oms.order_estimate(bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.order_estimate(bigint) TO oms_worker, oms_admin;

-- The carriers and services staff choose from (screens, oms ship).
CREATE OR REPLACE FUNCTION oms_api.carriers()
RETURNS TABLE (code text, name text, services text[], tracked boolean, tracking_example text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
	SELECT c.code, c.name,
	       array(SELECT cs.service_level FROM oms.carrier_service cs JOIN oms.service_level sl ON sl.code = cs.service_level
	             WHERE cs.carrier = c.code AND cs.active
	             ORDER BY sl.position),
	       c.aggregator_code IS NOT NULL, c.tracking_example
	FROM oms.carrier c WHERE c.active ORDER BY c.code
$$;
REVOKE ALL ON FUNCTION oms_api.carriers() FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.carriers() TO oms_admin, oms_csr, oms_fulfilment, oms_worker;

-- The service levels staff choose from (the fulfilment queue's service
-- level menu): those some active carrier offers, in their order
-- (oms.service_level, 0034), with their names and default transit days.
-- A level added there (oms_api.service_level_set) and offered by a
-- carrier (oms_api.carrier_service_set) is listed. p_all: every level,
-- offered or not (oms carriers --levels).
DROP FUNCTION IF EXISTS oms_api.service_levels();
CREATE OR REPLACE FUNCTION oms_api.service_levels(p_all boolean DEFAULT false)
RETURNS TABLE (code text, name text, transit_days int, offered boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
	SELECT x.code, x.name, x.transit_days, x.offered
	FROM (SELECT sl.code, sl.name, sl.transit_days, sl.position,
	             EXISTS (SELECT 1 FROM oms.carrier_service cs JOIN oms.carrier c ON c.code = cs.carrier
	                     WHERE cs.service_level = sl.code AND cs.active AND c.active) AS offered
	      FROM oms.service_level sl) x
	WHERE x.offered OR coalesce(p_all, false)
	ORDER BY x.position, x.code
$$;
REVOKE ALL ON FUNCTION oms_api.service_levels(boolean) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.service_levels(boolean) TO oms_admin, oms_csr, oms_fulfilment, oms_worker;

-- Administrators add a service level or change one by its code: its name
-- as staff read it, its default business days in transit (a carrier's
-- service without transit times of its own counts these) and its place in
-- lists (position; a new level without one goes last). A level is offered
-- once a carrier offers it (oms_api.carrier_service_set). Audited.
-- Returns 'added' or 'changed'; 22023 (rule service_level, the field) for
-- a code, name, number of days or position that does not fit.
CREATE OR REPLACE FUNCTION oms_api.service_level_set(p_code text, p_name text, p_transit_days int,
                                                     p_position int DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('service_level_set', 'admin');
	v_new boolean;
	v_other text;
BEGIN
	IF p_code IS NULL OR p_code !~ '^[a-z][a-z0-9_]{1,15}$' THEN
		PERFORM oms.raise_error('22023', 'a service level''s code is 2 to 16 lower-case letters, digits and _, starting with a letter',
		                        jsonb_build_object('rule', 'service_level', 'field', 'code'));
	END IF;
	IF p_name IS NULL OR btrim(p_name) = '' OR char_length(btrim(p_name)) > 40 THEN
		PERFORM oms.raise_error('22023', 'a service level''s name is 1 to 40 characters',
		                        jsonb_build_object('rule', 'service_level', 'field', 'name'));
	END IF;
	IF p_transit_days IS NULL OR p_transit_days NOT BETWEEN 0 AND 60 THEN
		PERFORM oms.raise_error('22023', 'a service level''s transit days are 0 to 60',
		                        jsonb_build_object('rule', 'service_level', 'field', 'transit_days', 'min', 0, 'max', 60));
	END IF;
	SELECT sl.code INTO v_other FROM oms.service_level sl WHERE sl.position = p_position AND sl.code <> p_code;
	IF FOUND THEN
		PERFORM oms.raise_error('22023', format('position %s is %s''s', p_position, v_other),
		                        jsonb_build_object('rule', 'service_level', 'field', 'position', 'service_level', v_other));
	END IF;
	v_new := NOT EXISTS (SELECT 1 FROM oms.service_level sl WHERE sl.code = p_code);
	INSERT INTO oms.service_level (code, name, position, transit_days)
	VALUES (p_code, btrim(p_name),
	        coalesce(p_position, (SELECT coalesce(max(sl.position), 0) + 10 FROM oms.service_level sl)), p_transit_days)
	ON CONFLICT (code) DO UPDATE
	SET name = excluded.name, transit_days = excluded.transit_days,
	    position = coalesce(p_position, oms.service_level.position);
	RETURN CASE WHEN v_new THEN 'added' ELSE 'changed' END;
END
$$;
REVOKE ALL ON FUNCTION oms_api.service_level_set(text,text,integer,integer) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.service_level_set(text,text,integer,integer) TO oms_admin;

-- Administrators configure the carriers: one added, or changed by its
-- code (name, BR-012 tracking pattern and an example it must accept, the
-- public tracking link with %s for the number, the aggregator's carrier
-- name: NULL for a carrier the aggregator does not track, active, the
-- worker's polls per minute). The pattern must be a valid regular
-- expression anchored at both ends (^...$) and accept the example;
-- refusals are 22023 with the field. Audited (oms.carrier's trigger).
-- Returns 'added' or 'changed'.
CREATE OR REPLACE FUNCTION oms_api.carrier_set(p_code text, p_name text, p_tracking_pattern text, p_tracking_example text,
                                               p_tracking_url text DEFAULT NULL, p_aggregator_code text DEFAULT NULL,
                                               p_active boolean DEFAULT true, p_poll_per_minute int DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('carrier_set', 'admin');
	v_new boolean;
BEGIN
	IF p_code IS NULL OR p_code !~ '^[A-Za-z][A-Za-z0-9_]{1,31}$' THEN
		PERFORM oms.raise_error('22023', 'a carrier code is 2 to 32 letters, digits and _, starting with a letter',
		                        jsonb_build_object('rule', 'carrier_code', 'field', 'code'));
	END IF;
	IF nullif(btrim(p_name), '') IS NULL THEN
		PERFORM oms.raise_error('22023', 'name the carrier', jsonb_build_object('rule', 'required', 'field', 'name'));
	END IF;
	IF p_tracking_pattern IS NULL OR left(p_tracking_pattern, 1) <> '^' OR right(p_tracking_pattern, 1) <> '$' THEN
		PERFORM oms.raise_error('22023', 'the tracking pattern must be anchored: ^...$',
		                        jsonb_build_object('rule', 'carrier_pattern', 'field', 'tracking_pattern'));
	END IF;
	BEGIN
		PERFORM '' ~ p_tracking_pattern;
	EXCEPTION WHEN invalid_regular_expression THEN
		PERFORM oms.raise_error('22023', format('the tracking pattern is not a regular expression: %s', SQLERRM),
		                        jsonb_build_object('rule', 'carrier_pattern', 'field', 'tracking_pattern'));
	END;
	IF p_tracking_example IS NULL OR p_tracking_example !~ p_tracking_pattern THEN
		PERFORM oms.raise_error('22023', format('the example "%s" does not match the pattern', left(coalesce(p_tracking_example, ''), 40)),
		                        jsonb_build_object('rule', 'carrier_pattern', 'field', 'tracking_example'));
	END IF;
	IF p_tracking_url IS NOT NULL AND p_tracking_url !~ '^https://[^ ]*%s' THEN
		PERFORM oms.raise_error('22023', 'the tracking link is https:// with %s where the number goes',
		                        jsonb_build_object('rule', 'carrier_url', 'field', 'tracking_url'));
	END IF;
	IF p_aggregator_code IS NOT NULL AND p_aggregator_code !~ '^[A-Za-z0-9_]{1,40}$' THEN
		PERFORM oms.raise_error('22023', 'the aggregator''s carrier name is 1 to 40 letters, digits and _',
		                        jsonb_build_object('rule', 'carrier_aggregator', 'field', 'aggregator_code'));
	END IF;
	IF p_poll_per_minute IS NOT NULL AND p_poll_per_minute NOT BETWEEN 1 AND 6000 THEN
		PERFORM oms.raise_error('22023', 'polls per minute are 1 to 6000',
		                        jsonb_build_object('rule', 'carrier_poll', 'field', 'poll_per_minute'));
	END IF;
	v_new := NOT EXISTS (SELECT 1 FROM oms.carrier c WHERE c.code = p_code);
	INSERT INTO oms.carrier AS c (code, name, aggregator_code, tracking_pattern, tracking_example, tracking_url,
	                              poll_per_minute, active)
	VALUES (p_code, btrim(p_name), p_aggregator_code, p_tracking_pattern, p_tracking_example, p_tracking_url,
	        coalesce(p_poll_per_minute, 60), coalesce(p_active, true))
	ON CONFLICT (code) DO UPDATE
	SET name = excluded.name, aggregator_code = excluded.aggregator_code, tracking_pattern = excluded.tracking_pattern,
	    tracking_example = excluded.tracking_example, tracking_url = excluded.tracking_url,
	    poll_per_minute = coalesce(p_poll_per_minute, c.poll_per_minute), active = excluded.active;
	RETURN CASE WHEN v_new THEN 'added' ELSE 'changed' END;
END
$$;
REVOKE ALL ON FUNCTION oms_api.carrier_set(text,text,text,text,text,text,boolean,integer) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.carrier_set(text,text,text,text,text,text,boolean,integer) TO oms_admin;

-- A service level a carrier offers (economy, ground, express, overnight),
-- added or changed: the aggregator's name of the service (how a bought
-- label's service maps to ours) and whether it is offered. A level
-- without transit times of its own counts the level's default days.
-- Administrators; audited. Returns 'added' or 'changed'.
CREATE OR REPLACE FUNCTION oms_api.carrier_service_set(p_carrier text, p_service_level text,
                                                       p_aggregator_service text DEFAULT NULL,
                                                       p_active boolean DEFAULT true)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('carrier_service_set', 'admin');
	v_new boolean;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM oms.carrier c WHERE c.code = p_carrier) THEN
		RAISE EXCEPTION 'carrier % not found', left(p_carrier, 40) USING ERRCODE = 'P0002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'carrier_not_found', 'carrier', left(p_carrier, 40)));
	END IF;
	IF p_service_level IS NULL OR NOT EXISTS (SELECT 1 FROM oms.service_level sl WHERE sl.code = p_service_level) THEN
		PERFORM oms.raise_error('22023', format('"%s" is not a service level (%s)',
		                                        left(coalesce(p_service_level, ''), 40),
		                                        (SELECT string_agg(sl.code, ', ' ORDER BY sl.position) FROM oms.service_level sl)),
		                        jsonb_build_object('rule', 'unknown_service', 'field', 'service_level'));
	END IF;
	IF p_aggregator_service IS NOT NULL AND p_aggregator_service !~ '^[A-Za-z0-9_]{1,64}$' THEN
		PERFORM oms.raise_error('22023', 'the aggregator''s service name is 1 to 64 letters, digits and _',
		                        jsonb_build_object('rule', 'carrier_aggregator', 'field', 'aggregator_service'));
	END IF;
	v_new := NOT EXISTS (SELECT 1 FROM oms.carrier_service cs WHERE cs.carrier = p_carrier AND cs.service_level = p_service_level);
	INSERT INTO oms.carrier_service (carrier, service_level, aggregator_service, active)
	VALUES (p_carrier, p_service_level, p_aggregator_service, coalesce(p_active, true))
	ON CONFLICT (carrier, service_level) DO UPDATE
	SET aggregator_service = excluded.aggregator_service, active = excluded.active;
	RETURN CASE WHEN v_new THEN 'added' ELSE 'changed' END;
END
$$;
REVOKE ALL ON FUNCTION oms_api.carrier_service_set(text,text,text,boolean) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.carrier_service_set(text,text,text,boolean) TO oms_admin;

-- The tracker's state for the order card (oms_api.order_card, which runs
-- as its caller, who may not read oms.tracker): 'tracking', 'ended', or
-- NULL for a shipment without a tracker (a carrier that is not tracked).
-- PL/pgSQL for its cached plan (issue 14; tracker's key is shipment_id,
-- so one row or none).
CREATE OR REPLACE FUNCTION oms.tracker_state(p_shipment_id bigint) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
BEGIN
	RETURN (SELECT CASE WHEN t.active THEN 'tracking' ELSE 'ended' END FROM oms.tracker t WHERE t.shipment_id = p_shipment_id);
END
$$;
REVOKE ALL ON FUNCTION oms.tracker_state(bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.tracker_state(bigint) TO oms_admin, oms_csr, oms_fulfilment, oms_worker;

-- ---------------------------------------------------------------------------
-- Shipping

-- Marks the order shipped: the carrier from oms.carrier, a service level it
-- offers, the tracking number matching its pattern (BR-012) and unused.
-- The estimate is the carrier's transit days for the service to the
-- order's zone from today (handling is over). A tracked carrier gets a
-- tracker (the worker registers it with the aggregator). The customer's
-- "order_shipped" mail carries the estimate and the tracking link.
CREATE OR REPLACE FUNCTION oms_api.mark_shipped(p_order_no bigint, p_carrier text, p_tracking_no text,
                                                p_service_level text DEFAULT 'ground')
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('mark_shipped', 'fulfilment', 'admin');
BEGIN
	RETURN oms.ship(p_order_no, p_carrier, p_tracking_no, p_service_level, v_role);
END
$$;
REVOKE ALL ON FUNCTION oms_api.mark_shipped(bigint,text,text,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.mark_shipped(bigint,text,text,text) TO oms_admin, oms_fulfilment;

-- The work of mark_shipped (and of buying a label): the caller has passed
-- begin_action as p_role. Returns the shipment id.
CREATE OR REPLACE FUNCTION oms.ship(p_order_no bigint, p_carrier text, p_tracking_no text,
                                   p_service_level text, p_role text)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
	v_order oms.orders;
	v_carrier oms.carrier;
	v_service constant text := coalesce(nullif(btrim(p_service_level), ''), 'ground');
	v_tracking constant text := btrim(p_tracking_no);
	v_id bigint;
	v_est date;
	v_url text;
BEGIN
	IF nullif(v_tracking, '') IS NULL THEN
		PERFORM oms.refuse(format('BR-012: order %s needs a tracking number to be shipped', p_order_no),
		                   jsonb_build_object('order_no', p_order_no, 'field', 'tracking_no'));
	END IF;
	IF nullif(btrim(p_carrier), '') IS NULL THEN
		RAISE EXCEPTION 'name the carrier' USING ERRCODE = '22023',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'required', 'field', 'carrier', 'order_no', p_order_no));
	END IF;
	v_carrier := oms.carrier_find(p_carrier);
	IF NOT EXISTS (SELECT 1 FROM oms.carrier_service cs
	               WHERE cs.carrier = v_carrier.code AND cs.service_level = v_service AND cs.active) THEN
		PERFORM oms.raise_error('22023', format('%s does not offer the %s service', v_carrier.name, left(v_service, 40)),
		                        jsonb_build_object('rule', 'unknown_service', 'field', 'service_level',
		                                           'carrier', v_carrier.code, 'service_level', left(v_service, 40)));
	END IF;
	v_order := oms.lock_order(NULL, p_order_no, p_role);
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
	IF v_tracking !~ v_carrier.tracking_pattern THEN
		PERFORM oms.refuse(format('BR-012: "%s" is not a %s tracking number (like %s)', left(v_tracking, 40),
		                          v_carrier.name, v_carrier.tracking_example),
		                   jsonb_build_object('order_no', p_order_no, 'field', 'tracking_no', 'carrier', v_carrier.code,
		                                      'tracking_no', left(v_tracking, 40), 'example', v_carrier.tracking_example));
	END IF;
	IF EXISTS (SELECT 1 FROM oms.shipment s WHERE s.tracking_no = v_tracking) THEN
		RAISE EXCEPTION 'BR-012: tracking number % cannot be used for order %; check the number', v_tracking, p_order_no
			USING ERRCODE = '22023',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'BR-012', 'order_no', p_order_no, 'tracking_no', left(v_tracking, 40)));
	END IF;

	v_est := oms.delivery_estimate(clock_timestamp()::date, 0, v_carrier.code, v_service,
	                               v_order.ship_to ->> 'country', v_order.ship_to ->> 'postal_code');
	INSERT INTO oms.shipment (order_id, carrier, service_level, tracking_no, shipped_at, estimated_delivery, promised_delivery)
	VALUES (v_order.id, v_carrier.code, v_service, v_tracking, clock_timestamp(), v_est, v_est)
	RETURNING id INTO v_id;
	IF v_carrier.aggregator_code IS NOT NULL THEN
		INSERT INTO oms.tracker (shipment_id) VALUES (v_id);
	END IF;
	UPDATE oms.orders SET status = 'SHIPPED' WHERE id = v_order.id;
	v_url := CASE WHEN v_carrier.tracking_url IS NOT NULL THEN format(v_carrier.tracking_url, v_tracking) END;
	PERFORM oms.enqueue('mail', 'mail:shipped:' || v_id, v_order.id, NULL,
		jsonb_strip_nulls(jsonb_build_object('template', 'order_shipped', 'order_no', p_order_no, 'shipment_id', v_id,
		                   'estimated_delivery', to_char(v_est, 'YYYY-MM-DD'), 'tracking_url', v_url)));
	RETURN v_id;
EXCEPTION
	WHEN check_violation OR unique_violation THEN
		IF SQLERRM LIKE '%tracking_no%' THEN
			RAISE EXCEPTION 'BR-012: tracking number % cannot be used for order %; check the number',
				left(v_tracking, 40), p_order_no USING ERRCODE = '22023',
				DETAIL = oms.error_detail(jsonb_build_object('rule', 'BR-012', 'order_no', p_order_no, 'tracking_no', left(v_tracking, 40)));
		END IF;
		RAISE;
END
$$;
REVOKE ALL ON FUNCTION oms.ship(bigint,text,text,text,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- ---------------------------------------------------------------------------
-- Carrier scans

-- Opens the shipment's review (one open review per shipment; a second
-- reason while one is open changes nothing).
CREATE OR REPLACE FUNCTION oms.review_open(p_shipment_id bigint, p_reason text, p_last_scan timestamptz) RETURNS void
LANGUAGE sql
AS $$
	INSERT INTO oms.shipment_review (shipment_id, reason, last_scan_at)
	VALUES (p_shipment_id, p_reason, p_last_scan)
	ON CONFLICT (shipment_id) WHERE decided_at IS NULL DO NOTHING
$$;
REVOKE ALL ON FUNCTION oms.review_open(bigint,text,timestamptz) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- One carrier scan of a shipment, recorded once (by its time and status);
-- a repeated scan changes nothing, an older one than the last is kept but
-- moves nothing. Otherwise oms.carrier_status_map says where the order
-- goes, which mail the customer gets (once per shipment and template) and
-- whether the parcel goes on the review list. A delivered scan keeps the
-- proof (signed_by) and ends the tracking. A scan closes a "stuck" or
-- "lost" review: the parcel moves again. Returns the order's status.
CREATE OR REPLACE FUNCTION oms.apply_scan(p_ship oms.shipment, p_status text, p_at timestamptz,
                                          p_location text, p_description text, p_signed_by text)
RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
	v_ship oms.shipment;
	v_order oms.orders;
	v_map oms.carrier_status_map;
	v_at constant timestamptz := coalesce(p_at, clock_timestamp());
BEGIN
	v_order := oms.lock_order(p_ship.order_id, NULL, 'worker');
	SELECT * INTO v_ship FROM oms.shipment s WHERE s.id = p_ship.id;     -- re-read under the lock
	SELECT * INTO v_map FROM oms.carrier_status_map m WHERE m.carrier_status = p_status;
	IF NOT FOUND THEN
		PERFORM oms.raise_error('22023', format('unknown carrier status "%s"', left(coalesce(p_status, ''), 40)),
		                        jsonb_build_object('rule', 'carrier_status', 'status', left(p_status, 40)));
	END IF;

	INSERT INTO oms.shipment_event (shipment_id, at, status, location, description)
	VALUES (v_ship.id, v_at, p_status, left(p_location, 200), left(p_description, 500))
	ON CONFLICT (shipment_id, at, status) DO NOTHING;
	IF NOT FOUND OR (v_ship.last_event_at IS NOT NULL AND v_at < v_ship.last_event_at) THEN
		RETURN v_order.status;                        -- repeated or late scan
	END IF;

	UPDATE oms.shipment s
	SET status = p_status, last_event_at = v_at, flagged = false, flagged_at = NULL,
	    signed_by = CASE WHEN p_status = 'delivered' THEN coalesce(left(oms.clean_text(p_signed_by), 200), s.signed_by) ELSE s.signed_by END,
	    delivered_at = CASE WHEN p_status = 'delivered' THEN v_at ELSE s.delivered_at END
	WHERE s.id = v_ship.id;
	UPDATE oms.shipment_review r
	SET decision = 'resolved', decided_by = 'carrier scan', decided_at = clock_timestamp(),
	    note = format('the carrier scanned the parcel again (%s)', p_status)
	WHERE r.shipment_id = v_ship.id AND r.decided_at IS NULL AND r.reason IN ('stuck', 'lost');
	IF v_map.ends_tracking THEN
		UPDATE oms.tracker t SET active = false WHERE t.shipment_id = v_ship.id;
	END IF;
	IF v_map.review IS NOT NULL THEN
		PERFORM oms.review_open(v_ship.id, v_map.review, v_at);
	END IF;

	IF v_map.order_status IS NOT NULL AND v_map.order_status <> v_order.status
	   AND EXISTS (SELECT 1 FROM oms.order_transition t
	               WHERE t.from_status = v_order.status AND t.to_status = v_map.order_status) THEN
		UPDATE oms.orders SET status = v_map.order_status WHERE id = v_order.id;
		IF v_map.mail_template IS NOT NULL THEN
			PERFORM oms.enqueue('mail', format('mail:%s:%s', substr(v_map.mail_template, 7), v_ship.id), v_order.id, NULL,
				jsonb_build_object('template', v_map.mail_template, 'order_no', v_order.order_no,
				                   'shipment_id', v_ship.id));
		END IF;
		RETURN v_map.order_status;
	END IF;
	RETURN v_order.status;
END
$$;
REVOKE ALL ON FUNCTION oms.apply_scan(oms.shipment,text,timestamptz,text,text,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- A carrier's revised estimate: recorded; when it is later than the date
-- the customer was last told, the customer is mailed once with the new
-- date (one mail per shipment and date).
CREATE OR REPLACE FUNCTION oms.revise_estimate(p_shipment_id bigint, p_date date) RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
	v_ship oms.shipment;
	v_order oms.orders;
BEGIN
	SELECT * INTO v_ship FROM oms.shipment s WHERE s.id = p_shipment_id;
	IF p_date IS NULL OR NOT FOUND OR v_ship.estimated_delivery IS NOT DISTINCT FROM p_date THEN
		RETURN;
	END IF;
	UPDATE oms.shipment s SET estimated_delivery = p_date WHERE s.id = p_shipment_id;
	SELECT * INTO v_order FROM oms.orders o WHERE o.id = v_ship.order_id;
	IF p_date > coalesce(v_ship.promised_delivery, v_ship.estimated_delivery, p_date)
	   AND v_order.status IN ('SHIPPED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY') THEN
		UPDATE oms.shipment s SET promised_delivery = p_date WHERE s.id = p_shipment_id;
		PERFORM oms.enqueue('mail', format('mail:delayed:%s:%s', p_shipment_id, to_char(p_date, 'YYYY-MM-DD')),
			v_order.id, NULL,
			jsonb_build_object('template', 'order_delayed', 'order_no', v_order.order_no, 'shipment_id', p_shipment_id,
			                   'estimated_delivery', to_char(p_date, 'YYYY-MM-DD')));
	END IF;
END
$$;
REVOKE ALL ON FUNCTION oms.revise_estimate(bigint,date) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- One scan reported by the worker (the 5-argument form of 0007 still
-- works: signed_by defaults to none).
DROP FUNCTION IF EXISTS oms_api.record_tracking_event(text,text,timestamp with time zone,text,text);
CREATE OR REPLACE FUNCTION oms_api.record_tracking_event(p_tracking_no text, p_status text, p_at timestamptz,
                                                         p_location text, p_description text,
                                                         p_signed_by text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp SET lock_timeout = '2s'
AS $$
DECLARE
	v_role constant text := oms.begin_action('record_tracking_event', 'worker');
	v_ship oms.shipment;
BEGIN
	SELECT * INTO v_ship FROM oms.shipment s WHERE s.tracking_no = p_tracking_no;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no shipment with tracking number %', p_tracking_no USING ERRCODE = 'P0002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'shipment_not_found', 'tracking_no', left(p_tracking_no, 200)));
	END IF;
	RETURN oms.apply_scan(v_ship, p_status, p_at, p_location, p_description, p_signed_by);
END
$$;
REVOKE ALL ON FUNCTION oms_api.record_tracking_event(text,text,timestamp with time zone,text,text,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.record_tracking_event(text,text,timestamp with time zone,text,text,text) TO oms_worker;

-- A tracker as the aggregator reports it (the "result" of a
-- tracker.updated event, or the answer to GET /v2/trackers/ID): finds the
-- shipment by the tracker's id or its tracking code and carrier, records
-- the tracker's id and public page, applies every tracking_details[] scan
-- oldest first (each once), keeps signed_by with the delivered scan and
-- revises the estimate from est_delivery_date. The tracker is next polled
-- tracker_poll_hours after this. Returns {"shipment_id", "status",
-- "applied": scans new to us} or {"ignored": why} for a tracker we do not
-- know (the sender must not retry it).
CREATE OR REPLACE FUNCTION oms.tracker_apply(p_tracker jsonb) RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
	v_ship oms.shipment;
	v_id constant text := p_tracker ->> 'id';
	v_code constant text := p_tracker ->> 'tracking_code';
	v_status text;
	v_n int := 0;
	v_before bigint;
	d jsonb;
	v_at timestamptz;
	v_est date;
BEGIN
	IF jsonb_typeof(p_tracker) IS DISTINCT FROM 'object' THEN
		PERFORM oms.raise_error('22023', 'a tracker is a JSON object', jsonb_build_object('rule', 'tracker_json'));
	END IF;
	SELECT s.* INTO v_ship FROM oms.shipment s JOIN oms.tracker t ON t.shipment_id = s.id
	WHERE t.aggregator_id = v_id;
	IF NOT FOUND THEN
		SELECT s.* INTO v_ship FROM oms.shipment s JOIN oms.carrier c ON c.code = s.carrier
		WHERE s.tracking_no = v_code AND (p_tracker ->> 'carrier' IS NULL OR c.aggregator_code = p_tracker ->> 'carrier');
	END IF;
	IF NOT FOUND THEN
		RETURN jsonb_build_object('ignored', 'unknown tracker');
	END IF;
	UPDATE oms.tracker t
	SET aggregator_id = coalesce(t.aggregator_id, CASE WHEN v_id ~ '^[A-Za-z0-9_]{1,64}$' THEN v_id END),
	    public_url = coalesce(CASE WHEN p_tracker ->> 'public_url' ~ '^https?://[^[:space:]]+$'
	                                AND char_length(p_tracker ->> 'public_url') <= 500
	                               THEN p_tracker ->> 'public_url' END, t.public_url),
	    last_heard_at = clock_timestamp(),
	    next_poll_at = clock_timestamp() + make_interval(hours => coalesce(oms.policy_get('tracker_poll_hours'), '6')::int),
	    poll_failures = 0, last_error = NULL
	WHERE t.shipment_id = v_ship.id;

	SELECT count(*) INTO v_before FROM oms.shipment_event e WHERE e.shipment_id = v_ship.id;
	FOR d IN
		SELECT x FROM jsonb_array_elements(CASE WHEN jsonb_typeof(p_tracker -> 'tracking_details') = 'array'
		                                        THEN p_tracker -> 'tracking_details' ELSE '[]' END) x
		ORDER BY x ->> 'datetime'
	LOOP
		BEGIN
			v_at := (d ->> 'datetime')::timestamptz;
		EXCEPTION WHEN others THEN
			v_at := NULL;
		END;
		CONTINUE WHEN v_at IS NULL OR NOT EXISTS (SELECT 1 FROM oms.carrier_status_map m WHERE m.carrier_status = d ->> 'status');
		PERFORM oms.apply_scan(v_ship, d ->> 'status', v_at,
			nullif(concat_ws(', ', d -> 'tracking_location' ->> 'city', d -> 'tracking_location' ->> 'state',
			                 d -> 'tracking_location' ->> 'country'), ''),
			d ->> 'message',
			CASE WHEN d ->> 'status' = 'delivered' THEN p_tracker ->> 'signed_by' END);
	END LOOP;
	SELECT count(*) - v_before INTO v_n FROM oms.shipment_event e WHERE e.shipment_id = v_ship.id;
	BEGIN
		v_est := (p_tracker ->> 'est_delivery_date')::timestamptz::date;
	EXCEPTION WHEN others THEN
		v_est := NULL;
	END;
	IF v_est IS NOT NULL AND v_est BETWEEN current_date - 366 AND current_date + 366 THEN
		PERFORM oms.revise_estimate(v_ship.id, v_est);
	END IF;
	-- a tracker that ended without a scan saying so (cancelled, error)
	v_status := p_tracker ->> 'status';
	IF v_status IN ('cancelled', 'error') AND v_n = 0 THEN
		PERFORM oms.review_open(v_ship.id, v_status, v_ship.last_event_at);
		IF v_status = 'cancelled' THEN
			UPDATE oms.tracker t SET active = false WHERE t.shipment_id = v_ship.id;
		END IF;
	END IF;
	SELECT status INTO v_status FROM oms.orders WHERE id = v_ship.order_id;
	RETURN jsonb_build_object('shipment_id', v_ship.id, 'status', v_status, 'applied', v_n);
END
$$;
REVOKE ALL ON FUNCTION oms.tracker_apply(jsonb) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- The worker's poll answer (GET /v2/trackers/ID or the POST that made it).
CREATE OR REPLACE FUNCTION oms_api.tracker_update(p_tracker jsonb) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp SET lock_timeout = '2s'
AS $$
DECLARE
	v_role constant text := oms.begin_action('tracker_update', 'worker');
BEGIN
	RETURN oms.tracker_apply(p_tracker);
END
$$;
REVOKE ALL ON FUNCTION oms_api.tracker_update(jsonb) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.tracker_update(jsonb) TO oms_worker;

-- A webhook Event, stored once by its id, and applied in the same
-- transaction: "stored" (applied or ignored) or "duplicate" (already
-- stored: changes nothing, answer 2xx). The body is the event's JSON
-- text, whose signature the listener has checked; text that is not JSON,
-- or an event without an id, is refused (22023/22P02: answer 4xx).
CREATE OR REPLACE FUNCTION oms_api.carrier_event(p_body text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp SET lock_timeout = '2s'
AS $$
DECLARE
	v_role constant text := oms.begin_action('carrier_event', 'worker');
	v_body jsonb;
	v_id text;
	v_result jsonb;
BEGIN
	BEGIN
		v_body := p_body::jsonb;
	EXCEPTION WHEN others THEN
		PERFORM oms.raise_error('22023', 'the event is not JSON', jsonb_build_object('rule', 'event_json'));
	END;
	v_id := v_body ->> 'id';
	IF jsonb_typeof(v_body) IS DISTINCT FROM 'object' OR v_id IS NULL OR v_id !~ '^[A-Za-z0-9_.:-]{1,100}$' THEN
		PERFORM oms.raise_error('22023', 'the event has no usable id', jsonb_build_object('rule', 'event_id'));
	END IF;
	INSERT INTO oms.carrier_event (event_id, description, tracking_code, outcome, body)
	VALUES (v_id, left(v_body ->> 'description', 100), left(v_body -> 'result' ->> 'tracking_code', 100), 'received', v_body)
	ON CONFLICT (event_id) DO NOTHING;
	IF NOT FOUND THEN
		RETURN 'duplicate';
	END IF;
	IF v_body ->> 'description' IN ('tracker.updated', 'tracker.created')
	   AND jsonb_typeof(v_body -> 'result') = 'object' THEN
		v_result := oms.tracker_apply(v_body -> 'result');
	ELSE
		v_result := jsonb_build_object('ignored', 'not a tracker event');
	END IF;
	UPDATE oms.carrier_event e
	SET outcome = CASE WHEN v_result ? 'ignored' THEN 'ignored: ' || (v_result ->> 'ignored')
	                   ELSE format('applied: %s new scan(s), order %s', v_result ->> 'applied', v_result ->> 'status') END
	WHERE e.event_id = v_id;
	RETURN 'stored';
END
$$;
REVOKE ALL ON FUNCTION oms_api.carrier_event(text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.carrier_event(text) TO oms_worker;

-- ---------------------------------------------------------------------------
-- Polling (the fallback: webhooks may stop)

-- Up to p_limit active trackers due for a poll (new ones, and those not
-- heard from for tracker_poll_hours), oldest due first, at most
-- p_per_carrier of one carrier; each is leased for 10 minutes so another
-- worker does not take it too.
CREATE OR REPLACE FUNCTION oms_api.trackers_due(p_limit int, p_per_carrier int)
RETURNS TABLE (shipment_id bigint, tracker_id text, tracking_no text, carrier text, aggregator_carrier text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp SET lock_timeout = '2s'
AS $$
DECLARE
	v_role constant text := oms.begin_action('trackers_due', 'worker');
BEGIN
	RETURN QUERY
	WITH due AS (
		SELECT t.shipment_id FROM oms.tracker t
		WHERE t.active AND t.next_poll_at <= clock_timestamp()
		ORDER BY t.next_poll_at
		LIMIT greatest(p_limit, 0) * 4
		FOR UPDATE OF t SKIP LOCKED),
	ranked AS (
		SELECT d.shipment_id, row_number() OVER (PARTITION BY s.carrier ORDER BY t.next_poll_at) AS n, t.next_poll_at
		FROM due d JOIN oms.tracker t USING (shipment_id) JOIN oms.shipment s ON s.id = d.shipment_id),
	picked AS (
		SELECT r.shipment_id FROM ranked r WHERE r.n <= greatest(p_per_carrier, 1)
		ORDER BY r.next_poll_at LIMIT greatest(p_limit, 0)),
	leased AS (
		UPDATE oms.tracker t SET next_poll_at = clock_timestamp() + interval '10 minutes'
		FROM picked p WHERE t.shipment_id = p.shipment_id
		RETURNING t.shipment_id, t.aggregator_id)
	SELECT l.shipment_id, l.aggregator_id, s.tracking_no, s.carrier, c.aggregator_code
	FROM leased l JOIN oms.shipment s ON s.id = l.shipment_id JOIN oms.carrier c ON c.code = s.carrier
	ORDER BY l.shipment_id;
END
$$;
REVOKE ALL ON FUNCTION oms_api.trackers_due(integer,integer) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.trackers_due(integer,integer) TO oms_worker;

-- A poll that failed (the aggregator down, a garbage answer): the tracker
-- is due again after a backoff (2, 4, 8 ... minutes, at most
-- tracker_poll_hours); the scans are fetched when it answers again.
CREATE OR REPLACE FUNCTION oms_api.tracker_poll_failed(p_shipment_id bigint, p_error text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp SET lock_timeout = '2s'
AS $$
DECLARE
	v_role constant text := oms.begin_action('tracker_poll_failed', 'worker');
BEGIN
	UPDATE oms.tracker t
	SET poll_failures = t.poll_failures + 1, last_error = left(p_error, 500),
	    next_poll_at = clock_timestamp() + least(make_interval(mins => (2 ^ least(t.poll_failures + 1, 12))::int),
	                                             make_interval(hours => coalesce(oms.policy_get('tracker_poll_hours'), '6')::int))
	WHERE t.shipment_id = p_shipment_id;
END
$$;
REVOKE ALL ON FUNCTION oms_api.tracker_poll_failed(bigint,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.tracker_poll_failed(bigint,text) TO oms_worker;

-- ---------------------------------------------------------------------------
-- Stuck parcels: a review list, not a mail

-- Flags the shipments whose tracker is active and that have had no scan
-- for stuck_shipment_hours, counted from the last scan (or from shipping
-- when none came), and puts each on the review list. Mails nobody: a
-- person decides (oms_api.review_decide). A parcel silent for
-- lost_shipment_days is lost: its review says so (reason 'lost'), and its
-- seller's fulfilment staff see it on their review list. Shipments without
-- an active tracker (an untracked carrier, tracking ended) are never
-- flagged. Returns how many shipments it put on the list or found lost
-- (each once).
CREATE OR REPLACE FUNCTION oms_api.flag_stuck_shipments() RETURNS int
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp SET lock_timeout = '2s'
AS $$
DECLARE
	v_role constant text := oms.begin_action('flag_stuck_shipments', 'worker', 'admin');
	v_cutoff constant timestamptz :=
		clock_timestamp() - make_interval(hours => oms.policy_get('stuck_shipment_hours')::int);
	v_lost_cutoff constant timestamptz :=
		clock_timestamp() - make_interval(days => coalesce(oms.policy_get('lost_shipment_days'), '7')::int);
	v_ids bigint[];
	v_n int := 0;
	r record;
BEGIN
	SELECT coalesce(array_agg(x.id), '{}') INTO v_ids FROM (
		SELECT s.id FROM oms.shipment s JOIN oms.tracker t ON t.shipment_id = s.id
		WHERE s.status NOT IN ('delivered', 'return_to_sender', 'cancelled') AND NOT s.flagged AND t.active
		  AND coalesce(s.last_event_at, s.shipped_at) < v_cutoff
		ORDER BY s.id
		FOR UPDATE OF s SKIP LOCKED) x;

	FOR r IN
		UPDATE oms.shipment s SET flagged = true, flagged_at = clock_timestamp()
		WHERE s.id = ANY (v_ids)
		RETURNING s.id, coalesce(s.last_event_at, s.shipped_at) AS since
	LOOP
		v_n := v_n + 1;
		PERFORM oms.review_open(r.id, 'stuck', r.since);
	END LOOP;

	-- Lost: silent for lost_shipment_days. The open stuck review becomes a
	-- lost one (the audit log keeps the change), or a lost review opens;
	-- once per silence (a review of it opened since the last scan is
	-- enough). An open exception review stays as it is.
	FOR r IN
		SELECT s.id, coalesce(s.last_event_at, s.shipped_at) AS since
		FROM oms.shipment s JOIN oms.tracker t ON t.shipment_id = s.id
		WHERE s.status NOT IN ('delivered', 'return_to_sender', 'cancelled') AND t.active
		  AND coalesce(s.last_event_at, s.shipped_at) < v_lost_cutoff
		  AND NOT EXISTS (SELECT 1 FROM oms.shipment_review x
		                  WHERE x.shipment_id = s.id AND x.reason = 'lost'
		                    AND x.opened_at >= coalesce(s.last_event_at, s.shipped_at))
		ORDER BY s.id
		FOR UPDATE OF s SKIP LOCKED
	LOOP
		UPDATE oms.shipment_review x SET reason = 'lost'
		WHERE x.shipment_id = r.id AND x.decided_at IS NULL AND x.reason = 'stuck';
		IF NOT FOUND THEN
			INSERT INTO oms.shipment_review (shipment_id, reason, last_scan_at)
			VALUES (r.id, 'lost', r.since)
			ON CONFLICT (shipment_id) WHERE decided_at IS NULL DO NOTHING;
			CONTINUE WHEN NOT FOUND;
		END IF;
		UPDATE oms.shipment s SET flagged = true, flagged_at = coalesce(s.flagged_at, clock_timestamp())
		WHERE s.id = r.id;
		IF NOT r.id = ANY (v_ids) THEN
			v_n := v_n + 1;                   -- each shipment counted once
		END IF;
	END LOOP;
	RETURN v_n;
END
$$;
REVOKE ALL ON FUNCTION oms_api.flag_stuck_shipments() FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.flag_stuck_shipments() TO oms_admin, oms_worker;

-- The review list (CSRs and administrators; `oms shipments --stuck`):
-- open reviews, oldest first, with how long the parcel has been silent.
-- Fulfilment staff are the seller the issue's "ticket for the seller"
-- will tell (until tickets exist): they read their own seller's delivery
-- exceptions, returns and lost parcels here (not the stuck ones: those
-- are the CSRs' to chase with the carrier).
CREATE OR REPLACE FUNCTION oms_api.shipment_reviews(p_open_only boolean DEFAULT true)
RETURNS TABLE (review_id bigint, order_no bigint, order_status text, carrier text, service_level text,
               tracking_no text, shipment_status text, reason text, last_scan_at timestamptz,
               silent_hours int, opened_at timestamptz, decision text, decided_by text, decided_at timestamptz,
               note text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('shipment_reviews', 'csr', 'admin', 'fulfilment');
	v_seller constant bigint := CASE WHEN v_role = 'fulfilment' THEN oms.caller_seller_id() END;
BEGIN
	RETURN QUERY
	SELECT r.id, o.order_no, o.status, s.carrier, s.service_level, s.tracking_no, s.status, r.reason,
	       r.last_scan_at, (extract(epoch FROM clock_timestamp() - coalesce(s.last_event_at, s.shipped_at)) / 3600)::int,
	       r.opened_at, r.decision, r.decided_by, r.decided_at, r.note
	FROM oms.shipment_review r JOIN oms.shipment s ON s.id = r.shipment_id JOIN oms.orders o ON o.id = s.order_id
	WHERE (NOT p_open_only OR r.decided_at IS NULL)
	  AND (v_role <> 'fulfilment' OR (o.seller_id = v_seller AND r.reason IN ('exception', 'returned', 'lost')))
	ORDER BY r.opened_at, r.id;
END
$$;
REVOKE ALL ON FUNCTION oms_api.shipment_reviews(boolean) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.shipment_reviews(boolean) TO oms_admin, oms_csr, oms_fulfilment;

-- A person's decision on an open review: contact_carrier, reship, refund,
-- wait or resolved, with a note; recorded (and audited), the review
-- closes. The customer hears of it only through what the person does next.
CREATE OR REPLACE FUNCTION oms_api.review_decide(p_review_id bigint, p_decision text, p_note text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('review_decide', 'csr', 'admin');
BEGIN
	IF p_decision IS NULL OR p_decision NOT IN ('contact_carrier', 'reship', 'refund', 'wait', 'resolved') THEN
		PERFORM oms.raise_error('22023', format('"%s" is not a decision (contact_carrier, reship, refund, wait, resolved)',
		                                        left(coalesce(p_decision, ''), 40)),
		                        jsonb_build_object('rule', 'review_decision', 'field', 'decision'));
	END IF;
	PERFORM oms.check_text_len('a note', p_note);
	UPDATE oms.shipment_review r
	SET decision = p_decision, decided_by = oms.caller_name(), decided_at = clock_timestamp(),
	    note = oms.clean_text(p_note)
	WHERE r.id = p_review_id AND r.decided_at IS NULL;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no open review %', p_review_id USING ERRCODE = 'P0002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'review_not_found', 'review_id', p_review_id));
	END IF;
END
$$;
REVOKE ALL ON FUNCTION oms_api.review_decide(bigint,text,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.review_decide(bigint,text,text) TO oms_admin, oms_csr;

-- ---------------------------------------------------------------------------
-- The fulfilment queue

-- CONFIRMED orders oldest first with the 24-hour ship promise (due 24
-- hours after confirmation): minutes left (negative: late) and the service
-- level each ships with. Filters: p_late_only (late ones only),
-- p_service_level (one level; NULL: every one), p_promise ('all', 'late',
-- 'soon': due within 4 hours and not late, 'ontime': 4 hours or more
-- left; NULL: all) and p_limit (the first rows only; NULL: every one).
-- Runs as the caller, so row-level security decides: fulfilment staff see
-- their seller's orders only. The order is that of the partial index
-- orders_confirmed_queue (0032), so a first page reads few rows.
DROP FUNCTION IF EXISTS oms_api.fulfilment_queue(boolean);
CREATE OR REPLACE FUNCTION oms_api.fulfilment_queue(p_late_only boolean DEFAULT false,
                                                    p_service_level text DEFAULT NULL,
                                                    p_promise text DEFAULT NULL,
                                                    p_limit int DEFAULT NULL)
RETURNS TABLE (order_no bigint, seller text, confirmed_at timestamptz, ship_by timestamptz, minutes_left int,
               late boolean, units bigint, country text, handling_days int, service_level text)
LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_now constant timestamptz := clock_timestamp();
BEGIN
	-- (the caller's rights: RAISE here, oms.raise_error is not theirs)
	IF p_promise IS NOT NULL AND p_promise NOT IN ('all', 'late', 'soon', 'ontime') THEN
		RAISE EXCEPTION '"%" is not a promise filter (all, late, soon, ontime)', left(p_promise, 40)
			USING ERRCODE = '22023', DETAIL = '{"rule": "queue_filter", "field": "promise"}';
	END IF;
	IF p_service_level IS NOT NULL AND NOT EXISTS (SELECT 1 FROM oms.service_level sl WHERE sl.code = p_service_level) THEN
		RAISE EXCEPTION '"%" is not a service level (%)', left(p_service_level, 40),
			(SELECT string_agg(sl.code, ', ' ORDER BY sl.position) FROM oms.service_level sl)
			USING ERRCODE = '22023', DETAIL = '{"rule": "queue_filter", "field": "service_level"}';
	END IF;
	RETURN QUERY
	SELECT o.order_no, se.name, o.confirmed_at, o.confirmed_at + interval '24 hours',
	       floor(extract(epoch FROM o.confirmed_at + interval '24 hours' - v_now) / 60)::int,
	       o.confirmed_at < v_now - interval '24 hours',
	       (SELECT sum(i.qty - i.cancelled_qty) FROM oms.order_item i WHERE i.order_id = o.id)::bigint,
	       o.ship_to ->> 'country', se.handling_days, o.service_level
	FROM oms.orders o JOIN oms.seller se ON se.id = o.seller_id
	WHERE o.status = 'CONFIRMED'
	  AND (NOT p_late_only OR o.confirmed_at < v_now - interval '24 hours')
	  AND (p_service_level IS NULL OR o.service_level = p_service_level)
	  AND CASE coalesce(p_promise, 'all')
	      WHEN 'late' THEN o.confirmed_at < v_now - interval '24 hours'
	      WHEN 'soon' THEN o.confirmed_at >= v_now - interval '24 hours' AND o.confirmed_at < v_now - interval '20 hours'
	      WHEN 'ontime' THEN o.confirmed_at >= v_now - interval '20 hours'
	      ELSE true END
	ORDER BY o.confirmed_at NULLS FIRST, o.id
	LIMIT p_limit;
END
$$;
REVOKE ALL ON FUNCTION oms_api.fulfilment_queue(boolean,text,text,integer) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.fulfilment_queue(boolean,text,text,integer) TO oms_admin, oms_csr, oms_fulfilment;

-- ---------------------------------------------------------------------------
-- Labels: rates asked and a label bought at the aggregator, the order
-- shipped with it in one transaction

-- What the aggregator needs to quote an order's parcel: the address it
-- goes to, the seller it comes from and the weight (the remaining units'
-- weight_grams; an item without a weight counts 500 g). Fulfilment of the
-- order's seller, admin; only a CONFIRMED order. Also the service level
-- the order ships with and, for choosing among the rates by level (oms
-- ship --buy-label --service), what each of our levels is called at the
-- aggregator: services, [{carrier, service, level}] of the active carriers
-- it tracks.
CREATE OR REPLACE FUNCTION oms_api.label_request(p_order_no bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('label_request', 'fulfilment', 'admin');
	v_order oms.orders;
	v_grams bigint;
BEGIN
	v_order := oms.visible_order(p_order_no, v_role);
	IF v_order.status <> 'CONFIRMED' THEN
		RAISE EXCEPTION 'order % is %, not waiting to ship', p_order_no, v_order.status USING ERRCODE = 'OM002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'order_status', 'order_no', p_order_no, 'status', v_order.status));
	END IF;
	SELECT sum((i.qty - i.cancelled_qty) * coalesce(it.weight_grams, 500)) INTO v_grams
	FROM oms.order_item i JOIN oms.item it ON it.id = i.item_id WHERE i.order_id = v_order.id;
	RETURN jsonb_build_object('order_no', p_order_no,
		'to_address', v_order.ship_to,
		'from_name', (SELECT s.name FROM oms.seller s WHERE s.id = v_order.seller_id),
		'weight_grams', coalesce(v_grams, 0),
		'weight_oz', round(coalesce(v_grams, 0) / 28.349523125, 1),
		'service_level', v_order.service_level,
		'services', coalesce((SELECT jsonb_agg(jsonb_build_object('carrier', c.aggregator_code,
		                                                          'service', cs.aggregator_service,
		                                                          'level', cs.service_level)
		                                       ORDER BY c.code, sl.position)
		                      FROM oms.carrier c JOIN oms.carrier_service cs ON cs.carrier = c.code
		                      JOIN oms.service_level sl ON sl.code = cs.service_level
		                      WHERE c.active AND cs.active AND c.aggregator_code IS NOT NULL
		                        AND cs.aggregator_service IS NOT NULL), '[]'::jsonb));
END
$$;
REVOKE ALL ON FUNCTION oms_api.label_request(bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.label_request(bigint) TO oms_admin, oms_fulfilment;

-- A bought label's carrier and service level as configured here (the
-- aggregator's carrier and service mapped; when several levels map, the
-- label's service_level when it is one of them, else ground first),
-- checked with its price: 22023 unknown_service or
-- label_amount otherwise. For label_bought and return_label_bought.
CREATE OR REPLACE FUNCTION oms.label_service(p_label jsonb, OUT carrier text, OUT service_level text)
LANGUAGE plpgsql STABLE SET search_path = oms, pg_catalog, pg_temp
AS $$
BEGIN
	SELECT c.code, cs.service_level INTO carrier, service_level
	FROM oms.carrier c JOIN oms.carrier_service cs ON cs.carrier = c.code
	WHERE c.active AND cs.active AND c.aggregator_code = p_label ->> 'carrier'
	  AND cs.aggregator_service = p_label ->> 'service'
	ORDER BY cs.service_level IS NOT DISTINCT FROM p_label ->> 'service_level' DESC,
	         array_position(ARRAY['ground', 'express', 'overnight', 'economy'], cs.service_level) LIMIT 1;
	IF NOT FOUND THEN
		PERFORM oms.raise_error('22023', format('the label''s carrier and service (%s %s) are not configured',
		                                        left(coalesce(p_label ->> 'carrier', ''), 40), left(coalesce(p_label ->> 'service', ''), 40)),
		                        jsonb_build_object('rule', 'unknown_service', 'carrier', left(p_label ->> 'carrier', 40),
		                                           'service', left(p_label ->> 'service', 40)));
	END IF;
	IF jsonb_typeof(p_label -> 'amount_minor') IS DISTINCT FROM 'number' THEN
		PERFORM oms.raise_error('22023', 'the label has no price', jsonb_build_object('rule', 'label_amount'));
	END IF;
END
$$;
REVOKE ALL ON FUNCTION oms.label_service(jsonb) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- A label bought, as the aggregator sold it (p_label: shipment_id, rate_id,
-- carrier and service in the aggregator's names, mapped to ours through
-- oms.carrier and oms.carrier_service, amount_minor, currency, label_url,
-- tracking_code). Records the label and ships the order with it
-- (oms.ship: BR-012 and every check of mark_shipped) in one transaction;
-- returns the shipment id. A carrier or service we do not know is refused
-- (22023) and nothing is recorded. Safe to send twice: the same label
-- (its aggregator shipment id) for the same order answers the shipment it
-- shipped, recording nothing more.
CREATE OR REPLACE FUNCTION oms_api.label_bought(p_order_no bigint, p_label jsonb)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('label_bought', 'fulfilment', 'admin');
	v_carrier text;
	v_service text;
	v_ship bigint;
	v_amount bigint;
BEGIN
	-- sent again after its answer was lost: the label is recorded already
	SELECT l.shipment_id INTO v_ship
	FROM oms.shipping_label l JOIN oms.orders o ON o.id = l.order_id
	WHERE l.aggregator_shipment_id = p_label ->> 'shipment_id' AND l.kind = 'outbound'
	  AND o.order_no = p_order_no AND (v_role <> 'fulfilment' OR o.seller_id = oms.caller_seller_id());
	IF v_ship IS NOT NULL THEN
		RETURN v_ship;
	END IF;
	SELECT l.carrier, l.service_level INTO v_carrier, v_service FROM oms.label_service(p_label) l;
	v_amount := (p_label ->> 'amount_minor')::bigint;
	v_ship := oms.ship(p_order_no, v_carrier, p_label ->> 'tracking_code', v_service, v_role);
	UPDATE oms.shipment SET label_url = p_label ->> 'label_url' WHERE id = v_ship;
	INSERT INTO oms.shipping_label (order_id, shipment_id, aggregator_shipment_id, rate_id, carrier, service_level,
	                                amount_minor, currency, label_url, tracking_no, bought_by)
	SELECT s.order_id, s.id, p_label ->> 'shipment_id', p_label ->> 'rate_id', v_carrier, v_service, v_amount,
	       upper(p_label ->> 'currency'), p_label ->> 'label_url', s.tracking_no, oms.caller_name()
	FROM oms.shipment s WHERE s.id = v_ship;
	RETURN v_ship;
END
$$;
REVOKE ALL ON FUNCTION oms_api.label_bought(bigint,jsonb) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.label_bought(bigint,jsonb) TO oms_admin, oms_fulfilment;

-- A return label: bought the same way, with the addresses swapped (from
-- the customer's address to the seller). What the aggregator needs: the
-- address the parcel comes from (the order's), the seller it goes to and
-- the weight of the units shipped. Only for an order that has been
-- shipped (SHIPPED to DELIVERED, or DELIVERY_EXCEPTION); fulfilment of
-- the order's seller, CSRs and administrators (the returns work uses it).
CREATE OR REPLACE FUNCTION oms_api.return_label_request(p_order_no bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('return_label_request', 'fulfilment', 'csr', 'admin');
	v_order oms.orders;
	v_grams bigint;
BEGIN
	v_order := oms.visible_order(p_order_no, v_role);
	IF v_order.status NOT IN ('SHIPPED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'DELIVERY_EXCEPTION')
	   OR NOT EXISTS (SELECT 1 FROM oms.shipment s WHERE s.order_id = v_order.id) THEN
		RAISE EXCEPTION 'order % is %: only a shipped order gets a return label', p_order_no, v_order.status
			USING ERRCODE = 'OM002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'order_status', 'order_no', p_order_no, 'status', v_order.status));
	END IF;
	SELECT sum((i.qty - i.cancelled_qty) * coalesce(it.weight_grams, 500)) INTO v_grams
	FROM oms.order_item i JOIN oms.item it ON it.id = i.item_id WHERE i.order_id = v_order.id;
	RETURN jsonb_build_object('order_no', p_order_no,
		'from_address', v_order.ship_to,
		'to_name', (SELECT s.name FROM oms.seller s WHERE s.id = v_order.seller_id),
		'weight_grams', coalesce(v_grams, 0),
		'weight_oz', round(coalesce(v_grams, 0) / 28.349523125, 1));
END
$$;
REVOKE ALL ON FUNCTION oms_api.return_label_request(bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.return_label_request(bigint) TO oms_admin, oms_csr, oms_fulfilment;

-- A return label bought (p_label as for label_bought): recorded as a
-- 'return' label of the order's last shipment, its tracking code checked
-- against the carrier's pattern (BR-012). The order does not move (the
-- returns work decides what a return does). Returns the label's id; the
-- same label sent again answers the same id.
CREATE OR REPLACE FUNCTION oms_api.return_label_bought(p_order_no bigint, p_label jsonb)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('return_label_bought', 'fulfilment', 'csr', 'admin');
	v_code text;
	v_carrier oms.carrier;
	v_service text;
	v_order oms.orders;
	v_ship bigint;
	v_tracking constant text := btrim(p_label ->> 'tracking_code');
	v_id bigint;
BEGIN
	-- sent again after its answer was lost: recorded already
	SELECT l.id INTO v_id
	FROM oms.shipping_label l JOIN oms.orders o ON o.id = l.order_id
	WHERE l.aggregator_shipment_id = p_label ->> 'shipment_id' AND l.kind = 'return'
	  AND o.order_no = p_order_no AND (v_role <> 'fulfilment' OR o.seller_id = oms.caller_seller_id());
	IF v_id IS NOT NULL THEN
		RETURN v_id;
	END IF;
	SELECT l.carrier, l.service_level INTO v_code, v_service FROM oms.label_service(p_label) l;
	SELECT * INTO v_carrier FROM oms.carrier c WHERE c.code = v_code;
	IF v_tracking IS NULL OR v_tracking !~ v_carrier.tracking_pattern THEN
		PERFORM oms.refuse(format('BR-012: "%s" is not a %s tracking number (like %s)', left(coalesce(v_tracking, ''), 40),
		                          v_carrier.name, v_carrier.tracking_example),
		                   jsonb_build_object('order_no', p_order_no, 'field', 'tracking_no', 'carrier', v_carrier.code,
		                                      'tracking_no', left(v_tracking, 40), 'example', v_carrier.tracking_example));
	END IF;
	v_order := oms.lock_order(NULL, p_order_no, v_role);
	IF v_order.status NOT IN ('SHIPPED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'DELIVERY_EXCEPTION') THEN
		RAISE EXCEPTION 'order % is %: only a shipped order gets a return label', p_order_no, v_order.status
			USING ERRCODE = 'OM002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'order_status', 'order_no', p_order_no, 'status', v_order.status));
	END IF;
	SELECT max(s.id) INTO v_ship FROM oms.shipment s WHERE s.order_id = v_order.id;
	INSERT INTO oms.shipping_label (order_id, shipment_id, aggregator_shipment_id, rate_id, carrier, service_level,
	                                amount_minor, currency, label_url, tracking_no, bought_by, kind)
	VALUES (v_order.id, v_ship, p_label ->> 'shipment_id', p_label ->> 'rate_id', v_carrier.code, v_service,
	        (p_label ->> 'amount_minor')::bigint, upper(p_label ->> 'currency'), p_label ->> 'label_url', v_tracking,
	        oms.caller_name(), 'return')
	RETURNING id INTO v_id;
	RETURN v_id;
END
$$;
REVOKE ALL ON FUNCTION oms_api.return_label_bought(bigint,jsonb) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.return_label_bought(bigint,jsonb) TO oms_admin, oms_csr, oms_fulfilment;

-- ---------------------------------------------------------------------------
-- Sellers' processing time

-- The seller's handling days (0 to 30), the business days between
-- confirmation and handing the parcel over, counted in every estimate
-- before shipping. Fulfilment staff set their own seller's; an
-- administrator names the seller. Returns the days now in force.
CREATE OR REPLACE FUNCTION oms_api.set_handling_days(p_days int, p_seller_id bigint DEFAULT NULL) RETURNS int
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('set_handling_days', 'fulfilment', 'admin');
	v_seller bigint := CASE WHEN v_role = 'fulfilment' THEN oms.caller_seller_id() ELSE p_seller_id END;
BEGIN
	IF v_role = 'fulfilment' AND p_seller_id IS NOT NULL AND p_seller_id IS DISTINCT FROM v_seller THEN
		RAISE EXCEPTION 'set_handling_days is not allowed for another seller' USING ERRCODE = '42501',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'not_allowed', 'action', 'set_handling_days'));
	END IF;
	IF p_days IS NULL OR p_days NOT BETWEEN 0 AND 30 THEN
		PERFORM oms.raise_error('22023', 'handling days are 0 to 30',
		                        jsonb_build_object('rule', 'handling_days', 'field', 'handling_days', 'min', 0, 'max', 30));
	END IF;
	UPDATE oms.seller s SET handling_days = p_days WHERE s.id = v_seller;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'seller % not found', v_seller USING ERRCODE = 'P0002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'seller_not_found', 'seller_id', v_seller));
	END IF;
	RETURN p_days;
END
$$;
REVOKE ALL ON FUNCTION oms_api.set_handling_days(integer,bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.set_handling_days(integer,bigint) TO oms_admin, oms_fulfilment;

-- ---------------------------------------------------------------------------
-- Packing slips

-- What goes in the parcel, for the packing slip: the order, its seller,
-- the address it ships to and the units left of each line (cancelled
-- units are not packed). Fulfilment of the order's seller, admin; an
-- order not paid yet or cancelled has none (OM002).
CREATE OR REPLACE FUNCTION oms_api.packing_slip(p_order_no bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('packing_slip', 'fulfilment', 'admin');
	v_order oms.orders;
BEGIN
	v_order := oms.visible_order(p_order_no, v_role);
	IF v_order.status IN ('PENDING', 'CANCELLED') THEN
		RAISE EXCEPTION 'order % is %: nothing to pack', p_order_no, v_order.status USING ERRCODE = 'OM002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'order_status', 'order_no', p_order_no, 'status', v_order.status));
	END IF;
	RETURN jsonb_build_object(
		'order_no', v_order.order_no,
		'seller', (SELECT s.name FROM oms.seller s WHERE s.id = v_order.seller_id),
		'placed_at', v_order.placed_at,
		'ship_to', v_order.ship_to,
		'lines', coalesce((SELECT jsonb_agg(jsonb_build_object('line_no', i.line_no, 'sku', i.sku, 'name', i.name,
		                                                      'qty', i.qty - i.cancelled_qty) ORDER BY i.line_no)
		                   FROM oms.order_item i WHERE i.order_id = v_order.id AND i.qty > i.cancelled_qty), '[]'));
END
$$;
REVOKE ALL ON FUNCTION oms_api.packing_slip(bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.packing_slip(bigint) TO oms_admin, oms_fulfilment;
