/* The Sinch seed's active-number methods on the JSON entry point (lib/json/sinch-active.c):
 * the response shapes, scheduled provisioning as the seed shows it, paging, and every way
 * a request can be malformed, each naming its field. numberctl's scenarios
 * (tests/numberctl/active.jsonl) run the seed's examples end to end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <numbering/numbering.h>
#include <numbering/provisioning.h>

#include "json-call.h"
#include "store-fixture.h"
#include "suites.h"
#include "top-up.h"

/* 2026-01-31T10:00:00Z: a rent then is charged next on 2026-02-28, the month's last day. */
#define EPOCH INT64_C(1769853600000000000)
#define NS INT64_C(1000000000)

static numbering_store *store;
static int64_t now;
static char *response;
static json_t *parsed;

static void open_store(int provisioning)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	now = EPOCH;
	options.clock = fixture_still;
	options.clock_payload = &now;
	options.provisioning = provisioning;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	response = NULL;
	parsed = NULL;
}

static void setup(void)
{
	open_store(NUMBERING_PROVISIONING_IMMEDIATE);
}

static void setup_manual(void)
{
	open_store(NUMBERING_PROVISIONING_MANUAL);
}

static void teardown(void)
{
	json_call_forget(&response, &parsed);
	numbering_store_close(store);
	store = NULL;
}

/* Calls @method; the response (or error body) stays in `response` and, parsed, in `parsed`. */
static int call(const char *method, const char *request)
{
	return json_call_keep(&response, &parsed, store, method, request);
}

static json_t *call_ok(const char *method, const char *request)
{
	int rc = call(method, request);
	ck_assert_msg(rc == NUMBERING_OK, "%s failed: %s", method, response);
	return parsed;
}

/* Asserts the call failed with @code and a violation names @field (unless NULL). */
static void expect_error(int rc, int code, const char *field)
{
	ck_assert_msg(rc == code, "want %s, got %s: %s", numbering_status_name(code), numbering_status_name(rc),
	              response);
	json_t *error = json_object_get(parsed, "error");
	ck_assert_ptr_nonnull(error);
	ck_assert_str_eq(json_string_value(json_object_get(error, "status")), numbering_status_name(code));
	if (field == NULL)
		return;
	ck_assert_msg(json_error_names_field(parsed, field), "no violation names %s: %s", field, response);
}

/* The value at a dotted path of `parsed`'s object @o, or NULL. */
static json_t *at(json_t *o, const char *path)
{
	char key[128];
	while (o != NULL && *path != '\0') {
		size_t n = strcspn(path, ".");
		snprintf(key, sizeof(key), "%.*s", (int)n, path);
		o = json_object_get(o, key);
		path += n + (path[n] == '.');
	}
	return o;
}

static const char *text_at(json_t *o, const char *path)
{
	const char *s = json_string_value(at(o, path));
	ck_assert_msg(s != NULL, "no string at %s: %s", path, response);
	return s;
}

static void import_stock(void)
{
	call_ok("ImportAvailableNumbers",
	        "{\"availableNumbers\":["
	        "{\"phoneNumber\":\"+12085550100-09\",\"type\":\"LOCAL\",\"capability\":[\"SMS\",\"VOICE\"],"
	        "\"setupPrice\":{\"currencyCode\":\"USD\",\"amount\":\"1.00\"},"
	        "\"monthlyPrice\":{\"currencyCode\":\"USD\",\"amount\":\"2.00\"}},"
	        "{\"phoneNumber\":\"+447700900100\",\"type\":\"MOBILE\",\"capability\":[\"SMS\"],"
	        "\"monthlyPrice\":{\"currencyCode\":\"BHD\",\"amount\":\"1.250\"},\"paymentIntervalMonths\":3}]}");
	/* A rent charges the renter's account (issue 13), in its one currency. */
	top_up(store, "projects/p1", "USD", 1000000);
	top_up(store, "projects/p3", "BHD", 1000000);
}

#define ACTIVATE_SMS                                                                                                 \
	"\"smsConfiguration\":{\"servicePlanId\":\"YOUR_SMS_servicePlanId\",\"campaignId\":\"YOUR_campaignId_from_TCR\"},"  \
	"\"callbackUrl\":\"https://www.your-callback-server.com/callback\""

