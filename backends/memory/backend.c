/*
 * The in-memory storage backend.
 *
 * Records live in a slab (slab.h) in a compact form (record.h) and are named by
 * 32-bit handles; every index holds handles:
 *
 * - names: hash of the full name (SipHash with a per-backend random key, so that
 *   chosen names cannot flood a chain) -> every record.
 * - singles: hash of (digits, number) -> non-deleted single-number records: the
 *   resolve look-up is one probe and one record read.
 * - singles_sorted, ranges: ordered by (digits, first), non-deleted records of one
 *   number and of several. Non-deleted records never overlap, so for an interval
 *   [first, last] the only range that can hold a number of it is the one starting
 *   last at or before `last`; any single is found by a seek to `first`. Ranges have
 *   a tree of their own so that resolving a number inside a range searches a tree
 *   of ranges only, which stays in cache far longer than one of every number.
 * - per project: live_by_time and deleted_by_time ordered by create time (a page
 *   is a walk back from the cursor, merging the two when deleted ones are wanted);
 *   live_numbers and deleted_numbers ordered by (digits, first) for prefixes.
 * - meta: hash of the key -> metadata blobs in the same slab.
 *
 * Keys are (digits << 56 | first): numbers have at most 16 digits (E.164 has 15),
 * so the digit count sorts first and numbers of different lengths never mix.
 *
 * Transactions: writes change the indexes in place (so a transaction reads its own
 * writes) and append to an undo log; records replaced or removed stay allocated
 * until commit. Every allocation a write needs is made before it changes anything
 * (hash and tree reserves), trees do not merge nodes inside a transaction, and hash
 * tables never shrink, so replaying the undo log needs no memory and rollback
 * cannot fail. Commit then rebalances where entries were removed and frees the old
 * records: it cannot fail either.
 *
 * Reads change nothing, so any number of threads may read while nobody writes.
 */
#include <string.h>

#include <sodium.h>

#include "core/alloc.h"
#include "core/error.h"
#include "hash.h"
#include "memory.h"
#include "model/instance.h"
#include "numbering/sys/backend.h"
#include "ordered.h"
#include "record.h"
#include "slab.h"

#define DIGITS_MAX 16
#define NAME_MAX_BYTES 4096
#define META_KEY_MAX 4096
#define SCRATCH_HEAP_ON_STACK 128

#if defined(__GNUC__)
#define NUMBERING__PREFETCH(p) __builtin_prefetch(p)
#else
#define NUMBERING__PREFETCH(p) ((void)(p))
#endif

struct project {
	char *name; /* "projects/p", or "" for names without that form */
	uint32_t len;
	/* The widest deleted record indexed (last - first) since deleted_numbers was last
	 * empty: a prefix scan of deleted records starts this far before the prefix. */
	uint64_t deleted_span;
	struct numbering__ordered live_by_time, deleted_by_time, live_numbers, deleted_numbers;
};

enum { UNDO_PUT, UNDO_REMOVE, UNDO_META };
/* In an op: every tree entry of the replaced record was repointed in place, so
 * commit has no tree to rebalance for it. */
#define UNDO_IN_PLACE 0x100u
/* In a put: the new record was written over the old one (same place in every index,
 * same slab size class); made holds the old bytes, to swap back on rollback. */
#define UNDO_IN_SITU 0x200u
#define UNDO_OP(u) ((u)->op & 0xffu)

struct undo {
	uint32_t op;
	uint32_t hash; /* of the name or metadata key */
	uint32_t old;  /* the record or value replaced or removed, 0 if none */
	uint32_t made; /* the record or value written, 0 if none */
};

struct meta {
	uint32_t size;
	uint32_t key_len;
	uint32_t value_len;
	uint32_t unused;
	/* key, then value */
};

struct memory {
	numbering_backend base;
	unsigned char sip_key[crypto_shorthash_KEYBYTES];
	uint64_t seed[2];
	struct numbering__slab slab;
	struct numbering__ordered_pool pool;
	struct numbering__mhash names, singles, metas, project_index;
	struct numbering__ordered singles_sorted, ranges;
	struct project *projects;
	uint32_t project_count, project_cap;
	uint32_t last_project; /* the project the last write named */
	struct undo *undo;
	size_t undo_count, undo_cap;
	size_t hash_bytes, other_bytes;
	int in_transaction;
};

/* 10^n for n = 0 .. 19. */
static const uint64_t powers_of_ten[20] = {
    UINT64_C(1),
    UINT64_C(10),
    UINT64_C(100),
    UINT64_C(1000),
    UINT64_C(10000),
    UINT64_C(100000),
    UINT64_C(1000000),
    UINT64_C(10000000),
    UINT64_C(100000000),
    UINT64_C(1000000000),
    UINT64_C(10000000000),
    UINT64_C(100000000000),
    UINT64_C(1000000000000),
    UINT64_C(10000000000000),
    UINT64_C(100000000000000),
    UINT64_C(1000000000000000),
    UINT64_C(10000000000000000),
    UINT64_C(100000000000000000),
    UINT64_C(1000000000000000000),
    UINT64_C(10000000000000000000),
};

static uint64_t number_key(unsigned digits, uint64_t first)
{
	return (uint64_t)digits << 56 | first;
}

/* Create times as unsigned keys that sort like the signed times. */
static uint64_t time_key(int64_t t)
{
	return (uint64_t)t ^ UINT64_C(0x8000000000000000);
}

static uint32_t sip_hash(const struct memory *m, const char *data, size_t len)
{
	unsigned char out[crypto_shorthash_BYTES];
	crypto_shorthash(out, (const unsigned char *)data, len, m->sip_key);
	uint32_t h;
	memcpy(&h, out, sizeof(h));
	return h;
}

/* Numbers are hashed on the hot path with a keyed multiply-xorshift (the murmur3
 * finalizer around a random key): a few cycles instead of SipHash's ~20 ns, and
 * still unpredictable without the key. */
static uint32_t number_hash(const struct memory *m, uint64_t key)
{
	uint64_t x = (key ^ m->seed[0]) * (m->seed[1] | 1);
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= UINT64_C(0xc4ceb9fe1a85ec53);
	x ^= x >> 33;
	return (uint32_t)x;
}

static const struct numbering__mrec *record_at(const struct memory *m, uint32_t handle)
{
	return numbering__slab_get(&m->slab, handle);
}

static const struct meta *meta_at(const struct memory *m, uint32_t handle)
{
	return numbering__slab_get(&m->slab, handle);
}

static int out_of_memory(const char *what)
{
	return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "memory backend: out of memory %s", what);
}

/* Projects. */

static uint32_t project_find(const struct memory *m, const char *name, size_t len, uint32_t hash)
{
	struct numbering__mprobe probe;
	numbering__mhash_start(&probe, &m->project_index, hash);
	for (uint32_t h; (h = numbering__mhash_next(&probe, &m->project_index)) != 0;) {
		const struct project *p = &m->projects[h - 1];
		if (p->len == len && memcmp(p->name, name, len) == 0)
			return h;
	}
	return 0;
}

