/*
 * The file backend's vtable, numbering_file_backend_new(): a record store
 * (numbering/sys/backend.h, numbering/sys/record.h).
 *
 * Format version 3 (docs/FILE-FORMAT.md): the same file, header, durable-length slots,
 * record framing, sync modes, group commit and compaction as version 2 (file.c,
 * file-log.c, file-compact.c); the operations of a transaction or snapshot chunk are
 *
 *   4 record put     u32 length, then numbering__record_encode() bytes (compact names)
 *   5 record remove  u32 length, then the kind (1 byte) and the name (1..4096 bytes)
 *
 * replayed into the memory record store (backends/memory/records.c), which serves every
 * read. A snapshot holds one put per record, in number order (digits, first, then sort
 * key; records without numbers last), and the header's instance count counts them.
 *
 * A store of format version 1 or 2 (instances and metadata) is read as records: an
 * instance put becomes its record (numbering__instance_to_record), a remove the
 * instance record's, and the metadata become META and REQUEST records:
 *
 *   "token-key"             META "token-key", the same 32 bytes
 *   "last-time"             META "last-time": the 8 bytes big-endian become little-endian
 *   "request:projects/p/ID" REQUEST "projects/p/requests/ID", parent "projects/p", the same
 *                           value bytes; sort key: the create time of the instance the
 *                           request made (from the response the value holds, or for the
 *                           oldest records, which hold a name, from that instance; if it
 *                           is gone, -1, -2, ... in the order met, unique and before any
 *                           time)
 *
 * A writable open upgrades such a store at once through the compaction path: the
 * records go to a new temporary file, synced, renamed over the store, the directory
 * synced. A crash at any point leaves the old file (and a temporary file the next
 * writable open deletes) or the new one; a failure leaves the old one and the open
 * fails. A read-only open reads it as it is.
 */
#define _DEFAULT_SOURCE

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "file-internal.h"
#include "model/instance-record.h"
#include "model/kinds.h"
#include "model/record.h"

/* The record store's own state beside struct file. */
struct rstate {
	struct numbering__buf enc;  /* the encoding of a record put */
	struct numbering__buf old;  /* the encoding of the record it replaces (its live bytes) */
	struct numbering__buf body; /* an instance record's body, upgrading */
	numbering_instance *scratch; /* an instance decoded, upgrading */
	struct buf name;            /* a NUL-terminated name or key read from the file */
	int64_t orphan_sort;        /* the last sort key given a request whose instance is gone */
	char name_buf[NUMBERING__RECORD_NAME_BUF]; /* a compact name decoded; a request record's name */
};

static struct file *of(numbering_backend *backend)
{
	return (struct file *)backend; /* base is the first member */
}

/* The memory record store a replay fills: a heap being built, or f->mem. */
static numbering_backend *target(struct file *f)
{
	return f->building != NULL ? f->building : f->mem;
}

/* Whether a replay keeps records of @kind: every kind, except in a shared reader's
 * heap, which holds only those something listed (file-shared.c). */
static int kept(const struct file *f, int kind)
{
	if (f->building != NULL)
		return f->build_all || (f->build_kinds[kind / 64 % 4] >> (kind % 64) & 1) != 0;
	return !f->shared_reader || numbering__file_heap_has(f, kind);
}

static int null_backend(void)
{
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "backend", "file backend: backend is NULL");
}

static int not_in_txn(const char *what)
{
	return numbering__error_set(NUMBERING_FAILED_PRECONDITION, "file backend: %s without a transaction", what);
}

/* Live bytes: what a record takes in a snapshot, its operation (5 + its encoding). */

struct measure {
	struct rstate *st;
	uint64_t bytes;
	int64_t sort_key;
	int rc;
};

static int measure_visit(const numbering_record *record, void *payload)
{
	struct measure *m = payload;
	m->st->old.len = 0;
	m->rc = numbering__record_encode(&m->st->old, record, 1);
	if (m->rc == NUMBERING_OK)
		m->bytes = 5 + (uint64_t)m->st->old.len;
	m->sort_key = record->sort_key;
	return m->rc == NUMBERING_OK ? 0 : 1;
}

/* The live bytes of the record of @kind named @name in @mem (0 if none). */
static int live_of(numbering_backend *mem, struct rstate *st, int kind, const char *name, uint64_t *bytes)
{
	struct measure m = {st, 0, 0, NUMBERING_OK};
	*bytes = 0;
	int rc = mem->get(mem, kind, name, measure_visit, &m);
	if (rc == NUMBERING_NOT_FOUND) {
		numbering_error_clear();
		return NUMBERING_OK;
	}
	if (rc != NUMBERING_OK)
		return m.rc != NUMBERING_OK ? m.rc : rc;
	*bytes = m.bytes;
	if (st->old.cap > (1u << 20))
		numbering__buf_free(&st->old);
	return NUMBERING_OK;
}

