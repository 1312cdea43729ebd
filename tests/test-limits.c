/*
 * Limits (issue 6, docs/LIMITS.md): each one at its maximum succeeds, one past it is
 * INVALID_ARGUMENT naming the field and the limit, and the largest inputs a caller
 * may send are handled in one pass (nothing here is timed: the suite's timeout is
 * the bound, and a quadratic path over a 1 MiB request would blow it).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <numbering/sys/file.h>

#include "store-fixture.h"
#include "suites.h"
#include "temp-dir.h"

#define P1 "projects/p1"
#define NUMBER "+61255501100"
#define REQUEST_MAX (1024 * 1024) /* docs/LIMITS.md: bytes of a JSON request */
#define DEPTH_MAX 32              /* docs/LIMITS.md: nesting of a JSON request */

/* Room for a request one byte past the limit, and the largest responses. */
#define BUF_SIZE (REQUEST_MAX + 4096)
static char *buf;

/* Appends to buf at *n. */
static void put(size_t *n, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void put(size_t *n, const char *format, ...)
{
	va_list ap;
	va_start(ap, format);
	int w = vsnprintf(buf + *n, BUF_SIZE - *n, format, ap);
	va_end(ap);
	ck_assert_int_ge(w, 0);
	ck_assert_uint_lt(*n + (size_t)w, BUF_SIZE);
	*n += (size_t)w;
}

/* Appends @count copies of @c. */
static void put_run(size_t *n, char c, size_t count)
{
	ck_assert_uint_lt(*n + count, BUF_SIZE);
	memset(buf + *n, c, count);
	*n += count;
	buf[*n] = '\0';
}

/* A create request for NUMBER in P1; @fields is spliced into the instance. */
static void create_with(size_t *n, const char *fields)
{
	put(n, "{\"parent\":\"" P1 "\",\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":\"" NUMBER "\"}%s", fields);
}

/* A label of @key_len and @value_len characters, its key made unique by @i. */
static void put_label(size_t *n, int i, size_t key_len, size_t value_len)
{
	put(n, "\"k%03d", i);
	put_run(n, 'k', key_len - 4);
	put(n, "\":\"");
	put_run(n, 'v', value_len);
	put(n, "\"");
}

/* ---- Each limit's request at a given size: the rows of the table below ---- */

static void labels(size_t *n, long long count, const char *arg)
{
	(void)arg;
	create_with(n, ",\"labels\":{");
	for (int i = 0; i < count; i++) {
		put(n, i ? "," : "");
		put_label(n, i, 100, 1000);
	}
	put(n, "}}}");
}

static void label_key(size_t *n, long long len, const char *arg)
{
	(void)arg;
	create_with(n, ",\"labels\":{");
	put_label(n, 0, (size_t)len, 1);
	put(n, "}}}");
}

static void label_value(size_t *n, long long len, const char *arg)
{
	(void)arg;
	create_with(n, ",\"labels\":{");
	put_label(n, 0, 4, (size_t)len);
	put(n, "}}}");
}

/* @field: either handler list; https serves both. */
static void handlers(size_t *n, long long count, const char *field)
{
	create_with(n, "");
	put(n, ",\"%s\":[", field);
	for (int i = 0; i < count; i++)
		put(n, "%s\"https://example.com/hook\"", i ? "," : "");
	put(n, "]}}");
}

static void uri_length(size_t *n, long long len, const char *arg)
{
	(void)arg;
	create_with(n, ",\"incomingMessageHandlerUris\":[\"https://example.com/");
	put_run(n, 'x', (size_t)len - strlen("https://example.com/"));
	put(n, "\"]}}");
}

static void display_name(size_t *n, long long chars, const char *arg)
{
	(void)arg;
	create_with(n, ",\"displayName\":\"");
	for (long long i = 0; i < chars; i++)
		put(n, "\xc3\xa9"); /* one character, two bytes */
	put(n, "\"}}");
}

/* A create whose request field @arg (a string) has @len characters. */
static void request_field(size_t *n, long long len, const char *arg)
{
	create_with(n, "}");
	put(n, ",\"%s\":\"", arg);
	put_run(n, 'a', (size_t)len);
	put(n, "\"}");
}

static void project_id(size_t *n, long long len, const char *arg)
{
	(void)arg;
	put(n, "{\"parent\":\"projects/");
	put_run(n, 'p', (size_t)len);
	put(n, "\",\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":\"" NUMBER "\"}}}");
}

static void number_text(size_t *n, long long len, const char *arg)
{
	(void)arg;
	put(n, "{\"parent\":\"" P1 "\",\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":\"" NUMBER);
	put_run(n, ' ', (size_t)len - strlen(NUMBER));
	put(n, "\"}}}");
}

/* From a +1 number, so that 2^31 - 1 numbers stay in one calling code. */
static void range_size(size_t *n, long long size, const char *arg)
{
	(void)arg;
	put(n, "{\"parent\":\"" P1 "\",\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":\"+12012000000\"},"
	       "\"range\":{\"size\":%lld}}}",
	    size);
}

/* A create request padded with spaces to @bytes. */
static void request_bytes(size_t *n, long long bytes, const char *arg)
{
	(void)arg;
	create_with(n, "}}");
	put_run(n, ' ', (size_t)bytes - *n);
}

static const struct limit {
	const char *what;
	void (*request)(size_t *n, long long size, const char *arg);
	const char *arg;
	long long max;
	const char *field; /* the violation's field; NULL: the request as a whole */
	const char *says;  /* in the message one past the limit */
} limits[] = {
	{"labels", labels, NULL, 50, "phone_number_instance.labels", "at most 50 labels"},
	{"label key", label_key, NULL, 100, "phone_number_instance.labels", "has 101 characters; keys are 1 to 100"},
	{"label value", label_value, NULL, 1000, "phone_number_instance.labels",
	 "has 1001 characters; values are at most 1000"},
	{"call handler URIs", handlers, "incomingCallHandlerUris", 5, "phone_number_instance.incoming_call_handler_uris",
	 "at most 5 URIs"},
	{"message handler URIs", handlers, "incomingMessageHandlerUris", 5,
	 "phone_number_instance.incoming_message_handler_uris", "at most 5 URIs"},
	{"URI bytes", uri_length, NULL, 2048, "phone_number_instance.incoming_message_handler_uris",
	 "is 2049 bytes long; the most is 2048"},
	{"display name", display_name, NULL, 100, "phone_number_instance.display_name", "has 101 characters"},
	{"instance id", request_field, "phoneNumberInstanceId", 63, "phone_number_instance_id", "longer than 63 characters"},
	{"project id", project_id, NULL, 63, "parent", "longer than 63 characters"},
	{"request id", request_field, "requestId", 128, "request_id", "1 to 128"},
	{"phone number bytes", number_text, NULL, 64, "phone_number_instance.phone_number.phone_number",
	 "is 65 bytes long; the most is 64"},
	{"range size", range_size, NULL, 2147483647, "phone_number_instance.range.size", "2147483648"},
	{"request bytes", request_bytes, NULL, REQUEST_MAX, NULL, "larger than 1048576 bytes"},
};
#define LIMIT_COUNT ((int)(sizeof(limits) / sizeof(limits[0])))

static void setup(void)
{
	fixture_open(NULL);
	buf = malloc(BUF_SIZE);
	ck_assert_ptr_nonnull(buf);
}

static void teardown(void)
{
	free(buf);
	buf = NULL;
	fixture_close();
}

/* Calls @method with buf; returns the code, the response in *response. */
static int call(const char *method, char **response)
{
	return numbering_store_call_json(response, fx.store, NULL, method, buf);
}

/* _i: the row. At the maximum the create succeeds; one past it is refused, naming
 * the field and the limit, and changes nothing. */
START_TEST(at_and_past_each_limit)
{
	const struct limit *l = &limits[_i];
	char *response = NULL;
	size_t n = 0;
	l->request(&n, l->max, l->arg);
	int rc = call("CreatePhoneNumberInstance", &response);
	ck_assert_msg(rc == NUMBERING_OK, "%s at %lld: %.300s", l->what, l->max, response);
	numbering_free(response);
	/* The instance is gone again, so one past the limit fails for that reason alone. */
	fixture_close();
	fixture_open(NULL);
	n = 0;
	l->request(&n, l->max + 1, l->arg);
	rc = call("CreatePhoneNumberInstance", &response);
	ck_assert_msg(rc == NUMBERING_INVALID_ARGUMENT, "%s at %lld: %.300s", l->what, l->max + 1, response);
	ck_assert_msg(strstr(response, l->says) != NULL, "%s: \"%s\" not in %.400s", l->what, l->says, response);
	if (l->field != NULL) {
		ck_assert_int_ge(numbering_error_violation_count(), 1);
		ck_assert_str_eq(numbering_error_violation_field(0), l->field);
	}
	numbering_free(response);
	ck_assert_int_eq(fx.events, 0); /* nothing was committed */
}
END_TEST

/* A range's size through the C API is an int64: past int32 it is refused by the
 * store, not wrapped. */
START_TEST(range_size_through_c)
{
	static const struct {
		int64_t size;
		int code;
	} cases[] = {{INT64_C(2147483647), NUMBERING_OK}, {INT64_C(2147483648), NUMBERING_INVALID_ARGUMENT},
	             {INT64_C(4294967297), NUMBERING_INVALID_ARGUMENT}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		numbering_instance *request = NULL, *out = NULL;
		ck_assert_int_eq(numbering_instance_new(&request), NUMBERING_OK);
		ck_assert_int_eq(numbering_instance_set_phone_number(request, "+12012000000"), NUMBERING_OK);
		ck_assert_int_eq(numbering_instance_set_range_size(request, cases[i].size), NUMBERING_OK);
		int rc = numbering_store_create(&out, fx.store, NULL, "projects/p1", request, NULL, NULL, NULL);
		ck_assert_msg(rc == cases[i].code, "size %lld: %s", (long long)cases[i].size, numbering_error_message());
		if (rc == NUMBERING_OK) {
			ck_assert_int_eq(numbering_instance_range_size(out), cases[i].size);
			numbering_instance *deleted = NULL;
			ck_assert_int_eq(numbering_store_delete(&deleted, fx.store, NULL, numbering_instance_name(out)),
			                 NUMBERING_OK);
			numbering_instance_free(deleted);
		} else {
			ck_assert_str_eq(numbering_error_violation_field(0), "phone_number_instance.range.size");
			ck_assert_ptr_nonnull(strstr(numbering_error_message(), "at most 2147483647"));
		}
		numbering_instance_free(out);
		numbering_instance_free(request);
	}
}
END_TEST

/* {"name":[[...]]} nested @depth levels deep, the outer object included. */
static void nested(size_t *n, int depth)
{
	put(n, "{\"name\":");
	put_run(n, '[', (size_t)depth - 1);
	put_run(n, ']', (size_t)depth - 1);
	put(n, "}");
}

START_TEST(nesting_depth)
{
	char *response = NULL;
	size_t n = 0;
	/* At the limit the request is parsed, and refused for what it says. */
	nested(&n, DEPTH_MAX);
	ck_assert_int_eq(call("GetPhoneNumberInstance", &response), NUMBERING_INVALID_ARGUMENT);
	ck_assert_msg(strstr(response, "nests deeper") == NULL && strstr(response, "must be a string") != NULL, "%s",
	              response);
	numbering_free(response);
	n = 0;
	nested(&n, DEPTH_MAX + 1);
	ck_assert_int_eq(call("GetPhoneNumberInstance", &response), NUMBERING_INVALID_ARGUMENT);
	ck_assert_msg(strstr(response, "the request nests deeper than 32 levels") != NULL, "%s", response);
	numbering_free(response);
	/* Brackets inside strings are not nesting. */
	n = 0;
	put(&n, "{\"name\":\"");
	put_run(&n, '[', 100);
	put(&n, "\"}");
	ck_assert_int_eq(call("GetPhoneNumberInstance", &response), NUMBERING_INVALID_ARGUMENT);
	ck_assert_msg(strstr(response, "nests deeper") == NULL, "%s", response);
	numbering_free(response);
	/* A policy is loaded the same way. */
	n = 0;
	put(&n, "{\"bindings\":[{\"project\":\"*\",\"members\":");
	put_run(&n, '[', DEPTH_MAX - 2);
	put_run(&n, ']', DEPTH_MAX - 2);
	put(&n, "}]}");
	numbering_policy *policy = NULL;
	ck_assert_int_eq(numbering_policy_parse(&policy, buf), NUMBERING_INVALID_ARGUMENT);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "the policy nests deeper than 32 levels"));
}
END_TEST

