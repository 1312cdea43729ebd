/* The JSON entry point: every method through numbering_store_call_json, golden output,
 * and each way a request can be malformed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <numbering/numbering.h>

#include "json-call.h"
#include "store-fixture.h"
#include "suites.h"

/* 2026-01-01T00:00:00Z. The clock stands still: the store itself keeps times strictly
 * increasing, so the first change gets exactly this time whatever the store reads. */
#define EPOCH INT64_C(1767225600000000000)

static numbering_store *store;
static int64_t now;
static char *response;
static json_t *parsed;

static void setup(void)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	now = EPOCH;
	options.clock = fixture_still;
	options.clock_payload = &now;
	options.default_region = "AU";
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	response = NULL;
	parsed = NULL;
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
	int rc = json_call_keep(&response, &parsed, store, method, request);
	ck_assert_ptr_null(strchr(response, '\n'));
	return rc;
}

static json_t *call_ok(const char *method, const char *request)
{
	int rc = call(method, request);
	ck_assert_msg(rc == NUMBERING_OK, "%s failed: %s", method, response);
	return parsed;
}

/* Asserts the last call failed with @code, its body says so, and (unless NULL) a
 * violation names @field; @text (unless NULL) is part of the message. */
static void expect_error(int rc, int code, const char *field, const char *text)
{
	ck_assert_msg(rc == code, "want %s, got %s: %s", numbering_status_name(code), numbering_status_name(rc),
	              response);
	json_t *error = json_object_get(parsed, "error");
	ck_assert_ptr_nonnull(error);
	ck_assert_int_eq(json_integer_value(json_object_get(error, "code")), numbering_status_http(code));
	ck_assert_str_eq(json_string_value(json_object_get(error, "status")), numbering_status_name(code));
	const char *message = json_string_value(json_object_get(error, "message"));
	ck_assert_ptr_nonnull(message);
	if (text != NULL)
		ck_assert_msg(strstr(message, text) != NULL, "message lacks \"%s\": %s", text, message);
	if (field == NULL)
		return;
	ck_assert_msg(json_error_names_field(parsed, field), "no violation names %s: %s", field, response);
}

static const char *str_at(json_t *object, const char *key)
{
	const char *s = json_string_value(json_object_get(object, key));
	ck_assert_msg(s != NULL, "no string %s", key);
	return s;
}

static void create_single(const char *id, const char *number)
{
	char request[512];
	snprintf(request, sizeof(request),
	         "{\"parent\":\"projects/p1\",\"phoneNumberInstanceId\":\"%s\","
	         "\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":\"%s\"}}}",
	         id, number);
	call_ok("CreatePhoneNumberInstance", request);
}

START_TEST(create_golden)
{
	int rc = call("CreatePhoneNumberInstance",
	              "{\"parent\":\"projects/p1\",\"phoneNumberInstanceId\":\"office\",\"requestId\":\"r-1\","
	              "\"phoneNumberInstance\":{"
	              "\"phoneNumber\":{\"phoneNumber\":\"+61255501100\",\"capabilities\":[\"VOICE\",\"SMS\"],"
	              "\"numberType\":\"LOCAL\"},"
	              "\"displayName\":\"Front desk\",\"labels\":{\"team\":\"sales\",\"floor\":\"3\"},"
	              "\"incomingMessageHandlerUris\":[\"https://example.com/sms\"],"
	              "\"incomingCallHandlerUris\":[\"sip:desk@example.com\",\"tel:+61255501199\"],"
	              "\"callRecordingTrigger\":\"ANSWER\"}}");
	ck_assert_msg(rc == NUMBERING_OK, "%s", response);
	ck_assert_str_eq(response,
	                 "{\"name\":\"projects/p1/phoneNumberInstances/office\","
	                 "\"phoneNumber\":{\"phoneNumber\":\"+61255501100\",\"capabilities\":[\"SMS\",\"VOICE\"],"
	                 "\"numberType\":\"LOCAL\",\"countryCode\":\"AU\"},"
	                 "\"displayName\":\"Front desk\",\"labels\":{\"floor\":\"3\",\"team\":\"sales\"},"
	                 "\"incomingMessageHandlerUris\":[\"https://example.com/sms\"],"
	                 "\"incomingCallHandlerUris\":[\"sip:desk@example.com\",\"tel:+61255501199\"],"
	                 "\"callRecordingTrigger\":\"ANSWER\",\"createTime\":\"2026-01-01T00:00:00Z\","
	                 "\"activateTime\":\"2026-01-01T00:00:00Z\",\"lifecycleState\":\"ACTIVE\",\"compliant\":true}");
}
END_TEST

START_TEST(create_range_golden)
{
	call_ok("CreatePhoneNumberInstance",
	        "{\"parent\":\"projects/p1\",\"phone_number_instance_id\":\"block\",\"phone_number_instance\":"
	        "{\"phone_number\":{\"phone_number\":\"+61255501100-99\"},\"lifecycle_state\":\"PENDING\"}}");
	ck_assert_str_eq(response, "{\"name\":\"projects/p1/phoneNumberInstances/block\","
	                           "\"phoneNumber\":{\"phoneNumber\":\"+61255501100\",\"countryCode\":\"AU\"},"
	                           "\"callRecordingTrigger\":\"DISABLED\",\"createTime\":\"2026-01-01T00:00:00Z\","
	                           "\"lifecycleState\":\"PENDING\","
	                           "\"range\":{\"primaryPhoneNumberInstance\":\"projects/p1/phoneNumberInstances/block\","
	                           "\"startPhoneNumber\":\"+61255501100\",\"endPhoneNumber\":\"+61255501199\","
	                           "\"size\":100},"
	                           "\"compliant\":true}");
}
END_TEST

START_TEST(create_range_by_size_and_end)
{
	json_t *r = call_ok("CreatePhoneNumberInstance",
	                    "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":"
	                    "\"+61255501100\"},\"range\":{\"size\":\"20\"}}}");
	ck_assert_str_eq(str_at(json_object_get(r, "range"), "endPhoneNumber"), "+61255501119");
	r = call_ok("CreatePhoneNumberInstance",
	            "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":"
	            "\"+61255501200\"},\"range\":{\"endPhoneNumber\":\"+61255501209\"}}}");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(r, "range"), "size")), 10);
	/* A generated id. */
	ck_assert_ptr_nonnull(strstr(str_at(r, "name"), "projects/p1/phoneNumberInstances/"));
}
END_TEST

START_TEST(create_ignores_output_only_fields)
{
	call_ok("CreatePhoneNumberInstance",
	        "{\"parent\":\"projects/p1\",\"phoneNumberInstanceId\":\"a\",\"phoneNumberInstance\":{"
	        "\"name\":\"projects/other/phoneNumberInstances/zzz\",\"createTime\":\"2001-01-01T00:00:00Z\","
	        "\"deleteTime\":\"2001-01-01T00:00:00Z\",\"activateTime\":\"2001-01-01T00:00:00.5+10:00\","
	        "\"compliant\":false,\"range\":{\"primaryPhoneNumberInstance\":\"x\",\"startPhoneNumber\":\"y\"},"
	        "\"phoneNumber\":{\"phoneNumber\":\"+61255501100\",\"sku\":\"s\",\"activationSku\":\"t\","
	        "\"countryCode\":\"US\",\"name\":\"phoneNumbers/x\"}}}");
	ck_assert_str_eq(str_at(parsed, "name"), "projects/p1/phoneNumberInstances/a");
	ck_assert_str_eq(str_at(parsed, "createTime"), "2026-01-01T00:00:00Z");
	ck_assert_ptr_null(json_object_get(parsed, "deleteTime"));
	ck_assert_ptr_null(json_object_get(parsed, "range"));
	ck_assert_str_eq(str_at(json_object_get(parsed, "phoneNumber"), "countryCode"), "AU");
	/* ...but a wrong type in one is still a malformed request. */
	expect_error(call("CreatePhoneNumberInstance",
	                  "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":"
	                  "\"+61255501300\"},\"createTime\":12}}"),
	             NUMBERING_INVALID_ARGUMENT, "phone_number_instance.create_time", "must be a string");
	expect_error(call("CreatePhoneNumberInstance",
	                  "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":"
	                  "\"+61255501300\"},\"compliant\":\"yes\"}}"),
	             NUMBERING_INVALID_ARGUMENT, "phone_number_instance.compliant", "must be a boolean");
}
END_TEST

