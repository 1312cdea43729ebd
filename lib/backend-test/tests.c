/*
 * The backend test kit's tests (include/numbering/sys/backend-test.h): each opens a
 * backend of the target, writes through helpers that keep the reference model
 * (model.c) in step, and compares the backend's answers with the model's; explicit
 * expectations (orders, names) pin the model itself.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kit.h"

/* Check runs each test in a child process: a test finds its target by the loop index. */
#define TARGETS_MAX 64
static numbering_backend_test_target targets[TARGETS_MAX];
static int target_count;
static const char *running_target = "?";
static unsigned int running_seed;

void kit_fail(const char *file, int line, const char *sentence, const char *fmt, ...)
{
	char detail[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	const char *base = strrchr(file, '/');
	ck_abort_msg("backend \"%s\" breaks the contract (backend test kit %s:%d, seed %u)\n  contract: %s\n  %s",
	             running_target, base ? base + 1 : file, line, running_seed, sentence, detail);
	abort(); /* not reached */
}

/* One test's backend and model. */
struct run {
	const numbering_backend_test_target *t;
	numbering_backend *b;
	struct kit_model m;
	struct kit_model saved; /* the model at begin() */
	const char *test;
};

static void run_check(struct run *r)
{
	if (r->t->check == NULL)
		return;
	int rc = r->t->check(r->b, r->t->payload);
	KIT_CLAIM(rc == NUMBERING_OK, S_CHECK, "%s: check() returned %d: %s", r->test, rc, numbering_error_message());
}

static void run_open(struct run *r, int i, const char *test)
{
	ck_assert_int_lt(i, target_count);
	memset(r, 0, sizeof(*r));
	r->t = &targets[i];
	r->test = test;
	running_target = r->t->name;
	running_seed = r->t->seed ? r->t->seed : 20240611u;
	int rc = r->t->open(&r->b, r->t->payload);
	KIT_CLAIM(rc == NUMBERING_OK && r->b != NULL, "numbering_backend_test_target.open",
	          "%s: open() returned %d: %s", test, rc, numbering_error_message());
	KIT_CLAIM(r->b->version >= NUMBERING_BACKEND_VERSION,
	          "backend.h numbering_backend.version: \"Version 2: the record store.\"", "%s: version %u", test,
	          r->b->version);
	KIT_CLAIM(r->b->begin && r->b->commit && r->b->rollback && r->b->put && r->b->remove && r->b->get &&
	              r->b->find && r->b->list && r->b->free,
	          "backend.h numbering_backend: every version 2 function but control is required",
	          "%s: a NULL function pointer", test);
}

static void run_close(struct run *r)
{
	run_check(r);
	r->b->free(r->b);
	kit_model_free(&r->m);
	kit_model_free(&r->saved);
}

static void begin(struct run *r)
{
	int rc = r->b->begin(r->b);
	KIT_CLAIM(rc == NUMBERING_OK, S_BEGIN, "%s: begin() returned %d: %s", r->test, rc, numbering_error_message());
	kit_model_free(&r->saved);
	kit_model_save(&r->saved, &r->m);
}

static void commit(struct run *r)
{
	int rc = r->b->commit(r->b);
	KIT_CLAIM(rc == NUMBERING_OK, S_COMMIT, "%s: commit() returned %d: %s", r->test, rc, numbering_error_message());
	kit_model_free(&r->saved);
}

static void rollback(struct run *r)
{
	int rc = r->b->rollback(r->b);
	KIT_CLAIM(rc == NUMBERING_OK, S_ROLLBACK, "%s: rollback() returned %d: %s", r->test, rc,
	          numbering_error_message());
	kit_model_restore(&r->m, &r->saved);
}

static char *scratch(const char *s)
{
	if (s == NULL)
		return NULL;
	size_t len = strlen(s) + 1;
	char *copy = malloc(len);
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, s, len);
	return copy;
}

static void unscratch(char *s)
{
	if (s != NULL) {
		memset(s, 'Z', strlen(s)); /* what the backend kept must be its own copy */
		free(s);
	}
}

/* put() on borrowed copies that are scribbled over and freed as soon as it returns. */
static int put_borrowed(numbering_backend *b, const struct kit_rec *rec)
{
	numbering_record view;
	kit_rec_view(&view, rec);
	char *name = scratch(rec->name), *parent = scratch(rec->parent), *keys[NUMBERING_RECORD_KEY_SLOTS];
	unsigned char *body = NULL;
	view.name = name;
	view.parent = parent;
	for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS; i++)
		view.keys[i] = keys[i] = scratch(rec->keys[i]);
	if (rec->body_len > 0 && rec->body_len <= (1u << 20)) {
		body = malloc(rec->body_len);
		ck_assert_ptr_nonnull(body);
		memcpy(body, rec->body, rec->body_len);
		view.body = body;
	}
	int rc = b->put(b, &view);
	unscratch(name);
	unscratch(parent);
	for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS; i++)
		unscratch(keys[i]);
	if (body != NULL) {
		memset(body, 0x5a, rec->body_len);
		free(body);
	}
	return rc;
}

static void expect(struct run *r, const struct kit_ask *a, const char *sentence);

static const char *status(int rc)
{
	const char *name = rc >= 0 && rc <= NUMBERING_UNAUTHENTICATED ? numbering_status_name(rc) : NULL;
	return name != NULL ? name : "a value that is no status code";
}

/* A put whose answer the model predicts. */
static int put(struct run *r, const struct kit_rec *rec)
{
	int want = kit_model_put_status(&r->m, rec);
	int rc = put_borrowed(r->b, rec);
	struct kit_buf what = {0};
	numbering_record view;
	kit_rec_view(&view, rec);
	kit_buf_printf(&what, "kind %d name \"%.80s\" interval %d:%llu..%llu flags %u", rec->kind, rec->name,
	               rec->digits, (unsigned long long)rec->first, (unsigned long long)rec->last, rec->flags);
	KIT_CLAIM(rc == want, want == NUMBERING_ALREADY_EXISTS || rc == NUMBERING_ALREADY_EXISTS ? S_EXCLUSIVE : S_PUT,
	          "%s: put(%s) returned %s (%s), expected %s", r->test, what.p, status(rc), numbering_error_message(),
	          status(want));
	kit_buf_free(&what);
	kit_model_put(&r->m, rec, rc == NUMBERING_OK);
	if (rc == NUMBERING_OK) {
		/* What was put reads back at once, though the caller's copy is gone. */
		struct kit_ask a;
		kit_ask_get(&a, rec->kind, rec->name);
		expect(r, &a, S_COPIES "; " S_OWN_WRITES);
	}
	return rc;
}

/* A put with the answer the test expects, which the model must agree with. */
static void put_expect(struct run *r, const struct kit_rec *rec, int want)
{
	ck_assert_msg(kit_model_put_status(&r->m, rec) == want, "the kit's own model disagrees (kit bug)");
	put(r, rec);
}

static void put_one(struct run *r, const struct kit_rec *rec)
{
	begin(r);
	put(r, rec);
	commit(r);
}

static void remove_expect(struct run *r, int kind, const char *name, int want)
{
	ck_assert_msg(kit_model_remove(&r->m, kind, name) == want, "the kit's own model disagrees (kit bug)");
	int rc = r->b->remove(r->b, kind, name);
	KIT_CLAIM(rc == want, S_REMOVE, "%s: remove(kind %d, \"%.80s\") returned %s, expected %s", r->test, kind, name,
	          status(rc), status(want));
}

/* Reopens the target's backend through its reopen (the caller knows it has one). */
static void reopen(struct run *r)
{
	int rc = r->t->reopen(&r->b, r->t->payload);
	KIT_CLAIM(rc == NUMBERING_OK && r->b != NULL, "numbering_backend_test_target.reopen", "reopen: %d %s", rc,
	          numbering_error_message());
}

static void expect_all(struct run *r, const char *sentence, const char *when)
{
	char context[256];
	snprintf(context, sizeof(context), "%s, %s", r->test, when);
	kit_expect_all(r->b, &r->m, sentence, context);
}

static void expect(struct run *r, const struct kit_ask *a, const char *sentence)
{
	kit_expect_same(r->b, &r->m, a, sentence, r->test);
}

/* The names the backend visits, comma-separated: pins explicit expectations. */
struct names {
	char text[4096];
	int visits;
};

static int collect_name(const numbering_record *record, void *payload)
{
	struct names *n = payload;
	size_t len = strlen(n->text);
	snprintf(n->text + len, sizeof(n->text) - len, "%s%.60s", n->visits++ ? "," : "", record->name);
	return 0;
}

static void expect_names(struct run *r, const struct kit_ask *a, const char *want)
{
	expect(r, a, NULL);
	struct names n;
	memset(&n, 0, sizeof(n));
	int rc = a->what == KIT_GET    ? r->b->get(r->b, a->kind, a->name, collect_name, &n)
	         : a->what == KIT_FIND ? r->b->find(r->b, a->digits, a->first, a->last, collect_name, &n)
	                               : r->b->list(r->b, &a->query, collect_name, &n);
	(void)rc;
	struct kit_buf what = {0};
	kit_ask_describe(a, &what);
	KIT_CLAIM(strcmp(n.text, want) == 0, kit_ask_sentence(a), "%s: %s visited \"%s\", expected \"%s\"", r->test,
	          what.p, n.text, want);
	kit_buf_free(&what);
}

static void rec(struct kit_rec *out, int kind, const char *name, const char *parent, int64_t sort_key,
                unsigned int flags, int digits, uint64_t first, uint64_t last)
{
	kit_rec_init(out, kind, name, parent, sort_key, flags);
	kit_rec_interval(out, digits, first, last);
	char body[64];
	int len = snprintf(body, sizeof(body), "body of %.20s %lld", name, (long long)sort_key);
	kit_rec_body(out, body, (size_t)len);
}

/* Builds, puts in its own transaction and frees. */
static void add(struct run *r, int kind, const char *name, const char *parent, int64_t sort_key, unsigned int flags,
                int digits, uint64_t first, uint64_t last)
{
	struct kit_rec x;
	rec(&x, kind, name, parent, sort_key, flags, digits, first, last);
	put_one(r, &x);
	kit_rec_free(&x);
}

#define LN NUMBERING_RECORD_LISTED
#define NB NUMBERING_RECORD_NUMBERS
#define KA 1
#define KB 7
#define KC NUMBERING_RECORD_KIND_MAX

