/*
 * The change journal (numbering/changes.h, docs/CHANGES-JOURNAL.md): the changes each
 * transaction notes, the CHANGE record its commit puts in the ring (over the record
 * leaving the window), the move of an older journal into the ring, and ListChanges.
 */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "model/kinds.h"
#include "model/varint.h"
#include "model/validate.h"
#include "numbering/changes.h"
#include "service/backend-call.h"
#include "service/service.h"

_Static_assert(NUMBERING_CHANGES_LISTED_MAX == NUMBERING__CHANGES_LISTED_MAX, "one limit");
_Static_assert(NUMBERING_CHANGES_WINDOW_DEFAULT == NUMBERING__CHANGES_WINDOW_DEFAULT, "one default");

static void mark_overflow(struct numbering__journal *j, int kind)
{
	j->overflow[kind >> 6] |= UINT64_C(1) << (kind & 63);
	j->overflowed = 1;
}

/* Room in the body for an entry of @len name bytes (kind, change, a length varint of
 * up to 3 bytes: names have at most NUMBERING_RECORD_NAME_MAX), the header's room
 * before the first. */
_Static_assert(NUMBERING_RECORD_NAME_MAX < (1 << 21), "a name's length is a varint of at most 3 bytes");
static int entry_room(struct numbering__journal *j, size_t len)
{
	if (j->body.len == 0) {
		if (numbering__buf_reserve(&j->body, NUMBERING__JOURNAL_HEAD_ROOM + len + 5) != NUMBERING_OK)
			return NUMBERING_RESOURCE_EXHAUSTED;
		j->body.len = NUMBERING__JOURNAL_HEAD_ROOM;
		return NUMBERING_OK;
	}
	/* The room is there but for the first notes of a store's life: no call. */
	return len + 5 <= j->body.cap - j->body.len ? NUMBERING_OK : numbering__buf_reserve(&j->body, len + 5);
}

/* The bit of a name of @len bytes of @kind in numbering__journal.classes. */
static uint64_t journal_class(int kind, size_t len)
{
	return UINT64_C(1) << (((unsigned)kind * 7u + (unsigned)len) & 63u);
}

void numbering__journal_note(numbering_store *store, int kind, const char *name, int change)
{
	struct numbering__journal *j = &store->journal;
	if (!numbering__change_journaled(kind))
		return;
	if (j->migrating && change == NUMBERING__CHANGE_CREATED)
		change = NUMBERING__CHANGE_UPDATED;
	size_t len = strlen(name);
	/* The same record written again: one entry, created staying created unless deleted.
	 * Most notes are of a record noted first (a purchase's eight of seven kinds): the
	 * walk of the entries was a fifth of a note. */
	const uint64_t class = journal_class(kind, len);
	for (size_t i = 0; (j->classes & class) && i < j->count; i++) {
		struct numbering__journal_entry *e = &j->entries[i];
		if (e->kind == kind && e->len == len && memcmp(j->body.ptr + e->name, name, len) == 0) {
			if (!(e->change == NUMBERING__CHANGE_CREATED && change == NUMBERING__CHANGE_UPDATED)) {
				e->change = (uint8_t)change;
				j->body.ptr[e->at] = (uint8_t)change;
			}
			return;
		}
	}
	if (j->count == NUMBERING__CHANGES_LISTED_MAX || len > NUMBERING_RECORD_NAME_MAX) {
		mark_overflow(j, kind);
		return;
	}
	if (entry_room(j, len) != NUMBERING_OK) {
		/* Out of memory: the change is still told, as a reload of its kind. */
		numbering_error_clear();
		mark_overflow(j, kind);
		return;
	}
	/* The entry as numbering__change_body_entry() writes it: kind, change, the name's
	 * length (varint) and bytes. */
	struct numbering__journal_entry *e = &j->entries[j->count++];
	j->classes |= class;
	uint8_t *p = j->body.ptr + j->body.len;
	e->kind = (uint8_t)kind;
	e->change = (uint8_t)change;
	e->len = (uint32_t)len;
	e->at = j->body.len + 1;
	*p++ = (uint8_t)kind;
	*p++ = (uint8_t)change;
	p = numbering__varint_put(p, len);
	e->name = (size_t)(p - j->body.ptr);
	memcpy(p, name, len);
	j->body.len = e->name + len;
}

