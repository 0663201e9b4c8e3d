-- sql/functions/97_export.sql: The exports (`oms export orders|lines`, issue 10).
--
-- The one definition of each function and view here, with its grants.
-- `oms migrate` re-applies this file (in one transaction, after the
-- numbered migrations) whenever its text changes: keep it re-appliable
-- (CREATE OR REPLACE; see sql/functions/README for a changed signature).
--
-- Two views per export, the same rows and columns but for the customer:
--   oms_api.export_*     staff (admin; fulfilment). security_invoker: the
--                        caller's own SELECT rights and row-level security
--                        apply, so fulfilment staff get their seller's
--                        orders only (0004's policies, not a filter here).
--                        The customer is customer_id (+ name, e-mail).
--   oms_report.export_*  analysts. Read with the owner's rights (analysts
--                        have no table); no name, e-mail, phone or address:
--                        the customer is customer_ref, a keyed hash of the
--                        id (0024: oms.export_secret), stable within the
--                        database, not reversible by counting ids.
-- Plain views (no set-returning function) so the planner inlines them and
-- the rows stream out as they are found; `oms export` adds the period,
-- seller and status as WHERE clauses and the order (placed_at, order_no).
-- Money is in minor units with its currency; refunded_minor is what the
-- gateway has paid back (refunds with status succeeded).

SET LOCAL search_path = oms, pg_catalog;
SET LOCAL ROLE oms_owner;

-- One row per order (staff).
CREATE OR REPLACE VIEW oms_api.export_orders WITH (security_invoker = true) AS
SELECT o.order_no, o.placed_at, o.status, o.seller_id, s.name AS seller_name,
       o.customer_id, c.full_name AS customer_name, c.email AS customer_email,
       o.currency, o.subtotal_minor, o.shipping_minor, o.total_minor,
       coalesce(r.refunded_minor, 0)::bigint AS refunded_minor,
       o.confirmed_at, o.shipped_at, o.delivered_at, o.cancelled_at
FROM oms.orders o
JOIN oms.seller s ON s.id = o.seller_id
JOIN oms.customer c ON c.id = o.customer_id
LEFT JOIN (SELECT order_id, sum(amount_minor) AS refunded_minor
           FROM oms.refund WHERE status = 'succeeded' GROUP BY order_id) r ON r.order_id = o.id;
COMMENT ON VIEW oms_api.export_orders IS 'oms export orders: one row per order the caller may see (RLS), with the customer';
REVOKE ALL ON oms_api.export_orders FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT SELECT ON oms_api.export_orders TO oms_admin, oms_fulfilment;

-- One row per order line (staff).
CREATE OR REPLACE VIEW oms_api.export_lines WITH (security_invoker = true) AS
SELECT o.order_no, i.line_no, o.placed_at, o.status, o.seller_id, s.name AS seller_name,
       o.customer_id, i.sku, i.name AS item_name, i.qty, i.cancelled_qty,
       o.currency, i.unit_price_minor, i.line_total_minor
FROM oms.orders o
JOIN oms.order_item i ON i.order_id = o.id
JOIN oms.seller s ON s.id = o.seller_id;
COMMENT ON VIEW oms_api.export_lines IS 'oms export lines: one row per line of the orders the caller may see (RLS)';
REVOKE ALL ON oms_api.export_lines FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT SELECT ON oms_api.export_lines TO oms_admin, oms_fulfilment;

-- One row per order (analysts): no personal data, the customer pseudonymous.
CREATE OR REPLACE VIEW oms_report.export_orders AS
SELECT o.order_no, o.placed_at, o.status, o.seller_id, s.name AS seller_name,
       left(encode(sha256(convert_to(k.secret || ':' || o.customer_id, 'UTF8')), 'hex'), 16)
           AS customer_ref,
       o.currency, o.subtotal_minor, o.shipping_minor, o.total_minor,
       coalesce(r.refunded_minor, 0)::bigint AS refunded_minor,
       o.confirmed_at, o.shipped_at, o.delivered_at, o.cancelled_at
FROM oms.orders o
CROSS JOIN oms.export_secret k
JOIN oms.seller s ON s.id = o.seller_id
LEFT JOIN (SELECT order_id, sum(amount_minor) AS refunded_minor
           FROM oms.refund WHERE status = 'succeeded' GROUP BY order_id) r ON r.order_id = o.id;
COMMENT ON VIEW oms_report.export_orders IS 'oms export orders for analysts: no PII, customer_ref pseudonymous';
REVOKE ALL ON oms_report.export_orders FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT SELECT ON oms_report.export_orders TO oms_admin, oms_analyst;

-- One row per order line (analysts).
CREATE OR REPLACE VIEW oms_report.export_lines AS
SELECT o.order_no, i.line_no, o.placed_at, o.status, o.seller_id, s.name AS seller_name,
       left(encode(sha256(convert_to(k.secret || ':' || o.customer_id, 'UTF8')), 'hex'), 16)
           AS customer_ref,
       i.sku, i.name AS item_name, i.qty, i.cancelled_qty,
       o.currency, i.unit_price_minor, i.line_total_minor
FROM oms.orders o
CROSS JOIN oms.export_secret k
JOIN oms.order_item i ON i.order_id = o.id
JOIN oms.seller s ON s.id = o.seller_id;
COMMENT ON VIEW oms_report.export_lines IS 'oms export lines for analysts: no PII, customer_ref pseudonymous';
REVOKE ALL ON oms_report.export_lines FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT SELECT ON oms_report.export_lines TO oms_admin, oms_analyst;

RESET ROLE;
