/*
 * AttachPhoneNumber, DeactivatePhoneNumber (the Voximplant seed's parameters, read
 * with lib/json/vox-params.h) and the host's VerifyPhoneNumber: each reads its request
 * and calls the store operation of numbering/phone.h, where the rules live.
 *
 *   AttachPhoneNumber {account_id, country_code, country_state?, phone_category_name,
 *                      phone_count | phone_number, phone_region_id, regulation_address_id?}
 *     -> {"result": 1, "phone_numbers": ["+1...", ...]}
 *   DeactivatePhoneNumber {account_id, phone_id ('all') | phone_number} -> {"result": 1}
 *   VerifyPhoneNumber {account_id, phone_id | phone_number, verification_status: "IN_PROGRESS" |
 *                      "VERIFIED", verification_name?} -> {"result": 1}
 */
#include <string.h>

#include "core/error.h"
#include "json/vox-attach.h"
#include "json/vox-params.h"
#include "numbering/phone.h"

static int result_one(json_t **result, json_t *also_key_value, const char *key)
{
	json_t *out = json_object();
	if (out == NULL || json_object_set_new(out, "result", json_integer(1)) != 0 ||
	    (key != NULL && json_object_set_new(out, key, also_key_value) != 0)) {
		json_decref(out);
		return numbering__vox_out_of_memory();
	}
	*result = out;
	return NUMBERING_OK;
}

int numbering__json_attach_phone_number(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	enum { ACCOUNT, COUNTRY, STATE, CATEGORY, COUNT, NUMBER, REGION, ADDRESS, FIELDS };
	static const char *const names[FIELDS] = {
	    [ACCOUNT] = "account_id",     [COUNTRY] = "country_code",        [STATE] = "country_state",
	    [CATEGORY] = "phone_category_name", [COUNT] = "phone_count",  [NUMBER] = "phone_number",
	    [REGION] = "phone_region_id", [ADDRESS] = "regulation_address_id",
	};
	json_t *f[FIELDS];
	char project[NUMBERING__VOX_PROJECT_SIZE];
	numbering_attach_request r = NUMBERING_ATTACH_REQUEST_INIT;
	struct numbering__vox_list numbers = NUMBERING__VOX_LIST_INIT;
	int rc = numbering__vox_fields(f, request, names, FIELDS);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_account(project, f[ACCOUNT]);
	if (rc == NUMBERING_OK && f[COUNTRY] == NULL)
		rc = numbering__vox_required(names[COUNTRY]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_string(&r.country_code, f[COUNTRY], names[COUNTRY], 2);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_string(&r.country_state, f[STATE], names[STATE], 256);
	if (rc == NUMBERING_OK && f[CATEGORY] == NULL)
		rc = numbering__vox_required(names[CATEGORY]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_string(&r.phone_category_name, f[CATEGORY], names[CATEGORY], 256);
	if (rc == NUMBERING_OK && f[REGION] == NULL)
		rc = numbering__vox_required(names[REGION]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_number(&r.phone_region_id, f[REGION], names[REGION], 1, INT64_MAX / 2);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_number(&r.regulation_address_id, f[ADDRESS], names[ADDRESS], 1, INT64_MAX / 2);
	if (rc == NUMBERING_OK && f[COUNT] != NULL && f[NUMBER] != NULL)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_count",
		                            "phone_count and phone_number exclude each other: give one");
	if (rc == NUMBERING_OK && f[COUNT] == NULL && f[NUMBER] == NULL)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_count", "phone_count or phone_number is required");
	if (rc == NUMBERING_OK && f[COUNT] != NULL)
		rc = numbering__vox_number(&r.phone_count, f[COUNT], names[COUNT], 1, NUMBERING_ATTACH_COUNT_MAX);
	if (rc == NUMBERING_OK && f[NUMBER] != NULL)
		rc = numbering__vox_stringlist(&numbers, f[NUMBER], names[NUMBER], 32);
	if (rc == NUMBERING_OK && numbers.present) {
		if (numbers.count > NUMBERING_ATTACH_COUNT_MAX)
			rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_number",
			                            "phone_number lists %zu numbers: at most %d", numbers.count,
			                            NUMBERING_ATTACH_COUNT_MAX);
		r.phone_numbers = numbers.texts;
		r.phone_number_count = (int)numbers.count;
	}
	numbering_attached *attached = NULL;
	if (rc == NUMBERING_OK)
		rc = numbering_store_attach_phone_numbers(&attached, store, caller, project, &r);
	numbering__vox_list_free(&numbers);
	if (rc != NUMBERING_OK)
		return rc;
	json_t *list = json_array();
	for (int i = 0; list != NULL && i < numbering_attached_count(attached); i++)
		if (json_array_append_new(list, json_string(numbering_attached_phone_number(attached, i))) != 0) {
			json_decref(list);
			list = NULL;
		}
	numbering_attached_free(attached);
	if (list == NULL)
		return numbering__vox_out_of_memory();
	return result_one(result, list, "phone_numbers");
}

int numbering__json_deactivate_phone_number(json_t **result, numbering_store *store, const char *caller,
                                            json_t *request)
{
	enum { ACCOUNT, ID, NUMBER, FIELDS };
	static const char *const names[FIELDS] = {[ACCOUNT] = "account_id", [ID] = "phone_id", [NUMBER] = "phone_number"};
	json_t *f[FIELDS];
	char project[NUMBERING__VOX_PROJECT_SIZE];
	struct numbering__vox_list ids = NUMBERING__VOX_LIST_INIT, numbers = NUMBERING__VOX_LIST_INIT;
	int rc = numbering__vox_fields(f, request, names, FIELDS);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_account(project, f[ACCOUNT]);
	if (rc == NUMBERING_OK && f[ID] != NULL && f[NUMBER] != NULL)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_number",
		                            "phone_id and phone_number exclude each other: give one");
	if (rc == NUMBERING_OK && f[ID] == NULL && f[NUMBER] == NULL)
		rc = numbering__vox_required(names[ID]);
	if (rc == NUMBERING_OK && f[ID] != NULL)
		rc = numbering__vox_intlist(&ids, f[ID], names[ID], 1);
	if (rc == NUMBERING_OK && f[NUMBER] != NULL)
		rc = numbering__vox_stringlist(&numbers, f[NUMBER], names[NUMBER], 32);
	if (rc == NUMBERING_OK)
		rc = numbering_store_deactivate_phone_numbers(NULL, store, caller, project, ids.ids, (int)ids.count, ids.all,
		                                              numbers.texts, (int)numbers.count);
	numbering__vox_list_free(&ids);
	numbering__vox_list_free(&numbers);
	return rc == NUMBERING_OK ? result_one(result, NULL, NULL) : rc;
}

