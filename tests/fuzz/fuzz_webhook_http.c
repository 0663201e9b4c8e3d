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
 * never 200. Each input is sent as it is (request line, headers, body:
 * chunked, pipelined, truncated, garbage ...) over two fresh TCP
 * connections at once; our side of each is shut once all is sent and the
 * answer has come (a request to the carrier route: nothing more for
 * IDLE_MS; the others at once), and the answer is read until the
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
 *   @RST@      once all is sent, the connection is reset (SO_LINGER 0)
 *              instead of read: the sender gone while its request is
 *              handled or queued for the group commit
 *   @PAUSE@    (head or body) the sender stops PAUSE_MS there: the
 *              request arrives in pieces
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
 *   - the two connections' statuses agree as far as both go;
 *   - after the input, a signed event (carrier and payment in turn) is
 *     answered 503: the listener is not wedged, no database connection
 *     slot or queued request was lost;
 *   - nothing crashes, nothing leaks (AddressSanitizer, LeakSanitizer:
 *     the listener is stopped at exit, which ends every connection).
 * Once, before the first input, exact answers are checked ("known
 * answers"): valid signed carrier and payment events, chunked and
 * pipelined ones, the old secret of a rotation, and a valid signature on
 * a body that is not JSON: 503 (carrier) or 400 (payment), never 200;
 * bad, missing and stale signatures: 401 (carrier), 400 (payment); a
 * wrong path or method: 404; a signed carrier body over 256 KiB: 413 and
 * a payment one: 503; any body over 1 MiB: 413; the rate limit per
 * source address: 429; 8 events or pipelines at once, requests in
 * pieces: 503 each; senders gone (@RST@), then the listener still
 * answers.
 * Only our side's half-close is avoided: libmicrohttpd 0.9.75 drops
 * without an answer a suspended request (the carrier route's group
 * commit) whose sender shut its side meanwhile; the senders we expect
 * (the aggregator, the gateway, nginx) do not.
 *   make fuzz && ./fuzz_webhook_http -dict=tests/fuzz/webhook_http.dict \
 *     -max_total_time=300 tests/fuzz/corpus/webhook_http
 * (the listener's log lines go to stderr, with the crash report: 2>fuzz.log;
 * OMS_FUZZ_VERBOSE=1: each input's statuses and time on stderr). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
#define MAX_PAUSES 16
#define PAUSE_MS 3
#define IDLE_MS 10                         /* an input's answer is complete when nothing came for this long */
#define PARALLEL 2                         /* connections per input, sending the same bytes */

static const char *const carrier_secrets[] = { "carrier_old_7d1e", "carrier_new_c05b" };
static const char *const pay_secrets[] = { "whsec_fuzz_old_31a9", "whsec_fuzz_new_e6b2" };

static struct webhook *listener;
static uint16_t port;

/* --- growing buffers --------------------------------------------------- */

struct buf {
	uint8_t *p;
	size_t len, cap;
	bool over;      /* MAX_SEND reached: the rest was dropped */
	/* a request's: where the sender pauses (@PAUSE@), whether it resets
	 * the connection once all is sent (@RST@) */
	size_t pause[MAX_PAUSES];
	int npause;
	bool rst;
};

static void
buf_pause(struct buf *b)
{
	if (b->npause < MAX_PAUSES && (!b->npause || b->pause[b->npause - 1] < b->len))
		b->pause[b->npause++] = b->len;
}

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

/* The body, chunked; a pause inside a chunk is made before it. */
static void
add_chunked(struct buf *out, const uint8_t *body, size_t len, const size_t *pauses, int np)
{
	static const size_t sizes[] = { 1, 3, 16, 100, 4096 };
	size_t off = 0;
	char line[32];
	int pi = 0;

	for (int k = 0; off < len; k = (k + 1) % 5) {
		size_t n = len - off < sizes[k] ? len - off : sizes[k];
		for (; pi < np && pauses[pi] < off + n; pi++)
			buf_pause(out);
		snprintf(line, sizeof line, "%zx\r\n", n);
		buf_str(out, line);
		buf_add(out, body + off, n);
		buf_str(out, "\r\n");
		off += n;
	}
	if (pi < np)
		buf_pause(out);
	buf_str(out, "0\r\n\r\n");
}

/* body without its @PAUSE@ markers (in place), their offsets in pauses */
static size_t
strip_pauses(uint8_t *body, size_t len, size_t *pauses, int *np)
{
	size_t r = 0, w = 0;

	*np = 0;
	while (r < len) {
		if (len - r >= 7 && !memcmp(body + r, "@PAUSE@", 7)) {
			if (*np < MAX_PAUSES)
				pauses[(*np)++] = w;
			r += 7;
			continue;
		}
		body[w++] = body[r++];
	}
	return w;
}

/* One request (the bytes between two @EOB@), its head's macros expanded. */
static void
expand_request(const uint8_t *s, size_t n, long long now, struct buf *out)
{
	struct buf seg = { 0 };
	const uint8_t *blank;
	uint8_t *body;
	size_t headlen, bodylen, i = 0, bpause[MAX_PAUSES];
	int nbpause;
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
	bodylen = strip_pauses(body, seg.len - headlen, bpause, &nbpause);
	while (i < headlen) {
		static const char *const names[] = { "@LEN@", "@CSIGOLD@", "@CSIG@", "@PSIGOLD@",
						     "@PSIG@", "@PSTALE@", "@CHUNKED@", "@PAUSE@", "@RST@" };
		const uint8_t *at = memchr(seg.p + i, '@', headlen - i);
		char val[160];
		int k;

		if (!at) {
			buf_add(out, seg.p + i, headlen - i);
			break;
		}
		buf_add(out, seg.p + i, (size_t)(at - (seg.p + i)));
		i = (size_t)(at - seg.p);
		for (k = 0; k < 9; k++)
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
		case 7: buf_pause(out); val[0] = '\0'; break;
		case 8: out->rst = true; val[0] = '\0'; break;
		default: snprintf(val, sizeof val, "@"); break;
		}
		buf_str(out, val);
		i += k < 9 ? strlen(names[k]) : 1;
	}
	if (chunked) {
		add_chunked(out, body, bodylen, bpause, nbpause);
	} else {
		size_t off = 0;
		for (int k = 0; k < nbpause; k++) {
			buf_add(out, body + off, bpause[k] - off);
			buf_pause(out);
			off = bpause[k];
		}
		buf_add(out, body + off, bodylen - off);
	}
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

static bool
status_allowed(int s)
{
	static const int ok[] = { 400, 401, 404, 413, 414, 429, 431, 503, 505 };

	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (s == ok[i])
			return true;
	return false;
}

/* strict: the answer is whole responses, each with an allowed status
 * (else abort), a->statuses gets the final ones (not 100). Not strict
 * (while it arrives): how many whole final responses it has so far
 * (INT_MAX once it is wrong: nothing to wait for). */
#define FAIL(what)                          \
	do {                                \
		if (strict)                 \
			die(what, s, n);    \
		return INT_MAX; /* no use waiting for more: shut, then strict */ \
	} while (0)
#define CUT(what)                           \
	do {                                \
		if (may_cut || !strict)     \
			return count;       \
		die(what, s, n);            \
	} while (0)

static int
parse_answer(struct answer *a, bool strict)
{
	const uint8_t *s = a->in.p;
	size_t n = a->in.len, pos = 0;
	/* a reset may cut the last response; so may our MAX_ANSWER */
	bool may_cut = a->reset || a->total > a->in.len;
	int count = 0;

	a->nstatus = 0;

	while (pos < n) {
		const uint8_t *end;
		size_t hend, cl = 0;
		bool have_cl = false;
		int st;

		if (n - pos < 13)
			CUT("a truncated status line");
		if (memcmp(s + pos, "HTTP/1.1 ", 9) && memcmp(s + pos, "HTTP/1.0 ", 9))
			FAIL("not an HTTP/1.x response");
		if (s[pos + 9] < '1' || s[pos + 9] > '5' || s[pos + 10] < '0' || s[pos + 10] > '9' ||
		    s[pos + 11] < '0' || s[pos + 11] > '9' || (s[pos + 12] != ' ' && s[pos + 12] != '\r'))
			FAIL("not a 3-digit status");
		st = (s[pos + 9] - '0') * 100 + (s[pos + 10] - '0') * 10 + (s[pos + 11] - '0');
		if (st >= 200 && st < 300)
			FAIL("a 2xx answer without a database");
		if (st != 100 && !status_allowed(st))
			FAIL("an unexpected status");
		end = memmem(s + pos, n - pos, "\r\n\r\n", 4);
		if (!end)
			CUT("a response without the end of its headers");
		hend = (size_t)(end + 4 - s);
		/* Content-Length, case-insensitive, at a line start */
		for (const uint8_t *l = memchr(s + pos, '\n', hend - pos); l && l < s + hend;
		     l = memchr(l + 1, '\n', (size_t)(s + hend - l - 1))) {
			if ((size_t)(s + hend - l - 1) > 15 && !strncasecmp((const char *)l + 1, "Content-Length:", 15)) {
				const uint8_t *v = l + 16;
				while (*v == ' ')
					v++;
				if (*v < '0' || *v > '9')
					FAIL("a Content-Length that is not a number");
				for (cl = 0; *v >= '0' && *v <= '9'; v++)
					cl = cl * 10 + (size_t)(*v - '0');
				if (have_cl)
					FAIL("two Content-Length headers");
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
			FAIL("a response without Content-Length");
		/* an answer to HEAD has no body: the next response or the
		 * close follows */
		if (cl && a->head && (n == hend || (n - hend >= 7 && !memcmp(s + hend, "HTTP/1.", 7))))
			cl = 0;
		if (hend + cl > n)
			CUT("a response shorter than its Content-Length");
		pos = hend + cl;
		count++;
	}
	return count;
}
#undef FAIL
#undef CUT

struct conn {
	int fd;
	size_t sent;
	int next_pause;           /* index in req->pause of the next one */
	long long resume_at;      /* ms: paused until then */
	long long last;           /* ms: all sent, or the last byte received */
	bool wr_open, done;
};

/* Sends req over n fresh connections at once (the same bytes on each,
 * pausing PAUSE_MS at each pause), reads each until the listener closes
 * it. Our side of each is shut once all is sent and the answer is there
 * (expect >= 0: that many whole responses; else nothing received for
 * IDLE_MS), or reset once all is sent (@RST@). Not at once after
 * sending: libmicrohttpd may drop a suspended request (the group commit)
 * whose sender has shut its side meanwhile, and the senders we expect
 * (the aggregator, the gateway, nginx) do not shut theirs. */
static void
exchange(const struct buf *req, struct answer *a, int n, int expect)
{
	struct sockaddr_in sa = { 0 };
	struct conn c[8];
	long long deadline = ms_now() + CLOSE_WAIT_MS;
	uint8_t chunk[65536];
	int left_open = n;

	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (int i = 0; i < n; i++) {
		memset(&a[i], 0, sizeof a[i]);
		memset(&c[i], 0, sizeof c[i]);
		a[i].head = req->len >= 4 && memmem(req->p, req->len, "HEAD", 4);
		if ((c[i].fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
			die("socket failed", NULL, 0);
		if (connect(c[i].fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
			fprintf(stderr, "fuzz_webhook_http: connect: %s\n", strerror(errno));
			die("cannot connect to the listener", NULL, 0);
		}
		fcntl(c[i].fd, F_SETFL, fcntl(c[i].fd, F_GETFL) | O_NONBLOCK);
		c[i].wr_open = true;
	}
	while (left_open > 0) {
		struct pollfd p[8];
		long long now = ms_now(), wait = 1000;

		if (now >= deadline)
			die("the listener did not close the connection", a[0].in.p, a[0].in.len);
		for (int i = 0; i < n; i++) {
			struct conn *k = &c[i];
			/* all sent, or up to a pause: shut, reset, or wait */
			size_t upto = k->next_pause < req->npause ? req->pause[k->next_pause] : req->len;
			if (k->wr_open && !k->done && k->sent >= upto) {
				if (upto < req->len) {
					if (!k->resume_at)
						k->resume_at = now + PAUSE_MS;
					if (now >= k->resume_at) {
						k->next_pause++;
						k->resume_at = 0;
						upto = k->next_pause < req->npause ? req->pause[k->next_pause] : req->len;
					}
				} else if (req->rst) {
					struct linger l = { 1, 0 };
					setsockopt(k->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
					close(k->fd);
					k->fd = -1;
					k->done = true;
					a[i].reset = true;
					left_open--;
				} else {
					if (!k->last)
						k->last = now;
					if (expect >= 0 ? parse_answer(&a[i], false) >= expect : now - k->last >= IDLE_MS) {
						shutdown(k->fd, SHUT_WR);
						k->wr_open = false;
					}
				}
			}
			if (k->resume_at && k->resume_at - now < wait)
				wait = k->resume_at - now;
			if (k->wr_open && k->last && expect < 0 && k->last + IDLE_MS - now < wait)
				wait = k->last + IDLE_MS - now;
			p[i].fd = k->done ? -1 : k->fd;
			p[i].events = (short)(POLLIN | (k->wr_open && !k->resume_at && k->sent < upto ? POLLOUT : 0));
			p[i].revents = 0;
		}
		if (left_open <= 0)
			break;
		if (deadline - now < wait)
			wait = deadline - now;
		if (poll(p, (nfds_t)n, (int)(wait > 0 ? wait : 0)) < 0) {
			if (errno == EINTR)
				continue;
			die("poll failed", NULL, 0);
		}
		for (int i = 0; i < n; i++) {
			struct conn *k = &c[i];
			ssize_t r;

			if (k->done)
				continue;
			if (k->wr_open && !k->resume_at && (p[i].revents & (POLLOUT | POLLERR | POLLHUP))) {
				size_t upto = k->next_pause < req->npause ? req->pause[k->next_pause] : req->len;
				r = upto > k->sent ? send(k->fd, req->p + k->sent, upto - k->sent, MSG_NOSIGNAL) : 0;
				if (r > 0)
					k->sent += (size_t)r;
				if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
					/* the listener stopped reading (an early
					 * answer, then its close) */
					shutdown(k->fd, SHUT_WR);
					k->wr_open = false;
				}
			}
			if (p[i].revents & (POLLIN | POLLERR | POLLHUP)) {
				r = recv(k->fd, chunk, sizeof chunk, 0);
				if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
					continue;
				if (r <= 0) {
					/* 0: closed; else ECONNRESET: it closed
					 * before reading all we sent */
					a[i].reset = r < 0;
					k->done = true;
					left_open--;
					continue;
				}
				a[i].total += (size_t)r;
				if (k->last)
					k->last = ms_now();
				if (a[i].in.len < MAX_ANSWER)
					buf_add(&a[i].in, chunk,
						(size_t)r > MAX_ANSWER - a[i].in.len ? MAX_ANSWER - a[i].in.len : (size_t)r);
			}
		}
	}
	/* closed with a reset: our side shut first, and thousands of
	 * connections a minute in TIME_WAIT would use up the local ports */
	for (int i = 0; i < n; i++) {
		struct linger l = { 1, 0 };
		if (c[i].fd < 0)
			continue;
		setsockopt(c[i].fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
		close(c[i].fd);
	}
}


/* Expands, sends over n connections at once, checks each answer, and
 * that the n answers agree (the same bytes, the same statuses; no
 * database, no state but the rate limit, which is off). The caller frees
 * each a[i].in. */
static void
run(const uint8_t *data, size_t size, struct answer *a, int n, int expect)
{
	struct buf req = { 0 };

	expand(data, size, &req);
	if (!req.p)
		buf_add(&req, "", 0);
	/* Only the carrier route suspends its requests (the group commit):
	 * for the others our side is shut as soon as all is sent. */
	if (expect < 0 && (req.len < 17 || !memmem(req.p, req.len, "/webhooks/carrier", 17)))
		expect = 0;
	exchange(&req, a, n, expect);
	free(req.p);
	for (int i = 0; i < n; i++)
		parse_answer(&a[i], true);
	/* as far as both go: an input's answer may be cut short by our
	 * side's shut (IDLE_MS) or a reset */
	for (int i = 1; i < n; i++) {
		int common = a[i].nstatus < a[0].nstatus ? a[i].nstatus : a[0].nstatus;
		if (memcmp(a[i].statuses, a[0].statuses, (size_t)common * sizeof a[0].statuses[0]))
			die("the same request at once on two connections, different answers", a[i].in.p, a[i].in.len);
	}
}

/* --- the listener and the known answers ------------------------------- */

static void run(const uint8_t *data, size_t size, struct answer *a, int n, int expect);

/* At exit: the listener stopped with requests in flight (senders gone
 * after sending signed events, which may still be queued for the group
 * commit or being handled): every one answered or dropped, the threads
 * joined, nothing left (LeakSanitizer runs after this). */
static void
stop_listener(void)
{
	static const char rq[] = "POST /webhooks/carrier HTTP/1.1\r\nHost: x\r\nContent-Length: @LEN@\r\n"
				 "X-Hmac-Signature: @CSIG@@RST@\r\n\r\n{\"id\":\"evt_fuzz_stop\",\"object\":\"Event\"}"
				 "@EOB@POST /webhooks/payment HTTP/1.1\r\nHost: x\r\nContent-Length: @LEN@\r\n"
				 "Stripe-Signature: @PSIG@\r\n\r\n{\"id\":\"evt_fuzz_stop\",\"type\":\"x\",\"data\":{\"object\":{}}}";
	struct answer a[8];

	run((const uint8_t *)rq, sizeof rq - 1, a, 8, 0);
	for (int i = 0; i < 8; i++)
		free(a[i].in.p);
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
	int at_once;         /* connections sending it at once (0: 1) */
} known[] = {
	{ "signed carrier Event", POST_C LEN "X-Hmac-Signature: @CSIG@\r\n\r\n" CARRIER_EVENT, 1, { 503 }, 1 },
	{ "carrier Event signed with the old secret", POST_C LEN "X-Hmac-Signature: @CSIGOLD@\r\n\r\n" CARRIER_EVENT, 1, { 503 }, 1 },
	{ "signed carrier body, not JSON", POST_C LEN "X-Hmac-Signature: @CSIG@\r\n\r\nnot json {\x01\xff", 1, { 503 }, 1 },
	{ "signed carrier Event, chunked", POST_C "@CHUNKED@\r\nX-Hmac-Signature: @CSIG@\r\n\r\n" CARRIER_EVENT, 1, { 503 }, 1 },
	{ "carrier Event, forged signature", POST_C LEN "X-Hmac-Signature: hmac-sha256-hex="
	  "00000000000000000000000000000000000000000000000000000000000000ff\r\n\r\n" CARRIER_EVENT, 1, { 401 }, 1 },
	{ "carrier Event, payment signature", POST_C LEN "X-Hmac-Signature: @PSIG@\r\n\r\n" CARRIER_EVENT, 1, { 401 }, 1 },
	{ "carrier Event, no signature", POST_C LEN "\r\n" CARRIER_EVENT, 1, { 401 }, 1 },
	{ "signed carrier Event over 256 KiB", POST_C LEN "X-Hmac-Signature: @CSIG@\r\n\r\n"
	  "{\"id\":\"evt_fuzz_big\",@FILL:300@\"object\":\"Event\"}", 1, { 413 }, 1 },
	{ "signed carrier Event over 1 MiB", POST_C LEN "X-Hmac-Signature: @CSIG@\r\n\r\n"
	  "{\"id\":\"evt_fuzz_huge\",@FILL:1100@\"object\":\"Event\"}", 1, { 413 }, 1 },
	{ "signed payment event", POST_P LEN "Stripe-Signature: @PSIG@\r\n\r\n" PAY_EVENT, 1, { 503 }, 1 },
	{ "payment event signed with the old secret", POST_P LEN "Stripe-Signature: @PSIGOLD@\r\n\r\n" PAY_EVENT, 1, { 503 }, 1 },
	{ "signed payment event, chunked", POST_P "@CHUNKED@\r\nStripe-Signature: @PSIG@\r\n\r\n" PAY_EVENT, 1, { 503 }, 1 },
	{ "signed payment body, not JSON", POST_P LEN "Stripe-Signature: @PSIG@\r\n\r\nnot json {\x01\xff", 1, { 400 }, 1 },
	{ "stale payment signature", POST_P LEN "Stripe-Signature: @PSTALE@\r\n\r\n" PAY_EVENT, 1, { 400 }, 1 },
	{ "payment event, carrier signature", POST_P LEN "Stripe-Signature: @CSIG@\r\n\r\n" PAY_EVENT, 1, { 400 }, 1 },
	{ "payment event, no signature", POST_P LEN "\r\n" PAY_EVENT, 1, { 400 }, 1 },
	{ "signed payment event over 256 KiB", POST_P LEN "Stripe-Signature: @PSIG@\r\n\r\n"
	  "{\"id\":\"evt_fuzz_pbig\",@FILL:300@\"type\":\"x\",\"data\":{\"object\":{}}}", 1, { 503 }, 1 },
	{ "signed payment event over 1 MiB", POST_P LEN "Stripe-Signature: @PSIG@\r\n\r\n"
	  "{\"id\":\"evt_fuzz_phuge\",@FILL:1100@\"type\":\"x\",\"data\":{\"object\":{}}}", 1, { 413 }, 1 },
	{ "GET of a route", "GET /webhooks/carrier HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 1, { 404 }, 1 },
	{ "PUT of a route", "PUT /webhooks/payment HTTP/1.1\r\nHost: x\r\n" LEN "Stripe-Signature: @PSIG@\r\n\r\n" PAY_EVENT, 1, { 404 }, 1 },
	{ "no such path", "POST /webhooks/carrier/ HTTP/1.1\r\nHost: x\r\n" LEN "X-Hmac-Signature: @CSIG@\r\n\r\n" CARRIER_EVENT, 1, { 404 }, 1 },
	{ "pipelined", POST_C LEN "X-Hmac-Signature: @CSIG@\r\n\r\n" CARRIER_EVENT "@EOB@"
	  POST_P LEN "Stripe-Signature: @PSIG@\r\n\r\n" PAY_EVENT "@EOB@"
	  "GET /webhooks/payment HTTP/1.1\r\nHost: x\r\n\r\n", 3, { 503, 503, 404 }, 1 },
	{ "HTTP/1.0 without Host", "POST /webhooks/carrier HTTP/1.0\r\n" LEN "X-Hmac-Signature: @CSIG@\r\n\r\n" CARRIER_EVENT, 1, { 503 }, 1 },
	{ "Content-Length past 2^64", POST_C "Content-Length: 99999999999999999999999\r\n\r\n{}", 1, { 413 }, 1 },
	{ "body cut short", POST_C "Content-Length: 100\r\nX-Hmac-Signature: @CSIG@\r\n\r\n{\"id\":", 0, { 0 }, 1 },
	{ "signed carrier Event, sent in pieces", POST_C LEN "X-Hmac-@PAUSE@Signature: @CSIG@\r\n\r\n"
	  "{\"id\":\"evt_fuzz_c1\",@PAUSE@\"object\":\"Event\"@PAUSE@}", 1, { 503 }, 1 },
	{ "signed payment event, chunked, sent in pieces", POST_P "@CHUNKED@\r\nStripe-Signature: @PSIG@\r\n\r\n"
	  "{\"id\":\"evt_fuzz_p1\",@PAUSE@\"type\":\"x\",\"data\":{\"object\":{}}@PAUSE@}", 1, { 503 }, 1 },
	{ "8 signed carrier Events at once", POST_C LEN "X-Hmac-Signature: @CSIG@\r\n\r\n" CARRIER_EVENT, 1, { 503 }, 8 },
	{ "8 signed payment events at once", POST_P LEN "Stripe-Signature: @PSIG@\r\n\r\n" PAY_EVENT, 1, { 503 }, 8 },
	{ "8 pipelines at once", POST_C LEN "X-Hmac-Signature: @CSIG@\r\n\r\n" CARRIER_EVENT "@EOB@"
	  POST_P LEN "Stripe-Signature: @PSIG@\r\n\r\n" PAY_EVENT "@EOB@"
	  POST_C LEN "X-Hmac-Signature: @CSIGOLD@\r\n\r\n" CARRIER_EVENT, 3, { 503, 503, 503 }, 8 },
	/* the sender gone before the answer: nothing to read; the next
	 * known answers show the listener still answers */
	{ "signed carrier Event, then a reset", POST_C LEN "X-Hmac-Signature: @CSIG@@RST@\r\n\r\n" CARRIER_EVENT, 0, { 0 }, 4 },
	{ "signed payment event, then a reset", POST_P LEN "Stripe-Signature: @PSIG@@RST@\r\n\r\n" PAY_EVENT, 0, { 0 }, 4 },
	{ "after the resets", POST_C LEN "X-Hmac-Signature: @CSIG@\r\n\r\n" CARRIER_EVENT, 1, { 503 }, 2 },
};

static void
known_answers(void)
{
	char what[200];
	struct answer a[8];
	bool limited = false;

	for (size_t k = 0; k < sizeof known / sizeof known[0]; k++) {
		const struct known *t = &known[k];
		int n = t->at_once ? t->at_once : 1;

		run((const uint8_t *)t->req, strlen(t->req), a, n, t->n);
		for (int c = 0; c < n; c++) {
			bool same = a[c].nstatus == t->n;
			for (int i = 0; same && i < t->n; i++)
				same = a[c].statuses[i] == t->want[i];
			if (!same) {
				snprintf(what, sizeof what,
					 "known answer: %s: %d response(s), the first %d, expected %d and %d",
					 t->name, a[c].nstatus, a[c].nstatus ? a[c].statuses[0] : 0, t->n, t->want[0]);
				die(what, a[c].in.p, a[c].in.len);
			}
			free(a[c].in.p);
		}
	}
	/* the rate limit: one carrier request a second, bursts of 2 */
	carrier_events_configure("carrier_old_7d1e carrier_new_c05b", 1);
	for (int i = 0; i < 20 && !limited; i++) {
		static const char rq[] = POST_C LEN "\r\n{}";
		run((const uint8_t *)rq, sizeof rq - 1, a, 1, 1);
		if (a[0].nstatus != 1 || (a[0].statuses[0] != 401 && a[0].statuses[0] != 429))
			die("known answer: rate limit: not 401 or 429", a[0].in.p, a[0].in.len);
		limited = a[0].statuses[0] == 429;
		free(a[0].in.p);
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
	/* after each input, a signed event that must reach the database
	 * step: the listener is neither wedged nor short of a connection */
	static const char *const probes[] = {
		POST_C LEN "X-Hmac-Signature: @CSIG@\r\n\r\n" CARRIER_EVENT,
		POST_P LEN "Stripe-Signature: @PSIG@\r\n\r\n" PAY_EVENT,
	};
	static unsigned nprobe;
	struct answer a[PARALLEL];

	long long t0;

	if (!listener)
		start();
	t0 = ms_now();
	run(data, size, a, PARALLEL, -1);
	if (getenv("OMS_FUZZ_VERBOSE")) {      /* what each input got, to curate the corpus */
		fprintf(stderr, "fuzz_webhook_http: %zu bytes, %lld ms:", size, ms_now() - t0);
		for (int i = 0; i < a[0].nstatus; i++)
			fprintf(stderr, " %d", a[0].statuses[i]);
		fprintf(stderr, "%s\n", a[0].reset ? " (reset)" : "");
	}
	for (int i = 0; i < PARALLEL; i++)
		free(a[i].in.p);
	t0 = ms_now();
	run((const uint8_t *)probes[nprobe % 2], strlen(probes[nprobe % 2]), a, 1, 1);
	if (getenv("OMS_FUZZ_VERBOSE"))
		fprintf(stderr, "fuzz_webhook_http: probe %u, %lld ms\n", nprobe % 2, ms_now() - t0);
	if (a[0].nstatus != 1 || a[0].statuses[0] != 503)
		die("after the input, a signed event was not answered 503", a[0].in.p, a[0].in.len);
	free(a[0].in.p);
	nprobe++;
	return 0;
}
