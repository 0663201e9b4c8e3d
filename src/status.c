#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "status.h"

static const char *const status_messages[] = {
#define OMS_STATUS_MSG(name, msg) msg,
	OMS_STATUS_TABLE(OMS_STATUS_MSG)
#undef OMS_STATUS_MSG
};

static const char *const status_names[] = {
#define OMS_STATUS_NAME(name, msg) #name,
	OMS_STATUS_TABLE(OMS_STATUS_NAME)
#undef OMS_STATUS_NAME
};

const char *
oms_status_message(enum oms_status st)
{
	if ((unsigned)st >= OMS_STATUS_COUNT)
		return "unknown error";
	return status_messages[st];
}

const char *
oms_status_name(enum oms_status st)
{
	if ((unsigned)st >= OMS_STATUS_COUNT)
		return "UNKNOWN";
	return status_names[st];
}

enum oms_status
oms_fail(struct oms_error *err, enum oms_status st, const char *fmt, ...)
{
	if (err) {
		va_list ap;

		err->status = st;
		err->sqlstate[0] = '\0';
		err->detail[0] = '\0';
		err->hint[0] = '\0';
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
	}
	return st;
}

void
oms_error_clear(struct oms_error *err)
{
	if (!err)
		return;
	err->status = OMS_OK;
	err->sqlstate[0] = '\0';
	err->msg[0] = '\0';
	err->detail[0] = '\0';
	err->hint[0] = '\0';
}
