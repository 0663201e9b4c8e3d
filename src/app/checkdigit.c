#include "config.h"

/* Order numbers carry a Damm check digit (id * 10 + damm(id)), so a digit
 * misheard on the phone or two neighbours swapped are always caught. The
 * table is the standard weakly totally anti-symmetric quasigroup of order 10
 * (Damm 2004), the same one oms.damm_check() uses in SQL; tests check both
 * give the same digit. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"

static const unsigned char damm_table[10][10] = {
	{0, 3, 1, 7, 5, 9, 8, 6, 4, 2},
	{7, 0, 9, 2, 1, 5, 4, 8, 6, 3},
	{4, 2, 0, 6, 8, 7, 1, 3, 5, 9},
	{1, 7, 5, 0, 9, 8, 3, 4, 2, 6},
	{6, 1, 2, 3, 0, 4, 5, 9, 7, 8},
	{3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
	{5, 8, 6, 9, 7, 2, 0, 1, 3, 4},
	{8, 9, 4, 5, 3, 6, 2, 0, 1, 7},
	{9, 4, 3, 8, 6, 1, 7, 2, 0, 5},
	{2, 5, 8, 1, 4, 3, 6, 7, 9, 0},
};

/* Interim digit after running the whole string through the table; 0 means
 * the string (digits + check digit) is valid. */
static int
damm_interim(const char *digits, size_t n)
{
	int interim = 0;

	for (size_t i = 0; i < n; i++) {
		if (digits[i] < '0' || digits[i] > '9')
			return -1;
		interim = damm_table[interim][digits[i] - '0'];
	}
	return interim;
}

int
damm_digit(const char *digits)
{
	if (!digits || !*digits)
		return -1;
	return damm_interim(digits, strlen(digits));
}

bool
damm_valid(const char *digits)
{
	return digits && *digits && damm_interim(digits, strlen(digits)) == 0;
}

bool
order_no_valid(long long order_no)
{
	char buf[12];

	/* like oms.order_no_valid(): 8 digits, right check digit */
	if (order_no < 10000000LL || order_no > 99999999LL)
		return false;
	snprintf(buf, sizeof buf, "%lld", order_no);
	return damm_valid(buf);
}

long long
order_no_make(long long id)
{
	char buf[24];
	int n = 0;

	if (id <= 0)
		return -1;
	for (long long v = id; v > 0; v /= 10)
		n++;
	buf[n] = '\0';
	for (long long v = id; v > 0; v /= 10)
		buf[--n] = (char)('0' + v % 10);
	if (id > (9223372036854775807LL - 9) / 10)
		return -1;
	return id * 10 + damm_digit(buf);
}

struct cand {
	long long no;
	unsigned long long dist;
};

static int
cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->dist != y->dist)
		return x->dist < y->dist ? -1 : 1;
	return x->no < y->no ? -1 : x->no > y->no;
}

static void
cand_add(struct cand *c, int *n, const char *digits, long long typed)
{
	long long v = 0;

	if (digits[0] == '0' || !damm_valid(digits))
		return;
	for (const char *p = digits; *p; p++)
		v = v * 10 + (*p - '0');
	for (int i = 0; i < *n; i++)
		if (c[i].no == v)
			return;
	c[*n].no = v;
	c[*n].dist = v > typed ? (unsigned long long)(v - typed) : (unsigned long long)(typed - v);
	(*n)++;
}

int
damm_suggest(const char *digits, long long *out, int max)
{
	/* One digit changed (each position has exactly one replacement that
	 * makes the number valid, the quasigroup being a Latin square) plus each
	 * adjacent transposition: at most 9 * n + n - 1 candidates. */
	struct cand c[24 * 10];
	char buf[24];
	size_t len;
	long long typed = 0;
	int n = 0;

	if (!digits || max <= 0)
		return 0;
	len = strlen(digits);
	if (len < 2 || len > 19 || damm_interim(digits, len) < 0)
		return 0;
	for (size_t i = 0; i < len; i++)
		typed = typed * 10 + (digits[i] - '0');
	memcpy(buf, digits, len + 1);
	for (size_t i = 0; i < len; i++) {
		char orig = buf[i];

		for (char d = '0'; d <= '9'; d++) {
			if (d == orig)
				continue;
			buf[i] = d;
			cand_add(c, &n, buf, typed);
		}
		buf[i] = orig;
	}
	for (size_t i = 0; i + 1 < len; i++) {
		char t;

		if (buf[i] == buf[i + 1])
			continue;
		t = buf[i];
		buf[i] = buf[i + 1];
		buf[i + 1] = t;
		cand_add(c, &n, buf, typed);
		buf[i + 1] = buf[i];
		buf[i] = t;
	}
	/* "Nearest" is numeric distance: the check digit itself first, then
	 * changes in the low digits, which also keeps suggestions near the
	 * numbers being issued now. */
	qsort(c, (size_t)n, sizeof c[0], cand_cmp);
	if (n > max)
		n = max;
	for (int i = 0; i < n; i++)
		out[i] = c[i].no;
	return n;
}
