/*
 * Voximplant's catalogue (numbering/catalogue.h, lib/json/vox-catalogue.c):
 * GetPhoneNumberCategories, GetPhoneNumberCountryStates, GetPhoneNumberRegions,
 * GetActualPhoneNumberRegion and GetNewPhoneNumbers through the JSON entry point, on a
 * memory store and a file store, with every parameter and default; the sandbox
 * attribute carried into the ACTIVE record; bad input INVALID_ARGUMENT naming the
 * parameter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <numbering/numbering.h>
#include <numbering/sys/backend.h>
#include <numbering/sys/record.h>

#include "json-call.h"
#include "model/kinds.h"
#include "record-damage.h"
#include "store-fixture.h"
#include "suites.h"
#include "top-up.h"

static numbering_store *store;
static char path[256];
static char *response;
static json_t *parsed;

/* US: GEOGRAPHIC numbers in two states (CA, NY) and three regions, one of them sandbox;
 * MOBILE numbers without a state; GB: GEOGRAPHIC, no state. */
static const char stock[] =
	"{\"availableNumbers\":["
	"{\"phoneNumber\":\"+12135550100-04\",\"type\":\"LOCAL\",\"categoryName\":\"GEOGRAPHIC\",\"region\":\"CA\","
	"\"regionId\":10,\"regionName\":\"Los Angeles\",\"paymentIntervalMonths\":1,"
	"\"setupPrice\":{\"currencyCode\":\"USD\",\"amount\":\"1.00\"},"
	"\"monthlyPrice\":{\"currencyCode\":\"USD\",\"amount\":\"2.50\"}},"
	"{\"phoneNumber\":\"+12135559900\",\"type\":\"LOCAL\",\"categoryName\":\"GEOGRAPHIC\",\"region\":\"CA\","
	"\"regionId\":10,\"regionName\":\"Los Angeles\","
	"\"setupPrice\":{\"currencyCode\":\"USD\",\"amount\":\"1.00\"},"
	"\"monthlyPrice\":{\"currencyCode\":\"USD\",\"amount\":\"2.50\"}},"
	"{\"phoneNumber\":\"+14155550100-01\",\"type\":\"LOCAL\",\"categoryName\":\"GEOGRAPHIC\",\"region\":\"CA\","
	"\"regionId\":11,\"regionName\":\"San Francisco\",\"sandbox\":true,"
	"\"monthlyPrice\":{\"currencyCode\":\"USD\",\"amount\":\"3.00\"}},"
	"{\"phoneNumber\":\"+12125550100-02\",\"type\":\"LOCAL\",\"categoryName\":\"GEOGRAPHIC\",\"region\":\"NY\","
	"\"regionId\":20,\"regionName\":\"New York\",\"supportingDocumentationRequired\":true,"
	"\"paymentIntervalMonths\":3,\"monthlyPrice\":{\"currencyCode\":\"USD\",\"amount\":\"4.00\"}},"
	"{\"phoneNumber\":\"+12015550100\",\"type\":\"MOBILE\",\"categoryName\":\"MOBILE\","
	"\"regionId\":30,\"regionName\":\"Nationwide\",\"monthlyPrice\":{\"currencyCode\":\"USD\",\"amount\":\"5.00\"}},"
	"{\"phoneNumber\":\"+442079460100-01\",\"type\":\"LOCAL\",\"categoryName\":\"GEOGRAPHIC\","
	"\"regionId\":40,\"regionName\":\"London\",\"monthlyPrice\":{\"currencyCode\":\"GBP\",\"amount\":\"1.00\"}}"
	"]}";

static void open_memory(void)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	path[0] = '\0';
}

static void open_file(void)
{
	fixture_temp_store_path(path, sizeof(path), "vox-catalogue");
	store = fixture_open_file(path);
}

static void close_store(void)
{
	json_call_forget(&response, &parsed);
	numbering_store_close(store);
	store = NULL;
	if (path[0] != '\0')
		unlink(path);
}

static int call(const char *method, const char *request)
{
	return json_call_keep(&response, &parsed, store, method, request);
}

static json_t *call_ok(const char *method, const char *request)
{
	int rc = call(method, request);
	ck_assert_msg(rc == NUMBERING_OK, "%s %s failed: %s", method, request, response);
	return parsed;
}

/* The call fails with INVALID_ARGUMENT (or @code) naming @field. */
static void expect_error(const char *method, const char *request, int code, const char *field, const char *needle)
{
	int rc = call(method, request);
	ck_assert_msg(rc == code, "%s %s: want %s, got %s: %s", method, request, numbering_status_name(code),
	              numbering_status_name(rc), response);
	json_t *error = json_object_get(parsed, "error");
	ck_assert_ptr_nonnull(error);
	if (needle != NULL)
		ck_assert_msg(strstr(json_string_value(json_object_get(error, "message")), needle) != NULL,
		              "%s: message lacks \"%s\": %s", request, needle, response);
	if (field == NULL)
		return;
	ck_assert_msg(json_error_names_field(parsed, field), "no violation names %s: %s", field, response);
}

