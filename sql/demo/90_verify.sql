-- Demo data, step 9: verification. The generator loads with triggers and
-- foreign-key checks off (session_replication_role = replica), so this
-- file proves what they would have enforced: every foreign key, the order
-- status rules with consistent timestamps, payments, refunds, shipments,
-- and the anchor records tests and documents rely on. Any violation raises
-- an exception (and the whole seed fails). Then the scratch schema goes.

SET client_min_messages = warning;
SET jit = off;
SET work_mem = '256MB';
RESET session_replication_role;

CREATE FUNCTION oms_demo.expect_none(p_what text, p_sql text) RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
	v_n bigint;
	v_example text;
BEGIN
	EXECUTE format('SELECT count(*), min(x::text) FROM (%s) x', p_sql) INTO v_n, v_example;
	IF v_n > 0 THEN
		RAISE EXCEPTION 'demo data check failed: % (% rows, e.g. %)', p_what, v_n, v_example;
	END IF;
END
$$;

-- ---------------------------------------------------------------------------
-- Every foreign key of schema oms (MATCH SIMPLE: rows with a NULL skip).
DO $$
DECLARE
	r record;
	v_cond text;
	v_notnull text;
BEGIN
	FOR r IN SELECT c.conname, c.conrelid::regclass AS child, c.confrelid::regclass AS parent, c.conkey, c.confkey
	         FROM pg_constraint c
	         WHERE c.contype = 'f' AND c.connamespace = 'oms'::regnamespace
	LOOP
		SELECT string_agg(format('p.%I = c.%I', pa.attname, ca.attname), ' AND '),
		       string_agg(format('c.%I IS NOT NULL', ca.attname), ' AND ')
		INTO v_cond, v_notnull
		FROM unnest(r.conkey, r.confkey) AS k(ck, pk)
		JOIN pg_attribute ca ON ca.attrelid = r.child AND ca.attnum = k.ck
		JOIN pg_attribute pa ON pa.attrelid = r.parent AND pa.attnum = k.pk;
		PERFORM oms_demo.expect_none(format('foreign key %s of %s', r.conname, r.child),
			format('SELECT 1 FROM %s c WHERE %s AND NOT EXISTS (SELECT 1 FROM %s p WHERE %s)',
			       r.child, v_notnull, r.parent, v_cond));
	END LOOP;
END
$$;

-- ---------------------------------------------------------------------------
-- Orders: status and timestamps agree.
SELECT oms_demo.expect_none('order timestamps out of order (placed < confirmed < shipped < delivered)', $q$
	SELECT id FROM oms.orders
	WHERE confirmed_at <= placed_at OR shipped_at <= confirmed_at OR delivered_at <= shipped_at
	   OR cancelled_at <= placed_at OR status_at < placed_at
	   OR (shipped_at IS NOT NULL AND confirmed_at IS NULL) OR (delivered_at IS NOT NULL AND shipped_at IS NULL)
$q$);
SELECT oms_demo.expect_none('order status disagrees with its timestamps', $q$
	SELECT id FROM oms.orders
	WHERE CASE status
		WHEN 'PENDING' THEN confirmed_at IS NOT NULL OR shipped_at IS NOT NULL OR cancelled_at IS NOT NULL
		WHEN 'CONFIRMED' THEN confirmed_at IS NULL OR shipped_at IS NOT NULL
		WHEN 'DELIVERED' THEN delivered_at IS NULL
		WHEN 'CANCELLED' THEN cancelled_at IS NULL OR shipped_at IS NOT NULL
		ELSE shipped_at IS NULL OR delivered_at IS NOT NULL END
$q$);
-- (one pass over the lines for three checks: the big table is read once)
SELECT oms_demo.expect_none('order without 1-9 lines, subtotal not the sum of the lines, or a line of another seller''s item', $q$
	SELECT o.id FROM oms.orders o
	LEFT JOIN (SELECT i.order_id, sum(i.line_total_minor) AS s, count(*) AS n,
	                  min(t.seller_id) AS smin, max(t.seller_id) AS smax
	           FROM oms.order_item i JOIN oms.item t ON t.id = i.item_id GROUP BY i.order_id) l
	  ON l.order_id = o.id
	WHERE l.order_id IS NULL OR l.s <> o.subtotal_minor OR l.n NOT BETWEEN 1 AND 9
	   OR l.smin <> o.seller_id OR l.smax <> o.seller_id
$q$);
SELECT oms_demo.expect_none('checkout with two orders of one seller, or of another customer', $q$
	SELECT o.checkout_id FROM oms.orders o JOIN oms.checkout c ON c.id = o.checkout_id
	GROUP BY o.checkout_id, c.customer_id
	HAVING count(DISTINCT o.seller_id) <> count(*) OR bool_or(o.customer_id <> c.customer_id)
$q$);
SELECT oms_demo.expect_none('order shipped to an address of another customer', $q$
	SELECT o.id FROM oms.orders o JOIN oms.address a ON a.id = o.ship_address_id WHERE a.customer_id <> o.customer_id
$q$);
SELECT oms_demo.expect_none('customer created after their first order', $q$
	SELECT c.id FROM oms.customer c JOIN oms.orders o ON o.customer_id = c.id
	GROUP BY c.id, c.created_at HAVING min(o.placed_at) < c.created_at
$q$);

