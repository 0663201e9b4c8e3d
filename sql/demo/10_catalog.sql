-- Demo data, step 1: sellers, staff (with the demo logins), catalog, holidays.

SET client_min_messages = warning;
SET jit = off;   -- compiling these big expressions costs more than it saves
SET session_replication_role = replica;

-- ---------------------------------------------------------------------------
-- Sellers: 10 at tiny scale, 50 otherwise. Ids are fixed by position.
INSERT INTO oms.seller (id, name, email, shipping_flat_minor, free_shipping_over_minor, handling_days, created_at)
SELECT v.id, v.name,
       'orders@' || v.slug || '.example.com',
       (ARRAY[0, 499, 599, 799, 999])[1 + oms_demo.pick(v.id, 1, 5)],
       (ARRAY[NULL, 3500, 5000, 7500]::bigint[])[1 + oms_demo.pick(v.id, 2, 4)],
       1 + v.id % 3,                                   -- 30_orders.sql uses the same formula
       p.anchor - interval '900 days' + v.id * interval '3 days'
FROM oms_demo.param p
JOIN (VALUES
	(1, 'Northwind Outfitters', 'northwind'), (2, 'Blue Heron Home', 'blueheron'),
	(3, 'Copperleaf Kitchen', 'copperleaf'), (4, 'Atlas Electronics', 'atlas'),
	(5, 'Little Acorn Toys', 'littleacorn'), (6, 'Saltwater Surf Co.', 'saltwater'),
	(7, 'Brightline Office', 'brightline'), (8, 'Nordlys Design', 'nordlys'),
	(9, 'Maison Lumière', 'maisonlumiere'), (10, 'Pacific Pet Supply', 'pacificpet'),
	(11, 'Urban Garden Co.', 'urbangarden'), (12, 'Ironclad Tools', 'ironclad'),
	(13, 'Velvet & Vine', 'velvetvine'), (14, 'Summit Sports', 'summit'),
	(15, 'Paper Lantern Books', 'paperlantern'), (16, 'Golden Spoon Pantry', 'goldenspoon'),
	(17, 'Tidewater Apparel', 'tidewater'), (18, 'Redwood Camping', 'redwood'),
	(19, 'Pixel Forge Games', 'pixelforge'), (20, 'Harmony Music House', 'harmony'),
	(21, 'Cobblestone Shoes', 'cobblestone'), (22, 'Silver Birch Jewelry', 'silverbirch'),
	(23, 'Cloud Nine Bedding', 'cloudnine'), (24, 'Greenfield Organics', 'greenfield'),
	(25, 'Starlight Lighting', 'starlight'), (26, 'Riverbend Crafts', 'riverbend'),
	(27, 'Polar Bear Outdoor', 'polarbear'), (28, 'Café Olé Coffee', 'cafeole'),
	(29, 'Keystone Hardware', 'keystone'), (30, 'Lotus Wellness', 'lotus'),
	(31, 'Prairie Leather Works', 'prairie'), (32, 'Blue Ridge Bikes', 'blueridge'),
	(33, 'Sakura Stationery', 'sakura'), (34, 'Kōbō Ceramics', 'kobo'),
	(35, 'Evergreen Baby', 'evergreen'), (36, 'Metro Mobile', 'metromobile'),
	(37, 'Sunrise Beauty', 'sunrise'), (38, 'Old Mill Furniture', 'oldmill'),
	(39, 'Wildflower Candles', 'wildflower'), (40, 'Horizon Travel Gear', 'horizon'),
	(41, 'Orchard Hill Tea', 'orchardhill'), (42, 'Quantum Computer Supply', 'quantum'),
	(43, 'Lighthouse Marine', 'lighthouse'), (44, 'Bramble & Fox', 'bramblefox'),
	(45, 'Trailhead Fitness', 'trailhead'), (46, 'Mosaic Rugs', 'mosaic'),
	(47, 'Hearth & Home', 'hearth'), (48, 'Nimbus Audio', 'nimbus'),
	(49, 'Granite Peak Climbing', 'granitepeak'), (50, 'Sweet Pea Kids', 'sweetpea')
) AS v(id, name, slug) ON v.id <= p.n_sellers;

