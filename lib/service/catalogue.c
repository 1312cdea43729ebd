/*
 * The catalogue (numbering/catalogue.h): countries, categories, states and regions of
 * the inventory with their stock, and the numbers of a region, computed from the
 * AVAILABLE records at each call.
 *
 * An available record's parent is "CC/TYPE" (model/available.h), an index every
 * backend keeps, so a call walks the parents of the countries it asks about, five
 * each (one per type), in number order, and nothing else. Records next to each other
 * often share their attribute body; the reader (numbering__available_read) decodes it
 * once for the run. A region's row is found among the rows of its country by a linear
 * search that tries the last row found first (records of one region tend to follow
 * each other): a country has tens of regions, not thousands.
 *
 * With include_empty (omit_empty false) the country's region records
 * (service/catalogue-regions.c, kind 18) add the regions the inventory holds no
 * number of any more, with phone_count 0 and no prices.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/rwlock.h"
#include "model/available.h"
#include "model/kinds.h"
#include "numbering/active.h"
#include "numbering/catalogue.h"
#include "numbering/e164.h"
#include "numbering/money.h"
#include "service/backend-call.h"
#include "service/catalogue-regions.h"
#include "service/national-digits.h"
#include "service/service.h"

struct row {
	char country[3];
	char *category; /* NULL: none */
	char *state;
	int64_t region_id;
	char *region_name;
	char prefix[NUMBERING__NATIONAL_SIZE]; /* common national prefix (regions) */
	int prefix_set;
	char phone[NUMBERING__NATIONAL_SIZE + 2]; /* "+" digits (numbers) */
	int64_t count;
	int months;
	int documents;
	int has_states;
	struct numbering__money setup, monthly;
};

struct numbering_catalogue {
	int count, capacity;
	struct row *rows;
};

int numbering_catalogue_query_init(numbering_catalogue_query *query, unsigned int version)
{
	if (query == NULL || version != NUMBERING_CATALOGUE_QUERY_VERSION)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_catalogue_query_init: %s",
		                            query == NULL ? "query is NULL" : "unknown version");
	numbering_catalogue_query init = NUMBERING_CATALOGUE_QUERY_INIT;
	*query = init;
	return NUMBERING_OK;
}

static void row_clear(struct row *r)
{
	numbering__free_mem(r->category);
	numbering__free_mem(r->state);
	numbering__free_mem(r->region_name);
}

void numbering_catalogue_free(numbering_catalogue *catalogue)
{
	if (catalogue == NULL)
		return;
	for (int i = 0; i < catalogue->count; i++)
		row_clear(&catalogue->rows[i]);
	numbering__free_mem(catalogue->rows);
	numbering__free_mem(catalogue);
}

static int out_of_memory(void)
{
	return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for the catalogue");
}

static int same(const char *a, const char *b)
{
	return (a == NULL ? "" : a)[0] == (b == NULL ? "" : b)[0] && strcmp(a == NULL ? "" : a, b == NULL ? "" : b) == 0;
}

static char *dup_or_null(const char *s)
{
	return s == NULL ? NULL : numbering__strdup(s);
}

/* A new row for @n's region, its first number's attributes. */
static struct row *add_row(numbering_catalogue *c, const numbering_available_number *n)
{
	if (c->count == c->capacity) {
		int capacity = c->capacity == 0 ? 16 : c->capacity * 2;
		struct row *rows = numbering__realloc(c->rows, (size_t)capacity * sizeof(*rows));
		if (rows == NULL)
			return NULL;
		c->rows = rows;
		c->capacity = capacity;
	}
	struct row *r = &c->rows[c->count];
	memset(r, 0, sizeof(*r));
	memcpy(r->country, n->region_code, 3);
	r->region_id = n->region_id;
	r->months = (int)n->payment_interval_months;
	r->documents = n->supporting_documentation_required;
	r->setup = n->setup_price;
	r->monthly = n->monthly_price;
	if ((n->category_name != NULL && (r->category = dup_or_null(n->category_name)) == NULL) ||
	    (n->region != NULL && (r->state = dup_or_null(n->region)) == NULL) ||
	    (n->region_name != NULL && (r->region_name = dup_or_null(n->region_name)) == NULL)) {
		row_clear(r);
		return NULL;
	}
	c->count++;
	return r;
}

/* How many digits the calling code of @country has (0 when unknown). */
static int calling_code_digits(const char *country)
{
	int cc = numbering_e164_region_country_code(country);
	return cc >= 100 ? 3 : cc >= 10 ? 2 : cc > 0 ? 1 : 0;
}