static int txn_room(struct file *f, size_t need)
{
	if (need > RECORD_LOG_MAX || f->txn.len + need > RECORD_LOG_MAX)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED,
		                            "file backend: a transaction may write at most %u bytes", RECORD_LOG_MAX);
	if (buf_reserve(&f->txn, need) != 0)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "file backend: out of memory");
	return NUMBERING_OK;
}

/* The vtable. */

static int rf_begin(numbering_backend *backend)
{
	struct file *f = of(backend);
	return f == NULL ? null_backend() : numbering__file_begin(f);
}

static int rf_commit(numbering_backend *backend)
{
	struct file *f = of(backend);
	return f == NULL ? null_backend() : numbering__file_commit(f);
}

static int rf_rollback(numbering_backend *backend)
{
	struct file *f = of(backend);
	return f == NULL ? null_backend() : numbering__file_rollback(f);
}

static int rf_put(numbering_backend *backend, const numbering_record *record)
{
	struct file *f = of(backend);
	if (f == NULL || record == NULL)
		return f == NULL ? null_backend()
		                 : numbering__error_field(NUMBERING_INVALID_ARGUMENT, "record", "file backend put: record is NULL");
	if (!f->in_txn)
		return not_in_txn("put");
	struct rstate *st = f->rstate;
	uint64_t replaced = 0;
	st->enc.len = 0;
	int rc = numbering__record_encode(&st->enc, record, 1); /* checks every limit */
	if (rc == NUMBERING_OK)
		rc = txn_room(f, 5 + st->enc.len);
	if (rc == NUMBERING_OK)
		rc = live_of(f->mem, st, record->kind, record->name, &replaced);
	if (rc == NUMBERING_OK)
		rc = f->mem->put(f->mem, record);
	if (rc == NUMBERING_OK) {
		f->txn.data[f->txn.len++] = OP_RECORD_PUT;
		buf_add32(&f->txn, (uint32_t)st->enc.len);
		buf_add(&f->txn, st->enc.ptr, st->enc.len);
		f->txn_ops++;
		f->txn_live += (int64_t)(5 + st->enc.len) - (int64_t)replaced;
	}
	if (st->enc.cap > (1u << 20))
		numbering__buf_free(&st->enc); /* a large body's: not kept for the next put */
	return rc;
}

static int rf_remove(numbering_backend *backend, int kind, const char *name)
{
	struct file *f = of(backend);
	if (f == NULL || name == NULL)
		return f == NULL ? null_backend()
		                 : numbering__error_field(NUMBERING_INVALID_ARGUMENT, "name", "file backend remove: name is NULL");
	if (!f->in_txn)
		return not_in_txn("remove");
	size_t len = strlen(name);
	int rc = NUMBERING_OK;
	if (kind < 1 || kind > NUMBERING_RECORD_KIND_MAX)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "kind", "file backend: kind %d is not 1 to %d", kind,
		                            NUMBERING_RECORD_KIND_MAX);
	else if (len == 0 || len > NAME_MAX_BYTES)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "name", "file backend: a name has 1 to %d bytes",
		                            NAME_MAX_BYTES);
	else
		rc = txn_room(f, 6 + len);
	uint64_t replaced = 0;
	if (rc == NUMBERING_OK)
		rc = live_of(f->mem, f->rstate, kind, name, &replaced);
	if (rc == NUMBERING_OK)
		rc = f->mem->remove(f->mem, kind, name);
	if (rc == NUMBERING_OK) {
		f->txn.data[f->txn.len++] = OP_RECORD_REMOVE;
		buf_add32(&f->txn, (uint32_t)(1 + len));
		f->txn.data[f->txn.len++] = (uint8_t)kind;
		buf_add(&f->txn, name, len);
		f->txn_ops++;
		f->txn_live -= (int64_t)replaced;
	}
	return rc;
}

/* Reads: the memory record store's. Under a store, which catches the backend up
 * (NUMBERING__CONTROL_REFRESH) before it lets a reader in, straight through; without
 * one, under the backend's own lock, whose write side catches up when another process
 * committed (f->rlock). */

static int unwatched(struct file *f)
{
	return f->changes != NULL && !__atomic_load_n(&f->watched, __ATOMIC_ACQUIRE);
}

/* A shared reader (file-shared.c): get and resolve from the shared index; what it
 * cannot answer, and every other read, from the heap, built on first use. */

static numbering_backend *heap(struct file *f)
{
	return __atomic_load_n(&f->mem, __ATOMIC_ACQUIRE);
}

/* The index could not answer a get or resolve: the whole heap answers, marked as a
 * fallback (with the kinds it held before) so that those look-ups try the index first
 * and the heap is dropped once the index answers again (numbering__file_heap_tidy). */
