#include "hash.h"

#include <string.h>

#include "core/alloc.h"
#include "numbering/common.h"
#include "slab.h"

/* Robin Hood probing keeps look-ups short up to 85% full; growing by half keeps the
 * table between 57% and 85% full, 11 bytes an entry on average. */
#define LOAD_NUM 85
#define LOAD_DEN 100
#define CAP_MIN 8

static uint32_t dist_of(const struct numbering__mhash *table, uint32_t pos, uint32_t hash)
{
	uint32_t home = numbering__mhash_home(table, hash);
	return pos >= home ? pos - home : pos + table->cap - home;
}

/* Puts @entry at @pos, where a probe for it stopped (an empty slot, or the first entry
 * nearer its home than @entry would be), and moves the run from there up to its first
 * empty slot one slot on: what Robin Hood's swaps come to (each entry moved stays in
 * home order), without computing every entry's distance on the way. */
static void place(struct numbering__mhash *table, uint32_t pos, struct numbering__mslot entry)
{
	struct numbering__mslot *slots = table->slots;
	uint32_t end = pos;
	while (slots[end].handle != 0)
		if (++end == table->cap)
			end = 0;
	if (end < pos) { /* the run wraps: move [0, end) then the last slot to 0 */
		memmove(slots + 1, slots, (size_t)end * sizeof(*slots));
		slots[0] = slots[table->cap - 1];
		end = table->cap - 1;
	}
	memmove(slots + pos + 1, slots + pos, (size_t)(end - pos) * sizeof(*slots));
	slots[pos] = entry;
	table->count++;
}

void numbering__mhash_insert(struct numbering__mhash *table, uint32_t hash, uint32_t handle)
{
	uint32_t pos = numbering__mhash_home(table, hash), dist = 0;
	for (;;) {
		struct numbering__mslot slot = table->slots[pos];
		if (slot.handle == 0 || dist_of(table, pos, slot.hash) < dist)
			break;
		if (++pos == table->cap)
			pos = 0;
		dist++;
	}
	place(table, pos, (struct numbering__mslot){hash, handle});
}

void numbering__mhash_insert_at(struct numbering__mhash *table, const struct numbering__mprobe *stop, uint32_t handle)
{
	place(table, stop->pos, (struct numbering__mslot){stop->hash, handle});
}

/* Moves every entry of @from into @to, empty and larger. A home is hash * cap >> 32,
 * so entries in slot order (homes ascending) arrive in order of their homes in @to
 * too but for those that shared a home in @from: each goes after the one before, or
 * at its home past a gap, with no walk. One whose home is below the one before, and
 * the run that wrapped past the end of either table, are inserted the usual way. A
 * whole insert per entry was 3/4 of a growth. */
static void rehash(struct numbering__mhash *to, struct numbering__mhash *from)
{
	struct numbering__mslot *slots = to->slots;
	uint32_t next = 0; /* the first slot after the entries placed */
	uint32_t last = 0; /* the highest home placed */
	uint32_t i = 0;
	/* Entries before their home wrapped from the end: they go last. */
	while (i < from->cap && from->slots[i].handle != 0 && numbering__mhash_home(from, from->slots[i].hash) > i)
		i++;
	const uint32_t wrapped = i;
	for (; i < from->cap; i++) {
		struct numbering__mslot entry = from->slots[i];
		if (entry.handle == 0)
			continue;
		uint32_t home = numbering__mhash_home(to, entry.hash);
		if (home < last) {
			/* Ends where slot next was empty at the latest. */
			numbering__mhash_insert(to, entry.hash, entry.handle);
			if (next < to->cap && slots[next].handle != 0)
				next++;
		} else {
			uint32_t pos = home > next ? home : next;
			if (pos >= to->cap)
				break;
			slots[pos] = entry;
			next = pos + 1;
			last = home;
			to->count++;
		}
		from->slots[i].handle = 0;
	}
	/* Left: [0, wrapped) and [i, cap). */
	for (uint32_t k = 0; k < wrapped; k++)
		numbering__mhash_insert(to, from->slots[k].hash, from->slots[k].handle);
	for (; i < from->cap; i++)
		if (from->slots[i].handle != 0)
			numbering__mhash_insert(to, from->slots[i].hash, from->slots[i].handle);
}