START_TEST(split_seed_example)
{
	call_ok("CreatePhoneNumberInstance",
	        "{\"parent\":\"projects/p1\",\"phoneNumberInstanceId\":\"block\","
	        "\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":\"+61255501100-99\"}}}");
	json_t *r = call_ok("SplitRange",
	                    "{\"phoneNumberInstance\":\"projects/p1/phoneNumberInstances/block\",\"size\":20}");
	json_t *first = json_object_get(r, "first"), *second = json_object_get(r, "second");
	ck_assert_str_eq(str_at(first, "name"), "projects/p1/phoneNumberInstances/block");
	ck_assert_str_eq(str_at(json_object_get(first, "range"), "startPhoneNumber"), "+61255501100");
	ck_assert_str_eq(str_at(json_object_get(first, "range"), "endPhoneNumber"), "+61255501119");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(first, "range"), "size")), 20);
	ck_assert_str_eq(str_at(json_object_get(second, "range"), "startPhoneNumber"), "+61255501120");
	ck_assert_str_eq(str_at(json_object_get(second, "range"), "endPhoneNumber"), "+61255501199");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(second, "range"), "size")), 80);
	ck_assert_str_eq(str_at(json_object_get(second, "range"), "primaryPhoneNumberInstance"), str_at(second, "name"));
	ck_assert_str_ne(str_at(second, "name"), str_at(first, "name"));

	/* The numbers now resolve to their halves. */
	char second_name[256];
	snprintf(second_name, sizeof(second_name), "%s", str_at(second, "name"));
	call_ok("ResolvePhoneNumber", "{\"phoneNumber\":\"+61255501150\"}");
	ck_assert_str_eq(str_at(parsed, "name"), second_name);
	call_ok("ResolvePhoneNumber", "{\"phoneNumber\":\"02 5550 1119\",\"regionCode\":\"AU\"}");
	ck_assert_str_eq(str_at(parsed, "name"), "projects/p1/phoneNumberInstances/block");

	/* size is an int32 and must be within the range. */
	expect_error(call("SplitRange", "{\"phoneNumberInstance\":\"projects/p1/phoneNumberInstances/block\","
	                                "\"size\":2147483648}"),
	             NUMBERING_INVALID_ARGUMENT, "size", "out of range for int32");
	expect_error(call("SplitRange", "{\"phoneNumberInstance\":\"projects/p1/phoneNumberInstances/block\","
	                                "\"size\":2.5}"),
	             NUMBERING_INVALID_ARGUMENT, "size", "must be an integer");
	ck_assert_int_eq(call("SplitRange", "{\"phoneNumberInstance\":\"projects/p1/phoneNumberInstances/block\","
	                                    "\"size\":20}"),
	                 NUMBERING_INVALID_ARGUMENT);
}
END_TEST

START_TEST(get_and_lifecycle)
{
	call_ok("CreatePhoneNumberInstance", "{\"parent\":\"projects/p1\",\"phoneNumberInstanceId\":\"port\","
	                                     "\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":\"+61255501100\"},"
	                                     "\"lifecycleState\":\"PENDING\"}}");
	ck_assert_ptr_null(json_object_get(parsed, "activateTime"));
	const char *name = "{\"name\":\"projects/p1/phoneNumberInstances/port\"}";
	call_ok("GetPhoneNumberInstance", name);
	ck_assert_str_eq(str_at(parsed, "lifecycleState"), "PENDING");
	expect_error(call("SuspendPhoneNumberInstance", name), NUMBERING_FAILED_PRECONDITION, NULL, NULL);
	call_ok("ActivatePhoneNumberInstance", name);
	ck_assert_str_eq(str_at(parsed, "lifecycleState"), "ACTIVE");
	ck_assert_ptr_nonnull(json_object_get(parsed, "activateTime"));
	call_ok("SuspendPhoneNumberInstance", name);
	ck_assert_str_eq(str_at(parsed, "lifecycleState"), "SUSPENDED");
	call_ok("ResumePhoneNumberInstance", name);
	ck_assert_str_eq(str_at(parsed, "lifecycleState"), "ACTIVE");
	call_ok("DeletePhoneNumberInstance", name);
	ck_assert_str_eq(str_at(parsed, "lifecycleState"), "DELETED");
	ck_assert_ptr_nonnull(json_object_get(parsed, "deleteTime"));
	expect_error(call("GetPhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/nobody\"}"),
	             NUMBERING_NOT_FOUND, NULL, NULL);
	expect_error(call("GetPhoneNumberInstance", "{}"), NUMBERING_INVALID_ARGUMENT, "name", NULL);
	expect_error(call("GetPhoneNumberInstance", "{\"name\":7}"), NUMBERING_INVALID_ARGUMENT, "name",
	             "name must be a string, not a number");
}
END_TEST

