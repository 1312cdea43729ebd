/*
 * bench-billing: RunBilling (numbering_store_run_billing) against SQLite doing the same
 * (issue 13, Performance): N subscriptions of which 1% are due, at N = 10,000,
 * 100,000 and 1,000,000, so the table shows that the cost follows the due ones, not N.
 *
 * Ours: a memory store holding N SUBSCRIPTION records over 1,000 projects, each project
 * with a funded billing account; written through the library's own internal calls
 * (numbering__subscription_start, numbering__account_post), as a purchase or rent
 * writes them, without the instances (a renewal that charges never reads them).
 * One numbering_store_run_billing() at the store's clock charges the due ones: for
 * each, a ledger entry and the account, in batches per transaction. A subscription's
 * first renewal is charged from its SUBSCRIPTION record and moves it into a DUE bucket
 * (service/billing-due.h); the renewals after it are charged from the buckets and write
 * no SUBSCRIPTION record. The store is built so that the measured run is the due ones'
 * second renewal (a first run, not measured, a month before charges their first), the
 * steady state; --first measures the first renewal instead (what every renewal cost
 * before DUE buckets). --gets also times GetSubscription of the charged ones
 * (bucket-managed) against as many that were never charged (record-managed):
 * valgrind --tool=callgrind --toggle-collect=get_bucket (or get_record).
 *
 * SQLite (:memory:): the same N subscriptions as rows (name, project, monthly price,
 * interval, start, periods paid, next charge) with an index on the next charge date,
 * an account table and a ledger table with a unique charge key. The run, in one
 * transaction: select the due ones by the index, then for each insert the ledger row
 * and update the subscription (its next charge date computed from the start as ours
 * is), reading each account's balance once and updating each account once at the end
 * with all its charges, as ours writes each account once per batch. That is the least
 * a SQL implementation does; ours also checks every record it reads.
 *
 * Each size is built once and run once per side (a run changes what is due); --runs R
 * rebuilds and repeats R times, reporting the median. Times are the thread's CPU time.
 *
 * --spread spreads the due ones over every project (one in 100 of each project's
 * subscriptions) instead of 10 projects: each due charge is then its project's only
 * one. --design buckets runs, in place of the library's RunBilling, the prototype of
 * a run that writes nothing per subscription (below: due shards and one ledger
 * record per project and transaction), measured in docs/PERFORMANCE.md; --design
 * folded the same with the account's balance read from and written in the ledger
 * records only.
 *
 * Run: <builddir>/bench/bench-billing [--sizes 10000,100000,1000000] [--runs R] [--spread]
 *      [--design buckets|folded] [--first] [--gets]
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"
#include "model/kinds.h"
#include "model/validate.h"
#include "numbering/numbering.h"
#include "service/backend-call.h"
#include "service/billing.h"
#include "service/service.h"
#include "service/subscription.h"

#define NS INT64_C(1000000000)
#define DAY (86400 * NS)
#define PROJECTS 1000
/* 2026-03-15T12:00:00Z: the run's time. */
#define NOW (INT64_C(1773576000) * NS)
#define PRICE 150

static int64_t clk = NOW;

/* The timed runs stay functions of their own, so that callgrind can count each side:
 * valgrind --tool=callgrind --toggle-collect=run_ours (or run_sql). */
#if defined(__GNUC__)
#define TIMED __attribute__((noinline))
#else
#define TIMED
#endif

static int64_t bench_clock(void *payload)
{
	(void)payload;
	return clk;
}

/* The thread's CPU time: the machine's other load does not count (both sides run in
 * this one thread; SQLite's :memory: database does no I/O). */
static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, int rc)
{
	fprintf(stderr, "bench-billing: %s: %s (%s)\n", what, numbering_status_name(rc), numbering_error_message());
	exit(1);
}

/* --spread: the due ones spread over every project (one in 100 of each project's),
 * instead of falling into 10 projects. */
static int spread;

/* Whether subscription @i is due at NOW: every 100th (all of projects 0, 100, ... 900's
 * subscriptions), or with --spread one in 100 of each project's. */
static int due_at_now(long i)
{
	if (spread)
		return (i % PROJECTS + i / PROJECTS) % 100 == 0;
	return i % 100 == 0;
}

/* The start of subscription @i: 1% (due_at_now()) started a month before NOW, so its
 * next charge is due; the rest started since, spread over the last 27 days. Unique
 * times (the sort key within a project is the start). */
static int64_t start_of(long i)
{
	if (due_at_now(i))
		return numbering__add_months(NOW, -1) - (int64_t)i * 1000;
	return NOW - 27 * DAY + (int64_t)(i % 2000000) * 1000000 + (i / 2000000);
}

static void instance_name(char *buf, size_t size, long i)
{
	snprintf(buf, size, "projects/p%ld/phoneNumberInstances/i%ld", i % PROJECTS, i);
}

/* ---- Ours ---- */

/* --first: the measured run is the due ones' first renewal (record-managed). */
static int first_renewal;

