## fragment: src/worker — oms-worker: the job-kind table (kinds.c), one
## file per job family (refund, verify, notify, inventory; the stuck
## sweep), the core (claim, retry/backoff, breakers, lease, done/dead/
## release), the settings and the loop. It speaks to the outside only
## through src/http and to the database only through src/db.
noinst_LIBRARIES += liboms_worker.a
liboms_worker_a_SOURCES = \
	src/worker/jobs.h src/worker/job.h src/worker/worker.h \
	src/worker/core.c src/worker/kinds.c \
	src/worker/refund.c src/worker/verify.c src/worker/notify.c \
	src/worker/inventory.c src/worker/stuck.c src/worker/fold.c src/worker/heartbeat.c src/worker/track.c \
	src/worker/carrier_events.c src/worker/carrier_events.h \
	src/worker/settings.c src/worker/loop.c

# The webhook listener (libmicrohttpd) and the payment gateway's events.
liboms_worker_a_SOURCES += src/worker/webhook.h src/worker/webhook.c src/worker/pay_events.c
liboms_worker_a_CPPFLAGS = $(AM_CPPFLAGS) $(MHD_CFLAGS)

sbin_PROGRAMS += oms-worker
oms_worker_SOURCES = src/worker/main.c
oms_worker_LDADD = liboms_worker.a liboms_http.a liboms_core.a \
	$(LIBPQ_LIBS) $(LIBCURL_LIBS) $(JANSSON_LIBS) $(MHD_LIBS)

dist_man_MANS += man/oms-worker.8

## libFuzzer target of the webhook listener's request path (issue 11), built
## by `make fuzz` (clang) with the listener's sources instrumented:
##   ./fuzz_webhook_http -dict=$(top_srcdir)/tests/fuzz/webhook_http.dict -max_total_time=300 \
##     $(top_srcdir)/tests/fuzz/corpus/webhook_http 2>fuzz.log
WEBHOOK_FUZZ_SRCS = $(top_srcdir)/tests/fuzz/fuzz_webhook_http.c \
	$(top_srcdir)/src/worker/webhook.c $(top_srcdir)/src/worker/carrier_events.c \
	$(top_srcdir)/src/worker/pay_events.c $(top_srcdir)/src/http/carrier.c \
	$(top_srcdir)/src/http/payment.c $(top_srcdir)/src/http/hmac.c $(top_srcdir)/src/http/http.c
EXTRA_DIST += tests/fuzz/webhook_http.dict
CLEANFILES += fuzz_webhook_http
fuzz: fuzz_webhook_http
# (the libraries after the sources: what they need that is not among them)
fuzz_webhook_http: $(WEBHOOK_FUZZ_SRCS) liboms_worker.a liboms_http.a liboms_core.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(MHD_CFLAGS) $(LIBPQ_CFLAGS) $(JANSSON_CFLAGS) $(LIBCURL_CFLAGS) -o $@ \
	  $(WEBHOOK_FUZZ_SRCS) liboms_worker.a liboms_http.a liboms_core.a \
	  $(MHD_LIBS) $(LIBPQ_LIBS) $(JANSSON_LIBS) $(LIBCURL_LIBS)