-- Payments (BR-011): a confirmed order has a verified payment of its total.
SELECT oms_demo.expect_none('confirmed order without a verified payment of its total', $q$
	SELECT o.id FROM oms.orders o LEFT JOIN oms.payment p ON p.order_id = o.id
	WHERE o.confirmed_at IS NOT NULL
	  AND (p.status IS DISTINCT FROM 'verified' OR p.amount_minor <> o.total_minor
	       OR p.verified_at > o.confirmed_at OR p.currency <> o.currency)
$q$);
SELECT oms_demo.expect_none('verified payment of an order never confirmed', $q$
	SELECT o.id FROM oms.orders o JOIN oms.payment p ON p.order_id = o.id
	WHERE p.status = 'verified' AND o.confirmed_at IS NULL
$q$);
SELECT oms_demo.expect_none('order past PENDING (and not cancelled unpaid) without a payment', $q$
	SELECT o.id FROM oms.orders o
	WHERE o.status NOT IN ('PENDING', 'CANCELLED')
	  AND NOT EXISTS (SELECT 1 FROM oms.payment p WHERE p.order_id = o.id)
$q$);

-- Shipping (BR-012, BR-013).
SELECT oms_demo.expect_none('shipped order without exactly one shipment', $q$
	SELECT o.id FROM oms.orders o
	WHERE o.shipped_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM oms.shipment s WHERE s.order_id = o.id)
	UNION ALL
	SELECT order_id FROM oms.shipment GROUP BY order_id HAVING count(*) > 1
$q$);
SELECT oms_demo.expect_none('shipment of an order not shipped', $q$
	SELECT s.id FROM oms.shipment s JOIN oms.orders o ON o.id = s.order_id WHERE o.shipped_at IS NULL
$q$);
SELECT oms_demo.expect_none('delivered order without a delivered scan', $q$
	SELECT o.id FROM oms.orders o WHERE o.status = 'DELIVERED'
	AND NOT EXISTS (SELECT 1 FROM oms.shipment s JOIN oms.shipment_event e ON e.shipment_id = s.id
	                WHERE s.order_id = o.id AND e.status = 'delivered')
$q$);
SELECT oms_demo.expect_none('shipment whose last scan disagrees with last_event_at / status, or a scan before shipping', $q$
	SELECT s.id FROM oms.shipment s
	LEFT JOIN (SELECT shipment_id, max(at) AS last_at, min(at) AS first_at
	           FROM oms.shipment_event GROUP BY shipment_id) e ON e.shipment_id = s.id
	WHERE e.shipment_id IS NULL OR e.last_at <> s.last_event_at OR e.first_at < s.shipped_at
	   OR NOT EXISTS (SELECT 1 FROM oms.shipment_event x
	                  WHERE x.shipment_id = s.id AND x.at = s.last_event_at AND x.status = s.status)
$q$);
SELECT oms_demo.expect_none('order status disagrees with the last scan', $q$
	SELECT o.id FROM oms.orders o JOIN oms.shipment s ON s.order_id = o.id
	WHERE o.status <> CASE s.status WHEN 'pre_transit' THEN 'SHIPPED' WHEN 'in_transit' THEN 'IN_TRANSIT'
	                   WHEN 'out_for_delivery' THEN 'OUT_FOR_DELIVERY' WHEN 'failure' THEN 'DELIVERY_EXCEPTION'
	                   WHEN 'delivered' THEN 'DELIVERED' END
$q$);
SELECT oms_demo.expect_none('flagged shipment that moved within 48 hours of being flagged', $q$
	SELECT id FROM oms.shipment WHERE flagged AND (flagged_at IS NULL OR flagged_at < last_event_at + interval '48 hours'
	                                               OR status = 'delivered')
$q$);

