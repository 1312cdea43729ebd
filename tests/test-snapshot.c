/*
 * Snapshot reads (issue 15; docs/CONCEPTS.md, "Concurrency"; backends/memory/snapshot.c):
 * readers beside a writer in a loop see every transaction whole or not at all. Run by
 * .ci/run under ThreadSanitizer (the snapshot suite), which checks the left-right
 * handshake itself: a reader inside a copy the writer changes is a reported race.
 * Threads count failures and the main thread asserts.
 */
#define _DEFAULT_SOURCE /* mkdtemp */

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <numbering/numbering.h>
#include <numbering/sys/backend.h>
#include <numbering/sys/file.h>
#include <numbering/sys/record.h>

#include "../backends/memory/memory.h"
#include "model/kinds.h"
#include "model/record.h"
#include "service/backend-call.h"
#include "service/phone.h"
#include "service/service.h"
#include "suites.h"
#include "temp-dir.h"

#define ROUNDS 2000
#define NUMBER 5550100u

struct shared {
	numbering_backend *b;
	atomic_int stop;
	atomic_int failures;
	atomic_long reads;
};

static numbering_record rec(const char *name, unsigned flags, uint64_t first, const void *body, size_t len)
{
	numbering_record r;
	memset(&r, 0, sizeof(r));
	r.version = NUMBERING_RECORD_VERSION;
	r.kind = 4;
	r.name = name;
	r.parent = "p";
	r.flags = flags;
	r.digits = first ? 7 : 0;
	r.first = r.last = first;
	r.body = body;
	r.body_len = len;
	return r;
}

static int count_visit(const numbering_record *r, void *payload)
{
	(void)r;
	(*(int *)payload)++;
	return 0;
}

/* The two counters of a list: both records' bodies, which one transaction writes. */
struct pair {
	int seen;
	unsigned long value[2];
};

static int pair_visit(const numbering_record *r, void *payload)
{
	struct pair *p = payload;
	if (strncmp(r->name, "c", 1) == 0 && p->seen < 2 && r->body_len == sizeof(unsigned long))
		memcpy(&p->value[p->seen], r->body, sizeof(unsigned long));
	p->seen++;
	return 0;
}

static void *backend_reader(void *arg)
{
	struct shared *s = arg;
	numbering_backend *b = s->b;
	numbering_record_query q;
	memset(&q, 0, sizeof(q));
	q.version = NUMBERING_RECORD_QUERY_VERSION;
	q.kind = 5;
	q.parent = "p";
	q.order = NUMBERING_RECORD_ORDER_ASCENDING;
	q.limit = 10;
	while (!atomic_load(&s->stop)) {
		/* The number moves from one record to the other inside a transaction: exactly one holds it. */
		int held = 0;
		int rc = b->find(b, 7, NUMBER, NUMBER, count_visit, &held);
		if (rc != NUMBERING_OK || held != 1)
			atomic_fetch_add(&s->failures, 1);
		/* Both counters change in one transaction: one list sees them equal. */
		struct pair p = {0, {0, 0}};
		rc = b->list(b, &q, pair_visit, &p);
		if (rc != NUMBERING_OK || p.seen != 2 || p.value[0] != p.value[1])
			atomic_fetch_add(&s->failures, 1);
		atomic_fetch_add(&s->reads, 1);
	}
	return NULL;
}

static void put_ok(numbering_backend *b, numbering_record r)
{
	int rc = b->put(b, &r);
	ck_assert_msg(rc == NUMBERING_OK, "put %s: %s", r.name, numbering_error_message());
}

