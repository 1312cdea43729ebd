/*
 * The shared index of the file backend (docs/FILE-FORMAT.md, "The shared index";
 * backends/file/file-shared.c): reader processes that map PATH.idx and the log answer
 * get and resolve without a heap of their own, see each commit of a writer process
 * right after it returns and never half of one, follow compactions and the change
 * journal (every change once, in order, through ring wraps), keep answering
 * (and never wrongly) while writers are killed at random points, and do not believe a
 * damaged, cut, planted or stale index.
 */
#define _DEFAULT_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <numbering/numbering.h>
#include <numbering/sys/backend.h>
#include <numbering/sys/file.h>

#include <numbering/sys/backend-test.h>

#include "../backends/file/file-internal.h"
#include "../backends/memory/memory.h"
#include "model/kinds.h"
#include "kit-file.h"
#include "reader-procs.h"
#include "suites.h"
#include "temp-dir.h"

#define P1 "projects/p1"

static char dir_buf[128], path_buf[200], idx_buf[220];

static void cleanup(void)
{
	if (dir_buf[0] != '\0')
		temp_dir_remove(dir_buf);
	dir_buf[0] = '\0';
}

static const char *new_path(void)
{
	cleanup();
	const char *base = getenv("TMPDIR");
	snprintf(dir_buf, sizeof(dir_buf), "%s/numbering-shared-XXXXXX", base && base[0] ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir_buf));
	snprintf(path_buf, sizeof(path_buf), "%s/store.db", dir_buf);
	snprintf(idx_buf, sizeof(idx_buf), "%s.idx", path_buf);
	return path_buf;
}

static void note(const char *message, void *payload)
{
	(void)payload;
	if (getenv("NUMBERING_TEST_NOTES") != NULL)
		fprintf(stderr, "note: %s\n", message);
}

static numbering_backend *open_backend(const char *path, int read_only, int shared)
{
	numbering_file_options o = NUMBERING_FILE_OPTIONS_INIT;
	o.diagnostic = note;
	o.sync_mode = NUMBERING_FILE_SYNC_OFF;
	o.compact_min_bytes = -1;
	o.read_only = read_only;
	o.shared_index = shared;
	numbering_backend *b = NULL;
	int rc = numbering_file_backend_new(&b, path, &o);
	ck_assert_msg(rc == NUMBERING_OK, "open %s: %s", path, numbering_error_message());
	return b;
}

/* Whether @b answers from the shared index, with no heap. */
static int served_shared(numbering_backend *b)
{
	struct file *f = (struct file *)b;
	return f->shared_reader && f->shx != NULL && !numbering__file_heap_any(f);
}

/* Records: kind 1, "P1/phoneNumberInstances/N<i>", number 1555000<i> (7+ digits),
 * or a range of @span numbers from there; the body names the version. */
static void put_rec(numbering_backend *b, int i, uint64_t first, uint64_t span, int version)
{
	char name[96], body[32], parent[] = P1;
	snprintf(name, sizeof(name), P1 "/phoneNumberInstances/N%d", i);
	snprintf(body, sizeof(body), "v%d-%d", i, version);
	numbering_record r;
	memset(&r, 0, sizeof(r));
	r.version = NUMBERING_RECORD_VERSION;
	r.kind = 1;
	r.flags = NUMBERING_RECORD_LISTED | NUMBERING_RECORD_NUMBERS;
	r.name = name;
	r.parent = parent;
	r.sort_key = i + 1;
	r.digits = 11;
	r.first = first;
	r.last = first + span - 1;
	r.body = body;
	r.body_len = strlen(body);
	int rc = b->put(b, &r);
	ck_assert_msg(rc == NUMBERING_OK, "put %d: %s", i, numbering_error_message());
}

static uint64_t number_of(int i)
{
	return 15550000000ULL + (uint64_t)i * 100;
}

struct seen {
	char body[64];
	char name[128];
	int visits;
};

static int remember(const numbering_record *r, void *payload)
{
	struct seen *s = payload;
	snprintf(s->body, sizeof(s->body), "%.*s", (int)r->body_len, (const char *)r->body);
	snprintf(s->name, sizeof(s->name), "%s", r->name);
	s->visits++;
	return 0;
}

static int resolve(numbering_backend *b, uint64_t number, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	return b->find(b, 11, number, number, remember, s);
}

static int get(numbering_backend *b, int i, struct seen *s)
{
	char name[96];
	snprintf(name, sizeof(name), P1 "/phoneNumberInstances/N%d", i);
	memset(s, 0, sizeof(*s));
	return b->get(b, 1, name, remember, s);
}

/* A store of @n records (every fifth a range of 10 numbers), written with the index. */
static void fill(const char *path, int n)
{
	numbering_backend *w = open_backend(path, 0, 1);
	ck_assert_int_eq(w->begin(w), NUMBERING_OK);
	for (int i = 0; i < n; i++)
		put_rec(w, i, number_of(i), i % 5 == 4 ? 10 : 1, 1);
	ck_assert_int_eq(w->commit(w), NUMBERING_OK);
	w->free(w);
}

