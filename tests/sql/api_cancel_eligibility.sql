-- oms_api.cancel_eligibility: the verdict for each role and order state
-- (allowed in the window, needs_approval after it for a CONFIRMED order,
-- refused once shipped, with the reason; the admin override flag), the
-- refund it announces; oms_api.cancel_reasons.
BEGIN;
\ir fixture.psql
SELECT plan(26);

-- One order of seller A in each state (2 hours is past the 1 hour window):
--   pend_new / pend_old : PENDING (unpaid), just placed / 2 hours ago
--   conf_new / conf_old : CONFIRMED (paid 15.00), just placed / 2 hours ago
--   waiting             : CONFIRMED, 2 hours old, a CSR's cancellation waits for approval
--   shipped, in_transit, delivered, cancelled
-- and b_old: seller B, CONFIRMED, 2 hours old.
CREATE TEMP TABLE o (label text PRIMARY KEY, order_no bigint);
GRANT SELECT ON o TO PUBLIC;
INSERT INTO o
SELECT l, pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1)), l NOT LIKE 'pend%')
FROM unnest(ARRAY['pend_new', 'pend_old', 'conf_new', 'conf_old', 'waiting', 'shipped', 'in_transit', 'delivered',
                  'cancelled']) l;
INSERT INTO o SELECT 'b_old', pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_b1, 'qty', 1)));
SELECT pg_temp.age_order(order_no, '2 hours') FROM o WHERE label IN ('pend_old', 'conf_old', 'waiting', 'b_old') \g /dev/null
SELECT oms_api.mark_shipped(order_no, 'Local', '1ZELIG-' || replace(label, '_', '-')) FROM o
WHERE label IN ('shipped', 'in_transit', 'delivered') \g /dev/null
SELECT * FROM oms_api.cancel_order((SELECT order_no FROM o WHERE label = 'cancelled'), 'customer_request') \g /dev/null
SET SESSION AUTHORIZATION t_csr;
SELECT * FROM oms_api.cancel_order((SELECT order_no FROM o WHERE label = 'waiting'), 'customer_request') \g /dev/null
SET SESSION AUTHORIZATION t_worker;
SELECT oms_api.record_tracking_event('1ZELIG-' || replace(label, '_', '-'), 'in_transit', now(), 'Memphis, TN', NULL) FROM o
WHERE label IN ('in_transit', 'delivered') \g /dev/null
SELECT oms_api.record_tracking_event('1ZELIG-delivered', 'delivered', now() + interval '1 day', 'Springfield, IL', NULL) \g /dev/null
RESET SESSION AUTHORIZATION;

-- verdicts per role
SET SESSION AUTHORIZATION t_csr;
SELECT results_eq($$SELECT o.label, e.verdict, e.needs_override FROM o, oms_api.cancel_eligibility(o.order_no) e ORDER BY o.label$$,
	$$VALUES ('b_old', 'needs_approval', false), ('cancelled', 'refused', false), ('conf_new', 'allowed', false),
	         ('conf_old', 'needs_approval', false), ('delivered', 'refused', false), ('in_transit', 'refused', false),
	         ('pend_new', 'allowed', false), ('pend_old', 'allowed', false), ('shipped', 'refused', false),
	         ('waiting', 'refused', false)$$,
	'cancel_eligibility as CSR: allowed in the window or unpaid, needs_approval after the window, refused once shipped, cancelled or waiting');
SET SESSION AUTHORIZATION t_ful1;
SELECT results_eq($$SELECT o.label, e.verdict, e.needs_override FROM o, oms_api.cancel_eligibility(o.order_no) e ORDER BY o.label$$,
	$$VALUES ('cancelled', 'refused', false), ('conf_new', 'allowed', false),
	         ('conf_old', 'allowed', false), ('delivered', 'refused', false), ('in_transit', 'refused', false),
	         ('pend_new', 'allowed', false), ('pend_old', 'allowed', false), ('shipped', 'refused', false),
	         ('waiting', 'refused', false)$$,
	'cancel_eligibility as fulfilment A: its own orders cancel at once even after the window (BR-025), refused once shipped');
