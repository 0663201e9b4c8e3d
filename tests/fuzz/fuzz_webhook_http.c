/* libFuzzer target: the webhook listener's HTTP request path (issue 11:
 * "fuzz targets ... for the webhook request handling"). The parsers have
 * targets of their own (fuzz_tracker: X-Hmac-Signature; fuzz_webhook:
 * Stripe-Signature); this one drives the real listener, as oms-worker
 * runs it: libmicrohttpd, the route table, the body accumulated up to
 * WEBHOOK_MAX_BODY (413 past it), on_done's cleanup, and the two routes'
 * handlers (carrier_events.c, pay_events.c) up to the signature check and
 * the database step.
 *
 * The listener is started once (webhook_start on 127.0.0.1, a port the
 * kernel picks) with a database that cannot be reached, so a request
 * that passes the signature check is answered 503 ("send it again"),
 * never 200. Each input is sent as it is over a fresh TCP connection
 * (request line, headers, body: chunked, pipelined, truncated, garbage
 * ...), the sending side is then shut, and the answer is read until the
 * listener closes the connection. Before sending, the target expands a
 * few macros, so that a corpus entry can carry a valid signature of a
 * body the fuzzer mutates, or a body of megabytes in a few bytes:
 *   @FILL:N@   N KiB of spaces (N at most 2048; JSON stays JSON)
 *   @EOB@      ends a request (several make a pipeline): each request's
 *              head is its bytes up to the first blank line, its body
 *              the rest up to the next @EOB@ or the end; in the head:
 *   @LEN@      the body's length in bytes
 *   @CSIG@     X-Hmac-Signature's value for the body (the new carrier
 *              secret); @CSIGOLD@ the same with the old one (rotation)
 *   @PSIG@     Stripe-Signature's value (t = now, v1 = HMAC of "t.body"
 *              with the new gateway secret); @PSIGOLD@ the old secret;
 *              @PSTALE@ new secret, t an hour ago
 *   @CHUNKED@  "Transfer-Encoding: chunked", and the body is sent in
 *              chunks of 1, 3, 16, 100 and 4096 bytes (the signatures and
 *              @LEN@ are of the body itself)
 * Invariants checked for every input:
 *   - the answer, if any, is a sequence of whole HTTP/1.0 or HTTP/1.1
 *     responses ("HTTP/1.x NNN ", headers, a Content-Length body) and
 *     nothing else, up to the close;
 *   - every status is 100 (interim) or one of 400, 401, 404, 413, 414,
 *     429, 431, 503, 505: ours (400 payment signature or not an event,
 *     401 carrier signature, 404 no such route or method, 413 body over
 *     the limits, 429 rate limit, 503 database unavailable) or
 *     libmicrohttpd's own for malformed requests (400, 413 Content-Length
 *     or chunk size too large, 414 and 431 request line or headers too
 *     big, 505 HTTP version); never 2xx (there is no database to store
 *     anything), never 500 (libmicrohttpd's "the application did not
 *     answer");
 *   - the listener closes the connection after our side is shut (a hung
 *     connection aborts the run after 30 s);
 *   - nothing crashes, nothing leaks (AddressSanitizer, LeakSanitizer:
 *     the listener is stopped at exit, which ends every connection).
 * Once, before the first input, exact answers are checked ("known
 * answers"): valid signed carrier and payment events, chunked and
 * pipelined ones, the old secret of a rotation, and a valid signature on
 * a body that is not JSON: 503 (carrier) or 400 (payment), never 200;
 * bad, missing and stale signatures: 401 (carrier), 400 (payment); a
 * wrong path or method: 404; a signed carrier body over 256 KiB: 413 and
 * a payment one: 503; any body over 1 MiB: 413; the rate limit per
 * source address: 429.
 *   make fuzz && ./fuzz_webhook_http -dict=tests/fuzz/webhook_http.dict \
 *     -max_total_time=300 tests/fuzz/corpus/webhook_http
 * (the listener's log lines go to stderr, with the crash report: 2>fuzz.log;
 * OMS_FUZZ_VERBOSE=1: each input's statuses on stderr). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/hmac.h"
#include "status.h"
#include "worker/carrier_events.h"
#include "worker/webhook.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CONNINFO "host=/nonexistent-oms-fuzz connect_timeout=1"
#define MAX_SEND (8u * 1024 * 1024)        /* an input's expansion, at most */
#define MAX_FILL_KIB 2048
#define MAX_ANSWER (1024u * 1024)          /* kept of an answer (the rest is read and counted) */
#define CLOSE_WAIT_MS 30000                /* the listener must close within this */
#define MAX_STATUSES 256

