/* Applications, rules and parent accounts (numbering/application.h, and AddApplication,
 * AddRule, DelApplication, DelRule, GetApplications and SetParentAccount on the JSON
 * entry point): names unique where the seed says, ids never handed out twice,
 * deleting unbinds the numbers, a rule of another application refused, a cycle of
 * parents refused, and every bad input INVALID_ARGUMENT naming the parameter and
 * changing nothing; every test on the memory and the file backend, with the fake clock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <numbering/sys/backend.h>
#include <numbering/sys/record.h>

#include "model/kinds.h"
#include "record-damage.h"
#include "service/application.h"
#include "service/phone.h"
#include "service/service.h"
#include "store-fixture.h"
#include "suites.h"

#define NS INT64_C(1000000000)
#define P1 "projects/p1"
#define P2 "projects/p2"

/* The JSON answer of @method, asserting success. */
static char answer[8192];
static const char *call_ok(const char *method, const char *request)
{
	char *out = NULL;
	int rc = numbering_store_call_json(&out, fx.store, NULL, method, request);
	ck_assert_msg(rc == NUMBERING_OK, "%s %s: %s", method, request, out ? out : numbering_error_message());
	snprintf(answer, sizeof(answer), "%s", out);
	numbering_free(out);
	return answer;
}

/* Asserts @method refuses @request with @code and a violation naming @field. */
static void call_refused(const char *method, const char *request, int code, const char *field)
{
	char *out = NULL;
	int rc = numbering_store_call_json(&out, fx.store, NULL, method, request);
	ck_assert_msg(rc == code, "%s %s: got %s, want %s: %s", method, request, numbering_status_name(rc),
	              numbering_status_name(code), out ? out : "");
	char want[160];
	snprintf(want, sizeof(want), "\"field\":\"%s\"", field);
	ck_assert_msg(out != NULL && strstr(out, want) != NULL, "%s %s: %s lacks %s", method, request, out, want);
	numbering_free(out);
}

static int64_t add_app(const char *project, const char *name)
{
	int64_t id = 0;
	int rc = numbering_store_add_application(&id, fx.store, NULL, project, name);
	ck_assert_msg(rc == NUMBERING_OK, "add %s: %s", name, numbering_error_message());
	ck_assert_int_gt(id, 0);
	return id;
}

static int64_t add_rule(const char *project, int64_t app, const char *name, const char *pattern)
{
	int64_t id = 0;
	int rc = numbering_store_add_rule(&id, fx.store, NULL, project, app, NULL, name, pattern);
	ck_assert_msg(rc == NUMBERING_OK, "add rule %s: %s", name, numbering_error_message());
	ck_assert_int_gt(id, 0);
	return id;
}

/* "id:name[rule,rule] id:name ..." of a project's applications, with rules. */
static const char *listing(const char *project)
{
	static char out[2048];
	numbering_application_list *list = NULL;
	ck_assert_int_eq(numbering_store_list_applications(&list, fx.store, NULL, project, 0, NULL, 1000, 0, 1),
	                 NUMBERING_OK);
	out[0] = '\0';
	for (size_t i = 0; i < numbering_application_list_count(list); i++) {
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%lld:%s[", i ? " " : "",
		         (long long)numbering_application_list_id(list, i), numbering_application_list_name(list, i));
		for (size_t j = 0; j < numbering_application_list_rule_count(list, i); j++)
			snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%lld:%s", j ? "," : "",
			         (long long)numbering_application_list_rule_id(list, i, j),
			         numbering_application_list_rule_name(list, i, j));
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "]");
	}
	ck_assert_int_eq(numbering_application_list_total(list), (int64_t)numbering_application_list_count(list));
	numbering_application_list_free(list);
	return out;
}

