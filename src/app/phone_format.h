/* Phones shown as people of their country write them, from the E.164
 * form the database keeps: "+1 555-010-0199", "+44 7700 900187". Shared
 * by the terminal client and the CLI (issue 13). */
#ifndef OMS_APP_PHONE_FORMAT_H
#define OMS_APP_PHONE_FORMAT_H

#include <stddef.h>

/* Writes e164 ("+15550100199") in its country's way into out; text that
 * is not E.164 (no '+', other characters) is copied as it is. Returns
 * out. */
const char *phone_format(const char *e164, char *out, size_t len);

#endif
