/*
 * The authorization matrix of AttachPhoneNumber, DeactivatePhoneNumber and the host's
 * VerifyPhoneNumber (numbering/phone.h), as tests/test-authz-purchase.c does for the
 * purchases: each method against every single permission, granted on projects/p1 or on
 * "*", through the built-in policy and through a host authorizer, by the C API and by
 * the JSON entry point. The caller succeeds exactly when it holds the method's
 * permission (on "*" for the host's verify); otherwise PERMISSION_DENIED, no result,
 * nothing changed.
 */
#include <stdio.h>
#include <string.h>

#include <numbering/numbering.h>
#include <numbering/phone.h>

#include "authz-grant.h"
#include "suites.h"
#include "top-up.h"

#define USER AUTHZ_USER
#define ADMIN AUTHZ_ADMIN
#define P1 "projects/p1"
#define PLAIN "+12125551234"
#define HELD "+12125551240"

enum method { ATTACH, DEACTIVATE, VERIFY, METHOD_COUNT };

static const struct {
	const char *permission;
	int host;
	const char *json_method;
	const char *json_request;
} methods[METHOD_COUNT] = {
	[ATTACH] = {"numbering.phoneNumbers.attach", 0, "AttachPhoneNumber",
	            "{\"account_id\":\"p1\",\"country_code\":\"US\",\"phone_category_name\":\"GEOGRAPHIC\","
	            "\"phone_region_id\":1,\"phone_count\":1}"},
	[DEACTIVATE] = {"numbering.phoneNumbers.deactivate", 0, "DeactivatePhoneNumber",
	                "{\"account_id\":\"p1\",\"phone_number\":\"" PLAIN "\"}"},
	[VERIFY] = {"numbering.phoneNumbers.verify", 1, "VerifyPhoneNumber",
	            "{\"account_id\":\"p1\",\"phone_number\":\"" HELD "\",\"verification_status\":\"VERIFIED\"}"},
};

/* What USER holds (authz-grant.h). */
static struct authz_grant grant;

static numbering_policy *policy;

static numbering_store *open_with(numbering_authorizer_cb authorizer, void *payload)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.authorizer = authorizer;
	options.authorizer_payload = payload;
	numbering_store *store = NULL;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	return store;
}

static numbering_store *open_store(int use_policy)
{
	if (!use_policy)
		return open_with(authz_grant_authorizer, &grant);
	policy = authz_grant_policy(&grant);
	return open_with(numbering_policy_authorize, policy);
}

