## fragment: src/http — the only code that speaks libcurl to the outside
## world: the HTTP and SMTP clients (payment gateway, mail relay), what
## they send and parse (payment.c, mail.c, template.c), and the breaker
## and backoff that guard every call. The worker that uses them: src/worker.
noinst_LIBRARIES += liboms_http.a
liboms_http_a_SOURCES = \
	src/http/backoff.c src/http/backoff.h \
	src/http/breaker.c src/http/breaker.h \
	src/http/http.c src/http/http.h \
	src/http/hmac.c src/http/hmac.h \
	src/http/payment.c src/http/payment.h \
	src/http/carrier.c src/http/carrier.h \
	src/http/mail.c src/http/mail.h \
	src/http/mime.c src/http/mime.h \
	src/http/template.c src/http/template.h

## libFuzzer targets (not built by `all` or `check`): `make fuzz`, then e.g.
##   ./fuzz_payment -max_total_time=60 $(top_srcdir)/tests/fuzz/corpus/payment
FUZZ_CC = clang
FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -I$(top_builddir) -I$(top_srcdir)/src
FUZZ_PROGS = fuzz_payment fuzz_template fuzz_tracker fuzz_webhook
EXTRA_DIST += tests/fuzz/fuzz_payment.c tests/fuzz/fuzz_template.c tests/fuzz/corpus
EXTRA_DIST += tests/fuzz/fuzz_tracker.c tests/fuzz/fuzz_webhook.c
CLEANFILES += $(FUZZ_PROGS)

fuzz: $(FUZZ_PROGS)
fuzz_payment: $(top_srcdir)/tests/fuzz/fuzz_payment.c $(top_srcdir)/src/http/payment.c $(top_srcdir)/src/http/hmac.c
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(JANSSON_CFLAGS) -o $@ $^ $(JANSSON_LIBS)
fuzz_template: $(top_srcdir)/tests/fuzz/fuzz_template.c $(top_srcdir)/src/http/template.c
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $^
fuzz_tracker: $(top_srcdir)/tests/fuzz/fuzz_tracker.c $(top_srcdir)/src/http/carrier.c $(top_srcdir)/src/http/hmac.c $(top_srcdir)/src/http/http.c liboms_core.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(JANSSON_CFLAGS) $(LIBCURL_CFLAGS) -o $@ $^ $(JANSSON_LIBS) $(LIBCURL_LIBS)
fuzz_webhook: $(top_srcdir)/tests/fuzz/fuzz_webhook.c $(top_srcdir)/src/http/payment.c $(top_srcdir)/src/http/hmac.c
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(JANSSON_CFLAGS) -o $@ $^ $(JANSSON_LIBS)
.PHONY: fuzz
