/*
 * bench-store: the store's figures from issue 3 ("Performance"), each beside the peer
 * a user would pick instead, measured in the same run on the same data.
 *
 *   bench-store [--instances N] [--runs R] [--only GROUP] [--clock wall|cpu]
 *
 * N instances (default 1,000,000; 10% of them ranges of 100, the rest single numbers
 * with a short display name and no labels) are created through the public store API
 * in a memory backend, spread over 8 projects; the same rows go into SQLite
 * (:memory:, one table with the indexes the operations need) and the same records
 * into LMDB (an environment in a temporary directory, MDB_NOSYNC).
 *
 * Numbers are Australian (+61 2 xxxx xxxx), packed one after another in creation
 * order, so a 7-digit prefix (+6125xxxx...) covers 10,000 numbers, of which each
 * project holds about 1,250.
 *
 * Every timed figure is the median of R runs (default 5), each figure's runs
 * alternating with its peer's so that a machine busy with other work slows both
 * alike. Reads are calibrated to about 0.15 s a run; writes run a fixed number of
 * operations. Heap allocations on libnumbering's resolve path are counted by
 * interposing malloc (glibc). --only GROUP runs one group of figures (for profiling:
 * resolve, get, list, prefix, write, split, memory) and loads only the peers it needs.
 *
 * The resolve peer is timed as issue 3 defines it, a loop of independent look-ups
 * (the processor overlaps their cache misses); issue 15's rows time both one at a
 * time, each key depending on the last answer (a resolve's on the instance it
 * returned), which is what a single resolve per incoming call pays: exact numbers
 * and numbers inside ranges, each <= 2.5x the bare hash's dependent look-up.
 *
 * --clock cpu times the runs in the thread's CPU time instead of wall time: on a
 * machine loaded by other work, time the thread waited for a processor is left out
 * (cache misses caused by the others are not).
 *
 * --profile-resolve exact|range S loads only libnumbering's store, makes S resolves
 * one at a time of that kind of number in profile_resolve() and prints nothing else:
 * for callgrind, which counts the instructions of a resolve whatever the load,
 *   valgrind --tool=callgrind --toggle-collect=profile_resolve \
 *     bench-store --instances 100000 --profile-resolve exact 200000
 * --profile-get S does the same for S gets by name into one reused instance
 * (numbering_store_get_into()), in profile_get(); --profile-get-alloc S for S gets
 * that each allocate their instance and free it (numbering_store_get()), in
 * profile_get_alloc():
 *   valgrind --tool=callgrind --toggle-collect=profile_get \
 *     bench-store --instances 100000 --profile-get 200000
 *
 * Figures, with the targets:
 *   resolve            ns per call (exact numbers; numbers inside ranges) vs a bare
 *                      open-addressing hash lookup of a 64-bit key over N keys: <= 3x;
 *                      one at a time, vs the bare hash's dependent look-up: <= 2.5x;
 *                      allocations per call: 0
 *   get by name        rate vs SQLite (>= 10x, issue 15; issue 3 asked 20x) and LMDB
 *                      (>= 3x), reading every field; LMDB's side copies its stored
 *                      struct and three strings into the caller's buffers, with no name
 *                      check, no allocation and no number formatted; SQLite's steps a
 *                      prepared statement into the same kind of struct. Ours is the
 *                      fastest public path, as a caller reading many would take it:
 *                      numbering_store_get_into() into one instance reused from get to
 *                      get (a whole instance, its numbers as +E164 text, the permission
 *                      checked); the row "get by name, allocated" times
 *                      numbering_store_get(), an instance allocated and freed a get,
 *                      in the same runs, for information
 *   list page of 100   rate vs SQLite (>= 10x)
 *   prefix query       every instance of one project holding a number with a 7-digit
 *                      prefix (~1,250 numbers), in pages of 100, vs SQLite (>= 10x)
 *   create, update     rate vs SQLite with one transaction per operation (>= 5x)
 *   memory             bytes per single-number instance (<= 150), per range, per
 *                      labelled instance; SQLite's bytes per row beside them
 *   SplitRange         a 10,000,000-number range vs a 100-number one (ratio ~1)
 *
 * Nothing here asserts a time: missed targets are printed as MISS.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lmdb.h>
#include <sqlite3.h>

#include <numbering/numbering.h>
#include <numbering/sys/backend.h>

#include "memory.h" /* backends/memory: the memory backend's control operations */
#include "report.h"
#include "timing.h"

/* ------------------------------------------------------------------------------------ */
/* Allocation counting: the executable's malloc family overrides the C library's for   */
/* the whole process (libnumbering.so included) and counts while g_counting is set.    */

#if defined(__GLIBC__)
#define BENCH_COUNT_ALLOCATIONS 1
void *__libc_malloc(size_t size);
void *__libc_calloc(size_t count, size_t size);
void *__libc_realloc(void *ptr, size_t size);
void *__libc_memalign(size_t alignment, size_t size);
void __libc_free(void *ptr);
void *memalign(size_t alignment, size_t size);

static volatile int g_counting;
static unsigned long g_allocations;

void *malloc(size_t size)
{
	if (g_counting)
		g_allocations++;
	return __libc_malloc(size);
}

void *calloc(size_t count, size_t size)
{
	if (g_counting)
		g_allocations++;
	return __libc_calloc(count, size);
}

void *realloc(void *ptr, size_t size)
{
	if (g_counting)
		g_allocations++;
	return __libc_realloc(ptr, size);
}

void *memalign(size_t alignment, size_t size)
{
	if (g_counting)
		g_allocations++;
	return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size)
{
	if (g_counting)
		g_allocations++;
	return __libc_memalign(alignment, size);
}

int posix_memalign(void **out, size_t alignment, size_t size)
{
	if (g_counting)
		g_allocations++;
	void *p = __libc_memalign(alignment, size);
	if (p == NULL)
		return 12; /* ENOMEM */
	*out = p;
	return 0;
}

void free(void *ptr)
{
	__libc_free(ptr);
}
#else
#define BENCH_COUNT_ALLOCATIONS 0
static volatile int g_counting;
static unsigned long g_allocations;
#endif

/* ------------------------------------------------------------------------------------ */
/* Helpers.                                                                             */

#define PROJECTS 8
#define RANGE_SIZE 100
#define GROUP 10 /* one range in every GROUP instances */
#define NATIONAL_BASE UINT64_C(250000000) /* +61 2 5000 0000 */
#define CC_SCALE UINT64_C(1000000000)     /* 61 * 10^9 + national */
#define DIGITS 11
#define CREATE_BASE UINT64_C(290000000) /* fresh numbers for the create figure */
#define SMALL_SPLIT_BASE UINT64_C(310000000)
#define BIG_SPLIT_BASE UINT64_C(330000000)
#define BIG_RANGE 10000000
#define QUERIES (1u << 18)

static volatile uint64_t g_sink;
static int g_runs = 5;
static const char *g_only; /* --only: one group of figures (for profiling) */
static uint64_t g_profile;  /* --profile-resolve: resolves to make, 0 for the figures */
static int g_profile_range; /* --profile-resolve range: numbers inside ranges */
static uint64_t g_profile_get; /* --profile-get: gets to make, 0 for the figures */
static int g_profile_get_alloc; /* --profile-get-alloc: each get allocates and frees */

