/* Purchases (numbering/purchase.h): what an acquisition costs, the status machine, its
 * every error, the reserve and the charge on the billing account, and the Sinch rent's
 * purchase; over the memory and the file backend. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include <numbering/numbering.h>
#include <numbering/sys/file.h>

#include "core/error.h"
#include "ledger-invariant.h"
#include "model/kinds.h"
#include "model/validate.h"
#include "page-walk.h"
#include "race-fixture.h"
#include "record-plant.h"
#include "record-damage.h"
#include "stock-plant.h"
#include "service/purchase.h"
#include "service/service.h"
#include "store-fixture.h"
#include "suites.h"
#include "temp-dir.h"
#include "top-up.h"

#define NS INT64_C(1000000000)
#define P1 "projects/p1"
#define HOST "host:billing"

static numbering_store *store;
static int64_t clock_now;
static char path[TEMP_PATH_MAX];
static int on_file;
static int instances_created; /* phoneNumberInstance.created events seen */
static int clock_still;       /* 1: the clock reads clock_now, without a tick */

static int64_t test_clock(void *payload)
{
	return clock_still ? fixture_still(payload) : fixture_tick(payload);
}

static void count_event(const char *event_json, void *payload)
{
	(void)payload;
	if (strstr(event_json, "\"phoneNumberInstance.created\"") != NULL)
		instances_created++;
}

static void open_store(int file)
{
	on_file = file;
	clock_now = FIXTURE_EPOCH;
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.clock = test_clock;
	options.clock_payload = &clock_now;
	clock_still = 0;
	options.event_sink = count_event;
	instances_created = 0;
	fixture_case_path(path, sizeof(path), file, "purchase");
	options.backend = file ? fixture_file_backend(path, 0) : NULL;
	ck_assert_msg(numbering_store_open(&store, &options) == NUMBERING_OK, "%s", numbering_error_message());
}

static void setup_memory(void)
{
	open_store(0);
}

static void setup_file(void)
{
	open_store(1);
}

static void teardown(void)
{
	fixture_close_store(&store, path);
}

/* Every purchase operation of the suite (create, complete, fail, cancel, rent, rentAny,
 * the JSON methods) goes through checked(): after it, the ledger invariant holds for
 * both projects (tests/ledger-invariant.h), whatever the call answered. The call's error
 * is kept for the test to read. */
static int checked(int rc)
{
	char message[1024], fields[NUMBERING_ERROR_MAX_VIOLATIONS][128], texts[NUMBERING_ERROR_MAX_VIOLATIONS][512];
	int violations = numbering_error_violation_count();
	snprintf(message, sizeof(message), "%s", numbering_error_message());
	for (int i = 0; i < violations; i++) {
		snprintf(fields[i], sizeof(fields[i]), "%s", numbering_error_violation_field(i));
		snprintf(texts[i], sizeof(texts[i]), "%s", numbering_error_violation_description(i));
	}
	ledger_check(store, NULL, P1, 0, NULL);
	ledger_check(store, NULL, "projects/p2", 3, NULL);
	if (rc != NUMBERING_OK) {
		numbering__error_set(rc, "%s", message);
		for (int i = 0; i < violations; i++)
			numbering__error_violation(fields[i], "%s", texts[i]);
	}
	return rc;
}

static int create_purchase(numbering_purchase **out, numbering_store *s, const char *caller, const char *parent,
                           const numbering_purchase_request *request)
{
	return checked(numbering_store_create_purchase(out, s, caller, parent, request));
}

static int complete_purchase(numbering_purchase **out, numbering_store *s, const char *caller, const char *name)
{
	return checked(numbering_store_complete_purchase(out, s, caller, name));
}

static int fail_purchase(numbering_purchase **out, numbering_store *s, const char *caller, const char *name,
                         const char *status_details)
{
	return checked(numbering_store_fail_purchase(out, s, caller, name, status_details));
}

static int cancel_purchase(numbering_purchase **out, numbering_store *s, const char *caller, const char *name)
{
	return checked(numbering_store_cancel_purchase(out, s, caller, name));
}

static int rent(numbering_active_number **out, numbering_store *s, const char *caller, const char *project,
                const char *number, const numbering_active_request *request)
{
	return checked(numbering_store_rent(out, s, caller, project, number, request));
}

static int rent_any(numbering_active_number **out, numbering_store *s, const char *caller, const char *project,
                    const numbering_available_query *query, const numbering_active_request *request)
{
	return checked(numbering_store_rent_any(out, s, caller, project, query, request));
}

