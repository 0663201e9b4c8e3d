#include "config.h"

/* -o FILE written safely (outfile.h): a temporary file in the same
 * directory, fsync, then a rename (or a link when FILE must not be
 * replaced), fsync of the directory; refusals before anything is written;
 * signals remove the temporary file. */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/outfile.h"

/* --- signals ---------------------------------------------------------------- */

/* The files a signal removes: fixed buffers, read by the handler. */
static char sig_tmp[PATH_MAX], sig_scratch[PATH_MAX];
static volatile sig_atomic_t sig_armed;
static const int sig_list[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
static struct sigaction sig_old[4];

static void
on_signal(int sig)
{
	if (sig_armed) {
		if (sig_tmp[0])
			unlink(sig_tmp);
		if (sig_scratch[0])
			unlink(sig_scratch);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
sig_arm(const char *tmp)
{
	struct sigaction sa = {.sa_handler = on_signal};
	size_t n = strlen(tmp);

	if (n >= sizeof sig_tmp)
		n = 0;              /* not removable by the handler; still removed normally */
	sig_armed = 0;
	memcpy(sig_tmp, tmp, n);
	sig_tmp[n] = '\0';
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sig_list / sizeof sig_list[0]; i++)
		sigaction(sig_list[i], &sa, &sig_old[i]);
	sig_armed = 1;
}

static void
sig_disarm(void)
{
	sig_armed = 0;
	for (size_t i = 0; i < sizeof sig_list / sizeof sig_list[0]; i++)
		sigaction(sig_list[i], &sig_old[i], NULL);
	sig_tmp[0] = '\0';
}

void
outfile_scratch(const char *path)
{
	size_t n = path ? strlen(path) : 0;
	sig_atomic_t was = sig_armed;

	sig_armed = 0;
	if (n >= sizeof sig_scratch)
		n = 0;
	memcpy(sig_scratch, path ? path : "", n);
	sig_scratch[n] = '\0';
	sig_armed = was;
}

/* --- checks ----------------------------------------------------------------- */

/* FILE's directory: "." for a bare name, "/" for "/x". malloc'd. */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *d;

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	if (!(d = malloc((size_t)(slash - path) + 1)))
		return NULL;
	memcpy(d, path, (size_t)(slash - path));
	d[slash - path] = '\0';
	return d;
}

enum oms_status
outfile_check(const char *path, bool force, struct oms_error *err)
{
	struct stat st;
	char *dir;
	enum oms_status rc = OMS_OK;

	if (!path || !*path)
		return oms_fail(err, OMS_USAGE, "-o takes a file name");
	if (path[strlen(path) - 1] == '/')
		return oms_fail(err, OMS_USAGE, "cannot write %s: it is a directory", path);
	if (lstat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode) || (stat(path, &st) == 0 && S_ISDIR(st.st_mode)))
			return oms_fail(err, OMS_USAGE, "cannot write %s: it is a directory", path);
		if (!force)
			return oms_fail(err, OMS_USAGE, "%s exists; --force replaces it", path);
	}
	if (!(dir = dir_of(path)))
		return oms_fail(err, OMS_NOMEM, "out of memory");
	if (stat(dir, &st) != 0)
		rc = oms_fail(err, OMS_IO, "cannot write %s: %s", path, strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		rc = oms_fail(err, OMS_IO, "cannot write %s: %s is not a directory", path, dir);
	else if ((st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX))
		rc = oms_fail(err, OMS_USAGE,
			      "will not write into %s: others may write there and it has no sticky bit "
			      "(anyone could replace the file)", dir);
	free(dir);
	return rc;
}

/* --- the file ---------------------------------------------------------------- */

enum oms_status
outfile_open(struct outfile *o, const char *path, bool force, struct oms_error *err)
{
	enum oms_status rc;
	const char *base = strrchr(path ? path : "", '/');
	size_t dlen;
	mode_t mask;

	o->path = NULL;
	o->tmp = NULL;
	o->fd = -1;
	o->force = force;
	if ((rc = outfile_check(path, force, err)) != OMS_OK)
		return rc;
	base = base ? base + 1 : path;
	dlen = (size_t)(base - path);
	if (!(o->path = strdup(path)) || !(o->tmp = malloc(strlen(path) + 16))) {
		free(o->path);
		o->path = NULL;
		return oms_fail(err, OMS_NOMEM, "out of memory");
	}
	/* ".FILE.XXXXXX" beside FILE: the same file system, so rename is atomic */
	sprintf(o->tmp, "%.*s.%s.XXXXXX", (int)dlen, path, base);
	if ((o->fd = mkostemp(o->tmp, O_CLOEXEC)) < 0) {
		rc = oms_fail(err, OMS_IO, "cannot write %s: %s", path, strerror(errno));
		free(o->tmp);
		free(o->path);
		o->tmp = o->path = NULL;
		return rc;
	}
	sig_arm(o->tmp);
	mask = umask(0);
	umask(mask);
	(void)fchmod(o->fd, 0666 & ~mask);
	return OMS_OK;
}

static void
outfile_release(struct outfile *o)
{
	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	sig_disarm();
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
}

void
outfile_abort(struct outfile *o)
{
	if (!o->tmp)
		return;
	unlink(o->tmp);
	outfile_release(o);
}

enum oms_status
outfile_commit(struct outfile *o, struct oms_error *err)
{
	char *dir;
	int dfd, e;

	if (!o->tmp)
		return oms_fail(err, OMS_IO, "no output file");
	if (fsync(o->fd) != 0) {
		e = errno;
		outfile_abort(o);
		return oms_fail(err, OMS_IO, "cannot write the output file: %s", strerror(e));
	}
	if (o->force) {
		if (rename(o->tmp, o->path) != 0) {
			e = errno;
			outfile_abort(o);
			return oms_fail(err, OMS_IO, "cannot write the output file: %s", strerror(e));
		}
	} else if (link(o->tmp, o->path) == 0) {
		unlink(o->tmp);
	} else if (errno == EEXIST) {
		outfile_abort(o);
		return oms_fail(err, OMS_USAGE, "the output file appeared meanwhile; --force replaces it");
	} else {
		/* no hard links here (some network and FAT file systems): the
		 * check and the rename are two steps */
		struct stat st;

		if (lstat(o->path, &st) == 0) {
			outfile_abort(o);
			return oms_fail(err, OMS_USAGE, "the output file appeared meanwhile; --force replaces it");
		}
		if (rename(o->tmp, o->path) != 0) {
			e = errno;
			outfile_abort(o);
			return oms_fail(err, OMS_IO, "cannot write the output file: %s", strerror(e));
		}
	}
	/* the new name is durable too */
	if ((dir = dir_of(o->path)) != NULL) {
		if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
			(void)fsync(dfd);
			close(dfd);
		}
		free(dir);
	}
	free(o->tmp);
	o->tmp = NULL;        /* nothing for a signal to remove now */
	outfile_release(o);
	return OMS_OK;
}
