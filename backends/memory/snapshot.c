/*
 * Reads that never wait for a writer (issue 15; docs/CONCEPTS.md, "Concurrency"): the
 * memory backend as two copies of the record store (records.c) under a left-right
 * scheme. This is what numbering_memory_backend_new() hands out; it starts with one
 * copy (every call passes straight through) and takes a second on
 * NUMBERING__CONTROL_SNAPSHOTS, which a store sends at open unless its options turn
 * snapshot reads off.
 *
 * With two copies, readers read the published one; the writer's transaction changes
 * the other, in place with the record store's undo log, so it reads its own writes,
 * and keeps a redo list (a copy of each put and remove that succeeded). Commit
 * publishes the written copy with one atomic store: a reader sees the whole
 * transaction or none of it. The copy readers left is brought level at the next
 * begin: once no reader is inside it, the redo list is replayed onto it in one
 * transaction of its own. Replaying the same operations onto the same state gives the
 * same state, so the two copies stay equal between transactions. The two copies share
 * their hash keys, and the redo list keeps the names hash each put computed: the
 * replay's put neither hashes the name again nor searches for another holder of its
 * numbers (numbering__memory_records_put()), which the first put already did on an
 * equal copy.
 *
 * A reader counts itself in the counter of the copy it reads, in one of SLOTS padded
 * slots chosen once per thread, and checks that the copy is still the published one
 * (else it steps out and takes the other): a reader never waits, and two readers never
 * write the same cache line unless they share a slot. The writer waits, before it
 * replays onto a copy, for that copy's counters to fall to zero; a reader holds a copy
 * for one look-up, get or page. The publish and the counters form a Dekker handshake,
 * all four accesses sequentially consistent: either the writer sees the reader's count
 * or the reader sees the new copy published.
 *
 * A reader that reads several records as one (phone routing) holds the copy it
 * reads for its next reads (NUMBERING__CONTROL_SNAPSHOT_HOLD, a thread-local hold
 * counted once in its slot), so they see one commit; the writer's next begin waits
 * for it to let go, as for any reader.
 *
 * The thread inside a write transaction reads the written copy (its own writes); it
 * is told from the others by the address of a thread-local byte, which a reader
 * compares only when its thread has a transaction open (a thread-local count).
 *
 * What a reader reads on every call (the copies, the published index) sits on cache
 * lines the writer writes only at commit; the writer's own state (owner, redo lists,
 * written many times a transaction) is a cache line away, and each reader's slot on
 * lines of its own. A reader beside a writer in a loop then loses, per commit, the
 * line of the publish and the lines the transaction changed in the copy it moves to,
 * not a line per write (bench/bench-concurrency.c, docs/PERFORMANCE.md).
 *
 * Records no lock-free reader reads are kept once, in a third record store beside the
 * copies (side): the change journal's ring (CHANGE) and the store's META records, which
 * hold no numbers and which the store reads only under its read lock (lists, the
 * journal), at open or inside its own write transaction, never by a snapshot read
 * (get and resolve read instances, by name and by number). A commit writes one of
 * each, so with them kept once the second copy's replay is half as long. A record of
 * those kinds that holds numbers is refused (find, a lock-free read, reads the copies
 * only).
 *
 * The price: the other records and their indexes twice in memory, and their writes
 * applied twice (and copied once into the redo list).
 */
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "core/alloc.h"
#include "core/cpu-relax.h"
#include "core/error.h"
#include "memory.h"
#include "model/kinds.h"
#include "model/record.h"
#include "numbering/sys/backend.h"
#include "numbering/sys/record.h"

#define SLOTS 16
#define SLOT_BYTES 128 /* two slots never share a 64-byte cache line */

struct slot {
	atomic_uint readers[2]; /* readers inside copy 0 and copy 1 */
	char pad[SLOT_BYTES - 2 * sizeof(atomic_uint)];
};

struct redo {
	unsigned char *data;
	size_t len, cap;
};

/* A cache line's worth of bytes between fields that different threads write: with it,
 * they never share a 64-byte line whatever the allocator's alignment. */
#define GAP 64

