/*
 * The Voximplant seed's catalogue methods on the JSON entry point (lib/json/vox-catalogue.c),
 * registered in lib/json/call.c: GetPhoneNumberCategories, GetPhoneNumberCountryStates,
 * GetPhoneNumberRegions, GetActualPhoneNumberRegion, GetNewPhoneNumbers.
 */
#ifndef NUMBERING_JSON_VOX_CATALOGUE_H
#define NUMBERING_JSON_VOX_CATALOGUE_H

#include <jansson.h>

#include "numbering/store.h"

int numbering__json_vox_get_categories(json_t **result, numbering_store *store, const char *caller, json_t *request);
int numbering__json_vox_get_country_states(json_t **result, numbering_store *store, const char *caller,
                                           json_t *request);
int numbering__json_vox_get_regions(json_t **result, numbering_store *store, const char *caller, json_t *request);
int numbering__json_vox_get_actual_region(json_t **result, numbering_store *store, const char *caller,
                                          json_t *request);
int numbering__json_vox_get_new_numbers(json_t **result, numbering_store *store, const char *caller, json_t *request);

#endif
