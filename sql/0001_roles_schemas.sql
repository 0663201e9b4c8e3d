-- 0001: roles, schemas and extensions.
--
-- Applied by `oms migrate` inside one transaction, as a superuser (or a
-- CREATEROLE role owning the database). The runner has already created
-- schema oms and oms.schema_migrations, so everything here must tolerate
-- existing objects. Roles are cluster-wide: several oms databases in one
-- cluster share them, hence the "create if missing" blocks.

-- Group roles. Nobody logs in as one of them: a person logs in as their own
-- role, member of exactly one staff group, so the audit trail names a person.
DO $$
DECLARE
	r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['oms_owner', 'oms_csr', 'oms_fulfilment',
	                         'oms_analyst', 'oms_admin', 'oms_worker'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
			EXECUTE format('CREATE ROLE %I NOLOGIN', r);
		END IF;
	END LOOP;
END
$$;

COMMENT ON ROLE oms_owner IS 'oms: owns every object; never used to log in';
COMMENT ON ROLE oms_csr IS 'oms: customer-service representatives';
COMMENT ON ROLE oms_fulfilment IS 'oms: seller fulfilment staff (see their seller''s orders only)';
COMMENT ON ROLE oms_analyst IS 'oms: analysts (PII-free report views only)';
COMMENT ON ROLE oms_admin IS 'oms: administrators';
COMMENT ON ROLE oms_worker IS 'oms: the oms-worker daemon (outbox, tracking, payments)';

-- Nobody but the owner creates objects anywhere we look up names. PostgreSQL
-- 15 already revokes CREATE on public for new databases; databases upgraded
-- from older versions still have it, so say it explicitly.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

CREATE SCHEMA IF NOT EXISTS oms;
ALTER SCHEMA oms OWNER TO oms_owner;
ALTER TABLE IF EXISTS oms.schema_migrations OWNER TO oms_owner;
CREATE SCHEMA IF NOT EXISTS oms_api AUTHORIZATION oms_owner;
CREATE SCHEMA IF NOT EXISTS oms_report AUTHORIZATION oms_owner;
COMMENT ON SCHEMA oms IS 'oms tables (owned by oms_owner; staff read, never write)';
COMMENT ON SCHEMA oms_api IS 'oms functions: the only way staff change data';
COMMENT ON SCHEMA oms_report IS 'oms PII-free report views for analysts';

-- Trigram matching for name and e-mail lookup. Installed in schema oms so the
-- functions' search_path (oms, pg_catalog, pg_temp) finds its operators.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA oms;
-- Accent folding, so "Zoe Angstrom" typed on a US keyboard finds
-- "Zoë Ångström" (see oms.fold_name).
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA oms;

-- Schema usage: analysts only see oms_report (plus the two identity helpers
-- in oms that whoami needs, granted later); the tables stay out of reach by
-- table privileges, not by schema privileges.
REVOKE ALL ON SCHEMA oms, oms_api, oms_report FROM PUBLIC;
GRANT USAGE ON SCHEMA oms TO oms_csr, oms_fulfilment, oms_analyst, oms_admin, oms_worker;
GRANT USAGE ON SCHEMA oms_api TO oms_csr, oms_fulfilment, oms_analyst, oms_admin, oms_worker;
GRANT USAGE ON SCHEMA oms_report TO oms_analyst, oms_admin;

-- Functions must be granted one by one, never by default.
ALTER DEFAULT PRIVILEGES FOR ROLE oms_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
