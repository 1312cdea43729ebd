/*
 * The file backend: the conformance suite over it (with reopens), and its promises:
 * durability, atomicity, recovery from a torn tail, DATA_LOSS for damage, the format
 * version, one writer, compaction (also under faults), fault injection at every I/O
 * call of a scenario, a corruption sweep, and a SIGKILL crash test through the store.
 *
 * NUMBERING_CRASH_ROUNDS sets the crash test's rounds (default 10).
 */
#define _DEFAULT_SOURCE

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <numbering/numbering.h>
#include <numbering/sys/backend.h>
#include <numbering/sys/file.h>

#include <numbering/sys/backend-test.h>

#include "../backends/file/file-internal.h"
#include "../backends/memory/memory.h"
#include "model/instance-record.h"
#include "model/instance.h"
#include "model/kinds.h"
#include "kit-file.h"
#include "reader-procs.h"
#include "suites.h"
#include "temp-dir.h"

#define P1 "projects/p1"
#define P2 "projects/p2"
#define NAME1 P1 "/phoneNumberInstances/one"
#define NAME2 P1 "/phoneNumberInstances/two"

/* Instances, put into the backend as the records the store makes of them. */

static void set_str(struct numbering__str *s, const char *text)
{
	ck_assert_int_eq(numbering__str_set(s, text, strlen(text)), NUMBERING_OK);
}

static void format_number(char *buf, uint64_t value, int digits)
{
	snprintf(buf, 24, "+%0*llu", digits, (unsigned long long)value);
}

/* An instance as the store would write it: output fields set directly. */
static numbering_instance *make_instance(const char *name, uint64_t first, uint64_t last, int digits, int64_t created,
                                         int state)
{
	numbering_instance *in = NULL;
	ck_assert_int_eq(numbering_instance_new(&in), NUMBERING_OK);
	set_str(&in->name, name);
	char buf[24];
	format_number(buf, first, digits);
	set_str(&in->phone_number, buf);
	if (last != first) {
		format_number(buf, last, digits);
		set_str(&in->range_end, buf);
		in->is_range = 1;
	}
	in->first = first;
	in->last = last;
	in->digits = (uint8_t)digits;
	in->range_size = (int64_t)(last - first + 1);
	in->create_time = created;
	in->activate_time = state == NUMBERING_LIFECYCLE_ACTIVE ? created : 0;
	in->delete_time = state == NUMBERING_LIFECYCLE_DELETED ? created + 5 : 0;
	in->lifecycle_state = (uint8_t)state;
	in->call_recording_trigger = NUMBERING_RECORDING_DISABLED;
	set_str(&in->country_code, "US");
	return in;
}

/* Puts @in's instance record (inside a transaction). */
static int put_instance(numbering_backend *b, const numbering_instance *in)
{
	struct numbering__buf body = {0};
	numbering_record record;
	int rc = numbering__instance_to_record(&record, &body, in);
	if (rc == NUMBERING_OK)
		rc = b->put(b, &record);
	numbering__buf_free(&body);
	return rc;
}

static int remove_instance(numbering_backend *b, const char *name)
{
	return b->remove(b, NUMBERING__KIND_INSTANCE, name);
}

/* A META record named @key holding @len bytes of @value: what the file backend stores
 * whatever the kind's meaning (it checks the encoding's limits, not the library's names). */
static int meta_put(numbering_backend *b, const char *key, const void *value, size_t len)
{
	numbering_record record = {NUMBERING_RECORD_VERSION, NUMBERING__KIND_META, 0, key, "", 0, 0, 0, 0, 0,
	                           {NULL, NULL, NULL, NULL}, value, len};
	return b->put(b, &record);
}

/* One put in its own transaction. */
static void put_one(numbering_backend *b, const numbering_instance *in)
{
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_msg(put_instance(b, in) == NUMBERING_OK, "put: %s", numbering_error_message());
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
}

/* Puts a new instance in its own transaction. */
static void add(numbering_backend *b, const char *name, uint64_t first, uint64_t last, int digits, int64_t created,
                int state)
{
	numbering_instance *in = make_instance(name, first, last, digits, created, state);
	put_one(b, in);
	numbering_instance_free(in);
}

static int name_visit(const numbering_record *record, void *payload)
{
	snprintf(payload, 160, "%s", record->name);
	return 0;
}

/* The name find() gives for the interval, or "" when none (a static buffer). */
static const char *found(numbering_backend *b, uint64_t first, uint64_t last, int digits)
{
	static char name[160];
	name[0] = '\0';
	int rc = b->find(b, digits, first, last, name_visit, name);
	ck_assert_msg(rc == NUMBERING_OK || rc == NUMBERING_NOT_FOUND, "find: %s", numbering_error_message());
	return name;
}

static int id_visit(const numbering_record *record, void *payload)
{
	char *ids = payload;
	const char *id = strrchr(record->name, '/') + 1;
	size_t n = strlen(ids);
	snprintf(ids + n, 512 - n, "%s%s", n > 0 ? "," : "", id);
	return 0;
}

/* The ids of @project's instance records, newest first, as a comma-separated string (a static buffer). */
static const char *list_ids(numbering_backend *b, const char *project)
{
	static char ids[512];
	ids[0] = '\0';
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = NUMBERING__KIND_INSTANCE;
	q.parent = project;
	ck_assert_int_eq(b->list(b, &q, id_visit, ids), NUMBERING_OK);
	return ids;
}

/* The memory record store's index check, then a re-read of the whole file. */
static int check_file(numbering_backend *b)
{
	int rc = b->control(b, NUMBERING__MEMORY_CONTROL_CHECK, NULL);
	return rc != NUMBERING_OK ? rc : b->control(b, NUMBERING_FILE_CONTROL_VERIFY, NULL);
}

struct got {
	char *buf;
	size_t cap, len;
};

static int got_visit(const numbering_record *record, void *payload)
{
	struct got *g = payload;
	g->len = record->body_len;
	if (record->body_len <= g->cap && record->body_len > 0)
		memcpy(g->buf, record->body, record->body_len);
	return 0;
}

/* Reads the META record @key into @buf (*len: its size, then the body's length). */
static int meta_get(numbering_backend *b, const char *key, void *buf, size_t *len)
{
	struct got g = {buf, *len, 0};
	int rc = b->get(b, NUMBERING__KIND_META, key, got_visit, &g);
	if (rc == NUMBERING_OK)
		*len = g.len;
	return rc;
}

/* Temporary directories, removed when the test process exits. */

static char tmp_dirs[16][128];
static int tmp_dir_count;

static void remove_tmp_dirs(void)
{
	for (int i = 0; i < tmp_dir_count; i++)
		temp_dir_remove(tmp_dirs[i]);
	tmp_dir_count = 0;
}

/* A new store path in a new temporary directory (a static buffer per call slot). */
static const char *new_store_path(void)
{
	static char paths[16][160];
	ck_assert_int_lt(tmp_dir_count, 16);
	char *dir = tmp_dirs[tmp_dir_count];
	const char *base = getenv("TMPDIR");
	snprintf(dir, 128, "%s/numbering-file-XXXXXX", base && base[0] ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	if (tmp_dir_count++ == 0)
		atexit(remove_tmp_dirs);
	char *path = paths[tmp_dir_count - 1];
	snprintf(path, 160, "%s/store.db", dir);
	return path;
}

/* The directory of @path (a static buffer). */
static const char *dir_of(const char *path)
{
	static char dir[256];
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	return dir;
}

static char last_diagnostic[512];
static int diagnostics;

static void on_diagnostic(const char *message, void *payload)
{
	(void)payload;
	diagnostics++;
	snprintf(last_diagnostic, sizeof(last_diagnostic), "%s", message);
}

static int open_mode(numbering_backend **out, const char *path, int mode, int64_t compact_min)
{
	numbering_file_options o = NUMBERING_FILE_OPTIONS_INIT;
	o.sync_mode = mode;
	o.compact_min_bytes = compact_min;
	o.diagnostic = on_diagnostic;
	return numbering_file_backend_new(out, path, &o);
}

static numbering_backend *open_ok(const char *path)
{
	numbering_backend *b = NULL;
	int rc = open_mode(&b, path, NUMBERING_FILE_SYNC_FULL, -1);
	ck_assert_msg(rc == NUMBERING_OK, "open %s: %s", path, numbering_error_message());
	return b;
}

static int64_t file_size(const char *path)
{
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	return (int64_t)st.st_size;
}

static void read_file(const char *path, uint8_t **data, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	ck_assert_ptr_nonnull(fp);
	*len = (size_t)file_size(path);
	*data = malloc(*len + 1);
	ck_assert_ptr_nonnull(*data);
	ck_assert_uint_eq(fread(*data, 1, *len, fp), *len);
	fclose(fp);
}

static void write_file(const char *path, const uint8_t *data, size_t len)
{
	FILE *fp = fopen(path, "wb");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(data, 1, len, fp), len);
	fclose(fp);
}

static void stats_of(numbering_backend *b, numbering_file_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->version = NUMBERING_FILE_STATS_VERSION;
	ck_assert_int_eq(b->control(b, NUMBERING_FILE_CONTROL_STATS, s), NUMBERING_OK);
}

static void report_init(numbering_file_report *r)
{
	memset(r, 0, sizeof(*r));
	r->version = NUMBERING_FILE_REPORT_VERSION;
}

/* Makes syncs no-ops (and fails nothing) for tests that open many files: see fault_install(). */
static void fault_install(long fail_at, int kind);
static void fault_remove(void);

/* A store's whole content as text: an instance record's "name first-last/digits flags
 * sort-key body-hash", sorted; and metadata. */

struct dump {
	char lines[4096][96];
	int count;
};

/* A record as a line: its name, interval, flags, sort key and a hash of its body. */
static int dump_visit(const numbering_record *r, void *payload)
{
	struct dump *d = payload;
	uint32_t hash = 2166136261u;
	for (size_t i = 0; i < r->body_len; i++)
		hash = (hash ^ ((const uint8_t *)r->body)[i]) * 16777619u;
	ck_assert_int_lt(d->count, 4096);
	snprintf(d->lines[d->count++], 96, "%s %llu-%llu/%d %u %lld %08x", r->name, (unsigned long long)r->first,
	         (unsigned long long)r->last, r->digits, r->flags, (long long)r->sort_key, hash);
	return 0;
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(a, b);
}

static const char *const dump_projects[] = {P1, P2, "projects/p3"};

static void dump_store(numbering_backend *b, struct dump *d)
{
	d->count = 0;
	for (int p = 0; p < 3; p++) {
		numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
		q.kind = NUMBERING__KIND_INSTANCE;
		q.parent = dump_projects[p];
		ck_assert_int_eq(b->list(b, &q, dump_visit, d), NUMBERING_OK);
	}
	for (int k = 0; k < 4; k++) {
		char key[16], value[64];
		size_t len = sizeof(value) - 1;
		snprintf(key, sizeof(key), "meta%d", k);
		if (meta_get(b, key, value, &len) == NUMBERING_OK) {
			value[len] = 0;
			ck_assert_int_lt(d->count, 4096);
			snprintf(d->lines[d->count++], 96, "~%s=%s", key, value);
		}
	}
	qsort(d->lines, (size_t)d->count, sizeof(d->lines[0]), cmp_line);
}

static void assert_dumps_equal(const struct dump *a, const struct dump *b, const char *what)
{
	int n = a->count < b->count ? a->count : b->count;
	for (int i = 0; i < n; i++)
		ck_assert_msg(strcmp(a->lines[i], b->lines[i]) == 0, "%s: line %d: \"%s\" != \"%s\"", what, i, a->lines[i],
		              b->lines[i]);
	ck_assert_msg(a->count == b->count, "%s: %d records, expected %d", what, b->count, a->count);
}

/* A scenario of transactions; op k of it is deterministic. Returns the commit's code. */
static int scenario_step(numbering_backend *b, int k)
{
	int rc = b->begin(b);
	if (rc != NUMBERING_OK)
		return rc;
	char name[64];
	snprintf(name, sizeof(name), "%s/phoneNumberInstances/s%d", dump_projects[k % 3], k % 17);
	numbering_instance *in =
	    make_instance(name, 1000 + (uint64_t)k * 10, 1000 + (uint64_t)k * 10 + (uint64_t)(k % 4), 6, k + 1,
	                  k % 5 == 0 ? NUMBERING_LIFECYCLE_DELETED : NUMBERING_LIFECYCLE_ACTIVE);
	rc = put_instance(b, in);
	numbering_instance_free(in);
	if (rc == NUMBERING_OK && k % 3 == 1) {
		/* A multi-record transaction: a second put and a metadata value. */
		snprintf(name, sizeof(name), P1 "/phoneNumberInstances/pair%d", k % 5);
		in = make_instance(name, 500000 + (uint64_t)k, 500000 + (uint64_t)k, 6, k + 1, NUMBERING_LIFECYCLE_ACTIVE);
		rc = put_instance(b, in);
		numbering_instance_free(in);
		/* Metadata of names and sizes the library knows: fsck reads every record back as its kind. */
		uint8_t value[8];
		for (int i = 0; i < 8; i++)
			value[i] = (uint8_t)((uint64_t)k >> (8 * i));
		if (rc == NUMBERING_OK)
			rc = meta_put(b, k % 2 ? NUMBERING__META_SEQ_PHONE : NUMBERING__META_SEQ_RULE, value, sizeof(value));
	}
	if (rc == NUMBERING_OK && k % 7 == 6) {
		snprintf(name, sizeof(name), "%s/phoneNumberInstances/s%d", dump_projects[(k - 3) % 3], (k - 3) % 17);
		if (remove_instance(b, name) == NUMBERING_NOT_FOUND)
			numbering_error_clear();
	}
	if (rc != NUMBERING_OK) {
		b->rollback(b);
		return rc;
	}
	return b->commit(b);
}

/* Durability: everything committed is there after a reopen, in every sync mode. */
START_TEST(file_durability)
{
	const char *path = new_store_path();
	int mode = _i;
	numbering_backend *b = NULL;
	ck_assert_int_eq(open_mode(&b, path, mode, -1), NUMBERING_OK);
	for (int k = 0; k < 120; k++)
		ck_assert_int_eq(scenario_step(b, k), NUMBERING_OK);
	struct dump *before = malloc(sizeof(*before)), *after = malloc(sizeof(*after));
	dump_store(b, before);
	ck_assert_int_gt(before->count, 20);
	numbering_file_stats s;
	stats_of(b, &s);
	ck_assert_int_eq(s.sync_mode, mode);
	ck_assert_int_eq(s.commits, 120);
	if (mode == NUMBERING_FILE_SYNC_FULL)
		ck_assert_int_ge(s.syncs, 120);
	ck_assert_int_eq(b->control(b, NUMBERING_FILE_CONTROL_SYNC, NULL), NUMBERING_OK);
	b->free(b);
	b = open_ok(path);
	dump_store(b, after);
	assert_dumps_equal(before, after, "after reopen");
	ck_assert_int_eq(check_file(b), NUMBERING_OK);
	stats_of(b, &s);
	ck_assert_int_eq(s.truncated_bytes, 0);
	ck_assert_int_eq(s.records, 120);
	b->free(b);
	/* must_exist. */
	numbering_file_options o = NUMBERING_FILE_OPTIONS_INIT;
	o.must_exist = 1;
	char missing[200];
	snprintf(missing, sizeof(missing), "%s.none", path);
	ck_assert_int_eq(numbering_file_backend_new(&b, missing, &o), NUMBERING_NOT_FOUND);
	ck_assert_ptr_null(b);
	free(before);
	free(after);
}
END_TEST

START_TEST(file_arguments)
{
	numbering_backend *b = NULL;
	ck_assert_int_eq(numbering_file_backend_new(NULL, "/tmp/x", NULL), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_file_backend_new(&b, NULL, NULL), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_file_backend_new(&b, "", NULL), NUMBERING_INVALID_ARGUMENT);
	numbering_file_options o = NUMBERING_FILE_OPTIONS_INIT;
	o.sync_mode = 7;
	ck_assert_int_eq(numbering_file_backend_new(&b, "/tmp/x", &o), NUMBERING_INVALID_ARGUMENT);
	o.sync_mode = 0;
	o.version = 99;
	ck_assert_int_eq(numbering_file_backend_new(&b, "/tmp/x", &o), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_file_options_init(&o, 1), NUMBERING_OK);
	ck_assert_int_eq(o.sync_mode, NUMBERING_FILE_SYNC_FULL);
	ck_assert_int_eq(numbering_file_options_init(&o, 2), NUMBERING_OK);
	ck_assert_int_eq(o.read_only, 0);
	ck_assert_int_eq(numbering_file_options_init(&o, 3), NUMBERING_OK);
	ck_assert_int_eq(o.busy_timeout_ms, 0);
	ck_assert_int_eq(numbering_file_options_init(&o, 4), NUMBERING_OK);
	ck_assert(o.progress == NULL);
	/* Version 4 leaves the version-5 field (shared_index) as it was: an older caller's struct ends before it. */
	o.shared_index = 77;
	ck_assert_int_eq(numbering_file_options_init(&o, 4), NUMBERING_OK);
	ck_assert_int_eq(o.shared_index, 77);
	ck_assert_int_eq(numbering_file_options_init(&o, 5), NUMBERING_OK);
	ck_assert_int_eq(o.shared_index, 0);
	ck_assert_int_eq(numbering_file_options_init(&o, 6), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_file_options_init(NULL, 1), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_file_backend_new(&b, "/nonexistent-dir/x/store.db", NULL), NUMBERING_UNAVAILABLE);
	ck_assert_ptr_null(b);
	const char *path = new_store_path();
	b = open_ok(path);
	int mode = 5;
	ck_assert_int_eq(b->control(b, NUMBERING_FILE_CONTROL_SET_SYNC, &mode), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(b->control(b, NUMBERING_FILE_CONTROL_SET_SYNC, NULL), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(b->control(b, NUMBERING_FILE_CONTROL_STATS, NULL), NUMBERING_INVALID_ARGUMENT);
	for (mode = 2; mode >= 0; mode--) {
		ck_assert_int_eq(b->control(b, NUMBERING_FILE_CONTROL_SET_SYNC, &mode), NUMBERING_OK);
		ck_assert_int_eq(scenario_step(b, mode), NUMBERING_OK);
	}
	numbering_file_report r;
	report_init(&r);
	ck_assert_int_eq(numbering_file_check(NULL, path, 0), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_file_check(&r, NULL, 0), NUMBERING_INVALID_ARGUMENT);
	r.version = NUMBERING_FILE_REPORT_VERSION + 1; /* a struct this library does not know */
	ck_assert_int_eq(numbering_file_check(&r, path, 0), NUMBERING_INVALID_ARGUMENT);
	report_init(&r);
	/* fsck of an open store: the lock says no. */
	ck_assert_int_eq(numbering_file_check(&r, path, 0), NUMBERING_UNAVAILABLE);
	b->free(b);
	ck_assert_int_eq(numbering_file_check(&r, path, 0), NUMBERING_OK);
	ck_assert_int_eq(r.status, NUMBERING_OK);
	ck_assert_int_eq(r.records, 3);
	ck_assert_int_eq(r.format_version, NUMBERING_FILE_FORMAT_VERSION);
	ck_assert_int_eq(r.damage_offset, -1);
	ck_assert_ptr_nonnull(strstr(r.message, "no damage"));
}
END_TEST

/* Offsets of the records in a store file (parsed independently of the backend). */
static int record_offsets(const uint8_t *data, size_t len, size_t *offsets, int max)
{
	int n = 0;
	size_t off = data[12] | (size_t)data[13] << 8; /* the header's size: where the records start */
	while (off + 24 <= len && n < max) {
		uint32_t plen = (uint32_t)data[off + 4] | (uint32_t)data[off + 5] << 8 | (uint32_t)data[off + 6] << 16 |
		                (uint32_t)data[off + 7] << 24;
		offsets[n++] = off;
		off += 24 + plen;
	}
	ck_assert_uint_eq(off, len);
	return n;
}

/* The bytes of the file at @path (*@data, the caller's to free; *@len) and where each
 * of its records starts (@offsets, at most 64); returns how many records. */
static int read_records(const char *path, uint8_t **data, size_t *len, size_t offsets[64])
{
	read_file(path, data, len);
	return record_offsets(*data, *len, offsets, 64);
}

/* A crash mid-write leaves a torn tail: every cut inside the last record opens,
 * reports the cut, and shows the store before that record, all of it or none. */
START_TEST(file_torn_tail)
{
	const char *path = new_store_path();
	numbering_backend *b = open_ok(path);
	for (int k = 0; k < 9; k++)
		ck_assert_int_eq(scenario_step(b, k), NUMBERING_OK);
	struct dump *before = malloc(sizeof(*before)), *after = malloc(sizeof(*after));
	dump_store(b, before);
	b->free(b);
	uint8_t *synced;
	size_t synced_len;
	read_file(path, &synced, &synced_len); /* its header: durable up to the end of record 9 */
	b = open_ok(path);
	ck_assert_int_eq(scenario_step(b, 10), NUMBERING_OK); /* a multi-record transaction */
	struct dump *full = malloc(sizeof(*full));
	dump_store(b, full);
	b->free(b);
	uint8_t *data;
	size_t len;
	size_t offsets[64];
	int n = read_records(path, &data, &len, offsets);
	size_t last = offsets[n - 1];
	ck_assert_uint_eq(last, synced_len);
	/* What a crash during the last append leaves: the record written (some of it, or
	 * all), the header still saying the file is durable up to the record before. */
	memcpy(data, synced, 128);
	fault_install(0, 0); /* no real syncs */
	for (size_t cut = last + 1; cut < len; cut += 1 + (cut - last) / 16) {
		write_file(path, data, cut);
		diagnostics = 0;
		b = open_ok(path);
		ck_assert_int_eq(diagnostics, 1);
		ck_assert_msg(strstr(last_diagnostic, "torn tail") != NULL, "%s", last_diagnostic);
		dump_store(b, after);
		assert_dumps_equal(before, after, "after a torn tail");
		numbering_file_stats s;
		stats_of(b, &s);
		ck_assert_int_eq(s.truncated_bytes, (int64_t)(cut - last));
		ck_assert_int_eq(s.file_bytes, (int64_t)last);
		/* It works on, and the next record lands where the torn one was. */
		ck_assert_int_eq(scenario_step(b, 10), NUMBERING_OK);
		b->free(b);
		ck_assert_int_eq(file_size(path), (int64_t)len);
	}
	/* All of it written, not yet recorded as durable: kept, and recorded as durable
	 * by the open, so that cutting it off now is damage. */
	write_file(path, data, len);
	diagnostics = 0;
	b = open_ok(path);
	ck_assert_int_eq(diagnostics, 0);
	dump_store(b, after);
	assert_dumps_equal(full, after, "a whole last record past the durable length");
	b->free(b);
	uint8_t *marked;
	size_t marked_len;
	read_file(path, &marked, &marked_len);
	write_file(path, marked, last);
	b = NULL;
	ck_assert_int_eq(open_mode(&b, path, NUMBERING_FILE_SYNC_FULL, -1), NUMBERING_DATA_LOSS);
	fault_remove();
	/* Zeros after the last record (a file system extending the file before a crash). */
	free(data);
	data = marked;
	len = marked_len;
	uint8_t *zeros = calloc(1, len + 4096);
	memcpy(zeros, data, len);
	write_file(path, zeros, len + 4096);
	diagnostics = 0;
	b = open_ok(path);
	ck_assert_int_eq(diagnostics, 1);
	b->free(b);
	ck_assert_int_eq(file_size(path), (int64_t)len);
	free(zeros);
	free(data);
	free(synced);
	free(full);
	free(before);
	free(after);
}
END_TEST

/* Damage before the last valid record is DATA_LOSS naming the offset; fsck --repair
 * keeps what precedes it. */
START_TEST(file_mid_damage)
{
	const char *path = new_store_path();
	numbering_backend *b = open_ok(path);
	struct dump *prefix = malloc(sizeof(*prefix)), *after = malloc(sizeof(*after));
	for (int k = 0; k < 12; k++) {
		ck_assert_int_eq(scenario_step(b, k), NUMBERING_OK);
		if (k == 4)
			dump_store(b, prefix);
	}
	b->free(b);
	uint8_t *data;
	size_t len;
	size_t offsets[64];
	int n = read_records(path, &data, &len, offsets);
	ck_assert_int_eq(n, 12);
	/* A bit flipped in the payload of record 5, and in its header. */
	for (int where = 0; where < 2; where++) {
		size_t at = where == 0 ? offsets[5] + 30 : offsets[5] + 5;
		data[at] ^= 0x10;
		write_file(path, data, len);
		data[at] ^= 0x10;
		b = NULL;
		int rc = open_mode(&b, path, NUMBERING_FILE_SYNC_FULL, -1);
		ck_assert_int_eq(rc, NUMBERING_DATA_LOSS);
		ck_assert_ptr_null(b);
		char want[64];
		snprintf(want, sizeof(want), "offset %zu", offsets[5]);
		ck_assert_msg(strstr(numbering_error_message(), want) != NULL, "%s", numbering_error_message());
		ck_assert_msg(strstr(numbering_error_message(), path) != NULL, "%s", numbering_error_message());
		/* The file is left as it was. */
		ck_assert_int_eq(file_size(path), (int64_t)len);
	}
	/* fsck reports, repair keeps records 0..4 and the damaged file. */
	data[offsets[5] + 30] ^= 0x10;
	write_file(path, data, len);
	numbering_file_report r;
	report_init(&r);
	ck_assert_int_eq(numbering_file_check(&r, path, 0), NUMBERING_OK);
	ck_assert_int_eq(r.status, NUMBERING_DATA_LOSS);
	ck_assert_int_eq(r.damage_offset, (int64_t)offsets[5]);
	ck_assert_int_eq(r.records, 5);
	ck_assert_int_eq(r.repaired, 0);
	ck_assert_int_eq(file_size(path), (int64_t)len);
	ck_assert_int_eq(numbering_file_check(&r, path, 1), NUMBERING_OK);
	ck_assert_int_eq(r.repaired, 1);
	ck_assert_ptr_nonnull(strstr(r.message, "repaired"));
	char damaged[256];
	snprintf(damaged, sizeof(damaged), "%s.damaged", path);
	ck_assert_int_eq(file_size(damaged), (int64_t)len);
	b = open_ok(path);
	dump_store(b, after);
	assert_dumps_equal(prefix, after, "after repair");
	ck_assert_int_eq(scenario_step(b, 20), NUMBERING_OK);
	b->free(b);
	ck_assert_int_eq(numbering_file_check(&r, path, 0), NUMBERING_OK);
	ck_assert_int_eq(r.status, NUMBERING_OK);
	unlink(damaged);
	free(data);
	free(prefix);
	free(after);
}
END_TEST

/* fsck reads every record back as its kind: a record whose checksum is sound but whose
 * body is not its kind's (here a metadata value of the wrong size) is damage, named, and
 * a repair leaves the file as it is (nothing at the end to cut off). */
START_TEST(file_check_reads_bodies_back)
{
	const char *path = new_store_path();
	numbering_backend *b = open_ok(path);
	for (int k = 0; k < 6; k++)
		ck_assert_int_eq(scenario_step(b, k), NUMBERING_OK);
	b->free(b);
	numbering_file_report r;
	report_init(&r);
	ck_assert_int_eq(numbering_file_check(&r, path, 0), NUMBERING_OK);
	ck_assert_msg(r.status == NUMBERING_OK, "%s", r.message);
	b = open_ok(path);
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_int_eq(meta_put(b, NUMBERING__META_SEQ_PHONE, "abc", 3), NUMBERING_OK);
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	b->free(b);
	int64_t len = file_size(path);
	for (int repair = 0; repair < 2; repair++) {
		report_init(&r);
		ck_assert_int_eq(numbering_file_check(&r, path, repair), NUMBERING_OK);
		ck_assert_int_eq(r.status, NUMBERING_DATA_LOSS);
		ck_assert_msg(strstr(r.message, "1 record with sound checksums does not read back") != NULL, "%s", r.message);
		ck_assert_msg(strstr(r.message, NUMBERING__META_SEQ_PHONE) != NULL, "%s", r.message);
		ck_assert_int_eq(r.damage_offset, -1);
		ck_assert_int_eq(r.repaired, 0);
		ck_assert_int_eq(file_size(path), len);
	}
	/* Put right, the store is sound again. */
	b = open_ok(path);
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_int_eq(meta_put(b, NUMBERING__META_SEQ_PHONE, "01234567", 8), NUMBERING_OK);
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	b->free(b);
	report_init(&r);
	ck_assert_int_eq(numbering_file_check(&r, path, 0), NUMBERING_OK);
	ck_assert_msg(r.status == NUMBERING_OK, "%s", r.message);
}
END_TEST

/* The header: a newer version is refused, a file that is not a store is refused and
 * left alone, a damaged header is DATA_LOSS at offset 0. */
START_TEST(file_header_checks)
{
	const char *path = new_store_path();
	numbering_backend *b = open_ok(path);
	ck_assert_int_eq(scenario_step(b, 1), NUMBERING_OK);
	b->free(b);
	uint8_t *data;
	size_t len;
	read_file(path, &data, &len);
	ck_assert_int_eq(memcmp(data, "\x89NUMBDB\n", 8), 0);
	ck_assert_int_eq(data[8], NUMBERING_FILE_FORMAT_VERSION); /* version, little-endian */
	ck_assert_int_eq(data[9] | data[10] | data[11], 0);

	uint8_t *newer = malloc(len);
	memcpy(newer, data, len);
	newer[8] = NUMBERING_FILE_FORMAT_VERSION + 1;
	uint32_t crc = numbering__crc32c(0, newer, 60);
	for (int i = 0; i < 4; i++)
		newer[60 + i] = (uint8_t)(crc >> (8 * i));
	write_file(path, newer, len);
	ck_assert_int_eq(open_mode(&b, path, 0, -1), NUMBERING_FAILED_PRECONDITION);
	ck_assert_msg(strstr(numbering_error_message(), "format version 4") != NULL, "%s", numbering_error_message());
	ck_assert_int_eq(file_size(path), (int64_t)len);

	/* Not a store, long or short: refused and untouched. */
	static char sqlite_header[80] = "SQLite format 3";
	const char *texts[] = {"#!/bin/sh\necho this is a shell script, not a numbering store at all\n", "hello\n",
	                       sqlite_header};
	size_t lens[] = {strlen(texts[0]), strlen(texts[1]), 80};
	for (int t = 0; t < 3; t++) {
		write_file(path, (const uint8_t *)texts[t], lens[t]);
		ck_assert_int_eq(open_mode(&b, path, 0, -1), NUMBERING_INVALID_ARGUMENT);
		ck_assert_msg(strstr(numbering_error_message(), "not a libnumbering store") != NULL, "%s",
		              numbering_error_message());
		ck_assert_int_eq(file_size(path), (int64_t)lens[t]);
	}
	/* A damaged header. */
	memcpy(newer, data, len);
	newer[20] ^= 1;
	write_file(path, newer, len);
	ck_assert_int_eq(open_mode(&b, path, 0, -1), NUMBERING_DATA_LOSS);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "offset 0"));
	/* A zeroed header over valid records: DATA_LOSS (not "not a store"), and repair
	 * keeps every record. */
	write_file(path, data, len);
	b = open_ok(path);
	struct dump *before = malloc(sizeof(*before)), *after = malloc(sizeof(*after));
	dump_store(b, before);
	b->free(b);
	memcpy(newer, data, len);
	memset(newer, 0, 64);
	write_file(path, newer, len);
	ck_assert_int_eq(open_mode(&b, path, 0, -1), NUMBERING_DATA_LOSS);
	ck_assert_msg(strstr(numbering_error_message(), "damaged header") != NULL, "%s", numbering_error_message());
	numbering_file_report r;
	report_init(&r);
	ck_assert_int_eq(numbering_file_check(&r, path, 1), NUMBERING_OK);
	ck_assert_int_eq(r.status, NUMBERING_DATA_LOSS);
	ck_assert_int_eq(r.repaired, 1);
	ck_assert_int_eq(r.records, 1);
	b = open_ok(path);
	dump_store(b, after);
	assert_dumps_equal(before, after, "after repairing a zeroed header");
	b->free(b);
	free(before);
	free(after);
	/* What an interrupted creation leaves (empty, or a header prefix) opens as a new store. */
	write_file(path, data, 0);
	b = open_ok(path);
	b->free(b);
	write_file(path, data, 20);
	b = open_ok(path);
	b->free(b);
	ck_assert_int_eq(file_size(path), 128);
	/* The fixed part of a new store's header without its durable-length slots, too. */
	write_file(path, data, 100);
	b = open_ok(path);
	b->free(b);
	ck_assert_int_eq(file_size(path), 128);
	free(newer);
	free(data);
}
END_TEST

