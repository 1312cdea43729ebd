/*
 * Phone ids and the PHONE record (kind 14): service/phone.h. The ids themselves come
 * from numbering__next_id() (store.c), given by numbering__backend_put() to an
 * instance stored for the first time; this file keeps the PHONE record, finds an
 * instance by its phone id, and migrates a store written before phone ids.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "e164/number.h"
#include "e164/parse.h"
#include "model/instance-record.h"
#include "model/kinds.h"
#include "model/record.h"
#include "model/validate.h"
#include "numbering/phone.h"
#include "service/backend-call.h"
#include "service/commit-or-rollback.h"
#include "service/phone.h"

#define INSTANCES "/phoneNumberInstances/"
#define INSTANCES_LEN (sizeof(INSTANCES) - 1)
/* A decimal int64 and its NUL. */
#define DECIMAL_SIZE 21

#define DESCRIBE(id, type, json, limit, dflt) NUMBERING__FIELD_ROW(struct numbering__phone, id, type, json, limit, dflt)
static const struct numbering__field rows[] = {NUMBERING__PHONE_FIELDS(DESCRIBE)};
NUMBERING__FIELDS_FUNCTIONS(phone, struct numbering__phone, "phone", NUMBERING__PHONE_FIELDS)
const struct numbering__fields numbering__phone_table = {rows, sizeof(rows) / sizeof(rows[0]), "phone", phone_encode, phone_clear};
#define TABLE (&numbering__phone_table)

void numbering__phone_clear(struct numbering__phone *p)
{
	numbering__fields_clear(TABLE, p);
	p->phone_id = 0;
}

int numbering__phone_set_text(struct numbering__phone *p, const char *json, const char *value)
{
	return numbering__fields_set_text(TABLE, p, json, value);
}

/* Whether every attribute is at its default: such a state has no record. */
static int is_default(const struct numbering__phone *p)
{
	return p->application_id == 0 && p->rule_id == 0 && p->sms_url == NULL && p->verification_status == 0 &&
	       p->hold_until == 0 && p->verification_name == NULL && p->regulation_address_id == 0;
}

/* The expiry key of @p: the hold's end while a verification is pending. */
static int64_t hold_key(const struct numbering__phone *p)
{
	return p->verification_status == NUMBERING__VERIFICATION_REQUIRED ||
	               p->verification_status == NUMBERING__VERIFICATION_IN_PROGRESS
	           ? p->hold_until
	           : 0;
}

static void decimal(char out[DECIMAL_SIZE], int64_t v)
{
	snprintf(out, DECIMAL_SIZE, "%" PRId64, v);
}

/* ---- The record ---- */

static int damaged(const numbering_record *record, const char *field, const char *problem)
{
	return numbering__record_damaged(record, "", field, problem);
}

/* Whether @key is the decimal text of @v (> 0), or NULL for 0. */
static int key_is(const char *key, int64_t v)
{
	if (v == 0)
		return key == NULL;
	char text[DECIMAL_SIZE];
	decimal(text, v);
	return key != NULL && strcmp(key, text) == 0;
}

/* Reads a PHONE record into @p (cleared by the caller): NUMBERING_DATA_LOSS naming
 * what is damaged (then @p is cleared). */
