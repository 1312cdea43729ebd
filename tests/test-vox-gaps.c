/*
 * Issue 14's gaps, closed (each case on a memory and on a file store where a store is
 * involved: loop index 0 memory, 1 file):
 * - numbering_json_method() lists every method numbering_store_call_json() dispatches,
 *   each once (numberctl's 'help call', its manual page and completion print it);
 * - the account's general inbound SMS URL through JSON: SetAccountInfo and
 *   GetAccountInfo (incoming_sms_callback_url, the seed's name), and the URL applying
 *   to a number without its own (ResolvePhoneNumber says ACCOUNT);
 * - phone ids: a create retried with its request id answers the instance's phone id
 *   (the kept response has none); an old store's DELETED instances of a project with no
 *   live number get theirs at the first writable open.
 */
#include <check.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <numbering/numbering.h>

#include "json-call.h"
#include "model/instance-record.h"
#include "model/kinds.h"
#include "service/service.h"
#include "store-fixture.h"
#include "suites.h"

static numbering_store *S;
static char path[256];
static int64_t clock_now;

/* A store over @backend (a new memory one when NULL) with the test clock. */
static numbering_store *open_on(numbering_backend *backend)
{
	return fixture_open_on(backend, &clock_now);
}

static void setup_store(int file)
{
	clock_now = FIXTURE_EPOCH;
	fixture_case_path(path, sizeof(path), file, "vox-gaps");
	S = open_on(file ? fixture_file_backend(path, 0) : NULL);
}

static void teardown_store(void)
{
	fixture_close_store(&S, path);
}

/* The JSON helpers of json-call.h, on S. */
#define call(...) json_call_ok(S, __VA_ARGS__)
#define refused(...) json_call_refused(S, __VA_ARGS__)

static numbering_instance *create_in(numbering_store *s, const char *parent, const char *number, const char *id,
                                     const char *request_id)
{
	numbering_instance *request = NULL, *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&request), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_phone_number(request, number), NUMBERING_OK);
	int rc = numbering_store_create(&out, s, NULL, parent, request, id, request_id, NULL);
	ck_assert_msg(rc == NUMBERING_OK, "create %s: %s", number, numbering_error_message());
	numbering_instance_free(request);
	return out;
}

/* ---- Every JSON method, listed ---- */

START_TEST(every_method_is_listed)
{
	setup_store(0);
	int n = 0;
	for (; numbering_json_method(n) != NULL; n++) {
		const char *name = numbering_json_method(n);
		ck_assert_msg(name[0] >= 'A' && name[0] <= 'Z', "method %d: %s", n, name);
		for (int j = 0; j < n; j++)
			ck_assert_msg(strcmp(name, numbering_json_method(j)) != 0, "%s listed twice", name);
		/* Each one dispatches: whatever "{}" gets, it is not "unknown method". */
		char *response = NULL;
		int rc = numbering_store_call_json(&response, S, NULL, name, "{}");
		ck_assert_msg(rc != NUMBERING_UNIMPLEMENTED || strstr(response, "unknown method") == NULL, "%s: %s", name,
		              response);
		numbering_free(response);
	}
	/* The instance service's first, then the others; the Voximplant ones among them. */
	ck_assert_str_eq(numbering_json_method(0), "CreatePhoneNumberInstance");
	ck_assert_int_gt(n, 60);
	int seen = 0;
	for (int i = 0; i < n; i++)
		seen += strcmp(numbering_json_method(i), "GetPhoneNumbers") == 0 ||
		        strcmp(numbering_json_method(i), "SetAccountInfo") == 0 ||
		        strcmp(numbering_json_method(i), "GetAccountInfo") == 0;
	ck_assert_int_eq(seen, 3);
	ck_assert_ptr_null(numbering_json_method(-1));
	ck_assert_ptr_null(numbering_json_method(n));
	ck_assert_ptr_null(numbering_json_method(n + 1000));
	/* A name that is not listed is refused as unknown. */
	char *response = NULL;
	ck_assert_int_eq(numbering_store_call_json(&response, S, NULL, "SetAccountInfos", "{}"), NUMBERING_UNIMPLEMENTED);
	numbering_free(response);
	teardown_store();
}
END_TEST

/* ---- The account's general SMS URL ---- */

