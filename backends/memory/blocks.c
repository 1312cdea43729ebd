#include "blocks.h"

#include <string.h>

#include "core/alloc.h"
#include "numbering/common.h"
#include "slab.h"

/* Fuller than hash.c's tables allow (85%): a block's entries share one home, so they
 * sit together and push the next homes' entries further; at 57% to 85% full a probe
 * walked 8 slots (192 bytes, three or four cache lines) to reach a range, at 40% to
 * 60% (growing by half) it walks 3.5 (docs/PERFORMANCE.md, resolve one at a time). */
#define LOAD_NUM 60
#define LOAD_DEN 100
#define CAP_MIN 8

/* The level a range is entered at: the lowest where it touches at most two blocks. */
static unsigned level_of(uint64_t first, uint64_t last)
{
	unsigned level = 0;
	while (level + 1 < NUMBERING__RBLOCK_LEVELS && (last >> (4 * level)) - (first >> (4 * level)) > 1)
		level++;
	return level;
}

uint32_t numbering__rblocks_entries(uint64_t first, uint64_t last)
{
	unsigned level = level_of(first, last);
	return (last >> (4 * level)) != (first >> (4 * level)) ? 2 : 1;
}

static uint32_t dist_of(const struct numbering__rblocks *t, uint32_t pos, uint32_t hash)
{
	uint32_t home = numbering__rblocks_home(t, hash);
	return pos >= home ? pos - home : pos + t->cap - home;
}

static void slot_insert(struct numbering__rblocks *t, struct numbering__rblock entry)
{
	uint32_t pos = numbering__rblocks_home(t, entry.hash), dist = 0;
	for (;;) {
		struct numbering__rblock *slot = &t->slots[pos];
		if (slot->handle == 0) {
			*slot = entry;
			t->count++;
			return;
		}
		uint32_t d = dist_of(t, pos, slot->hash);
		if (d < dist) {
			struct numbering__rblock displaced = *slot;
			*slot = entry;
			entry = displaced;
			dist = d;
		}
		if (++pos == t->cap)
			pos = 0;
		dist++;
	}
}

/* The slot of the entry (@hash, @handle), found from its home; 1 if there. */
static int slot_find(const struct numbering__rblocks *t, uint32_t hash, uint32_t handle, uint32_t *at)
{
	if (t->cap == 0)
		return 0;
	uint32_t pos = numbering__rblocks_home(t, hash);
	for (uint32_t dist = 0;; dist++) {
		const struct numbering__rblock *slot = &t->slots[pos];
		if (slot->handle == 0 || dist_of(t, pos, slot->hash) < dist)
			return 0;
		if (slot->handle == handle && slot->hash == hash) {
			*at = pos;
			return 1;
		}
		if (++pos == t->cap)
			pos = 0;
	}
}

static void slot_remove(struct numbering__rblocks *t, uint32_t pos)
{
	/* Shift the rest of the run back by one, so no tombstones are needed. */
	for (;;) {
		uint32_t next = pos + 1 == t->cap ? 0 : pos + 1;
		struct numbering__rblock slot = t->slots[next];
		if (slot.handle == 0 || dist_of(t, next, slot.hash) == 0)
			break;
		t->slots[pos] = slot;
		pos = next;
	}
	memset(&t->slots[pos], 0, sizeof(t->slots[pos]));
	t->count--;
}

void numbering__rblocks_init(struct numbering__rblocks *t, const uint64_t seed[2])
{
	memset(t, 0, sizeof(*t));
	t->seed[0] = seed[0];
	t->seed[1] = seed[1];
}

int numbering__rblocks_reserve(struct numbering__rblocks *t, uint32_t ranges, size_t *bytes)
{
	uint64_t want = (uint64_t)t->count + 2 * (uint64_t)ranges;
	if (want * LOAD_DEN <= (uint64_t)t->cap * LOAD_NUM)
		return NUMBERING_OK;
	uint64_t cap = t->cap < CAP_MIN ? CAP_MIN : t->cap + t->cap / 2;
	while (want * LOAD_DEN > cap * LOAD_NUM)
		cap += cap / 2;
	if (cap > UINT32_MAX)
		return NUMBERING_RESOURCE_EXHAUSTED;
	struct numbering__rblock *slots = numbering__calloc((size_t)cap, sizeof(*slots));
	if (slots == NULL)
		return NUMBERING_RESOURCE_EXHAUSTED;
	/* Transparent huge pages, as under the singles hash (hash.c): a range number's
	 * resolve reads the record this table's slot names, so a TLB miss and page walk
	 * before the slot's own miss would wait ahead of the record's. */
	numbering__advise_huge(slots, (size_t)cap * sizeof(*slots));
	struct numbering__rblock *old = t->slots;
	uint32_t old_cap = t->cap;
	t->slots = slots;
	t->cap = (uint32_t)cap;
	t->count = 0;
	for (uint32_t i = 0; i < old_cap; i++)
		if (old[i].handle != 0)
			slot_insert(t, old[i]);
	*bytes += (size_t)cap * sizeof(*slots);
	*bytes -= (size_t)old_cap * sizeof(*slots);
	numbering__free_mem(old);
	return NUMBERING_OK;
}

