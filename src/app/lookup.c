#include "config.h"

/* What did the CSR type? One search box takes an order number, an e-mail,
 * a phone, a tracking number or a part of a name; this file decides which,
 * normalises it, and builds the oms_api.lookup() call.
 *
 * The rules, in order (first match wins):
 *  1. Over 255 bytes, invalid UTF-8 or a control character: OMS_INVALID.
 *     Leading and trailing white space is trimmed first.
 *  2. An explicit prefix forces the kind: "order:", "email:", "phone:",
 *     "track:", "name:" (any case); "#" before digits means an order number.
 *  3. Contains '@': an e-mail (ASCII letters lower-cased; a partial address
 *     like "zoe.angstrom@exa" is allowed, the server matches prefixes).
 *  4. Letters and digits in a carrier shape: "1Z" + 16 letters/digits (UPS)
 *     or two letters, 9 digits, two letters (UPU S10, postal services):
 *     a tracking number (upper-cased, spaces removed).
 *  5. Only digits and the separators space - . / ( ) with an optional
 *     leading '+':
 *     - written like a phone ('+', parentheses, or "00"/"011" followed by
 *       a country code 1-9): a phone;
 *     - 8 digits: an order number (so "1234-5678" and "1234 5678" work);
 *       a wrong check digit sets check_failed and lists the valid numbers
 *       one typo away;
 *     - 10 digits: a phone when the default country is 1 and the first
 *       digit is 2-9 (a NANP area code), otherwise a DHL waybill;
 *       "track:" forces the waybill reading;
 *     - 11 digits starting with 1 (country 1): a phone;
 *     - 12, 15, 20, 22, 26 or 34 digits: a tracking number (FedEx, USPS);
 *     - other countries: a national number with trunk prefix 0: a phone;
 *     - anything else: OMS_INVALID with a hint.
 *  6. Otherwise letters (any script, with combining marks), spaces,
 *     apostrophes, hyphens and dots, with at least 2 letters: a name
 *     fragment. Anything else (";", "=", "*", digits mixed in) is
 *     OMS_INVALID: no real name has them, and the text would reach the
 *     server only as a bind parameter anyway.
 *
 * The patterns are compiled once, on first use (the program is single
 * threaded; a threaded caller must call lookup_classify once first). */

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/appint.h"
#include "db/db.h"

#define LOOKUP_MAX_INPUT 255

enum { RE_EMAIL, RE_UPS, RE_S10, RE_NUMERIC, RE_NAME, RE_COUNT };

static const char *const re_source[RE_COUNT] = {
	/* local part @ (partial) domain; letters of any script allowed */
	[RE_EMAIL] = "^[\\p{L}\\p{N}.!#$%&'*+/=?^_`{|}~-]+@[\\p{L}\\p{N}.-]*$",
	[RE_UPS] = "^1Z[0-9A-Z]{16}$",
	[RE_S10] = "^[A-Z]{2}[0-9]{9}[A-Z]{2}$",
	[RE_NUMERIC] = "^\\+?[0-9][0-9 ().\\/-]*$|^\\([0-9][0-9 ().\\/-]*$",
	[RE_NAME] = "^[\\p{L}\\p{M}][\\p{L}\\p{M} '\\x{2019}.-]*$",
};

static pcre2_code *re_code[RE_COUNT];
static bool re_ready;

static bool
re_init(void)
{
	if (re_ready)
		return true;
	for (int i = 0; i < RE_COUNT; i++) {
		int errcode;
		PCRE2_SIZE erroff;

		re_code[i] = pcre2_compile((PCRE2_SPTR)re_source[i], PCRE2_ZERO_TERMINATED,
					   PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK,
					   &errcode, &erroff, NULL);
		if (!re_code[i]) {
			/* a bug in the patterns above: fail loudly in tests */
			for (int j = 0; j < i; j++)
				pcre2_code_free(re_code[j]);
			return false;
		}
	}
	re_ready = true;
	return true;
}

