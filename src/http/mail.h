/* Customer e-mail for an outbox event: template + order summary -> an RFC
 * 5322 message ready for SMTP.
 *
 * The Message-ID is derived from the outbox job id alone
 * (<oms.outbox.ID@DOMAIN>): if the worker dies after the relay accepted the
 * message but before the job was marked done, the job is delivered again
 * (at-least-once) with the same Message-ID, and the relay, the mailbox
 * provider or the test sink can recognise the second copy as a duplicate.
 * X-OMS-Event and X-OMS-Order name the event and the order (no PII). */
#ifndef OMS_HTTP_MAIL_H
#define OMS_HTTP_MAIL_H

#include <stddef.h>
#include <time.h>
#include "status.h"

struct mail_settings {
	const char *from;            /* envelope and From: address */
	const char *from_name;       /* display name, may be NULL */
	const char *shop_name;       /* signature, {{shop_name}} */
	const char *msgid_domain;    /* NULL: the domain of `from` */
};

struct mail_message {
	char *data;                  /* headers + body, CRLF */
	size_t len;
	char rcpt[256];              /* envelope recipient */
	char message_id[160];        /* with the angle brackets */
	char event[48];
};

/* event: the template name (e.g. "order_cancelled"); payload: the job's
 * JSON object with the order summary (amounts in minor units beside
 * "currency", written with money_format). OMS_INVALID (job can never be sent:
 * no template, no usable recipient) or OMS_NOMEM. */
enum oms_status mail_build(const char *event, const char *payload, size_t payload_len,
			   long long job_id, const struct mail_settings *ms, time_t now,
			   struct mail_message *out, struct oms_error *err);
void mail_message_free(struct mail_message *m);


#endif
