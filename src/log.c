#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "log.h"

#define LOG_LINE_MAX 2048

/* Logging is process-wide like syslog itself: a message can come from any
 * layer (config parser, db notices) that has no handle on the application
 * state, so this one module keeps its settings in a private static. */
static struct {
	char ident[32];
	enum log_level min;
	bool use_syslog;
	bool use_stderr;
	log_hook_fn hook;
	void *hook_arg;
} log_state = { "oms", LOG_LEVEL_INFO, false, true, NULL, NULL };

void
log_open(const char *ident, enum log_level min, bool use_syslog)
{
	snprintf(log_state.ident, sizeof log_state.ident, "%s", ident ? ident : "oms");
	log_state.min = min;
	if (use_syslog && !log_state.use_syslog)
		openlog(log_state.ident, LOG_PID, LOG_USER);
	else if (!use_syslog && log_state.use_syslog)
		closelog();
	log_state.use_syslog = use_syslog;
}

void
log_close(void)
{
	if (log_state.use_syslog)
		closelog();
	log_state.use_syslog = false;
	log_state.hook = NULL;
}

void
log_set_level(enum log_level min)
{
	log_state.min = min;
}

enum log_level
log_get_level(void)
{
	return log_state.min;
}

void
log_set_stderr(bool on)
{
	log_state.use_stderr = on;
}

void
log_set_hook(log_hook_fn fn, void *arg)
{
	log_state.hook = fn;
	log_state.hook_arg = arg;
}

bool
log_level_parse(const char *name, enum log_level *out)
{
	static const struct { const char *name; enum log_level level; } names[] = {
		{ "debug", LOG_LEVEL_DEBUG }, { "info", LOG_LEVEL_INFO },
		{ "warning", LOG_LEVEL_WARN }, { "warn", LOG_LEVEL_WARN },
		{ "error", LOG_LEVEL_ERROR },
	};

	for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++) {
		if (!strcasecmp(name, names[i].name)) {
			*out = names[i].level;
			return true;
		}
	}
	return false;
}

/* A bounded output buffer: writes past the end are dropped, so callers never
 * check lengths while masking. */
struct sink {
	char *buf;
	size_t cap;
	size_t len;
};

static void
sink_put(struct sink *s, char c)
{
	if (s->cap && s->len + 1 < s->cap)
		s->buf[s->len++] = c;
}

static void
sink_puts(struct sink *s, const char *str, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sink_put(s, str[i]);
}

static void
sink_end(struct sink *s)
{
	if (s->cap)
		s->buf[s->len] = '\0';
}

/* Bytes of an address's local part: RFC 5322 atext (less the characters
 * that end a URL's query value) and UTF-8 (RFC 6531). */
static bool
is_local_char(char c)
{
	return isalnum((unsigned char)c) || (unsigned char)c >= 0x80 ||
	       strchr("._%+-'!#$*^`{|}~", c) != NULL;
}

static bool
is_domain_char(char c)
{
	return isalnum((unsigned char)c) || (unsigned char)c >= 0x80 || c == '.' || c == '-';
}

/* Length of a domain starting at s (at most n bytes) if it looks like one
 * (labels with a dot, a final label of 2+ letters, UTF-8 or an xn-- label),
 * else 0. A trailing dot (end of a sentence) is not part of it. */
static size_t
scan_domain(const char *s, size_t n)
{
	size_t len = 0, last_dot = 0;
	bool dot = false;

	while (len < n && is_domain_char(s[len]))
		len++;
	while (len > 0 && (s[len - 1] == '.' || s[len - 1] == '-'))
		len--;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.') {
			dot = true;
			last_dot = i;
		}
	}
	if (!dot || last_dot == 0 || len - last_dot - 1 < 2)
		return 0;
	if (len - last_dot - 1 > 4 && !strncasecmp(s + last_dot + 1, "xn--", 4))
		return len;
	for (size_t i = last_dot + 1; i < len; i++)
		if (!isalpha((unsigned char)s[i]) && (unsigned char)s[i] < 0x80)
			return 0;
	return len;
}

/* Bytes of the UTF-8 character starting at s (1 for anything else). */
static size_t
utf8_len(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];
	size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;

	if (len > n)
		return 1;
	for (size_t i = 1; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			return 1;
	return len;
}

