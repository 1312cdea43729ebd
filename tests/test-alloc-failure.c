/*
 * Allocation failure: an allocator hook (numbering_set_allocator) fails the n-th
 * allocation, for n = 1, 2, ... until a run of the scenario completes without the
 * failure firing (libuv's and SQLite's fault loops). Every call must succeed or give
 * RESOURCE_EXHAUSTED, and afterwards the store must agree with what the calls
 * reported: created instances exist, failed changes left no trace, resolve and list
 * agree. Leaks are LeakSanitizer's (ASan build) or valgrind's to report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <numbering/numbering.h>
#include <numbering/sys/backend.h>
#include <numbering/sys/file.h>
#include <sodium.h>

#include "suites.h"
#include "temp-dir.h"

#define P1 "projects/p1"
#define P2 "projects/p2"
#define EPOCH INT64_C(1767225600000000000)
/* A scenario this size has a few thousand allocation points; more means a loop. */
#define MAX_RUNS 20000

/* The failing allocator: counts allocations and fails the fail_at-th (0: none), or
 * with persistent set, that one and every later one (a heap that stays full). */
static struct failer {
	long count;
	long fail_at;
	int persistent;
	long fired;  /* injected failures so far */
	int paused;  /* count nothing, fail nothing (the checks' own calls) */
} failer;

static int should_fail(struct failer *f)
{
	if (f->paused)
		return 0;
	f->count++;
	if (f->fail_at == 0 || f->count < f->fail_at || (f->count > f->fail_at && !f->persistent))
		return 0;
	f->fired++;
	return 1;
}

static void *fail_malloc(size_t size, void *payload)
{
	return should_fail(payload) ? NULL : malloc(size);
}

static void *fail_realloc(void *ptr, size_t size, void *payload)
{
	return should_fail(payload) ? NULL : realloc(ptr, size);
}

static void fail_free(void *ptr, void *payload)
{
	(void)payload;
	free(ptr);
}

static void failer_install(long fail_at, int persistent)
{
	memset(&failer, 0, sizeof(failer));
	failer.fail_at = fail_at;
	failer.persistent = persistent;
	numbering_allocator allocator = {NUMBERING_ALLOCATOR_VERSION, fail_malloc, fail_realloc, fail_free, &failer};
	ck_assert_int_eq(numbering_set_allocator(&allocator), NUMBERING_OK);
}

/* What the scenario believes: one entry per instance a call tried to create. */
struct model {
	char name[200];
	const char *number; /* first number, for resolve */
	int exists;
	int state;
	int64_t size;
	char display_name[64];
};

struct run {
	long n;
	numbering_store *store;
	int64_t now;
	numbering_backend *backend; /* the file backend under the store, for control() */
	struct model m[16];
	int count;
};

static int64_t fake_clock(void *payload)
{
	struct run *r = payload;
	r->now += 1000000000;
	return r->now;
}

/* rc is @expected, or RESOURCE_EXHAUSTED when a failure was injected during the call. */
static int check(struct run *r, int rc, int expected, long fired_before, const char *what)
{
	int injected = failer.fired > fired_before;
	ck_assert_msg(rc == expected || (rc == NUMBERING_RESOURCE_EXHAUSTED && injected),
	              "n=%ld %s: got %s (%s), want %s%s", r->n, what, numbering_status_name(rc), numbering_error_message(),
	              numbering_status_name(expected), injected ? " or RESOURCE_EXHAUSTED" : "");
	return rc == expected;
}

/* The failures fired before the call: the comma operator reads it first. */
static long fired_mark;
#define CALL(r, expected, what, call) \
	(fired_mark = failer.fired, check((r), (call), (expected), fired_mark, (what)))

static struct model *model_add(struct run *r, const char *name, const char *number, int64_t size, int state)
{
	ck_assert_int_lt(r->count, (int)(sizeof(r->m) / sizeof(r->m[0])));
	struct model *m = &r->m[r->count++];
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->number = number;
	m->size = size;
	m->state = state;
	return m;
}

static struct model *model_find(struct run *r, const char *name)
{
	for (int i = 0; i < r->count; i++)
		if (strcmp(r->m[i].name, name) == 0)
			return &r->m[i];
	return NULL;
}