static void import_stock(void)
{
	call_ok("ImportAvailableNumbers", stock);
}

/* The compact JSON of parsed's "result" (sorted keys). */
static char *result_text(void)
{
	return json_dumps(json_object_get(parsed, "result"), JSON_COMPACT | JSON_SORT_KEYS);
}

static void expect_result(const char *want)
{
	char *got = result_text();
	ck_assert_msg(strcmp(got, want) == 0, "result\n got  %s\n want %s", got, want);
	free(got);
}

/* ---- GetPhoneNumberCategories ---- */

static void categories(void)
{
	import_stock();
	call_ok("GetPhoneNumberCategories", "{\"account_id\":1}");
	expect_result("[{\"can_list_phone_numbers\":true,\"country_code\":\"GB\",\"localized_country_name\":\"United "
	              "Kingdom\",\"phone_categories\":[{\"country_has_states\":false,\"phone_category_name\":"
	              "\"GEOGRAPHIC\"}],\"phone_prefix\":\"44\"},{\"can_list_phone_numbers\":true,\"country_code\":\"US\","
	              "\"localized_country_name\":\"United States\",\"phone_categories\":[{\"country_has_states\":true,"
	              "\"phone_category_name\":\"GEOGRAPHIC\"},{\"country_has_states\":false,\"phone_category_name\":"
	              "\"MOBILE\"}],\"phone_prefix\":\"1\"}]");
	/* country_code as a list, both forms; a country without stock gives nothing. */
	call_ok("GetPhoneNumberCategories", "{\"account_id\":\"1\",\"country_code\":\"GB;DE\"}");
	ck_assert_uint_eq(json_array_size(json_object_get(parsed, "result")), 1);
	call_ok("GetPhoneNumberCategories", "{\"account_id\":1,\"country_code\":[\"US\"]}");
	ck_assert_uint_eq(json_array_size(json_object_get(parsed, "result")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(parsed, "result"), 0),
	                                                   "country_code")),
	                 "US");
	/* sandbox: true selects the San Francisco numbers only; false leaves them out. */
	call_ok("GetPhoneNumberCategories", "{\"account_id\":1,\"sandbox\":\"true\"}");
	expect_result("[{\"can_list_phone_numbers\":true,\"country_code\":\"US\",\"localized_country_name\":\"United "
	              "States\",\"phone_categories\":[{\"country_has_states\":true,\"phone_category_name\":"
	              "\"GEOGRAPHIC\"}],\"phone_prefix\":\"1\"}]");
	call_ok("GetPhoneNumberCategories", "{\"account_id\":1,\"sandbox\":\"false\",\"country_code\":\"US\"}");
	ck_assert_uint_eq(json_array_size(json_object_get(json_array_get(json_object_get(parsed, "result"), 0),
	                                                  "phone_categories")),
	                  2);
	call_ok("GetPhoneNumberCategories", "{\"account_id\":1,\"sandbox\":\"all\",\"country_code\":\"US\"}");
	ck_assert_uint_eq(json_array_size(json_object_get(parsed, "result")), 1);
	/* locale RU: iso-codes' Russian names. */
	call_ok("GetPhoneNumberCategories", "{\"account_id\":1,\"locale\":\"RU\",\"country_code\":\"US;GB\"}");
	json_t *result = json_object_get(parsed, "result");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(result, 0), "localized_country_name")),
	                 "\xd0\xa1\xd0\xbe\xd0\xb5\xd0\xb4\xd0\xb8\xd0\xbd\xd1\x91\xd0\xbd\xd0\xbd\xd0\xbe\xd0\xb5 "
	                 "\xd0\x9a\xd0\xbe\xd1\x80\xd0\xbe\xd0\xbb\xd0\xb5\xd0\xb2\xd1\x81\xd1\x82\xd0\xb2\xd0\xbe");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(result, 1), "localized_country_name")),
	                 "\xd0\xa1\xd0\xbe\xd0\xb5\xd0\xb4\xd0\xb8\xd0\xbd\xd1\x91\xd0\xbd\xd0\xbd\xd1\x8b\xd0\xb5 "
	                 "\xd1\x88\xd1\x82\xd0\xb0\xd1\x82\xd1\x8b");
	/* Bad input names the parameter. */
	expect_error("GetPhoneNumberCategories", "{}", NUMBERING_INVALID_ARGUMENT, "account_id", "account_id is required");
	expect_error("GetPhoneNumberCategories", "{\"account_id\":1,\"sandbox\":\"maybe\"}", NUMBERING_INVALID_ARGUMENT,
	             "sandbox", "\"maybe\"");
	expect_error("GetPhoneNumberCategories", "{\"account_id\":1,\"locale\":\"DE\"}", NUMBERING_INVALID_ARGUMENT,
	             "locale", "\"DE\"");
	expect_error("GetPhoneNumberCategories", "{\"account_id\":1,\"country_code\":\"US;;GB\"}",
	             NUMBERING_INVALID_ARGUMENT, "country_code", "empty item");
	expect_error("GetPhoneNumberCategories", "{\"account_id\":1,\"country_code\":\"us\"}", NUMBERING_INVALID_ARGUMENT,
	             "country_code", "\"us\"");
	expect_error("GetPhoneNumberCategories", "{\"account_id\":1,\"countryCode\":\"US\"}", NUMBERING_INVALID_ARGUMENT,
	             "countryCode", "unknown parameter");
}

