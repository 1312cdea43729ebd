/*
 * Voximplant's BindPhoneNumberToApplication, SetPhoneNumberInfo and
 * GetAccountPhoneNumberCountries (numbering/phone.h, "Binding and queries"): the
 * writes of a number's PHONE record (service/phone.h) that a project makes itself,
 * and the countries of its numbers.
 *
 * The writes name numbers as the seed does (phone_id, 'all' or phone_number) and are
 * all or nothing: every number is found and checked, then every record is written in
 * one transaction under the write lock.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "model/kinds.h"
#include "model/validate.h"
#include "numbering/active.h"
#include "numbering/phone.h"
#include "service/application.h"
#include "service/backend-call.h"
#include "service/commit-or-rollback.h"
#include "service/inventory.h"
#include "service/phone.h"
#include "service/service.h"

/* The most phone ids or numbers one write lists (docs/LIMITS.md, as DeactivatePhoneNumber). */
#define LIST_MAX 10000

/* ---- The numbers a write names ---- */

struct names {
	char **v;
	size_t count, cap;
	int rc;
	const char *project;
};

/* Room for one more name: the array doubles, from @first. */
static int grow(struct names *n, size_t first)
{
	if (n->count < n->cap)
		return NUMBERING_OK;
	size_t cap = n->cap ? n->cap * 2 : first;
	char **grown = numbering__realloc(n->v, cap * sizeof(*grown));
	if (grown == NULL)
		return n->rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory selecting numbers");
	n->v = grown;
	n->cap = cap;
	return NUMBERING_OK;
}

/* Appends a copy of @name (grow() made room). */
static int push(struct names *n, const char *name)
{
	if ((n->v[n->count] = numbering__strdup(name)) == NULL)
		return n->rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory selecting numbers");
	n->count++;
	return NUMBERING_OK;
}

static int add_name(struct names *n, const char *name)
{
	int rc = grow(n, 16);
	if (rc != NUMBERING_OK)
		return rc;
	for (size_t i = 0; i < n->count; i++)
		if (strcmp(n->v[i], name) == 0)
			return NUMBERING_OK; /* named twice: once is enough */
	return push(n, name);
}

static void names_free(struct names *n)
{
	for (size_t i = 0; i < n->count; i++)
		numbering__free_mem(n->v[i]);
	numbering__free_mem(n->v);
}

static int all_visit(const numbering_record *record, void *payload)
{
	struct names *n = payload;
	/* 'all' of a large project: no duplicate check (a list names each once). */
	int rc = grow(n, 64);
	return rc == NUMBERING_OK ? push(n, record->name) : rc;
}

struct number_find {
	const char *project;
	char name[NUMBERING__NAME_SIZE];
	int found;
};

static int number_visit(const numbering_record *record, void *payload)
{
	struct number_find *f = payload;
	if (record->kind == NUMBERING__KIND_INSTANCE && record->parent != NULL && strcmp(record->parent, f->project) == 0 &&
	    (record->flags & NUMBERING_RECORD_LISTED) && strlen(record->name) < sizeof(f->name)) {
		snprintf(f->name, sizeof(f->name), "%s", record->name);
		f->found = 1;
	}
	return 0;
}

/* The seed's phone_id | 'all' | phone_number. */
struct selection {
	const int64_t *phone_ids;
	int phone_id_count;
	int all;
	const char *const *phone_numbers;
	int phone_number_count;
};

static int check_selection(const struct selection *s)
{
	if (s->phone_id_count < 0 || s->phone_id_count > LIST_MAX)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_id", "phone_id holds %d ids, not 0 .. %d",
		                              s->phone_id_count, LIST_MAX);
	if (s->phone_number_count < 0 || s->phone_number_count > LIST_MAX)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_number",
		                              "phone_number holds %d numbers, not 0 .. %d", s->phone_number_count,
		                              LIST_MAX);
	int ways = (s->phone_id_count > 0) + (s->all != 0) + (s->phone_number_count > 0);
	if (ways == 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_id", "phone_id or phone_number is required");
	if (ways > 1)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_number",
		                              "give phone_id (or 'all') or phone_number, not both");
	if ((s->phone_id_count > 0 && s->phone_ids == NULL) || (s->phone_number_count > 0 && s->phone_numbers == NULL))
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, s->phone_ids == NULL ? "phone_id" : "phone_number",
		                              "a count without its array");
	for (int i = 0; i < s->phone_id_count; i++)
		if (s->phone_ids[i] < 1)
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_id", "phone_id %" PRId64 " is not a positive id",
			                              s->phone_ids[i]);
	for (int i = 0; i < s->phone_number_count; i++) {
		int digits = 0;
		uint64_t value = 0;
		int rc = numbering__parse_one_number(&digits, &value, s->phone_numbers[i], "phone_number");
		if (rc != NUMBERING_OK)
			return rc;
	}
	return NUMBERING_OK;
}