static int heap_fallback(struct file *f)
{
	if (__atomic_load_n(&f->heap_all, __ATOMIC_ACQUIRE))
		return NUMBERING_OK;
	pthread_mutex_lock(&f->heap_mutex);
	if (!f->heap_all && !f->heap_fallback) {
		for (int i = 0; i < 4; i++)
			f->kinds_before_fallback[i] = f->heap_kinds[i];
		__atomic_store_n(&f->heap_fallback, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&f->heap_mutex);
	return numbering__file_heap_want(f, -1);
}

static int shared_get(struct file *f, int kind, const char *name, numbering_record_visit_cb visit, void *payload)
{
	int served = 0, rc;
	/* Bad arguments get the memory store's own errors (its heap may be empty). */
	if (name != NULL && name[0] != '\0' && kind >= 1 && kind <= NUMBERING_RECORD_KIND_MAX &&
	    (!numbering__file_heap_has(f, kind) || __atomic_load_n(&f->heap_fallback, __ATOMIC_ACQUIRE))) {
		rc = numbering__file_shx_get(f, kind, name, visit, payload, &served);
		if (served)
			return rc;
		if ((rc = heap_fallback(f)) != NUMBERING_OK)
			return rc;
	}
	return heap(f)->get(heap(f), kind, name, visit, payload);
}

/* Inlined into rf_find(), its one caller (twice): a resolve's path through the backend
 * is one call, not two. */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((always_inline))
#endif
static inline int shared_find(struct file *f, int digits, uint64_t first, uint64_t last, numbering_record_visit_cb visit,
                              void *payload)
{
	int served = 0, rc;
	if (digits >= 1 && digits <= NUMBERING_RECORD_DIGITS_MAX && first <= last &&
	    (!__atomic_load_n(&f->heap_all, __ATOMIC_ACQUIRE) || __atomic_load_n(&f->heap_fallback, __ATOMIC_ACQUIRE))) {
		if (first == last) {
			rc = numbering__file_shx_find1(f, digits, first, visit, payload, &served);
			if (served)
				return rc;
			rc = heap_fallback(f);
		} else {
			rc = numbering__file_heap_want(f, -1); /* intervals span every kind: the whole heap */
		}
		if (rc != NUMBERING_OK)
			return rc;
	}
	return heap(f)->find(heap(f), digits, first, last, visit, payload);
}

static int shared_list(struct file *f, const numbering_record_query *query, numbering_record_visit_cb visit,
                       void *payload)
{
	if (query != NULL && query->kind >= 1 && query->kind <= NUMBERING_RECORD_KIND_MAX) {
		int rc = numbering__file_heap_want(f, query->kind);
		if (rc != NUMBERING_OK)
			return rc;
	}
	return heap(f)->list(heap(f), query, visit, payload);
}

static int rf_get(numbering_backend *backend, int kind, const char *name, numbering_record_visit_cb visit,
                  void *payload)
{
	struct file *f = of(backend);
	if (f == NULL)
		return null_backend();
	if (f->shared_reader) {
		if (!unwatched(f))
			return shared_get(f, kind, name, visit, payload);
		unsigned slot = numbering__rwlock_rdlock(&f->rlock);
		int rc = shared_get(f, kind, name, visit, payload);
		numbering__rwlock_rdunlock(&f->rlock, slot);
		return rc;
	}
	if (!unwatched(f) || __atomic_load_n(&f->in_txn, __ATOMIC_ACQUIRE))
		return f->mem->get(f->mem, kind, name, visit, payload);
	unsigned slot = numbering__rwlock_rdlock(&f->rlock);
	int rc = f->mem->get(f->mem, kind, name, visit, payload);
	numbering__rwlock_rdunlock(&f->rlock, slot);
	return rc;
}

static int rf_find(numbering_backend *backend, int digits, uint64_t first, uint64_t last,
                   numbering_record_visit_cb visit, void *payload)
{
	struct file *f = of(backend);
	if (f == NULL)
		return null_backend();
	if (f->shared_reader) {
		if (!unwatched(f))
			return shared_find(f, digits, first, last, visit, payload);
		unsigned slot = numbering__rwlock_rdlock(&f->rlock);
		int rc = shared_find(f, digits, first, last, visit, payload);
		numbering__rwlock_rdunlock(&f->rlock, slot);
		return rc;
	}
	if (!unwatched(f) || __atomic_load_n(&f->in_txn, __ATOMIC_ACQUIRE))
		return f->mem->find(f->mem, digits, first, last, visit, payload);
	unsigned slot = numbering__rwlock_rdlock(&f->rlock);
	int rc = f->mem->find(f->mem, digits, first, last, visit, payload);
	numbering__rwlock_rdunlock(&f->rlock, slot);
	return rc;
}

static int rf_list(numbering_backend *backend, const numbering_record_query *query,
                   numbering_record_visit_cb visit, void *payload)
{
	struct file *f = of(backend);
	if (f == NULL)
		return null_backend();
	if (f->shared_reader) {
		if (!unwatched(f))
			return shared_list(f, query, visit, payload);
		unsigned slot = numbering__rwlock_rdlock(&f->rlock);
		int rc = shared_list(f, query, visit, payload);
		numbering__rwlock_rdunlock(&f->rlock, slot);
		return rc;
	}
	if (!unwatched(f) || __atomic_load_n(&f->in_txn, __ATOMIC_ACQUIRE))
		return f->mem->list(f->mem, query, visit, payload);
	unsigned slot = numbering__rwlock_rdlock(&f->rlock);
	int rc = f->mem->list(f->mem, query, visit, payload);
	numbering__rwlock_rdunlock(&f->rlock, slot);
	return rc;
}

static int64_t count_of(struct file *f, int kind)
{
	numbering_backend_count c = {kind, 0};
	if (f->mem->control(f->mem, NUMBERING_BACKEND_CONTROL_COUNT, &c) != NUMBERING_OK) {
		numbering_error_clear();
		return 0;
	}
	return c.count;
}

static int kind_or_all(int kind)
{
	return kind >= 1 && kind <= NUMBERING_RECORD_KIND_MAX ? kind : -1;
}

static int rf_control(numbering_backend *backend, int op, void *arg)
{
	struct file *f = of(backend);
	if (f == NULL)
		return null_backend();
	/* Not NUMBERING__CONTROL_OWN_RECORDS: bodies come back from a file, which anyone who
	 * can write it may have changed with valid checksums, so the store reads them with
	 * every check (the inner memory store's answer must not leak through). */
	if (op == NUMBERING__CONTROL_OWN_RECORDS)
		return numbering__error_set(NUMBERING_UNIMPLEMENTED, "file backend: bodies are read from a file");
	if (op == NUMBERING__CONTROL_VOUCHES) { /* it flags what its shared index vouches for */
		if (arg == NULL)
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "arg", "file backend control: arg is NULL");
		*(const numbering_backend **)arg = backend;
		return NUMBERING_OK;
	}
	if (f->shared_reader && arg != NULL) {
		/* Counts, walks and the memory store's own questions: the heap, of the kinds asked or all. */
		int rc = NUMBERING_OK;
		if (op == NUMBERING_BACKEND_CONTROL_COUNT)
			rc = numbering__file_heap_want(f, kind_or_all(((numbering_backend_count *)arg)->kind));
		else if (op == NUMBERING__CONTROL_DIGIT_COUNTS)
			rc = numbering__file_heap_want(f, kind_or_all(((struct numbering__digit_counts *)arg)->kind));
		else if (op == NUMBERING__CONTROL_DUE) {
			const struct numbering__due_kinds *due = arg;
			for (size_t i = 0; i < due->count && rc == NUMBERING_OK; i++)
				rc = numbering__file_heap_want(f, kind_or_all(due->kinds[i]));
		} else if (op == NUMBERING_BACKEND_CONTROL_FOREACH || op == NUMBERING_FILE_CONTROL_STATS ||
		           (op >= NUMBERING__MEMORY_CONTROL_BYTES && op <= NUMBERING__MEMORY_CONTROL_FOREACH))
			rc = numbering__file_heap_want(f, -1);
		if (rc != NUMBERING_OK)
			return rc;
	}
	return numbering__file_control(f, op, arg);
}