START_TEST(categories_memory)
{
	open_memory();
	categories();
	close_store();
}
END_TEST

START_TEST(categories_file)
{
	open_file();
	categories();
	close_store();
}
END_TEST

/* ---- GetPhoneNumberCountryStates ---- */

static void states(void)
{
	import_stock();
	call_ok("GetPhoneNumberCountryStates",
	        "{\"account_id\":1,\"country_code\":\"US\",\"phone_category_name\":\"GEOGRAPHIC\"}");
	expect_result("[{\"country_state\":\"CA\",\"country_state_name\":\"California\"},{\"country_state\":\"NY\","
	              "\"country_state_name\":\"New York\"}]");
	call_ok("GetPhoneNumberCountryStates",
	        "{\"account_id\":1,\"country_code\":\"US\",\"phone_category_name\":\"GEOGRAPHIC\",\"country_state\":\"NY\"}");
	expect_result("[{\"country_state\":\"NY\",\"country_state_name\":\"New York\"}]");
	call_ok("GetPhoneNumberCountryStates", "{\"account_id\":1,\"country_code\":\"US\",\"phone_category_name\":\"MOBILE\"}");
	expect_result("[]");
	expect_error("GetPhoneNumberCountryStates", "{\"account_id\":1,\"phone_category_name\":\"MOBILE\"}",
	             NUMBERING_INVALID_ARGUMENT, "country_code", "country_code is required");
	expect_error("GetPhoneNumberCountryStates", "{\"account_id\":1,\"country_code\":\"US\"}", NUMBERING_INVALID_ARGUMENT,
	             "phone_category_name", "is required");
	expect_error("GetPhoneNumberCountryStates",
	             "{\"account_id\":1,\"country_code\":\"USA\",\"phone_category_name\":\"MOBILE\"}",
	             NUMBERING_INVALID_ARGUMENT, "country_code", "\"USA\"");
	expect_error("GetPhoneNumberCountryStates",
	             "{\"account_id\":1,\"country_code\":\"US\",\"phone_category_name\":7}", NUMBERING_INVALID_ARGUMENT,
	             "phone_category_name", "must be a string");
}

START_TEST(states_memory)
{
	open_memory();
	states();
	close_store();
}
END_TEST

START_TEST(states_file)
{
	open_file();
	states();
	close_store();
}
END_TEST

/* ---- GetPhoneNumberRegions, GetActualPhoneNumberRegion ---- */

#define LA_REGION                                                                                                     \
	"{\"country_state\":\"CA\",\"is_need_regulation_address\":false,\"local_currency\":\"USD\",\"localized_country_" \
	"name\":\"United States\",\"phone_category_name\":\"GEOGRAPHIC\",\"phone_count\":6,\"phone_installation_"     \
	"price\":\"1.00\",\"phone_period\":\"0-1-0 0:0:0\",\"phone_price\":\"2.50\",\"phone_region_code\":\"213555\","  \
	"\"phone_region_id\":10,\"phone_region_name\":\"Los Angeles\"}"
#define SF_REGION                                                                                                     \
	"{\"country_state\":\"CA\",\"is_need_regulation_address\":false,\"local_currency\":\"USD\",\"localized_country_" \
	"name\":\"United States\",\"phone_category_name\":\"GEOGRAPHIC\",\"phone_count\":2,\"phone_installation_"     \
	"price\":null,\"phone_period\":\"0-1-0 0:0:0\",\"phone_price\":\"3.00\",\"phone_region_code\":\"415555010\","    \
	"\"phone_region_id\":11,\"phone_region_name\":\"San Francisco\"}"
#define NY_REGION                                                                                                     \
	"{\"country_state\":\"NY\",\"is_need_regulation_address\":true,\"local_currency\":\"USD\",\"localized_country_"  \
	"name\":\"United States\",\"phone_category_name\":\"GEOGRAPHIC\",\"phone_count\":3,\"phone_installation_"     \
	"price\":null,\"phone_period\":\"0-3-0 0:0:0\",\"phone_price\":\"4.00\",\"phone_region_code\":\"212555010\","    \
	"\"phone_region_id\":20,\"phone_region_name\":\"New York\"}"

#define US_GEO "\"account_id\":1,\"country_code\":\"US\",\"phone_category_name\":\"GEOGRAPHIC\""

