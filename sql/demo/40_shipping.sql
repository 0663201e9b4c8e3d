-- Demo data, step 4: shipments and carrier tracking events.
--
-- One shipment per order that has shipped (shipment id = order id - 999999),
-- carriers UPS, FedEx, USPS and DHL with tracking numbers in their formats.
-- Events up to the anchor date: label created, picked up, a hub scan on
-- longer trips, out for delivery, (a failed attempt and a second run for
-- exceptions), delivered. Stuck parcels stop after the pick-up scan and are
-- flagged 48 hours later.

SET client_min_messages = warning;
SET jit = off;   -- compiling these big expressions costs more than it saves
SET session_replication_role = replica;
SET work_mem = '256MB';
SET maintenance_work_mem = '512MB';
SELECT oms_demo.drop_indexes('oms.shipment');
SELECT oms_demo.drop_indexes('oms.shipment_event');

-- (plpgsql: one call per shipment; an SQL function using sid four times
-- would not be inlined and would cost more)
CREATE FUNCTION oms_demo.tracking_no(carrier text, sid bigint) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
BEGIN
	-- multiplying by a number prime to 10 modulo 10^n is one-to-one: unique numbers
	RETURN CASE carrier
		WHEN 'UPS' THEN '1Z' || upper(substr(md5('trk:' || sid), 1, 6)) || lpad(((sid * 7919) % 10000000000)::text, 10, '0')
		WHEN 'FedEx' THEN lpad(((sid * 7927 + 1234567) % 1000000000000)::text, 12, '0')
		WHEN 'USPS' THEN '9400' || lpad(((sid * 104729 + 77) % 1000000000000000000)::text, 18, '0')
		ELSE lpad(((sid * 7933 + 99) % 10000000000)::text, 10, '0')
	END;
END
$$;

-- where a seller ships from
CREATE FUNCTION oms_demo.seller_city(seller_id bigint) RETURNS text
LANGUAGE sql STABLE
RETURN (SELECT city || ', ' || region FROM oms_demo.city WHERE i = 1 + (seller_id * 7) % 40);

CREATE TABLE oms_demo.seller_loc AS
SELECT id AS seller_id, oms_demo.seller_city(id) AS origin FROM oms.seller;

INSERT INTO oms.shipment (id, order_id, carrier, service_level, tracking_no, label_url, status, shipped_at,
                          estimated_delivery, last_event_at, flagged, flagged_at)
SELECT o.id - 999999, o.id, o.carrier, o.service_level, t.no,
       'https://labels.example.com/' || lower(o.carrier) || '/' || t.no || '.pdf',
       CASE o.status WHEN 'SHIPPED' THEN 'pre_transit' WHEN 'IN_TRANSIT' THEN 'in_transit'
            WHEN 'OUT_FOR_DELIVERY' THEN 'out_for_delivery' WHEN 'DELIVERY_EXCEPTION' THEN 'failure'
            ELSE 'delivered' END,
       o.shipped, o.est_date,
       o.status_at,                 -- the time of the last scan (30_orders.sql)
       o.stuck AND o.status = 'IN_TRANSIT',
       CASE WHEN o.stuck AND o.status = 'IN_TRANSIT'
            THEN o.t_it + interval '48 hours' + oms_demo.pick(o.id, 131, 15) * interval '1 minute' END
FROM oms_demo.ord o
CROSS JOIN LATERAL (SELECT oms_demo.tracking_no(o.carrier, o.id - 999999) AS no OFFSET 0) t
WHERE o.eff_shipped IS NOT NULL;

-- The review list (issue 11: a person decides; nobody is mailed), as the
-- worker leaves it: an open review per parcel the stuck sweep flagged
-- (counted from its last scan) and per parcel whose last scan is a
-- delivery exception (opened by that scan).
INSERT INTO oms.shipment_review (shipment_id, reason, opened_at, last_scan_at)
SELECT s.id, CASE WHEN s.flagged THEN 'stuck' ELSE 'exception' END,
       CASE WHEN s.flagged THEN s.flagged_at ELSE s.last_event_at END, s.last_event_at
FROM oms.shipment s WHERE s.flagged OR s.status = 'failure'
ORDER BY 3, s.id;

INSERT INTO oms.shipment_event (id, shipment_id, at, status, location, description, received_at)
SELECT (o.id - 999999) * 8 + v.k, o.id - 999999, v.at, v.status,
       CASE WHEN v.k = 0 OR v.k = 1 THEN sl.origin
            WHEN v.k = 2 THEN CASE o.carrier WHEN 'UPS' THEN 'Louisville, KY' WHEN 'FedEx' THEN 'Memphis, TN'
                                            WHEN 'DHL' THEN 'Cincinnati, OH' ELSE 'Chicago, IL' END
            ELSE a.city || coalesce(', ' || a.region, '') || CASE WHEN a.country <> 'US' THEN ' ' || a.country ELSE '' END
       END,
       v.description,
       v.at + (1 + oms_demo.pick(o.id * 8 + v.k, 132, 10)) * interval '1 minute'
FROM oms_demo.param p
JOIN oms_demo.ord o ON o.eff_shipped IS NOT NULL
JOIN oms_demo.seller_loc sl ON sl.seller_id = o.seller_id
JOIN oms.address a ON a.id = o.address_id
CROSS JOIN LATERAL (VALUES
	(0, 'pre_transit', o.shipped, 'Shipping label created, ' || o.carrier || ' awaiting item'),
	(1, 'in_transit', o.t_it, 'Picked up by ' || o.carrier),
	(2, 'in_transit', o.t_mid, 'Arrived at ' || o.carrier || ' facility'),
	(3, 'out_for_delivery', o.t_ofd, 'Out for delivery'),
	(4, 'failure', o.t_fail, 'Delivery attempted: recipient not available, will retry next business day'),
	(5, 'out_for_delivery', o.t_ofd2, 'Out for delivery (second attempt)'),
	(6, 'delivered', o.t_deliv, CASE oms_demo.pick(o.id, 133, 4) WHEN 0 THEN 'Delivered, left at front door'
	                                WHEN 1 THEN 'Delivered, handed to resident' WHEN 2 THEN 'Delivered, mailroom'
	                                ELSE 'Delivered, parcel locker' END)
) AS v(k, status, at, description)
WHERE v.at IS NOT NULL AND v.at <= p.anchor AND NOT (o.stuck AND v.k >= 2);

SELECT oms_demo.restore_indexes('oms.shipment');
SELECT oms_demo.restore_indexes('oms.shipment_event');
RESET work_mem;
RESET maintenance_work_mem;
RESET session_replication_role;