void
lookup_cleanup(void)
{
	if (!re_ready)
		return;
	for (int i = 0; i < RE_COUNT; i++) {
		pcre2_code_free(re_code[i]);
		re_code[i] = NULL;
	}
	re_ready = false;
}

/* Text is already checked to be valid UTF-8. */
static bool
re_match(int which, const char *s)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re_code[which], NULL);
	int rc;

	if (!md)
		return false;
	rc = pcre2_match(re_code[which], (PCRE2_SPTR)s, strlen(s), 0,
			 PCRE2_NO_UTF_CHECK, md, NULL);
	pcre2_match_data_free(md);
	return rc >= 0;
}

const char *
lookup_kind_name(enum lookup_kind kind)
{
	switch (kind) {
	case LOOKUP_ORDER_NO: return "order_no";
	case LOOKUP_EMAIL: return "email";
	case LOOKUP_PHONE: return "phone";
	case LOOKUP_TRACKING: return "tracking";
	case LOOKUP_NAME: return "name";
	case LOOKUP_NONE: break;
	}
	return "none";
}

static enum oms_status
invalid(struct lookup_query *q, struct oms_error *err, const char *hint)
{
	q->kind = LOOKUP_NONE;
	q->text[0] = '\0';
	app_copy(q->hint, sizeof q->hint, hint);
	return oms_fail(err, OMS_INVALID, "%s", hint);
}

static size_t
digits_of(const char *s, char *out, size_t outlen)
{
	size_t n = 0;

	for (; *s; s++)
		if (*s >= '0' && *s <= '9') {
			if (n + 1 >= outlen)
				return outlen;      /* too many */
			out[n++] = *s;
		}
	out[n] = '\0';
	return n;
}

static bool
only_digits_and_seps(const char *s)
{
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || *s == ' ' || *s == '-' || *s == '.' || *s == '/'))
			return false;
	return true;
}

static enum oms_status
classify_order(const char *s, struct lookup_query *q, struct oms_error *err)
{
	char d[64];
	size_t n = digits_of(s, d, sizeof d);

	if (!only_digits_and_seps(s) || n != 8)
		return invalid(q, err, "an order number has 8 digits");
	if (d[0] == '0')
		return invalid(q, err, "order numbers do not start with 0");
	q->kind = LOOKUP_ORDER_NO;
	strcpy(q->text, d);
	if (damm_valid(d)) {
		snprintf(q->hint, sizeof q->hint, "order number %s", d);
		return OMS_OK;
	}
	q->check_failed = true;
	q->nsuggest = damm_suggest(d, q->suggest, LOOKUP_MAX_SUGGEST);
	{
		int off = snprintf(q->hint, sizeof q->hint,
				   "%s is not a valid order number (check digit)", d);

		for (int i = 0; i < q->nsuggest && off > 0 && (size_t)off < sizeof q->hint; i++)
			off += snprintf(q->hint + off, sizeof q->hint - (size_t)off, "%s%lld",
					i == 0 ? "; did you mean " : ", ", q->suggest[i]);
		if (q->nsuggest > 0 && off > 0 && (size_t)off < sizeof q->hint - 1)
			snprintf(q->hint + off, sizeof q->hint - (size_t)off, "?");
	}
	return OMS_OK;
}

static enum oms_status
classify_phone(const char *s, const char *cc, struct lookup_query *q, struct oms_error *err)
{
	if (!phone_to_e164(s, cc, q->text, sizeof q->text))
		return invalid(q, err, "not a phone number that can be dialled (E.164)");
	q->kind = LOOKUP_PHONE;
	snprintf(q->hint, sizeof q->hint, "phone %.20s", q->text);
	return OMS_OK;
}

