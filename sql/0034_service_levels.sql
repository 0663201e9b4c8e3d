-- 0034: the service levels live in a table (issue 11). Tables and data
-- only; the functions are in sql/functions/75_carriers.sql.
--
-- * oms.service_level: every service level an order can ship with, its
--   name as staff read it, its place in lists (position) and its default
--   business days in transit (a carrier's service without transit times of
--   its own counts these; oms.transit_days(level)). Until now the four
--   levels (economy, ground, express, overnight) were written out in CHECK
--   constraints on oms.orders, oms.shipment and oms.carrier_service, in
--   functions and in the screens; a level is now added with one row here
--   and a carrier offering it (oms_api.carrier_service_set), and the
--   queue's service level menu (oms_api.service_levels) shows it.
-- * The three CHECK constraints become foreign keys to it.

SET LOCAL ROLE oms_owner;
SET LOCAL search_path = oms, pg_catalog;

CREATE TABLE oms.service_level (
	code          text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,15}$'),
	name          text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 40),
	position      int NOT NULL UNIQUE,
	transit_days  int NOT NULL CHECK (transit_days BETWEEN 0 AND 60)
);
COMMENT ON TABLE oms.service_level IS 'the service levels orders ship with; carriers offer them in oms.carrier_service';

INSERT INTO oms.service_level (code, name, position, transit_days) VALUES
	('economy', 'Economy', 10, 7),
	('ground', 'Ground', 20, 5),
	('express', 'Express', 30, 2),
	('overnight', 'Overnight', 40, 1);

CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON oms.service_level
	FOR EACH ROW EXECUTE FUNCTION oms.audit_row('code');

REVOKE ALL ON oms.service_level FROM PUBLIC;
-- Reference data like oms.holiday: the staff groups that ship, sell and
-- run jobs read it (oms_api.fulfilment_queue runs as its caller and checks
-- its filter against it); only the owner writes it.
GRANT SELECT ON oms.service_level TO oms_admin, oms_csr, oms_fulfilment, oms_worker;

ALTER TABLE oms.orders DROP CONSTRAINT orders_service_level_check,
	ADD CONSTRAINT orders_service_level_fkey FOREIGN KEY (service_level) REFERENCES oms.service_level;
ALTER TABLE oms.shipment DROP CONSTRAINT shipment_service_level_check,
	ADD CONSTRAINT shipment_service_level_fkey FOREIGN KEY (service_level) REFERENCES oms.service_level;
ALTER TABLE oms.carrier_service DROP CONSTRAINT carrier_service_service_level_check,
	ADD CONSTRAINT carrier_service_service_level_fkey FOREIGN KEY (service_level) REFERENCES oms.service_level;
