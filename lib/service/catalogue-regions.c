/*
 * The catalogue's regions without stock (service/catalogue-regions.h): the
 * PHONE_REGION record, kind 18 (docs/RECORDS.md).
 *
 * Name "regions/{CC}/{category}/{state}/{regionId}" (category and state with '%' and
 * '/' escaped as %25 and %2F; an absent state is empty), parent the region code
 * ("US": listing kind 18 under it gives the country's regions), sort key the region
 * id. The body (model/region-fields.h) repeats what the name holds, so the check
 * rebuilds the name from the body and the parent and compares: a damaged name or body
 * does not read as another region.
 *
 * An import writes the record of a region the first time it brings numbers of it and
 * never again (one get per distinct region of a request); nothing removes it, so a
 * region whose numbers were all rented out or removed stays in the catalogue with
 * omit_empty false, with the attributes of the import that first brought it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "model/fields.h"
#include "model/kinds.h"
#include "model/record.h"
#include "model/region-fields.h"
#include "numbering/e164.h"
#include "service/backend-call.h"
#include "service/catalogue-regions.h"
#include "service/national-digits.h"

#define PREFIX "regions/"
/* "regions/", CC, "/", 2 x (3 x 256 escaped, "/"), 20 digits, NUL. */
#define REGION_NAME_SIZE (8 + 2 + 1 + 2 * (3 * 256 + 1) + 21 + 1)

struct region_fields {
	NUMBERING__FIELDS_MEMBERS(NUMBERING__REGION_FIELDS)
};

#define DESCRIBE(id, type, json, limit, dflt) NUMBERING__FIELD_ROW(struct region_fields, id, type, json, limit, dflt)
static const struct numbering__field rows[] = {NUMBERING__REGION_FIELDS(DESCRIBE)};
#undef DESCRIBE
NUMBERING__FIELDS_FUNCTIONS(region, struct region_fields, "catalogue region", NUMBERING__REGION_FIELDS)
static const struct numbering__fields table = {rows, sizeof(rows) / sizeof(rows[0]), "catalogue region", region_encode, region_clear};

static size_t escape(char *out, const char *s)
{
	size_t n = 0;
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '%' || *s == '/') {
			out[n++] = '%';
			out[n++] = '2';
			out[n++] = *s == '%' ? '5' : 'F';
		} else {
			out[n++] = *s;
		}
	}
	return n;
}

/* The name of a region; @category and @state at most 256 bytes (the fields' limit). */
static void region_name(char out[REGION_NAME_SIZE], const char *country, const char *category, const char *state,
                        int64_t region_id)
{
	size_t n = sizeof(PREFIX) - 1;
	memcpy(out, PREFIX, n);
	memcpy(out + n, country, 2);
	n += 2;
	out[n++] = '/';
	n += escape(out + n, category);
	out[n++] = '/';
	n += escape(out + n, state);
	snprintf(out + n, REGION_NAME_SIZE - n, "/%lld", (long long)region_id);
}

static int damaged(const numbering_record *record, const char *field, const char *problem)
{
	return numbering__record_damaged(record, "catalogue region ", field, problem);
}

/* Reads @record into @f (holding the defaults: numbering__fields_clear()), cleared
 * again on failure. */