/* One writer: a second opener, in another process or this one, gets UNAVAILABLE naming the store. */
static int open_read_only(numbering_backend **out, const char *path)
{
	numbering_file_options o = NUMBERING_FILE_OPTIONS_INIT;
	o.read_only = 1;
	o.diagnostic = on_diagnostic;
	return numbering_file_backend_new(out, path, &o);
}

/* A read-only snapshot opens beside the writer (no lock), never writes, and sees the
 * store as it was when it was opened. */
START_TEST(file_read_only_snapshot)
{
	static struct dump before, seen, after;
	const char *path = new_store_path();
	numbering_backend *ro = NULL;
	ck_assert_int_eq(open_read_only(&ro, path), NUMBERING_NOT_FOUND);
	ck_assert_ptr_null(ro);
	write_file(path, (const uint8_t *)"", 0);
	ck_assert_int_eq(open_read_only(&ro, path), NUMBERING_UNAVAILABLE);
	ck_assert_msg(strstr(numbering_error_message(), "no store header") != NULL, "%s", numbering_error_message());
	ck_assert_int_eq(unlink(path), 0);

	numbering_backend *b = open_ok(path);
	for (int k = 0; k < 20; k++)
		scenario_step(b, k);
	dump_store(b, &before);
	ck_assert_int_eq(open_read_only(&ro, path), NUMBERING_OK);
	dump_store(ro, &seen);
	assert_dumps_equal(&before, &seen, "read-only snapshot");
	int64_t size = file_size(path);

	/* Nothing is written through it. */
	ck_assert_int_eq(ro->begin(ro), NUMBERING_FAILED_PRECONDITION);
	ck_assert_msg(strstr(numbering_error_message(), "read-only") != NULL, "%s", numbering_error_message());
	ck_assert_int_eq(ro->control(ro, NUMBERING_FILE_CONTROL_COMPACT, NULL), NUMBERING_FAILED_PRECONDITION);
	ck_assert_int_eq(ro->control(ro, NUMBERING_BACKEND_CONTROL_MAINTAIN, NULL), NUMBERING_OK);
	ck_assert_int_eq(ro->control(ro, NUMBERING_FILE_CONTROL_SYNC, NULL), NUMBERING_OK);

	/* The writer goes on, and compacts (a new file renamed over the path): the
	 * read-only open follows both, without a reopen; so does a new one. */
	for (int k = 20; k < 30; k++)
		scenario_step(b, k);
	dump_store(b, &after);
	dump_store(ro, &seen);
	assert_dumps_equal(&after, &seen, "a read-only open after the writer moved on");
	for (int k = 30; k < 40; k++)
		scenario_step(b, k);
	ck_assert_int_eq(b->control(b, NUMBERING_FILE_CONTROL_COMPACT, NULL), NUMBERING_OK);
	dump_store(b, &after);
	dump_store(ro, &seen);
	assert_dumps_equal(&after, &seen, "a read-only open after a compaction");
	numbering_backend *ro2 = NULL;
	ck_assert_int_eq(open_read_only(&ro2, path), NUMBERING_OK);
	dump_store(ro2, &seen);
	assert_dumps_equal(&after, &seen, "a newer snapshot");
	ro2->free(ro2);
	ro->free(ro);
	/* Without the lock file (another user's store it cannot read, say), a read-only
	 * open reads the store as of its open, and says so. */
	char lock_path[300];
	snprintf(lock_path, sizeof(lock_path), "%s.lock", path);
	ck_assert_int_eq(unlink(lock_path), 0);
	diagnostics = 0;
	ck_assert_int_eq(open_read_only(&ro, path), NUMBERING_OK);
	ck_assert_msg(diagnostics == 1 && strstr(last_diagnostic, "as of now") != NULL, "%d %s", diagnostics,
	              last_diagnostic);
	/* The writer, whose lock file is gone, stops writing: another writer would make a new one. */
	ck_assert_int_eq(scenario_step(b, 41), NUMBERING_UNAVAILABLE);
	ck_assert_msg(strstr(numbering_error_message(), "lock file") != NULL, "%s", numbering_error_message());
	dump_store(ro, &seen);
	assert_dumps_equal(&after, &seen, "a read-only open without a lock file");
	ro->free(ro);
	b->free(b);
	(void)size;

	/* A tail being written (or torn) is read past, and left as it is. */
	FILE *fp = fopen(path, "ab");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite("half a record", 1, 13, fp), 13);
	fclose(fp);
	size = file_size(path);
	diagnostics = 0;
	ck_assert_int_eq(open_read_only(&ro, path), NUMBERING_OK);
	ck_assert_int_eq(diagnostics, 2); /* no lock file (removed above), then the tail */
	ck_assert_msg(strstr(last_diagnostic, "left the 13") != NULL, "%s", last_diagnostic);
	dump_store(ro, &seen);
	assert_dumps_equal(&after, &seen, "a snapshot with a torn tail");
	ck_assert_int_eq(file_size(path), size);

	/* A file no store has opened has no page-token key yet, which a store would
	 * have to write. */
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.backend = ro;
	numbering_store *store = NULL;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_FAILED_PRECONDITION);
	ck_assert_msg(strstr(numbering_error_message(), "read-only") != NULL, "%s", numbering_error_message());

	/* Under a store, over a store's file: reads work, writes are refused and change
	 * nothing. */
	options.backend = open_ok(path);
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	numbering_store_close(store);
	size = file_size(path);
	ck_assert_int_eq(open_read_only(&ro, path), NUMBERING_OK);
	options.backend = ro;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	numbering_list_request *req = NULL;
	ck_assert_int_eq(numbering_list_request_new(&req), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_request_set_parent(req, P1), NUMBERING_OK);
	numbering_list_page *page = NULL;
	ck_assert_int_eq(numbering_store_list(&page, store, NULL, req), NUMBERING_OK);
	numbering_list_page_free(page);
	numbering_list_request_free(req);
	numbering_instance *in = NULL, *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&in), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_phone_number(in, "+61255509999"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_create(&out, store, NULL, P1, in, "fresh", NULL, NULL),
	                 NUMBERING_FAILED_PRECONDITION);
	ck_assert_msg(strstr(numbering_error_message(), "read-only") != NULL, "%s", numbering_error_message());
	numbering_instance_free(in);
	numbering_store_close(store);
	ck_assert_int_eq(file_size(path), size);
}
END_TEST

static int open_busy(numbering_backend **out, const char *path, int busy_ms)
{
	numbering_file_options o = NUMBERING_FILE_OPTIONS_INIT;
	o.compact_min_bytes = -1;
	o.busy_timeout_ms = busy_ms;
	o.diagnostic = on_diagnostic;
	return numbering_file_backend_new(out, path, &o);
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Many processes (and handles) write one store: each transaction takes the write lock
 * for its own duration and first reads what the others committed; a writer kept out
 * past its busy timeout gets UNAVAILABLE naming the store and the timeout. */
START_TEST(file_many_writers)
{
	static struct dump one, two;
	const char *path = new_store_path();
	numbering_backend *b = open_ok(path);
	ck_assert_int_eq(scenario_step(b, 1), NUMBERING_OK);
	numbering_backend *again = open_ok(path);
	dump_store(b, &one);
	dump_store(again, &two);
	assert_dumps_equal(&one, &two, "a second handle at open");
	for (int k = 2; k < 30; k++) {
		numbering_backend *w = k % 2 ? b : again, *r = k % 2 ? again : b;
		ck_assert_msg(scenario_step(w, k) == NUMBERING_OK, "step %d: %s", k, numbering_error_message());
		dump_store(w, &one);
		dump_store(r, &two);
		assert_dumps_equal(&one, &two, "the other handle after a commit");
	}

	/* Busy: a transaction open in one handle keeps the other out for its timeout. */
	numbering_backend *c = NULL;
	ck_assert_int_eq(open_busy(&c, path, 150), NUMBERING_OK);
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	int64_t t0 = mono_ms();
	ck_assert_int_eq(c->begin(c), NUMBERING_UNAVAILABLE);
	int64_t waited = mono_ms() - t0;
	ck_assert_msg(waited >= 140 && waited < 5000, "waited %lld ms", (long long)waited);
	ck_assert_msg(strstr(numbering_error_message(), path) != NULL && strstr(numbering_error_message(), "150 ms") != NULL,
	              "%s", numbering_error_message());
	/* Compaction is a write too. */
	ck_assert_int_eq(c->control(c, NUMBERING_FILE_CONTROL_COMPACT, NULL), NUMBERING_UNAVAILABLE);
	ck_assert_int_eq(b->rollback(b), NUMBERING_OK);
	ck_assert_int_eq(c->begin(c), NUMBERING_OK);
	ck_assert_int_eq(c->rollback(c), NUMBERING_OK);
	c->free(c);
	/* A negative timeout does not wait; the lock held by a process that is gone is free. */
	ck_assert_int_eq(open_busy(&c, path, -1), NUMBERING_OK);
	ck_assert_int_eq(again->begin(again), NUMBERING_OK);
	t0 = mono_ms();
	ck_assert_int_eq(c->begin(c), NUMBERING_UNAVAILABLE);
	ck_assert_int_lt(mono_ms() - t0, 100);
	ck_assert_int_eq(again->rollback(again), NUMBERING_OK);
	c->free(c);

	/* Another process writes, and compacts; both handles here follow, and write after it. */
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		numbering_backend *other = NULL;
		int rc = open_busy(&other, path, 0);
		for (int k = 30; rc == NUMBERING_OK && k < 40; k++)
			rc = scenario_step(other, k);
		if (rc == NUMBERING_OK)
			rc = other->control(other, NUMBERING_FILE_CONTROL_COMPACT, NULL);
		for (int k = 40; rc == NUMBERING_OK && k < 45; k++)
			rc = scenario_step(other, k);
		if (other != NULL)
			other->free(other);
		_exit(rc == NUMBERING_OK ? 0 : 10 + rc);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child: %d", status);
	numbering_backend *fresh = open_ok(path);
	dump_store(fresh, &one);
	dump_store(b, &two);
	assert_dumps_equal(&one, &two, "after another process wrote and compacted");
	ck_assert_int_eq(scenario_step(b, 45), NUMBERING_OK);
	ck_assert_int_eq(scenario_step(again, 46), NUMBERING_OK);
	dump_store(again, &one);
	dump_store(fresh, &two);
	assert_dumps_equal(&one, &two, "writes after the compaction");
	ck_assert_int_eq(check_file(fresh), NUMBERING_OK);
	fresh->free(fresh);
	again->free(again);
	b->free(b);
	/* Reopened, everything is there. */
	b = open_ok(path);
	dump_store(b, &two);
	assert_dumps_equal(&one, &two, "reopened");
	b->free(b);

	/* A process that holds the store exclusively (fsck --repair, an older libnumbering)
	 * keeps every opener out, and the reverse. */
	const char *other_path = new_store_path();
	b = open_ok(other_path);
	int fd = open(other_path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ne(flock(fd, LOCK_EX | LOCK_NB), 0);
	b->free(b);
	ck_assert_int_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
	ck_assert_int_eq(open_mode(&b, other_path, 0, -1), NUMBERING_UNAVAILABLE);
	ck_assert_msg(strstr(numbering_error_message(), other_path) != NULL &&
	                  strstr(numbering_error_message(), "exclusively") != NULL,
	              "%s", numbering_error_message());
	close(fd);
}
END_TEST

/* A store over @b (the store's to free from now on). */
static numbering_store *store_over(numbering_backend *b)
{
	numbering_options o = NUMBERING_OPTIONS_INIT;
	o.backend = b;
	numbering_store *store = NULL;
	ck_assert_int_eq(numbering_store_open(&store, &o), NUMBERING_OK);
	return store;
}

/* Many processes through numbering_store: a store over a plain open of the file. */
static numbering_store *mp_store(const char *path, numbering_backend **backend)
{
	numbering_file_options fo = NUMBERING_FILE_OPTIONS_INIT;
	fo.compact_min_bytes = -1;
	numbering_options o = NUMBERING_OPTIONS_INIT;
	if (numbering_file_backend_new(&o.backend, path, &fo) != NUMBERING_OK)
		return NULL;
	if (backend != NULL)
		*backend = o.backend;
	numbering_store *store = NULL;
	return numbering_store_open(&store, &o) == NUMBERING_OK ? store : NULL;
}

static void mp_number(char *buf, int series, int i)
{
	snprintf(buf, 24, "+6125550%d%03d", series, i);
}

/* Creates number @i of @series (in its own transaction); its phone id in *phone_id. */
static int mp_create(numbering_store *store, int series, int i, int64_t *phone_id)
{
	char number[24], id[32];
	mp_number(number, series, i);
	snprintf(id, sizeof(id), "s%d-%d", series, i);
	numbering_instance *in = NULL, *out = NULL;
	int rc = numbering_instance_new(&in);
	if (rc == NUMBERING_OK)
		rc = numbering_instance_set_phone_number(in, number);
	if (rc == NUMBERING_OK)
		rc = numbering_store_create(&out, store, NULL, P1, in, id, NULL, NULL);
	if (rc == NUMBERING_OK && phone_id != NULL)
		*phone_id = numbering_instance_phone_id(out);
	numbering_instance_free(in);
	numbering_instance_free(out);
	return rc;
}

static int mp_resolve(numbering_store *store, numbering_resolution *res, int series, int i)
{
	char number[24];
	mp_number(number, series, i);
	return numbering_store_resolve(res, store, NULL, number, NULL);
}

/* A reader process: for each index read from @in, resolves that number of series 1
 * and answers one byte on @out ('1' found, '0' not); on EOF, exits 0. */
static void mp_reader(const char *path, int in, int out)
{
	numbering_store *store = mp_store(path, NULL);
	numbering_resolution *res = NULL;
	if (store == NULL || numbering_resolution_new(&res) != NUMBERING_OK)
		_exit(3);
	int i;
	while (read(in, &i, sizeof(i)) == (ssize_t)sizeof(i)) {
		char c = mp_resolve(store, res, 1, i) == NUMBERING_OK ? '1' : '0';
		if (write(out, &c, 1) != 1)
			_exit(4);
	}
	numbering_resolution_free(res);
	numbering_store_close(store);
	_exit(0);
}

/* Readers and writers as separate processes over one file store: a resolve that starts
 * after another process's create returned finds it (no reopen, no polling interval),
 * through compactions by the writer; a second writer process's creates interleave, and
 * the phone ids of both (a META sequence each caches) are never given twice. */
START_TEST(file_processes_live)
{
	enum { READERS = 2, CREATES = 60, OTHER = 40 };
	const char *path = new_store_path();
	numbering_backend *b = NULL;
	numbering_store *store = mp_store(path, &b);
	ck_assert_ptr_nonnull(store);
	struct reader_procs readers;
	reader_procs_start(&readers, READERS, mp_reader, path);
	/* The other writer: series 2, its phone ids on a pipe. */
	int ids[2];
	ck_assert_int_eq(pipe(ids), 0);
	pid_t writer = fork();
	ck_assert_int_ge(writer, 0);
	if (writer == 0) {
		close(ids[0]);
		reader_procs_close_in_child(&readers);
		numbering_store *w = mp_store(path, NULL);
		for (int i = 0; w != NULL && i < OTHER; i++) {
			int64_t phone = 0;
			if (mp_create(w, 2, i, &phone) != NUMBERING_OK)
				_exit(5);
			if (write(ids[1], &phone, sizeof(phone)) != (ssize_t)sizeof(phone))
				_exit(6);
		}
		numbering_store_close(w);
		_exit(w == NULL ? 7 : 0);
	}
	close(ids[1]);
	static int64_t phones[CREATES + OTHER];
	int nphones = 0;
	for (int i = 0; i < CREATES; i++) {
		ck_assert_msg(mp_create(store, 1, i, &phones[nphones]) == NUMBERING_OK, "create %d: %s", i,
		              numbering_error_message());
		nphones++;
		if (i % 20 == 19) /* the readers follow the store to its new file */
			ck_assert_int_eq(b->control(b, NUMBERING_FILE_CONTROL_COMPACT, NULL), NUMBERING_OK);
		/* The create returned: every reader's next resolve finds it, and the ones before. */
		for (int r = 0; r < READERS; r++) {
			int ask[2] = {i, i / 2};
			for (int k = 0; k < 2; k++)
				ck_assert_msg(reader_procs_ask(&readers, r, ask[k]) == '1',
				              "reader %d did not find number %d after create %d", r, ask[k], i);
		}
	}
	reader_procs_stop(&readers);
	int status;
	ck_assert_int_eq(waitpid(writer, &status, 0), writer);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "writer: %d", status);
	while (read(ids[0], &phones[nphones], sizeof(int64_t)) == (ssize_t)sizeof(int64_t))
		nphones++;
	close(ids[0]);
	ck_assert_int_eq(nphones, CREATES + OTHER);
	for (int i = 0; i < nphones; i++)
		for (int j = i + 1; j < nphones; j++)
			ck_assert_msg(phones[i] != phones[j] && phones[i] > 0, "phone id %lld given twice", (long long)phones[i]);
	/* This process sees the other writer's creates too, and so does a reopen. */
	numbering_resolution *res = NULL;
	ck_assert_int_eq(numbering_resolution_new(&res), NUMBERING_OK);
	for (int i = 0; i < OTHER; i++)
		ck_assert_int_eq(mp_resolve(store, res, 2, i), NUMBERING_OK);
	numbering_store_close(store);
	store = mp_store(path, NULL);
	ck_assert_ptr_nonnull(store);
	for (int i = 0; i < CREATES; i++)
		ck_assert_int_eq(mp_resolve(store, res, 1, i), NUMBERING_OK);
	numbering_resolution_free(res);
	numbering_store_close(store);
}
END_TEST

/* A read-only store on @path (a read-only file backend), as a reader process opens it. */
static numbering_store *ro_store(const char *path)
{
	numbering_file_options fo = NUMBERING_FILE_OPTIONS_INIT;
	fo.read_only = 1;
	numbering_options o = NUMBERING_OPTIONS_INIT;
	if (numbering_file_backend_new(&o.backend, path, &fo) != NUMBERING_OK)
		return NULL;
	numbering_store *store = NULL;
	return numbering_store_open(&store, &o) == NUMBERING_OK ? store : NULL;
}

/* Reads of @store after its lock file was cut: each either answers what was committed
 * (number @i of series 1 found, by resolve, get and list) or fails as a store whose
 * lock file is cut short may (UNAVAILABLE); 0, or the step that did neither. */
static int cut_reads(numbering_store *store, numbering_resolution *res, int i)
{
	int rc = mp_resolve(store, res, 1, i);
	if (rc != NUMBERING_OK && rc != NUMBERING_UNAVAILABLE)
		return 1;
	char name[64];
	snprintf(name, sizeof(name), P1 "/phoneNumberInstances/s1-%d", i);
	numbering_instance *in = NULL;
	rc = numbering_store_get(&in, store, NULL, name);
	numbering_instance_free(in);
	if (rc != NUMBERING_OK && rc != NUMBERING_UNAVAILABLE)
		return 2;
	numbering_list_request *req = NULL;
	numbering_list_page *page = NULL;
	if (numbering_list_request_new(&req) != NUMBERING_OK || numbering_list_request_set_parent(req, P1) != NUMBERING_OK)
		return 3;
	rc = numbering_store_list(&page, store, NULL, req);
	int count = rc == NUMBERING_OK ? numbering_list_page_count(page) : -1;
	numbering_list_page_free(page);
	numbering_list_request_free(req);
	if (rc != NUMBERING_UNAVAILABLE && (rc != NUMBERING_OK || count < i + 1))
		return 4;
	return 0;
}

/* One cut of PATH.lock to @len bytes, in a child process: 0, or the step that failed. */
static int lock_cut_child(const char *path, off_t len)
{
	char lock[300];
	snprintf(lock, sizeof(lock), "%s.lock", path);
	numbering_store *w = mp_store(path, NULL), *r = ro_store(path);
	numbering_resolution *res = NULL;
	if (w == NULL || r == NULL || numbering_resolution_new(&res) != NUMBERING_OK)
		return 10;
	if (mp_create(w, 1, 0, NULL) != NUMBERING_OK || mp_resolve(r, res, 1, 0) != NUMBERING_OK)
		return 11;
	/* Another program cuts it (as `truncate -s LEN PATH.lock` does). */
	if (truncate(lock, len) != 0)
		return 12;
	int step = cut_reads(r, res, 0);
	if (step == 0)
		step = cut_reads(w, res, 0);
	if (step != 0)
		return 20 + step;
	/* A read-only open meanwhile: it reads the store, or says the lock file is cut. */
	numbering_store *late = ro_store(path);
	if (late == NULL && numbering_error_code() != NUMBERING_UNAVAILABLE)
		return 13;
	numbering_store_close(late);
	/* A write: the writer writes the lock file again, and goes on. */
	if (mp_create(w, 1, 1, NULL) != NUMBERING_OK)
		return 14;
	/* Another process's commit, on the lock file written again: both see it, and the
	 * reader this process's commit before it. */
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return 15;
	if (pid == 0) {
		numbering_store *other = mp_store(path, NULL);
		_exit(other != NULL && mp_create(other, 2, 0, NULL) == NUMBERING_OK ? 0 : 1);
	}
	int status = 0;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return 16;
	if (mp_resolve(r, res, 1, 1) != NUMBERING_OK)
		return 17;
	if (mp_resolve(r, res, 2, 0) != NUMBERING_OK || mp_resolve(w, res, 2, 0) != NUMBERING_OK)
		return 18;
	if (cut_reads(r, res, 1) != 0 || cut_reads(w, res, 1) != 0)
		return 19;
	numbering_resolution_free(res);
	numbering_store_close(r);
	numbering_store_close(w);
	return 0;
}

/* A program cut PATH.lock short (`: > PATH.lock`, `truncate -s N`, a restore) while
 * processes had the store open. Each maps it, and every read loads its change counter
 * from it: a cut to 0 bytes killed every one of them with SIGBUS at its next read (a
 * PBX, for a library's sake); a cut below its words (1 to 63 bytes) zeroed the counter,
 * so readers stayed stale for as many commits as they had seen, and a later open
 * refused the file as not a lock file. At each length, in a child (a crash is its
 * status): a writer and a reader open, the file cut, reads of both answer or fail
 * UNAVAILABLE, a read-only open answers or fails UNAVAILABLE, the writer's next create
 * writes the lock file again, and another process's create after it is seen by both. */
START_TEST(file_lock_file_cut)
{
	static const off_t lens[] = {0, 1, 7, 8, 12, 15, 16, 17, 23, 24, 31, 32, 36, 40, 63, 64, 65, 4095, 4096, 8192};
	for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		const char *path = new_store_path();
		fflush(NULL);
		pid_t pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0)
			_exit(lock_cut_child(path, lens[k]));
		int status = 0;
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		              "PATH.lock cut to %lld bytes: the child %s %d", (long long)lens[k],
		              WIFSIGNALED(status) ? "was killed by signal" : "failed at step",
		              WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		remove_tmp_dirs();
	}
}
END_TEST

