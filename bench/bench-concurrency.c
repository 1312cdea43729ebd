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
 * least 0.8x its rate alone and its p99.9 latency at most 2x. Every row gives the rate
 * both ways: per second of wall clock, and per second of each reader's own thread CPU
 * time (summed over the readers), with the share of a core the readers got (their CPU
 * seconds over the wall seconds). On a machine with fewer cores than threads (2 readers
 * and a writer on 2 cores, or a loaded machine) the wall clock measures the scheduler:
 * three busy threads on two cores leave two readers at most 4/3 of a core where they had
 * 2, 0.67x however cheap the writer is. The CPU time leaves that out and keeps what the
 * writer costs a reader while it runs (cache lines the writer takes, a reader that waits
 * by spinning); a reader that waits asleep is not charged, so a reader-writer lock looks
 * better on it than it is. --clock picks the clock of the verdict (wall by default); the
 * latencies are wall clock, of every call, in 10 ns buckets, preemption included.
 *
 * --apart adds, for the memory rows, the reader beside the same writer updating a store
 * of its own (an equal one): what a writer on the other core costs a reader when they
 * share no data (the caches and memory they share, the hypervisor), the floor of what
 * any design of the store could reach on this machine.
 *
 * Last, how long a resolve can wait when a write runs into an automatic compaction of
 * the file (which happens inside that write's commit, under the lock).
 *
 * Run: <builddir>/bench/bench-concurrency [--instances N] [--seconds S] [--runs R] [--dir DIR]
 *                                         [--stall-instances N] [--clock wall|cpu] [--snapshots on|off]
 *                                         [--only memory,full,normal,stall] [--apart on|off]
 *                                         [--after-commit N]
 */
#define _GNU_SOURCE /* pthread_setaffinity_np, and what _DEFAULT_SOURCE gives */

#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
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
static int g_cpu_clock; /* --clock cpu: the verdict on reader rates per second of the readers' own CPU time */
static int g_apart;     /* --apart: memory rows also with the writer on a store of its own */
static int g_after = 2000; /* --after-commit N: samples of the resolve right after a commit (0: none) */

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
	struct bench *apart; /* --apart: an equal store for a writer that shares nothing with the readers */
};