/* ---- The largest inputs: each request close to 1 MiB, handled in one pass ---- */

/* An instance with every field at its largest: 50 labels of 100 + 1000 characters,
 * 5 + 5 handler URIs, a 100-character display name. */
static void largest_instance(size_t *n, const char *id)
{
	put(n, "{\"parent\":\"" P1 "\",\"phoneNumberInstanceId\":\"%s\",\"phoneNumberInstance\":{\"phoneNumber\":"
	       "{\"phoneNumber\":\"+612555%05d\"},\"displayName\":\"",
	    id, atoi(id + 1));
	put_run(n, 'd', 100);
	put(n, "\",\"labels\":{");
	for (int i = 0; i < 50; i++) {
		put(n, i ? "," : "");
		put_label(n, i, 100, 1000);
	}
	put(n, "},\"incomingCallHandlerUris\":[");
	for (int i = 0; i < 5; i++) {
		put(n, "%s\"sip:", i ? "," : "");
		put_run(n, 'c', 2000);
		put(n, "@pbx.example\"");
	}
	put(n, "],\"incomingMessageHandlerUris\":[");
	for (int i = 0; i < 5; i++) {
		put(n, "%s\"https://example.com/", i ? "," : "");
		put_run(n, 'm', 2000);
		put(n, "\"");
	}
	put(n, "]}}");
}

