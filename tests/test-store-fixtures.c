/*
 * Store files written by earlier libnumbering releases (tests/data/store-vN.db, made by
 * tests/data/make-store-fixtures.sh with the library of that format), opened with
 * today's: every instance, every page token and every request id answers as the
 * library that wrote the file answered (tests/data/store-vN.expected.jsonl).
 *
 * Each fixture is checked on a copy, three times: opened read-only (the file as it is),
 * opened writable (the file is rewritten in format version 3 at that open), and
 * reopened after that (what the rewrite left).
 *
 * The file backend (a record store, format version 3) upgrades both fixtures: through a
 * store end to end (above: every instance, the old page token, every request id's first
 * response), and as records: every instance, the page-token key, the last time and every
 * request record come out identical to what a read-only open reads from the file as it
 * is, after the upgrade, a reopen, a write and a compaction; and a SIGKILL at every I/O
 * call of the upgrade leaves the old file or the new one.
 */
#define _DEFAULT_SOURCE

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <numbering/numbering.h>
#include <numbering/sys/backend.h>
#include <numbering/sys/file.h>

#include "../backends/file/file-internal.h"
#include "model/instance-record.h"
#include "model/kinds.h"
#include "suites.h"

/* Copies tests/data/@name to a new file in a new temporary directory; its path in @path. */
static void copy_fixture(char *path, size_t size, char *dir, size_t dir_size, const char *name)
{
	const char *base = getenv("TMPDIR");
	snprintf(dir, dir_size, "%s/numbering-fixture-XXXXXX", base && base[0] ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_lt(snprintf(path, size, "%s/store.db", dir), (int)size);
	FILE *in = fopen(test_data_path(name), "rb");
	ck_assert_msg(in != NULL, "cannot open %s: %s", test_data_path(name), strerror(errno));
	FILE *out = fopen(path, "wb");
	ck_assert_ptr_nonnull(out);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		ck_assert_uint_eq(fwrite(buf, 1, n, out), n);
	fclose(in);
	ck_assert_int_eq(fclose(out), 0);
	ck_assert_int_eq(chmod(path, 0600), 0);
}

static void remove_copy(const char *path, const char *dir)
{
	char lock[600];
	snprintf(lock, sizeof(lock), "%s.lock", path);
	unlink(lock); /* the lock file a writable open left beside it */
	unlink(path);
	rmdir(dir);
}

/* The format version in the header of the store at @path. */
static int format_version(const char *path)
{
	unsigned char h[12];
	int fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(read(fd, h, sizeof(h)), (ssize_t)sizeof(h));
	close(fd);
	return h[8] | h[9] << 8 | h[10] << 16 | h[11] << 24;
}

static numbering_store *open_fixture(const char *path, int read_only)
{
	numbering_file_options file_options = NUMBERING_FILE_OPTIONS_INIT;
	file_options.read_only = read_only;
	numbering_options options = NUMBERING_OPTIONS_INIT;
	ck_assert_int_eq(numbering_file_backend_new(&options.backend, path, &file_options), NUMBERING_OK);
	numbering_store *store = NULL;
	ck_assert_msg(numbering_store_open(&store, &options) == NUMBERING_OK, "opening %s: %s", path,
	              numbering_error_message());
	return store;
}

/* An answer is the one the old library gave: the same response, or the same error
 * whose message starts with the old one's (today's messages may say more: "no longer
 * exists" became "no longer exists under that name" in issue 17). */
static int same_answer(json_t *got, json_t *want)
{
	json_t *got_error = json_object_get(got, "error"), *want_error = json_object_get(want, "error");
	if (got_error == NULL || want_error == NULL)
		return json_equal(got, want);
	const char *got_message = json_string_value(json_object_get(got_error, "message"));
	const char *want_message = json_string_value(json_object_get(want_error, "message"));
	return json_equal(json_object_get(got_error, "code"), json_object_get(want_error, "code")) &&
	       json_equal(json_object_get(got_error, "status"), json_object_get(want_error, "status")) &&
	       got_message != NULL && want_message != NULL &&
	       strncmp(got_message, want_message, strlen(want_message)) == 0;
}

/* Asks @store every question of @expected_name and compares each answer with what the
 * old library answered (as numberctl batch printed it); returns the answers compared. */
static int check_answers(numbering_store *store, const char *expected_name, int read_only, const char *pass)
{
	FILE *f = fopen(test_data_path(expected_name), "r");
	ck_assert_msg(f != NULL, "cannot open %s", test_data_path(expected_name));
	char *line = NULL;
	size_t cap = 0;
	int count = 0, lines = 0;
	while (getline(&line, &cap, f) > 0) {
		lines++;
		json_error_t error;
		json_t *entry = json_loads(line, 0, &error);
		ck_assert_msg(entry != NULL, "%s line %d: %s", expected_name, lines, error.text);
		const char *method = json_string_value(json_object_get(entry, "method"));
		json_t *want = json_object_get(entry, "response");
		ck_assert_ptr_nonnull(method);
		ck_assert_ptr_nonnull(want);
		/* A retried create asks for a write transaction, which a read-only store refuses. */
		if (read_only && strcmp(method, "CreatePhoneNumberInstance") == 0) {
			json_decref(entry);
			continue;
		}
		char *request = json_dumps(json_object_get(entry, "request"), JSON_COMPACT);
		ck_assert_ptr_nonnull(request);
		char *response = NULL;
		int rc = numbering_store_call_json(&response, store, NULL, method, request);
		ck_assert_ptr_nonnull(response);
		json_t *body = json_loads(response, 0, &error);
		ck_assert_msg(body != NULL, "%s: unparsable response %s", method, response);
		json_t *got = body;
		if (rc == NUMBERING_OK)
			got = json_pack("{s:O}", "response", body);
		char *got_text = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS);
		char *want_text = json_dumps(want, JSON_COMPACT | JSON_SORT_KEYS);
		ck_assert_msg(same_answer(got, want), "%s (%s), line %d of %s:\n%s %s\nanswered %s\nwant     %s", pass,
		              expected_name, lines, expected_name, method, request, got_text, want_text);
		/* A retried create answers the request id's first response (version 2 keeps it;
		 * version 1 kept the instance's name, so its retries answer the instance as it is
		 * now), unless that instance is gone (NOT_FOUND). */
		json_t *first = json_object_get(entry, "first");
		if (first != NULL && strstr(expected_name, "v1") == NULL && json_object_get(got, "error") == NULL)
			ck_assert_msg(json_equal(got, first), "%s (%s), line %d: a retry of %s does not answer its first response",
			              pass, expected_name, lines, request);
		free(got_text);
		free(want_text);
		if (got != body)
			json_decref(got);
		json_decref(body);
		numbering_free(response);
		free(request);
		json_decref(entry);
		count++;
	}
	free(line);
	fclose(f);
	return count;
}