/* A create request; NULL when a setter ran out of memory (the create is then skipped). */
static numbering_instance *request(struct run *r, const char *number, int64_t size, const char *display_name,
                                   int with_handlers)
{
	numbering_instance *q = NULL;
	if (!CALL(r, NUMBERING_OK, "instance_new", numbering_instance_new(&q)))
		return NULL;
	int ok = CALL(r, NUMBERING_OK, "set_phone_number", numbering_instance_set_phone_number(q, number));
	if (ok && size > 0)
		ok = CALL(r, NUMBERING_OK, "set_range_size", numbering_instance_set_range_size(q, size));
	if (ok && display_name)
		ok = CALL(r, NUMBERING_OK, "set_display_name", numbering_instance_set_display_name(q, display_name));
	if (ok && with_handlers) {
		ok = CALL(r, NUMBERING_OK, "set_label", numbering_instance_set_label(q, "site", "sydney"));
		if (ok)
			ok = CALL(r, NUMBERING_OK, "set_label", numbering_instance_set_label(q, "team", "support"));
		if (ok)
			ok = CALL(r, NUMBERING_OK, "add_call_handler",
			          numbering_instance_add_call_handler(q, "sip:reception@pbx.example.com"));
		if (ok)
			ok = CALL(r, NUMBERING_OK, "add_message_handler",
			          numbering_instance_add_message_handler(q, "https://hooks.example.com/sms"));
	}
	if (!ok) {
		numbering_instance_free(q);
		return NULL;
	}
	return q;
}

/* Creates @number as @id (NULL: generated) and records the outcome in the model. */
/* Creates @number as @id (NULL: generated), expecting @expected, and records the
 * outcome in the model. A retried request id answers with the model's entry. */
static struct model *create_expect(struct run *r, int expected, const char *parent, const char *id,
                                   const char *number, int64_t size, const char *request_id, int state,
                                   int with_handlers)
{
	numbering_instance *q = request(r, number, size, "Office", with_handlers);
	if (q == NULL)
		return NULL;
	if (state != NUMBERING_LIFECYCLE_ACTIVE &&
	    !CALL(r, NUMBERING_OK, "set_lifecycle_state", numbering_instance_set_lifecycle_state(q, state))) {
		numbering_instance_free(q);
		return NULL;
	}
	numbering_instance *out = NULL;
	char name[200];
	snprintf(name, sizeof(name), "%s/phoneNumberInstances/%s", parent, id ? id : "?");
	int ok = CALL(r, expected, "create", numbering_store_create(&out, r->store, NULL, parent, q, id, request_id, NULL)) &&
	         expected == NUMBERING_OK;
	numbering_instance_free(q);
	ck_assert_msg(ok == (out != NULL), "n=%ld create: *out does not match the status", r->n);
	struct model *seen = ok ? model_find(r, numbering_instance_name(out)) : NULL;
	if (seen != NULL) {
		ck_assert_msg(seen->exists, "n=%ld create: a retry answered with %s, which failed", r->n, seen->name);
		numbering_instance_free(out);
		return seen;
	}
	if (id == NULL && !ok)
		return NULL; /* a failed create with a generated id: list proves nothing appeared */
	struct model *m = model_add(r, ok ? numbering_instance_name(out) : name, number, size > 0 ? size : 1, state);
	m->exists = ok;
	snprintf(m->display_name, sizeof(m->display_name), "Office");
	numbering_instance_free(out);
	return m;
}

static struct model *create(struct run *r, const char *parent, const char *id, const char *number, int64_t size,
                            const char *request_id, int state, int with_handlers)
{
	return create_expect(r, NUMBERING_OK, parent, id, number, size, request_id, state, with_handlers);
}

/* A write through the C API on an instance the model holds: OK or RESOURCE_EXHAUSTED. */
typedef int (*name_op)(numbering_instance **out, numbering_store *store, const char *caller, const char *name);

static int transition(struct run *r, struct model *m, name_op op, int to, const char *what)
{
	if (m == NULL || !m->exists)
		return 0;
	numbering_instance *out = NULL;
	int ok = CALL(r, NUMBERING_OK, what, op(&out, r->store, NULL, m->name));
	ck_assert_msg(ok == (out != NULL), "n=%ld %s: *out does not match the status", r->n, what);
	if (ok) {
		ck_assert_int_eq(numbering_instance_lifecycle_state(out), to);
		m->state = to;
	}
	numbering_instance_free(out);
	return ok;
}

static void list_all(struct run *r, const char *parent, const char *prefix, int check_model);

static int json_call(struct run *r, const char *method, const char *body, int expected)
{
	char *response = NULL;
	long fired = failer.fired;
	int rc = numbering_store_call_json(&response, r->store, NULL, method, body);
	check(r, rc, expected, fired, method);
	/* NULL only when even the error body could not be allocated. */
	if (response == NULL)
		ck_assert_msg(rc == NUMBERING_RESOURCE_EXHAUSTED, "n=%ld %s: no response for %s", r->n, method,
		              numbering_status_name(rc));
	else if (rc != NUMBERING_OK)
		ck_assert_msg(strstr(response, numbering_status_name(rc)) != NULL, "n=%ld %s: body %s for %s", r->n, method,
		              response, numbering_status_name(rc));
	numbering_free(response);
	return rc;
}

