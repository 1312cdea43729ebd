/*
 * bench-purchase: CreatePhoneNumberPurchase (numbering_store_create_purchase) against
 * SQLite doing the same writes (issue 13, Performance: at least 5x).
 *
 * Ours: a memory store with N available numbers in blocks of 100 (US LOCAL, setup 1.00
 * + 2.00 a month, no documents) and a funded account; N purchases, each one transaction
 * under the write lock: the number out of the inventory (its block split), the
 * instance, the active number, the reserve and the charge on the account with its
 * ledger entry, the subscription and the purchase record.
 *
 * SQLite (:memory:): the same writes per purchase in one transaction: read the number's
 * row, delete it, insert the instance and the active number, read the account and
 * update it once (the reserve and the charge out of it, as ours writes it once since
 * 55c410f), insert the ledger entry, the subscription (indexed by its next charge
 * date, as ours keeps SUBSCRIPTION records in expiry order for the billing run, and as
 * bench-billing's SQLite side has it) and the purchase (indexed by project and time).
 * It keeps one row per number (no blocks to split) and checks nothing: the least a
 * SQL implementation does.
 *
 * Ours also writes the change journal's CHANGE record in the same transaction (issue
 * 15, docs/CHANGES-JOURNAL.md: one record per commit naming every record it wrote), so
 * "the same writes" includes it: the verdict's SQLite side appends one row a purchase to
 * a rowid table of changes (sequence, time, the seven names in one text), the cheapest
 * journal SQL has. The figure without that row, the peer sessions 9 to 13 measured
 * against before the journal existed, is printed beside it for comparison.
 *
 * Times are the thread's CPU time (--clock cpu, the default) or wall time (--clock
 * wall); --runs R repeats and reports the median. --only ours|sqlite|sqlite-no-journal
 * runs one side (for a profiler) and prints its rate, no ratio. The timed purchases are
 * our_purchases() and sql_purchases(), for callgrind's --toggle-collect: instructions a
 * purchase, stocking and setup left out, are their inclusive counts divided by N.
 * Run: <builddir>/bench/bench-purchase [--numbers N] [--runs R] [--clock cpu|wall]
 *      [--only ours|sqlite|sqlite-no-journal]
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "numbering/numbering.h"
#include "report.h"

static clockid_t g_clock = CLOCK_THREAD_CPUTIME_ID;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(g_clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "bench-purchase: %s: %s\n", what, numbering_error_message());
	exit(1);
}

/* The timed purchases, in a function of their own for callgrind's --toggle-collect. */
__attribute__((noinline)) static void our_purchases(numbering_store *store, int n)
{
	for (int i = 0; i < n; i++) {
		char number[32];
		snprintf(number, sizeof(number), "+1212%03d%04d", 200 + i / 10000, i % 10000);
		numbering_purchase_request r = NUMBERING_PURCHASE_REQUEST_INIT;
		r.friendly_name = "Line";
		r.phone_number = number;
		r.country_code = "US";
		numbering_purchase *p = NULL;
		if (numbering_store_create_purchase(&p, store, NULL, "projects/p1", &r) != NUMBERING_OK ||
		    numbering_purchase_int(p, "status") != NUMBERING_PURCHASE_COMPLETED)
			die(number);
		numbering_purchase_free(p);
	}
}

static double ours(int n)
{
	numbering_store *store = NULL;
	if (numbering_store_open(&store, NULL) != NUMBERING_OK)
		die("open");
	for (int b = 0; b < n / 100; b++) {
		numbering_available_number *a = NULL;
		char text[32];
		snprintf(text, sizeof(text), "+1212%03d%02d00-99", 200 + b / 100, b % 100);
		if (numbering_available_number_new(&a) != NUMBERING_OK ||
		    numbering_available_number_set_numbers(a, text, NULL) != NUMBERING_OK ||
		    numbering_available_number_set_type(a, NUMBERING_NUMBER_TYPE_LOCAL) != NUMBERING_OK ||
		    numbering_available_number_set_money(a, "setupPrice", "USD", 100) != NUMBERING_OK ||
		    numbering_available_number_set_money(a, "monthlyPrice", "USD", 200) != NUMBERING_OK)
			die("stock");
		const numbering_available_number *items[] = {a};
		if (numbering_store_import_available(NULL, store, NULL, items, 1) != NUMBERING_OK)
			die("import");
		numbering_available_number_free(a);
	}
	char *response = NULL;
	char top[256];
	snprintf(top, sizeof(top),
	         "{\"parent\":\"projects/p1\",\"amount\":{\"currencyCode\":\"USD\",\"amount\":\"%d.00\"},\"reason\":\"top-up\"}",
	         3 * n);
	if (numbering_store_call_json(&response, store, NULL, "AdjustBillingAccount", top) != NUMBERING_OK)
		die(response ? response : "top-up");
	numbering_free(response);
	double t0 = now_s();
	our_purchases(store, n);
	double t = now_s() - t0;
	numbering_store_close(store);
	return t;
}

