/*
 * The built-in policy as the service evaluates it: bindings of a project ("*" for
 * every project) to members and a permission set. Which role grants which
 * permissions, and whether a binding lets a caller do something, are decided here;
 * lib/json/policy.c only reads the policy document into these structs.
 */
#ifndef NUMBERING_SERVICE_POLICY_H
#define NUMBERING_SERVICE_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "numbering/policy.h"

/* One bit per permission, bit NUMBERING__PERM_<name> (service/permission-list.h). */
typedef uint64_t numbering__permission_set;

struct numbering__binding {
	char *project;                        /* "projects/p1", or NULL for every project */
	numbering__permission_set permissions; /* granted directly or through roles */
	int all_users;                        /* "allUsers": any authenticated (non-NULL) caller */
	size_t member_count;
	char **members;                       /* sorted by numbering__policy_compare_members, for bsearch */
};

struct numbering_policy {
	size_t binding_count;
	struct numbering__binding *bindings;
};

/* The bit of the permission named @name ("numbering.phoneNumberInstances.get"); 0
 * when it is none of ours. */
numbering__permission_set numbering__permission_bit(const char *name);

/* Adds the permissions role @name ("roles/numbering.viewer") grants to *set; returns
 * 0, or -1 (nothing added) when it is no built-in role. */
int numbering__role_permissions(numbering__permission_set *set, const char *name);

/* qsort/bsearch order of a binding's members (pointers to char *). */
int numbering__policy_compare_members(const void *a, const void *b);

#endif
