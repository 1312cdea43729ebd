/*
 * The change journal (numbering/changes.h, docs/CHANGES-JOURNAL.md): the changes each
 * transaction notes, the CHANGE record its commit puts, the trimming to the window,
 * and ListChanges.
 */
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "model/kinds.h"
#include "numbering/changes.h"
#include "service/backend-call.h"
#include "service/service.h"

_Static_assert(NUMBERING_CHANGES_LISTED_MAX == NUMBERING__CHANGES_LISTED_MAX, "one limit");
_Static_assert(NUMBERING_CHANGES_WINDOW_DEFAULT == NUMBERING__CHANGES_WINDOW_DEFAULT, "one default");

/* The most CHANGE records one commit trims: one keeps a steady window; the second
 * shrinks a journal whose window was made smaller, a commit at a time. */
#define TRIMS_PER_COMMIT 2

static void mark_overflow(struct numbering__journal *j, int kind)
{
	j->overflow[kind >> 6] |= UINT64_C(1) << (kind & 63);
	j->overflowed = 1;
}

void numbering__journal_note(numbering_store *store, int kind, const char *name, int change)
{
	struct numbering__journal *j = &store->journal;
	if (!numbering__change_journaled(kind))
		return;
	if (j->migrating && change == NUMBERING__CHANGE_CREATED)
		change = NUMBERING__CHANGE_UPDATED;
	size_t len = strlen(name);
	/* The same record written again: one entry, created staying created unless deleted. */
	for (size_t i = 0; i < j->count; i++) {
		struct numbering__journal_entry *e = &j->entries[i];
		if (e->kind == kind && e->len == len && memcmp(j->names.ptr + e->off, name, len) == 0) {
			if (!(e->change == NUMBERING__CHANGE_CREATED && change == NUMBERING__CHANGE_UPDATED))
				e->change = (uint8_t)change;
			return;
		}
	}
	if (j->count == NUMBERING__CHANGES_LISTED_MAX || len > NUMBERING_RECORD_NAME_MAX) {
		mark_overflow(j, kind);
		return;
	}
	if (numbering__buf_reserve(&j->names, len) != NUMBERING_OK) {
		/* Out of memory: the change is still told, as a reload of its kind. */
		numbering_error_clear();
		mark_overflow(j, kind);
		return;
	}
	struct numbering__journal_entry *e = &j->entries[j->count++];
	e->kind = (uint8_t)kind;
	e->change = (uint8_t)change;
	e->len = (uint32_t)len;
	e->off = j->names.len;
	memcpy(j->names.ptr + j->names.len, name, len);
	j->names.len += len;
}

void numbering__journal_reset(numbering_store *store)
{
	struct numbering__journal *j = &store->journal;
	j->count = 0;
	j->names.len = 0;
	if (j->overflowed) {
		memset(j->overflow, 0, sizeof(j->overflow));
		j->overflowed = 0;
	}
	j->pending_last = j->last;
	j->pending_horizon = j->horizon;
}

static int remove_trimmed(numbering_store *store, int64_t sequence)
{
	char name[NUMBERING__CHANGE_NAME_SIZE];
	numbering__change_record_name(name, sequence);
	int rc = numbering__backend_remove_record(store, NUMBERING__KIND_CHANGE, name);
	if (rc == NUMBERING_NOT_FOUND) {
		/* Already gone (another writer of the store trimmed it). */
		numbering_error_clear();
		rc = NUMBERING_OK;
	}
	return rc;
}