/* A store on @path keeping the shared index (a writer), or reading through it (a
 * read-only open in shared mode, which maps PATH.idx and the log); sync OFF, for speed. */
static numbering_store *idx_store(const char *path, int read_only)
{
	numbering_file_options fo = NUMBERING_FILE_OPTIONS_INIT;
	fo.compact_min_bytes = -1;
	fo.sync_mode = NUMBERING_FILE_SYNC_OFF;
	fo.shared_index = 1;
	fo.read_only = read_only;
	fo.diagnostic = on_diagnostic;
	numbering_options o = NUMBERING_OPTIONS_INIT;
	if (numbering_file_backend_new(&o.backend, path, &fo) != NUMBERING_OK)
		return NULL;
	numbering_store *store = NULL;
	return numbering_store_open(&store, &o) == NUMBERING_OK ? store : NULL;
}

enum { CUT_NUMBERS = 200 };

/* Number @i of series 1 read from @store, by resolve and by get: 0 answered right; 1
 * failed with @allowed (a status, or -1 for DATA_LOSS or UNAVAILABLE) naming @names; 2
 * anything else (a wrong answer, NOT_FOUND, another error). */
static int cut_read(numbering_store *store, numbering_resolution *res, int i, int allowed, const char *names)
{
	char number[24], name[64];
	mp_number(number, 1, i);
	snprintf(name, sizeof(name), P1 "/phoneNumberInstances/s1-%d", i);
	int failed = 0;
	for (int how = 0; how < 2; how++) {
		numbering_instance *in = NULL;
		int rc = how == 0 ? numbering_store_resolve(res, store, NULL, number, NULL)
		                  : numbering_store_get(&in, store, NULL, name);
		const numbering_instance *got = how == 0 ? numbering_resolution_instance(res) : in;
		if (rc == NUMBERING_OK) {
			int right = got != NULL && strcmp(numbering_instance_phone_number(got), number) == 0;
			numbering_instance_free(in);
			if (!right)
				return 2;
			continue;
		}
		numbering_instance_free(in);
		int ok = allowed < 0 ? rc == NUMBERING_DATA_LOSS || rc == NUMBERING_UNAVAILABLE : rc == allowed;
		if (!ok || strstr(numbering_error_message(), names) == NULL) {
			fprintf(stderr, "number %d (%s): %s: %s (last said: %s)\n", i, how == 0 ? "resolve" : "get",
			        numbering_status_name(rc), numbering_error_message(), last_diagnostic);
			return 2;
		}
		failed = 1;
	}
	return failed;
}

/* One cut of PATH.idx to @len bytes, in a child: 0, or the step that failed. */
static int index_cut_child(const char *path, off_t len)
{
	char idx[300];
	snprintf(idx, sizeof(idx), "%s.idx", path);
	numbering_store *w = idx_store(path, 0), *r = idx_store(path, 1);
	numbering_resolution *res = NULL;
	if (w == NULL || r == NULL || numbering_resolution_new(&res) != NUMBERING_OK)
		return 10;
	for (int i = 0; i < CUT_NUMBERS; i++)
		if (mp_create(w, 1, i, NULL) != NUMBERING_OK)
			return 11;
	for (int i = 0; i < CUT_NUMBERS; i++)
		if (cut_read(r, res, i, NUMBERING_OK, "") != 0)
			return 12;
	if (truncate(idx, len) != 0)
		return 13;
	/* Each read answers right, or fails UNAVAILABLE naming the index; then (mapped
	 * again, or answered from the log) every one answers right. */
	for (int i = 0; i < CUT_NUMBERS; i++)
		if (cut_read(r, res, i, NUMBERING_UNAVAILABLE, idx) == 2)
			return 14;
	for (int i = 0; i < CUT_NUMBERS; i++)
		if (cut_read(r, res, i, NUMBERING_OK, "") != 0)
			return 15;
	/* The writer's next commits write the index again; the reader sees them. */
	for (int i = 0; i < 2; i++)
		if (mp_create(w, 2, i, NULL) != NUMBERING_OK || mp_resolve(r, res, 2, i) != NUMBERING_OK)
			return 16;
	for (int i = 0; i < CUT_NUMBERS; i++)
		if (cut_read(w, res, i, NUMBERING_OK, "") != 0 || cut_read(r, res, i, NUMBERING_OK, "") != 0)
			return 17;
	/* And a reader opened now reads through the index written again. */
	numbering_store *late = idx_store(path, 1);
	if (late == NULL || cut_read(late, res, CUT_NUMBERS - 1, NUMBERING_OK, "") != 0)
		return 18;
	numbering_store_close(late);
	numbering_resolution_free(res);
	numbering_store_close(r);
	numbering_store_close(w);
	return 0;
}

/* Runs @child(path, len) in a child process for each of @n lengths, on a new store each:
 * asserts it exited 0 (a crash is its status). */
/* Runs @child(a new store's path, @arg) in a child process: it must exit 0 (not be
 * killed by a signal, not fail at a step); @what and @arg name the run. */
static void in_child(int (*child)(const char *, off_t), off_t arg, const char *what)
{
	const char *path = new_store_path();
	fflush(NULL);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(child(path, arg));
	int status = 0;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s %lld: the child %s %d", what, (long long)arg,
	              WIFSIGNALED(status) ? "was killed by signal" : "failed at step",
	              WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	remove_tmp_dirs();
}

static void cut_in_children(int (*child)(const char *, off_t), const off_t *lens, size_t n, const char *what)
{
	for (size_t k = 0; k < n; k++)
		in_child(child, lens[k], what);
}

/* A program cut PATH.idx (the shared index, which reader processes map) short while a
 * writer and a shared reader had the store open: the reader's next look-up touching a
 * page past the cut killed it with SIGBUS. Now the fault reads zeros (the guard's
 * stand-in) and fails that read UNAVAILABLE naming the index; the next read maps it
 * again or answers from the log, the writer writes it again at its next commit, and
 * the reader and a reader opened after read through it. At each length, in a child. */
START_TEST(file_index_cut)
{
	static const off_t lens[] = {0, 1, 100, 4095, 4096, 4097, 8192, 20000, 40000, 60000};
	cut_in_children(index_cut_child, lens, sizeof(lens) / sizeof(lens[0]), "PATH.idx cut to (bytes)");
}
END_TEST

/* One cut of the store's file to @len bytes (< 0: that many below its size), in a
 * child: 0, or the step that failed. */
static int log_cut_child(const char *path, off_t len)
{
	numbering_store *w = idx_store(path, 0), *r = idx_store(path, 1);
	numbering_resolution *res = NULL;
	if (w == NULL || r == NULL || numbering_resolution_new(&res) != NUMBERING_OK)
		return 10;
	for (int i = 0; i < CUT_NUMBERS; i++)
		if (mp_create(w, 1, i, NULL) != NUMBERING_OK)
			return 11;
	for (int i = 0; i < CUT_NUMBERS; i++)
		if (cut_read(r, res, i, NUMBERING_OK, "") != 0)
			return 12;
	uint8_t *whole;
	size_t size;
	read_file(path, &whole, &size);
	off_t at = len < 0 ? (off_t)size + len : len;
	if (truncate(path, at) != 0)
		return 13;
	/* Each read answers right (its record lies below the cut) or fails naming the
	 * store (DATA_LOSS: damage; UNAVAILABLE); the last number's record, past a cut to a
	 * length below 20000 bytes, fails (the file's last bytes may hold other records). */
	for (int i = CUT_NUMBERS - 1; i >= 0; i--) {
		int got = cut_read(r, res, i, -1, path);
		if (got == 2)
			return 14;
		if (i == CUT_NUMBERS - 1 && len >= 0 && got != 1)
			return 15;
	}
	/* The writer reads its own copy; its next write fails naming the damage. */
	if (cut_read(w, res, 0, NUMBERING_OK, "") != 0)
		return 16;
	int rc = mp_create(w, 2, 0, NULL);
	if (rc != NUMBERING_DATA_LOSS || strstr(numbering_error_message(), path) == NULL)
		return 17;
	/* The bytes back (a restore): both read every record again, and write. */
	int fd = open(path, O_WRONLY);
	if (fd < 0 || pwrite(fd, whole, size, 0) != (ssize_t)size)
		return 18;
	close(fd);
	free(whole);
	for (int i = 0; i < CUT_NUMBERS; i++)
		if (cut_read(r, res, i, NUMBERING_OK, "") != 0 || cut_read(w, res, i, NUMBERING_OK, "") != 0)
			return 19;
	if (mp_create(w, 2, 0, NULL) != NUMBERING_OK || mp_resolve(r, res, 2, 0) != NUMBERING_OK)
		return 20;
	numbering_resolution_free(res);
	numbering_store_close(r);
	numbering_store_close(w);
	return 0;
}

/* A program cut the store's file short while a writer and a shared reader (which maps
 * the log and decodes records in place) had it open: the reader's next read of a
 * record on a page past the cut killed it with SIGBUS. Now such a read fails DATA_LOSS
 * naming the store (or UNAVAILABLE), never an answer from zeros; the writer's next
 * write fails DATA_LOSS (as before); once the bytes are back both read and write
 * again. At each length (from 0 to one byte short), in a child. */
START_TEST(file_log_cut)
{
	static const off_t lens[] = {0, 1, 128, 4096, 8192, 20000, -8193, -4097, -100, -1};
	cut_in_children(log_cut_child, lens, sizeof(lens) / sizeof(lens[0]), "the store's file cut to (bytes)");
}
END_TEST

/* In a child: @n read-only stores open on one store's file, its PATH.lock cut to 0
 * bytes, and a read of each: 0, or the step that failed. */
static int many_stores_child(const char *path, off_t n)
{
	char lock[300];
	snprintf(lock, sizeof(lock), "%s.lock", path);
	numbering_store *w = mp_store(path, NULL);
	numbering_resolution *res = NULL;
	if (w == NULL || mp_create(w, 1, 0, NULL) != NUMBERING_OK || numbering_resolution_new(&res) != NUMBERING_OK)
		return 10;
	numbering_store *stores[300];
	if (n > 300)
		return 11;
	for (int i = 0; i < n; i++)
		if ((stores[i] = ro_store(path)) == NULL)
			return 12;
	if (truncate(lock, 0) != 0)
		return 13;
	/* The last opened first: those the registry had no room for. */
	for (int i = (int)n - 1; i >= 0; i--) {
		int rc = mp_resolve(stores[i], res, 1, 0);
		if (rc != NUMBERING_OK && rc != NUMBERING_UNAVAILABLE)
			return 14;
	}
	for (int i = 0; i < n; i++)
		numbering_store_close(stores[i]);
	numbering_resolution_free(res);
	numbering_store_close(w);
	return 0;
}

/* The guard had room for 256 mappings: the stores a process opened past that were
 * unguarded, and a cut lock file killed it at their first read (here 300 read-only
 * stores of one file and a writer, each mapping PATH.lock: the last 45 opened were
 * unguarded, and the first read of one died of SIGBUS).
 * Its registry now grows: every one answers or fails UNAVAILABLE. */
START_TEST(file_many_stores_guarded)
{
	in_child(many_stores_child, 300, "PATH.lock cut under read-only stores:");
}
END_TEST

#if !defined(__SANITIZE_ADDRESS__) /* see backend_file_suite() */
/* A host's SIGBUS handlers: one installed before the first store opened (the guard
 * keeps it, and calls it for what is not its own), one after, chaining as
 * docs/FILE-FORMAT.md ("A host's own SIGBUS handler") says. */
static volatile sig_atomic_t host_before_calls, host_after_calls;
static struct sigaction host_old;

static void host_before(int sig, siginfo_t *info, void *context)
{
	(void)sig;
	(void)info;
	(void)context;
	host_before_calls++;
}

static void host_after(int sig, siginfo_t *info, void *context)
{
	host_after_calls++;
	if (host_old.sa_flags & SA_SIGINFO)
		host_old.sa_sigaction(sig, info, context);
	else if (host_old.sa_handler != SIG_DFL && host_old.sa_handler != SIG_IGN)
		host_old.sa_handler(sig);
}

/* In a child: 0, or the step that failed. */
static int host_handler_child(const char *path, off_t unused)
{
	(void)unused;
	char lock[300];
	snprintf(lock, sizeof(lock), "%s.lock", path);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = host_before;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, NULL) != 0)
		return 10;
	numbering_store *w = mp_store(path, NULL), *r = ro_store(path);
	numbering_resolution *res = NULL;
	if (w == NULL || r == NULL || numbering_resolution_new(&res) != NUMBERING_OK || mp_create(w, 1, 0, NULL) != 0 ||
	    mp_resolve(r, res, 1, 0) != NUMBERING_OK)
		return 11;
	/* A SIGBUS sent, not a fault of a mapping: the guard hands it to the host's. */
	raise(SIGBUS);
	if (host_before_calls != 1)
		return 12;
	/* Installed after the open, chaining: the fault of the cut lock file goes through
	 * it to the guard, and the reads answer or fail UNAVAILABLE. */
	sa.sa_sigaction = host_after;
	if (sigaction(SIGBUS, &sa, &host_old) != 0)
		return 13;
	if (truncate(lock, 0) != 0)
		return 14;
	if (cut_reads(r, res, 0) != 0 || cut_reads(w, res, 0) != 0)
		return 15;
	if (host_after_calls < 1 || host_before_calls != 1)
		return 16;
	raise(SIGBUS);
	if (host_before_calls != 2)
		return 17;
	numbering_resolution_free(res);
	numbering_store_close(r);
	numbering_store_close(w);
	return 0;
}

/* What docs/FILE-FORMAT.md tells a host with a SIGBUS handler of its own: one installed
 * before the first store opens is kept and called for every SIGBUS that is not a fault
 * of a guarded mapping (one sent); one installed after the open that chains to the
 * handler it replaced keeps the guard working (PATH.lock cut to 0 bytes: the reads
 * answer or fail UNAVAILABLE, the fault seen by the host's handler first). */
START_TEST(file_host_sigbus_handler)
{
	in_child(host_handler_child, 0, "the host's SIGBUS handlers, run");
}
END_TEST
#endif

/* Resolves number @i of @series in @store until found, for up to 10 s: whether it was. */
static int found_within(numbering_store *store, numbering_resolution *res, int series, int i)
{
	for (int tries = 0; tries < 200; tries++) {
		if (mp_resolve(store, res, series, i) == NUMBERING_OK)
			return 1;
		struct timespec ts = {0, 50000000};
		nanosleep(&ts, NULL);
	}
	return 0;
}

/* In a child: opens the store at @path and creates number @i of @series; its status. */
static int create_in_child(const char *path, int series, int i)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		numbering_store *other = mp_store(path, NULL);
		_exit(other != NULL && mp_create(other, series, i, NULL) == NUMBERING_OK ? 0 : 1);
	}
	int status = 0;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* The replaced-file cases' start: a writer and a reader of this process on a new file
 * store, number 0 of series 1 created by the one and resolved by the other. */
struct replaced {
	const char *path;
	numbering_store *w, *r;
	numbering_resolution *res;
};

static void replaced_open(struct replaced *x)
{
	x->path = new_store_path();
	x->w = mp_store(x->path, NULL);
	x->r = ro_store(x->path);
	ck_assert_ptr_nonnull(x->w);
	ck_assert_ptr_nonnull(x->r);
	x->res = NULL;
	ck_assert_int_eq(numbering_resolution_new(&x->res), NUMBERING_OK);
	ck_assert_int_eq(mp_create(x->w, 1, 0, NULL), NUMBERING_OK);
	ck_assert_int_eq(mp_resolve(x->r, x->res, 1, 0), NUMBERING_OK);
}

static void replaced_close(struct replaced *x)
{
	numbering_resolution_free(x->res);
	numbering_store_close(x->r);
	numbering_store_close(x->w);
}

/* PATH.lock removed (loop 0) or replaced by another file (loop 1: a copy renamed over
 * it) while a reader and a writer of this process had the store open. Processes that
 * opened the store since use the new file, whose counter this process never saw move:
 * it answered its old state as current for good, and its writer refused every write
 * ("reopen the store"). Now each follows the new file within the watcher's second: a
 * commit of another process made after the replacement is found by both, and the
 * writer's next commit, on the new lock file, is found by the reader at once. */
START_TEST(file_lock_file_replaced)
{
	struct replaced x;
	replaced_open(&x);
	char lock[300], copy[320];
	snprintf(lock, sizeof(lock), "%s.lock", x.path);
	snprintf(copy, sizeof(copy), "%s.copy", lock);
	if (_i == 0) {
		ck_assert_int_eq(unlink(lock), 0);
	} else {
		uint8_t *data;
		size_t len;
		read_file(lock, &data, &len);
		write_file(copy, data, len);
		free(data);
		ck_assert_int_eq(rename(copy, lock), 0);
	}
	ck_assert_int_eq(create_in_child(x.path, 2, 0), 0);
	ck_assert_msg(found_within(x.r, x.res, 2, 0), "the reader never saw the commit made on the new lock file");
	ck_assert_msg(found_within(x.w, x.res, 2, 0), "the writer never saw the commit made on the new lock file");
	ck_assert_msg(mp_create(x.w, 1, 1, NULL) == NUMBERING_OK, "%s", numbering_error_message());
	ck_assert_int_eq(mp_resolve(x.r, x.res, 1, 1), NUMBERING_OK);
	ck_assert_int_eq(create_in_child(x.path, 2, 1), 0);
	ck_assert_msg(found_within(x.r, x.res, 2, 1), "the reader stopped following");
	replaced_close(&x);
}
END_TEST

