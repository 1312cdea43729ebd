/* Subscriptions and renewal (numbering/subscription.h): the billing run's charges,
 * deactivations, reactivations and cancellations, in both backends, the ledger
 * invariant after every step, a random sequence, and kill -9 during a run. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <numbering/sys/file.h>
#include <sodium.h>

#include "model/billing-fields.h"
#include "model/fields.h"
#include "model/kinds.h"
#include "service/backend-call.h"
#include "service/billing.h"
#include "service/service.h"
#include "service/subscription.h"
#include "ledger-invariant.h"
#include "page-walk.h"
#include "record-plant.h"
#include "rent-setup.h"
#include "store-fixture.h"
#include "suites.h"

#define NS INT64_C(1000000000)
#define DAY (86400 * NS)
#define P1 "projects/p1"
/* 2026-01-31T10:00:00Z */
#define JAN31 (INT64_C(1769853600) * NS)

/* ---- A store of either backend with a clock the test sets ---- */

static int64_t clk;
static numbering_store *st;
static char path[256];
static int events;

static void count_event(const char *event, void *payload)
{
	(void)event;
	(void)payload;
	events++;
}

static numbering_store *open_kind(int file, int64_t grace_seconds)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.clock = fixture_still;
	options.clock_payload = &clk;
	options.event_sink = count_event;
	options.billing_grace_seconds = grace_seconds;
	if (file) {
		numbering_backend *backend = NULL;
		ck_assert_int_eq(numbering_file_backend_new(&backend, path, NULL), NUMBERING_OK);
		options.backend = backend;
	}
	numbering_store *store = NULL;
	ck_assert_msg(numbering_store_open(&store, &options) == NUMBERING_OK, "open: %s", numbering_error_message());
	return store;
}

static void open_store(int file)
{
	clk = JAN31 - DAY; /* imports and top-ups the day before: the rents are at JAN31 */
	events = 0;
	if (file)
		fixture_temp_store_path(path, sizeof(path), "subscription");
	st = open_kind(file, 0);
}

static void close_store(int file)
{
	numbering_store_close(st);
	st = NULL;
	if (file)
		unlink(path);
}

/* ---- The ledger, read under the lock ---- */

struct sum_visit {
	int64_t sum, count, renewals;
	char keys[4096][64];
	int key_count;
	int duplicate;
};

/* One entry of a ledger record (a record holds one or several). */
static int sum_entry(const struct numbering__entry_view *e, void *payload)
{
	struct sum_visit *v = payload;
	v->sum += e->amount;
	v->count++;
	if (e->charge_key != NULL && strstr(e->charge_key, "/subscriptions/") != NULL) {
		v->renewals++;
		for (int i = 0; i < v->key_count; i++)
			if (strcmp(v->keys[i], e->charge_key) == 0)
				v->duplicate = 1;
		if (v->key_count < 4096)
			snprintf(v->keys[v->key_count++], sizeof(v->keys[0]), "%s", e->charge_key);
	}
	return 0;
}

static int sum_visit(const numbering_record *record, void *payload)
{
	ck_assert_int_eq(numbering__billing_entry_each(record, sum_entry, payload), NUMBERING_OK);
	return 0;
}

/* The ledger invariant of @project: the balance is the sum of the entries, the count
 * their number, no charge key twice. Returns the balance; *renewals the charges with a
 * key. */
static int64_t ledger_check_store(numbering_store *store, const char *project, int64_t *renewals)
{
	struct numbering__account a;
	struct sum_visit *v = calloc(1, sizeof(*v));
	ck_assert_ptr_nonnull(v);
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	ck_assert_int_eq(numbering__account_load(&a, store, project), NUMBERING_OK);
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = NUMBERING__KIND_BILLING_ENTRY;
	q.parent = project;
	q.order = NUMBERING_RECORD_ORDER_ASCENDING;
	ck_assert_int_eq(numbering__backend_list(store, &q, sum_visit, v), NUMBERING_OK);
	numbering__rwlock_rdunlock(&store->lock, slot);
	ck_assert_msg(v->sum == a.balance, "balance %lld, entries sum to %lld", (long long)a.balance, (long long)v->sum);
	ck_assert_int_eq(v->count, a.entries);
	ck_assert_msg(!v->duplicate, "a charge key is in the ledger twice");
	if (renewals != NULL)
		*renewals = v->renewals;
	free(v);
	/* The shared checker too: through the public API, in pages. */
	int64_t balance = 0;
	ck_assert_int_eq(ledger_check(store, NULL, project, 7, &balance), a.entries);
	ck_assert_int_eq(balance, a.balance);
	return a.balance;
}

static int64_t ledger_ok(void)
{
	return ledger_check_store(st, P1, NULL);
}

