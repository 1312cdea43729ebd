/*
 * The file backend against its physical floor and its peer (issue 4, Performance):
 *
 * - durable creates, one writer, through the store: against raw append + fdatasync of
 *   the same disk, and SQLite in WAL mode with synchronous=FULL (one INSERT per transaction);
 * - durable creates with 4 writer threads (group commit) against the single-fdatasync floor;
 * - reads (find, the resolve look-up) from the file backend and from the memory backend;
 * - open time of a store of N instances (default 1,000,000);
 * - bytes on disk per single-number instance after compaction, and SQLite's per row;
 * - fsck (numbering_file_check: every record read back through its kind's check) of it.
 *
 * Run: <builddir>/bench/bench-file [--dir DIR] [--durable N] [--instances N]
 * DIR must be on the disk being measured (default: $TMPDIR or /tmp); the stores are
 * removed afterwards. With --fsck-store PATH, only the store of N instances is built at
 * PATH (unless it is there from an earlier run), compacted, checked and kept: the same
 * program then times the fsck of other builds' libraries (LD_LIBRARY_PATH=BUILD) on it.
 */
#define _DEFAULT_SOURCE

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include <numbering/numbering.h>
#include <numbering/sys/backend.h>
#include <numbering/sys/file.h>

#include "report.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "bench-file: %s: %s\n", what, numbering_error_message());
	exit(1);
}

static char dir[512];

static void path_in(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
}

static long long file_bytes(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* The floor: append a record-sized write and fdatasync; @n more times on @fd. */
static double raw_append_chunk(int fd, off_t *off, int n)
{
	char rec[100];
	memset(rec, 'x', sizeof(rec));
	double t0 = now_s();
	for (int i = 0; i < n; i++) {
		if (pwrite(fd, rec, sizeof(rec), *off) != (ssize_t)sizeof(rec) || fdatasync(fd) != 0)
			die("raw append");
		*off += (off_t)sizeof(rec);
	}
	return now_s() - t0;
}

/* The kind the library stores phone number instances as, found by its name. */
static int instance_kind(void)
{
	for (int kind = 1; kind <= NUMBERING_RECORD_KIND_MAX; kind++) {
		const char *name = numbering_record_kind_name(kind);
		if (name != NULL && strcmp(name, "phoneNumberInstance") == 0)
			return kind;
	}
	die("no phoneNumberInstance kind");
	return 0;
}

struct copy {
	numbering_backend *to[2];
	int count;
};

/* Puts a listed record into both backends (put copies what it keeps). */
static int copy_record(const numbering_record *record, void *payload)
{
	struct copy *c = payload;
	for (int k = 0; k < 2; k++)
		if (c->to[k]->put(c->to[k], record) != NUMBERING_OK)
			die("put");
	if (++c->count % 20000 == 0)
		for (int k = 0; k < 2; k++)
			if (c->to[k]->commit(c->to[k]) != NUMBERING_OK || c->to[k]->begin(c->to[k]) != NUMBERING_OK)
				die("commit");
	return 0;
}

/* A find's visit: notes the owner's name (borrowed; only its presence is used). */
static int take_name(const numbering_record *record, void *payload)
{
	*(const char **)payload = record->name;
	return 0;
}

/* Resolves @n random numbers of the big store through @store (what a PBX asks per call:
 * the read lock, with a live file store's one-word check for other processes' commits,
 * the look-up, the instance read). Two names, so that callgrind counts each store
 * apart (noipa: not folded into one; callgrind_annotate --inclusive=yes). */
#if defined(__clang__)
#define BENCH_APART __attribute__((noinline))
#else
#define BENCH_APART __attribute__((noipa)) /* gcc would fold the two identical functions */
#endif

static void resolve_through(numbering_store *store, numbering_resolution *res, unsigned *state, int n, int instances)
{
	char number[24];
	for (int i = 0; i < n; i++) {
		*state = *state * 1103515245u + 12345u;
		snprintf(number, sizeof(number), "+1212%07u", (*state >> 4) % (unsigned)instances);
		if (numbering_store_resolve(res, store, NULL, number, NULL) != NUMBERING_OK)
			die("resolve");
	}
}

BENCH_APART static void resolve_file_store(numbering_store *store, numbering_resolution *res,
                                                         unsigned *state, int n, int instances)
{
	resolve_through(store, res, state, n, instances);
}

BENCH_APART static void resolve_memory_store(numbering_store *store, numbering_resolution *res,
                                                           unsigned *state, int n, int instances)
{
	resolve_through(store, res, state, n, instances);
}

static numbering_store *open_store(const char *path, int mode, numbering_backend **backend_out)
{
	numbering_file_options fo = NUMBERING_FILE_OPTIONS_INIT;
	fo.sync_mode = mode;
	numbering_backend *b = NULL;
	if (numbering_file_backend_new(&b, path, &fo) != NUMBERING_OK)
		die("open the file backend");
	numbering_options o = NUMBERING_OPTIONS_INIT;
	o.backend = b;
	numbering_store *store = NULL;
	if (numbering_store_open(&store, &o) != NUMBERING_OK)
		die("open the store");
	if (backend_out)
		*backend_out = b;
	return store;
}

static void create_one(numbering_store *store, int thread, int i)
{
	char number[48], id[48];
	/* A million numbers per thread slot, all distinct: +1212 T xxxxxx. */
	snprintf(number, sizeof(number), "+1212%d%06d", 2 + thread, i % 1000000);
	snprintf(id, sizeof(id), "t%dn%d", thread, i);
	numbering_instance *req = NULL, *out = NULL;
	numbering_instance_new(&req);
	numbering_instance_set_phone_number(req, number);
	if (numbering_store_create(&out, store, NULL, "projects/bench", req, id, NULL, NULL) != NUMBERING_OK)
		die("create");
	numbering_instance_free(req);
	numbering_instance_free(out);
}

static double store_create_chunk(numbering_store *store, int *next, int n)
{
	double t0 = now_s();
	for (int i = 0; i < n; i++)
		create_one(store, 0, (*next)++);
	return now_s() - t0;
}

struct writer {
	numbering_store *store;
	int thread, first, n;
};

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	for (int i = 0; i < w->n; i++)
		create_one(w->store, w->thread, w->first + i);
	return NULL;
}

