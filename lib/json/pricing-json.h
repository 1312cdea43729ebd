/*
 * ListPhoneNumberPricing on the JSON entry point (lib/json/pricing-json.c, registered
 * in lib/json/call.c): reads the parsed request object @request and, on NUMBERING_OK,
 * sets *result to the response (a new reference); on failure the thread's error names
 * the JSON field.
 */
#ifndef NUMBERING_JSON_PRICING_JSON_H
#define NUMBERING_JSON_PRICING_JSON_H

#include <jansson.h>

#include "numbering/store.h"

int numbering__json_list_phone_number_pricing(json_t **result, numbering_store *store, const char *caller,
                                              json_t *request);

#endif
