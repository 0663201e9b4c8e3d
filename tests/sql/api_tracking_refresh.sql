-- Refresh tracking (issues 11, 13): oms_api.tracking_refresh makes an
-- order's active trackers due now for the worker's poller, leaves one heard
-- from in the last minute (fresh) or leased by a poll (polling) as it is,
-- says an ended or untracked one, reports the last failed poll's reason;
-- CSR, admin and fulfilment of the order's seller only (rules
-- order_not_found, not_allowed); oms_api.tracking_status says what the
-- poller knows without changing it. oms_api.ticket_card: a ticket with its
-- messages oldest first, staff by name; row-level security decides.
BEGIN;
\ir fixture.psql
SELECT plan(25);

SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS o \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS unshipped \gset
SET SESSION AUTHORIZATION t_ful1;
SELECT oms_api.mark_shipped(:o, 'UPS', '1ZREFRESH000000001') AS ship \gset
RESET SESSION AUTHORIZATION;
SELECT s.id AS ship_id FROM oms.shipment s JOIN oms.orders o ON o.id = s.order_id WHERE o.order_no = :o \gset
-- the tracker was last heard from two hours ago, next polled in four
UPDATE oms.tracker SET last_heard_at = clock_timestamp() - interval '2 hours',
	next_poll_at = clock_timestamp() + interval '4 hours' WHERE shipment_id = :ship_id;

SET SESSION AUTHORIZATION t_csr;
SELECT oms_api.tracking_refresh(:o) AS r \gset
RESET SESSION AUTHORIZATION;
SELECT is((:'r'::jsonb) ->> 'asked', '1', 'tracking_refresh: one tracker asked for');
SELECT is((:'r'::jsonb) -> 'shipments' -> 0 ->> 'state', 'due', '... its state: due');
SELECT is((:'r'::jsonb) -> 'shipments' -> 0 ->> 'tracking_no', '1ZREFRESH000000001', '... its tracking number');
SELECT ok((SELECT next_poll_at <= clock_timestamp() FROM oms.tracker WHERE shipment_id = :ship_id),
	'... the tracker is due now: the poller takes it next');

-- heard from a moment ago: nothing asked, nothing changed
UPDATE oms.tracker SET last_heard_at = clock_timestamp(), next_poll_at = clock_timestamp() + interval '6 hours'
WHERE shipment_id = :ship_id;
SET SESSION AUTHORIZATION t_admin;
SELECT oms_api.tracking_refresh(:o) AS r \gset
RESET SESSION AUTHORIZATION;
SELECT is((:'r'::jsonb) -> 'shipments' -> 0 ->> 'state', 'fresh', 'heard from under a minute ago: fresh');
SELECT is((:'r'::jsonb) ->> 'asked', '0', '... nothing asked');
SELECT ok((SELECT next_poll_at > clock_timestamp() + interval '5 hours' FROM oms.tracker WHERE shipment_id = :ship_id),
	'... the tracker keeps its next poll');

-- a poll under way (trackers_due leases for 10 minutes), after failures
UPDATE oms.tracker SET last_heard_at = clock_timestamp() - interval '2 hours',
	next_poll_at = clock_timestamp() + interval '9 minutes 50 seconds',
	poll_failures = 3, last_error = 'aggregator unreachable: timed out' WHERE shipment_id = :ship_id;
SET SESSION AUTHORIZATION t_ful1;
SELECT oms_api.tracking_refresh(:o) AS r \gset
RESET SESSION AUTHORIZATION;
SELECT is((:'r'::jsonb) -> 'shipments' -> 0 ->> 'state', 'polling', 'leased by a poll: polling, not asked twice');
SELECT is((:'r'::jsonb) -> 'shipments' -> 0 ->> 'last_error', 'aggregator unreachable: timed out',
	'... the last failed poll''s reason');
SELECT is((:'r'::jsonb) -> 'shipments' -> 0 ->> 'poll_failures', '3', '... and how many failed');

