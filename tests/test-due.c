/* DUE buckets (service/billing-due.h): a renewal charge writes no SUBSCRIPTION record.
 * Charges over many months read back as the record-managed layout gives them (every
 * reader: GetSubscription, ListSubscriptions, the Sinch and the Voximplant views);
 * the writers (autoCharge, release, deactivation, cancellation, reactivation) take a
 * subscription out of its bucket; a store of record-managed subscriptions migrates by
 * itself; two runs at one time charge once; a damaged DUE body is DATA_LOSS naming its
 * field. Each case on the memory and the file backend. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <numbering/sys/file.h>

#include "model/kinds.h"
#include "model/validate.h"
#include "service/backend-call.h"
#include "service/billing-due.h"
#include "service/service.h"
#include "service/subscription-record.h"
#include "ledger-invariant.h"
#include "rent-setup.h"
#include "store-fixture.h"
#include "stored-records.h"
#include "suites.h"

#define NS INT64_C(1000000000)
#define DAY (86400 * NS)
#define P1 "projects/p1"
/* 2026-01-31T10:00:00Z */
#define JAN31 (INT64_C(1769853600) * NS)

static int64_t clk;
static numbering_store *st;
static char path[256];
static int sync_off; /* a file store that never syncs (thousands of rents) */

static numbering_store *open_kind(int file)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.clock = fixture_still;
	options.clock_payload = &clk;
	if (file) {
		numbering_backend *backend = NULL;
		numbering_file_options fo = NUMBERING_FILE_OPTIONS_INIT;
		fo.sync_mode = NUMBERING_FILE_SYNC_OFF;
		ck_assert_int_eq(numbering_file_backend_new(&backend, path, sync_off ? &fo : NULL), NUMBERING_OK);
		options.backend = backend;
	}
	numbering_store *store = NULL;
	ck_assert_msg(numbering_store_open(&store, &options) == NUMBERING_OK, "open: %s", numbering_error_message());
	return store;
}

static void open_store(int file)
{
	clk = JAN31 - DAY;
	if (file)
		fixture_temp_store_path(path, sizeof(path), "due");
	st = open_kind(file);
}

static void reopen(int file)
{
	if (!file)
		return;
	numbering_store_close(st);
	st = open_kind(1);
}

static void close_store(int file)
{
	numbering_store_close(st);
	st = NULL;
	if (file)
		unlink(path);
}

static int64_t ledger_ok(void)
{
	int64_t balance = 0;
	ledger_check(st, NULL, P1, 0, &balance);
	return balance;
}

static void top_up(int64_t minor)
{
	numbering_billing_entry *e = NULL;
	int rc = numbering_store_adjust_billing_account(&e, st, NULL, P1, "USD", minor, "top-up", NULL);
	ck_assert_msg(rc == NUMBERING_OK, "top-up: %s", numbering_error_message());
	numbering_billing_entry_free(e);
}

/* Rents @number into P1 (a rent starts its subscription): its name into @name. */
static void rent(const char *number, char name[NUMBERING__SUBSCRIPTION_NAME_SIZE])
{
	numbering_active_number *a = NULL;
	int rc = numbering_store_rent(&a, st, NULL, P1, number, NULL);
	ck_assert_msg(rc == NUMBERING_OK, "rent %s: %s", number, numbering_error_message());
	ck_assert_int_eq(numbering__subscription_name(name, numbering_instance_name(numbering_active_number_instance(a))),
	                 NUMBERING_OK);
	numbering_active_number_free(a);
}

static numbering_billing_report run(void)
{
	numbering_billing_report r = billing_run(st);
	ledger_ok();
	return r;
}

static int64_t sub_int(const char *name, const char *attribute)
{
	numbering_subscription *s = NULL;
	int rc = numbering_store_get_subscription(&s, st, NULL, name);
	ck_assert_msg(rc == NUMBERING_OK, "get %s: %s", name, numbering_error_message());
	int64_t v = numbering_subscription_int(s, attribute);
	numbering_subscription_free(s);
	return v;
}

/* The SUBSCRIPTION record of @name as stored: *bucket its dueBucket, *expires its key. */
struct raw_visit {
	int bucket;
	int64_t expires, periods;
};

static int raw_visit(const numbering_record *record, void *payload)
{
	struct raw_visit *v = payload;
	struct numbering_subscription s;
	memset(&s, 0, sizeof(s));
	numbering__subscription_clear(&s);
	ck_assert_int_eq(numbering__subscription_read(&s, record), NUMBERING_OK);
	v->bucket = s.f.due_bucket;
	v->periods = s.f.periods_paid;
	v->expires = record->expires;
	numbering__subscription_clear(&s);
	return 0;
}

static struct raw_visit raw(const char *name)
{
	struct raw_visit v = {0, 0, 0};
	unsigned slot = numbering__rwlock_rdlock(&st->lock);
	ck_assert_int_eq(numbering__backend_get_record(st, NUMBERING__KIND_SUBSCRIPTION, name, raw_visit, &v),
	                 NUMBERING_OK);
	numbering__rwlock_rdunlock(&st->lock, slot);
	return v;
}

static int count_visit(const numbering_record *record, void *payload)
{
	ck_assert_int_eq(numbering_record_check(record), NUMBERING_OK); /* every bucket passes its check */
	(*(int64_t *)payload)++;
	return 0;
}

/* How many DUE records P1 has. */
static int64_t buckets(void)
{
	int64_t n = 0;
	stored_list(st, NUMBERING__KIND_DUE, P1, NUMBERING_RECORD_ORDER_DESCENDING, count_visit, &n);
	return n;
}

/* ---- Charges over many months read as the record-managed layout gives them ---- */

#define SUBS 4
static const char *const numbers[SUBS] = {"+12085550100", "+12085550101", "+12085550200", "+12085550300"};

/* What the subscription started at @start, @interval months a period, has paid after
 * runs up to @now: every period starting at or before it, each computed from the start. */
static int64_t expect_periods(int64_t start, int interval, int64_t now)
{
	int64_t p = 1;
	while (numbering__add_months(start, (int)(p * interval)) <= now)
		p++;
	return p;
}

/* The Voximplant view's next renewal of @number: by the query's own join (order by
 * next renewal, every number) and by the item (the number alone). */
