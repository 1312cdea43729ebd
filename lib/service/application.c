/*
 * Applications and rules (service/application.h, numbering/application.h): the
 * APPLICATION and RULE records (kinds 15 and 16, docs/RECORDS.md), their look-ups,
 * and the operations AddApplication, AddRule, DelApplication, DelRule and
 * GetApplications.
 *
 * An application is "{project}/applications/{id}" under its project, sorted by its id
 * (so a project's applications list in id order, which is creation order: ids only
 * grow), key 0 its name (the uniqueness check and the look-up by name are one
 * key-filtered list). A rule is "{application}/rules/{id}" under its application, key
 * 0 its name, key 1 its id in decimal.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "model/application-fields.h"
#include "model/fields.h"
#include "model/kinds.h"
#include "model/validate.h"
#include "numbering/application.h"
#include "numbering/errors.h"
#include "service/application.h"
#include "service/backend-call.h"
#include "service/commit-or-rollback.h"
#include "service/phone.h"
#include "service/service.h"

#define APPS "/applications/"
#define APPS_LEN (sizeof(APPS) - 1)
#define RULES "/rules/"
#define RULES_LEN (sizeof(RULES) - 1)
/* A decimal int64 and NUL. */
#define ID_SIZE 21

struct application_fields {
	NUMBERING__FIELDS_MEMBERS(NUMBERING__APPLICATION_FIELDS)
};
struct rule_fields {
	NUMBERING__FIELDS_MEMBERS(NUMBERING__RULE_FIELDS)
};

#define DESCRIBE(id, type, json, limit, dflt) NUMBERING__FIELD_ROW(struct application_fields, id, type, json, limit, dflt)
static const struct numbering__field app_rows[] = {NUMBERING__APPLICATION_FIELDS(DESCRIBE)};
#undef DESCRIBE
#define DESCRIBE(id, type, json, limit, dflt) NUMBERING__FIELD_ROW(struct rule_fields, id, type, json, limit, dflt)
static const struct numbering__field rule_rows[] = {NUMBERING__RULE_FIELDS(DESCRIBE)};
#undef DESCRIBE
NUMBERING__FIELDS_FUNCTIONS(app, struct application_fields, "application", NUMBERING__APPLICATION_FIELDS)
NUMBERING__FIELDS_FUNCTIONS(rule, struct rule_fields, "rule", NUMBERING__RULE_FIELDS)
static const struct numbering__fields app_table = {app_rows, sizeof(app_rows) / sizeof(app_rows[0]), "application",
                                                   app_encode, app_clear};
static const struct numbering__fields rule_table = {rule_rows, sizeof(rule_rows) / sizeof(rule_rows[0]), "rule",
                                                    rule_encode, rule_clear};

_Static_assert(NUMBERING__APPLICATION_NAME_MAX == 128, "application-fields.h's limit of application_name");
_Static_assert(NUMBERING__RULE_PATTERN_MAX == 4096, "application-fields.h's limit of rule_pattern");

/* ---- Names ---- */

/* The decimal text of a positive id. */
static void id_text(char out[ID_SIZE], int64_t id)
{
	snprintf(out, ID_SIZE, "%" PRId64, id);
}

/* A positive decimal id of exactly @len bytes at @s (no sign, no leading 0); 0 when it
 * is not one. */
static int64_t read_id(const char *s, size_t len)
{
	if (len == 0 || len > 18 || s[0] == '0')
		return 0;
	int64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static void app_record_name(char out[NUMBERING__APPLICATION_NAME_SIZE], const char *project, int64_t id)
{
	snprintf(out, NUMBERING__APPLICATION_NAME_SIZE, "%s" APPS "%" PRId64, project, id);
}

static void rule_record_name(char out[NUMBERING__RULE_RECORD_NAME_SIZE], const char *project, int64_t app,
                             int64_t id)
{
	snprintf(out, NUMBERING__RULE_RECORD_NAME_SIZE, "%s" APPS "%" PRId64 RULES "%" PRId64, project, app, id);
}

/* "{project}/applications/{id}" of @len bytes at @s: the id, and the project's length
 * in *plen; 0 when it is not one (the project itself is checked by the caller). */
static int64_t parse_app_name(const char *s, size_t len, size_t *plen)
{
	const char *at = NULL;
	for (const char *p = s; (p = strstr(p, APPS)) != NULL && (size_t)(p - s) < len; p++)
		at = p;
	if (at == NULL || (size_t)(at - s) + APPS_LEN > len)
		return 0;
	*plen = (size_t)(at - s);
	return read_id(at + APPS_LEN, len - *plen - APPS_LEN);
}

/* ---- Names users give ---- */

int numbering__validate_app_name(const char *name, const char *field)
{
	int rc = numbering__validate_text(name, NUMBERING__APPLICATION_NAME_MAX, field);
	if (rc == NUMBERING_OK && strchr(name, ';') != NULL) {
		char quoted[NUMBERING__QUOTE_SIZE];
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "%s \"%s\" holds ';' (the separator of the seed's lists)", field,
		                              numbering__quote(quoted, name, strlen(name)));
	}
	return rc;
}

