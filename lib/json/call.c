/*
 * The JSON entry point: a method name and a proto3-JSON request in, the proto3-JSON
 * response or the JSON error body out. Each method reads its request message here and
 * calls the store operation of the same name, so the rules live in one place
 * (lib/service) whichever door a call comes through.
 */
#include <string.h>

#include "core/error.h"
#include "core/stats.h"
#include "json/billing-json.h"
#include "json/changes-json.h"
#include "json/json.h"
#include "json/reservation-json.h"
#include "json/pricing-json.h"
#include "json/purchase-json.h"
#include "json/sinch-active.h"
#include "json/sinch-callbacks.h"
#include "json/sinch-available.h"
#include "json/stats-json.h"
#include "json/subscription-json.h"
#include "json/vox-attach.h"
#include "json/vox-numbers.h"
#include "json/vox-catalogue.h"
#include "json/vox-applications.h"
#include "numbering/json.h"
#include "numbering/list.h"
#include "numbering/phone.h"
#include "numbering/resolve.h"
#include "numbering/store.h"

typedef int (*name_op)(numbering_instance **out, numbering_store *store, const char *caller, const char *name);

struct method {
	const char *name;
	int (*call)(json_t **result, numbering_store *store, const char *caller, json_t *request, name_op op);
	name_op op; /* for the methods whose request is only a name */
};

/* Methods whose requests are read in their own file (lib/json/sinch-available.c). */
struct plain_method {
	const char *name;
	int (*call)(json_t **result, numbering_store *store, const char *caller, json_t *request);
};

/* Reads string fields in one go: absent fields leave their output untouched. */
static int read_strings(const char **out[], json_t **values, const struct numbering__json_field *fields, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		if (out[i] == NULL)
			continue;
		int rc = numbering__json_string(out[i], values[i], fields[i].proto_name);
		if (rc != NUMBERING_OK)
			return rc;
	}
	return NUMBERING_OK;
}

/* proto3 cannot tell "" from absent; optional arguments take NULL for both. */
static const char *optional(const char *s)
{
	return s == NULL || s[0] == '\0' ? NULL : s;
}

/* Turns a store call's instance into the response, taking ownership of it. */
static int instance_result(json_t **result, int rc, numbering_instance *instance)
{
	if (rc == NUMBERING_OK) {
		*result = numbering__instance_to_json(instance);
		if (*result == NULL)
			rc = numbering_error_code();
	}
	numbering_instance_free(instance);
	return rc;
}

static int call_name_only(json_t **result, numbering_store *store, const char *caller, json_t *request, name_op op)
{
	static const struct numbering__json_field fields[] = {{"name", "name"}};
	json_t *f[1];
	const char *name = "";
	const char **out[] = {&name};
	int rc = numbering__json_fields(f, request, fields, 1, "");
	if (rc == NUMBERING_OK)
		rc = read_strings(out, f, fields, 1);
	if (rc != NUMBERING_OK)
		return rc;
	numbering_instance *instance = NULL;
	rc = op(&instance, store, caller, name);
	return instance_result(result, rc, instance);
}

/* The request's PhoneNumberInstance, built with the setters. */
static int request_instance(numbering_instance **out, json_t *value, enum numbering__instance_use use)
{
	int rc = numbering_instance_new(out);
	if (rc != NUMBERING_OK)
		return rc;
	rc = numbering__instance_from_json(*out, value, use, "phone_number_instance");
	if (rc != NUMBERING_OK) {
		numbering_instance_free(*out);
		*out = NULL;
	}
	return rc;
}