/* The mechanism alone: the memory backend with two copies, two readers, one writer. */
START_TEST(backend_transactions_whole)
{
	struct shared s = {NULL, 0, 0, 0};
	ck_assert_int_eq(numbering_memory_backend_new(&s.b), NUMBERING_OK);
	numbering_backend *b = s.b;
	int on = 1, ask = -1;
	ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_SNAPSHOTS, &ask), NUMBERING_OK);
	ck_assert_int_eq(ask, 0);
	unsigned long zero = 0;
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	put_ok(b, rec("a", NUMBERING_RECORD_NUMBERS, NUMBER, NULL, 0));
	numbering_record c1 = rec("c1", NUMBERING_RECORD_LISTED, 0, &zero, sizeof(zero));
	numbering_record c2 = rec("c2", NUMBERING_RECORD_LISTED, 0, &zero, sizeof(zero));
	c1.kind = c2.kind = 5;
	c2.sort_key = 1;
	put_ok(b, c1);
	put_ok(b, c2);
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	/* The second copy is taken from the first. */
	ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_SNAPSHOTS, &on), NUMBERING_OK);
	ask = -1;
	ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_SNAPSHOTS, &ask), NUMBERING_OK);
	ck_assert_int_eq(ask, 1);
	pthread_t readers[2];
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_create(&readers[i], NULL, backend_reader, &s), 0);
	unsigned long i = 1;
	for (int round = 1; i <= ROUNDS; round++) {
		ck_assert_int_eq(b->begin(b), NUMBERING_OK);
		/* The number leaves one record, then (later in the transaction) the other takes it. */
		const char *from = i % 2 ? "a" : "b", *to = i % 2 ? "b" : "a";
		ck_assert_int_eq(b->remove(b, 4, from), NUMBERING_OK);
		int held = 0;
		/* The writer reads its own writes: the number is nowhere for now. */
		ck_assert_int_eq(b->find(b, 7, NUMBER, NUMBER, count_visit, &held), NUMBERING_NOT_FOUND);
		c1.body = c2.body = &i;
		put_ok(b, c1);
		put_ok(b, rec(to, NUMBERING_RECORD_NUMBERS, NUMBER, NULL, 0));
		put_ok(b, c2);
		if (round % 7 == 0) {
			/* A rolled-back transaction is seen by nobody, and leaves the copies level. */
			ck_assert_int_eq(b->rollback(b), NUMBERING_OK);
			continue;
		}
		ck_assert_int_eq(b->commit(b), NUMBERING_OK);
		i++;
	}
	atomic_store(&s.stop, 1);
	for (int k = 0; k < 2; k++)
		pthread_join(readers[k], NULL);
	ck_assert_int_eq(atomic_load(&s.failures), 0);
	ck_assert_int_gt(atomic_load(&s.reads), 0);
	/* Both copies level and sound once the last commit is replayed (by a begin). */
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	int rc = b->control(b, NUMBERING__MEMORY_CONTROL_CHECK, NULL);
	ck_assert_msg(rc == NUMBERING_OK, "check: %s", numbering_error_message());
	/* Back to one copy: the published one. */
	int off = 0;
	ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_SNAPSHOTS, &off), NUMBERING_OK);
	int held = 0;
	ck_assert_int_eq(b->find(b, 7, NUMBER, NUMBER, count_visit, &held), NUMBERING_OK);
	ck_assert_int_eq(held, 1);
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_SNAPSHOTS, &on), NUMBERING_FAILED_PRECONDITION);
	ck_assert_int_eq(b->rollback(b), NUMBERING_OK);
	b->free(b);
}
END_TEST

/* Two backends, each with a transaction open in its own thread: each writer reads its
 * own writes in its backend and the published copy of the other's, whose writes it does
 * not see until they commit (a thread inside some transaction is not every backend's
 * writer). */
struct two {
	numbering_backend *a, *b;
	pthread_barrier_t step;
	int sees_a_open, sees_b_own, sees_a_committed;
};

static int found(numbering_backend *b, const char *name)
{
	int seen = 0;
	int rc = b->get(b, 4, name, count_visit, &seen);
	return rc == NUMBERING_OK ? seen : rc == NUMBERING_NOT_FOUND ? 0 : -1;
}

static numbering_backend *snapshot_backend(void)
{
	numbering_backend *b = NULL;
	int on = 1;
	ck_assert_int_eq(numbering_memory_backend_new(&b), NUMBERING_OK);
	ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_SNAPSHOTS, &on), NUMBERING_OK);
	return b;
}

static void *other_writer(void *arg)
{
	struct two *t = arg;
	numbering_backend *b = t->b;
	numbering_record x = rec("x", 0, 0, NULL, 0);
	if (b->begin(b) != NUMBERING_OK || b->put(b, &x) != NUMBERING_OK)
		t->sees_b_own = -2;
	pthread_barrier_wait(&t->step); /* 1: both transactions open, each with its put */
	t->sees_a_open = found(t->a, "y");
	t->sees_b_own = t->sees_b_own == -2 ? -2 : found(b, "x");
	pthread_barrier_wait(&t->step); /* 2: the main thread has read */
	pthread_barrier_wait(&t->step); /* 3: a committed */
	t->sees_a_committed = found(t->a, "y");
	if (b->commit(b) != NUMBERING_OK)
		t->sees_b_own = -3;
	pthread_barrier_wait(&t->step); /* 4: b committed */
	return NULL;
}

