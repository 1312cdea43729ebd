/*
 * BindPhoneNumberToApplication, SetPhoneNumberInfo, GetPhoneNumbers and
 * GetAccountPhoneNumberCountries (the Voximplant seed's parameters, read with
 * lib/json/vox-params.h): each reads its request and calls the store operation of
 * numbering/phone.h ("Binding and queries"), where the rules live.
 *
 *   BindPhoneNumberToApplication {account_id, application_id | application_name, bind?,
 *       phone_id ('all') | phone_number, rule_id? | rule_name?} -> {"result": 1}
 *   SetPhoneNumberInfo {account_id, phone_id ('all') | phone_number,
 *       incoming_sms_callback_url?} -> {"result": 1}
 *   GetPhoneNumbers {account_id, every filter of the seed} -> {"result": [...], "count": N,
 *       "total_count": M}
 *   GetAccountPhoneNumberCountries {account_id, application_id?} -> {"result": ["US", ...]}
 *   SetAccountInfo {account_id, incoming_sms_callback_url} -> {"result": 1}
 *   GetAccountInfo {account_id} -> {"result": {"account_id": N, "incoming_sms_callback_url"?}}
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "json/vox-numbers.h"
#include "json/vox-params.h"
#include "model/validate.h"
#include "numbering/common.h"
#include "numbering/phone.h"

#define DAY_NS INT64_C(86400000000000)
#define SECOND_NS INT64_C(1000000000)

static int result_one(json_t **result)
{
	json_t *out = json_object();
	if (out == NULL || json_object_set_new(out, "result", json_integer(1)) != 0) {
		json_decref(out);
		return numbering__vox_out_of_memory();
	}
	*result = out;
	return NUMBERING_OK;
}

/* phone_id ('all') | phone_number, exactly one. */
static int read_numbers(struct numbering__vox_list *ids, struct numbering__vox_list *numbers, json_t *id,
                        json_t *number)
{
	if (id != NULL && number != NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_number",
		                              "phone_id and phone_number exclude each other: give one");
	if (id == NULL && number == NULL)
		return numbering__vox_required("phone_id");
	int rc = NUMBERING_OK;
	if (id != NULL)
		rc = numbering__vox_intlist(ids, id, "phone_id", 1);
	if (rc == NUMBERING_OK && number != NULL)
		rc = numbering__vox_stringlist(numbers, number, "phone_number", 32);
	return rc;
}