/* The scenario: every operation once, against a model of what it did. */
static void scenario(struct run *r)
{
	struct model *a = create(r, P1, "a", "+61255501100", 0, NULL, NUMBERING_LIFECYCLE_ACTIVE, 1);
	struct model *range = create(r, P1, "r", "+61255502000", 100, NULL, NUMBERING_LIFECYCLE_ACTIVE, 0);
	struct model *b = create(r, P1, NULL, "+61255501101", 0, "req-b", NUMBERING_LIFECYCLE_ACTIVE, 0);
	struct model *c = create(r, P1, "c", "02 5550 1102", 0, NULL, NUMBERING_LIFECYCLE_PENDING, 0);
	create(r, P2, "d", "+61255503000", 10, NULL, NUMBERING_LIFECYCLE_ACTIVE, 1);
	/* A retry of b's request, and a number someone holds (error paths allocate too). */
	struct model *b2 = create(r, P1, NULL, "+61255501101", 0, "req-b", NUMBERING_LIFECYCLE_ACTIVE, 0);
	if (b == NULL || !b->exists)
		b = b2;
	create_expect(r, a != NULL && a->exists ? NUMBERING_ALREADY_EXISTS : NUMBERING_OK, P1, "dup", "+61255501100", 0,
	              NULL, NUMBERING_LIFECYCLE_ACTIVE, 0);

	/* Get. */
	if (a != NULL && a->exists) {
		numbering_instance *out = NULL;
		if (CALL(r, NUMBERING_OK, "get", numbering_store_get(&out, r->store, NULL, a->name)))
			ck_assert_str_eq(numbering_instance_display_name(out), "Office");
		numbering_instance_free(out);
	}
	/* The backend author's codec, on a copy of a. */
	if (a != NULL && a->exists) {
		numbering_instance *out = NULL, *copy = NULL, *decoded = NULL;
		uint8_t *bytes = NULL;
		size_t len = 0;
		failer.paused = 1;
		ck_assert_int_eq(numbering_store_get(&out, r->store, NULL, a->name), NUMBERING_OK);
		failer.paused = 0;
		if (CALL(r, NUMBERING_OK, "instance_copy", numbering_instance_copy(&copy, out)) &&
		    CALL(r, NUMBERING_OK, "instance_encode", numbering_instance_encode(&bytes, &len, copy)) &&
		    CALL(r, NUMBERING_OK, "instance_new", numbering_instance_new(&decoded)) &&
		    CALL(r, NUMBERING_OK, "instance_decode", numbering_instance_decode(decoded, bytes, len)))
			ck_assert_str_eq(numbering_instance_call_handler(decoded, 0), "sip:reception@pbx.example.com");
		numbering_free(bytes);
		numbering_instance_free(decoded);
		numbering_instance_free(copy);
		numbering_instance_free(out);
	}
	numbering_number *number = NULL;
	numbering_range *numbers = NULL;
	if (CALL(r, NUMBERING_OK, "number_new", numbering_number_new(&number)))
		CALL(r, NUMBERING_OK, "e164_parse", numbering_e164_parse(number, "(02) 5550 1100", "AU"));
	if (CALL(r, NUMBERING_OK, "range_new", numbering_range_new(&numbers)))
		CALL(r, NUMBERING_OK, "e164_parse_range", numbering_e164_parse_range(numbers, "+61255501100-99", NULL));
	numbering_number_free(number);
	numbering_range_free(numbers);

	/* List with a page token and a prefix, the library's own allocations counted. */
	list_all(r, P1, NULL, 0);
	list_all(r, P1, "025550", 0);

	/* Update: display name and labels. */
	if (a != NULL && a->exists) {
		numbering_instance *q = request(r, "+61255501100", 0, "Reception", 0), *out = NULL;
		if (q != NULL && CALL(r, NUMBERING_OK, "set_label", numbering_instance_set_label(q, "floor", "3")) &&
		    CALL(r, NUMBERING_OK, "update",
		         numbering_store_update(&out, r->store, NULL, a->name, q, "display_name,labels"))) {
			ck_assert_str_eq(numbering_instance_display_name(out), "Reception");
			snprintf(a->display_name, sizeof(a->display_name), "Reception");
		}
		numbering_instance_free(out);
		numbering_instance_free(q);
	}
	/* Split the range 40 / 60. */
	if (range != NULL && range->exists) {
		numbering_instance *first = NULL, *second = NULL;
		if (CALL(r, NUMBERING_OK, "split",
		         numbering_store_split_range(&first, &second, r->store, NULL, range->name, 40))) {
			range->size = 40;
			struct model *m = model_add(r, numbering_instance_name(second), "+61255502040", 60, range->state);
			m->exists = 1;
			snprintf(m->display_name, sizeof(m->display_name), "Office");
		}
		numbering_instance_free(first);
		numbering_instance_free(second);
	}
	/* Move b to p2. */
	if (b != NULL && b->exists) {
		numbering_instance *out = NULL;
		if (CALL(r, NUMBERING_OK, "move", numbering_store_move(&out, r->store, NULL, b->name, P2, NULL))) {
			b->exists = 0;
			struct model *m = model_add(r, numbering_instance_name(out), b->number, 1, b->state);
			m->exists = 1;
			snprintf(m->display_name, sizeof(m->display_name), "Office");
		}
		numbering_instance_free(out);
	}
	/* Lifecycle. */
	if (transition(r, c, numbering_store_activate, NUMBERING_LIFECYCLE_ACTIVE, "activate") &&
	    transition(r, c, numbering_store_suspend, NUMBERING_LIFECYCLE_SUSPENDED, "suspend"))
		transition(r, c, numbering_store_resume, NUMBERING_LIFECYCLE_ACTIVE, "resume");
	transition(r, a, numbering_store_delete, NUMBERING_LIFECYCLE_DELETED, "delete");

	/* Resolve: a number inside the split-off half, and one nobody holds. */
	numbering_resolution *resolution = NULL;
	if (CALL(r, NUMBERING_OK, "resolution_new", numbering_resolution_new(&resolution))) {
		struct model *owner = NULL;
		for (int i = 0; i < r->count; i++)
			if (r->m[i].exists && strcmp(r->m[i].number, "+61255502040") == 0)
				owner = &r->m[i];
		if (owner == NULL && range != NULL && range->exists)
			owner = range;
		int rc = CALL(r, owner ? NUMBERING_OK : NUMBERING_NOT_FOUND, "resolve",
		              numbering_store_resolve(resolution, r->store, NULL, "+61255502050", NULL));
		if (rc && owner)
			ck_assert_str_eq(numbering_instance_name(numbering_resolution_instance(resolution)), owner->name);
		CALL(r, NUMBERING_NOT_FOUND, "resolve", numbering_store_resolve(resolution, r->store, NULL, "+61299990000", NULL));
		numbering_resolution_free(resolution);
	}

	/* The JSON entry point. A write there can commit and then fail to render its
	 * response: the documented recovery is to retry with the same request id. */
	json_call(r, "GetPhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/nope\"}",
	          NUMBERING_NOT_FOUND);
	json_call(r, "ListPhoneNumberInstances", "{\"parent\":\"projects/p1\",\"pageSize\":2}", NUMBERING_OK);
	json_call(r, "ResolvePhoneNumber", "{\"phoneNumber\":\"+61299990000\"}", NUMBERING_NOT_FOUND);
	json_call(r, "CreatePhoneNumberInstance", "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":",
	          NUMBERING_INVALID_ARGUMENT);
	json_call(r, "CreatePhoneNumberInstance", "{\"parent\":\"projects/p1\",\"bogus\":1}",
	          NUMBERING_INVALID_ARGUMENT);
	json_call(r, "NoSuchMethod", "{}", NUMBERING_UNIMPLEMENTED);
	const char *create_j = "{\"parent\":\"projects/p1\",\"phoneNumberInstanceId\":\"j\",\"requestId\":\"req-j\","
	                       "\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":\"+61255501200\"},"
	                       "\"displayName\":\"Office\",\"labels\":{\"k\":\"v\"},"
	                       "\"incomingCallHandlerUris\":[\"sip:j@pbx.example.com\"]}}";
	char *response = NULL;
	int rc = NUMBERING_RESOURCE_EXHAUSTED;
	for (int attempt = 0; attempt < 3 && rc == NUMBERING_RESOURCE_EXHAUSTED; attempt++) {
		long fired = failer.fired;
		rc = numbering_store_call_json(&response, r->store, NULL, "CreatePhoneNumberInstance", create_j);
		check(r, rc, NUMBERING_OK, fired, "CreatePhoneNumberInstance");
		numbering_free(response);
		response = NULL;
	}
	struct model *j = model_add(r, "projects/p1/phoneNumberInstances/j", "+61255501200", 1, NUMBERING_LIFECYCLE_ACTIVE);
	j->exists = rc == NUMBERING_OK;
	if (!failer.persistent) {
		ck_assert_msg(rc == NUMBERING_OK, "n=%ld: the retried JSON create did not converge", r->n);
	} else if (rc != NUMBERING_OK) {
		/* Every retry failed too: whether the first one committed, get tells. */
		numbering_instance *out = NULL;
		failer.paused = 1;
		j->exists = numbering_store_get(&out, r->store, NULL, j->name) == NUMBERING_OK;
		failer.paused = 0;
		numbering_instance_free(out);
	}
	snprintf(j->display_name, sizeof(j->display_name), "Office");

	/* A JSON update whose response could not be rendered may have committed: the
	 * store says which. */
	if (j->exists && json_call(r, "UpdatePhoneNumberInstance",
	                           "{\"name\":\"projects/p1/phoneNumberInstances/j\",\"updateMask\":\"displayName\","
	                           "\"phoneNumberInstance\":{\"displayName\":\"Desk\"}}",
	                           NUMBERING_OK) != NUMBERING_OK) {
		numbering_instance *out = NULL;
		failer.paused = 1;
		ck_assert_int_eq(numbering_store_get(&out, r->store, NULL, j->name), NUMBERING_OK);
		failer.paused = 0;
		snprintf(j->display_name, sizeof(j->display_name), "%s", numbering_instance_display_name(out));
		numbering_instance_free(out);
	} else if (j->exists) {
		snprintf(j->display_name, sizeof(j->display_name), "Desk");
	}

	/* The policy parser, and the error body. */
	numbering_policy *policy = NULL;
	CALL(r, NUMBERING_OK, "policy_parse",
	     numbering_policy_parse(&policy, "{\"bindings\":[{\"project\":\"projects/p1\",\"members\":[\"user:alice\","
	                                     "\"user:bob\"],\"roles\":[\"roles/numbering.viewer\"],\"permissions\":"
	                                     "[\"numbering.phoneNumberInstances.move\"]}]}"));
	numbering_policy_free(policy);
	CALL(r, NUMBERING_INVALID_ARGUMENT, "policy_parse", numbering_policy_parse(&policy, "{\"bindings\":[{\"x\":1}]}"));
	char *body = NULL;
	numbering_error_json(&body);
	numbering_free(body);
}