static int phone_read(struct numbering__phone *p, const numbering_record *record)
{
	const char *parent = record->parent ? record->parent : "";
	const char *name = record->name ? record->name : "";
	size_t plen = strlen(parent);
	if (record->kind != NUMBERING__KIND_PHONE || strncmp(parent, "projects/", 9) != 0 || plen <= 9 ||
	    plen >= NUMBERING__PROJECT_SIZE || strchr(parent + 9, '/') != NULL || record->digits != 0 ||
	    record->flags != 0)
		return damaged(record, "parent", "it is not a project, or the record holds numbers or is listed");
	if (strncmp(name, parent, plen) != 0 || strncmp(name + plen, INSTANCES, INSTANCES_LEN) != 0 ||
	    name[plen + INSTANCES_LEN] == '\0' || strchr(name + plen + INSTANCES_LEN, '/') != NULL ||
	    strlen(name) >= NUMBERING__NAME_SIZE)
		return damaged(record, "name", "it is not the name of an instance of its parent");
	if (record->sort_key <= 0)
		return damaged(record, "sort_key", "it is not a phone id (a positive integer)");
	for (int i = 2; i < NUMBERING_RECORD_KEY_SLOTS; i++)
		if (record->keys[i] != NULL)
			return damaged(record, "keys", "a phone record has no key past slot 1");
	int rc = numbering__fields_decode_record(TABLE, p, record, "");
	if (rc != NUMBERING_OK)
		return rc;
	p->phone_id = record->sort_key;
	if (is_default(p))
		rc = damaged(record, "body", "it holds nothing: such a phone has no record");
	else if (!key_is(record->keys[0], p->application_id))
		rc = damaged(record, "keys[0]", "it is not the application id the body holds");
	else if (!key_is(record->keys[1], p->rule_id))
		rc = damaged(record, "keys[1]", "it is not the rule id the body holds");
	else if (p->rule_id != 0 && p->application_id == 0)
		rc = damaged(record, "rule_id", "a rule is bound without its application");
	else if (p->sms_url != NULL && numbering__validate_text(p->sms_url, 2048, "incoming_sms_callback_url") != 0)
		rc = damaged(record, "incoming_sms_callback_url", "it is not UTF-8 text");
	else if (p->verification_name != NULL && numbering__validate_text(p->verification_name, 256, "verification_name") != 0)
		rc = damaged(record, "verification_name", "it is not UTF-8 text");
	else if (record->expires != hold_key(p))
		rc = damaged(record, "expires", "it is not the end of the pending verification's hold");
	if (rc != NUMBERING_OK)
		numbering__phone_clear(p);
	return rc;
}

int numbering__phone_record_check(const numbering_record *record)
{
	struct numbering__phone p;
	memset(&p, 0, sizeof(p));
	numbering__phone_clear(&p);
	int rc = phone_read(&p, record);
	numbering__phone_clear(&p);
	return rc;
}

/* Puts (or, all defaults, removes) the PHONE record named @name of @project. */
static int phone_store(numbering_store *store, const struct numbering__phone *p, const char *name,
                       const char *project, int64_t phone_id)
{
	if (is_default(p))
		return numbering__phone_remove(store, name);
	if (phone_id <= 0)
		return numbering__error_field(NUMBERING_FAILED_PRECONDITION, "phone_id",
		                              "instance %s has no phone id (a store written before phone ids, opened "
		                              "read-only?)",
		                              name);
	/* What the reader would refuse is never written: each value named as the seed does. */
	if (p->application_id < 0 || p->rule_id < 0 || p->regulation_address_id < 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT,
		                              p->application_id < 0 ? "application_id"
		                              : p->rule_id < 0      ? "rule_id"
		                                                    : "regulation_address_id",
		                              "an id is a positive integer");
	if (p->rule_id != 0 && p->application_id == 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "rule_id",
		                              "rule %" PRId64 " cannot be bound without its application", p->rule_id);
	if (p->verification_status < 0 || p->verification_status > 3)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "verification_status",
		                              "verification_status %" PRId64 " is not 0 .. 3", p->verification_status);
	if (p->hold_until != 0 && !numbering__time_in_range(p->hold_until))
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "unverified_hold_until",
		                              "unverified_hold_until %" PRId64 " ns is outside the times a store records",
		                              p->hold_until);
	int rc = NUMBERING_OK;
	if (p->sms_url != NULL)
		rc = numbering__validate_text(p->sms_url, 2048, "incoming_sms_callback_url");
	if (rc == NUMBERING_OK && p->verification_name != NULL)
		rc = numbering__validate_text(p->verification_name, 256, "verification_name");
	if (rc != NUMBERING_OK)
		return rc;
	char app[DECIMAL_SIZE], rule[DECIMAL_SIZE];
	decimal(app, p->application_id);
	decimal(rule, p->rule_id);
	numbering_record r;
	memset(&r, 0, sizeof(r));
	r.version = NUMBERING_RECORD_VERSION;
	r.kind = NUMBERING__KIND_PHONE;
	r.name = name;
	r.parent = project;
	r.sort_key = phone_id;
	r.expires = hold_key(p);
	r.keys[0] = p->application_id != 0 ? app : NULL;
	r.keys[1] = p->rule_id != 0 ? rule : NULL;
	return numbering__backend_put_fields(store, &r, TABLE, p);
}

struct load_visit {
	struct numbering__phone *p;
	int rc;
};

static int load_visit(const numbering_record *record, void *payload)
{
	struct load_visit *v = payload;
	v->rc = phone_read(v->p, record);
	return 0;
}

