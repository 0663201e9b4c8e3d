#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"

#ifndef OMS_SYSCONFDIR
#define OMS_SYSCONFDIR "/etc"
#endif

/* Limits that keep a hostile or corrupt file from costing more than a
 * clear error: nobody writes a 1 MiB oms.conf or an 8 KiB line by hand. */
#define CONFIG_FILE_MAX  (1024 * 1024)
#define CONFIG_LINE_MAX  8192
#define CONFIG_NAME_MAX  64

struct config_entry {
	char *section;
	char *key;
	char *value;
	int line;
};

struct oms_config {
	char *path;             /* file read, NULL when none */
	char *name;             /* for messages: the path or the caller's name */
	struct config_entry *v;
	size_t n, cap;
	bool have_stat;         /* mode/uid of the file when it was read */
	mode_t mode;
};

/* Parser state for one text. */
struct parser {
	struct oms_config *cfg;
	const char *section;    /* NULL before the first header, else `sect` */
	char sect[CONFIG_NAME_MAX + 1];
	int line;
	struct oms_error *err;
	char qbuf[CONFIG_LINE_MAX + 1];   /* a quoted value, unescaped */
};

static enum oms_status
parse_fail(struct parser *p, const char *what)
{
	return oms_fail(p->err, OMS_CONFIG, "%s:%d: %s", p->cfg->name, p->line, what);
}

static bool
is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.';
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static const struct config_entry *
config_find(const struct oms_config *cfg, const char *section, const char *key)
{
	/* Small files, looked up a few times at start-up: a linear scan. */
	for (size_t i = 0; cfg && i < cfg->n; i++)
		if (!strcasecmp(cfg->v[i].section, section) && !strcasecmp(cfg->v[i].key, key))
			return &cfg->v[i];
	return NULL;
}

static enum oms_status
config_add(struct parser *p, const char *key, size_t klen, const char *value, size_t vlen)
{
	struct oms_config *cfg = p->cfg;
	struct config_entry *e;
	char keybuf[CONFIG_NAME_MAX + 1];
	const struct config_entry *dup;

	memcpy(keybuf, key, klen);
	keybuf[klen] = '\0';
	/* Duplicates are an error, not "last wins": a second `conninfo` is far
	 * more often a forgotten line than an intended override, and silently
	 * ignoring one of them is how people end up on the wrong database. */
	if ((dup = config_find(cfg, p->section, keybuf)) != NULL) {
		char msg[256];

		snprintf(msg, sizeof msg, "duplicate key '%s' in [%s] (first set on line %d)",
			 keybuf, p->section, dup->line);
		return parse_fail(p, msg);
	}
	if (cfg->n == cfg->cap) {
		size_t cap = cfg->cap ? cfg->cap * 2 : 16;
		struct config_entry *v = realloc(cfg->v, cap * sizeof *v);

		if (!v)
			return oms_fail(p->err, OMS_NOMEM, "out of memory reading %s", cfg->name);
		cfg->v = v;
		cfg->cap = cap;
	}
	e = &cfg->v[cfg->n];
	e->section = strdup(p->section);
	e->key = strdup(keybuf);
	e->value = malloc(vlen + 1);
	e->line = p->line;
	if (!e->section || !e->key || !e->value) {
		free(e->section);
		free(e->key);
		free(e->value);
		return oms_fail(p->err, OMS_NOMEM, "out of memory reading %s", cfg->name);
	}
	memcpy(e->value, value, vlen);
	e->value[vlen] = '\0';
	cfg->n++;
	return OMS_OK;
}

/* After a value or a section header only blanks and a comment may follow. */
static bool
rest_is_comment(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && is_blank(s[i]))
		i++;
	return i == n || s[i] == '#' || s[i] == ';';
}

static enum oms_status
parse_section(struct parser *p, const char *s, size_t n)
{
	size_t i = 1, start;

	while (i < n && is_blank(s[i]))
		i++;
	start = i;
	while (i < n && is_name_char(s[i]))
		i++;
	if (i == start)
		return parse_fail(p, "empty or invalid section name (letters, digits, '_', '-', '.')");
	if (i - start > CONFIG_NAME_MAX)
		return parse_fail(p, "section name too long");
	memcpy(p->sect, s + start, i - start);
	p->sect[i - start] = '\0';
	while (i < n && is_blank(s[i]))
		i++;
	if (i == n || s[i] != ']')
		return parse_fail(p, "missing ']' after section name");
	if (!rest_is_comment(s + i + 1, n - i - 1))
		return parse_fail(p, "unexpected text after ']'");
	p->section = p->sect;
	return OMS_OK;
}

