/*
 * Callback configuration and manual provisioning tasks on the JSON entry point
 * (lib/json/sinch-callbacks.c, registered in lib/json/call.c); as sinch-available.h.
 */
#ifndef NUMBERING_JSON_SINCH_CALLBACKS_H
#define NUMBERING_JSON_SINCH_CALLBACKS_H

#include <jansson.h>

#include "numbering/store.h"

int numbering__json_get_callback_configuration(json_t **result, numbering_store *store, const char *caller,
                                               json_t *request);
int numbering__json_update_callback_configuration(json_t **result, numbering_store *store, const char *caller,
                                                  json_t *request);
int numbering__json_claim_provisioning_tasks(json_t **result, numbering_store *store, const char *caller,
                                             json_t *request);
int numbering__json_complete_provisioning_task(json_t **result, numbering_store *store, const char *caller,
                                               json_t *request);

#endif