/* Loads the PHONE record named @name into @p (cleared here): *found 0 without one. */
static int load_named(struct numbering__phone *p, numbering_store *store, const char *name, int *found)
{
	struct load_visit v = {p, NUMBERING_OK};
	numbering__phone_clear(p);
	*found = 0;
	int rc = numbering__backend_get_record(store, NUMBERING__KIND_PHONE, name, load_visit, &v);
	if (rc == NUMBERING_NOT_FOUND)
		return NUMBERING_OK;
	if (rc == NUMBERING_OK && (rc = v.rc) == NUMBERING_OK)
		*found = 1;
	return rc;
}

int numbering__phone_load(struct numbering__phone *p, numbering_store *store, const numbering_instance *instance)
{
	int found = 0;
	int rc = load_named(p, store, numbering__str_get(&instance->name), &found);
	p->phone_id = instance->phone_id;
	return rc;
}

int numbering__phone_put(numbering_store *store, const struct numbering__phone *p, const numbering_instance *instance)
{
	char project[NUMBERING__PROJECT_SIZE];
	const char *name = numbering__str_get(&instance->name);
	int rc = numbering__project_of_name(project, name, "phone_number_instance");
	return rc != NUMBERING_OK ? rc : phone_store(store, p, name, project, instance->phone_id);
}

int numbering__phone_remove(numbering_store *store, const char *name)
{
	int rc = numbering__backend_remove_record(store, NUMBERING__KIND_PHONE, name);
	if (rc == NUMBERING_NOT_FOUND) {
		numbering_error_clear();
		rc = NUMBERING_OK;
	}
	return rc;
}

int numbering__phone_rename(numbering_store *store, const char *old_name, const numbering_instance *to)
{
	struct numbering__phone p;
	memset(&p, 0, sizeof(p));
	int found = 0;
	int rc = load_named(&p, store, old_name, &found);
	if (rc == NUMBERING_OK && found) {
		rc = numbering__backend_remove_record(store, NUMBERING__KIND_PHONE, old_name);
		if (rc == NUMBERING_OK)
			rc = numbering__phone_put(store, &p, to);
	}
	numbering__phone_clear(&p);
	return rc;
}

int numbering__phone_copy_binding(numbering_store *store, const numbering_instance *from, const numbering_instance *to)
{
	struct numbering__phone p, q;
	memset(&p, 0, sizeof(p));
	memset(&q, 0, sizeof(q));
	numbering__phone_clear(&q);
	int found = 0;
	int rc = load_named(&p, store, numbering__str_get(&from->name), &found);
	if (rc == NUMBERING_OK && found && p.application_id != 0) {
		q.application_id = p.application_id;
		q.rule_id = p.rule_id;
		rc = numbering__phone_put(store, &q, to);
	}
	numbering__phone_clear(&p);
	numbering__phone_clear(&q);
	return rc;
}

/* ---- Finding an instance by its phone id ---- */

struct find_visit {
	numbering_instance *out;
	int own;
	int found;
	int rc;
};

static int find_visit(const numbering_record *record, void *payload)
{
	struct find_visit *v = payload;
	v->found = 1;
	v->rc = v->own ? numbering__instance_from_own_record(v->out, record)
	               : numbering__instance_from_record(v->out, record);
	return v->rc != NUMBERING_OK ? v->rc : NUMBERING__VISIT_STOP;
}

int numbering__phone_find(numbering_store *store, const char *project, int64_t phone_id, numbering_instance **out)
{
	*out = NULL;
	if (phone_id < 1)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_id",
		                              "phone_id %" PRId64 " is not a phone id (a positive integer)", phone_id);
	char key[DECIMAL_SIZE];
	decimal(key, phone_id);
	numbering_instance *instance = NULL;
	int rc = numbering__instance_new_reserved(&instance);
	if (rc != NUMBERING_OK)
		return rc;
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = NUMBERING__KIND_INSTANCE;
	q.parent = project;
	q.keys[0] = key;
	q.limit = 1;
	struct find_visit v = {instance, store->own_records, 0, NUMBERING_OK};
	rc = numbering__backend_list(store, &q, find_visit, &v);
	if (rc == NUMBERING_OK && v.found)
		rc = v.rc;
	else if (rc == NUMBERING_OK)
		rc = numbering__error_field(NUMBERING_NOT_FOUND, "phone_id", "phone_id %" PRId64 " is not a number of %s",
		                            phone_id, project);
	if (rc == NUMBERING_OK)
		*out = instance;
	else
		numbering_instance_free(instance);
	return rc;
}

