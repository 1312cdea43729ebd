/*
 * The change journal's records (kind CHANGE, docs/CHANGES-JOURNAL.md): one record per
 * commit that changed a resource, named "changes/{sequence}" in the empty parent, its
 * sort key the sequence, listing what the commit changed.
 *
 * Body:
 *   zigzag varint   the commit's time (ns since 1970, the store's clock)
 *   varint          the count of entries, 1 .. NUMBERING__CHANGE_ENTRIES_MAX
 *   per entry:      a byte: the kind of the record changed (a kind this library defines,
 *                   not META, REQUEST or CHANGE); a byte: the change
 *                   (NUMBERING__CHANGE_*); a varint byte count and the name's bytes
 *                   (1 .. 4096, no NUL; 0 bytes for RELOAD, which names no record)
 * Nothing follows the last entry.
 */
#ifndef NUMBERING_MODEL_CHANGE_RECORD_H
#define NUMBERING_MODEL_CHANGE_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "model/record.h"
#include "numbering/sys/record.h"

/* What happened to a record (the byte stored; never 0). */
#define NUMBERING__CHANGE_CREATED 1 /* an instance put for the first time */
#define NUMBERING__CHANGE_UPDATED 2 /* any other put: written (for kinds other than instances, created or changed) */
#define NUMBERING__CHANGE_DELETED 3 /* removed, or an instance put as DELETED */
#define NUMBERING__CHANGE_RELOAD 4  /* more records of the kind changed than a commit lists: reload the kind */
#define NUMBERING__CHANGE_MAX 4

/* The records a commit lists by name; beyond them, one RELOAD entry per kind. */
#define NUMBERING__CHANGES_LISTED_MAX 32
#define NUMBERING__CHANGE_ENTRIES_MAX (NUMBERING__CHANGES_LISTED_MAX + NUMBERING_RECORD_KIND_MAX)

/* "changes/" and an int64 in decimal, NUL. */
#define NUMBERING__CHANGE_NAME_SIZE 32

/* "created", "updated", "deleted", "reload"; NULL for another value. */
const char *numbering__change_name(int change);

/* Whether records of @kind are journaled (not META, REQUEST or CHANGE: the store's
 * own bookkeeping). */
int numbering__change_journaled(int kind);

/* Writes "changes/{sequence}" into @name. */
void numbering__change_record_name(char name[NUMBERING__CHANGE_NAME_SIZE], int64_t sequence);

/* One entry as read from a body: @name points into the body (not NUL-terminated). */
struct numbering__change_entry {
	int kind;
	int change;
	const char *name;
	size_t name_len;
};

/* Appends to @body the header of a body: @time and @count entries to follow. */
int numbering__change_body_begin(struct numbering__buf *body, int64_t time, size_t count);
/* Appends one entry to @body. */
int numbering__change_body_entry(struct numbering__buf *body, int kind, int change, const char *name, size_t len);

/* Fills @out as the CHANGE record of @sequence over @body (borrowed: both live as
 * long as @out). @name holds its name. */
void numbering__change_record(numbering_record *out, char name[NUMBERING__CHANGE_NAME_SIZE], int64_t sequence,
                              const struct numbering__buf *body);

/*
 * Reads a CHANGE record: its sequence (the sort key, checked against its name and
 * every other field of the record), time and entry count, then calls @visit for each
 * entry in order (it returns 0 to go on; another value stops the read and is
 * returned). NUMBERING_DATA_LOSS naming the field of a damaged record (nothing is
 * visited then: the body is checked whole first).
 */
int numbering__change_record_read(const numbering_record *record, int64_t *sequence, int64_t *time, size_t *count,
                                  int (*visit)(const struct numbering__change_entry *entry, void *payload),
                                  void *payload);

/* The kind's body check (model/kinds.h). */
int numbering__change_record_check(const numbering_record *record);

#endif
