/*
 * The operators' side (docs/OPERATIONS.md): the log hook of numbering_options version
 * 6 (levels, the logfmt rendering, the file backend's recovery, compaction and failure
 * records) and numbering_store_stats_json() (calls by method and status, resolve hits
 * and misses, commits, the store's size and compactions), exactly after known calls.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>

#include <numbering/numbering.h>
#include <numbering/sys/backend.h>
#include <numbering/sys/file.h>

#include "../backends/file/file-io.h"
#include "model/kinds.h"
#include "store-fixture.h"
#include "suites.h"
#include "temp-dir.h"

/* What the hook received: each record as its logfmt line. */
static struct {
	int count;
	char lines[32][1024];
	int levels[32];
} got;

static void capture(int level, const char *message, const numbering_log_field *fields, int count, void *payload)
{
	ck_assert_ptr_eq(payload, &got);
	ck_assert_int_ge(count, 0);
	ck_assert_int_le(count, 16);
	if (got.count < 32) {
		int n = numbering_log_format(got.lines[got.count], sizeof(got.lines[0]), level, message, fields, count);
		ck_assert_int_gt(n, 0);
		got.levels[got.count] = level;
	}
	got.count++;
}

/* The value of @key in line @i, as printed (bare values only). */
static long long field_of(int i, const char *key)
{
	char pattern[64];
	snprintf(pattern, sizeof(pattern), " %s=", key);
	const char *at = strstr(got.lines[i], pattern);
	ck_assert_msg(at != NULL, "no %s in %s", key, got.lines[i]);
	return strtoll(at + strlen(pattern), NULL, 10);
}

static numbering_store *open_file_store(const char *path, int level, numbering_backend **backend)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	numbering_file_options fo = NUMBERING_FILE_OPTIONS_INIT;
	fo.compact_min_bytes = -1; /* compactions only when a test asks */
	ck_assert_int_eq(numbering_file_backend_new(&options.backend, path, &fo), NUMBERING_OK);
	if (backend != NULL)
		*backend = options.backend;
	options.log = capture;
	options.log_payload = &got;
	options.log_level = level;
	numbering_store *store = NULL;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	return store;
}

static void call_ok(numbering_store *store, const char *method, const char *request)
{
	char *response = NULL;
	int rc = numbering_store_call_json(&response, store, NULL, method, request);
	ck_assert_msg(rc == NUMBERING_OK, "%s: %s", method, response);
	numbering_free(response);
}

static int call_status(numbering_store *store, const char *method, const char *request)
{
	char *response = NULL;
	int rc = numbering_store_call_json(&response, store, NULL, method, request);
	numbering_free(response);
	return rc;
}

static void create(numbering_store *store, const char *id, const char *number)
{
	char request[256];
	snprintf(request, sizeof(request),
	         "{\"parent\":\"projects/p1\",\"phoneNumberInstanceId\":\"%s\",\"phoneNumberInstance\":{\"phoneNumber\":{"
	         "\"phoneNumber\":\"%s\"}}}",
	         id, number);
	call_ok(store, "CreatePhoneNumberInstance", request);
}

static json_t *stats_of(numbering_store *store)
{
	char *text = NULL;
	ck_assert_int_eq(numbering_store_stats_json(&text, store), NUMBERING_OK);
	json_error_t error;
	json_t *root = json_loads(text, 0, &error);
	ck_assert_msg(root != NULL, "%s: %s", text, error.text);
	numbering_free(text);
	return root;
}

static json_int_t at(json_t *root, const char *a, const char *b)
{
	json_t *v = json_object_get(json_object_get(root, a), b);
	ck_assert_msg(json_is_integer(v), "%s.%s is not an integer", a, b);
	return json_integer_value(v);
}

/* The calls array as "Method STATUS count" lines, for exact comparison. */
static void calls_text(json_t *root, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	size_t i;
	json_t *item;
	json_array_foreach(json_object_get(root, "calls"), i, item)
	{
		len += (size_t)snprintf(buf + len, size - len, "%s %s %lld\n",
		                        json_string_value(json_object_get(item, "method")),
		                        json_string_value(json_object_get(item, "status")),
		                        (long long)json_integer_value(json_object_get(item, "count")));
		ck_assert_uint_lt(len, size);
	}
}