static numbering_store *build_ours(long n)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.clock = bench_clock;
	numbering_store *store = NULL;
	int rc = numbering_store_open(&store, &options);
	if (rc != NUMBERING_OK)
		die("open", rc);
	clk = NOW - 40 * DAY;
	numbering__rwlock_wrlock(&store->lock);
	if ((rc = numbering__begin(store)) != NUMBERING_OK)
		die("begin", rc);
	for (int p = 0; p < PROJECTS; p++) {
		char project[32];
		snprintf(project, sizeof(project), "projects/p%d", p);
		struct numbering__account a;
		int64_t t = 0;
		if ((rc = numbering__account_load(&a, store, project)) != NUMBERING_OK ||
		    (rc = numbering__next_time(store, &t)) != NUMBERING_OK)
			die("account", rc);
		struct numbering__entry_in e = {"USD", INT64_C(1000000000), 0, "top-up", "", NULL, t};
		if ((rc = numbering__account_post(store, &a, &e, NULL)) != NUMBERING_OK)
			die("top-up", rc);
	}
	for (long i = 0; i < n; i++) {
		char name[96];
		instance_name(name, sizeof(name), i);
		struct numbering__subscription_in in;
		memset(&in, 0, sizeof(in));
		in.instance = name;
		memcpy(in.price.currency, "USD", 4);
		in.price.minor = PRICE;
		in.interval_months = 1;
		/* The due ones a month earlier, unless --first: the run a month before NOW
		 * charges their first renewal, the measured one their second. */
		in.start = first_renewal || !due_at_now(i) ? start_of(i) : numbering__add_months(start_of(i), -1);
		if ((rc = numbering__subscription_start(store, &in, NULL)) != NUMBERING_OK)
			die("subscription", rc);
		/* Commit every 10,000 so a transaction stays small. */
		if (i % 10000 == 9999 &&
		    ((rc = numbering__commit(store)) != NUMBERING_OK || (rc = numbering__begin(store)) != NUMBERING_OK))
			die("commit", rc);
	}
	if ((rc = numbering__commit(store)) != NUMBERING_OK)
		die("commit", rc);
	numbering__rwlock_wrunlock(&store->lock);
	if (!first_renewal) {
		clk = numbering__add_months(NOW, -1);
		numbering_billing_report r = NUMBERING_BILLING_REPORT_INIT;
		if ((rc = numbering_store_run_billing(&r, store, NULL)) != NUMBERING_OK)
			die("first run", rc);
		long due = 0;
		for (long i = 0; i < n; i++)
			due += due_at_now(i);
		if (r.charged != due || r.deactivated != 0)
			die("the first run did not charge the due ones once each", NUMBERING_INTERNAL);
	}
	clk = NOW;
	return store;
}

/* --gets: GetSubscription of @count subscriptions @i0, @i0 + @step, ... */
static double get_some(numbering_store *store, long i0, long step, long count)
{
	double t0 = now_s();
	for (long k = 0; k < count; k++) {
		char name[96];
		long i = i0 + k * step;
		snprintf(name, sizeof(name), "projects/p%ld/subscriptions/i%ld", i % PROJECTS, i);
		numbering_subscription *s = NULL;
		int rc = numbering_store_get_subscription(&s, store, NULL, name);
		if (rc != NUMBERING_OK)
			die("get", rc);
		numbering_subscription_free(s);
	}
	return now_s() - t0;
}

/* The charged ones (bucket-managed after the run; every 100th, or with --spread the
 * ones due_at_now() picks) and as many never charged (record-managed). */
TIMED static double get_bucket(numbering_store *store, long n, long *count)
{
	double t = 0;
	*count = 0;
	for (long i = 0; i < n; i++)
		if (due_at_now(i)) {
			t += get_some(store, i, 1, 1);
			(*count)++;
		}
	return t;
}

TIMED static double get_record(numbering_store *store, long n, long *count)
{
	double t = 0;
	*count = 0;
	for (long i = 0; i < n && *count < (n + 99) / 100; i++)
		if (!due_at_now(i)) {
			t += get_some(store, i, 1, 1);
			(*count)++;
		}
	return t;
}

TIMED static double run_ours(numbering_store *store, long *charged)
{
	numbering_billing_report r = NUMBERING_BILLING_REPORT_INIT;
	double t0 = now_s();
	int rc = numbering_store_run_billing(&r, store, NULL);
	double t = now_s() - t0;
	if (rc != NUMBERING_OK)
		die("run", rc);
	*charged = (long)r.charged;
	if (r.deactivated != 0)
		die("run deactivated some", NUMBERING_INTERNAL);
	return t;
}

/* ---- The design measured against 10x: due shards and one ledger record per run ----
 *
 * A prototype of the shape docs/PERFORMANCE.md ("Renewal", issue 13) measures, built
 * from the library's own record calls (the memory backend's puts, gets and listings,
 * the transactions, the account code), so that its instruction count is what the
 * design would cost inside the library. It is not the library's RunBilling: nothing
 * but this bench writes or reads these records (--design buckets).
 *
 * - The subscriptions' billing positions live in DUE shards: records of at most
 *   SHARD_MAX items (struct due_item: the subscription's project and id, start, price,
 *   interval, periods paid and next due time), one day's items in one or more shards:
 *   name "billingDue/{day}/{shard}", no parent, sort key day x 4096 + shard, expires
 *   the earliest due time the shard holds; items sorted by project, then due time. A
 *   charge moves its item to a shard of its next due day: each shard is written once
 *   per transaction, however many of its items are charged or arrive.
 * - The charges of one project in one transaction are ONE ledger record (kind
 *   BILLING_ENTRY, sort key the first entry number n, name
 *   "{project}/billingEntries/{n}"), holding entries n .. n + k - 1: for each the
 *   subscription's id, the period, amount and balanceAfter; the account's entry count
 *   advances by k, so names stay unique and a listing would expand the record.
 * - A charge writes no SUBSCRIPTION record (here they are written once when built, as
 *   today; in the design its record keeps the periods paid as of its last write, and
 *   a reader finds the rest in the shards).
 * The prototype runs the paying path only: a subscription the account cannot pay
 * (deactivation, which rewrites its subscription and takes it out of the shards) is
 * not built here, and the bench's accounts pay every charge. The shards' kind is
 * TASK's, which the bench's store holds none of (the design adds a kind). Items are
 * copied in the host's byte order (the design would fix one). */

#define PROTO_DUE_KIND NUMBERING__KIND_TASK
#define PROTO_TEXT 24 /* a project's or an id's text with its NUL (the bench's are shorter) */
#define SHARD_MAX 64 /* items in one DUE record, at most */
#define SHARD_SLOTS 4096
#define PROTO_BATCH 256 /* charges a transaction makes (then it ends with its shard) */
#define ACCOUNT_SLOTS 1024 /* a transaction's accounts: a hash table, more than PROTO_BATCH */

