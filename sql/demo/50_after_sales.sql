-- Demo data, step 5: cancellations, refunds, returns, tickets, outbox.
--
-- Ids start at 100 (1..99 are kept for the anchor orders of 60_anchor.sql)
-- and follow the order ids. An order has at most one after-sales story,
-- so it has at most one refund and the refund ledger bound (BR-028) holds.

SET client_min_messages = warning;
SET jit = off;   -- compiling these big expressions costs more than it saves
SET session_replication_role = replica;
SET work_mem = '256MB';

-- The staff a story names: a CSR by position, the seller's fulfilment person.
-- (built with the list as a constant, so the planner inlines it)
DO $$
BEGIN
	EXECUTE format('CREATE FUNCTION oms_demo.csr_login(k bigint) RETURNS text LANGUAGE sql IMMUTABLE '
	               'RETURN (%L::text[])[1 + oms_demo.pick(k, 141, %s)]',
	               (SELECT array_agg(login ORDER BY i) FROM oms_demo.csr), (SELECT count(*) FROM oms_demo.csr));
END
$$;

CREATE TABLE oms_demo.ful AS
SELECT seller_id, min(login) AS login FROM oms.staff
WHERE role = 'fulfilment' AND (login = 'demo_fulfilment' OR login LIKE 'ful\_s%')
GROUP BY seller_id;

CREATE TABLE oms_demo.reason_note (code text, i int, note text);
INSERT INTO oms_demo.reason_note VALUES
	('other', 0, 'Customer found the same item cheaper elsewhere'),
	('other', 1, 'Gift no longer needed, customer asked politely'),
	('other', 2, 'Ordered to the wrong address, will re-order'),
	('customer_request', 0, NULL), ('customer_request', 1, 'Customer changed their mind'),
	('customer_request', 2, 'Delivery date too late for the customer'),
	('duplicate_order', 0, 'Placed twice by mistake'), ('duplicate_order', 1, NULL), ('duplicate_order', 2, NULL),
	('out_of_stock', 0, 'Seller reports the item is out of stock'), ('out_of_stock', 1, NULL), ('out_of_stock', 2, NULL),
	('fraud_suspected', 0, 'Billing and shipping details do not match; flagged by risk'),
	('fraud_suspected', 1, NULL), ('fraud_suspected', 2, NULL),
	('payment_problem', 0, 'Payment could not be verified after three attempts'),
	('payment_problem', 1, NULL), ('payment_problem', 2, NULL);

-- ---------------------------------------------------------------------------
-- Every story that has begun by the anchor date, with what it needs.
CREATE UNLOGGED TABLE oms_demo.aft AS
WITH x AS (
	SELECT o.id, o.kind, o.customer_id, o.seller_id, o.placed_at, o.confirmed, o.eff_confirmed, o.cancelled,
	       o.c_req, o.c_dec, o.t_deliv, o.t_fail, o.stuck, o.t_it, o.status, o.line_base, o.n_lines,
	       p.anchor,
	       CASE WHEN o.kind IN ('rt', 'gw') THEN o.t_deliv + (1 + oms_demo.pick(o.id, 142, 13)) * interval '1 day'
	                                            + oms_demo.pick(o.id, 143, 36000) * interval '1 second' END AS s_at
	FROM oms_demo.param p JOIN oms_demo.ord o ON o.kind <> 'n' OR oms_demo.u(o.id, 144) < 0.008
)
SELECT x.*,
       x.kind IN ('cw', 'ca', 'cr', 'pf', 'lc') AND x.c_req <= x.anchor AS has_cancel,
       x.kind IN ('rt', 'gw') AND x.status = 'DELIVERED' AND x.s_at <= x.anchor AS has_story,
       CASE x.kind
           WHEN 'cw' THEN (ARRAY['customer_request', 'customer_request', 'customer_request', 'duplicate_order',
                                 'duplicate_order', 'out_of_stock', 'other', 'fraud_suspected'])[1 + oms_demo.pick(x.id, 145, 8)]
           WHEN 'ca' THEN (ARRAY['customer_request', 'customer_request', 'out_of_stock', 'other', 'fraud_suspected'])[1 + oms_demo.pick(x.id, 145, 5)]
           WHEN 'cr' THEN 'customer_request'
           WHEN 'pf' THEN 'payment_problem'
           WHEN 'lc' THEN (ARRAY['out_of_stock', 'out_of_stock', 'customer_request'])[1 + oms_demo.pick(x.id, 145, 3)]
       END AS reason_code,
       -- the seller's person decides late cancellations, sometimes an administrator overrides
       oms_demo.u(x.id, 146) < 0.2 AS by_admin,
       oms_demo.u(x.id, 147) AS ur,
       oms_demo.u(x.id, 148) AS ut
