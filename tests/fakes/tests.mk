## fragment: tests/fakes — oms-worker: unit tests of src/http, the fuzz
## corpus runs, and the journeys against the payment and SMTP fakes.
http_test_cflags = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
http_test_ldadd = liboms_http.a liboms_core.a $(CMOCKA_LIBS) $(LIBCURL_LIBS) $(JANSSON_LIBS) $(LIBPQ_LIBS)

check_PROGRAMS += tests/unit/test_backoff tests/unit/test_breaker tests/unit/test_payment \
	tests/unit/test_template tests/unit/test_fuzz_payment tests/unit/test_fuzz_template \
	tests/unit/test_mail
TESTS += tests/unit/test_backoff tests/unit/test_breaker tests/unit/test_payment \
	tests/unit/test_template tests/unit/test_fuzz_payment tests/unit/test_fuzz_template \
	tests/unit/test_mail

tests_unit_test_backoff_SOURCES = tests/unit/test_backoff.c
tests_unit_test_backoff_CFLAGS = $(http_test_cflags)
tests_unit_test_backoff_LDADD = $(http_test_ldadd)
tests_unit_test_breaker_SOURCES = tests/unit/test_breaker.c
tests_unit_test_breaker_CFLAGS = $(http_test_cflags)
tests_unit_test_breaker_LDADD = $(http_test_ldadd)
tests_unit_test_payment_SOURCES = tests/unit/test_payment.c
tests_unit_test_payment_CFLAGS = $(http_test_cflags)
tests_unit_test_payment_LDADD = $(http_test_ldadd)
tests_unit_test_template_SOURCES = tests/unit/test_template.c
tests_unit_test_template_CFLAGS = $(http_test_cflags)
tests_unit_test_template_LDADD = $(http_test_ldadd)
# Issue 12: mail by characters, MIME, and every template read by
# tests/fakes/mail_lint.py (policy.strict).
tests_unit_test_mail_SOURCES = tests/unit/test_mail.c
tests_unit_test_mail_CFLAGS = $(http_test_cflags)
tests_unit_test_mail_LDADD = $(http_test_ldadd)
# The libFuzzer entry functions, run over tests/fuzz/corpus by a plain main.
tests_unit_test_fuzz_payment_SOURCES = tests/fuzz/fuzz_payment.c tests/unit/fuzz_corpus_main.c
tests_unit_test_fuzz_payment_CFLAGS = $(http_test_cflags) -DFUZZ_CORPUS='"payment"'
tests_unit_test_fuzz_payment_LDADD = $(http_test_ldadd)
tests_unit_test_fuzz_template_SOURCES = tests/fuzz/fuzz_template.c tests/unit/fuzz_corpus_main.c
tests_unit_test_fuzz_template_CFLAGS = $(http_test_cflags) -DFUZZ_CORPUS='"template"'
tests_unit_test_fuzz_template_LDADD = $(http_test_ldadd)

# Journeys: a throwaway cluster, the fakes, real oms-worker processes.
TESTS += tests/fakes/worker_dead.test tests/fakes/worker_garbage.test \
	tests/fakes/worker_outage.test tests/fakes/worker_chaos.test \
	tests/fakes/worker_breaker.test tests/fakes/worker_sighup.test \
	tests/fakes/worker_verify.test tests/fakes/worker_stuck.test \
	tests/fakes/worker_lock.test tests/fakes/worker_pii.test tests/fakes/worker_secrets.test
# Issue 12, mail: the relay's own refusals, timeouts, AUTH, SMTPUTF8, the
# [mail] settings, the bounce address and unmasked Message-IDs.
TESTS += tests/fakes/worker_mail_relay.test tests/fakes/worker_mail_content.test \
	tests/fakes/worker_mail_timeout.test tests/fakes/worker_mail_hooks.test
EXTRA_DIST += tests/fakes/worker_mail_relay.test tests/fakes/worker_mail_timeout.test \
	tests/fakes/worker_mail_hooks.test tests/fakes/worker_mail_content.test tests/fakes/mail_lint.py
EXTRA_DIST += tests/fakes/worker_dead.test tests/fakes/worker_garbage.test \
	tests/fakes/worker_outage.test tests/fakes/worker_chaos.test \
	tests/fakes/worker_breaker.test tests/fakes/worker_sighup.test \
	tests/fakes/worker_verify.test tests/fakes/worker_stuck.test \
	tests/fakes/worker_lock.test tests/fakes/worker_pii.test tests/fakes/worker_secrets.test \
	tests/fakes/worker_lib.sh tests/fakes/fakelib.py tests/fakes/fakectl.py \
	tests/fakes/payment_fake.py tests/fakes/smtp_fake.py
