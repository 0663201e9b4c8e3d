## src/cli: the command-line presentation: the command registry (oms --help,
## oms COMMAND --help, the dispatch), option parsing, the output writers
## (text table, CSV, JSON, -o FILE) and one file per command family. The use
## cases they print are in src/app.
noinst_LIBRARIES += liboms_cli.a
liboms_cli_a_SOURCES = \
	src/cli/cli.h src/cli/cli_int.h src/cli/table.h src/cli/writer.h \
	src/cli/table.c src/cli/writer.c src/cli/cli.c src/cli/registry.c \
	src/cli/order.c src/cli/cancel.c src/cli/refund.c src/cli/cancellation.c \
	src/cli/reason.c src/cli/job.c src/cli/whoami.c src/cli/report.h src/cli/report.c src/cli/dashboard.c src/cli/ship.h src/cli/ship.c \
	src/cli/outfile.h src/cli/outfile.c src/cli/xlsx.h src/cli/xlsx.c \
	src/cli/export.h src/cli/export.c