/* Adds @minor USD to the account of @project, as a top-up does. */
static void top_up_store(numbering_store *store, const char *project, int64_t minor)
{
	struct numbering__account a;
	numbering__rwlock_wrlock(&store->lock);
	int64_t t = 0;
	ck_assert_int_eq(numbering__account_load(&a, store, project), NUMBERING_OK);
	ck_assert_int_eq(numbering__next_time(store, &t), NUMBERING_OK);
	struct numbering__entry_in e = {"USD", minor, 0, "top-up", "", NULL, t};
	ck_assert_int_eq(numbering__begin(store), NUMBERING_OK);
	ck_assert_int_eq(numbering__account_post(store, &a, &e, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering__commit(store), NUMBERING_OK);
	numbering__rwlock_wrunlock(&store->lock);
	ck_assert_int_eq(numbering__durable(store), NUMBERING_OK);
}

static void top_up(int64_t minor)
{
	top_up_store(st, P1, minor);
}

/* ---- Numbers and their subscriptions ---- */

/* The subscription name of @a's instance. */
static void sub_name_of(char name[NUMBERING__SUBSCRIPTION_NAME_SIZE], const numbering_active_number *a)
{
	ck_assert_int_eq(numbering__subscription_name(name, numbering_instance_name(numbering_active_number_instance(a))),
	                 NUMBERING_OK);
}

/* Rents @number into @project and makes sure it has a subscription (a rent starts
 * one once purchases land; before, the test starts it as a rent would). Returns the
 * subscription's name in @name. */
static void rent_store(numbering_store *store, const char *project, const char *number,
                       char name[NUMBERING__SUBSCRIPTION_NAME_SIZE])
{
	numbering_active_number *a = NULL;
	int rc = numbering_store_rent(&a, store, NULL, project, number, NULL);
	ck_assert_msg(rc == NUMBERING_OK, "rent %s: %s", number, numbering_error_message());
	sub_name_of(name, a);
	numbering_subscription *s = NULL;
	if (numbering_store_get_subscription(&s, store, NULL, name) == NUMBERING_NOT_FOUND) {
		const numbering_available_number *stock = numbering_active_number_stock(a);
		struct numbering__subscription_in in;
		memset(&in, 0, sizeof(in));
		in.instance = numbering_instance_name(numbering_active_number_instance(a));
		const char *currency = NULL;
		int64_t minor = 0;
		if (numbering_available_number_money(stock, "monthlyPrice", &currency, &minor) == NUMBERING_OK &&
		    currency != NULL && currency[0] != '\0') {
			memcpy(in.price.currency, currency, 4);
			in.price.minor = minor;
		}
		in.interval_months = (int)numbering_available_number_int(stock, "paymentIntervalMonths");
		in.start = numbering_active_number_int(a, "rentTime");
		numbering__rwlock_wrlock(&store->lock);
		ck_assert_int_eq(numbering__begin(store), NUMBERING_OK);
		ck_assert_int_eq(numbering__subscription_start(store, &in, NULL), NUMBERING_OK);
		ck_assert_int_eq(numbering__commit(store), NUMBERING_OK);
		numbering__rwlock_wrunlock(&store->lock);
		ck_assert_int_eq(numbering__durable(store), NUMBERING_OK);
	}
	numbering_subscription_free(s);
	numbering_active_number_free(a);
}

static void rent(const char *number, char name[NUMBERING__SUBSCRIPTION_NAME_SIZE])
{
	rent_store(st, P1, number, name);
}

static numbering_subscription *get_sub(const char *name)
{
	numbering_subscription *s = NULL;
	int rc = numbering_store_get_subscription(&s, st, NULL, name);
	ck_assert_msg(rc == NUMBERING_OK, "get %s: %s", name, numbering_error_message());
	return s;
}

static int64_t sub_int(const char *name, const char *attribute)
{
	numbering_subscription *s = get_sub(name);
	int64_t v = numbering_subscription_int(s, attribute);
	numbering_subscription_free(s);
	return v;
}

static numbering_billing_report run(void)
{
	numbering_billing_report r = billing_run(st);
	ledger_ok();
	return r;
}

/* The lifecycle state of the instance of subscription @name. */
static int instance_state(const char *name)
{
	numbering_subscription *s = get_sub(name);
	numbering_instance *in = NULL;
	ck_assert_int_eq(numbering_store_get(&in, st, NULL, numbering_subscription_text(s, "instance")), NUMBERING_OK);
	int state = numbering_instance_lifecycle_state(in);
	numbering_instance_free(in);
	numbering_subscription_free(s);
	return state;
}

/* ---- Renewal ---- */

static void renewal_charges_and_advances_across_month_ends(int file)
{
	open_store(file);
	stock_import_usd(st, "+12085550100-09", NUMBERING_CAPABILITY_VOICE, 0, 200, 1);
	top_up(1200); /* the rent pays the first period (2.00), the runs five more */
	char name[NUMBERING__SUBSCRIPTION_NAME_SIZE];
	clk = JAN31;
	rent("+12085550100", name);
	int64_t balance = ledger_ok();
	/* Jan 31 -> Feb 28 -> Mar 31 -> Apr 30: from the start each time, no drift. */
	int64_t feb28 = JAN31 + 28 * DAY, mar31 = feb28 + 31 * DAY, apr30 = mar31 + 30 * DAY;
	ck_assert_int_eq(sub_int(name, "nextChargeDate"), feb28);
	ck_assert_int_eq(sub_int(name, "state"), NUMBERING_SUBSCRIPTION_ACTIVE);
	ck_assert_int_eq(sub_int(name, "autoCharge"), 1);
	ck_assert_int_eq(sub_int(name, "monthlyPrice"), 200);
	ck_assert_int_eq(sub_int(name, "periodsPaid"), 1);
	/* Not due yet: nothing. */
	clk = feb28 - 1;
	billing_report_expect(run(), 0, 0, 0, 0);
	clk = feb28;
	billing_report_expect(run(), 1, 0, 0, 0);
	ck_assert_int_eq(ledger_ok(), balance - 200);
	ck_assert_int_eq(sub_int(name, "nextChargeDate"), mar31);
	/* A second run at the same time charges nothing twice. */
	billing_report_expect(run(), 0, 0, 0, 0);
	ck_assert_int_eq(ledger_ok(), balance - 200);
	/* The Sinch view shows the subscription's dates. */
	numbering_active_number *a = NULL;
	ck_assert_int_eq(numbering_store_get_active(&a, st, NULL, P1, "+12085550100"), NUMBERING_OK);
	ck_assert_int_eq(numbering_active_number_int(a, "nextChargeDate"), mar31);
	numbering_active_number_free(a);
	clk = mar31;
	billing_report_expect(run(), 1, 0, 0, 0);
	ck_assert_int_eq(sub_int(name, "nextChargeDate"), apr30);
	/* A clock months ahead pays each period due, each once. */
	clk = apr30 + 65 * DAY; /* Jul 4: Apr 30, May 31 (the 31st again), Jun 30 */
	billing_report_expect(run(), 3, 0, 0, 0);
	ck_assert_int_eq(ledger_ok(), balance - 5 * 200);
	ck_assert_int_eq(sub_int(name, "periodsPaid"), 6);
	ck_assert_int_eq(sub_int(name, "nextChargeDate"), apr30 + 92 * DAY); /* Jul 31 */
	close_store(file);
}

START_TEST(renewal_charges_memory)
{
	renewal_charges_and_advances_across_month_ends(0);
}
END_TEST

START_TEST(renewal_charges_file)
{
	renewal_charges_and_advances_across_month_ends(1);
}
END_TEST

static void auto_charge_off_deactivates(int file)
{
	open_store(file);
	stock_import_usd(st, "+12085550100-09", NUMBERING_CAPABILITY_VOICE, 0, 300, 2);
	top_up(10000);
	char name[NUMBERING__SUBSCRIPTION_NAME_SIZE];
	clk = JAN31;
	rent("+12085550101", name);
	int64_t balance = ledger_ok();
	numbering_subscription *s = NULL;
	ck_assert_int_eq(numbering_store_set_subscription_auto_charge(&s, st, NULL, name, 0), NUMBERING_OK);
	ck_assert_int_eq(numbering_subscription_int(s, "autoCharge"), 0);
	int64_t due = numbering_subscription_int(s, "nextChargeDate");
	ck_assert_int_eq(due, JAN31 + (28 + 31) * DAY); /* two months: Mar 31 */
	numbering_subscription_free(s);
	clk = due;
	billing_report_expect(run(), 0, 1, 0, 0);
	ck_assert_int_eq(sub_int(name, "state"), NUMBERING_SUBSCRIPTION_DEACTIVATED);
	ck_assert_int_ne(sub_int(name, "deactivateTime"), 0);
	ck_assert_int_eq(instance_state(name), NUMBERING_LIFECYCLE_SUSPENDED);
	ck_assert_int_eq(ledger_ok(), balance);
	/* Still deactivated: the next run leaves it. */
	clk += DAY;
	billing_report_expect(run(), 0, 0, 0, 0);
	/* autoCharge on again: the next run reactivates it and charges the period, 2 x 300. */
	ck_assert_int_eq(numbering_store_set_subscription_auto_charge(NULL, st, NULL, name, 1), NUMBERING_OK);
	billing_report_expect(run(), 1, 0, 1, 0);
	ck_assert_int_eq(instance_state(name), NUMBERING_LIFECYCLE_ACTIVE);
	ck_assert_int_eq(ledger_ok(), balance - 600);
	ck_assert_int_eq(sub_int(name, "state"), NUMBERING_SUBSCRIPTION_ACTIVE);
	ck_assert_int_eq(sub_int(name, "deactivateTime"), 0);
	billing_report_expect(run(), 0, 0, 0, 0);
	close_store(file);
}

START_TEST(auto_charge_off_memory)
{
	auto_charge_off_deactivates(0);
}
END_TEST

START_TEST(auto_charge_off_file)
{
	auto_charge_off_deactivates(1);
}
END_TEST

static void short_balance_deactivates_and_top_up_reactivates(int file)
{
	open_store(file);
	stock_import_usd(st, "+12085550100-09", NUMBERING_CAPABILITY_VOICE, 0, 500, 1);
	top_up(500);
	char name[NUMBERING__SUBSCRIPTION_NAME_SIZE];
	clk = JAN31;
	rent("+12085550102", name);
	int64_t balance = ledger_ok();
	if (balance >= 500) /* the rent did not charge (before purchases): spend it */
		top_up(-balance);
	balance = ledger_ok();
	ck_assert_int_lt(balance, 500);
	clk = JAN31 + 28 * DAY;
	billing_report_expect(run(), 0, 1, 0, 0);
	ck_assert_int_eq(instance_state(name), NUMBERING_LIFECYCLE_SUSPENDED);
	/* Routing sees it: the number resolves to a SUSPENDED instance. */
	numbering_resolution *res = NULL;
	ck_assert_int_eq(numbering_resolution_new(&res), NUMBERING_OK);
	int rc = numbering_store_resolve(res, st, NULL, "+12085550102", NULL);
	ck_assert_msg(rc != NUMBERING_OK ||
	                  numbering_instance_lifecycle_state(numbering_resolution_instance(res)) ==
	                      NUMBERING_LIFECYCLE_SUSPENDED,
	              "a deactivated number routes as ACTIVE");
	numbering_resolution_free(res);
	/* A top-up short of the period changes nothing. */
	top_up(100);
	clk += DAY;
	billing_report_expect(run(), 0, 0, 0, 0);
	ck_assert_int_eq(instance_state(name), NUMBERING_LIFECYCLE_SUSPENDED);
	/* Enough: reactivated, charged once for the period it owes. */
	top_up(1000);
	balance = ledger_ok();
	billing_report_expect(run(), 1, 0, 1, 0);
	ck_assert_int_eq(ledger_ok(), balance - 500);
	ck_assert_int_eq(instance_state(name), NUMBERING_LIFECYCLE_ACTIVE);
	billing_report_expect(run(), 0, 0, 0, 0);
	ck_assert_int_eq(ledger_ok(), balance - 500);
	ck_assert_int_eq(sub_int(name, "nextChargeDate"), JAN31 + (28 + 31) * DAY);
	close_store(file);
}

START_TEST(short_balance_memory)
{
	short_balance_deactivates_and_top_up_reactivates(0);
}
END_TEST

START_TEST(short_balance_file)
{
	short_balance_deactivates_and_top_up_reactivates(1);
}
END_TEST

static void grace_expiry_cancels_and_returns_the_number(int file)
{
	open_store(file);
	stock_import_usd(st, "+12085550100-09", NUMBERING_CAPABILITY_VOICE, 0, 700, 1);
	top_up(700);
	char name[NUMBERING__SUBSCRIPTION_NAME_SIZE];
	clk = JAN31;
	rent("+12085550103", name);
	int64_t balance = ledger_ok();
	if (balance >= 700)
		top_up(-balance);
	clk = JAN31 + 28 * DAY;
	billing_report_expect(run(), 0, 1, 0, 0);
	int64_t deactivated = sub_int(name, "deactivateTime");
	/* Within the grace period (30 days by default) it stays. */
	clk = deactivated + 30 * DAY - 1;
	billing_report_expect(run(), 0, 0, 0, 0);
	clk = deactivated + 30 * DAY;
	events = 0;
	billing_report_expect(run(), 0, 0, 0, 1);
	ck_assert_int_ge(events, 1);
	ck_assert_int_eq(sub_int(name, "state"), NUMBERING_SUBSCRIPTION_CANCELLED);
	ck_assert_int_ne(sub_int(name, "endTime"), 0);
	ck_assert_int_eq(instance_state(name), NUMBERING_LIFECYCLE_DELETED);
	/* The number is for rent again, at its price; the project has no active number. */
	numbering_available_number *back = NULL;
	ck_assert_int_eq(numbering_store_get_available(&back, st, NULL, "projects/p2", "+12085550103"), NUMBERING_OK);
	const char *currency;
	int64_t minor;
	ck_assert_int_eq(numbering_available_number_money(back, "monthlyPrice", &currency, &minor), NUMBERING_OK);
	ck_assert_int_eq(minor, 700);
	numbering_available_number_free(back);
	numbering_active_number *a = NULL;
	ck_assert_int_eq(numbering_store_get_active(&a, st, NULL, P1, "+12085550103"), NUMBERING_NOT_FOUND);
	/* Cancelled: nothing more, and autoCharge cannot change. */
	billing_report_expect(run(), 0, 0, 0, 0);
	fixture_expect_error(numbering_store_set_subscription_auto_charge(NULL, st, NULL, name, 1),
	                     NUMBERING_FAILED_PRECONDITION, "is cancelled");
	close_store(file);
}

START_TEST(grace_expiry_memory)
{
	grace_expiry_cancels_and_returns_the_number(0);
}
END_TEST

START_TEST(grace_expiry_file)
{
	grace_expiry_cancels_and_returns_the_number(1);
}
END_TEST

START_TEST(grace_period_is_an_option)
{
	clk = JAN31 - DAY;
	st = open_kind(0, 86400);
	stock_import_usd(st, "+12085550100", NUMBERING_CAPABILITY_VOICE, 0, 100, 1);
	char name[NUMBERING__SUBSCRIPTION_NAME_SIZE];
	top_up(100);
	clk = JAN31;
	rent("+12085550100", name);
	int64_t balance = ledger_ok();
	if (balance > 0)
		top_up(-balance);
	clk = JAN31 + 28 * DAY;
	billing_report_expect(run(), 0, 1, 0, 0);
	clk += DAY - NS;
	billing_report_expect(run(), 0, 0, 0, 0);
	clk += 2 * NS;
	billing_report_expect(run(), 0, 0, 0, 1);
	numbering_store_close(st);
	/* Bad values; older versions get the default. */
	numbering_options options = NUMBERING_OPTIONS_INIT;
	numbering_store *bad = NULL;
	options.billing_grace_seconds = -1;
	fixture_expect_error(numbering_store_open(&bad, &options), NUMBERING_INVALID_ARGUMENT, "billing_grace_seconds -1");
	ck_assert_str_eq(numbering_error_violation_field(0), "billing_grace_seconds");
	options.billing_grace_seconds = INT64_C(1) << 40;
	ck_assert_int_eq(numbering_store_open(&bad, &options), NUMBERING_INVALID_ARGUMENT);
	ck_assert_ptr_null(bad);
	ck_assert_int_eq(numbering_options_init(&options, 3), NUMBERING_OK);
	options.billing_grace_seconds = -1; /* past a version-3 struct: never read */
	ck_assert_int_eq(numbering_store_open(&bad, &options), NUMBERING_OK);
	numbering_store_close(bad);
	ck_assert_int_eq(numbering_options_init(&options, 4), NUMBERING_OK);
	ck_assert_int_eq(options.billing_grace_seconds, 0);
	ck_assert_int_eq(NUMBERING_BILLING_GRACE_SECONDS_DEFAULT, 30 * 86400);
}
END_TEST

static void released_numbers_are_not_renewed(int file)
{
	open_store(file);
	stock_import_usd(st, "+12085550100-09", NUMBERING_CAPABILITY_VOICE, 0, 200, 1);
	top_up(10000);
	char name[NUMBERING__SUBSCRIPTION_NAME_SIZE];
	clk = JAN31;
	rent("+12085550104", name);
	int64_t balance = ledger_ok();
	int64_t due = sub_int(name, "nextChargeDate");
	numbering_active_number *a = NULL;
	ck_assert_int_eq(numbering_store_release_active(&a, st, NULL, P1, "+12085550104"), NUMBERING_OK);
	ck_assert_int_eq(numbering_active_number_int(a, "expireAt"), due);
	numbering_active_number_free(a);
	ck_assert_int_eq(sub_int(name, "expireAt"), due);
	ck_assert_int_eq(sub_int(name, "state"), NUMBERING_SUBSCRIPTION_ACTIVE);
	/* The view shows the subscription's end. */
	ck_assert_int_eq(numbering_store_get_active(&a, st, NULL, P1, "+12085550104"), NUMBERING_OK);
	ck_assert_int_eq(numbering_active_number_int(a, "expireAt"), due);
	numbering_active_number_free(a);
	clk = due;
	billing_report_expect(run(), 0, 0, 0, 0);
	ck_assert_int_eq(ledger_ok(), balance);
	/* The release took effect: the subscription ended with it. */
	ck_assert_int_eq(sub_int(name, "state"), NUMBERING_SUBSCRIPTION_CANCELLED);
	clk += 40 * DAY;
	billing_report_expect(run(), 0, 0, 0, 0);
	ck_assert_int_eq(ledger_ok(), balance);
	close_store(file);
}

START_TEST(released_memory)
{
	released_numbers_are_not_renewed(0);
}
END_TEST

START_TEST(released_file)
{
	released_numbers_are_not_renewed(1);
}
END_TEST

START_TEST(free_numbers_renew_without_entries)
{
	open_store(0);
	stock_import_usd(st, "+12085550100", NUMBERING_CAPABILITY_VOICE, 0, 0, 3);
	char name[NUMBERING__SUBSCRIPTION_NAME_SIZE];
	clk = JAN31;
	rent("+12085550100", name);
	int64_t renewals = -1;
	clk = JAN31 + (28 + 31 + 30) * DAY; /* Apr 30 */
	ck_assert_int_eq(sub_int(name, "nextChargeDate"), clk);
	billing_report_expect(run(), 1, 0, 0, 0);
	ck_assert_int_eq(ledger_check_store(st, P1, &renewals), 0);
	ck_assert_int_eq(renewals, 0);
	close_store(0);
}
END_TEST

/* ---- Get, list, autoCharge: errors ---- */

START_TEST(get_list_and_update_check_their_input)
{
	open_store(0);
	stock_import_usd(st, "+12085550100-09", NUMBERING_CAPABILITY_VOICE, 0, 100, 1);
	top_up(100000);
	char names[5][NUMBERING__SUBSCRIPTION_NAME_SIZE];
	for (int i = 0; i < 5; i++) {
		char number[16];
		snprintf(number, sizeof(number), "+1208555010%d", i);
		rent(number, names[i]);
	}
	numbering_subscription *s = NULL;
	const char *bad[] = {"", "projects/p1", "projects/p1/subscriptions/", "projects//subscriptions/x",
	                     "projects/p1/instances/x", "p1/subscriptions/x"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fixture_expect_error(numbering_store_get_subscription(&s, st, NULL, bad[i]), NUMBERING_INVALID_ARGUMENT,
		                     "is not projects/{project}/subscriptions/{id}");
		ck_assert_str_eq(numbering_error_violation_field(0), "name");
	}
	ck_assert_int_eq(numbering_store_get_subscription(&s, st, NULL, NULL), NUMBERING_INVALID_ARGUMENT);
	fixture_expect_error(numbering_store_get_subscription(&s, st, NULL, "projects/p1/subscriptions/nope"),
	                     NUMBERING_NOT_FOUND, "not found");
	/* Another project's subscription is as one that does not exist. */
	char other[NUMBERING__SUBSCRIPTION_NAME_SIZE];
	snprintf(other, sizeof(other), "projects/p2/%s", strstr(names[0], "subscriptions/"));
	ck_assert_int_eq(numbering_store_get_subscription(&s, st, NULL, other), NUMBERING_NOT_FOUND);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(numbering_store_get_subscription(NULL, st, NULL, names[0]), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_store_get_subscription(&s, NULL, NULL, names[0]), NUMBERING_INVALID_ARGUMENT);
	s = get_sub(names[2]);
	ck_assert_str_eq(numbering_subscription_name(s), names[2]);
	ck_assert_str_eq(numbering_subscription_text(s, "monthlyPrice.currencyCode"), "USD");
	ck_assert_str_eq(numbering_subscription_text(s, "nothing"), "");
	ck_assert_int_eq(numbering_subscription_int(s, "nothing"), 0);
	ck_assert_int_eq(numbering_subscription_int(s, "paymentIntervalMonths"), 1);
	ck_assert_int_ne(numbering_subscription_int(s, "startTime"), 0);
	numbering_subscription_free(s);
	ck_assert_str_eq(numbering_subscription_name(NULL), "");
	ck_assert_str_eq(numbering_subscription_text(NULL, "instance"), "");
	ck_assert_int_eq(numbering_subscription_int(NULL, "state"), 0);
	ck_assert_str_eq(numbering_subscription_state_name(NUMBERING_SUBSCRIPTION_DEACTIVATED), "DEACTIVATED");
	ck_assert_ptr_null(numbering_subscription_state_name(0));
	numbering_subscription_free(NULL);

	/* Pages of two, oldest first, then the last of one. */
	numbering_subscription_page *page = NULL;
	char token[256] = "";
	int seen = 0;
	for (int round = 0; round < 3; round++) {
		ck_assert_int_eq(numbering_store_list_subscriptions(&page, st, NULL, P1, 2, token), NUMBERING_OK);
		for (int i = 0; i < numbering_subscription_page_count(page); i++)
			ck_assert_str_eq(numbering_subscription_name(numbering_subscription_page_item(page, i)), names[seen++]);
		snprintf(token, sizeof(token), "%s", numbering_subscription_page_next_token(page));
		numbering_subscription_page_free(page);
	}
	ck_assert_int_eq(seen, 5);
	ck_assert_str_eq(token, "");
	ck_assert_int_eq(numbering_store_list_subscriptions(&page, st, NULL, P1, 0, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_subscription_page_count(page), 5);
	ck_assert_ptr_null(numbering_subscription_page_item(page, 5));
	ck_assert_ptr_null(numbering_subscription_page_item(page, -1));
	numbering_subscription_page_free(page);
	ck_assert_int_eq(numbering_subscription_page_count(NULL), 0);
	ck_assert_str_eq(numbering_subscription_page_next_token(NULL), "");
	numbering_subscription_page_free(NULL);
	fixture_expect_error(numbering_store_list_subscriptions(&page, st, NULL, P1, 1001, NULL),
	                     NUMBERING_INVALID_ARGUMENT, "pageSize 1001");
	fixture_expect_error(numbering_store_list_subscriptions(&page, st, NULL, P1, -1, NULL),
	                     NUMBERING_INVALID_ARGUMENT, "pageSize -1");
	fixture_expect_error(numbering_store_list_subscriptions(&page, st, NULL, "p1", 1, NULL),
	                     NUMBERING_INVALID_ARGUMENT, "");
	ck_assert_str_eq(numbering_error_violation_field(0), "parent");
	/* A token of one project is not one of another's. */
	ck_assert_int_eq(numbering_store_list_subscriptions(&page, st, NULL, P1, 1, NULL), NUMBERING_OK);
	snprintf(token, sizeof(token), "%s", numbering_subscription_page_next_token(page));
	numbering_subscription_page_free(page);
	fixture_expect_error(numbering_store_list_subscriptions(&page, st, NULL, "projects/p2", 1, token),
	                     NUMBERING_INVALID_ARGUMENT, "");
	ck_assert_str_eq(numbering_error_violation_field(0), "pageToken");
	fixture_expect_error(numbering_store_list_subscriptions(&page, st, NULL, P1, 1, "garbage"),
	                     NUMBERING_INVALID_ARGUMENT, "");
	ck_assert_ptr_null(page);
	ck_assert_int_eq(numbering_store_list_subscriptions(&page, st, NULL, "projects/p2", 0, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_subscription_page_count(page), 0);
	numbering_subscription_page_free(page);

	fixture_expect_error(numbering_store_set_subscription_auto_charge(&s, st, NULL, names[0], 2),
	                     NUMBERING_INVALID_ARGUMENT, "autoCharge 2");
	fixture_expect_error(numbering_store_set_subscription_auto_charge(&s, st, NULL, "projects/p1/subscriptions/x", 0),
	                     NUMBERING_NOT_FOUND, "not found");
	fixture_expect_error(numbering_store_set_subscription_auto_charge(&s, st, NULL, "x", 0),
	                     NUMBERING_INVALID_ARGUMENT, "subscriptions/{id}");
	ck_assert_int_eq(numbering_store_set_subscription_auto_charge(&s, NULL, NULL, names[0], 0),
	                 NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(sub_int(names[0], "autoCharge"), 1);
	/* The same value twice is no change. */
	ck_assert_int_eq(numbering_store_set_subscription_auto_charge(&s, st, NULL, names[0], 1), NUMBERING_OK);
	numbering_subscription_free(s);

	numbering_billing_report r = NUMBERING_BILLING_REPORT_INIT;
	r.version = 2;
	fixture_expect_error(numbering_store_run_billing(&r, st, NULL), NUMBERING_INVALID_ARGUMENT, "version 2");
	ck_assert_int_eq(numbering_store_run_billing(NULL, NULL, NULL), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_store_run_billing(NULL, st, NULL), NUMBERING_OK);
	close_store(0);
}
END_TEST

/* A page of P1's subscriptions for page_walk_run(). */
static void subscriptions_page(struct page_walk *w, int size, const char *token, char next[PAGE_WALK_TOKEN],
                               void *payload)
{
	numbering_subscription_page *page = NULL;
	int rc = numbering_store_list_subscriptions(&page, st, NULL, P1, size, token);
	ck_assert_msg(rc == NUMBERING_OK, "%s", numbering_error_message());
	for (int i = 0; i < numbering_subscription_page_count(page); i++)
		page_walk_add(w, numbering_subscription_name(numbering_subscription_page_item(page, i)));
	snprintf(next, PAGE_WALK_TOKEN, "%s", numbering_subscription_page_next_token(page));
	numbering_subscription_page_free(page);
}

/* A rent between two pages: @payload the number, whose name it writes over (its
 * subscription starts after all, on a later page). */
static void rent_late(void *payload)
{
	char *number = payload;
	char name[NUMBERING__SUBSCRIPTION_NAME_SIZE];
	rent(number, name);
	snprintf(number, NUMBERING__SUBSCRIPTION_NAME_SIZE, "%s", name);
}

/* Subscriptions of one start time on a page boundary (two processes could write them
 * before a rent took its time inside its transaction): the token named the time alone,
 * and the next page started after every subscription of it, so the others were on
 * none. */
START_TEST(subscriptions_that_share_a_start_time_are_each_listed_once)
{
	open_store(_i);
	stock_import_usd(st, "+12085550100-09", NUMBERING_CAPABILITY_VOICE, 0, 100, 1);
	top_up(100000);
	char names[4][NUMBERING__SUBSCRIPTION_NAME_SIZE], twins[2][NUMBERING__SUBSCRIPTION_NAME_SIZE];
	for (int i = 0; i < 4; i++) {
		char number[16];
		snprintf(number, sizeof(number), "+1208555010%d", i);
		rent(number, names[i]);
	}
	/* Two copies of the third one's record, their ids before and after its own. */
	const char *id = strrchr(names[2], '/') + 1;
	for (int k = 0; k < 2; k++) {
		char twin[64];
		memset(twin, k == 0 ? 'A' : 'z', strlen(id));
		twin[strlen(id)] = '\0';
		ck_assert_int_eq(record_plant_copy(st->backend, NUMBERING__KIND_SUBSCRIPTION, P1, id, twin), NUMBERING_OK);
		snprintf(twins[k], sizeof(twins[k]), P1 "/subscriptions/%s", twin);
	}
	/* Oldest first, then by id; each walk's late rent last. */
	char late[3][NUMBERING__SUBSCRIPTION_NAME_SIZE];
	const char *order[9] = {names[0], names[1], twins[0], names[2], twins[1], names[3]};
	for (int size = 1; size <= 3; size++) {
		snprintf(late[size - 1], sizeof(late[size - 1]), "+1208555010%d", 4 + size);
		struct page_walk w;
		page_walk_run(&w, size, subscriptions_page, rent_late, late[size - 1]);
		order[5 + size] = late[size - 1];
		page_walk_check(&w, order, 6 + size, size);
	}
	/* A token of the time alone still reads where it can: no other subscription
	 * starts when the second one does, so the page after it is the tied ones' first. */
	unsigned char digest[NUMBERING__TOKEN_DIGEST_BYTES];
	crypto_generichash(digest, sizeof(digest), (const unsigned char *)P1, strlen(P1),
	                   (const unsigned char *)"subscriptions", 13);
	char token[NUMBERING__TOKEN_TEXT_MAX];
	numbering__token_make(token, st, digest, sub_int(names[1], "startTime"));
	numbering_subscription_page *page = NULL;
	ck_assert_int_eq(numbering_store_list_subscriptions(&page, st, NULL, P1, 1, token), NUMBERING_OK);
	ck_assert_str_eq(numbering_subscription_name(numbering_subscription_page_item(page, 0)), twins[0]);
	numbering_subscription_page_free(page);
	/* Of the tied time it cannot tell which were shown. */
	numbering__token_make(token, st, digest, sub_int(names[2], "startTime"));
	fixture_expect_error(numbering_store_list_subscriptions(&page, st, NULL, P1, 1, token), NUMBERING_INVALID_ARGUMENT,
	                     "page token is of an earlier version");
	ck_assert_str_eq(numbering_error_violation_field(0), "pageToken");
	ck_assert_ptr_null(page);
	close_store(_i);
}
END_TEST

/* Internal: a start with bad terms is refused and writes nothing. */
START_TEST(start_refuses_bad_terms)
{
	open_store(0);
	struct numbering__subscription_in in;
	memset(&in, 0, sizeof(in));
	in.instance = "projects/p1/phoneNumberInstances/abc";
	in.interval_months = 0;
	in.start = JAN31;
	numbering__rwlock_wrlock(&st->lock);
	ck_assert_int_eq(numbering__subscription_start(st, &in, NULL), NUMBERING_INVALID_ARGUMENT);
	in.interval_months = 121;
	ck_assert_int_eq(numbering__subscription_start(st, &in, NULL), NUMBERING_INVALID_ARGUMENT);
	in.interval_months = 1;
	in.start = 0;
	ck_assert_int_eq(numbering__subscription_start(st, &in, NULL), NUMBERING_INVALID_ARGUMENT);
	in.start = JAN31;
	in.instance = "projects/p1/x/abc";
	ck_assert_int_eq(numbering__subscription_start(st, &in, NULL), NUMBERING_INVALID_ARGUMENT);
	in.instance = "projects/p1/phoneNumberInstances/abc";
	memcpy(in.price.currency, "XXY", 4);
	ck_assert_int_eq(numbering__subscription_start(st, &in, NULL), NUMBERING_INVALID_ARGUMENT);
	memcpy(in.price.currency, "USD", 4);
	in.price.minor = INT64_MAX / 2;
	in.interval_months = 12;
	ck_assert_int_eq(numbering__subscription_start(st, &in, NULL), NUMBERING_OUT_OF_RANGE);
	/* Release and end of an instance without a subscription: nothing to do. */
	ck_assert_int_eq(numbering__subscription_release(st, in.instance, JAN31), NUMBERING_OK);
	ck_assert_int_eq(numbering__subscription_end(st, in.instance), NUMBERING_OK);
	numbering__rwlock_wrunlock(&st->lock);
	numbering_subscription_page *page = NULL;
	ck_assert_int_eq(numbering_store_list_subscriptions(&page, st, NULL, P1, 0, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_subscription_page_count(page), 0);
	numbering_subscription_page_free(page);
	close_store(0);
}
END_TEST

/* ---- JSON ---- */

/* Calls @method with @request; returns the response (static), asserting @code. */
static const char *call_json(const char *method, const char *request, int code)
{
	static char out[8192];
	char *response = NULL;
	int rc = numbering_store_call_json(&response, st, NULL, method, request);
	ck_assert_msg(rc == code, "%s %s: %s (%s)", method, request, numbering_status_name(rc), response);
	snprintf(out, sizeof(out), "%s", response ? response : "");
	numbering_free(response);
	return out;
}

START_TEST(json_methods)
{
	open_store(0);
	stock_import_usd(st, "+12085550100-09", NUMBERING_CAPABILITY_VOICE, 0, 250, 1);
	top_up(1000);
	clk = JAN31;
	char name[NUMBERING__SUBSCRIPTION_NAME_SIZE], request[512];
	rent("+12085550100", name);
	snprintf(request, sizeof(request), "{\"name\": \"%s\"}", name);
	const char *got = call_json("GetSubscription", request, NUMBERING_OK);
	if (getenv("SHOW_JSON"))
		fprintf(stderr, "%s\n", got);
	ck_assert_ptr_nonnull(strstr(got, "\"state\":\"ACTIVE\""));
	ck_assert_ptr_nonnull(strstr(got, "\"autoCharge\":true"));
	ck_assert_ptr_nonnull(strstr(got, "\"amount\":\"2.50\""));
	ck_assert_ptr_nonnull(strstr(got, "\"nextChargeDate\":\"2026-02-28T10:00:00Z\""));
	got = call_json("ListSubscriptions", "{\"parent\": \"projects/p1\", \"pageSize\": 1}", NUMBERING_OK);
	ck_assert_ptr_nonnull(strstr(got, name));
	snprintf(request, sizeof(request), "{\"name\": \"%s\", \"subscription\": {\"autoCharge\": false}}", name);
	got = call_json("UpdateSubscription", request, NUMBERING_OK);
	ck_assert_ptr_nonnull(strstr(got, "\"autoCharge\":false"));
	clk = JAN31 + 28 * DAY;
	got = call_json("RunBilling", "{}", NUMBERING_OK);
	ck_assert_str_eq(got, "{\"charged\":0,\"deactivated\":1,\"reactivated\":0,\"cancelled\":0}");
	/* Bad input names the field, and changes nothing. */
	call_json("RunBilling", "{\"now\": 1}", NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "now");
	snprintf(request, sizeof(request), "{\"name\": \"%s\", \"subscription\": {\"autoCharge\": 1}}", name);
	call_json("UpdateSubscription", request, NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "subscription.autoCharge");
	snprintf(request, sizeof(request), "{\"name\": \"%s\", \"subscription\": {}}", name);
	call_json("UpdateSubscription", request, NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "subscription.autoCharge");
	snprintf(request, sizeof(request), "{\"name\": \"%s\"}", name);
	call_json("UpdateSubscription", request, NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "subscription");
	call_json("UpdateSubscription", "{\"name\": \"x\", \"subscription\": {\"autoCharge\": true}}",
	          NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "name");
	call_json("GetSubscription", "{\"name\": 7}", NUMBERING_INVALID_ARGUMENT);
	call_json("ListSubscriptions", "{\"parent\": \"projects/p1\", \"pageSize\": \"x\"}",
	          NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "pageSize");
	ck_assert_int_eq(sub_int(name, "autoCharge"), 0);
	ck_assert_int_eq(sub_int(name, "state"), NUMBERING_SUBSCRIPTION_DEACTIVATED);
	got = call_json("GetSubscription", "{\"name\": \"projects/p1/subscriptions/none\"}", NUMBERING_NOT_FOUND);
	close_store(0);
}
END_TEST

/* ---- A random sequence, the invariant after each step ---- */

static void random_sequence(int file)
{
	open_store(file);
	stock_import_usd(st, "+12085550100-49", NUMBERING_CAPABILITY_VOICE, 0, 150, 1);
	stock_import_usd(st, "+12085550150-99", NUMBERING_CAPABILITY_VOICE, 0, 400, 3);
	unsigned seed = 13;
	char names[100][NUMBERING__SUBSCRIPTION_NAME_SIZE];
	int rented = 0;
	for (int step = 0; step < 300; step++) {
		int op = rand_r(&seed) % 6;
		if (op == 0) {
			top_up((rand_r(&seed) % 20 + 1) * 100);
		} else if (op == 1 && rented < 100) {
			char number[24];
			snprintf(number, sizeof(number), "+120855501%02d", rented);
			top_up(2000);
			rent(number, names[rented]);
			rented++;
		} else if (op == 2) {
			run();
		} else if (op == 3 && rented > 0) {
			numbering_subscription *s = get_sub(names[rand_r(&seed) % rented]);
			numbering_instance *in = NULL;
			if (numbering_store_get(&in, st, NULL, numbering_subscription_text(s, "instance")) == NUMBERING_OK &&
			    numbering_instance_lifecycle_state(in) != NUMBERING_LIFECYCLE_DELETED) {
				numbering_active_number *a = NULL;
				(void)numbering_store_release_active(&a, st, NULL, P1, numbering_instance_phone_number(in));
				numbering_active_number_free(a);
			}
			numbering_instance_free(in);
			numbering_subscription_free(s);
		} else if (op == 4) {
			clk += (rand_r(&seed) % 20) * DAY;
		} else if (op == 5 && rented > 0) {
			int on = rand_r(&seed) % 2;
			(void)numbering_store_set_subscription_auto_charge(NULL, st, NULL, names[rand_r(&seed) % rented], on);
		}
		ledger_ok();
	}
	/* Every subscription is in a state its record keeps consistent (the body check
	 * ran on every read), and none is due after a run at the same time. */
	run();
	numbering_billing_report r = run();
	billing_report_expect(r, 0, 0, 0, 0);
	close_store(file);
}

START_TEST(random_sequence_memory)
{
	random_sequence(0);
}
END_TEST

START_TEST(random_sequence_file)
{
	random_sequence(1);
}
END_TEST

/* ---- kill -9 during a run ---- */

#define KILL_NUMBERS 400

typedef char subscription_name[NUMBERING__SUBSCRIPTION_NAME_SIZE];

/* A file store (its path named after @test) in st, KILL_NUMBERS numbers rented in it
 * on JAN31 and the account topped up for 50 months of each; returns their
 * subscriptions' names (the caller frees the array). */
static subscription_name *rent_many(const char *test)
{
	fixture_temp_store_path(path, sizeof(path), test);
	clk = JAN31 - DAY;
	st = open_kind(1, 0);
	stock_import_usd(st, "+12085551000-399", NUMBERING_CAPABILITY_VOICE, 0, 100, 1);
	top_up(KILL_NUMBERS * 100 * 50);
	subscription_name *names = calloc(KILL_NUMBERS, sizeof(*names));
	ck_assert_ptr_nonnull(names);
	clk = JAN31;
	for (int i = 0; i < KILL_NUMBERS; i++) {
		char number[16];
		snprintf(number, sizeof(number), "+1208555%04d", 1000 + i);
		rent(number, names[i]);
	}
	return names;
}

START_TEST(kill_during_billing_run_loses_and_doubles_nothing)
{
	subscription_name *names = rent_many("subscription-kill");
	ledger_ok();
	numbering_store_close(st);
	unsigned seed = 7;
	int64_t periods = 1; /* every subscription has paid this many after a complete run */
	for (int round = 0; round < 12; round++) {
		clk = JAN31 + (28 + 31 * round) * DAY + 3600 * NS; /* a month (or so) later: all due */
		pid_t pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			numbering_store *child = open_kind(1, 0);
			numbering_billing_report r = NUMBERING_BILLING_REPORT_INIT;
			(void)numbering_store_run_billing(&r, child, NULL);
			_exit(0);
		}
		struct timespec pause = {0, (long)(rand_r(&seed) % 60000) * 1000};
		nanosleep(&pause, NULL);
		kill(pid, SIGKILL);
		int status = 0;
		waitpid(pid, &status, 0);
		/* Reopened: the ledger adds up, no period twice, each subscription either
		 * charged for the round's period or still due for it. */
		st = open_kind(1, 0);
		int64_t renewals = 0;
		ledger_check_store(st, P1, &renewals);
		int64_t paid_total = 0;
		for (int i = 0; i < KILL_NUMBERS; i++) {
			numbering_subscription *s = get_sub(names[i]);
			int64_t paid = numbering_subscription_int(s, "periodsPaid");
			int64_t next = numbering_subscription_int(s, "nextChargeDate");
			ck_assert_int_eq(numbering_subscription_int(s, "state"), NUMBERING_SUBSCRIPTION_ACTIVE);
			ck_assert_msg(paid == periods + 1 || (paid == periods && next <= clk), "periods %lld of %lld, next %lld",
			              (long long)paid, (long long)periods, (long long)next);
			paid_total += paid;
			numbering_subscription_free(s);
		}
		if (getenv("KILL_DEBUG"))
			fprintf(stderr, "round %d: %lld of %d charged before the kill\n", round,
			        (long long)(paid_total - KILL_NUMBERS * periods), KILL_NUMBERS);
		/* Every renewal charge is a period a subscription counts. */
		ck_assert_int_eq(renewals, paid_total - KILL_NUMBERS);
		/* Complete the round. */
		numbering_billing_report r = run();
		ck_assert_int_eq(r.deactivated, 0);
		periods++;
		numbering_store_close(st);
	}
	st = open_kind(1, 0);
	int64_t renewals = 0;
	ledger_check_store(st, P1, &renewals);
	ck_assert_int_eq(renewals, (periods - 1) * KILL_NUMBERS);
	numbering_store_close(st);
	st = NULL;
	free(names);
	unlink(path);
}
END_TEST

/* ---- Two processes running billing at the same time ---- */

/* Each round, two processes open the same file store and run billing at once: every
 * period is charged once (no charge key twice in the ledger, each subscription one
 * period further), whoever charges it. A run decides what is due by what it lists
 * inside its transaction (a file store catches up with the other process's commits at
 * a transaction's begin), since the charge keys of a record of several entries are not
 * looked up (docs/RECORDS.md). */
START_TEST(two_processes_running_billing_at_once_charge_each_period_once)
{
	subscription_name *names = rent_many("subscription-two");
	numbering_store_close(st);
	int64_t periods = 1;
	for (int round = 0; round < 4; round++) {
		clk = JAN31 + (28 + 31 * round) * DAY + 3600 * NS;
		pid_t pids[2];
		for (int c = 0; c < 2; c++) {
			pids[c] = fork();
			ck_assert_int_ge(pids[c], 0);
			if (pids[c] == 0) {
				numbering_store *child = open_kind(1, 0);
				numbering_billing_report r = NUMBERING_BILLING_REPORT_INIT;
				int rc = numbering_store_run_billing(&r, child, NULL);
				numbering_store_close(child);
				_exit(rc == NUMBERING_OK ? 0 : 1);
			}
		}
		for (int c = 0; c < 2; c++) {
			int status = 0;
			waitpid(pids[c], &status, 0);
			ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "round %d: a run failed", round);
		}
		periods++;
		st = open_kind(1, 0);
		int64_t renewals = 0;
		ledger_check_store(st, P1, &renewals);
		ck_assert_int_eq(renewals, (periods - 1) * KILL_NUMBERS);
		for (int i = 0; i < KILL_NUMBERS; i++) {
			numbering_subscription *s = get_sub(names[i]);
			ck_assert_int_eq(numbering_subscription_int(s, "periodsPaid"), periods);
			numbering_subscription_free(s);
		}
		numbering_store_close(st);
	}
	st = NULL;
	free(names);
	unlink(path);
}
END_TEST

Suite *subscription_suite(void)
{
	Suite *s = suite_create("subscription");
	TCase *tc = tcase_create("subscription");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, renewal_charges_memory);
	tcase_add_test(tc, renewal_charges_file);
	tcase_add_test(tc, auto_charge_off_memory);
	tcase_add_test(tc, auto_charge_off_file);
	tcase_add_test(tc, short_balance_memory);
	tcase_add_test(tc, short_balance_file);
	tcase_add_test(tc, grace_expiry_memory);
	tcase_add_test(tc, grace_expiry_file);
	tcase_add_test(tc, grace_period_is_an_option);
	tcase_add_test(tc, released_memory);
	tcase_add_test(tc, released_file);
	tcase_add_test(tc, free_numbers_renew_without_entries);
	tcase_add_test(tc, get_list_and_update_check_their_input);
	tcase_add_loop_test(tc, subscriptions_that_share_a_start_time_are_each_listed_once, 0, 2);
	tcase_add_test(tc, start_refuses_bad_terms);
	tcase_add_test(tc, json_methods);
	tcase_add_test(tc, random_sequence_memory);
	tcase_add_test(tc, random_sequence_file);
	tcase_add_test(tc, kill_during_billing_run_loses_and_doubles_nothing);
	tcase_add_test(tc, two_processes_running_billing_at_once_charge_each_period_once);
	suite_add_tcase(s, tc);
	return s;
}
