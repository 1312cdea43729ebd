/* The change journal (numbering/changes.h, docs/CHANGES-JOURNAL.md): a sequence per
 * commit, strictly increasing across reopen and compaction, pages of whole commits,
 * the errors (bad input naming its field, afterSequence beyond the last or before the
 * horizon), trimming to the window (the open option changes_window), a commit with more changes than it lists, the
 * CHANGE record's damage, the permission and ListChanges' JSON; over the memory and
 * the file backend (each case runs twice: _i 0 memory, 1 file). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <numbering/numbering.h>
#include <numbering/sys/file.h>

#include "core/error.h"
#include "model/change-record.h"
#include "model/instance-record.h"
#include "model/kinds.h"
#include "record-damage.h"
#include "service/backend-call.h"
#include "service/service.h"
#include "store-fixture.h"
#include "suites.h"
#include "temp-dir.h"

#define NS INT64_C(1000000000)

static numbering_store *store;
static int64_t clock_now;
static char path[TEMP_PATH_MAX];
static int on_file;
static const char *denied; /* the permission the authorizer refuses, or NULL */
static char asked_project[64];

static int authorize(const char *caller, const char *permission, const char *project, void *payload)
{
	(void)caller;
	(void)payload;
	if (strcmp(permission, "numbering.changes.list") == 0)
		snprintf(asked_project, sizeof(asked_project), "%s", project);
	return denied == NULL || strcmp(permission, denied) != 0;
}

static int64_t window; /* numbering_options.changes_window of the next open */

static numbering_store *open_on(numbering_backend *backend)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.changes_window = window;
	options.clock = fixture_tick;
	options.clock_payload = &clock_now;
	options.authorizer = authorize;
	options.backend = backend;
	numbering_store *s = NULL;
	ck_assert_msg(numbering_store_open(&s, &options) == NUMBERING_OK, "%s", numbering_error_message());
	return s;
}

static void open_store(int file)
{
	on_file = file;
	denied = NULL;
	window = 0;
	clock_now = FIXTURE_EPOCH;
	fixture_case_path(path, sizeof(path), file, "changes");
	store = open_on(file ? fixture_file_backend(path, 0) : NULL);
}

static void close_store(void)
{
	fixture_close_store(&store, path);
}

/* The same store again: a reopen of the file; the memory store stays (it has no file). */
static void reopen(void)
{
	if (!on_file)
		return;
	numbering_store_close(store);
	store = open_on(fixture_file_backend(path, 0));
}

static void compact(void)
{
	if (on_file)
		ck_assert_msg(store->backend->control(store->backend, NUMBERING_FILE_CONTROL_COMPACT, NULL) == NUMBERING_OK,
		              "%s", numbering_error_message());
}

/* Calls @method with @request (printf-style), asserting success; returns the answer (free()). */
static char *call_ok(const char *method, const char *request)
{
	char *response = NULL;
	int rc = numbering_store_call_json(&response, store, "user:host", method, request);
	ck_assert_msg(rc == NUMBERING_OK, "%s %s: %s", method, request, numbering_error_message());
	return response;
}

static void call(const char *method, const char *request)
{
	numbering_free(call_ok(method, request));
}

static void create(const char *id, const char *number)
{
	char request[256];
	snprintf(request, sizeof(request),
	         "{\"parent\":\"projects/p1\",\"phoneNumberInstanceId\":\"%s\","
	         "\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":\"%s\"}}}",
	         id, number);
	call("CreatePhoneNumberInstance", request);
}

static numbering_change_page *list(int64_t after, int size)
{
	numbering_change_page *page = NULL;
	int rc = numbering_store_list_changes(&page, store, "user:host", after, size);
	ck_assert_msg(rc == NUMBERING_OK, "after %lld size %d: %s", (long long)after, size, numbering_error_message());
	return page;
}

/* Asserts change @i of @page. */
static void expect(const numbering_change_page *page, int i, int64_t sequence, const char *kind, const char *name,
                   const char *change)
{
	ck_assert_int_lt(i, numbering_change_page_count(page));
	ck_assert_int_eq(numbering_change_page_sequence(page, i), sequence);
	ck_assert_str_eq(numbering_change_page_kind(page, i), kind);
	ck_assert_str_eq(numbering_change_page_name(page, i), name);
	ck_assert_str_eq(numbering_change_page_change(page, i), change);
}

#define INSTANCE "phoneNumberInstance"
#define NAME(id) "projects/p1/phoneNumberInstances/" id

/* Sequences 1, 2, 3 ... one per commit, strictly increasing across reopen and
 * compaction; each change's kind, name and verb; a write that fails takes none. */
