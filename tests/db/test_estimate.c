/* The delivery estimate (issue 11) against a real server (started by
 * tests/db/estimate.test). The rule lives in SQL, once:
 * oms.add_business_days (sql/functions/10_core.sql) counts business days
 * after a date, skipping Saturdays, Sundays and oms.holiday, and
 * oms.delivery_estimate (sql/functions/75_carriers.sql) counts the seller's
 * handling days plus the carrier's transit days for the service to the
 * destination's zone (the longest postcode prefix of oms.shipping_zone,
 * oms.transit_time). This program checks both against its own calendar walk
 * in C, for every start date from 2026-01-01 to 2027-01-05 (the year end
 * crossed) and 0, 1, 2, 5 and 10 days, with holidays, zones and transit
 * times it writes itself, and then named cases read off a calendar.
 * Everything runs in one transaction rolled back at the end; each batch is
 * one statement over generate_series. Connection from PG* env (libpq). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libpq-fe.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The year of start dates: past New Year's Eve into the next year. */
#define FIRST_START "2026-01-01"
#define LAST_START "2027-01-05"

/* The holidays this test puts in oms.holiday (the table is emptied first):
 * the US federal days of 2026 and the next year's first two, plus a
 * company's day after Thanksgiving, so that the year holds a holiday on a
 * Friday before a weekend (19 June, 3 July, 27 November, 25 December,
 * 1 January), on a Monday after one (7 September, ...), a holiday on a
 * Saturday (4 July, with its Friday observed too) and two in a row. */
static const char *const holidays[] = {
	"2026-01-01", /* Thu New Year's Day */
	"2026-01-19", /* Mon Martin Luther King Jr. Day */
	"2026-02-16", /* Mon Washington's Birthday */
	"2026-05-25", /* Mon Memorial Day */
	"2026-06-19", /* Fri Juneteenth */
	"2026-07-03", /* Fri Independence Day (observed) */
	"2026-07-04", /* Sat Independence Day */
	"2026-09-07", /* Mon Labor Day */
	"2026-10-12", /* Mon Columbus Day */
	"2026-11-11", /* Wed Veterans Day */
	"2026-11-26", /* Thu Thanksgiving Day */
	"2026-11-27", /* Fri the day after Thanksgiving */
	"2026-12-25", /* Fri Christmas Day */
	"2027-01-01", /* Fri New Year's Day */
	"2027-01-18", /* Mon Martin Luther King Jr. Day */
};

/* Zones of a made-up country (QZ: a user-assigned ISO code, in no shipped
 * table): anywhere in it zone 6, postcodes 1... zone 7, 12... zone 9 (the
 * longest prefix wins). */
static const struct {
	const char *prefix;
	int zone;
} zones[] = { { "", 6 }, { "1", 7 }, { "12", 9 } };

/* Transit days of two carriers' services to those zones: 0, 1, 2, 5, 10. */
static const struct {
	const char *carrier, *service;
	int zone, days;
} transits[] = {
	{ "UPS", "ground", 6, 0 },
	{ "UPS", "ground", 7, 1 },
	{ "UPS", "ground", 9, 2 },
	{ "FedEx", "express", 6, 5 },
	{ "FedEx", "express", 9, 10 },
};

/* Destinations, with the zone the longest-prefix rule gives each (the
 * postcode as a person types it: any case, spaces, dashes). */
static const struct {
	const char *carrier, *service, *country, *postcode;
	int zone;
} dests[] = {
	{ "UPS", "ground", "QZ", "99999", 6 },
	{ "UPS", "ground", "QZ", "1 0000", 7 },
	{ "UPS", "ground", "qz", "12-345", 9 },
	{ "FedEx", "express", "QZ", "5AB 1CD", 6 },
	{ "FedEx", "express", "QZ", "12345", 9 },
};

/* Business days counted: handling days and plain day counts. */
static const int counts[] = { 0, 1, 2, 5, 10 };