/* ---- The records ---- */

static int damaged(const numbering_record *record, const char *field, const char *problem)
{
	return numbering__record_damaged(record, "", field, problem);
}

/* The checks of every record of kinds 15 and 16 but the name's. */
static int plain_keys(const numbering_record *record, int keys)
{
	if (record->digits != 0 || record->flags != 0 || record->expires != 0)
		return damaged(record, "flags", "it holds no interval, has no flags and does not expire");
	for (int i = keys; i < NUMBERING_RECORD_KEY_SLOTS; i++)
		if (record->keys[i] != NULL)
			return damaged(record, "keys", "it has a secondary key it does not use");
	return NUMBERING_OK;
}

/* The checks of a body that applications and rules share: @name (in @field) is 1 to 128
 * bytes of text without ';' and the record's keys[0] (@not_key: the message when not),
 * @created a time after the epoch. */
static int check_named(const numbering_record *record, const char *name, const char *field, const char *not_key,
                       int64_t created)
{
	if (name == NULL || numbering__validate_app_name(name, field) != NUMBERING_OK)
		return damaged(record, field, "it is not 1 to 128 bytes of text without ';'");
	if (record->keys[0] == NULL || strcmp(record->keys[0], name) != 0)
		return damaged(record, "keys[0]", not_key);
	if (created <= 0)
		return damaged(record, "created", "it is not a time after the epoch");
	return NUMBERING_OK;
}

static int read_app(struct numbering__application *out, const numbering_record *record)
{
	size_t plen = 0, len = record->name ? strlen(record->name) : 0;
	int64_t id = len ? parse_app_name(record->name, len, &plen) : 0;
	if (record->kind != NUMBERING__KIND_APPLICATION || id <= 0 || record->parent == NULL ||
	    strlen(record->parent) != plen || strncmp(record->name, record->parent, plen) != 0 ||
	    plen >= NUMBERING__PROJECT_SIZE || numbering__parse_parent(record->parent, "parent", NULL) != NUMBERING_OK)
		return damaged(record, "name", "it is not {project}/applications/{id} under its project");
	if (record->sort_key != id)
		return damaged(record, "sort_key", "it is not the application's id");
	int rc = plain_keys(record, 1);
	if (rc != NUMBERING_OK)
		return rc;
	struct application_fields f;
	memset(&f, 0, sizeof(f));
	rc = numbering__fields_decode_record(&app_table, &f, record, "");
	if (rc == NUMBERING_OK)
		rc = check_named(record, f.application_name, "application_name", "it is not the application's name",
		                 f.create_time);
	if (rc == NUMBERING_OK && out != NULL) {
		out->id = id;
		snprintf(out->name, sizeof(out->name), "%s", f.application_name);
		out->create_time = f.create_time;
		snprintf(out->record, sizeof(out->record), "%s", record->name);
	}
	numbering__fields_clear(&app_table, &f);
	return rc;
}

int numbering__application_record_check(const numbering_record *record)
{
	return read_app(NULL, record);
}

/* Reads a rule record; its pattern into *pattern (the caller's to free) when @pattern
 * is not NULL. */
static int read_rule(struct numbering__rule *out, char **pattern, const numbering_record *record)
{
	size_t plen = 0, len = record->parent ? strlen(record->parent) : 0;
	int64_t app = len ? parse_app_name(record->parent, len, &plen) : 0;
	char project[NUMBERING__PROJECT_SIZE];
	int ok = record->kind == NUMBERING__KIND_RULE && app > 0 && plen < NUMBERING__PROJECT_SIZE && record->name &&
	         strncmp(record->name, record->parent, len) == 0 && strncmp(record->name + len, RULES, RULES_LEN) == 0;
	int64_t id = ok ? read_id(record->name + len + RULES_LEN, strlen(record->name + len + RULES_LEN)) : 0;
	if (ok) {
		memcpy(project, record->parent, plen);
		project[plen] = '\0';
		ok = id > 0 && numbering__parse_parent(project, "parent", NULL) == NUMBERING_OK;
	}
	if (!ok)
		return damaged(record, "name", "it is not {project}/applications/{app}/rules/{id} under its application");
	if (record->sort_key != id)
		return damaged(record, "sort_key", "it is not the rule's id");
	char text[ID_SIZE];
	id_text(text, id);
	if (record->keys[1] == NULL || strcmp(record->keys[1], text) != 0)
		return damaged(record, "keys[1]", "it is not the rule's id");
	int rc = plain_keys(record, 2);
	if (rc != NUMBERING_OK)
		return rc;
	struct rule_fields f;
	memset(&f, 0, sizeof(f));
	rc = numbering__fields_decode_record(&rule_table, &f, record, "");
	if (rc == NUMBERING_OK) {
		rc = check_named(record, f.rule_name, "rule_name", "it is not the rule's name", f.create_time);
		if (rc == NUMBERING_OK && f.rule_pattern != NULL &&
		    numbering__validate_text(f.rule_pattern, NUMBERING__RULE_PATTERN_MAX, "rule_pattern") != NUMBERING_OK)
			rc = damaged(record, "rule_pattern", "it is not 1 to 4096 bytes of text");
	}
	if (rc == NUMBERING_OK && out != NULL) {
		out->id = id;
		out->application_id = app;
		snprintf(out->name, sizeof(out->name), "%s", f.rule_name);
		out->create_time = f.create_time;
		snprintf(out->record, sizeof(out->record), "%s", record->name);
	}
	if (rc == NUMBERING_OK && pattern != NULL) {
		*pattern = f.rule_pattern;
		f.rule_pattern = NULL;
	}
	numbering__fields_clear(&rule_table, &f);
	return rc;
}

