/*
 * The kind table, expanded from NUMBERING__KINDS (model/kinds.h).
 */
#include <stddef.h>

#include "model/kinds.h"

/* Indexed by kind; an entry whose kind is 0 is not a kind. */
static const struct numbering__kind kinds[NUMBERING_RECORD_KIND_MAX + 1] = {
#define KIND_ENTRY(name, value, kind_name, parent_prefix, collection, check)                                          \
	[value] = {value, kind_name, parent_prefix, sizeof(parent_prefix) - 1, collection, sizeof(collection) - 1, check},
	NUMBERING__KINDS(KIND_ENTRY)
#undef KIND_ENTRY
};

const struct numbering__kind *numbering__kind_find(int kind)
{
	if (kind < 1 || kind > NUMBERING_RECORD_KIND_MAX || kinds[kind].kind != kind)
		return NULL;
	return &kinds[kind];
}

const char *numbering_record_kind_name(int kind)
{
	const struct numbering__kind *k = numbering__kind_find(kind);
	return k == NULL ? NULL : k->name;
}