struct snap {
	/* Read at every call; written at open, by set_snapshots and (pub) once a commit. */
	numbering_backend base;
	numbering_backend *copy[2]; /* copy[1] NULL: one copy, the caller's lock guards it */
	numbering_backend *side;    /* with two copies: the records kept once (side_kind) */
	atomic_uint pub;            /* the copy readers read */
	char gap0[GAP];
	/* The writer's, written many times a transaction; readers read owner only from a
	 * thread with a transaction open. */
	_Atomic(const void *) owner; /* the thread inside a write transaction, or NULL */
	int in_txn;
	struct redo redo;    /* the open transaction's writes */
	struct redo pending; /* the last commit's, not yet replayed onto the other copy */
	char gap1[GAP];
	struct slot slots[SLOTS];
};

static _Thread_local unsigned char thread_mark;
/* Transactions this thread has open on snapshot backends (the owner of each). */
static _Thread_local unsigned thread_txns;
static _Thread_local unsigned my_slot = SLOTS;
static atomic_uint next_slot;
/* The backend whose copy this thread holds (NUMBERING__CONTROL_SNAPSHOT_HOLD), or NULL;
 * the copy, and where the hold is counted. */
static _Thread_local const struct snap *held;
static _Thread_local numbering_backend *held_copy;
static _Thread_local unsigned held_slot, held_side;

static const void *me(void)
{
	return &thread_mark;
}

static unsigned thread_slot(void)
{
	/* Sequentially consistent, before this thread's first count in a slot: drain()
	 * then sees every slot a reader inside a copy has taken. */
	if (my_slot == SLOTS)
		my_slot = atomic_fetch_add(&next_slot, 1) % SLOTS;
	return my_slot;
}

static int bad_backend(void)
{
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "backend", "memory backend: backend is NULL");
}

/* Kept once, in the side store, beside two copies: kinds no lock-free read reads. */
static int side_kind(int kind)
{
	return kind == NUMBERING__KIND_CHANGE || kind == NUMBERING__KIND_META;
}

/* The store that keeps records of @kind outside a snapshot read: the side store, or
 * NULL (the copies). */
static numbering_backend *side_of(const struct snap *s, int kind)
{
	return s->side != NULL && side_kind(kind) ? s->side : NULL;
}

/* The copy the writer changes (two copies only). */
static numbering_backend *written(const struct snap *s)
{
	return s->copy[1 - atomic_load_explicit(&s->pub, memory_order_relaxed)];
}

/* What a read reads, counted in *slot / *side (side 2: not counted). */
static numbering_backend *enter(struct snap *s, unsigned *slot, unsigned *side)
{
	*side = 2;
	if (s->copy[1] == NULL)
		return s->copy[0];
	/* Only a thread inside some transaction may be this one's writer: the others do
	 * not read the writer's line. */
	if (thread_txns != 0 && atomic_load_explicit(&s->owner, memory_order_relaxed) == me())
		return written(s);
	if (held == s) /* counted once, by the hold */
		return held_copy;
	*slot = thread_slot();
	for (;;) {
		unsigned i = atomic_load(&s->pub);
		atomic_fetch_add(&s->slots[*slot].readers[i], 1);
		if (atomic_load(&s->pub) == i) {
			*side = i;
			return s->copy[i];
		}
		/* A commit published the other copy between the two loads: read that one. */
		atomic_fetch_sub_explicit(&s->slots[*slot].readers[i], 1, memory_order_relaxed);
	}
}

static void leave(struct snap *s, unsigned slot, unsigned side)
{
	if (side < 2)
		atomic_fetch_sub_explicit(&s->slots[slot].readers[side], 1, memory_order_release);
}

/* Waits until no reader is inside copy @i (none enters it: it is not published). */
static void drain(struct snap *s, unsigned i)
{
	/* Only slots some thread has taken (a reader takes its slot before it enters a
	 * copy, and this load comes after the publish that made copy @i unpublished). */
	unsigned taken = atomic_load(&next_slot);
	for (unsigned k = 0; k < SLOTS && k < taken; k++)
		for (unsigned spins = 0; atomic_load(&s->slots[k].readers[i]) != 0; spins++) {
			if (spins < 64)
				numbering__cpu_relax();
			else
				sched_yield();
		}
}