/* Walks every page of @parent (page size 2); with @check_model, compares the names with
 * the model's and checks the order. Under injection it only checks the codes. */
static void list_all(struct run *r, const char *parent, const char *prefix, int check_model)
{
	numbering_list_request *q = NULL;
	if (!CALL(r, NUMBERING_OK, "list_request_new", numbering_list_request_new(&q)))
		return;
	int ok = CALL(r, NUMBERING_OK, "set_parent", numbering_list_request_set_parent(q, parent)) &&
	         CALL(r, NUMBERING_OK, "set_prefix", numbering_list_request_set_prefix(q, prefix)) &&
	         CALL(r, NUMBERING_OK, "set_include_deleted", numbering_list_request_set_include_deleted(q, 1)) &&
	         CALL(r, NUMBERING_OK, "set_page_size", numbering_list_request_set_page_size(q, 2));
	int seen = 0;
	int64_t last = INT64_MAX;
	while (ok) {
		numbering_list_page *page = NULL;
		if (!CALL(r, NUMBERING_OK, "list", numbering_store_list(&page, r->store, NULL, q)))
			break;
		for (int i = 0; i < numbering_list_page_count(page); i++) {
			const numbering_instance *in = numbering_list_page_instance(page, i);
			ck_assert_msg(numbering_instance_create_time(in) < last, "n=%ld list %s: out of order", r->n, parent);
			last = numbering_instance_create_time(in);
			struct model *m = model_find(r, numbering_instance_name(in));
			if (check_model)
				ck_assert_msg(m != NULL && m->exists, "n=%ld list %s: %s is not in the model", r->n, parent,
				              numbering_instance_name(in));
			seen++;
		}
		const char *token = numbering_list_page_next_token(page);
		ok = token[0] != '\0' &&
		     CALL(r, NUMBERING_OK, "set_page_token", numbering_list_request_set_page_token(q, token));
		numbering_list_page_free(page);
	}
	numbering_list_request_free(q);
	if (check_model) {
		int want = 0;
		for (int i = 0; i < r->count; i++)
			want += r->m[i].exists && strncmp(r->m[i].name, parent, strlen(parent)) == 0 &&
			        r->m[i].name[strlen(parent)] == '/';
		ck_assert_msg(seen == want, "n=%ld list %s: %d instances, the model has %d", r->n, parent, seen, want);
	}
}