/* Every record answers from @b as written (version @version). */
static void check_all(numbering_backend *b, int n, int version)
{
	struct seen s;
	char want[32];
	for (int i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "v%d-%d", i, version);
		ck_assert_msg(get(b, i, &s) == NUMBERING_OK, "get %d: %s", i, numbering_error_message());
		ck_assert_str_eq(s.body, want);
		uint64_t inside = number_of(i) + (i % 5 == 4 ? 7 : 0);
		ck_assert_msg(resolve(b, inside, &s) == NUMBERING_OK, "resolve %d: %s", i, numbering_error_message());
		ck_assert_str_eq(s.body, want);
		ck_assert_int_eq(s.visits, 1);
		ck_assert_int_eq(resolve(b, number_of(i) + 50, &s), NUMBERING_NOT_FOUND);
	}
	ck_assert_int_eq(get(b, n + 1000, &s), NUMBERING_NOT_FOUND);
	/* Bad arguments: the errors of every backend, and no heap built for them. */
	ck_assert_int_eq(b->get(b, 0, "x", remember, &s), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(b->get(b, 1, NULL, remember, &s), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(b->find(b, 0, 1, 1, remember, &s), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(b->find(b, 11, 5, 4, remember, &s), NUMBERING_INVALID_ARGUMENT);
}

/* A reader answers from the index (no heap), sees each commit of another writer right
 * after it returns (updates, a number moved, a removal), follows a compaction, and
 * builds a heap of one kind only when something lists. */
START_TEST(shared_reader_basic)
{
	enum { N = 300 };
	const char *path = new_path();
	fill(path, N);
	struct stat st;
	ck_assert_int_eq(lstat(idx_buf, &st), 0);
	numbering_backend *r = open_backend(path, 1, 1);
	ck_assert(served_shared(r));
	check_all(r, N, 1);
	ck_assert(served_shared(r));

	numbering_backend *w = open_backend(path, 0, 0); /* keeps the index: the lock file says so */
	ck_assert_int_eq(w->begin(w), NUMBERING_OK);
	for (int i = 0; i < N; i++)
		put_rec(w, i, number_of(i), i % 5 == 4 ? 10 : 1, 2);
	ck_assert_int_eq(w->commit(w), NUMBERING_OK);
	check_all(r, N, 2);
	/* Caught up from the index's change word: no stat of the store, no read of its file. */
	struct file *rf = (struct file *)r;
	ck_assert_int_eq(rf->quick_catch_ups, 1);
	/* A number moved from one record to another in one transaction; one removed. */
	ck_assert_int_eq(w->begin(w), NUMBERING_OK);
	ck_assert_int_eq(w->remove(w, 1, P1 "/phoneNumberInstances/N0"), NUMBERING_OK);
	put_rec(w, 1, number_of(0), 1, 3);
	ck_assert_int_eq(w->commit(w), NUMBERING_OK);
	struct seen s;
	ck_assert_int_eq(get(r, 0, &s), NUMBERING_NOT_FOUND);
	ck_assert_int_eq(resolve(r, number_of(0), &s), NUMBERING_OK);
	ck_assert_str_eq(s.body, "v1-3");
	ck_assert_int_eq(resolve(r, number_of(1), &s), NUMBERING_NOT_FOUND);
	/* A range grown, another shrunk to one number. */
	ck_assert_int_eq(w->begin(w), NUMBERING_OK);
	put_rec(w, 2, number_of(2), 50, 4);
	put_rec(w, 4, number_of(4) + 3, 1, 4);
	ck_assert_int_eq(w->commit(w), NUMBERING_OK);
	ck_assert_int_eq(resolve(r, number_of(2) + 49, &s), NUMBERING_OK);
	ck_assert_str_eq(s.body, "v2-4");
	ck_assert_int_eq(resolve(r, number_of(4), &s), NUMBERING_NOT_FOUND);
	ck_assert_int_eq(resolve(r, number_of(4) + 3, &s), NUMBERING_OK);
	ck_assert_str_eq(s.body, "v4-4");
	ck_assert(served_shared(r));
	ck_assert_int_eq(rf->quick_catch_ups, 3);
	/* Compaction: a new log and a new index, which the reader follows (not from the
	 * change word, which the compaction does not set: the old file's index is replaced). */
	ck_assert_int_eq(w->control(w, NUMBERING_FILE_CONTROL_COMPACT, NULL), NUMBERING_OK);
	ck_assert_int_eq(get(r, 0, &s), NUMBERING_NOT_FOUND);
	ck_assert_int_eq(get(r, 3, &s), NUMBERING_OK);
	ck_assert_str_eq(s.body, "v3-2");
	ck_assert_int_eq(resolve(r, number_of(2) + 49, &s), NUMBERING_OK);
	ck_assert_str_eq(s.body, "v2-4");
	ck_assert(served_shared(r));
	ck_assert_int_eq(rf->quick_catch_ups, 3);
	/* A list: a heap of that kind only, then reads go on from the index. */
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = 1;
	q.parent = P1;
	struct seen all;
	memset(&all, 0, sizeof(all));
	ck_assert_int_eq(r->list(r, &q, remember, &all), NUMBERING_OK);
	ck_assert_int_eq(all.visits, N - 1);
	struct file *f = (struct file *)r;
	ck_assert(numbering__file_heap_has(f, 1));
	ck_assert(!numbering__file_heap_has(f, 2));
	ck_assert(!f->heap_all);
	ck_assert_int_eq(w->begin(w), NUMBERING_OK);
	put_rec(w, 3, number_of(3), 1, 5);
	ck_assert_int_eq(w->commit(w), NUMBERING_OK);
	ck_assert_int_eq(get(r, 3, &s), NUMBERING_OK);
	ck_assert_str_eq(s.body, "v3-5");
	/* The heap of that kind caught up from the log mapped, the index vouching for it. */
	ck_assert_int_eq(rf->quick_catch_ups, 4);
	memset(&all, 0, sizeof(all));
	q.limit = 1;
	q.order = NUMBERING_RECORD_ORDER_ASCENDING;
	ck_assert_int_eq(r->list(r, &q, remember, &all), NUMBERING_OK);
	ck_assert_int_eq(all.visits, 1);
	ck_assert_str_eq(all.body, "v1-3");
	w->free(w);
	r->free(r);
	cleanup();
}
END_TEST

/* The tables grow: a transaction adding more ranges than the range table holds, then
 * more names and numbers than their tables hold, each read at once from a new index. */
/* A store of a writer process, for the store-level tests below. */
static numbering_store *open_store_on(numbering_backend *b)
{
	numbering_options o = NUMBERING_OPTIONS_INIT;
	o.backend = b;
	numbering_store *s = NULL;
	int rc = numbering_store_open(&s, &o);
	ck_assert_msg(rc == NUMBERING_OK, "open a store: %s", numbering_error_message());
	return s;
}

static void create_number(numbering_store *s, const char *number, const char *id)
{
	numbering_instance *req = NULL, *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&req), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_phone_number(req, number), NUMBERING_OK);
	int rc = numbering_store_create(&out, s, NULL, P1, req, id, NULL, NULL);
	ck_assert_msg(rc == NUMBERING_OK, "create %s: %s", number, numbering_error_message());
	numbering_instance_free(req);
	numbering_instance_free(out);
}

/* The change journal's last sequence and the number of changes after @after, as a
 * store lists them. */
static int64_t changes_after(numbering_store *s, int64_t after, int *count)
{
	numbering_change_page *page = NULL;
	int rc = numbering_store_list_changes(&page, s, NULL, after, 100);
	ck_assert_msg(rc == NUMBERING_OK, "list changes: %s", numbering_error_message());
	*count = numbering_change_page_count(page);
	int64_t last = numbering_change_page_last_sequence(page);
	numbering_change_page_free(page);
	return last;
}

/* A read-only store on the shared index keeps no heap for resolves: its open does not
 * list the change journal (which only a commit needs), so another process's commit
 * costs its next read the index's change word, not a replay of the commit's records
 * into a heap; ListChanges still reads the journal as it is, and once it has, the
 * journal's kind is kept (and caught up) from then on. */
START_TEST(shared_reader_store_keeps_no_heap)
{
	const char *path = new_path();
	numbering_store *ws = open_store_on(open_backend(path, 0, 1));
	create_number(ws, "+12125550100", "a0");
	numbering_backend *rb = open_backend(path, 1, 1);
	numbering_store *rs = open_store_on(rb);
	struct file *rf = (struct file *)rb;
	ck_assert(served_shared(rb));
	numbering_resolution *res = NULL;
	ck_assert_int_eq(numbering_resolution_new(&res), NUMBERING_OK);
	for (int i = 1; i <= 3; i++) {
		char number[32], id[16];
		snprintf(number, sizeof(number), "+1212555010%d", i);
		snprintf(id, sizeof(id), "a%d", i);
		create_number(ws, number, id);
		ck_assert_msg(numbering_store_resolve(res, rs, NULL, number, NULL) == NUMBERING_OK, "resolve %s: %s", number,
		              numbering_error_message());
		ck_assert_str_eq(numbering_resolution_phone_number(res), number);
		ck_assert(served_shared(rb));
		ck_assert_int_eq(rf->quick_catch_ups, i);
	}
	int count = 0;
	int64_t last = changes_after(rs, 0, &count);
	ck_assert_int_ge(last, 4);
	ck_assert_int_eq(count, (int)last);
	ck_assert(numbering__file_heap_has(rf, NUMBERING__KIND_CHANGE));
	create_number(ws, "+12125550109", "a9");
	ck_assert_int_eq(changes_after(rs, last, &count), last + 1);
	ck_assert_int_eq(count, 1);
	numbering_resolution_free(res);
	numbering_store_close(rs);
	numbering_store_close(ws);
	cleanup();
}
END_TEST

static int count_visit(const numbering_record *record, void *payload)
{
	(void)record;
	++*(int *)payload;
	return 0;
}

/* A shared reader lists one kind after another with no commit between (a read-only
 * dashboard): each kind not in its heap yet rebuilds the heap with it, the replaced
 * heaps kept until the next catch-up (readers may be in them). Every kind, twice: each
 * listing answers (it said "too many heap rebuilds in one open; reopen it" after 16),
 * the instances' listing whole, and a commit then frees the replaced heaps. */
START_TEST(shared_reader_lists_every_kind)
{
	const char *path = new_path();
	numbering_store *ws = open_store_on(open_backend(path, 0, 1));
	create_number(ws, "+12125550100", "a0");
	create_number(ws, "+12125550101", "a1");
	numbering_backend *rb = open_backend(path, 1, 1);
	struct file *rf = (struct file *)rb;
#define KIND_VALUE(name, value, kind_name, parent_prefix, collection, check) value,
	static const int kinds[] = {NUMBERING__KINDS(KIND_VALUE)};
#undef KIND_VALUE
	for (int round = 0; round < 2; round++)
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			int kind = kinds[k];
			numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
			q.kind = kind;
			q.parent = kind == NUMBERING__KIND_INSTANCE ? P1 : "";
			q.order = NUMBERING_RECORD_ORDER_ASCENDING;
			int count = 0;
			int rc = rb->list(rb, &q, count_visit, &count);
			ck_assert_msg(rc == NUMBERING_OK, "round %d, list of kind %d: %s", round, kind, numbering_error_message());
			if (kind == NUMBERING__KIND_INSTANCE)
				ck_assert_int_eq(count, 2);
			ck_assert_int_le(rf->old_mem_count, 5); /* four by kind, then one of every kind */
		}
	create_number(ws, "+12125550102", "a2");
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = NUMBERING__KIND_INSTANCE;
	q.parent = P1;
	q.order = NUMBERING_RECORD_ORDER_ASCENDING;
	int count = 0;
	ck_assert_int_eq(rb->list(rb, &q, count_visit, &count), NUMBERING_OK);
	ck_assert_int_eq(count, 3);
	ck_assert_int_eq(rf->old_mem_count, 0);
	rb->free(rb);
	numbering_store_close(ws);
	cleanup();
}
END_TEST

