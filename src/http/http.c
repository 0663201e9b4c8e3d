#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "conf.h"
#include "http/http.h"

#define HTTP_MAX_BODY (1024 * 1024)
#define HTTP_MAX_WAIT_FDS 8

struct xfer {
	struct xfer *next;
	CURL *easy;
	struct curl_slist *headers;
	struct curl_slist *rcpt;
	char *upload;            /* SMTP message or POST body (owned) */
	size_t upload_len, upload_pos;
	struct http_response resp;
	char errbuf[CURL_ERROR_SIZE];
	bool overflow;
	http_done_fn fn;
	void *arg;
};

struct http_engine {
	CURLM *multi;
	struct xfer *xfers;
	unsigned active;
};

enum oms_status
http_global_init(struct oms_error *err)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return oms_fail(err, OMS_HTTP, "cannot initialise libcurl");
	return OMS_OK;
}

void
http_global_cleanup(void)
{
	curl_global_cleanup();
}

struct http_engine *
http_engine_new(struct oms_error *err)
{
	struct http_engine *e = calloc(1, sizeof *e);

	if (!e) {
		oms_fail(err, OMS_NOMEM, "out of memory");
		return NULL;
	}
	e->multi = curl_multi_init();
	if (!e->multi) {
		free(e);
		oms_fail(err, OMS_HTTP, "cannot create a libcurl multi handle");
		return NULL;
	}
	return e;
}

static void
xfer_free(struct xfer *x)
{
	if (x->easy)
		curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->headers);
	curl_slist_free_all(x->rcpt);
	free(x->upload);
	free(x->resp.body);
	free(x);
}

void
http_engine_free(struct http_engine *e)
{
	if (!e)
		return;
	while (e->xfers) {
		struct xfer *x = e->xfers;
		e->xfers = x->next;
		curl_multi_remove_handle(e->multi, x->easy);
		xfer_free(x);
	}
	curl_multi_cleanup(e->multi);
	free(e);
}

unsigned
http_engine_active(const struct http_engine *e)
{
	return e->active;
}

static size_t
on_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb;
	char *p;

	if (x->resp.len + n > HTTP_MAX_BODY) {
		x->overflow = true;
		return 0;       /* aborts the transfer: CURLE_WRITE_ERROR */
	}
	p = realloc(x->resp.body, x->resp.len + n + 1);
	if (!p)
		return 0;
	memcpy(p + x->resp.len, data, n);
	x->resp.body = p;
	x->resp.len += n;
	p[x->resp.len] = '\0';
	return n;
}

/* Case-insensitive "Name:" at the start of a header line; returns the
 * value with leading blanks skipped, or NULL. */
static const char *
header_value(const char *line, size_t len, const char *name)
{
	size_t n = strlen(name);

	if (len <= n || strncasecmp(line, name, n) != 0 || line[n] != ':')
		return NULL;
	line += n + 1;
	while (*line == ' ' || *line == '\t')
		line++;
	return line;
}

/* Response headers: only the few that say when (or whether) to try again. */
static size_t
on_header(char *data, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb;
	char line[256];
	const char *v;

	if (n >= sizeof line)
		return n;
	memcpy(line, data, n);
	line[n] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	if (!strncmp(line, "HTTP/", 5)) {
		/* a new response (after 100 Continue): forget the last one's */
		x->resp.retry_after_ms = -1;
		x->resp.should_retry = -1;
		x->resp.replayed = false;
	} else if ((v = header_value(line, strlen(line), "Retry-After")) != NULL) {
		char *end;
		long long secs = strtoll(v, &end, 10);
		if (end != v && *end == '\0' && secs >= 0) {
			x->resp.retry_after_ms = (secs > 86400 ? 86400 : secs) * 1000;
		} else {
			time_t when = curl_getdate(v, NULL), now = time(NULL);
			if (when != (time_t)-1)
				x->resp.retry_after_ms = when > now ? (long long)(when - now) * 1000 : 0;
		}
	} else if ((v = header_value(line, strlen(line), "Stripe-Should-Retry")) != NULL) {
		x->resp.should_retry = !strncasecmp(v, "true", 4) ? 1 : !strncasecmp(v, "false", 5) ? 0 : -1;
	} else if ((v = header_value(line, strlen(line), "Idempotent-Replayed")) != NULL) {
		x->resp.replayed = !strncasecmp(v, "true", 4);
	}
	return n;
}

/* SMTP: the relay's replies of the session (greeting, EHLO's extensions,
 * the answers to AUTH, MAIL, RCPT, DATA), one per line in resp.body, so
 * that the caller learns what the relay offers (notify.c). Never what we
 * sent: that holds the credentials and the message. */
