/*
 * The authorization matrix of the purchase methods (numbering/purchase.h), as
 * tests/test-authz-sinch.c does for the Sinch ones: each of the six methods against
 * every single permission, granted on projects/p1 or on "*", through the built-in
 * policy and through a host authorizer, by the C API and by the JSON entry point. The
 * caller succeeds exactly when it holds the method's permission (on "*" for the host's
 * complete and fail); otherwise PERMISSION_DENIED, no out-parameter, nothing changed.
 */
#include <stdio.h>
#include <string.h>

#include <numbering/numbering.h>

#include "authz-grant.h"
#include "suites.h"
#include "top-up.h"

#define USER AUTHZ_USER
#define ADMIN AUTHZ_ADMIN
#define P1 "projects/p1"

enum method { CREATE, GET, LIST, CANCEL, COMPLETE, FAIL, METHOD_COUNT };

static const struct {
	const char *permission;
	int host;
	const char *json_method;
	const char *json_request; /* "%s": the purchase's name */
} methods[METHOD_COUNT] = {
	[CREATE] = {"numbering.phoneNumberPurchases.create", 0, "CreatePhoneNumberPurchase",
	            "{\"parent\":\"projects/p1\",\"phoneNumberPurchase\":{\"friendlyName\":\"Line\","
	            "\"phoneNumber\":\"+12125551235\",\"countryCode\":\"US\"}}"},
	[GET] = {"numbering.phoneNumberPurchases.get", 0, "GetPhoneNumberPurchase", "{\"name\":\"%s\"}"},
	[LIST] = {"numbering.phoneNumberPurchases.list", 0, "ListPhoneNumberPurchases", "{\"parent\":\"projects/p1\"}"},
	[CANCEL] = {"numbering.phoneNumberPurchases.cancel", 0, "CancelPhoneNumberPurchase", "{\"name\":\"%s\"}"},
	[COMPLETE] = {"numbering.phoneNumberPurchases.complete", 1, "CompletePhoneNumberPurchase", "{\"name\":\"%s\"}"},
	[FAIL] = {"numbering.phoneNumberPurchases.fail", 1, "FailPhoneNumberPurchase",
	          "{\"name\":\"%s\",\"statusDetails\":\"refused\"}"},
};

/* What USER holds (authz-grant.h). */
static struct authz_grant grant;

static numbering_policy *policy;

static numbering_store *open_store(int use_policy)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	authz_grant_options(&options, use_policy, &grant, &policy);
	numbering_store *store = NULL;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	return store;
}

