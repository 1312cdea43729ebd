/**
 * @file numbering/sys/record.h
 * @brief Records: what a storage backend stores, for backend authors.
 *
 * A backend stores **records** and indexes them; it knows no resource, no name
 * grammar, no lifecycle and no business rule (libgit2's object database stores bytes
 * and a type and the core interprets them; LMDB keeps ordered keys). A record is:
 *
 * - a **kind**, a small integer the library assigns to each resource (instances,
 *   store metadata, idempotency records ...; numbering_record_kind_name() names them);
 * - a **name**, unique within its kind;
 * - a **body**: bytes in the library's encoding of that kind, opaque to the backend;
 * - **index keys**, which the library computes from the resource and the backend
 *   indexes: a parent and a sort key (paging), a number interval (one owner per
 *   number), an expiry time, and a few secondary keys (equality filters).
 *
 * The indexes a backend keeps, each one indexed query in SQL:
 *
 * | index | used by | in SQL |
 * | --- | --- | --- |
 * | (kind, name), unique | get, put, remove | primary key |
 * | (kind, parent, sort_key), unique | list pages, descending or ascending | index |
 * | (digits, first .. last) of records flagged NUMBERING_RECORD_NUMBERS, exclusive across kinds | find; put refuses an overlap | exclusion constraint |
 * | (kind, parent, digits, first .. last) | list with number intervals (a prefix) | index |
 * | (kind, keys[i]) | list with equality filters | one index per slot |
 * | (kind, expires) | list in expiry order | partial index |
 *
 * The vtable that stores them is numbering_backend (numbering/sys/backend.h).
 */
#ifndef NUMBERING_SYS_RECORD_H
#define NUMBERING_SYS_RECORD_H

#include "numbering/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The largest kind: kinds are 1 .. NUMBERING_RECORD_KIND_MAX. */
#define NUMBERING_RECORD_KIND_MAX 255
/** Secondary equality keys per record. */
#define NUMBERING_RECORD_KEY_SLOTS 4
/** The most digits of a number interval's numbers (E.164 has 15). */
#define NUMBERING_RECORD_DIGITS_MAX 16
/** The longest name or parent, in bytes. */
#define NUMBERING_RECORD_NAME_MAX 4096
/** The longest secondary key, in bytes. */
#define NUMBERING_RECORD_KEY_MAX 255
/** The longest body, in bytes. */
#define NUMBERING_RECORD_BODY_MAX (64u * 1024u * 1024u)

/** @name Record flags */
/**@{*/
/** The record appears in list queries that ask for listed records only (a deleted instance does not). */
#define NUMBERING_RECORD_LISTED 0x1u
/**
 * The record holds the numbers of its interval: no two records with this flag hold a
 * common number (same digit count, overlapping first .. last), whatever their kinds.
 * put() refuses an overlap with NUMBERING_ALREADY_EXISTS, and find() finds only these.
 * A record without it may still carry an interval, which list() filters on.
 */
#define NUMBERING_RECORD_NUMBERS 0x2u
/**@}*/

/**
 * One record: what put() is given and what a visit receives. Every pointer is
 * borrowed: for put(), for the duration of the call; in a visit, for the duration of
 * the callback.
 */
typedef struct numbering_record {
	/** NUMBERING_RECORD_VERSION of whoever filled it (the library for put(), the backend for a visit). */
	unsigned int version;
	/* Version 1 fields. */
	/** 1 .. NUMBERING_RECORD_KIND_MAX. */
	int kind;
	/** NUMBERING_RECORD_* flags. */
	unsigned int flags;
	/** Unique within the kind: 1 .. NUMBERING_RECORD_NAME_MAX bytes, no NUL. */
	const char *name;
	/** The paging group ("projects/p1"), "" for none: 0 .. NUMBERING_RECORD_NAME_MAX bytes. */
	const char *parent;
	/** The order within (kind, parent); the library keeps it unique within (kind, parent). */
	int64_t sort_key;
	/** The number interval's digit count, 1 .. NUMBERING_RECORD_DIGITS_MAX, or 0 for none. */
	int digits;
	/** The interval's first number (first <= last < 10^digits); 0 without one. */
	uint64_t first;
	/** The interval's last number; equal to @c first for one number; 0 without one. */
	uint64_t last;
	/** The expiry key; 0 when the record does not expire (it is then in no expiry order). */
	int64_t expires;
	/** Secondary keys: NULL (absent) or 0 .. NUMBERING_RECORD_KEY_MAX bytes; their meaning is the kind's. */
	const char *keys[NUMBERING_RECORD_KEY_SLOTS];
	/** The body, opaque: @p body_len bytes (0 .. NUMBERING_RECORD_BODY_MAX; body may be NULL when 0). */
	const void *body;
	/** How many bytes @c body holds. */
	size_t body_len;
} numbering_record;

/** The numbering_record version these headers know: set numbering_record.version to it. */
#define NUMBERING_RECORD_VERSION 1

/** A number interval, for list() filters. */
typedef struct numbering_record_interval {
	int digits;     /**< digit count of the numbers, 1 .. NUMBERING_RECORD_DIGITS_MAX */
	uint64_t first; /**< the first number */
	uint64_t last;  /**< the last number, >= first */
} numbering_record_interval;