/* The redo list: per operation a byte 'P' or 'R', then the fields. Strings are kept
 * with their NUL so the replay points into the list; a NULL string is length
 * UINT32_MAX. */

#define NO_STRING UINT32_MAX

static size_t string_size(const char *str)
{
	return sizeof(uint32_t) + (str == NULL ? 0 : strlen(str) + 1);
}

static size_t put_size(const numbering_record *r)
{
	size_t n = 1 + sizeof(struct numbering__memory_named) + sizeof(int) + sizeof(unsigned) + sizeof(int64_t) +
	           sizeof(int) + 2 * sizeof(uint64_t) +
	           sizeof(int64_t) + string_size(r->name) + string_size(r->parent) + sizeof(size_t) + r->body_len;
	for (int k = 0; k < NUMBERING_RECORD_KEY_SLOTS; k++)
		n += string_size(r->keys[k]);
	return n;
}

static int redo_reserve(struct redo *b, size_t more)
{
	if (b->cap - b->len >= more)
		return NUMBERING_OK;
	size_t cap = b->cap ? b->cap : 1024;
	while (cap - b->len < more)
		cap *= 2;
	unsigned char *data = numbering__realloc(b->data, cap);
	if (data == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "memory backend: out of memory for a redo list");
	b->data = data;
	b->cap = cap;
	return NUMBERING_OK;
}

static void add(struct redo *b, const void *p, size_t n)
{
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
}

static void add_string(struct redo *b, const char *str)
{
	uint32_t n = str == NULL ? NO_STRING : (uint32_t)(strlen(str) + 1);
	add(b, &n, sizeof(n));
	if (str != NULL)
		add(b, str, n);
}

static void add_put(struct redo *b, const numbering_record *r, const struct numbering__memory_named *named)
{
	b->data[b->len++] = 'P';
	add(b, named, sizeof(*named));
	add(b, &r->kind, sizeof(r->kind));
	add(b, &r->flags, sizeof(r->flags));
	add(b, &r->sort_key, sizeof(r->sort_key));
	add(b, &r->digits, sizeof(r->digits));
	add(b, &r->first, sizeof(r->first));
	add(b, &r->last, sizeof(r->last));
	add(b, &r->expires, sizeof(r->expires));
	add_string(b, r->name);
	add_string(b, r->parent);
	for (int k = 0; k < NUMBERING_RECORD_KEY_SLOTS; k++)
		add_string(b, r->keys[k]);
	add(b, &r->body_len, sizeof(r->body_len));
	add(b, r->body, r->body_len);
}

static void take(const unsigned char **p, void *out, size_t n)
{
	memcpy(out, *p, n);
	*p += n;
}

static const char *take_string(const unsigned char **p)
{
	uint32_t n;
	take(p, &n, sizeof(n));
	if (n == NO_STRING)
		return NULL;
	const char *str = (const char *)*p;
	*p += n;
	return str;
}

/* Replays @b onto @target (not published, no reader inside) in one transaction. */
static int replay(numbering_backend *target, const struct redo *b)
{
	int rc = target->begin(target);
	const unsigned char *p = b->data, *end = b->data + b->len;
	while (rc == NUMBERING_OK && p < end) {
		unsigned char op = *p++;
		if (op == 'P') {
			numbering_record r;
			struct numbering__memory_named named;
			memset(&r, 0, sizeof(r));
			r.version = NUMBERING_RECORD_VERSION;
			take(&p, &named, sizeof(named));
			take(&p, &r.kind, sizeof(r.kind));
			take(&p, &r.flags, sizeof(r.flags));
			take(&p, &r.sort_key, sizeof(r.sort_key));
			take(&p, &r.digits, sizeof(r.digits));
			take(&p, &r.first, sizeof(r.first));
			take(&p, &r.last, sizeof(r.last));
			take(&p, &r.expires, sizeof(r.expires));
			r.name = take_string(&p);
			r.parent = take_string(&p);
			for (int k = 0; k < NUMBERING_RECORD_KEY_SLOTS; k++)
				r.keys[k] = take_string(&p);
			take(&p, &r.body_len, sizeof(r.body_len));
			r.body = p;
			p += r.body_len;
			rc = numbering__memory_records_put(target, &r, &named, 1);
		} else {
			int kind;
			take(&p, &kind, sizeof(kind));
			rc = target->remove(target, kind, take_string(&p));
		}
	}
	if (rc != NUMBERING_OK) {
		/* Out of memory (what else the first time succeeded with): the copy stays as
		 * it was, the list is kept, and the next begin tries again. */
		target->rollback(target);
		return rc;
	}
	return target->commit(target);
}