static int call_create(json_t **result, numbering_store *store, const char *caller, json_t *request, name_op op)
{
	(void)op;
	enum { PARENT, INSTANCE, INSTANCE_ID, REQUEST_ID, REGION, COUNT };
	static const struct numbering__json_field fields[COUNT] = {
		[PARENT] = {"parent", "parent"},
		[INSTANCE] = {"phoneNumberInstance", "phone_number_instance"},
		[INSTANCE_ID] = {"phoneNumberInstanceId", "phone_number_instance_id"},
		[REQUEST_ID] = {"requestId", "request_id"},
		[REGION] = {"regionCode", "region_code"},
	};
	json_t *f[COUNT];
	const char *parent = "", *instance_id = NULL, *request_id = NULL, *region = NULL;
	const char **out[COUNT] = {[PARENT] = &parent, [INSTANCE_ID] = &instance_id, [REQUEST_ID] = &request_id,
	                           [REGION] = &region};
	int rc = numbering__json_fields(f, request, fields, COUNT, "");
	if (rc == NUMBERING_OK)
		rc = read_strings(out, f, fields, COUNT);
	numbering_instance *instance = NULL;
	if (rc == NUMBERING_OK)
		rc = request_instance(&instance, f[INSTANCE], NUMBERING__INSTANCE_CREATE);
	if (rc != NUMBERING_OK)
		return rc;
	numbering_instance *created = NULL;
	rc = numbering_store_create(&created, store, caller, parent, instance, optional(instance_id),
	                            optional(request_id), optional(region));
	numbering_instance_free(instance);
	return instance_result(result, rc, created);
}

static int call_update(json_t **result, numbering_store *store, const char *caller, json_t *request, name_op op)
{
	(void)op;
	enum { NAME, INSTANCE, MASK, COUNT };
	static const struct numbering__json_field fields[COUNT] = {
		[NAME] = {"name", "name"},
		[INSTANCE] = {"phoneNumberInstance", "phone_number_instance"},
		[MASK] = {"updateMask", "update_mask"},
	};
	json_t *f[COUNT];
	const char *name = "", *mask = NULL;
	const char **out[COUNT] = {[NAME] = &name, [MASK] = &mask};
	int rc = numbering__json_fields(f, request, fields, COUNT, "");
	if (rc == NUMBERING_OK)
		rc = read_strings(out, f, fields, COUNT);
	numbering_instance *instance = NULL;
	if (rc == NUMBERING_OK)
		rc = request_instance(&instance, f[INSTANCE], NUMBERING__INSTANCE_UPDATE);
	if (rc != NUMBERING_OK)
		return rc;
	numbering_instance *updated = NULL;
	rc = numbering_store_update(&updated, store, caller, name, instance, mask);
	numbering_instance_free(instance);
	return instance_result(result, rc, updated);
}

static int call_move(json_t **result, numbering_store *store, const char *caller, json_t *request, name_op op)
{
	(void)op;
	enum { NAME, DESTINATION, LISTING, COUNT };
	static const struct numbering__json_field fields[COUNT] = {
		[NAME] = {"name", "name"},
		[DESTINATION] = {"destinationParent", "destination_parent"},
		[LISTING] = {"regulatoryListing", "regulatory_listing"},
	};
	json_t *f[COUNT];
	const char *name = "", *destination = "", *listing = NULL;
	const char **out[COUNT] = {&name, &destination, &listing};
	int rc = numbering__json_fields(f, request, fields, COUNT, "");
	if (rc == NUMBERING_OK)
		rc = read_strings(out, f, fields, COUNT);
	if (rc != NUMBERING_OK)
		return rc;
	numbering_instance *moved = NULL;
	rc = numbering_store_move(&moved, store, caller, name, destination, optional(listing));
	return instance_result(result, rc, moved);
}

static int call_split(json_t **result, numbering_store *store, const char *caller, json_t *request, name_op op)
{
	(void)op;
	enum { INSTANCE, SIZE, COUNT };
	static const struct numbering__json_field fields[COUNT] = {
		[INSTANCE] = {"phoneNumberInstance", "phone_number_instance"},
		[SIZE] = {"size", "size"},
	};
	json_t *f[COUNT];
	const char *name = "";
	int32_t size = 0;
	const char **out[COUNT] = {[INSTANCE] = &name};
	int rc = numbering__json_fields(f, request, fields, COUNT, "");
	if (rc == NUMBERING_OK)
		rc = read_strings(out, f, fields, COUNT);
	if (rc == NUMBERING_OK)
		rc = numbering__json_int32(&size, f[SIZE], "size");
	if (rc != NUMBERING_OK)
		return rc;
	numbering_instance *first = NULL, *second = NULL;
	rc = numbering_store_split_range(&first, &second, store, caller, name, size);
	if (rc == NUMBERING_OK) {
		*result = json_object();
		if (*result == NULL || json_object_set_new(*result, "first", numbering__instance_to_json(first)) != 0 ||
		    json_object_set_new(*result, "second", numbering__instance_to_json(second)) != 0) {
			json_decref(*result);
			*result = NULL;
			rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory rendering the response");
		}
	}
	numbering_instance_free(first);
	numbering_instance_free(second);
	return rc;
}

