/*
 * The concurrency stress test (issue 6, Concurrency): several threads share ONE store
 * and mix reads (get, list, resolve) with writes (create, update, split, move, delete,
 * activate / suspend / resume) through the public API, over the memory backend and
 * over the file backend (FULL sync, with automatic compaction made frequent). Then the
 * store is checked against what every acknowledged call said: each instance reads back
 * as its owner last left it, each number created resolves to exactly the one
 * non-deleted instance that should hold it (or NOT_FOUND), and paging each project
 * gives create times strictly descending with nothing missing and nothing twice; the
 * file store once more after close and reopen.
 *
 * Every instance is written only by the thread that created it (or won its number), so
 * the thread knows its exact state; other threads still read it, resolve its numbers
 * and page over it while it changes. Contested numbers are raced for by every thread.
 *
 * Run it under ThreadSanitizer (.ci/run, docs/TESTING.md). Longer runs:
 *   NUMBERING_STRESS_ITERATIONS=N  operations per thread per backend (default 4000)
 *   NUMBERING_STRESS_SECONDS=S     run each backend for S seconds instead
 *   NUMBERING_STRESS_SEED=N        the random seed (default: the time; printed)
 */
#define _DEFAULT_SOURCE

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <numbering/numbering.h>
#include <numbering/sys/backend.h>
#include <numbering/sys/file.h>

#include "suites.h"
#include "temp-dir.h"

#define THREADS 4
#define PROJECTS 3
#define CONTESTED 200          /* numbers every thread races to create */
#define RANGE_SIZE 100
#define MAX_SINGLES 200000     /* per thread: +61 2 8<t> dddddd (bounds a long run's memory) */
#define MAX_RANGES 2000        /* per thread: +61 2 7<t> dddd 00-99 */
#define LIST_PAGES 3           /* pages a worker reads per list (the final check reads all) */
#define DEFAULT_ITERATIONS 4000

static const char *const projects[PROJECTS] = {"projects/stress-a", "projects/stress-b", "projects/stress-c"};

/* What a thread knows about an instance it writes: the state its last acknowledged call left. */
struct rec {
	char name[160];
	int project;
	int64_t start; /* first number, as digits without the '+' */
	int64_t size;  /* 1 for a single number */
	int is_range;
	int state;
	int64_t create_time;
	char display[32];
};

struct worker {
	numbering_store *store;
	int id;
	unsigned int seed;
	long iterations;
	int64_t deadline_ns; /* 0: run iterations */
	struct rec *recs;
	size_t count, capacity;
	int singles, ranges, updates;
	long ops[12];        /* acknowledged operations, by kind (reported) */
	int failures;
	char first_failure[512];
};

#define EXPECT(w, cond, ...)                                                                                        \
	do {                                                                                                        \
		if (!(cond) && (w)->failures++ == 0)                                                                \
			snprintf((w)->first_failure, sizeof((w)->first_failure), __VA_ARGS__);                      \
	} while (0)

enum { OP_SINGLE, OP_RANGE, OP_CONTESTED, OP_UPDATE, OP_SPLIT, OP_MOVE, OP_DELETE, OP_LIFECYCLE, OP_GET,
       OP_RESOLVE, OP_LIST, OP_KINDS };
static const char *const op_names[OP_KINDS] = {"create", "create-range", "create-contested", "update", "split",
                                               "move", "delete", "lifecycle", "get", "resolve", "list"};

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static long env_long(const char *name, long fallback)
{
	const char *v = getenv(name);
	return v && v[0] ? strtol(v, NULL, 10) : fallback;
}

/* Numbers as digits: 61 and a nine-digit AU national number. */
static int64_t single_number(int t, int k) { return INT64_C(61000000000) + 280000000 + t * 1000000 + k; }
static int64_t range_number(int t, int k) { return INT64_C(61000000000) + 270000000 + t * 1000000 + k * RANGE_SIZE; }
static int64_t contested_number(int c) { return INT64_C(61000000000) + 299000000 + c; }

static void format_number(char *buf, size_t size, int64_t number)
{
	snprintf(buf, size, "+%" PRId64, number);
}

static struct rec *add_rec(struct worker *w)
{
	if (w->count == w->capacity) {
		size_t capacity = w->capacity ? 2 * w->capacity : 256;
		struct rec *recs = realloc(w->recs, capacity * sizeof(*recs));
		if (recs == NULL)
			return NULL;
		w->recs = recs;
		w->capacity = capacity;
	}
	struct rec *r = &w->recs[w->count++];
	memset(r, 0, sizeof(*r));
	return r;
}

