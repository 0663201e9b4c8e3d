/* libFuzzer target: the mail template renderer.
 * Input: "TEMPLATE\0key=value\0key=value..." (a value starting with '*' is
 * a block value). The template is rendered as a header and as a body.
 * Invariants: no crash, a header never contains CR or LF, a body contains
 * CR/LF only where the template or a block value had them, and the HTML
 * rendering has no markup but its own <p>, </p> and <br> (everything from
 * the template and the values is escaped). Sections ({{#k}}...{{/k}})
 * nest at most a few levels: deeper ones render as text. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct vals {
	const char *buf;
	size_t len;
	size_t start;     /* after the template */
};

static bool
lookup(const char *key, struct template_value *out, void *arg)
{
	const struct vals *v = arg;
	size_t klen = strlen(key);

	for (size_t i = v->start; i < v->len;) {
		const char *e = v->buf + i;
		size_t n = strnlen(e, v->len - i);
		if (n > klen && e[klen] == '=' && memcmp(e, key, klen) == 0 && i + n < v->len) {
			out->s = e + klen + 1;
			out->block = out->s[0] == '*';
			return true;
		}
		i += n + 1;
	}
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1), *s;
	struct vals v;
	size_t tlen, outlen;
	unsigned missing;
	bool tmpl_has_nl;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	tlen = strnlen(copy, size);
	v.buf = copy;
	v.len = size;
	v.start = tlen + 1;
	tmpl_has_nl = memchr(copy, '\n', tlen) || memchr(copy, '\r', tlen);

	s = template_render(copy, tlen, lookup, &v, true, &missing, &outlen);
	if (!s || strlen(s) != outlen || strchr(s, '\n') || strchr(s, '\r'))
		abort();
	free(s);
	s = template_render(copy, tlen, lookup, &v, false, &missing, &outlen);
	if (!s || strlen(s) > outlen)
		abort();
	if (!tmpl_has_nl && strchr(s, '\r'))
		abort();           /* values never bring a CR */
	free(s);
	s = template_render(copy, tlen, lookup, &v, TEMPLATE_HTML, &missing, &outlen);
	if (!s || strlen(s) != outlen)
		abort();
	for (const char *p = s; (p = strchr(p, '<')) != NULL; p++)
		if (strncmp(p, "<p>", 3) && strncmp(p, "</p>", 4) && strncmp(p, "<br>", 4))
			abort();   /* markup that is not ours */
	free(s);
	free(copy);
	return 0;
}