START_TEST(shared_index_grows)
{
	const char *path = new_path();
	fill(path, 10);
	numbering_backend *r = open_backend(path, 1, 1);
	numbering_backend *w = open_backend(path, 0, 1);
	ck_assert_int_eq(w->begin(w), NUMBERING_OK);
	for (int i = 10; i < 3010; i++)
		put_rec(w, i, number_of(i), 2, 1);
	ck_assert_int_eq(w->commit(w), NUMBERING_OK);
	struct seen s;
	for (int i = 10; i < 3010; i++) {
		ck_assert_int_eq(resolve(r, number_of(i) + 1, &s), NUMBERING_OK);
		ck_assert_int_eq(s.visits, 1);
	}
	ck_assert(served_shared(r));
	ck_assert_int_eq(w->begin(w), NUMBERING_OK);
	for (int i = 3010; i < 9010; i++)
		put_rec(w, i, number_of(i), 1, 1);
	ck_assert_int_eq(w->commit(w), NUMBERING_OK);
	for (int i = 0; i < 9010; i += 7) {
		ck_assert_int_eq(get(r, i, &s), NUMBERING_OK);
		ck_assert_int_eq(resolve(r, number_of(i), &s), NUMBERING_OK);
	}
	ck_assert(served_shared(r));
	w->free(w);
	r->free(r);
	cleanup();
}
END_TEST

/* A read-only open with the option and no index (no writer made one) reads from its own
 * heap, as without it; writes and compaction are refused as for any read-only open. */
START_TEST(shared_reader_without_index)
{
	const char *path = new_path();
	numbering_backend *w = open_backend(path, 0, 0);
	ck_assert_int_eq(w->begin(w), NUMBERING_OK);
	for (int i = 0; i < 20; i++)
		put_rec(w, i, number_of(i), i % 5 == 4 ? 10 : 1, 1);
	ck_assert_int_eq(w->commit(w), NUMBERING_OK);
	struct stat st;
	ck_assert_int_ne(lstat(idx_buf, &st), 0); /* nobody asked for one */
	numbering_backend *r = open_backend(path, 1, 1);
	ck_assert(!served_shared(r));
	check_all(r, 20, 1);
	ck_assert_int_eq(r->begin(r), NUMBERING_FAILED_PRECONDITION);
	r->free(r);
	w->free(w);
	cleanup();
}
END_TEST

/* The index is not believed when it is cut at any boundary, flipped, replaced by a
 * symlink or a FIFO, of another log, or behind the log (a writer that did not keep
 * it): the reader answers from its heap, right; a writer's open makes it again. */
static void expect_not_believed(const char *path, int n, const char *what)
{
	numbering_backend *r = open_backend(path, 1, 1);
	check_all(r, n, 1);
	ck_assert_msg(!served_shared(r), "%s: the reader believed the index", what);
	r->free(r);
	numbering_backend *w = open_backend(path, 0, 1);
	w->free(w);
	struct stat st;
	ck_assert_int_eq(lstat(idx_buf, &st), 0);
	ck_assert_msg(S_ISREG(st.st_mode), "%s: not made again", what);
	r = open_backend(path, 1, 1);
	ck_assert_msg(served_shared(r), "%s: the index made again is not used", what);
	check_all(r, n, 1);
	r->free(r);
}

START_TEST(shared_index_damaged)
{
	enum { N = 60 };
	const char *path = new_path();
	fill(path, N);
	struct stat st;
	ck_assert_int_eq(stat(idx_buf, &st), 0);
	off_t size = st.st_size;
	/* Cut at every boundary of its parts, and inside them: the header (4096 bytes), 1024
	 * name slots of 24 bytes, 1024 number slots of 32, the range slots of 40. */
	enum { NAMES_END = 4096 + 1024 * 24, NUMS_END = NAMES_END + 1024 * 32 };
	ck_assert_int_gt(size, NUMS_END + 40);
	off_t cuts[] = {0, 1, 8, 16, 100, 4095, 4096, 4096 + 24, NAMES_END,
	                NAMES_END + 32, NUMS_END, NUMS_END + 40, size / 2, size - 40, size - 1};
	for (size_t c = 0; c < sizeof(cuts) / sizeof(cuts[0]); c++) {
		ck_assert_int_eq(truncate(idx_buf, cuts[c]), 0);
		char what[64];
		snprintf(what, sizeof(what), "cut at %lld", (long long)cuts[c]);
		expect_not_believed(path, N, what);
	}
	/* One byte changed: in the fixed header, the changing words, a name slot, a number
	 * slot (each field of a slot: its record's offset, length, check value, flags). */
	off_t flips[] = {10, 33, 70, 4096 + 5, 4096 + 9, 4096 + 13,
	                 4096 + 17, NAMES_END + 9, NAMES_END + 17, NAMES_END + 21, NAMES_END + 25};
	for (size_t k = 0; k < sizeof(flips) / sizeof(flips[0]); k++) {
		int fd = open(idx_buf, O_RDWR);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(fstat(fd, &st), 0);
		/* Every slot of both tables, so that whatever the probe meets is damaged. */
		uint8_t byte;
		off_t at = flips[k];
		if (at >= 4096) {
			int names = at < NAMES_END;
			for (off_t o = at; o < (names ? NAMES_END : NUMS_END); o += names ? 24 : 32) {
				ck_assert_int_eq(pread(fd, &byte, 1, o), 1);
				byte ^= 0x10;
				ck_assert_int_eq(pwrite(fd, &byte, 1, o), 1);
			}
		} else {
			ck_assert_int_eq(pread(fd, &byte, 1, at), 1);
			byte ^= 0x10;
			ck_assert_int_eq(pwrite(fd, &byte, 1, at), 1);
		}
		close(fd);
		char what[64];
		snprintf(what, sizeof(what), "flip at %lld", (long long)at);
		expect_not_believed(path, N, what);
	}
	/* A symlink in its place (to a file the backend must never write), a FIFO. */
	char target[260];
	snprintf(target, sizeof(target), "%s/other", dir_buf);
	FILE *t = fopen(target, "w");
	ck_assert_ptr_nonnull(t);
	fputs("not an index", t);
	fclose(t);
	ck_assert_int_eq(unlink(idx_buf), 0);
	ck_assert_int_eq(symlink(target, idx_buf), 0);
	expect_not_believed(path, N, "symlink");
	ck_assert_int_eq(stat(target, &st), 0);
	ck_assert_int_eq(st.st_size, 12); /* never written through the link */
	ck_assert_int_eq(unlink(idx_buf), 0);
	ck_assert_int_eq(mkfifo(idx_buf, 0600), 0);
	expect_not_believed(path, N, "FIFO");
	/* Another store's index. */
	char other[260];
	snprintf(other, sizeof(other), "%s/other.db", dir_buf);
	numbering_backend *o = open_backend(other, 0, 1);
	o->free(o);
	char other_idx[270];
	snprintf(other_idx, sizeof(other_idx), "%s.idx", other);
	ck_assert_int_eq(rename(other_idx, idx_buf), 0);
	expect_not_believed(path, N, "another log's index");
	/* Behind the log: a write by a writer that does not keep it (the lock file's word cleared). */
	numbering_backend *w = open_backend(path, 0, 0);
	struct file *wf = (struct file *)w;
	__atomic_store_n((uint32_t *)(void *)(wf->shared + LOCKFILE_INDEX), 0, __ATOMIC_RELEASE);
	ck_assert_int_eq(w->begin(w), NUMBERING_OK);
	put_rec(w, N, number_of(N), 1, 1);
	ck_assert_int_eq(w->commit(w), NUMBERING_OK);
	w->free(w);
	expect_not_believed(path, N + 1, "behind the log");
	cleanup();
}
END_TEST

/* The log cut short before a shared reader opens it (a program, a disk), the index left
 * as it was: a look-up must never read past the file's end (a fault, SIGBUS, once the
 * cut is a page below the covered end). Cut below the durable length, the open is
 * DATA_LOSS, as every other open's; cut past it (records a SYNC_OFF writer never synced,
 * a torn tail as far as the log knows), the index is not believed and the reader
 * answers from its own heap what the log still holds. */
