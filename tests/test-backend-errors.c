/*
 * A backend that fails: every store operation, with each backend function failing
 * in turn, either returns the backend's code with a message (the backend's own, or
 * one naming the backend function when the backend gave none) or succeeds, and a
 * failed operation changes nothing. A backend returning a value that is not a status
 * code reaches the caller as NUMBERING_INTERNAL. The backend is a wrapper of the
 * memory record store (numbering/sys/backend.h); "changes nothing" compares every
 * record of every kind before and after.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <numbering/numbering.h>
#include <numbering/sys/backend.h>
#include <numbering/sys/file.h>

#include "../backends/memory/memory.h"
#include "model/record.h"
#include "service/service.h"
#include "temp-dir.h"
#include "store-fixture.h"
#include "suites.h"

enum fn { FN_NONE, FN_BEGIN, FN_COMMIT, FN_GET, FN_PUT, FN_REMOVE, FN_FIND, FN_LIST, FN_CONTROL, FN_COUNT };

static const char *const fn_names[FN_COUNT] = {"none", "begin",  "commit", "get", "put",
                                                "remove", "find", "list", "control"};

/* Forwards to a memory record store, except that function `fail` returns `code`,
 * after describing it with numbering_error_set() when `describe` is set; or, with
 * `nth` set, only the nth call counted from `calls` = 0, whichever function it is
 * (`fired` then names it). */
struct faulty {
	numbering_backend base;
	numbering_backend *inner;
	enum fn fail;
	int code;
	int describe;
	long nth, calls;
	enum fn fired;
	/* Answers another question than the one asked (see lying_*). */
	enum { LIE_NONE, LIE_GET, LIE_LIST, LIE_FIND, LIE_VOUCH } lie;
};

static struct faulty *faulty_of(numbering_backend *b)
{
	return (struct faulty *)b;
}

static int injected(struct faulty *f, enum fn fn)
{
	if (f->nth != 0 ? ++f->calls != f->nth : f->fail != fn)
		return 0;
	f->fired = fn;
	if (f->describe) {
		char message[64];
		snprintf(message, sizeof(message), "faulty backend: injected %s", fn_names[fn]);
		numbering_error_set(f->code, NULL, message);
	}
	return 1;
}

static int faulty_begin(numbering_backend *b)
{
	struct faulty *f = faulty_of(b);
	return injected(f, FN_BEGIN) ? f->code : f->inner->begin(f->inner);
}

/* A failed commit must leave nothing behind: the transaction is over, nothing visible.
 * The wrapper keeps that promise by rolling the inner backend back. */
static int faulty_commit(numbering_backend *b)
{
	struct faulty *f = faulty_of(b);
	if (injected(f, FN_COMMIT)) {
		f->inner->rollback(f->inner);
		return f->code;
	}
	return f->inner->commit(f->inner);
}

static int faulty_rollback(numbering_backend *b)
{
	struct faulty *f = faulty_of(b);
	return f->inner->rollback(f->inner);
}

static int faulty_put(numbering_backend *b, const numbering_record *record)
{
	struct faulty *f = faulty_of(b);
	return injected(f, FN_PUT) ? f->code : f->inner->put(f->inner, record);
}

static int faulty_remove(numbering_backend *b, int kind, const char *name)
{
	struct faulty *f = faulty_of(b);
	return injected(f, FN_REMOVE) ? f->code : f->inner->remove(f->inner, kind, name);
}

/* LIE_VOUCH: each record visited flagged as vouched for, its body's "QQQQ" (a display
 * name) made "Q\0QQ", which the store's checks refuse. */
struct vouch {
	numbering_record_visit_cb visit;
	void *payload;
};

static int vouch_visit(const numbering_record *record, void *payload)
{
	struct vouch *v = payload;
	numbering_record r = *record;
	unsigned char *body = malloc(r.body_len + 1);
	ck_assert_ptr_nonnull(body);
	memcpy(body, r.body, r.body_len);
	for (size_t i = 0; i + 4 <= r.body_len; i++)
		if (memcmp(body + i, "QQQQ", 4) == 0)
			body[i + 1] = '\0';
	r.body = body;
	r.flags |= NUMBERING__RECORD_VOUCHED;
	int rc = v->visit(&r, v->payload);
	free(body);
	return rc;
}