START_TEST(sequences_increase)
{
	open_store(_i);
	numbering_change_page *page = list(0, 0);
	ck_assert_int_eq(numbering_change_page_count(page), 0);
	ck_assert_int_eq(numbering_change_page_last_sequence(page), 0);
	ck_assert_int_eq(numbering_change_page_next_sequence(page), 0);
	ck_assert_int_eq(numbering_change_page_horizon(page), 1);
	numbering_change_page_free(page);

	create("a", "+61255501000");
	call("UpdatePhoneNumberInstance", "{\"name\":\"" NAME("a") "\",\"updateMask\":\"displayName\","
	                                  "\"phoneNumberInstance\":{\"displayName\":\"A\"}}");
	/* Refused (the number is taken): no commit, no sequence. */
	char *response = NULL;
	ck_assert_int_eq(numbering_store_call_json(&response, store, "user:host", "CreatePhoneNumberInstance",
	                                           "{\"parent\":\"projects/p1\",\"phoneNumberInstanceId\":\"x\","
	                                           "\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":"
	                                           "\"+61255501000\"}}}"),
	                 NUMBERING_ALREADY_EXISTS);
	numbering_free(response);
	reopen();
	compact();
	call("DeletePhoneNumberInstance", "{\"name\":\"" NAME("a") "\"}");
	reopen();
	create("b", "+61255501001");
	compact();
	reopen();
	create("c", "+61255501002");

	page = list(0, 0);
	ck_assert_int_eq(numbering_change_page_count(page), 5);
	expect(page, 0, 1, INSTANCE, NAME("a"), "created");
	expect(page, 1, 2, INSTANCE, NAME("a"), "updated");
	expect(page, 2, 3, INSTANCE, NAME("a"), "deleted");
	expect(page, 3, 4, INSTANCE, NAME("b"), "created");
	expect(page, 4, 5, INSTANCE, NAME("c"), "created");
	ck_assert_int_eq(numbering_change_page_next_sequence(page), 5);
	ck_assert_int_eq(numbering_change_page_last_sequence(page), 5);
	ck_assert_int_eq(numbering_change_page_horizon(page), 1);
	/* The store's time at each commit: the time a create or delete took (the fake
	 * clock's readings), and an update (which takes none) the one before it. */
	ck_assert_int_eq(numbering_change_page_time(page, 1), numbering_change_page_time(page, 0));
	for (int i = 2; i < 5; i++)
		ck_assert_int_gt(numbering_change_page_time(page, i), numbering_change_page_time(page, i - 1));
	ck_assert_int_gt(numbering_change_page_time(page, 0), FIXTURE_EPOCH);
	numbering_change_page_free(page);

	/* From the middle. */
	page = list(3, 0);
	ck_assert_int_eq(numbering_change_page_count(page), 2);
	expect(page, 0, 4, INSTANCE, NAME("b"), "created");
	numbering_change_page_free(page);
	/* At the end: empty, next is where it was. */
	page = list(5, 0);
	ck_assert_int_eq(numbering_change_page_count(page), 0);
	ck_assert_int_eq(numbering_change_page_next_sequence(page), 5);
	numbering_change_page_free(page);
	close_store();
}
END_TEST

/* Pages of whole commits: a SplitRange's two changes are one commit and never cut. */
START_TEST(pages)
{
	open_store(_i);
	create("r", "+61255501100-99");
	call("SplitRange", "{\"phoneNumberInstance\":\"" NAME("r") "\",\"size\":20}");
	for (int i = 0; i < 7; i++) {
		char id[8], number[20];
		snprintf(id, sizeof(id), "n%d", i);
		snprintf(number, sizeof(number), "+6125550200%d", i);
		create(id, number);
	}
	numbering_change_page *all = list(0, 1000);
	int total = numbering_change_page_count(all);
	ck_assert_int_eq(total, 10); /* 1 + 2 (the split) + 7 */
	expect(all, 1, 2, INSTANCE, NAME("r"), "updated");
	ck_assert_int_eq(numbering_change_page_sequence(all, 2), 2);
	ck_assert_str_eq(numbering_change_page_change(all, 2), "created");
	for (int size = 1; size <= 4; size++) {
		int64_t after = 0;
		int seen = 0, pages_read = 0;
		for (;;) {
			numbering_change_page *page = list(after, size);
			int n = numbering_change_page_count(page);
			if (n == 0) {
				ck_assert_int_eq(numbering_change_page_next_sequence(page), after);
				numbering_change_page_free(page);
				break;
			}
			pages_read++;
			/* Whole commits: the split's two changes together even in a page of 1. */
			ck_assert_msg(n <= size || (n == 2 && numbering_change_page_sequence(page, 0) == 2),
			              "size %d: %d changes", size, n);
			for (int i = 0; i < n; i++, seen++) {
				ck_assert_int_eq(numbering_change_page_sequence(page, i), numbering_change_page_sequence(all, seen));
				ck_assert_str_eq(numbering_change_page_name(page, i), numbering_change_page_name(all, seen));
				ck_assert_str_eq(numbering_change_page_change(page, i), numbering_change_page_change(all, seen));
			}
			after = numbering_change_page_next_sequence(page);
			ck_assert_int_eq(after, numbering_change_page_sequence(page, n - 1));
			numbering_change_page_free(page);
		}
		ck_assert_int_eq(seen, total);
		ck_assert_int_le(pages_read, total);
	}
	numbering_change_page_free(all);
	close_store();
}
END_TEST

/* Bad input names its field; afterSequence beyond the last is FAILED_PRECONDITION
 * naming both; the permission is asked on "*". */