struct due_item {
	int64_t due, start, price;
	int32_t interval, periods;
	char project[PROTO_TEXT];
	char id[PROTO_TEXT];
};

static int64_t proto_day(int64_t t)
{
	return t / DAY;
}

/* The decimal digits of @v (>= 0) at @p; where they end. */
static char *put_decimal(char *p, int64_t v)
{
	char digits[20];
	int count = 0;
	do {
		digits[count++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (count > 0)
		*p++ = digits[--count];
	return p;
}

static void shard_name(char name[64], int64_t day, int shard)
{
	char *p = name;
	memcpy(p, "billingDue/", 11);
	p = put_decimal(p + 11, day);
	*p++ = '/';
	*put_decimal(p, shard) = '\0';
}

/* A shard as read (its items owned, reused). */
struct shard {
	int64_t day;
	int n;
	struct due_item *items;
	uint32_t count, cap;
	int found;
};

static void shard_reserve(struct shard *s, uint32_t count)
{
	if (count > s->cap) {
		s->cap = count > 2 * s->cap ? count : 2 * s->cap;
		if ((s->items = realloc(s->items, s->cap * sizeof(*s->items))) == NULL)
			die("shard", NUMBERING_RESOURCE_EXHAUSTED);
	}
}

static int shard_visit(const numbering_record *record, void *payload)
{
	struct shard *s = payload;
	uint32_t count;
	if (record->body_len < 8)
		return NUMBERING_DATA_LOSS;
	memcpy(&count, record->body, 4);
	if (record->body_len != 8 + (size_t)count * sizeof(struct due_item))
		return NUMBERING_DATA_LOSS;
	s->day = record->sort_key / SHARD_SLOTS;
	s->n = (int)(record->sort_key % SHARD_SLOTS);
	shard_reserve(s, count);
	memcpy(s->items, (const char *)record->body + 8, (size_t)count * sizeof(struct due_item));
	s->count = count;
	s->found = 1;
	return NUMBERING__VISIT_STOP;
}

/* The order within a shard: project, then due time. */
static int cmp_item(const void *a, const void *b)
{
	const struct due_item *x = a, *y = b;
	int c = strcmp(x->project, y->project);
	return c != 0 ? c : x->due < y->due ? -1 : x->due > y->due;
}

/* Puts @s (sorted), or removes it when it holds nothing. */
static int shard_put(numbering_store *store, const struct shard *s)
{
	char name[64];
	shard_name(name, s->day, s->n);
	if (s->count == 0)
		return s->found ? numbering__backend_remove_record(store, PROTO_DUE_KIND, name) : NUMBERING_OK;
	static char *body;
	static size_t body_cap;
	size_t len = 8 + (size_t)s->count * sizeof(struct due_item);
	if (len > body_cap && (body = realloc(body, body_cap = len)) == NULL)
		return NUMBERING_RESOURCE_EXHAUSTED;
	int64_t first_due = s->items[0].due;
	for (uint32_t i = 1; i < s->count; i++)
		if (s->items[i].due < first_due)
			first_due = s->items[i].due;
	memcpy(body, &s->count, 4);
	memset(body + 4, 0, 4);
	memcpy(body + 8, s->items, (size_t)s->count * sizeof(struct due_item));
	numbering_record r;
	memset(&r, 0, sizeof(r));
	r.version = NUMBERING_RECORD_VERSION;
	r.kind = PROTO_DUE_KIND;
	r.name = name;
	r.parent = "";
	r.sort_key = s->day * SHARD_SLOTS + s->n;
	r.expires = first_due;
	r.body = body;
	r.body_len = len;
	return numbering__backend_put_record(store, &r);
}

/* Adds @items (@count, sorted) to the shards of @day: into its last shard while it has
 * room (a merge of the two sorted lists), then into new ones. */
static int day_add(numbering_store *store, int64_t day, const struct due_item *items, uint32_t count)
{
	static struct shard last, merged;
	last.found = 0;
	last.count = 0;
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = PROTO_DUE_KIND;
	q.order = NUMBERING_RECORD_ORDER_DESCENDING;
	q.parent = "";
	q.has_after = 1;
	q.after = (day + 1) * SHARD_SLOTS;
	q.limit = 1;
	int rc = numbering__backend_list(store, &q, shard_visit, &last);
	if (rc != NUMBERING_OK)
		return rc;
	if (!last.found || last.day != day) {
		last.found = 0;
		last.count = 0;
		last.day = day;
		last.n = -1; /* the first new shard is 0 */
	}
	while (count > 0 && rc == NUMBERING_OK) {
		if (last.n < 0 || last.count == SHARD_MAX) {
			if (last.n + 1 >= SHARD_SLOTS)
				return NUMBERING_OUT_OF_RANGE;
			last.n++;
			last.count = 0;
			last.found = 0;
		}
		uint32_t take = SHARD_MAX - last.count < count ? SHARD_MAX - last.count : count;
		merged.count = 0;
		shard_reserve(&merged, last.count + take);
		uint32_t i = 0, j = 0;
		while (i < last.count || j < take)
			merged.items[merged.count++] =
			    j == take || (i < last.count && cmp_item(&last.items[i], &items[j]) <= 0) ? last.items[i++] : items[j++];
		merged.day = day;
		merged.n = last.n;
		merged.found = last.found;
		rc = shard_put(store, &merged);
		shard_reserve(&last, merged.count);
		memcpy(last.items, merged.items, merged.count * sizeof(*merged.items));
		last.count = merged.count;
		last.found = 1;
		items += take;
		count -= take;
	}
	return rc;
}

/* A charge in a ledger record. */
struct charge {
	int64_t amount, balance_after;
	int32_t period;
	char id[PROTO_TEXT];
};

/* An account a transaction charges, with its charges. */
struct proto_account {
	struct numbering__account a;
	struct charge *charges;
	uint32_t count, cap;
	int used;
};

struct run_head {
	char currency[4];
	uint32_t count;
	int64_t time;
};

/* --design folded: the account folded into the ledger records. A run reads a project's
 * balance and entry count from its newest ledger record (its last charge's
 * balanceAfter; its first entry number plus its count) and writes that record only,
 * not the BILLING_ACCOUNT record; the reserve is taken as 0 (the design would carry it
 * in the record too). build_proto() opens each project's ledger with such a record (one
 * entry of 0 after the top-up). */
static int folded;

static int folded_visit(const numbering_record *record, void *payload)
{
	struct numbering__account *a = payload;
	struct run_head h;
	if (record->body_len < sizeof(h))
		return NUMBERING_DATA_LOSS;
	memcpy(&h, record->body, sizeof(h));
	const char *p = (const char *)record->body + sizeof(h);
	for (uint32_t i = 0; i + 1 < h.count; i++)
		p += 21 + (unsigned char)p[20];
	memcpy(&a->balance, p + 8, 8);
	a->entries = record->sort_key + h.count - 1;
	return NUMBERING__VISIT_STOP;
}

/* The account of @project as its newest ledger record has it. */
static int folded_load(struct numbering__account *a, numbering_store *store, const char *project)
{
	memset(a, 0, sizeof(*a));
	size_t len = strnlen(project, sizeof(a->project) - 1);
	memcpy(a->project, project, len);
	memcpy(a->currency, "USD", 4);
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = NUMBERING__KIND_BILLING_ENTRY;
	q.order = NUMBERING_RECORD_ORDER_DESCENDING;
	q.parent = a->project;
	q.limit = 1;
	return numbering__backend_list(store, &q, folded_visit, a);
}

/* The ledger record of @pa's charges, its first entry the account's next. */
static int run_record_put(numbering_store *store, struct proto_account *pa, int64_t t)
{
	static char *body;
	static size_t cap;
	size_t len = sizeof(struct run_head), need = len + (size_t)pa->count * (21 + PROTO_TEXT);
	if (need > cap && (body = realloc(body, cap = need)) == NULL)
		return NUMBERING_RESOURCE_EXHAUSTED;
	struct run_head h = {"USD", pa->count, t};
	memcpy(body, &h, sizeof(h));
	/* Each charge as 8 + 8 + 4 + 1 bytes and its id. */
	for (uint32_t i = 0; i < pa->count; i++) {
		const struct charge *c = &pa->charges[i];
		size_t id_len = strnlen(c->id, PROTO_TEXT - 1);
		memcpy(body + len, &c->amount, 8);
		memcpy(body + len + 8, &c->balance_after, 8);
		memcpy(body + len + 16, &c->period, 4);
		body[len + 20] = (char)id_len;
		memcpy(body + len + 21, c->id, id_len);
		len += 21 + id_len;
	}
	int64_t first = pa->a.entries + 1;
	char name[NUMBERING__ENTRY_NAME_SIZE];
	size_t plen = strlen(pa->a.project);
	memcpy(name, pa->a.project, plen);
	memcpy(name + plen, "/billingEntries/", 16);
	*put_decimal(name + plen + 16, first) = '\0';
	numbering_record r;
	memset(&r, 0, sizeof(r));
	r.version = NUMBERING_RECORD_VERSION;
	r.kind = NUMBERING__KIND_BILLING_ENTRY;
	r.name = name;
	r.parent = pa->a.project;
	r.sort_key = first;
	r.body = body;
	r.body_len = len;
	int rc = numbering__backend_put_record(store, &r);
	pa->a.entries += pa->count;
	return rc == NUMBERING_OK && !folded ? numbering__account_put(store, &pa->a) : rc;
}

/* The order build_proto() adds items in: day, project, due time. */
static int cmp_due_day(const void *a, const void *b)
{
	const struct due_item *x = a, *y = b;
	int64_t dx = proto_day(x->due), dy = proto_day(y->due);
	return dx != dy ? (dx < dy ? -1 : 1) : cmp_item(a, b);
}

static numbering_store *build_proto(long n)
{
	numbering_store *store = build_ours(n);
	/* The shards (the SUBSCRIPTION records stay as built). */
	struct due_item *all = calloc((size_t)n, sizeof(*all));
	if (all == NULL)
		die("shards", NUMBERING_RESOURCE_EXHAUSTED);
	for (long i = 0; i < n; i++) {
		struct due_item *it = &all[i];
		it->start = start_of(i);
		it->due = numbering__add_months(it->start, 1);
		it->price = PRICE;
		it->interval = 1;
		it->periods = 1;
		snprintf(it->project, sizeof(it->project), "projects/p%ld", i % PROJECTS);
		snprintf(it->id, sizeof(it->id), "i%ld", i);
	}
	qsort(all, (size_t)n, sizeof(*all), cmp_due_day);
	numbering__rwlock_wrlock(&store->lock);
	int rc = numbering__begin(store);
	for (long i = 0; i < n && rc == NUMBERING_OK;) {
		long j = i;
		int64_t day = proto_day(all[i].due);
		while (j < n && proto_day(all[j].due) == day)
			j++;
		rc = day_add(store, day, &all[i], (uint32_t)(j - i));
		i = j;
	}
	if (rc == NUMBERING_OK)
		rc = numbering__commit(store);
	numbering__rwlock_wrunlock(&store->lock);
	free(all);
	if (rc != NUMBERING_OK)
		die("shards", rc);
	/* Folded: each project's ledger opened with a record of the run's layout. */
	for (int p = 0; p < PROJECTS && folded && rc == NUMBERING_OK; p++) {
		struct proto_account pa;
		memset(&pa, 0, sizeof(pa));
		struct charge open = {0, 0, 0, "open"};
		char project[32];
		snprintf(project, sizeof(project), "projects/p%d", p);
		numbering__rwlock_wrlock(&store->lock);
		if ((rc = numbering__account_load(&pa.a, store, project)) == NUMBERING_OK &&
		    (rc = numbering__begin(store)) == NUMBERING_OK) {
			open.balance_after = pa.a.balance;
			pa.charges = &open;
			pa.count = 1;
			if ((rc = run_record_put(store, &pa, clk)) == NUMBERING_OK)
				rc = numbering__commit(store);
			else
				numbering__rollback(store);
		}
		numbering__rwlock_wrunlock(&store->lock);
	}
	if (rc != NUMBERING_OK)
		die("folded", rc);
	return store;
}

/* Items moved to one day by a transaction. */
struct moved {
	int64_t day;
	struct shard s;
};

/* What a run of the prototype keeps between its transactions. */
struct proto_run {
	numbering_store *store;
	int64_t now, t;
	struct shard src;
	struct proto_account accounts[ACCOUNT_SLOTS];
	int used[PROTO_BATCH + SHARD_MAX]; /* the slots in use, to clear */
	int used_count;
	struct moved moved[16];
	int moved_count;
	long charged;
};

/* The account of @project in the transaction, loaded on first use. */
static int proto_account(struct proto_run *r, const char *project, struct proto_account **out)
{
	uint32_t h = 2166136261u;
	for (const char *p = project; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	for (uint32_t i = h % ACCOUNT_SLOTS;; i = (i + 1) % ACCOUNT_SLOTS) {
		struct proto_account *pa = &r->accounts[i];
		if (pa->used && strcmp(pa->a.project, project) == 0) {
			*out = pa;
			return NUMBERING_OK;
		}
		if (!pa->used) {
			int rc = folded ? folded_load(&pa->a, r->store, project)
			                : numbering__account_load(&pa->a, r->store, project);
			if (rc != NUMBERING_OK)
				return rc;
			pa->used = 1;
			pa->count = 0;
			r->used[r->used_count++] = (int)i;
			*out = pa;
			return NUMBERING_OK;
		}
	}
}

static int moved_add(struct proto_run *r, const struct due_item *it)
{
	int64_t day = proto_day(it->due);
	int m = 0;
	while (m < r->moved_count && r->moved[m].day != day)
		m++;
	if (m == r->moved_count) {
		if (m == 16)
			return NUMBERING_UNIMPLEMENTED; /* not reached by the bench: its items move to one or two days */
		r->moved[m].day = day;
		r->moved[m].s.count = 0;
		r->moved_count++;
	}
	struct shard *s = &r->moved[m].s;
	shard_reserve(s, s->count + 1);
	s->items[s->count++] = *it;
	return NUMBERING_OK;
}

/* Charges every period of @it due at the run's time to @pa. */
static int proto_charge(struct proto_run *r, struct proto_account *pa, struct due_item *it)
{
	int64_t cost;
	if (__builtin_mul_overflow(it->price, (int64_t)it->interval, &cost))
		return NUMBERING_OUT_OF_RANGE;
	while (it->due <= r->now) {
		if (pa->a.balance - pa->a.reserved < cost)
			die("the prototype pays every charge", NUMBERING_FAILED_PRECONDITION);
		if (pa->count == pa->cap &&
		    (pa->charges = realloc(pa->charges, (pa->cap = pa->cap ? 2 * pa->cap : 16) * sizeof(*pa->charges))) ==
		        NULL)
			return NUMBERING_RESOURCE_EXHAUSTED;
		struct charge *c = &pa->charges[pa->count++];
		pa->a.balance -= cost;
		c->amount = -cost;
		c->balance_after = pa->a.balance;
		c->period = it->periods + 1;
		memcpy(c->id, it->id, PROTO_TEXT);
		it->periods++;
		it->due = numbering__add_months(it->start, it->periods * it->interval);
		r->charged++;
	}
	return moved_add(r, it);
}

/* One transaction: due shards until PROTO_BATCH charges; *more 0 when none is left. */
static int proto_batch(struct proto_run *r, int *more)
{
	numbering_store *store = r->store;
	int rc = numbering__begin(store);
	long before = r->charged;
	r->moved_count = 0;
	r->used_count = 0;
	if ((rc = numbering__next_time(store, &r->t)) != NUMBERING_OK)
		return rc;
	while (rc == NUMBERING_OK && r->charged - before < PROTO_BATCH) {
		numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
		q.kind = PROTO_DUE_KIND;
		q.order = NUMBERING_RECORD_ORDER_EXPIRY;
		q.expires_until = r->now;
		q.limit = 1;
		struct shard *src = &r->src;
		src->found = 0;
		if ((rc = numbering__backend_list(store, &q, shard_visit, src)) != NUMBERING_OK)
			break;
		if (!src->found) {
			*more = 0;
			break;
		}
		uint32_t keep = 0;
		struct proto_account *pa = NULL;
		for (uint32_t i = 0; i < src->count && rc == NUMBERING_OK; i++) {
			struct due_item *it = &src->items[i];
			if (it->due > r->now) {
				src->items[keep++] = *it;
				continue;
			}
			/* A shard's items are in project order: one look-up a project. */
			if (pa == NULL || strcmp(pa->a.project, it->project) != 0)
				rc = proto_account(r, it->project, &pa);
			if (rc == NUMBERING_OK)
				rc = proto_charge(r, pa, it);
		}
		src->count = keep;
		if (rc == NUMBERING_OK)
			rc = shard_put(store, src);
	}
	for (int m = 0; m < r->moved_count && rc == NUMBERING_OK; m++) {
		struct shard *s = &r->moved[m].s;
		/* Each source shard's items come in order (a charge keeps the order of due
		 * times): sorted when one shard fed the day, which the common case is. */
		uint32_t i = 1;
		while (i < s->count && cmp_item(&s->items[i - 1], &s->items[i]) <= 0)
			i++;
		if (i < s->count)
			qsort(s->items, s->count, sizeof(*s->items), cmp_item);
		rc = day_add(store, r->moved[m].day, s->items, s->count);
	}
	for (int u = 0; u < r->used_count; u++) {
		struct proto_account *pa = &r->accounts[r->used[u]];
		if (rc == NUMBERING_OK && pa->count > 0)
			rc = run_record_put(store, pa, r->t);
		pa->used = 0;
	}
	if (rc == NUMBERING_OK)
		rc = numbering__commit(store);
	else
		numbering__rollback(store);
	return rc;
}

TIMED static double run_proto(numbering_store *store, long *charged)
{
	double t0 = now_s();
	struct proto_run *r = calloc(1, sizeof(*r));
	if (r == NULL)
		die("run", NUMBERING_RESOURCE_EXHAUSTED);
	r->store = store;
	int rc = NUMBERING_OK, more = 1;
	numbering__rwlock_wrlock(&store->lock);
	r->now = clk;
	while (rc == NUMBERING_OK && more)
		rc = proto_batch(r, &more);
	numbering__rwlock_wrunlock(&store->lock);
	if (rc == NUMBERING_OK)
		rc = numbering__durable(store);
	double t = now_s() - t0;
	if (rc != NUMBERING_OK)
		die("proto run", rc);
	*charged = r->charged;
	free(r->src.items);
	for (int m = 0; m < 16; m++)
		free(r->moved[m].s.items);
	for (int i = 0; i < ACCOUNT_SLOTS; i++)
		free(r->accounts[i].charges);
	free(r);
	return t;
}

/* What a purchase or rent would add to the prototype's run: its subscription's item in
 * a shard of its first due day (one transaction each, as a purchase is), @count times,
 * at the run's time: after a run, that day holds the items the run moved there, so
 * each add rewrites a shard of up to SHARD_MAX items. */
TIMED static double add_proto(numbering_store *store, int count)
{
	double t0 = now_s();
	int rc = NUMBERING_OK;
	for (int k = 0; k < count && rc == NUMBERING_OK; k++) {
		struct due_item it;
		memset(&it, 0, sizeof(it));
		numbering__rwlock_wrlock(&store->lock);
		if ((rc = numbering__begin(store)) == NUMBERING_OK && (rc = numbering__next_time(store, &it.start)) == NUMBERING_OK) {
			it.due = numbering__add_months(it.start, 1);
			it.price = PRICE;
			it.interval = 1;
			it.periods = 1;
			snprintf(it.project, sizeof(it.project), "projects/p%d", k % PROJECTS);
			snprintf(it.id, sizeof(it.id), "n%d", k);
			rc = day_add(store, proto_day(it.due), &it, 1);
			if (rc == NUMBERING_OK)
				rc = numbering__commit(store);
			else
				numbering__rollback(store);
		}
		numbering__rwlock_wrunlock(&store->lock);
	}
	if (rc != NUMBERING_OK)
		die("add", rc);
	return now_s() - t0;
}

/* After run_proto(): nothing is due any more (a second run charges nothing), and every
 * account's balance is its top-up less what its run records charged (the ledger sums). */
struct proto_sum {
	int64_t sum, records;
};

static int proto_sum_visit(const numbering_record *record, void *payload)
{
	struct proto_sum *v = payload;
	struct run_head h;
	if (record->sort_key == 1) /* the top-up, an ordinary entry */
		return 0;
	memcpy(&h, record->body, sizeof(h));
	const char *p = (const char *)record->body + sizeof(h);
	for (uint32_t i = 0; i < h.count; i++) {
		int64_t amount;
		memcpy(&amount, p, 8);
		v->sum += amount;
		p += 21 + (unsigned char)p[20];
	}
	v->records++;
	return 0;
}

static int proto_count_visit(const numbering_record *record, void *payload)
{
	uint32_t count;
	memcpy(&count, record->body, 4);
	*(long *)payload += count;
	return 0;
}

static void verify_proto(numbering_store *store, long n, long charged)
{
	int due = 1;
	long sum_charges = 0, items = 0;
	numbering__rwlock_wrlock(&store->lock);
	int rc = numbering__backend_due(store, PROTO_DUE_KIND, NOW, &due);
	numbering_record_query all = NUMBERING_RECORD_QUERY_INIT;
	all.kind = PROTO_DUE_KIND;
	all.parent = "";
	if (rc == NUMBERING_OK)
		rc = numbering__backend_list(store, &all, proto_count_visit, &items);
	for (int p = 0; p < PROJECTS && rc == NUMBERING_OK; p++) {
		char project[32];
		snprintf(project, sizeof(project), "projects/p%d", p);
		struct numbering__account a;
		struct proto_sum v = {0, 0};
		numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
		q.kind = NUMBERING__KIND_BILLING_ENTRY;
		q.parent = project;
		if ((rc = folded ? folded_load(&a, store, project) : numbering__account_load(&a, store, project)) ==
		        NUMBERING_OK &&
		    (rc = numbering__backend_list(store, &q, proto_sum_visit, &v)) == NUMBERING_OK &&
		    (a.balance != INT64_C(1000000000) + v.sum || a.entries != 1 + folded - v.sum / PRICE)) {
			fprintf(stderr, "bench-billing: %s: balance %lld, ledger %lld\n", project, (long long)a.balance,
			        (long long)(INT64_C(1000000000) + v.sum));
			exit(1);
		}
		sum_charges += (long)(-v.sum / PRICE);
	}
	numbering__rwlock_wrunlock(&store->lock);
	if (rc != NUMBERING_OK)
		die("verify", rc);
	if (due || sum_charges != charged || items != n) {
		fprintf(stderr, "bench-billing: prototype: still due %d, ledger charges %ld of %ld, items %ld of %ld\n", due,
		        sum_charges, charged, items, n);
		exit(1);
	}
}

/* ---- SQLite ---- */

static void sql_exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "bench-billing: SQLite %s: %s\n", sql, err);
		exit(1);
	}
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench-billing: SQLite %s: %s\n", sql, sqlite3_errmsg(db));
		exit(1);
	}
	return st;
}