static int read_region(struct region_fields *f, const numbering_record *record)
{
	if (record->kind != NUMBERING__KIND_PHONE_REGION || record->parent == NULL || strlen(record->parent) != 2 ||
	    record->parent[0] < 'A' || record->parent[0] > 'Z' || record->parent[1] < 'A' || record->parent[1] > 'Z')
		return damaged(record, "parent", "it is not a region code");
	if (record->digits != 0 || record->flags != 0 || record->expires != 0)
		return damaged(record, "flags", "it holds no interval, has no flags and does not expire");
	for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS; i++)
		if (record->keys[i] != NULL)
			return damaged(record, "keys", "a catalogue region has no secondary keys");
	int rc = numbering__fields_decode_record(&table, f, record, "catalogue region ");
	if (rc != NUMBERING_OK) {
		numbering__fields_clear(&table, f);
		return rc;
	}
	char name[REGION_NAME_SIZE];
	if (f->category_name == NULL || f->category_name[0] == '\0')
		rc = damaged(record, "categoryName", "it is absent");
	else if (f->region_id != record->sort_key)
		rc = damaged(record, "regionId", "it is not the record's sort key");
	if (rc == NUMBERING_OK) {
		region_name(name, record->parent, f->category_name, f->state, f->region_id);
		if (record->name == NULL || strcmp(record->name, name) != 0)
			rc = damaged(record, "name", "it is not regions/{CC}/{category}/{state}/{regionId} of its body");
	}
	for (const char *c = f->region_code; rc == NUMBERING_OK && c != NULL && *c != '\0'; c++)
		if (*c < '0' || *c > '9')
			rc = damaged(record, "regionCode", "it is not digits");
	if (rc != NUMBERING_OK)
		numbering__fields_clear(&table, f);
	return rc;
}

int numbering__phone_region_record_check(const numbering_record *record)
{
	struct region_fields f;
	memset(&f, 0, sizeof(f));
	numbering__fields_clear(&table, &f); /* the defaults */
	int rc = read_region(&f, record);
	numbering__fields_clear(&table, &f);
	return rc;
}

/* ---- Writing, at import ---- */

/* A distinct region of a request, and the common prefix of its numbers there. */
struct seen {
	const numbering_available_number *n;
	char code[NUMBERING__NATIONAL_SIZE];
};

static int same(const char *a, const char *b)
{
	return strcmp(a == NULL ? "" : a, b == NULL ? "" : b) == 0;
}

static int same_region(const numbering_available_number *a, const numbering_available_number *b)
{
	return a->region_id == b->region_id && memcmp(a->region_code, b->region_code, 2) == 0 &&
	       same(a->category_name, b->category_name) && same(a->region, b->region);
}

static void common(char *acc, const char *s)
{
	size_t k = 0;
	while (acc[k] != '\0' && acc[k] == s[k])
		k++;
	acc[k] = '\0';
}

/* The common prefix of @n's numbers after the calling code into @out. */
static void block_code(char out[NUMBERING__NATIONAL_SIZE], const numbering_available_number *n)
{
	char code[3] = {n->region_code[0], n->region_code[1], '\0'};
	int cc = numbering_e164_region_country_code(code);
	int skip = cc >= 100 ? 3 : cc >= 10 ? 2 : cc > 0 ? 1 : 0;
	char last[NUMBERING__NATIONAL_SIZE];
	numbering__national_digits(out, n->digits, n->first, skip);
	numbering__national_digits(last, n->digits, n->last, skip);
	common(out, last);
}

static int exists_visit(const numbering_record *record, void *payload)
{
	(void)record;
	*(int *)payload = 1;
	return 0;
}

static int put_region(numbering_store *store, const struct seen *s)
{
	const numbering_available_number *n = s->n;
	char country[3] = {n->region_code[0], n->region_code[1], '\0'};
	char name[REGION_NAME_SIZE];
	region_name(name, country, n->category_name, n->region, n->region_id);
	int found = 0;
	int rc = numbering__backend_get_record(store, NUMBERING__KIND_PHONE_REGION, name, exists_visit, &found);
	if (rc == NUMBERING_NOT_FOUND)
		rc = NUMBERING_OK;
	if (rc != NUMBERING_OK || found)
		return rc;
	struct region_fields f;
	memset(&f, 0, sizeof(f));
	f.category_name = n->category_name;
	f.state = n->region;
	f.region_id = n->region_id;
	f.region_name = n->region_name;
	f.region_code = (char *)s->code;
	f.months = n->payment_interval_months;
	f.documents = n->supporting_documentation_required;
	f.sandbox = n->sandbox;
	numbering_record rec;
	memset(&rec, 0, sizeof(rec));
	rec.version = NUMBERING_RECORD_VERSION;
	rec.kind = NUMBERING__KIND_PHONE_REGION;
	rec.name = name;
	rec.parent = country;
	rec.sort_key = n->region_id;
	return numbering__backend_put_fields(store, &rec, &table, &f);
}