int numbering__json_bind_phone_number(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	enum { ACCOUNT, APP_ID, APP_NAME, BIND, ID, NUMBER, RULE_ID, RULE_NAME, FIELDS };
	static const char *const names[FIELDS] = {
	    [ACCOUNT] = "account_id", [APP_ID] = "application_id", [APP_NAME] = "application_name", [BIND] = "bind",
	    [ID] = "phone_id",        [NUMBER] = "phone_number",   [RULE_ID] = "rule_id",            [RULE_NAME] = "rule_name",
	};
	json_t *f[FIELDS];
	char project[NUMBERING__VOX_PROJECT_SIZE];
	struct numbering__vox_list ids = NUMBERING__VOX_LIST_INIT, numbers = NUMBERING__VOX_LIST_INIT;
	int64_t app_id = 0, rule_id = 0;
	const char *app_name = NULL, *rule_name = NULL;
	int bind = 1;
	int rc = numbering__vox_fields(f, request, names, FIELDS);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_account(project, f[ACCOUNT]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_number(&app_id, f[APP_ID], names[APP_ID], 1, INT64_MAX);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_string(&app_name, f[APP_NAME], names[APP_NAME], 128);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_boolean(&bind, f[BIND], names[BIND]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_number(&rule_id, f[RULE_ID], names[RULE_ID], 1, INT64_MAX);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_string(&rule_name, f[RULE_NAME], names[RULE_NAME], 128);
	/* The seed: "You should specify the application_id or application_name if you
	 * specify the rule_name". */
	if (rc == NUMBERING_OK && rule_name != NULL && app_id == 0 && app_name == NULL)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "rule_name",
		                            "rule_name needs application_id or application_name");
	if (rc == NUMBERING_OK)
		rc = read_numbers(&ids, &numbers, f[ID], f[NUMBER]);
	if (rc == NUMBERING_OK)
		rc = numbering_store_bind_phones(store, caller, project, ids.ids, (int)ids.count, ids.all, numbers.texts,
		                                 (int)numbers.count, app_id, app_name, rule_id, rule_name, bind);
	numbering__vox_list_free(&ids);
	numbering__vox_list_free(&numbers);
	return rc == NUMBERING_OK ? result_one(result) : rc;
}

int numbering__json_set_phone_number_info(json_t **result, numbering_store *store, const char *caller,
                                          json_t *request)
{
	enum { ACCOUNT, URL, ID, NUMBER, FIELDS };
	static const char *const names[FIELDS] = {[ACCOUNT] = "account_id", [URL] = "incoming_sms_callback_url",
	                                          [ID] = "phone_id", [NUMBER] = "phone_number"};
	json_t *f[FIELDS];
	char project[NUMBERING__VOX_PROJECT_SIZE];
	struct numbering__vox_list ids = NUMBERING__VOX_LIST_INIT, numbers = NUMBERING__VOX_LIST_INIT;
	const char *url = NULL;
	int rc = numbering__vox_fields(f, request, names, FIELDS);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_account(project, f[ACCOUNT]);
	/* "" clears the URL as absence does: read it as text first. */
	if (rc == NUMBERING_OK && f[URL] != NULL && !(json_is_string(f[URL]) && json_string_length(f[URL]) == 0))
		rc = numbering__vox_string(&url, f[URL], names[URL], 2048);
	if (rc == NUMBERING_OK)
		rc = read_numbers(&ids, &numbers, f[ID], f[NUMBER]);
	if (rc == NUMBERING_OK)
		rc = numbering_store_set_phone_info(store, caller, project, ids.ids, (int)ids.count, ids.all, numbers.texts,
		                                    (int)numbers.count, url);
	numbering__vox_list_free(&ids);
	numbering__vox_list_free(&numbers);
	return rc == NUMBERING_OK ? result_one(result) : rc;
}

/* ---- The account's general SMS URL ---- */

/* The seed's SetPhoneNumberInfo: "If set, the callback of an incoming SMS is sent to
 * this url, otherwise, it is sent to the general account URL". That URL is the
 * account's, set as Voximplant sets an account's settings, with SetAccountInfo, and
 * read with GetAccountInfo; the parameter keeps the seed's name. */
int numbering__json_set_account_info(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	enum { ACCOUNT, URL, FIELDS };
	static const char *const names[FIELDS] = {[ACCOUNT] = "account_id", [URL] = "incoming_sms_callback_url"};
	json_t *f[FIELDS];
	char project[NUMBERING__VOX_PROJECT_SIZE];
	const char *url = NULL;
	int rc = numbering__vox_fields(f, request, names, FIELDS);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_account(project, f[ACCOUNT]);
	/* Nothing to set is a mistake, not a no-op; "" removes the URL. */
	if (rc == NUMBERING_OK && f[URL] == NULL)
		rc = numbering__vox_required(names[URL]);
	if (rc == NUMBERING_OK && !(json_is_string(f[URL]) && json_string_length(f[URL]) == 0)) {
		rc = numbering__vox_string(&url, f[URL], names[URL], 2048);
		/* Checked as the number's own URL is (SetPhoneNumberInfo): a prefix check let
		 * "https://", spaces and unclosed IP literals through to the routing answer. */
		if (rc == NUMBERING_OK)
			rc = numbering__validate_message_handler(url, names[URL]);
	}
	if (rc == NUMBERING_OK)
		rc = numbering_store_set_account_callback_url(store, caller, project, url);
	return rc == NUMBERING_OK ? result_one(result) : rc;
}

static json_t *account_json(const char *project);

int numbering__json_get_account_info(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	enum { ACCOUNT, FIELDS };
	static const char *const names[FIELDS] = {[ACCOUNT] = "account_id"};
	json_t *f[FIELDS];
	char project[NUMBERING__VOX_PROJECT_SIZE];
	char *url = NULL;
	int rc = numbering__vox_fields(f, request, names, FIELDS);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_account(project, f[ACCOUNT]);
	if (rc == NUMBERING_OK)
		rc = numbering_store_get_account_callback_url(&url, store, caller, project);
	if (rc != NUMBERING_OK)
		return rc;
	json_t *info = json_object();
	int bad = info == NULL || json_object_set_new(info, "account_id", account_json(project)) != 0;
	if (!bad && url[0] != '\0')
		bad = json_object_set_new(info, "incoming_sms_callback_url", json_string(url)) != 0;
	numbering_free(url);
	if (bad) {
		json_decref(info);
		return numbering__vox_out_of_memory();
	}
	return numbering__vox_result(result, info);
}

/* ---- GetPhoneNumbers ---- */

static const char *const orders[] = {
    [NUMBERING_PHONE_ORDER_PHONE_NUMBER] = "phone_number",
    [NUMBERING_PHONE_ORDER_PHONE_PRICE] = "phone_price",
    [NUMBERING_PHONE_ORDER_PHONE_COUNTRY_CODE] = "phone_country_code",
    [NUMBERING_PHONE_ORDER_DEACTIVATED] = "deactivated",
    [NUMBERING_PHONE_ORDER_PURCHASE_DATE] = "purchase_date",
    [NUMBERING_PHONE_ORDER_PHONE_NEXT_RENEWAL] = "phone_next_renewal",
    [NUMBERING_PHONE_ORDER_VERIFICATION_STATUS] = "verification_status",
    [NUMBERING_PHONE_ORDER_UNVERIFIED_HOLD_UNTIL] = "unverified_hold_until",
    [NUMBERING_PHONE_ORDER_VERIFICATION_NAME] = "verification_name",
};

/* numbering_phone_info.verification_status 1 .. 3 (0: none). */
#define STATUS_FIRST 1
#define STATUS_LAST 3
static const char *const statuses[] = {"", "REQUIRED", "IN_PROGRESS", "VERIFIED"};

/* The project id of "projects/{id}" as the seed writes an account id: a number when
 * it is one, else the text. */
static json_t *account_json(const char *project)
{
	const char *id = strncmp(project, "projects/", 9) == 0 ? project + 9 : project;
	size_t n = strlen(id);
	if (n > 0 && n <= 18 && strspn(id, "0123456789") == n && (id[0] != '0' || n == 1))
		return json_integer((json_int_t)strtoll(id, NULL, 10));
	return json_string(id);
}

static int set(json_t *o, const char *key, json_t *value)
{
	return json_object_set_new(o, key, value) != 0;
}

static json_t *item_json(const numbering_phone_info *p)
{
	char date[NUMBERING__VOX_DATE_SIZE], stamp[NUMBERING__VOX_TIMESTAMP_SIZE];
	json_t *o = json_object();
	if (o == NULL)
		return NULL;
	int bad = set(o, "phone_id", json_integer(p->phone_id)) || set(o, "phone_number", json_string(p->phone_number));
	json_t *price = p->price_currency[0] != '\0' ? numbering__vox_price_json(p->price_currency, p->price_minor)
	                                              : json_string("0");
	bad = bad || set(o, "phone_price", price) || set(o, "phone_country_code", json_string(p->country_code));
	if (p->phone_next_renewal != 0)
		bad = bad ||
		      set(o, "phone_next_renewal", json_string(numbering__vox_format_date(date, p->phone_next_renewal)));
	bad = bad ||
	      set(o, "phone_purchase_date", json_string(numbering__vox_format_timestamp(stamp, p->phone_purchase_date))) ||
	      set(o, "deactivated", json_boolean(p->deactivated)) || set(o, "canceled", json_boolean(p->canceled)) ||
	      set(o, "auto_charge", json_boolean(p->auto_charge));
	if (p->application_id != 0)
		bad = bad || set(o, "application_id", json_integer(p->application_id)) ||
		      set(o, "application_name", json_string(p->application_name));
	if (p->rule_id != 0)
		bad = bad || set(o, "rule_id", json_integer(p->rule_id)) || set(o, "rule_name", json_string(p->rule_name));
	if (p->phone_category_name[0] != '\0')
		bad = bad || set(o, "phone_category_name", json_string(p->phone_category_name));
	if (p->phone_region_name[0] != '\0')
		bad = bad || set(o, "phone_region_name", json_string(p->phone_region_name));
	if (p->country_state[0] != '\0')
		bad = bad || set(o, "country_state", json_string(p->country_state));
	if (p->verification_status >= STATUS_FIRST && p->verification_status <= STATUS_LAST)
		bad = bad || set(o, "verification_status", json_string(statuses[p->verification_status]));
	if (p->verification_name[0] != '\0')
		bad = bad || set(o, "verification_name", json_string(p->verification_name));
	if (p->unverified_hold_until != 0)
		bad = bad || set(o, "unverified_hold_until",
		                 json_string(numbering__vox_format_date(date, p->unverified_hold_until)));
	bad = bad || set(o, "can_be_used", json_boolean(p->can_be_used));
	if (p->incoming_sms_callback_url[0] != '\0')
		bad = bad || set(o, "incoming_sms_callback_url", json_string(p->incoming_sms_callback_url));
	bad = bad || set(o, "account_id", account_json(p->account));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* A "to" date or timestamp names its whole day or second. */
static void through(int64_t *to, int64_t span)
{
	if (*to != INT64_MAX && *to <= INT64_MAX - span)
		*to += span - 1;
}

int numbering__json_get_phone_numbers(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	enum {
		ACCOUNT,
		APP_ID,
		APP_NAME,
		AUTO_CHARGE,
		CAN_BE_USED,
		CANCELED,
		CHILD,
		CHILDREN_ONLY,
		COUNT,
		COUNTRY,
		DEACTIVATED,
		FROM_RENEWAL,
		FROM_PURCHASE,
		FROM_HOLD,
		BOUND_APP,
		BOUND_RULE,
		OFFSET,
		ORDER,
		CATEGORY,
		ID,
		NUMBER,
		REGION,
		TEMPLATE,
		RULE_ID,
		RULE_NAME,
		SANDBOX,
		TO_RENEWAL,
		TO_PURCHASE,
		TO_HOLD,
		VERIFICATION_NAME,
		VERIFICATION_STATUS,
		FIELDS
	};
	static const char *const names[FIELDS] = {
	    [ACCOUNT] = "account_id",
	    [APP_ID] = "application_id",
	    [APP_NAME] = "application_name",
	    [AUTO_CHARGE] = "auto_charge",
	    [CAN_BE_USED] = "can_be_used",
	    [CANCELED] = "canceled",
	    [CHILD] = "child_account_id",
	    [CHILDREN_ONLY] = "children_phones_only",
	    [COUNT] = "count",
	    [COUNTRY] = "country_code",
	    [DEACTIVATED] = "deactivated",
	    [FROM_RENEWAL] = "from_phone_next_renewal",
	    [FROM_PURCHASE] = "from_phone_purchase_date",
	    [FROM_HOLD] = "from_unverified_hold_until",
	    [BOUND_APP] = "is_bound_to_application",
	    [BOUND_RULE] = "is_bound_to_rule",
	    [OFFSET] = "offset",
	    [ORDER] = "order_by",
	    [CATEGORY] = "phone_category_name",
	    [ID] = "phone_id",
	    [NUMBER] = "phone_number",
	    [REGION] = "phone_region_name",
	    [TEMPLATE] = "phone_template",
	    [RULE_ID] = "rule_id",
	    [RULE_NAME] = "rule_name",
	    [SANDBOX] = "sandbox",
	    [TO_RENEWAL] = "to_phone_next_renewal",
	    [TO_PURCHASE] = "to_phone_purchase_date",
	    [TO_HOLD] = "to_unverified_hold_until",
	    [VERIFICATION_NAME] = "verification_name",
	    [VERIFICATION_STATUS] = "verification_status",
	};
	json_t *f[FIELDS];
	char project[NUMBERING__VOX_PROJECT_SIZE];
	numbering_phone_query q = NUMBERING_PHONE_QUERY_INIT;
	struct numbering__vox_list children = NUMBERING__VOX_LIST_INIT, countries = NUMBERING__VOX_LIST_INIT,
	                           ids = NUMBERING__VOX_LIST_INIT, numbers = NUMBERING__VOX_LIST_INIT,
	                           regions = NUMBERING__VOX_LIST_INIT, rule_ids = NUMBERING__VOX_LIST_INIT,
	                           rule_names = NUMBERING__VOX_LIST_INIT, status = NUMBERING__VOX_LIST_INIT;
	char (*child_projects)[NUMBERING__VOX_PROJECT_SIZE] = NULL;
	const char **child_names = NULL;
	int64_t count = NUMBERING_PHONE_QUERY_COUNT_DEFAULT;
	const char *order = NULL;
	int rc = numbering__vox_fields(f, request, names, FIELDS);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_account(project, f[ACCOUNT]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_number(&q.application_id, f[APP_ID], names[APP_ID], 1, INT64_MAX);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_string(&q.application_name, f[APP_NAME], names[APP_NAME], 128);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_boolean(&q.auto_charge, f[AUTO_CHARGE], names[AUTO_CHARGE]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_boolean(&q.can_be_used, f[CAN_BE_USED], names[CAN_BE_USED]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_boolean(&q.canceled, f[CANCELED], names[CANCELED]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_intlist(&children, f[CHILD], names[CHILD], 1);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_boolean(&q.children_phones_only, f[CHILDREN_ONLY], names[CHILDREN_ONLY]);
	if (q.children_phones_only < 0)
		q.children_phones_only = 0;
	if (rc == NUMBERING_OK)
		rc = numbering__vox_count(&count, f[COUNT]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_stringlist(&countries, f[COUNTRY], names[COUNTRY], 2);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_boolean(&q.deactivated, f[DEACTIVATED], names[DEACTIVATED]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_date(&q.from_phone_next_renewal, f[FROM_RENEWAL], names[FROM_RENEWAL]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_timestamp(&q.from_phone_purchase_date, f[FROM_PURCHASE], names[FROM_PURCHASE]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_date(&q.from_unverified_hold_until, f[FROM_HOLD], names[FROM_HOLD]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_boolean(&q.is_bound_to_application, f[BOUND_APP], names[BOUND_APP]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_boolean(&q.is_bound_to_rule, f[BOUND_RULE], names[BOUND_RULE]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_offset(&q.offset, f[OFFSET]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_string(&order, f[ORDER], names[ORDER], 64);
	if (rc == NUMBERING_OK && order != NULL) {
		q.order_by = -1;
		for (int i = 1; i < (int)(sizeof(orders) / sizeof(orders[0])); i++)
			if (strcmp(order, orders[i]) == 0)
				q.order_by = i;
		if (q.order_by < 0)
			rc = numbering__vox_invalid(names[ORDER], order, strlen(order),
			                            "is not phone_number, phone_price, phone_country_code, deactivated, "
			                            "purchase_date, phone_next_renewal, verification_status, "
			                            "unverified_hold_until or verification_name");
	}
	if (rc == NUMBERING_OK)
		rc = numbering__vox_string(&q.phone_category_name, f[CATEGORY], names[CATEGORY], 256);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_intlist(&ids, f[ID], names[ID], 1);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_stringlist(&numbers, f[NUMBER], names[NUMBER], 32);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_stringlist(&regions, f[REGION], names[REGION], 256);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_string(&q.phone_template, f[TEMPLATE], names[TEMPLATE], 17);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_intlist(&rule_ids, f[RULE_ID], names[RULE_ID], 0);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_stringlist(&rule_names, f[RULE_NAME], names[RULE_NAME], 128);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_sandbox(&q.sandbox, f[SANDBOX]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_date(&q.to_phone_next_renewal, f[TO_RENEWAL], names[TO_RENEWAL]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_timestamp(&q.to_phone_purchase_date, f[TO_PURCHASE], names[TO_PURCHASE]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_date(&q.to_unverified_hold_until, f[TO_HOLD], names[TO_HOLD]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_string(&q.verification_name, f[VERIFICATION_NAME], names[VERIFICATION_NAME], 256);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_stringlist(&status, f[VERIFICATION_STATUS], names[VERIFICATION_STATUS], 32);
	for (size_t i = 0; rc == NUMBERING_OK && i < status.count; i++) {
		int found = 0;
		for (int s = STATUS_FIRST; s <= STATUS_LAST && !found; s++)
			if (strcmp(status.texts[i], statuses[s]) == 0) {
				q.verification_statuses |= 1u << s;
				found = 1;
			}
		if (!found)
			rc = numbering__vox_invalid(names[VERIFICATION_STATUS], status.texts[i], strlen(status.texts[i]),
			                            "is not REQUIRED, IN_PROGRESS or VERIFIED");
	}
	if (rc == NUMBERING_OK && rule_names.count > 0 && q.application_id == 0 && q.application_name == NULL)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "rule_name",
		                            "rule_name can be used only if application_id or application_name is specified");
	if (rc == NUMBERING_OK && children.count > 0) {
		child_projects = numbering__calloc(children.count, sizeof(*child_projects));
		child_names = numbering__calloc(children.count, sizeof(*child_names));
		if (child_projects == NULL || child_names == NULL)
			rc = numbering__vox_out_of_memory();
		for (size_t i = 0; rc == NUMBERING_OK && i < children.count; i++) {
			snprintf(child_projects[i], sizeof(child_projects[i]), "projects/%" PRId64, children.ids[i]);
			child_names[i] = child_projects[i];
		}
	}
	if (rc == NUMBERING_OK) {
		through(&q.to_phone_next_renewal, DAY_NS);
		through(&q.to_unverified_hold_until, DAY_NS);
		through(&q.to_phone_purchase_date, SECOND_NS);
		q.count = (int)count;
		q.child_accounts = child_names;
		q.child_account_count = children.count;
		q.all_child_accounts = children.all;
		q.country_codes = countries.texts;
		q.country_code_count = countries.count;
		q.phone_ids = ids.ids;
		q.phone_id_count = ids.count; /* 'all': no filter */
		q.phone_numbers = numbers.texts;
		q.phone_number_count = numbers.count;
		q.phone_region_names = regions.texts;
		q.phone_region_name_count = regions.count;
		q.rule_ids = rule_ids.ids;
		q.rule_id_count = rule_ids.count;
		q.rule_names = rule_names.texts;
		q.rule_name_count = rule_names.count;
	}
	numbering_phone_page *page = NULL;
	if (rc == NUMBERING_OK)
		rc = numbering_store_list_phones(&page, store, caller, project, &q);
	numbering__free_mem(child_projects);
	numbering__free_mem(child_names);
	numbering__vox_list_free(&children);
	numbering__vox_list_free(&countries);
	numbering__vox_list_free(&ids);
	numbering__vox_list_free(&numbers);
	numbering__vox_list_free(&regions);
	numbering__vox_list_free(&rule_ids);
	numbering__vox_list_free(&rule_names);
	numbering__vox_list_free(&status);
	if (rc != NUMBERING_OK)
		return rc;
	json_t *items = json_array();
	for (int i = 0; items != NULL && i < numbering_phone_page_count(page); i++)
		if (json_array_append_new(items, item_json(numbering_phone_page_item(page, i))) != 0) {
			json_decref(items);
			items = NULL;
		}
	int64_t total = numbering_phone_page_total_count(page);
	numbering_phone_page_free(page);
	return numbering__vox_page(result, items, total);
}

int numbering__json_get_account_phone_number_countries(json_t **result, numbering_store *store, const char *caller,
                                                       json_t *request)
{
	enum { ACCOUNT, APP_ID, FIELDS };
	static const char *const names[FIELDS] = {[ACCOUNT] = "account_id", [APP_ID] = "application_id"};
	json_t *f[FIELDS];
	char project[NUMBERING__VOX_PROJECT_SIZE];
	struct numbering__vox_list apps = NUMBERING__VOX_LIST_INIT;
	int rc = numbering__vox_fields(f, request, names, FIELDS);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_account(project, f[ACCOUNT]);
	if (rc == NUMBERING_OK)
		rc = numbering__vox_intlist(&apps, f[APP_ID], names[APP_ID], 0);
	char *codes = NULL;
	if (rc == NUMBERING_OK)
		rc = numbering_store_phone_countries(&codes, store, caller, project, apps.ids, apps.count);
	numbering__vox_list_free(&apps);
	if (rc != NUMBERING_OK)
		return rc;
	json_t *list = json_array();
	for (const char *p = codes; list != NULL && p[0] != '\0'; p += p[2] == ';' ? 3 : 2) {
		char code[3] = {p[0], p[1], '\0'};
		if (json_array_append_new(list, json_string(code)) != 0) {
			json_decref(list);
			list = NULL;
		}
	}
	numbering_free(codes);
	if (list == NULL)
		return numbering__vox_out_of_memory();
	return numbering__vox_result(result, list);
}
