/*
 * Writes of two processes on one file store (tests/store-fixture.h): process B, forked,
 * writes at the moment process A's clock is read for the n-th time, so that B's commit
 * falls at each point of A's write (between what A reads and its transaction, inside it,
 * after it). Whatever B took, A's answer is right for the store as B left it: a number
 * B took is not A's, and A never answers a backend's internal refusal.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <numbering/numbering.h>
#include <numbering/sys/file.h>

#include "rent-setup.h"
#include "store-fixture.h"
#include "suites.h"
#include "temp-dir.h"
#include "top-up.h"

#define P1 "projects/p1"
#define P2 "projects/p2"

/* What process B does when A's clock fires it: a write on its own store; its status. */
typedef int (*race_write)(numbering_store *b);

static char race_path[TEMP_PATH_MAX];
static int64_t race_now;
static int race_reading, race_fire_at, race_b_rc = -1;
static race_write race_b_write;
static int race_go[2] = {-1, -1}, race_done[2] = {-1, -1};
static pid_t race_pid = -1;
static int race_provisioning = NUMBERING_PROVISIONING_IMMEDIATE; /* A's store's mode */

/* Process B: opens its own store on the file at the first request (after A's setup
 * wrote it), runs race_b_write at each, and answers its status. Never returns. */
static void racer_main(void)
{
	numbering_store *b = NULL;
	char cmd = 0;
	while (read(race_go[0], &cmd, 1) == 1 && cmd == 'g') {
		int rc = NUMBERING_INTERNAL;
		if (b == NULL) {
			numbering_file_options file_options = NUMBERING_FILE_OPTIONS_INIT;
			file_options.busy_timeout_ms = -1; /* never waits for A's transaction */
			numbering_backend *backend = NULL;
			numbering_options options = NUMBERING_OPTIONS_INIT;
			options.clock = fixture_still;
			options.clock_payload = &race_now;
			if (numbering_file_backend_new(&backend, race_path, &file_options) == NUMBERING_OK) {
				options.backend = backend;
				if (numbering_store_open(&b, &options) != NUMBERING_OK)
					b = NULL;
			}
		}
		if (b != NULL)
			rc = race_b_write(b);
		unsigned char answer = (unsigned char)rc;
		if (write(race_done[1], &answer, 1) != 1)
			break;
	}
	numbering_store_close(b);
	_exit(0);
}

/* A's clock: stands still at race_now; its race_fire_at-th reading has B write first. */
static int64_t race_clock(void *payload)
{
	(void)payload;
	if (race_fire_at > 0 && ++race_reading == race_fire_at) {
		char go = 'g';
		unsigned char answer = 0;
		ck_assert_int_eq(write(race_go[1], &go, 1), 1);
		ck_assert_int_eq(read(race_done[0], &answer, 1), 1);
		race_b_rc = answer;
	}
	return race_now;
}

/* A new file store, store A (fx.store) over it with race_clock, and process B forked to
 * run @write when A's clock fires it (race_fire). */
static void race_open(const char *tag, race_write write_fn)
{
	fixture_temp_store_path(race_path, sizeof(race_path), tag);
	race_now = FIXTURE_EPOCH;
	race_reading = race_fire_at = 0;
	race_b_rc = -1;
	race_b_write = write_fn;
	ck_assert_int_eq(pipe(race_go), 0);
	ck_assert_int_eq(pipe(race_done), 0);
	memset(&fx, 0, sizeof(fx));
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.clock = race_clock;
	options.provisioning = race_provisioning;
	options.backend = fixture_file_backend(race_path, 0);
	ck_assert_msg(numbering_store_open(&fx.store, &options) == NUMBERING_OK, "%s", numbering_error_message());
	fflush(NULL);
	race_pid = fork();
	ck_assert_int_ge(race_pid, 0);
	if (race_pid == 0) {
		close(race_go[1]);
		close(race_done[0]);
		racer_main();
	}
	close(race_go[0]);
	close(race_done[1]);
}

/* Has B open its store now (its write's first call must write nothing). */
static void race_b_open(void)
{
	char go = 'g';
	unsigned char answer = 0;
	ck_assert_int_eq(write(race_go[1], &go, 1), 1);
	ck_assert_int_eq(read(race_done[0], &answer, 1), 1);
	ck_assert_int_eq(answer, NUMBERING_OK);
}

/* A's allocations: its race_alloc_fire_at-th (counted from race_fire()) has B write
 * first, as race_clock's reading does, for the calls that read no clock between what
 * they read and their transaction (they allocate there). */
static int race_alloc_count, race_alloc_fire_at;

static void race_alloc_step(void)
{
	if (race_alloc_fire_at > 0 && ++race_alloc_count == race_alloc_fire_at) {
		char go = 'g';
		unsigned char answer = 0;
		if (write(race_go[1], &go, 1) == 1 && read(race_done[0], &answer, 1) == 1)
			race_b_rc = answer;
	}
}

static void *race_malloc(size_t size, void *payload)
{
	(void)payload;
	race_alloc_step();
	return malloc(size);
}

static void *race_realloc(void *ptr, size_t size, void *payload)
{
	(void)payload;
	race_alloc_step();
	return realloc(ptr, size);
}

static void race_free(void *ptr, void *payload)
{
	(void)payload;
	free(ptr);
}

/* What race_fire() arms: A's clock readings (race_each_reading()) or its allocations
 * (race_each_allocation()). */
static int race_by_clock = 1;

/* From now on, A's @n-th clock reading or allocation has B write. */
static void race_fire(int n)
{
	race_b_rc = -1;
	if (race_by_clock) {
		race_reading = 0;
		race_fire_at = n;
	} else {
		race_alloc_count = 0;
		race_alloc_fire_at = n;
	}
}

/* Disarms; B's status, or -1 when it never fired. */
static int race_fired(void)
{
	race_fire_at = race_alloc_fire_at = 0;
	return race_b_rc;
}

static const char *race_point(void)
{
	return race_by_clock ? "reading" : "allocation";
}

/* A's @rc is NUMBERING_OK, B firing at @n with @b_rc. */
static void race_expect_ok(int rc, int n, int b_rc)
{
	ck_assert_msg(rc == NUMBERING_OK, "%s %d (B: %d): %s %s", race_point(), n, b_rc, numbering_status_name(rc),
	              numbering_error_message());
}

/* B wrote nothing: it never fired, or A held the write lock (B never waits). */
static void race_b_missed(int b_rc, int n)
{
	ck_assert_msg(b_rc < 0 || b_rc == NUMBERING_UNAVAILABLE, "%s %d: B: %d", race_point(), n, b_rc);
}

/* @one(n) with B at A's clock readings n = 1 .. @max. */
static void race_each_reading(int (*one)(int n), int max)
{
	race_by_clock = 1;
	for (int n = 1; n <= max; n++)
		(void)one(n);
}

/* @one(n) with B at A's allocations n = 1, 2 ... under the counting allocator until B
 * no longer fires (@one answers whether it did: n is past the call's last allocation),
 * at most 400; B fired at least once. */
