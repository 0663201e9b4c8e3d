-- 0025: carriers and fulfilment (issue 11). Tables and data only; the
-- functions are in sql/functions/75_carriers.sql, the contract and the
-- status mapping in oms-schema(7) "CARRIERS".
--
-- * oms.carrier: the carriers administrators configure, each with its
--   BR-012 tracking-number pattern, its name at the aggregator (EasyPost's
--   carrier string; NULL: not tracked by the aggregator) and the worker's
--   polling rate limit. oms.carrier_service: the service levels a carrier
--   offers. oms.shipping_zone (country, postcode prefix -> zone) and
--   oms.transit_time (carrier, service, zone -> business days) make the
--   delivery estimate; oms.holiday (0002) holds the days it skips.
-- * oms.carrier_status_map: what each carrier status does to the order
--   (the mapping lives here, one row per aggregator status).
-- * oms.tracker: one per shipment of a tracked carrier: the aggregator's
--   tracker id, its public page, whether it is still active, when we last
--   heard of it and when the worker polls it next.
-- * oms.carrier_event: the webhook event store, one row per event id (a
--   replay is a duplicate, answered 2xx and never applied twice).
-- * oms.shipping_label: a bought label (aggregator shipment and rate,
--   price, label URL, tracking code).
-- * oms.shipment_review: the review list. The stuck-parcel sweep, a
--   delivery exception and a lost parcel put a shipment here; a person
--   decides (contact the carrier, reship, refund, wait) and the decision
--   is recorded. The sweep mails nobody.
-- * Go-live safeguard: the "order_delayed" mails the old sweep (0010)
--   queued and nobody has sent yet are retired (status dead, last_error
--   says why): enabling this version mails nobody about parcels that were
--   already stuck.

SET LOCAL ROLE oms_owner;
SET LOCAL search_path = oms, pg_catalog;

CREATE TABLE oms.carrier (
	code              text PRIMARY KEY CHECK (code ~ '^[A-Za-z][A-Za-z0-9_]{1,31}$'),
	name              text NOT NULL CHECK (btrim(name) <> ''),
	aggregator_code   text CHECK (aggregator_code ~ '^[A-Za-z0-9_]{1,40}$'),
	tracking_pattern  text NOT NULL CHECK (tracking_pattern ~ '^\^.*\$$'),
	tracking_example  text NOT NULL,
	tracking_url      text CHECK (tracking_url ~ '^https://[^ ]*%s'),
	poll_per_minute   int NOT NULL DEFAULT 60 CHECK (poll_per_minute BETWEEN 1 AND 6000),
	active            boolean NOT NULL DEFAULT true,
	CHECK (tracking_example ~ tracking_pattern)
);
COMMENT ON TABLE oms.carrier IS 'carriers administrators configure; tracking_pattern is BR-012 for the carrier';

CREATE TABLE oms.carrier_service (
	carrier             text NOT NULL REFERENCES oms.carrier ON UPDATE CASCADE,
	service_level       text NOT NULL CHECK (service_level IN ('economy', 'ground', 'express', 'overnight')),
	aggregator_service  text,
	active              boolean NOT NULL DEFAULT true,
	PRIMARY KEY (carrier, service_level)
);

CREATE TABLE oms.shipping_zone (
	country          char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),   -- 'ZZ': anywhere else
	postcode_prefix  text NOT NULL DEFAULT '' CHECK (postcode_prefix ~ '^[A-Z0-9]{0,10}$'),
	zone             int NOT NULL CHECK (zone BETWEEN 1 AND 9),
	PRIMARY KEY (country, postcode_prefix)
);

CREATE TABLE oms.transit_time (
	carrier        text NOT NULL,
	service_level  text NOT NULL,
	zone           int NOT NULL CHECK (zone BETWEEN 1 AND 9),
	days           int NOT NULL CHECK (days BETWEEN 0 AND 60),
	PRIMARY KEY (carrier, service_level, zone),
	FOREIGN KEY (carrier, service_level) REFERENCES oms.carrier_service ON UPDATE CASCADE
);

