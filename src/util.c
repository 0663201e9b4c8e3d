#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

enum oms_status
util_mkdir_p(const char *path, mode_t mode, struct oms_error *err)
{
	char buf[4096];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof buf)
		return oms_fail(err, OMS_IO, "path too long: %s", path);
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return oms_fail(err, OMS_IO, "cannot create %s: %s", buf, strerror(errno));
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return oms_fail(err, OMS_IO, "cannot create %s: %s", buf, strerror(errno));
	return OMS_OK;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	int rc = (flag == FTW_DP) ? rmdir(path) : unlink(path);

	return rc < 0 && errno != ENOENT ? -1 : 0;
}

enum oms_status
util_rm_rf(const char *path, struct oms_error *err)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? OMS_OK
			: oms_fail(err, OMS_IO, "cannot remove %s: %s", path, strerror(errno));
	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0)
		return oms_fail(err, OMS_IO, "cannot remove %s: %s", path, strerror(errno));
	return OMS_OK;
}

/* In the child after fork: only async-signal-safe calls, then exec. */
static void
run_child(const char *const *argv, const struct util_run_opts *o)
{
	if (o && o->logpath) {
		int fd = open(o->logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

		if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
			_exit(126);
		int nul = open("/dev/null", O_RDONLY);
		if (nul >= 0)
			dup2(nul, STDIN_FILENO);
	}
	if (o && o->switch_user) {
		if (setgroups(0, NULL) < 0 || setgid(o->gid) < 0 || setuid(o->uid) < 0)
			_exit(126);
	}
	if (o && o->cwd && chdir(o->cwd) < 0)
		_exit(126);
	execv(argv[0], (char *const *)argv);
	_exit(127);
}

int
util_run(const char *const *argv, const struct util_run_opts *opts, struct oms_error *err)
{
	pid_t pid, w;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		oms_fail(err, OMS_IO, "cannot start %s: %s", argv[0], strerror(errno));
		return -1;
	}
	if (pid == 0)
		run_child(argv, opts);
	do
		w = waitpid(pid, &status, 0);
	while (w < 0 && errno == EINTR);
	if (w < 0) {
		oms_fail(err, OMS_IO, "waiting for %s: %s", argv[0], strerror(errno));
		return -1;
	}
	if (WIFSIGNALED(status)) {
		oms_fail(err, OMS_IO, "%s was killed by signal %d", argv[0], WTERMSIG(status));
		return -1;
	}
	if (WEXITSTATUS(status) == 127)
		oms_fail(err, OMS_IO, "cannot run %s", argv[0]);
	else if (WEXITSTATUS(status) == 126)
		oms_fail(err, OMS_IO, "cannot set up the environment for %s", argv[0]);
	return WEXITSTATUS(status);
}

bool
util_path_join(char *out, size_t outlen, const char *a, const char *b)
{
	size_t la = strlen(a);
	int n;

	while (la > 1 && a[la - 1] == '/')
		la--;
	n = snprintf(out, outlen, "%.*s/%s", (int)la, a, b);
	return n >= 0 && (size_t)n < outlen;
}

bool
util_file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}