/* A double-quoted value: \" and \\ are the only escapes, so a Windows path
 * or a regular expression cannot be misread silently. Unquotes in place
 * into buf (never longer than the input). */
static enum oms_status
parse_quoted(struct parser *p, const char *s, size_t n, char *buf, size_t *blen, size_t *used)
{
	size_t i = 1, o = 0;

	for (;;) {
		if (i >= n)
			return parse_fail(p, "unterminated quoted value (missing '\"')");
		if (s[i] == '"')
			break;
		if (s[i] == '\\') {
			if (i + 1 >= n)
				return parse_fail(p, "unterminated quoted value (missing '\"')");
			if (s[i + 1] != '"' && s[i + 1] != '\\') {
				char msg[80];

				snprintf(msg, sizeof msg, "unknown escape '\\%c' in quoted value (only \\\" and \\\\)",
					 isprint((unsigned char)s[i + 1]) ? s[i + 1] : '?');
				return parse_fail(p, msg);
			}
			i++;
		}
		buf[o++] = s[i++];
	}
	*blen = o;
	*used = i + 1;
	return OMS_OK;
}

static enum oms_status
parse_keyvalue(struct parser *p, const char *s, size_t n)
{
	size_t i = 0, klen, vlen = 0;
	const char *value;

	while (i < n && is_name_char(s[i]))
		i++;
	klen = i;
	if (klen == 0)
		return parse_fail(p, "expected '[section]' or 'key = value'");
	if (klen > CONFIG_NAME_MAX)
		return parse_fail(p, "key name too long");
	while (i < n && is_blank(s[i]))
		i++;
	if (i == n || s[i] != '=')
		return parse_fail(p, "expected '=' after the key name");
	i++;
	while (i < n && is_blank(s[i]))
		i++;
	if (!p->section)
		return parse_fail(p, "key outside of any [section]");

	if (i < n && s[i] == '"') {
		size_t used = 0;
		enum oms_status st = parse_quoted(p, s + i, n - i, p->qbuf, &vlen, &used);

		if (st != OMS_OK)
			return st;
		if (!rest_is_comment(s + i + used, n - i - used))
			return parse_fail(p, "unexpected text after the closing '\"'");
		value = p->qbuf;
	} else {
		/* Unquoted: a '#' or ';' starts a comment only after a blank, so
		 * "color = #ff0000" and "a;b" stay values. */
		size_t j = i;

		while (j < n && !(is_blank(s[j]) && j + 1 < n && (s[j + 1] == '#' || s[j + 1] == ';')))
			j++;
		while (j > i && is_blank(s[j - 1]))
			j--;
		value = s + i;
		vlen = j - i;
	}
	for (size_t k = 0; k < vlen; k++)
		if ((unsigned char)value[k] < 0x20 && value[k] != '\t')
			return parse_fail(p, "control character in value");
	return config_add(p, s, klen, value, vlen);
}

static enum oms_status
parse_line(struct parser *p, const char *s, size_t n)
{
	while (n > 0 && (is_blank(s[n - 1]) || s[n - 1] == '\r'))
		n--;
	while (n > 0 && is_blank(*s)) {
		s++;
		n--;
	}
	if (n == 0 || s[0] == '#' || s[0] == ';')
		return OMS_OK;
	if (s[0] == '[')
		return parse_section(p, s, n);
	return parse_keyvalue(p, s, n);
}

static enum oms_status
parse_text(struct oms_config *cfg, const char *text, size_t len, struct oms_error *err)
{
	struct parser p = { .cfg = cfg, .err = err };
	size_t pos = 0;

	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		pos = 3;    /* a UTF-8 byte order mark left by some editors */
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		enum oms_status st;

		p.line++;
		if (n > CONFIG_LINE_MAX) {
			char msg[80];

			snprintf(msg, sizeof msg, "line too long (more than %d bytes)", CONFIG_LINE_MAX);
			return parse_fail(&p, msg);
		}
		if (memchr(text + pos, '\0', n))
			return parse_fail(&p, "NUL byte in line (binary file?)");
		if ((st = parse_line(&p, text + pos, n)) != OMS_OK)
			return st;
		pos += n + 1;
	}
	return OMS_OK;
}