static void exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "bench-purchase: sqlite: %s: %s\n", sql, err);
		exit(1);
	}
}

/* SQLite's timed purchases: @count statements of @sql (prepared in @st) a purchase. */
__attribute__((noinline)) static void sql_purchases(sqlite3 *db, const char *const *sql, sqlite3_stmt **st, int count,
                                                    sqlite3_stmt *begin, sqlite3_stmt *commit, int n)
{
	for (int i = 0; i < n; i++) {
		char number[32];
		snprintf(number, sizeof(number), "+1212%03d%04d", 200 + i / 10000, i % 10000);
		sqlite3_step(begin);
		sqlite3_reset(begin);
		for (int k = 0; k < count; k++) {
			sqlite3_bind_text(st[k], 1, number, -1, SQLITE_TRANSIENT);
			if (sqlite3_bind_parameter_count(st[k]) >= 2)
				sqlite3_bind_int64(st[k], 2, i);
			int rc;
			while ((rc = sqlite3_step(st[k])) == SQLITE_ROW)
				;
			if (rc != SQLITE_DONE) {
				fprintf(stderr, "bench-purchase: %s: %s\n", sql[k], sqlite3_errmsg(db));
				exit(1);
			}
			sqlite3_reset(st[k]);
		}
		sqlite3_step(commit);
		sqlite3_reset(commit);
	}
}

