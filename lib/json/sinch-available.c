/*
 * The Sinch Numbers seed's inventory methods on the JSON entry point (lib/json/call.c):
 * NumberService_ListAvailableNumbers, NumberService_GetAvailableNumber and
 * NumberService_ListAvailableRegions, and the host's ImportAvailableNumbers and
 * RemoveAvailableNumbers (docs/JSON-API.md).
 *
 * A request is one JSON object holding the operation's path parameters (projectId "p"
 * is the project "projects/p"), its query parameters and its body fields, all by the
 * seed's camelCase names; a response is the seed's schema with exactly its field names.
 * Every bad value is INVALID_ARGUMENT naming its JSON path
 * ("availableNumbers[2].setupPrice.amount") and quoting it, and changes nothing.
 *
 * An imported item takes every attribute of model/available-fields.h by its name,
 * read by the row's type, so a new row there is importable without a change here.
 * Items are read without their field paths (path NULL below: writing
 * "availableNumbers[12].setupPrice.amount" for every value was a tenth of an import);
 * an item that fails is read again with them, for its message.
 * Prices are a currency and a decimal string ("2.00") read by numbering_money_parse():
 * never a JSON number, which would be a float.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "json/json.h"
#include "model/available.h"
#include "numbering/inventory.h"
#include "numbering/money.h"
#include "json/sinch-available.h"
#include "json/sinch-common.h"
#include "service/import-request.h"

/* ---- Reading ---- */

/* An item's path is NULL while it is read without paths (the message of a failure is
 * then thrown away, and the item read again with them): what the shared readers get. */
static const char *named(const char *path)
{
	return path != NULL ? path : "";
}

/* @path "." @name into @at; "" without a path. */
static const char *sub(char at[NUMBERING__JSON_PATH_SIZE], const char *path, const char *name)
{
	if (path != NULL)
		return numbering__json_path(at, path, name);
	at[0] = '\0';
	return at;
}

/* Gives a setter's failure the JSON path @full of the value it refused: its violation
 * names @full, and a message that starts with the setter's own field name starts with
 * @full instead (else @full is put before it). */
static int at_path(int rc, const char *full)
{
	if (rc == NUMBERING_OK)
		return rc;
	char message[512], field[NUMBERING__JSON_PATH_SIZE] = "";
	snprintf(message, sizeof(message), "%s", numbering_error_message());
	if (numbering_error_violation_count() > 0)
		snprintf(field, sizeof(field), "%s", numbering_error_violation_field(0));
	size_t n = strlen(field);
	if (n > 0 && strncmp(message, field, n) == 0)
		return numbering__error_field(rc, full, "%s%s", full, message + n);
	return numbering__error_field(rc, full, "%s: %s", full, message);
}

static int string_field(const char **out, json_t *value, const char *path)
{
	return numbering__json_string(out, value, named(path));
}

/* A money object {currencyCode, amount} into a currency and minor units. */
static int read_money(char currency[4], int64_t *minor, json_t *value, const char *path)
{
	enum { CURRENCY, AMOUNT, COUNT };
	static const struct numbering__json_field fields[COUNT] = {
		[CURRENCY] = {"currencyCode", "currencyCode"},
		[AMOUNT] = {"amount", "amount"},
	};
	json_t *f[COUNT];
	char at[NUMBERING__JSON_PATH_SIZE];
	int rc = numbering__json_object(value, named(path));
	if (rc == NUMBERING_OK)
		rc = numbering__json_fields(f, value, fields, COUNT, named(path));
	if (rc != NUMBERING_OK)
		return rc;
	const char *code = NULL, *amount = NULL;
	if ((rc = string_field(&code, f[CURRENCY], sub(at, path, "currencyCode"))) != NUMBERING_OK)
		return rc;
	if (code == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, at, "%s is required", at);
	if (!numbering_currency_is_known(code))
		return numbering__sinch_invalid(at, "is not an ISO 4217 currency (three upper-case letters, like \"USD\")", code);
	sub(at, path, "amount");
	if (f[AMOUNT] != NULL && (json_is_integer(f[AMOUNT]) || json_is_real(f[AMOUNT])))
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, at,
		                              "%s must be a decimal string such as \"2.00\", not a JSON number", at);
	if ((rc = string_field(&amount, f[AMOUNT], at)) != NUMBERING_OK)
		return rc;
	if (amount == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, at, "%s is required", at);
	if ((rc = numbering_money_parse(minor, code, amount)) != NUMBERING_OK)
		return at_path(rc, at);
	memcpy(currency, code, 4);
	return NUMBERING_OK;
}