static struct oms_config *
config_new(const char *name, struct oms_error *err)
{
	struct oms_config *cfg = calloc(1, sizeof *cfg);

	if (!cfg || !(cfg->name = strdup(name ? name : "oms.conf"))) {
		free(cfg);
		oms_fail(err, OMS_NOMEM, "out of memory");
		return NULL;
	}
	return cfg;
}

struct oms_config *
config_parse(const char *text, size_t len, const char *name, struct oms_error *err)
{
	struct oms_config *cfg = config_new(name, err);

	if (!cfg)
		return NULL;
	if (parse_text(cfg, text ? text : "", text ? len : 0, err) != OMS_OK) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

/* Reads a whole file. Returns OMS_NOT_FOUND (err untouched) when it does not
 * exist, so the search can go on to the next place. */
static enum oms_status
read_file(const char *path, char **out, size_t *outlen, mode_t *mode, struct oms_error *err)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0) {
		if (errno == ENOENT)
			return OMS_NOT_FOUND;
		return oms_fail(err, OMS_CONFIG, "cannot open %s: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return oms_fail(err, OMS_CONFIG, "%s: not a regular file", path);
	}
	if (st.st_size > CONFIG_FILE_MAX) {
		close(fd);
		return oms_fail(err, OMS_CONFIG, "%s: too large for a configuration file", path);
	}
	if (!(buf = malloc((size_t)st.st_size + 1))) {
		close(fd);
		return oms_fail(err, OMS_NOMEM, "out of memory reading %s", path);
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			oms_fail(err, OMS_CONFIG, "cannot read %s: %s", path, strerror(errno));
			free(buf);
			close(fd);
			return OMS_CONFIG;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	buf[got] = '\0';
	*out = buf;
	*outlen = got;
	*mode = st.st_mode;
	return OMS_OK;
}

static struct oms_config *
config_load_file(const char *path, bool must_exist, bool *found, struct oms_error *err)
{
	char *text = NULL;
	size_t len = 0;
	mode_t mode = 0;
	struct oms_config *cfg;
	enum oms_status st = read_file(path, &text, &len, &mode, err);

	*found = st != OMS_NOT_FOUND;
	if (st == OMS_NOT_FOUND && must_exist) {
		oms_fail(err, OMS_CONFIG, "%s: no such file", path);
		return NULL;
	}
	if (st != OMS_OK)
		return NULL;
	cfg = config_parse(text, len, path, err);
	free(text);
	if (!cfg)
		return NULL;
	if (!(cfg->path = strdup(path))) {
		config_free(cfg);
		oms_fail(err, OMS_NOMEM, "out of memory");
		return NULL;
	}
	cfg->have_stat = true;
	cfg->mode = mode;
	return cfg;
}

struct oms_config *
config_load(const char *path, struct oms_error *err)
{
	char buf[4096];
	const char *env, *home;
	struct oms_config *cfg;
	bool found;

	if (path)
		return config_load_file(path, true, &found, err);
	/* An explicit $OMS_CONFIG that does not exist is a mistake worth
	 * reporting, unlike the standard places. */
	if ((env = getenv("OMS_CONFIG")) && *env)
		return config_load_file(env, true, &found, err);

	if ((env = getenv("XDG_CONFIG_HOME")) && *env == '/' &&
	    snprintf(buf, sizeof buf, "%s/oms/oms.conf", env) < (int)sizeof buf) {
		if ((cfg = config_load_file(buf, false, &found, err)) || found)
			return cfg;
	} else if ((home = getenv("HOME")) && *home &&
		   snprintf(buf, sizeof buf, "%s/.config/oms/oms.conf", home) < (int)sizeof buf) {
		if ((cfg = config_load_file(buf, false, &found, err)) || found)
			return cfg;
	}
	if ((cfg = config_load_file(OMS_SYSCONFDIR "/oms/oms.conf", false, &found, err)) || found)
		return cfg;
	return config_new(NULL, err);
}

void
config_free(struct oms_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->n; i++) {
		free(cfg->v[i].section);
		free(cfg->v[i].key);
		free(cfg->v[i].value);
	}
	free(cfg->v);
	free(cfg->path);
	free(cfg->name);
	free(cfg);
}