int numbering__journal_write(numbering_store *store)
{
	struct numbering__journal *j = &store->journal;
	if (j->count == 0 && !j->overflowed)
		return NUMBERING_OK;
	if (j->last == INT64_MAX)
		return numbering__error_set(NUMBERING_OUT_OF_RANGE,
		                            "the change journal's sequence is exhausted: every sequence to %lld was handed out",
		                            (long long)INT64_MAX);
	int64_t sequence = j->last + 1;
	size_t count = j->count;
	if (j->overflowed)
		for (int k = 1; k <= NUMBERING_RECORD_KIND_MAX; k++)
			count += (j->overflow[k >> 6] >> (k & 63)) & 1;
	j->body.len = 0;
	/* The store's time: the one this commit handed out (a create, delete, activation,
	 * purchase ...), or the latest before it. Not a clock reading: a commit reads the
	 * clock only when an operation asks for a time. */
	int rc = numbering__change_body_begin(&j->body, store->last_time, count);
	for (size_t i = 0; rc == NUMBERING_OK && i < j->count; i++) {
		const struct numbering__journal_entry *e = &j->entries[i];
		rc = numbering__change_body_entry(&j->body, e->kind, e->change, (const char *)j->names.ptr + e->off, e->len);
	}
	for (int k = 1; rc == NUMBERING_OK && j->overflowed && k <= NUMBERING_RECORD_KIND_MAX; k++)
		if ((j->overflow[k >> 6] >> (k & 63)) & 1)
			rc = numbering__change_body_entry(&j->body, k, NUMBERING__CHANGE_RELOAD, "", 0);
	numbering_record record;
	char name[NUMBERING__CHANGE_NAME_SIZE];
	if (rc == NUMBERING_OK) {
		numbering__change_record(&record, name, sequence, &j->body);
		rc = numbering__backend_put_record(store, &record);
	}
	/* The journal keeps the window's latest commits: trims the oldest beyond it. */
	int64_t horizon = j->horizon > j->last ? sequence : j->horizon;
	for (int n = 0; rc == NUMBERING_OK && n < TRIMS_PER_COMMIT && horizon <= sequence - j->window; n++)
		if ((rc = remove_trimmed(store, horizon)) == NUMBERING_OK)
			horizon++;
	if (rc == NUMBERING_OK) {
		j->pending_last = sequence;
		j->pending_horizon = horizon;
	}
	return rc;
}

void numbering__journal_committed(numbering_store *store)
{
	struct numbering__journal *j = &store->journal;
	j->last = j->pending_last;
	j->horizon = j->pending_horizon;
	numbering__journal_reset(store);
}

void numbering__journal_free(numbering_store *store)
{
	numbering__buf_free(&store->journal.names);
	numbering__buf_free(&store->journal.body);
}

/* ---- Reading the journal ---- */

/* The sequence of the first CHANGE record in @order (0: none); DATA_LOSS for a damaged one. */
struct end_visit {
	int64_t sequence;
	int rc;
};

static int end_visit(const numbering_record *record, void *payload)
{
	struct end_visit *v = payload;
	int64_t time = 0;
	size_t count = 0;
	v->rc = numbering__change_record_read(record, &v->sequence, &time, &count, NULL, NULL);
	return v->rc != NUMBERING_OK ? v->rc : NUMBERING__VISIT_STOP;
}

static int journal_end(numbering_store *store, int order, int64_t *sequence)
{
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = NUMBERING__KIND_CHANGE;
	q.parent = "";
	q.order = order;
	q.limit = 1;
	struct end_visit v = {0, NUMBERING_OK};
	int rc = numbering__backend_list(store, &q, end_visit, &v);
	if (rc == NUMBERING_OK)
		rc = v.rc;
	*sequence = v.sequence;
	return rc;
}

/* The last and oldest sequences the records hold (0 and 1 for an empty journal). */
static int journal_ends(numbering_store *store, int64_t *last, int64_t *horizon)
{
	int64_t oldest = 0;
	int rc = journal_end(store, NUMBERING_RECORD_ORDER_DESCENDING, last);
	if (rc == NUMBERING_OK)
		rc = journal_end(store, NUMBERING_RECORD_ORDER_ASCENDING, &oldest);
	*horizon = oldest > 0 ? oldest : *last + 1;
	return rc;
}

