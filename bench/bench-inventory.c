/*
 * bench-inventory: the inventory's figures from issue 12 (the Sinch inventory), each
 * beside SQLite holding the same numbers, measured in the same run.
 *
 *   bench-inventory [--numbers N] [--runs R] [--only GROUP] [--dir DIR] [--clock wall|cpu]
 *
 * The inventory holds N numbers (default 11,000,000, the size): 10/11 of them
 * in blocks of 100 (100,000 blocks), 1/11 single numbers (1,000,000), all US LOCAL
 * (one region and type: every search walks the whole inventory's parent, the hardest
 * case for CONTAINS and END), with SMS and VOICE, a setup price of USD 2.00 and a
 * monthly price of USD 1.50. Blocks cover +1 208 200 0000 onwards back to back; the
 * singles start at +1 406 200 0000, 7 apart. Each block is followed by 10 singles in
 * the CSV file, the order numberctl import reads them in.
 *
 * libnumbering is a memory backend, loaded by `numberctl import`'s own code
 * (examples/numberctl/import.c and csv.c, linked in: numberctl_import_run on the CSV
 * file, so the import figure is what a host running `numberctl import` gets: each
 * line's cells set on a numbering_available_number, 1000 lines a
 * numbering_store_import_available call). SQLite (:memory:) loads the
 * same file through the same CSV reader, one row per number, 1000 lines a transaction:
 *
 *   available(number TEXT PRIMARY KEY, region, type, capabilities, setup and monthly
 *             price as currency + minor units, payment interval, documents flag)
 *             WITHOUT ROWID, and an index on (region, type, number)
 *   instances(name TEXT PRIMARY KEY, project, number UNIQUE, the attributes rented with,
 *             state, rent time, next charge time)
 *   accounts(project PRIMARY KEY, currency, balance, reserved, entries), purchases(name
 *             PRIMARY KEY, ...) with an index on (project, create_time), ledger(PRIMARY
 *             KEY (project, seq), ...), subscriptions(name PRIMARY KEY, ...) with an index
 *             on the next charge: what a rent writes besides the instance
 *
 * number is the E.164 text ("+12082000000"); every number has 11 digits, so text
 * order is number order. The searches SQLite runs, as a good SQLite user writes them:
 *
 *   START     WHERE region = ? AND type = ? AND number >= '+1208345' AND number <
 *             '+1208345:' ORDER BY number LIMIT 10 (a range on the index: the same plan
 *             as LIKE '+1208345%' with case_sensitive_like, without its pitfalls)
 *   CONTAINS  ... AND number LIKE '%1234%' ORDER BY number LIMIT 10
 *   END       ... AND number LIKE '%1234' ORDER BY number LIMIT 10
 *
 * Every timed figure is the median of R runs (default 5), alternating with its peer's
 * runs so that a machine busy with other work slows both alike; the imports are one
 * run each. Searches and rents are timed in wall time, or with --clock cpu in the
 * thread's CPU time (both sides run on the one thread): on a machine whose cores are
 * shared with other work, wall time also counts the waits for a core, which fall on
 * either side at random; the imports are always wall time. 256 searches of each kind are first run on both and their numbers compared.
 * --only GROUP (import, search, start, scan = CONTAINS and END, rent, memory) runs one
 * group of figures after the loads, for profiling. Temporary CSV files go in DIR
 * (default $TMPDIR or /tmp), about 55 MB at the full size. Searches are calibrated
 * to about 0.15 s a run; rents run a fixed number of operations (one transaction each:
 * a rent is a purchase paid from the project's billing account, topped up first, so
 * SQLite deletes the row, inserts the instance, charges the account with the balance
 * checked in the update, inserts the purchase, the ledger entry and the subscription,
 * and commits).
 *
 * Figures, with the targets:
 *   import CSV         numbers a second into a memory store (a block counts its 100),
 *                      the data set and singles only (>= 500,000/s), beside SQLite
 *                      loading the same file; then the same files read by the same CSV
 *                      reader through the C API (numbering_store_import_available, 1000
 *                      lines a call) by this file's own loop: what numberctl import
 *                      does since it lost its JSON round trip, without its checks
 *   search START       size 10 (and 100), a 6 or 7 digit prefix of the national number
 *                      or the full number's, vs SQLite (>= 10x); and the same search on
 *                      an inventory 100 times smaller, alternately (no full scan: <= 2x)
 *   search CONTAINS    size 10, 4 random digits, vs SQLite (>= 3x)
 *   search END         size 10, 4 random digits, vs SQLite (>= 3x)
 *   rent, rentAny      one number to an instance, one transaction, vs SQLite (>= 5x)
 *   memory             bytes per single number (<= 100 B), per block of 100 (<= 150 B),
 *                      the memory backend's own accounting; SQLite's bytes per row beside
 *
 * --profile-start S loads only libnumbering's store, runs S START searches of size 10 (the
 * figure's queries and reads) in profile_start() and prints their median CPU time of
 * --runs runs, without SQLite: for callgrind (valgrind --tool=callgrind
 * --toggle-collect=profile_start bench-inventory --numbers 110000 --profile-start 2000
 * --runs 1) and for a quick look at the full size.
 *
 * Nothing here asserts a time: a missed target is printed as MISS.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include <numbering/numbering.h>
#include <numbering/sys/backend.h>

#include "csv.h"    /* examples/numberctl: numberctl import's CSV reader */
#include "import.h" /* examples/numberctl: numberctl import itself */
#include "memory.h" /* backends/memory: the memory backend's control operations */
#include "report.h"
#include "timing.h"

#define BLOCK 100
#define SINGLES_PER_BLOCK 10
#define BLOCK_BASE UINT64_C(2082000000)  /* national numbers, +1 208 200 0000 */
#define SINGLE_BASE UINT64_C(4062000000) /* +1 406 200 0000 */
#define SINGLE_STEP 7
#define QUERIES 4096
#define PROJECT "projects/p1"
/* The billing account's top-up before the rents (USD 10,000,000.00: each rent costs
 * USD 3.50, its setup price and a month). */
#define TOPUP INT64_C(1000000000)
#define TOPUP_TEXT "1000000000"

static volatile uint64_t g_sink;
static int g_runs = 5;
static const char *g_only;
static uint64_t g_profile; /* --profile-start: searches a run, 0 for the figures */

static int want(const char *group)
{
	return g_only == NULL || strcmp(g_only, group) == 0;
}

static void die(const char *what, int rc)
{
	fprintf(stderr, "bench-inventory: %s failed (%d): %s\n", what, rc, numbering_error_message());
	exit(1);
}