void numbering__journal_reset(numbering_store *store)
{
	struct numbering__journal *j = &store->journal;
	j->count = 0;
	j->classes = 0;
	j->body.len = 0;
	if (j->overflowed) {
		memset(j->overflow, 0, sizeof(j->overflow));
		j->overflowed = 0;
	}
	j->pending_last = j->last;
	j->pending_horizon = j->horizon;
	j->moved = 0;
}

/* ---- The journal's records: a ring, or the linear journal of older stores ---- */

/* What the records hold: the last sequence and the oldest (last + 1 when empty), the
 * ring's window (0: no ring record) and whether linear records ("changes/{sequence}",
 * written before the ring) are there. */
struct journal_state {
	int64_t last, horizon, window;
	int linear;
};

/* The first CHANGE record of a list: its sequence (0: none), sort key and window. */
struct first_visit {
	int64_t sequence, sort_key, window;
	int rc;
};

static int first_visit(const numbering_record *record, void *payload)
{
	struct first_visit *v = payload;
	int64_t time = 0;
	size_t count = 0;
	v->rc = numbering__change_record_read(record, &v->sequence, &time, &count, NULL, NULL);
	if (v->rc != NUMBERING_OK)
		return v->rc;
	v->sort_key = record->sort_key;
	v->window = numbering__change_name_window(record->name, record->sort_key);
	return NUMBERING__VISIT_STOP;
}

/* The first record in @order, strictly after @after when @has_after. */
static int first_record(numbering_store *store, int order, int has_after, int64_t after, struct first_visit *v)
{
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = NUMBERING__KIND_CHANGE;
	q.parent = "";
	q.order = order;
	q.has_after = has_after;
	q.after = after;
	q.limit = 1;
	memset(v, 0, sizeof(*v));
	int rc = numbering__backend_list(store, &q, first_visit, v);
	return rc == NUMBERING_OK ? v->rc : rc;
}

/* The sequence in the ring slot @slot of @window: 0 when the slot is empty. */
struct slot_visit {
	int64_t sequence;
	int rc;
};

static int slot_visit(const numbering_record *record, void *payload)
{
	struct slot_visit *v = payload;
	int64_t time = 0;
	size_t count = 0;
	v->rc = numbering__change_record_read(record, &v->sequence, &time, &count, NULL, NULL);
	return v->rc;
}

static int slot_sequence(numbering_store *store, int64_t window, int64_t slot, int64_t *sequence)
{
	char name[NUMBERING__CHANGE_NAME_SIZE];
	size_t len = numbering__change_ring_prefix(name, window);
	numbering__change_ring_name(name, len, window, slot);
	struct slot_visit v = {0, NUMBERING_OK};
	int rc = numbering__backend_get_record(store, NUMBERING__KIND_CHANGE, name, slot_visit, &v);
	if (rc == NUMBERING_NOT_FOUND) {
		*sequence = 0;
		return NUMBERING_OK;
	}
	*sequence = v.sequence;
	return rc == NUMBERING_OK ? v.rc : rc;
}

/*
 * The ends of the ring of @window whose lowest occupied slot @lo holds @seq_lo and
 * highest @hi holds @seq_hi. The occupied slots are one run, round the ring, of the
 * sequences horizon .. last. When the run does not wrap, its ends are lo and hi; when
 * it does (slot 0 and the last slot both occupied, slot 0 holding a later sequence),
 * two binary searches by name find the slot of the last sequence and the first
 * occupied slot after it: about 2 log2(window) gets, at open and at each ListChanges.
 */
static int ring_ends(numbering_store *store, int64_t window, int64_t lo, int64_t seq_lo, int64_t hi, int64_t seq_hi,
                     struct journal_state *st)
{
	if (seq_hi - seq_lo == hi - lo) {
		st->last = seq_hi;
		st->horizon = seq_lo;
		return NUMBERING_OK;
	}
	if (lo != 0 || hi != window - 1 || seq_lo < seq_hi)
		return numbering__error_set(NUMBERING_DATA_LOSS,
		                            "the change journal's ring of %lld slots is not one run of sequences: slot %lld "
		                            "holds %lld and slot %lld holds %lld",
		                            (long long)window, (long long)lo, (long long)seq_lo, (long long)hi,
		                            (long long)seq_hi);
	/* The last slot of the run from slot 0: slot s holds seq_lo + s. */
	int64_t a = 0, b = hi, seq = 0; /* a in the run from 0, b not */
	int rc = NUMBERING_OK;
	while (rc == NUMBERING_OK && b - a > 1) {
		int64_t mid = a + (b - a) / 2;
		if ((rc = slot_sequence(store, window, mid, &seq)) == NUMBERING_OK) {
			if (seq == seq_lo + mid)
				a = mid;
			else
				b = mid;
		}
	}
	if (rc != NUMBERING_OK)
		return rc;
	st->last = seq_lo + a;
	/* The first occupied slot after it: slots a + 1 .. hi are empty, then occupied. */
	int64_t empty = a, full = hi;
	while (rc == NUMBERING_OK && full - empty > 1) {
		int64_t mid = empty + (full - empty) / 2;
		if ((rc = slot_sequence(store, window, mid, &seq)) == NUMBERING_OK) {
			if (seq != 0)
				full = mid;
			else
				empty = mid;
		}
	}
	if (rc != NUMBERING_OK)
		return rc;
	st->horizon = seq_hi - (hi - full);
	return NUMBERING_OK;
}