static void rf_free(numbering_backend *backend)
{
	numbering__file_free(of(backend));
}

/* Replay. */

/* Copies the @n bytes at @data into st->name as a string: a name, a key. */
static int name_of(struct rstate *st, const uint8_t *data, size_t n, const char **out)
{
	st->name.len = 0;
	if (buf_reserve(&st->name, n + 1) != 0)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "file backend: out of memory replaying");
	buf_add(&st->name, data, n);
	st->name.data[st->name.len] = 0;
	*out = (const char *)st->name.data;
	return NUMBERING_OK;
}

/* What applying one operation found wrong in the file: a reason, for DATA_LOSS. */
struct applied {
	const char *bad;
	uint64_t live_delta_new, replaced;
	int put;
};

/* Version 3: one record put or remove. */
static int apply_record_op(struct file *f, int txn, uint8_t op, const uint8_t *data, size_t n, struct applied *a)
{
	struct rstate *st = f->rstate;
	numbering_backend *mem = target(f);
	int rc = NUMBERING_OK;
	if (op == OP_RECORD_PUT) {
		numbering_record record;
		if (numbering__record_decode(&record, data, n, st->name_buf) != NUMBERING_OK) {
			numbering_error_clear();
			a->bad = "a record does not decode";
			return NUMBERING_OK;
		}
		a->live_delta_new = 5 + (uint64_t)n;
		a->put = 1;
		if (!kept(f, record.kind))
			return NUMBERING_OK; /* a shared reader's heap, of other kinds */
		if (txn)
			rc = live_of(mem, st, record.kind, record.name, &a->replaced);
		if (rc == NUMBERING_OK)
			rc = mem->put(mem, &record);
		a->live_delta_new = 5 + (uint64_t)n;
		a->put = 1;
	} else if (op == OP_RECORD_REMOVE) {
		const char *name;
		if (n < 2 || n - 1 > NAME_MAX_BYTES || data[0] == 0 || memchr(data + 1, 0, n - 1) != NULL) {
			a->bad = "a removed record's kind or name is empty, too long or holds NUL";
			return NUMBERING_OK;
		}
		if (!kept(f, data[0]))
			return NUMBERING_OK;
		rc = name_of(st, data + 1, n - 1, &name);
		if (rc == NUMBERING_OK)
			rc = live_of(mem, st, data[0], name, &a->replaced);
		if (rc == NUMBERING_OK)
			rc = mem->remove(mem, data[0], name);
	} else {
		a->bad = "an operation has an unknown code";
	}
	return rc;
}

