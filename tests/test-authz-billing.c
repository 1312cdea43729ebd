/*
 * The authorization matrix of the billing account methods (numbering/billing.h):
 * GetBillingAccount needs numbering.billingAccounts.get and ListBillingEntries
 * numbering.billingAccounts.listEntries on the project; AdjustBillingAccount needs
 * numbering.billingAccounts.adjust on "*" (a host operation). Each method against
 * every single permission and none, with the built-in policy and with a host
 * authorizer, through C and JSON, over a store with a ledger and an empty one. Holding
 * the method's permission gives its answer; anything else is PERMISSION_DENIED word
 * for word the same in both stores, naming the permission and where, with no
 * out-parameter set, no figure of the ledger in the body, and the ledger unchanged.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include <numbering/numbering.h>

#include "authz-grant.h"
#include "ledger-invariant.h"
#include "service/service.h"
#include "suites.h"

#define USER AUTHZ_USER
#define ADMIN AUTHZ_ADMIN
#define P1 "projects/p1"
#define SECRET_FIGURE "43.21" /* the balance of the ledger: never in a refusal */

enum method { GET, ADJUST, LIST, METHOD_COUNT };

static const struct {
	const char *permission;
	int host;
	const char *json_method;
	const char *json_request;
} methods[METHOD_COUNT] = {
	[GET] = {"numbering.billingAccounts.get", 0, "GetBillingAccount", "{\"parent\":\"projects/p1\"}"},
	[ADJUST] = {"numbering.billingAccounts.adjust", 1, "AdjustBillingAccount",
	            "{\"parent\":\"projects/p1\",\"amount\":{\"currencyCode\":\"USD\",\"amount\":\"1.00\"},"
	            "\"reason\":\"top-up\"}"},
	[LIST] = {"numbering.billingAccounts.listEntries", 0, "ListBillingEntries", "{\"parent\":\"projects/p1\"}"},
};

enum kind { POLICY, CALLBACK };

/* What USER holds (authz-grant.h). */
static struct authz_grant grant;

static numbering_policy *policy;

static numbering_store *open_store(enum kind kind, int populated)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	authz_grant_options(&options, kind == POLICY, &grant, &policy);
	numbering_store *store = NULL;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	if (populated) {
		numbering_billing_entry *e = NULL;
		ck_assert_int_eq(numbering_store_adjust_billing_account(&e, store, ADMIN, P1, "USD", 5000, "top-up", "t1"),
		                 NUMBERING_OK);
		numbering_billing_entry_free(e);
		ck_assert_int_eq(numbering_store_adjust_billing_account(&e, store, ADMIN, P1, "USD", -679, "refund", NULL),
		                 NUMBERING_OK);
		numbering_billing_entry_free(e);
	}
	return store;
}

static void close_store(numbering_store *store)
{
	numbering_store_close(store);
	numbering_policy_free(policy);
	policy = NULL;
}

/* The C call of @m as USER; *set tells whether an out-parameter came back. */
static int call_c(numbering_store *store, enum method m, int *set)
{
	numbering_billing_account *a = NULL;
	numbering_billing_entry *e = NULL;
	numbering_billing_entry_page *page = NULL;
	int rc;
	switch (m) {
	case GET:
		rc = numbering_store_get_billing_account(&a, store, USER, P1);
		break;
	case ADJUST:
		rc = numbering_store_adjust_billing_account(&e, store, USER, P1, "USD", 100, "top-up", NULL);
		break;
	default:
		rc = numbering_store_list_billing_entries(&page, store, USER, P1, 0, NULL);
		break;
	}
	*set = a != NULL || e != NULL || page != NULL;
	numbering_billing_account_free(a);
	numbering_billing_entry_free(e);
	numbering_billing_entry_page_free(page);
	return rc;
}

/* The ledger of p1 as ADMIN sees it: entries and balance. */
static void ledger_state(numbering_store *store, int64_t *entries, int64_t *balance)
{
	*entries = ledger_check(store, ADMIN, P1, 0, balance);
}

/* Runs @m as USER through C or JSON on a fresh store; checks the outcome against
 * whether the grant should allow it. Returns the refusal's message ("" when allowed). */
