/**
 * @file numbering/store.h
 * @brief The PhoneNumberInstances service over a store: open, close and the operations.
 *        Listing, resolve, the JSON entry point and the built-in policy have their own
 *        headers (list.h, resolve.h, json.h, policy.h).
 *
 * A store is a handle over a storage backend (numbering/sys/backend.h) that enforces
 * every rule that spans records: one number belongs to at most one non-deleted
 * instance, lifecycle transitions, ranges, paging, permissions, idempotent creates.
 *
 * Each operation takes the caller's principal (e.g. "user:alice", or NULL) and checks
 * the operation's permission on the project before it looks anything up, so a caller
 * without the permission learns nothing about what exists.
 *
 * Thread safety: a store may be shared by any number of threads. Reads run in
 * parallel; writes are serialized.
 */
#ifndef NUMBERING_STORE_H
#define NUMBERING_STORE_H

#include "common.h"
#include "instance.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct numbering_store numbering_store;
typedef struct numbering_backend numbering_backend;

/**
 * Decides whether @p caller holds @p permission (e.g.
 * "numbering.phoneNumberInstances.create") on @p project ("projects/p1").
 * @return 1 to allow, 0 to deny.
 */
typedef int (*numbering_authorizer_cb)(const char *caller, const char *permission, const char *project,
                                       void *payload);

/**
 * Returns the current time in nanoseconds since the Unix epoch. A reading outside
 * 1678-01-01T00:00:00Z .. 2261-12-31T23:59:59.999999999Z (the whole years int64
 * nanoseconds hold) makes a write that needs a time NUMBERING_FAILED_PRECONDITION; so
 * does a clock standing at the end of that range once the store has used its last time
 * (times a store hands out strictly increase; they are refused, never wrapped).
 */
typedef int64_t (*numbering_clock_cb)(void *payload);

/** Receives one event as JSON (e.g. {"type":"phoneNumberInstance.created",...}) after a commit. */
typedef void (*numbering_event_cb)(const char *event_json, void *payload);

#define NUMBERING_OPTIONS_VERSION 2

/**
 * How to open a store. Initialize with NUMBERING_OPTIONS_INIT or
 * numbering_options_init(); fields are only ever appended, and the library reads
 * only the fields of the version the caller was compiled with.
 */
typedef struct numbering_options {
	unsigned int version;
	/* Version 1 fields. */
	/** The storage; the store takes ownership. NULL opens a new memory backend. */
	numbering_backend *backend;
	/** The clock; NULL is the real-time clock. */
	numbering_clock_cb clock;
	void *clock_payload;
	/** The authorizer; NULL allows every call (the host is trusted, as with SQLite). */
	numbering_authorizer_cb authorizer;
	void *authorizer_payload;
	/** Where events go after each committed change; NULL sends none. */
	numbering_event_cb event_sink;
	void *event_payload;
	/** Region for national numbers and 0NSN prefixes when a request gives none (e.g. "AU"), or NULL. */
	const char *default_region;
	/**
	 * Which numbers need a regulatory listing to be compliant: a comma-separated list
	 * of COUNTRY:TYPE pairs, TYPE a number type name or '*' ("AU:*,DE:LOCAL,DE:MOBILE").
	 * NULL or "" requires none, so every instance is compliant.
	 */
	const char *regulatory_requirements;
	/* Version 2 fields. */
	/**
	 * The most instances the store may hold, deleted ones included (they are kept, and
	 * can still be read): a create or split past it is NUMBERING_RESOURCE_EXHAUSTED.
	 * 0 sets no limit of the store's own, leaving the backend's capacity
	 * (docs/LIMITS.md). A non-zero value needs a backend that counts its instances
	 * (NUMBERING_BACKEND_CONTROL_COUNT, as the memory and file backends do); with
	 * another, or a negative value, opening is NUMBERING_INVALID_ARGUMENT.
	 */
	int64_t max_instances;
} numbering_options;

#define NUMBERING_OPTIONS_INIT {NUMBERING_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0}

/**
 * Initializes @p options to the defaults of @p version, writing only that version's
 * fields (an older caller's struct is smaller).
 * @return NUMBERING_OK, or NUMBERING_INVALID_ARGUMENT for NULL or an unknown version.
 */
