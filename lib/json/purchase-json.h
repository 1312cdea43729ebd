/*
 * The schema seed's phone number purchases on the JSON entry point
 * (lib/json/purchase-json.c, registered in lib/json/call.c; docs/JSON-API.md).
 */
#ifndef NUMBERING_JSON_PURCHASE_JSON_H
#define NUMBERING_JSON_PURCHASE_JSON_H

#include <jansson.h>

#include "numbering/store.h"

int numbering__json_create_purchase(json_t **result, numbering_store *store, const char *caller, json_t *request);
int numbering__json_get_purchase(json_t **result, numbering_store *store, const char *caller, json_t *request);
int numbering__json_list_purchases(json_t **result, numbering_store *store, const char *caller, json_t *request);
int numbering__json_complete_purchase(json_t **result, numbering_store *store, const char *caller, json_t *request);
int numbering__json_fail_purchase(json_t **result, numbering_store *store, const char *caller, json_t *request);
int numbering__json_cancel_purchase(json_t **result, numbering_store *store, const char *caller, json_t *request);

#endif
