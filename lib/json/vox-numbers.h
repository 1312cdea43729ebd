/* BindPhoneNumberToApplication, SetPhoneNumberInfo, GetPhoneNumbers,
 * GetAccountPhoneNumberCountries, SetAccountInfo and GetAccountInfo on the JSON entry
 * point (lib/json/vox-numbers.c). */
#ifndef NUMBERING_JSON_VOX_NUMBERS_H
#define NUMBERING_JSON_VOX_NUMBERS_H

#include <jansson.h>

#include "numbering/store.h"

int numbering__json_bind_phone_number(json_t **result, numbering_store *store, const char *caller, json_t *request);
int numbering__json_set_phone_number_info(json_t **result, numbering_store *store, const char *caller,
                                          json_t *request);
int numbering__json_get_phone_numbers(json_t **result, numbering_store *store, const char *caller, json_t *request);
int numbering__json_get_account_phone_number_countries(json_t **result, numbering_store *store, const char *caller,
                                                       json_t *request);
/* The account's general inbound SMS URL: SetAccountInfo, GetAccountInfo. */
int numbering__json_set_account_info(json_t **result, numbering_store *store, const char *caller, json_t *request);
int numbering__json_get_account_info(json_t **result, numbering_store *store, const char *caller, json_t *request);

#endif