START_TEST(names_are_unique_where_the_seed_says)
{
	fixture_open_case(_i, "applications");
	int64_t a = add_app(P1, "shop"), b = add_app(P1, "support");
	ck_assert_int_lt(a, b);
	/* The same name in another project is another application. */
	int64_t c = add_app(P2, "shop");
	ck_assert_int_gt(c, b);
	fixture_expect_error(numbering_store_add_application(NULL, fx.store, NULL, P1, "shop"), NUMBERING_ALREADY_EXISTS,
	                     "\"shop\" is already an application of projects/p1");
	ck_assert_str_eq(numbering_error_violation_field(0), "application_name");
	int64_t r1 = add_rule(P1, a, "inbound", ".*");
	int64_t r2 = add_rule(P1, b, "inbound", NULL); /* the same rule name in another application */
	fixture_expect_error(numbering_store_add_rule(NULL, fx.store, NULL, P1, a, NULL, "inbound", NULL),
	                     NUMBERING_ALREADY_EXISTS, "\"inbound\" is already a rule of application");
	ck_assert_str_eq(numbering_error_violation_field(0), "rule_name");
	/* By the application's name. */
	int64_t r3 = 0;
	ck_assert_int_eq(numbering_store_add_rule(&r3, fx.store, NULL, P1, 0, "shop", "outbound", "^\\+1"), NUMBERING_OK);
	ck_assert_int_gt(r3, r2);
	ck_assert_int_gt(r2, r1);
	/* Another project's application is not found by id or name. */
	fixture_expect_error(numbering_store_add_rule(NULL, fx.store, NULL, P2, a, NULL, "x", NULL), NUMBERING_NOT_FOUND,
	                     "is not an application of projects/p2");
	ck_assert_str_eq(numbering_error_violation_field(0), "application_id");
	fixture_expect_error(numbering_store_add_rule(NULL, fx.store, NULL, P2, 0, "support", "x", NULL),
	                     NUMBERING_NOT_FOUND, "\"support\" is not an application of projects/p2");
	ck_assert_str_eq(numbering_error_violation_field(0), "application_name");
	char want[256];
	snprintf(want, sizeof(want), "%lld:shop[%lld:inbound,%lld:outbound] %lld:support[%lld:inbound]", (long long)a,
	         (long long)r1, (long long)r3, (long long)b, (long long)r2);
	ck_assert_str_eq(listing(P1), want);
	/* Kept across a reopen (the file store reads them back). */
	fixture_reopen_case();
	ck_assert_str_eq(listing(P1), want);
	/* The pattern is kept as given. */
	numbering_application_list *list = NULL;
	ck_assert_int_eq(numbering_store_list_applications(&list, fx.store, NULL, P1, 0, "shop", 20, 0, 1), NUMBERING_OK);
	ck_assert_uint_eq(numbering_application_list_count(list), 1);
	ck_assert_str_eq(numbering_application_list_rule_pattern(list, 0, 1), "^\\+1");
	ck_assert_str_eq(numbering_application_list_rule_pattern(list, 0, 0), ".*");
	ck_assert_ptr_null(numbering_application_list_rule_pattern(list, 0, 2));
	ck_assert_int_eq(numbering_application_list_created(list, 0), FIXTURE_EPOCH + NS);
	numbering_application_list_free(list);
	fixture_close_case();
}
END_TEST

START_TEST(ids_are_never_handed_out_twice)
{
	fixture_open_case(_i, "applications");
	int64_t a = add_app(P1, "a"), b = add_app(P1, "b");
	int64_t r = add_rule(P1, b, "r", NULL);
	ck_assert_int_eq(numbering_store_delete_applications(fx.store, NULL, P1, &b, 1, NULL, 0), NUMBERING_OK);
	fixture_reopen_case();
	int64_t c = add_app(P1, "b");
	ck_assert_int_gt(c, b);
	int64_t r2 = add_rule(P1, c, "r", NULL);
	ck_assert_int_gt(r2, r);
	ck_assert_int_eq(numbering_store_delete_rules(fx.store, NULL, P1, 0, NULL, &r2, 1, NULL, 0), NUMBERING_OK);
	fixture_reopen_case();
	ck_assert_int_gt(add_rule(P1, a, "r", NULL), r2);
	fixture_close_case();
}
END_TEST

/* Binds the number of instance @name to @app and @rule through the PHONE record (the
 * binding's own writer, service/phone.h). */
static void bind(const char *name, int64_t app, int64_t rule)
{
	numbering_store *store = fx.store;
	numbering_instance *instance = NULL;
	struct numbering__phone p;
	memset(&p, 0, sizeof(p));
	numbering__rwlock_wrlock(&store->lock);
	ck_assert_int_eq(numbering__load(&instance, store, name, "name"), NUMBERING_OK);
	ck_assert_int_eq(numbering__phone_load(&p, store, instance), NUMBERING_OK);
	/* An instance made before phone ids were given at create has none: the binding
	 * is keyed by the instance's name, the id is only its sort key. */
	static int64_t made_up = 1000;
	if (instance->phone_id == 0)
		instance->phone_id = ++made_up;
	p.application_id = app;
	p.rule_id = rule;
	ck_assert_int_eq(numbering__begin(store), NUMBERING_OK);
	int rc = numbering__phone_put(store, &p, instance);
	ck_assert_msg(rc == NUMBERING_OK, "bind: %s", numbering_error_message());
	ck_assert_int_eq(numbering__commit(store), NUMBERING_OK);
	numbering__rwlock_wrunlock(&store->lock);
	ck_assert_int_eq(numbering__durable(store), NUMBERING_OK);
	numbering__phone_clear(&p);
	numbering_instance_free(instance);
}

/* "application/rule" of instance @name's binding. */
static const char *binding(const char *name)
{
	static char out[64];
	numbering_store *store = fx.store;
	numbering_instance *instance = NULL;
	struct numbering__phone p;
	memset(&p, 0, sizeof(p));
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	ck_assert_int_eq(numbering__load(&instance, store, name, "name"), NUMBERING_OK);
	ck_assert_int_eq(numbering__phone_load(&p, store, instance), NUMBERING_OK);
	numbering__rwlock_rdunlock(&store->lock, slot);
	snprintf(out, sizeof(out), "%lld/%lld", (long long)p.application_id, (long long)p.rule_id);
	numbering__phone_clear(&p);
	numbering_instance_free(instance);
	return out;
}