/* The index of project @name, added if new (which changes nothing a reader sees). */
static int project_get(struct memory *m, const char *name, size_t len, uint32_t *index)
{
	/* Writes come in runs for one project; only writers use this. */
	if (m->last_project < m->project_count) {
		const struct project *p = &m->projects[m->last_project];
		if (p->len == len && memcmp(p->name, name, len) == 0) {
			*index = m->last_project;
			return NUMBERING_OK;
		}
	}
	uint32_t hash = sip_hash(m, name, len);
	uint32_t h = project_find(m, name, len, hash);
	if (h != 0) {
		*index = m->last_project = h - 1;
		return NUMBERING_OK;
	}
	if (m->project_count == m->project_cap) {
		uint32_t cap = m->project_cap ? m->project_cap * 2 : 8;
		struct project *projects = numbering__realloc(m->projects, cap * sizeof(*projects));
		if (projects == NULL)
			return out_of_memory("adding a project");
		m->other_bytes += (cap - m->project_cap) * sizeof(*projects);
		m->projects = projects;
		m->project_cap = cap;
	}
	if (numbering__mhash_reserve(&m->project_index, 1, &m->hash_bytes) != NUMBERING_OK)
		return out_of_memory("adding a project");
	char *copy = numbering__strndup(name, len);
	if (copy == NULL)
		return out_of_memory("adding a project");
	m->other_bytes += len + 1;
	struct project *p = &m->projects[m->project_count];
	memset(p, 0, sizeof(*p));
	p->name = copy;
	p->len = (uint32_t)len;
	numbering__mhash_insert(&m->project_index, hash, m->project_count + 1);
	*index = m->last_project = m->project_count++;
	return NUMBERING_OK;
}

/* Records and their indexes. */

static void prefetch_slot(const struct numbering__mhash *table, uint32_t hash)
{
	if (table->cap > 0)
		NUMBERING__PREFETCH(&table->slots[numbering__mhash_home(table, hash)]);
}

static uint32_t record_find(const struct memory *m, const char *name, size_t len, uint32_t hash)
{
	size_t project_len = numbering__mrec_project_len(name, len);
	struct numbering__mprobe probe;
	numbering__mhash_start(&probe, &m->names, hash);
	for (uint32_t h; (h = numbering__mhash_next(&probe, &m->names)) != 0;) {
		const struct numbering__mrec *rec = record_at(m, h);
		const struct project *p = &m->projects[rec->project];
		if (p->len == project_len && memcmp(p->name, name, project_len) == 0 &&
		    numbering__mrec_tail_equals(rec, name + project_len, len - project_len))
			return h;
	}
	return 0;
}

static int is_deleted(const struct numbering__mrec *rec)
{
	return rec->state == NUMBERING_LIFECYCLE_DELETED;
}

/* The trees @rec belongs in (at most three); returns how many. */
static int record_trees(struct memory *m, const struct numbering__mrec *rec, struct numbering__ordered *trees[3],
                        uint64_t keys[3])
{
	struct project *p = &m->projects[rec->project];
	int n = 0, deleted = is_deleted(rec);
	trees[n] = deleted ? &p->deleted_by_time : &p->live_by_time;
	keys[n++] = time_key(rec->create_time);
	if (rec->digits == 0)
		return n;
	uint64_t key = number_key(rec->digits, rec->first);
	trees[n] = deleted ? &p->deleted_numbers : &p->live_numbers;
	keys[n++] = key;
	if (!deleted) {
		trees[n] = rec->flags & NUMBERING__MREC_LAST ? &m->ranges : &m->singles_sorted;
		keys[n++] = key;
	}
	return n;
}

static int is_live_single(const struct numbering__mrec *rec)
{
	return rec->digits != 0 && !is_deleted(rec) && !(rec->flags & NUMBERING__MREC_LAST);
}

/* Makes every allocation linking @rec will need. */
static int reserve_links(struct memory *m, const struct numbering__mrec *rec, int new_name)
{
	struct numbering__ordered *trees[3];
	uint64_t keys[3];
	int n = record_trees(m, rec, trees, keys);
	uint32_t need = 0;
	for (int i = 0; i < n; i++)
		if (numbering__ordered_reserve(&m->pool, trees[i], &need) != NUMBERING_OK)
			return NUMBERING_RESOURCE_EXHAUSTED;
	if (numbering__ordered_pool_ensure(&m->pool, need) != NUMBERING_OK)
		return NUMBERING_RESOURCE_EXHAUSTED;
	if (is_live_single(rec) && numbering__mhash_reserve(&m->singles, 1, &m->hash_bytes) != NUMBERING_OK)
		return NUMBERING_RESOURCE_EXHAUSTED;
	if (new_name && numbering__mhash_reserve(&m->names, 1, &m->hash_bytes) != NUMBERING_OK)
		return NUMBERING_RESOURCE_EXHAUSTED;
	return NUMBERING_OK;
}

/* Enters @rec in every index but names. Cannot fail after reserve_links(), nor when
 * putting back what a rollback takes out. */
static void index_link(struct memory *m, const struct numbering__mrec *rec, uint32_t handle)
{
	struct numbering__ordered *trees[3];
	uint64_t keys[3];
	int n = record_trees(m, rec, trees, keys);
	for (int i = 0; i < n; i++)
		numbering__ordered_insert(&m->pool, trees[i], keys[i], handle);
	if (is_live_single(rec))
		numbering__mhash_insert(&m->singles, number_hash(m, keys[1]), handle);
	if (is_deleted(rec) && rec->digits != 0) {
		struct project *p = &m->projects[rec->project];
		uint64_t span = numbering__mrec_last(rec) - rec->first;
		if (span > p->deleted_span)
			p->deleted_span = span;
	}
}

static void index_unlink(struct memory *m, const struct numbering__mrec *rec, uint32_t handle)
{
	struct numbering__ordered *trees[3];
	uint64_t keys[3];
	int n = record_trees(m, rec, trees, keys);
	for (int i = 0; i < n; i++)
		numbering__ordered_remove(trees[i], keys[i], handle);
	if (is_live_single(rec))
		numbering__mhash_remove(&m->singles, number_hash(m, keys[1]), handle);
	struct project *p = &m->projects[rec->project];
	if (p->deleted_numbers.count == 0)
		p->deleted_span = 0;
}

/* index_unlink(@o) then index_link(@n), for a record @n replacing @o: where both sit
 * in the same tree under the same key (an update that changes neither its numbers,
 * state nor create time), the entry is pointed at the new record in place instead.
 * Cannot fail after reserve_links(@n); rollback undoes it as it undoes the two. */
static int index_relink(struct memory *m, const struct numbering__mrec *o, uint32_t old,
                        const struct numbering__mrec *n, uint32_t handle)
{
	struct numbering__ordered *old_trees[3], *new_trees[3];
	uint64_t old_keys[3], new_keys[3];
	int on = record_trees(m, o, old_trees, old_keys), nn = record_trees(m, n, new_trees, new_keys);
	int old_done[3] = {0, 0, 0}, new_done[3] = {0, 0, 0};
	for (int i = 0; i < on; i++)
		for (int j = 0; j < nn; j++)
			if (!new_done[j] && old_trees[i] == new_trees[j] && old_keys[i] == new_keys[j]) {
				if (numbering__ordered_replace(old_trees[i], old_keys[i], old, handle))
					old_done[i] = new_done[j] = 1;
				break;
			}
	int in_place = 1;
	for (int i = 0; i < on; i++)
		if (!old_done[i]) {
			numbering__ordered_remove(old_trees[i], old_keys[i], old);
			in_place = 0;
		}
	if (is_live_single(o) && is_live_single(n) && old_keys[1] == new_keys[1]) {
		numbering__mhash_replace(&m->singles, number_hash(m, old_keys[1]), old, handle);
	} else {
		if (is_live_single(o))
			numbering__mhash_remove(&m->singles, number_hash(m, old_keys[1]), old);
		if (is_live_single(n))
			numbering__mhash_insert(&m->singles, number_hash(m, new_keys[1]), handle);
	}
	struct project *p = &m->projects[o->project];
	if (p->deleted_numbers.count == 0)
		p->deleted_span = 0;
	for (int j = 0; j < nn; j++)
		if (!new_done[j])
			numbering__ordered_insert(&m->pool, new_trees[j], new_keys[j], handle);
	if (is_deleted(n) && n->digits != 0) {
		struct project *q = &m->projects[n->project];
		uint64_t span = numbering__mrec_last(n) - n->first;
		if (span > q->deleted_span)
			q->deleted_span = span;
	}
	return in_place;
}