/* Brings the copy readers left level with the published one. */
static int level(struct snap *s)
{
	if (s->pending.len == 0)
		return NUMBERING_OK;
	unsigned w = 1 - atomic_load_explicit(&s->pub, memory_order_relaxed);
	drain(s, w);
	int rc = replay(s->copy[w], &s->pending);
	if (rc == NUMBERING_OK)
		s->pending.len = 0;
	return rc;
}

static int sn_begin(numbering_backend *backend)
{
	struct snap *s = (struct snap *)backend;
	if (s == NULL)
		return bad_backend();
	if (s->copy[1] == NULL)
		return s->copy[0]->begin(s->copy[0]);
	if (s->in_txn)
		return numbering__error_set(NUMBERING_FAILED_PRECONDITION, "memory backend: a transaction is already open");
	int rc = level(s);
	if (rc == NUMBERING_OK && (rc = written(s)->begin(written(s))) == NUMBERING_OK &&
	    (rc = s->side->begin(s->side)) != NUMBERING_OK)
		written(s)->rollback(written(s));
	if (rc != NUMBERING_OK)
		return rc;
	s->in_txn = 1;
	s->redo.len = 0;
	atomic_store_explicit(&s->owner, me(), memory_order_relaxed);
	thread_txns++;
	return NUMBERING_OK;
}

static void end_txn(struct snap *s)
{
	s->in_txn = 0;
	s->redo.len = 0;
	/* (Ended from another thread than its begin's, the beginner's count stays up: it
	 * then compares the owner on each read, which stays right.) */
	if (atomic_load_explicit(&s->owner, memory_order_relaxed) == me() && thread_txns > 0)
		thread_txns--;
	atomic_store_explicit(&s->owner, NULL, memory_order_relaxed);
}

static int sn_commit(numbering_backend *backend)
{
	struct snap *s = (struct snap *)backend;
	if (s == NULL)
		return bad_backend();
	if (s->copy[1] == NULL)
		return s->copy[0]->commit(s->copy[0]);
	if (!s->in_txn)
		return written(s)->commit(written(s)); /* its own error */
	unsigned w = 1 - atomic_load_explicit(&s->pub, memory_order_relaxed);
	/* (Neither fails inside a transaction: a record store's commit only frees.) */
	int rc = s->side->commit(s->side);
	if (rc == NUMBERING_OK)
		rc = s->copy[w]->commit(s->copy[w]);
	if (rc == NUMBERING_OK && s->redo.len > 0) {
		/* The whole transaction at once; readers of the other copy finish there. */
		atomic_store(&s->pub, w);
		struct redo t = s->pending; /* empty: level() ran at begin */
		s->pending = s->redo;
		s->redo = t;
	}
	end_txn(s);
	return rc;
}

static int sn_rollback(numbering_backend *backend)
{
	struct snap *s = (struct snap *)backend;
	if (s == NULL)
		return bad_backend();
	if (s->copy[1] == NULL)
		return s->copy[0]->rollback(s->copy[0]);
	int rc = written(s)->rollback(written(s));
	if (s->in_txn) {
		s->side->rollback(s->side);
		end_txn(s);
	}
	return rc;
}