static void
emit_masked_email(struct sink *s, const char *local, size_t llen, const char *domain,
		  size_t dlen)
{
	sink_puts(s, local, utf8_len(local, llen));
	sink_puts(s, "***@", 4);
	sink_puts(s, domain, dlen);
}

char *
log_mask_email(const char *email, char *out, size_t outlen)
{
	struct sink s = { out, outlen, 0 };
	const char *at = email ? strrchr(email, '@') : NULL;
	size_t dlen;

	if (!at || at == email || !(dlen = scan_domain(at + 1, strlen(at + 1))) ||
	    at[1 + dlen] != '\0') {
		sink_puts(&s, "***", 3);
	} else {
		emit_masked_email(&s, email, (size_t)(at - email), at + 1, dlen);
	}
	sink_end(&s);
	return out;
}

/* Keeps the country code's first digit and the last four: enough for a CSR
 * to say "the number ending 0199", not enough to call it. */
static void
emit_masked_digits(struct sink *s, bool plus, const char *digits, size_t n)
{
	if (plus) {
		sink_put(s, '+');
		sink_put(s, digits[0]);
	}
	for (size_t i = plus ? 1 : 0; i < n; i++)
		sink_put(s, i + 4 >= n ? digits[i] : '*');
}

char *
log_mask_phone(const char *phone, char *out, size_t outlen)
{
	struct sink s = { out, outlen, 0 };
	char digits[16];
	size_t n = 0;
	bool plus = false, bad = !phone;

	for (const char *p = phone; p && *p && !bad; p++) {
		if (*p == '+' && p == phone)
			plus = true;
		else if (isdigit((unsigned char)*p) && n < sizeof digits)
			digits[n++] = *p;
		else if (!strchr(" -.()/", *p))
			bad = true;
	}
	if (bad || n < 7 || n > 15)
		sink_puts(&s, "***", 3);
	else
		emit_masked_digits(&s, plus, digits, n);
	sink_end(&s);
	return out;
}

/* An international number: '+', then 7..15 digits possibly separated by
 * single spaces, dashes, dots, slashes or parentheses. Returns its length
 * or 0. */
static size_t
scan_phone_plus(const char *s, size_t n, char *digits, size_t *ndigits)
{
	size_t i = 1, end = 0, nd = 0;

	if (n < 2 || s[0] != '+' || !(isdigit((unsigned char)s[1]) || s[1] == '('))
		return 0;
	while (i < n) {
		if (isdigit((unsigned char)s[i])) {
			if (nd == 15)
				return 0;
			digits[nd++] = s[i];
			end = ++i;
		} else if (strchr(" -.()/", s[i]) && i + 1 < n &&
			   (isdigit((unsigned char)s[i + 1]) || s[i + 1] == '(')) {
			i++;
		} else if (s[i] == ')') {
			i++;
		} else {
			break;
		}
	}
	if (nd < 7 || (end < n && isalnum((unsigned char)s[end])))
		return 0;
	*ndigits = nd;
	return end;
}

/* A number written without '+': groups of at most four digits (the first
 * may be in parentheses) joined by one kind of separator, "555 010 0199",
 * "(555) 010-0199", "0044 20 7946 0958", "020.7946.0958", 9 to 15 digits
 * in all; or "00" and 9 to 13 more digits in one run. Dates ("2024-05-01
 * 12:00"), amounts, order numbers and IPv4 addresses are not numbers of
 * this shape. Returns the length or 0. */
static size_t
scan_phone_local(const char *s, size_t n)
{
	size_t i = 0, nd = 0, groups = 0, end = 0;
	char sep = 0;
	bool paren = s[0] == '(';

	if (paren)
		i++;
	while (i < n) {
		size_t g = 0;

		while (i < n && isdigit((unsigned char)s[i])) {
			g++;
			i++;
		}
		if (g == 0)
			break;
		nd += g;
		groups++;
		end = i;
		if (g > 4 && !(groups == 1 && s[0] == '0' && s[1] == '0' && !paren &&
			       g >= 11 && g <= 15 && (i >= n || !isalnum((unsigned char)s[i]))))
			return 0;
		if (g > 4)
			return i;        /* 00 and a whole number in one run */
		if (paren && groups == 1) {
			if (i >= n || s[i] != ')')
				return 0;
			i++;
			if (i < n && s[i] == ' ')
				i++;
			continue;
		}
		if (i + 1 >= n || !strchr(" -./", s[i]) || !isdigit((unsigned char)s[i + 1]))
			break;
		if (sep && s[i] != sep)
			break;
		sep = s[i++];
	}
	if (nd < 9 || nd > 15 || groups < 3 ||
	    (end < n && (isalnum((unsigned char)s[end]) || s[end] == '-' ||
			 (s[end] == '.' && end + 1 < n && isdigit((unsigned char)s[end + 1])))))
		return 0;
	if (sep == '.' && !paren && groups == 4 && end <= 15)
		return 0;                /* 192.168.100.200 */
	return end;
}

