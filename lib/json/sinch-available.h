/*
 * The Sinch Numbers seed's inventory methods of the JSON entry point
 * (lib/json/sinch-available.c, registered in lib/json/call.c): each reads the parsed
 * request object @request and, on NUMBERING_OK, sets *result to the response (a new
 * reference); on failure the thread's error names the JSON field.
 */
#ifndef NUMBERING_JSON_SINCH_AVAILABLE_H
#define NUMBERING_JSON_SINCH_AVAILABLE_H

#include <jansson.h>

#include "numbering/store.h"

int numbering__json_list_available_numbers(json_t **result, numbering_store *store, const char *caller,
                                           json_t *request);
int numbering__json_get_available_number(json_t **result, numbering_store *store, const char *caller,
                                         json_t *request);
int numbering__json_list_available_regions(json_t **result, numbering_store *store, const char *caller,
                                           json_t *request);
int numbering__json_import_available_numbers(json_t **result, numbering_store *store, const char *caller,
                                             json_t *request);
int numbering__json_remove_available_numbers(json_t **result, numbering_store *store, const char *caller,
                                             json_t *request);

#endif
