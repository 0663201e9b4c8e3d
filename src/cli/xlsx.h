/* XLSX output of one list (src/cli/xlsx.c, libxlsxwriter), the
 * --format xlsx of the writers (writer.h).
 *
 * One worksheet named after the row type; the header row (the CSV
 * header's names) is bold and frozen, an autofilter spans the data, and
 * each column is as wide as its header and the widest of its first 1000
 * values (at most 60). Cells are typed: ids and counts are numbers, money
 * a number with the currency's decimals (format "#,##0.00" for USD,
 * "#,##0" for JPY, ...), times a date-time ("yyyy-mm-dd hh:mm:ss", the
 * clock time as the server wrote it: the offset of the CSV's ISO 8601
 * value is not kept, a spreadsheet has no time zones), booleans
 * TRUE/FALSE, text a string (never a formula, whatever it starts with).
 * NULL is an empty cell.
 *
 * libxlsxwriter's constant-memory mode: each row goes to a temporary file
 * as it comes, memory stays flat whatever the row count. A workbook is
 * assembled from a file name, so it is written into a scratch file in
 * $TMPDIR (removed by a signal through outfile_scratch) and copied to the
 * output stream when the list ends. More rows than a sheet holds
 * (1,048,575 under the header) continue on "NAME (2)", ... */
#ifndef OMS_CLI_XLSX_H
#define OMS_CLI_XLSX_H

#include <stdio.h>

#include "app/row.h"
#include "status.h"

struct xlsx;

struct xlsx *xlsx_new(const struct row_desc *d, struct oms_error *err);
/* The rows of a result (that passed row_check). */
enum oms_status xlsx_add(struct xlsx *x, const struct db_result *r, struct oms_error *err);
/* Ends the workbook and copies it to f. */
enum oms_status xlsx_finish(struct xlsx *x, FILE *f, struct oms_error *err);
/* Frees x (its scratch file removed) whether finished or not. */
void xlsx_free(struct xlsx *x);

#endif
