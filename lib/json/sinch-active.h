/*
 * The Sinch Numbers seed's active-number methods of the JSON entry point
 * (lib/json/sinch-active.c, registered in lib/json/call.c): NumberService_RentNumber,
 * NumberService_RentAnyNumber, NumberService_ListActiveNumbers,
 * NumberService_GetActiveNumber, NumberService_UpdateActiveNumber and
 * NumberService_ReleaseNumber. Each reads the parsed request object @request and, on
 * NUMBERING_OK, sets *result to the response (a new reference); on failure the
 * thread's error names the JSON field by its camelCase path.
 */
#ifndef NUMBERING_JSON_SINCH_ACTIVE_H
#define NUMBERING_JSON_SINCH_ACTIVE_H

#include <jansson.h>

#include "numbering/active.h"
#include "numbering/store.h"

int numbering__json_rent_number(json_t **result, numbering_store *store, const char *caller, json_t *request);
int numbering__json_rent_any_number(json_t **result, numbering_store *store, const char *caller, json_t *request);
int numbering__json_list_active_numbers(json_t **result, numbering_store *store, const char *caller,
                                        json_t *request);
int numbering__json_get_active_number(json_t **result, numbering_store *store, const char *caller, json_t *request);
int numbering__json_update_active_number(json_t **result, numbering_store *store, const char *caller,
                                         json_t *request);
int numbering__json_release_number(json_t **result, numbering_store *store, const char *caller, json_t *request);

/* The seed's ActiveNumberResponse of @number; NULL when out of memory (the thread's
 * error is then set). */
json_t *numbering__active_number_to_json(const numbering_active_number *number);

#endif