static int read_state(numbering_store *store, struct journal_state *st)
{
	memset(st, 0, sizeof(*st));
	struct first_visit lowest, highest;
	/* The lowest sort key: a ring record (the highest slot), or the oldest linear one. */
	int rc = first_record(store, NUMBERING_RECORD_ORDER_ASCENDING, 0, 0, &lowest);
	if (rc == NUMBERING_OK)
		rc = first_record(store, NUMBERING_RECORD_ORDER_DESCENDING, 0, 0, &highest);
	if (rc != NUMBERING_OK)
		return rc;
	st->linear = highest.sequence != 0 && highest.window == 0;
	if (lowest.sequence == 0) {
		st->horizon = 1;
		return NUMBERING_OK;
	}
	if (lowest.window == 0) {
		/* Linear records only: sort keys are the sequences. */
		st->last = highest.sequence;
		st->horizon = lowest.sequence;
		return NUMBERING_OK;
	}
	st->window = lowest.window;
	int64_t hi = -lowest.sort_key - 1;
	/* The highest sort key below the linear ones: the lowest occupied slot. */
	struct first_visit low_slot;
	if ((rc = first_record(store, NUMBERING_RECORD_ORDER_DESCENDING, 1, 0, &low_slot)) != NUMBERING_OK)
		return rc;
	if (low_slot.window != st->window)
		return numbering__error_set(NUMBERING_DATA_LOSS,
		                            "the change journal holds rings of %lld and %lld slots", (long long)st->window,
		                            (long long)low_slot.window);
	return ring_ends(store, st->window, -low_slot.sort_key - 1, low_slot.sequence, hi, lowest.sequence, st);
}

/* ---- Writing ---- */

/* The ring's name prefix for the journal's window. */
static void ring_prefix(struct numbering__journal *j)
{
	j->ring_window = j->window;
	j->ring_prefix_len = numbering__change_ring_prefix(j->ring_name, j->window);
}

/* One kept record while the journal is moved into the ring: its sequence and the
 * body after the sequence (time, count, entries). */
struct moved {
	int64_t sequence;
	size_t off, len; /* in the moved bodies */
	size_t name_off;  /* in the moved names, NUL-terminated */
	int keep;
};

struct move_visit {
	struct moved *items;
	size_t count, cap;
	struct numbering__buf bodies, names;
	int64_t keep_from;
	int rc;
};

static int move_visit(const numbering_record *record, void *payload)
{
	struct move_visit *v = payload;
	int64_t sequence = 0, time = 0;
	size_t count = 0;
	/* A damaged record is removed and not kept: readers then find its sequence
	 * missing and reload (never a store that no commit can write again). */
	int damaged = numbering__change_record_read(record, &sequence, &time, &count, NULL, NULL) != NUMBERING_OK;
	if (damaged)
		numbering_error_clear();
	if (v->count == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		struct moved *items = numbering__realloc(v->items, cap * sizeof(*items));
		if (items == NULL)
			return v->rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory moving the change journal");
		v->items = items;
		v->cap = cap;
	}
	struct moved *m = &v->items[v->count++];
	memset(m, 0, sizeof(*m));
	m->sequence = sequence;
	size_t name_len = strlen(record->name) + 1;
	if (numbering__buf_reserve(&v->names, name_len) != NUMBERING_OK)
		return v->rc = NUMBERING_RESOURCE_EXHAUSTED; /* error set */
	m->name_off = v->names.len;
	memcpy(v->names.ptr + v->names.len, record->name, name_len);
	v->names.len += name_len;
	m->keep = !damaged && sequence >= v->keep_from;
	if (m->keep) {
		/* The body after a ring record's sequence varint: what a linear body is. */
		const uint8_t *body = record->body;
		size_t skip = 0;
		if (record->sort_key < 1)
			while (skip < record->body_len && (body[skip++] & 0x80) != 0)
				;
		m->len = record->body_len - skip;
		if (numbering__buf_reserve(&v->bodies, m->len) != NUMBERING_OK)
			return v->rc = NUMBERING_RESOURCE_EXHAUSTED; /* error set */
		m->off = v->bodies.len;
		memcpy(v->bodies.ptr + v->bodies.len, body + skip, m->len);
		v->bodies.len += m->len;
	}
	return 0;
}