-- ---------------------------------------------------------------------------
-- Demo logins: cluster-wide LOGIN roles, each in its staff group.
DO $$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT * FROM (VALUES
		('demo_csr', 'oms_csr'), ('demo_fulfilment', 'oms_fulfilment'), ('demo_analyst', 'oms_analyst'),
		('demo_admin', 'oms_admin'), ('demo_worker', 'oms_worker')) AS v(login, grp)
	LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r.login) THEN
			EXECUTE format('CREATE ROLE %I LOGIN', r.login);
		END IF;
		IF NOT pg_has_role(r.login, r.grp, 'MEMBER') THEN
			EXECUTE format('GRANT %I TO %I', r.grp, r.login);
		END IF;
		EXECUTE format('COMMENT ON ROLE %I IS %L', r.login, 'oms demo login (' || r.grp || ')');
	END LOOP;
END
$$;

-- Staff rows: the demo logins, then the people named in the generated
-- history (no login role: they only appear as actors in the data).
INSERT INTO oms.staff (login, full_name, role, seller_id, active, created_at)
SELECT v.login, v.full_name, v.role, v.seller_id, true, p.anchor - interval '800 days'
FROM oms_demo.param p,
(VALUES
	('demo_csr', 'Sarah Chen', 'csr', NULL::bigint),
	('demo_fulfilment', 'Felix Ortega', 'fulfilment', 1),
	('demo_analyst', 'Morgan Lee', 'analyst', NULL),
	('demo_admin', 'Jordan Admin', 'admin', NULL),
	('demo_worker', 'oms worker', 'worker', NULL),
	('csr_amara', 'Amara Okafor', 'csr', NULL),
	('csr_tomas', 'Tomás Herrera', 'csr', NULL),
	('csr_ingrid', 'Ingrid Larsen', 'csr', NULL),
	('csr_kenji', 'Kenji Watanabe', 'csr', NULL),
	('csr_leila', 'Leila Haddad', 'csr', NULL)
) AS v(login, full_name, role, seller_id);

-- one fulfilment person for every other seller
INSERT INTO oms.staff (login, full_name, role, seller_id, active, created_at)
SELECT 'ful_s' || lpad(s.id::text, 2, '0'),
       f.name || ' ' || l.name, 'fulfilment', s.id, true, s.created_at
FROM oms.seller s
JOIN oms_demo.first_name f ON f.i = 1 + oms_demo.pick(s.id, 3, 70)
JOIN oms_demo.last_name l ON l.i = 1 + oms_demo.pick(s.id, 4, 70)
WHERE s.id > 1;

-- staff rows that were there before the wipe (made by tests or by hand)
INSERT INTO oms.staff
SELECT k.* FROM oms_demo.kept_staff k
WHERE k.seller_id IS NULL OR k.seller_id IN (SELECT id FROM oms.seller)
ON CONFLICT DO NOTHING;

-- The CSRs and deciders of the generated history, looked up by position.
CREATE TABLE oms_demo.csr AS
SELECT row_number() OVER (ORDER BY login) - 1 AS i, login, full_name
FROM oms.staff WHERE role = 'csr' AND (login = 'demo_csr' OR login LIKE 'csr\_%');

-- ---------------------------------------------------------------------------
-- Catalog. Items 1-20 are fixed showcase items of sellers 1 and 2 (the anchor
-- orders use them); items 21.. belong to seller ((id - 21) % n_sellers) + 1,
-- slot (id - 21) / n_sellers, items_per_seller slots each.
INSERT INTO oms.item (id, seller_id, sku, name, price_minor, currency, weight_grams, active, created_at)
SELECT v.id, CASE WHEN v.id <= 10 THEN 1 ELSE 2 END, v.sku, v.name, v.price, 'USD', v.grams, v.id <> 10,
       p.anchor - interval '850 days'
