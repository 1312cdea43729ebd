/* The built-in policy: parsing, roles, projects, members, and a store that enforces it. */
#include <stdio.h>
#include <string.h>

#include <numbering/numbering.h>

#include "suites.h"

static const char *const verbs[] = {
	"create", "get", "list", "update", "delete", "move", "splitRange", "activate", "suspend", "resume", "resolve",
};
#define VERB_COUNT (sizeof(verbs) / sizeof(verbs[0]))

static int allowed(numbering_policy *policy, const char *caller, const char *verb, const char *project)
{
	char permission[128];
	snprintf(permission, sizeof(permission), "numbering.phoneNumberInstances.%s", verb);
	return numbering_policy_authorize(caller, permission, project, policy);
}

static numbering_policy *parse_ok(const char *json)
{
	numbering_policy *policy = NULL;
	int rc = numbering_policy_parse(&policy, json);
	ck_assert_msg(rc == NUMBERING_OK, "%s", numbering_error_message());
	ck_assert_ptr_nonnull(policy);
	return policy;
}

/* Asserts the policy is refused with a violation naming @field (unless NULL) and a
 * message containing @text (unless NULL). */
static void parse_fails(const char *json, const char *field, const char *text)
{
	numbering_policy *policy = (numbering_policy *)&policy;
	ck_assert_int_eq(numbering_policy_parse(&policy, json), NUMBERING_INVALID_ARGUMENT);
	ck_assert_ptr_null(policy);
	if (field != NULL) {
		ck_assert_int_ge(numbering_error_violation_count(), 1);
		ck_assert_str_eq(numbering_error_violation_field(0), field);
	}
	if (text != NULL)
		ck_assert_msg(strstr(numbering_error_message(), text) != NULL, "message lacks \"%s\": %s", text,
		              numbering_error_message());
}

START_TEST(parse_errors)
{
	numbering_policy *policy = NULL;
	ck_assert_int_eq(numbering_policy_parse(NULL, "{}"), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_policy_parse(&policy, NULL), NUMBERING_INVALID_ARGUMENT);
	ck_assert_ptr_null(policy);
	parse_fails("{\"bindings\":[", NULL, "malformed JSON in the policy at line 1");
	parse_fails("[]", NULL, "must be a JSON object");
	parse_fails("{\"bindings\":[],\"bindings\":[]}", NULL, "duplicate");
	parse_fails("{\"etag\":\"x\"}", "etag", "unknown field");
	parse_fails("{\"bindings\":{}}", "bindings", "must be an array");
	parse_fails("{\"bindings\":[7]}", "bindings[0]", "must be an object");
	parse_fails("{\"bindings\":[null]}", "bindings[0]", NULL);
	parse_fails("{\"bindings\":[{\"project\":\"*\",\"condition\":{}}]}", "bindings[0].condition", "unknown field");
	parse_fails("{\"bindings\":[{\"members\":[\"user:a\"]}]}", "bindings[0].project", "required");
	parse_fails("{\"bindings\":[{\"project\":\"p1\"}]}", "bindings[0].project", NULL);
	parse_fails("{\"bindings\":[{\"project\":\"projects/p1/phoneNumberInstances/x\"}]}", "bindings[0].project", NULL);
	parse_fails("{\"bindings\":[{\"project\":\"*\",\"members\":\"user:a\"}]}", "bindings[0].members", "array");
	parse_fails("{\"bindings\":[{\"project\":\"*\",\"members\":[\"user:a\",3]}]}", "bindings[0].members[1]",
	            "must be a string");
	parse_fails("{\"bindings\":[{\"project\":\"*\",\"members\":[\"\"]}]}", "bindings[0].members[0]", "empty");
	parse_fails("{\"bindings\":[{\"project\":\"*\",\"permissions\":[\"numbering.phoneNumberInstances.get\","
	            "\"numbering.phoneNumberInstances.fly\"]}]}",
	            "bindings[0].permissions[1]", "unknown permission \"numbering.phoneNumberInstances.fly\"");
	parse_fails("{\"bindings\":[{\"project\":\"*\",\"permissions\":[\"get\"]}]}", "bindings[0].permissions[0]", NULL);
	parse_fails("{\"bindings\":[{\"project\":\"*\"},{\"project\":\"*\"},{\"project\":\"projects/p1\",\"roles\":"
	            "[\"roles/numbering.owner\"]}]}",
	            "bindings[2].roles[0]", "unknown role \"roles/numbering.owner\"");
	parse_fails("{\"bindings\":[{\"project\":\"*\",\"roles\":[\"roles/numbering.viewer\"],"
	            "\"roles\":[\"roles/numbering.admin\"]}]}",
	            NULL, "duplicate");
}
END_TEST

