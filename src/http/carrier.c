#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "http/carrier.h"

static const char *const statuses[] = {
	"pre_transit", "in_transit", "out_for_delivery", "delivered", "available_for_pickup",
	"return_to_sender", "failure", "cancelled", "error", "unknown",
};

bool
carrier_status_known(const char *s)
{
	if (!s)
		return false;
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
		if (!strcmp(s, statuses[i]))
			return true;
	return false;
}

bool
carrier_id_ok(const char *s)
{
	size_t n = 0;

	if (!s)
		return false;
	for (; s[n]; n++) {
		char ch = s[n];

		if (n >= 64 || !((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
				 (ch >= '0' && ch <= '9') || ch == '_' || ch == '-'))
			return false;
	}
	return n > 0;
}

static void
fail(struct oms_error *err, const char *what)
{
	if (err)
		oms_fail(err, OMS_INVALID, "the aggregator's answer is not a tracker: %s", what);
}

static bool
copy_field(const json_t *o, const char *key, char *out, size_t outlen, bool required)
{
	const json_t *v = json_object_get(o, key);
	const char *s;

	out[0] = '\0';
	if (!v || json_is_null(v))
		return !required;
	if (!json_is_string(v))
		return false;
	s = json_string_value(v);
	if (strlen(s) >= outlen || (required && !*s))
		return false;
	memcpy(out, s, strlen(s) + 1);
	return true;
}

enum oms_status
carrier_tracker_parse(const char *body, size_t len, struct carrier_tracker *t,
		      struct oms_error *err)
{
	json_error_t jerr;
	json_t *root, *details;
	const json_t *obj;

	memset(t, 0, sizeof *t);
	if (!body || !len) {
		fail(err, "empty");
		return OMS_INVALID;
	}
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(root)) {
		json_decref(root);
		fail(err, "not a JSON object");
		return OMS_INVALID;
	}
	obj = json_object_get(root, "object");
	if (obj && !(json_is_string(obj) && !strcmp(json_string_value(obj), "Tracker"))) {
		json_decref(root);
		fail(err, "another kind of object");
		return OMS_INVALID;
	}
	if (!copy_field(root, "id", t->id, sizeof t->id, true) || !carrier_id_ok(t->id)) {
		json_decref(root);
		fail(err, "no usable id");
		return OMS_INVALID;
	}
	if (!copy_field(root, "tracking_code", t->tracking_code, sizeof t->tracking_code, false) ||
	    (t->tracking_code[0] && !carrier_id_ok(t->tracking_code))) {
		json_decref(root);
		fail(err, "a tracking code that is not one");
		return OMS_INVALID;
	}
	if (!copy_field(root, "status", t->status, sizeof t->status, true) ||
	    !carrier_status_known(t->status)) {
		json_decref(root);
		fail(err, "an unknown status");
		return OMS_INVALID;
	}
	details = json_object_get(root, "tracking_details");
	if (details && !json_is_null(details) && !json_is_array(details)) {
		json_decref(root);
		fail(err, "tracking_details is not a list");
		return OMS_INVALID;
	}
	t->scans = details && json_is_array(details) ? (int)json_array_size(details) : 0;
	json_decref(root);
	return OMS_OK;
}

char *
carrier_tracker_form(const char *tracking_code, const char *carrier)
{
	char *form;
	size_t n;

	/* both are [A-Za-z0-9_-]: nothing to escape */
	if (!carrier_id_ok(tracking_code) || !carrier_id_ok(carrier))
		return NULL;
	n = strlen(tracking_code) + strlen(carrier) + 64;
	if (!(form = malloc(n)))
		return NULL;
	snprintf(form, n, "tracker%%5Btracking_code%%5D=%s&tracker%%5Bcarrier%%5D=%s", tracking_code,
		 carrier);
	return form;
}

enum oms_status
carrier_tracker_create(struct http_engine *e, const struct http_endpoint *ep,
		       const char *tracking_code, const char *carrier, http_done_fn fn, void *arg,
		       struct oms_error *err)
{
	char key[96];
	char *form = carrier_tracker_form(tracking_code, carrier);
	enum oms_status st;

	if (!form)
		return oms_fail(err, OMS_INVALID, "not a tracking code or carrier the aggregator takes");
	snprintf(key, sizeof key, "oms-tracker-%s", tracking_code);
	st = http_start_post_form(e, ep, "/v2/trackers", form, key, fn, arg, err);
	free(form);
	return st;
}

enum oms_status
carrier_tracker_get(struct http_engine *e, const struct http_endpoint *ep, const char *id,
		    http_done_fn fn, void *arg, struct oms_error *err)
{
	char path[96];

	if (!carrier_id_ok(id))
		return oms_fail(err, OMS_INVALID, "not a tracker id");
	snprintf(path, sizeof path, "/v2/trackers/%s", id);
	return http_start_get(e, ep, path, fn, arg, err);
}

bool
carrier_answer_unwell(const struct http_response *r, bool parsed)
{
	if (r->transport_error || r->timed_out || r->status == 0)
		return true;
	if (r->status >= 500 || r->status == 429)
		return true;
	if (r->status >= 200 && r->status < 300)
		return !parsed;
	return false;
}