static void import(numbering_store *store, const char *numbers, int64_t region, int docs)
{
	numbering_available_number *n = NULL;
	ck_assert_int_eq(numbering_available_number_new(&n), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_numbers(n, numbers, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_type(n, NUMBERING_NUMBER_TYPE_LOCAL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_text(n, "categoryName", "GEOGRAPHIC"), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_int(n, "regionId", region), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_int(n, "supportingDocumentationRequired", docs), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_money(n, "monthlyPrice", "USD", 200), NUMBERING_OK);
	const numbering_available_number *items[] = {n};
	ck_assert_int_eq(numbering_store_import_available(NULL, store, ADMIN, items, 1), NUMBERING_OK);
	numbering_available_number_free(n);
}

/* The admin attached PLAIN and HELD (waiting for verification); more are in stock. */
static void populate(numbering_store *store)
{
	import(store, "+12125551234-37", 1, 0);
	import(store, HELD, 2, 1);
	top_up(store, P1, "USD", 10000);
	const char *numbers[] = {PLAIN};
	numbering_attach_request r = NUMBERING_ATTACH_REQUEST_INIT;
	r.country_code = "US";
	r.phone_category_name = "GEOGRAPHIC";
	r.phone_region_id = 1;
	r.phone_numbers = numbers;
	r.phone_number_count = 1;
	numbering_attached *a = NULL;
	ck_assert_msg(numbering_store_attach_phone_numbers(&a, store, ADMIN, P1, &r) == NUMBERING_OK, "%s",
	              numbering_error_message());
	numbering_attached_free(a);
	const char *held[] = {HELD};
	r.phone_numbers = held;
	r.phone_region_id = 2;
	ck_assert_msg(numbering_store_attach_phone_numbers(&a, store, ADMIN, P1, &r) == NUMBERING_OK, "%s",
	              numbering_error_message());
	ck_assert_int_eq(numbering_attached_verification_status(a, 0), NUMBERING_VERIFICATION_REQUIRED);
	numbering_attached_free(a);
}

/* What the store holds, to see that a refused call changed nothing. */
static void state(numbering_store *store, char *out, size_t size)
{
	int64_t balance = 0, reserved = 0, entries = 0;
	account_state(store, P1, &balance, &reserved, &entries);
	numbering_list_request *request = NULL;
	ck_assert_int_eq(numbering_list_request_new(&request), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_request_set_parent(request, P1), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_request_set_include_deleted(request, 1), NUMBERING_OK);
	numbering_list_page *page = NULL;
	ck_assert_int_eq(numbering_store_list(&page, store, ADMIN, request), NUMBERING_OK);
	int n = snprintf(out, size, "%lld/%lld/%lld", (long long)balance, (long long)reserved, (long long)entries);
	for (int i = 0; i < numbering_list_page_count(page) && n > 0 && (size_t)n < size; i++) {
		const numbering_instance *in = numbering_list_page_instance(page, i);
		n += snprintf(out + n, size - (size_t)n, " %s:%d", numbering_instance_phone_number(in),
		              numbering_instance_lifecycle_state(in));
	}
	numbering_list_page_free(page);
	numbering_list_request_free(request);
}

static int call_c(numbering_store *store, enum method m, int *out_set)
{
	numbering_attached *a = NULL;
	int64_t n = 0;
	int rc;
	const char *plain[] = {PLAIN};
	numbering_attach_request r = NUMBERING_ATTACH_REQUEST_INIT;
	r.country_code = "US";
	r.phone_category_name = "GEOGRAPHIC";
	r.phone_region_id = 1;
	r.phone_count = 1;
	switch (m) {
	case ATTACH: rc = numbering_store_attach_phone_numbers(&a, store, USER, P1, &r); break;
	case DEACTIVATE: rc = numbering_store_deactivate_phone_numbers(&n, store, USER, P1, NULL, 0, 0, plain, 1); break;
	default:
		rc = numbering_store_verify_phone_number(store, USER, P1, 0, HELD, NUMBERING_VERIFICATION_VERIFIED, NULL);
		break;
	}
	*out_set = a != NULL || n != 0;
	numbering_attached_free(a);
	return rc;
}

static void check_one(int use_policy, const char *scope, int perm, int m, int by_json)
{
	grant.permission = authz_permissions[perm];
	grant.project = scope;
	numbering_store *store = open_store(use_policy);
	char before[512], after[512];
	populate(store);
	state(store, before, sizeof(before));
	int allowed = strcmp(authz_permissions[perm], methods[m].permission) == 0 &&
	              (!methods[m].host || strcmp(scope, "*") == 0);
	int out_set = 0;
	char *response = NULL;
	int rc = by_json ? numbering_store_call_json(&response, store, USER, methods[m].json_method,
	                                             methods[m].json_request)
	                 : call_c(store, (enum method)m, &out_set);
	struct authz_cell cell = {use_policy, scope, perm, methods[m].json_method, by_json};
	authz_expect_verdict(&cell, allowed, rc, out_set, response);
	/* An allowed call changes the store; a refused one nothing. */
	state(store, after, sizeof(after));
	if (allowed)
		ck_assert_str_ne(after, before);
	else
		ck_assert_str_eq(after, before);
	numbering_free(response);
	numbering_store_close(store);
	numbering_policy_free(policy);
	policy = NULL;
}

START_TEST(matrix_builtin_policy)
{
	authz_matrix(1, METHOD_COUNT, check_one);
}
END_TEST

START_TEST(matrix_host_authorizer)
{
	authz_matrix(0, METHOD_COUNT, check_one);
}
END_TEST

/* The built-in roles: an editor attaches and deactivates; a viewer neither; only an
 * admin on "*" verifies. */
START_TEST(roles_hold_the_methods)
{
	static const struct {
		const char *role;
		const char *project;
		int allowed[METHOD_COUNT];
	} roles[] = {
		{"roles/numbering.viewer", P1, {0, 0, 0}},
		{"roles/numbering.editor", P1, {1, 1, 0}},
		{"roles/numbering.admin", P1, {1, 1, 0}},
		{"roles/numbering.admin", "*", {1, 1, 1}},
	};
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		for (int m = 0; m < METHOD_COUNT; m++) {
			policy = authz_role_policy(roles[i].project, roles[i].role);
			numbering_store *store = open_with(numbering_policy_authorize, policy);
			populate(store);
			int out_set = 0;
			int rc = call_c(store, (enum method)m, &out_set);
			ck_assert_msg((rc == NUMBERING_OK) == roles[i].allowed[m], "%s on %s %s: %s", roles[i].role,
			              roles[i].project, methods[m].json_method, numbering_error_message());
			numbering_store_close(store);
			numbering_policy_free(policy);
			policy = NULL;
		}
}
END_TEST

Suite *authz_vox_attach_suite(void)
{
	Suite *s = suite_create("authz_vox_attach");
	TCase *tc = tcase_create("matrix");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, matrix_builtin_policy);
	tcase_add_test(tc, matrix_host_authorizer);
	tcase_add_test(tc, roles_hold_the_methods);
	suite_add_tcase(s, tc);
	return s;
}