SELECT is((SELECT count(*) FROM o, oms_api.cancel_eligibility(o.order_no) e WHERE o.label = 'b_old' AND e.verdict <> 'refused'),
	0::bigint, 'cancel_eligibility as fulfilment A: another seller''s order is never cancellable');
SET SESSION AUTHORIZATION t_ful2;
SELECT results_eq($$SELECT o.label, e.verdict FROM o, oms_api.cancel_eligibility(o.order_no) e WHERE e.verdict <> 'refused' ORDER BY o.label$$,
	$$VALUES ('b_old', 'allowed')$$,
	'cancel_eligibility as fulfilment B: only its own order, allowed after the window');
SET SESSION AUTHORIZATION t_admin;
SELECT results_eq($$SELECT o.label, e.verdict, e.needs_override FROM o, oms_api.cancel_eligibility(o.order_no) e ORDER BY o.label$$,
	$$VALUES ('b_old', 'needs_approval', true), ('cancelled', 'refused', false), ('conf_new', 'allowed', false),
	         ('conf_old', 'needs_approval', true), ('delivered', 'refused', false), ('in_transit', 'refused', false),
	         ('pend_new', 'allowed', false), ('pend_old', 'allowed', false), ('shipped', 'refused', false),
	         ('waiting', 'refused', false)$$,
	'cancel_eligibility as admin: like a CSR, but after the window the override is offered (needs_override)');
SELECT matches((SELECT e.reason FROM o, oms_api.cancel_eligibility(o.order_no) e WHERE o.label = 'conf_old'),
	'^BR-025: .*override with a reason, BR-026', 'cancel_eligibility as admin: the reason mentions the override (BR-026)');
SET SESSION AUTHORIZATION t_analyst;
SELECT throws_ok('SELECT * FROM oms_api.cancel_eligibility(10000004)', '42501', NULL,
	'cancel_eligibility: analysts may not call it');
SET SESSION AUTHORIZATION t_worker;
SELECT throws_ok('SELECT * FROM oms_api.cancel_eligibility(10000004)', '42501', NULL,
	'cancel_eligibility: the worker may not call it');

-- reasons (rule id first, the order number, no customer data)
SET SESSION AUTHORIZATION t_csr;
CREATE FUNCTION pg_temp.reason(p_label text) RETURNS text LANGUAGE sql AS $$
	SELECT e.reason FROM o, oms_api.cancel_eligibility(o.order_no) e WHERE o.label = p_label $$;
SELECT is(pg_temp.reason('shipped'), format('BR-022: order %s is SHIPPED; only PENDING or CONFIRMED orders can be cancelled (BR-014), use a return instead',
	(SELECT order_no FROM o WHERE label = 'shipped')),
	'cancel_eligibility: SHIPPED is refused with BR-022, naming the order and its status and pointing to a return');
SELECT matches(pg_temp.reason('in_transit'), format('^BR-022: order %s is IN_TRANSIT', (SELECT order_no FROM o WHERE label = 'in_transit')),
	'cancel_eligibility: IN_TRANSIT is refused with BR-022');
SELECT matches(pg_temp.reason('delivered'), format('^BR-022: order %s is DELIVERED', (SELECT order_no FROM o WHERE label = 'delivered')),
	'cancel_eligibility: DELIVERED is refused with BR-022');
SELECT matches(pg_temp.reason('cancelled'), format('^BR-015: order %s is already cancelled', (SELECT order_no FROM o WHERE label = 'cancelled')),
	'cancel_eligibility: a cancelled order is refused with BR-015');
SELECT matches(pg_temp.reason('waiting'), 'already waiting for approval',
	'cancel_eligibility: an order whose cancellation waits for approval is refused, saying so');