START_TEST(deleting_unbinds_the_numbers)
{
	fixture_open_case(_i, "applications");
	numbering_instance_free(fixture_create(P1, "n1", "+12085550101"));
	numbering_instance_free(fixture_create(P1, "n2", "+12085550102"));
	numbering_instance_free(fixture_create(P1, "n3", "+12085550103"));
	int64_t a = add_app(P1, "a"), b = add_app(P1, "b");
	int64_t ra = add_rule(P1, a, "ra", NULL), rb = add_rule(P1, b, "rb", NULL);
	char want[64];
	bind(P1 "/phoneNumberInstances/n1", a, ra);
	bind(P1 "/phoneNumberInstances/n2", a, 0);
	bind(P1 "/phoneNumberInstances/n3", b, rb);
	/* DelRule by name: the rule goes, the application stays bound. */
	const char *const ra_name[] = {"ra"};
	ck_assert_int_eq(numbering_store_delete_rules(fx.store, NULL, P1, a, NULL, NULL, 0, ra_name, 1), NUMBERING_OK);
	snprintf(want, sizeof(want), "%lld/0", (long long)a);
	ck_assert_str_eq(binding(P1 "/phoneNumberInstances/n1"), want);
	snprintf(want, sizeof(want), "%lld/%lld", (long long)b, (long long)rb);
	ck_assert_str_eq(binding(P1 "/phoneNumberInstances/n3"), want);
	/* DelApplication: its numbers unbound, its rules gone; the other's untouched. */
	ck_assert_int_eq(numbering_store_delete_applications(fx.store, NULL, P1, &a, 1, NULL, 0), NUMBERING_OK);
	ck_assert_str_eq(binding(P1 "/phoneNumberInstances/n1"), "0/0");
	ck_assert_str_eq(binding(P1 "/phoneNumberInstances/n2"), "0/0");
	ck_assert_str_eq(binding(P1 "/phoneNumberInstances/n3"), want);
	fixture_reopen_case();
	ck_assert_str_eq(binding(P1 "/phoneNumberInstances/n3"), want);
	snprintf(want, sizeof(want), "%lld:b[%lld:rb]", (long long)b, (long long)rb);
	ck_assert_str_eq(listing(P1), want);
	/* Through JSON, by name: the last application and its rule. */
	call_ok("DelApplication", "{\"account_id\": \"p1\", \"application_name\": \"b\"}");
	ck_assert_str_eq(binding(P1 "/phoneNumberInstances/n3"), "0/0");
	ck_assert_str_eq(listing(P1), "");
	fixture_close_case();
}
END_TEST

START_TEST(a_rule_of_another_application_is_refused)
{
	fixture_open_case(_i, "applications");
	int64_t a = add_app(P1, "a"), b = add_app(P1, "b");
	int64_t ra = add_rule(P1, a, "ra", NULL), rb = add_rule(P1, b, "rb", NULL);
	char want[128], request[256];
	snprintf(want, sizeof(want), "%lld:a[%lld:ra] %lld:b[%lld:rb]", (long long)a, (long long)ra, (long long)b,
	         (long long)rb);
	/* numbering__rule_find, as binding uses it. */
	struct numbering__rule r;
	unsigned slot = numbering__rwlock_rdlock(&fx.store->lock);
	ck_assert_int_eq(numbering__rule_find(fx.store, P1, a, ra, NULL, &r), NUMBERING_OK);
	ck_assert_int_eq(r.application_id, a);
	ck_assert_int_eq(numbering__rule_find(fx.store, P1, a, rb, NULL, &r), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "rule_id");
	ck_assert_int_eq(numbering__rule_find(fx.store, P1, 0, rb, NULL, &r), NUMBERING_OK);
	ck_assert_int_eq(r.application_id, b);
	ck_assert_int_eq(numbering__rule_find(fx.store, P1, a, 0, "rb", &r), NUMBERING_NOT_FOUND);
	ck_assert_str_eq(numbering_error_violation_field(0), "rule_name");
	ck_assert_int_eq(numbering__rule_find(fx.store, P1, 0, 0, "ra", &r), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "rule_name");
	ck_assert_int_eq(numbering__rule_find(fx.store, P2, 0, ra, NULL, &r), NUMBERING_NOT_FOUND);
	ck_assert_int_eq(numbering__rule_find(fx.store, P1, a, rb + 100, NULL, &r), NUMBERING_NOT_FOUND);
	ck_assert_str_eq(numbering_error_violation_field(0), "rule_id");
	numbering__rwlock_rdunlock(&fx.store->lock, slot);
	/* DelRule with application a and b's rule: refused, nothing deleted (ra with it). */
	snprintf(request, sizeof(request), "{\"account_id\": \"p1\", \"application_id\": %lld, \"rule_id\": \"%lld;%lld\"}",
	         (long long)a, (long long)ra, (long long)rb);
	call_refused("DelRule", request, NUMBERING_INVALID_ARGUMENT, "rule_id");
	ck_assert_str_eq(listing(P1), want);
	/* rule_name without an application, as the seed says. */
	call_refused("DelRule", "{\"account_id\": \"p1\", \"rule_name\": \"ra\"}", NUMBERING_INVALID_ARGUMENT,
	             "rule_name");
	ck_assert_str_eq(listing(P1), want);
	/* Another project's rule id is not found. */
	snprintf(request, sizeof(request), "{\"account_id\": \"p2\", \"rule_id\": %lld}", (long long)ra);
	call_refused("DelRule", request, NUMBERING_NOT_FOUND, "rule_id");
	/* By id alone, any application of the project. */
	snprintf(request, sizeof(request), "{\"account_id\": \"p1\", \"rule_id\": [%lld]}", (long long)rb);
	call_ok("DelRule", request);
	snprintf(want, sizeof(want), "%lld:a[%lld:ra] %lld:b[]", (long long)a, (long long)ra, (long long)b);
	ck_assert_str_eq(listing(P1), want);
	fixture_close_case();
}
END_TEST