static json_int_t file_size_of(const char *path)
{
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	return (json_int_t)st.st_size;
}

static void temp_path(char *path, size_t size, const char *tag)
{
	fixture_temp_store_path(path, size, tag);
}

START_TEST(log_format_lines)
{
	char buf[256];
	numbering_log_field f[] = {
		{"before_bytes", "8391022"}, {"file", "/var/lib/n.db"}, {"detail", "sync failed (\"EIO\")\n\\"},
		{"empty", ""},               {"bell", "a\007b\tc"},
	};
	int n = numbering_log_format(buf, sizeof(buf), NUMBERING_LOG_INFO, "compacted", f, 2);
	ck_assert_str_eq(buf, "level=info msg=\"compacted\" before_bytes=8391022 file=/var/lib/n.db");
	ck_assert_int_eq(n, (int)strlen(buf));
	numbering_log_format(buf, sizeof(buf), NUMBERING_LOG_ERROR, "storage failure", f + 2, 3);
	ck_assert_str_eq(buf, "level=error msg=\"storage failure\" detail=\"sync failed (\\\"EIO\\\")\\n\\\\\" empty=\"\" "
	                      "bell=\"a\\x07b\\tc\"");
	/* Cut as snprintf cuts, the whole length returned. */
	char small[12];
	n = numbering_log_format(small, sizeof(small), NUMBERING_LOG_WARNING, "x", NULL, 0);
	ck_assert_int_eq(n, (int)strlen("level=warning msg=\"x\""));
	ck_assert_str_eq(small, "level=warni");
	ck_assert_int_eq(numbering_log_format(NULL, 0, NUMBERING_LOG_DEBUG, "x", NULL, 0), n - 2);
	/* Bad arguments. */
	ck_assert_int_eq(numbering_log_format(buf, sizeof(buf), 0, "x", NULL, 0), -1);
	ck_assert_int_eq(numbering_log_format(buf, sizeof(buf), 5, "x", NULL, 0), -1);
	ck_assert_int_eq(numbering_log_format(buf, sizeof(buf), NUMBERING_LOG_INFO, NULL, NULL, 0), -1);
	ck_assert_int_eq(numbering_log_format(buf, sizeof(buf), NUMBERING_LOG_INFO, "x", NULL, 1), -1);
	ck_assert_int_eq(numbering_log_format(buf, sizeof(buf), NUMBERING_LOG_INFO, "x", f, -1), -1);
	ck_assert_int_eq(numbering_log_format(NULL, 4, NUMBERING_LOG_INFO, "x", NULL, 0), -1);
}
END_TEST

START_TEST(log_levels)
{
	const char *names[] = {"error", "warning", "info", "debug"};
	for (int level = NUMBERING_LOG_ERROR; level <= NUMBERING_LOG_DEBUG; level++) {
		ck_assert_str_eq(numbering_log_level_name(level), names[level - 1]);
		int back = 0;
		ck_assert_int_eq(numbering_log_level_from_name(&back, names[level - 1]), NUMBERING_OK);
		ck_assert_int_eq(back, level);
	}
	ck_assert_ptr_null(numbering_log_level_name(0));
	ck_assert_ptr_null(numbering_log_level_name(5));
	int level = 7;
	fixture_expect_error(numbering_log_level_from_name(&level, "verbose"), NUMBERING_INVALID_ARGUMENT,
	                     "log level \"verbose\" is not one of error, warning, info, debug");
	ck_assert_int_eq(level, 0);
	ck_assert_str_eq(numbering_error_violation_field(0), "level");
	fixture_expect_error(numbering_log_level_from_name(&level, "INFO"), NUMBERING_INVALID_ARGUMENT, "\"INFO\"");
	fixture_expect_error(numbering_log_level_from_name(&level, NULL), NUMBERING_INVALID_ARGUMENT, "(null)");
	fixture_expect_error(numbering_log_level_from_name(NULL, "info"), NUMBERING_INVALID_ARGUMENT, "out is NULL");
}
END_TEST