static int
on_debug(CURL *c, curl_infotype type, char *data, size_t size, void *arg)
{
	struct xfer *x = arg;
	char *p;

	(void)c;
	if (type != CURLINFO_HEADER_IN || x->resp.len + size > HTTP_MAX_BODY)
		return 0;
	p = realloc(x->resp.body, x->resp.len + size + 1);
	if (!p)
		return 0;
	memcpy(p + x->resp.len, data, size);
	x->resp.body = p;
	x->resp.len += size;
	p[x->resp.len] = '\0';
	return 0;
}

static size_t
on_read(char *buf, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb, left = x->upload_len - x->upload_pos;

	if (n > left)
		n = left;
	memcpy(buf, x->upload + x->upload_pos, n);
	x->upload_pos += n;
	return n;
}

/* Options every transfer gets: timeouts, TLS verification, protocols. */
static struct xfer *
xfer_new(long connect_timeout_ms, long timeout_ms, const char *ca_file, bool smtp,
	 http_done_fn fn, void *arg, struct oms_error *err)
{
	struct xfer *x = calloc(1, sizeof *x);
	CURL *c;

	if (!x || !(x->easy = curl_easy_init())) {
		free(x);
		oms_fail(err, OMS_NOMEM, "out of memory");
		return NULL;
	}
	c = x->easy;
	x->fn = fn;
	x->arg = arg;
	curl_easy_setopt(c, CURLOPT_PRIVATE, (void *)x);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, connect_timeout_ms > 0 ? connect_timeout_ms : 5000L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 30000L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (ca_file && *ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, ca_file);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, smtp ? "smtp,smtps" : "http,https");
#else
	curl_easy_setopt(c, CURLOPT_PROTOCOLS,
			 smtp ? (long)(CURLPROTO_SMTP | CURLPROTO_SMTPS)
			      : (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, (void *)x);
	x->resp.retry_after_ms = -1;
	x->resp.should_retry = -1;
	if (!smtp) {
		curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(c, CURLOPT_HEADERDATA, (void *)x);
	} else {
		/* One connection per mail: a relay whose answer comes after our
		 * timeout would otherwise leave it in libcurl's pool with that
		 * answer still on its way, and the next mail's MAIL FROM would
		 * be read against it, out of step (issue 12). */
		curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
		curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
		curl_easy_setopt(c, CURLOPT_DEBUGDATA, (void *)x);
		curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
	}
	curl_easy_setopt(c, CURLOPT_USERAGENT, PACKAGE_NAME "-worker/" PACKAGE_VERSION);
	return x;
}

static enum oms_status
xfer_start(struct http_engine *e, struct xfer *x, struct oms_error *err)
{
	if (curl_multi_add_handle(e->multi, x->easy) != CURLM_OK) {
		xfer_free(x);
		return oms_fail(err, OMS_HTTP, "cannot start a transfer");
	}
	x->next = e->xfers;
	e->xfers = x;
	e->active++;
	return OMS_OK;
}

static char *
join_url(const char *base, const char *path)
{
	size_t bl = strlen(base), pl = strlen(path);
	char *u = malloc(bl + pl + 2);

	if (!u)
		return NULL;
	while (bl > 0 && base[bl - 1] == '/')
		bl--;
	memcpy(u, base, bl);
	if (pl == 0 || path[0] != '/')
		u[bl++] = '/';
	memcpy(u + bl, path, pl + 1);
	return u;
}

static bool
add_header(struct xfer *x, const char *name, const char *value)
{
	size_t n = strlen(name) + strlen(value) + 3;
	char *h = malloc(n);
	struct curl_slist *l;

	if (!h)
		return false;
	strcpy(h, name);
	strcat(h, ": ");
	strcat(h, value);
	/* A value with a line break would smuggle a header: refuse it. */
	if (strpbrk(value, "\r\n")) {
		free(h);
		return false;
	}
	l = curl_slist_append(x->headers, h);
	free(h);
	if (!l)
		return false;
	x->headers = l;
	return true;
}

static bool
add_header_bearer(struct xfer *x, const char *key)
{
	size_t n = strlen(key) + 8;
	char *v = malloc(n);
	bool ok;

	if (!v)
		return false;
	strcpy(v, "Bearer ");
	strcat(v, key);
	ok = add_header(x, "Authorization", v);
	memset(v, 0, n);
	free(v);
	return ok;
}