# Issue 12, payments: the gateway as it behaves (verification states,
# capture, refunds checked and followed to the end).
TESTS += tests/fakes/worker_pay_verify.test
EXTRA_DIST += tests/fakes/worker_pay_verify.test
TESTS += tests/fakes/worker_pay_refund.test
EXTRA_DIST += tests/fakes/worker_pay_refund.test
TESTS += tests/fakes/worker_pay_webhook.test
EXTRA_DIST += tests/fakes/worker_pay_webhook.test
# Issue 12: a refund that fails after it succeeded, seen by polling.
TESTS += tests/fakes/worker_pay_recheck.test
EXTRA_DIST += tests/fakes/worker_pay_recheck.test
# Issue 12, mail: a UTF-8 recipient before any EHLO was seen (the probe).
TESTS += tests/fakes/worker_mail_utf8.test
EXTRA_DIST += tests/fakes/worker_mail_utf8.test
# Issue 11, carriers: tracker polling against the carrier-aggregator fake.
TESTS += tests/fakes/worker_carrier_poll.test
EXTRA_DIST += tests/fakes/worker_carrier_poll.test tests/fakes/carrier_fake.py
# Issue 11: what the webhook listener's carrier route does with one
# request (signature first, stored once by id, 5xx without the database).
check_PROGRAMS += tests/fakes/carrier_event_drive
tests_fakes_carrier_event_drive_SOURCES = tests/fakes/carrier_event_drive.c
tests_fakes_carrier_event_drive_LDADD = liboms_worker.a liboms_http.a liboms_core.a \
	$(LIBPQ_LIBS) $(LIBCURL_LIBS) $(JANSSON_LIBS) $(MHD_LIBS)
# and through oms-worker's listener, with the carrier-aggregator fake sending
TESTS += tests/fakes/worker_carrier_listener.test
EXTRA_DIST += tests/fakes/worker_carrier_listener.test
# and committed in groups (many at once, refusals among them, duplicates,
# the database going away under a group)
TESTS += tests/fakes/worker_carrier_group.test
EXTRA_DIST += tests/fakes/worker_carrier_group.test
TESTS += tests/fakes/worker_carrier_webhook.test
EXTRA_DIST += tests/fakes/worker_carrier_webhook.test tests/fakes/carrier_event_drive.c
# Issue 11: the aggregator client's hashing, signature check and Tracker
# parser, and the tracker fuzz target over its corpus.
check_PROGRAMS += tests/unit/test_carrier tests/unit/test_fuzz_tracker
TESTS += tests/unit/test_carrier tests/unit/test_fuzz_tracker
tests_unit_test_carrier_SOURCES = tests/unit/test_carrier.c
tests_unit_test_carrier_CFLAGS = $(http_test_cflags)
tests_unit_test_carrier_LDADD = $(http_test_ldadd)
tests_unit_test_fuzz_tracker_SOURCES = tests/fuzz/fuzz_tracker.c tests/unit/fuzz_corpus_main.c
tests_unit_test_fuzz_tracker_CFLAGS = $(http_test_cflags) -DFUZZ_CORPUS='"tracker"'
tests_unit_test_fuzz_tracker_LDADD = $(http_test_ldadd)
# The gateway webhook's Stripe-Signature check, fuzzed (issue 11).
check_PROGRAMS += tests/unit/test_fuzz_webhook
TESTS += tests/unit/test_fuzz_webhook
tests_unit_test_fuzz_webhook_SOURCES = tests/fuzz/fuzz_webhook.c tests/unit/fuzz_corpus_main.c
tests_unit_test_fuzz_webhook_CFLAGS = $(http_test_cflags) -DFUZZ_CORPUS='"webhook"'
tests_unit_test_fuzz_webhook_LDADD = $(http_test_ldadd)
# The webhook listener's HTTP request path (libmicrohttpd, the routes,
# the body limit, the handlers up to the database), fuzzed (issue 11).
check_PROGRAMS += tests/unit/test_fuzz_webhook_http
TESTS += tests/unit/test_fuzz_webhook_http
tests_unit_test_fuzz_webhook_http_SOURCES = tests/fuzz/fuzz_webhook_http.c tests/unit/fuzz_corpus_main.c
tests_unit_test_fuzz_webhook_http_CFLAGS = $(http_test_cflags) $(MHD_CFLAGS) -DFUZZ_CORPUS='"webhook_http"'
tests_unit_test_fuzz_webhook_http_LDADD = liboms_worker.a $(http_test_ldadd) $(MHD_LIBS)
# Issue 10: the worker folds the report summaries' delta rows.
TESTS += tests/fakes/worker_report_fold.test
EXTRA_DIST += tests/fakes/worker_report_fold.test
# Issues 11, 13: refresh tracking wakes the worker's poller (NOTIFY oms_tracker).
TESTS += tests/fakes/worker_tracking_refresh.test
EXTRA_DIST += tests/fakes/worker_tracking_refresh.test