/* Another store renamed over the store's file (`mv other.store PATH`) while a reader and
 * a writer of this process had it open: nothing moves the lock file's counter, and both
 * answered from the old file until the next commit. Now each follows the new file
 * within the watcher's second, with no commit made: the other store's number found,
 * the old one's gone. */
START_TEST(file_store_file_replaced)
{
	struct replaced x;
	replaced_open(&x);
	char other[300];
	snprintf(other, sizeof(other), "%s/other.db", dir_of(x.path));
	numbering_store *o = mp_store(other, NULL);
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(mp_create(o, 2, 0, NULL), NUMBERING_OK);
	numbering_store_close(o);
	ck_assert_int_eq(rename(other, x.path), 0);
	ck_assert_msg(found_within(x.r, x.res, 2, 0), "the reader still reads the replaced file");
	ck_assert_msg(found_within(x.w, x.res, 2, 0), "the writer still reads the replaced file");
	ck_assert_int_eq(mp_resolve(x.r, x.res, 1, 0), NUMBERING_NOT_FOUND);
	ck_assert_int_eq(mp_resolve(x.w, x.res, 1, 0), NUMBERING_NOT_FOUND);
	replaced_close(&x);
}
END_TEST

/* Writers killed (SIGKILL) at random points, in a loop, while reader processes resolve:
 * no acknowledged create is lost, the next writer carries on over what the killed one
 * left (a torn tail, a lock never released), and the readers keep answering. */
START_TEST(file_processes_kill)
{
	const char *env = getenv("NUMBERING_CRASH_ROUNDS");
	int rounds = env && atoi(env) > 0 ? atoi(env) : 12;
	enum { READERS = 2, MAX = 900 };
	const char *path = new_store_path();
	numbering_store *store = mp_store(path, NULL);
	ck_assert_ptr_nonnull(store);
	ck_assert_int_eq(mp_create(store, 1, 0, NULL), NUMBERING_OK);
	numbering_store_close(store);
	int results[READERS][2];
	pid_t readers[READERS];
	for (int r = 0; r < READERS; r++) {
		ck_assert_int_eq(pipe(results[r]), 0);
		readers[r] = fork();
		ck_assert_int_ge(readers[r], 0);
		if (readers[r] == 0) {
			/* Resolve the first number, and a recent one, until SIGTERM; then report
			 * how many answers were wrong. */
			for (int q = 0; q < r; q++)
				close(results[q][0]);
			close(results[r][0]);
			numbering_store *rs = mp_store(path, NULL);
			numbering_resolution *res = NULL;
			if (rs == NULL || numbering_resolution_new(&res) != NUMBERING_OK)
				_exit(3);
			sigset_t term;
			sigemptyset(&term);
			sigaddset(&term, SIGTERM);
			sigprocmask(SIG_BLOCK, &term, NULL);
			long answers = 0, wrong = 0;
			for (int k = 0;; k++) {
				int rc = mp_resolve(rs, res, 1, 0);
				wrong += rc != NUMBERING_OK;
				rc = mp_resolve(rs, res, 2, k % MAX);
				wrong += rc != NUMBERING_OK && rc != NUMBERING_NOT_FOUND;
				answers += 2;
				sigset_t pending;
				sigpending(&pending);
				if (sigismember(&pending, SIGTERM))
					break;
			}
			long out[2] = {answers, wrong};
			_exit(write(results[r][1], out, sizeof(out)) == (ssize_t)sizeof(out) ? 0 : 4);
		}
		close(results[r][1]);
	}
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	static char acked[MAX];
	memset(acked, 0, sizeof(acked));
	int next = 0, total = 0;
	for (int round = 0; round < rounds && next < MAX; round++) {
		int acks[2];
		ck_assert_int_eq(pipe(acks), 0);
		pid_t pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			close(acks[0]);
			for (int q = 0; q < READERS; q++)
				close(results[q][0]);
			numbering_store *w = mp_store(path, NULL);
			if (w == NULL)
				_exit(5);
			for (int i = next; i < MAX; i++) {
				int rc = mp_create(w, 2, i, NULL);
				if (rc == NUMBERING_ALREADY_EXISTS)
					continue; /* created before a kill, not acknowledged */
				if (rc != NUMBERING_OK || write(acks[1], &i, sizeof(i)) != (ssize_t)sizeof(i))
					_exit(6);
			}
			_exit(0);
		}
		close(acks[1]);
		struct timespec pause = {0, (10 + rand() % 90) * 1000000L};
		nanosleep(&pause, NULL);
		kill(pid, SIGKILL);
		int status;
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert_msg(WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) == 0),
		              "round %d: the writer failed: %d", round, status);
		int i;
		while (read(acks[0], &i, sizeof(i)) == (ssize_t)sizeof(i)) {
			ck_assert(i >= 0 && i < MAX);
			acked[i] = 1;
			total++;
			if (i + 1 > next)
				next = i + 1;
		}
		close(acks[0]);
	}
	ck_assert_int_gt(total, 0);
	/* Every acknowledged create is there, for this process and a fresh open. */
	store = mp_store(path, NULL);
	ck_assert_ptr_nonnull(store);
	numbering_resolution *res = NULL;
	ck_assert_int_eq(numbering_resolution_new(&res), NUMBERING_OK);
	for (int i = 0; i < MAX; i++)
		if (acked[i])
			ck_assert_msg(mp_resolve(store, res, 2, i) == NUMBERING_OK, "acknowledged create %d lost", i);
	numbering_resolution_free(res);
	numbering_store_close(store);
	for (int r = 0; r < READERS; r++) {
		kill(readers[r], SIGTERM);
		long out[2] = {0, 0};
		ck_assert_int_eq(read(results[r][0], out, sizeof(out)), (ssize_t)sizeof(out));
		close(results[r][0]);
		int status;
		ck_assert_int_eq(waitpid(readers[r], &status, 0), readers[r]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "reader %d: %d", r, status);
		ck_assert_msg(out[0] > 0 && out[1] == 0, "reader %d: %ld answers, %ld wrong", r, out[0], out[1]);
	}
	if (env != NULL)
		fprintf(stderr, "process kill test: %d rounds, %d acknowledged creates verified\n", rounds, total);
}
END_TEST

/* Reader threads of one store while another store on the same file (as another process
 * would) creates: each refresh runs under the readers' store's write lock (run under
 * ThreadSanitizer too). Each reader checks that a number created before its resolve
 * started is found. */
struct live_reader {
	numbering_store *store;
	atomic_int *created; /* numbers 0 .. created-1 exist */
	atomic_int *stop;
	int wrong, reads;
};

static void *live_reader_main(void *arg)
{
	struct live_reader *r = arg;
	numbering_resolution *res = NULL;
	ck_assert_int_eq(numbering_resolution_new(&res), NUMBERING_OK);
	while (!atomic_load(r->stop)) {
		int n = atomic_load(r->created);
		if (n > 0) {
			r->wrong += mp_resolve(r->store, res, 1, n - 1) != NUMBERING_OK;
			r->wrong += mp_resolve(r->store, res, 1, 0) != NUMBERING_OK;
			r->reads += 2;
		}
	}
	numbering_resolution_free(res);
	return NULL;
}

START_TEST(file_live_threads)
{
	const char *path = new_store_path();
	numbering_backend *wb = NULL;
	numbering_store *writer = mp_store(path, &wb), *reader = mp_store(path, NULL);
	ck_assert_ptr_nonnull(writer);
	ck_assert_ptr_nonnull(reader);
	atomic_int created = 0, stop = 0;
	struct live_reader r[2] = {{reader, &created, &stop, 0, 0}, {reader, &created, &stop, 0, 0}};
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, live_reader_main, &r[i]), 0);
	for (int i = 0; i < 40; i++) {
		ck_assert_int_eq(mp_create(writer, 1, i, NULL), NUMBERING_OK);
		atomic_store(&created, i + 1);
		if (i == 20)
			ck_assert_int_eq(wb->control(wb, NUMBERING_FILE_CONTROL_COMPACT, NULL), NUMBERING_OK);
	}
	atomic_store(&stop, 1);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
		ck_assert_msg(r[i].wrong == 0, "reader %d: %d of %d resolves missed a created number", i, r[i].wrong,
		              r[i].reads);
	}
	numbering_store_close(reader);
	numbering_store_close(writer);
}
END_TEST

/* The lock file beside the store is never followed through a planted link, and a file
 * at its name that is not one is refused and left as it is. */
START_TEST(file_lock_file_planted)
{
	const char *path = new_store_path();
	char lock[300], target[300];
	snprintf(lock, sizeof(lock), "%s.lock", path);
	snprintf(target, sizeof(target), "%s/precious", dir_of(path));
	write_file(target, (const uint8_t *)"keep me", 7);
	ck_assert_int_eq(symlink(target, lock), 0);
	numbering_backend *b = NULL;
	ck_assert_int_ne(open_mode(&b, path, 0, -1), NUMBERING_OK);
	ck_assert_ptr_null(b);
	uint8_t *data;
	size_t len;
	read_file(target, &data, &len);
	ck_assert(len == 7 && memcmp(data, "keep me", 7) == 0);
	free(data);
	ck_assert_int_eq(unlink(lock), 0);
	write_file(lock, (const uint8_t *)"not a lock file, but 64 bytes or more of something else entirely...", 68);
	ck_assert_int_eq(open_mode(&b, path, 0, -1), NUMBERING_INVALID_ARGUMENT);
	ck_assert_msg(strstr(numbering_error_message(), "not a libnumbering lock file") != NULL, "%s",
	              numbering_error_message());
	ck_assert_int_eq(file_size(lock), 68);
	ck_assert_int_eq(unlink(lock), 0);
	b = open_ok(path);
	ck_assert_int_eq(file_size(lock), 64);
	b->free(b);
}
END_TEST

/* Whatever else lies at PATH.lock (a symlink, dangling or not, a directory, a FIFO, a
 * socket) is refused to a writer as what it is: INVALID_ARGUMENT on the path, never
 * UNAVAILABLE, which a host retries and no retry would ever cure. A read-only open
 * reads the store as of its open, as it does when there is no lock file to watch. */
START_TEST(file_lock_file_not_a_file)
{
	const char *path = new_store_path();
	numbering_backend *b = open_ok(path);
	b->free(b);
	char lock[300], target[300];
	snprintf(lock, sizeof(lock), "%s.lock", path);
	snprintf(target, sizeof(target), "%s/precious", dir_of(path));
	write_file(target, (const uint8_t *)"keep me", 7);
	const char *kinds[] = {"a symlink", "a symlink", "a directory", "a FIFO", "a socket"};
	for (int k = 0; k < 5; k++) {
		ck_assert_int_eq(unlink(lock), 0);
		int planted = k == 0   ? symlink(target, lock)
		              : k == 1 ? symlink("/nonexistent/lock", lock)
		              : k == 2 ? mkdir(lock, 0700)
		              : k == 3 ? mkfifo(lock, 0600)
		                       : -2;
		if (k == 4) {
			int s = socket(AF_UNIX, SOCK_STREAM, 0);
			struct sockaddr_un a;
			memset(&a, 0, sizeof(a));
			a.sun_family = AF_UNIX;
			ck_assert_uint_lt(strlen(lock), sizeof(a.sun_path));
			memcpy(a.sun_path, lock, strlen(lock) + 1);
			planted = bind(s, (struct sockaddr *)&a, sizeof(a));
			close(s);
		}
		ck_assert_int_eq(planted, 0);
		b = NULL;
		ck_assert_int_eq(open_mode(&b, path, NUMBERING_FILE_SYNC_FULL, -1), NUMBERING_INVALID_ARGUMENT);
		ck_assert_ptr_null(b);
		ck_assert_msg(strstr(numbering_error_message(), lock) != NULL &&
		                      strstr(numbering_error_message(), kinds[k]) != NULL,
		              "%s: %s", kinds[k], numbering_error_message());
		ck_assert_int_eq(numbering_error_violation_count(), 1);
		ck_assert_str_eq(numbering_error_violation_field(0), "path");
		numbering_file_options o = NUMBERING_FILE_OPTIONS_INIT;
		o.read_only = 1;
		ck_assert_msg(numbering_file_backend_new(&b, path, &o) == NUMBERING_OK, "read-only beside %s: %s", kinds[k],
		              numbering_error_message());
		b->free(b);
		if (k == 2)
			ck_assert_int_eq(rmdir(lock), 0);
		else
			ck_assert_int_eq(unlink(lock), 0);
		write_file(lock, (const uint8_t *)"", 0); /* unlinked again at the next turn */
	}
	uint8_t *data;
	size_t len;
	read_file(target, &data, &len);
	ck_assert(len == 7 && memcmp(data, "keep me", 7) == 0);
	free(data);
	b = open_ok(path);
	b->free(b);
}
END_TEST

static int entries_in(const char *dir)
{
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

/* A writable open of a file that is not a store (a typo: --store file:/etc/passwd, or a
 * link to one) refuses it and leaves nothing beside it: no PATH.lock (/etc/passwd.lock
 * is the lock shadow's tools take: useradd and passwd would fail on it), no index. */
START_TEST(file_not_a_store_leaves_nothing_beside)
{
	const char *path = new_store_path();
	const char *dir = dir_of(path);
	char other[300], link[300];
	snprintf(other, sizeof(other), "%s/passwd", dir);
	snprintf(link, sizeof(link), "%s/link.db", dir);
	const char *texts[] = {"root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n",
	                       "hi\n"};
	ck_assert_int_eq(symlink(other, link), 0);
	for (int t = 0; t < 2; t++) {
		write_file(other, (const uint8_t *)texts[t], strlen(texts[t]));
		const char *names[] = {other, link};
		for (int n = 0; n < 2; n++) {
			for (int shared = 0; shared < 2; shared++) {
				numbering_file_options o = NUMBERING_FILE_OPTIONS_INIT;
				o.shared_index = shared;
				numbering_backend *b = NULL;
				ck_assert_int_eq(numbering_file_backend_new(&b, names[n], &o), NUMBERING_INVALID_ARGUMENT);
				ck_assert_msg(strstr(numbering_error_message(), "not a libnumbering store") != NULL, "%s",
				              numbering_error_message());
				ck_assert_msg(entries_in(dir) == 2, "%s: %d files beside it", names[n], entries_in(dir));
				ck_assert_int_eq(file_size(other), (int64_t)strlen(texts[t]));
			}
		}
	}
}
END_TEST

/* Compaction bounds the file under updates, and loses nothing. */
START_TEST(file_compaction)
{
	const char *path = new_store_path();
	numbering_backend *b = NULL;
	ck_assert_int_eq(open_mode(&b, path, NUMBERING_FILE_SYNC_OFF, 64 * 1024), NUMBERING_OK);
	struct dump *before = malloc(sizeof(*before)), *after = malloc(sizeof(*after));
	int64_t biggest = 0;
	for (int k = 0; k < 3000; k++) {
		ck_assert_int_eq(scenario_step(b, k % 200), NUMBERING_OK);
		int64_t size = file_size(path);
		if (size > biggest)
			biggest = size;
	}
	numbering_file_stats s;
	stats_of(b, &s);
	ck_assert_int_gt(s.compactions, 0);
	/* 3000 commits of ~100 bytes would be ~400 KiB: compaction keeps it near its threshold. */
	ck_assert_int_lt(biggest, 200 * 1024);
	dump_store(b, before);
	ck_assert_int_eq(b->control(b, NUMBERING_FILE_CONTROL_COMPACT, NULL), NUMBERING_OK);
	stats_of(b, &s);
	ck_assert_int_eq(s.file_bytes, s.snapshot_bytes);
	ck_assert_int_eq(s.file_bytes, file_size(path));
	/* A snapshot costs about what the live records do. */
	ck_assert_int_lt(s.file_bytes, 64 + (s.instances + s.metas) * 120);
	ck_assert_int_eq(check_file(b), NUMBERING_OK);
	b->free(b);
	b = open_ok(path);
	dump_store(b, after);
	assert_dumps_equal(before, after, "after compaction and reopen");
	b->free(b);
	free(before);
	free(after);
}
END_TEST

/* The durable length and the snapshot's extent (docs/FILE-FORMAT.md, issue 17). */

/* @path as it is now is DATA_LOSS at @offset for a writable open, a read-only open and
 * fsck, and all three leave it as it is. */
static void assert_data_loss_at(const char *path, int64_t offset, const char *what)
{
	int64_t size = file_size(path);
	numbering_backend *b = NULL;
	int rc = open_mode(&b, path, NUMBERING_FILE_SYNC_FULL, -1);
	ck_assert_msg(rc == NUMBERING_DATA_LOSS, "%s (size %lld): open: %d %s", what, (long long)size, rc,
	              numbering_error_message());
	ck_assert_ptr_null(b);
	ck_assert_msg(strstr(numbering_error_message(), path) != NULL, "%s: %s", what, numbering_error_message());
	rc = open_read_only(&b, path);
	ck_assert_msg(rc == NUMBERING_DATA_LOSS, "%s (size %lld): read-only open: %d %s", what, (long long)size, rc,
	              numbering_error_message());
	ck_assert_ptr_null(b);
	numbering_file_report r;
	report_init(&r);
	ck_assert_int_eq(numbering_file_check(&r, path, 0), NUMBERING_OK);
	ck_assert_msg(r.status == NUMBERING_DATA_LOSS, "%s (size %lld): fsck: %d %s", what, (long long)size, r.status,
	              r.message);
	ck_assert_msg(r.damage_offset == offset, "%s: fsck says damage at %lld, expected %lld (%s)", what,
	              (long long)r.damage_offset, (long long)offset, r.message);
	ck_assert_int_eq(r.torn_bytes, 0);
	ck_assert_int_eq(r.repaired, 0);
	ck_assert_int_eq(file_size(path), size);
}

/* Truncation at any record boundary of the log, and one flipped bit in the last
 * acknowledged record, are damage below the durable length, never a torn tail: in
 * every sync mode once synced, and under a store (group commit). */
START_TEST(file_durable_length)
{
	static struct dump before_last, after;
	for (int how = 0; how < 4; how++) {
		const char *path = new_store_path();
		int mode = how == 1 ? NUMBERING_FILE_SYNC_NORMAL : how == 2 ? NUMBERING_FILE_SYNC_OFF : NUMBERING_FILE_SYNC_FULL;
		numbering_backend *b = NULL;
		ck_assert_int_eq(open_mode(&b, path, mode, -1), NUMBERING_OK);
		if (how == 3) {
			numbering_store *store = store_over(b);
			for (int k = 0; k < 6; k++) {
				char number[32], id[16];
				snprintf(number, sizeof(number), "+612555012%02d", k);
				snprintf(id, sizeof(id), "d%d", k);
				numbering_instance *req = NULL, *out = NULL;
				ck_assert_int_eq(numbering_instance_new(&req), NUMBERING_OK);
				ck_assert_int_eq(numbering_instance_set_phone_number(req, number), NUMBERING_OK);
				if (k == 5)
					dump_store(b, &before_last);
				ck_assert_int_eq(numbering_store_create(&out, store, NULL, P1, req, id, NULL, NULL), NUMBERING_OK);
				numbering_instance_free(req);
				numbering_instance_free(out);
			}
			numbering_store_close(store);
		} else {
			for (int k = 0; k < 8; k++) {
				if (k == 7)
					dump_store(b, &before_last);
				ck_assert_int_eq(scenario_step(b, k), NUMBERING_OK);
			}
			/* NORMAL: synced on request (or by its window); OFF: when closed. */
			if (how == 1)
				ck_assert_int_eq(b->control(b, NUMBERING_FILE_CONTROL_SYNC, NULL), NUMBERING_OK);
			b->free(b);
		}
		uint8_t *data;
		size_t len;
		size_t offsets[64];
		int n = read_records(path, &data, &len, offsets);
		ck_assert_int_ge(n, 6);
		/* Cut at every record boundary: the last record, the last two, ... all of them. */
		for (int i = n - 1; i >= 0; i--) {
			write_file(path, data, offsets[i]);
			assert_data_loss_at(path, (int64_t)offsets[i], "the log cut at a record boundary");
		}
		/* One bit flipped in the last record's payload, then in its header. */
		size_t spots[2] = {offsets[n - 1] + 24 + 3, offsets[n - 1] + 9};
		for (int w = 0; w < 2; w++) {
			data[spots[w]] ^= 0x04;
			write_file(path, data, len);
			data[spots[w]] ^= 0x04;
			assert_data_loss_at(path, (int64_t)offsets[n - 1], "a bit flipped in the last record");
		}
		/* fsck --repair keeps the records before it, and the damaged file. */
		data[spots[0]] ^= 0x04;
		write_file(path, data, len);
		numbering_file_report r;
		report_init(&r);
		ck_assert_int_eq(numbering_file_check(&r, path, 1), NUMBERING_OK);
		ck_assert_int_eq(r.status, NUMBERING_DATA_LOSS);
		ck_assert_int_eq(r.repaired, 1);
		ck_assert_int_eq(r.records, n - 1);
		ck_assert_int_eq(file_size(r.damaged_copy), (int64_t)len);
		b = open_ok(path);
		dump_store(b, &after);
		assert_dumps_equal(&before_last, &after, "repaired after a flipped bit in the last record");
		b->free(b);
		free(data);
		remove_tmp_dirs();
	}
}
END_TEST

/* Instances P1/phoneNumberInstances/n0 .. n@count-1, each of the one number
 * 2125550000 + its index, put in one transaction. */
static void put_numbered_instances(numbering_backend *b, int count)
{
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	for (int i = 0; i < count; i++) {
		char name[64];
		snprintf(name, sizeof(name), P1 "/phoneNumberInstances/n%d", i);
		numbering_instance *in =
		    make_instance(name, 2125550000 + (uint64_t)i, 2125550000 + (uint64_t)i, 10, i + 1, NUMBERING_LIFECYCLE_ACTIVE);
		ck_assert_int_eq(put_instance(b, in), NUMBERING_OK);
		numbering_instance_free(in);
	}
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
}

/* 60,000 instances made in one transaction and compacted: a snapshot of two chunks
 * (issue 17 cut a store of 30,000 instances made by the store, which are larger). */
static void make_big_snapshot(const char *path)
{
	numbering_backend *b = NULL;
	ck_assert_int_eq(open_mode(&b, path, NUMBERING_FILE_SYNC_OFF, -1), NUMBERING_OK);
	put_numbered_instances(b, 60000);
	ck_assert_int_eq(b->control(b, NUMBERING_FILE_CONTROL_COMPACT, NULL), NUMBERING_OK);
	b->free(b);
}

/* The compacted store of instance records @v3 (@len bytes, its records at @offsets[0 ..
 * @n)) in format version 1, as an older libnumbering wrote it: a 64-byte header (no
 * durable length), snapshot chunks of instances (operation 1, numbering_instance_encode()
 * bytes). Written to @path; *first_end is where its first chunk ends. */
static void as_version_1(const char *path, const uint8_t *v3, size_t len, const size_t *offsets, int n,
                         size_t *first_end)
{
	ck_assert_int_eq(v3[8], 3);
	const struct numbering__file_io *io = numbering__file_sys();
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	uint8_t h[HEADER_SIZE_V2];
	numbering__file_header_make(h, 1, get64(v3 + 16), get64(v3 + 36), 0, 0);
	memset(h + 44, 0, 16);
	put32(h + 12, HEADER_SIZE);
	put32(h + 60, numbering__crc32c(0, h, 60));
	ck_assert_int_eq(numbering__file_write_all(io, fd, h, HEADER_SIZE, 0), 0);
	uint64_t off = HEADER_SIZE;
	numbering_instance *in = NULL;
	ck_assert_int_eq(numbering_instance_new(&in), NUMBERING_OK);
	static char name_buf[NUMBERING__RECORD_NAME_BUF];
	for (int c = 0; c < n; c++) {
		const uint8_t *p = v3 + offsets[c] + RECORD_HEADER;
		size_t plen = get32(v3 + offsets[c] + 4);
		ck_assert_uint_le(offsets[c] + RECORD_HEADER + plen, len);
		ck_assert_int_eq(p[0], RECORD_SNAPSHOT);
		struct numbering__buf chunk = {0};
		ck_assert_int_eq(numbering__buf_reserve(&chunk, 1), NUMBERING_OK);
		chunk.ptr[chunk.len++] = RECORD_SNAPSHOT;
		for (size_t i = 1; i < plen;) {
			ck_assert_int_eq(p[i], OP_RECORD_PUT);
			uint32_t rlen = get32(p + i + 1);
			numbering_record record;
			ck_assert_int_eq(numbering__record_decode(&record, p + i + 5, rlen, name_buf), NUMBERING_OK);
			ck_assert_int_eq(numbering__instance_from_record(in, &record), NUMBERING_OK);
			uint8_t *bytes = NULL;
			size_t blen = 0;
			ck_assert_int_eq(numbering_instance_encode(&bytes, &blen, in), NUMBERING_OK);
			ck_assert_int_eq(numbering__buf_reserve(&chunk, 5 + blen), NUMBERING_OK);
			chunk.ptr[chunk.len++] = OP_PUT;
			put32(chunk.ptr + chunk.len, (uint32_t)blen);
			memcpy(chunk.ptr + chunk.len + 4, bytes, blen);
			chunk.len += 4 + blen;
			numbering_free(bytes);
			i += 5 + rlen;
		}
		ck_assert_int_eq(numbering__file_append(io, fd, off, get64(v3 + offsets[c] + 8), chunk.ptr, chunk.len), 0);
		off += RECORD_HEADER + chunk.len;
		if (c == 0)
			*first_end = (size_t)off;
		numbering__buf_free(&chunk);
	}
	numbering_instance_free(in);
	ck_assert_int_eq(close(fd), 0);
}

/* A compacted store cut at a snapshot chunk's boundary is DATA_LOSS for every open and
 * for fsck, in format version 2 (the header records the snapshot's end and records)
 * and in version 1 (its header holds the snapshot's instance count); fsck --repair
 * keeps what is readable and the damaged file. A whole version-1 file opens, and is
 * rewritten in version 3. */
START_TEST(file_cut_snapshot)
{
	const char *path = new_store_path();
	make_big_snapshot(path);
	uint8_t *data;
	size_t len;
	size_t offsets[64];
	int n = read_records(path, &data, &len, offsets);
	ck_assert_int_ge(n, 2);
	for (int i = n - 1; i >= 0; i--) {
		write_file(path, data, offsets[i]);
		assert_data_loss_at(path, (int64_t)offsets[i], "a snapshot cut at a chunk boundary");
	}
	write_file(path, data, offsets[1]);
	numbering_file_report r;
	report_init(&r);
	ck_assert_int_eq(numbering_file_check(&r, path, 0), NUMBERING_OK);
	ck_assert_int_gt(r.instances, 0);
	ck_assert_int_lt(r.instances, 60000);
	ck_assert_msg(strstr(r.message, "snapshot") != NULL, "%s", r.message);
	int64_t readable = r.instances;
	ck_assert_int_eq(numbering_file_check(&r, path, 1), NUMBERING_OK);
	ck_assert_int_eq(r.repaired, 1);
	ck_assert_int_eq(file_size(r.damaged_copy), (int64_t)offsets[1]);
	numbering_backend *b = open_ok(path);
	numbering_file_stats s;
	stats_of(b, &s);
	ck_assert_int_eq(s.instances, readable);
	b->free(b);

	/* Version 1: whole, it opens with every instance and becomes version 3. */
	size_t v1_first_end = 0;
	as_version_1(path, data, len, offsets, n, &v1_first_end);
	uint8_t *v1;
	size_t v1_len;
	read_file(path, &v1, &v1_len);
	report_init(&r);
	ck_assert_int_eq(numbering_file_check(&r, path, 0), NUMBERING_OK);
	ck_assert_msg(r.status == NUMBERING_OK, "%s", r.message);
	ck_assert_int_eq(r.format_version, 1);
	ck_assert_int_eq(r.instances, 60000);
	numbering_backend *ro = NULL;
	ck_assert_int_eq(open_read_only(&ro, path), NUMBERING_OK);
	ro->free(ro);
	b = open_ok(path);
	stats_of(b, &s);
	ck_assert_int_eq(s.instances, 60000);
	b->free(b);
	uint8_t *upgraded;
	size_t upgraded_len;
	read_file(path, &upgraded, &upgraded_len);
	ck_assert_int_eq(upgraded[8], 3);
	free(upgraded);
	ck_assert_int_eq(numbering_file_check(&r, path, 0), NUMBERING_OK);
	ck_assert_msg(r.status == NUMBERING_OK && r.format_version == 3 && r.instances == 60000, "%s", r.message);
	/* Version 1 cut at a chunk boundary: its instance count says so. */
	write_file(path, v1, v1_first_end);
	assert_data_loss_at(path, (int64_t)v1_first_end, "a version-1 snapshot cut at a chunk boundary");
	free(v1);
	free(data);
}
END_TEST

/* The file stays within twice its live data (or the compaction threshold) plus one
 * record, whatever the sizes of the records: issue 17's 10,000 instances then 2,000
 * updates of 50 KB to one of them left a file 32 times its live data. Here 2,000
 * instances and 300 updates of a 50 KB one; then 40 big ones, all but one removed. */
START_TEST(file_bounded_by_live_data)
{
	const char *path = new_store_path();
	const int64_t min = 64 * 1024, slack = 64 * 1024; /* a 50 KB record past the bound */
	numbering_backend *b = NULL;
	ck_assert_int_eq(open_mode(&b, path, NUMBERING_FILE_SYNC_OFF, min), NUMBERING_OK);
	put_numbered_instances(b, 2000);
	static char value[1001];
	memset(value, 'v', 1000);
	int64_t biggest = 0;
	numbering_file_stats s;
	for (int u = 0; u < 340; u++) {
		int big = u < 300 ? 0 : u - 300; /* 300 updates of one, then 40 others */
		char name[64];
		snprintf(name, sizeof(name), P1 "/phoneNumberInstances/big%d", big);
		numbering_instance *in =
		    make_instance(name, 3125550000 + (uint64_t)big, 3125550000 + (uint64_t)big, 10, 1, NUMBERING_LIFECYCLE_ACTIVE);
		value[0] = (char)('a' + u % 26);
		for (int l = 0; l < 50; l++) {
			char key[16];
			snprintf(key, sizeof(key), "k%02d", l);
			ck_assert_int_eq(numbering_instance_set_label(in, key, value), NUMBERING_OK);
		}
		put_one(b, in);
		numbering_instance_free(in);
		stats_of(b, &s);
		if (u < 300 && s.file_bytes > biggest)
			biggest = s.file_bytes;
	}
	for (int big = 1; big < 40; big++) {
		ck_assert_int_eq(b->begin(b), NUMBERING_OK);
		char name[64];
		snprintf(name, sizeof(name), P1 "/phoneNumberInstances/big%d", big);
		ck_assert_int_eq(remove_instance(b, name), NUMBERING_OK);
		ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	}
	stats_of(b, &s);
	int64_t after_removes = s.file_bytes;
	ck_assert_int_eq(b->control(b, NUMBERING_FILE_CONTROL_COMPACT, NULL), NUMBERING_OK);
	stats_of(b, &s);
	int64_t live = s.file_bytes; /* a snapshot: the live data (the 2,000 and big0, as in the first phase) */
	int64_t bound = (2 * live > min ? 2 * live : min) + slack;
	ck_assert_msg(biggest <= bound, "updates of one big instance: the file reached %lld bytes, live %lld, bound %lld",
	              (long long)biggest, (long long)live, (long long)bound);
	ck_assert_msg(after_removes <= bound, "after removing big instances: %lld bytes, live %lld, bound %lld",
	              (long long)after_removes, (long long)live, (long long)bound);
	ck_assert_int_gt(s.compactions, 3);
	b->free(b);
	b = open_ok(path);
	stats_of(b, &s);
	ck_assert_int_eq(s.instances, 2001);
	b->free(b);
}
END_TEST

/* The I/O seam: fail the n-th fallible call with one kind of failure. */

enum { FAULT_EIO, FAULT_ENOSPC, FAULT_SHORT, FAULT_KINDS };

static struct {
	long calls;
	long fail_at; /* 0: never */
	int kind;
	int fired;
} fault;

static int fault_now(void)
{
	if (fault.fail_at == 0 || ++fault.calls != fault.fail_at)
		return 0;
	fault.fired = 1;
	return 1;
}

static ssize_t fault_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	if (!fault_now())
		return pwrite(fd, buf, len, off);
	if (fault.kind == FAULT_SHORT && len > 1) {
		/* Half of it reaches the file, then the disk fills. */
		ssize_t n = pwrite(fd, buf, len / 2, off);
		(void)n;
	}
	errno = fault.kind == FAULT_EIO ? EIO : ENOSPC;
	return -1;
}