START_TEST(writers_read_their_own)
{
	struct two t;
	memset(&t, 0, sizeof(t));
	t.a = snapshot_backend();
	t.b = snapshot_backend();
	t.sees_a_open = t.sees_b_own = t.sees_a_committed = -1;
	ck_assert_int_eq(pthread_barrier_init(&t.step, NULL, 2), 0);
	pthread_t other;
	ck_assert_int_eq(pthread_create(&other, NULL, other_writer, &t), 0);
	ck_assert_int_eq(t.a->begin(t.a), NUMBERING_OK);
	put_ok(t.a, rec("y", 0, 0, NULL, 0));
	pthread_barrier_wait(&t.step); /* 1 */
	ck_assert_int_eq(found(t.a, "y"), 1); /* its own write */
	ck_assert_int_eq(found(t.b, "x"), 0); /* the other's, not committed */
	pthread_barrier_wait(&t.step); /* 2 */
	ck_assert_int_eq(t.a->commit(t.a), NUMBERING_OK);
	pthread_barrier_wait(&t.step); /* 3 */
	pthread_barrier_wait(&t.step); /* 4 */
	pthread_join(other, NULL);
	ck_assert_int_eq(t.sees_a_open, 0);
	ck_assert_int_eq(t.sees_b_own, 1);
	ck_assert_int_eq(t.sees_a_committed, 1);
	ck_assert_int_eq(found(t.b, "x"), 1);
	/* Outside transactions, both threads' counts are back to none: a read of either is a
	 * reader's, and a transaction begun and rolled back leaves it so. */
	ck_assert_int_eq(t.b->begin(t.b), NUMBERING_OK);
	ck_assert_int_eq(t.b->remove(t.b, 4, "x"), NUMBERING_OK);
	ck_assert_int_eq(found(t.b, "x"), 0);
	ck_assert_int_eq(t.b->rollback(t.b), NUMBERING_OK);
	ck_assert_int_eq(found(t.b, "x"), 1);
	pthread_barrier_destroy(&t.step);
	t.a->free(t.a);
	t.b->free(t.b);
}
END_TEST

/* The change journal's and the store's META records are kept once, beside the two
 * copies (snapshot.c, side_kind): every operation finds them whatever the copies do,
 * transactions roll them back with the rest, and they hold no numbers. */
/* Its body is *sequence, which must outlive the put. */
static numbering_record change_rec(const char *name, const int64_t *sequence)
{
	numbering_record r = rec(name, NUMBERING_RECORD_LISTED, 0, sequence, sizeof(*sequence));
	r.kind = NUMBERING__KIND_CHANGE;
	r.parent = "";
	r.sort_key = *sequence;
	return r;
}

static int64_t kind_count(numbering_backend *b, int kind)
{
	numbering_backend_count count = {kind, -1};
	ck_assert_int_eq(b->control(b, NUMBERING_BACKEND_CONTROL_COUNT, &count), NUMBERING_OK);
	return count.count;
}

static int listed(numbering_backend *b, int kind)
{
	numbering_record_query q;
	memset(&q, 0, sizeof(q));
	q.version = NUMBERING_RECORD_QUERY_VERSION;
	q.kind = kind;
	q.parent = "";
	q.order = NUMBERING_RECORD_ORDER_ASCENDING;
	int seen = 0;
	ck_assert_int_eq(b->list(b, &q, count_visit, &seen), NUMBERING_OK);
	return seen;
}

static int every(numbering_backend *b)
{
	int seen = 0;
	numbering_backend_foreach each = {count_visit, &seen};
	ck_assert_int_eq(b->control(b, NUMBERING_BACKEND_CONTROL_FOREACH, &each), NUMBERING_OK);
	return seen;
}

static int found_kind(numbering_backend *b, int kind, const char *name)
{
	int seen = 0;
	int rc = b->get(b, kind, name, count_visit, &seen);
	return rc == NUMBERING_OK ? seen : rc == NUMBERING_NOT_FOUND ? 0 : -1;
}