START_TEST(shared_reader_log_cut_short)
{
	enum { N = 60, MORE = 200 };
	const char *path = new_path();
	fill(path, N);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	off_t durable = st.st_size;
	ck_assert_int_gt(durable, 4096 + 128);
	off_t below[] = {durable - 1, durable - 100, 4096, 4095, 200};
	int fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	char *whole = malloc((size_t)durable);
	ck_assert_int_eq(pread(fd, whole, (size_t)durable, 0), durable);
	close(fd);
	for (size_t c = 0; c < sizeof(below) / sizeof(below[0]); c++) {
		ck_assert_int_eq(truncate(path, below[c]), 0);
		numbering_file_options o = NUMBERING_FILE_OPTIONS_INIT;
		o.read_only = 1;
		o.shared_index = 1;
		numbering_backend *r = NULL;
		int rc = numbering_file_backend_new(&r, path, &o);
		ck_assert_msg(rc == NUMBERING_DATA_LOSS, "cut at %lld: %d %s", (long long)below[c], rc,
		              numbering_error_message());
		ck_assert_ptr_nonnull(strstr(numbering_error_message(), path));
		/* The bytes back: the store reads again, through its index. */
		fd = open(path, O_WRONLY);
		ck_assert_int_eq(pwrite(fd, whole, (size_t)durable, 0), durable);
		close(fd);
		r = open_backend(path, 1, 1);
		ck_assert(served_shared(r));
		check_all(r, N, 1);
		r->free(r);
	}
	free(whole);
	/* Past the durable length: commits of a SYNC_OFF writer still open, indexed and
	 * published, never synced; the log is cut a page below its end. */
	numbering_backend *w = open_backend(path, 0, 1);
	for (int i = N; i < N + MORE; i++) {
		ck_assert_int_eq(w->begin(w), NUMBERING_OK);
		put_rec(w, i, number_of(i), 1, 1);
		ck_assert_int_eq(w->commit(w), NUMBERING_OK);
	}
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_gt(st.st_size, durable + 2 * 4096);
	off_t cut = (durable / 4096 + 1) * 4096 + 10;
	ck_assert_int_eq(truncate(path, cut), 0);
	numbering_backend *r = open_backend(path, 1, 1);
	ck_assert(!served_shared(r));
	check_all(r, N, 1);
	struct seen s;
	ck_assert_int_eq(resolve(r, number_of(N + MORE - 1), &s), NUMBERING_NOT_FOUND);
	ck_assert_int_eq(get(r, N + MORE - 1, &s), NUMBERING_NOT_FOUND);
	r->free(r);
	w->free(w);
	cleanup();
}
END_TEST

/* Reads of the store's file fail with EIO while this is installed. */
static ssize_t failing_pread(int fd, void *buf, size_t len, off_t offset)
{
	(void)fd;
	(void)buf;
	(void)len;
	(void)offset;
	errno = EIO;
	return -1;
}

/* A process whose address space is limited (ulimit -v, RLIMIT_AS) below the 4 GiB that
 * the log's mapping reserves to grow into: a writable open of a store whose index
 * exists failed ("cannot map ...: Cannot allocate memory"), and so did every write; a
 * shared reader answered from a heap of its own. The mapping takes less room instead. */
static int limited_child(const char *path)
{
	/* What the process maps now, and 1 GiB more. */
	FILE *fp = fopen("/proc/self/statm", "r");
	unsigned long pages = 0;
	if (fp == NULL || fscanf(fp, "%lu", &pages) != 1)
		return 2;
	fclose(fp);
	struct rlimit lim;
	lim.rlim_cur = lim.rlim_max = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + ((rlim_t)1 << 30);
	if (setrlimit(RLIMIT_AS, &lim) != 0)
		return 3;
	numbering_file_options o = NUMBERING_FILE_OPTIONS_INIT;
	o.sync_mode = NUMBERING_FILE_SYNC_OFF;
	o.compact_min_bytes = -1;
	numbering_backend *w = NULL;
	if (numbering_file_backend_new(&w, path, &o) != NUMBERING_OK) {
		fprintf(stderr, "writable open: %s\n", numbering_error_message());
		return 4;
	}
	if (w->begin(w) != NUMBERING_OK) {
		fprintf(stderr, "begin: %s\n", numbering_error_message());
		return 5;
	}
	put_rec(w, 40, number_of(40), 1, 1);
	if (w->commit(w) != NUMBERING_OK)
		return 6;
	o.read_only = 1;
	o.shared_index = 1;
	numbering_backend *r = NULL;
	if (numbering_file_backend_new(&r, path, &o) != NUMBERING_OK)
		return 7;
	struct seen s;
	for (int i = 0; i <= 40; i++)
		if (resolve(r, number_of(i), &s) != NUMBERING_OK)
			return 8;
	int rc = served_shared(r) ? 0 : 9;
	r->free(r);
	w->free(w);
	return rc;
}

START_TEST(shared_index_under_an_address_space_limit)
{
	const char *path = new_path();
	fill(path, 40);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(limited_child(path));
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the limited process: %d", status);
	numbering_backend *r = open_backend(path, 1, 1);
	check_all(r, 41, 1);
	ck_assert(served_shared(r));
	r->free(r);
}
END_TEST

/* A reader's catch-up that fails (here its read of the file, EIO) leaves it where it
 * was, reading on with what it holds, and is tried again at its next read: once the
 * file reads again, the reader sees the commit it missed, without another commit to
 * tell it (it used to count the change as seen, and missed it until the next one). */
START_TEST(shared_reader_catch_up_retried)
{
	const char *path = new_path();
	fill(path, 10);
	numbering_backend *r = open_backend(path, 1, 0); /* a reader with its own heap: it reads the file */
	numbering_backend *w = open_backend(path, 0, 0);
	struct seen s;
	ck_assert_int_eq(get(r, 9, &s), NUMBERING_OK);
	ck_assert_int_eq(w->begin(w), NUMBERING_OK);
	put_rec(w, 10, number_of(10), 1, 1);
	ck_assert_int_eq(w->commit(w), NUMBERING_OK);
	struct numbering__file_io failing = numbering__file_io_system;
	failing.pread = failing_pread;
	numbering__file_io_set(&failing);
	int rc = get(r, 10, &s);
	numbering__file_io_set(NULL);
	ck_assert_int_eq(rc, NUMBERING_NOT_FOUND); /* as of before the commit */
	ck_assert_int_eq(get(r, 10, &s), NUMBERING_OK);
	ck_assert_str_eq(s.body, "v10-1");
	ck_assert_int_eq(resolve(r, number_of(10), &s), NUMBERING_OK);
	r->free(r);
	w->free(w);
	cleanup();
}
END_TEST

/* An index of version 1 (the previous release's, whose slots hold no check value of
 * their records: here this version's file with the version word changed and the
 * header's checksum made again) is not read: a reader answers from its heap, a
 * writer makes the index again and marks the old file replaced, so that the readers
 * of an older library that map it follow. */
START_TEST(shared_index_of_version_1)
{
	enum { N = 40 };
	const char *path = new_path();
	fill(path, N);
	int fd = open(idx_buf, O_RDWR);
	ck_assert_int_ge(fd, 0);
	uint8_t h[256];
	ck_assert_int_eq(pread(fd, h, sizeof(h), 0), (ssize_t)sizeof(h));
	uint32_t version = 1, state = 9;
	memcpy(h + 8, &version, 4);
	uint32_t crc = numbering__crc32c(0, h, 16);
	crc = numbering__crc32c(crc, h + 48, 48);
	crc = numbering__crc32c(crc, h + 120, 16);
	memcpy(h + 136, &crc, 4);
	ck_assert_int_eq(pwrite(fd, h, sizeof(h), 0), (ssize_t)sizeof(h));
	ck_assert_int_eq(pread(fd, &state, 4, 24), 4);
	ck_assert_int_eq(state, 0); /* live */
	expect_not_believed(path, N, "version 1");
	ck_assert_int_eq(pread(fd, &state, 4, 24), 4);
	ck_assert_int_eq(state, 1); /* replaced */
	uint64_t gen = 1;
	ck_assert_int_eq(pread(fd, &gen, 8, 16), 8);
	ck_assert_int_eq(gen % 2, 0);
	close(fd);
	cleanup();
}
END_TEST

/* A writer that does not keep the index (an older library: the lock file's word
 * cleared) compacts and then commits: a shared reader, which held the old file and its
 * index, follows to the new file and sees the commit, from its heap. */
START_TEST(shared_reader_beside_a_writer_without_index)
{
	enum { N = 40 };
	const char *path = new_path();
	fill(path, N);
	numbering_backend *r = open_backend(path, 1, 1);
	ck_assert(served_shared(r));
	check_all(r, N, 1);
	numbering_backend *w = open_backend(path, 0, 0);
	struct file *wf = (struct file *)w;
	__atomic_store_n((uint32_t *)(void *)(wf->shared + LOCKFILE_INDEX), 0, __ATOMIC_RELEASE);
	ck_assert_int_eq(w->control(w, NUMBERING_FILE_CONTROL_COMPACT, NULL), NUMBERING_OK);
	check_all(r, N, 1); /* nothing committed since: the old file and index answer */
	ck_assert_int_eq(w->begin(w), NUMBERING_OK);
	put_rec(w, N, number_of(N), 1, 1);
	put_rec(w, 0, number_of(0), 1, 7);
	ck_assert_int_eq(w->commit(w), NUMBERING_OK);
	struct seen s;
	ck_assert_int_eq(get(r, N, &s), NUMBERING_OK);
	ck_assert_str_eq(s.body, "v40-1");
	ck_assert_int_eq(resolve(r, number_of(0), &s), NUMBERING_OK);
	ck_assert_str_eq(s.body, "v0-7");
	ck_assert(!served_shared(r));
	w->free(w);
	r->free(r);
	cleanup();
}
END_TEST