START_TEST(rent_response_is_the_seeds)
{
	import_stock();
	call_ok("NumberService_RentNumber", "{\"projectId\":\"p1\",\"phoneNumber\":\"+12085550100\"," ACTIVATE_SMS "}");
	static const char want[] =
		"{\"phoneNumber\":\"+12085550100\",\"projectId\":\"p1\",\"regionCode\":\"US\",\"type\":\"LOCAL\","
		"\"capability\":[\"SMS\",\"VOICE\"],\"money\":{\"currencyCode\":\"USD\",\"amount\":\"2.00\"},"
		"\"paymentIntervalMonths\":1,\"nextChargeDate\":\"2026-02-28T10:00:00Z\","
		"\"smsConfiguration\":{\"servicePlanId\":\"YOUR_SMS_servicePlanId\","
		"\"campaignId\":\"YOUR_campaignId_from_TCR\"},"
		"\"callbackUrl\":\"https://www.your-callback-server.com/callback\"}";
	ck_assert_str_eq(response, want);
	/* Get shows the same; no expireAt until released. */
	now += NS;
	call_ok("NumberService_GetActiveNumber", "{\"projectId\":\"p1\",\"phoneNumber\":\"+12085550100\"}");
	ck_assert_str_eq(response, want);
	call_ok("NumberService_ReleaseNumber", "{\"projectId\":\"p1\",\"phoneNumber\":\"+12085550100\"}");
	ck_assert_str_eq(text_at(parsed, "expireAt"), "2026-02-28T10:00:00Z");
	ck_assert_str_eq(text_at(parsed, "nextChargeDate"), "2026-02-28T10:00:00Z");
}
END_TEST

START_TEST(money_with_the_currency_digits)
{
	import_stock();
	call_ok("NumberService_RentNumber", "{\"projectId\":\"p3\",\"phoneNumber\":\"+447700900100\","
	                                    "\"smsConfiguration\":{\"servicePlanId\":\"plan\"}}");
	ck_assert_str_eq(text_at(parsed, "money.currencyCode"), "BHD");
	ck_assert_str_eq(text_at(parsed, "money.amount"), "1.250");
	ck_assert_int_eq(json_integer_value(at(parsed, "paymentIntervalMonths")), 3);
	ck_assert_str_eq(text_at(parsed, "regionCode"), "GB");
	ck_assert_str_eq(text_at(parsed, "type"), "MOBILE");
	ck_assert_str_eq(text_at(parsed, "nextChargeDate"), "2026-04-30T10:00:00Z");
	ck_assert_ptr_null(at(parsed, "voiceConfiguration"));
	ck_assert_ptr_null(at(parsed, "displayName"));
}
END_TEST

START_TEST(range_shown_under_its_first_number)
{
	call_ok("CreatePhoneNumberInstance",
	        "{\"parent\":\"projects/p1\",\"phoneNumberInstanceId\":\"block\",\"phoneNumberInstance\":{"
	        "\"phoneNumber\":{\"phoneNumber\":\"+61255501100-99\",\"capabilities\":[\"VOICE\"]},"
	        "\"displayName\":\"Sales\"}}");
	call_ok("NumberService_GetActiveNumber", "{\"projectId\":\"p1\",\"phoneNumber\":\"+61255501150\"}");
	ck_assert_str_eq(response, "{\"phoneNumber\":\"+61255501100\",\"projectId\":\"p1\",\"displayName\":\"Sales\","
	                           "\"regionCode\":\"AU\",\"capability\":[\"VOICE\"]}");
	int rc = call("NumberService_UpdateActiveNumber",
	              "{\"projectId\":\"p1\",\"phoneNumber\":\"+61255501150\",\"displayName\":\"x\"}");
	expect_error(rc, NUMBERING_FAILED_PRECONDITION, "phoneNumber");
}
END_TEST