static void never_called(int level, const char *message, const numbering_log_field *fields, int count, void *payload)
{
	(void)level, (void)fields, (void)count, (void)payload;
	ck_abort_msg("a version-5 caller's log hook was called: %s", message);
}

START_TEST(options_version_6)
{
	/* A bad level is refused, naming the field. */
	numbering_options options = NUMBERING_OPTIONS_INIT;
	ck_assert_uint_ge(options.version, 6);
	numbering_store *store = NULL;
	for (int bad = -1; bad <= 5; bad += 6) {
		options.log_level = bad;
		char text[32];
		snprintf(text, sizeof(text), "log_level %d", bad);
		fixture_expect_error(numbering_store_open(&store, &options), NUMBERING_INVALID_ARGUMENT, text);
		ck_assert_str_eq(numbering_error_violation_field(0), "log_level");
		ck_assert_ptr_null(store);
	}
	/* A version-5 caller's struct ends before the log fields: whatever lies there is
	 * neither read (a bad level, a hook) nor written by numbering_options_init. */
	unsigned char raw[sizeof(numbering_options)];
	memset(raw, 0xab, sizeof(raw));
	numbering_options *v5 = (numbering_options *)raw;
	ck_assert_int_eq(numbering_options_init(v5, 5), NUMBERING_OK);
	for (size_t i = offsetof(numbering_options, log); i < sizeof(raw); i++)
		ck_assert_uint_eq(raw[i], 0xab);
	v5->log = never_called;
	v5->log_level = 99;
	char path[TEMP_PATH_MAX];
	temp_path(path, sizeof(path), "ops-v5");
	ck_assert_int_eq(numbering_file_backend_new(&v5->backend, path, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_open(&store, v5), NUMBERING_OK);
	create(store, "a", "+61255501100");
	numbering_store_close(store);
	unlink(path);
	/* Version 6 initialized: no hook, the default level. */
	memset(raw, 0xab, sizeof(raw));
	ck_assert_int_eq(numbering_options_init(v5, 6), NUMBERING_OK);
	ck_assert(v5->log == NULL);
	ck_assert_ptr_null(v5->log_payload);
	ck_assert_int_eq(v5->log_level, 0);
	char known[16];
	snprintf(known, sizeof(known), "1..%d", NUMBERING_OPTIONS_VERSION);
	fixture_expect_error(numbering_options_init(v5, NUMBERING_OPTIONS_VERSION + 1), NUMBERING_INVALID_ARGUMENT, known);
}
END_TEST

START_TEST(log_file_open_and_torn_tail)
{
	char path[TEMP_PATH_MAX];
	temp_path(path, sizeof(path), "ops-open");
	memset(&got, 0, sizeof(got));
	numbering_store *store = open_file_store(path, NUMBERING_LOG_INFO, NULL);
	ck_assert_int_eq(got.count, 1);
	ck_assert_msg(strncmp(got.lines[0], "level=info msg=\"store opened\" records_replayed=0 file_bytes=", 60) == 0,
	              "%s", got.lines[0]);
	ck_assert_ptr_nonnull(strstr(got.lines[0], " duration_seconds=0."));
	create(store, "a", "+61255501100");
	create(store, "b", "+61255501101");
	numbering_store_close(store);
	/* Reopened: the records replayed are counted. */
	memset(&got, 0, sizeof(got));
	store = open_file_store(path, NUMBERING_LOG_DEBUG, NULL);
	ck_assert_int_eq(got.count, 1);
	long long replayed = field_of(0, "records_replayed");
	ck_assert_int_ge(replayed, 3);
	numbering_store_close(store);
	/* At the default level (warning) a clean open says nothing. */
	memset(&got, 0, sizeof(got));
	store = open_file_store(path, 0, NULL);
	ck_assert_int_eq(got.count, 0);
	numbering_store_close(store);
	/* A torn tail (bytes past the durable end, as a crash mid-append leaves) is cut: a
	 * warning with its size, what was replayed and how long it took. */
	FILE *f = fopen(path, "ab");
	ck_assert_ptr_nonnull(f);
	for (int i = 0; i < 37; i++)
		fputc(0x5a, f);
	fclose(f);
	memset(&got, 0, sizeof(got));
	store = open_file_store(path, 0, NULL);
	ck_assert_int_eq(got.count, 1);
	ck_assert_int_eq(got.levels[0], NUMBERING_LOG_WARNING);
	ck_assert_msg(strncmp(got.lines[0], "level=warning msg=\"store recovered: a torn tail was cut\"", 56) == 0, "%s",
	              got.lines[0]);
	ck_assert_int_eq(field_of(0, "torn_bytes"), 37);
	ck_assert_int_eq(field_of(0, "records_replayed"), replayed);
	ck_assert_ptr_nonnull(strstr(got.lines[0], " duration_seconds="));
	numbering_store_close(store);
	/* Only error wanted: the torn tail's warning is filtered out. */
	f = fopen(path, "ab");
	fputs("torn", f);
	fclose(f);
	memset(&got, 0, sizeof(got));
	store = open_file_store(path, NUMBERING_LOG_ERROR, NULL);
	ck_assert_int_eq(got.count, 0);
	numbering_store_close(store);
	unlink(path);
}
END_TEST

START_TEST(log_compaction)
{
	char path[TEMP_PATH_MAX];
	temp_path(path, sizeof(path), "ops-compact");
	numbering_backend *b = NULL;
	memset(&got, 0, sizeof(got));
	numbering_store *store = open_file_store(path, NUMBERING_LOG_INFO, &b);
	for (int i = 0; i < 20; i++) {
		char id[8], number[16];
		snprintf(id, sizeof(id), "n%d", i);
		snprintf(number, sizeof(number), "+612555011%02d", i);
		create(store, id, number);
		char request[128];
		snprintf(request, sizeof(request), "{\"name\":\"projects/p1/phoneNumberInstances/%s\"}", id);
		call_ok(store, "DeletePhoneNumberInstance", request);
	}
	json_t *stats = stats_of(store);
	ck_assert_int_eq(at(stats, "store", "compactions"), 0);
	ck_assert(json_is_null(json_object_get(json_object_get(stats, "store"), "lastCompactionTime")));
	json_int_t bytes_before = at(stats, "store", "fileBytes");
	json_decref(stats);
	memset(&got, 0, sizeof(got));
	ck_assert_int_eq(b->control(b, NUMBERING_FILE_CONTROL_COMPACT, NULL), NUMBERING_OK);
	ck_assert_int_eq(got.count, 1);
	ck_assert_int_eq(got.levels[0], NUMBERING_LOG_INFO);
	char want[TEMP_PATH_MAX + 96];
	snprintf(want, sizeof(want), "level=info msg=\"compacted\" file=%s before_bytes=%lld ", path,
	         (long long)bytes_before);
	ck_assert_msg(strncmp(got.lines[0], want, strlen(want)) == 0, "%s", got.lines[0]);
	stats = stats_of(store);
	ck_assert_int_eq(field_of(0, "after_bytes"), at(stats, "store", "fileBytes"));
	ck_assert_int_lt(field_of(0, "after_bytes"), bytes_before);
	ck_assert_int_gt(field_of(0, "records"), 0);
	ck_assert_ptr_nonnull(strstr(got.lines[0], " duration_seconds=0."));
	ck_assert_int_eq(at(stats, "store", "compactions"), 1);
	const char *when = json_string_value(json_object_get(json_object_get(stats, "store"), "lastCompactionTime"));
	ck_assert_ptr_nonnull(when);
	ck_assert_int_eq(strlen(when) > 20 && when[strlen(when) - 1] == 'Z', 1);
	json_decref(stats);
	numbering_store_close(store);
	/* At level warning the compaction is not logged, but still counted. */
	memset(&got, 0, sizeof(got));
	store = open_file_store(path, NUMBERING_LOG_WARNING, &b);
	create(store, "x", "+61255501199");
	ck_assert_int_eq(b->control(b, NUMBERING_FILE_CONTROL_COMPACT, NULL), NUMBERING_OK);
	ck_assert_int_eq(got.count, 0);
	stats = stats_of(store);
	ck_assert_int_eq(at(stats, "store", "compactions"), 1);
	json_decref(stats);
	numbering_store_close(store);
	unlink(path);
}
END_TEST

static int failing_fdatasync(int fd)
{
	(void)fd;
	errno = EIO;
	return -1;
}

START_TEST(log_storage_failure)
{
	char path[TEMP_PATH_MAX];
	temp_path(path, sizeof(path), "ops-fail");
	memset(&got, 0, sizeof(got));
	numbering_store *store = open_file_store(path, 0, NULL);
	create(store, "a", "+61255501100");
	ck_assert_int_eq(got.count, 0);
	/* The disk fails a sync: the write fails, and the hook hears why at level error. */
	static struct numbering__file_io io;
	io = numbering__file_io_system;
	io.fdatasync = failing_fdatasync;
	io.fsync = failing_fdatasync;
	numbering__file_io_set(&io);
	ck_assert_int_ne(call_status(store, "CreatePhoneNumberInstance",
	                             "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":{\"phoneNumber\":{"
	                             "\"phoneNumber\":\"+61255501101\"}}}"),
	                 NUMBERING_OK);
	numbering__file_io_set(NULL);
	ck_assert_int_ge(got.count, 1);
	ck_assert_int_eq(got.levels[0], NUMBERING_LOG_ERROR);
	char want[TEMP_PATH_MAX + 64];
	snprintf(want, sizeof(want), "level=error msg=\"storage failure\" file=%s detail=\"", path);
	ck_assert_msg(strncmp(got.lines[0], want, strlen(want)) == 0, "%s", got.lines[0]);
	ck_assert_msg(strstr(got.lines[0], "sync failed (Input/output error)") != NULL, "%s", got.lines[0]);
	numbering_store_close(store);
	unlink(path);
}
END_TEST

/* A copy of a record as a visit sees it, to put back damaged. */
static struct {
	numbering_record record;
	char name[256], parent[256], keys[NUMBERING_RECORD_KEY_SLOTS][256];
	unsigned char body[4096];
} copied;

static int copy_visit(const numbering_record *record, void *payload)
{
	(void)payload;
	copied.record = *record;
	snprintf(copied.name, sizeof(copied.name), "%s", record->name);
	snprintf(copied.parent, sizeof(copied.parent), "%s", record->parent);
	copied.record.name = copied.name;
	copied.record.parent = copied.parent;
	for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS; i++)
		if (record->keys[i] != NULL) {
			snprintf(copied.keys[i], sizeof(copied.keys[i]), "%s", record->keys[i]);
			copied.record.keys[i] = copied.keys[i];
		}
	ck_assert_uint_le(record->body_len, sizeof(copied.body));
	memcpy(copied.body, record->body, record->body_len);
	copied.record.body = copied.body;
	return 0;
}

START_TEST(log_damage)
{
	/* An instance record cut short under the store (as a damaged backend would hand
	 * it back): each call that reads it answers DATA_LOSS, and the log says so, naming
	 * the call. */
	numbering_options options = NUMBERING_OPTIONS_INIT;
	ck_assert_int_eq(numbering_memory_backend_new(&options.backend), NUMBERING_OK);
	numbering_backend *b = options.backend;
	options.log = capture;
	options.log_payload = &got;
	options.log_level = NUMBERING_LOG_ERROR;
	numbering_store *store = NULL;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	create(store, "a", "+61255501100");
	ck_assert_int_eq(b->get(b, NUMBERING__KIND_INSTANCE, "projects/p1/phoneNumberInstances/a", copy_visit, NULL),
	                 NUMBERING_OK);
	copied.record.body_len -= 1;
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_int_eq(b->put(b, &copied.record), NUMBERING_OK);
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	memset(&got, 0, sizeof(got));
	ck_assert_int_eq(call_status(store, "GetPhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/a\"}"),
	                 NUMBERING_DATA_LOSS);
	ck_assert_int_eq(got.count, 1);
	ck_assert_int_eq(got.levels[0], NUMBERING_LOG_ERROR);
	const char *want = "level=error msg=\"damaged data found\" operation=GetPhoneNumberInstance detail=\"";
	ck_assert_msg(strncmp(got.lines[0], want, strlen(want)) == 0, "%s", got.lines[0]);
	numbering_resolution *r = NULL;
	ck_assert_int_eq(numbering_resolution_new(&r), NUMBERING_OK);
	memset(&got, 0, sizeof(got));
	ck_assert_int_eq(numbering_store_resolve(r, store, NULL, "+61255501100", NULL), NUMBERING_DATA_LOSS);
	numbering_resolution_free(r);
	ck_assert_int_eq(got.count, 1);
	want = "level=error msg=\"damaged data found\" operation=numbering_store_resolve detail=\"";
	ck_assert_msg(strncmp(got.lines[0], want, strlen(want)) == 0, "%s", got.lines[0]);
	/* Counted as errors too. */
	json_t *stats = stats_of(store);
	ck_assert_int_eq(at(stats, "resolve", "error"), 1);
	char text[512];
	calls_text(stats, text, sizeof(text));
	ck_assert_ptr_nonnull(strstr(text, "GetPhoneNumberInstance DATA_LOSS 1\n"));
	json_decref(stats);
	/* Other failures are no damage: nothing logged. */
	memset(&got, 0, sizeof(got));
	ck_assert_int_eq(call_status(store, "GetPhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/z\"}"),
	                 NUMBERING_NOT_FOUND);
	ck_assert_int_eq(got.count, 0);
	numbering_store_close(store);
}
END_TEST

START_TEST(stats_exact_counts)
{
	numbering_store *store = NULL;
	ck_assert_int_eq(numbering_store_open(&store, NULL), NUMBERING_OK);
	json_t *stats = stats_of(store);
	ck_assert_int_eq(json_array_size(json_object_get(stats, "calls")), 0);
	ck_assert_int_eq(at(stats, "resolve", "hit") + at(stats, "resolve", "miss") + at(stats, "resolve", "error"), 0);
	json_int_t commits0 = at(stats, "commits", "count");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(stats, "store"), "backend")), "memory");
	ck_assert_ptr_null(json_object_get(json_object_get(stats, "store"), "fileBytes"));
	json_decref(stats);

	create(store, "a", "+61255501100");
	create(store, "b", "+61255501200-99");
	ck_assert_int_eq(call_status(store, "GetPhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/a\"}"),
	                 NUMBERING_OK);
	ck_assert_int_eq(call_status(store, "GetPhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/z\"}"),
	                 NUMBERING_NOT_FOUND);
	ck_assert_int_eq(call_status(store, "GetPhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/z\"}"),
	                 NUMBERING_NOT_FOUND);
	ck_assert_int_eq(call_status(store, "CreatePhoneNumberInstance", "{\"parent\":"), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(call_status(store, "NoSuchMethod", "{}"), NUMBERING_UNIMPLEMENTED);
	ck_assert_int_eq(call_status(store, "ResolvePhoneNumber", "{\"phoneNumber\":\"+61255501250\"}"), NUMBERING_OK);
	/* C resolves: two hits, a miss, a number not possible (a miss), a malformed one. */
	numbering_resolution *r = NULL;
	ck_assert_int_eq(numbering_resolution_new(&r), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_resolve(r, store, NULL, "+61255501100", NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_resolve(r, store, NULL, "+61255501299", NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_resolve(r, store, NULL, "+61255509999", NULL), NUMBERING_NOT_FOUND);
	ck_assert_int_eq(numbering_store_resolve(r, store, NULL, "+6125", NULL), NUMBERING_NOT_FOUND);
	ck_assert_int_eq(numbering_store_resolve(r, store, NULL, "phone", NULL), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_store_resolve(NULL, store, NULL, "+61255501100", NULL), NUMBERING_INVALID_ARGUMENT);
	numbering_resolution_free(r);

	stats = stats_of(store);
	char text[1024];
	calls_text(stats, text, sizeof(text));
	ck_assert_str_eq(text, "CreatePhoneNumberInstance OK 2\n"
	                       "CreatePhoneNumberInstance INVALID_ARGUMENT 1\n"
	                       "GetPhoneNumberInstance OK 1\n"
	                       "GetPhoneNumberInstance NOT_FOUND 2\n"
	                       "ResolvePhoneNumber OK 1\n"
	                       "(unknown) UNIMPLEMENTED 1\n");
	ck_assert_int_eq(at(stats, "resolve", "hit"), 3);
	ck_assert_int_eq(at(stats, "resolve", "miss"), 2);
	ck_assert_int_eq(at(stats, "resolve", "error"), 1);
	/* Two creates, one commit each; the histogram's buckets are cumulative, the last
	 * (+Inf) is the count. */
	json_t *commits = json_object_get(stats, "commits");
	ck_assert_int_eq(at(stats, "commits", "count"), commits0 + 2);
	ck_assert_int_gt(at(stats, "commits", "sumNs"), 0);
	ck_assert_int_le(at(stats, "commits", "maxNs"), at(stats, "commits", "sumNs"));
	json_t *buckets = json_object_get(commits, "buckets");
	ck_assert_int_eq(json_array_size(buckets), NUMBERING_STATS_COMMIT_BUCKETS + 1);
	json_int_t previous = 0;
	for (size_t i = 0; i < json_array_size(buckets); i++) {
		json_t *bucket = json_array_get(buckets, i);
		json_int_t count = json_integer_value(json_object_get(bucket, "count"));
		ck_assert_int_ge(count, previous);
		previous = count;
		json_t *le = json_object_get(bucket, "leNs");
		if (i < NUMBERING_STATS_COMMIT_BUCKETS)
			ck_assert_int_eq(json_integer_value(le), numbering_stats_commit_bucket_ns((int)i));
		else
			ck_assert(json_is_null(le));
	}
	ck_assert_int_eq(previous, commits0 + 2);
	ck_assert_int_eq(at(stats, "store", "instances"), 2);
	ck_assert_int_ge(at(stats, "store", "records"), 3);
	json_decref(stats);
	ck_assert_int_eq(numbering_stats_commit_bucket_ns(0), 1000);
	ck_assert_int_eq(numbering_stats_commit_bucket_ns(NUMBERING_STATS_COMMIT_BUCKETS - 1), 1000000000);
	ck_assert_int_eq(numbering_stats_commit_bucket_ns(-1), -1);
	ck_assert_int_eq(numbering_stats_commit_bucket_ns(NUMBERING_STATS_COMMIT_BUCKETS), -1);
	/* Bad arguments. */
	char *out = (char *)"x";
	fixture_expect_error(numbering_store_stats_json(&out, NULL), NUMBERING_INVALID_ARGUMENT, "store is NULL");
	ck_assert_ptr_null(out);
	fixture_expect_error(numbering_store_stats_json(NULL, store), NUMBERING_INVALID_ARGUMENT, "out is NULL");
	numbering_store_close(store);
}
END_TEST

START_TEST(stats_file_store)
{
	char path[TEMP_PATH_MAX];
	temp_path(path, sizeof(path), "ops-stats");
	numbering_store *store = open_file_store(path, 0, NULL);
	create(store, "a", "+61255501100");
	json_t *stats = stats_of(store);
	json_t *s = json_object_get(stats, "store");
	ck_assert_str_eq(json_string_value(json_object_get(s, "backend")), "file");
	ck_assert_int_eq(at(stats, "store", "instances"), 1);
	ck_assert_int_eq(at(stats, "store", "fileBytes"), file_size_of(path));
	ck_assert_int_ge(at(stats, "commits", "count"), 1);
	json_decref(stats);
	numbering_store_close(store);
	unlink(path);
}
END_TEST

/* Resolving threads and a writer at once: every count exact, and (under
 * ThreadSanitizer, the threads suite in CI) no race between the counters' updates and
 * a reader of the statistics. */
struct resolver {
	numbering_store *store;
	int rounds;
};

static void *resolve_loop(void *arg)
{
	struct resolver *r = arg;
	numbering_resolution *res = NULL;
	if (numbering_resolution_new(&res) != NUMBERING_OK)
		return (void *)1;
	for (int i = 0; i < r->rounds; i++) {
		if (numbering_store_resolve(res, r->store, NULL, "+61255501100", NULL) != NUMBERING_OK)
			return (void *)1;
		if (numbering_store_resolve(res, r->store, NULL, "+61255509999", NULL) != NUMBERING_NOT_FOUND)
			return (void *)1;
	}
	numbering_resolution_free(res);
	return NULL;
}

static void *write_loop(void *arg)
{
	struct resolver *r = arg;
	for (int i = 0; i < r->rounds; i++) {
		char request[200];
		snprintf(request, sizeof(request),
		         "{\"parent\":\"projects/p2\",\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":\"+6125550%04d\"}}}",
		         2000 + i);
		char *response = NULL;
		int rc = numbering_store_call_json(&response, r->store, NULL, "CreatePhoneNumberInstance", request);
		numbering_free(response);
		if (rc != NUMBERING_OK)
			return (void *)1;
	}
	return NULL;
}

START_TEST(stats_threads)
{
	numbering_store *store = NULL;
	ck_assert_int_eq(numbering_store_open(&store, NULL), NUMBERING_OK);
	create(store, "a", "+61255501100");
	json_t *before = stats_of(store);
	json_int_t commits0 = at(before, "commits", "count");
	json_decref(before);
	enum { THREADS = 4, ROUNDS = 500, WRITES = 50 };
	pthread_t t[THREADS + 1];
	struct resolver r = {store, ROUNDS}, w = {store, WRITES};
	for (int i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, resolve_loop, &r), 0);
	ck_assert_int_eq(pthread_create(&t[THREADS], NULL, write_loop, &w), 0);
	for (int i = 0; i < 20; i++) { /* read beside them */
		json_t *mid = stats_of(store);
		ck_assert_int_le(at(mid, "resolve", "hit"), THREADS * ROUNDS);
		json_decref(mid);
	}
	for (int i = 0; i <= THREADS; i++) {
		void *failed = NULL;
		ck_assert_int_eq(pthread_join(t[i], &failed), 0);
		ck_assert_ptr_null(failed);
	}
	json_t *stats = stats_of(store);
	ck_assert_int_eq(at(stats, "resolve", "hit"), THREADS * ROUNDS);
	ck_assert_int_eq(at(stats, "resolve", "miss"), THREADS * ROUNDS);
	ck_assert_int_eq(at(stats, "resolve", "error"), 0);
	ck_assert_int_eq(at(stats, "commits", "count"), commits0 + WRITES);
	char text[256];
	calls_text(stats, text, sizeof(text));
	ck_assert_str_eq(text, "CreatePhoneNumberInstance OK 51\n");
	json_decref(stats);
	numbering_store_close(store);
}
END_TEST

TCase *ops_threads_tcase(void)
{
	TCase *tc = tcase_create("ops_threads");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, stats_threads);
	return tc;
}

Suite *ops_suite(void)
{
	Suite *s = suite_create("ops");
	TCase *tc = tcase_create("ops");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, log_format_lines);
	tcase_add_test(tc, log_levels);
	tcase_add_test(tc, options_version_6);
	tcase_add_test(tc, log_file_open_and_torn_tail);
	tcase_add_test(tc, log_compaction);
	tcase_add_test(tc, log_storage_failure);
	tcase_add_test(tc, log_damage);
	tcase_add_test(tc, stats_exact_counts);
	tcase_add_test(tc, stats_file_store);
	suite_add_tcase(s, tc);
	return s;
}
