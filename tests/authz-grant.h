/* The grant the authorization suites give: USER holds one permission on one project
 * (or on "*": every project), ADMIN everything, any other caller nothing; through a
 * host authorizer or through the built-in policy. */
#ifndef NUMBERING_TEST_AUTHZ_GRANT_H
#define NUMBERING_TEST_AUTHZ_GRANT_H

#include <numbering/numbering.h>

#define AUTHZ_USER "user:u"
#define AUTHZ_ADMIN "user:admin"

/* Every permission the library checks, in lib/service/permission-list.h's order (expanded
 * from it, so a new permission gets its row in every authorization matrix):
 * authz_permissions[AUTHZ_PERMISSION_<id>] is its name. */
enum authz_permission {
#define NUMBERING__PERMISSION(id, name, role) AUTHZ_PERMISSION_##id,
#include "service/permission-list.h"
#undef NUMBERING__PERMISSION
	AUTHZ_PERMISSION_COUNT
};
extern const char *const authz_permissions[AUTHZ_PERMISSION_COUNT];

struct authz_grant {
	const char *permission; /* NULL: nothing */
	const char *project;    /* "*": every project */
	const char *role;       /* instead of the permission: a built-in role (the policy only) */
};

/* A numbering_options.authorizer granting what the struct authz_grant at @payload says. */
int authz_grant_authorizer(const char *caller, const char *permission, const char *project, void *payload);

/* The same grant as a policy: ADMIN has roles/numbering.admin on "*", USER @g's role,
 * else its permission, on @g's project (no binding when both are NULL). Asserts that it
 * parses. */
numbering_policy *authz_grant_policy(const struct authz_grant *g);

/* A policy in which ADMIN has roles/numbering.admin on "*" and USER @role on @project.
 * Asserts that it parses. */
numbering_policy *authz_role_policy(const char *project, const char *role);

/* Sets @options' authorizer to @g: the policy of authz_grant_policy when @use_policy
 * (into *@policy, whose earlier policy, or NULL, is freed first; free it after closing
 * the store), else authz_grant_authorizer over @g. */
void authz_grant_options(numbering_options *options, int use_policy, struct authz_grant *g,
                         numbering_policy **policy);

/* One cell of an authorization matrix: USER holding permission @perm
 * (authz_permissions[]) on @scope, granted by the built-in policy when @use_policy
 * (else a host authorizer), calls @method (its JSON name) by JSON when @by_json, else
 * by the C API. */
struct authz_cell {
	int use_policy;
	const char *scope;
	int perm;
	const char *method;
	int by_json;
};

/* The verdict of @cell's call: when @allowed, @rc is NUMBERING_OK; else
 * NUMBERING_PERMISSION_DENIED with no out-parameter set (@out_set 0) and, by JSON, a
 * @response that says PERMISSION_DENIED and shows no number of the suites ("+1212555").
 * A failure names the cell. */
void authz_expect_verdict(const struct authz_cell *cell, int allowed, int rc, int out_set, const char *response);

/* Runs @check on every cell of the matrix of @method_count methods: by C and by JSON,
 * each permission granted on "projects/p1" and on "*". */
void authz_matrix(int use_policy, int method_count,
                  void (*check)(int use_policy, const char *scope, int perm, int method, int by_json));

#endif