/* The create time of the instance named @name in the replayed state, if it is there. */
static int create_time_of(struct file *f, const char *name, int64_t *time, int *found)
{
	struct measure m = {f->rstate, 0, 0, NUMBERING_OK};
	*found = 0;
	int rc = target(f)->get(target(f), NUMBERING__KIND_INSTANCE, name, measure_visit, &m);
	if (rc == NUMBERING_NOT_FOUND) {
		numbering_error_clear();
		return NUMBERING_OK;
	}
	if (rc != NUMBERING_OK)
		return m.rc != NUMBERING_OK ? m.rc : rc;
	*time = m.sort_key;
	*found = 1;
	return NUMBERING_OK;
}

/* Versions 1 and 2: a metadata value as the META or REQUEST record it becomes. */
static int apply_meta(struct file *f, const char *key, const uint8_t *value, size_t len, struct applied *a)
{
	struct rstate *st = f->rstate;
	numbering_record record;
	uint8_t le[8]; /* the last time, little-endian: lives as long as record points at it */
	int rc;
	if (strcmp(key, NUMBERING__META_TOKEN_KEY) == 0) {
		rc = numbering__meta_record(&record, NUMBERING__META_TOKEN_KEY, value, len);
	} else if (strcmp(key, NUMBERING__META_LAST_TIME) == 0) {
		if (len != sizeof(le)) {
			a->bad = "the last-time value is not 8 bytes";
			return NUMBERING_OK;
		}
		for (size_t i = 0; i < sizeof(le); i++)
			le[i] = value[7 - i]; /* lib/service/store.c wrote it big-endian */
		rc = numbering__meta_record(&record, NUMBERING__META_LAST_TIME, le, sizeof(le));
	} else if (strncmp(key, "request:", 8) == 0 && strrchr(key, '/') != NULL && len > 32) {
		/* "request:projects/p/ID": the project, then the id after the last '/'. */
		char *slash = strrchr(key + 8, '/');
		*slash = '\0';
		const char *project = key + 8, *id = slash + 1;
		int64_t time = 0;
		int found = 0;
		rc = NUMBERING_OK;
		if (len >= 34 && value[32] == 0) {
			/* digest, 0, compliance, the instance as created */
			if (numbering_instance_decode(st->scratch, value + 34, len - 34) != NUMBERING_OK) {
				numbering_error_clear();
				a->bad = "a request record's response does not decode";
				return NUMBERING_OK;
			}
			time = st->scratch->create_time;
			found = 1;
		} else {
			/* digest, then the instance's name (records of the oldest releases) */
			char name[NAME_MAX_BYTES + 1];
			size_t n = len - 32;
			if (n > NAME_MAX_BYTES || memchr(value + 32, 0, n) != NULL) {
				a->bad = "a request record's instance name is too long or holds NUL";
				return NUMBERING_OK;
			}
			memcpy(name, value + 32, n);
			name[n] = '\0';
			rc = create_time_of(f, name, &time, &found);
		}
		if (rc == NUMBERING_OK && !found)
			time = --st->orphan_sort;
		if (rc == NUMBERING_OK)
			rc = numbering__request_record(&record, st->name_buf, project, id, time, value, len);
	} else {
		a->bad = "a metadata key this library does not know";
		return NUMBERING_OK;
	}
	if (rc == NUMBERING_INVALID_ARGUMENT) {
		numbering_error_clear();
		a->bad = "a metadata value does not fit its record";
		return NUMBERING_OK;
	}
	if (rc == NUMBERING_OK)
		rc = target(f)->put(target(f), &record);
	return rc;
}