START_TEST(errors)
{
	open_store(_i);
	create("a", "+61255501000");
	numbering_change_page *page = (numbering_change_page *)&page;
	ck_assert_int_eq(numbering_store_list_changes(&page, store, "user:host", -1, 0), NUMBERING_INVALID_ARGUMENT);
	ck_assert_ptr_null(page);
	ck_assert_str_eq(numbering_error_violation_field(0), "afterSequence");
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "-1"));
	ck_assert_int_eq(numbering_store_list_changes(&page, store, "user:host", 0, -1), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "pageSize");
	ck_assert_int_eq(numbering_store_list_changes(&page, store, "user:host", 0, 1001), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "pageSize");
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "1001"));
	ck_assert_int_eq(numbering_store_list_changes(NULL, store, "user:host", 0, 0), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_store_list_changes(&page, NULL, "user:host", 0, 0), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_store_list_changes(&page, store, "user:host", 2, 0), NUMBERING_FAILED_PRECONDITION);
	ck_assert_ptr_null(page);
	ck_assert_str_eq(numbering_error_violation_field(0), "afterSequence");
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "afterSequence 2 is after the store's last sequence 1"));
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "reload"));
	/* The getters of nothing. */
	ck_assert_int_eq(numbering_change_page_count(NULL), 0);
	ck_assert_ptr_null(numbering_change_page_name(NULL, 0));
	ck_assert_int_eq(numbering_change_page_next_sequence(NULL), 0);
	page = list(0, 0);
	ck_assert_ptr_null(numbering_change_page_kind(page, 1));
	ck_assert_ptr_null(numbering_change_page_change(page, -1));
	ck_assert_int_eq(numbering_change_page_sequence(page, 1), 0);
	numbering_change_page_free(page);
	numbering_change_page_free(NULL);
	ck_assert_str_eq(asked_project, "*");
	denied = "numbering.changes.list";
	ck_assert_int_eq(numbering_store_list_changes(&page, store, "user:host", 0, 0), NUMBERING_PERMISSION_DENIED);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "numbering.changes.list"));
	denied = NULL;

	/* JSON: each bad field named (and, where given, the words that say what is wrong). */
	static const struct {
		const char *request, *field, *message;
	} bad[] = {
		{"{\"afterSequence\":\"x1\"}", "afterSequence", "afterSequence \\\"x1\\\" is not an integer (int64)"},
		{"{\"afterSequence\":\"1 \"}", "afterSequence", NULL},
		{"{\"afterSequence\":true}", "afterSequence", "afterSequence is a boolean, not an integer (int64)"},
		{"{\"afterSequence\":1.5}", "afterSequence", "afterSequence is a number, not an integer (int64)"},
		{"{\"afterSequence\":-3}", "afterSequence", NULL},
		{"{\"afterSequence\":\"99999999999999999999\"}", "afterSequence", NULL},
		{"{\"pageSize\":\"many\"}", "pageSize", NULL},
		{"{\"pageSize\":5000}", "pageSize", NULL},
		{"{\"after\":1}", "after", NULL},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *response = NULL;
		ck_assert_msg(numbering_store_call_json(&response, store, "user:host", "ListChanges", bad[i].request) ==
		                  NUMBERING_INVALID_ARGUMENT,
		              "%s accepted", bad[i].request);
		ck_assert_msg(strstr(response, bad[i].field) != NULL, "%s: %s", bad[i].request, response);
		ck_assert_msg(bad[i].message == NULL || strstr(response, bad[i].message) != NULL, "%s: %s", bad[i].request,
		              response);
		numbering_free(response);
	}
	close_store();
}
END_TEST

static int count_change_records(void)
{
	numbering_backend_count counted = {NUMBERING__KIND_CHANGE, 0};
	ck_assert_int_eq(store->backend->control(store->backend, NUMBERING_BACKEND_CONTROL_COUNT, &counted), NUMBERING_OK);
	return (int)counted.count;
}

/* The journal keeps its window, trimmed as commits go; asking from before the horizon
 * is FAILED_PRECONDITION telling the host to reload; a smaller window shrinks it two
 * records a commit. */
START_TEST(trimming)
{
	open_store(_i);
	ck_assert_int_eq(store->journal.window, NUMBERING_CHANGES_WINDOW_DEFAULT);
	/* The open option: refused outside 0 .. 10^9, naming it. */
	static const int64_t bad[] = {-1, INT64_C(1000000001), INT64_MIN};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		numbering_options options = NUMBERING_OPTIONS_INIT;
		options.changes_window = bad[i];
		numbering_store *s = NULL;
		ck_assert_int_eq(numbering_store_open(&s, &options), NUMBERING_INVALID_ARGUMENT);
		ck_assert_str_eq(numbering_error_violation_field(0), "changes_window");
	}
	/* Version 6 callers do not have the field: numbering_options_init(6) leaves it. */
	numbering_options old;
	memset(&old, 0x5a, sizeof(old));
	ck_assert_int_eq(numbering_options_init(&old, 6), NUMBERING_OK);
	ck_assert_int_eq(old.changes_window, INT64_C(0x5a5a5a5a5a5a5a5a));
	close_store();
	window = 3;
	fixture_case_path(path, sizeof(path), _i, "changes");
	store = open_on(_i ? fixture_file_backend(path, 0) : NULL);
	ck_assert_int_eq(store->journal.window, 3);
	for (int i = 0; i < 10; i++) {
		char id[8], number[20];
		snprintf(id, sizeof(id), "n%d", i);
		snprintf(number, sizeof(number), "+6125550200%d", i);
		create(id, number);
	}
	ck_assert_int_eq(count_change_records(), 3);
	numbering_change_page *page = list(7, 0);
	ck_assert_int_eq(numbering_change_page_horizon(page), 8);
	ck_assert_int_eq(numbering_change_page_count(page), 3);
	expect(page, 0, 8, INSTANCE, NAME("n7"), "created");
	expect(page, 2, 10, INSTANCE, NAME("n9"), "created");
	numbering_change_page_free(page);
	for (int after = 0; after < 7; after++) {
		ck_assert_int_eq(numbering_store_list_changes(&page, store, "user:host", after, 0),
		                 NUMBERING_FAILED_PRECONDITION);
		ck_assert_str_eq(numbering_error_violation_field(0), "afterSequence");
		char text[160];
		snprintf(text, sizeof(text), "afterSequence %d is before the change journal's horizon 8", after);
		ck_assert_msg(strstr(numbering_error_message(), text) != NULL, "%s", numbering_error_message());
		ck_assert_ptr_nonnull(strstr(numbering_error_message(), "reload"));
		ck_assert_ptr_nonnull(strstr(numbering_error_message(), "last sequence 10"));
	}
	/* The horizon survives reopen and compaction. */
	compact();
	reopen();
	page = list(7, 0);
	ck_assert_int_eq(numbering_change_page_horizon(page), 8);
	numbering_change_page_free(page);
	/* A smaller window (a reopen with it; the memory store has no reopen): the next
	 * commit moves the journal into the ring of 1, which keeps its own record only. */
	window = 1;
	reopen();
	if (!on_file)
		store->journal.window = 1;
	call("DeletePhoneNumberInstance", "{\"name\":\"" NAME("n0") "\"}");
	ck_assert_int_eq(count_change_records(), 1);
	page = list(10, 0);
	ck_assert_int_eq(numbering_change_page_horizon(page), 11);
	expect(page, 0, 11, INSTANCE, NAME("n0"), "deleted");
	numbering_change_page_free(page);
	call("DeletePhoneNumberInstance", "{\"name\":\"" NAME("n1") "\"}");
	ck_assert_int_eq(count_change_records(), 1);
	page = list(11, 0);
	ck_assert_int_eq(numbering_change_page_horizon(page), 12);
	expect(page, 0, 12, INSTANCE, NAME("n1"), "deleted");
	numbering_change_page_free(page);
	reopen();
	page = list(11, 0);
	ck_assert_int_eq(numbering_change_page_horizon(page), 12);
	ck_assert_int_eq(numbering_change_page_last_sequence(page), 12);
	numbering_change_page_free(page);
	close_store();
}
END_TEST

