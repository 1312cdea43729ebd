/*
 * The built-in policy's authorization rules: the roles and the bindings check. It is
 * consulted on every call, so a parsed policy holds per-binding permission bitmasks
 * and sorted member lists: authorizing is a name look-up, a few mask tests and a
 * binary search.
 */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "service/policy.h"
#include "service/service.h"

/* The built-in roles, each holding its permissions and those of the roles before it. */
enum role_level { VIEWER, EDITOR, ADMIN };

static const struct {
	const char *name;
	enum role_level level;
} roles[] = {
	{"roles/numbering.viewer", VIEWER},
	{"roles/numbering.editor", EDITOR},
	{"roles/numbering.admin", ADMIN},
};

static const struct {
	const char *name;
	enum role_level least_role;
} permissions[] = {
#define NUMBERING__PERMISSION(id, name, role) [NUMBERING__PERM_##id] = {name, role},
#include "service/permission-list.h"
#undef NUMBERING__PERMISSION
};

numbering__permission_set numbering__permission_bit(const char *name)
{
	for (size_t i = 0; i < sizeof(permissions) / sizeof(permissions[0]); i++)
		if (strcmp(name, permissions[i].name) == 0)
			return (numbering__permission_set)1 << i;
	return 0;
}

int numbering__role_permissions(numbering__permission_set *set, const char *name)
{
	for (size_t r = 0; r < sizeof(roles) / sizeof(roles[0]); r++) {
		if (strcmp(name, roles[r].name) != 0)
			continue;
		for (size_t i = 0; i < sizeof(permissions) / sizeof(permissions[0]); i++)
			if (permissions[i].least_role <= roles[r].level)
				*set |= (numbering__permission_set)1 << i;
		return 0;
	}
	return -1;
}

int numbering__policy_compare_members(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void numbering_policy_free(numbering_policy *policy)
{
	if (policy == NULL)
		return;
	for (size_t i = 0; i < policy->binding_count; i++) {
		struct numbering__binding *b = &policy->bindings[i];
		for (size_t j = 0; j < b->member_count; j++)
			numbering__free_mem(b->members[j]);
		numbering__free_mem(b->members);
		numbering__free_mem(b->project);
	}
	numbering__free_mem(policy->bindings);
	numbering__free_mem(policy);
}

static int is_member(const struct numbering__binding *b, const char *caller)
{
	if (b->all_users)
		return 1;
	return b->member_count > 0 && bsearch(&caller, b->members, b->member_count, sizeof(*b->members),
	                                      numbering__policy_compare_members) != NULL;
}

int numbering_policy_authorize(const char *caller, const char *permission, const char *project, void *policy)
{
	const numbering_policy *p = policy;
	if (caller == NULL || permission == NULL || project == NULL || p == NULL)
		return 0;
	numbering__permission_set bit = numbering__permission_bit(permission);
	if (bit == 0)
		return 0;
	for (size_t i = 0; i < p->binding_count; i++) {
		const struct numbering__binding *b = &p->bindings[i];
		if ((b->permissions & bit) != 0 && (b->project == NULL || strcmp(b->project, project) == 0) &&
		    is_member(b, caller))
			return 1;
	}
	return 0;
}