/* Tests. */

START_TEST(names_unique_per_kind)
{
	struct run r;
	run_open(&r, _i, "names_unique_per_kind");
	struct kit_ask a;
	kit_ask_get(&a, KA, "x");
	expect(&r, &a, NULL);
	add(&r, KA, "x", "p", 1, LN, 0, 0, 0);
	add(&r, KB, "x", "p", 1, LN, 0, 0, 0); /* the same name and sort key in another kind */
	expect(&r, &a, S_UNIQUE);
	kit_ask_get(&a, KB, "x");
	expect(&r, &a, S_UNIQUE);
	/* Replaced: every field and index follows. */
	struct kit_rec x;
	rec(&x, KA, "x", "q", 5, NB, 3, 10, 19);
	x.expires = 77;
	kit_rec_key(&x, 0, "k0");
	kit_rec_key(&x, 2, "");
	kit_rec_body(&x, "\0\1\2\0", 4);
	put_one(&r, &x);
	expect_all(&r, S_PUT, "after a replace");
	kit_ask_list(&a, KA, NUMBERING_RECORD_ORDER_DESCENDING, "p");
	expect_names(&r, &a, "");
	kit_ask_list(&a, KA, NUMBERING_RECORD_ORDER_DESCENDING, "q");
	expect_names(&r, &a, "x");
	/* Names of any bytes, prefixes of each other, differing in case. */
	const char *names[] = {"ab", "abc", "a", "AB", "a/b/../c", " ", "x\n", "\xff\xfe\x01", "\xc3\xa9", "projects/p/x/"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		add(&r, i % 2 ? KA : KC, names[i], "n", (int64_t)i + 100, LN, 0, 0, 0);
	expect_all(&r, S_UNIQUE, "names of any bytes");
	/* Removed: gone from its kind only. */
	begin(&r);
	remove_expect(&r, KA, "x", NUMBERING_OK);
	remove_expect(&r, KA, "x", NUMBERING_NOT_FOUND);
	remove_expect(&r, KC, "abc", NUMBERING_NOT_FOUND); /* "abc" is of kind KA */
	remove_expect(&r, KA, "abc", NUMBERING_OK);
	commit(&r);
	expect_all(&r, S_REMOVE, "after removes");
	/* The visitor's value is get()'s. */
	kit_ask_get(&a, KB, "x");
	a.stop_after = 1;
	a.stop_value = 42;
	expect(&r, &a, NULL);
	a.stop_value = -3;
	expect(&r, &a, NULL);
	kit_rec_free(&x);
	run_close(&r);
}
END_TEST

START_TEST(paging_in_both_orders)
{
	struct run r;
	run_open(&r, _i, "paging_in_both_orders");
	/* Out of order, as a move brings old records in. */
	add(&r, KA, "c", "projects/p1", 30, LN, 0, 0, 0);
	add(&r, KA, "a", "projects/p1", 10, LN, 0, 0, 0);
	add(&r, KA, "e", "projects/p1", 50, 0, 0, 0, 0);
	add(&r, KA, "b", "projects/p1", 20, LN | NB, 2, 20, 29);
	add(&r, KA, "d", "projects/p1", 40, LN, 0, 0, 0);
	add(&r, KA, "other", "projects/p", 35, LN, 0, 0, 0);
	add(&r, KA, "other10", "projects/p10", 36, LN, 0, 0, 0);
	add(&r, KA, "none", "", 37, LN, 0, 0, 0);
	add(&r, KB, "kb", "projects/p1", 25, LN, 0, 0, 0);
	struct kit_ask a;
	kit_ask_list(&a, KA, NUMBERING_RECORD_ORDER_DESCENDING, "projects/p1");
	expect_names(&r, &a, "e,d,c,b,a");
	a.query.listed_only = 1;
	expect_names(&r, &a, "d,c,b,a");
	a.query.listed_only = 0;
	/* Pages of two with the cursor. */
	a.query.limit = 2;
	expect_names(&r, &a, "e,d");
	a.query.has_after = 1;
	a.query.after = 40;
	expect_names(&r, &a, "c,b");
	a.query.after = 20;
	expect_names(&r, &a, "a");
	a.query.after = 10;
	expect_names(&r, &a, "");
	a.query.after = 35; /* a cursor between keys */
	expect_names(&r, &a, "c,b");
	a.query.after = INT64_MIN;
	expect_names(&r, &a, "");
	a.query.after = INT64_MAX;
	expect_names(&r, &a, "e,d");
	kit_ask_list(&a, KA, NUMBERING_RECORD_ORDER_ASCENDING, "projects/p1");
	expect_names(&r, &a, "a,b,c,d,e");
	a.query.limit = 2;
	a.query.has_after = 1;
	a.query.after = 20;
	expect_names(&r, &a, "c,d");
	a.query.after = 50;
	expect_names(&r, &a, "");
	a.query.after = INT64_MIN;
	expect_names(&r, &a, "a,b");
	a.query.listed_only = 1;
	a.query.after = 30;
	expect_names(&r, &a, "d");
	/* Parents are compared whole; "" is a parent like any other. */
	kit_ask_list(&a, KA, NUMBERING_RECORD_ORDER_DESCENDING, "projects/p");
	expect_names(&r, &a, "other");
	kit_ask_list(&a, KA, NUMBERING_RECORD_ORDER_DESCENDING, "");
	expect_names(&r, &a, "none");
	kit_ask_list(&a, KA, NUMBERING_RECORD_ORDER_DESCENDING, "projects/p2");
	expect_names(&r, &a, "");
	kit_ask_list(&a, KB, NUMBERING_RECORD_ORDER_DESCENDING, "projects/p1");
	expect_names(&r, &a, "kb");
	/* The extremes of the sort key. */
	add(&r, KA, "min", "edge", INT64_MIN, LN, 0, 0, 0);
	add(&r, KA, "max", "edge", INT64_MAX, LN, 0, 0, 0);
	add(&r, KA, "zero", "edge", 0, LN, 0, 0, 0);
	add(&r, KA, "minus", "edge", -1, LN, 0, 0, 0);
	kit_ask_list(&a, KA, NUMBERING_RECORD_ORDER_DESCENDING, "edge");
	expect_names(&r, &a, "max,zero,minus,min");
	a.query.has_after = 1;
	a.query.after = INT64_MAX;
	expect_names(&r, &a, "zero,minus,min");
	a.query.after = 0;
	expect_names(&r, &a, "minus,min");
	kit_ask_list(&a, KA, NUMBERING_RECORD_ORDER_ASCENDING, "edge");
	expect_names(&r, &a, "min,minus,zero,max");
	a.query.has_after = 1;
	a.query.after = INT64_MIN;
	expect_names(&r, &a, "minus,zero,max");
	/* A sort key changed by a replace moves the record. */
	add(&r, KA, "min", "edge", 5, LN, 0, 0, 0);
	a.query.has_after = 0;
	expect_names(&r, &a, "minus,zero,min,max");
	/* Limits and a visitor that stops: its value is list()'s. */
	kit_ask_list(&a, KA, NUMBERING_RECORD_ORDER_DESCENDING, "projects/p1");
	a.query.limit = 1;
	expect_names(&r, &a, "e");
	a.query.limit = 0;
	a.stop_after = 2;
	a.stop_value = 7;
	expect(&r, &a, NULL);
	a.query.limit = 2; /* the limit reached at the visit that would stop: the visitor's value */
	expect(&r, &a, NULL);
	a.stop_after = 5;
	a.query.limit = 3; /* the limit first */
	expect(&r, &a, NULL);
	expect_all(&r, NULL, "end");
	run_close(&r);
}
END_TEST

START_TEST(intervals_in_list)
{
	struct run r;
	run_open(&r, _i, "intervals_in_list");
	const char *p = "projects/p1";
	add(&r, KA, "syd", p, 1, LN | NB, 11, 61255501100u, 61255501100u);
	add(&r, KA, "mel", p, 2, LN | NB, 11, 61355501100u, 61355501100u);
	add(&r, KA, "block", p, 3, LN | NB, 11, 61255509000u, 61255509099u);
	add(&r, KA, "span", p, 4, LN | NB, 11, 61255509900u, 61255510099u);
	add(&r, KA, "short", p, 5, LN | NB, 4, 6125, 6125);
	add(&r, KA, "noint", p, 6, LN, 0, 0, 0);
	/* Not holding its numbers: it may overlap, and list() still filters on it. */
	add(&r, KA, "plain", p, 7, 0, 11, 61200000000u, 61299999999u);
	add(&r, KB, "otherkind", p, 8, LN | NB, 11, 61255501101u, 61255501101u);
	struct kit_ask a;
	numbering_record_interval prefix[] = {{11, 61250000000u, 61259999999u}, {4, 6125, 6125}, {3, 612, 612}};
	kit_ask_list(&a, KA, NUMBERING_RECORD_ORDER_DESCENDING, p);
	a.query.intervals = prefix;
	a.query.interval_count = 3;
	expect_names(&r, &a, "plain,short,span,block,syd");
	a.query.listed_only = 1;
	expect_names(&r, &a, "short,span,block,syd");
	a.query.interval_count = 1;
	expect_names(&r, &a, "span,block,syd");
	/* Edges: an interval touching a range's first or last number, or one past it. */
	numbering_record_interval edge[1];
	a.query.intervals = edge;
	a.query.listed_only = 0;
	edge[0] = (numbering_record_interval){11, 61255510099u, 61255599999u};
	expect_names(&r, &a, "plain,span");
	edge[0] = (numbering_record_interval){11, 61255510100u, 61255599999u};
	expect_names(&r, &a, "plain");
	edge[0] = (numbering_record_interval){11, 61255500000u, 61255509900u};
	expect_names(&r, &a, "plain,span,block,syd");
	edge[0] = (numbering_record_interval){11, 61255509100u, 61255509899u};
	expect_names(&r, &a, "plain");
	edge[0] = (numbering_record_interval){11, 0, kit_digits_max(11)};
	expect_names(&r, &a, "plain,span,block,mel,syd");
	/* The digit count must match. */
	edge[0] = (numbering_record_interval){10, 6125550110u, 6125550110u};
	expect_names(&r, &a, "");
	edge[0] = (numbering_record_interval){12, 612555011000u, 612555011009u};
	expect_names(&r, &a, "");
	edge[0] = (numbering_record_interval){4, 0, 9999};
	expect_names(&r, &a, "short");
	/* With the cursor, ascending, and a limit. */
	a.query.intervals = prefix;
	a.query.interval_count = 2;
	a.query.order = NUMBERING_RECORD_ORDER_ASCENDING;
	a.query.has_after = 1;
	a.query.after = 3;
	a.query.limit = 2;
	expect_names(&r, &a, "span,short");
	kit_ask_list(&a, KB, NUMBERING_RECORD_ORDER_DESCENDING, p);
	a.query.intervals = prefix;
	a.query.interval_count = 1;
	expect_names(&r, &a, "otherkind");
	run_close(&r);
}
END_TEST

START_TEST(numbers_exclusive)
{
	struct run r;
	run_open(&r, _i, "numbers_exclusive");
	struct kit_ask a;
	struct kit_rec x;
	add(&r, KA, "a", "p", 1, LN | NB, 3, 100, 199);
	kit_ask_find(&a, 3, 100, 100);
	expect_names(&r, &a, "a");
	kit_ask_find(&a, 3, 199, 199);
	expect_names(&r, &a, "a");
	kit_ask_find(&a, 3, 99, 99);
	expect_names(&r, &a, "");
	kit_ask_find(&a, 3, 200, 200);
	expect_names(&r, &a, "");
	kit_ask_find(&a, 4, 150, 150); /* another digit count */
	expect_names(&r, &a, "");
	kit_ask_find(&a, 2, 50, 99);
	expect_names(&r, &a, "");
	kit_ask_find(&a, 3, 0, 999);
	expect_names(&r, &a, "a");
	kit_ask_find(&a, 3, 199, 999);
	expect_names(&r, &a, "a");
	/* Another kind, another name, or both: refused, changing nothing. */
	begin(&r);
	rec(&x, KB, "b", "p", 1, LN | NB, 3, 150, 160);
	put_expect(&r, &x, NUMBERING_ALREADY_EXISTS);
	kit_rec_free(&x);
	rec(&x, KA, "b", "p", 2, LN | NB, 3, 199, 199);
	put_expect(&r, &x, NUMBERING_ALREADY_EXISTS);
	kit_rec_free(&x);
	rec(&x, KC, "a", "p", 1, LN | NB, 3, 0, 100);
	put_expect(&r, &x, NUMBERING_ALREADY_EXISTS);
	kit_rec_free(&x);
	expect_all(&r, S_UNCHANGED, "after refused puts, in the transaction");
	/* The transaction goes on after a refusal. */
	rec(&x, KA, "b", "p", 2, LN | NB, 3, 200, 210);
	put_expect(&r, &x, NUMBERING_OK);
	kit_rec_free(&x);
	commit(&r);
	expect_all(&r, S_UNCHANGED, "after a transaction that had refused puts");
	/* The same record replacing itself with an overlapping interval. */
	rec(&x, KA, "a", "p", 1, LN | NB, 3, 90, 199);
	begin(&r);
	put_expect(&r, &x, NUMBERING_OK);
	commit(&r);
	kit_rec_free(&x);
	kit_ask_find(&a, 3, 95, 95);
	expect_names(&r, &a, "a");
	/* Shrunk: the numbers it gave up are free. */
	add(&r, KA, "a", "p", 1, LN | NB, 3, 150, 199);
	kit_ask_find(&a, 3, 100, 149);
	expect_names(&r, &a, "");
	/* A record without NUMBERS never conflicts and is never found. */
	add(&r, KB, "c", "p", 3, LN, 3, 150, 150);
	kit_ask_find(&a, 3, 150, 150);
	expect_names(&r, &a, "a");
	rec(&x, KC, "d", "p", 4, LN | NB, 3, 100, 149);
	begin(&r);
	put_expect(&r, &x, NUMBERING_OK); /* next to a, over c's interval of another digit count? no: same, but c holds none */
	commit(&r);
	kit_rec_free(&x);
	/* The same numbers with another digit count are other numbers. */
	add(&r, KB, "e", "p", 5, LN | NB, 4, 100, 199);
	/* find visits in number order, and stops with its visitor. */
	kit_ask_find(&a, 3, 0, 999);
	expect_names(&r, &a, "d,a,b");
	a.stop_after = 2;
	a.stop_value = 9;
	expect(&r, &a, NULL);
	/* Without the flag, a's numbers are free for another. */
	add(&r, KA, "a", "p", 1, LN, 3, 150, 199);
	rec(&x, KB, "f", "p", 6, NB, 3, 160, 160);
	begin(&r);
	put_expect(&r, &x, NUMBERING_OK);
	commit(&r);
	kit_rec_free(&x);
	/* ... and a cannot take the flag back while f holds one of them. */
	rec(&x, KA, "a", "p", 1, LN | NB, 3, 150, 199);
	begin(&r);
	put_expect(&r, &x, NUMBERING_ALREADY_EXISTS);
	commit(&r);
	kit_rec_free(&x);
	/* Removed: free again. */
	begin(&r);
	remove_expect(&r, KB, "f", NUMBERING_OK);
	rec(&x, KA, "a", "p", 1, LN | NB, 3, 150, 199);
	put_expect(&r, &x, NUMBERING_OK);
	commit(&r);
	kit_rec_free(&x);
	expect_all(&r, S_EXCLUSIVE, "end");
	run_close(&r);
}
END_TEST

START_TEST(secondary_keys)
{
	struct run r;
	run_open(&r, _i, "secondary_keys");
	const char *p = "projects/p1";
	struct kit_rec x;
	char long_key[NUMBERING_RECORD_KEY_MAX + 1];
	memset(long_key, 'k', NUMBERING_RECORD_KEY_MAX);
	long_key[NUMBERING_RECORD_KEY_MAX] = '\0';
	const char *keys[][NUMBERING_RECORD_KEY_SLOTS] = {
	    {"us", "mobile", NULL, NULL}, {"us", NULL, NULL, NULL}, {"", NULL, NULL, NULL},     {NULL, NULL, NULL, NULL},
	    {"US", "mobile", "", NULL},   {"u", NULL, NULL, NULL},  {"\xc3\xa9", NULL, NULL, long_key},
	};
	for (int i = 0; i < (int)(sizeof(keys) / sizeof(keys[0])); i++) {
		char name[8];
		snprintf(name, sizeof(name), "r%d", i);
		rec(&x, KA, name, p, i, LN, 0, 0, 0);
		x.expires = 10 - i;
		for (int k = 0; k < NUMBERING_RECORD_KEY_SLOTS; k++)
			kit_rec_key(&x, k, keys[i][k]);
		put_one(&r, &x);
		kit_rec_free(&x);
	}
	/* The same keys in another kind. */
	rec(&x, KB, "r0", p, 0, LN, 0, 0, 0);
	kit_rec_key(&x, 0, "us");
	put_one(&r, &x);
	kit_rec_free(&x);
	struct kit_ask a;
	kit_ask_list(&a, KA, NUMBERING_RECORD_ORDER_ASCENDING, p);
	a.query.keys[0] = "us";
	expect_names(&r, &a, "r0,r1");
	a.query.keys[1] = "mobile";
	expect_names(&r, &a, "r0");
	a.query.keys[0] = NULL;
	expect_names(&r, &a, "r0,r4");
	a.query.keys[1] = NULL;
	a.query.keys[0] = ""; /* an empty key is a key: it does not match an absent one */
	expect_names(&r, &a, "r2");
	a.query.keys[0] = "u"; /* equality, not a prefix */
	expect_names(&r, &a, "r5");
	a.query.keys[0] = "\xc3\xa9";
	expect_names(&r, &a, "r6");
	a.query.keys[0] = NULL;
	a.query.keys[3] = long_key;
	expect_names(&r, &a, "r6");
	a.query.keys[3] = NULL;
	a.query.keys[2] = "";
	expect_names(&r, &a, "r4");
	a.query.keys[2] = NULL;
	a.query.keys[1] = "US";
	expect_names(&r, &a, "");
	/* With the expiry order and no parent. */
	kit_ask_list(&a, KA, NUMBERING_RECORD_ORDER_EXPIRY, NULL);
	a.query.keys[0] = "us";
	expect_names(&r, &a, "r1,r0");
	/* A replace changes the keys it is found by. */
	rec(&x, KA, "r0", p, 0, LN, 0, 0, 0);
	x.expires = 10;
	kit_rec_key(&x, 0, "gb");
	put_one(&r, &x);
	kit_rec_free(&x);
	expect_names(&r, &a, "r1");
	expect_all(&r, NULL, "end");
	run_close(&r);
}
END_TEST

START_TEST(expiry_order)
{
	struct run r;
	run_open(&r, _i, "expiry_order");
	struct kit_rec x;
	const struct {
		const char *name, *parent;
		int64_t expires;
		unsigned int flags;
	} recs[] = {
	    {"b", "p1", 100, LN},      {"a", "p1", 100, LN},      {"z", "p1", 50, LN},       {"none", "p1", 0, LN},
	    {"c", "p2", 200, LN},      {"max", "p2", INT64_MAX, 0}, {"neg", "p1", -5, LN},   {"\xc3\xa9", "p2", 100, LN},
	    {"Z", "p1", 100, LN},      {"min", "p1", INT64_MIN, LN},
	};
	for (int i = 0; i < (int)(sizeof(recs) / sizeof(recs[0])); i++) {
		rec(&x, KA, recs[i].name, recs[i].parent, i, recs[i].flags, 0, 0, 0);
		x.expires = recs[i].expires;
		put_one(&r, &x);
		kit_rec_free(&x);
	}
	add(&r, KB, "kb", "p1", 1, LN, 0, 0, 0);
	rec(&x, KB, "kb2", "p1", 2, LN, 0, 0, 0);
	x.expires = 1;
	put_one(&r, &x);
	kit_rec_free(&x);
	struct kit_ask a;
	/* Ties by name, in byte order ("Z" < "a" < "b" < "\xc3\xa9"). */
	kit_ask_list(&a, KA, NUMBERING_RECORD_ORDER_EXPIRY, NULL);
	expect_names(&r, &a, "min,neg,z,Z,a,b,\xc3\xa9,c,max");
	a.query.expires_until = 100;
	expect_names(&r, &a, "min,neg,z,Z,a,b,\xc3\xa9");
	a.query.has_after = 1;
	a.query.after = 50;
	expect_names(&r, &a, "Z,a,b,\xc3\xa9");
	a.query.after = 100; /* every record expiring at the cursor itself is skipped */
	a.query.expires_until = 0;
	expect_names(&r, &a, "c,max");
	a.query.after = -6;
	a.query.limit = 2;
	expect_names(&r, &a, "neg,z");
	a.query.limit = 0;
	a.query.has_after = 0;
	a.query.listed_only = 1;
	expect_names(&r, &a, "min,neg,z,Z,a,b,\xc3\xa9,c");
	a.query.listed_only = 0;
	a.query.parent = "p2";
	expect_names(&r, &a, "\xc3\xa9,c,max");
	a.query.parent = "p1";
	a.query.expires_until = 99;
	expect_names(&r, &a, "min,neg,z");
	kit_ask_list(&a, KB, NUMBERING_RECORD_ORDER_EXPIRY, NULL);
	expect_names(&r, &a, "kb2");
	/* A replace that sets the expiry to 0 takes the record out of the order. */
	rec(&x, KA, "z", "p1", 2, LN, 0, 0, 0);
	put_one(&r, &x);
	kit_rec_free(&x);
	kit_ask_list(&a, KA, NUMBERING_RECORD_ORDER_EXPIRY, NULL);
	a.query.expires_until = 100;
	expect_names(&r, &a, "min,neg,Z,a,b,\xc3\xa9");
	a.stop_after = 3;
	a.stop_value = 1;
	expect(&r, &a, NULL);
	expect_all(&r, NULL, "end");
	run_close(&r);
}
END_TEST

/* A committed store of three kinds, then one transaction changing all of them. */
static void three_kinds(struct run *r)
{
	add(r, KA, "a1", "p", 1, LN | NB, 5, 10000, 10099);
	add(r, KA, "a2", "p", 2, LN, 5, 10000, 10099);
	add(r, KB, "b1", "p", 1, LN | NB, 5, 20000, 20000);
	add(r, KB, "b2", "q", 1, 0, 0, 0, 0);
	add(r, KC, "c1", "p", 1, LN | NB, 5, 30000, 30999);
	add(r, KC, "c2", "p", 2, LN, 0, 0, 0);
}

static void change_three_kinds(struct run *r)
{
	struct kit_rec x;
	rec(&x, KA, "a3", "p", 3, LN | NB, 5, 10100, 10199);
	put(r, &x);
	kit_rec_free(&x);
	rec(&x, KB, "b1", "q", 7, LN | NB, 5, 20001, 20009); /* replaced: another parent, numbers, keys, body */
	kit_rec_key(&x, 1, "status");
	x.expires = 99;
	put(r, &x);
	kit_rec_free(&x);
	remove_expect(r, KC, "c1", NUMBERING_OK);
	rec(&x, KA, "a4", "p", 4, LN | NB, 5, 30500, 30500); /* c1's numbers, freed in this transaction */
	put(r, &x);
	kit_rec_free(&x);
	rec(&x, KA, "a3", "p", 3, LN | NB, 5, 10100, 10150); /* twice in one transaction */
	put(r, &x);
	kit_rec_free(&x);
	remove_expect(r, KA, "a2", NUMBERING_OK);
	rec(&x, KA, "a2", "p", 2, 0, 0, 0, 0); /* removed and put again */
	put(r, &x);
	kit_rec_free(&x);
	rec(&x, KC, "c3", "r", 1, LN, 0, 0, 0);
	put(r, &x);
	kit_rec_free(&x);
}

START_TEST(atomic_multi_kind)
{
	struct run r;
	run_open(&r, _i, "atomic_multi_kind");
	three_kinds(&r);
	begin(&r);
	rollback(&r);
	expect_all(&r, S_ROLLBACK, "after an empty transaction");
	begin(&r);
	change_three_kinds(&r);
	expect_all(&r, S_OWN_WRITES, "inside the transaction");
	rollback(&r);
	expect_all(&r, S_ROLLBACK, "after the rollback of a transaction over three kinds");
	run_check(&r);
	begin(&r);
	change_three_kinds(&r);
	commit(&r);
	expect_all(&r, S_COMMIT, "after the commit of a transaction over three kinds");
	/* A transaction that only reads. */
	begin(&r);
	expect_all(&r, S_OWN_WRITES, "in a transaction that only reads");
	commit(&r);
	expect_all(&r, S_COMMIT, "after a transaction that only read");
	run_close(&r);
}
END_TEST

/* A block of one kind gives up one number to a record of another kind, in one
 * transaction (the library's rent: the block shrinks, its rest is put under a new
 * name, the number becomes another kind's record; a single-number record is removed
 * instead). Rolled back, everything is as it was; committed, the numbers have their
 * new holders, in every kind's eyes. */
static void split_to_other_kind(struct run *r)
{
	struct kit_rec x;
	/* Before the block gives the number up, the other kind cannot take it. */
	rec(&x, KB, "i150", "q", 1, LN | NB, 3, 150, 150);
	put_expect(r, &x, NUMBERING_ALREADY_EXISTS);
	kit_rec_free(&x);
	rec(&x, KA, "blk", "", 1, LN | NB, 3, 100, 149); /* shrunk */
	kit_rec_key(&x, 0, "US/LOCAL");
	put(r, &x);
	kit_rec_free(&x);
	rec(&x, KA, "151", "", 3, LN | NB, 3, 151, 199); /* the rest, named by its first number */
	kit_rec_key(&x, 0, "US/LOCAL");
	put(r, &x);
	kit_rec_free(&x);
	rec(&x, KB, "i150", "q", 1, LN | NB, 3, 150, 150);
	put_expect(r, &x, NUMBERING_OK);
	kit_rec_free(&x);
	remove_expect(r, KA, "300", NUMBERING_OK); /* a single number: removed */
	rec(&x, KB, "i300", "q", 2, LN | NB, 3, 300, 300);
	put_expect(r, &x, NUMBERING_OK);
	kit_rec_free(&x);
	/* The block's parts cannot take the number back, nor overlap each other. */
	rec(&x, KA, "151", "", 3, LN | NB, 3, 150, 199);
	put_expect(r, &x, NUMBERING_ALREADY_EXISTS);
	kit_rec_free(&x);
	rec(&x, KA, "blk", "", 1, LN | NB, 3, 100, 151);
	put_expect(r, &x, NUMBERING_ALREADY_EXISTS);
	kit_rec_free(&x);
}

START_TEST(split_between_kinds)
{
	struct run r;
	run_open(&r, _i, "split_between_kinds");
	struct kit_rec x;
	rec(&x, KA, "blk", "", 1, LN | NB, 3, 100, 199);
	kit_rec_key(&x, 0, "US/LOCAL");
	put_one(&r, &x);
	kit_rec_free(&x);
	add(&r, KA, "300", "", 2, LN | NB, 3, 300, 300);
	add(&r, KB, "i0", "q", 0, LN | NB, 3, 99, 99); /* the other kind's neighbour */
	struct kit_ask a;
	for (int round = 0; round < 2; round++) {
		begin(&r);
		split_to_other_kind(&r);
		expect_all(&r, S_OWN_WRITES, "inside the split");
		kit_ask_find(&a, 3, 0, 999);
		expect_names(&r, &a, "i0,blk,i150,151,i300");
		if (round == 0) {
			rollback(&r);
			expect_all(&r, S_ROLLBACK, "after the split rolled back");
			kit_ask_find(&a, 3, 0, 999);
			expect_names(&r, &a, "i0,blk,300");
			kit_ask_find(&a, 3, 150, 150);
			expect_names(&r, &a, "blk");
			kit_ask_list(&a, KB, NUMBERING_RECORD_ORDER_ASCENDING, "q");
			expect_names(&r, &a, "i0");
		} else {
			commit(&r);
			expect_all(&r, S_COMMIT, "after the split committed");
		}
	}
	kit_ask_find(&a, 3, 150, 150);
	expect_names(&r, &a, "i150");
	kit_ask_list(&a, KA, NUMBERING_RECORD_ORDER_ASCENDING, "");
	a.query.keys[0] = "US/LOCAL";
	expect_names(&r, &a, "blk,151");
	a.query.intervals = (numbering_record_interval[]){{3, 140, 160}};
	a.query.interval_count = 1;
	expect_names(&r, &a, "blk,151");
	/* Given back: the number leaves the other kind and joins the block again. */
	begin(&r);
	remove_expect(&r, KB, "i150", NUMBERING_OK);
	remove_expect(&r, KA, "151", NUMBERING_OK);
	rec(&x, KA, "blk", "", 1, LN | NB, 3, 100, 199);
	kit_rec_key(&x, 0, "US/LOCAL");
	put_expect(&r, &x, NUMBERING_OK);
	kit_rec_free(&x);
	commit(&r);
	kit_ask_find(&a, 3, 0, 999);
	expect_names(&r, &a, "i0,blk,i300");
	if (r.t->reopen != NULL) {
		reopen(&r);
		expect_all(&r, S_DURABLE, "after a reopen");
	}
	run_close(&r);
}
END_TEST

/* Due work and dead letters, as a queue keeps them: records of one kind under the
 * empty parent "", due ones by expiry (found with expires_until and a limit, every
 * parent), dead ones out of the expiry order (expires 0) and marked by key 0 "dead"
 * (found by key equality within the "" group). Records of the same kind under other
 * parents, and of another kind under "", stay out of each answer. */
START_TEST(due_and_dead_in_the_empty_parent)
{
	struct run r;
	run_open(&r, _i, "due_and_dead_in_the_empty_parent");
	struct kit_rec x;
	const struct {
		int kind;
		const char *name, *parent;
		int64_t sort_key, expires;
		const char *key0;
	} recs[] = {
	    {KA, "d1", "", 10, 300, NULL},     {KA, "d2", "", 11, 100, NULL},  {KA, "d3", "", 12, 200, NULL},
	    {KA, "x1", "", 13, 0, "dead"},     {KA, "x2", "", 14, 0, "dead"},  {KA, "x3", "", 15, 0, "deadish"},
	    {KA, "o1", "p", 10, 150, NULL},    {KA, "o2", "p", 11, 0, "dead"}, {KB, "k1", "", 10, 50, "dead"},
	    {KA, "e", "", 16, 0, ""},
	};
	begin(&r);
	for (int i = 0; i < (int)(sizeof(recs) / sizeof(recs[0])); i++) {
		rec(&x, recs[i].kind, recs[i].name, recs[i].parent, recs[i].sort_key, 0, 0, 0, 0);
		x.expires = recs[i].expires;
		kit_rec_key(&x, 0, recs[i].key0);
		put(&r, &x);
		kit_rec_free(&x);
	}
	commit(&r);
	struct kit_ask a;
	/* Due by 200, oldest due first, every parent; then only the "" group. */
	kit_ask_list(&a, KA, NUMBERING_RECORD_ORDER_EXPIRY, NULL);
	a.query.expires_until = 200;
	expect_names(&r, &a, "d2,o1,d3");
	a.query.limit = 2;
	expect_names(&r, &a, "d2,o1");
	a.query.parent = "";
	expect_names(&r, &a, "d2,d3");
	a.query.limit = 0;
	a.query.expires_until = 99;
	expect_names(&r, &a, "");
	/* The dead of the "" group, by key equality, in sort-key order. */
	kit_ask_list(&a, KA, NUMBERING_RECORD_ORDER_ASCENDING, "");
	expect_names(&r, &a, "d1,d2,d3,x1,x2,x3,e");
	a.query.keys[0] = "dead";
	expect_names(&r, &a, "x1,x2");
	a.query.limit = 1;
	expect_names(&r, &a, "x1");
	kit_ask_list(&a, KA, NUMBERING_RECORD_ORDER_DESCENDING, "");
	a.query.keys[0] = "dead";
	expect_names(&r, &a, "x2,x1");
	kit_ask_list(&a, KA, NUMBERING_RECORD_ORDER_ASCENDING, "p");
	a.query.keys[0] = "dead";
	expect_names(&r, &a, "o2");
	/* One transaction: d2 dies, x1 is retried (due at 120), rolled back then committed. */
	for (int round = 0; round < 2; round++) {
		begin(&r);
		rec(&x, KA, "d2", "", 11, 0, 0, 0, 0);
		kit_rec_key(&x, 0, "dead");
		put(&r, &x);
		kit_rec_free(&x);
		rec(&x, KA, "x1", "", 13, 0, 0, 0, 0);
		x.expires = 120;
		put(&r, &x);
		kit_rec_free(&x);
		kit_ask_list(&a, KA, NUMBERING_RECORD_ORDER_EXPIRY, "");
		a.query.expires_until = 200;
		expect_names(&r, &a, "x1,d3");
		kit_ask_list(&a, KA, NUMBERING_RECORD_ORDER_ASCENDING, "");
		a.query.keys[0] = "dead";
		expect_names(&r, &a, "d2,x2");
		if (round == 0) {
			rollback(&r);
			expect_all(&r, S_ROLLBACK, "after the rollback of a death and a retry");
			kit_ask_list(&a, KA, NUMBERING_RECORD_ORDER_EXPIRY, NULL);
			a.query.expires_until = 200;
			expect_names(&r, &a, "d2,o1,d3");
		} else {
			commit(&r);
			expect_all(&r, S_COMMIT, "after the commit of a death and a retry");
		}
	}
	/* Delivered: removed from the "" group, the rest in place. */
	begin(&r);
	remove_expect(&r, KA, "x1", NUMBERING_OK);
	commit(&r);
	kit_ask_list(&a, KA, NUMBERING_RECORD_ORDER_EXPIRY, NULL);
	expect_names(&r, &a, "o1,d3,d1");
	expect_all(&r, NULL, "end");
	run_close(&r);
}
END_TEST

START_TEST(records_at_the_limits)
{
	struct run r;
	run_open(&r, _i, "records_at_the_limits");
	char *longest = malloc(NUMBERING_RECORD_NAME_MAX + 1), *other = malloc(NUMBERING_RECORD_NAME_MAX + 1);
	char key[NUMBERING_RECORD_KEY_MAX + 1];
	ck_assert_ptr_nonnull(longest);
	ck_assert_ptr_nonnull(other);
	for (int i = 0; i < NUMBERING_RECORD_NAME_MAX; i++) {
		longest[i] = (char)('a' + i % 26);
		other[i] = (char)(1 + i % 255); /* every byte but NUL */
	}
	longest[NUMBERING_RECORD_NAME_MAX] = other[NUMBERING_RECORD_NAME_MAX] = '\0';
	for (int i = 0; i < NUMBERING_RECORD_KEY_MAX; i++)
		key[i] = (char)(1 + (i * 7) % 255);
	key[NUMBERING_RECORD_KEY_MAX] = '\0';
	struct kit_rec x;
	/* The longest name and parent, every key at its longest, the largest kind and digit count. */
	rec(&x, KC, longest, other, INT64_MAX, LN | NB, NUMBERING_RECORD_DIGITS_MAX, 0,
	    kit_digits_max(NUMBERING_RECORD_DIGITS_MAX));
	x.expires = INT64_MAX;
	for (int k = 0; k < NUMBERING_RECORD_KEY_SLOTS; k++)
		kit_rec_key(&x, k, key);
	put_one(&r, &x);
	kit_rec_free(&x);
	rec(&x, KA, other, longest, INT64_MIN, LN | NB, 1, 0, 9);
	x.expires = INT64_MIN;
	kit_rec_body(&x, NULL, 0); /* no body */
	put_one(&r, &x);
	kit_rec_free(&x);
	rec(&x, KA, "one", longest, 0, LN | NB, NUMBERING_RECORD_DIGITS_MAX, kit_digits_max(15) + 1,
	    kit_digits_max(15) + 1);
	kit_rec_body(&x, "\0\0\0", 3); /* NULs in a body */
	begin(&r);
	put_expect(&r, &x, NUMBERING_ALREADY_EXISTS);
	commit(&r);
	kit_rec_free(&x);
	/* A body of 1 MiB. */
	size_t big = 1u << 20;
	unsigned char *body = malloc(big);
	ck_assert_ptr_nonnull(body);
	for (size_t i = 0; i < big; i++)
		body[i] = (unsigned char)(i * 2654435761u >> 13);
	rec(&x, KB, "big", "", 1, 0, 0, 0, 0);
	kit_rec_body(&x, body, big);
	put_one(&r, &x);
	kit_rec_free(&x);
	free(body);
	struct kit_ask a;
	kit_ask_find(&a, NUMBERING_RECORD_DIGITS_MAX, kit_digits_max(NUMBERING_RECORD_DIGITS_MAX),
	             kit_digits_max(NUMBERING_RECORD_DIGITS_MAX));
	expect(&r, &a, NULL);
	kit_ask_find(&a, 1, 9, 9);
	expect(&r, &a, NULL);
	kit_ask_list(&a, KC, NUMBERING_RECORD_ORDER_ASCENDING, other);
	a.query.keys[0] = a.query.keys[3] = key;
	numbering_record_interval all = {NUMBERING_RECORD_DIGITS_MAX, 5, 5};
	a.query.intervals = &all;
	a.query.interval_count = 1;
	expect(&r, &a, NULL);
	expect_all(&r, NULL, "records at the limits");
	free(longest);
	free(other);
	run_close(&r);
}
END_TEST

/* The largest body: compared byte for byte without the model's copy. */
struct body_check {
	const unsigned char *want;
	size_t len;
	int same, version;
};

static int check_body(const numbering_record *record, void *payload)
{
	struct body_check *c = payload;
	c->version = (int)record->version;
	c->same = record->body_len == c->len && record->body != NULL && memcmp(record->body, c->want, c->len) == 0;
	return 0;
}

START_TEST(largest_body)
{
	struct run r;
	run_open(&r, _i, "largest_body");
	size_t len = NUMBERING_RECORD_BODY_MAX;
	unsigned char *body = malloc(len);
	ck_assert_ptr_nonnull(body);
	for (size_t i = 0; i < len; i++)
		body[i] = (unsigned char)(i * 2654435761u >> 11);
	numbering_record x;
	memset(&x, 0, sizeof(x));
	x.version = NUMBERING_RECORD_VERSION;
	x.kind = KB;
	x.name = "largest";
	x.parent = "";
	x.body = body;
	x.body_len = len;
	begin(&r);
	int rc = r.b->put(r.b, &x);
	KIT_CLAIM(rc == NUMBERING_OK, S_PUT, "put of a body of NUMBERING_RECORD_BODY_MAX bytes: %d %s", rc,
	          numbering_error_message());
	commit(&r);
	struct body_check c = {body, len, 0, 0};
	rc = r.b->get(r.b, KB, "largest", check_body, &c);
	KIT_CLAIM(rc == NUMBERING_OK && c.same && c.version != 0, S_GET,
	          "get of a body of NUMBERING_RECORD_BODY_MAX bytes: %d, same bytes %d, version %d", rc, c.same,
	          c.version);
	free(body);
	run_close(&r);
}
END_TEST

START_TEST(durable_across_reopen)
{
	struct run r;
	run_open(&r, _i, "durable_across_reopen");
	three_kinds(&r);
	begin(&r);
	change_three_kinds(&r);
	rollback(&r);
	for (int round = 0; round < 3; round++) {
		reopen(&r);
		run_check(&r);
		char when[64];
		snprintf(when, sizeof(when), "after reopen %d", round + 1);
		expect_all(&r, S_DURABLE, when);
		if (round == 0) {
			begin(&r);
			change_three_kinds(&r);
			commit(&r);
		} else if (round == 1) {
			begin(&r);
			remove_expect(&r, KA, "a1", NUMBERING_OK);
			remove_expect(&r, KB, "b1", NUMBERING_OK);
			commit(&r);
		}
	}
	run_close(&r);
}
END_TEST

/* Failure injection: a proxy that fails the n-th call of each transaction. */
struct proxy {
	numbering_backend base;
	numbering_backend *inner;
	int calls, fail_at, failed;
	int after; /* forward the failing put or remove, then report the failure */
};

static int proxy_fails(numbering_backend *b, int forwardable)
{
	struct proxy *p = (struct proxy *)b;
	if (++p->calls != p->fail_at)
		return 0;
	p->failed = 1;
	return forwardable && p->after ? 2 : 1;
}

static int p_begin(numbering_backend *b)
{
	struct proxy *p = (struct proxy *)b;
	p->calls = 0;
	return proxy_fails(b, 0) ? NUMBERING_UNAVAILABLE : p->inner->begin(p->inner);
}

static int p_commit(numbering_backend *b)
{
	struct proxy *p = (struct proxy *)b;
	return proxy_fails(b, 0) ? NUMBERING_UNAVAILABLE : p->inner->commit(p->inner);
}

static int p_rollback(numbering_backend *b)
{
	struct proxy *p = (struct proxy *)b;
	return p->inner->rollback(p->inner);
}

static int p_put(numbering_backend *b, const numbering_record *record)
{
	struct proxy *p = (struct proxy *)b;
	int f = proxy_fails(b, 1);
	if (f == 1)
		return NUMBERING_UNAVAILABLE;
	int rc = p->inner->put(p->inner, record);
	return f ? NUMBERING_UNAVAILABLE : rc;
}

static int p_remove(numbering_backend *b, int kind, const char *name)
{
	struct proxy *p = (struct proxy *)b;
	int f = proxy_fails(b, 1);
	if (f == 1)
		return NUMBERING_UNAVAILABLE;
	int rc = p->inner->remove(p->inner, kind, name);
	return f ? NUMBERING_UNAVAILABLE : rc;
}

static int p_get(numbering_backend *b, int kind, const char *name, numbering_record_visit_cb visit,
                 void *payload)
{
	struct proxy *p = (struct proxy *)b;
	return proxy_fails(b, 0) ? NUMBERING_UNAVAILABLE : p->inner->get(p->inner, kind, name, visit, payload);
}

static int p_find(numbering_backend *b, int digits, uint64_t first, uint64_t last,
                  numbering_record_visit_cb visit, void *payload)
{
	struct proxy *p = (struct proxy *)b;
	return proxy_fails(b, 0) ? NUMBERING_UNAVAILABLE : p->inner->find(p->inner, digits, first, last, visit, payload);
}

static int p_list(numbering_backend *b, const numbering_record_query *query, numbering_record_visit_cb visit,
                  void *payload)
{
	struct proxy *p = (struct proxy *)b;
	return proxy_fails(b, 0) ? NUMBERING_UNAVAILABLE : p->inner->list(p->inner, query, visit, payload);
}

static int ignore_visit(const numbering_record *record, void *payload)
{
	(void)record;
	(void)payload;
	return 0;
}

/* Puts @x through @b, and into @after (what the transaction leaves once committed);
 * frees @x. */
static int put_scripted(numbering_backend *b, struct kit_model *after, struct kit_rec *x)
{
	numbering_record view;
	kit_rec_view(&view, x);
	int rc = b->put(b, &view);
	kit_model_put(after, x, 1);
	kit_rec_free(x);
	return rc;
}

/* The transaction of change_three_kinds() with reads between, through @b; stops at the
 * first call that fails. NUMBERING_OK when it committed. */
static int scripted(numbering_backend *b, struct kit_model *after)
{
	int rc = b->begin(b);
	if (rc != NUMBERING_OK)
		return -1; /* nothing to roll back */
	struct kit_rec x;
	numbering_record_query q;
	memset(&q, 0, sizeof(q));
	q.version = NUMBERING_RECORD_QUERY_VERSION;
	q.kind = KA;
	q.parent = "p";
#define STEP(call)                              \
	do {                                    \
		if ((rc = (call)) != NUMBERING_OK) \
			goto failed;            \
	} while (0)
	rec(&x, KA, "a3", "p", 3, LN | NB, 5, 10100, 10199);
	STEP(put_scripted(b, after, &x));
	STEP(b->get(b, KA, "a3", ignore_visit, NULL));
	rec(&x, KB, "b1", "q", 7, LN | NB, 5, 20001, 20009);
	STEP(put_scripted(b, after, &x));
	STEP(b->remove(b, KC, "c1"));
	kit_model_remove(after, KC, "c1");
	rc = b->find(b, 5, 30000, 30999, ignore_visit, NULL);
	if (rc != NUMBERING_NOT_FOUND)
		goto failed;
	rec(&x, KA, "a4", "p", 4, LN | NB, 5, 30500, 30500);
	STEP(put_scripted(b, after, &x));
	STEP(b->list(b, &q, ignore_visit, NULL));
	STEP(b->remove(b, KA, "a2"));
	kit_model_remove(after, KA, "a2");
	rec(&x, KC, "c3", "r", 1, LN, 0, 0, 0);
	STEP(put_scripted(b, after, &x));
	STEP(b->commit(b));
	return NUMBERING_OK;
#undef STEP
failed:
	b->rollback(b);
	return rc == NUMBERING_OK ? NUMBERING_INTERNAL : rc;
}

static void inject_failures(struct run *r, int after)
{
	struct proxy p;
	memset(&p, 0, sizeof(p));
	p.base.version = NUMBERING_BACKEND_VERSION;
	p.base.begin = p_begin;
	p.base.commit = p_commit;
	p.base.rollback = p_rollback;
	p.base.put = p_put;
	p.base.remove = p_remove;
	p.base.get = p_get;
	p.base.find = p_find;
	p.base.list = p_list;
	p.inner = r->b;
	p.after = after;
	int n;
	for (n = 1; n < 100; n++) {
		p.fail_at = n;
		p.failed = 0;
		struct kit_model then;
		kit_model_save(&then, &r->m);
		for (size_t i = 0; i < r->m.seen_count; i++)
			kit_model_put(&then, &r->m.seen[i], 0);
		int rc = scripted(&p.base, &then);
		char when[128];
		if (p.failed) {
			snprintf(when, sizeof(when), "call %d of the transaction failed%s, then rollback()", n,
			         after ? " after reaching the backend" : "");
			KIT_CLAIM(rc != NUMBERING_OK, "the kit's proxy", "%s: the transaction committed", when);
			kit_model_free(&then);
			/* Everything it did is undone; a put it tried may have named a new record. */
			kit_expect_all(r->b, &r->m, S_ROLLBACK, when);
			continue;
		}
		KIT_CLAIM(rc == NUMBERING_OK, S_COMMIT, "the transaction without a failure returned %d: %s", rc,
		          numbering_error_message());
		kit_model_restore(&r->m, &then);
		kit_model_free(&then);
		snprintf(when, sizeof(when), "the transaction passing after %d failing ones", n - 1);
		expect_all(r, S_COMMIT, when);
		break;
	}
	ck_assert_int_gt(n, 10);
}

START_TEST(failure_injection)
{
	struct run r;
	run_open(&r, _i, "failure_injection");
	/* Names the failing transactions may touch, so that they are asked about. */
	struct kit_rec x;
	const char *tried[][2] = {{"a3", "p"}, {"a4", "p"}, {"c3", "r"}, {"b1", "q"}};
	const int kinds[] = {KA, KA, KC, KB};
	for (int i = 0; i < 4; i++) {
		kit_rec_init(&x, kinds[i], tried[i][0], tried[i][1], 0, 0);
		kit_model_put(&r.m, &x, 0);
		kit_rec_free(&x);
	}
	three_kinds(&r);
	inject_failures(&r, 0);
	run_check(&r);
	struct run r2;
	run_close(&r);
	run_open(&r2, _i, "failure_injection (the failing call reached the backend)");
	for (int i = 0; i < 4; i++) {
		kit_rec_init(&x, kinds[i], tried[i][0], tried[i][1], 0, 0);
		kit_model_put(&r2.m, &x, 0);
		kit_rec_free(&x);
	}
	three_kinds(&r2);
	inject_failures(&r2, 1);
	run_close(&r2);
}
END_TEST

/* Randomized: a reference model and the backend, the same operations, the same answers. */
static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return n ? (uint32_t)(rng_state % n) : 0;
}

