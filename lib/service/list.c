/*
 * ListPhoneNumberInstances: newest first, then by id, in pages. A page token carries
 * the create time and id of the last instance returned (two processes can give two
 * instances one create time: a time is taken before the write lock), bound to the
 * parent and filter by a digest, and authenticated with the store's key, so it cannot
 * be forged, altered, or used with another filter or store.
 */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "e164/metadata.h"
#include "e164/number.h"
#include "model/instance-record.h"
#include "model/instance.h"
#include "service/backend-call.h"
#include "service/service.h"

#define PAGE_SIZE_DEFAULT 10
#define PAGE_SIZE_MAX 100
#define FILTER_DIGEST_BYTES NUMBERING__TOKEN_DIGEST_BYTES
#define TOKEN_TEXT_MAX NUMBERING__TOKEN_TEXT_MAX

struct numbering_list_request {
	struct numbering__str parent;
	struct numbering__str page_token;
	struct numbering__str prefix;
	struct numbering__str region;
	int page_size;
	int include_deleted;
};

/* A page's instances are read-only copies laid end to end in a few blocks, so that a
 * page of 100 costs a couple of allocations rather than one an instance. */
struct page_block {
	struct page_block *next;
	size_t used, cap;
	/* the copies follow, aligned for an instance */
};

#define PAGE_BLOCK_MAX (64 * 1024)

struct numbering_list_page {
	numbering_instance **items;
	int count;
	struct page_block *blocks;
	char next_token[TOKEN_TEXT_MAX];
};

int numbering_list_request_new(numbering_list_request **out)
{
	if (out == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "out", "numbering_list_request_new: out is NULL");
	*out = numbering__calloc(1, sizeof(**out));
	return *out ? NUMBERING_OK
	            : numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory allocating a list request");
}

void numbering_list_request_free(numbering_list_request *request)
{
	if (request == NULL)
		return;
	numbering__str_free(&request->parent);
	numbering__str_free(&request->page_token);
	numbering__str_free(&request->prefix);
	numbering__str_free(&request->region);
	numbering__free_mem(request);
}

static int set_text(numbering_list_request *request, struct numbering__str *field, const char *text)
{
	if (request == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "request", "the list request is NULL");
	return numbering__str_set(field, text ? text : "", text ? strlen(text) : 0);
}

int numbering_list_request_set_parent(numbering_list_request *request, const char *parent)
{
	return set_text(request, request ? &request->parent : NULL, parent);
}

int numbering_list_request_set_page_token(numbering_list_request *request, const char *token)
{
	return set_text(request, request ? &request->page_token : NULL, token);
}

int numbering_list_request_set_prefix(numbering_list_request *request, const char *prefix)
{
	return set_text(request, request ? &request->prefix : NULL, prefix);
}

int numbering_list_request_set_region(numbering_list_request *request, const char *region)
{
	return set_text(request, request ? &request->region : NULL, region);
}

int numbering_list_request_set_page_size(numbering_list_request *request, int page_size)
{
	if (request == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "request", "the list request is NULL");
	request->page_size = page_size;
	return NUMBERING_OK;
}

int numbering_list_request_set_include_deleted(numbering_list_request *request, int include)
{
	if (request == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "request", "the list request is NULL");
	request->include_deleted = include != 0;
	return NUMBERING_OK;
}

void numbering_list_page_free(numbering_list_page *page)
{
	if (page == NULL)
		return;
	for (struct page_block *b = page->blocks, *next; b != NULL; b = next) {
		next = b->next;
		numbering__free_mem(b);
	}
	numbering__free_mem(page->items);
	numbering__free_mem(page);
}

int numbering_list_page_count(const numbering_list_page *page)
{
	return page == NULL ? 0 : page->count;
}

const numbering_instance *numbering_list_page_instance(const numbering_list_page *page, int i)
{
	return (page == NULL || i < 0 || i >= page->count) ? NULL : page->items[i];
}

const char *numbering_list_page_next_token(const numbering_list_page *page)
{
	return page == NULL ? "" : page->next_token;
}

/* The prefix as digits with the calling code: "+6125" gives "6125"; "025" in AU
 * (national 0NSN form) gives "6125". */