START_TEST(empty_policy_denies)
{
	numbering_policy *policy = parse_ok("{}");
	ck_assert_int_eq(allowed(policy, "user:alice", "get", "projects/p1"), 0);
	numbering_policy_free(policy);
	policy = parse_ok("{\"bindings\":[]}");
	ck_assert_int_eq(allowed(policy, "user:alice", "get", "projects/p1"), 0);
	numbering_policy_free(policy);
	numbering_policy_free(NULL);
}
END_TEST

START_TEST(role_permissions)
{
	static const struct {
		const char *role;
		const char *granted; /* verbs, space-separated, each surrounded by spaces */
	} expected[] = {
		{"roles/numbering.viewer", " get list resolve "},
		{"roles/numbering.editor", " get list resolve create update delete splitRange "},
		{"roles/numbering.admin",
		 " create get list update delete move splitRange activate suspend resume resolve "},
	};
	for (size_t r = 0; r < sizeof(expected) / sizeof(expected[0]); r++) {
		char json[256];
		snprintf(json, sizeof(json),
		         "{\"bindings\":[{\"project\":\"projects/p1\",\"members\":[\"user:alice\"],\"roles\":[\"%s\"]}]}",
		         expected[r].role);
		numbering_policy *policy = parse_ok(json);
		for (size_t v = 0; v < VERB_COUNT; v++) {
			char word[32];
			snprintf(word, sizeof(word), " %s ", verbs[v]);
			int want = strstr(expected[r].granted, word) != NULL;
			ck_assert_msg(allowed(policy, "user:alice", verbs[v], "projects/p1") == want, "%s %s: want %d",
			              expected[r].role, verbs[v], want);
			/* Only on the bound project, only for the member. */
			ck_assert_int_eq(allowed(policy, "user:alice", verbs[v], "projects/p2"), 0);
			ck_assert_int_eq(allowed(policy, "user:bob", verbs[v], "projects/p1"), 0);
		}
		numbering_policy_free(policy);
	}
}
END_TEST