START_TEST(largest_instances_listed_in_full_pages)
{
	char *response = NULL;
	for (int i = 0; i < 100; i++) {
		char id[16];
		size_t n = 0;
		snprintf(id, sizeof(id), "n%d", i);
		largest_instance(&n, id);
		ck_assert_uint_lt(n, REQUEST_MAX);
		int rc = call("CreatePhoneNumberInstance", &response);
		ck_assert_msg(rc == NUMBERING_OK, "%.300s", response);
		numbering_free(response);
	}
	/* A full page of them: a response of about 7 MB. */
	snprintf(buf, BUF_SIZE, "{\"parent\":\"" P1 "\",\"pageSize\":100}");
	ck_assert_int_eq(call("ListPhoneNumberInstances", &response), NUMBERING_OK);
	ck_assert_uint_gt(strlen(response), 100 * 50 * 1100);
	numbering_free(response);
}
END_TEST

/* 1 MiB requests of the shapes that make the most work per byte. */
static void long_mask(size_t *n)
{
	put(n, "{\"name\":\"" P1 "/phoneNumberInstances/big\",\"phoneNumberInstance\":{\"displayName\":\"x\"},"
	       "\"updateMask\":\"displayName");
	while (*n + 64 < REQUEST_MAX)
		put(n, ",labels,display_name,callRecordingTrigger");
	put(n, "\"}");
}

