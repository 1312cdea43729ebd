/*
 * Store files written by earlier libnumbering releases (tests/data/store-vN.db, made by
 * tests/data/make-store-fixtures.sh with the library of that format), opened with
 * today's: every instance, every page token and every request id answers as the
 * library that wrote the file answered (tests/data/store-vN.expected.jsonl).
 *
 * Each fixture is checked on a copy, three times: opened read-only (the file as it is),
 * opened writable (a version-1 file is rewritten in today's format at that open), and
 * reopened after that (what the rewrite left).
 */
#define _DEFAULT_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <numbering/numbering.h>
#include <numbering/sys/backend.h>
#include <numbering/sys/file.h>

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

TCase *store_fixture_tcase(void)
{
	TCase *tc = tcase_create("fixtures");
	tcase_add_test(tc, file_fixture_v1);
	tcase_add_test(tc, file_fixture_v2);
	return tc;
}