static int prefix_digits(char out[NUMBERING_E164_MAX_DIGITS + 1], const char *prefix, const char *region)
{
	char digits[NUMBERING_E164_MAX_INPUT];
	size_t n = 0, len = strlen(prefix);
	char quoted[NUMBERING__QUOTE_SIZE];
	int plus = 0;
	for (size_t i = 0; i < len; i++) {
		char c = prefix[i];
		if (c >= '0' && c <= '9' && n < sizeof(digits))
			digits[n++] = c;
		else if (c == '+' && n == 0 && !plus)
			plus = 1;
		else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')')
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "prefix",
			                              "prefix \"%s\" must be digits in E.164 (+6125) or national 0NSN form (025)",
			                              numbering__quote(quoted, prefix, len));
	}
	if (n == 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "prefix", "prefix \"%s\" has no digits",
		                              numbering__quote(quoted, prefix, len));
	const char *d = digits;
	char national[NUMBERING_E164_MAX_INPUT + 4];
	if (!plus) {
		if (region == NULL)
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "prefix",
			                              "prefix \"%s\" is national: give a region, or start it with '+'",
			                              numbering__quote(quoted, prefix, len));
		int r = numbering__region_find(region, strlen(region));
		if (r < 0 || strlen(region) != 2)
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "region_code", "region \"%s\" is not known",
			                              numbering__quote(quoted, region, strlen(region)));
		/* Drop the trunk prefix of the 0NSN form, then put the calling code in front. */
		const char *const *trunk = numbering__regions[r].trunk_prefixes;
		for (size_t i = 0; trunk != NULL && trunk[i] != NULL; i++) {
			size_t t = strlen(trunk[i]);
			if (t <= n && memcmp(d, trunk[i], t) == 0) {
				d += t;
				n -= t;
				break;
			}
		}
		int cc_len = snprintf(national, sizeof(national), "%u", numbering__regions[r].calling_code);
		memcpy(national + cc_len, d, n);
		n += (size_t)cc_len;
		d = national;
	}
	if (n > NUMBERING_E164_MAX_DIGITS)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "prefix",
		                              "prefix \"%s\" has more digits than any E.164 number",
		                              numbering__quote(quoted, prefix, len));
	memcpy(out, d, n);
	out[n] = '\0';
	return NUMBERING_OK;
}

/* What a token is bound to: the parent and the filter, not the page size. */
static void filter_digest(unsigned char digest[FILTER_DIGEST_BYTES], const char *project, const char *digits,
                          int include_deleted)
{
	crypto_generichash_state state;
	crypto_generichash_init(&state, NULL, 0, FILTER_DIGEST_BYTES);
	crypto_generichash_update(&state, (const unsigned char *)project, strlen(project) + 1);
	crypto_generichash_update(&state, (const unsigned char *)digits, strlen(digits) + 1);
	unsigned char flag = (unsigned char)include_deleted;
	crypto_generichash_update(&state, &flag, 1);
	crypto_generichash_final(&state, digest, FILTER_DIGEST_BYTES);
}

struct collect {
	numbering_list_page *page;
	int page_size;
	int cap;     /* of page->items: the page and the ties of its last create time */
	int more;    /* the backend had an instance past the page: there is a next page */
	int past;    /* ...and one of an older create time: the page is known whole */
	int visited; /* records the backend visited (the query's limit) */
	int own;     /* the library's own backend: the _own placer */
	int has_after; /* a keyed token: skip (after_time, <= after_id) */
	int64_t after_time;
	const char *after_id;
	int rc;
};

/* @size bytes in the page's current block, or in a new one sized for the rest of the
 * page (at most PAGE_BLOCK_MAX, unless one instance is larger). */
static void *page_alloc(numbering_list_page *page, size_t size, int items_left)
{
	struct page_block *b = page->blocks;
	if (b == NULL || b->cap - b->used < size) {
		size_t cap = size * (size_t)items_left;
		if (cap > PAGE_BLOCK_MAX)
			cap = size > PAGE_BLOCK_MAX ? size : PAGE_BLOCK_MAX;
		if ((b = numbering__malloc(sizeof(*b) + cap)) == NULL)
			return NULL;
		b->next = page->blocks;
		b->used = 0;
		b->cap = cap;
		page->blocks = b;
	}
	void *p = (char *)(b + 1) + b->used;
	b->used += size;
	return p;
}