START_TEST(scheduled_provisioning_until_done)
{
	import_stock();
	call_ok("NumberService_RentNumber", "{\"projectId\":\"p1\",\"phoneNumber\":\"+12085550101\"," ACTIVATE_SMS
	                                    ",\"voiceConfiguration\":{\"appId\":\"YOUR_Voice_appId\"}}");
	/* Scheduled: the live values are empty, the tasks show WAITING. */
	ck_assert_ptr_null(at(parsed, "smsConfiguration.servicePlanId"));
	ck_assert_ptr_null(at(parsed, "voiceConfiguration.appId"));
	ck_assert_str_eq(text_at(parsed, "smsConfiguration.scheduledProvisioning.servicePlanId"), "YOUR_SMS_servicePlanId");
	ck_assert_str_eq(text_at(parsed, "smsConfiguration.scheduledProvisioning.campaignId"), "YOUR_campaignId_from_TCR");
	ck_assert_str_eq(text_at(parsed, "smsConfiguration.scheduledProvisioning.status"), "WAITING");
	ck_assert_str_eq(text_at(parsed, "smsConfiguration.scheduledProvisioning.lastUpdatedTime"),
	                 "2026-01-31T10:00:00Z");
	ck_assert(json_is_array(at(parsed, "smsConfiguration.scheduledProvisioning.errorCodes")));
	ck_assert_int_eq(json_array_size(at(parsed, "smsConfiguration.scheduledProvisioning.errorCodes")), 0);
	ck_assert_str_eq(text_at(parsed, "voiceConfiguration.scheduledVoiceProvisioning.appId"), "YOUR_Voice_appId");
	ck_assert_str_eq(text_at(parsed, "voiceConfiguration.scheduledVoiceProvisioning.status"), "WAITING");

	/* Claimed: IN_PROGRESS. */
	now += NS;
	numbering_task_list *tasks = NULL;
	ck_assert_int_eq(numbering_store_claim_provisioning_tasks(&tasks, store, NULL, 10), NUMBERING_OK);
	ck_assert_int_ge(numbering_task_list_count(tasks), 2);
	call_ok("NumberService_GetActiveNumber", "{\"projectId\":\"p1\",\"phoneNumber\":\"+12085550101\"}");
	ck_assert_str_eq(text_at(parsed, "smsConfiguration.scheduledProvisioning.status"), "IN_PROGRESS");
	ck_assert_str_eq(text_at(parsed, "voiceConfiguration.scheduledVoiceProvisioning.status"), "IN_PROGRESS");

	/* The SMS platform and campaign tasks fail (only a campaign's failure has a code: the
	 * seed says the platform's result is binary); the voice task succeeds. */
	for (int i = 0; i < numbering_task_list_count(tasks); i++) {
		const numbering_task *t = numbering_task_list_item(tasks, i);
		const char *event = numbering_task_text(t, "eventType");
		int voice = strstr(event, "VOICE") != NULL, campaign = strstr(event, "CAMPAIGN") != NULL;
		now += NS;
		int rc = numbering_store_complete_provisioning_task(
			store, NULL, numbering_task_text(t, "name"),
			voice ? NUMBERING_CALLBACK_STATUS_SUCCEEDED : NUMBERING_CALLBACK_STATUS_FAILED,
			campaign ? NUMBERING_CALLBACK_FAILURE_CAMPAIGN_NOT_AVAILABLE : NUMBERING_CALLBACK_FAILURE_NONE);
		ck_assert_msg(rc == NUMBERING_OK, "completing %s (%s): %s", numbering_task_text(t, "name"), event,
		              numbering_error_message());
	}
	numbering_task_list_free(tasks);
	call_ok("NumberService_GetActiveNumber", "{\"projectId\":\"p1\",\"phoneNumber\":\"+12085550101\"}");
	ck_assert_str_eq(text_at(parsed, "smsConfiguration.scheduledProvisioning.status"), "FAILED");
	json_t *errors = at(parsed, "smsConfiguration.scheduledProvisioning.errorCodes");
	ck_assert_int_eq(json_array_size(errors), 1);
	ck_assert_str_eq(json_string_value(json_array_get(errors, 0)), "CAMPAIGN_NOT_AVAILABLE");
	ck_assert_ptr_null(at(parsed, "smsConfiguration.servicePlanId"));
	/* Voice done: live, no scheduled object. */
	ck_assert_str_eq(text_at(parsed, "voiceConfiguration.appId"), "YOUR_Voice_appId");
	ck_assert_ptr_null(at(parsed, "voiceConfiguration.scheduledVoiceProvisioning"));
	ck_assert_ptr_nonnull(at(parsed, "voiceConfiguration.lastUpdatedTime"));
}
END_TEST