static int64_t vox_next_renewal(const char *number)
{
	numbering_phone_query q;
	ck_assert_int_eq(numbering_phone_query_init(&q), NUMBERING_OK);
	q.order_by = NUMBERING_PHONE_ORDER_PHONE_NEXT_RENEWAL;
	numbering_phone_page *page = NULL;
	ck_assert_int_eq(numbering_store_list_phones(&page, st, NULL, P1, &q), NUMBERING_OK);
	int64_t from_order = -1, last = INT64_MIN;
	for (int i = 0; i < numbering_phone_page_count(page); i++) {
		const numbering_phone_info *it = numbering_phone_page_item(page, i);
		int64_t t = it->phone_next_renewal != 0 ? it->phone_next_renewal : INT64_MAX;
		ck_assert_msg(t >= last, "GetPhoneNumbers by next renewal is out of order");
		last = t;
		if (strcmp(it->phone_number, number) == 0)
			from_order = it->phone_next_renewal;
	}
	numbering_phone_page_free(page);
	/* Its own range filter finds it by the same date. */
	q.from_phone_next_renewal = from_order;
	q.to_phone_next_renewal = from_order;
	ck_assert_int_eq(numbering_store_list_phones(&page, st, NULL, P1, &q), NUMBERING_OK);
	int seen = 0;
	for (int i = 0; i < numbering_phone_page_count(page); i++)
		seen += strcmp(numbering_phone_page_item(page, i)->phone_number, number) == 0;
	numbering_phone_page_free(page);
	ck_assert_msg(seen == 1, "GetPhoneNumbers' next renewal filter misses %s", number);
	return from_order;
}

static void many_months_read_as_before(int file)
{
	open_store(file);
	stock_import_usd(st, "+12085550100-09", NUMBERING_CAPABILITY_VOICE, 0, 200, 1);
	stock_import_usd(st, "+12085550200-09", NUMBERING_CAPABILITY_VOICE, 0, 300, 2);
	stock_import_usd(st, "+12085550300-09", NUMBERING_CAPABILITY_VOICE, 0, 100, 3);
	top_up(1000000);
	char names[SUBS][NUMBERING__SUBSCRIPTION_NAME_SIZE];
	int64_t starts[SUBS];
	int intervals[SUBS] = {1, 1, 2, 3};
	for (int i = 0; i < SUBS; i++) {
		clk = JAN31 + i * 3600 * NS; /* the 31st: each period's day is clamped, from the start */
		rent(numbers[i], names[i]);
		starts[i] = sub_int(names[i], "startTime");
	}
	int64_t balance = ledger_ok(), spent = 0;
	/* A run every 9 to 40 days over 30 months, reads between them. */
	int64_t now = JAN31;
	for (int step = 0; step < 40; step++) {
		now += (9 + (step * 7) % 32) * DAY;
		clk = now;
		numbering_billing_report r = run();
		ck_assert_int_eq(r.deactivated + r.reactivated + r.cancelled, 0);
		if (step % 7 == 3)
			reopen(file);
		for (int i = 0; i < SUBS; i++) {
			int64_t periods = expect_periods(starts[i], intervals[i], now);
			int64_t next = numbering__add_months(starts[i], (int)(periods * intervals[i]));
			ck_assert_int_eq(sub_int(names[i], "periodsPaid"), periods);
			ck_assert_int_eq(sub_int(names[i], "nextChargeDate"), next);
			ck_assert_int_eq(sub_int(names[i], "expireAt"), 0);
			/* The Sinch view. */
			numbering_active_number *a = NULL;
			ck_assert_int_eq(numbering_store_get_active(&a, st, NULL, P1, numbers[i]), NUMBERING_OK);
			ck_assert_int_eq(numbering_active_number_int(a, "nextChargeDate"), next);
			ck_assert_int_eq(numbering_active_number_int(a, "expireAt"), 0);
			numbering_active_number_free(a);
			if (step % 5 == 0)
				ck_assert_int_eq(vox_next_renewal(numbers[i]), next);
			/* Charged once (the first renewal, record-managed): bucket-managed since. */
			struct raw_visit v = raw(names[i]);
			ck_assert_int_eq(v.bucket, periods > 1);
			if (v.bucket) {
				ck_assert_int_eq(v.expires, 0);
				ck_assert_int_le(v.periods, periods);
			}
		}
		/* ListSubscriptions: the same periods. */
		numbering_subscription_page *page = NULL;
		ck_assert_int_eq(numbering_store_list_subscriptions(&page, st, NULL, P1, 0, NULL), NUMBERING_OK);
		ck_assert_int_eq(numbering_subscription_page_count(page), SUBS);
		for (int k = 0; k < SUBS; k++) {
			const numbering_subscription *s = numbering_subscription_page_item(page, k);
			for (int i = 0; i < SUBS; i++)
				if (strcmp(numbering_subscription_name(s), names[i]) == 0)
					ck_assert_int_eq(numbering_subscription_int(s, "periodsPaid"),
					                 expect_periods(starts[i], intervals[i], now));
		}
		numbering_subscription_page_free(page);
		/* A second run at the same time charges nothing. */
		billing_report_expect(run(), 0, 0, 0, 0);
	}
	/* The ledger: every period after the first, each once. */
	int64_t prices[SUBS] = {200, 200, 300, 100};
	for (int i = 0; i < SUBS; i++)
		spent += (expect_periods(starts[i], intervals[i], now) - 1) * prices[i] * intervals[i];
	ck_assert_int_eq(ledger_ok(), balance - spent);
	ck_assert_int_gt(buckets(), 0);
	close_store(file);
}

START_TEST(many_months_memory)
{
	many_months_read_as_before(0);
}
END_TEST

START_TEST(many_months_file)
{
	many_months_read_as_before(1);
}
END_TEST

/* ---- Writers take a subscription out of its bucket ---- */

/* Rents one number at JAN31 and renews it once (Feb 28): bucket-managed, due Mar 31. */
static void bucket_managed(const char *number, char name[NUMBERING__SUBSCRIPTION_NAME_SIZE], int64_t money)
{
	stock_import_usd(st, "+12085550100-09", NUMBERING_CAPABILITY_VOICE, 0, 200, 1);
	top_up(money);
	clk = JAN31;
	rent(number, name);
	clk = JAN31 + 28 * DAY;
	billing_report_expect(run(), 1, 0, 0, 0);
	ck_assert_int_eq(raw(name).bucket, 1);
	ck_assert_int_eq(buckets(), 1);
	clk = JAN31 + 30 * DAY;
	billing_report_expect(run(), 0, 0, 0, 0); /* charged in the bucket: nothing due */
	clk = JAN31 + 59 * DAY;            /* Mar 31: charged from the bucket */
	billing_report_expect(run(), 1, 0, 0, 0);
	ck_assert_int_eq(raw(name).bucket, 1);
	ck_assert_int_eq(raw(name).periods, 2); /* the record still says p0 */
	ck_assert_int_eq(sub_int(name, "periodsPaid"), 3);
	ck_assert_int_eq(buckets(), 1);
}