/* Versions 1 and 2: an instance put or remove, or a metadata value. Live bytes are not
 * counted: such a store is upgraded (counted afresh) before anything is written. */
static int apply_legacy_op(struct file *f, uint8_t op, const uint8_t *data, size_t n, const uint8_t *p, size_t len,
                           size_t *i, struct applied *a)
{
	struct rstate *st = f->rstate;
	numbering_backend *mem = target(f);
	int rc = NUMBERING_OK;
	if (op == OP_PUT) {
		numbering_record record;
		rc = numbering_instance_decode(st->scratch, data, n);
		if (rc != NUMBERING_OK && rc != NUMBERING_RESOURCE_EXHAUSTED) {
			numbering_error_clear();
			a->bad = "an instance does not decode";
			return NUMBERING_OK;
		}
		if (rc == NUMBERING_OK && (rc = numbering__instance_to_record(&record, &st->body, st->scratch)) ==
		                                  NUMBERING_INVALID_ARGUMENT) {
			numbering_error_clear();
			a->bad = "an instance cannot be a record";
			return NUMBERING_OK;
		}
		if (rc == NUMBERING_OK)
			rc = mem->put(mem, &record);
		a->put = 1;
		return rc;
	}
	if (op != OP_REMOVE && op != OP_META) {
		a->bad = "an operation has an unknown code";
		return NUMBERING_OK;
	}
	const char *name;
	if (n == 0 || n > NAME_MAX_BYTES || memchr(data, 0, n) != NULL) {
		a->bad = "a name or key is empty, too long or holds NUL";
		return NUMBERING_OK;
	}
	if ((rc = name_of(st, data, n, &name)) != NUMBERING_OK)
		return rc;
	if (op == OP_REMOVE)
		return mem->remove(mem, NUMBERING__KIND_INSTANCE, name);
	if (len - *i < 4 || get32(p + *i) > len - *i - 4) {
		a->bad = "a metadata value runs past the record";
		return NUMBERING_OK;
	}
	uint32_t vlen = get32(p + *i);
	const uint8_t *value = p + *i + 4;
	*i += 4 + (size_t)vlen;
	return apply_meta(f, (char *)st->name.data, value, vlen, a);
}

/* Applies one record's operations to the memory record store in one transaction (a
 * numbering__file_apply_cb; @ctx is the struct file). */
static int apply(void *ctx, const uint8_t *p, size_t len, uint64_t off, struct replay *r)
{
	struct file *f = ctx;
	numbering_backend *mem = target(f);
	int v3 = r->format_version >= NUMBERING_FILE_FORMAT_VERSION;
	if (len < 1 || (p[0] != RECORD_TXN && p[0] != RECORD_SNAPSHOT))
		return numbering__error_set(NUMBERING_DATA_LOSS, "file backend: the record at offset %llu has an unknown type",
		                            (unsigned long long)off);
	int rc = mem->begin(mem);
	if (rc != NUMBERING_OK)
		return rc;
	int txn = p[0] == RECORD_TXN;
	uint64_t live = r->live, puts = 0;
	struct applied a = {NULL, 0, 0, 0};
	size_t i = 1;
	while (i < len && a.bad == NULL) {
		uint8_t op = p[i++];
		if (len - i < 4) {
			a.bad = "an operation is cut short";
			break;
		}
		uint32_t n = get32(p + i);
		i += 4;
		if (n > len - i) {
			a.bad = "an operation's length runs past the record";
			break;
		}
		const uint8_t *data = p + i;
		i += n;
		a.live_delta_new = a.replaced = 0;
		a.put = 0;
		rc = v3 ? apply_record_op(f, txn, op, data, n, &a) : apply_legacy_op(f, op, data, n, p, len, &i, &a);
		if (rc != NUMBERING_OK) {
			if (rc != NUMBERING_RESOURCE_EXHAUSTED)
				a.bad = rc == NUMBERING_NOT_FOUND ? "it removes a record that does not exist"
				        : rc == NUMBERING_ALREADY_EXISTS ? "it gives a number a second owner"
				                                         : "the memory index refused an operation";
			break;
		}
		if (v3)
			live = live_add(live, a.replaced, a.live_delta_new);
		puts += (uint64_t)a.put;
	}
	if (a.bad != NULL || rc != NUMBERING_OK) {
		mem->rollback(mem);
		if (a.bad != NULL)
			return numbering__error_set(NUMBERING_DATA_LOSS, "file backend: the record at offset %llu is malformed: %s",
			                            (unsigned long long)off, a.bad);
		return rc;
	}
	if ((rc = mem->commit(mem)) == NUMBERING_OK) {
		r->live = live;
		if (!txn)
			r->snapshot_puts += puts;
	}
	return rc;
}