static void sqlite_die(sqlite3 *db, const char *what)
{
	fprintf(stderr, "bench-inventory: SQLite %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

/* Operations a run of @fn takes to last about 0.15 s; @next counts operations done. */
static uint64_t calibrate(batch_fn fn, void *ctx, uint64_t *next)
{
	return calibrate_from(fn, ctx, next, 4);
}

/* Median ns per operation of @a and @b measured side by side, runs alternating; a
 * figure runs @fixed operations a run, or is calibrated to ~0.15 s when that is 0. */
static void measure2(batch_fn a, batch_fn b, void *ctx, uint64_t fixed_a, uint64_t fixed_b, double *ns_a,
                     double *ns_b)
{
	batch_fn fns[2] = {a, b};
	uint64_t fixed[2] = {fixed_a, fixed_b}, next[2] = {0, 0}, count[2];
	double ns[2][64];
	int runs = g_runs < 64 ? g_runs : 64;
	for (int i = 0; i < 2; i++)
		count[i] = fixed[i] ? fixed[i] : calibrate(fns[i], ctx, &next[i]);
	for (int r = 0; r < runs; r++) {
		for (int i = 0; i < 2; i++) {
			double t0 = op_now_s();
			fns[i](ctx, next[i], count[i]);
			next[i] += count[i];
			ns[i][r] = (op_now_s() - t0) * 1e9 / (double)count[i];
		}
	}
	*ns_a = median(ns[0], runs);
	*ns_b = median(ns[1], runs);
}

/* ------------------------------------------------------------------------------------ */
/* The data set: blocks of 100 and single numbers, national numbers of the US.          */

struct shape {
	uint32_t blocks, singles;
};

static struct shape shape_of(uint64_t numbers)
{
	struct shape s;
	s.blocks = (uint32_t)(numbers * 10 / 11 / BLOCK);
	s.singles = (uint32_t)(numbers / 11);
	return s;
}

static uint64_t shape_numbers(struct shape s)
{
	return (uint64_t)s.blocks * BLOCK + s.singles;
}

static uint64_t block_first(uint32_t b)
{
	return BLOCK_BASE + (uint64_t)b * BLOCK;
}

static uint64_t single_number(uint32_t i)
{
	return SINGLE_BASE + (uint64_t)i * SINGLE_STEP;
}

/* Number @k of the inventory (0 .. numbers - 1): the blocks' numbers, then the singles. */
static uint64_t nth_number(struct shape s, uint64_t k)
{
	uint64_t in_blocks = (uint64_t)s.blocks * BLOCK;
	return k < in_blocks ? BLOCK_BASE + k : single_number((uint32_t)(k - in_blocks));
}

/* Writes the inventory as numberctl import reads it: a block, then 10 singles. With
 * @kind 1 only the blocks, with 2 only the singles, with 0 both. */
static void write_csv(const char *path, struct shape s, int kind)
{
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		exit(1);
	}
	static const char attrs[] = ",US,LOCAL,SMS;VOICE,USD 2.00,USD 1.50\n";
	fputs("phoneNumber,regionCode,type,capability,setupPrice,monthlyPrice\n", f);
	uint32_t singles = 0;
	for (uint32_t b = 0; b < s.blocks || singles < s.singles; b++) {
		if (b < s.blocks && kind != 2)
			fprintf(f, "+1%010" PRIu64 "-99%s", block_first(b), attrs);
		for (int j = 0; j < SINGLES_PER_BLOCK && singles < s.singles; j++, singles++)
			if (kind != 1)
				fprintf(f, "+1%010" PRIu64 "%s", single_number(singles), attrs);
	}
	if (fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* ------------------------------------------------------------------------------------ */
/* libnumbering: a memory store, loaded by numberctl import's code.                     */

static numbering_store *open_store(numbering_backend **backend)
{
	int rc = numbering_memory_backend_new(backend);
	if (rc != NUMBERING_OK)
		die("numbering_memory_backend_new", rc);
	numbering_options options;
	numbering_options_init(&options, NUMBERING_OPTIONS_VERSION);
	options.backend = *backend;
	numbering_store *store = NULL;
	if ((rc = numbering_store_open(&store, &options)) != NUMBERING_OK)
		die("numbering_store_open", rc);
	return store;
}

static size_t store_bytes(numbering_backend *backend)
{
	struct numbering__memory_stats s;
	if (backend->control(backend, NUMBERING__MEMORY_CONTROL_STATS, &s) != NUMBERING_OK)
		return 0;
	return s.bytes;
}

/* Runs numberctl import on @path into @store; returns the seconds it took. Its summary
 * line ({"imported": ...}) is read back from a temporary file and checked. */
static double import_csv(numbering_store *store, const char *path, const char *dir, unsigned long lines)
{
	char summary_path[256];
	snprintf(summary_path, sizeof(summary_path), "%s/summary.json", dir);
	fflush(stdout);
	int saved = dup(STDOUT_FILENO);
	if (saved < 0 || freopen(summary_path, "w", stdout) == NULL) {
		perror("bench-inventory: redirecting stdout");
		exit(1);
	}
	struct numberctl_import args = {0, path, NULL};
	double t0 = now_s();
	int status = numberctl_import_open(&args) == 0 ? numberctl_import_run(&args, store, NULL) : 1;
	double s = now_s() - t0;
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	clearerr(stdout);
	char text[256] = "";
	FILE *f = fopen(summary_path, "r");
	if (f != NULL) {
		if (fgets(text, sizeof(text), f) == NULL)
			text[0] = '\0';
		fclose(f);
	}
	unlink(summary_path);
	unsigned long imported = 0;
	if (status != 0 || sscanf(text, "{\"imported\": %lu", &imported) != 1 || imported != lines) {
		fprintf(stderr, "bench-inventory: numberctl import of %s: status %d, %s (expected %lu lines)\n", path,
		        status, text, lines);
		exit(1);
	}
	return s;
}

static int capability_bits(const char *cell);

/* "USD 2.00" into @n's price @attribute through the library's own amount parser. */
static int set_price(numbering_available_number *n, const char *attribute, const char *cell)
{
	char currency[4] = "";
	size_t code = strcspn(cell, " ");
	if (code != 3)
		return NUMBERING_INVALID_ARGUMENT;
	memcpy(currency, cell, 3);
	int64_t minor = 0;
	int rc = numbering_money_parse(&minor, currency, cell + 4);
	return rc != NUMBERING_OK ? rc : numbering_available_number_set_money(n, attribute, currency, minor);
}

/* The same CSV file imported through the C API by a loop of its own: numberctl's CSV
 * reader, the cells set on numbering_available_number objects, 1000 lines a
 * numbering_store_import_available call. What numberctl import does (it did CSV -> JSON
 * -> ImportAvailableNumbers before 76d9389), without its checks that a cell is what its
 * column takes. Returns the seconds it took. */
static double import_csv_api(numbering_store *store, const char *path, unsigned long lines)
{
	enum { BATCH = 1000 };
	FILE *in = fopen(path, "rb");
	if (in == NULL) {
		perror(path);
		exit(1);
	}
	double t0 = now_s();
	numbering_available_number *batch[BATCH];
	for (int i = 0; i < BATCH; i++)
		if (numbering_available_number_new(&batch[i]) != NUMBERING_OK)
			die("numbering_available_number_new", 1);
	struct csv_reader csv;
	unsigned long line = 0, done = 0;
	int count = 0, got;
	int64_t imported = 0;
	csv_init(&csv, in, 1024 * 1024);
	if (csv_read(&csv, &line) != 1)
		die("reading the CSV header", 1);
	for (;;) {
		got = csv_read(&csv, &line);
		if (got == 1) {
			numbering_available_number *n = batch[count];
			int rc = numbering_available_number_set_numbers(n, csv_field(&csv, 0), NULL);
			if (rc == NUMBERING_OK)
				rc = numbering_available_number_set_region_code(n, csv_field(&csv, 1));
			if (rc == NUMBERING_OK)
				rc = numbering_available_number_set_type(
					n, strcmp(csv_field(&csv, 2), "LOCAL") == 0 ? NUMBERING_NUMBER_TYPE_LOCAL : 0);
			if (rc == NUMBERING_OK)
				rc = numbering_available_number_set_int(n, "capability", capability_bits(csv_field(&csv, 3)));
			if (rc == NUMBERING_OK)
				rc = set_price(n, "setupPrice", csv_field(&csv, 4));
			if (rc == NUMBERING_OK)
				rc = set_price(n, "monthlyPrice", csv_field(&csv, 5));
			if (rc != NUMBERING_OK)
				die("building an available number from the CSV", rc);
			count++;
		}
		if ((got != 1 && count > 0) || count == BATCH) {
			int rc = numbering_store_import_available(&imported, store, NULL,
			                                          (const numbering_available_number *const *)batch, count);
			if (rc != NUMBERING_OK)
				die("numbering_store_import_available", rc);
			done += (unsigned long)count;
			count = 0;
		}
		if (got != 1)
			break;
	}
	double seconds = now_s() - t0;
	for (int i = 0; i < BATCH; i++)
		numbering_available_number_free(batch[i]);
	csv_free(&csv);
	fclose(in);
	if (got != 0 || done != lines) {
		fprintf(stderr, "bench-inventory: %s: line %lu: %s (%lu of %lu lines)\n", path, line, csv.error, done, lines);
		exit(1);
	}
	return seconds;
}

/* ------------------------------------------------------------------------------------ */
/* SQLite.                                                                              */

#define SQL_AVAILABLE_COLUMNS                                                                           \
	"number, region, type, capabilities, setup_currency, setup_minor, monthly_currency, monthly_minor, " \
	"payment_interval, documents"

struct sql {
	sqlite3 *db;
	sqlite3_stmt *insert, *start, *contains, *end, *rent, *rent_any, *instance, *begin, *commit;
	sqlite3_stmt *pay, *purchase, *entry, *subscription; /* a rent's purchase and charge */
	int64_t time;
};

struct avail_row {
	char number[24], region[4], setup_currency[4], monthly_currency[4];
	int64_t type, capabilities, setup_minor, monthly_minor, interval, documents;
};

static void exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "bench-inventory: SQLite: %s: %s\n", sql, err);
		exit(1);
	}
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		sqlite_die(db, sql);
	return st;
}

