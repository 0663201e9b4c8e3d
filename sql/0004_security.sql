-- 0004: who may read what. Staff never get INSERT, UPDATE, DELETE or
-- TRUNCATE on a table: every change goes through oms_api (0006). Reading is
-- by plain SELECT grants narrowed by row-level security, so psql, reports
-- and the SECURITY INVOKER read functions all see the same rows.
--
--   csr, admin, worker : every row (worker: not the audit log)
--   fulfilment         : their seller's orders and what hangs off them,
--                        the customers and addresses of those orders
--   analyst            : no table at all; oms_report views (0005)

SET LOCAL ROLE oms_owner;
SET LOCAL search_path = oms, pg_catalog;

-- ---------------------------------------------------------------------------
-- Identity of the caller. session_user is the person (SECURITY DEFINER code
-- changes current_user, never session_user).

-- The group the caller acts as; a superuser counts as admin (migrations,
-- demo data, maintenance from psql).
CREATE FUNCTION oms.caller_role() RETURNS text
LANGUAGE sql STABLE
RETURN CASE
	WHEN pg_has_role(session_user, 'oms_admin', 'USAGE') THEN 'admin'
	WHEN pg_has_role(session_user, 'oms_csr', 'USAGE') THEN 'csr'
	WHEN pg_has_role(session_user, 'oms_fulfilment', 'USAGE') THEN 'fulfilment'
	WHEN pg_has_role(session_user, 'oms_worker', 'USAGE') THEN 'worker'
	WHEN pg_has_role(session_user, 'oms_analyst', 'USAGE') THEN 'analyst'
END;

-- The caller's seller (fulfilment staff), used by the row-level policies.
-- SECURITY DEFINER so it works whatever the caller may read.
CREATE FUNCTION oms.caller_seller_id() RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
RETURN (SELECT seller_id FROM oms.staff WHERE login = session_user AND active);

CREATE FUNCTION oms.caller_name() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
RETURN (SELECT full_name FROM oms.staff WHERE login = session_user);

GRANT EXECUTE ON FUNCTION oms.caller_role(), oms.caller_seller_id(), oms.caller_name(),
	oms.damm_check(bigint), oms.order_no_valid(bigint)
	TO oms_csr, oms_fulfilment, oms_analyst, oms_admin, oms_worker;
GRANT EXECUTE ON FUNCTION oms.refundable_minor(bigint), oms.policy_get(text), oms.fold_name(text)
	TO oms_csr, oms_fulfilment, oms_admin, oms_worker;

-- ---------------------------------------------------------------------------
-- Table privileges: SELECT only.

REVOKE ALL ON ALL TABLES IN SCHEMA oms FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA oms FROM PUBLIC;

GRANT SELECT ON ALL TABLES IN SCHEMA oms TO oms_csr, oms_admin, oms_worker;
-- the worker has no business with the audit trail or the runner's table
REVOKE SELECT ON oms.audit_log, oms.schema_migrations FROM oms_worker;
-- mail payloads in the outbox are for the worker and administrators
REVOKE SELECT ON oms.outbox, oms.schema_migrations FROM oms_csr;

GRANT SELECT ON oms.customer, oms.address, oms.seller, oms.staff, oms.item, oms.checkout,
	oms.orders, oms.order_status, oms.order_transition, oms.order_item, oms.payment,
	oms.cancellation_reason, oms.cancellation, oms.cancellation_line, oms.refund,
	oms.shipment, oms.shipment_event, oms.return_request, oms.return_item,
	oms.ticket, oms.ticket_message, oms.policy, oms.holiday, oms.audit_log
	TO oms_fulfilment;

-- ---------------------------------------------------------------------------
-- Row-level security on everything that belongs to a customer or an order.
-- The owner is exempt (no FORCE): oms_api functions do their own checks.

DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['customer', 'address', 'checkout', 'orders', 'order_item', 'payment',
	                         'refund', 'cancellation', 'cancellation_line', 'shipment', 'shipment_event',
	                         'return_request', 'return_item', 'ticket', 'ticket_message', 'audit_log'] LOOP
		EXECUTE format('ALTER TABLE oms.%I ENABLE ROW LEVEL SECURITY', t);
		IF t = 'audit_log' THEN
			CONTINUE;
		END IF;
		EXECUTE format('CREATE POLICY all_rows ON oms.%I FOR SELECT TO oms_csr, oms_admin, oms_worker USING (true)', t);
	END LOOP;
