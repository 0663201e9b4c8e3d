-- oms_api.customer_orders: newest first, keyset paging on (placed_at,
-- order_no) with no gap and no duplicate across pages (120 orders, three
-- placed at each instant), status and date filters, visibility; the
-- status groups, the stuck flag and the items of a cancelled order
-- (issue 13).
BEGIN;
\ir fixture.psql
SELECT plan(33);

-- Morgan has 120 orders (seller A, 2 x Widget), placed by place_checkout.
-- Order i (1..120) is placed at 2024-01-01 12:00 UTC + (i % 40) days, so
-- every instant has three orders. i % 10 = 0: unpaid, then cancelled;
-- i % 10 = 5: unpaid (PENDING); the rest paid (CONFIRMED).
SELECT pg_temp.new_customer('Morgan Many', 'morgan.many@example.com') AS many \gset
CREATE TEMP TABLE placed (i int, order_no bigint);
INSERT INTO placed
SELECT i, pg_temp.order_for(:many, jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 2)), i % 5 <> 0)
FROM generate_series(1, 120) i;
UPDATE oms.orders o SET placed_at = timestamptz '2024-01-01 12:00 UTC' + (p.i % 40) * interval '1 day'
FROM placed p WHERE p.order_no = o.order_no;
GRANT SELECT ON placed TO PUBLIC;
SELECT count(*) FROM (SELECT order_no FROM placed WHERE i % 10 = 0 OFFSET 0) p,
	LATERAL oms_api.cancel_order(p.order_no, 'duplicate_order') \g /dev/null
-- Issue 13: order i = 1 is shipped (its shipment flagged as stuck), and
-- order i = 15 (unpaid) is cancelled as a bulk load writes it (the demo's
-- orders): status CANCELLED, its lines' cancelled_qty left at 0.
SELECT oms_api.mark_shipped((SELECT order_no FROM placed WHERE i = 1), 'Local', '1ZCOGROUP1') \g /dev/null
UPDATE oms.shipment SET flagged = true
WHERE order_id = (SELECT o.id FROM oms.orders o JOIN placed p ON p.order_no = o.order_no WHERE p.i = 1);
SET session_replication_role = replica;
UPDATE oms.orders o SET status = 'CANCELLED', cancelled_at = o.placed_at + interval '1 hour'
FROM placed p WHERE p.order_no = o.order_no AND p.i = 15;
RESET session_replication_role;
-- Alex (the fixture customer) has one order of his own.
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS alex_order \gset

-- Every page of customer_orders, following the last row's (placed_at,
-- order_no) until a page comes back short; p_by_no: giving the last row's
-- order number alone (p_after_placed NULL: the function reads its
-- placed_at; what oms sends since issue 14).
CREATE FUNCTION pg_temp.co_pages(p_cust bigint, p_limit int, p_status text DEFAULT NULL,
	p_from date DEFAULT NULL, p_to date DEFAULT NULL, p_by_no boolean DEFAULT false)
RETURNS TABLE (page int, pos int, order_no bigint, placed_at timestamptz, status text)
LANGUAGE plpgsql AS $$
DECLARE
	v_placed timestamptz;
	v_no bigint;
	v_page int := 0;
	v_pos int := 0;
	v_n int;
	r record;
BEGIN
	LOOP
		v_page := v_page + 1;
		v_n := 0;
		FOR r IN SELECT * FROM oms_api.customer_orders(p_cust, p_status, p_from, p_to,
		                                               CASE WHEN NOT p_by_no THEN v_placed END, v_no, p_limit) LOOP
			v_n := v_n + 1;
			v_pos := v_pos + 1;
			page := v_page; pos := v_pos; order_no := r.order_no; placed_at := r.placed_at; status := r.status;
			v_placed := r.placed_at;
			v_no := r.order_no;
			RETURN NEXT;
		END LOOP;
		EXIT WHEN v_n < p_limit OR v_page > 1000;
	END LOOP;