static void regions(void)
{
	import_stock();
	call_ok("GetPhoneNumberRegions", "{" US_GEO "}");
	expect_result("[" LA_REGION "," SF_REGION "," NY_REGION "]");
	call_ok("GetPhoneNumberRegions", "{" US_GEO ",\"country_state\":\"NY\"}");
	expect_result("[" NY_REGION "]");
	call_ok("GetPhoneNumberRegions", "{" US_GEO ",\"phone_region_id\":\"11\"}");
	expect_result("[" SF_REGION "]");
	call_ok("GetPhoneNumberRegions", "{" US_GEO ",\"phone_region_name\":\"New York\"}");
	expect_result("[" NY_REGION "]");
	/* phone_region_code is a prefix of the region's. */
	call_ok("GetPhoneNumberRegions", "{" US_GEO ",\"phone_region_code\":\"21\"}");
	expect_result("[" LA_REGION "," NY_REGION "]");
	call_ok("GetPhoneNumberRegions", "{" US_GEO ",\"phone_region_code\":\"2125\"}");
	expect_result("[" NY_REGION "]");
	call_ok("GetPhoneNumberRegions", "{" US_GEO ",\"phone_region_code\":\"9\"}");
	expect_result("[]");
	/* Other countries and categories. */
	call_ok("GetPhoneNumberRegions", "{\"account_id\":1,\"country_code\":\"GB\",\"phone_category_name\":\"GEOGRAPHIC\","
	                                 "\"locale\":\"en\"}");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(parsed, "result"), 0),
	                                                   "phone_region_code")),
	                 "207946010");
	call_ok("GetPhoneNumberRegions", "{\"account_id\":1,\"country_code\":\"US\",\"phone_category_name\":\"TOLLFREE\"}");
	expect_result("[]");

	/* omit_empty: reserving every New York number empties it; the default (true) hides
	 * it, false lists it with phone_count 0. */
	call_ok("ReserveAvailableNumbers", "{\"parent\":\"projects/1\",\"phoneNumbers\":[\"+12125550100\",\"+12125550101\","
	                                   "\"+12125550102\"],\"ttl\":\"900s\"}");
	call_ok("GetPhoneNumberRegions", "{" US_GEO "}");
	expect_result("[" LA_REGION "," SF_REGION "]");
	call_ok("GetPhoneNumberRegions", "{" US_GEO ",\"omit_empty\":\"true\"}");
	expect_result("[" LA_REGION "," SF_REGION "]");
	call_ok("GetPhoneNumberRegions", "{" US_GEO ",\"omit_empty\":false,\"country_state\":\"NY\"}");
	ck_assert_uint_eq(json_array_size(json_object_get(parsed, "result")), 1);
	json_t *ny = json_array_get(json_object_get(parsed, "result"), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(ny, "phone_count")), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(ny, "phone_region_id")), 20);
	call_ok("GetPhoneNumberRegions", "{" US_GEO ",\"omit_empty\":\"false\"}");
	ck_assert_uint_eq(json_array_size(json_object_get(parsed, "result")), 3);

	/* GetActualPhoneNumberRegion: the one region, even without stock. */
	call_ok("GetActualPhoneNumberRegion", "{" US_GEO ",\"phone_region_id\":10}");
	expect_result(LA_REGION);
	call_ok("GetActualPhoneNumberRegion", "{" US_GEO ",\"phone_region_id\":20,\"country_state\":\"NY\"}");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(parsed, "result"), "phone_count")), 0);
	call_ok("GetActualPhoneNumberRegion", "{" US_GEO ",\"phone_region_id\":10,\"locale\":\"RU\"}");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(parsed, "result"), "localized_country_name")),
	                 "\xd0\xa1\xd0\xbe\xd0\xb5\xd0\xb4\xd0\xb8\xd0\xbd\xd1\x91\xd0\xbd\xd0\xbd\xd1\x8b\xd0\xb5 "
	                 "\xd1\x88\xd1\x82\xd0\xb0\xd1\x82\xd1\x8b");
	expect_error("GetActualPhoneNumberRegion", "{" US_GEO ",\"phone_region_id\":99}", NUMBERING_NOT_FOUND,
	             "phone_region_id", "no region 99");
	expect_error("GetActualPhoneNumberRegion", "{" US_GEO "}", NUMBERING_INVALID_ARGUMENT, "phone_region_id",
	             "is required");
	expect_error("GetActualPhoneNumberRegion", "{" US_GEO ",\"phone_region_id\":10,\"omit_empty\":true}",
	             NUMBERING_INVALID_ARGUMENT, "omit_empty", "unknown parameter");

	/* Bad input. */
	expect_error("GetPhoneNumberRegions", "{" US_GEO ",\"omit_empty\":\"no\"}", NUMBERING_INVALID_ARGUMENT,
	             "omit_empty", "\"no\"");
	expect_error("GetPhoneNumberRegions", "{" US_GEO ",\"phone_region_id\":\"1;2\"}", NUMBERING_INVALID_ARGUMENT,
	             "phone_region_id", "\"1;2\"");
	expect_error("GetPhoneNumberRegions", "{" US_GEO ",\"phone_region_id\":0}", NUMBERING_INVALID_ARGUMENT,
	             "phone_region_id", "out of range");
	expect_error("GetPhoneNumberRegions", "{" US_GEO ",\"phone_region_code\":\"21x\"}", NUMBERING_INVALID_ARGUMENT,
	             "phone_region_code", "\"21x\"");
	expect_error("GetPhoneNumberRegions", "{" US_GEO ",\"phone_region_name\":\"\"}", NUMBERING_INVALID_ARGUMENT,
	             "phone_region_name", NULL);
	expect_error("GetPhoneNumberRegions", "{" US_GEO ",\"locale\":\"FR\"}", NUMBERING_INVALID_ARGUMENT, "locale", NULL);
	expect_error("GetPhoneNumberRegions", "{\"account_id\":1,\"country_code\":\"US\"}", NUMBERING_INVALID_ARGUMENT,
	             "phone_category_name", NULL);
	expect_error("GetPhoneNumberRegions", "{" US_GEO ",\"country_state\":\"C\\u0000A\"}", NUMBERING_INVALID_ARGUMENT,
	             "country_state", "NUL");
}

