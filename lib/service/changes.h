/*
 * The change journal's side of every write (docs/CHANGES-JOURNAL.md): the store notes
 * each record a transaction puts or removes (service/backend-call.c), and its commit
 * (numbering__commit()) writes one CHANGE record listing them under the next sequence
 * number, in the same transaction, in the ring slot of the record leaving the window.
 */
#ifndef NUMBERING_SERVICE_CHANGES_H
#define NUMBERING_SERVICE_CHANGES_H

#include <stdint.h>

#include "model/change-record.h"
#include "model/record.h"

struct numbering__journal_entry {
	uint8_t kind;
	uint8_t change;
	uint16_t unused;
	uint32_t len; /* the name's bytes, at name in body */
	size_t at;    /* the entry's change byte in body; the name follows its length */
	size_t name;
};

/* The CHANGE body is written as the changes are noted: its entries from this offset,
 * the header (sequence, time, count: three varints of at most 10 bytes) put in front
 * of them by the commit (numbering__journal_write()). */
#define NUMBERING__JOURNAL_HEAD_ROOM 30

struct numbering__journal {
	/* What is committed: the last sequence handed out (0: none) and the oldest one
	 * kept (last + 1 when the journal is empty). */
	int64_t last;
	int64_t horizon;
	/* How many commits the journal keeps (numbering_options.changes_window). */
	int64_t window;
	/* The transaction's changes: count listed by name, the kinds that changed more
	 * (one bit per kind), and the body of the CHANGE record being put, its entries
	 * written as they are noted after NUMBERING__JOURNAL_HEAD_ROOM bytes (len 0: none
	 * yet), and its header, put in front of them at the commit. */
	size_t count;
	struct numbering__journal_entry entries[NUMBERING__CHANGES_LISTED_MAX];
	/* A bit per (kind, name length) class of the entries (journal_class()): a note
	 * whose class has none is of a record not noted yet, and looks at no entry. */
	uint64_t classes;
	uint64_t overflow[4];
	int overflowed;
	struct numbering__buf body;
	struct numbering__buf head;
	/* The commit in progress: its sequence and the horizon after it, taken
	 * as last and horizon once the backend committed. */
	int64_t pending_last, pending_horizon;
	/* Set while the store migrates old instances at open: their puts are updates. */
	int migrating;
	/* last and horizon were read from the records (numbering__journal_load()): at open,
	 * or, for a store of a read-only backend, never (it writes no commit). */
	int loaded;
	/* The ring (docs/CHANGES-JOURNAL.md): the name of the record being put, whose
	 * prefix "changes/{window}/" is written for ring_window; move: the records are
	 * linear, or a ring of another window, and the next commit moves them into this
	 * ring (moved: it did, in the transaction under way). */
	int64_t ring_window;
	size_t ring_prefix_len;
	char ring_name[NUMBERING__CHANGE_NAME_SIZE];
	int move, moved;
};

/* The window when the options give none, and the largest they may give. */
#define NUMBERING__CHANGES_WINDOW_DEFAULT 100000
#define NUMBERING__CHANGES_WINDOW_MAX NUMBERING__CHANGE_WINDOW_MAX

struct numbering_store;

/* Notes that the transaction put (@change NUMBERING__CHANGE_*) or removed a record of
 * @kind named @name. Never fails: a change it cannot list by name makes its kind's
 * RELOAD entry. */
void numbering__journal_note(struct numbering_store *store, int kind, const char *name, int change);

/* Inside the transaction, before its commit: puts the CHANGE record of the noted
 * changes (none: nothing) in its ring slot, over the record leaving the window; the
 * first commit after a linear journal, or a ring of another window, was read moves
 * that journal into this ring first. */
int numbering__journal_write(struct numbering_store *store);

/* After the backend committed: the pending sequence becomes the last. */
void numbering__journal_committed(struct numbering_store *store);

/* Forgets the transaction's changes (begin, rollback, commit). */
void numbering__journal_reset(struct numbering_store *store);

/* At open: reads the last and oldest sequences from the CHANGE records. */
int numbering__journal_load(struct numbering_store *store);

/* The time of the newest commit the CHANGE records give, as the store reads now (a
 * read lock is enough: nothing of @store is written); 0 when they give none (a linear
 * journal, whose writers kept META's last time instead). */
int numbering__journal_last_time(struct numbering_store *store, int64_t *time);

void numbering__journal_free(struct numbering_store *store);

#endif
