## fragment: sql — the schema migrations and the demo data generator, both
## compiled into oms as C strings by build-aux/sql2c. Sources are read from
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
	sql/0014_session_proof.sql

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
	sql/demo/90_verify.sql

OMS_SQL2C = $(top_srcdir)/build-aux/sql2c

nodist_liboms_core_a_SOURCES += src/migrations.c src/demo_sql.c
BUILT_SOURCES += src/migrations.c src/demo_sql.c
CLEANFILES += src/migrations.c src/demo_sql.c
EXTRA_DIST += build-aux/sql2c sql/migrations.h $(OMS_MIGRATIONS) $(OMS_DEMO_SQL)

src/migrations.c: $(OMS_MIGRATIONS) $(OMS_SQL2C) $(srcdir)/sql/sql.mk
	$(AM_V_GEN)$(MKDIR_P) src && \
	$(SHELL) $(OMS_SQL2C) migrations $(srcdir) $@ $(OMS_MIGRATIONS)

src/demo_sql.c: $(OMS_DEMO_SQL) $(OMS_SQL2C) $(srcdir)/sql/sql.mk
	$(AM_V_GEN)$(MKDIR_P) src && \
	$(SHELL) $(OMS_SQL2C) demo $(srcdir) $@ $(OMS_DEMO_SQL)
dist_man_MANS += man/oms-schema.7
