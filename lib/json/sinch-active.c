/*
 * The Sinch Numbers seed's active-number methods on the JSON entry point
 * (lib/json/call.c): NumberService_RentNumber, NumberService_RentAnyNumber,
 * NumberService_ListActiveNumbers, NumberService_GetActiveNumber,
 * NumberService_UpdateActiveNumber and NumberService_ReleaseNumber (docs/JSON-API.md).
 *
 * A request is one JSON object holding the operation's path parameters (projectId "p"
 * is the project "projects/p", phoneNumber), its query parameters and its body fields,
 * all by the seed's camelCase names; a response is the seed's ActiveNumberResponse or
 * ListActiveNumbersResponse with exactly its field names. Every bad value is
 * INVALID_ARGUMENT naming its JSON path ("smsConfiguration.campaignId") and changes
 * nothing; the rules themselves (capabilities, US-only campaigns, unlink before
 * linking, ranges) are the service's (numbering/active.h), whichever door a call
 * comes through.
 *
 * Request rules of this layer:
 * - An empty configuration object ({} for smsConfiguration or voiceConfiguration, or
 *   one holding only read-only fields or nulls) is INVALID_ARGUMENT naming it: the seed
 *   says "If you pass an empty configuration object, the request will fail".
 * - Read-only fields (scheduledProvisioning, scheduledVoiceProvisioning,
 *   voiceConfiguration.lastUpdatedTime) are type-checked and ignored, as output-only
 *   fields are everywhere on this entry point: a configuration object copied from a
 *   response is accepted.
 *
 * The readers of project ids, types, capabilities and number patterns are shared with
 * the inventory methods (json/sinch-common.h).
 */
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "json/json.h"
#include "json/sinch-active.h"
#include "json/sinch-common.h"
#include "model/validate.h"
#include "numbering/active.h"
#include "numbering/inventory.h"

/* ---- Reading ---- */

/* A string member into the request attribute @attribute (its JSON path too). */
static int set_string(numbering_active_request *r, json_t *value, const char *attribute)
{
	const char *text = NULL;
	int rc = numbering__json_string(&text, value, attribute);
	if (rc == NUMBERING_OK && text != NULL)
		rc = numbering_active_request_set(r, attribute, text);
	return rc;
}

static int empty_configuration(const char *name, const char *fields)
{
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, name,
	                              "%s sets nothing: give %s (\"\" unlinks), or leave %s out", name, fields, name);
}

/* smsConfiguration {servicePlanId, campaignId}; scheduledProvisioning is read-only. */
static int read_sms(numbering_active_request *r, json_t *value)
{
	enum { PLAN, CAMPAIGN, SCHEDULED, COUNT };
	static const struct numbering__json_field fields[COUNT] = {
		[PLAN] = {"servicePlanId", "servicePlanId"},
		[CAMPAIGN] = {"campaignId", "campaignId"},
		[SCHEDULED] = {"scheduledProvisioning", "scheduledProvisioning"},
	};
	json_t *f[COUNT];
	int rc = numbering__json_object(value, "smsConfiguration");
	if (rc != NUMBERING_OK || value == NULL)
		return rc;
	if ((rc = numbering__json_fields(f, value, fields, COUNT, "smsConfiguration")) == NUMBERING_OK)
		rc = numbering__json_object(f[SCHEDULED], "smsConfiguration.scheduledProvisioning");
	if (rc == NUMBERING_OK && f[PLAN] == NULL && f[CAMPAIGN] == NULL)
		rc = empty_configuration("smsConfiguration", "servicePlanId or campaignId");
	if (rc == NUMBERING_OK)
		rc = set_string(r, f[PLAN], "smsConfiguration.servicePlanId");
	if (rc == NUMBERING_OK)
		rc = set_string(r, f[CAMPAIGN], "smsConfiguration.campaignId");
	return rc;
}