static double peer(int n, int with_journal)
{
	sqlite3 *db = NULL;
	sqlite3_open(":memory:", &db);
	exec(db, "CREATE TABLE available(number TEXT PRIMARY KEY, region TEXT, type INT, setup INT, monthly INT,"
	         " months INT) WITHOUT ROWID;"
	         "CREATE TABLE instance(name TEXT PRIMARY KEY, number TEXT UNIQUE, state INT, created INT) WITHOUT ROWID;"
	         "CREATE TABLE active(name TEXT PRIMARY KEY, instance TEXT, monthly INT, next INT) WITHOUT ROWID;"
	         "CREATE TABLE account(project TEXT PRIMARY KEY, balance INT, reserved INT, entries INT) WITHOUT ROWID;"
	         "CREATE TABLE entry(project TEXT, n INT, amount INT, after INT, reason TEXT, resource TEXT,"
	         " PRIMARY KEY(project, n)) WITHOUT ROWID;"
	         "CREATE TABLE subscription(name TEXT PRIMARY KEY, monthly INT, next INT) WITHOUT ROWID;"
	         "CREATE INDEX subscription_due ON subscription(next);"
	         "CREATE TABLE purchase(name TEXT PRIMARY KEY, project TEXT, created INT, status TEXT, friendly TEXT,"
	         " number TEXT, charged INT) WITHOUT ROWID;"
	         "CREATE INDEX purchase_by_time ON purchase(project, created);"
	         "CREATE TABLE change(sequence INTEGER PRIMARY KEY, time INT, entries TEXT);");
	exec(db, "BEGIN");
	sqlite3_stmt *ins = NULL;
	sqlite3_prepare_v2(db, "INSERT INTO available VALUES(?, 'US', 1, 100, 200, 1)", -1, &ins, NULL);
	for (int i = 0; i < n; i++) {
		char number[32];
		snprintf(number, sizeof(number), "+1212%03d%04d", 200 + i / 10000, i % 10000);
		sqlite3_bind_text(ins, 1, number, -1, SQLITE_TRANSIENT);
		sqlite3_step(ins);
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	exec(db, "INSERT INTO account VALUES('projects/p1', 100000000000, 0, 0); COMMIT");
	static const char *const sql[] = {
		"SELECT setup, monthly, months FROM available WHERE number = ?1",
		"DELETE FROM available WHERE number = ?1",
		"INSERT INTO instance VALUES('projects/p1/phoneNumberInstances/' || ?1, ?1, 1, ?2)",
		"INSERT INTO active VALUES('projects/p1/activeNumbers/' || ?1, 'projects/p1/phoneNumberInstances/' || ?1, 200, ?2)",
		"SELECT balance, reserved, entries FROM account WHERE project = 'projects/p1'",
		"UPDATE account SET balance = balance - 300, reserved = reserved - 300, entries = entries + 1"
		" WHERE project = 'projects/p1'",
		"INSERT INTO entry SELECT project, entries, -300, balance, 'purchase', 'projects/p1/phoneNumberPurchases/' || ?1"
		" FROM account WHERE project = 'projects/p1'",
		"INSERT INTO subscription VALUES('projects/p1/subscriptions/' || ?1, 200, ?2)",
		"INSERT INTO purchase VALUES('projects/p1/phoneNumberPurchases/' || ?1, 'projects/p1', ?2, 'COMPLETED', 'Line',"
		" ?1, 300)",
		"INSERT INTO change VALUES(NULL, ?2, 'available/' || ?1 || ' projects/p1/phoneNumberInstances/' || ?1 ||"
		" ' projects/p1/activeNumbers/' || ?1 || ' projects/p1/billingAccount projects/p1/billingEntries/' ||"
		" (SELECT entries FROM account WHERE project = 'projects/p1') || ' projects/p1/subscriptions/' || ?1 ||"
		" ' projects/p1/phoneNumberPurchases/' || ?1)",
	};
	enum { ALL = sizeof(sql) / sizeof(sql[0]) };
	const int count = with_journal ? ALL : ALL - 1;
	sqlite3_stmt *st[ALL];
	for (int k = 0; k < ALL; k++)
		if (sqlite3_prepare_v2(db, sql[k], -1, &st[k], NULL) != SQLITE_OK) {
			fprintf(stderr, "bench-purchase: %s: %s\n", sql[k], sqlite3_errmsg(db));
			exit(1);
		}
	sqlite3_stmt *begin = NULL, *commit = NULL;
	sqlite3_prepare_v2(db, "BEGIN", -1, &begin, NULL);
	sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL);
	double t0 = now_s();
	sql_purchases(db, sql, st, count, begin, commit, n);
	double t = now_s() - t0;
	for (int k = 0; k < ALL; k++)
		sqlite3_finalize(st[k]);
	sqlite3_finalize(begin);
	sqlite3_finalize(commit);
	sqlite3_close(db);
	return t;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int n = 100000, runs = 3;
	int run_ours = 1, run_sql = 1, run_plain = 1;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--numbers") == 0)
			n = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--runs") == 0)
			runs = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--clock") == 0 && strcmp(argv[i + 1], "wall") == 0)
			g_clock = CLOCK_MONOTONIC;
		else if (strcmp(argv[i], "--clock") == 0 && strcmp(argv[i + 1], "cpu") == 0)
			g_clock = CLOCK_THREAD_CPUTIME_ID;
		else if (strcmp(argv[i], "--only") == 0 && strcmp(argv[i + 1], "ours") == 0)
			run_sql = run_plain = 0;
		else if (strcmp(argv[i], "--only") == 0 && strcmp(argv[i + 1], "sqlite") == 0)
			run_ours = run_plain = 0;
		else if (strcmp(argv[i], "--only") == 0 && strcmp(argv[i + 1], "sqlite-no-journal") == 0)
			run_ours = run_sql = 0;
		else
			n = 0; /* an unknown option or clock: the usage below */
	}
	if (n < 100 || n > 1000000 || runs < 1 || runs > 99) {
		fprintf(stderr, "usage: bench-purchase [--numbers 100..1000000] [--runs 1..99] [--clock cpu|wall]"
		                " [--only ours|sqlite|sqlite-no-journal]\n");
		return 2;
	}
	n -= n % 100;
	double a[99], b[99], c[99];
	for (int r = 0; r < runs; r++) {
		a[r] = run_ours ? ours(n) : 1;
		b[r] = run_sql ? peer(n, 1) : 1;
		c[r] = run_plain ? peer(n, 0) : 1;
	}
	qsort(a, (size_t)runs, sizeof(double), by_value);
	qsort(b, (size_t)runs, sizeof(double), by_value);
	qsort(c, (size_t)runs, sizeof(double), by_value);
	double ra = n / a[runs / 2], rb = n / b[runs / 2], rc = n / c[runs / 2];
	char x[32], y[32], z[32], ratio[32], plain[32];
	bench_format_rate(x, sizeof(x), ra);
	bench_format_rate(y, sizeof(y), rb);
	bench_format_rate(z, sizeof(z), rc);
	const char *clock = g_clock == CLOCK_MONOTONIC ? "wall time" : "thread CPU time";
	if (run_ours + run_sql + run_plain == 1) {
		printf("CreatePhoneNumberPurchase, %d purchases, median of %d (%s): %s %s (one side only, no ratio)\n", n,
		       runs, clock, run_ours ? "ours" : run_sql ? "SQLite" : "SQLite without the journal",
		       run_ours ? x : run_sql ? y : z);
		return 0;
	}
	snprintf(ratio, sizeof(ratio), "%.2fx", ra / rb);
	snprintf(plain, sizeof(plain), "%.2fx", ra / rc);
	printf("CreatePhoneNumberPurchase, %d purchases, median of %d (%s): ours %s, SQLite %s: %s (target 5x);"
	       " SQLite without the change journal %s: %s\n",
	       n, runs, clock, x, y, ratio, z, plain);
	bench_table_row("bench-purchase", "CreatePhoneNumberPurchase", x, "SQLite", y, ratio, "5x",
	                ra / rb >= 5 ? "PASS" : "MISS");
	bench_table_row("bench-purchase", "CreatePhoneNumberPurchase", x, "SQLite, no journal", z, plain, "", "info");
	return 0;
}