int numbering__journal_load(numbering_store *store)
{
	struct numbering__journal *j = &store->journal;
	int rc = journal_ends(store, &j->last, &j->horizon);
	numbering__journal_reset(store);
	return rc;
}

struct change_item {
	int64_t sequence;
	int64_t time;
	const char *kind;
	const char *change;
	size_t name_off; /* in the page's names, until the page is handed out */
	const char *name;
};

struct numbering_change_page {
	int count;
	int64_t next_sequence;
	int64_t last_sequence;
	int64_t horizon;
	struct change_item *items;
	char *names;
};

struct page_visit {
	numbering_change_page *page;
	int cap;       /* the changes wanted */
	int64_t time;  /* of the record being read */
	int64_t sequence;
	struct numbering__buf names;
	int rc;
};

static int add_entry(const struct numbering__change_entry *e, void *payload)
{
	struct page_visit *v = payload;
	numbering_change_page *page = v->page;
	if (numbering__buf_reserve(&v->names, e->name_len + 1) != NUMBERING_OK)
		return NUMBERING_RESOURCE_EXHAUSTED; /* error set */
	struct change_item *item = &page->items[page->count++];
	item->sequence = v->sequence;
	item->time = v->time;
	item->kind = numbering_record_kind_name(e->kind);
	item->change = numbering__change_name(e->change);
	item->name_off = v->names.len;
	memcpy(v->names.ptr + v->names.len, e->name, e->name_len);
	v->names.len += e->name_len;
	v->names.ptr[v->names.len++] = '\0';
	return 0;
}

static int page_visit(const numbering_record *record, void *payload)
{
	struct page_visit *v = payload;
	numbering_change_page *page = v->page;
	int64_t sequence = 0;
	size_t count = 0;
	/* Checked whole first (count), then read into the page if the commit fits. */
	v->rc = numbering__change_record_read(record, &sequence, &v->time, &count, NULL, NULL);
	if (v->rc != NUMBERING_OK)
		return v->rc;
	if (page->count > 0 && (size_t)page->count + count > (size_t)v->cap)
		return NUMBERING__VISIT_STOP;
	struct change_item *items = numbering__realloc(page->items, ((size_t)page->count + count) * sizeof(*items));
	if (items == NULL)
		return v->rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory reading the change journal");
	page->items = items;
	v->sequence = sequence;
	v->rc = numbering__change_record_read(record, &sequence, &v->time, &count, add_entry, v);
	if (v->rc != NUMBERING_OK)
		return v->rc;
	page->next_sequence = sequence;
	return (size_t)page->count >= (size_t)v->cap ? NUMBERING__VISIT_STOP : 0;
}

static int list_locked(numbering_change_page *page, numbering_store *store, int64_t after, int page_size)
{
	int rc = journal_ends(store, &page->last_sequence, &page->horizon);
	if (rc != NUMBERING_OK)
		return rc;
	if (after < page->horizon - 1)
		return numbering__error_field(NUMBERING_FAILED_PRECONDITION, "afterSequence",
		                              "afterSequence %lld is before the change journal's horizon %lld (the oldest "
		                              "change it keeps; the changes after %lld up to it were trimmed): reload what "
		                              "you cache and follow from the last sequence %lld",
		                              (long long)after, (long long)page->horizon, (long long)after,
		                              (long long)page->last_sequence);
	if (after > page->last_sequence)
		return numbering__error_field(NUMBERING_FAILED_PRECONDITION, "afterSequence",
		                              "afterSequence %lld is after the store's last sequence %lld: this is not the "
		                              "store you followed, or it was restored from an older copy; reload what you "
		                              "cache and follow from %lld",
		                              (long long)after, (long long)page->last_sequence,
		                              (long long)page->last_sequence);
	page->next_sequence = after;
	if (after == page->last_sequence)
		return NUMBERING_OK;
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = NUMBERING__KIND_CHANGE;
	q.parent = "";
	q.order = NUMBERING_RECORD_ORDER_ASCENDING;
	q.has_after = 1;
	q.after = after;
	q.limit = page_size; /* every commit has a change at least */
	struct page_visit v;
	memset(&v, 0, sizeof(v));
	v.page = page;
	v.cap = page_size;
	rc = numbering__backend_list(store, &q, page_visit, &v);
	if (rc == NUMBERING_OK)
		rc = v.rc;
	if (rc == NUMBERING_OK) {
		page->names = (char *)v.names.ptr;
		v.names.ptr = NULL;
		for (int i = 0; i < page->count; i++)
			page->items[i].name = page->names + page->items[i].name_off;
	}
	numbering__buf_free(&v.names);
	return rc;
}

