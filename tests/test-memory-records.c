/*
 * The memory backend as a record store (backends/memory/records.c, sys/record.h):
 * every index and query field, NUMBERS exclusivity across kinds, rollback of every
 * write, reads inside a transaction, a randomized comparison with a naive model
 * (with the CHECK control after each step), and allocation failure at each point.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <numbering/numbering.h>
#include <numbering/sys/backend.h>
#include <numbering/sys/record.h>

#include "../backends/memory/memory.h"
#include "model/record.h"
#include "suites.h"

/* Records as text: one line per visit, every field, so two walks compare as strings. */
struct text {
	char *s;
	size_t len, cap;
};

static void text_add(struct text *t, const char *s)
{
	size_t n = strlen(s);
	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		t->s = realloc(t->s, t->cap);
		ck_assert_ptr_nonnull(t->s);
	}
	memcpy(t->s + t->len, s, n + 1);
	t->len += n;
}

static void text_free(struct text *t)
{
	free(t->s);
	memset(t, 0, sizeof(*t));
}

static const char *text_get(const struct text *t)
{
	return t->s ? t->s : "";
}

static void record_line(struct text *t, const numbering_record *r)
{
	static char line[24000];
	int n = snprintf(line, sizeof(line), "%d %s|%s f%u s%lld n%d:%llu-%llu e%lld", r->kind, r->name, r->parent,
	                 r->flags, (long long)r->sort_key, r->digits, (unsigned long long)r->first,
	                 (unsigned long long)r->last, (long long)r->expires);
	for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS; i++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, r->keys[i] ? " k=%s" : " k-", r->keys[i] ? r->keys[i] : "");
	n += snprintf(line + n, sizeof(line) - (size_t)n, " b");
	for (size_t i = 0; i < r->body_len && n < (int)sizeof(line) - 4; i++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%02x", ((const unsigned char *)r->body)[i]);
	snprintf(line + n, sizeof(line) - (size_t)n, "\n");
	text_add(t, line);
}

static int collect(const numbering_record *r, void *payload)
{
	ck_assert_uint_eq(r->version, NUMBERING_RECORD_VERSION);
	record_line(payload, r);
	return 0;
}

/* Stops after one visit with 42. */
static int stop_42(const numbering_record *r, void *payload)
{
	(void)r;
	(*(int *)payload)++;
	return 42;
}

/* NUMBERING_RECORD_QUERY_INIT leaves fields to zero-initialization, which
 * -Wmissing-field-initializers reports: the same, field by field. */
static numbering_record_query query_init(void)
{
	numbering_record_query q;
	memset(&q, 0, sizeof(q));
	q.version = NUMBERING_RECORD_QUERY_VERSION;
	return q;
}

static numbering_backend *make(void)
{
	numbering_backend *b = NULL;
	ck_assert_int_eq(numbering_memory_backend_new(&b), NUMBERING_OK);
	ck_assert_uint_eq(b->version, NUMBERING_BACKEND_VERSION);
	return b;
}

static void check(numbering_backend *b)
{
	int rc = b->control(b, NUMBERING__MEMORY_CONTROL_CHECK, NULL);
	ck_assert_msg(rc == NUMBERING_OK, "check: %s", numbering_error_message());
}

static numbering_record rec(int kind, const char *name, const char *parent, unsigned flags, int64_t sort_key,
                            int digits, uint64_t first, uint64_t last)
{
	numbering_record r;
	memset(&r, 0, sizeof(r));
	r.version = NUMBERING_RECORD_VERSION;
	r.kind = kind;
	r.name = name;
	r.parent = parent;
	r.flags = flags;
	r.sort_key = sort_key;
	r.digits = digits;
	r.first = first;
	r.last = last;
	return r;
}

#define LN (NUMBERING_RECORD_LISTED | NUMBERING_RECORD_NUMBERS)

static void put1(numbering_backend *b, numbering_record r)
{
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
}

/* Every record, sorted: the whole state as text. */
static int line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void dump(numbering_backend *b, struct text *out)
{
	struct text t = {0};
	struct numbering__memory_record_foreach f = {collect, &t};
	ck_assert_int_eq(b->control(b, NUMBERING__MEMORY_CONTROL_FOREACH, &f), NUMBERING_OK);
	size_t n = 0;
	char *lines[4096];
	for (char *p = t.s, *end; p && *p; p = end + 1) {
		ck_assert_uint_lt(n, 4096);
		lines[n++] = p;
		end = strchr(p, '\n');
		*end = '\0';
	}
	qsort(lines, n, sizeof(lines[0]), line_cmp);
	for (size_t i = 0; i < n; i++) {
		text_add(out, lines[i]);
		text_add(out, "\n");
	}
	text_free(&t);
}

static void list_text(numbering_backend *b, const numbering_record_query *q, struct text *out, int expect)
{
	ck_assert_int_eq(b->list(b, q, collect, out), expect);
}

static const char *list_str(numbering_backend *b, const numbering_record_query *q)
{
	static struct text t;
	text_free(&t);
	list_text(b, q, &t, NUMBERING_OK);
	return text_get(&t);
}

/* Names only, space-separated, of the records a text lists. */
static const char *names_of(const char *text)
{
	static char out[8192];
	size_t n = 0;
	for (const char *p = text; *p;) {
		const char *sp = strchr(p, ' ') + 1, *bar = strchr(sp, '|');
		if (n > 0)
			out[n++] = ' ';
		memcpy(out + n, sp, (size_t)(bar - sp));
		n += (size_t)(bar - sp);
		p = strchr(p, '\n') + 1;
	}
	out[n] = '\0';
	return out;
}

static const char *list_names(numbering_backend *b, const numbering_record_query *q)
{
	return names_of(list_str(b, q));
}

START_TEST(fields_round_trip)
{
	numbering_backend *b = make();
	numbering_record r = rec(3, "projects/p1/phoneNumberInstances/abc", "projects/p1", LN, -5, 11, 15551230000,
	                         15551230099);
	r.expires = 1234;
	r.keys[0] = "US";
	r.keys[2] = "";
	static const unsigned char body[] = {0, 1, 2, 0xff, 0};
	r.body = body;
	r.body_len = sizeof(body);
	put1(b, r);
	struct text t = {0};
	ck_assert_int_eq(b->get(b, 3, "projects/p1/phoneNumberInstances/abc", collect, &t), NUMBERING_OK);
	ck_assert_str_eq(text_get(&t), "3 projects/p1/phoneNumberInstances/abc|projects/p1 f3 s-5 n11:15551230000-15551230099 "
	                               "e1234 k=US k- k= k- b000102ff00\n");
	text_free(&t);
	/* A name without '/', one ending in '/', an empty parent, no body: all as given. */
	put1(b, rec(1, "token-key", "", 0, 0, 0, 0, 0));
	put1(b, rec(1, "a/b/", "x", NUMBERING_RECORD_LISTED, 7, 0, 0, 0));
	ck_assert_int_eq(b->get(b, 1, "token-key", collect, &t), NUMBERING_OK);
	ck_assert_int_eq(b->get(b, 1, "a/b/", collect, &t), NUMBERING_OK);
	ck_assert_str_eq(text_get(&t), "1 token-key| f0 s0 n0:0-0 e0 k- k- k- k- b\n1 a/b/|x f1 s7 n0:0-0 e0 k- k- k- k- b\n");
	text_free(&t);
	/* Names are unique per kind: the same name in another kind is another record. */
	ck_assert_int_eq(b->get(b, 2, "token-key", collect, &t), NUMBERING_NOT_FOUND);
	put1(b, rec(2, "token-key", "", 0, 1, 0, 0, 0));
	ck_assert_int_eq(b->get(b, 1, "token-key", collect, &t), NUMBERING_OK);
	ck_assert_ptr_nonnull(strstr(text_get(&t), "s0 "));
	text_free(&t);
	numbering_backend_count count = {1, 0};
	ck_assert_int_eq(b->control(b, NUMBERING_BACKEND_CONTROL_COUNT, &count), NUMBERING_OK);
	ck_assert_int_eq(count.count, 2);
	count.kind = 3;
	ck_assert_int_eq(b->control(b, NUMBERING_BACKEND_CONTROL_COUNT, &count), NUMBERING_OK);
	ck_assert_int_eq(count.count, 1);
	count.kind = 0;
	ck_assert_int_eq(b->control(b, NUMBERING_BACKEND_CONTROL_COUNT, &count), NUMBERING_INVALID_ARGUMENT);
	size_t bytes = 0;
	ck_assert_int_eq(b->control(b, NUMBERING__MEMORY_CONTROL_BYTES, &bytes), NUMBERING_OK);
	ck_assert_uint_gt(bytes, 0);
	ck_assert_int_eq(b->control(b, 9999, &bytes), NUMBERING_UNIMPLEMENTED);
	check(b);
	b->free(b);
}
END_TEST

/* NUMBERING__CONTROL_PREFETCH keeps the hash of the name it is given for the put that
 * follows: a put of another name, or of the same name in another kind, must not take
 * it, and a prefetch outside a transaction, of a name never put, or rolled back
 * changes nothing. With and without the snapshot copies. */
