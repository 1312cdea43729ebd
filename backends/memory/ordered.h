/*
 * An ordered index of (key, value) pairs: a B+tree of 776-byte nodes holding
 * 64-bit keys and 32-bit values (record handles), ordered by key then value, so
 * equal keys are allowed and every pair is unique.
 *
 * Built for a backend with transactions, so that neither commit nor rollback can
 * fail:
 * - All allocation happens in numbering__ordered_reserve() and
 *   numbering__ordered_pool_ensure(); numbering__ordered_insert() then cannot fail.
 * - numbering__ordered_remove() never merges nodes. Node ranges only ever narrow
 *   (splits) until numbering__ordered_fix() rebalances, so putting back a pair that
 *   was removed always finds room in its leaf: an undo log replayed in reverse needs
 *   no allocation. The backend calls fix() for removed pairs once the undo log is gone.
 *
 * A small tree's root leaf grows by doubling from 4 entries, so the many tiny trees
 * of small projects stay small. Readers never modify a tree: any number of threads
 * may read one while nobody writes it.
 */
#ifndef NUMBERING_MEMORY_ORDERED_H
#define NUMBERING_MEMORY_ORDERED_H

#include <stddef.h>
#include <stdint.h>

#define NUMBERING__ORDERED_DEPTH_MAX 24

struct numbering__ordered {
	void *root;     /* NULL until the first reserve */
	uint32_t count; /* pairs held */
	uint8_t height; /* levels: 0 without a root, 1 when the root is a leaf */
};

/* Spare full-size nodes shared by trees, and the bytes all their nodes take. */
struct numbering__ordered_pool {
	void *spare;
	uint32_t spare_count;
	uint32_t spare_keep; /* spares kept when more are released */
	size_t bytes;
};

struct numbering__ordered_cursor {
	const void *node[NUMBERING__ORDERED_DEPTH_MAX];
	uint16_t pos[NUMBERING__ORDERED_DEPTH_MAX];
	uint8_t height;
};

void numbering__ordered_pool_init(struct numbering__ordered_pool *pool);
/* Frees the spare nodes (not the trees). */
void numbering__ordered_pool_drain(struct numbering__ordered_pool *pool);
/* Frees every node of @tree and empties it. */
void numbering__ordered_destroy(struct numbering__ordered_pool *pool, struct numbering__ordered *tree);

/* Prepares @tree for one more insert: creates or grows its root leaf if needed, and
 * adds to *@need the spare nodes the insert may take. 0, or NUMBERING_RESOURCE_EXHAUSTED
 * (the tree's content is unchanged either way). */
int numbering__ordered_reserve_root(struct numbering__ordered_pool *pool, struct numbering__ordered *tree,
                                    uint32_t *need);
static inline int numbering__ordered_reserve(struct numbering__ordered_pool *pool, struct numbering__ordered *tree,
                                             uint32_t *need)
{
	/* Inline for a tree past its root leaf (a put asks for two trees or more, and the
	 * calls cost more than the answer). */
	if (tree->height > 1) {
		*need += tree->height + 1u;
		return 0;
	}
	return numbering__ordered_reserve_root(pool, tree, need);
}
/* Makes at least @need spare nodes available. */
int numbering__ordered_pool_fill(struct numbering__ordered_pool *pool, uint32_t need);
static inline int numbering__ordered_pool_ensure(struct numbering__ordered_pool *pool, uint32_t need)
{
	return pool->spare_count >= need ? 0 : numbering__ordered_pool_fill(pool, need);
}
/* Inserts a pair that is not in the tree. Needs a reserve (or room, see above). */
void numbering__ordered_insert(struct numbering__ordered_pool *pool, struct numbering__ordered *tree, uint64_t key,
                               uint32_t value);
/* Removes a pair without rebalancing; 1 if it was there, else 0. */
int numbering__ordered_remove(struct numbering__ordered *tree, uint64_t key, uint32_t value);
/* numbering__ordered_remove(), 2 when it left a leaf below its minimum: only then has
 * numbering__ordered_fix() anything to do for the pair. */
int numbering__ordered_take(struct numbering__ordered *tree, uint64_t key, uint32_t value);
/* Turns the pair (@key, @old) into (@key, @value) in place when that keeps the order
 * and names no separator (most pairs): 1 if done, else 0 and the tree is unchanged
 * (then remove and insert). Never allocates; remove() and insert() undo it. */
int numbering__ordered_replace(struct numbering__ordered *tree, uint64_t key, uint32_t old, uint32_t value);
/* Turns the pair (@key, @old) into the greater pair (@new_key, @value) in place when
 * the pair after it, in its leaf, is greater still (a block's record whose first numbers
 * were taken: its key moves up to where no pair is): 1 if done, else 0 and the tree is
 * unchanged. The leaf's lower bound stays below the new pair, so no separator changes;
 * never allocates; remove() and insert() undo it. */
int numbering__ordered_rekey(struct numbering__ordered *tree, uint64_t key, uint32_t old, uint64_t new_key,
                             uint32_t value);
/* Rebalances the nodes on the path to where @key, @value sorts. Never allocates. */
void numbering__ordered_fix(struct numbering__ordered_pool *pool, struct numbering__ordered *tree, uint64_t key,
                            uint32_t value);
/* reserve + ensure + insert, for callers without transactions. */
int numbering__ordered_add(struct numbering__ordered_pool *pool, struct numbering__ordered *tree, uint64_t key,
                           uint32_t value);

/* Positions @cursor; each returns 1 on a pair, 0 when there is none. */
int numbering__ordered_first(struct numbering__ordered_cursor *cursor, const struct numbering__ordered *tree);
int numbering__ordered_last(struct numbering__ordered_cursor *cursor, const struct numbering__ordered *tree);
/* The first pair >= (key, value). */
int numbering__ordered_seek_ge(struct numbering__ordered_cursor *cursor, const struct numbering__ordered *tree,
                               uint64_t key, uint32_t value);
/* The last pair <= (key, value). */
int numbering__ordered_seek_le(struct numbering__ordered_cursor *cursor, const struct numbering__ordered *tree,
                               uint64_t key, uint32_t value);
/* numbering__ordered_seek_le() in two steps, so that other work can be done while the
 * leaf is loaded: _start descends the inner nodes and prefetches the leaf the pair is
 * in (0 for an empty tree: then do not finish), _finish searches it. Nothing may
 * change the tree in between. */
int numbering__ordered_seek_le_start(struct numbering__ordered_cursor *cursor, const struct numbering__ordered *tree,
                                     uint64_t key, uint32_t value);
int numbering__ordered_seek_le_finish(struct numbering__ordered_cursor *cursor, uint64_t key, uint32_t value);
int numbering__ordered_next(struct numbering__ordered_cursor *cursor);
int numbering__ordered_prev(struct numbering__ordered_cursor *cursor);
uint64_t numbering__ordered_key(const struct numbering__ordered_cursor *cursor);
uint32_t numbering__ordered_value(const struct numbering__ordered_cursor *cursor);
/* The value @ahead pairs after the cursor when that is in the same leaf (for
 * prefetching); 1 if there is one. */
int numbering__ordered_peek(const struct numbering__ordered_cursor *cursor, unsigned ahead, uint32_t *value);

/* Checks the tree's invariants (order, counts, separators, equal leaf depth); 0 when
 * sound. For tests. */
int numbering__ordered_check(const struct numbering__ordered *tree);

#endif