static void many_labels(size_t *n)
{
	create_with(n, ",\"labels\":{");
	for (int i = 0; *n + 64 < REQUEST_MAX; i++)
		put(n, "%s\"k%d\":\"v\"", i ? "," : "", i);
	put(n, "}}}");
}

static void many_uris(size_t *n)
{
	create_with(n, ",\"incomingCallHandlerUris\":[\"sip:a@b\"");
	while (*n + 64 < REQUEST_MAX)
		put(n, ",\"sip:a@b\"");
	put(n, "]}}");
}

static void open_brackets(size_t *n)
{
	put(n, "{\"name\":");
	put_run(n, '[', REQUEST_MAX - *n);
}

static void long_prefix(size_t *n)
{
	put(n, "{\"parent\":\"" P1 "\",\"prefix\":\"+");
	put_run(n, ' ', REQUEST_MAX - *n - 8);
	put(n, "61\"}");
}

static void long_name(size_t *n)
{
	put(n, "{\"name\":\"" P1 "/phoneNumberInstances/");
	put_run(n, 'a', REQUEST_MAX - *n - 4);
	put(n, "\"}");
}

static void long_number(size_t *n)
{
	put(n, "{\"phoneNumber\":\"+");
	put_run(n, '1', REQUEST_MAX - *n - 4);
	put(n, "\"}");
}

static const struct {
	const char *what, *method;
	void (*request)(size_t *n);
	int code;
} largest[] = {
	{"update mask of 100k paths", "UpdatePhoneNumberInstance", long_mask, NUMBERING_OK},
	{"labels object of 100k keys", "CreatePhoneNumberInstance", many_labels, NUMBERING_INVALID_ARGUMENT},
	{"100k call handler URIs", "CreatePhoneNumberInstance", many_uris, NUMBERING_INVALID_ARGUMENT},
	{"1 MiB of '['", "GetPhoneNumberInstance", open_brackets, NUMBERING_INVALID_ARGUMENT},
	{"1 MiB prefix", "ListPhoneNumberInstances", long_prefix, NUMBERING_OK},
	{"1 MiB name", "GetPhoneNumberInstance", long_name, NUMBERING_INVALID_ARGUMENT},
	{"1 MiB number", "ResolvePhoneNumber", long_number, NUMBERING_INVALID_ARGUMENT},
};