/*
 * Moves the journal into the ring of this store's window, in the commit of @sequence:
 * a store written before the ring (linear records), or a ring of another window. The
 * newest window - 1 records are put again in the ring, keeping their sequences, and
 * every old record is removed: once, in one transaction, so that a reader sees the
 * one journal or the other. Its cost is the old journal's size (100,000 records at
 * the default window: a few hundred milliseconds, once).
 */
static int move_to_ring(numbering_store *store, int64_t sequence)
{
	struct numbering__journal *j = &store->journal;
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = NUMBERING__KIND_CHANGE;
	q.parent = "";
	q.order = NUMBERING_RECORD_ORDER_ASCENDING;
	struct move_visit v;
	memset(&v, 0, sizeof(v));
	v.keep_from = sequence - j->window + 1;
	int rc = numbering__backend_list(store, &q, move_visit, &v);
	if (rc == NUMBERING_OK)
		rc = v.rc;
	for (size_t i = 0; rc == NUMBERING_OK && i < v.count; i++)
		rc = numbering__backend_remove_record(store, NUMBERING__KIND_CHANGE,
		                                      (const char *)v.names.ptr + v.items[i].name_off);
	struct numbering__buf body = {NULL, 0, 0};
	for (size_t i = 0; rc == NUMBERING_OK && i < v.count; i++) {
		const struct moved *m = &v.items[i];
		if (!m->keep)
			continue;
		body.len = 0;
		if ((rc = numbering__buf_reserve(&body, m->len + 10)) != NUMBERING_OK)
			break;
		uint64_t s = (uint64_t)m->sequence;
		while (s >= 0x80) {
			body.ptr[body.len++] = (uint8_t)(s | 0x80);
			s >>= 7;
		}
		body.ptr[body.len++] = (uint8_t)s;
		memcpy(body.ptr + body.len, v.bodies.ptr + m->off, m->len);
		body.len += m->len;
		numbering_record record;
		numbering__change_ring_name(j->ring_name, j->ring_prefix_len, j->window, m->sequence);
		numbering__change_record_named(&record, j->ring_name,
		                               numbering__change_ring_sort_key(j->window, m->sequence), &body);
		rc = numbering__backend_put_record(store, &record);
	}
	numbering__buf_free(&body);
	numbering__buf_free(&v.bodies);
	numbering__buf_free(&v.names);
	numbering__free_mem(v.items);
	if (rc == NUMBERING_OK)
		j->moved = 1;
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
	int rc = NUMBERING_OK;
	if (j->ring_window != j->window) {
		/* A window other than the one the journal was read with: moved again. */
		j->move = 1;
		ring_prefix(j);
	}
	if (j->move && !j->moved)
		rc = move_to_ring(store, sequence);
	size_t count = j->count;
	if (j->overflowed)
		for (int k = 1; k <= NUMBERING_RECORD_KIND_MAX; k++)
			count += (j->overflow[k >> 6] >> (k & 63)) & 1;
	/* The entries were written as they were noted; the RELOAD entries of the kinds
	 * that changed more follow them. */
	if (rc == NUMBERING_OK && j->body.len == 0)
		rc = entry_room(j, 0);
	for (int k = 1; rc == NUMBERING_OK && j->overflowed && k <= NUMBERING_RECORD_KIND_MAX; k++)
		if ((j->overflow[k >> 6] >> (k & 63)) & 1)
			rc = numbering__change_body_entry(&j->body, k, NUMBERING__CHANGE_RELOAD, "", 0);
	/* With the time below, what the META last-time record would hold: a commit that
	 * writes this record does not write that one (numbering__commit()). */
	if (rc == NUMBERING_OK)
		rc = numbering__change_body_end(&j->body, store->seq_last[NUMBERING__SEQ_PHONE]);
	/* The header in front of the entries. The store's time: the one this commit handed
	 * out (a create, delete, activation, purchase ...), or the latest before it. Not a
	 * clock reading: a commit reads the clock only when an operation asks for a time. */
	if (rc == NUMBERING_OK) {
		j->head.len = 0;
		rc = numbering__change_body_begin(&j->head, sequence, store->last_time, count);
	}
	if (rc == NUMBERING_OK) {
		/* In the ring: over the record of sequence - window, which leaves the window. */
		size_t start = NUMBERING__JOURNAL_HEAD_ROOM - j->head.len;
		memcpy(j->body.ptr + start, j->head.ptr, j->head.len);
		struct numbering__buf body = {j->body.ptr + start, j->body.len - start, j->body.len - start};
		numbering_record record;
		numbering__change_ring_name(j->ring_name, j->ring_prefix_len, j->window, sequence);
		numbering__change_record_named(&record, j->ring_name, numbering__change_ring_sort_key(j->window, sequence),
		                               &body);
		rc = numbering__backend_put_record(store, &record);
	}
	if (rc == NUMBERING_OK) {
		/* The ring keeps the window's latest sequences; the journal's oldest stays
		 * while the ring fills (a move kept the same ones). */
		int64_t oldest = j->horizon > j->last ? sequence : j->horizon;
		j->pending_last = sequence;
		j->pending_horizon = oldest > sequence - j->window ? oldest : sequence - j->window + 1;
	}
	return rc;
}

