/*
 * array-backend: the smallest complete storage backend, as a template for backend
 * authors (docs/BACKENDS.md). Records are kept in a plain array and every look-up is a
 * linear scan: correct, not fast. It uses only the public headers: an instance is
 * stored as the bytes of numbering_instance_encode() next to the few fields the
 * queries need, read back with numbering_instance_decode().
 *
 * Transactions: begin() copies the committed table into a working table that every
 * call then reads and writes (a transaction reads its own writes); commit() swaps
 * the working table in, rollback() drops it. The store guarantees that writes come one
 * at a time between begin() and commit()/rollback(), and that no read runs during a
 * write transaction, so this backend needs no lock of its own.
 */
#include "array-backend.h"

#include <stdlib.h>
#include <string.h>

struct record {
	char *name;
	char project[256];
	uint64_t first, last; /* the numbers held, as digits with the calling code */
	int digits;
	int64_t create_time;
	int state;
	uint8_t *bytes; /* numbering_instance_encode() */
	size_t len;
};

struct meta {
	char *key;
	uint8_t *value;
	size_t len;
};

struct table {
	struct record *records;
	size_t count;
	struct meta *metas;
	size_t meta_count;
};

struct array_backend {
	numbering_backend base; /* first, so a numbering_backend * is an array_backend * */
	struct table committed, work;
	int in_transaction;
	struct array_backend_calls calls;
};

static struct array_backend *self(numbering_backend *b)
{
	return (struct array_backend *)b;
}

/* What reads see: the transaction's own writes while one is open. */
static struct table *current(struct array_backend *a)
{
	return a->in_transaction ? &a->work : &a->committed;
}

static void *dup_bytes(const void *p, size_t len)
{
	void *copy = malloc(len ? len : 1);
	if (copy != NULL && len > 0)
		memcpy(copy, p, len);
	return copy;
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->count; i++) {
		free(t->records[i].name);
		free(t->records[i].bytes);
	}
	for (size_t i = 0; i < t->meta_count; i++) {
		free(t->metas[i].key);
		free(t->metas[i].value);
	}
	free(t->records);
	free(t->metas);
	memset(t, 0, sizeof(*t));
}

static int table_copy(struct table *to, const struct table *from)
{
	memset(to, 0, sizeof(*to));
	to->records = calloc(from->count + 1, sizeof(*to->records));
	to->metas = calloc(from->meta_count + 1, sizeof(*to->metas));
	if (to->records == NULL || to->metas == NULL)
		goto fail;
	for (; to->count < from->count; to->count++) {
		struct record *r = &to->records[to->count];
		*r = from->records[to->count];
		r->name = dup_bytes(r->name, strlen(r->name) + 1);
		r->bytes = dup_bytes(r->bytes, r->len);
		if (r->name == NULL || r->bytes == NULL) {
			to->count++;
			goto fail;
		}
	}
	for (; to->meta_count < from->meta_count; to->meta_count++) {
		struct meta *m = &to->metas[to->meta_count];
		*m = from->metas[to->meta_count];
		m->key = dup_bytes(m->key, strlen(m->key) + 1);
		m->value = dup_bytes(m->value, m->len);
		if (m->key == NULL || m->value == NULL) {
			to->meta_count++;
			goto fail;
		}
	}
	return NUMBERING_OK;
fail:
	table_free(to);
	return numbering_error_set(NUMBERING_RESOURCE_EXHAUSTED, NULL, "array backend: out of memory copying the table");
}

static struct record *by_name(struct table *t, const char *name)
{
	for (size_t i = 0; i < t->count; i++)
		if (strcmp(t->records[i].name, name) == 0)
			return &t->records[i];
	return NULL;
}

/* ---- transactions ---- */

static int array_begin(numbering_backend *b)
{
	struct array_backend *a = self(b);
	a->calls.begin++;
	if (a->in_transaction)
		return numbering_error_set(NUMBERING_FAILED_PRECONDITION, NULL, "array backend: a transaction is already open");
	int rc = table_copy(&a->work, &a->committed);
	if (rc == NUMBERING_OK)
		a->in_transaction = 1;
	return rc;
}

static int array_commit(numbering_backend *b)
{
	struct array_backend *a = self(b);
	a->calls.commit++;
	if (!a->in_transaction)
		return numbering_error_set(NUMBERING_FAILED_PRECONDITION, NULL, "array backend: no transaction is open");
	table_free(&a->committed);
	a->committed = a->work; /* a durable backend would write and sync here, and fail before the swap */
	memset(&a->work, 0, sizeof(a->work));
	a->in_transaction = 0;
	return NUMBERING_OK;
}