/* Syncs succeed without reaching the disk: these tests are about the error paths
 * (and a process that goes on), not about power loss; it keeps them fast. */
static int fault_fdatasync(int fd)
{
	(void)fd;
	if (fault_now()) {
		errno = EIO;
		return -1;
	}
	return 0;
}

static int fault_fsync(int fd)
{
	return fault_fdatasync(fd);
}

static int fault_ftruncate(int fd, off_t len)
{
	if (fault_now()) {
		errno = EIO;
		return -1;
	}
	return ftruncate(fd, len);
}

static int fault_rename(const char *from, const char *to)
{
	if (fault_now()) {
		errno = EIO;
		return -1;
	}
	return rename(from, to);
}

static int fault_open(const char *path, int flags, mode_t mode)
{
	if ((flags & O_CREAT) && fault_now()) {
		errno = ENOSPC;
		return -1;
	}
	return open(path, flags, mode);
}

static struct numbering__file_io fault_io;

static void fault_install(long fail_at, int kind)
{
	fault_io = numbering__file_io_system;
	fault_io.pwrite = fault_pwrite;
	fault_io.fdatasync = fault_fdatasync;
	fault_io.fsync = fault_fsync;
	fault_io.ftruncate = fault_ftruncate;
	fault_io.rename = fault_rename;
	fault_io.open = fault_open;
	fault.calls = 0;
	fault.fail_at = fail_at;
	fault.kind = kind;
	fault.fired = 0;
	numbering__file_io_set(&fault_io);
}

static void fault_remove(void)
{
	numbering__file_io_set(NULL);
	fault.fail_at = 0;
}

/* For every n and kind: run the scenario (commits and compactions) with the n-th
 * call failing. The failing call reports an error, the ones after it work (unless
 * the backend says its file is in an unknown state), and a reopen shows exactly the
 * acknowledged state. */
START_TEST(file_fault_every_n)
{
	int kind = _i;
	struct dump *acked = malloc(sizeof(*acked)), *now = malloc(sizeof(*now)), *reopened = malloc(sizeof(*reopened));
	for (long n = 1;; n++) {
		const char *path = new_store_path();
		numbering_backend *b = NULL;
		fault_install(n, kind);
		int rc = open_mode(&b, path, NUMBERING_FILE_SYNC_FULL, -1);
		if (rc != NUMBERING_OK) {
			/* Failing while creating the store: an error, nothing acknowledged. */
			ck_assert(fault.fired);
			ck_assert_ptr_null(b);
			fault_remove();
			remove_tmp_dirs();
			continue;
		}
		acked->count = 0;
		int failures = 0, refused = 0;
		for (int k = 0; k < 24; k++) {
			if (k % 8 == 7) {
				rc = b->control(b, NUMBERING_FILE_CONTROL_COMPACT, NULL);
				failures += rc != NUMBERING_OK;
			} else {
				rc = scenario_step(b, k);
				if (rc == NUMBERING_UNAVAILABLE && strstr(numbering_error_message(), "unknown") != NULL)
					refused++;
				else if (rc != NUMBERING_OK)
					failures++;
				else
					dump_store(b, acked);
			}
			if (rc != NUMBERING_OK)
				ck_assert_msg(fault.fired, "n=%ld k=%d: %s", n, k, numbering_error_message());
			/* Memory always equals what was acknowledged. */
			dump_store(b, now);
			if (acked->count > 0 || k > 0)
				assert_dumps_equal(acked, now, "in memory after a failure");
		}
		ck_assert_int_le(failures, 1);
		ck_assert_int_eq(refused, 0); /* one failure never leaves the file in an unknown state */
		int fired = fault.fired;
		fault_remove();
		b->free(b);
		b = open_ok(path);
		dump_store(b, reopened);
		assert_dumps_equal(acked, reopened, "after reopen");
		ck_assert_int_eq(check_file(b), NUMBERING_OK);
		b->free(b);
		remove_tmp_dirs();
		if (!fired)
			break;
		ck_assert_int_lt(n, 2000);
	}
	free(acked);
	free(now);
	free(reopened);
}
END_TEST

/* The same through a store, where commits are made durable after the store's lock
 * (group commit): at every n, an operation that fails is not in the file, every one
 * that succeeded is. */
START_TEST(file_fault_store_every_n)
{
	struct dump *acked = malloc(sizeof(*acked)), *reopened = malloc(sizeof(*reopened));
	for (long n = 1;; n++) {
		const char *path = new_store_path();
		numbering_backend *b = open_ok(path);
		numbering_store *store = store_over(b);
		fault_install(n, _i);
		acked->count = 0;
		for (int k = 0; k < 12; k++) {
			char number[32], id[32];
			snprintf(number, sizeof(number), "+612555011%02d", k);
			snprintf(id, sizeof(id), "i%d", k);
			numbering_instance *req = NULL, *out = NULL;
			numbering_instance_new(&req);
			numbering_instance_set_phone_number(req, number);
			int rc = numbering_store_create(&out, store, NULL, P1, req, id, NULL, NULL);
			numbering_instance_free(req);
			if (rc == NUMBERING_OK) {
				ck_assert_int_lt(acked->count, 4096);
				snprintf(acked->lines[acked->count++], 96, "%s", numbering_instance_name(out));
			} else {
				ck_assert_msg(fault.fired, "n=%ld k=%d: %s", n, k, numbering_error_message());
				ck_assert_ptr_null(out);
			}
			numbering_instance_free(out);
		}
		int fired = fault.fired;
		fault_remove();
		numbering_store_close(store);
		b = open_ok(path);
		struct dump *all = reopened;
		dump_store(b, all);
		b->free(b);
		/* Every line of the reopened store is "name ..."; compare names only. */
		ck_assert_int_eq(all->count, acked->count);
		for (int i = 0; i < acked->count; i++) {
			int seen = 0;
			for (int j = 0; j < all->count; j++)
				seen |= strncmp(all->lines[j], acked->lines[i], strlen(acked->lines[i])) == 0 &&
				        all->lines[j][strlen(acked->lines[i])] == ' ';
			ck_assert_msg(seen, "n=%ld: acknowledged %s is missing", n, acked->lines[i]);
		}
		remove_tmp_dirs();
		if (!fired)
			break;
		ck_assert_int_lt(n, 500);
	}
	free(acked);
	free(reopened);
}
END_TEST

/* A crash at any point of a compaction: the store on disk opens with everything. The
 * crash is simulated by stopping all I/O at the n-th call (the process "dies"; later
 * calls fail too) and reopening from what the file system holds. */
static int dead;

static ssize_t dead_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	if (dead || fault_now()) {
		dead = 1;
		errno = EIO;
		return -1;
	}
	return pwrite(fd, buf, len, off);
}

static int dead_int(int fd)
{
	(void)fd;
	if (dead || fault_now()) {
		dead = 1;
		errno = EIO;
		return -1;
	}
	return 0;
}

static int dead_rename(const char *from, const char *to)
{
	if (dead || fault_now()) {
		dead = 1;
		errno = EIO;
		return -1;
	}
	return rename(from, to);
}

static int dead_ftruncate(int fd, off_t len)
{
	if (dead || fault_now()) {
		dead = 1;
		errno = EIO;
		return -1;
	}
	return ftruncate(fd, len);
}

START_TEST(file_compaction_crash)
{
	struct dump *before = malloc(sizeof(*before)), *after = malloc(sizeof(*after));
	for (long n = 1;; n++) {
		const char *path = new_store_path();
		numbering_backend *b = open_ok(path);
		for (int k = 0; k < 40; k++)
			ck_assert_int_eq(scenario_step(b, k), NUMBERING_OK);
		dump_store(b, before);
		fault_io = numbering__file_io_system;
		fault_io.pwrite = dead_pwrite;
		fault_io.fdatasync = dead_int;
		fault_io.fsync = dead_int;
		fault_io.rename = dead_rename;
		fault_io.ftruncate = dead_ftruncate;
		fault.calls = 0;
		fault.fail_at = n;
		fault.fired = 0;
		dead = 0;
		numbering__file_io_set(&fault_io);
		int rc = b->control(b, NUMBERING_FILE_CONTROL_COMPACT, NULL);
		int fired = fault.fired;
		ck_assert(rc == NUMBERING_OK || fired);
		/* "Crash": drop the backend without letting it sync or clean up. */
		b->free(b);
		fault_remove();
		b = open_ok(path);
		dump_store(b, after);
		assert_dumps_equal(before, after, "after a crash during compaction");
		ck_assert_int_eq(check_file(b), NUMBERING_OK);
		b->free(b);
		/* The reopen deleted the temporary file the crash left (a random name). */
		DIR *d = opendir(dir_of(path));
		ck_assert_ptr_nonnull(d);
		for (struct dirent *e; (e = readdir(d)) != NULL;)
			ck_assert_msg(strstr(e->d_name, ".compact") == NULL, "n=%ld: %s was left", n, e->d_name);
		closedir(d);
		remove_tmp_dirs();
		if (!fired)
			break;
		ck_assert_int_lt(n, 200);
	}
	free(before);
	free(after);
}
END_TEST

/* The rename of a compaction, then the process dies before it tells anyone (its new
 * file in place, the changes word not moved). */
static int rename_then_die(const char *from, const char *to)
{
	int rc = rename(from, to);
	_exit(rc == 0 ? 0 : 9);
}

/* A process killed inside a compaction, after its rename and before its publish, left
 * the new file at the store's name and the lock file's changes word where it was. A
 * writer of another process that held the old file appended its next commits to it,
 * a file no name reaches any more: acknowledged, then gone at the next open (and
 * never seen by any reader, which follow the name). Its next transaction follows the
 * name instead, as it follows any compaction; a store removed while open refuses it. */
START_TEST(file_compaction_killed_before_its_publish)
{
	struct dump *before = malloc(sizeof(*before)), *after = malloc(sizeof(*after));
	const char *path = new_store_path();
	numbering_backend *b = open_ok(path);
	for (int k = 0; k < 12; k++)
		ck_assert_int_eq(scenario_step(b, k), NUMBERING_OK);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		numbering_backend *c = NULL;
		if (open_mode(&c, path, NUMBERING_FILE_SYNC_FULL, -1) != NUMBERING_OK)
			_exit(3);
		fault_io = numbering__file_io_system;
		fault_io.rename = rename_then_die;
		numbering__file_io_set(&fault_io);
		c->control(c, NUMBERING_FILE_CONTROL_COMPACT, NULL);
		_exit(4); /* the compaction never renamed */
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the compacting process: %d", status);
	for (int k = 12; k < 20; k++)
		ck_assert_msg(scenario_step(b, k) == NUMBERING_OK, "step %d: %s", k, numbering_error_message());
	dump_store(b, before);
	b->free(b);
	b = open_ok(path);
	dump_store(b, after);
	assert_dumps_equal(before, after, "a reopen after commits beside a compaction killed before its publish");
	ck_assert_int_eq(check_file(b), NUMBERING_OK);
	/* Removed (or moved away) while open: no commit is acknowledged into a file no
	 * name reaches; the next open finds what the removal left. */
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(scenario_step(b, 20), NUMBERING_FAILED_PRECONDITION);
	ck_assert_msg(strstr(numbering_error_message(), "moved or replaced") != NULL, "%s", numbering_error_message());
	b->free(b);
	free(before);
	free(after);
}
END_TEST

/* NORMAL mode: commits return before their sync, and the background thread syncs
 * them within the window, one sync for all of a window's commits. */
/* The ids of this process's threads (/proc/self/task): their count, at most @max. */
static int thread_ids(long *ids, int max)
{
	DIR *d = opendir("/proc/self/task");
	ck_assert_ptr_nonnull(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.') {
			ck_assert_int_lt(n, max);
			ids[n++] = atol(e->d_name);
		}
	closedir(d);
	return n;
}

/* The signals thread @tid blocks (SigBlk in /proc/self/task/TID/status): bit n-1 for n. */
static uint64_t blocked_of(long tid)
{
	char name[64], line[256];
	snprintf(name, sizeof(name), "/proc/self/task/%ld/status", tid);
	FILE *fp = fopen(name, "r");
	ck_assert_ptr_nonnull(fp);
	uint64_t mask = 0;
	int found = 0;
	while (!found && fgets(line, sizeof(line), fp) != NULL)
		found = sscanf(line, "SigBlk: %" SCNx64, &mask) == 1;
	fclose(fp);
	ck_assert_msg(found, "no SigBlk in %s", name);
	return mask;
}

/* The threads in /proc/self/task now and not in @before (@nb ids): each blocks every
 * signal a host can send or block, and no signal a fault raises; their count. */
static int new_threads_block_signals(const long *before, int nb, const char *what)
{
	long now[64];
	int n = thread_ids(now, 64), fresh = 0;
	for (int i = 0; i < n; i++) {
		int old = 0;
		for (int j = 0; j < nb && !old; j++)
			old = now[i] == before[j];
		if (old)
			continue;
		fresh++;
		/* The C library starts a thread with every signal blocked, its own two (32 and
		 * 33, which no thread of a program may block) too, and gives it the mask it
		 * inherits only once it runs: read once that is set. */
		uint64_t mask = blocked_of(now[i]);
		for (int waits = 0; waits < 10000 && (mask & (3ull << 31)) != 0; waits++) {
			struct timespec pause = {0, 1000000};
			nanosleep(&pause, NULL);
			mask = blocked_of(now[i]);
		}
		ck_assert_msg((mask & (3ull << 31)) == 0, "%s: thread %ld never started (SigBlk %016" PRIx64 ")", what,
		              now[i], mask);
		for (int sig = 1; sig <= SIGRTMAX; sig++) {
			/* Never blockable, or the C library's own (between 31 and SIGRTMIN). */
			if (sig == SIGKILL || sig == SIGSTOP || (sig > 31 && sig < SIGRTMIN))
				continue;
			int faults = sig == SIGBUS || sig == SIGSEGV || sig == SIGFPE || sig == SIGILL || sig == SIGTRAP ||
			            sig == SIGSYS;
			int blocked = (mask >> (sig - 1) & 1) != 0;
			ck_assert_msg(blocked != faults, "%s: thread %ld %s signal %d (SigBlk %016" PRIx64 ")", what, now[i],
			              faults ? "blocks" : "does not block", sig, mask);
		}
	}
	return fresh;
}

/* Every thread the file backend starts (the NORMAL mode's sync thread, whether the open
 * or a later SET_SYNC starts it, and the watcher of names, of writable and read-only
 * opens) blocks every signal but a fault's: a signal sent to the process goes to a
 * thread of the host, never to one of these (the sync thread took them: a host's
 * SIGTERM handler ran there, or its default ended the process where the host took it
 * with sigwait()). Signals a fault raises stay unblocked, where the guard of the
 * mappings (file-guard.c) catches them: blocked, a fault kills the process. The
 * threads are told apart as the ones new since the open, read from /proc while the
 * store is open: each inherits its mask at its creation, so no timing is involved. */
