/*
 * Credentials in a callback or handler URI (docs/CALLBACKS.md, "Credentials in URLs"):
 * - every write path refuses an http(s) URI with user information, or a sip URI with a
 *   password, INVALID_ARGUMENT naming the field, and its message does not repeat the
 *   secret;
 * - a record stored with one before (planted here by rewriting the stored bytes) reads
 *   with the credential as "***" on every read path: instances (C and JSON), Sinch
 *   active numbers (get, list), Voximplant's account and number SMS URLs, the dead
 *   deliveries; only a claim hands the deliverer the URL it sends to, whole.
 */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <numbering/numbering.h>
#include <numbering/sys/record.h>

#include "json-call.h"
#include "record-plant.h"
#include "service/backend-call.h"
#include "service/service.h"
#include "store-fixture.h"
#include "stored-records.h"
#include "suites.h"

#define NUMBER "+61255501100"
#define NAME "projects/1/phoneNumberInstances/n1"

static void refused_naming(int rc, const char *field)
{
	ck_assert_msg(rc == NUMBERING_INVALID_ARGUMENT, "accepted or %s: %s", numbering_status_name(rc),
	              numbering_error_message());
	ck_assert_str_eq(numbering_error_violation_field(0), field);
	ck_assert_msg(strstr(numbering_error_message(), "secret") == NULL, "the message repeats the secret: %s",
	              numbering_error_message());
	ck_assert_msg(strstr(numbering_error_message(), "credentials") != NULL, "the message says not why: %s",
	              numbering_error_message());
}

static void json_refused_naming(const char *method, const char *request, const char *field)
{
	char *response = NULL;
	json_t *parsed = NULL;
	int rc = json_call_keep(&response, &parsed, fx.store, method, request);
	ck_assert_msg(rc == NUMBERING_INVALID_ARGUMENT, "%s accepted or %s: %s", method, numbering_status_name(rc),
	              response);
	ck_assert_msg(json_error_names_field(parsed, field), "%s: not naming %s: %s", method, field, response);
	ck_assert_msg(strstr(response, "secret") == NULL, "%s: the error repeats the secret: %s", method, response);
	json_call_forget(&response, &parsed);
}

static void create_n1(const char *message_handler, const char *call_handler)
{
	numbering_instance *request = NULL, *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&request), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_phone_number(request, NUMBER), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_capabilities(request, NUMBERING_CAPABILITY_SMS), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_number_type(request, NUMBERING_NUMBER_TYPE_LOCAL), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_add_message_handler(request, message_handler), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_add_call_handler(request, call_handler), NUMBERING_OK);
	ck_assert_msg(numbering_store_create(&out, fx.store, NULL, "projects/1", request, "n1", NULL, NULL) ==
	                  NUMBERING_OK,
	              "%s", numbering_error_message());
	numbering_instance_free(request);
	numbering_instance_free(out);
}