int numbering__rule_record_check(const numbering_record *record)
{
	return read_rule(NULL, NULL, record);
}

/* ---- Look-ups ---- */

struct app_visit {
	struct numbering__application *out;
	int rc, seen;
};

static int app_visit(const numbering_record *record, void *payload)
{
	struct app_visit *v = payload;
	v->seen = 1;
	v->rc = read_app(v->out, record);
	return 0;
}

/* The application named @name (its application_name) of @project: *found 0 or 1. */
static int app_by_name(numbering_store *store, const char *project, const char *name,
                       struct numbering__application *out, int *found)
{
	numbering_record_query query = NUMBERING_RECORD_QUERY_INIT;
	query.kind = NUMBERING__KIND_APPLICATION;
	query.parent = project;
	query.keys[0] = name;
	query.limit = 1;
	struct app_visit v = {out, NUMBERING_OK, 0};
	int rc = numbering__backend_list(store, &query, app_visit, &v);
	*found = v.seen;
	return rc != NUMBERING_OK ? rc : v.rc;
}

int numbering__application_find(numbering_store *store, const char *project, int64_t id, const char *name,
                                struct numbering__application *out)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	if (id > 0) {
		char rname[NUMBERING__APPLICATION_NAME_SIZE];
		app_record_name(rname, project, id);
		struct app_visit v = {out, NUMBERING_OK, 0};
		int rc = numbering__backend_get_record(store, NUMBERING__KIND_APPLICATION, rname, app_visit, &v);
		if (rc == NUMBERING_NOT_FOUND)
			return numbering__error_field(NUMBERING_NOT_FOUND, "application_id",
			                              "application_id %" PRId64 " is not an application of %s", id, project);
		return rc != NUMBERING_OK ? rc : v.rc;
	}
	if (name == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "application_id",
		                              "application_id or application_name is required");
	int found = 0;
	int rc = app_by_name(store, project, name, out, &found);
	if (rc == NUMBERING_OK && !found)
		return numbering__error_field(NUMBERING_NOT_FOUND, "application_name",
		                              "application_name \"%s\" is not an application of %s",
		                              numbering__quote(quoted, name, strlen(name)), project);
	return rc;
}

struct rule_visit {
	struct numbering__rule *out;
	char **pattern;
	int rc, seen;
};

static int rule_visit(const numbering_record *record, void *payload)
{
	struct rule_visit *v = payload;
	v->seen = 1;
	v->rc = read_rule(v->out, v->pattern, record);
	return 0;
}

/* The rule @id of application @app of @project: *found 0 or 1. */
static int rule_get(numbering_store *store, const char *project, int64_t app, int64_t id, struct numbering__rule *out,
                    char **pattern, int *found)
{
	char rname[NUMBERING__RULE_RECORD_NAME_SIZE];
	rule_record_name(rname, project, app, id);
	struct rule_visit v = {out, pattern, NUMBERING_OK, 0};
	int rc = numbering__backend_get_record(store, NUMBERING__KIND_RULE, rname, rule_visit, &v);
	*found = v.seen;
	if (rc == NUMBERING_NOT_FOUND)
		return NUMBERING_OK;
	return rc != NUMBERING_OK ? rc : v.rc;
}

/* The rule named @name of application @app of @project: *found 0 or 1. */
static int rule_by_name(numbering_store *store, const char *project, int64_t app, const char *name,
                        struct numbering__rule *out, int *found)
{
	char parent[NUMBERING__APPLICATION_NAME_SIZE];
	app_record_name(parent, project, app);
	numbering_record_query query = NUMBERING_RECORD_QUERY_INIT;
	query.kind = NUMBERING__KIND_RULE;
	query.parent = parent;
	query.keys[0] = name;
	query.limit = 1;
	struct rule_visit v = {out, NULL, NUMBERING_OK, 0};
	int rc = numbering__backend_list(store, &query, rule_visit, &v);
	*found = v.seen;
	return rc != NUMBERING_OK ? rc : v.rc;
}

struct rule_search {
	numbering_store *store;
	const char *project;
	int64_t rule_id;
	struct numbering__rule *out;
	int rc, found;
};

static int rule_search_visit(const numbering_record *record, void *payload)
{
	struct rule_search *s = payload;
	struct numbering__application app;
	if ((s->rc = read_app(&app, record)) != NUMBERING_OK)
		return NUMBERING__VISIT_STOP;
	s->rc = rule_get(s->store, s->project, app.id, s->rule_id, s->out, NULL, &s->found);
	return s->rc != NUMBERING_OK || s->found ? NUMBERING__VISIT_STOP : 0;
}

