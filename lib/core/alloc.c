#include "core/alloc.h"

#include <string.h>

#include "numbering/common.h"

void *numbering__malloc(size_t size)
{
	return malloc(size == 0 ? 1 : size);
}

void *numbering__calloc(size_t count, size_t size)
{
	return calloc(count == 0 ? 1 : count, size == 0 ? 1 : size);
}

void *numbering__realloc(void *ptr, size_t size)
{
	return realloc(ptr, size == 0 ? 1 : size);
}

void numbering__free_mem(void *ptr)
{
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