/* Replays the file into f->mem; the record state is made here, as every open replays
 * (an empty store included) before anything else uses it. */
static int records_replay(struct file *f, struct scan *s, struct replay *r)
{
	if (f->rstate == NULL) {
		struct rstate *st = numbering__calloc(1, sizeof(*st));
		if (st == NULL)
			return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "file backend: out of memory");
		f->rstate = st;
		int rc = numbering_instance_new(&st->scratch);
		if (rc != NUMBERING_OK)
			return rc;
	}
	return numbering__file_replay_with(s, apply, f, r, f->path);
}

/* A shared reader's heap: the log up to f->end replayed into a new memory record
 * store holding the kinds of f->build_kinds, taken in place of f->mem (the old one
 * kept until the next catch-up or close: readers of other kinds may be in it). */
/* Heaps built kind by kind between two catch-ups before one of every kind is. */
#define HEAP_BUILDS_BY_KIND 4

static int heap_build(struct file *f)
{
	numbering_backend *mem = NULL;
	int rc = numbering_memory_backend_new(&mem);
	if (rc != NUMBERING_OK)
		return rc;
	if (f->old_mem_count == (int)(sizeof(f->old_mems) / sizeof(f->old_mems[0]))) {
		mem->free(mem);
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED,
		                            "file backend: store %s: too many heap rebuilds in one open; reopen it", f->path);
	}
	struct stat st;
	if (fstat(f->fd, &st) != 0) {
		mem->free(mem);
		return numbering__file_io_error("stat", f->path);
	}
	struct scan s = {numbering__file_sys(), f->fd, (uint64_t)st.st_size, {NULL, 0, 0}, 0, NULL};
	struct replay r;
	memset(&r, 0, sizeof(r));
	r.damage_offset = -1;
	r.max_version = NUMBERING_FILE_FORMAT_VERSION;
	r.progress = f->progress;
	r.progress_payload = f->progress_payload;
	r.progress_op = "replay";
	rc = numbering__file_read_header(&s, &r, f->path);
	s.win.len = 0;
	if (rc == NUMBERING_OK)
		numbering__file_scan_cover_durable(&s, &r);
	uint64_t limit = __atomic_load_n(&f->end, __ATOMIC_ACQUIRE);
	if (limit < r.durable_end)
		limit = r.durable_end;
	if (limit < s.size)
		s.size = limit;
	f->building = mem;
	if (rc == NUMBERING_OK)
		rc = records_replay(f, &s, &r);
	f->building = NULL;
	buf_free(&s.win);
	if (rc != NUMBERING_OK) {
		mem->free(mem);
		return rc;
	}
	f->old_mems[f->old_mem_count++] = f->mem;
	__atomic_store_n(&f->mem, mem, __ATOMIC_RELEASE);
	for (int i = 0; i < 4; i++)
		__atomic_store_n(&f->heap_kinds[i], f->build_kinds[i], __ATOMIC_RELEASE);
	if (f->build_all)
		__atomic_store_n(&f->heap_all, 1, __ATOMIC_RELEASE);
	f->seq = r.seq;
	f->records = r.records;
	f->live = r.live;
	if (r.valid_end > __atomic_load_n(&f->end, __ATOMIC_ACQUIRE))
		__atomic_store_n(&f->end, r.valid_end, __ATOMIC_RELEASE);
	return NUMBERING_OK;
}

int numbering__file_heap_want(struct file *f, int kind)
{
	if (kind < 0 ? __atomic_load_n(&f->heap_all, __ATOMIC_ACQUIRE) : numbering__file_heap_has(f, kind))
		return NUMBERING_OK;
	pthread_mutex_lock(&f->heap_mutex);
	int rc = NUMBERING_OK;
	if (kind < 0 ? !__atomic_load_n(&f->heap_all, __ATOMIC_ACQUIRE) : !numbering__file_heap_has(f, kind)) {
		for (int i = 0; i < 4; i++)
			f->build_kinds[i] = f->heap_kinds[i];
		/* Each build keeps the heap it replaces until the next catch-up (readers may
		 * be in it): a reader listing kind after kind with no commit between takes
		 * every kind at its fifth build, so it builds at most five. */
		f->build_all = kind < 0 || f->old_mem_count >= HEAP_BUILDS_BY_KIND;
		if (kind >= 0)
			f->build_kinds[kind / 64] |= (uint64_t)1 << (kind % 64);
		rc = heap_build(f);
	}
	pthread_mutex_unlock(&f->heap_mutex);
	return rc;
}