static const char *text(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

START_TEST(account_sms_url_through_json)
{
	setup_store(_i);
	numbering_instance_free(create_in(S, "projects/1", "+12085550100", "one", NULL));
	numbering_instance_free(create_in(S, "projects/2", "+12085550200", "two", NULL));
	/* None yet: GetAccountInfo has no URL, a number resolves without one. */
	json_t *r = call("GetAccountInfo", "{\"account_id\": 1}");
	json_t *info = json_object_get(r, "result");
	ck_assert_int_eq(json_integer_value(json_object_get(info, "account_id")), 1);
	ck_assert_ptr_null(json_object_get(info, "incoming_sms_callback_url"));
	json_decref(r);
	r = call("ResolvePhoneNumber", "{\"phoneNumber\": \"+12085550100\"}");
	ck_assert_ptr_null(json_object_get(r, "incomingSmsCallbackUrl"));
	json_decref(r);
	/* Set: {"result": 1}, read back, and it applies to account 1's number only. */
	r = call("SetAccountInfo", "{\"account_id\": \"1\", \"incoming_sms_callback_url\": \"https://example.com/sms\"}");
	ck_assert_int_eq(json_integer_value(json_object_get(r, "result")), 1);
	json_decref(r);
	if (_i) {
		numbering_store_close(S);
		S = open_on(fixture_file_backend(path, 0));
	}
	r = call("GetAccountInfo", "{\"account_id\": 1}");
	ck_assert_str_eq(text(json_object_get(r, "result"), "incoming_sms_callback_url"), "https://example.com/sms");
	json_decref(r);
	char *url = NULL;
	ck_assert_int_eq(numbering_store_get_account_callback_url(&url, S, NULL, "projects/1"), NUMBERING_OK);
	ck_assert_str_eq(url, "https://example.com/sms");
	numbering_free(url);
	r = call("ResolvePhoneNumber", "{\"phoneNumber\": \"+12085550100\"}");
	ck_assert_str_eq(text(r, "incomingSmsCallbackUrl"), "https://example.com/sms");
	ck_assert_str_eq(text(r, "incomingSmsCallbackUrlSource"), "ACCOUNT");
	json_decref(r);
	r = call("ResolvePhoneNumber", "{\"phoneNumber\": \"+12085550200\"}");
	ck_assert_ptr_null(json_object_get(r, "incomingSmsCallbackUrl"));
	json_decref(r);
	/* The number's own URL (SetPhoneNumberInfo) wins over the account's. */
	json_decref(call("SetPhoneNumberInfo", "{\"account_id\": 1, \"phone_number\": \"+12085550100\", "
	                                       "\"incoming_sms_callback_url\": \"http://example.com/own\"}"));
	r = call("ResolvePhoneNumber", "{\"phoneNumber\": \"+12085550100\"}");
	ck_assert_str_eq(text(r, "incomingSmsCallbackUrl"), "http://example.com/own");
	ck_assert_str_eq(text(r, "incomingSmsCallbackUrlSource"), "NUMBER");
	json_decref(r);
	/* Bad input: INVALID_ARGUMENT naming the parameter, nothing changed. */
	refused(NUMBERING_INVALID_ARGUMENT, "incoming_sms_callback_url", "SetAccountInfo", "{\"account_id\": 1}");
	refused(NUMBERING_INVALID_ARGUMENT, "incoming_sms_callback_url", "SetAccountInfo",
	        "{\"account_id\": 1, \"incoming_sms_callback_url\": \"ftp://example.com/sms\"}");
	refused(NUMBERING_INVALID_ARGUMENT, "incoming_sms_callback_url", "SetAccountInfo",
	        "{\"account_id\": 1, \"incoming_sms_callback_url\": 7}");
	/* Not URLs behind an http prefix: no host, a space, an unclosed IP literal. */
	refused(NUMBERING_INVALID_ARGUMENT, "incoming_sms_callback_url", "SetAccountInfo",
	        "{\"account_id\": 1, \"incoming_sms_callback_url\": \"https://\"}");
	refused(NUMBERING_INVALID_ARGUMENT, "incoming_sms_callback_url", "SetAccountInfo",
	        "{\"account_id\": 1, \"incoming_sms_callback_url\": \"https://a b/\"}");
	refused(NUMBERING_INVALID_ARGUMENT, "incoming_sms_callback_url", "SetAccountInfo",
	        "{\"account_id\": 1, \"incoming_sms_callback_url\": \"http://[::1/sms\"}");
	char long_url[2100 + 64];
	snprintf(long_url, sizeof(long_url), "https://example.com/%02100d", 0);
	refused(NUMBERING_INVALID_ARGUMENT, "incoming_sms_callback_url", "SetAccountInfo",
	        "{\"account_id\": 1, \"incoming_sms_callback_url\": \"%s\"}", long_url);
	refused(NUMBERING_INVALID_ARGUMENT, "account_id", "SetAccountInfo",
	        "{\"incoming_sms_callback_url\": \"https://example.com/x\"}");
	refused(NUMBERING_INVALID_ARGUMENT, "account_id", "GetAccountInfo", "{\"account_id\": \"1/2\"}");
	refused(NUMBERING_INVALID_ARGUMENT, "callback_url", "SetAccountInfo",
	        "{\"account_id\": 1, \"callback_url\": \"https://example.com/x\"}");
	r = call("GetAccountInfo", "{\"account_id\": 1}");
	ck_assert_str_eq(text(json_object_get(r, "result"), "incoming_sms_callback_url"), "https://example.com/sms");
	json_decref(r);
	/* "" removes it. */
	json_decref(call("SetAccountInfo", "{\"account_id\": 1, \"incoming_sms_callback_url\": \"\"}"));
	r = call("GetAccountInfo", "{\"account_id\": 1}");
	ck_assert_ptr_null(json_object_get(json_object_get(r, "result"), "incoming_sms_callback_url"));
	json_decref(r);
	teardown_store();
}
END_TEST

/* Permission: callbackConfiguration.update / .get on the account's project. */
START_TEST(account_sms_url_permissions)
{
	fixture_open(NULL);
	S = fx.store;
	char *response = NULL;
	/* Denied on the account's project: refused; on another project: allowed. */
	fx.deny_project = "projects/1";
	fx.deny_permission = "numbering.callbackConfiguration.update";
	int rc = numbering_store_call_json(&response, S, "user:u", "SetAccountInfo",
	                                   "{\"account_id\": 1, \"incoming_sms_callback_url\": \"https://example.com/x\"}");
	ck_assert_msg(rc == NUMBERING_PERMISSION_DENIED, "%s", response);
	ck_assert_ptr_nonnull(strstr(response, "numbering.callbackConfiguration.update"));
	numbering_free(response);
	rc = numbering_store_call_json(&response, S, "user:u", "SetAccountInfo",
	                               "{\"account_id\": 2, \"incoming_sms_callback_url\": \"https://example.com/x\"}");
	ck_assert_msg(rc == NUMBERING_OK, "%s", response);
	numbering_free(response);
	rc = numbering_store_call_json(&response, S, "user:u", "GetAccountInfo", "{\"account_id\": 1}");
	ck_assert_msg(rc == NUMBERING_OK, "%s", response);
	numbering_free(response);
	fx.deny_permission = "numbering.callbackConfiguration.get";
	rc = numbering_store_call_json(&response, S, "user:u", "GetAccountInfo", "{\"account_id\": 1}");
	ck_assert_msg(rc == NUMBERING_PERMISSION_DENIED, "%s", response);
	numbering_free(response);
	fx.deny_permission = NULL;
	fx.deny_project = NULL;
	S = NULL;
	fixture_close();
}
END_TEST

/* ---- Phone ids ---- */

START_TEST(a_retried_create_answers_its_phone_id)
{
	setup_store(_i);
	numbering_instance_free(create_in(S, "projects/1", "+12085550100", NULL, NULL));
	numbering_instance *first = create_in(S, "projects/1", "+12085550101", "kept", "req-1");
	int64_t id = numbering_instance_phone_id(first);
	ck_assert_int_eq(id, 2);
	if (_i) {
		numbering_store_close(S);
		S = open_on(fixture_file_backend(path, 0));
	}
	numbering_instance *again = create_in(S, "projects/1", "+12085550101", "kept", "req-1");
	ck_assert_str_eq(numbering_instance_name(again), numbering_instance_name(first));
	ck_assert_int_eq(numbering_instance_phone_id(again), id);
	numbering_instance_free(again);
	/* Through JSON too. */
	json_t *r = call("CreatePhoneNumberInstance", "{\"parent\": \"projects/1\", \"phoneNumberInstanceId\": \"kept\", "
	                                              "\"requestId\": \"req-1\", \"phoneNumberInstance\": {\"phoneNumber\": "
	                                              "{\"phoneNumber\": \"+12085550101\"}}}");
	json_decref(r);
	/* Moved away, the name holds no instance: the retry answers phone id 0, as the kept
	 * response has none (docs/VOXIMPLANT.md). */
	numbering_instance *moved = NULL;
	ck_assert_msg(numbering_store_move(&moved, S, NULL, "projects/1/phoneNumberInstances/kept", "projects/9", NULL) ==
	                      NUMBERING_OK,
	              "%s", numbering_error_message());
	ck_assert_int_eq(numbering_instance_phone_id(moved), id);
	numbering_instance_free(moved);
	again = create_in(S, "projects/1", "+12085550101", "kept", "req-1");
	ck_assert_int_eq(numbering_instance_phone_id(again), 0);
	numbering_instance_free(again);
	/* A new instance of that name is another instance: not its phone id either. */
	numbering_instance *other = create_in(S, "projects/1", "+12085550102", "kept", NULL);
	ck_assert_int_gt(numbering_instance_phone_id(other), id);
	numbering_instance_free(other);
	again = create_in(S, "projects/1", "+12085550101", "kept", "req-1");
	ck_assert_int_eq(numbering_instance_phone_id(again), 0);
	numbering_instance_free(again);
	numbering_instance_free(first);
	teardown_store();
}
END_TEST

/*
 * A store written before phone ids, where projects/3's only instance is DELETED (no
 * live number: the projects found by their numbers miss it) and projects/1 has a live
 * and a DELETED one: the first writable open gives all four ids, in create order.
 */
START_TEST(an_old_store_gives_every_deleted_instance_an_id)
{
	clock_now = FIXTURE_EPOCH;
	path[0] = '\0';
	numbering_store *scratch = open_on(NULL);
	numbering_instance *a = create_in(scratch, "projects/1", "+12085550100", "a", NULL);
	numbering_instance *b = create_in(scratch, "projects/3", "+12085550300", "b", NULL);
	numbering_instance *c = create_in(scratch, "projects/1", "+12085550101", "c", NULL);
	numbering_instance *d = create_in(scratch, "projects/4", "+12085550400", "d", NULL);
	numbering_instance *b_gone = NULL, *c_gone = NULL;
	ck_assert_int_eq(numbering_store_delete(&b_gone, scratch, NULL, numbering_instance_name(b)), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_delete(&c_gone, scratch, NULL, numbering_instance_name(c)), NUMBERING_OK);
	numbering_backend *old = NULL;
	if (_i) {
		fixture_temp_store_path(path, sizeof(path), "vox-gaps-old");
		old = fixture_file_backend(path, 0);
	} else {
		ck_assert_int_eq(numbering_memory_backend_new(&old), NUMBERING_OK);
	}
	numbering_instance *order[] = {d, c_gone, b_gone, a}; /* not in create order */
	struct numbering__buf body = {NULL, 0, 0};
	ck_assert_int_eq(old->begin(old), NUMBERING_OK);
	for (size_t i = 0; i < 4; i++) {
		order[i]->phone_id = 0;
		numbering_record rec;
		ck_assert_int_eq(numbering__instance_to_record(&rec, &body, order[i]), NUMBERING_OK);
		ck_assert_ptr_null(rec.keys[0]);
		ck_assert_int_eq(old->put(old, &rec), NUMBERING_OK);
	}
	ck_assert_int_eq(old->commit(old), NUMBERING_OK);
	numbering__buf_free(&body);
	numbering_store_close(scratch);
	if (_i) {
		old->free(old);
		old = fixture_file_backend(path, 0);
	}
	S = open_on(old);
	static const char *const names[4] = {"projects/1/phoneNumberInstances/a", "projects/3/phoneNumberInstances/b",
	                                     "projects/1/phoneNumberInstances/c", "projects/4/phoneNumberInstances/d"};
	for (int i = 0; i < 4; i++) {
		numbering_instance *got = NULL;
		ck_assert_msg(numbering_store_get(&got, S, NULL, names[i]) == NUMBERING_OK, "%s", numbering_error_message());
		ck_assert_msg(numbering_instance_phone_id(got) == i + 1, "%s: phone id %" PRId64, names[i],
		              numbering_instance_phone_id(got));
		numbering_instance_free(got);
	}
	numbering_instance *e = create_in(S, "projects/3", "+12085550301", "e", NULL);
	ck_assert_int_eq(numbering_instance_phone_id(e), 5);
	numbering_instance_free(e);
	numbering_instance *list[] = {a, b, c, d, b_gone, c_gone};
	for (size_t i = 0; i < 6; i++)
		numbering_instance_free(list[i]);
	teardown_store();
}
END_TEST

Suite *vox_gaps_suite(void)
{
	Suite *s = suite_create("vox_gaps");
	TCase *tc = tcase_create("vox_gaps");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, every_method_is_listed);
	tcase_add_loop_test(tc, account_sms_url_through_json, 0, 2);
	tcase_add_test(tc, account_sms_url_permissions);
	tcase_add_loop_test(tc, a_retried_create_answers_its_phone_id, 0, 2);
	tcase_add_loop_test(tc, an_old_store_gives_every_deleted_instance_an_id, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}