static void check_fixture(int version)
{
	char db[32], expected[48], path[256], dir[200];
	snprintf(db, sizeof(db), "store-v%d.db", version);
	snprintf(expected, sizeof(expected), "store-v%d.expected.jsonl", version);
	copy_fixture(path, sizeof(path), dir, sizeof(dir), db);
	ck_assert_int_eq(format_version(path), version);

	numbering_store *store = open_fixture(path, 1);
	int answers = check_answers(store, expected, 1, "read-only");
	numbering_store_close(store);
	ck_assert_int_ge(answers, 10);
	ck_assert_int_eq(format_version(path), version);

	store = open_fixture(path, 0);
	answers = check_answers(store, expected, 0, "writable");
	numbering_store_close(store);
	ck_assert_int_ge(answers, 20);
	ck_assert_int_eq(format_version(path), NUMBERING_FILE_FORMAT_VERSION);

	store = open_fixture(path, 0);
	ck_assert_int_eq(check_answers(store, expected, 0, "reopened"), answers);
	numbering_store_close(store);
	remove_copy(path, dir);
}

/* Format version 1 (the release before issue 17): a version-1 snapshot and log records
 * after it; request records of that release hold the instance's name. */
START_TEST(file_fixture_v1)
{
	check_fixture(1);
}
END_TEST

/* Format version 2 (issue 17): a snapshot, log records after it, durable-length slots. */
START_TEST(file_fixture_v2)
{
	check_fixture(2);
}
END_TEST


/* The record store: what the upgrade of a fixture must hold. */

