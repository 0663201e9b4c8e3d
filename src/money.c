#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"

/* ISO 4217, the codes in current use (sql/0018_currency.sql has the same
 * rows; tests/db/currency.test compares them). Sorted by code: looked up
 * with bsearch. */
static const struct money_currency currencies[] = {
	{ "AED", 2, "UAE Dirham" },
	{ "AFN", 2, "Afghani" },
	{ "ALL", 2, "Lek" },
	{ "AMD", 2, "Armenian Dram" },
	{ "ANG", 2, "Netherlands Antillean Guilder" },
	{ "AOA", 2, "Kwanza" },
	{ "ARS", 2, "Argentine Peso" },
	{ "AUD", 2, "Australian Dollar" },
	{ "AWG", 2, "Aruban Florin" },
	{ "AZN", 2, "Azerbaijan Manat" },
	{ "BAM", 2, "Convertible Mark" },
	{ "BBD", 2, "Barbados Dollar" },
	{ "BDT", 2, "Taka" },
	{ "BGN", 2, "Bulgarian Lev" },
	{ "BHD", 3, "Bahraini Dinar" },
	{ "BIF", 0, "Burundi Franc" },
	{ "BMD", 2, "Bermudian Dollar" },
	{ "BND", 2, "Brunei Dollar" },
	{ "BOB", 2, "Boliviano" },
	{ "BRL", 2, "Brazilian Real" },
	{ "BSD", 2, "Bahamian Dollar" },
	{ "BTN", 2, "Ngultrum" },
	{ "BWP", 2, "Pula" },
	{ "BYN", 2, "Belarusian Ruble" },
	{ "BZD", 2, "Belize Dollar" },
	{ "CAD", 2, "Canadian Dollar" },
	{ "CDF", 2, "Congolese Franc" },
	{ "CHF", 2, "Swiss Franc" },
	{ "CLF", 4, "Unidad de Fomento" },
	{ "CLP", 0, "Chilean Peso" },
	{ "CNY", 2, "Yuan Renminbi" },
	{ "COP", 2, "Colombian Peso" },
	{ "CRC", 2, "Costa Rican Colon" },
	{ "CUP", 2, "Cuban Peso" },
	{ "CVE", 2, "Cabo Verde Escudo" },
	{ "CZK", 2, "Czech Koruna" },
	{ "DJF", 0, "Djibouti Franc" },
	{ "DKK", 2, "Danish Krone" },
	{ "DOP", 2, "Dominican Peso" },
	{ "DZD", 2, "Algerian Dinar" },
	{ "EGP", 2, "Egyptian Pound" },
	{ "ERN", 2, "Nakfa" },
	{ "ETB", 2, "Ethiopian Birr" },
	{ "EUR", 2, "Euro" },
	{ "FJD", 2, "Fiji Dollar" },
	{ "FKP", 2, "Falkland Islands Pound" },
	{ "GBP", 2, "Pound Sterling" },
	{ "GEL", 2, "Lari" },
	{ "GHS", 2, "Ghana Cedi" },
	{ "GIP", 2, "Gibraltar Pound" },
	{ "GMD", 2, "Dalasi" },
	{ "GNF", 0, "Guinean Franc" },
	{ "GTQ", 2, "Quetzal" },
	{ "GYD", 2, "Guyana Dollar" },
	{ "HKD", 2, "Hong Kong Dollar" },
	{ "HNL", 2, "Lempira" },
	{ "HTG", 2, "Gourde" },
	{ "HUF", 2, "Forint" },
	{ "IDR", 2, "Rupiah" },
	{ "ILS", 2, "New Israeli Sheqel" },
	{ "INR", 2, "Indian Rupee" },
	{ "IQD", 3, "Iraqi Dinar" },
	{ "IRR", 2, "Iranian Rial" },
	{ "ISK", 0, "Iceland Krona" },
	{ "JMD", 2, "Jamaican Dollar" },
	{ "JOD", 3, "Jordanian Dinar" },
	{ "JPY", 0, "Yen" },
	{ "KES", 2, "Kenyan Shilling" },
	{ "KGS", 2, "Som" },
	{ "KHR", 2, "Riel" },
	{ "KMF", 0, "Comorian Franc" },
	{ "KPW", 2, "North Korean Won" },
	{ "KRW", 0, "Won" },
	{ "KWD", 3, "Kuwaiti Dinar" },
	{ "KYD", 2, "Cayman Islands Dollar" },
	{ "KZT", 2, "Tenge" },
	{ "LAK", 2, "Lao Kip" },
	{ "LBP", 2, "Lebanese Pound" },
	{ "LKR", 2, "Sri Lanka Rupee" },
	{ "LRD", 2, "Liberian Dollar" },
	{ "LSL", 2, "Loti" },
	{ "LYD", 3, "Libyan Dinar" },
	{ "MAD", 2, "Moroccan Dirham" },
	{ "MDL", 2, "Moldovan Leu" },
	{ "MGA", 2, "Malagasy Ariary" },
	{ "MKD", 2, "Denar" },
	{ "MMK", 2, "Kyat" },
	{ "MNT", 2, "Tugrik" },
	{ "MOP", 2, "Pataca" },
	{ "MRU", 2, "Ouguiya" },
	{ "MUR", 2, "Mauritius Rupee" },
	{ "MVR", 2, "Rufiyaa" },
	{ "MWK", 2, "Malawi Kwacha" },
	{ "MXN", 2, "Mexican Peso" },
	{ "MYR", 2, "Malaysian Ringgit" },
	{ "MZN", 2, "Mozambique Metical" },
	{ "NAD", 2, "Namibia Dollar" },
	{ "NGN", 2, "Naira" },
	{ "NIO", 2, "Cordoba Oro" },
	{ "NOK", 2, "Norwegian Krone" },
	{ "NPR", 2, "Nepalese Rupee" },
	{ "NZD", 2, "New Zealand Dollar" },
	{ "OMR", 3, "Rial Omani" },
	{ "PAB", 2, "Balboa" },
	{ "PEN", 2, "Sol" },
	{ "PGK", 2, "Kina" },
	{ "PHP", 2, "Philippine Peso" },
	{ "PKR", 2, "Pakistan Rupee" },
	{ "PLN", 2, "Zloty" },
	{ "PYG", 0, "Guarani" },
	{ "QAR", 2, "Qatari Rial" },
	{ "RON", 2, "Romanian Leu" },
	{ "RSD", 2, "Serbian Dinar" },
	{ "RUB", 2, "Russian Ruble" },
	{ "RWF", 0, "Rwanda Franc" },
	{ "SAR", 2, "Saudi Riyal" },
	{ "SBD", 2, "Solomon Islands Dollar" },
	{ "SCR", 2, "Seychelles Rupee" },
	{ "SDG", 2, "Sudanese Pound" },
	{ "SEK", 2, "Swedish Krona" },
	{ "SGD", 2, "Singapore Dollar" },
	{ "SHP", 2, "Saint Helena Pound" },
	{ "SLE", 2, "Leone" },
	{ "SOS", 2, "Somali Shilling" },
	{ "SRD", 2, "Surinam Dollar" },
	{ "SSP", 2, "South Sudanese Pound" },
	{ "STN", 2, "Dobra" },
	{ "SVC", 2, "El Salvador Colon" },
	{ "SYP", 2, "Syrian Pound" },
	{ "SZL", 2, "Lilangeni" },
	{ "THB", 2, "Baht" },
	{ "TJS", 2, "Somoni" },
	{ "TMT", 2, "Turkmenistan New Manat" },
	{ "TND", 3, "Tunisian Dinar" },
	{ "TOP", 2, "Pa'anga" },
	{ "TRY", 2, "Turkish Lira" },
	{ "TTD", 2, "Trinidad and Tobago Dollar" },
	{ "TWD", 2, "New Taiwan Dollar" },
	{ "TZS", 2, "Tanzanian Shilling" },
	{ "UAH", 2, "Hryvnia" },
	{ "UGX", 0, "Uganda Shilling" },
	{ "USD", 2, "US Dollar" },
	{ "UYU", 2, "Peso Uruguayo" },
	{ "UZS", 2, "Uzbekistan Sum" },
	{ "VED", 2, "Bolivar Soberano (digital)" },
	{ "VES", 2, "Bolivar Soberano" },
	{ "VND", 0, "Dong" },
	{ "VUV", 0, "Vatu" },
	{ "WST", 2, "Tala" },
	{ "XAF", 0, "CFA Franc BEAC" },
	{ "XCD", 2, "East Caribbean Dollar" },
	{ "XCG", 2, "Caribbean Guilder" },
	{ "XOF", 0, "CFA Franc BCEAO" },
	{ "XPF", 0, "CFP Franc" },
	{ "YER", 2, "Yemeni Rial" },
	{ "ZAR", 2, "Rand" },
	{ "ZMW", 2, "Zambian Kwacha" },
	{ "ZWG", 2, "Zimbabwe Gold" },
};
#define NCURRENCIES (sizeof currencies / sizeof currencies[0])