END
$$;

-- Whether the paged list is the unpaged list, row for row.
CREATE FUNCTION pg_temp.co_paging_ok(p_cust bigint, p_limit int, p_status text DEFAULT NULL,
	p_from date DEFAULT NULL, p_to date DEFAULT NULL) RETURNS boolean
LANGUAGE sql AS $$
	SELECT (SELECT array_agg(order_no ORDER BY pos) FROM pg_temp.co_pages(p_cust, p_limit, p_status, p_from, p_to))
	       IS NOT DISTINCT FROM
	       (SELECT array_agg(order_no) FROM oms_api.customer_orders(p_cust, p_status, p_from, p_to, NULL, NULL, 500))
$$;

SET SESSION AUTHORIZATION t_csr;
SELECT is((SELECT count(*) FROM oms_api.customer_orders(:many)), 50::bigint,
	'customer_orders: the default page is 50 rows');
SELECT is((SELECT order_no FROM oms_api.customer_orders(:many) LIMIT 1),
	(SELECT max(order_no) FROM placed WHERE i % 40 = 39),
	'customer_orders: the first row is the newest order (latest instant, highest number among the ties)');
SELECT ok((SELECT bool_and((placed_at, order_no) < (prev_placed, prev_no)) FROM (
		SELECT placed_at, order_no, lag(placed_at) OVER w prev_placed, lag(order_no) OVER w prev_no
		FROM oms_api.customer_orders(:many, p_limit => 500) WITH ORDINALITY x(order_no, placed_at, status, seller_name, items,
		     total_minor, currency, stuck, n)
		WINDOW w AS (ORDER BY n)) y WHERE prev_no IS NOT NULL),
	'customer_orders: newest first, strictly descending on (placed_at, order_no)');
SELECT set_eq(format('SELECT order_no FROM oms_api.customer_orders(%s, p_limit => 500)', :many),
	'SELECT order_no FROM placed', 'customer_orders: all 120 orders of the customer and no other customer''s');
SELECT results_eq(format($$SELECT count(*), count(DISTINCT order_no), max(page), min(page)
	FROM pg_temp.co_pages(%s, 7)$$, :many),
	$$VALUES (120::bigint, 120::bigint, 18, 1)$$,
	'customer_orders: paging 7 at a time gives 120 distinct orders in 18 pages');
SELECT set_eq(format('SELECT order_no FROM pg_temp.co_pages(%s, 7)', :many), 'SELECT order_no FROM placed',
	'customer_orders: the pages together hold exactly the customer''s orders (no gap)');
SELECT is((SELECT max(n) FROM (SELECT count(*) n FROM pg_temp.co_pages(:many, 7) GROUP BY page) x), 7::bigint,
	'customer_orders: no page is longer than p_limit');
SELECT is((SELECT array_agg(l) FROM unnest(ARRAY[1, 2, 3, 4, 7, 50, 119, 120, 121]) l
	WHERE NOT pg_temp.co_paging_ok(:many, l)), NULL,
	'customer_orders: with p_limit 1, 2, 3, 4, 7, 50, 119, 120, 121 the pages put together are the unpaged list (ties split across pages too)');
SELECT is((SELECT array_agg(l) FROM unnest(ARRAY[1, 3, 7, 50, 120]) l
	WHERE (SELECT array_agg(order_no ORDER BY pos) FROM pg_temp.co_pages(:many, l, p_by_no => true))
	      IS DISTINCT FROM (SELECT array_agg(order_no) FROM oms_api.customer_orders(:many, p_limit => 500))), NULL,
	'customer_orders: paging by the last order number alone (p_after_placed NULL) gives the unpaged list (p_limit 1, 3, 7, 50, 120)');
SELECT results_eq(format('SELECT order_no FROM oms_api.customer_orders(%s, NULL, NULL, NULL, NULL, 999999999999)', :many),
	format('SELECT order_no FROM oms_api.customer_orders(%s)', :many),
	'customer_orders: an order number no order has, with no placed_at, gives the first page');
