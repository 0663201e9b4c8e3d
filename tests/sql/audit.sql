-- Audit log: written by triggers in the same transaction (who, what, old
-- and new), append-only for everybody, readable per role.
BEGIN;
\ir fixture.psql
SELECT plan(12);
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS o \gset
SET SESSION AUTHORIZATION t_csr;
SELECT cancellation_id AS c FROM oms_api.cancel_order(:o, 'customer_request') \gset
RESET SESSION AUTHORIZATION;
SELECT results_eq(format($$SELECT db_user, staff_name, action, op, old ->> 'status', new ->> 'status'
	FROM oms.audit_log WHERE table_name = 'orders' AND action = 'cancel_order' AND row_pk = (SELECT id::text FROM oms.orders WHERE order_no = %s)$$, :o),
	$$VALUES ('t_csr'::text, 'Casey Rep'::text, 'cancel_order'::text, 'UPDATE'::text, 'CONFIRMED'::text, 'CANCELLED'::text)$$,
	'audit: the status change names the login, the person, the action, old and new');
SELECT is((SELECT count(DISTINCT txid) FROM oms.audit_log WHERE action = 'cancel_order'), 1::bigint,
	'audit: everything cancel_order wrote is in one transaction');
SELECT ok((SELECT bool_and(order_id = (SELECT id FROM oms.orders WHERE order_no = :o)) FROM oms.audit_log WHERE action = 'cancel_order'),
	'audit: every row of the cancellation is linked to its order');
SELECT ok(NOT ((SELECT new FROM oms.audit_log WHERE table_name = 'orders' AND action = 'cancel_order') ? 'total_minor'),
	'audit: an UPDATE records only the columns that changed');
SELECT is((SELECT count(*) FROM jsonb_array_elements(oms_api.order_card(:o) -> 'timeline') t WHERE t ->> 'actor' = 'Casey Rep'), 1::bigint,
	'audit: the order card timeline names the CSR once for the cancellation');

-- append-only, whoever asks
SELECT throws_ok('UPDATE oms.audit_log SET action = NULL', '42501', NULL, 'audit: the owner''s UPDATE is refused');
SELECT throws_ok('DELETE FROM oms.audit_log', '42501', NULL, 'audit: DELETE is refused (even for a superuser)');
SELECT throws_ok('TRUNCATE oms.audit_log', '42501', NULL, 'audit: TRUNCATE is refused (even for a superuser)');
SET LOCAL ROLE oms_owner;
SELECT throws_ok('DELETE FROM oms.audit_log', '42501', NULL, 'audit: oms_owner has no DELETE privilege');
RESET ROLE;
SET SESSION AUTHORIZATION t_admin;
SELECT throws_ok('DELETE FROM oms.audit_log', '42501', NULL, 'audit: an admin cannot DELETE');
SELECT ok((SELECT count(*) FROM oms.audit_log) > 0, 'audit: an admin reads the log');
SET SESSION AUTHORIZATION t_worker;
SELECT throws_ok('SELECT count(*) FROM oms.audit_log', '42501', NULL, 'audit: the worker cannot read the log');
RESET SESSION AUTHORIZATION;
SELECT * FROM finish();
ROLLBACK;