/* Every instance name in the fixture's expected listings (deleted ones included). */
static int fixture_names(char names[64][128], const char *expected_name)
{
	FILE *f = fopen(test_data_path(expected_name), "r");
	ck_assert_ptr_nonnull(f);
	char *line = NULL;
	size_t cap = 0;
	int count = 0;
	while (getline(&line, &cap, f) > 0) {
		json_t *entry = json_loads(line, 0, NULL);
		ck_assert_ptr_nonnull(entry);
		json_t *request = json_object_get(entry, "request");
		if (json_is_true(json_object_get(request, "includeDeleted"))) {
			json_t *list = json_object_get(json_object_get(json_object_get(entry, "response"), "response"),
			                               "phoneNumberInstances");
			size_t i;
			json_t *instance;
			json_array_foreach(list, i, instance)
			{
				ck_assert_int_lt(count, 64);
				snprintf(names[count++], 128, "%s", json_string_value(json_object_get(instance, "name")));
			}
		}
		json_decref(entry);
	}
	free(line);
	fclose(f);
	return count;
}

struct got {
	int found;
	numbering_record record; /* copied scalars only */
	uint8_t body[4096];
	size_t body_len;
	numbering_instance *instance;
	int rc;
};

static int got_visit(const numbering_record *record, void *payload)
{
	struct got *g = payload;
	g->found = 1;
	g->record = *record;
	g->record.name = g->record.parent = NULL;
	g->record.body = NULL;
	ck_assert_uint_le(record->body_len, sizeof(g->body));
	memcpy(g->body, record->body, record->body_len);
	g->body_len = record->body_len;
	if (g->instance != NULL && record->kind == NUMBERING__KIND_INSTANCE)
		g->rc = numbering__instance_from_record(g->instance, record);
	return 0;
}

static void record_get(struct got *g, numbering_backend *rb, int kind, const char *name)
{
	numbering_instance *keep = g->instance;
	memset(g, 0, sizeof(*g));
	g->instance = keep;
	int rc = rb->get(rb, kind, name, got_visit, g);
	ck_assert_msg(rc == NUMBERING_OK, "record %d %s: %s", kind, name, numbering_error_message());
	ck_assert_msg(g->rc == NUMBERING_OK, "record %d %s: %s", kind, name, numbering_error_message());
}

static int64_t kind_count(numbering_backend *rb, int kind)
{
	numbering_backend_count c = {kind, 0};
	ck_assert_int_eq(rb->control(rb, NUMBERING_BACKEND_CONTROL_COUNT, &c), NUMBERING_OK);
	return c.count;
}

/* Checks @rb against @old, the fixture as it was read without an upgrade (read-only,
 * the file left as it is: the reading of versions 1 and 2 as records, which the
 * end-to-end tests above hold to the old library's answers): the same records, byte for
 * byte, and what they must be. */