/* A reader whose index could not answer (behind the log: a writer that does not keep
 * it committed) answers from a heap of its own; once a writer made the index again, the
 * reader returns to it and drops that heap, instead of replaying every later commit
 * into it for as long as it is open. */
START_TEST(shared_reader_returns_to_index)
{
	enum { N = 40 };
	const char *path = new_path();
	fill(path, N);
	numbering_backend *r = open_backend(path, 1, 1);
	ck_assert(served_shared(r));
	numbering_backend *w = open_backend(path, 0, 0);
	struct file *wf = (struct file *)w;
	__atomic_store_n((uint32_t *)(void *)(wf->shared + LOCKFILE_INDEX), 0, __ATOMIC_RELEASE);
	ck_assert_int_eq(w->begin(w), NUMBERING_OK);
	put_rec(w, 0, number_of(0), 1, 7);
	ck_assert_int_eq(w->commit(w), NUMBERING_OK);
	w->free(w);
	struct seen s;
	ck_assert_int_eq(resolve(r, number_of(0), &s), NUMBERING_OK);
	ck_assert_str_eq(s.body, "v0-7");
	ck_assert(!served_shared(r)); /* the heap answered */
	w = open_backend(path, 0, 1); /* makes the index again */
	ck_assert_int_eq(w->begin(w), NUMBERING_OK);
	put_rec(w, N, number_of(N), 1, 1);
	put_rec(w, 1, number_of(1), 1, 8);
	ck_assert_int_eq(w->commit(w), NUMBERING_OK);
	ck_assert_int_eq(get(r, N, &s), NUMBERING_OK);
	ck_assert_str_eq(s.body, "v40-1");
	ck_assert(served_shared(r));
	ck_assert_int_eq(resolve(r, number_of(1), &s), NUMBERING_OK);
	ck_assert_str_eq(s.body, "v1-8");
	ck_assert_int_eq(resolve(r, number_of(0), &s), NUMBERING_OK);
	ck_assert_str_eq(s.body, "v0-7");
	ck_assert(served_shared(r));
	w->free(w);
	r->free(r);
	cleanup();
}
END_TEST

/* A reader whose heap holds a listed kind follows many compactions: each replaces its
 * heap, and the heaps replaced are freed at the next catch-up rather than kept until
 * close (where, past 16 of them, following the next compaction failed). */
START_TEST(shared_reader_heap_through_compactions)
{
	enum { N = 20 };
	const char *path = new_path();
	fill(path, N);
	numbering_backend *r = open_backend(path, 1, 1);
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = 1;
	q.parent = P1;
	struct seen s;
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(r->list(r, &q, remember, &s), NUMBERING_OK);
	ck_assert(numbering__file_heap_has((struct file *)r, 1));
	numbering_backend *w = open_backend(path, 0, 1);
	for (int k = 2; k < 40; k++) {
		ck_assert_int_eq(w->begin(w), NUMBERING_OK);
		put_rec(w, 0, number_of(0), 1, k);
		ck_assert_int_eq(w->commit(w), NUMBERING_OK);
		ck_assert_int_eq(w->control(w, NUMBERING_FILE_CONTROL_COMPACT, NULL), NUMBERING_OK);
		char want[32];
		snprintf(want, sizeof(want), "v0-%d", k);
		ck_assert_msg(get(r, 0, &s) == NUMBERING_OK, "after compaction %d: %s", k - 1, numbering_error_message());
		ck_assert_str_eq(s.body, want);
		ck_assert_int_le(((struct file *)r)->old_mem_count, 1);
	}
	w->free(w);
	r->free(r);
	cleanup();
}
END_TEST

/* A writer's commit of record @i's version @version, then a read of it by @r, which
 * sees it at once and from the index. */
static void commit_seen_shared(numbering_backend *w, numbering_backend *r, int i, int version)
{
	struct seen s;
	char want[32];
	ck_assert_int_eq(w->begin(w), NUMBERING_OK);
	put_rec(w, i, number_of(i), 1, version);
	ck_assert_int_eq(w->commit(w), NUMBERING_OK);
	ck_assert_int_eq(get(r, i, &s), NUMBERING_OK);
	snprintf(want, sizeof(want), "v%d-%d", i, version);
	ck_assert_str_eq(s.body, want);
	ck_assert(served_shared(r));
}

/* The log rename of a compaction, with a reader opened right after it that reads at
 * once (a reader process starting then), and whether the index answered that read. */
static numbering_backend *g_opened_after_rename;
static int g_first_read, g_first_read_shared;

static int rename_then_open(const char *from, const char *to)
{
	int rc = numbering__file_io_system.rename(from, to);
	if (rc == 0 && strcmp(to, path_buf) == 0 && g_opened_after_rename == NULL) {
		numbering_backend *r = open_backend(path_buf, 1, 1);
		struct seen s;
		g_first_read = get(r, 7, &s);
		g_first_read_shared = served_shared(r);
		g_opened_after_rename = r;
	}
	return rc;
}

/* A compaction writes the new file's index and puts it in place before it renames the
 * new file over the store, so that a reader opening the store right after that rename
 * finds the index of the file it opens and answers from it, with no heap of its own
 * (the index used to be made after the rename: a reader opening then replayed the
 * whole log into a heap). The reader that held the old file follows too. */
START_TEST(shared_reader_opened_during_compaction)
{
	enum { N = 50 };
	const char *path = new_path();
	fill(path, N);
	numbering_backend *old_reader = open_backend(path, 1, 1);
	struct seen s;
	ck_assert_int_eq(get(old_reader, 7, &s), NUMBERING_OK);
	numbering_backend *w = open_backend(path, 0, 1);
	ck_assert_int_eq(w->begin(w), NUMBERING_OK);
	put_rec(w, 7, number_of(7), 1, 2);
	ck_assert_int_eq(w->commit(w), NUMBERING_OK);
	struct numbering__file_io hooked = numbering__file_io_system;
	hooked.rename = rename_then_open;
	g_opened_after_rename = NULL;
	numbering__file_io_set(&hooked);
	int rc = w->control(w, NUMBERING_FILE_CONTROL_COMPACT, NULL);
	numbering__file_io_set(NULL);
	ck_assert_msg(rc == NUMBERING_OK, "compact: %s", numbering_error_message());
	numbering_backend *r = g_opened_after_rename;
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(g_first_read, NUMBERING_OK);
	ck_assert_msg(g_first_read_shared, "a read right after the rename built a heap: the index was not in place");
	for (int i = 0; i < N; i++) {
		ck_assert_int_eq(get(r, i, &s), NUMBERING_OK);
		ck_assert_int_eq(resolve(r, number_of(i), &s), NUMBERING_OK);
	}
	ck_assert_str_eq(s.body, "v49-1");
	ck_assert_int_eq(get(r, 7, &s), NUMBERING_OK);
	ck_assert_str_eq(s.body, "v7-2");
	ck_assert(served_shared(r));
	ck_assert_int_eq(get(old_reader, 7, &s), NUMBERING_OK);
	ck_assert_str_eq(s.body, "v7-2");
	ck_assert(served_shared(old_reader));
	/* The writer keeps the index it made before the rename, live, and goes on with it. */
	commit_seen_shared(w, r, 8, 3);
	r->free(r);
	old_reader->free(old_reader);
	w->free(w);
	cleanup();
}
END_TEST

/* A compaction whose rename fails leaves the store and an index of it in place (the
 * index it made for the new file is replaced by one of the store): readers opening
 * then answer from the index. */
static int rename_fails(const char *from, const char *to)
{
	if (strcmp(to, path_buf) == 0) {
		errno = EIO;
		return -1;
	}
	return numbering__file_io_system.rename(from, to);
}