START_TEST(every_write_refuses_credentials)
{
	numbering_instance *in = NULL;
	ck_assert_int_eq(numbering_instance_new(&in), NUMBERING_OK);
	refused_naming(numbering_instance_add_message_handler(in, "https://user:secret@example.com/m"),
	               "incoming_message_handler_uris");
	refused_naming(numbering_instance_add_message_handler(in, "https://secret@example.com/m"),
	               "incoming_message_handler_uris");
	refused_naming(numbering_instance_add_call_handler(in, "https://user:secret@example.com/c"),
	               "incoming_call_handler_uris");
	refused_naming(numbering_instance_add_call_handler(in, "sip:alice:secret@example.com"),
	               "incoming_call_handler_uris");
	/* A SIP user is the address, not a credential. */
	ck_assert_int_eq(numbering_instance_add_call_handler(in, "sip:alice@example.com"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_message_handler_count(in), 0);
	ck_assert_int_eq(numbering_instance_call_handler_count(in), 1);
	numbering_instance_free(in);

	json_refused_naming("CreatePhoneNumberInstance",
	                    "{\"parent\":\"projects/1\",\"phoneNumberInstanceId\":\"n2\",\"phoneNumberInstance\":{"
	                    "\"phoneNumber\":{\"phoneNumber\":\"+61255501101\"},"
	                    "\"incomingMessageHandlerUris\":[\"https://user:secret@example.com/m\"]}}",
	                    "phone_number_instance.incoming_message_handler_uris");
	create_n1("https://example.com/m", "sip:alice@example.com");
	json_refused_naming("NumberService_UpdateActiveNumber",
	                    "{\"projectId\":\"1\",\"phoneNumber\":\"" NUMBER "\","
	                    "\"callbackUrl\":\"https://user:secret@example.com/cb\"}",
	                    "callbackUrl");
	refused_naming(numbering_store_set_account_callback_url(fx.store, NULL, "projects/1",
	                                                         "https://user:secret@example.com/sms"),
	               "callback_url");
	json_refused_naming("SetAccountInfo",
	                    "{\"account_id\":1,\"incoming_sms_callback_url\":\"https://user:secret@example.com/s\"}",
	                    "incoming_sms_callback_url");
	const char *numbers[] = {NUMBER};
	refused_naming(numbering_store_set_phone_info(fx.store, NULL, "projects/1", NULL, 0, 0, numbers, 1,
	                                              "https://user:secret@example.com/s"),
	               "incoming_sms_callback_url");
	/* Nothing was written. */
	char *url = NULL;
	ck_assert_int_eq(numbering_store_get_account_callback_url(&url, fx.store, NULL, "projects/1"), NUMBERING_OK);
	ck_assert_str_eq(url, "");
	numbering_free(url);
}
END_TEST

/* Plants credentials in every record holding @from: each occurrence of @from becomes
 * @to (the same length, so the record's lengths hold), as an older library would have
 * stored them. */
static int plant(const char *from, const char *to)
{
	struct record_plant p = RECORD_PLANT_INIT(from, to);
	static const char *const parents[] = {"", "projects/1"};
	for (int kind = 1; kind <= 64; kind++)
		for (size_t i = 0; i < sizeof(parents) / sizeof(parents[0]); i++)
			stored_list(fx.store, kind, parents[i], NUMBERING_RECORD_ORDER_ASCENDING, record_plant_visit, &p);
	ck_assert_int_eq(p.rc, NUMBERING_OK);
	int count = p.count;
	ck_assert_int_eq(record_plant_write(fx.store->backend, &p), NUMBERING_OK);
	return count;
}

/* How many records of @kind under @parent hold @text in their bytes. */
struct holds {
	const char *text;
	int count;
};

static int holds_visit(const numbering_record *record, void *payload)
{
	struct holds *h = payload;
	uint8_t *bytes = NULL;
	size_t len = 0;
	ck_assert_int_eq(numbering_record_encode(&bytes, &len, record), NUMBERING_OK);
	size_t n = strlen(h->text);
	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(bytes + i, h->text, n) == 0) {
			h->count++;
			break;
		}
	numbering_free(bytes);
	return 0;
}

static int stored_holding(int kind, const char *parent, const char *text)
{
	struct holds h = {text, 0};
	stored_list(fx.store, kind, parent, NUMBERING_RECORD_ORDER_ASCENDING, holds_visit, &h);
	return h.count;
}

static void json_shows(const char *method, const char *request, const char *want)
{
	char *response = NULL;
	json_t *parsed = NULL;
	int rc = json_call_keep(&response, &parsed, fx.store, method, request);
	ck_assert_msg(rc == NUMBERING_OK, "%s: %s", method, response);
	ck_assert_msg(strstr(response, "secret") == NULL, "%s shows the secret: %s", method, response);
	ck_assert_msg(strstr(response, want) != NULL, "%s does not show %s: %s", method, want, response);
	json_call_forget(&response, &parsed);
}