FROM x;

ALTER TABLE oms_demo.aft ADD COLUMN cancel_id bigint, ADD COLUMN refund_id bigint, ADD COLUMN return_id bigint,
	ADD COLUMN refund_amount bigint, ADD COLUMN refund_at timestamptz, ADD COLUMN has_refund boolean;

-- which stories end in a refund, when, and of how much
UPDATE oms_demo.aft a SET
	has_refund = CASE
		WHEN a.kind IN ('cw', 'ca') THEN a.cancelled AND a.eff_confirmed IS NOT NULL
		WHEN a.kind = 'lc' THEN a.has_cancel
		WHEN a.kind = 'rt' THEN a.has_story AND a.ur >= 0.05 AND oms_demo.u(a.id, 149) < 0.85   -- refund kind
		                        AND a.anchor - a.s_at >= interval '8 days'                      -- received
		WHEN a.kind = 'gw' THEN a.has_story
		ELSE false END,
	refund_at = CASE
		WHEN a.kind IN ('cw', 'ca', 'lc') THEN a.c_dec
		WHEN a.kind = 'rt' THEN a.s_at + interval '7 days' + oms_demo.pick(a.id, 150, 600) * interval '1 minute'
		WHEN a.kind = 'gw' THEN a.s_at END,
	refund_amount = CASE
		WHEN a.kind IN ('cw', 'ca') THEN (SELECT total_minor FROM oms.orders WHERE id = a.id)
		WHEN a.kind = 'lc' THEN (SELECT line_total_minor FROM oms.order_item WHERE id = a.line_base + a.n_lines)
		WHEN a.kind = 'rt' THEN (SELECT line_total_minor FROM oms.order_item WHERE id = a.line_base + 1)
		WHEN a.kind = 'gw' THEN (SELECT greatest(100, round(total_minor * (0.1 + 0.15 * a.ut))::bigint)
		                         FROM oms.orders WHERE id = a.id) END;

UPDATE oms_demo.aft a SET
	cancel_id = CASE WHEN a.has_cancel THEN n.c END,
	refund_id = CASE WHEN a.has_refund THEN n.r END,
	return_id = CASE WHEN a.kind = 'rt' AND a.has_story THEN n.t END
FROM (SELECT id,
             99 + count(*) FILTER (WHERE has_cancel) OVER w AS c,
             99 + count(*) FILTER (WHERE has_refund) OVER w AS r,
             99 + count(*) FILTER (WHERE kind = 'rt' AND has_story) OVER w AS t
      FROM oms_demo.aft WINDOW w AS (ORDER BY id)) n
WHERE n.id = a.id;

-- ---------------------------------------------------------------------------
-- Cancellations.
INSERT INTO oms.cancellation (id, order_id, scope, reason_code, note, state, requested_by, requested_at,
                              within_window, decided_by, decided_at, decision_note, override_reason)
