/*
 * The record encoding's internal side (the public functions are in
 * numbering/sys/record.h): a grow-only byte buffer to encode into without an
 * allocation per record, and the encoder and decoder with the compact form the
 * library's own file log keeps.
 */
#ifndef NUMBERING_MODEL_RECORD_H
#define NUMBERING_MODEL_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "numbering/sys/record.h"

/* A grow-only byte buffer: ptr holds len bytes, room for cap. Zero it to start. */
struct numbering__buf {
	uint8_t *ptr;
	size_t len, cap;
};

/* Makes room for @more bytes past len; NUMBERING_RESOURCE_EXHAUSTED (error set) on failure. */
int numbering__buf_reserve(struct numbering__buf *buf, size_t more);
void numbering__buf_free(struct numbering__buf *buf);

/* The version byte that starts every record encoding. */
#define NUMBERING__RECORD_FORMAT 1

/* The bytes numbering__record_decode() may need to rebuild a compact record's parent
 * and name, their NULs included. */
#define NUMBERING__RECORD_NAME_BUF (2 * (NUMBERING_RECORD_NAME_MAX + 1))

/*
 * Checks @record against every limit of numbering/sys/record.h:
 * NUMBERING_INVALID_ARGUMENT naming the field and its value.
 */
int numbering__record_check(const numbering_record *record);

/*
 * Appends the encoding of @record to @out (its len grows; nothing else is touched).
 * With @compact, a record whose parent starts with its kind's parent prefix and
 * whose name is parent "/" collection "/" id (model/kinds.h) is stored in the compact
 * form: the parent without the prefix and the id alone, without NULs. That is what
 * the file log keeps. Without @compact, or for any other record, the strings are
 * stored whole with their NULs and numbering__record_decode() needs no buffer (the
 * public numbering_record_encode()). NUMBERING_INVALID_ARGUMENT as
 * numbering__record_check(); NUMBERING_RESOURCE_EXHAUSTED.
 */
int numbering__record_encode(struct numbering__buf *out, const numbering_record *record, int compact);

/*
 * Reads a record encoding into @out, whose pointers then point into @data, except
 * for a record in the compact form, whose parent and name are rebuilt in @name_buf
 * (NUMBERING__RECORD_NAME_BUF bytes). With @name_buf NULL, the compact form is
 * NUMBERING_DATA_LOSS (the public numbering_record_decode() copies nothing).
 * NUMBERING_DATA_LOSS naming what is wrong; never reads outside @data.
 */
int numbering__record_decode(numbering_record *out, const uint8_t *data, size_t len, char *name_buf);

/*
 * numbering__record_decode() of bytes known to be a record it accepts (the file
 * backend's shared index vouches for them with a check value taken when they were
 * decoded and checked): the same record, without the checks that only the encoding's
 * rules need (a string's NULs and limits, a varint's shortest form, a present value
 * of 0). Still never reads outside @data nor writes past @name_buf's
 * NUMBERING__RECORD_NAME_BUF bytes, and anything it does not expect (bytes that are
 * not such a record after all) is decoded by numbering__record_decode(), whose errors
 * it returns.
 */
int numbering__record_decode_trusted(numbering_record *out, const uint8_t *data, size_t len, char *name_buf);

/* NUMBERING_DATA_LOSS naming @field: "the stored @what record \"name\" is damaged: its
 * @field: @problem" (@what "" or ending in a space, e.g. "active number "). */
int numbering__record_damaged(const numbering_record *record, const char *what, const char *field,
                              const char *problem);

/*
 * A control operation only the library's own record stores answer (memory, and the
 * file backend through the memory store it keeps): arg const numbering_backend **,
 * set to the backend answering. They keep every record's body as it was put (the
 * file backend checks each record it reads back from disk), so the store reads
 * instance records from them with the readers that skip the model's limit checks
 * (numbering__instance_from_own_record()), when the backend answering is the one it
 * was given.
 */