static int faulty_get(numbering_backend *b, int kind, const char *name, numbering_record_visit_cb visit,
                      void *payload)
{
	struct vouch vouch = {visit, payload};
	if (faulty_of(b)->lie == LIE_VOUCH)
		return faulty_of(b)->inner->get(faulty_of(b)->inner, kind, name, vouch_visit, &vouch);
	struct faulty *f = faulty_of(b);
	if (f->lie == LIE_GET && kind == 3) /* the instance kind: another instance */
		return f->inner->get(f->inner, kind, "projects/p1/phoneNumberInstances/r", visit, payload);
	return injected(f, FN_GET) ? f->code : f->inner->get(f->inner, kind, name, visit, payload);
}

static int faulty_find(numbering_backend *b, int digits, uint64_t first, uint64_t last,
                       numbering_record_visit_cb visit, void *payload)
{
	struct faulty *f = faulty_of(b);
	if (f->lie == LIE_FIND) /* a number of the range r */
		return f->inner->find(f->inner, 11, UINT64_C(61255502050), UINT64_C(61255502050), visit, payload);
	return injected(f, FN_FIND) ? f->code : f->inner->find(f->inner, digits, first, last, visit, payload);
}

static int faulty_list(numbering_backend *b, const numbering_record_query *query, numbering_record_visit_cb visit,
                       void *payload)
{
	struct faulty *f = faulty_of(b);
	if (f->lie == LIE_LIST && query->parent != NULL && strcmp(query->parent, "projects/p1") == 0) {
		numbering_record_query other = *query;
		other.parent = "projects/p2";
		return f->inner->list(f->inner, &other, visit, payload);
	}
	return injected(f, FN_LIST) ? f->code : f->inner->list(f->inner, query, visit, payload);
}

static int faulty_control(numbering_backend *b, int op, void *arg)
{
	struct faulty *f = faulty_of(b);
	return injected(f, FN_CONTROL) ? f->code : f->inner->control(f->inner, op, arg);
}

static void faulty_free(numbering_backend *b)
{
	struct faulty *f = faulty_of(b);
	f->inner->free(f->inner);
	free(f);
}

static struct faulty *faulty;
static numbering_store *store;
static int64_t now;

static char *call(const char *method, const char *request, int *rc)
{
	char *response = NULL;
	*rc = numbering_store_call_json(&response, store, NULL, method, request);
	ck_assert_ptr_nonnull(response);
	return response;
}

static void call_ok(const char *method, const char *request)
{
	int rc;
	char *response = call(method, request, &rc);
	ck_assert_msg(rc == NUMBERING_OK, "%s %s: %s", method, request, response);
	numbering_free(response);
}

/* Everything the store holds: every record of every kind (instances, metadata,
 * request records), each field and its body in hex, one line each, sorted: equal
 * snapshots mean nothing changed. */
struct lines {
	char **line;
	size_t count, cap;
};

static int snapshot_record(const numbering_record *r, void *payload)
{
	struct lines *l = payload;
	size_t cap = 512 + strlen(r->name) + strlen(r->parent) + 2 * r->body_len;
	for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS; i++)
		cap += r->keys[i] ? strlen(r->keys[i]) + 4 : 4;
	char *line = malloc(cap);
	ck_assert_ptr_nonnull(line);
	int n = snprintf(line, cap, "%d %s|%s f%u s%lld n%d:%llu-%llu e%lld", r->kind, r->name, r->parent, r->flags,
	                 (long long)r->sort_key, r->digits, (unsigned long long)r->first, (unsigned long long)r->last,
	                 (long long)r->expires);
	for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS; i++)
		n += snprintf(line + n, cap - (size_t)n, r->keys[i] ? " k=%s" : " k-", r->keys[i] ? r->keys[i] : "");
	n += snprintf(line + n, cap - (size_t)n, " b");
	for (size_t i = 0; i < r->body_len; i++)
		n += snprintf(line + n, cap - (size_t)n, "%02x", ((const unsigned char *)r->body)[i]);
	if (l->count == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->line = realloc(l->line, l->cap * sizeof(*l->line));
		ck_assert_ptr_nonnull(l->line);
	}
	l->line[l->count++] = line;
	return 0;
}

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *snapshot(void)
{
	struct lines l = {0};
	struct numbering__memory_record_foreach each = {snapshot_record, &l};
	ck_assert_int_eq(faulty->inner->control(faulty->inner, NUMBERING__MEMORY_CONTROL_FOREACH, &each), NUMBERING_OK);
	ck_assert_uint_gt(l.count, 3); /* the instances and the store's metadata */
	qsort(l.line, l.count, sizeof(*l.line), cmp_lines);
	size_t len = 0;
	for (size_t i = 0; i < l.count; i++)
		len += strlen(l.line[i]) + 1;
	char *all = malloc(len + 1), *p = all;
	ck_assert_ptr_nonnull(all);
	for (size_t i = 0; i < l.count; i++) {
		size_t n = strlen(l.line[i]);
		memcpy(p, l.line[i], n);
		p[n] = '\n';
		p += n + 1;
		free(l.line[i]);
	}
	*p = '\0';
	free(l.line);
	return all;
}

