/*
 * Parent accounts (service/application.h, numbering/application.h): the ACCOUNT_LINK
 * record (kind 17, docs/RECORDS.md) that makes a project the child of another, its
 * look-ups, and SetParentAccount.
 *
 * The link of project C is "projects/C/parentAccount", under its parent's project: so
 * a child has one parent (its one record), and listing kind 17 under a project gives
 * its children, oldest link first (the sort key is the link's create time).
 */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "model/application-fields.h"
#include "model/fields.h"
#include "model/kinds.h"
#include "model/validate.h"
#include "numbering/application.h"
#include "service/application.h"
#include "service/backend-call.h"
#include "service/commit-or-rollback.h"
#include "service/service.h"

#define SUFFIX "/parentAccount"
#define SUFFIX_LEN (sizeof(SUFFIX) - 1)
#define LINK_NAME_SIZE (NUMBERING__PROJECT_SIZE + SUFFIX_LEN)

struct link_fields {
	NUMBERING__FIELDS_MEMBERS(NUMBERING__ACCOUNT_LINK_FIELDS)
};

#define DESCRIBE(id, type, json, limit, dflt) NUMBERING__FIELD_ROW(struct link_fields, id, type, json, limit, dflt)
static const struct numbering__field rows[] = {NUMBERING__ACCOUNT_LINK_FIELDS(DESCRIBE)};
#undef DESCRIBE
NUMBERING__FIELDS_FUNCTIONS(link, struct link_fields, "account link", NUMBERING__ACCOUNT_LINK_FIELDS)
static const struct numbering__fields table = {rows, sizeof(rows) / sizeof(rows[0]), "account link", link_encode, link_clear};

_Static_assert(NUMBERING__PROJECT_SIZE == 80, "application-fields.h's limit of parent");

struct link {
	char child[NUMBERING__PROJECT_SIZE];
	char parent[NUMBERING__PROJECT_SIZE];
	int64_t create_time;
};

static int damaged(const numbering_record *record, const char *field, const char *problem)
{
	return numbering__record_damaged(record, "", field, problem);
}

static int read_link(struct link *out, const numbering_record *record)
{
	size_t len = record->name ? strlen(record->name) : 0;
	int ok = record->kind == NUMBERING__KIND_ACCOUNT_LINK && len > SUFFIX_LEN &&
	         len - SUFFIX_LEN < NUMBERING__PROJECT_SIZE && strcmp(record->name + len - SUFFIX_LEN, SUFFIX) == 0;
	char child[NUMBERING__PROJECT_SIZE];
	if (ok) {
		memcpy(child, record->name, len - SUFFIX_LEN);
		child[len - SUFFIX_LEN] = '\0';
		ok = numbering__parse_parent(child, "name", NULL) == NUMBERING_OK;
	}
	if (!ok)
		return damaged(record, "name", "it is not {project}/parentAccount");
	if (record->parent == NULL || strlen(record->parent) >= NUMBERING__PROJECT_SIZE ||
	    numbering__parse_parent(record->parent, "parent", NULL) != NUMBERING_OK || strcmp(record->parent, child) == 0)
		return damaged(record, "parent", "it is not a project other than the child");
	if (record->digits != 0 || record->flags != 0 || record->expires != 0)
		return damaged(record, "flags", "it holds no interval, has no flags and does not expire");
	for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS; i++)
		if (record->keys[i] != NULL)
			return damaged(record, "keys", "an account link has no secondary keys");
	struct link_fields f;
	memset(&f, 0, sizeof(f));
	int rc = numbering__fields_decode_record(&table, &f, record, "");
	if (rc == NUMBERING_OK && (f.parent == NULL || strcmp(f.parent, record->parent) != 0))
		rc = damaged(record, "parent_account", "it is not the record's parent");
	else if (rc == NUMBERING_OK && (f.create_time <= 0 || f.create_time != record->sort_key))
		rc = damaged(record, "created", "it is not the record's sort key");
	if (rc == NUMBERING_OK && out != NULL) {
		snprintf(out->child, sizeof(out->child), "%s", child);
		snprintf(out->parent, sizeof(out->parent), "%s", record->parent);
		out->create_time = f.create_time;
	}
	numbering__fields_clear(&table, &f);
	return rc;
}

