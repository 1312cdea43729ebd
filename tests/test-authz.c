/*
 * The authorization matrix (issue 6, hostile callers): every method against every
 * permission, with the built-in policy and with a host authorizer, through the C API
 * and the JSON entry point. A caller holding one permission succeeds at exactly the
 * method that needs it; every other method is PERMISSION_DENIED (resolve: NOT_FOUND),
 * with the same answer whether the target exists or not.
 */
#include <stdio.h>
#include <string.h>

#include <numbering/numbering.h>

#include "suites.h"

#define PERMISSION_PREFIX "numbering.phoneNumberInstances."
#define RANGE "projects/p1/phoneNumberInstances/r"
#define PENDING "projects/p1/phoneNumberInstances/pend"
#define SUSPENDED "projects/p1/phoneNumberInstances/susp"
#define OWNED_NUMBER "+61255501150"
/* The caller under test, and one that may do anything (to set stores up). */
#define USER "user:u"
#define ADMIN "user:admin"

enum method { CREATE, GET, LIST, UPDATE, DELETE, MOVE, SPLIT, ACTIVATE, SUSPEND, RESUME, RESOLVE, METHOD_COUNT };

/* Each method's permission, its JSON request, and what a permitted caller gets in the
 * populated store and in an empty one. The C calls use the same targets (call_c). */
static const struct {
	const char *verb;
	const char *json_method;
	const char *json_request;
	int code_populated, code_empty;
} methods[METHOD_COUNT] = {
	[CREATE] = {"create", "CreatePhoneNumberInstance",
	            "{\"parent\":\"projects/p1\",\"phoneNumberInstanceId\":\"r\","
	            "\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":\"+61255503000\"}}}",
	            NUMBERING_ALREADY_EXISTS, NUMBERING_OK},
	[GET] = {"get", "GetPhoneNumberInstance", "{\"name\":\"" RANGE "\"}", NUMBERING_OK, NUMBERING_NOT_FOUND},
	[LIST] = {"list", "ListPhoneNumberInstances", "{\"parent\":\"projects/p1\"}", NUMBERING_OK, NUMBERING_OK},
	[UPDATE] = {"update", "UpdatePhoneNumberInstance",
	            "{\"name\":\"" RANGE "\",\"updateMask\":\"displayName\",\"phoneNumberInstance\":{\"displayName\":\"x\"}}",
	            NUMBERING_OK, NUMBERING_NOT_FOUND},
	[DELETE] = {"delete", "DeletePhoneNumberInstance", "{\"name\":\"" RANGE "\"}", NUMBERING_OK, NUMBERING_NOT_FOUND},
	[MOVE] = {"move", "MovePhoneNumberInstance", "{\"name\":\"" RANGE "\",\"destinationParent\":\"projects/p2\"}",
	          NUMBERING_OK, NUMBERING_NOT_FOUND},
	[SPLIT] = {"splitRange", "SplitRange", "{\"phoneNumberInstance\":\"" RANGE "\",\"size\":10}", NUMBERING_OK,
	           NUMBERING_NOT_FOUND},
	[ACTIVATE] = {"activate", "ActivatePhoneNumberInstance", "{\"name\":\"" PENDING "\"}", NUMBERING_OK,
	              NUMBERING_NOT_FOUND},
	[SUSPEND] = {"suspend", "SuspendPhoneNumberInstance", "{\"name\":\"" RANGE "\"}", NUMBERING_OK,
	             NUMBERING_NOT_FOUND},
	[RESUME] = {"resume", "ResumePhoneNumberInstance", "{\"name\":\"" SUSPENDED "\"}", NUMBERING_OK,
	            NUMBERING_NOT_FOUND},
	[RESOLVE] = {"resolve", "ResolvePhoneNumber", "{\"phoneNumber\":\"" OWNED_NUMBER "\"}", NUMBERING_OK,
	             NUMBERING_NOT_FOUND},
};

/* ---- The two kinds of authorizer, each granting USER one permission ---- */

enum kind { POLICY, CALLBACK };

