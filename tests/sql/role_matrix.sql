-- Role matrix: every staff group against every table (SELECT, INSERT,
-- UPDATE, DELETE, TRUNCATE) and every oms_api function (EXECUTE), read from
-- the catalogs and compared with the expected grants written out below.
-- Staff never hold a write privilege on any table.
BEGIN;
\ir fixture.psql
SELECT plan(5);

CREATE TEMP TABLE expected_select (grp text, tab text);
INSERT INTO expected_select
SELECT 'oms_admin', t FROM unnest(ARRAY['address', 'alert', 'audit_log', 'cancellation', 'cancellation_line',
	'cancellation_reason', 'checkout', 'currency', 'customer', 'holiday', 'item', 'order_item', 'order_status',
	'order_transition', 'orders', 'outbox', 'payment', 'policy', 'refund', 'return_item', 'return_request',
	'schema_definitions', 'schema_migrations', 'seller', 'session_limit', 'shipment', 'shipment_event', 'staff', 'ticket', 'ticket_message']) t
UNION ALL
-- issue 12: the database's identity (its UUID in Message-IDs)
SELECT 'oms_admin', 'database_identity'
UNION ALL
-- issue 14: the words of the customers' names (sql/0033), read by lookup's
-- name search, under row security as oms.customer
SELECT g, 'customer_name_word' FROM unnest(ARRAY['oms_admin', 'oms_csr', 'oms_worker', 'oms_fulfilment']) g
UNION ALL
SELECT 'oms_csr', t FROM unnest(ARRAY['address', 'audit_log', 'cancellation', 'cancellation_line',
	'cancellation_reason', 'checkout', 'currency', 'customer', 'holiday', 'item', 'order_item', 'order_status',
	'order_transition', 'orders', 'payment', 'policy', 'refund', 'return_item', 'return_request',
	'seller', 'shipment', 'shipment_event', 'staff', 'ticket', 'ticket_message']) t
UNION ALL
SELECT 'oms_worker', t FROM unnest(ARRAY['address', 'cancellation', 'cancellation_line',
	'cancellation_reason', 'checkout', 'currency', 'customer', 'holiday', 'item', 'order_item', 'order_status',
	'order_transition', 'orders', 'outbox', 'payment', 'policy', 'refund', 'return_item', 'return_request',
	'seller', 'shipment', 'shipment_event', 'staff', 'ticket', 'ticket_message']) t
UNION ALL
SELECT 'oms_fulfilment', t FROM unnest(ARRAY['address', 'audit_log', 'cancellation', 'cancellation_line',
	'cancellation_reason', 'checkout', 'currency', 'customer', 'holiday', 'item', 'order_item', 'order_status',
	'order_transition', 'orders', 'payment', 'policy', 'refund', 'return_item', 'return_request',
	'seller', 'shipment', 'shipment_event', 'staff', 'ticket', 'ticket_message']) t
