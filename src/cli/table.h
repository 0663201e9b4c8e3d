/* Plain aligned text tables for the subcommands (src/cli/table.c). */
#ifndef OMS_CLI_TABLE_H
#define OMS_CLI_TABLE_H

#include <stdio.h>

struct cli_table;

/* align: one letter per column, 'l' or 'r'; then one heading per column. */
struct cli_table *table_new(const char *align, ...);
/* The same from arrays: n headings (align has n letters, copied). */
struct cli_table *table_new_cols(const char *align, const char *const *heads, int n);
/* n cells (NULL or missing = empty). */
void table_add_cells(struct cli_table *t, const char *const *cells, int n);
/* One const char * per column (NULL = empty). */
void table_add(struct cli_table *t, ...);
int table_rows(const struct cli_table *t);
void table_print(const struct cli_table *t, FILE *f, const char *indent);
void table_free(struct cli_table *t);
/* Writes s with control characters, bidi controls (app/charclass.h) and
 * invalid bytes shown as '?'. */
void cli_put_safe(FILE *f, const char *s);
/* Writes JSON text (as json_dumps made it) with the C1 and bidi controls
 * jansson leaves raw escaped as \uXXXX: the same JSON value, but nothing
 * in it can act on a terminal. Invalid UTF-8 (never from jansson) becomes
 * \ufffd. */
void cli_json_put_safe(FILE *f, const char *json);

#endif