/* The block of each of the range's entries at its level: @blocks[0] and, when it
 * touches two, @blocks[1] (the values whose blocks they are). Returns the level. */
static unsigned range_blocks(uint64_t first, uint64_t last, uint32_t *n, uint64_t at[2])
{
	unsigned level = level_of(first, last);
	at[0] = first;
	at[1] = last;
	*n = (last >> (4 * level)) != (first >> (4 * level)) ? 2 : 1;
	return level;
}

void numbering__rblocks_insert(struct numbering__rblocks *t, unsigned digits, uint64_t first, uint64_t last,
                               uint32_t handle)
{
	uint32_t n;
	uint64_t at[2];
	unsigned level = range_blocks(first, last, &n, at);
	for (uint32_t i = 0; i < n; i++) {
		struct numbering__rblock entry = {(uint64_t)digits << 56 | first, (uint64_t)digits << 56 | last,
		                                  numbering__rblocks_hash(t, digits, level, at[i]), handle};
		slot_insert(t, entry);
	}
	if (t->level_ranges[level]++ == 0)
		t->levels |= 1u << level;
}

/* Points each entry of the range [@first, @last] (numbers of @digits digits) held by
 * record @handle at record @to, or takes it out when @to is 0 (an empty slot's handle);
 * 1 if every entry was there. Each entry is found after the last one's removal, which
 * may have shifted it. *@level is the range's level. */
static int relink(struct numbering__rblocks *t, unsigned digits, uint64_t first, uint64_t last, uint32_t handle,
                  uint32_t to, unsigned *level)
{
	uint32_t n;
	uint64_t at[2];
	*level = range_blocks(first, last, &n, at);
	int found = 1;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t pos;
		if (!slot_find(t, numbering__rblocks_hash(t, digits, *level, at[i]), handle, &pos))
			found = 0;
		else if (to == 0)
			slot_remove(t, pos);
		else
			t->slots[pos].handle = to;
	}
	return found;
}

int numbering__rblocks_remove(struct numbering__rblocks *t, unsigned digits, uint64_t first, uint64_t last,
                              uint32_t handle)
{
	unsigned level;
	int found = relink(t, digits, first, last, handle, 0, &level);
	if (found && --t->level_ranges[level] == 0)
		t->levels &= ~(1u << level);
	return found;
}

int numbering__rblocks_replace(struct numbering__rblocks *t, unsigned digits, uint64_t first, uint64_t last,
                               uint32_t old, uint32_t handle)
{
	unsigned level;
	return relink(t, digits, first, last, old, handle, &level);
}

int numbering__rblocks_move(struct numbering__rblocks *t, unsigned digits, uint64_t first, uint64_t last, uint32_t old,
                            uint64_t to_first, uint64_t to_last, uint32_t handle)
{
	uint32_t n, m, pos[2];
	uint64_t at[2], to[2];
	unsigned level = range_blocks(first, last, &n, at);
	if (range_blocks(to_first, to_last, &m, to) != level || m != n)
		return 0;
	/* Every entry found before any changes: the same slots, keyed by the same blocks. */
	for (uint32_t i = 0; i < n; i++)
		if (at[i] >> (4 * level) != to[i] >> (4 * level) ||
		    !slot_find(t, numbering__rblocks_hash(t, digits, level, at[i]), old, &pos[i]))
			return 0;
	for (uint32_t i = 0; i < n; i++) {
		t->slots[pos[i]].first = (uint64_t)digits << 56 | to_first;
		t->slots[pos[i]].last = (uint64_t)digits << 56 | to_last;
		t->slots[pos[i]].handle = handle;
	}
	return 1;
}

int numbering__rblocks_has(const struct numbering__rblocks *t, unsigned digits, uint64_t first, uint64_t last,
                           uint32_t handle)
{
	uint32_t n;
	uint64_t at[2];
	unsigned level = range_blocks(first, last, &n, at);
	if (!(t->levels & (1u << level)))
		return 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t pos;
		if (!slot_find(t, numbering__rblocks_hash(t, digits, level, at[i]), handle, &pos) ||
		    t->slots[pos].first != ((uint64_t)digits << 56 | first) || t->slots[pos].last != ((uint64_t)digits << 56 | last))
			return 0;
	}
	return 1;
}

void numbering__rblocks_destroy(struct numbering__rblocks *t, size_t *bytes)
{
	*bytes -= (size_t)t->cap * sizeof(*t->slots);
	numbering__free_mem(t->slots);
	t->slots = NULL;
	t->cap = 0;
	t->count = 0;
	t->levels = 0;
	memset(t->level_ranges, 0, sizeof(t->level_ranges));
	memset(t->seed, 0, sizeof(t->seed));
}