START_TEST(list_pages_total_and_order)
{
	import_stock();
	static const char *const names[] = {"delta", "alpha", "echo", "bravo", "charlie"};
	for (int i = 0; i < 5; i++) {
		char request[256];
		snprintf(request, sizeof(request), "{\"projectId\":\"p1\",\"phoneNumber\":\"+1208555010%d\"}", i);
		call_ok("NumberService_RentNumber", request);
		snprintf(request, sizeof(request),
		         "{\"projectId\":\"p1\",\"phoneNumber\":\"+1208555010%d\",\"displayName\":\"%s\"}", i, names[i]);
		call_ok("NumberService_UpdateActiveNumber", request);
	}
	/* By number, two a page: every page says totalSize 5, the last has no token. */
	char token[256] = "";
	int seen = 0;
	for (int page = 0; page < 3; page++) {
		char request[512];
		snprintf(request, sizeof(request),
		         "{\"projectId\":\"p1\",\"regionCode\":\"US\",\"type\":\"LOCAL\",\"pageSize\":2%s%s%s}",
		         token[0] ? ",\"pageToken\":\"" : "", token, token[0] ? "\"" : "");
		call_ok("NumberService_ListActiveNumbers", request);
		ck_assert_int_eq(json_integer_value(at(parsed, "totalSize")), 5);
		json_t *items = at(parsed, "activeNumbers");
		for (size_t i = 0; i < json_array_size(items); i++, seen++) {
			char want[32];
			snprintf(want, sizeof(want), "+1208555010%d", seen);
			ck_assert_str_eq(text_at(json_array_get(items, i), "phoneNumber"), want);
		}
		json_t *next = at(parsed, "nextPageToken");
		ck_assert_int_eq(next != NULL, page < 2);
		snprintf(token, sizeof(token), "%s", next ? json_string_value(next) : "");
	}
	ck_assert_int_eq(seen, 5);
	/* By display name. */
	call_ok("NumberService_ListActiveNumbers",
	        "{\"projectId\":\"p1\",\"regionCode\":\"US\",\"type\":\"LOCAL\",\"orderBy\":\"displayName\"}");
	static const char *const sorted[] = {"alpha", "bravo", "charlie", "delta", "echo"};
	json_t *items = at(parsed, "activeNumbers");
	ck_assert_int_eq(json_array_size(items), 5);
	for (size_t i = 0; i < 5; i++)
		ck_assert_str_eq(text_at(json_array_get(items, i), "displayName"), sorted[i]);
	/* Filters: capability and pattern; another region finds none. */
	call_ok("NumberService_ListActiveNumbers", "{\"projectId\":\"p1\",\"regionCode\":\"US\",\"type\":\"LOCAL\","
	                                           "\"capability\":[\"SMS\",\"VOICE\"],"
	                                           "\"numberPattern\":{\"pattern\":\"03\",\"searchPattern\":\"END\"}}");
	ck_assert_int_eq(json_integer_value(at(parsed, "totalSize")), 1);
	ck_assert_str_eq(text_at(json_array_get(at(parsed, "activeNumbers"), 0), "displayName"), "bravo");
	call_ok("NumberService_ListActiveNumbers", "{\"projectId\":\"p1\",\"regionCode\":\"GB\",\"type\":\"LOCAL\"}");
	ck_assert_str_eq(response, "{\"activeNumbers\":[],\"totalSize\":0}");
}
END_TEST

