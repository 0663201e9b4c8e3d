-- sql/functions/95_reports.sql: The analysts' report views (schema oms_report, no PII).
--
-- The one definition of each function and view here, with its grants.
-- `oms migrate` re-applies this file (in one transaction, after the
-- numbered migrations) whenever its text changes: keep it re-appliable
-- (CREATE OR REPLACE; see sql/functions/README for a changed signature).

SET LOCAL search_path = oms, pg_catalog;
SET LOCAL ROLE oms_owner;

-- Orders placed per day, seller and current status.
CREATE OR REPLACE VIEW oms_report.daily_order_volume AS
SELECT (o.placed_at AT TIME ZONE 'UTC')::date AS day,
       o.seller_id,
       s.name AS seller_name,
       o.status,
       count(*) AS orders,
       sum(o.total_minor) AS total_minor,
       o.currency
FROM oms.orders o
JOIN oms.seller s ON s.id = o.seller_id
GROUP BY 1, 2, 3, 4, o.currency;
COMMENT ON VIEW oms_report.daily_order_volume IS 'orders placed per UTC day, seller and current status';
REVOKE ALL ON oms_report.daily_order_volume FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT SELECT ON oms_report.daily_order_volume TO oms_admin, oms_analyst;

-- Cancellations per day (of the request) and reason, against the orders
-- placed that day: rate = cancelled / placed.
CREATE OR REPLACE VIEW oms_report.cancellation_rates AS
WITH placed AS (
	SELECT (placed_at AT TIME ZONE 'UTC')::date AS day, count(*) AS orders
	FROM oms.orders GROUP BY 1
), cancelled AS (
	SELECT (c.requested_at AT TIME ZONE 'UTC')::date AS day, c.reason_code, c.scope, c.state,
	       count(*) AS cancellations
	FROM oms.cancellation c GROUP BY 1, 2, 3, 4
)
SELECT c.day, c.reason_code, r.label AS reason_label, c.scope, c.state, c.cancellations,
       coalesce(p.orders, 0) AS orders_placed,
       round(c.cancellations::numeric / nullif(p.orders, 0), 4) AS rate
FROM cancelled c
JOIN oms.cancellation_reason r ON r.code = c.reason_code
LEFT JOIN placed p ON p.day = c.day;
COMMENT ON VIEW oms_report.cancellation_rates IS 'cancellations per UTC day and reason vs orders placed that day';
REVOKE ALL ON oms_report.cancellation_rates FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT SELECT ON oms_report.cancellation_rates TO oms_admin, oms_analyst;

-- Fulfilment times per day of placement and seller: placed -> confirmed,
-- confirmed -> shipped, shipped -> delivered, in hours.
CREATE OR REPLACE VIEW oms_report.fulfilment_times AS
SELECT (o.placed_at AT TIME ZONE 'UTC')::date AS day,
       o.seller_id,
       s.name AS seller_name,
       count(*) AS orders,
       count(o.shipped_at) AS shipped,
       count(o.delivered_at) AS delivered,
       round(avg(extract(epoch FROM o.confirmed_at - o.placed_at)) / 3600, 2) AS avg_hours_to_confirm,
       round(avg(extract(epoch FROM o.shipped_at - o.confirmed_at)) / 3600, 2) AS avg_hours_to_ship,
       round((percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM o.shipped_at - o.confirmed_at)) / 3600)::numeric, 2)
           AS p90_hours_to_ship,
       round(avg(extract(epoch FROM o.delivered_at - o.shipped_at)) / 3600, 2) AS avg_hours_in_transit,
       count(*) FILTER (WHERE sh.flagged) AS flagged_shipments
FROM oms.orders o
JOIN oms.seller s ON s.id = o.seller_id
LEFT JOIN LATERAL (SELECT bool_or(flagged) AS flagged FROM oms.shipment WHERE order_id = o.id) sh ON true
WHERE o.status <> 'CANCELLED'
GROUP BY 1, 2, 3;
COMMENT ON VIEW oms_report.fulfilment_times IS 'hours from placement to confirmation, shipping and delivery';
REVOKE ALL ON oms_report.fulfilment_times FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT SELECT ON oms_report.fulfilment_times TO oms_admin, oms_analyst;

-- Refunds per day of request: granted vs executed.
CREATE OR REPLACE VIEW oms_report.refunds AS
SELECT (r.created_at AT TIME ZONE 'UTC')::date AS day,
       o.seller_id,
       r.approval,
       r.status,
       (r.cancellation_id IS NOT NULL) AS from_cancellation,
       count(*) AS refunds,
       sum(r.amount_minor) AS amount_minor,
       r.currency,
       round(avg(extract(epoch FROM r.executed_at - r.created_at)) / 3600, 2) AS avg_hours_to_execute
FROM oms.refund r
JOIN oms.orders o ON o.id = r.order_id
GROUP BY 1, 2, 3, 4, 5, r.currency;
COMMENT ON VIEW oms_report.refunds IS 'refunds per UTC day: approval (granted) and gateway status (executed)';
REVOKE ALL ON oms_report.refunds FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT SELECT ON oms_report.refunds TO oms_admin, oms_analyst;

-- Order status counts right now (dashboards).
CREATE OR REPLACE VIEW oms_report.status_now AS
SELECT o.status, o.seller_id, count(*) AS orders
FROM oms.orders o
GROUP BY 1, 2;
COMMENT ON VIEW oms_report.status_now IS 'current number of orders per status and seller';
REVOKE ALL ON oms_report.status_now FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT SELECT ON oms_report.status_now TO oms_admin, oms_analyst;

RESET ROLE;