static void step_done(sqlite3 *db, sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		sqlite_die(db, sqlite3_sql(st));
	sqlite3_reset(st);
}

static void text_col(char *dst, size_t size, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	int n = sqlite3_column_bytes(st, col);
	if (t == NULL || (size_t)n >= size)
		n = 0;
	if (n)
		memcpy(dst, t, (size_t)n);
	dst[n] = '\0';
}

/* Reads an available row (SQL_AVAILABLE_COLUMNS from column 0), as a caller filling its
 * own struct would. */
static void read_avail(struct avail_row *r, sqlite3_stmt *st)
{
	text_col(r->number, sizeof(r->number), st, 0);
	text_col(r->region, sizeof(r->region), st, 1);
	r->type = sqlite3_column_int64(st, 2);
	r->capabilities = sqlite3_column_int64(st, 3);
	text_col(r->setup_currency, sizeof(r->setup_currency), st, 4);
	r->setup_minor = sqlite3_column_int64(st, 5);
	text_col(r->monthly_currency, sizeof(r->monthly_currency), st, 6);
	r->monthly_minor = sqlite3_column_int64(st, 7);
	r->interval = sqlite3_column_int64(st, 8);
	r->documents = sqlite3_column_int64(st, 9);
}

#define SQL_SEARCH(cond)                                                                          \
	"SELECT " SQL_AVAILABLE_COLUMNS " FROM available WHERE region = ?1 AND type = ?2 AND " cond \
	" ORDER BY number LIMIT ?4"

static void sql_open(struct sql *s)
{
	memset(s, 0, sizeof(*s));
	if (sqlite3_open(":memory:", &s->db) != SQLITE_OK)
		sqlite_die(s->db, "open");
	exec(s->db, "CREATE TABLE available(number TEXT PRIMARY KEY, region TEXT NOT NULL, type INTEGER NOT NULL, "
	            "capabilities INTEGER NOT NULL, setup_currency TEXT, setup_minor INTEGER, monthly_currency TEXT, "
	            "monthly_minor INTEGER, payment_interval INTEGER NOT NULL, documents INTEGER NOT NULL) WITHOUT ROWID");
	exec(s->db, "CREATE INDEX available_search ON available(region, type, number)");
	exec(s->db, "CREATE TABLE instances(name TEXT PRIMARY KEY, project TEXT NOT NULL, number TEXT NOT NULL UNIQUE, "
	            "region TEXT, type INTEGER, capabilities INTEGER, setup_currency TEXT, setup_minor INTEGER, "
	            "monthly_currency TEXT, monthly_minor INTEGER, payment_interval INTEGER, state INTEGER NOT NULL, "
	            "rent_time INTEGER NOT NULL, next_charge_time INTEGER)");
	/* What a rent also writes since purchases (issue 13): the purchase, the ledger entry
	 * and the account's balance, the subscription; each table with the index its list
	 * needs (a project's purchases newest first, its ledger in order, the subscriptions
	 * due). The account starts with the same top-up as ours. */
	exec(s->db, "CREATE TABLE accounts(project TEXT PRIMARY KEY, currency TEXT NOT NULL, balance INTEGER NOT NULL, "
	            "reserved INTEGER NOT NULL, entries INTEGER NOT NULL) WITHOUT ROWID");
	exec(s->db, "CREATE TABLE purchases(name TEXT PRIMARY KEY, project TEXT NOT NULL, instance TEXT NOT NULL, "
	            "phone_number TEXT NOT NULL, friendly_name TEXT, country_code TEXT, type INTEGER, status INTEGER NOT NULL, "
	            "cost_currency TEXT, cost_minor INTEGER, charged_currency TEXT, charged_minor INTEGER, "
	            "create_time INTEGER NOT NULL, update_time INTEGER NOT NULL, completed_at INTEGER) WITHOUT ROWID");
	exec(s->db, "CREATE INDEX purchases_by_project ON purchases(project, create_time)");
	exec(s->db, "CREATE TABLE ledger(project TEXT NOT NULL, seq INTEGER NOT NULL, time INTEGER NOT NULL, "
	            "currency TEXT NOT NULL, amount INTEGER NOT NULL, balance_after INTEGER NOT NULL, reason TEXT NOT NULL, "
	            "resource TEXT, charge_key TEXT UNIQUE, PRIMARY KEY(project, seq)) WITHOUT ROWID");
	exec(s->db, "CREATE TABLE subscriptions(name TEXT PRIMARY KEY, project TEXT NOT NULL, instance TEXT NOT NULL, "
	            "purchase TEXT, currency TEXT, price INTEGER, interval_months INTEGER, start INTEGER NOT NULL, "
	            "periods INTEGER NOT NULL, next_charge INTEGER NOT NULL) WITHOUT ROWID");
	exec(s->db, "CREATE INDEX subscriptions_due ON subscriptions(next_charge)");
	exec(s->db, "INSERT INTO accounts VALUES('" PROJECT "', 'USD', " TOPUP_TEXT ", 0, 1)");
	s->insert = prepare(s->db, "INSERT INTO available(" SQL_AVAILABLE_COLUMNS ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, "
	                           "?8, 1, 0)");
	/* ?3: the prefix, ?5: the prefix followed by ':' (the character after '9'). */
	s->start = prepare(s->db, SQL_SEARCH("number >= ?3 AND number < ?5"));
	s->contains = prepare(s->db, SQL_SEARCH("number LIKE '%' || ?3 || '%'"));
	s->end = prepare(s->db, SQL_SEARCH("number LIKE '%' || ?3"));
	s->rent = prepare(s->db, "DELETE FROM available WHERE number = ?1 RETURNING " SQL_AVAILABLE_COLUMNS);
	s->rent_any = prepare(s->db, "DELETE FROM available WHERE number = (SELECT number FROM available WHERE "
	                             "region = ?1 AND type = ?2 AND number >= ?3 AND number < ?4 ORDER BY number LIMIT 1) "
	                             "RETURNING " SQL_AVAILABLE_COLUMNS);
	s->instance = prepare(s->db, "INSERT INTO instances VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1, ?12, "
	                             "?13)");
	/* The balance check and the charge in one statement: no row when the account cannot
	 * pay (or is in another currency). */
	s->pay = prepare(s->db, "UPDATE accounts SET balance = balance - ?2, entries = entries + 1 WHERE project = ?1 AND "
	                        "currency = ?3 AND balance - reserved >= ?2 RETURNING balance, entries");
	s->purchase = prepare(s->db, "INSERT INTO purchases VALUES(?1, ?2, ?3, ?4, ?4, ?5, ?6, ?10, ?7, ?8, ?7, ?8, ?9, ?9, "
	                             "?9)");
	s->entry = prepare(s->db, "INSERT INTO ledger VALUES(?1, ?2, ?3, ?4, ?5, ?6, 'purchase', ?7, NULL)");
	s->subscription = prepare(s->db, "INSERT INTO subscriptions VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9)");
	s->begin = prepare(s->db, "BEGIN");
	s->commit = prepare(s->db, "COMMIT");
}