static enum oms_status
http_prepare(struct http_engine *e, const struct http_endpoint *ep, const char *path,
	     http_done_fn fn, void *arg, struct xfer **out, struct oms_error *err)
{
	struct xfer *x;
	char *url;

	if (!ep->base_url || !*ep->base_url)
		return oms_fail(err, OMS_CONFIG, "no base URL configured for the payment gateway");
	if (strncasecmp(ep->base_url, "https://", 8) != 0 &&
	    !(ep->insecure_loopback_ok && config_url_is_loopback(ep->base_url)))
		return oms_fail(err, OMS_CONFIG, "the payment gateway's base URL must be https:// "
				"(plain http only to a loopback address with allow_insecure_loopback = yes)");
	x = xfer_new(ep->connect_timeout_ms, ep->timeout_ms, ep->ca_file, false, fn, arg, err);
	if (!x)
		return OMS_NOMEM;
	url = join_url(ep->base_url, path);
	if (!url || !add_header(x, "Accept", "application/json") ||
	    (ep->api_key && *ep->api_key && !add_header_bearer(x, ep->api_key)) ||
	    (ep->api_version && *ep->api_version && !add_header(x, "Stripe-Version", ep->api_version))) {
		free(url);
		xfer_free(x);
		return oms_fail(err, OMS_INVALID, "cannot build the request headers");
	}
	curl_easy_setopt(x->easy, CURLOPT_URL, url);
	free(url);     /* libcurl copies string options */
	*out = x;
	(void)e;
	return OMS_OK;
}

enum oms_status
http_start_get(struct http_engine *e, const struct http_endpoint *ep, const char *path,
	       http_done_fn fn, void *arg, struct oms_error *err)
{
	struct xfer *x;
	enum oms_status st = http_prepare(e, ep, path, fn, arg, &x, err);

	if (st != OMS_OK)
		return st;
	curl_easy_setopt(x->easy, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->headers);
	return xfer_start(e, x, err);
}

enum oms_status
http_start_post_form(struct http_engine *e, const struct http_endpoint *ep, const char *path,
		     const char *form, const char *idempotency_key, http_done_fn fn, void *arg,
		     struct oms_error *err)
{
	struct xfer *x;
	enum oms_status st = http_prepare(e, ep, path, fn, arg, &x, err);

	if (st != OMS_OK)
		return st;
	if (!add_header(x, "Content-Type", "application/x-www-form-urlencoded") ||
	    (idempotency_key && !add_header(x, "Idempotency-Key", idempotency_key)) ||
	    !(x->upload = strdup(form))) {
		xfer_free(x);
		return oms_fail(err, OMS_INVALID, "cannot build the request");
	}
	x->upload_len = strlen(form);
	curl_easy_setopt(x->easy, CURLOPT_POST, 1L);
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, x->upload);
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)x->upload_len);
	/* No "Expect: 100-continue" round trip for small bodies. */
	if (!add_header(x, "Expect", "")) {
		xfer_free(x);
		return oms_fail(err, OMS_NOMEM, "out of memory");
	}
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->headers);
	return xfer_start(e, x, err);
}

/* "<addr>" for the envelope; refuses anything that could break the SMTP
 * command line. */
static char *
envelope_addr(const char *addr)
{
	size_t n = strlen(addr);
	char *s;

	if (n == 0 || n > 254 || strpbrk(addr, "\r\n<> \t\"") || !strchr(addr, '@'))
		return NULL;
	s = malloc(n + 3);
	if (!s)
		return NULL;
	s[0] = '<';
	memcpy(s + 1, addr, n);
	s[n + 1] = '>';
	s[n + 2] = '\0';
	return s;
}

enum oms_status
http_start_smtp(struct http_engine *e, const struct smtp_endpoint *ep, const char *from,
		const char *rcpt, const char *msg, size_t len, http_done_fn fn, void *arg,
		struct oms_error *err)
{
	struct xfer *x;
	char *f, *r;
	struct curl_slist *l;

