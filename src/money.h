/* Money for people: one formatter for the screen, the CLI and the mail.
 *
 * Money is bigint minor units beside an ISO 4217 code; the code's exponent
 * (JPY 0, USD 2, KWD 3, CLF 4) says how many of the digits are decimals.
 * The table of exponents is compiled in (money.c) and is the same, row for
 * row, as the database's oms.currency (sql/0018_currency.sql); the test
 * tests/db/currency.test fails when they differ. Only display and the
 * reading of a typed amount happen here, never arithmetic on amounts (the
 * database computes them and decides what may be refunded). */
#ifndef OMS_MONEY_H
#define OMS_MONEY_H

#include <stdbool.h>
#include <stddef.h>

struct money_currency {
	char code[4];           /* "KWD" */
	int exponent;           /* 0..4 */
	const char *name;       /* "Kuwaiti Dinar" */
};

/* The known currency with this code (three letters, any case); NULL for an
 * unknown or malformed code. */
const struct money_currency *money_currency_find(const char *code);
/* The compiled-in table, sorted by code: the i-th row, NULL past the end. */
const struct money_currency *money_currency_at(size_t i);

/* The currency's exponent; 2 for an unknown code, a malformed one or NULL. */
int money_exponent(const char *currency);

/* An amount for people, into buf (always terminated, cut to len):
 * 123456 USD -> "$1,234.56", EUR "1,234.56 EUR", JPY "123,456 JPY",
 * KWD "123.456 KWD", -5 USD "-$0.05". An unknown code keeps exponent 2
 * and is shown ("12.34 XYZ"); a code that is not three letters shows as
 * "???"; NULL or "" shows no code. oms.money_text writes the same. */
void money_format(long long minor, const char *currency, char *buf, size_t len);

/* The amount as a plain decimal with the currency's exponent, no symbol,
 * no grouping (CSV): -123456 KWD -> "-123.456", JPY "-123456". */
void money_decimal(long long minor, const char *currency, char *buf, size_t len);

/* "12.34" (or "12", "12.3", "$12.34" for USD) in the currency's minor
 * units (1234); false when it is not a positive amount with at most the
 * currency's decimals, or more than 9e15 minor units. */
bool money_parse(const char *text, const char *currency, long long *minor);

#endif