/* The rule @rule_id in whichever application of @project has it: *found 0 or 1. */
static int rule_anywhere(numbering_store *store, const char *project, int64_t rule_id, struct numbering__rule *out,
                         int *found)
{
	numbering_record_query query = NUMBERING_RECORD_QUERY_INIT;
	query.kind = NUMBERING__KIND_APPLICATION;
	query.parent = project;
	query.order = NUMBERING_RECORD_ORDER_ASCENDING;
	struct rule_search s = {store, project, rule_id, out, NUMBERING_OK, 0};
	int rc = numbering__backend_list(store, &query, rule_search_visit, &s);
	*found = s.found;
	return rc != NUMBERING_OK ? rc : s.rc;
}

int numbering__rule_find(numbering_store *store, const char *project, int64_t application_id, int64_t rule_id,
                         const char *rule_name, struct numbering__rule *out)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	int found = 0, rc;
	if (rule_id <= 0 && rule_name == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "rule_id", "rule_id or rule_name is required");
	if (rule_id <= 0 && application_id <= 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "rule_name",
		                              "rule_name \"%s\" needs application_id or application_name",
		                              numbering__quote(quoted, rule_name, strlen(rule_name)));
	if (rule_id <= 0) {
		rc = rule_by_name(store, project, application_id, rule_name, out, &found);
		if (rc == NUMBERING_OK && !found)
			return numbering__error_field(NUMBERING_NOT_FOUND, "rule_name",
			                              "rule_name \"%s\" is not a rule of application %" PRId64,
			                              numbering__quote(quoted, rule_name, strlen(rule_name)), application_id);
		return rc;
	}
	struct numbering__rule scratch;
	struct numbering__rule *r = out != NULL ? out : &scratch;
	if (application_id > 0) {
		rc = rule_get(store, project, application_id, rule_id, r, NULL, &found);
		if (rc != NUMBERING_OK || found)
			return rc;
	}
	rc = rule_anywhere(store, project, rule_id, r, &found);
	if (rc != NUMBERING_OK)
		return rc;
	if (!found)
		return numbering__error_field(NUMBERING_NOT_FOUND, "rule_id", "rule_id %" PRId64 " is not a rule of %s",
		                              rule_id, project);
	if (application_id > 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "rule_id",
		                              "rule_id %" PRId64 " is a rule of application %" PRId64 ", not of %" PRId64,
		                              rule_id, r->application_id, application_id);
	return NUMBERING_OK;
}

/* ---- Writing ---- */

static int put_app(numbering_store *store, const char *project, const struct numbering__application *a)
{
	struct application_fields f;
	memset(&f, 0, sizeof(f));
	f.application_name = (char *)a->name;
	f.create_time = a->create_time;
	numbering_record rec;
	memset(&rec, 0, sizeof(rec));
	rec.version = NUMBERING_RECORD_VERSION;
	rec.kind = NUMBERING__KIND_APPLICATION;
	rec.name = a->record;
	rec.parent = project;
	rec.sort_key = a->id;
	rec.keys[0] = a->name;
	return numbering__backend_put_fields(store, &rec, &app_table, &f);
}

static int put_rule(numbering_store *store, const struct numbering__rule *r, const char *pattern)
{
	struct rule_fields f;
	memset(&f, 0, sizeof(f));
	f.rule_name = (char *)r->name;
	f.create_time = r->create_time;
	f.rule_pattern = (char *)pattern;
	char parent[NUMBERING__RULE_RECORD_NAME_SIZE], id[ID_SIZE];
	const char *slash = strstr(r->record, RULES);
	snprintf(parent, sizeof(parent), "%.*s", (int)(slash - r->record), r->record);
	id_text(id, r->id);
	numbering_record rec;
	memset(&rec, 0, sizeof(rec));
	rec.version = NUMBERING_RECORD_VERSION;
	rec.kind = NUMBERING__KIND_RULE;
	rec.name = r->record;
	rec.parent = parent;
	rec.sort_key = r->id;
	rec.keys[0] = r->name;
	rec.keys[1] = id;
	return numbering__backend_put_fields(store, &rec, &rule_table, &f);
}

/* A store handle and the project it names, checked: the common start of every call. */
static int start(numbering_store *store, const char *project, char out[NUMBERING__PROJECT_SIZE], const char *fn)
{
	if (store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "%s: store is NULL", fn);
	return numbering__project_of_parent(out, project, "account_id");
}

/* Ends a write begun under the write lock: commit or roll back, unlock, wait until durable. */
static int finish(numbering_store *store, int began, int rc)
{
	if (began) {
		rc = numbering__commit_or_rollback(store, rc);
	}
	numbering__rwlock_wrunlock(&store->lock);
	if (rc == NUMBERING_OK)
		rc = numbering__durable(store);
	return rc;
}

