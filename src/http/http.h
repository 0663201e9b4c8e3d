/* Transfers to the outside world over one libcurl multi handle.
 *
 * Nothing outside src/http includes curl: callers describe a request,
 * start it, and get a struct http_response in a callback from
 * http_engine_wait(), which also watches the caller's own descriptors (the
 * PostgreSQL socket for NOTIFY, the signal pipe) so a worker sleeps in one
 * place. Several transfers run at once; connections are reused.
 *
 * TLS peer and host verification are always on (there is no option to
 * turn them off); only http, https, smtp and smtps are allowed, redirects
 * are not followed. API keys go into headers and are never logged. */
#ifndef OMS_HTTP_HTTP_H
#define OMS_HTTP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include "status.h"

struct http_engine;

struct http_response {
	long status;            /* HTTP status or last SMTP reply code; 0 = none */
	int transport_error;    /* 0 or the libcurl error code */
	bool timed_out;
	char *body;             /* NUL-terminated, at most 1 MiB; NULL if empty */
	size_t len;
	char errmsg[256];       /* transport error, one line */
	/* What the server said about trying again (HTTP only): Retry-After
	 * in milliseconds (seconds or an HTTP date; -1 when absent), and
	 * Stripe-Should-Retry (1 true, 0 false, -1 absent). replayed: the
	 * answer is an idempotent replay of an earlier one
	 * (Idempotent-Replayed: true). */
	long long retry_after_ms;
	int should_retry;
	bool replayed;
};

typedef void (*http_done_fn)(const struct http_response *resp, void *arg);

struct http_endpoint {
	const char *base_url;   /* "https://api.example.com", no trailing path */
	const char *api_key;    /* sent as "Authorization: Bearer ..." */
	long connect_timeout_ms;
	long timeout_ms;
	const char *ca_file;    /* NULL: the system store */
	const char *api_version; /* sent as "Stripe-Version: ..." when set */
	/* false: https:// only. true: http:// is allowed to a loopback
	 * address too ([payment] allow_insecure_loopback, for the tests' fakes). */
	bool insecure_loopback_ok;
};

struct smtp_endpoint {
	const char *url;        /* smtp://host:port or smtps://host:port */
	const char *username;   /* NULL: no AUTH */
	const char *password;
	bool require_tls;       /* STARTTLS required on smtp:// */
	long connect_timeout_ms;
	long timeout_ms;
	const char *ca_file;
};

/* Once per process, before threads (there are none). */
enum oms_status http_global_init(struct oms_error *err);
void http_global_cleanup(void);

struct http_engine *http_engine_new(struct oms_error *err);
void http_engine_free(struct http_engine *e);   /* aborts what is running */

enum oms_status http_start_get(struct http_engine *e, const struct http_endpoint *ep,
			       const char *path, http_done_fn fn, void *arg,
			       struct oms_error *err);
enum oms_status http_start_post_form(struct http_engine *e, const struct http_endpoint *ep,
				     const char *path, const char *form,
				     const char *idempotency_key, http_done_fn fn, void *arg,
				     struct oms_error *err);
/* msg is the whole message (headers, blank line, body) with CRLF line ends. */
enum oms_status http_start_smtp(struct http_engine *e, const struct smtp_endpoint *ep,
				const char *from, const char *rcpt, const char *msg, size_t len,
				http_done_fn fn, void *arg, struct oms_error *err);

/* One SMTP session that sends nothing (EHLO, NOOP, QUIT; STARTTLS as
 * http_start_smtp would, never AUTH), to learn what the relay offers:
 * blocks at most max_ms. The relay's replies as they came (malloc'd, the
 * caller frees), or NULL and *err when none came. */
char *http_smtp_probe(const struct smtp_endpoint *ep, long max_ms, struct oms_error *err);

unsigned http_engine_active(const struct http_engine *e);
/* Waits at most timeout_ms for progress on the transfers or for one of
 * fds[] to become readable (ready[i] tells which), then calls the callbacks
 * of the transfers that finished. */
enum oms_status http_engine_wait(struct http_engine *e, int timeout_ms, const int *fds,
				 bool *ready, int nfds, struct oms_error *err);

#endif
