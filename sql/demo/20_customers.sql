-- Demo data, step 2: checkouts (staged), customers, addresses.
--
-- Customer 1 is "Zoë Ångström-Nakamura" (~500 orders, every status),
-- customer 2 "José Müller". Address ids: a customer's home address has the
-- customer's id; a second (work) address, for about half of them, has id
-- n_customers + customer id.

SET client_min_messages = warning;
SET jit = off;   -- compiling these big expressions costs more than it saves
SET session_replication_role = replica;
SET work_mem = '256MB';
SET maintenance_work_mem = '512MB';
SELECT oms_demo.drop_indexes('oms.customer');
SELECT oms_demo.drop_indexes('oms.address');

-- Whether customer k has a second address.
CREATE FUNCTION oms_demo.has_work_address(k bigint) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN k = 1 OR (k > 2 AND oms_demo.u(k, 5) < 0.5);

-- ---------------------------------------------------------------------------
-- Checkouts of the history (ids 101..; 1..100 are kept for the anchor
-- orders). One checkout has 1 to 3 orders (one per seller); they are spread
-- over the two years before the anchor, denser toward the end (the business
-- grows), ids in time order.
CREATE UNLOGGED TABLE oms_demo.chk AS
WITH p AS (
	SELECT *, round(n_orders / 1.48)::int AS n_checkouts FROM oms_demo.param
), c AS (
	SELECT g.c, p.n_customers, p.n_sellers, p.anchor,
	       p.n_checkouts,
	       greatest(2, p.n_checkouts / round((p.cust1_orders - 12) / 1.48)::int) AS k1,
	       greatest(3, p.n_checkouts / 10) AS k2
	FROM p CROSS JOIN LATERAL generate_series(0, p.n_checkouts - 1) AS g(c)
), a AS MATERIALIZED (
	SELECT c.c,
	       101 + c.c AS id,
	       CASE WHEN c.c % c.k1 = 3 THEN 1
	            WHEN c.c % c.k2 = 7 THEN 2
	            -- a few customers buy a lot; the multiplication scatters them over the ids
	            ELSE 3 + (floor((c.n_customers - 2) * power(oms_demo.u(c.c, 11), 1.2))::bigint * 7919)
	                     % (c.n_customers - 2)
	       END AS customer_id,
	       date_trunc('second', c.anchor - interval '730 days'
	           + interval '730 days' * power((c.c + 0.5)::float8 / c.n_checkouts, 1 / 1.3::float8)
	           + oms_demo.pick(c.c, 12, 40) * interval '1 second') AS placed_at,
	       CASE WHEN oms_demo.u(c.c, 13) < 0.62 THEN 1 WHEN oms_demo.u(c.c, 13) < 0.90 THEN 2 ELSE 3 END AS n_orders,
	       -- first seller: popular sellers (low ids) sell more
	       floor(c.n_sellers * power(oms_demo.u(c.c, 14), 1.5))::int AS seller0,
	       c.n_customers
	FROM c
)
SELECT a.c, a.id, a.customer_id,
       CASE WHEN oms_demo.has_work_address(a.customer_id) AND oms_demo.u(a.c, 15) < 0.3
            THEN a.n_customers + a.customer_id ELSE a.customer_id END AS address_id,
       a.placed_at, a.n_orders, a.seller0,
       (sum(a.n_orders) OVER (ORDER BY a.c) - a.n_orders)::int AS first_idx
FROM a;

-- ---------------------------------------------------------------------------
-- Customers. Names from the lists, e-mail addresses with the id in them
-- (unique), E.164 phones (+1 555 mostly, some UK and German mobiles, some
-- none). A customer exists some days before their first checkout.
INSERT INTO oms.customer (id, full_name, email, phone, created_at)
SELECT g.id,
       CASE g.id WHEN 1 THEN 'Zoë Ångström-Nakamura' WHEN 2 THEN 'José Müller'
            ELSE f.name || ' ' || l.name END,
       CASE g.id WHEN 1 THEN 'zoe.angstrom@example.com' WHEN 2 THEN 'jose.muller@example.com'
       ELSE
           (CASE WHEN oms_demo.u(g.id, 26) < 0.04 THEN initcap(lp.local) ELSE lp.local END)
           || '@' || oms_demo.pick_of(g.id, 27, ARRAY['example.com', 'example.com', 'example.net',
                     'example.org', 'mail.example.com', 'inbox.example.net'])
       END,
       CASE g.id WHEN 1 THEN '+15550100199' WHEN 2 THEN '+15550100142'
       ELSE CASE WHEN oms_demo.u(g.id, 28) < 0.07 THEN NULL
                 WHEN oms_demo.u(g.id, 28) < 0.11 THEN '+447700' || lpad(g.id::text, 6, '0')
                 WHEN oms_demo.u(g.id, 28) < 0.13 THEN '+49151' || lpad(g.id::text, 8, '0')
                 ELSE '+1555' || (2000000 + g.id)::text END
       END,
       coalesce(fc.first_at - (1 + oms_demo.pick(g.id, 29, 90)) * interval '1 day'
                            - oms_demo.pick(g.id, 30, 86400) * interval '1 second',
                p.anchor - (1 + oms_demo.pick(g.id, 29, 760)) * interval '1 day'
                         - oms_demo.pick(g.id, 30, 86400) * interval '1 second')
