/*
 * The memory backend as a record store (backends/memory/records.c, issue 11) beside
 * today's instance-shaped memory backend (backends/memory/backend.c), the same data
 * in both: N instance-shaped records (name "projects/pP/phoneNumberInstances/<16
 * chars>", parent "projects/pP", 8 projects, one range of 100 numbers in every 10,
 * the rest single numbers) loaded one record per transaction, then each backend's
 * hot calls, side by side:
 *
 *   bytes per record   everything the backend allocated / N
 *   put                one-record transactions (the load itself)
 *   find               the resolve look-up of one number (singles and numbers inside ranges)
 *   get                by name
 *   list page of 100   a project's newest listed records
 *   interval query     a page of 100 of a project's records under a 7-digit prefix
 *
 * The record store visits borrowed records (its bodies are 30 bytes as the library
 * will give them; decoding an instance from one is the service's work after the
 * switch and is not counted); today's backend decodes an instance for each answer.
 *
 * Run: <builddir>/bench/bench-records [--instances N] [--body BYTES]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <numbering/numbering.h>
#include <numbering/sys/backend.h>
#include <numbering/sys/record.h>

#include "../backends/memory/memory.h"
#include "model/instance.h"
#include "report.h"

#define PROJECTS 8
#define RANGE_SIZE 100
#define GROUP 10
#define NATIONAL_BASE UINT64_C(250000000)
#define COUNTRY UINT64_C(61000000000)
#define DIGITS 11
#define BODY_MAX 256

static int g_body = 30; /* --body: bytes of each record's body */

static uint32_t g_n = 1000000;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, int rc)
{
	fprintf(stderr, "bench-records: %s failed: %s (%d): %s\n", what, numbering_status_name(rc), rc,
	        numbering_error_message());
	exit(1);
}

static int is_range(uint32_t i)
{
	return i % GROUP == 0;
}

static uint64_t first_number(uint32_t i)
{
	uint64_t g = i / GROUP, r = i % GROUP;
	return COUNTRY + NATIONAL_BASE + g * (RANGE_SIZE + GROUP - 1) + (r == 0 ? 0 : RANGE_SIZE + r - 1);
}

static uint64_t last_number(uint32_t i)
{
	return first_number(i) + (is_range(i) ? RANGE_SIZE - 1 : 0);
}

static int project_of(uint32_t i)
{
	return (int)((i + i / GROUP) % PROJECTS);
}

static void name_of(char *buf, size_t size, uint32_t i)
{
	snprintf(buf, size, "projects/p%d/phoneNumberInstances/n%015" PRIu32, project_of(i), i);
}

static uint64_t rng_state = 88172645463325252u;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* A number some record holds: a single, or one inside a range. */
static uint64_t held_number(void)
{
	uint32_t i = (uint32_t)(rng() % g_n);
	return first_number(i) + (is_range(i) ? rng() % RANGE_SIZE : 0);
}

/* What the two backends answer with; a visitor touches what a caller would. */
static volatile uint64_t sink;

static int touch_record(const numbering_record *r, void *payload)
{
	(void)payload;
	sink += (uint64_t)r->name[0] + r->body_len + ((const unsigned char *)r->body)[r->body_len - 1];
	return 0;
}

static int touch_instance(const numbering_instance *in, void *payload)
{
	(void)payload;
	sink += (uint64_t)numbering__str_get(&in->name)[0] + in->first;
	return 0;
}

/* ---------------------------------------------------------------------------------- */

static size_t bytes_of(int (*control)(void *, int, void *), void *b)
{
	size_t bytes = 0;
	if (control(b, NUMBERING__MEMORY_CONTROL_BYTES, &bytes) != NUMBERING_OK)
		return 0;
	return bytes;
}

static int control_new(void *b, int op, void *arg)
{
	numbering_backend *r = b;
	return r->control(r, op, arg);
}

static int control_old(void *b, int op, void *arg)
{
	numbering_backend *o = b;
	return o->control(o, op, arg);
}