/* An int64 attribute: a JSON integer or a decimal string. */
static int read_int64(int64_t *out, json_t *value, const char *path)
{
	if (json_is_integer(value)) {
		*out = json_integer_value(value);
		return NUMBERING_OK;
	}
	if (json_is_string(value)) {
		const char *text = json_string_value(value);
		size_t len = strlen(text);
		if (len > 0 && len <= 18 && strspn(text, "0123456789") == len) {
			*out = strtoll(text, NULL, 10);
			return NUMBERING_OK;
		}
		return numbering__sinch_invalid(named(path), "is not a whole number", text);
	}
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, named(path), "%s must be an integer, not %s",
	                              named(path), numbering__json_type_name(value));
}

/* One attribute of the table (model/available-fields.h), read by its row's type. */
static int read_attribute(numbering_available_number *n, const struct numbering__field *row, json_t *value,
                          const char *path)
{
	int rc = NUMBERING_OK;
	switch (row->type) {
	case NUMBERING__FIELD_TEXT: {
		const char *text = NULL;
		if ((rc = string_field(&text, value, path)) == NUMBERING_OK)
			rc = at_path(numbering_available_number_set_text(n, row->json, text), named(path));
		break;
	}
	case NUMBERING__FIELD_BOOL: {
		int flag = 0;
		if ((rc = numbering__json_bool(&flag, value, named(path))) == NUMBERING_OK)
			rc = numbering_available_number_set_int(n, row->json, flag);
		break;
	}
	case NUMBERING__FIELD_INT: {
		int64_t v = 0;
		if ((rc = read_int64(&v, value, path)) == NUMBERING_OK &&
		    numbering_available_number_set_int(n, row->json, v) != NUMBERING_OK) {
			char text[32];
			snprintf(text, sizeof(text), "%lld", (long long)v);
			char why[96];
			snprintf(why, sizeof(why), "is out of range (%lld to %lld)", (long long)row->dflt, (long long)row->limit);
			rc = numbering__sinch_invalid(named(path), why, text);
		}
		break;
	}
	case NUMBERING__FIELD_CAPS: {
		int flags = 0;
		if ((rc = numbering__sinch_read_capabilities(&flags, value, named(path))) == NUMBERING_OK)
			rc = numbering_available_number_set_int(n, row->json, flags);
		break;
	}
	case NUMBERING__FIELD_MONEY: {
		char currency[4];
		int64_t minor = 0;
		if ((rc = read_money(currency, &minor, value, path)) == NUMBERING_OK &&
		    numbering_available_number_set_money(n, row->json, currency, minor) != NUMBERING_OK) {
			/* The only refusal left (read_money() checked the currency): past the
			 * attribute's limit. Say the amount and the limit, as every refusal does. */
			char at[NUMBERING__JSON_PATH_SIZE], amount[NUMBERING_MONEY_BUFSIZE], largest[NUMBERING_MONEY_BUFSIZE];
			if (numbering_money_format(amount, sizeof(amount), currency, minor) != NUMBERING_OK ||
			    numbering_money_format(largest, sizeof(largest), currency, row->limit) != NUMBERING_OK)
				amount[0] = largest[0] = '\0';
			numbering_error_clear();
			rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, numbering__json_path(at, named(path), "amount"),
			                            "%s \"%s\" is more than a price can be: the largest %s price is %s", at,
			                            amount, currency, largest);
		}
		break;
	}
	default:
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, named(path), "%s cannot be given in JSON", named(path));
	}
	return rc;
}