/* voiceConfiguration {appId}; lastUpdatedTime and scheduledVoiceProvisioning are read-only. */
static int read_voice(numbering_active_request *r, json_t *value)
{
	enum { APP, UPDATED, SCHEDULED, COUNT };
	static const struct numbering__json_field fields[COUNT] = {
		[APP] = {"appId", "appId"},
		[UPDATED] = {"lastUpdatedTime", "lastUpdatedTime"},
		[SCHEDULED] = {"scheduledVoiceProvisioning", "scheduledVoiceProvisioning"},
	};
	json_t *f[COUNT];
	int64_t ignored = 0;
	int rc = numbering__json_object(value, "voiceConfiguration");
	if (rc != NUMBERING_OK || value == NULL)
		return rc;
	if ((rc = numbering__json_fields(f, value, fields, COUNT, "voiceConfiguration")) == NUMBERING_OK)
		rc = numbering__json_timestamp(&ignored, f[UPDATED], "voiceConfiguration.lastUpdatedTime");
	if (rc == NUMBERING_OK)
		rc = numbering__json_object(f[SCHEDULED], "voiceConfiguration.scheduledVoiceProvisioning");
	if (rc == NUMBERING_OK && f[APP] == NULL)
		rc = empty_configuration("voiceConfiguration", "appId");
	if (rc == NUMBERING_OK)
		rc = set_string(r, f[APP], "voiceConfiguration.appId");
	return rc;
}

/* The configuration members of a rent or an update (@display NULL for a rent, whose
 * request has no displayName) into a new request. */
static int read_request(numbering_active_request **out, json_t *display, json_t *sms, json_t *voice, json_t *url)
{
	int rc = numbering_active_request_new(out);
	if (rc == NUMBERING_OK)
		rc = set_string(*out, display, "displayName");
	if (rc == NUMBERING_OK)
		rc = read_sms(*out, sms);
	if (rc == NUMBERING_OK)
		rc = read_voice(*out, voice);
	if (rc == NUMBERING_OK)
		rc = set_string(*out, url, "callbackUrl");
	if (rc != NUMBERING_OK) {
		numbering_active_request_free(*out);
		*out = NULL;
	}
	return rc;
}

/* ---- Writing ---- */

/* Sets @key of @o to @value (taken); clears *ok when @value is NULL or cannot be set,
 * and sets nothing once *ok is clear. */
static void put(json_t *o, const char *key, json_t *value, int *ok)
{
	if (!*ok)
		json_decref(value);
	else if (json_object_set_new(o, key, value) != 0) /* it releases @value */
		*ok = 0;
}

static json_t *time_json(int64_t ns)
{
	char text[40];
	numbering__format_time(text, ns);
	return json_string(text);
}

/* A time attribute, when set. */
static void put_time(json_t *o, const char *key, const numbering_active_number *a, const char *attribute, int *ok)
{
	int64_t ns = numbering_active_number_int(a, attribute);
	if (ns != 0)
		put(o, key, time_json(ns), ok);
}

/* A text attribute, when set. */
static void put_text(json_t *o, const char *key, const char *text, int *ok)
{
	if (text != NULL && text[0] != '\0')
		put(o, key, json_string(text), ok);
}

static const char *status_name(int64_t status)
{
	switch (status) {
	case NUMBERING_PROVISIONING_WAITING:
		return "WAITING";
	case NUMBERING_PROVISIONING_IN_PROGRESS:
		return "IN_PROGRESS";
	case NUMBERING_PROVISIONING_FAILED:
		return "FAILED";
	default:
		return "PROVISIONING_STATUS_UNSPECIFIED";
	}
}

/* The stored comma-separated error codes as an array, empty items skipped. */
static json_t *error_codes_json(const char *text)
{
	json_t *a = json_array();
	while (a != NULL && *text != '\0') {
		size_t n = strcspn(text, ",");
		if (n > 0 && json_array_append_new(a, json_stringn(text, n)) != 0) {
			json_decref(a);
			return NULL;
		}
		text += n + (text[n] == ',');
	}
	return a;
}

