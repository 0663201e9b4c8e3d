/* The one application state, handed to the CLI and the terminal client. */
#ifndef OMS_CTX_H
#define OMS_CTX_H

#include <stdbool.h>
#include "conf.h"

struct db;

struct oms_ctx {
	struct oms_config *cfg;
	const char *conninfo;     /* -d, or [connection] conninfo, or NULL (libpq env) */
	struct db *db;            /* opened by main before a command or ui_run */
	bool plain;               /* --plain: no line drawing, no color */
	bool json;                /* --json for subcommands */
	const char *progname;
};

/* ui/ui.c: the terminal client; returns the exit code. */
int ui_run(struct oms_ctx *ctx);

#endif
