/*
 * Reader processes of one file store (issue 15, "Readers share memory" and the rows
 * "across processes"):
 *
 * - memory: N reader processes (1, then 8) of a store of I instances (default
 *   1,000,000), each opened read-only with the shared index (numbering_file_options.
 *   shared_index; docs/FILE-FORMAT.md, "The shared index"), each resolving every number
 *   of the store once and then random ones; the sum of their PSS (proportional set
 *   size: a page shared by k processes counts 1/k in each) from /proc/PID/smaps_rollup,
 *   8 readers against 1 (target <= 2x); and the same for readers that replay the log
 *   into their own heap (the open without the option), 1 and 2 of them by default;
 * - across processes: one reader process's resolve rate with no writer, then with a
 *   writer process creating numbers in a tight loop (its own CPU time, so that the two
 *   cores' sharing does not count; and wall clock), the writer's commits a second; with
 *   --apart on also beside a writer process of ANOTHER store (a copy of the log): the
 *   machine's floor for two busy processes, which share no page; --rounds R runs the
 *   three in turns R times (the rates summed: on a loaded machine one run moves by a
 *   tenth);
 * - in one process: resolve through the shared reader's store against a memory store
 *   of the same records, in turns (target >= 0.9x).
 *
 * Run: <builddir>/bench/bench-processes [--instances N] [--readers 1,8] [--private 1,2]
 *      [--seconds S] [--dir DIR] [--only-resolve] [--turns T] [--apart on|off] [--rounds R]
 *      [--reader-wrap CMD] [--writer-pause-us N]
 * The store is built once in DIR (default $TMPDIR or /tmp) and removed afterwards.
 * --turns T runs the in-process comparison T times (each printed; the row is of all
 * together): on a loaded machine one turn's ratio moves by several hundredths.
 */
#define _GNU_SOURCE

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <numbering/numbering.h>
#include <numbering/sys/backend.h>
#include <numbering/sys/file.h>

#include "report.h"

static char dir[512], store_path[600];
static int instances = 1000000;
static double seconds = 3;
static int only_resolve; /* --only-resolve: the in-process comparison alone (for callgrind) */
static int turns = 1;     /* --turns: how many times the in-process comparison runs */
static int apart;         /* --apart on: also beside a writer of another store */
static int rounds = 1;    /* --rounds: how many times the across-processes figures run, in turns */
/* --reader-wrap "CMD ARGS": the reader process beside the writer runs under CMD (e.g.
 * valgrind --tool=callgrind: instructions per catch-up); --writer-pause-us N: the writer
 * sleeps N us after each commit (under callgrind a catch-up then follows one commit). */
static const char *reader_wrap;
static int writer_pause_us;

static void die(const char *what)
{
	fprintf(stderr, "bench-processes: %s: %s\n", what, numbering_error_message());
	exit(1);
}

