/* The job-kind table: every kind of oms.outbox job the worker delivers is
 * one row here (DESIGN.md 9: a worker job kind is one table row). A new
 * kind is a new family file and a row; the core never names a kind.
 * Kinds the database queues that are not in the table are dead at once
 * ("unknown outbox job kind"), visible to admins. oms-worker(8) describes the
 * same rows ("Job kinds"). */
#include "config.h"

#include <string.h>

#include "worker/job.h"

static const struct job_kind job_kinds[] = {
	/* kind                 service          start                result */
	{ "refund",             JOB_SVC_PAYMENT, refund_job_start,    refund_job_result },
	{ "payment_verify",     JOB_SVC_PAYMENT, verify_job_start,    verify_job_result },
	{ "payment_capture",    JOB_SVC_PAYMENT, capture_job_start,   capture_job_result },
	{ "mail",               JOB_SVC_MAIL,    notify_job_start,    notify_job_result },
	{ "seller_notify",      JOB_SVC_MAIL,    notify_job_start,    notify_job_result },
	{ "inventory_release",  JOB_SVC_NONE,    inventory_job_start, NULL },
};

const struct job_kind *
job_kind_find(const char *name)
{
	for (size_t i = 0; i < sizeof job_kinds / sizeof job_kinds[0]; i++)
		if (!strcmp(job_kinds[i].name, name))
			return &job_kinds[i];
	return NULL;
}
