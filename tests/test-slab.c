/*
 * The memory backend's slab (backends/memory/slab.c): blobs of every size class and
 * large ones keep their bytes, freed slots are reused, and past
 * NUMBERING__SLAB_BLOCK_FROM small pages are carved from blocks (asked for huge pages)
 * that are counted whole, freed on destroy (ASan and valgrind see any leak) and whose
 * failure to allocate changes nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <numbering/numbering.h>

#include "../backends/memory/slab.h"
#include "suites.h"

/* A blob's bytes: its handle and index, so a blob written over another shows. */
static void paint(struct numbering__slab *slab, uint32_t handle, size_t size, uint32_t seed)
{
	unsigned char *p = numbering__slab_get(slab, handle);
	for (size_t i = 0; i < size; i++)
		p[i] = (unsigned char)(seed * 31u + (uint32_t)i * 7u + (seed >> 8));
}

static int painted(const struct numbering__slab *slab, uint32_t handle, size_t size, uint32_t seed)
{
	const unsigned char *p = numbering__slab_get(slab, handle);
	for (size_t i = 0; i < size; i++)
		if (p[i] != (unsigned char)(seed * 31u + (uint32_t)i * 7u + (seed >> 8)))
			return 0;
	return 1;
}

/* Sizes across the classes, now and then a large blob. */
static size_t size_of(uint32_t i)
{
	if (i % 997 == 0)
		return NUMBERING__SLAB_SMALL_MAX + 1 + i % 5000;
	static const size_t sizes[] = {1, 8, 24, 90, 100, 104, 130, 256, 700, 4096};
	return sizes[i % (sizeof(sizes) / sizeof(sizes[0]))];
}

struct blob {
	uint32_t handle;
	uint32_t size;
};

START_TEST(small_slab_takes_no_block)
{
	struct numbering__slab slab;
	numbering__slab_init(&slab);
	struct blob blobs[2000];
	for (uint32_t i = 0; i < 2000; i++) {
		blobs[i].size = (uint32_t)size_of(i);
		blobs[i].handle = numbering__slab_alloc(&slab, blobs[i].size);
		ck_assert_uint_ne(blobs[i].handle, 0);
		paint(&slab, blobs[i].handle, blobs[i].size, i);
	}
	for (uint32_t i = 0; i < 2000; i++)
		ck_assert(painted(&slab, blobs[i].handle, blobs[i].size, i));
	/* A small store takes its pages one malloc each: no block, no unused rest. */
	ck_assert_uint_eq(slab.block_count, 0);
	ck_assert_uint_lt(slab.bytes, NUMBERING__SLAB_BLOCK_FROM);
	numbering__slab_destroy(&slab);
	ck_assert_uint_eq(slab.bytes, 0);
}
END_TEST

START_TEST(large_slab_carves_blocks)
{
	struct numbering__slab slab;
	numbering__slab_init(&slab);
	uint32_t count = 0, cap = 1u << 18;
	struct blob *blobs = malloc(cap * sizeof(*blobs));
	ck_assert_ptr_nonnull(blobs);
	/* Past the threshold and then some: several blocks, growing with the slab. */
	while (slab.bytes < NUMBERING__SLAB_BLOCK_FROM + NUMBERING__SLAB_BLOCK_FROM / 2) {
		ck_assert_uint_lt(count, cap);
		blobs[count].size = (uint32_t)size_of(count);
		blobs[count].handle = numbering__slab_alloc(&slab, blobs[count].size);
		ck_assert_uint_ne(blobs[count].handle, 0);
		paint(&slab, blobs[count].handle, blobs[count].size, count);
		count++;
	}
	ck_assert_uint_ge(slab.block_count, 2);
	/* Each block is counted whole; the newest one's rest is what bytes holds beyond
	 * the pages: at most a block (8 MiB here). */
	size_t used = 0;
	for (uint32_t i = 0; i < count; i++)
		used += ((size_t)blobs[i].size + 7) & ~(size_t)7;
	ck_assert_uint_eq(slab.used, used);
	ck_assert_uint_le(slab.block_left, (size_t)8 << 20);
	/* Free every third blob (large ones too, whose page indexes are then reused) and
	 * allocate as many again: the freed slots are reused and nothing is overwritten. */
	size_t bytes = slab.bytes;
	for (uint32_t i = 0; i < count; i += 3) {
		numbering__slab_free(&slab, blobs[i].handle, blobs[i].size);
		blobs[i].handle = 0;
	}
	ck_assert_uint_lt(slab.bytes, bytes);
	for (uint32_t i = 0; i < count; i += 3) {
		blobs[i].handle = numbering__slab_alloc(&slab, blobs[i].size);
		ck_assert_uint_ne(blobs[i].handle, 0);
		paint(&slab, blobs[i].handle, blobs[i].size, i);
	}
	/* The small ones refilled freed slots, the large ones took as many bytes again. */
	ck_assert_uint_eq(slab.bytes, bytes);
	for (uint32_t i = 0; i < count; i++)
		ck_assert_msg(painted(&slab, blobs[i].handle, blobs[i].size, i), "blob %u (%u bytes) overwritten", i,
		              blobs[i].size);
	free(blobs);
	numbering__slab_destroy(&slab);
	ck_assert_uint_eq(slab.bytes, 0);
	ck_assert_uint_eq(slab.block_count, 0);
}
END_TEST