START_TEST(stored_credentials_read_redacted)
{
	create_n1("https://user-secret.example.com/m", "sip:alice-secret@example.com");
	json_decref(json_call_ok(fx.store, "NumberService_UpdateActiveNumber",
	                         "{\"projectId\":\"1\",\"phoneNumber\":\"" NUMBER "\","
	                         "\"smsConfiguration\":{\"servicePlanId\":\"plan\"},"
	                         "\"callbackUrl\":\"https://user-secret.example.com/cb\"}"));
	ck_assert_int_eq(numbering_store_set_account_callback_url(fx.store, NULL, "projects/1",
	                                                         "https://user-secret.example.com/acct"),
	                 NUMBERING_OK);
	const char *numbers[] = {NUMBER};
	ck_assert_msg(numbering_store_set_phone_info(fx.store, NULL, "projects/1", NULL, 0, 0, numbers, 1,
	                                             "https://user-secret.example.com/own") == NUMBERING_OK,
	              "%s", numbering_error_message());
	/* The instance, the active number, the delivery, the account and the number's record. */
	ck_assert_int_ge(plant("user-secret.example", "user:secret@example"), 5);
	ck_assert_int_eq(plant("alice-secret@", "alice:secret@"), 1);

	/* Instances, through C and JSON. */
	numbering_instance *got = NULL;
	ck_assert_int_eq(numbering_store_get(&got, fx.store, NULL, NAME), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_message_handler(got, 0), "https://***@example.com/m");
	ck_assert_str_eq(numbering_instance_call_handler(got, 0), "sip:alice:***@example.com");
	int64_t phone_id = numbering_instance_phone_id(got);
	numbering_instance_free(got);
	ck_assert_int_eq(numbering_store_get_by_phone_id(&got, fx.store, NULL, "projects/1", phone_id), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_message_handler(got, 0), "https://***@example.com/m");
	numbering_instance_free(got);
	numbering_resolution *resolved = NULL;
	ck_assert_int_eq(numbering_resolution_new(&resolved), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_resolve(resolved, fx.store, NULL, NUMBER, NULL), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_call_handler(numbering_resolution_instance(resolved), 0),
	                 "sip:alice:***@example.com");
	numbering_resolution_free(resolved);
	json_shows("GetPhoneNumberInstance", "{\"name\":\"" NAME "\"}", "\"https://***@example.com/m\"");
	json_shows("ListPhoneNumberInstances", "{\"parent\":\"projects/1\"}", "\"sip:alice:***@example.com\"");

	/* Sinch active numbers. */
	numbering_active_number *a = NULL;
	ck_assert_int_eq(numbering_store_get_active(&a, fx.store, NULL, "projects/1", NUMBER), NUMBERING_OK);
	ck_assert_str_eq(numbering_active_number_text(a, "callbackUrl"), "https://***@example.com/cb");
	numbering_active_number_free(a);
	json_shows("NumberService_GetActiveNumber", "{\"projectId\":\"1\",\"phoneNumber\":\"" NUMBER "\"}",
	           "\"callbackUrl\":\"https://***@example.com/cb\"");
	json_shows("NumberService_ListActiveNumbers", "{\"projectId\":\"1\",\"regionCode\":\"AU\",\"type\":\"LOCAL\"}",
	           "\"callbackUrl\":\"https://***@example.com/cb\"");

	/* An update of another field of the active number keeps both URLs as stored. */
	json_shows("NumberService_UpdateActiveNumber",
	           "{\"projectId\":\"1\",\"phoneNumber\":\"" NUMBER "\",\"displayName\":\"renamed\"}",
	           "\"callbackUrl\":\"https://***@example.com/cb\"");
	ck_assert_msg(stored_holding(NUMBERING__KIND_INSTANCE, "projects/1", "https://user:secret@example.com/m") == 1,
	              "UpdateActiveNumber wrote the instance's handler masked");
	ck_assert_msg(stored_holding(NUMBERING__KIND_ACTIVE, "projects/1", "https://user:secret@example.com/cb") == 1,
	              "UpdateActiveNumber wrote the callbackUrl masked");

	/* Voximplant's SMS URLs: the account's, the number's. */
	char *url = NULL;
	ck_assert_int_eq(numbering_store_get_account_callback_url(&url, fx.store, NULL, "projects/1"), NUMBERING_OK);
	ck_assert_str_eq(url, "https://***@example.com/acct");
	numbering_free(url);
	json_shows("GetAccountInfo", "{\"account_id\":1}", "\"https://***@example.com/acct\"");
	json_shows("GetPhoneNumbers", "{\"account_id\":1}", "\"https://***@example.com/own\"");
	char *sms = NULL;
	ck_assert_int_eq(numbering_store_phone_routing(NULL, NULL, &sms, NULL, fx.store, NULL, NAME), NUMBERING_OK);
	ck_assert_str_eq(sms, "https://***@example.com/own");
	numbering_free(sms);

	/* The outbox: a claim hands the deliverer the URL it sends to; once dead, the
	 * delivery is only read, without it. */
	for (int attempt = 1; attempt <= 10; attempt++) {
		fx.now += INT64_C(7) * 3600 * 1000000000;
		numbering_delivery_list *claimed = NULL;
		ck_assert_int_eq(numbering_store_claim_deliveries(&claimed, fx.store, NULL, 10), NUMBERING_OK);
		ck_assert_int_eq(numbering_delivery_list_count(claimed), 1);
		const numbering_delivery *d = numbering_delivery_list_item(claimed, 0);
		ck_assert_str_eq(numbering_delivery_text(d, "url"), "https://user:secret@example.com/cb");
		ck_assert_int_eq(numbering_store_report_claimed_delivery(fx.store, NULL, numbering_delivery_text(d, "id"),
		                                                         attempt, 0, "HTTP 401"),
		                 NUMBERING_OK);
		numbering_delivery_list_free(claimed);
	}
	numbering_delivery_list *dead = NULL;
	ck_assert_int_eq(numbering_store_list_dead_deliveries(&dead, fx.store, NULL, 10), NUMBERING_OK);
	ck_assert_int_eq(numbering_delivery_list_count(dead), 1);
	ck_assert_str_eq(numbering_delivery_text(numbering_delivery_list_item(dead, 0), "url"),
	                 "https://***@example.com/cb");
	numbering_delivery_list_free(dead);
}
END_TEST

