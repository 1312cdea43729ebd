/*
 * The change journal's records (kind CHANGE, docs/CHANGES-JOURNAL.md): one record per
 * commit that changed a resource, named "changes/{sequence}" in the empty parent, its
 * sort key the sequence, listing what the commit changed.
 *
 * Since the ring (numbering__change_ring_name()), records are named
 * "changes/{window}/{slot}" and their body starts with the sequence.
 *
 * Body:
 *   [varint         the sequence, 1 or more: in a ring record only]
 *   zigzag varint   the commit's time (ns since 1970, the store's clock)
 *   varint          the count of entries, 1 .. NUMBERING__CHANGE_ENTRIES_MAX
 *   per entry:      a byte: the kind of the record changed (a kind this library defines,
 *                   not META, REQUEST or CHANGE); a byte: the change
 *                   (NUMBERING__CHANGE_*); a varint byte count and the name's bytes
 *                   (1 .. 4096, no NUL; 0 bytes for RELOAD, which names no record)
 *   [varint         the store's last phone id at the commit, 1 or more: in records written since
 *                   the META last-time record is written only by commits that write no
 *                   CHANGE record (the newest CHANGE record holds the last time and
 *                   phone id then; service/changes.c reads them back at open)]
 * Nothing else follows the last entry.
 */
#ifndef NUMBERING_MODEL_CHANGE_RECORD_H
#define NUMBERING_MODEL_CHANGE_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "model/kinds.h"
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

/* "changes/" and an int64 in decimal, NUL; or "changes/", a window, "/" and a slot. */
#define NUMBERING__CHANGE_NAME_SIZE 32

/* "created", "updated", "deleted", "reload"; NULL for another value. */
const char *numbering__change_name(int change);

/* Whether records of @kind are journaled (not META, REQUEST or CHANGE: the store's
 * own bookkeeping). Inline: every put and remove asks, and the call cost more. */
static inline int numbering__change_journaled(int kind)
{
	return kind != NUMBERING__KIND_META && kind != NUMBERING__KIND_REQUEST && kind != NUMBERING__KIND_CHANGE;
}

/* Writes "changes/{sequence}" into @name: a record of the linear journal that stores
 * written before the ring kept (still read; a writer's first commit moves it into the
 * ring). */
void numbering__change_record_name(char name[NUMBERING__CHANGE_NAME_SIZE], int64_t sequence);

/* The journal as a ring (docs/CHANGES-JOURNAL.md): the record of @sequence in a ring of
 * @window slots is named "changes/{window}/{slot}", slot = sequence mod window, its
 * sort key -(slot + 1) (below every linear record's) and its body the sequence (a
 * varint) before the linear body. The commit of S writes over the record of
 * S - window: name, sort key and (for commits of one shape) size are the same, so
 * the backend replaces it in place; no record is inserted or removed. Writes the
 * name's prefix "changes/{window}/" into @prefix and returns its length. */
size_t numbering__change_ring_prefix(char prefix[NUMBERING__CHANGE_NAME_SIZE], int64_t window);
/* Writes the slot of @sequence after the @prefix_len bytes of @name that hold
 * numbering__change_ring_prefix()'s. */
void numbering__change_ring_name(char name[NUMBERING__CHANGE_NAME_SIZE], size_t prefix_len, int64_t window,
                                 int64_t sequence);
/* The sort key of the ring record of @sequence. */
int64_t numbering__change_ring_sort_key(int64_t window, int64_t sequence);

/* The largest window a ring name may carry. */
#define NUMBERING__CHANGE_WINDOW_MAX INT64_C(1000000000)

/* The window of a CHANGE record by its name and sort key: 0 for the linear
 * "changes/{sequence}" (sort key the sequence), the window for a ring record, -1 for
 * any other name. */
int64_t numbering__change_name_window(const char *name, int64_t sort_key);

/* One entry as read from a body: @name points into the body (not NUL-terminated). */
struct numbering__change_entry {
	int kind;
	int change;
	const char *name;
	size_t name_len;
};

/* Appends to @body the header of a body: for a ring record its @sequence (0 for a
 * linear one: none), then @time and @count entries to follow. */
int numbering__change_body_begin(struct numbering__buf *body, int64_t sequence, int64_t time, size_t count);
/* Appends one entry to @body. */
int numbering__change_body_entry(struct numbering__buf *body, int kind, int change, const char *name, size_t len);
/* Appends the store's last phone id after the last entry (none when 0). */
int numbering__change_body_end(struct numbering__buf *body, int64_t last_phone);

/* Fills @out as the CHANGE record of @sequence over @body (borrowed: both live as
 * long as @out). @name holds its name. */
void numbering__change_record(numbering_record *out, char name[NUMBERING__CHANGE_NAME_SIZE], int64_t sequence,
                              const struct numbering__buf *body);
/* The same under @name and @sort_key (a ring record's), borrowed likewise. */
void numbering__change_record_named(numbering_record *out, const char *name, int64_t sort_key,
                                    const struct numbering__buf *body);

/*
 * Reads a CHANGE record: its sequence (the sort key of a linear record, the body's
 * first varint in a ring record; checked against its name and every other field of
 * the record), time and entry count, then calls @visit for each
 * entry in order (it returns 0 to go on; another value stops the read and is
 * returned). NUMBERING_DATA_LOSS naming the field of a damaged record (nothing is
 * visited then: the body is checked whole first).
 */
int numbering__change_record_read(const numbering_record *record, int64_t *sequence, int64_t *time, size_t *count,
                                  int (*visit)(const struct numbering__change_entry *entry, void *payload),
                                  void *payload);

/* The commit's time and the last phone id a record holds (0: a record written before
 * it held one), the record checked whole. */
int numbering__change_record_marks(const numbering_record *record, int64_t *time, int64_t *last_phone);

/* The kind's body check (model/kinds.h). */
int numbering__change_record_check(const numbering_record *record);

#endif