static const int random_kinds[] = {KA, KB, KC};
static const char *const random_parents[] = {"", "p/a", "p/b"};
static const char *const random_keys[] = {NULL, "", "x", "y"};

static int sort_key_taken(const struct kit_model *m, int kind, const char *parent, const char *name, int64_t key)
{
	for (size_t i = 0; i < m->count; i++)
		if (m->r[i].kind == kind && m->r[i].sort_key == key && strcmp(m->r[i].parent, parent) == 0 &&
		    strcmp(m->r[i].name, name) != 0)
			return 1;
	return 0;
}

static void random_rec(struct kit_rec *x, const struct kit_model *m)
{
	char name[16];
	snprintf(name, sizeof(name), "n%u", rnd(40));
	int kind = random_kinds[rnd(3)];
	const char *parent = random_parents[rnd(3)];
	int64_t key;
	do
		key = (int64_t)rnd(601) - 300;
	while (sort_key_taken(m, kind, parent, name, key));
	kit_rec_init(x, kind, name, parent, key, rnd(4));
	if (rnd(5) != 0) {
		int digits = 3 + (int)rnd(2);
		uint64_t size = rnd(3) == 0 ? 1 + rnd(digits == 3 ? 30 : 300) : 1;
		uint64_t first = rnd((uint32_t)(kit_digits_max(digits) + 2 - size));
		kit_rec_interval(x, digits, first, first + size - 1);
	}
	x->expires = rnd(2) ? 0 : 1 + (int64_t)rnd(40);
	for (int k = 0; k < NUMBERING_RECORD_KEY_SLOTS; k++)
		kit_rec_key(x, k, random_keys[rnd(4)]);
	unsigned char body[24];
	size_t len = rnd(sizeof(body) + 1);
	for (size_t i = 0; i < len; i++)
		body[i] = (unsigned char)rnd(256);
	kit_rec_body(x, body, len);
}

