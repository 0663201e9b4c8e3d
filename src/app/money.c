#include "config.h"

/* Money is bigint minor units plus an ISO 4217 code; only display and the
 * reading of a typed amount happen here, never arithmetic on amounts (the
 * database computes them and decides what may be refunded). */

#include <stdio.h>
#include <string.h>

#include "app/app.h"

/* ISO 4217 minor-unit exponents that are not 2. */
static int
currency_exponent(const char *cur)
{
	if (!cur)
		return 2;
	static const char *const zero[] = {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF",
					   "KRW", "PYG", "RWF", "UGX", "VND", "VUV", "XAF",
					   "XOF", "XPF", NULL};
	static const char *const three[] = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND", NULL};

	for (int i = 0; zero[i]; i++)
		if (strcmp(cur, zero[i]) == 0)
			return 0;
	for (int i = 0; three[i]; i++)
		if (strcmp(cur, three[i]) == 0)
			return 3;
	return 2;
}

int
money_exponent(const char *currency)
{
	return currency_exponent(currency);
}

void
money_format(long long minor, const char *currency, char *buf, size_t len)
{
	char digits[32], grouped[48];
	unsigned long long mag;
	const char *cur = currency ? currency : "";
	int exp = currency_exponent(cur), nd, ig = 0;
	unsigned long long unit = 1;
	unsigned long long whole, frac;

	if (!buf || len == 0)
		return;
	mag = minor < 0 ? (unsigned long long)(-(minor + 1)) + 1ULL : (unsigned long long)minor;
	for (int i = 0; i < exp; i++)
		unit *= 10;
	whole = mag / unit;
	frac = mag % unit;

	nd = snprintf(digits, sizeof digits, "%llu", whole);
	for (int i = 0; i < nd; i++) {
		if (i > 0 && (nd - i) % 3 == 0)
			grouped[ig++] = ',';
		grouped[ig++] = digits[i];
	}
	grouped[ig] = '\0';

	if (strcmp(cur, "USD") == 0) {
		snprintf(buf, len, "%s$%s.%02llu", minor < 0 ? "-" : "", grouped, frac);
	} else {
		char fracs[24] = "";

		if (exp > 0)         /* exp is 0, 2 or 3: bounded for -Wformat-truncation */
			snprintf(fracs, sizeof fracs, ".%0*llu", exp > 3 ? 3 : exp, frac);
		snprintf(buf, len, "%s%s%s%s%.3s", minor < 0 ? "-" : "", grouped, fracs,
			 *cur ? " " : "", cur);
	}
}

bool
money_parse(const char *text, const char *currency, long long *minor)
{
	const char *cur = currency ? currency : "";
	const char *p = text;
	int exp = currency_exponent(cur), nfrac = 0;
	long long v = 0;
	bool digits = false, dot = false;

	*minor = 0;
	if (!p)
		return false;
	while (*p == ' ')
		p++;
	if (*p == '$' && strcmp(cur, "USD") == 0)
		p++;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (dot && ++nfrac > exp)
				return false;
			/* at most 9e15 minor units, written with or without
			 * the decimals ("90000000000000" and ".00" alike) */
			if (v > (9000000000000000LL - (*p - '0')) / 10)
				return false;
			v = v * 10 + (*p - '0');
			digits = true;
		} else if (*p == '.' && !dot && exp > 0) {
			dot = true;
		} else {
			break;
		}
	}
	while (*p == ' ')
		p++;
	if (*p || !digits)
		return false;
	for (; nfrac < exp; nfrac++) {
		if (v > 9000000000000000LL / 10)
			return false;
		v *= 10;
	}
	if (v <= 0)
		return false;
	*minor = v;
	return true;
}
