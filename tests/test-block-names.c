/*
 * A block's record keeps its name when its first numbers are taken (model/available.h,
 * service/inventory.c): the name is a number up to the block's first. Each case runs on
 * the memory backend (loop 0) and the file backend (loop 1, read back after reopening).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <numbering/sys/file.h>

#include "model/available.h"
#include "model/kinds.h"
#include "../backends/memory/memory.h"
#include "service/service.h"
#include "store-fixture.h"
#include "suites.h"
#include "temp-dir.h"

static void import(numbering_store *store, const char *text)
{
	numbering_available_number *n = NULL;
	ck_assert_int_eq(numbering_available_number_new(&n), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_numbers(n, text, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_type(n, NUMBERING_NUMBER_TYPE_LOCAL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_text(n, "friendlyName", text), NUMBERING_OK);
	const numbering_available_number *items[] = {n};
	int rc = numbering_store_import_available(NULL, store, NULL, items, 1);
	ck_assert_msg(rc == NUMBERING_OK, "import %s: %s", text, numbering_error_message());
	numbering_available_number_free(n);
}

/* The backend's own check of its indexes (numbers, orders, names). */
static void checked(numbering_store *store)
{
	int rc = store->backend->control(store->backend, NUMBERING__MEMORY_CONTROL_CHECK, NULL);
	ck_assert_msg(rc == NUMBERING_OK, "check: %s", numbering_error_message());
}

static void take(numbering_store *store, const char *text)
{
	const char *numbers[] = {text};
	int rc = numbering_store_remove_available(NULL, store, NULL, numbers, 1);
	ck_assert_msg(rc == NUMBERING_OK, "remove %s: %s", text, numbering_error_message());
	checked(store);
}

struct seen {
	int visits;
	uint64_t first, last;
	char friendly[64];
};

static int seen_visit(const numbering_record *record, void *payload)
{
	struct seen *s = payload;
	numbering_available_number n;
	memset(&n, 0, sizeof(n));
	ck_assert_int_eq(numbering__available_from_record(&n, record), NUMBERING_OK);
	s->visits++;
	s->first = record->first;
	s->last = record->last;
	snprintf(s->friendly, sizeof(s->friendly), "%s", numbering_available_number_text(&n, "friendlyName"));
	numbering__available_clear(&n);
	return 0;
}

/* The numbers of the record named "availableNumbers/+@number" as "first-last" (the
 * last two digits of each) and its friendly name, or "none". */
static const char *named(numbering_store *store, const char *number)
{
	static char text[128];
	char name[64];
	snprintf(name, sizeof(name), "availableNumbers/+%s", number);
	struct seen s;
	memset(&s, 0, sizeof(s));
	int rc = store->backend->get(store->backend, NUMBERING__KIND_AVAILABLE, name, seen_visit, &s);
	if (rc == NUMBERING_NOT_FOUND || s.visits == 0)
		return "none";
	ck_assert_int_eq(rc, NUMBERING_OK);
	snprintf(text, sizeof(text), "%02u-%02u %s", (unsigned)(s.first % 100), (unsigned)(s.last % 100), s.friendly);
	return text;
}

/* The phone number of the available number holding @number, as a get answers it. */
static const char *holder(numbering_store *store, const char *number)
{
	static char text[32];
	numbering_available_number *got = NULL;
	int rc = numbering_store_get_available(&got, store, NULL, "projects/p1", number);
	if (rc == NUMBERING_NOT_FOUND)
		return "none";
	ck_assert_msg(rc == NUMBERING_OK, "get %s: %s", number, numbering_error_message());
	snprintf(text, sizeof(text), "%s", numbering_available_number_phone_number(got));
	numbering_available_number_free(got);
	return text;
}

