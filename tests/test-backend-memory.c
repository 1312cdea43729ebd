/*
 * The memory backend's own parts: its constructor and controls, the bytes it accounts
 * for (BYTES, STATS) and its ordered index and hash tables. The record-store contract
 * is the kit's (kit_memory, tests/test-backend-kit.c) and the memory store's queries,
 * rollbacks, allocation failures and large records are memory_records'
 * (tests/test-memory-records.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <numbering/numbering.h>
#include <numbering/sys/backend.h>

#include "../backends/memory/hash.h"
#include "../backends/memory/memory.h"
#include "../backends/memory/ordered.h"
#include "suites.h"

static numbering_backend *make_memory(void)
{
	numbering_backend *b = NULL;
	ck_assert_int_eq(numbering_memory_backend_new(&b), NUMBERING_OK);
	ck_assert_ptr_nonnull(b);
	return b;
}

static int check_memory(numbering_backend *b)
{
	return b->control(b, NUMBERING__MEMORY_CONTROL_CHECK, NULL);
}

/* A pseudo-random number below @n, from rand(). */
static uint64_t rand_u64(uint64_t n)
{
	return (((uint64_t)rand() << 31) ^ (uint64_t)rand()) % n;
}

static int64_t count_of(numbering_backend *b, int kind)
{
	numbering_backend_count count = {kind, -1};
	ck_assert_int_eq(b->control(b, NUMBERING_BACKEND_CONTROL_COUNT, &count), NUMBERING_OK);
	return count.count;
}