static void check_records(numbering_backend *rb, numbering_backend *old, const char *expected_name,
                          const char *when)
{
	static char names[64][128];
	int count = fixture_names(names, expected_name);
	ck_assert_int_eq(count, 28);
	ck_assert_int_eq(kind_count(rb, NUMBERING__KIND_INSTANCE), count);
	ck_assert_int_eq(kind_count(old, NUMBERING__KIND_INSTANCE), count);
	static struct got g, o;
	memset(&g, 0, sizeof(g));
	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(numbering_instance_new(&g.instance), NUMBERING_OK);
	for (int i = 0; i < count; i++) {
		record_get(&o, old, NUMBERING__KIND_INSTANCE, names[i]);
		record_get(&g, rb, NUMBERING__KIND_INSTANCE, names[i]);
		ck_assert_msg(g.body_len == o.body_len && memcmp(g.body, o.body, g.body_len) == 0 &&
		                      g.record.flags == o.record.flags && g.record.sort_key == o.record.sort_key &&
		                      g.record.digits == o.record.digits && g.record.first == o.record.first &&
		                      g.record.last == o.record.last,
		              "%s: instance %s differs from the fixture's", when, names[i]);
		ck_assert_int_eq(g.record.sort_key, g.instance->create_time);
	}
	/* The page-token key: the same 32 bytes, so every token issued verifies. */
	record_get(&o, old, NUMBERING__KIND_META, NUMBERING__META_TOKEN_KEY);
	record_get(&g, rb, NUMBERING__KIND_META, NUMBERING__META_TOKEN_KEY);
	ck_assert_uint_eq(g.body_len, 32);
	ck_assert_msg(o.body_len == 32 && memcmp(o.body, g.body, 32) == 0, "%s: the page-token key changed", when);
	/* The last time (little-endian in a record). */
	record_get(&o, old, NUMBERING__KIND_META, NUMBERING__META_LAST_TIME);
	record_get(&g, rb, NUMBERING__KIND_META, NUMBERING__META_LAST_TIME);
	ck_assert_uint_eq(g.body_len, 8);
	ck_assert_msg(o.body_len == 8 && memcmp(o.body, g.body, 8) == 0, "%s: the last time changed", when);
	/* Every request id, with the bytes of its record. */
	FILE *f = fopen(test_data_path(expected_name), "r");
	ck_assert_ptr_nonnull(f);
	char *line = NULL;
	size_t cap = 0;
	int requests = 0;
	while (getline(&line, &cap, f) > 0) {
		json_t *entry = json_loads(line, 0, NULL);
		json_t *request = json_object_get(entry, "request");
		const char *id = json_string_value(json_object_get(request, "requestId"));
		if (id != NULL) {
			const char *parent = json_string_value(json_object_get(request, "parent"));
			char name[256];
			snprintf(name, sizeof(name), "%s/requests/%s", parent, id);
			record_get(&o, old, NUMBERING__KIND_REQUEST, name);
			record_get(&g, rb, NUMBERING__KIND_REQUEST, name);
			ck_assert_msg(g.body_len == o.body_len && memcmp(g.body, o.body, o.body_len) == 0 && g.body_len > 32,
			              "%s: request %s changed", when, name);
			ck_assert_int_ne(g.record.sort_key, 0);
			ck_assert_int_eq(g.record.sort_key, o.record.sort_key);
			requests++;
		}
		json_decref(entry);
	}
	free(line);
	fclose(f);
	ck_assert_int_eq(requests, 9);
	ck_assert_int_eq(kind_count(rb, NUMBERING__KIND_REQUEST), requests);
	ck_assert_int_eq(kind_count(rb, NUMBERING__KIND_META), 2);
	numbering_instance_free(g.instance);
}

static numbering_backend *open_records(const char *path, int read_only)
{
	numbering_file_options options = NUMBERING_FILE_OPTIONS_INIT;
	options.read_only = read_only;
	numbering_backend *rb = NULL;
	ck_assert_msg(numbering_file_backend_new(&rb, path, &options) == NUMBERING_OK, "opening %s: %s", path,
	              numbering_error_message());
	return rb;
}

static numbering_backend *open_today(const char *fixture, char *path, size_t size, char *dir, size_t dir_size)
{
	copy_fixture(path, size, dir, dir_size, fixture);
	numbering_file_options options = NUMBERING_FILE_OPTIONS_INIT;
	options.read_only = 1;
	numbering_backend *old = NULL;
	ck_assert_int_eq(numbering_file_backend_new(&old, path, &options), NUMBERING_OK);
	return old;
}