static int children_visit(void *payload, const char *child)
{
	char *out = payload;
	snprintf(out + strlen(out), 256 - strlen(out), "%s%s", out[0] ? "," : "", child);
	return 0;
}

static const char *children(const char *project)
{
	static char out[256];
	out[0] = '\0';
	unsigned slot = numbering__rwlock_rdlock(&fx.store->lock);
	ck_assert_int_eq(numbering__account_children(fx.store, project, children_visit, out), NUMBERING_OK);
	numbering__rwlock_rdunlock(&fx.store->lock, slot);
	return out;
}

static const char *parent_of(const char *project)
{
	static char out[NUMBERING__PROJECT_SIZE];
	char *p = NULL;
	ck_assert_int_eq(numbering_store_get_parent_account(&p, fx.store, NULL, project), NUMBERING_OK);
	snprintf(out, sizeof(out), "%s", p);
	numbering_free(p);
	return out;
}

START_TEST(parents_and_children)
{
	fixture_open_case(_i, "applications");
	ck_assert_str_eq(parent_of(P1), "");
	call_ok("SetParentAccount", "{\"account_id\": 2, \"parent_account_id\": 1}");
	call_ok("SetParentAccount", "{\"account_id\": \"3\", \"parent_account_id\": \"1\"}");
	call_ok("SetParentAccount", "{\"account_id\": 4, \"parent_account_id\": 3}");
	ck_assert_str_eq(children("projects/1"), "projects/2,projects/3");
	ck_assert_str_eq(children("projects/3"), "projects/4");
	ck_assert_str_eq(parent_of("projects/4"), "projects/3");
	/* A cycle: 1 under 4 (4 is under 3, under 1), and an account its own parent. */
	call_refused("SetParentAccount", "{\"account_id\": 1, \"parent_account_id\": 4}", NUMBERING_FAILED_PRECONDITION,
	             "parent_account_id");
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "projects/4 cannot be the parent of projects/1"));
	call_refused("SetParentAccount", "{\"account_id\": 3, \"parent_account_id\": 3}", NUMBERING_FAILED_PRECONDITION,
	             "parent_account_id");
	ck_assert_str_eq(parent_of("projects/1"), "");
	ck_assert_str_eq(parent_of("projects/3"), "projects/1");
	/* Moving a child: 3 under 2; the same again changes nothing. */
	call_ok("SetParentAccount", "{\"account_id\": 3, \"parent_account_id\": 2}");
	call_ok("SetParentAccount", "{\"account_id\": 3, \"parent_account_id\": 2}");
	ck_assert_str_eq(children("projects/1"), "projects/2");
	ck_assert_str_eq(children("projects/2"), "projects/3");
	fixture_reopen_case();
	ck_assert_str_eq(children("projects/2"), "projects/3");
	ck_assert_str_eq(parent_of("projects/4"), "projects/3");
	/* Cleared by null or by leaving it out. */
	call_ok("SetParentAccount", "{\"account_id\": 3, \"parent_account_id\": null}");
	call_ok("SetParentAccount", "{\"account_id\": 4}");
	ck_assert_str_eq(children("projects/2"), "");
	ck_assert_str_eq(parent_of("projects/4"), "");
	/* No cycle now: 1 under 4 is fine. */
	call_ok("SetParentAccount", "{\"account_id\": 1, \"parent_account_id\": 4}");
	ck_assert_str_eq(children("projects/4"), "projects/1");
	fixture_close_case();
}
END_TEST