/* What USER holds: one verb (NULL: nothing), on one project (NULL: on p1 and p2). */
static struct grant {
	const char *verb;
	const char *project;
} grant;

static int host_authorizer(const char *caller, const char *permission, const char *project, void *payload)
{
	const struct grant *g = payload;
	if (caller != NULL && strcmp(caller, ADMIN) == 0)
		return 1;
	if (caller == NULL || strcmp(caller, USER) != 0 || g->verb == NULL)
		return 0;
	if (strncmp(permission, PERMISSION_PREFIX, strlen(PERMISSION_PREFIX)) != 0 ||
	    strcmp(permission + strlen(PERMISSION_PREFIX), g->verb) != 0)
		return 0;
	return g->project == NULL ? strcmp(project, "projects/p1") == 0 || strcmp(project, "projects/p2") == 0
	                          : strcmp(project, g->project) == 0;
}

static numbering_policy *policy;

/* Appends a binding giving USER @verb on @project to the policy text @json. */
static int user_binding(char *json, size_t size, int n, const char *project, const char *verb)
{
	return n + snprintf(json + n, size - (size_t)n,
	                    ",{\"project\":\"%s\",\"members\":[\"" USER "\"],\"permissions\":[\"" PERMISSION_PREFIX
	                    "%s\"]}",
	                    project, verb);
}

/* A policy in which ADMIN may do anything, plus USER's bindings from @add. */
static numbering_policy *policy_with(void (*add)(char *json, size_t size, int *n, const void *arg), const void *arg)
{
	char json[1024];
	int n = snprintf(json, sizeof(json), "{\"bindings\":[{\"project\":\"*\",\"members\":[\"" ADMIN
	                                     "\"],\"roles\":[\"roles/numbering.admin\"]}");
	add(json, sizeof(json), &n, arg);
	snprintf(json + n, sizeof(json) - (size_t)n, "]}");
	numbering_policy *p = NULL;
	ck_assert_msg(numbering_policy_parse(&p, json) == NUMBERING_OK, "%s: %s", json, numbering_error_message());
	return p;
}

/* The grant as bindings. */
static void add_grant(char *json, size_t size, int *n, const void *arg)
{
	const struct grant *g = arg;
	const char *projects[] = {"projects/p1", "projects/p2"};
	for (size_t i = 0; g->verb != NULL && i < 2; i++)
		if (g->project == NULL || strcmp(g->project, projects[i]) == 0)
			*n = user_binding(json, size, *n, projects[i], g->verb);
}

static numbering_store *open_store(enum kind kind)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.default_region = "AU";
	if (kind == POLICY) {
		numbering_policy_free(policy);
		policy = policy_with(add_grant, &grant);
		options.authorizer = numbering_policy_authorize;
		options.authorizer_payload = policy;
	} else {
		options.authorizer = host_authorizer;
		options.authorizer_payload = &grant;
	}
	numbering_store *store = NULL;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	return store;
}

static void close_store(numbering_store *store)
{
	numbering_store_close(store);
	numbering_policy_free(policy);
	policy = NULL;
}

static void admin_create(numbering_store *store, const char *id, const char *number, int state)
{
	numbering_instance *request = NULL, *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&request), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_phone_number(request, number), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_lifecycle_state(request, state), NUMBERING_OK);
	ck_assert_msg(numbering_store_create(&out, store, ADMIN, "projects/p1", request, id, NULL, NULL) == NUMBERING_OK,
	              "%s", numbering_error_message());
	numbering_instance_free(out);
	numbering_instance_free(request);
}

/* The targets every method needs: an active range, a pending and a suspended number. */
static void populate(numbering_store *store)
{
	admin_create(store, "r", "+61255501100-99", NUMBERING_LIFECYCLE_ACTIVE);
	admin_create(store, "pend", "+61255502000", NUMBERING_LIFECYCLE_PENDING);
	admin_create(store, "susp", "+61255502001", NUMBERING_LIFECYCLE_ACTIVE);
	numbering_instance *out = NULL;
	ck_assert_int_eq(numbering_store_suspend(&out, store, ADMIN, SUSPENDED), NUMBERING_OK);
	numbering_instance_free(out);
}