static void check_upgrade(int version)
{
	char db[32], expected[48], path[256], dir[200], old_path[256], old_dir[200];
	snprintf(db, sizeof(db), "store-v%d.db", version);
	snprintf(expected, sizeof(expected), "store-v%d.expected.jsonl", version);
	numbering_backend *old = open_today(db, old_path, sizeof(old_path), old_dir, sizeof(old_dir));
	copy_fixture(path, sizeof(path), dir, sizeof(dir), db);

	/* Read-only: read as records, the file left as it is. */
	numbering_backend *rb = open_records(path, 1);
	check_records(rb, old, expected, "read-only");
	rb->free(rb);
	ck_assert_int_eq(format_version(path), version);

	rb = open_records(path, 0);
	ck_assert_int_eq(format_version(path), NUMBERING_FILE_FORMAT_VERSION);
	check_records(rb, old, expected, "upgraded");
	rb->free(rb);

	/* Reopened: the log of records replays; a write lands in it; a compaction keeps all. */
	rb = open_records(path, 0);
	check_records(rb, old, expected, "reopened");
	uint8_t later[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	numbering_record meta;
	ck_assert_int_eq(numbering__meta_record(&meta, "scratch-not-a-meta", later, 8), NUMBERING_INVALID_ARGUMENT);
	numbering_error_clear();
	ck_assert_int_eq(rb->begin(rb), NUMBERING_OK);
	ck_assert_int_eq(rb->remove(rb, NUMBERING__KIND_INSTANCE, "projects/p1/phoneNumberInstances/single-0"),
	                 NUMBERING_OK);
	ck_assert_int_eq(rb->commit(rb), NUMBERING_OK);
	rb->free(rb);
	rb = open_records(path, 0);
	ck_assert_int_eq(kind_count(rb, NUMBERING__KIND_INSTANCE), 27);
	ck_assert_int_eq(rb->get(rb, NUMBERING__KIND_INSTANCE, "projects/p1/phoneNumberInstances/single-0", got_visit,
	                         &(struct got){0}),
	                 NUMBERING_NOT_FOUND);
	numbering_error_clear();
	ck_assert_int_eq(rb->control(rb, NUMBERING_FILE_CONTROL_COMPACT, NULL), NUMBERING_OK);
	rb->free(rb);
	rb = open_records(path, 0);
	ck_assert_int_eq(kind_count(rb, NUMBERING__KIND_INSTANCE), 27);
	ck_assert_int_eq(kind_count(rb, NUMBERING__KIND_REQUEST), 9);
	rb->free(rb);
	old->free(old);
	remove_copy(old_path, old_dir);
	remove_copy(path, dir);
}

START_TEST(file_records_upgrade_v1)
{
	check_upgrade(1);
}
END_TEST

START_TEST(file_records_upgrade_v2)
{
	check_upgrade(2);
}
END_TEST

/* The crash sweep: the child upgrades, killed by SIGKILL just before its n-th I/O call
 * that changes a file (open, write, sync, truncate, rename, unlink), for n = 1, 2, ...
 * until an upgrade completes. */
static long kill_at, io_calls;

static void maybe_die(void)
{
	if (++io_calls == kill_at)
		kill(getpid(), SIGKILL);
}

static int die_open(const char *path, int flags, mode_t mode)
{
	if (flags & (O_WRONLY | O_RDWR | O_CREAT))
		maybe_die();
	return open(path, flags, mode);
}
static ssize_t die_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	maybe_die();
	return pwrite(fd, buf, len, off);
}
static int die_fdatasync(int fd)
{
	maybe_die();
	return fdatasync(fd);
}
static int die_fsync(int fd)
{
	maybe_die();
	return fsync(fd);
}
static int die_ftruncate(int fd, off_t len)
{
	maybe_die();
	return ftruncate(fd, len);
}
static int die_rename(const char *from, const char *to)
{
	maybe_die();
	return rename(from, to);
}
static int die_unlink(const char *path)
{
	maybe_die();
	return unlink(path);
}

static const struct numbering__file_io die_io = {
    die_open, close, pread, die_pwrite, die_fdatasync, die_fsync, die_ftruncate, die_rename, die_unlink, link,
};

static int same_bytes(const char *a, const char *b)
{
	FILE *x = fopen(a, "rb"), *y = fopen(b, "rb");
	int same = x != NULL && y != NULL;
	while (same) {
		int c = fgetc(x), d = fgetc(y);
		if (c != d)
			same = 0;
		if (c == EOF || d == EOF)
			break;
	}
	if (x)
		fclose(x);
	if (y)
		fclose(y);
	return same;
}