int numbering__catalogue_regions_note(numbering_store *store, const numbering_available_number *const *numbers,
                                      int count)
{
	/* A request brings a few regions, usually in runs: a small table searched from
	 * the last region found. */
	struct seen small[16], *seen = small;
	int used = 0, capacity = 16, last = -1, rc = NUMBERING_OK;
	for (int i = 0; i < count && rc == NUMBERING_OK; i++) {
		const numbering_available_number *n = numbers[i];
		if (n->category_name == NULL || n->category_name[0] == '\0')
			continue;
		int at = last >= 0 && same_region(seen[last].n, n) ? last : -1;
		for (int j = 0; at < 0 && j < used; j++)
			if (same_region(seen[j].n, n))
				at = j;
		char code[NUMBERING__NATIONAL_SIZE];
		block_code(code, n);
		if (at >= 0) {
			common(seen[at].code, code);
			last = at;
			continue;
		}
		if (used == capacity) {
			struct seen *bigger = numbering__malloc((size_t)capacity * 2 * sizeof(*bigger));
			if (bigger == NULL) {
				rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for the import's regions");
				break;
			}
			memcpy(bigger, seen, (size_t)used * sizeof(*seen));
			if (seen != small)
				numbering__free_mem(seen);
			seen = bigger;
			capacity *= 2;
		}
		seen[used].n = n;
		memcpy(seen[used].code, code, sizeof(code));
		last = used++;
	}
	for (int j = 0; j < used && rc == NUMBERING_OK; j++)
		rc = put_region(store, &seen[j]);
	if (seen != small)
		numbering__free_mem(seen);
	return rc;
}

/* ---- Reading, for the catalogue ---- */

struct list_visit {
	int (*visit)(const numbering_available_number *n, const char *prefix, void *payload);
	void *payload;
	const char *country;
	int rc;
};

static int region_visit(const numbering_record *record, void *payload)
{
	struct list_visit *v = payload;
	struct region_fields f;
	memset(&f, 0, sizeof(f));
	numbering__fields_clear(&table, &f); /* the defaults */
	int rc = read_region(&f, record);
	if (rc == NUMBERING_OK) {
		numbering_available_number n;
		memset(&n, 0, sizeof(n));
		memcpy(n.region_code, v->country, 3);
		n.category_name = f.category_name;
		n.region = f.state;
		n.region_id = f.region_id;
		n.region_name = f.region_name;
		n.payment_interval_months = f.months;
		n.supporting_documentation_required = f.documents;
		n.sandbox = f.sandbox;
		rc = v->visit(&n, f.region_code != NULL ? f.region_code : "", v->payload);
	}
	numbering__fields_clear(&table, &f);
	if (rc != NUMBERING_OK) {
		v->rc = rc;
		return NUMBERING__VISIT_STOP;
	}
	return 0;
}

int numbering__catalogue_regions_list(numbering_store *store, const char *country,
                                      int (*visit)(const numbering_available_number *n, const char *prefix,
                                                   void *payload),
                                      void *payload)
{
	struct list_visit v = {visit, payload, country, NUMBERING_OK};
	numbering_record_query query = NUMBERING_RECORD_QUERY_INIT;
	query.kind = NUMBERING__KIND_PHONE_REGION;
	query.order = NUMBERING_RECORD_ORDER_ASCENDING;
	query.parent = country;
	int rc = numbering__backend_list(store, &query, region_visit, &v);
	return rc != NUMBERING_OK ? rc : v.rc;
}