/* Builds each visited instance record's instance in the page's blocks: one copy of
 * each string, from the backend's bytes. Placed in one pass where the current block
 * has room; measured first only when it has not (about once a block). */
static int collect_one(const numbering_record *record, void *payload)
{
	struct collect *c = payload;
	numbering_list_page *page = c->page;
	c->visited++;
	if (c->has_after && record->sort_key == c->after_time && strcmp(numbering__page_id_of(record->name), c->after_id) <= 0)
		return 0; /* at or before the token's instance: listed already */
	if (page->count >= c->page_size) {
		c->more = 1;
		if (record->sort_key != page->items[page->count - 1]->create_time) {
			c->past = 1;
			return NUMBERING__VISIT_STOP;
		}
		/* Ties the page's last create time: read too, the first ids are the page's. */
		if (page->count == c->cap) {
			numbering_instance **grown = numbering__realloc(page->items, (size_t)c->cap * 2 * sizeof(*grown));
			if (grown == NULL)
				return c->rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory listing instances");
			page->items = grown;
			c->cap *= 2;
		}
	}
	numbering_instance *instance = NULL;
	struct page_block *b = page->blocks;
	int rc;
	if (b != NULL) {
		size_t used;
		rc = numbering__instance_record_place_in(&instance, &used, (char *)(b + 1) + b->used, b->cap - b->used,
		                                         record, c->own);
		if (rc != NUMBERING_OK)
			return c->rc = rc;
		b->used += used;
	}
	if (instance == NULL) {
		struct numbering__instance_layout layout;
		if ((rc = numbering__instance_record_measure(&layout, record)) != NUMBERING_OK)
			return c->rc = rc;
		void *block = page_alloc(page, layout.size, c->page_size > page->count ? c->page_size - page->count : 1);
		if (block == NULL)
			return c->rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory listing instances");
		instance = c->own ? numbering__instance_record_place_own(block, &layout, record)
		                  : numbering__instance_record_place(block, &layout, record);
		if (instance == NULL)
			return c->rc = numbering_error_code() != NUMBERING_OK ? numbering_error_code() : NUMBERING_INTERNAL;
	}
	page->items[page->count++] = instance;
	return 0;
}

/* Whether @a comes after @b: an older create time, or the same and a greater id. */
static int listed_after(const numbering_instance *a, const numbering_instance *b)
{
	if (a->create_time != b->create_time)
		return a->create_time < b->create_time;
	return strcmp(numbering__page_id_of(numbering_instance_name(a)), numbering__page_id_of(numbering_instance_name(b))) > 0;
}

/* The walk's order is the create time's; ties come in the backend's order. An
 * insertion sort: one comparison an item when nothing ties (every page but a rare one). */
static void sort_ties(numbering_instance **items, int count)
{
	for (int i = 1; i < count; i++) {
		numbering_instance *x = items[i];
		int j = i;
		for (; j > 0 && listed_after(items[j - 1], x); j--)
			items[j] = items[j - 1];
		items[j] = x;
	}
}

/* Frees the instances a walk placed, for a walk again with a larger limit. */
static void page_empty(numbering_list_page *page)
{
	for (struct page_block *b = page->blocks, *next; b != NULL; b = next) {
		next = b->next;
		numbering__free_mem(b);
	}
	page->blocks = NULL;
	page->count = 0;
}