static int capability_bits(const char *cell)
{
	int bits = 0;
	if (strstr(cell, "SMS"))
		bits |= NUMBERING_CAPABILITY_SMS;
	if (strstr(cell, "MMS"))
		bits |= NUMBERING_CAPABILITY_MMS;
	if (strstr(cell, "VOICE"))
		bits |= NUMBERING_CAPABILITY_VOICE;
	return bits;
}

/* "USD 2.00" into a currency and minor units (two decimals here). */
static void price_cell(const char *cell, char currency[4], int64_t *minor)
{
	unsigned long units = 0, cents = 0;
	currency[0] = '\0';
	*minor = 0;
	if (sscanf(cell, "%3s %lu.%2lu", currency, &units, &cents) >= 2)
		*minor = (int64_t)(units * 100 + cents);
}

/* Loads the CSV file with numberctl's reader: one row per number (a block's 100), 1000
 * lines a transaction as numberctl import does. Returns the seconds it took. */
static double sql_load_csv(struct sql *s, const char *path, uint64_t *rows)
{
	FILE *in = fopen(path, "rb");
	if (in == NULL) {
		perror(path);
		exit(1);
	}
	double t0 = now_s();
	struct csv_reader csv;
	unsigned long line = 0, lines = 0;
	csv_init(&csv, in, 1024 * 1024);
	if (csv_read(&csv, &line) != 1) {
		fprintf(stderr, "bench-inventory: %s: no header\n", path);
		exit(1);
	}
	exec(s->db, "BEGIN");
	int got;
	*rows = 0;
	while ((got = csv_read(&csv, &line)) == 1) {
		if (csv.count != 6) {
			fprintf(stderr, "bench-inventory: %s: line %lu: %zu fields\n", path, line, csv.count);
			exit(1);
		}
		const char *number = csv_field(&csv, 0);
		char first[24];
		size_t n = strcspn(number, "-");
		if (n >= sizeof(first))
			n = sizeof(first) - 1;
		memcpy(first, number, n);
		first[n] = '\0';
		uint64_t value = strtoull(first + 1, NULL, 10), count = 1;
		if (number[n] == '-') {
			/* "+12082000000-99": the last digits of the block's last number. */
			const char *tail = number + n + 1;
			size_t t = strlen(tail);
			uint64_t mod = 1;
			for (size_t i = 0; i < t; i++)
				mod *= 10;
			uint64_t last = value - value % mod + strtoull(tail, NULL, 10);
			count = last - value + 1;
		}
		int type = strcmp(csv_field(&csv, 2), "LOCAL") == 0 ? NUMBERING_NUMBER_TYPE_LOCAL : 0;
		char setup_currency[4], monthly_currency[4];
		int64_t setup_minor, monthly_minor;
		price_cell(csv_field(&csv, 4), setup_currency, &setup_minor);
		price_cell(csv_field(&csv, 5), monthly_currency, &monthly_minor);
		sqlite3_stmt *st = s->insert;
		sqlite3_bind_text(st, 2, csv_field(&csv, 1), -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 3, type);
		sqlite3_bind_int(st, 4, capability_bits(csv_field(&csv, 3)));
		sqlite3_bind_text(st, 5, setup_currency, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 6, setup_minor);
		sqlite3_bind_text(st, 7, monthly_currency, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 8, monthly_minor);
		for (uint64_t i = 0; i < count; i++) {
			char text[24];
			snprintf(text, sizeof(text), "+%" PRIu64, value + i);
			sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
			step_done(s->db, st);
		}
		*rows += count;
		if (++lines % 1000 == 0) {
			exec(s->db, "COMMIT");
			exec(s->db, "BEGIN");
		}
	}
	exec(s->db, "COMMIT");
	csv_free(&csv);
	fclose(in);
	if (got != 0) {
		fprintf(stderr, "bench-inventory: %s: line %lu: %s\n", path, line, csv.error);
		exit(1);
	}
	return now_s() - t0;
}

static void sql_close(struct sql *s)
{
	sqlite3_stmt *all[] = {s->insert,   s->start,    s->contains, s->end,          s->rent,
	                       s->rent_any, s->instance, s->pay,      s->purchase,     s->entry,
	                       s->subscription, s->begin, s->commit};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		sqlite3_finalize(all[i]);
	sqlite3_close(s->db);
}

/* ------------------------------------------------------------------------------------ */
/* The timed batches.                                                                   */

struct query {
	char pattern[24]; /* libnumbering's pattern: "208345", "+1208345", "1234" */
	char lo[24], hi[24]; /* START in SQLite: the range of E.164 text */
};

struct ctx {
	numbering_store *store;
	struct sql *sql;
	struct shape shape;
	struct query *queries;
	int mode;  /* NUMBERING_SEARCH_* */
	int size;  /* results a search asks for */
	long results_ours, results_sql;
	uint64_t rent_step; /* rent visits the inventory's numbers in this stride */
	uint64_t instance_next;
};

static void run_search(void *p, uint64_t start, uint64_t count)
{
	struct ctx *c = p;
	uint64_t sum = 0;
	long results = 0;
	numbering_available_query q = NUMBERING_AVAILABLE_QUERY_INIT;
	q.region_code = "US";
	q.type = NUMBERING_NUMBER_TYPE_LOCAL;
	q.search_pattern = c->mode;
	q.size = c->size;
	for (uint64_t i = start; i < start + count; i++) {
		q.pattern = c->queries[i % QUERIES].pattern;
		numbering_available_list *list = NULL;
		int rc = numbering_store_search_available(&list, c->store, NULL, PROJECT, &q);
		if (rc != NUMBERING_OK)
			die("numbering_store_search_available", rc);
		int n = numbering_available_list_count(list);
		for (int k = 0; k < n; k++) {
			const numbering_available_number *item = numbering_available_list_item(list, k);
			const char *currency;
			int64_t minor = 0;
			numbering_available_number_money(item, "setupPrice", &currency, &minor);
			sum += (uint64_t)minor + (uint64_t)numbering_available_number_phone_number(item)[5] +
			       (uint64_t)numbering_available_number_type(item) +
			       (uint64_t)numbering_available_number_region_code(item)[0] +
			       (uint64_t)numbering_available_number_int(item, "capability");
		}
		results += n;
		numbering_available_list_free(list);
	}
	c->results_ours = results;
	g_sink = sum;
}

