/*
 * The authorization of the subscription methods (numbering/subscription.h): each needs
 * exactly its permission (GetSubscription and ListSubscriptions
 * numbering.billingAccounts.get, UpdateSubscription numbering.activeNumbers.update on
 * the project; RunBilling numbering.billingAccounts.run on "*", a host operation).
 * Refused, a call is PERMISSION_DENIED whether its target exists or not, sets no
 * out-parameter and changes nothing; any other permission refused does not stop it.
 * The same for GetSubscription, ListSubscriptions, UpdateSubscription and RunBilling
 * through JSON, on a store with a subscription whose next period is due.
 */
#include <stdio.h>
#include <string.h>

#include "ledger-invariant.h"
#include "rent-setup.h"
#include "store-fixture.h"
#include "suites.h"
#include "top-up.h"

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

/* ---- The same through JSON, on a store with a subscription and a period due ---- */

static const char *const json_methods[METHOD_COUNT] = {
	[GET] = "GetSubscription",
	[LIST] = "ListSubscriptions",
	[UPDATE] = "UpdateSubscription",
	[RUN] = "RunBilling",
};

static char sub_name[160];

/* fx.store with P1 renting +12125550100 (USD 2.00 a month, paid for its first month)
 * and the clock 40 days on: its second period is due. Done by the host, before any
 * permission is refused. */