static int list_response(json_t **result, const numbering_list_page *page)
{
	json_t *instances = json_array();
	*result = json_object();
	int ok = instances != NULL && *result != NULL, damaged = 0;
	for (int i = 0; ok && i < numbering_list_page_count(page); i++) {
		json_t *instance = numbering__instance_to_json(numbering_list_page_instance(page, i));
		damaged = instance == NULL && numbering_error_code() == NUMBERING_DATA_LOSS; /* its error is set */
		ok = json_array_append_new(instances, instance) == 0;
	}
	const char *token = numbering_list_page_next_token(page);
	if (!ok || json_object_set_new(*result, "phoneNumberInstances", instances) != 0) {
		if (!ok)
			json_decref(instances);
		json_decref(*result);
		*result = NULL;
	}
	/* proto3 JSON omits a field at its default: no token on the last page. */
	if (*result != NULL && token != NULL && token[0] != '\0' &&
	    json_object_set_new(*result, "nextPageToken", json_string(token)) != 0) {
		json_decref(*result);
		*result = NULL;
	}
	if (*result == NULL)
		return damaged ? NUMBERING_DATA_LOSS
		               : numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory rendering the response");
	return NUMBERING_OK;
}

static int call_list(json_t **result, numbering_store *store, const char *caller, json_t *request, name_op op)
{
	(void)op;
	enum { PARENT, PAGE_SIZE, PAGE_TOKEN, PREFIX, INCLUDE_DELETED, REGION, COUNT };
	static const struct numbering__json_field fields[COUNT] = {
		[PARENT] = {"parent", "parent"},
		[PAGE_SIZE] = {"pageSize", "page_size"},
		[PAGE_TOKEN] = {"pageToken", "page_token"},
		[PREFIX] = {"prefix", "prefix"},
		[INCLUDE_DELETED] = {"includeDeleted", "include_deleted"},
		[REGION] = {"regionCode", "region_code"},
	};
	json_t *f[COUNT];
	const char *parent = "", *token = NULL, *prefix = NULL, *region = NULL;
	int32_t page_size = 0;
	int include_deleted = 0;
	const char **out[COUNT] = {[PARENT] = &parent, [PAGE_TOKEN] = &token, [PREFIX] = &prefix, [REGION] = &region};
	int rc = numbering__json_fields(f, request, fields, COUNT, "");
	if (rc == NUMBERING_OK)
		rc = read_strings(out, f, fields, COUNT);
	if (rc == NUMBERING_OK)
		rc = numbering__json_int32(&page_size, f[PAGE_SIZE], "page_size");
	if (rc == NUMBERING_OK)
		rc = numbering__json_bool(&include_deleted, f[INCLUDE_DELETED], "include_deleted");
	if (rc != NUMBERING_OK)
		return rc;

	numbering_list_request *list = NULL;
	numbering_list_page *page = NULL;
	rc = numbering_list_request_new(&list);
	if (rc == NUMBERING_OK)
		rc = numbering_list_request_set_parent(list, parent);
	if (rc == NUMBERING_OK)
		rc = numbering_list_request_set_page_size(list, page_size);
	if (rc == NUMBERING_OK)
		rc = numbering_list_request_set_page_token(list, optional(token));
	if (rc == NUMBERING_OK)
		rc = numbering_list_request_set_prefix(list, optional(prefix));
	if (rc == NUMBERING_OK)
		rc = numbering_list_request_set_include_deleted(list, include_deleted);
	if (rc == NUMBERING_OK)
		rc = numbering_list_request_set_region(list, optional(region));
	if (rc == NUMBERING_OK)
		rc = numbering_store_list(&page, store, caller, list);
	if (rc == NUMBERING_OK)
		rc = list_response(result, page);
	numbering_list_page_free(page);
	numbering_list_request_free(list);
	return rc;
}

