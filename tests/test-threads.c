/*
 * One store shared by several threads (docs/CONCEPTS.md, "Threads"): concurrent
 * creates, gets, resolves, lists and lifecycle changes on one handle, each result
 * checked, then the whole store checked for exactly what the threads did. Threads
 * record failures and the main thread asserts, so a failure is reported by Check.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <numbering/numbering.h>

#include "suites.h"

#define THREADS 4
#define SINGLES 1000      /* single numbers each thread creates in its own project */
#define RANGES (SINGLES / 10) /* ranges of 100 each thread creates in its own project, one per ten singles */
#define CONTESTED 60      /* numbers every thread tries to create in projects/shared */

struct worker {
	numbering_store *store;
	int id;
	int won;          /* contested numbers this thread created */
	int failures;
	char first_failure[512];
};

static atomic_int events;

static void count_event(const char *event_json, void *payload)
{
	(void)event_json;
	(void)payload;
	atomic_fetch_add(&events, 1);
}

#define EXPECT(w, cond, ...)                                                                                        \
	do {                                                                                                        \
		if (!(cond)) {                                                                                      \
			if ((w)->failures++ == 0)                                                                   \
				snprintf((w)->first_failure, sizeof((w)->first_failure), __VA_ARGS__);              \
		}                                                                                                   \
	} while (0)

static int create(numbering_instance **out, struct worker *w, const char *parent, const char *id, const char *number)
{
	numbering_instance *request = NULL;
	int rc = numbering_instance_new(&request);
	if (rc == NUMBERING_OK)
		rc = numbering_instance_set_phone_number(request, number);
	if (rc == NUMBERING_OK)
		rc = numbering_instance_add_call_handler(request, "sip:pbx@example.com");
	if (rc == NUMBERING_OK)
		rc = numbering_store_create(out, w->store, NULL, parent, request, id, NULL, NULL);
	numbering_instance_free(request);
	return rc;
}

