/* Plain aligned text tables for the subcommands (src/app/table.c). */
#ifndef OMS_APP_TABLE_H
#define OMS_APP_TABLE_H

#include <stdio.h>

struct app_table;

/* align: one letter per column, 'l' or 'r'; then one heading per column. */
struct app_table *table_new(const char *align, ...);
/* One const char * per column (NULL = empty). */
void table_add(struct app_table *t, ...);
int table_rows(const struct app_table *t);
void table_print(const struct app_table *t, FILE *f, const char *indent);
void table_free(struct app_table *t);
/* Writes s with control characters and invalid bytes shown as '?'. */
void app_put_safe(FILE *f, const char *s);

#endif
