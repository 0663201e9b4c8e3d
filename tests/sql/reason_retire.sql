-- oms_api.reason_retire (0010): an administrator takes a cancellation
-- reason out of use; it is no longer offered or accepted (BR-023: a valid,
-- active reason), cancellations that gave it keep it, and the last active
-- reason cannot be retired (a cancellation needs one).
BEGIN;
\ir fixture.psql
SELECT plan(12);

SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS o1 \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS o2 \gset
SET SESSION AUTHORIZATION t_csr;
SELECT oms_api.cancel_order(:o1, 'duplicate_order') \g /dev/null
SELECT matches(pg_temp.err($$SELECT oms_api.reason_retire('duplicate_order')$$), '^42501: ',
	'reason_retire: a CSR may not retire a reason (42501)');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_ful1;
SELECT matches(pg_temp.err($$SELECT oms_api.reason_retire('duplicate_order')$$), '^42501: ',
	'reason_retire: fulfilment may not retire a reason (42501)');
RESET SESSION AUTHORIZATION;

SET SESSION AUTHORIZATION t_admin;
SELECT is(pg_temp.err($$SELECT oms_api.reason_retire('duplicate_order')$$), 'ok',
	'reason_retire: an administrator retires "duplicate_order" although a cancellation gave it');
SELECT results_eq($$SELECT active, label FROM oms.cancellation_reason WHERE code = 'duplicate_order'$$,
	$$VALUES (false, 'Duplicate order'::text)$$, 'reason_retire: the reason stays, inactive, with its label');
SELECT is((SELECT count(*) FROM oms_api.cancel_reasons() WHERE code = 'duplicate_order'), 0::bigint,
	'reason_retire: it is no longer offered');
SELECT is((SELECT c.reason_code FROM oms.cancellation c JOIN oms.orders o ON o.id = c.order_id WHERE o.order_no = :o1),
	'duplicate_order', 'reason_retire: the cancellation that gave it keeps it');
SELECT matches(pg_temp.err($$SELECT oms_api.reason_retire('duplicate_order')$$),
	'^OM002: reason "duplicate_order" is retired already', 'reason_retire: retiring it again is refused (OM002)');
SELECT matches(pg_temp.err($$SELECT oms_api.reason_retire('no_such_reason')$$), '^P0002: ',
	'reason_retire: an unknown code is not found (P0002)');
SELECT is((SELECT count(*) FROM oms.audit_log WHERE action = 'reason_retire' AND table_name = 'cancellation_reason'
	AND row_pk = 'duplicate_order' AND staff_name = 'Ada Admin'), 1::bigint,
	'reason_retire: the audit log names the administrator');
RESET SESSION AUTHORIZATION;

SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err(format('SELECT * FROM oms_api.cancel_order(%s, %L)', :o2, 'duplicate_order')),
	'^22023: BR-023', 'reason_retire: BR-023: a cancellation can no longer give the retired reason');
RESET SESSION AUTHORIZATION;

-- Down to one active reason: that one stays.
UPDATE oms.cancellation_reason SET active = false WHERE code <> 'other';
SET SESSION AUTHORIZATION t_admin;
SELECT matches(pg_temp.err($$SELECT oms_api.reason_retire('other')$$), '^OM001: BR-023: "other" is the last reason',
	'reason_retire: BR-023: the last active reason cannot be retired (OM001)');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT active FROM oms.cancellation_reason WHERE code = 'other'), true, 'reason_retire: and stays active');
SELECT * FROM finish();
ROLLBACK;
