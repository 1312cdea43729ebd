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

/* arg: struct numbering__memory_record_foreach *. Visits every record, in no particular
 * order, outside any transaction; a callback returning non-zero stops the walk and is
 * returned. For the file backend's snapshots. */
#define NUMBERING__MEMORY_CONTROL_FOREACH 4

/* arg: uint32_t *, a number of records about to be put: sizes the hash tables for
 * them at once instead of growing them step by step (the file backend's replay). */
#define NUMBERING__MEMORY_CONTROL_RESERVE 5

struct numbering_record;
struct numbering_backend;

/* One copy of the record store (records.c), without the snapshot reads of
 * numbering_memory_backend_new() (snapshot.c), which keeps one or two of them. */
int numbering__memory_records_new(struct numbering_backend **out);

/* For snapshot.c's two copies. A put of the record store that reports the names hash
 * it used (known 0: it hashed no name), or (@replay 1) the same put replayed onto the
 * other copy, equal to the first and keyed alike, with the hash the first reported: it
 * neither hashes the name again nor searches for another holder of its numbers. */
struct numbering__memory_named {
	uint32_t hash;
	int known;
};
int numbering__memory_records_put(struct numbering_backend *backend, const struct numbering_record *record,
                                  struct numbering__memory_named *named, int replay);
/* Gives @to, still empty, the hash keys of @from (so a replay's hash is right there). */
void numbering__memory_records_share_keys(struct numbering_backend *to, const struct numbering_backend *from);

/* The memory backend (backends/memory/records.c; public constructor
 * numbering_memory_backend_new() in numbering/sys/backend.h) answers, beside
 * NUMBERING_BACKEND_CONTROL_COUNT (the kind's counter), BYTES, STATS (projects counts
 * (kind, parent) groups, metas 0), CHECK, RESERVE and FOREACH. */

/* arg of NUMBERING__MEMORY_CONTROL_FOREACH on the record store: every record, borrowed
 * for the call, in no particular order, outside any transaction. */
struct numbering__memory_record_foreach {
	int (*visit)(const struct numbering_record *record, void *payload);
	void *payload;
};


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