START_TEST(shared_index_after_failed_compaction_rename)
{
	enum { N = 20 };
	const char *path = new_path();
	fill(path, N);
	numbering_backend *w = open_backend(path, 0, 1);
	struct numbering__file_io hooked = numbering__file_io_system;
	hooked.rename = rename_fails;
	numbering__file_io_set(&hooked);
	int rc = w->control(w, NUMBERING_FILE_CONTROL_COMPACT, NULL);
	numbering__file_io_set(NULL);
	ck_assert_int_ne(rc, NUMBERING_OK);
	numbering_backend *r = open_backend(path, 1, 1);
	struct seen s;
	for (int i = 0; i < N; i++)
		ck_assert_int_eq(get(r, i, &s), NUMBERING_OK);
	ck_assert_msg(served_shared(r), "the index in place is not the store's");
	commit_seen_shared(w, r, 3, 4);
	r->free(r);
	w->free(w);
	cleanup();
}
END_TEST

/* Processes: reader processes opened read-only in shared mode under a store resolve
 * each number right after the writer process's create returned, through compactions,
 * and a number moved between two records in one transaction is always found (never
 * half a transaction). */

static numbering_store *store_at(const char *path, int read_only, int shared)
{
	numbering_file_options fo = NUMBERING_FILE_OPTIONS_INIT;
	fo.compact_min_bytes = -1;
	fo.read_only = read_only;
	fo.shared_index = shared;
	numbering_options o = NUMBERING_OPTIONS_INIT;
	if (numbering_file_backend_new(&o.backend, path, &fo) != NUMBERING_OK)
		return NULL;
	numbering_store *store = NULL;
	return numbering_store_open(&store, &o) == NUMBERING_OK ? store : NULL;
}

static void number_text(char *buf, int i)
{
	snprintf(buf, 24, "+6125551%04d", i);
}

static int create(numbering_store *store, int i)
{
	char number[24], id[32];
	number_text(number, i);
	snprintf(id, sizeof(id), "n%d", i);
	numbering_instance *in = NULL, *out = NULL;
	int rc = numbering_instance_new(&in);
	if (rc == NUMBERING_OK)
		rc = numbering_instance_set_phone_number(in, number);
	if (rc == NUMBERING_OK)
		rc = numbering_store_create(&out, store, NULL, P1, in, id, NULL, NULL);
	numbering_instance_free(in);
	numbering_instance_free(out);
	return rc;
}

static int resolve_number(numbering_store *store, numbering_resolution *res, int i)
{
	char number[24];
	number_text(number, i);
	return numbering_store_resolve(res, store, NULL, number, NULL);
}

/* A reader process: for each index on @in, resolves it and answers '1' (found), '0'
 * (not), or 'h' (found, but this process built a heap of instances). */
static void reader_main(const char *path, int in, int out)
{
	numbering_store *store = store_at(path, 1, 1);
	numbering_resolution *res = NULL;
	if (store == NULL || numbering_resolution_new(&res) != NUMBERING_OK)
		_exit(3);
	int i;
	while (read(in, &i, sizeof(i)) == (ssize_t)sizeof(i)) {
		char c = resolve_number(store, res, i) == NUMBERING_OK ? '1' : '0';
		if (write(out, &c, 1) != 1)
			_exit(4);
	}
	numbering_resolution_free(res);
	numbering_store_close(store);
	_exit(0);
}

START_TEST(shared_processes_live)
{
	enum { READERS = 3, CREATES = 60 };
	const char *path = new_path();
	numbering_file_options fo = NUMBERING_FILE_OPTIONS_INIT;
	fo.compact_min_bytes = -1;
	fo.shared_index = 1;
	numbering_options o = NUMBERING_OPTIONS_INIT;
	ck_assert_int_eq(numbering_file_backend_new(&o.backend, path, &fo), NUMBERING_OK);
	numbering_backend *b = o.backend;
	numbering_store *store = NULL;
	ck_assert_int_eq(numbering_store_open(&store, &o), NUMBERING_OK);
	struct reader_procs readers;
	reader_procs_start(&readers, READERS, reader_main, path);
	for (int i = 0; i < CREATES; i++) {
		ck_assert_msg(create(store, i) == NUMBERING_OK, "create %d: %s", i, numbering_error_message());
		if (i % 20 == 19)
			ck_assert_int_eq(b->control(b, NUMBERING_FILE_CONTROL_COMPACT, NULL), NUMBERING_OK);
		for (int r = 0; r < READERS; r++) {
			int ask[3] = {i, i / 2, CREATES + i};
			char want[3] = {'1', '1', '0'};
			for (int k = 0; k < 3; k++) {
				char c = reader_procs_ask(&readers, r, ask[k]);
				ck_assert_msg(c == want[k], "reader %d, number %d after create %d: answered %c", r, ask[k], i, c);
			}
		}
	}
	reader_procs_stop(&readers);
	numbering_store_close(store);
	cleanup();
}
END_TEST

/* A reader process following the change journal (ListChanges) of a live shared store
 * while a writer process commits, wraps the journal's ring many times and compacts: it
 * sees every create once, in order, sequences without a gap, and is never told it fell
 * behind the horizon while it kept up (the writer waits for it every BURST commits, a
 * tenth of the window). */

enum { FOLLOW_WINDOW = 100, FOLLOW_BURST = 10, FOLLOW_CREATES = 700 };

/* Reads one page of changes after *after: 0, or a letter saying what went wrong ('e' an
 * error, 'g' a gap in the sequences, 'o' a create out of order, 'h' behind the horizon). */
static char follow_page(numbering_store *store, int64_t *after, int *seen)
{
	numbering_change_page *page = NULL;
	int rc = numbering_store_list_changes(&page, store, NULL, *after, 7);
	if (rc != NUMBERING_OK)
		return rc == NUMBERING_FAILED_PRECONDITION ? 'h' : 'e';
	char wrong = 0;
	for (int i = 0; i < numbering_change_page_count(page) && !wrong; i++) {
		const char *id = strrchr(numbering_change_page_name(page, i), '/');
		int n = -1;
		if (numbering_change_page_sequence(page, i) != *after + 1)
			wrong = 'g';
		else if (id == NULL || sscanf(id, "/n%d", &n) != 1 || n != *seen + 1)
			wrong = 'o';
		*after += 1;
		*seen = n;
	}
	numbering_change_page_free(page);
	return wrong;
}

/* The follower: between the writer's requests, a page at a time beside its commits;
 * on request i, follows up to the create of number i and answers '1' (or the letter). */
static void follower_main(const char *path, int in, int out)
{
	numbering_store *store = store_at(path, 1, 1);
	if (store == NULL || fcntl(in, F_SETFL, O_NONBLOCK) != 0)
		_exit(3);
	int64_t after = 0;
	int seen = -1, want = 0;
	char c = 0;
	for (;;) {
		ssize_t got = read(in, &want, sizeof(want));
		if (got == 0)
			break;
		if (got < 0 && errno != EAGAIN)
			_exit(6);
		if (got < 0) {
			c = follow_page(store, &after, &seen);
		} else {
			while (c == 0 && seen < want)
				c = follow_page(store, &after, &seen);
			if (write(out, c != 0 ? &c : "1", 1) != 1)
				_exit(4);
		}
		if (c != 0)
			_exit(5); /* said on the next answer, or by the exit status */
	}
	numbering_store_close(store);
	_exit(0);
}

START_TEST(shared_reader_follows_changes)
{
	const char *path = new_path();
	numbering_file_options fo = NUMBERING_FILE_OPTIONS_INIT;
	fo.compact_min_bytes = -1;
	fo.shared_index = 1;
	numbering_options o = NUMBERING_OPTIONS_INIT;
	o.changes_window = FOLLOW_WINDOW;
	ck_assert_int_eq(numbering_file_backend_new(&o.backend, path, &fo), NUMBERING_OK);
	numbering_backend *b = o.backend;
	numbering_store *store = NULL;
	ck_assert_int_eq(numbering_store_open(&store, &o), NUMBERING_OK);
	struct reader_procs readers;
	reader_procs_start(&readers, 1, follower_main, path);
	for (int i = 0; i < FOLLOW_CREATES; i++) {
		ck_assert_msg(create(store, i) == NUMBERING_OK, "create %d: %s", i, numbering_error_message());
		if (i % 150 == 149)
			ck_assert_int_eq(b->control(b, NUMBERING_FILE_CONTROL_COMPACT, NULL), NUMBERING_OK);
		if (i % FOLLOW_BURST == FOLLOW_BURST - 1) {
			char c = reader_procs_ask(&readers, 0, i);
			ck_assert_msg(c == '1', "the follower after create %d: %c", i, c);
		}
	}
	reader_procs_stop(&readers);
	numbering_store_close(store);
	cleanup();
}
END_TEST