START_TEST(direct_permissions_and_wildcards)
{
	numbering_policy *policy = parse_ok(
		"{\"bindings\":["
		"{\"project\":\"*\",\"members\":[\"user:carol\",\"group:ops\"],"
		"\"permissions\":[\"numbering.phoneNumberInstances.resolve\"]},"
		"{\"project\":\"projects/p1\",\"members\":[\"allUsers\"],"
		"\"permissions\":[\"numbering.phoneNumberInstances.get\"]},"
		"{\"project\":\"projects/p2\",\"members\":[\"user:zed\",\"user:bob\",\"user:amy\"],"
		"\"permissions\":[\"numbering.phoneNumberInstances.move\"],\"roles\":[\"roles/numbering.viewer\"]}"
		"]}");
	/* "*" binds every project. */
	ck_assert_int_eq(allowed(policy, "user:carol", "resolve", "projects/p1"), 1);
	ck_assert_int_eq(allowed(policy, "group:ops", "resolve", "projects/anything"), 1);
	ck_assert_int_eq(allowed(policy, "user:carol", "get", "projects/p2"), 0);
	/* allUsers: anyone who is someone. */
	ck_assert_int_eq(allowed(policy, "user:nobody-in-particular", "get", "projects/p1"), 1);
	ck_assert_int_eq(allowed(policy, "user:carol", "get", "projects/p1"), 1);
	ck_assert_int_eq(allowed(policy, NULL, "get", "projects/p1"), 0);
	ck_assert_int_eq(allowed(policy, "user:nobody-in-particular", "list", "projects/p1"), 0);
	/* Members are matched exactly, whatever their order in the file. */
	ck_assert_int_eq(allowed(policy, "user:amy", "move", "projects/p2"), 1);
	ck_assert_int_eq(allowed(policy, "user:bob", "list", "projects/p2"), 1);
	ck_assert_int_eq(allowed(policy, "user:zed", "move", "projects/p2"), 1);
	ck_assert_int_eq(allowed(policy, "user:bo", "move", "projects/p2"), 0);
	ck_assert_int_eq(allowed(policy, "user:bobby", "move", "projects/p2"), 0);
	ck_assert_int_eq(allowed(policy, "user:amy", "move", "projects/p22"), 0);
	/* Anything else is refused. */
	ck_assert_int_eq(numbering_policy_authorize("user:amy", "numbering.phoneNumberInstances.fly", "projects/p2",
	                                            policy),
	                 0);
	ck_assert_int_eq(numbering_policy_authorize("user:amy", "other.move", "projects/p2", policy), 0);
	ck_assert_int_eq(numbering_policy_authorize("user:amy", NULL, "projects/p2", policy), 0);
	ck_assert_int_eq(numbering_policy_authorize("user:amy", "numbering.phoneNumberInstances.move", NULL, policy), 0);
	ck_assert_int_eq(numbering_policy_authorize("user:amy", "numbering.phoneNumberInstances.move", "projects/p2",
	                                            NULL),
	                 0);
	numbering_policy_free(policy);
}
END_TEST

START_TEST(null_caller_denied)
{
	numbering_policy *policy = parse_ok(
		"{\"bindings\":[{\"project\":\"*\",\"members\":[\"allUsers\"],\"roles\":[\"roles/numbering.admin\"]}]}");
	for (size_t v = 0; v < VERB_COUNT; v++) {
		ck_assert_int_eq(allowed(policy, NULL, verbs[v], "projects/p1"), 0);
		ck_assert_int_eq(allowed(policy, "user:x", verbs[v], "projects/p1"), 1);
	}
	numbering_policy_free(policy);
}
END_TEST

/* The permissions the service asks an authorizer for are the ones a policy names: each
 * parses in a binding's "permissions", is granted by it, and is held by the admin role
 * (one list, lib/service/permission-list.h, feeds the service and the policy). */
struct asked {
	char names[32][96];
	int count;
};

static int record_permission(const char *caller, const char *permission, const char *project, void *payload)
{
	(void)caller;
	(void)project;
	struct asked *a = payload;
	for (int i = 0; i < a->count; i++)
		if (strcmp(a->names[i], permission) == 0)
			return 1;
	ck_assert_int_lt(a->count, 32);
	snprintf(a->names[a->count++], sizeof(a->names[0]), "%s", permission);
	return 1;
}