static double now_s(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The +E164 text of the store's @i-th number, "+1212" and 7 digits, written digit by
 * digit: the timed loops format one a resolve, and snprintf() (~930 instructions) was
 * more than half of each side's loop, timed as if it were the resolve's (the same
 * library read 0.88x with it, 0.90x-0.91x without, in turns). */
static void number_of(char *buf, size_t size, int i)
{
	static const char prefix[] = "+1212";
	if (size < sizeof(prefix) + 7)
		die("number_of: buffer too small");
	memcpy(buf, prefix, sizeof(prefix) - 1);
	unsigned v = (unsigned)(i % 10000000);
	for (int d = 6; d >= 0; d--, v /= 10)
		buf[sizeof(prefix) - 1 + d] = (char)('0' + v % 10);
	buf[sizeof(prefix) - 1 + 7] = '\0';
}

/* The records of the store's creates on a memory store, copied into the file backend
 * (in transactions of 20,000: a transaction's record is bounded) and into @mem. */
struct copy {
	numbering_backend *file, *mem;
	int in_txn;
};

static int copy_record(const numbering_record *r, void *payload)
{
	struct copy *c = payload;
	if (c->file->put(c->file, r) != NUMBERING_OK || c->mem->put(c->mem, r) != NUMBERING_OK)
		return 1;
	if (++c->in_txn == 20000) {
		c->in_txn = 0;
		if (c->file->commit(c->file) != NUMBERING_OK || c->file->begin(c->file) != NUMBERING_OK)
			return 1;
	}
	return 0;
}

static int instance_kind(void)
{
	for (int k = 1; k <= NUMBERING_RECORD_KIND_MAX; k++) {
		const char *name = numbering_record_kind_name(k);
		if (name != NULL && strcmp(name, "phoneNumberInstance") == 0)
			return k;
	}
	return 1;
}

static numbering_store *open_store(numbering_backend *backend)
{
	numbering_options o = NUMBERING_OPTIONS_INIT;
	o.backend = backend;
	numbering_store *s = NULL;
	if (numbering_store_open(&s, &o) != NUMBERING_OK)
		die("open a store");
	return s;
}

static numbering_backend *open_file(int read_only, int shared)
{
	numbering_file_options fo = NUMBERING_FILE_OPTIONS_INIT;
	fo.sync_mode = NUMBERING_FILE_SYNC_OFF;
	fo.read_only = read_only;
	fo.shared_index = shared;
	fo.compact_min_bytes = -1;
	numbering_backend *b = NULL;
	if (numbering_file_backend_new(&b, store_path, &fo) != NUMBERING_OK)
		die("open the file store");
	return b;
}

/* Builds the store of @instances single numbers (with its shared index); the same
 * records go into @mem. */
static void build(numbering_backend *mem)
{
	numbering_backend *scratch = NULL;
	if (numbering_memory_backend_new(&scratch) != NUMBERING_OK)
		die("memory backend");
	numbering_store *ms = open_store(scratch);
	double t0 = now_s(CLOCK_MONOTONIC);
	for (int i = 0; i < instances; i++) {
		char number[48], id[48];
		number_of(number, sizeof(number), i);
		snprintf(id, sizeof(id), "n%d", i);
		numbering_instance *req = NULL, *out = NULL;
		numbering_instance_new(&req);
		numbering_instance_set_phone_number(req, number);
		if (numbering_store_create(&out, ms, NULL, "projects/bench", req, id, NULL, NULL) != NUMBERING_OK)
			die("create");
		numbering_instance_free(req);
		numbering_instance_free(out);
	}
	numbering_backend *fb = open_file(0, 1);
	struct copy c = {fb, mem, 0};
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = instance_kind();
	q.order = NUMBERING_RECORD_ORDER_ASCENDING;
	q.parent = "projects/bench";
	if (fb->begin(fb) != NUMBERING_OK || mem->begin(mem) != NUMBERING_OK)
		die("begin");
	if (scratch->list(scratch, &q, copy_record, &c) != NUMBERING_OK)
		die("copy the records");
	if (fb->commit(fb) != NUMBERING_OK || mem->commit(mem) != NUMBERING_OK)
		die("commit");
	numbering_store_close(ms);
	if (fb->control(fb, NUMBERING_FILE_CONTROL_COMPACT, NULL) != NUMBERING_OK)
		die("compact");
	/* A store opened once writable: the page-token key a read-only store needs. */
	numbering_store *fs = open_store(fb);
	numbering_store_close(fs);
	struct stat st, ix;
	char idx[700];
	snprintf(idx, sizeof(idx), "%s.idx", store_path);
	stat(store_path, &st);
	if (stat(idx, &ix) != 0)
		ix.st_size = 0;
	printf("store of %d instances built in %.1f s: log %.1f MB, shared index %.1f MB\n", instances,
	       now_s(CLOCK_MONOTONIC) - t0, st.st_size / 1e6, ix.st_size / 1e6);
}

/* PSS of process @pid in kB (smaps_rollup), -1 if unreadable. */
static long pss_kb(pid_t pid)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	long kb = -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "Pss: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static void resolve_or_die(numbering_store *s, numbering_resolution *res, int i)
{
	char number[48];
	number_of(number, sizeof(number), i);
	if (numbering_store_resolve(res, s, NULL, number, NULL) != NUMBERING_OK)
		die("resolve");
}

/* A reader process: opens the store (shared or not), resolves every number once and
 * then random ones for @secs; reports on @out, waits for a byte on @in, exits. */
static void reader_main(int shared, double secs, int in, int out)
{
	double opened = now_s(CLOCK_MONOTONIC);
	numbering_store *s = open_store(open_file(1, shared));
	opened = now_s(CLOCK_MONOTONIC) - opened;
	numbering_resolution *res = NULL;
	if (numbering_resolution_new(&res) != NUMBERING_OK)
		die("resolution");
	for (int i = 0; i < instances; i++)
		resolve_or_die(s, res, i);
	unsigned state = (unsigned)getpid();
	long done = 0;
	double cpu0 = now_s(CLOCK_THREAD_CPUTIME_ID), wall0 = now_s(CLOCK_MONOTONIC), wall = 0;
	while ((wall = now_s(CLOCK_MONOTONIC) - wall0) < secs) {
		for (int k = 0; k < 1000; k++) {
			state = state * 1103515245u + 12345u;
			resolve_or_die(s, res, (int)((state >> 4) % (unsigned)instances));
		}
		done += 1000;
	}
	double rate[3] = {done / (now_s(CLOCK_THREAD_CPUTIME_ID) - cpu0), done / wall, opened};
	if (getenv("BENCH_SMAPS") != NULL) {
		/* Where this reader's memory is: each mapping of more than a MB of PSS. */
		FILE *m = fopen("/proc/self/smaps", "r");
		char line[512], name[512] = "";
		while (m != NULL && fgets(line, sizeof(line), m) != NULL) {
			long kb;
			unsigned long lo, hi;
			if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
				snprintf(name, sizeof(name), "%s", line);
			else if (sscanf(line, "Pss: %ld kB", &kb) == 1 && kb > 1024)
				fprintf(stderr, "pid %d: %ld kB PSS in %s", (int)getpid(), kb, name);
		}
		if (m != NULL)
			fclose(m);
	}
	if (write(out, rate, sizeof(rate)) != (ssize_t)sizeof(rate))
		_exit(4);
	char c;
	if (read(in, &c, 1) < 0)
		_exit(5);
	numbering_resolution_free(res);
	numbering_store_close(s);
	_exit(0);
}

/* @n reader processes; the sum of their PSS once all have resolved, in kB; their mean
 * rates (per CPU second, per wall second) in rate[]. */
static long readers_pss(int n, int shared, double secs, double rate[3], int wrapped)
{
	pid_t pids[64];
	int to[64][2], from[64][2];
	for (int r = 0; r < n; r++) {
		if (pipe(to[r]) != 0 || pipe(from[r]) != 0)
			die("pipe");
		pids[r] = fork();
		if (pids[r] < 0)
			die("fork");
		if (pids[r] == 0) {
			/* A new program, as a SIP server's worker is: nothing of this process's heap
			 * (the memory store of the comparison) inherited. */
			close(to[r][1]);
			close(from[r][0]);
			char args[4][64];
			snprintf(args[0], sizeof(args[0]), "%d", instances);
			snprintf(args[1], sizeof(args[1]), "%d", shared);
			snprintf(args[2], sizeof(args[2]), "%g", secs);
			snprintf(args[3], sizeof(args[3]), "%d,%d", to[r][0], from[r][1]);
			char self[600], wrap[512], *argv[32];
			int c = 0;
			ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
			self[len > 0 ? len : 0] = '\0';
			if (wrapped && reader_wrap != NULL) {
				snprintf(wrap, sizeof(wrap), "%s", reader_wrap);
				for (char *t = strtok(wrap, " "); t != NULL && c < 24; t = strtok(NULL, " "))
					argv[c++] = t;
			}
			argv[c++] = self;
			argv[c++] = "--reader-process";
			argv[c++] = store_path;
			for (int k = 0; k < 4; k++)
				argv[c++] = args[k];
			argv[c] = NULL;
			execvp(argv[0], argv);
			_exit(127);
		}
		close(to[r][0]);
		close(from[r][1]);
	}
	rate[0] = rate[1] = rate[2] = 0;
	for (int r = 0; r < n; r++) {
		double got[3];
		if (read(from[r][0], got, sizeof(got)) != (ssize_t)sizeof(got))
			die("a reader process failed");
		rate[0] += got[0] / n;
		rate[1] += got[1] / n;
		rate[2] += got[2] / n; /* seconds to open, wall clock */
	}
	long total = 0;
	for (int r = 0; r < n; r++)
		total += pss_kb(pids[r]);
	for (int r = 0; r < n; r++) {
		if (write(to[r][1], "x", 1) != 1)
			die("pipe");
		close(to[r][1]);
		close(from[r][0]);
		waitpid(pids[r], NULL, 0);
	}
	return total;
}

/* The two sides of the in-process comparison, apart so that callgrind can tell them
 * (--toggle-collect=resolve_shared_store / resolve_memory_store). */
#if defined(__GNUC__) && !defined(__clang__)
#define APART __attribute__((noipa))
#else
#define APART __attribute__((noinline))
#endif

APART static void resolve_shared_store(numbering_store *s, numbering_resolution *res, unsigned *state, int n)
{
	for (int i = 0; i < n; i++) {
		*state = *state * 1103515245u + 12345u;
		resolve_or_die(s, res, (int)((*state >> 4) % (unsigned)instances));
	}
}

APART static void resolve_memory_store(numbering_store *s, numbering_resolution *res, unsigned *state, int n)
{
	for (int i = 0; i < n; i++) {
		*state = *state * 1103515245u + 12345u;
		resolve_or_die(s, res, (int)((*state >> 4) % (unsigned)instances));
	}
}

/* A writer process of the store at @path (its @n-th, so that its numbers and ids are
 * new): creates numbers in a tight loop until SIGTERM. It writes a byte on *@out once
 * its first commit is done (opening a store of a million instances takes a second or
 * two, which is not "beside a writer"), and, at the end, its commits a wall and a CPU
 * second. */
struct writer {
	pid_t pid;
	int from; /* the writer's pipe */
};

static struct writer start_writer(const char *path, int n)
{
	int p[2];
	if (pipe(p) != 0)
		die("pipe");
	struct writer w = {fork(), p[0]};
	if (w.pid < 0)
		die("fork");
	if (w.pid != 0) {
		close(p[1]);
		char c;
		if (read(w.from, &c, 1) != 1)
			die("the writer process failed");
		return w;
	}
	close(p[0]);
	char args[3][32];
	snprintf(args[0], sizeof(args[0]), "%d", n);
	snprintf(args[1], sizeof(args[1]), "%d", p[1]);
	snprintf(args[2], sizeof(args[2]), "%d", writer_pause_us);
	execl("/proc/self/exe", "bench-processes", "--writer-process", path, args[0], args[1], args[2], (char *)NULL);
	_exit(127);
}

/* Stops @w: its commits a second (wall, CPU) in rate[]. */
static void stop_writer(struct writer w, double rate[2])
{
	kill(w.pid, SIGTERM);
	if (read(w.from, rate, 2 * sizeof(double)) != (ssize_t)(2 * sizeof(double)))
		rate[0] = rate[1] = 0;
	close(w.from);
	waitpid(w.pid, NULL, 0);
}

static volatile sig_atomic_t writer_stop;

static void on_sigterm(int sig)
{
	(void)sig;
	writer_stop = 1;
}

static void writer_main(int n, int out, int pause_us)
{
	signal(SIGTERM, on_sigterm);
	numbering_store *w = open_store(open_file(0, 1));
	long i = 0;
	double wall0 = 0, cpu0 = 0;
	for (; !writer_stop; i++) {
		char number[48], id[48], project[48];
		/* Area codes 300 up: none of the store's (212), one per writer process. */
		snprintf(number, sizeof(number), "+1%03d%07ld", 300 + n % 600, i % 10000000);
		snprintf(id, sizeof(id), "w%ld", i);
		snprintf(project, sizeof(project), "projects/writer%d", n);
		numbering_instance *req = NULL, *res = NULL;
		numbering_instance_new(&req);
		numbering_instance_set_phone_number(req, number);
		if (numbering_store_create(&res, w, NULL, project, req, id, NULL, NULL) != NUMBERING_OK)
			die("the writer's create");
		numbering_instance_free(req);
		numbering_instance_free(res);
		if (pause_us > 0)
			usleep((useconds_t)pause_us);
		if (i == 0) {
			wall0 = now_s(CLOCK_MONOTONIC);
			cpu0 = now_s(CLOCK_THREAD_CPUTIME_ID);
			if (write(out, "r", 1) != 1)
				_exit(4);
		}
	}
	double rate[2] = {(i - 1) / (now_s(CLOCK_MONOTONIC) - wall0), (i - 1) / (now_s(CLOCK_THREAD_CPUTIME_ID) - cpu0)};
	if (write(out, rate, sizeof(rate)) != (ssize_t)sizeof(rate))
		_exit(4);
	_exit(0);
}

static void parse_list(const char *text, int *out, int *count)
{
	*count = 0;
	for (const char *p = text; *p && *count < 8;) {
		out[(*count)++] = atoi(p);
		p = strchr(p, ',');
		if (p == NULL)
			break;
		p++;
	}
}

/* Copies the log at @from to @to (a store of its own: its index is made at its first
 * writable open). */
static int copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	int rc = in == NULL || out == NULL ? -1 : 0;
	char buf[1 << 16];
	size_t n;
	while (rc == 0 && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = -1;
	if (in != NULL)
		fclose(in);
	if (out != NULL && fclose(out) != 0)
		rc = -1;
	return rc;
}

static void remove_store(void)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return;
	struct dirent *e;
	char p[1200];
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

int main(int argc, char **argv)
{
	if (argc == 7 && strcmp(argv[1], "--reader-process") == 0) {
		int in = -1, out = -1;
		snprintf(store_path, sizeof(store_path), "%s", argv[2]);
		instances = atoi(argv[3]);
		if (sscanf(argv[6], "%d,%d", &in, &out) != 2)
			return 2;
		reader_main(atoi(argv[4]), atof(argv[5]), in, out);
	}
	if (argc == 6 && strcmp(argv[1], "--writer-process") == 0) {
		snprintf(store_path, sizeof(store_path), "%s", argv[2]);
		writer_main(atoi(argv[3]), atoi(argv[4]), atoi(argv[5]));
	}
	int shared_counts[8] = {1, 8}, nshared = 2, private_counts[8] = {1, 2}, nprivate = 2;
	const char *base = getenv("TMPDIR");
	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--instances") == 0 && i + 1 < argc)
			instances = atoi(argv[++i]);
		else if (strcmp(argv[i], "--readers") == 0 && i + 1 < argc)
			parse_list(argv[++i], shared_counts, &nshared);
		else if (strcmp(argv[i], "--private") == 0 && i + 1 < argc)
			parse_list(argv[++i], private_counts, &nprivate);
		else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (strcmp(argv[i], "--only-resolve") == 0)
			only_resolve = 1;
		else if (strcmp(argv[i], "--turns") == 0 && i + 1 < argc)
			turns = atoi(argv[++i]);
		else if (strcmp(argv[i], "--apart") == 0 && i + 1 < argc)
			apart = strcmp(argv[++i], "on") == 0;
		else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
			rounds = atoi(argv[++i]);
		else if (strcmp(argv[i], "--reader-wrap") == 0 && i + 1 < argc)
			reader_wrap = argv[++i];
		else if (strcmp(argv[i], "--writer-pause-us") == 0 && i + 1 < argc)
			writer_pause_us = atoi(argv[++i]);
		else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			base = argv[++i];
		else {
			fprintf(stderr,
			        "usage: bench-processes [--instances N] [--readers 1,8] [--private 1,2] [--seconds S] "
			        "[--dir DIR] [--only-resolve] [--turns T] [--apart on|off] [--rounds R] "
			        "[--reader-wrap CMD] [--writer-pause-us N]\n");
			return 2;
		}
	}
	if (instances < 1)
		instances = 1;
	if (turns < 1)
		turns = 1;
	if (rounds < 1)
		rounds = 1;
	snprintf(dir, sizeof(dir), "%s/bench-processes-XXXXXX", base);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(store_path, sizeof(store_path), "%s/store.db", dir);
	atexit(remove_store);
	numbering_backend *mem = NULL;
	if (numbering_memory_backend_new(&mem) != NUMBERING_OK)
		die("memory backend");
	build(mem);

	/* Memory: the sum of the readers' PSS. */
	long shared_pss[8] = {0}, private_pss[8] = {0};
	double rate[3];
	if (only_resolve)
		nshared = nprivate = 0;
	for (int k = 0; k < nshared; k++) {
		shared_pss[k] = readers_pss(shared_counts[k], 1, 0.5, rate, 0);
		printf("%d reader process(es), shared index: PSS sum %.1f MB (%.1f MB each; open %.2f s)\n", shared_counts[k],
		       shared_pss[k] / 1024.0, shared_pss[k] / 1024.0 / shared_counts[k], rate[2]);
	}
	for (int k = 0; k < nprivate; k++) {
		private_pss[k] = readers_pss(private_counts[k], 0, 0.5, rate, 0);
		printf("%d reader process(es), each its own heap (no shared index): PSS sum %.1f MB (%.1f MB each; open %.2f "
		       "s)\n",
		       private_counts[k], private_pss[k] / 1024.0, private_pss[k] / 1024.0 / private_counts[k], rate[2]);
	}
	if (nshared >= 2 && shared_pss[0] > 0) {
		double ratio = (double)shared_pss[nshared - 1] / shared_pss[0];
		char ours[64], peer[64], r[32];
		snprintf(ours, sizeof(ours), "%.0f MB", shared_pss[nshared - 1] / 1024.0);
		snprintf(peer, sizeof(peer), "%.0f MB", shared_pss[0] / 1024.0);
		snprintf(r, sizeof(r), "%.2fx", ratio);
		char figure[96];
		snprintf(figure, sizeof(figure), "PSS of %d readers (%d instances)", shared_counts[nshared - 1], instances);
		printf("%s: %.2fx one reader's (target <= 2x)\n", figure, ratio);
		bench_table_row("bench-processes", figure, ours, "1 reader", peer, r, "<=2x", ratio <= 2 ? "met" : "MISSED");
	}

	/* Across processes: one reader's rate without, then with, a writer process (and
	 * with --apart on, beside a writer of another store), in turns. */
	if (only_resolve)
		goto in_process;
	{
		char apart_path[700];
		snprintf(apart_path, sizeof(apart_path), "%s/apart.db", dir);
		if (apart && copy_file(store_path, apart_path) != 0)
			die("copy the store for --apart");
		double alone[3] = {0, 0, 0}, beside[3] = {0, 0, 0}, other[3] = {0, 0, 0}, wrote[2] = {0, 0},
		       wrote_apart[2] = {0, 0}, got[3], w[2];
		int n = 0;
		for (int r = 0; r < rounds; r++) {
			double one[3] = {0, 0, 0};
			readers_pss(1, 1, seconds, got, 0);
			one[0] = got[0];
			for (int k = 0; k < 3; k++)
				alone[k] += got[k] / rounds;
			struct writer wr = start_writer(store_path, n++);
			readers_pss(1, 1, seconds, got, 1);
			stop_writer(wr, w);
			one[1] = got[0];
			for (int k = 0; k < 3; k++)
				beside[k] += got[k] / rounds;
			wrote[0] += w[0] / rounds;
			wrote[1] += w[1] / rounds;
			if (apart) {
				wr = start_writer(apart_path, n++);
				readers_pss(1, 1, seconds, got, 0);
				stop_writer(wr, w);
				one[2] = got[0];
				for (int k = 0; k < 3; k++)
					other[k] += got[k] / rounds;
				wrote_apart[0] += w[0] / rounds;
				wrote_apart[1] += w[1] / rounds;
			}
			if (rounds > 1)
				printf("round %d: alone %.2f, beside a writer %.2f (%.2fx), beside a writer of another store %.2f "
				       "(%.2fx) M/CPU-s\n",
				       r + 1, one[0] / 1e6, one[1] / 1e6, one[1] / one[0], one[2] / 1e6, one[2] / one[0]);
		}
		printf("a reader process's resolves, shared index: alone %.2f M/CPU-s (%.2f M/s wall); beside a writer "
		       "process in a tight loop %.2f M/CPU-s (%.2f M/s wall; the writer %.0f commits/s wall, %.0f/CPU-s): "
		       "%.2fx per CPU second\n",
		       alone[0] / 1e6, alone[1] / 1e6, beside[0] / 1e6, beside[1] / 1e6, wrote[0], wrote[1],
		       beside[0] / alone[0]);
		if (apart)
			printf("beside a writer process of another store (the machine's floor) %.2f M/CPU-s (%.2f M/s wall; "
			       "the writer %.0f commits/s wall, %.0f/CPU-s): %.2fx per CPU second\n",
			       other[0] / 1e6, other[1] / 1e6, wrote_apart[0], wrote_apart[1], other[0] / alone[0]);
		char ours[32], peer[32], ratio[32];
		bench_format_rate(ours, sizeof(ours), beside[0]);
		bench_format_rate(peer, sizeof(peer), alone[0]);
		snprintf(ratio, sizeof(ratio), "%.2fx", beside[0] / alone[0]);
		bench_table_row("bench-processes", "resolve/CPU-s, reader process beside a writer process", ours,
		                "no writer", peer, ratio, ">=0.8x", beside[0] >= 0.8 * alone[0] ? "met" : "MISSED");
		if (apart)
			unlink(apart_path);
	}

	/* In one process: the shared reader's store against a memory store, in turns. */
in_process:;
	numbering_store *stores[2] = {open_store(open_file(1, 1)), open_store(mem)};
	numbering_resolution *res = NULL;
	if (numbering_resolution_new(&res) != NUMBERING_OK)
		die("resolution");
	double spent[2] = {0, 0};
	unsigned state[2] = {99, 99};
	int chunk = 50000, chunks = 40;
	for (int t = 0; t < turns; t++) {
		double turn[2] = {0, 0};
		for (int c = 0; c < chunks; c++)
			for (int k = 0; k < 2; k++) {
				double t0 = now_s(CLOCK_THREAD_CPUTIME_ID);
				if (k == 0)
					resolve_shared_store(stores[k], res, &state[k], chunk);
				else
					resolve_memory_store(stores[k], res, &state[k], chunk);
				turn[k] += now_s(CLOCK_THREAD_CPUTIME_ID) - t0;
			}
		spent[0] += turn[0];
		spent[1] += turn[1];
		if (turns > 1)
			printf("turn %d: file store read through the shared index %.2f M/CPU-s, memory store %.2f M/CPU-s "
			       "(%.2fx)\n",
			       t + 1, chunk * chunks / turn[0] / 1e6, chunk * chunks / turn[1] / 1e6, turn[1] / turn[0]);
	}
	double file_rate = (double)chunk * chunks * turns / spent[0], mem_rate = (double)chunk * chunks * turns / spent[1];
	printf("resolve through a store, one process: file store read through the shared index %.2f M/CPU-s, memory "
	       "store %.2f M/CPU-s (%.2fx; target >= 0.9x)\n",
	       file_rate / 1e6, mem_rate / 1e6, file_rate / mem_rate);
	{
		char ours[32], peer[32], r[32];
		bench_format_rate(ours, sizeof(ours), file_rate);
		bench_format_rate(peer, sizeof(peer), mem_rate);
		snprintf(r, sizeof(r), "%.2fx", file_rate / mem_rate);
		bench_table_row("bench-processes", "resolve, shared-index file store", ours, "memory store", peer, r, ">=0.9x",
		                file_rate >= 0.9 * mem_rate ? "met" : "MISSED");
	}
	numbering_resolution_free(res);
	numbering_store_close(stores[0]);
	numbering_store_close(stores[1]);
	return 0;
}