/* An AvailableNumber object of an import into @n; @path NULL reads it without paths. */
static int read_available(numbering_available_number *n, json_t *value, const char *path)
{
	char at[NUMBERING__JSON_PATH_SIZE];
	if (!json_is_object(value))
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, named(path), "%s must be an object, not %s",
		                              named(path), numbering__json_type_name(value));
	/* The region first: it reads a national phoneNumber. */
	const char *region = NULL;
	json_t *r = json_object_get(value, "regionCode");
	int rc = string_field(&region, r != NULL && !json_is_null(r) ? r : NULL, sub(at, path, "regionCode"));
	if (rc == NUMBERING_OK && region != NULL)
		rc = at_path(numbering_available_number_set_region_code(n, region), at);
	const char *key;
	json_t *member;
	json_object_foreach(value, key, member) {
		if (rc != NUMBERING_OK)
			break;
		if (json_is_null(member) || strcmp(key, "regionCode") == 0)
			continue;
		char quoted[NUMBERING__QUOTE_SIZE] = "";
		if (path != NULL)
			numbering__json_path(at, path, numbering__quote(quoted, key, strlen(key)));
		else
			at[0] = '\0';
		if (strcmp(key, "phoneNumber") == 0) {
			const char *text = NULL;
			if ((rc = string_field(&text, member, at)) == NUMBERING_OK)
				rc = at_path(numbering_available_number_set_numbers(n, text, region), at);
		} else if (strcmp(key, "type") == 0) {
			int type = 0;
			if ((rc = numbering__sinch_read_type(&type, member, at)) == NUMBERING_OK)
				rc = at_path(numbering_available_number_set_type(n, type), at);
		} else {
			const struct numbering__field *row = numbering__fields_find(&numbering__available_fields, key, -1);
			if (row == NULL)
				rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, at, "unknown field \"%s\" in %s", quoted,
				                            named(path));
			else
				rc = read_attribute(n, row, member, path != NULL ? at : NULL);
		}
	}
	return rc;
}

/* ---- Writing ---- */

/* The seed's AvailableNumber: its fields only, prices when set. */
static json_t *available_json(const numbering_available_number *n)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:o*}", "phoneNumber", numbering_available_number_phone_number(n),
	                      "regionCode", numbering_available_number_region_code(n), "type",
	                      numbering_number_type_name(numbering_available_number_type(n)), "capability",
	                      numbering__sinch_capabilities_json((int)numbering_available_number_int(n, "capability")));
	static const char *const prices[] = {"setupPrice", "monthlyPrice"};
	for (int i = 0; o != NULL && i < 2; i++) {
		const char *currency = NULL;
		int64_t minor = 0;
		if (numbering_available_number_money(n, prices[i], &currency, &minor) != NUMBERING_OK)
			continue;
		json_t *m = numbering__sinch_money_json(currency, minor);
		if (m == NULL || json_object_set_new(o, prices[i], m) != 0) {
			json_decref(o);
			o = NULL;
		}
	}
	if (o != NULL &&
	    (json_object_set_new(o, "paymentIntervalMonths",
	                         json_integer(numbering_available_number_int(n, "paymentIntervalMonths"))) != 0 ||
	     json_object_set_new(o, "supportingDocumentationRequired",
	                         json_boolean(numbering_available_number_int(n, "supportingDocumentationRequired"))) !=
	         0)) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

/* {name: value} as the result, taking @value. */
static int single(json_t **result, const char *name, json_t *value)
{
	*result = value == NULL ? NULL : json_object();
	if (*result == NULL || json_object_set_new(*result, name, value) != 0) {
		json_decref(*result);
		*result = NULL;
		return numbering__sinch_out_of_memory();
	}
	return NUMBERING_OK;
}

/* ---- The methods ---- */