/* ---- One call, through one door ---- */

enum door { C_API, JSON, DOOR_COUNT };

struct outcome {
	int rc;
	int leaked_output; /* an out-parameter was set on failure */
	char message[1024];
};

static void call_c(struct outcome *o, numbering_store *store, enum method m)
{
	numbering_instance *out = NULL, *second = NULL, *request = NULL;
	numbering_list_request *list = NULL;
	numbering_list_page *page = NULL;
	numbering_resolution *resolution = NULL;
	ck_assert_int_eq(numbering_instance_new(&request), NUMBERING_OK);
	switch (m) {
	case CREATE:
		ck_assert_int_eq(numbering_instance_set_phone_number(request, "+61255503000"), NUMBERING_OK);
		o->rc = numbering_store_create(&out, store, USER, "projects/p1", request, "r", NULL, NULL);
		break;
	case GET: o->rc = numbering_store_get(&out, store, USER, RANGE); break;
	case LIST:
		ck_assert_int_eq(numbering_list_request_new(&list), NUMBERING_OK);
		ck_assert_int_eq(numbering_list_request_set_parent(list, "projects/p1"), NUMBERING_OK);
		o->rc = numbering_store_list(&page, store, USER, list);
		break;
	case UPDATE:
		ck_assert_int_eq(numbering_instance_set_display_name(request, "x"), NUMBERING_OK);
		o->rc = numbering_store_update(&out, store, USER, RANGE, request, "displayName");
		break;
	case DELETE: o->rc = numbering_store_delete(&out, store, USER, RANGE); break;
	case MOVE: o->rc = numbering_store_move(&out, store, USER, RANGE, "projects/p2", NULL); break;
	case SPLIT: o->rc = numbering_store_split_range(&out, &second, store, USER, RANGE, 10); break;
	case ACTIVATE: o->rc = numbering_store_activate(&out, store, USER, PENDING); break;
	case SUSPEND: o->rc = numbering_store_suspend(&out, store, USER, RANGE); break;
	case RESUME: o->rc = numbering_store_resume(&out, store, USER, SUSPENDED); break;
	case RESOLVE:
		ck_assert_int_eq(numbering_resolution_new(&resolution), NUMBERING_OK);
		o->rc = numbering_store_resolve(resolution, store, USER, OWNED_NUMBER, NULL);
		/* A refused resolve hands back nothing of the owner. */
		if (o->rc != NUMBERING_OK && numbering_instance_name(numbering_resolution_instance(resolution))[0] != '\0')
			o->leaked_output = 1;
		break;
	default: ck_abort_msg("method %d", m);
	}
	snprintf(o->message, sizeof(o->message), "%s", o->rc == NUMBERING_OK ? "" : numbering_error_message());
	if (o->rc != NUMBERING_OK && (out != NULL || second != NULL || page != NULL))
		o->leaked_output = 1;
	numbering_instance_free(out);
	numbering_instance_free(second);
	numbering_instance_free(request);
	numbering_list_page_free(page);
	numbering_list_request_free(list);
	numbering_resolution_free(resolution);
}

static void call_json(struct outcome *o, numbering_store *store, enum method m)
{
	char *response = NULL;
	o->rc = numbering_store_call_json(&response, store, USER, methods[m].json_method, methods[m].json_request);
	ck_assert_ptr_nonnull(response);
	/* The whole error body: it must not differ either. */
	snprintf(o->message, sizeof(o->message), "%s", o->rc == NUMBERING_OK ? "" : response);
	numbering_free(response);
}

/* Calls method @m as USER on a fresh store, populated or empty. */
static void run(struct outcome *o, enum kind kind, enum door door, enum method m, int populated)
{
	memset(o, 0, sizeof(*o));
	numbering_store *store = open_store(kind);
	if (populated)
		populate(store);
	if (door == C_API)
		call_c(o, store, m);
	else
		call_json(o, store, m);
	close_store(store);
}

static const char *const kind_names[] = {"policy", "callback"};
static const char *const door_names[] = {"C", "JSON"};