CREATE TABLE oms.carrier_status_map (
	carrier_status  text PRIMARY KEY CHECK (carrier_status IN ('pre_transit', 'in_transit', 'out_for_delivery',
	                    'delivered', 'available_for_pickup', 'return_to_sender', 'failure',
	                    'cancelled', 'error', 'unknown')),
	order_status    text REFERENCES oms.order_status,    -- NULL: the order does not move
	mail_template   text,                                -- the customer's mail, once per shipment
	review          text CHECK (review IN ('exception', 'returned', 'cancelled', 'error')),
	ends_tracking   boolean NOT NULL,
	meaning         text NOT NULL
);
INSERT INTO oms.carrier_status_map VALUES
	('pre_transit',          'SHIPPED',            NULL, NULL, false,
	 'label created, the carrier has not scanned the parcel yet'),
	('in_transit',           'IN_TRANSIT',         NULL, NULL, false,
	 'moving in the carrier''s network'),
	('out_for_delivery',     'OUT_FOR_DELIVERY',   'order_out_for_delivery', NULL, false,
	 'on the delivery vehicle today'),
	('available_for_pickup', 'OUT_FOR_DELIVERY',   'order_out_for_delivery', NULL, false,
	 'waiting at a pickup point for the customer'),
	('delivered',            'DELIVERED',          'order_delivered', NULL, true,
	 'delivered (BR-013); signed_by is kept as the proof'),
	('failure',              'DELIVERY_EXCEPTION', 'order_delivery_exception', 'exception', false,
	 'the carrier could not deliver (damaged, address problem, refused)'),
	('return_to_sender',     'DELIVERY_EXCEPTION', 'order_delivery_exception', 'returned', true,
	 'on its way back to the seller'),
	('cancelled',            NULL,                 NULL, 'cancelled', true,
	 'the label or tracker was cancelled; the order does not move, a person looks'),
	('error',                NULL,                 NULL, 'error', false,
	 'the aggregator cannot track the number; the order does not move, a person looks'),
	('unknown',              NULL,                 NULL, NULL, false,
	 'nothing known yet');

CREATE TABLE oms.tracker (
	shipment_id     bigint PRIMARY KEY REFERENCES oms.shipment,
	aggregator_id   text UNIQUE CHECK (aggregator_id ~ '^[A-Za-z0-9_]{1,64}$'),
	public_url      text CHECK (public_url ~ '^https?://' AND char_length(public_url) <= 500),
	active          boolean NOT NULL DEFAULT true,
	created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
	last_heard_at   timestamptz,          -- last webhook or poll answer about it
	next_poll_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
	poll_failures   int NOT NULL DEFAULT 0,
	last_error      text CHECK (char_length(last_error) <= 500)
);
CREATE INDEX tracker_due_idx ON oms.tracker (next_poll_at) WHERE active;

CREATE TABLE oms.carrier_event (
	event_id       text PRIMARY KEY CHECK (event_id ~ '^[A-Za-z0-9_.:-]{1,100}$'),
	received_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
	description    text,
	tracking_code  text,
	outcome        text NOT NULL,        -- applied, ignored: why
	body           jsonb NOT NULL
);