/* The regular-expression net: anything shaped like an e-mail address (an
 * '@' or its percent-encoding "%40", the domain possibly folded onto the
 * next line) or a phone number. */
/* The local part of an oms Message-ID: "oms.outbox." then the job's id,
 * the database's key and the job's time, digits, hex digits and dots only
 * (src/http/mail.c). A mailbox that merely starts so stays masked. */
static int
is_message_id_local(const char *p, size_t len)
{
	size_t k;

	if (len <= 11 || strncmp(p, "oms.outbox.", 11))
		return 0;
	for (k = 11; k < len; k++)
		if (!isxdigit((unsigned char)p[k]) && p[k] != '.')
			return 0;
	return 1;
}

static size_t
scrub_shapes(const char *line, size_t n, char *out, size_t outlen)
{
	struct sink s = { out, outlen, 0 };
	size_t i = 0;

	while (i < n) {
		char prev = i ? line[i - 1] : ' ';
		bool token_start = !is_local_char(prev);

		if (token_start && is_local_char(line[i])) {
			size_t j = i, at, d, dlen;

			while (j < n && is_local_char(line[j]) &&
			       !(line[j] == '%' && j + 2 < n && line[j + 1] == '4' && line[j + 2] == '0'))
				j++;
			at = j < n && line[j] == '@' ? 1 : j + 2 < n && line[j] == '%' ? 3 : 0;
			d = j + at;
			if (at) {
				size_t f = d;
				while (f < n && (line[f] == '\r' || line[f] == '\n' || line[f] == ' ' ||
						 line[f] == '\t'))
					f++;
				if (f > d && (memchr(line + d, '\n', f - d) || memchr(line + d, '\r', f - d)))
					d = f;
			}
			if (at && j > i && (dlen = scan_domain(line + d, n - d)) > 0) {
				/* An oms Message-ID ("<oms.outbox.ID...@domain>",
				 * src/http/mail.h) names a job, nobody's mailbox:
				 * shown as it is (issue 12). */
				if (prev == '<' && is_message_id_local(line + i, j - i) &&
				    d + dlen < n && line[d + dlen] == '>') {
					sink_puts(&s, line + i, d + dlen - i);
					i = d + dlen;
					continue;
				}
				emit_masked_email(&s, line + i, j - i, line + d, dlen);
				i = d + dlen;
				continue;
			}
		}
		if (!isalnum((unsigned char)prev) && prev != '.' && prev != '-') {
			char digits[16];
			size_t nd = 0, len;

			if ((len = scan_phone_plus(line + i, n - i, digits, &nd)) > 0) {
				emit_masked_digits(&s, true, digits, nd);
				i += len;
				continue;
			}
			if ((line[i] == '(' || isdigit((unsigned char)line[i])) &&
			    (len = scan_phone_local(line + i, n - i)) > 0) {
				size_t total = 0, seen = 0;
				for (size_t k = 0; k < len; k++)
					total += isdigit((unsigned char)line[i + k]) != 0;
				/* all digits but the last four */
				for (size_t k = 0; k < len; k++) {
					char c = line[i + k];

					if (!isdigit((unsigned char)c))
						sink_put(&s, c);
					else
						sink_put(&s, seen++ + 4 < total ? '*' : c);
				}
				i += len;
				continue;
			}
		}
		sink_put(&s, line[i++]);
	}
	sink_end(&s);
	return s.len;
}

/* -- values registered by the work in hand ------------------------------ */

/* One written form of a registered value. */
struct pii_form {
	const void *owner;
	char *text;             /* matched case-insensitively; phones: digits */
	char *mask;             /* what replaces it */
	bool phone;             /* text holds digits, leading zeros dropped */
	bool word;              /* only between word boundaries (part of a name) */
};

static struct {
	struct pii_form *v;
	size_t n, cap;
} pii;