static void open_store(void)
{
	faulty = calloc(1, sizeof(*faulty));
	ck_assert_ptr_nonnull(faulty);
	ck_assert_int_eq(numbering_memory_backend_new(&faulty->inner), NUMBERING_OK);
	faulty->base = (numbering_backend){NUMBERING_BACKEND_VERSION, faulty_begin, faulty_commit, faulty_rollback,
	                                   faulty_put, faulty_remove, faulty_get, faulty_find, faulty_list,
	                                   faulty_control, faulty_free};
	faulty->code = NUMBERING_UNAVAILABLE;
	numbering_options options;
	ck_assert_int_eq(numbering_options_init(&options, NUMBERING_OPTIONS_VERSION), NUMBERING_OK);
	options.backend = &faulty->base;
	options.clock = fixture_tick;
	options.clock_payload = &now;
	/* The store then counts instances through control() before each create and split. */
	options.max_instances = 1000;
	now = INT64_C(1767225600000000000);
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);

	call_ok("CreatePhoneNumberInstance", "{\"parent\":\"projects/p1\",\"phoneNumberInstanceId\":\"a\","
	                                     "\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":\"+61255501100\"}}}");
	call_ok("CreatePhoneNumberInstance", "{\"parent\":\"projects/p1\",\"phoneNumberInstanceId\":\"r\","
	                                     "\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":\"+61255502000-99\"}}}");
	call_ok("CreatePhoneNumberInstance",
	        "{\"parent\":\"projects/p1\",\"phoneNumberInstanceId\":\"pend\",\"phoneNumberInstance\":"
	        "{\"phoneNumber\":{\"phoneNumber\":\"+61255503000\"},\"lifecycleState\":\"PENDING\"}}");
	call_ok("SuspendPhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/a\"}");
	call_ok("ResumePhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/a\"}");
	call_ok("AddApplication", "{\"account_id\":\"p1\",\"application_name\":\"app\"}");
	call_ok("AddRule", "{\"account_id\":\"p1\",\"application_name\":\"app\",\"rule_name\":\"r\"}");
	call_ok("ImportAvailableNumbers", "{\"availableNumbers\":[{\"phoneNumber\":\"+12085550200-99\",\"type\":\"LOCAL\",\"capability\":[\"SMS\",\"VOICE\"],"
	                                  "\"monthlyPrice\":{\"currencyCode\":\"USD\",\"amount\":\"1.50\"}}]}");
	call_ok("AdjustBillingAccount", "{\"parent\":\"projects/p1\",\"amount\":{\"currencyCode\":\"USD\","
	                                "\"amount\":\"100.00\"},\"reason\":\"top-up\"}");
	call_ok("NumberService_RentNumber", "{\"projectId\":\"p1\",\"phoneNumber\":\"+12085550201\"}");
}

static void close_store(void)
{
	numbering_store_close(store);
	store = NULL;
	faulty = NULL;
}

