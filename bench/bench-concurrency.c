/*
 * Reads beside a writer (issue 6, Concurrency): resolve and get throughput of 1 and 2
 * reader threads on one shared store, with no writer and with one writer thread that
 * updates instances as fast as the store lets it, over the memory backend and the file
 * backend in FULL sync (every update waits for fdatasync, which the store does after
 * releasing its lock, so readers are not held behind the disk) and NORMAL sync (the
 * writer never waits for the disk).
 *
 * Resolve and get read a snapshot and never wait for a writer (issue 15; docs/CONCEPTS.md,
 * "Concurrency"): the targets are issue 15's, one reader's rate beside the writer at
 * least 0.8x its rate alone and its p99.9 latency at most 2x. On a machine with fewer
 * cores than threads the writer also takes the readers' CPU: --clock cpu divides each
 * reader's reads by its own thread CPU time instead of the wall clock, which leaves out
 * what the scheduler gave to others (a reader that waits by spinning still pays). The
 * latencies are wall clock, of every call, in 10 ns buckets.
 *
 * Last, how long a resolve can wait when a write runs into an automatic compaction of
 * the file (which happens inside that write's commit, under the lock).
 *
 * Run: <builddir>/bench/bench-concurrency [--instances N] [--seconds S] [--runs R] [--dir DIR]
 *                                         [--stall-instances N] [--clock wall|cpu] [--snapshots on|off]
 */
#define _DEFAULT_SOURCE

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <numbering/numbering.h>
#include <numbering/sys/backend.h>
#include <numbering/sys/file.h>

#include "report.h"

#define RANGES 100 /* ranges of 100 besides the single numbers: resolve looks inside them too */

static int g_snapshots = 1; /* --snapshots off: numbering_options.snapshot_reads 0, readers wait for writers */
static int g_cpu_clock; /* --clock cpu: reader rates per second of the reader's own CPU time */

static double thread_cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, int rc)
{
	fprintf(stderr, "bench-concurrency: %s failed (%d): %s\n", what, rc, numbering_error_message());
	exit(1);
}

static uint64_t next_random(uint64_t *state)
{
	/* xorshift64*: cheap, and each thread has its own state. */
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * UINT64_C(2685821657736338717);
}

struct bench {
	numbering_store *store;
	numbering_backend *backend; /* owned by the store */
	int instances;
	char (*names)[64];
	char (*numbers)[24]; /* what readers resolve: the single numbers, and numbers inside the ranges */
	int number_count;
};

struct run {
	struct bench *b;
	int op; /* 0 resolve, 1 get */
	int timed; /* readers time every call (for the longest wait) */
	atomic_int stop;
	pthread_barrier_t start;
};

#define BUCKETS 100000 /* of 10 ns: up to 1 ms, then one for everything slower */

struct counter {
	struct run *run;
	uint64_t seed;
	uint64_t done;
	double longest; /* seconds, the slowest call when timed */
	double cpu;     /* seconds of the thread's CPU time */
	uint32_t *hist; /* when timed: calls per 10 ns of latency, BUCKETS + 1 */
	int failed;
};

static void *reader(void *arg)
{
	struct counter *c = arg;
	struct bench *b = c->run->b;
	numbering_resolution *resolution = NULL;
	if (numbering_resolution_new(&resolution) != NUMBERING_OK)
		die("resolution_new", -1);
	pthread_barrier_wait(&c->run->start);
	double cpu_started = thread_cpu_s();
	while (!atomic_load_explicit(&c->run->stop, memory_order_relaxed)) {
		/* A batch between looks at the flag, so the flag costs nothing measurable. */
		for (int k = 0; k < 64; k++) {
			uint64_t r = next_random(&c->seed);
			double started = c->run->timed ? now_s() : 0;
			int rc;
			if (c->run->op == 0) {
				rc = numbering_store_resolve(resolution, b->store, NULL, b->numbers[r % (uint64_t)b->number_count],
				                             NULL);
			} else {
				numbering_instance *got = NULL;
				rc = numbering_store_get(&got, b->store, NULL, b->names[r % (uint64_t)b->instances]);
				numbering_instance_free(got);
			}
			c->failed |= rc != NUMBERING_OK;
			if (c->run->timed) {
				double took = now_s() - started;
				if (took > c->longest)
					c->longest = took;
				if (c->hist != NULL)
					c->hist[took * 1e8 < BUCKETS ? (size_t)(took * 1e8) : BUCKETS]++;
			}
		}
		c->done += 64;
	}
	c->cpu = thread_cpu_s() - cpu_started;
	numbering_resolution_free(resolution);
	return NULL;
}