START_TEST(largest_requests)
{
	numbering_instance_free(fixture_create(P1, "big", "+61255509999"));
	for (size_t i = 0; i < sizeof(largest) / sizeof(largest[0]); i++) {
		size_t n = 0;
		largest[i].request(&n);
		ck_assert_msg(n <= REQUEST_MAX && n > REQUEST_MAX - 128, "%s: %zu bytes", largest[i].what, n);
		char *response = NULL;
		int rc = call(largest[i].method, &response);
		ck_assert_msg(rc == largest[i].code, "%s: %.300s", largest[i].what, response);
		/* Error messages quote the input bounded, whatever its size. */
		ck_assert_uint_lt(strlen(response), 4096);
		numbering_free(response);
	}
}
END_TEST

/* A policy of 1 MiB: one binding with about 60k members is parsed once, then each
 * check is a binary search. */
START_TEST(largest_policy)
{
	size_t n = 0;
	put(&n, "{\"bindings\":[{\"project\":\"*\",\"roles\":[\"roles/numbering.viewer\"],\"members\":[\"user:0\"");
	int members = 1;
	for (; n + 32 < REQUEST_MAX; members++)
		put(&n, ",\"user:%d\"", members);
	put(&n, "]}]}");
	numbering_policy *policy = NULL;
	ck_assert_msg(numbering_policy_parse(&policy, buf) == NUMBERING_OK, "%s", numbering_error_message());
	for (int i = 0; i < members; i += 97) {
		char caller[32];
		snprintf(caller, sizeof(caller), "user:%d", i);
		ck_assert_int_eq(numbering_policy_authorize(caller, "numbering.phoneNumberInstances.get", "projects/p1", policy),
		                 1);
	}
	ck_assert_int_eq(numbering_policy_authorize("user:x", "numbering.phoneNumberInstances.get", "projects/p1", policy),
	                 0);
	numbering_policy_free(policy);
	/* One byte more than the limit is refused before parsing. */
	n = 0;
	put(&n, "{\"bindings\":[]}");
	put_run(&n, ' ', REQUEST_MAX + 1 - n);
	ck_assert_int_eq(numbering_policy_parse(&policy, buf), NUMBERING_INVALID_ARGUMENT);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "the policy is larger than 1048576 bytes"));
}
END_TEST

/* ---- numbering_options.max_instances ---- */

static char store_dir[256];

static int create_retry(numbering_store *store, const char *id, const char *number, const char *request_id)
{
	numbering_instance *request = NULL, *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&request), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_phone_number(request, number), NUMBERING_OK);
	int rc = numbering_store_create(&out, store, NULL, P1, request, id, request_id, NULL);
	numbering_instance_free(out);
	numbering_instance_free(request);
	return rc;
}

/* A store of @max instances over a memory backend, or a file one in store_dir. */
static numbering_store *open_capped(int file, int64_t max)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.max_instances = max;
	if (file) {
		char path[300];
		snprintf(path, sizeof(path), "%s/n.db", store_dir);
		ck_assert_int_eq(numbering_file_backend_new(&options.backend, path, NULL), NUMBERING_OK);
	}
	numbering_store *store = NULL;
	int rc = numbering_store_open(&store, &options);
	ck_assert_msg(rc == NUMBERING_OK, "%s", numbering_error_message());
	return store;
}

static int create_in(numbering_store *store, const char *id, const char *number)
{
	return create_retry(store, id, number, NULL);
}

static void expect_full(int rc)
{
	ck_assert_msg(rc == NUMBERING_RESOURCE_EXHAUSTED, "%s: %s", numbering_status_name(rc), numbering_error_message());
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "holds 3 instances, deleted ones included, and "
	                                                        "max_instances is 3"));
}

static void remove_store_dir(void)
{
	temp_dir_remove(store_dir);
}

/* _i: 0 memory, 1 file. Creates and splits count; deletes do not free a place (the
 * record is kept); moves add none; a reopened file store counts what it holds. */
