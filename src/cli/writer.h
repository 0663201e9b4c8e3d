/* The writers of one list (src/cli/writer.c), derived from a row
 * descriptor (app/row.h). Output streams: a struct row_writer takes one
 * row at a time (from a result of many rows or from db_stream's one-row
 * results) and writes CSV or JSON at once; only the aligned text table
 * keeps its rows, to size its columns. */
#ifndef OMS_CLI_WRITER_H
#define OMS_CLI_WRITER_H

#include <stdbool.h>
#include <stdio.h>

#include "app/row.h"
#include "status.h"

/* --- CSV ------------------------------------------------------------------ */

/* One RFC 4180 field: quoted when it holds '"', ',', CR or LF (quotes
 * doubled). With neutralise, a value starting with '=', '+', '-', '@', tab
 * or CR gets a leading "'" first (OWASP's rule against formula injection). */
void csv_put_field(FILE *f, const char *s, bool neutralise);

/* --- writers ---------------------------------------------------------------- */

/* XLSX (src/cli/xlsx.h): a workbook of typed cells, written to f when
 * the list ends (row_writer_finish). */
enum row_format { ROW_FMT_TEXT, ROW_FMT_CSV, ROW_FMT_JSON, ROW_FMT_XLSX };
/* "text", "csv", "json", "xlsx" -> the format; false for anything else. */
bool row_format_parse(const char *s, enum row_format *fmt);

struct row_writer;
/* A writer of one list to f. */
struct row_writer *row_writer_new(const struct row_desc *d, enum row_format fmt, FILE *f);
/* Checks the columns on the first row's result (OMS_SCHEMA), then writes
 * (CSV, JSON) or keeps (text) each of its rows. */
enum oms_status row_writer_add(struct row_writer *w, const struct db_result *r,
			       struct oms_error *err);
/* Ends the list: the text table, the CSV header of an empty list, JSON's
 * closing with "next_after" (the last key when rows == limit, for lists
 * with a keyset; limit 0: null). Returns the number of rows. */
long row_writer_finish(struct row_writer *w, long limit);
void row_writer_free(struct row_writer *w);
long row_writer_rows(const struct row_writer *w);
/* CSV: a UTF-8 byte order mark (EF BB BF) before the header, for the
 * spreadsheet programs that need one to read UTF-8. Before the first row. */
void row_writer_set_bom(struct row_writer *w, bool bom);
/* OMS_OK, or the error that made row_writer_add or row_writer_finish fail
 * (XLSX: the workbook could not be assembled or copied out). */
enum oms_status row_writer_status(const struct row_writer *w, struct oms_error *err);

#endif