/* What routes a resolved number (numbering_store_phone_routing()), beside the
 * instance: phoneId, applicationId and ruleId when bound, and the inbound SMS
 * callback URL that applies with where it comes from (NUMBER or ACCOUNT). */
static int add_routing(json_t *out, numbering_store *store, const char *caller, const numbering_instance *instance)
{
	int64_t app = 0, rule = 0;
	char *url = NULL;
	int source = NUMBERING_SMS_CALLBACK_NONE;
	int rc = numbering_store_phone_routing(&app, &rule, &url, &source, store, caller,
	                                       numbering_instance_name(instance));
	/* Only for a number with Voximplant routing (a binding, or an SMS callback URL of
	 * its own or its account's): the Enfonica answer of every other number is as it was. */
	int ok = rc == NUMBERING_OK;
	if (ok && app == 0 && rule == 0 && source == NUMBERING_SMS_CALLBACK_NONE) {
		numbering_free(url);
		return NUMBERING_OK;
	}
	if (ok && numbering_instance_phone_id(instance) > 0)
		ok = json_object_set_new(out, "phoneId", json_integer(numbering_instance_phone_id(instance))) == 0;
	if (ok && app > 0)
		ok = json_object_set_new(out, "applicationId", json_integer(app)) == 0;
	if (ok && rule > 0)
		ok = json_object_set_new(out, "ruleId", json_integer(rule)) == 0;
	if (ok && source != NUMBERING_SMS_CALLBACK_NONE)
		ok = json_object_set_new(out, "incomingSmsCallbackUrl", json_string(url)) == 0 &&
		     json_object_set_new(out, "incomingSmsCallbackUrlSource",
		                         json_string(source == NUMBERING_SMS_CALLBACK_NUMBER ? "NUMBER" : "ACCOUNT")) == 0;
	numbering_free(url);
	if (rc == NUMBERING_OK && !ok)
		rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory writing a resolution");
	return rc;
}

static int call_resolve(json_t **result, numbering_store *store, const char *caller, json_t *request, name_op op)
{
	(void)op;
	enum { PHONE_NUMBER, REGION, COUNT };
	static const struct numbering__json_field fields[COUNT] = {
		[PHONE_NUMBER] = {"phoneNumber", "phone_number"},
		[REGION] = {"regionCode", "region_code"},
	};
	json_t *f[COUNT];
	const char *number = "", *region = NULL;
	const char **out[COUNT] = {&number, &region};
	int rc = numbering__json_fields(f, request, fields, COUNT, "");
	if (rc == NUMBERING_OK)
		rc = read_strings(out, f, fields, COUNT);
	if (rc != NUMBERING_OK)
		return rc;
	numbering_resolution *resolution = NULL;
	rc = numbering_resolution_new(&resolution);
	if (rc == NUMBERING_OK)
		rc = numbering_store_resolve(resolution, store, caller, number, optional(region));
	if (rc == NUMBERING_OK) {
		*result = numbering__instance_to_json(numbering_resolution_instance(resolution));
		if (*result == NULL)
			rc = numbering_error_code();
	}
	if (rc == NUMBERING_OK)
		rc = add_routing(*result, store, caller, numbering_resolution_instance(resolution));
	if (rc != NUMBERING_OK && *result != NULL) {
		json_decref(*result);
		*result = NULL;
	}
	numbering_resolution_free(resolution);
	return rc;
}

