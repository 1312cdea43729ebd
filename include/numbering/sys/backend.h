/**
 * @file numbering/sys/backend.h
 * @brief The storage vtable, for backend authors: a record store.
 *
 * A backend stores records (numbering/sys/record.h: a kind, a name, a body of bytes and
 * index keys the library computes) and indexes them; it holds no business rule, knows
 * no resource, no name grammar and no lifecycle. The store (numbering/store.h) calls it
 * under its own lock:
 *
 * - read calls (get, find, list) may run concurrently with each other, from several
 *   threads, but never during a write transaction; they must not change shared state;
 * - write transactions (begin, then any calls, then commit or rollback) run one at a
 *   time, from one thread, and their reads see their own writes.
 *
 * A backend function must not call the store: its lock is held and not recursive. A
 * visit of another record than the one asked for fails the store's call
 * (NUMBERING_INTERNAL).
 *
 * A new resource kind needs nothing of a backend: it is records of another kind.
 * docs/BACKENDS.md is the guide; the public test kit (numbering/sys/backend-test.h)
 * holds a backend to every sentence here.
 *
 * Growth rule: fields are only ever appended, after a "version N fields" marker; the
 * store calls a function of version N only when backend->version >= N and the
 * pointer is not NULL.
 */
#ifndef NUMBERING_SYS_BACKEND_H
#define NUMBERING_SYS_BACKEND_H

#include "numbering/common.h"
#include "numbering/instance.h"
#include "numbering/sys/record.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Version 2: the record store. */
#define NUMBERING_BACKEND_VERSION 2

/* numbering/store.h declares the typedef too: C99 allows it only once. */
#ifndef NUMBERING_BACKEND_TYPEDEF_
/** Defined once the numbering_backend typedef is declared (not for hosts). */
#define NUMBERING_BACKEND_TYPEDEF_
/** A storage backend: the struct below. */
typedef struct numbering_backend numbering_backend;
#endif

/** A storage backend, a record store: embed it as the first member of your own struct. */
struct numbering_backend {
	/** NUMBERING_BACKEND_VERSION: the members the backend fills. */
	unsigned int version;
	/* Version 2 fields (version 1 stored instances; it is gone). */

	/**
	 * Starts a write transaction. At most one is open. A backend shared with other
	 * connections or processes that cannot get its write lock returns NUMBERING_UNAVAILABLE.
	 */
	int (*begin)(struct numbering_backend *backend);
	/**
	 * Makes the transaction's writes durable and visible, all or nothing. On failure none
	 * is visible and the transaction is over (the store does not call rollback()).
	 */
	int (*commit)(struct numbering_backend *backend);
	/** Forgets the transaction's writes; should not fail. */
	int (*rollback)(struct numbering_backend *backend);

	/**
	 * Inserts @p record, or replaces the record of its kind and name (inside a
	 * transaction). NUMBERING_ALREADY_EXISTS, changing nothing, when it is flagged
	 * NUMBERING_RECORD_NUMBERS and another record so flagged (another kind or name)
	 * holds a number of its interval. The backend copies what it keeps. A refused put
	 * leaves the transaction open, with its earlier writes (SQL: a savepoint per put).
	 */
	int (*put)(struct numbering_backend *backend, const numbering_record *record);
	/** Removes the record of @p kind named @p name (inside a transaction); NUMBERING_NOT_FOUND if none. */
	int (*remove)(struct numbering_backend *backend, int kind, const char *name);

	/** Visits the record of @p kind named @p name; NUMBERING_NOT_FOUND if none. */
	int (*get)(struct numbering_backend *backend, int kind, const char *name,
	           numbering_record_visit_cb visit, void *payload);
	/**
	 * Visits, in number order, every record flagged NUMBERING_RECORD_NUMBERS that holds
	 * a number of @p digits digits in @p first .. @p last; NUMBERING_NOT_FOUND if none.
	 * With first == last (one record at most) this is the resolve look-up, the hottest
	 * call: index it, and do not allocate.
	 */
	int (*find)(struct numbering_backend *backend, int digits, uint64_t first, uint64_t last,
	            numbering_record_visit_cb visit, void *payload);
	/** Visits the records matching @p query in its order, at most query->limit; NUMBERING_OK when none match. */
	int (*list)(struct numbering_backend *backend, const numbering_record_query *query,
	            numbering_record_visit_cb visit, void *payload);

	/** Backend-specific operations; NUMBERING_UNIMPLEMENTED for an op it does not know. Optional (NULL). */
	int (*control)(struct numbering_backend *backend, int op, void *arg);

	/** Frees the backend and everything it holds. */
	void (*free)(struct numbering_backend *backend);
};




/**
 * @name Control operations a store sends to every backend.
 * A backend that does not know one returns NUMBERING_UNIMPLEMENTED, and the store
 * carries on without it.
 */
/**@{*/
/**
 * arg NULL. The store promises to send NUMBERING_BACKEND_CONTROL_WAIT_DURABLE after
 * every successful commit(), once it has released its write lock. A backend may then
 * return from commit() once the transaction is written and visible, and make it
 * durable in the wait, so that writers waiting together share one disk sync (group
 * commit). The store sends it once, after opening.
 */
#define NUMBERING_BACKEND_CONTROL_DEFER_SYNC 0x4e420001
/**
 * arg NULL. Returns once the calling thread's last committed transaction is durable;
 * an error when it cannot be made durable (the store then reports the operation failed).
 */