START_TEST(memory_new_arguments)
{
	ck_assert_int_eq(numbering_memory_backend_new(NULL), NUMBERING_INVALID_ARGUMENT);
	numbering_backend *b = make_memory();
	ck_assert_uint_eq(b->version, NUMBERING_BACKEND_VERSION);
	ck_assert_int_eq(b->control(b, NUMBERING__MEMORY_CONTROL_BYTES, NULL), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(b->control(b, NUMBERING__MEMORY_CONTROL_STATS, NULL), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(b->control(b, NUMBERING_BACKEND_CONTROL_COUNT, NULL), NUMBERING_INVALID_ARGUMENT);
	/* COUNT names the kind it cannot count. */
	numbering_backend_count bad = {0, -1};
	ck_assert_int_eq(b->control(b, NUMBERING_BACKEND_CONTROL_COUNT, &bad), NUMBERING_INVALID_ARGUMENT);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "kind"));
	bad.kind = NUMBERING_RECORD_KIND_MAX + 1;
	ck_assert_int_eq(b->control(b, NUMBERING_BACKEND_CONTROL_COUNT, &bad), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(count_of(b, 1), 0);
	ck_assert_int_eq(count_of(b, NUMBERING_RECORD_KIND_MAX), 0);
	b->free(b);
}
END_TEST

/* What the backend says it holds: STATS adds up, a small record costs little, COUNT
 * follows puts, replaces and removes per kind, and emptied trees give memory back. */
START_TEST(memory_accounting)
{
	numbering_backend *b = make_memory();
	size_t empty = 0, full = 0, after = 0;
	ck_assert_int_eq(b->control(b, NUMBERING__MEMORY_CONTROL_BYTES, &empty), NUMBERING_OK);
	ck_assert_uint_gt(empty, 0);
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	for (int i = 0; i < 20000; i++) {
		char name[64];
		snprintf(name, sizeof(name), "projects/p1/phoneNumberInstances/n%07d", i);
		uint64_t number = 12025000000 + (uint64_t)i * 7;
		unsigned char body[24] = {(unsigned char)i};
		numbering_record r = {NUMBERING_RECORD_VERSION, 3, NUMBERING_RECORD_LISTED | NUMBERING_RECORD_NUMBERS,
		                      name, "projects/p1", 1000 + i, 11, number, number, 0, {NULL, NULL, NULL, NULL},
		                      body, sizeof(body)};
		ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
	}
	/* Another kind, and a replace: counted once. */
	numbering_record meta = {NUMBERING_RECORD_VERSION, 1, 0, "token-key", "", 0, 0, 0, 0, 0,
	                         {NULL, NULL, NULL, NULL}, "0123456789abcdef", 16};
	ck_assert_int_eq(b->put(b, &meta), NUMBERING_OK);
	ck_assert_int_eq(b->put(b, &meta), NUMBERING_OK);
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	ck_assert_int_eq(count_of(b, 3), 20000);
	ck_assert_int_eq(count_of(b, 1), 1);
	ck_assert_int_eq(count_of(b, 2), 0);
	struct numbering__memory_stats s;
	ck_assert_int_eq(b->control(b, NUMBERING__MEMORY_CONTROL_STATS, &s), NUMBERING_OK);
	ck_assert_uint_eq(s.records, 20001);
	ck_assert_uint_eq(s.bytes, s.record_bytes + s.tree_bytes + s.hash_bytes + s.other_bytes);
	ck_assert_uint_le(s.record_used, s.record_bytes);
	ck_assert_int_eq(b->control(b, NUMBERING__MEMORY_CONTROL_BYTES, &full), NUMBERING_OK);
	ck_assert_uint_eq(full, s.bytes);
	/* A single number with a 45-byte name, a parent and a 24-byte body: under 200 bytes. */
	ck_assert_uint_lt((full - empty) / 20000, 200);
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	for (int i = 0; i < 20000; i++) {
		char name[64];
		snprintf(name, sizeof(name), "projects/p1/phoneNumberInstances/n%07d", i);
		ck_assert_int_eq(b->remove(b, 3, name), NUMBERING_OK);
	}
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	ck_assert_int_eq(check_memory(b), NUMBERING_OK);
	ck_assert_int_eq(count_of(b, 3), 0);
	ck_assert_int_eq(count_of(b, 1), 1);
	ck_assert_int_eq(b->control(b, NUMBERING__MEMORY_CONTROL_STATS, &s), NUMBERING_OK);
	ck_assert_uint_eq(s.records, 1);
	ck_assert_uint_lt(s.record_used, 200);
	/* Trees rebalanced as they emptied. */
	ck_assert_uint_lt(s.tree_bytes, 40000);
	ck_assert_int_eq(b->control(b, NUMBERING__MEMORY_CONTROL_BYTES, &after), NUMBERING_OK);
	ck_assert_uint_lt(after, full);
	/* A rolled-back transaction counts nothing. */
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_int_eq(b->remove(b, 1, "token-key"), NUMBERING_OK);
	ck_assert_int_eq(count_of(b, 1), 0); /* its own writes */
	ck_assert_int_eq(b->rollback(b), NUMBERING_OK);
	ck_assert_int_eq(count_of(b, 1), 1);
	b->free(b);
}
END_TEST

/* A single number's record named by its number and sorted in number order (an
 * available number: "availableNumbers/+12085550100", sort key 11 * 10^16 + first)
 * stores neither its name's tail nor its sort key, and takes no names hash entry: 24
 * bytes and its body. Every read gives both back as put. */
struct seen {
	char name[64];
	int64_t sort_key;
	int count;
};

static int see(const numbering_record *r, void *payload)
{
	struct seen *s = payload;
	snprintf(s->name, sizeof(s->name), "%s", r->name);
	s->sort_key = r->sort_key;
	s->count++;
	return 0;
}

static void put_singles(numbering_backend *b, int by_number, struct numbering__memory_stats *s)
{
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	for (int i = 0; i < 1000; i++) {
		char name[64];
		uint64_t number = 12085550000 + (uint64_t)i * 3;
		if (by_number)
			snprintf(name, sizeof(name), "availableNumbers/+%llu", (unsigned long long)number);
		else
			snprintf(name, sizeof(name), "availableNumbers/n%llu", (unsigned long long)number);
		unsigned char body[12] = {(unsigned char)i};
		numbering_record r = {NUMBERING_RECORD_VERSION, 4, NUMBERING_RECORD_LISTED | NUMBERING_RECORD_NUMBERS,
		                      name, "US/LOCAL", 11 * INT64_C(10000000000000000) + (int64_t)number, 11, number,
		                      number, 0, {NULL, NULL, NULL, NULL}, body, sizeof(body)};
		ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
	}
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	ck_assert_int_eq(check_memory(b), NUMBERING_OK);
	ck_assert_int_eq(b->control(b, NUMBERING__MEMORY_CONTROL_STATS, s), NUMBERING_OK);
	ck_assert_uint_eq(s->records, 1000);
}

START_TEST(memory_number_named)
{
	numbering_backend *b = make_memory(), *named = make_memory();
	struct numbering__memory_stats s, t;
	put_singles(b, 1, &s);
	put_singles(named, 0, &t);
	ck_assert_uint_eq(s.record_used, 1000 * 40); /* 24 + 12 bytes, in 8-byte units */
	ck_assert_uint_eq(t.record_used, 1000 * 48); /* and the tail "n12085550000" */
	ck_assert_uint_le(s.hash_bytes + 1000 * 8, t.hash_bytes);
	/* Read back whole: get, find, list, remove by name. */
	struct seen seen = {{0}, 0, 0};
	ck_assert_int_eq(b->get(b, 4, "availableNumbers/+12085550003", see, &seen), NUMBERING_OK);
	ck_assert_str_eq(seen.name, "availableNumbers/+12085550003");
	ck_assert_int_eq(seen.sort_key, 11 * INT64_C(10000000000000000) + 12085550003);
	ck_assert_int_eq(b->get(b, 4, "availableNumbers/+12085550004", see, &seen), NUMBERING_NOT_FOUND);
	ck_assert_int_eq(b->get(b, 4, "availableNumbers/+012085550003", see, &seen), NUMBERING_NOT_FOUND);
	ck_assert_int_eq(b->get(b, 4, "other/+12085550003", see, &seen), NUMBERING_NOT_FOUND);
	ck_assert_int_eq(b->get(b, 5, "availableNumbers/+12085550003", see, &seen), NUMBERING_NOT_FOUND);
	ck_assert_int_eq(b->find(b, 11, 12085550006, 12085550006, see, &seen), NUMBERING_OK);
	ck_assert_str_eq(seen.name, "availableNumbers/+12085550006");
	numbering_record_query q;
	memset(&q, 0, sizeof(q));
	q.version = NUMBERING_RECORD_VERSION;
	q.kind = 4;
	q.parent = "US/LOCAL";
	q.order = NUMBERING_RECORD_ORDER_DESCENDING;
	q.limit = 1;
	seen.count = 0;
	ck_assert_int_eq(b->list(b, &q, see, &seen), NUMBERING_OK);
	ck_assert_int_eq(seen.count, 1);
	ck_assert_str_eq(seen.name, "availableNumbers/+12085552997");
	ck_assert_int_eq(seen.sort_key, 11 * INT64_C(10000000000000000) + 12085552997);
	/* Renamed to a name that is not its number, and back, and removed: in a
	 * transaction and rolled back, then for good. */
	for (int commit = 0; commit < 2; commit++) {
		ck_assert_int_eq(b->begin(b), NUMBERING_OK);
		ck_assert_int_eq(b->remove(b, 4, "availableNumbers/+12085550003"), NUMBERING_OK);
		ck_assert_int_eq(b->remove(b, 4, "availableNumbers/+12085550003"), NUMBERING_NOT_FOUND);
		unsigned char body[12] = {0};
		numbering_record r = {NUMBERING_RECORD_VERSION, 4, NUMBERING_RECORD_NUMBERS, "availableNumbers/x",
		                      "US/LOCAL", 5, 11, 12085550003, 12085550003, 0, {NULL, NULL, NULL, NULL}, body,
		                      sizeof(body)};
		ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
		ck_assert_int_eq(b->find(b, 11, 12085550003, 12085550003, see, &seen), NUMBERING_OK);
		ck_assert_str_eq(seen.name, "availableNumbers/x");
		r.name = "availableNumbers/+12085550006"; /* a name that is another's number: kept by name */
		r.first = r.last = 12085550007;
		ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
		ck_assert_int_eq(b->get(b, 4, "availableNumbers/+12085550006", see, &seen), NUMBERING_OK);
		ck_assert_int_eq(seen.sort_key, 5);
		ck_assert_int_eq(b->find(b, 11, 12085550006, 12085550006, see, &seen), NUMBERING_NOT_FOUND);
		ck_assert_int_eq(b->find(b, 11, 12085550007, 12085550007, see, &seen), NUMBERING_OK);
		ck_assert_str_eq(seen.name, "availableNumbers/+12085550006");
		ck_assert_int_eq(commit ? b->commit(b) : b->rollback(b), NUMBERING_OK);
		ck_assert_int_eq(check_memory(b), NUMBERING_OK);
	}
	ck_assert_int_eq(count_of(b, 4), 1000);
	ck_assert_int_eq(b->get(b, 4, "availableNumbers/+12085550003", see, &seen), NUMBERING_NOT_FOUND);
	b->free(b);
	named->free(named);
}
END_TEST

/* The ordered index against a sorted array, with duplicate keys. */

struct pair {
	uint64_t key;
	uint32_t value;
};

static int pair_cmp(const void *x, const void *y)
{
	const struct pair *a = x, *b = y;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->value < b->value ? -1 : a->value > b->value ? 1 : 0;
}

/* Index of the first reference pair >= p (n if none). */
static size_t ref_lower(const struct pair *ref, size_t n, struct pair p)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (pair_cmp(&ref[mid], &p) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void ordered_compare(const struct numbering__ordered *tree, const struct pair *ref, size_t n)
{
	ck_assert_int_eq(numbering__ordered_check(tree), 0);
	ck_assert_uint_eq(tree->count, n);
	struct numbering__ordered_cursor c;
	size_t i = 0;
	for (int ok = numbering__ordered_first(&c, tree); ok; ok = numbering__ordered_next(&c), i++) {
		ck_assert_uint_lt(i, n);
		ck_assert_uint_eq(numbering__ordered_key(&c), ref[i].key);
		ck_assert_uint_eq(numbering__ordered_value(&c), ref[i].value);
	}
	ck_assert_uint_eq(i, n);
	for (int ok = numbering__ordered_last(&c, tree); ok; ok = numbering__ordered_prev(&c)) {
		ck_assert_uint_gt(i, 0);
		i--;
		ck_assert_uint_eq(numbering__ordered_key(&c), ref[i].key);
	}
	ck_assert_uint_eq(i, 0);
	for (int q = 0; q < 50; q++) {
		struct pair p = {rand_u64(2000), (uint32_t)rand_u64(4)};
		size_t lo = ref_lower(ref, n, p);
		int ok = numbering__ordered_seek_ge(&c, tree, p.key, p.value);
		ck_assert_int_eq(ok, lo < n);
		if (ok) {
			ck_assert_uint_eq(numbering__ordered_key(&c), ref[lo].key);
			ck_assert_uint_eq(numbering__ordered_value(&c), ref[lo].value);
			/* Walking on from a seek. */
			if (numbering__ordered_next(&c))
				ck_assert_uint_eq(numbering__ordered_value(&c), ref[lo + 1].value);
			else
				ck_assert_uint_eq(lo + 1, n);
		}
		/* The last pair <= p. */
		size_t le = lo < n && pair_cmp(&ref[lo], &p) == 0 ? lo + 1 : lo;
		ok = numbering__ordered_seek_le(&c, tree, p.key, p.value);
		ck_assert_int_eq(ok, le > 0);
		if (ok) {
			ck_assert_uint_eq(numbering__ordered_key(&c), ref[le - 1].key);
			ck_assert_uint_eq(numbering__ordered_value(&c), ref[le - 1].value);
			if (numbering__ordered_prev(&c))
				ck_assert_uint_eq(numbering__ordered_value(&c), ref[le - 2].value);
			else
				ck_assert_uint_eq(le, 1);
		}
	}
}

START_TEST(ordered_random)
{
	srand(11);
	struct numbering__ordered_pool pool;
	numbering__ordered_pool_init(&pool);
	struct numbering__ordered tree = {NULL, 0, 0};
	static struct pair ref[20000];
	size_t n = 0;
	/* Phases that grow and shrink the tree, with ascending, descending and random keys. */
	for (int phase = 0; phase < 12; phase++) {
		int grow = phase % 3 != 2, pattern = phase % 4;
		int steps = 1500 + rand() % 3000;
		for (int s = 0; s < steps; s++) {
			if ((grow && rand() % 4 != 0) || n == 0) {
				struct pair p;
				if (pattern == 0)
					p.key = n ? ref[n - 1].key + rand_u64(2) : 0;
				else if (pattern == 1)
					p.key = n ? (ref[0].key ? ref[0].key - 1 : 0) : 2000;
				else
					p.key = rand_u64(2000);
				p.value = (uint32_t)rand_u64(4);
				size_t at = ref_lower(ref, n, p);
				if ((at < n && pair_cmp(&ref[at], &p) == 0) || n == sizeof(ref) / sizeof(ref[0]))
					continue;
				ck_assert_int_eq(numbering__ordered_add(&pool, &tree, p.key, p.value), NUMBERING_OK);
				memmove(ref + at + 1, ref + at, (n - at) * sizeof(*ref));
				ref[at] = p;
				n++;
			} else {
				size_t at = (size_t)rand_u64(n);
				ck_assert_int_eq(numbering__ordered_remove(&tree, ref[at].key, ref[at].value), 1);
				ck_assert_int_eq(numbering__ordered_remove(&tree, ref[at].key, ref[at].value), 0);
				if (rand() % 3)
					numbering__ordered_fix(&pool, &tree, ref[at].key, ref[at].value);
				memmove(ref + at, ref + at + 1, (n - at - 1) * sizeof(*ref));
				n--;
			}
			if (s % 500 == 0)
				ordered_compare(&tree, ref, n);
		}
		ordered_compare(&tree, ref, n);
	}
	/* Empty it completely with fixes: it shrinks back to a root leaf. */
	while (n > 0) {
		size_t at = (size_t)rand_u64(n);
		ck_assert_int_eq(numbering__ordered_remove(&tree, ref[at].key, ref[at].value), 1);
		numbering__ordered_fix(&pool, &tree, ref[at].key, ref[at].value);
		memmove(ref + at, ref + at + 1, (n - at - 1) * sizeof(*ref));
		n--;
	}
	ordered_compare(&tree, ref, 0);
	ck_assert_uint_eq(tree.height, 1);
	numbering__ordered_destroy(&pool, &tree);
	numbering__ordered_pool_drain(&pool);
	ck_assert_uint_eq(pool.bytes, 0);
}
END_TEST

/* A pair moved up in place (a block's record whose first numbers were taken): only
 * within its gap, below the next pair of its leaf; never down; undone by a remove and
 * an insert without a node from the pool. */
START_TEST(ordered_rekey_moves_a_pair_up_in_place)
{
	srand(12);
	struct numbering__ordered_pool pool;
	numbering__ordered_pool_init(&pool);
	struct numbering__ordered tree = {NULL, 0, 0};
	static struct pair ref[5000];
	size_t n = sizeof(ref) / sizeof(ref[0]);
	for (size_t i = 0; i < n; i++) {
		ref[i] = (struct pair){(uint64_t)i * 10, (uint32_t)(i % 3)};
		ck_assert_int_eq(numbering__ordered_add(&pool, &tree, ref[i].key, ref[i].value), NUMBERING_OK);
	}
	int in_gap = 0, moved = 0;
	for (int s = 0; s < 20000; s++) {
		size_t at = (size_t)rand_u64(n);
		struct pair was = ref[at], to = {was.key + 1 + rand_u64(12), (uint32_t)rand_u64(4)};
		int fits = at + 1 == n || pair_cmp(&to, &ref[at + 1]) < 0;
		if (rand() % 8 == 0 && was.key > 0) {
			/* Down, or to itself: refused. */
			to.key = was.key - 1;
			ck_assert_int_eq(numbering__ordered_rekey(&tree, was.key, was.value, to.key, to.value), 0);
			ck_assert_int_eq(numbering__ordered_rekey(&tree, was.key, was.value, was.key, was.value), 0);
			continue;
		}
		int done = numbering__ordered_rekey(&tree, was.key, was.value, to.key, to.value);
		ck_assert(!done || fits);
		in_gap += fits;
		if (done) {
			moved++;
			ref[at] = to;
		}
		if (s % 1000 == 0)
			ordered_compare(&tree, ref, n);
	}
	ordered_compare(&tree, ref, n);
	/* Most moves within a gap are in place: all but a leaf's last pair. */
	ck_assert_int_gt(moved, in_gap * 9 / 10);
	/* Undone: the new pair removed, the old put back, in the same leaf. */
	size_t bytes = pool.bytes;
	uint32_t spares = pool.spare_count;
	for (size_t at = 0; at + 1 < n; at += 7) {
		struct pair was = ref[at], to = {was.key + 1, was.value};
		if (pair_cmp(&to, &ref[at + 1]) >= 0 || !numbering__ordered_rekey(&tree, was.key, was.value, to.key, to.value))
			continue;
		ck_assert_int_eq(numbering__ordered_remove(&tree, to.key, to.value), 1);
		numbering__ordered_insert(&pool, &tree, was.key, was.value);
	}
	ck_assert_uint_eq(pool.bytes, bytes);
	ck_assert_uint_eq(pool.spare_count, spares);
	ordered_compare(&tree, ref, n);
	numbering__ordered_destroy(&pool, &tree);
	numbering__ordered_pool_drain(&pool);
}
END_TEST

/* The undo guarantee: after removes (no fix) and inserts, undoing in reverse order
 * takes no node from the pool. */
START_TEST(ordered_undo_needs_no_memory)
{
	srand(13);
	struct numbering__ordered_pool pool;
	numbering__ordered_pool_init(&pool);
	struct numbering__ordered tree = {NULL, 0, 0};
	for (uint32_t i = 0; i < 5000; i++)
		ck_assert_int_eq(numbering__ordered_add(&pool, &tree, rand_u64(100000), i), NUMBERING_OK);
	for (int round = 0; round < 20; round++) {
		struct {
			int insert;
			struct pair p;
		} log[3000];
		int logged = 0;
		for (int i = 0; i < 3000; i++) {
			struct numbering__ordered_cursor c;
			if (rand() % 2 && numbering__ordered_seek_ge(&c, &tree, rand_u64(100000), 0)) {
				struct pair p = {numbering__ordered_key(&c), numbering__ordered_value(&c)};
				ck_assert_int_eq(numbering__ordered_remove(&tree, p.key, p.value), 1);
				log[logged].insert = 0;
				log[logged++].p = p;
			} else {
				struct pair p = {rand_u64(100000), 100000u + (uint32_t)(round * 3000 + i)};
				ck_assert_int_eq(numbering__ordered_add(&pool, &tree, p.key, p.value), NUMBERING_OK);
				log[logged].insert = 1;
				log[logged++].p = p;
			}
		}
		/* Undo with an empty pool: a split would take a node that is not there. */
		numbering__ordered_pool_drain(&pool);
		for (int i = logged; i-- > 0;) {
			if (log[i].insert) {
				ck_assert_int_eq(numbering__ordered_remove(&tree, log[i].p.key, log[i].p.value), 1);
			} else {
				uint32_t need = 0;
				uint8_t height = tree.height;
				ck_assert_int_eq(numbering__ordered_reserve(&pool, &tree, &need), NUMBERING_OK);
				(void)need;
				ck_assert_uint_eq(pool.spare_count, 0);
				numbering__ordered_insert(&pool, &tree, log[i].p.key, log[i].p.value);
				ck_assert_uint_eq(tree.height, height);
			}
		}
		ck_assert_uint_eq(tree.count, 5000);
		ck_assert_int_eq(numbering__ordered_check(&tree), 0);
		for (int i = 0; i < logged; i++)
			numbering__ordered_fix(&pool, &tree, log[i].p.key, log[i].p.value);
		ck_assert_int_eq(numbering__ordered_check(&tree), 0);
	}
	numbering__ordered_destroy(&pool, &tree);
	numbering__ordered_pool_drain(&pool);
	ck_assert_uint_eq(pool.bytes, 0);
}
END_TEST

/* Many small trees stay small: a root leaf grows from 4 pairs. */
START_TEST(ordered_small_trees)
{
	struct numbering__ordered_pool pool;
	numbering__ordered_pool_init(&pool);
	struct numbering__ordered trees[100];
	memset(trees, 0, sizeof(trees));
	for (int t = 0; t < 100; t++)
		for (int i = 0; i < t % 5; i++)
			ck_assert_int_eq(numbering__ordered_add(&pool, &trees[t], (uint64_t)i, 0), NUMBERING_OK);
	ck_assert_uint_lt(pool.bytes, 100 * 120);
	for (int t = 0; t < 100; t++) {
		ck_assert_int_eq(numbering__ordered_check(&trees[t]), 0);
		numbering__ordered_destroy(&pool, &trees[t]);
	}
	numbering__ordered_pool_drain(&pool);
	ck_assert_uint_eq(pool.bytes, 0);
}
END_TEST

/* The handle hash against a brute-force table, with colliding hashes, inserts where a
 * probe stopped and removes of what a probe found, and growths of every size. */
START_TEST(hash_random)
{
	srand(17);
	struct numbering__mhash table = {NULL, 0, 0};
	static uint32_t hashes[6000];
	static int present[6000];
	size_t bytes = 0;
	memset(present, 0, sizeof(present));
	for (int i = 0; i < 6000; i++)
		hashes[i] = rand() % 4 ? (uint32_t)rand() ^ (uint32_t)rand() << 16 : (uint32_t)(i % 7);
	for (int step = 0; step < 60000; step++) {
		int i = rand() % 6000;
		uint32_t handle = (uint32_t)i + 1;
		if (!present[i]) {
			/* Now and then room for many more: a growth of more than half. */
			uint32_t extra = rand() % 500 == 0 ? (uint32_t)(rand() % 3000) + 1 : 1;
			ck_assert_int_eq(numbering__mhash_reserve(&table, extra, &bytes), NUMBERING_OK);
			if (rand() % 2) {
				numbering__mhash_insert(&table, hashes[i], handle);
			} else {
				/* Where a look-up that found nothing stopped (a put of a new name). */
				struct numbering__mprobe probe;
				numbering__mhash_start(&probe, &table, hashes[i]);
				while (numbering__mhash_next(&probe, &table) != 0)
					;
				numbering__mhash_insert_at(&table, &probe, handle);
			}
			present[i] = 1;
		} else if (rand() % 2) {
			if (rand() % 2) {
				ck_assert_int_eq(numbering__mhash_remove(&table, hashes[i], handle), 1);
			} else {
				/* The entry a look-up found (a remove by name). */
				struct numbering__mprobe probe;
				numbering__mhash_start(&probe, &table, hashes[i]);
				uint32_t h;
				while ((h = numbering__mhash_next(&probe, &table)) != 0 && h != handle)
					;
				ck_assert_uint_eq(h, handle);
				numbering__mhash_remove_found(&table, &probe);
			}
			ck_assert_int_eq(numbering__mhash_remove(&table, hashes[i], handle), 0);
			present[i] = 0;
		}
		if (step % 5000 == 0 || step == 59999) {
			uint32_t count = 0;
			for (int k = 0; k < 6000; k++) {
				struct numbering__mprobe probe;
				numbering__mhash_start(&probe, &table, hashes[k]);
				uint32_t h;
				while ((h = numbering__mhash_next(&probe, &table)) != 0 && h != (uint32_t)k + 1)
					;
				ck_assert_int_eq(h != 0, present[k]);
				count += (uint32_t)present[k];
			}
			ck_assert_uint_eq(table.count, count);
		}
	}
	ck_assert_uint_eq(bytes, table.cap * sizeof(struct numbering__mslot));
	numbering__mhash_destroy(&table, &bytes);
	ck_assert_uint_eq(bytes, 0);
}
END_TEST

Suite *backend_memory_suite(void)
{
	Suite *s = suite_create("backend_memory");
	TCase *tc = tcase_create("memory");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, memory_new_arguments);
	tcase_add_test(tc, memory_accounting);
	tcase_add_test(tc, memory_number_named);
	tcase_add_test(tc, ordered_random);
	tcase_add_test(tc, ordered_rekey_moves_a_pair_up_in_place);
	tcase_add_test(tc, ordered_undo_needs_no_memory);
	tcase_add_test(tc, ordered_small_trees);
	tcase_add_test(tc, hash_random);
	suite_add_tcase(s, tc);
	return s;
}
