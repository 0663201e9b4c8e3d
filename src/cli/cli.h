/* The command registry (src/cli/registry.c): every `oms COMMAND` is one
 * entry (name, subcommands, usage, summary, help, the roles it is for, and
 * its function). `oms --help`, `oms COMMAND --help`, `oms help [COMMAND]`
 * and the dispatch are derived from it; tests/cli/registry.test holds the
 * SYNOPSIS of oms(1) to it. main.c only sets up (options, configuration,
 * connection) and hands over. */
#ifndef OMS_CLI_H
#define OMS_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "ctx.h"

struct cli_command;

/* The entry named name, NULL for none. */
const struct cli_command *cli_command_find(const char *name);
/* "oms: unknown command 'NAME'" with the nearest command's name and
 * "see 'oms --help'" on stderr; returns the usage exit code (2). */
int cli_command_unknown(const char *progname, const char *name);
/* Whether running argv (argv[0] the command) needs ctx->db opened first:
 * not for the commands that connect themselves (migrate, seed, demo) or
 * need no database (help), nor for `--help`. */
bool cli_command_needs_db(const struct cli_command *cmd, int argc, char **argv);
/* Runs the command; returns its exit status (0..5, oms(1) EXIT STATUS). */
int cli_command_run(struct oms_ctx *ctx, const struct cli_command *cmd, int argc, char **argv);
/* `oms --help`: the global options, then each command with its summary. */
void cli_usage(FILE *f, const char *progname);

#endif
