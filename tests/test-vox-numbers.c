/*
 * Voximplant's BindPhoneNumberToApplication, SetPhoneNumberInfo, GetPhoneNumbers and
 * GetAccountPhoneNumberCountries (numbering/phone.h, "Binding and queries"), through
 * the JSON entry point with the seed's parameters and through the C API, on a memory
 * store and on a file store (each case runs on both: loop index 0 memory, 1 file).
 *
 * The data: account 1 rents six US numbers (GEOGRAPHIC, Boise, ID, prices 3.00 1.00
 * 2.00 1.00 5.00 4.00) and two CA numbers (MOBILE, Toronto, ON, 2.50 1.50) and creates
 * one number without the inventory (an Enfonica create: no attributes, price 0, no
 * subscription); account 2 rents two numbers, account 3 (a child of account 1) one.
 * Account 1 has applications alpha (rules r1, r1b) and beta (rule r2); US0 and US1 are
 * bound to alpha and r1, US2 to beta, CA0 to alpha; US3's autoCharge is off; US4 has
 * its own SMS URL.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include <numbering/numbering.h>
#include <numbering/phone.h>

#include "json-call.h"
#include "store-fixture.h"
#include "suites.h"
#include "top-up.h"

#define A1 "projects/1"
#define A2 "projects/2"
#define A3 "projects/3"

static numbering_store *S;
static char path[256];
static int64_t alpha, beta, gamma_app, r1, r1b, r2;

static const char *const us[6] = {"+12085550100", "+12085550101", "+12085550102",
                                  "+12085550103", "+12085550104", "+12085550105"};
static const int64_t us_price[6] = {300, 100, 200, 100, 500, 400};
static const char *const ca[2] = {"+14165550100", "+14165550101"};
static const int64_t ca_price[2] = {250, 150};
#define CREATED "+12085550900"
#define TOTAL 9 /* account 1's numbers */

/* ---- Helpers ---- */

