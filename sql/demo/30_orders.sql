-- Demo data, step 3: orders (staged with their whole life), order lines,
-- orders, checkouts, payments.
--
-- Every order gets a deterministic life: payment verified after minutes,
-- shipped after the seller's handling time, carrier scans, delivery; or one
-- of the after-sales stories (kind):
--   cw  cancelled within the window (at once, by a CSR)
--   ca  cancelled after the window: CONFIRMED, seller (or admin) approves
--   cr  as ca, but the seller rejects (the order ships)
--   pf  payment fails three times, cancelled
--   lc  one line cancelled (out of stock), refunded
--   rt  delivered, then returned
--   gw  delivered, then a goodwill partial refund (manual approval)
--   ex  delivery exception (failed attempt), delivered the next day
--   st  stuck in transit (no scan for more than 48 hours, flagged)
--   n   nothing special
-- The status is where that life stands at the anchor date, so the
-- timestamps always agree with it (placed < confirmed < shipped < delivered).

SET client_min_messages = warning;
SET jit = off;   -- compiling these big expressions costs more than it saves
SET session_replication_role = replica;
SET work_mem = '256MB';
SET maintenance_work_mem = '512MB';
SELECT oms_demo.drop_indexes('oms.orders');
SELECT oms_demo.drop_indexes('oms.order_item');
SELECT oms_demo.drop_indexes('oms.checkout');
SELECT oms_demo.drop_indexes('oms.payment');