/* Updates a random instance's display name, one durable write after another. */
static void *writer(void *arg)
{
	struct counter *c = arg;
	struct bench *b = c->run->b;
	numbering_instance *request = NULL;
	if (numbering_instance_new(&request) != NUMBERING_OK)
		die("instance_new", -1);
	pthread_barrier_wait(&c->run->start);
	while (!atomic_load_explicit(&c->run->stop, memory_order_relaxed)) {
		char display[32];
		uint64_t r = next_random(&c->seed);
		snprintf(display, sizeof(display), "Line %" PRIu64, c->done);
		numbering_instance *updated = NULL;
		int rc = numbering_instance_set_display_name(request, display);
		if (rc == NUMBERING_OK)
			rc = numbering_store_update(&updated, b->store, NULL, b->names[r % (uint64_t)b->instances], request,
			                            "display_name");
		numbering_instance_free(updated);
		c->failed |= rc != NUMBERING_OK;
		c->done++;
	}
	numbering_instance_free(request);
	return NULL;
}

/* Reads per second of @readers threads beside @writers (0 or 1); the writer's rate in *write_rate.
 * With @hist, every call is timed and counted there (BUCKETS + 1 counters, summed over
 * the readers). */
static double measure(struct bench *b, int op, int readers, int writers, double seconds, double *write_rate,
                      double *longest, uint32_t *hist)
{
	struct run run = {.b = b, .op = op, .timed = longest != NULL || hist != NULL};
	atomic_init(&run.stop, 0);
	pthread_barrier_init(&run.start, NULL, (unsigned)(readers + writers + 1));
	struct counter counters[3];
	pthread_t tids[3];
	for (int i = 0; i < readers + writers; i++) {
		counters[i] = (struct counter){.run = &run, .seed = UINT64_C(0x9e3779b97f4a7c15) * (uint64_t)(i + 1)};
		/* Each reader its own counts (summed below): no two threads write one. */
		if (hist != NULL && i < readers && (counters[i].hist = calloc(BUCKETS + 1, sizeof(*hist))) == NULL)
			die("calloc", -1);
		if (pthread_create(&tids[i], NULL, i < readers ? reader : writer, &counters[i]) != 0)
			die("pthread_create", -1);
	}
	pthread_barrier_wait(&run.start);
	double started = now_s();
	struct timespec pause = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
	nanosleep(&pause, NULL);
	atomic_store(&run.stop, 1);
	uint64_t reads = 0;
	double cpu_rate = 0;
	for (int i = 0; i < readers + writers; i++) {
		pthread_join(tids[i], NULL);
		if (counters[i].failed)
			die(i < readers ? (op == 0 ? "resolve" : "get") : "update", -1);
		if (i < readers)
			reads += counters[i].done;
		if (i < readers && counters[i].cpu > 0)
			cpu_rate += (double)counters[i].done / counters[i].cpu;
		if (counters[i].hist != NULL) {
			for (size_t k = 0; k <= BUCKETS; k++)
				hist[k] += counters[i].hist[k];
			free(counters[i].hist);
		}
		if (i < readers && longest != NULL && counters[i].longest > *longest)
			*longest = counters[i].longest;
	}
	double elapsed = now_s() - started;
	pthread_barrier_destroy(&run.start);
	*write_rate = writers ? (double)counters[readers].done / elapsed : 0;
	return g_cpu_clock ? cpu_rate : (double)reads / elapsed;
}