static void writers(int file)
{
	/* autoCharge off: out of its bucket, record-managed, deactivated at its date. */
	open_store(file);
	char name[NUMBERING__SUBSCRIPTION_NAME_SIZE];
	bucket_managed("+12085550100", name, 10000);
	int64_t next = sub_int(name, "nextChargeDate"), balance = ledger_ok();
	ck_assert_int_eq(next, JAN31 + 89 * DAY); /* Apr 30 */
	ck_assert_int_eq(numbering_store_set_subscription_auto_charge(NULL, st, NULL, name, 0), NUMBERING_OK);
	struct raw_visit v = raw(name);
	ck_assert_int_eq(v.bucket, 0);
	ck_assert_int_eq(v.periods, 3);
	ck_assert_int_eq(v.expires, next);
	ck_assert_int_eq(buckets(), 0);
	ck_assert_int_eq(sub_int(name, "nextChargeDate"), next);
	reopen(file);
	clk = next;
	billing_report_expect(run(), 0, 1, 0, 0);
	ck_assert_int_eq(sub_int(name, "state"), NUMBERING_SUBSCRIPTION_DEACTIVATED);
	/* autoCharge on: reactivated and charged, into a bucket again. */
	ck_assert_int_eq(numbering_store_set_subscription_auto_charge(NULL, st, NULL, name, 1), NUMBERING_OK);
	billing_report_expect(run(), 1, 0, 1, 0);
	ck_assert_int_eq(ledger_ok(), balance - 200);
	ck_assert_int_eq(raw(name).bucket, 1);
	ck_assert_int_eq(sub_int(name, "periodsPaid"), 4);
	ck_assert_int_eq(sub_int(name, "state"), NUMBERING_SUBSCRIPTION_ACTIVE);
	/* Released: out of its bucket, not renewed, ends at its next charge date. */
	next = sub_int(name, "nextChargeDate");
	numbering_active_number *a = NULL;
	ck_assert_int_eq(numbering_store_release_active(&a, st, NULL, P1, "+12085550100"), NUMBERING_OK);
	ck_assert_int_eq(numbering_active_number_int(a, "expireAt"), next);
	numbering_active_number_free(a);
	ck_assert_int_eq(raw(name).bucket, 0);
	ck_assert_int_eq(buckets(), 0);
	ck_assert_int_eq(sub_int(name, "expireAt"), next);
	ck_assert_int_eq(sub_int(name, "periodsPaid"), 4);
	balance = ledger_ok();
	clk = next + DAY;
	billing_report_expect(run(), 0, 0, 0, 0);
	ck_assert_int_eq(ledger_ok(), balance);
	ck_assert_int_eq(sub_int(name, "state"), NUMBERING_SUBSCRIPTION_CANCELLED);
	close_store(file);

	/* Cannot pay: out of its bucket, deactivated (SUSPENDED); a top-up reactivates it
	 * and charges what it owes; deactivated past the grace period: cancelled. */
	open_store(file);
	bucket_managed("+12085550101", name, 600); /* the rent and two renewals: 0 left */
	ck_assert_int_eq(ledger_ok(), 0);
	clk = JAN31 + 89 * DAY;
	billing_report_expect(run(), 0, 1, 0, 0);
	v = raw(name);
	ck_assert_int_eq(v.bucket, 0);
	ck_assert_int_eq(v.periods, 3);
	ck_assert_int_eq(buckets(), 0);
	ck_assert_int_eq(sub_int(name, "state"), NUMBERING_SUBSCRIPTION_DEACTIVATED);
	numbering_subscription *sub = NULL;
	numbering_instance *in = NULL;
	ck_assert_int_eq(numbering_store_get_subscription(&sub, st, NULL, name), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_get(&in, st, NULL, numbering_subscription_text(sub, "instance")), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_lifecycle_state(in), NUMBERING_LIFECYCLE_SUSPENDED);
	numbering_instance_free(in);
	numbering_subscription_free(sub);
	top_up(400);
	clk += 32 * DAY; /* Jun 1: Apr 30 and May 31 owed */
	billing_report_expect(run(), 2, 0, 1, 0);
	ck_assert_int_eq(ledger_ok(), 0);
	ck_assert_int_eq(sub_int(name, "periodsPaid"), 5);
	ck_assert_int_eq(raw(name).bucket, 1);
	/* Short again at Jun 30, past the grace period at Jul 30: cancelled. */
	clk = JAN31 + 150 * DAY;
	billing_report_expect(run(), 0, 1, 0, 0);
	clk += 30 * DAY;
	billing_report_expect(run(), 0, 0, 0, 1);
	ck_assert_int_eq(sub_int(name, "state"), NUMBERING_SUBSCRIPTION_CANCELLED);
	ck_assert_int_eq(buckets(), 0);
	close_store(file);

	/* The Voximplant deactivation of a bucket-managed number: cancelled, out of its bucket. */
	open_store(file);
	bucket_managed("+12085550102", name, 10000);
	int64_t deactivated = 0;
	const char *list[] = {"+12085550102"};
	ck_assert_int_eq(numbering_store_deactivate_phone_numbers(&deactivated, st, NULL, P1, NULL, 0, 0, list, 1),
	                 NUMBERING_OK);
	ck_assert_int_eq(deactivated, 1);
	ck_assert_int_eq(raw(name).bucket, 0);
	ck_assert_int_eq(buckets(), 0);
	ck_assert_int_eq(sub_int(name, "periodsPaid"), 3);
	clk = JAN31 + 400 * DAY;
	billing_report_expect(run(), 0, 0, 0, 0);
	close_store(file);
}

START_TEST(writers_memory)
{
	writers(0);
}
END_TEST

START_TEST(writers_file)
{
	writers(1);
}
END_TEST

/* ---- A reader whose clock is behind the writer's ---- */

/* A read-only store in another handle (as another process holds it), its clock fixed
 * before every renewal the writer's runs charge: it reads the subscription as the
 * writer does, not as damage (its bound on the runs it may not have seen is the store's
 * last time as committed, which it follows, not its own clock). */
