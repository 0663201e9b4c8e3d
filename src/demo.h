/* `oms demo`: a private PostgreSQL cluster with the schema and demo data,
 * for trying oms without a database administrator; and `oms seed`, which
 * loads the same demo data into an existing migrated database. */
#ifndef OMS_DEMO_H
#define OMS_DEMO_H

#include <stdio.h>
#include "ctx.h"
#include "status.h"

struct db;

/* The usage lines of oms demo and oms seed; their help is the command
 * registry's (src/cli/registry.c), which answers --help before they run. */
extern const char demo_usage_text[], seed_usage_text[];
/* `oms demo [--reset] [--stop] [--scale S] [--anchor TIME] [--as ROLE]
 * [--print-conninfo] [--no-worker]` and `oms demo --mail [N]`; argv[0] is
 * "demo". The demo also runs oms-worker against loopback fakes of the
 * payment gateway and the mail relay (python3 scripts in
 * $(pkgdatadir)/demo, or $OMS_DEMO_FAKES), stopped with it by --stop.
 * Returns the exit code. */
int demo_main(struct oms_ctx *ctx, int argc, char **argv);
/* `oms seed [--scale S] [--anchor TIME] [-d CONNINFO]`; argv[0] is "seed". */
int demo_seed_main(struct oms_ctx *ctx, int argc, char **argv);

/* The fixed end of the demo history (sql/demo/00_setup.sql): what oms seed
 * loads unless told otherwise, so that tests see the same data every day. */
#define DEMO_FIXED_ANCHOR "2026-11-01 12:00:00+00"

/* Runs the demo data scripts compiled into oms on db (as a superuser),
 * with oms_demo.scale set to scale ("tiny", "default" or "full") and
 * oms_demo.anchor to anchor, the end of the history: "now" (the time of
 * loading) or a timestamp PostgreSQL reads ("2026-11-01T12:00Z"); NULL is
 * DEMO_FIXED_ANCHOR. */
enum oms_status demo_seed(struct db *db, const char *scale, const char *anchor, FILE *out,
			  struct oms_error *err);

#endif