int numbering_store_add_application(int64_t *application_id, numbering_store *store, const char *caller,
                                    const char *project, const char *application_name)
{
	char p[NUMBERING__PROJECT_SIZE], quoted[NUMBERING__QUOTE_SIZE];
	int rc = start(store, project, p, "numbering_store_add_application");
	if (rc == NUMBERING_OK)
		rc = numbering__validate_app_name(application_name, "application_name");
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_APPLICATION_CREATE, p);
	if (rc != NUMBERING_OK)
		return rc;
	struct numbering__application a;
	memset(&a, 0, sizeof(a));
	int found = 0, began = 0;
	numbering__rwlock_wrlock(&store->lock);
	rc = app_by_name(store, p, application_name, NULL, &found);
	if (rc == NUMBERING_OK && found)
		rc = numbering__error_field(NUMBERING_ALREADY_EXISTS, "application_name",
		                            "application_name \"%s\" is already an application of %s",
		                            numbering__quote(quoted, application_name, strlen(application_name)), p);
	if (rc == NUMBERING_OK && (rc = numbering__begin(store)) == NUMBERING_OK) {
		began = 1;
		rc = numbering__next_id(store, NUMBERING__SEQ_APPLICATION, &a.id);
		if (rc == NUMBERING_OK)
			rc = numbering__next_time(store, &a.create_time);
		if (rc == NUMBERING_OK) {
			snprintf(a.name, sizeof(a.name), "%s", application_name);
			app_record_name(a.record, p, a.id);
			rc = put_app(store, p, &a);
		}
	}
	rc = finish(store, began, rc);
	if (rc == NUMBERING_OK && application_id != NULL)
		*application_id = a.id;
	return rc;
}

int numbering_store_add_rule(int64_t *rule_id, numbering_store *store, const char *caller, const char *project,
                             int64_t application_id, const char *application_name, const char *rule_name,
                             const char *rule_pattern)
{
	char p[NUMBERING__PROJECT_SIZE], quoted[NUMBERING__QUOTE_SIZE];
	int rc = start(store, project, p, "numbering_store_add_rule");
	if (rc == NUMBERING_OK && application_id < 0)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "application_id",
		                            "application_id %" PRId64 " is not a positive id", application_id);
	if (rc == NUMBERING_OK && application_id == 0 && application_name == NULL)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "application_id",
		                            "application_id or application_name is required");
	if (rc == NUMBERING_OK && application_id == 0)
		rc = numbering__validate_app_name(application_name, "application_name");
	if (rc == NUMBERING_OK)
		rc = numbering__validate_app_name(rule_name, "rule_name");
	if (rc == NUMBERING_OK && rule_pattern != NULL)
		rc = numbering__validate_text(rule_pattern, NUMBERING__RULE_PATTERN_MAX, "rule_pattern");
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_APPLICATION_CREATE, p);
	if (rc != NUMBERING_OK)
		return rc;
	struct numbering__application a;
	struct numbering__rule r;
	memset(&r, 0, sizeof(r));
	int found = 0, began = 0;
	numbering__rwlock_wrlock(&store->lock);
	rc = numbering__application_find(store, p, application_id, application_name, &a);
	if (rc == NUMBERING_OK)
		rc = rule_by_name(store, p, a.id, rule_name, NULL, &found);
	if (rc == NUMBERING_OK && found)
		rc = numbering__error_field(NUMBERING_ALREADY_EXISTS, "rule_name",
		                            "rule_name \"%s\" is already a rule of application %" PRId64,
		                            numbering__quote(quoted, rule_name, strlen(rule_name)), a.id);
	if (rc == NUMBERING_OK && (rc = numbering__begin(store)) == NUMBERING_OK) {
		began = 1;
		rc = numbering__next_id(store, NUMBERING__SEQ_RULE, &r.id);
		if (rc == NUMBERING_OK)
			rc = numbering__next_time(store, &r.create_time);
		if (rc == NUMBERING_OK) {
			r.application_id = a.id;
			snprintf(r.name, sizeof(r.name), "%s", rule_name);
			rule_record_name(r.record, p, a.id, r.id);
			rc = put_rule(store, &r, rule_pattern);
		}
	}
	rc = finish(store, began, rc);
	if (rc == NUMBERING_OK && rule_id != NULL)
		*rule_id = r.id;
	return rc;
}

/* ---- Deleting ---- */

/* Checks a delete's lists: 1 .. NUMBERING_APPLICATION_DELETE_MAX items, ids > 0,
 * names valid. @what is "application" or "rule". */