SELECT is((SELECT count(*) FROM oms_api.customer_orders(:many, NULL, NULL, NULL,
	(SELECT min(placed_at) FROM oms_api.customer_orders(:many, p_limit => 500)),
	(SELECT min(order_no) FROM placed WHERE i % 40 = 0))), 0::bigint,
	'customer_orders: after the oldest order there is nothing');

-- what a row says
SELECT results_eq(format($$SELECT status, seller_name, items, total_minor, currency, stuck FROM oms_api.customer_orders(%s, p_limit => 500)
	WHERE order_no IN (SELECT order_no FROM placed WHERE i IN (2, 5, 10)) ORDER BY order_no$$, :many),
	$$VALUES ('CONFIRMED'::text, 'Seller A'::text, 2, 2500::bigint, 'USD'::text, false),
	         ('PENDING'::text, 'Seller A'::text, 2, 2500::bigint, 'USD'::text, false),
	         ('CANCELLED'::text, 'Seller A'::text, 2, 2500::bigint, 'USD'::text, false)$$,
	'customer_orders: status, seller, items (a cancelled order: its lines'' units), total, currency, not stuck');
-- issue 13: a cancelled order's items are its lines' units, whether oms
-- cancelled it (cancelled_qty = qty) or it was loaded cancelled (0)
SELECT results_eq(format($$SELECT order_no, items FROM oms_api.customer_orders(%s, 'CANCELLED', p_limit => 500)
	WHERE order_no IN (SELECT order_no FROM placed WHERE i IN (10, 15)) ORDER BY order_no$$, :many),
	$$SELECT order_no, 2 FROM placed WHERE i IN (10, 15) ORDER BY order_no$$,
	'customer_orders: items of an order cancelled in oms and of one loaded cancelled count alike (2 each)');
SELECT is((SELECT sum(i.cancelled_qty)::int FROM oms.order_item i JOIN oms.orders o ON o.id = i.order_id
	WHERE o.order_no = (SELECT order_no FROM placed WHERE i = 10)), 2,
	'(the order cancelled in oms has its lines marked cancelled)');
SELECT results_eq(format($$SELECT status, stuck FROM oms_api.customer_orders(%s, p_limit => 500) WHERE stuck$$, :many),
	$$VALUES ('SHIPPED'::text, true)$$,
	'customer_orders: stuck is true for the order whose shipment is flagged, and only for it');

-- status filter
SELECT set_eq(format($$SELECT order_no FROM oms_api.customer_orders(%s, 'CANCELLED', p_limit => 500)$$, :many),
	'SELECT order_no FROM placed WHERE i % 10 = 0 OR i = 15', 'customer_orders: status CANCELLED lists exactly the 13 cancelled orders');
SELECT set_eq(format($$SELECT order_no FROM oms_api.customer_orders(%s, 'PENDING', p_limit => 500)$$, :many),
	'SELECT order_no FROM placed WHERE i % 10 = 5 AND i <> 15', 'customer_orders: status PENDING lists exactly the 11 unpaid orders');
SELECT ok(pg_temp.co_paging_ok(:many, 5, 'CONFIRMED') AND
	(SELECT count(*) = 95 AND bool_and(status = 'CONFIRMED') FROM pg_temp.co_pages(:many, 5, 'CONFIRMED')),
	'customer_orders: status CONFIRMED pages through its 95 orders, 5 at a time, without gap or overlap');

-- status groups (issue 13), filtered in the database: every page is of the group
SELECT set_eq(format($$SELECT order_no FROM oms_api.customer_orders(%s, 'open', p_limit => 500)$$, :many),
	'SELECT order_no FROM placed WHERE i % 10 <> 0 AND i <> 15',
	'customer_orders: group open lists the 107 orders neither delivered nor cancelled');
