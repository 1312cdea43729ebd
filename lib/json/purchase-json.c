/*
 * The schema seed's phone number purchases on the JSON entry point (lib/json/call.c;
 * docs/JSON-API.md): CreatePhoneNumberPurchase, GetPhoneNumberPurchase,
 * ListPhoneNumberPurchases, CancelPhoneNumberPurchase, and the host's
 * CompletePhoneNumberPurchase and FailPhoneNumberPurchase. A purchase is the seed's
 * PhoneNumberPurchase: createdAt, updatedAt and completedAt are Unix milliseconds,
 * chargedCredits an integer of minor units.
 */
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "json/json.h"
#include "json/purchase-json.h"
#include "json/sinch-common.h"
#include "numbering/errors.h"
#include "numbering/purchase.h"

#define NS_PER_MS INT64_C(1000000)

/* ns since the epoch as Unix milliseconds (floor). */
static json_int_t ms(int64_t ns)
{
	int64_t q = ns / NS_PER_MS;
	return (json_int_t)(ns % NS_PER_MS < 0 ? q - 1 : q);
}

/* A purchase as the seed's PhoneNumberPurchase: every attribute present, unset ones null. */
static json_t *purchase_json(const numbering_purchase *p)
{
	json_t *metadata = NULL;
	const char *m = numbering_purchase_text(p, "metadata");
	if (m[0] != '\0' && (metadata = json_loads(m, 0, NULL)) == NULL)
		return NULL;
	const char *details = numbering_purchase_text(p, "statusDetails");
	int64_t completed = numbering_purchase_int(p, "completedAt");
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:o, s:o, s:o, s:I, s:I}", "id",
	                      numbering_purchase_text(p, "id"), "name", numbering_purchase_text(p, "name"), "friendlyName",
	                      numbering_purchase_text(p, "friendlyName"), "phoneNumber",
	                      numbering_purchase_text(p, "phoneNumber"), "countryCode",
	                      numbering_purchase_text(p, "countryCode"), "chargedCredits",
	                      (json_int_t)numbering_purchase_int(p, "chargedCredits"), "status",
	                      numbering_purchase_text(p, "status"), "numberType", numbering_purchase_text(p, "numberType"),
	                      "statusDetails", details[0] ? json_string(details) : json_null(), "completedAt",
	                      completed ? json_integer(ms(completed)) : json_null(), "metadata",
	                      metadata ? metadata : json_null(), "createdAt", ms(numbering_purchase_int(p, "createdAt")),
	                      "updatedAt", ms(numbering_purchase_int(p, "updatedAt")));
	return o;
}

static int answer(json_t **result, numbering_purchase *p, int rc)
{
	if (rc == NUMBERING_OK && (*result = purchase_json(p)) == NULL)
		rc = numbering__sinch_out_of_memory();
	numbering_purchase_free(p);
	return rc;
}

/* Errors of the purchase's own attributes name them under "phoneNumberPurchase". */
static int in_purchase(int rc)
{
	static const char *const own[] = {"friendlyName", "phoneNumber", "countryCode", "numberType", "metadata"};
	if (rc == NUMBERING_OK || numbering_error_violation_count() < 1)
		return rc;
	const char *field = numbering_error_violation_field(0);
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (strcmp(field, own[i]) == 0) {
			numbering__error_prefix_fields("phoneNumberPurchase");
			break;
		}
	return rc;
}

int numbering__json_create_purchase(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	enum { PARENT, PURCHASE, REQUEST_ID, COUNT };
	static const struct numbering__json_field fields[COUNT] = {
		[PARENT] = {"parent", "parent"},
		[PURCHASE] = {"phoneNumberPurchase", "phone_number_purchase"},
		[REQUEST_ID] = {"requestId", "request_id"},
	};
	enum { FRIENDLY, NUMBER, COUNTRY, TYPE, METADATA, PCOUNT };
	static const struct numbering__json_field pfields[PCOUNT] = {
		[FRIENDLY] = {"friendlyName", "friendly_name"}, [NUMBER] = {"phoneNumber", "phone_number"},
		[COUNTRY] = {"countryCode", "country_code"},    [TYPE] = {"numberType", "number_type"},
		[METADATA] = {"metadata", "metadata"},
	};
	json_t *f[COUNT], *pf[PCOUNT];
	numbering_purchase_request r = NUMBERING_PURCHASE_REQUEST_INIT;
	const char *parent = NULL;
	char *metadata = NULL;
	int rc = numbering__json_fields(f, request, fields, COUNT, "");
	if (rc == NUMBERING_OK)
		rc = numbering__json_string(&parent, f[PARENT], "parent");
	if (rc == NUMBERING_OK)
		rc = numbering__json_string(&r.request_id, f[REQUEST_ID], "requestId");
	if (rc == NUMBERING_OK && f[PURCHASE] == NULL)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phoneNumberPurchase", "phoneNumberPurchase is required");
	if (rc == NUMBERING_OK)
		rc = numbering__json_object(f[PURCHASE], "phoneNumberPurchase");
	if (rc == NUMBERING_OK)
		rc = numbering__json_fields(pf, f[PURCHASE], pfields, PCOUNT, "phoneNumberPurchase");
	if (rc == NUMBERING_OK)
		rc = numbering__json_string(&r.friendly_name, pf[FRIENDLY], "phoneNumberPurchase.friendlyName");
	if (rc == NUMBERING_OK)
		rc = numbering__json_string(&r.phone_number, pf[NUMBER], "phoneNumberPurchase.phoneNumber");
	if (rc == NUMBERING_OK)
		rc = numbering__json_string(&r.country_code, pf[COUNTRY], "phoneNumberPurchase.countryCode");
	if (rc == NUMBERING_OK)
		rc = numbering__sinch_read_type(&r.number_type, pf[TYPE], "phoneNumberPurchase.numberType");
	if (rc == NUMBERING_OK && pf[METADATA] != NULL) {
		if (!json_is_object(pf[METADATA]))
			rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phoneNumberPurchase.metadata",
			                            "phoneNumberPurchase.metadata is %s, not an object or null",
			                            numbering__json_type_name(pf[METADATA]));
		else
			rc = numbering__json_dump(&metadata, pf[METADATA]);
		r.metadata = metadata;
	}
	numbering_purchase *p = NULL;
	if (rc == NUMBERING_OK)
		rc = in_purchase(numbering_store_create_purchase(&p, store, caller, parent, &r));
	numbering_free(metadata);
	return answer(result, p, rc);
}