START_TEST(file_threads_block_signals)
{
	const char *path = new_store_path();
	sigset_t none, saved;
	sigemptyset(&none);
	ck_assert_int_eq(pthread_sigmask(SIG_SETMASK, &none, &saved), 0);
	long before[64];
	int nb = thread_ids(before, 64);
	numbering_file_options o = NUMBERING_FILE_OPTIONS_INIT;
	o.sync_mode = NUMBERING_FILE_SYNC_NORMAL;
	numbering_backend *b = NULL;
	ck_assert_int_eq(numbering_file_backend_new(&b, path, &o), NUMBERING_OK);
	ck_assert_int_eq(new_threads_block_signals(before, nb, "NORMAL open"), 2); /* sync, watcher */
	b->free(b);

	nb = thread_ids(before, 64);
	o.sync_mode = NUMBERING_FILE_SYNC_FULL;
	ck_assert_int_eq(numbering_file_backend_new(&b, path, &o), NUMBERING_OK);
	ck_assert_int_eq(new_threads_block_signals(before, nb, "FULL open"), 1); /* watcher */
	int mode = NUMBERING_FILE_SYNC_NORMAL;
	ck_assert_int_eq(b->control(b, NUMBERING_FILE_CONTROL_SET_SYNC, &mode), NUMBERING_OK);
	ck_assert_int_eq(new_threads_block_signals(before, nb, "SET_SYNC NORMAL"), 2);

	long more[64];
	int nm = thread_ids(more, 64);
	numbering_file_options ro = NUMBERING_FILE_OPTIONS_INIT;
	ro.read_only = 1;
	numbering_backend *r = NULL;
	ck_assert_int_eq(numbering_file_backend_new(&r, path, &ro), NUMBERING_OK);
	ck_assert_int_eq(new_threads_block_signals(more, nm, "read-only open"), 1); /* watcher */
	r->free(r);
	b->free(b);
	ck_assert_int_eq(pthread_sigmask(SIG_SETMASK, &saved, NULL), 0);
}
END_TEST

START_TEST(file_normal_window)
{
	const char *path = new_store_path();
	numbering_backend *b = NULL;
	numbering_file_options o = NUMBERING_FILE_OPTIONS_INIT;
	o.sync_mode = NUMBERING_FILE_SYNC_NORMAL;
	o.sync_window_us = 20000;
	ck_assert_int_eq(numbering_file_backend_new(&b, path, &o), NUMBERING_OK);
	numbering_file_stats s;
	stats_of(b, &s);
	int64_t syncs = s.syncs;
	for (int k = 0; k < 20; k++)
		ck_assert_int_eq(scenario_step(b, k), NUMBERING_OK);
	stats_of(b, &s);
	ck_assert_int_le(s.syncs - syncs, 1); /* not one per commit */
	/* Within a few windows, everything is synced. */
	for (int wait = 0; wait < 100 && s.syncs == syncs; wait++) {
		struct timespec pause = {0, 10000000};
		nanosleep(&pause, NULL);
		stats_of(b, &s);
	}
	ck_assert_int_ge(s.syncs - syncs, 1);
	ck_assert_int_le(s.syncs - syncs, 3);
	b->free(b);
	b = open_ok(path);
	stats_of(b, &s);
	ck_assert_int_eq(s.records, 20);
	b->free(b);
}
END_TEST

/* Another process's handle of the store, read inside the failing sync below. */
static numbering_backend *phantom_other;
static int phantom_seen;

static int phantom_count(const numbering_record *r, void *payload)
{
	(void)r;
	++*(int *)payload;
	return 0;
}

static int phantom_resolve(numbering_backend *b, uint64_t number)
{
	int n = 0;
	int rc = b->find(b, 11, number, number, phantom_count, &n);
	return rc == NUMBERING_OK ? n : rc == NUMBERING_NOT_FOUND ? 0 : -rc;
}

static int phantom_fdatasync(int fd)
{
	(void)fd;
	phantom_seen = phantom_resolve(phantom_other, 61255508002ULL);
	errno = EIO;
	return -1;
}

static int phantom_create(numbering_store *s, const char *id, const char *number)
{
	char req[300], *resp = NULL;
	snprintf(req, sizeof(req),
	         "{\"parent\":\"projects/p1\",\"phoneNumberInstanceId\":\"%s\",\"phoneNumberInstance\":{\"phoneNumber\":"
	         "{\"phoneNumber\":\"%s\"}}}",
	         id, number);
	int rc = numbering_store_call_json(&resp, s, NULL, "CreatePhoneNumberInstance", req);
	numbering_free(resp);
	return rc;
}

/* Group commit appends, then syncs; a sync that fails cuts the record off again. No
 * other process may have read it meanwhile: one that had would serve a create no one
 * acknowledged, then refuse every write as DATA_LOSS on a sound store ("shorter than
 * the N this process read", then "synced up to offset D, but readable only up to X"
 * once a third process wrote where it expected its end). Another handle of the file
 * (another process as far as the backend knows) reads inside the failing sync. */
START_TEST(file_group_commit_failed_sync_unseen)
{
	const char *path = new_store_path();
	numbering_backend *a = NULL;
	numbering_store *sa = mp_store(path, &a);
	ck_assert_ptr_nonnull(sa);
	ck_assert_int_eq(phantom_create(sa, "one", "+61255508001"), NUMBERING_OK);
	phantom_other = open_ok(path);
	ck_assert_int_eq(phantom_resolve(phantom_other, 61255508001ULL), 1);
	fault_io = numbering__file_io_system;
	fault_io.fdatasync = phantom_fdatasync;
	phantom_seen = -1;
	numbering__file_io_set(&fault_io);
	int rc = phantom_create(sa, "two", "+61255508002");
	numbering__file_io_set(NULL);
	ck_assert_int_eq(rc, NUMBERING_UNAVAILABLE);
	ck_assert_msg(phantom_seen == 0, "another process read the record before it was durable (%d)", phantom_seen);
	ck_assert_int_eq(phantom_resolve(phantom_other, 61255508002ULL), 0);
	ck_assert_msg(phantom_other->begin(phantom_other) == NUMBERING_OK, "%s", numbering_error_message());
	phantom_other->rollback(phantom_other);
	numbering_store_close(sa);
	numbering_store *sc = mp_store(path, NULL);
	ck_assert_ptr_nonnull(sc);
	ck_assert_int_eq(phantom_create(sc, "three", "+61255508003"), NUMBERING_OK);
	ck_assert_int_eq(phantom_resolve(phantom_other, 61255508003ULL), 1);
	ck_assert_int_eq(phantom_resolve(phantom_other, 61255508002ULL), 0);
	ck_assert_msg(phantom_other->begin(phantom_other) == NUMBERING_OK, "%s", numbering_error_message());
	phantom_other->rollback(phantom_other);
	numbering_store_close(sc);
	phantom_other->free(phantom_other);
	numbering_file_report report;
	report_init(&report);
	ck_assert_int_eq(numbering_file_check(&report, path, 0), NUMBERING_OK);
	ck_assert_int_eq(report.status, NUMBERING_OK);
}
END_TEST

/* The same, for a read-only open made inside the failing sync: an open read every whole
 * record of the file, published or not, so it served the create no one acknowledged
 * and, once the record was cut off and another process had written in its place,
 * missed every later commit (it read on from the end of the record it had taken). */
static numbering_backend *phantom_opened;
static const char *phantom_path;

static int phantom_open_fdatasync(int fd)
{
	/* The record's sync fails; the cut's, after it, succeeds. */
	if (phantom_opened != NULL)
		return fdatasync(fd);
	numbering_file_options o = NUMBERING_FILE_OPTIONS_INIT;
	o.read_only = 1;
	if (numbering_file_backend_new(&phantom_opened, phantom_path, &o) == NUMBERING_OK)
		phantom_seen = phantom_resolve(phantom_opened, 61255508002ULL);
	errno = EIO;
	return -1;
}

START_TEST(file_group_commit_failed_sync_unseen_by_an_open)
{
	const char *path = new_store_path();
	phantom_path = path;
	numbering_backend *a = NULL;
	numbering_store *sa = mp_store(path, &a);
	ck_assert_ptr_nonnull(sa);
	ck_assert_int_eq(phantom_create(sa, "one", "+61255508001"), NUMBERING_OK);
	fault_io = numbering__file_io_system;
	fault_io.fdatasync = phantom_open_fdatasync;
	phantom_seen = -1;
	phantom_opened = NULL;
	numbering__file_io_set(&fault_io);
	int rc = phantom_create(sa, "two", "+61255508002");
	numbering__file_io_set(NULL);
	ck_assert_int_eq(rc, NUMBERING_UNAVAILABLE);
	ck_assert_ptr_nonnull(phantom_opened);
	ck_assert_msg(phantom_seen == 0, "an open read the record before it was durable (%d)", phantom_seen);
	numbering_store_close(sa);
	numbering_store *sc = mp_store(path, NULL);
	ck_assert_ptr_nonnull(sc);
	ck_assert_int_eq(phantom_create(sc, "three", "+61255508003"), NUMBERING_OK);
	ck_assert_int_eq(phantom_resolve(phantom_opened, 61255508001ULL), 1);
	ck_assert_int_eq(phantom_resolve(phantom_opened, 61255508002ULL), 0);
	ck_assert_int_eq(phantom_resolve(phantom_opened, 61255508003ULL), 1);
	numbering_store_close(sc);
	phantom_opened->free(phantom_opened);
}
END_TEST

/* Group commit: writer threads of one store share syncs, and every create a thread
 * was told succeeded is in the file. A slow fdatasync makes the sharing certain. */
static long group_syncs;

static int slow_fdatasync(int fd)
{
	__atomic_add_fetch(&group_syncs, 1, __ATOMIC_RELAXED);
	struct timespec pause = {0, 3000000};
	nanosleep(&pause, NULL);
	return fdatasync(fd);
}

struct group_writer {
	numbering_store *store;
	int thread;
	int created;
};

static void *group_main(void *arg)
{
	struct group_writer *w = arg;
	for (int i = 0; i < 25; i++) {
		char number[32], id[32];
		snprintf(number, sizeof(number), "+6125550%d%03d", w->thread, i);
		snprintf(id, sizeof(id), "t%di%d", w->thread, i);
		numbering_instance *req = NULL, *out = NULL;
		numbering_instance_new(&req);
		numbering_instance_set_phone_number(req, number);
		if (numbering_store_create(&out, w->store, NULL, P1, req, id, NULL, NULL) == NUMBERING_OK)
			w->created++;
		numbering_instance_free(req);
		numbering_instance_free(out);
	}
	return NULL;
}

START_TEST(file_group_commit)
{
	const char *path = new_store_path();
	numbering_backend *b = open_ok(path);
	numbering_store *store = store_over(b);
	fault_io = numbering__file_io_system;
	fault_io.fdatasync = slow_fdatasync;
	group_syncs = 0;
	numbering__file_io_set(&fault_io);
	pthread_t t[4];
	struct group_writer w[4];
	for (int i = 0; i < 4; i++) {
		w[i] = (struct group_writer){store, i + 1, 0};
		ck_assert_int_eq(pthread_create(&t[i], NULL, group_main, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
	numbering__file_io_set(NULL);
	long syncs = group_syncs;
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(w[i].created, 25);
	/* 100 commits; a sync is two fdatasyncs since format version 2 (the records, then
	 * the durable length), so without sharing that is 200: with 4 writers it must be
	 * well under (the count depends on scheduling, hence the margin). */
	ck_assert_msg(syncs < 150, "%ld fdatasyncs for 100 commits (200 without group commit)", syncs);
	numbering_store_close(store);
	b = open_ok(path);
	ck_assert_int_eq(b->control(b, NUMBERING__MEMORY_CONTROL_CHECK, NULL), NUMBERING_OK);
	numbering_file_stats s;
	stats_of(b, &s);
	ck_assert_int_eq(s.instances, 100);
	b->free(b);
}
END_TEST

/* A multi-record transaction is all or nothing: a failed commit leaves none of it,
 * in memory and on disk. */
START_TEST(file_atomic_multi)
{
	const char *path = new_store_path();
	numbering_backend *b = open_ok(path);
	add(b, NAME1, 700, 799, 3, 1, NUMBERING_LIFECYCLE_ACTIVE);
	/* A split: shrink one range, add the rest as another; the commit's append fails halfway. */
	numbering_instance *a = make_instance(NAME1, 700, 709, 3, 1, NUMBERING_LIFECYCLE_ACTIVE);
	numbering_instance *rest = make_instance(NAME2, 710, 799, 3, 2, NUMBERING_LIFECYCLE_ACTIVE);
	fault_install(1, FAULT_SHORT);
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_int_eq(put_instance(b, a), NUMBERING_OK);
	ck_assert_int_eq(put_instance(b, rest), NUMBERING_OK);
	ck_assert_int_ne(b->commit(b), NUMBERING_OK);
	fault_remove();
	ck_assert_str_eq(found(b, 750, 750, 3), NAME1);
	ck_assert_str_eq(list_ids(b, P1), "one");
	b->free(b);
	b = open_ok(path);
	ck_assert_str_eq(found(b, 750, 750, 3), NAME1);
	ck_assert_str_eq(list_ids(b, P1), "one");
	/* Committed, it is all there. */
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_int_eq(put_instance(b, a), NUMBERING_OK);
	ck_assert_int_eq(put_instance(b, rest), NUMBERING_OK);
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	b->free(b);
	b = open_ok(path);
	ck_assert_str_eq(found(b, 750, 750, 3), NAME2);
	ck_assert_str_eq(found(b, 705, 705, 3), NAME1);
	b->free(b);
	numbering_instance_free(a);
	numbering_instance_free(rest);
}
END_TEST

/* Untrusted files: flip, zero and cut bytes across a real store and open it each
 * time: an error with a message, or a store that is consistent. Never a crash. */
START_TEST(file_corruption_sweep)
{
	const char *path = new_store_path();
	numbering_backend *b = NULL;
	ck_assert_int_eq(open_mode(&b, path, NUMBERING_FILE_SYNC_OFF, -1), NUMBERING_OK);
	for (int k = 0; k < 30; k++)
		ck_assert_int_eq(scenario_step(b, k), NUMBERING_OK);
	ck_assert_int_eq(b->control(b, NUMBERING_FILE_CONTROL_COMPACT, NULL), NUMBERING_OK);
	for (int k = 30; k < 40; k++)
		ck_assert_int_eq(scenario_step(b, k), NUMBERING_OK);
	b->free(b);
	uint8_t *data, *copy;
	size_t len;
	read_file(path, &data, &len);
	copy = malloc(len);
	int opened = 0, refused = 0;
	fault_install(0, 0); /* no real syncs: a thousand opens */
	for (size_t at = 0; at < len; at += 1 + at % 11) {
		for (int how = 0; how < 4; how++) {
			memcpy(copy, data, len);
			size_t n = len;
			if (how == 0)
				copy[at] ^= (uint8_t)(1u << (at % 8));
			else if (how == 1)
				memset(copy + at, 0, at + 16 < len ? 16 : len - at);
			else if (how == 2)
				n = at;
			else
				memset(copy + at, 0xff, at + 4 < len ? 4 : len - at); /* a huge length field */
			write_file(path, copy, n);
			b = NULL;
			int rc = open_mode(&b, path, NUMBERING_FILE_SYNC_OFF, -1);
			if (rc == NUMBERING_OK) {
				opened++;
				ck_assert_int_eq(b->control(b, NUMBERING__MEMORY_CONTROL_CHECK, NULL), NUMBERING_OK);
				ck_assert_int_eq(scenario_step(b, 99), NUMBERING_OK);
				b->free(b);
			} else {
				refused++;
				ck_assert_ptr_null(b);
				ck_assert_msg(rc == NUMBERING_DATA_LOSS || rc == NUMBERING_INVALID_ARGUMENT ||
				                  rc == NUMBERING_FAILED_PRECONDITION,
				              "at %zu how %d: %d %s", at, how, rc, numbering_error_message());
				ck_assert_str_ne(numbering_error_message(), "");
				numbering_file_report r;
	report_init(&r);
				ck_assert_int_eq(numbering_file_check(&r, path, 0), NUMBERING_OK);
				ck_assert_int_eq(r.status, rc);
			}
		}
	}
	fault_remove();
	ck_assert_int_gt(opened, 0);
	ck_assert_int_gt(refused, 0);
	free(copy);
	free(data);
}
END_TEST

/* The crash test: a child applies random operations through the store API and
 * reports each acknowledged one; the parent kills it with SIGKILL at a random
 * instant, reopens and checks every acknowledged operation is there, nothing is
 * half-applied and no number is owned twice. */

#define CRASH_MAX 16384

struct crec {
	char name[80];
	uint64_t first, last;
	int state;
};

struct cmodel {
	struct crec r[CRASH_MAX];
	int count;
};

static int cmodel_find(const struct cmodel *m, const char *name)
{
	for (int i = 0; i < m->count; i++)
		if (strcmp(m->r[i].name, name) == 0)
			return i;
	return -1;
}

static void cmodel_set(struct cmodel *m, const char *name, uint64_t first, uint64_t last, int state)
{
	int i = cmodel_find(m, name);
	if (i < 0) {
		if (m->count >= CRASH_MAX)
			ck_abort_msg("more than %d records", CRASH_MAX);
		i = m->count++;
	}
	size_t len = strlen(name);
	if (len >= sizeof(m->r[i].name))
		ck_abort_msg("record name %s is longer than the model keeps", name);
	memcpy(m->r[i].name, name, len + 1);
	m->r[i].first = first;
	m->r[i].last = last;
	m->r[i].state = state;
}

static void cmodel_remove(struct cmodel *m, const char *name)
{
	int i = cmodel_find(m, name);
	if (i >= 0)
		m->r[i] = m->r[--m->count];
}

struct cmodel_load {
	struct cmodel *m;
	numbering_instance *in;
};

static int cmodel_visit(const numbering_record *record, void *payload)
{
	struct cmodel_load *l = payload;
	ck_assert_int_eq(numbering__instance_from_record(l->in, record), NUMBERING_OK);
	cmodel_set(l->m, numbering__str_get(&l->in->name), l->in->first, l->in->last, l->in->lifecycle_state);
	return 0;
}

static void cmodel_load(struct cmodel *m, numbering_backend *b)
{
	struct cmodel_load l = {m, NULL};
	ck_assert_int_eq(numbering_instance_new(&l.in), NUMBERING_OK);
	m->count = 0;
	for (int p = 0; p < 2; p++) {
		numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
		q.kind = NUMBERING__KIND_INSTANCE;
		q.parent = dump_projects[p];
		ck_assert_int_eq(b->list(b, &q, cmodel_visit, &l), NUMBERING_OK);
	}
	numbering_instance_free(l.in);
}

static void report_line(int fd, const char *fmt, const char *name, const numbering_instance *in)
{
	char line[256];
	int n = in ? snprintf(line, sizeof(line), fmt, name, (unsigned long long)in->first, (unsigned long long)in->last,
	                      in->lifecycle_state)
	           : snprintf(line, sizeof(line), fmt, name);
	if (write(fd, line, (size_t)n) != n)
		_exit(3);
}

static void crash_child(const char *path, int fd, int round, int mode)
{
	numbering_backend *b = NULL;
	if (open_mode(&b, path, mode, 16 * 1024) != NUMBERING_OK)
		_exit(2);
	static struct cmodel m;
	cmodel_load(&m, b);
	numbering_options o = NUMBERING_OPTIONS_INIT;
	o.backend = b;
	numbering_store *store = NULL;
	if (numbering_store_open(&store, &o) != NUMBERING_OK)
		_exit(2);
	srand((unsigned)(round * 7919 + 17));
	for (int k = 0;; k++) {
		numbering_instance *out = NULL, *second = NULL;
		int op = rand() % 10;
		const char *name = m.count > 0 ? m.r[rand() % m.count].name : NULL;
		char target[80];
		int rc;
		if (name == NULL || op < 4) {
			numbering_instance *req = NULL;
			numbering_instance_new(&req);
			char number[24], id[32];
			snprintf(number, sizeof(number), "+6125550%04d", rand() % 9000);
			numbering_instance_set_phone_number(req, number);
			if (rand() % 3 == 0)
				numbering_instance_set_range_size(req, 2 + rand() % 30);
			snprintf(id, sizeof(id), "r%dk%d", round, k);
			snprintf(target, sizeof(target), "%s/phoneNumberInstances/%s", dump_projects[rand() % 2], id);
			report_line(fd, "I C %s\n", target, NULL);
			char parent[32];
			snprintf(parent, sizeof(parent), "%.*s", (int)(strstr(target, "/phoneNumberInstances") - target), target);
			rc = numbering_store_create(&out, store, NULL, parent, req, id, NULL, NULL);
			numbering_instance_free(req);
			if (rc == NUMBERING_OK)
				report_line(fd, "P %s %llu %llu %d\n", target, out);
		} else if (op < 6) {
			int which = rand() % 3;
			report_line(fd, "I U %s\n", name, NULL);
			rc = which == 0   ? numbering_store_delete(&out, store, NULL, name)
			     : which == 1 ? numbering_store_suspend(&out, store, NULL, name)
			                  : numbering_store_resume(&out, store, NULL, name);
			if (rc == NUMBERING_OK)
				report_line(fd, "P %s %llu %llu %d\n", name, out);
		} else if (op < 8) {
			int i = cmodel_find(&m, name);
			int64_t size = (int64_t)(m.r[i].last - m.r[i].first + 1);
			if (size < 2)
				continue;
			report_line(fd, "I S %s\n", name, NULL);
			rc = numbering_store_split_range(&out, &second, store, NULL, name, 1 + rand() % (size - 1));
			if (rc == NUMBERING_OK) {
				report_line(fd, "P %s %llu %llu %d\n", name, out);
				report_line(fd, "P %s %llu %llu %d\n", numbering__str_get(&second->name), second);
			}
		} else {
			const char *dest = strncmp(name, P1, strlen(P1)) == 0 ? P2 : P1;
			report_line(fd, "I M %s\n", name, NULL);
			rc = numbering_store_move(&out, store, NULL, name, dest, NULL);
			if (rc == NUMBERING_OK) {
				report_line(fd, "R %s\n", name, NULL);
				report_line(fd, "P %s %llu %llu %d\n", numbering__str_get(&out->name), out);
			}
		}
		if (rc == NUMBERING_OK) {
			/* Mirror the acknowledged state for the next choices. */
			if (second)
				cmodel_set(&m, numbering__str_get(&second->name), second->first, second->last, second->lifecycle_state);
			if (op >= 8)
				cmodel_remove(&m, name);
			cmodel_set(&m, numbering__str_get(&out->name), out->first, out->last, out->lifecycle_state);
		}
		report_line(fd, rc == NUMBERING_OK ? "K %s\n" : "F %s\n", "-", NULL);
		numbering_instance_free(out);
		numbering_instance_free(second);
	}
}

static int cmp_crec(const void *x, const void *y)
{
	const struct crec *a = x, *b = y;
	return a->first < b->first ? -1 : a->first > b->first;
}

/* Whether @actual equals @expected except for what the in-flight operation may have
 * done (all of it or none): @intent is "C name", "U name", "S name", "M name" or "". */
static void crash_verify(const struct cmodel *expected, const struct cmodel *actual, const char *intent, int round)
{
	char op = intent[0];
	const char *name = intent[0] ? intent + 2 : "";
	int extra = 0, matched = 0;
	/* The split's or move's new record, if the in-flight op happened. */
	const struct crec *fresh = NULL;
	for (int i = 0; i < actual->count; i++) {
		const struct crec *a = &actual->r[i];
		int j = cmodel_find(expected, a->name);
		if (j < 0) {
			extra++;
			fresh = a;
			if (!(op == 'C' || op == 'S' || op == 'M') || (op == 'C' && strcmp(a->name, name) != 0))
				ck_abort_msg("round %d: unexpected %s (in flight: %s)", round, a->name, intent);
			continue;
		}
		const struct crec *e = &expected->r[j];
		int same = e->first == a->first && e->last == a->last && e->state == a->state;
		if (!same && strcmp(a->name, name) != 0)
			ck_abort_msg("round %d: %s is %llu-%llu/%d, acknowledged %llu-%llu/%d", round, a->name,
			             (unsigned long long)a->first, (unsigned long long)a->last, a->state,
			             (unsigned long long)e->first, (unsigned long long)e->last, e->state);
		matched++;
	}
	ck_assert_int_le(extra, 1);
	int missing = expected->count - matched;
	/* Only a move may take a record away, and then its new one is there. */
	ck_assert_msg(missing == 0 || (op == 'M' && missing == 1 && extra == 1 && cmodel_find(actual, name) < 0),
	              "round %d: %d acknowledged records missing (in flight: %s)", round, missing, intent);
	if (op == 'S') {
		int i = cmodel_find(actual, name), j = cmodel_find(expected, name);
		ck_assert_int_ge(i, 0);
		const struct crec *a = &actual->r[i], *e = &expected->r[j];
		if (extra) {
			/* Split all the way: the two halves are exactly the old range. */
			ck_assert_uint_eq(a->first, e->first);
			ck_assert_uint_eq(fresh->first, a->last + 1);
			ck_assert_uint_eq(fresh->last, e->last);
		} else {
			ck_assert_uint_eq(a->last, e->last);
		}
	}
	/* No number is owned twice: the live records, sorted, do not overlap. */
	static struct crec live[CRASH_MAX];
	int n = 0;
	for (int i = 0; i < actual->count; i++)
		if (actual->r[i].state != NUMBERING_LIFECYCLE_DELETED)
			live[n++] = actual->r[i];
	qsort(live, (size_t)n, sizeof(live[0]), cmp_crec);
	for (int i = 1; i < n; i++)
		if (live[i].first <= live[i - 1].last)
			ck_abort_msg("round %d: %s and %s own the same number", round, live[i - 1].name, live[i].name);
}

START_TEST(file_crash_test)
{
	const char *env = getenv("NUMBERING_CRASH_ROUNDS");
	int rounds = env && atoi(env) > 0 ? atoi(env) : 10;
	const char *path = new_store_path();
	static struct cmodel expected, before_intent, actual;
	expected.count = 0;
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	int total_acked = 0;
	for (int round = 0; round < rounds; round++) {
		int mode = round % 3 == 2 ? NUMBERING_FILE_SYNC_NORMAL : NUMBERING_FILE_SYNC_FULL;
		int fds[2];
		ck_assert_int_eq(pipe(fds), 0);
		pid_t pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			close(fds[0]);
			crash_child(path, fds[1], round, mode);
			_exit(0);
		}
		close(fds[1]);
		struct timespec pause = {0, (5 + rand() % 60) * 1000000L};
		nanosleep(&pause, NULL);
		kill(pid, SIGKILL);
		int status;
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert_msg(WIFSIGNALED(status), "round %d: the child exited with %d", round, WEXITSTATUS(status));
		/* Read the acknowledgements: apply P/R lines of operations that got their K. */
		static char text[1 << 20];
		size_t len = 0;
		ssize_t n;
		while (len < sizeof(text) - 1 && (n = read(fds[0], text + len, sizeof(text) - 1 - len)) > 0)
			len += (size_t)n;
		close(fds[0]);
		text[len] = 0;
		char intent[96] = "";
		char pending[8][96];
		int npending = 0;
		for (char *line = text, *next; line && *line; line = next) {
			next = strchr(line, '\n');
			if (next == NULL)
				break; /* a partial last line */
			*next++ = 0;
			if (line[0] == 'I') {
				snprintf(intent, sizeof(intent), "%.90s", line + 2);
				npending = 0;
			} else if (line[0] == 'P' || line[0] == 'R') {
				ck_assert_int_lt(npending, 8);
				snprintf(pending[npending++], 96, "%.95s", line);
			} else if (line[0] == 'K' || line[0] == 'F') {
				for (int i = 0; line[0] == 'K' && i < npending; i++) {
					char name[96];
					unsigned long long first, last;
					int state;
					if (pending[i][0] == 'R') {
						cmodel_remove(&expected, pending[i] + 2);
					} else {
						ck_assert_int_eq(sscanf(pending[i] + 2, "%95s %llu %llu %d", name, &first, &last, &state), 4);
						cmodel_set(&expected, name, first, last, state);
					}
				}
				total_acked += line[0] == 'K';
				intent[0] = 0;
				npending = 0;
			}
		}
		before_intent = expected;
		numbering_backend *b = open_ok(path);
		ck_assert_int_eq(b->control(b, NUMBERING__MEMORY_CONTROL_CHECK, NULL), NUMBERING_OK);
		cmodel_load(&actual, b);
		b->free(b);
		crash_verify(&before_intent, &actual, intent, round);
		/* The in-flight operation went either way; carry on from what is there. */
		expected = actual;
	}
	ck_assert_int_gt(total_acked, 0);
	if (env != NULL)
		fprintf(stderr, "crash test: %d rounds, %d acknowledged operations verified, %d records at the end\n",
		        rounds, total_acked, expected.count);
}
END_TEST

/* A new store file is its owner's alone; a compaction keeps the mode the owner gave it. */
START_TEST(file_mode_owner_only_and_kept)
{
	const char *path = new_store_path();
	mode_t old_umask = umask(022);
	numbering_backend *b = open_ok(path);
	umask(old_umask);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(chmod(path, 0640), 0);
	ck_assert_int_eq(b->control(b, NUMBERING_FILE_CONTROL_COMPACT, NULL), NUMBERING_OK);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0640);
	b->free(b);
}
END_TEST

/* The automatic compaction runs after the write that triggers it, with writes held off
 * but not reads: a resolve made from inside the compaction (its rename) completes
 * before the compaction does. Were the compaction under the store's write lock, the
 * resolve would wait for it, and the hook would give up after 10 s. */
static struct {
	numbering_store *store;
	pthread_t reader;
	int started;
	atomic_int resolved;
	int resolved_in_time; /* the resolve finished before the compaction went on */
} during;

static void *resolve_during_compaction(void *arg)
{
	(void)arg;
	numbering_resolution *r = NULL;
	if (numbering_resolution_new(&r) == NUMBERING_OK &&
	    numbering_store_resolve(r, during.store, NULL, "+61255501100", NULL) == NUMBERING_OK)
		atomic_store(&during.resolved, 1);
	numbering_resolution_free(r);
	return NULL;
}

static int rename_with_a_reader(const char *from, const char *to)
{
	if (!during.started && pthread_create(&during.reader, NULL, resolve_during_compaction, NULL) == 0) {
		during.started = 1;
		for (int i = 0; i < 1000 && !atomic_load(&during.resolved); i++)
			nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
		during.resolved_in_time = atomic_load(&during.resolved);
	}
	return rename(from, to);
}

START_TEST(file_compaction_beside_reads)
{
	const char *path = new_store_path();
	numbering_backend *b = NULL;
	ck_assert_int_eq(open_mode(&b, path, NUMBERING_FILE_SYNC_FULL, 4096), NUMBERING_OK);
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.backend = b;
	/* A journal of one commit: each update's CHANGE record is written over the last,
	 * as its instance is (the META last-time record, which every commit rewrote, is
	 * written only by commits without a CHANGE record now). */
	options.changes_window = 1;
	memset(&during, 0, sizeof(during));
	ck_assert_int_eq(numbering_store_open(&during.store, &options), NUMBERING_OK);
	numbering_instance *request = NULL, *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&request), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_phone_number(request, "+61255501100"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_create(&out, during.store, NULL, "projects/p", request, "a", NULL, NULL),
	                 NUMBERING_OK);
	numbering_instance_free(out);

	fault_io = numbering__file_io_system;
	fault_io.rename = rename_with_a_reader;
	numbering__file_io_set(&fault_io);
	/* Rewriting one display name grows the log past twice its live data. */
	for (int i = 0; i < 200 && !during.started; i++) {
		char name[32];
		snprintf(name, sizeof(name), "name %d", i);
		ck_assert_int_eq(numbering_instance_set_display_name(request, name), NUMBERING_OK);
		ck_assert_int_eq(numbering_store_update(&out, during.store, NULL, "projects/p/phoneNumberInstances/a",
		                                        request, "display_name"),
		                 NUMBERING_OK);
		numbering_instance_free(out);
	}
	numbering__file_io_set(NULL);
	ck_assert_msg(during.started, "no automatic compaction ran");
	ck_assert_int_eq(pthread_join(during.reader, NULL), 0);
	ck_assert_msg(during.resolved_in_time, "a resolve waited for the whole compaction");
	numbering_file_stats stats;
	memset(&stats, 0, sizeof(stats));
	stats.version = NUMBERING_FILE_STATS_VERSION;
	ck_assert_int_eq(b->control(b, NUMBERING_FILE_CONTROL_STATS, &stats), NUMBERING_OK);
	ck_assert_int_ge(stats.compactions, 1);
	numbering_instance_free(request);
	numbering_store_close(during.store);
}
END_TEST

