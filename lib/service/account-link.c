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
#include "service/application.h"
#include "service/backend-call.h"
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
static const struct numbering__fields table = {rows, sizeof(rows) / sizeof(rows[0]), "account link"};

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
	const char *field = NULL, *problem = NULL;
	int rc = numbering__fields_decode(&table, &f, record->body, record->body_len, &field, &problem);
	if (rc != NUMBERING_OK) {
		if (problem != NULL)
			rc = damaged(record, field, problem);
	} else if (f.parent == NULL || strcmp(f.parent, record->parent) != 0) {
		rc = damaged(record, "parent_account", "it is not the record's parent");
	} else if (f.create_time <= 0 || f.create_time != record->sort_key) {
		rc = damaged(record, "created", "it is not the record's sort key");
	}
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
