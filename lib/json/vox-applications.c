/*
 * Applications, rules and child accounts (Voximplant's own method names, read with
 * lib/json/vox-params.h): each reads its request and calls the store operation of
 * numbering/application.h, where the rules live.
 *
 *   AddApplication {account_id, application_name}
 *     -> {"result": 1, "application_id": N, "application_name": "..."}
 *   AddRule {account_id, application_id | application_name, rule_name, rule_pattern?}
 *     -> {"result": 1, "rule_id": N}
 *   DelApplication {account_id, application_id (intlist) | application_name (stringlist)}
 *     -> {"result": 1}
 *   DelRule {account_id, rule_id (intlist) | rule_name (stringlist, needs an
 *            application), application_id?, application_name?} -> {"result": 1}
 *   GetApplications {account_id, application_id?, application_name?, count? (20),
 *                    offset? (0), with_rules?}
 *     -> {"result": [{application_id, application_name, created, rules?}], "count", "total_count"}
 *   SetParentAccount {account_id, parent_account_id? (null or absent: none)} -> {"result": 1}
 */
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "json/vox-applications.h"
#include "json/vox-params.h"
#include "numbering/application.h"

static int result_one(json_t **result, const char *key, json_t *value, const char *key2, json_t *value2)
{
	json_t *out = json_object();
	int bad = out == NULL || json_object_set_new(out, "result", json_integer(1)) != 0;
	if (key != NULL)
		bad = json_object_set_new(out, key, value) != 0 || bad;
	if (key2 != NULL)
		bad = json_object_set_new(out, key2, value2) != 0 || bad;
	if (bad) {
		json_decref(out);
		return numbering__vox_out_of_memory();
	}
	*result = out;
	return NUMBERING_OK;
}

/* application_id and application_name: one of them, or (@optional) neither. */
static int read_application(int64_t *id, const char **name, json_t *id_value, json_t *name_value, int optional)
{
	if (id_value != NULL && name_value != NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "application_name",
		                              "application_id and application_name exclude each other: give one");
	if (!optional && id_value == NULL && name_value == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "application_id",
		                              "application_id or application_name is required");
	int rc = numbering__vox_number(id, id_value, "application_id", 1, INT64_MAX);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_string(name, name_value, "application_name", NUMBERING_APPLICATION_NAME_MAX);
	return rc;
}