struct walk {
	const numbering_catalogue_query *q;
	numbering_catalogue *c;
	numbering_available_number block;
	struct numbering__available_reader reader;
	int numbers;       /* rows are numbers (else regions) */
	int64_t offset;    /* numbers: to skip */
	int limit;         /* numbers: most rows */
	int64_t total;     /* numbers: matched */
	int last;          /* regions: the row found last, or -1 */
	int skip;          /* digits of the walked country's calling code */
	int country_start; /* regions: the first row of the country walked */
	int rc;
};

static int selected(const struct walk *w, const numbering_available_number *n)
{
	const numbering_catalogue_query *q = w->q;
	if (q->sandbox == NUMBERING_SANDBOX_ONLY && !n->sandbox)
		return 0;
	if (q->sandbox == NUMBERING_SANDBOX_NONE && n->sandbox)
		return 0;
	if (q->category_name != NULL && !same(q->category_name, n->category_name))
		return 0;
	if (q->country_state != NULL && !same(q->country_state, n->region))
		return 0;
	if (q->region_id != 0 && q->region_id != n->region_id)
		return 0;
	if (q->region_name != NULL && !same(q->region_name, n->region_name))
		return 0;
	return 1;
}

static int visit_region(struct walk *w, const numbering_available_number *n, int listed)
{
	numbering_catalogue *c = w->c;
	struct row *r = NULL;
	if (w->last >= w->country_start) {
		struct row *l = &c->rows[w->last];
		if (l->region_id == n->region_id && same(l->category, n->category_name) && same(l->state, n->region))
			r = l;
	}
	for (int i = w->country_start; r == NULL && i < c->count; i++) {
		struct row *l = &c->rows[i];
		if (l->region_id == n->region_id && same(l->category, n->category_name) && same(l->state, n->region)) {
			r = l;
			w->last = i;
		}
	}
	if (r == NULL) {
		if ((r = add_row(c, n)) == NULL)
			return out_of_memory();
		w->last = c->count - 1;
	}
	char first[NUMBERING__NATIONAL_SIZE], last[NUMBERING__NATIONAL_SIZE];
	numbering__national_digits(first, n->digits, n->first, w->skip);
	numbering__national_digits(last, n->digits, n->last, w->skip);
	size_t k = 0;
	while (first[k] != '\0' && first[k] == last[k])
		k++;
	first[k] = '\0';
	if (!r->prefix_set) {
		memcpy(r->prefix, first, k + 1);
		r->prefix_set = 1;
	} else {
		size_t j = 0;
		while (r->prefix[j] != '\0' && r->prefix[j] == first[j])
			j++;
		r->prefix[j] = '\0';
	}
	if (listed)
		r->count += (int64_t)(n->last - n->first) + 1;
	return NUMBERING_OK;
}

static int visit_numbers(struct walk *w, const numbering_available_number *n)
{
	const char *want = w->q->region_code;
	for (uint64_t x = n->first;; x++) {
		char digits[NUMBERING__NATIONAL_SIZE];
		int match = 1;
		if (want != NULL) {
			numbering__national_digits(digits, n->digits, x, w->skip);
			match = strncmp(digits, want, strlen(want)) == 0;
		}
		if (match) {
			if (w->total >= w->offset && w->c->count < w->limit) {
				struct row *r = add_row(w->c, n);
				if (r == NULL)
					return out_of_memory();
				snprintf(r->phone, sizeof(r->phone), "+%0*llu", n->digits, (unsigned long long)x);
				numbering__national_digits(r->prefix, n->digits, x, w->skip);
				r->count = 1;
			}
			w->total++;
		}
		if (x == n->last)
			break;
	}
	return NUMBERING_OK;
}

static int visit(const numbering_record *record, void *payload)
{
	struct walk *w = payload;
	int rc = numbering__available_read(&w->reader, record);
	if (rc == NUMBERING_OK && selected(w, &w->block)) {
		int listed = (record->flags & NUMBERING_RECORD_LISTED) != 0;
		if (w->numbers)
			rc = listed ? visit_numbers(w, &w->block) : NUMBERING_OK;
		else
			rc = visit_region(w, &w->block, listed);
	}
	if (rc != NUMBERING_OK) {
		w->rc = rc;
		return NUMBERING__VISIT_STOP;
	}
	return 0;
}

/* A region record (service/catalogue-regions.h): a row with phone_count 0 when the
 * inventory gave the region none, its prefix as last imported, no prices. */
static int visit_region_record(const numbering_available_number *n, const char *prefix, void *payload)
{
	struct walk *w = payload;
	if (!selected(w, n))
		return NUMBERING_OK;
	for (int i = w->country_start; i < w->c->count; i++) {
		struct row *l = &w->c->rows[i];
		if (l->region_id == n->region_id && same(l->category, n->category_name) && same(l->state, n->region))
			return NUMBERING_OK;
	}
	struct row *r = add_row(w->c, n);
	if (r == NULL)
		return out_of_memory();
	snprintf(r->prefix, sizeof(r->prefix), "%s", prefix);
	r->prefix_set = 1;
	return NUMBERING_OK;
}