	if (!ep->url || !*ep->url)
		return oms_fail(err, OMS_CONFIG, "no [mail] smtp_url configured");
	f = envelope_addr(from);
	r = envelope_addr(rcpt);
	if (!f || !r) {
		free(f);
		free(r);
		return oms_fail(err, OMS_INVALID, "%s address is not usable for SMTP",
				f ? "recipient" : "sender");
	}
	x = xfer_new(ep->connect_timeout_ms, ep->timeout_ms, ep->ca_file, true, fn, arg, err);
	if (!x) {
		free(f);
		free(r);
		return OMS_NOMEM;
	}
	l = curl_slist_append(NULL, r);
	x->upload = malloc(len ? len : 1);
	if (!l || !x->upload) {
		curl_slist_free_all(l);
		free(f);
		free(r);
		xfer_free(x);
		return oms_fail(err, OMS_NOMEM, "out of memory");
	}
	x->rcpt = l;
	memcpy(x->upload, msg, len);
	x->upload_len = len;
	curl_easy_setopt(x->easy, CURLOPT_URL, ep->url);
	curl_easy_setopt(x->easy, CURLOPT_MAIL_FROM, f);
	curl_easy_setopt(x->easy, CURLOPT_MAIL_RCPT, x->rcpt);
	curl_easy_setopt(x->easy, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(x->easy, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(x->easy, CURLOPT_READDATA, (void *)x);
	curl_easy_setopt(x->easy, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(x->easy, CURLOPT_USE_SSL, ep->require_tls ? (long)CURLUSESSL_ALL
								  : (long)CURLUSESSL_TRY);
	if (ep->username && *ep->username) {
		curl_easy_setopt(x->easy, CURLOPT_USERNAME, ep->username);
		curl_easy_setopt(x->easy, CURLOPT_PASSWORD, ep->password ? ep->password : "");
	}
	free(f);
	free(r);
	return xfer_start(e, x, err);
}

char *
http_smtp_probe(const struct smtp_endpoint *ep, long max_ms, struct oms_error *err)
{
	struct xfer *x;
	CURLcode rc;
	char *replies;

	if (!ep->url || !*ep->url) {
		oms_fail(err, OMS_CONFIG, "no [mail] smtp_url configured");
		return NULL;
	}
	x = xfer_new(ep->connect_timeout_ms > 0 && ep->connect_timeout_ms < max_ms ? ep->connect_timeout_ms : max_ms,
		     ep->timeout_ms > 0 && ep->timeout_ms < max_ms ? ep->timeout_ms : max_ms, ep->ca_file, true,
		     NULL, NULL, err);
	if (!x)
		return NULL;
	curl_easy_setopt(x->easy, CURLOPT_URL, ep->url);
	curl_easy_setopt(x->easy, CURLOPT_CUSTOMREQUEST, "NOOP");
	curl_easy_setopt(x->easy, CURLOPT_USE_SSL, ep->require_tls ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_TRY);
	rc = curl_easy_perform(x->easy);
	replies = x->resp.body;         /* whatever came: EHLO's answer came first */
	x->resp.body = NULL;
	if (!replies)
		oms_fail(err, OMS_HTTP, "%s", x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc));
	xfer_free(x);
	return replies;
}

static void
xfer_finish(struct http_engine *e, struct xfer *x, CURLcode rc)
{
	struct xfer **pp;
	long code = 0;

	for (pp = &e->xfers; *pp; pp = &(*pp)->next) {
		if (*pp == x) {
			*pp = x->next;
			break;
		}
	}
	e->active--;
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
	x->resp.status = code;
	if (rc != CURLE_OK) {
		const char *m = x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc);
		x->resp.transport_error = (int)rc;
		x->resp.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
		if (x->overflow)
			m = "answer too large";
		snprintf(x->resp.errmsg, sizeof x->resp.errmsg, "%s", m);
		x->resp.errmsg[strcspn(x->resp.errmsg, "\r\n")] = '\0';
		/* For HTTP a broken transfer has no trustworthy status. SMTP
		 * keeps the reply code: 4xx vs 5xx decides retry vs dead. */
		if (x->rcpt == NULL)
			x->resp.status = 0;
	}
	curl_multi_remove_handle(e->multi, x->easy);
	if (x->fn)
		x->fn(&x->resp, x->arg);
	xfer_free(x);
}

enum oms_status
http_engine_wait(struct http_engine *e, int timeout_ms, const int *fds, bool *ready, int nfds,
		 struct oms_error *err)
{
	struct curl_waitfd wfd[HTTP_MAX_WAIT_FDS];
	int running = 0, numfds = 0, left = 0, i;
	CURLMsg *m;

	if (nfds > HTTP_MAX_WAIT_FDS)
		nfds = HTTP_MAX_WAIT_FDS;
	for (i = 0; i < nfds; i++) {
		wfd[i].fd = fds[i];
		wfd[i].events = CURL_WAIT_POLLIN;
		wfd[i].revents = 0;
		ready[i] = false;
	}
	if (curl_multi_perform(e->multi, &running) != CURLM_OK)
		return oms_fail(err, OMS_HTTP, "libcurl multi perform failed");
	/* Finished transfers first: no need to sleep when a callback is due. */
	if (running == (int)e->active || e->active == 0) {
		if (curl_multi_poll(e->multi, wfd, (unsigned)nfds, timeout_ms, &numfds) != CURLM_OK)
			return oms_fail(err, OMS_HTTP, "libcurl multi poll failed");
		for (i = 0; i < nfds; i++)
			ready[i] = (wfd[i].revents & CURL_WAIT_POLLIN) != 0;
		if (curl_multi_perform(e->multi, &running) != CURLM_OK)
			return oms_fail(err, OMS_HTTP, "libcurl multi perform failed");
	}
	while ((m = curl_multi_info_read(e->multi, &left)) != NULL) {
		if (m->msg == CURLMSG_DONE) {
			struct xfer *x = NULL;
			CURLcode rc = m->data.result;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
			if (x)
				xfer_finish(e, x, rc);
		}
	}
	return OMS_OK;
}