SELECT a.cancel_id, a.id,
       CASE a.kind WHEN 'lc' THEN 'lines' ELSE 'order' END,
       a.reason_code,
       n.note,
       CASE WHEN a.kind IN ('cw', 'pf', 'lc') THEN 'done'
            WHEN a.c_dec > a.anchor THEN 'pending_approval'
            WHEN a.kind = 'ca' THEN 'done' ELSE 'rejected' END,
       r.requested_by,
       a.c_req,
       a.c_req < a.placed_at + interval '1 hour',
       CASE WHEN a.kind IN ('cw', 'pf', 'lc') THEN r.requested_by
            WHEN a.c_dec > a.anchor THEN NULL
            WHEN a.by_admin THEN 'demo_admin' ELSE f.login END,
       CASE WHEN a.kind IN ('ca', 'cr') AND a.c_dec > a.anchor THEN NULL ELSE a.c_dec END,
       CASE WHEN a.kind = 'ca' AND a.c_dec <= a.anchor THEN
                 (ARRAY['Not packed yet, cancelled', 'OK, stopped before packing', 'Approved'])[1 + oms_demo.pick(a.id, 151, 3)]
            WHEN a.kind = 'cr' AND a.c_dec <= a.anchor THEN
                 (ARRAY['Already packed and handed to the carrier; customer can return it',
                        'Made to order, production has started'])[1 + oms_demo.pick(a.id, 151, 2)] END,
       CASE WHEN a.kind IN ('ca', 'cr') AND a.c_dec <= a.anchor AND a.by_admin
            THEN 'Seller did not answer within a day; customer escalated' END
FROM oms_demo.aft a
JOIN oms_demo.ful f ON f.seller_id = a.seller_id
JOIN oms_demo.reason_note n ON n.code = a.reason_code AND n.i = CASE WHEN a.reason_code = 'other' THEN oms_demo.pick(a.id, 152, 3) ELSE oms_demo.pick(a.id, 152, 3) END
CROSS JOIN LATERAL (SELECT CASE WHEN a.reason_code = 'out_of_stock' THEN f.login
                                ELSE oms_demo.csr_login(a.id) END AS requested_by) r
WHERE a.has_cancel;

-- The lines a cancellation took: the last line of a line cancellation;
-- every line of a cancelled order (a whole-order cancellation records each
-- line, as oms_api.cancel_order does).
INSERT INTO oms.cancellation_line (cancellation_id, order_item_id, qty)
SELECT a.cancel_id, i.id, i.qty
FROM oms_demo.aft a JOIN oms.order_item i ON i.id = a.line_base + a.n_lines
WHERE a.kind = 'lc' AND a.has_cancel;
INSERT INTO oms.cancellation_line (cancellation_id, order_item_id, qty)
SELECT a.cancel_id, i.id, i.qty
FROM oms_demo.aft a JOIN oms.order_item i ON i.order_id = a.id
WHERE a.has_cancel AND a.status = 'CANCELLED';

-- ---------------------------------------------------------------------------
-- Refunds. Cancellations and received returns refund automatically; a
-- goodwill refund waits for an administrator. The gateway answers within
-- the hour: succeeded mostly, some failed (card expired), recent ones pending.
INSERT INTO oms.refund (id, order_id, cancellation_id, amount_minor, currency, reason, note, requested_by, created_at,
                        approval, approved_by, approved_at, decision_note, idempotency_key, status,
                        provider_refund_id, executed_at, last_message)
SELECT a.refund_id, a.id, a.cancel_id, a.refund_amount, 'USD',
       CASE a.kind WHEN 'rt' THEN 'return' WHEN 'gw' THEN 'goodwill' ELSE 'cancellation: ' || a.reason_code END,
       CASE a.kind WHEN 'gw' THEN (ARRAY['Parcel arrived four days late', 'Box was dented, item fine',
                                         'Missing instructions leaflet'])[1 + oms_demo.pick(a.id, 153, 3)] END,
       CASE WHEN a.kind IN ('gw', 'rt') THEN oms_demo.csr_login(a.id) ELSE c.requested_by END,
       a.refund_at,
       g.approval,
       CASE WHEN g.approval IN ('approved', 'rejected') THEN 'demo_admin' END,
       CASE WHEN g.approval IN ('approved', 'rejected') THEN a.refund_at + g.wait
            WHEN g.approval = 'auto' THEN a.refund_at END,
       CASE WHEN g.approval = 'rejected' THEN 'Delay within the promised window; offered a coupon instead' END,
       oms_demo.uuid('refund', a.refund_id),
       e.status,
       CASE WHEN e.status <> 'not_sent' THEN 're_' || substr(md5('refund:' || a.refund_id), 1, 24) END,
       CASE WHEN e.status = 'succeeded' THEN e.at END,
       CASE e.status WHEN 'failed' THEN 'card_declined: expired_or_canceled_card'
                     WHEN 'pending' THEN 'refund is pending at the gateway' END