static void run_sql_search(void *p, uint64_t start, uint64_t count)
{
	struct ctx *c = p;
	struct sql *s = c->sql;
	sqlite3_stmt *st = c->mode == NUMBERING_SEARCH_START ? s->start : c->mode == NUMBERING_SEARCH_CONTAINS ? s->contains : s->end;
	uint64_t sum = 0;
	long results = 0;
	struct avail_row r;
	for (uint64_t i = start; i < start + count; i++) {
		const struct query *q = &c->queries[i % QUERIES];
		sqlite3_bind_text(st, 1, "US", 2, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, NUMBERING_NUMBER_TYPE_LOCAL);
		sqlite3_bind_text(st, 3, c->mode == NUMBERING_SEARCH_START ? q->lo : q->pattern, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 4, c->size);
		if (c->mode == NUMBERING_SEARCH_START)
			sqlite3_bind_text(st, 5, q->hi, -1, SQLITE_STATIC);
		int rc;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			read_avail(&r, st);
			sum += (uint64_t)r.setup_minor + (uint64_t)r.number[5] + (uint64_t)r.type + (uint64_t)r.region[0] +
			       (uint64_t)r.capabilities;
			results++;
		}
		if (rc != SQLITE_DONE)
			sqlite_die(s->db, "search");
		sqlite3_reset(st);
	}
	c->results_sql = results;
	g_sink = sum;
}

/* The @i-th number a rent takes: the inventory's numbers in a stride coprime with their
 * count, so that each is taken once and blocks and singles alike. */
static uint64_t rent_target(const struct ctx *c, uint64_t i)
{
	uint64_t total = shape_numbers(c->shape);
	return nth_number(c->shape, (i * c->rent_step) % total);
}

static void run_rent(void *p, uint64_t start, uint64_t count)
{
	struct ctx *c = p;
	char number[24];
	uint64_t sum = 0;
	for (uint64_t i = start; i < start + count; i++) {
		snprintf(number, sizeof(number), "+1%010" PRIu64, rent_target(c, i));
		numbering_active_number *out = NULL;
		int rc = numbering_store_rent(&out, c->store, NULL, PROJECT, number, NULL);
		if (rc != NUMBERING_OK)
			die("numbering_store_rent", rc);
		sum += (uint64_t)numbering_active_number_int(out, "nextChargeDate");
		numbering_active_number_free(out);
	}
	g_sink = sum;
}

/* Inserts the instance of a rented row (read from @st), charges the account, inserts the
 * purchase, its ledger entry and the subscription, and commits: what our rent writes in
 * its transaction (the account update checks the balance, as our reserve does). */
