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
 * each, a ledger entry, the account, the subscription, in batches of 64 per transaction.
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
 * Run: <builddir>/bench/bench-billing [--sizes 10000,100000,1000000] [--runs R]
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"
#include "model/validate.h"
#include "numbering/numbering.h"
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

/* The start of subscription @i: 1% (every 100th) started a month before NOW, so its
 * next charge is due; the rest started since, spread over the last 27 days. Unique
 * times (the sort key within a project is the start). */
static int64_t start_of(long i)
{
	if (i % 100 == 0)
		return numbering__add_months(NOW, -1) - (int64_t)i * 1000;
	return NOW - 27 * DAY + (int64_t)(i % 2000000) * 1000000 + (i / 2000000);
}

static void instance_name(char *buf, size_t size, long i)
{
	snprintf(buf, size, "projects/p%ld/phoneNumberInstances/i%ld", i % PROJECTS, i);
}

/* ---- Ours ---- */

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
		in.start = start_of(i);
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
	clk = NOW;
	return store;
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
	int nsizes = 3, runs = 1;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
			runs = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--sizes") == 0 && i + 1 < argc) {
			nsizes = 0;
			for (char *s = strtok(argv[++i], ","); s != NULL && nsizes < 8; s = strtok(NULL, ","))
				sizes[nsizes++] = atol(s);
		} else {
			fprintf(stderr, "usage: bench-billing [--sizes N,N,...] [--runs R]\n");
			return 2;
		}
	}
	if (runs < 1 || runs > 15)
		runs = 1;
	printf("RunBilling: N subscriptions over %d projects, 1%% due; one run each side (median of %d)\n", PROJECTS,
	       runs);
	printf("%10s %8s %12s %12s %10s %12s %12s %8s\n", "N", "due", "ours ms", "SQLite ms", "ratio", "ours us/due",
	       "SQL us/due", "verdict");
	for (int k = 0; k < nsizes; k++) {
		long n = sizes[k], charged = 0, sql_charged = 0;
		double ours[15], sql[15];
		for (int r = 0; r < runs; r++) {
			numbering_store *store = build_ours(n);
			ours[r] = run_ours(store, &charged);
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
		char figure[96], ours_text[32], peer_text[32], ratio_text[32];
		snprintf(figure, sizeof(figure), "RunBilling, %ld subscriptions, %ld due", n, charged);
		snprintf(ours_text, sizeof(ours_text), "%.2f ms", o * 1e3);
		snprintf(peer_text, sizeof(peer_text), "%.2f ms", s * 1e3);
		snprintf(ratio_text, sizeof(ratio_text), "%.1fx", ratio);
		bench_table_row("bench-billing", figure, ours_text, "SQLite", peer_text, ratio_text, ">= 10x", verdict);
	}
	return 0;
}
