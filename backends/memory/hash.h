/*
 * An open-addressing hash of record handles: Robin Hood linear probing with
 * backward-shift deletion, 8-byte slots holding a handle and 32 bits of the key's
 * hash. The keys themselves live in the records, so the table serves any key; the
 * caller compares a candidate's key after the 32-bit hash matched. The stored hash
 * also gives each entry's home slot, so growing and deleting never look at keys.
 *
 * As with the ordered index, all allocation is in numbering__mhash_reserve():
 * inserting into a reserved table, or putting back an entry that was removed
 * (the table never shrinks), cannot fail.
 */
#ifndef NUMBERING_MEMORY_HASH_H
#define NUMBERING_MEMORY_HASH_H

#include <stddef.h>
#include <stdint.h>

struct numbering__mslot {
	uint32_t hash;
	uint32_t handle; /* 0: empty */
};

struct numbering__mhash {
	struct numbering__mslot *slots;
	uint32_t cap;
	uint32_t count;
};

/* A look-up in progress. */
struct numbering__mprobe {
	uint32_t pos;
	uint32_t dist;
	uint32_t hash;
};

/* The 32-bit hash of a 64-bit @key under a table's random @seed, so that chosen keys
 * cannot flood a run: the murmur3 finalizer around it. The singles' numbers
 * (records.c) and the ranges' blocks (blocks.h) are hashed with it. */
static inline uint32_t numbering__mhash_keyed(const uint64_t seed[2], uint64_t key)
{
	uint64_t x = (key ^ seed[0]) * (seed[1] | 1);
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= UINT64_C(0xc4ceb9fe1a85ec53);
	x ^= x >> 33;
	return (uint32_t)x;
}

/* The home slot of @hash: the high bits of hash * cap, so any capacity works. */
static inline uint32_t numbering__mhash_home(const struct numbering__mhash *table, uint32_t hash)
{
	return (uint32_t)(((uint64_t)hash * table->cap) >> 32);
}

static inline void numbering__mhash_start(struct numbering__mprobe *probe, const struct numbering__mhash *table,
                                          uint32_t hash)
{
	probe->pos = table->cap ? numbering__mhash_home(table, hash) : 0;
	probe->dist = 0;
	probe->hash = hash;
}

/* The next handle whose stored hash matches, or 0 when no more can. */
static inline uint32_t numbering__mhash_next(struct numbering__mprobe *probe, const struct numbering__mhash *table)
{
	if (table->cap == 0)
		return 0;
	for (;;) {
		struct numbering__mslot slot = table->slots[probe->pos];
		if (slot.handle == 0)
			return 0;
		uint32_t home = numbering__mhash_home(table, slot.hash);
		uint32_t dist = probe->pos >= home ? probe->pos - home : probe->pos + table->cap - home;
		/* Robin Hood order: an entry nearer its home than we are to ours ends the run. */
		if (dist < probe->dist)
			return 0;
		if (++probe->pos == table->cap)
			probe->pos = 0;
		probe->dist++;
		if (slot.hash == probe->hash)
			return slot.handle;
	}
}

/* Makes room for @extra more entries; adds any bytes allocated to *@bytes (and
 * subtracts the old table's). 0 or NUMBERING_RESOURCE_EXHAUSTED. Inline: every put
 * asks, and the call cost more than the answer. */
#define NUMBERING__MHASH_LOAD_NUM 85
#define NUMBERING__MHASH_LOAD_DEN 100
int numbering__mhash_grow(struct numbering__mhash *table, uint32_t extra, size_t *bytes);
static inline int numbering__mhash_reserve(struct numbering__mhash *table, uint32_t extra, size_t *bytes)
{
	if (((uint64_t)table->count + extra) * NUMBERING__MHASH_LOAD_DEN <= (uint64_t)table->cap * NUMBERING__MHASH_LOAD_NUM)
		return 0;
	return numbering__mhash_grow(table, extra, bytes);
}
/* Inserts an entry; needs room. */
void numbering__mhash_insert(struct numbering__mhash *table, uint32_t hash, uint32_t handle);
/* Inserts (@stop's hash, @handle) where @stop, a probe for that hash that ran out
 * (numbering__mhash_next() returned 0), stopped: a look-up that found nothing and
 * the insert after it share one walk. Needs room, reserved before the probe started,
 * and no change to the table since. */
void numbering__mhash_insert_at(struct numbering__mhash *table, const struct numbering__mprobe *stop, uint32_t handle);
/* Removes the entry (@hash, @handle); 1 if it was there. */
int numbering__mhash_remove(struct numbering__mhash *table, uint32_t hash, uint32_t handle);
/* Removes the entry numbering__mhash_next() last returned to @found (the table
 * unchanged since). */
void numbering__mhash_remove_found(struct numbering__mhash *table, const struct numbering__mprobe *found);
/* Points the entry (@hash, @old) at @handle instead; 1 if it was there. */
int numbering__mhash_replace(struct numbering__mhash *table, uint32_t hash, uint32_t old, uint32_t handle);
void numbering__mhash_destroy(struct numbering__mhash *table, size_t *bytes);

#endif