/* The instance names of the selected numbers of @project (caller holds a lock):
 * NOT_FOUND naming phone_id or phone_number for one the project does not have. */
static int select_numbers(struct names *out, numbering_store *store, const char *project,
                          const struct selection *s)
{
	int rc = NUMBERING_OK;
	out->project = project;
	if (s->all) {
		numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
		q.kind = NUMBERING__KIND_INSTANCE;
		q.parent = project;
		q.listed_only = 1;
		rc = numbering__backend_list(store, &q, all_visit, out);
		return rc == NUMBERING_OK ? out->rc : rc;
	}
	for (int i = 0; i < s->phone_id_count && rc == NUMBERING_OK; i++) {
		numbering_instance *in = NULL;
		rc = numbering__phone_find(store, project, s->phone_ids[i], &in);
		if (rc == NUMBERING_OK && numbering_instance_lifecycle_state(in) == NUMBERING_LIFECYCLE_DELETED)
			rc = numbering__error_field(NUMBERING_NOT_FOUND, "phone_id", "phone_id %" PRId64 " is not a number of %s",
			                            s->phone_ids[i], project);
		if (rc == NUMBERING_OK)
			rc = add_name(out, numbering_instance_name(in));
		numbering_instance_free(in);
	}
	for (int i = 0; i < s->phone_number_count && rc == NUMBERING_OK; i++) {
		int digits = 0;
		uint64_t value = 0;
		rc = numbering__parse_one_number(&digits, &value, s->phone_numbers[i], "phone_number");
		struct number_find f = {project, "", 0};
		if (rc == NUMBERING_OK)
			rc = numbering__backend_find_record(store, digits, value, value, number_visit, &f);
		if (rc == NUMBERING_NOT_FOUND || (rc == NUMBERING_OK && !f.found)) {
			char quoted[NUMBERING__QUOTE_SIZE];
			rc = numbering__error_field(NUMBERING_NOT_FOUND, "phone_number", "%s is not a number of %s",
			                            numbering__quote(quoted, s->phone_numbers[i], strlen(s->phone_numbers[i])),
			                            project);
		}
		if (rc == NUMBERING_OK)
			rc = add_name(out, f.name);
	}
	return rc;
}

/* ---- Writing ---- */

/* What to do to each number's PHONE record. */
struct change {
	int (*apply)(struct numbering__phone *p, const struct change *c);
	int64_t application_id, rule_id;
	const char *sms_url;
};

static int apply_bind(struct numbering__phone *p, const struct change *c)
{
	if (p->application_id != c->application_id)
		p->rule_id = 0;
	p->application_id = c->application_id;
	if (c->rule_id != 0)
		p->rule_id = c->rule_id;
	return NUMBERING_OK;
}

static int apply_unbind(struct numbering__phone *p, const struct change *c)
{
	if (c->rule_id != 0) {
		if (p->rule_id == c->rule_id)
			p->rule_id = 0;
	} else if (c->application_id == 0 || p->application_id == c->application_id) {
		p->application_id = 0;
		p->rule_id = 0;
	}
	return NUMBERING_OK;
}

static int apply_sms_url(struct numbering__phone *p, const struct change *c)
{
	return numbering__phone_set_text(p, "incoming_sms_callback_url", c->sms_url);
}

/* Applies @c to every number of @names, in one transaction (caller holds the write lock). */
static int write_all(numbering_store *store, const struct names *names, const struct change *c)
{
	numbering_instance *in = NULL;
	int rc = numbering__instance_new_reserved(&in);
	if (rc != NUMBERING_OK)
		return rc;
	struct numbering__phone p;
	memset(&p, 0, sizeof(p));
	if ((rc = numbering__begin(store)) != NUMBERING_OK) {
		numbering_instance_free(in);
		return rc;
	}
	for (size_t i = 0; i < names->count && rc == NUMBERING_OK; i++) {
		rc = numbering__load_into(in, store, names->v[i], "phone_id");
		if (rc == NUMBERING_OK)
			rc = numbering__phone_load(&p, store, in);
		if (rc == NUMBERING_OK)
			rc = c->apply(&p, c);
		if (rc == NUMBERING_OK)
			rc = numbering__phone_put(store, &p, in);
	}
	numbering__phone_clear(&p);
	numbering_instance_free(in);
	rc = numbering__commit_or_rollback(store, rc);
	return rc;
}