int numbering__json_add_application(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	enum { ACCOUNT, NAME, FIELDS };
	static const char *const names[FIELDS] = {[ACCOUNT] = "account_id", [NAME] = "application_name"};
	json_t *f[FIELDS];
	char project[NUMBERING__VOX_PROJECT_SIZE];
	const char *name = NULL;
	int64_t id = 0;
	int rc = numbering__vox_fields(f, request, names, FIELDS);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_account(project, f[ACCOUNT]);
	if (rc == NUMBERING_OK && f[NAME] == NULL)
		rc = numbering__vox_required(names[NAME]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_string(&name, f[NAME], names[NAME], NUMBERING_APPLICATION_NAME_MAX);
	if (rc == NUMBERING_OK)
		rc = numbering_store_add_application(&id, store, caller, project, name);
	if (rc != NUMBERING_OK)
		return rc;
	return result_one(result, "application_id", json_integer(id), "application_name", json_string(name));
}

int numbering__json_add_rule(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	enum { ACCOUNT, APP_ID, APP_NAME, NAME, PATTERN, FIELDS };
	static const char *const names[FIELDS] = {
	    [ACCOUNT] = "account_id", [APP_ID] = "application_id", [APP_NAME] = "application_name",
	    [NAME] = "rule_name",     [PATTERN] = "rule_pattern",
	};
	json_t *f[FIELDS];
	char project[NUMBERING__VOX_PROJECT_SIZE];
	const char *app_name = NULL, *name = NULL, *pattern = NULL;
	int64_t app_id = 0, id = 0;
	int rc = numbering__vox_fields(f, request, names, FIELDS);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_account(project, f[ACCOUNT]);
	if (rc == NUMBERING_OK)
		rc = read_application(&app_id, &app_name, f[APP_ID], f[APP_NAME], 0);
	if (rc == NUMBERING_OK && f[NAME] == NULL)
		rc = numbering__vox_required(names[NAME]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_string(&name, f[NAME], names[NAME], NUMBERING_APPLICATION_NAME_MAX);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_string(&pattern, f[PATTERN], names[PATTERN], NUMBERING_RULE_PATTERN_MAX);
	if (rc == NUMBERING_OK)
		rc = numbering_store_add_rule(&id, store, caller, project, app_id, app_name, name, pattern);
	if (rc != NUMBERING_OK)
		return rc;
	return result_one(result, "rule_id", json_integer(id), NULL, NULL);
}

int numbering__json_del_application(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	enum { ACCOUNT, ID, NAME, FIELDS };
	static const char *const names[FIELDS] = {
	    [ACCOUNT] = "account_id", [ID] = "application_id", [NAME] = "application_name"};
	json_t *f[FIELDS];
	char project[NUMBERING__VOX_PROJECT_SIZE];
	struct numbering__vox_list ids = NUMBERING__VOX_LIST_INIT, texts = NUMBERING__VOX_LIST_INIT;
	int rc = numbering__vox_fields(f, request, names, FIELDS);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_account(project, f[ACCOUNT]);
	if (rc == NUMBERING_OK && f[ID] == NULL && f[NAME] == NULL)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "application_id",
		                            "application_id or application_name is required");
	if (rc == NUMBERING_OK)
		rc = numbering__vox_intlist(&ids, f[ID], names[ID], 0);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_stringlist(&texts, f[NAME], names[NAME], NUMBERING_APPLICATION_NAME_MAX);
	if (rc == NUMBERING_OK)
		rc = numbering_store_delete_applications(store, caller, project, ids.ids, ids.count, texts.texts,
		                                         texts.count);
	numbering__vox_list_free(&ids);
	numbering__vox_list_free(&texts);
	if (rc != NUMBERING_OK)
		return rc;
	return result_one(result, NULL, NULL, NULL, NULL);
}

int numbering__json_del_rule(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	enum { ACCOUNT, APP_ID, APP_NAME, ID, NAME, FIELDS };
	static const char *const names[FIELDS] = {
	    [ACCOUNT] = "account_id", [APP_ID] = "application_id", [APP_NAME] = "application_name",
	    [ID] = "rule_id",         [NAME] = "rule_name",
	};
	json_t *f[FIELDS];
	char project[NUMBERING__VOX_PROJECT_SIZE];
	const char *app_name = NULL;
	int64_t app_id = 0;
	struct numbering__vox_list ids = NUMBERING__VOX_LIST_INIT, texts = NUMBERING__VOX_LIST_INIT;
	int rc = numbering__vox_fields(f, request, names, FIELDS);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_account(project, f[ACCOUNT]);
	if (rc == NUMBERING_OK)
		rc = read_application(&app_id, &app_name, f[APP_ID], f[APP_NAME], 1);
	if (rc == NUMBERING_OK && f[ID] == NULL && f[NAME] == NULL)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "rule_id", "rule_id or rule_name is required");
	if (rc == NUMBERING_OK)
		rc = numbering__vox_intlist(&ids, f[ID], names[ID], 0);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_stringlist(&texts, f[NAME], names[NAME], NUMBERING_APPLICATION_NAME_MAX);
	if (rc == NUMBERING_OK)
		rc = numbering_store_delete_rules(store, caller, project, app_id, app_name, ids.ids, ids.count, texts.texts,
		                                  texts.count);
	numbering__vox_list_free(&ids);
	numbering__vox_list_free(&texts);
	if (rc != NUMBERING_OK)
		return rc;
	return result_one(result, NULL, NULL, NULL, NULL);
}