static void crash_sweep(int version)
{
	char db[32], expected[48], path[256], dir[200], old_path[256], old_dir[200];
	snprintf(db, sizeof(db), "store-v%d.db", version);
	snprintf(expected, sizeof(expected), "store-v%d.expected.jsonl", version);
	numbering_backend *old = open_today(db, old_path, sizeof(old_path), old_dir, sizeof(old_dir));
	int killed = 0, olds = 0, news = 0;
	for (long n = 1;; n++) {
		ck_assert_int_lt(n, 200);
		copy_fixture(path, sizeof(path), dir, sizeof(dir), db);
		pid_t pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			kill_at = n;
			io_calls = 0;
			numbering__file_io_set(&die_io);
			numbering_backend *rb = NULL;
			_exit(numbering_file_backend_new(&rb, path, NULL) == NUMBERING_OK ? 0 : 3);
		}
		int status = 0;
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		int done = WIFEXITED(status);
		if (done)
			ck_assert_int_eq(WEXITSTATUS(status), 0);
		else {
			ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
			killed++;
		}
		/* The old file, byte for byte, or the new one: never neither. */
		if (format_version(path) == version) {
			ck_assert_msg(same_bytes(path, old_path), "killed at I/O call %ld: the old file changed", n);
			ck_assert(!done);
			olds++;
		} else {
			ck_assert_int_eq(format_version(path), NUMBERING_FILE_FORMAT_VERSION);
			news++;
		}
		/* Either way it opens (the old one is upgraded now), with everything. */
		numbering_backend *rb = open_records(path, 0);
		check_records(rb, old, expected, "after a crash");
		rb->free(rb);
		/* The next writable open deleted the temporary file a crash left. */
		DIR *d = opendir(dir);
		struct dirent *e;
		int entries = 0;
		while ((e = readdir(d)) != NULL)
			entries += e->d_name[0] != '.' && strstr(e->d_name, ".lock") == NULL; /* the lock file stays */
		closedir(d);
		ck_assert_msg(entries == 1, "killed at I/O call %ld: %d files beside the store", n, entries);
		remove_copy(path, dir);
		if (done)
			break;
	}
	ck_assert_int_ge(killed, 4);
	ck_assert_int_ge(olds, 1);
	ck_assert_int_ge(news, 1);
	old->free(old);
	remove_copy(old_path, old_dir);
}

START_TEST(file_records_upgrade_crash)
{
	crash_sweep(1);
	crash_sweep(2);
}
END_TEST

struct big_body {
	const uint8_t *want;
	int same;
};

static int big_visit(const numbering_record *record, void *payload)
{
	struct big_body *big = payload;
	big->same = record->body_len == NUMBERING_RECORD_BODY_MAX && memcmp(record->body, big->want, record->body_len) == 0;
	return 0;
}

/* A record of the largest body the contract allows (NUMBERING_RECORD_BODY_MAX) fits one
 * transaction of the log, and comes back after a reopen and after a compaction. */
START_TEST(file_records_largest_body)
{
	char path[256], dir[200];
	const char *base = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/numbering-largest-XXXXXX", base && base[0] ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/store.db", dir);
	uint8_t *body = malloc(NUMBERING_RECORD_BODY_MAX);
	ck_assert_ptr_nonnull(body);
	for (size_t i = 0; i < NUMBERING_RECORD_BODY_MAX; i++)
		body[i] = (uint8_t)(i * 131 + 7);
	numbering_record record;
	memset(&record, 0, sizeof(record));
	record.version = NUMBERING_RECORD_VERSION;
	record.kind = NUMBERING_RECORD_KIND_MAX;
	record.name = "largest";
	record.parent = "";
	record.body = body;
	record.body_len = NUMBERING_RECORD_BODY_MAX;
	numbering_backend *rb = open_records(path, 0);
	ck_assert_int_eq(rb->begin(rb), NUMBERING_OK);
	ck_assert_msg(rb->put(rb, &record) == NUMBERING_OK, "put: %s", numbering_error_message());
	ck_assert_msg(rb->commit(rb) == NUMBERING_OK, "commit: %s", numbering_error_message());
	rb->free(rb);
	for (int pass = 0; pass < 2; pass++) {
		rb = open_records(path, 0);
		struct big_body big = {body, 0};
		ck_assert_int_eq(rb->get(rb, NUMBERING_RECORD_KIND_MAX, "largest", big_visit, &big), NUMBERING_OK);
		ck_assert_msg(big.same, "pass %d: the largest body did not come back whole", pass);
		if (pass == 0)
			ck_assert_int_eq(rb->control(rb, NUMBERING_FILE_CONTROL_COMPACT, NULL), NUMBERING_OK);
		rb->free(rb);
	}
	free(body);
	remove_copy(path, dir);
}
END_TEST

static void remove_single(const char *path, const char *name)
{
	numbering_backend *rb = open_records(path, 0);
	ck_assert_int_eq(rb->begin(rb), NUMBERING_OK);
	ck_assert_int_eq(rb->remove(rb, NUMBERING__KIND_INSTANCE, name), NUMBERING_OK);
	ck_assert_int_eq(rb->commit(rb), NUMBERING_OK);
	rb->free(rb);
}