CREATE UNLOGGED TABLE oms_demo.ord AS
WITH p AS (SELECT * FROM oms_demo.param),
b AS (
	SELECT 1000100 + c.first_idx + j AS id, c.id AS checkout_id, c.customer_id, c.address_id, c.placed_at,
	       (c.seller0 + j * 7) % p.n_sellers + 1 AS seller_id, p.anchor
	FROM oms_demo.chk c CROSS JOIN p CROSS JOIN LATERAL generate_series(0, c.n_orders - 1) AS j
),
r AS (
	SELECT b.*,
	       1 + oms_demo.pick(b.id, 101, 9) AS n_lines,
	       oms_demo.u(b.id, 102) AS uk,
	       b.placed_at + (60 * (1 + oms_demo.pick(b.id, 103, 30)) + oms_demo.pick(b.id, 104, 60)) * interval '1 second' AS confirmed,
	       oms_demo.u(b.id, 106) AS us,
	       oms_demo.u(b.id, 107) AS uc
	FROM b
),
s AS MATERIALIZED (
	SELECT r.*,
	       CASE WHEN r.uk < 0.022 THEN 'cw' WHEN r.uk < 0.034 THEN 'ca' WHEN r.uk < 0.039 THEN 'cr'
	            WHEN r.uk < 0.047 THEN 'pf' WHEN r.uk < 0.055 THEN (CASE WHEN r.n_lines >= 2 THEN 'lc' ELSE 'n' END)
	            WHEN r.uk < 0.080 THEN 'rt' WHEN r.uk < 0.086 THEN 'gw' WHEN r.uk < 0.111 THEN 'ex'
	            WHEN r.uk < 0.121 THEN 'st' ELSE 'n' END AS kind,
	       -- handling: 4 h up to 20 h per handling day of the seller (1 + id % 3)
	       r.confirmed + (4 * 60 + oms_demo.pick(r.id, 105, 20 * 60 * (1 + r.seller_id % 3))) * interval '1 minute' AS shipped,
	       CASE WHEN r.us < 0.15 THEN 'economy' WHEN r.us < 0.75 THEN 'ground'
	            WHEN r.us < 0.95 THEN 'express' ELSE 'overnight' END AS service_level,
	       CASE WHEN r.uc < 0.35 THEN 'UPS' WHEN r.uc < 0.60 THEN 'FedEx' WHEN r.uc < 0.85 THEN 'USPS' ELSE 'DHL' END AS carrier
	FROM r
),
t AS (
	SELECT s.*,
	       CASE s.service_level WHEN 'economy' THEN 5 + oms_demo.pick(s.id, 108, 3)
	            WHEN 'ground' THEN 3 + oms_demo.pick(s.id, 108, 3)
	            WHEN 'express' THEN 2 ELSE 1 END AS transit_days,
	       s.shipped + (60 + oms_demo.pick(s.id, 109, 240)) * interval '1 minute' AS t_it
	FROM s
),
e AS MATERIALIZED (
	-- estimated delivery: transit days later, a weekend moves to Monday
	SELECT t.*, x.raw + CASE extract(isodow FROM x.raw) WHEN 6 THEN 2 WHEN 7 THEN 1 ELSE 0 END AS est_date,
	       x.ship_day
	FROM t CROSS JOIN LATERAL (SELECT (t.shipped AT TIME ZONE 'UTC')::date AS ship_day,
	                                  (t.shipped AT TIME ZONE 'UTC')::date + t.transit_days AS raw) x
),
d AS (
	SELECT e.*,
	       CASE WHEN oms_demo.u(e.id, 110) < 0.85 THEN e.est_date
	            WHEN oms_demo.u(e.id, 110) < 0.95 THEN e.est_date + 1
	            ELSE greatest(e.est_date - 1, e.ship_day + 1) END AS dday
	FROM e
),
m AS (
	SELECT d.*,
	       (d.dday + time '06:00') AT TIME ZONE 'UTC' + oms_demo.pick(d.id, 111, 120) * interval '1 minute' AS t_ofd,
	       CASE WHEN d.kind = 'ex' THEN (d.dday + time '10:00') AT TIME ZONE 'UTC' + oms_demo.pick(d.id, 112, 300) * interval '1 minute' END AS t_fail,
	       CASE WHEN d.kind = 'ex' THEN (d.dday + 1 + time '06:30') AT TIME ZONE 'UTC' + oms_demo.pick(d.id, 113, 90) * interval '1 minute' END AS t_ofd2,
	       (d.dday + CASE WHEN d.kind = 'ex' THEN 1 ELSE 0 END + time '10:00') AT TIME ZONE 'UTC'
	           + oms_demo.pick(d.id, 114, 480) * interval '1 minute' + oms_demo.pick(d.id, 115, 60) * interval '1 second' AS t_deliv,
	       -- cancellation request and decision
	       CASE d.kind
	       WHEN 'cw' THEN d.placed_at + (120 + oms_demo.pick(d.id, 116, 54 * 60)) * interval '1 second'
	       WHEN 'ca' THEN d.placed_at + interval '61 minutes' + (d.shipped - d.placed_at - interval '61 minutes') * (0.4 * oms_demo.u(d.id, 117))
	       WHEN 'cr' THEN d.placed_at + interval '61 minutes' + (d.shipped - d.placed_at - interval '61 minutes') * (0.4 * oms_demo.u(d.id, 117))
	       WHEN 'pf' THEN d.placed_at + interval '1 day' + oms_demo.pick(d.id, 116, 360) * interval '1 minute'
	       WHEN 'lc' THEN d.confirmed + (120 + oms_demo.pick(d.id, 116, 20 * 60)) * interval '1 second'
	       END AS c_req
	FROM d
),
c AS MATERIALIZED (
	SELECT m.*,
	       CASE WHEN m.kind IN ('ca', 'cr')
	            THEN m.c_req + greatest(interval '10 minutes', (m.shipped - m.c_req) * (0.5 * oms_demo.u(m.id, 118)))
	            ELSE m.c_req END AS c_dec,
	       m.kind = 'st' AND m.shipped BETWEEN m.anchor - interval '12 days' AND m.anchor - interval '3 days' AS stuck
	FROM m
),
f AS (
	SELECT c.*,
	       c.kind IN ('cw', 'ca', 'pf') AND c.c_dec <= c.anchor AS cancelled,
	       CASE WHEN c.kind = 'pf' THEN NULL
	            WHEN c.kind = 'cw' AND c.c_dec < c.confirmed THEN NULL
	            WHEN c.confirmed <= c.anchor THEN c.confirmed END AS eff_confirmed,
	       CASE WHEN c.kind NOT IN ('cw', 'ca', 'pf') AND c.shipped <= c.anchor THEN c.shipped END AS eff_shipped
	FROM c
),
g AS MATERIALIZED (
	SELECT f.id, f.checkout_id, f.customer_id, f.address_id, f.seller_id, f.placed_at, f.n_lines, f.kind,
	       f.confirmed, f.shipped, f.service_level, f.carrier, f.transit_days, f.est_date,
	       f.t_it,
	       CASE WHEN f.dday - f.ship_day >= 2 THEN f.t_it + (f.t_ofd - f.t_it) / 2 END AS t_mid,
	       f.t_ofd, f.t_fail, f.t_ofd2, f.t_deliv, f.c_req, f.c_dec, f.stuck, f.cancelled, f.eff_confirmed, f.eff_shipped,
	       CASE WHEN f.cancelled THEN 'CANCELLED'
	            WHEN f.eff_confirmed IS NULL THEN 'PENDING'
	            WHEN f.eff_shipped IS NULL THEN 'CONFIRMED'
	            WHEN f.anchor < f.t_it THEN 'SHIPPED'
	            WHEN f.stuck OR f.anchor < f.t_ofd THEN 'IN_TRANSIT'
	            WHEN f.kind = 'ex' AND f.anchor >= f.t_fail AND f.anchor < f.t_ofd2 THEN 'DELIVERY_EXCEPTION'
	            WHEN f.anchor < f.t_deliv THEN 'OUT_FOR_DELIVERY'
	            ELSE 'DELIVERED' END AS status,
	       f.anchor
	FROM f
)
SELECT g.id, g.checkout_id, g.customer_id, g.address_id, g.seller_id, g.placed_at, g.n_lines, g.kind,
       g.confirmed, g.shipped, g.service_level, g.carrier, g.transit_days, g.est_date,
       g.t_it, g.t_mid, g.t_ofd, g.t_fail, g.t_ofd2, g.t_deliv, g.c_req, g.c_dec, g.stuck, g.cancelled,
       g.eff_confirmed, g.eff_shipped, g.status,
       CASE g.status
       WHEN 'CANCELLED' THEN g.c_dec
       WHEN 'PENDING' THEN g.placed_at
       WHEN 'CONFIRMED' THEN g.confirmed
       WHEN 'SHIPPED' THEN g.shipped
       WHEN 'IN_TRANSIT' THEN CASE WHEN NOT g.stuck AND g.t_mid <= g.anchor THEN g.t_mid ELSE g.t_it END
       WHEN 'DELIVERY_EXCEPTION' THEN g.t_fail
       WHEN 'OUT_FOR_DELIVERY' THEN CASE WHEN g.kind = 'ex' AND g.t_ofd2 <= g.anchor THEN g.t_ofd2 ELSE g.t_ofd END
       WHEN 'DELIVERED' THEN g.t_deliv END AS status_at,
       -- dense order_item ids from 1001 (1..999 are the anchor orders' lines):
       -- lines of an order are line_base + 1 .. line_base + n_lines
       (1000 + sum(g.n_lines) OVER (ORDER BY g.id) - g.n_lines)::bigint AS line_base
FROM g;
ALTER TABLE oms_demo.ord ADD PRIMARY KEY (id);
ANALYZE oms_demo.ord;

-- ---------------------------------------------------------------------------
-- Order lines: 1 to 9 (5 on average), distinct items of the order's seller.
-- Sellers 1 and 2 also sell the showcase items 1-20 (item 10 is inactive
-- and only in old orders: discontinued).
INSERT INTO oms.order_item (id, order_id, line_no, item_id, sku, name, qty, unit_price_minor, cancelled_qty)
SELECT o.line_base + l.l, o.id, l.l, i.id, i.sku, i.name, q.qty, i.price_minor,
       -- a line cancellation's last line, and every line of a cancelled order
       -- (as oms_api.cancel_order leaves them)
       CASE WHEN (o.kind = 'lc' AND l.l = o.n_lines AND o.c_req <= p.anchor) OR o.status = 'CANCELLED'
            THEN q.qty ELSE 0 END
FROM oms_demo.param p
JOIN oms_demo.ord o ON true
CROSS JOIN LATERAL generate_series(1, o.n_lines) AS l(l)
CROSS JOIN LATERAL (SELECT
	CASE WHEN o.seller_id <= 2 AND oms_demo.u(o.id * 16 + l.l, 121) < 0.3
	     THEN (o.seller_id - 1) * 10 + 1 + (oms_demo.pick(o.id, 122, 9) + l.l) % (CASE WHEN o.placed_at < p.anchor - interval '300 days' THEN 10 ELSE 9 END)
	     ELSE 21 + (o.seller_id - 1)
	          + p.n_sellers * ((oms_demo.pick(o.id, 123, p.items_per_seller) + l.l * 7) % p.items_per_seller)
	END AS item_id,
	CASE WHEN oms_demo.u(o.id * 16 + l.l, 124) < 0.7 THEN 1
	     WHEN oms_demo.u(o.id * 16 + l.l, 124) < 0.9 THEN 2
	     ELSE 3 + oms_demo.pick(o.id * 16 + l.l, 125, 3) END AS qty) q
JOIN oms.item i ON i.id = q.item_id;

-- ---------------------------------------------------------------------------
-- Checkouts and orders.
INSERT INTO oms.checkout (id, customer_id, address_id, currency, created_by, created_at)
SELECT id, customer_id, address_id, 'USD', 'web', placed_at FROM oms_demo.chk;

-- The service level chosen at checkout (issue 11): the staged mix (15%
-- economy, 60% ground, 20% express, 5% overnight), the level its shipment
-- goes with. At the tiny scale (the tests' data) an order not shipped at
-- the anchor stays ground: the fulfilment queue the tests compare is as it
-- was before checkout chose the level.
INSERT INTO oms.orders (id, checkout_id, customer_id, seller_id, status, status_at, currency,
                        subtotal_minor, shipping_minor, ship_address_id, ship_to,
                        placed_at, confirmed_at, shipped_at, delivered_at, cancelled_at, service_level)
SELECT o.id, o.checkout_id, o.customer_id, o.seller_id, o.status, o.status_at, 'USD',
       li.subtotal,
       CASE WHEN s.free_shipping_over_minor IS NOT NULL AND li.subtotal >= s.free_shipping_over_minor THEN 0
            ELSE s.shipping_flat_minor END,
       o.address_id,
       jsonb_build_object('name', a.name, 'line1', a.line1, 'line2', a.line2, 'city', a.city,
                          'region', a.region, 'postal_code', a.postal_code, 'country', a.country),
       o.placed_at, o.eff_confirmed, o.eff_shipped,
       CASE WHEN o.status = 'DELIVERED' THEN o.t_deliv END,
       CASE WHEN o.status = 'CANCELLED' THEN o.c_dec END,
       CASE WHEN p.scale = 'tiny' AND o.eff_shipped IS NULL THEN 'ground' ELSE o.service_level END
FROM oms_demo.ord o
CROSS JOIN oms_demo.param p
JOIN (SELECT order_id, sum(line_total_minor) AS subtotal FROM oms.order_item GROUP BY order_id) li ON li.order_id = o.id
JOIN oms.seller s ON s.id = o.seller_id
JOIN oms.address a ON a.id = o.address_id;

-- ---------------------------------------------------------------------------
-- Payments: verified for every order that got confirmed; pending for orders
-- still waiting (pf: with failed attempts), failed after three attempts (pf,
-- cancelled). An order cancelled before its payment was verified has none.
INSERT INTO oms.payment (id, order_id, status, provider_ref, amount_minor, currency, attempts, verified_at, created_at)
SELECT o.id - 999999, o.id,
       CASE WHEN x.eff_confirmed IS NOT NULL THEN 'verified'
            WHEN x.kind = 'pf' AND x.cancelled THEN 'failed'
            ELSE 'pending' END,
       'pi_' || substr(md5('pay:' || o.id), 1, 24),
       o.total_minor, o.currency,
       CASE WHEN x.eff_confirmed IS NOT NULL THEN 1
            WHEN x.kind = 'pf' AND x.cancelled THEN 3
            WHEN x.kind = 'pf' THEN least(2, 1 + floor(extract(epoch FROM p.anchor - o.placed_at) / 28800)::int)
            ELSE 0 END,
       x.eff_confirmed,
       o.placed_at
FROM oms_demo.param p
JOIN oms_demo.ord x ON true
JOIN oms.orders o ON o.id = x.id
WHERE NOT (x.kind = 'cw' AND x.cancelled AND x.eff_confirmed IS NULL);

SELECT oms_demo.restore_indexes('oms.orders');
SELECT oms_demo.restore_indexes('oms.order_item');
SELECT oms_demo.restore_indexes('oms.checkout');
SELECT oms_demo.restore_indexes('oms.payment');
RESET maintenance_work_mem;
RESET work_mem;
RESET session_replication_role;