const char *
config_path(const struct oms_config *cfg)
{
	return cfg ? cfg->path : NULL;
}

const char *
config_get(const struct oms_config *cfg, const char *section, const char *key, const char *def)
{
	const struct config_entry *e = config_find(cfg, section, key);

	return e ? e->value : def;
}

enum oms_status
config_get_int(const struct oms_config *cfg, const char *section, const char *key,
	       long def, long min, long max, long *out, struct oms_error *err)
{
	const struct config_entry *e = config_find(cfg, section, key);
	char *end;
	long v;

	if (!e) {
		*out = def;
		return OMS_OK;
	}
	errno = 0;
	v = strtol(e->value, &end, 10);
	if (end == e->value || *end != '\0' || isspace((unsigned char)e->value[0]))
		return oms_fail(err, OMS_CONFIG, "%s:%d: [%s] %s: '%.40s' is not a whole number",
				cfg->name, e->line, e->section, e->key, e->value);
	if (errno == ERANGE || v < min || v > max)
		return oms_fail(err, OMS_CONFIG, "%s:%d: [%s] %s: %.40s is out of range (%ld..%ld)",
				cfg->name, e->line, e->section, e->key, e->value, min, max);
	*out = v;
	return OMS_OK;
}

bool
config_get_bool(const struct oms_config *cfg, const char *section, const char *key, bool def)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	const struct config_entry *e = config_find(cfg, section, key);

	if (!e)
		return def;
	for (size_t i = 0; i < 4; i++) {
		if (!strcasecmp(e->value, yes[i]))
			return true;
		if (!strcasecmp(e->value, no[i]))
			return false;
	}
	/* The signature has no error slot; say so rather than guess silently. */
	log_warn("%s:%d: [%s] %s: '%.40s' is not yes/no; using %s",
		 cfg->name, e->line, e->section, e->key, e->value, def ? "yes" : "no");
	return def;
}

void
config_each(const struct oms_config *cfg, const char *section,
	    bool (*fn)(const char *key, const char *value, void *arg), void *arg)
{
	for (size_t i = 0; cfg && i < cfg->n; i++)
		if (!strcasecmp(cfg->v[i].section, section) && !fn(cfg->v[i].key, cfg->v[i].value, arg))
			return;
}

enum oms_status
config_check_private(const struct oms_config *cfg, struct oms_error *err)
{
	/* Checked on the mode seen when the file was read (fstat), not by a
	 * second stat that could race with a rename. */
	if (!cfg || !cfg->have_stat)
		return OMS_OK;
	if (cfg->mode & (S_IRWXG | S_IRWXO))
		return oms_fail(err, OMS_CONFIG,
				"%s holds secrets but is accessible by group or others (mode %04o); "
				"run: chmod 600 %s", cfg->path, (unsigned)(cfg->mode & 07777), cfg->path);
	return OMS_OK;
}

enum oms_status
config_get_duration_ms(const struct oms_config *cfg, const char *section, const char *key,
		       long def, long min, long max, long *out, struct oms_error *err)
{
	static const struct { const char *unit; long ms; } units[] = {
		{ "", 1 }, { "ms", 1 }, { "s", 1000 }, { "min", 60000 },
	};
	const struct config_entry *e = config_find(cfg, section, key);
	char *end;
	long v;

	if (!e) {
		*out = def;
		return OMS_OK;
	}
	errno = 0;
	v = strtol(e->value, &end, 10);
	if (end == e->value || !isdigit((unsigned char)e->value[0]) || errno == ERANGE)
		goto bad;
	while (is_blank(*end))
		end++;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcasecmp(end, units[i].unit))
			continue;
		if (v > max / units[i].ms || v * units[i].ms < min || v * units[i].ms > max)
			return oms_fail(err, OMS_CONFIG, "%s:%d: [%s] %s: %.40s is out of range "
					"(%ld ms .. %ld ms)", cfg->name, e->line, e->section, e->key,
					e->value, min, max);
		*out = v * units[i].ms;
		return OMS_OK;
	}
