-- Demo data, step 6: the anchor orders, the same at every scale.
--
-- Orders 1000000-1000099 (checkouts, order lines, shipments, payments,
-- cancellations, refunds, returns, tickets with ids below 100) belong to
-- customers 1 and 2 and are placed relative to now(), so the cancellation
-- window and the approval path can be shown at once. Their ids, numbers,
-- lines and amounts are fixed; only their times move with the clock.
--
--   order    order_no  customer  seller  status              story
--   1000000  10000004  1         1       PENDING             placed 12 min ago (checkout 1, with 1000001)
--   1000001  10000012  1         2       CONFIRMED           placed 12 min ago: cancellable at once
--   1000002  10000020  1         1       CONFIRMED           placed 3 h ago: cancellation needs the seller's approval
--   1000003  10000036  1         2       SHIPPED             UPS 1Z999AA10123456784, label created 6 h ago
--   1000004  10000048  1         1       DELIVERED           FedEx 771234567890, delivered 3 days ago, goodwill refund pending at the gateway
--   1000005  10000057  1         2       IN_TRANSIT          USPS 9400111899223344556677
--   1000006  10000061  1         2       OUT_FOR_DELIVERY    DHL 9876543210
--   1000007  10000073  1         1       DELIVERY_EXCEPTION  UPS 1Z999AA10123456791, failed attempt yesterday
--   1000008  10000085  1         2       CANCELLED           within the window, refund succeeded
--   1000009  10000099  1         1       CONFIRMED           cancellation pending the seller's approval
--   1000010  10000103  1         2       IN_TRANSIT          UPS 1Z999AA10123456802, no scan for 6 days: flagged
--   1000011  10000116  1         1       DELIVERED           return requested 2 days ago
--   1000012  10000127  1         2       DELIVERED           goodwill refund waiting for an administrator
--   1000013  10000134  1         1       CANCELLED           refund failed at the gateway (dead outbox job)
--   1000020  10000209  2         1       CONFIRMED           placed 25 min ago: cancellable at once
--   1000021  10000214  2         2       DELIVERED           delivered 6 days ago
-- (order_no = id * 10 + oms.damm_check(id); 90_verify.sql checks this table.)
--
-- No anchor is placed more than 22 days ago: with the fixed anchor of
-- oms seed (the tests' data) the rest of the history ends at 2026-11-01
-- 12:00 (00_setup.sql), and from 2026-11-23 on an order placed up to 22
-- days before now() always sorts above all of it. An older one would move
-- through the fixed orders as the clock runs, and the screens the tests
-- compare would change from one day (or hour) to the next. (oms demo ends
-- the history at the time of loading: there these orders sit among the
-- last weeks' orders, as live orders would.)

SET client_min_messages = warning;
SET jit = off;
SET session_replication_role = replica;

CREATE TABLE oms_demo.anchor_order AS
SELECT v.id, v.customer_id, v.seller_id, v.status, v.checkout_id,
       t.now - v.placed AS placed_at,
       t.now - v.placed + v.confirm AS confirmed_at,
       t.now - v.shipped AS shipped_at,
       t.now - v.delivered AS delivered_at,
       t.now - v.placed + v.cancel AS cancelled_at,
       v.carrier, v.tracking_no, v.service_level
FROM (SELECT date_trunc('second', now()) AS now) t,
(VALUES
	(1000000, 1, 1, 'PENDING',            1, interval '12 min', NULL::interval,    NULL::interval, NULL::interval, NULL::interval, NULL, NULL, NULL),
	(1000001, 1, 2, 'CONFIRMED',          1, '12 min',          '2 min',           NULL, NULL, NULL, NULL, NULL, NULL),
	(1000002, 1, 1, 'CONFIRMED',          2, '3 hours',         '6 min',           NULL, NULL, NULL, NULL, NULL, NULL),
	(1000003, 1, 2, 'SHIPPED',            3, '2 days',          '9 min',           '6 hours', NULL, NULL, 'UPS', '1Z999AA10123456784', 'ground'),
	(1000004, 1, 1, 'DELIVERED',          4, '7 days',          '4 min',           '6 days', '3 days', NULL, 'FedEx', '771234567890', 'ground'),
	(1000005, 1, 2, 'IN_TRANSIT',         5, '3 days',          '7 min',           '2 days', NULL, NULL, 'USPS', '9400111899223344556677', 'economy'),
	(1000006, 1, 2, 'OUT_FOR_DELIVERY',   6, '4 days',          '5 min',           '3 days', NULL, NULL, 'DHL', '9876543210', 'express'),
	(1000007, 1, 1, 'DELIVERY_EXCEPTION', 7, '5 days',          '3 min',           '4 days', NULL, NULL, 'UPS', '1Z999AA10123456791', 'ground'),
	(1000008, 1, 2, 'CANCELLED',          8, '10 days',         '5 min',           NULL, NULL, '25 min', NULL, NULL, NULL),
	(1000009, 1, 1, 'CONFIRMED',          9, '5 hours',         '3 min',           NULL, NULL, NULL, NULL, NULL, NULL),
	(1000010, 1, 2, 'IN_TRANSIT',        10, '8 days',          '6 min',           '7 days', NULL, NULL, 'UPS', '1Z999AA10123456802', 'ground'),
	(1000011, 1, 1, 'DELIVERED',         11, '20 days',         '2 min',           '19 days', '15 days', NULL, 'FedEx', '771234567906', 'ground'),
	(1000012, 1, 2, 'DELIVERED',         12, '16 days',         '8 min',           '15 days', '11 days', NULL, 'USPS', '9400111899223344556684', 'economy'),
	(1000013, 1, 1, 'CANCELLED',         13, '6 days',          '5 min',           NULL, NULL, '30 min', NULL, NULL, NULL),
	(1000020, 2, 1, 'CONFIRMED',         20, '25 min',          '2 min',           NULL, NULL, NULL, NULL, NULL, NULL),
	(1000021, 2, 2, 'DELIVERED',         21, '9 days',          '4 min',           '8 days', '6 days', NULL, 'UPS', '1Z999AA10123456819', 'express')
) AS v(id, customer_id, seller_id, status, checkout_id, placed, confirm, shipped, delivered, cancel, carrier, tracking_no, service_level);

-- lines (item ids 1-10 are seller 1's, 11-20 seller 2's)
CREATE TABLE oms_demo.anchor_line AS
SELECT * FROM (VALUES
	(1000000, 1, 1, 1), (1000000, 2, 3, 2),
	(1000001, 1, 12, 1), (1000001, 2, 15, 3),
	(1000002, 1, 9, 1), (1000002, 2, 6, 2), (1000002, 3, 5, 1),
	(1000003, 1, 13, 1), (1000003, 2, 11, 1),
	(1000004, 1, 4, 1), (1000004, 2, 8, 2),
	(1000005, 1, 18, 1),
	(1000006, 1, 16, 2), (1000006, 2, 14, 4),
	(1000007, 1, 7, 1), (1000007, 2, 2, 1),
	(1000008, 1, 17, 1), (1000008, 2, 19, 1),
	(1000009, 1, 1, 1), (1000009, 2, 4, 1),
	(1000010, 1, 20, 2), (1000010, 2, 12, 1),
	(1000011, 1, 3, 1), (1000011, 2, 5, 2),
	(1000012, 1, 13, 2),
	(1000013, 1, 2, 1),
	(1000020, 1, 6, 1), (1000020, 2, 8, 1),
	(1000021, 1, 11, 2)
) AS v(order_id, line_no, item_id, qty);

-- carrier scans, as offsets from now()
CREATE TABLE oms_demo.anchor_event AS
SELECT v.order_id, v.k, v.status, date_trunc('second', now()) - v.ago AS at, v.location, v.description
FROM (VALUES
	(1000003, 0, 'pre_transit', interval '6 hours', 'Seattle, WA', 'Shipping label created, UPS awaiting item'),
	(1000004, 0, 'pre_transit', '6 days', 'Boston, MA', 'Shipping label created, FedEx awaiting item'),
	(1000004, 1, 'in_transit', '5 days 21 hours', 'Boston, MA', 'Picked up by FedEx'),
	(1000004, 2, 'in_transit', '4 days 10 hours', 'Memphis, TN', 'Arrived at FedEx facility'),
	(1000004, 3, 'out_for_delivery', '3 days 4 hours', 'Seattle, WA', 'Out for delivery'),
	(1000004, 6, 'delivered', '3 days', 'Seattle, WA', 'Delivered, left at front door'),
	(1000005, 0, 'pre_transit', '2 days', 'Seattle, WA', 'Shipping label created, USPS awaiting item'),
	(1000005, 1, 'in_transit', '1 day 22 hours', 'Seattle, WA', 'Picked up by USPS'),
	(1000005, 2, 'in_transit', '1 day', 'Chicago, IL', 'Arrived at USPS facility'),
	(1000006, 0, 'pre_transit', '3 days', 'Seattle, WA', 'Shipping label created, DHL awaiting item'),
	(1000006, 1, 'in_transit', '2 days 22 hours', 'Seattle, WA', 'Picked up by DHL'),
	(1000006, 3, 'out_for_delivery', '2 hours', 'Seattle, WA', 'Out for delivery'),
	(1000007, 0, 'pre_transit', '4 days', 'Boston, MA', 'Shipping label created, UPS awaiting item'),
	(1000007, 1, 'in_transit', '3 days 21 hours', 'Boston, MA', 'Picked up by UPS'),
	(1000007, 2, 'in_transit', '2 days 8 hours', 'Louisville, KY', 'Arrived at UPS facility'),
	(1000007, 3, 'out_for_delivery', '1 day 5 hours', 'Seattle, WA', 'Out for delivery'),
	(1000007, 4, 'failure', '1 day 1 hour', 'Seattle, WA', 'Delivery attempted: recipient not available, will retry next business day'),
	(1000010, 0, 'pre_transit', '7 days', 'Seattle, WA', 'Shipping label created, UPS awaiting item'),
	(1000010, 1, 'in_transit', '6 days 22 hours', 'Seattle, WA', 'Picked up by UPS'),
	(1000011, 0, 'pre_transit', '19 days', 'Boston, MA', 'Shipping label created, FedEx awaiting item'),
	(1000011, 1, 'in_transit', '18 days 20 hours', 'Boston, MA', 'Picked up by FedEx'),
	(1000011, 3, 'out_for_delivery', '15 days 5 hours', 'Seattle, WA', 'Out for delivery'),
	(1000011, 6, 'delivered', '15 days', 'Seattle, WA', 'Delivered, handed to resident'),
	(1000012, 0, 'pre_transit', '15 days', 'Seattle, WA', 'Shipping label created, USPS awaiting item'),
	(1000012, 1, 'in_transit', '14 days 21 hours', 'Seattle, WA', 'Picked up by USPS'),
	(1000012, 3, 'out_for_delivery', '11 days 4 hours', 'Seattle, WA', 'Out for delivery'),
	(1000012, 6, 'delivered', '11 days', 'Seattle, WA', 'Delivered, mailroom'),
	(1000021, 0, 'pre_transit', '8 days', 'Seattle, WA', 'Shipping label created, UPS awaiting item'),
	(1000021, 1, 'in_transit', '7 days 22 hours', 'Seattle, WA', 'Picked up by UPS'),
	(1000021, 3, 'out_for_delivery', '6 days 4 hours', 'Miami, FL', 'Out for delivery'),
	(1000021, 6, 'delivered', '6 days', 'Miami, FL', 'Delivered, front desk')
) AS v(order_id, k, status, ago, location, description);

-- ---------------------------------------------------------------------------
INSERT INTO oms.checkout (id, customer_id, address_id, currency, created_by, created_at)
SELECT checkout_id, min(customer_id), min(customer_id), 'USD', 'web', min(placed_at)
FROM oms_demo.anchor_order GROUP BY checkout_id;

INSERT INTO oms.order_item (id, order_id, line_no, item_id, sku, name, qty, unit_price_minor, cancelled_qty)
SELECT (l.order_id - 1000000) * 10 + l.line_no, l.order_id, l.line_no, i.id, i.sku, i.name, l.qty, i.price_minor,
       CASE WHEN o.status = 'CANCELLED' THEN l.qty ELSE 0 END
FROM oms_demo.anchor_line l JOIN oms.item i ON i.id = l.item_id
JOIN oms_demo.anchor_order o ON o.id = l.order_id;

INSERT INTO oms.orders (id, checkout_id, customer_id, seller_id, status, status_at, currency,
                        subtotal_minor, shipping_minor, ship_address_id, ship_to,
                        placed_at, confirmed_at, shipped_at, delivered_at, cancelled_at, service_level)
SELECT o.id, o.checkout_id, o.customer_id, o.seller_id, o.status,
       CASE o.status WHEN 'PENDING' THEN o.placed_at WHEN 'CONFIRMED' THEN o.confirmed_at
                     WHEN 'CANCELLED' THEN o.cancelled_at WHEN 'DELIVERED' THEN o.delivered_at
                     ELSE (SELECT max(e.at) FROM oms_demo.anchor_event e WHERE e.order_id = o.id) END,
       'USD', li.subtotal,
       CASE WHEN s.free_shipping_over_minor IS NOT NULL AND li.subtotal >= s.free_shipping_over_minor THEN 0
            ELSE s.shipping_flat_minor END,
       a.id,
       jsonb_build_object('name', a.name, 'line1', a.line1, 'line2', a.line2, 'city', a.city,
                          'region', a.region, 'postal_code', a.postal_code, 'country', a.country),
       o.placed_at,
       CASE WHEN o.status <> 'PENDING' THEN o.confirmed_at END,
       o.shipped_at, o.delivered_at, o.cancelled_at,
       coalesce(o.service_level, 'ground')      -- a shipped one's: its shipment's
FROM oms_demo.anchor_order o
JOIN (SELECT order_id, sum(qty * i.price_minor) AS subtotal
      FROM oms_demo.anchor_line l JOIN oms.item i ON i.id = l.item_id GROUP BY order_id) li ON li.order_id = o.id
JOIN oms.seller s ON s.id = o.seller_id
JOIN oms.address a ON a.id = o.customer_id;

INSERT INTO oms.payment (id, order_id, status, provider_ref, amount_minor, currency, attempts, verified_at, created_at)
SELECT o.id - 999999, o.id,
       CASE WHEN o.status = 'PENDING' THEN 'pending' ELSE 'verified' END,
       'pi_' || substr(md5('pay:' || o.id), 1, 24), o.total_minor, o.currency,
       1, CASE WHEN o.status = 'PENDING' THEN NULL ELSE o.confirmed_at END, o.placed_at
FROM oms.orders o WHERE o.id BETWEEN 1000000 AND 1000099;

INSERT INTO oms.shipment (id, order_id, carrier, service_level, tracking_no, label_url, status, shipped_at,
                          estimated_delivery, last_event_at, flagged, flagged_at)
SELECT o.id - 999999, o.id, o.carrier, o.service_level, o.tracking_no,
       'https://labels.example.com/' || lower(o.carrier) || '/' || o.tracking_no || '.pdf',
       le.status, o.shipped_at,
       (o.shipped_at AT TIME ZONE 'UTC')::date + CASE o.service_level WHEN 'express' THEN 2 WHEN 'economy' THEN 6 ELSE 4 END,
       le.at,
       o.id = 1000010,
       CASE WHEN o.id = 1000010 THEN le.at + interval '48 hours 7 minutes' END
FROM oms_demo.anchor_order o
CROSS JOIN LATERAL (SELECT e.status, e.at FROM oms_demo.anchor_event e WHERE e.order_id = o.id
                    ORDER BY e.at DESC LIMIT 1) le
WHERE o.tracking_no IS NOT NULL;

INSERT INTO oms.shipment_event (id, shipment_id, at, status, location, description, received_at)
SELECT (e.order_id - 999999) * 8 + e.k, e.order_id - 999999, e.at, e.status, e.location, e.description,
       e.at + interval '3 minutes'
FROM oms_demo.anchor_event e;

-- cancellations: 1000008 (done at once), 1000009 (waiting for seller 1), 1000013 (done at once)
INSERT INTO oms.cancellation (id, order_id, scope, reason_code, note, state, requested_by, requested_at,
                              within_window, decided_by, decided_at)
SELECT v.id, o.id, 'order', v.reason, v.note, v.state, v.who,
       coalesce(o.cancelled_at, o.placed_at + v.after_placed), v.within,
       CASE WHEN v.state = 'done' THEN v.who END,
       CASE WHEN v.state = 'done' THEN o.cancelled_at END
FROM oms_demo.anchor_order o
JOIN (VALUES
	(1, 1000008, 'customer_request', 'Customer changed their mind', 'done', 'demo_csr', interval '0', true),
	(2, 1000009, 'customer_request', 'Customer ordered the wrong size', 'pending_approval', 'demo_csr', interval '4 hours', false),
	(3, 1000013, 'duplicate_order', 'Placed twice by mistake', 'done', 'csr_amara', interval '0', true)
) AS v(id, order_id, reason, note, state, who, after_placed, within) ON v.order_id = o.id;
-- a whole-order cancellation records each line (as oms_api.cancel_order does)
INSERT INTO oms.cancellation_line (cancellation_id, order_item_id, qty)
SELECT c.id, i.id, i.qty
FROM oms.cancellation c JOIN oms.order_item i ON i.order_id = c.order_id
WHERE c.id IN (1, 2, 3) AND c.state = 'done';

INSERT INTO oms.refund (id, order_id, cancellation_id, amount_minor, currency, reason, note, requested_by, created_at,
                        approval, approved_by, approved_at, idempotency_key, status, provider_refund_id, executed_at, last_message)
SELECT v.id, o.id, v.cancellation_id, coalesce(v.amount, o.total_minor), 'USD', v.reason, v.note, v.who,
       coalesce(o.cancelled_at, o.delivered_at + v.after_delivery),
       v.approval,
       CASE WHEN v.approval = 'approved' THEN 'demo_admin' END,
       CASE WHEN v.approval = 'approved' THEN o.delivered_at + v.after_delivery + interval '3 hours'
            WHEN v.approval = 'auto' THEN o.cancelled_at END,
       oms_demo.uuid('refund', v.id), v.status,
       CASE WHEN v.status <> 'not_sent' THEN 're_' || substr(md5('refund:' || v.id), 1, 24) END,
       CASE WHEN v.status = 'succeeded' THEN o.cancelled_at + interval '12 minutes' END,
       CASE v.status WHEN 'failed' THEN 'card_declined: expired_or_canceled_card'
                     WHEN 'pending' THEN 'refund is pending at the gateway' END
FROM oms.orders o
JOIN (VALUES
	(1, 1000008, 1, NULL::bigint, 'cancellation: customer_request', NULL, 'demo_csr', 'auto', 'succeeded', NULL::interval),
	(2, 1000012, NULL, 1500, 'goodwill', 'Parcel arrived a week late; customer asks for a partial refund', 'demo_csr', 'pending', 'not_sent', interval '10 days'),
	(3, 1000013, 3, NULL, 'cancellation: duplicate_order', NULL, 'csr_amara', 'auto', 'failed', NULL),
	(4, 1000004, NULL, 1000, 'goodwill', 'Delivered a day late', 'demo_csr', 'approved', 'pending', interval '1 day')
) AS v(id, order_id, cancellation_id, amount, reason, note, who, approval, status, after_delivery) ON v.order_id = o.id;

INSERT INTO oms.outbox (id, kind, dedupe_key, order_id, refund_id, payload, status, attempts, next_attempt_at,
                        last_error, created_at, updated_at)
SELECT r.id, 'refund', 'refund:' || r.id, r.order_id, r.id,
       -- the payload oms.grant_refund (0007) gives a refund job
       jsonb_build_object('refund_id', r.id, 'order_no', o.order_no, 'amount_minor', r.amount_minor,
                          'currency', r.currency, 'idempotency_key', r.idempotency_key,
                          'payment_ref', (SELECT provider_ref FROM oms.payment WHERE order_id = r.order_id)),
       'dead', 5, r.created_at + interval '2 hours', r.last_message, r.created_at, r.created_at + interval '2 hours'
FROM oms.refund r JOIN oms.orders o ON o.id = r.order_id WHERE r.id = 3;

INSERT INTO oms.return_request (id, order_id, reason, status, kind, created_by, created_at, updated_at)
SELECT 1, 1000011, 'Wrong size', 'requested', 'refund', 'demo_csr', date_trunc('second', now()) - interval '2 days',
       date_trunc('second', now()) - interval '2 days';
INSERT INTO oms.return_item (return_id, order_item_id, qty, condition)
VALUES (1, 111, 1, 'unopened');

INSERT INTO oms.ticket (id, customer_id, order_id, subject, status, priority, assigned_to, created_by, created_at, updated_at)
SELECT v.id, v.customer_id, v.order_id, v.subject, v.status, v.priority, v.who, v.who, t.now - v.ago, t.now - v.ago
FROM (SELECT date_trunc('second', now()) AS now) t,
(VALUES
	(1, 1, 1000010, 'Parcel not moving, order 10000103', 'open', 'high', 'demo_csr', interval '1 day'),
	(2, 1, 1000011, 'Return for order 10000116', 'pending', 'normal', 'demo_csr', interval '2 days 1 hour'),
	(3, 1, NULL, 'Please update my phone number', 'resolved', 'low', 'csr_kenji', interval '40 days'),
	(4, 2, 1000021, 'Invoice copy needed', 'open', 'low', 'demo_csr', interval '3 hours')
) AS v(id, customer_id, order_id, subject, status, priority, who, ago);

INSERT INTO oms.ticket_message (id, ticket_id, author, author_kind, body, created_at)
SELECT v.ticket_id * 8 + v.k, v.ticket_id, v.author, v.kind, v.body, t.created_at + v.after
FROM (VALUES
	(1, 0, 'Zoë Ångström-Nakamura', 'customer', 'My parcel has not moved for almost a week. Is it lost?', interval '0'),
	(1, 1, 'demo_csr', 'staff', 'I have flagged it with UPS and will call you back tomorrow.', interval '20 minutes'),
	(2, 0, 'Zoë Ångström-Nakamura', 'customer', 'The socks are the wrong size; I would like to return them.', interval '0'),
	(2, 1, 'demo_csr', 'staff', 'Return opened; the seller will send a label.', interval '1 hour'),
	(3, 0, 'Zoë Ångström-Nakamura', 'customer', 'I have a new phone number, please update it.', interval '0'),
	(3, 1, 'csr_kenji', 'staff', 'Updated. Thank you!', interval '10 minutes'),
	(4, 0, 'José Müller', 'customer', 'Could you send me an invoice for my last order?', interval '0')
) AS v(ticket_id, k, author, kind, body, after)
JOIN oms.ticket t ON t.id = v.ticket_id;

RESET session_replication_role;