static int want(const char *group)
{
	return g_only == NULL || strcmp(g_only, group) == 0;
}

static void die(const char *what, int rc)
{
	fprintf(stderr, "bench-store: %s failed (%d): %s\n", what, rc, numbering_error_message());
	exit(1);
}

static void sqlite_die(sqlite3 *db, const char *what)
{
	fprintf(stderr, "bench-store: SQLite %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

/* Operations a run of @fn takes to last about 0.15 s; @next counts operations done. */
static uint64_t calibrate(batch_fn fn, void *ctx, uint64_t *next)
{
	return calibrate_from(fn, ctx, next, 16);
}

/*
 * Median ns per operation of each of @k figures measured side by side: the runs
 * alternate (ours, peer, ours, peer ...), so that a machine busy with something else
 * slows both alike. A figure runs @fixed[i] operations a run, or is calibrated to
 * ~0.15 s a run when that is 0. Operations are numbered on from run to run.
 */
static void measure_set(int k, const batch_fn *fns, void *ctx, const uint64_t *fixed, double *out)
{
	uint64_t next[4] = {0}, count[4];
	double ns[4][64];
	int runs = g_runs < 64 ? g_runs : 64;
	for (int i = 0; i < k; i++)
		count[i] = fixed[i] ? fixed[i] : calibrate(fns[i], ctx, &next[i]);
	for (int r = 0; r < runs; r++) {
		for (int i = 0; i < k; i++) {
			double t0 = op_now_s();
			fns[i](ctx, next[i], count[i]);
			next[i] += count[i];
			ns[i][r] = (op_now_s() - t0) * 1e9 / (double)count[i];
		}
	}
	for (int i = 0; i < k; i++)
		out[i] = median(ns[i], runs);
}

static void measure2(batch_fn a, batch_fn b, void *ctx, uint64_t fixed_a, uint64_t fixed_b, double *ns_a,
                     double *ns_b)
{
	batch_fn fns[2] = {a, b};
	uint64_t fixed[2] = {fixed_a, fixed_b};
	double out[2];
	measure_set(2, fns, ctx, fixed, out);
	*ns_a = out[0];
	*ns_b = out[1];
}

/* ------------------------------------------------------------------------------------ */
/* The data set.                                                                        */

static uint32_t g_n;

static int is_range(uint32_t i)
{
	return i % GROUP == 0;
}

/* National number of instance i's first number: groups of one range and 9 singles. */
static uint64_t first_national(uint32_t i)
{
	uint64_t g = i / GROUP, r = i % GROUP;
	return NATIONAL_BASE + g * (RANGE_SIZE + GROUP - 1) + (r == 0 ? 0 : RANGE_SIZE + r - 1);
}

static uint64_t total_numbers(uint32_t n)
{
	return n == 0 ? 0 : first_national(n - 1) - NATIONAL_BASE + (is_range(n - 1) ? RANGE_SIZE : 1);
}

static int project_of(uint32_t i)
{
	return (int)((i + i / GROUP) % PROJECTS);
}

static void name_of(char *buf, size_t size, uint32_t i)
{
	snprintf(buf, size, "projects/p%d/phoneNumberInstances/n%07" PRIu32, project_of(i), i);
}

static void display_of(char *buf, size_t size, uint32_t i)
{
	snprintf(buf, size, "Line %" PRIu32, i);
}

/* ------------------------------------------------------------------------------------ */
/* libnumbering.                                                                        */

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

/* Creates one instance: a single or a range at @national, in project @project. */
static void create_one(numbering_store *store, numbering_instance *req, int project, const char *id,
                       uint64_t national, int64_t size, const char *display, int labels)
{
	char text[24], parent[32];
	snprintf(text, sizeof(text), "+61%09" PRIu64, national);
	snprintf(parent, sizeof(parent), "projects/p%d", project);
	int rc = numbering_instance_set_phone_number(req, text);
	if (rc == NUMBERING_OK)
		rc = numbering_instance_set_range_size(req, size > 1 ? size : 0);
	if (rc == NUMBERING_OK && display)
		rc = numbering_instance_set_display_name(req, display);
	if (rc != NUMBERING_OK)
		die("building a create request", rc);
	if (labels) {
		numbering_instance_set_label(req, "env", "production");
		numbering_instance_set_label(req, "team", "support");
		numbering_instance_set_label(req, "site", "sydney-2");
	}
	numbering_instance *out = NULL;
	rc = numbering_store_create(&out, store, NULL, parent, req, id, NULL, NULL);
	if (rc != NUMBERING_OK)
		die("numbering_store_create", rc);
	numbering_instance_free(out);
}

static void load_store(numbering_store *store)
{
	numbering_instance *req = NULL;
	numbering_instance_new(&req);
	char id[32], display[32];
	for (uint32_t i = 0; i < g_n; i++) {
		snprintf(id, sizeof(id), "n%07" PRIu32, i);
		display_of(display, sizeof(display), i);
		create_one(store, req, project_of(i), id, first_national(i), is_range(i) ? RANGE_SIZE : 1, display, 0);
	}
	numbering_instance_free(req);
}

/* ------------------------------------------------------------------------------------ */
/* SQLite: one table, the indexes the operations need, prepared statements.            */

#define SQL_COLUMNS                                                                                      \
	"name, project, digits, first, last, is_range, display_name, labels, message_handlers, call_handlers, " \
	"recording_trigger, sku, activation_sku, country_code, number_type, capabilities, lifecycle_state, "    \
	"create_time, delete_time, activate_time, regulatory_listing"

struct row {
	char name[96], project[32], display_name[128], labels[256], handlers[2][256], sku[32], activation_sku[32],
	    country_code[8], listing[96];
	int64_t digits, first, last, is_range, trigger, number_type, capabilities, state, create_time, delete_time,
	    activate_time;
};

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

/* Reads every column of the current row, as a caller filling its own struct would. */
static void read_row(struct row *r, sqlite3_stmt *st)
{
	text_col(r->name, sizeof(r->name), st, 0);
	text_col(r->project, sizeof(r->project), st, 1);
	r->digits = sqlite3_column_int64(st, 2);
	r->first = sqlite3_column_int64(st, 3);
	r->last = sqlite3_column_int64(st, 4);
	r->is_range = sqlite3_column_int64(st, 5);
	text_col(r->display_name, sizeof(r->display_name), st, 6);
	text_col(r->labels, sizeof(r->labels), st, 7);
	text_col(r->handlers[0], sizeof(r->handlers[0]), st, 8);
	text_col(r->handlers[1], sizeof(r->handlers[1]), st, 9);
	r->trigger = sqlite3_column_int64(st, 10);
	text_col(r->sku, sizeof(r->sku), st, 11);
	text_col(r->activation_sku, sizeof(r->activation_sku), st, 12);
	text_col(r->country_code, sizeof(r->country_code), st, 13);
	r->number_type = sqlite3_column_int64(st, 14);
	r->capabilities = sqlite3_column_int64(st, 15);
	r->state = sqlite3_column_int64(st, 16);
	r->create_time = sqlite3_column_int64(st, 17);
	r->delete_time = sqlite3_column_int64(st, 18);
	r->activate_time = sqlite3_column_int64(st, 19);
	text_col(r->listing, sizeof(r->listing), st, 20);
}

struct sql {
	sqlite3 *db;
	sqlite3_stmt *insert, *get, *page, *prefix, *holder, *update, *begin, *commit;
	int64_t time;
};

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		sqlite_die(db, sql);
	return st;
}

static void exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		sqlite_die(db, sql);
}