/* Durable creates from @threads writer threads on one store, against the floor: they
 * take turns in rounds (@rounds of @n_each creates per thread, then as many raw
 * appends+fdatasync as one writer would make), so drifting load hits both alike. */
static void threaded_vs_floor(int threads, int rounds, int n_each, double *rate, double *floor_rate,
                              double *per_sync)
{
	char path[600], rpath[600];
	path_in(path, sizeof(path), "threads.db");
	path_in(rpath, sizeof(rpath), "raw2.log");
	numbering_backend *b = NULL;
	numbering_store *store = open_store(path, NUMBERING_FILE_SYNC_FULL, &b);
	int fd = open(rpath, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die("open raw2.log");
	off_t off = 0;
	numbering_file_stats before, after;
	memset(&before, 0, sizeof(before));
	memset(&after, 0, sizeof(after));
	before.version = after.version = NUMBERING_FILE_STATS_VERSION;
	b->control(b, NUMBERING_FILE_CONTROL_STATS, &before);
	double t_threads = 0, t_raw = 0;
	for (int r = 0; r < rounds; r++) {
		pthread_t t[16];
		struct writer w[16];
		double t0 = now_s();
		for (int i = 0; i < threads; i++) {
			w[i] = (struct writer){store, i, r * n_each, n_each};
			pthread_create(&t[i], NULL, writer_main, &w[i]);
		}
		for (int i = 0; i < threads; i++)
			pthread_join(t[i], NULL);
		t_threads += now_s() - t0;
		t_raw += raw_append_chunk(fd, &off, n_each);
	}
	b->control(b, NUMBERING_FILE_CONTROL_STATS, &after);
	*rate = (double)threads * rounds * n_each / t_threads;
	*floor_rate = (double)rounds * n_each / t_raw;
	*per_sync = (double)threads * rounds * n_each / (double)(after.syncs - before.syncs);
	numbering_store_close(store);
	unlink(path);
	close(fd);
	unlink(rpath);
}

static void sql_exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "bench-file: sqlite: %s: %s\n", sql, err);
		exit(1);
	}
}

static const char sqlite_schema[] =
    "CREATE TABLE instance(name TEXT PRIMARY KEY, project TEXT, digits INTEGER, first INTEGER, last INTEGER, "
    "create_time INTEGER, state INTEGER, country TEXT, phone TEXT) WITHOUT ROWID;"
    "CREATE INDEX by_number ON instance(digits, first);"
    "CREATE INDEX by_time ON instance(project, create_time);";

