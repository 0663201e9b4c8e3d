-- The service levels live in the database (issue 11, sql/0034):
-- oms_api.service_levels lists the levels some active carrier offers, in
-- oms.service_level's order, with their names (with true: every level);
-- administrators add and change levels (oms_api.service_level_set,
-- audited); a level added there and
-- offered by a carrier is listed, can be set on an order, shipped with,
-- filtered by in the fulfilment queue, and its default transit days count
-- in the estimate. A level no active carrier offers is not listed; an
-- unknown one is refused by the queue's filter and by carrier_service_set.
BEGIN;
\ir fixture.psql
SELECT plan(27);

SET SESSION AUTHORIZATION t_ful1;
SELECT results_eq('SELECT code, name, transit_days FROM oms_api.service_levels()',
	$$VALUES ('economy', 'Economy', 7), ('ground', 'Ground', 5), ('express', 'Express', 2), ('overnight', 'Overnight', 1)$$,
	'service_levels: the four levels, in order, with their names and days (fulfilment staff)');
SELECT matches(pg_temp.err($$SELECT oms_api.service_level_set('same_day', 'Same day', 0)$$), '^42501: ',
	'service_level_set: not for fulfilment staff');
RESET SESSION AUTHORIZATION;

-- a new level (administrators), offered by UPS only
SET SESSION AUTHORIZATION t_admin;
SELECT is(oms_api.service_level_set('same_day', 'Sameday', 1), 'added', 'service_level_set: a level added');
SELECT is(oms_api.service_level_set('same_day', 'Same day', 0), 'changed', 'service_level_set: its name and days changed');
SELECT matches(pg_temp.err($$SELECT oms_api.service_level_set('Same Day', 'x', 0)$$),
	'^22023: a service level''s code is', 'service_level_set: a code that does not fit is refused');
SELECT matches(pg_temp.err($$SELECT oms_api.service_level_set('slow', 'Slow', 61)$$),
	'^22023: a service level''s transit days are 0 to 60', 'service_level_set: 61 days are refused');
SELECT matches(pg_temp.err($$SELECT oms_api.service_level_set('slow', 'Slow', 9, 20)$$),
	'^22023: position 20 is ground''s', 'service_level_set: a position taken by another level is refused');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT name || ' ' || transit_days || ' ' || (position > 40) FROM oms.service_level WHERE code = 'same_day'),
	'Same day 0 true', 'the level is stored, after the others (no position given)');
SELECT is((SELECT count(*) FROM oms.audit_log WHERE action = 'service_level_set' AND table_name = 'service_level'), 2::bigint,
	'service_level_set: audited (added, changed)');
SELECT is((SELECT count(*) FROM oms.service_level WHERE code = 'slow'), 0::bigint, 'refused levels are not stored');
SET SESSION AUTHORIZATION t_ful1;
SELECT results_eq($$SELECT code, offered FROM oms_api.service_levels(true) WHERE code IN ('ground', 'same_day')$$,
	$$VALUES ('ground', true), ('same_day', false)$$, 'service_levels(true): every level, with whether it is offered');
SELECT is((SELECT count(*) FROM oms_api.service_levels() WHERE code = 'same_day'), 0::bigint,
	'service_levels: a level no carrier offers is not listed');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_admin;
SELECT is(oms_api.carrier_service_set('UPS', 'same_day', 'UPSSameDay'), 'added',
	'carrier_service_set: the new level is one a carrier may offer');
SELECT matches(pg_temp.err($$SELECT oms_api.carrier_service_set('UPS', 'teleport')$$),
	'^22023: "teleport" is not a service level \(economy, ground, express, overnight, same_day\)$',
	'carrier_service_set: an unknown level is refused, naming the levels');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_ful1;
SELECT results_eq('SELECT code, name FROM oms_api.service_levels()',
	$$VALUES ('economy', 'Economy'), ('ground', 'Ground'), ('express', 'Express'), ('overnight', 'Overnight'),
	         ('same_day', 'Same day')$$,
	'service_levels: the new level listed in its place once UPS offers it');
SELECT is((SELECT services FROM oms_api.carriers() WHERE code = 'UPS'),
	'{economy,ground,express,overnight,same_day}'::text[], 'carriers: UPS offers it, in the levels'' order');
RESET SESSION AUTHORIZATION;

-- an order of seller A that ships same day: in the queue's filter
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS o_same \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS o_ground \gset
UPDATE oms.orders SET service_level = 'same_day' WHERE order_no = :o_same;
SET SESSION AUTHORIZATION t_ful1;
SELECT results_eq($$SELECT order_no, service_level FROM oms_api.fulfilment_queue(false, 'same_day')$$,
	format('VALUES (%s::bigint, %L::text)', :o_same, 'same_day'),
	'fulfilment_queue: filtered by the new level');
SELECT matches(pg_temp.err($$SELECT count(*) FROM oms_api.fulfilment_queue(false, 'teleport')$$),
	'^22023: "teleport" is not a service level \(economy, ground, express, overnight, same_day\)$',
	'fulfilment_queue: an unknown level is refused, naming the levels');
SELECT is(oms_api.mark_shipped(:o_same, 'UPS', '1Z999AA10123456784', 'same_day') IS NOT NULL, true,
	'mark_shipped: shipped with the new level');
SELECT matches(pg_temp.err(format($$SELECT oms_api.mark_shipped(%s, 'FedEx', '123456789012', 'same_day')$$, :o_ground)),
	'does not offer the same_day service',
	'mark_shipped: a carrier that does not offer it is refused');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT s.service_level FROM oms.shipment s JOIN oms.orders o ON o.id = s.order_id WHERE o.order_no = :o_same),
	'same_day', 'the shipment records the new level');
SELECT is(oms.transit_days('same_day'), 0, 'transit_days: the level''s default days from oms.service_level');

-- labels: label_request says what each level is called at the aggregator;
-- a label whose service is two of our levels (USPS GroundAdvantage:
-- economy and ground) is the level asked for, else ground
SET SESSION AUTHORIZATION t_ful1;
SELECT is((SELECT count(*) FROM jsonb_array_elements(oms_api.label_request(:o_ground) -> 'services') e
           WHERE e = '{"carrier": "UPS", "service": "UPSSameDay", "level": "same_day"}'), 1::bigint,
	'label_request: the aggregator''s name of each level (UPS same_day: UPSSameDay)');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT service_level FROM oms.label_service('{"carrier": "USPS", "service": "GroundAdvantage", "amount_minor": 1}')),
	'ground', 'label_service: ground first when the service is several levels');
SELECT is((SELECT service_level FROM oms.label_service('{"carrier": "USPS", "service": "GroundAdvantage", "amount_minor": 1,
                                                        "service_level": "economy"}')),
	'economy', 'label_service: the level asked for when it is one of them');

-- no active carrier offers it any more: not listed; the orders keep it
UPDATE oms.carrier SET active = false WHERE code = 'UPS';
SET SESSION AUTHORIZATION t_ful1;
SELECT is((SELECT count(*) FROM oms_api.service_levels() WHERE code = 'same_day'), 0::bigint,
	'service_levels: a level only an inactive carrier offers is not listed');
RESET SESSION AUTHORIZATION;
SELECT matches(pg_temp.err($$UPDATE oms.orders SET service_level = 'teleport' WHERE order_no = $$ || :o_ground),
	'^23503: ', 'orders: a level not in oms.service_level is refused (foreign key)');

SELECT * FROM finish();
ROLLBACK;