START_TEST(service_permissions_are_policy_permissions)
{
	static const char *const calls[][2] = {
		{"CreatePhoneNumberInstance", "{\"parent\":\"projects/p\",\"phoneNumberInstanceId\":\"r\","
		                              "\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":\"+61255501100-9\"}}}"},
		{"GetPhoneNumberInstance", "{\"name\":\"projects/p/phoneNumberInstances/r\"}"},
		{"ListPhoneNumberInstances", "{\"parent\":\"projects/p\"}"},
		{"UpdatePhoneNumberInstance", "{\"name\":\"projects/p/phoneNumberInstances/r\",\"phoneNumberInstance\":{}}"},
		{"SplitRange", "{\"phoneNumberInstance\":\"projects/p/phoneNumberInstances/r\",\"size\":5}"},
		{"SuspendPhoneNumberInstance", "{\"name\":\"projects/p/phoneNumberInstances/r\"}"},
		{"ResumePhoneNumberInstance", "{\"name\":\"projects/p/phoneNumberInstances/r\"}"},
		{"ActivatePhoneNumberInstance", "{\"name\":\"projects/p/phoneNumberInstances/r\"}"},
		{"ResolvePhoneNumber", "{\"phoneNumber\":\"+61255501101\"}"},
		{"MovePhoneNumberInstance", "{\"name\":\"projects/p/phoneNumberInstances/r\",\"destinationParent\":\"projects/q\"}"},
		{"DeletePhoneNumberInstance", "{\"name\":\"projects/q/phoneNumberInstances/r\"}"},
	};
	struct asked asked = {.count = 0};
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.authorizer = record_permission;
	options.authorizer_payload = &asked;
	numbering_store *store = NULL;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		char *response = NULL;
		numbering_store_call_json(&response, store, "user:a", calls[i][0], calls[i][1]);
		numbering_free(response);
	}
	numbering_store_close(store);
	ck_assert_int_eq(asked.count, (int)VERB_COUNT);
	for (int i = 0; i < asked.count; i++) {
		char json[512];
		snprintf(json, sizeof(json),
		         "{\"bindings\":[{\"project\":\"projects/p\",\"members\":[\"user:a\"],\"permissions\":[\"%s\"]},"
		         "{\"project\":\"projects/p\",\"members\":[\"user:admin\"],\"roles\":[\"roles/numbering.admin\"]}]}",
		         asked.names[i]);
		numbering_policy *policy = parse_ok(json);
		ck_assert_msg(numbering_policy_authorize("user:a", asked.names[i], "projects/p", policy) == 1, "%s",
		              asked.names[i]);
		ck_assert_msg(numbering_policy_authorize("user:admin", asked.names[i], "projects/p", policy) == 1, "%s",
		              asked.names[i]);
		numbering_policy_free(policy);
	}
}
END_TEST

/* A store whose authorizer is @policy (the caller's to free after the store). */
static numbering_store *policy_store(numbering_policy *policy)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.authorizer = numbering_policy_authorize;
	options.authorizer_payload = policy;
	numbering_store *store = NULL;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	return store;
}

static const char store_policy[] =
	"{\"bindings\":["
	"{\"project\":\"projects/p1\",\"members\":[\"user:alice\"],\"roles\":[\"roles/numbering.admin\"]},"
	"{\"project\":\"projects/p1\",\"members\":[\"user:bob\"],\"roles\":[\"roles/numbering.viewer\"]},"
	"{\"project\":\"projects/p2\",\"members\":[\"user:carol\"],\"roles\":[\"roles/numbering.editor\"]},"
	"{\"project\":\"*\",\"members\":[\"user:dave\"],\"permissions\":[\"numbering.phoneNumberInstances.move\"]}"
	"]}";

