/* The worker's outbox for administrators (src/app/job.c): the jobs
 * oms-worker delivers (refunds, mails, seller notices, inventory releases,
 * payment checks). The database checks the role (oms_api.jobs, oms_api.job:
 * administrators only, payloads without personal data), the filters and the
 * state (oms_api.outbox_requeue: only a dead job). */
#ifndef OMS_APP_JOB_H
#define OMS_APP_JOB_H

#include <jansson.h>

#include "app/app.h"

struct db_result;

struct job_filter {
	const char *status;           /* NULL any; ready, running, done, dead (the database's) */
	const char *kind;             /* NULL any; refund, mail, ... (the database's) */
	long long limit;              /* 1 .. 1000 */
	long long after;              /* keyset: the last id shown, 0 for the first page */
};
/* Newest first, the columns of row_job (app/row.h). */
enum oms_status job_list_stmt(const struct job_filter *f, struct app_stmt *st,
			      struct oms_error *err);
/* One job with its lease, key, payload, result and the withheld keys. */
void job_show_stmt(long long id, struct app_stmt *st);
/* A dead job ready again, its attempts reset. */
void job_retry_stmt(long long id, struct app_stmt *st);
/* job_show_stmt's row as a JSON object (caller json_decref): numbers, ids
 * (null for none), text (null for none), payload/result/withheld as JSON.
 * NULL with OMS_NOT_FOUND when there is no such job. */
json_t *job_card_parse(const struct db_result *r, struct oms_error *err);

#endif