static int sn_put(numbering_backend *backend, const numbering_record *record)
{
	struct snap *s = (struct snap *)backend;
	if (s == NULL)
		return bad_backend();
	if (s->copy[1] == NULL)
		return s->copy[0]->put(s->copy[0], record);
	numbering_backend *w = written(s);
	if (record != NULL && side_of(s, record->kind) != NULL) {
		if (record->digits != 0)
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "digits",
			                              "memory backend: a record of kind %d holds no numbers (digits %d)",
			                              record->kind, record->digits);
		return s->side->put(s->side, record);
	}
	if (record == NULL || !s->in_txn || record->name == NULL || (record->body == NULL && record->body_len > 0))
		return w->put(w, record); /* its own error */
	/* Room in the list first: a put that changed the copy is always recorded. */
	struct numbering__memory_named named;
	int rc = redo_reserve(&s->redo, put_size(record));
	if (rc == NUMBERING_OK && (rc = numbering__memory_records_put(w, record, &named, 0)) == NUMBERING_OK)
		add_put(&s->redo, record, &named);
	return rc;
}

static int sn_remove(numbering_backend *backend, int kind, const char *name)
{
	struct snap *s = (struct snap *)backend;
	if (s == NULL)
		return bad_backend();
	if (s->copy[1] == NULL)
		return s->copy[0]->remove(s->copy[0], kind, name);
	numbering_backend *w = written(s);
	if (side_of(s, kind) != NULL)
		return s->side->remove(s->side, kind, name);
	if (name == NULL || !s->in_txn)
		return w->remove(w, kind, name);
	int rc = redo_reserve(&s->redo, 1 + sizeof(kind) + string_size(name));
	if (rc == NUMBERING_OK && (rc = w->remove(w, kind, name)) == NUMBERING_OK) {
		s->redo.data[s->redo.len++] = 'R';
		add(&s->redo, &kind, sizeof(kind));
		add_string(&s->redo, name);
	}
	return rc;
}

static int sn_get(numbering_backend *backend, int kind, const char *name, numbering_record_visit_cb visit,
                  void *payload)
{
	struct snap *s = (struct snap *)backend;
	if (s == NULL)
		return bad_backend();
	if (s->copy[1] == NULL) { /* one copy: straight through, as a tail call */
		numbering_backend *c = s->copy[0];
		return c->get(c, kind, name, visit, payload);
	}
	if (side_of(s, kind) != NULL)
		return s->side->get(s->side, kind, name, visit, payload);
	unsigned slot = 0, side;
	numbering_backend *c = enter(s, &slot, &side);
	int rc = c->get(c, kind, name, visit, payload);
	leave(s, slot, side);
	return rc;
}

/* sn_find() of two copies, apart: the one-copy path, every resolve's, is then a tail
 * call with no frame to set up (~20 instructions a resolve). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int find_in_copy(struct snap *s, int digits, uint64_t first, uint64_t last, numbering_record_visit_cb visit,
                        void *payload)
{
	unsigned slot = 0, side;
	numbering_backend *c = enter(s, &slot, &side);
	int rc = c->find(c, digits, first, last, visit, payload);
	leave(s, slot, side);
	return rc;
}

static int sn_find(numbering_backend *backend, int digits, uint64_t first, uint64_t last,
                   numbering_record_visit_cb visit, void *payload)
{
	struct snap *s = (struct snap *)backend;
	if (s == NULL)
		return bad_backend();
	if (s->copy[1] == NULL) { /* one copy: straight through, as a tail call */
		numbering_backend *c = s->copy[0];
		return c->find(c, digits, first, last, visit, payload);
	}
	return find_in_copy(s, digits, first, last, visit, payload);
}

static int sn_list(numbering_backend *backend, const numbering_record_query *query, numbering_record_visit_cb visit,
                   void *payload)
{
	struct snap *s = (struct snap *)backend;
	if (s == NULL)
		return bad_backend();
	if (s->copy[1] == NULL) { /* one copy: straight through, as a tail call */
		numbering_backend *c = s->copy[0];
		return c->list(c, query, visit, payload);
	}
	if (query != NULL && side_of(s, query->kind) != NULL)
		return s->side->list(s->side, query, visit, payload);
	unsigned slot = 0, side;
	numbering_backend *c = enter(s, &slot, &side);
	int rc = c->list(c, query, visit, payload);
	leave(s, slot, side);
	return rc;
}

/* Taking a second copy: each record of copy 0 into the new copy, or into the side
 * store with a remove of it from copy 0 noted in @moved. */
struct split {
	numbering_backend *copy, *side;
	struct redo moved;
};