/* The window's sequences as the journal reports them: horizon, last, and every change
 * from the horizon, one a commit, in order. */
static void expect_window(int64_t horizon, int64_t last)
{
	numbering_change_page *page = list(horizon - 1, 1000);
	ck_assert_int_eq(numbering_change_page_horizon(page), horizon);
	ck_assert_int_eq(numbering_change_page_last_sequence(page), last);
	ck_assert_int_eq(numbering_change_page_count(page), last - horizon + 1);
	for (int i = 0; i < numbering_change_page_count(page); i++)
		ck_assert_int_eq(numbering_change_page_sequence(page, i), horizon + i);
	numbering_change_page_free(page);
	if (horizon > 1) {
		ck_assert_int_eq(numbering_store_list_changes(&page, store, "user:host", horizon - 2, 0),
		                 NUMBERING_FAILED_PRECONDITION);
		ck_assert_str_eq(numbering_error_violation_field(0), "afterSequence");
	}
}

static void create_n(int n)
{
	char id[16], number[24]; /* room for any int: -O2 with UBSan checks the format */
	snprintf(id, sizeof(id), "w%d", n);
	snprintf(number, sizeof(number), "+612555%05d", n);
	create(id, number);
}

/* The ring: a commit writes over the record that leaves the window, so the journal
 * holds window records at most; the horizon and the last sequence are found round the
 * ring at every fill (the binary searches by slot), across reopen and compaction; pages
 * read across the wrap. */
START_TEST(ring_wraps)
{
	open_store(_i);
	numbering_store_close(store);
	window = 10;
	store = open_on(_i ? fixture_file_backend(path, 0) : NULL);
	for (int i = 1; i <= 25; i++) {
		create_n(i);
		if (i % 4 == 0)
			reopen();
		if (i % 7 == 0)
			compact();
		expect_window(i > 10 ? i - 9 : 1, i);
		ck_assert_int_eq(count_change_records(), i > 10 ? 10 : i);
	}
	/* Pages of 3 from the horizon, across slot 9 to slot 0. */
	int64_t after = 15;
	int seen = 0;
	for (;;) {
		numbering_change_page *page = list(after, 3);
		int n = numbering_change_page_count(page);
		for (int i = 0; i < n; i++) {
			char name[64];
			snprintf(name, sizeof(name), "projects/p1/phoneNumberInstances/w%d", (int)(after + 1 + i));
			expect(page, i, after + 1 + i, INSTANCE, name, "created");
		}
		seen += n;
		after = numbering_change_page_next_sequence(page);
		numbering_change_page_free(page);
		if (n == 0)
			break;
	}
	ck_assert_int_eq(seen, 10);
	/* The records: ring names of the window, sort key -(slot + 1). */
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = NUMBERING__KIND_CHANGE;
	q.parent = "";
	struct record_damage d = {0, 0};
	ck_assert_int_eq(numbering__backend_list(store, &q, record_damage_visit, &d), NUMBERING_OK);
	ck_assert_int_eq(d.records, 10);
	ck_assert_int_eq(numbering__change_name_window("changes/10/3", -4), 10);
	ck_assert_int_eq(numbering__change_name_window("changes/10/3", 3), -1);
	ck_assert_int_eq(numbering__change_name_window("changes/10/10", -11), -1);
	ck_assert_int_eq(numbering__change_name_window("changes/0/0", -1), -1);
	ck_assert_int_eq(numbering__change_name_window("changes/3", 3), 0);
	close_store();
}
END_TEST

/* Another window: the next commit moves the journal into the ring of the new window,
 * keeping the sequences that fit (a larger window keeps them all), and nothing is
 * lost or given twice. */
static void set_window(int64_t w)
{
	window = w;
	if (on_file)
		reopen();
	else
		store->journal.window = w;
}

START_TEST(window_changes)
{
	open_store(_i);
	numbering_store_close(store);
	window = 4;
	store = open_on(_i ? fixture_file_backend(path, 0) : NULL);
	for (int i = 1; i <= 10; i++)
		create_n(i);
	expect_window(7, 10);
	set_window(8); /* larger: 7 .. 10 kept, the ring fills to 8 */
	expect_window(7, 10);
	create_n(11);
	expect_window(7, 11);
	ck_assert_int_eq(count_change_records(), 5);
	for (int i = 12; i <= 16; i++)
		create_n(i);
	expect_window(9, 16);
	ck_assert_int_eq(count_change_records(), 8);
	compact();
	reopen();
	expect_window(9, 16);
	set_window(2); /* smaller: 16 and the new 17 kept */
	create_n(17);
	expect_window(16, 17);
	ck_assert_int_eq(count_change_records(), 2);
	create_n(18);
	expect_window(17, 18);
	close_store();
}
END_TEST

/* A store an older libnumbering wrote: linear CHANGE records "changes/{sequence}". It
 * opens and is followed as it is (a read-only open never moves it); the first commit
 * of a writer moves it into the ring, and a host following it goes on from where it
 * was, the old changes first. */
static void put_linear(numbering_backend *b, int64_t from, int64_t to)
{
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	for (int64_t s = from; s <= to; s++) {
		char id[64];
		struct numbering__buf body = {NULL, 0, 0};
		snprintf(id, sizeof(id), "projects/p1/phoneNumberInstances/old%d", (int)s);
		ck_assert_int_eq(numbering__change_body_begin(&body, 0, FIXTURE_EPOCH + s * NS, 1), NUMBERING_OK);
		ck_assert_int_eq(numbering__change_body_entry(&body, NUMBERING__KIND_INSTANCE, NUMBERING__CHANGE_CREATED, id,
		                                              strlen(id)),
		                 NUMBERING_OK);
		numbering_record r;
		char name[NUMBERING__CHANGE_NAME_SIZE];
		numbering__change_record(&r, name, s, &body);
		ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
		numbering__buf_free(&body);
	}
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
}