/* Whether record @n may be written over @o: both in the same slab size class, and in
 * every index at the same place (so the indexes need not change). */
static int fits_in_situ(struct memory *m, const struct numbering__mrec *o, const struct numbering__mrec *n)
{
	if (o->size > NUMBERING__SLAB_SMALL_MAX || n->size > NUMBERING__SLAB_SMALL_MAX ||
	    (o->size + 7) / 8 != (n->size + 7) / 8)
		return 0;
	if (o->project != n->project || o->digits != n->digits || o->first != n->first ||
	    numbering__mrec_last(o) != numbering__mrec_last(n) || o->create_time != n->create_time ||
	    (o->flags & NUMBERING__MREC_LAST) != (n->flags & NUMBERING__MREC_LAST) || is_deleted(o) != is_deleted(n))
		return 0;
	struct numbering__ordered *old_trees[3], *new_trees[3];
	uint64_t old_keys[3], new_keys[3];
	int on = record_trees(m, o, old_trees, old_keys), nn = record_trees(m, n, new_trees, new_keys);
	if (on != nn || is_live_single(o) != is_live_single(n))
		return 0;
	for (int i = 0; i < on; i++)
		if (old_trees[i] != new_trees[i] || old_keys[i] != new_keys[i])
			return 0;
	return 1;
}

/* Exchanges the bytes of two records of one slab size class. */
static void swap_records(struct memory *m, uint32_t a, uint32_t b)
{
	unsigned char *p = numbering__slab_get(&m->slab, a), *q = numbering__slab_get(&m->slab, b);
	size_t n = ((size_t)((const struct numbering__mrec *)p)->size + 7) / 8 * 8;
	unsigned char tmp[256];
	while (n > 0) {
		size_t k = n < sizeof(tmp) ? n : sizeof(tmp);
		memcpy(tmp, p, k);
		memcpy(p, q, k);
		memcpy(q, tmp, k);
		p += k;
		q += k;
		n -= k;
	}
}

/* Rebalances the trees where @rec's entries were. */
static void fix_links(struct memory *m, const struct numbering__mrec *rec, uint32_t handle)
{
	struct numbering__ordered *trees[3];
	uint64_t keys[3];
	int n = record_trees(m, rec, trees, keys);
	for (int i = 0; i < n; i++)
		numbering__ordered_fix(&m->pool, trees[i], keys[i], handle);
}

static int undo_reserve(struct memory *m)
{
	if (m->undo_count < m->undo_cap)
		return NUMBERING_OK;
	size_t cap = m->undo_cap ? m->undo_cap * 2 : 16;
	struct undo *undo = numbering__realloc(m->undo, cap * sizeof(*undo));
	if (undo == NULL)
		return NUMBERING_RESOURCE_EXHAUSTED;
	m->other_bytes += (cap - m->undo_cap) * sizeof(*undo);
	m->undo = undo;
	m->undo_cap = cap;
	return NUMBERING_OK;
}

static void undo_push(struct memory *m, uint32_t op, uint32_t hash, uint32_t old, uint32_t made)
{
	struct undo *u = &m->undo[m->undo_count++];
	u->op = op;
	u->hash = hash;
	u->old = old;
	u->made = made;
}

static void undo_trim(struct memory *m)
{
	m->undo_count = 0;
	/* A huge transaction's log is not kept for the next one. */
	if (m->undo_cap > 4096) {
		numbering__free_mem(m->undo);
		m->other_bytes -= m->undo_cap * sizeof(*m->undo);
		m->undo = NULL;
		m->undo_cap = 0;
	}
}

static void free_record(struct memory *m, uint32_t handle)
{
	numbering__slab_free(&m->slab, handle, record_at(m, handle)->size);
}

/* Metadata can be a secret (the store's page-token key): wiped before reuse. */
static void free_meta(struct memory *m, uint32_t handle)
{
	uint32_t size = meta_at(m, handle)->size;
	sodium_memzero(numbering__slab_get(&m->slab, handle), size);
	numbering__slab_free(&m->slab, handle, size);
}

static int read_record(numbering_instance *out, const struct memory *m, uint32_t handle)
{
	const struct numbering__mrec *rec = record_at(m, handle);
	const struct project *p = &m->projects[rec->project];
	if (numbering__mrec_read(out, rec, p->name, p->len) != NUMBERING_OK) {
		numbering__instance_reset(out);
		return out_of_memory("reading an instance");
	}
	return NUMBERING_OK;
}

/* A failed look-up leaves the caller's object empty, not holding a previous answer. */
static int not_found(numbering_instance *out, int rc)
{
	numbering__instance_reset(out);
	return rc;
}

/* The vtable. */

static int memory_begin(numbering_backend *backend)
{
	struct memory *m = (struct memory *)backend;
	if (m == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "backend", "memory backend: backend is NULL");
	if (m->in_transaction)
		return numbering__error_set(NUMBERING_FAILED_PRECONDITION, "memory backend: a transaction is already open");
	m->in_transaction = 1;
	m->undo_count = 0;
	return NUMBERING_OK;
}

static int memory_commit(numbering_backend *backend)
{
	struct memory *m = (struct memory *)backend;
	if (m == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "backend", "memory backend: backend is NULL");
	if (!m->in_transaction)
		return numbering__error_set(NUMBERING_FAILED_PRECONDITION, "memory backend: commit without a transaction");
	for (size_t i = 0; i < m->undo_count; i++) {
		const struct undo *u = &m->undo[i];
		if (u->old == 0)
			continue;
		if (UNDO_OP(u) == UNDO_META) {
			free_meta(m, u->old);
		} else if (u->op & UNDO_IN_SITU) {
			free_record(m, u->made); /* the old bytes */
		} else {
			if (!(u->op & UNDO_IN_PLACE))
				fix_links(m, record_at(m, u->old), u->old);
			free_record(m, u->old);
		}
	}
	undo_trim(m);
	m->in_transaction = 0;
	return NUMBERING_OK;
}