/* With injection paused: the store is what the calls said. */
static void verify(struct run *r)
{
	failer.paused = 1;
	for (int i = 0; i < r->count; i++) {
		struct model *m = &r->m[i];
		numbering_instance *out = NULL;
		int rc = numbering_store_get(&out, r->store, NULL, m->name);
		if (!m->exists) {
			ck_assert_msg(rc == NUMBERING_NOT_FOUND, "n=%ld: %s exists after its create or move failed", r->n,
			              m->name);
			continue;
		}
		ck_assert_msg(rc == NUMBERING_OK, "n=%ld: %s reported created is gone: %s", r->n, m->name,
		              numbering_error_message());
		ck_assert_msg(numbering_instance_lifecycle_state(out) == m->state, "n=%ld: %s is %s, the calls said %s",
		              r->n, m->name, numbering_lifecycle_state_name(numbering_instance_lifecycle_state(out)),
		              numbering_lifecycle_state_name(m->state));
		ck_assert_msg(numbering_instance_range_size(out) == m->size, "n=%ld: %s has %lld numbers, want %lld", r->n,
		              m->name, (long long)numbering_instance_range_size(out), (long long)m->size);
		ck_assert_msg(strcmp(numbering_instance_display_name(out), m->display_name) == 0,
		              "n=%ld: %s is named %s, want %s", r->n, m->name, numbering_instance_display_name(out),
		              m->display_name);
		numbering_instance_free(out);
		numbering_resolution *res = NULL;
		ck_assert_int_eq(numbering_resolution_new(&res), NUMBERING_OK);
		rc = numbering_store_resolve(res, r->store, NULL, m->number, "AU");
		if (m->state == NUMBERING_LIFECYCLE_DELETED) {
			ck_assert_msg(rc == NUMBERING_NOT_FOUND, "n=%ld: deleted %s still resolves", r->n, m->name);
		} else {
			ck_assert_msg(rc == NUMBERING_OK, "n=%ld: %s does not resolve: %s", r->n, m->number,
			              numbering_error_message());
			ck_assert_str_eq(numbering_instance_name(numbering_resolution_instance(res)), m->name);
		}
		numbering_resolution_free(res);
	}
	list_all(r, P1, NULL, 1);
	list_all(r, P2, NULL, 1);
	failer.paused = 0;
}