FROM oms_demo.aft a
LEFT JOIN oms.cancellation c ON c.id = a.cancel_id
CROSS JOIN LATERAL (SELECT
	CASE WHEN a.kind <> 'gw' THEN 'auto'
	     WHEN a.anchor - a.refund_at < interval '5 days' THEN 'pending'
	     WHEN oms_demo.u(a.id, 154) < 0.15 THEN 'rejected' ELSE 'approved' END AS approval,
	(2 * 60 + oms_demo.pick(a.id, 155, 28 * 60)) * interval '1 minute' AS wait) g
CROSS JOIN LATERAL (SELECT
	a.refund_at + CASE WHEN g.approval = 'approved' THEN g.wait ELSE interval '0' END
	            + (1 + oms_demo.pick(a.id, 156, 90)) * interval '1 minute' AS at) t
CROSS JOIN LATERAL (SELECT
	CASE WHEN g.approval IN ('pending', 'rejected') THEN 'not_sent'
	     WHEN t.at > a.anchor THEN 'pending'
	     WHEN oms_demo.u(a.id, 157) < 0.04 THEN 'failed'
	     ELSE 'succeeded' END AS status, t.at) e
WHERE a.has_refund;

-- ---------------------------------------------------------------------------
-- Returns of delivered orders (the first line).
INSERT INTO oms.return_request (id, order_id, reason, status, kind, label_url, tracking_no, refund_id,
                                created_by, created_at, updated_at)
SELECT a.return_id, a.id, r.reason, s.status,
       CASE WHEN oms_demo.u(a.id, 149) < 0.85 THEN 'refund' ELSE 'exchange' END,
       CASE WHEN s.status IN ('label_sent', 'received', 'refunded', 'closed')
            THEN 'https://labels.example.com/returns/RT' || a.return_id || '.pdf' END,
       CASE WHEN s.status IN ('label_sent', 'received', 'refunded', 'closed')
            THEN '1ZRT' || lpad((a.return_id * 7919 % 100000000)::text, 8, '0') END,
       CASE WHEN s.status = 'refunded' THEN a.refund_id END,
       oms_demo.csr_login(a.id),
       a.s_at,
       CASE s.status WHEN 'requested' THEN a.s_at
                     WHEN 'rejected' THEN a.s_at + interval '1 day'
                     WHEN 'approved' THEN a.s_at + interval '1 day'
                     WHEN 'label_sent' THEN a.s_at + interval '1 day 2 hours'
                     WHEN 'received' THEN a.s_at + interval '6 days'
                     ELSE greatest(a.s_at + interval '7 days', coalesce(a.refund_at, a.s_at + interval '7 days')) END
FROM oms_demo.aft a
CROSS JOIN LATERAL (SELECT (ARRAY['Wrong size', 'Item damaged in transit', 'Not as described', 'Changed my mind',
                                  'Defective: stopped working after a week'])[1 + oms_demo.pick(a.id, 158, 5)] AS reason) r
CROSS JOIN LATERAL (SELECT CASE
	WHEN a.ur < 0.05 THEN 'rejected'
	WHEN a.anchor - a.s_at < interval '1 day' THEN 'requested'
	WHEN a.anchor - a.s_at < interval '2 days' THEN 'approved'
	WHEN a.anchor - a.s_at < interval '6 days' THEN 'label_sent'
	WHEN a.anchor - a.s_at < interval '8 days' THEN 'received'
	WHEN oms_demo.u(a.id, 149) < 0.85 THEN 'refunded'
	ELSE 'closed' END AS status) s
WHERE a.return_id IS NOT NULL;

INSERT INTO oms.return_item (return_id, order_item_id, qty, condition)
SELECT a.return_id, i.id, i.qty,
       (ARRAY['good', 'damaged', 'good', 'unopened', 'defective'])[1 + oms_demo.pick(a.id, 158, 5)]
