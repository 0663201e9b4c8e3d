-- oms_api.order_card and oms_api.customer_card: the shape the contract
-- lists (every key, with its jsonb type), NULL for unknown or not visible,
-- the timeline naming its actors, refundable_minor after partial refunds.
BEGIN;
\ir fixture.psql
SELECT plan(38);

-- o1 (seller A): 2 x Widget + 1 x Gadget + 5.00 shipping = 30.00, paid.
-- A CSR cancels the Gadget (5.00 refunded, succeeds at the gateway), asks
-- for a 7.00 goodwill refund, the seller ships it, the carrier delivers.
-- o2 (seller A): 15.00, paid, cancelled by the CSR.
-- ob (seller B): Bea's order; Bea never bought from seller A.
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 2),
                                           jsonb_build_object('item_id', :item_a2, 'qty', 1))) AS o1 \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS o2 \gset
SELECT pg_temp.new_customer('Bea Bseller', 'bea@example.net') AS bea \gset
SELECT pg_temp.order_for(:bea, jsonb_build_array(jsonb_build_object('item_id', :item_b1, 'qty', 1))) AS ob \gset
SELECT (max(id) + 1000) * 10 + oms.damm_check(max(id) + 1000) AS nosuch FROM oms.orders \gset
INSERT INTO oms.ticket (customer_id, order_id, subject, priority)
SELECT :cust, id, 'Where is my parcel?', 'high' FROM oms.orders WHERE order_no = :o1;
INSERT INTO oms.ticket (customer_id, subject) VALUES (:cust, 'Change my e-mail');

SET SESSION AUTHORIZATION t_csr;
SELECT refund_id AS r_line FROM oms_api.cancel_lines(:o1, '[{"line_no":2,"qty":1}]', 'out_of_stock', 'shelf empty') \gset
SELECT is((oms_api.order_card(:o1) ->> 'refundable_minor')::bigint, 2500::bigint,
	'order_card: refundable_minor is the payment less the line refund (30.00 - 5.00)');
SELECT oms_api.request_refund(:o1, 700, 'goodwill') AS r_goodwill \gset
SELECT is((oms_api.order_card(:o1) ->> 'refundable_minor')::bigint, 1800::bigint,
	'order_card: a partial refund waiting for approval is no longer refundable (25.00 - 7.00)');
SELECT cancellation_id AS c2 FROM oms_api.cancel_order(:o2, 'customer_request') \gset
SET SESSION AUTHORIZATION t_admin;
SELECT oms_api.decide_refund(:r_goodwill, true, 'ok') \g /dev/null
SET SESSION AUTHORIZATION t_worker;
SELECT oms_api.refund_result(:r_line, 'succeeded', 're_line_1', 'refunded') \g /dev/null
SET SESSION AUTHORIZATION t_ful1;
SELECT oms_api.mark_shipped(:o1, 'Local', '1ZCARD0001', 'express') \g /dev/null
SET SESSION AUTHORIZATION t_worker;
SELECT oms_api.record_tracking_event('1ZCARD0001', 'in_transit', now() + interval '1 hour', 'Memphis, TN', 'Departed facility'),
       oms_api.record_tracking_event('1ZCARD0001', 'delivered', now() + interval '5 hours', 'Springfield, IL', 'Left at front door')
\g /dev/null

