#include "config.h"

/* Telephone numbers as people write them -> E.164.
 *
 * Accepted: digits with spaces, '-', '.', '/', and parentheses
 * ("(555) 010-0199", "555.010.0199"); an international prefix "+", "00" or,
 * when the default country is 1 (NANP), "011" ("+44 20 7946 0958",
 * "001 555 010 0199", "+44 (0)20 7946 0958"); otherwise a national number
 * in the default country: for country 1 ten digits whose area code starts
 * with 2-9, or eleven starting with the trunk prefix 1; for other countries
 * the national trunk prefix 0 is dropped. The result must match
 * ^\+[1-9][0-9]{6,14}$ (and have 11 digits for country 1). Letters
 * (vanity numbers, "ext.") are refused. */

#include <string.h>

#include "app/app.h"

#define E164_MAX 15

static bool
cc_valid(const char *cc)
{
	size_t n;

	if (!cc)
		return false;
	n = strlen(cc);
	if (n < 1 || n > 3 || cc[0] < '1' || cc[0] > '9')
		return false;
	for (size_t i = 0; i < n; i++)
		if (cc[i] < '0' || cc[i] > '9')
			return false;
	return true;
}

bool
phone_to_e164(const char *in, const char *default_cc, char *out, size_t outlen)
{
	char d[64];                  /* digits only, in order */
	size_t nd = 0, i = 0, len;
	bool plus = false, intl;
	const char *cc = cc_valid(default_cc) ? default_cc : "1";
	const char *nat;
	char res[E164_MAX + 2];
	size_t nres;
	int depth = 0;

	if (!in || !out || outlen == 0)
		return false;
	out[0] = '\0';
	len = strlen(in);
	if (len == 0 || len > 40)
		return false;
	while (i < len && in[i] == ' ')
		i++;
	if (i < len && in[i] == '+') {
		plus = true;
		i++;
	}
	for (; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c >= '0' && c <= '9') {
			if (nd + 1 >= sizeof d)
				return false;
			d[nd++] = (char)c;
		} else if (c == '(') {
			/* "+44 (0)20 ...": the trunk 0 in parentheses is dropped */
			if (i + 2 < len && in[i + 1] == '0' && in[i + 2] == ')' && nd > 0) {
				i += 2;
				continue;
			}
			if (++depth > 1)
				return false;
		} else if (c == ')') {
			if (--depth < 0)
				return false;
		} else if (c == ' ' || c == '-' || c == '.' || c == '/') {
			/* separators; two in a row ("--") are still fine */
		} else {
			return false;
		}
	}
	if (depth != 0 || nd == 0)
		return false;
	d[nd] = '\0';

	intl = plus;
	nat = d;
	if (!plus && nd > 2 && d[0] == '0' && d[1] == '0') {
		intl = true;
		nat = d + 2;
	} else if (!plus && strcmp(cc, "1") == 0 && nd > 3 && strncmp(d, "011", 3) == 0) {
		intl = true;
		nat = d + 3;
	}

	if (intl) {
		if (strlen(nat) > E164_MAX)
			return false;
		res[0] = '+';
		strcpy(res + 1, nat);
	} else if (strcmp(cc, "1") == 0) {
		if (nd == 11 && d[0] == '1')
			nat = d + 1;
		else if (nd != 10)
			return false;
		if (nat[0] < '2')
			return false;          /* area codes start with 2-9 */
		res[0] = '+';
		res[1] = '1';
		strcpy(res + 2, nat);
	} else {
		size_t ncc = strlen(cc);

		if (nat[0] == '0')
			nat++;
		if (ncc + strlen(nat) > E164_MAX)
			return false;
		res[0] = '+';
		memcpy(res + 1, cc, ncc);
		strcpy(res + 1 + ncc, nat);
	}

	nres = strlen(res);
	if (nres < 8 || nres > E164_MAX + 1 || res[1] == '0')
		return false;
	if (res[1] == '1' && nres != 12)
		return false;              /* NANP: +1 and ten digits */
	if (res[1] == '1' && res[2] < '2')
		return false;
	if (nres + 1 > outlen)
		return false;
	memcpy(out, res, nres + 1);
	return true;
}
