/*
 * Voximplant's applications, rules and child accounts on the JSON entry point
 * (lib/json/vox-applications.c, registered in lib/json/call.c; docs/JSON-API.md,
 * docs/VOXIMPLANT.md): AddApplication, AddRule, DelApplication, DelRule,
 * GetApplications and the host's SetParentAccount.
 */
#ifndef NUMBERING_JSON_VOX_APPLICATIONS_H
#define NUMBERING_JSON_VOX_APPLICATIONS_H

#include <jansson.h>

#include "numbering/store.h"

int numbering__json_add_application(json_t **result, numbering_store *store, const char *caller, json_t *request);
int numbering__json_add_rule(json_t **result, numbering_store *store, const char *caller, json_t *request);
int numbering__json_del_application(json_t **result, numbering_store *store, const char *caller, json_t *request);
int numbering__json_del_rule(json_t **result, numbering_store *store, const char *caller, json_t *request);
int numbering__json_get_applications(json_t **result, numbering_store *store, const char *caller, json_t *request);
int numbering__json_set_parent_account(json_t **result, numbering_store *store, const char *caller,
                                       json_t *request);

#endif