START_TEST(regions_memory)
{
	open_memory();
	regions();
	close_store();
}
END_TEST

START_TEST(regions_file)
{
	open_file();
	regions();
	close_store();
}
END_TEST

/* ---- GetNewPhoneNumbers ---- */

static void new_numbers(void)
{
	import_stock();
	/* Defaults: count 20, offset 0; the LA region's six numbers in number order. */
	call_ok("GetNewPhoneNumbers", "{" US_GEO ",\"phone_region_id\":10}");
	ck_assert_int_eq(json_integer_value(json_object_get(parsed, "count")), 6);
	ck_assert_int_eq(json_integer_value(json_object_get(parsed, "total_count")), 6);
	json_t *first = json_array_get(json_object_get(parsed, "result"), 0);
	char *text = json_dumps(first, JSON_COMPACT | JSON_SORT_KEYS);
	ck_assert_str_eq(text, "{\"phone_installation_price\":\"1.00\",\"phone_number\":\"+12135550100\",\"phone_period\":"
	                       "\"0-1-0 0:0:0\",\"phone_price\":\"2.50\"}");
	free(text);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(parsed, "result"), 5),
	                                                   "phone_number")),
	                 "+12135559900");
	/* count and offset page through; total_count counts every match. */
	call_ok("GetNewPhoneNumbers", "{" US_GEO ",\"phone_region_id\":10,\"count\":2,\"offset\":\"3\"}");
	ck_assert_int_eq(json_integer_value(json_object_get(parsed, "count")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(parsed, "total_count")), 6);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(parsed, "result"), 0),
	                                                   "phone_number")),
	                 "+12135550103");
	call_ok("GetNewPhoneNumbers", "{" US_GEO ",\"phone_region_id\":10,\"offset\":6}");
	ck_assert_int_eq(json_integer_value(json_object_get(parsed, "count")), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(parsed, "total_count")), 6);
	call_ok("GetNewPhoneNumbers", "{" US_GEO ",\"phone_region_id\":10,\"count\":0}");
	ck_assert_int_eq(json_integer_value(json_object_get(parsed, "count")), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(parsed, "total_count")), 6);
	/* country_state narrows; a reserved number is not new. */
	call_ok("GetNewPhoneNumbers", "{" US_GEO ",\"phone_region_id\":10,\"country_state\":\"NY\"}");
	ck_assert_int_eq(json_integer_value(json_object_get(parsed, "total_count")), 0);
	call_ok("ReserveAvailableNumbers", "{\"parent\":\"projects/1\",\"phoneNumbers\":[\"+12135550101\"],\"ttl\":\"900s\"}");
	call_ok("GetNewPhoneNumbers", "{" US_GEO ",\"phone_region_id\":10,\"country_state\":\"CA\"}");
	ck_assert_int_eq(json_integer_value(json_object_get(parsed, "total_count")), 5);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(parsed, "result"), 1),
	                                                   "phone_number")),
	                 "+12135550102");
	/* Bad input. */
	expect_error("GetNewPhoneNumbers", "{" US_GEO ",\"phone_region_id\":10,\"count\":1001}", NUMBERING_INVALID_ARGUMENT,
	             "count", "\"1001\" is out of range (0 to 1000)");
	expect_error("GetNewPhoneNumbers", "{" US_GEO ",\"phone_region_id\":10,\"count\":-1}", NUMBERING_INVALID_ARGUMENT,
	             "count", NULL);
	expect_error("GetNewPhoneNumbers", "{" US_GEO ",\"phone_region_id\":10,\"offset\":\"x\"}",
	             NUMBERING_INVALID_ARGUMENT, "offset", "\"x\"");
	expect_error("GetNewPhoneNumbers", "{" US_GEO "}", NUMBERING_INVALID_ARGUMENT, "phone_region_id", "is required");
	expect_error("GetNewPhoneNumbers", "{" US_GEO ",\"phone_region_id\":10,\"sandbox\":\"all\"}",
	             NUMBERING_INVALID_ARGUMENT, "sandbox", "unknown parameter");
	expect_error("GetNewPhoneNumbers", "{\"account_id\":-1,\"country_code\":\"US\"}", NUMBERING_INVALID_ARGUMENT,
	             "account_id", NULL);
	expect_error("GetNewPhoneNumbers", "[1]", NUMBERING_INVALID_ARGUMENT, NULL, NULL);
}

START_TEST(new_numbers_memory)
{
	open_memory();
	new_numbers();
	close_store();
}
END_TEST