SELECT ok(pg_temp.co_paging_ok(:many, 7, 'open') AND
	(SELECT count(*) = 107 FROM pg_temp.co_pages(:many, 7, 'open')),
	'customer_orders: group open pages 7 at a time through its 107 orders without gap or overlap');
SELECT results_eq(format($$SELECT order_no FROM oms_api.customer_orders(%s, 'shipped_not_delivered', p_limit => 500)$$, :many),
	'SELECT order_no FROM placed WHERE i = 1',
	'customer_orders: group shipped_not_delivered lists the one shipped order');
SELECT set_eq(format($$SELECT order_no FROM oms_api.customer_orders(%s, 'cancelled', p_limit => 500)$$, :many),
	format($$SELECT order_no FROM oms_api.customer_orders(%s, 'CANCELLED', p_limit => 500)$$, :many),
	'customer_orders: group cancelled is status CANCELLED');
SELECT throws_ok(format($$SELECT * FROM oms_api.customer_orders(%s, 'shipped')$$, :many), '22023',
	'unknown order status or group "shipped"',
	'customer_orders: an unknown status or group is refused (22023), not an empty list');
SELECT is((SELECT count(*) FROM oms_api.customer_orders(:many, 'DELIVERED')), 0::bigint,
	'customer_orders: a status no order has gives nothing');

-- date filters (both ends inclusive, whole days)
SELECT set_eq(format($$SELECT order_no FROM oms_api.customer_orders(%s, NULL, '2024-01-05', '2024-01-07', p_limit => 500)$$, :many),
	'SELECT order_no FROM placed WHERE i % 40 BETWEEN 4 AND 6',
	'customer_orders: from 2024-01-05 to 2024-01-07 gives the 9 orders of those three days');
SELECT set_eq(format($$SELECT order_no FROM oms_api.customer_orders(%s, NULL, '2024-02-08', NULL, p_limit => 500)$$, :many),
	'SELECT order_no FROM placed WHERE i % 40 >= 38', 'customer_orders: p_from alone keeps that day and later');
SELECT set_eq(format($$SELECT order_no FROM oms_api.customer_orders(%s, NULL, NULL, '2024-01-02', p_limit => 500)$$, :many),
	'SELECT order_no FROM placed WHERE i % 40 <= 1', 'customer_orders: p_to alone keeps that day and earlier');
SELECT set_eq(format($$SELECT order_no FROM oms_api.customer_orders(%s, 'CANCELLED', '2024-01-01', '2024-01-20', p_limit => 500)$$, :many),
	'SELECT order_no FROM placed WHERE (i % 10 = 0 OR i = 15) AND i % 40 <= 19',
	'customer_orders: status and dates combine');
SELECT set_eq(format($$SELECT order_no FROM oms_api.customer_orders(%s, 'open', '2024-01-01', '2024-01-20', p_limit => 500)$$, :many),
	'SELECT order_no FROM placed WHERE i % 10 <> 0 AND i <> 15 AND i % 40 <= 19',
	'customer_orders: a group and dates combine');
SELECT ok(pg_temp.co_paging_ok(:many, 4, NULL, '2024-01-05', '2024-01-20'),
	'customer_orders: a date range pages without gap or overlap');

-- whose orders
SELECT results_eq(format('SELECT order_no FROM oms_api.customer_orders(%s)', :cust), format('VALUES (%s::bigint)', :alex_order),
	'customer_orders: another customer gets only his own order');
SET SESSION AUTHORIZATION t_ful2;
SELECT is((SELECT count(*) FROM oms_api.customer_orders(:many)), 0::bigint,
	'customer_orders: fulfilment of seller B sees none of the seller A orders');
SET SESSION AUTHORIZATION t_ful1;
SELECT is((SELECT count(*) FROM oms_api.customer_orders(:many, p_limit => 500)), 120::bigint,
	'customer_orders: fulfilment of seller A sees all of them');
RESET SESSION AUTHORIZATION;
SELECT * FROM finish();
ROLLBACK;