START_TEST(reader_clock_behind)
{
	open_store(1);
	char name[NUMBERING__SUBSCRIPTION_NAME_SIZE];
	int64_t behind = JAN31 - DAY;
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.clock = fixture_still;
	options.clock_payload = &behind;
	options.backend = fixture_file_backend(path, 1);
	numbering_store *reader = NULL;
	ck_assert_msg(numbering_store_open(&reader, &options) == NUMBERING_OK, "open: %s", numbering_error_message());
	bucket_managed("+12085550100", name, 10000); /* renewed at Feb 28 and Mar 31: due Apr 30 */
	for (int i = 0; i < 2; i++) {
		numbering_subscription *s = NULL;
		int rc = numbering_store_get_subscription(&s, reader, NULL, name);
		ck_assert_msg(rc == NUMBERING_OK, "the reader's get: %s", numbering_error_message());
		ck_assert_int_eq(numbering_subscription_int(s, "periodsPaid"), 3 + i);
		ck_assert_int_eq(numbering_subscription_int(s, "nextChargeDate"), i ? JAN31 + 120 * DAY : JAN31 + 89 * DAY);
		numbering_subscription_free(s);
		numbering_subscription_page *page = NULL;
		rc = numbering_store_list_subscriptions(&page, reader, NULL, P1, 0, NULL);
		ck_assert_msg(rc == NUMBERING_OK, "the reader's list: %s", numbering_error_message());
		ck_assert_int_eq(numbering_subscription_page_count(page), 1);
		ck_assert_int_eq(numbering_subscription_int(numbering_subscription_page_item(page, 0), "periodsPaid"), 3 + i);
		numbering_subscription_page_free(page);
		/* Once more after another renewal (Apr 30), the reader's clock still behind. */
		if (i == 0) {
			clk = JAN31 + 89 * DAY;
			billing_report_expect(run(), 1, 0, 0, 0);
			ck_assert_int_eq(sub_int(name, "periodsPaid"), 4);
		}
	}
	numbering_store_close(reader);
	close_store(1);
}
END_TEST

/* ---- A store of record-managed subscriptions migrates by itself ---- */

START_TEST(record_managed_migrate)
{
	/* The previous release's store: subscriptions written record-managed (what every
	 * purchase and rent still writes), renewed by a run of this one: charged from the
	 * record once, into buckets, then from the buckets; read back after a reopen. */
	open_store(1);
	stock_import_usd(st, "+12085550100-09", NUMBERING_CAPABILITY_VOICE, 0, 200, 1);
	top_up(100000);
	char names[5][NUMBERING__SUBSCRIPTION_NAME_SIZE];
	static const char *const nums[5] = {"+12085550100", "+12085550101", "+12085550102", "+12085550103",
	                                    "+12085550104"};
	for (int i = 0; i < 5; i++) {
		clk = JAN31 + i * DAY;
		rent(nums[i], names[i]);
		ck_assert_int_eq(raw(names[i]).bucket, 0);
		ck_assert_int_ne(raw(names[i]).expires, 0);
	}
	ck_assert_int_eq(buckets(), 0);
	reopen(1);
	clk = JAN31 + 70 * DAY; /* Apr 11: two periods of each */
	billing_report_expect(run(), 10, 0, 0, 0);
	for (int i = 0; i < 5; i++) {
		ck_assert_int_eq(raw(names[i]).bucket, 1);
		ck_assert_int_eq(sub_int(names[i], "periodsPaid"), 3);
	}
	reopen(1);
	clk = JAN31 + 100 * DAY;
	billing_report_expect(run(), 5, 0, 0, 0);
	reopen(1);
	for (int i = 0; i < 5; i++) {
		ck_assert_int_eq(sub_int(names[i], "periodsPaid"), 4);
		ck_assert_int_eq(raw(names[i]).periods, 3);
	}
	ck_assert_int_eq(ledger_ok(), 100000 - 5 * 4 * 200);
	close_store(1);
}
END_TEST

/* ---- Two runs at one time ---- */

static void *run_thread(void *payload)
{
	numbering_billing_report *r = payload;
	int rc = numbering_store_run_billing(r, st, NULL);
	return (void *)(intptr_t)rc;
}

static void two_runs(int file)
{
	open_store(file);
	stock_import_usd(st, "+12085550100-09", NUMBERING_CAPABILITY_VOICE, 0, 200, 1);
	top_up(1000000);
	char name[NUMBERING__SUBSCRIPTION_NAME_SIZE];
	for (int i = 0; i < 10; i++) {
		char number[16];
		snprintf(number, sizeof(number), "+1208555010%d", i);
		clk = JAN31 + i * 3 * DAY;
		rent(number, name);
	}
	int64_t balance = ledger_ok();
	for (int round = 1; round <= 4; round++) {
		clk = JAN31 + round * 31 * DAY + 30 * DAY;
		numbering_billing_report r1 = NUMBERING_BILLING_REPORT_INIT, r2 = NUMBERING_BILLING_REPORT_INIT;
		pthread_t t1, t2;
		ck_assert_int_eq(pthread_create(&t1, NULL, run_thread, &r1), 0);
		ck_assert_int_eq(pthread_create(&t2, NULL, run_thread, &r2), 0);
		void *rc1 = NULL, *rc2 = NULL;
		pthread_join(t1, &rc1);
		pthread_join(t2, &rc2);
		ck_assert_int_eq((intptr_t)rc1, NUMBERING_OK);
		ck_assert_int_eq((intptr_t)rc2, NUMBERING_OK);
		int64_t charged = r1.charged + r2.charged, paid = 0;
		for (int i = 0; i < 10; i++)
			paid += expect_periods(JAN31 + i * 3 * DAY, 1, clk) - 1;
		ck_assert_int_eq(ledger_ok(), balance - paid * 200);
		ck_assert_int_gt(charged, 0);
		billing_report_expect(run(), 0, 0, 0, 0);
	}
	close_store(file);
}

START_TEST(two_runs_memory)
{
	two_runs(0);
}
END_TEST

START_TEST(two_runs_file)
{
	two_runs(1);
}
END_TEST

/* ---- Damaged bodies ---- */

struct copy_visit {
	numbering_record r;
	char name[NUMBERING__DUE_NAME_SIZE], parent[NUMBERING__PROJECT_SIZE];
	uint8_t body[4096];
};