int numbering__json_list_available_numbers(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	enum { PROJECT, PATTERN, REGION, TYPE, CAPABILITIES, SIZE, COUNT };
	static const struct numbering__json_field fields[COUNT] = {
		[PROJECT] = {"projectId", "projectId"},       [PATTERN] = {"numberPattern", "numberPattern"},
		[REGION] = {"regionCode", "regionCode"},      [TYPE] = {"type", "type"},
		[CAPABILITIES] = {"capabilities", "capabilities"}, [SIZE] = {"size", "size"},
	};
	json_t *f[COUNT];
	char project[NUMBERING__JSON_PATH_SIZE];
	numbering_available_query q = NUMBERING_AVAILABLE_QUERY_INIT;
	int32_t size = 0;
	int rc = numbering__json_fields(f, request, fields, COUNT, "");
	if (rc == NUMBERING_OK)
		rc = numbering__sinch_read_available_query(project, sizeof(project), &q, f[PROJECT], f[PATTERN], f[REGION],
		                                           f[TYPE], f[CAPABILITIES]);
	if (rc == NUMBERING_OK)
		rc = numbering__json_int32(&size, f[SIZE], "size");
	if (rc != NUMBERING_OK)
		return rc;
	q.size = size;
	numbering_available_list *list = NULL;
	rc = numbering_store_search_available(&list, store, caller, project, &q);
	if (rc != NUMBERING_OK)
		return rc;
	json_t *items = json_array();
	for (int i = 0; items != NULL && i < numbering_available_list_count(list); i++)
		if (json_array_append_new(items, available_json(numbering_available_list_item(list, i))) != 0) {
			json_decref(items);
			items = NULL;
		}
	numbering_available_list_free(list);
	return single(result, "availableNumbers", items);
}

int numbering__json_get_available_number(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	char project[NUMBERING__JSON_PATH_SIZE];
	const char *number = "";
	int rc = numbering__sinch_read_number_request(project, sizeof(project), &number, request);
	if (rc != NUMBERING_OK)
		return rc;
	numbering_available_number *n = NULL;
	rc = numbering_store_get_available(&n, store, caller, project, number);
	if (rc == NUMBERING_OK) {
		*result = available_json(n);
		if (*result == NULL)
			rc = numbering__sinch_out_of_memory();
	}
	numbering_available_number_free(n);
	return rc;
}

int numbering__json_list_available_regions(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	enum { PROJECT, TYPES, COUNT };
	static const struct numbering__json_field fields[COUNT] = {
		[PROJECT] = {"projectId", "projectId"},
		[TYPES] = {"types", "types"},
	};
	json_t *f[COUNT];
	char project[NUMBERING__JSON_PATH_SIZE];
	int types = 0;
	int rc = numbering__json_fields(f, request, fields, COUNT, "");
	if (rc == NUMBERING_OK)
		rc = numbering__sinch_read_project(project, sizeof(project), f[PROJECT]);
	if (rc == NUMBERING_OK)
		rc = numbering__json_array(f[TYPES], "types");
	size_t i;
	json_t *item;
	if (rc == NUMBERING_OK && f[TYPES] != NULL)
		json_array_foreach(f[TYPES], i, item) {
			char at[NUMBERING__JSON_PATH_SIZE];
			int type = 0;
			numbering__json_path_index(at, "types", i);
			if (json_is_null(item))
				rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, at, "%s must be a string, not null", at);
			else
				rc = numbering__sinch_read_type(&type, item, at);
			if (rc != NUMBERING_OK)
				break;
			types |= NUMBERING_NUMBER_TYPE_BIT(type);
		}
	if (rc != NUMBERING_OK)
		return rc;
	numbering_available_region_list *list = NULL;
	rc = numbering_store_available_regions(&list, store, caller, project, types);
	if (rc != NUMBERING_OK)
		return rc;
	json_t *regions = json_array();
	for (int r = 0; regions != NULL && r < numbering_available_region_list_count(list); r++) {
		json_t *names = json_array();
		int bits = numbering_available_region_list_types(list, r);
		for (int t = NUMBERING_NUMBER_TYPE_LOCAL; names != NULL && t <= NUMBERING_NUMBER_TYPE_SHARED_RATE; t++)
			if ((bits & NUMBERING_NUMBER_TYPE_BIT(t)) != 0 &&
			    json_array_append_new(names, json_string(numbering_number_type_name(t))) != 0) {
				json_decref(names);
				names = NULL;
			}
		json_t *o = names == NULL ? NULL
		                          : json_pack("{s:s, s:s, s:o}", "regionCode",
		                                      numbering_available_region_list_code(list, r), "regionName",
		                                      numbering_available_region_list_name(list, r), "types", names);
		if (o == NULL || json_array_append_new(regions, o) != 0) {
			json_decref(regions);
			regions = NULL;
		}
	}
	numbering_available_region_list_free(list);
	return single(result, "availableRegions", regions);
}

