#include "authz-grant.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

const char *const authz_permissions[AUTHZ_PERMISSION_COUNT] = {
#define NUMBERING__PERMISSION(id, name, role) name,
#include "service/permission-list.h"
#undef NUMBERING__PERMISSION
};

int authz_grant_authorizer(const char *caller, const char *permission, const char *project, void *payload)
{
	const struct authz_grant *g = payload;
	if (caller != NULL && strcmp(caller, AUTHZ_ADMIN) == 0)
		return 1;
	if (caller == NULL || strcmp(caller, AUTHZ_USER) != 0 || g->permission == NULL ||
	    strcmp(permission, g->permission) != 0)
		return 0;
	return strcmp(g->project, "*") == 0 || strcmp(project, g->project) == 0;
}

/* ADMIN's binding, and USER's giving @name (a permission or a role, as @member says)
 * on @project unless @name is NULL. */
static numbering_policy *policy_with(const char *member, const char *project, const char *name)
{
	char json[1024];
	int n = snprintf(json, sizeof(json), "{\"bindings\":[{\"project\":\"*\",\"members\":[\"" AUTHZ_ADMIN
	                                     "\"],\"roles\":[\"roles/numbering.admin\"]}");
	if (name != NULL)
		n += snprintf(json + n, sizeof(json) - (size_t)n,
		              ",{\"project\":\"%s\",\"members\":[\"" AUTHZ_USER "\"],\"%s\":[\"%s\"]}", project, member,
		              name);
	snprintf(json + n, sizeof(json) - (size_t)n, "]}");
	numbering_policy *p = NULL;
	ck_assert_msg(numbering_policy_parse(&p, json) == NUMBERING_OK, "%s: %s", json, numbering_error_message());
	return p;
}

numbering_policy *authz_grant_policy(const struct authz_grant *g)
{
	if (g->role != NULL)
		return policy_with("roles", g->project, g->role);
	return policy_with("permissions", g->project, g->permission);
}

numbering_policy *authz_role_policy(const char *project, const char *role)
{
	return policy_with("roles", project, role);
}

void authz_grant_options(numbering_options *options, int use_policy, struct authz_grant *g,
                         numbering_policy **policy)
{
	numbering_policy_free(*policy);
	*policy = NULL;
	if (use_policy) {
		*policy = authz_grant_policy(g);
		options->authorizer = numbering_policy_authorize;
		options->authorizer_payload = *policy;
	} else {
		options->authorizer = authz_grant_authorizer;
		options->authorizer_payload = g;
	}
}

void authz_expect_verdict(const struct authz_cell *cell, int allowed, int rc, int out_set, const char *response)
{
	const char *what = cell->by_json ? "json" : "C", *how = cell->use_policy ? "policy" : "authorizer";
	const char *perm = authz_permissions[cell->perm];
	if (allowed) {
		ck_assert_msg(rc == NUMBERING_OK, "%s %s holding %s on %s (%s): %s", what, cell->method, perm, cell->scope,
		              how, numbering_error_message());
		return;
	}
	ck_assert_msg(rc == NUMBERING_PERMISSION_DENIED, "%s %s holding %s on %s (%s): got %s", what, cell->method, perm,
	              cell->scope, how, numbering_status_name(rc));
	ck_assert(!out_set);
	if (cell->by_json) {
		ck_assert_ptr_nonnull(strstr(response, "PERMISSION_DENIED"));
		ck_assert_ptr_null(strstr(response, "+1212555"));
	}
}

void authz_matrix(int use_policy, int method_count,
                  void (*check)(int use_policy, const char *scope, int perm, int method, int by_json))
{
	static const char *const scopes[] = {"projects/p1", "*"};
	for (int by_json = 0; by_json < 2; by_json++)
		for (int s = 0; s < 2; s++)
			for (int p = 0; p < AUTHZ_PERMISSION_COUNT; p++)
				for (int m = 0; m < method_count; m++)
					check(use_policy, scopes[s], p, m, by_json);
}