static int memory_rollback(numbering_backend *backend)
{
	struct memory *m = (struct memory *)backend;
	if (m == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "backend", "memory backend: backend is NULL");
	if (!m->in_transaction)
		return numbering__error_set(NUMBERING_FAILED_PRECONDITION, "memory backend: rollback without a transaction");
	/* Newest first, each step the exact inverse, so every put-back finds its room. */
	for (size_t i = m->undo_count; i-- > 0;) {
		const struct undo *u = &m->undo[i];
		switch (UNDO_OP(u)) {
		case UNDO_PUT:
			if (u->op & UNDO_IN_SITU) {
				swap_records(m, u->old, u->made);
				break;
			}
			index_unlink(m, record_at(m, u->made), u->made);
			if (u->old != 0) {
				index_link(m, record_at(m, u->old), u->old);
				numbering__mhash_replace(&m->names, u->hash, u->made, u->old);
			} else {
				numbering__mhash_remove(&m->names, u->hash, u->made);
			}
			break;
		case UNDO_REMOVE:
			index_link(m, record_at(m, u->old), u->old);
			numbering__mhash_insert(&m->names, u->hash, u->old);
			break;
		default:
			if (u->old != 0)
				numbering__mhash_replace(&m->metas, u->hash, u->made, u->old);
			else
				numbering__mhash_remove(&m->metas, u->hash, u->made);
			break;
		}
	}
	/* Only now may trees merge nodes again. */
	for (size_t i = 0; i < m->undo_count; i++) {
		const struct undo *u = &m->undo[i];
		if (UNDO_OP(u) == UNDO_PUT) {
			if (!(u->op & UNDO_IN_SITU))
				fix_links(m, record_at(m, u->made), u->made);
			free_record(m, u->made);
		} else if (UNDO_OP(u) == UNDO_META) {
			free_meta(m, u->made);
		}
	}
	undo_trim(m);
	m->in_transaction = 0;
	return NUMBERING_OK;
}

static int memory_get(numbering_instance *out, numbering_backend *backend, const char *name)
{
	const struct memory *m = (const struct memory *)backend;
	if (out == NULL || m == NULL || name == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, out == NULL ? "out" : m == NULL ? "backend" : "name",
		                              "memory backend get: an argument is NULL");
	size_t len = strlen(name);
	uint32_t handle = record_find(m, name, len, sip_hash(m, name, len));
	if (handle == 0) {
		char quoted[NUMBERING__QUOTE_SIZE];
		return not_found(out, numbering__error_set(NUMBERING_NOT_FOUND, "no instance is named %s",
		                                           numbering__quote(quoted, name, len)));
	}
	return read_record(out, m, handle);
}

/* Checks what the record codec and the keys rely on. */
static int check_instance(const numbering_instance *in)
{
	if (in->name.len == 0 || in->name.ptr == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "name",
		                              "memory backend put: the instance has no name");
	if (in->name.len > NAME_MAX_BYTES)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "name",
		                              "memory backend put: the name has more than %d bytes", NAME_MAX_BYTES);
	if (in->digits > DIGITS_MAX || (in->digits > 0 && (in->first > in->last || in->last >= powers_of_ten[in->digits])))
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_number",
		                              "memory backend put: numbers %llu..%llu of %u digits are not storable",
		                              (unsigned long long)in->first, (unsigned long long)in->last, in->digits);
	if (in->message_handler_count > NUMBERING_HANDLER_URIS_MAX || in->call_handler_count > NUMBERING_HANDLER_URIS_MAX ||
	    (in->label_count > 0 && in->labels == NULL))
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "memory backend put: the instance is malformed");
	return NUMBERING_OK;
}

static int memory_put(numbering_backend *backend, const numbering_instance *instance)
{
	struct memory *m = (struct memory *)backend;
	if (m == NULL || instance == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, m == NULL ? "backend" : "instance",
		                              "memory backend put: an argument is NULL");
	if (!m->in_transaction)
		return numbering__error_set(NUMBERING_FAILED_PRECONDITION, "memory backend: put outside a transaction");
	int rc = check_instance(instance);
	if (rc != NUMBERING_OK)
		return rc;
	const char *name = instance->name.ptr;
	size_t len = instance->name.len;
	uint32_t hash = sip_hash(m, name, len);
	/* Start loading the hash slots this put touches while the record is written. */
	prefetch_slot(&m->names, hash);
	if (instance->digits > 0 && instance->first == instance->last &&
	    instance->lifecycle_state != NUMBERING_LIFECYCLE_DELETED)
		prefetch_slot(&m->singles, number_hash(m, number_key(instance->digits, instance->first)));
	size_t project_len = numbering__mrec_project_len(name, len);
	uint32_t project = 0;
	if ((rc = project_get(m, name, project_len, &project)) != NUMBERING_OK)
		return rc;
	size_t size = numbering__mrec_size(instance, project_len);
	if (undo_reserve(m) != NUMBERING_OK)
		return out_of_memory("writing an instance");
	uint32_t handle = numbering__slab_alloc(&m->slab, size);
	if (handle == 0)
		return out_of_memory("writing an instance");
	struct numbering__mrec *rec = numbering__slab_get(&m->slab, handle);
	numbering__mrec_write(rec, instance, project, project_len);
	if (rec->size != size) {
		numbering__slab_free(&m->slab, handle, size);
		return numbering__error_set(NUMBERING_INTERNAL, "memory backend: a record took %u bytes, not %zu", rec->size,
		                            size);
	}
	uint32_t old = record_find(m, name, len, hash);
	if (old != 0 && fits_in_situ(m, record_at(m, old), rec)) {
		/* An update that moves the record in no index (a new display name, handlers,
		 * labels ...): write it over the old one, keeping the old bytes for rollback
		 * in the record just written. No index is touched. */
		swap_records(m, old, handle);
		undo_push(m, UNDO_PUT | UNDO_IN_SITU, hash, old, handle);
		return NUMBERING_OK;
	}
	if (reserve_links(m, rec, old == 0) != NUMBERING_OK) {
		numbering__slab_free(&m->slab, handle, size);
		return out_of_memory("indexing an instance");
	}
	uint32_t op = UNDO_PUT;
	if (old != 0) {
		if (index_relink(m, record_at(m, old), old, rec, handle))
			op |= UNDO_IN_PLACE;
		numbering__mhash_replace(&m->names, hash, old, handle);
	} else {
		numbering__mhash_insert(&m->names, hash, handle);
		index_link(m, rec, handle);
	}
	undo_push(m, op, hash, old, handle);
	return NUMBERING_OK;
}

static int memory_remove(numbering_backend *backend, const char *name)
{
	struct memory *m = (struct memory *)backend;
	if (m == NULL || name == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, m == NULL ? "backend" : "name",
		                              "memory backend remove: an argument is NULL");
	if (!m->in_transaction)
		return numbering__error_set(NUMBERING_FAILED_PRECONDITION, "memory backend: remove outside a transaction");
	size_t len = strlen(name);
	uint32_t hash = sip_hash(m, name, len);
	uint32_t old = record_find(m, name, len, hash);
	if (old == 0) {
		char quoted[NUMBERING__QUOTE_SIZE];
		return numbering__error_set(NUMBERING_NOT_FOUND, "no instance is named %s",
		                            numbering__quote(quoted, name, len));
	}
	if (undo_reserve(m) != NUMBERING_OK)
		return out_of_memory("removing an instance");
	index_unlink(m, record_at(m, old), old);
	numbering__mhash_remove(&m->names, hash, old);
	undo_push(m, UNDO_REMOVE, hash, old, 0);
	return NUMBERING_OK;
}