static void note_instance(struct rec *r, const numbering_instance *instance, int project, int64_t start,
                          int64_t size)
{
	snprintf(r->name, sizeof(r->name), "%s", numbering_instance_name(instance));
	r->project = project;
	r->start = start;
	r->size = size;
	r->is_range = numbering_instance_is_range(instance);
	r->state = numbering_instance_lifecycle_state(instance);
	r->create_time = numbering_instance_create_time(instance);
	snprintf(r->display, sizeof(r->display), "%s", numbering_instance_display_name(instance));
}

/* Whether @instance is what @r says; describes the first difference in @why. */
static int matches(const struct rec *r, const numbering_instance *instance, char *why, size_t size)
{
	char start[24];
	format_number(start, sizeof(start), r->start);
	const char *number = r->is_range ? numbering_instance_range_start(instance)
	                                 : numbering_instance_phone_number(instance);
	if (strcmp(numbering_instance_name(instance), r->name) != 0)
		snprintf(why, size, "name %s, expected %s", numbering_instance_name(instance), r->name);
	else if (numbering_instance_lifecycle_state(instance) != r->state)
		snprintf(why, size, "%s is %s, expected %s", r->name,
		         numbering_lifecycle_state_name(numbering_instance_lifecycle_state(instance)),
		         numbering_lifecycle_state_name(r->state));
	else if (strcmp(numbering_instance_display_name(instance), r->display) != 0)
		snprintf(why, size, "%s display name \"%s\", expected \"%s\"", r->name,
		         numbering_instance_display_name(instance), r->display);
	else if (numbering_instance_is_range(instance) != r->is_range || number == NULL || strcmp(number, start) != 0 ||
	         (r->is_range && numbering_instance_range_size(instance) != r->size))
		snprintf(why, size, "%s numbers %s (%" PRId64 "), expected %s (%" PRId64 ")", r->name,
		         number ? number : "(none)", numbering_instance_range_size(instance), start, r->size);
	else if (numbering_instance_create_time(instance) != r->create_time)
		snprintf(why, size, "%s create time %" PRId64 ", expected %" PRId64, r->name,
		         numbering_instance_create_time(instance), r->create_time);
	else
		return 1;
	return 0;
}

static int create(numbering_instance **out, struct worker *w, int project, const char *id, int64_t start,
                  int64_t size, int pending)
{
	char number[24];
	numbering_instance *request = NULL;
	format_number(number, sizeof(number), start);
	int rc = numbering_instance_new(&request);
	if (rc == NUMBERING_OK)
		rc = numbering_instance_set_phone_number(request, number);
	if (rc == NUMBERING_OK && size > 1)
		rc = numbering_instance_set_range_size(request, size);
	if (rc == NUMBERING_OK && pending)
		rc = numbering_instance_set_lifecycle_state(request, NUMBERING_LIFECYCLE_PENDING);
	if (rc == NUMBERING_OK)
		rc = numbering_instance_add_call_handler(request, "sip:pbx@example.com");
	if (rc == NUMBERING_OK)
		rc = numbering_store_create(out, w->store, NULL, projects[project], request, id, NULL, NULL);
	numbering_instance_free(request);
	return rc;
}

static void create_own(struct worker *w, int range)
{
	int k = range ? w->ranges : w->singles;
	if (k >= (range ? MAX_RANGES : MAX_SINGLES))
		return;
	char id[48];
	snprintf(id, sizeof(id), "t%d-%c%d", w->id, range ? 'r' : 's', k);
	int64_t start = range ? range_number(w->id, k) : single_number(w->id, k);
	int64_t size = range ? RANGE_SIZE : 1;
	int project = k % PROJECTS;
	numbering_instance *created = NULL;
	int rc = create(&created, w, project, id, start, size, k % 4 == 1);
	EXPECT(w, rc == NUMBERING_OK, "create %s: %s", id, numbering_error_message());
	if (rc == NUMBERING_OK) {
		struct rec *r = add_rec(w);
		EXPECT(w, r != NULL, "out of memory");
		if (r != NULL)
			note_instance(r, created, project, start, size);
		if (range)
			w->ranges++;
		else
			w->singles++;
		w->ops[range ? OP_RANGE : OP_SINGLE]++;
	}
	numbering_instance_free(created);
}