bad:
	return oms_fail(err, OMS_CONFIG, "%s:%d: [%s] %s: '%.40s' is not a duration "
			"(e.g. 2s, 500ms, 1min)", cfg->name, e->line, e->section, e->key, e->value);
}

/* -- secrets ------------------------------------------------------------ */

/* Case-insensitive: does the n bytes at s, percent-decoded, contain
 * "password"? (libpq decodes URI parameter names: pass%77ord is one.) */
static bool
name_is_password(const char *s, size_t n)
{
	char buf[64];
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < sizeof buf; i++) {
		if (s[i] == '%' && i + 2 < n && isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])) {
			char hex[3] = { s[i + 1], s[i + 2], '\0' };
			buf[o++] = (char)strtol(hex, NULL, 16);
			i += 2;
		} else {
			buf[o++] = s[i];
		}
	}
	buf[o] = '\0';
	for (size_t i = 0; i + 8 <= o; i++)
		if (!strncasecmp(buf + i, "password", 8))
			return true;
	return false;
}

static bool
uri_has_password(const char *u)
{
	const char *p = strstr(u, "://") + 3, *auth_end = p + strcspn(p, "/?");
	const char *at = memchr(p, '@', (size_t)(auth_end - p)), *q;

	if (at) {
		const char *colon = memchr(p, ':', (size_t)(at - p));
		if (colon && colon + 1 < at)
			return true;
	}
	if (!(q = strchr(auth_end, '?')))
		return false;
	for (q++; *q;) {
		size_t n = strcspn(q, "&"), k = strcspn(q, "=&");
		if (k < n && k + 1 < n && name_is_password(q, k))
			return true;
		q += n + (q[n] == '&');
	}
	return false;
}

static bool
conninfo_has_password(const char *s, int depth)
{
	if (!s || depth > 2)
		return false;
	while (is_blank(*s) || *s == '\n' || *s == '\r')
		s++;
	if (!strncasecmp(s, "postgresql://", 13) || !strncasecmp(s, "postgres://", 11))
		return uri_has_password(s);
	while (*s) {
		const char *key = s;
		size_t klen;
		char val[CONFIG_LINE_MAX + 1];
		size_t vlen = 0;

		while (*s && !isspace((unsigned char)*s) && *s != '=')
			s++;
		klen = (size_t)(s - key);
		while (isspace((unsigned char)*s))
			s++;
		if (*s != '=')
			return false;         /* not a conninfo libpq would take */
		s++;
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\'') {
			for (s++; *s && *s != '\''; s++) {
				if (*s == '\\' && s[1])
					s++;
				if (vlen < CONFIG_LINE_MAX)
					val[vlen++] = *s;
			}
			if (*s == '\'')
				s++;
		} else {
			for (; *s && !isspace((unsigned char)*s); s++) {
				if (*s == '\\' && s[1])
					s++;
				if (vlen < CONFIG_LINE_MAX)
					val[vlen++] = *s;
			}
		}
		val[vlen] = '\0';
		if (vlen > 0 && name_is_password(key, klen))
			return true;
		/* expand_dbname: the first dbname may itself be a conninfo */
		if (klen == 6 && !strncasecmp(key, "dbname", 6) &&
		    conninfo_has_password(val, depth + 1))
			return true;
		while (isspace((unsigned char)*s))
			s++;
	}
	return false;
}

bool
config_conninfo_has_password(const char *conninfo)
{
	return conninfo_has_password(conninfo, 0);
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcasecmp(s + n - m, suffix);
}

bool
config_find_secret(const struct oms_config *cfg, const char **section, const char **key)
{
	for (size_t i = 0; cfg && i < cfg->n; i++) {
		const struct config_entry *e = &cfg->v[i];
		bool secret;

		if (ends_with(e->key, "conninfo"))
			secret = config_conninfo_has_password(e->value);
		else
			secret = e->value[0] && (!strcasecmp(e->key, "password") ||
						 !strcasecmp(e->key, "secret") ||
						 ends_with(e->key, "_password") ||
						 ends_with(e->key, "_secret") || ends_with(e->key, "_key"));
		if (secret) {
			*section = e->section;
			*key = e->key;
			return true;
		}
	}
	return false;
}

