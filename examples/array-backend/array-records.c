/*
 * array-records: the smallest complete record-store backend (numbering/sys/record.h), a
 * template for backend authors (docs/BACKENDS.md). Records are kept in a plain array and
 * every query is a scan and a sort: correct, not fast. It knows no resource and no rule.
 *
 * Records are immutable and reference-counted. begin() copies the committed array of
 * pointers; put() and remove() change only that copy, which the transaction's reads see;
 * commit() makes it the committed array, rollback() drops it. Handles opened with
 * array_records_open_second() share the committed array: a mutex lets one transaction at
 * a time run, a read-write lock guards the committed array from a commit under readers.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* pthread_rwlock_t under -std=c11 */
#endif
#include "array-records.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct item {
	numbering_record r; /* its pointers into copies this item owns */
	int refs;
};

struct table {
	struct item **items;
	size_t count, cap;
};

struct shared {
	pthread_mutex_t writer; /* held from begin() to commit() or rollback() */
	pthread_rwlock_t lock;  /* guards committed */
	struct table committed;
	int handles;
};

struct array_records {
	numbering_backend base; /* first: a numbering_backend * is one of these */
	struct shared *s;
	struct table work;
	int in_transaction;
};

static struct array_records *self(numbering_backend *b)
{
	return (struct array_records *)b;
}

static void item_release(struct item *it)
{
	if (it == NULL || --it->refs > 0)
		return;
	free((void *)it->r.name);
	free((void *)it->r.parent);
	for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS; i++)
		free((void *)it->r.keys[i]);
	free((void *)it->r.body);
	free(it);
}

/* A copy of @len bytes at @p (NULL for NULL); sets *failed when out of memory. */
static void *copy(const void *p, size_t len, int *failed)
{
	void *c = p != NULL ? malloc(len ? len : 1) : NULL;
	if (p != NULL && c == NULL)
		*failed = 1;
	return c != NULL && len > 0 ? memcpy(c, p, len) : c;
}

static struct item *item_new(const numbering_record *r)
{
	struct item *it = calloc(1, sizeof(*it));
	if (it == NULL)
		return NULL;
	int failed = 0;
	it->refs = 1;
	it->r = *r;
	it->r.version = NUMBERING_RECORD_VERSION;
	it->r.name = copy(r->name, strlen(r->name) + 1, &failed);
	it->r.parent = r->parent ? copy(r->parent, strlen(r->parent) + 1, &failed) : copy("", 1, &failed);
	for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS; i++)
		it->r.keys[i] = r->keys[i] ? copy(r->keys[i], strlen(r->keys[i]) + 1, &failed) : NULL;
	it->r.body = r->body_len > 0 ? copy(r->body, r->body_len, &failed) : NULL;
	if (failed) {
		item_release(it);
		return NULL;
	}
	return it;
}

static void table_release(struct table *t)
{
	for (size_t i = 0; i < t->count; i++)
		item_release(t->items[i]);
	free(t->items);
	memset(t, 0, sizeof(*t));
}

static int table_copy(struct table *to, const struct table *from)
{
	to->items = malloc((from->count + 1) * sizeof(*to->items));
	if (to->items == NULL)
		return NUMBERING_RESOURCE_EXHAUSTED;
	for (size_t i = 0; i < from->count; i++)
		(to->items[i] = from->items[i])->refs++;
	to->count = from->count;
	to->cap = from->count + 1;
	return NUMBERING_OK;
}

static long table_index(const struct table *t, int kind, const char *name)
{
	for (size_t i = 0; i < t->count; i++)
		if (t->items[i]->r.kind == kind && strcmp(t->items[i]->r.name, name) == 0)
			return (long)i;
	return -1;
}

static int overlaps(const numbering_record *r, int digits, uint64_t first, uint64_t last)
{
	return r->digits != 0 && r->digits == digits && r->first <= last && r->last >= first;
}

/* Reads see the transaction's table, or the committed one under the read lock. */
static const struct table *read_begin(struct array_records *a)
{
	if (a->in_transaction)
		return &a->work;
	pthread_rwlock_rdlock(&a->s->lock);
	return &a->s->committed;
}

static void read_end(struct array_records *a)
{
	if (!a->in_transaction)
		pthread_rwlock_unlock(&a->s->lock);
}

static int ar_begin(numbering_backend *b)
{
	struct array_records *a = self(b);
	if (a->in_transaction)
		return NUMBERING_FAILED_PRECONDITION;
	pthread_mutex_lock(&a->s->writer); /* the committed table changes only under it */
	int rc = table_copy(&a->work, &a->s->committed);
	if (rc != NUMBERING_OK)
		pthread_mutex_unlock(&a->s->writer);
	a->in_transaction = rc == NUMBERING_OK;
	return rc;
}