static double load_new(numbering_backend *b, uint32_t from, uint32_t to)
{
	unsigned char body[BODY_MAX];
	char name[96], parent[32];
	double t0 = now_s();
	for (uint32_t i = from; i < to; i++) {
		name_of(name, sizeof(name), i);
		snprintf(parent, sizeof(parent), "projects/p%d", project_of(i));
		for (int k = 0; k < g_body; k++)
			body[k] = (unsigned char)(i * 31 + (uint32_t)k);
		numbering_record r;
		memset(&r, 0, sizeof(r));
		r.version = NUMBERING_RECORD_VERSION;
		r.kind = 3;
		r.flags = NUMBERING_RECORD_LISTED | NUMBERING_RECORD_NUMBERS;
		r.name = name;
		r.parent = parent;
		r.sort_key = 1700000000000000000 + (int64_t)i * 1000;
		r.digits = DIGITS;
		r.first = first_number(i);
		r.last = last_number(i);
		r.body = body;
		r.body_len = (size_t)g_body;
		int rc = b->begin(b);
		if (rc == NUMBERING_OK)
			rc = b->put(b, &r);
		if (rc == NUMBERING_OK)
			rc = b->commit(b);
		if (rc != NUMBERING_OK)
			die("record put", rc);
	}
	return now_s() - t0;
}

static double load_old(numbering_backend *b, uint32_t from, uint32_t to)
{
	numbering_instance *in = NULL;
	if (numbering_instance_new(&in) != NUMBERING_OK)
		die("numbering_instance_new", NUMBERING_RESOURCE_EXHAUSTED);
	char name[96], text[24], display[32];
	double t0 = now_s();
	for (uint32_t i = from; i < to; i++) {
		name_of(name, sizeof(name), i);
		snprintf(display, sizeof(display), "Line %" PRIu32, i);
		numbering__instance_reset(in);
		numbering__str_set(&in->name, name, strlen(name));
		snprintf(text, sizeof(text), "+%" PRIu64, first_number(i));
		numbering__str_set(&in->phone_number, text, strlen(text));
		if (is_range(i)) {
			snprintf(text, sizeof(text), "+%" PRIu64, last_number(i));
			numbering__str_set(&in->range_end, text, strlen(text));
			in->is_range = 1;
		}
		numbering__str_set(&in->display_name, display, strlen(display));
		in->range_size = (int64_t)(last_number(i) - first_number(i) + 1);
		in->digits = DIGITS;
		in->first = first_number(i);
		in->last = last_number(i);
		in->lifecycle_state = NUMBERING_LIFECYCLE_ACTIVE;
		in->create_time = in->activate_time = 1700000000000000000 + (int64_t)i * 1000;
		int rc = b->begin(b);
		if (rc == NUMBERING_OK)
			rc = b->put(b, in);
		if (rc == NUMBERING_OK)
			rc = b->commit(b);
		if (rc != NUMBERING_OK)
			die("instance put", rc);
	}
	numbering_instance_free(in);
	return now_s() - t0;
}

#define OPS 300000
#define PAGES 10000
#define RUNS 5

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double v[RUNS])
{
	qsort(v, RUNS, sizeof(v[0]), cmp_double);
	return v[RUNS / 2];
}

static double find_new(numbering_backend *b)
{
	rng_state = 1;
	double t0 = now_s();
	for (int k = 0; k < OPS; k++) {
		uint64_t n = held_number();
		if (b->find(b, DIGITS, n, n, touch_record, NULL) != NUMBERING_OK)
			die("record find", NUMBERING_NOT_FOUND);
	}
	return (now_s() - t0) * 1e9 / OPS;
}

static double find_old(numbering_backend *b, numbering_instance *out)
{
	rng_state = 1;
	double t0 = now_s();
	for (int k = 0; k < OPS; k++) {
		uint64_t n = held_number();
		if (b->find(out, b, n, n, DIGITS) != NUMBERING_OK)
			die("instance find", NUMBERING_NOT_FOUND);
		touch_instance(out, NULL);
	}
	return (now_s() - t0) * 1e9 / OPS;
}

static double get_new(numbering_backend *b)
{
	rng_state = 2;
	char name[96];
	double t0 = now_s();
	for (int k = 0; k < OPS; k++) {
		name_of(name, sizeof(name), (uint32_t)(rng() % g_n));
		if (b->get(b, 3, name, touch_record, NULL) != NUMBERING_OK)
			die("record get", NUMBERING_NOT_FOUND);
	}
	return (now_s() - t0) * 1e9 / OPS;
}

