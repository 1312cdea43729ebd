/**
 * @file numbering/sys/backend.h
 * @brief The storage vtable, for backend authors.
 *
 * A backend stores instances and indexes them; it holds no business rules. The
 * store (numbering/store.h) calls it under its own lock: read calls may run
 * concurrently with each other, never with a write transaction; write calls are
 * made one at a time, between begin() and commit() or rollback().
 *
 * Operations are typed so that a SQL backend can push each one down to one query:
 * get by name, find by number or number interval, list a project's page in
 * create-time order with a prefix filter.
 *
 * Numbers are passed as their digits (calling code included) and digit count;
 * two numbers are equal only when both match. A record covers the numbers
 * first .. last (inclusive) of one digit count: one number, or a range.
 *
 * Growth rule: fields are only ever appended, after a "version N fields" marker;
 * the store calls a function of version N only when backend->version >= N and the
 * pointer is not NULL.
 */
#ifndef NUMBERING_SYS_BACKEND_H
#define NUMBERING_SYS_BACKEND_H

#include "numbering/common.h"
#include "numbering/instance.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NUMBERING_BACKEND_VERSION 1

/** What a list call asks for; the backend returns matches newest first. */
typedef struct numbering_backend_query {
	unsigned int version;
	/* Version 1 fields. */
	/** "projects/p1". */
	const char *project;
	/** 0: skip DELETED instances. */
	int include_deleted;
	/** Only instances created strictly before this time (ns); 0 for no bound. */
	int64_t created_before;
	/**
	 * Only instances that hold a number whose digits start with these digits
	 * (calling code included, e.g. "6125"), NULL for all. A range matches when any
	 * of its numbers matches.
	 */
	const char *prefix_digits;
	/** At most this many instances. */
	int limit;
	/* Version 2 fields. */
	/**
	 * Memory to build the next visited instance in (@p size bytes, or NULL: stop),
	 * given the visit's @p payload. The library's own backends build each instance
	 * there, so that the visitor keeps it without a copy (it knows it by its address);
	 * other backends ignore it, since an instance's layout is private to the library.
	 * NULL when the caller does not offer it.
	 */
	void *(*place)(void *payload, size_t size);
} numbering_backend_query;

#define NUMBERING_BACKEND_QUERY_VERSION 2

/** Receives one listed instance (borrowed for the call). Return non-zero to stop. */
typedef int (*numbering_backend_visit_cb)(const numbering_instance *instance, void *payload);

/** A storage backend: embed it as the first member of your own struct. */
typedef struct numbering_backend {
	unsigned int version;
	/* Version 1 fields. */

	/** Starts a write transaction. */
	int (*begin)(struct numbering_backend *backend);
	/** Makes the transaction's writes durable and visible; on failure nothing of it is. */
	int (*commit)(struct numbering_backend *backend);
	/** Forgets the transaction's writes. */
	int (*rollback)(struct numbering_backend *backend);

	/** Fills @p out with the instance named @p name; NUMBERING_NOT_FOUND if none. */
	int (*get)(numbering_instance *out, struct numbering_backend *backend, const char *name);
	/** Inserts or replaces the instance with @p instance's name (inside a transaction). */
	int (*put)(struct numbering_backend *backend, const numbering_instance *instance);
	/** Removes the instance named @p name (inside a transaction); NUMBERING_NOT_FOUND if none. */
	int (*remove)(struct numbering_backend *backend, const char *name);

	/**
	 * Fills @p out with a non-deleted instance holding any number of @p digits digits
	 * in first .. last; NUMBERING_NOT_FOUND if none. With first == last this is the
	 * resolve look-up, the hottest call: it should not allocate once @p out has grown.
	 */
	int (*find)(numbering_instance *out, struct numbering_backend *backend, uint64_t first, uint64_t last,
	            int digits);

	/** Visits the instances matching @p query, newest first, at most query->limit. */
	int (*list)(struct numbering_backend *backend, const numbering_backend_query *query,
	            numbering_backend_visit_cb visit, void *payload);

	/**
	 * Reads a small metadata value (idempotency records, the store's page-token key,
	 * the last create time) into @p buf of @p *len bytes; sets *len to its length.
	 * @return NUMBERING_NOT_FOUND if absent; NUMBERING_OUT_OF_RANGE if @p buf is too small
	 *         (*len then says how much is needed).
	 */
	int (*meta_get)(struct numbering_backend *backend, const char *key, void *buf, size_t *len);
	/** Writes a metadata value (inside a transaction). */
	int (*meta_put)(struct numbering_backend *backend, const char *key, const void *value, size_t len);

	/** Backend-specific operations (sync mode, compaction, statistics ...); NUMBERING_UNIMPLEMENTED otherwise. */
	int (*control)(struct numbering_backend *backend, int op, void *arg);

	/** Frees the backend. */
	void (*free)(struct numbering_backend *backend);
} numbering_backend;

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
/**
 * arg int64_t *: set to how many instances the backend holds, deleted ones included.
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
 */
NUMBERING_EXTERN(int) numbering_error_set(int code, const char *field, const char *message);

/**
 * Opens a new, empty in-memory backend.
 * @param[out] out the backend; pass it to numbering_options.backend.
 * @return NUMBERING_OK or NUMBERING_RESOURCE_EXHAUSTED.
 */
NUMBERING_EXTERN(int) numbering_memory_backend_new(numbering_backend **out);

/** @name What a backend needs to index an instance. */
/**@{*/
/** The project part of the instance's name ("projects/p1"), written into @p buf; "" if unnamed. */
NUMBERING_EXTERN(int) numbering_instance_project(char *buf, size_t bufsize, const numbering_instance *instance);
/** The numbers the instance holds: first and last as digits, and their digit count. */
NUMBERING_EXTERN(int) numbering_instance_numbers(uint64_t *first, uint64_t *last, int *digits,
                                                 const numbering_instance *instance);
/**@}*/

/** @name A compact binary encoding of an instance, for backends that store bytes. */
/**@{*/
/**
 * Encodes @p instance into a new buffer.
 * @param[out] out the bytes, freed with numbering_free().
 * @param[out] len their count.
 * @param[in] instance the instance to encode.
 */
NUMBERING_EXTERN(int) numbering_instance_encode(uint8_t **out, size_t *len, const numbering_instance *instance);
/**
 * Decodes bytes from numbering_instance_encode() into @p out, reusing its memory.
 * @return NUMBERING_OK, or NUMBERING_DATA_LOSS for bytes that are not a valid encoding
 *         (never reads outside @p data .. @p data + @p len).
 */
NUMBERING_EXTERN(int) numbering_instance_decode(numbering_instance *out, const uint8_t *data, size_t len);
/**@}*/

#ifdef __cplusplus
}
#endif

#endif