/* fsck reads a log of records (version 3), and a repair keeps it one. */
START_TEST(file_records_fsck)
{
	char path[256], dir[200];
	copy_fixture(path, sizeof(path), dir, sizeof(dir), "store-v2.db");
	numbering_backend *rb = open_records(path, 0); /* upgraded */
	rb->free(rb);
	numbering_file_report report;
	memset(&report, 0, sizeof(report));
	report.version = NUMBERING_FILE_REPORT_VERSION;
	ck_assert_int_eq(numbering_file_check(&report, path, 0), NUMBERING_OK);
	ck_assert_msg(report.status == NUMBERING_OK, "%s", report.message);
	ck_assert_int_eq(report.format_version, NUMBERING_FILE_FORMAT_VERSION);
	ck_assert_int_eq(report.instances, 28);
	ck_assert_int_eq(report.metas, 11); /* the token key, the last time, 9 request ids */

	/* Three transactions after the snapshot; the second one damaged. */
	remove_single(path, "projects/p1/phoneNumberInstances/single-0");
	remove_single(path, "projects/p1/phoneNumberInstances/single-1");
	remove_single(path, "projects/p1/phoneNumberInstances/single-2");
	int fd = open(path, O_RDWR);
	ck_assert_int_ge(fd, 0);
	uint64_t off = 128;
	for (int i = 0; i < 2; i++) { /* past the snapshot and the first transaction */
		unsigned char h[8];
		ck_assert_int_eq(pread(fd, h, 8, (off_t)off), 8);
		off += 24 + (uint64_t)(h[4] | h[5] << 8 | h[6] << 16 | (uint32_t)h[7] << 24);
	}
	unsigned char byte;
	ck_assert_int_eq(pread(fd, &byte, 1, (off_t)(off + 24 + 3)), 1);
	byte ^= 0x40;
	ck_assert_int_eq(pwrite(fd, &byte, 1, (off_t)(off + 24 + 3)), 1);
	close(fd);
	numbering_backend_count count = {NUMBERING__KIND_INSTANCE, 0};
	numbering_file_options options = NUMBERING_FILE_OPTIONS_INIT;
	ck_assert_int_eq(numbering_file_backend_new(&rb, path, &options), NUMBERING_DATA_LOSS);
	numbering_error_clear();
	ck_assert_int_eq(numbering_file_check(&report, path, 0), NUMBERING_OK);
	ck_assert_int_eq(report.status, NUMBERING_DATA_LOSS);
	ck_assert_int_eq(report.damage_offset, (int64_t)off);
	ck_assert_int_eq(numbering_file_check(&report, path, 1), NUMBERING_OK);
	ck_assert_msg(report.repaired, "%s", report.message);
	ck_assert_int_eq(format_version(path), NUMBERING_FILE_FORMAT_VERSION);
	rb = open_records(path, 0);
	ck_assert_int_eq(rb->control(rb, NUMBERING_BACKEND_CONTROL_COUNT, &count), NUMBERING_OK);
	ck_assert_int_eq(count.count, 27); /* single-0's removal kept; the two after the damage gone */
	struct got g;
	memset(&g, 0, sizeof(g));
	record_get(&g, rb, NUMBERING__KIND_INSTANCE, "projects/p1/phoneNumberInstances/single-1");
	record_get(&g, rb, NUMBERING__KIND_META, NUMBERING__META_TOKEN_KEY);
	rb->free(rb);
	unlink(report.damaged_copy);
	remove_copy(path, dir);
}
END_TEST

TCase *store_fixture_tcase(void)
{
	TCase *tc = tcase_create("fixtures");
	tcase_add_test(tc, file_fixture_v1);
	tcase_add_test(tc, file_fixture_v2);
	tcase_add_test(tc, file_records_upgrade_v1);
	tcase_add_test(tc, file_records_upgrade_v2);
	tcase_add_test(tc, file_records_upgrade_crash);
	tcase_add_test(tc, file_records_largest_body);
	tcase_add_test(tc, file_records_fsck);
	tcase_set_timeout(tc, 120);
	return tc;
}