static double get_old(numbering_backend *b, numbering_instance *out)
{
	rng_state = 2;
	char name[96];
	double t0 = now_s();
	for (int k = 0; k < OPS; k++) {
		name_of(name, sizeof(name), (uint32_t)(rng() % g_n));
		if (b->get(out, b, name) != NUMBERING_OK)
			die("instance get", NUMBERING_NOT_FOUND);
		touch_instance(out, NULL);
	}
	return (now_s() - t0) * 1e9 / OPS;
}

/* A 7-digit national prefix ("+61 25xx xxx" style) some records start with. */
static void prefix_interval(numbering_record_interval *iv, char *prefix_digits, size_t size)
{
	uint64_t n = held_number();
	uint64_t scale = 10000; /* 11 digits, the first 7 fixed */
	iv->digits = DIGITS;
	iv->first = n / scale * scale;
	iv->last = iv->first + scale - 1;
	snprintf(prefix_digits, size, "%" PRIu64, n / scale);
}

static double list_new(numbering_backend *b, int by_prefix)
{
	rng_state = 3;
	char parent[32], prefix[24];
	numbering_record_interval iv;
	double t0 = now_s();
	for (int k = 0; k < PAGES; k++) {
		numbering_record_query q;
		memset(&q, 0, sizeof(q));
		q.version = NUMBERING_RECORD_QUERY_VERSION;
		q.kind = 3;
		q.order = NUMBERING_RECORD_ORDER_DESCENDING;
		q.listed_only = 1;
		q.limit = 100;
		if (by_prefix) {
			prefix_interval(&iv, prefix, sizeof(prefix));
			q.intervals = &iv;
			q.interval_count = 1;
		}
		snprintf(parent, sizeof(parent), "projects/p%d", (int)(rng() % PROJECTS));
		q.parent = parent;
		if (b->list(b, &q, touch_record, NULL) != NUMBERING_OK)
			die("record list", NUMBERING_INTERNAL);
	}
	return PAGES / (now_s() - t0);
}

static double list_old(numbering_backend *b, int by_prefix)
{
	rng_state = 3;
	char parent[32], prefix[24];
	numbering_record_interval iv;
	double t0 = now_s();
	for (int k = 0; k < PAGES; k++) {
		numbering_backend_query q;
		memset(&q, 0, sizeof(q));
		q.version = 1; /* no place(): every instance decoded into the backend's scratch */
		q.limit = 100;
		if (by_prefix) {
			prefix_interval(&iv, prefix, sizeof(prefix));
			q.prefix_digits = prefix;
		}
		snprintf(parent, sizeof(parent), "projects/p%d", (int)(rng() % PROJECTS));
		q.project = parent;
		if (b->list(b, &q, touch_instance, NULL) != NUMBERING_OK)
			die("instance list", NUMBERING_INTERNAL);
	}
	return PAGES / (now_s() - t0);
}