/* Issue 17, item 1: nothing planted in the store's directory is followed or reused.
 * An attacker who can write there plants symlinks to a victim at the old fixed name
 * (PATH.compact), at PATH.damaged, and (through the seam, as if they had guessed it) at
 * every other name the backend is about to create; compaction (on request and
 * automatic) and fsck --repair must leave the victim byte for byte and mode unchanged,
 * and the store a regular file. */

static struct {
	char victim[256];
	char store[256];
	int creates, planted, unsafe;
} plant;

static int planting_open(const char *path, int flags, mode_t mode)
{
	if ((flags & O_CREAT) && strcmp(path, plant.store) != 0) {
		plant.creates++;
		if ((flags & (O_EXCL | O_NOFOLLOW)) != (O_EXCL | O_NOFOLLOW) || (flags & O_TRUNC))
			plant.unsafe++;
		/* Every other name the backend picks is taken by a symlink before it gets there. */
		if (plant.creates % 2 == 1 && symlink(plant.victim, path) == 0)
			plant.planted++;
	}
	return open(path, flags, mode);
}

static const char victim_text[] = "the victim: a file the store's owner can write, and nobody must\n";

static void victim_make(const char *dir)
{
	if (snprintf(plant.victim, sizeof(plant.victim), "%s/victim", dir) >= (int)sizeof(plant.victim))
		ck_abort_msg("test directory name %s is too long", dir);
	write_file(plant.victim, (const uint8_t *)victim_text, strlen(victim_text));
	ck_assert_int_eq(chmod(plant.victim, 0644), 0);
}

static void victim_intact(const char *when)
{
	struct stat st;
	ck_assert_int_eq(lstat(plant.victim, &st), 0);
	ck_assert_msg(S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0644, "%s: victim mode %o", when,
	              (unsigned)st.st_mode);
	uint8_t *data;
	size_t len;
	read_file(plant.victim, &data, &len);
	ck_assert_msg(len == strlen(victim_text) && memcmp(data, victim_text, len) == 0, "%s: the victim was written",
	              when);
	free(data);
}

static void store_regular(const char *path, const char *when)
{
	struct stat st;
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert_msg(S_ISREG(st.st_mode), "%s: the store is no longer a regular file (mode %o)", when,
	              (unsigned)st.st_mode);
}

static void plant_install(const char *store)
{
	snprintf(plant.store, sizeof(plant.store), "%s", store);
	plant.creates = plant.planted = plant.unsafe = 0;
	fault_io = numbering__file_io_system;
	fault_io.open = planting_open;
	numbering__file_io_set(&fault_io);
}

