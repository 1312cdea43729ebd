/*
 * The ranges by their blocks: a hash from (digit count, level, block) to the NUMBERS
 * records that hold several numbers (ranges), so that a number inside a range is found
 * by one probe, in parallel with the probe of the singles hash, instead of a descent of
 * the tree of ranges whose nodes and leaf are dependent cache misses (issue 15, resolve
 * one at a time; docs/PERFORMANCE.md).
 *
 * Level L cuts the numbers of a digit count into blocks of 16^L: number v is in block
 * v >> 4L. A range [first, last] is entered at the lowest level where it touches at
 * most two blocks, once for each of them: a range takes one or two entries whatever its
 * size. Ranges never overlap and one of level L >= 1 covers more than a whole block of
 * level L - 1 (else it would touch at most two of those), so a block holds at most 18
 * ranges of its level: a probe's run stays short. An entry holds its range's first and
 * last number, so the probe tells which range holds a number without reading a record,
 * and it is exact: a number is in a range if and only if one entry of one level in use
 * holds it (the levels mask), never a false "not ours" nor a false hit.
 *
 * Robin Hood linear probing as in hash.h, with 24-byte slots. As there, all allocation
 * is in numbering__rblocks_reserve(); the table never shrinks, so inserting after a
 * reserve, or putting back a range that was removed, cannot fail (the record store's
 * rollback relies on it). Readers never modify the table.
 */
#ifndef NUMBERING_MEMORY_BLOCKS_H
#define NUMBERING_MEMORY_BLOCKS_H

#include <stddef.h>
#include <stdint.h>

#include "hash.h"

/* Levels 0 .. 14: numbers have at most 16 digits (< 2^54), so level 14 (blocks of
 * 2^56) holds any range in one block. */
#define NUMBERING__RBLOCK_LEVELS 15

struct numbering__rblock {
	uint64_t first; /* the range's numbers as keys: digits << 56 | number */
	uint64_t last;
	uint32_t hash;   /* of the block's key (numbering__rblocks_hash()) */
	uint32_t handle; /* 0: empty */
};

struct numbering__rblocks {
	struct numbering__rblock *slots;
	uint32_t cap;
	uint32_t count;  /* entries */
	uint32_t levels; /* bit L set while level_ranges[L] > 0 */
	uint32_t level_ranges[NUMBERING__RBLOCK_LEVELS];
	uint64_t seed[2]; /* keys the hash, so chosen numbers cannot flood a run */
};

#if defined(__GNUC__)
#define NUMBERING__RBLOCK_PREFETCH(p) __builtin_prefetch(p)
#define NUMBERING__RBLOCK_CTZ(x) ((unsigned)__builtin_ctz(x))
#else
#define NUMBERING__RBLOCK_PREFETCH(p) ((void)(p))
static inline unsigned numbering__rblock_ctz(uint32_t x)
{
	unsigned n = 0;
	while (!(x & 1u)) {
		x >>= 1;
		n++;
	}
	return n;
}
#define NUMBERING__RBLOCK_CTZ(x) numbering__rblock_ctz(x)
#endif

/* The hash of number @value's block of level @level among numbers of @digits digits,
 * keyed by the table's random key as the singles hash is (numbering__mhash_keyed()). */
static inline uint32_t numbering__rblocks_hash(const struct numbering__rblocks *t, unsigned digits, unsigned level,
                                               uint64_t value)
{
	/* Block numbers of level >= 1 are below 2^50, so the level above them keeps keys of
	 * different levels apart; level 0's are the numbers themselves, with level bits 0. */
	return numbering__mhash_keyed(t->seed, (uint64_t)digits << 56 | (uint64_t)level << 50 | value >> (4 * level));
}

static inline uint32_t numbering__rblocks_home(const struct numbering__rblocks *t, uint32_t hash)
{
	return (uint32_t)(((uint64_t)hash * t->cap) >> 32);
}

/* Starts loading the slots a look-up of @value will read first (one per level in use),
 * so that their cache misses overlap other work. */