static void run(enum kind kind, enum method m, int json, int populated, int allowed, char *message, size_t size)
{
	numbering_store *store = open_store(kind, populated);
	int64_t entries = 0, balance = 0, entries_after = 0, balance_after = 0;
	ledger_state(store, &entries, &balance);
	int rc, set = 0;
	char *response = NULL;
	if (json)
		rc = numbering_store_call_json(&response, store, USER, methods[m].json_method, methods[m].json_request);
	else
		rc = call_c(store, m, &set);
	char refusal[512];
	snprintf(refusal, sizeof(refusal), "%s", numbering_error_message());
	ledger_state(store, &entries_after, &balance_after);
	const char *what = json ? methods[m].json_method : "C";
	if (allowed) {
		ck_assert_msg(rc == NUMBERING_OK, "%s %d with %s on %s: %s", what, m, grant.permission, grant.project,
		              refusal);
		ck_assert_int_eq(entries_after, entries + (m == ADJUST));
		if (json && m == GET && populated)
			ck_assert_ptr_nonnull(strstr(response, SECRET_FIGURE));
		message[0] = '\0';
	} else {
		ck_assert_msg(rc == NUMBERING_PERMISSION_DENIED, "%s %d with %s on %s: %s (%s)", what, m,
		              grant.permission ? grant.permission : "nothing", grant.project, numbering_status_name(rc),
		              refusal);
		ck_assert_msg(!set, "%d set its out-parameter when refused", m);
		char expect[160];
		snprintf(expect, sizeof(expect), "lacks permission %s on %s", methods[m].permission,
		         methods[m].host ? "*" : P1);
		ck_assert_msg(strstr(refusal, expect) != NULL, "\"%s\" lacks \"%s\"", refusal, expect);
		if (json)
			ck_assert_msg(strstr(response, SECRET_FIGURE) == NULL && strstr(response, "4321") == NULL, "%s",
			              response);
		ck_assert_int_eq(entries_after, entries);
		ck_assert_int_eq(balance_after, balance);
		snprintf(message, size, "%s", refusal);
	}
	numbering_free(response);
	close_store(store);
}

START_TEST(each_method_needs_exactly_its_permission)
{
	int checks = 0;
	for (int kind = POLICY; kind <= CALLBACK; kind++)
		for (int m = 0; m < METHOD_COUNT; m++)
			for (int p = -1; p < NUMBERING__PERM_COUNT; p++) {
				grant.permission = p < 0 ? NULL : numbering__permission_name(p);
				grant.project = methods[m].host ? "*" : P1;
				int allowed = grant.permission != NULL && strcmp(grant.permission, methods[m].permission) == 0;
				for (int json = 0; json <= 1; json++) {
					char full[512], empty[512];
					run((enum kind)kind, (enum method)m, json, 1, allowed, full, sizeof(full));
					run((enum kind)kind, (enum method)m, json, 0, allowed, empty, sizeof(empty));
					ck_assert_str_eq(full, empty);
					checks++;
				}
			}
	ck_assert_int_gt(checks, 200);
}
END_TEST

START_TEST(where_the_permission_is_held)
{
	for (int kind = POLICY; kind <= CALLBACK; kind++)
		for (int m = 0; m < METHOD_COUNT; m++)
			for (int json = 0; json <= 1; json++) {
				char message[512];
				grant.permission = methods[m].permission;
				/* A host operation is not given by the permission on one project ... */
				grant.project = methods[m].host ? P1 : "projects/p2";
				run((enum kind)kind, (enum method)m, json, 1, 0, message, sizeof(message));
				/* ... and a project method by the permission on "*" (every project). */
				grant.project = "*";
				run((enum kind)kind, (enum method)m, json, 1, 1, message, sizeof(message));
			}
	/* The built-in roles: a viewer reads, an editor does not adjust, an admin does. */
	const char *roles[] = {"roles/numbering.viewer", "roles/numbering.editor", "roles/numbering.admin"};
	const int can[3][METHOD_COUNT] = {{1, 0, 1}, {1, 0, 1}, {1, 1, 1}};
	for (int r = 0; r < 3; r++) {
		char json[512];
		snprintf(json, sizeof(json), "{\"bindings\":[{\"project\":\"*\",\"members\":[\"" USER "\"],\"roles\":[\"%s\"]}]}",
		         roles[r]);
		numbering_policy *p = NULL;
		ck_assert_int_eq(numbering_policy_parse(&p, json), NUMBERING_OK);
		numbering_options options = NUMBERING_OPTIONS_INIT;
		options.authorizer = numbering_policy_authorize;
		options.authorizer_payload = p;
		numbering_store *store = NULL;
		ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
		for (int m = 0; m < METHOD_COUNT; m++) {
			int set = 0;
			int rc = call_c(store, (enum method)m, &set);
			ck_assert_msg(rc == (can[r][m] ? NUMBERING_OK : NUMBERING_PERMISSION_DENIED), "%s, method %d: %s",
			              roles[r], m, numbering_status_name(rc));
		}
		numbering_store_close(store);
		numbering_policy_free(p);
	}
}
END_TEST

Suite *authz_billing_suite(void)
{
	Suite *s = suite_create("authz_billing");
	TCase *tc = tcase_create("authz_billing");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, each_method_needs_exactly_its_permission);
	tcase_add_test(tc, where_the_permission_is_held);
	suite_add_tcase(s, tc);
	return s;
}
