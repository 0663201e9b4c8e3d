## fragment: sql — the schema migrations, the per-area function and view
## files and the demo data generator, all compiled into oms as C strings by
## build-aux/sql2c. Sources are read from
## $(srcdir); the generated C files live in the build directory.

# In order; `oms migrate` applies each in one transaction.
OMS_MIGRATIONS = \
	sql/0001_roles_schemas.sql \
	sql/0002_tables.sql \
	sql/0003_audit_rules.sql \
	sql/0004_security.sql \
	sql/0005_reports.sql \
	sql/0006_api_read.sql \
	sql/0007_api_write.sql \
	sql/0008_worker_support.sql \
	sql/0009_approvals.sql \
	sql/0010_stuck_shipments.sql \
	sql/0011_cancel_preview.sql \
	sql/0012_jobs.sql \
	sql/0013_reason_restore.sql \
	sql/0014_session_proof.sql \
	sql/0017_schema_definitions.sql \
	sql/0018_currency.sql \
	sql/0019_note_limit.sql \
	sql/0020_report_summaries.sql \
	sql/0021_name_search.sql \
	sql/0022_payment_gateway.sql \
	sql/0023_mail_identity.sql \
	sql/0024_export_secret.sql \
	sql/0025_carriers.sql \
	sql/0026_gateway_events.sql \
	sql/0027_name_search_index.sql \
	sql/0028_capture_release.sql \
	sql/0030_report_months.sql \
	sql/0031_worker_heartbeat.sql \
	sql/0032_fulfilment_more.sql \
	sql/0033_name_words.sql \
	sql/0034_service_levels.sql \
	sql/0035_flagged_shipments.sql \
	sql/0036_address_city.sql

# Functions and views, one definition each, grouped by area (sql/functions/
# README). `oms migrate` re-applies a file, in this order and in one
# transaction, whenever its text changed; new functions go here, never into
# a numbered migration.
OMS_DEFINITIONS = \
	sql/functions/10_core.sql \
	sql/functions/20_audit.sql \
	sql/functions/30_security.sql \
	sql/functions/40_read_api.sql \
	sql/functions/50_cancellation.sql \
	sql/functions/60_refunds.sql \
	sql/functions/70_payment_shipping.sql \
	sql/functions/75_carriers.sql \
	sql/functions/76_tracking_refresh.sql \
	sql/functions/77_tickets.sql \
	sql/functions/80_outbox.sql \
	sql/functions/82_mail.sql \
	sql/functions/85_approvals.sql \
	sql/functions/90_admin.sql \
	sql/functions/95_reports.sql \
	sql/functions/96_dashboard.sql \
	sql/functions/97_export.sql

# Demo data scripts (sql/demo/NN_*.sql, owned by the demo-data part; list
# a new file here so it is compiled in and distributed).
OMS_DEMO_SQL = \
	sql/demo/00_setup.sql \
	sql/demo/10_catalog.sql \
	sql/demo/20_customers.sql \
	sql/demo/30_orders.sql \
	sql/demo/40_shipping.sql \
	sql/demo/50_after_sales.sql \
	sql/demo/60_anchor.sql \
	sql/demo/70_audit.sql \
	sql/demo/80_finish.sql \
	sql/demo/85_report_summaries.sql \
	sql/demo/90_verify.sql

OMS_SQL2C = $(top_srcdir)/build-aux/sql2c

nodist_liboms_core_a_SOURCES += src/migrations.c src/definitions.c src/demo_sql.c
BUILT_SOURCES += src/migrations.c src/definitions.c src/demo_sql.c
CLEANFILES += src/migrations.c src/definitions.c src/demo_sql.c
EXTRA_DIST += build-aux/sql2c build-aux/schema-dump sql/migrations.h $(OMS_MIGRATIONS) \
	$(OMS_DEFINITIONS) sql/functions/README sql/schema.sql $(OMS_DEMO_SQL)

src/migrations.c: $(OMS_MIGRATIONS) $(OMS_SQL2C) $(srcdir)/sql/sql.mk
	$(AM_V_GEN)$(MKDIR_P) src && \
	$(SHELL) $(OMS_SQL2C) migrations $(srcdir) $@ $(OMS_MIGRATIONS)

src/definitions.c: $(OMS_DEFINITIONS) $(OMS_SQL2C) $(srcdir)/sql/sql.mk
	$(AM_V_GEN)$(MKDIR_P) src && \
	$(SHELL) $(OMS_SQL2C) definitions $(srcdir) $@ $(OMS_DEFINITIONS)

# sql/schema.sql: the whole current schema, as `oms migrate` leaves a fresh
# database (pg_dump --schema-only, normalised by build-aux/schema-dump).
# Regenerate after changing a migration or an area file; tests/db/schema.test
# fails while it is out of date. Needs PostgreSQL 15's initdb and pg_dump.
schema: oms$(EXEEXT)
	$(AM_V_GEN)OMS_SRCDIR=$(abs_top_srcdir) OMS_BUILDDIR=$(abs_top_builddir) \
	$(SHELL) $(srcdir)/build-aux/schema-dump >$(srcdir)/sql/schema.sql.tmp && \
	mv $(srcdir)/sql/schema.sql.tmp $(srcdir)/sql/schema.sql
.PHONY: schema

src/demo_sql.c: $(OMS_DEMO_SQL) $(OMS_SQL2C) $(srcdir)/sql/sql.mk
	$(AM_V_GEN)$(MKDIR_P) src && \
	$(SHELL) $(OMS_SQL2C) demo $(srcdir) $@ $(OMS_DEMO_SQL)
dist_man_MANS += man/oms-schema.7