int numbering__file_heap_rebuild(struct file *f)
{
	if (!numbering__file_heap_any(f))
		return NUMBERING_OK;
	for (int i = 0; i < 4; i++)
		f->build_kinds[i] = f->heap_kinds[i];
	f->build_all = f->heap_all;
	return heap_build(f);
}

void numbering__file_heap_tidy(struct file *f)
{
	int drop = __atomic_load_n(&f->heap_fallback, __ATOMIC_ACQUIRE) && numbering__file_shx_usable(f);
	for (int i = 0; drop && i < 4; i++)
		if (f->kinds_before_fallback[i] != 0)
			drop = 0; /* it held listed kinds: kept whole (gets and resolves still try the index first) */
	numbering_backend *empty = NULL;
	if (drop && numbering_memory_backend_new(&empty) != NUMBERING_OK) {
		numbering_error_clear();
		drop = 0;
	}
	if (!drop && f->old_mem_count == 0)
		return;
	pthread_mutex_lock(&f->heap_mutex);
	/* No reader inside (a catch-up): snapshot readers, which ignore that lock, held off. */
	numbering__rwlock_hold_readers(f->readers);
	numbering_backend *old = NULL;
	if (drop) {
		old = f->mem;
		__atomic_store_n(&f->mem, empty, __ATOMIC_RELEASE);
		__atomic_store_n(&f->heap_all, 0, __ATOMIC_RELEASE);
		for (int i = 0; i < 4; i++)
			__atomic_store_n(&f->heap_kinds[i], 0, __ATOMIC_RELEASE);
		__atomic_store_n(&f->heap_fallback, 0, __ATOMIC_RELEASE);
	}
	numbering__rwlock_release_readers(f->readers);
	for (int i = 0; i < f->old_mem_count; i++)
		f->old_mems[i]->free(f->old_mems[i]);
	f->old_mem_count = 0;
	pthread_mutex_unlock(&f->heap_mutex);
	if (old != NULL)
		old->free(old);
}

/* Snapshots: every record, as a put, in number order. */

struct gathering {
	struct snapshot *s;
	struct rstate *st;
};

static int gather_visit(const numbering_record *record, void *payload)
{
	struct gathering *g = payload;
	g->st->enc.len = 0;
	int rc = numbering__record_encode(&g->st->enc, record, 1);
	uint64_t key = record->digits > 0 ? (uint64_t)record->digits << 56 | record->first : UINT64_MAX;
	if (rc == NUMBERING_OK)
		rc = numbering__file_snapshot_add(g->s, OP_RECORD_PUT, key, record->sort_key, g->st->enc.ptr, g->st->enc.len);
	return rc;
}

int numbering__file_records_gather(struct snapshot *s, void *ctx)
{
	struct file *f = ctx;
	struct gathering g = {s, f->rstate};
	struct numbering__memory_record_foreach each = {gather_visit, &g};
	return f->mem->control(f->mem, NUMBERING__MEMORY_CONTROL_FOREACH, &each);
}

void numbering__file_records_free(struct file *f)
{
	struct rstate *st = f->rstate;
	if (st == NULL)
		return;
	numbering__buf_free(&st->enc);
	numbering__buf_free(&st->old);
	numbering__buf_free(&st->body);
	numbering_instance_free(st->scratch);
	buf_free(&st->name);
	numbering__free_mem(st);
	f->rstate = NULL;
}

int numbering__file_records_replay(struct file *f, struct scan *s, struct replay *r)
{
	if (f->mem == NULL) {
		int rc = numbering_memory_backend_new(&f->mem);
		if (rc != NUMBERING_OK)
			return rc;
	}
	return records_replay(f, s, r);
}

void numbering__file_records_counts(struct file *f, int64_t *instances, int64_t *metas)
{
	*instances = count_of(f, NUMBERING__KIND_INSTANCE);
	*metas = count_of(f, NUMBERING__KIND_META) + count_of(f, NUMBERING__KIND_REQUEST);
}

int numbering_file_backend_new(numbering_backend **out, const char *path, const numbering_file_options *options)
{
	if (out == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "out", "numbering_file_backend_new: out is NULL");
	*out = NULL;
	struct file *f = NULL;
	int rc = numbering__file_new(&f, path, options);
	if (rc != NUMBERING_OK)
		return rc;
	f->base.version = NUMBERING_BACKEND_VERSION;
	f->base.begin = rf_begin;
	f->base.commit = rf_commit;
	f->base.rollback = rf_rollback;
	f->base.put = rf_put;
	f->base.remove = rf_remove;
	f->base.get = rf_get;
	f->base.find = rf_find;
	f->base.list = rf_list;
	f->base.control = rf_control;
	f->base.free = rf_free;
	*out = &f->base;
	return NUMBERING_OK;
}