static int memory_find(numbering_instance *out, numbering_backend *backend, uint64_t first, uint64_t last,
                       int digits)
{
	const struct memory *m = (const struct memory *)backend;
	if (out == NULL || m == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, out == NULL ? "out" : "backend",
		                              "memory backend find: an argument is NULL");
	if (first > last)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "memory backend find: first is after last");
	uint32_t handle = 0;
	if (digits >= 1 && digits <= DIGITS_MAX && first < powers_of_ten[digits]) {
		if (last >= powers_of_ten[digits])
			last = powers_of_ten[digits] - 1;
		uint64_t key_first = number_key((unsigned)digits, first), key_last = number_key((unsigned)digits, last);
		struct numbering__ordered_cursor cursor;
		uint32_t hash = number_hash(m, key_first), range = 0;
		/* The three look-ups are independent: load the hash slot while the ranges
		 * are searched, and read the candidate range only if no single matched. */
		if (first == last)
			prefetch_slot(&m->singles, hash);
		if (m->ranges.count > 0 && numbering__ordered_seek_le(&cursor, &m->ranges, key_last, UINT32_MAX) &&
		    numbering__ordered_key(&cursor) >= number_key((unsigned)digits, 0))
			range = numbering__ordered_value(&cursor);
		if (first == last) {
			struct numbering__mprobe probe;
			numbering__mhash_start(&probe, &m->singles, hash);
			for (uint32_t h; (h = numbering__mhash_next(&probe, &m->singles)) != 0;) {
				const struct numbering__mrec *rec = record_at(m, h);
				if (rec->first == first && rec->digits == digits) {
					handle = h;
					break;
				}
			}
		} else if (numbering__ordered_seek_ge(&cursor, &m->singles_sorted, key_first, 0) &&
		           numbering__ordered_key(&cursor) <= key_last) {
			handle = numbering__ordered_value(&cursor);
		}
		if (handle == 0 && range != 0 && numbering__mrec_last(record_at(m, range)) >= first)
			handle = range;
	}
	if (handle == 0)
		return not_found(out,
		                 numbering__error_set(NUMBERING_NOT_FOUND, "memory backend: no instance holds the number"));
	return read_record(out, m, handle);
}

/* Listing. */

struct candidate {
	int64_t time;
	uint32_t handle;
};

/* A min-heap by time of at most cap candidates: the newest seen so far. */
struct newest {
	struct candidate *items;
	size_t count, cap;
};

/* Moves a[i] down to its place in the min-heap of @count items. */
static void sift_down(struct candidate *a, size_t count, size_t i)
{
	struct candidate item = a[i];
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= count)
			break;
		if (c + 1 < count && a[c + 1].time < a[c].time)
			c++;
		if (a[c].time >= item.time)
			break;
		a[i] = a[c];
		i = c;
	}
	a[i] = item;
}

static void newest_offer(struct newest *heap, int64_t time, uint32_t handle)
{
	struct candidate *a = heap->items;
	if (heap->count < heap->cap) {
		size_t i = heap->count++;
		while (i > 0 && a[(i - 1) / 2].time > time) {
			a[i] = a[(i - 1) / 2];
			i = (i - 1) / 2;
		}
		a[i].time = time;
		a[i].handle = handle;
	} else if (heap->cap > 0 && time > a[0].time) {
		a[0].time = time;
		a[0].handle = handle;
		sift_down(a, heap->count, 0);
	}
}

/* Sorts the heap newest first: each step moves the oldest left to the end. */
static void newest_sort(struct newest *heap)
{
	struct candidate *a = heap->items;
	for (size_t n = heap->count; n > 1; n--) {
		struct candidate oldest = a[0];
		a[0] = a[n - 1];
		a[n - 1] = oldest;
		sift_down(a, n - 1, 0);
	}
}

struct prefix {
	uint64_t value; /* the prefix digits as a number */
	unsigned len;   /* how many digits */
};

/* Whether any number of [first, last] of @digits digits starts with the prefix. */
static int prefix_matches(const struct prefix *p, unsigned digits, uint64_t first, uint64_t last)
{
	if (digits < p->len || digits == 0)
		return 0;
	uint64_t lo = p->value * powers_of_ten[digits - p->len], hi = lo + powers_of_ten[digits - p->len] - 1;
	return first <= hi && last >= lo;
}

struct lister {
	const struct memory *m;
	const struct project *project;
	const numbering_backend_query *query;
	numbering_backend_visit_cb visit;
	void *payload;
	numbering_instance scratch;
	int visited;
	int stop;
	int rc;
};

/* Decodes and visits one record; sets stop when the page is full or visit says so. */
static void emit(struct lister *l, uint32_t handle)
{
	const struct numbering__mrec *rec = record_at(l->m, handle);
	const numbering_instance *instance = &l->scratch;
	if (l->query->version >= 2 && l->query->place != NULL) {
		/* Straight into the visitor's memory: one copy of each string, not two. */
		struct numbering__mrec_layout layout;
		numbering__mrec_measure(&layout, rec, l->project->len);
		void *block = l->query->place(l->payload, layout.size);
		if (block == NULL) {
			l->stop = 1; /* the visitor's answer (full, or out of memory) is its own */
			return;
		}
		instance = numbering__mrec_place(block, &layout, rec, l->project->name, l->project->len);
		if (instance == NULL) {
			l->rc = numbering__error_set(NUMBERING_INTERNAL, "memory backend list: a record's size does not add up");
			l->stop = 1;
			return;
		}
	} else if (numbering__mrec_read(&l->scratch, rec, l->project->name, l->project->len) != NUMBERING_OK) {
		l->rc = out_of_memory("listing instances");
		l->stop = 1;
		return;
	}
	l->visited++;
	if (l->visit(instance, l->payload) != 0 || l->visited >= l->query->limit)
		l->stop = 1;
}

/* Positions @c at the newest entry of @tree created before the query's bound. */
static int seek_newest(struct numbering__ordered_cursor *c, const struct numbering__ordered *tree, int64_t before)
{
	if (before == 0)
		return numbering__ordered_last(c, tree);
	uint64_t key = time_key(before);
	return key > 0 && numbering__ordered_seek_le(c, tree, key - 1, UINT32_MAX);
}

/* The project's records newest first from the query's cursor, merging live and
 * deleted ones when deleted ones are wanted. */
struct time_walk {
	struct numbering__ordered_cursor live, deleted;
	int has_live, has_deleted;
};

static void walk_start(struct time_walk *w, const struct lister *l)
{
	int64_t before = l->query->created_before;
	w->has_live = seek_newest(&w->live, &l->project->live_by_time, before);
	w->has_deleted = l->query->include_deleted && seek_newest(&w->deleted, &l->project->deleted_by_time, before);
}

/* The next handle, 0 at the end. */
static uint32_t walk_next(struct time_walk *w, const struct memory *m)
{
	if (!w->has_live && !w->has_deleted)
		return 0;
	struct numbering__ordered_cursor *c = &w->live;
	int *has = &w->has_live;
	if (!w->has_live || (w->has_deleted && numbering__ordered_key(&w->deleted) > numbering__ordered_key(&w->live))) {
		c = &w->deleted;
		has = &w->has_deleted;
	}
	uint32_t handle = numbering__ordered_value(c);
	*has = numbering__ordered_prev(c);
	/* The caller is about to read this record: start loading the one after it. */
	if (*has)
		NUMBERING__PREFETCH(record_at(m, numbering__ordered_value(c)));
	return handle;
}

/*
 * The project's records that may hold a number with the prefix, in number order,
 * from its number indexes. For each digit count L >= the prefix's length, the
 * numbers with the prefix form one interval [lo, hi], one key range. Records
 * starting inside it are in that key range. Records starting before it and reaching
 * into it: among live records (which never overlap) only the one starting last
 * before lo can; deleted records may overlap, so their scan starts deleted_span
 * before lo (the widest deleted record the project has indexed) and skips those
 * ending before lo. Exact, and fast unless a project keeps a very wide deleted
 * range next to many deleted records.
 */