static int open_store(struct run *r, numbering_backend *backend)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.backend = backend;
	options.clock = fake_clock;
	options.clock_payload = r;
	options.default_region = "AU";
	options.regulatory_requirements = "AU:MOBILE,DE:*";
	return CALL(r, NUMBERING_OK, "open", numbering_store_open(&r->store, &options));
}

/* Runs @body with the n-th allocation failing (and with @persistent, every later
 * one) until a run fires no failure; returns how many allocations a run makes. */
static long fault_loop(void (*body)(struct run *r), int persistent)
{
	long n = 1;
	for (;; n++) {
		ck_assert_msg(n < MAX_RUNS, "the scenario still fails at %ld allocations", n);
		struct run r;
		memset(&r, 0, sizeof(r));
		r.n = n;
		r.now = EPOCH;
		failer_install(n, persistent);
		body(&r);
		long count = failer.count, fired = failer.fired;
		numbering_set_allocator(NULL);
		if (fired == 0) {
			fprintf(stderr, "alloc_failure: %ld allocation points, %s\n", count,
			        persistent ? "each failing with all after it" : "each failing once");
			return count;
		}
	}
}

static void memory_body(struct run *r)
{
	if (!open_store(r, NULL))
		return;
	scenario(r);
	verify(r);
	numbering_store_close(r->store);
}

START_TEST(memory_store_every_allocation)
{
	ck_assert_int_gt(fault_loop(memory_body, 0), 100);
}
END_TEST

START_TEST(memory_store_out_of_memory_from_n)
{
	ck_assert_int_gt(fault_loop(memory_body, 1), 100);
}
END_TEST

/* The file backend: open, write, close, reopen; what was acknowledged survives. */
static char file_dir[256];

static void remove_file_dir(void)
{
	temp_dir_remove(file_dir);
}

static int open_file_store(struct run *r)
{
	char path[300];
	snprintf(path, sizeof(path), "%s/store.db", file_dir);
	numbering_file_options fo = NUMBERING_FILE_OPTIONS_INIT;
	fo.sync_mode = NUMBERING_FILE_SYNC_OFF;
	numbering_backend *backend = NULL;
	if (!CALL(r, NUMBERING_OK, "file_backend_new", numbering_file_backend_new(&backend, path, &fo)))
		return 0;
	r->backend = backend;
	return open_store(r, backend);
}

static void file_body(struct run *r)
{
	const char *base = getenv("TMPDIR");
	snprintf(file_dir, sizeof(file_dir), "%s/numbering-alloc-XXXXXX", base && base[0] ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(file_dir));
	if (open_file_store(r)) {
		struct model *a = create(r, P1, "a", "+61255501100", 0, NULL, NUMBERING_LIFECYCLE_ACTIVE, 1);
		create(r, P1, "r", "+61255502000", 100, "req-r", NUMBERING_LIFECYCLE_PENDING, 0);
		transition(r, a, numbering_store_suspend, NUMBERING_LIFECYCLE_SUSPENDED, "suspend");
		if (a != NULL && a->exists) {
			numbering_instance *q = request(r, "+61255501100", 0, "Reception", 0), *out = NULL;
			if (q != NULL && CALL(r, NUMBERING_OK, "update",
			                      numbering_store_update(&out, r->store, NULL, a->name, q, "display_name")))
				snprintf(a->display_name, sizeof(a->display_name), "Reception");
			numbering_instance_free(out);
			numbering_instance_free(q);
		}
		/* Compaction rewrites the file: a failed one must leave the old file whole. */
		CALL(r, NUMBERING_OK, "compact", r->backend->control(r->backend, NUMBERING_FILE_CONTROL_COMPACT, NULL));
		create(r, P1, "z", "+61255501300", 0, NULL, NUMBERING_LIFECYCLE_ACTIVE, 0);
		numbering_store_close(r->store);
		r->store = NULL;
		/* fsck: a check that ran out of memory says so, never that the file is damaged. */
		char path[300];
		snprintf(path, sizeof(path), "%s/store.db", file_dir);
		numbering_file_report report;
		memset(&report, 0, sizeof(report));
		report.version = NUMBERING_FILE_REPORT_VERSION;
		if (CALL(r, NUMBERING_OK, "file_check", numbering_file_check(&report, path, 0)))
			check(r, report.status, NUMBERING_OK, fired_mark, "file_check status");
	}
	/* Reopen under injection (a first open that failed may have left no file, or an
	 * empty one), then, if that failed, without it: the file decides. */
	if (!open_file_store(r)) {
		failer.paused = 1;
		ck_assert_msg(open_file_store(r), "n=%ld: the store file cannot be reopened: %s", r->n,
		              numbering_error_message());
		failer.paused = 0;
	}
	verify(r);
	numbering_store_close(r->store);
	remove_file_dir();
}