static inline void numbering__rblocks_prefetch(const struct numbering__rblocks *t, unsigned digits, uint64_t value)
{
	for (uint32_t levels = t->levels; levels != 0; levels &= levels - 1) {
		unsigned level = NUMBERING__RBLOCK_CTZ(levels);
		NUMBERING__RBLOCK_PREFETCH(&t->slots[numbering__rblocks_home(t, numbering__rblocks_hash(t, digits, level, value))]);
	}
}

/* The range holding number @value of @digits digits, or 0 when no range does. */
static inline uint32_t numbering__rblocks_find(const struct numbering__rblocks *t, unsigned digits, uint64_t value)
{
	uint64_t key = (uint64_t)digits << 56 | value;
	const struct numbering__rblock *slots = t->slots;
	const uint32_t cap = t->cap;
	for (uint32_t levels = t->levels; levels != 0; levels &= levels - 1) {
		uint32_t hash = numbering__rblocks_hash(t, digits, NUMBERING__RBLOCK_CTZ(levels), value);
		uint32_t home = numbering__rblocks_home(t, hash);
		/* Robin Hood order: the entries of one home lie together, after those of the
		 * homes before it in the run; an entry of a later home, or an empty slot, ends
		 * the search. Entries of our hash have our home: only the others' homes are
		 * computed. An empty slot's hash and numbers are 0, which holds no key. */
		for (uint32_t pos = home, dist = 0;; dist++) {
			const struct numbering__rblock *s = &slots[pos];
			if (s->hash == hash) {
				if (s->first <= key && key <= s->last)
					return s->handle;
				if (s->handle == 0)
					break;
			} else {
				if (s->handle == 0)
					break;
				uint32_t at = numbering__rblocks_home(t, s->hash);
				if ((pos >= at ? pos - at : pos + cap - at) < dist)
					break;
			}
			if (++pos == cap)
				pos = 0;
		}
	}
	return 0;
}

/* An empty table whose hash is keyed by @seed (random, the caller's). */
void numbering__rblocks_init(struct numbering__rblocks *t, const uint64_t seed[2]);
/* Makes room for @ranges more ranges; adds the bytes allocated to *@bytes (and
 * subtracts the old table's). 0 or NUMBERING_RESOURCE_EXHAUSTED (the table unchanged). */
int numbering__rblocks_reserve(struct numbering__rblocks *t, uint32_t ranges, size_t *bytes);
/* Enters the range [@first, @last] (@first < @last, numbers of @digits digits) held by
 * record @handle. Needs room: a reserve, or the same range removed before. */
void numbering__rblocks_insert(struct numbering__rblocks *t, unsigned digits, uint64_t first, uint64_t last,
                               uint32_t handle);
/* Takes the range out; 1 if it was there (every entry), else 0. */
int numbering__rblocks_remove(struct numbering__rblocks *t, unsigned digits, uint64_t first, uint64_t last,
                              uint32_t handle);
/* Points the range's entries at record @handle (not 0) instead of @old; 1 if they were there. */
int numbering__rblocks_replace(struct numbering__rblocks *t, unsigned digits, uint64_t first, uint64_t last,
                               uint32_t old, uint32_t handle);
/* Turns the range [@first, @last] of record @old into [@to_first, @to_last] of record
 * @handle in place when both are entered at the same level in the same blocks (a
 * block's record whose first numbers were taken, most often): 1 if done, else 0 and
 * the table is unchanged (then remove and insert). Never allocates. */
int numbering__rblocks_move(struct numbering__rblocks *t, unsigned digits, uint64_t first, uint64_t last, uint32_t old,
                            uint64_t to_first, uint64_t to_last, uint32_t handle);
/* Whether every entry of the range is in the table, for record @handle (for checks). */
int numbering__rblocks_has(const struct numbering__rblocks *t, unsigned digits, uint64_t first, uint64_t last,
                           uint32_t handle);
/* The entries a range takes (1 or 2), for checks. */
uint32_t numbering__rblocks_entries(uint64_t first, uint64_t last);
void numbering__rblocks_destroy(struct numbering__rblocks *t, size_t *bytes);

#endif