/** @name List orders */
/**@{*/
/** By sort_key descending within (kind, parent): newest first. */
#define NUMBERING_RECORD_ORDER_DESCENDING 0
/** By sort_key ascending within (kind, parent). */
#define NUMBERING_RECORD_ORDER_ASCENDING 1
/** By expires ascending, then by name, within the kind; records with expires == 0 are not visited. */
#define NUMBERING_RECORD_ORDER_EXPIRY 2
/**@}*/

/** What list() asks for; every condition given must hold. */
typedef struct numbering_record_query {
	/** NUMBERING_RECORD_QUERY_VERSION, as NUMBERING_RECORD_QUERY_INIT sets it. */
	unsigned int version;
	/* Version 1 fields. */
	/** The kind listed. */
	int kind;
	/** NUMBERING_RECORD_ORDER_*. */
	int order;
	/** Only records with this parent; NULL for every parent (only with ORDER_EXPIRY). */
	const char *parent;
	/** Non-zero: only records flagged NUMBERING_RECORD_LISTED. */
	int listed_only;
	/**
	 * Non-zero: start strictly after @p after in the order: sort_key < after
	 * (DESCENDING), sort_key > after (ASCENDING), expires > after (EXPIRY: every record
	 * expiring at @p after itself is skipped). A page cursor.
	 */
	int has_after;
	/** The cursor, read when @c has_after is non-zero. */
	int64_t after;
	/** With ORDER_EXPIRY and non-zero: only records with expires <= this. */
	int64_t expires_until;
	/** Non-zero count: only records whose interval overlaps one of these (same digit count). */
	const numbering_record_interval *intervals;
	/** How many intervals @c intervals holds; 0: no interval filter. */
	size_t interval_count;
	/** Only records whose key slot i equals keys[i], byte for byte (NULL: any). */
	const char *keys[NUMBERING_RECORD_KEY_SLOTS];
	/** At most this many visits; 0 for no limit (the visitor may stop earlier). */
	int limit;
} numbering_record_query;

/** The numbering_record_query version these headers know. */
#define NUMBERING_RECORD_QUERY_VERSION 1
/** Static initializer of a numbering_record_query: this version, every record of kind 0, newest first. */
#define NUMBERING_RECORD_QUERY_INIT                                                                            \
	{NUMBERING_RECORD_QUERY_VERSION, 0, NUMBERING_RECORD_ORDER_DESCENDING, NULL, 0, 0, 0, 0, NULL, 0, {NULL, NULL, NULL, NULL}, 0}

/**
 * Receives one record, borrowed for the call (its pointers may point into the
 * backend's own memory or a database row). Return 0 to go on; non-zero stops the
 * walk, and the backend returns that value from the call that visited.
 */
typedef int (*numbering_record_visit_cb)(const numbering_record *record, void *payload);

/**
 * Encodes @p record, keys and body, into the library's record encoding: for a backend
 * that stores bytes (a key-value store, a log). The file backend's log and the memory
 * backend keep these very bytes.
 * @param[out] out the bytes, freed with numbering_free().
 * @param[out] len their count.
 * @param[in] record the record; only read.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT for a NULL pointer, or naming the
 *         field for a record outside the limits above; NUMBERING_RESOURCE_EXHAUSTED.
 *
 * Ownership: @p *out is the caller's, freed with numbering_free(); NULL on failure.
 * Thread safety: reentrant.
 */
NUMBERING_EXTERN(int) numbering_record_encode(uint8_t **out, size_t *len, const numbering_record *record);

/**
 * Reads bytes of numbering_record_encode() into @p out, whose pointers then point into
 * @p data (nothing is copied or allocated): valid as long as @p data is.
 * @param[out] out the record to fill.
 * @param[in] data the bytes.
 * @param[in] len how many bytes @p data holds.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT for a NULL pointer; NUMBERING_DATA_LOSS
 *         naming the field for bytes that are not a record (never reads outside them).
 *
 * Ownership: nothing allocated; @p data stays the caller's. Lifetime: the pointers in
 * @p out are valid as long as @p data is, unchanged.
 * Thread safety: reentrant.
 */
NUMBERING_EXTERN(int) numbering_record_decode(numbering_record *out, const uint8_t *data, size_t len);

/**
 * The name of a record kind.
 * @param[in] kind a record kind (any int is accepted).
 * @return a static string ("phoneNumberInstance", "meta" ...), or NULL for a kind the
 *         library does not define. Sets no error.
 *
 * Ownership: the library's; never freed. Lifetime: the process's.
 * Thread safety: callable from any thread.
 */
NUMBERING_EXTERN(const char *) numbering_record_kind_name(int kind);

/**
 * Checks @p record as the library would read it back from a store: the limits of
 * numbering_record_encode(), then its body (and the keys the library derives from the
 * body) with the decoder of its kind, storing nothing. For a tool that puts records
 * into a backend itself (numberctl import --export): a damaged record is refused before
 * it is written, instead of being answered NUMBERING_DATA_LOSS by a later read.
 * @param[in] record the record; only read.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT for a NULL pointer, a kind the library
 *         does not define, or naming the field for a record outside the limits;
 *         NUMBERING_DATA_LOSS naming the record and the field for a body or keys the
 *         library would not read (the error a read of the stored record would answer).
 *
 * Ownership: nothing allocated. Thread safety: reentrant (sets the thread's error).
 */
NUMBERING_EXTERN(int) numbering_record_check(const numbering_record *record);

#ifdef __cplusplus
}
#endif

#endif