static void open_with_subscription(void)
{
	fixture_open(NULL);
	stock_import_usd(fx.store, "+12125550100", NUMBERING_CAPABILITY_VOICE, 0, 200, 1);
	top_up(fx.store, P1, "USD", 1000);
	numbering_active_number *a = NULL;
	ck_assert_msg(numbering_store_rent(&a, fx.store, NULL, P1, "+12125550100", NULL) == NUMBERING_OK, "%s",
	              numbering_error_message());
	numbering_active_number_free(a);
	numbering_subscription_page *page = NULL;
	ck_assert_int_eq(numbering_store_list_subscriptions(&page, fx.store, NULL, P1, 0, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_subscription_page_count(page), 1);
	snprintf(sub_name, sizeof(sub_name), "%s", numbering_subscription_name(numbering_subscription_page_item(page, 0)));
	numbering_subscription_page_free(page);
	fx.now += INT64_C(40) * 86400 * 1000000000;
}

/* What a call could change: P1's ledger (entries, balance) and its subscription as the
 * host reads it through JSON. */
struct state {
	int64_t entries, balance;
	char *subscription;
};

static void state_read(struct state *st)
{
	st->entries = ledger_check(fx.store, NULL, P1, 0, &st->balance);
	char request[256];
	snprintf(request, sizeof(request), "{\"name\":\"%s\"}", sub_name);
	st->subscription = NULL;
	ck_assert_int_eq(numbering_store_call_json(&st->subscription, fx.store, NULL, "GetSubscription", request),
	                 NUMBERING_OK);
}

static void state_free(struct state *st)
{
	numbering_free(st->subscription);
}

/* Calls @m through JSON as "user:u"; returns its status, *response its answer. */
static int call_json(enum method m, char **response)
{
	char request[320];
	switch (m) {
	case GET:
		snprintf(request, sizeof(request), "{\"name\":\"%s\"}", sub_name);
		break;
	case LIST:
		snprintf(request, sizeof(request), "{\"parent\":\"" P1 "\"}");
		break;
	case UPDATE:
		snprintf(request, sizeof(request), "{\"name\":\"%s\",\"subscription\":{\"autoCharge\":false}}", sub_name);
		break;
	default:
		snprintf(request, sizeof(request), "{}");
		break;
	}
	*response = NULL;
	return numbering_store_call_json(response, fx.store, "user:u", json_methods[m], request);
}

/* Each JSON method, with each of the permissions refused in turn: refused (naming its
 * permission and where, changing nothing, answering no subscription) exactly when its
 * own is refused, and answering with it otherwise. */
START_TEST(json_methods_need_exactly_their_permission)
{
	int refused = 0, allowed = 0;
	for (int m = 0; m < METHOD_COUNT; m++) {
		for (size_t p = 0; p < sizeof(others) / sizeof(others[0]); p++) {
			open_with_subscription();
			struct state before, after;
			state_read(&before);
			fx.deny_permission = others[p];
			char *response = NULL;
			int rc = call_json((enum method)m, &response);
			fx.deny_permission = NULL;
			state_read(&after);
			if (strcmp(others[p], needs[m].permission) == 0) {
				ck_assert_msg(rc == NUMBERING_PERMISSION_DENIED, "%s without %s: %s", json_methods[m], others[p],
				              response);
				char expect[160];
				snprintf(expect, sizeof(expect), "lacks permission %s on %s", needs[m].permission,
				         needs[m].host ? "*" : P1);
				ck_assert_msg(strstr(response, expect) != NULL, "%s: \"%s\" lacks \"%s\"", json_methods[m], response,
				              expect);
				ck_assert_msg(strstr(response, "\"PERMISSION_DENIED\"") != NULL, "%s", response);
				ck_assert_msg(strstr(response, "autoCharge") == NULL && strstr(response, "nextChargeDate") == NULL,
				              "%s answered a subscription when refused: %s", json_methods[m], response);
				ck_assert_int_eq(after.entries, before.entries);
				ck_assert_int_eq(after.balance, before.balance);
				ck_assert_str_eq(after.subscription, before.subscription);
				refused++;
			} else {
				ck_assert_msg(rc == NUMBERING_OK, "%s refused without %s: %s", json_methods[m], others[p],
				              response);
				switch (m) {
				case GET:
					ck_assert_str_eq(response, before.subscription);
					break;
				case LIST:
					ck_assert_ptr_nonnull(strstr(response, sub_name));
					break;
				case UPDATE:
					ck_assert_ptr_nonnull(strstr(response, "\"autoCharge\":false"));
					ck_assert_ptr_nonnull(strstr(after.subscription, "\"autoCharge\":false"));
					ck_assert_ptr_nonnull(strstr(before.subscription, "\"autoCharge\":true"));
					break;
				default: /* the period due charged: one more entry, 2.00 less */
					ck_assert_int_eq(after.entries, before.entries + 1);
					ck_assert_int_eq(after.balance, before.balance - 200);
					break;
				}
				allowed++;
			}
			numbering_free(response);
			state_free(&before);
			state_free(&after);
			fixture_close();
		}
	}
	ck_assert_int_eq(refused, METHOD_COUNT);
	ck_assert_int_eq(allowed, METHOD_COUNT * (int)(sizeof(others) / sizeof(others[0])) - METHOD_COUNT);
}
END_TEST

/* Through JSON too: RunBilling refused on one project only still runs (it is asked
 * on "*"); GetSubscription is asked about the subscription's own project. */
START_TEST(json_run_is_a_host_operation)
{
	open_with_subscription();
	char *response = NULL;
	fx.deny_permission = "numbering.billingAccounts.run";
	fx.deny_project = P1;
	ck_assert_int_eq(call_json(RUN, &response), NUMBERING_OK);
	numbering_free(response);
	fx.deny_project = "*";
	ck_assert_int_eq(call_json(RUN, &response), NUMBERING_PERMISSION_DENIED);
	ck_assert_ptr_nonnull(strstr(response, "numbering.billingAccounts.run on *"));
	numbering_free(response);
	fx.deny_permission = "numbering.billingAccounts.get";
	fx.deny_project = "projects/p2";
	ck_assert_int_eq(call_json(GET, &response), NUMBERING_OK);
	numbering_free(response);
	ck_assert_int_eq(call_json(LIST, &response), NUMBERING_OK);
	numbering_free(response);
	fx.deny_project = P1;
	ck_assert_int_eq(call_json(GET, &response), NUMBERING_PERMISSION_DENIED);
	ck_assert_ptr_nonnull(strstr(response, "numbering.billingAccounts.get on " P1));
	numbering_free(response);
	fixture_close();
}
END_TEST

Suite *authz_subscription_suite(void)
{
	Suite *s = suite_create("authz_subscription");
	TCase *tc = tcase_create("authz_subscription");
	tcase_add_test(tc, each_method_needs_exactly_its_permission);
	tcase_add_test(tc, run_is_a_host_operation);
	tcase_add_test(tc, json_methods_need_exactly_their_permission);
	tcase_add_test(tc, json_run_is_a_host_operation);
	suite_add_tcase(s, tc);
	return s;
}