START_TEST(journal_kept_once)
{
	numbering_backend *b = NULL;
	ck_assert_int_eq(numbering_memory_backend_new(&b), NUMBERING_OK);
	static const int64_t sequences[11] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	/* Written with one copy, then moved beside the copies when snapshots start. */
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	put_ok(b, change_rec("c1", &sequences[1]));
	put_ok(b, rec("a", NUMBERING_RECORD_NUMBERS, NUMBER, NULL, 0));
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	int on = 1, off = 0;
	ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_SNAPSHOTS, &on), NUMBERING_OK);
	ck_assert_int_eq(found_kind(b, NUMBERING__KIND_CHANGE, "c1"), 1);
	ck_assert_int_eq(kind_count(b, NUMBERING__KIND_CHANGE), 1);
	ck_assert_int_eq(listed(b, NUMBERING__KIND_CHANGE), 1);
	ck_assert_int_eq(every(b), 2);
	struct numbering__memory_stats st;
	ck_assert_int_eq(b->control(b, NUMBERING__MEMORY_CONTROL_STATS, &st), NUMBERING_OK);
	ck_assert_uint_eq(st.records, 2);
	/* Several commits in a row (each copy published in turn): each sees them all. */
	for (int64_t i = 2; i <= 5; i++) {
		char name[8];
		snprintf(name, sizeof(name), "c%d", (int)i);
		ck_assert_int_eq(b->begin(b), NUMBERING_OK);
		put_ok(b, change_rec(name, &sequences[i]));
		ck_assert_int_eq(found_kind(b, NUMBERING__KIND_CHANGE, name), 1); /* its own write */
		ck_assert_int_eq(b->commit(b), NUMBERING_OK);
		ck_assert_int_eq(found_kind(b, NUMBERING__KIND_CHANGE, name), 1);
		ck_assert_int_eq(kind_count(b, NUMBERING__KIND_CHANGE), i);
	}
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_int_eq(b->remove(b, NUMBERING__KIND_CHANGE, "c1"), NUMBERING_OK);
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	ck_assert_int_eq(found_kind(b, NUMBERING__KIND_CHANGE, "c1"), 0);
	/* Rolled back with the copies' writes. */
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	put_ok(b, change_rec("c9", &sequences[9]));
	ck_assert_int_eq(b->remove(b, NUMBERING__KIND_CHANGE, "c2"), NUMBERING_OK);
	put_ok(b, rec("z", 0, 0, NULL, 0));
	ck_assert_int_eq(b->rollback(b), NUMBERING_OK);
	ck_assert_int_eq(found_kind(b, NUMBERING__KIND_CHANGE, "c9"), 0);
	ck_assert_int_eq(found_kind(b, NUMBERING__KIND_CHANGE, "c2"), 1);
	ck_assert_int_eq(found_kind(b, 4, "z"), 0);
	ck_assert_int_eq(listed(b, NUMBERING__KIND_CHANGE), 4);
	/* A journal record holding numbers is refused, naming the field. */
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	numbering_record bad = change_rec("c10", &sequences[10]);
	bad.digits = 7;
	bad.first = bad.last = NUMBER;
	ck_assert_int_eq(b->put(b, &bad), NUMBERING_INVALID_ARGUMENT);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "digits 7"));
	ck_assert_int_eq(b->rollback(b), NUMBERING_OK);
	int rc = b->control(b, NUMBERING__MEMORY_CONTROL_CHECK, NULL);
	ck_assert_msg(rc == NUMBERING_OK, "check: %s", numbering_error_message());
	/* Back to one copy: the journal with it. */
	ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_SNAPSHOTS, &off), NUMBERING_OK);
	ck_assert_int_eq(kind_count(b, NUMBERING__KIND_CHANGE), 4);
	ck_assert_int_eq(found_kind(b, NUMBERING__KIND_CHANGE, "c5"), 1);
	ck_assert_int_eq(found_kind(b, 4, "a"), 1);
	ck_assert_int_eq(every(b), 5);
	rc = b->control(b, NUMBERING__MEMORY_CONTROL_CHECK, NULL);
	ck_assert_msg(rc == NUMBERING_OK, "check: %s", numbering_error_message());
	b->free(b);
}
END_TEST

struct store_run {
	numbering_store *store;
	atomic_int stop;
	atomic_int failures;
	atomic_long reads;
	char failure[256];
};

static void *store_reader(void *arg)
{
	struct store_run *r = arg;
	numbering_resolution *res = NULL;
	if (numbering_resolution_new(&res) != NUMBERING_OK) {
		atomic_fetch_add(&r->failures, 1);
		return NULL;
	}
	unsigned k = 0;
	while (!atomic_load(&r->stop)) {
		char number[24];
		snprintf(number, sizeof(number), "+6139000%02u", k++ % 100);
		int rc = numbering_store_resolve(res, r->store, NULL, number, NULL);
		numbering_instance *got = NULL;
		if (rc == NUMBERING_OK)
			rc = numbering_store_get(&got, r->store, NULL, "projects/p/phoneNumberInstances/range");
		numbering_instance_free(got);
		if (rc != NUMBERING_OK && atomic_fetch_add(&r->failures, 1) == 0)
			snprintf(r->failure, sizeof(r->failure), "%s: %s", number, numbering_error_message());
		atomic_fetch_add(&r->reads, 1);
	}
	numbering_resolution_free(res);
	return NULL;
}

/* Through the store: a range split again and again under readers, each of its numbers
 * always resolved (a split moves numbers from one instance to another). */