static void random_ask(struct kit_ask *a, numbering_record_interval iv[2])
{
	char *name = (char *)a->name; /* a buffer of 16 the caller gave */
	switch (rnd(4)) {
	case 0:
		snprintf(name, 16, "n%u", rnd(40));
		kit_ask_get(a, random_kinds[rnd(3)], name);
		a->name = name;
		break;
	case 1: {
		int digits = 3 + (int)rnd(2);
		uint64_t first = rnd((uint32_t)kit_digits_max(digits) + 1);
		uint64_t last = first + (rnd(2) ? 0 : rnd(200));
		if (last > kit_digits_max(digits))
			last = kit_digits_max(digits);
		kit_ask_find(a, digits, first, last);
		break;
	}
	default: {
		int order = (int)rnd(3);
		const char *parent = order == NUMBERING_RECORD_ORDER_EXPIRY && rnd(2) ? NULL : random_parents[rnd(3)];
		kit_ask_list(a, random_kinds[rnd(3)], order, parent);
		numbering_record_query *q = &a->query;
		q->listed_only = rnd(3) == 0;
		if (rnd(3) == 0) {
			q->has_after = 1;
			q->after = order == NUMBERING_RECORD_ORDER_EXPIRY ? (int64_t)rnd(41) : (int64_t)rnd(601) - 300;
		}
		if (order == NUMBERING_RECORD_ORDER_EXPIRY && rnd(2))
			q->expires_until = 1 + (int64_t)rnd(40);
		q->interval_count = rnd(3) == 0 ? 1 + rnd(2) : 0;
		for (size_t i = 0; i < q->interval_count; i++) {
			iv[i].digits = 3 + (int)rnd(2);
			iv[i].first = rnd((uint32_t)kit_digits_max(iv[i].digits) + 1);
			iv[i].last = iv[i].first + rnd(100);
			if (iv[i].last > kit_digits_max(iv[i].digits))
				iv[i].last = kit_digits_max(iv[i].digits);
		}
		q->intervals = iv;
		if (rnd(3) == 0)
			q->keys[rnd(NUMBERING_RECORD_KEY_SLOTS)] = random_keys[1 + rnd(3)];
		q->limit = rnd(3) == 0 ? 1 + (int)rnd(10) : 0;
	}
	}
	if (rnd(8) == 0) {
		a->stop_after = 1 + (int)rnd(3);
		a->stop_value = 1 + (int)rnd(100);
	}
}