START_TEST(json_answers)
{
	fixture_open_case(_i, "applications");
	ck_assert_str_eq(call_ok("AddApplication", "{\"account_id\": 1, \"application_name\": \"shop\"}"),
	                 "{\"result\":1,\"application_id\":1,\"application_name\":\"shop\"}");
	ck_assert_str_eq(call_ok("AddApplication", "{\"account_id\": 1, \"application_name\": \"desk\"}"),
	                 "{\"result\":1,\"application_id\":2,\"application_name\":\"desk\"}");
	ck_assert_str_eq(call_ok("AddRule", "{\"account_id\": 1, \"application_id\": \"1\", \"rule_name\": \"in\", "
	                                    "\"rule_pattern\": \"^\\\\+1\"}"),
	                 "{\"result\":1,\"rule_id\":1}");
	ck_assert_str_eq(call_ok("AddRule", "{\"account_id\": 1, \"application_name\": \"shop\", \"rule_name\": \"out\"}"),
	                 "{\"result\":1,\"rule_id\":2}");
	ck_assert_str_eq(call_ok("GetApplications", "{\"account_id\": 1, \"with_rules\": \"true\"}"),
	                 "{\"result\":[{\"application_id\":1,\"application_name\":\"shop\",\"created\":\"2026-01-01 "
	                 "00:00:01\",\"rules\":[{\"rule_id\":1,\"rule_name\":\"in\",\"rule_pattern\":\"^\\\\+1\","
	                 "\"created\":\"2026-01-01 00:00:03\"},{\"rule_id\":2,\"rule_name\":\"out\",\"created\":\"2026-01-01 "
	                 "00:00:04\"}]},{\"application_id\":2,\"application_name\":\"desk\",\"created\":\"2026-01-01 "
	                 "00:00:02\",\"rules\":[]}],\"count\":2,\"total_count\":2}");
	/* count, offset, filters; total_count counts every match. */
	ck_assert_str_eq(call_ok("GetApplications", "{\"account_id\": 1, \"count\": 1, \"offset\": 1}"),
	                 "{\"result\":[{\"application_id\":2,\"application_name\":\"desk\",\"created\":\"2026-01-01 "
	                 "00:00:02\"}],\"count\":1,\"total_count\":2}");
	ck_assert_str_eq(call_ok("GetApplications", "{\"account_id\": 1, \"count\": 0}"),
	                 "{\"result\":[],\"count\":0,\"total_count\":2}");
	ck_assert_str_eq(call_ok("GetApplications", "{\"account_id\": 1, \"application_name\": \"desk\"}"),
	                 "{\"result\":[{\"application_id\":2,\"application_name\":\"desk\",\"created\":\"2026-01-01 "
	                 "00:00:02\"}],\"count\":1,\"total_count\":1}");
	ck_assert_str_eq(call_ok("GetApplications", "{\"account_id\": 1, \"application_id\": 2, \"application_name\": "
	                                            "\"shop\"}"),
	                 "{\"result\":[],\"count\":0,\"total_count\":0}");
	ck_assert_str_eq(call_ok("GetApplications", "{\"account_id\": 1, \"application_id\": 7}"),
	                 "{\"result\":[],\"count\":0,\"total_count\":0}");
	ck_assert_str_eq(call_ok("GetApplications", "{\"account_id\": 2}"), "{\"result\":[],\"count\":0,\"total_count\":0}");
	/* Several at once, all or nothing: 2 and a name that is not there. */
	call_refused("DelApplication", "{\"account_id\": 1, \"application_id\": 2, \"application_name\": \"nope\"}",
	             NUMBERING_NOT_FOUND, "application_name");
	ck_assert_str_eq(call_ok("DelApplication", "{\"account_id\": 1, \"application_id\": \"1;2\"}"), "{\"result\":1}");
	ck_assert_str_eq(call_ok("GetApplications", "{\"account_id\": 1}"), "{\"result\":[],\"count\":0,\"total_count\":0}");
	fixture_close_case();
}
END_TEST