static const char *const carrier_secrets[] = { "carrier_old_7d1e", "carrier_new_c05b" };
static const char *const pay_secrets[] = { "whsec_fuzz_old_31a9", "whsec_fuzz_new_e6b2" };

static struct webhook *listener;
static uint16_t port;

/* --- growing buffers --------------------------------------------------- */

struct buf {
	uint8_t *p;
	size_t len, cap;
	bool over;      /* MAX_SEND reached: the rest was dropped */
};

static void
buf_add(struct buf *b, const void *s, size_t n)
{
	if (b->over || b->len + n > MAX_SEND) {
		b->over = true;
		return;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		if (!(b->p = realloc(b->p, cap)))
			abort();
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void
die(const char *what, const uint8_t *answer, size_t len)
{
	fprintf(stderr, "fuzz_webhook_http: %s\n", what);
	if (answer)
		fprintf(stderr, "answer (%zu bytes):\n%.*s\n", len, (int)(len > 2000 ? 2000 : len), (const char *)answer);
	abort();
}

/* --- the macros ------------------------------------------------------- */

static void
hex32(const unsigned char d[32], char out[65])
{
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void
carrier_sig(const char *secret, const uint8_t *body, size_t len, char *out, size_t outlen)
{
	unsigned char d[32];
	char hex[65];

	hmac_sha256(secret, strlen(secret), body, len, NULL, 0, d);
	hex32(d, hex);
	snprintf(out, outlen, "hmac-sha256-hex=%s", hex);
}

static void
pay_sig(const char *secret, long long t, const uint8_t *body, size_t len, char *out, size_t outlen)
{
	unsigned char d[32];
	char hex[65], prefix[32];
	int pl = snprintf(prefix, sizeof prefix, "%lld.", t);

	hmac_sha256(secret, strlen(secret), prefix, (size_t)pl, body, len, d);
	hex32(d, hex);
	snprintf(out, outlen, "t=%lld,v1=%s", t, hex);
}

/* @FILL:N@ expanded. */
static void
expand_fill(const uint8_t *s, size_t n, struct buf *out)
{
	static char spaces[1024];
	size_t i = 0;

	if (!spaces[0])
		memset(spaces, ' ', sizeof spaces);

	while (i < n) {
		const uint8_t *at = memmem(s + i, n - i, "@FILL:", 6);
		const uint8_t *p, *end;
		unsigned long kib = 0;

		if (!at) {
			buf_add(out, s + i, n - i);
			return;
		}
		buf_add(out, s + i, (size_t)(at - (s + i)));
		end = s + n;
		for (p = at + 6; p < end && *p >= '0' && *p <= '9' && kib <= MAX_FILL_KIB; p++)
			kib = kib * 10 + (unsigned long)(*p - '0');
		if (p == at + 6 || p >= end || *p != '@' || kib > MAX_FILL_KIB) {
			buf_add(out, at, 6);    /* not a macro: as it is */
			i = (size_t)(at + 6 - s);
			continue;
		}
		for (unsigned long k = 0; k < kib && !out->over; k++)
			buf_add(out, spaces, sizeof spaces);
		i = (size_t)(p + 1 - s);
	}
}

static void
add_chunked(struct buf *out, const uint8_t *body, size_t len)
{
	static const size_t sizes[] = { 1, 3, 16, 100, 4096 };
	size_t off = 0;
	char line[32];

	for (int k = 0; off < len; k = (k + 1) % 5) {
		size_t n = len - off < sizes[k] ? len - off : sizes[k];
		snprintf(line, sizeof line, "%zx\r\n", n);
		buf_str(out, line);
		buf_add(out, body + off, n);
		buf_str(out, "\r\n");
		off += n;
	}
	buf_str(out, "0\r\n\r\n");
}

/* One request (the bytes between two @EOB@), its head's macros expanded. */
static void
expand_request(const uint8_t *s, size_t n, long long now, struct buf *out)
{
	struct buf seg = { 0 };
	const uint8_t *blank, *body;
	size_t headlen, bodylen, i = 0;
	bool chunked = false;

	expand_fill(s, n, &seg);
	if (seg.over)
		out->over = true;
	if (!seg.len) {
		free(seg.p);
		return;
	}
	blank = memmem(seg.p, seg.len, "\r\n\r\n", 4);
	headlen = blank ? (size_t)(blank + 4 - seg.p) : seg.len;
	body = seg.p + headlen;
	bodylen = seg.len - headlen;
	while (i < headlen) {
		static const char *const names[] = { "@LEN@", "@CSIGOLD@", "@CSIG@", "@PSIGOLD@",
						     "@PSIG@", "@PSTALE@", "@CHUNKED@" };
		const uint8_t *at = memchr(seg.p + i, '@', headlen - i);
		char val[160];
		int k;

		if (!at) {
			buf_add(out, seg.p + i, headlen - i);
			break;
		}
		buf_add(out, seg.p + i, (size_t)(at - (seg.p + i)));
		i = (size_t)(at - seg.p);
		for (k = 0; k < 7; k++)
			if (headlen - i >= strlen(names[k]) && !memcmp(at, names[k], strlen(names[k])))
				break;
		switch (k) {
		case 0: snprintf(val, sizeof val, "%zu", bodylen); break;
		case 1: carrier_sig(carrier_secrets[0], body, bodylen, val, sizeof val); break;
		case 2: carrier_sig(carrier_secrets[1], body, bodylen, val, sizeof val); break;
		case 3: pay_sig(pay_secrets[0], now, body, bodylen, val, sizeof val); break;
		case 4: pay_sig(pay_secrets[1], now, body, bodylen, val, sizeof val); break;
		case 5: pay_sig(pay_secrets[1], now - 3600, body, bodylen, val, sizeof val); break;
		case 6: snprintf(val, sizeof val, "Transfer-Encoding: chunked"); chunked = true; break;
		default: snprintf(val, sizeof val, "@"); break;
		}
		buf_str(out, val);
		i += k < 7 ? strlen(names[k]) : 1;
	}
	if (chunked)
		add_chunked(out, body, bodylen);
	else
		buf_add(out, body, bodylen);
	free(seg.p);
}

static void
expand(const uint8_t *data, size_t size, struct buf *out)
{
	long long now = (long long)time(NULL);
	size_t i = 0;

	for (;;) {
		const uint8_t *eob = memmem(data + i, size - i, "@EOB@", 5);
		size_t n = eob ? (size_t)(eob - (data + i)) : size - i;

		expand_request(data + i, n, now, out);
		if (!eob || out->over)
			return;
		i += n + 5;
	}
}

/* --- one exchange ------------------------------------------------------ */

struct answer {
	struct buf in;          /* what the listener sent (its first MAX_ANSWER bytes) */
	size_t total;           /* bytes received */
	bool reset;             /* ended by a reset, not a clean close */
	bool head;              /* "HEAD" was in what we sent */
	int statuses[MAX_STATUSES];
	int nstatus;
};

static long long
ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sends req over a fresh connection, shuts our side, reads until the
 * listener closes. */
static void
exchange(const uint8_t *req, size_t len, struct answer *a)
{
	struct sockaddr_in sa = { 0 };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	size_t sent = 0;
	bool wr_open = true;
	long long deadline = ms_now() + CLOSE_WAIT_MS;
	uint8_t chunk[65536];

	memset(a, 0, sizeof *a);
	if (fd < 0)
		die("socket failed", NULL, 0);
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
		die("cannot connect to the listener", NULL, 0);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (len == 0) {
		shutdown(fd, SHUT_WR);
		wr_open = false;
	}
	for (;;) {
		struct pollfd p = { fd, (short)(POLLIN | (wr_open ? POLLOUT : 0)), 0 };
		long long left = deadline - ms_now();
		ssize_t r;

		if (left <= 0)
			die("the listener did not close the connection", a->in.p, a->in.len);
		if (poll(&p, 1, (int)(left > 1000 ? 1000 : left)) < 0) {
			if (errno == EINTR)
				continue;
			die("poll failed", NULL, 0);
		}
		if (wr_open && (p.revents & (POLLOUT | POLLERR | POLLHUP))) {
			r = send(fd, req + sent, len - sent, MSG_NOSIGNAL);
			if (r > 0)
				sent += (size_t)r;
			if ((r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) || sent == len) {
				/* all sent, or the listener stopped reading (an
				 * early answer, then its close) */
				shutdown(fd, SHUT_WR);
				wr_open = false;
			}
		}
		if (p.revents & (POLLIN | POLLERR | POLLHUP)) {
			r = recv(fd, chunk, sizeof chunk, 0);
			if (r == 0)
				break;
			if (r < 0) {
				if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
					continue;
				a->reset = true;   /* ECONNRESET: it closed before reading all we sent */
				break;
			}
			a->total += (size_t)r;
			if (a->in.len < MAX_ANSWER)
				buf_add(&a->in, chunk, (size_t)r > MAX_ANSWER - a->in.len ? MAX_ANSWER - a->in.len : (size_t)r);
		}
	}
	close(fd);
}

static bool
status_allowed(int s)
{
	static const int ok[] = { 400, 401, 404, 413, 414, 429, 431, 503, 505 };

	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (s == ok[i])
			return true;
	return false;
}

/* The answer is whole responses, each with an allowed status; fills
 * a->statuses with the final ones (not 100). */
static void
check_answer(struct answer *a)
{
	const uint8_t *s = a->in.p;
	size_t n = a->in.len, pos = 0;
	/* a reset may cut the last response; so may our MAX_ANSWER */
	bool may_cut = a->reset || a->total > a->in.len;

	while (pos < n) {
		const uint8_t *end;
		size_t hend, cl = 0;
		bool have_cl = false;
		int st;

		if (n - pos < 13) {
			if (may_cut)
				return;
			die("a truncated status line", s, n);
		}
		if (memcmp(s + pos, "HTTP/1.1 ", 9) && memcmp(s + pos, "HTTP/1.0 ", 9))
			die("not an HTTP/1.x response", s, n);
		if (s[pos + 9] < '1' || s[pos + 9] > '5' || s[pos + 10] < '0' || s[pos + 10] > '9' ||
		    s[pos + 11] < '0' || s[pos + 11] > '9' || (s[pos + 12] != ' ' && s[pos + 12] != '\r'))
			die("not a 3-digit status", s, n);
		st = (s[pos + 9] - '0') * 100 + (s[pos + 10] - '0') * 10 + (s[pos + 11] - '0');
		if (st >= 200 && st < 300)
			die("a 2xx answer without a database", s, n);
		if (st != 100 && !status_allowed(st))
			die("an unexpected status", s, n);
		end = memmem(s + pos, n - pos, "\r\n\r\n", 4);
		if (!end) {
			if (may_cut)
				return;
			die("a response without the end of its headers", s, n);
		}
		hend = (size_t)(end + 4 - s);
		/* Content-Length, case-insensitive, at a line start */
		for (const uint8_t *l = memchr(s + pos, '\n', hend - pos); l && l < s + hend;
		     l = memchr(l + 1, '\n', (size_t)(s + hend - l - 1))) {
			if ((size_t)(s + hend - l - 1) > 15 && !strncasecmp((const char *)l + 1, "Content-Length:", 15)) {
				const uint8_t *v = l + 16;
				while (*v == ' ')
					v++;
				if (*v < '0' || *v > '9')
					die("a Content-Length that is not a number", s, n);
				for (cl = 0; *v >= '0' && *v <= '9'; v++)
					cl = cl * 10 + (size_t)(*v - '0');
				if (have_cl)
					die("two Content-Length headers", s, n);
				have_cl = true;
			}
		}
		/* libmicrohttpd 0.9.75 sends the head of some of its own
		 * error answers twice (413 for a Content-Length past 2^64):
		 * one answer, not ours to fix */
		if (n - hend >= hend - pos && !memcmp(s + hend, s + pos, hend - pos))
			hend += hend - pos;
		if (st == 100) {
			pos = hend;
			continue;
		}
		if (a->nstatus < MAX_STATUSES)
			a->statuses[a->nstatus++] = st;
		if (!have_cl)
			die("a response without Content-Length", s, n);
		/* an answer to HEAD has no body: the next response or the
		 * close follows */
		if (cl && a->head && (n == hend || (n - hend >= 7 && !memcmp(s + hend, "HTTP/1.", 7))))
			cl = 0;
		if (hend + cl > n) {
			if (may_cut)
				return;
			die("a response shorter than its Content-Length", s, n);
		}
		pos = hend + cl;
	}
}

/* Expands, sends, checks; the caller frees a->in. */
static void
run(const uint8_t *data, size_t size, struct answer *a)
{
	struct buf req = { 0 };

	expand(data, size, &req);
	exchange(req.p ? req.p : (const uint8_t *)"", req.len, a);
	a->head = req.len >= 4 && memmem(req.p, req.len, "HEAD", 4);
	free(req.p);
	check_answer(a);
}

/* --- the listener and the known answers ------------------------------- */

static void
stop_listener(void)
{
	webhook_stop(listener);
	listener = NULL;
}

/* The port the kernel gave the listener: its listening socket is the only
 * one in this process. */
static uint16_t
listener_port(void)
{
	for (int fd = 0; fd < 4096; fd++) {
		int on = 0;
		socklen_t ol = sizeof on;
		struct sockaddr_in sa;
		socklen_t sl = sizeof sa;

		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &ol) == 0 && on &&
		    getsockname(fd, (struct sockaddr *)&sa, &sl) == 0 && sa.sin_family == AF_INET &&
		    sa.sin_addr.s_addr == htonl(INADDR_LOOPBACK))
			return ntohs(sa.sin_port);
	}
	return 0;
}

#define CARRIER_EVENT                                                                              \
	"{\"id\":\"evt_fuzz_c1\",\"object\":\"Event\",\"description\":\"tracker.updated\","        \
	"\"result\":{\"id\":\"trk_fuzz_1\",\"object\":\"Tracker\",\"tracking_code\":\"1Z999AA10123456784\"," \
	"\"carrier\":\"UPS\",\"status\":\"in_transit\",\"tracking_details\":[]}}"
#define PAY_EVENT                                                                                  \
	"{\"id\":\"evt_fuzz_p1\",\"object\":\"event\",\"type\":\"payment_intent.succeeded\","      \
	"\"data\":{\"object\":{\"id\":\"pi_fuzz_1\",\"object\":\"payment_intent\",\"status\":\"succeeded\"," \
	"\"amount\":1999,\"currency\":\"eur\"}}}"
#define POST_C "POST /webhooks/carrier HTTP/1.1\r\nHost: 127.0.0.1\r\n"
#define POST_P "POST /webhooks/payment HTTP/1.1\r\nHost: 127.0.0.1\r\n"
#define LEN "Content-Length: @LEN@\r\n"

static const struct known {
	const char *name, *req;
	int n, want[3];      /* the final statuses, in order */
} known[] = {
	{ "signed carrier Event", POST_C LEN "X-Hmac-Signature: @CSIG@\r\n\r\n" CARRIER_EVENT, 1, { 503 } },
	{ "carrier Event signed with the old secret", POST_C LEN "X-Hmac-Signature: @CSIGOLD@\r\n\r\n" CARRIER_EVENT, 1, { 503 } },
	{ "signed carrier body, not JSON", POST_C LEN "X-Hmac-Signature: @CSIG@\r\n\r\nnot json {\x01\xff", 1, { 503 } },
	{ "signed carrier Event, chunked", POST_C "@CHUNKED@\r\nX-Hmac-Signature: @CSIG@\r\n\r\n" CARRIER_EVENT, 1, { 503 } },
	{ "carrier Event, forged signature", POST_C LEN "X-Hmac-Signature: hmac-sha256-hex="
	  "00000000000000000000000000000000000000000000000000000000000000ff\r\n\r\n" CARRIER_EVENT, 1, { 401 } },
	{ "carrier Event, payment signature", POST_C LEN "X-Hmac-Signature: @PSIG@\r\n\r\n" CARRIER_EVENT, 1, { 401 } },
	{ "carrier Event, no signature", POST_C LEN "\r\n" CARRIER_EVENT, 1, { 401 } },
	{ "signed carrier Event over 256 KiB", POST_C LEN "X-Hmac-Signature: @CSIG@\r\n\r\n"
	  "{\"id\":\"evt_fuzz_big\",@FILL:300@\"object\":\"Event\"}", 1, { 413 } },
	{ "signed carrier Event over 1 MiB", POST_C LEN "X-Hmac-Signature: @CSIG@\r\n\r\n"
	  "{\"id\":\"evt_fuzz_huge\",@FILL:1100@\"object\":\"Event\"}", 1, { 413 } },
	{ "signed payment event", POST_P LEN "Stripe-Signature: @PSIG@\r\n\r\n" PAY_EVENT, 1, { 503 } },
	{ "payment event signed with the old secret", POST_P LEN "Stripe-Signature: @PSIGOLD@\r\n\r\n" PAY_EVENT, 1, { 503 } },
	{ "signed payment event, chunked", POST_P "@CHUNKED@\r\nStripe-Signature: @PSIG@\r\n\r\n" PAY_EVENT, 1, { 503 } },
	{ "signed payment body, not JSON", POST_P LEN "Stripe-Signature: @PSIG@\r\n\r\nnot json {\x01\xff", 1, { 400 } },
	{ "stale payment signature", POST_P LEN "Stripe-Signature: @PSTALE@\r\n\r\n" PAY_EVENT, 1, { 400 } },
	{ "payment event, carrier signature", POST_P LEN "Stripe-Signature: @CSIG@\r\n\r\n" PAY_EVENT, 1, { 400 } },
	{ "payment event, no signature", POST_P LEN "\r\n" PAY_EVENT, 1, { 400 } },
	{ "signed payment event over 256 KiB", POST_P LEN "Stripe-Signature: @PSIG@\r\n\r\n"
	  "{\"id\":\"evt_fuzz_pbig\",@FILL:300@\"type\":\"x\",\"data\":{\"object\":{}}}", 1, { 503 } },
	{ "signed payment event over 1 MiB", POST_P LEN "Stripe-Signature: @PSIG@\r\n\r\n"
	  "{\"id\":\"evt_fuzz_phuge\",@FILL:1100@\"type\":\"x\",\"data\":{\"object\":{}}}", 1, { 413 } },
	{ "GET of a route", "GET /webhooks/carrier HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 1, { 404 } },
	{ "PUT of a route", "PUT /webhooks/payment HTTP/1.1\r\nHost: x\r\n" LEN "Stripe-Signature: @PSIG@\r\n\r\n" PAY_EVENT, 1, { 404 } },
	{ "no such path", "POST /webhooks/carrier/ HTTP/1.1\r\nHost: x\r\n" LEN "X-Hmac-Signature: @CSIG@\r\n\r\n" CARRIER_EVENT, 1, { 404 } },
	{ "pipelined", POST_C LEN "X-Hmac-Signature: @CSIG@\r\n\r\n" CARRIER_EVENT "@EOB@"
	  POST_P LEN "Stripe-Signature: @PSIG@\r\n\r\n" PAY_EVENT "@EOB@"
	  "GET /webhooks/payment HTTP/1.1\r\nHost: x\r\n\r\n", 3, { 503, 503, 404 } },
	{ "HTTP/1.0 without Host", "POST /webhooks/carrier HTTP/1.0\r\n" LEN "X-Hmac-Signature: @CSIG@\r\n\r\n" CARRIER_EVENT, 1, { 503 } },
	{ "Content-Length past 2^64", POST_C "Content-Length: 99999999999999999999999\r\n\r\n{}", 1, { 413 } },
	{ "body cut short", POST_C "Content-Length: 100\r\nX-Hmac-Signature: @CSIG@\r\n\r\n{\"id\":", 0, { 0 } },
};

static void
known_answers(void)
{
	char what[200];
	struct answer a;
	bool limited = false;

	for (size_t k = 0; k < sizeof known / sizeof known[0]; k++) {
		const struct known *t = &known[k];
		bool same;

		run((const uint8_t *)t->req, strlen(t->req), &a);
		same = a.nstatus == t->n;
		for (int i = 0; same && i < t->n; i++)
			same = a.statuses[i] == t->want[i];
		if (!same) {
			snprintf(what, sizeof what, "known answer: %s: %d response(s), the first %d, expected %d and %d",
				 t->name, a.nstatus, a.nstatus ? a.statuses[0] : 0, t->n, t->want[0]);
			die(what, a.in.p, a.in.len);
		}
		free(a.in.p);
	}
	/* the rate limit: one carrier request a second, bursts of 2 */
	carrier_events_configure("carrier_old_7d1e carrier_new_c05b", 1);
	for (int i = 0; i < 20 && !limited; i++) {
		static const char rq[] = POST_C LEN "\r\n{}";
		run((const uint8_t *)rq, sizeof rq - 1, &a);
		if (a.nstatus != 1 || (a.statuses[0] != 401 && a.statuses[0] != 429))
			die("known answer: rate limit: not 401 or 429", a.in.p, a.in.len);
		limited = a.statuses[0] == 429;
		free(a.in.p);
	}
	if (!limited)
		die("known answer: 20 carrier requests at once, none refused with 429", NULL, 0);
	/* then no limit to speak of: the fuzzer's inputs reach the handlers */
	carrier_events_configure("carrier_old_7d1e carrier_new_c05b", 1000000000L);
}

static void
start(void)
{
	struct webhook_config cfg = { 0 };
	struct oms_error err = { 0 };

	cfg.listen = "127.0.0.1:0";
	cfg.conninfo = CONNINFO;
	cfg.payment_secrets = "whsec_fuzz_old_31a9 whsec_fuzz_new_e6b2";
	cfg.tolerance_s = 300;
	cfg.threads = 2;
	carrier_events_configure("carrier_old_7d1e carrier_new_c05b", 1000000000L);
	pay_events_configure("whsec_fuzz_old_31a9,whsec_fuzz_new_e6b2", 300);
	if (!(listener = webhook_start(&cfg, &err)))
		die(err.msg, NULL, 0);
	atexit(stop_listener);
	if (!(port = listener_port()))
		die("cannot find the listener's port", NULL, 0);
	known_answers();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct answer a;

	if (!listener)
		start();
	run(data, size, &a);
	if (getenv("OMS_FUZZ_VERBOSE")) {      /* what each input got, to curate the corpus */
		fprintf(stderr, "fuzz_webhook_http: %zu bytes:", size);
		for (int i = 0; i < a.nstatus; i++)
			fprintf(stderr, " %d", a.statuses[i]);
		fprintf(stderr, "%s\n", a.reset ? " (reset)" : "");
	}
	free(a.in.p);
	return 0;
}