static void sql_finish_rent(struct ctx *c, sqlite3_stmt *st)
{
	struct sql *s = c->sql;
	struct avail_row r;
	read_avail(&r, st);
	sqlite3_reset(st);
	char name[64], purchase[64], subscription[64];
	uint64_t id = rng();
	snprintf(name, sizeof(name), PROJECT "/phoneNumberInstances/%016" PRIx64, id);
	snprintf(subscription, sizeof(subscription), PROJECT "/subscriptions/%016" PRIx64, id);
	snprintf(purchase, sizeof(purchase), PROJECT "/phoneNumberPurchases/%016" PRIx64, rng());
	int64_t now = ++s->time, cost = r.setup_minor + r.monthly_minor * r.interval;
	sqlite3_stmt *pay = s->pay;
	sqlite3_bind_text(pay, 1, PROJECT, -1, SQLITE_STATIC);
	sqlite3_bind_int64(pay, 2, cost);
	sqlite3_bind_text(pay, 3, r.setup_currency, -1, SQLITE_STATIC);
	if (sqlite3_step(pay) != SQLITE_ROW) {
		fprintf(stderr, "bench-inventory: SQLite rent: insufficient balance\n");
		exit(1);
	}
	int64_t balance = sqlite3_column_int64(pay, 0), seq = sqlite3_column_int64(pay, 1);
	sqlite3_reset(pay);
	sqlite3_stmt *ins = s->instance;
	sqlite3_bind_text(ins, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 2, PROJECT, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 3, r.number, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 4, r.region, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 5, r.type);
	sqlite3_bind_int64(ins, 6, r.capabilities);
	sqlite3_bind_text(ins, 7, r.setup_currency, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 8, r.setup_minor);
	sqlite3_bind_text(ins, 9, r.monthly_currency, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 10, r.monthly_minor);
	sqlite3_bind_int64(ins, 11, r.interval);
	sqlite3_bind_int64(ins, 12, now);
	sqlite3_bind_int64(ins, 13, now + 30 * 86400);
	step_done(s->db, ins);
	sqlite3_stmt *pu = s->purchase;
	sqlite3_bind_text(pu, 1, purchase, -1, SQLITE_STATIC);
	sqlite3_bind_text(pu, 2, PROJECT, -1, SQLITE_STATIC);
	sqlite3_bind_text(pu, 3, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(pu, 4, r.number, -1, SQLITE_STATIC);
	sqlite3_bind_text(pu, 5, r.region, -1, SQLITE_STATIC);
	sqlite3_bind_int64(pu, 6, r.type);
	sqlite3_bind_text(pu, 7, r.setup_currency, -1, SQLITE_STATIC);
	sqlite3_bind_int64(pu, 8, cost);
	sqlite3_bind_int64(pu, 9, now);
	sqlite3_bind_int(pu, 10, NUMBERING_PURCHASE_COMPLETED);
	step_done(s->db, pu);
	sqlite3_stmt *en = s->entry;
	sqlite3_bind_text(en, 1, PROJECT, -1, SQLITE_STATIC);
	sqlite3_bind_int64(en, 2, seq);
	sqlite3_bind_int64(en, 3, now);
	sqlite3_bind_text(en, 4, r.setup_currency, -1, SQLITE_STATIC);
	sqlite3_bind_int64(en, 5, -cost);
	sqlite3_bind_int64(en, 6, balance);
	sqlite3_bind_text(en, 7, purchase, -1, SQLITE_STATIC);
	step_done(s->db, en);
	sqlite3_stmt *su = s->subscription;
	sqlite3_bind_text(su, 1, subscription, -1, SQLITE_STATIC);
	sqlite3_bind_text(su, 2, PROJECT, -1, SQLITE_STATIC);
	sqlite3_bind_text(su, 3, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(su, 4, purchase, -1, SQLITE_STATIC);
	sqlite3_bind_text(su, 5, r.monthly_currency, -1, SQLITE_STATIC);
	sqlite3_bind_int64(su, 6, r.monthly_minor);
	sqlite3_bind_int64(su, 7, r.interval);
	sqlite3_bind_int64(su, 8, now);
	sqlite3_bind_int64(su, 9, now + 30 * 86400);
	step_done(s->db, su);
	step_done(s->db, s->commit);
}

static void run_sql_rent(void *p, uint64_t start, uint64_t count)
{
	struct ctx *c = p;
	struct sql *s = c->sql;
	char number[24];
	for (uint64_t i = start; i < start + count; i++) {
		snprintf(number, sizeof(number), "+1%010" PRIu64, rent_target(c, i));
		step_done(s->db, s->begin);
		sqlite3_bind_text(s->rent, 1, number, -1, SQLITE_STATIC);
		if (sqlite3_step(s->rent) != SQLITE_ROW)
			sqlite_die(s->db, "rent");
		sql_finish_rent(c, s->rent);
	}
}

static void run_rent_any(void *p, uint64_t start, uint64_t count)
{
	struct ctx *c = p;
	numbering_available_query q = NUMBERING_AVAILABLE_QUERY_INIT;
	q.region_code = "US";
	q.type = NUMBERING_NUMBER_TYPE_LOCAL;
	q.search_pattern = NUMBERING_SEARCH_START;
	uint64_t sum = 0;
	for (uint64_t i = start; i < start + count; i++) {
		q.pattern = c->queries[i % QUERIES].pattern;
		numbering_active_number *out = NULL;
		int rc = numbering_store_rent_any(&out, c->store, NULL, PROJECT, &q, NULL);
		if (rc != NUMBERING_OK)
			die("numbering_store_rent_any", rc);
		sum += (uint64_t)numbering_active_number_int(out, "nextChargeDate");
		numbering_active_number_free(out);
	}
	g_sink = sum;
}

static void run_sql_rent_any(void *p, uint64_t start, uint64_t count)
{
	struct ctx *c = p;
	struct sql *s = c->sql;
	for (uint64_t i = start; i < start + count; i++) {
		const struct query *q = &c->queries[i % QUERIES];
		step_done(s->db, s->begin);
		sqlite3_bind_text(s->rent_any, 1, "US", 2, SQLITE_STATIC);
		sqlite3_bind_int(s->rent_any, 2, NUMBERING_NUMBER_TYPE_LOCAL);
		sqlite3_bind_text(s->rent_any, 3, q->lo, -1, SQLITE_STATIC);
		sqlite3_bind_text(s->rent_any, 4, q->hi, -1, SQLITE_STATIC);
		if (sqlite3_step(s->rent_any) != SQLITE_ROW)
			sqlite_die(s->db, "rentAny");
		sql_finish_rent(c, s->rent_any);
	}
}

/* START queries: a 6 or 7 digit prefix of a random inventory number's national number,
 * or of its full number with "+1", alternately. */
static void start_queries(struct query *qs, struct shape s)
{
	uint64_t total = shape_numbers(s);
	for (int i = 0; i < QUERIES; i++) {
		char national[16];
		snprintf(national, sizeof(national), "%010" PRIu64, nth_number(s, rng() % total));
		int len = 6 + (i / 2) % 2;
		national[len] = '\0';
		if (i % 2 == 0)
			snprintf(qs[i].pattern, sizeof(qs[i].pattern), "%s", national);
		else
			snprintf(qs[i].pattern, sizeof(qs[i].pattern), "+1%s", national);
		snprintf(qs[i].lo, sizeof(qs[i].lo), "+1%s", national);
		snprintf(qs[i].hi, sizeof(qs[i].hi), "+1%s:", national);
	}
}

/* CONTAINS and END queries: 4 random digits. */
static void digit_queries(struct query *qs)
{
	for (int i = 0; i < QUERIES; i++) {
		snprintf(qs[i].pattern, sizeof(qs[i].pattern), "%04" PRIu64, rng() % 10000);
		qs[i].lo[0] = qs[i].hi[0] = '\0';
	}
}

/* Runs @count searches of each kind on both and counts the ones whose numbers differ. */
static long compare_results(struct ctx *c, int count)
{
	struct sql *s = c->sql;
	sqlite3_stmt *st = c->mode == NUMBERING_SEARCH_START ? s->start : c->mode == NUMBERING_SEARCH_CONTAINS ? s->contains : s->end;
	numbering_available_query q = NUMBERING_AVAILABLE_QUERY_INIT;
	q.region_code = "US";
	q.type = NUMBERING_NUMBER_TYPE_LOCAL;
	q.search_pattern = c->mode;
	q.size = c->size;
	long differ = 0;
	for (int i = 0; i < count; i++) {
		const struct query *qq = &c->queries[i % QUERIES];
		q.pattern = qq->pattern;
		numbering_available_list *list = NULL;
		if (numbering_store_search_available(&list, c->store, NULL, PROJECT, &q) != NUMBERING_OK)
			die("numbering_store_search_available", 1);
		sqlite3_bind_text(st, 1, "US", 2, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, NUMBERING_NUMBER_TYPE_LOCAL);
		sqlite3_bind_text(st, 3, c->mode == NUMBERING_SEARCH_START ? qq->lo : qq->pattern, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 4, c->size);
		if (c->mode == NUMBERING_SEARCH_START)
			sqlite3_bind_text(st, 5, qq->hi, -1, SQLITE_STATIC);
		int k = 0, same = 1;
		while (sqlite3_step(st) == SQLITE_ROW) {
			const numbering_available_number *item = numbering_available_list_item(list, k++);
			if (item == NULL || strcmp((const char *)sqlite3_column_text(st, 0),
			                           numbering_available_number_phone_number(item)) != 0)
				same = 0;
		}
		sqlite3_reset(st);
		if (k != numbering_available_list_count(list))
			same = 0;
		differ += !same;
		numbering_available_list_free(list);
	}
	return differ;
}

/* ------------------------------------------------------------------------------------ */
/* Printing.                                                                            */

static struct bench_console console = {"bench-inventory", 34, 18, 0};

static void usage(void)
{
	fprintf(stderr, "usage: bench-inventory [--numbers N] [--runs R] [--only import|search|start|scan|rent|memory] [--dir DIR]\n"
	                "                       [--clock wall|cpu]\n"
	                "  N numbers (default 11000000: 100,000 blocks of 100 and 1,000,000 singles), at least 110000\n"
	                "  --clock cpu times searches and rents in the thread's CPU time (default: wall time)\n"
	                "  --profile-start S: only our store, S START size-10 searches a run in profile_start()\n");
	exit(2);
}

/* The memory backend's accounting after loading the singles alone, the blocks alone. */
static struct numbering__memory_stats g_single_stats, g_block_stats;

/* A fresh store loaded with one kind of the data set (1 blocks, 2 singles) through
 * numberctl import (or the C API, @api): its bytes per line and the import's seconds. */
static void load_kind(struct shape s, int kind, int api, const char *dir, double *bytes_per_line, double *seconds)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s.csv", dir, kind == 1 ? "blocks" : "singles");
	write_csv(path, s, kind);
	numbering_backend *backend = NULL;
	numbering_store *store = open_store(&backend);
	size_t before = store_bytes(backend);
	unsigned long lines = kind == 1 ? s.blocks : s.singles;
	*seconds = api ? import_csv_api(store, path, lines) : import_csv(store, path, dir, lines);
	*bytes_per_line = (double)(store_bytes(backend) - before) / (double)lines;
	if (!api)
		backend->control(backend, NUMBERING__MEMORY_CONTROL_STATS, kind == 1 ? &g_block_stats : &g_single_stats);
	numbering_store_close(store);
	unlink(path);
}

/* --profile-start: the timed searches, a function of their own for --toggle-collect. */
__attribute__((noinline)) static void profile_start(struct ctx *c, uint64_t start, uint64_t count)
{
	run_search(c, start, count);
}

static void profile(numbering_store *store, struct shape shape, double import_s, double bytes_per_number)
{
	struct ctx c;
	memset(&c, 0, sizeof(c));
	c.store = store;
	c.shape = shape;
	c.mode = NUMBERING_SEARCH_START;
	c.size = 10;
	c.queries = calloc(QUERIES, sizeof(*c.queries));
	if (c.queries == NULL)
		die("allocating the queries", 1);
	start_queries(c.queries, shape);
	run_search(&c, 0, 256); /* warm: not in profile_start() */
	double ns[64];
	int runs = g_runs < 64 ? g_runs : 64;
	uint64_t next = 256;
	for (int r = 0; r < runs; r++) {
		double t0 = op_now_s();
		profile_start(&c, next, g_profile);
		next += g_profile;
		ns[r] = (op_now_s() - t0) * 1e9 / (double)g_profile;
	}
	printf("  loaded in %.1f s (%.0f B/number); START size 10, %" PRIu64 " searches a run: median %.0f ns a search "
	       "(%ld results in the last run)\n",
	       import_s, bytes_per_number, g_profile, median(ns, runs), c.results_ours);
	free(c.queries);
	numbering_store_close(store);
}

int main(int argc, char **argv)
{
	uint64_t numbers = 11000000;
	const char *base_dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--numbers") == 0 && i + 1 < argc)
			numbers = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
			g_runs = atoi(argv[++i]);
		else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
			g_only = argv[++i];
		else if (strcmp(argv[i], "--profile-start") == 0 && i + 1 < argc)
			g_profile = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			base_dir = argv[++i];
		else if (strcmp(argv[i], "--clock") == 0 && i + 1 < argc &&
		         (strcmp(argv[i + 1], "wall") == 0 || strcmp(argv[i + 1], "cpu") == 0))
			g_op_clock = strcmp(argv[++i], "cpu") == 0 ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC;
		else
			usage();
	}
	if (numbers < 110000 || numbers > 50000000 || g_runs < 1)
		usage();
	double t_start = now_s();
	char dir[200];
	snprintf(dir, sizeof(dir), "%s/bench-inventory-XXXXXX", base_dir);
	if (mkdtemp(dir) == NULL) {
		perror("bench-inventory: mkdtemp");
		return 1;
	}
	struct shape shape = shape_of(numbers);
	uint64_t total = shape_numbers(shape);
	printf("bench-inventory: libnumbering %s, memory backend; SQLite %s (:memory:)\n", numbering_version(),
	       sqlite3_libversion());
	printf("  %" PRIu64 " numbers: %" PRIu32 " blocks of %d and %" PRIu32 " single numbers, US LOCAL; median of %d "
	       "runs, %s\n",
	       total, shape.blocks, BLOCK, shape.singles, g_runs,
	       g_op_clock == CLOCK_MONOTONIC ? "wall time" : "the thread's CPU time");

	/* The data set as numberctl import reads it. */
	char csv_path[256];
	snprintf(csv_path, sizeof(csv_path), "%s/stock.csv", dir);
	write_csv(csv_path, shape, 0);
	unsigned long lines = shape.blocks + shape.singles;

	/* Load both: libnumbering through numberctl import, SQLite from the same file. */
	numbering_backend *backend = NULL;
	numbering_store *store = open_store(&backend);
	double import_ours = import_csv(store, csv_path, dir, lines);
	size_t ours_bytes = store_bytes(backend);
	int need_sql = g_profile == 0; /* every group compares with SQLite */
	struct sql sql;
	double import_sql = 0, sql_row_bytes = 0;
	uint64_t sql_rows = 0;
	if (need_sql) {
		sql_open(&sql);
		int64_t mem0 = sqlite3_memory_used();
		import_sql = sql_load_csv(&sql, csv_path, &sql_rows);
		sql_row_bytes = (double)(sqlite3_memory_used() - mem0) / (double)sql_rows;
		if (sql_rows != total) {
			fprintf(stderr, "bench-inventory: SQLite loaded %" PRIu64 " rows of %" PRIu64 "\n", sql_rows, total);
			return 1;
		}
	}
	if (g_profile > 0) {
		profile(store, shape, import_ours, (double)ours_bytes / (double)total);
		unlink(csv_path);
		rmdir(dir);
		return 0;
	}
	/* The same file through the C API, into a store of its own. */
	double import_api = 0;
	if (want("import")) {
		numbering_backend *api_backend = NULL;
		numbering_store *api_store = open_store(&api_backend);
		import_api = import_csv_api(api_store, csv_path, lines);
		numbering_store_close(api_store);
	}
	unlink(csv_path);
	printf("  loaded by numberctl import's code in %.1f s (%.0f B/number in the memory backend); SQLite from the "
	       "same CSV in %.1f s (%.0f B/row)\n\n",
	       import_ours, (double)ours_bytes / (double)total, import_sql, sql_row_bytes);

	struct ctx c;
	memset(&c, 0, sizeof(c));
	c.store = store;
	c.sql = &sql;
	c.shape = shape;
	c.queries = calloc(QUERIES, sizeof(*c.queries));
	/* A stride coprime with the count: every number once before any twice. */
	c.rent_step = UINT64_C(1000003);
	for (;;) {
		uint64_t a = total, b = c.rent_step;
		while (b) {
			uint64_t t = a % b;
			a = b;
			b = t;
		}
		if (a == 1)
			break;
		c.rent_step++;
	}
	/* One store of the singles alone and one of the blocks alone: the import of
	 * singles and the bytes of each kind. */
	double single_bytes = 0, single_s = 0, single_api_s = 0, block_bytes = 0, block_s = 0, unused;
	if (want("import") || want("memory"))
		load_kind(shape, 2, 0, dir, &single_bytes, &single_s);
	if (want("import"))
		load_kind(shape, 2, 1, dir, &unused, &single_api_s);
	if (want("memory"))
		load_kind(shape, 1, 0, dir, &block_bytes, &block_s);
	bench_header(&console);

	if (want("import")) {
		char a[24], b[24], ratio[16];
		double rate_ours = (double)total / import_ours, rate_sql = (double)total / import_sql;
		bench_format_rate(a, sizeof(a), rate_ours);
		bench_format_rate(b, sizeof(b), rate_sql);
		snprintf(ratio, sizeof(ratio), "%.1fx", rate_ours / rate_sql);
		int pass = rate_ours >= 500000;
		console.missed += !pass;
		bench_emit(&console, "import CSV, numbers (data set)", a, "SQLite, same CSV", b, ratio, ">=500k/s", pass ? "PASS" : "MISS");
		bench_format_rate(a, sizeof(a), (double)shape.singles / single_s);
		pass = (double)shape.singles / single_s >= 500000;
		console.missed += !pass;
		bench_emit(&console, "import CSV, numbers (singles only)", a, "", "", "", ">=500k/s", pass ? "PASS" : "MISS");
		bench_format_rate(a, sizeof(a), (double)total / import_api);
		snprintf(ratio, sizeof(ratio), "%.1fx", import_sql / import_api);
		pass = (double)total / import_api >= 500000;
		console.missed += !pass;
		bench_emit(&console, "  same file via the C API", a, "SQLite, same CSV", b, ratio, ">=500k/s", pass ? "PASS" : "MISS");
		bench_format_rate(a, sizeof(a), (double)shape.singles / single_api_s);
		pass = (double)shape.singles / single_api_s >= 500000;
		console.missed += !pass;
		bench_emit(&console, "  singles via the C API", a, "", "", "", ">=500k/s", pass ? "PASS" : "MISS");
		bench_format_rate(a, sizeof(a), (double)lines / import_ours);
		bench_format_rate(b, sizeof(b), (double)lines / import_sql);
		snprintf(ratio, sizeof(ratio), "%.1fx", import_sql / import_ours);
		bench_emit(&console, "import CSV, lines (data set)", a, "SQLite, same CSV", b, ratio, "", "info");
	}

	if (want("search") || want("start") || want("scan")) {
		static const char *const names[] = {"search START, size 10", "search CONTAINS, size 10",
		                                    "search END, size 10"};
		static const double targets[] = {10, 3, 3};
		for (int mode = NUMBERING_SEARCH_START; mode <= NUMBERING_SEARCH_END; mode++) {
			if (!want("search") && !want(mode == NUMBERING_SEARCH_START ? "start" : "scan"))
				continue;
			if (mode == NUMBERING_SEARCH_START)
				start_queries(c.queries, shape);
			else
				digit_queries(c.queries);
			c.mode = mode;
			c.size = 10;
			long differ = compare_results(&c, 256);
			double ours, peer;
			measure2(run_search, run_sql_search, &c, 0, 0, &ours, &peer);
			bench_row_rate(&console, names[mode], ours, "SQLite", peer, targets[mode]);
			if (differ)
				printf("  (%ld of 256 searches returned other numbers than SQLite's)\n", differ);
			if (mode == NUMBERING_SEARCH_START) {
				/* Results, not the inventory, set the cost: size 100 vs size 10 here,
				 * and the same search in an inventory 100 times smaller. */
				c.size = 100;
				double ours100, peer100;
				measure2(run_search, run_sql_search, &c, 0, 0, &ours100, &peer100);
				bench_row_rate(&console, "search START, size 100", ours100, "SQLite", peer100, targets[mode]);
				c.size = 10;
				struct shape small = shape_of(numbers / 100);
				char small_path[256];
				snprintf(small_path, sizeof(small_path), "%s/small.csv", dir);
				write_csv(small_path, small, 0);
				numbering_backend *small_backend = NULL;
				struct ctx sc = c;
				sc.store = open_store(&small_backend);
				import_csv(sc.store, small_path, dir, small.blocks + small.singles);
				unlink(small_path);
				sc.queries = calloc(QUERIES, sizeof(*sc.queries));
				start_queries(sc.queries, small);
				/* Interleaved: big, small, big, small ... */
				double big_ns, small_ns, bn[64], sn[64];
				int runs = g_runs < 64 ? g_runs : 64;
				uint64_t nb = 0, ns = 0, count = 20000;
				for (int r = 0; r < runs; r++) {
					double t0 = op_now_s();
					run_search(&c, nb, count);
					nb += count;
					bn[r] = (op_now_s() - t0) * 1e9 / (double)count;
					t0 = op_now_s();
					run_search(&sc, ns, count);
					ns += count;
					sn[r] = (op_now_s() - t0) * 1e9 / (double)count;
				}
				big_ns = median(bn, runs);
				small_ns = median(sn, runs);
				char a[24], b[24], ratio[16], peer_name[32];
				snprintf(a, sizeof(a), "%.2f us", big_ns / 1e3);
				snprintf(b, sizeof(b), "%.2f us", small_ns / 1e3);
				snprintf(ratio, sizeof(ratio), "%.2fx", big_ns / small_ns);
				snprintf(peer_name, sizeof(peer_name), "%" PRIu64 " numbers", shape_numbers(small));
				int pass = big_ns / small_ns <= 2;
				console.missed += !pass;
				bench_emit(&console, "search START, no full scan", a, peer_name, b, ratio, "<=2x", pass ? "PASS" : "MISS");
				numbering_store_close(sc.store);
				free(sc.queries);
			}
		}
	}

	if (want("rent")) {
		/* A rent a run, each on a number no rent took before: at most 1/200 of the
		 * inventory a run, so that rentAny's prefixes are never emptied. */
		uint64_t rents = total / 200 < 20000 ? total / 200 : 20000;
		/* A rent is a purchase paid from the project's billing account in its
		 * transaction: the host tops the account up first (SQLite's starts funded). */
		numbering_billing_entry *topup = NULL;
		int rc = numbering_store_adjust_billing_account(&topup, store, NULL, PROJECT, "USD", TOPUP, "top-up", NULL);
		if (rc != NUMBERING_OK)
			die("numbering_store_adjust_billing_account", rc);
		numbering_billing_entry_free(topup);
		double ours, peer;
		measure2(run_rent, run_sql_rent, &c, rents, rents / 4, &ours, &peer);
		bench_row_rate(&console, "rent", ours, "SQLite, txn/op", peer, 5);
		start_queries(c.queries, shape);
		measure2(run_rent_any, run_sql_rent_any, &c, rents, rents / 4, &ours, &peer);
		bench_row_rate(&console, "rentAny (START prefix)", ours, "SQLite, txn/op", peer, 5);
	}

	if (want("memory")) {
		double single_b = single_bytes, block_b = block_bytes;
		char a[24], b[24], ratio[16];
		snprintf(a, sizeof(a), "%.0f B", single_b);
		snprintf(b, sizeof(b), "%.0f B", sql_row_bytes);
		snprintf(ratio, sizeof(ratio), "%.2fx", single_b / sql_row_bytes);
		int pass = single_b <= 100;
		console.missed += !pass;
		bench_emit(&console, "memory/single number", a, "SQLite row", b, ratio, "<=100 B", pass ? "PASS" : "MISS");
		snprintf(a, sizeof(a), "%.0f B", block_b);
		snprintf(b, sizeof(b), "%.0f B", sql_row_bytes * BLOCK);
		snprintf(ratio, sizeof(ratio), "%.3fx", block_b / (sql_row_bytes * BLOCK));
		pass = block_b <= 150;
		console.missed += !pass;
		bench_emit(&console, "memory/block of 100", a, "SQLite, 100 rows", b, ratio, "<=150 B", pass ? "PASS" : "MISS");
		snprintf(a, sizeof(a), "%.1f B", (double)ours_bytes / (double)total);
		snprintf(ratio, sizeof(ratio), "%.3fx", (double)ours_bytes / (double)total / sql_row_bytes);
		snprintf(b, sizeof(b), "%.0f B", sql_row_bytes);
		bench_emit(&console, "memory/number, this data set", a, "SQLite row", b, ratio, "", "info");
		const struct numbering__memory_stats *st[2] = {&g_single_stats, &g_block_stats};
		for (int k = 0; k < 2; k++) {
			double n = (double)st[k]->records;
			if (n == 0)
				continue;
			printf("  (%s: per record %.0f B: records %.0f B of which %.0f B live, ordered indexes %.0f B, hash "
			       "tables %.0f B, other %.0f B)\n",
			       k == 0 ? "singles" : "blocks", (double)st[k]->bytes / n, (double)st[k]->record_bytes / n,
			       (double)st[k]->record_used / n, (double)st[k]->tree_bytes / n, (double)st[k]->hash_bytes / n,
			       (double)st[k]->other_bytes / n);
		}
	}

	printf("\n%d figure%s missed; %.0f s in all\n", console.missed, console.missed == 1 ? "" : "s", now_s() - t_start);
	numbering_store_close(store);
	if (need_sql)
		sql_close(&sql);
	free(c.queries);
	rmdir(dir);
	return 0;
}