FROM oms_demo.aft a JOIN oms.order_item i ON i.id = a.line_base + 1
WHERE a.return_id IS NOT NULL;

-- ---------------------------------------------------------------------------
-- Tickets: some stories made the customer call or write; stuck parcels
-- always. Messages: the customer, a CSR's answer, the system, a thank-you.
CREATE UNLOGGED TABLE oms_demo.tik AS
SELECT t.*, 99 + row_number() OVER (ORDER BY t.order_id) AS ticket_id
FROM (
	SELECT a.id AS order_id, a.customer_id, a.kind, a.anchor, a.refund_id,
	       oms_demo.csr_login(a.id + 7) AS csr,
	       CASE a.kind
	           WHEN 'cw' THEN a.c_req - interval '4 minutes'
	           WHEN 'ca' THEN a.c_req - interval '6 minutes'
	           WHEN 'cr' THEN a.c_req - interval '6 minutes'
	           WHEN 'pf' THEN a.c_req - interval '2 hours'
	           WHEN 'lc' THEN a.c_req + interval '20 minutes'
	           WHEN 'rt' THEN a.s_at - interval '1 hour'
	           WHEN 'gw' THEN a.s_at - interval '15 minutes'
	           WHEN 'ex' THEN a.t_fail + interval '2 hours'
	           WHEN 'st' THEN a.t_it + interval '52 hours'
	           ELSE a.placed_at + (1 + oms_demo.pick(a.id, 159, 9)) * interval '1 day'
	       END + oms_demo.pick(a.id, 160, 600) * interval '1 second' AS created_at,
	       (SELECT order_no FROM oms.orders WHERE id = a.id) AS order_no,
	       a.reason_code
	FROM oms_demo.aft a
	WHERE (a.kind = 'n')
	   OR (a.kind = 'st' AND a.stuck)
	   OR (a.kind IN ('cw', 'ca', 'cr', 'pf', 'lc') AND a.has_cancel AND a.ut < 0.3)
	   OR (a.kind IN ('rt', 'gw') AND a.has_story AND a.ut < 0.5)
	   OR (a.kind = 'ex' AND a.t_fail <= a.anchor AND a.ut < 0.4)
) t
WHERE t.created_at <= t.anchor;

INSERT INTO oms.ticket (id, customer_id, order_id, subject, status, priority, assigned_to, created_by, created_at, updated_at)
SELECT t.ticket_id, t.customer_id, t.order_id,
       CASE t.kind
           WHEN 'cw' THEN 'Cancel order ' || t.order_no
           WHEN 'ca' THEN 'Cancel order ' || t.order_no
           WHEN 'cr' THEN 'Cancel order ' || t.order_no
           WHEN 'pf' THEN 'Card declined for order ' || t.order_no
           WHEN 'lc' THEN 'Item missing from order ' || t.order_no
           WHEN 'rt' THEN 'Return for order ' || t.order_no
           WHEN 'gw' THEN 'Complaint about order ' || t.order_no
           WHEN 'ex' THEN 'Delivery failed for order ' || t.order_no
           WHEN 'st' THEN 'Parcel not moving, order ' || t.order_no
           ELSE (ARRAY['Where is my order?', 'Change of delivery address', 'Invoice copy needed',
                       'Question about my order'])[1 + oms_demo.pick(t.order_id, 161, 4)]
       END,
       s.status,
       CASE WHEN t.kind = 'st' THEN 'high' WHEN t.kind = 'ex' THEN 'high'
            WHEN t.reason_code = 'fraud_suspected' THEN 'urgent'
            WHEN t.kind = 'n' THEN (ARRAY['low', 'normal'])[1 + oms_demo.pick(t.order_id, 162, 2)]
            ELSE 'normal' END,
       t.csr, t.csr, t.created_at,
       CASE s.status WHEN 'open' THEN t.created_at ELSE least(t.anchor, t.created_at + interval '1 day') END
