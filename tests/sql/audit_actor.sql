-- Issue 8, break 9: the audit actor comes only from session_user and the
-- staff table, never from data (a carrier name typed by fulfilment, a
-- setting made in the session).
BEGIN;
\ir fixture.psql
SELECT plan(5);
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS o \gset
-- an administrator configured a carrier whose name is a staff member's
INSERT INTO oms.carrier (code, name, tracking_pattern, tracking_example) VALUES ('AdaPost', 'Ada Admin', '^TRK-[A-Z0-9-]{4,30}$', 'TRK-ACTOR-0000');
INSERT INTO oms.carrier_service (carrier, service_level) VALUES ('AdaPost', 'ground');
SET SESSION AUTHORIZATION t_ful1;
SELECT oms_api.mark_shipped(:o, 'Ada Admin', 'TRK-ACTOR-0001') \g /dev/null
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_worker;
SELECT is(oms_api.record_tracking_event('TRK-ACTOR-0001', 'in_transit', now(), 'Depot', 'scan'), 'IN_TRANSIT',
	'a scan from a carrier named like an administrator moves the order');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT staff_name FROM oms.audit_log WHERE action = 'record_tracking_event' AND table_name = 'orders'
           AND order_id = (SELECT id FROM oms.orders WHERE order_no = :o)), 'worker',
	'the actor of the scan is the worker, not the carrier name');
SELECT is((SELECT count(*) FROM oms.audit_log WHERE staff_name = 'Ada Admin'
           AND order_id = (SELECT id FROM oms.orders WHERE order_no = :o)), 0::bigint,
	'no audit row of the order names the administrator');
-- a session setting cannot name the actor either
SET SESSION AUTHORIZATION t_csr;
SET oms.actor = 'Ada Admin';
SELECT oms_api.request_refund(:o, 100, 'goodwill') \g /dev/null
RESET oms.actor;
RESET SESSION AUTHORIZATION;
SELECT is((SELECT staff_name FROM oms.audit_log WHERE action = 'request_refund'
           AND order_id = (SELECT id FROM oms.orders WHERE order_no = :o) AND table_name = 'refund'), 'Casey Rep',
	'a session''s oms.actor setting is ignored: the CSR is the actor');
SELECT is((SELECT count(*) FROM oms.audit_log WHERE table_name = 'orders' AND op = 'UPDATE'
           AND order_id = (SELECT id FROM oms.orders WHERE order_no = :o) AND (new ? 'version' OR old ? 'version')),
	0::bigint, 'the order lock counter is not an audited change');
SELECT * FROM finish();
ROLLBACK;
