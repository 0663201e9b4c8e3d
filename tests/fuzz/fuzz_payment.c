/* libFuzzer target: the payment gateway answer parser.
 * Input: byte 0 picks the HTTP status, byte 1 picks refund or payment
 * intent, the rest is the body. Invariants: no crash, a valid outcome,
 * one-line messages, NUL-terminated fields, known statuses only.
 *   make fuzz && ./fuzz_payment tests/fuzz/corpus/payment */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/payment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_line(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);

	if (n == cap || strchr(s, '\n') || strchr(s, '\r'))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long statuses[] = { 200, 201, 400, 401, 402, 403, 404, 409, 429, 500, 502, 0, 302, 418 };
	struct payment_result r;
	long status;

	if (size < 2)
		return 0;
	if (data[0] == 0xff) {
		/* a webhook: "Stripe-Signature header\nbody"; any bytes in either */
		static const char *const secrets[2] = { "whsec_a", "whsec_b" };
		char hdr[512];
		const uint8_t *nl = memchr(data + 1, '\n', size - 1);
		size_t hl = nl ? (size_t)(nl - (data + 1)) : size - 1;
		enum payment_sig sig;

		if (hl >= sizeof hdr)
			hl = sizeof hdr - 1;
		memcpy(hdr, data + 1, hl);
		hdr[hl] = '\0';
		sig = payment_webhook_verify(hdr, nl ? (const char *)nl + 1 : "",
					     nl ? size - (size_t)(nl + 1 - data) : 0, secrets, 2,
					     1700000000, 300);
		if (sig > PAYMENT_SIG_STALE)
			abort();
		return 0;
	}
	status = statuses[data[0] % (sizeof statuses / sizeof statuses[0])];
	switch (data[1] & 3) {
	case 1:
		payment_parse_intent(status, (const char *)data + 2, size - 2, &r);
		break;
	case 2:
		payment_parse_charge(status, (const char *)data + 2, size - 2, &r);
		break;
	case 3:     /* a refund list: "none of ours" is an OK answer without id */
		payment_parse_refund_list(status, (const char *)data + 2, size - 2, "5", &r);
		if (r.outcome == PAYMENT_OK && !r.id[0])
			return 0;
		break;
	default:
		payment_parse_refund(status, (const char *)data + 2, size - 2, &r);
	}
	if (r.outcome != PAYMENT_OK && r.outcome != PAYMENT_RETRY && r.outcome != PAYMENT_FATAL)
		abort();
	if (r.outcome == PAYMENT_OK && (!r.id[0] || !r.status[0]))
		abort();
	if (r.outcome == PAYMENT_OK && (data[1] & 3) == 0 && strcmp(r.status, "pending") &&
	    strcmp(r.status, "succeeded") && strcmp(r.status, "failed") && strcmp(r.status, "canceled"))
		abort();
	if (r.outcome == PAYMENT_OK && (status < 200 || status > 299))
		abort();
	check_line(r.message, sizeof r.message);
	check_line(r.id, sizeof r.id);
	check_line(r.status, sizeof r.status);
	check_line(r.failure_reason, sizeof r.failure_reason);
	check_line(r.error_type, sizeof r.error_type);
	check_line(r.error_code, sizeof r.error_code);
	check_line(r.payment_intent, sizeof r.payment_intent);
	check_line(r.metadata_refund_id, sizeof r.metadata_refund_id);
	return 0;
}