static int array_rollback(numbering_backend *b)
{
	struct array_backend *a = self(b);
	a->calls.rollback++;
	table_free(&a->work);
	a->in_transaction = 0;
	return NUMBERING_OK;
}

/* ---- records ---- */

static int array_get(numbering_instance *out, numbering_backend *b, const char *name)
{
	struct array_backend *a = self(b);
	a->calls.get++;
	struct record *r = by_name(current(a), name);
	return r == NULL ? NUMBERING_NOT_FOUND : numbering_instance_decode(out, r->bytes, r->len);
}

static int array_put(numbering_backend *b, const numbering_instance *instance)
{
	struct array_backend *a = self(b);
	a->calls.put++;
	if (!a->in_transaction)
		return numbering_error_set(NUMBERING_FAILED_PRECONDITION, NULL, "array backend: no transaction is open");
	struct record fresh = {0};
	int rc = numbering_instance_project(fresh.project, sizeof(fresh.project), instance);
	if (rc == NUMBERING_OK)
		rc = numbering_instance_numbers(&fresh.first, &fresh.last, &fresh.digits, instance);
	if (rc == NUMBERING_OK)
		rc = numbering_instance_encode(&fresh.bytes, &fresh.len, instance);
	if (rc != NUMBERING_OK)
		return rc;
	/* The encoding is the library's allocation; keep our own copy so one free() fits all. */
	uint8_t *bytes = dup_bytes(fresh.bytes, fresh.len);
	numbering_free(fresh.bytes);
	fresh.bytes = bytes;
	const char *name = numbering_instance_name(instance);
	fresh.name = dup_bytes(name, strlen(name) + 1);
	fresh.create_time = numbering_instance_create_time(instance);
	fresh.state = numbering_instance_lifecycle_state(instance);
	struct table *t = &a->work;
	struct record *old = by_name(t, name);
	if (fresh.name == NULL || fresh.bytes == NULL)
		goto oom;
	if (old != NULL) {
		free(old->name);
		free(old->bytes);
		*old = fresh;
		return NUMBERING_OK;
	}
	struct record *grown = realloc(t->records, (t->count + 1) * sizeof(*grown));
	if (grown == NULL)
		goto oom;
	t->records = grown;
	t->records[t->count++] = fresh;
	return NUMBERING_OK;
oom:
	free(fresh.name);
	free(fresh.bytes);
	return NUMBERING_RESOURCE_EXHAUSTED;
}

static int array_remove(numbering_backend *b, const char *name)
{
	struct array_backend *a = self(b);
	a->calls.remove++;
	if (!a->in_transaction)
		return numbering_error_set(NUMBERING_FAILED_PRECONDITION, NULL, "array backend: no transaction is open");
	struct table *t = &a->work;
	struct record *r = by_name(t, name);
	if (r == NULL)
		return NUMBERING_NOT_FOUND;
	free(r->name);
	free(r->bytes);
	*r = t->records[--t->count];
	return NUMBERING_OK;
}

/* ---- queries ---- */

static int array_find(numbering_instance *out, numbering_backend *b, uint64_t first, uint64_t last, int digits)
{
	struct array_backend *a = self(b);
	a->calls.find++;
	struct table *t = current(a);
	for (size_t i = 0; i < t->count; i++) {
		const struct record *r = &t->records[i];
		if (r->state != NUMBERING_LIFECYCLE_DELETED && r->digits == digits && r->first <= last && first <= r->last)
			return numbering_instance_decode(out, r->bytes, r->len);
	}
	return NUMBERING_NOT_FOUND;
}

/* Does any number first..last (of @digits digits) start with the digits @prefix? */
static int has_prefix(const struct record *r, const char *prefix)
{
	size_t k = strlen(prefix);
	if ((int)k > r->digits)
		return 0;
	uint64_t low = strtoull(prefix, NULL, 10), scale = 1;
	for (int i = (int)k; i < r->digits; i++)
		scale *= 10;
	low *= scale; /* the prefixed numbers are low .. low + scale - 1 */
	return r->first <= low + scale - 1 && low <= r->last;
}

static int newest_first(const void *x, const void *y)
{
	const struct record *a = *(const struct record *const *)x, *b = *(const struct record *const *)y;
	return a->create_time < b->create_time ? 1 : a->create_time > b->create_time ? -1 : 0;
}