int numbering_store_list(numbering_list_page **out, numbering_store *store, const char *caller,
                         const numbering_list_request *request)
{
	if (out == NULL || store == NULL || request == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, out == NULL ? "out" : store == NULL ? "store" : "request",
		                              "numbering_store_list: an argument is NULL");
	*out = NULL;
	char project[NUMBERING__PROJECT_SIZE];
	int rc = numbering__project_of_parent(project, numbering__str_get(&request->parent), "parent");
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_LIST, project);
	if (rc != NUMBERING_OK)
		return rc;
	if (request->page_size < 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "page_size", "page size %d is negative",
		                              request->page_size);
	int page_size = request->page_size == 0 ? PAGE_SIZE_DEFAULT
	                : request->page_size > PAGE_SIZE_MAX ? PAGE_SIZE_MAX : request->page_size;
	char digits[NUMBERING_E164_MAX_DIGITS + 1] = "";
	if (request->prefix.len > 0) {
		const char *region = numbering__region(store, numbering__str_get(&request->region));
		if ((rc = prefix_digits(digits, numbering__str_get(&request->prefix), region)) != NUMBERING_OK)
			return rc;
	}
	unsigned char digest[FILTER_DIGEST_BYTES];
	filter_digest(digest, project, digits, request->include_deleted);
	int64_t created_before = 0;
	char after_id[NUMBERING__TOKEN_KEY_MAX + 1] = "";
	int has_key = 0;
	if (request->page_token.len > 0 &&
	    (rc = numbering__token_read_keyed(&created_before, after_id, &has_key, store,
	                                       numbering__str_get(&request->page_token), digest, "page_token",
	                                       "parent, prefix or include_deleted")) != NUMBERING_OK)
		return rc;

	numbering_list_page *page = numbering__calloc(1, sizeof(*page));
	if (page == NULL || (page->items = numbering__calloc((size_t)page_size, sizeof(*page->items))) == NULL) {
		numbering__free_mem(page);
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory listing instances");
	}
	/* Newest first, after the token's (create time, id); one more than the page:
	 * whether it exists decides the next token. */
	numbering_record_interval intervals[NUMBERING_RECORD_DIGITS_MAX];
	numbering_record_query query = NUMBERING_RECORD_QUERY_INIT;
	query.kind = NUMBERING__KIND_INSTANCE;
	query.order = NUMBERING_RECORD_ORDER_DESCENDING;
	query.parent = project;
	query.listed_only = !request->include_deleted;
	query.has_after = created_before != 0;
	/* A keyed token: from its time on (its ties), else (a token issued before tokens
	 * had ids) after its time. A store time is below INT64_MAX. */
	query.after = has_key && created_before < INT64_MAX ? created_before + 1 : created_before;
	query.limit = page_size + 1;
	if (digits[0] != '\0') {
		query.intervals = intervals;
		query.interval_count = numbering__prefix_intervals(intervals, digits);
	}
	struct collect c = {page, page_size, page_size, 0, 0, 0, store->own_records, has_key, created_before, after_id,
	                    NUMBERING_OK};
	unsigned read_slot = numbering__rwlock_rdlock(&store->lock);
	/* A prefix no number can start with (longer than any) matches nothing. */
	for (;;) {
		rc = digits[0] != '\0' && query.interval_count == 0 ? NUMBERING_OK
		                                                    : numbering__backend_list(store, &query, collect_one, &c);
		if (rc == NUMBERING__VISIT_STOP)
			rc = NUMBERING_OK;
		if (rc == NUMBERING_OK)
			rc = c.rc;
		/* The limit ended the walk inside the ties (the token's or the page's last):
		 * again with room for more. Never with distinct create times. */
		if (rc != NUMBERING_OK || c.past || c.visited < query.limit || query.limit > INT32_MAX / 2)
			break;
		query.limit *= 2;
		page_empty(page);
		c.more = c.visited = 0;
	}
	numbering__rwlock_rdunlock(&store->lock, read_slot);
	if (rc != NUMBERING_OK) {
		numbering_list_page_free(page);
		return rc;
	}
	sort_ties(page->items, page->count);
	/* Only a page that ends inside a tie needs the id: any other token is the time
	 * alone (version 1), as before, byte for byte. */
	int tied = page->count > page_size;
	if (tied)
		page->count = page_size; /* the ties past it stay in the blocks, freed with the page */
	if (c.more) {
		const numbering_instance *last = page->items[page_size - 1];
		numbering__token_make_keyed(page->next_token, store, digest, last->create_time,
		                            tied ? numbering__page_id_of(numbering_instance_name(last)) : NULL);
	}
	for (int i = 0; i < page->count; i++)
		numbering__instance_for_caller(store, page->items[i]);
	*out = page;
	return NUMBERING_OK;
}