/* One application of @list as the seed's object. */
static json_t *application_json(const numbering_application_list *list, size_t i, int with_rules)
{
	char created[NUMBERING__VOX_TIMESTAMP_SIZE];
	json_t *o = json_object();
	int bad = o == NULL;
	if (!bad)
		bad = json_object_set_new(o, "application_id", json_integer(numbering_application_list_id(list, i))) != 0 ||
		      json_object_set_new(o, "application_name", json_string(numbering_application_list_name(list, i))) != 0 ||
		      json_object_set_new(o, "created",
		                          json_string(numbering__vox_format_timestamp(
		                              created, numbering_application_list_created(list, i)))) != 0;
	json_t *rules = !bad && with_rules ? json_array() : NULL;
	if (!bad && with_rules && (rules == NULL || json_object_set_new(o, "rules", rules) != 0))
		bad = 1;
	for (size_t j = 0; !bad && with_rules && j < numbering_application_list_rule_count(list, i); j++) {
		json_t *r = json_object();
		const char *pattern = numbering_application_list_rule_pattern(list, i, j);
		bad = r == NULL || json_array_append_new(rules, r) != 0;
		if (!bad)
			bad = json_object_set_new(r, "rule_id", json_integer(numbering_application_list_rule_id(list, i, j))) !=
			          0 ||
			      json_object_set_new(r, "rule_name", json_string(numbering_application_list_rule_name(list, i, j))) !=
			          0 ||
			      (pattern != NULL && json_object_set_new(r, "rule_pattern", json_string(pattern)) != 0) ||
			      json_object_set_new(r, "created",
			                          json_string(numbering__vox_format_timestamp(
			                              created, numbering_application_list_rule_created(list, i, j)))) != 0;
	}
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int numbering__json_get_applications(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	enum { ACCOUNT, ID, NAME, COUNT, OFFSET, WITH_RULES, FIELDS };
	static const char *const names[FIELDS] = {
	    [ACCOUNT] = "account_id", [ID] = "application_id", [NAME] = "application_name",
	    [COUNT] = "count",        [OFFSET] = "offset",     [WITH_RULES] = "with_rules",
	};
	json_t *f[FIELDS];
	char project[NUMBERING__VOX_PROJECT_SIZE];
	const char *name = NULL;
	int64_t id = 0, count = 20, offset = 0;
	int with_rules = 0;
	int rc = numbering__vox_fields(f, request, names, FIELDS);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_account(project, f[ACCOUNT]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_number(&id, f[ID], names[ID], 1, INT64_MAX);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_string(&name, f[NAME], names[NAME], NUMBERING_APPLICATION_NAME_MAX);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_count(&count, f[COUNT]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_offset(&offset, f[OFFSET]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_boolean(&with_rules, f[WITH_RULES], names[WITH_RULES]);
	numbering_application_list *list = NULL;
	if (rc == NUMBERING_OK)
		rc = numbering_store_list_applications(&list, store, caller, project, id, name, count, offset, with_rules);
	if (rc != NUMBERING_OK)
		return rc;
	json_t *items = json_array();
	for (size_t i = 0; items != NULL && i < numbering_application_list_count(list); i++) {
		json_t *o = application_json(list, i, with_rules);
		if (o == NULL || json_array_append_new(items, o) != 0) {
			json_decref(items);
			items = NULL;
		}
	}
	int64_t total = numbering_application_list_total(list);
	numbering_application_list_free(list);
	return numbering__vox_page(result, items, total);
}

/* parent_account_id as numbering__vox_account() reads account_id, into "projects/N";
 * absent or null: "" (no parent). */
static int read_parent(char out[NUMBERING__VOX_PROJECT_SIZE], json_t *value)
{
	static const char name[] = "parent_account_id";
	char text[40];
	const char *id = NULL;
	size_t len = 0;
	out[0] = '\0';
	if (value == NULL)
		return NUMBERING_OK;
	if (json_is_integer(value)) {
		json_int_t v = json_integer_value(value);
		snprintf(text, sizeof(text), "%" JSON_INTEGER_FORMAT, v);
		if (v < 0)
			return numbering__vox_invalid(name, text, strlen(text), "is not an account id (0 or more)");
		id = text;
	} else if (json_is_string(value)) {
		id = json_string_value(value);
		if (strlen(id) != json_string_length(value))
			return numbering__vox_invalid(name, id, strlen(id), "holds a NUL byte");
	} else {
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, name, "%s must be an integer or a string", name);
	}
	len = strlen(id);
	if (len == 0 || len > 63 || strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789-") != len)
		return numbering__vox_invalid(name, id, len, "is not an account id (1 to 63 of a-z, 0-9 and '-')");
	snprintf(out, NUMBERING__VOX_PROJECT_SIZE, "projects/%s", id);
	return NUMBERING_OK;
}

int numbering__json_set_parent_account(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	enum { ACCOUNT, PARENT, FIELDS };
	static const char *const names[FIELDS] = {[ACCOUNT] = "account_id", [PARENT] = "parent_account_id"};
	json_t *f[FIELDS];
	char project[NUMBERING__VOX_PROJECT_SIZE], parent[NUMBERING__VOX_PROJECT_SIZE];
	int rc = numbering__vox_fields(f, request, names, FIELDS);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_account(project, f[ACCOUNT]);
	if (rc == NUMBERING_OK)
		rc = read_parent(parent, f[PARENT]);
	if (rc == NUMBERING_OK)
		rc = numbering_store_set_parent_account(store, caller, project, parent);
	if (rc != NUMBERING_OK)
		return rc;
	return result_one(result, NULL, NULL, NULL, NULL);
}