START_TEST(new_numbers_file)
{
	open_file();
	new_numbers();
	close_store();
}
END_TEST

/* ---- Regions without stock (the phoneRegion records, kind 18) ---- */

#define SF_EMPTY                                                                                                      \
	"{\"country_state\":\"CA\",\"is_need_regulation_address\":false,\"localized_country_"                         \
	"name\":\"United States\",\"phone_category_name\":\"GEOGRAPHIC\",\"phone_count\":0,\"phone_installation_"     \
	"price\":null,\"phone_period\":\"0-1-0 0:0:0\",\"phone_price\":null,\"phone_region_code\":\"415555010\","      \
	"\"phone_region_id\":11,\"phone_region_name\":\"San Francisco\"}"
#define GB_GEO "\"account_id\":1,\"country_code\":\"GB\",\"phone_category_name\":\"GEOGRAPHIC\""

static void rent(const char *number)
{
	numbering_active_number *active = NULL;
	numbering_active_request *request = NULL;
	ck_assert_int_eq(numbering_active_request_new(&request), NUMBERING_OK);
	int rc = numbering_store_rent(&active, store, NULL, "projects/1", number, request);
	ck_assert_msg(rc == NUMBERING_OK, "rent %s: %s", number, numbering_error_message());
	numbering_active_number_free(active);
	numbering_active_request_free(request);
}

/* The seed's "omit_empty false lists regions without stock": a region rented out
 * completely and one removed with RemoveAvailableNumbers. */
static void regions_without_stock(void)
{
	import_stock();
	top_up(store, "projects/1", "USD", 100000);
	rent("+14155550100");
	rent("+14155550101");
	call_ok("RemoveAvailableNumbers", "{\"phoneNumbers\":[\"+442079460100-01\"]}");
	/* omit_empty true (the default) leaves them out. */
	call_ok("GetPhoneNumberRegions", "{" US_GEO "}");
	expect_result("[" LA_REGION "," NY_REGION "]");
	call_ok("GetPhoneNumberRegions", "{" US_GEO ",\"omit_empty\":true}");
	expect_result("[" LA_REGION "," NY_REGION "]");
	call_ok("GetPhoneNumberRegions", "{" GB_GEO "}");
	expect_result("[]");
	/* omit_empty false lists them with phone_count 0, no prices. */
	call_ok("GetPhoneNumberRegions", "{" US_GEO ",\"omit_empty\":false}");
	expect_result("[" LA_REGION "," SF_EMPTY "," NY_REGION "]");
	call_ok("GetPhoneNumberRegions", "{" GB_GEO ",\"omit_empty\":false}");
	json_t *london = json_array_get(json_object_get(parsed, "result"), 0);
	ck_assert_uint_eq(json_array_size(json_object_get(parsed, "result")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(london, "phone_count")), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(london, "phone_region_id")), 40);
	ck_assert_str_eq(json_string_value(json_object_get(london, "phone_region_name")), "London");
	ck_assert_str_eq(json_string_value(json_object_get(london, "phone_region_code")), "207946010");
	/* The filters apply to them as to the others. */
	call_ok("GetPhoneNumberRegions", "{" US_GEO ",\"omit_empty\":false,\"phone_region_id\":11}");
	expect_result("[" SF_EMPTY "]");
	call_ok("GetPhoneNumberRegions", "{" US_GEO ",\"omit_empty\":false,\"country_state\":\"NY\"}");
	expect_result("[" NY_REGION "]");
	call_ok("GetPhoneNumberRegions", "{" US_GEO ",\"omit_empty\":false,\"phone_region_code\":\"21\"}");
	expect_result("[" LA_REGION "," NY_REGION "]");
	call_ok("GetPhoneNumberRegions", "{" US_GEO ",\"omit_empty\":false,\"phone_region_code\":\"4155\"}");
	expect_result("[" SF_EMPTY "]");
	call_ok("GetPhoneNumberRegions", "{" US_GEO ",\"omit_empty\":false,\"phone_region_name\":\"San Francisco\"}");
	expect_result("[" SF_EMPTY "]");
	call_ok("GetPhoneNumberRegions",
	        "{\"account_id\":1,\"country_code\":\"US\",\"phone_category_name\":\"MOBILE\",\"omit_empty\":false}");
	ck_assert_uint_eq(json_array_size(json_object_get(parsed, "result")), 1);
	/* Importing the region again lists it with its stock, once. */
	call_ok("ImportAvailableNumbers",
	        "{\"availableNumbers\":[{\"phoneNumber\":\"+14155550200\",\"type\":\"LOCAL\",\"categoryName\":"
	        "\"GEOGRAPHIC\",\"region\":\"CA\",\"regionId\":11,\"regionName\":\"San Francisco\",\"sandbox\":true}]}");
	call_ok("GetPhoneNumberRegions", "{" US_GEO ",\"omit_empty\":false,\"phone_region_id\":11}");
	ck_assert_uint_eq(json_array_size(json_object_get(parsed, "result")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(json_object_get(parsed, "result"), 0),
	                                                    "phone_count")),
	                 1);
}

