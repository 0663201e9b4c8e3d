/* Inventory release jobs. The stock was released in the cancelling
 * transaction (the database is the authority); no external inventory
 * service is connected in this deployment, so the job only says so. A
 * warehouse system would be called from here, with its own service and
 * breaker in the job-kind table. */
#include "config.h"

#include <jansson.h>

#include "worker/job.h"

void
inventory_job_start(struct job *jb)
{
	job_done(jb, json_pack("{s:s}", "note", "no external inventory service"), NULL, 0, NULL);
}
