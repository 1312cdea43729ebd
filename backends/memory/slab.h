/*
 * Storage for variable-size blobs (records, metadata values) named by 32-bit
 * handles, so indexes hold 4 bytes per entry instead of an 8-byte pointer and
 * blobs carry no per-allocation header.
 *
 * A handle is page << 13 | offset / 8. Blobs up to NUMBERING__SLAB_SMALL_MAX bytes
 * are carved from pages of up to 64 KiB, one size class (a multiple of 8 bytes) per
 * page, and freed slots go on their class's free list; larger blobs get a page of
 * their own. Freed small slots are reused but their pages are never returned before
 * numbering__slab_destroy(), as with most allocators. Handle 0 is never issued.
 *
 * Once the slab holds NUMBERING__SLAB_BLOCK_FROM bytes, small pages are carved from
 * blocks of 8 MiB to 32 MiB (an eighth of the slab, in 2 MiB steps) that ask for
 * transparent huge pages (numbering__advise_huge()): a get by name lands on a random
 * record, and a store of a million records (~86 MB of slab) in 4 KiB pages cost a TLB
 * miss and a page walk before the record's own cache miss. A small store keeps taking
 * its pages one malloc each, so a block's unused rest never weighs on it; a large one
 * counts its blocks whole in bytes (the newest block's rest: at most 8 MiB, or an
 * eighth of the slab past 64 MiB).
 */
#ifndef NUMBERING_MEMORY_SLAB_H
#define NUMBERING_MEMORY_SLAB_H

#include <stddef.h>
#include <stdint.h>

#define NUMBERING__SLAB_OFFSET_BITS 13
#define NUMBERING__SLAB_SMALL_MAX 4096
#define NUMBERING__SLAB_CLASSES (NUMBERING__SLAB_SMALL_MAX / 8)

struct numbering__slab_class {
	uint32_t free;  /* a freed slot's handle, the next one stored in its first 4 bytes; 0: none */
	uint32_t page;  /* the page being carved; 0: none */
	uint32_t used;  /* 8-byte units of it carved */
	uint32_t units; /* its size in 8-byte units */
	uint32_t pages; /* pages this class has taken, to grow new ones */
};

/* Pages come from blocks once the slab holds this many bytes (pages and tables). */
#define NUMBERING__SLAB_BLOCK_FROM ((size_t)32 << 20)

struct numbering__slab {
	uint8_t **pages; /* pages[0] stays NULL so no handle is 0 */
	uint32_t page_count, page_cap;
	uint32_t *vacant; /* indexes of freed large-blob pages, for reuse */
	uint32_t vacant_count, vacant_cap;
	uint32_t *carved; /* a bit per page index: the page lies in a block (freed with it) */
	uint32_t carved_cap;
	uint8_t **blocks; /* the blocks, freed by numbering__slab_destroy() */
	uint32_t block_count, block_cap;
	uint8_t *block;    /* the rest of the newest block, pages are carved from here */
	size_t block_left; /* its bytes */
	struct numbering__slab_class classes[NUMBERING__SLAB_CLASSES];
	size_t bytes; /* pages and tables */
	size_t used;  /* bytes of live blobs, rounded to 8 */
};

static inline void *numbering__slab_get(const struct numbering__slab *slab, uint32_t handle)
{
	return slab->pages[handle >> NUMBERING__SLAB_OFFSET_BITS] +
	       (size_t)(handle & ((1u << NUMBERING__SLAB_OFFSET_BITS) - 1)) * 8;
}

void numbering__slab_init(struct numbering__slab *slab);
void numbering__slab_destroy(struct numbering__slab *slab);
/* A handle to @size bytes (8-byte aligned), or 0 when out of memory. */
uint32_t numbering__slab_alloc(struct numbering__slab *slab, size_t size);
/* Frees a blob; @size is the size it was allocated with. */
void numbering__slab_free(struct numbering__slab *slab, uint32_t handle, size_t size);

/* Asks for transparent huge pages under the 2 MiB pages that lie wholly inside
 * [@ptr, @ptr + @size), where the system gives them on request (transparent_hugepage
 * "madvise"). Only advice: nothing changes where it is refused or unknown. */
void numbering__advise_huge(void *ptr, size_t size);

#endif