START_TEST(store_enforces_policy)
{
	numbering_policy *policy = parse_ok(store_policy);
	numbering_store *store = policy_store(policy);

	numbering_instance *request = NULL, *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&request), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_phone_number(request, "+61255501100-99"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_create(&out, store, "user:bob", "projects/p1", request, "r", NULL, NULL),
	                 NUMBERING_PERMISSION_DENIED);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(numbering_store_create(&out, store, NULL, "projects/p1", request, "r", NULL, NULL),
	                 NUMBERING_PERMISSION_DENIED);
	ck_assert_int_eq(numbering_store_create(&out, store, "user:alice", "projects/p1", request, "r", NULL, NULL),
	                 NUMBERING_OK);
	numbering_instance_free(out);
	numbering_instance_free(request);

	const char *name = "projects/p1/phoneNumberInstances/r";
	ck_assert_int_eq(numbering_store_get(&out, store, "user:bob", name), NUMBERING_OK);
	numbering_instance_free(out);
	ck_assert_int_eq(numbering_store_get(&out, store, "user:carol", name), NUMBERING_PERMISSION_DENIED);
	ck_assert_int_eq(numbering_store_delete(&out, store, "user:bob", name), NUMBERING_PERMISSION_DENIED);
	numbering_instance *first = NULL, *second = NULL;
	ck_assert_int_eq(numbering_store_split_range(&first, &second, store, "user:bob", name, 20),
	                 NUMBERING_PERMISSION_DENIED);

	/* Resolve: allowed for a viewer, and a refusal looks like "nobody owns it". */
	numbering_resolution *resolution = NULL;
	ck_assert_int_eq(numbering_resolution_new(&resolution), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_resolve(resolution, store, "user:bob", "+61255501150", NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_resolve(resolution, store, "user:carol", "+61255501150", NULL),
	                 NUMBERING_NOT_FOUND);
	numbering_resolution_free(resolution);

	/* Move needs the permission on both projects: alice has none on p2, carol none on p1. */
	ck_assert_int_eq(numbering_store_move(&out, store, "user:alice", name, "projects/p2", NULL),
	                 NUMBERING_PERMISSION_DENIED);
	ck_assert_int_eq(numbering_store_move(&out, store, "user:carol", name, "projects/p2", NULL),
	                 NUMBERING_PERMISSION_DENIED);
	ck_assert_int_eq(numbering_store_split_range(&first, &second, store, "user:alice", name, 20), NUMBERING_OK);
	numbering_instance_free(first);
	numbering_instance_free(second);

	/* The same through the JSON entry point. */
	char *response = NULL;
	ck_assert_int_eq(numbering_store_call_json(&response, store, "user:bob", "DeletePhoneNumberInstance",
	                                           "{\"name\":\"projects/p1/phoneNumberInstances/r\"}"),
	                 NUMBERING_PERMISSION_DENIED);
	ck_assert_ptr_nonnull(strstr(response, "\"code\":403,\"status\":\"PERMISSION_DENIED\""));
	numbering_free(response);
	ck_assert_int_eq(numbering_store_call_json(&response, store, "user:bob", "ListPhoneNumberInstances",
	                                           "{\"parent\":\"projects/p1\"}"),
	                 NUMBERING_OK);
	numbering_free(response);
	ck_assert_int_eq(numbering_store_call_json(&response, store, "user:carol", "ListPhoneNumberInstances",
	                                           "{\"parent\":\"projects/p1\"}"),
	                 NUMBERING_PERMISSION_DENIED);
	numbering_free(response);
	/* dave may move on every project. */
	ck_assert_int_eq(numbering_store_call_json(&response, store, "user:dave", "MovePhoneNumberInstance",
	                                           "{\"name\":\"projects/p1/phoneNumberInstances/r\","
	                                           "\"destinationParent\":\"projects/p2\"}"),
	                 NUMBERING_OK);
	ck_assert_ptr_nonnull(strstr(response, "\"name\":\"projects/p2/phoneNumberInstances/r\""));
	numbering_free(response);
	ck_assert_int_eq(numbering_store_call_json(&response, store, "user:carol", "DeletePhoneNumberInstance",
	                                           "{\"name\":\"projects/p2/phoneNumberInstances/r\"}"),
	                 NUMBERING_OK);
	numbering_free(response);

	numbering_store_close(store);
	numbering_policy_free(policy);
}
END_TEST

/* With a policy loaded, a call without a caller is denied: every operation, even when
 * the policy grants everything to every authenticated caller. */
