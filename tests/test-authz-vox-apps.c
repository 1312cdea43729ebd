/*
 * The authorization matrix of the applications methods (numbering/application.h):
 * AddApplication, AddRule, DelApplication, DelRule, GetApplications and the host's
 * SetParentAccount through numbering_store_call_json, each against each permission
 * that could be mistaken for its own and none, with a host authorizer and with the
 * built-in policy. Holding the method's permission on projects/p1 (on "*" for
 * SetParentAccount) gives its answer; anything else, the permission on projects/p2
 * included, is PERMISSION_DENIED naming the permission, with nothing changed and
 * nothing of the store in the body. The built-in roles: viewer lists, editor also
 * creates and deletes, only admin sets a parent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <numbering/numbering.h>

#include "authz-grant.h"
#include "suites.h"

#define USER AUTHZ_USER
#define ADMIN AUTHZ_ADMIN

static const char *const permissions[] = {
	"numbering.applications.create", "numbering.applications.delete", "numbering.applications.list",
	"numbering.accounts.setParent",  "numbering.phoneNumbers.bind",   "numbering.phoneNumbers.list",
};
#define PERMISSION_COUNT ((int)(sizeof(permissions) / sizeof(permissions[0])))

enum method { ADD_APP, ADD_RULE, DEL_APP, DEL_RULE, GET_APPS, SET_PARENT, METHOD_COUNT };
static const struct {
	const char *name, *request, *permission, *project;
} methods[METHOD_COUNT] = {
	[ADD_APP] = {"AddApplication", "{\"account_id\": \"p1\", \"application_name\": \"new\"}",
	             "numbering.applications.create", "projects/p1"},
	[ADD_RULE] = {"AddRule", "{\"account_id\": \"p1\", \"application_id\": 1, \"rule_name\": \"new\"}",
	              "numbering.applications.create", "projects/p1"},
	[DEL_APP] = {"DelApplication", "{\"account_id\": \"p1\", \"application_name\": \"shop\"}",
	             "numbering.applications.delete", "projects/p1"},
	[DEL_RULE] = {"DelRule", "{\"account_id\": \"p1\", \"rule_id\": 1}", "numbering.applications.delete",
	              "projects/p1"},
	[GET_APPS] = {"GetApplications", "{\"account_id\": \"p1\", \"with_rules\": true}", "numbering.applications.list",
	              "projects/p1"},
	[SET_PARENT] = {"SetParentAccount", "{\"account_id\": \"p1\", \"parent_account_id\": \"p2\"}",
	                "numbering.accounts.setParent", "*"},
};

static struct authz_grant grant; /* what USER holds (authz-grant.h) */
static numbering_policy *policy;

static char *call(numbering_store *store, const char *caller, const char *method, const char *request, int *rc)
{
	char *out = NULL;
	*rc = numbering_store_call_json(&out, store, caller, method, request);
	return out;
}

static void call_ok(numbering_store *store, const char *method, const char *request)
{
	int rc;
	char *out = call(store, ADMIN, method, request, &rc);
	ck_assert_msg(rc == NUMBERING_OK, "%s: %s", method, out);
	numbering_free(out);
}

/* What the store holds, as the admin sees it: p1's applications with rules and p1's parent. */
static void state(numbering_store *store, char *buf, size_t size)
{
	int rc;
	char *apps = call(store, ADMIN, "GetApplications", "{\"account_id\": \"p1\", \"with_rules\": true}", &rc);
	ck_assert_int_eq(rc, NUMBERING_OK);
	char *parent = NULL;
	ck_assert_int_eq(numbering_store_get_parent_account(&parent, store, ADMIN, "projects/p1"), NUMBERING_OK);
	snprintf(buf, size, "%s parent=%s", apps, parent);
	numbering_free(apps);
	numbering_free(parent);
}

/* A store in which USER holds the grant, through the host authorizer (@host) or the
 * built-in policy. */
static numbering_store *open_store(int host)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	authz_grant_options(&options, !host, &grant, &policy);
	numbering_store *store = NULL;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	call_ok(store, "AddApplication", "{\"account_id\": \"p1\", \"application_name\": \"shop\"}");
	call_ok(store, "AddRule", "{\"account_id\": \"p1\", \"application_id\": 1, \"rule_name\": \"in\"}");
	return store;
}

static void close_store(numbering_store *store)
{
	numbering_store_close(store);
	numbering_policy_free(policy);
	policy = NULL;
}

/* Runs @m as USER: answered when @allowed, else PERMISSION_DENIED naming @denied with
 * the store unchanged. */
static void check(numbering_store *store, int m, int allowed, const char *denied)
{
	char before[4096], after[4096];
	state(store, before, sizeof(before));
	int rc;
	char *out = call(store, USER, methods[m].name, methods[m].request, &rc);
	if (allowed) {
		ck_assert_msg(rc == NUMBERING_OK, "%s with %s: %s", methods[m].name, denied ? denied : "-", out);
	} else {
		ck_assert_msg(rc == NUMBERING_PERMISSION_DENIED, "%s without %s: %s", methods[m].name, denied, out);
		ck_assert_msg(strstr(out, denied) != NULL, "%s: %s does not name %s", methods[m].name, out, denied);
		ck_assert_msg(strstr(out, "shop") == NULL && strstr(out, "\"in\"") == NULL, "%s leaks: %s",
		              methods[m].name, out);
		state(store, after, sizeof(after));
		ck_assert_str_eq(after, before);
	}
	numbering_free(out);
}

START_TEST(host_authorizer_matrix)
{
	int m = _i;
	for (int p = -1; p < PERMISSION_COUNT; p++) {
		for (int other = 0; other < 2; other++) {
			grant.permission = p < 0 ? NULL : permissions[p];
			/* The permission on the right project, or on projects/p2 (or on p1 for a host operation). */
			grant.project = other ? (strcmp(methods[m].project, "*") == 0 ? "projects/p1" : "projects/p2")
			                      : methods[m].project;
			numbering_store *store = open_store(1);
			int allowed = p >= 0 && !other && strcmp(permissions[p], methods[m].permission) == 0;
			check(store, m, allowed, methods[m].permission);
			close_store(store);
		}
	}
}
END_TEST

START_TEST(builtin_roles)
{
	static const struct {
		const char *role;
		int allowed[METHOD_COUNT];
	} roles[] = {
		{"roles/numbering.viewer", {0, 0, 0, 0, 1, 0}},
		{"roles/numbering.editor", {1, 1, 1, 1, 1, 0}},
	};
	for (size_t r = 0; r < sizeof(roles) / sizeof(roles[0]); r++) {
		for (int m = 0; m < METHOD_COUNT; m++) {
			grant = (struct authz_grant){NULL, "projects/p1", roles[r].role};
			numbering_store *store = open_store(0);
			check(store, m, roles[r].allowed[m], methods[m].permission);
			close_store(store);
		}
	}
	/* An admin of p1 alone still cannot set a parent: it is a host operation. */
	grant = (struct authz_grant){NULL, "projects/p1", "roles/numbering.admin"};
	numbering_store *store = open_store(0);
	check(store, SET_PARENT, 0, "numbering.accounts.setParent");
	close_store(store);
}
END_TEST

Suite *authz_vox_apps_suite(void)
{
	Suite *s = suite_create("authz_vox_apps");
	TCase *tc = tcase_create("authz_vox_apps");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, host_authorizer_matrix, 0, METHOD_COUNT);
	tcase_add_test(tc, builtin_roles);
	suite_add_tcase(s, tc);
	return s;
}
