/*
 * bench-phones: Voximplant's GetPhoneNumbers (issue 14) over one account's numbers,
 * beside SQLite holding the same numbers, measured in the same run.
 *
 *   bench-phones [--numbers N] [--runs R] [--clock wall|cpu]
 *
 * The account (projects/1) rents N numbers (default 1,000,000) from an inventory of
 * N single numbers through the public API (numbering_store_rent: each an instance, an
 * ACTIVE record with the inventory attributes, a purchase, a charge and a
 * subscription), then every 10th number's subscription has autoCharge turned off and
 * every 20th number is bound to an application. The inventory: 3/4 of the numbers
 * are US and 1/4 CA (all +1), categoryName GEOGRAPHIC for half of them and MOBILE or
 * TOLLFREE for the rest, one of 10 regionNames, a monthly price of USD 1.00 .. 9.99.
 *
 * The query: three filters and an order_by, a page of 100 from offset 0 and from
 * offset 5,000, with total_count:
 *
 *   country_code US, phone_category_name GEOGRAPHIC, auto_charge true,
 *   order_by phone_price (ties by phone_id)
 *
 * It matches about 34% of the numbers (340,000 at the full size); the filters come
 * from three different records of each number (the instance, the ACTIVE record, the
 * subscription), so neither side can answer from one index.
 *
 * SQLite (:memory:) holds the same numbers as the library's records are, with the
 * same indexes (docs/RECORDS.md): instances(name PRIMARY KEY, project, phone_id
 * UNIQUE, number, country, create_time) with an index on (project, create_time), as
 * the store lists an account's instances; active, subscriptions and phones each keyed
 * by the instance name (WITHOUT ROWID), as the store gets them by name; phones also
 * indexed on (project, application_id), the PHONE record's key. The query is one
 * SELECT joining the four with LIMIT/OFFSET and one SELECT count(*) with the same
 * joins and filters (total_count), as a good SQLite user writes them; both prepared
 * once. The figure compares one GetPhoneNumbers (C API, the page read) with the two
 * statements stepped to the end.
 *
 * For the record a second SQLite figure is printed without a target: the numbers in
 * one denormalized table with a covering index on exactly this query's filters and
 * order (project, country, category, auto_charge, price, phone_id), which no store
 * of several record kinds can match for every combination of the seed's 30
 * parameters.
 *
 * Each timed figure is the median of R runs (default 5), the two sides alternating,
 * in wall time or, with --clock cpu, in the thread's CPU time (on a loaded machine the
 * wall time counts the other processes' turns). For callgrind, each side's timed call
 * is a function of its own (noinline): --toggle-collect=run_ours or run_sqlite counts
 * one side's instructions.
 * The pages of both are first compared (the same phone ids, the same total_count).
 * Nothing here asserts a time: a missed target is printed as MISS.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include <numbering/numbering.h>
#include <numbering/application.h>
#include <numbering/phone.h>
#include <numbering/sys/backend.h>

#include "report.h"

#define PROJECT "projects/1"
#define BASE UINT64_C(2082000000) /* national numbers, +1 208 200 0000 onwards */
#define PAGE 100
#define TARGET 10.0
#define RUNS_MAX 99

static int g_runs = 5;
static volatile int64_t g_sink;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The clock of the timed queries: wall time, or with --clock cpu the thread's CPU time. */
static clockid_t g_op_clock = CLOCK_MONOTONIC;

static double op_now(void)
{
	struct timespec ts;
	clock_gettime(g_op_clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what, int rc)
{
	char *json = NULL;
	numbering_error_json(&json);
	fprintf(stderr, "bench-phones: %s failed (%d): %s\n", what, rc, json ? json : "");
	exit(1);
}

static void sql_die(sqlite3 *db, const char *what)
{
	fprintf(stderr, "bench-phones: SQLite %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

static void exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "bench-phones: SQLite: %s\n  %s\n", err ? err : "?", sql);
		exit(1);
	}
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		sql_die(db, sql);
	return st;
}

/* What number i is. */
static const char *country_of(int64_t i)
{
	return i % 4 == 3 ? "CA" : "US";
}