static void ask_random(struct run *r)
{
	struct kit_ask a;
	char name[16];
	numbering_record_interval iv[2];
	a.name = name;
	random_ask(&a, iv);
	expect(r, &a, NULL);
}

START_TEST(random_against_model)
{
	struct run r;
	run_open(&r, _i, "random_against_model");
	rng_state = 0x9e3779b97f4a7c15u ^ running_seed;
	for (int tx = 0; tx < 400; tx++) {
		begin(&r);
		int ops = 1 + (int)rnd(tx % 40 == 39 ? 60 : 8);
		for (int op = 0; op < ops; op++) {
			uint32_t what = rnd(20);
			if (what < 12) {
				struct kit_rec x;
				random_rec(&x, &r.m);
				put(&r, &x);
				kit_rec_free(&x);
			} else if (what < 17) {
				char name[16];
				int kind = random_kinds[rnd(3)];
				if (r.m.count > 0 && rnd(3)) {
					const struct kit_rec *victim = &r.m.r[rnd((uint32_t)r.m.count)];
					kind = victim->kind;
					snprintf(name, sizeof(name), "%s", victim->name);
				} else {
					snprintf(name, sizeof(name), "n%u", rnd(40));
				}
				int want = kit_model_index(&r.m, kind, name) >= 0 ? NUMBERING_OK : NUMBERING_NOT_FOUND;
				remove_expect(&r, kind, name, want);
			} else {
				ask_random(&r); /* read-your-writes */
			}
		}
		if (rnd(4) == 0)
			rollback(&r);
		else
			commit(&r);
		for (int q = 0; q < 6; q++)
			ask_random(&r);
		if (tx % 25 == 24) {
			run_check(&r);
			expect_all(&r, NULL, "the whole store");
		}
		if (tx % 100 == 99 && r.t->reopen != NULL) {
			reopen(&r);
			expect_all(&r, S_DURABLE, "the whole store after a reopen");
		}
	}
	run_close(&r);
}
END_TEST

