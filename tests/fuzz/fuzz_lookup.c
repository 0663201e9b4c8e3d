#include "config.h"

/* libFuzzer target: the search box classifier and the phone normaliser
 * take any bytes a CSR (or a paste) can produce. Checks, besides "no
 * crash, no leak, no undefined behaviour": the invariants callers rely on.
 *   make fuzz && ./fuzz_lookup -dict=tests/fuzz/lookup.dict */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_e164(const char *s)
{
	size_t n = strlen(s);

	if (n < 8 || n > 16 || s[0] != '+' || s[1] < '1' || s[1] > '9')
		abort();
	for (size_t i = 1; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ccs[] = {"1", "44", "49", "353"};
	struct lookup_query q;
	struct oms_error err;
	char *s, out[32];
	const char *cc;

	if (size > 4096)
		return 0;
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	cc = ccs[size % 4];

	memset(&err, 0, sizeof err);
	if (lookup_classify(s, cc, &q, &err) == OMS_OK) {
		if (q.kind == LOOKUP_NONE || q.text[0] == '\0' || strlen(q.text) >= sizeof q.text)
			abort();
		if (q.kind == LOOKUP_PHONE)
			check_e164(q.text);
		if (q.kind == LOOKUP_ORDER_NO) {
			if (strlen(q.text) != 8 || order_no_valid(atoll(q.text)) == q.check_failed)
				abort();
			for (int i = 0; i < q.nsuggest; i++)
				if (!order_no_valid(q.suggest[i]))
					abort();
		}
	} else if (q.kind != LOOKUP_NONE || q.hint[0] == '\0' || err.msg[0] == '\0') {
		abort();
	}
	if (phone_to_e164(s, cc, out, sizeof out))
		check_e164(out);
	if (size > 0 && size < 20) {
		long long sug[LOOKUP_MAX_SUGGEST];
		int n = damm_suggest(s, sug, LOOKUP_MAX_SUGGEST);

		if (n < 0 || n > LOOKUP_MAX_SUGGEST)
			abort();
		(void)damm_digit(s);
	}
	free(s);
	return 0;
}
