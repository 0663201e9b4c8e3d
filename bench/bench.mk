## fragment: bench — benchmarks at the specification's full volume.
## `make bench` runs them one after the other (never part of `make check`);
## see bench/README for what they measure and how long they take. The
## first run loads the full demo data set (1M orders) into a private demo
## cluster, which later runs reuse.
bench_files = bench/lib.sh bench/lookup.sh bench/cancel.sh bench/worker.sh bench/mixed.sh bench/export.sh \
	bench/report.sh bench/webhook.sh bench/queue.sh
EXTRA_DIST += $(bench_files) bench/README

BENCH_ENVIRONMENT = OMS_SRCDIR='$(abs_top_srcdir)' OMS_BUILDDIR='$(abs_top_builddir)' \
	OMS_PG_BINDIR='$(PG_BINDIR)' TZ=UTC LC_ALL=C.UTF-8

bench: oms$(EXEEXT) oms-worker$(EXEEXT)
	$(BENCH_ENVIRONMENT) bash $(srcdir)/bench/lookup.sh
	$(BENCH_ENVIRONMENT) bash $(srcdir)/bench/cancel.sh
	$(BENCH_ENVIRONMENT) bash $(srcdir)/bench/worker.sh
	$(BENCH_ENVIRONMENT) bash $(srcdir)/bench/webhook.sh
	$(BENCH_ENVIRONMENT) bash $(srcdir)/bench/queue.sh
	$(BENCH_ENVIRONMENT) bash $(srcdir)/bench/export.sh
	$(BENCH_ENVIRONMENT) bash $(srcdir)/bench/report.sh
	$(BENCH_ENVIRONMENT) bash $(srcdir)/bench/mixed.sh

# The mixed CSR workload alone (bench/mixed.sh; options in BENCH_MIXED_ARGS,
# e.g. BENCH_MIXED_ARGS='--scale tiny --seconds 5').
bench-mixed: oms$(EXEEXT)
	$(BENCH_ENVIRONMENT) bash $(srcdir)/bench/mixed.sh $(BENCH_MIXED_ARGS)
.PHONY: bench bench-mixed