/* Next code point of s[*i..n), lower-cased in the scripts names are
 * written in (Latin, Greek, Cyrillic); a byte that is not UTF-8 stands for
 * itself. With fold, a line break and the blanks after it are skipped
 * first (a header folded across lines). UINT32_MAX at the end. */
static uint32_t
next_cp(const char *s, size_t n, size_t *i, bool fold)
{
	uint32_t c;
	size_t len;

	while (fold && *i < n && (s[*i] == '\r' || s[*i] == '\n')) {
		(*i)++;
		while (*i < n && (s[*i] == ' ' || s[*i] == '\t' || s[*i] == '\r' || s[*i] == '\n'))
			(*i)++;
	}
	if (*i >= n)
		return UINT32_MAX;
	len = utf8_len(s + *i, n - *i);
	c = (unsigned char)s[*i];
	if (len == 1 && c >= 0x80)
		c |= 0x200000;           /* a stray byte */
	else if (len > 1)
		c &= 0x7fu >> len;
	for (size_t k = 1; k < len; k++)
		c = c << 6 | ((unsigned char)s[*i + k] & 0x3f);
	*i += len;
	if ((c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7) ||
	    (c >= 0x391 && c <= 0x3ab) || (c >= 0x410 && c <= 0x42f))
		return c + 0x20;
	if (c >= 0x400 && c <= 0x40f)
		return c + 0x50;
	if (c >= 0x100 && c <= 0x17f && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149)
		return (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e) ? c | 1 : c & ~1u;
	return c;
}

/* Length of the text at s[i..n) that reads as pat, or 0. */
static size_t
pii_match_text(const char *s, size_t n, size_t i, const char *pat)
{
	size_t j = i, k = 0, pn = strlen(pat);

	while (k < pn) {
		uint32_t a = next_cp(s, n, &j, k > 0), b = next_cp(pat, pn, &k, false);

		if (a != b)
			return 0;
	}
	return j - i;
}

static bool
is_word_byte(char c)
{
	return isalnum((unsigned char)c) || (unsigned char)c >= 0x80;
}

/* The phone number at s[i..n) if its digits (leading zeros dropped: a
 * trunk or "00" prefix) end the registered number's, 7 digits at least. */
static size_t
pii_match_phone(const char *s, size_t n, size_t i, const char *digits)
{
	size_t dn = strlen(digits), got = 0, best = 0, j = i;
	char d[32];

	if (i > 0 && is_word_byte(s[i - 1]))
		return 0;
	if (j < n && s[j] == '+')
		j++;
	for (; j < n && got < sizeof d; j++) {
		if (isdigit((unsigned char)s[j])) {
			if (got == 0 && s[j] == '0')
				continue;
			d[got++] = s[j];
			if (got >= 7 && got <= dn && !memcmp(d, digits + dn - got, got))
				best = j + 1;
		} else if (!strchr(" -.()/", s[j]) || j + 1 >= n ||
			   !(isdigit((unsigned char)s[j + 1]) || strchr(" ()", s[j + 1]))) {
			break;
		}
	}
	return best ? best - i : 0;
}

/* Replaces every registered value in line; the longest match wins. */
static size_t
scrub_registered(const char *line, size_t n, char *out, size_t outlen)
{
	struct sink s = { out, outlen, 0 };
	size_t i = 0;

	while (i < n) {
		size_t best = 0;
		const char *mask = NULL;

		for (size_t k = 0; k < pii.n; k++) {
			const struct pii_form *f = &pii.v[k];
			size_t len;

			if (f->phone)
				len = pii_match_phone(line, n, i, f->text);
			else if (f->word && i > 0 && is_word_byte(line[i - 1]))
				len = 0;
			else
				len = pii_match_text(line, n, i, f->text);
			if (len && f->word && i + len < n && is_word_byte(line[i + len]))
				len = 0;
			if (len > best) {
				best = len;
				mask = f->mask;
			}
		}
		if (best) {
			sink_puts(&s, mask, strlen(mask));
			i += best;
		} else {
			sink_put(&s, line[i++]);
		}
	}
	sink_end(&s);
	return s.len;
}