/* "kwd" -> "KWD" in out; false unless exactly three ASCII letters. */
static bool
code_upper(const char *code, char out[4])
{
	if (!code)
		return false;
	for (int i = 0; i < 3; i++) {
		char c = code[i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c < 'A' || c > 'Z')
			return false;
		out[i] = c;
	}
	out[3] = '\0';
	return code[3] == '\0';
}

static int
code_cmp(const void *key, const void *row)
{
	return strcmp(key, ((const struct money_currency *)row)->code);
}

const struct money_currency *
money_currency_find(const char *code)
{
	char up[4];

	if (!code_upper(code, up))
		return NULL;
	return bsearch(up, currencies, NCURRENCIES, sizeof currencies[0], code_cmp);
}

const struct money_currency *
money_currency_at(size_t i)
{
	return i < NCURRENCIES ? &currencies[i] : NULL;
}

int
money_exponent(const char *currency)
{
	const struct money_currency *c = money_currency_find(currency);

	return c ? c->exponent : 2;
}

/* |minor| without overflow (LLONG_MIN included). */
static unsigned long long
magnitude(long long minor)
{
	return minor < 0 ? (unsigned long long)(-(minor + 1)) + 1ULL : (unsigned long long)minor;
}

static unsigned long long
unit_of(int exp)
{
	unsigned long long unit = 1;

	for (int i = 0; i < exp; i++)
		unit *= 10;
	return unit;
}