static void step_done(sqlite3 *db, sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE) {
		fprintf(stderr, "bench-billing: SQLite %s: %s\n", sqlite3_sql(st), sqlite3_errmsg(db));
		exit(1);
	}
	sqlite3_reset(st);
}

static sqlite3 *build_sql(long n)
{
	sqlite3 *db = NULL;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		exit(1);
	sql_exec(db, "CREATE TABLE account (project TEXT PRIMARY KEY, currency TEXT, balance INTEGER, entries INTEGER) "
	             "WITHOUT ROWID;"
	             "CREATE TABLE ledger (id INTEGER PRIMARY KEY, project TEXT, amount INTEGER, balance_after INTEGER,"
	             " reason TEXT, resource TEXT, charge_key TEXT UNIQUE, time INTEGER);"
	             "CREATE TABLE subscription (name TEXT PRIMARY KEY, project TEXT, currency TEXT, price INTEGER,"
	             " interval_months INTEGER, start INTEGER, periods INTEGER, next_charge INTEGER) WITHOUT ROWID;"
	             "CREATE INDEX subscription_due ON subscription (next_charge);"
	             "BEGIN");
	sqlite3_stmt *acc = prepare(db, "INSERT INTO account VALUES (?, 'USD', 1000000000, 1)");
	for (int p = 0; p < PROJECTS; p++) {
		char project[32];
		snprintf(project, sizeof(project), "projects/p%d", p);
		sqlite3_bind_text(acc, 1, project, -1, SQLITE_TRANSIENT);
		step_done(db, acc);
	}
	sqlite3_finalize(acc);
	sqlite3_stmt *ins = prepare(db, "INSERT INTO subscription VALUES (?, ?, 'USD', ?, 1, ?, 1, ?)");
	for (long i = 0; i < n; i++) {
		char name[96], project[32];
		snprintf(name, sizeof(name), "projects/p%ld/subscriptions/i%ld", i % PROJECTS, i);
		snprintf(project, sizeof(project), "projects/p%ld", i % PROJECTS);
		int64_t start = start_of(i);
		sqlite3_bind_text(ins, 1, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 2, project, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins, 3, PRICE);
		sqlite3_bind_int64(ins, 4, start);
		sqlite3_bind_int64(ins, 5, numbering__add_months(start, 1));
		step_done(db, ins);
	}
	sqlite3_finalize(ins);
	sql_exec(db, "COMMIT");
	return db;
}

