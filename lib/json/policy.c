/*
 * Reads the built-in policy document into the service's structs (service/policy.h):
 * bindings of a project ("*" for every project) to members and the permissions they
 * hold, directly or through roles. What a role grants and how a binding is checked
 * are the service's (lib/service/policy.c); this file only parses.
 */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "json/json.h"
#include "model/validate.h"
#include "numbering/store.h"
#include "service/policy.h"

static int oom(void)
{
	return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory parsing the policy");
}

/* Each element of the array @value must be a non-empty string. */
static int string_items(json_t *value, const char *path)
{
	int rc = numbering__json_array(value, path);
	size_t i;
	json_t *item;
	if (rc != NUMBERING_OK || value == NULL)
		return rc;
	json_array_foreach(value, i, item) {
		char field[NUMBERING__JSON_PATH_SIZE];
		numbering__json_path_index(field, path, i);
		if (!json_is_string(item))
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "%s must be a string, not %s", field,
			                              numbering__json_type_name(item));
		if (json_string_length(item) == 0)
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "%s is empty", field);
	}
	return NUMBERING_OK;
}

static int unknown_name(const char *field, const char *what, const char *name)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "%s: unknown %s \"%s\"", field, what,
	                              numbering__quote(quoted, name, strlen(name)));
}

/* Adds what @name grants to @bits; nonzero when there is no such name. */
typedef int (*grant_adder)(numbering__permission_set *bits, const char *name);

static int add_permission(numbering__permission_set *bits, const char *name)
{
	numbering__permission_set bit = numbering__permission_bit(name);
	*bits |= bit;
	return bit == 0;
}

/* The array of names at @path (@what: "permission" or "role"), each added by @add. */
static int read_grants(numbering__permission_set *bits, json_t *value, const char *path, const char *what,
                       grant_adder add)
{
	int rc = string_items(value, path);
	size_t i;
	json_t *item;
	if (rc != NUMBERING_OK || value == NULL)
		return rc;
	json_array_foreach(value, i, item) {
		char field[NUMBERING__JSON_PATH_SIZE];
		if (add(bits, json_string_value(item)) != 0)
			return unknown_name(numbering__json_path_index(field, path, i), what, json_string_value(item));
	}
	return NUMBERING_OK;
}

static int read_members(struct numbering__binding *b, json_t *value, const char *path)
{
	int rc = string_items(value, path);
	size_t i;
	json_t *item;
	if (rc != NUMBERING_OK || value == NULL)
		return rc;
	b->members = numbering__calloc(json_array_size(value), sizeof(*b->members));
	if (b->members == NULL)
		return oom();
	json_array_foreach(value, i, item) {
		if (strcmp(json_string_value(item), "allUsers") == 0) {
			b->all_users = 1;
			continue;
		}
		b->members[b->member_count] = numbering__strdup(json_string_value(item));
		if (b->members[b->member_count] == NULL)
			return oom();
		b->member_count++;
	}
	qsort(b->members, b->member_count, sizeof(*b->members), numbering__policy_compare_members);
	return NUMBERING_OK;
}

static int read_binding(struct numbering__binding *b, json_t *value, const char *path)
{
	enum { PROJECT, MEMBERS, PERMISSIONS, ROLES, COUNT };
	static const struct numbering__json_field fields[COUNT] = {
		[PROJECT] = {"project", "project"},
		[MEMBERS] = {"members", "members"},
		[PERMISSIONS] = {"permissions", "permissions"},
		[ROLES] = {"roles", "roles"},
	};
	json_t *f[COUNT];
	char field[NUMBERING__JSON_PATH_SIZE];
	const char *project = NULL;
	int rc = numbering__json_object(value, path);
	if (rc == NUMBERING_OK && value == NULL)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, path, "%s must be an object, not null", path);
	if (rc == NUMBERING_OK)
		rc = numbering__json_fields(f, value, fields, COUNT, path);
	if (rc == NUMBERING_OK)
		rc = numbering__json_string(&project, f[PROJECT], numbering__json_path(field, path, "project"));
	if (rc != NUMBERING_OK)
		return rc;
	if (project == NULL || project[0] == '\0')
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "%s is required (\"projects/ID\" or \"*\")",
		                              field);
	if (strcmp(project, "*") != 0) {
		size_t parent_len = 0;
		if ((rc = numbering__parse_parent(project, field, &parent_len)) != NUMBERING_OK)
			return rc;
		if (parent_len != strlen(project)) {
			char quoted[NUMBERING__QUOTE_SIZE];
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "%s is not a project name: \"%s\"",
			                              field, numbering__quote(quoted, project, strlen(project)));
		}
		if ((b->project = numbering__strdup(project)) == NULL)
			return oom();
	}
	if ((rc = read_members(b, f[MEMBERS], numbering__json_path(field, path, "members"))) != NUMBERING_OK ||
	    (rc = read_grants(&b->permissions, f[PERMISSIONS], numbering__json_path(field, path, "permissions"), "permission",
	                      add_permission)) !=
	        NUMBERING_OK)
		return rc;
	return read_grants(&b->permissions, f[ROLES], numbering__json_path(field, path, "roles"), "role",
	                   numbering__role_permissions);
}

static int read_policy(numbering_policy *policy, json_t *root)
{
	static const struct numbering__json_field fields[] = {{"bindings", "bindings"}};
	json_t *bindings = NULL;
	int rc = numbering__json_fields(&bindings, root, fields, 1, "");
	if (rc == NUMBERING_OK)
		rc = numbering__json_array(bindings, "bindings");
	if (rc != NUMBERING_OK || bindings == NULL)
		return rc;
	policy->bindings = numbering__calloc(json_array_size(bindings), sizeof(*policy->bindings));
	if (policy->bindings == NULL)
		return oom();
	size_t i;
	json_t *item;
	json_array_foreach(bindings, i, item) {
		char path[NUMBERING__JSON_PATH_SIZE];
		/* Counted before reading so a half-read binding is freed with the rest. */
		policy->binding_count++;
		if ((rc = read_binding(&policy->bindings[i], item, numbering__json_path_index(path, "bindings", i))) !=
		    NUMBERING_OK)
			return rc;
	}
	return NUMBERING_OK;
}

int numbering_policy_parse(numbering_policy **out, const char *json)
{
	if (out == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "out", "numbering_policy_parse: out is NULL");
	*out = NULL;
	if (json == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "json", "numbering_policy_parse: json is NULL");
	json_t *root = NULL;
	int rc = numbering__json_load(&root, json, "policy");
	if (rc != NUMBERING_OK)
		return rc;
	numbering_policy *policy = numbering__calloc(1, sizeof(*policy));
	rc = policy == NULL ? oom() : read_policy(policy, root);
	json_decref(root);
	if (rc != NUMBERING_OK) {
		numbering_policy_free(policy);
		return rc;
	}
	*out = policy;
	return NUMBERING_OK;
}
