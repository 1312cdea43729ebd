/*
 * Voximplant's AttachPhoneNumber and DeactivatePhoneNumber, and the host's
 * VerifyPhoneNumber, on the JSON entry point (lib/json/vox-attach.c, registered in
 * lib/json/call.c; docs/JSON-API.md, docs/VOXIMPLANT.md).
 */
#ifndef NUMBERING_JSON_VOX_ATTACH_H
#define NUMBERING_JSON_VOX_ATTACH_H

#include <jansson.h>

#include "numbering/store.h"

int numbering__json_attach_phone_number(json_t **result, numbering_store *store, const char *caller, json_t *request);
int numbering__json_deactivate_phone_number(json_t **result, numbering_store *store, const char *caller,
                                            json_t *request);
int numbering__json_verify_phone_number(json_t **result, numbering_store *store, const char *caller, json_t *request);

#endif