START_TEST(linear_store_followed)
{
	for (int w = 0; w <= 3; w += 3) {
		on_file = _i;
		window = w;
		clock_now = FIXTURE_EPOCH + 100 * NS;
		fixture_case_path(path, sizeof(path), _i, w ? "changes-linear3" : "changes-linear");
		numbering_backend *b = NULL;
		if (_i) {
			/* The store's META records first, as any open writes them. */
			numbering_store_close(open_on(fixture_file_backend(path, 0)));
			b = fixture_file_backend(path, 0);
		} else
			ck_assert_int_eq(numbering_memory_backend_new(&b), NUMBERING_OK);
		put_linear(b, 1, 5);
		if (_i) {
			b->free(b);
			/* A read-only open follows the linear journal. */
			store = open_on(fixture_file_backend(path, 1));
			expect_window(1, 5);
			numbering_change_page *page = list(2, 1);
			expect(page, 0, 3, INSTANCE, "projects/p1/phoneNumberInstances/old3", "created");
			numbering_change_page_free(page);
			numbering_store_close(store);
			b = fixture_file_backend(path, 0);
		}
		store = open_on(b);
		expect_window(1, 5);
		ck_assert_int_eq(count_change_records(), 5);
		/* A follower at 3; the first commit moves the journal into the ring. */
		create("a", "+61255501000");
		numbering_change_page *page = list(3, 0);
		if (w == 0) {
			ck_assert_int_eq(numbering_change_page_count(page), 3);
			expect(page, 0, 4, INSTANCE, "projects/p1/phoneNumberInstances/old4", "created");
			expect(page, 1, 5, INSTANCE, "projects/p1/phoneNumberInstances/old5", "created");
			expect(page, 2, 6, INSTANCE, NAME("a"), "created");
			ck_assert_int_eq(numbering_change_page_time(page, 0), FIXTURE_EPOCH + 4 * NS);
			numbering_change_page_free(page);
			expect_window(1, 6);
			ck_assert_int_eq(count_change_records(), 6);
		} else {
			/* A window of 3: 4, 5 and 6 kept; a follower at 2 reloads. */
			ck_assert_int_eq(numbering_change_page_count(page), 3);
			expect(page, 2, 6, INSTANCE, NAME("a"), "created");
			numbering_change_page_free(page);
			expect_window(4, 6);
			ck_assert_int_eq(count_change_records(), 3);
		}
		compact();
		reopen();
		create("b", "+61255501001");
		expect_window(w ? 5 : 1, 7);
		close_store();
	}
}
END_TEST

/* A sequence missing under the last (a record removed by hand here; a ring of another
 * window could leave one): a page ends before it, and a page after it is refused as
 * before the horizon, never a silent skip. */
START_TEST(gap_refused)
{
	open_store(_i);
	numbering_store_close(store);
	window = 10;
	store = open_on(_i ? fixture_file_backend(path, 0) : NULL);
	for (int i = 1; i <= 5; i++)
		create_n(i);
	ck_assert_int_eq(store->backend->begin(store->backend), NUMBERING_OK);
	ck_assert_int_eq(store->backend->remove(store->backend, NUMBERING__KIND_CHANGE, "changes/10/3"), NUMBERING_OK);
	ck_assert_int_eq(store->backend->commit(store->backend), NUMBERING_OK);
	numbering_change_page *page = list(0, 0);
	ck_assert_int_eq(numbering_change_page_count(page), 2);
	ck_assert_int_eq(numbering_change_page_next_sequence(page), 2);
	numbering_change_page_free(page);
	ck_assert_int_eq(numbering_store_list_changes(&page, store, "user:host", 2, 0), NUMBERING_FAILED_PRECONDITION);
	ck_assert_str_eq(numbering_error_violation_field(0), "afterSequence");
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "before the change journal's horizon"));
	page = list(3, 0);
	ck_assert_int_eq(numbering_change_page_count(page), 2);
	numbering_change_page_free(page);
	close_store();

	/* The same in a linear journal, read as an older library left it: 3 missing. */
	window = 0;
	numbering_backend *b = NULL;
	if (_i) {
		numbering_store_close(open_on(fixture_file_backend(path, 0)));
		b = fixture_file_backend(path, 0);
	} else {
		ck_assert_int_eq(numbering_memory_backend_new(&b), NUMBERING_OK);
	}
	put_linear(b, 1, 2);
	put_linear(b, 4, 5);
	store = open_on(b);
	page = list(0, 0);
	ck_assert_int_eq(numbering_change_page_count(page), 2);
	ck_assert_int_eq(numbering_change_page_last_sequence(page), 5);
	numbering_change_page_free(page);
	ck_assert_int_eq(numbering_store_list_changes(&page, store, "user:host", 2, 0), NUMBERING_FAILED_PRECONDITION);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "horizon 4"));
	close_store();
}
END_TEST

/* A commit changing more records than it lists: the first NUMBERING_CHANGES_LISTED_MAX
 * by name, then one "reload" for the kind; kinds other than instances say "updated"
 * and "deleted". */