int numbering__account_link_record_check(const numbering_record *record)
{
	return read_link(NULL, record);
}

/* ---- Look-ups ---- */

struct link_visit {
	struct link *out;
	int rc, seen;
};

static int link_visit(const numbering_record *record, void *payload)
{
	struct link_visit *v = payload;
	v->seen = 1;
	v->rc = read_link(v->out, record);
	return 0;
}

int numbering__account_parent(numbering_store *store, const char *project, char out[NUMBERING__PROJECT_SIZE])
{
	char name[LINK_NAME_SIZE];
	snprintf(name, sizeof(name), "%s" SUFFIX, project);
	struct link l;
	struct link_visit v = {&l, NUMBERING_OK, 0};
	out[0] = '\0';
	int rc = numbering__backend_get_record(store, NUMBERING__KIND_ACCOUNT_LINK, name, link_visit, &v);
	if (rc == NUMBERING_NOT_FOUND)
		return NUMBERING_OK;
	if (rc == NUMBERING_OK)
		rc = v.rc;
	if (rc == NUMBERING_OK)
		snprintf(out, NUMBERING__PROJECT_SIZE, "%s", l.parent);
	return rc;
}

struct children_visit {
	numbering__account_visit_cb visit;
	void *payload;
	int rc, stopped;
};

static int children_visit(const numbering_record *record, void *payload)
{
	struct children_visit *c = payload;
	struct link l;
	if ((c->rc = read_link(&l, record)) != NUMBERING_OK)
		return NUMBERING__VISIT_STOP;
	if ((c->rc = c->visit(c->payload, l.child)) != 0)
		return NUMBERING__VISIT_STOP;
	return 0;
}

int numbering__account_children(numbering_store *store, const char *project, numbering__account_visit_cb visit,
                                void *payload)
{
	numbering_record_query query = NUMBERING_RECORD_QUERY_INIT;
	query.kind = NUMBERING__KIND_ACCOUNT_LINK;
	query.parent = project;
	query.order = NUMBERING_RECORD_ORDER_ASCENDING;
	struct children_visit c = {visit, payload, NUMBERING_OK, 0};
	int rc = numbering__backend_list(store, &query, children_visit, &c);
	return rc != NUMBERING_OK ? rc : c.rc;
}

/* ---- SetParentAccount ---- */

/* The most links a walk up from a project follows: more is a damaged store (a cycle
 * is never written). */
#define DEPTH_MAX 10000

/* FAILED_PRECONDITION when making @child the child of @parent would close a cycle:
 * @parent is @child, or one of @parent's ancestors is. */
static int check_cycle(numbering_store *store, const char *child, const char *parent)
{
	char at[NUMBERING__PROJECT_SIZE];
	snprintf(at, sizeof(at), "%s", parent);
	for (int depth = 0; at[0] != '\0'; depth++) {
		if (strcmp(at, child) == 0)
			return strcmp(parent, child) == 0
			           ? numbering__error_field(NUMBERING_FAILED_PRECONDITION, "parent_account_id",
			                                    "%s cannot be the parent of %s: an account is not its own parent",
			                                    parent, child)
			           : numbering__error_field(NUMBERING_FAILED_PRECONDITION, "parent_account_id",
			                                    "%s cannot be the parent of %s: %s is already a child of %s, "
			                                    "or of one of its children (a cycle)",
			                                    parent, child, parent, child);
		if (depth == DEPTH_MAX)
			return numbering__error_set(NUMBERING_DATA_LOSS, "the parents of %s go on for over %d accounts",
			                            parent, DEPTH_MAX);
		char up[NUMBERING__PROJECT_SIZE];
		int rc = numbering__account_parent(store, at, up);
		if (rc != NUMBERING_OK)
			return rc;
		memcpy(at, up, sizeof(at));
	}
	return NUMBERING_OK;
}

