/* Test driver of carrier_event_receive (src/worker/carrier_events.c): what
 * the webhook listener's carrier route does with one request, without the
 * HTTP around it.
 *   carrier_event_drive CONNINFO BODYFILE SIGNATURE|- SECRET...
 * prints "STATUS REPLY" on stdout; the worker's log goes to stderr. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "log.h"
#include "worker/carrier_events.h"

int
main(int argc, char **argv)
{
	struct oms_error err = { 0 };
	struct db *db;
	FILE *f;
	char *body, reply[200];
	long n;
	bool lost;
	int status;

	if (argc < 4) {
		fprintf(stderr, "usage: carrier_event_drive CONNINFO BODYFILE SIGNATURE|- SECRET...\n");
		return 2;
	}
	if (!(f = fopen(argv[2], "rb")) || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		return 2;
	if (!(body = malloc((size_t)n + 1)) || fread(body, 1, (size_t)n, f) != (size_t)n)
		return 2;
	body[n] = '\0';
	fclose(f);
	log_open("oms-worker", LOG_LEVEL_DEBUG, false);
	db = db_open(argv[1], &err);
	status = carrier_event_receive(db, strcmp(argv[3], "-") ? argv[3] : NULL, body, (size_t)n,
				       (const char *const *)argv + 4, argc - 4, "127.0.0.1", reply, sizeof reply,
				       &lost);
	printf("%d %s%s\n", status, reply, lost ? " (connection lost)" : "");
	db_close(db);
	free(body);
	return 0;
}