static void import(const char *number, const char *region, const char *category, const char *region_name,
                   const char *state, int64_t price)
{
	numbering_available_number *n = NULL;
	ck_assert_int_eq(numbering_available_number_new(&n), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_numbers(n, number, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_region_code(n, region), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_type(n, NUMBERING_NUMBER_TYPE_LOCAL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_int(n, "capability", NUMBERING_CAPABILITY_VOICE), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_text(n, "categoryName", category), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_text(n, "regionName", region_name), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_text(n, "region", state), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_money(n, "monthlyPrice", "USD", price), NUMBERING_OK);
	const numbering_available_number *items[1] = {n};
	ck_assert_msg(numbering_store_import_available(NULL, S, NULL, items, 1) == NUMBERING_OK, "%s",
	              numbering_error_message());
	numbering_available_number_free(n);
}

static char *rent(const char *project, const char *number)
{
	numbering_active_number *a = NULL;
	ck_assert_msg(numbering_store_rent(&a, S, NULL, project, number, NULL) == NUMBERING_OK, "rent %s: %s", number,
	              numbering_error_message());
	char *name = strdup(numbering_instance_name(numbering_active_number_instance(a)));
	numbering_active_number_free(a);
	return name;
}

/* The JSON helpers of json-call.h, on S. */
#define call(...) json_call_ok(S, __VA_ARGS__)
#define refused(...) json_call_refused(S, __VA_ARGS__)

/* GetPhoneNumbers' result array (borrowed from @response). */
static json_t *items(json_t *response)
{
	json_t *r = json_object_get(response, "result");
	ck_assert(json_is_array(r));
	ck_assert_int_eq(json_integer_value(json_object_get(response, "count")), (json_int_t)json_array_size(r));
	return r;
}

static int64_t total(json_t *response)
{
	return json_integer_value(json_object_get(response, "total_count"));
}

/* How many numbers GetPhoneNumbers of account 1 matches with the extra parameters @extra. */
static int64_t matches(const char *extra)
{
	json_t *r = call("GetPhoneNumbers", "{\"account_id\": 1%s%s}", extra[0] ? ", " : "", extra);
	int64_t t = total(r);
	ck_assert_int_le((int64_t)json_array_size(items(r)), t);
	json_decref(r);
	return t;
}

static const char *text(json_t *item, const char *key)
{
	json_t *v = json_object_get(item, key);
	return json_is_string(v) ? json_string_value(v) : "";
}

static int64_t integer(json_t *item, const char *key)
{
	return json_integer_value(json_object_get(item, key));
}

static int flag(json_t *item, const char *key)
{
	return json_is_true(json_object_get(item, key));
}

/* The phone_id of @number in account 1. */
static int64_t phone_id_of(const char *number)
{
	json_t *r = call("GetPhoneNumbers", "{\"account_id\": 1, \"phone_number\": \"%s\"}", number);
	ck_assert_int_eq(json_array_size(items(r)), 1);
	int64_t id = integer(json_array_get(items(r), 0), "phone_id");
	json_decref(r);
	ck_assert_int_gt(id, 0);
	return id;
}

static void populate(void)
{
	for (int i = 0; i < 6; i++)
		import(us[i], "US", "GEOGRAPHIC", "Boise", "ID", us_price[i]);
	for (int i = 0; i < 2; i++)
		import(ca[i], "CA", "MOBILE", "Toronto", "ON", ca_price[i]);
	import("+12085550200", "US", "GEOGRAPHIC", "Boise", "ID", 100);
	import("+12085550201", "US", "GEOGRAPHIC", "Boise", "ID", 100);
	import("+12085550300", "US", "GEOGRAPHIC", "Boise", "ID", 100);
	top_up(S, A1, "USD", 100000);
	top_up(S, A2, "USD", 100000);
	top_up(S, A3, "USD", 100000);
	char *names[6];
	for (int i = 0; i < 6; i++)
		names[i] = rent(A1, us[i]);
	for (int i = 0; i < 2; i++)
		free(rent(A1, ca[i]));
	free(rent(A2, "+12085550200"));
	free(rent(A2, "+12085550201"));
	free(rent(A3, "+12085550300"));
	numbering_instance *request = NULL, *created = NULL;
	ck_assert_int_eq(numbering_instance_new(&request), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_phone_number(request, CREATED), NUMBERING_OK);
	ck_assert_msg(numbering_store_create(&created, S, NULL, A1, request, "made", NULL, NULL) == NUMBERING_OK, "%s",
	              numbering_error_message());
	numbering_instance_free(request);
	numbering_instance_free(created);
	ck_assert_int_eq(numbering_store_add_application(&alpha, S, NULL, A1, "alpha"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_add_application(&beta, S, NULL, A1, "beta"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_add_application(&gamma_app, S, NULL, A2, "gamma"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_add_rule(&r1, S, NULL, A1, alpha, NULL, "r1", NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_add_rule(&r1b, S, NULL, A1, alpha, NULL, "r1b", NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_add_rule(&r2, S, NULL, A1, beta, NULL, "r2", NULL), NUMBERING_OK);
	json_decref(call("BindPhoneNumberToApplication",
	                 "{\"account_id\": 1, \"application_id\": %" PRId64 ", \"rule_id\": %" PRId64
	                 ", \"phone_number\": \"%s;%s\"}",
	                 alpha, r1, us[0], us[1]));
	json_decref(call("BindPhoneNumberToApplication",
	                 "{\"account_id\": \"1\", \"application_name\": \"beta\", \"phone_number\": [\"%s\"]}", us[2]));
	json_decref(call("BindPhoneNumberToApplication",
	                 "{\"account_id\": 1, \"application_name\": \"alpha\", \"bind\": \"true\", \"phone_id\": %" PRId64
	                 "}",
	                 phone_id_of(ca[0])));
	char sub[256];
	snprintf(sub, sizeof(sub), A1 "/subscriptions/%s", strrchr(names[3], '/') + 1);
	ck_assert_msg(numbering_store_set_subscription_auto_charge(NULL, S, NULL, sub, 0) == NUMBERING_OK, "%s",
	              numbering_error_message());
	json_decref(call("SetPhoneNumberInfo",
	                 "{\"account_id\": 1, \"phone_id\": %" PRId64 ", \"incoming_sms_callback_url\": "
	                 "\"https://example.com/sms\"}",
	                 phone_id_of(us[4])));
	for (int i = 0; i < 6; i++)
		free(names[i]);
}

static void setup_store(int file)
{
	if (file) {
		fixture_temp_store_path(path, sizeof(path), "vox-numbers");
		S = fixture_open_file(path);
	} else {
		path[0] = '\0';
		fixture_open(NULL);
		S = fx.store;
	}
	populate();
}

static void teardown_store(void)
{
	if (path[0] != '\0') {
		numbering_store_close(S);
		unlink(path);
	} else {
		fixture_close();
	}
	S = NULL;
}

/* ---- GetPhoneNumbers ---- */

START_TEST(defaults_and_fields)
{
	setup_store(_i);
	json_t *r = call("GetPhoneNumbers", "{\"account_id\": 1}");
	json_t *list = items(r);
	ck_assert_int_eq(json_array_size(list), TOTAL);
	ck_assert_int_eq(total(r), TOTAL);
	int64_t last = 0;
	int seen_created = 0;
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t *it = json_array_get(list, i);
		ck_assert_int_gt(integer(it, "phone_id"), last); /* by phone_id */
		last = integer(it, "phone_id");
		ck_assert_int_eq(integer(it, "account_id"), 1);
		ck_assert(json_is_string(json_object_get(it, "phone_purchase_date")));
		ck_assert_int_eq(strlen(text(it, "phone_purchase_date")), 19);
		ck_assert(flag(it, "can_be_used"));
		ck_assert(!flag(it, "deactivated"));
		ck_assert(!flag(it, "canceled"));
		const char *number = text(it, "phone_number");
		ck_assert(strcmp(number, "+12085550200") != 0 && strcmp(number, "+12085550300") != 0);
		if (strcmp(number, CREATED) == 0) {
			seen_created = 1;
			ck_assert_str_eq(text(it, "phone_price"), "0");
			ck_assert_ptr_null(json_object_get(it, "phone_category_name"));
			ck_assert_ptr_null(json_object_get(it, "phone_next_renewal"));
			ck_assert(!flag(it, "auto_charge"));
			ck_assert_str_eq(text(it, "phone_country_code"), "US");
		} else if (strcmp(number, us[0]) == 0) {
			ck_assert_str_eq(text(it, "phone_price"), "3.00");
			ck_assert_str_eq(text(it, "phone_country_code"), "US");
			ck_assert_str_eq(text(it, "phone_category_name"), "GEOGRAPHIC");
			ck_assert_str_eq(text(it, "phone_region_name"), "Boise");
			ck_assert_str_eq(text(it, "country_state"), "ID");
			ck_assert_int_eq(integer(it, "application_id"), alpha);
			ck_assert_str_eq(text(it, "application_name"), "alpha");
			ck_assert_int_eq(integer(it, "rule_id"), r1);
			ck_assert_str_eq(text(it, "rule_name"), "r1");
			ck_assert(flag(it, "auto_charge"));
			ck_assert_int_eq(strlen(text(it, "phone_next_renewal")), 10);
			ck_assert_ptr_null(json_object_get(it, "incoming_sms_callback_url"));
		} else if (strcmp(number, us[4]) == 0) {
			ck_assert_str_eq(text(it, "incoming_sms_callback_url"), "https://example.com/sms");
			ck_assert_ptr_null(json_object_get(it, "application_id"));
		} else if (strcmp(number, ca[0]) == 0) {
			ck_assert_str_eq(text(it, "phone_country_code"), "CA");
			ck_assert_str_eq(text(it, "application_name"), "alpha");
			ck_assert_ptr_null(json_object_get(it, "rule_id"));
		}
	}
	ck_assert(seen_created);
	json_decref(r);
	teardown_store();
}
END_TEST

START_TEST(each_filter)
{
	setup_store(_i);
	char extra[512];
	snprintf(extra, sizeof(extra), "\"application_id\": %" PRId64, alpha);
	ck_assert_int_eq(matches(extra), 3);
	ck_assert_int_eq(matches("\"application_name\": \"alpha\""), 3);
	ck_assert_int_eq(matches("\"application_name\": \"beta\""), 1);
	snprintf(extra, sizeof(extra), "\"rule_id\": \"%" PRId64 ";%" PRId64 "\"", r1, r2);
	ck_assert_int_eq(matches(extra), 2);
	ck_assert_int_eq(matches("\"application_name\": \"alpha\", \"rule_name\": \"r1\""), 2);
	ck_assert_int_eq(matches("\"application_name\": \"alpha\", \"rule_name\": [\"r1b\"]"), 0);
	ck_assert_int_eq(matches("\"is_bound_to_application\": true"), 4);
	ck_assert_int_eq(matches("\"is_bound_to_application\": \"false\""), 5);
	ck_assert_int_eq(matches("\"is_bound_to_rule\": true"), 2);
	ck_assert_int_eq(matches("\"is_bound_to_rule\": false"), 7);
	ck_assert_int_eq(matches("\"auto_charge\": false"), 2); /* US3, and the number without a subscription */
	ck_assert_int_eq(matches("\"auto_charge\": true"), 7);
	ck_assert_int_eq(matches("\"canceled\": false"), TOTAL);
	ck_assert_int_eq(matches("\"canceled\": true"), 0);
	ck_assert_int_eq(matches("\"deactivated\": false"), TOTAL);
	ck_assert_int_eq(matches("\"deactivated\": true"), 0);
	ck_assert_int_eq(matches("\"can_be_used\": true"), TOTAL);
	ck_assert_int_eq(matches("\"can_be_used\": false"), 0);
	ck_assert_int_eq(matches("\"country_code\": \"CA\""), 2);
	ck_assert_int_eq(matches("\"country_code\": \"US;CA\""), TOTAL);
	ck_assert_int_eq(matches("\"country_code\": [\"US\"]"), 7);
	ck_assert_int_eq(matches("\"phone_category_name\": \"MOBILE\""), 2);
	ck_assert_int_eq(matches("\"phone_category_name\": \"GEOGRAPHIC\""), 6);
	ck_assert_int_eq(matches("\"phone_region_name\": \"Toronto\""), 2);
	ck_assert_int_eq(matches("\"phone_region_name\": \"Boise;Toronto\""), 8);
	snprintf(extra, sizeof(extra), "\"phone_id\": \"%" PRId64 ";%" PRId64 "\"", phone_id_of(us[0]),
	         phone_id_of(ca[1]));
	ck_assert_int_eq(matches(extra), 2);
	snprintf(extra, sizeof(extra), "\"phone_id\": [%" PRId64 ", \"%" PRId64 "\"]", phone_id_of(us[0]),
	         phone_id_of(us[0]));
	ck_assert_int_eq(matches(extra), 1);
	ck_assert_int_eq(matches("\"phone_id\": \"all\""), TOTAL);
	ck_assert_int_eq(matches("\"phone_id\": 999999"), 0);
	ck_assert_int_eq(matches("\"phone_number\": \"+12085550100;+14165550101\""), 2);
	ck_assert_int_eq(matches("\"phone_number\": \"+12085550200\""), 0); /* account 2's */
	ck_assert_int_eq(matches("\"phone_template\": \"1416\""), 2);
	ck_assert_int_eq(matches("\"phone_template\": \"+120855501\""), 6);
	ck_assert_int_eq(matches("\"phone_template\": \"1208555\""), 7);
	ck_assert_int_eq(matches("\"phone_template\": \"44\""), 0);
	ck_assert_int_eq(matches("\"sandbox\": \"all\""), TOTAL);
	ck_assert_int_eq(matches("\"sandbox\": \"false\""), TOTAL);
	ck_assert_int_eq(matches("\"sandbox\": \"true\""), 0);
	ck_assert_int_eq(matches("\"verification_status\": \"REQUIRED;IN_PROGRESS;VERIFIED\""), 0);
	ck_assert_int_eq(matches("\"verification_name\": \"passport\""), 0);
	ck_assert_int_eq(matches("\"from_unverified_hold_until\": \"2000-01-01\""), 0);
	ck_assert_int_eq(matches("\"to_unverified_hold_until\": \"2200-01-01\""), 0);
	/* Dates: every rented number renews within the next few months; none before today. */
	ck_assert_int_eq(matches("\"from_phone_next_renewal\": \"2000-01-01\", \"to_phone_next_renewal\": \"2200-12-31\""),
	                 8);
	ck_assert_int_eq(matches("\"to_phone_next_renewal\": \"2000-01-01\""), 0);
	ck_assert_int_eq(matches("\"from_phone_next_renewal\": \"2200-01-01\""), 0);
	ck_assert_int_eq(matches("\"from_phone_purchase_date\": \"2000-01-01 00:00:00\""), TOTAL);
	ck_assert_int_eq(matches("\"to_phone_purchase_date\": \"2000-01-01 00:00:00\""), 0);
	/* A purchase date bound is inclusive of its second: the first number's own. */
	json_t *r = call("GetPhoneNumbers", "{\"account_id\": 1, \"order_by\": \"purchase_date\", \"count\": 1}");
	char stamp[32];
	snprintf(stamp, sizeof(stamp), "%s", text(json_array_get(items(r), 0), "phone_purchase_date"));
	json_decref(r);
	snprintf(extra, sizeof(extra), "\"from_phone_purchase_date\": \"%s\"", stamp);
	ck_assert_int_ge(matches(extra), 1);
	snprintf(extra, sizeof(extra), "\"to_phone_purchase_date\": \"%s\"", stamp);
	ck_assert_int_eq(matches(extra), TOTAL);
	/* Several filters at once. */
	ck_assert_int_eq(matches("\"country_code\": \"US\", \"phone_category_name\": \"GEOGRAPHIC\", \"auto_charge\": true"),
	                 5);
	teardown_store();
}
END_TEST

START_TEST(count_and_offset)
{
	setup_store(_i);
	json_t *all = call("GetPhoneNumbers", "{\"account_id\": 1, \"count\": 1000}");
	ck_assert_int_eq(json_array_size(items(all)), TOTAL);
	json_t *r = call("GetPhoneNumbers", "{\"account_id\": 1, \"count\": 2, \"offset\": \"3\"}");
	ck_assert_int_eq(json_array_size(items(r)), 2);
	ck_assert_int_eq(total(r), TOTAL);
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(integer(json_array_get(items(r), (size_t)i), "phone_id"),
		                 integer(json_array_get(items(all), (size_t)i + 3), "phone_id"));
	json_decref(r);
	r = call("GetPhoneNumbers", "{\"account_id\": 1, \"count\": 0}");
	ck_assert_int_eq(json_array_size(items(r)), 0);
	ck_assert_int_eq(total(r), TOTAL);
	json_decref(r);
	r = call("GetPhoneNumbers", "{\"account_id\": 1, \"offset\": 100}");
	ck_assert_int_eq(json_array_size(items(r)), 0);
	ck_assert_int_eq(total(r), TOTAL);
	json_decref(r);
	json_decref(all);
	teardown_store();
}
END_TEST

/* ---- order_by against a reference sort ---- */

struct ref {
	int64_t id, price;
	char number[24], country[3], purchase[24], renewal[16], status[16], hold[16], vname[64];
	int deactivated;
};

static int order;

static int64_t price_minor(const char *s)
{
	/* "3.00" -> 300, "0" -> 0 */
	int64_t units = 0, cents = 0;
	const char *dot = strchr(s, '.');
	units = strtoll(s, NULL, 10);
	if (dot != NULL)
		cents = strtoll(dot + 1, NULL, 10);
	return units * 100 + cents;
}

static int status_rank(const char *s)
{
	return strcmp(s, "REQUIRED") == 0 ? 1 : strcmp(s, "IN_PROGRESS") == 0 ? 2 : strcmp(s, "VERIFIED") == 0 ? 3 : 0;
}

/* "" (none) sorts last for the dates. */
static int date_cmp(const char *a, const char *b)
{
	if (a[0] == '\0' || b[0] == '\0')
		return (a[0] == '\0') - (b[0] == '\0');
	return strcmp(a, b);
}

static int ref_cmp(const void *x, const void *y)
{
	const struct ref *a = x, *b = y;
	int c = 0;
	switch (order) {
	case 1: c = strcmp(a->number, b->number); break;
	case 2: c = (a->price > b->price) - (a->price < b->price); break;
	case 3: c = strcmp(a->country, b->country); break;
	case 4: c = b->deactivated - a->deactivated; break;
	/* purchase_date descending: create times strictly increase with phone ids. */
	case 5: return (a->id < b->id) - (a->id > b->id);
	case 6: c = date_cmp(a->renewal, b->renewal); break;
	case 7: c = status_rank(a->status) - status_rank(b->status); break;
	case 8: c = date_cmp(a->hold, b->hold); break;
	case 9: c = strcmp(a->vname, b->vname); break;
	default: break;
	}
	return c != 0 ? c : (a->id > b->id) - (a->id < b->id);
}

static void check_orders(numbering_store *store, const char *account)
{
	static const char *const orders[] = {"", "phone_number", "phone_price", "phone_country_code", "deactivated",
	                                     "purchase_date", "phone_next_renewal", "verification_status",
	                                     "unverified_hold_until", "verification_name"};
	(void)store;
	json_t *all = call("GetPhoneNumbers", "{\"account_id\": %s, \"count\": 1000}", account);
	size_t n = json_array_size(items(all));
	ck_assert_int_gt(n, 1);
	struct ref *refs = calloc(n, sizeof(*refs));
	for (size_t i = 0; i < n; i++) {
		json_t *it = json_array_get(items(all), i);
		refs[i].id = integer(it, "phone_id");
		refs[i].price = price_minor(text(it, "phone_price"));
		refs[i].deactivated = flag(it, "deactivated");
		snprintf(refs[i].number, sizeof(refs[i].number), "%s", text(it, "phone_number"));
		snprintf(refs[i].country, sizeof(refs[i].country), "%s", text(it, "phone_country_code"));
		snprintf(refs[i].purchase, sizeof(refs[i].purchase), "%s", text(it, "phone_purchase_date"));
		snprintf(refs[i].renewal, sizeof(refs[i].renewal), "%s", text(it, "phone_next_renewal"));
		snprintf(refs[i].status, sizeof(refs[i].status), "%s", text(it, "verification_status"));
		snprintf(refs[i].hold, sizeof(refs[i].hold), "%s", text(it, "unverified_hold_until"));
		snprintf(refs[i].vname, sizeof(refs[i].vname), "%s", text(it, "verification_name"));
	}
	for (order = 1; order <= 9; order++) {
		qsort(refs, n, sizeof(*refs), ref_cmp);
		/* The whole list, and a page of it (the bounded heap's cut). */
		json_t *r = call("GetPhoneNumbers", "{\"account_id\": %s, \"order_by\": \"%s\", \"count\": 1000}", account,
		                 orders[order]);
		ck_assert_int_eq(json_array_size(items(r)), n);
		for (size_t i = 0; i < n; i++)
			ck_assert_msg(integer(json_array_get(items(r), i), "phone_id") == refs[i].id, "order_by %s: item %zu is %" PRId64
			              ", the reference's %" PRId64, orders[order], i,
			              integer(json_array_get(items(r), i), "phone_id"), refs[i].id);
		json_decref(r);
		r = call("GetPhoneNumbers", "{\"account_id\": %s, \"order_by\": \"%s\", \"count\": 2, \"offset\": 1}", account,
		         orders[order]);
		ck_assert_int_eq(json_array_size(items(r)), 2);
		ck_assert_int_eq(integer(json_array_get(items(r), 0), "phone_id"), refs[1].id);
		ck_assert_int_eq(integer(json_array_get(items(r), 1), "phone_id"), refs[2].id);
		json_decref(r);
	}
	free(refs);
	json_decref(all);
}

START_TEST(each_order)
{
	setup_store(_i);
	check_orders(S, "1");
	/* The C API gives the same order: phone_price ascending, ties by phone_id. */
	numbering_phone_query q = NUMBERING_PHONE_QUERY_INIT;
	q.order_by = NUMBERING_PHONE_ORDER_PHONE_PRICE;
	numbering_phone_page *page = NULL;
	ck_assert_int_eq(numbering_store_list_phones(&page, S, NULL, A1, &q), NUMBERING_OK);
	ck_assert_int_eq(numbering_phone_page_count(page), TOTAL);
	ck_assert_int_eq(numbering_phone_page_total_count(page), TOTAL);
	for (int i = 1; i < TOTAL; i++) {
		const numbering_phone_info *a = numbering_phone_page_item(page, i - 1), *b = numbering_phone_page_item(page, i);
		ck_assert(a->price_minor < b->price_minor || (a->price_minor == b->price_minor && a->phone_id < b->phone_id));
	}
	ck_assert_str_eq(numbering_phone_page_item(page, 0)->phone_number, CREATED); /* price 0 */
	ck_assert_ptr_null(numbering_phone_page_item(page, TOTAL));
	ck_assert_ptr_null(numbering_phone_page_item(page, -1));
	numbering_phone_page_free(page);
	teardown_store();
}
END_TEST

/* ---- Bad input ---- */

START_TEST(bad_input)
{
	setup_store(_i);
	refused(NUMBERING_INVALID_ARGUMENT, "order_by", "GetPhoneNumbers", "{\"account_id\": 1, \"order_by\": \"price\"}");
	refused(NUMBERING_INVALID_ARGUMENT, "phone_id", "GetPhoneNumbers", "{\"account_id\": 1, \"phone_id\": \"1;x\"}");
	refused(NUMBERING_INVALID_ARGUMENT, "from_phone_next_renewal", "GetPhoneNumbers",
	        "{\"account_id\": 1, \"from_phone_next_renewal\": \"2026/01/01\"}");
	refused(NUMBERING_INVALID_ARGUMENT, "to_phone_purchase_date", "GetPhoneNumbers",
	        "{\"account_id\": 1, \"to_phone_purchase_date\": \"2026-01-01\"}");
	refused(NUMBERING_INVALID_ARGUMENT, "count", "GetPhoneNumbers", "{\"account_id\": 1, \"count\": -1}");
	refused(NUMBERING_INVALID_ARGUMENT, "count", "GetPhoneNumbers", "{\"account_id\": 1, \"count\": 1001}");
	refused(NUMBERING_INVALID_ARGUMENT, "offset", "GetPhoneNumbers", "{\"account_id\": 1, \"offset\": -1}");
	refused(NUMBERING_INVALID_ARGUMENT, "rule_name", "GetPhoneNumbers", "{\"account_id\": 1, \"rule_name\": \"r1\"}");
	refused(NUMBERING_INVALID_ARGUMENT, "verification_status", "GetPhoneNumbers",
	        "{\"account_id\": 1, \"verification_status\": \"REQUIRED;DONE\"}");
	refused(NUMBERING_INVALID_ARGUMENT, "sandbox", "GetPhoneNumbers", "{\"account_id\": 1, \"sandbox\": \"maybe\"}");
	refused(NUMBERING_INVALID_ARGUMENT, "auto_charge", "GetPhoneNumbers", "{\"account_id\": 1, \"auto_charge\": 2}");
	refused(NUMBERING_INVALID_ARGUMENT, "country_code", "GetPhoneNumbers", "{\"account_id\": 1, \"country_code\": \"us\"}");
	refused(NUMBERING_INVALID_ARGUMENT, "phone_template", "GetPhoneNumbers",
	        "{\"account_id\": 1, \"phone_template\": \"12a\"}");
	refused(NUMBERING_INVALID_ARGUMENT, "phone_number[0]", "GetPhoneNumbers",
	        "{\"account_id\": 1, \"phone_number\": \"12\"}");
	refused(NUMBERING_INVALID_ARGUMENT, "colour", "GetPhoneNumbers", "{\"account_id\": 1, \"colour\": 1}");
	refused(NUMBERING_INVALID_ARGUMENT, "account_id", "GetPhoneNumbers", "{}");
	refused(NUMBERING_NOT_FOUND, "application_name", "GetPhoneNumbers",
	        "{\"account_id\": 1, \"application_name\": \"nope\"}");
	refused(NUMBERING_INVALID_ARGUMENT, "child_account_id", "GetPhoneNumbers",
	        "{\"account_id\": 1, \"child_account_id\": 2}");
	/* The C API checks what JSON cannot express. */
	numbering_phone_query q = NUMBERING_PHONE_QUERY_INIT;
	numbering_phone_page *page = NULL;
	q.order_by = 10;
	fixture_expect_error(numbering_store_list_phones(&page, S, NULL, A1, &q), NUMBERING_INVALID_ARGUMENT, "order_by");
	ck_assert_ptr_null(page);
	q.order_by = 0;
	q.verification_statuses = 1u << 4;
	fixture_expect_error(numbering_store_list_phones(&page, S, NULL, A1, &q), NUMBERING_INVALID_ARGUMENT,
	                     "verification_status");
	q.verification_statuses = 0;
	q.version = 2;
	fixture_expect_error(numbering_store_list_phones(&page, S, NULL, A1, &q), NUMBERING_INVALID_ARGUMENT, "version");
	ck_assert_int_eq(numbering_store_list_phones(NULL, S, NULL, A1, &q), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_phone_query_init(NULL), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_phone_query_init(&q), NUMBERING_OK);
	ck_assert_int_eq(q.count, NUMBERING_PHONE_QUERY_COUNT_DEFAULT);
	ck_assert_int_eq(numbering_phone_page_count(NULL), 0);
	ck_assert_int_eq(numbering_phone_page_total_count(NULL), 0);
	numbering_phone_page_free(NULL);
	/* Bad writes change nothing. */
	int64_t bound = matches("\"is_bound_to_application\": true");
	refused(NUMBERING_INVALID_ARGUMENT, "phone_id", "BindPhoneNumberToApplication",
	        "{\"account_id\": 1, \"application_name\": \"beta\", \"phone_id\": \"1;x\"}");
	refused(NUMBERING_INVALID_ARGUMENT, "bind", "BindPhoneNumberToApplication",
	        "{\"account_id\": 1, \"application_name\": \"beta\", \"phone_id\": \"all\", \"bind\": \"yes\"}");
	refused(NUMBERING_INVALID_ARGUMENT, "phone_id", "BindPhoneNumberToApplication",
	        "{\"account_id\": 1, \"application_name\": \"beta\"}");
	refused(NUMBERING_INVALID_ARGUMENT, "application_id", "BindPhoneNumberToApplication",
	        "{\"account_id\": 1, \"phone_id\": \"all\"}");
	ck_assert_int_eq(matches("\"is_bound_to_application\": true"), bound);
	refused(NUMBERING_INVALID_ARGUMENT, "incoming_sms_callback_url", "SetPhoneNumberInfo",
	        "{\"account_id\": 1, \"phone_id\": \"all\", \"incoming_sms_callback_url\": \"ftp://example.com\"}");
	ck_assert_int_eq(matches("\"phone_number\": \"+12085550104\", \"is_bound_to_application\": false"), 1);
	refused(NUMBERING_INVALID_ARGUMENT, "application_id", "GetAccountPhoneNumberCountries",
	        "{\"account_id\": 1, \"application_id\": \"x\"}");
	teardown_store();
}
END_TEST

/* ---- BindPhoneNumberToApplication ---- */

START_TEST(bind_rules)
{
	setup_store(_i);
	char req[512];
	/* The seed: rule_name without application_id or application_name is refused. */
	refused(NUMBERING_INVALID_ARGUMENT, "rule_name", "BindPhoneNumberToApplication",
	        "{\"account_id\": 1, \"rule_name\": \"r1\", \"phone_number\": \"+12085550105\"}");
	/* A rule of another application. */
	snprintf(req, sizeof(req), "{\"account_id\": 1, \"application_id\": %" PRId64 ", \"rule_id\": %" PRId64
	         ", \"phone_number\": \"+12085550105\"}", alpha, r2);
	refused(NUMBERING_INVALID_ARGUMENT, "rule_id", "BindPhoneNumberToApplication", "%s", req);
	refused(NUMBERING_NOT_FOUND, "rule_name", "BindPhoneNumberToApplication",
	        "{\"account_id\": 1, \"application_name\": \"alpha\", \"rule_name\": \"r2\", "
	        "\"phone_number\": \"+12085550105\"}");
	/* Another account's application, another account's number. */
	snprintf(req, sizeof(req), "{\"account_id\": 1, \"application_id\": %" PRId64 ", \"phone_id\": \"all\"}",
	         gamma_app);
	refused(NUMBERING_NOT_FOUND, "application_id", "BindPhoneNumberToApplication", "%s", req);
	refused(NUMBERING_NOT_FOUND, "phone_number", "BindPhoneNumberToApplication",
	        "{\"account_id\": 1, \"application_name\": \"beta\", \"phone_number\": \"+12085550200\"}");
	/* All or nothing: one unknown id, nothing bound. */
	snprintf(req, sizeof(req), "{\"account_id\": 1, \"application_name\": \"beta\", \"phone_id\": [%" PRId64
	         ", 999999]}", phone_id_of(us[5]));
	refused(NUMBERING_NOT_FOUND, "phone_id", "BindPhoneNumberToApplication", "%s", req);
	ck_assert_int_eq(matches("\"application_name\": \"beta\""), 1);
	/* A rule by name, in its application. */
	json_decref(call("BindPhoneNumberToApplication",
	                 "{\"account_id\": 1, \"application_name\": \"alpha\", \"rule_name\": \"r1b\", "
	                 "\"phone_number\": \"+12085550105\"}"));
	ck_assert_int_eq(matches("\"application_name\": \"alpha\", \"rule_name\": \"r1b\""), 1);
	/* Binding to another application drops the old rule. */
	json_decref(call("BindPhoneNumberToApplication",
	                 "{\"account_id\": 1, \"application_name\": \"beta\", \"phone_number\": \"+12085550105\"}"));
	ck_assert_int_eq(matches("\"application_name\": \"alpha\", \"rule_name\": \"r1b\""), 0);
	ck_assert_int_eq(matches("\"application_name\": \"beta\", \"is_bound_to_rule\": false"), 2);
	/* bind false: from a rule only (the application stays), then from the application. */
	snprintf(req, sizeof(req), "{\"account_id\": 1, \"bind\": false, \"rule_id\": %" PRId64 ", \"phone_id\": \"all\"}",
	         r1);
	json_decref(call("BindPhoneNumberToApplication", "%s", req));
	ck_assert_int_eq(matches("\"is_bound_to_rule\": true"), 0);
	ck_assert_int_eq(matches("\"application_name\": \"alpha\""), 3);
	json_decref(call("BindPhoneNumberToApplication",
	                 "{\"account_id\": 1, \"bind\": \"false\", \"application_name\": \"alpha\", \"phone_id\": \"all\"}"));
	ck_assert_int_eq(matches("\"application_name\": \"alpha\""), 0);
	ck_assert_int_eq(matches("\"application_name\": \"beta\""), 2);
	/* 'all' binds every number of the account and no other account's. */
	json_decref(call("BindPhoneNumberToApplication",
	                 "{\"account_id\": 1, \"application_name\": \"beta\", \"rule_name\": \"r2\", \"phone_id\": \"all\"}"));
	ck_assert_int_eq(matches("\"application_name\": \"beta\", \"rule_name\": \"r2\""), TOTAL);
	json_t *r = call("GetPhoneNumbers", "{\"account_id\": 2, \"is_bound_to_application\": true}");
	ck_assert_int_eq(total(r), 0);
	json_decref(r);
	r = call("GetPhoneNumbers", "{\"account_id\": 2}");
	ck_assert_int_eq(total(r), 2);
	json_decref(r);
	/* bind false without an application unbinds everything. */
	json_decref(call("BindPhoneNumberToApplication", "{\"account_id\": 1, \"bind\": false, \"phone_id\": \"all\"}"));
	ck_assert_int_eq(matches("\"is_bound_to_application\": true"), 0);
	teardown_store();
}
END_TEST

/* ---- SetPhoneNumberInfo ---- */

START_TEST(set_info)
{
	setup_store(_i);
	json_decref(call("SetPhoneNumberInfo", "{\"account_id\": 1, \"phone_number\": \"+12085550100;+14165550100\", "
	                                       "\"incoming_sms_callback_url\": \"http://sms.example.com/in\"}"));
	json_t *r = call("GetPhoneNumbers", "{\"account_id\": 1, \"phone_number\": \"+14165550100\"}");
	ck_assert_str_eq(text(json_array_get(items(r), 0), "incoming_sms_callback_url"), "http://sms.example.com/in");
	json_decref(r);
	/* "" clears it, and so does absence. */
	json_decref(call("SetPhoneNumberInfo",
	                 "{\"account_id\": 1, \"phone_number\": \"+14165550100\", \"incoming_sms_callback_url\": \"\"}"));
	json_decref(call("SetPhoneNumberInfo", "{\"account_id\": 1, \"phone_number\": \"+12085550104\"}"));
	r = call("GetPhoneNumbers", "{\"account_id\": 1, \"phone_number\": \"+14165550100;+12085550104;+12085550100\"}");
	int with_url = 0;
	for (size_t i = 0; i < json_array_size(items(r)); i++)
		with_url += json_object_get(json_array_get(items(r), i), "incoming_sms_callback_url") != NULL;
	ck_assert_int_eq(with_url, 1);
	json_decref(r);
	/* The binding is kept beside the URL. */
	ck_assert_int_eq(matches("\"phone_number\": \"+14165550100\", \"application_name\": \"alpha\""), 1);
	refused(NUMBERING_NOT_FOUND, "phone_id", "SetPhoneNumberInfo",
	        "{\"account_id\": 1, \"phone_id\": 999999, \"incoming_sms_callback_url\": \"http://a.example\"}");
	refused(NUMBERING_INVALID_ARGUMENT, "phone_number", "SetPhoneNumberInfo",
	        "{\"account_id\": 1, \"phone_id\": 1, \"phone_number\": \"+12085550100\"}");
	/* 'all': every number of the account. */
	json_decref(call("SetPhoneNumberInfo",
	                 "{\"account_id\": 1, \"phone_id\": \"all\", \"incoming_sms_callback_url\": \"https://x.example\"}"));
	r = call("GetPhoneNumbers", "{\"account_id\": 1}");
	for (size_t i = 0; i < json_array_size(items(r)); i++)
		ck_assert_str_eq(text(json_array_get(items(r), i), "incoming_sms_callback_url"), "https://x.example");
	json_decref(r);
	r = call("GetPhoneNumbers", "{\"account_id\": 2}");
	for (size_t i = 0; i < json_array_size(items(r)); i++)
		ck_assert_ptr_null(json_object_get(json_array_get(items(r), i), "incoming_sms_callback_url"));
	json_decref(r);
	teardown_store();
}
END_TEST

/* ---- GetAccountPhoneNumberCountries ---- */

static void expect_countries(const char *request, const char *expected)
{
	json_t *r = call("GetAccountPhoneNumberCountries", "%s", request);
	char *got = json_dumps(json_object_get(r, "result"), JSON_COMPACT);
	ck_assert_str_eq(got, expected);
	free(got);
	json_decref(r);
}

START_TEST(countries)
{
	setup_store(_i);
	expect_countries("{\"account_id\": 1}", "[\"CA\",\"US\"]");
	char req[256];
	snprintf(req, sizeof(req), "{\"account_id\": 1, \"application_id\": %" PRId64 "}", alpha);
	expect_countries(req, "[\"CA\",\"US\"]");
	snprintf(req, sizeof(req), "{\"account_id\": 1, \"application_id\": \"%" PRId64 "\"}", beta);
	expect_countries(req, "[\"US\"]");
	snprintf(req, sizeof(req), "{\"account_id\": 1, \"application_id\": \"%" PRId64 ";%" PRId64 "\"}", beta, alpha);
	expect_countries(req, "[\"CA\",\"US\"]");
	snprintf(req, sizeof(req), "{\"account_id\": 1, \"application_id\": %" PRId64 "}", gamma_app);
	expect_countries(req, "[]");
	expect_countries("{\"account_id\": 2}", "[\"US\"]");
	expect_countries("{\"account_id\": 77}", "[]");
	char *codes = NULL;
	ck_assert_int_eq(numbering_store_phone_countries(&codes, S, NULL, A1, NULL, 0), NUMBERING_OK);
	ck_assert_str_eq(codes, "CA;US");
	numbering_free(codes);
	teardown_store();
}
END_TEST

/* ---- Child accounts ---- */

START_TEST(child_accounts)
{
	setup_store(_i);
	ck_assert_msg(numbering_store_set_parent_account(S, NULL, A3, A1) == NUMBERING_OK, "%s", numbering_error_message());
	/* A parent sees its children's numbers only when it asks. */
	ck_assert_int_eq(matches(""), TOTAL);
	ck_assert_int_eq(matches("\"child_account_id\": \"all\""), TOTAL + 1);
	ck_assert_int_eq(matches("\"child_account_id\": 3"), TOTAL + 1);
	ck_assert_int_eq(matches("\"child_account_id\": \"3\", \"children_phones_only\": true"), 1);
	ck_assert_int_eq(matches("\"children_phones_only\": true"), 1);
	ck_assert_int_eq(matches("\"children_phones_only\": false"), TOTAL);
	json_t *r = call("GetPhoneNumbers", "{\"account_id\": 1, \"children_phones_only\": true}");
	json_t *it = json_array_get(items(r), 0);
	ck_assert_int_eq(integer(it, "account_id"), 3);
	ck_assert_str_eq(text(it, "phone_number"), "+12085550300");
	json_decref(r);
	/* Not a child: refused, naming the parameter. */
	refused(NUMBERING_INVALID_ARGUMENT, "child_account_id", "GetPhoneNumbers",
	        "{\"account_id\": 1, \"child_account_id\": \"2;3\"}");
	/* A child never sees its parent's numbers. */
	r = call("GetPhoneNumbers", "{\"account_id\": 3, \"child_account_id\": \"all\"}");
	ck_assert_int_eq(total(r), 1);
	json_decref(r);
	refused(NUMBERING_INVALID_ARGUMENT, "child_account_id", "GetPhoneNumbers",
	        "{\"account_id\": 3, \"child_account_id\": 1}");
	/* The children's numbers go through every filter and order. */
	ck_assert_int_eq(matches("\"child_account_id\": \"all\", \"phone_template\": \"12085550300\""), 1);
	check_orders(S, "1, \"child_account_id\": \"all\"");
	teardown_store();
}
END_TEST

/* ---- Many numbers: the joins by list walks ---- */

#define MANY 130

static const char *many_category(int i)
{
	return i % 3 == 0 ? "MOBILE" : "GEOGRAPHIC";
}

/* The ids of @r's items, as text, for comparing two answers. */
static void ids_of(json_t *r, char *out, size_t size)
{
	size_t n = 0;
	out[0] = '\0';
	for (size_t i = 0; i < json_array_size(items(r)) && n + 24 < size; i++)
		n += (size_t)snprintf(out + n, size - n, "%" PRId64 ",", integer(json_array_get(items(r), i), "phone_id"));
}

START_TEST(many_numbers)
{
	setup_store(_i);
	char number[24], name[64];
	for (int i = 0; i < MANY; i++) {
		snprintf(number, sizeof(number), "+1208555%04d", 2000 + i);
		snprintf(name, sizeof(name), "R%d", i % 4);
		import(number, "US", many_category(i), name, "ID", 100 + (i * 37) % 500);
	}
	top_up(S, A1, "USD", 10000000);
	for (int i = 0; i < MANY; i++) {
		snprintf(number, sizeof(number), "+1208555%04d", 2000 + i);
		char *instance = rent(A1, number);
		if (i % 7 == 0) {
			char sub[256];
			snprintf(sub, sizeof(sub), A1 "/subscriptions/%s", strrchr(instance, '/') + 1);
			ck_assert_int_eq(numbering_store_set_subscription_auto_charge(NULL, S, NULL, sub, 0), NUMBERING_OK);
		}
		if (i % 5 == 0)
			json_decref(call("BindPhoneNumberToApplication",
			                 "{\"account_id\": 1, \"application_name\": \"alpha\", \"phone_number\": \"%s\"%s}", number,
			                 i % 10 == 0 ? ", \"rule_name\": \"r1\"" : ""));
		free(instance);
	}
	/* The reference: every number as the page loads it, whole. */
	json_t *all = call("GetPhoneNumbers", "{\"account_id\": 1, \"count\": 1000}");
	size_t n = json_array_size(items(all));
	ck_assert_int_eq(n, TOTAL + MANY);
	struct ref *refs = calloc(n, sizeof(*refs));
	size_t want = 0, bound = 0, r1_unbound = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *it = json_array_get(items(all), i);
		int match = strcmp(text(it, "phone_country_code"), "US") == 0 &&
		            strcmp(text(it, "phone_category_name"), "GEOGRAPHIC") == 0 && flag(it, "auto_charge");
		bound += json_object_get(it, "application_id") != NULL;
		r1_unbound += json_object_get(it, "rule_id") == NULL && strcmp(text(it, "phone_region_name"), "R1") == 0;
		if (!match)
			continue;
		refs[want].id = integer(it, "phone_id");
		refs[want].price = price_minor(text(it, "phone_price"));
		want++;
	}
	order = 2;
	qsort(refs, want, sizeof(*refs), ref_cmp);
	const char *filters = "\"country_code\": \"US\", \"phone_category_name\": \"GEOGRAPHIC\", \"auto_charge\": true, "
	                      "\"order_by\": \"phone_price\", \"count\": 1000";
	json_t *r = call("GetPhoneNumbers", "{\"account_id\": 1, %s}", filters);
	ck_assert_int_eq(total(r), want);
	for (size_t i = 0; i < want; i++)
		ck_assert_int_eq(integer(json_array_get(items(r), i), "phone_id"), refs[i].id);
	/* The same through look-ups (a template narrows the candidates): the same answer. */
	json_t *g = call("GetPhoneNumbers", "{\"account_id\": 1, \"phone_template\": \"1\", %s}", filters);
	char a[8192], b[8192];
	ids_of(r, a, sizeof(a));
	ids_of(g, b, sizeof(b));
	ck_assert_str_eq(a, b);
	json_decref(g);
	json_decref(r);
	/* A page of it: the bounded heap's cut, from an offset. */
	r = call("GetPhoneNumbers", "{\"account_id\": 1, \"country_code\": \"US\", \"phone_category_name\": \"GEOGRAPHIC\", "
	                            "\"auto_charge\": true, \"order_by\": \"phone_price\", \"count\": 7, \"offset\": 11}");
	ck_assert_int_eq(total(r), want);
	for (size_t i = 0; i < 7; i++)
		ck_assert_int_eq(integer(json_array_get(items(r), i), "phone_id"), refs[11 + i].id);
	json_decref(r);
	ck_assert_int_eq(matches("\"is_bound_to_application\": true"), bound);
	ck_assert_int_eq(matches("\"is_bound_to_rule\": false, \"phone_region_name\": \"R1\""), r1_unbound);
	ck_assert_int_eq(matches("\"application_name\": \"alpha\""), bound - 1); /* US2 is beta's */
	check_orders(S, "1");
	free(refs);
	json_decref(all);
	teardown_store();
}
END_TEST

/*
 * Every verification_status the seed names (REQUIRED, IN_PROGRESS, VERIFIED), as
 * AttachPhoneNumber and the host's VerifyPhoneNumber make them: three numbers needing
 * documents attached to account 1, one left REQUIRED, one IN_PROGRESS (verification
 * name "passport"), one VERIFIED; the other nine have none.
 */
START_TEST(verification_statuses)
{
	setup_store(_i);
	static const char *const docs[3] = {"+12085550700", "+12085550701", "+12085550702"};
	for (int i = 0; i < 3; i++) {
		numbering_available_number *n = NULL;
		ck_assert_int_eq(numbering_available_number_new(&n), NUMBERING_OK);
		ck_assert_int_eq(numbering_available_number_set_numbers(n, docs[i], NULL), NUMBERING_OK);
		ck_assert_int_eq(numbering_available_number_set_region_code(n, "US"), NUMBERING_OK);
		ck_assert_int_eq(numbering_available_number_set_type(n, NUMBERING_NUMBER_TYPE_LOCAL), NUMBERING_OK);
		ck_assert_int_eq(numbering_available_number_set_int(n, "supportingDocumentationRequired", 1), NUMBERING_OK);
		ck_assert_int_eq(numbering_available_number_set_text(n, "categoryName", "GEOGRAPHIC"), NUMBERING_OK);
		ck_assert_int_eq(numbering_available_number_set_int(n, "regionId", 7), NUMBERING_OK);
		ck_assert_int_eq(numbering_available_number_set_text(n, "regionName", "Nampa"), NUMBERING_OK);
		ck_assert_int_eq(numbering_available_number_set_money(n, "monthlyPrice", "USD", 100), NUMBERING_OK);
		const numbering_available_number *items[1] = {n};
		ck_assert_msg(numbering_store_import_available(NULL, S, NULL, items, 1) == NUMBERING_OK, "%s",
		              numbering_error_message());
		numbering_available_number_free(n);
	}
	json_decref(call("AttachPhoneNumber", "{\"account_id\": 1, \"country_code\": \"US\", \"phone_category_name\": "
	                                      "\"GEOGRAPHIC\", \"phone_region_id\": 7, \"phone_count\": 3}"));
	json_decref(call("VerifyPhoneNumber", "{\"account_id\": 1, \"phone_number\": \"%s\", \"verification_status\": "
	                                      "\"IN_PROGRESS\", \"verification_name\": \"passport\"}",
	                 docs[1]));
	json_decref(call("VerifyPhoneNumber",
	                 "{\"account_id\": 1, \"phone_number\": \"%s\", \"verification_status\": \"VERIFIED\"}", docs[2]));
	/* Each status alone, and together, as a list or a string. */
	ck_assert_int_eq(matches("\"verification_status\": \"REQUIRED\""), 1);
	ck_assert_int_eq(matches("\"verification_status\": \"IN_PROGRESS\""), 1);
	ck_assert_int_eq(matches("\"verification_status\": \"VERIFIED\""), 1);
	ck_assert_int_eq(matches("\"verification_status\": \"REQUIRED;VERIFIED\""), 2);
	ck_assert_int_eq(matches("\"verification_status\": [\"IN_PROGRESS\", \"VERIFIED\"]"), 2);
	ck_assert_int_eq(matches("\"verification_status\": \"REQUIRED;IN_PROGRESS;VERIFIED\""), 3);
	ck_assert_int_eq(matches(""), TOTAL + 3);
	/* What goes with them: can_be_used, the hold, the name. */
	ck_assert_int_eq(matches("\"can_be_used\": false"), 2);
	ck_assert_int_eq(matches("\"can_be_used\": true"), TOTAL + 1);
	ck_assert_int_eq(matches("\"can_be_used\": true, \"verification_status\": \"VERIFIED\""), 1);
	ck_assert_int_eq(matches("\"can_be_used\": false, \"verification_status\": \"VERIFIED\""), 0);
	ck_assert_int_eq(matches("\"verification_name\": \"passport\""), 1);
	ck_assert_int_eq(matches("\"verification_name\": \"passport\", \"verification_status\": \"REQUIRED\""), 0);
	ck_assert_int_eq(matches("\"from_unverified_hold_until\": \"2000-01-01\""), 2);
	ck_assert_int_eq(matches("\"from_unverified_hold_until\": \"2000-01-01\", \"verification_status\": "
	                         "\"IN_PROGRESS\""),
	                 1);
	ck_assert_int_eq(matches("\"to_unverified_hold_until\": \"2000-01-01\""), 0);
	ck_assert_int_eq(matches("\"is_bound_to_application\": false, \"verification_status\": \"REQUIRED\""), 1);
	/* Each item as the seed shows it. */
	static const char *const want[3] = {"REQUIRED", "IN_PROGRESS", "VERIFIED"};
	for (int i = 0; i < 3; i++) {
		json_t *r = call("GetPhoneNumbers", "{\"account_id\": 1, \"phone_number\": \"%s\"}", docs[i]);
		ck_assert_int_eq(json_array_size(items(r)), 1);
		json_t *it = json_array_get(items(r), 0);
		ck_assert_str_eq(text(it, "verification_status"), want[i]);
		ck_assert_int_eq(flag(it, "can_be_used"), i == 2);
		ck_assert_int_eq(json_object_get(it, "unverified_hold_until") != NULL, i < 2);
		if (i < 2)
			ck_assert_int_eq(strlen(text(it, "unverified_hold_until")), 10);
		ck_assert_str_eq(text(it, "verification_name"), i == 1 ? "passport" : "");
		json_decref(r);
	}
	/* order_by verification_status: none first, then REQUIRED, IN_PROGRESS, VERIFIED. */
	json_t *r = call("GetPhoneNumbers", "{\"account_id\": 1, \"order_by\": \"verification_status\"}");
	ck_assert_int_eq(json_array_size(items(r)), TOTAL + 3);
	for (size_t i = 0; i < TOTAL; i++)
		ck_assert_ptr_null(json_object_get(json_array_get(items(r), i), "verification_status"));
	for (int i = 0; i < 3; i++)
		ck_assert_str_eq(text(json_array_get(items(r), TOTAL + (size_t)i), "verification_status"), want[i]);
	json_decref(r);
	/* The C API's bit set: REQUIRED | VERIFIED. */
	numbering_phone_query q = NUMBERING_PHONE_QUERY_INIT;
	q.verification_statuses = (1u << NUMBERING_VERIFICATION_REQUIRED) | (1u << NUMBERING_VERIFICATION_VERIFIED);
	numbering_phone_page *page = NULL;
	ck_assert_msg(numbering_store_list_phones(&page, S, NULL, A1, &q) == NUMBERING_OK, "%s", numbering_error_message());
	ck_assert_int_eq(numbering_phone_page_total_count(page), 2);
	ck_assert_int_eq(numbering_phone_page_item(page, 0)->verification_status, NUMBERING_VERIFICATION_REQUIRED);
	ck_assert_int_eq(numbering_phone_page_item(page, 1)->verification_status, NUMBERING_VERIFICATION_VERIFIED);
	numbering_phone_page_free(page);
	teardown_store();
}
END_TEST

Suite *vox_numbers_suite(void)
{
	Suite *s = suite_create("vox_numbers");
	TCase *tc = tcase_create("vox_numbers");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, defaults_and_fields, 0, 2);
	tcase_add_loop_test(tc, each_filter, 0, 2);
	tcase_add_loop_test(tc, count_and_offset, 0, 2);
	tcase_add_loop_test(tc, each_order, 0, 2);
	tcase_add_loop_test(tc, bad_input, 0, 2);
	tcase_add_loop_test(tc, bind_rules, 0, 2);
	tcase_add_loop_test(tc, set_info, 0, 2);
	tcase_add_loop_test(tc, countries, 0, 2);
	tcase_add_loop_test(tc, child_accounts, 0, 2);
	tcase_add_loop_test(tc, many_numbers, 0, 2);
	tcase_add_loop_test(tc, verification_statuses, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}