/* An object of a configuration: NULL for none (nothing in it) and for out of memory. */
static json_t *non_empty(json_t *o, int ok, int *all_ok)
{
	if (!ok) {
		json_decref(o);
		*all_ok = 0;
		return NULL;
	}
	if (json_object_size(o) == 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *sms_json(const numbering_active_number *a, int *all_ok)
{
	json_t *o = json_object();
	int ok = o != NULL;
	put_text(o, "servicePlanId", numbering_active_number_text(a, "smsConfiguration.servicePlanId"), &ok);
	int64_t status = numbering_active_number_int(a, "smsConfiguration.scheduledProvisioning.status");
	if (ok && status != NUMBERING_PROVISIONING_NONE) {
		json_t *task = json_object();
		int task_ok = task != NULL;
		put_text(task, "servicePlanId",
		         numbering_active_number_text(a, "smsConfiguration.scheduledProvisioning.servicePlanId"), &task_ok);
		put_text(task, "campaignId",
		         numbering_active_number_text(a, "smsConfiguration.scheduledProvisioning.campaignId"), &task_ok);
		put(task, "status", json_string(status_name(status)), &task_ok);
		put_time(task, "lastUpdatedTime", a, "smsConfiguration.scheduledProvisioning.lastUpdatedTime", &task_ok);
		put(task, "errorCodes",
		    error_codes_json(numbering_active_number_text(a, "smsConfiguration.scheduledProvisioning.errorCodes")),
		    &task_ok);
		if (!task_ok) {
			json_decref(task);
			task = NULL;
		}
		put(o, "scheduledProvisioning", task, &ok);
	}
	put_text(o, "campaignId", numbering_active_number_text(a, "smsConfiguration.campaignId"), &ok);
	return non_empty(o, ok, all_ok);
}

static json_t *voice_json(const numbering_active_number *a, int *all_ok)
{
	json_t *o = json_object();
	int ok = o != NULL;
	put_text(o, "appId", numbering_active_number_text(a, "voiceConfiguration.appId"), &ok);
	int64_t status = numbering_active_number_int(a, "voiceConfiguration.scheduledVoiceProvisioning.status");
	if (ok && status != NUMBERING_PROVISIONING_NONE) {
		json_t *task = json_object();
		int task_ok = task != NULL;
		put_text(task, "appId", numbering_active_number_text(a, "voiceConfiguration.scheduledVoiceProvisioning.appId"),
		         &task_ok);
		put(task, "status", json_string(status_name(status)), &task_ok);
		put_time(task, "lastUpdatedTime", a, "voiceConfiguration.scheduledVoiceProvisioning.lastUpdatedTime",
		         &task_ok);
		if (!task_ok) {
			json_decref(task);
			task = NULL;
		}
		put(o, "scheduledVoiceProvisioning", task, &ok);
	}
	put_time(o, "lastUpdatedTime", a, "voiceConfiguration.lastUpdatedTime", &ok);
	return non_empty(o, ok, all_ok);
}

json_t *numbering__active_number_to_json(const numbering_active_number *a)
{
	const numbering_instance *in = numbering_active_number_instance(a);
	const numbering_available_number *stock = numbering_active_number_stock(a);
	json_t *o = json_object();
	int ok = o != NULL;
	put(o, "phoneNumber", json_string(numbering_instance_phone_number(in)), &ok);
	put(o, "projectId", json_string(numbering_active_number_project_id(a)), &ok);
	put_text(o, "displayName", numbering_instance_display_name(in), &ok);
	const char *region = stock != NULL ? numbering_available_number_region_code(stock) : "";
	put_text(o, "regionCode", region[0] != '\0' ? region : numbering_instance_country_code(in), &ok);
	int type = numbering_instance_number_type(in);
	if (type != NUMBERING_NUMBER_TYPE_UNSPECIFIED)
		put(o, "type", json_string(numbering_number_type_name(type)), &ok);
	put(o, "capability", numbering__sinch_capabilities_json(numbering_instance_capabilities(in)), &ok);
	const char *currency = NULL;
	int64_t minor = 0;
	if (stock != NULL && numbering_available_number_money(stock, "monthlyPrice", &currency, &minor) == NUMBERING_OK)
		put(o, "money", numbering__sinch_money_json(currency, minor), &ok);
	if (stock != NULL)
		put(o, "paymentIntervalMonths", json_integer(numbering_available_number_int(stock, "paymentIntervalMonths")),
		    &ok);
	put_time(o, "nextChargeDate", a, "nextChargeDate", &ok);
	put_time(o, "expireAt", a, "expireAt", &ok);
	json_t *sms = ok ? sms_json(a, &ok) : NULL;
	if (sms != NULL)
		put(o, "smsConfiguration", sms, &ok);
	json_t *voice = ok ? voice_json(a, &ok) : NULL;
	if (voice != NULL)
		put(o, "voiceConfiguration", voice, &ok);
	put_text(o, "callbackUrl", numbering_active_number_text(a, "callbackUrl"), &ok);
	if (!ok) {
		json_decref(o);
		numbering__sinch_out_of_memory();
		return NULL;
	}
	return o;
}

/* Turns a store call's active number into the response, taking ownership of it. */
static int number_result(json_t **result, int rc, numbering_active_number *number)
{
	if (rc == NUMBERING_OK && (*result = numbering__active_number_to_json(number)) == NULL)
		rc = numbering_error_code();
	numbering_active_number_free(number);
	return rc;
}

/* ---- The methods ---- */

/* Rent and update: a request of the path parameters and the configuration members. */
typedef int (*request_op)(numbering_active_number **out, numbering_store *store, const char *caller,
                          const char *project, const char *phone_number, const numbering_active_request *r);

/* @with_display: the request may hold displayName (an update); a rent's has no such
 * member, so there displayName is an unknown field like any other. */
static int call_number_request(json_t **result, numbering_store *store, const char *caller, json_t *request,
                               int with_display, request_op op)
{
	/* DISPLAY last: a rent matches the fields before it only. */
	enum { PROJECT, NUMBER, SMS, VOICE, URL, DISPLAY, COUNT };
	static const struct numbering__json_field fields[COUNT] = {
		[PROJECT] = {"projectId", "projectId"},
		[NUMBER] = {"phoneNumber", "phoneNumber"},
		[SMS] = {"smsConfiguration", "smsConfiguration"},
		[VOICE] = {"voiceConfiguration", "voiceConfiguration"},
		[URL] = {"callbackUrl", "callbackUrl"},
		[DISPLAY] = {"displayName", "displayName"},
	};
	json_t *f[COUNT] = {NULL};
	char project[NUMBERING__JSON_PATH_SIZE];
	const char *number = "";
	numbering_active_request *r = NULL;
	int rc = numbering__json_fields(f, request, fields, with_display ? COUNT : DISPLAY, "");
	if (rc == NUMBERING_OK)
		rc = numbering__sinch_read_number_path(project, sizeof(project), &number, f[PROJECT], f[NUMBER]);
	if (rc == NUMBERING_OK)
		rc = read_request(&r, f[DISPLAY], f[SMS], f[VOICE], f[URL]);
	if (rc != NUMBERING_OK)
		return rc;
	numbering_active_number *a = NULL;
	rc = op(&a, store, caller, project, number, r);
	numbering_active_request_free(r);
	return number_result(result, rc, a);
}

int numbering__json_rent_number(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	return call_number_request(result, store, caller, request, 0, numbering_store_rent);
}

int numbering__json_rent_any_number(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	enum { PROJECT, PATTERN, REGION, TYPE, CAPABILITIES, SMS, VOICE, URL, COUNT };
	static const struct numbering__json_field fields[COUNT] = {
		[PROJECT] = {"projectId", "projectId"},
		[PATTERN] = {"numberPattern", "numberPattern"},
		[REGION] = {"regionCode", "regionCode"},
		[TYPE] = {"type", "type"},
		[CAPABILITIES] = {"capabilities", "capabilities"},
		[SMS] = {"smsConfiguration", "smsConfiguration"},
		[VOICE] = {"voiceConfiguration", "voiceConfiguration"},
		[URL] = {"callbackUrl", "callbackUrl"},
	};
	json_t *f[COUNT];
	char project[NUMBERING__JSON_PATH_SIZE];
	numbering_available_query q = NUMBERING_AVAILABLE_QUERY_INIT;
	numbering_active_request *r = NULL;
	int rc = numbering__json_fields(f, request, fields, COUNT, "");
	if (rc == NUMBERING_OK)
		rc = numbering__sinch_read_available_query(project, sizeof(project), &q, f[PROJECT], f[PATTERN], f[REGION],
		                                           f[TYPE], f[CAPABILITIES]);
	if (rc == NUMBERING_OK)
		rc = read_request(&r, NULL, f[SMS], f[VOICE], f[URL]);
	if (rc != NUMBERING_OK)
		return rc;
	numbering_active_number *rented = NULL;
	rc = numbering_store_rent_any(&rented, store, caller, project, &q, r);
	numbering_active_request_free(r);
	return number_result(result, rc, rented);
}

int numbering__json_list_active_numbers(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	enum { PROJECT, REGION, TYPE, PATTERN, CAPABILITY, PAGE_SIZE, PAGE_TOKEN, ORDER_BY, COUNT };
	static const struct numbering__json_field fields[COUNT] = {
		[PROJECT] = {"projectId", "projectId"},
		[REGION] = {"regionCode", "regionCode"},
		[TYPE] = {"type", "type"},
		[PATTERN] = {"numberPattern", "numberPattern"},
		[CAPABILITY] = {"capability", "capability"},
		[PAGE_SIZE] = {"pageSize", "pageSize"},
		[PAGE_TOKEN] = {"pageToken", "pageToken"},
		[ORDER_BY] = {"orderBy", "orderBy"},
	};
	json_t *f[COUNT];
	char project[NUMBERING__JSON_PATH_SIZE];
	numbering_active_query q = NUMBERING_ACTIVE_QUERY_INIT;
	int32_t page_size = 0;
	const char *order_by = NULL;
	int rc = numbering__json_fields(f, request, fields, COUNT, "");
	if (rc == NUMBERING_OK)
		rc = numbering__sinch_read_project(project, sizeof(project), f[PROJECT]);
	if (rc == NUMBERING_OK)
		rc = numbering__json_string(&q.region_code, f[REGION], "regionCode");
	if (rc == NUMBERING_OK)
		rc = numbering__sinch_read_type(&q.type, f[TYPE], "type");
	if (rc == NUMBERING_OK)
		rc = numbering__sinch_read_pattern(&q.pattern, &q.search_pattern, f[PATTERN]);
	if (rc == NUMBERING_OK)
		rc = numbering__sinch_read_capabilities(&q.capabilities, f[CAPABILITY], "capability");
	if (rc == NUMBERING_OK)
		rc = numbering__json_int32(&page_size, f[PAGE_SIZE], "pageSize");
	if (rc == NUMBERING_OK)
		rc = numbering__json_string(&q.page_token, f[PAGE_TOKEN], "pageToken");
	if (rc == NUMBERING_OK)
		rc = numbering__json_string(&order_by, f[ORDER_BY], "orderBy");
	if (rc == NUMBERING_OK && order_by != NULL && order_by[0] != '\0') {
		if (strcmp(order_by, "phoneNumber") == 0)
			q.order_by = NUMBERING_ACTIVE_ORDER_PHONE_NUMBER;
		else if (strcmp(order_by, "displayName") == 0)
			q.order_by = NUMBERING_ACTIVE_ORDER_DISPLAY_NAME;
		else
			rc = numbering__sinch_invalid("orderBy", "is not phoneNumber or displayName", order_by);
	}
	if (rc != NUMBERING_OK)
		return rc;
	q.page_size = page_size;
	numbering_active_page *page = NULL;
	rc = numbering_store_list_active(&page, store, caller, project, &q);
	if (rc != NUMBERING_OK)
		return rc;
	json_t *items = json_array();
	int ok = items != NULL;
	for (int i = 0; ok && i < numbering_active_page_count(page); i++) {
		json_t *item = numbering__active_number_to_json(numbering_active_page_item(page, i));
		ok = item != NULL && json_array_append_new(items, item) == 0;
	}
	*result = json_object();
	ok = ok && *result != NULL;
	put(*result, "activeNumbers", items, &ok);
	const char *token = numbering_active_page_next_token(page);
	if (token[0] != '\0') /* proto3 JSON omits a field at its default: no token on the last page */
		put(*result, "nextPageToken", json_string(token), &ok);
	put(*result, "totalSize", json_integer(numbering_active_page_total_size(page)), &ok);
	numbering_active_page_free(page);
	if (!ok) {
		json_decref(*result);
		*result = NULL;
		return numbering__sinch_out_of_memory();
	}
	return NUMBERING_OK;
}

/* Get and release: a request of the path parameters only. */
typedef int (*number_op)(numbering_active_number **out, numbering_store *store, const char *caller,
                         const char *project, const char *phone_number);

static int call_number_only(json_t **result, numbering_store *store, const char *caller, json_t *request,
                            number_op op)
{
	char project[NUMBERING__JSON_PATH_SIZE];
	const char *number = "";
	int rc = numbering__sinch_read_number_request(project, sizeof(project), &number, request);
	if (rc != NUMBERING_OK)
		return rc;
	numbering_active_number *a = NULL;
	rc = op(&a, store, caller, project, number);
	return number_result(result, rc, a);
}

int numbering__json_get_active_number(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	return call_number_only(result, store, caller, request, numbering_store_get_active);
}

int numbering__json_release_number(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	return call_number_only(result, store, caller, request, numbering_store_release_active);
}

int numbering__json_update_active_number(json_t **result, numbering_store *store, const char *caller,
                                         json_t *request)
{
	return call_number_request(result, store, caller, request, 1, numbering_store_update_active);
}