NUMBERING_EXTERN(int) numbering_options_init(numbering_options *options, unsigned int version);

/**
 * Opens a store.
 * @param[out] out the store, closed with numbering_store_close(); NULL on failure.
 * @param[in] options NULL for all defaults (a memory store, allow-all).
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT (bad options, unknown version,
 *         malformed regulatory requirements); NUMBERING_RESOURCE_EXHAUSTED; or the
 *         backend's error. On failure the backend passed in is freed.
 */
NUMBERING_EXTERN(int) numbering_store_open(numbering_store **out, const numbering_options *options);

/**
 * Closes a store and frees its backend. NULL is a no-op. No call may be running on it,
 * and no thread may use it after: instances it handed out stay valid (they are the
 * caller's).
 */
NUMBERING_EXTERN(void) numbering_store_close(numbering_store *store);

/**
 * @name Operations.
 * Each returns NUMBERING_OK or an error code, with details in the thread's last
 * error. An instance returned through @p out is the caller's, freed with
 * numbering_instance_free(); on failure *out is NULL.
 * Common errors: NUMBERING_INVALID_ARGUMENT (malformed name or field, with a field
 * violation), NUMBERING_PERMISSION_DENIED (checked first), NUMBERING_NOT_FOUND,
 * NUMBERING_FAILED_PRECONDITION (not allowed in the current lifecycle state),
 * NUMBERING_RESOURCE_EXHAUSTED, and storage errors (NUMBERING_UNAVAILABLE,
 * NUMBERING_DATA_LOSS, NUMBERING_INTERNAL).
 */
/**@{*/

/**
 * Creates an instance under @p parent ("projects/p1") from @p request: at least
 * its phone number, which may be range notation, or a start number with a range
 * size or end.
 * @param[out] out the created instance.
 * @param[in] store the store.
 * @param[in] caller the principal the permission check sees, or NULL.
 * @param[in] parent the project, "projects/{project}".
 * @param[in] request the instance to create (only writable fields are read).
 * @param[in] instance_id the id to use (1..63 of a-z, 0-9, '-', starting with a letter),
 *            or NULL to generate one.
 * @param[in] request_id NULL, or an id that makes retries idempotent: the same id with
 *            the same request returns the first call's response, as it was then
 *            (AIP-155), to any caller with create on @p parent, whatever has happened
 *            to the instance since; with a different request it is
 *            NUMBERING_INVALID_ARGUMENT. Ids are scoped to @p parent. A record written
 *            by a version that did not keep responses shows the instance as it is now,
 *            and only to a caller with get on @p parent (others:
 *            NUMBERING_PERMISSION_DENIED).
 * @param[in] region region for a national number, or NULL for the store's default.
 * @return also NUMBERING_ALREADY_EXISTS when a number is held by another non-deleted
 *         instance or the id is taken (the message names that instance only when the
 *         caller may get it); NUMBERING_RESOURCE_EXHAUSTED when the store holds
 *         max_instances; NUMBERING_FAILED_PRECONDITION when the clock reads outside the
 *         times a store records (numbering_clock_cb).
 */
NUMBERING_EXTERN(int) numbering_store_create(numbering_instance **out, numbering_store *store, const char *caller,
                                             const char *parent, const numbering_instance *request,
                                             const char *instance_id, const char *request_id, const char *region);

/**
 * Gets an instance by name (deleted instances included).
 * @param[out] out the instance, the caller's (numbering_instance_free()).
 * @param[in] store the store.
 * @param[in] caller the principal the permission check sees, or NULL.
 * @param[in] name "projects/{project}/phoneNumberInstances/{id}".
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT (a NULL argument, a malformed name);
 *         NUMBERING_PERMISSION_DENIED (get on the project); NUMBERING_NOT_FOUND;
 *         NUMBERING_RESOURCE_EXHAUSTED; a storage error.
 */
NUMBERING_EXTERN(int) numbering_store_get(numbering_instance **out, numbering_store *store, const char *caller,
                                          const char *name);