/* Every bad input: INVALID_ARGUMENT naming the parameter, and the store unchanged. */
START_TEST(bad_input_changes_nothing)
{
	fixture_open_case(_i, "applications");
	call_ok("AddApplication", "{\"account_id\": 1, \"application_name\": \"shop\"}");
	call_ok("AddRule", "{\"account_id\": 1, \"application_id\": 1, \"rule_name\": \"in\"}");
	char before[8192];
	snprintf(before, sizeof(before), "%s", call_ok("GetApplications", "{\"account_id\": 1, \"with_rules\": true}"));
	char long_name[200], long_pattern[4200], request[4400];
	memset(long_name, 'x', 129);
	long_name[129] = '\0';
	memset(long_pattern, 'x', 4097);
	long_pattern[4097] = '\0';
	static const struct {
		const char *method, *request, *field;
	} cases[] = {
	    {"AddApplication", "{}", "account_id"},
	    {"AddApplication", "{\"account_id\": -1, \"application_name\": \"a\"}", "account_id"},
	    {"AddApplication", "{\"account_id\": \"P1\", \"application_name\": \"a\"}", "account_id"},
	    {"AddApplication", "{\"account_id\": 1}", "application_name"},
	    {"AddApplication", "{\"account_id\": 1, \"application_name\": \"\"}", "application_name"},
	    {"AddApplication", "{\"account_id\": 1, \"application_name\": 5}", "application_name"},
	    {"AddApplication", "{\"account_id\": 1, \"application_name\": \"a;b\"}", "application_name"},
	    {"AddApplication", "{\"account_id\": 1, \"application_name\": \"a\\u0001\"}", "application_name"},
	    {"AddApplication", "{\"account_id\": 1, \"application_name\": \"a\\u0000b\"}", "application_name"},
	    {"AddApplication", "{\"account_id\": 1, \"application_name\": \"a\", \"extra\": 1}", "extra"},
	    {"AddRule", "{\"account_id\": 1, \"rule_name\": \"r\"}", "application_id"},
	    {"AddRule", "{\"account_id\": 1, \"application_id\": 0, \"rule_name\": \"r\"}", "application_id"},
	    {"AddRule", "{\"account_id\": 1, \"application_id\": \"1x\", \"rule_name\": \"r\"}", "application_id"},
	    {"AddRule", "{\"account_id\": 1, \"application_id\": 1.5, \"rule_name\": \"r\"}", "application_id"},
	    {"AddRule", "{\"account_id\": 1, \"application_id\": 1, \"application_name\": \"shop\", \"rule_name\": \"r\"}",
	     "application_name"},
	    {"AddRule", "{\"account_id\": 1, \"application_id\": 1}", "rule_name"},
	    {"AddRule", "{\"account_id\": 1, \"application_id\": 1, \"rule_name\": \"a;b\"}", "rule_name"},
	    {"AddRule", "{\"account_id\": 1, \"application_id\": 1, \"rule_name\": \"r\", \"rule_pattern\": \"\"}",
	     "rule_pattern"},
	    {"AddRule", "{\"account_id\": 1, \"application_id\": 1, \"rule_name\": \"r\", \"rule_pattern\": \"\\u0007\"}",
	     "rule_pattern"},
	    {"AddRule", "{\"account_id\": 1, \"application_id\": 1, \"rule_name\": \"r\", \"rule_pattern\": 3}",
	     "rule_pattern"},
	    {"DelApplication", "{\"account_id\": 1}", "application_id"},
	    {"DelApplication", "{\"account_id\": 1, \"application_id\": \"1;x\"}", "application_id"},
	    {"DelApplication", "{\"account_id\": 1, \"application_id\": \"1;;2\"}", "application_id"},
	    {"DelApplication", "{\"account_id\": 1, \"application_id\": \"all\"}", "application_id"},
	    {"DelApplication", "{\"account_id\": 1, \"application_id\": [1, -2]}", "application_id[1]"},
	    {"DelApplication", "{\"account_id\": 1, \"application_id\": []}", "application_id"},
	    {"DelApplication", "{\"account_id\": 1, \"application_name\": \"shop;\"}", "application_name"},
	    {"DelRule", "{\"account_id\": 1}", "rule_id"},
	    {"DelRule", "{\"account_id\": 1, \"application_id\": 1}", "rule_id"},
	    {"DelRule", "{\"account_id\": 1, \"rule_id\": \"x\"}", "rule_id"},
	    {"DelRule", "{\"account_id\": 1, \"rule_name\": \"in\"}", "rule_name"},
	    {"DelRule", "{\"account_id\": 1, \"application_id\": 1, \"application_name\": \"shop\", \"rule_id\": 1}",
	     "application_name"},
	    {"GetApplications", "{\"account_id\": 1, \"count\": -1}", "count"},
	    {"GetApplications", "{\"account_id\": 1, \"count\": 1001}", "count"},
	    {"GetApplications", "{\"account_id\": 1, \"offset\": -1}", "offset"},
	    {"GetApplications", "{\"account_id\": 1, \"offset\": \"one\"}", "offset"},
	    {"GetApplications", "{\"account_id\": 1, \"application_id\": 0}", "application_id"},
	    {"GetApplications", "{\"account_id\": 1, \"with_rules\": \"yes\"}", "with_rules"},
	    {"GetApplications", "{\"account_id\": 1, \"with_rules\": 1}", "with_rules"},
	    {"GetApplications", "{\"account_id\": 1, \"application_name\": \"\"}", "application_name"},
	    {"SetParentAccount", "{\"parent_account_id\": 1}", "account_id"},
	    {"SetParentAccount", "{\"account_id\": 2, \"parent_account_id\": -1}", "parent_account_id"},
	    {"SetParentAccount", "{\"account_id\": 2, \"parent_account_id\": \"\"}", "parent_account_id"},
	    {"SetParentAccount", "{\"account_id\": 2, \"parent_account_id\": \"A\"}", "parent_account_id"},
	    {"SetParentAccount", "{\"account_id\": 2, \"parent_account_id\": true}", "parent_account_id"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		call_refused(cases[i].method, cases[i].request, NUMBERING_INVALID_ARGUMENT, cases[i].field);
		ck_assert_str_eq(call_ok("GetApplications", "{\"account_id\": 1, \"with_rules\": true}"), before);
	}
	snprintf(request, sizeof(request), "{\"account_id\": 1, \"application_name\": \"%s\"}", long_name);
	call_refused("AddApplication", request, NUMBERING_INVALID_ARGUMENT, "application_name");
	snprintf(request, sizeof(request), "{\"account_id\": 1, \"application_id\": 1, \"rule_name\": \"%s\"}", long_name);
	call_refused("AddRule", request, NUMBERING_INVALID_ARGUMENT, "rule_name");
	snprintf(request, sizeof(request),
	         "{\"account_id\": 1, \"application_id\": 1, \"rule_name\": \"r\", \"rule_pattern\": \"%s\"}", long_pattern);
	call_refused("AddRule", request, NUMBERING_INVALID_ARGUMENT, "rule_pattern");
	long_pattern[4096] = '\0'; /* 4096 bytes: the limit itself is fine */
	snprintf(request, sizeof(request),
	         "{\"account_id\": 1, \"application_id\": 1, \"rule_name\": \"r\", \"rule_pattern\": \"%s\"}", long_pattern);
	call_ok("AddRule", request);
	/* Not UTF-8, through the C API (JSON text is always UTF-8). */
	fixture_expect_error(numbering_store_add_application(NULL, fx.store, NULL, P1, "caf\xe9"),
	                     NUMBERING_INVALID_ARGUMENT, "application_name");
	fixture_expect_error(numbering_store_add_rule(NULL, fx.store, NULL, "projects/1", 1, NULL, "r2", "\xff"),
	                     NUMBERING_INVALID_ARGUMENT, "rule_pattern");
	fixture_expect_error(numbering_store_add_application(NULL, fx.store, NULL, "p1", "a"), NUMBERING_INVALID_ARGUMENT,
	                     "account_id");
	fixture_expect_error(numbering_store_add_application(NULL, NULL, NULL, P1, "a"), NUMBERING_INVALID_ARGUMENT,
	                     "store is NULL");
	fixture_expect_error(numbering_store_delete_applications(fx.store, NULL, P1, NULL, 1, NULL, 0),
	                     NUMBERING_INVALID_ARGUMENT, "application_id");
	fixture_expect_error(numbering_store_list_applications(NULL, fx.store, NULL, P1, 0, NULL, 1, 0, 0),
	                     NUMBERING_INVALID_ARGUMENT, "out is NULL");
	numbering_application_list *list = (numbering_application_list *)1;
	fixture_expect_error(numbering_store_list_applications(&list, fx.store, NULL, P1, -1, NULL, 1, 0, 0),
	                     NUMBERING_INVALID_ARGUMENT, "application_id");
	ck_assert_ptr_null(list);
	fixture_expect_error(numbering_store_set_parent_account(fx.store, NULL, P1, "projects/"),
	                     NUMBERING_INVALID_ARGUMENT, "parent_account_id");
	/* The getters on NULL and out of range. */
	ck_assert_uint_eq(numbering_application_list_count(NULL), 0);
	ck_assert_int_eq(numbering_application_list_total(NULL), 0);
	ck_assert_str_eq(numbering_application_list_name(NULL, 0), "");
	ck_assert_str_eq(numbering_application_list_rule_name(NULL, 0, 0), "");
	ck_assert_int_eq(numbering_application_list_rule_id(NULL, 0, 0), 0);
	ck_assert_int_eq(numbering_application_list_rule_created(NULL, 0, 0), 0);
	ck_assert_uint_eq(numbering_application_list_rule_count(NULL, 0), 0);
	ck_assert_int_eq(numbering_application_list_id(NULL, 0), 0);
	ck_assert_int_eq(numbering_application_list_created(NULL, 0), 0);
	numbering_application_list_free(NULL);
	fixture_close_case();
}
END_TEST

struct damage {
	int records[18];
	int cases;
};

static int damage_visit(const numbering_record *record, void *payload)
{
	struct damage *d = payload;
	d->records[record->kind]++;
	d->cases += record_damage_check_all(record);
	/* Keys that are not the body's. */
	const struct numbering__kind *kind = numbering__kind_find(record->kind);
	numbering_record copy = *record;
	copy.sort_key = record->sort_key + 1;
	ck_assert_int_eq(kind->check(&copy), NUMBERING_DATA_LOSS);
	copy = *record;
	copy.parent = "projects/p9";
	ck_assert_int_eq(kind->check(&copy), NUMBERING_DATA_LOSS);
	copy = *record;
	copy.flags = NUMBERING_RECORD_LISTED;
	ck_assert_int_eq(kind->check(&copy), NUMBERING_DATA_LOSS);
	copy = *record;
	copy.expires = 5;
	ck_assert_int_eq(kind->check(&copy), NUMBERING_DATA_LOSS);
	copy = *record;
	copy.keys[0] = record->keys[0] ? "other" : "x";
	ck_assert_int_eq(kind->check(&copy), NUMBERING_DATA_LOSS);
	copy = *record;
	copy.keys[3] = "x";
	ck_assert_int_eq(kind->check(&copy), NUMBERING_DATA_LOSS);
	copy = *record;
	copy.name = "projects/p1";
	ck_assert_int_eq(kind->check(&copy), NUMBERING_DATA_LOSS);
	/* A body cut short: the error names the record and the attribute it ends in. */
	copy = *record;
	copy.body_len = record->body_len - 1;
	numbering_error_clear();
	ck_assert_int_eq(kind->check(&copy), NUMBERING_DATA_LOSS);
	ck_assert_int_ge(numbering_error_violation_count(), 1);
	ck_assert_msg(strstr(numbering_error_message(), "is damaged: its ") != NULL &&
	                  strstr(numbering_error_message(), record->name) != NULL,
	              "%s", numbering_error_message());
	return 0;
}

START_TEST(damaged_records)
{
	numbering_backend *backend = NULL;
	ck_assert_int_eq(numbering_memory_backend_new(&backend), NUMBERING_OK);
	memset(&fx, 0, sizeof(fx));
	fx.now = FIXTURE_EPOCH;
	fx.store = fixture_open_on(backend, &fx.now);
	int64_t a = add_app(P1, "caf\xc3\xa9");
	add_rule(P1, a, "in", "^\\+1.*");
	add_rule(P1, a, "out", NULL);
	ck_assert_int_eq(numbering_store_set_parent_account(fx.store, NULL, P2, P1), NUMBERING_OK);
	struct damage d;
	memset(&d, 0, sizeof(d));
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = NUMBERING__KIND_APPLICATION;
	q.parent = P1;
	ck_assert_int_eq(backend->list(backend, &q, damage_visit, &d), NUMBERING_OK);
	char parent[128];
	snprintf(parent, sizeof(parent), P1 "/applications/%lld", (long long)a);
	q.kind = NUMBERING__KIND_RULE;
	q.parent = parent;
	ck_assert_int_eq(backend->list(backend, &q, damage_visit, &d), NUMBERING_OK);
	q.kind = NUMBERING__KIND_ACCOUNT_LINK;
	q.parent = P1;
	ck_assert_int_eq(backend->list(backend, &q, damage_visit, &d), NUMBERING_OK);
	ck_assert_int_eq(d.records[NUMBERING__KIND_APPLICATION], 1);
	ck_assert_int_eq(d.records[NUMBERING__KIND_RULE], 2);
	ck_assert_int_eq(d.records[NUMBERING__KIND_ACCOUNT_LINK], 1);
	ck_assert_int_gt(d.cases, 500);
	numbering_store_close(fx.store);
	fx.store = NULL;
}
END_TEST

/* ---- Allocation failure ---- */

/* Fails the fail_at-th allocation (0: none), counting them. */
static struct {
	long count, fail_at, fired;
} failer;

static void *fail_malloc(size_t size, void *payload)
{
	(void)payload;
	return ++failer.count == failer.fail_at && ++failer.fired ? NULL : malloc(size);
}

static void *fail_realloc(void *ptr, size_t size, void *payload)
{
	(void)payload;
	return ++failer.count == failer.fail_at && ++failer.fired ? NULL : realloc(ptr, size);
}

static void fail_free(void *ptr, void *payload)
{
	(void)payload;
	free(ptr);
}

/* Every allocation of a store's applications calls failing in turn: each call answers
 * (its result, RESOURCE_EXHAUSTED when the failure hit it, or NOT_FOUND for what an
 * earlier failed call did not make), leaks nothing (ASan), and what it leaves reads
 * back whole: no application without its record, no rule without its application. */
START_TEST(every_allocation_failing)
{
	static const char *const calls[][2] = {
	    {"AddApplication", "{\"account_id\": 1, \"application_name\": \"a\"}"},
	    {"AddRule", "{\"account_id\": 1, \"application_name\": \"a\", \"rule_name\": \"r\", \"rule_pattern\": \".*\"}"},
	    {"GetApplications", "{\"account_id\": 1, \"with_rules\": true}"},
	    {"SetParentAccount", "{\"account_id\": 2, \"parent_account_id\": 1}"},
	    {"SetParentAccount", "{\"account_id\": 1, \"parent_account_id\": 2}"},
	    {"DelRule", "{\"account_id\": 1, \"application_name\": \"a\", \"rule_name\": \"r\"}"},
	    {"DelApplication", "{\"account_id\": 1, \"application_name\": \"a\"}"},
	};
	long n;
	for (n = 1; n < 20000; n++) {
		memset(&failer, 0, sizeof(failer));
		failer.fail_at = n;
		numbering_allocator allocator = {NUMBERING_ALLOCATOR_VERSION, fail_malloc, fail_realloc, fail_free, NULL};
		ck_assert_int_eq(numbering_set_allocator(&allocator), NUMBERING_OK);
		memset(&fx, 0, sizeof(fx));
		fx.now = FIXTURE_EPOCH;
		numbering_options options = NUMBERING_OPTIONS_INIT;
		options.clock = fixture_tick;
		options.clock_payload = &fx.now;
		if (numbering_store_open(&fx.store, &options) != NUMBERING_OK) {
			numbering_set_allocator(NULL);
			continue;
		}
		for (size_t c = 0; c < sizeof(calls) / sizeof(calls[0]); c++) {
			char *out = NULL;
			long fired = failer.fired;
			int rc = numbering_store_call_json(&out, fx.store, NULL, calls[c][0], calls[c][1]);
			int want = c == 4 ? NUMBERING_FAILED_PRECONDITION : NUMBERING_OK;
			ck_assert_msg(rc == want || (failer.fired > fired && rc == NUMBERING_RESOURCE_EXHAUSTED) ||
			                  (failer.fired > 0 && (rc == NUMBERING_NOT_FOUND || rc == NUMBERING_OK)),
			              "allocation %ld, %s: %s", n, calls[c][0], numbering_status_name(rc));
			numbering_free(out);
		}
		long fired = failer.fired;
		numbering_set_allocator(NULL);
		/* What is left reads back: every application and rule record passes its check
		 * (the listing reads them with it), and a parent link has no half. */
		char *out = NULL;
		ck_assert_int_eq(numbering_store_call_json(&out, fx.store, NULL, "GetApplications",
		                                           "{\"account_id\": 1, \"with_rules\": true}"),
		                 NUMBERING_OK);
		if (fired == 0)
			ck_assert_str_eq(out, "{\"result\":[],\"count\":0,\"total_count\":0}");
		numbering_free(out);
		char *parent = NULL;
		ck_assert_int_eq(numbering_store_get_parent_account(&parent, fx.store, NULL, "projects/2"), NUMBERING_OK);
		ck_assert_msg(parent[0] == '\0' || strcmp(parent, "projects/1") == 0, "parent %s", parent);
		numbering_free(parent);
		numbering_store_close(fx.store);
		fx.store = NULL;
		if (fired == 0)
			break;
	}
	fprintf(stderr, "applications: %ld allocation points, each failing once\n", n - 1);
	ck_assert_int_gt(n, 50);
	ck_assert_int_lt(n, 20000);
}
END_TEST

Suite *applications_suite(void)
{
	Suite *s = suite_create("applications");
	TCase *tc = tcase_create("applications");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, names_are_unique_where_the_seed_says, 0, 2);
	tcase_add_loop_test(tc, ids_are_never_handed_out_twice, 0, 2);
	tcase_add_loop_test(tc, deleting_unbinds_the_numbers, 0, 2);
	tcase_add_loop_test(tc, a_rule_of_another_application_is_refused, 0, 2);
	tcase_add_loop_test(tc, parents_and_children, 0, 2);
	tcase_add_loop_test(tc, json_answers, 0, 2);
	tcase_add_loop_test(tc, bad_input_changes_nothing, 0, 2);
	tcase_add_test(tc, damaged_records);
	tcase_add_test(tc, every_allocation_failing);
	suite_add_tcase(s, tc);
	return s;
}