static void step_done(sqlite3 *db, sqlite3_stmt *st)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE)
		sqlite_die(db, sqlite3_sql(st));
	sqlite3_reset(st);
}

static void sql_open(struct sql *s)
{
	memset(s, 0, sizeof(*s));
	if (sqlite3_open(":memory:", &s->db) != SQLITE_OK)
		sqlite_die(s->db, "open");
	exec(s->db, "CREATE TABLE inst(name TEXT PRIMARY KEY, project TEXT NOT NULL, digits INTEGER NOT NULL, "
	            "first INTEGER NOT NULL, last INTEGER NOT NULL, is_range INTEGER NOT NULL, display_name TEXT, "
	            "labels TEXT, message_handlers TEXT, call_handlers TEXT, recording_trigger INTEGER, sku TEXT, "
	            "activation_sku TEXT, country_code TEXT, number_type INTEGER, capabilities INTEGER, "
	            "lifecycle_state INTEGER NOT NULL, create_time INTEGER NOT NULL, delete_time INTEGER, "
	            "activate_time INTEGER, regulatory_listing TEXT)");
	exec(s->db, "CREATE INDEX inst_by_time ON inst(project, create_time)");
	exec(s->db, "CREATE INDEX inst_by_number ON inst(digits, first)");
	exec(s->db, "CREATE INDEX inst_by_project_number ON inst(project, digits, first)");
	s->insert = prepare(s->db, "INSERT INTO inst(" SQL_COLUMNS ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL, NULL, "
	                           "NULL, 1, NULL, NULL, 'AU', NULL, 0, 1, ?8, NULL, ?8, NULL)");
	s->get = prepare(s->db, "SELECT " SQL_COLUMNS " FROM inst WHERE name = ?1");
	s->page = prepare(s->db, "SELECT " SQL_COLUMNS " FROM inst WHERE project = ?1 AND lifecycle_state != 2 "
	                         "ORDER BY create_time DESC LIMIT ?2");
	/* Numbers with the prefix: records starting inside [lo, hi], and the one record
	 * starting before lo that may reach into it (live records never overlap). */
	s->prefix = prepare(s->db, "SELECT * FROM (SELECT " SQL_COLUMNS " FROM inst INDEXED BY inst_by_project_number "
	                           "WHERE project = ?1 AND digits = ?2 "
	                           "AND first BETWEEN ?3 AND ?4 AND lifecycle_state != 2 AND create_time < ?5 "
	                           "UNION ALL SELECT * FROM (SELECT " SQL_COLUMNS " FROM inst WHERE project = ?1 AND "
	                           "digits = ?2 AND first < ?3 ORDER BY first DESC LIMIT 1) WHERE last >= ?3 AND "
	                           "lifecycle_state != 2 AND create_time < ?5) ORDER BY create_time DESC LIMIT ?6");
	s->holder = prepare(s->db, "SELECT name, last FROM inst WHERE digits = ?1 AND first <= ?2 AND "
	                           "lifecycle_state != 2 ORDER BY first DESC LIMIT 1");
	s->update = prepare(s->db, "UPDATE inst SET display_name = ?1 WHERE name = ?2 AND lifecycle_state != 2 "
	                           "RETURNING " SQL_COLUMNS);
	s->begin = prepare(s->db, "BEGIN");
	s->commit = prepare(s->db, "COMMIT");
}

static void sql_insert(struct sql *s, const char *name, int project, uint64_t national, int64_t size,
                       const char *display)
{
	char proj[32];
	snprintf(proj, sizeof(proj), "projects/p%d", project);
	uint64_t first = 61 * CC_SCALE + national;
	sqlite3_stmt *st = s->insert;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, proj, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, DIGITS);
	sqlite3_bind_int64(st, 4, (int64_t)first);
	sqlite3_bind_int64(st, 5, (int64_t)(first + (uint64_t)size - 1));
	sqlite3_bind_int64(st, 6, size > 1);
	sqlite3_bind_text(st, 7, display, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, ++s->time);
	step_done(s->db, st);
}

static void sql_load(struct sql *s)
{
	char name[96], display[32];
	exec(s->db, "BEGIN");
	for (uint32_t i = 0; i < g_n; i++) {
		name_of(name, sizeof(name), i);
		display_of(display, sizeof(display), i);
		sql_insert(s, name, project_of(i), first_national(i), is_range(i) ? RANGE_SIZE : 1, display);
	}
	exec(s->db, "COMMIT");
}

static void sql_close(struct sql *s)
{
	sqlite3_stmt *all[] = {s->insert, s->get, s->page, s->prefix, s->holder, s->update, s->begin, s->commit};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		sqlite3_finalize(all[i]);
	sqlite3_close(s->db);
}

/* ------------------------------------------------------------------------------------ */
/* LMDB: name -> a packed record (fixed fields, then length-prefixed strings).          */

struct lrec {
	uint64_t first, last;
	int64_t create_time, delete_time, activate_time;
	uint8_t digits, is_range, state, trigger, number_type, capabilities, pad[2];
	/* then: project, display_name, country_code as uint16 length + bytes */
};

struct lmdb {
	MDB_env *env;
	MDB_dbi dbi;
	MDB_txn *read;
	char dir[64];
};

static void lmdb_check(int rc, const char *what)
{
	if (rc != 0) {
		fprintf(stderr, "bench-store: LMDB %s: %s\n", what, mdb_strerror(rc));
		exit(1);
	}
}

static size_t put_lstr(uint8_t *p, const char *s)
{
	uint16_t n = (uint16_t)strlen(s);
	memcpy(p, &n, 2);
	memcpy(p + 2, s, n);
	return 2 + (size_t)n;
}

static void lmdb_load(struct lmdb *l)
{
	snprintf(l->dir, sizeof(l->dir), "/tmp/bench-store-XXXXXX");
	if (mkdtemp(l->dir) == NULL) {
		perror("bench-store: mkdtemp");
		exit(1);
	}
	lmdb_check(mdb_env_create(&l->env), "env_create");
	lmdb_check(mdb_env_set_mapsize(l->env, (size_t)g_n * 400 + ((size_t)64 << 20)), "set_mapsize");
	lmdb_check(mdb_env_open(l->env, l->dir, MDB_NOSYNC | MDB_NOMETASYNC, 0600), "env_open");
	MDB_txn *txn;
	lmdb_check(mdb_txn_begin(l->env, NULL, 0, &txn), "txn_begin");
	lmdb_check(mdb_dbi_open(txn, NULL, 0, &l->dbi), "dbi_open");
	char name[96], display[32], project[32];
	uint8_t buf[256];
	for (uint32_t i = 0; i < g_n; i++) {
		name_of(name, sizeof(name), i);
		display_of(display, sizeof(display), i);
		snprintf(project, sizeof(project), "projects/p%d", project_of(i));
		struct lrec r;
		memset(&r, 0, sizeof(r));
		r.first = 61 * CC_SCALE + first_national(i);
		r.last = r.first + (is_range(i) ? RANGE_SIZE - 1 : 0);
		r.create_time = r.activate_time = i + 1;
		r.digits = DIGITS;
		r.is_range = (uint8_t)is_range(i);
		r.state = 1;
		r.trigger = 1;
		memcpy(buf, &r, sizeof(r));
		size_t n = sizeof(r);
		n += put_lstr(buf + n, project);
		n += put_lstr(buf + n, display);
		n += put_lstr(buf + n, "AU");
		MDB_val k = {strlen(name), name}, v = {n, buf};
		lmdb_check(mdb_put(txn, l->dbi, &k, &v, 0), "put");
	}
	lmdb_check(mdb_txn_commit(txn), "commit");
	lmdb_check(mdb_txn_begin(l->env, NULL, MDB_RDONLY, &l->read), "read txn");
	mdb_txn_reset(l->read);
}