/* Every thread races for the same numbers: the winner owns the instance until it deletes it. */
static void create_contested(struct worker *w)
{
	int c = (int)(rand_r(&w->seed) % CONTESTED);
	char id[48];
	snprintf(id, sizeof(id), "t%d-c%d", w->id, w->singles + w->ranges + (int)w->count); /* unique per thread */
	numbering_instance *created = NULL;
	int rc = create(&created, w, 0, id, contested_number(c), 1, 0);
	if (rc == NUMBERING_OK) {
		struct rec *r = add_rec(w);
		EXPECT(w, r != NULL, "out of memory");
		if (r != NULL)
			note_instance(r, created, 0, contested_number(c), 1);
		w->ops[OP_CONTESTED]++;
	} else {
		EXPECT(w, rc == NUMBERING_ALREADY_EXISTS, "contested create %d: rc %d %s", c, rc,
		       numbering_error_message());
	}
	numbering_instance_free(created);
}

/* A random instance of this thread that is not deleted (and is a splittable range when asked), or NULL. */
static struct rec *pick(struct worker *w, int splittable)
{
	for (int tries = 0; tries < 8 && w->count > 0; tries++) {
		struct rec *r = &w->recs[rand_r(&w->seed) % w->count];
		if (r->state != NUMBERING_LIFECYCLE_DELETED && (!splittable || (r->is_range && r->size > 1)))
			return r;
	}
	return NULL;
}

static void update(struct worker *w)
{
	struct rec *r = pick(w, 0);
	if (r == NULL)
		return;
	char display[32];
	snprintf(display, sizeof(display), "t%d u%d", w->id, ++w->updates);
	numbering_instance *request = NULL, *updated = NULL;
	int rc = numbering_instance_new(&request);
	if (rc == NUMBERING_OK)
		rc = numbering_instance_set_display_name(request, display);
	if (rc == NUMBERING_OK)
		rc = numbering_store_update(&updated, w->store, NULL, r->name, request, "display_name");
	EXPECT(w, rc == NUMBERING_OK, "update %s: %s", r->name, numbering_error_message());
	if (rc == NUMBERING_OK) {
		snprintf(r->display, sizeof(r->display), "%s", display);
		char why[256];
		EXPECT(w, matches(r, updated, why, sizeof(why)), "update returned %s", why);
		w->ops[OP_UPDATE]++;
	}
	numbering_instance_free(request);
	numbering_instance_free(updated);
}

static void split(struct worker *w)
{
	struct rec *r = pick(w, 1);
	if (r == NULL)
		return;
	int64_t keep = 1 + (int64_t)(rand_r(&w->seed) % (unsigned int)(r->size - 1));
	numbering_instance *first = NULL, *second = NULL;
	int rc = numbering_store_split_range(&first, &second, w->store, NULL, r->name, keep);
	EXPECT(w, rc == NUMBERING_OK, "split %s at %" PRId64 ": %s", r->name, keep, numbering_error_message());
	if (rc == NUMBERING_OK) {
		int64_t total = r->size;
		r->size = keep;
		char why[256];
		EXPECT(w, matches(r, first, why, sizeof(why)), "split returned %s", why);
		size_t index = (size_t)(r - w->recs);
		struct rec *n = add_rec(w); /* may move w->recs */
		r = &w->recs[index];
		EXPECT(w, n != NULL, "out of memory");
		if (n != NULL) {
			note_instance(n, second, r->project, r->start + keep, total - keep);
			EXPECT(w, n->create_time > r->create_time && n->state == r->state &&
			              strcmp(n->display, r->display) == 0 && n->is_range,
			       "split's second half %s does not continue %s", n->name, r->name);
			char start[24];
			format_number(start, sizeof(start), n->start);
			EXPECT(w, strcmp(numbering_instance_range_start(second), start) == 0 &&
			              numbering_instance_range_size(second) == n->size,
			       "split's second half starts at %s, expected %s", numbering_instance_range_start(second), start);
		}
		w->ops[OP_SPLIT]++;
	}
	numbering_instance_free(first);
	numbering_instance_free(second);
}