#define NUMBERING_BACKEND_CONTROL_WAIT_DURABLE 0x4e420002
/** What NUMBERING_BACKEND_CONTROL_COUNT asks: how many records of @p kind the backend holds. */
typedef struct numbering_backend_count {
	/** The kind counted. */
	int kind;
	/** Set by the backend. */
	int64_t count;
} numbering_backend_count;

/**
 * arg numbering_backend_count *: set count to how many records of kind the backend holds.
 * Asked under the store's write lock before each create and split when
 * numbering_options.max_instances is set, so it must be cheap (a counter, not a scan).
 */
#define NUMBERING_BACKEND_CONTROL_COUNT 0x4e420003
/**
 * arg NULL. Housekeeping that reads the backend's state and must not overlap a write,
 * but may run beside reads: the file backend's automatic compaction. The store sends
 * it once after opening; a backend that answers NUMBERING_OK is then sent it after
 * every successful write, once the store has released its write lock, with other
 * writes held off and reads going on, and does such work there rather than inside
 * commit(), so that reads never wait for it. It returns at once when nothing is due;
 * its failures do not fail the write (report them another way).
 */
#define NUMBERING_BACKEND_CONTROL_MAINTAIN 0x4e420004
/** What NUMBERING_BACKEND_CONTROL_FOREACH asks: a visit of every record. */
typedef struct numbering_backend_foreach {
	/** Called once for each record (borrowed for the call); non-zero stops the walk and is returned. */
	numbering_record_visit_cb visit;
	/** Passed to @c visit. */
	void *payload;
} numbering_backend_foreach;

/**
 * arg numbering_backend_foreach *: visits every record the backend holds, each once,
 * in no particular order, outside any transaction (NUMBERING_FAILED_PRECONDITION
 * inside one). Optional: what a whole-store walk needs (numberctl export, projects),
 * since list() walks one (kind, parent) at a time; the store itself never sends it.
 * The memory and file backends answer it.
 */
#define NUMBERING_BACKEND_CONTROL_FOREACH 0x4e420005
/**@}*/

/**
 * Describes the failure a backend function is about to return, for the store's
 * caller: sets the calling thread's last error (numbering/errors.h) to @p code and
 * @p message, with one field violation on @p field when it is not NULL.
 *
 *     if (pwrite(fd, buf, len, off) != (ssize_t)len)
 *             return numbering_error_set(NUMBERING_UNAVAILABLE, NULL, "my backend: cannot write /var/lib/n.db");
 *
 * A backend that fails without calling it still fails cleanly: the store reports
 * the code with a message naming the backend operation. A return value that is not a
 * status code (numbering_status) reaches the caller as NUMBERING_INTERNAL.
 * @param[in] code the status the backend returns; NUMBERING_OK changes nothing.
 * @param[in] field the request field at fault, or NULL.
 * @param[in] message one sentence; NULL for the code's name. Copied (cut at 511 bytes).
 * @return @p code, so that a backend can `return numbering_error_set(...)`.
 *
 * Ownership: @p field and @p message are copied. Lifetime: the error lasts until the
 * calling thread's next failing call.
 * Thread safety: sets the calling thread's error only.
 */
NUMBERING_EXTERN(int) numbering_error_set(int code, const char *field, const char *message);

/**
 * Opens a new, empty in-memory backend.
 * @param[out] out the backend; pass it to numbering_options.backend.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT when @p out is NULL; NUMBERING_INTERNAL
 *         when libsodium fails to initialize; NUMBERING_RESOURCE_EXHAUSTED.
 *
 * Ownership: @p *out is the caller's until given to a store (numbering_store_open()
 * takes it); free it with its free member otherwise.
 * Thread safety: callable from any thread; the backend's own calls are serialized by
 * the store that owns it.
 */
NUMBERING_EXTERN(int) numbering_memory_backend_new(numbering_backend **out);

/** @name A compact binary encoding of an instance, for backends that store bytes. */
/**@{*/
/**
 * Encodes @p instance into a new buffer.
 * @param[out] out the bytes, freed with numbering_free().
 * @param[out] len their count.
 * @param[in] instance the instance to encode.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT for a NULL pointer or an instance
 *         that cannot be encoded (its fields past the encoding's limits);
 *         NUMBERING_RESOURCE_EXHAUSTED.
 *
 * Ownership: @p *out is the caller's, freed with numbering_free(); NULL on failure.
 * Thread safety: reentrant; no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(int) numbering_instance_encode(uint8_t **out, size_t *len, const numbering_instance *instance);
/**
 * Decodes bytes from numbering_instance_encode() into @p out, reusing its memory.
 * @param[out] out the instance to fill; emptied first.
 * @param[in] data the bytes.
 * @param[in] len how many bytes @p data holds.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT when @p out is NULL, or @p data is
 *         NULL with a non-zero @p len; NUMBERING_DATA_LOSS for bytes that are not a
 *         valid encoding (never reads outside @p data .. @p data + @p len);
 *         NUMBERING_RESOURCE_EXHAUSTED.
 *
 * Ownership: @p out's strings are copied from @p data; @p data stays the caller's.
 * Lifetime: strings read from @p out before the call are invalid after it.
 * Thread safety: reentrant; no other thread may be using @p out.
 */
NUMBERING_EXTERN(int) numbering_instance_decode(numbering_instance *out, const uint8_t *data, size_t len);
/**@}*/

#ifdef __cplusplus
}
#endif

#endif
