-- BR-029 (issue 8, break 5): the person who asks is never the person who
-- approves, for refunds and cancellations alike. An administrator's own
-- cancellation after the window is an override with its reason (BR-026).
BEGIN;
\ir fixture.psql
SELECT plan(8);
SELECT format('CREATE ROLE %I LOGIN IN ROLE oms_admin', 't_admin2')
	WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 't_admin2') \gexec
INSERT INTO oms.staff (login, full_name, role) VALUES ('t_admin2', 'Bea Admin', 'admin');
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 3))) AS o \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS late \gset
SELECT pg_temp.age_order(:late, interval '3 hours');

SET SESSION AUTHORIZATION t_admin;
SELECT oms_api.request_refund(:o, 500, 'goodwill') AS r \gset
SELECT matches(pg_temp.err(format('SELECT oms_api.decide_refund(%s, true, NULL)', :r)),
	'^OM001: BR-029: refund [0-9]+ was requested by you', 'BR-029: an administrator cannot approve their own refund');
SELECT matches(pg_temp.err(format('SELECT oms_api.decide_refund(%s, false, NULL)', :r)),
	'^OM001: BR-029', 'BR-029: nor refuse it');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_admin2;
SELECT lives_ok(format('SELECT oms_api.decide_refund(%s, true, NULL)', :r), 'BR-029: another administrator approves it');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT approved_by FROM oms.refund WHERE id = :r), 't_admin2', 'BR-029: the approver is recorded');

SET SESSION AUTHORIZATION t_admin;
SELECT cancellation_id AS c, state FROM oms_api.cancel_order(:late, 'customer_request') \gset
SELECT is(:'state'::text, 'pending_approval', 'BR-025: an administrator''s cancellation after the window without a reason waits');
SELECT matches(pg_temp.err(format('SELECT * FROM oms_api.decide_cancellation(%s, true, NULL)', :c)),
	'^OM001: BR-029: cancellation [0-9]+ was requested by you.*override', 'BR-029: the administrator cannot approve it, and is told to override');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_ful1;
SELECT is((SELECT state FROM oms_api.decide_cancellation(:c, true, NULL)), 'done',
	'BR-029: the seller''s staff approve it');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT decided_by FROM oms.cancellation WHERE id = :c), 't_ful1', 'BR-029: the decider is recorded');
SELECT * FROM finish();
ROLLBACK;