FROM oms_demo.param p,
(VALUES
	(1, 'NW-TR2-BLK-42', 'Trail Runner 2 Shoes, Black, EU 42', 12999, 780),
	(2, 'NW-PACK-25L', 'Packable Daypack 25 L', 4999, 340),
	(3, 'NW-SOCK-3P', 'Merino Hiking Socks (3 pairs)', 2499, 210),
	(4, 'NW-FLEECE-M', 'Polar Fleece Jacket, M', 7999, 520),
	(5, 'NW-BTL-750', 'Insulated Bottle 750 ml', 2999, 390),
	(6, 'NW-HLAMP-400', 'Rechargeable Headlamp 400 lm', 3999, 110),
	(7, 'NW-POLES-CF', 'Carbon Trekking Poles (pair)', 8999, 460),
	(8, 'NW-BEANIE-CH', 'Wool Beanie, Charcoal', 1999, 90),
	(9, 'NW-TENT-UL2', 'Ultralight Tent, 2 Person', 24999, 1350),
	(10, 'NW-GAITER', 'Trail Gaiters (discontinued)', 1799, 150),
	(11, 'BH-MUG-SET4', 'Stoneware Mug Set (4)', 3499, 1600),
	(12, 'BH-THROW-KN', 'Chunky Knit Throw Blanket', 5999, 1900),
	(13, 'BH-LAMP-CER', 'Ceramic Table Lamp', 6999, 2300),
	(14, 'BH-TOWEL-BA', 'Organic Cotton Bath Towel', 1999, 650),
	(15, 'BH-CANDLE-FC', 'Soy Candle — Fig & Cedar', 1899, 420),
	(16, 'BH-CUSH-4545', 'Linen Cushion Cover 45×45 cm', 2499, 250),
	(17, 'BH-VASE-GL', 'Hand-blown Glass Vase', 4499, 980),
	(18, 'BH-RUG-JUTE', 'Jute Area Rug 120×180 cm', 12999, 4200),
	(19, 'BH-CLOCK-OAK', 'Oak Wall Clock', 3999, 1100),
	(20, 'BH-DIFFUSER', 'Aroma Diffuser', 2999, 540)
) AS v(id, sku, name, price, grams);

INSERT INTO oms.item (id, seller_id, sku, name, price_minor, currency, weight_grams, active, created_at)
SELECT g.id,
       (g.id - 21) % p.n_sellers + 1,
       'S' || lpad(((g.id - 21) % p.n_sellers + 1)::text, 2, '0') || '-'
           || lpad(((g.id - 21) / p.n_sellers + 1)::text, 4, '0') || '-' || upper(left(c.color, 3)),
       oms_demo.pick_of(g.id, 11, ARRAY['Classic', 'Premium', 'Everyday', 'Compact', 'Deluxe', 'Eco',
           'Vintage', 'Modern', 'Rugged', 'Essential', 'Ultra', 'Heritage', 'Nordic', 'Pro', 'Mini'])
           || ' ' || pr.product || ', ' || c.color,
       -- prices from $3 to ~$400, ending in .99, weighted toward cheap
       greatest(299, (round(pr.base * (0.6 + oms_demo.u(g.id, 12)) ) * 100 - 1)::bigint),
       'USD',
       pr.grams,
       oms_demo.u(g.id, 13) >= 0.06,
       p.anchor - interval '850 days' + oms_demo.pick(g.id, 14, 700) * interval '1 day'
FROM oms_demo.param p
CROSS JOIN LATERAL generate_series(21, 20 + p.n_sellers * p.items_per_seller) AS g(id)
CROSS JOIN LATERAL (SELECT (ARRAY['Black', 'White', 'Navy', 'Forest Green', 'Sand', 'Slate', 'Crimson',
           'Ocean Blue', 'Charcoal', 'Ivory', 'Mustard', 'Olive', 'Rose', 'Teal'])[1 + oms_demo.pick(g.id, 15, 14)] AS color) c