static void lmdb_close(struct lmdb *l)
{
	mdb_txn_abort(l->read);
	mdb_env_close(l->env);
	char path[96];
	snprintf(path, sizeof(path), "%s/data.mdb", l->dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/lock.mdb", l->dir);
	unlink(path);
	rmdir(l->dir);
}

/* ------------------------------------------------------------------------------------ */
/* The peer for resolve: a bare open-addressing (linear probing) hash of 64-bit keys.  */

struct bare_slot {
	uint64_t key; /* 0: empty */
	uint64_t value;
};

struct bare {
	struct bare_slot *slots;
	uint64_t mask;
};

static uint64_t bare_hash(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	return x;
}

static void bare_insert(struct bare *b, uint64_t key, uint64_t value)
{
	uint64_t i = bare_hash(key) & b->mask;
	while (b->slots[i].key != 0 && b->slots[i].key != key)
		i = (i + 1) & b->mask;
	b->slots[i].key = key;
	b->slots[i].value = value;
}

static inline uint64_t bare_find(const struct bare *b, uint64_t key)
{
	uint64_t i = bare_hash(key) & b->mask;
	for (;;) {
		const struct bare_slot *s = &b->slots[i];
		if (s->key == key)
			return s->value;
		if (s->key == 0)
			return UINT64_MAX;
		i = (i + 1) & b->mask;
	}
}

/* ------------------------------------------------------------------------------------ */
/* The timed batches.                                                                   */

struct ctx {
	numbering_store *store;
	numbering_resolution *resolution;
	struct sql *sql;
	struct lmdb *lmdb;
	struct bare *bare;
	numbering_instance *got; /* get by name: the caller's instance, reused */
	char (*texts)[16];   /* resolve queries as +E164 text */
	uint64_t *keys;      /* the bare hash's queries */
	char (*names)[48];   /* get queries */
	uint64_t create_next; /* the next fresh number to create */
	const char *project;  /* list and prefix */
	const char *prefix;   /* +E164 prefix */
	uint64_t lo, hi;      /* its numbers, for SQLite */
	long matched_ours;    /* instances the last prefix query returned */
	long matched_sql;
	char split_name[128];
	uint64_t small_next;
};

static void run_resolve(void *p, uint64_t start, uint64_t count)
{
	struct ctx *c = p;
	uint64_t sum = 0;
	for (uint64_t i = start; i < start + count; i++) {
		int rc = numbering_store_resolve(c->resolution, c->store, NULL, c->texts[i & (QUERIES - 1)], NULL);
		if (rc != NUMBERING_OK)
			die("numbering_store_resolve", rc);
		sum += (uint64_t)numbering_instance_create_time(numbering_resolution_instance(c->resolution));
	}
	g_sink = sum;
}

static void run_bare(void *p, uint64_t start, uint64_t count)
{
	struct ctx *c = p;
	uint64_t sum = 0;
	for (uint64_t i = start; i < start + count; i++)
		sum += bare_find(c->bare, c->keys[i & (QUERIES - 1)]);
	g_sink = sum;
}

/* Resolves one at a time: each query is chosen by the last answer (its create time's
 * sign bit, always 0, which the processor cannot know before the answer is in), so
 * no resolve starts before the last one returned, as a PBX's separate calls do not. */
static void run_resolve_chain(void *p, uint64_t start, uint64_t count)
{
	struct ctx *c = p;
	uint64_t sum = 0, v = 0;
	for (uint64_t i = start; i < start + count; i++) {
		int rc = numbering_store_resolve(c->resolution, c->store, NULL, c->texts[(i + (v >> 63)) & (QUERIES - 1)],
		                                 NULL);
		if (rc != NUMBERING_OK)
			die("numbering_store_resolve", rc);
		v = (uint64_t)numbering_instance_create_time(numbering_resolution_instance(c->resolution));
		sum += v;
	}
	g_sink = sum;
}

/* --profile-resolve: the resolves, in a function of their own for --toggle-collect. */
__attribute__((noinline)) static void profile_resolve(struct ctx *c, uint64_t count)
{
	run_resolve_chain(c, 0, count);
}

/* The same look-ups one at a time: each key depends on the last answer, so the
 * processor cannot overlap their cache misses (as a PBX's separate calls do not). */
static void run_bare_chain(void *p, uint64_t start, uint64_t count)
{
	struct ctx *c = p;
	uint64_t sum = 0, v = 0;
	for (uint64_t i = start; i < start + count; i++) {
		v = bare_find(c->bare, c->keys[(i + (v >> 63)) & (QUERIES - 1)]);
		sum += v;
	}
	g_sink = sum;
}

/* Get by name the fastest public way: into the caller's instance, reused. */
static void run_get(void *p, uint64_t start, uint64_t count)
{
	struct ctx *c = p;
	uint64_t sum = 0;
	for (uint64_t i = start; i < start + count; i++) {
		int rc = numbering_store_get_into(c->got, c->store, NULL, c->names[i & (QUERIES - 1)]);
		if (rc != NUMBERING_OK)
			die("numbering_store_get_into", rc);
		sum += (uint64_t)numbering_instance_create_time(c->got);
	}
	g_sink = sum;
}

/* Get by name into an instance allocated for each get and freed. */
static void run_get_alloc(void *p, uint64_t start, uint64_t count)
{
	struct ctx *c = p;
	uint64_t sum = 0;
	for (uint64_t i = start; i < start + count; i++) {
		numbering_instance *out = NULL;
		int rc = numbering_store_get(&out, c->store, NULL, c->names[i & (QUERIES - 1)]);
		if (rc != NUMBERING_OK)
			die("numbering_store_get", rc);
		sum += (uint64_t)numbering_instance_create_time(out);
		numbering_instance_free(out);
	}
	g_sink = sum;
}

/* --profile-get and --profile-get-alloc: the gets (and frees), in functions of their
 * own for --toggle-collect. */
__attribute__((noinline)) static void profile_get(struct ctx *c, uint64_t count)
{
	run_get(c, 0, count);
}

__attribute__((noinline)) static void profile_get_alloc(struct ctx *c, uint64_t count)
{
	run_get_alloc(c, 0, count);
}

static void run_sql_get(void *p, uint64_t start, uint64_t count)
{
	struct ctx *c = p;
	sqlite3_stmt *st = c->sql->get;
	uint64_t sum = 0;
	struct row r;
	for (uint64_t i = start; i < start + count; i++) {
		sqlite3_bind_text(st, 1, c->names[i & (QUERIES - 1)], -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW)
			sqlite_die(c->sql->db, "get");
		read_row(&r, st);
		sum += (uint64_t)r.create_time;
		sqlite3_reset(st);
	}
	g_sink = sum;
}

static size_t get_lstr(char *dst, size_t size, const uint8_t *p)
{
	uint16_t n;
	memcpy(&n, p, 2);
	size_t take = n < size ? n : size - 1;
	memcpy(dst, p + 2, take);
	dst[take] = '\0';
	return 2 + (size_t)n;
}

static void run_lmdb_get(void *p, uint64_t start, uint64_t count)
{
	struct ctx *c = p;
	struct lmdb *l = c->lmdb;
	uint64_t sum = 0;
	struct row r;
	for (uint64_t i = start; i < start + count; i++) {
		const char *name = c->names[i & (QUERIES - 1)];
		lmdb_check(mdb_txn_renew(l->read), "txn_renew");
		MDB_val k = {strlen(name), (void *)name}, v;
		lmdb_check(mdb_get(l->read, l->dbi, &k, &v), "get");
		/* Copy out what a caller keeps, as the other two do. */
		struct lrec rec;
		memcpy(&rec, v.mv_data, sizeof(rec));
		const uint8_t *q = (const uint8_t *)v.mv_data + sizeof(rec);
		size_t n = k.mv_size < sizeof(r.name) ? k.mv_size : sizeof(r.name) - 1;
		memcpy(r.name, name, n);
		r.name[n] = '\0';
		q += get_lstr(r.project, sizeof(r.project), q);
		q += get_lstr(r.display_name, sizeof(r.display_name), q);
		get_lstr(r.country_code, sizeof(r.country_code), q);
		r.create_time = rec.create_time;
		mdb_txn_reset(l->read);
		sum += (uint64_t)r.create_time;
	}
	g_sink = sum;
}

static void run_list(void *p, uint64_t start, uint64_t count)
{
	struct ctx *c = p;
	numbering_list_request *req = NULL;
	numbering_list_request_new(&req);
	numbering_list_request_set_parent(req, c->project);
	numbering_list_request_set_page_size(req, 100);
	uint64_t sum = 0;
	for (uint64_t i = start; i < start + count; i++) {
		numbering_list_page *page = NULL;
		int rc = numbering_store_list(&page, c->store, NULL, req);
		if (rc != NUMBERING_OK)
			die("numbering_store_list", rc);
		sum += (uint64_t)numbering_list_page_count(page);
		numbering_list_page_free(page);
	}
	numbering_list_request_free(req);
	g_sink = sum;
}

static void run_sql_list(void *p, uint64_t start, uint64_t count)
{
	struct ctx *c = p;
	sqlite3_stmt *st = c->sql->page;
	struct row r;
	uint64_t sum = 0;
	for (uint64_t i = start; i < start + count; i++) {
		sqlite3_bind_text(st, 1, c->project, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, 100);
		while (sqlite3_step(st) == SQLITE_ROW) {
			read_row(&r, st);
			sum++;
		}
		sqlite3_reset(st);
	}
	g_sink = sum;
}

static void run_prefix(void *p, uint64_t start, uint64_t count)
{
	struct ctx *c = p;
	long matched = 0;
	for (uint64_t i = start; i < start + count; i++) {
		numbering_list_request *req = NULL;
		numbering_list_request_new(&req);
		numbering_list_request_set_parent(req, c->project);
		numbering_list_request_set_page_size(req, 100);
		numbering_list_request_set_prefix(req, c->prefix);
		matched = 0;
		for (;;) {
			numbering_list_page *page = NULL;
			int rc = numbering_store_list(&page, c->store, NULL, req);
			if (rc != NUMBERING_OK)
				die("numbering_store_list (prefix)", rc);
			matched += numbering_list_page_count(page);
			const char *token = numbering_list_page_next_token(page);
			int more = token[0] != '\0';
			if (more)
				numbering_list_request_set_page_token(req, token);
			numbering_list_page_free(page);
			if (!more)
				break;
		}
		numbering_list_request_free(req);
	}
	c->matched_ours = matched;
}

static void run_sql_prefix(void *p, uint64_t start, uint64_t count)
{
	struct ctx *c = p;
	sqlite3_stmt *st = c->sql->prefix;
	struct row r;
	long matched = 0;
	for (uint64_t i = start; i < start + count; i++) {
		int64_t before = INT64_MAX;
		matched = 0;
		for (;;) {
			int rows = 0;
			sqlite3_bind_text(st, 1, c->project, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 2, DIGITS);
			sqlite3_bind_int64(st, 3, (int64_t)c->lo);
			sqlite3_bind_int64(st, 4, (int64_t)c->hi);
			sqlite3_bind_int64(st, 5, before);
			sqlite3_bind_int(st, 6, 100);
			while (sqlite3_step(st) == SQLITE_ROW) {
				read_row(&r, st);
				before = r.create_time;
				rows++;
			}
			sqlite3_reset(st);
			matched += rows;
			if (rows < 100)
				break;
		}
	}
	c->matched_sql = matched;
}

static void run_create(void *p, uint64_t start, uint64_t count)
{
	struct ctx *c = p;
	numbering_instance *req = NULL;
	numbering_instance_new(&req);
	char id[32];
	for (uint64_t i = start; i < start + count; i++) {
		snprintf(id, sizeof(id), "c%07" PRIu64, i);
		create_one(c->store, req, (int)(i % PROJECTS), id, CREATE_BASE + i, 1, "New line", 0);
	}
	numbering_instance_free(req);
}

static void run_sql_create(void *p, uint64_t start, uint64_t count)
{
	struct ctx *c = p;
	struct sql *s = c->sql;
	char name[96];
	for (uint64_t i = start; i < start + count; i++) {
		int project = (int)(i % PROJECTS);
		uint64_t first = 61 * CC_SCALE + CREATE_BASE + i;
		snprintf(name, sizeof(name), "projects/p%d/phoneNumberInstances/c%07" PRIu64, project, i);
		step_done(s->db, s->begin);
		/* Nobody may hold the number: the record starting last at or before it. */
		sqlite3_bind_int64(s->holder, 1, DIGITS);
		sqlite3_bind_int64(s->holder, 2, (int64_t)first);
		if (sqlite3_step(s->holder) == SQLITE_ROW && (uint64_t)sqlite3_column_int64(s->holder, 1) >= first)
			sqlite_die(s->db, "create: the number is taken");
		sqlite3_reset(s->holder);
		sql_insert(s, name, project, CREATE_BASE + i, 1, "New line");
		step_done(s->db, s->commit);
	}
}

static void run_update(void *p, uint64_t start, uint64_t count)
{
	struct ctx *c = p;
	numbering_instance *req = NULL;
	numbering_instance_new(&req);
	char display[32];
	for (uint64_t i = start; i < start + count; i++) {
		snprintf(display, sizeof(display), "Updated %" PRIu64, i);
		numbering_instance_set_display_name(req, display);
		numbering_instance *out = NULL;
		int rc = numbering_store_update(&out, c->store, NULL, c->names[i & (QUERIES - 1)], req, "display_name");
		if (rc != NUMBERING_OK)
			die("numbering_store_update", rc);
		numbering_instance_free(out);
	}
	numbering_instance_free(req);
}

static void run_sql_update(void *p, uint64_t start, uint64_t count)
{
	struct ctx *c = p;
	struct sql *s = c->sql;
	char display[32];
	struct row r;
	for (uint64_t i = start; i < start + count; i++) {
		snprintf(display, sizeof(display), "Updated %" PRIu64, i);
		step_done(s->db, s->begin);
		sqlite3_bind_text(s->update, 1, display, -1, SQLITE_STATIC);
		sqlite3_bind_text(s->update, 2, c->names[i & (QUERIES - 1)], -1, SQLITE_STATIC);
		if (sqlite3_step(s->update) != SQLITE_ROW)
			sqlite_die(s->db, "update");
		read_row(&r, s->update);
		sqlite3_reset(s->update);
		step_done(s->db, s->commit);
	}
}

/* Each operation splits the remainder of the big range: the first number stays, the
 * other ~10 million move to a new instance, which the next operation splits. */
static void run_split_big(void *p, uint64_t start, uint64_t count)
{
	struct ctx *c = p;
	(void)start;
	for (uint64_t i = 0; i < count; i++) {
		numbering_instance *a = NULL, *b = NULL;
		int rc = numbering_store_split_range(&a, &b, c->store, NULL, c->split_name, 1);
		if (rc != NUMBERING_OK)
			die("numbering_store_split_range (10M)", rc);
		snprintf(c->split_name, sizeof(c->split_name), "%s", numbering_instance_name(b));
		numbering_instance_free(a);
		numbering_instance_free(b);
	}
}

/* Each operation splits a fresh range of 100 at 1, the same split as the big one. */
static void run_split_small(void *p, uint64_t start, uint64_t count)
{
	struct ctx *c = p;
	char name[96];
	for (uint64_t i = start; i < start + count; i++) {
		snprintf(name, sizeof(name), "projects/p0/phoneNumberInstances/s%07" PRIu64, i);
		numbering_instance *a = NULL, *b = NULL;
		int rc = numbering_store_split_range(&a, &b, c->store, NULL, name, 1);
		if (rc != NUMBERING_OK)
			die("numbering_store_split_range (100)", rc);
		numbering_instance_free(a);
		numbering_instance_free(b);
	}
}

/* ------------------------------------------------------------------------------------ */
/* Printing.                                                                            */

static struct bench_console console = {"bench-store", 30, 16, 0};

/* A rate figure with no target: printed for information, never a MISS. */
static void row_rate_info(const char *figure, double ours_ns, const char *peer, double peer_ns)
{
	char a[24], b[24], ratio[16];
	bench_format_rate(a, sizeof(a), 1e9 / ours_ns);
	bench_format_rate(b, sizeof(b), 1e9 / peer_ns);
	snprintf(ratio, sizeof(ratio), "%.1fx", peer_ns / ours_ns);
	bench_emit(&console, figure, a, peer, b, ratio, "", "info");
}

/* A latency figure: ratio = our ns / peer ns (how many times slower we are). */
static void row_latency(const char *figure, double ours_ns, const char *peer, double peer_ns, double target)
{
	char a[24], b[24], ratio[16], t[16];
	snprintf(a, sizeof(a), "%.1f ns", ours_ns);
	snprintf(b, sizeof(b), "%.1f ns", peer_ns);
	double r = ours_ns / peer_ns;
	snprintf(ratio, sizeof(ratio), "%.2fx", r);
	snprintf(t, sizeof(t), "<=%.0fx", target);
	int pass = r <= target;
	console.missed += !pass;
	bench_emit(&console, figure, a, peer, b, ratio, t, pass ? "PASS" : "MISS");
}

/* row_latency() with a target that is not a whole number. */
static void row_latency_target(const char *figure, double ours_ns, const char *peer, double peer_ns, double target)
{
	char a[24], b[24], ratio[16], t[16];
	snprintf(a, sizeof(a), "%.1f ns", ours_ns);
	snprintf(b, sizeof(b), "%.1f ns", peer_ns);
	double r = ours_ns / peer_ns;
	snprintf(ratio, sizeof(ratio), "%.2fx", r);
	snprintf(t, sizeof(t), "<=%.1fx", target);
	int pass = r <= target;
	console.missed += !pass;
	bench_emit(&console, figure, a, peer, b, ratio, t, pass ? "PASS" : "MISS");
}

/* ------------------------------------------------------------------------------------ */

static void usage(void)
{
	fprintf(stderr, "usage: bench-store [--instances N] [--runs R] [--only resolve|get|list|prefix|write|split|memory] "
	                "[--clock wall|cpu] [--profile-resolve exact|range S] [--profile-get S] [--profile-get-alloc S]\n");
	exit(2);
}

/* Loads @count instances of one kind into a fresh store and returns its bytes per instance. */
static double bytes_per(uint32_t count, int kind)
{
	numbering_backend *backend = NULL;
	numbering_store *store = open_store(&backend);
	size_t before = store_bytes(backend);
	numbering_instance *req = NULL;
	numbering_instance_new(&req);
	char id[32], display[32];
	for (uint32_t i = 0; i < count; i++) {
		snprintf(id, sizeof(id), "m%07" PRIu32, i);
		display_of(display, sizeof(display), i);
		uint64_t national = NATIONAL_BASE + (kind == 1 ? (uint64_t)i * RANGE_SIZE : i);
		create_one(store, req, (int)(i % PROJECTS), id, national, kind == 1 ? RANGE_SIZE : 1, display, kind == 2);
	}
	numbering_instance_free(req);
	double per = (double)(store_bytes(backend) - before) / (double)count;
	numbering_store_close(store);
	return per;
}

int main(int argc, char **argv)
{
	g_n = 1000000;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--instances") == 0 && i + 1 < argc)
			g_n = (uint32_t)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
			g_runs = atoi(argv[++i]);
		else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
			g_only = argv[++i];
		else if (strcmp(argv[i], "--profile-resolve") == 0 && i + 2 < argc &&
		         (strcmp(argv[i + 1], "exact") == 0 || strcmp(argv[i + 1], "range") == 0)) {
			g_profile_range = strcmp(argv[++i], "range") == 0;
			g_profile = strtoull(argv[++i], NULL, 10);
			g_only = "resolve";
		} else if ((strcmp(argv[i], "--profile-get") == 0 || strcmp(argv[i], "--profile-get-alloc") == 0) &&
		           i + 1 < argc) {
			g_profile_get_alloc = strcmp(argv[i], "--profile-get-alloc") == 0;
			g_profile_get = strtoull(argv[++i], NULL, 10);
			g_only = "none"; /* libnumbering's store only */
		} else if (strcmp(argv[i], "--clock") == 0 && i + 1 < argc &&
		         (strcmp(argv[i + 1], "wall") == 0 || strcmp(argv[i + 1], "cpu") == 0))
			g_op_clock = strcmp(argv[++i], "cpu") == 0 ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC;
		else
			usage();
	}
	if (g_n < 1000 || g_n > 9000000 || g_runs < 1)
		usage();
	double t_start = now_s();
	uint32_t ranges = (g_n + GROUP - 1) / GROUP;
	printf("bench-store: libnumbering %s, memory backend; SQLite %s (:memory:); %s\n", numbering_version(),
	       sqlite3_libversion(), MDB_VERSION_STRING);
	printf("  %" PRIu32 " instances (%" PRIu32 " ranges of %d, %" PRIu32 " single numbers), %" PRIu64
	       " numbers, %d projects; median of %d runs, %s\n",
	       g_n, ranges, RANGE_SIZE, g_n - ranges, total_numbers(g_n), PROJECTS, g_runs,
	       g_op_clock == CLOCK_MONOTONIC ? "wall time" : "the thread's CPU time");

	/* Load the three stores. */
	numbering_backend *backend = NULL;
	numbering_store *store = open_store(&backend);
	double t0 = now_s();
	load_store(store);
	double load_ours = now_s() - t0;
	/* The peers are loaded only when a figure needs them (--only). */
	int need_sql = want("get") || want("list") || want("prefix") || want("write") || want("memory");
	struct sql sql;
	double load_sql = 0, sql_row_bytes = 0, load_lmdb = 0;
	if (need_sql) {
		sql_open(&sql);
		int64_t sql_mem0 = sqlite3_memory_used();
		t0 = now_s();
		sql_load(&sql);
		load_sql = now_s() - t0;
		sql_row_bytes = (double)(sqlite3_memory_used() - sql_mem0) / (double)g_n;
	}
	struct lmdb lm;
	if (want("get")) {
		t0 = now_s();
		lmdb_load(&lm);
		load_lmdb = now_s() - t0;
	}
	double ours_bytes = (double)store_bytes(backend) / (double)g_n;
	printf("  loaded in %.1f s (libnumbering, one create call each), %.1f s (SQLite, one transaction), %.1f s "
	       "(LMDB, one transaction)\n\n",
	       load_ours, load_sql, load_lmdb);

	/* Queries: random instances, the same for every library. */
	struct ctx c;
	memset(&c, 0, sizeof(c));
	c.store = store;
	c.sql = &sql;
	c.lmdb = &lm;
	c.project = "projects/p3"; /* list and prefix */
	c.texts = calloc(QUERIES, sizeof(*c.texts));
	c.keys = calloc(QUERIES, sizeof(*c.keys));
	c.names = calloc(QUERIES, sizeof(*c.names));
	if (numbering_resolution_new(&c.resolution) != NUMBERING_OK)
		die("numbering_resolution_new", 1);
	if (numbering_instance_new(&c.got) != NUMBERING_OK)
		die("numbering_instance_new", 1);
	for (uint32_t q = 0; q < QUERIES; q++) {
		uint32_t i = (uint32_t)(rng() % g_n);
		name_of(c.names[q], sizeof(c.names[q]), i);
	}

	/* The bare hash: one entry per instance, keyed by its first number. */
	struct bare bare;
	uint64_t cap = 1;
	while (cap < (uint64_t)g_n * 2)
		cap <<= 1;
	bare.slots = calloc(cap, sizeof(*bare.slots));
	bare.mask = cap - 1;
	for (uint32_t i = 0; i < g_n; i++)
		bare_insert(&bare, 61 * CC_SCALE + first_national(i), i);
	c.bare = &bare;
	for (uint32_t q = 0; q < QUERIES; q++) {
		uint32_t i = (uint32_t)(rng() % g_n);
		c.keys[q] = 61 * CC_SCALE + first_national(i);
	}

	if (g_profile > 0) {
		for (uint32_t q = 0; q < QUERIES; q++) {
			uint32_t i;
			if (g_profile_range) {
				i = (uint32_t)(rng() % ranges) * GROUP;
				snprintf(c.texts[q], sizeof(c.texts[q]), "+61%09" PRIu64, first_national(i) + rng() % RANGE_SIZE);
				continue;
			}
			do
				i = (uint32_t)(rng() % g_n);
			while (is_range(i));
			snprintf(c.texts[q], sizeof(c.texts[q]), "+61%09" PRIu64, first_national(i));
		}
		run_resolve(&c, 0, QUERIES); /* warm, and grow the resolution: not in profile_resolve() */
		double t1 = op_now_s();
		profile_resolve(&c, g_profile);
		printf("%" PRIu64 " resolves of %s numbers one at a time: %.1f ns each\n", g_profile,
		       g_profile_range ? "range" : "exact", (op_now_s() - t1) * 1e9 / (double)g_profile);
		g_only = "none"; /* no figure */
	}
	if (g_profile_get > 0) {
		/* warm, and grow the reused instance: not in the profiled function */
		(g_profile_get_alloc ? run_get_alloc : run_get)(&c, 0, QUERIES);
		double t1 = op_now_s();
		if (g_profile_get_alloc)
			profile_get_alloc(&c, g_profile_get);
		else
			profile_get(&c, g_profile_get);
		printf("%" PRIu64 " gets by name%s: %.1f ns each\n", g_profile_get,
		       g_profile_get_alloc ? ", each allocated and freed" : " into one instance",
		       (op_now_s() - t1) * 1e9 / (double)g_profile_get);
	}
	bench_header(&console);
	if (want("resolve")) {
		/* Resolve, exact: single-number instances. */
		for (uint32_t q = 0; q < QUERIES; q++) {
			uint32_t i;
			do
				i = (uint32_t)(rng() % g_n);
			while (is_range(i));
			snprintf(c.texts[q], sizeof(c.texts[q]), "+61%09" PRIu64, first_national(i));
		}
		run_resolve(&c, 0, QUERIES); /* warm, and grow the resolution */
		double bare_ns, resolve_exact;
		measure2(run_resolve, run_bare, &c, 0, 0, &resolve_exact, &bare_ns);
		g_allocations = 0;
		g_counting = 1;
		run_resolve(&c, 0, QUERIES);
		g_counting = 0;
		unsigned long allocs_exact = g_allocations;
		row_latency("resolve, exact number", resolve_exact, "bare hash", bare_ns, 3);
		double chain_exact, bare_chain_exact;
		measure2(run_resolve_chain, run_bare_chain, &c, 0, 0, &chain_exact, &bare_chain_exact);

		/* Resolve inside ranges. */
		for (uint32_t q = 0; q < QUERIES; q++) {
			uint32_t i = (uint32_t)(rng() % ranges) * GROUP;
			snprintf(c.texts[q], sizeof(c.texts[q]), "+61%09" PRIu64, first_national(i) + rng() % RANGE_SIZE);
		}
		run_resolve(&c, 0, QUERIES);
		double resolve_range, bare_ns2;
		measure2(run_resolve, run_bare, &c, 0, 0, &resolve_range, &bare_ns2);
		g_allocations = 0;
		g_counting = 1;
		run_resolve(&c, 0, QUERIES);
		g_counting = 0;
		unsigned long allocs_range = g_allocations;
		row_latency("resolve, number in a range", resolve_range, "bare hash", bare_ns2, 3);
		double chain_range, bare_chain_range;
		measure2(run_resolve_chain, run_bare_chain, &c, 0, 0, &chain_range, &bare_chain_range);
		/* Issue 15: one at a time, against the same look-ups made one at a time. */
		row_latency_target("resolve, exact, one at a time", chain_exact, "bare, dependent", bare_chain_exact, 2.5);
		row_latency_target("resolve, range, one at a time", chain_range, "bare, dependent", bare_chain_range, 2.5);
		{
			double per = (double)(allocs_exact + allocs_range) / (2.0 * QUERIES);
			int pass = BENCH_COUNT_ALLOCATIONS && allocs_exact + allocs_range == 0;
			console.missed += !pass;
			char a[24];
			snprintf(a, sizeof(a), "%.3f", per);
			bench_emit(&console, "resolve, allocations/call", a, "", "", "", "0",
			     BENCH_COUNT_ALLOCATIONS ? (pass ? "PASS" : "MISS") : "not counted");
		}
	}

	if (want("get")) {
		/* Get by name. */
		/* Get by name: ours into the caller's reused instance (the fastest public
		 * path), and into an instance allocated and freed a get, in the same runs. */
		batch_fn fns[4] = {run_get, run_sql_get, run_lmdb_get, run_get_alloc};
		uint64_t fixed[4] = {0, 0, 0, 0};
		double ns[4];
		measure_set(4, fns, &c, fixed, ns);
		double get_ours = ns[0], get_sql = ns[1], get_lmdb = ns[2], get_alloc = ns[3];
		bench_row_rate(&console, "get by name", get_ours, "SQLite", get_sql, 10);
		bench_row_rate(&console, "get by name", get_ours, "LMDB", get_lmdb, 3);
		row_rate_info("get by name, allocated", get_alloc, "SQLite", get_sql);
		row_rate_info("get by name, allocated", get_alloc, "LMDB", get_lmdb);
	}

	if (want("list")) {
		/* List: the first page of 100 of a project. */
		double list_ours, list_sql;
		measure2(run_list, run_sql_list, &c, 0, 0, &list_ours, &list_sql);
		bench_row_rate(&console, "list, one page of 100", list_ours, "SQLite", list_sql, 10);
	}

	if (want("prefix")) {
		/* Prefix: 10,000 numbers in the middle of the loaded ones, ~1/8 of them in p3. */
		uint64_t mid = NATIONAL_BASE + total_numbers(g_n) / 2;
		uint64_t lo_national = mid / 10000 * 10000;
		static char prefix[24];
		snprintf(prefix, sizeof(prefix), "+61%05" PRIu64, lo_national / 10000);
		c.prefix = prefix;
		c.lo = 61 * CC_SCALE + lo_national;
		c.hi = c.lo + 9999;
		double prefix_ours, prefix_sql;
		measure2(run_prefix, run_sql_prefix, &c, 0, 0, &prefix_ours, &prefix_sql);
		long matched_ours = c.matched_ours, matched_sql = c.matched_sql;
		long numbers_held = 0;
		for (uint32_t i = 0; i < g_n; i++) {
			if (project_of(i) != 3)
				continue;
			uint64_t f = first_national(i), l = f + (is_range(i) ? RANGE_SIZE - 1 : 0);
			uint64_t a = f > lo_national ? f : lo_national, b = l < lo_national + 9999 ? l : lo_national + 9999;
			if (a <= b)
				numbers_held += (long)(b - a + 1);
		}
		/* One name at every store size, so that tools/bench.sh --growth lines them up. */
		printf("  (prefix query: %s, %ld numbers held by the project)\n", prefix, numbers_held);
		bench_row_rate(&console, "prefix query, ~1,250 numbers", prefix_ours, "SQLite", prefix_sql, 10);
		if (matched_ours != matched_sql)
			printf("  (the prefix query returned %ld instances here and %ld in SQLite)\n", matched_ours, matched_sql);
	}

	if (want("write")) {
		/* Create and update, one transaction per operation. */
		uint64_t writes = g_n >= 100000 ? 20000 : 5000;
		double create_ours, create_sql;
		measure2(run_create, run_sql_create, &c, writes, writes / 4, &create_ours, &create_sql);
		bench_row_rate(&console, "create", create_ours, "SQLite, txn/op", create_sql, 5);
		double update_ours, update_sql;
		measure2(run_update, run_sql_update, &c, writes, writes / 4, &update_ours, &update_sql);
		bench_row_rate(&console, "update (display_name)", update_ours, "SQLite, txn/op", update_sql, 5);
	}

	if (want("split")) {
		/* SplitRange: 10,000,000 numbers vs 100. */
		{
			numbering_instance *req = NULL;
			numbering_instance_new(&req);
			create_one(store, req, 0, "big", BIG_SPLIT_BASE, BIG_RANGE, "Big range", 0);
			snprintf(c.split_name, sizeof(c.split_name), "projects/p0/phoneNumberInstances/big");
			uint64_t splits = 2000;
			char id[32];
			for (uint64_t i = 0; i < splits * (uint64_t)g_runs; i++) {
				snprintf(id, sizeof(id), "s%07" PRIu64, i);
				create_one(store, req, 0, id, SMALL_SPLIT_BASE + i * RANGE_SIZE, RANGE_SIZE, "Small range", 0);
			}
			numbering_instance_free(req);
			double split_big, split_small;
			measure2(run_split_big, run_split_small, &c, splits, splits, &split_big, &split_small);
			double r = split_big / split_small;
			int pass = r <= 1.5;
			console.missed += !pass;
			char a[24], b[24], ratio[16];
			snprintf(a, sizeof(a), "%.2f us", split_big / 1e3);
			snprintf(b, sizeof(b), "%.2f us", split_small / 1e3);
			snprintf(ratio, sizeof(ratio), "%.2fx", r);
			bench_emit(&console, "SplitRange of 10,000,000", a, "range of 100", b, ratio, "~1x", pass ? "PASS" : "MISS");
		}
	}

	if (want("memory")) {
		/* Memory. */
		{
			double single = bytes_per(g_n, 0);
			double range = bytes_per(g_n / 10, 1);
			double labelled = bytes_per(g_n / 10, 2);
			char a[24], b[24], ratio[16];
			snprintf(a, sizeof(a), "%.0f B", single);
			snprintf(b, sizeof(b), "%.0f B", sql_row_bytes);
			snprintf(ratio, sizeof(ratio), "%.2fx", single / sql_row_bytes);
			int pass = single <= 150;
			console.missed += !pass;
			bench_emit(&console, "memory/single instance", a, "SQLite row", b, ratio, "<=150 B", pass ? "PASS" : "MISS");
			snprintf(a, sizeof(a), "%.0f B", range);
			snprintf(ratio, sizeof(ratio), "%.2fx", range / sql_row_bytes);
			bench_emit(&console, "memory/range of 100", a, "SQLite row", b, ratio, "", "info");
			snprintf(a, sizeof(a), "%.0f B", labelled);
			bench_emit(&console, "memory/single, 3 labels", a, "", "", "", "", "info");
			snprintf(a, sizeof(a), "%.0f B", ours_bytes);
			snprintf(ratio, sizeof(ratio), "%.2fx", ours_bytes / sql_row_bytes);
			bench_emit(&console, "memory/instance, this data set", a, "SQLite row", b, ratio, "", "info");
		}
	}

	printf("\n%d figure%s missed; %.0f s in all\n", console.missed, console.missed == 1 ? "" : "s", now_s() - t_start);
	numbering_resolution_free(c.resolution);
	numbering_instance_free(c.got);
	numbering_store_close(store);
	if (need_sql)
		sql_close(&sql);
	if (want("get"))
		lmdb_close(&lm);
	free(bare.slots);
	free(c.texts);
	free(c.keys);
	free(c.names);
	return 0;
}
