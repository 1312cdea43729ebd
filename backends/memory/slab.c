#include "slab.h"

#include <string.h>

#include "core/alloc.h"

#define PAGE_UNITS (1u << NUMBERING__SLAB_OFFSET_BITS)
#define PAGE_INDEX_LIMIT (1u << (32 - NUMBERING__SLAB_OFFSET_BITS))

void numbering__slab_init(struct numbering__slab *slab)
{
	memset(slab, 0, sizeof(*slab));
}

void numbering__slab_destroy(struct numbering__slab *slab)
{
	for (uint32_t i = 0; i < slab->page_count; i++)
		numbering__free_mem(slab->pages[i]);
	numbering__free_mem(slab->pages);
	numbering__free_mem(slab->vacant);
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
 * table so that it can hold any page index: freeing then needs no allocation. */
static int table_room(struct numbering__slab *slab)
{
	if (slab->vacant_count > 0 || slab->page_count < slab->page_cap)
		return 1;
	if (slab->page_cap >= PAGE_INDEX_LIMIT)
		return 0;
	uint32_t cap = slab->page_cap ? slab->page_cap * 2 : 64;
	if (cap > PAGE_INDEX_LIMIT)
		cap = PAGE_INDEX_LIMIT;
	void *pages = slab->pages, *vacant = slab->vacant;
	uint32_t page_cap = slab->page_cap;
	int ok = grow(&vacant, &slab->vacant_cap, cap, sizeof(uint32_t), &slab->bytes) &&
	         grow(&pages, &page_cap, cap, sizeof(uint8_t *), &slab->bytes);
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
		if (!table_room(slab))
			return 0;
		uint8_t *mem = numbering__malloc((size_t)page_units * 8);
		if (mem == NULL)
			return 0;
		slab->bytes += (size_t)page_units * 8;
		c->page = table_add(slab, mem);
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