START_TEST(prefetch_changes_nothing)
{
	for (int snapshots = 0; snapshots <= 1; snapshots++) {
		numbering_backend *b = make();
		ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_SNAPSHOTS, &snapshots), NUMBERING_OK);
		struct numbering__prefetch a = {3, "projects/p1/phoneNumberInstances/aaaaaaaaaaaaaaaa"};
		struct numbering__prefetch n = {5, "projects/p1/activeNumbers/+15551230000"};
		ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_PREFETCH, NULL), NUMBERING_INVALID_ARGUMENT);
		ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_PREFETCH, &a), NUMBERING_OK); /* outside: ignored */
		ck_assert_int_eq(b->begin(b), NUMBERING_OK);
		ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_PREFETCH, &a), NUMBERING_OK);
		ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_PREFETCH, &n), NUMBERING_OK);
		struct numbering__prefetch bad = {0, "x"}, unnamed = {3, NULL}, empty = {3, ""};
		ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_PREFETCH, &bad), NUMBERING_OK);
		ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_PREFETCH, &unnamed), NUMBERING_OK);
		ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_PREFETCH, &empty), NUMBERING_OK);
		/* Another name of the kind first, the prefetched one in another kind, then both. */
		numbering_record other = rec(3, "projects/p1/phoneNumberInstances/bbbbbbbbbbbbbbbb", "projects/p1", 0, 0, 0, 0, 0);
		numbering_record kind2 = rec(2, a.name, "projects/p1", 0, 0, 0, 0, 0);
		numbering_record mine = rec(3, a.name, "projects/p1", 0, 0, 0, 0, 0);
		numbering_record active = rec(5, n.name, "projects/p1", NUMBERING_RECORD_NUMBERS, 0, 11, 15551230000,
		                              15551230000);
		ck_assert_int_eq(b->put(b, &other), NUMBERING_OK);
		ck_assert_int_eq(b->put(b, &kind2), NUMBERING_OK);
		ck_assert_int_eq(b->put(b, &mine), NUMBERING_OK);
		ck_assert_int_eq(b->put(b, &active), NUMBERING_OK);
		ck_assert_int_eq(b->commit(b), NUMBERING_OK);
		struct text t = {0};
		ck_assert_int_eq(b->get(b, 3, a.name, collect, &t), NUMBERING_OK);
		ck_assert_int_eq(b->get(b, 2, a.name, collect, &t), NUMBERING_OK);
		ck_assert_int_eq(b->get(b, 3, other.name, collect, &t), NUMBERING_OK);
		ck_assert_int_eq(b->get(b, 5, n.name, collect, &t), NUMBERING_OK);
		text_free(&t);
		/* Prefetched, then rolled back: nothing was put. */
		struct numbering__prefetch c = {3, "projects/p1/phoneNumberInstances/cccccccccccccccc"};
		ck_assert_int_eq(b->begin(b), NUMBERING_OK);
		ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_PREFETCH, &c), NUMBERING_OK);
		ck_assert_int_eq(b->rollback(b), NUMBERING_OK);
		ck_assert_int_eq(b->get(b, 3, c.name, collect, &t), NUMBERING_NOT_FOUND);
		/* A remove of a prefetched name finds it. */
		ck_assert_int_eq(b->begin(b), NUMBERING_OK);
		ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_PREFETCH, &a), NUMBERING_OK);
		ck_assert_int_eq(b->remove(b, 3, a.name), NUMBERING_OK);
		ck_assert_int_eq(b->commit(b), NUMBERING_OK);
		ck_assert_int_eq(b->get(b, 3, a.name, collect, &t), NUMBERING_NOT_FOUND);
		ck_assert_int_eq(b->get(b, 2, a.name, collect, &t), NUMBERING_OK);
		text_free(&t);
		check(b);
		b->free(b);
	}
}
END_TEST