/* A write that changes other fields of an instance (or an active number) whose
 * handler was stored with a credential keeps the stored handler as it is: only what
 * the caller changes changes (docs/CALLBACKS.md). Writing the masked form back
 * is refused, naming the field. */
START_TEST(stored_credentials_kept_by_writes)
{
	numbering_instance *request = NULL, *out = NULL, *second = NULL;
	ck_assert_int_eq(numbering_instance_new(&request), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_phone_number(request, NUMBER), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_range_size(request, 10), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_number_type(request, NUMBERING_NUMBER_TYPE_LOCAL), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_add_message_handler(request, "https://user-secret.example.com/m"),
	                 NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_add_call_handler(request, "sip:alice-secret@example.com"), NUMBERING_OK);
	ck_assert_msg(numbering_store_create(&out, fx.store, NULL, "projects/1", request, "n1", NULL, NULL) ==
	                  NUMBERING_OK,
	              "%s", numbering_error_message());
	numbering_instance_free(out);
	ck_assert_int_eq(plant("user-secret.example", "user:secret@example"), 1);
	ck_assert_int_eq(plant("alice-secret@", "alice:secret@"), 1);

	/* A field mask without the handlers. */
	ck_assert_int_eq(numbering_instance_set_display_name(request, "renamed"), NUMBERING_OK);
	ck_assert_msg(numbering_store_update(&out, fx.store, NULL, NAME, request, "display_name") == NUMBERING_OK, "%s",
	              numbering_error_message());
	ck_assert_str_eq(numbering_instance_message_handler(out, 0), "https://***@example.com/m");
	ck_assert_str_eq(numbering_instance_call_handler(out, 0), "sip:alice:***@example.com");
	ck_assert_msg(stored_holding(NUMBERING__KIND_INSTANCE, "projects/1", "https://user:secret@example.com/m") == 1,
	              "an update of display_name wrote the message handler masked");
	ck_assert_msg(stored_holding(NUMBERING__KIND_INSTANCE, "projects/1", "sip:alice:secret@example.com") == 1,
	              "an update of display_name wrote the call handler masked");

	/* The masked form written back is refused, naming the field and value; the
	 * stored one is kept. */
	ck_assert_int_eq(numbering_store_update(&second, fx.store, NULL, NAME, out, "incoming_message_handler_uris"),
	                 NUMBERING_INVALID_ARGUMENT);
	ck_assert_ptr_null(second);
	ck_assert_str_eq(numbering_error_violation_field(0), "incoming_message_handler_uris");
	ck_assert_msg(strstr(numbering_error_message(), "https://***@example.com/m") != NULL &&
	                  strstr(numbering_error_message(), "leave the field out") != NULL,
	              "the message names not the value or what to do: %s", numbering_error_message());
	numbering_instance_free(out);
	out = NULL;
	json_refused_naming("UpdatePhoneNumberInstance",
	                    "{\"phoneNumberInstance\":{\"name\":\"" NAME "\","
	                    "\"incomingCallHandlerUris\":[\"sip:alice:***@example.com\"]},"
	                    "\"updateMask\":\"incomingCallHandlerUris\"}",
	                    "phone_number_instance.incoming_call_handler_uris");

	/* Lifecycle, split, move. */
	ck_assert_msg(numbering_store_suspend(&out, fx.store, NULL, NAME) == NUMBERING_OK, "%s", numbering_error_message());
	ck_assert_str_eq(numbering_instance_message_handler(out, 0), "https://***@example.com/m");
	numbering_instance_free(out);
	ck_assert_msg(numbering_store_resume(&out, fx.store, NULL, NAME) == NUMBERING_OK, "%s", numbering_error_message());
	numbering_instance_free(out);
	ck_assert_msg(stored_holding(NUMBERING__KIND_INSTANCE, "projects/1", "https://user:secret@example.com/m") == 1,
	              "a lifecycle change wrote the handler masked");
	ck_assert_msg(numbering_store_split_range(&out, &second, fx.store, NULL, NAME, 4) == NUMBERING_OK, "%s",
	              numbering_error_message());
	ck_assert_str_eq(numbering_instance_message_handler(second, 0), "https://***@example.com/m");
	ck_assert_msg(stored_holding(NUMBERING__KIND_INSTANCE, "projects/1", "https://user:secret@example.com/m") == 2,
	              "a split wrote the handler masked");
	numbering_instance_free(out);
	ck_assert_msg(numbering_store_move(&out, fx.store, NULL, numbering_instance_name(second), "projects/2", NULL) ==
	                  NUMBERING_OK,
	              "%s", numbering_error_message());
	ck_assert_str_eq(numbering_instance_call_handler(out, 0), "sip:alice:***@example.com");
	numbering_instance_free(out);
	numbering_instance_free(second);
	ck_assert_msg(stored_holding(NUMBERING__KIND_INSTANCE, "projects/2", "sip:alice:secret@example.com") == 1,
	              "a move wrote the handler masked");
	numbering_instance_free(request);
}
END_TEST

Suite *uri_credentials_suite(void)
{
	Suite *s = suite_create("uri_credentials");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
	tcase_add_test(tc, every_write_refuses_credentials);
	tcase_add_test(tc, stored_credentials_read_redacted);
	tcase_add_test(tc, stored_credentials_kept_by_writes);
	suite_add_tcase(s, tc);
	return s;
}