/* The numbers @numbers selects of @project, changed by @c in one transaction (caller
 * holds the write lock). */
static int change_selected(numbering_store *store, const char *project, const struct selection *numbers,
                           const struct change *c)
{
	struct names names = {NULL, 0, 0, NUMBERING_OK, NULL};
	int rc = select_numbers(&names, store, project, numbers);
	if (rc == NUMBERING_OK)
		rc = write_all(store, &names, c);
	names_free(&names);
	return rc;
}

static int start(char project[NUMBERING__PROJECT_SIZE], numbering_store *store, const char *caller,
                 const char *parent, int permission, const struct selection *numbers, const char *fn)
{
	if (store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "%s: store is NULL", fn);
	int rc = numbering__project_of_parent(project, parent, "account_id");
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, permission, project);
	if (rc == NUMBERING_OK)
		rc = check_selection(numbers);
	return rc;
}

int numbering_store_bind_phones(numbering_store *store, const char *caller, const char *project,
                                const int64_t *phone_ids, int phone_id_count, int all, const char *const *phone_numbers,
                                int phone_number_count, int64_t application_id, const char *application_name,
                                int64_t rule_id, const char *rule_name, int bind)
{
	struct selection sel = {phone_ids, phone_id_count, all, phone_numbers, phone_number_count};
	const struct selection *numbers = &sel;
	char checked[NUMBERING__PROJECT_SIZE];
	int rc = start(checked, store, caller, project, NUMBERING__PERM_PHONE_BIND, numbers, "numbering_store_bind_phones");
	int has_app = application_id != 0 || (application_name != NULL && application_name[0] != '\0');
	int has_rule = rule_id != 0 || (rule_name != NULL && rule_name[0] != '\0');
	if (rc == NUMBERING_OK && application_id < 0)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "application_id",
		                            "application_id %" PRId64 " is not a positive id", application_id);
	if (rc == NUMBERING_OK && rule_id < 0)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "rule_id", "rule_id %" PRId64 " is not a positive id",
		                            rule_id);
	if (rc == NUMBERING_OK && rule_id == 0 && rule_name != NULL && rule_name[0] != '\0' && !has_app)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "rule_name",
		                            "rule_name needs application_id or application_name");
	if (rc == NUMBERING_OK && bind && !has_app)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "application_id",
		                            "application_id or application_name is required to bind");
	if (rc == NUMBERING_OK)
		rc = numbering_store_process_due(NULL, store);
	if (rc != NUMBERING_OK)
		return rc;
	struct change c = {bind ? apply_bind : apply_unbind, 0, 0, NULL};
	numbering__rwlock_wrlock(&store->lock);
	if (has_app) {
		struct numbering__application app;
		memset(&app, 0, sizeof(app));
		rc = numbering__application_find(store, checked, application_id,
		                                 application_id != 0 ? NULL : application_name, &app);
		c.application_id = app.id;
	}
	if (rc == NUMBERING_OK && has_rule) {
		struct numbering__rule rule;
		memset(&rule, 0, sizeof(rule));
		rc = numbering__rule_find(store, checked, c.application_id, rule_id, rule_id != 0 ? NULL : rule_name, &rule);
		if (rc == NUMBERING_OK && c.application_id == 0)
			c.application_id = rule.application_id; /* unbinding from a rule named by id */
		c.rule_id = rule.id;
		if (rc == NUMBERING_OK && !bind)
			c.application_id = 0; /* unbinding the rule: the application binding stays */
	}
	if (rc == NUMBERING_OK)
		rc = change_selected(store, checked, numbers, &c);
	numbering__rwlock_wrunlock(&store->lock);
	if (rc == NUMBERING_OK)
		rc = numbering__durable(store);
	return rc;
}

int numbering_store_set_phone_info(numbering_store *store, const char *caller, const char *project,
                                   const int64_t *phone_ids, int phone_id_count, int all,
                                   const char *const *phone_numbers, int phone_number_count,
                                   const char *incoming_sms_callback_url)
{
	struct selection sel = {phone_ids, phone_id_count, all, phone_numbers, phone_number_count};
	const struct selection *numbers = &sel;
	char checked[NUMBERING__PROJECT_SIZE];
	int rc = start(checked, store, caller, project, NUMBERING__PERM_PHONE_SET_INFO, numbers,
	               "numbering_store_set_phone_info");
	const char *url = incoming_sms_callback_url != NULL && incoming_sms_callback_url[0] != '\0'
	                          ? incoming_sms_callback_url
	                          : NULL;
	if (rc == NUMBERING_OK && url != NULL && strlen(url) > 2048)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "incoming_sms_callback_url",
		                            "incoming_sms_callback_url is %zu bytes, over 2048", strlen(url));
	if (rc == NUMBERING_OK && url != NULL)
		rc = numbering__validate_message_handler(url, "incoming_sms_callback_url");
	if (rc == NUMBERING_OK)
		rc = numbering_store_process_due(NULL, store);
	if (rc != NUMBERING_OK)
		return rc;
	struct change c = {apply_sms_url, 0, 0, url};
	numbering__rwlock_wrlock(&store->lock);
	rc = change_selected(store, checked, numbers, &c);
	numbering__rwlock_wrunlock(&store->lock);
	if (rc == NUMBERING_OK)
		rc = numbering__durable(store);
	return rc;
}

