/* The packing slip as plain text for a line printer (issue 11): what
 * oms_api.packing_slip answers (the order, the seller, the address it
 * ships to, the units left of each line), laid out in at most 80 columns,
 * control characters shown as '?'. Used by `oms ship --packing-slip` and
 * the fulfilment queue's p. */
#ifndef OMS_APP_PACKING_H
#define OMS_APP_PACKING_H

#include <stddef.h>

/* The slip of the document's JSON text (malloc'd, NUL-terminated; *len
 * its length without the NUL), or NULL when json is not a packing slip's
 * document or memory runs out. */
char *packing_slip_text(const char *json, size_t *len);

#endif