static const struct method methods[] = {
	{"CreatePhoneNumberInstance", call_create, NULL},
	{"GetPhoneNumberInstance", call_name_only, numbering_store_get},
	{"ListPhoneNumberInstances", call_list, NULL},
	{"UpdatePhoneNumberInstance", call_update, NULL},
	{"DeletePhoneNumberInstance", call_name_only, numbering_store_delete},
	{"MovePhoneNumberInstance", call_move, NULL},
	{"SplitRange", call_split, NULL},
	{"ActivatePhoneNumberInstance", call_name_only, numbering_store_activate},
	{"SuspendPhoneNumberInstance", call_name_only, numbering_store_suspend},
	{"ResumePhoneNumberInstance", call_name_only, numbering_store_resume},
	{"ResolvePhoneNumber", call_resolve, NULL},
};

static const struct plain_method plain_methods[] = {
	{"NumberService_ListAvailableNumbers", numbering__json_list_available_numbers},
	{"NumberService_GetAvailableNumber", numbering__json_get_available_number},
	{"NumberService_ListAvailableRegions", numbering__json_list_available_regions},
	{"ImportAvailableNumbers", numbering__json_import_available_numbers},
	{"RemoveAvailableNumbers", numbering__json_remove_available_numbers},
	{"NumberService_RentNumber", numbering__json_rent_number},
	{"NumberService_RentAnyNumber", numbering__json_rent_any_number},
	{"NumberService_ListActiveNumbers", numbering__json_list_active_numbers},
	{"NumberService_GetActiveNumber", numbering__json_get_active_number},
	{"NumberService_UpdateActiveNumber", numbering__json_update_active_number},
	{"NumberService_ReleaseNumber", numbering__json_release_number},
	{"GetCallbackConfiguration", numbering__json_get_callback_configuration},
	{"UpdateCallbackConfiguration", numbering__json_update_callback_configuration},
	{"ClaimProvisioningTasks", numbering__json_claim_provisioning_tasks},
	{"CompleteProvisioningTask", numbering__json_complete_provisioning_task},
	{"CreatePhoneNumberPurchase", numbering__json_create_purchase},
	{"GetPhoneNumberPurchase", numbering__json_get_purchase},
	{"ListPhoneNumberPurchases", numbering__json_list_purchases},
	{"CompletePhoneNumberPurchase", numbering__json_complete_purchase},
	{"FailPhoneNumberPurchase", numbering__json_fail_purchase},
	{"CancelPhoneNumberPurchase", numbering__json_cancel_purchase},
	{"ReserveAvailableNumbers", numbering__json_reserve_available_numbers},
	{"GetReservation", numbering__json_get_reservation},
	{"ListReservations", numbering__json_list_reservations},
	{"DeleteReservation", numbering__json_delete_reservation},
	{"GetBillingAccount", numbering__json_get_billing_account},
	{"AdjustBillingAccount", numbering__json_adjust_billing_account},
	{"ListBillingEntries", numbering__json_list_billing_entries},
	{"GetSubscription", numbering__json_get_subscription},
	{"ListSubscriptions", numbering__json_list_subscriptions},
	{"UpdateSubscription", numbering__json_update_subscription},
	{"RunBilling", numbering__json_run_billing},
	{"ListPhoneNumberPricing", numbering__json_list_phone_number_pricing},
	{"AttachPhoneNumber", numbering__json_attach_phone_number},
	{"DeactivatePhoneNumber", numbering__json_deactivate_phone_number},
	{"VerifyPhoneNumber", numbering__json_verify_phone_number},
	{"BindPhoneNumberToApplication", numbering__json_bind_phone_number},
	{"SetPhoneNumberInfo", numbering__json_set_phone_number_info},
	{"GetPhoneNumbers", numbering__json_get_phone_numbers},
	{"GetAccountPhoneNumberCountries", numbering__json_get_account_phone_number_countries},
	{"SetAccountInfo", numbering__json_set_account_info},
	{"GetAccountInfo", numbering__json_get_account_info},
	{"GetPhoneNumberCategories", numbering__json_vox_get_categories},
	{"GetPhoneNumberCountryStates", numbering__json_vox_get_country_states},
	{"GetPhoneNumberRegions", numbering__json_vox_get_regions},
	{"GetActualPhoneNumberRegion", numbering__json_vox_get_actual_region},
	{"GetNewPhoneNumbers", numbering__json_vox_get_new_numbers},
	{"AddApplication", numbering__json_add_application},
	{"AddRule", numbering__json_add_rule},
	{"DelApplication", numbering__json_del_application},
	{"DelRule", numbering__json_del_rule},
	{"GetApplications", numbering__json_get_applications},
	{"SetParentAccount", numbering__json_set_parent_account},
	{"ListChanges", numbering__json_list_changes},
};