START_TEST(many_in_one_commit)
{
	open_store(_i);
	call("ImportAvailableNumbers", "{\"availableNumbers\":[{\"phoneNumber\":\"+12085550100\",\"type\":\"LOCAL\"}]}");
	numbering_change_page *page = list(0, 0);
	ck_assert_int_eq(numbering_change_page_count(page), 1);
	expect(page, 0, 1, "availableNumber", "availableNumbers/+12085550100", "updated");
	numbering_change_page_free(page);
	char request[4096];
	size_t len = (size_t)snprintf(request, sizeof(request), "{\"availableNumbers\":[");
	for (int i = 0; i < 40; i++)
		len += (size_t)snprintf(request + len, sizeof(request) - len, "%s{\"phoneNumber\":\"+120855502%02d\",\"type\":\"LOCAL\"}",
		                        i ? "," : "", i);
	snprintf(request + len, sizeof(request) - len, "]}");
	call("ImportAvailableNumbers", request);
	page = list(1, 0);
	int n = numbering_change_page_count(page);
	ck_assert_int_eq(n, NUMBERING_CHANGES_LISTED_MAX + 1);
	for (int i = 0; i < n; i++)
		ck_assert_int_eq(numbering_change_page_sequence(page, i), 2);
	expect(page, 0, 2, "availableNumber", "availableNumbers/+12085550200", "updated");
	expect(page, n - 1, 2, "availableNumber", "", "reload");
	numbering_change_page_free(page);
	call("RemoveAvailableNumbers", "{\"phoneNumbers\":[\"+12085550100\"]}");
	page = list(2, 0);
	expect(page, 0, 3, "availableNumber", "availableNumbers/+12085550100", "deleted");
	numbering_change_page_free(page);
	close_store();
}
END_TEST

/* The entries a transaction notes, as its CHANGE record lists them: a record written
 * twice is one entry (created stays created unless deleted, the last change otherwise),
 * a name of more than 127 bytes keeps its whole length, one longer than a record name
 * may be makes its kind's "reload", and a rolled-back transaction's notes are gone. */