-- Cancellations (BR-014, BR-023).
SELECT oms_demo.expect_none('cancelled order without a done whole-order cancellation', $q$
	SELECT o.id FROM oms.orders o WHERE o.status = 'CANCELLED'
	AND NOT EXISTS (SELECT 1 FROM oms.cancellation c WHERE c.order_id = o.id AND c.state = 'done' AND c.scope = 'order')
$q$);
SELECT oms_demo.expect_none('done whole-order cancellation of an order not cancelled', $q$
	SELECT c.id FROM oms.cancellation c JOIN oms.orders o ON o.id = c.order_id
	WHERE c.state = 'done' AND c.scope = 'order' AND o.status <> 'CANCELLED'
$q$);
SELECT oms_demo.expect_none('cancellation waiting for approval on an order that is not CONFIRMED, or decided before requested', $q$
	SELECT c.id FROM oms.cancellation c JOIN oms.orders o ON o.id = c.order_id
	WHERE (c.state = 'pending_approval' AND o.status <> 'CONFIRMED') OR c.decided_at < c.requested_at
	   OR c.requested_at < o.placed_at OR (o.shipped_at IS NOT NULL AND c.requested_at > o.shipped_at)
	   OR c.within_window <> (c.requested_at < o.placed_at + interval '1 hour')
$q$);
SELECT oms_demo.expect_none('cancelled quantity disagrees with the line cancellations', $q$
	SELECT coalesce(i.id, x.order_item_id)
	FROM (SELECT id, cancelled_qty FROM oms.order_item WHERE cancelled_qty <> 0) i
	FULL JOIN (SELECT l.order_item_id, sum(l.qty) AS q FROM oms.cancellation_line l
	           JOIN oms.cancellation c ON c.id = l.cancellation_id AND c.state = 'done' GROUP BY l.order_item_id) x
	       ON x.order_item_id = i.id
	WHERE i.cancelled_qty IS DISTINCT FROM x.q
$q$);

-- Refunds (BR-028): never more than was paid; executed only when granted.
SELECT oms_demo.expect_none('refunds exceed the verified payment', $q$
	SELECT r.order_id FROM oms.refund r
	WHERE r.approval <> 'rejected' AND r.status NOT IN ('failed', 'canceled')
	GROUP BY r.order_id HAVING sum(r.amount_minor) > coalesce((SELECT p.amount_minor FROM oms.payment p
	                                                            WHERE p.order_id = r.order_id AND p.status = 'verified'), 0)
$q$);
SELECT oms_demo.expect_none('paid order cancelled without its refund', $q$
	SELECT c.id FROM oms.cancellation c JOIN oms.orders o ON o.id = c.order_id
	WHERE c.state = 'done' AND o.confirmed_at IS NOT NULL AND o.confirmed_at < c.decided_at
	  AND NOT EXISTS (SELECT 1 FROM oms.refund r WHERE r.cancellation_id = c.id)
$q$);
SELECT oms_demo.expect_none('refund before its order was placed, or approved without approver', $q$
	SELECT r.id FROM oms.refund r JOIN oms.orders o ON o.id = r.order_id
	WHERE r.created_at < o.placed_at OR (r.approval IN ('approved', 'rejected') AND r.approved_at IS NULL)
	   OR r.executed_at < r.created_at
$q$);

