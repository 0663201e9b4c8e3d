/* -o FILE, written safely (src/cli/outfile.c), for every command that
 * takes it (registry.c) and for `oms export`.
 *
 * The output goes to a temporary file in FILE's directory (".FILE.XXXXXX",
 * mode 0666 less the umask) and is renamed onto FILE only when the command
 * succeeded, after fsync of the file and then of the directory: a reader
 * of FILE sees the old file or the whole new one, never a part.
 *
 * Refusals, before anything is written (OMS_USAGE, exit 2):
 *  - FILE exists and --force was not given (checked again at the rename,
 *    which then does not replace: link(2), never a window in which a file
 *    made meanwhile is overwritten);
 *  - FILE is a directory;
 *  - FILE's directory is writable by others (S_IWOTH) without the sticky
 *    bit: anyone could swap the file after it is written.
 * A directory that does not exist or cannot be written is OMS_IO (exit 3).
 *
 * Signals: while a temporary file exists, SIGINT, SIGTERM, SIGHUP and
 * SIGPIPE remove it (and any scratch file registered with
 * outfile_scratch) and then end the process as the signal would have: an
 * interrupted command leaves nothing behind. A caller may put its own
 * SIGINT handler in place meanwhile (a list cancels its query, then fails
 * normally; outfile_abort removes the file). */
#ifndef OMS_CLI_OUTFILE_H
#define OMS_CLI_OUTFILE_H

#include <stdbool.h>

#include "status.h"

struct outfile {
	char *path;           /* FILE as given */
	char *tmp;            /* the temporary file; NULL when none */
	int fd;               /* open on tmp, -1 when none */
	bool force;           /* may replace an existing FILE */
};

/* Checks FILE and its directory and creates the temporary file (o->fd).
 * On failure nothing exists and err says why. */
enum oms_status outfile_open(struct outfile *o, const char *path, bool force,
			     struct oms_error *err);
/* fsync, then puts the temporary file in FILE's place (not over a FILE
 * made meanwhile unless force) and fsyncs the directory. Closes o->fd.
 * On failure the temporary file is removed and FILE is as it was. */
enum oms_status outfile_commit(struct outfile *o, struct oms_error *err);
/* Removes the temporary file (the command failed); FILE is untouched. */
void outfile_abort(struct outfile *o);

/* A scratch file (e.g. the XLSX being assembled) removed with the
 * temporary file when a signal ends the process; NULL unregisters. The
 * string must stay valid until unregistered. At most one. */
void outfile_scratch(const char *path);

/* The checks of outfile_open without creating anything (OMS_OK: FILE may
 * be written): for a command that wants to refuse before working. */
enum oms_status outfile_check(const char *path, bool force, struct oms_error *err);

#endif