static int split_visit(const numbering_record *record, void *payload)
{
	struct split *sp = payload;
	if (!side_kind(record->kind))
		return sp->copy->put(sp->copy, record);
	int rc = redo_reserve(&sp->moved, 1 + sizeof(record->kind) + string_size(record->name));
	if (rc == NUMBERING_OK && (rc = sp->side->put(sp->side, record)) == NUMBERING_OK) {
		sp->moved.data[sp->moved.len++] = 'R';
		add(&sp->moved, &record->kind, sizeof(record->kind));
		add_string(&sp->moved, record->name);
	}
	return rc;
}

static int put_visit(const numbering_record *record, void *payload)
{
	numbering_backend *to = payload;
	return to->put(to, record);
}

/* Drops the second copy, with the side store's records put back into the published
 * copy (which then holds every record). */
static int one_copy(struct snap *s)
{
	unsigned p = atomic_load(&s->pub);
	numbering_backend *keep = s->copy[p];
	struct numbering__memory_record_foreach each = {put_visit, keep};
	int rc = keep->begin(keep);
	if (rc != NUMBERING_OK)
		return rc;
	if ((rc = s->side->control(s->side, NUMBERING__MEMORY_CONTROL_FOREACH, &each)) != NUMBERING_OK) {
		keep->rollback(keep);
		return rc;
	}
	if ((rc = keep->commit(keep)) != NUMBERING_OK)
		return rc;
	s->copy[1 - p]->free(s->copy[1 - p]);
	s->side->free(s->side);
	s->copy[0] = keep;
	s->copy[1] = s->side = NULL;
	atomic_store(&s->pub, 0);
	s->pending.len = 0;
	return NUMBERING_OK;
}

/* Takes a second copy (equal to the first, the side kinds moved to the side store) or
 * drops it. Outside transactions, with no reader inside the backend: a store does it
 * at open. */
static int set_snapshots(struct snap *s, int on)
{
	/* (One copy inside a transaction: its foreach refuses.) */
	if (s->in_txn)
		return numbering__error_set(NUMBERING_FAILED_PRECONDITION, "memory backend: snapshots inside a transaction");
	if (!on)
		return s->copy[1] != NULL ? one_copy(s) : NUMBERING_OK;
	if (s->copy[1] != NULL)
		return NUMBERING_OK;
	struct split sp = {NULL, NULL, {NULL, 0, 0}};
	int rc = numbering__memory_records_new(&sp.copy);
	/* Keyed as copy 0, so that a replay takes the hash the first put computed. */
	if (rc == NUMBERING_OK)
		numbering__memory_records_share_keys(sp.copy, s->copy[0]);
	if (rc == NUMBERING_OK)
		rc = numbering__memory_records_new(&sp.side);
	struct numbering__memory_record_foreach each = {split_visit, &sp};
	if (rc == NUMBERING_OK && (rc = sp.copy->begin(sp.copy)) == NUMBERING_OK) {
		if ((rc = sp.side->begin(sp.side)) != NUMBERING_OK) {
			sp.copy->rollback(sp.copy);
		} else if ((rc = s->copy[0]->control(s->copy[0], NUMBERING__MEMORY_CONTROL_FOREACH, &each)) != NUMBERING_OK) {
			sp.copy->rollback(sp.copy);
			sp.side->rollback(sp.side);
		} else {
			sp.copy->commit(sp.copy);
			sp.side->commit(sp.side);
			/* Copy 0 keeps the side kinds no more (all or nothing: the replay rolls
			 * back what it did when it fails). */
			rc = replay(s->copy[0], &sp.moved);
		}
	}
	numbering__free_mem(sp.moved.data);
	if (rc != NUMBERING_OK) {
		if (sp.copy != NULL)
			sp.copy->free(sp.copy);
		if (sp.side != NULL)
			sp.side->free(sp.side);
		return rc;
	}
	s->copy[1] = sp.copy;
	s->side = sp.side;
	atomic_store(&s->pub, 0);
	s->pending.len = 0;
	return NUMBERING_OK;
}