static void populate(struct bench *b)
{
	numbering_instance *request = NULL;
	if (numbering_instance_new(&request) != NUMBERING_OK)
		die("instance_new", -1);
	b->names = calloc((size_t)b->instances + RANGES, sizeof(*b->names));
	b->numbers = calloc((size_t)b->instances + RANGES, sizeof(*b->numbers));
	if (b->names == NULL || b->numbers == NULL)
		die("calloc", -1);
	for (int i = 0; i < b->instances + RANGES; i++) {
		char id[32];
		int range = i >= b->instances;
		int k = range ? i - b->instances : i;
		/* Singles +61 2 8xxx xxxx; ranges +61 3 9xxx xx00-99. */
		snprintf(b->numbers[i], sizeof(b->numbers[i]), range ? "+613%06d00" : "+612%08d",
		         range ? 900000 + k : 80000000 + k);
		snprintf(id, sizeof(id), "%c%07d", range ? 'r' : 'n', k);
		numbering_instance_free(request);
		request = NULL;
		int rc = numbering_instance_new(&request);
		if (rc == NUMBERING_OK)
			rc = numbering_instance_set_phone_number(request, b->numbers[i]);
		if (rc == NUMBERING_OK && range)
			rc = numbering_instance_set_range_size(request, 100);
		if (rc == NUMBERING_OK)
			rc = numbering_instance_add_call_handler(request, "sip:pbx@example.com");
		numbering_instance *created = NULL;
		if (rc == NUMBERING_OK)
			rc = numbering_store_create(&created, b->store, NULL, "projects/p0", request, id, NULL, NULL);
		if (rc != NUMBERING_OK)
			die("create", rc);
		snprintf(b->names[i], sizeof(b->names[i]), "%s", numbering_instance_name(created));
		if (range) /* resolve a number in the middle of the range */
			b->numbers[i][strlen(b->numbers[i]) - 2] = '5';
		numbering_instance_free(created);
	}
	numbering_instance_free(request);
	b->number_count = b->instances + RANGES;
	b->instances += RANGES; /* get reads ranges too */
}

static int g_missed, g_figures;

/* The latency below which 99.9% of the calls counted in @hist took, in ns. */
static double p999_ns(const uint32_t *hist)
{
	uint64_t total = 0, seen = 0;
	for (size_t i = 0; i <= BUCKETS; i++)
		total += hist[i];
	for (size_t i = 0; i <= BUCKETS; i++)
		if ((seen += hist[i]) * 1000 >= total * 999)
			return (double)(i + 1) * 10;
	return 0;
}

static void table(struct bench *b, const char *backend, double seconds, int runs, double target, double p_target)
{
	static const char *const ops[2] = {"resolve", "get"};
	uint32_t *hist = malloc((BUCKETS + 1) * sizeof(*hist));
	if (hist == NULL)
		die("malloc", -1);
	for (int op = 0; op < 2; op++) {
		for (int readers = 1; readers <= 2; readers++) {
			double best[2] = {0, 0}, write_rate = 0, p[2] = {0, 0};
			/* Interleaved runs, best of each: the two sides see the same machine. */
			for (int r = 0; r < runs; r++) {
				for (int writers = 0; writers < 2; writers++) {
					double w = 0;
					double rate = measure(b, op, readers, writers, seconds, &w, NULL, NULL);
					if (rate > best[writers])
						best[writers] = rate;
					if (writers && w > write_rate)
						write_rate = w;
					/* The latencies in runs of their own (timing every call costs a clock read). */
					memset(hist, 0, (BUCKETS + 1) * sizeof(*hist));
					measure(b, op, readers, writers, seconds, &w, NULL, hist);
					double q = p999_ns(hist);
					if (p[writers] == 0 || q < p[writers])
						p[writers] = q;
				}
			}
			char figure[64], a[24], c[24], w[24], ratio[16], t[16], pa[24], pc[24], pratio[16];
			snprintf(figure, sizeof(figure), "%s %s, %d reader%s", ops[op], backend, readers, readers > 1 ? "s" : "");
			bench_format_rate(a, sizeof(a), best[0]);
			bench_format_rate(c, sizeof(c), best[1]);
			bench_format_rate(w, sizeof(w), write_rate);
			double q = best[1] / best[0], pq = p[1] / p[0];
			snprintf(ratio, sizeof(ratio), "%.2fx", q);
			snprintf(t, sizeof(t), ">=%.2fx", target);
			snprintf(pa, sizeof(pa), "%.0f ns", p[0]);
			snprintf(pc, sizeof(pc), "%.0f ns", p[1]);
			snprintf(pratio, sizeof(pratio), "%.2fx", pq);
			int pass = q >= target && pq <= p_target;
			g_missed += !pass;
			g_figures++;
			printf("%-30s %12s %12s %12s %8s %10s %10s %8s  %s\n", figure, a, c, w, ratio, pa, pc, pratio,
			       pass ? "PASS" : "MISS");
			/* In the combined table: ours is the rate beside a writer, the peer the same reads alone. */
			char row[128];
			snprintf(row, sizeof(row), "%s, 1 writer (%s)", figure, w);
			bench_table_row("bench-concurrency", row, c, "0 writers", a, ratio, t, pass ? "PASS" : "MISS");
			snprintf(row, sizeof(row), "%s p99.9, 1 writer", figure);
			snprintf(t, sizeof(t), "<=%.1fx", p_target);
			bench_table_row("bench-concurrency", row, pc, "0 writers", pa, pratio, t, pq <= p_target ? "PASS" : "MISS");
			fflush(stdout);
		}
	}
	free(hist);
}