static void sqlite_insert(sqlite3_stmt *st, int i)
{
	char name[64], phone[48];
	snprintf(name, sizeof(name), "projects/bench/phoneNumberInstances/n%d", i);
	snprintf(phone, sizeof(phone), "+1212%07d", i % 10000000);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, "projects/bench", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, 11);
	sqlite3_bind_int64(st, 4, 12120000000LL + i);
	sqlite3_bind_int64(st, 5, 12120000000LL + i);
	sqlite3_bind_int64(st, 6, 1767225600000000000LL + i);
	sqlite3_bind_int(st, 7, 2);
	sqlite3_bind_text(st, 8, "US", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, phone, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE) {
		fprintf(stderr, "bench-file: sqlite insert failed\n");
		exit(1);
	}
	sqlite3_reset(st);
}

static sqlite3 *sqlite_open(const char *path, const char *sync)
{
	sqlite3 *db = NULL;
	unlink(path);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		die("sqlite open");
	sql_exec(db, "PRAGMA journal_mode=WAL;");
	sql_exec(db, sync);
	sql_exec(db, sqlite_schema);
	return db;
}

/* Durable creates, one writer: the floor, the file store and SQLite take turns in
 * rounds of 50, so that load on the machine drifting during the run hits them alike. */
static void single_writer(int n, double *raw, double *ours, double *lite)
{
	char rpath[600], spath[600], qpath[600];
	path_in(rpath, sizeof(rpath), "raw.log");
	path_in(spath, sizeof(spath), "single.db");
	path_in(qpath, sizeof(qpath), "sqlite.db");
	int fd = open(rpath, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die("open raw.log");
	off_t off = 0;
	numbering_store *store = open_store(spath, NUMBERING_FILE_SYNC_FULL, NULL);
	int next = 0;
	sqlite3 *db = sqlite_open(qpath, "PRAGMA synchronous=FULL;");
	sqlite3_stmt *st = NULL;
	sqlite3_prepare_v2(db, "INSERT INTO instance VALUES(?,?,?,?,?,?,?,?,?)", -1, &st, NULL);
	double t_raw = 0, t_ours = 0, t_lite = 0;
	int done = 0, row = 0;
	while (done < n) {
		int k = n - done < 50 ? n - done : 50;
		t_raw += raw_append_chunk(fd, &off, k);
		t_ours += store_create_chunk(store, &next, k);
		double t0 = now_s();
		for (int i = 0; i < k; i++)
			sqlite_insert(st, row++); /* autocommit: one transaction each */
		t_lite += now_s() - t0;
		done += k;
	}
	*raw = n / t_raw;
	*ours = n / t_ours;
	*lite = n / t_lite;
	close(fd);
	unlink(rpath);
	numbering_store_close(store);
	unlink(spath);
	sqlite3_finalize(st);
	sqlite3_close(db);
	char wal[640];
	unlink(qpath);
	snprintf(wal, sizeof(wal), "%s-wal", qpath);
	unlink(wal);
	snprintf(wal, sizeof(wal), "%s-shm", qpath);
	unlink(wal);
}

static double sqlite_bytes_per_row(int n)
{
	char path[600];
	path_in(path, sizeof(path), "sqlite-size.db");
	sqlite3 *db = sqlite_open(path, "PRAGMA synchronous=OFF;");
	sqlite3_stmt *st = NULL;
	sqlite3_prepare_v2(db, "INSERT INTO instance VALUES(?,?,?,?,?,?,?,?,?)", -1, &st, NULL);
	sql_exec(db, "BEGIN");
	for (int i = 0; i < n; i++)
		sqlite_insert(st, i);
	sql_exec(db, "COMMIT");
	sqlite3_finalize(st);
	sql_exec(db, "PRAGMA wal_checkpoint(TRUNCATE);");
	sql_exec(db, "VACUUM;");
	sqlite3_close(db);
	double per = (double)file_bytes(path) / n;
	unlink(path);
	return per;
}

/* A figure for the combined table (report.h): ours beside the peer, ratio ours/peer. */
static void table_row(const char *figure, const char *unit, double ours, const char *peer, double peer_value,
                      const char *target, int pass)
{
	char a[32], b[32], ratio[16];
	if (strcmp(unit, "/s") == 0) {
		bench_format_rate(a, sizeof(a), ours);
		bench_format_rate(b, sizeof(b), peer_value);
	} else {
		snprintf(a, sizeof(a), "%.3g %s", ours, unit);
		snprintf(b, sizeof(b), "%.3g %s", peer_value, unit);
	}
	snprintf(ratio, sizeof(ratio), "%.2fx", ours / peer_value);
	bench_table_row("bench-file", figure, a, peer, b, ratio, target, pass ? "PASS" : "MISS");
}

/* A big store at @path, sync OFF and no automatic compaction: @instances single-number
 * instances made by the store's create on a memory store, their records put into a new
 * file backend (*@fb_out) and a new memory backend (*@mb_out). Returns the seconds it took. */
static double build_big(const char *path, int instances, numbering_backend **fb_out, numbering_backend **mb_out)
{
	numbering_backend *fb = NULL;
	numbering_file_options fo = NUMBERING_FILE_OPTIONS_INIT;
	fo.sync_mode = NUMBERING_FILE_SYNC_OFF;
	fo.compact_min_bytes = -1;
	if (numbering_file_backend_new(&fb, path, &fo) != NUMBERING_OK)
		die("open big");
	numbering_backend *mb = NULL;
	if (numbering_memory_backend_new(&mb) != NUMBERING_OK)
		die("memory backend");
	/* Instances made by the store's create on a memory store, then their records put
	 * into both backends (records are all a backend sees). */
	numbering_options mo = NUMBERING_OPTIONS_INIT;
	numbering_store *ms = NULL;
	numbering_backend *scratch = NULL;
	numbering_memory_backend_new(&scratch);
	mo.backend = scratch;
	if (numbering_store_open(&ms, &mo) != NUMBERING_OK)
		die("scratch store");
	double t0 = now_s();
	for (int i = 0; i < instances; i++) {
		char number[48], id[48];
		snprintf(number, sizeof(number), "+1212%07d", i % 10000000);
		snprintf(id, sizeof(id), "n%d", i);
		numbering_instance *req = NULL, *out = NULL;
		numbering_instance_new(&req);
		numbering_instance_set_phone_number(req, number);
		if (numbering_store_create(&out, ms, NULL, "projects/bench", req, id, NULL, NULL) != NUMBERING_OK)
			die("create");
		numbering_instance_free(req);
		numbering_instance_free(out);
	}
	struct copy copy = {{fb, mb}, 0};
	fb->begin(fb);
	mb->begin(mb);
	numbering_record_query q;
	memset(&q, 0, sizeof(q));
	q.version = NUMBERING_RECORD_QUERY_VERSION;
	q.kind = instance_kind();
	q.order = NUMBERING_RECORD_ORDER_ASCENDING;
	q.parent = "projects/bench";
	if (scratch->list(scratch, &q, copy_record, &copy) != NUMBERING_OK || copy.count != instances)
		die("copy the records");
	if (fb->commit(fb) != NUMBERING_OK || mb->commit(mb) != NUMBERING_OK)
		die("commit");
	numbering_store_close(ms);
	*fb_out = fb;
	*mb_out = mb;
	return now_s() - t0;
}

/* numbering_file_check() (numberctl fsck) of the store at @path, which holds @instances
 * instances and no damage: seconds, best of @rounds (the file in the page cache). */
static double fsck_time(const char *path, int instances, int rounds)
{
	double best = 1e9;
	for (int k = 0; k < rounds; k++) {
		numbering_file_report report;
		memset(&report, 0, sizeof(report));
		report.version = NUMBERING_FILE_REPORT_VERSION;
		double t0 = now_s();
		if (numbering_file_check(&report, path, 0) != NUMBERING_OK)
			die("fsck");
		double took = now_s() - t0;
		if (report.status != NUMBERING_OK || report.instances != instances) {
			fprintf(stderr, "bench-file: fsck found %lld instances (wrote %d): %s\n", (long long)report.instances,
			        instances, report.message);
			exit(1);
		}
		if (took < best)
			best = took;
	}
	return best;
}

int main(int argc, char **argv)
{
	int durable = 2000, instances = 1000000;
	const char *base = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/bench-file-XXXXXX", base && base[0] ? base : "/tmp");
	const char *user_dir = NULL, *fsck_store = NULL;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--durable") == 0)
			durable = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--instances") == 0)
			instances = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--dir") == 0)
			user_dir = argv[i + 1];
		else if (strcmp(argv[i], "--fsck-store") == 0)
			fsck_store = argv[i + 1];
	}
	if (fsck_store != NULL) {
		if (file_bytes(fsck_store) < 0) {
			numbering_backend *fb = NULL, *mb = NULL;
			double built = build_big(fsck_store, instances, &fb, &mb);
			if (fb->control(fb, NUMBERING_FILE_CONTROL_COMPACT, NULL) != NUMBERING_OK)
				die("compact");
			fb->free(fb);
			mb->free(mb);
			printf("store of %d single-number instances built at %s in %.1f s\n", instances, fsck_store, built);
		}
		printf("fsck of %s (%d instances, %.1f MB): %.3f s (best of 3)\n", fsck_store, instances,
		       file_bytes(fsck_store) / 1e6, fsck_time(fsck_store, instances, 3));
		return 0;
	}
	if (user_dir)
		snprintf(dir, sizeof(dir), "%s/bench-file-XXXXXX", user_dir);
	if (mkdtemp(dir) == NULL) {
		perror("bench-file: mkdtemp");
		return 1;
	}
	printf("bench-file: stores in %s (%s)\n", dir, sqlite3_libversion());

	/* Durable creates, one writer. */
	double raw, ours, lite;
	single_writer(durable, &raw, &ours, &lite);
	printf("durable creates, 1 writer (n=%d):\n", durable);
	printf("  raw append+fdatasync   %9.0f /s  (the floor)\n", raw);
	printf("  file backend (FULL)    %9.0f /s  %.2f x floor, %.2f x SQLite\n", ours, ours / raw, ours / lite);
	printf("  SQLite WAL sync=FULL   %9.0f /s  %.2f x floor\n", lite, lite / raw);
	table_row("durable create, 1 writer", "/s", ours, "append+fdatasync", raw, ">=0.9x", ours >= 0.9 * raw);
	table_row("durable create, 1 writer", "/s", ours, "SQLite WAL FULL", lite, ">=1x", ours >= lite);

	/* Group commit. */
	double four, floor4, per_sync;
	threaded_vs_floor(4, 10, durable / 20 > 0 ? durable / 20 : 1, &four, &floor4, &per_sync);
	printf("durable creates, 4 writers (n=%d): %9.0f /s  %.2f x the single-fdatasync floor measured in turns with "
	       "it (%.0f /s); %.2f commits per sync\n",
	       2 * durable, four, four / floor4, floor4, per_sync);
	table_row("durable create, 4 writers", "/s", four, "fdatasync floor", floor4, ">=2x", four >= 2 * floor4);

	/* A big store: build it through a memory store, copy into a file store. */
	char big[600];
	path_in(big, sizeof(big), "big.db");
	numbering_backend *fb = NULL, *mb = NULL;
	double built = build_big(big, instances, &fb, &mb), t0;
	long long log_size = file_bytes(big);
	if (fb->control(fb, NUMBERING_FILE_CONTROL_COMPACT, NULL) != NUMBERING_OK)
		die("compact");
	long long compacted = file_bytes(big);
	printf("store of %d single-number instances: built in %.1f s; log %.1f MB, after compaction %.1f MB\n", instances,
	       built, log_size / 1e6, compacted / 1e6);
	double sqlite_row = sqlite_bytes_per_row(instances < 200000 ? instances : 200000);
	printf("bytes on disk per instance after compaction: %.0f  (SQLite, same rows and indexes, vacuumed: %.0f)\n",
	       (double)compacted / instances, sqlite_row);
	table_row("file bytes/instance", "B", (double)compacted / instances, "SQLite, vacuumed", sqlite_row, "<=200 B",
	          (double)compacted / instances <= 200);

	/* Reads: the same find() on both backends, taking turns in rounds. */
	int reads = 2000000, round = 100000;
	double spent[2] = {0, 0}, rates[2];
	numbering_backend *both[2] = {fb, mb};
	unsigned state[2] = {12345, 12345};
	for (int done = 0; done < reads; done += round) {
		for (int k = 0; k < 2; k++) {
			t0 = now_s();
			for (int i = 0; i < round; i++) {
				state[k] = state[k] * 1103515245u + 12345u;
				uint64_t n = 12120000000ULL + (state[k] >> 4) % (unsigned)instances;
				const char *owner = NULL;
				if (both[k]->find(both[k], 11, n, n, take_name, &owner) != NUMBERING_OK || owner == NULL)
					die("find");
			}
			spent[k] += now_s() - t0;
		}
	}
	rates[0] = reads / spent[0];
	rates[1] = reads / spent[1];
	printf("resolve (find) of random numbers: file backend %.2f M/s, memory backend %.2f M/s (%.2f x)\n",
	       rates[0] / 1e6, rates[1] / 1e6, rates[0] / rates[1]);
	table_row("find, file backend", "/s", rates[0], "memory backend", rates[1], ">=0.9x", rates[0] >= 0.9 * rates[1]);

	/* Resolve through a store: the live file store (any process may commit; each read
	 * checks one shared word) against a memory store of the same records, in turns. */
	numbering_store *stores[2] = {NULL, NULL};
	for (int k = 0; k < 2; k++) {
		numbering_options so = NUMBERING_OPTIONS_INIT;
		so.backend = both[k];
		if (numbering_store_open(&stores[k], &so) != NUMBERING_OK)
			die("a store over the big store's records");
	}
	numbering_resolution *res = NULL;
	if (numbering_resolution_new(&res) != NUMBERING_OK)
		die("resolution");
	int resolves = instances < 100000 ? 10 * instances : 1000000, chunk = resolves / 20;
	double rspent[2] = {0, 0};
	unsigned rstate[2] = {777, 777};
	for (int done = 0; done < resolves; done += chunk)
		for (int k = 0; k < 2; k++) {
			t0 = now_s();
			if (k == 0)
				resolve_file_store(stores[0], res, &rstate[0], chunk, instances);
			else
				resolve_memory_store(stores[1], res, &rstate[1], chunk, instances);
			rspent[k] += now_s() - t0;
		}
	double rrates[2] = {resolves / rspent[0], resolves / rspent[1]};
	printf("resolve through a store: live file store %.2f M/s, memory store %.2f M/s (%.2f x)\n", rrates[0] / 1e6,
	       rrates[1] / 1e6, rrates[0] / rrates[1]);
	table_row("resolve, live file store", "/s", rrates[0], "memory store", rrates[1], ">=0.9x",
	          rrates[0] >= 0.9 * rrates[1]);
	numbering_resolution_free(res);
	numbering_store_close(stores[0]); /* and the backends they took */
	numbering_store_close(stores[1]);

	/* Open time, best of 3 (the file is in the page cache, as on a warm restart). */
	double best = 1e9;
	for (int k = 0; k < 3; k++) {
		t0 = now_s();
		if (numbering_file_backend_new(&fb, big, NULL) != NUMBERING_OK)
			die("reopen big");
		double took = now_s() - t0;
		if (took < best)
			best = took;
		numbering_file_stats s;
		memset(&s, 0, sizeof(s));
		s.version = NUMBERING_FILE_STATS_VERSION;
		fb->control(fb, NUMBERING_FILE_CONTROL_STATS, &s);
		if (s.instances != instances) {
			fprintf(stderr, "bench-file: reopened %lld instances, wrote %d\n", (long long)s.instances, instances);
			return 1;
		}
		fb->free(fb);
	}
	printf("open time, %d instances: %.3f s (best of 3)\n", instances, best);
	{
		char figure[64], a[24];
		snprintf(figure, sizeof(figure), "open, %d instances", instances);
		snprintf(a, sizeof(a), "%.3f s", best);
		bench_table_row("bench-file", figure, a, "", "", "", "<1 s", best < 1.0 ? "PASS" : "MISS");
	}
	double fsck = fsck_time(big, instances, 3);
	printf("fsck, %d instances: %.3f s (best of 3)\n", instances, fsck);
	{
		char figure[64], a[24];
		snprintf(figure, sizeof(figure), "fsck, %d instances", instances);
		snprintf(a, sizeof(a), "%.3f s", fsck);
		bench_table_row("bench-file", figure, a, "", "", "", "", "");
	}
	unlink(big);
	/* The lock files the file stores leave beside them (PATH.lock: many processes). */
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d != NULL && (e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		char lock[1100];
		if (n > 5 && strcmp(e->d_name + n - 5, ".lock") == 0) {
			snprintf(lock, sizeof(lock), "%s/%s", dir, e->d_name);
			unlink(lock);
		}
	}
	if (d != NULL)
		closedir(d);
	rmdir(dir);
	return 0;
}