static void move(struct worker *w)
{
	struct rec *r = pick(w, 0);
	if (r == NULL)
		return;
	int to = (r->project + 1 + (int)(rand_r(&w->seed) % (PROJECTS - 1))) % PROJECTS;
	numbering_instance *moved = NULL;
	int rc = numbering_store_move(&moved, w->store, NULL, r->name, projects[to], NULL);
	EXPECT(w, rc == NUMBERING_OK, "move %s to %s: %s", r->name, projects[to], numbering_error_message());
	if (rc == NUMBERING_OK) {
		char name[160];
		snprintf(name, sizeof(name), "%s/phoneNumberInstances/%s", projects[to], strrchr(r->name, '/') + 1);
		snprintf(r->name, sizeof(r->name), "%s", name);
		r->project = to;
		char why[256];
		EXPECT(w, matches(r, moved, why, sizeof(why)), "move returned %s", why);
		w->ops[OP_MOVE]++;
	}
	numbering_instance_free(moved);
}

static void delete(struct worker *w)
{
	struct rec *r = pick(w, 0);
	if (r == NULL)
		return;
	numbering_instance *deleted = NULL;
	int rc = numbering_store_delete(&deleted, w->store, NULL, r->name);
	EXPECT(w, rc == NUMBERING_OK, "delete %s: %s", r->name, numbering_error_message());
	if (rc == NUMBERING_OK) {
		r->state = NUMBERING_LIFECYCLE_DELETED;
		char why[256];
		EXPECT(w, matches(r, deleted, why, sizeof(why)), "delete returned %s", why);
		w->ops[OP_DELETE]++;
	}
	numbering_instance_free(deleted);
}

/* PENDING -> ACTIVE -> SUSPENDED -> ACTIVE ... */
static void lifecycle(struct worker *w)
{
	struct rec *r = pick(w, 0);
	if (r == NULL)
		return;
	numbering_instance *changed = NULL;
	int rc, to;
	if (r->state == NUMBERING_LIFECYCLE_PENDING) {
		rc = numbering_store_activate(&changed, w->store, NULL, r->name);
		to = NUMBERING_LIFECYCLE_ACTIVE;
	} else if (r->state == NUMBERING_LIFECYCLE_ACTIVE) {
		rc = numbering_store_suspend(&changed, w->store, NULL, r->name);
		to = NUMBERING_LIFECYCLE_SUSPENDED;
	} else {
		rc = numbering_store_resume(&changed, w->store, NULL, r->name);
		to = NUMBERING_LIFECYCLE_ACTIVE;
	}
	EXPECT(w, rc == NUMBERING_OK, "%s of %s: %s", numbering_lifecycle_state_name(to), r->name,
	       numbering_error_message());
	if (rc == NUMBERING_OK) {
		r->state = to;
		char why[256];
		EXPECT(w, matches(r, changed, why, sizeof(why)), "lifecycle change returned %s", why);
		w->ops[OP_LIFECYCLE]++;
	}
	numbering_instance_free(changed);
}

/* This thread's own instance reads back exactly as its last acknowledged write left it. */
static void get_own(struct worker *w)
{
	if (w->count == 0)
		return;
	struct rec *r = &w->recs[rand_r(&w->seed) % w->count];
	numbering_instance *got = NULL;
	int rc = numbering_store_get(&got, w->store, NULL, r->name);
	EXPECT(w, rc == NUMBERING_OK, "get %s: %s", r->name, numbering_error_message());
	char why[256];
	if (rc == NUMBERING_OK)
		EXPECT(w, matches(r, got, why, sizeof(why)), "get returned %s", why);
	w->ops[OP_GET]++;
	numbering_instance_free(got);
}

/* Whether @instance, as resolve returned it, can own @number: not deleted, and covers it. */
static int covers(const numbering_instance *instance, int64_t number)
{
	const char *start = numbering_instance_is_range(instance) ? numbering_instance_range_start(instance)
	                                                          : numbering_instance_phone_number(instance);
	if (start == NULL || start[0] != '+')
		return 0;
	int64_t first = strtoll(start + 1, NULL, 10);
	int64_t size = numbering_instance_is_range(instance) ? numbering_instance_range_size(instance) : 1;
	return numbering_instance_lifecycle_state(instance) != NUMBERING_LIFECYCLE_DELETED && number >= first &&
	       number < first + size;
}