static int check_lists(const char *what, const int64_t *ids, size_t id_count, const char *const *names,
                       size_t name_count)
{
	char idf[32], namef[32], field[48];
	snprintf(idf, sizeof(idf), "%s_id", what);
	snprintf(namef, sizeof(namef), "%s_name", what);
	if (id_count + name_count == 0 || id_count > NUMBERING_APPLICATION_DELETE_MAX ||
	    name_count > NUMBERING_APPLICATION_DELETE_MAX || id_count + name_count > NUMBERING_APPLICATION_DELETE_MAX ||
	    (id_count > 0 && ids == NULL) || (name_count > 0 && names == NULL))
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, idf,
		                              "%s or %s must name 1 to %d %ss (%zu given)", idf, namef,
		                              NUMBERING_APPLICATION_DELETE_MAX, what, id_count + name_count);
	for (size_t i = 0; i < id_count; i++)
		if (ids[i] <= 0) {
			snprintf(field, sizeof(field), "%s", idf);
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "%s %" PRId64 " is not a positive id",
			                              idf, ids[i]);
		}
	for (size_t i = 0; i < name_count; i++) {
		int rc = numbering__validate_app_name(names[i], namef);
		if (rc != NUMBERING_OK)
			return rc;
	}
	return NUMBERING_OK;
}

/* Names of records gathered by a list, to remove after it. */
struct names {
	char (*v)[NUMBERING__RULE_RECORD_NAME_SIZE];
	int64_t *ids;
	size_t count, cap;
	int rc;
};

static int names_add(struct names *n, const char *name, int64_t id)
{
	if (n->count == n->cap) {
		size_t cap = n->cap ? n->cap * 2 : 16;
		void *v = numbering__realloc(n->v, cap * sizeof(*n->v));
		if (v != NULL)
			n->v = v;
		void *ids = v != NULL ? numbering__realloc(n->ids, cap * sizeof(*n->ids)) : NULL;
		if (ids == NULL)
			return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory deleting applications");
		n->ids = ids;
		n->cap = cap;
	}
	snprintf(n->v[n->count], sizeof(n->v[0]), "%s", name);
	n->ids[n->count++] = id;
	return NUMBERING_OK;
}

static int names_has(const struct names *n, int64_t id)
{
	for (size_t i = 0; i < n->count; i++)
		if (n->ids[i] == id)
			return 1;
	return 0;
}

static void names_free(struct names *n)
{
	numbering__free_mem(n->v);
	numbering__free_mem(n->ids);
}

static int rule_names_visit(const numbering_record *record, void *payload)
{
	struct names *n = payload;
	struct numbering__rule r;
	if ((n->rc = read_rule(&r, NULL, record)) == NUMBERING_OK)
		n->rc = names_add(n, r.record, r.id);
	return n->rc == NUMBERING_OK ? 0 : NUMBERING__VISIT_STOP;
}

/* Removes application @a of @project, its rules and its numbers' bindings (inside a
 * transaction). */
static int remove_app(numbering_store *store, const char *project, const struct numbering__application *a)
{
	struct names rules = {NULL, NULL, 0, 0, NUMBERING_OK};
	numbering_record_query query = NUMBERING_RECORD_QUERY_INIT;
	query.kind = NUMBERING__KIND_RULE;
	query.parent = a->record;
	int rc = numbering__backend_list(store, &query, rule_names_visit, &rules);
	if (rc == NUMBERING_OK)
		rc = rules.rc;
	for (size_t i = 0; rc == NUMBERING_OK && i < rules.count; i++)
		rc = numbering__backend_remove_record(store, NUMBERING__KIND_RULE, rules.v[i]);
	if (rc == NUMBERING_OK)
		rc = numbering__backend_remove_record(store, NUMBERING__KIND_APPLICATION, a->record);
	if (rc == NUMBERING_OK)
		rc = numbering__phone_unbind_application(store, project, a->id);
	names_free(&rules);
	return rc;
}

int numbering_store_delete_applications(numbering_store *store, const char *caller, const char *project,
                                        const int64_t *ids, size_t id_count, const char *const *names,
                                        size_t name_count)
{
	char p[NUMBERING__PROJECT_SIZE];
	int rc = start(store, project, p, "numbering_store_delete_applications");
	if (rc == NUMBERING_OK)
		rc = check_lists("application", ids, id_count, names, name_count);
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_APPLICATION_DELETE, p);
	if (rc != NUMBERING_OK)
		return rc;
	struct numbering__application *apps = numbering__calloc(id_count + name_count, sizeof(*apps));
	if (apps == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory deleting applications");
	size_t n = 0;
	int began = 0;
	numbering__rwlock_wrlock(&store->lock);
	for (size_t i = 0; rc == NUMBERING_OK && i < id_count + name_count; i++) {
		struct numbering__application a;
		rc = i < id_count ? numbering__application_find(store, p, ids[i], NULL, &a)
		                  : numbering__application_find(store, p, 0, names[i - id_count], &a);
		int dup = 0;
		for (size_t j = 0; rc == NUMBERING_OK && j < n && !dup; j++)
			dup = apps[j].id == a.id;
		if (rc == NUMBERING_OK && !dup)
			apps[n++] = a;
	}
	if (rc == NUMBERING_OK && (rc = numbering__begin(store)) == NUMBERING_OK) {
		began = 1;
		for (size_t i = 0; rc == NUMBERING_OK && i < n; i++)
			rc = remove_app(store, p, &apps[i]);
	}
	rc = finish(store, began, rc);
	numbering__free_mem(apps);
	return rc;
}