-- Returns and tickets.
SELECT oms_demo.expect_none('return of an order not delivered, or of more than was bought', $q$
	SELECT r.id FROM oms.return_request r JOIN oms.orders o ON o.id = r.order_id
	LEFT JOIN oms.return_item ri ON ri.return_id = r.id LEFT JOIN oms.order_item i ON i.id = ri.order_item_id
	WHERE o.status <> 'DELIVERED' OR r.created_at < o.delivered_at OR ri.qty > i.qty OR i.order_id <> r.order_id
$q$);
SELECT oms_demo.expect_none('ticket about another customer''s order', $q$
	SELECT t.id FROM oms.ticket t JOIN oms.orders o ON o.id = t.order_id WHERE o.customer_id <> t.customer_id
$q$);

-- ---------------------------------------------------------------------------
-- Coverage: every status, refund outcome and story is there.
SELECT oms_demo.expect_none('an order status has no order', $q$
	SELECT s.status FROM oms.order_status s WHERE NOT EXISTS (SELECT 1 FROM oms.orders o WHERE o.status = s.status)
$q$);
SELECT oms_demo.expect_none('missing demo case', $q$
	SELECT v.what FROM (VALUES
		('refund succeeded', EXISTS (SELECT 1 FROM oms.refund WHERE status = 'succeeded')),
		('refund pending', EXISTS (SELECT 1 FROM oms.refund WHERE status = 'pending')),
		('refund failed', EXISTS (SELECT 1 FROM oms.refund WHERE status = 'failed')),
		('refund awaiting approval', EXISTS (SELECT 1 FROM oms.refund WHERE approval = 'pending')),
		('cancellation awaiting approval', EXISTS (SELECT 1 FROM oms.cancellation WHERE state = 'pending_approval')),
		('flagged shipment', EXISTS (SELECT 1 FROM oms.shipment WHERE flagged)),
		('return', EXISTS (SELECT 1 FROM oms.return_request)),
		('ticket message', EXISTS (SELECT 1 FROM oms.ticket_message)),
		('inactive item', EXISTS (SELECT 1 FROM oms.item WHERE NOT active)),
		('every carrier', (SELECT count(DISTINCT carrier) FROM oms.shipment) = 4)
	) AS v(what, ok) WHERE NOT v.ok
$q$);