START_TEST(bad_arguments)
{
	numbering_backend *b = make();
	ck_assert_int_eq(numbering_memory_backend_new(NULL), NUMBERING_INVALID_ARGUMENT);
	numbering_record r = rec(1, "n", "", 0, 0, 0, 0, 0);
	ck_assert_int_eq(b->put(b, &r), NUMBERING_FAILED_PRECONDITION);
	ck_assert_int_eq(b->remove(b, 1, "n"), NUMBERING_FAILED_PRECONDITION);
	ck_assert_int_eq(b->commit(b), NUMBERING_FAILED_PRECONDITION);
	ck_assert_int_eq(b->rollback(b), NUMBERING_FAILED_PRECONDITION);
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_int_eq(b->begin(b), NUMBERING_FAILED_PRECONDITION);
	struct {
		numbering_record r;
		const char *field;
	} bad[] = {
	    {rec(0, "n", "", 0, 0, 0, 0, 0), "kind"},
	    {rec(256, "n", "", 0, 0, 0, 0, 0), "kind"},
	    {rec(1, "", "", 0, 0, 0, 0, 0), "name"},
	    {rec(1, NULL, "", 0, 0, 0, 0, 0), "name"},
	    {rec(1, "n", NULL, 0, 0, 0, 0, 0), "parent"},
	    {rec(1, "n", "", 0x10, 0, 0, 0, 0), "flags"},
	    {rec(1, "n", "", 0, 0, 17, 0, 0), "digits"},
	    {rec(1, "n", "", 0, 0, 0, 1, 1), "digits"},
	    {rec(1, "n", "", 0, 0, 3, 5, 4), "digits"},
	    {rec(1, "n", "", 0, 0, 3, 5, 1000), "digits"},
	    {rec(1, "n", "", 0, 0, 0, 0, 0), "body"},
	    {rec(1, "n", "", 0, 0, 0, 0, 0), "version"},
	};
	bad[10].r.body_len = 3;
	bad[11].r.version = 0;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(b->put(b, &bad[i].r), NUMBERING_INVALID_ARGUMENT);
		ck_assert_str_eq(numbering_error_violation_field(0), bad[i].field);
	}
	char long_key[300];
	memset(long_key, 'k', sizeof(long_key) - 1);
	long_key[sizeof(long_key) - 1] = '\0';
	r.keys[1] = long_key;
	ck_assert_int_eq(b->put(b, &r), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "keys");
	ck_assert_int_eq(b->remove(b, 1, "n"), NUMBERING_NOT_FOUND);
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	struct text t = {0};
	ck_assert_int_eq(b->find(b, 0, 1, 1, collect, &t), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(b->find(b, 3, 5, 4, collect, &t), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(b->find(b, 3, 1, 1, NULL, &t), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(b->get(b, 1, "n", NULL, &t), NUMBERING_INVALID_ARGUMENT);
	numbering_record_query q = query_init();
	q.kind = 1;
	list_text(b, &q, &t, NUMBERING_INVALID_ARGUMENT); /* no parent outside expiry order */
	ck_assert_str_eq(numbering_error_violation_field(0), "parent");
	q.parent = "";
	q.order = 3;
	list_text(b, &q, &t, NUMBERING_INVALID_ARGUMENT);
	q.order = 0;
	q.limit = -1;
	list_text(b, &q, &t, NUMBERING_INVALID_ARGUMENT);
	q.limit = 0;
	numbering_record_interval iv = {0, 1, 2};
	q.intervals = &iv;
	q.interval_count = 1;
	list_text(b, &q, &t, NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "intervals");
	q.intervals = NULL;
	list_text(b, &q, &t, NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(text_get(&t), "");
	check(b);
	b->free(b);
}
END_TEST

START_TEST(numbers_exclusive_across_kinds)
{
	numbering_backend *b = make();
	put1(b, rec(3, "i/a", "p", LN, 1, 4, 100, 199));
	put1(b, rec(3, "i/b", "p", LN, 2, 4, 300, 300));
	struct text before = {0}, after = {0};
	dump(b, &before);
	/* Every overlap with another record, of this kind or another, is refused. */
	struct {
		int kind;
		const char *name;
		uint64_t first, last;
	} clash[] = {{4, "inv/x", 150, 150}, {4, "inv/x", 199, 250}, {4, "inv/x", 0, 100}, {3, "i/c", 300, 300},
	             {4, "i/a", 50, 120},    {3, "i/c", 250, 350}, {3, "i/b", 199, 199}, {3, "i/c", 0, 9999}};
	for (size_t i = 0; i < sizeof(clash) / sizeof(clash[0]); i++) {
		ck_assert_int_eq(b->begin(b), NUMBERING_OK);
		numbering_record r = rec(clash[i].kind, clash[i].name, "p", NUMBERING_RECORD_NUMBERS, 9, 4, clash[i].first,
		                         clash[i].last);
		ck_assert_int_eq(b->put(b, &r), NUMBERING_ALREADY_EXISTS);
		ck_assert_int_eq(b->commit(b), NUMBERING_OK);
		check(b);
		text_free(&after);
		dump(b, &after);
		ck_assert_str_eq(text_get(&after), text_get(&before));
	}
	/* Another digit count, a record without the flag, and the record itself moving. */
	put1(b, rec(4, "inv/x", "p", NUMBERING_RECORD_NUMBERS, 3, 5, 150, 150));
	put1(b, rec(4, "inv/y", "p", NUMBERING_RECORD_LISTED, 4, 4, 150, 160));
	put1(b, rec(3, "i/a", "p", LN, 1, 4, 120, 299));
	put1(b, rec(3, "i/a", "p", LN, 1, 4, 150, 150));
	/* Freed numbers are free: removed, or no longer flagged (a deleted instance). */
	put1(b, rec(3, "i/b", "p", NUMBERING_RECORD_LISTED, 2, 4, 300, 300));
	put1(b, rec(4, "inv/z", "p", NUMBERING_RECORD_NUMBERS, 5, 4, 151, 300));
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_int_eq(b->remove(b, 3, "i/a"), NUMBERING_OK);
	numbering_record r = rec(4, "inv/w", "p", NUMBERING_RECORD_NUMBERS, 6, 4, 100, 150);
	ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	check(b);
	text_free(&before);
	text_free(&after);
	b->free(b);
}
END_TEST

START_TEST(find_visits_in_number_order)
{
	numbering_backend *b = make();
	put1(b, rec(3, "i/r1", "p", LN, 1, 4, 100, 199));
	put1(b, rec(3, "i/s1", "p", LN, 2, 4, 250, 250));
	put1(b, rec(4, "v/s2", "q", NUMBERING_RECORD_NUMBERS, 3, 4, 200, 200));
	put1(b, rec(3, "i/r2", "p", LN, 4, 4, 300, 399));
	put1(b, rec(3, "i/d", "p", NUMBERING_RECORD_LISTED, 5, 4, 150, 150)); /* not NUMBERS: never found */
	put1(b, rec(3, "i/s3", "p", LN, 6, 5, 150, 150));                     /* another digit count */
	struct text t = {0};
	ck_assert_int_eq(b->find(b, 4, 150, 150, collect, &t), NUMBERING_OK);
	ck_assert_str_eq(names_of(text_get(&t)), "i/r1");
	text_free(&t);
	ck_assert_int_eq(b->find(b, 4, 250, 250, collect, &t), NUMBERING_OK);
	ck_assert_str_eq(names_of(text_get(&t)), "i/s1");
	text_free(&t);
	ck_assert_int_eq(b->find(b, 4, 199, 300, collect, &t), NUMBERING_OK);
	ck_assert_str_eq(names_of(text_get(&t)), "i/r1 v/s2 i/s1 i/r2");
	text_free(&t);
	ck_assert_int_eq(b->find(b, 4, 0, 9999999, collect, &t), NUMBERING_OK);
	ck_assert_str_eq(names_of(text_get(&t)), "i/r1 v/s2 i/s1 i/r2");
	text_free(&t);
	ck_assert_int_eq(b->find(b, 4, 201, 249, collect, &t), NUMBERING_NOT_FOUND);
	ck_assert_int_eq(b->find(b, 4, 400, 400, collect, &t), NUMBERING_NOT_FOUND);
	ck_assert_int_eq(b->find(b, 4, 10000, 10000, collect, &t), NUMBERING_NOT_FOUND);
	ck_assert_int_eq(b->find(b, 3, 150, 150, collect, &t), NUMBERING_NOT_FOUND);
	ck_assert_int_eq(b->find(b, 5, 150, 150, collect, &t), NUMBERING_OK);
	ck_assert_str_eq(names_of(text_get(&t)), "i/s3");
	text_free(&t);
	int visits = 0;
	ck_assert_int_eq(b->find(b, 4, 0, 999, stop_42, &visits), 42);
	ck_assert_int_eq(visits, 1);
	ck_assert_int_eq(b->find(b, 4, 120, 120, stop_42, &visits), 42);
	b->free(b);
}
END_TEST

/* The ranges' blocks hash (backends/memory/blocks.h), through which a find of one
 * number reaches the range holding it: ranges of every size and place (across block
 * edges of each level, many in one block, the highest numbers of a digit count, one of
 * a trillion numbers) are found by each number at and around their edges and middle,
 * and nothing else is, after puts, splits, a range becoming a single and back, a range
 * losing its NUMBERS flag, removals and a rolled-back transaction (read inside it too);
 * the CHECK control compares the hash with the ranges tree entry for entry each time. */
#define BR_MAX 40

struct brange {
	char name[24];
	int digits;
	uint64_t first, last;
	int holds; /* put with NUMBERING_RECORD_NUMBERS and not removed */
};

static void brange_put(numbering_backend *b, struct brange *r, int n, const char *name, int digits, uint64_t first,
                       uint64_t last, unsigned flags)
{
	numbering_record v = rec(3, name, "p", flags, 1, digits, first, last);
	ck_assert_int_eq(b->put(b, &v), NUMBERING_OK);
	for (int i = 0; i < n; i++)
		if (strcmp(r[i].name, name) == 0) {
			r[i].digits = digits;
			r[i].first = first;
			r[i].last = last;
			r[i].holds = (flags & NUMBERING_RECORD_NUMBERS) != 0;
			return;
		}
	ck_abort_msg("no model entry %s", name);
}

static void brange_expect(numbering_backend *b, const struct brange *r, int n, int digits, uint64_t x)
{
	const char *want = NULL;
	for (int i = 0; i < n; i++)
		if (r[i].holds && r[i].digits == digits && r[i].first <= x && x <= r[i].last)
			want = r[i].name;
	struct text t = {0};
	int rc = b->find(b, digits, x, x, collect, &t);
	if (want == NULL) {
		ck_assert_msg(rc == NUMBERING_NOT_FOUND, "%d digits, %llu: found %s, held by none", digits,
		              (unsigned long long)x, names_of(text_get(&t)));
	} else {
		ck_assert_msg(rc == NUMBERING_OK, "%d digits, %llu: not found, held by %s", digits, (unsigned long long)x, want);
		ck_assert_str_eq(names_of(text_get(&t)), want);
	}
	text_free(&t);
}

/* Each number at and beside each record's edges and its middle, held or not. */
static void brange_probe(numbering_backend *b, const struct brange *r, int n)
{
	for (int i = 0; i < n; i++) {
		uint64_t lo = r[i].first, hi = r[i].last, mid = lo + (hi - lo) / 2;
		uint64_t xs[] = {lo - 1, lo, lo + 1, mid, hi - 1, hi, hi + 1};
		for (size_t k = 0; k < sizeof(xs) / sizeof(xs[0]); k++)
			if (xs[k] + 1 >= lo && xs[k] <= hi + 1 && (lo > 0 || xs[k] != lo - 1))
				brange_expect(b, r, n, r[i].digits, xs[k]);
	}
}

START_TEST(ranges_found_by_their_blocks)
{
	numbering_backend *b = make();
	static struct brange r[BR_MAX];
	memset(r, 0, sizeof(r));
	const uint64_t base = UINT64_C(0x100000000); /* 4294967296: 10 digits */
	struct {
		int digits;
		uint64_t first, last;
	} at[] = {
	    {10, base + 0xf, base + 0x10},    /* two numbers across an edge of level 0 */
	    {10, base + 0x20, base + 0x2f},   /* one block of level 1 */
	    {10, base + 0x38, base + 0x47},   /* two of level 1 */
	    {10, base + 0x50, base + 0x71},   /* three of level 1: level 2 */
	    {10, base + 0x100, base + 0x1ff}, /* one block of level 2 */
	    {10, base + 0x2f0, base + 0x5ff}, /* level 3 */
	    {10, base + 0x10000, base + 0x10000 + 999999},
	    {10, UINT64_C(9999999990), UINT64_C(9999999999)}, /* the last numbers of 10 digits */
	    {15, UINT64_C(100000000000000), UINT64_C(101000000000000)},
	    {1, 2, 9},
	    {11, base + 0x20, base + 0x2f}, /* the same numbers in another digit count */
	    {10, base + 0x11, base + 0x11}, /* singles beside ranges */
	    {10, base + 0x4f, base + 0x4f},
	};
	int n = 0;
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++, n++) {
		snprintf(r[n].name, sizeof(r[n].name), "i/r%d", n);
		brange_put(b, r, n + 1, r[n].name, at[i].digits, at[i].first, at[i].last, LN);
	}
	/* Fourteen ranges of 18 numbers end to end: many entries under one block's key. */
	for (int i = 0; i < 14; i++, n++) {
		snprintf(r[n].name, sizeof(r[n].name), "i/m%d", i);
		brange_put(b, r, n + 1, r[n].name, 10, base + 0x1000 + 18 * (uint64_t)i, base + 0x1000 + 18 * (uint64_t)i + 17, LN);
	}
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	check(b);
	brange_probe(b, r, n);

	/* A split (the first part keeps the name), a range shrunk to a single, a single grown
	 * to a range, a range moved, a range losing its NUMBERS flag (a deleted instance). */
	ck_assert_int_lt(n + 1, BR_MAX);
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	brange_put(b, r, n, "i/r4", 10, base + 0x100, base + 0x17f, LN);
	snprintf(r[n].name, sizeof(r[n].name), "i/r4b");
	brange_put(b, r, ++n, "i/r4b", 10, base + 0x180, base + 0x1ff, LN);
	brange_put(b, r, n, "i/r3", 10, base + 0x50, base + 0x50, LN);
	brange_put(b, r, n, "i/r11", 10, base + 0x11, base + 0x1f, LN);
	brange_put(b, r, n, "i/r5", 10, base + 0x800, base + 0xbff, LN);
	brange_put(b, r, n, "i/m3", 10, r[16].first, r[16].last, NUMBERING_RECORD_LISTED);
	brange_expect(b, r, n, 10, base + 0x180); /* read inside the transaction */
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	check(b);
	brange_probe(b, r, n);

	/* A transaction splitting the big range in three and removing others, rolled back. */
	static struct brange saved[BR_MAX];
	memcpy(saved, r, sizeof(r));
	int saved_n = n;
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	brange_put(b, r, n, "i/r6", 10, base + 0x10000, base + 0x10000 + 1000, LN);
	snprintf(r[n].name, sizeof(r[n].name), "i/r6b");
	brange_put(b, r, ++n, "i/r6b", 10, base + 0x10000 + 1001, base + 0x10000 + 1001, LN);
	snprintf(r[n].name, sizeof(r[n].name), "i/r6c");
	brange_put(b, r, ++n, "i/r6c", 10, base + 0x10000 + 1002, base + 0x10000 + 999999, LN);
	for (int i = 0; i < 10; i++) {
		ck_assert_int_eq(b->remove(b, 3, r[i].name), NUMBERING_OK);
		r[i].holds = 0;
	}
	brange_probe(b, r, n);
	ck_assert_int_eq(b->rollback(b), NUMBERING_OK);
	memcpy(r, saved, sizeof(r));
	n = saved_n;
	check(b);
	brange_probe(b, r, n);

	/* Removed one by one: nothing is found where they were, and the levels empty. */
	for (int i = 0; i < n; i++) {
		ck_assert_int_eq(b->begin(b), NUMBERING_OK);
		ck_assert_int_eq(b->remove(b, 3, r[i].name), NUMBERING_OK);
		ck_assert_int_eq(b->commit(b), NUMBERING_OK);
		r[i].holds = 0;
		if (i % 4 == 0 || i == n - 1) {
			check(b);
			brange_probe(b, r, n);
		}
	}
	b->free(b);
}
END_TEST

/* A group of instance-like records for the list tests. */
static void fill_group(numbering_backend *b)
{
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	for (int i = 0; i < 60; i++) {
		char name[64];
		snprintf(name, sizeof(name), "projects/p/things/t%02d", i);
		unsigned flags = i % 5 == 4 ? 0 : LN; /* every fifth one "deleted" */
		int64_t first = 1000 + 10 * i;
		numbering_record r = rec(3, name, "projects/p", flags, 100 + i, 4, (uint64_t)first,
		                         (uint64_t)(first + (i % 3 == 0 ? 5 : 0)));
		r.keys[0] = i % 2 ? "odd" : "even";
		r.keys[3] = i % 3 ? NULL : "third";
		r.expires = i % 4 ? 0 : 50 - i / 8;
		ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
	}
	/* Another parent and another kind under the same parent: never in p's pages. */
	numbering_record r = rec(3, "projects/q/things/t00", "projects/q", LN, 100, 4, 5000, 5000);
	ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
	r = rec(5, "projects/p/other/t00", "projects/p", NUMBERING_RECORD_LISTED, 100, 4, 1000, 1000);
	r.expires = 1;
	ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
}

START_TEST(list_orders_and_cursors)
{
	numbering_backend *b = make();
	fill_group(b);
	numbering_record_query q = query_init();
	q.kind = 3;
	q.parent = "projects/p";
	q.limit = 3;
	ck_assert_str_eq(list_names(b, &q), "projects/p/things/t59 projects/p/things/t58 projects/p/things/t57");
	q.listed_only = 1;
	ck_assert_str_eq(list_names(b, &q), "projects/p/things/t58 projects/p/things/t57 projects/p/things/t56");
	q.has_after = 1;
	q.after = 157; /* strictly before */
	ck_assert_str_eq(list_names(b, &q), "projects/p/things/t56 projects/p/things/t55 projects/p/things/t53");
	q.order = NUMBERING_RECORD_ORDER_ASCENDING;
	q.after = 101;
	ck_assert_str_eq(list_names(b, &q), "projects/p/things/t02 projects/p/things/t03 projects/p/things/t05");
	q.listed_only = 0;
	ck_assert_str_eq(list_names(b, &q), "projects/p/things/t02 projects/p/things/t03 projects/p/things/t04");
	q.has_after = 0;
	q.limit = 0;
	const char *all = list_str(b, &q);
	size_t lines = 0;
	for (const char *p = all; *p; p++)
		lines += *p == '\n';
	ck_assert_uint_eq(lines, 60);
	/* Keys: every slot given must match. */
	q.keys[0] = "odd";
	q.keys[3] = "third";
	q.limit = 4;
	ck_assert_str_eq(list_names(b, &q),
	                 "projects/p/things/t03 projects/p/things/t09 projects/p/things/t15 projects/p/things/t21");
	q.keys[3] = "nope";
	ck_assert_str_eq(list_names(b, &q), "");
	q.keys[0] = q.keys[3] = NULL;
	q.keys[1] = ""; /* an absent key equals no value */
	ck_assert_str_eq(list_names(b, &q), "");
	q.keys[1] = NULL;
	/* An unknown parent or kind lists nothing. */
	q.parent = "projects/none";
	ck_assert_str_eq(list_names(b, &q), "");
	q.parent = "projects/p";
	q.kind = 7;
	ck_assert_str_eq(list_names(b, &q), "");
	q.kind = 3;
	int visits = 0;
	ck_assert_int_eq(b->list(b, &q, stop_42, &visits), 42);
	ck_assert_int_eq(visits, 1);
	b->free(b);
}
END_TEST

START_TEST(list_intervals)
{
	numbering_backend *b = make();
	fill_group(b);
	numbering_record_query q = query_init();
	q.kind = 3;
	q.parent = "projects/p";
	/* 1003 .. 1012 reaches t00 (1000-1005) from before and t01 (1010). */
	numbering_record_interval iv[3] = {{4, 1003, 1012}, {4, 1004, 1004}, {4, 1300, 9999}};
	q.intervals = iv;
	q.interval_count = 2; /* overlapping intervals: each record once */
	ck_assert_str_eq(list_names(b, &q), "projects/p/things/t01 projects/p/things/t00");
	q.interval_count = 3;
	q.limit = 3;
	ck_assert_str_eq(list_names(b, &q), "projects/p/things/t59 projects/p/things/t58 projects/p/things/t57");
	q.listed_only = 1;
	q.order = NUMBERING_RECORD_ORDER_ASCENDING;
	ck_assert_str_eq(list_names(b, &q), "projects/p/things/t00 projects/p/things/t01 projects/p/things/t30");
	/* A deleted (unlisted) range reaching back into an interval. */
	q.listed_only = 0;
	numbering_record_interval back = {4, 1232, 1232}; /* between t23 (1230) and t24 (1240-1245) */
	q.intervals = &back;
	q.interval_count = 1;
	ck_assert_str_eq(list_names(b, &q), "");
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	numbering_record wide = rec(3, "projects/p/things/wide", "projects/p", 0, 500, 4, 1100, 1245);
	ck_assert_int_eq(b->put(b, &wide), NUMBERING_OK);
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	ck_assert_str_eq(list_names(b, &q), "projects/p/things/wide");
	/* One record reaching two intervals is listed once. */
	numbering_record_interval two[2] = {{4, 1233, 1233}, {4, 1101, 1101}};
	q.intervals = two;
	q.interval_count = 2;
	q.limit = 0;
	ck_assert_str_eq(list_names(b, &q), "projects/p/things/wide");
	/* Intervals of another digit count, or past it, hold nothing. */
	numbering_record_interval other[2] = {{5, 1000, 1300}, {3, 1000, 5000}};
	q.intervals = other;
	ck_assert_str_eq(list_names(b, &q), "");
	/* With keys and a cursor, the number scan and the walk agree (limit 1 and 0). */
	numbering_record_interval mid = {4, 1000, 1400};
	q.intervals = &mid;
	q.interval_count = 1;
	q.keys[0] = "even";
	q.has_after = 1;
	q.after = 110;
	q.order = NUMBERING_RECORD_ORDER_DESCENDING;
	ck_assert_str_eq(list_names(b, &q),
	                 "projects/p/things/t08 projects/p/things/t06 projects/p/things/t04 projects/p/things/t02 "
	                 "projects/p/things/t00");
	q.limit = 1;
	ck_assert_str_eq(list_names(b, &q), "projects/p/things/t08");
	check(b);
	b->free(b);
}
END_TEST

START_TEST(list_expiry_order)
{
	numbering_backend *b = make();
	fill_group(b);
	numbering_record_query q = query_init();
	q.kind = 3;
	q.order = NUMBERING_RECORD_ORDER_EXPIRY;
	/* expires = 50 - i/8 for i % 4 == 0: ties ordered by name. */
	q.limit = 5;
	ck_assert_str_eq(list_names(b, &q), "projects/p/things/t56 projects/p/things/t48 projects/p/things/t52 "
	                                    "projects/p/things/t40 projects/p/things/t44");
	q.has_after = 1;
	q.after = 44; /* t48, t52 expire at 44: skipped */
	q.limit = 0;
	q.expires_until = 46;
	ck_assert_str_eq(list_names(b, &q), "projects/p/things/t40 projects/p/things/t44 projects/p/things/t32 "
	                                    "projects/p/things/t36");
	q.listed_only = 1; /* t44 and t24 are unlisted */
	ck_assert_str_eq(list_names(b, &q), "projects/p/things/t40 projects/p/things/t32 projects/p/things/t36");
	q.has_after = 0;
	q.expires_until = 0;
	q.keys[3] = "third";
	numbering_record_interval iv = {4, 1000, 1250};
	q.intervals = &iv;
	q.interval_count = 1;
	ck_assert_str_eq(list_names(b, &q), "projects/p/things/t12 projects/p/things/t00");
	q.keys[3] = NULL;
	q.interval_count = 0;
	q.listed_only = 0;
	/* A parent narrows it; kind 5's record is in its own order. */
	q.parent = "projects/q";
	ck_assert_str_eq(list_names(b, &q), "");
	q.kind = 5;
	q.parent = NULL;
	ck_assert_str_eq(list_names(b, &q), "projects/p/other/t00");
	b->free(b);
}
END_TEST

/* Rollback of every write kind restores the state; a transaction reads its own writes. */
START_TEST(rollback_every_write)
{
	numbering_backend *b = make();
	fill_group(b);
	struct text before = {0}, after = {0}, t = {0};
	dump(b, &before);
	const char *page_before = NULL;
	numbering_record_query q = query_init();
	q.kind = 3;
	q.parent = "projects/p";
	q.limit = 5;
	char *saved = strdup(list_str(b, &q));
	page_before = saved;
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	/* Insert, replace (in place, and moved in every index), remove, re-insert. */
	numbering_record r = rec(3, "projects/p/things/new", "projects/p", LN, 999, 4, 7000, 7100);
	r.expires = 3;
	ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
	r = rec(3, "projects/p/things/t05", "projects/p", LN, 105, 4, 1050, 1050);
	static const char body[] = "changed";
	r.body = body;
	r.body_len = sizeof(body);
	ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
	r = rec(3, "projects/p/things/t06", "projects/z", 0, 1, 4, 8000, 8000);
	r.keys[2] = "moved";
	ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
	ck_assert_int_eq(b->remove(b, 3, "projects/p/things/t07"), NUMBERING_OK);
	ck_assert_int_eq(b->remove(b, 3, "projects/p/things/t08"), NUMBERING_OK);
	r = rec(3, "projects/p/things/t08", "projects/p", LN, 108, 4, 1080, 1080);
	ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
	/* Numbers freed inside the transaction are free inside it. */
	r = rec(6, "x/t07", "", NUMBERING_RECORD_NUMBERS, 0, 4, 1070, 1070);
	ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
	/* Reads inside the transaction see its writes. */
	ck_assert_int_eq(b->get(b, 3, "projects/p/things/t07", collect, &t), NUMBERING_NOT_FOUND);
	ck_assert_int_eq(b->find(b, 4, 7050, 7050, collect, &t), NUMBERING_OK);
	ck_assert_int_eq(b->find(b, 4, 1070, 1070, collect, &t), NUMBERING_OK);
	ck_assert_int_eq(b->get(b, 3, "projects/p/things/t05", collect, &t), NUMBERING_OK);
	ck_assert_str_eq(names_of(text_get(&t)), "projects/p/things/new x/t07 projects/p/things/t05");
	ck_assert_ptr_nonnull(strstr(text_get(&t), "6368616e67656400"));
	ck_assert_str_eq(list_names(b, &q), "projects/p/things/new projects/p/things/t59 projects/p/things/t58 "
	                                    "projects/p/things/t57 projects/p/things/t56");
	numbering_backend_count count = {3, 0};
	ck_assert_int_eq(b->control(b, NUMBERING_BACKEND_CONTROL_COUNT, &count), NUMBERING_OK);
	ck_assert_int_eq(count.count, 61);
	ck_assert_int_eq(b->rollback(b), NUMBERING_OK);
	check(b);
	dump(b, &after);
	ck_assert_str_eq(text_get(&after), text_get(&before));
	ck_assert_str_eq(list_str(b, &q), page_before);
	ck_assert_int_eq(b->control(b, NUMBERING_BACKEND_CONTROL_COUNT, &count), NUMBERING_OK);
	ck_assert_int_eq(count.count, 61);
	free(saved);
	text_free(&before);
	text_free(&after);
	text_free(&t);
	b->free(b);
}
END_TEST

/* A put that changes only the body (the same keys, the same slab size class) is
 * written over the old record, the old bytes kept for rollback: every mix of such
 * puts with other writes in one transaction reads its own writes, rolls back to the
 * state before, and commits what it wrote, with no byte leaked or freed twice. */
static int64_t stats_bytes(numbering_backend *b)
{
	struct numbering__memory_stats s;
	ck_assert_int_eq(b->control(b, NUMBERING__MEMORY_CONTROL_STATS, &s), NUMBERING_OK);
	return (int64_t)s.record_used; /* pages and the undo log may stay grown */
}

static const char *body_of(numbering_backend *b, int kind, const char *name)
{
	static struct text t;
	text_free(&t);
	memset(&t, 0, sizeof(t));
	ck_assert_int_eq(b->get(b, kind, name, collect, &t), NUMBERING_OK);
	return text_get(&t);
}

START_TEST(body_replaced_in_situ)
{
	numbering_backend *b = make();
	fill_group(b);
	numbering_record r = rec(3, "projects/p/things/t05", "projects/p", LN, 105, 4, 1050, 1050);
	static const char b1[] = "body-one", b2[] = "body-two", b3[] = "body-333", b4[] = "body-4";
	r.keys[1] = "k";
	r.body = b1;
	r.body_len = sizeof(b1);
	put1(b, r);
	numbering_record meta = rec(1, "last-time", "", 0, 0, 0, 0, 0);
	meta.body = "\1\0\0\0\0\0\0\0";
	meta.body_len = 8;
	put1(b, meta);
	struct text before = {0}, after = {0}, mid = {0};
	dump(b, &before);
	int64_t bytes = stats_bytes(b);
	char *one = strdup(body_of(b, 3, "projects/p/things/t05"));

	/* Replaced twice in situ, then removed, then put again: rolled back. */
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	r.body = b2;
	ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
	ck_assert_ptr_nonnull(strstr(body_of(b, 3, "projects/p/things/t05"), "626f64792d74776f00"));
	r.body = b3;
	ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
	meta.body = "\2\0\0\0\0\0\0\0";
	ck_assert_int_eq(b->put(b, &meta), NUMBERING_OK);
	ck_assert_int_eq(b->remove(b, 3, "projects/p/things/t05"), NUMBERING_OK);
	ck_assert_int_eq(b->find(b, 4, 1050, 1050, collect, &mid), NUMBERING_NOT_FOUND);
	ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
	ck_assert_int_eq(b->find(b, 4, 1050, 1050, collect, &mid), NUMBERING_OK);
	ck_assert_ptr_nonnull(strstr(text_get(&mid), "626f64792d33333300"));
	ck_assert_int_eq(b->rollback(b), NUMBERING_OK);
	check(b);
	dump(b, &after);
	ck_assert_str_eq(text_get(&after), text_get(&before));
	ck_assert_str_eq(body_of(b, 3, "projects/p/things/t05"), one);
	ck_assert_int_eq(stats_bytes(b), bytes);

	/* Moved in an index, then replaced in situ (a record written in this very
	 * transaction), then a shorter body of another size class: rolled back. */
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	numbering_record moved = r;
	moved.sort_key = 9999;
	ck_assert_int_eq(b->put(b, &moved), NUMBERING_OK);
	moved.body = b2;
	ck_assert_int_eq(b->put(b, &moved), NUMBERING_OK);
	moved.body = b4;
	moved.body_len = sizeof(b4);
	ck_assert_int_eq(b->put(b, &moved), NUMBERING_OK);
	ck_assert_int_eq(b->rollback(b), NUMBERING_OK);
	check(b);
	text_free(&after);
	dump(b, &after);
	ck_assert_str_eq(text_get(&after), text_get(&before));
	ck_assert_int_eq(stats_bytes(b), bytes);

	/* Committed: the new body, under the same keys, and nothing more held. */
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	r.body = b2;
	ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
	r.body = b3;
	ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
	ck_assert_int_eq(b->put(b, &meta), NUMBERING_OK);
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	check(b);
	ck_assert_ptr_nonnull(strstr(body_of(b, 3, "projects/p/things/t05"), "626f64792d33333300"));
	ck_assert_ptr_nonnull(strstr(body_of(b, 1, "last-time"), "0200000000000000"));
	ck_assert_int_eq(b->find(b, 4, 1050, 1050, collect, &mid), NUMBERING_OK);
	ck_assert_int_eq(stats_bytes(b), bytes);
	free(one);
	text_free(&before);
	text_free(&after);
	text_free(&mid);
	b->free(b);
}
END_TEST

/* A replacement within the numbers its record held skips the search for a holder
 * (none can exist); one reaching outside them is searched and refused on overlap. */
START_TEST(replacement_within_own_numbers)
{
	numbering_backend *b = make();
	put1(b, rec(3, "p/things/a", "p", LN, 1, 5, 100, 200));
	put1(b, rec(4, "x/b", "", NUMBERING_RECORD_NUMBERS, 0, 5, 201, 300));
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	numbering_record r = rec(3, "p/things/a", "p", LN, 1, 5, 150, 180);
	ck_assert_int_eq(b->put(b, &r), NUMBERING_OK); /* within: no search */
	r = rec(3, "p/things/a", "p", LN, 1, 5, 150, 201);
	ck_assert_int_eq(b->put(b, &r), NUMBERING_ALREADY_EXISTS); /* reaches b's 201 */
	r = rec(3, "p/things/a", "p", LN, 1, 5, 90, 180);
	ck_assert_int_eq(b->put(b, &r), NUMBERING_OK); /* outside a's 150 .. 180, free */
	r = rec(3, "p/things/a", "p", LN, 1, 6, 150, 150);
	ck_assert_int_eq(b->put(b, &r), NUMBERING_OK); /* another digit count */
	r = rec(4, "x/c", "", NUMBERING_RECORD_NUMBERS, 0, 5, 90, 90);
	ck_assert_int_eq(b->put(b, &r), NUMBERING_OK); /* a's 5-digit numbers were given up */
	r = rec(3, "p/things/a", "p", LN, 1, 5, 90, 90);
	ck_assert_int_eq(b->put(b, &r), NUMBERING_ALREADY_EXISTS);
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	check(b);
	b->free(b);
}
END_TEST

/* The naive model: an array of records, every query a filter and a sort. */
#define MODEL_MAX 400
struct mrec {
	int live;
	int kind;
	char name[48];
	char parent[16];
	unsigned flags;
	int64_t sort_key, expires;
	int digits;
	uint64_t first, last;
	char keys[NUMBERING_RECORD_KEY_SLOTS][4];
	int has_key[NUMBERING_RECORD_KEY_SLOTS];
	unsigned char body[40];
	size_t body_len;
};

struct model {
	struct mrec r[MODEL_MAX];
	int n;
};

static numbering_record model_view(const struct mrec *m)
{
	numbering_record r = rec(m->kind, m->name, m->parent, m->flags, m->sort_key, m->digits, m->first, m->last);
	r.expires = m->expires;
	for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS; i++)
		r.keys[i] = m->has_key[i] ? m->keys[i] : NULL;
	r.body = m->body;
	r.body_len = m->body_len;
	return r;
}

static struct mrec *model_get(struct model *m, int kind, const char *name)
{
	for (int i = 0; i < m->n; i++)
		if (m->r[i].live && m->r[i].kind == kind && strcmp(m->r[i].name, name) == 0)
			return &m->r[i];
	return NULL;
}

static int model_holds(const struct mrec *r)
{
	return r->live && r->digits > 0 && (r->flags & NUMBERING_RECORD_NUMBERS);
}

static const struct model *sort_model;
static const numbering_record_query *sort_query;

static int model_order(const void *a, const void *b)
{
	const struct mrec *x = &sort_model->r[*(const int *)a], *y = &sort_model->r[*(const int *)b];
	if (sort_query == NULL) /* number order */
		return x->first < y->first ? -1 : x->first > y->first;
	if (sort_query->order == NUMBERING_RECORD_ORDER_EXPIRY) {
		if (x->expires != y->expires)
			return x->expires < y->expires ? -1 : 1;
		return strcmp(x->name, y->name);
	}
	int c = x->sort_key < y->sort_key ? -1 : x->sort_key > y->sort_key;
	return sort_query->order == NUMBERING_RECORD_ORDER_ASCENDING ? c : -c;
}

static void model_list(const struct model *m, const numbering_record_query *q, struct text *out)
{
	int idx[MODEL_MAX], n = 0;
	for (int i = 0; i < m->n; i++) {
		const struct mrec *r = &m->r[i];
		if (!r->live || r->kind != q->kind || (q->parent && strcmp(r->parent, q->parent) != 0))
			continue;
		if (q->listed_only && !(r->flags & NUMBERING_RECORD_LISTED))
			continue;
		if (q->order == NUMBERING_RECORD_ORDER_EXPIRY) {
			if (r->expires == 0 || (q->has_after && r->expires <= q->after) ||
			    (q->expires_until && r->expires > q->expires_until))
				continue;
		} else if (q->has_after && (q->order == NUMBERING_RECORD_ORDER_ASCENDING ? r->sort_key <= q->after
		                                                                          : r->sort_key >= q->after)) {
			continue;
		}
		int ok = q->interval_count == 0;
		for (size_t k = 0; k < q->interval_count; k++)
			ok |= r->digits == q->intervals[k].digits && r->first <= q->intervals[k].last &&
			      r->last >= q->intervals[k].first;
		for (int k = 0; k < NUMBERING_RECORD_KEY_SLOTS; k++)
			if (q->keys[k] && (!r->has_key[k] || strcmp(r->keys[k], q->keys[k]) != 0))
				ok = 0;
		if (ok)
			idx[n++] = i;
	}
	sort_model = m;
	sort_query = q;
	qsort(idx, (size_t)n, sizeof(idx[0]), model_order);
	for (int i = 0; i < n && (q->limit == 0 || i < q->limit); i++) {
		numbering_record v = model_view(&m->r[idx[i]]);
		record_line(out, &v);
	}
}

static void model_find(const struct model *m, int digits, uint64_t first, uint64_t last, struct text *out)
{
	int idx[MODEL_MAX], n = 0;
	for (int i = 0; i < m->n; i++)
		if (model_holds(&m->r[i]) && m->r[i].digits == digits && m->r[i].first <= last && m->r[i].last >= first)
			idx[n++] = i;
	sort_model = m;
	sort_query = NULL;
	qsort(idx, (size_t)n, sizeof(idx[0]), model_order);
	for (int i = 0; i < n; i++) {
		numbering_record v = model_view(&m->r[idx[i]]);
		record_line(out, &v);
	}
}

static const char *const parents[] = {"", "p0", "p1"};

static void random_record(struct mrec *r, unsigned *seed, int64_t *clock)
{
	memset(r, 0, sizeof(*r));
	r->live = 1;
	r->kind = 1 + rand_r(seed) % 3;
	int id = rand_r(seed) % 30;
	switch (id % 3) {
	case 0:
		snprintf(r->name, sizeof(r->name), "n%d", id);
		break;
	case 1:
		snprintf(r->name, sizeof(r->name), "p%d/things/n%d", id % 2, id);
		break;
	default:
		snprintf(r->name, sizeof(r->name), "other/x%d/", id);
		break;
	}
	snprintf(r->parent, sizeof(r->parent), "%s", parents[rand_r(seed) % 3]);
	r->flags = (unsigned)rand_r(seed) % 4;
	r->sort_key = (*clock)++ * (rand_r(seed) % 2 ? 1 : -1);
	if (rand_r(seed) % 5 != 0) {
		r->digits = 3 + rand_r(seed) % 2;
		r->first = (uint64_t)(rand_r(seed) % 300);
		r->last = r->first + (rand_r(seed) % 3 == 0 ? (uint64_t)(rand_r(seed) % 20) : 0);
	}
	/* Named by its number ("+0123", "p1/+0123"; "x+0123" is not), as the backend keeps a single number's
	 * record without its name when the name is its number: a few numbers, so that such
	 * names are replaced, removed and clash; a digit count that is not the record's
	 * sometimes, or a range, or no NUMBERS flag, so that such names are kept too. */
	if (r->digits != 0 && rand_r(seed) % 3 == 0) {
		r->first = (uint64_t)(rand_r(seed) % 8) * 37;
		r->last = r->first + (rand_r(seed) % 4 == 0 ? 1 + (uint64_t)(rand_r(seed) % 3) : 0);
		int digits = rand_r(seed) % 4 == 0 ? 7 - r->digits : r->digits;
		static const char *const dirs[] = {"", "p1/", "x", "p1/x"};
		snprintf(r->name, sizeof(r->name), "%s+%0*llu", dirs[rand_r(seed) % 4], digits, (unsigned long long)r->first);
	}
	/* The number order as sort key (the backend keeps it unstored): unique, as the
	 * numbers of NUMBERS records are. */
	if (r->digits != 0 && (r->flags & NUMBERING_RECORD_NUMBERS) && rand_r(seed) % 3 == 0)
		r->sort_key = r->digits * INT64_C(10000000000000000) + (int64_t)r->first;
	r->expires = rand_r(seed) % 3 ? 0 : 1 + rand_r(seed) % 4;
	for (int k = 0; k < NUMBERING_RECORD_KEY_SLOTS; k++)
		if (rand_r(seed) % 2) {
			r->has_key[k] = 1;
			snprintf(r->keys[k], sizeof(r->keys[k]), "%c", 'a' + rand_r(seed) % 2);
		}
	r->body_len = (size_t)(rand_r(seed) % 41);
	for (size_t i = 0; i < r->body_len; i++)
		r->body[i] = (unsigned char)rand_r(seed);
}

static void random_query(numbering_record_query *q, numbering_record_interval iv[2], unsigned *seed)
{
	*q = query_init();
	q->kind = 1 + rand_r(seed) % 3;
	q->order = rand_r(seed) % 3;
	q->parent = q->order == NUMBERING_RECORD_ORDER_EXPIRY && rand_r(seed) % 2 ? NULL : parents[rand_r(seed) % 3];
	q->listed_only = rand_r(seed) % 2;
	if (rand_r(seed) % 3 == 0) {
		q->has_after = 1;
		q->after = q->order == NUMBERING_RECORD_ORDER_EXPIRY ? rand_r(seed) % 5 : rand_r(seed) % 400 - 200;
		if (q->order != NUMBERING_RECORD_ORDER_EXPIRY && rand_r(seed) % 2) /* among number-order keys */
			q->after = (3 + rand_r(seed) % 2) * INT64_C(10000000000000000) + rand_r(seed) % 320;
	}
	if (q->order == NUMBERING_RECORD_ORDER_EXPIRY && rand_r(seed) % 2)
		q->expires_until = 1 + rand_r(seed) % 4;
	if (rand_r(seed) % 2) {
		q->interval_count = 1 + (size_t)(rand_r(seed) % 2);
		for (size_t k = 0; k < q->interval_count; k++) {
			iv[k].digits = 3 + rand_r(seed) % 2;
			iv[k].first = (uint64_t)(rand_r(seed) % 320);
			iv[k].last = iv[k].first + (uint64_t)(rand_r(seed) % 40);
		}
		q->intervals = iv;
	}
	if (rand_r(seed) % 4 == 0)
		q->keys[rand_r(seed) % NUMBERING_RECORD_KEY_SLOTS] = rand_r(seed) % 2 ? "a" : "b";
	q->limit = rand_r(seed) % 3 == 0 ? 0 : 1 + rand_r(seed) % 6;
}

static void compare_with_model(numbering_backend *b, const struct model *m, unsigned *seed)
{
	struct text got = {0}, want = {0};
	for (int i = 0; i < m->n; i++)
		if (m->r[i].live) {
			numbering_record v = model_view(&m->r[i]);
			record_line(&want, &v);
			ck_assert_int_eq(b->get(b, m->r[i].kind, m->r[i].name, collect, &got), NUMBERING_OK);
		}
	ck_assert_str_eq(text_get(&got), text_get(&want));
	for (int i = 0; i < 20; i++) {
		text_free(&got);
		text_free(&want);
		numbering_record_query q;
		numbering_record_interval iv[2];
		random_query(&q, iv, seed);
		model_list(m, &q, &want);
		list_text(b, &q, &got, NUMBERING_OK);
		ck_assert_msg(strcmp(text_get(&got), text_get(&want)) == 0,
		              "list kind %d order %d parent %s listed %d after %d/%lld until %lld intervals %zu limit %d:\n"
		              "got\n%swant\n%s",
		              q.kind, q.order, q.parent ? q.parent : "(all)", q.listed_only, q.has_after,
		              (long long)q.after, (long long)q.expires_until, q.interval_count, q.limit, text_get(&got),
		              text_get(&want));
		text_free(&got);
		text_free(&want);
		int digits = 3 + rand_r(seed) % 2;
		uint64_t first = (uint64_t)(rand_r(seed) % 320), last = first + (rand_r(seed) % 2 ? 0 : rand_r(seed) % 50);
		model_find(m, digits, first, last, &want);
		int rc = b->find(b, digits, first, last, collect, &got);
		ck_assert_int_eq(rc, want.len ? NUMBERING_OK : NUMBERING_NOT_FOUND);
		ck_assert_str_eq(text_get(&got), text_get(&want));
	}
	for (int kind = 1; kind <= 3; kind++) {
		int64_t n = 0;
		for (int i = 0; i < m->n; i++)
			n += m->r[i].live && m->r[i].kind == kind;
		numbering_backend_count count = {kind, -1};
		ck_assert_int_eq(b->control(b, NUMBERING_BACKEND_CONTROL_COUNT, &count), NUMBERING_OK);
		ck_assert_int_eq(count.count, n);
	}
	text_free(&got);
	text_free(&want);
}

/* One random write on backend and model alike. */
static void random_write(numbering_backend *b, struct model *m, unsigned *seed, int64_t *clock)
{
	struct mrec r;
	random_record(&r, seed, clock);
	struct mrec *old = model_get(m, r.kind, r.name);
	if (rand_r(seed) % 4 == 0) {
		int rc = b->remove(b, r.kind, r.name);
		ck_assert_int_eq(rc, old ? NUMBERING_OK : NUMBERING_NOT_FOUND);
		if (old)
			old->live = 0;
		return;
	}
	int clash = 0;
	for (int i = 0; i < m->n; i++) {
		const struct mrec *o = &m->r[i];
		if (o != old && model_holds(o) && r.digits > 0 && (r.flags & NUMBERING_RECORD_NUMBERS) &&
		    o->digits == r.digits && o->first <= r.last && o->last >= r.first)
			clash = 1;
	}
	numbering_record v = model_view(&r);
	ck_assert_int_eq(b->put(b, &v), clash ? NUMBERING_ALREADY_EXISTS : NUMBERING_OK);
	if (clash)
		return;
	if (old) {
		*old = r;
	} else {
		ck_assert_int_lt(m->n, MODEL_MAX);
		m->r[m->n++] = r;
	}
}

START_TEST(random_against_model)
{
	numbering_backend *b = make();
	static struct model model, saved;
	memset(&model, 0, sizeof(model));
	unsigned seed = 11;
	int64_t clock = 1;
	for (int tx = 0; tx < 400; tx++) {
		saved = model;
		ck_assert_int_eq(b->begin(b), NUMBERING_OK);
		int ops = 1 + rand_r(&seed) % (tx % 40 == 39 ? 60 : 5);
		for (int i = 0; i < ops; i++) {
			random_write(b, &model, &seed, &clock);
			if (i % 3 == 0)
				compare_with_model(b, &model, &seed); /* reads inside the transaction */
		}
		if (rand_r(&seed) % 4 == 0) {
			ck_assert_int_eq(b->rollback(b), NUMBERING_OK);
			model = saved;
		} else {
			ck_assert_int_eq(b->commit(b), NUMBERING_OK);
		}
		check(b);
		compare_with_model(b, &model, &seed);
		/* Compact the model's dead slots now and then. */
		if (model.n > MODEL_MAX - 80) {
			int k = 0;
			for (int i = 0; i < model.n; i++)
				if (model.r[i].live)
					model.r[k++] = model.r[i];
			model.n = k;
		}
	}
	b->free(b);
}
END_TEST

/* The failing allocator: fails the fail_at-th allocation counted (0: none). */
static struct {
	long count, fail_at;
	int fired;
} failer;

static void *fail_malloc(size_t size, void *payload)
{
	(void)payload;
	if (failer.fail_at != 0 && ++failer.count == failer.fail_at) {
		failer.fired = 1;
		return NULL;
	}
	return malloc(size);
}

static void *fail_realloc(void *ptr, size_t size, void *payload)
{
	(void)payload;
	if (failer.fail_at != 0 && ++failer.count == failer.fail_at) {
		failer.fired = 1;
		return NULL;
	}
	return realloc(ptr, size);
}

static void fail_free(void *ptr, void *payload)
{
	(void)payload;
	free(ptr);
}

START_TEST(allocation_failure_changes_nothing)
{
	numbering_allocator allocator = {NUMBERING_ALLOCATOR_VERSION, fail_malloc, fail_realloc, fail_free, NULL};
	memset(&failer, 0, sizeof(failer));
	ck_assert_int_eq(numbering_set_allocator(&allocator), NUMBERING_OK);
	numbering_backend *b = make();
	fill_group(b);
	/* Each write below needs allocations: a new group and home, tree and hash growth,
	 * a new record; each is failed in turn until the write succeeds. */
	int writes = 0;
	for (int w = 0; w < 6; w++) {
		char name[64], parent[32];
		snprintf(parent, sizeof(parent), "projects/f%d", w % 2);
		snprintf(name, sizeof(name), "%s/things/x%d", parent, w);
		int done = 0;
		for (long n = 1; !done && n < 10000; n++) {
			struct text before = {0}, after = {0};
			dump(b, &before);
			failer.count = 0;
			failer.fired = 0;
			failer.fail_at = n;
			numbering_record r = rec(3, name, parent, LN, 1000 + w, 4, (uint64_t)(9000 + 10 * w),
			                         (uint64_t)(9000 + 10 * w + w % 3));
			r.expires = w;
			r.keys[1] = "k";
			static const char body[] = "0123456789abcdef0123456789";
			r.body = body;
			r.body_len = sizeof(body);
			ck_assert_int_eq(b->begin(b), NUMBERING_OK);
			int rc = b->put(b, &r);
			if (rc == NUMBERING_OK && w >= 3)
				rc = b->remove(b, 3, w == 3 ? "projects/p/things/t10" : w == 4 ? "projects/p/things/t11"
				                                                            : "projects/p/things/t12");
			if (rc == NUMBERING_OK && w == 5) {
				numbering_record_query q = query_init();
				q.kind = 3;
				q.parent = "projects/p";
				q.limit = 200; /* a page larger than the stack buffers */
				numbering_record_interval iv = {4, 1000, 1600};
				q.intervals = &iv;
				q.interval_count = 1;
				struct text t = {0};
				rc = b->list(b, &q, collect, &t);
				text_free(&t);
			}
			int fired = failer.fired;
			failer.fail_at = 0;
			if (rc == NUMBERING_OK) {
				ck_assert(!fired);
				ck_assert_int_eq(b->commit(b), NUMBERING_OK);
				done = 1;
				writes++;
			} else {
				ck_assert_int_eq(rc, NUMBERING_RESOURCE_EXHAUSTED);
				ck_assert(fired);
				ck_assert_int_eq(b->rollback(b), NUMBERING_OK);
				check(b);
				dump(b, &after);
				ck_assert_str_eq(text_get(&after), text_get(&before));
			}
			text_free(&before);
			text_free(&after);
		}
		ck_assert(done);
	}
	ck_assert_int_eq(writes, 6);
	check(b);
	b->free(b);
	ck_assert_int_eq(numbering_set_allocator(NULL), NUMBERING_OK);
}
END_TEST

/* Thousands of records in several groups, bodies past the slab's small size, and a rollback of removing them all. */
START_TEST(many_records_and_large_bodies)
{
	numbering_backend *b = make();
	uint32_t reserve = 5000;
	ck_assert_int_eq(b->control(b, NUMBERING__MEMORY_CONTROL_RESERVE, &reserve), NUMBERING_OK);
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	static unsigned char big[10000];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (unsigned char)i;
	for (int i = 0; i < 3000; i++) {
		char name[64];
		snprintf(name, sizeof(name), "projects/p%d/phoneNumberInstances/i%d", i % 7, i);
		numbering_record r = rec(3, name, name + 0, LN, i, 10, 2000000000 + (uint64_t)i * 3,
		                         2000000000 + (uint64_t)i * 3 + (uint64_t)(i % 2));
		char parent[32];
		snprintf(parent, sizeof(parent), "projects/p%d", i % 7);
		r.parent = parent;
		r.body = big;
		r.body_len = i % 100 == 0 ? sizeof(big) : (size_t)(i % 50);
		ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
	}
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	check(b);
	struct text t = {0};
	ck_assert_int_eq(b->get(b, 3, "projects/p0/phoneNumberInstances/i0", collect, &t), NUMBERING_OK);
	ck_assert_uint_gt(t.len, 20000);
	text_free(&t);
	ck_assert_int_eq(b->find(b, 10, 2000000000 + 3 * 2999 + 1, 2000000000 + 3 * 2999 + 1, collect, &t),
	                 NUMBERING_OK);
	ck_assert_str_eq(names_of(text_get(&t)), "projects/p3/phoneNumberInstances/i2999");
	text_free(&t);
	struct numbering__memory_stats s;
	ck_assert_int_eq(b->control(b, NUMBERING__MEMORY_CONTROL_STATS, &s), NUMBERING_OK);
	ck_assert_uint_eq(s.records, 3000);
	ck_assert_uint_eq(s.projects, 7);
	/* A rollback of removing them all puts every one back. */
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	for (int i = 0; i < 3000; i++) {
		char name[64];
		snprintf(name, sizeof(name), "projects/p%d/phoneNumberInstances/i%d", i % 7, i);
		ck_assert_int_eq(b->remove(b, 3, name), NUMBERING_OK);
	}
	ck_assert_int_eq(b->find(b, 10, 2000000000, 2000000000, collect, &t), NUMBERING_NOT_FOUND);
	ck_assert_int_eq(b->rollback(b), NUMBERING_OK);
	check(b);
	ck_assert_int_eq(b->find(b, 10, 2000000000, 2000000000, collect, &t), NUMBERING_OK);
	text_free(&t);
	ck_assert_int_eq(b->control(b, NUMBERING__MEMORY_CONTROL_CHECK, NULL), NUMBERING_OK);
	b->free(b);
}
END_TEST

/* NUMBERING__CONTROL_KEY_FIND into @t: NUMBERING_NOT_FOUND when nothing has the key. */
static int key_find(numbering_backend *b, int kind, const char *parent, const char *key, struct text *t)
{
	struct numbering__key_find kf = {kind, parent, key, collect, t, 0};
	int rc = b->control(b, NUMBERING__CONTROL_KEY_FIND, &kf);
	return rc != NUMBERING_OK ? rc : kf.found ? NUMBERING_OK : NUMBERING_NOT_FOUND;
}

static const char *key_names(numbering_backend *b, int kind, const char *parent, const char *key)
{
	static char out[8192]; /* as names_of's, so nothing is cut */
	struct text t = {0};
	int rc = key_find(b, kind, parent, key, &t);
	snprintf(out, sizeof(out), "%s", rc == NUMBERING_OK ? names_of(text_get(&t)) : rc == NUMBERING_NOT_FOUND ? "-" : "error");
	text_free(&t);
	return out;
}

static numbering_record keyed_rec(int kind, const char *name, const char *parent, unsigned flags, int64_t sort_key,
                                  const char *key)
{
	numbering_record r = rec(kind, name, parent, flags, sort_key, 0, 0, 0);
	r.keys[0] = key;
	r.keys[1] = "second"; /* only the first key is indexed */
	return r;
}

/* The key index: refused outside a transaction until a find inside one builds it for
 * the kind (from the listed and unlisted records of every group of the kind, the
 * transaction's own writes included); kept by puts, replacements, removes, in-situ
 * body updates and rollbacks (the CHECK control compares it with the records after
 * each); one kind's index is not another's. */
START_TEST(key_index_follows_every_write)
{
	numbering_backend *b = make();
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	static const char *key_parents[] = {"projects/p0", "projects/p1", "projects/p2"};
	char names[40][40], keys[40][8];
	for (int i = 0; i < 40; i++) {
		snprintf(names[i], sizeof(names[i]), "%s/entries/%d", key_parents[i % 3], i);
		snprintf(keys[i], sizeof(keys[i]), "k%d", i);
		numbering_record r = keyed_rec(10, names[i], key_parents[i % 3], i % 2 ? NUMBERING_RECORD_LISTED : 0, i + 1,
		                               i % 5 == 4 ? NULL : keys[i]);
		ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
	}
	numbering_record o = keyed_rec(11, "projects/p0/other/1", "projects/p0", 0, 1, "k1");
	ck_assert_int_eq(b->put(b, &o), NUMBERING_OK);
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	struct text t = {0};
	ck_assert_int_eq(key_find(b, 10, NULL, "k1", &t), NUMBERING_FAILED_PRECONDITION);
	check(b);
	/* Built inside a transaction that already removed and replaced records. */
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_int_eq(b->remove(b, 10, names[7]), NUMBERING_OK);
	numbering_record r = keyed_rec(10, names[8], key_parents[2], NUMBERING_RECORD_LISTED, 9, "k8b");
	ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
	ck_assert_str_eq(key_names(b, 10, NULL, "k1"), "projects/p1/entries/1");
	ck_assert_str_eq(key_names(b, 10, "projects/p1", "k1"), "projects/p1/entries/1");
	ck_assert_str_eq(key_names(b, 10, "projects/p0", "k1"), "-");
	ck_assert_str_eq(key_names(b, 10, NULL, "k2"), "projects/p2/entries/2");
	ck_assert_str_eq(key_names(b, 10, NULL, "k4"), "-");     /* a record without a first key */
	ck_assert_str_eq(key_names(b, 10, NULL, "second"), "-"); /* the second key is not indexed */
	ck_assert_str_eq(key_names(b, 10, NULL, "k7"), "-");     /* removed */
	ck_assert_str_eq(key_names(b, 10, NULL, "k8"), "-");     /* replaced with another key */
	ck_assert_str_eq(key_names(b, 10, NULL, "k8b"), "projects/p2/entries/8");
	ck_assert_str_eq(key_names(b, 11, NULL, "k1"), "projects/p0/other/1");
	ck_assert_int_eq(b->rollback(b), NUMBERING_OK);
	check(b);
	/* The kind stays indexed: finds outside a transaction now answer. */
	ck_assert_str_eq(key_names(b, 10, NULL, "k7"), "projects/p1/entries/7");
	ck_assert_str_eq(key_names(b, 10, NULL, "k8"), "projects/p2/entries/8");
	ck_assert_str_eq(key_names(b, 10, NULL, "k8b"), "-");
	/* Every kind of write, rolled back and then committed. */
	for (int pass = 0; pass < 2; pass++) {
		ck_assert_int_eq(b->begin(b), NUMBERING_OK);
		r = keyed_rec(10, "projects/p0/entries/new", "projects/p0", 0, 100, "k100");
		ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
		r = keyed_rec(10, names[2], key_parents[2], 0, 3, "k2b"); /* the key changed */
		ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
		r = keyed_rec(10, names[3], key_parents[0], NUMBERING_RECORD_LISTED, 4, NULL); /* the key dropped */
		ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
		r = keyed_rec(10, names[4], key_parents[1], 0, 5, "k4"); /* a key added */
		ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
		static const char body[] = "a new body";
		r = keyed_rec(10, names[6], key_parents[0], 0, 7, "k6"); /* the body only (in situ) */
		r.body = body;
		r.body_len = sizeof(body);
		ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
		ck_assert_int_eq(b->remove(b, 10, names[5]), NUMBERING_OK);
		ck_assert_str_eq(key_names(b, 10, NULL, "k100"), "projects/p0/entries/new");
		ck_assert_str_eq(key_names(b, 10, NULL, "k2"), "-");
		ck_assert_str_eq(key_names(b, 10, NULL, "k2b"), "projects/p2/entries/2");
		ck_assert_str_eq(key_names(b, 10, NULL, "k3"), "-");
		ck_assert_str_eq(key_names(b, 10, NULL, "k4"), "projects/p1/entries/4");
		ck_assert_str_eq(key_names(b, 10, NULL, "k5"), "-");
		ck_assert_ptr_nonnull(strstr(key_names(b, 10, NULL, "k6"), "projects/p0/entries/6"));
		if (pass == 0) {
			ck_assert_int_eq(b->rollback(b), NUMBERING_OK);
			check(b);
			ck_assert_str_eq(key_names(b, 10, NULL, "k100"), "-");
			ck_assert_str_eq(key_names(b, 10, NULL, "k2"), "projects/p2/entries/2");
			ck_assert_str_eq(key_names(b, 10, NULL, "k3"), "projects/p0/entries/3");
			ck_assert_str_eq(key_names(b, 10, NULL, "k4"), "-");
			ck_assert_str_eq(key_names(b, 10, NULL, "k5"), "projects/p2/entries/5");
		} else {
			ck_assert_int_eq(b->commit(b), NUMBERING_OK);
			check(b);
			ck_assert_str_eq(key_names(b, 10, NULL, "k100"), "projects/p0/entries/new");
			ck_assert_str_eq(key_names(b, 10, NULL, "k3"), "-");
			ck_assert_str_eq(key_names(b, 10, NULL, "k5"), "-");
		}
	}
	/* A find naming its parent indexes that group only; one of the whole kind then the
	 * other groups, not that one twice. */
	char group_names[6][32];
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	for (int i = 0; i < 6; i++) {
		snprintf(group_names[i], sizeof(group_names[i]), "%s/e/%d", key_parents[i % 3], i);
		r = keyed_rec(12, group_names[i], key_parents[i % 3], i % 2 ? NUMBERING_RECORD_LISTED : 0, i + 1, keys[i]);
		ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
	}
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_str_eq(key_names(b, 12, "projects/p1", "k1"), "projects/p1/e/1");
	ck_assert_str_eq(key_names(b, 12, "projects/p1", "k2"), "-");
	ck_assert_str_eq(key_names(b, 12, "projects/p9", "k1"), "-"); /* no such group */
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	check(b);
	ck_assert_str_eq(key_names(b, 12, "projects/p1", "k4"), "projects/p1/e/4"); /* indexed: answered outside */
	ck_assert_str_eq(key_names(b, 12, "projects/p2", "k2"), "error");           /* not yet: refused outside */
	ck_assert_str_eq(key_names(b, 12, NULL, "k2"), "error");
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_str_eq(key_names(b, 12, NULL, "k2"), "projects/p2/e/2");
	ck_assert_str_eq(key_names(b, 12, NULL, "k1"), "projects/p1/e/1");
	r = keyed_rec(12, "projects/p0/e/new", "projects/p0", 0, 9, "k9");
	ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
	ck_assert_str_eq(key_names(b, 12, "projects/p0", "k9"), "projects/p0/e/new");
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	check(b);
	/* Bad arguments. */
	ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_KEY_FIND, NULL), NUMBERING_INVALID_ARGUMENT);
	struct numbering__key_find bad = {10, NULL, NULL, collect, &t, 0};
	ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_KEY_FIND, &bad), NUMBERING_INVALID_ARGUMENT);
	bad.key = "k1";
	bad.visit = NULL;
	ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_KEY_FIND, &bad), NUMBERING_INVALID_ARGUMENT);
	bad.visit = collect;
	bad.kind = 0;
	ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_KEY_FIND, &bad), NUMBERING_INVALID_ARGUMENT);
	char long_key[NUMBERING_RECORD_KEY_MAX + 2];
	memset(long_key, 'k', sizeof(long_key) - 1);
	long_key[sizeof(long_key) - 1] = '\0';
	bad.kind = 10;
	bad.key = long_key;
	ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_KEY_FIND, &bad), NUMBERING_INVALID_ARGUMENT);
	text_free(&t);
	b->free(b);
}
END_TEST

Suite *memory_records_suite(void)
{
	Suite *s = suite_create("memory_records");
	TCase *tc = tcase_create("records");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, fields_round_trip);
	tcase_add_test(tc, bad_arguments);
	tcase_add_test(tc, numbers_exclusive_across_kinds);
	tcase_add_test(tc, find_visits_in_number_order);
	tcase_add_test(tc, ranges_found_by_their_blocks);
	tcase_add_test(tc, list_orders_and_cursors);
	tcase_add_test(tc, list_intervals);
	tcase_add_test(tc, list_expiry_order);
	tcase_add_test(tc, rollback_every_write);
	tcase_add_test(tc, body_replaced_in_situ);
	tcase_add_test(tc, replacement_within_own_numbers);
	tcase_add_test(tc, random_against_model);
	tcase_add_test(tc, allocation_failure_changes_nothing);
	tcase_add_test(tc, many_records_and_large_bodies);
	tcase_add_test(tc, key_index_follows_every_write);
	tcase_add_test(tc, prefetch_changes_nothing);
	suite_add_tcase(s, tc);
	return s;
}