/* The first @size numbers a search from @pattern finds, comma-separated. */
static const char *search(numbering_store *store, const char *pattern, int size)
{
	static char text[512];
	numbering_available_query q = NUMBERING_AVAILABLE_QUERY_INIT;
	q.region_code = "US";
	q.type = NUMBERING_NUMBER_TYPE_LOCAL;
	q.pattern = pattern;
	q.size = size;
	numbering_available_list *list = NULL;
	ck_assert_int_eq(numbering_store_search_available(&list, store, NULL, "projects/p1", &q), NUMBERING_OK);
	text[0] = '\0';
	for (int i = 0; i < numbering_available_list_count(list); i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s%s", i ? "," : "",
		         numbering_available_number_phone_number(numbering_available_list_item(list, i)));
	numbering_available_list_free(list);
	return text;
}

/* Taking a block's first numbers keeps its record and name; a get and a search answer
 * the first number left, before and after reopening. */
START_TEST(a_take_from_the_front_keeps_the_name)
{
	fixture_open_case(_i, "block-front");
	import(fx.store, "+12085550100-99");
	take(fx.store, "+12085550100");
	take(fx.store, "+12085550101-05");
	for (int round = 0; round < 2; round++) {
		ck_assert_str_eq(named(fx.store, "12085550100"), "06-99 +12085550100-99");
		ck_assert_str_eq(named(fx.store, "12085550106"), "none");
		ck_assert_str_eq(holder(fx.store, "+12085550106"), "+12085550106");
		ck_assert_str_eq(holder(fx.store, "+12085550199"), "+12085550199");
		ck_assert_str_eq(holder(fx.store, "+12085550105"), "none");
		ck_assert_str_eq(search(fx.store, "+1208555", 2), "+12085550106,+12085550107");
		fixture_reopen_case();
	}
	/* The last numbers: the record goes, by its name. */
	take(fx.store, "+12085550106-99");
	ck_assert_str_eq(named(fx.store, "12085550100"), "none");
	ck_assert_str_eq(search(fx.store, "+1208555", 2), "");
	fixture_close_case();
}
END_TEST

/* A take inside a block: the part before keeps the record, the part after is a new one
 * named by its first. */
START_TEST(a_take_inside_splits_off_a_new_record)
{
	fixture_open_case(_i, "block-inside");
	import(fx.store, "+12085550100-99");
	take(fx.store, "+12085550100");
	take(fx.store, "+12085550150-59");
	for (int round = 0; round < 2; round++) {
		ck_assert_str_eq(named(fx.store, "12085550100"), "01-49 +12085550100-99");
		ck_assert_str_eq(named(fx.store, "12085550160"), "60-99 +12085550100-99");
		ck_assert_str_eq(search(fx.store, "+120855501", 3), "+12085550101,+12085550102,+12085550103");
		fixture_reopen_case();
	}
	fixture_close_case();
}
END_TEST

/* A number coming back (an import, a reservation, a release) is a new record named by
 * its number: a block still named by it, which no longer holds it, moves to its own
 * first's name, and so does a block named by that one in turn. */