-- The contract's shape of order_card: a path (array positions are the first
-- element) and the jsonb types it may have in this state.
CREATE TEMP TABLE order_shape (path text[], types text[]);
INSERT INTO order_shape
SELECT string_to_array(p, '.'), string_to_array(t, '|') FROM (VALUES
	('order_no', 'number'), ('status', 'string'), ('status_at', 'string'), ('placed_at', 'string'),
	('confirmed_at', 'string'), ('shipped_at', 'string'), ('delivered_at', 'string'), ('cancelled_at', 'null'),
	('seller', 'object'), ('seller.id', 'number'), ('seller.name', 'string'),
	('customer', 'object'), ('customer.id', 'number'), ('customer.full_name', 'string'),
	('customer.email', 'string'), ('customer.phone', 'string'),
	('currency', 'string'), ('subtotal_minor', 'number'), ('shipping_minor', 'number'), ('total_minor', 'number'),
	('refundable_minor', 'number'),
	('ship_to', 'object'), ('ship_to.name', 'string'), ('ship_to.line1', 'string'), ('ship_to.line2', 'null|string'),
	('ship_to.city', 'string'), ('ship_to.region', 'string|null'), ('ship_to.postal_code', 'string|null'),
	('ship_to.country', 'string'),
	('lines', 'array'), ('lines.0.line_no', 'number'), ('lines.0.sku', 'string'), ('lines.0.name', 'string'),
	('lines.0.qty', 'number'), ('lines.0.unit_price_minor', 'number'), ('lines.0.line_total_minor', 'number'),
	('lines.0.cancelled_qty', 'number'),
	('payment', 'object'), ('payment.status', 'string'), ('payment.provider_ref', 'string'),
	('payment.amount_minor', 'number'), ('payment.verified_at', 'string'), ('payment.attempts', 'number'),
	('refunds', 'array'), ('refunds.0.id', 'number'), ('refunds.0.amount_minor', 'number'),
	('refunds.0.status', 'string'), ('refunds.0.approval', 'string'), ('refunds.0.reason', 'string'),
	('refunds.0.created_at', 'string'), ('refunds.0.executed_at', 'string'),
	('refunds.0.provider_refund_id', 'string'), ('refunds.0.last_message', 'string|null'),
	('shipments', 'array'), ('shipments.0.id', 'number'), ('shipments.0.carrier', 'string'),
	('shipments.0.service_level', 'string'), ('shipments.0.tracking_no', 'string'), ('shipments.0.status', 'string'),
	('shipments.0.shipped_at', 'string'), ('shipments.0.estimated_delivery', 'string'),
	('shipments.0.flagged', 'boolean'), ('shipments.0.events', 'array'),
	('shipments.0.events.0.at', 'string'), ('shipments.0.events.0.status', 'string'),
	('shipments.0.events.0.location', 'string'), ('shipments.0.events.0.description', 'string'),
	('cancellations', 'array'), ('cancellations.0.id', 'number'), ('cancellations.0.scope', 'string'),
	('cancellations.0.reason_code', 'string'), ('cancellations.0.reason_label', 'string'),
	('cancellations.0.note', 'string'), ('cancellations.0.state', 'string'),
	('cancellations.0.requested_by', 'string'), ('cancellations.0.requested_at', 'string'),
	('cancellations.0.decided_by', 'string'), ('cancellations.0.decided_at', 'string'),
	('cancellations.0.decision_note', 'null|string'), ('cancellations.0.override_reason', 'null'),
	('timeline', 'array'), ('timeline.0.at', 'string'), ('timeline.0.actor', 'string'),
	('timeline.0.action', 'string|null'), ('timeline.0.detail', 'string')) v(p, t);
GRANT SELECT ON order_shape TO PUBLIC;

CREATE TEMP TABLE customer_shape (path text[], types text[]);
INSERT INTO customer_shape
SELECT string_to_array(p, '.'), string_to_array(t, '|') FROM (VALUES
	('id', 'number'), ('full_name', 'string'), ('email', 'string'), ('phone', 'string'), ('created_at', 'string'),
	('addresses', 'array'), ('addresses.0.id', 'number'), ('addresses.0.label', 'string'),
	('addresses.0.line1', 'string'), ('addresses.0.line2', 'null|string'), ('addresses.0.city', 'string'),
	('addresses.0.region', 'string'), ('addresses.0.postal_code', 'string'), ('addresses.0.country', 'string'),
	('addresses.0.is_default', 'boolean'),
	('figures', 'object'), ('figures.orders', 'number'), ('figures.spend_minor', 'number'),
	('figures.currency', 'string'), ('figures.cancellations', 'number'), ('figures.refunds_minor', 'number'),
	('figures.first_order_at', 'string'), ('figures.last_order_at', 'string'),
	('tickets', 'array'), ('tickets.0.id', 'number'), ('tickets.0.subject', 'string'), ('tickets.0.status', 'string'),
	('tickets.0.priority', 'string'), ('tickets.0.created_at', 'string'), ('tickets.0.order_no', 'number|null')) v(p, t);
GRANT SELECT ON customer_shape TO PUBLIC;

