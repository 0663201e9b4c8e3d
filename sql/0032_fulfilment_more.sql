-- 0032: fulfilment, more of issue 11. Tables and data only; the functions
-- are in sql/functions/75_carriers.sql.
--
-- * oms.orders.service_level: the service level the order ships with
--   (economy, ground, express, overnight; 'ground' unless the order says
--   otherwise). The fulfilment queue shows it and filters by it; the ship
--   dialog offers it first; the estimate before shipping counts it.
-- * orders_confirmed_queue: the queue's order (confirmed_at, id) over the
--   CONFIRMED orders only, so its first page is read from an index at any
--   scale.
-- * oms.shipping_label.kind: 'outbound' (the parcel to the customer) or
--   'return' (a return label: the same purchase with the addresses
--   swapped, from the customer to the seller; it ships nothing).
-- * policy lost_shipment_days: a tracked parcel silent for this many days
--   is lost: it goes on the review list as 'lost' (a stuck review of it
--   becomes 'lost'), where its seller's fulfilment staff see it too.

SET LOCAL ROLE oms_owner;
SET LOCAL search_path = oms, pg_catalog;

ALTER TABLE oms.orders
	ADD COLUMN service_level text NOT NULL DEFAULT 'ground'
	CHECK (service_level IN ('economy', 'ground', 'express', 'overnight'));

CREATE INDEX orders_confirmed_queue ON oms.orders (confirmed_at NULLS FIRST, id) WHERE status = 'CONFIRMED';

ALTER TABLE oms.shipping_label
	ADD COLUMN kind text NOT NULL DEFAULT 'outbound' CHECK (kind IN ('outbound', 'return'));

INSERT INTO oms.policy (key, value, description) VALUES
	('lost_shipment_days', '7', 'a tracked parcel without a carrier scan for this many days is lost: on the review list as lost');
