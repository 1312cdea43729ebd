/*
 * The memory backend's control operations, for the tests and bench/ (internal:
 * hosts see only NUMBERING_UNIMPLEMENTED-or-not through the vtable's control()).
 */
#ifndef NUMBERING_MEMORY_MEMORY_H
#define NUMBERING_MEMORY_MEMORY_H

#include <stddef.h>
#include <stdint.h>

/* arg: size_t *, set to the bytes the backend has allocated. */
#define NUMBERING__MEMORY_CONTROL_BYTES 1
/* arg: struct numbering__memory_stats *. */
#define NUMBERING__MEMORY_CONTROL_STATS 2
/* arg: NULL. Cross-checks every index against the records: NUMBERING_OK, or
 * NUMBERING_INTERNAL naming the first inconsistency. Reads everything: for tests. */
#define NUMBERING__MEMORY_CONTROL_CHECK 3

struct numbering__memory_stats {
	size_t bytes;        /* everything below */
	size_t record_bytes; /* record and metadata pages */
	size_t record_used;  /* of which live records and metadata values */
	size_t tree_bytes;   /* ordered index nodes */
	size_t hash_bytes;   /* hash tables */
	size_t other_bytes;  /* projects, undo log */
	uint32_t records;
	uint32_t metas;
	uint32_t projects;
};

#endif