int numbering__json_import_available_numbers(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	enum { NUMBERS, REQUEST_ID, COUNT };
	static const struct numbering__json_field fields[COUNT] = {
		[NUMBERS] = {"availableNumbers", "availableNumbers"},
		[REQUEST_ID] = {"requestId", "requestId"},
	};
	json_t *f[COUNT];
	const char *request_id = NULL;
	int rc = numbering__json_fields(f, request, fields, COUNT, "");
	if (rc == NUMBERING_OK)
		rc = numbering__json_array(f[NUMBERS], "availableNumbers");
	if (rc == NUMBERING_OK)
		rc = string_field(&request_id, f[REQUEST_ID], "requestId");
	if (rc != NUMBERING_OK)
		return rc;
	size_t count = f[NUMBERS] == NULL ? 0 : json_array_size(f[NUMBERS]);
	numbering_available_number **items = NULL;
	if (count > 0 && (items = numbering__calloc(count, sizeof(*items))) == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for %zu available numbers", count);
	for (size_t i = 0; i < count && rc == NUMBERING_OK; i++) {
		rc = numbering_available_number_new(&items[i]);
		if (rc == NUMBERING_OK &&
		    (rc = read_available(items[i], json_array_get(f[NUMBERS], i), NULL)) == NUMBERING_INVALID_ARGUMENT) {
			/* Again with its paths, on a new object: the same failure, named. */
			char at[NUMBERING__JSON_PATH_SIZE];
			numbering_available_number_free(items[i]);
			items[i] = NULL;
			rc = numbering_available_number_new(&items[i]);
			if (rc == NUMBERING_OK)
				rc = read_available(items[i], json_array_get(f[NUMBERS], i),
				                    numbering__json_path_index(at, "availableNumbers", i));
			if (rc == NUMBERING_OK) /* cannot be: the same reading of the same value */
				rc = numbering__error_set(NUMBERING_INTERNAL, "%s was refused, then read", at);
		}
	}
	int64_t imported = 0;
	if (rc == NUMBERING_OK)
		rc = numbering__import_available(&imported, store, caller, (const numbering_available_number *const *)items,
		                                 (int)count, request_id != NULL && request_id[0] != '\0' ? request_id : NULL);
	for (size_t i = 0; i < count; i++)
		numbering_available_number_free(items[i]);
	numbering__free_mem(items);
	if (rc != NUMBERING_OK)
		return rc;
	return single(result, "importedCount", json_integer(imported));
}

int numbering__json_remove_available_numbers(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	enum { NUMBERS, COUNT };
	static const struct numbering__json_field fields[COUNT] = {[NUMBERS] = {"phoneNumbers", "phoneNumbers"}};
	json_t *f[COUNT];
	const char **texts = NULL;
	size_t count = 0;
	int rc = numbering__json_fields(f, request, fields, COUNT, "");
	if (rc == NUMBERING_OK)
		rc = numbering__sinch_read_phone_numbers(&texts, &count, f[NUMBERS]);
	int64_t removed = 0;
	if (rc == NUMBERING_OK)
		rc = numbering_store_remove_available(&removed, store, caller, texts, (int)count);
	numbering__free_mem(texts);
	if (rc != NUMBERING_OK)
		return rc;
	return single(result, "removedCount", json_integer(removed));
}