/* Checks every method, through both doors, for a caller holding @verb (NULL: nothing). */
static void check_row(enum kind kind, const char *verb)
{
	grant.verb = verb;
	grant.project = NULL;
	for (int m = 0; m < METHOD_COUNT; m++) {
		for (int door = 0; door < DOOR_COUNT; door++) {
			struct outcome populated, empty;
			run(&populated, kind, (enum door)door, (enum method)m, 1);
			run(&empty, kind, (enum door)door, (enum method)m, 0);
			const char *where = methods[m].json_method;
			ck_assert_msg(!populated.leaked_output && !empty.leaked_output, "%s %s %s holding %s: output on failure",
			              kind_names[kind], door_names[door], where, verb ? verb : "nothing");
			if (verb != NULL && strcmp(verb, methods[m].verb) == 0) {
				ck_assert_msg(populated.rc == methods[m].code_populated && empty.rc == methods[m].code_empty,
				              "%s %s %s holding %s: %s / %s (%s%s)", kind_names[kind], door_names[door], where, verb,
				              numbering_status_name(populated.rc), numbering_status_name(empty.rc),
				              populated.message, empty.message);
				continue;
			}
			/* Resolve refuses by looking like an unowned number; the rest say so. */
			int want = m == RESOLVE ? NUMBERING_NOT_FOUND : NUMBERING_PERMISSION_DENIED;
			ck_assert_msg(populated.rc == want && empty.rc == want, "%s %s %s holding %s: %s / %s, want %s",
			              kind_names[kind], door_names[door], where, verb ? verb : "nothing",
			              numbering_status_name(populated.rc), numbering_status_name(empty.rc),
			              numbering_status_name(want));
			/* Same answer, word for word, whether the target exists or not. */
			ck_assert_msg(strcmp(populated.message, empty.message) == 0, "%s %s %s holding %s: \"%s\" vs \"%s\"",
			              kind_names[kind], door_names[door], where, verb ? verb : "nothing", populated.message,
			              empty.message);
		}
	}
}

/* _i is the permission USER holds: a method's, or METHOD_COUNT for none. */
START_TEST(matrix_builtin_policy)
{
	check_row(POLICY, _i < METHOD_COUNT ? methods[_i].verb : NULL);
}
END_TEST

START_TEST(matrix_host_authorizer)
{
	check_row(CALLBACK, _i < METHOD_COUNT ? methods[_i].verb : NULL);
}
END_TEST

/* Move needs the permission on both projects: holding it on either one alone is
 * PERMISSION_DENIED, the same whether the instance exists or not. _i: the kind. */
START_TEST(move_needs_both_projects)
{
	static const char *const only[] = {"projects/p1", "projects/p2"};
	for (size_t p = 0; p < 2; p++) {
		for (int door = 0; door < DOOR_COUNT; door++) {
			grant.verb = "move";
			grant.project = only[p];
			struct outcome populated, empty;
			run(&populated, (enum kind)_i, (enum door)door, MOVE, 1);
			run(&empty, (enum kind)_i, (enum door)door, MOVE, 0);
			ck_assert_msg(populated.rc == NUMBERING_PERMISSION_DENIED && empty.rc == NUMBERING_PERMISSION_DENIED,
			              "%s %s move only on %s: %s / %s", kind_names[_i], door_names[door], only[p],
			              numbering_status_name(populated.rc), numbering_status_name(empty.rc));
			ck_assert_str_eq(populated.message, empty.message);
			/* The message names the project the caller lacks it on. */
			ck_assert_msg(strstr(populated.message, only[1 - p]) != NULL, "%s", populated.message);
		}
	}
}
END_TEST

/* Resolve refused in the owning project is NOT_FOUND exactly as for a number nobody
 * owns: same code, message and body, and nothing of the owner in the result. */