START_TEST(file_store_every_allocation)
{
	ck_assert_int_gt(fault_loop(file_body, 0), 20);
	ck_assert_int_gt(fault_loop(file_body, 1), 20);
}
END_TEST

START_TEST(allocator_arguments)
{
	numbering_allocator bad = {NUMBERING_ALLOCATOR_VERSION + 1, fail_malloc, fail_realloc, fail_free, &failer};
	ck_assert_int_eq(numbering_set_allocator(&bad), NUMBERING_INVALID_ARGUMENT);
	bad.version = NUMBERING_ALLOCATOR_VERSION;
	bad.realloc_fn = NULL;
	ck_assert_int_eq(numbering_set_allocator(&bad), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_set_allocator(NULL), NUMBERING_OK);
	/* A hook sees the library's allocations and jansson's. */
	failer_install(0, 0);
	numbering_store *store = NULL;
	ck_assert_int_eq(numbering_store_open(&store, NULL), NUMBERING_OK);
	long after_open = failer.count;
	ck_assert_int_gt(after_open, 0);
	char *response = NULL;
	ck_assert_int_eq(numbering_store_call_json(&response, store, NULL, "ListPhoneNumberInstances",
	                                           "{\"parent\":\"projects/p1\"}"),
	                 NUMBERING_OK);
	ck_assert_str_eq(response, "{\"phoneNumberInstances\":[]}");
	ck_assert_int_gt(failer.count, after_open + 2);
	numbering_free(response);
	numbering_store_close(store);
	numbering_set_allocator(NULL);
}
END_TEST

/* numbering_store_get_into() out of memory while the caller's instance grows (every
 * allocation failing from then on): RESOURCE_EXHAUSTED, and the instance empty,
 * nothing of the one it held nor of half the one read; with memory back, it reads. */
START_TEST(get_into_out_of_memory_leaves_it_empty)
{
	failer_install(0, 0);
	numbering_store *store = NULL;
	ck_assert_int_eq(numbering_store_open(&store, NULL), NUMBERING_OK);
	struct run run;
	memset(&run, 0, sizeof(run));
	const char *names[] = {P1 "/phoneNumberInstances/s", P1 "/phoneNumberInstances/b"};
	for (int i = 0; i < 2; i++) {
		numbering_instance *q = request(&run, i ? "+61255501200" : "+61255501100", 0, i ? "Reception desk" : NULL, i),
		                   *out = NULL;
		ck_assert_ptr_nonnull(q);
		ck_assert_int_eq(numbering_store_create(&out, store, NULL, P1, q, i ? "b" : "s", NULL, NULL), NUMBERING_OK);
		numbering_instance_free(out);
		numbering_instance_free(q);
	}
	numbering_instance *reused = NULL;
	ck_assert_int_eq(numbering_instance_new(&reused), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_get_into(reused, store, NULL, names[0]), NUMBERING_OK);
	failer.fail_at = failer.count + 1;
	failer.persistent = 1;
	ck_assert_int_eq(numbering_store_get_into(reused, store, NULL, names[1]), NUMBERING_RESOURCE_EXHAUSTED);
	ck_assert_int_gt(failer.fired, 0);
	failer.fail_at = 0;
	ck_assert_str_eq(numbering_instance_name(reused), "");
	ck_assert_str_eq(numbering_instance_phone_number(reused), "");
	ck_assert_str_eq(numbering_instance_display_name(reused), "");
	ck_assert_str_eq(numbering_instance_country_code(reused), "");
	ck_assert_int_eq(numbering_instance_label_count(reused), 0);
	ck_assert_int_eq(numbering_instance_call_handler_count(reused), 0);
	ck_assert_int_eq(numbering_instance_message_handler_count(reused), 0);
	ck_assert_int_eq(numbering_instance_create_time(reused), 0);
	ck_assert_int_eq(numbering_instance_lifecycle_state(reused), NUMBERING_LIFECYCLE_STATE_UNSPECIFIED);
	ck_assert_int_eq(numbering_store_get_into(reused, store, NULL, names[1]), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_display_name(reused), "Reception desk");
	ck_assert_int_eq(numbering_instance_label_count(reused), 2);
	numbering_instance_free(reused);
	numbering_store_close(store);
	numbering_set_allocator(NULL);
}
END_TEST