CREATE TABLE oms.shipping_label (
	id                      bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	order_id                bigint NOT NULL REFERENCES oms.orders,
	shipment_id             bigint REFERENCES oms.shipment,
	aggregator_shipment_id  text NOT NULL UNIQUE CHECK (aggregator_shipment_id ~ '^[A-Za-z0-9_]{1,64}$'),
	rate_id                 text NOT NULL CHECK (rate_id ~ '^[A-Za-z0-9_]{1,64}$'),
	carrier                 text NOT NULL,
	service_level           text NOT NULL,
	amount_minor            bigint NOT NULL CHECK (amount_minor >= 0),
	currency                char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
	label_url               text NOT NULL CHECK (label_url ~ '^https?://' AND char_length(label_url) <= 500),
	tracking_no             text NOT NULL,
	bought_by               text NOT NULL DEFAULT session_user,
	bought_at               timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX shipping_label_order_idx ON oms.shipping_label (order_id);

ALTER TABLE oms.shipment
	ADD COLUMN signed_by text CHECK (char_length(signed_by) <= 200),
	ADD COLUMN delivered_at timestamptz,
	-- the date the customer was last told (the confirmation or shipping
	-- mail, or a later revision); a later carrier estimate mails once
	ADD COLUMN promised_delivery date;
UPDATE oms.shipment SET promised_delivery = estimated_delivery;

CREATE TABLE oms.shipment_review (
	id           bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	shipment_id  bigint NOT NULL REFERENCES oms.shipment,
	reason       text NOT NULL CHECK (reason IN ('stuck', 'exception', 'returned', 'cancelled', 'error', 'lost')),
	opened_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
	last_scan_at timestamptz,            -- the scan (or shipping) the flag counted from
	decision     text CHECK (decision IN ('contact_carrier', 'reship', 'refund', 'wait', 'resolved')),
	decided_by   text,
	decided_at   timestamptz,
	note         text CHECK (char_length(note) <= 10000),
	CHECK ((decision IS NULL) = (decided_at IS NULL) AND (decided_at IS NULL) = (decided_by IS NULL))
);
-- one open review per shipment
CREATE UNIQUE INDEX shipment_review_open_key ON oms.shipment_review (shipment_id) WHERE decided_at IS NULL;
CREATE INDEX shipment_review_open_idx ON oms.shipment_review (opened_at) WHERE decided_at IS NULL;

CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON oms.carrier
	FOR EACH ROW EXECUTE FUNCTION oms.audit_row('code');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON oms.carrier_service
	FOR EACH ROW EXECUTE FUNCTION oms.audit_row('carrier', 'service_level');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON oms.shipping_label
	FOR EACH ROW EXECUTE FUNCTION oms.audit_row('id');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON oms.shipment_review
	FOR EACH ROW EXECUTE FUNCTION oms.audit_row('id');

REVOKE ALL ON oms.carrier, oms.carrier_service, oms.shipping_zone, oms.transit_time, oms.carrier_status_map,
	oms.tracker, oms.carrier_event, oms.shipping_label, oms.shipment_review FROM PUBLIC;
-- No group reads these tables directly: the oms_api functions of
-- sql/functions/75_carriers.sql are the way in (tests/sql/role_matrix.sql).

-- BR-012 per carrier. UPS: 1Z, a 6-character shipper number and 10 more
-- (18 in all). FedEx: 12, 15, 20 or 22 digits. DHL Express: 10 digits.
-- USPS: 20 to 22 digits. Local posts: the free pattern (4 to 40 letters,
-- digits and dashes, as the shipment table allows).
INSERT INTO oms.carrier (code, name, aggregator_code, tracking_pattern, tracking_example, tracking_url, poll_per_minute) VALUES
	('UPS',   'UPS',         'UPS',        '^1Z[0-9A-Z]{16}$',                     '1Z999AA10123456784',
	 'https://www.ups.com/track?tracknum=%s', 120),
	('FedEx', 'FedEx',       'FedEx',      '^([0-9]{12}|[0-9]{15}|[0-9]{20}|[0-9]{22})$', '123456789012',
	 'https://www.fedex.com/fedextrack/?trknbr=%s', 120),
	('DHL',   'DHL Express', 'DHLExpress', '^[0-9]{10}$',                          '1234567890',
	 'https://www.dhl.com/en/express/tracking.html?AWB=%s', 60),
	('USPS',  'USPS',        'USPS',       '^[0-9]{20,22}$',                       '9400110200881234567890',
	 'https://tools.usps.com/go/TrackConfirmAction?tLabels=%s', 60),
	('Local', 'Local post',  NULL,         '^[A-Za-z0-9-]{4,40}$',                 'LP-0001',
	 NULL, 60);

INSERT INTO oms.carrier_service (carrier, service_level, aggregator_service)
SELECT c, s, CASE c
	WHEN 'UPS' THEN (ARRAY['UPSSaver', 'Ground', '2ndDayAir', 'NextDayAir'])[i]
	WHEN 'FedEx' THEN (ARRAY['SMART_POST', 'FEDEX_GROUND', 'FEDEX_2_DAY', 'PRIORITY_OVERNIGHT'])[i]
	WHEN 'DHL' THEN (ARRAY['DomesticEconomySelect', 'EconomySelect', 'ExpressWorldwide', 'ExpressEasy'])[i]
	WHEN 'USPS' THEN (ARRAY['GroundAdvantage', 'GroundAdvantage', 'Priority', 'Express'])[i]
	END
FROM unnest(ARRAY['UPS', 'FedEx', 'DHL', 'USPS']) c,
     unnest(ARRAY['economy', 'ground', 'express', 'overnight']) WITH ORDINALITY AS t(s, i);
INSERT INTO oms.carrier_service (carrier, service_level)
SELECT 'Local', s FROM unnest(ARRAY['economy', 'ground', 'express', 'overnight']) s;

-- Zones: 1 near (US ZIPs 0-3, the east), 2 (4-6), 3 far (7-9, the west),
-- 4 Canada, 5 Europe, 8 anywhere else.
INSERT INTO oms.shipping_zone (country, postcode_prefix, zone)
SELECT 'US', d::text, CASE WHEN d <= 3 THEN 1 WHEN d <= 6 THEN 2 ELSE 3 END FROM generate_series(0, 9) d;
INSERT INTO oms.shipping_zone (country, postcode_prefix, zone) VALUES
	('US', '', 2), ('CA', '', 4), ('GB', '', 5), ('DE', '', 5), ('FR', '', 5), ('NL', '', 5),
	('IE', '', 5), ('ZZ', '', 8);

-- Business days in transit: the service's base, one more per zone step for
-- ground and economy, two more abroad for every service.
INSERT INTO oms.transit_time (carrier, service_level, zone, days)
SELECT cs.carrier, cs.service_level, z.zone,
       CASE cs.service_level WHEN 'overnight' THEN 1 WHEN 'express' THEN 2 WHEN 'ground' THEN 3 ELSE 5 END
       + CASE WHEN cs.service_level IN ('ground', 'economy') THEN least(z.zone, 3) - 1 ELSE 0 END
       + CASE WHEN z.zone >= 4 THEN 2 ELSE 0 END
FROM oms.carrier_service cs CROSS JOIN (SELECT DISTINCT zone FROM oms.shipping_zone) z;

-- The go-live safeguard (see the top).
UPDATE oms.outbox SET status = 'dead',
	last_error = 'not sent: stuck parcels go to the review list, a person decides (0025)',
	updated_at = clock_timestamp()
WHERE kind = 'mail' AND status = 'ready' AND payload ->> 'template' = 'order_delayed'
  AND dedupe_key LIKE 'mail:delayed:%';

-- Shipments a sweep flagged before: they go on the review list, unmailed.
INSERT INTO oms.shipment_review (shipment_id, reason, opened_at, last_scan_at)
SELECT s.id, 'stuck', coalesce(s.flagged_at, clock_timestamp()), coalesce(s.last_event_at, s.shipped_at)
FROM oms.shipment s WHERE s.flagged AND s.status NOT IN ('delivered', 'return_to_sender', 'cancelled');

INSERT INTO oms.policy (key, value, description) VALUES
	('tracker_poll_hours', '6', 'an active tracker not heard from for this long is polled by the worker');