/* Reads from four threads at once, each answer compared with the model's. */
struct reader {
	numbering_backend *b;
	const struct kit_ask *asks;
	char *const *answers;
	int count, offset, mismatches, first_mismatch;
};

static void *read_many(void *arg)
{
	struct reader *rd = arg;
	rd->first_mismatch = -1;
	for (int pass = 0; pass < 4; pass++)
		for (int k = 0; k < rd->count; k++) {
			int i = (k + rd->offset) % rd->count;
			struct kit_buf got = {0};
			int bad_version = 0;
			kit_backend_answer(rd->b, &rd->asks[i], &got, &bad_version);
			if (bad_version || strcmp(got.p, rd->answers[i]) != 0) {
				if (rd->mismatches++ == 0)
					rd->first_mismatch = i;
			}
			kit_buf_free(&got);
		}
	return NULL;
}

START_TEST(concurrent_reads)
{
	struct run r;
	run_open(&r, _i, "concurrent_reads");
	rng_state = 0x5851f42d4c957f2du ^ running_seed;
	begin(&r);
	for (int i = 0; i < 300; i++) {
		struct kit_rec x;
		random_rec(&x, &r.m);
		put(&r, &x);
		kit_rec_free(&x);
	}
	commit(&r);
	enum { ASKS = 200 };
	static struct kit_ask asks[ASKS];
	static char names[ASKS][16];
	static numbering_record_interval ivs[ASKS][2];
	char *answers[ASKS];
	for (int i = 0; i < ASKS; i++) {
		asks[i].name = names[i];
		random_ask(&asks[i], ivs[i]);
		struct kit_buf want = {0};
		kit_model_answer(&r.m, &asks[i], &want);
		answers[i] = want.p;
	}
	pthread_t threads[4];
	struct reader readers[4];
	for (int t = 0; t < 4; t++) {
		readers[t] = (struct reader){r.b, asks, answers, ASKS, t * 50, 0, -1};
		ck_assert_int_eq(pthread_create(&threads[t], NULL, read_many, &readers[t]), 0);
	}
	for (int t = 0; t < 4; t++)
		ck_assert_int_eq(pthread_join(threads[t], NULL), 0);
	for (int t = 0; t < 4; t++) {
		if (readers[t].mismatches == 0)
			continue;
		/* Say which answer differed, asked again alone. */
		expect(&r, &asks[readers[t].first_mismatch], S_CONCURRENT_READS);
		KIT_CLAIM(0, S_CONCURRENT_READS, "%d of %d answers differed in thread %d, but not when asked alone",
		          readers[t].mismatches, 4 * ASKS, t);
	}
	for (int i = 0; i < ASKS; i++)
		free(answers[i]);
	run_close(&r);
}
END_TEST