static void split_under_readers(numbering_backend *backend)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.backend = backend;
	options.snapshot_reads = 1;
	struct store_run r = {.store = NULL};
	int rc = numbering_store_open(&r.store, &options);
	ck_assert_msg(rc == NUMBERING_OK, "open: %s", numbering_error_message());
	numbering_instance *req = NULL, *made = NULL;
	ck_assert_int_eq(numbering_instance_new(&req), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_phone_number(req, "+613900000"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_range_size(req, 100), NUMBERING_OK);
	rc = numbering_store_create(&made, r.store, NULL, "projects/p", req, "range", NULL, NULL);
	ck_assert_msg(rc == NUMBERING_OK, "create: %s", numbering_error_message());
	numbering_instance_free(made);
	numbering_instance_free(req);
	pthread_t readers[2];
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_create(&readers[i], NULL, store_reader, &r), 0);
	for (int size = 99; size >= 1; size--) {
		/* Each split with reads beside it. */
		long seen = atomic_load(&r.reads);
		while (atomic_load(&r.reads) < seen + 20 && atomic_load(&r.failures) == 0)
			sched_yield();
		numbering_instance *first = NULL, *second = NULL;
		rc = numbering_store_split_range(&first, &second, r.store, NULL, "projects/p/phoneNumberInstances/range",
		                                 size);
		ck_assert_msg(rc == NUMBERING_OK, "split at %d: %s", size, numbering_error_message());
		numbering_instance_free(first);
		numbering_instance_free(second);
	}
	atomic_store(&r.stop, 1);
	for (int i = 0; i < 2; i++)
		pthread_join(readers[i], NULL);
	ck_assert_msg(atomic_load(&r.failures) == 0, "%d failed reads, the first %s", atomic_load(&r.failures), r.failure);
	ck_assert_int_gt(atomic_load(&r.reads), 0);
	numbering_store_close(r.store);
}

START_TEST(store_split_memory)
{
	split_under_readers(NULL);
}
END_TEST

START_TEST(store_split_file)
{
	char dir[256], path[300];
	ck_assert_msg(temp_dir_make(dir, sizeof(dir), "snapshot") == 0, "%s: %s", temp_dir_base(), strerror(errno));
	snprintf(path, sizeof(path), "%s/store.db", dir);
	numbering_backend *backend = NULL;
	ck_assert_int_eq(numbering_file_backend_new(&backend, path, NULL), NUMBERING_OK);
	split_under_readers(backend);
	temp_dir_remove(dir); /* the store, its lock file */
}
END_TEST

START_TEST(option_checked)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	ck_assert_int_eq(options.snapshot_reads, 0);
	options.snapshot_reads = 2;
	numbering_store *store = NULL;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_INVALID_ARGUMENT);
	ck_assert_ptr_null(store);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "snapshot_reads 2"));
	ck_assert_int_eq(numbering_options_init(&options, NUMBERING_OPTIONS_VERSION), NUMBERING_OK);
	ck_assert_int_eq(options.snapshot_reads, 0);
}
END_TEST

/* The failing allocator: fails the fail_at-th allocation only (0: none). */
static struct {
	long count, fail_at, fired;
	int paused;
} failer;

static int should_fail(void)
{
	if (failer.paused || failer.fail_at == 0 || ++failer.count != failer.fail_at)
		return 0;
	failer.fired++;
	return 1;
}

static void *fail_malloc(size_t size, void *payload)
{
	(void)payload;
	return should_fail() ? NULL : malloc(size);
}

static void *fail_realloc(void *ptr, size_t size, void *payload)
{
	(void)payload;
	return should_fail() ? NULL : realloc(ptr, size);
}

static void fail_free(void *ptr, void *payload)
{
	(void)payload;
	free(ptr);
}

static int body_visit(const numbering_record *r, void *payload)
{
	unsigned long *out = payload;
	if (r->body_len == sizeof(*out))
		memcpy(out, r->body, sizeof(*out));
	return 0;
}

/* Whatever allocation fails (taking the second copy, the redo list, the replay onto
 * the other copy), the copies end up level with exactly the acknowledged commits. */