START_TEST(file_temp_files_never_follow_a_planted_link)
{
	const char *path = new_store_path();
	const char *dir = dir_of(path);
	victim_make(dir);
	char fixed[300], damaged[300];
	snprintf(fixed, sizeof(fixed), "%s.compact", path);
	snprintf(damaged, sizeof(damaged), "%s.damaged", path);
	numbering_backend *b = NULL;
	ck_assert_int_eq(open_mode(&b, path, NUMBERING_FILE_SYNC_FULL, 2048), NUMBERING_OK);
	ck_assert_int_eq(symlink(plant.victim, fixed), 0);
	struct dump *before = malloc(sizeof(*before)), *after = malloc(sizeof(*after));

	/* Compaction on request, then automatic ones (a small threshold), each with every
	 * other name it tries taken by a link to the victim. */
	plant_install(path);
	for (int k = 0; k < 12; k++)
		ck_assert_int_eq(scenario_step(b, k), NUMBERING_OK);
	ck_assert_msg(b->control(b, NUMBERING_FILE_CONTROL_COMPACT, NULL) == NUMBERING_OK, "%s",
	              numbering_error_message());
	numbering_file_stats s;
	stats_of(b, &s);
	int64_t compactions = s.compactions;
	for (int k = 0; k < 400; k++)
		ck_assert_int_eq(scenario_step(b, k % 40), NUMBERING_OK);
	stats_of(b, &s);
	ck_assert_int_gt(s.compactions, compactions); /* automatic ones ran */
	numbering__file_io_set(NULL);
	victim_intact("after compactions");
	store_regular(path, "after compactions");
	ck_assert_int_gt(plant.planted, 1);
	ck_assert_int_eq(plant.unsafe, 0);
	dump_store(b, before);
	b->free(b);
	b = open_ok(path);
	dump_store(b, after);
	assert_dumps_equal(before, after, "after compactions beside planted links");
	ck_assert_int_eq(check_file(b), NUMBERING_OK);
	b->free(b);

	/* fsck --repair of a store damaged in the middle, with links at PATH.compact,
	 * PATH.damaged and every other name it creates. */
	uint8_t *data;
	size_t len;
	b = open_ok(path);
	for (int k = 0; k < 6; k++)
		ck_assert_int_eq(scenario_step(b, 100 + k), NUMBERING_OK);
	b->free(b);
	size_t offsets[64];
	int n = read_records(path, &data, &len, offsets);
	ck_assert_int_ge(n, 3);
	data[offsets[n - 2] + 30] ^= 0x10;
	write_file(path, data, len);
	ck_assert_int_eq(symlink(plant.victim, damaged), 0);
	numbering_file_report r;
	report_init(&r);
	plant_install(path);
	ck_assert_msg(numbering_file_check(&r, path, 1) == NUMBERING_OK, "%s", numbering_error_message());
	numbering__file_io_set(NULL);
	ck_assert_int_eq(r.status, NUMBERING_DATA_LOSS);
	ck_assert_int_eq(r.repaired, 1);
	victim_intact("after fsck --repair");
	store_regular(path, "after fsck --repair");
	ck_assert_int_gt(plant.planted, 0);
	ck_assert_int_eq(plant.unsafe, 0);
	/* The damaged copy is beside the store under a name of its own, not through the link. */
	char want[300];
	snprintf(want, sizeof(want), "%s.damaged.1", path);
	ck_assert_str_eq(r.damaged_copy, want);
	ck_assert_int_eq(file_size(want), (int64_t)len);
	ck_assert_msg(strstr(r.message, want) != NULL, "%s", r.message);
	b = open_ok(path);
	b->free(b);

	/* Leftovers of interrupted compactions go at the next writable open, but only files
	 * that are provably ours: regular, owned by us, one link, named as the backend
	 * names them. The planted links stay (removing them is not ours to do), and so do
	 * the victim and an unrelated file. */
	char stale[300], linked[300], hard[300], other[300];
	snprintf(stale, sizeof(stale), "%s.compact.abcdefgh2345", path);
	snprintf(linked, sizeof(linked), "%s.compact.zzzzzzzzzzzz", path);
	snprintf(hard, sizeof(hard), "%s.compact.hhhhhhhhhhhh", path);
	snprintf(other, sizeof(other), "%s.compact.not-ours", path);
	write_file(stale, (const uint8_t *)"x", 1);
	write_file(other, (const uint8_t *)"y", 1);
	ck_assert_int_eq(symlink(plant.victim, linked), 0);
	ck_assert_int_eq(link(plant.victim, hard), 0);
	b = open_ok(path);
	b->free(b);
	ck_assert_int_ne(access(stale, F_OK), 0);
	struct stat st;
	ck_assert_int_eq(lstat(linked, &st), 0);
	ck_assert_int_eq(lstat(hard, &st), 0);
	ck_assert_int_eq(lstat(other, &st), 0);
	ck_assert_int_eq(lstat(fixed, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	unlink(hard); /* the victim's second name: the check below wants it as it was */
	victim_intact("after the stale files' clean-up");
	free(data);
	free(before);
	free(after);
}
END_TEST

/* The store's path may itself be a symlink (a store kept elsewhere): compaction and
 * repair replace the link's target and leave the link. If the name stops naming the
 * file the backend holds (moved, or swapped for a link to a victim), compaction
 * refuses, and nothing is written anywhere else. */
START_TEST(file_store_behind_a_symlink)
{
	const char *target = new_store_path();
	const char *dir = dir_of(target);
	victim_make(dir);
	char link_path[300];
	snprintf(link_path, sizeof(link_path), "%s/link.db", dir);
	ck_assert_int_eq(symlink(target, link_path), 0);
	/* A link to nothing: refused, nothing created at its target. */
	numbering_backend *b = NULL;
	ck_assert_int_eq(open_mode(&b, link_path, NUMBERING_FILE_SYNC_FULL, -1), NUMBERING_INVALID_ARGUMENT);
	ck_assert_msg(strstr(numbering_error_message(), "symlink") != NULL, "%s", numbering_error_message());
	ck_assert_int_ne(access(target, F_OK), 0);
	b = open_ok(target);
	b->free(b);
	b = open_ok(link_path);
	for (int k = 0; k < 12; k++)
		ck_assert_int_eq(scenario_step(b, k), NUMBERING_OK);
	ck_assert_int_eq(b->control(b, NUMBERING_FILE_CONTROL_COMPACT, NULL), NUMBERING_OK);
	struct stat st;
	ck_assert_int_eq(lstat(link_path, &st), 0);
	ck_assert_msg(S_ISLNK(st.st_mode), "the link was replaced by a file");
	store_regular(target, "compaction through a link");
	for (int k = 20; k < 25; k++)
		ck_assert_int_eq(scenario_step(b, k), NUMBERING_OK);
	struct dump *before = malloc(sizeof(*before)), *after = malloc(sizeof(*after));
	dump_store(b, before);
	b->free(b);
	b = open_ok(target);
	dump_store(b, after);
	assert_dumps_equal(before, after, "the target after compacting through a link");
	b->free(b);

	/* fsck --repair through the link: the target is replaced, the copy is beside it. */
	uint8_t *data;
	size_t len;
	size_t offsets[64];
	int n = read_records(target, &data, &len, offsets);
	ck_assert_int_ge(n, 3);
	data[offsets[1] + 30] ^= 0x10;
	write_file(target, data, len);
	numbering_file_report r;
	report_init(&r);
	ck_assert_int_eq(numbering_file_check(&r, link_path, 1), NUMBERING_OK);
	ck_assert_int_eq(r.repaired, 1);
	ck_assert_int_eq(lstat(link_path, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	store_regular(target, "repair through a link");
	char want[300];
	snprintf(want, sizeof(want), "%s.damaged", target);
	ck_assert_str_eq(r.damaged_copy, want);
	ck_assert_int_eq(file_size(want), (int64_t)len);

	/* The store's name swapped for a link to the victim while it is open. */
	b = open_ok(target);
	char moved[300];
	snprintf(moved, sizeof(moved), "%s/moved.db", dir);
	ck_assert_int_eq(rename(target, moved), 0);
	ck_assert_int_eq(symlink(plant.victim, target), 0);
	ck_assert_int_eq(b->control(b, NUMBERING_FILE_CONTROL_COMPACT, NULL), NUMBERING_FAILED_PRECONDITION);
	ck_assert_msg(strstr(numbering_error_message(), "moved or replaced") != NULL, "%s", numbering_error_message());
	b->free(b);
	victim_intact("compaction of a store whose name was swapped");
	ck_assert_int_eq(lstat(target, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	/* A link to a file that is not a store: refused, the file untouched. */
	ck_assert_int_eq(open_mode(&b, target, NUMBERING_FILE_SYNC_FULL, -1), NUMBERING_INVALID_ARGUMENT);
	report_init(&r);
	ck_assert_int_eq(numbering_file_check(&r, target, 1), NUMBERING_OK);
	ck_assert_int_eq(r.status, NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(r.repaired, 0);
	victim_intact("a store path linked to a file that is not a store");
	free(data);
	free(before);
	free(after);
}
END_TEST

/* Issue 17, item 6: every repair keeps its damaged file under a new name; a second
 * repair never overwrites or deletes the copy the first one kept. */
START_TEST(file_repair_keeps_every_damaged_copy)
{
	const char *path = new_store_path();
	numbering_backend *b = open_ok(path);
	for (int k = 0; k < 12; k++)
		ck_assert_int_eq(scenario_step(b, k), NUMBERING_OK);
	b->free(b);
	uint8_t *first, *second;
	size_t first_len, second_len;
	size_t offsets[64];
	read_file(path, &first, &first_len);
	int n = record_offsets(first, first_len, offsets, 64);
	ck_assert_int_eq(n, 12);
	first[offsets[8] + 30] ^= 0x10;
	write_file(path, first, first_len);
	numbering_file_report r;
	report_init(&r);
	ck_assert_int_eq(numbering_file_check(&r, path, 1), NUMBERING_OK);
	ck_assert_int_eq(r.repaired, 1);
	char copy1[300], copy2[300], named1[sizeof(r.damaged_copy)];
	snprintf(copy1, sizeof(copy1), "%s.damaged", path);
	snprintf(named1, sizeof(named1), "%s", r.damaged_copy);
	/* Work goes on, then another damage, somewhere else. */
	b = open_ok(path);
	for (int k = 20; k < 26; k++)
		ck_assert_int_eq(scenario_step(b, k), NUMBERING_OK);
	b->free(b);
	read_file(path, &second, &second_len);
	n = record_offsets(second, second_len, offsets, 64);
	ck_assert_int_ge(n, 4);
	second[offsets[n - 3] + 5] ^= 0x01; /* a record header this time */
	write_file(path, second, second_len);
	report_init(&r);
	ck_assert_int_eq(numbering_file_check(&r, path, 1), NUMBERING_OK);
	ck_assert_int_eq(r.repaired, 1);
	snprintf(copy2, sizeof(copy2), "%s.damaged.1", path);
	/* Both copies, byte for byte the files each repair found. */
	uint8_t *kept;
	size_t kept_len;
	read_file(copy1, &kept, &kept_len);
	ck_assert_msg(kept_len == first_len && memcmp(kept, first, kept_len) == 0,
	              "the second repair overwrote the first one's damaged copy");
	free(kept);
	ck_assert_str_eq(named1, copy1);
	ck_assert_str_eq(r.damaged_copy, copy2);
	ck_assert_msg(strstr(r.message, copy2) != NULL, "%s", r.message);
	read_file(copy2, &kept, &kept_len);
	ck_assert(kept_len == second_len && memcmp(kept, second, kept_len) == 0);
	free(kept);
	/* A version 1 report (shorter, without damaged_copy) is filled up to its end only. */
	b = open_ok(path);
	ck_assert_int_eq(scenario_step(b, 30), NUMBERING_OK);
	ck_assert_int_eq(scenario_step(b, 31), NUMBERING_OK);
	b->free(b);
	read_file(path, &kept, &kept_len);
	n = record_offsets(kept, kept_len, offsets, 64);
	ck_assert_int_ge(n, 3);
	kept[offsets[n - 2] + 5] ^= 0x01;
	write_file(path, kept, kept_len);
	free(kept);
	numbering_file_report *old = malloc(sizeof(*old));
	memset(old, 0x5a, sizeof(*old));
	old->version = 1;
	ck_assert_int_eq(numbering_file_check(old, path, 1), NUMBERING_OK);
	ck_assert_int_eq(old->repaired, 1);
	for (size_t i = 0; i < sizeof(old->damaged_copy); i++)
		ck_assert_int_eq(old->damaged_copy[i], 0x5a);
	free(old);
	free(first);
	free(second);
}
END_TEST

/* Issue 17, item 7: a store path that is not a regular file (a FIFO, a device, a link
 * to one, a directory) is refused at once, never read as an empty store and never waited
 * on: open (writable and read-only), fsck and fsck --repair. An empty regular file is
 * not a store yet: fsck says so (UNAVAILABLE) and leaves it, a read-only open refuses
 * it, a writable open initializes it. */
static void assert_not_regular(const char *path, const char *kind)
{
	numbering_backend *b = NULL;
	alarm(20); /* a FIFO opened for reading without O_NONBLOCK would wait for a writer */
	ck_assert_int_eq(open_mode(&b, path, NUMBERING_FILE_SYNC_FULL, -1), NUMBERING_INVALID_ARGUMENT);
	ck_assert_msg(strstr(numbering_error_message(), kind) != NULL &&
	                  strstr(numbering_error_message(), "not a regular file") != NULL &&
	                  strstr(numbering_error_message(), path) != NULL,
	              "%s", numbering_error_message());
	/* The answer names the field, as every INVALID_ARGUMENT does. */
	ck_assert_int_eq(numbering_error_violation_count(), 1);
	ck_assert_str_eq(numbering_error_violation_field(0), "path");
	ck_assert_int_eq(open_read_only(&b, path), NUMBERING_INVALID_ARGUMENT);
	ck_assert_msg(strstr(numbering_error_message(), kind) != NULL, "%s", numbering_error_message());
	ck_assert_int_eq(numbering_error_violation_count(), 1);
	ck_assert_str_eq(numbering_error_violation_field(0), "path");
	for (int repair = 0; repair < 2; repair++) {
		numbering_file_report r;
		report_init(&r);
		ck_assert_int_eq(numbering_file_check(&r, path, repair), NUMBERING_OK);
		ck_assert_msg(r.status == NUMBERING_INVALID_ARGUMENT, "%s: status %d: %s", path, r.status, r.message);
		ck_assert_int_eq(r.repaired, 0);
		ck_assert_msg(strstr(r.message, "not a libnumbering store") != NULL, "%s", r.message);
	}
	alarm(0);
}

START_TEST(file_store_path_not_a_regular_file)
{
	const char *path = new_store_path();
	const char *dir = dir_of(path);
	char fifo[300], zero[300], sub[300], empty[300];
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	snprintf(zero, sizeof(zero), "%s/zero", dir);
	snprintf(sub, sizeof(sub), "%s/dir", dir);
	snprintf(empty, sizeof(empty), "%s/empty", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	assert_not_regular(fifo, "a FIFO");
	ck_assert_int_eq(symlink("/dev/zero", zero), 0);
	assert_not_regular(zero, "a character device");
	assert_not_regular("/dev/null", "a character device");
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	assert_not_regular(sub, "a directory");
	rmdir(sub);
	struct stat st;
	ck_assert_int_eq(lstat(fifo, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));

	/* An empty regular file. */
	write_file(empty, (const uint8_t *)"", 0);
	for (int repair = 0; repair < 2; repair++) {
		numbering_file_report r;
		report_init(&r);
		ck_assert_int_eq(numbering_file_check(&r, empty, repair), NUMBERING_OK);
		ck_assert_msg(r.status == NUMBERING_UNAVAILABLE, "status %d: %s", r.status, r.message);
		ck_assert_msg(strstr(r.message, "no store header") != NULL, "%s", r.message);
		ck_assert_int_eq(r.repaired, 0);
		ck_assert_int_eq(file_size(empty), 0);
	}
	numbering_backend *b = NULL;
	ck_assert_int_eq(open_read_only(&b, empty), NUMBERING_UNAVAILABLE);
	ck_assert_int_eq(file_size(empty), 0);
	b = open_ok(empty);
	b->free(b);
	ck_assert_int_ge(file_size(empty), 64);
	numbering_file_report r;
	report_init(&r);
	ck_assert_int_eq(numbering_file_check(&r, empty, 0), NUMBERING_OK);
	ck_assert_int_eq(r.status, NUMBERING_OK);
}
END_TEST

/* The progress callback (issue 16): open's replay, a check and a compaction each report
 * a done that never decreases and ends at the total; nobody is called without one. */
struct progress_seen {
	int calls, middle, decreased, ops_differ;
	char op[16];
	int64_t done, total;
};

static void on_progress(const char *operation, int64_t done, int64_t total, void *payload)
{
	struct progress_seen *p = payload;
	if (p->calls > 0 && strcmp(p->op, operation) != 0)
		p->ops_differ++;
	if (p->calls > 0 && done < p->done)
		p->decreased++;
	if (done < total)
		p->middle++;
	p->calls++;
	snprintf(p->op, sizeof(p->op), "%s", operation);
	p->done = done;
	p->total = total;
}

static void assert_progress(const struct progress_seen *p, const char *op, int64_t total, int middle)
{
	ck_assert_msg(p->calls > 0, "%s: no progress reported", op);
	ck_assert_str_eq(p->op, op);
	ck_assert_int_eq(p->ops_differ, 0);
	ck_assert_int_eq(p->decreased, 0);
	ck_assert_int_eq(p->done, p->total);
	ck_assert_int_eq(p->total, total);
	if (middle)
		ck_assert_msg(p->middle > 0, "%s: only the final call", op);
	/* Bounded: at most one call per MiB or 4096 records, and the last. */
	ck_assert_int_le(p->calls, p->middle + 1);
	ck_assert_int_le(p->middle, total / (strcmp(op, "compact") == 0 ? 4096 : 1 << 20) + 1);
}

START_TEST(file_progress)
{
	const char *path = new_store_path();
	enum { N = 30000 };
	numbering_backend *b = NULL;
	ck_assert_int_eq(open_mode(&b, path, NUMBERING_FILE_SYNC_OFF, -1), NUMBERING_OK);
	for (int c = 0; c < 40; c++) { /* 40 records of the log, each far less than a MiB */
		ck_assert_int_eq(b->begin(b), NUMBERING_OK);
		for (int i = c * N / 40; i < (c + 1) * N / 40; i++) {
			char name[96];
			snprintf(name, sizeof(name), P1 "/phoneNumberInstances/progress-%d-with-a-longer-name-to-fill-the-file", i);
			numbering_instance *in = make_instance(name, 2125550000 + (uint64_t)i, 2125550000 + (uint64_t)i, 10,
			                                       i + 1, NUMBERING_LIFECYCLE_ACTIVE);
			ck_assert_int_eq(put_instance(b, in), NUMBERING_OK);
			numbering_instance_free(in);
		}
		ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	}
	b->free(b);
	int64_t size = file_size(path);
	ck_assert_int_gt(size, 2 * 1024 * 1024); /* more than one report's worth of bytes */

	/* Open: "replay", in bytes of the file. */
	struct progress_seen seen;
	memset(&seen, 0, sizeof(seen));
	numbering_file_options o = NUMBERING_FILE_OPTIONS_INIT;
	o.sync_mode = NUMBERING_FILE_SYNC_OFF;
	o.compact_min_bytes = -1;
	o.progress = on_progress;
	o.progress_payload = &seen;
	ck_assert_int_eq(numbering_file_backend_new(&b, path, &o), NUMBERING_OK);
	assert_progress(&seen, "replay", size, 1);

	/* Compaction: "compact", in records written. */
	memset(&seen, 0, sizeof(seen));
	ck_assert_int_eq(b->control(b, NUMBERING_FILE_CONTROL_COMPACT, NULL), NUMBERING_OK);
	numbering_file_stats st;
	stats_of(b, &st);
	assert_progress(&seen, "compact", st.instances + st.metas, 1);
	ck_assert_int_ge(seen.total, N);
	b->free(b);
	size = file_size(path);

	/* Check: "check", in bytes of the file; with and without repair. */
	numbering_file_report r;
	for (int repair = 0; repair < 2; repair++) {
		memset(&seen, 0, sizeof(seen));
		report_init(&r);
		ck_assert_int_eq(numbering_file_check_v2(&r, path, repair, &o), NUMBERING_OK);
		ck_assert_int_eq(r.status, NUMBERING_OK);
		assert_progress(&seen, "check", size, 1);
	}

	/* Never without a callback: NULL, an older options version, numbering_file_check(). */
	memset(&seen, 0, sizeof(seen));
	o.progress = NULL;
	ck_assert_int_eq(numbering_file_backend_new(&b, path, &o), NUMBERING_OK);
	ck_assert_int_eq(b->control(b, NUMBERING_FILE_CONTROL_COMPACT, NULL), NUMBERING_OK);
	b->free(b);
	o.progress = on_progress;
	o.version = 3; /* the field is not the caller's */
	ck_assert_int_eq(numbering_file_backend_new(&b, path, &o), NUMBERING_OK);
	ck_assert_int_eq(b->control(b, NUMBERING_FILE_CONTROL_COMPACT, NULL), NUMBERING_OK);
	b->free(b);
	report_init(&r);
	ck_assert_int_eq(numbering_file_check_v2(&r, path, 0, &o), NUMBERING_OK);
	report_init(&r);
	ck_assert_int_eq(numbering_file_check_v2(&r, path, 0, NULL), NUMBERING_OK);
	report_init(&r);
	ck_assert_int_eq(numbering_file_check(&r, path, 0), NUMBERING_OK);
	ck_assert_int_eq(r.status, NUMBERING_OK);
	ck_assert_int_eq(seen.calls, 0);

	/* An unknown options version is refused, naming the field. */
	o.version = NUMBERING_FILE_OPTIONS_VERSION + 1;
	report_init(&r);
	ck_assert_int_eq(numbering_file_check_v2(&r, path, 0, &o), NUMBERING_INVALID_ARGUMENT);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "options version"));

	/* numbering_file_options_init() of version 3 leaves the version 4 fields alone. */
	numbering_file_options old;
	memset(&old, 0xab, sizeof(old));
	ck_assert_int_eq(numbering_file_options_init(&old, 3), NUMBERING_OK);
	ck_assert_int_eq(old.version, 3);
	ck_assert_int_eq(old.busy_timeout_ms, 0);
	unsigned char tail[sizeof(old) - offsetof(numbering_file_options, progress)];
	memset(tail, 0xab, sizeof(tail));
	ck_assert_int_eq(memcmp((unsigned char *)&old + offsetof(numbering_file_options, progress), tail, sizeof(tail)), 0);
	ck_assert_int_eq(numbering_file_options_init(&old, NUMBERING_FILE_OPTIONS_VERSION), NUMBERING_OK);
	ck_assert(old.progress == NULL);
	ck_assert_ptr_null(old.progress_payload);
}
END_TEST

/* The shared index's slot checksum of four words (numbering__crc32c_words4) is the
 * CRC-32C of their 32 bytes in this host's order, as numbering__crc32c gives it and as
 * indexes written before it hold: for every seed and word pattern tried. And
 * numbering__crc32c is CRC-32C (its check value). */
START_TEST(file_crc32c_words4_as_bytes)
{
	ck_assert_uint_eq(numbering__crc32c(0, "123456789", 9), 0xe3069283u);
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	for (int i = 0; i < 20000; i++) {
		uint64_t w[4];
		for (int k = 0; k < 4; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			w[k] = i % 7 == 0 ? (x & 0xff) : i % 7 == 1 ? ~0ULL : x;
		}
		uint32_t seed = i % 5 == 0 ? 0 : (uint32_t)(x >> 32);
		ck_assert_uint_eq(numbering__crc32c_words4(seed, w[0], w[1], w[2], w[3]), numbering__crc32c(seed, w, sizeof(w)));
	}
}
END_TEST

/* The portable table's path (a CPU without SSE 4.2, or not x86) gives the values the
 * CPU's instruction gives: every length 0 .. 100 at every alignment of 0 .. 7, with
 * seeds, and the four words' form. On this CPU the table is otherwise never run. */
START_TEST(file_crc32c_table_as_cpu)
{
	unsigned char buf[128];
	uint64_t x = 0x2545f4914f6cdd1dULL;
	for (size_t i = 0; i < sizeof(buf); i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (unsigned char)x;
	}
	uint32_t cpu[8][101], cpu4[8];
	for (int run = 0; run < 2; run++) {
		numbering__crc32c_use_table(run);
		if (run == 1)
			ck_assert_uint_eq(numbering__crc32c(0, "123456789", 9), 0xe3069283u);
		for (size_t at = 0; at < 8; at++) {
			uint32_t seed = at == 0 ? 0 : (uint32_t)(0x9e3779b9u * at);
			for (size_t len = 0; len <= 100; len++) {
				uint32_t c = numbering__crc32c(seed, buf + at, len);
				if (run == 0)
					cpu[at][len] = c;
				else
					ck_assert_msg(c == cpu[at][len], "length %zu at %zu: table %08x, CPU %08x", len, at, c,
					              cpu[at][len]);
			}
			uint64_t w[4];
			memcpy(w, buf + 8 * at, sizeof(w));
			uint32_t c4 = numbering__crc32c_words4(seed, w[0], w[1], w[2], w[3]);
			if (run == 0)
				cpu4[at] = c4;
			else
				ck_assert_uint_eq(c4, cpu4[at]);
		}
	}
	numbering__crc32c_use_table(0);
}
END_TEST

/* A host whose stdin and stdout are closed (a daemon, `prog <&- >&-`): the store and its
 * lock file must not take descriptors 0 and 1, or the host's next write to stdout
 * lands in them. The child writes to both after its commits; the store then reads back
 * whole. */
START_TEST(file_closed_standard_descriptors)
{
	const char *path = new_store_path();
	fflush(NULL);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(STDIN_FILENO);
		close(STDOUT_FILENO);
		numbering_backend *b = NULL;
		if (open_mode(&b, path, NUMBERING_FILE_SYNC_FULL, -1) != NUMBERING_OK)
			_exit(2);
		for (int k = 0; k < 3; k++)
			if (scenario_step(b, k) != NUMBERING_OK)
				_exit(3);
		static const char stray[] = "a line the host meant for its stdout\n";
		(void)!write(STDOUT_FILENO, stray, sizeof(stray) - 1);
		(void)!write(STDIN_FILENO, stray, sizeof(stray) - 1);
		if (scenario_step(b, 3) != NUMBERING_OK)
			_exit(4);
		b->free(b);
		_exit(0);
	}
	int status = 0;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child failed: status %d", status);
	numbering_file_report r;
	report_init(&r);
	ck_assert_int_eq(numbering_file_check(&r, path, 0), NUMBERING_OK);
	ck_assert_msg(r.status == NUMBERING_OK && r.damage_offset == -1, "the store is damaged: %s", r.message);
	numbering_backend *b = open_ok(path);
	b->free(b);
}
END_TEST

/* A read-only open in a process out of descriptors (EMFILE) after it opened the store
 * and before the lock file: it went on as a snapshot of that moment, for the whole
 * open, as if there were no lock file to watch (said only to the diagnostic callback),
 * and answered the store as of then as current. It fails now, RESOURCE_EXHAUSTED (it
 * was UNAVAILABLE, the code of a storage failure), naming the lock file and the reason;
 * so does an open out of descriptors before the store's file; with descriptors to
 * spare, an open follows the writers. */
static int descriptors_child(const char *path)
{
	struct rlimit lim = {64, 64};
	int spare[64], n = 0;
	if (setrlimit(RLIMIT_NOFILE, &lim) != 0)
		return 2;
	while (n < 64 && (spare[n] = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0)
		n++;
	if (n == 0 || errno != EMFILE)
		return 3;
	numbering_backend *ro = NULL;
	if (open_read_only(&ro, path) != NUMBERING_RESOURCE_EXHAUSTED || ro != NULL)
		return 9;
	if (open_busy(&ro, path, -1) != NUMBERING_RESOURCE_EXHAUSTED || ro != NULL)
		return 10;
	close(spare[--n]); /* room for the store, none for its lock file */
	if (open_read_only(&ro, path) != NUMBERING_RESOURCE_EXHAUSTED || ro != NULL)
		return 4;
	if (strstr(numbering_error_message(), ".lock") == NULL || strstr(numbering_error_message(), "open files") == NULL)
		return 5;
	while (n > 0)
		close(spare[--n]);
	if (open_read_only(&ro, path) != NUMBERING_OK)
		return 6;
	numbering_backend *w = NULL;
	if (open_mode(&w, path, NUMBERING_FILE_SYNC_FULL, -1) != NUMBERING_OK || scenario_step(w, 1) != NUMBERING_OK)
		return 7;
	int rc = strcmp(found(ro, 1010, 1010, 6), P2 "/phoneNumberInstances/s1") == 0 ? 0 : 8;
	w->free(w);
	ro->free(ro);
	return rc;
}

START_TEST(file_read_only_open_out_of_descriptors)
{
	const char *path = new_store_path();
	numbering_backend *b = open_ok(path);
	ck_assert_int_eq(scenario_step(b, 0), NUMBERING_OK);
	b->free(b);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(descriptors_child(path));
	int status = 0;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child failed: status %d", status);
}
END_TEST

/* A store used in a child forked after the open (a prefork server that opens it before
 * forking its workers): the child shares the lock file's open file description, and
 * with it the flock, so the writers' lock let parent and child in at once; two such
 * processes writing damaged the store within a few hundred commits (DATA_LOSS at the
 * next open). The child's writes are refused, its reads go on, and its close releases
 * nothing of the parent's: here the parent holds a transaction across the fork, and a
 * writable open in the child after its close still finds the lock taken. */
/* @in_txn: forked while the parent held a transaction (the child closes its copy);
 * else the child writes, compacts and reads. */
static int forked_child(numbering_backend *b, const char *path, int in_txn)
{
	if (!in_txn) {
		if (scenario_step(b, 2) != NUMBERING_FAILED_PRECONDITION)
			return 2;
		if (strstr(numbering_error_message(), "forked") == NULL)
			return 3;
		if (b->control(b, NUMBERING_FILE_CONTROL_COMPACT, NULL) != NUMBERING_FAILED_PRECONDITION)
			return 4;
		if (strcmp(found(b, 1010, 1010, 6), P2 "/phoneNumberInstances/s1") != 0)
			return 5;
	}
	b->free(b);
	/* A writable open takes the writers' lock: the parent's transaction still has it. */
	numbering_backend *mine = NULL;
	if (!in_txn)
		return 0;
	if (open_busy(&mine, path, -1) != NUMBERING_UNAVAILABLE)
		return 6;
	return strstr(numbering_error_message(), "busy") != NULL ? 0 : 7;
}

static void fork_and_wait(numbering_backend *b, const char *path, int in_txn)
{
	fflush(NULL);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(forked_child(b, path, in_txn));
	int status = 0;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child (in_txn %d) failed: status %d", in_txn,
	              status);
}

START_TEST(file_forked_child_writes_refused)
{
	const char *path = new_store_path();
	numbering_backend *b = NULL;
	/* FULL mode, no store: no thread of this process is inside the backend at a fork
	 * (the NORMAL mode's sync thread may be, and its lock is then the child's to wait
	 * for forever, as with any mutex a fork copies held). */
	ck_assert_int_eq(open_mode(&b, path, NUMBERING_FILE_SYNC_FULL, -1), NUMBERING_OK);
	ck_assert_int_eq(scenario_step(b, 0), NUMBERING_OK);
	ck_assert_int_eq(scenario_step(b, 1), NUMBERING_OK);
	fork_and_wait(b, path, 0);
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	fork_and_wait(b, path, 1);
	numbering_instance *in = make_instance(NAME2, 424242, 424242, 6, 9, NUMBERING_LIFECYCLE_ACTIVE);
	ck_assert_int_eq(put_instance(b, in), NUMBERING_OK);
	numbering_instance_free(in);
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	for (int k = 2; k < 6; k++)
		ck_assert_int_eq(scenario_step(b, k), NUMBERING_OK);
	struct dump *before = malloc(sizeof(*before)), *after = malloc(sizeof(*after));
	dump_store(b, before);
	b->free(b);
	b = open_ok(path);
	dump_store(b, after);
	assert_dumps_equal(before, after, "the parent's commits after a child used the store");
	ck_assert_str_eq(found(b, 424242, 424242, 6), NAME2);
	ck_assert_int_eq(check_file(b), NUMBERING_OK);
	b->free(b);
	free(before);
	free(after);
}
END_TEST

Suite *backend_file_suite(void)
{
	Suite *s = suite_create("backend_file");
	suite_add_tcase(s, store_fixture_tcase());
	TCase *tc = tcase_create("file");
	/* Each test's directories go when it ends: with CK_FORK=no, tests share a process. */
	tcase_add_checked_fixture(tc, NULL, remove_tmp_dirs);
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, file_durability, 0, 3);
	tcase_add_test(tc, file_arguments);
	tcase_add_test(tc, file_closed_standard_descriptors);
	tcase_add_test(tc, file_read_only_open_out_of_descriptors);
	tcase_add_test(tc, file_forked_child_writes_refused);
	tcase_add_test(tc, file_torn_tail);
	tcase_add_test(tc, file_mid_damage);
	tcase_add_test(tc, file_check_reads_bodies_back);
	tcase_add_test(tc, file_header_checks);
	tcase_add_test(tc, file_crc32c_words4_as_bytes);
	tcase_add_test(tc, file_crc32c_table_as_cpu);
	tcase_add_test(tc, file_many_writers);
	tcase_add_test(tc, file_lock_file_planted);
	tcase_add_test(tc, file_lock_file_not_a_file);
	tcase_add_test(tc, file_not_a_store_leaves_nothing_beside);
	tcase_add_test(tc, file_processes_live);
	tcase_add_test(tc, file_processes_kill);
	/* Ten rounds: a reader's catch-up that read the header after a writer's append, sync
	 * and durable length, but the file's size before them, took the records for a file
	 * cut short in about one round in twenty (fixed: numbering__file_scan_cover_durable). */
	tcase_add_loop_test(tc, file_live_threads, 0, 10);
	tcase_add_test(tc, file_read_only_snapshot);
	tcase_add_test(tc, file_compaction);
	tcase_add_test(tc, file_durable_length);
	tcase_add_test(tc, file_cut_snapshot);
	tcase_add_test(tc, file_bounded_by_live_data);
	tcase_add_test(tc, file_compaction_beside_reads);
	tcase_add_test(tc, file_mode_owner_only_and_kept);
	tcase_add_test(tc, file_atomic_multi);
	tcase_add_test(tc, file_normal_window);
	tcase_add_test(tc, file_threads_block_signals);
	tcase_add_test(tc, file_group_commit);
	tcase_add_test(tc, file_group_commit_failed_sync_unseen);
	tcase_add_test(tc, file_group_commit_failed_sync_unseen_by_an_open);
	tcase_add_loop_test(tc, file_fault_every_n, 0, FAULT_KINDS);
	tcase_add_loop_test(tc, file_fault_store_every_n, 0, FAULT_KINDS);
	tcase_add_test(tc, file_compaction_crash);
	tcase_add_test(tc, file_compaction_killed_before_its_publish);
	tcase_add_test(tc, file_corruption_sweep);
	tcase_add_test(tc, file_crash_test);
	tcase_add_test(tc, file_temp_files_never_follow_a_planted_link);
	tcase_add_test(tc, file_store_behind_a_symlink);
	tcase_add_test(tc, file_repair_keeps_every_damaged_copy);
	tcase_add_test(tc, file_store_path_not_a_regular_file);
	tcase_add_test(tc, file_progress);
	suite_add_tcase(s, tc);
	/* What a program other than libnumbering does to PATH.lock and the store's file
	 * under processes that have the store open. */
	tc = tcase_create("lock_file");
	tcase_add_checked_fixture(tc, NULL, remove_tmp_dirs);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, file_lock_file_cut);
	tcase_add_test(tc, file_index_cut);
	tcase_add_test(tc, file_log_cut);
	tcase_add_test(tc, file_many_stores_guarded);
	/* Not under AddressSanitizer (GCC's, which .ci/run builds): there the fault of the
	 * cut lock file spun with the host's chaining handler installed (ASan intercepts
	 * sigaction and handles SIGBUS itself); the guard's own cases above run there. */
#if !defined(__SANITIZE_ADDRESS__)
	tcase_add_test(tc, file_host_sigbus_handler);
#endif
	tcase_add_loop_test(tc, file_lock_file_replaced, 0, 2);
	tcase_add_test(tc, file_store_file_replaced);
	suite_add_tcase(s, tc);
	return s;
}

/* The backend test kit (numbering/sys/backend-test.h) over the file backend: each test on
 * a new store file, its reopen closing the file and replaying it (the durability tests),
 * its check the memory record store's index check and then a re-read of the whole file
 * (NUMBERING_FILE_CONTROL_VERIFY). Sync OFF: the kit tests what is stored, and a reopen
 * reads what the process wrote; the crash tests above test what is synced. */

static int kit_check(numbering_backend *backend, void *payload)
{
	(void)payload;
	int rc = backend->control(backend, NUMBERING__MEMORY_CONTROL_CHECK, NULL);
	return rc != NUMBERING_OK ? rc : backend->control(backend, NUMBERING_FILE_CONTROL_VERIFY, NULL);
}

Suite *kit_file_suite(void)
{
	numbering_backend_test_target target = NUMBERING_BACKEND_TEST_TARGET_INIT;
	target.name = "kit_file";
	kit_file_target(&target, 0);
	target.check = kit_check;
	return numbering_backend_test_suite(&target);
}