/* Commit: the transaction's table becomes the committed one (the old one is released). */
static int end_transaction(numbering_backend *b, int commit)
{
	struct array_records *a = self(b);
	if (!a->in_transaction)
		return NUMBERING_FAILED_PRECONDITION;
	if (commit) {
		pthread_rwlock_wrlock(&a->s->lock);
		struct table old = a->s->committed;
		a->s->committed = a->work;
		a->work = old;
		pthread_rwlock_unlock(&a->s->lock);
	}
	table_release(&a->work);
	a->in_transaction = 0;
	pthread_mutex_unlock(&a->s->writer);
	return NUMBERING_OK;
}

static int ar_commit(numbering_backend *b)
{
	return end_transaction(b, 1);
}

static int ar_rollback(numbering_backend *b)
{
	return end_transaction(b, 0);
}

static int ar_put(numbering_backend *b, const numbering_record *record)
{
	struct array_records *a = self(b);
	if (!a->in_transaction)
		return NUMBERING_FAILED_PRECONDITION;
	struct table *t = &a->work;
	long at = table_index(t, record->kind, record->name);
	/* One owner per number: any other NUMBERS record, of any kind, overlapping. */
	if (record->flags & NUMBERING_RECORD_NUMBERS)
		for (size_t i = 0; i < t->count; i++)
			if ((long)i != at && (t->items[i]->r.flags & NUMBERING_RECORD_NUMBERS) &&
			    overlaps(&t->items[i]->r, record->digits, record->first, record->last))
				return NUMBERING_ALREADY_EXISTS;
	if (at < 0 && t->count == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;
		struct item **items = realloc(t->items, cap * sizeof(*items));
		if (items == NULL)
			return NUMBERING_RESOURCE_EXHAUSTED;
		t->items = items;
		t->cap = cap;
	}
	struct item *it = item_new(record);
	if (it == NULL)
		return NUMBERING_RESOURCE_EXHAUSTED;
	if (at >= 0)
		item_release(t->items[at]);
	else
		at = (long)t->count++;
	t->items[at] = it;
	return NUMBERING_OK;
}

static int ar_remove(numbering_backend *b, int kind, const char *name)
{
	struct array_records *a = self(b);
	if (!a->in_transaction)
		return NUMBERING_FAILED_PRECONDITION;
	long at = table_index(&a->work, kind, name);
	if (at < 0)
		return NUMBERING_NOT_FOUND;
	item_release(a->work.items[at]);
	a->work.items[at] = a->work.items[--a->work.count];
	return NUMBERING_OK;
}

static int ar_get(numbering_backend *b, int kind, const char *name, numbering_record_visit_cb visit,
                  void *payload)
{
	struct array_records *a = self(b);
	const struct table *t = read_begin(a);
	long at = table_index(t, kind, name);
	int rc = at < 0 ? NUMBERING_NOT_FOUND : visit(&t->items[at]->r, payload);
	read_end(a);
	return rc;
}

/* Orders for qsort. */
static int by_first(const void *x, const void *y)
{
	const numbering_record *a = *(const numbering_record *const *)x, *b = *(const numbering_record *const *)y;
	return a->first < b->first ? -1 : a->first > b->first;
}

static int by_key_ascending(const void *x, const void *y)
{
	const numbering_record *a = *(const numbering_record *const *)x, *b = *(const numbering_record *const *)y;
	return a->sort_key < b->sort_key ? -1 : a->sort_key > b->sort_key;
}

static int by_key_descending(const void *x, const void *y)
{
	return by_key_ascending(y, x);
}

static int by_expiry(const void *x, const void *y)
{
	const numbering_record *a = *(const numbering_record *const *)x, *b = *(const numbering_record *const *)y;
	if (a->expires != b->expires)
		return a->expires < b->expires ? -1 : 1;
	return strcmp(a->name, b->name); /* byte order */
}

/* Visits the records @match accepts, sorted by @order, at most @limit (0: all); @none when none. */
static int scan(struct array_records *a, int (*match)(const numbering_record *, const void *), const void *arg,
                int (*order)(const void *, const void *), int limit, int none, numbering_record_visit_cb visit,
                void *payload)
{
	const struct table *t = read_begin(a);
	const numbering_record **v = malloc((t->count + 1) * sizeof(*v));
	size_t n = 0;
	int rc = NUMBERING_RESOURCE_EXHAUSTED;
	if (v != NULL) {
		for (size_t i = 0; i < t->count; i++)
			if (match(&t->items[i]->r, arg))
				v[n++] = &t->items[i]->r;
		qsort(v, n, sizeof(*v), order);
		rc = n == 0 ? none : NUMBERING_OK;
		for (size_t i = 0; i < n && (limit == 0 || i < (size_t)limit) && rc == NUMBERING_OK; i++)
			rc = visit(v[i], payload);
	}
	read_end(a);
	free(v);
	return rc;
}