void numbering__journal_committed(numbering_store *store)
{
	struct numbering__journal *j = &store->journal;
	if (j->moved)
		j->move = 0;
	j->last = j->pending_last;
	j->horizon = j->pending_horizon;
	numbering__journal_reset(store);
}

void numbering__journal_free(numbering_store *store)
{
	numbering__buf_free(&store->journal.body);
	numbering__buf_free(&store->journal.head);
}

/* ---- Reading the journal ---- */

/* The last time and phone id the newest ring record holds: a commit that writes a
 * CHANGE record leaves the META last-time record as it was (numbering__commit()), so
 * the store's last time and phone id are the larger of the two. */
struct marks_visit {
	int64_t time, phone;
	int rc;
};

static int marks_visit(const numbering_record *record, void *payload)
{
	struct marks_visit *v = payload;
	v->rc = numbering__change_record_marks(record, &v->time, &v->phone);
	return v->rc;
}

/* The time and last phone id the newest ring record of @st holds (0, 0 for a linear
 * journal: its writers wrote META at every commit). */
static int last_marks(numbering_store *store, const struct journal_state *st, int64_t *time, int64_t *phone)
{
	*time = 0;
	*phone = 0;
	if (st->window == 0 || st->last == 0)
		return NUMBERING_OK;
	char name[NUMBERING__CHANGE_NAME_SIZE];
	size_t len = numbering__change_ring_prefix(name, st->window);
	numbering__change_ring_name(name, len, st->window, st->last);
	struct marks_visit v = {0, 0, NUMBERING_OK};
	int rc = numbering__backend_get_record(store, NUMBERING__KIND_CHANGE, name, marks_visit, &v);
	if (rc == NUMBERING_OK)
		rc = v.rc;
	if (rc != NUMBERING_OK)
		return rc;
	if (!numbering__time_in_range(v.time))
		return numbering__error_set(NUMBERING_DATA_LOSS,
		                            "the change journal's record %s holds the time %lld ns, outside the times a "
		                            "store records (" NUMBERING__TIME_MIN_TEXT " to " NUMBERING__TIME_MAX_TEXT ")",
		                            name, (long long)v.time);
	*time = v.time;
	*phone = v.phone;
	return NUMBERING_OK;
}

static int load_marks(numbering_store *store, const struct journal_state *st)
{
	int64_t time = 0, phone = 0;
	int rc = last_marks(store, st, &time, &phone);
	if (rc != NUMBERING_OK)
		return rc;
	if (time > store->last_time)
		store->last_time = time;
	if (phone > store->seq_last[NUMBERING__SEQ_PHONE])
		store->seq_last[NUMBERING__SEQ_PHONE] = phone;
	return NUMBERING_OK;
}

int numbering__journal_last_time(numbering_store *store, int64_t *time)
{
	struct journal_state st;
	int64_t phone = 0;
	*time = 0;
	int rc = read_state(store, &st);
	return rc == NUMBERING_OK ? last_marks(store, &st, time, &phone) : rc;
}

