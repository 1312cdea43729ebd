/*
 * bench-export: `numberctl export` of a store of 1,000,000 instances (issue 16: under
 * 2 seconds here), beside `sqlite3 -json` dumping a table of the same instances,
 * measured in the same run.
 *
 *   bench-export [--instances N] [--runs R] [--clock wall|cpu] [--dir DIR] [--sqlite3 PATH]
 *
 * The store (memory backend) gets N instances through the public API
 * (numbering_store_create, as a host creates them): single numbers +61 2 xxxx xxxx,
 * every 10th a range of 100, a display name each, in 10 projects; every record then is
 * what the store keeps (the instance and its metadata). Ours: numberctl's own export
 * code (examples/numberctl/export.c, numberctl_export_write()) writing JSON Lines to
 * /dev/null, and CSV likewise: the FOREACH walk for the groups, then list() per group,
 * base64 bodies, the sort of ties.
 *
 * SQLite's side: the sqlite3 command-line shell, run as a subprocess (the tool an
 * operator would use: `sqlite3 -json DB 'SELECT * FROM instances' > /dev/null`) on a
 * file database holding the same instances in one table, a column per field
 * (name PRIMARY KEY, project, phone_number, digits, first, last, display_name, state,
 * create_time, phone_id, country_code, number_type), written once before the runs
 * (not timed). Its time is the child's: wall time (fork to exit), or, with --clock
 * cpu, the CPU time of the child (getrusage RUSAGE_CHILDREN, user + system); ours is
 * wall or this thread's CPU time. sqlite3 starts a process and opens the file: about
 * 2 ms, nothing beside a second.
 *
 * Each figure is the median of R runs (default 3), the two sides alternating. The
 * outputs are checked: our export has N instance lines, sqlite3's N rows.
 * Nothing asserts a time: a missed target is printed as MISS.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include <numbering/numbering.h>
#include <numbering/sys/backend.h>

#include "export.h"
#include "report.h"

#define PROJECTS 10
#define RANGE_SIZE 100

static uint32_t g_n = 1000000;
static int g_runs = 3;
static clockid_t g_clock = CLOCK_MONOTONIC;
static const char *g_dir = "/tmp";
static const char *g_sqlite3 = "sqlite3";

static void die(const char *what, int rc)
{
	fprintf(stderr, "bench-export: %s: %s (%d)\n", what, numbering_error_message(), rc);
	exit(1);
}

static double now_s(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t national_of(uint32_t i)
{
	return 200000000ull + (uint64_t)i * RANGE_SIZE;
}

static void display_of(char *buf, size_t size, uint32_t i)
{
	snprintf(buf, size, "Line %" PRIu32, i);
}

/* Fills the store; the instances' names, numbers and create times go to SQLite too. */
static void load(numbering_store *store, sqlite3 *db)
{
	numbering_instance *req = NULL;
	if (numbering_instance_new(&req) != NUMBERING_OK)
		die("numbering_instance_new", 1);
	sqlite3_stmt *insert = NULL;
	if (sqlite3_exec(db,
	                 "CREATE TABLE instances(name TEXT PRIMARY KEY, project TEXT, phone_number TEXT, digits INTEGER, "
	                 "first INTEGER, last INTEGER, display_name TEXT, state TEXT, create_time INTEGER, phone_id INTEGER, "
	                 "country_code TEXT, number_type TEXT); BEGIN",
	                 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO instances VALUES(?,?,?,?,?,?,?,?,?,?,?,?)", -1, &insert, NULL) !=
	        SQLITE_OK) {
		fprintf(stderr, "bench-export: SQLite: %s\n", sqlite3_errmsg(db));
		exit(1);
	}
	char id[32], parent[32], text[32], display[32];
	double t0 = now_s(CLOCK_MONOTONIC);
	for (uint32_t i = 0; i < g_n; i++) {
		int range = i % 10 == 9;
		uint64_t national = national_of(i);
		snprintf(id, sizeof(id), "n%07" PRIu32, i);
		snprintf(parent, sizeof(parent), "projects/p%u", i % PROJECTS);
		snprintf(text, sizeof(text), "+61%09" PRIu64 "%s", national, range ? "-99" : "");
		display_of(display, sizeof(display), i);
		int rc = numbering_instance_set_phone_number(req, text);
		if (rc == NUMBERING_OK)
			rc = numbering_instance_set_display_name(req, display);
		if (rc != NUMBERING_OK)
			die("building a create request", rc);
		numbering_instance *out = NULL;
		rc = numbering_store_create(&out, store, NULL, parent, req, id, NULL, NULL);
		if (rc != NUMBERING_OK)
			die("numbering_store_create", rc);
		char name[96];
		snprintf(name, sizeof(name), "%s/phoneNumberInstances/%s", parent, id);
		uint64_t first = 61000000000ull + national;
		sqlite3_bind_text(insert, 1, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(insert, 2, parent + 9, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(insert, 3, text, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(insert, 4, 11);
		sqlite3_bind_int64(insert, 5, (sqlite3_int64)first);
		sqlite3_bind_int64(insert, 6, (sqlite3_int64)(first + (range ? RANGE_SIZE - 1 : 0)));
		sqlite3_bind_text(insert, 7, display, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(insert, 8, "ACTIVE", -1, SQLITE_STATIC);
		sqlite3_bind_int64(insert, 9, numbering_instance_create_time(out));
		sqlite3_bind_int64(insert, 10, (sqlite3_int64)i + 1);
		sqlite3_bind_text(insert, 11, "AU", -1, SQLITE_STATIC);
		sqlite3_bind_text(insert, 12, "FIXED_LINE", -1, SQLITE_STATIC);
		if (sqlite3_step(insert) != SQLITE_DONE) {
			fprintf(stderr, "bench-export: SQLite insert: %s\n", sqlite3_errmsg(db));
			exit(1);
		}
		sqlite3_reset(insert);
		numbering_instance_free(out);
		if (i > 0 && i % 100000 == 0)
			fprintf(stderr, "bench-export: %" PRIu32 " instances loaded (%.0f s)\n", i, now_s(CLOCK_MONOTONIC) - t0);
	}
	sqlite3_finalize(insert);
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench-export: SQLite commit: %s\n", sqlite3_errmsg(db));
		exit(1);
	}
	numbering_instance_free(req);
}

/* One export of ours to /dev/null; returns the seconds, and the records written. */
static __attribute__((noinline)) double run_ours(numbering_backend *backend, int csv, uint64_t *records)
{
	FILE *out = fopen("/dev/null", "w");
	if (out == NULL) {
		perror("bench-export: /dev/null");
		exit(1);
	}
	struct numberctl_export args = {csv, NULL, NULL};
	double t0 = now_s(g_clock);
	int rc = numberctl_export_write(out, backend, &args, records);
	double t = now_s(g_clock) - t0;
	if (rc != NUMBERING_OK)
		die("numberctl_export_write", rc);
	fclose(out);
	return t;
}

/* One `sqlite3 -json DB 'SELECT * FROM instances'` with its output to @out_path (NULL:
 * /dev/null); returns the child's seconds (wall or CPU as --clock says). */
static double run_sqlite3(const char *db_path, const char *out_path)
{
	struct rusage before, after;
	getrusage(RUSAGE_CHILDREN, &before);
	fflush(stdout); /* else the child's freopen writes what is buffered a second time */
	double t0 = now_s(CLOCK_MONOTONIC);
	pid_t pid = fork();
	if (pid < 0) {
		perror("bench-export: fork");
		exit(1);
	}
	if (pid == 0) {
		if (freopen(out_path != NULL ? out_path : "/dev/null", "w", stdout) == NULL)
			_exit(126);
		execlp(g_sqlite3, g_sqlite3, "-json", db_path, "SELECT * FROM instances", (char *)NULL);
		_exit(127);
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	double wall = now_s(CLOCK_MONOTONIC) - t0;
	getrusage(RUSAGE_CHILDREN, &after);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench-export: %s -json failed (status %d)%s\n", g_sqlite3, status,
		        WIFEXITED(status) && WEXITSTATUS(status) == 127 ? ": not found (apt install sqlite3)" : "");
		exit(1);
	}
	if (g_clock == CLOCK_MONOTONIC)
		return wall;
	double user = (double)(after.ru_utime.tv_sec - before.ru_utime.tv_sec) +
	              (double)(after.ru_utime.tv_usec - before.ru_utime.tv_usec) / 1e6;
	double sys = (double)(after.ru_stime.tv_sec - before.ru_stime.tv_sec) +
	             (double)(after.ru_stime.tv_usec - before.ru_stime.tv_usec) / 1e6;
	return user + sys;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), by_value);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--instances") == 0 && i + 1 < argc)
			g_n = (uint32_t)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
			g_runs = atoi(argv[++i]);
		else if (strcmp(argv[i], "--clock") == 0 && i + 1 < argc)
			g_clock = strcmp(argv[++i], "cpu") == 0 ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC;
		else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			g_dir = argv[++i];
		else if (strcmp(argv[i], "--sqlite3") == 0 && i + 1 < argc)
			g_sqlite3 = argv[++i];
		else {
			fprintf(stderr, "usage: bench-export [--instances N] [--runs R] [--clock wall|cpu] [--dir DIR] "
			                "[--sqlite3 PATH]\n");
			return 2;
		}
	}
	if (g_n == 0 || g_runs < 1 || g_runs > 99) {
		fprintf(stderr, "bench-export: --instances 1 or more, --runs 1 .. 99\n");
		return 2;
	}
	char db_path[512];
	snprintf(db_path, sizeof(db_path), "%s/bench-export-%d.sqlite", g_dir, (int)getpid());
	unlink(db_path);
	sqlite3 *db = NULL;
	if (sqlite3_open(db_path, &db) != SQLITE_OK) {
		fprintf(stderr, "bench-export: cannot create %s\n", db_path);
		return 1;
	}
	numbering_backend *backend = NULL;
	if (numbering_memory_backend_new(&backend) != NUMBERING_OK)
		die("numbering_memory_backend_new", 1);
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.backend = backend; /* the store's: read beside it, from this one thread, as numberctl reads */
	numbering_store *store = NULL;
	if (numbering_store_open(&store, &options) != NUMBERING_OK)
		die("numbering_store_open", 1);
	double t0 = now_s(CLOCK_MONOTONIC);
	load(store, db);
	sqlite3_close(db);
	fprintf(stderr, "bench-export: %" PRIu32 " instances loaded in %.1f s\n", g_n, now_s(CLOCK_MONOTONIC) - t0);

	/* The outputs, once: our export holds N instance lines, sqlite3's N rows. */
	{
		char *text = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&text, &len);
		struct numberctl_export args = {0, NULL, NULL};
		uint64_t records = 0;
		if (out == NULL || numberctl_export_write(out, backend, &args, &records) != NUMBERING_OK)
			die("numberctl_export_write", 1);
		fclose(out);
		uint64_t instances = 0;
		for (const char *p = text; (p = strstr(p, "{\"kind\":\"phoneNumberInstance\"")) != NULL; p++)
			instances++;
		char out_path[600];
		snprintf(out_path, sizeof(out_path), "%s.json", db_path);
		run_sqlite3(db_path, out_path);
		FILE *f = fopen(out_path, "r");
		uint64_t rows = 0;
		int c, prev = 0;
		while (f != NULL && (c = getc(f)) != EOF) {
			if (c == '{' && (prev == '[' || prev == '\n'))
				rows++;
			prev = c == '\n' || c == '[' ? c : (c == ',' ? prev : 0);
		}
		if (f != NULL)
			fclose(f);
		long theirs = 0;
		f = fopen(out_path, "r");
		if (f != NULL) {
			fseek(f, 0, SEEK_END);
			theirs = ftell(f);
			fclose(f);
		}
		unlink(out_path);
		printf("bench-export: %" PRIu32 " instances; our export %" PRIu64 " records (%" PRIu64
		       " instance lines, %.1f MB), sqlite3 -json %" PRIu64 " rows (%.1f MB)\n",
		       g_n, records, instances, (double)len / 1e6, rows, (double)theirs / 1e6);
		if (instances != g_n || rows != g_n) {
			fprintf(stderr, "bench-export: the outputs do not hold %" PRIu32 " instances each\n", g_n);
			return 1;
		}
		free(text);
	}

	double ours[99], ours_csv[99], theirs[99];
	uint64_t records = 0;
	for (int r = 0; r < g_runs; r++) {
		ours[r] = run_ours(backend, 0, &records);
		theirs[r] = run_sqlite3(db_path, NULL);
		ours_csv[r] = run_ours(backend, 1, &records);
	}
	double o = median(ours, g_runs), oc = median(ours_csv, g_runs), s = median(theirs, g_runs);
	const char *clock = g_clock == CLOCK_MONOTONIC ? "wall" : "cpu";
	printf("export of %" PRIu32 " instances (%s time, median of %d):\n", g_n, clock, g_runs);
	printf("  numberctl export (jsonl)        %8.3f s  %s\n", o, o < 2.0 ? "PASS (< 2 s)" : "MISS (target 2 s)");
	printf("  numberctl export --format csv   %8.3f s\n", oc);
	printf("  sqlite3 -json (CLI subprocess)  %8.3f s  ours %.2fx faster\n", s, s / o);
	char a[32], b[32], ratio[32], figure[96];
	snprintf(figure, sizeof(figure), "export %" PRIu32 " instances (jsonl, %s)", g_n, clock);
	snprintf(a, sizeof(a), "%.3f s", o);
	snprintf(b, sizeof(b), "%.3f s", s);
	snprintf(ratio, sizeof(ratio), "%.2fx", s / o);
	bench_table_row("bench-export", figure, a, "sqlite3 -json", b, ratio, "< 2 s", o < 2.0 ? "PASS" : "MISS");
	numbering_store_close(store);
	unlink(db_path);
	return 0;
}