START_TEST(read_only_fields_are_ignored)
{
	import_stock();
	call_ok("NumberService_RentNumber",
	        "{\"projectId\":\"p1\",\"phoneNumber\":\"+12085550100\","
	        "\"smsConfiguration\":{\"servicePlanId\":\"plan\",\"scheduledProvisioning\":{\"status\":\"FAILED\"}},"
	        "\"voiceConfiguration\":{\"appId\":\"app\",\"lastUpdatedTime\":\"2001-01-01T00:00:00Z\","
	        "\"scheduledVoiceProvisioning\":{\"status\":\"WAITING\"}}}");
	ck_assert_ptr_null(at(parsed, "smsConfiguration.scheduledProvisioning"));
	ck_assert_ptr_null(at(parsed, "voiceConfiguration.scheduledVoiceProvisioning"));
	ck_assert_str_eq(text_at(parsed, "voiceConfiguration.lastUpdatedTime"), "2026-01-31T10:00:00Z");
	/* Only read-only members (or nulls): the object sets nothing, which the seed refuses. */
	int rc = call("NumberService_UpdateActiveNumber",
	              "{\"projectId\":\"p1\",\"phoneNumber\":\"+12085550100\","
	              "\"smsConfiguration\":{\"servicePlanId\":null,\"scheduledProvisioning\":{}}}");
	expect_error(rc, NUMBERING_INVALID_ARGUMENT, "smsConfiguration");
}
END_TEST

struct bad_request {
	const char *method, *request;
	int code;
	const char *field;
};

