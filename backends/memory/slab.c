#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */
#include "slab.h"

#include <string.h>
#include <sys/mman.h>

#include "core/alloc.h"

#define PAGE_UNITS (1u << NUMBERING__SLAB_OFFSET_BITS)
#define PAGE_INDEX_LIMIT (1u << (32 - NUMBERING__SLAB_OFFSET_BITS))
#define HUGE_PAGE ((size_t)2 << 20)
#define BLOCK_MIN (4 * HUGE_PAGE)
#define BLOCK_MAX (16 * HUGE_PAGE)

/* Linux 6.1's synchronous collapse (linux/mman.h; glibc's sys/mman.h lacks it before 2.37). */
#if defined(__linux__) && !defined(MADV_COLLAPSE)
#define MADV_COLLAPSE 25
#endif

void numbering__advise_huge(void *ptr, size_t size)
{
#if defined(MADV_HUGEPAGE)
	uintptr_t start = ((uintptr_t)ptr + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1),
	          end = ((uintptr_t)ptr + size) & ~(HUGE_PAGE - 1);
	if (end <= start)
		return;
	(void)madvise((void *)start, end - start, MADV_HUGEPAGE);
#if defined(MADV_COLLAPSE)
	/* Memory malloc reused (freed by another, or a grown table's old one) was already
	 * faulted in 4 KiB pages, which the advice alone leaves as they are: collapse
	 * them now. Also independent of the system's setting, unless that is "never". */
	(void)madvise((void *)start, end - start, MADV_COLLAPSE);
#endif
#else
	(void)ptr;
	(void)size;
#endif
}

void numbering__slab_init(struct numbering__slab *slab)
{
	memset(slab, 0, sizeof(*slab));
}

static int is_carved(const struct numbering__slab *slab, uint32_t index)
{
	return (slab->carved[index / 32] >> (index % 32)) & 1u;
}

void numbering__slab_destroy(struct numbering__slab *slab)
{
	for (uint32_t i = 0; i < slab->page_count; i++)
		if (!is_carved(slab, i))
			numbering__free_mem(slab->pages[i]);
	for (uint32_t i = 0; i < slab->block_count; i++)
		numbering__free_mem(slab->blocks[i]);
	numbering__free_mem(slab->pages);
	numbering__free_mem(slab->vacant);
	numbering__free_mem(slab->carved);
	numbering__free_mem(slab->blocks);
	memset(slab, 0, sizeof(*slab));
}

/* Grows @array of @elem-byte items to @want items (zeroing the new ones). */
static int grow(void **array, uint32_t *cap, uint32_t want, size_t elem, size_t *bytes)
{
	if (*cap >= want)
		return 1;
	uint8_t *grown = numbering__realloc(*array, (size_t)want * elem);
	if (grown == NULL)
		return 0;
	memset(grown + (size_t)*cap * elem, 0, (size_t)(want - *cap) * elem);
	*bytes += (size_t)(want - *cap) * elem;
	*array = grown;
	*cap = want;
	return 1;
}

/* Makes room in the page table for one more page. The vacant list grows with the
 * table so that it can hold any page index: freeing then needs no allocation; the
 * carved bits grow first, so they always cover the table. */
static int table_room(struct numbering__slab *slab)
{
	if (slab->vacant_count > 0 || slab->page_count < slab->page_cap)
		return 1;
	if (slab->page_cap >= PAGE_INDEX_LIMIT)
		return 0;
	uint32_t cap = slab->page_cap ? slab->page_cap * 2 : 64;
	if (cap > PAGE_INDEX_LIMIT)
		cap = PAGE_INDEX_LIMIT;
	void *pages = slab->pages, *vacant = slab->vacant, *carved = slab->carved;
	uint32_t page_cap = slab->page_cap;
	int ok = grow(&carved, &slab->carved_cap, cap / 32, sizeof(uint32_t), &slab->bytes) &&
	         grow(&vacant, &slab->vacant_cap, cap, sizeof(uint32_t), &slab->bytes) &&
	         grow(&pages, &page_cap, cap, sizeof(uint8_t *), &slab->bytes);
	slab->carved = carved;
	slab->vacant = vacant;
	slab->pages = pages;
	slab->page_cap = page_cap;
	if (!ok)
		return 0;
	if (slab->page_count == 0)
		slab->page_count = 1; /* page 0 stays empty: no handle is 0 */
	return 1;
}

/* Enters @mem in the table (which has room); returns its index. */
static uint32_t table_add(struct numbering__slab *slab, uint8_t *mem)
{
	uint32_t index = slab->vacant_count > 0 ? slab->vacant[--slab->vacant_count] : slab->page_count++;
	slab->pages[index] = mem;
	return index;
}