/**
 * Updates the fields named by @p update_mask (comma-separated paths, camelCase or
 * snake_case; NULL, "" or "*" means every writable field) from @p request.
 * Writable: display_name, labels, incoming_message_handler_uris,
 * incoming_call_handler_uris, call_recording_trigger, phone_number.capabilities,
 * phone_number.number_type. Naming any other field is NUMBERING_INVALID_ARGUMENT.
 * @return also NUMBERING_FAILED_PRECONDITION for a deleted instance.
 */
NUMBERING_EXTERN(int) numbering_store_update(numbering_instance **out, numbering_store *store, const char *caller,
                                             const char *name, const numbering_instance *request,
                                             const char *update_mask);

/**
 * Deletes (any non-deleted state to DELETED, sets delete_time); its numbers become free.
 * The instance is kept, and can still be read and listed with include_deleted.
 * @param[out] out the instance as it now is, the caller's (numbering_instance_free()).
 * @param[in] store the store.
 * @param[in] caller the principal the permission check sees, or NULL.
 * @param[in] name "projects/{project}/phoneNumberInstances/{id}".
 * @return as the group; NUMBERING_FAILED_PRECONDITION when it is already DELETED.
 */
NUMBERING_EXTERN(int) numbering_store_delete(numbering_instance **out, numbering_store *store, const char *caller,
                                             const char *name);

/**
 * PENDING to ACTIVE; sets activate_time.
 * @param[out] out the instance as it now is, the caller's (numbering_instance_free()).
 * @param[in] store the store.
 * @param[in] caller the principal the permission check sees, or NULL.
 * @param[in] name "projects/{project}/phoneNumberInstances/{id}".
 * @return as the group; NUMBERING_FAILED_PRECONDITION from any other state.
 */
NUMBERING_EXTERN(int) numbering_store_activate(numbering_instance **out, numbering_store *store, const char *caller,
                                               const char *name);

/**
 * ACTIVE to SUSPENDED.
 * @param[out] out the instance as it now is, the caller's (numbering_instance_free()).
 * @param[in] store the store.
 * @param[in] caller the principal the permission check sees, or NULL.
 * @param[in] name "projects/{project}/phoneNumberInstances/{id}".
 * @return as the group; NUMBERING_FAILED_PRECONDITION from any other state.
 */
NUMBERING_EXTERN(int) numbering_store_suspend(numbering_instance **out, numbering_store *store, const char *caller,
                                              const char *name);

/**
 * SUSPENDED to ACTIVE.
 * @param[out] out the instance as it now is, the caller's (numbering_instance_free()).
 * @param[in] store the store.
 * @param[in] caller the principal the permission check sees, or NULL.
 * @param[in] name "projects/{project}/phoneNumberInstances/{id}".
 * @return as the group; NUMBERING_FAILED_PRECONDITION from any other state.
 */
NUMBERING_EXTERN(int) numbering_store_resume(numbering_instance **out, numbering_store *store, const char *caller,
                                             const char *name);

/**
 * Moves an instance to @p destination_parent, keeping its id; needs the move
 * permission on both projects. @p regulatory_listing, when not NULL, replaces the
 * listing (a listing of the destination project).
 * @return also NUMBERING_ALREADY_EXISTS when the destination has the id (the message
 *         names that instance only when the caller may get in the destination).
 */
NUMBERING_EXTERN(int) numbering_store_move(numbering_instance **out, numbering_store *store, const char *caller,
                                           const char *name, const char *destination_parent,
                                           const char *regulatory_listing);

/**
 * Splits a range: the instance keeps its first @p size numbers, a new instance in
 * the same project takes the rest. Atomic; costs the same whatever the range size.
 * @param[out] first the instance that was split.
 * @param[out] second the new instance.
 * @param[in] store the store.
 * @param[in] caller the principal the permission check sees, or NULL.
 * @param[in] name the range's name.
 * @param[in] size how many numbers the range keeps.
 * @return also NUMBERING_INVALID_ARGUMENT when @p size is outside 1 .. size-1 or the
 *         instance is not a range; NUMBERING_RESOURCE_EXHAUSTED when the store holds
 *         max_instances.
 */
NUMBERING_EXTERN(int) numbering_store_split_range(numbering_instance **first, numbering_instance **second,
                                                  numbering_store *store, const char *caller, const char *name,
                                                  int64_t size);

/**@}*/

#ifdef __cplusplus
}
#endif

#endif