static void resolve(struct worker *w, numbering_resolution *resolution)
{
	char number[24];
	unsigned int pick_kind = rand_r(&w->seed) % 3;
	if (pick_kind == 0 && w->count > 0) {
		/* Own: exactly the instance this thread knows, or NOT_FOUND when it deleted it. */
		struct rec *r = &w->recs[rand_r(&w->seed) % w->count];
		int64_t n = r->start + (int64_t)(rand_r(&w->seed) % (unsigned int)r->size);
		format_number(number, sizeof(number), n);
		int rc = numbering_store_resolve(resolution, w->store, NULL, number, NULL);
		if (r->state == NUMBERING_LIFECYCLE_DELETED) {
			/* A contested number may have been won again by another thread since. */
			EXPECT(w, rc == NUMBERING_NOT_FOUND ||
			              (rc == NUMBERING_OK && n >= contested_number(0) &&
			               strcmp(numbering_instance_name(numbering_resolution_instance(resolution)), r->name) != 0),
			       "resolve %s (deleted %s): rc %d", number, r->name, rc);
		} else {
			EXPECT(w, rc == NUMBERING_OK, "resolve %s: %s", number, numbering_error_message());
			if (rc == NUMBERING_OK)
				EXPECT(w, strcmp(numbering_instance_name(numbering_resolution_instance(resolution)), r->name) == 0,
				       "resolve %s: %s, expected %s", number,
				       numbering_instance_name(numbering_resolution_instance(resolution)), r->name);
		}
	} else {
		/* Anyone's, changing under us: NOT_FOUND, or an instance that does own it. */
		int t = (int)(rand_r(&w->seed) % THREADS);
		int64_t n;
		if (pick_kind == 1)
			n = contested_number((int)(rand_r(&w->seed) % CONTESTED));
		else if (rand_r(&w->seed) % 2)
			n = single_number(t, (int)(rand_r(&w->seed) % 2000));
		else
			n = range_number(t, (int)(rand_r(&w->seed) % 200)) + (int64_t)(rand_r(&w->seed) % RANGE_SIZE);
		format_number(number, sizeof(number), n);
		int rc = numbering_store_resolve(resolution, w->store, NULL, number, NULL);
		EXPECT(w, rc == NUMBERING_NOT_FOUND || (rc == NUMBERING_OK && covers(numbering_resolution_instance(resolution), n)),
		       "resolve %s: rc %d %s", number, rc, rc == NUMBERING_OK ? numbering_instance_name(numbering_resolution_instance(resolution)) : numbering_error_message());
		/* The thread's last error is its own, whatever the others do meanwhile. */
		if (rc == NUMBERING_NOT_FOUND)
			EXPECT(w, strstr(numbering_error_message(), number) != NULL, "error of another thread: %s",
			       numbering_error_message());
	}
	w->ops[OP_RESOLVE]++;
}

/*
 * Pages over @project (at most @max_pages pages; 0 for all) while others write: create
 * times strictly descending (hence nothing twice). With @names, collects the names seen.
 * Returns how many instances it saw, -1 on a failure (recorded in @w).
 */