START_TEST(list_pages)
{
	json_t *r = call_ok("ListPhoneNumberInstances", "{\"parent\":\"projects/p1\"}");
	ck_assert_str_eq(response, "{\"phoneNumberInstances\":[]}");
	create_single("one", "+61255501101");
	create_single("two", "+61255501102");
	create_single("three", "+61255501103");
	r = call_ok("ListPhoneNumberInstances", "{\"parent\":\"projects/p1\",\"pageSize\":2}");
	json_t *items = json_object_get(r, "phoneNumberInstances");
	ck_assert_int_eq(json_array_size(items), 2);
	ck_assert_str_eq(str_at(json_array_get(items, 0), "name"), "projects/p1/phoneNumberInstances/three");
	ck_assert_str_eq(str_at(json_array_get(items, 1), "name"), "projects/p1/phoneNumberInstances/two");
	char request[1024];
	snprintf(request, sizeof(request), "{\"parent\":\"projects/p1\",\"page_size\":\"2\",\"pageToken\":\"%s\"}",
	         str_at(r, "nextPageToken"));
	r = call_ok("ListPhoneNumberInstances", request);
	items = json_object_get(r, "phoneNumberInstances");
	ck_assert_int_eq(json_array_size(items), 1);
	ck_assert_str_eq(str_at(json_array_get(items, 0), "name"), "projects/p1/phoneNumberInstances/one");
	const char *token = json_string_value(json_object_get(r, "nextPageToken"));
	ck_assert(token == NULL || token[0] == '\0');

	/* Filters: prefix, deleted. */
	call_ok("DeletePhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/two\"}");
	r = call_ok("ListPhoneNumberInstances", "{\"parent\":\"projects/p1\"}");
	ck_assert_int_eq(json_array_size(json_object_get(r, "phoneNumberInstances")), 2);
	r = call_ok("ListPhoneNumberInstances", "{\"parent\":\"projects/p1\",\"includeDeleted\":true}");
	ck_assert_int_eq(json_array_size(json_object_get(r, "phoneNumberInstances")), 3);
	r = call_ok("ListPhoneNumberInstances",
	            "{\"parent\":\"projects/p1\",\"prefix\":\"0255501103\",\"regionCode\":\"AU\"}");
	ck_assert_int_eq(json_array_size(json_object_get(r, "phoneNumberInstances")), 1);

	/* page_size is an int32. */
	expect_error(call("ListPhoneNumberInstances", "{\"parent\":\"projects/p1\",\"pageSize\":2147483648}"),
	             NUMBERING_INVALID_ARGUMENT, "page_size", "out of range for int32");
	expect_error(call("ListPhoneNumberInstances", "{\"parent\":\"projects/p1\",\"pageSize\":-2147483649}"),
	             NUMBERING_INVALID_ARGUMENT, "page_size", NULL);
	expect_error(call("ListPhoneNumberInstances", "{\"parent\":\"projects/p1\",\"pageSize\":\"12x\"}"),
	             NUMBERING_INVALID_ARGUMENT, "page_size", "must be an integer");
	expect_error(call("ListPhoneNumberInstances", "{\"parent\":\"projects/p1\",\"pageSize\":1.5}"),
	             NUMBERING_INVALID_ARGUMENT, "page_size", "must be an integer");
	expect_error(call("ListPhoneNumberInstances", "{\"parent\":\"projects/p1\",\"pageSize\":true}"),
	             NUMBERING_INVALID_ARGUMENT, "page_size", "must be an integer, not a boolean");
	expect_error(call("ListPhoneNumberInstances", "{\"parent\":\"projects/p1\",\"includeDeleted\":1}"),
	             NUMBERING_INVALID_ARGUMENT, "include_deleted", "must be a boolean");
	/* An integral real is an integer written another way (proto3 JSON). */
	r = call_ok("ListPhoneNumberInstances", "{\"parent\":\"projects/p1\",\"pageSize\":1.0}");
	ck_assert_int_eq(json_array_size(json_object_get(r, "phoneNumberInstances")), 1);
	expect_error(call("ListPhoneNumberInstances", "{\"parent\":\"projects/p1\",\"pageSize\":-1}"),
	             NUMBERING_INVALID_ARGUMENT, NULL, NULL);
}
END_TEST

START_TEST(update_fields)
{
	create_single("desk", "+61255501100");
	json_t *r = call_ok("UpdatePhoneNumberInstance",
	                    "{\"name\":\"projects/p1/phoneNumberInstances/desk\",\"updateMask\":\"displayName,labels\","
	                    "\"phoneNumberInstance\":{\"displayName\":\"Desk\",\"labels\":{\"a\":\"b\"},"
	                    "\"callRecordingTrigger\":\"BRIDGE\"}}");
	ck_assert_str_eq(str_at(r, "displayName"), "Desk");
	ck_assert_str_eq(str_at(json_object_get(r, "labels"), "a"), "b");
	ck_assert_str_eq(str_at(r, "callRecordingTrigger"), "DISABLED");
	r = call_ok("UpdatePhoneNumberInstance",
	            "{\"name\":\"projects/p1/phoneNumberInstances/desk\",\"update_mask\":\"call_recording_trigger,"
	            "phone_number.capabilities,incomingCallHandlerUris\",\"phone_number_instance\":{"
	            "\"call_recording_trigger\":2,\"phone_number\":{\"capabilities\":[\"MMS\"]},"
	            "\"incoming_call_handler_uris\":[\"https://example.com/call\"]}}");
	ck_assert_str_eq(str_at(r, "callRecordingTrigger"), "ANSWER");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(json_object_get(r, "phoneNumber"),
	                                                                   "capabilities"), 0)),
	                 "MMS");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(r, "incomingCallHandlerUris"), 0)),
	                 "https://example.com/call");
	ck_assert_str_eq(str_at(r, "displayName"), "Desk");

	/* A round trip: what Get returns can be sent back as an update. */
	call_ok("GetPhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/desk\"}");
	char *body = json_dumps(parsed, JSON_COMPACT);
	char request[4096];
	snprintf(request, sizeof(request),
	         "{\"name\":\"projects/p1/phoneNumberInstances/desk\",\"updateMask\":\"displayName\","
	         "\"phoneNumberInstance\":%s}",
	         body);
	free(body);
	call_ok("UpdatePhoneNumberInstance", request);
	ck_assert_str_eq(str_at(parsed, "displayName"), "Desk");

	/* Setter failures name the field inside the request. */
	expect_error(call("UpdatePhoneNumberInstance",
	                  "{\"name\":\"projects/p1/phoneNumberInstances/desk\",\"updateMask\":\"displayName\","
	                  "\"phoneNumberInstance\":{\"displayName\":\"bad\\u0007name\"}}"),
	             NUMBERING_INVALID_ARGUMENT, "phone_number_instance.display_name", NULL);
	expect_error(call("UpdatePhoneNumberInstance",
	                  "{\"name\":\"projects/p1/phoneNumberInstances/desk\","
	                  "\"updateMask\":\"incomingMessageHandlerUris\","
	                  "\"phoneNumberInstance\":{\"incomingMessageHandlerUris\":[\"ftp://example.com\"]}}"),
	             NUMBERING_INVALID_ARGUMENT, NULL, NULL);
	ck_assert_ptr_nonnull(strstr(response, "\"field\":\"phone_number_instance.incoming_message_handler_uris"));
	expect_error(call("UpdatePhoneNumberInstance",
	                  "{\"name\":\"projects/p1/phoneNumberInstances/desk\",\"updateMask\":\"labels\","
	                  "\"phoneNumberInstance\":{\"labels\":{\"k\":1}}}"),
	             NUMBERING_INVALID_ARGUMENT, "phone_number_instance.labels.k", "must be a string");
	expect_error(call("UpdatePhoneNumberInstance",
	                  "{\"name\":\"projects/p1/phoneNumberInstances/desk\",\"updateMask\":\"callRecordingTrigger\","
	                  "\"phoneNumberInstance\":{\"callRecordingTrigger\":\"LOUD\"}}"),
	             NUMBERING_INVALID_ARGUMENT, "phone_number_instance.call_recording_trigger", "LOUD");
	expect_error(call("UpdatePhoneNumberInstance",
	                  "{\"name\":\"projects/p1/phoneNumberInstances/desk\",\"updateMask\":\"capabilities\","
	                  "\"phoneNumberInstance\":{\"phoneNumber\":{\"capabilities\":[\"SMS\",\"FAX\"]}}}"),
	             NUMBERING_INVALID_ARGUMENT, "phone_number_instance.phone_number.capabilities[1]", "FAX");
	expect_error(call("UpdatePhoneNumberInstance",
	                  "{\"name\":\"projects/p1/phoneNumberInstances/desk\",\"updateMask\":[\"labels\"],"
	                  "\"phoneNumberInstance\":{}}"),
	             NUMBERING_INVALID_ARGUMENT, "update_mask", "must be a string");
	expect_error(call("UpdatePhoneNumberInstance",
	                  "{\"name\":\"projects/p1/phoneNumberInstances/desk\",\"updateMask\":\"createTime\","
	                  "\"phoneNumberInstance\":{}}"),
	             NUMBERING_INVALID_ARGUMENT, NULL, NULL);
}
END_TEST