size_t
log_scrub(const char *line, char *out, size_t outlen)
{
	size_t n = line ? strlen(line) : 0, cap;
	char *tmp;

	if (pii.n == 0)
		return scrub_shapes(line ? line : "", n, out, outlen);
	/* a mask is at most a few times longer than what it replaces */
	cap = n * 4 + 64;
	if (!(tmp = malloc(cap))) {
		struct sink s = { out, outlen, 0 };
		sink_puts(&s, "[message withheld: out of memory]", 33);
		sink_end(&s);
		return s.len;
	}
	n = scrub_registered(line, n, tmp, cap);
	n = scrub_shapes(tmp, n, out, outlen);
	free(tmp);
	return n;
}

/* -- registering -------------------------------------------------------- */

static void
pii_push(const void *owner, const char *text, const char *mask, bool phone, bool word)
{
	struct pii_form *f;

	if (!text || !*text)
		return;
	for (size_t k = 0; k < pii.n; k++)
		if (pii.v[k].owner == owner && pii.v[k].phone == phone &&
		    !strcmp(pii.v[k].text, text) && !strcmp(pii.v[k].mask, mask))
			return;
	if (pii.n == pii.cap) {
		size_t cap = pii.cap ? pii.cap * 2 : 32;
		struct pii_form *v = realloc(pii.v, cap * sizeof *v);
		if (!v)
			return;
		pii.v = v;
		pii.cap = cap;
	}
	f = &pii.v[pii.n];
	f->owner = owner;
	f->text = strdup(text);
	f->mask = strdup(mask);
	f->phone = phone;
	f->word = word;
	if (!f->text || !f->mask) {
		free(f->text);
		free(f->mask);
		return;
	}
	pii.n++;
}

/* The forms a value takes on the way out: percent-encoded (URLs, form
 * bodies), RFC 2047 Q and B (mail headers), JSON \u escapes, quotes
 * escaped by a backslash or doubled (SQL). */
enum pii_enc { ENC_PERCENT, ENC_FORM, ENC_Q, ENC_JSON, ENC_BACKSLASH, ENC_SQL, ENC_B64 };

static char *
pii_encode(const char *v, enum pii_enc enc)
{
	static const char hex[] = "0123456789ABCDEF";
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(v), o = 0;
	char *out = malloc(n * 6 + 8);

	if (!out)
		return NULL;
	for (size_t i = 0; i < n && enc == ENC_B64; i += 3) {
		uint32_t x = (uint32_t)(unsigned char)v[i] << 16 |
			     (i + 1 < n ? (uint32_t)(unsigned char)v[i + 1] << 8 : 0) |
			     (i + 2 < n ? (uint32_t)(unsigned char)v[i + 2] : 0);
		out[o++] = b64[x >> 18 & 63];
		out[o++] = b64[x >> 12 & 63];
		out[o++] = i + 1 < n ? b64[x >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? b64[x & 63] : '=';
	}
	for (size_t i = 0; i < n && enc != ENC_B64;) {
		unsigned char c = (unsigned char)v[i];
		bool plain = isalnum(c) || strchr("-._~", c);

		if ((enc == ENC_PERCENT || enc == ENC_FORM) && !plain) {
			if (enc == ENC_FORM && c == ' ') {
				out[o++] = '+';
			} else {
				out[o++] = '%';
				out[o++] = hex[c >> 4];
				out[o++] = hex[c & 15];
			}
		} else if (enc == ENC_Q && (c >= 0x80 || c == '=' || c == '?' || c == '_' || c == ' ')) {
			if (c == ' ') {
				out[o++] = '_';
			} else {
				out[o++] = '=';
				out[o++] = hex[c >> 4];
				out[o++] = hex[c & 15];
			}
		} else if (enc == ENC_JSON && c >= 0x80) {
			size_t len = utf8_len(v + i, n - i), j = i;
			uint32_t cp = next_cp(v, n, &j, false);
			/* the case fold of next_cp does not matter: matching folds too */
			if (len < 2 || cp > 0xffff) {
				out[o++] = (char)c;
			} else {
				o += (size_t)sprintf(out + o, "\\u%04x", (unsigned)cp);
				i += len;
				continue;
			}
		} else if ((enc == ENC_BACKSLASH && (c == '\'' || c == '"' || c == '\\')) ||
			   (enc == ENC_SQL && c == '\'')) {
			out[o++] = enc == ENC_SQL ? '\'' : '\\';
			out[o++] = (char)c;
		} else {
			out[o++] = (char)c;
		}
		i++;
	}
	out[o] = '\0';
	return out;
}

static void
pii_push_forms(const void *owner, const char *v, const char *mask, bool word)
{
	pii_push(owner, v, mask, false, word);
	for (int e = ENC_PERCENT; e <= ENC_B64; e++) {
		char *f;
		if (e == ENC_B64 && strlen(v) < 6)
			continue;      /* too short to be told from other text */
		if ((f = pii_encode(v, (enum pii_enc)e)) != NULL && strcmp(f, v))
			pii_push(owner, f, mask, false, word);
		free(f);
	}
}

/* Code points in s[0..n). */
static size_t
cp_count(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i += utf8_len(s + i, n - i))
		c++;
	return c;
}