/* The request's name, required. */
static int read_name(const char **name, json_t *request, json_t **details)
{
	enum { NAME, DETAILS, COUNT };
	static const struct numbering__json_field fields[COUNT] = {
		[NAME] = {"name", "name"},
		[DETAILS] = {"statusDetails", "status_details"},
	};
	json_t *f[COUNT];
	int rc = numbering__json_fields(f, request, fields, details ? COUNT : 1, "");
	if (rc == NUMBERING_OK && f[NAME] == NULL)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "name", "name is required");
	if (rc == NUMBERING_OK)
		rc = numbering__json_string(name, f[NAME], "name");
	if (details != NULL)
		*details = rc == NUMBERING_OK ? f[DETAILS] : NULL;
	return rc;
}

/* A method whose request is the purchase's name alone (get, complete, cancel). */
typedef int (*purchase_op)(numbering_purchase **out, numbering_store *store, const char *caller, const char *name);

static int call_name_only(json_t **result, numbering_store *store, const char *caller, json_t *request,
                          purchase_op op)
{
	const char *name = NULL;
	numbering_purchase *p = NULL;
	int rc = read_name(&name, request, NULL);
	if (rc == NUMBERING_OK)
		rc = op(&p, store, caller, name);
	return answer(result, p, rc);
}

int numbering__json_get_purchase(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	return call_name_only(result, store, caller, request, numbering_store_get_purchase);
}

int numbering__json_complete_purchase(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	return call_name_only(result, store, caller, request, numbering_store_complete_purchase);
}

int numbering__json_fail_purchase(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	const char *name = NULL, *details = NULL;
	json_t *d = NULL;
	numbering_purchase *p = NULL;
	int rc = read_name(&name, request, &d);
	if (rc == NUMBERING_OK)
		rc = numbering__json_string(&details, d, "statusDetails");
	if (rc == NUMBERING_OK)
		rc = numbering_store_fail_purchase(&p, store, caller, name, details);
	return answer(result, p, rc);
}

int numbering__json_cancel_purchase(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	return call_name_only(result, store, caller, request, numbering_store_cancel_purchase);
}

int numbering__json_list_purchases(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	enum { PARENT, STATUS, SIZE, TOKEN, COUNT };
	static const struct numbering__json_field fields[COUNT] = {
		[PARENT] = {"parent", "parent"},
		[STATUS] = {"status", "status"},
		[SIZE] = {"pageSize", "page_size"},
		[TOKEN] = {"pageToken", "page_token"},
	};
	json_t *f[COUNT];
	const char *parent = NULL, *token = NULL;
	int status = 0;
	int32_t size = 0;
	int rc = numbering__json_fields(f, request, fields, COUNT, "");
	if (rc == NUMBERING_OK)
		rc = numbering__json_string(&parent, f[PARENT], "parent");
	if (rc == NUMBERING_OK && f[STATUS] != NULL) {
		const char *name = NULL;
		if ((rc = numbering__json_string(&name, f[STATUS], "status")) == NUMBERING_OK)
			rc = numbering_purchase_status_parse(&status, name);
	}
	if (rc == NUMBERING_OK)
		rc = numbering__json_int32(&size, f[SIZE], "pageSize");
	if (rc == NUMBERING_OK)
		rc = numbering__json_string(&token, f[TOKEN], "pageToken");
	numbering_purchase_page *page = NULL;
	if (rc == NUMBERING_OK)
		rc = numbering_store_list_purchases(&page, store, caller, parent, status, size, token);
	json_t *items = rc == NUMBERING_OK ? json_array() : NULL;
	if (rc == NUMBERING_OK && items == NULL)
		rc = numbering__sinch_out_of_memory();
	for (int i = 0; rc == NUMBERING_OK && i < numbering_purchase_page_count(page); i++) {
		json_t *one = purchase_json(numbering_purchase_page_item(page, i));
		if (one == NULL || json_array_append_new(items, one) != 0)
			rc = numbering__sinch_out_of_memory();
	}
	if (rc == NUMBERING_OK) {
		const char *next = numbering_purchase_page_next_token(page);
		*result = json_pack("{s:O}", "phoneNumberPurchases", items);
		if (*result == NULL ||
		    (next[0] != '\0' && json_object_set_new(*result, "nextPageToken", json_string(next)) != 0))
			rc = numbering__sinch_out_of_memory();
	}
	json_decref(items);
	numbering_purchase_page_free(page);
	return rc;
}
