#include "core/alloc.h"

#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "core/error.h"
#include "numbering/common.h"

/* The host's allocator; installed is 0 for the C library's. Written only by
 * numbering_set_allocator(), which no other call may overlap (common.h). */
static numbering_allocator hook;
static int installed;
/* Allocations this thread was refused: lets a caller see a failure that a
 * dependency (jansson's lexer) reports as something else. */
static _Thread_local unsigned failures;

static void *counted(void *ptr)
{
	if (ptr == NULL)
		failures++;
	return ptr;
}

unsigned numbering__alloc_failures(void)
{
	return failures;
}

/* jansson's hooks take no payload: they reach ours through these. */
static void *json_malloc_hook(size_t size)
{
	return numbering__malloc(size);
}

static void json_free_hook(void *ptr)
{
	numbering__free_mem(ptr);
}

int numbering_set_allocator(const numbering_allocator *allocator)
{
	if (allocator == NULL) {
		installed = 0;
		json_set_alloc_funcs(malloc, free);
		return NUMBERING_OK;
	}
	if (allocator->version == 0 || allocator->version > NUMBERING_ALLOCATOR_VERSION)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "version",
		                              "numbering_allocator version %u is not one this library knows (1..%d)",
		                              allocator->version, NUMBERING_ALLOCATOR_VERSION);
	if (allocator->malloc_fn == NULL || allocator->realloc_fn == NULL || allocator->free_fn == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "allocator",
		                              "numbering_allocator needs malloc_fn, realloc_fn and free_fn");
	hook = *allocator;
	installed = 1;
	json_set_alloc_funcs(json_malloc_hook, json_free_hook);
	return NUMBERING_OK;
}

void *numbering__malloc(size_t size)
{
	if (size == 0)
		size = 1;
	return counted(installed ? hook.malloc_fn(size, hook.payload) : malloc(size));
}

/* glibc's largest cached chunk is 1,032 bytes of user data (tcache_max_bytes). */
#define CALLOC_SMALL 1024

void *numbering__calloc(size_t count, size_t size)
{
	if (count == 0)
		count = 1;
	if (size == 0)
		size = 1;
	if (count > SIZE_MAX / size)
		return counted(NULL);
	/* glibc's calloc() (before 2.41) skips the thread's cache of small chunks: each
	 * took the arena's slow path (~390 instructions for a purchase's object), and the
	 * free() of what it gave found that cache's bin full and took the slow path too
	 * (~160). Small ones are malloc()ed and cleared here; large ones keep calloc(),
	 * whose fresh pages need no clearing. */
	if (!installed && count * size > CALLOC_SMALL)
		return counted(calloc(count, size));
	void *ptr = counted(installed ? hook.malloc_fn(count * size, hook.payload) : malloc(count * size));
	if (ptr != NULL)
		memset(ptr, 0, count * size);
	return ptr;
}

void *numbering__realloc(void *ptr, size_t size)
{
	if (ptr == NULL)
		return numbering__malloc(size);
	if (size == 0)
		size = 1;
	return counted(installed ? hook.realloc_fn(ptr, size, hook.payload) : realloc(ptr, size));
}

void numbering__free_mem(void *ptr)
{
	if (ptr == NULL)
		return;
	if (installed)
		hook.free_fn(ptr, hook.payload);
	else
		free(ptr);
}

char *numbering__strndup(const char *s, size_t len)
{
	char *copy = numbering__malloc(len + 1);
	if (copy == NULL)
		return NULL;
	memcpy(copy, s, len);
	copy[len] = '\0';
	return copy;
}

char *numbering__strdup(const char *s)
{
	return numbering__strndup(s, strlen(s));
}

void numbering_free(void *ptr)
{
	numbering__free_mem(ptr);
}