START_TEST(regions_without_stock_memory)
{
	open_memory();
	regions_without_stock();
	close_store();
}
END_TEST

START_TEST(regions_without_stock_file)
{
	open_file();
	regions_without_stock();
	/* Reopened, the file store still lists the emptied region. */
	numbering_free(response);
	response = NULL;
	numbering_store_close(store);
	store = fixture_open_file(path);
	call_ok("GetPhoneNumberRegions", "{" GB_GEO ",\"omit_empty\":false}");
	ck_assert_uint_eq(json_array_size(json_object_get(parsed, "result")), 1);
	call_ok("GetPhoneNumberRegions", "{" GB_GEO "}");
	expect_result("[]");
	close_store();
}
END_TEST

struct region_damage {
	int records, cases;
};

static int region_damage_visit(const numbering_record *record, void *payload)
{
	struct region_damage *d = payload;
	d->records++;
	d->cases += record_damage_check_all(record);
	const struct numbering__kind *kind = numbering__kind_find(record->kind);
	ck_assert_int_eq(kind->check(record), NUMBERING_OK);
	/* Keys that are not the body's. */
	numbering_record copy = *record;
	copy.sort_key = record->sort_key + 1;
	ck_assert_int_eq(kind->check(&copy), NUMBERING_DATA_LOSS);
	copy = *record;
	copy.parent = "GB";
	ck_assert_int_eq(kind->check(&copy), NUMBERING_DATA_LOSS);
	copy.parent = "usa";
	ck_assert_int_eq(kind->check(&copy), NUMBERING_DATA_LOSS);
	copy = *record;
	copy.flags = NUMBERING_RECORD_LISTED;
	ck_assert_int_eq(kind->check(&copy), NUMBERING_DATA_LOSS);
	copy = *record;
	copy.expires = 5;
	ck_assert_int_eq(kind->check(&copy), NUMBERING_DATA_LOSS);
	copy = *record;
	copy.keys[0] = "x";
	ck_assert_int_eq(kind->check(&copy), NUMBERING_DATA_LOSS);
	copy = *record;
	copy.name = "regions/US/GEOGRAPHIC/CA/99";
	ck_assert_int_eq(kind->check(&copy), NUMBERING_DATA_LOSS);
	return 0;
}

START_TEST(region_records_damaged)
{
	numbering_backend *backend = NULL;
	store = fixture_open_memory(&backend);
	path[0] = '\0';
	import_stock();
	/* A category and a state with the characters the name escapes. */
	call_ok("ImportAvailableNumbers",
	        "{\"availableNumbers\":[{\"phoneNumber\":\"+13105550100\",\"type\":\"LOCAL\",\"categoryName\":"
	        "\"GEO/100%\",\"region\":\"C/A\",\"regionId\":12}]}");
	struct region_damage d = {0, 0};
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = NUMBERING__KIND_PHONE_REGION;
	q.parent = "US";
	ck_assert_int_eq(backend->list(backend, &q, region_damage_visit, &d), NUMBERING_OK);
	/* Los Angeles, San Francisco, New York, the mobile region and the escaped one. */
	ck_assert_int_eq(d.records, 5);
	ck_assert_int_gt(d.cases, 500);
	call_ok("GetPhoneNumberRegions", "{\"account_id\":1,\"country_code\":\"US\",\"phone_category_name\":"
	                                 "\"GEO/100%\",\"omit_empty\":false}");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(parsed, "result"), 0),
	                                                   "country_state")),
	                 "C/A");
	close_store();
}
END_TEST

/* ---- The sandbox attribute ---- */

START_TEST(sandbox_carried_into_active)
{
	open_memory();
	import_stock();
	top_up(store, "projects/1", "USD", 100000);
	numbering_active_number *active = NULL;
	numbering_active_request *request = NULL;
	ck_assert_int_eq(numbering_active_request_new(&request), NUMBERING_OK);
	int rc = numbering_store_rent(&active, store, NULL, "projects/1", "+14155550100", request);
	ck_assert_msg(rc == NUMBERING_OK, "rent: %s", numbering_error_message());
	ck_assert_int_eq(numbering_available_number_int(numbering_active_number_stock(active), "sandbox"), 1);
	numbering_active_number_free(active);
	ck_assert_int_eq(numbering_store_get_active(&active, store, NULL, "projects/1", "+14155550100"),
	                 NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_int(numbering_active_number_stock(active), "sandbox"), 1);
	numbering_active_number_free(active);
	/* A real number's is 0. */
	rc = numbering_store_rent(&active, store, NULL, "projects/1", "+12135550100", request);
	ck_assert_msg(rc == NUMBERING_OK, "rent: %s", numbering_error_message());
	ck_assert_int_eq(numbering_available_number_int(numbering_active_number_stock(active), "sandbox"), 0);
	numbering_active_number_free(active);
	numbering_active_request_free(request);
	/* Rented out, the number is not in the catalogue's count any more. */
	call_ok("GetPhoneNumberRegions", "{" US_GEO ",\"phone_region_id\":11}");
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(json_object_get(parsed, "result"), 0),
	                                                    "phone_count")),
	                 1);
	close_store();
}
END_TEST

