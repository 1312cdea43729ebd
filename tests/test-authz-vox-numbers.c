/*
 * The authorization matrix of BindPhoneNumberToApplication, SetPhoneNumberInfo,
 * GetPhoneNumbers and GetAccountPhoneNumberCountries (numbering/phone.h, "Binding and
 * queries"): each method against every single permission, granted on projects/1, on
 * another project or on "*", through a host authorizer, by the JSON entry point and the
 * C API. The caller succeeds exactly when it holds the method's permission on the
 * account's project (or on "*"); otherwise PERMISSION_DENIED and nothing changed. A
 * parent account's permission covers its children's numbers (child_account_id), a
 * child's never its parent's.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include <numbering/numbering.h>
#include <numbering/phone.h>

#include "authz-grant.h"
#include "suites.h"
#include "top-up.h"

#define USER AUTHZ_USER
#define ADMIN AUTHZ_ADMIN

enum method { BIND, SET_INFO, LIST, COUNTRIES, METHOD_COUNT };

static const struct {
	const char *permission;
	const char *json_method;
	const char *json_request;
} methods[METHOD_COUNT] = {
	[BIND] = {"numbering.phoneNumbers.bind", "BindPhoneNumberToApplication",
	          "{\"account_id\": 1, \"application_name\": \"app\", \"phone_id\": \"all\"}"},
	[SET_INFO] = {"numbering.phoneNumbers.setInfo", "SetPhoneNumberInfo",
	              "{\"account_id\": 1, \"phone_id\": \"all\", \"incoming_sms_callback_url\": \"https://a.example\"}"},
	[LIST] = {"numbering.phoneNumbers.list", "GetPhoneNumbers", "{\"account_id\": 1}"},
	[COUNTRIES] = {"numbering.phoneNumbers.list", "GetAccountPhoneNumberCountries", "{\"account_id\": 1}"},
};

/* What USER holds (authz-grant.h). */
static struct authz_grant grant;

static numbering_store *open_store(void)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.authorizer = authz_grant_authorizer;
	options.authorizer_payload = &grant;
	numbering_store *store = NULL;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	numbering_available_number *n = NULL;
	const char *numbers[] = {"+12085550100", "+12085550300"};
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(numbering_available_number_new(&n), NUMBERING_OK);
		ck_assert_int_eq(numbering_available_number_set_numbers(n, numbers[i], NULL), NUMBERING_OK);
		ck_assert_int_eq(numbering_available_number_set_region_code(n, "US"), NUMBERING_OK);
		ck_assert_int_eq(numbering_available_number_set_type(n, NUMBERING_NUMBER_TYPE_LOCAL), NUMBERING_OK);
		const numbering_available_number *items[1] = {n};
		ck_assert_int_eq(numbering_store_import_available(NULL, store, ADMIN, items, 1), NUMBERING_OK);
		numbering_available_number_free(n);
		numbering_active_number *a = NULL;
		ck_assert_msg(numbering_store_rent(&a, store, ADMIN, i == 0 ? "projects/1" : "projects/3", numbers[i], NULL) ==
		                      NUMBERING_OK,
		              "%s", numbering_error_message());
		numbering_active_number_free(a);
	}
	ck_assert_int_eq(numbering_store_add_application(NULL, store, ADMIN, "projects/1", "app"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_set_parent_account(store, ADMIN, "projects/3", "projects/1"), NUMBERING_OK);
	return store;
}

/* What the store shows of account 1's number, as ADMIN sees it. */
static void state(numbering_store *store, char *out, size_t size)
{
	char *response = NULL;
	ck_assert_int_eq(numbering_store_call_json(&response, store, ADMIN, "GetPhoneNumbers", "{\"account_id\": 1}"),
	                 NUMBERING_OK);
	snprintf(out, size, "%s", response);
	numbering_free(response);
}