int numbering_store_list_changes(numbering_change_page **out, numbering_store *store, const char *caller,
                                 int64_t after_sequence, int page_size)
{
	if (out == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "out", "numbering_store_list_changes: out is NULL");
	*out = NULL;
	if (store == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "store", "numbering_store_list_changes: store is NULL");
	int rc = numbering__authorize(store, caller, NUMBERING__PERM_CHANGES_LIST, "*");
	if (rc != NUMBERING_OK)
		return rc;
	if (after_sequence < 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "afterSequence",
		                              "afterSequence %lld is negative: 0 lists from the start", (long long)after_sequence);
	if (page_size < 0 || page_size > NUMBERING_CHANGES_PAGE_MAX)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "pageSize", "pageSize %d is not 0 (%d) .. %d",
		                              page_size, NUMBERING_CHANGES_PAGE_DEFAULT, NUMBERING_CHANGES_PAGE_MAX);
	if (page_size == 0)
		page_size = NUMBERING_CHANGES_PAGE_DEFAULT;
	numbering_change_page *page = numbering__calloc(1, sizeof(*page));
	if (page == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory reading the change journal");
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	rc = list_locked(page, store, after_sequence, page_size);
	numbering__rwlock_rdunlock(&store->lock, slot);
	if (rc != NUMBERING_OK) {
		numbering_change_page_free(page);
		return rc;
	}
	*out = page;
	return NUMBERING_OK;
}

static const struct change_item *item_at(const numbering_change_page *page, int i)
{
	return page != NULL && i >= 0 && i < page->count ? &page->items[i] : NULL;
}

int numbering_change_page_count(const numbering_change_page *page)
{
	return page ? page->count : 0;
}

int64_t numbering_change_page_sequence(const numbering_change_page *page, int i)
{
	const struct change_item *item = item_at(page, i);
	return item ? item->sequence : 0;
}

int64_t numbering_change_page_time(const numbering_change_page *page, int i)
{
	const struct change_item *item = item_at(page, i);
	return item ? item->time : 0;
}

const char *numbering_change_page_kind(const numbering_change_page *page, int i)
{
	const struct change_item *item = item_at(page, i);
	return item ? item->kind : NULL;
}

const char *numbering_change_page_name(const numbering_change_page *page, int i)
{
	const struct change_item *item = item_at(page, i);
	return item ? item->name : NULL;
}

const char *numbering_change_page_change(const numbering_change_page *page, int i)
{
	const struct change_item *item = item_at(page, i);
	return item ? item->change : NULL;
}

int64_t numbering_change_page_next_sequence(const numbering_change_page *page)
{
	return page ? page->next_sequence : 0;
}

int64_t numbering_change_page_last_sequence(const numbering_change_page *page)
{
	return page ? page->last_sequence : 0;
}

int64_t numbering_change_page_horizon(const numbering_change_page *page)
{
	return page ? page->horizon : 0;
}

void numbering_change_page_free(numbering_change_page *page)
{
	if (page == NULL)
		return;
	numbering__free_mem(page->items);
	numbering__free_mem(page->names);
	numbering__free_mem(page);
}