struct number_scan {
	struct numbering__ordered_cursor c;
	unsigned digits;
	int phase;
	int ok;
	uint64_t lo, key_hi;
};

#define SCAN_PREFETCH 6

enum { SCAN_DIGITS, SCAN_LIVE, SCAN_LIVE_NEXT, SCAN_DELETED, SCAN_DELETED_NEXT };

static uint32_t scan_next(struct number_scan *s, const struct lister *l, const struct prefix *prefix)
{
	const struct project *p = l->project;
	for (;;) {
		switch (s->phase) {
		case SCAN_DIGITS:
			if (s->digits > DIGITS_MAX)
				return 0;
			s->lo = prefix->value * powers_of_ten[s->digits - prefix->len];
			s->key_hi = number_key(s->digits, s->lo + powers_of_ten[s->digits - prefix->len] - 1);
			s->phase = SCAN_LIVE;
			if (s->lo > 0 &&
			    numbering__ordered_seek_le(&s->c, &p->live_numbers, number_key(s->digits, s->lo) - 1, UINT32_MAX) &&
			    numbering__ordered_key(&s->c) >= number_key(s->digits, 0)) {
				uint32_t h = numbering__ordered_value(&s->c);
				if (numbering__mrec_last(record_at(l->m, h)) >= s->lo)
					return h;
			}
			break;
		case SCAN_LIVE:
			s->ok = numbering__ordered_seek_ge(&s->c, &p->live_numbers, number_key(s->digits, s->lo), 0);
			s->phase = SCAN_LIVE_NEXT;
			break;
		case SCAN_LIVE_NEXT:
			if (s->ok && numbering__ordered_key(&s->c) <= s->key_hi) {
				uint32_t h = numbering__ordered_value(&s->c), ahead;
				/* Matches are read in number order, scattered in memory: load ahead. */
				if (numbering__ordered_peek(&s->c, SCAN_PREFETCH, &ahead))
					NUMBERING__PREFETCH(record_at(l->m, ahead));
				s->ok = numbering__ordered_next(&s->c);
				return h;
			}
			s->phase = l->query->include_deleted ? SCAN_DELETED : SCAN_DIGITS;
			if (s->phase == SCAN_DIGITS)
				s->digits++;
			break;
		case SCAN_DELETED: {
			uint64_t from = s->lo > p->deleted_span ? s->lo - p->deleted_span : 0;
			s->ok = numbering__ordered_seek_ge(&s->c, &p->deleted_numbers, number_key(s->digits, from), 0);
			s->phase = SCAN_DELETED_NEXT;
			break;
		}
		default:
			while (s->ok && numbering__ordered_key(&s->c) <= s->key_hi) {
				uint32_t h = numbering__ordered_value(&s->c), ahead;
				if (numbering__ordered_peek(&s->c, SCAN_PREFETCH, &ahead))
					NUMBERING__PREFETCH(record_at(l->m, ahead));
				s->ok = numbering__ordered_next(&s->c);
				if (numbering__mrec_last(record_at(l->m, h)) >= s->lo)
					return h;
			}
			s->phase = SCAN_DIGITS;
			s->digits++;
			break;
		}
	}
}

static void list_all(struct lister *l)
{
	struct time_walk w;
	walk_start(&w, l);
	for (uint32_t h; !l->stop && (h = walk_next(&w, l->m)) != 0;)
		emit(l, h);
}

/*
 * A page with a prefix comes either from the number indexes (every match read,
 * the newest kept: cheap when the prefix is rare) or from the walk by time (each
 * record tested until the page is full: cheap when the prefix is common). Which
 * one is cheaper is not known in advance, so both advance in step and the first
 * to finish answers: never more than twice the work of the better one.
 */
static int list_by_prefix(struct lister *l, const struct prefix *prefix)
{
	if (prefix->len > DIGITS_MAX)
		return NUMBERING_OK; /* longer than any storable number */
	const struct project *p = l->project;
	size_t records = p->live_by_time.count + (l->query->include_deleted ? p->deleted_by_time.count : 0);
	size_t cap = (size_t)l->query->limit < records ? (size_t)l->query->limit : records;
	struct candidate small_heap[SCRATCH_HEAP_ON_STACK];
	uint32_t small_walk[SCRATCH_HEAP_ON_STACK];
	struct newest heap = {small_heap, 0, cap};
	uint32_t *walked = small_walk;
	if (cap > SCRATCH_HEAP_ON_STACK) {
		heap.items = numbering__malloc(cap * sizeof(*heap.items));
		walked = numbering__malloc(cap * sizeof(*walked));
		if (heap.items == NULL || walked == NULL) {
			numbering__free_mem(heap.items);
			numbering__free_mem(walked);
			return out_of_memory("listing instances");
		}
	}
	struct number_scan scan;
	memset(&scan, 0, sizeof(scan));
	scan.digits = prefix->len;
	struct time_walk walk;
	walk_start(&walk, l);
	size_t walk_count = 0;
	int by_number;
	for (;;) {
		uint32_t h = scan_next(&scan, l, prefix);
		if (h == 0) {
			by_number = 1;
			break;
		}
		const struct numbering__mrec *rec = record_at(l->m, h);
		if (l->query->created_before == 0 || rec->create_time < l->query->created_before)
			newest_offer(&heap, rec->create_time, h);
		h = walk_next(&walk, l->m);
		if (h == 0) {
			by_number = 0;
			break;
		}
		rec = record_at(l->m, h);
		if (prefix_matches(prefix, rec->digits, rec->first, numbering__mrec_last(rec))) {
			walked[walk_count++] = h;
			if (walk_count == cap) {
				by_number = 0;
				break;
			}
		}
	}
	if (by_number) {
		newest_sort(&heap);
		for (size_t i = 0; i < heap.count && !l->stop; i++)
			emit(l, heap.items[i].handle);
	} else {
		/* The walk filled the page, or saw every record. */
		for (size_t i = 0; i < walk_count && !l->stop; i++)
			emit(l, walked[i]);
	}
	if (heap.items != small_heap) {
		numbering__free_mem(heap.items);
		numbering__free_mem(walked);
	}
	return NUMBERING_OK;
}

static int parse_prefix(struct prefix *prefix, const char *digits)
{
	prefix->value = 0;
	prefix->len = 0;
	for (const char *s = digits; *s; s++) {
		if (*s < '0' || *s > '9')
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "prefix_digits",
			                              "memory backend list: the prefix is not all digits");
		if (prefix->len < DIGITS_MAX + 1)
			prefix->value = prefix->value * 10 + (uint64_t)(*s - '0');
		prefix->len++;
	}
	return NUMBERING_OK;
}