static enum oms_status
classify_email(const char *s, struct lookup_query *q, struct oms_error *err)
{
	char buf[LOOKUP_MAX_INPUT + 1];
	size_t i;

	for (i = 0; s[i] && i < LOOKUP_MAX_INPUT; i++)
		buf[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
	buf[i] = '\0';
	if (!re_match(RE_EMAIL, buf))
		return invalid(q, err, "not an e-mail address");
	q->kind = LOOKUP_EMAIL;
	strcpy(q->text, buf);
	snprintf(q->hint, sizeof q->hint, "e-mail %.140s", q->text);
	return OMS_OK;
}

/* Upper-cased with spaces and hyphens removed; false unless 6-40 letters
 * and digits remain. */
static bool
tracking_compact(const char *s, char *out, size_t outlen)
{
	size_t n = 0;

	for (; *s; s++) {
		char c = *s;

		if (c == ' ' || c == '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			return false;
		if (n + 1 >= outlen || n >= 40)
			return false;
		out[n++] = c;
	}
	out[n] = '\0';
	return n >= 6;
}

static enum oms_status
classify_tracking(const char *s, struct lookup_query *q, struct oms_error *err)
{
	if (!tracking_compact(s, q->text, sizeof q->text))
		return invalid(q, err, "a tracking number has 6 to 40 letters and digits");
	q->kind = LOOKUP_TRACKING;
	snprintf(q->hint, sizeof q->hint, "tracking number %.40s", q->text);
	return OMS_OK;
}

static enum oms_status
classify_name(const char *s, struct lookup_query *q, struct oms_error *err)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, o = 0;
	int letters = 0;
	bool space = false;

	if (!re_match(RE_NAME, s))
		return invalid(q, err, "type an order number, e-mail, phone, tracking number or a name");
	/* collapse runs of spaces; count letters (anything non-ASCII counts:
	 * the pattern already allowed only letters and marks there) */
	while (i < n) {
		int k = app_utf8_seq(p + i, n - i, NULL);

		if (k <= 0)
			k = 1;
		if (p[i] == ' ') {
			space = true;
			i++;
			continue;
		}
		if (space && o > 0 && o + 1 < sizeof q->text)
			q->text[o++] = ' ';
		space = false;
		if (o + (size_t)k >= sizeof q->text)
			break;
		if ((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= 'a' && p[i] <= 'z') || p[i] >= 0xc0)
			letters++;
		memcpy(q->text + o, p + i, (size_t)k);
		o += (size_t)k;
		i += (size_t)k;
	}
	q->text[o] = '\0';
	if (letters < 2) {
		q->text[0] = '\0';
		return invalid(q, err, "type at least 2 letters of a name");
	}
	q->kind = LOOKUP_NAME;
	snprintf(q->hint, sizeof q->hint, "name \"%.140s\"", q->text);
	return OMS_OK;
}

static enum oms_status
classify_numeric(const char *s, const char *cc, bool force_tracking,
		 struct lookup_query *q, struct oms_error *err)
{
	char d[64];
	size_t n = digits_of(s, d, sizeof d);
	bool nanp = strcmp(cc, "1") == 0;
	bool dialled = s[0] == '+' || strchr(s, '(') || strchr(s, ')');
	bool grouped = strlen(s) != n;          /* spaces, dashes, dots ... */
	bool waybill_len = n == 12 || n == 15 || n == 20 || n == 22 || n == 26 || n == 34;
	/* An international prefix must be followed by a country code (1-9):
	 * "000002035194" is a tracking number, not a call to country 0. A bare
	 * run of digits of a waybill's length ("007738153034") is read as a
	 * waybill; people write phone numbers in groups. */
	bool phone_style = dialled ||
			   (d[0] == '0' && d[1] == '0' && d[2] >= '1' && d[2] <= '9' &&
			    (grouped || !waybill_len)) ||
			   (nanp && strncmp(d, "011", 3) == 0 && d[3] >= '1' && d[3] <= '9');

	if (n >= sizeof d)
		return invalid(q, err, "too many digits");
	if (force_tracking) {
		if (dialled)
			return invalid(q, err, "a tracking number has only letters and digits");
		return classify_tracking(s, q, err);
	}
	if (phone_style)
		return classify_phone(s, cc, q, err);
	if (n == 8)
		return classify_order(s, q, err);
	if (n == 10) {
		if (nanp && d[0] >= '2')
			return classify_phone(s, cc, q, err);
		if (!nanp && d[0] == '0')
			return classify_phone(s, cc, q, err);
		return classify_tracking(d, q, err);
	}
	if (n == 11 && nanp && d[0] == '1')
		return classify_phone(s, cc, q, err);
	if (waybill_len)
		return classify_tracking(d, q, err);
	if (!nanp && d[0] == '0' && n >= 7)
		return classify_phone(s, cc, q, err);
	{
		char hint[160];

		snprintf(hint, sizeof hint,
			 "%zu digits: an order number has 8, a phone 10 (or +country), "
			 "a tracking number 10, 12, 15, 20 or 22", n);
		return invalid(q, err, hint);
	}
}

/* Strict UTF-8 with no control characters (C0, DEL, C1). */
static const char *
text_problem(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		unsigned cp;
		int k = app_utf8_seq(p + i, n - i, &cp);

		if (k == 0)
			return "the text is not valid UTF-8";
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
			return "the text contains a control character";
		i += (size_t)k;
	}
	return NULL;
}

