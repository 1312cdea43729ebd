/*
 * The change journal on the JSON entry point (lib/json/changes-json.c, registered in
 * lib/json/call.c; docs/JSON-API.md, docs/CHANGES-JOURNAL.md): ListChanges.
 */
#ifndef NUMBERING_JSON_CHANGES_JSON_H
#define NUMBERING_JSON_CHANGES_JSON_H

#include <jansson.h>

#include "numbering/store.h"

int numbering__json_list_changes(json_t **result, numbering_store *store, const char *caller, json_t *request);

#endif