static int array_list(numbering_backend *b, const numbering_backend_query *query, numbering_backend_visit_cb visit,
                      void *payload)
{
	struct array_backend *a = self(b);
	a->calls.list++;
	if (query == NULL || query->version < 1)
		return NUMBERING_INVALID_ARGUMENT;
	struct table *t = current(a);
	const struct record **matches = calloc(t->count + 1, sizeof(*matches));
	if (matches == NULL)
		return NUMBERING_RESOURCE_EXHAUSTED;
	size_t n = 0;
	for (size_t i = 0; i < t->count; i++) {
		const struct record *r = &t->records[i];
		if (strcmp(r->project, query->project) == 0 &&
		    (query->include_deleted || r->state != NUMBERING_LIFECYCLE_DELETED) &&
		    (query->created_before == 0 || r->create_time < query->created_before) &&
		    (query->prefix_digits == NULL || has_prefix(r, query->prefix_digits)))
			matches[n++] = r;
	}
	qsort(matches, n, sizeof(*matches), newest_first);
	numbering_instance *instance = NULL;
	int rc = numbering_instance_new(&instance);
	for (size_t i = 0; rc == NUMBERING_OK && i < n && (int)i < query->limit; i++) {
		rc = numbering_instance_decode(instance, matches[i]->bytes, matches[i]->len);
		if (rc == NUMBERING_OK && visit(instance, payload) != 0)
			break;
	}
	numbering_instance_free(instance);
	free(matches);
	return rc;
}

/* ---- metadata ---- */

static int array_meta_get(numbering_backend *b, const char *key, void *buf, size_t *len)
{
	struct array_backend *a = self(b);
	a->calls.meta_get++;
	struct table *t = current(a);
	for (size_t i = 0; i < t->meta_count; i++) {
		if (strcmp(t->metas[i].key, key) != 0)
			continue;
		size_t room = *len;
		*len = t->metas[i].len;
		if (room < t->metas[i].len)
			return NUMBERING_OUT_OF_RANGE;
		memcpy(buf, t->metas[i].value, t->metas[i].len);
		return NUMBERING_OK;
	}
	return NUMBERING_NOT_FOUND;
}

static int array_meta_put(numbering_backend *b, const char *key, const void *value, size_t len)
{
	struct array_backend *a = self(b);
	a->calls.meta_put++;
	if (!a->in_transaction)
		return numbering_error_set(NUMBERING_FAILED_PRECONDITION, NULL, "array backend: no transaction is open");
	struct table *t = &a->work;
	uint8_t *copy = dup_bytes(value, len);
	if (copy == NULL)
		return NUMBERING_RESOURCE_EXHAUSTED;
	for (size_t i = 0; i < t->meta_count; i++) {
		if (strcmp(t->metas[i].key, key) == 0) {
			free(t->metas[i].value);
			t->metas[i].value = copy;
			t->metas[i].len = len;
			return NUMBERING_OK;
		}
	}
	struct meta *grown = realloc(t->metas, (t->meta_count + 1) * sizeof(*grown));
	char *key_copy = dup_bytes(key, strlen(key) + 1);
	if (grown != NULL)
		t->metas = grown;
	if (grown == NULL || key_copy == NULL) {
		free(copy);
		free(key_copy);
		return NUMBERING_RESOURCE_EXHAUSTED;
	}
	t->metas[t->meta_count++] = (struct meta){key_copy, copy, len};
	return NUMBERING_OK;
}

static int array_control(numbering_backend *b, int op, void *arg)
{
	(void)b;
	(void)op;
	(void)arg;
	return NUMBERING_UNIMPLEMENTED;
}

static void array_free(numbering_backend *b)
{
	struct array_backend *a = self(b);
	table_free(&a->committed);
	table_free(&a->work);
	free(a);
}

int array_backend_new(numbering_backend **out)
{
	if (out == NULL)
		return NUMBERING_INVALID_ARGUMENT;
	struct array_backend *a = calloc(1, sizeof(*a));
	if (a == NULL) {
		*out = NULL;
		return NUMBERING_RESOURCE_EXHAUSTED;
	}
	a->base.version = NUMBERING_BACKEND_VERSION;
	a->base.begin = array_begin;
	a->base.commit = array_commit;
	a->base.rollback = array_rollback;
	a->base.get = array_get;
	a->base.put = array_put;
	a->base.remove = array_remove;
	a->base.find = array_find;
	a->base.list = array_list;
	a->base.meta_get = array_meta_get;
	a->base.meta_put = array_meta_put;
	a->base.control = array_control;
	a->base.free = array_free;
	*out = &a->base;
	return NUMBERING_OK;
}

const struct array_backend_calls *array_backend_calls(const numbering_backend *backend)
{
	return &((const struct array_backend *)backend)->calls;
}