static int copy_visit(const numbering_record *record, void *payload)
{
	struct copy_visit *c = payload;
	c->r = *record;
	snprintf(c->name, sizeof(c->name), "%s", record->name);
	snprintf(c->parent, sizeof(c->parent), "%s", record->parent);
	ck_assert_uint_le(record->body_len, sizeof(c->body));
	memcpy(c->body, record->body, record->body_len);
	c->r.name = c->name;
	c->r.parent = c->parent;
	c->r.body = c->body;
	return NUMBERING__VISIT_STOP;
}

static int64_t get_i64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return (int64_t)v;
}

/* @c's record with @body_len bytes of @body fails its check with DATA_LOSS naming @field. */
static void expect_damage(const struct copy_visit *c, const uint8_t *body, size_t body_len, int64_t expires,
                          const char *field)
{
	numbering_record r = c->r;
	r.body = body;
	r.body_len = body_len;
	r.expires = expires;
	int rc = numbering_record_check(&r);
	ck_assert_msg(rc == NUMBERING_DATA_LOSS, "a damaged body (%s) passed: %s", field, numbering_error_message());
	ck_assert_msg(strstr(numbering_error_message(), field) != NULL, "'%s' not in: %s", field,
	              numbering_error_message());
}

START_TEST(damaged_bodies)
{
	open_store(0);
	stock_import_usd(st, "+12085550100-09", NUMBERING_CAPABILITY_VOICE, 0, 200, 1);
	top_up(100000);
	char a[NUMBERING__SUBSCRIPTION_NAME_SIZE], b[NUMBERING__SUBSCRIPTION_NAME_SIZE];
	clk = JAN31;
	rent("+12085550100", a);
	rent("+12085550101", b);
	clk = JAN31 + 28 * DAY + 3600 * NS; /* the second rent's time is a little after the first's */
	billing_report_expect(run(), 2, 0, 0, 0);
	static struct copy_visit c;
	stored_list(st, NUMBERING__KIND_DUE, P1, NUMBERING_RECORD_ORDER_DESCENDING, copy_visit, &c);
	ck_assert_int_eq(numbering_record_check(&c.r), NUMBERING_OK);
	const size_t len = c.r.body_len;
	/* Two items: version, count, 2 offsets, then the items (id length at 13). */
	ck_assert_uint_gt(len, 13 + 2 * 34);
	uint8_t m[4096];
	/* Cut anywhere: damaged. */
	for (size_t cut = 0; cut < len; cut++) {
		memcpy(m, c.body, len);
		numbering_record r = c.r;
		r.body = m;
		r.body_len = cut;
		ck_assert_int_eq(numbering_record_check(&r), NUMBERING_DATA_LOSS);
	}
	/* Each field mutated: DATA_LOSS naming it. */
	size_t item0 = 13, id_len = c.body[item0], fixed = item0 + 1 + id_len;
	size_t item1 = fixed + 32;
	ck_assert_int_eq(c.body[item1], id_len);
	/* The expiry key the mutated body's due times give (so that the check goes past it). */
#define EARLIEST(b)                                                                                                    \
	(get_i64((b) + fixed + 4) < get_i64((b) + item1 + 1 + id_len + 4) ? get_i64((b) + fixed + 4)                   \
	                                                                   : get_i64((b) + item1 + 1 + id_len + 4))
#define MUTATE(at, value, field)                                                                                      \
	do {                                                                                                           \
		memcpy(m, c.body, len);                                                                                \
		m[at] = (uint8_t)(value);                                                                              \
		expect_damage(&c, m, len, EARLIEST(m), field);                                                         \
	} while (0)
	MUTATE(0, 2, "version");
	MUTATE(1, 200, "count");
	MUTATE(5, c.body[5] + 1, "offsets");
	MUTATE(item0 + 1, 'A', "id");
	MUTATE(item0 + 1 + id_len - 1, '-', "id");
	MUTATE(fixed, 0, "periodsPaid"); /* periods 2 -> 0 */
	MUTATE(fixed + 3, 0x80, "periodsPaid");
	MUTATE(fixed + 4 + 7, 0x7f, "nextDue");
	MUTATE(fixed + 4 + 6, c.body[fixed + 4 + 6] ^ 1, "nextDue"); /* another day (2^48 ns: 3 days) */
	MUTATE(fixed + 4 + 1, c.body[fixed + 4 + 1] ^ 1, "nextDue"); /* the same day, not its period's start */
	memcpy(m, c.body, len);
	memset(m + fixed + 12, 0, 8); /* no start */
	expect_damage(&c, m, len, c.r.expires, "startTime");
	MUTATE(fixed + 20 + 7, 0x80, "monthlyPrice");
	MUTATE(fixed + 28, 'u', "currency");
	MUTATE(fixed + 31, 0, "paymentIntervalMonths");
	MUTATE(fixed + 31, 121, "paymentIntervalMonths");
	/* The second item's id before the first's: out of order. */
	memcpy(m, c.body, len);
	memcpy(m + item0 + 1, c.body + item1 + 1, id_len);
	memcpy(m + item1 + 1, c.body + item0 + 1, id_len);
	expect_damage(&c, m, len, c.r.expires, "id");
	/* A byte more, an expiry key that is not the earliest due. */
	memcpy(m, c.body, len);
	m[len] = 0;
	expect_damage(&c, m, len + 1, c.r.expires, "items");
	expect_damage(&c, c.body, len, c.r.expires + 1, "expires");
	/* A name or a sort key that is not the bucket's day. */
	numbering_record r = c.r;
	r.sort_key++;
	ck_assert_int_eq(numbering_record_check(&r), NUMBERING_DATA_LOSS);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "name"));
	/* A reader meeting a damaged bucket says so; so does the run. */
	numbering__rwlock_wrlock(&st->lock);
	ck_assert_int_eq(numbering__begin(st), NUMBERING_OK);
	memcpy(m, c.body, len);
	m[fixed + 31] = 0;
	r = c.r;
	r.body = m;
	ck_assert_int_eq(numbering__backend_put_record(st, &r), NUMBERING_OK);
	ck_assert_int_eq(numbering__commit(st), NUMBERING_OK);
	numbering__rwlock_wrunlock(&st->lock);
	/* The first item's subscription (the ids are random: a's or b's). */
	char first[NUMBERING__SUBSCRIPTION_NAME_SIZE];
	snprintf(first, sizeof(first), P1 "/subscriptions/%.*s", (int)id_len, (const char *)c.body + item0 + 1);
	ck_assert_msg(strcmp(first, a) == 0 || strcmp(first, b) == 0, "%s is neither %s nor %s", first, a, b);
	numbering_subscription *s = NULL;
	fixture_expect_error(numbering_store_get_subscription(&s, st, NULL, first), NUMBERING_DATA_LOSS,
	                     "paymentIntervalMonths");
	clk = JAN31 + 200 * DAY;
	numbering_billing_report rep = NUMBERING_BILLING_REPORT_INIT;
	fixture_expect_error(numbering_store_run_billing(&rep, st, NULL), NUMBERING_DATA_LOSS, "paymentIntervalMonths");
	/* A bucket-managed subscription no bucket holds. */
	numbering__rwlock_wrlock(&st->lock);
	ck_assert_int_eq(numbering__begin(st), NUMBERING_OK);
	ck_assert_int_eq(numbering__backend_remove_record(st, NUMBERING__KIND_DUE, c.name), NUMBERING_OK);
	ck_assert_int_eq(numbering__commit(st), NUMBERING_OK);
	numbering__rwlock_wrunlock(&st->lock);
	fixture_expect_error(numbering_store_get_subscription(&s, st, NULL, strcmp(first, a) == 0 ? b : a),
	                     NUMBERING_DATA_LOSS, "no billing due");
	close_store(0);
}
END_TEST