/* Two handles on one storage, writing at once: of two overlapping NUMBERS puts exactly
 * one commits. */
#define RACE_ROUNDS 60

struct writer {
	numbering_backend *b;
	pthread_barrier_t *barrier;
	int id;
	int won[RACE_ROUNDS];
	int error, error_round;
};

static void race_rec(struct kit_rec *x, int id, int round)
{
	char name[32];
	snprintf(name, sizeof(name), "w%d-%d", id, round);
	/* Other kinds on even rounds, the same kind on odd ones; every fourth round apart. */
	int kind = round % 2 ? KA : id ? KB : KA;
	uint64_t base = 100000u + (uint64_t)round * 100u;
	uint64_t first = base + (id == 0 ? 0 : round % 4 == 3 ? 50 : 5);
	kit_rec_init(x, kind, name, "race", (int64_t)round * 2 + id, LN | NB);
	kit_rec_interval(x, 6, first, first + 9);
	kit_rec_body(x, name, strlen(name));
}

static int race_overlaps(int round)
{
	return round % 4 != 3;
}

static void *race(void *arg)
{
	struct writer *w = arg;
	for (int round = 0; round < RACE_ROUNDS; round++) {
		struct kit_rec x;
		race_rec(&x, w->id, round);
		numbering_record view;
		kit_rec_view(&view, &x);
		pthread_barrier_wait(w->barrier);
		int rc;
		/* A busy backend may ask the caller to try again. */
		for (int tries = 0; (rc = w->b->begin(w->b)) == NUMBERING_UNAVAILABLE || rc == NUMBERING_ABORTED;
		     tries++) {
			if (tries > 5000)
				break;
			struct timespec pause = {0, 1000000};
			nanosleep(&pause, NULL);
		}
		if (rc == NUMBERING_OK) {
			rc = w->b->put(w->b, &view);
			if (rc == NUMBERING_OK) {
				rc = w->b->commit(w->b);
				w->won[round] = rc == NUMBERING_OK;
				if (rc == NUMBERING_ALREADY_EXISTS || rc == NUMBERING_ABORTED) {
					w->b->rollback(w->b); /* a commit may refuse: then nothing is visible */
					rc = NUMBERING_OK;
				}
			} else {
				w->b->rollback(w->b);
				if (rc == NUMBERING_ALREADY_EXISTS || rc == NUMBERING_ABORTED)
					rc = NUMBERING_OK;
			}
		}
		if (rc != NUMBERING_OK && w->error == 0) {
			w->error = rc;
			w->error_round = round;
		}
		kit_rec_free(&x);
	}
	return NULL;
}

START_TEST(two_handles_race)
{
	struct run r;
	run_open(&r, _i, "two_handles_race");
	numbering_backend *second = NULL;
	int rc = r.t->open_second(&second, r.b, r.t->payload);
	KIT_CLAIM(rc == NUMBERING_OK && second != NULL, "numbering_backend_test_target.open_second", "%d %s", rc,
	          numbering_error_message());
	pthread_barrier_t barrier;
	pthread_barrier_init(&barrier, NULL, 2);
	struct writer w[2];
	memset(w, 0, sizeof(w));
	pthread_t threads[2];
	for (int t = 0; t < 2; t++) {
		w[t].b = t ? second : r.b;
		w[t].barrier = &barrier;
		w[t].id = t;
		ck_assert_int_eq(pthread_create(&threads[t], NULL, race, &w[t]), 0);
	}
	for (int t = 0; t < 2; t++)
		ck_assert_int_eq(pthread_join(threads[t], NULL), 0);
	pthread_barrier_destroy(&barrier);
	for (int t = 0; t < 2; t++)
		KIT_CLAIM(w[t].error == 0, S_COMMIT, "handle %d, round %d: %d", t + 1, w[t].error_round, w[t].error);
	for (int round = 0; round < RACE_ROUNDS; round++) {
		int winners = w[0].won[round] + w[1].won[round];
		if (race_overlaps(round))
			KIT_CLAIM(winners == 1, S_EXCLUSIVE,
			          "round %d: two handles put overlapping NUMBERS records at once and %d committed", round,
			          winners);
		else
			KIT_CLAIM(winners == 2, S_COMMIT,
			          "round %d: two handles put records of disjoint numbers at once and %d committed", round,
			          winners);
		for (int t = 0; t < 2; t++)
			if (w[t].won[round]) {
				struct kit_rec x;
				race_rec(&x, t, round);
				kit_model_put(&r.m, &x, 1);
				kit_rec_free(&x);
			}
	}
	/* Both handles see every commit of either. */
	expect_all(&r, S_COMMIT, "first handle, after the race");
	kit_expect_all(second, &r.m, S_COMMIT, "two_handles_race, second handle, after the race");
	second->free(second);
	run_close(&r);
}
END_TEST