/* ---- Countries ---- */

struct countries {
	numbering_store *store;
	numbering_instance *scratch;
	char seen[26 * 26];
	int rc;
};

static int country_visit(const numbering_record *record, void *payload)
{
	struct countries *c = payload;
	if (record->kind != NUMBERING__KIND_INSTANCE || !(record->flags & NUMBERING_RECORD_LISTED))
		return 0;
	int rc = c->store->own_records ? numbering__instance_from_own_record(c->scratch, record)
	                               : numbering__instance_from_record(c->scratch, record);
	if (rc != NUMBERING_OK)
		return c->rc = rc;
	const char *cc = numbering__str_get(&c->scratch->country_code);
	if (cc[0] >= 'A' && cc[0] <= 'Z' && cc[1] >= 'A' && cc[1] <= 'Z' && cc[2] == '\0')
		c->seen[(cc[0] - 'A') * 26 + (cc[1] - 'A')] = 1;
	return 0;
}

static int bound_visit(const numbering_record *record, void *payload)
{
	struct countries *c = payload;
	int rc = numbering__backend_get_record(c->store, NUMBERING__KIND_INSTANCE, record->name, country_visit, c);
	if (rc == NUMBERING_NOT_FOUND)
		rc = NUMBERING_OK;
	if (rc != NUMBERING_OK && c->rc == NUMBERING_OK)
		c->rc = rc;
	return c->rc;
}

int numbering_store_phone_countries(char **out, numbering_store *store, const char *caller, const char *project,
                                    const int64_t *application_ids, size_t application_id_count)
{
	if (out == NULL || store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_phone_countries: %s is NULL",
		                            out == NULL ? "out" : "store");
	*out = NULL;
	char checked[NUMBERING__PROJECT_SIZE];
	int rc = numbering__project_of_parent(checked, project, "account_id");
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_PHONE_LIST, checked);
	if (rc == NUMBERING_OK && application_id_count > 0 && application_ids == NULL)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "application_id", "a count without its array");
	for (size_t i = 0; i < application_id_count && rc == NUMBERING_OK; i++)
		if (application_ids[i] < 1)
			rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "application_id",
			                            "application_id %" PRId64 " is not a positive id", application_ids[i]);
	if (rc == NUMBERING_OK)
		rc = numbering_store_process_due(NULL, store);
	struct countries c;
	memset(&c, 0, sizeof(c));
	c.store = store;
	if (rc == NUMBERING_OK)
		rc = numbering__instance_new_reserved(&c.scratch);
	if (rc != NUMBERING_OK)
		return rc;
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	if (application_id_count == 0) {
		numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
		q.kind = NUMBERING__KIND_INSTANCE;
		q.parent = checked;
		q.listed_only = 1;
		rc = numbering__backend_list(store, &q, country_visit, &c);
	}
	for (size_t i = 0; i < application_id_count && rc == NUMBERING_OK; i++) {
		char key[24];
		snprintf(key, sizeof(key), "%" PRId64, application_ids[i]);
		numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
		q.kind = NUMBERING__KIND_PHONE;
		q.parent = checked;
		q.keys[0] = key;
		rc = numbering__backend_list(store, &q, bound_visit, &c);
	}
	numbering__rwlock_rdunlock(&store->lock, slot);
	if (rc == NUMBERING_OK)
		rc = c.rc;
	numbering_instance_free(c.scratch);
	char *text = NULL;
	if (rc == NUMBERING_OK && (text = numbering__malloc(26 * 26 * 3 + 1)) == NULL)
		rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory listing countries");
	if (rc != NUMBERING_OK)
		return rc;
	size_t n = 0;
	for (int i = 0; i < 26 * 26; i++)
		if (c.seen[i]) {
			if (n > 0)
				text[n++] = ';';
			text[n++] = (char)('A' + i / 26);
			text[n++] = (char)('A' + i % 26);
		}
	text[n] = '\0';
	*out = text;
	return NUMBERING_OK;
}