/* Holds the copy this thread reads now for its next reads (*on 1), or lets it go (0). */
static int hold(struct snap *s, const int *on)
{
	if (on == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "arg", "memory backend control: arg is NULL");
	if (s->copy[1] == NULL)
		return NUMBERING_OK; /* one copy: the caller's read lock holds it */
	if (*on == 0) {
		if (held != s)
			return numbering__error_set(NUMBERING_FAILED_PRECONDITION, "memory backend: no snapshot held to release");
		held = NULL;
		leave(s, held_slot, held_side);
		return NUMBERING_OK;
	}
	if (held != NULL)
		return numbering__error_set(NUMBERING_FAILED_PRECONDITION, "memory backend: a snapshot is already held");
	held_slot = 0;
	held_copy = enter(s, &held_slot, &held_side);
	held = s;
	return NUMBERING_OK;
}

static int sn_control(numbering_backend *backend, int op, void *arg)
{
	struct snap *s = (struct snap *)backend;
	if (s == NULL)
		return bad_backend();
	switch (op) {
	case NUMBERING__CONTROL_SNAPSHOT_HOLD:
		return hold(s, arg);
	case NUMBERING__CONTROL_SNAPSHOTS:
		if (arg == NULL)
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "arg", "memory backend control: arg is NULL");
		if (*(int *)arg < 0) {
			*(int *)arg = s->copy[1] != NULL;
			return NUMBERING_OK;
		}
		return set_snapshots(s, *(int *)arg != 0);
	case NUMBERING__CONTROL_OWN_RECORDS: /* bodies are kept as put, in both copies */
		if (arg == NULL)
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "arg", "memory backend control: arg is NULL");
		*(const numbering_backend **)arg = backend;
		return NUMBERING_OK;
	case NUMBERING_BACKEND_CONTROL_COUNT:
		if (arg != NULL && side_of(s, ((numbering_backend_count *)arg)->kind) != NULL)
			return s->side->control(s->side, op, arg);
		break;
	case NUMBERING__CONTROL_KEY_FIND:
		if (arg != NULL && side_of(s, ((struct numbering__key_find *)arg)->kind) != NULL)
			return s->side->control(s->side, op, arg);
		break;
	case NUMBERING__CONTROL_DUE: {
		if (s->copy[1] == NULL)
			break;
		unsigned slot = 0, side;
		numbering_backend *c = enter(s, &slot, &side);
		int rc = c->control(c, op, arg);
		leave(s, slot, side);
		if (rc != NUMBERING_OK || ((struct numbering__due_kinds *)arg)->due)
			return rc;
		return s->side->control(s->side, op, arg);
	}
	case NUMBERING__MEMORY_CONTROL_FOREACH:
	case NUMBERING_BACKEND_CONTROL_FOREACH: {
		if (s->copy[1] == NULL)
			break;
		unsigned slot = 0, side;
		numbering_backend *c = enter(s, &slot, &side);
		int rc = c->control(c, op, arg);
		leave(s, slot, side);
		return rc != NUMBERING_OK ? rc : s->side->control(s->side, op, arg);
	}
	case NUMBERING__CONTROL_PREFETCH: {
		if (arg == NULL || s->copy[1] == NULL)
			return s->copy[0]->control(s->copy[0], op, arg);
		/* The copy the put will change (readers may be inside the other). */
		numbering_backend *w = side_of(s, ((const struct numbering__prefetch *)arg)->kind);
		if (w == NULL)
			w = written(s);
		return w->control(w, op, arg);
	}
	case NUMBERING__MEMORY_CONTROL_RESERVE:
	{
		/* Sizes what the writer changes: readers may be inside the other copy. */
		numbering_backend *w = s->copy[1] == NULL ? s->copy[0] : written(s);
		return w->control(w, op, arg);
	}
	case NUMBERING__MEMORY_CONTROL_BYTES:
	case NUMBERING__MEMORY_CONTROL_STATS: {
		if (s->copy[1] == NULL || arg == NULL)
			return s->copy[0]->control(s->copy[0], op, arg);
		/* The published copy's statistics with the side store's; bytes count both
		 * copies and the redo lists (the second copy and the lists as other_bytes). */
		struct numbering__memory_stats st, second, kept;
		unsigned slot = 0, side;
		numbering_backend *c = enter(s, &slot, &side);
		int rc = c->control(c, NUMBERING__MEMORY_CONTROL_STATS, &st);
		leave(s, slot, side);
		numbering_backend *o = s->copy[0] == c ? s->copy[1] : s->copy[0];
		if (rc == NUMBERING_OK && (rc = o->control(o, NUMBERING__MEMORY_CONTROL_STATS, &second)) == NUMBERING_OK &&
		    (rc = s->side->control(s->side, NUMBERING__MEMORY_CONTROL_STATS, &kept)) == NUMBERING_OK) {
			st.bytes += kept.bytes;
			st.record_bytes += kept.record_bytes;
			st.record_used += kept.record_used;
			st.tree_bytes += kept.tree_bytes;
			st.hash_bytes += kept.hash_bytes;
			st.other_bytes += kept.other_bytes;
			st.records += kept.records;
			st.metas += kept.metas;
			st.projects += kept.projects;
			size_t extra = second.bytes + s->redo.cap + s->pending.cap;
			st.bytes += extra;
			st.other_bytes += extra;
			if (op == NUMBERING__MEMORY_CONTROL_STATS)
				*(struct numbering__memory_stats *)arg = st;
			else
				*(size_t *)arg = st.bytes;
		}
		return rc;
	}
	case NUMBERING__MEMORY_CONTROL_CHECK:
		/* Both copies, when they are level (outside a transaction). */
		for (int i = 0; i < 2; i++) {
			if (s->copy[i] == NULL || (i == 1 && (s->in_txn || s->pending.len > 0)))
				continue;
			unsigned slot = 0, side;
			numbering_backend *c = i == 0 ? enter(s, &slot, &side) : written(s);
			int rc = c->control(c, op, arg);
			if (i == 0)
				leave(s, slot, side);
			if (rc != NUMBERING_OK)
				return rc;
		}
		return s->side != NULL ? s->side->control(s->side, op, arg) : NUMBERING_OK;
	default:
		break;
	}
	/* The other reads (counts, digit counts, key finds, one copy's foreach and due): the
	 * copy a read reads. */
	unsigned slot = 0, side;
	numbering_backend *c = enter(s, &slot, &side);
	int rc = c->control(c, op, arg);
	leave(s, slot, side);
	return rc;
}