UNION ALL
-- oms_analyst: only the currency table in schema oms (no personal data)
SELECT 'oms_analyst', 'currency'
UNION ALL
-- issue 10: the report facts and summaries (no personal data; row-level
-- security gives fulfilment its seller's rows)
SELECT g, t FROM unnest(ARRAY['oms_admin', 'oms_analyst', 'oms_fulfilment']) g,
	unnest(ARRAY['report_order', 'report_cancel', 'report_refund', 'report_day', 'report_cancel_day',
	             'report_refund_day', 'report_month', 'report_cancel_month', 'report_refund_month']) t
UNION ALL
-- issue 10: the workers' heartbeats (the dashboard reads them)
SELECT 'oms_admin', 'worker_heartbeat'
UNION ALL
-- issue 11: the service levels (sql/0034; reference data like holiday)
SELECT g, 'service_level' FROM unnest(ARRAY['oms_admin', 'oms_csr', 'oms_fulfilment', 'oms_worker']) g;

CREATE TEMP TABLE expected_execute (grp text, fn text);
INSERT INTO expected_execute
SELECT g, f FROM (VALUES
	('whoami', '{oms_csr,oms_fulfilment,oms_analyst,oms_admin,oms_worker}'),
	('lookup', '{oms_csr,oms_fulfilment,oms_admin,oms_worker}'),
	('order_card', '{oms_csr,oms_fulfilment,oms_admin,oms_worker}'),
	('customer_card', '{oms_csr,oms_fulfilment,oms_admin}'),
	-- issue 14: the cards as json text, what the screens read
	('order_card_json', '{oms_csr,oms_fulfilment,oms_admin,oms_worker}'),
	('customer_card_json', '{oms_csr,oms_fulfilment,oms_admin}'),
	('customer_orders', '{oms_csr,oms_fulfilment,oms_admin}'),
	('find_customer', '{oms_csr,oms_fulfilment,oms_admin}'),
	('cancel_eligibility', '{oms_csr,oms_fulfilment,oms_admin}'),
	('cancel_reasons', '{oms_csr,oms_fulfilment,oms_admin}'),
	('place_checkout', '{oms_csr,oms_admin}'),
	('cancel_order', '{oms_csr,oms_fulfilment,oms_admin}'),
	('cancel_lines', '{oms_csr,oms_fulfilment,oms_admin}'),
	('cancel_lines_preview', '{oms_csr,oms_fulfilment,oms_admin}'),
	('decide_cancellation', '{oms_fulfilment,oms_admin}'),
	('request_refund', '{oms_csr,oms_admin}'),
	('decide_refund', '{oms_admin}'),
	('mark_shipped', '{oms_fulfilment,oms_admin}'),
	('flag_stuck_shipments', '{oms_worker,oms_admin}'),
	('confirm_payment', '{oms_worker}'),
	('payment_failed', '{oms_worker}'),
	('record_tracking_event', '{oms_worker}'),
	('refund_result', '{oms_worker}'),
	('outbox_claim', '{oms_worker}'),
	('outbox_done', '{oms_worker}'),
	('outbox_retry_later', '{oms_worker}'),
	('outbox_dead', '{oms_worker}'),
	('outbox_release', '{oms_worker}'),
	('refund_to_execute', '{oms_worker}'),
	('payment_to_verify', '{oms_worker}'),
	-- issue 12: the gateway's verification states, capture, refunds followed and settled
	('payment_look', '{oms_worker}'),
	('payment_captured', '{oms_worker}'),
	('payment_capture_failed', '{oms_worker}'),
	('payment_to_capture', '{oms_worker}'),
	-- issue 12: the capture claimed once (amount_to_capture), the intent cancelled, a refund released
	('payment_capture_claim', '{oms_worker}'),
	('payment_capture_canceled', '{oms_worker}'),
	('refund_release_state', '{oms_worker}'),
	('refund_recheck_schedule', '{oms_worker}'),
	('refund_followup', '{oms_worker}'),
	('refund_new_key', '{oms_worker}'),
	('refund_retry', '{oms_admin}'),
	('refund_settle_outside', '{oms_admin}'),
	('payment_gateway_alert', '{oms_worker}'),
	('gateway_event_record', '{oms_worker}'),
	('gateway_event_outcome', '{oms_worker}'),
	('payment_by_ref', '{oms_worker}'),
	('mail_data', '{oms_worker}'),
	-- issue 12, mail: the database's key in Message-IDs, the relay's alert
	('mail_message_key', '{oms_worker}'),
	('mail_relay_alert', '{oms_worker}'),
	('attach_payment', '{oms_csr,oms_admin}'),
	('outbox_requeue', '{oms_admin}'),
	('policy_set', '{oms_admin}'),
	('reason_add', '{oms_admin}'),
	('reason_retire', '{oms_admin}'),
	('reason_restore', '{oms_admin}'),
	('pending_cancellations', '{oms_csr,oms_fulfilment,oms_admin}'),
	('pending_refunds', '{oms_csr,oms_fulfilment,oms_admin}'),
	('refunds', '{oms_csr,oms_fulfilment,oms_admin}'),
	('refund_card', '{oms_csr,oms_fulfilment,oms_admin}'),
	('jobs', '{oms_admin}'),
	('job', '{oms_admin}'),
	('alerts', '{oms_admin}'),
	-- issue 11: carriers, tracking, the review list, the fulfilment queue
	('carriers', '{oms_csr,oms_fulfilment,oms_admin,oms_worker}'),
	('service_levels', '{oms_csr,oms_fulfilment,oms_admin,oms_worker}'),
	('service_level_set', '{oms_admin}'),
	('fulfilment_queue', '{oms_csr,oms_fulfilment,oms_admin}'),
	('shipment_reviews', '{oms_csr,oms_fulfilment,oms_admin}'),
	('review_decide', '{oms_csr,oms_admin}'),
	('carrier_event', '{oms_worker}'),
	('tracker_update', '{oms_worker}'),
	('trackers_due', '{oms_worker}'),
	('tracker_poll_failed', '{oms_worker}'),
	('label_request', '{oms_fulfilment,oms_admin}'),
	('label_bought', '{oms_fulfilment,oms_admin}'),
	('set_handling_days', '{oms_fulfilment,oms_admin}'),
	('packing_slip', '{oms_fulfilment,oms_admin}'),
	('return_label_request', '{oms_csr,oms_fulfilment,oms_admin}'),
	('return_label_bought', '{oms_csr,oms_fulfilment,oms_admin}'),
	('carrier_set', '{oms_admin}'),
	('carrier_service_set', '{oms_admin}'),
	-- issues 11, 13: refresh tracking, what the poller knows, a ticket's messages
	('tracking_refresh', '{oms_csr,oms_fulfilment,oms_admin}'),
	('tracking_status', '{oms_csr,oms_fulfilment,oms_admin}'),
	('ticket_card', '{oms_csr,oms_fulfilment,oms_admin}'),
	-- issue 10: reports, the orders behind a figure, the summaries, the dashboard
	('report_volume', '{oms_fulfilment,oms_analyst,oms_admin}'),
	('report_cancellations', '{oms_fulfilment,oms_analyst,oms_admin}'),
	('report_refunds', '{oms_fulfilment,oms_analyst,oms_admin}'),
	('report_fulfilment', '{oms_fulfilment,oms_analyst,oms_admin}'),
	('report_kpi', '{oms_fulfilment,oms_analyst,oms_admin}'),
	('report_sellers', '{oms_fulfilment,oms_analyst,oms_admin}'),
	('report_orders', '{oms_fulfilment,oms_admin}'),
	('report_fold', '{oms_admin,oms_worker}'),
	('report_verify', '{oms_admin}'),
	('dashboard', '{oms_admin}'),
	('worker_heartbeat', '{oms_worker}'),
	('worker_heartbeats', '{oms_admin}'),
	('staff_sessions', '{oms_admin}'),
	('table_sizes', '{oms_admin}'),
	('schema_history', '{oms_admin}'),
	('alert_resolve', '{oms_admin}')) v(f, groups), unnest(groups::text[]) g;

CREATE TEMP VIEW groups AS
SELECT unnest(ARRAY['oms_csr', 'oms_fulfilment', 'oms_analyst', 'oms_admin', 'oms_worker']) AS grp;

SELECT is((SELECT string_agg(format('%s %s %s', g.grp, p, c.relname), ', ')
	FROM groups g, pg_class c, unnest(ARRAY['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) p
	WHERE c.relnamespace IN ('oms'::regnamespace, 'oms_report'::regnamespace, 'oms_api'::regnamespace)
	  AND c.relkind IN ('r', 'p', 'v', 'm') AND has_table_privilege(g.grp, c.oid, p)), NULL,
	'role matrix: no staff group may INSERT, UPDATE, DELETE or TRUNCATE any table or view');

SELECT set_eq($$SELECT g.grp, c.relname::text FROM groups g, pg_class c
	WHERE c.relnamespace = 'oms'::regnamespace AND c.relkind IN ('r', 'p') AND has_table_privilege(g.grp, c.oid, 'SELECT')$$,
	'SELECT grp, tab FROM expected_select',
	'role matrix: SELECT on oms tables is exactly the expected set');

SELECT set_eq($$SELECT g.grp, c.relname::text FROM groups g, pg_class c
	WHERE c.relnamespace = 'oms_report'::regnamespace AND has_table_privilege(g.grp, c.oid, 'SELECT')$$,
	$$SELECT g, v FROM unnest(ARRAY['oms_analyst', 'oms_admin']) g,
	         unnest(ARRAY['cancellation_rates', 'daily_order_volume', 'export_lines', 'export_orders', 'fulfilment_times', 'refunds', 'status_now']) v$$,
	'role matrix: the report views are for analysts and admins only');

SELECT set_eq($$SELECT g.grp, p.proname::text FROM groups g, pg_proc p
	WHERE p.pronamespace = 'oms_api'::regnamespace AND has_function_privilege(g.grp, p.oid, 'EXECUTE')$$,
	'SELECT grp, fn FROM expected_execute',
	'role matrix: EXECUTE on oms_api functions is exactly the expected set');

SELECT is((SELECT string_agg(p.proname, ', ') FROM pg_proc p
	WHERE p.pronamespace = 'oms_api'::regnamespace
	  AND (has_function_privilege('public', p.oid, 'EXECUTE') OR p.proowner <> 'oms_owner'::regrole
	       OR NOT coalesce(p.proconfig::text LIKE '%search_path=oms, pg_catalog, pg_temp%', false)
	       OR (NOT p.prosecdef AND p.provolatile = 'v'))), NULL,
	'role matrix: oms_api functions are owned by oms_owner, not executable by PUBLIC, pin search_path, and every write function is SECURITY DEFINER');
SELECT * FROM finish();
ROLLBACK;