START_TEST(max_instances)
{
	ck_assert_msg(temp_dir_make(store_dir, sizeof(store_dir), "limits") == 0, "%s: %s", temp_dir_base(),
	              strerror(errno));
	numbering_store *store = open_capped(_i, 3);
	ck_assert_int_eq(create_retry(store, "a", "+61255501000", "req-a"), NUMBERING_OK);
	ck_assert_int_eq(create_in(store, "r", "+61255502000-99"), NUMBERING_OK);
	numbering_instance *first = NULL, *second = NULL, *out = NULL;
	ck_assert_int_eq(numbering_store_split_range(&first, &second, store, NULL, P1 "/phoneNumberInstances/r", 50),
	                 NUMBERING_OK);
	numbering_instance_free(first);
	numbering_instance_free(second);
	/* Full: three instances. */
	expect_full(create_in(store, "b", "+61255503000"));
	expect_full(numbering_store_split_range(&first, &second, store, NULL, P1 "/phoneNumberInstances/r", 10));
	ck_assert_ptr_null(first);
	ck_assert_ptr_null(second);
	char *response = NULL;
	ck_assert_int_eq(numbering_store_call_json(&response, store, NULL, "CreatePhoneNumberInstance",
	                                           "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":"
	                                           "{\"phoneNumber\":{\"phoneNumber\":\"+61255503000\"}}}"),
	                 NUMBERING_RESOURCE_EXHAUSTED);
	ck_assert_ptr_nonnull(strstr(response, "\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\""));
	numbering_free(response);
	ck_assert_int_eq(numbering_store_delete(&out, store, NULL, P1 "/phoneNumberInstances/a"), NUMBERING_OK);
	numbering_instance_free(out);
	expect_full(create_in(store, "b", "+61255503000"));
	ck_assert_int_eq(numbering_store_move(&out, store, NULL, P1 "/phoneNumberInstances/r", "projects/p2", NULL),
	                 NUMBERING_OK);
	numbering_instance_free(out);
	/* A retry of a create that was made adds nothing, so it is answered even when full. */
	ck_assert_int_eq(create_retry(store, "a", "+61255501000", "req-a"), NUMBERING_OK);
	numbering_store_close(store);
	if (_i == 1) {
		store = open_capped(1, 3);
		expect_full(create_in(store, "b", "+61255503000"));
		numbering_store_close(store);
		store = open_capped(1, 4);
		ck_assert_int_eq(create_in(store, "b", "+61255503000"), NUMBERING_OK);
		numbering_store_close(store);
	}
	remove_store_dir();
}
END_TEST

static int no_control(numbering_backend *backend, int op, void *arg)
{
	(void)backend;
	(void)op;
	(void)arg;
	return NUMBERING_UNIMPLEMENTED;
}

START_TEST(max_instances_options)
{
	numbering_options options;
	numbering_store *store = NULL;
	/* Negative is refused; so is a limit the backend cannot count for. */
	ck_assert_int_eq(numbering_options_init(&options, NUMBERING_OPTIONS_VERSION), NUMBERING_OK);
	ck_assert_int_eq(options.max_instances, 0);
	options.max_instances = -1;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "max_instances");
	options.max_instances = 10;
	ck_assert_int_eq(numbering_memory_backend_new(&options.backend), NUMBERING_OK);
	options.backend->control = no_control;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "max_instances");
	ck_assert_ptr_null(store);
	/* A version 1 caller has no such field: whatever lies past its struct is not read. */
	options.backend = NULL;
	options.version = 1;
	options.max_instances = -1;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	ck_assert_int_eq(create_in(store, "a", "+61255501000"), NUMBERING_OK);
	numbering_store_close(store);
	/* Nor written: numbering_options_init for version 1 clears only version 1's fields. */
	memset(&options, 0xab, sizeof(options));
	ck_assert_int_eq(numbering_options_init(&options, 1), NUMBERING_OK);
	ck_assert_int_eq(options.version, 1);
	ck_assert_ptr_null(options.regulatory_requirements);
	ck_assert_int_eq(options.max_instances, (int64_t)0xababababababababULL);
}
END_TEST

Suite *limits_suite(void)
{
	Suite *s = suite_create("limits");
	TCase *tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, at_and_past_each_limit, 0, LIMIT_COUNT);
	tcase_add_test(tc, range_size_through_c);
	tcase_add_test(tc, nesting_depth);
	tcase_add_test(tc, largest_instances_listed_in_full_pages);
	tcase_add_test(tc, largest_requests);
	tcase_add_test(tc, largest_policy);
	suite_add_tcase(s, tc);
	TCase *capped = tcase_create("max_instances");
	tcase_add_loop_test(capped, max_instances, 0, 2);
	tcase_add_test(capped, max_instances_options);
	suite_add_tcase(s, capped);
	return s;
}