START_TEST(no_caller_denied_by_every_operation)
{
	numbering_policy *policy = parse_ok(
		"{\"bindings\":[{\"project\":\"*\",\"members\":[\"allUsers\"],\"roles\":[\"roles/numbering.admin\"]}]}");
	numbering_store *store = policy_store(policy);
	numbering_instance *request = NULL, *out = NULL, *second = NULL;
	ck_assert_int_eq(numbering_instance_new(&request), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_phone_number(request, "+61255501100-99"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_create(&out, store, "user:any", "projects/p1", request, "r", NULL, NULL),
	                 NUMBERING_OK);
	numbering_instance_free(out);
	out = NULL;
	const char *name = "projects/p1/phoneNumberInstances/r";
	int rc[11];
	rc[0] = numbering_store_create(&out, store, NULL, "projects/p1", request, "s", NULL, NULL);
	rc[1] = numbering_store_get(&out, store, NULL, name);
	rc[2] = numbering_store_update(&out, store, NULL, name, request, "displayName");
	rc[3] = numbering_store_delete(&out, store, NULL, name);
	rc[4] = numbering_store_activate(&out, store, NULL, name);
	rc[5] = numbering_store_suspend(&out, store, NULL, name);
	rc[6] = numbering_store_resume(&out, store, NULL, name);
	rc[7] = numbering_store_move(&out, store, NULL, name, "projects/p2", NULL);
	rc[8] = numbering_store_split_range(&out, &second, store, NULL, name, 10);
	numbering_list_request *lr = NULL;
	numbering_list_page *page = NULL;
	ck_assert_int_eq(numbering_list_request_new(&lr), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_request_set_parent(lr, "projects/p1"), NUMBERING_OK);
	rc[9] = numbering_store_list(&page, store, NULL, lr);
	for (int i = 0; i < 10; i++)
		ck_assert_msg(rc[i] == NUMBERING_PERMISSION_DENIED, "operation %d gave %s", i, numbering_status_name(rc[i]));
	ck_assert_ptr_null(out);
	ck_assert_ptr_null(page);
	/* Resolve answers as if nobody owned the number. */
	numbering_resolution *resolution = NULL;
	ck_assert_int_eq(numbering_resolution_new(&resolution), NUMBERING_OK);
	rc[10] = numbering_store_resolve(resolution, store, NULL, "+61255501150", NULL);
	ck_assert_int_eq(rc[10], NUMBERING_NOT_FOUND);
	ck_assert_str_eq(numbering_error_message(), "no phone number instance holds +61255501150");
	ck_assert_int_eq(numbering_store_resolve(resolution, store, "user:any", "+61255501150", NULL), NUMBERING_OK);
	numbering_resolution_free(resolution);
	/* The same through the JSON entry point. */
	static const char *const calls[][2] = {
		{"CreatePhoneNumberInstance",
		 "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":\"+61255509999\"}}}"},
		{"GetPhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/r\"}"},
		{"ListPhoneNumberInstances", "{\"parent\":\"projects/p1\"}"},
		{"UpdatePhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/r\",\"updateMask\":\"displayName\","
		                              "\"phoneNumberInstance\":{\"displayName\":\"x\"}}"},
		{"DeletePhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/r\"}"},
		{"MovePhoneNumberInstance",
		 "{\"name\":\"projects/p1/phoneNumberInstances/r\",\"destinationParent\":\"projects/p2\"}"},
		{"SplitRange", "{\"phoneNumberInstance\":\"projects/p1/phoneNumberInstances/r\",\"size\":10}"},
		{"ActivatePhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/r\"}"},
		{"SuspendPhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/r\"}"},
		{"ResumePhoneNumberInstance", "{\"name\":\"projects/p1/phoneNumberInstances/r\"}"},
	};
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		char *response = NULL;
		int code = numbering_store_call_json(&response, store, NULL, calls[i][0], calls[i][1]);
		ck_assert_msg(code == NUMBERING_PERMISSION_DENIED, "%s gave %s", calls[i][0], response);
		ck_assert_ptr_nonnull(strstr(response, "{\"error\":{\"code\":403,\"status\":\"PERMISSION_DENIED\""));
		numbering_free(response);
	}
	char *response = NULL;
	ck_assert_int_eq(numbering_store_call_json(&response, store, NULL, "ResolvePhoneNumber",
	                                           "{\"phoneNumber\":\"+61255501150\"}"),
	                 NUMBERING_NOT_FOUND);
	numbering_free(response);
	numbering_list_request_free(lr);
	numbering_instance_free(request);
	numbering_store_close(store);
	numbering_policy_free(policy);
}
END_TEST