SELECT matches(pg_temp.reason('conf_new'), '^BR-021: within the cancellation window', 'cancel_eligibility: allowed in the window says until when (BR-021)');
SELECT matches(pg_temp.reason('pend_old'), '^BR-020: ', 'cancel_eligibility: an unpaid order is allowed after the window (BR-020)');
SELECT matches(pg_temp.reason('conf_old'), '^BR-025: the cancellation window closed at ', 'cancel_eligibility: needs_approval says the window closed (BR-025)');
SELECT is((SELECT string_agg(o.label, ', ') FROM o, oms_api.cancel_eligibility(o.order_no) e
	WHERE e.reason ~* '(alex|customer@|5551234567|springfield|main st)'), NULL,
	'cancel_eligibility: no reason contains customer data');

-- the announced refund
SELECT results_eq($$SELECT o.label, e.refund_minor, e.currency FROM o, oms_api.cancel_eligibility(o.order_no) e
	WHERE o.label IN ('conf_new', 'conf_old', 'pend_new', 'shipped') ORDER BY o.label$$,
	$$VALUES ('conf_new', 1500::bigint, 'USD'), ('conf_old', 1500::bigint, 'USD'), ('pend_new', 0::bigint, 'USD'),
	         ('shipped', 0::bigint, 'USD')$$,
	'cancel_eligibility: the refund is what was paid (15.00) for a paid order, 0 when unpaid or refused');
SELECT is((SELECT count(*) FROM oms_api.cancel_eligibility(10000004)) + (SELECT count(*) FROM oms_api.cancel_eligibility(NULL)),
	0::bigint, 'cancel_eligibility: an unknown order number gives no row');

-- the window is a policy
SET SESSION AUTHORIZATION t_admin;
SELECT oms_api.policy_set('cancel_window', '3 hours') \g /dev/null
SET SESSION AUTHORIZATION t_csr;
SELECT is((SELECT e.verdict FROM o, oms_api.cancel_eligibility(o.order_no) e WHERE o.label = 'conf_old'), 'allowed',
	'cancel_eligibility: with a 3 hour window the 2 hour old order is allowed again');

-- cancel_reasons
SELECT results_eq('SELECT code, label, requires_note FROM oms_api.cancel_reasons()',
	$$VALUES ('customer_request', 'Customer request', false), ('duplicate_order', 'Duplicate order', false),
	         ('payment_problem', 'Payment problem', false), ('out_of_stock', 'Out of stock', false),
	         ('fraud_suspected', 'Fraud suspected', false), ('other', 'Other (note required)', true)$$,
	'cancel_reasons: the active reasons in their order, "other" requiring a note');
SET SESSION AUTHORIZATION t_admin;
SELECT oms_api.reason_add('lost_in_warehouse', 'Lost in the warehouse', false) \g /dev/null
RESET SESSION AUTHORIZATION;
UPDATE oms.cancellation_reason SET active = false WHERE code = 'fraud_suspected';
SET SESSION AUTHORIZATION t_csr;
SELECT is((SELECT array_agg(code) FROM oms_api.cancel_reasons()),
	ARRAY['customer_request', 'duplicate_order', 'payment_problem', 'out_of_stock', 'other', 'lost_in_warehouse'],
	'cancel_reasons: an added reason comes last, an inactive one is gone');
SET SESSION AUTHORIZATION t_ful1;
SELECT is((SELECT count(*) FROM oms_api.cancel_reasons()), 6::bigint, 'cancel_reasons: fulfilment gets the same list');
SET SESSION AUTHORIZATION t_admin;
SELECT is((SELECT count(*) FROM oms_api.cancel_reasons()), 6::bigint, 'cancel_reasons: admins get the same list');
SET SESSION AUTHORIZATION t_analyst;
SELECT throws_ok('SELECT * FROM oms_api.cancel_reasons()', '42501', NULL, 'cancel_reasons: analysts may not call it');
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err($$SELECT * FROM oms_api.cancel_order(10000004, 'fraud_suspected')$$), '^22023: BR-023',
	'cancel_reasons: an inactive reason is refused by cancel_order');
RESET SESSION AUTHORIZATION;
SELECT * FROM finish();
ROLLBACK;