/* Every method that reads or writes the store. */
static const char *const operations[][2] = {
    {"ImportAvailableNumbers", "{\"availableNumbers\":[{\"phoneNumber\":\"+12085550100-99\",\"type\":\"LOCAL\","
                               "\"monthlyPrice\":{\"currencyCode\":\"USD\",\"amount\":\"1.50\"}},"
                               "{\"phoneNumber\":\"+12085550300\",\"type\":\"LOCAL\"}]}"},
    {"NumberService_RentNumber", "{\"projectId\":\"p1\",\"phoneNumber\":\"+12085550200\","
                                 "\"voiceConfiguration\":{\"appId\":\"app\"},"
                                 "\"callbackUrl\":\"https://cb.example/callback\"}"},
    {"NumberService_ReleaseNumber", "{\"projectId\":\"p1\",\"phoneNumber\":\"+12085550201\"}"},
    {"AdjustBillingAccount", "{\"parent\":\"projects/p1\",\"amount\":{\"currencyCode\":\"USD\",\"amount\":\"-1.50\"},"
                             "\"reason\":\"refund\",\"requestId\":\"adj-1\"}"},
    {"ReserveAvailableNumbers", "{\"parent\":\"projects/p1\",\"phoneNumbers\":[\"+12085550210\"],\"ttl\":\"900s\"}"},
    {"CreatePhoneNumberPurchase", "{\"parent\":\"projects/p1\",\"phoneNumberPurchase\":{\"friendlyName\":\"f\",\"phoneNumber\":\"+12085550220\","
                                  "\"countryCode\":\"US\"}}"},
    {"RunBilling", "{}"},
    {"CreatePhoneNumberInstance", "{\"parent\":\"projects/p1\",\"phoneNumberInstanceId\":\"n\",\"requestId\":\"q1\","
                                  "\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":\"+61255504000\"}}}"},
    {"GetPhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/a\"}"},
    {"ListPhoneNumberInstances", "{\"parent\":\"projects/p1\",\"prefix\":\"+612555\"}"},
    {"UpdatePhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/a\","
                                  "\"phoneNumberInstance\":{\"displayName\":\"x\"},\"updateMask\":\"displayName\"}"},
    {"DeletePhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/a\"}"},
    {"MovePhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/a\","
                                "\"destinationParent\":\"projects/p2\"}"},
    {"SplitRange", "{\"phoneNumberInstance\":\"projects/p1/phoneNumberInstances/r\",\"size\":20}"},
    {"ActivatePhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/pend\"}"},
    {"SuspendPhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/a\"}"},
    {"ResolvePhoneNumber", "{\"phoneNumber\":\"+61255502050\"}"},
    {"AddApplication", "{\"account_id\":\"p1\",\"application_name\":\"new\"}"},
    {"AddRule", "{\"account_id\":\"p1\",\"application_id\":1,\"rule_name\":\"new\"}"},
    {"DelRule", "{\"account_id\":\"p1\",\"application_name\":\"app\",\"rule_name\":\"r\"}"},
    {"DelApplication", "{\"account_id\":\"p1\",\"application_name\":\"app\"}"},
    {"GetApplications", "{\"account_id\":\"p1\",\"with_rules\":true}"},
    {"SetParentAccount", "{\"account_id\":\"p2\",\"parent_account_id\":\"p1\"}"},
};

#define OPERATION_COUNT (sizeof(operations) / sizeof(operations[0]))

/* _i runs over operation x failing function x (described, undescribed). */
START_TEST(failed_backend_call_fails_cleanly_and_changes_nothing)
{
	size_t op = (size_t)_i / ((FN_COUNT - 1) * 2);
	enum fn fn = (enum fn)(1 + (_i / 2) % (FN_COUNT - 1));
	int describe = _i % 2;
	open_store();
	char *before = snapshot();
	/* A stale error from an earlier call must not pass for the backend's reason. */
	numbering_error_set(NUMBERING_UNAVAILABLE, NULL, "stale error from an earlier call");
	faulty->fail = fn;
	faulty->describe = describe;
	int rc;
	char *response = call(operations[op][0], operations[op][1], &rc);
	faulty->fail = FN_NONE;
	if (rc != NUMBERING_OK) {
		ck_assert_msg(rc == NUMBERING_UNAVAILABLE, "%s with %s failing: %d %s", operations[op][0], fn_names[fn], rc,
		              response);
		ck_assert_ptr_nonnull(strstr(response, "\"status\":\"UNAVAILABLE\""));
		ck_assert_ptr_null(strstr(response, "stale error"));
		char expected[96];
		if (describe)
			snprintf(expected, sizeof(expected), "faulty backend: injected %s", fn_names[fn]);
		else
			snprintf(expected, sizeof(expected), "storage backend: %s failed with UNAVAILABLE and gave no reason",
			         fn_names[fn]);
		ck_assert_msg(strstr(response, expected) != NULL, "%s with %s failing: %s", operations[op][0],
		              fn_names[fn], response);
		char *after = snapshot();
		ck_assert_str_eq(after, before);
		free(after);
	}
	numbering_free(response);
	free(before);
	close_store();
}
END_TEST

/* The nth backend call of an operation fails, for n = 1 .. until the operation makes
 * fewer calls: each failure is the backend's, changes nothing, and leaves the store as
 * it was in memory too: the operation then answers as it does on a store that never
 * failed. */
