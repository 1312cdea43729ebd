/*
 * Billing accounts and their ledger on the JSON entry point (lib/json/billing-json.c,
 * registered in lib/json/call.c; docs/JSON-API.md): GetBillingAccount,
 * AdjustBillingAccount, ListBillingEntries.
 */
#ifndef NUMBERING_JSON_BILLING_JSON_H
#define NUMBERING_JSON_BILLING_JSON_H

#include <jansson.h>

#include "numbering/store.h"

int numbering__json_get_billing_account(json_t **result, numbering_store *store, const char *caller, json_t *request);
int numbering__json_adjust_billing_account(json_t **result, numbering_store *store, const char *caller,
                                           json_t *request);
int numbering__json_list_billing_entries(json_t **result, numbering_store *store, const char *caller,
                                         json_t *request);

/* A signed amount as the Sinch money shape: {"currencyCode": "USD", "amount": "-1.50"}
 * (NULL when out of memory or the currency is unknown). */
json_t *numbering__json_signed_money(const char *currency, int64_t minor_units);

#endif