static const char *category_of(int64_t i)
{
	static const char *const c[] = {"GEOGRAPHIC", "MOBILE", "GEOGRAPHIC", "TOLLFREE"};
	return c[(i / 4) % 4];
}

static const char *region_of(int64_t i)
{
	static const char *const r[] = {"Boise",   "Nampa",    "Meridian", "Idaho Falls", "Pocatello",
	                                "Caldwell", "Coeur d'Alene", "Twin Falls", "Lewiston", "Post Falls"};
	return r[(i / 7) % 10];
}

static int64_t price_of(int64_t i)
{
	return 100 + (int64_t)(((uint64_t)i * 7919u) % 900u);
}

/* ---- Loading ---- */

struct loaded {
	int64_t *phone_ids;
	char (*names)[64];
	int64_t *create_times;
};

static void import_inventory(numbering_store *store, int64_t n)
{
	numbering_available_number *batch[1000];
	for (int j = 0; j < 1000; j++)
		if (numbering_available_number_new(&batch[j]) != NUMBERING_OK)
			die("numbering_available_number_new", 1);
	for (int64_t i = 0; i < n;) {
		int k = 0;
		for (; k < 1000 && i < n; k++, i++) {
			char number[24];
			snprintf(number, sizeof(number), "+1%010" PRIu64, BASE + (uint64_t)i);
			numbering_available_number *a = batch[k];
			int rc = numbering_available_number_set_numbers(a, number, NULL);
			if (rc == NUMBERING_OK)
				rc = numbering_available_number_set_region_code(a, country_of(i));
			if (rc == NUMBERING_OK)
				rc = numbering_available_number_set_type(a, NUMBERING_NUMBER_TYPE_LOCAL);
			if (rc == NUMBERING_OK)
				rc = numbering_available_number_set_int(a, "capability", NUMBERING_CAPABILITY_VOICE);
			if (rc == NUMBERING_OK)
				rc = numbering_available_number_set_text(a, "categoryName", category_of(i));
			if (rc == NUMBERING_OK)
				rc = numbering_available_number_set_text(a, "regionName", region_of(i));
			if (rc == NUMBERING_OK)
				rc = numbering_available_number_set_money(a, "monthlyPrice", "USD", price_of(i));
			if (rc != NUMBERING_OK)
				die("an inventory attribute", rc);
		}
		int64_t imported = 0;
		int rc = numbering_store_import_available(&imported, store, NULL, (const numbering_available_number *const *)batch, k);
		if (rc != NUMBERING_OK)
			die("numbering_store_import_available", rc);
	}
	for (int j = 0; j < 1000; j++)
		numbering_available_number_free(batch[j]);
}

static void load_store(numbering_store *store, struct loaded *l, int64_t n, int64_t *application_id)
{
	import_inventory(store, n);
	numbering_billing_entry *entry = NULL;
	int rc = numbering_store_adjust_billing_account(&entry, store, NULL, PROJECT, "USD", INT64_C(1) << 50, "top-up",
	                                                NULL);
	if (rc != NUMBERING_OK)
		die("numbering_store_adjust_billing_account", rc);
	numbering_billing_entry_free(entry);
	for (int64_t i = 0; i < n; i++) {
		char number[24];
		snprintf(number, sizeof(number), "+1%010" PRIu64, BASE + (uint64_t)i);
		numbering_active_number *a = NULL;
		if ((rc = numbering_store_rent(&a, store, NULL, PROJECT, number, NULL)) != NUMBERING_OK)
			die("numbering_store_rent", rc);
		const numbering_instance *in = numbering_active_number_instance(a);
		l->phone_ids[i] = numbering_instance_phone_id(in);
		snprintf(l->names[i], sizeof(l->names[i]), "%s", numbering_instance_name(in));
		l->create_times[i] = numbering_instance_create_time(in);
		numbering_active_number_free(a);
		if (i % 10 == 9) {
			char sub[96];
			snprintf(sub, sizeof(sub), PROJECT "/subscriptions/%s", strrchr(l->names[i], '/') + 1);
			if ((rc = numbering_store_set_subscription_auto_charge(NULL, store, NULL, sub, 0)) != NUMBERING_OK)
				die("numbering_store_set_subscription_auto_charge", rc);
		}
	}
	if ((rc = numbering_store_add_application(application_id, store, NULL, PROJECT, "bench")) != NUMBERING_OK)
		die("numbering_store_add_application", rc);
	/* Every 20th number bound: 1,000 a call. */
	int64_t ids[1000];
	for (int64_t i = 0; i < n;) {
		int k = 0;
		for (; k < 1000 && i < n; i += 20)
			ids[k++] = l->phone_ids[i];
		if (k == 0)
			break;
		rc = numbering_store_bind_phones(store, NULL, PROJECT, ids, k, 0, NULL, 0, *application_id, NULL, 0, NULL, 1);
		if (rc != NUMBERING_OK)
			die("numbering_store_bind_phones", rc);
	}
}