/* ---- A day with more items than a bucket keeps: shards ---- */

#define MANY (3 * NUMBERING__DUE_SHARD_ITEMS + 200)

/* P1's DUE records: directories, shards (or whole days' buckets), their items, the most
 * one holds, the days they are of; each passes its check. */
struct layout {
	int64_t directories, buckets, items, most, days[4];
	int ndays;
	uint32_t shards; /* a directory's */
};

static int layout_visit(const numbering_record *record, void *payload)
{
	struct layout *l = payload;
	ck_assert_msg(numbering_record_check(record) == NUMBERING_OK, "%s: %s", record->name, numbering_error_message());
	const uint8_t *body = record->body;
	int64_t day = numbering__due_key_day(record->sort_key);
	int known = 0;
	for (int i = 0; i < l->ndays; i++)
		known |= l->days[i] == day;
	if (!known && l->ndays < 4)
		l->days[l->ndays++] = day;
	uint32_t n = (uint32_t)body[1] | (uint32_t)body[2] << 8 | (uint32_t)body[3] << 16 | (uint32_t)body[4] << 24;
	if (body[0] == 2) {
		l->directories++;
		l->shards = n;
		return 0;
	}
	l->buckets++;
	l->items += n;
	if (n > l->most)
		l->most = n;
	return 0;
}

static struct layout layout(void)
{
	struct layout l;
	memset(&l, 0, sizeof(l));
	stored_list(st, NUMBERING__KIND_DUE, P1, NUMBERING_RECORD_ORDER_DESCENDING, layout_visit, &l);
	return l;
}

/* Every subscription of P1 by ListSubscriptions, pages of 1000: each active one
 * (@skip aside) paid @periods, next due the start of period @periods. */
static void expect_all(int64_t count, int64_t periods, const char *skip1, const char *skip2)
{
	char token[256] = "";
	int64_t seen = 0;
	do {
		numbering_subscription_page *page = NULL;
		int rc = numbering_store_list_subscriptions(&page, st, NULL, P1, 1000, token);
		ck_assert_msg(rc == NUMBERING_OK, "list: %s", numbering_error_message());
		for (int i = 0; i < numbering_subscription_page_count(page); i++) {
			const numbering_subscription *s = numbering_subscription_page_item(page, i);
			seen++;
			if (strcmp(numbering_subscription_name(s), skip1) == 0 || strcmp(numbering_subscription_name(s), skip2) == 0)
				continue;
			/* No ck_assert a subscription: each one is a message to Check's parent. */
			int64_t start = numbering_subscription_int(s, "startTime");
			if (numbering_subscription_int(s, "periodsPaid") != periods ||
			    numbering_subscription_int(s, "nextChargeDate") != numbering__add_months(start, (int)periods))
				ck_abort_msg("%s: periods paid %lld, next due %lld, want %lld", numbering_subscription_name(s),
				             (long long)numbering_subscription_int(s, "periodsPaid"),
				             (long long)numbering_subscription_int(s, "nextChargeDate"), (long long)periods);
		}
		snprintf(token, sizeof(token), "%s", numbering_subscription_page_next_token(page));
		numbering_subscription_page_free(page);
	} while (token[0] != '\0');
	ck_assert_int_eq(seen, count);
}

/* The gets of DUE records the store's backend answers while counted (its get swapped). */
static int (*real_get)(numbering_backend *, int, const char *, numbering_record_visit_cb, void *);
static int64_t due_gets;

static int counting_get(numbering_backend *backend, int kind, const char *name, numbering_record_visit_cb visit,
                        void *payload)
{
	due_gets += kind == NUMBERING__KIND_DUE;
	return real_get(backend, kind, name, visit, payload);
}

/* The gets of DUE records one ListSubscriptions page of @size makes. */
static int64_t page_gets(int size)
{
	numbering_subscription_page *page = NULL;
	real_get = st->backend->get;
	st->backend->get = counting_get;
	due_gets = 0;
	int rc = numbering_store_list_subscriptions(&page, st, NULL, P1, size, NULL);
	st->backend->get = real_get;
	ck_assert_int_eq(rc, NUMBERING_OK);
	ck_assert_int_eq(numbering_subscription_page_count(page), size);
	numbering_subscription_page_free(page);
	return due_gets;
}

/* A copy of the first DUE record of P1 whose body starts with @version. */
struct big_copy {
	numbering_record r;
	int version;
	char name[NUMBERING__DUE_NAME_SIZE], parent[NUMBERING__PROJECT_SIZE];
	uint8_t *body;
};

static int big_copy_visit(const numbering_record *record, void *payload)
{
	struct big_copy *c = payload;
	if (((const uint8_t *)record->body)[0] != c->version)
		return 0;
	c->r = *record;
	snprintf(c->name, sizeof(c->name), "%s", record->name);
	snprintf(c->parent, sizeof(c->parent), "%s", record->parent);
	c->body = malloc(record->body_len);
	ck_assert_ptr_nonnull(c->body);
	memcpy(c->body, record->body, record->body_len);
	c->r.name = c->name;
	c->r.parent = c->parent;
	c->r.body = c->body;
	return NUMBERING__VISIT_STOP;
}

