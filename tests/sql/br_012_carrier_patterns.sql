-- BR-012 per carrier (issue 11): a tracking number must look like one of
-- the carrier's (oms.carrier.tracking_pattern): UPS 1Z + 16, FedEx 12, 15,
-- 20 or 22 digits, DHL 10 digits, USPS 20 to 22 digits, a free pattern for
-- local posts. Unknown carriers and services are refused; the carrier is
-- stored by its code whatever the case typed.
BEGIN;
\ir fixture.psql
SELECT plan(26);

CREATE TEMP TABLE cases (carrier text, tracking text, good boolean);
INSERT INTO cases VALUES
	('UPS', '1Z999AA10123456784', true), ('UPS', '1ZA1B2C3D4E5F6G7H8', true),
	('UPS', '1Z999AA1012345678', false), ('UPS', '1Z999AA101234567845', false), ('UPS', '2Z999AA10123456784', false),
	('UPS', '1z999aa10123456784', false),
	('FedEx', '123456789012', true), ('FedEx', '123456789012345', true), ('FedEx', '12345678901234567890', true),
	('FedEx', '1234567890123456789012', true),
	('FedEx', '1234567890123', false), ('FedEx', '12345678901234567', false), ('FedEx', '12345678901A', false),
	('DHL', '1234567890', true), ('DHL', '123456789', false), ('DHL', '12345678901', false), ('DHL', 'JD01460000', false),
	('USPS', '94001102008812345678', true), ('USPS', '940011020088123456789', true), ('USPS', '9400110200881234567890', true),
	('USPS', '9400110200881234567', false), ('USPS', '94001102008812345678901', false),
	('Local', 'LP-0001', true), ('Local', 'abcd', true), ('Local', 'ab', false), ('Local', 'has space', false);

SELECT is((SELECT string_agg(format('%s %s', carrier, tracking), '; ') FROM cases
           WHERE oms.tracking_no_ok(carrier, tracking) <> good), NULL,
	'BR-012: every carrier''s good numbers pass its pattern and the bad ones fail it');

-- Through mark_shipped: one good and one bad number per carrier
CREATE TEMP TABLE pool AS
SELECT g AS n, pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS order_no
FROM generate_series(1, 20) g;
GRANT ALL ON pool TO PUBLIC;
CREATE FUNCTION pg_temp.next_order() RETURNS bigint
LANGUAGE sql AS $$ DELETE FROM pool WHERE n = (SELECT min(n) FROM pool) RETURNING order_no $$;
CREATE FUNCTION pg_temp.try(p_carrier text, p_tracking text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	v_no bigint := pg_temp.next_order();
BEGIN
	RETURN pg_temp.err(format('SELECT oms_api.mark_shipped(%s, %L, %L)', v_no, p_carrier, p_tracking));
END
$$;
SET SESSION AUTHORIZATION t_ful1;
SELECT is(pg_temp.try(c, t), 'ok', format('BR-012: %s ships with %s', c, t))
FROM (VALUES ('UPS', '1Z999AA10123456784'), ('FedEx', '123456789012345'), ('DHL', '1234567890'),
             ('USPS', '9400110200881234567890'), ('Local', 'LP-77')) v(c, t);
SELECT matches(pg_temp.try(c, t), '^OM001: BR-012: "' || t || '" is not a', format('BR-012: %s refuses %s', c, t))
FROM (VALUES ('UPS', '1Z12345'), ('FedEx', '1234567890123'), ('DHL', '12345678901'),
             ('USPS', '1Z999AA10123456784'), ('Local', 'x')) v(c, t);
SELECT is(pg_temp.try('ups', '1Z999AA10123456785'), 'ok', 'BR-012: the carrier is found whatever the case');
SELECT is(pg_temp.try('DHL Express', '1234567891'), 'ok', 'BR-012: or by its name');
SELECT matches(pg_temp.try('Pony Express', 'PONY-0001'), '^22023: unknown carrier', 'an unknown carrier is refused');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT carrier FROM oms.shipment WHERE tracking_no = '1Z999AA10123456785'), 'UPS',
	'the shipment keeps the carrier''s code');
SELECT is((SELECT carrier FROM oms.shipment WHERE tracking_no = '1234567891'), 'DHL',
	'the shipment keeps the carrier''s code (named by its name)');
UPDATE oms.carrier SET active = false WHERE code = 'DHL';
SET SESSION AUTHORIZATION t_ful1;
SELECT matches(pg_temp.try('DHL', '1234567892'), '^22023: unknown carrier', 'a retired carrier is refused');
SELECT matches(pg_temp.try('Local', 'LP-0002') || pg_temp.err(format('SELECT oms_api.mark_shipped(%s, %L, %L, %L)',
	pg_temp.next_order(), 'UPS', '1Z999AA10123456786', 'teleport')),
	'^ok22023: UPS does not offer the teleport service', 'an unknown service level is refused');
SELECT is(pg_temp.err(format('SELECT oms_api.mark_shipped(%s, %L, %L, %L)',
	pg_temp.next_order(), 'UPS', '1Z999AA10123456787', 'overnight')),
	'ok', 'a service level the carrier offers is accepted');
SELECT is(pg_temp.try('UPS', '1Z999AA10123456784'), '22023: BR-012: tracking number 1Z999AA10123456784 cannot be used for order '
	|| (SELECT min(order_no) FROM pool) || '; check the number', 'BR-012: a tracking number already used is refused');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*) FROM oms.tracker t JOIN oms.shipment s ON s.id = t.shipment_id
           WHERE s.carrier IN ('UPS', 'FedEx', 'DHL', 'USPS')), (SELECT count(*) FROM oms.shipment WHERE carrier IN ('UPS', 'FedEx', 'DHL', 'USPS')),
	'every shipment of a tracked carrier gets a tracker');
SELECT is((SELECT count(*) FROM oms.tracker t JOIN oms.shipment s ON s.id = t.shipment_id WHERE s.carrier = 'Local'), 0::bigint,
	'a local post (no aggregator) gets none');
SELECT is((SELECT payload ->> 'tracking_url' FROM oms.outbox WHERE dedupe_key = 'mail:shipped:' ||
           (SELECT id FROM oms.shipment WHERE tracking_no = '1Z999AA10123456784')),
	'https://www.ups.com/track?tracknum=1Z999AA10123456784', 'the shipped mail carries the tracking link');
SELECT is((SELECT (payload ->> 'estimated_delivery')::date FROM oms.outbox WHERE dedupe_key = 'mail:shipped:' ||
           (SELECT id FROM oms.shipment WHERE tracking_no = '1Z999AA10123456784')),
	(SELECT estimated_delivery FROM oms.shipment WHERE tracking_no = '1Z999AA10123456784'),
	'and the estimate the shipment keeps');
SELECT is((SELECT estimated_delivery FROM oms.shipment WHERE tracking_no = '1Z999AA10123456787'),
	oms.add_business_days(current_date, 1), 'UPS overnight: one business day');
SELECT is((SELECT promised_delivery FROM oms.shipment WHERE tracking_no = '1Z999AA10123456787'),
	oms.add_business_days(current_date, 1), 'the promised date is the one told');
SELECT * FROM finish();
ROLLBACK;