START_TEST(a_new_record_moves_a_block_off_its_name)
{
	fixture_open_case(_i, "block-claim");
	import(fx.store, "+12085550102-05");
	take(fx.store, "+12085550102-03");
	import(fx.store, "+12085550100-03");
	take(fx.store, "+12085550100-01");
	ck_assert_str_eq(named(fx.store, "12085550100"), "02-03 +12085550100-03");
	ck_assert_str_eq(named(fx.store, "12085550102"), "04-05 +12085550102-05");
	/* A number a record holds is still refused. */
	const char *again[] = {"+12085550102"};
	numbering_available_number *n = NULL;
	ck_assert_int_eq(numbering_available_number_new(&n), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_numbers(n, again[0], NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_type(n, NUMBERING_NUMBER_TYPE_LOCAL), NUMBERING_OK);
	const numbering_available_number *items[] = {n};
	fixture_expect_error(numbering_store_import_available(NULL, fx.store, NULL, items, 1), NUMBERING_ALREADY_EXISTS,
	                     "+12085550102 is already in the inventory");
	numbering_available_number_free(n);
	ck_assert_str_eq(named(fx.store, "12085550100"), "02-03 +12085550100-03");

	import(fx.store, "+12085550100");
	for (int round = 0; round < 2; round++) {
		ck_assert_str_eq(named(fx.store, "12085550100"), "00-00 +12085550100");
		ck_assert_str_eq(named(fx.store, "12085550102"), "02-03 +12085550100-03");
		ck_assert_str_eq(named(fx.store, "12085550104"), "04-05 +12085550102-05");
		ck_assert_str_eq(search(fx.store, "+1208555010", 6),
		                 "+12085550100,+12085550102,+12085550103,+12085550104,+12085550105");
		fixture_reopen_case();
	}
	fixture_close_case();
}
END_TEST

/* The import of one number on a thread of its own, with a small stack (@arg: its text). */
static void *import_on_thread(void *arg)
{
	import(fx.store, arg);
	return NULL;
}

/* A chain of blocks, each named by the number the next one is named by but no longer
 * holds, as a host's imports and withdrawals can build it: CHAIN blocks of one number,
 * block k holding 10,000 + k + 1 and named 10,000 + k. A number coming back at the
 * chain's start moves every block of it, one name up, on a thread with a 256 KiB stack
 * (a PBX's worker may have little more): it was a recursion, a frame a block. */
START_TEST(a_long_chain_of_names_moves_in_a_loop)
{
	enum { CHAIN = 3000 };
	fixture_open(NULL);
	char text[64];
	for (int k = CHAIN - 1; k >= 0; k--) {
		snprintf(text, sizeof(text), "+120855%05d-%05d", 10000 + k, 10000 + k + 1);
		import(fx.store, text);
		snprintf(text, sizeof(text), "+120855%05d", 10000 + k);
		const char *numbers[] = {text};
		ck_assert_int_eq(numbering_store_remove_available(NULL, fx.store, NULL, numbers, 1), NUMBERING_OK);
	}
	ck_assert_str_eq(named(fx.store, "12085510000"), "01-01 +12085510000-10001");
	ck_assert_str_eq(named(fx.store, "12085512999"), "00-00 +12085512999-13000");
	pthread_attr_t attr;
	pthread_t thread;
	ck_assert_int_eq(pthread_attr_init(&attr), 0);
	ck_assert_int_eq(pthread_attr_setstacksize(&attr, 256 * 1024), 0);
	ck_assert_int_eq(pthread_create(&thread, &attr, import_on_thread, "+12085510000"), 0);
	ck_assert_int_eq(pthread_join(thread, NULL), 0);
	pthread_attr_destroy(&attr);
	ck_assert_str_eq(named(fx.store, "12085510000"), "00-00 +12085510000");
	ck_assert_str_eq(named(fx.store, "12085510001"), "01-01 +12085510000-10001");
	ck_assert_str_eq(named(fx.store, "12085513000"), "00-00 +12085512999-13000");
	checked(fx.store);
	fixture_close();
}
END_TEST

/* The JSON response of @method with @request on fx.store, asserting success. */
static const char *call(const char *method, const char *request)
{
	static char text[2048];
	char *response = NULL;
	int rc = numbering_store_call_json(&response, fx.store, NULL, method, request);
	ck_assert_msg(rc == NUMBERING_OK, "%s: %s", method, response);
	snprintf(text, sizeof(text), "%s", response);
	numbering_free(response);
	return text;
}

/* The reservation's name in a response of ReserveAvailableNumbers. */
static const char *reservation_name(const char *response)
{
	static char name[256];
	const char *at = strstr(response, "\"name\":\"");
	ck_assert_ptr_nonnull(at);
	at += strlen("\"name\":\"");
	size_t len = strcspn(at, "\"");
	snprintf(name, sizeof(name), "%.*s", (int)len, at);
	return name;
}

/* Reserving a block's first number: the held number keeps the block's record and name,
 * the rest is a record named by its first. After a take from the front (the block
 * named below its first) too. Ending the reservation lists the number again under the
 * name it has. */
START_TEST(a_reservation_of_a_block_s_first_number)
{
	fixture_open_case(_i, "block-reserve");
	import(fx.store, "+12085550100-09");
	char held[300];
	snprintf(held, sizeof(held), "{\"name\":\"%s\"}",
	         reservation_name(call("ReserveAvailableNumbers", "{\"parent\":\"projects/p1\",\"phoneNumbers\":"
	                                                          "[\"+12085550100\"],\"ttl\":\"600s\"}")));
	checked(fx.store);
	ck_assert_str_eq(named(fx.store, "12085550100"), "00-00 +12085550100-09");
	ck_assert_str_eq(named(fx.store, "12085550101"), "01-09 +12085550100-09");
	ck_assert_str_eq(search(fx.store, "+120855501", 2), "+12085550101,+12085550102");
	take(fx.store, "+12085550101");
	call("ReserveAvailableNumbers",
	     "{\"parent\":\"projects/p1\",\"phoneNumbers\":[\"+12085550102\"],\"ttl\":\"600s\"}");
	checked(fx.store);
	for (int round = 0; round < 2; round++) {
		ck_assert_str_eq(named(fx.store, "12085550101"), "02-02 +12085550100-09");
		ck_assert_str_eq(named(fx.store, "12085550103"), "03-09 +12085550100-09");
		ck_assert_str_eq(search(fx.store, "+120855501", 2), "+12085550103,+12085550104");
		fixture_reopen_case();
	}
	call("DeleteReservation", held);
	checked(fx.store);
	ck_assert_str_eq(named(fx.store, "12085550100"), "00-00 +12085550100-09");
	ck_assert_str_eq(search(fx.store, "+120855501", 2), "+12085550100,+12085550103");
	fixture_close_case();
}
END_TEST

/* A file store's block records named below their first survive compaction, and a
 * reader sharing the writer's index answers from them. */
START_TEST(names_below_the_first_through_compaction_and_a_shared_reader)
{
	char path[TEMP_PATH_MAX];
	fixture_temp_store_path(path, sizeof(path), "block-shared");
	numbering_file_options o = NUMBERING_FILE_OPTIONS_INIT;
	o.compact_min_bytes = -1;
	o.shared_index = 1;
	numbering_backend *wb = NULL;
	ck_assert_int_eq(numbering_file_backend_new(&wb, path, &o), NUMBERING_OK);
	int64_t now = FIXTURE_EPOCH;
	numbering_store *writer = fixture_open_on(wb, &now);
	import(writer, "+12085550100-99");
	take(writer, "+12085550100-09");
	o.read_only = 1;
	numbering_backend *rb = NULL;
	ck_assert_int_eq(numbering_file_backend_new(&rb, path, &o), NUMBERING_OK);
	int64_t reader_now = FIXTURE_EPOCH;
	numbering_store *reader = fixture_open_on(rb, &reader_now);
	ck_assert_str_eq(holder(reader, "+12085550110"), "+12085550110");
	ck_assert_str_eq(holder(reader, "+12085550109"), "none");
	ck_assert_str_eq(named(reader, "12085550100"), "10-99 +12085550100-99");
	/* A take after the reader opened, then a compaction: the reader follows both. */
	take(writer, "+12085550110");
	ck_assert_str_eq(holder(reader, "+12085550111"), "+12085550111");
	ck_assert_str_eq(holder(reader, "+12085550110"), "none");
	ck_assert_int_eq(wb->control(wb, NUMBERING_FILE_CONTROL_COMPACT, NULL), NUMBERING_OK);
	ck_assert_str_eq(named(reader, "12085550100"), "11-99 +12085550100-99");
	ck_assert_str_eq(search(reader, "+1208555", 2), "+12085550111,+12085550112");
	numbering_store_close(reader);
	numbering_store_close(writer);
	/* Replayed from the compacted file, and checked whole (fsck). */
	numbering_file_report report;
	memset(&report, 0, sizeof(report));
	report.version = NUMBERING_FILE_REPORT_VERSION;
	ck_assert_msg(numbering_file_check(&report, path, 0) == NUMBERING_OK, "%s", report.message);
	ck_assert_int_eq(report.status, NUMBERING_OK);
	ck_assert_int_eq(report.damage_offset, -1);
	numbering_store *again = fixture_open_on(fixture_file_backend(path, 0), &now);
	ck_assert_str_eq(named(again, "12085550100"), "11-99 +12085550100-99");
	take(again, "+12085550111");
	ck_assert_str_eq(holder(again, "+12085550112"), "+12085550112");
	numbering_store_close(again);
	unlink(path);
	char idx[TEMP_PATH_MAX + 8];
	snprintf(idx, sizeof(idx), "%s.idx", path);
	unlink(idx);
}
END_TEST

/* Blocks taken from the front in one transaction, rolled back: every index holds the
 * blocks as they were; committed: as they are now. */
START_TEST(a_take_rolled_back_or_committed)
{
	numbering_backend *b = NULL;
	ck_assert_int_eq(numbering_memory_backend_new(&b), NUMBERING_OK);
	numbering_available_number *n = NULL;
	ck_assert_int_eq(numbering_available_number_new(&n), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_region_code(n, "US"), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_type(n, NUMBERING_NUMBER_TYPE_LOCAL), NUMBERING_OK);
	numbering_record r;
	char name[NUMBERING__AVAILABLE_NAME_SIZE], parent[NUMBERING__AVAILABLE_PARENT_SIZE];
	struct numbering__buf body = {NULL, 0, 0};
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	for (uint64_t k = 0; k < 200; k++) {
		numbering__available_set_interval(n, 11, 12085550000 + k * 100, 12085550099 + k * 100);
		ck_assert_int_eq(numbering__available_to_record(&r, name, parent, &body, n), NUMBERING_OK);
		ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
	}
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	for (int commit = 0; commit < 2; commit++) {
		ck_assert_int_eq(b->begin(b), NUMBERING_OK);
		for (uint64_t k = 0; k < 200; k += 3) {
			numbering__available_set_interval(n, 11, 12085550000 + k * 100, 12085550099 + k * 100);
			n->first += 1 + (uint64_t)commit;
			ck_assert_int_eq(numbering__available_to_record(&r, name, parent, &body, n), NUMBERING_OK);
			char want[64];
			snprintf(want, sizeof(want), "availableNumbers/+%llu", (unsigned long long)(12085550000 + k * 100));
			ck_assert_str_eq(r.name, want); /* the block's name, below its first */
			ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
		}
		ck_assert_int_eq(commit ? b->commit(b) : b->rollback(b), NUMBERING_OK);
		ck_assert_int_eq(b->control(b, NUMBERING__MEMORY_CONTROL_CHECK, NULL), NUMBERING_OK);
		for (uint64_t k = 0; k < 200; k++) {
			struct seen s;
			memset(&s, 0, sizeof(s));
			uint64_t first = 12085550000 + k * 100;
			int rc = b->find(b, 11, first, first, seen_visit, &s);
			ck_assert(rc == NUMBERING_OK || (rc == NUMBERING_NOT_FOUND && s.visits == 0));
			ck_assert_int_eq(s.visits, commit && k % 3 == 0 ? 0 : 1);
			memset(&s, 0, sizeof(s));
			ck_assert_int_eq(b->find(b, 11, first + 2, first + 2, seen_visit, &s), NUMBERING_OK);
			ck_assert_int_eq(s.visits, 1);
			ck_assert_uint_eq(s.first, commit && k % 3 == 0 ? first + 2 : first);
		}
	}
	numbering__buf_free(&body);
	numbering_available_number_free(n);
	b->free(b);
}
END_TEST

Suite *block_names_suite(void)
{
	Suite *s = suite_create("block_names");
	TCase *tc = tcase_create("block_names");
	tcase_add_loop_test(tc, a_take_from_the_front_keeps_the_name, 0, 2);
	tcase_add_loop_test(tc, a_take_inside_splits_off_a_new_record, 0, 2);
	tcase_add_loop_test(tc, a_new_record_moves_a_block_off_its_name, 0, 2);
	tcase_add_loop_test(tc, a_reservation_of_a_block_s_first_number, 0, 2);
	tcase_add_test(tc, names_below_the_first_through_compaction_and_a_shared_reader);
	tcase_add_test(tc, a_take_rolled_back_or_committed);
	tcase_add_test(tc, a_long_chain_of_names_moves_in_a_loop);
	suite_add_tcase(s, tc);
	return s;
}
