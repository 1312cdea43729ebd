/*
 * Subscriptions and the billing run on the JSON entry point (lib/json/subscription-json.c,
 * registered in lib/json/call.c; docs/JSON-API.md): GetSubscription, ListSubscriptions,
 * UpdateSubscription, RunBilling. Each reads the parsed request object @request and,
 * on NUMBERING_OK, sets *result to the response (a new reference).
 */
#ifndef NUMBERING_JSON_SUBSCRIPTION_JSON_H
#define NUMBERING_JSON_SUBSCRIPTION_JSON_H

#include <jansson.h>

#include "numbering/store.h"

int numbering__json_get_subscription(json_t **result, numbering_store *store, const char *caller, json_t *request);
int numbering__json_list_subscriptions(json_t **result, numbering_store *store, const char *caller, json_t *request);
int numbering__json_update_subscription(json_t **result, numbering_store *store, const char *caller,
                                        json_t *request);
int numbering__json_run_billing(json_t **result, numbering_store *store, const char *caller, json_t *request);

#endif
