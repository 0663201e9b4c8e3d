-- Delivery estimates (issue 11): handling days + the carrier's transit days
-- for the service and the destination zone (country and postcode prefix),
-- counted in business days: weekends and oms.holiday are skipped. Checked
-- against a day-by-day count over a year of start dates and 1 to 10 days,
-- with the year end and a holiday before a weekend (Christmas 2026 is a
-- Friday; New Year's Day 2027 too).
BEGIN;
\ir fixture.psql
SELECT plan(12);
DELETE FROM oms.holiday;
INSERT INTO oms.holiday (day, name) VALUES
	('2026-07-03', 'Independence Day (observed)'), ('2026-09-07', 'Labor Day'), ('2026-11-26', 'Thanksgiving Day'),
	('2026-12-25', 'Christmas Day'), ('2027-01-01', 'New Year''s Day'), ('2027-01-18', 'Martin Luther King Jr. Day'),
	('2027-05-31', 'Memorial Day');

-- The reference: walk one day at a time.
CREATE FUNCTION pg_temp.walk(p_from date, p_days int) RETURNS date
LANGUAGE plpgsql AS $$
DECLARE
	d date := p_from;
	n int := 0;
BEGIN
	WHILE n < p_days LOOP
		d := d + 1;
		IF extract(isodow FROM d) < 6 AND d NOT IN (SELECT day FROM oms.holiday) THEN
			n := n + 1;
		END IF;
	END LOOP;
	RETURN d;
END
$$;
SELECT is((SELECT count(*) FROM generate_series(date '2026-06-01', date '2027-06-01', interval '1 day') d,
                                 generate_series(1, 10) n
           WHERE oms.add_business_days(d::date, n) <> pg_temp.walk(d::date, n)), 0::bigint,
	'add_business_days agrees with a day-by-day count for every start date of a year and 1 to 10 days');
SELECT is(oms.add_business_days('2026-12-24', 1), date '2026-12-28',
	'a holiday before a weekend: Thursday 24 December + 1 is Monday 28 December');
SELECT is(oms.add_business_days('2026-12-31', 1), date '2027-01-04',
	'the year end: Thursday 31 December + 1 is Monday 4 January (New Year''s Day, a Friday, skipped)');
SELECT is(oms.add_business_days('2026-12-26', 1), date '2026-12-28', 'from a Saturday + 1: Monday');
SELECT is(oms.add_business_days('2026-12-22', 0), date '2026-12-22', '0 days: the same day');

SELECT is(oms.zone_of('US', '10001'), 1, 'zone: US 1xxxx is zone 1');
SELECT is(oms.zone_of('us', '94105-1234'), 3, 'zone: US 9xxxx is zone 3 (country in any case, ZIP+4)');
SELECT is(oms.zone_of('CA', 'K1A 0B1'), 4, 'zone: Canada');
SELECT is(oms.zone_of('JP', '100-0001'), 8, 'zone: anywhere else');

SELECT is(oms.delivery_estimate('2026-12-22', 2, 'UPS', 'ground', 'US', '10001'), date '2026-12-30',
	'estimate: 2 handling + 3 ground days (zone 1) from Tuesday 22 December skip Christmas and the weekend');
SELECT is(oms.delivery_estimate('2026-12-30', 0, 'FedEx', 'overnight', 'US', '94105'), date '2026-12-31',
	'estimate: overnight on the day before New Year''s Eve');
SELECT is(oms.delivery_estimate('2026-12-31', 1, 'DHL', 'express', 'DE', '10115'),
	pg_temp.walk('2026-12-31', 1 + (SELECT days FROM oms.transit_time WHERE carrier = 'DHL' AND service_level = 'express' AND zone = 5)),
	'estimate: abroad, the zone''s transit days from the transit table');
SELECT * FROM finish();
ROLLBACK;
