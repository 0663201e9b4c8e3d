/* Small POSIX helpers shared by the core: directories and child processes. */
#ifndef OMS_UTIL_H
#define OMS_UTIL_H

#include <stdbool.h>
#include <sys/types.h>
#include "status.h"

/* Creates path and its missing parents; the last component gets mode. */
enum oms_status util_mkdir_p(const char *path, mode_t mode, struct oms_error *err);
/* rm -rf without following symlinks. A missing path is not an error. */
enum oms_status util_rm_rf(const char *path, struct oms_error *err);

/* How to run a child: as another user (when started as root, for programs
 * such as initdb that refuse root), in a directory, with its output appended
 * to a log file rather than mixed into ours. */
struct util_run_opts {
	bool switch_user;
	uid_t uid;
	gid_t gid;
	const char *cwd;      /* NULL: stay */
	const char *logpath;  /* NULL: inherit stdout/stderr */
};

/* Runs argv[0] (a full path) and waits. Returns its exit status (0..255),
 * or -1 with err set when it could not be started or was killed. */
int util_run(const char *const *argv, const struct util_run_opts *opts,
	     struct oms_error *err);

/* Joins a and b with one '/'; returns false if it does not fit. */
bool util_path_join(char *out, size_t outlen, const char *a, const char *b);
bool util_file_exists(const char *path);

#endif