/* The offset in the file at @path of the only copy of @text (asserts there is one). */
static off_t file_find(const char *path, const char *text)
{
	FILE *fp = fopen(path, "rb");
	ck_assert_ptr_nonnull(fp);
	static char data[1 << 16];
	size_t n = fread(data, 1, sizeof(data), fp);
	fclose(fp);
	ck_assert_int_lt(n, sizeof(data));
	off_t found = -1;
	size_t len = strlen(text);
	for (size_t i = 0; i + len <= n; i++)
		if (memcmp(data + i, text, len) == 0) {
			ck_assert_msg(found < 0, "\"%s\" twice in %s", text, path);
			found = (off_t)i;
		}
	ck_assert_msg(found >= 0, "\"%s\" not in %s", text, path);
	return found;
}

static void file_poke(const char *path, off_t at, uint8_t byte)
{
	int fd = open(path, O_WRONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, &byte, 1, at), 1);
	close(fd);
}

/* A body damaged in the log under a live shared reader (bytes changed in place below
 * the index's covered end, which no writer of this library does: a disk, or a program
 * writing the file): every read of the record through the index compares its bytes with
 * the check value of its slot, so the store's resolve and get answer DATA_LOSS naming
 * the damage, never the damaged instance, and read it again once the bytes are back. A
 * NUL inside a string passes the record decode and the reading of the library's own
 * records; a letter changed passes every check of the model (before the index's version
 * 2 it was answered). */
START_TEST(shared_reader_damaged_body)
{
	const char *path = new_path();
	numbering_store *w = store_at(path, 0, 1);
	ck_assert_ptr_nonnull(w);
	numbering_instance *in = NULL, *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&in), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_phone_number(in, "+61255510007"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_display_name(in, "Marker display name"), NUMBERING_OK);
	ck_assert_msg(numbering_store_create(&out, w, NULL, P1, in, "damaged", NULL, NULL) == NUMBERING_OK, "%s",
	              numbering_error_message());
	numbering_instance_free(in);
	numbering_instance_free(out);
	ck_assert_int_eq(create(w, 1), NUMBERING_OK);
	numbering_store_close(w);

	numbering_store *rs = store_at(path, 1, 1);
	ck_assert_ptr_nonnull(rs);
	numbering_resolution *res = NULL;
	ck_assert_int_eq(numbering_resolution_new(&res), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_resolve(res, rs, NULL, "+61255510007", NULL), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_display_name(numbering_resolution_instance(res)), "Marker display name");
	off_t at = file_find(path, "Marker display name");
	struct {
		off_t at;
		uint8_t byte;
	} damage[] = {
		{at + 6, 0},    /* a NUL inside the string */
		{at - 1, 0x7f}, /* its length past the body's end */
		{at, 'N'},      /* "Narker display name" */
	};
	for (size_t d = 0; d < sizeof(damage) / sizeof(damage[0]); d++) {
		uint8_t was;
		int fd = open(path, O_RDONLY);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(pread(fd, &was, 1, damage[d].at), 1);
		close(fd);
		file_poke(path, damage[d].at, damage[d].byte);
		int rc = numbering_store_resolve(res, rs, NULL, "+61255510007", NULL);
		ck_assert_msg(rc == NUMBERING_DATA_LOSS, "damage %zu: resolve gave %s (%s)", d, numbering_status_name(rc),
		              numbering_error_message());
		ck_assert_msg(strstr(numbering_error_message(), "is not what was written there") != NULL, "damage %zu: %s",
		              d, numbering_error_message());
		numbering_instance *got = NULL;
		rc = numbering_store_get(&got, rs, NULL, P1 "/phoneNumberInstances/damaged");
		ck_assert_msg(rc == NUMBERING_DATA_LOSS, "damage %zu: get gave %s (%s)", d, numbering_status_name(rc),
		              numbering_error_message());
		ck_assert_msg(strstr(numbering_error_message(), "\"" P1 "/phoneNumberInstances/damaged\"") != NULL,
		              "damage %zu: %s", d, numbering_error_message());
		ck_assert_ptr_null(got);
		/* The other record is read as before, from the index. */
		ck_assert_int_eq(resolve_number(rs, res, 1), NUMBERING_OK);
		file_poke(path, damage[d].at, was);
		ck_assert_int_eq(numbering_store_resolve(res, rs, NULL, "+61255510007", NULL), NUMBERING_OK);
		ck_assert_str_eq(numbering_instance_display_name(numbering_resolution_instance(res)), "Marker display name");
	}
	numbering_resolution_free(res);
	numbering_store_close(rs);
	cleanup();
}
END_TEST

/* A record's check value, which a slot holds, is the CRC-32C of its bytes whatever their
 * length and alignment (the hardware path reads 8 bytes at a time, then 4, 2 and 1),
 * the same value continued across pieces: against the bit-at-a-time definition. */
static uint32_t crc32c_bits(const uint8_t *p, size_t len)
{
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < len; i++) {
		c ^= p[i];
		for (int b = 0; b < 8; b++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
	}
	return ~c;
}

START_TEST(shared_record_check_value)
{
	uint8_t data[200];
	unsigned seed = 12345;
	for (size_t i = 0; i < sizeof(data); i++) {
		seed = seed * 1103515245u + 12345u;
		data[i] = (uint8_t)(seed >> 16);
	}
	for (size_t at = 0; at < 8; at++)
		for (size_t len = 0; at + len <= 150; len++) {
			uint32_t want = crc32c_bits(data + at, len);
			ck_assert_msg(numbering__crc32c(0, data + at, len) == want, "%zu bytes at %zu", len, at);
			size_t half = len / 3;
			ck_assert_msg(numbering__crc32c(numbering__crc32c(0, data + at, half), data + at + half, len - half) == want,
			              "%zu bytes at %zu, in two pieces", len, at);
		}
	ck_assert_uint_eq(numbering__crc32c(0, "123456789", 9), 0xe3069283u);
}
END_TEST

/* Never half a transaction: a writer process moves one number between two records in
 * each transaction (remove the one that holds it, put the other with it); a reader in
 * this process resolves it without a pause and must always find it, from the index. */
START_TEST(shared_never_half_a_transaction)
{
	const char *path = new_path();
	numbering_backend *w = open_backend(path, 0, 1);
	ck_assert_int_eq(w->begin(w), NUMBERING_OK);
	put_rec(w, 0, number_of(0), 1, 0);
	for (int i = 10; i < 200; i++)
		put_rec(w, i, number_of(i), 1, 0);
	ck_assert_int_eq(w->commit(w), NUMBERING_OK);
	w->free(w);
	numbering_backend *r = open_backend(path, 1, 1);
	ck_assert(served_shared(r));
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		numbering_backend *c = open_backend(path, 0, 1);
		for (int k = 1; k <= 400; k++) {
			int from = (k - 1) % 2, to = k % 2;
			char name[96];
			snprintf(name, sizeof(name), P1 "/phoneNumberInstances/N%d", from);
			if (c->begin(c) != NUMBERING_OK || c->remove(c, 1, name) != NUMBERING_OK)
				_exit(5);
			put_rec(c, to, number_of(0), 1, k);
			if (c->commit(c) != NUMBERING_OK)
				_exit(6);
			if (k % 100 == 0 && c->control(c, NUMBERING_FILE_CONTROL_COMPACT, NULL) != NUMBERING_OK)
				_exit(7);
		}
		c->free(c);
		_exit(0);
	}
	long reads = 0;
	int status = 0, done = 0;
	while (!done) {
		struct seen s;
		int rc = resolve(r, number_of(0), &s);
		ck_assert_msg(rc == NUMBERING_OK, "read %ld: the number was not found: %s", reads, numbering_error_message());
		ck_assert(strcmp(s.name, P1 "/phoneNumberInstances/N0") == 0 ||
		          strcmp(s.name, P1 "/phoneNumberInstances/N1") == 0);
		reads++;
		done = waitpid(pid, &status, WNOHANG) == pid;
	}
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* Once the writer is gone, a read (which follows its last compaction) is served by
	 * the index, whatever moment of a compaction an earlier read fell on. */
	struct seen last;
	ck_assert_int_eq(resolve(r, number_of(0), &last), NUMBERING_OK);
	ck_assert_str_eq(last.name, P1 "/phoneNumberInstances/N0"); /* the 400th moved it there */
	ck_assert(served_shared(r));
	ck_assert_int_gt(reads, 0);
	r->free(r);
	cleanup();
}
END_TEST

/* Writers killed at random points (SIGKILL), a shared reader resolving all along in
 * this process: no acknowledged create is lost, no answer is wrong, and the next
 * writer leaves the index usable again. */