START_TEST(nth_backend_call_fails_cleanly_and_a_retry_answers_as_without_it)
{
	const char *method = operations[_i][0], *request = operations[_i][1];
	open_store();
	int expected;
	numbering_free(call(method, request, &expected));
	close_store();
	for (long n = 1;; n++) {
		open_store();
		char *before = snapshot();
		faulty->nth = n;
		faulty->calls = 0;
		faulty->fired = FN_NONE;
		faulty->describe = (int)(n % 2);
		int rc;
		char *response = call(method, request, &rc);
		faulty->nth = 0;
		enum fn fired = faulty->fired;
		if (fired != FN_NONE && rc != NUMBERING_OK && rc != expected) {
			ck_assert_msg(rc == NUMBERING_UNAVAILABLE && strstr(response, "\"status\":\"UNAVAILABLE\"") != NULL,
			              "%s with call %ld (%s) failing: %d %s", method, n, fn_names[fired], rc, response);
			char *after = snapshot();
			ck_assert_msg(strcmp(after, before) == 0, "%s with call %ld (%s) failing changed the store", method, n,
			              fn_names[fired]);
			free(after);
			numbering_free(response);
			response = call(method, request, &rc);
			ck_assert_msg(rc == expected, "%s after call %ld (%s) failed: %d, not %d: %s", method, n,
			              fn_names[fired], rc, expected, response);
		}
		numbering_free(response);
		free(before);
		close_store();
		if (fired == FN_NONE)
			break;
		ck_assert_msg(n < 200, "%s: still calling its backend after 200 calls", method);
	}
}
END_TEST

/* NOT_FOUND is what get, find and remove answer for a record that is not there; from
 * begin, commit, put, list or control it is a failure like another, and one the backend
 * did not describe is reported naming the function, never with a stale message nor as
 * "OK". */
START_TEST(not_found_from_another_function_is_reported_as_a_failure)
{
	static const enum fn fns[] = {FN_BEGIN, FN_COMMIT, FN_PUT, FN_LIST, FN_CONTROL};
	size_t op = (size_t)_i / (sizeof(fns) / sizeof(fns[0]));
	enum fn fn = fns[(size_t)_i % (sizeof(fns) / sizeof(fns[0]))];
	open_store();
	char *before = snapshot();
	numbering_error_set(NUMBERING_UNAVAILABLE, NULL, "stale error from an earlier call");
	faulty->fail = fn;
	faulty->code = NUMBERING_NOT_FOUND;
	int rc;
	char *response = call(operations[op][0], operations[op][1], &rc);
	faulty->fail = FN_NONE;
	if (rc != NUMBERING_OK) {
		char status[64];
		snprintf(status, sizeof(status), "\"status\":\"%s\"", numbering_status_name(rc));
		ck_assert_msg(strstr(response, status) != NULL && strstr(response, "stale error") == NULL,
		              "%s with %s answering NOT_FOUND: %d %s", operations[op][0], fn_names[fn], rc, response);
		char expected[96];
		snprintf(expected, sizeof(expected), "storage backend: %s failed with NOT_FOUND and gave no reason",
		         fn_names[fn]);
		ck_assert_msg(rc != NUMBERING_NOT_FOUND || strstr(response, expected) != NULL,
		              "%s with %s answering NOT_FOUND: %s", operations[op][0], fn_names[fn], response);
		char *after = snapshot();
		ck_assert_str_eq(after, before);
		free(after);
	}
	numbering_free(response);
	free(before);
	close_store();
}
END_TEST

/* A put refused as holding a held number when, looked for after, none is held (another
 * connection let go of it, or the backend is wrong): the import is still refused as
 * ALREADY_EXISTS, naming the item, not with find's NOT_FOUND as its error. */
START_TEST(import_refused_by_put_names_the_item_when_no_holder_is_found)
{
	open_store();
	char *before = snapshot();
	faulty->fail = FN_PUT;
	faulty->code = NUMBERING_ALREADY_EXISTS;
	int rc;
	char *response = call("ImportAvailableNumbers",
	                      "{\"availableNumbers\":[{\"phoneNumber\":\"+12085550500\",\"type\":\"LOCAL\"}]}", &rc);
	faulty->fail = FN_NONE;
	ck_assert_msg(rc == NUMBERING_ALREADY_EXISTS && strstr(response, "\"status\":\"ALREADY_EXISTS\"") != NULL &&
	                  strstr(response, "\"field\":\"availableNumbers[0]\"") != NULL &&
	                  strstr(response, "+12085550500") != NULL,
	              "%d %s", rc, response);
	numbering_free(response);
	char *after = snapshot();
	ck_assert_str_eq(after, before);
	free(after);
	free(before);
	close_store();
}
END_TEST