START_TEST(allocation_failures)
{
	numbering_allocator allocator = {NUMBERING_ALLOCATOR_VERSION, fail_malloc, fail_realloc, fail_free, NULL};
	for (long n = 1; n < 5000; n++) {
		memset(&failer, 0, sizeof(failer));
		failer.fail_at = n;
		ck_assert_int_eq(numbering_set_allocator(&allocator), NUMBERING_OK);
		numbering_backend *b = NULL;
		if (numbering_memory_backend_new(&b) != NUMBERING_OK) {
			numbering_set_allocator(NULL);
			continue;
		}
		unsigned long committed = 0;
		unsigned mask = 0; /* bit i: the commit of transaction i was acknowledged */
		static const char *const names[7] = {"", "r1", "r2", "r3", "r4", "r5", "r6"};
		int on = 1, snapshots = 0;
		if (b->control(b, NUMBERING__CONTROL_SNAPSHOTS, &on) == NUMBERING_OK)
			snapshots = 1;
		for (unsigned long i = 1; i <= 6; i++) {
			if (b->begin(b) != NUMBERING_OK)
				continue; /* the replay of the last commit failed: kept for the next begin */
			numbering_record x = rec("x", NUMBERING_RECORD_NUMBERS, NUMBER + (i % 2), &i, sizeof(i));
			numbering_record pad = rec(names[i], 0, 0, &i, sizeof(i)); /* one record per transaction */
			int64_t sequence = (int64_t)i;
			numbering_record journal = change_rec(names[i], &sequence); /* kept once, beside the copies */
			if (b->put(b, &pad) != NUMBERING_OK || b->put(b, &journal) != NUMBERING_OK || b->put(b, &x) != NUMBERING_OK) {
				ck_assert_int_eq(b->rollback(b), NUMBERING_OK);
				continue;
			}
			if (b->commit(b) == NUMBERING_OK) {
				committed = i;
				mask |= 1u << i;
			}
		}
		failer.paused = 1;
		/* Twice, so that each copy is published once: both hold the last commit. */
		for (int k = 0; k < 2; k++) {
			ck_assert_int_eq(b->begin(b), NUMBERING_OK);
			numbering_record y = rec(k ? "y1" : "y0", 0, 0, NULL, 0);
			ck_assert_int_eq(b->put(b, &y), NUMBERING_OK);
			ck_assert_int_eq(b->commit(b), NUMBERING_OK);
			unsigned long got = 0;
			int rc = b->get(b, 4, "x", body_visit, &got);
			ck_assert_int_eq(rc, committed ? NUMBERING_OK : NUMBERING_NOT_FOUND);
			ck_assert_msg(got == committed, "failing allocation %ld (snapshots %d): copy %d holds x = %lu, not %lu", n,
			              snapshots, k, got, committed);
			for (int t = 1; t <= 6; t++) {
				got = 0;
				rc = b->get(b, 4, names[t], body_visit, &got);
				ck_assert_msg(rc == ((mask >> t) & 1 ? NUMBERING_OK : NUMBERING_NOT_FOUND),
				              "failing allocation %ld (snapshots %d): copy %d %s %s", n, snapshots, k,
				              (mask >> t) & 1 ? "lacks" : "holds", names[t]);
				ck_assert_msg(found_kind(b, NUMBERING__KIND_CHANGE, names[t]) == (int)((mask >> t) & 1),
				              "failing allocation %ld (snapshots %d): the journal %s %s", n, snapshots,
				              (mask >> t) & 1 ? "lacks" : "holds", names[t]);
			}
			rc = b->control(b, NUMBERING__MEMORY_CONTROL_CHECK, NULL);
			ck_assert_msg(rc == NUMBERING_OK, "check: %s", numbering_error_message());
		}
		b->free(b);
		numbering_set_allocator(NULL);
		if (failer.fired == 0)
			return; /* the whole scenario ran without reaching the n-th allocation */
	}
	ck_abort_msg("more allocations than the loop allows");
}
END_TEST

static int byte_visit(const numbering_record *r, void *payload)
{
	if (r->body_len > 0)
		*(char *)payload = *(const char *)r->body;
	return 0;
}

/* A hold (NUMBERING__CONTROL_SNAPSHOT_HOLD) keeps a thread's reads on the copy it
 * read when it took it: a commit in between is not seen until it lets go. */