struct run {
	struct bench *b;
	struct bench *wb; /* the writer's store */
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
	struct bench *b = c->run->wb;
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

/* What one run measured: the readers' reads per wall second and per second of their own
 * CPU time (each reader's reads over its CPU seconds, summed), the share of a core they
 * had (CPU seconds over wall seconds, summed), the writer's updates per wall second. */
struct rates {
	double wall, cpu, share, writes;
};

/* Reads of @readers threads beside @writers (0 or 1) writing @wb (NULL: @b), in *out.
 * With @hist, every call is timed and counted there (BUCKETS + 1 counters, summed over
 * the readers). */
static void measure(struct bench *b, struct bench *wb, int op, int readers, int writers, double seconds,
                    struct rates *out, double *longest, uint32_t *hist)
{
	struct run run = {.b = b, .wb = wb != NULL ? wb : b, .op = op, .timed = longest != NULL || hist != NULL};
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
	double cpu_rate = 0, cpu_spent = 0;
	for (int i = 0; i < readers + writers; i++) {
		pthread_join(tids[i], NULL);
		if (counters[i].failed)
			die(i < readers ? (op == 0 ? "resolve" : "get") : "update", -1);
		if (i < readers)
			reads += counters[i].done;
		if (i < readers && counters[i].cpu > 0) {
			cpu_rate += (double)counters[i].done / counters[i].cpu;
			cpu_spent += counters[i].cpu;
		}
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
	out->wall = (double)reads / elapsed;
	out->cpu = cpu_rate;
	out->share = cpu_spent / elapsed;
	out->writes = writers ? (double)counters[readers].done / elapsed : 0;
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

/*
 * What one commit costs a reader on the other core, which the rates above can hide in
 * noise on a loaded machine. In turns, the writer thread makes one update (every other
 * turn: none, only the hand-over), then the reader resolves a random number right
 * after it: after an update it reads the lines the writer has just written (the copy
 * the commit published, the pointer to it, whatever else the writer changed that
 * readers read). The same hand-over without an update is the control: it has the
 * same wake-up and the same caches the machine's other load left, so the difference
 * of the two medians (which leave out preemption) is the commit's own cost to a
 * reader; times the writer's commits per second, what a writer in a loop takes from a
 * reader's second. The two threads are kept on two cores (CPUs 0 and 1).
 */
struct after_commit {
	struct bench *b;
	atomic_int turn; /* 0: the writer's, 1: the reader's, 2: stop */
	int samples;
};

static void wait_turn(atomic_int *turn, int want)
{
	for (unsigned spins = 0; atomic_load(turn) != want && atomic_load(turn) != 2; spins++)
		if (spins > 100)
			sched_yield();
}

/* Keeps the calling thread on @cpu (when the machine has it), so that the reader and
 * the writer below are on two cores whatever the scheduler would do. */
static void pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (cpu < sysconf(_SC_NPROCESSORS_ONLN))
		pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *after_commit_writer(void *arg)
{
	struct after_commit *a = arg;
	struct bench *b = a->b;
	pin(1);
	numbering_instance *request = NULL;
	if (numbering_instance_new(&request) != NUMBERING_OK)
		die("instance_new", -1);
	uint64_t seed = 42;
	for (int i = 0; i < 2 * a->samples; i++) {
		wait_turn(&a->turn, 0);
		if (i % 2 == 1) { /* the control: the hand-over alone */
			atomic_store(&a->turn, 1);
			continue;
		}
		char display[32];
		snprintf(display, sizeof(display), "After %d", i);
		numbering_instance *updated = NULL;
		int rc = numbering_instance_set_display_name(request, display);
		if (rc == NUMBERING_OK)
			rc = numbering_store_update(&updated, b->store, NULL, b->names[next_random(&seed) % (uint64_t)b->instances],
			                            request, "display_name");
		if (rc != NUMBERING_OK)
			die("update", rc);
		numbering_instance_free(updated);
		atomic_store(&a->turn, 1);
	}
	numbering_instance_free(request);
	return NULL;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return a < b ? -1 : a > b;
}

static void after_commit(struct bench *b, const char *backend, int samples)
{
	struct after_commit a = {.b = b, .samples = samples};
	atomic_init(&a.turn, 0);
	double *cold = calloc((size_t)samples, sizeof(double)), *control = calloc((size_t)samples, sizeof(double));
	numbering_resolution *resolution = NULL;
	if (cold == NULL || control == NULL || numbering_resolution_new(&resolution) != NUMBERING_OK)
		die("calloc", -1);
	pthread_t tid;
	if (pthread_create(&tid, NULL, after_commit_writer, &a) != 0)
		die("pthread_create", -1);
	uint64_t seed = 7;
	/* The main thread goes back to the CPUs it had (taskset's, say) afterwards. */
	cpu_set_t had;
	int kept = pthread_getaffinity_np(pthread_self(), sizeof(had), &had) == 0;
	pin(0);
	for (int i = 0; i < 2 * samples; i++) {
		wait_turn(&a.turn, 1);
		double t0 = now_s();
		int rc = numbering_store_resolve(resolution, b->store, NULL,
		                                 b->numbers[next_random(&seed) % (uint64_t)b->number_count], NULL);
		double t1 = now_s();
		if (rc != NUMBERING_OK)
			die("resolve", rc);
		(i % 2 == 0 ? cold : control)[i / 2] = t1 - t0;
		atomic_store(&a.turn, 0);
	}
	pthread_join(tid, NULL);
	if (kept)
		pthread_setaffinity_np(pthread_self(), sizeof(had), &had);
	qsort(cold, (size_t)samples, sizeof(double), cmp_double);
	qsort(control, (size_t)samples, sizeof(double), cmp_double);
	printf("  %s, a resolve right after a commit: median %.0f ns (p90 %.0f); after the hand-over alone %.0f ns "
	       "(p90 %.0f): %+.0f ns a commit (%d each)\n",
	       backend, cold[samples / 2] * 1e9, cold[samples * 9 / 10] * 1e9, control[samples / 2] * 1e9,
	       control[samples * 9 / 10] * 1e9, (cold[samples / 2] - control[samples / 2]) * 1e9, samples);
	numbering_resolution_free(resolution);
	free(cold);
	free(control);
}

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
			/* Best of the runs on each clock (each clock's best run may differ). */
			struct rates best[2] = {{0, 0, 0, 0}, {0, 0, 0, 0}}, apart = {0, 0, 0, 0};
			double p[2] = {0, 0}, p_apart = 0;
			/* Interleaved runs, best of each: the two sides see the same machine. */
			for (int r = 0; r < runs; r++) {
				for (int writers = 0; writers < 2; writers++) {
					struct rates got;
					measure(b, NULL, op, readers, writers, seconds, &got, NULL, NULL);
					if (got.wall > best[writers].wall) {
						best[writers].wall = got.wall;
						best[writers].share = got.share;
					}
					if (got.cpu > best[writers].cpu)
						best[writers].cpu = got.cpu;
					if (got.writes > best[writers].writes)
						best[writers].writes = got.writes;
					/* The latencies in runs of their own (timing every call costs a clock read). */
					memset(hist, 0, (BUCKETS + 1) * sizeof(*hist));
					measure(b, NULL, op, readers, writers, seconds, &got, NULL, hist);
					double q = p999_ns(hist);
					if (p[writers] == 0 || q < p[writers])
						p[writers] = q;
				}
				if (b->apart != NULL) {
					struct rates got;
					measure(b, b->apart, op, readers, 1, seconds, &got, NULL, NULL);
					if (got.cpu > apart.cpu)
						apart.cpu = got.cpu;
					if (got.wall > apart.wall)
						apart.wall = got.wall;
					memset(hist, 0, (BUCKETS + 1) * sizeof(*hist));
					measure(b, b->apart, op, readers, 1, seconds, &got, NULL, hist);
					double q = p999_ns(hist);
					if (p_apart == 0 || q < p_apart)
						p_apart = q;
				}
			}
			char figure[64], a[24], c[24], ac[24], cc[24], w[24], ratio[16], cratio[16], share[24], t[16], pa[24],
			    pc[24], pratio[16];
			snprintf(figure, sizeof(figure), "%s %s, %d reader%s", ops[op], backend, readers, readers > 1 ? "s" : "");
			bench_format_rate(a, sizeof(a), best[0].wall);
			bench_format_rate(c, sizeof(c), best[1].wall);
			bench_format_rate(ac, sizeof(ac), best[0].cpu);
			bench_format_rate(cc, sizeof(cc), best[1].cpu);
			bench_format_rate(w, sizeof(w), best[1].writes);
			double qw = best[1].wall / best[0].wall, qc = best[1].cpu / best[0].cpu, pq = p[1] / p[0];
			double q = g_cpu_clock ? qc : qw;
			snprintf(ratio, sizeof(ratio), "%.2fx", qw);
			snprintf(cratio, sizeof(cratio), "%.2fx", qc);
			snprintf(share, sizeof(share), "%.2f/%.2f", best[0].share, best[1].share);
			snprintf(t, sizeof(t), ">=%.2fx", target);
			snprintf(pa, sizeof(pa), "%.0f ns", p[0]);
			snprintf(pc, sizeof(pc), "%.0f ns", p[1]);
			snprintf(pratio, sizeof(pratio), "%.2fx", pq);
			int pass = q >= target && pq <= p_target;
			g_missed += !pass;
			g_figures++;
			printf("%-30s %10s %10s %7s %10s %10s %7s %9s %9s %8s %8s %7s  %s\n", figure, a, c, ratio, ac, cc, cratio,
			       share, w, pa, pc, pratio, pass ? "PASS" : "MISS");
			if (b->apart != NULL)
				printf("  the writer on a store of its own: wall %.2fx, cpu %.2fx, p99.9 %.0f ns %.2fx\n",
				       apart.wall / best[0].wall, apart.cpu / best[0].cpu, p_apart, p_apart / p[0]);
			/* Which clock the combined table's rates are on. */
			if (g_cpu_clock) {
				snprintf(a, sizeof(a), "%s", ac);
				snprintf(c, sizeof(c), "%s", cc);
				snprintf(ratio, sizeof(ratio), "%s", cratio);
			}
			/* In the combined table: ours is the rate beside a writer, the peer the same reads alone. */
			char row[128];
			snprintf(row, sizeof(row), "%s, 1 writer (%s)", figure, w);
			bench_table_row("bench-concurrency", row, c, "0 writers", a, ratio, t, q >= target ? "PASS" : "MISS");
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
	double alone = 0, beside = 0;
	struct rates w;
	measure(&b, NULL, 0, 1, 0, 1.0, &w, &alone, NULL);
	numbering_file_stats before = {.version = NUMBERING_FILE_STATS_VERSION}, after = before;
	b.backend->control(b.backend, NUMBERING_FILE_CONTROL_STATS, &before);
	/* Until the writer has grown the file past twice its live data, and compacted it. */
	double spent = 0;
	do {
		measure(&b, NULL, 0, 1, 1, seconds, &w, &beside, NULL);
		spent += seconds;
		b.backend->control(b.backend, NUMBERING_FILE_CONTROL_STATS, &after);
	} while (after.compactions == before.compactions && spent < 30);
	char figure[96], a[24], c[24];
	snprintf(figure, sizeof(figure), "resolve, longest wait, file %d inst. (%d compaction%s)", b.instances,
	         (int)(after.compactions - before.compactions), after.compactions - before.compactions == 1 ? "" : "s");
	snprintf(a, sizeof(a), "%.2f ms", alone * 1e3);
	snprintf(c, sizeof(c), "%.2f ms", beside * 1e3);
	printf("%-52s %10s %10s\n", figure, a, c);
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
	                "[--clock wall|cpu] [--snapshots on|off] [--only memory,full,normal,stall] [--apart on|off]\n"
	                "       [--after-commit N]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int instances = 10000, runs = 3, stall_instances = 100000;
	double seconds = 0.5;
	const char *dir = getenv("TMPDIR"), *only = "memory,full,normal,stall";
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
		else if (strcmp(argv[i], "--only") == 0)
			only = argv[++i];
		else if (strcmp(argv[i], "--after-commit") == 0)
			g_after = atoi(argv[++i]);
		else if (strcmp(argv[i], "--apart") == 0 && (strcmp(argv[i + 1], "on") == 0 || strcmp(argv[i + 1], "off") == 0))
			g_apart = strcmp(argv[++i], "on") == 0;
		else if (strcmp(argv[i], "--snapshots") == 0 && (strcmp(argv[i + 1], "on") == 0 || strcmp(argv[i + 1], "off") == 0))
			g_snapshots = strcmp(argv[++i], "on") == 0;
		else
			usage();
	}
	if (instances < 1 || seconds <= 0 || runs < 1 || stall_instances < 1 || g_after < 0)
		usage();
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	double load[3] = {0, 0, 0};
	getloadavg(load, 3);
	printf("bench-concurrency: libnumbering %s; %d instances and %d ranges of 100 in one store; %ld cores;\n"
	       "  load average %.2f %.2f %.2f at the start; best of %d runs of %.1f s; the writer updates a\n"
	       "  display name in a loop, as fast as it can; snapshot reads %s; targets: ratio >= 0.80x and\n"
	       "  p99.9 ratio <= 2.0x, the verdict on the %s clock. Rates: reads per wall second (wall), per\n"
	       "  second of the readers' own thread CPU time (cpu); share: a core's worth of CPU the readers\n"
	       "  had, without/with the writer; writer: its updates per wall second\n",
	       numbering_version(), instances, RANGES, cores, load[0], load[1], load[2], runs, seconds,
	       g_snapshots ? "on" : "off", g_cpu_clock ? "cpu (--clock cpu)" : "wall");
	printf("%-30s %10s %10s %7s %10s %10s %7s %9s %9s %8s %8s %7s  %s\n", "figure", "wall 0w", "wall 1w", "ratio",
	       "cpu 0w", "cpu 1w", "ratio", "share", "writer", "p99.9 0w", "p99.9 1w", "ratio", "verdict");