static int memory_list(numbering_backend *backend, const numbering_backend_query *query,
                       numbering_backend_visit_cb visit, void *payload)
{
	const struct memory *m = (const struct memory *)backend;
	if (m == NULL || query == NULL || visit == NULL || query->project == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT,
		                              m == NULL ? "backend" : visit == NULL ? "visit" : "query",
		                              "memory backend list: an argument is NULL");
	if (query->version < 1)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "version",
		                              "memory backend list: query version %u is unknown", query->version);
	if (query->limit < 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "limit", "memory backend list: limit %d is negative",
		                              query->limit);
	struct prefix prefix = {0, 0};
	int rc;
	if (query->prefix_digits != NULL && (rc = parse_prefix(&prefix, query->prefix_digits)) != NUMBERING_OK)
		return rc;
	size_t len = strlen(query->project);
	uint32_t h = project_find(m, query->project, len, sip_hash(m, query->project, len));
	if (h == 0 || query->limit == 0)
		return NUMBERING_OK;
	struct lister l;
	memset(&l, 0, sizeof(l));
	l.m = m;
	l.project = &m->projects[h - 1];
	l.query = query;
	l.visit = visit;
	l.payload = payload;
	if (prefix.len == 0) {
		list_all(&l);
		rc = NUMBERING_OK;
	} else {
		rc = list_by_prefix(&l, &prefix);
	}
	numbering__mrec_release(&l.scratch);
	return rc != NUMBERING_OK ? rc : l.rc;
}

/* Metadata. */

static uint32_t meta_find(const struct memory *m, const char *key, size_t len, uint32_t hash)
{
	struct numbering__mprobe probe;
	numbering__mhash_start(&probe, &m->metas, hash);
	for (uint32_t h; (h = numbering__mhash_next(&probe, &m->metas)) != 0;) {
		const struct meta *e = meta_at(m, h);
		if (e->key_len == len && memcmp(e + 1, key, len) == 0)
			return h;
	}
	return 0;
}

static int memory_meta_get(numbering_backend *backend, const char *key, void *buf, size_t *len)
{
	const struct memory *m = (const struct memory *)backend;
	if (m == NULL || key == NULL || len == NULL || (buf == NULL && *len > 0))
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, m == NULL ? "backend" : key == NULL ? "key" : "buf",
		                              "memory backend meta_get: an argument is NULL");
	size_t key_len = strlen(key);
	uint32_t h = meta_find(m, key, key_len, sip_hash(m, key, key_len));
	if (h == 0) {
		char quoted[NUMBERING__QUOTE_SIZE];
		return numbering__error_set(NUMBERING_NOT_FOUND, "memory backend: no metadata %s",
		                            numbering__quote(quoted, key, key_len));
	}
	const struct meta *e = meta_at(m, h);
	if (*len < e->value_len) {
		*len = e->value_len;
		return numbering__error_set(NUMBERING_OUT_OF_RANGE, "memory backend: metadata value needs %u bytes",
		                            e->value_len);
	}
	if (e->value_len > 0)
		memcpy(buf, (const char *)(e + 1) + e->key_len, e->value_len);
	*len = e->value_len;
	return NUMBERING_OK;
}

static int memory_meta_put(numbering_backend *backend, const char *key, const void *value, size_t len)
{
	struct memory *m = (struct memory *)backend;
	if (m == NULL || key == NULL || (value == NULL && len > 0))
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, m == NULL ? "backend" : key == NULL ? "key" : "value",
		                              "memory backend meta_put: an argument is NULL");
	if (!m->in_transaction)
		return numbering__error_set(NUMBERING_FAILED_PRECONDITION, "memory backend: meta_put outside a transaction");
	size_t key_len = strlen(key);
	if (key_len > META_KEY_MAX || len > UINT32_MAX / 2)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT,
		                            "memory backend meta_put: the key or value is too long");
	uint32_t hash = sip_hash(m, key, key_len);
	uint32_t old = meta_find(m, key, key_len, hash);
	size_t size = sizeof(struct meta) + key_len + len;
	if (undo_reserve(m) != NUMBERING_OK || (old == 0 && numbering__mhash_reserve(&m->metas, 1, &m->hash_bytes) != 0))
		return out_of_memory("writing metadata");
	uint32_t handle = numbering__slab_alloc(&m->slab, size);
	if (handle == 0)
		return out_of_memory("writing metadata");
	struct meta *e = numbering__slab_get(&m->slab, handle);
	e->size = (uint32_t)size;
	e->key_len = (uint32_t)key_len;
	e->value_len = (uint32_t)len;
	e->unused = 0;
	memcpy(e + 1, key, key_len);
	if (len > 0)
		memcpy((char *)(e + 1) + key_len, value, len);
	if (old != 0)
		numbering__mhash_replace(&m->metas, hash, old, handle);
	else
		numbering__mhash_insert(&m->metas, hash, handle);
	undo_push(m, UNDO_META, hash, old, handle);
	return NUMBERING_OK;
}

/* Control. */

static size_t tree_bytes(const struct memory *m)
{
	return m->pool.bytes;
}

static void stats(const struct memory *m, struct numbering__memory_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->record_bytes = m->slab.bytes;
	s->record_used = m->slab.used;
	s->tree_bytes = tree_bytes(m);
	s->hash_bytes = m->hash_bytes;
	s->other_bytes = m->other_bytes + sizeof(*m);
	s->bytes = s->record_bytes + s->tree_bytes + s->hash_bytes + s->other_bytes;
	s->records = m->names.count;
	s->metas = m->metas.count;
	s->projects = m->project_count;
}

static int check_failed(const char *what)
{
	return numbering__error_set(NUMBERING_INTERNAL, "memory backend check: %s", what);
}

/* Every entry of @tree names a record that belongs there under that key. */
static int check_tree(struct memory *m, const struct numbering__ordered *tree, size_t *entries)
{
	if (numbering__ordered_check(tree) != 0)
		return check_failed("a tree is malformed");
	struct numbering__ordered_cursor c;
	for (int ok = numbering__ordered_first(&c, tree); ok; ok = numbering__ordered_next(&c)) {
		uint32_t h = numbering__ordered_value(&c);
		const struct numbering__mrec *rec = record_at(m, h);
		struct numbering__ordered *trees[3];
		uint64_t keys[3];
		int n = record_trees(m, rec, trees, keys), found = 0;
		for (int i = 0; i < n; i++)
			found |= trees[i] == tree && keys[i] == numbering__ordered_key(&c);
		if (!found)
			return check_failed("a tree entry does not match its record");
		(*entries)++;
	}
	return NUMBERING_OK;
}