START_TEST(hold_reads_one_commit)
{
	numbering_backend *b = snapshot_backend();
	int on = 1, off = 0;
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	put_ok(b, rec("h", 0, 0, "1", 1));
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_SNAPSHOT_HOLD, &on), NUMBERING_OK);
	ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_SNAPSHOT_HOLD, &on), NUMBERING_FAILED_PRECONDITION);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "already held"));
	char body = 0;
	ck_assert_int_eq(b->get(b, 4, "h", byte_visit, &body), NUMBERING_OK);
	ck_assert_int_eq(body, '1');
	/* A commit beside the hold (its begin levels the copy not held). */
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	put_ok(b, rec("h", 0, 0, "2", 1));
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	body = 0;
	ck_assert_int_eq(b->get(b, 4, "h", byte_visit, &body), NUMBERING_OK);
	ck_assert_int_eq(body, '1'); /* still the held copy */
	ck_assert_int_eq(found(b, "h"), 1);
	ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_SNAPSHOT_HOLD, &off), NUMBERING_OK);
	body = 0;
	ck_assert_int_eq(b->get(b, 4, "h", byte_visit, &body), NUMBERING_OK);
	ck_assert_int_eq(body, '2');
	ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_SNAPSHOT_HOLD, &off), NUMBERING_FAILED_PRECONDITION);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "no snapshot held"));
	ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_SNAPSHOT_HOLD, NULL), NUMBERING_INVALID_ARGUMENT);
	/* Let go, the writer's next begin does not wait for it. */
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	put_ok(b, rec("h", 0, 0, "3", 1));
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	b->free(b);
	/* One copy: nothing to hold (the store's read lock holds the records). */
	ck_assert_int_eq(numbering_memory_backend_new(&b), NUMBERING_OK);
	ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_SNAPSHOT_HOLD, &on), NUMBERING_OK);
	ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_SNAPSHOT_HOLD, &off), NUMBERING_OK);
	b->free(b);
}
END_TEST

/* Phone routing reads three records (the instance, its PHONE record, the account's
 * callback configuration): with snapshot reads it waits for no writer, and reads all
 * of them from one commit. */
#define ROUTED "projects/p/phoneNumberInstances/routed"

struct routing_run {
	numbering_store *store;
	atomic_int stop, done, failures;
	atomic_long reads;
	int64_t app, rule;
	char failure[256];
};

static void routing_failed(struct routing_run *r, const char *what, int rc)
{
	if (atomic_fetch_add(&r->failures, 1) == 0)
		snprintf(r->failure, sizeof(r->failure), "%s: %d %s", what, rc, numbering_error_message());
}

/* One routing look-up, phone id and get by phone id: what the store holds committed. */
static void *route_once(void *arg)
{
	struct routing_run *r = arg;
	int64_t phone_id = 0;
	numbering_instance *got = NULL;
	int rc = numbering_store_phone_routing(&r->app, &r->rule, NULL, NULL, r->store, NULL, ROUTED);
	if (rc != NUMBERING_OK)
		routing_failed(r, "routing", rc);
	if ((rc = numbering_store_phone_id(&phone_id, r->store, NULL, "projects/p", "+61390000")) != NUMBERING_OK)
		routing_failed(r, "phone id", rc);
	else if ((rc = numbering_store_get_by_phone_id(&got, r->store, NULL, "projects/p", phone_id)) != NUMBERING_OK)
		routing_failed(r, "get by phone id", rc);
	numbering_instance_free(got);
	atomic_store(&r->done, 1);
	return NULL;
}

/* Routes in a loop: the number and its PHONE record come and go together, so it is
 * either not found or routed to application 7. */
static void *route_loop(void *arg)
{
	struct routing_run *r = arg;
	while (!atomic_load(&r->stop)) {
		int64_t app = -1, rule = -1;
		int rc = numbering_store_phone_routing(&app, &rule, NULL, NULL, r->store, NULL, ROUTED);
		if (rc == NUMBERING_NOT_FOUND)
			numbering_error_clear();
		else if (rc != NUMBERING_OK || app != 7 || rule != 8) {
			char what[64];
			snprintf(what, sizeof(what), "routed to %lld, rule %lld", (long long)app, (long long)rule);
			routing_failed(r, what, rc);
		}
		atomic_fetch_add(&r->reads, 1);
	}
	return NULL;
}

/* In one write transaction of @store: the PHONE record of @in bound to @app, @rule. */
static int bind_locked(numbering_store *store, const numbering_instance *in, int64_t app, int64_t rule)
{
	struct numbering__phone p;
	memset(&p, 0, sizeof(p));
	numbering__phone_clear(&p);
	p.application_id = app;
	p.rule_id = rule;
	return numbering__phone_put(store, &p, in);
}