static long list_project(struct worker *w, int project, int include_deleted, int page_size, int max_pages,
                         char (*names)[160], long names_cap)
{
	numbering_list_request *request = NULL;
	char token[1024] = "";
	long total = 0;
	int64_t previous = INT64_MAX;
	int pages = 0;
	if (numbering_list_request_new(&request) != NUMBERING_OK ||
	    numbering_list_request_set_parent(request, projects[project]) != NUMBERING_OK ||
	    numbering_list_request_set_page_size(request, page_size) != NUMBERING_OK ||
	    numbering_list_request_set_include_deleted(request, include_deleted) != NUMBERING_OK) {
		EXPECT(w, 0, "list request: %s", numbering_error_message());
		numbering_list_request_free(request);
		return -1;
	}
	do {
		numbering_list_page *page = NULL;
		int rc = numbering_list_request_set_page_token(request, token[0] ? token : NULL);
		if (rc == NUMBERING_OK)
			rc = numbering_store_list(&page, w->store, NULL, request);
		if (rc != NUMBERING_OK) {
			EXPECT(w, 0, "list %s: %s", projects[project], numbering_error_message());
			total = -1;
			break;
		}
		for (int i = 0; i < numbering_list_page_count(page); i++) {
			const numbering_instance *instance = numbering_list_page_instance(page, i);
			int64_t t = numbering_instance_create_time(instance);
			EXPECT(w, t < previous, "list %s: create time %" PRId64 " after %" PRId64 " (%s)", projects[project], t,
			       previous, numbering_instance_name(instance));
			EXPECT(w, include_deleted || numbering_instance_lifecycle_state(instance) != NUMBERING_LIFECYCLE_DELETED,
			       "list %s shows deleted %s", projects[project], numbering_instance_name(instance));
			EXPECT(w, strncmp(numbering_instance_name(instance), projects[project], strlen(projects[project])) == 0,
			       "list %s shows %s", projects[project], numbering_instance_name(instance));
			previous = t;
			if (names != NULL && total < names_cap)
				snprintf(names[total], sizeof(names[total]), "%s", numbering_instance_name(instance));
			total++;
		}
		snprintf(token, sizeof(token), "%s", numbering_list_page_next_token(page));
		numbering_list_page_free(page);
	} while (token[0] != '\0' && (max_pages == 0 || ++pages < max_pages));
	numbering_list_request_free(request);
	return total;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	numbering_resolution *resolution = NULL;
	if (numbering_resolution_new(&resolution) != NUMBERING_OK) {
		EXPECT(w, 0, "resolution_new: %s", numbering_error_message());
		return NULL;
	}
	for (long i = 0; w->deadline_ns ? now_ns() < w->deadline_ns : i < w->iterations; i++) {
		unsigned int dice = rand_r(&w->seed) % 100;
		if (dice < 14)
			create_own(w, 0);
		else if (dice < 19)
			create_own(w, 1);
		else if (dice < 26)
			create_contested(w);
		else if (dice < 33)
			update(w);
		else if (dice < 37)
			split(w);
		else if (dice < 42)
			move(w);
		else if (dice < 46)
			delete(w);
		else if (dice < 52)
			lifecycle(w);
		else if (dice < 67)
			get_own(w);
		else if (dice < 88)
			resolve(w, resolution);
		else {
			list_project(w, (int)(rand_r(&w->seed) % PROJECTS), (int)(rand_r(&w->seed) % 2),
			             5 + (int)(rand_r(&w->seed) % 40), LIST_PAGES, NULL, 0);
			w->ops[OP_LIST]++;
		}
		if (w->failures > 0)
			break;
	}
	numbering_resolution_free(resolution);
	return NULL;
}

/* The final checks. */

struct owner {
	int64_t number;
	const struct rec *rec;
};