START_TEST(shared_writers_killed)
{
	const char *env = getenv("NUMBERING_CRASH_ROUNDS");
	int rounds = env && atoi(env) > 0 ? atoi(env) : 12;
	enum { MAX = 600 };
	const char *path = new_path();
	numbering_store *first = store_at(path, 0, 1);
	ck_assert_ptr_nonnull(first);
	ck_assert_int_eq(create(first, 0), NUMBERING_OK);
	numbering_store_close(first);
	numbering_store *rs = store_at(path, 1, 1);
	ck_assert_ptr_nonnull(rs);
	numbering_resolution *res = NULL;
	ck_assert_int_eq(numbering_resolution_new(&res), NUMBERING_OK);
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	static char acked[MAX];
	memset(acked, 0, sizeof(acked));
	int next = 1;
	long answers = 0;
	for (int round = 0; round < rounds && next < MAX; round++) {
		int acks[2];
		ck_assert_int_eq(pipe(acks), 0);
		pid_t pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			close(acks[0]);
			numbering_store *w = store_at(path, 0, round % 2);
			if (w == NULL)
				_exit(5);
			for (int i = next; i < MAX; i++) {
				int rc = create(w, i);
				if (rc == NUMBERING_ALREADY_EXISTS)
					continue;
				if (rc != NUMBERING_OK || write(acks[1], &i, sizeof(i)) != (ssize_t)sizeof(i))
					_exit(6);
			}
			_exit(0);
		}
		close(acks[1]);
		struct timespec started, now;
		clock_gettime(CLOCK_MONOTONIC, &started);
		long pause_ns = (10 + rand() % 90) * 1000000L;
		for (;;) {
			/* Resolve while the writer writes: what was acknowledged is found. */
			for (int i = 0; i < next; i++)
				if (acked[i] || i == 0) {
					ck_assert_msg(resolve_number(rs, res, i) == NUMBERING_OK, "round %d: acknowledged %d lost: %s",
					              round, i, numbering_error_message());
					answers++;
					break;
				}
			clock_gettime(CLOCK_MONOTONIC, &now);
			if ((now.tv_sec - started.tv_sec) * 1000000000L + (now.tv_nsec - started.tv_nsec) > pause_ns)
				break;
		}
		kill(pid, SIGKILL);
		int status;
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		int i;
		while (read(acks[0], &i, sizeof(i)) == (ssize_t)sizeof(i)) {
			ck_assert(i > 0 && i < MAX);
			acked[i] = 1;
			if (i + 1 > next)
				next = i + 1;
		}
		close(acks[0]);
		for (int k = 0; k < next; k++)
			if (acked[k]) {
				int rc = resolve_number(rs, res, k);
				ck_assert_msg(rc == NUMBERING_OK, "round %d: acknowledged %d lost: %s", round, k,
				              numbering_error_message());
				answers++;
			}
		ck_assert_int_eq(resolve_number(rs, res, MAX + 1), NUMBERING_NOT_FOUND);
	}
	ck_assert_int_gt(next, 1);
	ck_assert_int_gt(answers, 0);
	/* A writer after the kills leaves an index readers use. */
	numbering_store *w = store_at(path, 0, 1);
	ck_assert_ptr_nonnull(w);
	ck_assert_int_eq(create(w, MAX + 2), NUMBERING_OK);
	numbering_store_close(w);
	numbering_backend *r = open_backend(path, 1, 1);
	ck_assert(served_shared(r));
	r->free(r);
	numbering_resolution_free(res);
	numbering_store_close(rs);
	cleanup();
}
END_TEST

Suite *shared_readers_suite(void)
{
	Suite *s = suite_create("shared_readers");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, shared_reader_basic);
	tcase_add_test(tc, shared_reader_store_keeps_no_heap);
	tcase_add_test(tc, shared_reader_without_index);
	tcase_add_test(tc, shared_index_grows);
	tcase_add_test(tc, shared_reader_lists_every_kind);
	tcase_add_test(tc, shared_index_damaged);
	tcase_add_test(tc, shared_reader_log_cut_short);
	tcase_add_test(tc, shared_index_of_version_1);
	tcase_add_test(tc, shared_reader_catch_up_retried);
	tcase_add_test(tc, shared_index_under_an_address_space_limit);
	tcase_add_test(tc, shared_reader_beside_a_writer_without_index);
	tcase_add_test(tc, shared_reader_returns_to_index);
	tcase_add_test(tc, shared_reader_heap_through_compactions);
	tcase_add_test(tc, shared_reader_opened_during_compaction);
	tcase_add_test(tc, shared_index_after_failed_compaction_rename);
	tcase_add_test(tc, shared_processes_live);
	tcase_add_test(tc, shared_reader_follows_changes);
	tcase_add_test(tc, shared_reader_damaged_body);
	tcase_add_test(tc, shared_record_check_value);
	tcase_add_test(tc, shared_never_half_a_transaction);
	tcase_add_test(tc, shared_writers_killed);
	suite_add_tcase(s, tc);
	return s;
}

/* The backend test kit over writers that keep the shared index (compactions happen:
 * 64 KiB), checked after each test by a shared reader of the same file: every record
 * the writer holds is got, and found by its first and last numbers, from the index,
 * with the same bytes. */

struct compare {
	numbering_backend *reader;
	const numbering_record *want;
	int same, count, rc;
};

static int same_record(const numbering_record *got, void *payload)
{
	struct compare *c = payload;
	const numbering_record *w = c->want;
	c->same = got->kind == w->kind && got->flags == w->flags && strcmp(got->name, w->name) == 0 &&
	          strcmp(got->parent, w->parent) == 0 && got->sort_key == w->sort_key && got->digits == w->digits &&
	          got->first == w->first && got->last == w->last && got->expires == w->expires &&
	          got->body_len == w->body_len && (w->body_len == 0 || memcmp(got->body, w->body, w->body_len) == 0);
	for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS && c->same; i++)
		c->same = (got->keys[i] == NULL) == (w->keys[i] == NULL) &&
		          (w->keys[i] == NULL || strcmp(got->keys[i], w->keys[i]) == 0);
	return 0;
}

static int compare_visit(const numbering_record *w, void *payload)
{
	struct compare *c = payload;
	c->want = w;
	c->count++;
	c->same = 0;
	int rc = c->reader->get(c->reader, w->kind, w->name, same_record, c);
	if (rc != NUMBERING_OK || !c->same) {
		c->rc = numbering_error_set(NUMBERING_DATA_LOSS, "record", "the shared reader's get differs");
		return 1;
	}
	if ((w->flags & NUMBERING_RECORD_NUMBERS) && w->digits > 0) {
		uint64_t ends[2] = {w->first, w->last};
		for (int k = 0; k < 2; k++) {
			c->same = 0;
			rc = c->reader->find(c->reader, w->digits, ends[k], ends[k], same_record, c);
			if (rc != NUMBERING_OK || !c->same) {
				c->rc = numbering_error_set(NUMBERING_DATA_LOSS, "record", "the shared reader's find differs");
				return 1;
			}
		}
	}
	return 0;
}

static int kit_check(numbering_backend *backend, void *payload)
{
	(void)payload;
	int rc = backend->control(backend, NUMBERING__MEMORY_CONTROL_CHECK, NULL);
	if (rc == NUMBERING_OK)
		rc = backend->control(backend, NUMBERING_FILE_CONTROL_VERIFY, NULL);
	if (rc != NUMBERING_OK)
		return rc;
	numbering_file_options o = NUMBERING_FILE_OPTIONS_INIT;
	o.read_only = 1;
	o.shared_index = 1;
	numbering_backend *reader = NULL;
	if ((rc = numbering_file_backend_new(&reader, kit_file_path(), &o)) != NUMBERING_OK)
		return rc;
	struct compare c = {reader, NULL, 0, 0, NUMBERING_OK};
	if (!served_shared(reader))
		rc = numbering_error_set(NUMBERING_DATA_LOSS, "index", "the shared reader does not read the index");
	numbering_backend_foreach each = {compare_visit, &c};
	if (rc == NUMBERING_OK) {
		rc = backend->control(backend, NUMBERING_BACKEND_CONTROL_FOREACH, &each);
		if (c.rc != NUMBERING_OK)
			rc = c.rc;
	}
	if (rc == NUMBERING_OK && !served_shared(reader))
		rc = numbering_error_set(NUMBERING_DATA_LOSS, "index", "the shared reader fell back to its heap");
	reader->free(reader);
	return rc;
}

Suite *kit_file_shared_suite(void)
{
	numbering_backend_test_target target = NUMBERING_BACKEND_TEST_TARGET_INIT;
	target.name = "kit_file_shared";
	kit_file_target(&target, 1);
	target.check = kit_check;
	return numbering_backend_test_suite(&target);
}