#define METHOD_COUNT (sizeof(methods) / sizeof(methods[0]))
#define PLAIN_COUNT (sizeof(plain_methods) / sizeof(plain_methods[0]))
/* Every method and the unknown one have a counter (core/stats.h). */
_Static_assert(METHOD_COUNT + PLAIN_COUNT + 1 <= NUMBERING__STATS_METHODS, "raise NUMBERING__STATS_METHODS");

const char *numbering__json_method_name(int slot)
{
	if (slot < 0 || (size_t)slot > METHOD_COUNT + PLAIN_COUNT)
		return NULL;
	if ((size_t)slot < METHOD_COUNT)
		return methods[slot].name;
	if ((size_t)slot < METHOD_COUNT + PLAIN_COUNT)
		return plain_methods[slot - METHOD_COUNT].name;
	return "(unknown)";
}

/* Calls @method; *slot is its counter's (the unknown method's until it is found). */
static int dispatch(json_t **result, int *slot, numbering_store *store, const char *caller, const char *method,
                    const char *request_json)
{
	*slot = (int)(METHOD_COUNT + PLAIN_COUNT);
	if (method == NULL || method[0] == '\0')
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "method", "the method name is missing");
	if (store == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "store", "the store is NULL");
	if (request_json == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "request_json", "the request is NULL");
	const struct method *m = NULL;
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]) && m == NULL; i++)
		if (strcmp(method, methods[i].name) == 0) {
			m = &methods[i];
			*slot = (int)i;
		}
	const struct plain_method *plain = NULL;
	for (size_t i = 0; i < sizeof(plain_methods) / sizeof(plain_methods[0]) && m == NULL && plain == NULL; i++)
		if (strcmp(method, plain_methods[i].name) == 0) {
			plain = &plain_methods[i];
			*slot = (int)(METHOD_COUNT + i);
		}
	if (m == NULL && plain == NULL) {
		char quoted[NUMBERING__QUOTE_SIZE];
		return numbering__error_set(NUMBERING_UNIMPLEMENTED, "unknown method \"%s\"",
		                            numbering__quote(quoted, method, strlen(method)));
	}
	json_t *request = NULL;
	int rc = numbering__json_load(&request, request_json, "request");
	if (rc == NUMBERING_OK)
		rc = m != NULL ? m->call(result, store, caller, request, m->op) : plain->call(result, store, caller, request);
	json_decref(request);
	return rc;
}

int numbering_store_call_json(char **response, numbering_store *store, const char *caller, const char *method,
                              const char *request_json)
{
	if (response == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "response", "the response pointer is NULL");
	*response = NULL;
	json_t *result = NULL;
	int slot = 0;
	int rc = dispatch(&result, &slot, store, caller, method, request_json);
	if (rc == NUMBERING_OK)
		rc = numbering__json_dump(response, result);
	json_decref(result);
	/* Counted as the caller sees it, rendering included (numbering/stats.h). */
	if (store != NULL)
		numbering__store_count_call(store, slot, rc);
	if (rc == NUMBERING_OK)
		return NUMBERING_OK;
	/* When even the body cannot be rendered, the caller still has the code. */
	if (numbering_error_json(response) != NUMBERING_OK)
		return numbering_error_code();
	return rc;
}

const char *numbering_json_method(int index)
{
	size_t n = sizeof(methods) / sizeof(methods[0]), plain = sizeof(plain_methods) / sizeof(plain_methods[0]);
	if (index < 0 || (size_t)index >= n + plain)
		return NULL;
	return (size_t)index < n ? methods[index].name : plain_methods[(size_t)index - n].name;
}