/* ---- Unbinding ---- */

/* The PHONE records of a listing, copied out (a visit borrows them; the rewrite
 * cannot run inside it). */
struct collected {
	struct numbering__phone *items;
	char (*names)[NUMBERING__NAME_SIZE];
	size_t count, cap;
	int rc;
};

static int collect_visit(const numbering_record *record, void *payload)
{
	struct collected *c = payload;
	if (c->count == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct numbering__phone *items = numbering__realloc(c->items, cap * sizeof(*items));
		if (items != NULL)
			c->items = items;
		char(*names)[NUMBERING__NAME_SIZE] = items ? numbering__realloc(c->names, cap * sizeof(*names)) : NULL;
		if (names == NULL) {
			c->rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory unbinding numbers");
			return c->rc;
		}
		c->names = names;
		c->cap = cap;
	}
	struct numbering__phone *p = &c->items[c->count];
	memset(p, 0, sizeof(*p));
	numbering__phone_clear(p);
	if ((c->rc = phone_read(p, record)) != NUMBERING_OK)
		return c->rc;
	snprintf(c->names[c->count], NUMBERING__NAME_SIZE, "%s", record->name);
	c->count++;
	return 0;
}

/* Lists the PHONE records of @project whose key @slot is @id, and rewrites each with
 * the binding cleared (the rule alone for a rule, both for an application). */
static int unbind(numbering_store *store, const char *project, int slot, int64_t id)
{
	char key[DECIMAL_SIZE];
	decimal(key, id);
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = NUMBERING__KIND_PHONE;
	q.parent = project;
	q.keys[slot] = key;
	struct collected c = {NULL, NULL, 0, 0, NUMBERING_OK};
	int rc = numbering__backend_list(store, &q, collect_visit, &c);
	if (rc == NUMBERING_OK)
		rc = c.rc;
	for (size_t i = 0; i < c.count; i++) {
		struct numbering__phone *p = &c.items[i];
		if (rc == NUMBERING_OK) {
			if (slot == 0)
				p->application_id = 0;
			p->rule_id = 0;
			rc = phone_store(store, p, c.names[i], project, p->phone_id);
		}
		numbering__phone_clear(p);
	}
	numbering__free_mem(c.items);
	numbering__free_mem(c.names);
	return rc;
}

int numbering__phone_unbind_application(numbering_store *store, const char *project, int64_t application_id)
{
	return application_id < 1 ? NUMBERING_OK : unbind(store, project, 0, application_id);
}

int numbering__phone_unbind_rule(numbering_store *store, const char *project, int64_t rule_id)
{
	return rule_id < 1 ? NUMBERING_OK : unbind(store, project, 1, rule_id);
}

int numbering__phone_id_refill(numbering_store *store, numbering_instance *response)
{
	if (response->phone_id != 0)
		return NUMBERING_OK;
	numbering_instance *now = NULL;
	int rc = numbering__instance_new_reserved(&now);
	if (rc == NUMBERING_OK)
		rc = numbering__backend_get(store, now, numbering__str_get(&response->name));
	if (rc == NUMBERING_NOT_FOUND) {
		numbering_error_clear();
		rc = NUMBERING_OK;
	} else if (rc == NUMBERING_OK && now->create_time == response->create_time && now->digits == response->digits &&
	           now->first == response->first) {
		response->phone_id = now->phone_id;
	}
	numbering_instance_free(now);
	return rc;
}

/* ---- Migration: phone ids for a store written before them ---- */

struct old_instance {
	char *name;
	int64_t create_time;
};

struct migration {
	char **projects;
	size_t project_count, project_cap;
	struct old_instance *items;
	size_t count, cap;
	int rc;
};

static int out_of_memory(struct migration *m)
{
	return m->rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory giving instances phone ids");
}

/* Notes the project of each live instance (a find visits every kind holding numbers). */
static int project_visit(const numbering_record *record, void *payload)
{
	struct migration *m = payload;
	if (record->kind != NUMBERING__KIND_INSTANCE)
		return 0;
	const char *parent = record->parent ? record->parent : "";
	for (size_t i = m->project_count; i > 0; i--) /* the last one first: a project's numbers cluster */
		if (strcmp(m->projects[i - 1], parent) == 0)
			return 0;
	if (m->project_count == m->project_cap) {
		size_t cap = m->project_cap ? m->project_cap * 2 : 8;
		char **p = numbering__realloc(m->projects, cap * sizeof(*p));
		if (p == NULL)
			return out_of_memory(m);
		m->projects = p;
		m->project_cap = cap;
	}
	if ((m->projects[m->project_count] = numbering__strdup(parent)) == NULL)
		return out_of_memory(m);
	m->project_count++;
	return 0;
}