int numbering__json_verify_phone_number(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	enum { ACCOUNT, ID, NUMBER, STATUS, NAME, FIELDS };
	static const char *const names[FIELDS] = {[ACCOUNT] = "account_id", [ID] = "phone_id", [NUMBER] = "phone_number",
	                                          [STATUS] = "verification_status", [NAME] = "verification_name"};
	json_t *f[FIELDS];
	char project[NUMBERING__VOX_PROJECT_SIZE];
	int64_t id = 0;
	const char *number = NULL, *status = NULL, *name = NULL;
	int rc = numbering__vox_fields(f, request, names, FIELDS);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_account(project, f[ACCOUNT]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_number(&id, f[ID], names[ID], 1, INT64_MAX);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_string(&number, f[NUMBER], names[NUMBER], 32);
	if (rc == NUMBERING_OK && f[STATUS] == NULL)
		rc = numbering__vox_required(names[STATUS]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_string(&status, f[STATUS], names[STATUS], 32);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_string(&name, f[NAME], names[NAME], 256);
	int value = 0;
	if (rc == NUMBERING_OK) {
		if (strcmp(status, "IN_PROGRESS") == 0)
			value = NUMBERING_VERIFICATION_IN_PROGRESS;
		else if (strcmp(status, "VERIFIED") == 0)
			value = NUMBERING_VERIFICATION_VERIFIED;
		else
			rc = numbering__vox_invalid(names[STATUS], status, strlen(status), "is not IN_PROGRESS or VERIFIED");
	}
	if (rc == NUMBERING_OK)
		rc = numbering_store_verify_phone_number(store, caller, project, id, number, value, name);
	return rc == NUMBERING_OK ? result_one(result, NULL, NULL) : rc;
}