/* Imports @text (US LOCAL unless @type says) with the prices given (currency NULL: none). */
static void import_priced(const char *text, int type, const char *currency, int64_t setup, int64_t monthly,
                          int interval, int docs)
{
	numbering_available_number *n = NULL;
	ck_assert_int_eq(numbering_available_number_new(&n), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_numbers(n, text, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_type(n, type), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_int(n, "capability", NUMBERING_CAPABILITY_SMS), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_int(n, "supportingDocumentationRequired", docs), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_text(n, "friendlyName", "New York Local"), NUMBERING_OK);
	if (currency != NULL) {
		ck_assert_int_eq(numbering_available_number_set_money(n, "setupPrice", currency, setup), NUMBERING_OK);
		ck_assert_int_eq(numbering_available_number_set_money(n, "monthlyPrice", currency, monthly), NUMBERING_OK);
		ck_assert_int_eq(numbering_available_number_set_int(n, "paymentIntervalMonths", interval), NUMBERING_OK);
	}
	const numbering_available_number *items[] = {n};
	ck_assert_msg(numbering_store_import_available(NULL, store, NULL, items, 1) == NUMBERING_OK, "%s",
	              numbering_error_message());
	numbering_available_number_free(n);
}

/* US LOCAL +12125551234 .. 39 at USD 1.00 setup + 2.00 a month: a purchase costs 3.00. */
static void import_stock(int docs)
{
	import_priced("+12125551230-39", NUMBERING_NUMBER_TYPE_LOCAL, "USD", 100, 200, 1, docs);
}

static numbering_purchase_request request_for(const char *number)
{
	numbering_purchase_request r = NUMBERING_PURCHASE_REQUEST_INIT;
	r.friendly_name = "Main Support Line";
	r.phone_number = number;
	r.country_code = "US";
	return r;
}

/* Nothing was bought: P1 has no purchase, of any status. */
static void expect_no_purchases(void)
{
	numbering_purchase_page *page = NULL;
	ck_assert_int_eq(numbering_store_list_purchases(&page, store, NULL, P1, 0, 0, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_purchase_page_count(page), 0);
	numbering_purchase_page_free(page);
}

static numbering_purchase *buy(const char *number)
{
	numbering_purchase_request r = request_for(number);
	numbering_purchase *p = NULL;
	ck_assert_msg(create_purchase(&p, store, NULL, P1, &r) == NUMBERING_OK, "%s",
	              numbering_error_message());
	return p;
}

/* The account of p1: balance and reserve as expected. */
static void expect_account(int64_t balance, int64_t reserved)
{
	int64_t b = 0, r = 0, entries = 0;
	account_state(store, P1, &b, &r, &entries);
	ck_assert_int_eq(b, balance);
	ck_assert_int_eq(r, reserved);
}

static int available(const char *number)
{
	numbering_available_number *n = NULL;
	int rc = numbering_store_get_available(&n, store, NULL, P1, number);
	numbering_available_number_free(n);
	return rc == NUMBERING_OK;
}

/* The state of p1's live instance of @number, or -1 when it has none. */
static int instance_state(const char *number)
{
	numbering_active_number *a = NULL;
	int rc = numbering_store_get_active(&a, store, NULL, P1, number);
	int state = rc == NUMBERING_OK ? numbering_instance_lifecycle_state(numbering_active_number_instance(a)) : -1;
	numbering_active_number_free(a);
	return state;
}

static const char *status_of(const numbering_purchase *p)
{
	return numbering_purchase_text(p, "status");
}

START_TEST(cost_is_setup_plus_the_first_interval)
{
	numbering_available_number *n = NULL;
	ck_assert_int_eq(numbering_available_number_new(&n), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_numbers(n, "+12125551234", NULL), NUMBERING_OK);
	struct numbering__money m;
	ck_assert_int_eq(numbering__acquisition_cost(&m, n), NUMBERING_OK);
	ck_assert_str_eq(m.currency, "");
	ck_assert_int_eq(m.minor, 0);
	ck_assert_int_eq(numbering_available_number_set_money(n, "monthlyPrice", "USD", 250), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_int(n, "paymentIntervalMonths", 3), NUMBERING_OK);
	ck_assert_int_eq(numbering__acquisition_cost(&m, n), NUMBERING_OK);
	ck_assert_str_eq(m.currency, "USD");
	ck_assert_int_eq(m.minor, 750);
	ck_assert_int_eq(numbering_available_number_set_money(n, "setupPrice", "USD", 100), NUMBERING_OK);
	ck_assert_int_eq(numbering__acquisition_cost(&m, n), NUMBERING_OK);
	ck_assert_int_eq(m.minor, 850);
	ck_assert_int_eq(numbering_available_number_set_money(n, "monthlyPrice", "USD", 0), NUMBERING_OK);
	ck_assert_int_eq(numbering__acquisition_cost(&m, n), NUMBERING_OK);
	ck_assert_int_eq(m.minor, 100);
	/* INT64_MAX / 2 a month for 120 months leaves int64. */
	ck_assert_int_eq(numbering_available_number_set_money(n, "monthlyPrice", "USD", INT64_MAX / 2), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_int(n, "paymentIntervalMonths", 120), NUMBERING_OK);
	fixture_expect_error(numbering__acquisition_cost(&m, n), NUMBERING_OUT_OF_RANGE, "more than an amount can hold");
	ck_assert_int_eq(numbering_available_number_set_int(n, "paymentIntervalMonths", 2), NUMBERING_OK);
	fixture_expect_error(numbering__acquisition_cost(&m, n), NUMBERING_OUT_OF_RANGE, "more than an amount can hold");
	ck_assert_int_eq(numbering_available_number_set_int(n, "paymentIntervalMonths", 1), NUMBERING_OK);
	ck_assert_int_eq(numbering__acquisition_cost(&m, n), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_money(n, "monthlyPrice", "EUR", 200), NUMBERING_OK);
	fixture_expect_error(numbering__acquisition_cost(&m, n), NUMBERING_FAILED_PRECONDITION,
	                     "setupPrice is in USD and monthlyPrice in EUR");
	numbering_available_number_free(n);
}
END_TEST

START_TEST(create_completes_at_once)
{
	import_stock(0);
	top_up(store, P1, "USD", 1000);
	numbering_purchase *p = buy("+12125551234");
	ck_assert_str_eq(status_of(p), "COMPLETED");
	ck_assert_int_eq(numbering_purchase_int(p, "status"), NUMBERING_PURCHASE_COMPLETED);
	ck_assert_int_eq(numbering_purchase_int(p, "chargedCredits"), 300);
	ck_assert_str_eq(numbering_purchase_text(p, "chargedCurrency"), "USD");
	ck_assert_str_eq(numbering_purchase_text(p, "friendlyName"), "Main Support Line");
	ck_assert_str_eq(numbering_purchase_text(p, "phoneNumber"), "+12125551234");
	ck_assert_str_eq(numbering_purchase_text(p, "countryCode"), "US");
	ck_assert_str_eq(numbering_purchase_text(p, "numberType"), "LOCAL");
	ck_assert_str_eq(numbering_purchase_text(p, "statusDetails"), "");
	ck_assert_str_eq(numbering_purchase_text(p, "metadata"), "");
	int64_t created = numbering_purchase_int(p, "createdAt");
	ck_assert_int_gt(created, FIXTURE_EPOCH);
	ck_assert_int_eq(numbering_purchase_int(p, "completedAt"), created);
	ck_assert_int_eq(numbering_purchase_int(p, "updatedAt"), created);
	char name[128];
	snprintf(name, sizeof(name), P1 "/phoneNumberPurchases/%s", numbering_purchase_text(p, "id"));
	ck_assert_str_eq(numbering_purchase_text(p, "name"), name);
	ck_assert_int_eq(strlen(numbering_purchase_text(p, "id")), 16);
	/* The number is the project's, ACTIVE, out of the inventory; the cost charged. */
	ck_assert_int_eq(instance_state("+12125551234"), NUMBERING_LIFECYCLE_ACTIVE);
	ck_assert(!available("+12125551234"));
	ck_assert(available("+12125551235"));
	expect_account(700, 0);
	/* Get answers the same. */
	numbering_purchase *got = NULL;
	ck_assert_int_eq(numbering_store_get_purchase(&got, store, NULL, name), NUMBERING_OK);
	ck_assert_str_eq(status_of(got), "COMPLETED");
	ck_assert_int_eq(numbering_purchase_int(got, "chargedCredits"), 300);
	ck_assert_int_eq(numbering_purchase_int(got, "createdAt"), created);
	ck_assert_str_eq(numbering_purchase_text(got, "instance"), numbering_purchase_text(p, "instance"));
	numbering_purchase_free(got);
	/* Bought once: a second purchase of it finds nothing. */
	numbering_purchase_request r = request_for("+12125551234");
	numbering_purchase *again = NULL;
	fixture_expect_error(create_purchase(&again, store, NULL, P1, &r), NUMBERING_NOT_FOUND,
	                     "+12125551234 is not available");
	ck_assert_ptr_null(again);
	expect_account(700, 0);
	/* A completed purchase goes nowhere. */
	fixture_expect_error(cancel_purchase(&again, store, NULL, name), NUMBERING_FAILED_PRECONDITION,
	                     "is COMPLETED: it cannot become CANCELLED");
	fixture_expect_error(complete_purchase(&again, store, HOST, name), NUMBERING_FAILED_PRECONDITION,
	                     "is COMPLETED: it cannot become COMPLETED");
	fixture_expect_error(fail_purchase(&again, store, HOST, name, "no"), NUMBERING_FAILED_PRECONDITION,
	                     "is COMPLETED: it cannot become FAILED");
	ck_assert_int_eq(instance_state("+12125551234"), NUMBERING_LIFECYCLE_ACTIVE);
	expect_account(700, 0);
	numbering_purchase_free(p);
}
END_TEST

START_TEST(short_balance_fails_and_keeps_the_number)
{
	import_stock(0);
	top_up(store, P1, "USD", 100);
	numbering_purchase *p = buy("+12125551234");
	ck_assert_str_eq(status_of(p), "FAILED");
	ck_assert_str_eq(numbering_purchase_text(p, "statusDetails"),
	                 "insufficient balance: needed USD 3.00, available USD 1.00");
	ck_assert_int_eq(numbering_purchase_int(p, "chargedCredits"), 0);
	ck_assert_int_eq(numbering_purchase_int(p, "completedAt"), 0);
	ck_assert_str_eq(numbering_purchase_text(p, "instance"), "");
	ck_assert(available("+12125551234"));
	ck_assert_int_eq(instance_state("+12125551234"), -1);
	expect_account(100, 0);
	/* A failed purchase goes nowhere either. */
	numbering_purchase *again = NULL;
	fixture_expect_error(cancel_purchase(&again, store, NULL, numbering_purchase_text(p, "name")),
	                     NUMBERING_FAILED_PRECONDITION, "is FAILED: it cannot become CANCELLED");
	fixture_expect_error(complete_purchase(&again, store, HOST, numbering_purchase_text(p, "name")),
	                     NUMBERING_FAILED_PRECONDITION, "is FAILED: it cannot become COMPLETED");
	/* Topped up, the same number is bought. */
	top_up(store, P1, "USD", 200);
	numbering_purchase *ok = buy("+12125551234");
	ck_assert_str_eq(status_of(ok), "COMPLETED");
	expect_account(0, 0);
	numbering_purchase_free(ok);
	numbering_purchase_free(p);
}
END_TEST

START_TEST(documents_hold_it_until_the_host_completes)
{
	import_stock(1);
	top_up(store, P1, "USD", 1000);
	numbering_purchase *p = buy("+12125551234");
	ck_assert_str_eq(status_of(p), "PROCESSING");
	ck_assert_int_eq(numbering_purchase_int(p, "chargedCredits"), 0);
	ck_assert_int_eq(numbering_purchase_int(p, "completedAt"), 0);
	ck_assert_int_eq(instance_state("+12125551234"), NUMBERING_LIFECYCLE_PENDING);
	ck_assert(!available("+12125551234"));
	expect_account(1000, 300); /* reserved, not charged */
	/* The reserve counts: 7.00 left, so a 3.00 purchase and a second are fine, a fourth not. */
	numbering_purchase *b = buy("+12125551235"), *c = buy("+12125551236"), *d = buy("+12125551237");
	ck_assert_str_eq(status_of(b), "PROCESSING");
	ck_assert_str_eq(status_of(c), "PROCESSING");
	ck_assert_str_eq(status_of(d), "FAILED");
	ck_assert_str_eq(numbering_purchase_text(d, "statusDetails"),
	                 "insufficient balance: needed USD 3.00, available USD 1.00");
	expect_account(1000, 900);
	int64_t created = numbering_purchase_int(p, "createdAt");
	numbering_purchase *done = NULL;
	ck_assert_int_eq(complete_purchase(&done, store, HOST, numbering_purchase_text(p, "name")),
	                 NUMBERING_OK);
	ck_assert_str_eq(status_of(done), "COMPLETED");
	ck_assert_int_eq(numbering_purchase_int(done, "chargedCredits"), 300);
	ck_assert_int_gt(numbering_purchase_int(done, "completedAt"), created);
	ck_assert_int_eq(numbering_purchase_int(done, "updatedAt"), numbering_purchase_int(done, "completedAt"));
	ck_assert_int_eq(numbering_purchase_int(done, "createdAt"), created);
	ck_assert_int_eq(instance_state("+12125551234"), NUMBERING_LIFECYCLE_ACTIVE);
	expect_account(700, 600);
	numbering_purchase_free(done);
	numbering_purchase_free(b);
	numbering_purchase_free(c);
	numbering_purchase_free(d);
	numbering_purchase_free(p);
}
END_TEST

/* The instance of a number billing holds: what the buyer's own lifecycle calls cannot
 * take from it. @verb is the call, @name the instance, @state what it must stay. */
static void expect_held(int (*call)(numbering_instance **, numbering_store *, const char *, const char *),
                        const char *name, const char *number, int state, const char *text)
{
	int64_t balance = 0, reserved = 0, entries = 0, b = 0, r = 0, e = 0;
	account_state(store, P1, &balance, &reserved, &entries);
	numbering_instance *in = NULL;
	fixture_expect_error(checked(call(&in, store, NULL, name)), NUMBERING_FAILED_PRECONDITION, text);
	ck_assert_ptr_null(in);
	ck_assert_int_eq(instance_state(number), state);
	account_state(store, P1, &b, &r, &e);
	ck_assert_int_eq(b, balance);
	ck_assert_int_eq(r, reserved);
	ck_assert_int_eq(e, entries);
}

/* A number waiting for documents is the host's to complete, and a number a missed
 * payment suspended is billing's to resume: activating the first made it route with
 * nothing charged, resuming the second made it route unpaid, and deleting either left
 * its purchase holding the reserve, or its subscription charging for a deleted number
 * at every billing run, with the number never back in stock. */
START_TEST(lifecycle_calls_leave_what_billing_holds)
{
	import_stock(1);
	top_up(store, P1, "USD", 300);
	numbering_purchase *p = buy("+12125551234");
	ck_assert_str_eq(status_of(p), "PROCESSING");
	const char *instance = numbering_purchase_text(p, "instance");
	ck_assert_str_ne(instance, "");
	expect_held(numbering_store_activate, instance, "+12125551234", NUMBERING_LIFECYCLE_PENDING,
	            "the host completes its purchase");
	expect_held(numbering_store_delete, instance, "+12125551234", NUMBERING_LIFECYCLE_PENDING,
	            "CancelPhoneNumberPurchase");
	numbering_purchase *q = NULL;
	ck_assert_int_eq(numbering_store_get_purchase(&q, store, NULL, numbering_purchase_text(p, "name")), NUMBERING_OK);
	ck_assert_str_eq(status_of(q), "PROCESSING");
	numbering_purchase_free(q);
	numbering_purchase *done = NULL;
	ck_assert_int_eq(complete_purchase(&done, store, HOST, numbering_purchase_text(p, "name")), NUMBERING_OK);
	numbering_purchase_free(done);
	expect_account(0, 0);
	expect_held(numbering_store_delete, instance, "+12125551234", NUMBERING_LIFECYCLE_ACTIVE,
	            "ReleaseNumber");
	/* The next period unpaid: deactivated, SUSPENDED by billing. */
	clock_now += INT64_C(40) * 86400 * NS;
	numbering_billing_report report = NUMBERING_BILLING_REPORT_INIT;
	ck_assert_int_eq(checked(numbering_store_run_billing(&report, store, NULL)), NUMBERING_OK);
	ck_assert_int_eq(report.deactivated, 1);
	ck_assert_int_eq(instance_state("+12125551234"), NUMBERING_LIFECYCLE_SUSPENDED);
	expect_held(numbering_store_resume, instance, "+12125551234", NUMBERING_LIFECYCLE_SUSPENDED,
	            "a top-up and a billing run resume it");
	expect_held(numbering_store_delete, instance, "+12125551234", NUMBERING_LIFECYCLE_SUSPENDED,
	            "ReleaseNumber");
	/* Paid: billing resumes it, and the buyer may suspend and resume it again. */
	top_up(store, P1, "USD", 200);
	ck_assert_int_eq(checked(numbering_store_run_billing(&report, store, NULL)), NUMBERING_OK);
	ck_assert_int_eq(report.reactivated, 1);
	ck_assert_int_eq(instance_state("+12125551234"), NUMBERING_LIFECYCLE_ACTIVE);
	numbering_instance *in = NULL;
	ck_assert_int_eq(checked(numbering_store_suspend(&in, store, NULL, instance)), NUMBERING_OK);
	numbering_instance_free(in);
	ck_assert_int_eq(checked(numbering_store_resume(&in, store, NULL, instance)), NUMBERING_OK);
	numbering_instance_free(in);
	ck_assert_int_eq(instance_state("+12125551234"), NUMBERING_LIFECYCLE_ACTIVE);
	numbering_purchase_free(p);
}
END_TEST

/* A move renamed an acquired instance away from its subscription, which kept charging
 * the first project for a number another project held (and could then delete, its
 * subscription not found under the new name), and left a PROCESSING purchase's
 * instance out of its purchase's reach. */
START_TEST(an_acquired_number_does_not_move)
{
	import_stock(1);
	top_up(store, P1, "USD", 600);
	numbering_purchase *p = buy("+12125551234"), *q = buy("+12125551235");
	numbering_purchase *done = NULL;
	ck_assert_int_eq(complete_purchase(&done, store, HOST, numbering_purchase_text(q, "name")), NUMBERING_OK);
	numbering_purchase_free(done);
	const char *waiting = numbering_purchase_text(p, "instance"), *paid = numbering_purchase_text(q, "instance");
	numbering_instance *in = NULL;
	fixture_expect_error(checked(numbering_store_move(&in, store, NULL, waiting, "projects/p2", NULL)),
	                     NUMBERING_FAILED_PRECONDITION, "CancelPhoneNumberPurchase");
	ck_assert_ptr_null(in);
	fixture_expect_error(checked(numbering_store_move(&in, store, NULL, paid, "projects/p2", NULL)),
	                     NUMBERING_FAILED_PRECONDITION, "ReleaseNumber");
	ck_assert_ptr_null(in);
	ck_assert_int_eq(instance_state("+12125551234"), NUMBERING_LIFECYCLE_PENDING);
	ck_assert_int_eq(instance_state("+12125551235"), NUMBERING_LIFECYCLE_ACTIVE);
	ck_assert_int_eq(numbering_store_get(&in, store, NULL, paid), NUMBERING_OK);
	numbering_instance_free(in);
	expect_account(300, 300);
	numbering_purchase_free(p);
	numbering_purchase_free(q);
}
END_TEST

/* A release of a number waiting for documents took effect at its expireAt: the
 * instance deleted and the number back in stock, but the purchase stayed PROCESSING
 * and its cost reserved on the account for good. */
START_TEST(a_number_waiting_for_documents_is_cancelled_not_released)
{
	import_stock(1);
	top_up(store, P1, "USD", 300);
	numbering_active_number *a = NULL;
	ck_assert_int_eq(rent(&a, store, NULL, P1, "+12125551234", NULL), NUMBERING_OK);
	numbering_active_number_free(a);
	a = NULL;
	expect_account(300, 300);
	fixture_expect_error(checked(numbering_store_release_active(&a, store, NULL, P1, "+12125551234")),
	                     NUMBERING_FAILED_PRECONDITION, "CancelPhoneNumberPurchase");
	ck_assert_ptr_null(a);
	ck_assert_int_eq(numbering_store_get_active(&a, store, NULL, P1, "+12125551234"), NUMBERING_OK);
	ck_assert_int_eq(numbering_active_number_int(a, "expireAt"), 0);
	numbering_active_number_free(a);
	clock_now += INT64_C(40) * 86400 * NS;
	ck_assert_int_eq(checked(numbering_store_process_due(NULL, store)), NUMBERING_OK);
	ck_assert_int_eq(instance_state("+12125551234"), NUMBERING_LIFECYCLE_PENDING);
	expect_account(300, 300);
}
END_TEST

/* A period that would start after the last time a store records (2261-12-31) never
 * comes: its start is clamped to that last time, and a billing run at that very time
 * found every later period due too and charged 1,200 of them at once. */
START_TEST(no_period_is_due_after_the_end_of_time)
{
	import_stock(0);
	top_up(store, P1, "USD", 1000000);
	/* One renewed once, into a DUE bucket, and one new, in its record. */
	clock_now = NUMBERING__TIME_MAX - INT64_C(50) * 86400 * NS; /* 2261-11-11 */
	numbering_purchase_free(buy("+12125551235"));
	clock_now = NUMBERING__TIME_MAX - INT64_C(17) * 86400 * NS; /* 2261-12-14 */
	numbering_purchase *p = buy("+12125551234");
	ck_assert_str_eq(status_of(p), "COMPLETED");
	numbering_purchase_free(p);
	numbering_billing_report first = NUMBERING_BILLING_REPORT_INIT;
	ck_assert_int_eq(checked(numbering_store_run_billing(&first, store, NULL)), NUMBERING_OK);
	ck_assert_int_eq(first.charged, 1);
	int64_t balance = 0, reserved = 0, entries = 0;
	account_state(store, P1, &balance, &reserved, &entries);
	clock_now = NUMBERING__TIME_MAX; /* the last time, as a host's clock can read it */
	clock_still = 1;
	numbering_billing_report report = NUMBERING_BILLING_REPORT_INIT;
	int rc = checked(numbering_store_run_billing(&report, store, NULL));
	int64_t b = 0, r = 0, e = 0;
	account_state(store, P1, &b, &r, &e);
	ck_assert_msg(e == entries, "%s: %lld entries, %lld before", numbering_status_name(rc), (long long)e,
	              (long long)entries);
	ck_assert_int_eq(b, balance);
	ck_assert_int_eq(report.charged, 0);
}
END_TEST

/* A period that starts on the last day a store records (2261-12-31): the next one is
 * clamped to the last time, on that same day, so the renewal moved the subscription's
 * DUE item into the bucket it came from. A read looked for the period it had on record
 * there, found the later item, and called it damage: GetSubscription, ListSubscriptions
 * and the Sinch views of the number were DATA_LOSS from that run on. */
START_TEST(a_period_on_the_last_day_reads_back)
{
	import_stock(0);
	top_up(store, P1, "USD", 1000000);
	clock_still = 1;
	const int64_t day = INT64_C(86400) * NS;
	clock_now = NUMBERING__TIME_MAX - 61 * day - NS; /* 2261-10-31T23:59:58.999999999Z */
	numbering_purchase_free(buy("+12125551234"));
	int64_t balance = 0, reserved = 0, entries = 0;
	account_state(store, P1, &balance, &reserved, &entries);
	/* Nov 30, into a bucket; Dec 31, into the bucket of that same day. */
	for (int run = 0; run < 2; run++) {
		/* 2261-11-30T23:59:59.999999999Z, 2261-12-31T23:59:59.499999999Z */
		clock_now = NUMBERING__TIME_MAX - (run == 0 ? 31 * day : NS / 2);
		numbering_billing_report report = NUMBERING_BILLING_REPORT_INIT;
		ck_assert_int_eq(checked(numbering_store_run_billing(&report, store, NULL)), NUMBERING_OK);
		ck_assert_int_eq(report.charged, 1);
	}
	numbering_subscription_page *page = NULL;
	int rc = numbering_store_list_subscriptions(&page, store, NULL, P1, 0, NULL);
	ck_assert_msg(rc == NUMBERING_OK, "%s", numbering_error_message());
	ck_assert_int_eq(numbering_subscription_page_count(page), 1);
	const numbering_subscription *listed = numbering_subscription_page_item(page, 0);
	ck_assert_int_eq(numbering_subscription_int(listed, "periodsPaid"), 3);
	ck_assert_int_eq(numbering_subscription_int(listed, "nextChargeDate"), NUMBERING__TIME_MAX);
	numbering_subscription *got = NULL;
	rc = numbering_store_get_subscription(&got, store, NULL, numbering_subscription_name(listed));
	ck_assert_msg(rc == NUMBERING_OK, "%s", numbering_error_message());
	ck_assert_int_eq(numbering_subscription_int(got, "periodsPaid"), 3);
	numbering_subscription_free(got);
	numbering_subscription_page_free(page);
	numbering_active_number *a = NULL;
	rc = numbering_store_get_active(&a, store, NULL, P1, "+12125551234");
	ck_assert_msg(rc == NUMBERING_OK, "%s", numbering_error_message());
	ck_assert_int_eq(numbering_active_number_int(a, "nextChargeDate"), NUMBERING__TIME_MAX);
	numbering_active_number_free(a);
	/* The period at the last time never comes. */
	clock_now = NUMBERING__TIME_MAX;
	numbering_billing_report last = NUMBERING_BILLING_REPORT_INIT;
	ck_assert_int_eq(checked(numbering_store_run_billing(&last, store, NULL)), NUMBERING_OK);
	ck_assert_int_eq(last.charged, 0);
	int64_t b = 0, r = 0, e = 0;
	account_state(store, P1, &b, &r, &e);
	ck_assert_int_eq(e, entries + 2);
	ck_assert_int_eq(b, balance - 2 * 200);
}
END_TEST

/* Two stores on one file (two processes). Store A's clock makes store B buy another
 * number, paid from the same account, at its n-th reading: when that falls after A read
 * the account and before its transaction, A charged the balance it had read. Its entry
 * took the number of B's and its put the balance B left: USD 3.00 paid two numbers of
 * USD 3.00 each, and B's charge was lost. A's purchase is now ABORTED there (retry). */
static void buy_on_b(numbering_store *b, void *payload)
{
	(void)payload;
	numbering_purchase_request r = request_for("+12125551240");
	numbering_purchase *p = NULL;
	if (numbering_store_create_purchase(&p, b, NULL, P1, &r) == NUMBERING_OK)
		numbering_purchase_free(p);
}

START_TEST(a_charge_of_another_process_meanwhile_is_not_lost)
{
	for (int fire_at = 1; fire_at <= 6; fire_at++) {
		struct race race;
		memset(&race, 0, sizeof(race));
		race.fire = buy_on_b;
		race_open(&race, "purchase-race"); /* B never waits for A's transaction */
		numbering_store *kept = store;
		store = race.a;
		import_priced("+12125551234", NUMBERING_NUMBER_TYPE_LOCAL, "USD", 0, 300, 1, 0);
		import_priced("+12125551240", NUMBERING_NUMBER_TYPE_LOCAL, "USD", 0, 300, 1, 0);
		top_up(race.a, P1, "USD", 300);
		race_fire_at(&race, fire_at);
		numbering_purchase_request r = request_for("+12125551234");
		numbering_purchase *p = NULL;
		int rc = numbering_store_create_purchase(&p, race.a, NULL, P1, &r);
		ck_assert_msg(rc == NUMBERING_OK || rc == NUMBERING_ABORTED, "reading %d: %s", fire_at,
		              numbering_error_message());
		numbering_purchase_free(p);
		store = kept;
		/* Read back: what was charged is what is held. */
		numbering_store *c = race_close(&race);
		int64_t balance = 0, reserved = 0, entries = 0;
		account_state(c, P1, &balance, &reserved, &entries);
		int64_t held = fixture_active_total(c, NULL, P1, "US", NUMBERING_NUMBER_TYPE_LOCAL);
		ck_assert_msg(balance == 300 - 300 * held && entries == 1 + held,
		              "reading %d: balance %lld and %lld entries for %lld numbers held", fire_at, (long long)balance,
		              (long long)entries, (long long)held);
		numbering_store_close(c);
		race_remove(&race);
	}
}
END_TEST

START_TEST(failed_and_cancelled_give_the_number_back)
{
	import_stock(1);
	top_up(store, P1, "USD", 1000);
	numbering_purchase *p = buy("+12125551234"), *q = buy("+12125551235");
	expect_account(1000, 600);
	numbering_purchase *out = NULL;
	/* Fail needs a reason. */
	fixture_expect_error(fail_purchase(&out, store, HOST, numbering_purchase_text(p, "name"), NULL),
	                     NUMBERING_INVALID_ARGUMENT, "statusDetails is required");
	fixture_expect_error(fail_purchase(&out, store, HOST, numbering_purchase_text(p, "name"), "\x01"),
	                     NUMBERING_INVALID_ARGUMENT, "statusDetails");
	expect_account(1000, 600);
	ck_assert_int_eq(fail_purchase(&out, store, HOST, numbering_purchase_text(p, "name"),
	                                               "the address proof was refused"),
	                 NUMBERING_OK);
	ck_assert_str_eq(status_of(out), "FAILED");
	ck_assert_str_eq(numbering_purchase_text(out, "statusDetails"), "the address proof was refused");
	ck_assert_int_eq(numbering_purchase_int(out, "chargedCredits"), 0);
	ck_assert_int_eq(numbering_purchase_int(out, "completedAt"), 0);
	ck_assert_int_gt(numbering_purchase_int(out, "updatedAt"), numbering_purchase_int(out, "createdAt"));
	numbering_purchase_free(out);
	expect_account(1000, 300);
	ck_assert_int_eq(instance_state("+12125551234"), -1);
	/* Back in stock with the attributes it left with. */
	numbering_available_number *back = NULL;
	ck_assert_int_eq(numbering_store_get_available(&back, store, NULL, P1, "+12125551234"), NUMBERING_OK);
	const char *currency = NULL;
	int64_t minor = 0;
	ck_assert_int_eq(numbering_available_number_money(back, "monthlyPrice", &currency, &minor), NUMBERING_OK);
	ck_assert_str_eq(currency, "USD");
	ck_assert_int_eq(minor, 200);
	ck_assert_int_eq(numbering_available_number_int(back, "supportingDocumentationRequired"), 1);
	ck_assert_str_eq(numbering_available_number_text(back, "friendlyName"), "New York Local");
	numbering_available_number_free(back);
	/* The buyer cancels the other. */
	ck_assert_int_eq(cancel_purchase(&out, store, NULL, numbering_purchase_text(q, "name")),
	                 NUMBERING_OK);
	ck_assert_str_eq(status_of(out), "CANCELLED");
	ck_assert_str_eq(numbering_purchase_text(out, "statusDetails"), "cancelled by the buyer");
	numbering_purchase_free(out);
	expect_account(1000, 0);
	ck_assert(available("+12125551235"));
	ck_assert_int_eq(instance_state("+12125551235"), -1);
	/* Neither goes anywhere now. */
	fixture_expect_error(complete_purchase(&out, store, HOST, numbering_purchase_text(p, "name")),
	                     NUMBERING_FAILED_PRECONDITION, "is FAILED: it cannot become COMPLETED");
	fixture_expect_error(cancel_purchase(&out, store, NULL, numbering_purchase_text(p, "name")),
	                     NUMBERING_FAILED_PRECONDITION, "is FAILED: it cannot become CANCELLED");
	fixture_expect_error(fail_purchase(&out, store, HOST, numbering_purchase_text(q, "name"), "x"),
	                     NUMBERING_FAILED_PRECONDITION, "is CANCELLED: it cannot become FAILED");
	fixture_expect_error(cancel_purchase(&out, store, NULL, numbering_purchase_text(q, "name")),
	                     NUMBERING_FAILED_PRECONDITION, "is CANCELLED: it cannot become CANCELLED");
	fixture_expect_error(complete_purchase(&out, store, HOST, numbering_purchase_text(q, "name")),
	                     NUMBERING_FAILED_PRECONDITION, "is CANCELLED: it cannot become COMPLETED");
	ck_assert_ptr_null(out);
	expect_account(1000, 0);
	/* Bought again, it completes once the documents are in. */
	numbering_purchase *r = buy("+12125551234");
	ck_assert_str_eq(status_of(r), "PROCESSING");
	ck_assert_int_eq(complete_purchase(&out, store, HOST, numbering_purchase_text(r, "name")),
	                 NUMBERING_OK);
	ck_assert_str_eq(status_of(out), "COMPLETED");
	expect_account(700, 0);
	numbering_purchase_free(out);
	numbering_purchase_free(r);
	numbering_purchase_free(p);
	numbering_purchase_free(q);
}
END_TEST

START_TEST(a_free_number_charges_nothing)
{
	import_priced("+12125551240", NUMBERING_NUMBER_TYPE_LOCAL, NULL, 0, 0, 1, 0);
	numbering_purchase *p = buy("+12125551240");
	ck_assert_str_eq(status_of(p), "COMPLETED");
	ck_assert_int_eq(numbering_purchase_int(p, "chargedCredits"), 0);
	ck_assert_str_eq(numbering_purchase_text(p, "chargedCurrency"), "");
	int64_t b = 0, r = 0, entries = -1;
	account_state(store, P1, &b, &r, &entries);
	ck_assert_int_eq(entries, 0); /* no ledger entry */
	ck_assert_int_eq(b, 0);
	numbering_purchase_free(p);
}
END_TEST

START_TEST(another_currency_is_refused)
{
	import_stock(0);
	top_up(store, P1, "EUR", 1000);
	numbering_purchase_request r = request_for("+12125551234");
	numbering_purchase *p = NULL;
	fixture_expect_error(create_purchase(&p, store, NULL, P1, &r), NUMBERING_FAILED_PRECONDITION,
	                     "is in USD, but the billing account of projects/p1 is in EUR");
	ck_assert_ptr_null(p);
	ck_assert(available("+12125551234"));
	expect_no_purchases();
}
END_TEST

/* A block whose prices cannot make one cost (two currencies, as a store written before
 * the import refused them holds it; more than an amount holds): the create is refused
 * naming the number asked for, not the block's first, and changes nothing. */
START_TEST(a_block_priced_wrong_is_refused_naming_the_number)
{
	numbering_available_number *n = NULL;
	ck_assert_int_eq(numbering_available_number_new(&n), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_numbers(n, "+12125551240-49", NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_type(n, NUMBERING_NUMBER_TYPE_LOCAL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_money(n, "setupPrice", "USD", 100), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_money(n, "monthlyPrice", "EUR", 200), NUMBERING_OK);
	const numbering_available_number *items[] = {n};
	fixture_expect_error(numbering_store_import_available(NULL, store, NULL, items, 1), NUMBERING_INVALID_ARGUMENT,
	                     "monthlyPrice.currencyCode \"EUR\" is not setupPrice's \"USD\"");
	ck_assert_int_eq(numbering_available_number_set_money(n, "monthlyPrice", "USD", 200), NUMBERING_OK);
	ck_assert_msg(numbering_store_import_available(NULL, store, NULL, items, 1) == NUMBERING_OK, "%s",
	              numbering_error_message());
	stock_reprice(store, "+12125551240", "monthlyPrice", "EUR", 200);
	ck_assert_int_eq(numbering_available_number_set_numbers(n, "+12125551250-59", NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_money(n, "monthlyPrice", "USD", INT64_MAX / 2), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_int(n, "paymentIntervalMonths", 120), NUMBERING_OK);
	ck_assert_msg(numbering_store_import_available(NULL, store, NULL, items, 1) == NUMBERING_OK, "%s",
	              numbering_error_message());
	numbering_available_number_free(n);
	top_up(store, P1, "USD", 1000);
	numbering_purchase_request r = request_for("+12125551243");
	numbering_purchase *p = NULL;
	fixture_expect_error(create_purchase(&p, store, NULL, P1, &r), NUMBERING_FAILED_PRECONDITION,
	                     "+12125551243: setupPrice is in USD and monthlyPrice in EUR");
	ck_assert_ptr_null(p);
	r = request_for("+12125551257");
	fixture_expect_error(create_purchase(&p, store, NULL, P1, &r), NUMBERING_OUT_OF_RANGE,
	                     "+12125551257: setupPrice + monthlyPrice x 120 months is more than an amount can hold");
	ck_assert_ptr_null(p);
	ck_assert(available("+12125551243"));
	ck_assert(available("+12125551257"));
	expect_account(1000, 0);
	expect_no_purchases();
}
END_TEST

/* Each bad request is refused naming its field, and changes nothing. */
START_TEST(bad_requests_name_the_field)
{
	import_stock(0);
	import_priced("+18005550100", NUMBERING_NUMBER_TYPE_TOLL_FREE, "USD", 0, 100, 1, 0);
	top_up(store, P1, "USD", 1000);
	struct {
		const char *friendly, *number, *country;
		int type;
		const char *metadata;
		int code;
		const char *field, *text;
	} cases[] = {
		{NULL, "+12125551234", "US", 0, NULL, NUMBERING_INVALID_ARGUMENT, "friendlyName", "friendlyName is required"},
		{"\xff", "+12125551234", "US", 0, NULL, NUMBERING_INVALID_ARGUMENT, "friendlyName", "friendlyName"},
		{"x", NULL, "US", 0, NULL, NUMBERING_INVALID_ARGUMENT, "phoneNumber", "phoneNumber is required"},
		{"x", "12125551234x", "US", 0, NULL, NUMBERING_INVALID_ARGUMENT, "phoneNumber", "phoneNumber"},
		{"x", "+12125551234", NULL, 0, NULL, NUMBERING_INVALID_ARGUMENT, "countryCode", "countryCode is required"},
		{"x", "+12125551234", "us", 0, NULL, NUMBERING_INVALID_ARGUMENT, "countryCode", "\"us\" is not an ISO 3166-1"},
		{"x", "+12125551234", "GB", 0, NULL, NUMBERING_INVALID_ARGUMENT, "countryCode", "is not the country of"},
		{"x", "+12125551234", "US", 99, NULL, NUMBERING_INVALID_ARGUMENT, "numberType", "numberType 99"},
		{"x", "+12125551234", "US", NUMBERING_NUMBER_TYPE_MOBILE, NULL, NUMBERING_INVALID_ARGUMENT, "numberType",
		 "numberType MOBILE is not the type of +12125551234, which is LOCAL"},
		{"x", "+18005550100", "US", 0, NULL, NUMBERING_INVALID_ARGUMENT, "numberType",
		 "numberType LOCAL is not the type of +18005550100, which is TOLL_FREE"},
		{"x", "+12125551234", "US", 0, "[1]", NUMBERING_INVALID_ARGUMENT, "metadata", "not a JSON object"},
		{"x", "+12125551234", "US", 0, "{\"a\":", NUMBERING_INVALID_ARGUMENT, "metadata", "not a JSON object"},
		{"x", "+12125551234", "US", 0, "{\"a\":1,\"a\":2}", NUMBERING_INVALID_ARGUMENT, "metadata", "not a JSON"},
		{"x", "+12125559999", "US", 0, NULL, NUMBERING_NOT_FOUND, "phoneNumber", "+12125559999 is not available"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		numbering_purchase_request r = NUMBERING_PURCHASE_REQUEST_INIT;
		r.friendly_name = cases[i].friendly;
		r.phone_number = cases[i].number;
		r.country_code = cases[i].country;
		r.number_type = cases[i].type;
		r.metadata = cases[i].metadata;
		numbering_purchase *p = NULL;
		int rc = create_purchase(&p, store, NULL, P1, &r);
		ck_assert_msg(rc == cases[i].code, "case %zu: %s", i, numbering_error_message());
		ck_assert_ptr_null(p);
		ck_assert_msg(strstr(numbering_error_message(), cases[i].text) != NULL, "case %zu: %s", i,
		              numbering_error_message());
		ck_assert_int_ge(numbering_error_violation_count(), 1);
		ck_assert_str_eq(numbering_error_violation_field(0), cases[i].field);
	}
	numbering_purchase *p = NULL;
	numbering_purchase_request r = request_for("+12125551234");
	fixture_expect_error(create_purchase(&p, store, NULL, "projects/", &r), NUMBERING_INVALID_ARGUMENT,
	                     "");
	fixture_expect_error(create_purchase(&p, store, NULL, P1, NULL), NUMBERING_INVALID_ARGUMENT,
	                     "request is NULL");
	r.version = 0;
	fixture_expect_error(create_purchase(&p, store, NULL, P1, &r), NUMBERING_INVALID_ARGUMENT,
	                     "version 0");
	fixture_expect_error(create_purchase(NULL, store, NULL, P1, &r), NUMBERING_INVALID_ARGUMENT,
	                     "out is NULL");
	fixture_expect_error(create_purchase(&p, NULL, NULL, P1, &r), NUMBERING_INVALID_ARGUMENT,
	                     "store is NULL");
	/* Nothing changed. */
	expect_account(1000, 0);
	ck_assert(available("+12125551234"));
	expect_no_purchases();
	/* The toll-free number with its own type, and metadata kept as compact JSON. */
	r = request_for("+18005550100");
	r.number_type = NUMBERING_NUMBER_TYPE_TOLL_FREE;
	r.metadata = " { \"order\" : \"A-1\", \"seats\": [1, 2] } ";
	ck_assert_int_eq(create_purchase(&p, store, NULL, P1, &r), NUMBERING_OK);
	ck_assert_str_eq(numbering_purchase_text(p, "numberType"), "TOLL_FREE");
	ck_assert_str_eq(numbering_purchase_text(p, "metadata"), "{\"order\":\"A-1\",\"seats\":[1,2]}");
	numbering_purchase_free(p);
}
END_TEST

START_TEST(get_and_names)
{
	numbering_purchase *p = NULL;
	const char *bad[] = {NULL, "", "projects/p1", "projects/p1/phoneNumberPurchases/", "projects/p1/phoneNumberPurchases/A",
	                     "projects/p1/phoneNumberPurchases/abcdefghijklmnopq", "projects/P1/phoneNumberPurchases/abc",
	                     "projects//phoneNumberPurchases/abc", "x/p1/phoneNumberPurchases/abc"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = numbering_store_get_purchase(&p, store, NULL, bad[i]);
		ck_assert_msg(rc == NUMBERING_INVALID_ARGUMENT, "%s: %s", bad[i] ? bad[i] : "NULL", numbering_error_message());
		ck_assert_str_eq(numbering_error_violation_field(0), "name");
	}
	fixture_expect_error(numbering_store_get_purchase(&p, store, NULL, P1 "/phoneNumberPurchases/abc"),
	                     NUMBERING_NOT_FOUND, "does not exist");
	fixture_expect_error(cancel_purchase(&p, store, NULL, P1 "/phoneNumberPurchases/abc"),
	                     NUMBERING_NOT_FOUND, "does not exist");
	fixture_expect_error(complete_purchase(&p, store, HOST, P1 "/phoneNumberPurchases/abc"),
	                     NUMBERING_NOT_FOUND, "does not exist");
	fixture_expect_error(fail_purchase(&p, store, HOST, "nope", "x"), NUMBERING_INVALID_ARGUMENT,
	                     "is not projects/{project}/phoneNumberPurchases/{id}");
	ck_assert_ptr_null(p);
	int status = 0;
	ck_assert_int_eq(numbering_purchase_status_parse(&status, "PROCESSING"), NUMBERING_OK);
	ck_assert_int_eq(status, NUMBERING_PURCHASE_PROCESSING);
	fixture_expect_error(numbering_purchase_status_parse(&status, "DONE"), NUMBERING_INVALID_ARGUMENT, "\"DONE\"");
	ck_assert_str_eq(numbering_purchase_status_name(NUMBERING_PURCHASE_CANCELLED), "CANCELLED");
	ck_assert_str_eq(numbering_purchase_status_name(9), "");
	ck_assert_str_eq(numbering_purchase_text(NULL, "id"), "");
	ck_assert_int_eq(numbering_purchase_int(NULL, "status"), 0);
	numbering_purchase_free(NULL);
	numbering_purchase_page_free(NULL);
}
END_TEST

START_TEST(list_newest_first_by_status_and_pages)
{
	import_stock(1);
	top_up(store, P1, "USD", 1000);
	numbering_purchase *made[4];
	const char *numbers[] = {"+12125551230", "+12125551231", "+12125551232", "+12125551233"};
	for (int i = 0; i < 4; i++)
		made[i] = buy(numbers[i]); /* three PROCESSING, the fourth FAILED (balance) */
	ck_assert_str_eq(status_of(made[3]), "FAILED");
	numbering_purchase *out = NULL;
	ck_assert_int_eq(cancel_purchase(&out, store, NULL, numbering_purchase_text(made[0], "name")),
	                 NUMBERING_OK);
	numbering_purchase_free(out);
	/* Every status, newest first, two a page. */
	numbering_purchase_page *page = NULL;
	ck_assert_int_eq(numbering_store_list_purchases(&page, store, NULL, P1, 0, 2, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_purchase_page_count(page), 2);
	ck_assert_str_eq(numbering_purchase_text(numbering_purchase_page_item(page, 0), "phoneNumber"), numbers[3]);
	ck_assert_str_eq(numbering_purchase_text(numbering_purchase_page_item(page, 1), "phoneNumber"), numbers[2]);
	ck_assert_ptr_null(numbering_purchase_page_item(page, 2));
	char token[256];
	snprintf(token, sizeof(token), "%s", numbering_purchase_page_next_token(page));
	ck_assert_str_ne(token, "");
	numbering_purchase_page_free(page);
	ck_assert_int_eq(numbering_store_list_purchases(&page, store, NULL, P1, 0, 2, token), NUMBERING_OK);
	ck_assert_int_eq(numbering_purchase_page_count(page), 2);
	ck_assert_str_eq(numbering_purchase_text(numbering_purchase_page_item(page, 0), "phoneNumber"), numbers[1]);
	ck_assert_str_eq(numbering_purchase_text(numbering_purchase_page_item(page, 1), "phoneNumber"), numbers[0]);
	ck_assert_str_eq(status_of(numbering_purchase_page_item(page, 1)), "CANCELLED");
	ck_assert_str_eq(numbering_purchase_page_next_token(page), "");
	numbering_purchase_page_free(page);
	/* One status. */
	ck_assert_int_eq(numbering_store_list_purchases(&page, store, NULL, P1, NUMBERING_PURCHASE_PROCESSING, 0, NULL),
	                 NUMBERING_OK);
	ck_assert_int_eq(numbering_purchase_page_count(page), 2);
	ck_assert_str_eq(numbering_purchase_text(numbering_purchase_page_item(page, 0), "phoneNumber"), numbers[2]);
	ck_assert_str_eq(numbering_purchase_text(numbering_purchase_page_item(page, 1), "phoneNumber"), numbers[1]);
	numbering_purchase_page_free(page);
	ck_assert_int_eq(numbering_store_list_purchases(&page, store, NULL, P1, NUMBERING_PURCHASE_COMPLETED, 0, NULL),
	                 NUMBERING_OK);
	ck_assert_int_eq(numbering_purchase_page_count(page), 0);
	numbering_purchase_page_free(page);
	/* Another project sees none of them. */
	ck_assert_int_eq(numbering_store_list_purchases(&page, store, NULL, "projects/p2", 0, 0, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_purchase_page_count(page), 0);
	numbering_purchase_page_free(page);
	/* Bad arguments; a token of another filter. */
	fixture_expect_error(numbering_store_list_purchases(&page, store, NULL, P1, 6, 0, NULL), NUMBERING_INVALID_ARGUMENT,
	                     "status 6");
	fixture_expect_error(numbering_store_list_purchases(&page, store, NULL, P1, -1, 0, NULL),
	                     NUMBERING_INVALID_ARGUMENT, "status -1");
	fixture_expect_error(numbering_store_list_purchases(&page, store, NULL, P1, 0, 1001, NULL),
	                     NUMBERING_INVALID_ARGUMENT, "pageSize 1001");
	fixture_expect_error(numbering_store_list_purchases(&page, store, NULL, P1, 0, -1, NULL),
	                     NUMBERING_INVALID_ARGUMENT, "pageSize -1");
	fixture_expect_error(numbering_store_list_purchases(&page, store, NULL, P1, NUMBERING_PURCHASE_FAILED, 2, token),
	                     NUMBERING_INVALID_ARGUMENT, "page token");
	fixture_expect_error(numbering_store_list_purchases(&page, store, NULL, "projects/p2", 0, 2, token),
	                     NUMBERING_INVALID_ARGUMENT, "page token");
	fixture_expect_error(numbering_store_list_purchases(&page, store, NULL, P1, 0, 2, "forged"),
	                     NUMBERING_INVALID_ARGUMENT, "page token");
	fixture_expect_error(numbering_store_list_purchases(&page, store, NULL, "p1", 0, 2, NULL),
	                     NUMBERING_INVALID_ARGUMENT, "parent");
	ck_assert_ptr_null(page);
	for (int i = 0; i < 4; i++)
		numbering_purchase_free(made[i]);
}
END_TEST

/* A page of P1's purchases for page_walk_run(). */
static void purchases_page(struct page_walk *w, int size, const char *token, char next[PAGE_WALK_TOKEN],
                           void *payload)
{
	numbering_purchase_page *page = NULL;
	ck_assert_int_eq(numbering_store_list_purchases(&page, store, NULL, P1, 0, size, token), NUMBERING_OK);
	for (int i = 0; i < numbering_purchase_page_count(page); i++)
		page_walk_add(w, numbering_purchase_text(numbering_purchase_page_item(page, i), "name"));
	snprintf(next, PAGE_WALK_TOKEN, "%s", numbering_purchase_page_next_token(page));
	numbering_purchase_page_free(page);
}

/* Between two pages: a purchase newer than every one listed (before the boundary). */
static void buy_late(void *payload)
{
	numbering_purchase_free(buy("+12125551239"));
}

/* Purchases of one create time on a page boundary: the token named the time alone,
 * and the next page started after every purchase of it, so the others were on none. */
START_TEST(purchases_that_share_a_create_time_are_each_listed_once)
{
	for (int size = 1; size <= 2; size++) {
		import_stock(0);
		top_up(store, P1, "USD", 10000);
		const char *numbers[] = {"+12125551230", "+12125551231", "+12125551232"};
		char newest[16 + 1];
		for (int i = 0; i < 3; i++) {
			numbering_purchase *p = buy(numbers[i]);
			snprintf(newest, sizeof(newest), "%s", strrchr(numbering_purchase_text(p, "name"), '/') + 1);
			numbering_purchase_free(p);
		}
		/* Two copies of the newest purchase record under other ids: purchases of one
		 * create time, as two processes wrote them before a purchase took its time
		 * inside its transaction. */
		ck_assert_int_eq(record_plant_copy(store->backend, NUMBERING__KIND_PHONE_NUMBER_PURCHASE, P1, newest,
		                                   "a000000000000000"),
		                 NUMBERING_OK);
		ck_assert_int_eq(record_plant_copy(store->backend, NUMBERING__KIND_PHONE_NUMBER_PURCHASE, P1, newest,
		                                   "zzzzzzzzzzzzzzzz"),
		                 NUMBERING_OK);
		/* Every one there before the listing: once each, in the list's order. */
		numbering_purchase_page *all = NULL;
		ck_assert_int_eq(numbering_store_list_purchases(&all, store, NULL, P1, 0, 100, NULL), NUMBERING_OK);
		ck_assert_int_eq(numbering_purchase_page_count(all), 5);
		const char *order[5];
		for (int i = 0; i < 5; i++)
			order[i] = numbering_purchase_text(numbering_purchase_page_item(all, i), "name");
		struct page_walk w;
		page_walk_run(&w, size, purchases_page, buy_late, NULL);
		page_walk_check(&w, order, 5, size);
		/* Newest first, then by id. */
		ck_assert_int_eq(numbering_purchase_int(numbering_purchase_page_item(all, 0), "createdAt"),
		                 numbering_purchase_int(numbering_purchase_page_item(all, 2), "createdAt"));
		ck_assert_str_eq(numbering_purchase_text(numbering_purchase_page_item(all, 0), "name"),
		                 P1 "/phoneNumberPurchases/a000000000000000");
		ck_assert_str_eq(numbering_purchase_text(numbering_purchase_page_item(all, 2), "name"),
		                 P1 "/phoneNumberPurchases/zzzzzzzzzzzzzzzz");
		/* A token of the time alone (issued before tokens named the id) still reads
		 * where no two purchases have its time, and cannot tell which of a tie were
		 * shown: INVALID_ARGUMENT naming pageToken. */
		unsigned char digest[NUMBERING__TOKEN_DIGEST_BYTES];
		static const char filter[] = "purchases|" P1 "|0";
		crypto_generichash(digest, sizeof(digest), (const unsigned char *)filter, strlen(filter), NULL, 0);
		char token[NUMBERING__TOKEN_TEXT_MAX];
		numbering__token_make(token, store, digest,
		                      numbering_purchase_int(numbering_purchase_page_item(all, 3), "createdAt"));
		numbering_purchase_page *page = NULL;
		ck_assert_int_eq(numbering_store_list_purchases(&page, store, NULL, P1, 0, 1, token), NUMBERING_OK);
		ck_assert_str_eq(numbering_purchase_text(numbering_purchase_page_item(page, 0), "name"), order[4]);
		numbering_purchase_page_free(page);
		numbering__token_make(token, store, digest,
		                      numbering_purchase_int(numbering_purchase_page_item(all, 0), "createdAt"));
		fixture_expect_error(numbering_store_list_purchases(&page, store, NULL, P1, 0, 1, token),
		                     NUMBERING_INVALID_ARGUMENT, "page token is of an earlier version");
		ck_assert_str_eq(numbering_error_violation_field(0), "pageToken");
		ck_assert_ptr_null(page);
		numbering_purchase_page_free(all);
		teardown();
		open_store(on_file);
	}
}
END_TEST

static numbering_purchase_page *rent_purchases(const char *project)
{
	numbering_purchase_page *page = NULL;
	ck_assert_int_eq(numbering_store_list_purchases(&page, store, NULL, project, 0, 0, NULL), NUMBERING_OK);
	return page;
}

START_TEST(a_rent_is_a_purchase_and_pays)
{
	import_stock(0);
	import_priced("+12125551240", NUMBERING_NUMBER_TYPE_LOCAL, "USD", 100, 200, 1, 1);
	numbering_active_number *a = NULL;
	/* Unfunded: refused, nothing changed. */
	fixture_expect_error(rent(&a, store, NULL, P1, "+12125551234", NULL), NUMBERING_FAILED_PRECONDITION,
	                     "insufficient balance: needed USD 3.00, available USD 0.00");
	ck_assert_ptr_null(a);
	ck_assert(available("+12125551234"));
	numbering_purchase_page *page = rent_purchases(P1);
	ck_assert_int_eq(numbering_purchase_page_count(page), 0);
	numbering_purchase_page_free(page);
	expect_account(0, 0);
	/* Funded: charged, a COMPLETED purchase. */
	top_up(store, P1, "USD", 1000);
	ck_assert_int_eq(rent(&a, store, NULL, P1, "+12125551234", NULL), NUMBERING_OK);
	numbering_active_number_free(a);
	expect_account(700, 0);
	page = rent_purchases(P1);
	ck_assert_int_eq(numbering_purchase_page_count(page), 1);
	const numbering_purchase *p = numbering_purchase_page_item(page, 0);
	ck_assert_str_eq(status_of(p), "COMPLETED");
	ck_assert_int_eq(numbering_purchase_int(p, "chargedCredits"), 300);
	ck_assert_str_eq(numbering_purchase_text(p, "phoneNumber"), "+12125551234");
	ck_assert_str_eq(numbering_purchase_text(p, "friendlyName"), "New York Local");
	ck_assert_str_eq(numbering_purchase_text(p, "countryCode"), "US");
	numbering_purchase_page_free(page);
	/* rentAny too; one that needs documents is PROCESSING, its cost reserved. */
	numbering_available_query q = NUMBERING_AVAILABLE_QUERY_INIT;
	q.region_code = "US";
	q.type = NUMBERING_NUMBER_TYPE_LOCAL;
	q.pattern = "+121255512";
	q.search_pattern = NUMBERING_SEARCH_START;
	ck_assert_int_eq(rent_any(&a, store, NULL, P1, &q, NULL), NUMBERING_OK);
	numbering_active_number_free(a);
	expect_account(400, 0);
	ck_assert_int_eq(rent(&a, store, NULL, P1, "+12125551240", NULL), NUMBERING_OK);
	numbering_active_number_free(a);
	expect_account(400, 300);
	page = rent_purchases(P1);
	ck_assert_int_eq(numbering_purchase_page_count(page), 3);
	ck_assert_str_eq(status_of(numbering_purchase_page_item(page, 0)), "PROCESSING");
	ck_assert_str_eq(status_of(numbering_purchase_page_item(page, 1)), "COMPLETED");
	numbering_purchase *done = NULL;
	ck_assert_int_eq(complete_purchase(
	                     &done, store, HOST, numbering_purchase_text(numbering_purchase_page_item(page, 0), "name")),
	                 NUMBERING_OK);
	numbering_purchase_free(done);
	numbering_purchase_page_free(page);
	expect_account(100, 0);
	ck_assert_int_eq(instance_state("+12125551240"), NUMBERING_LIFECYCLE_ACTIVE);
	/* In another currency: refused, nothing changed. */
	top_up(store, "projects/p2", "EUR", 1000);
	fixture_expect_error(rent(&a, store, NULL, "projects/p2", "+12125551238", NULL),
	                     NUMBERING_FAILED_PRECONDITION, "billing account of projects/p2 is in EUR");
	ck_assert(available("+12125551238"));
}
END_TEST

/* The n-th allocation from now fails (0: none): counted by the allocator below. */
static struct {
	long count, fail_at, fired;
} oom;

static int oom_now(void)
{
	if (++oom.count != oom.fail_at)
		return 0;
	oom.fired++;
	return 1;
}

static void *oom_malloc(size_t size, void *payload)
{
	(void)payload;
	return oom_now() ? NULL : malloc(size);
}

static void *oom_realloc(void *ptr, size_t size, void *payload)
{
	(void)payload;
	return oom_now() ? NULL : realloc(ptr, size);
}

static void oom_free(void *ptr, void *payload)
{
	(void)payload;
	free(ptr);
}

/* An acquisition of @number by p1: a purchase (@rent 0) or a Sinch rent. */
static int acquire_one(const char *number, int rent_it)
{
	if (rent_it) {
		numbering_active_number *a = NULL;
		int rc = numbering_store_rent(&a, store, NULL, P1, number, NULL);
		numbering_active_number_free(a);
		return rc;
	}
	numbering_purchase_request r = request_for(number);
	numbering_purchase *p = NULL;
	int rc = numbering_store_create_purchase(&p, store, NULL, P1, &r);
	ck_assert(rc != NUMBERING_OK || strcmp(status_of(p), "COMPLETED") == 0);
	numbering_purchase_free(p);
	return rc;
}

/* How many subscriptions p1 has. */
static int subscriptions(void)
{
	numbering_subscription_page *page = NULL;
	ck_assert_int_eq(numbering_store_list_subscriptions(&page, store, NULL, P1, 0, NULL), NUMBERING_OK);
	int n = numbering_subscription_page_count(page);
	numbering_subscription_page_free(page);
	return n;
}

/* Fails each allocation of a purchase and of a rent in turn (n = 1, 2, ... until one
 * runs without the failure firing): each failed acquisition is RESOURCE_EXHAUSTED and
 * leaves no trace (the number available, no instance, no subscription, the account
 * and its ledger as they were); one that succeeds despite it is whole. */
START_TEST(a_failed_allocation_changes_nothing)
{
	import_stock(0);
	top_up(store, P1, "USD", 10000);
	static const char *const numbers[] = {"+12125551230", "+12125551231", "+12125551232", "+12125551233",
	                                      "+12125551234", "+12125551235", "+12125551236", "+12125551237"};
	int next = 0, failures = 0;
	for (int rent_it = 0; rent_it <= 1; rent_it++) {
		for (long n = 1;; n++) {
			ck_assert_msg(next < 8 && n < 5000, "no run without a failure (n=%ld, %d numbers used)", n, next);
			int64_t balance = 0, reserved = 0, entries = 0;
			account_state(store, P1, &balance, &reserved, &entries);
			int subs = subscriptions();
			memset(&oom, 0, sizeof(oom));
			oom.fail_at = n;
			numbering_allocator allocator = {NUMBERING_ALLOCATOR_VERSION, oom_malloc, oom_realloc, oom_free, NULL};
			ck_assert_int_eq(numbering_set_allocator(&allocator), NUMBERING_OK);
			int rc = acquire_one(numbers[next], rent_it);
			ck_assert_int_eq(numbering_set_allocator(NULL), NUMBERING_OK);
			checked(NUMBERING_OK); /* the ledger invariant */
			if (rc == NUMBERING_OK) {
				int64_t b = 0, r = 0, e = 0;
				account_state(store, P1, &b, &r, &e);
				ck_assert_int_eq(b, balance - 300);
				ck_assert_int_eq(subscriptions(), subs + 1);
				ck_assert_int_eq(instance_state(numbers[next]), NUMBERING_LIFECYCLE_ACTIVE);
				ck_assert(!available(numbers[next]));
				next++;
				if (oom.fired == 0)
					break;
				continue;
			}
			failures++;
			ck_assert_msg(rc == NUMBERING_RESOURCE_EXHAUSTED, "n=%ld: %s", n, numbering_error_message());
			ck_assert(available(numbers[next]));
			ck_assert_int_eq(instance_state(numbers[next]), -1);
			ck_assert_int_eq(subscriptions(), subs);
			expect_account(balance, reserved);
			int64_t b = 0, r = 0, e = 0;
			account_state(store, P1, &b, &r, &e);
			ck_assert_int_eq(e, entries);
		}
	}
	ck_assert_int_gt(failures, 20);
}
END_TEST

static json_t *call_json(const char *method, const char *request, int want)
{
	char *response = NULL;
	int rc = checked(numbering_store_call_json(&response, store, NULL, method, request));
	ck_assert_msg(rc == want, "%s %s: %s", method, request, response ? response : "(null)");
	json_t *v = json_loads(response, 0, NULL);
	ck_assert_ptr_nonnull(v);
	numbering_free(response);
	return v;
}

static const char *field_of(json_t *error)
{
	json_t *d = json_array_get(json_object_get(json_object_get(error, "error"), "details"), 0);
	return json_string_value(json_object_get(json_array_get(json_object_get(d, "fieldViolations"), 0), "field"));
}

/* The JSON methods answer the seed's PhoneNumberPurchase: every attribute, unset ones
 * null, times in Unix ms, chargedCredits in minor units; errors name the JSON path. */
START_TEST(json_methods_answer_the_seeds_shape)
{
	import_priced("+12125551234", NUMBERING_NUMBER_TYPE_LOCAL, "USD", 500, 1000, 1, 0);
	import_priced("+12125551235", NUMBERING_NUMBER_TYPE_LOCAL, "USD", 0, 1000, 1, 1);
	top_up(store, P1, "USD", 5000);
	json_t *p = call_json("CreatePhoneNumberPurchase",
	                      "{\"parent\":\"projects/p1\",\"phoneNumberPurchase\":{\"friendlyName\":\"Main Support Line\","
	                      "\"phoneNumber\":\"+12125551234\",\"countryCode\":\"US\",\"numberType\":\"LOCAL\","
	                      "\"metadata\":{\"order\":\"A-1\"}}}",
	                      NUMBERING_OK);
	ck_assert_str_eq(json_string_value(json_object_get(p, "status")), "COMPLETED");
	ck_assert_int_eq(json_integer_value(json_object_get(p, "chargedCredits")), 1500);
	ck_assert(json_is_integer(json_object_get(p, "createdAt")));
	json_int_t created = json_integer_value(json_object_get(p, "createdAt"));
	ck_assert_int_eq(created % 1000, 0); /* whole seconds of the test clock, in ms */
	ck_assert_int_gt(created, (json_int_t)(FIXTURE_EPOCH / 1000000));
	ck_assert_int_lt(created, (json_int_t)(FIXTURE_EPOCH / 1000000) + 3600 * 1000);
	ck_assert_int_eq(json_integer_value(json_object_get(p, "completedAt")), created);
	ck_assert_int_eq(json_integer_value(json_object_get(p, "updatedAt")), created);
	ck_assert(json_is_null(json_object_get(p, "statusDetails")));
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(p, "metadata"), "order")), "A-1");
	ck_assert_str_eq(json_string_value(json_object_get(p, "numberType")), "LOCAL");
	ck_assert_int_eq(json_object_size(p), 13);
	char name[160], request[256];
	snprintf(name, sizeof(name), "%s", json_string_value(json_object_get(p, "name")));
	ck_assert_int_eq(strlen(json_string_value(json_object_get(p, "id"))), 16);
	json_decref(p);
	snprintf(request, sizeof(request), "{\"name\":\"%s\"}", name);
	p = call_json("GetPhoneNumberPurchase", request, NUMBERING_OK);
	ck_assert_int_eq(json_integer_value(json_object_get(p, "createdAt")), created);
	json_decref(p);
	/* Documents: PROCESSING, nulls for what is not there yet; the host fails it. */
	p = call_json("CreatePhoneNumberPurchase",
	              "{\"parent\":\"projects/p1\",\"phoneNumberPurchase\":{\"friendlyName\":\"Second\","
	              "\"phoneNumber\":\"+12125551235\",\"countryCode\":\"US\"}}",
	              NUMBERING_OK);
	ck_assert_str_eq(json_string_value(json_object_get(p, "status")), "PROCESSING");
	ck_assert(json_is_null(json_object_get(p, "completedAt")));
	ck_assert(json_is_null(json_object_get(p, "metadata")));
	ck_assert_int_eq(json_integer_value(json_object_get(p, "chargedCredits")), 0);
	snprintf(name, sizeof(name), "%s", json_string_value(json_object_get(p, "name")));
	json_decref(p);
	snprintf(request, sizeof(request), "{\"name\":\"%s\"}", name);
	json_t *e = call_json("FailPhoneNumberPurchase", request, NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(field_of(e), "statusDetails");
	json_decref(e);
	snprintf(request, sizeof(request), "{\"name\":\"%s\",\"statusDetails\":\"refused\"}", name);
	p = call_json("FailPhoneNumberPurchase", request, NUMBERING_OK);
	ck_assert_str_eq(json_string_value(json_object_get(p, "status")), "FAILED");
	ck_assert_str_eq(json_string_value(json_object_get(p, "statusDetails")), "refused");
	json_decref(p);
	snprintf(request, sizeof(request), "{\"name\":\"%s\"}", name);
	e = call_json("CancelPhoneNumberPurchase", request, NUMBERING_FAILED_PRECONDITION);
	ck_assert_str_eq(field_of(e), "status");
	json_decref(e);
	e = call_json("CompletePhoneNumberPurchase", request, NUMBERING_FAILED_PRECONDITION);
	json_decref(e);
	/* The list, newest first, and a status filter. */
	p = call_json("ListPhoneNumberPurchases", "{\"parent\":\"projects/p1\",\"pageSize\":1}", NUMBERING_OK);
	ck_assert_int_eq(json_array_size(json_object_get(p, "phoneNumberPurchases")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(p, "phoneNumberPurchases"), 0),
	                                                   "status")),
	                 "FAILED");
	ck_assert(json_is_string(json_object_get(p, "nextPageToken")));
	json_decref(p);
	p = call_json("ListPhoneNumberPurchases", "{\"parent\":\"projects/p1\",\"status\":\"COMPLETED\"}", NUMBERING_OK);
	ck_assert_int_eq(json_array_size(json_object_get(p, "phoneNumberPurchases")), 1);
	ck_assert_ptr_null(json_object_get(p, "nextPageToken"));
	json_decref(p);
	/* Bad requests name their JSON path. */
	static const struct {
		const char *method, *request, *field;
		int code;
	} bad[] = {
		{"CreatePhoneNumberPurchase", "{\"parent\":\"projects/p1\"}", "phoneNumberPurchase", NUMBERING_INVALID_ARGUMENT},
		{"CreatePhoneNumberPurchase", "{\"parent\":\"projects/p1\",\"phoneNumberPurchase\":7}", "phoneNumberPurchase",
		 NUMBERING_INVALID_ARGUMENT},
		{"CreatePhoneNumberPurchase",
		 "{\"parent\":\"projects/p1\",\"phoneNumberPurchase\":{\"friendlyName\":\"x\",\"phoneNumber\":\"+12125559999\","
		 "\"countryCode\":\"US\"}}",
		 "phoneNumberPurchase.phoneNumber", NUMBERING_NOT_FOUND},
		{"CreatePhoneNumberPurchase",
		 "{\"parent\":\"projects/p1\",\"phoneNumberPurchase\":{\"friendlyName\":\"x\",\"phoneNumber\":\"+12125551236\","
		 "\"countryCode\":\"US\",\"numberType\":\"FAX\"}}",
		 "phoneNumberPurchase.numberType", NUMBERING_INVALID_ARGUMENT},
		{"CreatePhoneNumberPurchase",
		 "{\"parent\":\"projects/p1\",\"phoneNumberPurchase\":{\"friendlyName\":\"x\",\"phoneNumber\":\"+12125551236\","
		 "\"countryCode\":\"US\",\"metadata\":[1]}}",
		 "phoneNumberPurchase.metadata", NUMBERING_INVALID_ARGUMENT},
		{"CreatePhoneNumberPurchase",
		 "{\"parent\":\"projects/p1\",\"phoneNumberPurchase\":{\"friendlyName\":\"x\",\"phoneNumber\":\"+12125551236\","
		 "\"countryCode\":\"US\",\"colour\":\"red\"}}",
		 "phoneNumberPurchase.colour", NUMBERING_INVALID_ARGUMENT},
		{"ListPhoneNumberPurchases", "{\"parent\":\"projects/p1\",\"status\":\"DONE\"}", "status",
		 NUMBERING_INVALID_ARGUMENT},
		{"ListPhoneNumberPurchases", "{\"parent\":\"projects/p1\",\"pageSize\":\"x\"}", "pageSize",
		 NUMBERING_INVALID_ARGUMENT},
		{"GetPhoneNumberPurchase", "{}", "name", NUMBERING_INVALID_ARGUMENT},
		{"GetPhoneNumberPurchase", "{\"name\":\"projects/p1/phoneNumberPurchases/zz\"}", "name", NUMBERING_NOT_FOUND},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e = call_json(bad[i].method, bad[i].request, bad[i].code);
		ck_assert_msg(field_of(e) != NULL && strcmp(field_of(e), bad[i].field) == 0, "case %zu: %s", i,
		              field_of(e) ? field_of(e) : "(none)");
		json_decref(e);
	}
}
END_TEST

START_TEST(a_retried_request_buys_once)
{
	import_stock(0);
	top_up(store, P1, "USD", 1000);
	numbering_purchase_request r = request_for("+12125551234");
	r.request_id = "order-0001";
	numbering_purchase *first = NULL, *again = NULL;
	ck_assert_int_eq(create_purchase(&first, store, NULL, P1, &r), NUMBERING_OK);
	ck_assert_int_eq(instances_created, 1);
	ck_assert_int_eq(create_purchase(&again, store, NULL, P1, &r), NUMBERING_OK);
	ck_assert_str_eq(numbering_purchase_text(again, "name"), numbering_purchase_text(first, "name"));
	ck_assert_str_eq(numbering_purchase_text(again, "status"), "COMPLETED");
	expect_account(700, 0); /* charged once */
	ck_assert_int_eq(instances_created, 1); /* the answer replayed sends no event */
	numbering_purchase_free(again);
	/* The same id for another request is refused; a bad id too; nothing changes. */
	r.phone_number = "+12125551235";
	fixture_expect_error(create_purchase(&again, store, NULL, P1, &r), NUMBERING_INVALID_ARGUMENT,
	                     "requestId");
	r.request_id = "bad id";
	fixture_expect_error(create_purchase(&again, store, NULL, P1, &r), NUMBERING_INVALID_ARGUMENT,
	                     "requestId");
	ck_assert(available("+12125551235"));
	expect_account(700, 0);
	/* A FAILED purchase is kept under its id too. */
	r.request_id = "order-0002";
	r.phone_number = "+12125551236";
	top_up(store, P1, "USD", -600);
	ck_assert_int_eq(create_purchase(&again, store, NULL, P1, &r), NUMBERING_OK);
	ck_assert_str_eq(numbering_purchase_text(again, "status"), "FAILED");
	top_up(store, P1, "USD", 600);
	numbering_purchase *third = NULL;
	ck_assert_int_eq(create_purchase(&third, store, NULL, P1, &r), NUMBERING_OK);
	ck_assert_str_eq(numbering_purchase_text(third, "name"), numbering_purchase_text(again, "name"));
	ck_assert_str_eq(numbering_purchase_text(third, "status"), "FAILED");
	ck_assert(available("+12125551236"));
	ck_assert_int_eq(instances_created, 1);
	/* A PROCESSING purchase's instance is created once, and its retry sends nothing. */
	import_priced("+12125551240", NUMBERING_NUMBER_TYPE_LOCAL, "USD", 100, 200, 1, 1);
	r.request_id = "order-0003";
	r.phone_number = "+12125551240";
	numbering_purchase *held = NULL, *held_again = NULL;
	ck_assert_int_eq(create_purchase(&held, store, NULL, P1, &r), NUMBERING_OK);
	ck_assert_str_eq(numbering_purchase_text(held, "status"), "PROCESSING");
	ck_assert_int_eq(instances_created, 2);
	ck_assert_int_eq(create_purchase(&held_again, store, NULL, P1, &r), NUMBERING_OK);
	ck_assert_str_eq(numbering_purchase_text(held_again, "name"), numbering_purchase_text(held, "name"));
	ck_assert_int_eq(instances_created, 2);
	numbering_purchase_free(held_again);
	numbering_purchase_free(held);
	/* Through JSON too. */
	const char *json_request = "{\"parent\":\"projects/p1\",\"requestId\":\"order-0004\",\"phoneNumberPurchase\":"
	                           "{\"friendlyName\":\"Line\",\"phoneNumber\":\"+12125551237\",\"countryCode\":\"US\",\"numberType\":\"LOCAL\"}}";
	json_t *j1 = call_json("CreatePhoneNumberPurchase", json_request, NUMBERING_OK);
	ck_assert_int_eq(instances_created, 3);
	json_t *j2 = call_json("CreatePhoneNumberPurchase", json_request, NUMBERING_OK);
	ck_assert_str_eq(json_string_value(json_object_get(j2, "name")), json_string_value(json_object_get(j1, "name")));
	ck_assert_int_eq(instances_created, 3);
	json_decref(j2);
	json_decref(j1);
	numbering_purchase_free(third);
	numbering_purchase_free(again);
	numbering_purchase_free(first);
}
END_TEST

/* A purchase outlives the store: closed and opened again, it reads the same. */
START_TEST(file_store_keeps_purchases)
{
	if (!on_file)
		return;
	import_stock(1);
	top_up(store, P1, "USD", 1000);
	numbering_purchase *p = buy("+12125551234");
	char name[128];
	snprintf(name, sizeof(name), "%s", numbering_purchase_text(p, "name"));
	numbering_purchase_free(p);
	numbering_store_close(store);
	numbering_backend *backend = NULL;
	ck_assert_int_eq(numbering_file_backend_new(&backend, path, NULL), NUMBERING_OK);
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.clock = fixture_tick;
	options.clock_payload = &clock_now;
	options.backend = backend;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_get_purchase(&p, store, NULL, name), NUMBERING_OK);
	ck_assert_str_eq(status_of(p), "PROCESSING");
	numbering_purchase_free(p);
	expect_account(1000, 300);
	ck_assert_int_eq(complete_purchase(&p, store, HOST, name), NUMBERING_OK);
	ck_assert_str_eq(status_of(p), "COMPLETED");
	numbering_purchase_free(p);
	expect_account(700, 0);
}
END_TEST

/* The purchase records (kind 11) and the subscription records (kind 12) a store writes,
 * each body cut at every length and each bit flipped: read whole or as DATA_LOSS by the
 * kind's check, never past its bytes (tests/record-damage.h). */
START_TEST(damaged_purchase_and_subscription_bodies)
{
	numbering_store_close(store);
	numbering_backend *backend = NULL;
	ck_assert_int_eq(numbering_memory_backend_new(&backend), NUMBERING_OK);
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.clock = fixture_tick;
	options.clock_payload = &clock_now;
	options.backend = backend;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	import_stock(0);
	import_priced("+12125551240", NUMBERING_NUMBER_TYPE_LOCAL, "USD", 100, 200, 1, 1);
	top_up(store, P1, "USD", 1000);
	/* COMPLETED with metadata and a request id, PROCESSING, and FAILED with its details. */
	numbering_purchase_request r = request_for("+12125551234");
	r.metadata = "{\"order\":\"A-1\",\"note\":\"caf\u00e9\"}";
	r.request_id = "order-0001";
	numbering_purchase *p = NULL;
	ck_assert_int_eq(create_purchase(&p, store, NULL, P1, &r), NUMBERING_OK);
	ck_assert_str_eq(status_of(p), "COMPLETED");
	numbering_purchase_free(p);
	p = buy("+12125551240");
	ck_assert_str_eq(status_of(p), "PROCESSING");
	numbering_purchase_free(p);
	top_up(store, P1, "USD", -400);
	p = buy("+12125551235");
	ck_assert_str_eq(status_of(p), "FAILED");
	numbering_purchase_free(p);
	struct record_damage d = {0, 0};
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = NUMBERING__KIND_PHONE_NUMBER_PURCHASE;
	q.parent = P1;
	ck_assert_int_eq(backend->list(backend, &q, record_damage_visit, &d), NUMBERING_OK);
	ck_assert_int_eq(d.records, 3);
	/* The completed purchase's subscription (the PROCESSING one starts none yet). */
	q.kind = NUMBERING__KIND_SUBSCRIPTION;
	ck_assert_int_eq(backend->list(backend, &q, record_damage_visit, &d), NUMBERING_OK);
	ck_assert_int_eq(d.records, 4);
	ck_assert_int_gt(d.cases, 1000);
}
END_TEST

static void add_cases(TCase *tc)
{
	tcase_add_test(tc, create_completes_at_once);
	tcase_add_test(tc, short_balance_fails_and_keeps_the_number);
	tcase_add_test(tc, documents_hold_it_until_the_host_completes);
	tcase_add_test(tc, failed_and_cancelled_give_the_number_back);
	tcase_add_test(tc, lifecycle_calls_leave_what_billing_holds);
	tcase_add_test(tc, an_acquired_number_does_not_move);
	tcase_add_test(tc, a_number_waiting_for_documents_is_cancelled_not_released);
	tcase_add_test(tc, no_period_is_due_after_the_end_of_time);
	tcase_add_test(tc, a_period_on_the_last_day_reads_back);
	tcase_add_test(tc, a_free_number_charges_nothing);
	tcase_add_test(tc, another_currency_is_refused);
	tcase_add_test(tc, a_block_priced_wrong_is_refused_naming_the_number);
	tcase_add_test(tc, bad_requests_name_the_field);
	tcase_add_test(tc, get_and_names);
	tcase_add_test(tc, list_newest_first_by_status_and_pages);
	tcase_add_test(tc, purchases_that_share_a_create_time_are_each_listed_once);
	tcase_add_test(tc, a_rent_is_a_purchase_and_pays);
	tcase_add_test(tc, file_store_keeps_purchases);
	tcase_add_test(tc, json_methods_answer_the_seeds_shape);
	tcase_add_test(tc, a_retried_request_buys_once);
}

Suite *purchase_suite(void)
{
	Suite *s = suite_create("purchase");
	TCase *cost = tcase_create("cost");
	tcase_add_test(cost, cost_is_setup_plus_the_first_interval);
	suite_add_tcase(s, cost);
	TCase *memory = tcase_create("memory");
	tcase_add_checked_fixture(memory, setup_memory, teardown);
	add_cases(memory);
	tcase_add_test(memory, damaged_purchase_and_subscription_bodies); /* the memory backend's records */
	tcase_add_test(memory, a_failed_allocation_changes_nothing);
	tcase_add_test(memory, a_charge_of_another_process_meanwhile_is_not_lost); /* file stores of its own */
	suite_add_tcase(s, memory);
	TCase *file = tcase_create("file");
	tcase_add_checked_fixture(file, setup_file, teardown);
	add_cases(file);
	suite_add_tcase(s, file);
	return s;
}
