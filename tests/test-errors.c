/* The error model: codes, names, HTTP statuses, violations and the JSON body. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <numbering/numbering.h>

#include "suites.h"

START_TEST(status_names_and_http)
{
	static const struct {
		int code;
		const char *name;
		int http;
	} expected[] = {
		{NUMBERING_OK, "OK", 200},
		{NUMBERING_INVALID_ARGUMENT, "INVALID_ARGUMENT", 400},
		{NUMBERING_NOT_FOUND, "NOT_FOUND", 404},
		{NUMBERING_ALREADY_EXISTS, "ALREADY_EXISTS", 409},
		{NUMBERING_PERMISSION_DENIED, "PERMISSION_DENIED", 403},
		{NUMBERING_FAILED_PRECONDITION, "FAILED_PRECONDITION", 400},
		{NUMBERING_OUT_OF_RANGE, "OUT_OF_RANGE", 400},
		{NUMBERING_RESOURCE_EXHAUSTED, "RESOURCE_EXHAUSTED", 429},
		{NUMBERING_INTERNAL, "INTERNAL", 500},
		{NUMBERING_UNAVAILABLE, "UNAVAILABLE", 503},
		{NUMBERING_DATA_LOSS, "DATA_LOSS", 500},
		{NUMBERING_UNIMPLEMENTED, "UNIMPLEMENTED", 501},
		{NUMBERING_UNAUTHENTICATED, "UNAUTHENTICATED", 401},
	};
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		ck_assert_str_eq(numbering_status_name(expected[i].code), expected[i].name);
		ck_assert_int_eq(numbering_status_http(expected[i].code), expected[i].http);
	}
	ck_assert_str_eq(numbering_status_name(99), "UNKNOWN");
	ck_assert_int_eq(numbering_status_http(-1), 500);
}
END_TEST

START_TEST(no_error_is_empty)
{
	numbering_error_clear();
	ck_assert_int_eq(numbering_error_code(), NUMBERING_OK);
	ck_assert_str_eq(numbering_error_message(), "");
	ck_assert_int_eq(numbering_error_violation_count(), 0);
	ck_assert_ptr_null(numbering_error_violation_field(0));
	ck_assert_ptr_null(numbering_error_violation_description(-1));
}
END_TEST

START_TEST(failure_sets_message_and_violation)
{
	numbering_number *n = NULL;
	ck_assert_int_eq(numbering_number_new(&n), NUMBERING_OK);
	ck_assert_int_eq(numbering_e164_parse(n, "+1 800 FLOWERS", NULL), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_error_code(), NUMBERING_INVALID_ARGUMENT);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "+1 800 FLOWERS"));
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "letter"));
	ck_assert_int_eq(numbering_error_violation_count(), 1);
	ck_assert_str_eq(numbering_error_violation_field(0), "phone_number");
	ck_assert_ptr_nonnull(numbering_error_violation_description(0));
	ck_assert_ptr_null(numbering_error_violation_field(1));
	numbering_number_free(n);
}
END_TEST

START_TEST(json_body_has_the_sinch_shape)
{
	numbering_number *n = NULL;
	ck_assert_int_eq(numbering_number_new(&n), NUMBERING_OK);
	ck_assert_int_eq(numbering_e164_parse(n, "", NULL), NUMBERING_INVALID_ARGUMENT);
	char *text = NULL;
	ck_assert_int_eq(numbering_error_json(&text), NUMBERING_OK);
	ck_assert_ptr_nonnull(text);
	json_error_t jerr;
	json_t *body = json_loads(text, 0, &jerr);
	ck_assert_ptr_nonnull(body);
	json_t *error = json_object_get(body, "error");
	ck_assert_int_eq(json_integer_value(json_object_get(error, "code")), 400);
	ck_assert_str_eq(json_string_value(json_object_get(error, "status")), "INVALID_ARGUMENT");
	ck_assert_str_eq(json_string_value(json_object_get(error, "message")), "phone number is empty");
	json_t *detail = json_array_get(json_object_get(error, "details"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(detail, "@type")), "type.googleapis.com/google.rpc.BadRequest");
	ck_assert_str_eq(json_string_value(json_object_get(detail, "type")), "BadRequest");
	json_t *violation = json_array_get(json_object_get(detail, "fieldViolations"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(violation, "field")), "phone_number");
	ck_assert_str_eq(json_string_value(json_object_get(violation, "description")), "phone number is empty");
	json_decref(body);
	numbering_free(text);
	numbering_number_free(n);
}
END_TEST

START_TEST(json_body_golden)
{
	numbering_number *n = NULL;
	ck_assert_int_eq(numbering_number_new(&n), NUMBERING_OK);
	ck_assert_int_eq(numbering_e164_parse(n, "+999 1234", NULL), NUMBERING_INVALID_ARGUMENT);
	char *text = NULL;
	ck_assert_int_eq(numbering_error_json(&text), NUMBERING_OK);
	ck_assert_str_eq(text,
	                 "{\"error\":{\"code\":400,\"status\":\"INVALID_ARGUMENT\",\"message\":\"phone number \\\"+999 "
	                 "1234\\\" does not start with an assigned country calling code (+999...)\",\"details\":[{\"@type\":"
	                 "\"type.googleapis.com/google.rpc.BadRequest\",\"type\":\"BadRequest\",\"fieldViolations\":[{\"field\":\"phone_number\","
	                 "\"description\":\"phone number \\\"+999 1234\\\" does not start with an assigned country calling "
	                 "code (+999...)\"}]}]}}");
	numbering_free(text);
	numbering_number_free(n);
}
END_TEST

START_TEST(json_body_without_violations_has_empty_details)
{
	ck_assert_int_eq(numbering_number_new(NULL), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_error_json(NULL), NUMBERING_INVALID_ARGUMENT);
	numbering_number *n = NULL;
	ck_assert_int_eq(numbering_number_new(&n), NUMBERING_OK);
	numbering_range *r = NULL;
	ck_assert_int_eq(numbering_range_new(&r), NUMBERING_OK);
	ck_assert_int_eq(numbering_e164_parse_range(r, "+61255501100-99", NULL), NUMBERING_OK);
	char small[4];
	ck_assert_int_eq(numbering_range_format(small, sizeof(small), r), NUMBERING_OUT_OF_RANGE);
	char *text = NULL;
	ck_assert_int_eq(numbering_error_json(&text), NUMBERING_OK);
	ck_assert_ptr_nonnull(strstr(text, "\"details\":[]"));
	ck_assert_ptr_nonnull(strstr(text, "\"OUT_OF_RANGE\""));
	numbering_free(text);
	numbering_range_free(r);
	numbering_number_free(n);
}
END_TEST

START_TEST(hostile_bytes_in_messages_stay_printable)
{
	numbering_number *n = NULL;
	ck_assert_int_eq(numbering_number_new(&n), NUMBERING_OK);
	const char input[] = "+61\x01\xff\"\\ 2 5550";
	ck_assert_int_eq(numbering_e164_parse(n, input, NULL), NUMBERING_INVALID_ARGUMENT);
	const char *m = numbering_error_message();
	for (const char *p = m; *p; p++)
		ck_assert((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
	ck_assert_ptr_nonnull(strstr(m, "\\x01"));
	char *text = NULL;
	ck_assert_int_eq(numbering_error_json(&text), NUMBERING_OK);
	json_t *body = json_loads(text, 0, NULL);
	ck_assert_ptr_nonnull(body);
	json_decref(body);
	numbering_free(text);
	numbering_number_free(n);
}
END_TEST

START_TEST(long_input_is_cut_in_message)
{
	char input[1000];
	memset(input, '1', sizeof(input) - 1);
	input[sizeof(input) - 1] = '\0';
	numbering_number *n = NULL;
	ck_assert_int_eq(numbering_number_new(&n), NUMBERING_OK);
	ck_assert_int_eq(numbering_e164_parse(n, input, NULL), NUMBERING_INVALID_ARGUMENT);
	ck_assert_uint_lt(strlen(numbering_error_message()), 300);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "longer than 256 bytes"));
	numbering_number_free(n);
}
END_TEST

static void *fail_in_thread(void *arg)
{
	(void)arg;
	numbering_number *n = NULL;
	if (numbering_number_new(&n) != NUMBERING_OK)
		return (void *)1;
	int rc = numbering_e164_parse(n, "abc", NULL);
	numbering_number_free(n);
	return (void *)(intptr_t)(rc == NUMBERING_INVALID_ARGUMENT && numbering_error_code() == NUMBERING_INVALID_ARGUMENT
	                              ? 0
	                              : 1);
}

START_TEST(errors_are_per_thread)
{
	numbering_error_clear();
	pthread_t t;
	void *result = NULL;
	ck_assert_int_eq(pthread_create(&t, NULL, fail_in_thread, NULL), 0);
	ck_assert_int_eq(pthread_join(t, &result), 0);
	ck_assert_ptr_null(result);
	ck_assert_int_eq(numbering_error_code(), NUMBERING_OK);
}
END_TEST

START_TEST(version_macros_match_functions)
{
	ck_assert_str_eq(numbering_version(), NUMBERING_VERSION_STRING);
	ck_assert_int_eq(numbering_version_number(), NUMBERING_VERSION_NUMBER);
	ck_assert_ptr_nonnull(numbering_unicode_version());
	ck_assert_uint_gt(strlen(numbering_unicode_version()), 0);
	numbering_free(NULL);
}
END_TEST

Suite *errors_suite(void)
{
	Suite *s = suite_create("errors");
	TCase *tc = tcase_create("errors");
	tcase_add_test(tc, status_names_and_http);
	tcase_add_test(tc, no_error_is_empty);
	tcase_add_test(tc, failure_sets_message_and_violation);
	tcase_add_test(tc, json_body_has_the_sinch_shape);
	tcase_add_test(tc, json_body_golden);
	tcase_add_test(tc, json_body_without_violations_has_empty_details);
	tcase_add_test(tc, hostile_bytes_in_messages_stay_printable);
	tcase_add_test(tc, long_input_is_cut_in_message);
	tcase_add_test(tc, errors_are_per_thread);
	tcase_add_test(tc, version_macros_match_functions);
	suite_add_tcase(s, tc);
	return s;
}