/* Lists @parent page by page; returns how many instances it holds, checking newest-first order. */
static int list_all(struct worker *w, const char *parent, int page_size)
{
	numbering_list_request *request = NULL;
	char token[1024] = "";
	int total = 0;
	int64_t previous = INT64_MAX;
	if (numbering_list_request_new(&request) != NUMBERING_OK ||
	    numbering_list_request_set_parent(request, parent) != NUMBERING_OK ||
	    numbering_list_request_set_page_size(request, page_size) != NUMBERING_OK) {
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
			EXPECT(w, 0, "list %s: %s", parent, numbering_error_message());
			break;
		}
		for (int i = 0; i < numbering_list_page_count(page); i++) {
			int64_t t = numbering_instance_create_time(numbering_list_page_instance(page, i));
			EXPECT(w, t < previous, "list %s: create times not strictly decreasing", parent);
			previous = t;
			total++;
		}
		snprintf(token, sizeof(token), "%s", numbering_list_page_next_token(page));
		numbering_list_page_free(page);
	} while (token[0] != '\0');
	numbering_list_request_free(request);
	return total;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	char parent[64], id[64], number[32], name[160], expected[160];
	numbering_resolution *resolution = NULL;
	if (numbering_resolution_new(&resolution) != NUMBERING_OK) {
		EXPECT(w, 0, "resolution_new");
		return NULL;
	}
	snprintf(parent, sizeof(parent), "projects/t%d", w->id);

	for (int k = 0; k < SINGLES; k++) {
		numbering_instance *created = NULL, *got = NULL;
		/* +61 2 6<thread><6 digits>: each thread has its own block. */
		snprintf(id, sizeof(id), "n%d", k);
		snprintf(number, sizeof(number), "+6126%d%06d", w->id, k);
		int rc = create(&created, w, parent, id, number);
		EXPECT(w, rc == NUMBERING_OK, "create %s: %s", number, numbering_error_message());
		snprintf(name, sizeof(name), "%s/phoneNumberInstances/%s", parent, id);
		if (rc == NUMBERING_OK)
			EXPECT(w, strcmp(numbering_instance_name(created), name) == 0, "created %s", name);
		numbering_instance_free(created);

		rc = numbering_store_get(&got, w->store, NULL, name);
		EXPECT(w, rc == NUMBERING_OK && strcmp(numbering_instance_phone_number(got), number) == 0, "get %s: %s",
		       name, numbering_error_message());
		numbering_instance_free(got);

		rc = numbering_store_resolve(resolution, w->store, NULL, number, NULL);
		EXPECT(w, rc == NUMBERING_OK && strcmp(numbering_instance_name(numbering_resolution_instance(resolution)),
		                                       name) == 0,
		       "resolve %s: %s", number, numbering_error_message());

		/* Another thread's block: owned by that thread's instance of the same index, or not yet created. */
		int other = (w->id + 1) % THREADS;
		snprintf(number, sizeof(number), "+6126%d%06d", other, k);
		rc = numbering_store_resolve(resolution, w->store, NULL, number, NULL);
		snprintf(expected, sizeof(expected), "projects/t%d/phoneNumberInstances/n%d", other, k);
		EXPECT(w, rc == NUMBERING_NOT_FOUND ||
		              (rc == NUMBERING_OK &&
		               strcmp(numbering_instance_name(numbering_resolution_instance(resolution)), expected) == 0),
		       "resolve %s: rc %d %s", number, rc, numbering_error_message());
		/* The thread's last error is its own: a NOT_FOUND names this thread's number. */
		if (rc == NUMBERING_NOT_FOUND)
			EXPECT(w, strstr(numbering_error_message(), number) != NULL, "error of another thread: %s",
			       numbering_error_message());

		if (k % 10 == 9) {
			int listed = list_all(w, parent, 7 + w->id);
			EXPECT(w, listed == k + 1 + (k / 10), "listed %d of %s after %d creates", listed, parent, k + 1);
			/* One range per ten singles: +61 3 <thread><5 digits>00-99. */
			numbering_instance *range = NULL;
			snprintf(id, sizeof(id), "r%d", k / 10);
			snprintf(number, sizeof(number), "+613%d%05d00-99", w->id, k / 10);
			rc = create(&range, w, parent, id, number);
			EXPECT(w, rc == NUMBERING_OK && numbering_instance_range_size(range) == 100, "create %s: %s", number,
			       numbering_error_message());
			numbering_instance_free(range);
			snprintf(number, sizeof(number), "+613%d%05d%02d", w->id, k / 10, k % 100);
			rc = numbering_store_resolve(resolution, w->store, NULL, number, NULL);
			snprintf(name, sizeof(name), "%s/phoneNumberInstances/%s", parent, id);
			EXPECT(w, rc == NUMBERING_OK &&
			              strcmp(numbering_instance_name(numbering_resolution_instance(resolution)), name) == 0,
			       "resolve %s in a range: %s", number, numbering_error_message());
		}
	}

	/* Every thread races for the same numbers: exactly one create of each may win. */
	for (int k = 0; k < CONTESTED; k++) {
		numbering_instance *created = NULL;
		snprintf(id, sizeof(id), "t%d-c%d", w->id, k);
		snprintf(number, sizeof(number), "+61277%06d", k);
		int rc = create(&created, w, "projects/shared", id, number);
		if (rc == NUMBERING_OK) {
			w->won++;
		} else {
			EXPECT(w, rc == NUMBERING_ALREADY_EXISTS, "contested create %s: rc %d %s", number, rc,
			       numbering_error_message());
			EXPECT(w, strstr(numbering_error_message(), number) != NULL, "error of another thread: %s",
			       numbering_error_message());
		}
		numbering_instance_free(created);
		/* And suspend / resume what this thread won, while others resolve it. */
		if (rc == NUMBERING_OK && k % 2 == 0) {
			numbering_instance *changed = NULL;
			snprintf(name, sizeof(name), "projects/shared/phoneNumberInstances/%s", id);
			EXPECT(w, numbering_store_suspend(&changed, w->store, NULL, name) == NUMBERING_OK, "suspend %s: %s",
			       name, numbering_error_message());
			numbering_instance_free(changed);
			changed = NULL;
			EXPECT(w, numbering_store_resume(&changed, w->store, NULL, name) == NUMBERING_OK, "resume %s: %s",
			       name, numbering_error_message());
			numbering_instance_free(changed);
		}
		rc = numbering_store_resolve(resolution, w->store, NULL, number, NULL);
		EXPECT(w, rc == NUMBERING_OK, "resolve contested %s: %s", number, numbering_error_message());
	}
	numbering_resolution_free(resolution);
	return NULL;
}

START_TEST(one_store_four_threads)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.event_sink = count_event;
	numbering_store *store = NULL;
	atomic_store(&events, 0);
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);

	struct worker workers[THREADS];
	pthread_t tids[THREADS];
	for (int i = 0; i < THREADS; i++) {
		workers[i] = (struct worker){.store = store, .id = i};
		ck_assert_int_eq(pthread_create(&tids[i], NULL, work, &workers[i]), 0);
	}
	int won = 0, suspends = 0;
	for (int i = 0; i < THREADS; i++) {
		ck_assert_int_eq(pthread_join(tids[i], NULL), 0);
		ck_assert_msg(workers[i].failures == 0, "thread %d: %d failures, first: %s", i, workers[i].failures,
		              workers[i].first_failure);
		won += workers[i].won;
	}
	ck_assert_int_eq(won, CONTESTED);
	for (int k = 0; k < CONTESTED; k += 2)
		suspends += 2; /* each even contested number was suspended and resumed once */

	/* The store holds exactly what the threads created, in strictly decreasing create time. */
	struct worker check = {.store = store, .id = -1};
	for (int i = 0; i < THREADS; i++) {
		char parent[32];
		snprintf(parent, sizeof(parent), "projects/t%d", i);
		ck_assert_int_eq(list_all(&check, parent, 100), SINGLES + RANGES);
	}
	ck_assert_int_eq(list_all(&check, "projects/shared", 100), CONTESTED);
	ck_assert_msg(check.failures == 0, "%s", check.first_failure);
	/* One event per committed change, delivered from whichever thread made it. */
	ck_assert_int_eq(atomic_load(&events), THREADS * (SINGLES + RANGES) + CONTESTED + suspends);
	numbering_store_close(store);
}
END_TEST