END
$$;

-- "(SELECT oms.caller_seller_id())" is evaluated once per query (InitPlan).
CREATE POLICY seller_rows ON oms.orders FOR SELECT TO oms_fulfilment
	USING (seller_id = (SELECT oms.caller_seller_id()));

-- Children of an order: visible when the order is (orders' own policy
-- applies inside the sub-select).
CREATE POLICY seller_rows ON oms.order_item FOR SELECT TO oms_fulfilment
	USING (EXISTS (SELECT 1 FROM oms.orders o WHERE o.id = order_id));
CREATE POLICY seller_rows ON oms.payment FOR SELECT TO oms_fulfilment
	USING (EXISTS (SELECT 1 FROM oms.orders o WHERE o.id = order_id));
CREATE POLICY seller_rows ON oms.refund FOR SELECT TO oms_fulfilment
	USING (EXISTS (SELECT 1 FROM oms.orders o WHERE o.id = order_id));
CREATE POLICY seller_rows ON oms.cancellation FOR SELECT TO oms_fulfilment
	USING (EXISTS (SELECT 1 FROM oms.orders o WHERE o.id = order_id));
CREATE POLICY seller_rows ON oms.cancellation_line FOR SELECT TO oms_fulfilment
	USING (EXISTS (SELECT 1 FROM oms.cancellation c WHERE c.id = cancellation_id));
CREATE POLICY seller_rows ON oms.shipment FOR SELECT TO oms_fulfilment
	USING (EXISTS (SELECT 1 FROM oms.orders o WHERE o.id = order_id));
CREATE POLICY seller_rows ON oms.shipment_event FOR SELECT TO oms_fulfilment
	USING (EXISTS (SELECT 1 FROM oms.shipment s WHERE s.id = shipment_id));
CREATE POLICY seller_rows ON oms.return_request FOR SELECT TO oms_fulfilment
	USING (EXISTS (SELECT 1 FROM oms.orders o WHERE o.id = order_id));
CREATE POLICY seller_rows ON oms.return_item FOR SELECT TO oms_fulfilment
	USING (EXISTS (SELECT 1 FROM oms.return_request r WHERE r.id = return_id));
CREATE POLICY seller_rows ON oms.ticket FOR SELECT TO oms_fulfilment
	USING (EXISTS (SELECT 1 FROM oms.orders o WHERE o.id = order_id));
CREATE POLICY seller_rows ON oms.ticket_message FOR SELECT TO oms_fulfilment
	USING (EXISTS (SELECT 1 FROM oms.ticket t WHERE t.id = ticket_id));
CREATE POLICY seller_rows ON oms.checkout FOR SELECT TO oms_fulfilment
	USING (EXISTS (SELECT 1 FROM oms.orders o WHERE o.checkout_id = checkout.id));
-- customers and addresses only as far as the seller ships to them
CREATE POLICY seller_rows ON oms.customer FOR SELECT TO oms_fulfilment
	USING (EXISTS (SELECT 1 FROM oms.orders o WHERE o.customer_id = customer.id));
CREATE POLICY seller_rows ON oms.address FOR SELECT TO oms_fulfilment
	USING (EXISTS (SELECT 1 FROM oms.orders o WHERE o.ship_address_id = address.id));

-- Audit log: administrators read all of it; CSRs the history of orders (the
-- order card's timeline); fulfilment that of their seller's orders.
CREATE POLICY admin_rows ON oms.audit_log FOR SELECT TO oms_admin USING (true);
CREATE POLICY order_rows ON oms.audit_log FOR SELECT TO oms_csr USING (order_id IS NOT NULL);
CREATE POLICY seller_rows ON oms.audit_log FOR SELECT TO oms_fulfilment
	USING (EXISTS (SELECT 1 FROM oms.orders o WHERE o.id = order_id));

-- The address of an order's customers is looked up through ship_address_id.
CREATE INDEX orders_ship_address_idx ON oms.orders (ship_address_id);

RESET ROLE;
RESET search_path;
