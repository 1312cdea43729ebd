/* The JSON side of a store's statistics (numbering/stats.h): call counts by method. */
#ifndef NUMBERING_JSON_STATS_JSON_H
#define NUMBERING_JSON_STATS_JSON_H

#include "numbering/store.h"

/* The name of method counter @slot (lib/json/call.c's tables in order, then
 * "(unknown)"); NULL past the last. */
const char *numbering__json_method_name(int slot);

/* Counts a numbering_store_call_json() of method counter @slot that answered @status,
 * and logs a DATA_LOSS answer (the store's log, "damaged data found"). */
void numbering__store_count_call(numbering_store *store, int slot, int status);

#endif
