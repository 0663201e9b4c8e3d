/* `oms migrate`: applies the SQL migrations compiled into the binary
 * (sql/NNNN_*.sql, see sql/migrations.h), each in its own transaction, and
 * records them in oms.schema_migrations; then re-applies each per-area file
 * of functions and views (sql/functions/NN_*.sql) whose text changed,
 * recorded in oms.schema_definitions. */
#ifndef OMS_MIGRATE_H
#define OMS_MIGRATE_H

#include <stdio.h>
#include "ctx.h"
#include "status.h"

struct db;

/* Its usage line; its help is the command registry's (src/cli/registry.c),
 * which answers --help before migrate_main runs. */
extern const char migrate_usage_text[];
/* `oms migrate [--status] [-d CONNINFO]`; argv[0] is "migrate".
 * Exit code: 0 ok, 2 usage, 3 database error or schema too new. */
int migrate_main(struct oms_ctx *ctx, int argc, char **argv);

/* Brings the database up to this binary's newest migration, printing one
 * line per step to out (NULL: quiet). OMS_SCHEMA when the database is newer
 * than the binary (nothing is touched then). */
enum oms_status migrate_apply(struct db *db, FILE *out, struct oms_error *err);

/* Lists applied and pending migrations and area files; changes nothing. */
enum oms_status migrate_print_status(struct db *db, FILE *out, struct oms_error *err);

/* Newest migration version compiled in. */
int migrate_newest(void);

#endif
