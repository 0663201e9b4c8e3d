-- sql/functions/30_security.sql: Who the caller is (RLS helpers), staff names shown to others, session limits per group role.
--
-- The one definition of each function and view here, with its grants.
-- `oms migrate` re-applies this file (in one transaction, after the
-- numbered migrations) whenever its text changes: keep it re-appliable
-- (CREATE OR REPLACE; see sql/functions/README for a changed signature).

SET LOCAL search_path = oms, pg_catalog;
SET LOCAL ROLE oms_owner;

-- The group the caller acts as. A deactivated staff member acts as nobody:
-- every oms_api function refuses them at once.
CREATE OR REPLACE FUNCTION oms.caller_role() RETURNS text
LANGUAGE sql STABLE
RETURN CASE
	WHEN oms.caller_deactivated() THEN NULL
	WHEN pg_has_role(session_user, 'oms_admin', 'USAGE') THEN 'admin'
	WHEN pg_has_role(session_user, 'oms_csr', 'USAGE') THEN 'csr'
	WHEN pg_has_role(session_user, 'oms_fulfilment', 'USAGE') THEN 'fulfilment'
	WHEN pg_has_role(session_user, 'oms_worker', 'USAGE') THEN 'worker'
	WHEN pg_has_role(session_user, 'oms_analyst', 'USAGE') THEN 'analyst'
END;
REVOKE ALL ON FUNCTION oms.caller_role() FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.caller_role() TO oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- The caller's seller (fulfilment staff), used by the row-level policies.
-- SECURITY DEFINER so it works whatever the caller may read.
CREATE OR REPLACE FUNCTION oms.caller_seller_id() RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
RETURN (SELECT seller_id FROM oms.staff WHERE login = session_user AND active);
REVOKE ALL ON FUNCTION oms.caller_seller_id() FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.caller_seller_id() TO oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

CREATE OR REPLACE FUNCTION oms.caller_name() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
RETURN (SELECT full_name FROM oms.staff WHERE login = session_user);
REVOKE ALL ON FUNCTION oms.caller_name() FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.caller_name() TO oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- Who am I? SECURITY DEFINER (a deliberate exception): it only reports the
-- caller's own staff row, and analysts, who may read no table, need it too.
CREATE OR REPLACE FUNCTION oms_api.whoami()
RETURNS TABLE (login text, full_name text, role text, seller_id bigint, seller_name text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
	SELECT session_user::text, s.full_name, oms.caller_role(), s.seller_id, sel.name
	FROM (SELECT 1) one
	LEFT JOIN oms.staff s ON s.login = session_user
	LEFT JOIN oms.seller sel ON sel.id = s.seller_id
$$;
REVOKE ALL ON FUNCTION oms_api.whoami() FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.whoami() TO oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- Is the caller a deactivated staff member (staff.active false)? SECURITY
-- DEFINER: analysts read no table, and fulfilment sees few staff rows.
-- PL/pgSQL for its cached plan (issue 14): a SECURITY DEFINER LANGUAGE sql
-- function is never inlined, and its body was planned on every call.
CREATE OR REPLACE FUNCTION oms.caller_deactivated() RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
BEGIN
	RETURN EXISTS (SELECT 1 FROM oms.staff s WHERE s.login = session_user AND NOT s.active);
END
$$;
REVOKE ALL ON FUNCTION oms.caller_deactivated() FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.caller_deactivated() TO oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- Names of staff on an order's requests and decisions. Fulfilment reads no
-- staff row but its own seller's (see below); the person who asked for or
-- decided a cancellation or refund of an order it may see is still named
-- to it, and nobody else. Analysts get no names.
-- (PL/pgSQL for its cached plan, as caller_deactivated.)
CREATE OR REPLACE FUNCTION oms.staff_name_for(p_login text, p_order_id bigint) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
BEGIN
	RETURN (SELECT s.full_name FROM oms.staff s
	        WHERE s.login = p_login
	          AND (oms.caller_role() IN ('csr', 'admin', 'worker')
	               OR (oms.caller_role() = 'fulfilment'
	                   AND EXISTS (SELECT 1 FROM oms.orders o
	                               WHERE o.id = p_order_id AND o.seller_id = oms.caller_seller_id())
	                   AND (EXISTS (SELECT 1 FROM oms.cancellation c WHERE c.order_id = p_order_id
	                                AND p_login IN (c.requested_by, c.decided_by))
	                        OR EXISTS (SELECT 1 FROM oms.refund r WHERE r.order_id = p_order_id
	                                   AND p_login IN (r.requested_by, r.approved_by))))));
END
$$;
REVOKE ALL ON FUNCTION oms.staff_name_for(text,bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.staff_name_for(text,bigint) TO oms_admin, oms_csr, oms_fulfilment, oms_worker;

RESET ROLE;

-- Owned by the migrator, not oms_owner: it alters roles (needs CREATEROLE).
-- Apply oms.session_limit to every login of the groups: CONNECTION LIMIT
-- and per-login defaults for statement_timeout,
-- idle_in_transaction_session_timeout and lock_timeout. A login in several
-- groups gets the settings of the first by priority (admin first). Needs a
-- superuser or CREATEROLE; `oms migrate` runs it after the migrations, so a
-- new staff login gets its limits at the next `oms migrate` (or at once
-- with `SELECT oms.apply_session_limits()`). Returns the logins changed.
CREATE OR REPLACE FUNCTION oms.apply_session_limits() RETURNS int
LANGUAGE plpgsql
AS $$
DECLARE
	r record;
	v_n int := 0;
BEGIN
	FOR r IN
		SELECT DISTINCT ON (m.rolname) m.rolname, l.*
		FROM oms.session_limit l
		JOIN pg_roles g ON g.rolname = l.group_role
		JOIN pg_auth_members am ON am.roleid = g.oid
		JOIN pg_roles m ON m.oid = am.member
		WHERE m.rolcanlogin AND NOT m.rolsuper
		ORDER BY m.rolname, l.priority
	LOOP
		EXECUTE format('ALTER ROLE %I CONNECTION LIMIT %s', r.rolname, r.connections_per_login);
		EXECUTE format('ALTER ROLE %I SET statement_timeout = %L', r.rolname, r.statement_timeout);
		EXECUTE format('ALTER ROLE %I SET idle_in_transaction_session_timeout = %L', r.rolname,
		               r.idle_in_transaction_timeout);
		EXECUTE format('ALTER ROLE %I SET lock_timeout = %L', r.rolname, r.lock_timeout);
		v_n := v_n + 1;
	END LOOP;
	RETURN v_n;
END
$$;
REVOKE ALL ON FUNCTION oms.apply_session_limits() FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