/* Notes each instance of a project without a phone id, DELETED ones included. */
static int instance_visit(const numbering_record *record, void *payload)
{
	struct migration *m = payload;
	if (record->keys[0] != NULL)
		return 0;
	if (m->count == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct old_instance *p = numbering__realloc(m->items, cap * sizeof(*p));
		if (p == NULL)
			return out_of_memory(m);
		m->items = p;
		m->cap = cap;
	}
	if ((m->items[m->count].name = numbering__strdup(record->name)) == NULL)
		return out_of_memory(m);
	m->items[m->count++].create_time = record->sort_key;
	return 0;
}

static int by_create_time(const void *a, const void *b)
{
	const struct old_instance *x = a, *y = b;
	return x->create_time < y->create_time ? -1 : x->create_time > y->create_time;
}

/* Notes each instance record without a phone id, of any project (a whole-store walk). */
static int any_instance_visit(const numbering_record *record, void *payload)
{
	return record->kind == NUMBERING__KIND_INSTANCE ? instance_visit(record, payload) : 0;
}

/*
 * Every instance without a phone id through one walk of the whole store, when the
 * backend can (NUMBERING_BACKEND_CONTROL_FOREACH, outside a transaction): the DELETED
 * instances of a project without a live number too, which no find by numbers reaches
 * (a DELETED instance holds none). *walked is 0 when the backend cannot walk so: the
 * migration then finds the projects by their numbers.
 */
static int collect_by_walk(numbering_store *store, struct migration *m, int *walked)
{
	*walked = 0;
	if (store->backend->control == NULL)
		return NUMBERING_OK;
	numbering_backend_foreach each = {any_instance_visit, m};
	int rc = store->backend->control(store->backend, NUMBERING_BACKEND_CONTROL_FOREACH, &each);
	if (m->rc != NUMBERING_OK)
		return m->rc;
	if (rc == NUMBERING_OK) {
		*walked = 1;
		return NUMBERING_OK;
	}
	/* Not answered (a backend of the host's): what it collected is dropped. */
	for (size_t i = 0; i < m->count; i++)
		numbering__free_mem(m->items[i].name);
	m->count = 0;
	numbering_error_clear();
	return NUMBERING_OK;
}

/* The writes of the migration (inside its transaction); @walked: the instances were
 * collected already (collect_by_walk()). */
static int migrate_locked(numbering_store *store, struct migration *m, int walked)
{
	int rc = NUMBERING_OK;
	for (int d = 1; !walked && rc == NUMBERING_OK && d <= NUMBERING_RECORD_DIGITS_MAX; d++) {
		uint64_t last = 9;
		for (int i = 1; i < d; i++)
			last = last * 10 + 9;
		rc = numbering__backend_find_record(store, d, 0, last, project_visit, m);
		if (rc == NUMBERING_NOT_FOUND) {
			numbering_error_clear();
			rc = NUMBERING_OK;
		}
		if (rc == NUMBERING_OK)
			rc = m->rc;
	}
	for (size_t i = 0; rc == NUMBERING_OK && i < m->project_count; i++) {
		numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
		q.kind = NUMBERING__KIND_INSTANCE;
		q.parent = m->projects[i];
		q.order = NUMBERING_RECORD_ORDER_ASCENDING;
		rc = numbering__backend_list(store, &q, instance_visit, m);
		if (rc == NUMBERING_OK)
			rc = m->rc;
	}
	/* In create-time order, so that phone ids order the old instances as they were made. */
	if (rc == NUMBERING_OK && m->count > 1)
		qsort(m->items, m->count, sizeof(*m->items), by_create_time);
	numbering_instance *instance = NULL;
	if (rc == NUMBERING_OK && m->count > 0)
		rc = numbering__instance_new_reserved(&instance);
	for (size_t i = 0; rc == NUMBERING_OK && i < m->count; i++) {
		rc = numbering__backend_get(store, instance, m->items[i].name);
		if (rc == NUMBERING_OK && instance->phone_id == 0)
			rc = numbering__backend_put(store, instance);
	}
	numbering_instance_free(instance);
	const unsigned char done = 1;
	if (rc == NUMBERING_OK)
		rc = numbering__backend_meta_put(store, NUMBERING__META_PHONE_IDS, &done, 1);
	return rc;
}