START_TEST(resolve_refused_is_unowned)
{
	grant.verb = "get";
	grant.project = NULL;
	numbering_store *store = open_store((enum kind)_i);
	populate(store);
	numbering_resolution *resolution = NULL;
	ck_assert_int_eq(numbering_resolution_new(&resolution), NUMBERING_OK);
	/* First a successful resolve, so a leftover owner would show. */
	ck_assert_int_eq(numbering_store_resolve(resolution, store, ADMIN, OWNED_NUMBER, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_resolve(resolution, store, USER, OWNED_NUMBER, NULL), NUMBERING_NOT_FOUND);
	char refused[256];
	snprintf(refused, sizeof(refused), "%s", numbering_error_message());
	ck_assert_str_eq(numbering_instance_name(numbering_resolution_instance(resolution)), "");
	char *refused_body = NULL, *unowned_body = NULL;
	ck_assert_int_eq(numbering_store_call_json(&refused_body, store, USER, "ResolvePhoneNumber",
	                                           "{\"phoneNumber\":\"" OWNED_NUMBER "\"}"),
	                 NUMBERING_NOT_FOUND);
	/* Now nobody owns it. */
	numbering_instance *out = NULL;
	ck_assert_int_eq(numbering_store_delete(&out, store, ADMIN, RANGE), NUMBERING_OK);
	numbering_instance_free(out);
	ck_assert_int_eq(numbering_store_resolve(resolution, store, ADMIN, OWNED_NUMBER, NULL), NUMBERING_NOT_FOUND);
	ck_assert_str_eq(numbering_error_message(), refused);
	ck_assert_str_eq(numbering_instance_name(numbering_resolution_instance(resolution)), "");
	ck_assert_int_eq(numbering_store_call_json(&unowned_body, store, ADMIN, "ResolvePhoneNumber",
	                                           "{\"phoneNumber\":\"" OWNED_NUMBER "\"}"),
	                 NUMBERING_NOT_FOUND);
	ck_assert_str_eq(refused_body, unowned_body);
	numbering_free(refused_body);
	numbering_free(unowned_body);
	numbering_resolution_free(resolution);
	close_store(store);
}
END_TEST

/* USER may create in p2, and get where @arg says (NULL: nowhere). */
static void add_create_and_get(char *json, size_t size, int *n, const void *arg)
{
	*n = user_binding(json, size, *n, "projects/p2", "create");
	if (arg != NULL)
		*n = user_binding(json, size, *n, arg, "get");
}

/* A create refused because the number is held says so (one number, one owner), but
 * names the holder only to a caller who may get it. */
START_TEST(held_number_named_only_to_who_may_get_it)
{
	static const struct {
		const char *get_on; /* where USER may also get: NULL nowhere */
		int names_holder;
	} cases[] = {{NULL, 0}, {"projects/p2", 0}, {"projects/p1", 1}};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		numbering_policy *p = policy_with(add_create_and_get, cases[c].get_on);
		numbering_options options = NUMBERING_OPTIONS_INIT;
		options.authorizer = numbering_policy_authorize;
		options.authorizer_payload = p;
		numbering_store *store = NULL;
		ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
		populate(store);
		char *response = NULL;
		ck_assert_int_eq(numbering_store_call_json(&response, store, USER, "CreatePhoneNumberInstance",
		                                           "{\"parent\":\"projects/p2\",\"phoneNumberInstance\":"
		                                           "{\"phoneNumber\":{\"phoneNumber\":\"" OWNED_NUMBER "\"}}}"),
		                 NUMBERING_ALREADY_EXISTS);
		ck_assert_msg((strstr(response, RANGE) != NULL) == cases[c].names_holder, "get on %s: %s",
		              cases[c].get_on ? cases[c].get_on : "nothing", response);
		ck_assert_msg(strstr(response, "already held by") != NULL, "%s", response);
		/* Nor its state. */
		if (!cases[c].names_holder)
			ck_assert_msg(strstr(response, "ACTIVE") == NULL, "%s", response);
		numbering_free(response);
		numbering_store_close(store);
		numbering_policy_free(p);
	}
}
END_TEST

/* ---- Conflicts name the instance in the way only to a caller who may get it (issue 17, item 12) ---- */