static void routing_under_writer(numbering_backend *backend)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.backend = backend;
	options.snapshot_reads = 1;
	struct routing_run r = {.store = NULL};
	int rc = numbering_store_open(&r.store, &options);
	ck_assert_msg(rc == NUMBERING_OK, "open: %s", numbering_error_message());
	ck_assert(r.store->lock.snapshots);
	numbering_instance *req = NULL, *made = NULL;
	ck_assert_int_eq(numbering_instance_new(&req), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_phone_number(req, "+61390000"), NUMBERING_OK);
	rc = numbering_store_create(&made, r.store, NULL, "projects/p", req, "routed", NULL, NULL);
	ck_assert_msg(rc == NUMBERING_OK, "create: %s", numbering_error_message());
	numbering_instance_free(req);
	numbering__rwlock_wrlock(&r.store->lock);
	ck_assert_int_eq(numbering__begin(r.store), NUMBERING_OK);
	ck_assert_int_eq(bind_locked(r.store, made, 7, 8), NUMBERING_OK);
	ck_assert_int_eq(numbering__commit(r.store), NUMBERING_OK);
	/* A writer inside its transaction, its change not committed: the look-ups answer
	 * from the last commit, without waiting for it. */
	ck_assert_int_eq(numbering__begin(r.store), NUMBERING_OK);
	ck_assert_int_eq(bind_locked(r.store, made, 9, 10), NUMBERING_OK);
	pthread_t reader;
	ck_assert_int_eq(pthread_create(&reader, NULL, route_once, &r), 0);
	for (int i = 0; i < 1000 && !atomic_load(&r.done); i++)
		usleep(10000);
	int waited = !atomic_load(&r.done);
	ck_assert_int_eq(numbering__commit(r.store), NUMBERING_OK);
	numbering__rwlock_wrunlock(&r.store->lock);
	pthread_join(reader, NULL);
	ck_assert_msg(!waited, "phone routing waited for the writer");
	ck_assert_msg(atomic_load(&r.failures) == 0, "%s", r.failure);
	ck_assert(r.app == 7 && r.rule == 8);
	route_once(&r);
	ck_assert(r.app == 9 && r.rule == 10);
	/* The number and its PHONE record removed and put back together, under readers. */
	numbering__rwlock_wrlock(&r.store->lock);
	ck_assert_int_eq(numbering__begin(r.store), NUMBERING_OK);
	ck_assert_int_eq(bind_locked(r.store, made, 7, 8), NUMBERING_OK);
	ck_assert_int_eq(numbering__commit(r.store), NUMBERING_OK);
	numbering__rwlock_wrunlock(&r.store->lock);
	pthread_t readers[2];
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_create(&readers[i], NULL, route_loop, &r), 0);
	for (int round = 0; round < 400 && atomic_load(&r.failures) == 0; round++) {
		long seen = atomic_load(&r.reads);
		while (atomic_load(&r.reads) < seen + 2)
			sched_yield();
		numbering__rwlock_wrlock(&r.store->lock);
		ck_assert_int_eq(numbering__begin(r.store), NUMBERING_OK);
		if (round % 2 == 0) {
			rc = numbering__backend_remove_record(r.store, NUMBERING__KIND_INSTANCE, ROUTED);
			if (rc == NUMBERING_OK)
				rc = numbering__phone_remove(r.store, ROUTED);
		} else if ((rc = numbering__backend_put(r.store, made)) == NUMBERING_OK) {
			rc = bind_locked(r.store, made, 7, 8);
		}
		ck_assert_msg(rc == NUMBERING_OK, "round %d: %s", round, numbering_error_message());
		ck_assert_int_eq(numbering__commit(r.store), NUMBERING_OK);
		numbering__rwlock_wrunlock(&r.store->lock);
	}
	atomic_store(&r.stop, 1);
	for (int i = 0; i < 2; i++)
		pthread_join(readers[i], NULL);
	ck_assert_msg(atomic_load(&r.failures) == 0, "%d failed routings, the first %s", atomic_load(&r.failures),
	              r.failure);
	numbering_instance_free(made);
	numbering_store_close(r.store);
}

START_TEST(phone_routing_memory)
{
	routing_under_writer(NULL);
}
END_TEST

START_TEST(phone_routing_file)
{
	char dir[256], path[300];
	ck_assert_msg(temp_dir_make(dir, sizeof(dir), "snapshot") == 0, "%s: %s", temp_dir_base(), strerror(errno));
	snprintf(path, sizeof(path), "%s/store.db", dir);
	numbering_backend *backend = NULL;
	ck_assert_int_eq(numbering_file_backend_new(&backend, path, NULL), NUMBERING_OK);
	routing_under_writer(backend);
	temp_dir_remove(dir); /* the store, its lock file */
}
END_TEST

Suite *snapshot_suite(void)
{
	Suite *s = suite_create("snapshot");
	TCase *tc = tcase_create("snapshot");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, backend_transactions_whole);
	tcase_add_test(tc, store_split_memory);
	tcase_add_test(tc, store_split_file);
	tcase_add_test(tc, option_checked);
	tcase_add_test(tc, allocation_failures);
	tcase_add_test(tc, writers_read_their_own);
	tcase_add_test(tc, journal_kept_once);
	tcase_add_test(tc, hold_reads_one_commit);
	tcase_add_test(tc, phone_routing_memory);
	tcase_add_test(tc, phone_routing_file);
	suite_add_tcase(s, tc);
	return s;
}