static void load_sqlite(sqlite3 *db, const struct loaded *l, int64_t n, int64_t application_id)
{
	exec(db, "CREATE TABLE instances(name TEXT PRIMARY KEY, project TEXT NOT NULL, phone_id INTEGER NOT NULL UNIQUE, "
	         "number TEXT NOT NULL, country TEXT NOT NULL, create_time INTEGER NOT NULL)");
	exec(db, "CREATE INDEX instances_by_project ON instances(project, create_time)");
	exec(db, "CREATE TABLE active(instance TEXT PRIMARY KEY, category TEXT, region_name TEXT, state TEXT, "
	         "price INTEGER, currency TEXT, sandbox INTEGER) WITHOUT ROWID");
	exec(db, "CREATE TABLE subscriptions(instance TEXT PRIMARY KEY, state INTEGER NOT NULL, "
	         "auto_charge INTEGER NOT NULL, next_charge INTEGER) WITHOUT ROWID");
	exec(db, "CREATE TABLE phones(instance TEXT PRIMARY KEY, project TEXT NOT NULL, application_id INTEGER, "
	         "rule_id INTEGER, verification_status INTEGER, hold_until INTEGER, verification_name TEXT, "
	         "sms_url TEXT) WITHOUT ROWID");
	exec(db, "CREATE INDEX phones_by_application ON phones(project, application_id)");
	exec(db, "CREATE TABLE flat(project TEXT NOT NULL, phone_id INTEGER PRIMARY KEY, number TEXT, country TEXT, "
	         "category TEXT, region_name TEXT, price INTEGER, auto_charge INTEGER, state INTEGER, next_charge INTEGER, "
	         "create_time INTEGER, application_id INTEGER)");
	exec(db, "CREATE INDEX flat_query ON flat(project, country, category, auto_charge, price, phone_id)");
	sqlite3_stmt *in = prepare(db, "INSERT INTO instances VALUES(?1, '" PROJECT "', ?2, ?3, ?4, ?5)");
	sqlite3_stmt *ac = prepare(db, "INSERT INTO active VALUES(?1, ?2, ?3, NULL, ?4, 'USD', 0)");
	sqlite3_stmt *su = prepare(db, "INSERT INTO subscriptions VALUES(?1, 1, ?2, ?3)");
	sqlite3_stmt *ph = prepare(db, "INSERT INTO phones VALUES(?1, '" PROJECT "', ?2, NULL, NULL, NULL, NULL, NULL)");
	sqlite3_stmt *fl = prepare(db, "INSERT INTO flat VALUES('" PROJECT "', ?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?9, ?10)");
	exec(db, "BEGIN");
	for (int64_t i = 0; i < n; i++) {
		char number[24];
		snprintf(number, sizeof(number), "+1%010" PRIu64, BASE + (uint64_t)i);
		int auto_charge = i % 10 != 9;
		int64_t next = l->create_times[i] + INT64_C(2592000000000000); /* the order does not read it */
		sqlite3_bind_text(in, 1, l->names[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(in, 2, l->phone_ids[i]);
		sqlite3_bind_text(in, 3, number, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(in, 4, country_of(i), -1, SQLITE_STATIC);
		sqlite3_bind_int64(in, 5, l->create_times[i]);
		sqlite3_bind_text(ac, 1, l->names[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(ac, 2, category_of(i), -1, SQLITE_STATIC);
		sqlite3_bind_text(ac, 3, region_of(i), -1, SQLITE_STATIC);
		sqlite3_bind_int64(ac, 4, price_of(i));
		sqlite3_bind_text(su, 1, l->names[i], -1, SQLITE_STATIC);
		sqlite3_bind_int(su, 2, auto_charge);
		sqlite3_bind_int64(su, 3, next);
		sqlite3_bind_int64(fl, 1, l->phone_ids[i]);
		sqlite3_bind_text(fl, 2, number, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(fl, 3, country_of(i), -1, SQLITE_STATIC);
		sqlite3_bind_text(fl, 4, category_of(i), -1, SQLITE_STATIC);
		sqlite3_bind_text(fl, 5, region_of(i), -1, SQLITE_STATIC);
		sqlite3_bind_int64(fl, 6, price_of(i));
		sqlite3_bind_int(fl, 7, auto_charge);
		sqlite3_bind_int64(fl, 8, next);
		sqlite3_bind_int64(fl, 9, l->create_times[i]);
		if (i % 20 == 0)
			sqlite3_bind_int64(fl, 10, application_id);
		else
			sqlite3_bind_null(fl, 10);
		sqlite3_stmt *all[] = {in, ac, su, fl};
		for (int k = 0; k < 4; k++) {
			if (sqlite3_step(all[k]) != SQLITE_DONE)
				sql_die(db, "INSERT");
			sqlite3_reset(all[k]);
		}
		if (i % 20 == 0) {
			sqlite3_bind_text(ph, 1, l->names[i], -1, SQLITE_STATIC);
			sqlite3_bind_int64(ph, 2, application_id);
			if (sqlite3_step(ph) != SQLITE_DONE)
				sql_die(db, "INSERT");
			sqlite3_reset(ph);
		}
	}
	exec(db, "COMMIT");
	exec(db, "ANALYZE");
	sqlite3_stmt *all[] = {in, ac, su, ph, fl};
	for (int k = 0; k < 5; k++)
		sqlite3_finalize(all[k]);
}

/* ---- The queries ---- */

struct result {
	int64_t ids[PAGE];
	int count;
	int64_t total;
};

__attribute__((noinline)) static void run_ours(numbering_store *store, int64_t offset, struct result *out)
{
	static const char *const us[] = {"US"};
	numbering_phone_query q = NUMBERING_PHONE_QUERY_INIT;
	q.country_codes = us;
	q.country_code_count = 1;
	q.phone_category_name = "GEOGRAPHIC";
	q.auto_charge = 1;
	q.order_by = NUMBERING_PHONE_ORDER_PHONE_PRICE;
	q.count = PAGE;
	q.offset = offset;
	numbering_phone_page *page = NULL;
	int rc = numbering_store_list_phones(&page, store, NULL, PROJECT, &q);
	if (rc != NUMBERING_OK)
		die("numbering_store_list_phones", rc);
	out->count = numbering_phone_page_count(page);
	out->total = numbering_phone_page_total_count(page);
	int64_t sink = 0;
	for (int i = 0; i < out->count; i++) {
		const numbering_phone_info *p = numbering_phone_page_item(page, i);
		out->ids[i] = p->phone_id;
		sink += p->price_minor + (int64_t)strlen(p->phone_number) + p->phone_next_renewal + p->auto_charge;
	}
	g_sink += sink;
	numbering_phone_page_free(page);
}

static const char *const sql_page =
        "SELECT i.phone_id, i.number, a.price, a.currency, i.country, s.next_charge, i.create_time, s.state, "
        "s.auto_charge, p.application_id, p.rule_id, a.category, a.region_name, a.state, p.verification_status, "
        "p.hold_until, p.verification_name, p.sms_url "
        "FROM instances i LEFT JOIN active a ON a.instance = i.name LEFT JOIN subscriptions s ON s.instance = i.name "
        "LEFT JOIN phones p ON p.instance = i.name "
        "WHERE i.project = ?1 AND i.country = 'US' AND a.category = 'GEOGRAPHIC' AND s.auto_charge = 1 "
        "ORDER BY a.price, i.phone_id LIMIT ?2 OFFSET ?3";
static const char *const sql_count =
        "SELECT count(*) FROM instances i LEFT JOIN active a ON a.instance = i.name "
        "LEFT JOIN subscriptions s ON s.instance = i.name "
        "WHERE i.project = ?1 AND i.country = 'US' AND a.category = 'GEOGRAPHIC' AND s.auto_charge = 1";
static const char *const flat_page =
        "SELECT phone_id, number, price, country, next_charge, create_time, state, auto_charge, application_id, "
        "category, region_name FROM flat "
        "WHERE project = ?1 AND country = 'US' AND category = 'GEOGRAPHIC' AND auto_charge = 1 "
        "ORDER BY price, phone_id LIMIT ?2 OFFSET ?3";
static const char *const flat_count =
        "SELECT count(*) FROM flat WHERE project = ?1 AND country = 'US' AND category = 'GEOGRAPHIC' AND auto_charge = 1";

__attribute__((noinline)) static void run_sqlite(sqlite3 *db, sqlite3_stmt *page, sqlite3_stmt *count, int64_t offset,
                                                 struct result *out)
{
	sqlite3_bind_text(page, 1, PROJECT, -1, SQLITE_STATIC);
	sqlite3_bind_int(page, 2, PAGE);
	sqlite3_bind_int64(page, 3, offset);
	out->count = 0;
	int64_t sink = 0;
	int rc;
	while ((rc = sqlite3_step(page)) == SQLITE_ROW) {
		if (out->count < PAGE)
			out->ids[out->count++] = sqlite3_column_int64(page, 0);
		sink += sqlite3_column_int64(page, 2) + sqlite3_column_bytes(page, 1) + sqlite3_column_int64(page, 4);
	}
	if (rc != SQLITE_DONE)
		sql_die(db, "page");
	sqlite3_reset(page);
	sqlite3_bind_text(count, 1, PROJECT, -1, SQLITE_STATIC);
	if (sqlite3_step(count) != SQLITE_ROW)
		sql_die(db, "count");
	out->total = sqlite3_column_int64(count, 0);
	sqlite3_reset(count);
	g_sink += sink;
}

static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), by_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void same(const struct result *a, const struct result *b, const char *what)
{
	int ok = a->count == b->count && a->total == b->total;
	for (int i = 0; ok && i < a->count; i++)
		ok = a->ids[i] == b->ids[i];
	if (!ok) {
		fprintf(stderr, "bench-phones: %s: the library and SQLite disagree (count %d/%d, total %" PRId64 "/%" PRId64 ")\n",
		        what, a->count, b->count, a->total, b->total);
		exit(1);
	}
}

static void figure(const char *name, numbering_store *store, sqlite3 *db, sqlite3_stmt *page, sqlite3_stmt *count,
                   sqlite3_stmt *fpage, sqlite3_stmt *fcount, int64_t offset)
{
	struct result ours, theirs, flat;
	run_ours(store, offset, &ours);
	run_sqlite(db, page, count, offset, &theirs);
	run_sqlite(db, fpage, fcount, offset, &flat);
	same(&ours, &theirs, name);
	same(&ours, &flat, name);
	double t_ours[RUNS_MAX], t_sql[RUNS_MAX], t_flat[RUNS_MAX];
	for (int r = 0; r < g_runs; r++) {
		double t0 = op_now();
		run_ours(store, offset, &ours);
		double t1 = op_now();
		run_sqlite(db, page, count, offset, &theirs);
		double t2 = op_now();
		run_sqlite(db, fpage, fcount, offset, &flat);
		double t3 = op_now();
		t_ours[r] = t1 - t0;
		t_sql[r] = t2 - t1;
		t_flat[r] = t3 - t2;
	}
	double o = median(t_ours, g_runs), s = median(t_sql, g_runs), f = median(t_flat, g_runs);
	double ratio = s / o;
	const char *verdict = ratio >= TARGET ? "ok" : "MISS";
	printf("%-34s %9.2f ms   SQLite (same records, same indexes) %9.2f ms   %6.1fx (>= %.0fx) %s\n", name, o * 1e3,
	       s * 1e3, ratio, TARGET, verdict);
	printf("%-34s %9s      SQLite (one table, this query's covering index) %7.2f ms   %6.2fx (no target)\n", "", "",
	       f * 1e3, f / o);
	printf("%-34s total_count %" PRId64 ", page of %d\n", "", ours.total, ours.count);
	char a[32], b[32], c[32];
	snprintf(a, sizeof(a), "%.2f ms", o * 1e3);
	snprintf(b, sizeof(b), "%.2f ms", s * 1e3);
	snprintf(c, sizeof(c), "%.1fx", ratio);
	bench_table_row("bench-phones", name, a, "SQLite", b, c, ">= 10x", verdict);
}

int main(int argc, char **argv)
{
	int64_t n = 1000000;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--numbers") == 0 && i + 1 < argc)
			n = strtoll(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
			g_runs = atoi(argv[++i]);
		else if (strcmp(argv[i], "--clock") == 0 && i + 1 < argc &&
		         (strcmp(argv[i + 1], "wall") == 0 || strcmp(argv[i + 1], "cpu") == 0))
			g_op_clock = strcmp(argv[++i], "cpu") == 0 ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC;
		else {
			fprintf(stderr, "usage: bench-phones [--numbers N] [--runs R] [--clock wall|cpu]\n");
			return 2;
		}
	}
	if (n < 1000 || n > 9000000 || g_runs < 1 || g_runs > RUNS_MAX) {
		fprintf(stderr, "bench-phones: --numbers 1000 .. 9000000, --runs 1 .. %d\n", RUNS_MAX);
		return 2;
	}
	numbering_backend *backend = NULL;
	int rc = numbering_memory_backend_new(&backend);
	numbering_options options;
	numbering_options_init(&options, NUMBERING_OPTIONS_VERSION);
	options.backend = backend;
	numbering_store *store = NULL;
	if (rc != NUMBERING_OK || (rc = numbering_store_open(&store, &options)) != NUMBERING_OK)
		die("numbering_store_open", rc);
	struct loaded l;
	l.phone_ids = calloc((size_t)n, sizeof(*l.phone_ids));
	l.names = calloc((size_t)n, sizeof(*l.names));
	l.create_times = calloc((size_t)n, sizeof(*l.create_times));
	if (l.phone_ids == NULL || l.names == NULL || l.create_times == NULL)
		die("calloc", 1);
	double t0 = now_s();
	int64_t application_id = 0;
	load_store(store, &l, n, &application_id);
	double t1 = now_s();
	sqlite3 *db = NULL;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		sql_die(db, "open");
	load_sqlite(db, &l, n, application_id);
	double t2 = now_s();
	printf("bench-phones: %" PRId64 " numbers of one account; loaded in %.1f s (libnumbering: rents through the API), "
	       "%.1f s (SQLite); median of %d runs in %s\n",
	       n, t1 - t0, t2 - t1, g_runs, g_op_clock == CLOCK_MONOTONIC ? "wall time" : "the thread's CPU time");
	printf("query: country_code US, phone_category_name GEOGRAPHIC, auto_charge true, order_by phone_price, count %d\n",
	       PAGE);
	sqlite3_stmt *page = prepare(db, sql_page), *count = prepare(db, sql_count);
	sqlite3_stmt *fpage = prepare(db, flat_page), *fcount = prepare(db, flat_count);
	figure("GetPhoneNumbers, offset 0", store, db, page, count, fpage, fcount, 0);
	figure("GetPhoneNumbers, offset 5000", store, db, page, count, fpage, fcount, 5000);
	sqlite3_finalize(page);
	sqlite3_finalize(count);
	sqlite3_finalize(fpage);
	sqlite3_finalize(fcount);
	sqlite3_close(db);
	numbering_store_close(store);
	free(l.phone_ids);
	free(l.names);
	free(l.create_times);
	return g_sink == 42 ? 1 : 0;
}