static int check(struct memory *m)
{
	size_t entries = 0, expected = 0;
	int rc;
	if ((rc = check_tree(m, &m->singles_sorted, &entries)) != NUMBERING_OK ||
	    (rc = check_tree(m, &m->ranges, &entries)) != NUMBERING_OK)
		return rc;
	for (uint32_t i = 0; i < m->project_count; i++) {
		const struct project *p = &m->projects[i];
		const struct numbering__ordered *trees[] = {&p->live_by_time, &p->deleted_by_time, &p->live_numbers,
		                                            &p->deleted_numbers};
		for (int t = 0; t < 4; t++)
			if ((rc = check_tree(m, trees[t], &entries)) != NUMBERING_OK)
				return rc;
		struct numbering__ordered_cursor c;
		for (int ok = numbering__ordered_first(&c, &p->deleted_numbers); ok; ok = numbering__ordered_next(&c)) {
			const struct numbering__mrec *rec = record_at(m, numbering__ordered_value(&c));
			if (numbering__mrec_last(rec) - rec->first > p->deleted_span)
				return check_failed("a deleted record is wider than its project's deleted span");
		}
	}
	uint32_t singles = 0;
	for (uint32_t i = 0; i < m->names.cap; i++) {
		const struct numbering__mslot *slot = &m->names.slots[i];
		if (slot->handle == 0)
			continue;
		const struct numbering__mrec *rec = record_at(m, slot->handle);
		const struct project *p = &m->projects[rec->project];
		char name[NAME_MAX_BYTES + 1];
		size_t len = numbering__mrec_name(name, sizeof(name), rec, p->name, p->len);
		if (sip_hash(m, name, len) != slot->hash || record_find(m, name, len, slot->hash) != slot->handle)
			return check_failed("a name does not find its record");
		if (!numbering__mrec_noted_sizes_agree(rec, p->len))
			return check_failed("a record's noted decoded size is not what it decodes to");
		struct numbering__ordered *trees[3];
		uint64_t keys[3];
		expected += (size_t)record_trees(m, rec, trees, keys);
		if (is_live_single(rec)) {
			singles++;
			struct numbering__mprobe probe;
			uint32_t h;
			numbering__mhash_start(&probe, &m->singles, number_hash(m, keys[1]));
			while ((h = numbering__mhash_next(&probe, &m->singles)) != 0 && h != slot->handle)
				;
			if (h == 0)
				return check_failed("a single number is missing from the number hash");
		}
	}
	if (singles != m->singles.count)
		return check_failed("the number hash holds records it should not");
	if (entries != expected)
		return check_failed("the trees hold more or fewer entries than the records need");
	for (uint32_t i = 0; i < m->metas.cap; i++) {
		const struct numbering__mslot *slot = &m->metas.slots[i];
		if (slot->handle == 0)
			continue;
		const struct meta *e = meta_at(m, slot->handle);
		if (meta_find(m, (const char *)(e + 1), e->key_len, slot->hash) != slot->handle)
			return check_failed("a metadata key does not find its value");
	}
	return NUMBERING_OK;
}

static int foreach(struct memory *m, const struct numbering__memory_foreach *f)
{
	if (m->in_transaction)
		return numbering__error_set(NUMBERING_FAILED_PRECONDITION, "memory backend: foreach inside a transaction");
	numbering_instance *scratch = NULL;
	int rc = numbering_instance_new(&scratch);
	for (uint32_t i = 0; rc == NUMBERING_OK && f->instance != NULL && i < m->names.cap; i++) {
		if (m->names.slots[i].handle == 0)
			continue;
		if ((rc = read_record(scratch, m, m->names.slots[i].handle)) == NUMBERING_OK)
			rc = f->instance(scratch, f->payload);
	}
	numbering_instance_free(scratch);
	for (uint32_t i = 0; rc == NUMBERING_OK && f->meta != NULL && i < m->metas.cap; i++) {
		if (m->metas.slots[i].handle == 0)
			continue;
		const struct meta *e = meta_at(m, m->metas.slots[i].handle);
		rc = f->meta((const char *)(e + 1), e->key_len, (const char *)(e + 1) + e->key_len, e->value_len, f->payload);
	}
	return rc;
}

static int memory_control(numbering_backend *backend, int op, void *arg)
{
	struct memory *m = (struct memory *)backend;
	if (m == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "backend", "memory backend: backend is NULL");
	struct numbering__memory_stats s;
	switch (op) {
	case NUMBERING_BACKEND_CONTROL_COUNT:
		if (arg == NULL)
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "arg", "memory backend control: arg is NULL");
		*(int64_t *)arg = m->names.count;
		return NUMBERING_OK;
	case NUMBERING__MEMORY_CONTROL_BYTES:
		if (arg == NULL)
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "arg", "memory backend control: arg is NULL");
		stats(m, &s);
		*(size_t *)arg = s.bytes;
		return NUMBERING_OK;
	case NUMBERING__MEMORY_CONTROL_STATS:
		if (arg == NULL)
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "arg", "memory backend control: arg is NULL");
		stats(m, arg);
		return NUMBERING_OK;
	case NUMBERING__MEMORY_CONTROL_CHECK:
		return check(m);
	case NUMBERING__MEMORY_CONTROL_RESERVE:
		if (arg == NULL)
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "arg", "memory backend control: arg is NULL");
		if (numbering__mhash_reserve(&m->names, *(uint32_t *)arg, &m->hash_bytes) != NUMBERING_OK ||
		    numbering__mhash_reserve(&m->singles, *(uint32_t *)arg, &m->hash_bytes) != NUMBERING_OK)
			return out_of_memory("reserving");
		return NUMBERING_OK;
	case NUMBERING__MEMORY_CONTROL_FOREACH:
		if (arg == NULL)
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "arg", "memory backend control: arg is NULL");
		return foreach(m, arg);
	default:
		return numbering__error_set(NUMBERING_UNIMPLEMENTED, "memory backend: no control operation %d", op);
	}
}

static void memory_free(numbering_backend *backend)
{
	struct memory *m = (struct memory *)backend;
	if (m == NULL)
		return;
	for (uint32_t i = 0; i < m->project_count; i++) {
		struct project *p = &m->projects[i];
		numbering__ordered_destroy(&m->pool, &p->live_by_time);
		numbering__ordered_destroy(&m->pool, &p->deleted_by_time);
		numbering__ordered_destroy(&m->pool, &p->live_numbers);
		numbering__ordered_destroy(&m->pool, &p->deleted_numbers);
		numbering__free_mem(p->name);
	}
	numbering__free_mem(m->projects);
	numbering__ordered_destroy(&m->pool, &m->singles_sorted);
	numbering__ordered_destroy(&m->pool, &m->ranges);
	numbering__ordered_pool_drain(&m->pool);
	numbering__mhash_destroy(&m->names, &m->hash_bytes);
	numbering__mhash_destroy(&m->singles, &m->hash_bytes);
	for (uint32_t i = 0; i < m->metas.cap; i++) {
		uint32_t h = m->metas.slots[i].handle;
		if (h != 0)
			sodium_memzero(numbering__slab_get(&m->slab, h), meta_at(m, h)->size);
	}
	numbering__mhash_destroy(&m->metas, &m->hash_bytes);
	numbering__mhash_destroy(&m->project_index, &m->hash_bytes);
	numbering__slab_destroy(&m->slab);
	numbering__free_mem(m->undo);
	sodium_memzero(m->sip_key, sizeof(m->sip_key));
	sodium_memzero(m->seed, sizeof(m->seed));
	numbering__free_mem(m);
}

int numbering_memory_backend_new(numbering_backend **out)
{
	if (out == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "out", "numbering_memory_backend_new: out is NULL");
	*out = NULL;
	if (sodium_init() < 0)
		return numbering__error_set(NUMBERING_INTERNAL, "libsodium failed to initialize");
	struct memory *m = numbering__calloc(1, sizeof(*m));
	if (m == NULL)
		return out_of_memory("creating a backend");
	m->base.version = NUMBERING_BACKEND_VERSION;
	m->base.begin = memory_begin;
	m->base.commit = memory_commit;
	m->base.rollback = memory_rollback;
	m->base.get = memory_get;
	m->base.put = memory_put;
	m->base.remove = memory_remove;
	m->base.find = memory_find;
	m->base.list = memory_list;
	m->base.meta_get = memory_meta_get;
	m->base.meta_put = memory_meta_put;
	m->base.control = memory_control;
	m->base.free = memory_free;
	crypto_shorthash_keygen(m->sip_key);
	randombytes_buf(m->seed, sizeof(m->seed));
	numbering__slab_init(&m->slab);
	numbering__ordered_pool_init(&m->pool);
	*out = &m->base;
	return NUMBERING_OK;
}