static bool
prefix_is(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != prefix[i])
			return false;
	}
	return true;
}

enum oms_status
lookup_classify(const char *input, const char *default_cc, struct lookup_query *q,
		struct oms_error *err)
{
	char buf[LOOKUP_MAX_INPUT + 1];
	const char *s, *problem;
	const char *cc = default_cc && *default_cc ? default_cc : "1";
	size_t len, a, b;

	memset(q, 0, sizeof *q);
	if (!re_init())
		return oms_fail(err, OMS_INVALID, "internal error: lookup patterns");
	if (!input)
		return invalid(q, err, "type an order number, e-mail, phone, tracking number or a name");
	len = strnlen(input, LOOKUP_MAX_INPUT + 1);
	if (len > LOOKUP_MAX_INPUT)
		return invalid(q, err, "the text is too long (at most 255 bytes)");
	/* trim ASCII white space (a paste often brings a newline along) */
	a = 0;
	b = len;
	while (a < b && (input[a] == ' ' || input[a] == '\t' || input[a] == '\r' || input[a] == '\n'))
		a++;
	while (b > a && (input[b - 1] == ' ' || input[b - 1] == '\t' || input[b - 1] == '\r' ||
			 input[b - 1] == '\n'))
		b--;
	memcpy(buf, input + a, b - a);
	buf[b - a] = '\0';
	if ((problem = text_problem(buf, b - a)) != NULL)
		return invalid(q, err, problem);
	if (buf[0] == '\0')
		return invalid(q, err, "type an order number, e-mail, phone, tracking number or a name");

	s = buf;
	if (prefix_is(s, "order:") || s[0] == '#') {
		s += s[0] == '#' ? 1 : 6;
		while (*s == ' ')
			s++;
		return classify_order(s, q, err);
	}
	if (prefix_is(s, "email:") || prefix_is(s, "phone:") || prefix_is(s, "track:") ||
	    prefix_is(s, "name:")) {
		char k = (char)(s[0] | 0x20);

		s = strchr(s, ':') + 1;
		while (*s == ' ')
			s++;
		if (k == 'e')
			return classify_email(s, q, err);
		if (k == 'p')
			return classify_phone(s, cc, q, err);
		if (k == 'n')
			return classify_name(s, q, err);
		return classify_numeric(s, cc, true, q, err);
	}
	if (strchr(s, '@'))
		return classify_email(s, q, err);
	{
		char t[64];

		if (tracking_compact(s, t, sizeof t) && (re_match(RE_UPS, t) || re_match(RE_S10, t)))
			return classify_tracking(s, q, err);
	}
	if (re_match(RE_NUMERIC, s))
		return classify_numeric(s, cc, false, q, err);
	return classify_name(s, q, err);
}