START_TEST(move_and_resolve)
{
	create_single("mover", "+61255501100");
	json_t *r = call_ok("MovePhoneNumberInstance",
	                    "{\"name\":\"projects/p1/phoneNumberInstances/mover\",\"destinationParent\":\"projects/p2\","
	                    "\"regulatoryListing\":\"projects/p2/regulatoryListings/acme\"}");
	ck_assert_str_eq(str_at(r, "name"), "projects/p2/phoneNumberInstances/mover");
	ck_assert_str_eq(str_at(r, "regulatoryListing"), "projects/p2/regulatoryListings/acme");
	r = call_ok("ResolvePhoneNumber", "{\"phoneNumber\":\"+61 2 5550 1100\"}");
	ck_assert_str_eq(str_at(r, "name"), "projects/p2/phoneNumberInstances/mover");
	expect_error(call("ResolvePhoneNumber", "{\"phoneNumber\":\"+61255509999\"}"), NUMBERING_NOT_FOUND, NULL,
	             NULL);
	expect_error(call("ResolvePhoneNumber", "{\"phone_number\":\"+61255501100\",\"phoneNumber\":\"+61255501100\"}"),
	             NUMBERING_INVALID_ARGUMENT, "phone_number", "given twice");
	expect_error(call("MovePhoneNumberInstance", "{\"name\":\"projects/p2/phoneNumberInstances/mover\","
	                                             "\"destinationParent\":[\"projects/p3\"]}"),
	             NUMBERING_INVALID_ARGUMENT, "destination_parent", "must be a string, not an array");
}
END_TEST