-- what the poller knows, changing nothing
SET SESSION AUTHORIZATION t_csr;
SELECT oms_api.tracking_status(:o) AS st \gset
RESET SESSION AUTHORIZATION;
SELECT is((:'st'::jsonb) -> 'shipments' -> 0 ->> 'last_error', 'aggregator unreachable: timed out',
	'tracking_status: the last failed poll''s reason');
SELECT is((:'st'::jsonb) -> 'shipments' -> 0 ->> 'state', 'tracking', '... the tracker''s state');
SELECT ok(((:'st'::jsonb) -> 'shipments' -> 0 ->> 'last_heard_age_s')::bigint BETWEEN 7200 AND 7260,
	'... and how old the last known state is (heard from two hours ago)');
SELECT ok((SELECT next_poll_at > clock_timestamp() + interval '9 minutes' FROM oms.tracker WHERE shipment_id = :ship_id),
	'... the lease is left as it was');
SET SESSION AUTHORIZATION t_ful2;
SELECT matches(pg_temp.err(format('SELECT oms_api.tracking_status(%s)', :o)), '^P0002',
	'tracking_status: order_not_found for fulfilment of another seller');
RESET SESSION AUTHORIZATION;

-- ended
UPDATE oms.tracker SET active = false WHERE shipment_id = :ship_id;
SET SESSION AUTHORIZATION t_csr;
SELECT is(oms_api.tracking_refresh(:o) -> 'shipments' -> 0 ->> 'state', 'ended', 'an ended tracker: ended');
SELECT is(oms_api.tracking_refresh(:unshipped), jsonb_build_object('order_no', :unshipped, 'asked', 0, 'shipments', '[]'::jsonb),
	'an order not shipped: nothing to ask');
SELECT matches(pg_temp.err('SELECT oms_api.tracking_refresh(-1)'), '^P0002', 'order_not_found: an unknown order');
SET SESSION AUTHORIZATION t_ful2;
SELECT matches(pg_temp.err(format('SELECT oms_api.tracking_refresh(%s)', :o)), '^P0002: order \d+ not found',
	'order_not_found: fulfilment of another seller does not see the order');
SET SESSION AUTHORIZATION t_analyst;
SELECT matches(pg_temp.err(format('SELECT oms_api.tracking_refresh(%s)', :o)), '^42501',
	'not_allowed: an analyst may not ask');
RESET SESSION AUTHORIZATION;

-- a ticket with its messages
INSERT INTO oms.ticket (customer_id, order_id, subject, status, assigned_to)
SELECT o.customer_id, o.id, 'Where is my parcel?', 'open', 't_csr' FROM oms.orders o WHERE o.order_no = :o
RETURNING id AS tid \gset
INSERT INTO oms.ticket_message (ticket_id, author, author_kind, body, created_at) VALUES
	(:tid, 't_csr', 'staff', 'Asked the carrier.', clock_timestamp()),
	(:tid, 'Pat Customer', 'customer', 'It has not moved.', clock_timestamp() - interval '1 hour');
SET SESSION AUTHORIZATION t_csr;
SELECT oms_api.ticket_card(:tid) AS k \gset
SELECT is((:'k'::jsonb) ->> 'order_no', :'o', 'ticket_card: the ticket''s order');
SELECT is(ARRAY(SELECT m ->> 'body' FROM jsonb_array_elements((:'k'::jsonb) -> 'messages') m),
	ARRAY['It has not moved.', 'Asked the carrier.'], '... its messages oldest first');
SELECT is(ARRAY(SELECT m ->> 'author' FROM jsonb_array_elements((:'k'::jsonb) -> 'messages') m),
	ARRAY['Pat Customer', 'Casey Rep'], '... a staff member by name, as the cards name them');
SELECT is(oms_api.ticket_card(-1), NULL, 'an unknown ticket: NULL');
SET SESSION AUTHORIZATION t_ful2;
SELECT is(oms_api.ticket_card(:tid), NULL, 'fulfilment of another seller: row-level security hides it');
RESET SESSION AUTHORIZATION;
SELECT * FROM finish();
ROLLBACK;