int numbering_store_delete_rules(numbering_store *store, const char *caller, const char *project,
                                 int64_t application_id, const char *application_name, const int64_t *ids,
                                 size_t id_count, const char *const *names, size_t name_count)
{
	char p[NUMBERING__PROJECT_SIZE], quoted[NUMBERING__QUOTE_SIZE];
	int rc = start(store, project, p, "numbering_store_delete_rules");
	if (rc == NUMBERING_OK && application_id < 0)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "application_id",
		                            "application_id %" PRId64 " is not a positive id", application_id);
	if (rc == NUMBERING_OK && application_id == 0 && application_name != NULL)
		rc = numbering__validate_app_name(application_name, "application_name");
	if (rc == NUMBERING_OK)
		rc = check_lists("rule", ids, id_count, names, name_count);
	if (rc == NUMBERING_OK && name_count > 0 && application_id == 0 && application_name == NULL)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "rule_name",
		                            "rule_name \"%s\" needs application_id or application_name",
		                            numbering__quote(quoted, names[0], strlen(names[0])));
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_APPLICATION_DELETE, p);
	if (rc != NUMBERING_OK)
		return rc;
	struct names found = {NULL, NULL, 0, 0, NUMBERING_OK};
	struct numbering__application a;
	a.id = 0;
	int began = 0;
	numbering__rwlock_wrlock(&store->lock);
	if (application_id > 0 || application_name != NULL)
		rc = numbering__application_find(store, p, application_id, application_name, &a);
	for (size_t i = 0; rc == NUMBERING_OK && i < id_count + name_count; i++) {
		struct numbering__rule r;
		rc = i < id_count ? numbering__rule_find(store, p, a.id, ids[i], NULL, &r)
		                  : numbering__rule_find(store, p, a.id, 0, names[i - id_count], &r);
		if (rc == NUMBERING_OK && !names_has(&found, r.id))
			rc = names_add(&found, r.record, r.id);
	}
	if (rc == NUMBERING_OK && (rc = numbering__begin(store)) == NUMBERING_OK) {
		began = 1;
		for (size_t i = 0; rc == NUMBERING_OK && i < found.count; i++) {
			rc = numbering__backend_remove_record(store, NUMBERING__KIND_RULE, found.v[i]);
			if (rc == NUMBERING_OK)
				rc = numbering__phone_unbind_rule(store, p, found.ids[i]);
		}
	}
	rc = finish(store, began, rc);
	names_free(&found);
	return rc;
}

/* ---- Listing ---- */

struct rule_item {
	struct numbering__rule r;
	char *pattern;
};

struct app_item {
	struct numbering__application a;
	size_t rule_count;
	struct rule_item *rules;
};

struct numbering_application_list {
	size_t count;
	int64_t total;
	struct app_item *items;
};

void numbering_application_list_free(numbering_application_list *list)
{
	if (list == NULL)
		return;
	for (size_t i = 0; i < list->count; i++) {
		for (size_t j = 0; j < list->items[i].rule_count; j++)
			numbering__free_mem(list->items[i].rules[j].pattern);
		numbering__free_mem(list->items[i].rules);
	}
	numbering__free_mem(list->items);
	numbering__free_mem(list);
}

struct page_visit {
	numbering_application_list *list;
	int64_t offset, count;
	int rc;
};

static int page_visit(const numbering_record *record, void *payload)
{
	struct page_visit *v = payload;
	struct numbering__application a;
	if ((v->rc = read_app(&a, record)) != NUMBERING_OK)
		return NUMBERING__VISIT_STOP;
	int64_t at = v->list->total++;
	if (at >= v->offset && at - v->offset < v->count)
		v->list->items[v->list->count++].a = a;
	return 0;
}

struct rules_visit {
	struct app_item *item;
	size_t cap;
	int rc;
};

static int rules_visit(const numbering_record *record, void *payload)
{
	struct rules_visit *v = payload;
	struct app_item *it = v->item;
	if (it->rule_count == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		void *p = numbering__realloc(it->rules, cap * sizeof(*it->rules));
		if (p == NULL) {
			v->rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory listing rules");
			return NUMBERING__VISIT_STOP;
		}
		it->rules = p;
		v->cap = cap;
	}
	struct rule_item *ri = &it->rules[it->rule_count];
	ri->pattern = NULL;
	if ((v->rc = read_rule(&ri->r, &ri->pattern, record)) != NUMBERING_OK)
		return NUMBERING__VISIT_STOP;
	it->rule_count++;
	return 0;
}