int numbering__journal_load(numbering_store *store)
{
	struct numbering__journal *j = &store->journal;
	struct journal_state st;
	int rc = read_state(store, &st);
	if (rc == NUMBERING_OK)
		rc = load_marks(store, &st);
	j->last = st.last;
	j->horizon = st.horizon;
	j->loaded = rc == NUMBERING_OK;
	/* The next commit moves a linear journal, or a ring of another window, into the
	 * ring of this window. */
	j->move = st.linear || (st.window != 0 && st.window != j->window);
	ring_prefix(j);
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
	int stop; /* the page is full, or ends at a gap */
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

static int before_horizon(int64_t after, int64_t horizon, int64_t last)
{
	return numbering__error_field(NUMBERING_FAILED_PRECONDITION, "afterSequence",
	                              "afterSequence %lld is before the change journal's horizon %lld (the oldest "
	                              "change it keeps; the changes after %lld up to it were trimmed): reload what "
	                              "you cache and follow from the last sequence %lld",
	                              (long long)after, (long long)horizon, (long long)after, (long long)last);
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
	/* Sequences have no gap: a missing one was trimmed (a record of another window
	 * replaced, or removed by another writer between this list's ends and now). The
	 * page ends before it, and a page that would start after it is refused. */
	if (sequence != page->next_sequence + 1) {
		v->stop = 1;
		if (page->count > 0)
			return NUMBERING__VISIT_STOP;
		return v->rc = before_horizon(page->next_sequence, sequence, page->last_sequence);
	}
	if (page->count > 0 && (size_t)page->count + count > (size_t)v->cap) {
		v->stop = 1;
		return NUMBERING__VISIT_STOP;
	}
	struct change_item *items = numbering__realloc(page->items, ((size_t)page->count + count) * sizeof(*items));
	if (items == NULL)
		return v->rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory reading the change journal");
	page->items = items;
	v->sequence = sequence;
	v->rc = numbering__change_record_read(record, &sequence, &v->time, &count, add_entry, v);
	if (v->rc != NUMBERING_OK)
		return v->rc;
	page->next_sequence = sequence;
	if ((size_t)page->count >= (size_t)v->cap) {
		v->stop = 1;
		return NUMBERING__VISIT_STOP;
	}
	return 0;
}

/* page_visit for a get, which takes no NUMBERING__VISIT_STOP (v->stop says it). */
static int page_get_visit(const numbering_record *record, void *payload)
{
	int rc = page_visit(record, payload);
	return rc == NUMBERING__VISIT_STOP ? 0 : rc;
}

static int list_locked(numbering_change_page *page, numbering_store *store, int64_t after, int page_size)
{
	struct journal_state st;
	int rc = read_state(store, &st);
	if (rc != NUMBERING_OK)
		return rc;
	page->last_sequence = st.last;
	page->horizon = st.horizon;
	if (after < page->horizon - 1)
		return before_horizon(after, page->horizon, page->last_sequence);
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
	struct page_visit v;
	memset(&v, 0, sizeof(v));
	v.page = page;
	v.cap = page_size;
	if (st.window == 0) {
		/* A linear journal (a store no writer opened since the ring): one range. */
		numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
		q.kind = NUMBERING__KIND_CHANGE;
		q.parent = "";
		q.order = NUMBERING_RECORD_ORDER_ASCENDING;
		q.has_after = 1;
		q.after = after;
		q.limit = page_size; /* every commit has a change at least */
		rc = numbering__backend_list(store, &q, page_visit, &v);
	} else {
		/* The ring: a get by name per commit, from the slot after @after. */
		char name[NUMBERING__CHANGE_NAME_SIZE];
		size_t prefix_len = numbering__change_ring_prefix(name, st.window);
		for (int64_t s = after + 1; rc == NUMBERING_OK && v.rc == NUMBERING_OK && !v.stop && s <= st.last; s++) {
			numbering__change_ring_name(name, prefix_len, st.window, s);
			rc = numbering__backend_get_record(store, NUMBERING__KIND_CHANGE, name, page_get_visit, &v);
			if (rc == NUMBERING_NOT_FOUND) {
				/* A slot emptied under the last sequence: a gap, as above. */
				rc = page->count > 0 ? NUMBERING_OK : before_horizon(after, s + 1, page->last_sequence);
				break;
			}
		}
	}
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
