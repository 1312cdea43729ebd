#include "hash.h"

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

void numbering__mhash_insert(struct numbering__mhash *table, uint32_t hash, uint32_t handle)
{
	struct numbering__mslot entry = {hash, handle};
	uint32_t pos = numbering__mhash_home(table, hash), dist = 0;
	for (;;) {
		struct numbering__mslot *slot = &table->slots[pos];
		if (slot->handle == 0) {
			*slot = entry;
			table->count++;
			return;
		}
		uint32_t d = dist_of(table, pos, slot->hash);
		if (d < dist) {
			struct numbering__mslot displaced = *slot;
			*slot = entry;
			entry = displaced;
			dist = d;
		}
		if (++pos == table->cap)
			pos = 0;
		dist++;
	}
}

int numbering__mhash_reserve(struct numbering__mhash *table, uint32_t extra, size_t *bytes)
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
	for (uint32_t i = 0; i < table->cap; i++)
		if (table->slots[i].handle != 0)
			numbering__mhash_insert(&grown, table->slots[i].hash, table->slots[i].handle);
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

int numbering__mhash_remove(struct numbering__mhash *table, uint32_t hash, uint32_t handle)
{
	uint32_t pos;
	if (!find_slot(table, hash, handle, &pos))
		return 0;
	/* Shift the rest of the run back by one, so no tombstones are needed. */
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
	return 1;
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