-- The paths of a card that are missing or of another type: NULL when none.
CREATE FUNCTION pg_temp.shape_errors(p_card jsonb, p_shape text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	v text;
BEGIN
	EXECUTE format($q$SELECT string_agg(array_to_string(s.path, '.') || ': ' ||
	                      coalesce(jsonb_typeof($1 #> s.path), 'missing'), ', ')
	                   FROM %I s WHERE coalesce(jsonb_typeof($1 #> s.path), 'missing') <> ALL (s.types)$q$, p_shape)
	INTO v USING p_card;
	RETURN v;
END
$$;

-- The values of a json text at every depth: of the card the screens read
-- (order_card_json), and of the jsonb card (order_card) written out.
-- jsonb keeps one of two equal keys of an object; json text keeps both,
-- and a reader may take either. So the counts differ exactly when the
-- text has a key twice.
CREATE FUNCTION pg_temp.json_values(p json) RETURNS bigint
LANGUAGE sql AS $$
	WITH RECURSIVE w(v) AS (
		SELECT p
		UNION ALL
		SELECT e.value FROM w, LATERAL (
			SELECT j.value FROM json_each(CASE WHEN json_typeof(w.v) = 'object' THEN w.v END) j
			UNION ALL
			SELECT a.value FROM json_array_elements(CASE WHEN json_typeof(w.v) = 'array' THEN w.v END) a) e)
	SELECT count(*) FROM w
$$;

SET SESSION AUTHORIZATION t_csr;
SELECT oms_api.order_card(:o1) AS card1 \gset
SELECT is(pg_temp.json_values(oms_api.order_card_json(:o1)), pg_temp.json_values(:'card1'::jsonb::json),
	'order_card_json: the text the screens read has no key twice, at any depth (as many values as the jsonb card)');
SELECT is(pg_temp.shape_errors(:'card1', 'order_shape'), NULL,
	'order_card: every key of the contract is there with the right jsonb type (order, seller, customer, ship_to, lines, payment, refunds, shipments, events, cancellations, timeline)');
SELECT set_eq(format('SELECT jsonb_object_keys(%L::jsonb)', :'card1'),
	$$SELECT DISTINCT path[1] FROM order_shape$$, 'order_card: the top level has exactly the contract''s keys');
SELECT results_eq(format($$SELECT (c ->> 'order_no')::bigint, c ->> 'status', c ->> 'currency', (c ->> 'subtotal_minor')::bigint,
		(c ->> 'shipping_minor')::bigint, (c ->> 'total_minor')::bigint, c #>> '{seller,name}', (c #>> '{customer,id}')::bigint
	FROM (SELECT %L::jsonb c) x$$, :'card1'),
	format($$VALUES (%s::bigint, 'DELIVERED'::text, 'USD'::text, 2500::bigint, 500::bigint, 3000::bigint, 'Seller A'::text, %s::bigint)$$,
	       :o1, :cust),
	'order_card: the order''s figures, status, seller and customer');
SELECT results_eq(format($$SELECT (l ->> 'line_no')::int, l ->> 'sku', (l ->> 'qty')::int, (l ->> 'line_total_minor')::bigint,
		(l ->> 'cancelled_qty')::int FROM jsonb_array_elements(%L::jsonb -> 'lines') l$$, :'card1'),
	$$VALUES (1, 'A-1'::text, 2, 2000::bigint, 0), (2, 'A-2'::text, 1, 500::bigint, 1)$$,
	'order_card: lines in line order, with what was cancelled');
SELECT results_eq(format($$SELECT (r ->> 'amount_minor')::bigint, r ->> 'status', r ->> 'approval', r ->> 'provider_refund_id'
	FROM jsonb_array_elements(%L::jsonb -> 'refunds') r$$, :'card1'),
	$$VALUES (500::bigint, 'succeeded'::text, 'auto'::text, 're_line_1'::text), (700::bigint, 'not_sent'::text, 'approved'::text, NULL::text)$$,
	'order_card: both refunds, oldest first, with approval and gateway state');
SELECT results_eq(format($$SELECT r ->> 'last_message' FROM jsonb_array_elements(%L::jsonb -> 'refunds') r$$, :'card1'),
	$$VALUES ('refunded'::text), (NULL::text)$$,
	'order_card: each refund has the gateway''s last word on it (a refusal''s reason, issue 13)');
SELECT results_eq(format($$SELECT e ->> 'status', e ->> 'location' FROM jsonb_array_elements(%L::jsonb #> '{shipments,0,events}') e$$, :'card1'),
	$$VALUES ('in_transit'::text, 'Memphis, TN'::text), ('delivered'::text, 'Springfield, IL'::text)$$,
	'order_card: the shipment''s carrier events, oldest first');
SELECT results_eq(format($$SELECT c ->> 'scope', c ->> 'reason_code', c ->> 'reason_label', c ->> 'note', c ->> 'requested_by', c ->> 'state'
	FROM jsonb_array_elements(%L::jsonb -> 'cancellations') c$$, :'card1'),
	$$VALUES ('lines'::text, 'out_of_stock'::text, 'Out of stock'::text, 'shelf empty'::text, 'Casey Rep'::text, 'done'::text)$$,
	'order_card: the line cancellation with its reason label, note and the requester''s name');
SELECT is((:'card1'::jsonb ->> 'refundable_minor')::bigint, 1800::bigint,
	'order_card: refundable_minor after the approved partial refund is 18.00');
SELECT is((:'card1'::jsonb ->> 'refundable_minor')::bigint, oms.refundable_minor((SELECT id FROM oms.orders WHERE order_no = :o1)),
	'order_card: refundable_minor agrees with oms.refundable_minor');
SELECT ok((SELECT bool_and((t ->> 'at')::timestamptz >= coalesce(prev, '-infinity')) FROM (
		SELECT t, lag((t ->> 'at')::timestamptz) OVER (ORDER BY n) prev
		FROM jsonb_array_elements(:'card1'::jsonb -> 'timeline') WITH ORDINALITY x(t, n)) y),
	'order_card: the timeline is oldest first');
SELECT ok(EXISTS (SELECT 1 FROM jsonb_array_elements(:'card1'::jsonb -> 'timeline') t
	WHERE t ->> 'actor' = 'Casey Rep' AND t ->> 'action' = 'cancel_lines'),
	'order_card: the timeline names the CSR for the line cancellation');
SELECT ok(EXISTS (SELECT 1 FROM jsonb_array_elements(:'card1'::jsonb -> 'timeline') t
	WHERE t ->> 'actor' = 'Fiona Fulfil' AND t ->> 'action' = 'mark_shipped'),
	'order_card: the timeline names the fulfilment clerk for the shipment');
SELECT ok(EXISTS (SELECT 1 FROM jsonb_array_elements(:'card1'::jsonb -> 'timeline') t
	WHERE t ->> 'actor' = 'worker' AND t ->> 'action' = 'refund_result'),
	'order_card: the worker''s refund result is attributed to ''worker''');
SELECT ok(EXISTS (SELECT 1 FROM jsonb_array_elements(:'card1'::jsonb -> 'timeline') t
	WHERE t ->> 'actor' = 'worker' AND t ->> 'action' = 'record_tracking_event' AND t ->> 'detail' LIKE '%delivered%'),
	'order_card: carrier scans are recorded by the worker (never attributed to a name from the data, issue 8)');

-- the cancelled order
SELECT oms_api.order_card(:o2) AS card2 \gset
SELECT ok(EXISTS (SELECT 1 FROM jsonb_array_elements(:'card2'::jsonb -> 'timeline') t
	WHERE t ->> 'actor' = 'Casey Rep' AND t ->> 'action' = 'cancel_order' AND t ->> 'detail' LIKE '%CONFIRMED -> CANCELLED%'),
	'order_card: the timeline names the CSR (Casey Rep) who cancelled the order, with the status change');
SELECT is(jsonb_typeof(:'card2'::jsonb -> 'cancelled_at'), 'string', 'order_card: a cancelled order has cancelled_at');
SELECT results_eq(format($$SELECT c ->> 'state', c ->> 'decided_by', (c ->> 'id')::bigint FROM jsonb_array_elements(%L::jsonb -> 'cancellations') c$$, :'card2'),
	format($$VALUES ('done'::text, 'Casey Rep'::text, %s::bigint)$$, :c2),
	'order_card: the cancellation is done and decided by the CSR');
SELECT is((:'card2'::jsonb ->> 'refundable_minor')::bigint, 0::bigint, 'order_card: nothing is left to refund on the cancelled order');
-- issue 13: the timeline of an order whose rows have no audit rows (loaded
-- in bulk, as the demo's orders but those of its two anchor customers)
-- still shows its placing, its cancellation and its refund, worded as the
-- audit rows would be; an audited order gets no second line for them
SELECT is((SELECT count(*) FROM jsonb_array_elements(:'card2'::jsonb -> 'timeline') t
	WHERE t ->> 'detail' LIKE '%cancellation (%' OR t ->> 'detail' LIKE '%order placed%'), 2::bigint,
	'order_card: an audited order''s placing and cancellation are each in the timeline once');
RESET SESSION AUTHORIZATION;
SELECT pg_temp.order_for(pg_temp.new_customer('Cy Bulk', 'cy@example.net'),
	jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS o3 \gset
SET SESSION AUTHORIZATION t_csr;
SELECT oms_api.cancel_order(:o3, 'customer_request') \g /dev/null
RESET SESSION AUTHORIZATION;
SET session_replication_role = replica;
DELETE FROM oms.audit_log WHERE order_id = (SELECT id FROM oms.orders WHERE order_no = :o3);
SET session_replication_role = origin;
SET SESSION AUTHORIZATION t_csr;
SELECT oms_api.order_card(:o3) AS card3 \gset
SELECT bag_eq(format($$SELECT t ->> 'actor' AS actor, t ->> 'action' AS action, t ->> 'detail' AS detail FROM jsonb_array_elements(%L::jsonb -> 'timeline') t$$, :'card3'),
	$$VALUES ('web', 'place_checkout', 'order placed, total $15.00'),
	         ('Casey Rep', 'cancel_order', 'cancellation (order, customer_request): done'),
	         ('Casey Rep', 'cancel_order', 'refund of $15.00 (auto)')$$,
	'order_card: an order without audit rows still shows its placing, cancellation and refund in the timeline');
-- a request an administrator decided later with an override (demo order
-- 11995659): the request line waits, the decision's line has the override
RESET SESSION AUTHORIZATION;
SET session_replication_role = replica;
UPDATE oms.cancellation SET requested_at = requested_at - interval '2 hours', override_reason = 'customer called twice'
WHERE order_id = (SELECT id FROM oms.orders WHERE order_no = :o3);
SET session_replication_role = origin;
SET SESSION AUTHORIZATION t_csr;
SELECT oms_api.order_card(:o3) AS card3 \gset
SELECT bag_eq(format($$SELECT t ->> 'action' AS action, t ->> 'detail' AS detail FROM jsonb_array_elements(%L::jsonb -> 'timeline') t
	WHERE t ->> 'detail' LIKE 'cancellation%%'$$, :'card3'),
	$$VALUES ('cancel_order', 'cancellation (order, customer_request): pending_approval'),
	         ('decide_cancellation', 'cancellation done, admin override')$$,
	'order_card: a cancellation decided later with an override: the request waits, the decision says admin override');

-- unknown and not visible
SELECT is(oms_api.order_card(:nosuch), NULL, 'order_card: NULL for an order number that does not exist');
SELECT is(oms_api.order_card(NULL), NULL, 'order_card: NULL for NULL');
SET SESSION AUTHORIZATION t_ful1;
SELECT is(oms_api.order_card(:ob), NULL, 'order_card: NULL for fulfilment of another seller');
SELECT is((oms_api.order_card(:o1) ->> 'order_no')::bigint, :o1::bigint, 'order_card: fulfilment sees its own seller''s order');

-- customer_card
SET SESSION AUTHORIZATION t_csr;
SELECT oms_api.customer_card(:cust) AS ccard \gset
SELECT is(pg_temp.json_values(oms_api.customer_card_json(:cust)), pg_temp.json_values(:'ccard'::jsonb::json),
	'customer_card_json: no key twice, at any depth (as many values as the jsonb card)');
SELECT is(pg_temp.shape_errors(:'ccard', 'customer_shape'), NULL,
	'customer_card: every key of the contract is there with the right jsonb type (profile, addresses, figures, tickets)');
SELECT set_eq(format('SELECT jsonb_object_keys(%L::jsonb)', :'ccard'),
	$$SELECT DISTINCT path[1] FROM customer_shape$$, 'customer_card: the top level has exactly the contract''s keys');
SELECT results_eq(format($$SELECT (f ->> 'orders')::int, (f ->> 'spend_minor')::bigint, f ->> 'currency', (f ->> 'cancellations')::int,
		(f ->> 'refunds_minor')::bigint FROM (SELECT %L::jsonb -> 'figures' f) x$$, :'ccard'),
	$$VALUES (2, 3000::bigint, 'USD'::text, 1, 500::bigint)$$,
	'customer_card: figures count 2 orders, 30.00 spent (the cancelled order not counted), 1 cancellation, 5.00 refunded');
SELECT results_eq(format($$SELECT t ->> 'subject', (t ->> 'order_no')::bigint FROM jsonb_array_elements(%L::jsonb -> 'tickets') t ORDER BY 1$$, :'ccard'),
	format($$VALUES ('Change my e-mail'::text, NULL::bigint), ('Where is my parcel?'::text, %s::bigint)$$, :o1),
	'customer_card: both tickets, with the order number where there is one');
SELECT is(oms_api.customer_card(-1), NULL, 'customer_card: NULL for a customer that does not exist');
SET SESSION AUTHORIZATION t_ful1;
SELECT is(oms_api.customer_card(:bea), NULL, 'customer_card: NULL for fulfilment when the customer only bought from another seller');
SELECT is((oms_api.customer_card(:cust) ->> 'id')::bigint, :cust::bigint, 'customer_card: fulfilment sees its own customers');
SET SESSION AUTHORIZATION t_ful2;
SELECT is((oms_api.customer_card(:bea) ->> 'id')::bigint, :bea::bigint, 'customer_card: fulfilment B sees Bea');
RESET SESSION AUTHORIZATION;
SELECT * FROM finish();
ROLLBACK;