FROM oms_demo.tik t
CROSS JOIN LATERAL (SELECT CASE
	WHEN t.anchor - t.created_at < interval '1 day' THEN 'open'
	WHEN t.anchor - t.created_at < interval '3 days' THEN 'pending'
	WHEN oms_demo.u(t.order_id, 163) < 0.7 THEN 'resolved' ELSE 'closed' END AS status) s;

INSERT INTO oms.ticket_message (id, ticket_id, author, author_kind, body, created_at)
SELECT t.ticket_id * 8 + m.k, t.ticket_id, m.author, m.author_kind, m.body, t.created_at + m.after
FROM oms_demo.tik t
JOIN oms.customer c ON c.id = t.customer_id
CROSS JOIN LATERAL (VALUES
	(0, c.full_name, 'customer',
	 CASE t.kind
	     WHEN 'cw' THEN 'Hi, I would like to cancel my order ' || t.order_no || ', please.'
	     WHEN 'ca' THEN 'Please cancel order ' || t.order_no || ', I no longer need it.'
	     WHEN 'cr' THEN 'Can you still cancel order ' || t.order_no || '?'
	     WHEN 'pf' THEN 'My card was declined but the money seems reserved. Order ' || t.order_no || '.'
	     WHEN 'lc' THEN 'I got an e-mail that one item of my order is out of stock. Will I be refunded?'
	     WHEN 'rt' THEN 'I want to return an item from order ' || t.order_no || '.'
	     WHEN 'gw' THEN 'My parcel arrived late and the box was damaged. Not happy.'
	     WHEN 'ex' THEN 'The carrier says nobody was home, but I was. When will it come?'
	     WHEN 'st' THEN 'Tracking has not changed for days. Is my parcel lost?'
	     ELSE 'Could you check the status of order ' || t.order_no || '?' END,
	 interval '0'),
	(1, t.csr, 'staff',
	 CASE t.kind
	     WHEN 'cw' THEN 'Done: the order is cancelled. Any payment is refunded within 5 business days.'
	     WHEN 'ca' THEN 'I have asked the seller to approve the cancellation and will get back to you.'
	     WHEN 'cr' THEN 'I have asked the seller; I will let you know what they say.'
	     WHEN 'pf' THEN 'The payment was not taken: the reservation disappears within a few days.'
	     WHEN 'lc' THEN 'Yes, that line was cancelled and refunded to your card.'
	     WHEN 'rt' THEN 'I have opened a return for you; the label follows by e-mail.'
	     WHEN 'gw' THEN 'Sorry about that. I have requested a partial refund for you.'
	     WHEN 'ex' THEN 'The carrier will try again on the next business day.'
	     WHEN 'st' THEN 'I have flagged the parcel with the carrier and will follow up within 24 hours.'
	     ELSE 'Your order is on its way; tracking is in your confirmation e-mail.' END,
	 interval '25 minutes'),
	(2, 'oms', 'system', 'Refund ' || t.refund_id || ' recorded.', interval '26 minutes'),
	(3, c.full_name, 'customer', 'Thank you!', interval '5 hours')
) AS m(k, author, author_kind, body, after)
WHERE (m.k <> 2 OR t.refund_id IS NOT NULL)
  AND t.created_at + m.after <= t.anchor;

-- ---------------------------------------------------------------------------
-- Outbox: the refund jobs that died at the gateway wait for an administrator.
INSERT INTO oms.outbox (id, kind, dedupe_key, order_id, refund_id, payload, status, attempts, next_attempt_at,
                        last_error, created_at, updated_at)
SELECT r.id, 'refund', 'refund:' || r.id, r.order_id, r.id,
       -- the payload oms.grant_refund (0007) gives a refund job
       jsonb_build_object('refund_id', r.id, 'order_no', o.order_no, 'amount_minor', r.amount_minor,
                          'currency', r.currency, 'idempotency_key', r.idempotency_key,
                          'payment_ref', (SELECT provider_ref FROM oms.payment WHERE order_id = r.order_id)),
       'dead', 5, r.created_at + interval '2 hours', r.last_message, r.created_at, r.created_at + interval '2 hours'
FROM oms.refund r JOIN oms.orders o ON o.id = r.order_id
WHERE r.status = 'failed';

RESET work_mem;
RESET session_replication_role;