/* ---------------------------------------------------------------------
 * The reference: a plain calendar in C (days since 1970-01-01). */

/* Howard Hinnant's days_from_civil: the proleptic Gregorian calendar. */
static long
civil_days(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* "YYYY-MM-DD" -> day number; -1 when it is not one. */
static long
day_parse(const char *s)
{
	int y, m, d;
	char tail;

	if (!s || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	return civil_days(y, m, d);
}

static void
day_format(long z, char out[11])
{
	int y, m, d;

	civil_from_days(z, &y, &m, &d);
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

/* ISO day of the week: 1 Monday ... 7 Sunday (1970-01-01 was a Thursday). */
static int
day_isodow(long z)
{
	long r = (z + 3) % 7;

	return (int)(r < 0 ? r + 7 : r) + 1;
}

static bool
day_is_business(long z)
{
	size_t i;

	if (day_isodow(z) >= 6)
		return false;
	for (i = 0; i < ARRAY_LEN(holidays); i++)
		if (day_parse(holidays[i]) == z)
			return false;
	return true;
}

/* n business days after z: step one day at a time, count the working ones. */
static long
ref_add_business_days(long z, int n)
{
	while (n > 0) {
		z++;
		if (day_is_business(z))
			n--;
	}
	return z;
}

static int
ref_transit_days(const char *carrier, const char *service, int zone)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(transits); i++)
		if (!strcmp(transits[i].carrier, carrier) && !strcmp(transits[i].service, service) &&
		    transits[i].zone == zone)
			return transits[i].days;
	fail_msg("no transit time in the test for %s %s zone %d", carrier, service, zone);
	return -1;
}

/* ---------------------------------------------------------------------
 * The server. */

static PGconn *conn;

static PGresult *
sql(int nparams, const char *const *params, const char *query)
{
	PGresult *r = PQexecParams(conn, query, nparams, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(r);

	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		print_error("%s\n  in: %s\n", PQresultErrorMessage(r), query);
		PQclear(r);
		return NULL;
	}
	return r;
}

static int
sql_ok(const char *query)
{
	PGresult *r = sql(0, NULL, query);

	PQclear(r);
	return r ? 0 : -1;
}

/* A one-value query's answer as a day number (-1: NULL or an error). */
static long
sql_day(const char *query, int nparams, const char *const *params)
{
	PGresult *r = sql(nparams, params, query);
	long z;

	assert_non_null(r);
	assert_int_equal(PQntuples(r), 1);
	z = PQgetisnull(r, 0, 0) ? -1 : day_parse(PQgetvalue(r, 0, 0));
	PQclear(r);
	return z;
}

/* The test's holidays, zones and transit times, in the transaction. */
static int
fixture_write(void)
{
	char zone[16], days[16];
	size_t i;

	if (sql_ok("BEGIN") || sql_ok("SET LOCAL datestyle = 'ISO, YMD'") ||
	    sql_ok("DELETE FROM oms.holiday") ||
	    sql_ok("DELETE FROM oms.transit_time WHERE zone IN (6, 7, 9)") ||
	    sql_ok("DELETE FROM oms.shipping_zone WHERE country = 'QZ'"))
		return -1;
	for (i = 0; i < ARRAY_LEN(holidays); i++) {
		const char *p[] = { holidays[i] };
		PGresult *r;

		r = sql(1, p, "INSERT INTO oms.holiday (day, name) VALUES ($1::date, 'test holiday ' || $1)");
		if (!r)
			return -1;
		PQclear(r);
	}
	for (i = 0; i < ARRAY_LEN(zones); i++) {
		const char *p[] = { zones[i].prefix, zone };
		PGresult *r;

		snprintf(zone, sizeof zone, "%d", zones[i].zone);
		r = sql(2, p, "INSERT INTO oms.shipping_zone (country, postcode_prefix, zone) VALUES ('QZ', $1, $2::int)");
		if (!r)
			return -1;
		PQclear(r);
	}
	for (i = 0; i < ARRAY_LEN(transits); i++) {
		const char *p[] = { transits[i].carrier, transits[i].service, zone, days };
		PGresult *r;

		snprintf(zone, sizeof zone, "%d", transits[i].zone);
		snprintf(days, sizeof days, "%d", transits[i].days);
		r = sql(4, p, "INSERT INTO oms.transit_time (carrier, service_level, zone, days) "
		              "VALUES ($1, $2, $3::int, $4::int)");
		if (!r)
			return -1;
		PQclear(r);
	}
	return 0;
}

static int
setup(void **state)
{
	(void)state;
	conn = PQconnectdb("application_name=test_estimate");
	if (PQstatus(conn) != CONNECTION_OK) {
		print_error("cannot connect: %s", PQerrorMessage(conn));
		return -1;
	}
	return fixture_write();
}

static int
teardown(void **state)
{
	(void)state;
	if (conn)
		sql_ok("ROLLBACK");
	PQfinish(conn);
	conn = NULL;
	return 0;
}

/* "{a,b,...}" with every element quoted: a text[] or int[] parameter. */
static void
array_literal(char *out, size_t size, const char *const *v, size_t n)
{
	size_t i, len = 0;

	len += (size_t)snprintf(out + len, size - len, "{");
	for (i = 0; i < n; i++) {
		assert_null(strpbrk(v[i], "\"\\"));
		len += (size_t)snprintf(out + len, size - len, "%s\"%s\"", i ? "," : "", v[i]);
		assert_true(len < size);
	}
	snprintf(out + len, size - len, "}");
}

static void
counts_literal(char *out, size_t size)
{
	char nums[ARRAY_LEN(counts)][16];
	const char *v[ARRAY_LEN(counts)];
	size_t i;

	for (i = 0; i < ARRAY_LEN(counts); i++) {
		snprintf(nums[i], sizeof nums[i], "%d", counts[i]);
		v[i] = nums[i];
	}
	array_literal(out, size, v, ARRAY_LEN(counts));
}

/* Row `row` must be for the start date z and the count: every (date,
 * count) of the batch is answered, once, in order. */
static void
row_check(PGresult *r, int row, long z, int count)
{
	char want[11];

	if (day_parse(PQgetvalue(r, row, 0)) != z || atoi(PQgetvalue(r, row, 1)) != count) {
		day_format(z, want);
		fail_msg("row %d is (%s, %s), expected (%s, %d)", row, PQgetvalue(r, row, 0),
		         PQgetvalue(r, row, 1), want, count);
	}
}

/* ---------------------------------------------------------------------
 * A year of start dates, one statement each. */

/* oms.add_business_days for every start date of the year and 0, 1, 2, 5
 * and 10 days agrees with the calendar walk. */
static void
test_business_days_every_start_date_of_a_year(void **state)
{
	long first = day_parse(FIRST_START), last = day_parse(LAST_START), z;
	char arr[256], want[11];
	const char *p[] = { FIRST_START, LAST_START, arr };
	PGresult *r;
	int row = 0, wrong = 0;
	size_t ci;

	(void)state;
	counts_literal(arr, sizeof arr);
	r = sql(3, p,
		"SELECT d::date, n, oms.add_business_days(d::date, n) "
		"FROM generate_series($1::date, $2::date, interval '1 day') d CROSS JOIN unnest($3::int[]) n "
		"ORDER BY d, array_position($3::int[], n)");
	assert_non_null(r);
	assert_int_equal(PQntuples(r), (last - first + 1) * (long)ARRAY_LEN(counts));
	for (z = first; z <= last; z++)
		for (ci = 0; ci < ARRAY_LEN(counts); ci++, row++) {
			long got = PQgetisnull(r, row, 2) ? -1 : day_parse(PQgetvalue(r, row, 2));
			long exp = ref_add_business_days(z, counts[ci]);

			row_check(r, row, z, counts[ci]);
			if (got != exp) {
				day_format(exp, want);
				if (wrong++ < 10)
					print_message("# add_business_days(%s, %d) = %s, the calendar says %s\n",
					              PQgetvalue(r, row, 0), counts[ci],
					              PQgetisnull(r, row, 2) ? "NULL" : PQgetvalue(r, row, 2), want);
			}
		}
	PQclear(r);
	if (wrong)
		fail_msg("%d of %d (start date, days) disagree with the calendar walk", wrong, row);
}

/* oms.delivery_estimate for every start date of the year, handling days 0,
 * 1, 2, 5 and 10 and five destinations (two carriers, three zones of
 * postcodes, transit days 0 to 10) agrees with handling + transit days
 * counted on the calendar. */
static void
test_estimate_every_start_date_two_carriers_three_zones(void **state)
{
	long first = day_parse(FIRST_START), last = day_parse(LAST_START), z;
	const char *carrier[ARRAY_LEN(dests)], *service[ARRAY_LEN(dests)];
	const char *country[ARRAY_LEN(dests)], *postcode[ARRAY_LEN(dests)];
	char arr[256], ac[256], as[256], ak[256], ap[256], want[11];
	const char *p[] = { FIRST_START, LAST_START, arr, ac, as, ak, ap };
	PGresult *r;
	int row = 0, wrong = 0;
	size_t ci, di;

	(void)state;
	for (di = 0; di < ARRAY_LEN(dests); di++) {
		carrier[di] = dests[di].carrier;
		service[di] = dests[di].service;
		country[di] = dests[di].country;
		postcode[di] = dests[di].postcode;
	}
	counts_literal(arr, sizeof arr);
	array_literal(ac, sizeof ac, carrier, ARRAY_LEN(dests));
	array_literal(as, sizeof as, service, ARRAY_LEN(dests));
	array_literal(ak, sizeof ak, country, ARRAY_LEN(dests));
	array_literal(ap, sizeof ap, postcode, ARRAY_LEN(dests));
	r = sql(7, p,
		"SELECT d::date, h, t.k, oms.delivery_estimate(d::date, h, t.carrier, t.service, t.country, t.postcode) "
		"FROM generate_series($1::date, $2::date, interval '1 day') d CROSS JOIN unnest($3::int[]) h "
		"CROSS JOIN unnest($4::text[], $5::text[], $6::text[], $7::text[]) "
		"  WITH ORDINALITY t(carrier, service, country, postcode, k) "
		"ORDER BY d, array_position($3::int[], h), t.k");
	assert_non_null(r);
	assert_int_equal(PQntuples(r), (last - first + 1) * (long)(ARRAY_LEN(counts) * ARRAY_LEN(dests)));
	for (z = first; z <= last; z++)
		for (ci = 0; ci < ARRAY_LEN(counts); ci++)
			for (di = 0; di < ARRAY_LEN(dests); di++, row++) {
				int days = counts[ci] + ref_transit_days(dests[di].carrier, dests[di].service,
				                                         dests[di].zone);
				long got = PQgetisnull(r, row, 3) ? -1 : day_parse(PQgetvalue(r, row, 3));
				long exp = ref_add_business_days(z, days);

				row_check(r, row, z, counts[ci]);
				assert_int_equal(atoi(PQgetvalue(r, row, 2)), (int)di + 1);
				if (got != exp) {
					day_format(exp, want);
					if (wrong++ < 10)
						print_message("# delivery_estimate(%s, %d, %s, %s, %s, %s) = %s, "
						              "the calendar says %s (%d business days)\n",
						              PQgetvalue(r, row, 0), counts[ci], dests[di].carrier,
						              dests[di].service, dests[di].country, dests[di].postcode,
						              PQgetisnull(r, row, 3) ? "NULL" : PQgetvalue(r, row, 3),
						              want, days);
				}
			}
	PQclear(r);
	if (wrong)
		fail_msg("%d of %d (start date, handling days, destination) disagree with the calendar walk",
		         wrong, row);
}

/* ---------------------------------------------------------------------
 * Named cases: each date as read off a 2026/2027 calendar, checked against
 * the server and against the walk (so the walk is checked too). */

static void
check_days(const char *from, int n, const char *expect)
{
	char num[16];
	const char *p[] = { from, num };
	long want = day_parse(expect);

	snprintf(num, sizeof num, "%d", n);
	assert_int_equal(ref_add_business_days(day_parse(from), n), want);
	if (sql_day("SELECT oms.add_business_days($1::date, $2::int)", 2, p) != want)
		fail_msg("add_business_days(%s, %d) is not %s", from, n, expect);
}

static void
check_estimate(const char *from, const char *handling, const char *carrier, const char *service,
               const char *country, const char *postcode, const char *expect)
{
	const char *p[] = { from, handling, carrier, service, country, postcode };
	long got = sql_day("SELECT oms.delivery_estimate($1::date, $2::int, $3, $4, $5, $6)", 6, p);
	char shown[11] = "NULL";

	if (got >= 0)
		day_format(got, shown);
	if (got != day_parse(expect))
		fail_msg("delivery_estimate(%s, %s, %s, %s, %s, %s) = %s, not %s", from,
		         handling ? handling : "NULL", carrier, service, country, postcode, shown, expect);
}

/* Thursday 24 December + 1: Christmas (Friday) and the weekend skipped. */
static void
test_holiday_on_a_friday_before_a_weekend(void **state)
{
	(void)state;
	check_days("2026-12-24", 1, "2026-12-28");
	check_days("2026-06-18", 1, "2026-06-22"); /* Juneteenth, a Friday */
	check_days("2026-06-18", 2, "2026-06-23");
	/* handling 0, UPS ground to zone 7 (1 day) */
	check_estimate("2026-12-24", "0", "UPS", "ground", "QZ", "10000", "2026-12-28");
}

/* Friday 4 September + 1: the weekend and Labor Day (Monday) skipped. */
static void
test_holiday_on_a_monday_after_a_weekend(void **state)
{
	(void)state;
	check_days("2026-09-04", 1, "2026-09-08");
	check_days("2026-09-03", 2, "2026-09-08");
	check_days("2026-01-16", 1, "2026-01-20"); /* Martin Luther King Jr. Day */
	/* 1 handling + 1 transit (UPS ground, zone 7) from Thursday 3 September */
	check_estimate("2026-09-03", "1", "UPS", "ground", "QZ", "1 0000", "2026-09-08");
}

/* Christmas and New Year's Day, both Fridays, across the year end. */
static void
test_year_end_christmas_and_new_year(void **state)
{
	(void)state;
	check_days("2026-12-31", 1, "2027-01-04");
	check_days("2026-12-23", 5, "2026-12-31");
	check_days("2026-12-23", 6, "2027-01-04");
	check_days("2026-12-23", 10, "2027-01-08");
	check_days("2026-12-30", 2, "2027-01-04");
	/* 2 handling + 2 transit (UPS ground, zone 9): 24, 28, 29, 30 December */
	check_estimate("2026-12-23", "2", "UPS", "ground", "qz", "12-345", "2026-12-30");
	/* 5 handling + 10 transit (FedEx express, zone 9) from 18 December:
	 * 21-24, 28-31 December, 4-8 January, 11 and 12 January */
	check_estimate("2026-12-18", "5", "FedEx", "express", "QZ", "12345", "2027-01-12");
	/* into the next year's Martin Luther King Jr. Day */
	check_days("2027-01-05", 10, "2027-01-20");
}

/* A start on a Saturday, a Sunday or a holiday counts from the next day;
 * 0 days is the start date itself, whatever day it is. */
static void
test_start_on_a_weekend_or_a_holiday(void **state)
{
	(void)state;
	check_days("2026-12-26", 1, "2026-12-28"); /* Saturday */
	check_days("2026-12-27", 1, "2026-12-28"); /* Sunday */
	check_days("2026-12-25", 1, "2026-12-28"); /* Christmas */
	check_days("2027-01-01", 1, "2027-01-04"); /* New Year's Day */
	check_days("2026-12-26", 0, "2026-12-26");
	check_days("2026-12-25", 0, "2026-12-25");
	/* 0 handling + 0 transit (UPS ground, zone 6): the same day */
	check_estimate("2026-12-26", "0", "UPS", "ground", "QZ", "99999", "2026-12-26");
	check_estimate("2026-12-25", "0", "FedEx", "express", "QZ", "5AB 1CD", "2027-01-04");
}

/* A holiday on a Saturday (4 July, observed on Friday 3 July) is skipped
 * once; two holidays in a row (Thanksgiving and the day after) both. */
static void
test_holiday_on_a_saturday_and_two_in_a_row(void **state)
{
	(void)state;
	check_days("2026-07-02", 1, "2026-07-06");
	check_days("2026-07-02", 2, "2026-07-07");
	check_days("2026-11-25", 1, "2026-11-30");
	check_days("2026-11-24", 2, "2026-11-30");
}

/* Two carriers, different postcodes: the longest prefix picks the zone,
 * the carrier's service its transit days. From Monday 2 March (no holiday
 * near): 5 handling days end on Monday 9 March. */
static void
test_two_carriers_zones_by_postcode(void **state)
{
	(void)state;
	check_estimate("2026-03-02", "5", "UPS", "ground", "QZ", "99999", "2026-03-09");   /* zone 6: 0 */
	check_estimate("2026-03-02", "5", "UPS", "ground", "QZ", "10000", "2026-03-10");   /* zone 7: 1 */
	check_estimate("2026-03-02", "5", "UPS", "ground", "QZ", "12000", "2026-03-11");   /* zone 9: 2 */
	check_estimate("2026-03-02", "5", "FedEx", "express", "QZ", "99999", "2026-03-16"); /* zone 6: 5 */
	check_estimate("2026-03-02", "5", "FedEx", "express", "QZ", "12000", "2026-03-23"); /* zone 9: 10 */
	/* the shipped US zones (0025): UPS ground to the east (zone 1) takes 3
	 * days, FedEx ground to the west (zone 3) 5 */
	check_estimate("2026-03-02", "0", "UPS", "ground", "US", "10001", "2026-03-05");
	check_estimate("2026-03-02", "0", "FedEx", "ground", "US", "94105-1234", "2026-03-09");
}

/* No handling days given (NULL) or fewer than none count as 0; a service
 * without a transit time for the zone counts its level's default days
 * (UPS overnight to zone 6: 1). */
static void
test_handling_null_or_negative_and_default_transit(void **state)
{
	(void)state;
	check_estimate("2026-06-18", NULL, "UPS", "ground", "QZ", "10000", "2026-06-22");
	check_estimate("2026-06-18", "-3", "UPS", "ground", "QZ", "10000", "2026-06-22");
	check_estimate("2026-06-18", "0", "UPS", "overnight", "QZ", "99999", "2026-06-22");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_business_days_every_start_date_of_a_year),
		cmocka_unit_test(test_estimate_every_start_date_two_carriers_three_zones),
		cmocka_unit_test(test_holiday_on_a_friday_before_a_weekend),
		cmocka_unit_test(test_holiday_on_a_monday_after_a_weekend),
		cmocka_unit_test(test_year_end_christmas_and_new_year),
		cmocka_unit_test(test_start_on_a_weekend_or_a_holiday),
		cmocka_unit_test(test_holiday_on_a_saturday_and_two_in_a_row),
		cmocka_unit_test(test_two_carriers_zones_by_postcode),
		cmocka_unit_test(test_handling_null_or_negative_and_default_transit),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