#define NUMBERING__CONTROL_OWN_RECORDS 0x4e42f001

/*
 * A record flag no record stores (put refuses it, decode never gives it): the file
 * backend sets it on a record it visits whose bytes it vouches for, as the library's
 * own stores do for all of theirs: an instance record read through the shared index
 * whose bytes match the check value of its slot, taken by the writer that indexed it
 * after checking it in full (docs/FILE-FORMAT.md, "The shared index"). The store reads
 * such a record with the reader of its own records (numbering__instance_from_own_record()).
 */
#define NUMBERING__RECORD_VOUCHED 0x80000000u

/*
 * Control operations of a backend that other processes write (the file backend: docs/
 * FILE-FORMAT.md, "Many processes"). NUMBERING__CONTROL_WATCH, arg struct
 * numbering__backend_watch *: the backend fills it, and from then on leaves catching up
 * to the caller, which must send NUMBERING__CONTROL_REFRESH (arg NULL) with no read
 * inside the backend (under the store's write lock) whenever *changes differs from
 * *seen. A refresh reads what other processes committed into the backend's memory;
 * it changes *seen, and *foreign when it took any record (so that the store rereads
 * the META records it caches: the last time, the id sequences).
 */
#define NUMBERING__CONTROL_WATCH 0x4e42f002
#define NUMBERING__CONTROL_REFRESH 0x4e42f003
struct numbering__rwlock;
struct numbering__backend_watch {
	const _Atomic uint64_t *changes; /* bumped by every commit and compaction of any process */
	const _Atomic uint64_t *seen;    /* *changes when this backend last caught up */
	const _Atomic uint64_t *foreign; /* refreshes that took another process's records */
	/* Given by the caller (or NULL): its readers' lock, whose write side the caller
	 * holds around every call that may catch up. A catch-up that replaces what readers
	 * read (another process compacted) holds them off with
	 * numbering__rwlock_hold_readers(), as snapshot readers ignore the write side. */
	struct numbering__rwlock *readers;
};

/*
 * A control operation only the library's own record stores answer (memory, and the
 * file backend through the memory store it keeps): arg struct numbering__digit_counts *.
 * Sets mask to the digit counts of the records with an interval that the group of
 * kind @kind and parent @parent holds, listed or not: bit d for d digits (0 when the
 * group holds none). With @intervals (sorted by digit count, at most one per digit
 * count: a START prefix's), also where a walk of the group's listed records in sort
 * order starts: start_interval, the index of the first interval whose digit count
 * the group holds (interval_count when none), and start, the first number of the
 * listed record holding that interval's first number when one does (it reaches in
 * from below), else the interval's first number; for a group whose records' sort
 * keys are their number order (available numbers). Read under the store's read lock,
 * as list() is. An inventory START search walks from there, instead of listing the
 * parent and looking up the interval's first number (service/inventory.c).
 */
#define NUMBERING__CONTROL_DIGIT_COUNTS 0x4e42f004
struct numbering__digit_counts {
	int kind;
	const char *parent;
	const numbering_record_interval *intervals; /* or NULL */
	size_t interval_count;
	uint32_t mask;         /* set */
	size_t start_interval; /* set with intervals */
	uint64_t start;        /* set with intervals, when start_interval < interval_count */
};

/*
 * A control operation only the library's own record stores answer: arg struct
 * numbering__due_kinds *. Sets due to 1 when a record of one of the @count kinds
 * @kinds expires at or before @now (every expiring record when @now is 0: what a list
 * in NUMBERING_RECORD_ORDER_EXPIRY with expires_until @now and limit 1 would visit),
 * else 0. Read under the store's read lock. numbering_store_process_due(), which every
 * inventory call runs first, asks it once for the three kinds that expire instead of
 * listing each (service/active.c).
 */
#define NUMBERING__CONTROL_DUE 0x4e42f005
struct numbering__due_kinds {
	const int *kinds;
	size_t count;
	int64_t now;
	int due; /* set */
};

