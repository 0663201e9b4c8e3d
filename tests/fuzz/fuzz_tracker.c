/* libFuzzer target: the carrier aggregator's answers and Events (issue 11).
 * Byte 0 picks what is fuzzed: even, the Tracker parser over the rest;
 * odd, the webhook signature check with the rest split at the first
 * newline into the X-Hmac-Signature header and the body. Invariants: no
 * crash; a parsed Tracker has an id and a known status, NUL-terminated;
 * a signature check gives one of its four answers, and OK only for the
 * signature the secret gives. Byte 0 'R': the Shipment-with-rates parser
 * (a parsed answer has an id and 1..CARRIER_MAX_RATES rates, each with an
 * id, a carrier, a service, a 3-letter currency and a non-negative
 * amount; the picks are in range), 'B': the bought-Shipment parser (a
 * tracking code fit for a URL, an http(s) label URL without blanks or
 * quotes) and, over the same bytes as a label request, the label form
 * (outbound and return: NUL-terminated, never the raw bytes), 'K': an
 * Event's id and parcel key (carrier_event_keys: NUL-terminated in their
 * buffers, a key only with its prefix).
 *   make fuzz && ./fuzz_tracker tests/fuzz/corpus/tracker */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/hmac.h"
#include "http/carrier.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] == 'R') {
		struct carrier_rate rates[CARRIER_MAX_RATES];
		struct oms_error err = { 0 };
		char shp[72];
		int n = -1;

		if (carrier_rates_parse((const char *)data + 1, size - 1, shp, sizeof shp, rates, CARRIER_MAX_RATES,
					&n, &err) == OMS_OK) {
			int c = carrier_rate_pick(rates, n, false), f = carrier_rate_pick(rates, n, true);

			if (n < 1 || n > CARRIER_MAX_RATES || !carrier_id_ok(shp) || c < 0 || c >= n || f < 0 || f >= n)
				abort();
			for (int i = 0; i < n; i++)
				if (!carrier_id_ok(rates[i].id) || !carrier_id_ok(rates[i].carrier) ||
				    !carrier_id_ok(rates[i].service) || strlen(rates[i].currency) != 3 ||
				    rates[i].amount_minor < 0)
					abort();
		} else if (!err.msg[0]) {
			abort();
		}
		return 0;
	}
	if (data[0] == 'K') {
		/* an Event's id and parcel key: always NUL-terminated within
		 * their buffers, a key only with its "code:" or "trk:" prefix */
		char id[16], key[24];

		carrier_event_keys((const char *)data + 1, size - 1, id, sizeof id, key, sizeof key);
		if (memchr(id, '\0', sizeof id) == NULL || memchr(key, '\0', sizeof key) == NULL ||
		    (key[0] && strncmp(key, "code:", 5) && strncmp(key, "trk:", 4)))
			abort();
		return 0;
	}
	if (data[0] == 'B') {
		struct oms_error err = { 0 };
		char trk[48], url[512], *text = malloc(size);

		if (carrier_bought_parse((const char *)data + 1, size - 1, trk, sizeof trk, url, sizeof url, &err) == OMS_OK) {
			if (!carrier_id_ok(trk) || (strncmp(url, "https://", 8) && strncmp(url, "http://", 7)) ||
			    strpbrk(url, " \t\r\n\"'<>"))
				abort();
		} else if (!err.msg[0]) {
			abort();
		}
		if (text) {
			memcpy(text, data + 1, size - 1);
			text[size - 1] = '\0';
			for (int ret = 0; ret < 2; ret++) {
				char *form = carrier_label_form(text, ret, "1 Way", "Memphis", "38118", "US");

				if (form && strlen(form) > 16 * size + 4096)
					abort();
				free(form);
			}
			free(text);
		}
		return 0;
	}
	if (!(data[0] & 1)) {
		struct carrier_tracker t;
		struct oms_error err = { 0 };

		if (carrier_tracker_parse((const char *)data + 1, size - 1, &t, &err) == OMS_OK) {
			if (!t.id[0] || !carrier_status_known(t.status) || !carrier_id_ok(t.id) ||
			    strnlen(t.tracking_code, sizeof t.tracking_code) == sizeof t.tracking_code || t.scans < 0)
				abort();
		} else if (!err.msg[0]) {
			abort();
		}
	} else {
		const char *secrets[] = { "whsec_fuzz_old", "whsec_fuzz_new" };
		const uint8_t *nl = memchr(data + 1, '\n', size - 1);
		size_t hlen = nl ? (size_t)(nl - (data + 1)) : size - 1;
		char *header = malloc(hlen + 1);
		const char *body = nl ? (const char *)nl + 1 : "";
		size_t blen = nl ? size - 1 - hlen - 1 : 0;
		enum carrier_sig s;

		if (!header)
			return 0;
		memcpy(header, data + 1, hlen);
		header[hlen] = '\0';
		s = carrier_webhook_verify(header, body, blen, secrets, 2);
		if (s != CARRIER_SIG_OK && s != CARRIER_SIG_MISSING && s != CARRIER_SIG_MALFORMED &&
		    s != CARRIER_SIG_MISMATCH)
			abort();
		if (s == CARRIER_SIG_OK) {
			/* then one of the secrets really gives it */
			unsigned char d[32];
			char want[81];
			int ok = 0;

			for (int k = 0; k < 2; k++) {
				hmac_sha256(secrets[k], strlen(secrets[k]), body, blen, NULL, 0, d);
				for (int i = 0; i < 32; i++) {
					static const char hx[] = "0123456789abcdef";
					want[2 * i] = hx[d[i] >> 4];
					want[2 * i + 1] = hx[d[i] & 15];
				}
				want[64] = '\0';
				ok |= !strcasecmp(header + 16, want);
			}
			if (!ok)
				abort();
		}
		free(header);
	}
	return 0;
}