static struct big_copy big_copy(int version)
{
	struct big_copy c;
	memset(&c, 0, sizeof(c));
	c.version = version;
	stored_list(st, NUMBERING__KIND_DUE, P1, NUMBERING_RECORD_ORDER_DESCENDING, big_copy_visit, &c);
	ck_assert_ptr_nonnull(c.body);
	return c;
}

static void check_fails(const numbering_record *r, const char *field)
{
	int rc = numbering_record_check(r);
	ck_assert_msg(rc == NUMBERING_DATA_LOSS, "a damaged record (%s) passed: %s", field, numbering_error_message());
	ck_assert_msg(strstr(numbering_error_message(), field) != NULL, "'%s' not in: %s", field,
	              numbering_error_message());
}

/* A split day's records damaged: DATA_LOSS naming the field. */
static void damaged_split_day(uint32_t shards)
{
	struct big_copy d = big_copy(2), b = big_copy(1);
	d.r.name = d.name; /* into the copies */
	d.r.parent = d.parent;
	b.r.name = b.name;
	b.r.parent = b.parent;
	ck_assert_msg(numbering_record_check(&d.r) == NUMBERING_OK, "%s", numbering_error_message());
	ck_assert_int_eq(numbering_record_check(&b.r), NUMBERING_OK);
	numbering_record r = d.r;
	r.expires = JAN31;
	check_fails(&r, "expires");
	d.body[1] = 3;
	check_fails(&d.r, "shards");
	d.body[1] = 0;
	check_fails(&d.r, "shards");
	r = d.r;
	r.body_len = 4;
	check_fails(&r, "version");
	/* A shard as the next shard of its day (name and sort key agreeing): its items are
	 * not of that shard. */
	int64_t day = numbering__due_key_day(b.r.sort_key);
	uint32_t k = (uint32_t)(b.r.sort_key - numbering__due_shard_key(day, shards, 0));
	ck_assert_uint_lt(k, shards);
	char name[NUMBERING__DUE_NAME_SIZE];
	numbering__due_shard_name(name, P1, day, shards, (k + 1) % shards);
	r = b.r;
	r.name = name;
	r.sort_key = numbering__due_shard_key(day, shards, (k + 1) % shards);
	check_fails(&r, "id");
	r.sort_key++; /* a name that is not the sort key's */
	check_fails(&r, "name");
	r = b.r;
	r.sort_key = numbering__due_shard_key(day, shards, 0) + 3 * (int64_t)shards; /* past the shards */
	check_fails(&r, "name");
	/* A directory's body under a shard's name. */
	r = b.r;
	r.body = d.body;
	r.body_len = 5;
	r.expires = 0;
	d.body[1] = (uint8_t)shards;
	check_fails(&r, "version");
	free(d.body);
	free(b.body);
}

/* P1's balance (the ledger of thousands of entries is not walked: ledger_check()
 * asserts each, and each assertion is a message to Check's parent). */
static int64_t balance_of(void)
{
	numbering_billing_account *acc = NULL;
	ck_assert_int_eq(numbering_store_get_billing_account(&acc, st, NULL, P1), NUMBERING_OK);
	int64_t b = numbering_billing_account_balance(acc);
	numbering_billing_account_free(acc);
	return b;
}

static numbering_billing_report run_many(void)
{
	numbering_billing_report r = NUMBERING_BILLING_REPORT_INIT;
	int rc = numbering_store_run_billing(&r, st, NULL);
	ck_assert_msg(rc == NUMBERING_OK, "run: %s", numbering_error_message());
	return r;
}

static void many_in_a_day(int file)
{
	sync_off = 1;
	open_store(file);
	stock_import_usd(st, "+12085000000-9999", NUMBERING_CAPABILITY_VOICE, 0, 1, 1);
	stock_import_usd(st, "+12085010000-9999", NUMBERING_CAPABILITY_VOICE, 0, 1, 1);
	top_up(10000000);
	char (*names)[NUMBERING__SUBSCRIPTION_NAME_SIZE] = malloc((size_t)MANY * sizeof(*names));
	char (*nums)[16] = malloc((size_t)MANY * sizeof(*nums));
	ck_assert_ptr_nonnull(names);
	ck_assert_ptr_nonnull(nums);
	clk = JAN31;
	for (int i = 0; i < MANY; i++) {
		snprintf(nums[i], sizeof(nums[i]), "+120850%05d", i);
		rent(nums[i], names[i]);
	}
	int64_t balance = balance_of();
	/* Feb 28: every first renewal, into the day of Mar 31: split as it grows. */
	clk = JAN31 + 28 * DAY + 3600 * NS;
	billing_report_expect(run_many(), MANY, 0, 0, 0);
	struct layout l = layout();
	ck_assert_int_eq(l.ndays, 1);
	ck_assert_int_eq(l.directories, 1);
	ck_assert_int_ge(l.shards, 4);
	ck_assert_int_eq(l.items, MANY);
	ck_assert_int_le(l.most, NUMBERING__DUE_SHARD_ITEMS);
	ck_assert_int_le(l.buckets, l.shards);
	expect_all(MANY, 2, "", "");
	/* A page of 1000, every one bucket-managed in the one split day: its directory, then
	 * each shard once (not a get or two a subscription). */
	ck_assert_int_le(page_gets(1000), 1 + l.shards);
	damaged_split_day(l.shards);
	/* One in a middle shard released, one of another autoCharge off: out of their shards. */
	int released = -1, off = -1;
	for (int i = 0; i < MANY && (released < 0 || off < 0); i++) {
		const char *id = strrchr(names[i], '/') + 1;
		uint32_t k = numbering__due_shard_of(id, strlen(id), l.shards);
		if (k == l.shards / 2 && released < 0)
			released = i;
		else if (k == 1 && off < 0)
			off = i;
	}
	ck_assert_int_ge(released, 0);
	ck_assert_int_ge(off, 0);
	numbering_active_number *a = NULL;
	ck_assert_int_eq(numbering_store_release_active(&a, st, NULL, P1, nums[released]), NUMBERING_OK);
	numbering_active_number_free(a);
	ck_assert_int_eq(numbering_store_set_subscription_auto_charge(NULL, st, NULL, names[off], 0), NUMBERING_OK);
	ck_assert_int_eq(raw(names[released]).bucket, 0);
	ck_assert_int_eq(raw(names[off]).bucket, 0);
	l = layout();
	ck_assert_int_eq(l.items, MANY - 2);
	ck_assert_int_eq(l.directories, 1);
	ck_assert_int_eq(sub_int(names[released], "periodsPaid"), 2);
	ck_assert_int_eq(sub_int(names[off], "autoCharge"), 0);
	reopen(file);
	expect_all(MANY, 2, names[released], names[off]);
	ck_assert_int_eq(balance_of(), balance - MANY);
	/* Mar 31: each charged once from its shard, moved to Apr 30's; the released one
	 * ends, the one without autoCharge is deactivated. */
	clk = JAN31 + 59 * DAY + 3600 * NS;
	billing_report_expect(run_many(), MANY - 2, 1, 0, 0);
	billing_report_expect(run_many(), 0, 0, 0, 0);
	ck_assert_int_eq(balance_of(), balance - MANY - (MANY - 2));
	l = layout();
	ck_assert_int_eq(l.ndays, 1); /* Mar 31's shards and directory gone */
	ck_assert_int_eq(l.days[0], numbering__due_day(numbering__add_months(JAN31, 3)));
	ck_assert_int_eq(l.directories, 1);
	ck_assert_int_eq(l.items, MANY - 2);
	ck_assert_int_le(l.most, NUMBERING__DUE_SHARD_ITEMS);
	ck_assert_int_eq(sub_int(names[off], "state"), NUMBERING_SUBSCRIPTION_DEACTIVATED);
	ck_assert_int_eq(sub_int(names[released], "state"), NUMBERING_SUBSCRIPTION_CANCELLED);
	reopen(file);
	expect_all(MANY, 3, names[released], names[off]);
	for (int i = 0; i < MANY; i += 997)
		if (i != released && i != off)
			ck_assert_int_eq(sub_int(names[i], "periodsPaid"), 3);
	free(names);
	free(nums);
	close_store(file);
	sync_off = 0;
}

