-- Issue 8, break 8: cancelling a whole order settles the refunds still
-- waiting for approval, so the customer gets everything paid, exactly once,
-- whatever happens to those requests afterwards.
BEGIN;
\ir fixture.psql
SELECT plan(8);
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 2))) AS o \gset
SELECT amount_minor AS paid FROM oms.payment p JOIN oms.orders o ON o.id = p.order_id WHERE o.order_no = :o \gset
SET SESSION AUTHORIZATION t_csr;
SELECT oms_api.request_refund(:o, 500, 'goodwill') AS p1 \gset
SELECT refund_id AS c_refund FROM oms_api.cancel_order(:o, 'customer_request') \gset
RESET SESSION AUTHORIZATION;
SELECT is((SELECT approval FROM oms.refund WHERE id = :p1), 'rejected', 'the pending partial refund is settled');
SELECT matches((SELECT decision_note FROM oms.refund WHERE id = :p1), '^superseded by cancellation [0-9]+',
	'it says which cancellation superseded it');
SELECT is((SELECT amount_minor FROM oms.refund WHERE id = :c_refund), :paid::bigint,
	'the cancellation refunds everything paid');
SET SESSION AUTHORIZATION t_admin;
SELECT matches(pg_temp.err(format('SELECT oms_api.decide_refund(%s, false, %L)', :p1, 'no')),
	'^OM002: refund [0-9]+ was already decided', 'refusing the partial afterwards is "already decided"');
SELECT matches(pg_temp.err(format('SELECT oms_api.decide_refund(%s, true, NULL)', :p1)),
	'^OM002', 'and so is approving it');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT sum(amount_minor) FROM oms.refund r JOIN oms.orders o ON o.id = r.order_id
           WHERE o.order_no = :o AND r.approval IN ('auto', 'approved')), :paid::numeric,
	'granted refunds equal what was paid, exactly');

-- an approved partial refund stays; the cancellation refunds the rest
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 2))) AS o2 \gset
SET SESSION AUTHORIZATION t_csr;
SELECT oms_api.request_refund(:o2, 500, 'goodwill') AS p2 \gset
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_admin;
SELECT oms_api.decide_refund(:p2, true, NULL);
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_csr;
SELECT refund_id AS c2_refund FROM oms_api.cancel_order(:o2, 'customer_request') \gset
RESET SESSION AUTHORIZATION;
SELECT is((SELECT amount_minor FROM oms.refund WHERE id = :c2_refund), (:paid - 500)::bigint,
	'after an approved partial refund the cancellation refunds the rest');
SELECT is((SELECT sum(amount_minor) FROM oms.refund r JOIN oms.orders o ON o.id = r.order_id
           WHERE o.order_no = :o2 AND r.approval IN ('auto', 'approved')), :paid::numeric,
	'again exactly what was paid');
SELECT * FROM finish();
ROLLBACK;