START_TEST(matrix)
{
	static const char *const projects[] = {"projects/1", "projects/2", "*"};
	for (int m = 0; m < METHOD_COUNT; m++)
		for (int p = 0; p < AUTHZ_PERMISSION_COUNT; p++)
			for (int where = 0; where < 3; where++) {
				grant.permission = authz_permissions[p];
				grant.project = projects[where];
				numbering_store *store = open_store();
				char before[4096], after[4096];
				state(store, before, sizeof(before));
				char *response = NULL;
				int rc = numbering_store_call_json(&response, store, USER, methods[m].json_method,
				                                   methods[m].json_request);
				int allowed = strcmp(authz_permissions[p], methods[m].permission) == 0 && where != 1;
				ck_assert_msg(allowed ? rc == NUMBERING_OK : rc == NUMBERING_PERMISSION_DENIED,
				              "%s with %s on %s: %s", methods[m].json_method, authz_permissions[p], projects[where],
				              response ? response : "");
				numbering_free(response);
				if (!allowed) {
					state(store, after, sizeof(after));
					ck_assert_str_eq(before, after);
				}
				numbering_store_close(store);
			}
}
END_TEST

START_TEST(c_api)
{
	grant.permission = "numbering.phoneNumbers.list";
	grant.project = "projects/2";
	numbering_store *store = open_store();
	numbering_phone_query q = NUMBERING_PHONE_QUERY_INIT;
	numbering_phone_page *page = NULL;
	ck_assert_int_eq(numbering_store_list_phones(&page, store, USER, "projects/1", &q), NUMBERING_PERMISSION_DENIED);
	ck_assert_ptr_null(page);
	char *codes = NULL;
	ck_assert_int_eq(numbering_store_phone_countries(&codes, store, USER, "projects/1", NULL, 0),
	                 NUMBERING_PERMISSION_DENIED);
	ck_assert_ptr_null(codes);
	ck_assert_int_eq(numbering_store_bind_phones(store, USER, "projects/1", NULL, 0, 1, NULL, 0, 0, "app", 0, NULL, 1),
	                 NUMBERING_PERMISSION_DENIED);
	ck_assert_int_eq(numbering_store_set_phone_info(store, USER, "projects/1", NULL, 0, 1, NULL, 0, NULL),
	                 NUMBERING_PERMISSION_DENIED);
	numbering_store_close(store);
}
END_TEST

static long long total_count(const char *response)
{
	json_t *r = json_loads(response, 0, NULL);
	ck_assert_ptr_nonnull(r);
	long long t = json_integer_value(json_object_get(r, "total_count"));
	json_decref(r);
	return t;
}

/* The parent's permission covers its children's numbers; a child's never the parent's. */
START_TEST(children)
{
	grant.permission = "numbering.phoneNumbers.list";
	grant.project = "projects/1";
	numbering_store *store = open_store();
	char *response = NULL;
	ck_assert_int_eq(numbering_store_call_json(&response, store, USER, "GetPhoneNumbers",
	                                           "{\"account_id\": 1, \"child_account_id\": \"all\"}"),
	                 NUMBERING_OK);
	ck_assert_int_eq(total_count(response), 2);
	numbering_free(response);
	ck_assert_int_eq(numbering_store_call_json(&response, store, USER, "GetPhoneNumbers", "{\"account_id\": 3}"),
	                 NUMBERING_PERMISSION_DENIED);
	numbering_free(response);
	numbering_store_close(store);
	grant.project = "projects/3";
	store = open_store();
	ck_assert_int_eq(numbering_store_call_json(&response, store, USER, "GetPhoneNumbers",
	                                           "{\"account_id\": 3, \"child_account_id\": \"all\"}"),
	                 NUMBERING_OK);
	ck_assert_int_eq(total_count(response), 1);
	numbering_free(response);
	ck_assert_int_eq(numbering_store_call_json(&response, store, USER, "GetPhoneNumbers", "{\"account_id\": 1}"),
	                 NUMBERING_PERMISSION_DENIED);
	numbering_free(response);
	numbering_store_close(store);
}
END_TEST

Suite *authz_vox_numbers_suite(void)
{
	Suite *s = suite_create("authz_vox_numbers");
	TCase *tc = tcase_create("authz_vox_numbers");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, matrix);
	tcase_add_test(tc, c_api);
	tcase_add_test(tc, children);
	suite_add_tcase(s, tc);
	return s;
}