/* A store written before shards: one bucket of a day holding more than a bucket keeps
 * now (the split day rewritten as one record, as the earlier library wrote it). Read as
 * before, its item taken out by a release, charged whole, its items moved to a split day. */
#define OLD (NUMBERING__DUE_SHARD_ITEMS + 300)

START_TEST(unsplit_old_bucket)
{
	sync_off = 1;
	open_store(1);
	stock_import_usd(st, "+12085000000-9999", NUMBERING_CAPABILITY_VOICE, 0, 1, 1);
	top_up(10000000);
	char (*names)[NUMBERING__SUBSCRIPTION_NAME_SIZE] = malloc((size_t)OLD * sizeof(*names));
	ck_assert_ptr_nonnull(names);
	clk = JAN31;
	char number[16];
	for (int i = 0; i < OLD; i++) {
		snprintf(number, sizeof(number), "+120850%05d", i);
		rent(number, names[i]);
	}
	clk = JAN31 + 28 * DAY + 3600 * NS;
	billing_report_expect(run_many(), OLD, 0, 0, 0);
	struct layout l = layout();
	ck_assert_int_eq(l.directories, 1);
	/* The day's shards into one bucket record, "{day}", the directory's name. */
	int64_t day = l.days[0];
	struct numbering__due_bucket all, one;
	memset(&all, 0, sizeof(all));
	memset(&one, 0, sizeof(one));
	numbering__rwlock_wrlock(&st->lock);
	ck_assert_int_eq(numbering__begin(st), NUMBERING_OK);
	numbering__due_reset(&all, P1, day);
	for (uint32_t k = 0; k < l.shards; k++) {
		ck_assert_int_eq(numbering__due_load_shard(&one, st, P1, day, l.shards, k), NUMBERING_OK);
		for (uint32_t i = 0; i < one.count; i++)
			ck_assert_int_eq(numbering__due_add(&all, &one.items[i]), NUMBERING_OK);
		if (one.exists) {
			char name[NUMBERING__DUE_NAME_SIZE];
			numbering__due_shard_name(name, P1, day, l.shards, k);
			ck_assert_int_eq(numbering__backend_remove_record(st, NUMBERING__KIND_DUE, name), NUMBERING_OK);
		}
	}
	all.exists = 1; /* over the directory */
	ck_assert_int_eq(numbering__due_write(st, &all), NUMBERING_OK);
	ck_assert_int_eq(numbering__commit(st), NUMBERING_OK);
	numbering__rwlock_wrunlock(&st->lock);
	numbering__due_free(&all);
	numbering__due_free(&one);
	l = layout();
	ck_assert_int_eq(l.directories, 0);
	ck_assert_int_eq(l.buckets, 1);
	ck_assert_int_eq(l.most, OLD);
	reopen(1);
	expect_all(OLD, 2, "", "");
	numbering_active_number *a = NULL;
	ck_assert_int_eq(numbering_store_release_active(&a, st, NULL, P1, "+12085000007"), NUMBERING_OK);
	numbering_active_number_free(a);
	l = layout();
	ck_assert_int_eq(l.most, OLD - 1); /* a release takes out, never splits */
	clk = JAN31 + 59 * DAY + 3600 * NS;
	billing_report_expect(run_many(), OLD - 1, 0, 0, 0);
	l = layout();
	ck_assert_int_eq(l.ndays, 1);
	ck_assert_int_eq(l.directories, 1);
	ck_assert_int_eq(l.items, OLD - 1);
	ck_assert_int_le(l.most, NUMBERING__DUE_SHARD_ITEMS);
	reopen(1);
	for (int i = 0; i < OLD; i += 101)
		if (i != 7)
			ck_assert_int_eq(sub_int(names[i], "periodsPaid"), 3);
	free(names);
	close_store(1);
	sync_off = 0;
}
END_TEST

START_TEST(many_in_a_day_memory)
{
	many_in_a_day(0);
}
END_TEST

START_TEST(many_in_a_day_file)
{
	many_in_a_day(1);
}
END_TEST

Suite *due_suite(void)
{
	Suite *s = suite_create("due");
	TCase *tc = tcase_create("due");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, many_months_memory);
	tcase_add_test(tc, many_months_file);
	tcase_add_test(tc, writers_memory);
	tcase_add_test(tc, writers_file);
	tcase_add_test(tc, reader_clock_behind);
	tcase_add_test(tc, record_managed_migrate);
	tcase_add_test(tc, two_runs_memory);
	tcase_add_test(tc, two_runs_file);
	tcase_add_test(tc, damaged_bodies);
	tcase_add_test(tc, many_in_a_day_memory);
	tcase_add_test(tc, many_in_a_day_file);
	tcase_add_test(tc, unsplit_old_bucket);
	suite_add_tcase(s, tc);
	return s;
}
