-- 0017: functions and views move out of the numbered migrations.
--
-- From here on, tables and data stay in append-only numbered migrations
-- (sql/NNNN_*.sql), while every function and view is defined once, in the
-- per-area files sql/functions/NN_area.sql. `oms migrate` applies the
-- numbered migrations first, then each area file (in file order, each in
-- one transaction) whenever its text differs from the checksum recorded
-- here, and all of them again after any numbered migration was applied (a
-- table change may have dropped a view or changed what a function reads).
-- The definitions in 0001..0014 stay as history: a database migrated before
-- this one gets the area files' definitions on its next `oms migrate`.
--
-- Recorded like oms.schema_migrations: name is the file name without
-- directory and .sql (10_core), checksum the md5 of its text.

CREATE TABLE oms.schema_definitions (
	name text PRIMARY KEY,
	checksum text NOT NULL,
	applied_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE oms.schema_definitions OWNER TO oms_owner;
REVOKE ALL ON oms.schema_definitions FROM PUBLIC;
GRANT SELECT ON oms.schema_definitions TO oms_admin;
