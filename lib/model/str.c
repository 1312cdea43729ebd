/*
 * Grow-only strings: an instance refilled by a get or a resolve keeps its buffers, so
 * the hot path allocates nothing once they have grown.
 */
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "model/instance.h"

/* Capacities are rounded up so that refilling with slightly longer values reuses the buffer. */
#define STR_GRAIN 16

int numbering__str_set(struct numbering__str *str, const char *s, size_t len)
{
	if (str == NULL || (s == NULL && len > 0))
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering__str_set: NULL string");
	if (len >= NUMBERING__STR_BORROWED - STR_GRAIN)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "a string of %zu bytes is too long to hold", len);
	if (len == 0 && str->ptr == NULL)
		return NUMBERING_OK; /* unset already reads as "" */
	if (str->ptr == NULL || (size_t)numbering__str_capacity(str) < len + 1) {
		/* s cannot point into an owned old buffer here: it would then be shorter than
		 * cap. A borrowed one is left alone, so s may point into it. */
		size_t cap = (len + 1 + STR_GRAIN - 1) / STR_GRAIN * STR_GRAIN;
		char *ptr = (str->cap & NUMBERING__STR_BORROWED) ? numbering__malloc(cap) : numbering__realloc(str->ptr, cap);
		if (ptr == NULL)
			return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for a string of %zu bytes",
			                            len);
		str->ptr = ptr;
		str->cap = (uint32_t)cap;
	}
	if (len > 0)
		memmove(str->ptr, s, len);
	str->ptr[len] = '\0';
	str->len = (uint32_t)len;
	return NUMBERING_OK;
}

const char *numbering__str_get(const struct numbering__str *str)
{
	return (str == NULL || str->ptr == NULL) ? "" : str->ptr;
}

void numbering__str_free(struct numbering__str *str)
{
	if (str == NULL)
		return;
	if (!(str->cap & NUMBERING__STR_BORROWED))
		numbering__free_mem(str->ptr);
	str->ptr = NULL;
	str->len = 0;
	str->cap = 0;
}