/* Each lifecycle call has its own permission: an editor may create and delete, but not
 * activate, suspend, resume or move; an admin may. */
START_TEST(lifecycle_permissions_are_separate)
{
	numbering_policy *policy = parse_ok(
		"{\"bindings\":["
		"{\"project\":\"projects/p1\",\"members\":[\"user:ed\"],\"roles\":[\"roles/numbering.editor\"]},"
		"{\"project\":\"projects/p1\",\"members\":[\"user:sue\"],"
		"\"permissions\":[\"numbering.phoneNumberInstances.suspend\"]},"
		"{\"project\":\"projects/p1\",\"members\":[\"user:ann\"],\"roles\":[\"roles/numbering.admin\"]}]}");
	numbering_store *store = policy_store(policy);
	numbering_instance *request = NULL, *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&request), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_phone_number(request, "+61255501100"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_lifecycle_state(request, NUMBERING_LIFECYCLE_PENDING), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_create(&out, store, "user:ed", "projects/p1", request, "n", NULL, NULL),
	                 NUMBERING_OK);
	numbering_instance_free(out);
	const char *name = "projects/p1/phoneNumberInstances/n";
	ck_assert_int_eq(numbering_store_activate(&out, store, "user:ed", name), NUMBERING_PERMISSION_DENIED);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "numbering.phoneNumberInstances.activate"));
	ck_assert_int_eq(numbering_store_activate(&out, store, "user:sue", name), NUMBERING_PERMISSION_DENIED);
	ck_assert_int_eq(numbering_store_activate(&out, store, "user:ann", name), NUMBERING_OK);
	numbering_instance_free(out);
	ck_assert_int_eq(numbering_store_suspend(&out, store, "user:ed", name), NUMBERING_PERMISSION_DENIED);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "numbering.phoneNumberInstances.suspend"));
	ck_assert_int_eq(numbering_store_suspend(&out, store, "user:sue", name), NUMBERING_OK);
	numbering_instance_free(out);
	ck_assert_int_eq(numbering_store_resume(&out, store, "user:sue", name), NUMBERING_PERMISSION_DENIED);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "numbering.phoneNumberInstances.resume"));
	ck_assert_int_eq(numbering_store_resume(&out, store, "user:ann", name), NUMBERING_OK);
	numbering_instance_free(out);
	ck_assert_int_eq(numbering_store_delete(&out, store, "user:sue", name), NUMBERING_PERMISSION_DENIED);
	ck_assert_int_eq(numbering_store_delete(&out, store, "user:ed", name), NUMBERING_OK);
	numbering_instance_free(out);
	numbering_instance_free(request);
	numbering_store_close(store);
	numbering_policy_free(policy);
}
END_TEST

Suite *policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("policy");
	tcase_add_test(tc, parse_errors);
	tcase_add_test(tc, empty_policy_denies);
	tcase_add_test(tc, role_permissions);
	tcase_add_test(tc, direct_permissions_and_wildcards);
	tcase_add_test(tc, null_caller_denied);
	tcase_add_test(tc, service_permissions_are_policy_permissions);
	tcase_add_test(tc, store_enforces_policy);
	tcase_add_test(tc, no_caller_denied_by_every_operation);
	tcase_add_test(tc, lifecycle_permissions_are_separate);
	suite_add_tcase(s, tc);
	return s;
}