static int by_number(const void *a, const void *b)
{
	const struct owner *x = a, *y = b;
	return x->number < y->number ? -1 : x->number > y->number;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int by_string(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

static void check_store(numbering_store *store, struct worker *workers, const char *when)
{
	struct worker check = {.store = store, .id = -1};
	size_t total = 0;
	int64_t numbers = 0;
	for (int t = 0; t < THREADS; t++) {
		total += workers[t].count;
		for (size_t i = 0; i < workers[t].count; i++)
			numbers += workers[t].recs[i].size;
	}

	/* Every acknowledged write is visible: each instance reads back as its owner left it. */
	for (int t = 0; t < THREADS; t++) {
		for (size_t i = 0; i < workers[t].count; i++) {
			const struct rec *r = &workers[t].recs[i];
			numbering_instance *got = NULL;
			int rc = numbering_store_get(&got, store, NULL, r->name);
			ck_assert_msg(rc == NUMBERING_OK, "%s: get %s: %s", when, r->name, numbering_error_message());
			char why[256];
			ck_assert_msg(matches(r, got, why, sizeof(why)), "%s: get returned %s", when, why);
			numbering_instance_free(got);
		}
	}

	/* No number owned twice (by what the calls acknowledged), and each resolves to its one owner. */
	struct owner *owners = malloc((size_t)numbers * sizeof(*owners));
	ck_assert_ptr_nonnull(owners);
	size_t n = 0;
	for (int t = 0; t < THREADS; t++)
		for (size_t i = 0; i < workers[t].count; i++)
			for (int64_t k = 0; k < workers[t].recs[i].size; k++)
				owners[n++] = (struct owner){workers[t].recs[i].start + k, &workers[t].recs[i]};
	qsort(owners, n, sizeof(*owners), by_number);
	numbering_resolution *resolution = NULL;
	ck_assert_int_eq(numbering_resolution_new(&resolution), NUMBERING_OK);
	long resolved = 0, free_numbers = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		const struct rec *live = NULL;
		for (; j < n && owners[j].number == owners[i].number; j++) {
			if (owners[j].rec->state == NUMBERING_LIFECYCLE_DELETED)
				continue;
			ck_assert_msg(live == NULL, "%s: +%" PRId64 " is held by both %s and %s", when, owners[i].number,
			              live ? live->name : "", owners[j].rec->name);
			live = owners[j].rec;
		}
		char number[24];
		format_number(number, sizeof(number), owners[i].number);
		int rc = numbering_store_resolve(resolution, store, NULL, number, NULL);
		if (live != NULL) {
			ck_assert_msg(rc == NUMBERING_OK, "%s: resolve %s: %s", when, number, numbering_error_message());
			ck_assert_msg(strcmp(numbering_instance_name(numbering_resolution_instance(resolution)), live->name) == 0,
			              "%s: resolve %s: %s, expected %s", when, number,
			              numbering_instance_name(numbering_resolution_instance(resolution)), live->name);
			resolved++;
		} else {
			ck_assert_msg(rc == NUMBERING_NOT_FOUND, "%s: resolve %s (every holder deleted): rc %d", when, number,
			              rc);
			free_numbers++;
		}
		i = j;
	}
	numbering_resolution_free(resolution);
	free(owners);

	/* List order: each project, whole, newest first, exactly the instances that are in it. */
	char(*listed)[160] = malloc((total + 1) * sizeof(*listed));
	const char **expected = malloc((total + 1) * sizeof(*expected));
	ck_assert(listed != NULL && expected != NULL);
	for (int p = 0; p < PROJECTS; p++) {
		for (int include_deleted = 0; include_deleted < 2; include_deleted++) {
			size_t e = 0;
			for (int t = 0; t < THREADS; t++)
				for (size_t i = 0; i < workers[t].count; i++)
					if (workers[t].recs[i].project == p &&
					    (include_deleted || workers[t].recs[i].state != NUMBERING_LIFECYCLE_DELETED))
						expected[e++] = workers[t].recs[i].name;
			long got = list_project(&check, p, include_deleted, 100, 0, listed, (long)total + 1);
			ck_assert_msg(check.failures == 0, "%s: %s", when, check.first_failure);
			ck_assert_msg(got == (long)e, "%s: %s lists %ld instances (include_deleted %d), expected %zu", when,
			              projects[p], got, include_deleted, e);
			qsort(listed, e, sizeof(*listed), by_string);
			qsort(expected, e, sizeof(*expected), by_name);
			for (size_t i = 0; i < e; i++)
				ck_assert_msg(strcmp(listed[i], expected[i]) == 0, "%s: %s lists %s where %s was expected", when,
				              projects[p], listed[i], expected[i]);
		}
	}
	free(listed);
	free(expected);
	fprintf(stderr, "stress %s: %zu instances read back, %ld numbers resolve to their owner, %ld free again\n", when,
	        total, resolved, free_numbers);
}

/* Runs the workers on @store and checks it; the workers' records stay for a check after reopen. */
static void run(numbering_store *store, struct worker *workers, const char *backend)
{
	long iterations = env_long("NUMBERING_STRESS_ITERATIONS", DEFAULT_ITERATIONS);
	long seconds = env_long("NUMBERING_STRESS_SECONDS", 0);
	unsigned int seed = (unsigned int)env_long("NUMBERING_STRESS_SEED", (long)time(NULL));
	pthread_t tids[THREADS];
	int64_t started = now_ns();
	for (int t = 0; t < THREADS; t++) {
		workers[t] = (struct worker){.store = store, .id = t, .seed = seed + (unsigned int)t * 7919u,
		                             .iterations = iterations,
		                             .deadline_ns = seconds > 0 ? started + seconds * INT64_C(1000000000) : 0};
		ck_assert_int_eq(pthread_create(&tids[t], NULL, work, &workers[t]), 0);
	}
	long ops[OP_KINDS] = {0};
	int failed = -1;
	for (int t = 0; t < THREADS; t++) {
		ck_assert_int_eq(pthread_join(tids[t], NULL), 0);
		for (int k = 0; k < OP_KINDS; k++)
			ops[k] += workers[t].ops[k];
		if (workers[t].failures > 0 && failed < 0)
			failed = t;
	}
	ck_assert_msg(failed < 0, "%s, seed %u: thread %d: %d failures, first: %s", backend, seed, failed,
	              workers[failed < 0 ? 0 : failed].failures, workers[failed < 0 ? 0 : failed].first_failure);
	/* Each kind of write ran, so the invariants below are about something. */
	for (int k = 0; k < OP_KINDS; k++)
		ck_assert_msg(ops[k] > 0, "%s: no %s was acknowledged", backend, op_names[k]);
	char line[512];
	int len = snprintf(line, sizeof(line), "stress %s (seed %u, %d threads, %.1f s):", backend, seed, THREADS,
	                   (double)(now_ns() - started) / 1e9);
	for (int k = 0; k < OP_KINDS && len < (int)sizeof(line); k++)
		len += snprintf(line + len, sizeof(line) - (size_t)len, " %s %ld", op_names[k], ops[k]);
	fprintf(stderr, "%s\n", line);
	check_store(store, workers, backend);
}

static void free_workers(struct worker *workers)
{
	for (int t = 0; t < THREADS; t++)
		free(workers[t].recs);
}

START_TEST(memory_backend)
{
	numbering_store *store = NULL;
	struct worker workers[THREADS];
	ck_assert_int_eq(numbering_store_open(&store, NULL), NUMBERING_OK);
	run(store, workers, "memory");
	numbering_store_close(store);
	free_workers(workers);
}
END_TEST

/* The file backend's temporary directory. Made and removed by an unchecked fixture,
 * that is by the parent process: a failed test's process ends without teardown when
 * Check forks, and CK_FORK=no runs (the sanitizer steps) must not leave it either. */
static char tmp_dir[160];

static void make_tmp_dir(void)
{
	const char *base = getenv("TMPDIR");
	snprintf(tmp_dir, sizeof(tmp_dir), "%s/numbering-stress-XXXXXX", base && base[0] ? base : "/tmp");
	if (mkdtemp(tmp_dir) == NULL)
		tmp_dir[0] = '\0'; /* the file test says so */
}

static void remove_tmp_dir(void)
{
	temp_dir_remove(tmp_dir);
	tmp_dir[0] = '\0';
}

static numbering_store *open_file_store(numbering_backend **backend_out, const char *path)
{
	numbering_file_options o = NUMBERING_FILE_OPTIONS_INIT;
	o.compact_min_bytes = 256 * 1024; /* compactions happen during the run, under the readers */
	numbering_backend *backend = NULL;
	int rc = numbering_file_backend_new(&backend, path, &o);
	ck_assert_msg(rc == NUMBERING_OK, "open %s: %s", path, numbering_error_message());
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.backend = backend;
	numbering_store *store = NULL;
	rc = numbering_store_open(&store, &options);
	ck_assert_msg(rc == NUMBERING_OK, "open the store over %s: %s", path, numbering_error_message());
	if (backend_out != NULL)
		*backend_out = backend; /* owned by the store */
	return store;
}

START_TEST(file_backend)
{
	ck_assert_msg(tmp_dir[0] != '\0', "no temporary directory under $TMPDIR or /tmp");
	char path[256];
	snprintf(path, sizeof(path), "%s/store.db", tmp_dir);
	struct worker workers[THREADS];
	numbering_backend *backend = NULL;
	numbering_store *store = open_file_store(&backend, path);
	run(store, workers, "file");
	numbering_file_stats stats = {.version = NUMBERING_FILE_STATS_VERSION};
	ck_assert_int_eq(backend->control(backend, NUMBERING_FILE_CONTROL_STATS, &stats), NUMBERING_OK);
	fprintf(stderr, "stress file: %" PRId64 " commits, %" PRId64 " fdatasyncs, %" PRId64 " compactions\n",
	        stats.commits, stats.syncs, stats.compactions);
	numbering_store_close(store);
	/* Acknowledged means durable: all of it again from the file alone. */
	store = open_file_store(NULL, path);
	check_store(store, workers, "file after reopen");
	numbering_store_close(store);
	free_workers(workers);
}
END_TEST

Suite *stress_suite(void)
{
	Suite *s = suite_create("stress");
	TCase *tc = tcase_create("stress");
	long seconds = env_long("NUMBERING_STRESS_SECONDS", 0);
	/* Generous: under ThreadSanitizer everything runs several times slower. */
	tcase_set_timeout(tc, seconds > 0 ? (double)(2 * seconds + 600) : 600);
	tcase_add_unchecked_fixture(tc, make_tmp_dir, remove_tmp_dir);
	tcase_add_test(tc, memory_backend);
	tcase_add_test(tc, file_backend);
	suite_add_tcase(s, tc);
	return s;
}