	/* Memory: the writer's whole update is under the lock (no disk to wait for); with it
	 * never pausing, readers keep what the lock leaves them. */
	int rc = NUMBERING_OK;
	if (strstr(only, "memory") != NULL) {
		struct bench mem = {.instances = instances};
		numbering_options mem_options = NUMBERING_OPTIONS_INIT;
		mem_options.snapshot_reads = g_snapshots;
		rc = numbering_store_open(&mem.store, &mem_options);
		if (rc != NUMBERING_OK)
			die("open", rc);
		populate(&mem);
		struct bench other = {.instances = instances};
		if (g_apart) {
			if ((rc = numbering_store_open(&other.store, &mem_options)) != NUMBERING_OK)
				die("open", rc);
			populate(&other);
			mem.apart = &other;
		}
		table(&mem, "memory", seconds, runs, 0.8, 2.0);
		if (g_after > 0)
			after_commit(&mem, "memory", g_after);
		if (g_apart) {
			numbering_store_close(other.store);
			free(other.names);
			free(other.numbers);
		}
		numbering_store_close(mem.store);
		free(mem.names);
		free(mem.numbers);
	}

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
		if (strstr(only, i == 0 ? "full" : "normal") == NULL)
			continue;
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
	if (strstr(only, "stall") != NULL && compaction_stall(dir, stall_instances, seconds) != 0)
		return 1;
	getloadavg(load, 3);
	printf("  load average %.2f %.2f %.2f at the end\n", load[0], load[1], load[2]);
	printf("  %d of %d figures missed their target\n", g_missed, g_figures);
	return 0;
}