START_TEST(malformed_requests)
{
	int rc = call("GetPhoneNumberInstance", "{\"name\":\n  \"projects/p1/phoneNumberInstances/x\",}");
	expect_error(rc, NUMBERING_INVALID_ARGUMENT, NULL, "malformed JSON in the request at line 2, column");
	expect_error(call("GetPhoneNumberInstance", ""), NUMBERING_INVALID_ARGUMENT, NULL, "malformed JSON");
	expect_error(call("GetPhoneNumberInstance", "{} {}"), NUMBERING_INVALID_ARGUMENT, NULL, "malformed JSON");
	expect_error(call("GetPhoneNumberInstance", "{\"name\":\"\xff\"}"), NUMBERING_INVALID_ARGUMENT, NULL,
	             "malformed JSON");
	expect_error(call("GetPhoneNumberInstance", "{\"name\":\"a\\u0000b\"}"), NUMBERING_INVALID_ARGUMENT, "name",
	             "holds a NUL character");
	expect_error(call("GetPhoneNumberInstance", "[]"), NUMBERING_INVALID_ARGUMENT, NULL,
	             "must be a JSON object, not an array");
	expect_error(call("GetPhoneNumberInstance", "\"projects/p1\""), NUMBERING_INVALID_ARGUMENT, NULL,
	             "must be a JSON object, not a string");
	expect_error(call("GetPhoneNumberInstance", "null"), NUMBERING_INVALID_ARGUMENT, NULL, "not null");
	expect_error(call("GetPhoneNumberInstance", "{\"name\":\"a\",\"name\":\"b\"}"), NUMBERING_INVALID_ARGUMENT, NULL,
	             "duplicate");
	expect_error(call("CreatePhoneNumberInstance",
	                  "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":{\"labels\":{\"k\":\"1\",\"k\":\"2\"}}}"),
	             NUMBERING_INVALID_ARGUMENT, NULL, "duplicate");
}
END_TEST

/* Expects @request to be refused for the \\u0000 escape at @offset, naming @field
 * (NULL: no field, for a NUL in a member name), and the store unchanged. */
static void expect_nul(const char *method, const char *request, const char *field, long offset)
{
	char where[64];
	snprintf(where, sizeof(where), "at byte offset %ld", offset);
	ck_assert_msg(strncmp(request + offset, "\\u0000", 6) == 0, "offset %ld is not the escape", offset);
	expect_error(call(method, request), NUMBERING_INVALID_ARGUMENT, field, where);
	const char *message = json_string_value(json_object_get(json_object_get(parsed, "error"), "message"));
	ck_assert_msg(strstr(message, "NUL") != NULL, "%s", message);
	ck_assert_int_eq(json_array_size(json_object_get(call_ok("ListPhoneNumberInstances",
	                                                         "{\"parent\":\"projects/p1\",\"includeDeleted\":true}"),
	                                                 "phoneNumberInstances")),
	                 0);
}

/* The library's strings end at their first NUL, so a JSON string holding one (the
 * \\u0000 escape) would be cut short: "user:ops\\u0000mallory" read as "user:ops". The
 * request is refused naming the field and the escape's byte offset, wherever the
 * NUL is in the value and however deep the value (issue 17). */
START_TEST(escaped_nul_names_field_and_offset)
{
	static const char create_head[] =
		"{\"parent\":\"projects/p1\",\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":\"+61255501100\"},";
	char request[512];
	long head = (long)strlen(create_head);

	expect_nul("GetPhoneNumberInstance", "{\"name\":\"\\u0000projects/p1/phoneNumberInstances/x\"}", "name", 9);
	expect_nul("GetPhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/x\\u0000y\"}", "name", 43);
	expect_nul("GetPhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/x\\u0000\"}", "name", 43);
	/* An escaped backslash before "u0000" is not a NUL; the NUL after it is. */
	snprintf(request, sizeof(request), "%s\"incomingCallHandlerUris\":[\"sip:a@b\",\"sip:\\\\u0000\\u0000\"]}}",
	         create_head);
	expect_nul("CreatePhoneNumberInstance", request, "phoneNumberInstance.incomingCallHandlerUris[1]",
	           head + (long)strlen("\"incomingCallHandlerUris\":[\"sip:a@b\",\"sip:\\\\u0000"));
	snprintf(request, sizeof(request), "%s\"displayName\":\"Front\\u0000desk\"}}", create_head);
	expect_nul("CreatePhoneNumberInstance", request, "phoneNumberInstance.displayName",
	           head + (long)strlen("\"displayName\":\"Front"));
	snprintf(request, sizeof(request), "%s\"labels\":{\"site\":\"syd\\u0000\"}}}", create_head);
	expect_nul("CreatePhoneNumberInstance", request, "phoneNumberInstance.labels.site",
	           head + (long)strlen("\"labels\":{\"site\":\"syd"));
	/* In a member name: jansson keeps no such member to name, the offset still says where. */
	snprintf(request, sizeof(request), "%s\"labels\":{\"si\\u0000te\":\"syd\"}}}", create_head);
	expect_nul("CreatePhoneNumberInstance", request, NULL, head + (long)strlen("\"labels\":{\"si"));
	snprintf(request, sizeof(request), "{\"parent\":\"projects/p1\",\"requestId\":\"r\\u0000\",%s\"displayName\":\"x\"}}",
	         create_head + 24);
	expect_nul("CreatePhoneNumberInstance", request, "requestId", (long)strlen("{\"parent\":\"projects/p1\",\"requestId\":\"r"));

	/* The policy document, the same way. */
	static const char policy_text[] =
		"{\"bindings\":[{\"project\":\"projects/p1\",\"members\":[\"user:ops\\u0000mallory\"],"
		"\"roles\":[\"roles/numbering.editor\"]}]}";
	numbering_policy *policy = NULL;
	ck_assert_int_eq(numbering_policy_parse(&policy, policy_text), NUMBERING_INVALID_ARGUMENT);
	ck_assert_ptr_null(policy);
	ck_assert_msg(strstr(numbering_error_message(), "at byte offset 58 of the policy") != NULL, "%s",
	              numbering_error_message());
	ck_assert_int_eq(strncmp(policy_text + 58, "\\u0000", 6), 0);
	ck_assert_int_eq(numbering_error_violation_count(), 1);
	ck_assert_str_eq(numbering_error_violation_field(0), "bindings[0].members[0]");
}
END_TEST

START_TEST(unknown_fields)
{
	expect_error(call("GetPhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/x\",\"nmae\":1}"),
	             NUMBERING_INVALID_ARGUMENT, "nmae", "unknown field \"nmae\" in the request");
	expect_error(call("CreatePhoneNumberInstance",
	                  "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":"
	                  "\"+61255501100\",\"carrier\":\"x\"}}}"),
	             NUMBERING_INVALID_ARGUMENT, "phone_number_instance.phone_number.carrier",
	             "unknown field \"carrier\" in phone_number_instance.phone_number");
	expect_error(call("CreatePhoneNumberInstance",
	                  "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":{\"range\":{\"length\":3}}}"),
	             NUMBERING_INVALID_ARGUMENT, "phone_number_instance.range.length", NULL);
	expect_error(call("CreatePhoneNumberInstance",
	                  "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":{\"x\\ty\":1}}"),
	             NUMBERING_INVALID_ARGUMENT, "phone_number_instance.x\\x09y", NULL);
	/* Nothing was created by any of them. */
	call_ok("ListPhoneNumberInstances", "{\"parent\":\"projects/p1\"}");
	ck_assert_str_eq(response, "{\"phoneNumberInstances\":[]}");
}
END_TEST

START_TEST(wrong_types)
{
	expect_error(call("CreatePhoneNumberInstance", "{\"parent\":5}"), NUMBERING_INVALID_ARGUMENT, "parent",
	             "parent must be a string, not a number");
	expect_error(call("CreatePhoneNumberInstance", "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":[]}"),
	             NUMBERING_INVALID_ARGUMENT, "phone_number_instance", "must be an object, not an array");
	expect_error(call("CreatePhoneNumberInstance",
	                  "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":{\"displayName\":false}}"),
	             NUMBERING_INVALID_ARGUMENT, "phone_number_instance.display_name", NULL);
	expect_error(call("CreatePhoneNumberInstance",
	                  "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":{\"incomingCallHandlerUris\":\"sip:a@b\"}}"),
	             NUMBERING_INVALID_ARGUMENT, "phone_number_instance.incoming_call_handler_uris", "must be an array");
	expect_error(call("CreatePhoneNumberInstance",
	                  "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":{\"incomingCallHandlerUris\":[null]}}"),
	             NUMBERING_INVALID_ARGUMENT, "phone_number_instance.incoming_call_handler_uris[0]", NULL);
	expect_error(call("CreatePhoneNumberInstance",
	                  "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":"
	                  "\"+61255501100\"},\"range\":{\"size\":\"many\"}}}"),
	             NUMBERING_INVALID_ARGUMENT, "phone_number_instance.range.size", NULL);
	expect_error(call("CreatePhoneNumberInstance",
	                  "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":{\"phoneNumber\":{\"numberType\":99}}}"),
	             NUMBERING_INVALID_ARGUMENT, "phone_number_instance.phone_number.number_type", NULL);
	expect_error(call("CreatePhoneNumberInstance",
	                  "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":{\"lifecycleState\":\"DELETED\","
	                  "\"phoneNumber\":{\"phoneNumber\":\"+61255501100\"}}}"),
	             NUMBERING_INVALID_ARGUMENT, NULL, NULL);
	ck_assert_ptr_nonnull(strstr(response, "\"field\":\"phone_number_instance.lifecycle_state"));
	/* null is the field's default, as if absent. */
	call_ok("CreatePhoneNumberInstance",
	        "{\"parent\":\"projects/p1\",\"phoneNumberInstanceId\":null,\"requestId\":null,\"phoneNumberInstance\":{"
	        "\"displayName\":null,\"labels\":null,\"phoneNumber\":{\"phoneNumber\":\"+61255501100\"}}}");
}
END_TEST

START_TEST(bounds)
{
	/* Larger than 1 MiB: refused before parsing. */
	size_t size = 1024 * 1024 + 64;
	char *big = malloc(size + 1);
	ck_assert_ptr_nonnull(big);
	memset(big, ' ', size);
	memcpy(big, "{\"name\":\"", 9);
	memset(big + 9, 'a', size - 20);
	memcpy(big + size - 11, "\"}", 2);
	big[size] = '\0';
	expect_error(call("GetPhoneNumberInstance", big), NUMBERING_INVALID_ARGUMENT, NULL, "larger than 1048576 bytes");
	free(big);

	/* 33 levels: refused; 32 levels of nesting in an unknown field: an unknown field. */
	char deep[256] = "{\"name\":";
	for (int i = 0; i < 32; i++)
		strcat(deep, "[");
	strcat(deep, "1");
	for (int i = 0; i < 32; i++)
		strcat(deep, "]");
	strcat(deep, "}");
	expect_error(call("GetPhoneNumberInstance", deep), NUMBERING_INVALID_ARGUMENT, NULL, "deeper than 32 levels");
	char ok[256] = "{\"x\":";
	for (int i = 0; i < 31; i++)
		strcat(ok, "[");
	for (int i = 0; i < 31; i++)
		strcat(ok, "]");
	strcat(ok, "}");
	expect_error(call("GetPhoneNumberInstance", ok), NUMBERING_INVALID_ARGUMENT, "x", "unknown field");
	/* Brackets inside strings do not count. */
	expect_error(call("GetPhoneNumberInstance", "{\"name\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"}"),
	             NUMBERING_INVALID_ARGUMENT, "name", NULL);
}
END_TEST

START_TEST(methods_and_arguments)
{
	expect_error(call("FrobnicatePhoneNumber", "{}"), NUMBERING_UNIMPLEMENTED, NULL,
	             "unknown method \"FrobnicatePhoneNumber\"");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(parsed, "error"), "code")), 501);
	expect_error(call("getPhoneNumberInstance", "{}"), NUMBERING_UNIMPLEMENTED, NULL, NULL);
	/* An unknown method is reported before its request is read. */
	expect_error(call("Nope", "not json"), NUMBERING_UNIMPLEMENTED, NULL, NULL);
	expect_error(call("", "{}"), NUMBERING_INVALID_ARGUMENT, "method", NULL);
	expect_error(call(NULL, "{}"), NUMBERING_INVALID_ARGUMENT, "method", NULL);
	expect_error(call("GetPhoneNumberInstance", NULL), NUMBERING_INVALID_ARGUMENT, "request_json", NULL);

	ck_assert_int_eq(numbering_store_call_json(NULL, store, NULL, "GetPhoneNumberInstance", "{}"),
	                 NUMBERING_INVALID_ARGUMENT);
	char *out = (char *)1;
	ck_assert_int_eq(numbering_store_call_json(&out, NULL, NULL, "GetPhoneNumberInstance", "{}"),
	                 NUMBERING_INVALID_ARGUMENT);
	ck_assert_ptr_nonnull(strstr(out, "\"field\":\"store\""));
	numbering_free(out);
}
END_TEST

START_TEST(error_body_shape)
{
	int rc = call("CreatePhoneNumberInstance", "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":{"
	                                           "\"displayName\":7}}");
	ck_assert_int_eq(rc, NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(response, "{\"error\":{\"code\":400,\"status\":\"INVALID_ARGUMENT\",\"message\":"
	                           "\"phone_number_instance.display_name must be a string, not a number\",\"details\":"
	                           "[{\"@type\":\"type.googleapis.com/google.rpc.BadRequest\",\"type\":\"BadRequest\",\"fieldViolations\":"
	                           "[{\"field\":\"phone_number_instance.display_name\",\"description\":"
	                           "\"phone_number_instance.display_name must be a string, not a number\"}]}]}}");
	/* The thread's last error is the same failure. */
	ck_assert_int_eq(numbering_error_code(), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "phone_number_instance.display_name");
}
END_TEST

START_TEST(idempotent_create)
{
	const char *request = "{\"parent\":\"projects/p1\",\"requestId\":\"retry-1\",\"phoneNumberInstance\":"
	                      "{\"phoneNumber\":{\"phoneNumber\":\"+61255501100\"}}}";
	call_ok("CreatePhoneNumberInstance", request);
	char first[1024];
	snprintf(first, sizeof(first), "%s", response);
	call_ok("CreatePhoneNumberInstance", request);
	ck_assert_str_eq(response, first);
}
END_TEST

/* Every truncation and every single-byte corruption of a valid request gets an answer
 * (a response or an error body), never a crash; run under ASan by .ci/run. */
START_TEST(mangled_requests)
{
	static const char valid[] =
		"{\"parent\":\"projects/p1\",\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":"
		"\"+61255501100-99\",\"capabilities\":[\"SMS\"]},\"labels\":{\"a\":\"b\"},\"range\":{\"size\":100}}}";
	char text[sizeof(valid)];
	for (size_t len = 0; len < sizeof(valid) - 1; len++) {
		memcpy(text, valid, len);
		text[len] = '\0';
		ck_assert_int_eq(call("CreatePhoneNumberInstance", text), NUMBERING_INVALID_ARGUMENT);
	}
	static const char replacements[] = "\"{}[],:0\\x\x80";
	for (size_t i = 0; i < sizeof(valid) - 1; i++) {
		for (size_t r = 0; r < sizeof(replacements) - 1; r++) {
			memcpy(text, valid, sizeof(valid));
			text[i] = replacements[r];
			int rc = call("CreatePhoneNumberInstance", text);
			ck_assert_ptr_nonnull(response);
			if (rc == NUMBERING_OK)
				ck_assert_ptr_nonnull(json_object_get(parsed, "name"));
			else
				ck_assert_ptr_nonnull(json_object_get(parsed, "error"));
		}
	}
}
END_TEST

/* ---- Issue 3's JSON contract, error path by error path ---- */

START_TEST(create_errors_name_the_request_field)
{
	create_single("block", "+61255501100-99");
	/* AIP-122 ids. */
	const char *bad_ids[] = {"1abc", "Abc", "a_b", "abc-", "-a",
	                         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};
	for (size_t i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
		char request[512];
		snprintf(request, sizeof(request),
		         "{\"parent\":\"projects/p1\",\"phoneNumberInstanceId\":\"%s\",\"phoneNumberInstance\":"
		         "{\"phoneNumber\":{\"phoneNumber\":\"+61255509000\"}}}",
		         bad_ids[i]);
		expect_error(call("CreatePhoneNumberInstance", request), NUMBERING_INVALID_ARGUMENT,
		             "phone_number_instance_id", bad_ids[i]);
	}
	/* Overlap names the holder, both ways round. */
	expect_error(call("CreatePhoneNumberInstance",
	                  "{\"parent\":\"projects/p2\",\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":"
	                  "\"+61255501150\"}}}"),
	             NUMBERING_ALREADY_EXISTS, "phone_number_instance.phone_number.phone_number",
	             "is already held by projects/p1/phoneNumberInstances/block (ACTIVE)");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(parsed, "error"), "code")), 409);
	create_single("single", "+61255502000");
	expect_error(call("CreatePhoneNumberInstance",
	                  "{\"parent\":\"projects/p2\",\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":"
	                  "\"+61255501900\"},\"range\":{\"size\":200}}}"),
	             NUMBERING_ALREADY_EXISTS, "phone_number_instance.phone_number.phone_number",
	             "is already held by projects/p1/phoneNumberInstances/single (ACTIVE)");
	/* The name is taken. */
	expect_error(call("CreatePhoneNumberInstance",
	                  "{\"parent\":\"projects/p1\",\"phoneNumberInstanceId\":\"single\",\"phoneNumberInstance\":"
	                  "{\"phoneNumber\":{\"phoneNumber\":\"+61255503000\"}}}"),
	             NUMBERING_ALREADY_EXISTS, "phone_number_instance_id", "already exists");
	/* A request id reused for another request. */
	const char *first = "{\"parent\":\"projects/p1\",\"requestId\":\"order-7\",\"phoneNumberInstance\":"
	                    "{\"phoneNumber\":{\"phoneNumber\":\"+61255504000\"},\"displayName\":\"A\"}}";
	call_ok("CreatePhoneNumberInstance", first);
	char name[128];
	snprintf(name, sizeof(name), "%s", str_at(parsed, "name"));
	call_ok("CreatePhoneNumberInstance", first);
	ck_assert_str_eq(str_at(parsed, "name"), name);
	expect_error(call("CreatePhoneNumberInstance",
	                  "{\"parent\":\"projects/p1\",\"requestId\":\"order-7\",\"phoneNumberInstance\":"
	                  "{\"phoneNumber\":{\"phoneNumber\":\"+61255504000\"},\"displayName\":\"B\"}}"),
	             NUMBERING_INVALID_ARGUMENT, "request_id", "already used for a different request");
	expect_error(call("CreatePhoneNumberInstance",
	                  "{\"parent\":\"projects/p1\",\"requestId\":\"order-7\",\"phoneNumberInstance\":"
	                  "{\"phoneNumber\":{\"phoneNumber\":\"+61255504001\"},\"displayName\":\"A\"}}"),
	             NUMBERING_INVALID_ARGUMENT, "request_id", "already used for a different request");
	/* Field validation inside the instance. */
	expect_error(call("CreatePhoneNumberInstance",
	                  "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":"
	                  "\"+61255505000\"},\"incomingCallHandlerUris\":[\"tel:5550100\"]}}"),
	             NUMBERING_INVALID_ARGUMENT, "phone_number_instance.incoming_call_handler_uris", NULL);
	expect_error(call("CreatePhoneNumberInstance",
	                  "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":"
	                  "\"+61255505000\"},\"incomingMessageHandlerUris\":[\"sip:a@example.com\"]}}"),
	             NUMBERING_INVALID_ARGUMENT, "phone_number_instance.incoming_message_handler_uris", NULL);
	expect_error(call("CreatePhoneNumberInstance",
	                  "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":"
	                  "\"+61255505000\"},\"incomingCallHandlerUris\":[\"https://a.example\",\"https://b.example\","
	                  "\"https://c.example\",\"https://d.example\",\"https://e.example\",\"https://f.example\"]}}"),
	             NUMBERING_INVALID_ARGUMENT, "phone_number_instance.incoming_call_handler_uris", "at most 5");
	expect_error(call("CreatePhoneNumberInstance",
	                  "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":"
	                  "\"+61255505000\"},\"regulatoryListing\":\"projects/p1/listings/x\"}}"),
	             NUMBERING_INVALID_ARGUMENT, "phone_number_instance.regulatory_listing", NULL);
	expect_error(call("CreatePhoneNumberInstance", "{\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":"
	                                               "\"+61255505000\"}}}"),
	             NUMBERING_INVALID_ARGUMENT, "parent", "required");
	expect_error(call("CreatePhoneNumberInstance", "{\"parent\":\"projects/p1\"}"), NUMBERING_INVALID_ARGUMENT,
	             "phone_number_instance.phone_number.phone_number", "required");
	expect_error(call("CreatePhoneNumberInstance",
	                  "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":{\"displayName\":\"x\"}}"),
	             NUMBERING_INVALID_ARGUMENT, "phone_number_instance.phone_number.phone_number", "required");
}
END_TEST

START_TEST(update_mask_paths_through_json)
{
	call_ok("CreatePhoneNumberInstance",
	        "{\"parent\":\"projects/p1\",\"phoneNumberInstanceId\":\"desk\",\"phoneNumberInstance\":{"
	        "\"phoneNumber\":{\"phoneNumber\":\"+61255501100\",\"capabilities\":[\"SMS\"]},\"displayName\":\"Desk\","
	        "\"labels\":{\"a\":\"b\"},\"callRecordingTrigger\":\"BRIDGE\"}}");
	static const char *const bad[] = {"createTime", "create_time", "lifecycleState", "range", "range.size",
	                                  "phoneNumber", "phone_number.phone_number", "name", "regulatoryListing",
	                                  "compliant", "deleteTime", "activateTime", "phoneNumber.countryCode"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char request[512], want[96];
		snprintf(request, sizeof(request),
		         "{\"name\":\"projects/p1/phoneNumberInstances/desk\",\"updateMask\":\"displayName,%s\","
		         "\"phoneNumberInstance\":{\"displayName\":\"Changed\"}}",
		         bad[i]);
		snprintf(want, sizeof(want), "update mask path \"%s\"", bad[i]);
		expect_error(call("UpdatePhoneNumberInstance", request), NUMBERING_INVALID_ARGUMENT, "update_mask", want);
	}
	call_ok("GetPhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/desk\"}");
	ck_assert_str_eq(str_at(parsed, "displayName"), "Desk");
	/* Only the masked field changes, even when the request carries others. */
	call_ok("UpdatePhoneNumberInstance",
	        "{\"name\":\"projects/p1/phoneNumberInstances/desk\",\"updateMask\":\"labels\","
	        "\"phoneNumberInstance\":{\"displayName\":\"Changed\",\"labels\":{\"c\":\"d\"},"
	        "\"callRecordingTrigger\":\"ANSWER\",\"phoneNumber\":{\"capabilities\":[\"VOICE\"]}}}");
	ck_assert_str_eq(str_at(parsed, "displayName"), "Desk");
	ck_assert_str_eq(str_at(json_object_get(parsed, "labels"), "c"), "d");
	ck_assert_ptr_null(json_object_get(json_object_get(parsed, "labels"), "a"));
	ck_assert_str_eq(str_at(parsed, "callRecordingTrigger"), "BRIDGE");
	ck_assert_str_eq(json_string_value(json_array_get(
	                     json_object_get(json_object_get(parsed, "phoneNumber"), "capabilities"), 0)),
	                 "SMS");
	/* No mask is "*": every writable field takes the request's value, absent ones their default. */
	call_ok("UpdatePhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/desk\","
	                                     "\"phoneNumberInstance\":{\"displayName\":\"Front\"}}");
	ck_assert_str_eq(str_at(parsed, "displayName"), "Front");
	ck_assert_ptr_null(json_object_get(parsed, "labels"));
	ck_assert_str_eq(str_at(parsed, "callRecordingTrigger"), "DISABLED");
	ck_assert_ptr_null(json_object_get(json_object_get(parsed, "phoneNumber"), "capabilities"));
	ck_assert_str_eq(str_at(json_object_get(parsed, "phoneNumber"), "phoneNumber"), "+61255501100");
	ck_assert_str_eq(str_at(parsed, "lifecycleState"), "ACTIVE");
	expect_error(call("UpdatePhoneNumberInstance",
	                  "{\"name\":\"projects/p1/phoneNumberInstances/nobody\",\"updateMask\":\"displayName\","
	                  "\"phoneNumberInstance\":{\"displayName\":\"x\"}}"),
	             NUMBERING_NOT_FOUND, "name", "does not exist");
	call_ok("DeletePhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/desk\"}");
	expect_error(call("UpdatePhoneNumberInstance",
	                  "{\"name\":\"projects/p1/phoneNumberInstances/desk\",\"updateMask\":\"displayName\","
	                  "\"phoneNumberInstance\":{\"displayName\":\"x\"}}"),
	             NUMBERING_FAILED_PRECONDITION, NULL, "DELETED");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(parsed, "error"), "code")), 400);
}
END_TEST

START_TEST(split_and_move_errors)
{
	create_single("block", "+61255501100-99");
	create_single("one", "+61255502000");
	const char *bad_sizes[] = {"0", "-1", "100", "1000"};
	for (size_t i = 0; i < sizeof(bad_sizes) / sizeof(bad_sizes[0]); i++) {
		char request[256];
		snprintf(request, sizeof(request),
		         "{\"phoneNumberInstance\":\"projects/p1/phoneNumberInstances/block\",\"size\":%s}", bad_sizes[i]);
		expect_error(call("SplitRange", request), NUMBERING_INVALID_ARGUMENT, "size", "outside 1..99");
	}
	expect_error(call("SplitRange", "{\"phoneNumberInstance\":\"projects/p1/phoneNumberInstances/block\"}"),
	             NUMBERING_INVALID_ARGUMENT, "size", NULL);
	expect_error(call("SplitRange", "{\"phoneNumberInstance\":\"projects/p1/phoneNumberInstances/one\",\"size\":1}"),
	             NUMBERING_INVALID_ARGUMENT, "phone_number_instance", "not a range");
	expect_error(call("SplitRange", "{\"size\":1}"), NUMBERING_INVALID_ARGUMENT, "phone_number_instance", "required");
	expect_error(call("SplitRange", "{\"phoneNumberInstance\":\"projects/p1/phoneNumberInstances/none\",\"size\":1}"),
	             NUMBERING_NOT_FOUND, "phone_number_instance", NULL);
	expect_error(call("SplitRange", "{\"name\":\"projects/p1/phoneNumberInstances/block\",\"size\":1}"),
	             NUMBERING_INVALID_ARGUMENT, "name", "unknown field");
	/* Move: the id is kept; the destination must be a project and not the source. */
	expect_error(call("MovePhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/one\"}"),
	             NUMBERING_INVALID_ARGUMENT, "destination_parent", "required");
	expect_error(call("MovePhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/one\","
	                                             "\"destinationParent\":\"projects/p1\"}"),
	             NUMBERING_INVALID_ARGUMENT, "destination_parent", "already in");
	expect_error(call("MovePhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/one\","
	                                             "\"destinationParent\":\"projects/p2\","
	                                             "\"regulatoryListing\":\"projects/p1/regulatoryListings/x\"}"),
	             NUMBERING_INVALID_ARGUMENT, "regulatory_listing", "not a listing of the destination");
	json_t *r = call_ok("MovePhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/block\","
	                                               "\"destinationParent\":\"projects/p2\"}");
	ck_assert_str_eq(str_at(r, "name"), "projects/p2/phoneNumberInstances/block");
	ck_assert_str_eq(str_at(json_object_get(r, "range"), "primaryPhoneNumberInstance"),
	                 "projects/p2/phoneNumberInstances/block");
	expect_error(call("GetPhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/block\"}"),
	             NUMBERING_NOT_FOUND, "name", NULL);
}
END_TEST

/* Each method refuses an unknown field and a wrong type, and never crashes. */
START_TEST(every_method_refuses_unknown_fields_and_wrong_types)
{
	static const char *const methods[] = {
		"CreatePhoneNumberInstance",   "GetPhoneNumberInstance",     "ListPhoneNumberInstances",
		"UpdatePhoneNumberInstance",   "DeletePhoneNumberInstance",  "MovePhoneNumberInstance",
		"SplitRange",                  "ActivatePhoneNumberInstance", "SuspendPhoneNumberInstance",
		"ResumePhoneNumberInstance",   "ResolvePhoneNumber",
	};
	/* A string field of each request, given a number. */
	static const char *const string_fields[] = {"parent", "name", "parent", "name", "name", "name",
	                                            "phoneNumberInstance", "name", "name", "name", "phoneNumber"};
	static const char *const snake[] = {"parent", "name", "parent", "name", "name", "name",
	                                    "phone_number_instance", "name", "name", "name", "phone_number"};
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		expect_error(call(methods[i], "{\"bogus\":1}"), NUMBERING_INVALID_ARGUMENT, "bogus", "unknown field");
		char request[128];
		snprintf(request, sizeof(request), "{\"%s\":12}", string_fields[i]);
		expect_error(call(methods[i], request), NUMBERING_INVALID_ARGUMENT, snake[i], "must be a string");
		snprintf(request, sizeof(request), "{\"%s\":{}}", string_fields[i]);
		expect_error(call(methods[i], request), NUMBERING_INVALID_ARGUMENT, snake[i], NULL);
		expect_error(call(methods[i], "{"), NUMBERING_INVALID_ARGUMENT, NULL, "malformed JSON");
		expect_error(call(methods[i], "[1]"), NUMBERING_INVALID_ARGUMENT, NULL, "must be a JSON object");
		/* An empty request is missing its required fields. */
		ck_assert_int_eq(call(methods[i], "{}"), NUMBERING_INVALID_ARGUMENT);
	}
	expect_error(call("Listphonenumberinstances", "{}"), NUMBERING_UNIMPLEMENTED, NULL, "unknown method");
	expect_error(call("CreatePhoneNumber", "{}"), NUMBERING_UNIMPLEMENTED, NULL, "unknown method");
	expect_error(call("enfonica.numbering.v1beta1.PhoneNumberInstances/GetPhoneNumberInstance", "{}"),
	             NUMBERING_UNIMPLEMENTED, NULL, NULL);
	/* Enums: a name, a known number, nothing else. */
	expect_error(call("CreatePhoneNumberInstance",
	                  "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":"
	                  "\"+61255501100\"},\"callRecordingTrigger\":\"answer\"}}"),
	             NUMBERING_INVALID_ARGUMENT, "phone_number_instance.call_recording_trigger", NULL);
	expect_error(call("CreatePhoneNumberInstance",
	                  "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":"
	                  "\"+61255501100\"},\"callRecordingTrigger\":true}}"),
	             NUMBERING_INVALID_ARGUMENT, "phone_number_instance.call_recording_trigger", NULL);
	expect_error(call("CreatePhoneNumberInstance",
	                  "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":"
	                  "\"+61255501100\"},\"labels\":[\"a\"]}}"),
	             NUMBERING_INVALID_ARGUMENT, "phone_number_instance.labels", "must be an object");
	expect_error(call("CreatePhoneNumberInstance",
	                  "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":{\"phoneNumber\":\"+61255501100\"}}"),
	             NUMBERING_INVALID_ARGUMENT, "phone_number_instance.phone_number", "must be an object");
	expect_error(call("ListPhoneNumberInstances", "{\"parent\":\"projects/p1\",\"includeDeleted\":\"true\"}"),
	             NUMBERING_INVALID_ARGUMENT, "include_deleted", "must be a boolean");
	expect_error(call("ListPhoneNumberInstances", "{\"parent\":\"projects/p1\",\"prefix\":61}"),
	             NUMBERING_INVALID_ARGUMENT, "prefix", "must be a string");
	expect_error(call("ResolvePhoneNumber", "{\"phoneNumber\":\"+61255501100\",\"regionCode\":[]}"),
	             NUMBERING_INVALID_ARGUMENT, "region_code", "must be a string");
	/* Nothing was created by any of it. */
	call_ok("ListPhoneNumberInstances", "{\"parent\":\"projects/p1\",\"includeDeleted\":true}");
	ck_assert_str_eq(response, "{\"phoneNumberInstances\":[]}");
}
END_TEST

START_TEST(list_tokens_through_json)
{
	for (int i = 0; i < 12; i++) {
		char id[16], number[32];
		snprintf(id, sizeof(id), "n%d", i);
		snprintf(number, sizeof(number), "+612555011%02d", i);
		create_single(id, number);
	}
	json_t *r = call_ok("ListPhoneNumberInstances", "{\"parent\":\"projects/p1\"}");
	ck_assert_int_eq(json_array_size(json_object_get(r, "phoneNumberInstances")), 10);
	ck_assert_str_eq(str_at(json_array_get(json_object_get(r, "phoneNumberInstances"), 0), "name"),
	                 "projects/p1/phoneNumberInstances/n11");
	char token[256], request[512];
	snprintf(token, sizeof(token), "%s", str_at(r, "nextPageToken"));
	/* Reused with another filter, altered, or from nowhere: INVALID_ARGUMENT on page_token. */
	snprintf(request, sizeof(request), "{\"parent\":\"projects/p1\",\"pageToken\":\"%s\",\"prefix\":\"+61\"}", token);
	expect_error(call("ListPhoneNumberInstances", request), NUMBERING_INVALID_ARGUMENT, "page_token", NULL);
	snprintf(request, sizeof(request), "{\"parent\":\"projects/p1\",\"pageToken\":\"%s\",\"includeDeleted\":true}",
	         token);
	expect_error(call("ListPhoneNumberInstances", request), NUMBERING_INVALID_ARGUMENT, "page_token", NULL);
	snprintf(request, sizeof(request), "{\"parent\":\"projects/p2\",\"pageToken\":\"%s\"}", token);
	expect_error(call("ListPhoneNumberInstances", request), NUMBERING_INVALID_ARGUMENT, "page_token", NULL);
	token[3] = token[3] == 'Q' ? 'R' : 'Q';
	snprintf(request, sizeof(request), "{\"parent\":\"projects/p1\",\"pageToken\":\"%s\"}", token);
	expect_error(call("ListPhoneNumberInstances", request), NUMBERING_INVALID_ARGUMENT, "page_token", NULL);
	expect_error(call("ListPhoneNumberInstances", "{\"parent\":\"projects/p1\",\"pageToken\":\"bm90IGEgdG9rZW4\"}"),
	             NUMBERING_INVALID_ARGUMENT, "page_token", NULL);
	/* pageSize above the maximum is coerced, not refused. */
	r = call_ok("ListPhoneNumberInstances", "{\"parent\":\"projects/p1\",\"pageSize\":5000}");
	ck_assert_int_eq(json_array_size(json_object_get(r, "phoneNumberInstances")), 12);
	ck_assert_ptr_null(json_object_get(r, "nextPageToken"));
}
END_TEST

Suite *json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("json");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, create_golden);
	tcase_add_test(tc, create_range_golden);
	tcase_add_test(tc, create_range_by_size_and_end);
	tcase_add_test(tc, create_ignores_output_only_fields);
	tcase_add_test(tc, split_seed_example);
	tcase_add_test(tc, get_and_lifecycle);
	tcase_add_test(tc, list_pages);
	tcase_add_test(tc, update_fields);
	tcase_add_test(tc, move_and_resolve);
	tcase_add_test(tc, malformed_requests);
	tcase_add_test(tc, escaped_nul_names_field_and_offset);
	tcase_add_test(tc, unknown_fields);
	tcase_add_test(tc, wrong_types);
	tcase_add_test(tc, bounds);
	tcase_add_test(tc, methods_and_arguments);
	tcase_add_test(tc, error_body_shape);
	tcase_add_test(tc, idempotent_create);
	tcase_add_test(tc, mangled_requests);
	tcase_add_test(tc, create_errors_name_the_request_field);
	tcase_add_test(tc, update_mask_paths_through_json);
	tcase_add_test(tc, split_and_move_errors);
	tcase_add_test(tc, every_method_refuses_unknown_fields_and_wrong_types);
	tcase_add_test(tc, list_tokens_through_json);
	suite_add_tcase(s, tc);
	return s;
}