/* An allocator that refuses anything of 1 MiB or more (a block), when asked to. */
static int refuse_large;

static void *big_refused_malloc(size_t size, void *payload)
{
	(void)payload;
	return refuse_large && size >= ((size_t)1 << 20) ? NULL : malloc(size);
}

static void *big_refused_realloc(void *ptr, size_t size, void *payload)
{
	(void)payload;
	return refuse_large && size >= ((size_t)1 << 20) ? NULL : realloc(ptr, size);
}

static void plain_free(void *ptr, void *payload)
{
	(void)payload;
	free(ptr);
}

START_TEST(block_refused_changes_nothing)
{
	numbering_allocator allocator = {NUMBERING_ALLOCATOR_VERSION, big_refused_malloc, big_refused_realloc,
	                                 plain_free, NULL};
	ck_assert_int_eq(numbering_set_allocator(&allocator), NUMBERING_OK);
	struct numbering__slab slab;
	numbering__slab_init(&slab);
	/* 64 KiB pages of one class up to the threshold, then the first block is needed. */
	uint32_t count = 0;
	while (slab.bytes < NUMBERING__SLAB_BLOCK_FROM) {
		ck_assert_uint_ne(numbering__slab_alloc(&slab, 4096), 0);
		count++;
	}
	/* Fill the class's page so the next blob needs a new one. */
	while (slab.classes[4096 / 8 - 1].used + 4096 / 8 <= slab.classes[4096 / 8 - 1].units) {
		ck_assert_uint_ne(numbering__slab_alloc(&slab, 4096), 0);
		count++;
	}
	struct numbering__slab before = slab;
	refuse_large = 1;
	ck_assert_uint_eq(numbering__slab_alloc(&slab, 4096), 0);
	refuse_large = 0;
	/* The page table may have grown (its room is kept), nothing else. */
	if (slab.page_cap == before.page_cap)
		ck_assert_uint_eq(slab.bytes, before.bytes);
	ck_assert_uint_eq(slab.used, before.used);
	ck_assert_uint_eq(slab.page_count, before.page_count);
	ck_assert_uint_eq(slab.block_count, 0);
	uint32_t handle = numbering__slab_alloc(&slab, 4096);
	ck_assert_uint_ne(handle, 0);
	ck_assert_uint_eq(slab.block_count, 1);
	paint(&slab, handle, 4096, 7);
	ck_assert(painted(&slab, handle, 4096, 7));
	numbering__slab_destroy(&slab);
	ck_assert_int_eq(numbering_set_allocator(NULL), NUMBERING_OK);
}
END_TEST

Suite *slab_suite(void)
{
	Suite *s = suite_create("slab");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, small_slab_takes_no_block);
	tcase_add_test(tc, large_slab_carves_blocks);
	tcase_add_test(tc, block_refused_changes_nothing);
	suite_add_tcase(s, tc);
	return s;
}