static void race_each_allocation(int (*one)(int n))
{
	numbering_allocator counting = {NUMBERING_ALLOCATOR_VERSION, race_malloc, race_realloc, race_free, NULL};
	ck_assert_int_eq(numbering_set_allocator(&counting), NUMBERING_OK);
	race_by_clock = 0;
	int n = 1;
	while (n <= 400 && one(n))
		n++;
	race_by_clock = 1;
	ck_assert_int_eq(numbering_set_allocator(NULL), NUMBERING_OK);
	ck_assert_int_gt(n, 1);
}

static void race_close(void)
{
	race_fire_at = 0;
	close(race_go[1]);
	int status = 0;
	ck_assert_int_eq(waitpid(race_pid, &status, 0), race_pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(race_done[0]);
	numbering_store_close(fx.store);
	fx.store = NULL;
	char lock[TEMP_PATH_MAX + 8];
	snprintf(lock, sizeof(lock), "%s.lock", race_path);
	unlink(race_path);
	unlink(lock);
	snprintf(lock, sizeof(lock), "%s.idx", race_path);
	unlink(lock);
}

/* A's answer when B's write took what A wanted: never a backend's refusal of a record
 * another holds (ALREADY_EXISTS), nor a message about records. */
static void expect_clean(int rc, int n)
{
	ck_assert_msg(rc != NUMBERING_ALREADY_EXISTS && rc != NUMBERING_INTERNAL, "%s %d: %s %s", race_point(),
	              n, numbering_status_name(rc), numbering_error_message());
	if (rc != NUMBERING_OK)
		ck_assert_msg(strstr(numbering_error_message(), "backend") == NULL &&
		                  strstr(numbering_error_message(), "availableNumbers/") == NULL,
		              "%s %d: %s", race_point(), n, numbering_error_message());
}

/* The numbers of @project held now, as "+1...,+1..." in @out. */
static void held(char *out, size_t size, numbering_store *store, const char *project)
{
	numbering_active_query q = NUMBERING_ACTIVE_QUERY_INIT;
	q.region_code = "US";
	q.type = NUMBERING_NUMBER_TYPE_LOCAL;
	numbering_active_page *page = NULL;
	ck_assert_int_eq(numbering_store_list_active(&page, store, NULL, project, &q), NUMBERING_OK);
	out[0] = '\0';
	for (int i = 0; i < numbering_active_page_count(page); i++) {
		size_t len = strlen(out);
		snprintf(out + len, size - len, "%s%s", i ? "," : "",
		         numbering_instance_phone_number(numbering_active_number_instance(numbering_active_page_item(page, i))));
	}
	numbering_active_page_free(page);
}

static int b_rents_the_first(numbering_store *b)
{
	numbering_active_number *a = NULL;
	int rc = numbering_store_rent(&a, b, NULL, P2, "+12085550100", NULL);
	numbering_active_number_free(a);
	return rc;
}

/* Whether A's numbers and B's are @mine and @theirs. */
static void expect_held(const char *mine, const char *theirs)
{
	char a[128], b[128];
	held(a, sizeof(a), fx.store, P1);
	held(b, sizeof(b), fx.store, P2);
	ck_assert_str_eq(a, mine);
	if (theirs != NULL)
		ck_assert_str_eq(b, theirs);
}

/* A new race of B's @write_fn on a store with +12085550100..01 in stock. */
static void race_open_stocked(const char *tag, race_write write_fn)
{
	race_open(tag, write_fn);
	stock_import_usd(fx.store, "+12085550100-01", NUMBERING_CAPABILITY_SMS, 0, 0, 1);
}

/* RentAnyNumber by A, B renting the number A's search finds first at A's @n-th clock
 * reading: A rents the other one. */
static int rent_any_race(int n)
{
	race_open_stocked("race-rent-any", b_rents_the_first);
	race_fire(n);
	numbering_available_query q = NUMBERING_AVAILABLE_QUERY_INIT;
	q.region_code = "US";
	q.type = NUMBERING_NUMBER_TYPE_LOCAL;
	numbering_active_number *a = NULL;
	int rc = numbering_store_rent_any(&a, fx.store, NULL, P1, &q, NULL);
	int b_rc = race_fired();
	race_expect_ok(rc, n, b_rc);
	numbering_active_number_free(a);
	if (b_rc == NUMBERING_OK)
		expect_held("+12085550101", "+12085550100");
	else
		expect_held("+12085550100", "");
	race_close();
	return b_rc >= 0;
}

START_TEST(rent_any_takes_another_number_when_one_is_taken_meanwhile)
{
	race_each_reading(rent_any_race, 8);
}
END_TEST

/* A takes +12085550100 for P1: RentNumber. */
static int a_rents_the_first(void)
{
	numbering_active_number *a = NULL;
	int rc = numbering_store_rent(&a, fx.store, NULL, P1, "+12085550100", NULL);
	numbering_active_number_free(a);
	return rc;
}

/* CreatePhoneNumberPurchase of @number named @friendly_name for P1 on @store. */
static int buy(numbering_store *store, const char *number, const char *friendly_name)
{
	numbering_purchase_request r = NUMBERING_PURCHASE_REQUEST_INIT;
	r.friendly_name = friendly_name;
	r.phone_number = number;
	r.country_code = "US";
	numbering_purchase *p = NULL;
	int rc = numbering_store_create_purchase(&p, store, NULL, P1, &r);
	numbering_purchase_free(p);
	return rc;
}

/* A takes +12085550100 for P1: CreatePhoneNumberPurchase. */
static int a_buys_the_first(void)
{
	return buy(fx.store, "+12085550100", "Support");
}

/* What A takes +12085550100 with (number_taken_race()). */
static int (*race_a_takes)(void);
static const char *race_tag;

/* A takes the one number (race_a_takes) while B rents it at A's @n-th clock reading:
 * NOT_FOUND when B was first, the number B's and not A's; else A's. */
static int number_taken_race(int n)
{
	race_open_stocked(race_tag, b_rents_the_first);
	race_fire(n);
	int rc = race_a_takes();
	int b_rc = race_fired();
	expect_clean(rc, n);
	if (b_rc == NUMBERING_OK) {
		ck_assert_msg(rc == NUMBERING_NOT_FOUND, "reading %d: %s %s", n, numbering_status_name(rc),
		              numbering_error_message());
		expect_held("", "+12085550100");
	} else {
		ck_assert_int_eq(rc, NUMBERING_OK);
		expect_held("+12085550100", NULL);
	}
	race_close();
	return b_rc >= 0;
}

static void number_taken_meanwhile_is_not_found(const char *tag, int (*a_takes)(void))
{
	race_tag = tag;
	race_a_takes = a_takes;
	race_each_reading(number_taken_race, 8);
}

/* RentNumber of the one number B rents meanwhile: NOT_FOUND, the number not available. */
START_TEST(rent_of_a_number_taken_meanwhile_is_not_found)
{
	number_taken_meanwhile_is_not_found("race-rent", a_rents_the_first);
}
END_TEST

/* CreatePhoneNumberPurchase of the number B rents meanwhile: NOT_FOUND, nothing bought. */
START_TEST(purchase_of_a_number_taken_meanwhile_is_not_found)
{
	number_taken_meanwhile_is_not_found("race-purchase", a_buys_the_first);
}
END_TEST

/* ---- The busy timeout bounds a write's whole wait ---- */

#define BUSY_MS 300
#define BUSY_WRITERS 8
/* What a waiter may take past the timeout: a loaded 2-core machine schedules late. */
#define BUSY_SLACK_MS 1000

struct busy_writer {
	numbering_store *store;
	int index;
	int rc;
	int64_t waited_ns;
	char message[256];
};

static int64_t monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void *busy_writer_main(void *arg)
{
	struct busy_writer *w = arg;
	char number[32], id[16];
	snprintf(number, sizeof(number), "+120855502%02d", w->index);
	snprintf(id, sizeof(id), "w%d", w->index);
	numbering_instance *request = NULL, *out = NULL;
	w->rc = numbering_instance_new(&request);
	if (w->rc == NUMBERING_OK)
		w->rc = numbering_instance_set_phone_number(request, number);
	int64_t started = monotonic_ns();
	if (w->rc == NUMBERING_OK)
		w->rc = numbering_store_create(&out, w->store, NULL, P1, request, id, NULL, NULL);
	w->waited_ns = monotonic_ns() - started;
	snprintf(w->message, sizeof(w->message), "%s", numbering_error_message());
	numbering_instance_free(out);
	numbering_instance_free(request);
	return NULL;
}

/* Another process holds the file's write lock (an flock of PATH.lock on an open file
 * description of its own, as a process's is) while 8 threads of this one write: each
 * gets UNAVAILABLE within the busy timeout (and slack), measured from its call. The
 * timeout was each waiter's for the file lock alone: the k-th thread queued behind the
 * others' waits in this process first, and waited about k timeouts (2.4 s for the 8th). */
START_TEST(busy_timeout_bounds_each_writes_whole_wait)
{
	char path[TEMP_PATH_MAX], lock[TEMP_PATH_MAX + 8];
	fixture_temp_store_path(path, sizeof(path), "busy-queue");
	snprintf(lock, sizeof(lock), "%s.lock", path);
	numbering_file_options file_options = NUMBERING_FILE_OPTIONS_INIT;
	file_options.busy_timeout_ms = BUSY_MS;
	numbering_backend *backend = NULL;
	ck_assert_int_eq(numbering_file_backend_new(&backend, path, &file_options), NUMBERING_OK);
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.backend = backend;
	numbering_store *store = NULL;
	ck_assert_msg(numbering_store_open(&store, &options) == NUMBERING_OK, "%s", numbering_error_message());
	int holder = open(lock, O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(holder, 0);
	ck_assert_int_eq(flock(holder, LOCK_EX), 0);
	struct busy_writer w[BUSY_WRITERS];
	pthread_t t[BUSY_WRITERS];
	for (int i = 0; i < BUSY_WRITERS; i++) {
		w[i] = (struct busy_writer){store, i, -1, 0, ""};
		ck_assert_int_eq(pthread_create(&t[i], NULL, busy_writer_main, &w[i]), 0);
	}
	for (int i = 0; i < BUSY_WRITERS; i++)
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
	for (int i = 0; i < BUSY_WRITERS; i++) {
		ck_assert_msg(w[i].rc == NUMBERING_UNAVAILABLE && strstr(w[i].message, "busy") != NULL, "writer %d: %s",
		              i, w[i].message);
		ck_assert_msg(w[i].waited_ns < (int64_t)(BUSY_MS + BUSY_SLACK_MS) * 1000000,
		              "writer %d waited %lld ms for a busy timeout of %d ms", i,
		              (long long)(w[i].waited_ns / 1000000), BUSY_MS);
	}
	/* The holder gone, a write goes through at once. */
	close(holder);
	struct busy_writer after = {store, 99, -1, 0, ""};
	busy_writer_main(&after);
	ck_assert_msg(after.rc == NUMBERING_OK, "%s", after.message);
	numbering_store_close(store);
	unlink(path);
	unlink(lock);
	snprintf(lock, sizeof(lock), "%s.idx", path);
	unlink(lock);
}
END_TEST

/* ---- Create times of two processes, paged one at a time ---- */

/* Whether @time differs from every one of @times[0 .. @n) (each page holds one). The
 * list's ties are broken by id since 38af0dd and 40237ab, so pages of one list two
 * records of one time: the times themselves must differ, as `begin` makes them. */
static void expect_new_time(const int64_t *times, int n, int64_t time)
{
	for (int i = 0; i < n; i++)
		ck_assert_msg(times[i] != time, "two records of two processes have the create time %lld", (long long)time);
}

/* ListPhoneNumberPurchases of P1 page by page, one purchase a page: how many, each
 * with a create time of its own. */
static int purchases_paged_by_one(numbering_store *store)
{
	int listed = 0;
	int64_t times[10];
	char token[512] = "";
	do {
		numbering_purchase_page *page = NULL;
		int rc = numbering_store_list_purchases(&page, store, NULL, P1, 0, 1, token);
		ck_assert_msg(rc == NUMBERING_OK, "%s", numbering_error_message());
		if (numbering_purchase_page_count(page) == 1) {
			int64_t t = numbering_purchase_int(numbering_purchase_page_item(page, 0), "createdAt");
			expect_new_time(times, listed, t);
			times[listed] = t;
		}
		listed += numbering_purchase_page_count(page);
		snprintf(token, sizeof(token), "%s", numbering_purchase_page_next_token(page));
		numbering_purchase_page_free(page);
	} while (token[0] != '\0' && listed < 10);
	return listed;
}

/* ListPhoneNumberInstances of P1 page by page, one instance a page: how many, each
 * with a create time of its own. */
static int instances_paged_by_one(numbering_store *store)
{
	int listed = 0;
	int64_t times[10];
	char token[512] = "";
	do {
		numbering_list_request *request = NULL;
		ck_assert_int_eq(numbering_list_request_new(&request), NUMBERING_OK);
		ck_assert_int_eq(numbering_list_request_set_parent(request, P1), NUMBERING_OK);
		ck_assert_int_eq(numbering_list_request_set_page_size(request, 1), NUMBERING_OK);
		ck_assert_int_eq(numbering_list_request_set_page_token(request, token), NUMBERING_OK);
		numbering_list_page *page = NULL;
		int rc = numbering_store_list(&page, store, NULL, request);
		ck_assert_msg(rc == NUMBERING_OK, "%s", numbering_error_message());
		if (numbering_list_page_count(page) == 1) {
			int64_t t = numbering_instance_create_time(numbering_list_page_instance(page, 0));
			expect_new_time(times, listed, t);
			times[listed] = t;
		}
		listed += numbering_list_page_count(page);
		const char *next = numbering_list_page_next_token(page);
		snprintf(token, sizeof(token), "%s", next != NULL ? next : "");
		numbering_list_page_free(page);
		numbering_list_request_free(request);
	} while (token[0] != '\0' && listed < 10);
	return listed;
}

static int b_buys_the_second(numbering_store *b)
{
	return buy(b, "+12085550101", "Sales");
}

/* Both clocks stand still at one time. B buys at A's n-th clock reading while A buys:
 * each purchase has a create time of its own, and pages of one purchase list both. A
 * purchase took its time before its transaction's begin, and with B's commit in
 * between both had the time B took: the second page, after the first's time, was
 * empty (1 of 2 listed). The list breaks ties by id since 40237ab, so the two times
 * are compared too. */
static int purchase_pages_race(int n)
{
	race_open_stocked("race-purchase-pages", b_buys_the_second);
	race_fire(n);
	int rc = a_buys_the_first();
	int b_rc = race_fired();
	race_expect_ok(rc, n, b_rc);
	int made = 1 + (b_rc == NUMBERING_OK);
	ck_assert_msg(purchases_paged_by_one(fx.store) == made, "reading %d: %d listed of %d", n,
	              purchases_paged_by_one(fx.store), made);
	race_close();
	return b_rc >= 0;
}

START_TEST(purchases_of_two_processes_page_one_at_a_time)
{
	race_each_reading(purchase_pages_race, 8);
}
END_TEST

static int b_creates_an_instance(numbering_store *b)
{
	numbering_instance *request = NULL, *out = NULL;
	int rc = numbering_instance_new(&request);
	if (rc == NUMBERING_OK)
		rc = numbering_instance_set_phone_number(request, "+12085550301");
	if (rc == NUMBERING_OK)
		rc = numbering_store_create(&out, b, NULL, P1, request, "theirs", NULL, NULL);
	numbering_instance_free(out);
	numbering_instance_free(request);
	return rc;
}

/* The same for CreatePhoneNumberInstance and ListPhoneNumberInstances, which pages by
 * create time too. */
static int instance_pages_race(int n)
{
	race_open("race-instance-pages", b_creates_an_instance);
	race_fire(n);
	numbering_instance *request = NULL, *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&request), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_phone_number(request, "+12085550300"), NUMBERING_OK);
	int rc = numbering_store_create(&out, fx.store, NULL, P1, request, "mine", NULL, NULL);
	int b_rc = race_fired();
	race_expect_ok(rc, n, b_rc);
	numbering_instance_free(out);
	numbering_instance_free(request);
	int made = 1 + (b_rc == NUMBERING_OK);
	ck_assert_msg(instances_paged_by_one(fx.store) == made, "reading %d: %d listed of %d", n,
	              instances_paged_by_one(fx.store), made);
	race_close();
	return b_rc >= 0;
}