static int holds(const numbering_record *r, const void *arg)
{
	const numbering_record_interval *numbers = arg;
	return (r->flags & NUMBERING_RECORD_NUMBERS) && overlaps(r, numbers->digits, numbers->first, numbers->last);
}

static int ar_find(numbering_backend *b, int digits, uint64_t first, uint64_t last,
                   numbering_record_visit_cb visit, void *payload)
{
	numbering_record_interval numbers = {digits, first, last};
	return scan(self(b), holds, &numbers, by_first, 0, NUMBERING_NOT_FOUND, visit, payload);
}

static int matches(const numbering_record *r, const void *arg)
{
	const numbering_record_query *q = arg;
	if (r->kind != q->kind || (q->parent != NULL && strcmp(r->parent, q->parent) != 0) ||
	    (q->listed_only && !(r->flags & NUMBERING_RECORD_LISTED)))
		return 0;
	if (q->order == NUMBERING_RECORD_ORDER_EXPIRY) {
		if (r->expires == 0 || (q->expires_until != 0 && r->expires > q->expires_until) ||
		    (q->has_after && r->expires <= q->after))
			return 0;
	} else if (q->has_after && (q->order == NUMBERING_RECORD_ORDER_DESCENDING ? r->sort_key >= q->after
	                                                                          : r->sort_key <= q->after)) {
		return 0;
	}
	size_t i = 0;
	while (i < q->interval_count && !overlaps(r, q->intervals[i].digits, q->intervals[i].first, q->intervals[i].last))
		i++;
	if (q->interval_count > 0 && i == q->interval_count)
		return 0;
	for (int k = 0; k < NUMBERING_RECORD_KEY_SLOTS; k++)
		if (q->keys[k] != NULL && (r->keys[k] == NULL || strcmp(r->keys[k], q->keys[k]) != 0))
			return 0;
	return 1;
}

static int ar_list(numbering_backend *b, const numbering_record_query *query, numbering_record_visit_cb visit,
                   void *payload)
{
	return scan(self(b), matches, query,
	            query->order == NUMBERING_RECORD_ORDER_EXPIRY      ? by_expiry
	            : query->order == NUMBERING_RECORD_ORDER_ASCENDING ? by_key_ascending
	                                                               : by_key_descending,
	            query->limit, NUMBERING_OK, visit, payload);
}

static void ar_free(numbering_backend *b)
{
	struct array_records *a = self(b);
	if (a->in_transaction)
		ar_rollback(b);
	if (--a->s->handles == 0) {
		table_release(&a->s->committed);
		pthread_mutex_destroy(&a->s->writer);
		pthread_rwlock_destroy(&a->s->lock);
		free(a->s);
	}
	free(a);
}

static int open_handle(numbering_backend **out, struct shared *s)
{
	struct array_records *a = calloc(1, sizeof(*a));
	if (a == NULL)
		return NUMBERING_RESOURCE_EXHAUSTED;
	/* The version compiled against, and every function but the optional control. */
	a->base = (numbering_backend){.version = NUMBERING_BACKEND_VERSION, .begin = ar_begin,
	                                     .commit = ar_commit, .rollback = ar_rollback, .put = ar_put,
	                                     .remove = ar_remove, .get = ar_get, .find = ar_find, .list = ar_list,
	                                     .free = ar_free};
	a->s = s;
	s->handles++; /* handles are opened from one thread */
	*out = &a->base;
	return NUMBERING_OK;
}

int array_records_new(numbering_backend **out)
{
	if (out == NULL)
		return NUMBERING_INVALID_ARGUMENT;
	struct shared *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NUMBERING_RESOURCE_EXHAUSTED;
	pthread_mutex_init(&s->writer, NULL);
	pthread_rwlock_init(&s->lock, NULL);
	int rc = open_handle(out, s);
	if (rc != NUMBERING_OK)
		free(s);
	return rc;
}

int array_records_open_second(numbering_backend **out, numbering_backend *first)
{
	return out == NULL || first == NULL ? NUMBERING_INVALID_ARGUMENT : open_handle(out, self(first)->s);
}

int array_records_check(numbering_backend *b)
{
	struct array_records *a = self(b);
	const struct table *t = read_begin(a);
	int rc = NUMBERING_OK;
	for (size_t i = 0; i < t->count; i++)
		for (size_t j = i + 1; j < t->count; j++) {
			const numbering_record *x = &t->items[i]->r, *y = &t->items[j]->r;
			if ((x->kind == y->kind && strcmp(x->name, y->name) == 0) ||
			    ((x->flags & y->flags & NUMBERING_RECORD_NUMBERS) && overlaps(x, y->digits, y->first, y->last)))
				rc = NUMBERING_INTERNAL;
		}
	read_end(a);
	return rc;
}
