/* Every allocation the library makes goes through these, so the host's allocator
 * (numbering_set_allocator) and allocation-failure injection have one seam. */
#ifndef NUMBERING_CORE_ALLOC_H
#define NUMBERING_CORE_ALLOC_H

#include <stddef.h>
#include <stdlib.h>

void *numbering__malloc(size_t size);
void *numbering__calloc(size_t count, size_t size);
void *numbering__realloc(void *ptr, size_t size);
void numbering__free_mem(void *ptr);
char *numbering__strdup(const char *s);
char *numbering__strndup(const char *s, size_t len);
/* How many allocations this thread has been refused so far. */
unsigned numbering__alloc_failures(void);

#endif