/* Starts a new block: an eighth of the slab (in 2 MiB steps, 8 MiB to 32 MiB), so that
 * its unused rest stays a small part of the slab while most of it lies in whole huge
 * pages: malloc starts it anywhere, and the huge pages partly outside it are not
 * asked for (an 8 MiB block has 3 or 4 whole ones, a 32 MiB block 15 or 16). */
static int block_new(struct numbering__slab *slab)
{
	size_t size = slab->bytes / 8 / HUGE_PAGE * HUGE_PAGE;
	size = size < BLOCK_MIN ? BLOCK_MIN : size > BLOCK_MAX ? BLOCK_MAX : size;
	uint8_t *mem = numbering__malloc(size);
	if (mem == NULL)
		return 0;
	if (slab->block_count == slab->block_cap) {
		void *blocks = slab->blocks;
		int ok = grow(&blocks, &slab->block_cap, slab->block_cap ? slab->block_cap * 2 : 8, sizeof(uint8_t *),
		              &slab->bytes);
		slab->blocks = blocks;
		if (!ok) {
			numbering__free_mem(mem);
			return 0;
		}
	}
	numbering__advise_huge(mem, size);
	slab->blocks[slab->block_count++] = mem;
	slab->block = mem;
	slab->block_left = size;
	slab->bytes += size;
	return 1;
}

/* Memory for a small page of @size bytes: a malloc of its own while the slab is
 * small, else carved from a block (*@carved set; the block is counted, not the page). */
static uint8_t *page_mem(struct numbering__slab *slab, size_t size, int *carved)
{
	*carved = slab->bytes >= NUMBERING__SLAB_BLOCK_FROM;
	if (!*carved) {
		uint8_t *mem = numbering__malloc(size);
		if (mem != NULL)
			slab->bytes += size;
		return mem;
	}
	/* The old block's rest, smaller than a page, is left unused. */
	if (slab->block_left < size && !block_new(slab))
		return NULL;
	uint8_t *mem = slab->block;
	slab->block += size;
	slab->block_left -= size;
	return mem;
}

/* A large blob gets a page of its own. */
static uint32_t alloc_large(struct numbering__slab *slab, size_t size)
{
	if (!table_room(slab))
		return 0;
	uint8_t *mem = numbering__malloc(size);
	if (mem == NULL)
		return 0;
	slab->bytes += size;
	slab->used += (size + 7) & ~(size_t)7;
	return table_add(slab, mem) << NUMBERING__SLAB_OFFSET_BITS;
}

uint32_t numbering__slab_alloc(struct numbering__slab *slab, size_t size)
{
	if (size > NUMBERING__SLAB_SMALL_MAX)
		return alloc_large(slab, size);
	uint32_t units = size == 0 ? 1 : (uint32_t)((size + 7) / 8);
	struct numbering__slab_class *c = &slab->classes[units - 1];
	if (c->free != 0) {
		uint32_t handle = c->free;
		memcpy(&c->free, numbering__slab_get(slab, handle), sizeof(uint32_t));
		slab->used += units * 8u;
		return handle;
	}
	if (c->page == 0 || c->used + units > c->units) {
		/* Pages of a class grow from 1 KiB to 64 KiB, so a small store stays small. */
		uint32_t page_units = 128u << (c->pages < 6 ? c->pages : 6);
		if (page_units < units * 4)
			page_units = units * 4;
		if (page_units > PAGE_UNITS)
			page_units = PAGE_UNITS;
		int carved;
		uint8_t *mem = table_room(slab) ? page_mem(slab, (size_t)page_units * 8, &carved) : NULL;
		if (mem == NULL)
			return 0;
		c->page = table_add(slab, mem);
		if (carved)
			slab->carved[c->page / 32] |= 1u << (c->page % 32);
		c->used = 0;
		c->units = page_units;
		c->pages++;
	}
	uint32_t handle = c->page << NUMBERING__SLAB_OFFSET_BITS | c->used;
	c->used += units;
	slab->used += units * 8u;
	return handle;
}

void numbering__slab_free(struct numbering__slab *slab, uint32_t handle, size_t size)
{
	if (handle == 0)
		return;
	if (size > NUMBERING__SLAB_SMALL_MAX) {
		uint32_t index = handle >> NUMBERING__SLAB_OFFSET_BITS;
		numbering__free_mem(slab->pages[index]);
		slab->pages[index] = NULL;
		slab->vacant[slab->vacant_count++] = index;
		slab->bytes -= size;
		slab->used -= (size + 7) & ~(size_t)7;
		return;
	}
	uint32_t units = size == 0 ? 1 : (uint32_t)((size + 7) / 8);
	struct numbering__slab_class *c = &slab->classes[units - 1];
	memcpy(numbering__slab_get(slab, handle), &c->free, sizeof(uint32_t));
	c->free = handle;
	slab->used -= units * 8u;
}