FROM oms_demo.param p
CROSS JOIN LATERAL generate_series(1, p.n_customers) AS g(id)
JOIN oms_demo.first_name f ON f.i = 1 + oms_demo.pick(g.id, 21, (SELECT count(*) FROM oms_demo.first_name))
JOIN oms_demo.last_name l ON l.i = 1 + oms_demo.pick(g.id, 22, (SELECT count(*) FROM oms_demo.last_name))
CROSS JOIN LATERAL (SELECT CASE oms_demo.pick(g.id, 23, 4)
	WHEN 0 THEN f.ascii || '.' || l.ascii || g.id
	WHEN 1 THEN left(f.ascii, 1) || l.ascii || g.id
	WHEN 2 THEN f.ascii || '_' || l.ascii || g.id
	ELSE l.ascii || '.' || f.ascii || g.id END AS local) lp
LEFT JOIN (SELECT customer_id, min(placed_at) AS first_at FROM oms_demo.chk GROUP BY customer_id) fc
       ON fc.customer_id = g.id;

-- ---------------------------------------------------------------------------
-- Addresses: home (default) for everybody, work for about half.
INSERT INTO oms.address (id, customer_id, label, name, line1, line2, city, region, postal_code, country,
                         is_default, created_at)
SELECT CASE w.work WHEN false THEN c.id ELSE p.n_customers + c.id END,
       c.id,
       CASE w.work WHEN false THEN 'home' ELSE 'work' END,
       c.full_name,
       CASE WHEN c.id = 1 AND NOT w.work THEN '1200 Harbor Ave SW'
            WHEN c.id = 1 THEN '400 Pine St'
            WHEN c.id = 2 THEN '1450 Brickell Ave'
            ELSE (1 + oms_demo.pick(k.k, 31, 9899))::text || ' '
                 || oms_demo.pick_of(k.k, 32, oms_demo.street_names()) END,
       CASE WHEN c.id = 1 AND NOT w.work THEN 'Apt 5C'
            WHEN c.id = 1 THEN 'Suite 210'
            WHEN c.id = 2 THEN 'Apt 2304'
            WHEN w.work THEN 'Suite ' || (100 + oms_demo.pick(k.k, 33, 800))::text
            WHEN oms_demo.u(k.k, 34) < 0.3
                 THEN 'Apt ' || (1 + oms_demo.pick(k.k, 35, 40))::text || chr(65 + oms_demo.pick(k.k, 36, 6)) END,
       ci.city, ci.region,
       CASE WHEN c.id = 1 THEN '98101' WHEN c.id = 2 THEN '33131'
       ELSE CASE ci.country
            WHEN 'US' THEN ci.zip || lpad(oms_demo.pick(k.k, 37, 100)::text, 2, '0')
            WHEN 'CA' THEN ci.zip || ' ' || (1 + oms_demo.pick(k.k, 37, 9))::text
                           || chr(65 + oms_demo.pick(k.k, 38, 26)) || (oms_demo.pick(k.k, 39, 10))::text
            WHEN 'GB' THEN ci.zip || ' ' || (1 + oms_demo.pick(k.k, 37, 9))::text
                           || chr(65 + oms_demo.pick(k.k, 38, 26)) || chr(65 + oms_demo.pick(k.k, 39, 26))
            WHEN 'JP' THEN ci.zip || '-' || lpad(oms_demo.pick(k.k, 37, 10000)::text, 4, '0')
            ELSE ci.zip || lpad(oms_demo.pick(k.k, 37, 100)::text, 2, '0') END
       END,
       ci.country,
       NOT w.work,
       c.created_at + CASE w.work WHEN false THEN interval '0' ELSE interval '1 minute' END
FROM oms_demo.param p
JOIN oms.customer c ON true
CROSS JOIN LATERAL (VALUES (false), (true)) AS w(work)
CROSS JOIN LATERAL (SELECT CASE w.work WHEN false THEN c.id ELSE p.n_customers + c.id END AS k) k
JOIN oms_demo.city ci ON ci.i = CASE
	WHEN c.id = 1 THEN (SELECT i FROM oms_demo.city WHERE city = 'Seattle')
	WHEN c.id = 2 THEN (SELECT i FROM oms_demo.city WHERE city = 'Miami')
	-- the work address is in the home town mostly
	WHEN w.work AND oms_demo.u(c.id, 40) < 0.8 THEN
		CASE WHEN oms_demo.u(c.id, 41) < 0.93 THEN 1 + oms_demo.pick(c.id, 42, 40)
		     ELSE 41 + oms_demo.pick(c.id, 42, 9) END
	WHEN oms_demo.u(k.k, 41) < 0.93 THEN 1 + oms_demo.pick(k.k, 42, 40)
	ELSE 41 + oms_demo.pick(k.k, 42, 9) END
WHERE NOT w.work OR oms_demo.has_work_address(c.id);

SELECT oms_demo.restore_indexes('oms.customer');
SELECT oms_demo.restore_indexes('oms.address');
RESET work_mem;
RESET maintenance_work_mem;
RESET session_replication_role;