enum oms_status
config_check_secrets(const struct oms_config *cfg, struct oms_error *err)
{
	const char *sec, *key;

	if (!cfg || !cfg->have_stat || !(cfg->mode & (S_IRWXG | S_IRWXO)) ||
	    !config_find_secret(cfg, &sec, &key))
		return OMS_OK;
	if (ends_with(key, "conninfo"))
		return oms_fail(err, OMS_CONFIG,
				"%s: [%s] %s holds a database password but the file is readable "
				"by group or others (mode %04o); run: chmod 600 %s, or move the "
				"password to ~/.pgpass (or PGPASSFILE), or use peer or certificate "
				"authentication", cfg->path, sec, key,
				(unsigned)(cfg->mode & 07777), cfg->path);
	return oms_fail(err, OMS_CONFIG,
			"%s: [%s] %s is a secret but the file is readable by group or others "
			"(mode %04o); run: chmod 600 %s", cfg->path, sec, key,
			(unsigned)(cfg->mode & 07777), cfg->path);
}

/* -- transport of secrets ----------------------------------------------- */

static bool
host_is_loopback_v4(const char *h, size_t n)
{
	unsigned octet[4];
	int parts = 0;
	size_t i = 0;

	while (parts < 4) {
		size_t start = i;
		unsigned v = 0;

		while (i < n && isdigit((unsigned char)h[i]) && i - start < 3)
			v = v * 10 + (unsigned)(h[i++] - '0');
		if (i == start || v > 255 || (i - start > 1 && h[start] == '0'))
			return false;
		octet[parts++] = v;
		if (parts < 4) {
			if (i >= n || h[i] != '.')
				return false;
			i++;
		}
	}
	return i == n && octet[0] == 127;
}

bool
config_url_is_loopback(const char *url)
{
	const char *p = url ? strstr(url, "://") : NULL;
	size_t n, hn;

	if (!p)
		return false;
	p += 3;
	n = strcspn(p, "/?#");
	/* user information, backslashes, percent-encoding or blanks in the
	 * authority: whatever host a client makes of it, not ours to trust */
	for (size_t i = 0; i < n; i++)
		if (strchr("@\\% \t", p[i]) || (unsigned char)p[i] < 0x21 ||
		    (unsigned char)p[i] >= 0x7f)
			return false;
	if (p[0] == '[') {
		const char *close = memchr(p, ']', n);
		if (!close || (size_t)(close - p) != 4 || strncmp(p, "[::1]", 5))
			return false;
		hn = 5;
	} else {
		hn = strcspn(p, ":/?#");
		if (hn > n)
			hn = n;
	}
	if (hn < n) {          /* a port: ":" and 1..5 digits, nothing else */
		if (p[hn] != ':' || n - hn < 2 || n - hn > 6)
			return false;
		for (size_t i = hn + 1; i < n; i++)
			if (!isdigit((unsigned char)p[i]))
				return false;
	}
	if (p[0] == '[')
		return true;
	return (hn == 9 && !strncasecmp(p, "localhost", 9)) || host_is_loopback_v4(p, hn);
}

enum oms_status
config_check_transport(const struct oms_config *cfg, const char *section, const char *url_key,
		       bool tls_required, struct oms_error *err)
{
	const char *url = config_get(cfg, section, url_key, NULL);
	const struct config_entry *e = config_find(cfg, section, url_key);
	bool allow = config_get_bool(cfg, section, "allow_insecure_loopback", false);

	if (!url || !*url || !strncasecmp(url, "https://", 8) || !strncasecmp(url, "smtps://", 8) ||
	    (tls_required && !strncasecmp(url, "smtp://", 7)))
		return OMS_OK;
	if (allow && config_url_is_loopback(url))
		return OMS_OK;
	return oms_fail(err, OMS_CONFIG,
			"%s:%d: [%s] %s is not encrypted (https://, smtps:// or STARTTLS) but a "
			"secret would be sent to it; plain text is only allowed to a loopback "
			"address (127.0.0.1, [::1], localhost) with [%s] allow_insecure_loopback = yes",
			cfg->name, e ? e->line : 0, section, url_key, section);
}
