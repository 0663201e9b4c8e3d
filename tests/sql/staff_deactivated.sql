-- Issue 8, break 6: deactivating a staff member (staff.active = false)
-- stops every action at once, whatever their group.
BEGIN;
\ir fixture.psql
SELECT plan(7);
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 2))) AS o \gset
SET SESSION AUTHORIZATION t_csr;
SELECT oms_api.request_refund(:o, 300, 'goodwill') AS r \gset
RESET SESSION AUTHORIZATION;
UPDATE oms.staff SET active = false WHERE login IN ('t_csr', 't_admin', 't_ful1');

SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err(format('SELECT * FROM oms_api.cancel_order(%s, %L)', :o, 'customer_request')),
	'^42501: cancel_order is not allowed for a deactivated login', 'a deactivated CSR cannot cancel');
SELECT matches(pg_temp.err(format('SELECT oms_api.request_refund(%s, 100, %L)', :o, 'goodwill')),
	'^42501', 'a deactivated CSR cannot request a refund');
SELECT is((SELECT role FROM oms_api.whoami()), NULL, 'whoami: a deactivated login has no role');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_admin;
SELECT matches(pg_temp.err(format('SELECT oms_api.decide_refund(%s, true, NULL)', :r)),
	'^42501', 'a deactivated administrator cannot approve');
SELECT matches(pg_temp.err($$SELECT oms_api.policy_set('cancel_window', '2 hours')$$),
	'^42501', 'a deactivated administrator cannot change a policy');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_ful1;
SELECT matches(pg_temp.err(format($$SELECT oms_api.mark_shipped(%s, 'UPS', '1Z999AA10123456784')$$, :o)),
	'^42501', 'deactivated fulfilment staff cannot ship');
RESET SESSION AUTHORIZATION;
SELECT results_eq(format('SELECT o.status, r.approval FROM oms.orders o JOIN oms.refund r ON r.order_id = o.id WHERE o.order_no = %s', :o),
	$$VALUES ('CONFIRMED'::text, 'pending'::text)$$, 'nothing changed');
SELECT * FROM finish();
ROLLBACK;