/* USER's bindings, as "verb@project" pairs ending with NULL. */
static void add_pairs(char *json, size_t size, int *n, const void *arg)
{
	for (const char *const *pair = arg; *pair != NULL; pair++) {
		char verb[32], project[64];
		ck_assert_int_eq(sscanf(*pair, "%31[^@]@%63s", verb, project), 2);
		*n = user_binding(json, size, *n, project, verb);
	}
}

static numbering_store *open_with_pairs(numbering_policy **p, const char *const *pairs)
{
	*p = policy_with(add_pairs, pairs);
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.authorizer = numbering_policy_authorize;
	options.authorizer_payload = *p;
	options.default_region = "AU";
	numbering_store *store = NULL;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	return store;
}

static void admin_create_in(numbering_store *store, const char *parent, const char *id, const char *number)
{
	numbering_instance *request = NULL, *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&request), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_phone_number(request, number), NUMBERING_OK);
	ck_assert_msg(numbering_store_create(&out, store, ADMIN, parent, request, id, NULL, NULL) == NUMBERING_OK, "%s",
	              numbering_error_message());
	numbering_instance_free(out);
	numbering_instance_free(request);
}

enum conflict { ID_TAKEN, NUMBER_HELD, DESTINATION_TAKEN, CONFLICT_COUNT };

/* What USER tries, as a C call and a JSON request, and the instance in its way. */
static void conflict_call(struct outcome *o, numbering_store *store, enum conflict c, enum door door)
{
	static const char *const json[CONFLICT_COUNT][2] = {
		[ID_TAKEN] = {"CreatePhoneNumberInstance",
		              "{\"parent\":\"projects/p2\",\"phoneNumberInstanceId\":\"secret\","
		              "\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":\"+61255507000\"}}}"},
		[NUMBER_HELD] = {"CreatePhoneNumberInstance",
		                 "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":"
		                 "{\"phoneNumber\":{\"phoneNumber\":\"+61255506000\"}}}"},
		[DESTINATION_TAKEN] = {"MovePhoneNumberInstance",
		                       "{\"name\":\"projects/p1/phoneNumberInstances/secret\","
		                       "\"destinationParent\":\"projects/p2\"}"},
	};
	memset(o, 0, sizeof(*o));
	if (door == JSON) {
		char *response = NULL;
		o->rc = numbering_store_call_json(&response, store, USER, json[c][0], json[c][1]);
		snprintf(o->message, sizeof(o->message), "%s", response);
		numbering_free(response);
		return;
	}
	numbering_instance *request = NULL, *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&request), NUMBERING_OK);
	if (c == DESTINATION_TAKEN) {
		o->rc = numbering_store_move(&out, store, USER, "projects/p1/phoneNumberInstances/secret", "projects/p2",
		                             NULL);
	} else {
		ck_assert_int_eq(numbering_instance_set_phone_number(request, c == ID_TAKEN ? "+61255507000" : "+61255506000"),
		                 NUMBERING_OK);
		o->rc = numbering_store_create(&out, store, USER, c == ID_TAKEN ? "projects/p2" : "projects/p1", request,
		                               c == ID_TAKEN ? "secret" : NULL, NULL, NULL);
	}
	snprintf(o->message, sizeof(o->message), "%s", numbering_error_message());
	o->leaked_output = out != NULL;
	numbering_instance_free(out);
	numbering_instance_free(request);
}

/* Every ALREADY_EXISTS of the service: the instance in the way is
 * projects/p2/phoneNumberInstances/secret, holding +61255506000 (@state). USER holds
 * what the call needs, and get where @get_on says. */