/* A host's backend that visits another record than the one asked for (get of a, the
 * record of r; list of projects/p1, the records of projects/p2; find of +61255501100,
 * the holder of +61255502050) fails the call INTERNAL naming both, and nothing is
 * shown, changed or routed as the record asked for. */
START_TEST(backend_visiting_another_record_than_asked_fails_the_call)
{
	static const struct {
		int lie;
		const char *method, *request, *said;
	} cases[] = {
	    {LIE_GET, "GetPhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/a\"}",
	     "get of kind 3 named \\\"projects/p1/phoneNumberInstances/a\\\" visited the record "
	     "\\\"projects/p1/phoneNumberInstances/r\\\" (kind 3), of another name"},
	    {LIE_GET, "UpdatePhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/a\","
	                                         "\"phoneNumberInstance\":{\"displayName\":\"x\"},\"updateMask\":\"displayName\"}",
	     "of another name"},
	    {LIE_GET, "DeletePhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/a\"}", "of another name"},
	    {LIE_LIST, "ListPhoneNumberInstances", "{\"parent\":\"projects/p1\"}",
	     "list of kind 3 under \\\"projects/p1\\\" visited the record \\\"projects/p2/phoneNumberInstances/b\\\" "
	     "(kind 3), of another parent"},
	    {LIE_FIND, "ResolvePhoneNumber", "{\"phoneNumber\":\"+61255501100\"}",
	     "find of the 11-digit numbers 61255501100 .. 61255501100 visited the record "
	     "\\\"projects/p1/phoneNumberInstances/r\\\" (kind 3), holding none of the numbers asked"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		open_store();
		call_ok("CreatePhoneNumberInstance", "{\"parent\":\"projects/p2\",\"phoneNumberInstanceId\":\"b\","
		                                     "\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":\"+61255506000\"}}}");
		char *before = snapshot();
		faulty->lie = cases[i].lie;
		int rc;
		char *response = call(cases[i].method, cases[i].request, &rc);
		faulty->lie = LIE_NONE;
		ck_assert_msg(rc == NUMBERING_INTERNAL && strstr(response, cases[i].said) != NULL, "%s: %d %s",
		              cases[i].method, rc, response);
		char *after = snapshot();
		ck_assert_str_eq(after, before);
		free(after);
		free(before);
		numbering_free(response);
		close_store();
	}
}
END_TEST

/* A backend of a version before the record store, or with a required function NULL,
 * is refused at open naming what it lacks (and freed: the store owns it). */
START_TEST(unusable_backend_is_refused_naming_what_it_lacks)
{
	static const char *const names[] = {"begin", "commit", "rollback", "put", "remove", "get", "find", "list"};
	for (int i = -1; i < (int)(sizeof(names) / sizeof(names[0])); i++) {
		struct faulty *f = calloc(1, sizeof(*f));
		ck_assert_ptr_nonnull(f);
		ck_assert_int_eq(numbering_memory_backend_new(&f->inner), NUMBERING_OK);
		f->base = (numbering_backend){NUMBERING_BACKEND_VERSION, faulty_begin, faulty_commit, faulty_rollback,
		                              faulty_put, faulty_remove, faulty_get, faulty_find, faulty_list,
		                              faulty_control, faulty_free};
		if (i < 0)
			f->base.version = 1;
		else if (i == 0)
			f->base.begin = NULL;
		else if (i == 1)
			f->base.commit = NULL;
		else if (i == 2)
			f->base.rollback = NULL;
		else if (i == 3)
			f->base.put = NULL;
		else if (i == 4)
			f->base.remove = NULL;
		else if (i == 5)
			f->base.get = NULL;
		else if (i == 6)
			f->base.find = NULL;
		else
			f->base.list = NULL;
		numbering_options options = NUMBERING_OPTIONS_INIT;
		options.backend = &f->base;
		numbering_store *s = NULL;
		ck_assert_int_eq(numbering_store_open(&s, &options), NUMBERING_INVALID_ARGUMENT);
		ck_assert_ptr_null(s);
		char field[32], needle[64];
		snprintf(field, sizeof(field), "backend.%s", i < 0 ? "version" : names[i]);
		snprintf(needle, sizeof(needle), i < 0 ? "has version 1: this library needs 2" : "backend's %s is NULL",
		         i < 0 ? "" : names[i]);
		ck_assert_int_eq(numbering_error_violation_count(), 1);
		ck_assert_str_eq(numbering_error_violation_field(0), field);
		ck_assert_msg(strstr(numbering_error_message(), needle) != NULL, "%s", numbering_error_message());
	}
}
END_TEST

/* A record a host's backend flags as vouched for (the flag the file backend sets on what
 * its shared index vouches for) is read with every check all the same: a display name
 * holding a NUL is damage, not an answer. */
START_TEST(host_backend_cannot_vouch_for_a_record)
{
	open_store();
	call_ok("CreatePhoneNumberInstance", "{\"parent\":\"projects/p1\",\"phoneNumberInstanceId\":\"q\","
	                                     "\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":\"+61255507000\"},"
	                                     "\"displayName\":\"QQQQ\"}}");
	faulty->lie = LIE_VOUCH;
	int rc;
	char *response = call("GetPhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/q\"}", &rc);
	faulty->lie = LIE_NONE;
	ck_assert_msg(rc == NUMBERING_DATA_LOSS && strstr(response, "display_name") != NULL, "%d %s", rc, response);
	numbering_free(response);
	ck_assert_int_eq(store->vouching, 0);
	close_store();
	/* The file backend, whose shared index vouches, is believed (its readers' fast path). */
	char dir[256], path[300];
	ck_assert_msg(temp_dir_make(dir, sizeof(dir), "vouch") == 0, "%s: %s", temp_dir_base(), strerror(errno));
	snprintf(path, sizeof(path), "%s/s.db", dir);
	numbering_options options = NUMBERING_OPTIONS_INIT;
	ck_assert_int_eq(numbering_file_backend_new(&options.backend, path, NULL), NUMBERING_OK);
	numbering_store *file_store = NULL;
	ck_assert_int_eq(numbering_store_open(&file_store, &options), NUMBERING_OK);
	ck_assert_int_eq(file_store->vouching, 1);
	numbering_store_close(file_store);
	temp_dir_remove(dir);
}
END_TEST

/* The operations that must fail when a given backend function fails: a test that
 * injected faults nowhere would pass the loop above vacuously. */
START_TEST(writes_fail_when_the_backend_cannot_write)
{
	static const struct {
		const char *method;
		enum fn fn;
	} must_fail[] = {
	    {"CreatePhoneNumberInstance", FN_PUT},    {"CreatePhoneNumberInstance", FN_COMMIT},
	    {"UpdatePhoneNumberInstance", FN_PUT},
	    {"DeletePhoneNumberInstance", FN_COMMIT}, {"MovePhoneNumberInstance", FN_REMOVE},
	    {"SplitRange", FN_PUT},                   {"ActivatePhoneNumberInstance", FN_BEGIN},
	    {"GetPhoneNumberInstance", FN_GET},       {"ListPhoneNumberInstances", FN_LIST},
	    {"ResolvePhoneNumber", FN_FIND},          {"CreatePhoneNumberInstance", FN_CONTROL},
	    {"SplitRange", FN_CONTROL},
	    {"AddApplication", FN_PUT},               {"AddRule", FN_GET},
	    {"DelRule", FN_REMOVE},                   {"DelApplication", FN_COMMIT},
	    {"GetApplications", FN_LIST},             {"SetParentAccount", FN_GET},
	};
	for (size_t i = 0; i < sizeof(must_fail) / sizeof(must_fail[0]); i++) {
		size_t op = 0;
		while (strcmp(operations[op][0], must_fail[i].method) != 0)
			op++;
		open_store();
		faulty->fail = must_fail[i].fn;
		int rc;
		char *response = call(operations[op][0], operations[op][1], &rc);
		ck_assert_msg(rc == NUMBERING_UNAVAILABLE, "%s with %s failing: %s", must_fail[i].method,
		              fn_names[must_fail[i].fn], response);
		numbering_free(response);
		close_store();
	}
}
END_TEST

/* A create asks no find() when its numbers are free (the put refuses held ones); it
 * looks for the holder when the put is refused, and fails cleanly when that fails. */
START_TEST(create_of_held_numbers_fails_when_find_fails)
{
	open_store();
	char *before = snapshot();
	static const char request[] = "{\"parent\":\"projects/p1\",\"phoneNumberInstanceId\":\"b\","
	                              "\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":\"+61255502050\"}}}";
	int rc;
	char *response = call("CreatePhoneNumberInstance", request, &rc);
	ck_assert_msg(rc == NUMBERING_ALREADY_EXISTS && strstr(response, "projects/p1/phoneNumberInstances/r") != NULL,
	              "%s", response);
	numbering_free(response);
	faulty->fail = FN_FIND;
	faulty->describe = 1;
	response = call("CreatePhoneNumberInstance", request, &rc);
	faulty->fail = FN_NONE;
	ck_assert_msg(rc == NUMBERING_UNAVAILABLE && strstr(response, "faulty backend: injected find") != NULL, "%s",
	              response);
	numbering_free(response);
	char *after = snapshot();
	ck_assert_str_eq(after, before);
	free(after);
	/* Free numbers: no find is asked, so its failing changes nothing. */
	faulty->fail = FN_FIND;
	response = call("CreatePhoneNumberInstance",
	                "{\"parent\":\"projects/p1\",\"phoneNumberInstanceId\":\"c\","
	                "\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":\"+61255505000\"}}}",
	                &rc);
	faulty->fail = FN_NONE;
	ck_assert_msg(rc == NUMBERING_OK, "%s", response);
	numbering_free(response);
	free(before);
	close_store();
}
END_TEST

START_TEST(return_value_that_is_not_a_status_code_is_internal)
{
	static const int bogus[] = {-1, 17, 1000};
	for (size_t i = 0; i < sizeof(bogus) / sizeof(bogus[0]); i++) {
		open_store();
		faulty->fail = FN_FIND;
		faulty->code = bogus[i];
		numbering_resolution *resolution = NULL;
		ck_assert_int_eq(numbering_resolution_new(&resolution), NUMBERING_OK);
		ck_assert_int_eq(numbering_store_resolve(resolution, store, NULL, "+61255501100", NULL), NUMBERING_INTERNAL);
		char expected[64];
		snprintf(expected, sizeof(expected), "find returned %d, which is not a status code", bogus[i]);
		ck_assert_msg(strstr(numbering_error_message(), expected) != NULL, "%s", numbering_error_message());
		numbering_resolution_free(resolution);
		close_store();
	}
}
END_TEST

START_TEST(error_set_describes_the_failure)
{
	ck_assert_int_eq(numbering_error_set(NUMBERING_DATA_LOSS, "phone_number", "checksum mismatch at 4096"),
	                 NUMBERING_DATA_LOSS);
	ck_assert_int_eq(numbering_error_code(), NUMBERING_DATA_LOSS);
	ck_assert_str_eq(numbering_error_message(), "checksum mismatch at 4096");
	ck_assert_int_eq(numbering_error_violation_count(), 1);
	ck_assert_str_eq(numbering_error_violation_field(0), "phone_number");
	ck_assert_int_eq(numbering_error_set(NUMBERING_UNAVAILABLE, NULL, NULL), NUMBERING_UNAVAILABLE);
	ck_assert_str_eq(numbering_error_message(), "UNAVAILABLE");
	ck_assert_int_eq(numbering_error_violation_count(), 0);
	/* OK describes nothing and keeps the error there was. */
	ck_assert_int_eq(numbering_error_set(NUMBERING_OK, NULL, "ignored"), NUMBERING_OK);
	ck_assert_int_eq(numbering_error_code(), NUMBERING_UNAVAILABLE);
	numbering_error_clear();
}
END_TEST

Suite *backend_errors_suite(void)
{
	Suite *s = suite_create("backend_errors");
	TCase *tc = tcase_create("failures");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, failed_backend_call_fails_cleanly_and_changes_nothing, 0,
	                    (int)(OPERATION_COUNT * (FN_COUNT - 1) * 2));
	tcase_add_loop_test(tc, nth_backend_call_fails_cleanly_and_a_retry_answers_as_without_it, 0, (int)OPERATION_COUNT);
	tcase_add_loop_test(tc, not_found_from_another_function_is_reported_as_a_failure, 0, (int)(OPERATION_COUNT * 5));
	tcase_add_test(tc, import_refused_by_put_names_the_item_when_no_holder_is_found);
	tcase_add_test(tc, backend_visiting_another_record_than_asked_fails_the_call);
	tcase_add_test(tc, unusable_backend_is_refused_naming_what_it_lacks);
	tcase_add_test(tc, host_backend_cannot_vouch_for_a_record);
	tcase_add_test(tc, writes_fail_when_the_backend_cannot_write);
	tcase_add_test(tc, create_of_held_numbers_fails_when_find_fails);
	tcase_add_test(tc, return_value_that_is_not_a_status_code_is_internal);
	tcase_add_test(tc, error_set_describes_the_failure);
	suite_add_tcase(s, tc);
	return s;
}