START_TEST(bad_requests_name_the_field)
{
	import_stock();
	call_ok("NumberService_RentNumber", "{\"projectId\":\"p1\",\"phoneNumber\":\"+12085550100\"}");
#define NUMBER "\"projectId\":\"p1\",\"phoneNumber\":\"+12085550101\""
#define LIST "\"projectId\":\"p1\",\"regionCode\":\"US\",\"type\":\"LOCAL\""
#define SEARCH "\"projectId\":\"p1\",\"regionCode\":\"US\",\"type\":\"LOCAL\""
	static const struct bad_request cases[] = {
		{"NumberService_RentNumber", "{}", NUMBERING_INVALID_ARGUMENT, "projectId"},
		{"NumberService_RentNumber", "{\"projectId\":\"\",\"phoneNumber\":\"+12085550101\"}",
		 NUMBERING_INVALID_ARGUMENT, "projectId"},
		{"NumberService_RentNumber", "{\"projectId\":7}", NUMBERING_INVALID_ARGUMENT, "projectId"},
		{"NumberService_RentNumber", "{\"projectId\":\"p1\"}", NUMBERING_INVALID_ARGUMENT, "phoneNumber"},
		{"NumberService_RentNumber", "{\"projectId\":\"p1\",\"phoneNumber\":5}", NUMBERING_INVALID_ARGUMENT,
		 "phoneNumber"},
		{"NumberService_RentNumber", "{" NUMBER ",\"displayName\":\"x\"}", NUMBERING_INVALID_ARGUMENT,
		 "displayName"},
		{"NumberService_RentNumber", "{" NUMBER ",\"smsConfiguration\":\"plan\"}", NUMBERING_INVALID_ARGUMENT,
		 "smsConfiguration"},
		{"NumberService_RentNumber", "{" NUMBER ",\"smsConfiguration\":{}}", NUMBERING_INVALID_ARGUMENT,
		 "smsConfiguration"},
		{"NumberService_RentNumber", "{" NUMBER ",\"smsConfiguration\":{\"servicePlanId\":1}}",
		 NUMBERING_INVALID_ARGUMENT, "smsConfiguration.servicePlanId"},
		{"NumberService_RentNumber", "{" NUMBER ",\"smsConfiguration\":{\"plan\":\"x\"}}",
		 NUMBERING_INVALID_ARGUMENT, "smsConfiguration.plan"},
		{"NumberService_RentNumber", "{" NUMBER ",\"smsConfiguration\":{\"campaignId\":\"c\"}}",
		 NUMBERING_INVALID_ARGUMENT, "smsConfiguration.servicePlanId"},
		{"NumberService_RentNumber",
		 "{" NUMBER ",\"smsConfiguration\":{\"servicePlanId\":\"p\",\"scheduledProvisioning\":[]}}",
		 NUMBERING_INVALID_ARGUMENT, "smsConfiguration.scheduledProvisioning"},
		{"NumberService_RentNumber", "{" NUMBER ",\"voiceConfiguration\":{}}", NUMBERING_INVALID_ARGUMENT,
		 "voiceConfiguration"},
		{"NumberService_RentNumber", "{" NUMBER ",\"voiceConfiguration\":{\"appId\":\"a\",\"lastUpdatedTime\":\"soon\"}}",
		 NUMBERING_INVALID_ARGUMENT, "voiceConfiguration.lastUpdatedTime"},
		{"NumberService_RentNumber",
		 "{" NUMBER ",\"voiceConfiguration\":{\"appId\":\"a\",\"scheduledVoiceProvisioning\":\"x\"}}",
		 NUMBERING_INVALID_ARGUMENT, "voiceConfiguration.scheduledVoiceProvisioning"},
		{"NumberService_RentNumber", "{" NUMBER ",\"callbackUrl\":\"ftp://example.com\"}",
		 NUMBERING_INVALID_ARGUMENT, "callbackUrl"},
		{"NumberService_RentNumber", "{" NUMBER ",\"callbackUrl\":[]}", NUMBERING_INVALID_ARGUMENT, "callbackUrl"},
		{"NumberService_RentNumber", "{\"projectId\":\"p1\",\"phoneNumber\":\"+12085550199\"}",
		 NUMBERING_NOT_FOUND, "phoneNumber"},
		{"NumberService_RentAnyNumber", "{\"projectId\":\"p1\",\"type\":\"LOCAL\"}", NUMBERING_INVALID_ARGUMENT,
		 "regionCode"},
		{"NumberService_RentAnyNumber", "{" SEARCH ",\"capabilities\":[null]}", NUMBERING_INVALID_ARGUMENT,
		 "capabilities[0]"},
		{"NumberService_RentAnyNumber", "{" SEARCH ",\"capabilities\":[\"SMS\",\"FAX\"]}",
		 NUMBERING_INVALID_ARGUMENT, "capabilities[1]"},
		{"NumberService_RentAnyNumber", "{" SEARCH ",\"capabilities\":\"SMS\"}", NUMBERING_INVALID_ARGUMENT,
		 "capabilities"},
		{"NumberService_RentAnyNumber", "{" SEARCH ",\"numberPattern\":\"1208\"}", NUMBERING_INVALID_ARGUMENT,
		 "numberPattern"},
		{"NumberService_RentAnyNumber", "{" SEARCH ",\"numberPattern\":{\"searchPattern\":\"MIDDLE\"}}",
		 NUMBERING_INVALID_ARGUMENT, "numberPattern.searchPattern"},
		{"NumberService_RentAnyNumber", "{" SEARCH ",\"numberPattern\":{\"pattern\":1}}",
		 NUMBERING_INVALID_ARGUMENT, "numberPattern.pattern"},
		{"NumberService_RentAnyNumber", "{" SEARCH ",\"numberPattern\":{\"digits\":\"1\"}}",
		 NUMBERING_INVALID_ARGUMENT, "numberPattern.digits"},
		{"NumberService_RentAnyNumber", "{\"projectId\":\"p1\",\"regionCode\":\"US\",\"type\":\"NUMBER_TYPE_UNSPECIFIED\"}",
		 NUMBERING_INVALID_ARGUMENT, "type"},
		{"NumberService_RentAnyNumber", "{" SEARCH ",\"voiceConfiguration\":{}}", NUMBERING_INVALID_ARGUMENT,
		 "voiceConfiguration"},
		{"NumberService_RentAnyNumber", "{" SEARCH ",\"size\":1}", NUMBERING_INVALID_ARGUMENT, "size"},
		{"NumberService_ListActiveNumbers", "{" LIST ",\"pageSize\":\"ten\"}", NUMBERING_INVALID_ARGUMENT,
		 "pageSize"},
		{"NumberService_ListActiveNumbers", "{" LIST ",\"pageSize\":-1}", NUMBERING_INVALID_ARGUMENT, "pageSize"},
		{"NumberService_ListActiveNumbers", "{" LIST ",\"pageToken\":\"forged\"}", NUMBERING_INVALID_ARGUMENT,
		 "pageToken"},
		{"NumberService_ListActiveNumbers", "{" LIST ",\"pageToken\":3}", NUMBERING_INVALID_ARGUMENT, "pageToken"},
		{"NumberService_ListActiveNumbers", "{" LIST ",\"orderBy\":\"size\"}", NUMBERING_INVALID_ARGUMENT,
		 "orderBy"},
		{"NumberService_ListActiveNumbers", "{" LIST ",\"capability\":[\"SMS\",3]}", NUMBERING_INVALID_ARGUMENT,
		 "capability[1]"},
		{"NumberService_ListActiveNumbers", "{" LIST ",\"capabilities\":[\"SMS\"]}", NUMBERING_INVALID_ARGUMENT,
		 "capabilities"},
		{"NumberService_ListActiveNumbers", "{\"projectId\":\"p1\",\"regionCode\":\"US\"}",
		 NUMBERING_INVALID_ARGUMENT, "type"},
		{"NumberService_ListActiveNumbers", "{" LIST ",\"numberPattern\":{\"pattern\":\"12a\"}}",
		 NUMBERING_INVALID_ARGUMENT, "numberPattern.pattern"},
		{"NumberService_GetActiveNumber", "{\"projectId\":\"p1\",\"phoneNumber\":\"call me\"}",
		 NUMBERING_INVALID_ARGUMENT, "phoneNumber"},
		{"NumberService_GetActiveNumber", "{\"projectId\":\"p1\",\"phoneNumber\":\"+12085550101\"}",
		 NUMBERING_NOT_FOUND, "phoneNumber"},
		{"NumberService_GetActiveNumber", "{\"projectId\":\"p2\",\"phoneNumber\":\"+12085550100\"}",
		 NUMBERING_NOT_FOUND, "phoneNumber"},
		{"NumberService_GetActiveNumber", "{\"projectId\":\"p1\",\"phoneNumber\":\"+12085550100\",\"x\":1}",
		 NUMBERING_INVALID_ARGUMENT, "x"},
		{"NumberService_ReleaseNumber", "{\"projectId\":\"p1\",\"phoneNumber\":\"+12085550100\",\"smsConfiguration\":{}}",
		 NUMBERING_INVALID_ARGUMENT, "smsConfiguration"},
		{"NumberService_UpdateActiveNumber", "{\"projectId\":\"p1\",\"phoneNumber\":\"+12085550100\"}",
		 NUMBERING_INVALID_ARGUMENT, NULL},
		{"NumberService_UpdateActiveNumber",
		 "{\"projectId\":\"p1\",\"phoneNumber\":\"+12085550100\",\"displayName\":\"bad\\u0007name\"}",
		 NUMBERING_INVALID_ARGUMENT, "displayName"},
		{"NumberService_UpdateActiveNumber",
		 "{\"projectId\":\"p1\",\"phoneNumber\":\"+12085550100\",\"displayName\":\"\",\"smsConfiguration\":{}}",
		 NUMBERING_INVALID_ARGUMENT, "smsConfiguration"},
		{"NumberService_UpdateActiveNumber",
		 "{\"projectId\":\"p1\",\"phoneNumber\":\"+12085550100\",\"regionCode\":\"US\"}", NUMBERING_INVALID_ARGUMENT,
		 "regionCode"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = call(cases[i].method, cases[i].request);
		ck_assert_msg(rc != NUMBERING_OK, "case %zu (%s %s) succeeded: %s", i, cases[i].method, cases[i].request,
		              response);
		expect_error(rc, cases[i].code, cases[i].field);
	}
	/* Nothing changed: the number asked for is still available, the rented one as it was. */
	call_ok("NumberService_GetAvailableNumber", "{\"projectId\":\"p1\",\"phoneNumber\":\"+12085550101\"}");
	call_ok("NumberService_GetActiveNumber", "{\"projectId\":\"p1\",\"phoneNumber\":\"+12085550100\"}");
	ck_assert_ptr_null(at(parsed, "displayName"));
	ck_assert_ptr_null(at(parsed, "expireAt"));
#undef NUMBER
#undef LIST
#undef SEARCH
}
END_TEST

START_TEST(service_rules_come_through)
{
	import_stock();
	/* A campaign outside the US, voice without VOICE, a second plan before unlinking. */
	int rc = call("NumberService_RentNumber", "{\"projectId\":\"p1\",\"phoneNumber\":\"+447700900100\","
	                                          "\"smsConfiguration\":{\"servicePlanId\":\"p\",\"campaignId\":\"c\"}}");
	expect_error(rc, NUMBERING_INVALID_ARGUMENT, "smsConfiguration.campaignId");
	rc = call("NumberService_RentNumber", "{\"projectId\":\"p1\",\"phoneNumber\":\"+447700900100\","
	                                      "\"voiceConfiguration\":{\"appId\":\"a\"}}");
	expect_error(rc, NUMBERING_INVALID_ARGUMENT, "voiceConfiguration");
	call_ok("NumberService_RentNumber", "{\"projectId\":\"p1\",\"phoneNumber\":\"+12085550100\"," ACTIVATE_SMS "}");
	rc = call("NumberService_UpdateActiveNumber", "{\"projectId\":\"p1\",\"phoneNumber\":\"+12085550100\","
	                                              "\"smsConfiguration\":{\"servicePlanId\":\"second\"}}");
	expect_error(rc, NUMBERING_FAILED_PRECONDITION, "smsConfiguration.servicePlanId");
	/* Unlinking ("") then linking works; the plan's campaign goes with it. */
	call_ok("NumberService_UpdateActiveNumber", "{\"projectId\":\"p1\",\"phoneNumber\":\"+12085550100\","
	                                            "\"smsConfiguration\":{\"servicePlanId\":\"\"}}");
	ck_assert_ptr_null(at(parsed, "smsConfiguration"));
	call_ok("NumberService_UpdateActiveNumber", "{\"projectId\":\"p1\",\"phoneNumber\":\"+12085550100\","
	                                            "\"smsConfiguration\":{\"servicePlanId\":\"second\"}}");
	ck_assert_str_eq(text_at(parsed, "smsConfiguration.servicePlanId"), "second");
	/* Released: updates and a second release are refused; at expireAt it is gone. */
	call_ok("NumberService_ReleaseNumber", "{\"projectId\":\"p1\",\"phoneNumber\":\"+12085550100\"}");
	rc = call("NumberService_ReleaseNumber", "{\"projectId\":\"p1\",\"phoneNumber\":\"+12085550100\"}");
	expect_error(rc, NUMBERING_FAILED_PRECONDITION, "phoneNumber");
	now = INT64_C(1772272800000000000); /* 2026-02-28T10:00:00Z, the next charge date */
	rc = call("NumberService_GetActiveNumber", "{\"projectId\":\"p1\",\"phoneNumber\":\"+12085550100\"}");
	expect_error(rc, NUMBERING_NOT_FOUND, "phoneNumber");
	call_ok("NumberService_GetAvailableNumber", "{\"projectId\":\"p1\",\"phoneNumber\":\"+12085550100\"}");
	ck_assert_str_eq(text_at(parsed, "monthlyPrice.amount"), "2.00");
}
END_TEST

Suite *sinch_active_suite(void)
{
	Suite *s = suite_create("sinch_active");
	TCase *tc = tcase_create("immediate");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, rent_response_is_the_seeds);
	tcase_add_test(tc, money_with_the_currency_digits);
	tcase_add_test(tc, range_shown_under_its_first_number);
	tcase_add_test(tc, list_pages_total_and_order);
	tcase_add_test(tc, read_only_fields_are_ignored);
	tcase_add_test(tc, bad_requests_name_the_field);
	tcase_add_test(tc, service_rules_come_through);
	suite_add_tcase(s, tc);
	TCase *manual = tcase_create("manual");
	tcase_add_checked_fixture(manual, setup_manual, teardown);
	tcase_add_test(manual, scheduled_provisioning_until_done);
	suite_add_tcase(s, manual);
	return s;
}
