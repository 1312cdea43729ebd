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
#include "service/application.h"
#include "service/backend-call.h"
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
static const struct numbering__fields app_table = {app_rows, sizeof(app_rows) / sizeof(app_rows[0]), "application"};
static const struct numbering__fields rule_table = {rule_rows, sizeof(rule_rows) / sizeof(rule_rows[0]), "rule"};

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
	const char *field = NULL, *problem = NULL;
	rc = numbering__fields_decode(&app_table, &f, record->body, record->body_len, &field, &problem);
	if (rc != NUMBERING_OK) {
		if (problem != NULL)
			rc = damaged(record, field, problem);
	} else if (f.application_name == NULL ||
	           numbering__validate_app_name(f.application_name, "application_name") != NUMBERING_OK) {
		rc = damaged(record, "application_name", "it is not 1 to 128 bytes of text without ';'");
	} else if (record->keys[0] == NULL || strcmp(record->keys[0], f.application_name) != 0) {
		rc = damaged(record, "keys[0]", "it is not the application's name");
	} else if (f.create_time <= 0) {
		rc = damaged(record, "created", "it is not a time after the epoch");
	}
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
	const char *field = NULL, *problem = NULL;
	rc = numbering__fields_decode(&rule_table, &f, record->body, record->body_len, &field, &problem);
	if (rc != NUMBERING_OK) {
		if (problem != NULL)
			rc = damaged(record, field, problem);
	} else if (f.rule_name == NULL || numbering__validate_app_name(f.rule_name, "rule_name") != NUMBERING_OK) {
		rc = damaged(record, "rule_name", "it is not 1 to 128 bytes of text without ';'");
	} else if (record->keys[0] == NULL || strcmp(record->keys[0], f.rule_name) != 0) {
		rc = damaged(record, "keys[0]", "it is not the rule's name");
	} else if (f.create_time <= 0) {
		rc = damaged(record, "created", "it is not a time after the epoch");
	} else if (f.rule_pattern != NULL &&
	           numbering__validate_text(f.rule_pattern, NUMBERING__RULE_PATTERN_MAX, "rule_pattern") != NUMBERING_OK) {
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
