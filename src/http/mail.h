/* Customer e-mail for an outbox event: template + order summary -> an RFC
 * 5322 / MIME message ready for SMTP.
 *
 * The message is multipart/alternative: the plain text first and complete,
 * then the same text as HTML (every value escaped). Both parts are
 * quoted-printable, so the message is 7-bit clean for any relay; when the
 * relay offers 8BITMIME (and the transport sends BODY=8BITMIME) the plain
 * part goes as 8bit instead. Names and subjects outside ASCII are RFC 2047
 * encoded words of at most 75 characters, folded. Item names are cut at a
 * number of display columns, never inside a character.
 *
 * The Message-ID is derived from the outbox job id and the database's own
 * key (<oms.outbox.ID.KEY@DOMAIN>, KEY from oms_api.mail_message_key: the
 * database's UUID made by `oms migrate` and the job's creation time): if
 * the worker dies after the relay accepted the message but before the job
 * was marked done, the job is delivered again (at-least-once) with the
 * same Message-ID, and the relay, the mailbox provider or the test sink can
 * recognise the second copy; staging, production and a restored backup
 * never share one. X-OMS-Event and X-OMS-Order name the event and the
 * order (no PII). */
#ifndef OMS_HTTP_MAIL_H
#define OMS_HTTP_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "status.h"

struct oms_config;

struct mail_settings {
	const char *from;            /* From: address (and envelope sender) */
	const char *from_name;       /* display name, may be NULL */
	const char *shop_name;       /* signature, {{shop_name}} */
	const char *msgid_domain;    /* NULL: the domain of `from` */
	/* Copied with the struct (no pointers into the config): */
	char reply_to[256];          /* Reply-To:, "" for none */
	char bounce[256];            /* envelope sender (MAIL FROM), "" = from */
	bool allow_plain_auth;       /* AUTH without TLS (tests, a local relay) */
};

/* [mail] from, from_name, shop_name, message_id_domain, reply_to,
 * bounce_address, allow_plain_auth (oms.conf(5)). The strings point into
 * cfg, except reply_to and bounce, which are copied. */
enum oms_status mail_settings_read(const struct oms_config *cfg, struct mail_settings *ms,
				   struct oms_error *err);

/* What the message is built for. */
struct mail_context {
	long long job_id;
	const char *message_key;     /* oms_api.mail_message_key(job), NULL: none */
	bool eightbit;               /* the relay offers 8BITMIME, BODY=8BITMIME is sent */
	int smtputf8;                /* the relay offers SMTPUTF8: 1 yes, 0 no, -1 not
					known (a UTF-8 address is refused only on 0;
					a relay that does not offer it refuses RCPT) */
	time_t now;
};

struct mail_message {
	char *data;                  /* headers + body, CRLF */
	size_t len;
	char rcpt[256];              /* envelope recipient */
	char mail_from[256];         /* envelope sender: bounce address or from */
	char message_id[200];        /* with the angle brackets */
	char event[48];
	bool eightbit;               /* the body has 8-bit text: BODY=8BITMIME */
	bool utf8_address;           /* an address is not ASCII: SMTPUTF8 */
};

/* event: the template name (e.g. "order_cancelled"); payload: the job's
 * JSON object with the order summary (amounts in minor units beside
 * "currency", written with money_format). OMS_INVALID (job can never be
 * sent: no template, no usable recipient, a UTF-8 address the relay cannot
 * take) or OMS_NOMEM; OMS_CONFIG for an unusable from/reply-to/bounce. */
enum oms_status mail_build(const char *event, const char *payload, size_t payload_len,
			   const struct mail_context *mc, const struct mail_settings *ms,
			   struct mail_message *out, struct oms_error *err);
void mail_message_free(struct mail_message *m);

/* Columns an item name takes at most in the order lines. */
#define MAIL_NAME_COLUMNS 40
/* Plain text lines are wrapped at this many columns. */
#define MAIL_TEXT_COLUMNS 76

#endif