static void conflict_outcome(struct outcome *o, enum conflict c, enum door door, const char *get_on, int state)
{
	const char *pairs[8];
	int n = 0;
	pairs[n++] = c == DESTINATION_TAKEN ? "move@projects/p1" : c == ID_TAKEN ? "create@projects/p2" : "create@projects/p1";
	if (c == DESTINATION_TAKEN)
		pairs[n++] = "move@projects/p2";
	char get[64];
	if (get_on != NULL) {
		snprintf(get, sizeof(get), "get@%s", get_on);
		pairs[n++] = get;
	}
	pairs[n] = NULL;
	numbering_policy *p = NULL;
	numbering_store *store = open_with_pairs(&p, pairs);
	admin_create_in(store, "projects/p2", "secret", "+61255506000");
	admin_create_in(store, "projects/p1", "secret", "+61255506001");
	if (state != NUMBERING_LIFECYCLE_ACTIVE) {
		numbering_instance *out = NULL;
		ck_assert_int_eq(numbering_store_suspend(&out, store, ADMIN, "projects/p2/phoneNumberInstances/secret"),
		                 NUMBERING_OK);
		numbering_instance_free(out);
	}
	conflict_call(o, store, c, door);
	numbering_store_close(store);
	numbering_policy_free(p);
}

START_TEST(conflicts_name_the_instance_only_to_who_may_get_it)
{
	static const char *const conflict_names[] = {"id taken", "number held", "destination taken"};
	const char *holder = "projects/p2/phoneNumberInstances/secret";
	for (int c = 0; c < CONFLICT_COUNT; c++) {
		for (int door = 0; door < DOOR_COUNT; door++) {
			struct outcome none, elsewhere, suspended, allowed;
			conflict_outcome(&none, (enum conflict)c, (enum door)door, NULL, NUMBERING_LIFECYCLE_ACTIVE);
			conflict_outcome(&elsewhere, (enum conflict)c, (enum door)door, "projects/p3", NUMBERING_LIFECYCLE_ACTIVE);
			conflict_outcome(&suspended, (enum conflict)c, (enum door)door, NULL, NUMBERING_LIFECYCLE_SUSPENDED);
			conflict_outcome(&allowed, (enum conflict)c, (enum door)door, "projects/p2", NUMBERING_LIFECYCLE_ACTIVE);
			const struct outcome *all[] = {&none, &elsewhere, &suspended, &allowed};
			for (size_t i = 0; i < 4; i++)
				ck_assert_msg(all[i]->rc == NUMBERING_ALREADY_EXISTS && !all[i]->leaked_output, "%s %s: %s %s",
				              conflict_names[c], door_names[door], numbering_status_name(all[i]->rc),
				              all[i]->message);
			/* Without get: that it is taken, not by whom nor in which state, word for word
			 * the same whatever the instance in the way. */
			ck_assert_msg(strstr(none.message, holder) == NULL && strstr(none.message, "ACTIVE") == NULL, "%s %s: %s",
			              conflict_names[c], door_names[door], none.message);
			ck_assert_str_eq(none.message, elsewhere.message);
			ck_assert_str_eq(none.message, suspended.message);
			ck_assert_msg(strstr(none.message, c == NUMBER_HELD ? "+61255506000 is already held by another"
			                                                    : "the instance id \\\"secret\\\" is already taken in "
			                                                      "projects/p2") != NULL ||
			                  (door == C_API && strstr(none.message, c == NUMBER_HELD
			                                                             ? "+61255506000 is already held by another"
			                                                             : "the instance id \"secret\" is already "
			                                                               "taken in projects/p2") != NULL),
			              "%s %s: %s", conflict_names[c], door_names[door], none.message);
			/* With get on the project of the instance in the way: named. */
			ck_assert_msg(strstr(allowed.message, holder) != NULL, "%s %s: %s", conflict_names[c], door_names[door],
			              allowed.message);
		}
	}
}
END_TEST

/* ---- A retried create answers with its first response (issue 17, item 11) ---- */

/* ADMIN creates with a request id, then changes the instance; USER, holding only
 * create, retries the same request and gets the first response, word for word, not
 * the display name and handlers set since. The same after a delete and after a move. */