CROSS JOIN LATERAL (SELECT * FROM (VALUES
	(0, 'Water Bottle', 25, 350), (1, 'Backpack', 70, 900), (2, 'Desk Lamp', 45, 1200),
	(3, 'Throw Pillow', 30, 500), (4, 'Coffee Mug', 15, 400), (5, 'Wireless Earbuds', 90, 60),
	(6, 'Phone Case', 20, 50), (7, 'Yoga Mat', 40, 1500), (8, 'Notebook', 8, 300),
	(9, 'Scented Candle', 18, 450), (10, 'Cutting Board', 35, 1300), (11, 'Chef''s Knife', 80, 250),
	(12, 'Bluetooth Speaker', 60, 700), (13, 'Wall Clock', 40, 900), (14, 'T-Shirt', 22, 200),
	(15, 'Hoodie', 55, 650), (16, 'Sneakers', 95, 900), (17, 'Wool Socks', 12, 100),
	(18, 'Sunglasses', 45, 60), (19, 'Watch', 150, 120), (20, 'Picture Frame', 20, 600),
	(21, 'Plant Pot', 25, 1100), (22, 'Board Game', 40, 1200), (23, 'Puzzle (1000 pcs)', 20, 800),
	(24, 'Dog Leash', 18, 200), (25, 'Cat Tree', 110, 9000), (26, 'Camping Chair', 60, 3000),
	(27, 'Tent', 220, 3500), (28, 'Bike Light Set', 30, 200), (29, 'Cookware Set', 180, 7000),
	(30, 'Bath Towel', 20, 650), (31, 'Duvet Cover', 75, 1400), (32, 'Table Runner', 25, 300),
	(33, 'Fountain Pen', 60, 40), (34, 'USB-C Charger', 30, 150), (35, 'Keyboard', 85, 900),
	(36, 'Face Serum', 35, 80), (37, 'Loose Leaf Tea', 14, 150), (38, 'Coffee Beans 1 kg', 28, 1050),
	(39, 'Climbing Harness', 70, 450), (40, 'Baby Blanket', 30, 300), (41, 'Area Rug', 250, 8000),
	(42, 'Leather Wallet', 50, 120), (43, 'Necklace', 120, 30), (44, 'Ukulele', 90, 900)
) AS t(i, product, base, grams) WHERE t.i = oms_demo.pick(g.id, 16, 45)) pr;

-- ---------------------------------------------------------------------------
-- US federal holidays (delivery estimates skip them); the migrations may
-- already have some.
INSERT INTO oms.holiday (day, name)
SELECT d::date, n FROM (VALUES
	('2024-01-01', 'New Year''s Day'), ('2024-01-15', 'Martin Luther King Jr. Day'), ('2024-02-19', 'Presidents'' Day'),
	('2024-05-27', 'Memorial Day'), ('2024-06-19', 'Juneteenth'), ('2024-07-04', 'Independence Day'),
	('2024-09-02', 'Labor Day'), ('2024-10-14', 'Columbus Day'), ('2024-11-11', 'Veterans Day'),
	('2024-11-28', 'Thanksgiving Day'), ('2024-12-25', 'Christmas Day'),
	('2025-01-01', 'New Year''s Day'), ('2025-01-20', 'Martin Luther King Jr. Day'), ('2025-02-17', 'Presidents'' Day'),
	('2025-05-26', 'Memorial Day'), ('2025-06-19', 'Juneteenth'), ('2025-07-04', 'Independence Day'),
	('2025-09-01', 'Labor Day'), ('2025-10-13', 'Columbus Day'), ('2025-11-11', 'Veterans Day'),
	('2025-11-27', 'Thanksgiving Day'), ('2025-12-25', 'Christmas Day'),
	('2026-01-01', 'New Year''s Day'), ('2026-01-19', 'Martin Luther King Jr. Day'), ('2026-02-16', 'Presidents'' Day'),
	('2026-05-25', 'Memorial Day'), ('2026-06-19', 'Juneteenth'), ('2026-07-03', 'Independence Day (observed)'),
	('2026-09-07', 'Labor Day'), ('2026-10-12', 'Columbus Day'), ('2026-11-11', 'Veterans Day'),
	('2026-11-26', 'Thanksgiving Day'), ('2026-12-25', 'Christmas Day'),
	('2027-01-01', 'New Year''s Day'), ('2027-01-18', 'Martin Luther King Jr. Day'), ('2027-02-15', 'Presidents'' Day'),
	('2027-05-31', 'Memorial Day'), ('2027-06-18', 'Juneteenth (observed)'), ('2027-07-05', 'Independence Day (observed)'),
	('2027-09-06', 'Labor Day'), ('2027-10-11', 'Columbus Day'), ('2027-11-11', 'Veterans Day'),
	('2027-11-25', 'Thanksgiving Day'), ('2027-12-24', 'Christmas Day (observed)')
) AS v(d, n)
ON CONFLICT DO NOTHING;

RESET session_replication_role;
