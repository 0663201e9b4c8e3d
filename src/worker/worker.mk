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