int numbering__phone_migrate(numbering_store *store, int64_t *given)
{
	unsigned char mark = 0;
	size_t len = 1;
	*given = 0;
	int rc = numbering__backend_meta_get(store, NUMBERING__META_PHONE_IDS, &mark, &len);
	if (rc == NUMBERING_OK || rc == NUMBERING_OUT_OF_RANGE)
		return rc == NUMBERING_OK && len == 1 && mark == 1
		           ? NUMBERING_OK
		           : numbering__error_set(NUMBERING_DATA_LOSS,
		                                  "the store's " NUMBERING__META_PHONE_IDS " record is not one this library "
		                                  "wrote (%zu bytes)",
		                                  len);
	if (rc != NUMBERING_NOT_FOUND)
		return rc;
	numbering_error_clear();
	/* A store opened read-only refuses the transaction: its old instances read with
	 * phone id 0 until a writable open gives them theirs. Asked first, so that a
	 * read-only open (a PBX's workers) never walks the store. */
	rc = numbering__begin(store);
	if (rc == NUMBERING_FAILED_PRECONDITION) {
		numbering_error_clear();
		return NUMBERING_OK;
	}
	if (rc != NUMBERING_OK)
		return rc;
	numbering__rollback(store); /* the walk runs outside a transaction */
	struct migration m;
	memset(&m, 0, sizeof(m));
	int walked = 0;
	rc = collect_by_walk(store, &m, &walked);
	if (rc == NUMBERING_OK)
		rc = numbering__begin(store);
	else
		walked = -1;
	if (rc == NUMBERING_OK && walked >= 0) {
		rc = migrate_locked(store, &m, walked);
		rc = numbering__commit_or_rollback(store, rc);
		if (rc == NUMBERING_OK)
			*given = (int64_t)m.count;
	}
	for (size_t i = 0; i < m.project_count; i++)
		numbering__free_mem(m.projects[i]);
	for (size_t i = 0; i < m.count; i++)
		numbering__free_mem(m.items[i].name);
	numbering__free_mem(m.projects);
	numbering__free_mem(m.items);
	return rc;
}

/* ---- The public calls (numbering/phone.h) ---- */

int numbering_store_get_by_phone_id(numbering_instance **out, numbering_store *store, const char *caller,
                                    const char *project, int64_t phone_id)
{
	if (out == NULL || store == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, out == NULL ? "out" : "store",
		                              "numbering_store_get_by_phone_id: %s is NULL", out == NULL ? "out" : "store");
	*out = NULL;
	char checked[NUMBERING__PROJECT_SIZE];
	int rc = numbering__project_of_parent(checked, project, "project");
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_GET, checked);
	if (rc == NUMBERING_OK && phone_id < 1)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_id",
		                            "phone_id %" PRId64 " is not a phone id (a positive integer)", phone_id);
	if (rc != NUMBERING_OK)
		return rc;
	unsigned slot = numbering__rwlock_snapshot_rdlock(&store->lock);
	rc = numbering__phone_find(store, checked, phone_id, out);
	numbering__rwlock_snapshot_rdunlock(&store->lock, slot);
	if (rc == NUMBERING_OK)
		numbering__instance_for_caller(store, *out);
	return rc;
}

