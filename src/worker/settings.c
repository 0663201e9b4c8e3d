/* oms.conf for oms-worker: read once at start and again on SIGHUP, with
 * the defaults and limits oms-worker(8) documents. Secrets are checked
 * (file mode, encrypted transport) before anything is used. */
#include "config.h"

#include <string.h>

#include "conf.h"
#include "log.h"
#include "worker/job.h"
#include "worker/webhook.h"
#include "worker/worker.h"

/* The gateway API version the worker was written against (Stripe-Version);
 * [payment] api_version overrides it. */
#define OMS_STRIPE_API_VERSION "2024-06-20"

static bool
get_int(const struct oms_config *cfg, const char *sec, const char *key, long def, long min,
	long max, long *out, struct oms_error *err)
{
	return config_get_int(cfg, sec, key, def, min, max, out, err) == OMS_OK;
}

enum oms_status
settings_load(struct settings *s, const char *path, const char *conninfo_opt,
	      const char *worker_id, struct oms_error *err)
{
	struct oms_config *cfg = config_load(path, err);
	long v[16];
	const char *lvl;

	memset(s, 0, sizeof *s);
	if (!cfg)
		return err->status ? err->status : OMS_CONFIG;
	s->cfg = cfg;
	s->conninfo = conninfo_opt ? conninfo_opt : config_get(cfg, "connection", "conninfo", NULL);
	s->listen_conninfo = config_get(cfg, "worker", "listen_conninfo", s->conninfo);
	if (!get_int(cfg, "worker", "poll_interval_ms", 5000, 10, 3600000, &v[0], err) ||
	    !get_int(cfg, "worker", "concurrency", 8, 1, 256, &v[1], err) ||
	    !get_int(cfg, "worker", "max_attempts", 10, 1, 1000, &v[2], err) ||
	    !get_int(cfg, "worker", "backoff_base_ms", 1000, 1, 3600000, &v[3], err) ||
	    !get_int(cfg, "worker", "backoff_cap_ms", 300000, 1, 86400000, &v[4], err) ||
	    !get_int(cfg, "worker", "breaker_threshold", 5, 1, 1000, &v[5], err) ||
	    !get_int(cfg, "worker", "breaker_open_ms", 30000, 1, 3600000, &v[6], err) ||
	    !get_int(cfg, "payment", "connect_timeout_ms", 5000, 1, 600000, &v[7], err) ||
	    !get_int(cfg, "payment", "timeout_ms", 30000, 1, 600000, &v[8], err) ||
	    !get_int(cfg, "mail", "connect_timeout_ms", 5000, 1, 600000, &v[9], err) ||
	    !get_int(cfg, "mail", "timeout_ms", 60000, 1, 600000, &v[10], err) ||
	    !get_int(cfg, "worker", "seed", 0, 0, 2147483647L, &v[11], err) ||
	    !get_int(cfg, "worker", "stuck_sweep_interval", 600, 0, 86400, &v[12], err) ||
	    !get_int(cfg, "worker", "report_fold_interval", 60, 0, 86400, &v[13], err) ||
	    config_get_duration_ms(cfg, "worker", "lock_timeout", 2000, 1, 600000,
				   &s->lock_timeout_ms, err) != OMS_OK)
		goto fail;
	s->webhook_listen = config_get(cfg, "webhook", "listen", NULL);
	if (config_get_int(cfg, "webhook", "threads", 4, 1, 64, &s->webhook_threads, err) != OMS_OK)
		goto fail;
	s->webhook_secrets = config_get(cfg, "payment", "webhook_secret", NULL);
	if (config_get_int(cfg, "payment", "webhook_tolerance", 300, 1, 3600, &s->webhook_tolerance_s,
			   err) != OMS_OK)
		goto fail;
	s->poll_ms = v[0];
	s->sweep_s = v[12];
	s->fold_s = v[13];
	s->jc.concurrency = (unsigned)v[1];
	s->jc.max_attempts = (unsigned)v[2];
	s->jc.backoff_base_ms = (uint64_t)v[3];
	s->jc.backoff_cap_ms = (uint64_t)v[4];
	s->jc.breaker_threshold = (unsigned)v[5];
	s->jc.breaker_open_ms = (uint64_t)v[6];
	s->jc.rng_seed = (uint64_t)v[11];

	s->jc.payment.base_url = config_get(cfg, "payment", "base_url", NULL);
	s->jc.payment.api_key = config_get(cfg, "payment", "api_key", NULL);
	s->jc.payment.ca_file = config_get(cfg, "payment", "ca_file", NULL);
	s->jc.payment.api_version = config_get(cfg, "payment", "api_version", OMS_STRIPE_API_VERSION);
	s->jc.payment.insecure_loopback_ok = config_get_bool(cfg, "payment", "allow_insecure_loopback", false);
	s->jc.payment.connect_timeout_ms = v[7];
	s->jc.payment.timeout_ms = v[8];
	s->jc.smtp.url = config_get(cfg, "mail", "smtp_url", NULL);
	s->jc.smtp.username = config_get(cfg, "mail", "username", NULL);
	s->jc.smtp.password = config_get(cfg, "mail", "password", NULL);
	s->jc.smtp.ca_file = config_get(cfg, "mail", "ca_file", NULL);
	s->jc.smtp.require_tls = config_get_bool(cfg, "mail", "starttls", false);
	s->jc.smtp.connect_timeout_ms = v[9];
	s->jc.smtp.timeout_ms = v[10];
	/* [mail] from, names, Reply-To, the bounce address, allow_plain_auth:
	 * read where the mail is built (src/http/mail.c) */
	if (mail_settings_read(cfg, &s->jc.mail, err) != OMS_OK)
		goto fail;
	s->jc.worker_id = worker_id ? worker_id : config_get(cfg, "worker", "worker_id", NULL);

	/* Secrets (a database password, the API key, the mail password) only
	 * in a file nobody else can read, and only sent encrypted. */
	if (config_check_secrets(cfg, err) != OMS_OK)
		goto fail;
	/* The gateway only over https (issue 12), API key or not; plain
	 * http only to loopback with allow_insecure_loopback = yes. */
	if (config_check_transport(cfg, "payment", "base_url", false, err) != OMS_OK)
		goto fail;
	if (s->jc.smtp.password && *s->jc.smtp.password &&
	    config_check_transport(cfg, "mail", "smtp_url", s->jc.smtp.require_tls, err) != OMS_OK)
		goto fail;
	if (!s->jc.payment.base_url)
		log_warn("no [payment] base_url: refund and verification jobs will wait");
	if (!s->jc.smtp.url || !s->jc.mail.from)
		log_warn("no [mail] smtp_url/from: mail jobs will wait");

	s->level = LOG_LEVEL_INFO;
	lvl = config_get(cfg, "worker", "log_level", NULL);
	if (lvl && !log_level_parse(lvl, &s->level)) {
		oms_fail(err, OMS_CONFIG, "[worker] log_level: unknown level \"%s\"", lvl);
		goto fail;
	}
	s->use_syslog = config_get_bool(cfg, "worker", "syslog", false);
	/* The looks again at a succeeded refund (refund.c). */
	if (refund_recheck_configure(config_get(cfg, "payment", "refund_recheck", NULL), err) != OMS_OK)
		goto fail;
	/* Everything read: the webhook listener's secrets take effect now
	 * (start, and SIGHUP: the rotated-out secret is refused from the
	 * next event on; a broken file changed nothing above). */
	pay_events_configure(s->webhook_secrets, s->webhook_tolerance_s);
	return OMS_OK;
fail:
	config_free(cfg);
	s->cfg = NULL;
	return err->status ? err->status : OMS_CONFIG;
}