/* Walks the parents of @country, every type. */
static int walk_country(numbering_store *store, struct walk *w, const char *country)
{
	w->country_start = w->c->count;
	w->last = -1;
	w->skip = calling_code_digits(country);
	for (int type = NUMBERING_NUMBER_TYPE_LOCAL; type <= NUMBERING_NUMBER_TYPE_SHARED_RATE; type++) {
		char parent[NUMBERING__AVAILABLE_PARENT_SIZE];
		int rc = numbering__available_parent(parent, country, type);
		if (rc != NUMBERING_OK)
			return rc;
		numbering_record_query query = NUMBERING_RECORD_QUERY_INIT;
		query.kind = NUMBERING__KIND_AVAILABLE;
		query.order = NUMBERING_RECORD_ORDER_ASCENDING;
		query.parent = parent;
		query.listed_only = w->numbers || !w->q->include_empty;
		rc = numbering__backend_list(store, &query, visit, w);
		if (rc == NUMBERING_OK)
			rc = w->rc;
		if (rc != NUMBERING_OK)
			return rc;
	}
	/* Regions the inventory holds no number of now, with omit_empty false. */
	if (!w->numbers && w->q->include_empty) {
		int rc = numbering__catalogue_regions_list(store, country, visit_region_record, w);
		if (rc != NUMBERING_OK)
			return rc;
	}
	if (!w->numbers) {
		/* Rows of this country whose phone prefix the filter refuses go. */
		const char *want = w->q->region_code;
		int keep = w->country_start;
		for (int i = w->country_start; i < w->c->count; i++) {
			struct row *r = &w->c->rows[i];
			if (want != NULL && strncmp(r->prefix, want, strlen(want)) != 0) {
				row_clear(r);
				continue;
			}
			w->c->rows[keep++] = *r;
		}
		w->c->count = keep;
	}
	return NUMBERING_OK;
}

static int check_country(const char *code)
{
	if (code == NULL || strlen(code) != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z') {
		char quoted[NUMBERING__QUOTE_SIZE];
		const char *c = code == NULL ? "" : code;
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "country_code",
		                              "country_code \"%s\" is not an ISO 3166-1 alpha-2 code (two upper-case letters)",
		                              numbering__quote(quoted, c, strlen(c)));
	}
	return NUMBERING_OK;
}

static int compare_rows(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int d = strcmp(x->country, y->country);
	if (d == 0)
		d = strcmp(x->category ? x->category : "", y->category ? y->category : "");
	if (d == 0)
		d = strcmp(x->state ? x->state : "", y->state ? y->state : "");
	if (d == 0)
		d = (x->region_id > y->region_id) - (x->region_id < y->region_id);
	return d;
}

static int run(numbering_catalogue **out, int64_t *total, numbering_store *store, const char *caller,
               const char *project, const numbering_catalogue_query *query, int numbers, int64_t offset, int count)
{
	if (out == NULL || store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_catalogue: %s is NULL",
		                            out == NULL ? "out" : "store");
	*out = NULL;
	numbering_catalogue_query everything = NUMBERING_CATALOGUE_QUERY_INIT;
	const numbering_catalogue_query *q = query != NULL ? query : &everything;
	if (q->version < 1)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_catalogue_query: unknown version %u",
		                            q->version);
	char checked[NUMBERING__PROJECT_SIZE];
	int rc = numbering__project_of_parent(checked, project, "project");
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_AVAILABLE_LIST, checked);
	for (int i = 0; rc == NUMBERING_OK && i < q->country_code_count && q->country_codes != NULL; i++)
		rc = check_country(q->country_codes[i]);
	if (rc == NUMBERING_OK && numbers && (offset < 0 || offset > INT32_MAX))
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "offset", "offset %lld is out of range (0 to %d)",
		                            (long long)offset, INT32_MAX);
	if (rc == NUMBERING_OK && numbers && (count < 0 || count > 1000))
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "count", "count %d is out of range (0 to 1000)", count);
	/* Releases due by now have returned their numbers to the inventory. */
	if (rc == NUMBERING_OK)
		rc = numbering_store_process_due(NULL, store);
	if (rc != NUMBERING_OK)
		return rc;
	numbering_catalogue *c = numbering__calloc(1, sizeof(*c));
	if (c == NULL)
		return out_of_memory();
	struct walk w;
	memset(&w, 0, sizeof(w));
	w.q = q;
	w.c = c;
	w.numbers = numbers;
	w.offset = offset;
	w.limit = count;
	numbering__available_clear(&w.block);
	w.reader.out = &w.block;
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	if (q->country_code_count > 0 && q->country_codes != NULL) {
		for (int i = 0; rc == NUMBERING_OK && i < q->country_code_count; i++) {
			int seen = 0; /* a country asked twice is walked once */
			for (int j = 0; j < i; j++)
				seen |= strcmp(q->country_codes[i], q->country_codes[j]) == 0;
			if (!seen)
				rc = walk_country(store, &w, q->country_codes[i]);
		}
	} else {
		for (int k = 0; rc == NUMBERING_OK && k < 26 * 26; k++) {
			char code[3] = {(char)('A' + k / 26), (char)('A' + k % 26), '\0'};
			if (numbering_region_is_known(code))
				rc = walk_country(store, &w, code);
		}
	}
	numbering__rwlock_rdunlock(&store->lock, slot);
	numbering__available_clear(&w.block);
	if (rc != NUMBERING_OK) {
		numbering_catalogue_free(c);
		return rc;
	}
	if (!numbers && c->count > 1)
		qsort(c->rows, (size_t)c->count, sizeof(*c->rows), compare_rows);
	/* country_has_states: any row of the country and category with a state. */
	for (int i = 0; !numbers && i < c->count; i++)
		for (int j = 0; j < c->count && !c->rows[i].has_states; j++)
			if (strcmp(c->rows[i].country, c->rows[j].country) == 0 &&
			    same(c->rows[i].category, c->rows[j].category) && c->rows[j].state != NULL)
				c->rows[i].has_states = 1;
	if (total != NULL)
		*total = w.total;
	*out = c;
	return NUMBERING_OK;
}