-- ---------------------------------------------------------------------------
-- Anchor records (tests and documentation name them).
SELECT oms_demo.expect_none('anchor customers', $q$
	SELECT v.id FROM (VALUES
		(1, 'Zoë Ångström-Nakamura', 'zoe.angstrom@example.com', '+15550100199'),
		(2, 'José Müller', 'jose.muller@example.com', '+15550100142')) AS v(id, full_name, email, phone)
	WHERE NOT EXISTS (SELECT 1 FROM oms.customer c WHERE c.id = v.id AND c.full_name = v.full_name
	                  AND c.email = v.email AND c.phone = v.phone)
$q$);
SELECT oms_demo.expect_none('anchor orders', $q$
	SELECT v.id FROM (VALUES
		(1000000, 10000004, 1, 'PENDING'), (1000001, 10000012, 1, 'CONFIRMED'), (1000002, 10000020, 1, 'CONFIRMED'),
		(1000003, 10000036, 1, 'SHIPPED'), (1000004, 10000048, 1, 'DELIVERED'), (1000005, 10000057, 1, 'IN_TRANSIT'),
		(1000006, 10000061, 1, 'OUT_FOR_DELIVERY'), (1000007, 10000073, 1, 'DELIVERY_EXCEPTION'),
		(1000008, 10000085, 1, 'CANCELLED'), (1000009, 10000099, 1, 'CONFIRMED'), (1000010, 10000103, 1, 'IN_TRANSIT'),
		(1000011, 10000116, 1, 'DELIVERED'), (1000012, 10000127, 1, 'DELIVERED'), (1000013, 10000134, 1, 'CANCELLED'),
		(1000020, 10000209, 2, 'CONFIRMED'), (1000021, 10000214, 2, 'DELIVERED')
	) AS v(id, order_no, customer_id, status)
	WHERE NOT EXISTS (SELECT 1 FROM oms.orders o WHERE o.id = v.id AND o.order_no = v.order_no
	                  AND o.customer_id = v.customer_id AND o.status = v.status AND oms.order_no_valid(o.order_no))
$q$);
SELECT oms_demo.expect_none('anchor customer 1: ~500 orders, cancellable and approval cases', $q$
	SELECT 1 WHERE (SELECT count(*) FROM oms.orders WHERE customer_id = 1) NOT BETWEEN 450 AND 560
	UNION ALL
	SELECT 2 WHERE NOT EXISTS (SELECT 1 FROM oms.orders WHERE customer_id = 1 AND status = 'PENDING'
	                           AND placed_at > now() - interval '30 minutes')
	UNION ALL
	SELECT 3 WHERE NOT EXISTS (SELECT 1 FROM oms.orders WHERE customer_id = 1 AND status = 'CONFIRMED'
	                           AND placed_at > now() - interval '30 minutes')
	UNION ALL
	SELECT 4 WHERE NOT EXISTS (SELECT 1 FROM oms.orders WHERE id = 1000002 AND placed_at <= now() - interval '3 hours'
	                           AND seller_id = 1)
	UNION ALL
	SELECT 5 WHERE (SELECT count(DISTINCT status) FROM oms.orders WHERE customer_id = 1) <> 8
$q$);
SELECT oms_demo.expect_none('order ids start at 1000000', $q$
	SELECT 1 WHERE (SELECT min(id) FROM oms.orders) <> 1000000
$q$);
SELECT oms_demo.expect_none('demo logins', $q$
	SELECT v.login FROM (VALUES
		('demo_csr', 'Sarah Chen', 'csr', 'oms_csr', NULL::bigint),
		('demo_fulfilment', 'Felix Ortega', 'fulfilment', 'oms_fulfilment', 1),
		('demo_analyst', 'Morgan Lee', 'analyst', 'oms_analyst', NULL),
		('demo_admin', 'Jordan Admin', 'admin', 'oms_admin', NULL),
		('demo_worker', 'oms worker', 'worker', 'oms_worker', NULL)) AS v(login, full_name, role, grp, seller_id)
	WHERE NOT EXISTS (SELECT 1 FROM oms.staff s JOIN pg_roles r ON r.rolname = s.login AND r.rolcanlogin
	                  WHERE s.login = v.login AND s.full_name = v.full_name AND s.role = v.role
	                    AND s.seller_id IS NOT DISTINCT FROM v.seller_id AND s.active
	                    AND pg_has_role(v.login, v.grp, 'MEMBER'))
$q$);
SELECT oms_demo.expect_none('identity sequence behind the loaded ids', $q$
	SELECT s.seq FROM (
		SELECT pg_get_serial_sequence(c.oid::regclass::text, a.attname) AS seq, c.oid::regclass AS tab, a.attname AS col
		FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
		WHERE c.relnamespace = 'oms'::regnamespace AND c.relkind = 'r' AND a.attidentity <> '' AND NOT a.attisdropped
	) s
	WHERE (xpath('/row/m/text()', query_to_xml(format('SELECT max(%I) AS m FROM %s', s.col, s.tab), false, true, '')))[1]::text::bigint
	      > coalesce(pg_sequence_last_value(s.seq::regclass), 0)
$q$);

-- ---------------------------------------------------------------------------
DROP SCHEMA oms_demo CASCADE;
RESET work_mem;
RESET jit;