/* ".456" for 456 and exponent 3; "" for exponent 0. */
static void
fraction(unsigned long long frac, int exp, char *out, size_t len)
{
	out[0] = '\0';
	if (exp > 0)            /* 1..4: bounded for -Wformat-truncation */
		snprintf(out, len, ".%0*llu", exp > 4 ? 4 : exp, frac);
}

void
money_format(long long minor, const char *currency, char *buf, size_t len)
{
	char digits[24], grouped[32], fracs[24], label[4];
	unsigned long long mag = magnitude(minor), unit;
	int exp = money_exponent(currency), nd, ig = 0;
	const char *code;

	if (!buf || len == 0)
		return;
	if (!currency || !*currency)
		code = "";
	else if (code_upper(currency, label))
		code = label;
	else
		code = "???";
	unit = unit_of(exp);
	nd = snprintf(digits, sizeof digits, "%llu", mag / unit);
	for (int i = 0; i < nd; i++) {
		if (i > 0 && (nd - i) % 3 == 0)
			grouped[ig++] = ',';
		grouped[ig++] = digits[i];
	}
	grouped[ig] = '\0';
	fraction(mag % unit, exp, fracs, sizeof fracs);

	if (strcmp(code, "USD") == 0)
		snprintf(buf, len, "%s$%s%s", minor < 0 ? "-" : "", grouped, fracs);
	else
		snprintf(buf, len, "%s%s%s%s%s", minor < 0 ? "-" : "", grouped, fracs,
			 *code ? " " : "", code);
}

void
money_decimal(long long minor, const char *currency, char *buf, size_t len)
{
	char fracs[24];
	unsigned long long mag = magnitude(minor);
	int exp = money_exponent(currency);
	unsigned long long unit = unit_of(exp);

	if (!buf || len == 0)
		return;
	fraction(mag % unit, exp, fracs, sizeof fracs);
	snprintf(buf, len, "%s%llu%s", minor < 0 ? "-" : "", mag / unit, fracs);
}

bool
money_parse(const char *text, const char *currency, long long *minor)
{
	const char *p = text;
	int exp = money_exponent(currency), nfrac = 0;
	long long v = 0;
	bool digits = false, dot = false;
	char label[4];

	*minor = 0;
	if (!p)
		return false;
	while (*p == ' ')
		p++;
	if (*p == '$' && code_upper(currency, label) && strcmp(label, "USD") == 0)
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