/* ---- The C API ---- */

START_TEST(c_api)
{
	open_memory();
	import_stock();
	numbering_catalogue_query q;
	ck_assert_int_eq(numbering_catalogue_query_init(&q, NUMBERING_CATALOGUE_QUERY_VERSION), NUMBERING_OK);
	ck_assert_int_eq(numbering_catalogue_query_init(NULL, NUMBERING_CATALOGUE_QUERY_VERSION),
	                 NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_catalogue_query_init(&q, 99), NUMBERING_INVALID_ARGUMENT);
	const char *countries[] = {"US"};
	q.country_codes = countries;
	q.country_code_count = 1;
	q.category_name = "MOBILE";
	numbering_catalogue *c = NULL;
	ck_assert_int_eq(numbering_store_catalogue_regions(&c, store, NULL, "projects/1", &q), NUMBERING_OK);
	ck_assert_int_eq(numbering_catalogue_count(c), 1);
	ck_assert_str_eq(numbering_catalogue_country_code(c, 0), "US");
	ck_assert_str_eq(numbering_catalogue_region_name(c, 0), "Nationwide");
	ck_assert_str_eq(numbering_catalogue_country_state(c, 0), "");
	ck_assert_int_eq(numbering_catalogue_region_id(c, 0), 30);
	ck_assert_int_eq(numbering_catalogue_phone_count(c, 0), 1);
	ck_assert_str_eq(numbering_catalogue_region_code(c, 0), "2015550100");
	const char *currency = NULL;
	int64_t minor = 0;
	ck_assert_int_eq(numbering_catalogue_price(c, 0, 1, &currency, &minor), NUMBERING_OK);
	ck_assert_str_eq(currency, "USD");
	ck_assert_int_eq(minor, 500);
	ck_assert_int_eq(numbering_catalogue_price(c, 0, 0, &currency, &minor), NUMBERING_NOT_FOUND);
	ck_assert_int_eq(numbering_catalogue_price(c, 1, 0, &currency, &minor), NUMBERING_INVALID_ARGUMENT);
	/* Out of range and NULL read as empty. */
	ck_assert_str_eq(numbering_catalogue_country_code(c, 1), "");
	ck_assert_str_eq(numbering_catalogue_phone_number(NULL, 0), "");
	ck_assert_int_eq(numbering_catalogue_phone_count(c, -1), 0);
	ck_assert_int_eq(numbering_catalogue_count(NULL), 0);
	numbering_catalogue_free(c);
	numbering_catalogue_free(NULL);
	/* Every country, NULL query. */
	ck_assert_int_eq(numbering_store_catalogue_regions(&c, store, NULL, "projects/1", NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_catalogue_count(c), 5);
	numbering_catalogue_free(c);
	/* Numbers: bounds. */
	int64_t total = -1;
	ck_assert_int_eq(numbering_store_catalogue_numbers(&c, &total, store, NULL, "projects/1", NULL, 0, 1001),
	                 NUMBERING_INVALID_ARGUMENT);
	ck_assert_ptr_null(c);
	ck_assert_int_eq(numbering_store_catalogue_numbers(&c, &total, store, NULL, "projects/1", NULL, -1, 10),
	                 NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_store_catalogue_numbers(&c, NULL, store, NULL, "projects/1", NULL, 0, 10),
	                 NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_store_catalogue_numbers(&c, &total, store, NULL, "projects/1", NULL, 0, 1000),
	                 NUMBERING_OK);
	ck_assert_int_eq(total, 14);
	ck_assert_int_eq(numbering_catalogue_count(c), 14);
	numbering_catalogue_free(c);
	/* Bad arguments. */
	ck_assert_int_eq(numbering_store_catalogue_regions(NULL, store, NULL, "projects/1", NULL),
	                 NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_store_catalogue_regions(&c, NULL, NULL, "projects/1", NULL), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_store_catalogue_regions(&c, store, NULL, "nope", NULL), NUMBERING_INVALID_ARGUMENT);
	const char *bad[] = {"usa"};
	q.country_codes = bad;
	ck_assert_int_eq(numbering_store_catalogue_regions(&c, store, NULL, "projects/1", &q), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "country_code");
	close_store();
}
END_TEST

Suite *vox_catalogue_suite(void)
{
	Suite *s = suite_create("vox_catalogue");
	TCase *tc = tcase_create("vox_catalogue");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, categories_memory);
	tcase_add_test(tc, categories_file);
	tcase_add_test(tc, states_memory);
	tcase_add_test(tc, states_file);
	tcase_add_test(tc, regions_memory);
	tcase_add_test(tc, regions_file);
	tcase_add_test(tc, new_numbers_memory);
	tcase_add_test(tc, new_numbers_file);
	tcase_add_test(tc, regions_without_stock_memory);
	tcase_add_test(tc, regions_without_stock_file);
	tcase_add_test(tc, region_records_damaged);
	tcase_add_test(tc, sandbox_carried_into_active);
	tcase_add_test(tc, c_api);
	suite_add_tcase(s, tc);
	return s;
}