static int list_locked(numbering_application_list *list, numbering_store *store, const char *p, int64_t id,
                       const char *name, int64_t count, int64_t offset, int with_rules)
{
	int rc;
	if (id > 0 || name != NULL) {
		struct numbering__application a;
		rc = numbering__application_find(store, p, id, id > 0 ? NULL : name, &a);
		if (rc == NUMBERING_NOT_FOUND) {
			numbering_error_clear();
			return NUMBERING_OK;
		}
		if (rc != NUMBERING_OK || (id > 0 && name != NULL && strcmp(a.name, name) != 0))
			return rc;
		list->total = 1;
		if (offset == 0 && count > 0)
			list->items[list->count++].a = a;
	} else {
		numbering_record_query query = NUMBERING_RECORD_QUERY_INIT;
		query.kind = NUMBERING__KIND_APPLICATION;
		query.parent = p;
		query.order = NUMBERING_RECORD_ORDER_ASCENDING;
		struct page_visit v = {list, offset, count, NUMBERING_OK};
		rc = numbering__backend_list(store, &query, page_visit, &v);
		if (rc == NUMBERING_OK)
			rc = v.rc;
	}
	for (size_t i = 0; rc == NUMBERING_OK && with_rules && i < list->count; i++) {
		numbering_record_query query = NUMBERING_RECORD_QUERY_INIT;
		query.kind = NUMBERING__KIND_RULE;
		query.parent = list->items[i].a.record;
		query.order = NUMBERING_RECORD_ORDER_ASCENDING;
		struct rules_visit v = {&list->items[i], 0, NUMBERING_OK};
		rc = numbering__backend_list(store, &query, rules_visit, &v);
		if (rc == NUMBERING_OK)
			rc = v.rc;
	}
	return rc;
}

int numbering_store_list_applications(numbering_application_list **out, numbering_store *store, const char *caller,
                                      const char *project, int64_t application_id, const char *application_name,
                                      int64_t count, int64_t offset, int with_rules)
{
	if (out == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_list_applications: out is NULL");
	*out = NULL;
	char p[NUMBERING__PROJECT_SIZE];
	int rc = start(store, project, p, "numbering_store_list_applications");
	if (rc == NUMBERING_OK && application_id < 0)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "application_id",
		                            "application_id %" PRId64 " is not a positive id", application_id);
	if (rc == NUMBERING_OK && application_name != NULL)
		rc = numbering__validate_app_name(application_name, "application_name");
	if (rc == NUMBERING_OK && (count < 0 || count > NUMBERING_APPLICATION_LIST_MAX))
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "count", "count %" PRId64 " is not 0 to %d", count,
		                            NUMBERING_APPLICATION_LIST_MAX);
	if (rc == NUMBERING_OK && (offset < 0 || offset > INT32_MAX))
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "offset", "offset %" PRId64 " is not 0 to %d",
		                            offset, INT32_MAX);
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_APPLICATION_LIST, p);
	if (rc != NUMBERING_OK)
		return rc;
	numbering_application_list *list = numbering__calloc(1, sizeof(*list));
	if (list != NULL && count > 0 && (list->items = numbering__calloc((size_t)count, sizeof(*list->items))) == NULL) {
		numbering__free_mem(list);
		list = NULL;
	}
	if (list == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory listing applications");
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	rc = list_locked(list, store, p, application_id, application_name, count, offset, with_rules);
	numbering__rwlock_rdunlock(&store->lock, slot);
	if (rc != NUMBERING_OK) {
		numbering_application_list_free(list);
		return rc;
	}
	*out = list;
	return NUMBERING_OK;
}

size_t numbering_application_list_count(const numbering_application_list *list)
{
	return list ? list->count : 0;
}

int64_t numbering_application_list_total(const numbering_application_list *list)
{
	return list ? list->total : 0;
}

static const struct app_item *item_at(const numbering_application_list *list, size_t i)
{
	return list != NULL && i < list->count ? &list->items[i] : NULL;
}

static const struct rule_item *rule_at(const numbering_application_list *list, size_t i, size_t j)
{
	const struct app_item *it = item_at(list, i);
	return it != NULL && j < it->rule_count ? &it->rules[j] : NULL;
}

int64_t numbering_application_list_id(const numbering_application_list *list, size_t i)
{
	const struct app_item *it = item_at(list, i);
	return it ? it->a.id : 0;
}

const char *numbering_application_list_name(const numbering_application_list *list, size_t i)
{
	const struct app_item *it = item_at(list, i);
	return it ? it->a.name : "";
}

int64_t numbering_application_list_created(const numbering_application_list *list, size_t i)
{
	const struct app_item *it = item_at(list, i);
	return it ? it->a.create_time : 0;
}

size_t numbering_application_list_rule_count(const numbering_application_list *list, size_t i)
{
	const struct app_item *it = item_at(list, i);
	return it ? it->rule_count : 0;
}

int64_t numbering_application_list_rule_id(const numbering_application_list *list, size_t i, size_t j)
{
	const struct rule_item *r = rule_at(list, i, j);
	return r ? r->r.id : 0;
}

const char *numbering_application_list_rule_name(const numbering_application_list *list, size_t i, size_t j)
{
	const struct rule_item *r = rule_at(list, i, j);
	return r ? r->r.name : "";
}

const char *numbering_application_list_rule_pattern(const numbering_application_list *list, size_t i, size_t j)
{
	const struct rule_item *r = rule_at(list, i, j);
	return r ? r->pattern : NULL;
}

int64_t numbering_application_list_rule_created(const numbering_application_list *list, size_t i, size_t j)
{
	const struct rule_item *r = rule_at(list, i, j);
	return r ? r->r.create_time : 0;
}
