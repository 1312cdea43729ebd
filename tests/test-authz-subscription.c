/*
 * The authorization of the subscription methods (numbering/subscription.h): each needs
 * exactly its permission (GetSubscription and ListSubscriptions
 * numbering.billingAccounts.get, UpdateSubscription numbering.activeNumbers.update on
 * the project; RunBilling numbering.billingAccounts.run on "*", a host operation).
 * Refused, a call is PERMISSION_DENIED whether its target exists or not, sets no
 * out-parameter and changes nothing; any other permission refused does not stop it.
 */
#include <stdio.h>
#include <string.h>

#include "store-fixture.h"
#include "suites.h"

#define P1 "projects/p1"
#define MISSING "projects/p1/subscriptions/nothing"

enum method { GET, LIST, UPDATE, RUN, METHOD_COUNT };

static const struct {
	const char *permission;
	int host;
} needs[METHOD_COUNT] = {
	[GET] = {"numbering.billingAccounts.get", 0},
	[LIST] = {"numbering.billingAccounts.get", 0},
	[UPDATE] = {"numbering.activeNumbers.update", 0},
	[RUN] = {"numbering.billingAccounts.run", 1},
};

static const char *const others[] = {
	"numbering.billingAccounts.get",     "numbering.billingAccounts.adjust", "numbering.billingAccounts.listEntries",
	"numbering.billingAccounts.run",     "numbering.activeNumbers.get",      "numbering.activeNumbers.update",
	"numbering.activeNumbers.release",   "numbering.phoneNumberInstances.get",
};

/* Calls @m; *set tells whether an out-parameter came back. */
static int call(enum method m, int *set)
{
	numbering_subscription *s = NULL;
	numbering_subscription_page *page = NULL;
	numbering_billing_report r = NUMBERING_BILLING_REPORT_INIT;
	r.charged = -1;
	int rc = NUMBERING_OK;
	switch (m) {
	case GET:
		rc = numbering_store_get_subscription(&s, fx.store, "user:u", MISSING);
		break;
	case LIST:
		rc = numbering_store_list_subscriptions(&page, fx.store, "user:u", P1, 0, NULL);
		break;
	case UPDATE:
		rc = numbering_store_set_subscription_auto_charge(&s, fx.store, "user:u", MISSING, 0);
		break;
	default:
		rc = numbering_store_run_billing(&r, fx.store, "user:u");
		break;
	}
	*set = s != NULL || page != NULL || r.charged != -1;
	numbering_subscription_free(s);
	numbering_subscription_page_free(page);
	return rc;
}

START_TEST(each_method_needs_exactly_its_permission)
{
	for (int m = 0; m < METHOD_COUNT; m++) {
		for (size_t p = 0; p < sizeof(others) / sizeof(others[0]); p++) {
			fixture_open(NULL);
			fx.deny_permission = others[p];
			int set = 0;
			int rc = call((enum method)m, &set);
			if (strcmp(others[p], needs[m].permission) == 0) {
				ck_assert_msg(rc == NUMBERING_PERMISSION_DENIED, "method %d without %s: %s", m, others[p],
				              numbering_status_name(rc));
				ck_assert_ptr_nonnull(strstr(numbering_error_message(), others[p]));
				ck_assert_msg(!set, "method %d set its out-parameter when refused", m);
			} else {
				ck_assert_msg(rc != NUMBERING_PERMISSION_DENIED, "method %d refused without %s", m, others[p]);
			}
			fixture_close();
		}
	}
}
END_TEST

START_TEST(run_is_a_host_operation)
{
	fixture_open(NULL);
	int set = 0;
	/* Refused on one project only: the run is authorized on "*". */
	fx.deny_permission = "numbering.billingAccounts.run";
	fx.deny_project = P1;
	ck_assert_int_eq(call(RUN, &set), NUMBERING_OK);
	fx.deny_project = "*";
	ck_assert_int_eq(call(RUN, &set), NUMBERING_PERMISSION_DENIED);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "numbering.billingAccounts.run on *"));
	/* The project methods are asked about the subscription's project. */
	fx.deny_permission = "numbering.billingAccounts.get";
	fx.deny_project = "projects/p2";
	ck_assert_int_eq(call(GET, &set), NUMBERING_NOT_FOUND);
	fx.deny_project = P1;
	ck_assert_int_eq(call(GET, &set), NUMBERING_PERMISSION_DENIED);
	fixture_close();
}
END_TEST

Suite *authz_subscription_suite(void)
{
	Suite *s = suite_create("authz_subscription");
	TCase *tc = tcase_create("authz_subscription");
	tcase_add_test(tc, each_method_needs_exactly_its_permission);
	tcase_add_test(tc, run_is_a_host_operation);
	suite_add_tcase(s, tc);
	return s;
}