START_TEST(instances_of_two_processes_page_one_at_a_time)
{
	race_each_reading(instance_pages_race, 8);
}
END_TEST

/* ---- Voximplant AttachPhoneNumber ---- */

/* Imports @text with Voximplant's attributes; @docs: it needs supporting documents (an
 * attach holds it unverified). */
static void import_vox(numbering_store *store, const char *text, int docs)
{
	numbering_available_number *n = NULL;
	ck_assert_int_eq(numbering_available_number_new(&n), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_numbers(n, text, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_type(n, NUMBERING_NUMBER_TYPE_LOCAL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_int(n, "supportingDocumentationRequired", docs), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_text(n, "categoryName", "GEOGRAPHIC"), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_int(n, "regionId", 1), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_text(n, "regionName", "Washington"), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_text(n, "region", "DC"), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_money(n, "setupPrice", "USD", 100), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_money(n, "monthlyPrice", "USD", 200), NUMBERING_OK);
	const numbering_available_number *items[] = {n};
	ck_assert_msg(numbering_store_import_available(NULL, store, NULL, items, 1) == NUMBERING_OK, "%s",
	              numbering_error_message());
	numbering_available_number_free(n);
}

static int b_rents_the_first_vox(numbering_store *b)
{
	numbering_active_number *a = NULL;
	int rc = numbering_store_rent(&a, b, NULL, P2, "+12025550100", NULL);
	numbering_active_number_free(a);
	return rc;
}

/* AttachPhoneNumber with phone_count 1 while B rents the number it would choose, at
 * each of A's allocations during the call: A attaches the next one. It chose before
 * its transaction, and answered NOT_FOUND for the number B took although another was
 * in stock. */
/* AttachPhoneNumber of one GEOGRAPHIC number of region 1 for @project on @store. */
static int attach_one(numbering_store *store, const char *project)
{
	numbering_attach_request r = NUMBERING_ATTACH_REQUEST_INIT;
	r.country_code = "US";
	r.phone_category_name = "GEOGRAPHIC";
	r.phone_region_id = 1;
	r.phone_count = 1;
	numbering_attached *out = NULL;
	int rc = numbering_store_attach_phone_numbers(&out, store, NULL, project, &r);
	numbering_attached_free(out);
	return rc;
}

static int attach_race(int n)
{
	race_open("race-attach", b_rents_the_first_vox);
	import_vox(fx.store, "+12025550100-01", 0);
	top_up(fx.store, P1, "USD", 10000);
	top_up(fx.store, P2, "USD", 10000);
	race_fire(n);
	int rc = attach_one(fx.store, P1);
	int b_rc = race_fired();
	race_expect_ok(rc, n, b_rc);
	if (b_rc == NUMBERING_OK)
		expect_held("+12025550101", "+12025550100");
	else
		expect_held("+12025550100", "");
	race_close();
	return b_rc >= 0;
}

START_TEST(attach_takes_another_number_when_one_is_taken_meanwhile)
{
	race_each_allocation(attach_race);
}
END_TEST

/* ---- Instance writes ---- */

#define RACED P1 "/phoneNumberInstances/raced"

static int b_calls; /* (B's own count: it runs in its own process) */

/* B renames the instance A writes: display name "by B", nothing else; its first call
 * only opens its store (race_b_open()), which it cannot while A's transaction holds the
 * file's write lock. */
static int b_renames_the_instance(numbering_store *b)
{
	if (b_calls++ == 0)
		return NUMBERING_OK;
	numbering_instance *q = NULL, *out = NULL;
	int rc = numbering_instance_new(&q);
	if (rc == NUMBERING_OK)
		rc = numbering_instance_set_display_name(q, "by B");
	if (rc == NUMBERING_OK)
		rc = numbering_store_update(&out, b, NULL, RACED, q, "display_name");
	numbering_instance_free(q);
	numbering_instance_free(out);
	return rc;
}

/* A's write of another field of the instance: a label, a suspend, or a move to P2. */
enum a_write { A_LABEL, A_SUSPEND, A_MOVE };

static int a_writes(enum a_write what, numbering_instance **out)
{
	if (what == A_SUSPEND)
		return numbering_store_suspend(out, fx.store, NULL, RACED);
	if (what == A_MOVE)
		return numbering_store_move(out, fx.store, NULL, RACED, P2, NULL);
	numbering_instance *q = NULL;
	ck_assert_int_eq(numbering_instance_new(&q), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_label(q, "by", "A"), NUMBERING_OK);
	int rc = numbering_store_update(out, fx.store, NULL, RACED, q, "labels");
	numbering_instance_free(q);
	return rc;
}

/* A writes one field of an instance while B, at each of A's allocations during the
 * call, changes its display name: both changes are in the store after. A loaded the
 * instance before its transaction, so a change B committed in between was written
 * over by A's stale copy: B's acknowledged write was lost. */
static enum a_write race_what;

static int instance_race(int n)
{
	race_open("race-instance", b_renames_the_instance);
	numbering_instance_free(fixture_create(P1, "raced", "+61255501000"));
	race_b_open();
	race_fire(n);
	numbering_instance *out = NULL;
	int rc = a_writes(race_what, &out);
	int b_rc = race_fired();
	race_expect_ok(rc, n, b_rc);
	numbering_instance_free(out);
	/* B's rename is lost only if A wrote after it; after a move B finds nothing. */
	const char *name = race_what == A_MOVE ? P2 "/phoneNumberInstances/raced" : RACED;
	numbering_instance *got = NULL;
	ck_assert_int_eq(numbering_store_get(&got, fx.store, NULL, name), NUMBERING_OK);
	if (b_rc == NUMBERING_OK)
		ck_assert_msg(strcmp(numbering_instance_display_name(got), "by B") == 0,
		              "allocation %d: B's acknowledged display name is lost: \"%s\"", n,
		              numbering_instance_display_name(got));
	else if (!(race_what == A_MOVE && b_rc == NUMBERING_NOT_FOUND)) /* A had moved it */
		race_b_missed(b_rc, n);
	if (race_what == A_LABEL)
		ck_assert_str_eq(numbering_instance_label(got, "by"), "A");
	else if (race_what == A_SUSPEND)
		ck_assert_int_eq(numbering_instance_lifecycle_state(got), NUMBERING_LIFECYCLE_SUSPENDED);
	numbering_instance_free(got);
	race_close();
	return b_rc >= 0;
}

static void both_changes_kept(enum a_write what)
{
	race_what = what;
	race_each_allocation(instance_race);
}

START_TEST(update_keeps_what_another_process_changed_meanwhile)
{
	both_changes_kept(A_LABEL);
}
END_TEST

START_TEST(suspend_keeps_what_another_process_changed_meanwhile)
{
	both_changes_kept(A_SUSPEND);
}
END_TEST

START_TEST(move_keeps_what_another_process_changed_meanwhile)
{
	both_changes_kept(A_MOVE);
}
END_TEST

/* B sets the callbackUrl of the number A rented (its first call only opens its store). */
static int b_sets_the_callback_url(numbering_store *b)
{
	if (b_calls++ == 0)
		return NUMBERING_OK;
	numbering_active_request *q = NULL;
	numbering_active_number *out = NULL;
	int rc = numbering_active_request_new(&q);
	if (rc == NUMBERING_OK)
		rc = numbering_active_request_set(q, "callbackUrl", "https://b.example.com/cb");
	if (rc == NUMBERING_OK)
		rc = numbering_store_update_active(&out, b, NULL, P1, "+12085550100", q);
	numbering_active_request_free(q);
	numbering_active_number_free(out);
	return rc;
}

/* A rents +12085550100 for P1, with @q (or NULL). */
static void rent_first(const numbering_active_request *q)
{
	numbering_active_number *a = NULL;
	ck_assert_msg(numbering_store_rent(&a, fx.store, NULL, P1, "+12085550100", q) == NUMBERING_OK, "%s",
	              numbering_error_message());
	numbering_active_number_free(a);
}

/* The callbackUrl of @a is B's when B's write (b_sets_the_callback_url) was acknowledged. */
static void expect_b_callback_url(const numbering_active_number *a, int b_rc, int n)
{
	const char *url = numbering_active_number_text(a, "callbackUrl");
	if (b_rc == NUMBERING_OK)
		ck_assert_msg(strcmp(url, "https://b.example.com/cb") == 0, "%s %d: B's acknowledged callbackUrl is lost: \"%s\"",
		              race_point(), n, url);
	else
		race_b_missed(b_rc, n);
}

/* One UpdateActiveNumber of the display name by A, B setting its callbackUrl at A's @n-th
 * clock reading or allocation during the call: both changes kept. Returns whether B
 * fired. */
static int update_active_race(int n)
{
	race_open_stocked("race-active", b_sets_the_callback_url);
	rent_first(NULL);
	race_b_open();
	numbering_active_request *q = NULL;
	ck_assert_int_eq(numbering_active_request_new(&q), NUMBERING_OK);
	ck_assert_int_eq(numbering_active_request_set(q, "displayName", "by A"), NUMBERING_OK);
	race_fire(n);
	numbering_active_number *a = NULL;
	int rc = numbering_store_update_active(&a, fx.store, NULL, P1, "+12085550100", q);
	int b_rc = race_fired();
	numbering_active_request_free(q);
	race_expect_ok(rc, n, b_rc);
	numbering_active_number_free(a);
	ck_assert_int_eq(numbering_store_get_active(&a, fx.store, NULL, P1, "+12085550100"), NUMBERING_OK);
	expect_b_callback_url(a, b_rc, n);
	ck_assert_str_eq(numbering_instance_display_name(numbering_active_number_instance(a)), "by A");
	numbering_active_number_free(a);
	race_close();
	return b_rc >= 0;
}

/* UpdateActiveNumber of the display name by A while B sets the number's callbackUrl,
 * at each of A's clock readings and allocations during the call: both kept. A read
 * the ACTIVE record before its transaction and wrote it back whole over B's change. */
START_TEST(update_active_keeps_what_another_process_changed_meanwhile)
{
	race_each_reading(update_active_race, 8);
	race_each_allocation(update_active_race);
}
END_TEST

/* B releases the number A rented (its first call only opens its store). */
static int b_releases_the_number(numbering_store *b)
{
	if (b_calls++ == 0)
		return NUMBERING_OK;
	numbering_active_number *out = NULL;
	int rc = numbering_store_release_active(&out, b, NULL, P1, "+12085550100");
	numbering_active_number_free(out);
	return rc;
}

/* SetSubscriptionAutoCharge (off) by A while B releases the number, at each of A's
 * allocations during the call: the release's end kept (else the number would renew) and
 * autoCharge off. A loaded the subscription before its transaction and wrote it back
 * whole over B's release. */
static int auto_charge_race(int n)
{
	race_open("race-subscription", b_releases_the_number);
	stock_import_usd(fx.store, "+12085550100-01", NUMBERING_CAPABILITY_SMS, 0, 300, 1);
	top_up(fx.store, P1, "USD", 10000);
	rent_first(NULL);
	numbering_subscription_page *page = NULL;
	ck_assert_int_eq(numbering_store_list_subscriptions(&page, fx.store, NULL, P1, 10, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_subscription_page_count(page), 1);
	char name[256];
	snprintf(name, sizeof(name), "%s", numbering_subscription_name(numbering_subscription_page_item(page, 0)));
	numbering_subscription_page_free(page);
	race_b_open();
	race_fire(n);
	numbering_subscription *sub = NULL;
	int rc = numbering_store_set_subscription_auto_charge(&sub, fx.store, NULL, name, 0);
	int b_rc = race_fired();
	race_expect_ok(rc, n, b_rc);
	numbering_subscription_free(sub);
	ck_assert_int_eq(numbering_store_get_subscription(&sub, fx.store, NULL, name), NUMBERING_OK);
	if (b_rc == NUMBERING_OK)
		ck_assert_msg(numbering_subscription_int(sub, "expireAt") != 0,
		              "allocation %d: B's acknowledged release is lost: the subscription would renew", n);
	else
		race_b_missed(b_rc, n);
	ck_assert_int_eq(numbering_subscription_int(sub, "autoCharge"), 0);
	numbering_subscription_free(sub);
	race_close();
	return b_rc >= 0;
}

START_TEST(auto_charge_keeps_a_release_made_meanwhile)
{
	race_each_allocation(auto_charge_race);
}
END_TEST

/* A provisioning task's completion (SUCCEEDED: the service plan goes live) by A, on a
 * store that provisions by the host's hand, while B sets the number's callbackUrl, at
 * each of A's allocations during the call: both kept. A read the number before its
 * transaction and wrote it back whole over B's change. */
static int task_completion_race(int n)
{
	race_open_stocked("race-task", b_sets_the_callback_url);
	rent_first(NULL);
	numbering_active_request *q = NULL;
	ck_assert_int_eq(numbering_active_request_new(&q), NUMBERING_OK);
	ck_assert_int_eq(numbering_active_request_set(q, "smsConfiguration.servicePlanId", "plan"), NUMBERING_OK);
	numbering_active_number *a = NULL;
	ck_assert_int_eq(numbering_store_update_active(&a, fx.store, NULL, P1, "+12085550100", q), NUMBERING_OK);
	numbering_active_request_free(q);
	numbering_active_number_free(a);
	numbering_task_list *tasks = NULL;
	race_now += INT64_C(1000000000); /* the task is due at the store's time, past the standing clock */
	ck_assert_int_eq(numbering_store_claim_provisioning_tasks(&tasks, fx.store, NULL, 10), NUMBERING_OK);
	ck_assert_int_eq(numbering_task_list_count(tasks), 1);
	char task[256];
	snprintf(task, sizeof(task), "%s", numbering_task_text(numbering_task_list_item(tasks, 0), "name"));
	numbering_task_list_free(tasks);
	race_b_open();
	race_fire(n);
	int rc = numbering_store_complete_provisioning_task(fx.store, NULL, task, NUMBERING_CALLBACK_STATUS_SUCCEEDED,
	                                                    NUMBERING_CALLBACK_FAILURE_NONE);
	int b_rc = race_fired();
	race_expect_ok(rc, n, b_rc);
	ck_assert_int_eq(numbering_store_get_active(&a, fx.store, NULL, P1, "+12085550100"), NUMBERING_OK);
	expect_b_callback_url(a, b_rc, n);
	ck_assert_str_eq(numbering_active_number_text(a, "smsConfiguration.servicePlanId"), "plan");
	numbering_active_number_free(a);
	race_close();
	return b_rc >= 0;
}

START_TEST(task_completion_keeps_what_another_process_changed_meanwhile)
{
	race_provisioning = NUMBERING_PROVISIONING_MANUAL;
	race_each_allocation(task_completion_race);
	race_provisioning = NUMBERING_PROVISIONING_IMMEDIATE;
}
END_TEST

/* ---- Reservations ---- */

static char race_reservation[256];

static int b_deletes_the_reservation(numbering_store *b)
{
	return numbering_store_delete_reservation(b, NULL, race_reservation);
}

static int b_expires_the_reservations(numbering_store *b)
{
	race_now = FIXTURE_EPOCH + INT64_C(11) * 60 * 1000000000; /* B's own clock, past the expiry */
	return numbering_store_process_due(NULL, b);
}

/* A reservation of +12085550100 for 10 minutes, by A; its name in race_reservation. */
static void reserve_first(void)
{
	numbering_reservation_request q = NUMBERING_RESERVATION_REQUEST_INIT;
	q.phone_numbers = (const char *[]){"+12085550100"};
	q.phone_number_count = 1;
	q.ttl = INT64_C(10) * 60 * 1000000000;
	numbering_reservation *r = NULL;
	ck_assert_msg(numbering_store_reserve_available(&r, fx.store, NULL, P1, &q) == NUMBERING_OK, "%s",
	              numbering_error_message());
	snprintf(race_reservation, sizeof(race_reservation), "%s", numbering_reservation_name(r));
	numbering_reservation_free(r);
}

/* Whether +12085550100 is in stock for P2, once. */
static int first_in_stock(void)
{
	numbering_available_number *n = NULL;
	int rc = numbering_store_get_available(&n, fx.store, NULL, P2, "+12085550100");
	numbering_available_number_free(n);
	return rc == NUMBERING_OK;
}

/* A deletes the reservation B deletes at A's n-th allocation in the call: NOT_FOUND
 * (or OK when A was first), the number back in stock once. */
static int reservation_delete_race(int n)
{
	race_open_stocked("race-reservation-delete", b_deletes_the_reservation);
	reserve_first();
	race_fire(n);
	int rc = numbering_store_delete_reservation(fx.store, NULL, race_reservation);
	int b_rc = race_fired();
	expect_clean(rc, n);
	ck_assert_msg(rc == (b_rc == NUMBERING_OK ? NUMBERING_NOT_FOUND : NUMBERING_OK), "allocation %d (B: %d): %s %s", n,
	              b_rc, numbering_status_name(rc), numbering_error_message());
	ck_assert(first_in_stock());
	race_close();
	return b_rc >= 0;
}

START_TEST(a_reservation_deleted_meanwhile_is_not_found)
{
	race_each_allocation(reservation_delete_race);
}
END_TEST

/* A and B both end expired reservations (process_due, which every inventory call runs
 * first): whichever ends it, A's call succeeds and the number is back once. */
static int reservation_expiry_race(int n)
{
	race_open_stocked("race-reservation-expire", b_expires_the_reservations);
	reserve_first();
	race_now = FIXTURE_EPOCH + INT64_C(11) * 60 * 1000000000;
	race_fire(n);
	int64_t processed = 0;
	int rc = numbering_store_process_due(&processed, fx.store);
	int b_rc = race_fired();
	race_expect_ok(rc, n, b_rc);
	ck_assert(first_in_stock());
	race_close();
	return b_rc >= 0;
}

START_TEST(reservations_expired_by_both_processes)
{
	race_each_allocation(reservation_expiry_race);
}
END_TEST

/* ---- Billing ---- */

/* B credits P1 50 USD (its first call only opens its store). */
static int b_credits_the_account(numbering_store *b)
{
	if (b_calls++ == 0)
		return NUMBERING_OK;
	numbering_billing_entry *e = NULL;
	int rc = numbering_store_adjust_billing_account(&e, b, NULL, P1, "USD", 50, "by B", NULL);
	numbering_billing_entry_free(e);
	return rc;
}

/* P1's balance, checked to be the sum of its ledger's entries, which number @entries. */
static int64_t ledger_balance(int64_t entries)
{
	numbering_billing_account *acc = NULL;
	ck_assert_int_eq(numbering_store_get_billing_account(&acc, fx.store, NULL, P1), NUMBERING_OK);
	int64_t balance = numbering_billing_account_balance(acc);
	numbering_billing_account_free(acc);
	numbering_billing_entry_page *page = NULL;
	ck_assert_int_eq(numbering_store_list_billing_entries(&page, fx.store, NULL, P1, 0, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_billing_entry_page_count(page), entries);
	int64_t sum = 0;
	for (int i = 0; i < numbering_billing_entry_page_count(page); i++)
		sum += numbering_billing_entry_amount(numbering_billing_entry_page_item(page, i));
	numbering_billing_entry_page_free(page);
	ck_assert_int_eq(sum, balance);
	return balance;
}

/* One AdjustBillingAccount (+100) by A while B credits 50, at A's @n-th clock reading
 * or allocation during the call: both applied. Returns whether B fired. */
static int adjust_race(int n)
{
	race_open("race-adjust", b_credits_the_account);
	top_up(fx.store, P1, "USD", 1000);
	race_b_open();
	race_fire(n);
	numbering_billing_entry *e = NULL;
	int rc = numbering_store_adjust_billing_account(&e, fx.store, NULL, P1, "USD", 100, "by A", NULL);
	int b_rc = race_fired();
	race_expect_ok(rc, n, b_rc);
	if (b_rc == NUMBERING_OK)
		ck_assert_int_eq(numbering_billing_entry_balance_after(e), 1150);
	else
		race_b_missed(b_rc, n);
	numbering_billing_entry_free(e);
	int b_applied = b_rc == NUMBERING_OK;
	ck_assert_int_eq(ledger_balance(2 + b_applied), 1100 + 50 * b_applied);
	race_close();
	return b_rc >= 0;
}

/* AdjustBillingAccount by A while B adjusts the same account, at each of A's clock
 * readings and allocations during the call: both apply, and the balance is the sum of
 * the ledger. A read the account before its transaction, and the check before its put
 * refused A's adjustment ABORTED whenever B's came in between. */
START_TEST(adjustments_of_two_processes_both_apply)
{
	race_each_reading(adjust_race, 4);
	race_each_allocation(adjust_race);
}
END_TEST

/* ---- Callback deliveries ---- */

#define NS INT64_C(1000000000)
#define CB_URL "https://a.example.com/cb"

static int b_reports_delivered; /* B reports its claim delivered too (set before race_open) */

/* B claims the one delivery once A's claim's lease ran out (its own clock, past the
 * lease), and with b_reports_delivered reports it delivered; its first call only opens
 * its store. NOT_FOUND when there was nothing to claim. */
static int b_claims_again(numbering_store *b)
{
	if (b_calls++ == 0)
		return NUMBERING_OK;
	race_now = FIXTURE_EPOCH + (NUMBERING_DELIVERY_LEASE_SECONDS + 5) * NS; /* A claimed at +1 s */
	numbering_delivery_list *list = NULL;
	int rc = numbering_store_claim_deliveries(&list, b, NULL, 10);
	if (rc == NUMBERING_OK && numbering_delivery_list_count(list) != 1)
		rc = NUMBERING_NOT_FOUND;
	if (rc == NUMBERING_OK && b_reports_delivered) {
		const numbering_delivery *d = numbering_delivery_list_item(list, 0);
		rc = numbering_store_report_claimed_delivery(b, NULL, numbering_delivery_text(d, "id"),
		                                             numbering_delivery_int(d, "attempts"), 1, NULL);
	}
	numbering_delivery_list_free(list);
	return rc;
}

/* The deliveries A claims at its clock's time (no race armed). */
static int a_claims(char id[64])
{
	numbering_delivery_list *list = NULL;
	ck_assert_int_eq(numbering_store_claim_deliveries(&list, fx.store, NULL, 10), NUMBERING_OK);
	int count = numbering_delivery_list_count(list);
	if (count > 0 && id != NULL)
		snprintf(id, 64, "%s", numbering_delivery_text(numbering_delivery_list_item(list, 0), "id"));
	numbering_delivery_list_free(list);
	return count;
}

/* A reports its claim (attempt 1) of a delivery failed while B, at A's @n-th allocation
 * in the call, claims the delivery again after the lease ran out (and with
 * b_reports_delivered reports it delivered). Checks what A's report answers and what
 * the store holds after; returns whether B fired. */
static int report_race(int n)
{
	race_open("race-report", b_claims_again);
	stock_import_usd(fx.store, "+12085550100-01", NUMBERING_CAPABILITY_SMS, 0, 0, 1);
	numbering_active_request *q = NULL;
	ck_assert_int_eq(numbering_active_request_new(&q), NUMBERING_OK);
	ck_assert_int_eq(numbering_active_request_set(q, "smsConfiguration.servicePlanId", "plan"), NUMBERING_OK);
	ck_assert_int_eq(numbering_active_request_set(q, "callbackUrl", CB_URL), NUMBERING_OK);
	numbering_active_number *a = NULL;
	ck_assert_int_eq(numbering_store_rent(&a, fx.store, NULL, P1, "+12085550100", q), NUMBERING_OK);
	numbering_active_number_free(a);
	numbering_active_request_free(q);
	char id[64];
	race_now += NS; /* the delivery is due at the store's time, past the standing clock */
	ck_assert_int_eq(a_claims(id), 1);
	race_b_open();
	race_fire(n);
	int rc = numbering_store_report_claimed_delivery(fx.store, NULL, id, 1, 0, "timed out");
	int b_rc = race_fired();
	if (b_rc == NUMBERING_OK && b_reports_delivered) {
		/* Delivered by B's claimant: not put back to be sent again. */
		ck_assert_msg(rc == NUMBERING_NOT_FOUND, "allocation %d: %s %s", n, numbering_status_name(rc),
		              numbering_error_message());
		race_now += INT64_C(24) * 3600 * NS;
		ck_assert_msg(a_claims(NULL) == 0, "allocation %d: the delivery B's claimant delivered is pending again", n);
	} else if (b_rc == NUMBERING_OK) {
		/* B's claim stands: its claimant's report is the one taken. */
		ck_assert_msg(rc == NUMBERING_FAILED_PRECONDITION, "allocation %d: %s %s", n, numbering_status_name(rc),
		              numbering_error_message());
		rc = numbering_store_report_claimed_delivery(fx.store, NULL, id, 2, 0, "timed out");
		ck_assert_msg(rc == NUMBERING_OK, "allocation %d: B's claim is lost: %s %s", n, numbering_status_name(rc),
		              numbering_error_message());
	} else {
		race_b_missed(b_rc, n);
		race_expect_ok(rc, n, b_rc);
	}
	race_close();
	return b_rc >= 0;
}

static void report_races(int delivered)
{
	b_reports_delivered = delivered;
	race_each_allocation(report_race);
	b_reports_delivered = 0;
}

/* A reports its claim failed while B claims the delivery again (A's lease ran out), at
 * each of A's allocations during the call: A's report is refused FAILED_PRECONDITION
 * and B's claim stands. A read the delivery before its transaction, took its stale
 * attempt for its own, and wrote the claim back over B's. */
START_TEST(report_of_a_delivery_claimed_again_meanwhile_is_refused)
{
	report_races(0);
}
END_TEST

/* The same, B's claimant reporting it delivered: A's report is NOT_FOUND and the
 * delivery is not sent again. A's stale copy put the delivered delivery back. */
START_TEST(report_of_a_delivery_delivered_meanwhile_is_not_found)
{
	report_races(1);
}
END_TEST

/* After A's expiry run (@processed carried out) beside B's run and B's rent or attach
 * of @number for P2 (@b_rc): whoever gave P1's number back, it is P2's or in stock,
 * never both, and given back once. */
static void expect_given_back_once(const char *number, int64_t processed, int b_rc, int n)
{
	numbering_available_number *stock = NULL;
	int in_stock = numbering_store_get_available(&stock, fx.store, NULL, P2, number) == NUMBERING_OK;
	numbering_available_number_free(stock);
	if (b_rc == NUMBERING_OK) {
		ck_assert_msg(processed == 0, "allocation %d: A carried out what B's run had: %lld", n, (long long)processed);
		expect_held("", number);
		ck_assert_msg(!in_stock, "allocation %d: the number P2 took is in stock again", n);
	} else {
		race_b_missed(b_rc, n);
		ck_assert_int_eq(processed, 1);
		expect_held("", "");
		ck_assert(in_stock);
	}
}

/* A's expiry run at @due, B's store open, B firing at A's @n-th allocation in it, and
 * its checks (expect_given_back_once() of @number); closes the race. Returns whether B
 * fired. */
static int expiry_race(int n, int64_t due, const char *number)
{
	race_b_open();
	race_now = due;
	race_fire(n);
	int64_t processed = -1;
	int rc = numbering_store_process_due(&processed, fx.store);
	int b_rc = race_fired();
	race_expect_ok(rc, n, b_rc);
	expect_given_back_once(number, processed, b_rc, n);
	race_close();
	return b_rc >= 0;
}

/* ---- A release taking effect ---- */

/* Past the end of the month the released number was paid for. */
#define RELEASE_DUE (FIXTURE_EPOCH + INT64_C(40) * 24 * 3600 * NS)

/* B's expiry run (its own clock past the release's expireAt), then its rent of the
 * number for P2; its first call only opens its store. */
static int b_expires_and_rents_again(numbering_store *b)
{
	if (b_calls++ == 0)
		return NUMBERING_OK;
	race_now = RELEASE_DUE;
	int rc = numbering_store_process_due(NULL, b);
	numbering_active_number *a = NULL;
	if (rc == NUMBERING_OK)
		rc = numbering_store_rent(&a, b, NULL, P2, "+12085550100", NULL);
	numbering_active_number_free(a);
	return rc;
}

/* A's expiry run, at RELEASE_DUE, of the release of P1's +12085550100 while B, at A's
 * @n-th allocation in the run, carries the release out first and rents the number for
 * P2: whoever carried it out, the number is P2's or in stock, never both. Returns
 * whether B fired. */
static int release_expiry_race(int n)
{
	race_open("race-release", b_expires_and_rents_again);
	stock_import_usd(fx.store, "+12085550100", NUMBERING_CAPABILITY_SMS, 0, 300, 1);
	top_up(fx.store, P1, "USD", 10000);
	top_up(fx.store, P2, "USD", 10000);
	rent_first(NULL);
	numbering_active_number *a = NULL;
	ck_assert_int_eq(numbering_store_release_active(&a, fx.store, NULL, P1, "+12085550100"), NUMBERING_OK);
	numbering_active_number_free(a);
	return expiry_race(n, RELEASE_DUE, "+12085550100");
}

/* An expiry run by A and one by B of the same release (Sinch: a release takes effect at
 * its expireAt), B's at each of A's allocations in A's run and followed by B's rent of
 * the number: A's run carries out nothing B did, and the number P2 rented stays P2's.
 * The run listed and read the ACTIVE record before its transaction, and gave the
 * number back a second time. */
START_TEST(a_release_carried_out_meanwhile_is_not_carried_out_again)
{
	race_each_allocation(release_expiry_race);
}
END_TEST

/* ---- A verification hold ending ---- */

/* Past the default verification hold of a number attached at FIXTURE_EPOCH. */
#define HOLD_DUE (FIXTURE_EPOCH + (NUMBERING_UNVERIFIED_HOLD_SECONDS_DEFAULT + 100) * NS)

/* B's expiry run past the hold, then its attach of the number for P2; its first call
 * only opens its store. */
static int b_ends_the_hold_and_attaches(numbering_store *b)
{
	if (b_calls++ == 0)
		return NUMBERING_OK;
	race_now = HOLD_DUE;
	int rc = numbering_store_process_due(NULL, b);
	return rc == NUMBERING_OK ? attach_one(b, P2) : rc;
}

/* A's expiry run, past the hold of P1's unverified +12025550100, while B, at A's @n-th
 * allocation in the run, ends the hold first and attaches the number for P2: the number
 * is P2's or in stock, never both. Returns whether B fired. */
static int hold_expiry_race(int n)
{
	race_open("race-hold", b_ends_the_hold_and_attaches);
	import_vox(fx.store, "+12025550100", 1);
	top_up(fx.store, P1, "USD", 10000);
	top_up(fx.store, P2, "USD", 10000);
	ck_assert_msg(attach_one(fx.store, P1) == NUMBERING_OK, "%s", numbering_error_message());
	return expiry_race(n, HOLD_DUE, "+12025550100");
}

/* The same for a Voximplant number whose verification hold ended (attach.c's expiry):
 * the run read the PHONE record and its number before its transaction, and gave the
 * number back a second time. */
START_TEST(a_hold_ended_meanwhile_is_not_ended_again)
{
	race_each_allocation(hold_expiry_race);
}
END_TEST

Suite *write_races_suite(void)
{
	Suite *s = suite_create("write_races");
	TCase *tc = tcase_create("rent");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, rent_any_takes_another_number_when_one_is_taken_meanwhile);
	tcase_add_test(tc, rent_of_a_number_taken_meanwhile_is_not_found);
	tcase_add_test(tc, purchase_of_a_number_taken_meanwhile_is_not_found);
	tcase_add_test(tc, attach_takes_another_number_when_one_is_taken_meanwhile);
	tcase_add_test(tc, update_keeps_what_another_process_changed_meanwhile);
	tcase_add_test(tc, suspend_keeps_what_another_process_changed_meanwhile);
	tcase_add_test(tc, move_keeps_what_another_process_changed_meanwhile);
	tcase_add_test(tc, update_active_keeps_what_another_process_changed_meanwhile);
	tcase_add_test(tc, auto_charge_keeps_a_release_made_meanwhile);
	tcase_add_test(tc, task_completion_keeps_what_another_process_changed_meanwhile);
	tcase_add_test(tc, a_reservation_deleted_meanwhile_is_not_found);
	tcase_add_test(tc, reservations_expired_by_both_processes);
	tcase_add_test(tc, adjustments_of_two_processes_both_apply);
	tcase_add_test(tc, report_of_a_delivery_claimed_again_meanwhile_is_refused);
	tcase_add_test(tc, report_of_a_delivery_delivered_meanwhile_is_not_found);
	tcase_add_test(tc, a_release_carried_out_meanwhile_is_not_carried_out_again);
	tcase_add_test(tc, a_hold_ended_meanwhile_is_not_ended_again);
	suite_add_tcase(s, tc);
	tc = tcase_create("busy");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, busy_timeout_bounds_each_writes_whole_wait);
	suite_add_tcase(s, tc);
	tc = tcase_create("times");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, purchases_of_two_processes_page_one_at_a_time);
	tcase_add_test(tc, instances_of_two_processes_page_one_at_a_time);
	suite_add_tcase(s, tc);
	return s;
}