/* find() over intervals at a range's edges (touching, containing, inside, one past),
 * with one-number records of other digit counts; a move (remove, then put under another
 * name with the same numbers) and a split (shrink, then put the rest) in one
 * transaction, whose finds see each step. */
START_TEST(find_at_edges_and_moves)
{
	struct run r;
	run_open(&r, _i, "find_at_edges_and_moves");
	struct kit_ask a;
	const char *p = "projects/p1";
	add(&r, KA, "single", p, 1, LN | NB, 10, 2025550134u, 2025550134u);
	add(&r, KA, "single11", p, 2, LN | NB, 11, 12025550134u, 12025550134u);
	add(&r, KA, "range", p, 3, LN | NB, 11, 61255501100u, 61255501199u);
	add(&r, KB, "pending", "projects/p2", 4, LN | NB, 11, 61255501250u, 61255501250u);
	add(&r, KA, "gone", p, 5, 0, 11, 61255501050u, 61255501150u); /* holds none of its numbers */
	static const struct {
		int digits;
		uint64_t first, last;
		const char *want;
	} finds[] = {
	    {10, 2025550134u, 2025550134u, "single"},
	    {11, 12025550134u, 12025550134u, "single11"},
	    {11, 2025550134u, 2025550134u, ""}, /* the digit count tells them apart */
	    {12, 12025550134u, 12025550134u, ""},
	    {11, 61255501100u, 61255501100u, "range"},
	    {11, 61255501142u, 61255501142u, "range"},
	    {11, 61255501199u, 61255501199u, "range"},
	    {11, 61255501099u, 61255501099u, ""},
	    {11, 61255501200u, 61255501200u, ""},
	    {11, 61255501050u, 61255501050u, ""}, /* inside a record without NUMBERS */
	    {11, 61255501000u, 61255501100u, "range"}, /* touching the first number */
	    {11, 61255501199u, 61255501249u, "range"}, /* touching the last */
	    {11, 61255501150u, 61255501160u, "range"}, /* inside */
	    {11, 61255500000u, 61255501099u, ""},      /* ending one before */
	    {11, 61255501200u, 61255501249u, ""},      /* between two */
	    {11, 61255501200u, 61299999999u, "pending"},
	    {11, 61255501000u, 61255501250u, "range,pending"}, /* containing both, across kinds */
	    {11, 61255501251u, 61299999999u, ""},
	    {10, 2025550000u, 2025559999u, "single"},
	    {10, 2025550135u, 2025559999u, ""},
	    {10, 0, 9999999999u, "single"},
	    {11, 0, 99999999999u, "single11,range,pending"},
	    {9, 0, 999999999u, ""},
	};
	for (size_t i = 0; i < sizeof(finds) / sizeof(finds[0]); i++) {
		kit_ask_find(&a, finds[i].digits, finds[i].first, finds[i].last);
		expect_names(&r, &a, finds[i].want);
	}
	/* A move: the numbers change owner in one transaction. */
	begin(&r);
	remove_expect(&r, KA, "single", NUMBERING_OK);
	kit_ask_find(&a, 10, 2025550134u, 2025550134u);
	expect_names(&r, &a, "");
	struct kit_rec x;
	rec(&x, KB, "moved", "projects/p2", 6, LN | NB, 10, 2025550134u, 2025550134u);
	put_expect(&r, &x, NUMBERING_OK);
	kit_rec_free(&x);
	expect_names(&r, &a, "moved");
	commit(&r);
	expect_names(&r, &a, "moved");
	/* A split: the range shrinks and the rest is another record, one transaction. */
	begin(&r);
	rec(&x, KA, "range", p, 3, LN | NB, 11, 61255501100u, 61255501109u);
	put_expect(&r, &x, NUMBERING_OK);
	kit_rec_free(&x);
	kit_ask_find(&a, 11, 61255501110u, 61255501199u);
	expect_names(&r, &a, "");
	rec(&x, KA, "rest", p, 7, LN | NB, 11, 61255501110u, 61255501199u);
	put_expect(&r, &x, NUMBERING_OK);
	kit_rec_free(&x);
	expect_names(&r, &a, "rest");
	commit(&r);
	kit_ask_find(&a, 11, 61255501105u, 61255501115u);
	expect_names(&r, &a, "range,rest");
	expect_all(&r, S_FIND, "end");
	run_close(&r);
}
END_TEST

/* How many records of @kind the model holds. */
static int64_t model_count(const struct kit_model *m, int kind)
{
	int64_t n = 0;
	for (size_t i = 0; i < m->count; i++)
		n += m->r[i].kind == kind;
	return n;
}

#define S_CONTROL                                                                                              \
	"backend.h control(): \"NUMBERING_UNIMPLEMENTED for an op it does not know\"; "                         \
	"NUMBERING_BACKEND_CONTROL_COUNT: \"set count to how many records of kind the backend holds\""

/* Answers COUNT like the model, or not at all (UNIMPLEMENTED), inside a transaction too. */
static void expect_counts(struct run *r, const char *when)
{
	static const int kinds[] = {KA, KB, KC, 2};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		numbering_backend_count count = {kinds[i], -12345};
		int rc = r->b->control(r->b, NUMBERING_BACKEND_CONTROL_COUNT, &count);
		if (rc == NUMBERING_UNIMPLEMENTED)
			return;
		KIT_CLAIM(rc == NUMBERING_OK, S_CONTROL, "%s, %s: control(COUNT, kind %d) returned %s: %s", r->test, when,
		          kinds[i], status(rc), numbering_error_message());
		int64_t want = model_count(&r->m, kinds[i]);
		KIT_CLAIM(count.count == want, S_CONTROL, "%s, %s: control(COUNT, kind %d) counted %lld, expected %lld",
		          r->test, when, kinds[i], (long long)count.count, (long long)want);
	}
}

/* control() is optional; one that is given answers an op it does not know with
 * UNIMPLEMENTED (whatever its argument), and COUNT, when it answers, counts right. */
START_TEST(control_ops)
{
	struct run r;
	run_open(&r, _i, "control_ops");
	if (r.b->control == NULL) {
		run_close(&r);
		return;
	}
	static const int unknown[] = {0x7fffffff, -1, 0, 0x4e42ffff};
	int64_t dummy = 0;
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		int rc = r.b->control(r.b, unknown[i], NULL);
		KIT_CLAIM(rc == NUMBERING_UNIMPLEMENTED, S_CONTROL, "control_ops: control(0x%x, NULL) returned %s",
		          (unsigned)unknown[i], status(rc));
		rc = r.b->control(r.b, unknown[i], &dummy);
		KIT_CLAIM(rc == NUMBERING_UNIMPLEMENTED, S_CONTROL, "control_ops: control(0x%x, arg) returned %s",
		          (unsigned)unknown[i], status(rc));
	}
	expect_counts(&r, "empty");
	add(&r, KA, "a", "p", 1, LN, 0, 0, 0);
	add(&r, KA, "b", "p", 2, LN | NB, 3, 100, 109);
	add(&r, KB, "a", "p", 1, 0, 0, 0, 0);
	add(&r, KA, "a", "q", 3, LN, 0, 0, 0); /* a replace counts once */
	expect_counts(&r, "after puts and a replace");
	begin(&r);
	remove_expect(&r, KA, "a", NUMBERING_OK);
	struct kit_rec x;
	rec(&x, KC, "c", "p", 1, NB, 3, 105, 105);
	put_expect(&r, &x, NUMBERING_ALREADY_EXISTS); /* refused: not counted */
	kit_rec_free(&x);
	expect_counts(&r, "inside a transaction");
	rollback(&r);
	expect_counts(&r, "after a rollback");
	begin(&r);
	remove_expect(&r, KB, "a", NUMBERING_OK);
	commit(&r);
	expect_counts(&r, "after a remove");
	run_close(&r);
}
END_TEST

Suite *numbering_backend_test_suite(const numbering_backend_test_target *target)
{
	if (target == NULL || target->version == 0 || target->name == NULL || target->open == NULL ||
	    target_count >= TARGETS_MAX)
		return NULL;
	int i = target_count++;
	targets[i] = *target;
	Suite *s = suite_create(target->name);
	TCase *tc = tcase_create(target->name);
	tcase_set_timeout(tc, target->timeout > 0 ? target->timeout : 300);
	tcase_add_loop_test(tc, names_unique_per_kind, i, i + 1);
	tcase_add_loop_test(tc, paging_in_both_orders, i, i + 1);
	tcase_add_loop_test(tc, intervals_in_list, i, i + 1);
	tcase_add_loop_test(tc, numbers_exclusive, i, i + 1);
	tcase_add_loop_test(tc, secondary_keys, i, i + 1);
	tcase_add_loop_test(tc, expiry_order, i, i + 1);
	tcase_add_loop_test(tc, atomic_multi_kind, i, i + 1);
	tcase_add_loop_test(tc, split_between_kinds, i, i + 1);
	tcase_add_loop_test(tc, due_and_dead_in_the_empty_parent, i, i + 1);
	tcase_add_loop_test(tc, records_at_the_limits, i, i + 1);
	tcase_add_loop_test(tc, largest_body, i, i + 1);
	tcase_add_loop_test(tc, failure_injection, i, i + 1);
	tcase_add_loop_test(tc, random_against_model, i, i + 1);
	tcase_add_loop_test(tc, concurrent_reads, i, i + 1);
	tcase_add_loop_test(tc, find_at_edges_and_moves, i, i + 1);
	tcase_add_loop_test(tc, control_ops, i, i + 1);
	if (target->reopen != NULL)
		tcase_add_loop_test(tc, durable_across_reopen, i, i + 1);
	if (target->open_second != NULL)
		tcase_add_loop_test(tc, two_handles_race, i, i + 1);
	suite_add_tcase(s, tc);
	return s;
}
