-- oms_api.reason_restore (0013): an administrator brings a retired
-- cancellation reason back into use; it is offered and accepted again
-- (BR-023: a valid, active reason). Restoring an active reason is refused
-- (OM002), an unknown code is not found (P0002), and only administrators
-- may restore.
BEGIN;
\ir fixture.psql
SELECT plan(12);

SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS o1 \gset
SET SESSION AUTHORIZATION t_admin;
SELECT oms_api.reason_retire('duplicate_order') \g /dev/null
RESET SESSION AUTHORIZATION;

SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err($$SELECT oms_api.reason_restore('duplicate_order')$$), '^42501: ',
	'reason_restore: a CSR may not restore a reason (42501)');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_ful1;
SELECT matches(pg_temp.err($$SELECT oms_api.reason_restore('duplicate_order')$$), '^42501: ',
	'reason_restore: fulfilment may not restore a reason (42501)');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT active FROM oms.cancellation_reason WHERE code = 'duplicate_order'), false,
	'reason_restore: the refused calls left it retired');

SET SESSION AUTHORIZATION t_admin;
SELECT is(pg_temp.err($$SELECT oms_api.reason_restore('duplicate_order')$$), 'ok',
	'reason_restore: an administrator restores the retired "duplicate_order"');
SELECT results_eq($$SELECT active, label, requires_note FROM oms.cancellation_reason WHERE code = 'duplicate_order'$$,
	$$VALUES (true, 'Duplicate order'::text, false)$$,
	'reason_restore: the reason is active again, with its label and note rule');
SELECT is((SELECT count(*) FROM oms_api.cancel_reasons() WHERE code = 'duplicate_order'), 1::bigint,
	'reason_restore: it is offered again');
SELECT matches(pg_temp.err($$SELECT oms_api.reason_restore('duplicate_order')$$),
	'^OM002: reason "duplicate_order" is in use already',
	'reason_restore: restoring an active reason is refused (OM002)');
SELECT matches(pg_temp.err($$SELECT oms_api.reason_restore('no_such_reason')$$), '^P0002: ',
	'reason_restore: an unknown code is not found (P0002)');
SELECT matches(pg_temp.err($$SELECT oms_api.reason_restore(NULL)$$), '^P0002: ',
	'reason_restore: no code is not found either (P0002)');
SELECT is((SELECT count(*) FROM oms.audit_log WHERE action = 'reason_restore' AND table_name = 'cancellation_reason'
	AND row_pk = 'duplicate_order' AND staff_name = 'Ada Admin'), 1::bigint,
	'reason_restore: the audit log names the administrator, once');
RESET SESSION AUTHORIZATION;

SET SESSION AUTHORIZATION t_csr;
SELECT is(pg_temp.err(format('SELECT * FROM oms_api.cancel_order(%s, %L)', :o1, 'duplicate_order')), 'ok',
	'reason_restore: BR-023: a cancellation can give the restored reason again');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT c.reason_code FROM oms.cancellation c JOIN oms.orders o ON o.id = c.order_id WHERE o.order_no = :o1),
	'duplicate_order', 'reason_restore: the cancellation records it');
SELECT * FROM finish();
ROLLBACK;
