-- BR-015: CANCELLED is a terminal state.
BEGIN;
\ir fixture.psql
SELECT plan(4);
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS o \gset
SET SESSION AUTHORIZATION t_csr;
SELECT cancellation_id FROM oms_api.cancel_order(:o, 'duplicate_order') \gset
RESET SESSION AUTHORIZATION;
SELECT throws_like(format('UPDATE oms.orders SET status = %L WHERE order_no = %s', 'CONFIRMED', :o),
	'BR-015:%', 'BR-015: a cancelled order cannot be confirmed (even by the owner)');
SELECT throws_like(format('UPDATE oms.orders SET status = %L WHERE order_no = %s', 'PENDING', :o),
	'BR-015:%', 'BR-015: a cancelled order cannot go back to PENDING');
SET SESSION AUTHORIZATION t_ful1;
SELECT matches(pg_temp.err(format('SELECT oms_api.mark_shipped(%s, %L, %L)', :o, 'UPS', 'TRK-15')),
	'^OM001: BR-015', 'BR-015: a cancelled order cannot ship');
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err(format('SELECT * FROM oms_api.cancel_order(%s, %L)', :o, 'customer_request')),
	'^OM002: order [0-9]+ is already cancelled', 'BR-015: cancelling again is a conflict (already cancelled)');
RESET SESSION AUTHORIZATION;
SELECT * FROM finish();
ROLLBACK;