int numbering_store_phone_id(int64_t *phone_id, numbering_store *store, const char *caller, const char *project,
                             const char *phone_number)
{
	if (phone_id == NULL || store == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, phone_id == NULL ? "phone_id" : "store",
		                              "numbering_store_phone_id: %s is NULL", phone_id == NULL ? "phone_id" : "store");
	*phone_id = 0;
	char checked[NUMBERING__PROJECT_SIZE];
	int rc = numbering__project_of_parent(checked, project, "project");
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_GET, checked);
	if (rc != NUMBERING_OK)
		return rc;
	numbering_number number;
	rc = numbering__e164_parse_field(&number, phone_number, phone_number ? strlen(phone_number) : 0,
	                                 numbering__region(store, NULL), "phone_number");
	if (rc != NUMBERING_OK)
		return rc;
	numbering_instance *instance = NULL;
	if ((rc = numbering__instance_new_reserved(&instance)) != NUMBERING_OK)
		return rc;
	int other = 0;
	unsigned slot = numbering__rwlock_snapshot_rdlock(&store->lock);
	rc = number.verdict == NUMBERING_LENGTH_POSSIBLE
	         ? numbering__backend_find(store, instance, number.value, number.value, number.digits, &other)
	         : NUMBERING_NOT_FOUND;
	numbering__rwlock_snapshot_rdunlock(&store->lock, slot);
	char owner[NUMBERING__PROJECT_SIZE] = "";
	if (rc == NUMBERING_OK)
		numbering_instance_project(owner, sizeof(owner), instance);
	if (rc == NUMBERING_NOT_FOUND || (rc == NUMBERING_OK && strcmp(owner, checked) != 0))
		rc = numbering__error_field(NUMBERING_NOT_FOUND, "phone_number", "no phone number instance of %s holds %s",
		                            checked, number.e164);
	if (rc == NUMBERING_OK)
		*phone_id = instance->phone_id;
	numbering_instance_free(instance);
	return rc;
}

int numbering_store_phone_routing(int64_t *application_id, int64_t *rule_id, char **sms_callback_url,
                                  int *sms_callback_source, numbering_store *store, const char *caller,
                                  const char *name)
{
	if (application_id)
		*application_id = 0;
	if (rule_id)
		*rule_id = 0;
	if (sms_callback_url)
		*sms_callback_url = NULL;
	if (sms_callback_source)
		*sms_callback_source = NUMBERING_SMS_CALLBACK_NONE;
	if (store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_phone_routing: store is NULL");
	char project[NUMBERING__PROJECT_SIZE];
	int rc = numbering__project_of_name(project, name, "name");
	if (rc != NUMBERING_OK)
		return rc;
	/* As a resolve answers: a caller who may not resolve there learns nothing. */
	if (!numbering__allowed(store, caller, NUMBERING__PERM_RESOLVE, project))
		return numbering__error_field(NUMBERING_NOT_FOUND, "name", "phone number instance %s does not exist", name);
	numbering_instance *instance = NULL;
	if ((rc = numbering__instance_new_reserved(&instance)) != NUMBERING_OK)
		return rc;
	struct numbering__phone p;
	memset(&p, 0, sizeof(p));
	char *account_url = NULL;
	/* Three records, read from one snapshot when snapshots are on (never waiting for a
	 * writer, and never two commits mixed): NUMBERING__CONTROL_SNAPSHOT_HOLD. */
	unsigned slot = numbering__rwlock_snapshot_rdlock(&store->lock);
	int held = store->lock.snapshots ? 1 : 0;
	if (held && (rc = store->backend->control(store->backend, NUMBERING__CONTROL_SNAPSHOT_HOLD, &held)) != NUMBERING_OK)
		held = 0;
	if (rc == NUMBERING_OK)
		rc = numbering__load_into(instance, store, name, "name");
	if (rc == NUMBERING_OK)
		rc = numbering__phone_load(&p, store, instance);
	if (rc == NUMBERING_OK && p.sms_url == NULL && (sms_callback_url || sms_callback_source))
		rc = numbering__account_sms_url(&account_url, store, project);
	if (held) {
		held = 0;
		store->backend->control(store->backend, NUMBERING__CONTROL_SNAPSHOT_HOLD, &held);
	}
	numbering__rwlock_snapshot_rdunlock(&store->lock, slot);
	const char *url = p.sms_url ? p.sms_url : account_url ? account_url : "";
	if (rc == NUMBERING_OK && sms_callback_url && (*sms_callback_url = numbering__strdup(url)) == NULL)
		rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for a callback URL");
	else if (rc == NUMBERING_OK && sms_callback_url) /* a credential stored before they were refused */
		numbering__uri_redact_in_place(*sms_callback_url);
	if (rc == NUMBERING_OK) {
		if (application_id)
			*application_id = p.application_id;
		if (rule_id)
			*rule_id = p.rule_id;
		if (sms_callback_source)
			*sms_callback_source = p.sms_url ? NUMBERING_SMS_CALLBACK_NUMBER
			                       : account_url ? NUMBERING_SMS_CALLBACK_ACCOUNT
			                                     : NUMBERING_SMS_CALLBACK_NONE;
	}
	numbering__free_mem(account_url);
	numbering__phone_clear(&p);
	numbering_instance_free(instance);
	return rc;
}