START_TEST(retried_create_shows_the_first_response_only)
{
	static const char *const pairs[] = {"create@projects/p1", NULL};
	static const char *const create_json =
		"{\"parent\":\"projects/p1\",\"requestId\":\"order-17\",\"phoneNumberInstanceId\":\"n\","
		"\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":\"+61255508000\"},\"labels\":{\"k\":\"v\"}}}";
	for (int after = 0; after < 3; after++) {
		numbering_policy *p = NULL;
		numbering_store *store = open_with_pairs(&p, pairs);
		char *first = NULL, *retry = NULL, *changed = NULL;
		ck_assert_int_eq(numbering_store_call_json(&first, store, ADMIN, "CreatePhoneNumberInstance", create_json),
		                 NUMBERING_OK);
		ck_assert_int_eq(numbering_store_call_json(&changed, store, ADMIN, "UpdatePhoneNumberInstance",
		                                           "{\"name\":\"projects/p1/phoneNumberInstances/n\","
		                                           "\"updateMask\":\"displayName,incomingCallHandlerUris,labels\","
		                                           "\"phoneNumberInstance\":{\"displayName\":\"Secret line\","
		                                           "\"incomingCallHandlerUris\":[\"sip:boss@example.com\"],"
		                                           "\"labels\":{\"k\":\"changed\"}}}"),
		                 NUMBERING_OK);
		numbering_free(changed);
		changed = NULL;
		if (after == 1)
			ck_assert_int_eq(numbering_store_call_json(&changed, store, ADMIN, "DeletePhoneNumberInstance",
			                                           "{\"name\":\"projects/p1/phoneNumberInstances/n\"}"),
			                 NUMBERING_OK);
		if (after == 2)
			ck_assert_int_eq(numbering_store_call_json(&changed, store, ADMIN, "MovePhoneNumberInstance",
			                                           "{\"name\":\"projects/p1/phoneNumberInstances/n\","
			                                           "\"destinationParent\":\"projects/p2\"}"),
			                 NUMBERING_OK);
		numbering_free(changed);
		ck_assert_int_eq(numbering_store_call_json(&retry, store, USER, "CreatePhoneNumberInstance", create_json),
		                 NUMBERING_OK);
		ck_assert_str_eq(retry, first);
		ck_assert_msg(strstr(retry, "Secret line") == NULL && strstr(retry, "boss") == NULL, "%s", retry);
		numbering_free(retry);
		/* The C API the same. */
		numbering_instance *request = NULL, *out = NULL;
		ck_assert_int_eq(numbering_instance_new(&request), NUMBERING_OK);
		ck_assert_int_eq(numbering_instance_set_phone_number(request, "+61255508000"), NUMBERING_OK);
		ck_assert_int_eq(numbering_instance_set_label(request, "k", "v"), NUMBERING_OK);
		ck_assert_int_eq(numbering_store_create(&out, store, USER, "projects/p1", request, "n", "order-17", NULL),
		                 NUMBERING_OK);
		ck_assert_str_eq(numbering_instance_name(out), "projects/p1/phoneNumberInstances/n");
		ck_assert_str_eq(numbering_instance_display_name(out), "");
		ck_assert_str_eq(numbering_instance_label(out, "k"), "v");
		ck_assert_int_eq(numbering_instance_call_handler_count(out), 0);
		ck_assert_int_eq(numbering_instance_lifecycle_state(out), NUMBERING_LIFECYCLE_ACTIVE);
		ck_assert_int_eq(numbering_instance_delete_time(out), 0);
		numbering_instance_free(out);
		numbering_instance_free(request);
		numbering_free(first);
		numbering_store_close(store);
		numbering_policy_free(p);
	}
}
END_TEST

Suite *authz_suite(void)
{
	Suite *s = suite_create("authz");
	TCase *tc = tcase_create("authz");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, matrix_builtin_policy, 0, METHOD_COUNT + 1);
	tcase_add_loop_test(tc, matrix_host_authorizer, 0, METHOD_COUNT + 1);
	tcase_add_loop_test(tc, move_needs_both_projects, POLICY, CALLBACK + 1);
	tcase_add_loop_test(tc, resolve_refused_is_unowned, POLICY, CALLBACK + 1);
	tcase_add_test(tc, held_number_named_only_to_who_may_get_it);
	tcase_add_test(tc, conflicts_name_the_instance_only_to_who_may_get_it);
	tcase_add_test(tc, retried_create_shows_the_first_response_only);
	suite_add_tcase(s, tc);
	return s;
}