static void sn_free(numbering_backend *backend)
{
	struct snap *s = (struct snap *)backend;
	if (s == NULL)
		return;
	if (held == s)
		held = NULL;
	for (int i = 0; i < 2; i++)
		if (s->copy[i] != NULL)
			s->copy[i]->free(s->copy[i]);
	if (s->side != NULL)
		s->side->free(s->side);
	/* The lists hold bodies, which can be secrets (the store's page-token key). */
	if (s->redo.data != NULL)
		sodium_memzero(s->redo.data, s->redo.cap);
	if (s->pending.data != NULL)
		sodium_memzero(s->pending.data, s->pending.cap);
	numbering__free_mem(s->redo.data);
	numbering__free_mem(s->pending.data);
	numbering__free_mem(s);
}

int numbering_memory_backend_new(numbering_backend **out)
{
	if (out == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "out", "numbering_memory_backend_new: out is NULL");
	*out = NULL;
	struct snap *s = numbering__calloc(1, sizeof(*s));
	if (s == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "memory backend: out of memory creating a backend");
	int rc = numbering__memory_records_new(&s->copy[0]);
	if (rc != NUMBERING_OK) {
		numbering__free_mem(s);
		return rc;
	}
	s->base.version = NUMBERING_BACKEND_VERSION;
	s->base.begin = sn_begin;
	s->base.commit = sn_commit;
	s->base.rollback = sn_rollback;
	s->base.put = sn_put;
	s->base.remove = sn_remove;
	s->base.get = sn_get;
	s->base.find = sn_find;
	s->base.list = sn_list;
	s->base.control = sn_control;
	s->base.free = sn_free;
	for (unsigned i = 0; i < SLOTS; i++) {
		atomic_init(&s->slots[i].readers[0], 0);
		atomic_init(&s->slots[i].readers[1], 0);
	}
	atomic_init(&s->pub, 0);
	atomic_init(&s->owner, NULL);
	*out = &s->base;
	return NUMBERING_OK;
}