int numbering_store_catalogue_regions(numbering_catalogue **out, numbering_store *store, const char *caller,
                                      const char *project, const numbering_catalogue_query *query)
{
	return run(out, NULL, store, caller, project, query, 0, 0, 0);
}

int numbering_store_catalogue_numbers(numbering_catalogue **out, int64_t *total, numbering_store *store,
                                      const char *caller, const char *project, const numbering_catalogue_query *query,
                                      int64_t offset, int count)
{
	if (total == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_catalogue_numbers: total is NULL");
	*total = 0;
	return run(out, total, store, caller, project, query, 1, offset, count);
}

/* ---- Getters ---- */

static const struct row *row_at(const numbering_catalogue *c, int i)
{
	return c == NULL || i < 0 || i >= c->count ? NULL : &c->rows[i];
}

int numbering_catalogue_count(const numbering_catalogue *catalogue)
{
	return catalogue == NULL ? 0 : catalogue->count;
}

#define TEXT_GETTER(name, expr)                                                       \
	const char *numbering_catalogue_##name(const numbering_catalogue *catalogue, int i) \
	{                                                                                 \
		const struct row *r = row_at(catalogue, i);                                   \
		return r == NULL || (expr) == NULL ? "" : (expr);                             \
	}
TEXT_GETTER(country_code, r->country)
TEXT_GETTER(category_name, r->category)
TEXT_GETTER(country_state, r->state)
TEXT_GETTER(region_name, r->region_name)
TEXT_GETTER(region_code, r->prefix)
TEXT_GETTER(phone_number, r->phone)
#undef TEXT_GETTER

int64_t numbering_catalogue_region_id(const numbering_catalogue *catalogue, int i)
{
	const struct row *r = row_at(catalogue, i);
	return r == NULL ? 0 : r->region_id;
}

int64_t numbering_catalogue_phone_count(const numbering_catalogue *catalogue, int i)
{
	const struct row *r = row_at(catalogue, i);
	return r == NULL ? 0 : r->count;
}

int numbering_catalogue_payment_interval_months(const numbering_catalogue *catalogue, int i)
{
	const struct row *r = row_at(catalogue, i);
	return r == NULL ? 0 : r->months;
}

int numbering_catalogue_documents_required(const numbering_catalogue *catalogue, int i)
{
	const struct row *r = row_at(catalogue, i);
	return r == NULL ? 0 : r->documents;
}

int numbering_catalogue_has_states(const numbering_catalogue *catalogue, int i)
{
	const struct row *r = row_at(catalogue, i);
	return r == NULL ? 0 : r->has_states;
}

int numbering_catalogue_price(const numbering_catalogue *catalogue, int i, int monthly, const char **currency_code,
                              int64_t *minor_units)
{
	const struct row *r = row_at(catalogue, i);
	if (r == NULL || currency_code == NULL || minor_units == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_catalogue_price: %s",
		                            r == NULL ? "no such row" : "an argument is NULL");
	const struct numbering__money *m = monthly ? &r->monthly : &r->setup;
	if (m->currency[0] == '\0')
		return numbering__error_set(NUMBERING_NOT_FOUND, "the number has no %s price", monthly ? "monthly" : "setup");
	*currency_code = m->currency;
	*minor_units = m->minor;
	return NUMBERING_OK;
}