/* The last error is per thread: a failure in one thread never shows in another. */
static void *fail_with(void *arg)
{
	const char *number = arg;
	numbering_store *store = NULL;
	numbering_resolution *resolution = NULL;
	static const char *const ok = "ok";
	if (numbering_store_open(&store, NULL) != NUMBERING_OK || numbering_resolution_new(&resolution) != NUMBERING_OK)
		return NULL;
	const char *result = ok;
	for (int i = 0; i < 2000 && result == ok; i++) {
		if (numbering_store_resolve(resolution, store, NULL, number, NULL) != NUMBERING_INVALID_ARGUMENT ||
		    strstr(numbering_error_message(), number) == NULL)
			result = NULL;
	}
	numbering_resolution_free(resolution);
	numbering_store_close(store);
	return (void *)result;
}

START_TEST(errors_are_per_thread)
{
	static const char *const inputs[THREADS] = {"+1 800 FLOWERS", "+61 2 CALL ME", "sip:nobody", "0xDEADBEEF"};
	pthread_t tids[THREADS];
	for (int i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_create(&tids[i], NULL, fail_with, (void *)inputs[i]), 0);
	for (int i = 0; i < THREADS; i++) {
		void *result = NULL;
		ck_assert_int_eq(pthread_join(tids[i], &result), 0);
		ck_assert_msg(result != NULL, "thread %d saw an error that was not its own", i);
	}
}
END_TEST

/* A writer updating in a loop and a reader resolving in a loop: each waits until the
 * other has made PROGRESS calls, so the test ends only if neither starves the other
 * (the store's lock lets queued readers in between writes, and writers past readers). */
#define PROGRESS 2000

struct pair {
	numbering_store *store;
	atomic_int reads, writes;
	int failures;
};

static void *loop_writer(void *arg)
{
	struct pair *p = arg;
	numbering_instance *request = NULL, *out = NULL;
	if (numbering_instance_new(&request) != NUMBERING_OK)
		return NULL;
	for (int i = 0; atomic_load(&p->reads) < PROGRESS || atomic_load(&p->writes) < PROGRESS; i++) {
		char name[32];
		snprintf(name, sizeof(name), "n%d", i);
		if (numbering_instance_set_display_name(request, name) != NUMBERING_OK ||
		    numbering_store_update(&out, p->store, NULL, "projects/p/phoneNumberInstances/busy", request,
		                           "display_name") != NUMBERING_OK)
			p->failures++;
		numbering_instance_free(out);
		out = NULL;
		atomic_fetch_add(&p->writes, 1);
	}
	numbering_instance_free(request);
	return NULL;
}

static void *loop_reader(void *arg)
{
	struct pair *p = arg;
	numbering_resolution *resolution = NULL;
	if (numbering_resolution_new(&resolution) != NUMBERING_OK)
		return NULL;
	while (atomic_load(&p->reads) < PROGRESS || atomic_load(&p->writes) < PROGRESS) {
		if (numbering_store_resolve(resolution, p->store, NULL, "+61255501150", NULL) != NUMBERING_OK)
			p->failures++;
		atomic_fetch_add(&p->reads, 1);
	}
	numbering_resolution_free(resolution);
	return NULL;
}

START_TEST(busy_writer_and_reader_both_progress)
{
	struct pair p = {0};
	ck_assert_int_eq(numbering_store_open(&p.store, NULL), NUMBERING_OK);
	numbering_instance *request = NULL, *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&request), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_phone_number(request, "+61255501100-99"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_create(&out, p.store, NULL, "projects/p", request, "busy", NULL, NULL),
	                 NUMBERING_OK);
	numbering_instance_free(out);
	numbering_instance_free(request);
	pthread_t writer, reader;
	ck_assert_int_eq(pthread_create(&writer, NULL, loop_writer, &p), 0);
	ck_assert_int_eq(pthread_create(&reader, NULL, loop_reader, &p), 0);
	ck_assert_int_eq(pthread_join(writer, NULL), 0);
	ck_assert_int_eq(pthread_join(reader, NULL), 0);
	ck_assert_int_eq(p.failures, 0);
	ck_assert_int_ge(atomic_load(&p.reads), PROGRESS);
	ck_assert_int_ge(atomic_load(&p.writes), PROGRESS);
	numbering_store_close(p.store);
}
END_TEST

Suite *threads_suite(void)
{
	Suite *s = suite_create("threads");
	TCase *tc = tcase_create("threads");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, one_store_four_threads);
	tcase_add_test(tc, errors_are_per_thread);
	tcase_add_test(tc, busy_writer_and_reader_both_progress);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, ops_threads_tcase());
	return s;
}