/*
 * The longest a resolve waits while a writer runs into an automatic compaction of a
 * file store of @instances (NORMAL sync, so the writer reaches it quickly): the
 * compaction runs after the write, holding other writes off but not reads (with
 * --snapshots on, resolve takes no lock at all). Beside it: the longest resolve with no
 * writer. No target: the figure says what a reader can be held for, preemption
 * included (wall clock).
 */
static int compaction_stall(const char *dir, int instances, double seconds)
{
	char tmpl[512], path[600];
	snprintf(tmpl, sizeof(tmpl), "%s/bench-concurrency-XXXXXX", dir);
	if (mkdtemp(tmpl) == NULL) {
		perror(tmpl);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/store.db", tmpl);
	numbering_file_options fo = NUMBERING_FILE_OPTIONS_INIT;
	fo.compact_min_bytes = 1 << 20;
	struct bench b = {.instances = instances};
	int rc = numbering_file_backend_new(&b.backend, path, &fo);
	if (rc != NUMBERING_OK)
		die("file_backend_new", rc);
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.backend = b.backend;
	options.snapshot_reads = g_snapshots;
	if ((rc = numbering_store_open(&b.store, &options)) != NUMBERING_OK)
		die("open", rc);
	int mode = NUMBERING_FILE_SYNC_OFF;
	b.backend->control(b.backend, NUMBERING_FILE_CONTROL_SET_SYNC, &mode);
	populate(&b);
	b.backend->control(b.backend, NUMBERING_FILE_CONTROL_COMPACT, NULL);
	mode = NUMBERING_FILE_SYNC_NORMAL;
	b.backend->control(b.backend, NUMBERING_FILE_CONTROL_SET_SYNC, &mode);
	double alone = 0, beside = 0, w = 0;
	measure(&b, 0, 1, 0, 1.0, &w, &alone, NULL);
	numbering_file_stats before = {.version = NUMBERING_FILE_STATS_VERSION}, after = before;
	b.backend->control(b.backend, NUMBERING_FILE_CONTROL_STATS, &before);
	/* Until the writer has grown the file past twice its live data, and compacted it. */
	double spent = 0;
	do {
		measure(&b, 0, 1, 1, seconds, &w, &beside, NULL);
		spent += seconds;
		b.backend->control(b.backend, NUMBERING_FILE_CONTROL_STATS, &after);
	} while (after.compactions == before.compactions && spent < 30);
	char figure[96], a[24], c[24];
	snprintf(figure, sizeof(figure), "resolve, longest wait, file %d inst. (%d compaction%s)", b.instances,
	         (int)(after.compactions - before.compactions), after.compactions - before.compactions == 1 ? "" : "s");
	snprintf(a, sizeof(a), "%.2f ms", alone * 1e3);
	snprintf(c, sizeof(c), "%.2f ms", beside * 1e3);
	printf("%-30s %12s %12s %12s %8s %10s %10s %8s  %s\n", figure, a, c, "", "", "", "", "", "");
	bench_table_row("bench-concurrency", figure, c, "no writer", a, "", "", "");
	numbering_store_close(b.store);
	free(b.names);
	free(b.numbers);
	unlink(path);
	rmdir(tmpl);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench-concurrency [--instances N] [--seconds S] [--runs R] [--dir DIR] [--stall-instances N] "
	                "[--clock wall|cpu] [--snapshots on|off]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int instances = 10000, runs = 3, stall_instances = 100000;
	double seconds = 0.5;
	const char *dir = getenv("TMPDIR");
	if (dir == NULL || dir[0] == '\0')
		dir = "/tmp";
	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (strcmp(argv[i], "--instances") == 0)
			instances = atoi(argv[++i]);
		else if (strcmp(argv[i], "--seconds") == 0)
			seconds = atof(argv[++i]);
		else if (strcmp(argv[i], "--runs") == 0)
			runs = atoi(argv[++i]);
		else if (strcmp(argv[i], "--dir") == 0)
			dir = argv[++i];
		else if (strcmp(argv[i], "--stall-instances") == 0)
			stall_instances = atoi(argv[++i]);
		else if (strcmp(argv[i], "--clock") == 0 && (strcmp(argv[i + 1], "cpu") == 0 || strcmp(argv[i + 1], "wall") == 0))
			g_cpu_clock = strcmp(argv[++i], "cpu") == 0;
		else if (strcmp(argv[i], "--snapshots") == 0 && (strcmp(argv[i + 1], "on") == 0 || strcmp(argv[i + 1], "off") == 0))
			g_snapshots = strcmp(argv[++i], "on") == 0;
		else
			usage();
	}
	if (instances < 1 || seconds <= 0 || runs < 1 || stall_instances < 1)
		usage();
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	printf("bench-concurrency: libnumbering %s; %d instances and %d ranges of 100 in one store; %ld cores;\n"
	       "  best of %d runs of %.1f s; the writer updates a display name in a loop, as fast as it can;\n"
	       "  reader rates per second of %s; snapshot reads %s; targets: ratio >= 0.80x, p99.9 ratio <= 2.0x\n",
	       numbering_version(), instances, RANGES, cores, runs, seconds,
	       g_cpu_clock ? "each reader's thread CPU time (--clock cpu)" : "wall clock", g_snapshots ? "on" : "off");
	printf("%-30s %12s %12s %12s %8s %10s %10s %8s  %s\n", "figure", "0 writers", "1 writer", "writer", "ratio",
	       "p99.9 0w", "p99.9 1w", "p ratio", "verdict");

	/* Memory: the writer's whole update is under the lock (no disk to wait for); with it
	 * never pausing, readers keep what the lock leaves them. */
	struct bench mem = {.instances = instances};
	numbering_options mem_options = NUMBERING_OPTIONS_INIT;
	mem_options.snapshot_reads = g_snapshots;
	int rc = numbering_store_open(&mem.store, &mem_options);
	if (rc != NUMBERING_OK)
		die("open", rc);
	populate(&mem);
	table(&mem, "memory", seconds, runs, 0.8, 2.0);
	numbering_store_close(mem.store);
	free(mem.names);
	free(mem.numbers);

	/* File, FULL sync: the fdatasync happens after the lock is released, so readers
	 * should barely notice the writer. NORMAL: no wait for the disk at all, so the
	 * writer, like the memory one, never pauses, and each update appends to the file
	 * (a write(2)) under the lock. */
	static const struct {
		const char *label;
		int mode;
		double target;
	} files[2] = {{"file FULL", NUMBERING_FILE_SYNC_FULL, 0.8}, {"file NORMAL", NUMBERING_FILE_SYNC_NORMAL, 0.8}};
	for (int i = 0; i < 2; i++) {
		char tmpl[512], path[600];
		snprintf(tmpl, sizeof(tmpl), "%s/bench-concurrency-XXXXXX", dir);
		if (mkdtemp(tmpl) == NULL) {
			perror(tmpl);
			return 1;
		}
		snprintf(path, sizeof(path), "%s/store.db", tmpl);
		struct bench file = {.instances = instances};
		if ((rc = numbering_file_backend_new(&file.backend, path, NULL)) != NUMBERING_OK)
			die("file_backend_new", rc);
		numbering_options options = NUMBERING_OPTIONS_INIT;
		options.backend = file.backend;
		options.snapshot_reads = g_snapshots;
		if ((rc = numbering_store_open(&file.store, &options)) != NUMBERING_OK)
			die("open", rc);
		/* Loading is not what is measured: without syncs, then one. */
		int mode = NUMBERING_FILE_SYNC_OFF;
		file.backend->control(file.backend, NUMBERING_FILE_CONTROL_SET_SYNC, &mode);
		populate(&file);
		file.backend->control(file.backend, NUMBERING_FILE_CONTROL_SYNC, NULL);
		mode = files[i].mode;
		file.backend->control(file.backend, NUMBERING_FILE_CONTROL_SET_SYNC, &mode);
		table(&file, files[i].label, seconds, runs, files[i].target, 2.0);
		numbering_file_stats stats = {.version = NUMBERING_FILE_STATS_VERSION};
		if (file.backend->control(file.backend, NUMBERING_FILE_CONTROL_STATS, &stats) == NUMBERING_OK)
			printf("  %s: %" PRId64 " commits, %" PRId64 " fdatasyncs, %" PRId64 " compactions\n", files[i].label,
			       stats.commits, stats.syncs, stats.compactions);
		numbering_store_close(file.store);
		free(file.names);
		free(file.numbers);
		unlink(path);
		rmdir(tmpl);
	}
	if (compaction_stall(dir, stall_instances, seconds) != 0)
		return 1;
	printf("  %d of %d figures missed their target\n", g_missed, g_figures);
	return 0;
}