/* Secrets: a hook that looks into every block the library frees (or moves by realloc)
 * for the store's page-token key. */
static struct {
	unsigned char key[32];
	int armed;
	int found;
} spy;

static int holds_key(const unsigned char *p, size_t size)
{
	for (size_t i = 0; i + sizeof(spy.key) <= size; i++)
		if (p[i] == spy.key[0] && memcmp(p + i, spy.key, sizeof(spy.key)) == 0)
			return 1;
	return 0;
}

static void *spy_malloc(size_t size, void *payload)
{
	(void)payload;
	/* Zeroed, so that scanning a block's unwritten bytes reads defined memory. */
	size_t *p = calloc(1, size + 16);
	if (p == NULL)
		return NULL;
	p[0] = size;
	return (unsigned char *)p + 16;
}

static void spy_free(void *ptr, void *payload)
{
	(void)payload;
	unsigned char *p = (unsigned char *)ptr - 16;
	if (spy.armed && holds_key(ptr, *(size_t *)p))
		spy.found++;
	free(p);
}

/* Always moves, so the block left behind is inspected as well. */
static void *spy_realloc(void *ptr, size_t size, void *payload)
{
	void *grown = spy_malloc(size, payload);
	if (grown == NULL)
		return NULL;
	size_t old = *(size_t *)((unsigned char *)ptr - 16);
	memcpy(grown, ptr, old < size ? old : size);
	spy_free(ptr, payload);
	return grown;
}

/* Copies the visited record's body (the token key) into spy.key. */
static int copy_key(const numbering_record *record, void *payload)
{
	size_t *len = payload;
	*len = record->body_len;
	if (record->body_len == sizeof(spy.key))
		memcpy(spy.key, record->body, sizeof(spy.key));
	return 0;
}

/* Opens a store on a memory backend (@path NULL) or the file at @path, lists, closes. */
static void check_key_wiped(const char *path)
{
	memset(&spy, 0, sizeof(spy));
	numbering_allocator allocator = {NUMBERING_ALLOCATOR_VERSION, spy_malloc, spy_realloc, spy_free, NULL};
	ck_assert_int_eq(numbering_set_allocator(&allocator), NUMBERING_OK);
	numbering_backend *backend = NULL;
	numbering_file_options fo = NUMBERING_FILE_OPTIONS_INIT;
	fo.sync_mode = NUMBERING_FILE_SYNC_OFF;
	ck_assert_int_eq(path ? numbering_file_backend_new(&backend, path, &fo) : numbering_memory_backend_new(&backend),
	                 NUMBERING_OK);
	numbering_store *store = NULL;
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.backend = backend;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	/* The key, as the store keeps it: the META record (kind 1) "token-key". */
	size_t len = 0;
	ck_assert_int_eq(backend->get(backend, 1, "token-key", copy_key, &len), NUMBERING_OK);
	ck_assert_uint_eq(len, sizeof(spy.key));
	spy.armed = 1;
	numbering_list_request *q = NULL;
	numbering_list_page *page = NULL;
	ck_assert_int_eq(numbering_list_request_new(&q), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_request_set_parent(q, P1), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_list(&page, store, NULL, q), NUMBERING_OK);
	numbering_list_page_free(page);
	numbering_list_request_free(q);
	numbering_store_close(store);
	spy.armed = 0;
	numbering_set_allocator(NULL);
	ck_assert_msg(spy.found == 0, "%d freed blocks still held the page-token key", spy.found);
	sodium_memzero(spy.key, sizeof(spy.key));
}

START_TEST(page_token_key_wiped_on_close)
{
	check_key_wiped(NULL);

	const char *base = getenv("TMPDIR");
	snprintf(file_dir, sizeof(file_dir), "%s/numbering-alloc-XXXXXX", base && base[0] ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(file_dir));
	char path[300];
	snprintf(path, sizeof(path), "%s/store.db", file_dir);
	/* Created (the key is written), then reopened (the key is read back). */
	check_key_wiped(path);
	check_key_wiped(path);
	remove_file_dir();
}
END_TEST

Suite *alloc_failure_suite(void)
{
	Suite *s = suite_create("alloc_failure");
	TCase *tc = tcase_create("alloc_failure");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, allocator_arguments);
	tcase_add_test(tc, get_into_out_of_memory_leaves_it_empty);
	tcase_add_test(tc, memory_store_every_allocation);
	tcase_add_test(tc, memory_store_out_of_memory_from_n);
	tcase_add_test(tc, file_store_every_allocation);
	suite_add_tcase(s, tc);
	TCase *secrets = tcase_create("secrets");
	tcase_add_test(secrets, page_token_key_wiped_on_close);
	suite_add_tcase(s, secrets);
	return s;
}