/*
 * A control operation only the library's own record stores answer (memory, and the
 * file backend through the memory store it keeps): arg struct numbering__key_find *.
 * Visits the record of @kind whose first key (keys[0]) is @key, under @parent unless
 * it is NULL, and sets found: one hash probe, where a list with a key filter walks the
 * group. For a kind that keeps its first keys unique (the first record found is
 * visited). The memory store indexes the first keys of the group (kind, @parent) from
 * the first find that names it, and those of the whole kind from the first find with
 * no parent: such a find is answered only inside a write transaction (until then
 * FAILED_PRECONDITION outside one); every put and remove keeps the index after that.
 * A run of billing after an open so indexes the ledgers of the projects it charges,
 * not the whole store's.
 * The ledger looks up a renewal's charge key with it (service/billing.c); a backend
 * that does not answer gets the list instead.
 */
#define NUMBERING__CONTROL_KEY_FIND 0x4e42f007
struct numbering__key_find {
	int kind;
	const char *parent; /* or NULL: any */
	const char *key;
	numbering_record_visit_cb visit;
	void *payload;
	int found; /* set */
};

/*
 * A control operation of the memory record store (and the file backend, through the
 * one it keeps): arg int *. 1 keeps the records twice, so that reads never wait for a
 * writer (backends/memory/snapshot.c; docs/CONCEPTS.md, "Concurrency"); 0 keeps them
 * once; -1 asks which (*arg set). Sent outside transactions, with no reader inside:
 * a store sends it at open (numbering_options.snapshot_reads).
 */
#define NUMBERING__CONTROL_SNAPSHOTS 0x4e42f006

/*
 * Several snapshot reads as one (the memory record store, and the file backend through
 * the one it keeps): arg int *, 1 makes every read of the calling thread read the copy
 * it reads now until a 0 releases it, so that reads of several records (phone routing:
 * the instance, its PHONE record, the account's callback configuration) see one commit.
 * Between a store's snapshot read lock and its unlock, one hold at a time per thread,
 * outside any write transaction; a read that holds a copy keeps the writer's next
 * begin waiting, so hold it for a few look-ups only. With one copy it does nothing (the
 * caller holds the store's read lock).
 */
#define NUMBERING__CONTROL_SNAPSHOT_HOLD 0x4e42f008

/*
 * Whether the backend was opened to read only (arg NULL): NUMBERING_OK when it was
 * (the file backend's read_only), anything else when it takes writes or does not say.
 * A store of such a backend reads the change journal's state at each ListChanges, and
 * not at open: listing it would keep the journal's records in a shared reader's heap,
 * and every commit of another process would then be replayed into it.
 */
#define NUMBERING__CONTROL_READ_ONLY 0x4e42f009

/*
 * A hint, inside a write transaction: the record of @kind named @name is about to be
 * put (the memory record store, and the file backend through the one it keeps). The
 * store hashes the name and asks for the cache line its look-up will read, so that
 * the miss overlaps the writer's work in between instead of stalling the put (a
 * purchase names its instance, active number and purchase records before the block
 * split). Changes nothing a read or a put sees; always NUMBERING_OK from the memory
 * store, which ignores it outside a transaction; other backends need not answer
 * (numbering__backend_prefetch() ignores what they say).
 */
#define NUMBERING__CONTROL_PREFETCH 0x4e42f00a

/*
 * arg const numbering_backend **: the file backend sets it to itself, saying that it
 * may flag records NUMBERING__RECORD_VOUCHED. The store honours the flag only from a
 * backend that names itself so (numbering__store's vouching): from a host's backend,
 * which may hand on another's answer or set any flag, a record so flagged is read with
 * every check, as any other.
 */
#define NUMBERING__CONTROL_VOUCHES 0x4e42f00b
struct numbering__prefetch {
	int kind;
	const char *name;
};

#endif