static void row(const char *figure, const char *ours, const char *peer_value, double ratio, double target_max)
{
	char r[32];
	snprintf(r, sizeof(r), "%.2f", ratio);
	printf("  %-32s %14s %14s   %s\n", figure, ours, peer_value, r);
	bench_table_row("bench-records", figure, ours, "memory backend today", peer_value, r,
	                target_max > 0 ? "<= 1.10" : ">= 0.91",
	                (target_max > 0 ? ratio <= 1.10 : ratio >= 0.91) ? "PASS" : "MISS");
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--instances") == 0 && i + 1 < argc)
			g_n = (uint32_t)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--body") == 0 && i + 1 < argc && atoi(argv[i + 1]) >= 1 &&
		         atoi(argv[i + 1]) <= BODY_MAX)
			g_body = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: bench-records [--instances N] [--body BYTES (1 .. %d)]\n", BODY_MAX);
			return 2;
		}
	}
	numbering_backend *nb = NULL;
	numbering_backend *ob = NULL;
	int rc = numbering_memory_backend_new(&nb);
	if (rc != NUMBERING_OK)
		die("numbering_memory_backend_new", rc);
	if ((rc = numbering_memory_backend_new(&ob)) != NUMBERING_OK)
		die("numbering_memory_backend_new", rc);
	/* The two loads alternate in chunks, and each read figure is the median of runs
	 * alternating between the backends, so that what else the machine does falls on both. */
	double load_n = 0, load_o = 0;
	for (uint32_t from = 0; from < g_n; from += 50000) {
		uint32_t to = g_n - from < 50000 ? g_n : from + 50000;
		load_n += load_new(nb, from, to);
		load_o += load_old(ob, from, to);
	}
	size_t bytes_n = bytes_of(control_new, nb), bytes_o = bytes_of(control_old, ob);
	struct numbering__memory_stats sn, so;
	if (nb->control(nb, NUMBERING__MEMORY_CONTROL_STATS, &sn) != NUMBERING_OK ||
	    ob->control(ob, NUMBERING__MEMORY_CONTROL_STATS, &so) != NUMBERING_OK)
		die("stats", NUMBERING_INTERNAL);
	numbering_instance *out = NULL;
	if (numbering__instance_new_reserved(&out) != NUMBERING_OK)
		die("numbering__instance_new_reserved", NUMBERING_RESOURCE_EXHAUSTED);
	double f[2][RUNS], g[2][RUNS], p[2][RUNS], x[2][RUNS];
	for (int run = 0; run < RUNS; run++) {
		f[0][run] = find_new(nb);
		f[1][run] = find_old(ob, out);
		g[0][run] = get_new(nb);
		g[1][run] = get_old(ob, out);
		p[0][run] = list_new(nb, 0);
		p[1][run] = list_old(ob, 0);
		x[0][run] = list_new(nb, 1);
		x[1][run] = list_old(ob, 1);
	}
	double find_n = median(f[0]), find_o = median(f[1]), get_n = median(g[0]), get_o = median(g[1]);
	double page_n = median(p[0]), page_o = median(p[1]), prefix_n = median(x[0]), prefix_o = median(x[1]);
	numbering_instance_free(out);

	printf("bench-records: %" PRIu32 " records (record store) and instances (today's backend), bodies %d bytes\n",
	       g_n, g_body);
	printf("  %-32s %14s %14s   %s\n", "figure", "record store", "today", "ratio");
	char a[32], b[32];
	snprintf(a, sizeof(a), "%.1f B", (double)bytes_n / g_n);
	snprintf(b, sizeof(b), "%.1f B", (double)bytes_o / g_n);
	row("bytes per record", a, b, (double)bytes_n / (double)bytes_o, 1);
	bench_format_rate(a, sizeof(a), g_n / load_n);
	bench_format_rate(b, sizeof(b), g_n / load_o);
	row("put (one-record transactions)", a, b, load_o / load_n, 0);
	snprintf(a, sizeof(a), "%.0f ns", find_n);
	snprintf(b, sizeof(b), "%.0f ns", find_o);
	row("find (resolve look-up)", a, b, find_n / find_o, 1);
	snprintf(a, sizeof(a), "%.0f ns", get_n);
	snprintf(b, sizeof(b), "%.0f ns", get_o);
	row("get by name", a, b, get_n / get_o, 1);
	bench_format_rate(a, sizeof(a), page_n);
	bench_format_rate(b, sizeof(b), page_o);
	row("list page of 100", a, b, page_n / page_o, 0);
	bench_format_rate(a, sizeof(a), prefix_n);
	bench_format_rate(b, sizeof(b), prefix_o);
	row("interval (prefix) page of 100", a, b, prefix_n / prefix_o, 0);
	printf("  bytes per record by part (record store / today): records %.1f / %.1f (live %.1f / %.1f), "
	       "trees %.1f / %.1f, hashes %.1f / %.1f, other %.1f / %.1f\n",
	       (double)sn.record_bytes / g_n, (double)so.record_bytes / g_n, (double)sn.record_used / g_n,
	       (double)so.record_used / g_n, (double)sn.tree_bytes / g_n, (double)so.tree_bytes / g_n,
	       (double)sn.hash_bytes / g_n, (double)so.hash_bytes / g_n, (double)sn.other_bytes / g_n,
	       (double)so.other_bytes / g_n);
	nb->free(nb);
	ob->free(ob);
	return 0;
}
