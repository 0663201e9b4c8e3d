#include "config.h"

#include <ctype.h>
#include <stdarg.h>
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

static bool
is_local_char(char c)
{
	return isalnum((unsigned char)c) || strchr("._%+-", c) != NULL;
}

static bool
is_domain_char(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '-';
}

/* Length of a domain starting at s (at most n bytes) if it looks like one
 * (labels with a dot, a final label of 2+ letters), else 0. A trailing dot
 * (end of a sentence) is not part of it. */
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
	for (size_t i = last_dot + 1; i < len; i++)
		if (!isalpha((unsigned char)s[i]))
			return 0;
	return len;
}

static void
emit_masked_email(struct sink *s, char first, const char *domain, size_t dlen)
{
	sink_put(s, first);
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
		emit_masked_email(&s, email[0], at + 1, dlen);
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
		else if (!strchr(" -.()", *p))
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
 * single spaces, dashes, dots or parentheses. Returns its length or 0. */
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
		} else if (strchr(" -.()", s[i]) && i + 1 < n &&
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

static size_t
count_digits(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && isdigit((unsigned char)s[i]))
		i++;
	return i;
}

/* A North American style number: "(555) 555-0199", "555-555-0199",
 * "555.555.0199", "555-0199" is too short to tell from other things. */
static size_t
scan_phone_local(const char *s, size_t n)
{
	size_t i = 0;

	if (s[0] == '(') {
		if (count_digits(s + 1, n - 1) != 3 || 4 >= n || s[4] != ')')
			return 0;
		i = 5;
		if (i < n && s[i] == ' ')
			i++;
	} else {
		if (count_digits(s, n) != 3 || 3 >= n || !strchr("-. ", s[3]))
			return 0;
		i = 4;
	}
	if (count_digits(s + i, n - i) != 3 || i + 3 >= n || !strchr("-.", s[i + 3]))
		return 0;
	i += 4;
	if (count_digits(s + i, n - i) != 4)
		return 0;
	i += 4;
	if (i < n && (isalnum((unsigned char)s[i]) || (s[i] == '.' && i + 1 < n &&
						   isdigit((unsigned char)s[i + 1])) ||
		      s[i] == '-'))
		return 0;
	return i;
}

size_t
log_scrub(const char *line, char *out, size_t outlen)
{
	struct sink s = { out, outlen, 0 };
	size_t n = line ? strlen(line) : 0;
	size_t i = 0;

	while (i < n) {
		char prev = i ? line[i - 1] : ' ';
		bool token_start = !is_local_char(prev);

		if (token_start && is_local_char(line[i])) {
			size_t j = i, dlen;

			while (j < n && is_local_char(line[j]))
				j++;
			if (j < n && line[j] == '@' &&
			    (dlen = scan_domain(line + j + 1, n - j - 1)) > 0) {
				emit_masked_email(&s, line[i], line + j + 1, dlen);
				i = j + 1 + dlen;
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
				/* 10 digits: mask all but the last four */
				for (size_t k = 0, seen = 0; k < len; k++) {
					char c = line[i + k];

					if (!isdigit((unsigned char)c)) {
						sink_put(&s, c);
						continue;
					}
					sink_put(&s, seen++ < 6 ? '*' : c);
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