_Static_assert(NUMBERING__MHASH_LOAD_NUM == LOAD_NUM && NUMBERING__MHASH_LOAD_DEN == LOAD_DEN, "one load factor");

int numbering__mhash_grow(struct numbering__mhash *table, uint32_t extra, size_t *bytes)
{
	uint64_t want = (uint64_t)table->count + extra;
	if (want * LOAD_DEN <= (uint64_t)table->cap * LOAD_NUM)
		return NUMBERING_OK;
	uint64_t cap = table->cap < CAP_MIN ? CAP_MIN : table->cap + table->cap / 2;
	while (want * LOAD_DEN > cap * LOAD_NUM)
		cap += cap / 2;
	if (cap > UINT32_MAX)
		return NUMBERING_RESOURCE_EXHAUSTED;
	struct numbering__mslot *slots = numbering__calloc((size_t)cap, sizeof(*slots));
	if (slots == NULL)
		return NUMBERING_RESOURCE_EXHAUSTED;
	/* Transparent huge pages under a large table (slab.h): a look-up lands on a random
	 * slot, and with 4 KiB pages a table of a million names (~14 MB) is a TLB miss each
	 * time, a page walk before the slot's own miss. */
	numbering__advise_huge(slots, (size_t)cap * sizeof(*slots));
	struct numbering__mhash grown = {slots, (uint32_t)cap, 0};
	rehash(&grown, table);
	*bytes += (size_t)cap * sizeof(*slots);
	*bytes -= (size_t)table->cap * sizeof(*slots);
	numbering__free_mem(table->slots);
	*table = grown;
	return NUMBERING_OK;
}

static int find_slot(const struct numbering__mhash *table, uint32_t hash, uint32_t handle, uint32_t *at)
{
	if (table->cap == 0)
		return 0;
	uint32_t pos = numbering__mhash_home(table, hash), dist = 0;
	for (;;) {
		struct numbering__mslot slot = table->slots[pos];
		if (slot.handle == 0 || dist_of(table, pos, slot.hash) < dist)
			return 0;
		if (slot.handle == handle && slot.hash == hash) {
			*at = pos;
			return 1;
		}
		if (++pos == table->cap)
			pos = 0;
		dist++;
	}
}

/* Empties slot @pos: the rest of its run shifts back by one, so no tombstones are needed. */
static void take_out(struct numbering__mhash *table, uint32_t pos)
{
	for (;;) {
		uint32_t next = pos + 1 == table->cap ? 0 : pos + 1;
		struct numbering__mslot slot = table->slots[next];
		if (slot.handle == 0 || dist_of(table, next, slot.hash) == 0)
			break;
		table->slots[pos] = slot;
		pos = next;
	}
	table->slots[pos].handle = 0;
	table->slots[pos].hash = 0;
	table->count--;
}

int numbering__mhash_remove(struct numbering__mhash *table, uint32_t hash, uint32_t handle)
{
	uint32_t pos;
	if (!find_slot(table, hash, handle, &pos))
		return 0;
	take_out(table, pos);
	return 1;
}

void numbering__mhash_remove_found(struct numbering__mhash *table, const struct numbering__mprobe *found)
{
	take_out(table, found->pos == 0 ? table->cap - 1 : found->pos - 1);
}

int numbering__mhash_replace(struct numbering__mhash *table, uint32_t hash, uint32_t old, uint32_t handle)
{
	uint32_t pos;
	if (!find_slot(table, hash, old, &pos))
		return 0;
	table->slots[pos].handle = handle;
	return 1;
}

void numbering__mhash_destroy(struct numbering__mhash *table, size_t *bytes)
{
	*bytes -= (size_t)table->cap * sizeof(*table->slots);
	numbering__free_mem(table->slots);
	table->slots = NULL;
	table->cap = 0;
	table->count = 0;
}
