/* Phones for display (src/app/phone_format.h). The country calling code
 * is found by the ITU's table (1, 7: one digit; the two-digit codes below;
 * else three); NANP (+1), the United Kingdom (+44), France (+33) and
 * Germany (+49) get their usual groups, other countries the code set
 * apart from the number. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "phone_format.h"

static int
cc_len(const char *d)
{
	static const char *const two[] = {
		"20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44",
		"45", "46", "47", "48", "49", "51", "52", "53", "54", "55", "56", "57", "58",
		"60", "61", "62", "63", "64", "65", "66", "81", "82", "84", "86", "90", "91",
		"92", "93", "94", "95", "98",
	};

	if (d[0] == '1' || d[0] == '7')
		return 1;
	for (size_t i = 0; i < sizeof two / sizeof two[0]; i++)
		if (strncmp(d, two[i], 2) == 0)
			return 2;
	return 3;
}

/* Copies the number's digits in groups: sizes[] (0 ends; the last group
 * takes the rest), separated by sep. */
static void
groups(const char *n, const int *sizes, const char *sep, char *out, size_t len)
{
	size_t o = strlen(out);

	for (int g = 0; *n && o + 1 < len; g++) {
		int k = sizes[g] ? sizes[g] : (int)strlen(n);

		if (g > 0)
			o += (size_t)snprintf(out + o, len - o, "%s", sep);
		o += (size_t)snprintf(out + o, o < len ? len - o : 0, "%.*s", k, n);
		n += (int)strlen(n) < k ? (int)strlen(n) : k;
		if (!sizes[g])
			break;
	}
}

const char *
phone_format(const char *e164, char *out, size_t len)
{
	const char *d = e164 && *e164 ? e164 + 1 : "";
	size_t nd = strlen(d);
	int c;

	if (len == 0)
		return out;
	if (!e164 || e164[0] != '+' || nd < 4 || strspn(d, "0123456789") != nd) {
		snprintf(out, len, "%s", e164 ? e164 : "");
		return out;
	}
	c = cc_len(d);
	snprintf(out, len, "+%.*s ", c, d);
	d += c;
	nd -= (size_t)c;
	if (c == 1 && e164[1] == '1' && nd == 10) {
		static const int nanp[] = { 3, 3, 0 };
		groups(d, nanp, "-", out, len);                   /* +1 555-010-0199 */
	} else if (strncmp(e164, "+44", 3) == 0 && nd == 10) {
		static const int london[] = { 2, 4, 0 }, other[] = { 4, 0 };
		groups(d, d[0] == '2' ? london : other, " ", out, len);  /* +44 7700 900187 */
	} else if (strncmp(e164, "+33", 3) == 0 && nd == 9) {
		static const int fr[] = { 1, 2, 2, 2, 0 };
		groups(d, fr, " ", out, len);                     /* +33 6 12 34 56 78 */
	} else {
		static const int rest[] = { 0 };
		groups(d, rest, "", out, len);                    /* +49 301234567 */
	}
	return out;
}