void
log_pii_add(const void *owner, enum log_pii_kind kind, const char *value)
{
	char mask[128], digits[32];
	size_t n, nd = 0;

	if (!value)
		return;
	while (*value == ' ' || *value == '\t')
		value++;
	n = strlen(value);
	while (n > 0 && (value[n - 1] == ' ' || value[n - 1] == '\t'))
		n--;
	if (n == 0 || n > 512)
		return;
	{
		char v[513];
		memcpy(v, value, n);
		v[n] = '\0';
		switch (kind) {
		case LOG_PII_PHONE:
			for (size_t i = 0; i < n && nd + 1 < sizeof digits; i++)
				if (isdigit((unsigned char)v[i]) && (nd > 0 || v[i] != '0'))
					digits[nd++] = v[i];
			digits[nd] = '\0';
			if (nd >= 7)
				pii_push(owner, digits, log_mask_phone(v, mask, sizeof mask), true, false);
			break;
		case LOG_PII_EMAIL: {
			const char *at = strrchr(v, '@');
			log_mask_email(v, mask, sizeof mask);
			pii_push_forms(owner, v, mask, false);
			/* the mailbox alone, as some relays echo it */
			if (at && at - v >= 5) {
				char local[513];
				memcpy(local, v, (size_t)(at - v));
				local[at - v] = '\0';
				pii_push_forms(owner, local, "***", true);
			}
			break;
		}
		case LOG_PII_NAME:
		case LOG_PII_ADDRESS: {
			const char *tag = kind == LOG_PII_NAME ? "[name]" : "[address]";
			pii_push_forms(owner, v, tag, false);
			/* and each word of three letters or more of a name */
			for (size_t i = 0; kind == LOG_PII_NAME && i < n;) {
				size_t w = strcspn(v + i, " \t,");
				if (cp_count(v + i, w) >= 3 && w < n) {
					char part[513];
					memcpy(part, v + i, w);
					part[w] = '\0';
					pii_push_forms(owner, part, tag, true);
				}
				i += w + 1;
			}
			break;
		}
		}
	}
}

void
log_pii_forget(const void *owner)
{
	size_t o = 0;

	for (size_t k = 0; k < pii.n; k++) {
		if (pii.v[k].owner == owner) {
			free(pii.v[k].text);
			free(pii.v[k].mask);
		} else {
			pii.v[o++] = pii.v[k];
		}
	}
	pii.n = o;
	if (pii.n == 0) {
		free(pii.v);
		pii.v = NULL;
		pii.cap = 0;
	}
}

static const char *
level_prefix(enum log_level level)
{
	switch (level) {
	case LOG_LEVEL_DEBUG: return "debug: ";
	case LOG_LEVEL_WARN:  return "warning: ";
	case LOG_LEVEL_ERROR: return "error: ";
	case LOG_LEVEL_INFO:  break;
	}
	return "";
}

static int
level_syslog(enum log_level level)
{
	switch (level) {
	case LOG_LEVEL_DEBUG: return LOG_DEBUG;
	case LOG_LEVEL_WARN:  return LOG_WARNING;
	case LOG_LEVEL_ERROR: return LOG_ERR;
	case LOG_LEVEL_INFO:  break;
	}
	return LOG_INFO;
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	char raw[LOG_LINE_MAX], line[LOG_LINE_MAX + 512];
	va_list ap;
	size_t len;

	if (level < log_state.min)
		return;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	len = log_scrub(raw, line, sizeof line);
	/* One line per message: a newline inside would let a value forge
	 * what looks like a second log entry. */
	for (size_t i = 0; i < len; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';

	if (log_state.use_stderr)
		fprintf(stderr, "%s: %s%s\n", log_state.ident, level_prefix(level), line);
	if (log_state.use_syslog)
		syslog(level_syslog(level), "%s", line);
	if (log_state.hook)
		log_state.hook(level, line, log_state.hook_arg);
}