struct due_row {
	char name[96], project[32];
	int64_t price, interval, start, periods;
};

/* An account the run charged: its balance as the transaction has it. */
struct sql_account {
	char project[32];
	int64_t balance, charges;
};

TIMED static double run_sql(sqlite3 *db, long *charged)
{
	sqlite3_stmt *due = prepare(db, "SELECT name, project, price, interval_months, start, periods FROM subscription "
	                                "WHERE next_charge <= ? ORDER BY next_charge");
	sqlite3_stmt *bal = prepare(db, "SELECT balance, entries FROM account WHERE project = ?");
	sqlite3_stmt *led = prepare(db, "INSERT INTO ledger (project, amount, balance_after, reason, resource, "
	                                "charge_key, time) VALUES (?, ?, ?, 'renewal', ?, ?, ?)");
	sqlite3_stmt *upa = prepare(db, "UPDATE account SET balance = ?, entries = entries + ? WHERE project = ?");
	sqlite3_stmt *ups = prepare(db, "UPDATE subscription SET periods = ?, next_charge = ? WHERE name = ?");
	double t0 = now_s();
	sql_exec(db, "BEGIN");
	size_t cap = 1024, count = 0;
	struct due_row *rows = malloc(cap * sizeof(*rows));
	sqlite3_bind_int64(due, 1, NOW);
	while (sqlite3_step(due) == SQLITE_ROW) {
		if (count == cap)
			rows = realloc(rows, (cap *= 2) * sizeof(*rows));
		struct due_row *r = &rows[count++];
		snprintf(r->name, sizeof(r->name), "%s", (const char *)sqlite3_column_text(due, 0));
		snprintf(r->project, sizeof(r->project), "%s", (const char *)sqlite3_column_text(due, 1));
		r->price = sqlite3_column_int64(due, 2);
		r->interval = sqlite3_column_int64(due, 3);
		r->start = sqlite3_column_int64(due, 4);
		r->periods = sqlite3_column_int64(due, 5);
	}
	sqlite3_reset(due);
	struct sql_account *accounts = calloc(PROJECTS, sizeof(*accounts));
	int account_count = 0;
	for (size_t i = 0; i < count; i++) {
		struct due_row *r = &rows[i];
		int64_t cost = r->price * r->interval;
		struct sql_account *a = NULL;
		for (int k = 0; k < account_count && a == NULL; k++)
			if (strcmp(accounts[k].project, r->project) == 0)
				a = &accounts[k];
		if (a == NULL) {
			a = &accounts[account_count++];
			snprintf(a->project, sizeof(a->project), "%s", r->project);
			sqlite3_bind_text(bal, 1, r->project, -1, SQLITE_STATIC);
			if (sqlite3_step(bal) != SQLITE_ROW)
				exit(1);
			a->balance = sqlite3_column_int64(bal, 0);
			sqlite3_reset(bal);
		}
		int64_t balance = a->balance;
		if (balance < cost)
			exit(1);
		char key[128];
		snprintf(key, sizeof(key), "%s#%lld", r->name, (long long)r->periods + 1);
		sqlite3_bind_text(led, 1, r->project, -1, SQLITE_STATIC);
		sqlite3_bind_int64(led, 2, -cost);
		sqlite3_bind_int64(led, 3, balance - cost);
		sqlite3_bind_text(led, 4, r->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(led, 5, key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(led, 6, NOW);
		step_done(db, led);
		a->balance = balance - cost;
		a->charges++;
		int64_t periods = r->periods + 1;
		sqlite3_bind_int64(ups, 1, periods);
		sqlite3_bind_int64(ups, 2, numbering__add_months(r->start, (int)(periods * r->interval)));
		sqlite3_bind_text(ups, 3, r->name, -1, SQLITE_STATIC);
		step_done(db, ups);
	}
	for (int k = 0; k < account_count; k++) {
		sqlite3_bind_int64(upa, 1, accounts[k].balance);
		sqlite3_bind_int64(upa, 2, accounts[k].charges);
		sqlite3_bind_text(upa, 3, accounts[k].project, -1, SQLITE_STATIC);
		step_done(db, upa);
	}
	free(accounts);
	sql_exec(db, "COMMIT");
	double t = now_s() - t0;
	free(rows);
	sqlite3_finalize(due);
	sqlite3_finalize(bal);
	sqlite3_finalize(led);
	sqlite3_finalize(upa);
	sqlite3_finalize(ups);
	*charged = (long)count;
	return t;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	long sizes[8] = {10000, 100000, 1000000};
	int nsizes = 3, runs = 1, buckets = 0, gets = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
			runs = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--sizes") == 0 && i + 1 < argc) {
			nsizes = 0;
			for (char *s = strtok(argv[++i], ","); s != NULL && nsizes < 8; s = strtok(NULL, ","))
				sizes[nsizes++] = atol(s);
		} else if (strcmp(argv[i], "--spread") == 0) {
			spread = 1;
		} else if (strcmp(argv[i], "--first") == 0) {
			first_renewal = 1;
		} else if (strcmp(argv[i], "--gets") == 0) {
			gets = 1;
		} else if (strcmp(argv[i], "--design") == 0 && i + 1 < argc &&
		           (strcmp(argv[i + 1], "buckets") == 0 || strcmp(argv[i + 1], "folded") == 0)) {
			buckets = 1;
			folded = strcmp(argv[++i], "folded") == 0;
		} else {
			fprintf(stderr, "usage: bench-billing [--sizes N,N,...] [--runs R] [--design buckets|folded] [--spread] "
			                "[--first] [--gets]\n");
			return 2;
		}
	}
	if (runs < 1 || runs > 15)
		runs = 1;
	printf("RunBilling%s: N subscriptions over %d projects, 1%% due%s, %s; one run each side (median of %d)\n",
	       !buckets ? "" : folded ? " (the due-shard prototype, account folded, not the library's)"
	                              : " (the due-shard prototype, not the library's)",
	       PROJECTS, spread ? " (spread over every project)" : "",
	       first_renewal ? "their first renewal (record-managed)" : "their second renewal (from DUE buckets)", runs);
	printf("%10s %8s %12s %12s %10s %12s %12s %8s\n", "N", "due", "ours ms", "SQLite ms", "ratio", "ours us/due",
	       "SQL us/due", "verdict");
	for (int k = 0; k < nsizes; k++) {
		long n = sizes[k], charged = 0, sql_charged = 0;
		double ours[15], sql[15];
		for (int r = 0; r < runs; r++) {
			numbering_store *store = buckets ? build_proto(n) : build_ours(n);
			ours[r] = buckets ? run_proto(store, &charged) : run_ours(store, &charged);
			if (gets && !buckets && r == 0) {
				long bc = 0, rcount = 0;
				double tb = get_bucket(store, n, &bc), tr = get_record(store, n, &rcount);
				printf("%10ld  GetSubscription: %.2f us bucket-managed (%ld), %.2f us record-managed (%ld)\n", n,
				       tb * 1e6 / (double)bc, bc, tr * 1e6 / (double)rcount, rcount);
			}
			if (buckets) {
				verify_proto(store, n, charged);
				if (r == 0)
					printf("%10ld  prototype: an item added to its first due day's shard (a purchase's share): "
					       "%.2f us\n",
					       n, add_proto(store, 1000) * 1e3);
			}
			numbering_store_close(store);
			sqlite3 *db = build_sql(n);
			sql[r] = run_sql(db, &sql_charged);
			sqlite3_close(db);
		}
		if (charged != sql_charged) {
			fprintf(stderr, "bench-billing: ours charged %ld, SQLite %ld\n", charged, sql_charged);
			return 1;
		}
		qsort(ours, (size_t)runs, sizeof(double), cmp_double);
		qsort(sql, (size_t)runs, sizeof(double), cmp_double);
		double o = ours[runs / 2], s = sql[runs / 2], ratio = s / o;
		const char *verdict = ratio >= 10 ? "PASS" : "MISS";
		printf("%10ld %8ld %12.2f %12.2f %9.1fx %12.2f %12.2f %8s\n", n, charged, o * 1e3, s * 1e3, ratio,
		       o * 1e6 / (double)charged, s * 1e6 / (double)charged, verdict);
		char figure[160], ours_text[32], peer_text[32], ratio_text[32];
		/* The prototype's rows are named apart: they are not the library's figure. */
		snprintf(figure, sizeof(figure), "RunBilling%s, %ld subscriptions, %ld due%s",
		         !buckets ? "" : folded ? " (due-shard prototype, account folded)" : " (due-shard prototype)", n,
		         charged, spread ? " (spread)" : "");
		snprintf(ours_text, sizeof(ours_text), "%.2f ms", o * 1e3);
		snprintf(peer_text, sizeof(peer_text), "%.2f ms", s * 1e3);
		snprintf(ratio_text, sizeof(ratio_text), "%.1fx", ratio);
		bench_table_row("bench-billing", figure, ours_text, "SQLite", peer_text, ratio_text, ">= 10x", verdict);
	}
	return 0;
}