static int put_link(numbering_store *store, const char *child, const char *parent, int64_t create_time)
{
	char name[LINK_NAME_SIZE];
	snprintf(name, sizeof(name), "%s" SUFFIX, child);
	struct link_fields f;
	memset(&f, 0, sizeof(f));
	f.parent = (char *)parent;
	f.create_time = create_time;
	numbering_record rec;
	memset(&rec, 0, sizeof(rec));
	rec.version = NUMBERING_RECORD_VERSION;
	rec.kind = NUMBERING__KIND_ACCOUNT_LINK;
	rec.name = name;
	rec.parent = parent;
	rec.sort_key = create_time;
	return numbering__backend_put_fields(store, &rec, &table, &f);
}

int numbering_store_set_parent_account(numbering_store *store, const char *caller, const char *project,
                                       const char *parent_project)
{
	if (store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_set_parent_account: store is NULL");
	char child[NUMBERING__PROJECT_SIZE], parent[NUMBERING__PROJECT_SIZE] = "";
	int rc = numbering__project_of_parent(child, project, "account_id");
	if (rc == NUMBERING_OK && parent_project != NULL && parent_project[0] != '\0')
		rc = numbering__project_of_parent(parent, parent_project, "parent_account_id");
	if (rc == NUMBERING_OK)
		rc = numbering__host_call(store, caller, NUMBERING__PERM_ACCOUNT_SET_PARENT, 1, 1,
		                          "numbering_store_set_parent_account");
	if (rc != NUMBERING_OK)
		return rc;
	char old[NUMBERING__PROJECT_SIZE];
	int began = 0;
	numbering__rwlock_wrlock(&store->lock);
	rc = numbering__account_parent(store, child, old);
	int same = rc == NUMBERING_OK && strcmp(old, parent) == 0;
	if (rc == NUMBERING_OK && !same && parent[0] != '\0')
		rc = check_cycle(store, child, parent);
	if (rc == NUMBERING_OK && !same && (rc = numbering__begin(store)) == NUMBERING_OK) {
		began = 1;
		char name[LINK_NAME_SIZE];
		snprintf(name, sizeof(name), "%s" SUFFIX, child);
		if (old[0] != '\0')
			rc = numbering__backend_remove_record(store, NUMBERING__KIND_ACCOUNT_LINK, name);
		int64_t now = 0;
		if (rc == NUMBERING_OK && parent[0] != '\0' && (rc = numbering__next_time(store, &now)) == NUMBERING_OK)
			rc = put_link(store, child, parent, now);
	}
	if (began) {
		rc = numbering__commit_or_rollback(store, rc);
	}
	numbering__rwlock_wrunlock(&store->lock);
	if (rc == NUMBERING_OK && began)
		rc = numbering__durable(store);
	return rc;
}

int numbering_store_get_parent_account(char **out, numbering_store *store, const char *caller, const char *project)
{
	if (out == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_get_parent_account: out is NULL");
	*out = NULL;
	if (store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_get_parent_account: store is NULL");
	char p[NUMBERING__PROJECT_SIZE], parent[NUMBERING__PROJECT_SIZE];
	int rc = numbering__project_of_parent(p, project, "account_id");
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_APPLICATION_LIST, p);
	if (rc != NUMBERING_OK)
		return rc;
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	rc = numbering__account_parent(store, p, parent);
	numbering__rwlock_rdunlock(&store->lock, slot);
	if (rc == NUMBERING_OK && (*out = numbering__strdup(parent)) == NULL)
		rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory");
	return rc;
}