/* Two numbers that need documents; the admin's purchase of the first is PROCESSING. */
static void populate(numbering_store *store, char *name, size_t size)
{
	numbering_available_number *n = NULL;
	ck_assert_int_eq(numbering_available_number_new(&n), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_numbers(n, "+12125551234-35", NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_type(n, NUMBERING_NUMBER_TYPE_LOCAL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_int(n, "supportingDocumentationRequired", 1), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_money(n, "monthlyPrice", "USD", 200), NUMBERING_OK);
	const numbering_available_number *items[] = {n};
	ck_assert_int_eq(numbering_store_import_available(NULL, store, ADMIN, items, 1), NUMBERING_OK);
	numbering_available_number_free(n);
	top_up(store, P1, "USD", 1000);
	numbering_purchase_request r = NUMBERING_PURCHASE_REQUEST_INIT;
	r.friendly_name = "Line";
	r.phone_number = "+12125551234";
	r.country_code = "US";
	numbering_purchase *p = NULL;
	ck_assert_int_eq(numbering_store_create_purchase(&p, store, ADMIN, P1, &r), NUMBERING_OK);
	ck_assert_str_eq(numbering_purchase_text(p, "status"), "PROCESSING");
	snprintf(name, size, "%s", numbering_purchase_text(p, "name"));
	numbering_purchase_free(p);
}

/* What the store holds, to see that a refused call changed nothing. */
static void state(numbering_store *store, const char *name, char *out, size_t size)
{
	int64_t balance = 0, reserved = 0, entries = 0;
	account_state(store, P1, &balance, &reserved, &entries);
	numbering_purchase *p = NULL;
	ck_assert_int_eq(numbering_store_get_purchase(&p, store, ADMIN, name), NUMBERING_OK);
	numbering_purchase_page *page = NULL;
	ck_assert_int_eq(numbering_store_list_purchases(&page, store, ADMIN, P1, 0, 0, NULL), NUMBERING_OK);
	snprintf(out, size, "%lld/%lld/%lld %s %d", (long long)balance, (long long)reserved, (long long)entries,
	         numbering_purchase_text(p, "status"), numbering_purchase_page_count(page));
	numbering_purchase_page_free(page);
	numbering_purchase_free(p);
}

static int call_c(numbering_store *store, enum method m, const char *name, int *out_set)
{
	numbering_purchase *p = NULL;
	numbering_purchase_page *page = NULL;
	int rc;
	numbering_purchase_request r = NUMBERING_PURCHASE_REQUEST_INIT;
	r.friendly_name = "Line";
	r.phone_number = "+12125551235";
	r.country_code = "US";
	switch (m) {
	case CREATE: rc = numbering_store_create_purchase(&p, store, USER, P1, &r); break;
	case GET: rc = numbering_store_get_purchase(&p, store, USER, name); break;
	case LIST: rc = numbering_store_list_purchases(&page, store, USER, P1, 0, 0, NULL); break;
	case CANCEL: rc = numbering_store_cancel_purchase(&p, store, USER, name); break;
	case COMPLETE: rc = numbering_store_complete_purchase(&p, store, USER, name); break;
	default: rc = numbering_store_fail_purchase(&p, store, USER, name, "refused"); break;
	}
	*out_set = p != NULL || page != NULL;
	numbering_purchase_free(p);
	numbering_purchase_page_free(page);
	return rc;
}

static int call_json(numbering_store *store, enum method m, const char *name, char **response)
{
	char request[512];
	snprintf(request, sizeof(request), methods[m].json_request, name);
	return numbering_store_call_json(response, store, USER, methods[m].json_method, request);
}

static void check_one(int use_policy, const char *scope, int perm, int m, int by_json)
{
	grant.permission = authz_permissions[perm];
	grant.project = scope;
	numbering_store *store = open_store(use_policy);
	char name[128], before[256], after[256];
	populate(store, name, sizeof(name));
	state(store, name, before, sizeof(before));
	int allowed = strcmp(authz_permissions[perm], methods[m].permission) == 0 &&
	              (!methods[m].host || strcmp(scope, "*") == 0);
	int out_set = 0;
	char *response = NULL;
	int rc = by_json ? call_json(store, (enum method)m, name, &response) : call_c(store, (enum method)m, name, &out_set);
	struct authz_cell cell = {use_policy, scope, perm, methods[m].json_method, by_json};
	authz_expect_verdict(&cell, allowed, rc, out_set, response);
	if (!allowed) {
		state(store, name, after, sizeof(after));
		ck_assert_str_eq(after, before);
	}
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

/* The built-in roles: a viewer reads, an editor buys and cancels, only an admin on "*"
 * completes and fails. */
START_TEST(roles_hold_the_methods)
{
	static const struct {
		const char *role;
		int allowed[METHOD_COUNT];
	} roles[] = {
		{"roles/numbering.viewer", {0, 1, 1, 0, 0, 0}},
		{"roles/numbering.editor", {1, 1, 1, 1, 0, 0}},
	};
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		for (int m = 0; m < METHOD_COUNT; m++) {
			policy = authz_role_policy("projects/p1", roles[i].role);
			numbering_options options = NUMBERING_OPTIONS_INIT;
			options.authorizer = numbering_policy_authorize;
			options.authorizer_payload = policy;
			numbering_store *store = NULL;
			ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
			char name[128];
			populate(store, name, sizeof(name));
			int out_set = 0;
			int rc = call_c(store, (enum method)m, name, &out_set);
			ck_assert_msg((rc == NUMBERING_OK) == roles[i].allowed[m], "%s %s: %s", roles[i].role,
			              methods[m].json_method, numbering_status_name(rc));
			numbering_store_close(store);
			numbering_policy_free(policy);
			policy = NULL;
		}
}
END_TEST

Suite *authz_purchase_suite(void)
{
	Suite *s = suite_create("authz_purchase");
	TCase *tc = tcase_create("matrix");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, matrix_builtin_policy);
	tcase_add_test(tc, matrix_host_authorizer);
	tcase_add_test(tc, roles_hold_the_methods);
	suite_add_tcase(s, tc);
	return s;
}