START_TEST(notes_in_one_commit)
{
	open_store(_i);
	char long_name[301], too_long[NUMBERING_RECORD_NAME_MAX + 2];
	memset(long_name, 'n', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	memset(too_long, 't', sizeof(too_long) - 1);
	too_long[sizeof(too_long) - 1] = '\0';
	ck_assert_int_eq(numbering__begin(store), NUMBERING_OK);
	numbering__journal_note(store, NUMBERING__KIND_INSTANCE, NAME("a"), NUMBERING__CHANGE_CREATED);
	numbering__journal_note(store, NUMBERING__KIND_INSTANCE, NAME("b"), NUMBERING__CHANGE_UPDATED);
	numbering__journal_note(store, NUMBERING__KIND_INSTANCE, NAME("a"), NUMBERING__CHANGE_UPDATED);
	numbering__journal_note(store, NUMBERING__KIND_INSTANCE, NAME("b"), NUMBERING__CHANGE_DELETED);
	numbering__journal_note(store, NUMBERING__KIND_INSTANCE, NAME("c"), NUMBERING__CHANGE_CREATED);
	numbering__journal_note(store, NUMBERING__KIND_INSTANCE, NAME("c"), NUMBERING__CHANGE_DELETED);
	numbering__journal_note(store, NUMBERING__KIND_INSTANCE, NAME("d"), NUMBERING__CHANGE_DELETED);
	numbering__journal_note(store, NUMBERING__KIND_INSTANCE, NAME("d"), NUMBERING__CHANGE_CREATED);
	ck_assert_int_eq(numbering__commit(store), NUMBERING_OK);
	ck_assert_int_eq(numbering__begin(store), NUMBERING_OK);
	numbering__journal_note(store, NUMBERING__KIND_INSTANCE, NAME("gone"), NUMBERING__CHANGE_CREATED);
	numbering__rollback(store);
	ck_assert_int_eq(numbering__begin(store), NUMBERING_OK);
	numbering__journal_note(store, NUMBERING__KIND_INSTANCE, long_name, NUMBERING__CHANGE_UPDATED);
	numbering__journal_note(store, NUMBERING__KIND_INSTANCE, too_long, NUMBERING__CHANGE_UPDATED);
	numbering__journal_note(store, NUMBERING__KIND_INSTANCE, long_name, NUMBERING__CHANGE_DELETED);
	ck_assert_int_eq(numbering__commit(store), NUMBERING_OK);
	reopen();
	numbering_change_page *page = list(0, 0);
	ck_assert_int_eq(numbering_change_page_count(page), 6);
	expect(page, 0, 1, INSTANCE, NAME("a"), "created");
	expect(page, 1, 1, INSTANCE, NAME("b"), "deleted");
	expect(page, 2, 1, INSTANCE, NAME("c"), "deleted");
	expect(page, 3, 1, INSTANCE, NAME("d"), "created");
	expect(page, 4, 2, INSTANCE, long_name, "deleted");
	expect(page, 5, 2, INSTANCE, "", "reload");
	numbering_change_page_free(page);
	close_store();
}
END_TEST

/* The CHANGE records as stored: cut at every length and bit-flipped, each reads whole
 * or as DATA_LOSS; a wrong name, parent, key or flag is DATA_LOSS; ListChanges over a
 * damaged record is DATA_LOSS naming the field. */
static int damage_visit(const numbering_record *record, void *payload)
{
	record_damage_visit(record, payload);
	numbering_record copy = *record;
	copy.name = "changes/0";
	ck_assert_int_eq(numbering__change_record_check(&copy), NUMBERING_DATA_LOSS);
	ck_assert_str_eq(numbering_error_violation_field(0), "name");
	copy = *record;
	copy.parent = "projects/p1";
	ck_assert_int_eq(numbering__change_record_check(&copy), NUMBERING_DATA_LOSS);
	copy = *record;
	copy.keys[2] = "x";
	ck_assert_int_eq(numbering__change_record_check(&copy), NUMBERING_DATA_LOSS);
	copy = *record;
	copy.flags = NUMBERING_RECORD_LISTED;
	ck_assert_int_eq(numbering__change_record_check(&copy), NUMBERING_DATA_LOSS);
	copy = *record;
	copy.body_len = 0;
	ck_assert_int_eq(numbering__change_record_check(&copy), NUMBERING_DATA_LOSS);
	ck_assert_str_eq(numbering_error_violation_field(0), "sequence"); /* a ring record's first varint */
	copy = *record;
	copy.sort_key = record->sort_key - 1; /* another slot than its name's */
	ck_assert_int_eq(numbering__change_record_check(&copy), NUMBERING_DATA_LOSS);
	ck_assert_str_eq(numbering_error_violation_field(0), "name");
	copy = *record;
	copy.name = "changes/100000/01";
	ck_assert_int_eq(numbering__change_record_check(&copy), NUMBERING_DATA_LOSS);
	return 0;
}

START_TEST(damage)
{
	open_store(_i);
	create("a", "+61255501000");
	create("r", "+61255501100-99");
	call("SplitRange", "{\"phoneNumberInstance\":\"" NAME("r") "\",\"size\":20}");
	call("DeletePhoneNumberInstance", "{\"name\":\"" NAME("a") "\"}");
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = NUMBERING__KIND_CHANGE;
	q.parent = "";
	struct record_damage d = {0, 0};
	ck_assert_int_eq(numbering__backend_list(store, &q, damage_visit, &d), NUMBERING_OK);
	ck_assert_int_eq(d.records, 4);
	ck_assert_int_gt(d.cases, 100);

	/* Bodies built by hand: each wrong in one way. */
	static const struct {
		const char *body;
		size_t len;
		const char *field;
	} bad[] = {
		{"\x02\x01\x03\x02\x01x\x05\x00", 8, "body"}, /* a byte after the last phone id */
		{"\x02\x01\x03\x02\x01x\x00", 7, "lastPhoneId"}, /* phone id 0 */
		{"\x02\x01\x03\x02\x01x\x85", 7, "lastPhoneId"}, /* cut */
		{"\x02\x00", 2, "count"},                    /* no entries */
		{"\x02\x01\x00\x02\x01x", 6, "kind"},        /* kind 0 */
		{"\x02\x01\x01\x02\x01x", 6, "kind"},        /* META is not journaled */
		{"\x02\x01\x03\x05\x01x", 6, "change"},      /* no change 5 */
		{"\x02\x01\x03\x02\x00", 5, "name"},         /* an empty name that is not a reload */
		{"\x02\x01\x03\x04\x01x", 6, "name"},        /* a reload with a name */
		{"\x02\x01\x03\x02\x05x", 6, "name"},        /* the name cut */
		{"\x02\x01\x03\x02\x02x\x00", 7, "name"},    /* a NUL in the name */
		{"\x82\x00\x01\x03\x02\x01x", 7, "time"},    /* a varint not in its shortest form */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct numbering__buf body = {(uint8_t *)bad[i].body, bad[i].len, bad[i].len};
		numbering_record r;
		char name[NUMBERING__CHANGE_NAME_SIZE];
		numbering__change_record(&r, name, 1, &body);
		ck_assert_msg(numbering__change_record_check(&r) == NUMBERING_DATA_LOSS, "case %zu accepted", i);
		ck_assert_msg(strcmp(numbering_error_violation_field(0), bad[i].field) == 0, "case %zu: %s, not %s", i,
		              numbering_error_violation_field(0), bad[i].field);
	}
	/* Ring records: the sequence first, of the name's slot. */
	static const struct {
		const char *body;
		size_t len;
		const char *field;
	} bad_ring[] = {
		{"\x06\x02\x01\x03\x02\x01x", 7, "sequence"}, /* 6 is not in slot 5 */
		{"\x00\x02\x01\x03\x02\x01x", 7, "sequence"}, /* no sequence 0 */
		{"\x85", 1, "sequence"},                     /* cut */
		{"\x05\x02\x01\x03\x05\x01x", 7, "change"},   /* then as a linear body */
	};
	for (size_t i = 0; i < sizeof(bad_ring) / sizeof(bad_ring[0]); i++) {
		struct numbering__buf body = {(uint8_t *)bad_ring[i].body, bad_ring[i].len, bad_ring[i].len};
		numbering_record r;
		numbering__change_record_named(&r, "changes/100000/5", -6, &body);
		ck_assert_msg(numbering__change_record_check(&r) == NUMBERING_DATA_LOSS, "ring case %zu accepted", i);
		ck_assert_msg(strcmp(numbering_error_violation_field(0), bad_ring[i].field) == 0, "ring case %zu: %s, not %s",
		              i, numbering_error_violation_field(0), bad_ring[i].field);
	}
	/* A damaged record in the store: ListChanges says DATA_LOSS, naming it. */
	{
		struct numbering__buf body = {(uint8_t *)"\x05\x02\x01\x03\x05\x01x", 7, 7};
		numbering_record r;
		numbering__change_record_named(&r, "changes/100000/5", -6, &body);
		ck_assert_int_eq(store->backend->begin(store->backend), NUMBERING_OK);
		ck_assert_int_eq(store->backend->put(store->backend, &r), NUMBERING_OK);
		ck_assert_int_eq(store->backend->commit(store->backend), NUMBERING_OK);
		numbering_change_page *page = NULL;
		ck_assert_int_eq(numbering_store_list_changes(&page, store, "user:host", 3, 0), NUMBERING_DATA_LOSS);
		ck_assert_ptr_null(page);
		ck_assert_str_eq(numbering_error_violation_field(0), "change");
		ck_assert_ptr_nonnull(strstr(numbering_error_message(), "changes/100000/5"));
	}
	/* A move into another ring drops a damaged record rather than fail every commit:
	 * the window's latest are kept (3 and 4 of the 4 commits, and the new 5). */
	store->journal.window = 3;
	create("b", "+61255501001");
	numbering_change_page *page = list(2, 0);
	ck_assert_int_eq(numbering_change_page_count(page), 4); /* the split's two, the delete, b */
	ck_assert_int_eq(numbering_change_page_sequence(page, 0), 3);
	expect(page, 2, 4, INSTANCE, NAME("a"), "deleted");
	expect(page, 3, 5, INSTANCE, NAME("b"), "created");
	numbering_change_page_free(page);
	ck_assert_int_eq(count_change_records(), 3);
	close_store();
}
END_TEST

/* ListChanges' JSON answer, byte for byte (the fake clock makes the times). */
START_TEST(json_answer)
{
	open_store(_i);
	create("a", "+61255501000");
	call("DeletePhoneNumberInstance", "{\"name\":\"" NAME("a") "\"}");
	char *response = call_ok("ListChanges", "{}");
	ck_assert_str_eq(response,
	                 "{\"changes\":[{\"sequence\":\"1\",\"time\":\"2026-01-01T00:00:01Z\",\"kind\":\"phoneNumberInstance\","
	                 "\"name\":\"projects/p1/phoneNumberInstances/a\",\"change\":\"created\"},"
	                 "{\"sequence\":\"2\",\"time\":\"2026-01-01T00:00:02Z\",\"kind\":\"phoneNumberInstance\","
	                 "\"name\":\"projects/p1/phoneNumberInstances/a\",\"change\":\"deleted\"}],"
	                 "\"nextSequence\":\"2\",\"lastSequence\":\"2\"}");
	numbering_free(response);
	response = call_ok("ListChanges", "{\"afterSequence\":\"1\",\"pageSize\":1}");
	ck_assert_ptr_nonnull(strstr(response, "\"nextSequence\":\"2\""));
	ck_assert_ptr_null(strstr(response, "created"));
	numbering_free(response);
	response = call_ok("ListChanges", "{\"after_sequence\":2}");
	ck_assert_str_eq(response, "{\"changes\":[],\"nextSequence\":\"2\",\"lastSequence\":\"2\"}");
	numbering_free(response);
	ck_assert_int_eq(numbering_store_call_json(&response, store, "user:host", "ListChanges", "{\"afterSequence\":3}"),
	                 NUMBERING_FAILED_PRECONDITION);
	ck_assert_ptr_nonnull(strstr(response, "FAILED_PRECONDITION"));
	ck_assert_ptr_nonnull(strstr(response, "afterSequence"));
	numbering_free(response);
	close_store();
}
END_TEST

/* A read-only snapshot of a file store reads the journal as of its open. */
START_TEST(read_only_snapshot)
{
	open_store(1);
	create("a", "+61255501000");
	create("b", "+61255501001");
	numbering_store *writer = store;
	store = open_on(fixture_file_backend(path, 1));
	numbering_change_page *page = list(0, 0);
	ck_assert_int_eq(numbering_change_page_count(page), 2);
	ck_assert_int_eq(numbering_change_page_last_sequence(page), 2);
	numbering_change_page_free(page);
	numbering_store_close(store);
	store = writer;
	close_store();
}
END_TEST

/* The instance named @id: its create time and phone id. */
static void created_marks(const char *id, int64_t *time, int64_t *phone)
{
	numbering_instance *got = NULL;
	char name[128];
	snprintf(name, sizeof(name), NAME("%s"), id);
	ck_assert_int_eq(numbering_store_get(&got, store, NULL, name), NUMBERING_OK);
	*time = numbering_instance_create_time(got);
	*phone = numbering_instance_phone_id(got);
	numbering_instance_free(got);
}

/* A commit that writes a CHANGE record leaves META last-time as it was: the record
 * holds the last time and phone id, which a reopen reads back, so a clock set back
 * across it hands out neither a time nor a phone id again. An update's commit writes
 * META neither (it takes no time). */
START_TEST(last_time_and_phone_id_in_the_journal)
{
	open_store(1);
	unsigned char meta[16];
	size_t len = sizeof(meta);
	ck_assert_int_eq(numbering__backend_meta_get(store, NUMBERING__META_LAST_TIME, meta, &len), NUMBERING_OK);
	create("a", "+61255501000");
	call("UpdatePhoneNumberInstance", "{\"name\":\"" NAME("a") "\",\"updateMask\":\"displayName\","
	                                  "\"phoneNumberInstance\":{\"displayName\":\"A\"}}");
	unsigned char after[16];
	size_t after_len = sizeof(after);
	ck_assert_int_eq(numbering__backend_meta_get(store, NUMBERING__META_LAST_TIME, after, &after_len), NUMBERING_OK);
	ck_assert_uint_eq(after_len, len);
	ck_assert_int_eq(memcmp(after, meta, len), 0);
	int64_t time_a = 0, phone_a = 0, time_b = 0, phone_b = 0;
	created_marks("a", &time_a, &phone_a);
	ck_assert_int_gt(phone_a, 0);
	clock_now = FIXTURE_EPOCH; /* the clock went back */
	reopen();
	create("b", "+61255501001");
	created_marks("b", &time_b, &phone_b);
	ck_assert_int_gt(time_b, time_a);
	ck_assert_int_gt(phone_b, phone_a);
	compact();
	clock_now = FIXTURE_EPOCH;
	reopen();
	create("c", "+61255501002");
	created_marks("c", &time_a, &phone_a);
	ck_assert_int_gt(time_a, time_b);
	ck_assert_int_gt(phone_a, phone_b);
	close_store();
}
END_TEST

Suite *changes_suite(void)
{
	Suite *s = suite_create("changes");
	TCase *tc = tcase_create("changes");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, sequences_increase, 0, 2);
	tcase_add_loop_test(tc, pages, 0, 2);
	tcase_add_loop_test(tc, errors, 0, 2);
	tcase_add_loop_test(tc, trimming, 0, 2);
	tcase_add_loop_test(tc, ring_wraps, 0, 2);
	tcase_add_loop_test(tc, window_changes, 0, 2);
	tcase_add_loop_test(tc, linear_store_followed, 0, 2);
	tcase_add_loop_test(tc, gap_refused, 0, 2);
	tcase_add_loop_test(tc, many_in_one_commit, 0, 2);
	tcase_add_loop_test(tc, notes_in_one_commit, 0, 2);
	tcase_add_loop_test(tc, damage, 0, 2);
	tcase_add_loop_test(tc, json_answer, 0, 2);
	tcase_add_test(tc, read_only_snapshot);
	tcase_add_test(tc, last_time_and_phone_id_in_the_journal);
	suite_add_tcase(s, tc);
	return s;
}
