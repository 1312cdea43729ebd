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
#include "log.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A store: opaque; opened with numbering_store_open(), closed with numbering_store_close(). */
typedef struct numbering_store numbering_store;
/* Declared here and in numbering/sys/backend.h: C99 allows a typedef only once. */
#ifndef NUMBERING_BACKEND_TYPEDEF_
/** Defined once the numbering_backend typedef is declared (not for hosts). */
#define NUMBERING_BACKEND_TYPEDEF_
/** A storage backend: its vtable is in numbering/sys/backend.h. */
typedef struct numbering_backend numbering_backend;
#endif

/**
 * Decides whether @p caller holds @p permission (e.g.
 * "numbering.phoneNumberInstances.create") on @p project ("projects/p1").
 * @param caller the principal the operation was called with, or NULL.
 * @param permission the permission the operation needs.
 * @param project the project it acts on.
 * @param payload numbering_options.authorizer_payload.
 * @return 1 to allow, 0 to deny.
 *
 * Lifetime: the strings are valid during the call only.
 * Thread safety: called from whichever thread calls the store, possibly at once from
 * several; it must not call the store.
 */
typedef int (*numbering_authorizer_cb)(const char *caller, const char *permission, const char *project,
                                       void *payload);

/**
 * Returns the current time in nanoseconds since the Unix epoch. A reading outside
 * 1678-01-01T00:00:00Z .. 2261-12-31T23:59:59.999999999Z (the whole years int64
 * nanoseconds hold) makes a write that needs a time NUMBERING_FAILED_PRECONDITION; so
 * does a clock standing at the end of that range once the store has used its last time
 * (times a store hands out strictly increase; they are refused, never wrapped).
 * @param payload numbering_options.clock_payload.
 * @return nanoseconds since the Unix epoch.
 *
 * Thread safety: called from whichever thread writes, under the store's write lock.
 */
typedef int64_t (*numbering_clock_cb)(void *payload);

/**
 * Receives one event as JSON (e.g. {"type":"phoneNumberInstance.created",...}) after a commit.
 * @param event_json the event, NUL-terminated.
 * @param payload numbering_options.event_payload.
 *
 * Ownership and lifetime: @p event_json is the library's, valid during the call only.
 * Thread safety: called from the thread that made the change, after its commit.
 */
typedef void (*numbering_event_cb)(const char *event_json, void *payload);

/** The numbering_options version these headers know (the fields up to snapshot_reads). */
#define NUMBERING_OPTIONS_VERSION 8

/** The grace period of a deactivated subscription when numbering_options.billing_grace_seconds is 0: 30 days. */
#define NUMBERING_BILLING_GRACE_SECONDS_DEFAULT (30 * 86400)

/** How long an attached number that needs documents waits for its verification when numbering_options.unverified_hold_seconds is 0: 14 days. */
#define NUMBERING_UNVERIFIED_HOLD_SECONDS_DEFAULT (14 * 86400)

/** @name Provisioning modes (numbering_options.provisioning) */
/**@{*/
/** SMS and voice configuration takes effect at once; its callbacks are queued (the default). */
#define NUMBERING_PROVISIONING_IMMEDIATE 0
/** The host claims provisioning tasks and reports each outcome (numbering/provisioning.h). */
#define NUMBERING_PROVISIONING_MANUAL 1
/**@}*/

/**
 * How to open a store. Initialize with NUMBERING_OPTIONS_INIT or
 * numbering_options_init(); fields are only ever appended, and the library reads
 * only the fields of the version the caller was compiled with.
 */
typedef struct numbering_options {
	/** NUMBERING_OPTIONS_VERSION, as NUMBERING_OPTIONS_INIT sets it: the fields the caller knows. */
	unsigned int version;
	/* Version 1 fields. */
	/** The storage; the store takes ownership. NULL opens a new memory backend. */
	numbering_backend *backend;
	/** The clock; NULL is the real-time clock. */
	numbering_clock_cb clock;
	/** Passed to @c clock. */
	void *clock_payload;
	/** The authorizer; NULL allows every call (the host is trusted, as with SQLite). */
	numbering_authorizer_cb authorizer;
	/** Passed to @c authorizer. */
	void *authorizer_payload;
	/** Where events go after each committed change; NULL sends none. */
	numbering_event_cb event_sink;
	/** Passed to @c event_sink. */
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
	/* Version 3 fields. */
	/**
	 * Who provisions the SMS and voice configuration of active numbers (the Sinch
	 * seed's scheduled provisioning): NUMBERING_PROVISIONING_IMMEDIATE or
	 * NUMBERING_PROVISIONING_MANUAL; another value is NUMBERING_INVALID_ARGUMENT.
	 */
	int provisioning;
	/* Version 4 fields. */
	/**
	 * How long a subscription stays deactivated (a payment missed, its instance
	 * SUSPENDED) before a billing run cancels it and its number returns to the
	 * inventory (numbering/subscription.h), in seconds: 0 for
	 * NUMBERING_BILLING_GRACE_SECONDS_DEFAULT (30 days), at most 100 years; a negative
	 * or larger value is NUMBERING_INVALID_ARGUMENT. Callers of older versions get the
	 * default.
	 */
	int64_t billing_grace_seconds;
	/* Version 5 fields. */
	/**
	 * How long a number attached while its documents are unchecked (Voximplant
	 * AttachPhoneNumber of a number whose inventory says supportingDocumentationRequired)
	 * is held for the host's verification (numbering/phone.h): its
	 * unverified_hold_until is the attach time plus this, and a number not VERIFIED by
	 * then is cancelled and returns to the inventory. In seconds: 0 for
	 * NUMBERING_UNVERIFIED_HOLD_SECONDS_DEFAULT (14 days), at most 100 years; a negative
	 * or larger value is NUMBERING_INVALID_ARGUMENT. Callers of older versions get the
	 * default.
	 */
	int64_t unverified_hold_seconds;
	/* Version 6 fields. */
	/**
	 * Where the store's log records go (numbering/log.h: recovery at open,
	 * compactions, damage and failures found while running); NULL for none. Callers of
	 * older versions get none.
	 */
	numbering_log_cb log;
	/** Passed to @c log. */
	void *log_payload;
	/**
	 * The least severe level delivered to @c log: NUMBERING_LOG_ERROR ..
	 * NUMBERING_LOG_DEBUG, or 0 for NUMBERING_LOG_WARNING; another value is
	 * NUMBERING_INVALID_ARGUMENT.
	 */
	int log_level;
	/* Version 7 fields. */
	/**
	 * How many commits the change journal keeps (numbering/changes.h): 1 ..
	 * 1,000,000,000, or 0 for NUMBERING_CHANGES_WINDOW_DEFAULT (100,000); a negative or
	 * larger value is NUMBERING_INVALID_ARGUMENT. Another window than the one the
	 * store's journal was written with is taken by the next commit, which moves the
	 * journal into a ring of this window, keeping the latest commits that fit (once;
	 * its cost is the old journal's size). Callers of older versions get the default.
	 */
	int64_t changes_window;
	/* Version 8 fields. */
	/**
	 * 1: resolve, get and phone routing never wait for a writer, nor for a file store's
	 * fsync or compaction: they read a snapshot of the last commit, never half a
	 * transaction (docs/CONCEPTS.md, "Concurrency"). The memory and file backends then
	 * keep their records and indexes twice and apply every write twice (bench-store
	 * create +29%, update +26% instructions). 0 (the default): readers wait while a
	 * write holds the store's lock. Another value is NUMBERING_INVALID_ARGUMENT. A host
	 * backend keeps the lock whatever this says. Callers of older versions get 0.
	 */
	int snapshot_reads;
} numbering_options;

/** Static initializer of a numbering_options: this version, every default. */
#define NUMBERING_OPTIONS_INIT {NUMBERING_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, 0, NULL, NULL, 0, 0, 0}

/**
 * Initializes @p options to the defaults of @p version, writing only that version's
 * fields (an older caller's struct is smaller).
 * @param[out] options the struct to fill.
 * @param[in] version NUMBERING_OPTIONS_VERSION, or an older version the caller's struct has.
 * @return NUMBERING_OK, or NUMBERING_INVALID_ARGUMENT (field "version") for NULL
 *         @p options or an unknown version.
 *
 * Ownership: nothing allocated. Thread safety: callable from any thread.
 */
NUMBERING_EXTERN(int) numbering_options_init(numbering_options *options, unsigned int version);

/**
 * Opens a store.
 * @param[out] out the store, closed with numbering_store_close(); NULL on failure.
 * @param[in] options NULL for all defaults (a memory store, allow-all).
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT (bad options, unknown version,
 *         malformed regulatory requirements, a max_instances the backend cannot
 *         count or that is negative); NUMBERING_INTERNAL when libsodium fails to
 *         initialize; NUMBERING_RESOURCE_EXHAUSTED; or the backend's error (its open
 *         or count, e.g. NUMBERING_UNAVAILABLE or NUMBERING_DATA_LOSS).
 *
 * Ownership: the store takes options->backend, also on failure (it is then freed); the
 * strings in @p options are copied, the struct is only read. @p *out is the caller's.
 * Lifetime: the payloads and callbacks in @p options must outlive the store.
 * Thread safety: callable from any thread; the new store may then be shared.
 */
NUMBERING_EXTERN(int) numbering_store_open(numbering_store **out, const numbering_options *options);

/**
 * Closes a store and frees its backend. NULL is a no-op.
 * @param[in] store the store, or NULL.
 *
 * Ownership: takes @p store and its backend. Lifetime: instances, pages and resolutions
 * it handed out stay valid (they are the caller's).
 * Thread safety: no call may be running on the store, and no thread may use it after.
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
 *
 * Ownership: the request and strings are only read; *out is the caller's.
 * Lifetime: an instance returned does not depend on the store (it outlives its close).
 * Thread safety: any thread, concurrently with any other operation on the store.
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
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT (a NULL @p out, @p store or
 *         @p request, a malformed parent, id, request id, phone number, range,
 *         lifecycle state other than ACTIVE or PENDING, or a regulatory listing of
 *         another project, or a request id reused with another request);
 *         NUMBERING_PERMISSION_DENIED (create on @p parent); NUMBERING_ALREADY_EXISTS
 *         when a number is held by another non-deleted instance or the id is taken
 *         (the message names that instance only when the caller may get it);
 *         NUMBERING_RESOURCE_EXHAUSTED (out of memory, or the store holds
 *         max_instances); NUMBERING_FAILED_PRECONDITION when the clock reads outside the
 *         times a store records (numbering_clock_cb); a storage error.
 *
 * Ownership: @p *out is the caller's (numbering_instance_free()); NULL on failure.
 * Thread safety: any thread; writes are serialized with the store's other writes.
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
 *
 * Ownership: @p *out is the caller's; NULL on failure.
 * Thread safety: any thread; runs in parallel with other reads.
 */
NUMBERING_EXTERN(int) numbering_store_get(numbering_instance **out, numbering_store *store, const char *caller,
                                          const char *name);

/**
 * Gets an instance by name into @p out, an instance the caller made once
 * (numbering_instance_new()) and reuses for every get, as a resolve reuses its
 * numbering_resolution: once its buffers have grown to the largest instance it held,
 * a get allocates nothing and frees nothing. The answers and errors are
 * numbering_store_get()'s.
 * @param[in,out] out the caller's instance. On success every field is the stored
 *             instance's: nothing of what it held before is left (fewer labels or
 *             handlers, an empty display name read as such). On failure it is empty,
 *             as numbering_instance_new() makes it (every getter answers "" or 0),
 *             its buffers kept; nothing of a refused instance is left in it.
 * @param[in] store the store.
 * @param[in] caller the principal the permission check sees, or NULL.
 * @param[in] name "projects/{project}/phoneNumberInstances/{id}"; may be
 *             numbering_instance_name(@p out), to read the instance held again.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT (a NULL @p out, @p store or
 *         @p name, a malformed name); NUMBERING_PERMISSION_DENIED (get on the project);
 *         NUMBERING_NOT_FOUND; NUMBERING_RESOURCE_EXHAUSTED (while @p out grows); a
 *         storage error.
 *
 * Ownership: @p out stays the caller's (numbering_instance_free() when done); the
 * library fills it, reusing its memory. Pass only an instance the caller owns, never
 * one borrowed from a page or a resolution.
 * Lifetime: strings read from @p out before the call are invalid after it.
 * Thread safety: any thread, in parallel with other reads of the store; an instance
 * is used by one thread at a time.
 */
NUMBERING_EXTERN(int) numbering_store_get_into(numbering_instance *out, numbering_store *store, const char *caller,
                                               const char *name);

/**
 * Updates the fields named by @p update_mask (comma-separated paths, camelCase or
 * snake_case; NULL, "" or "*" means every writable field) from @p request.
 * Writable: display_name, labels, incoming_message_handler_uris,
 * incoming_call_handler_uris, call_recording_trigger, phone_number.capabilities,
 * phone_number.number_type. Naming any other field is NUMBERING_INVALID_ARGUMENT.
 * @param[out] out the instance as it now is; NULL on failure.
 * @param[in] store the store.
 * @param[in] caller the principal the permission check sees, or NULL.
 * @param[in] name "projects/{project}/phoneNumberInstances/{id}".
 * @param[in] request the new values of the fields the mask names; only read.
 * @param[in] update_mask the fields to update, or NULL for every writable field.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT (a NULL @p out, @p store or
 *         @p request, a malformed name, a mask naming an unknown or output-only field);
 *         NUMBERING_PERMISSION_DENIED (update on the project); NUMBERING_NOT_FOUND;
 *         NUMBERING_FAILED_PRECONDITION for a DELETED instance or a clock outside the
 *         times a store records; NUMBERING_RESOURCE_EXHAUSTED; a storage error.
 *
 * Ownership: @p *out is the caller's (numbering_instance_free()).
 * Thread safety: any thread; writes are serialized.
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
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT (a NULL @p out or @p store, a
 *         malformed name); NUMBERING_PERMISSION_DENIED (delete on the project);
 *         NUMBERING_NOT_FOUND; NUMBERING_FAILED_PRECONDITION when it is already DELETED
 *         or the clock reads outside the times a store records;
 *         NUMBERING_RESOURCE_EXHAUSTED; a storage error.
 *
 * Ownership: @p *out is the caller's; NULL on failure.
 * Thread safety: any thread; writes are serialized.
 */
NUMBERING_EXTERN(int) numbering_store_delete(numbering_instance **out, numbering_store *store, const char *caller,
                                             const char *name);

/**
 * PENDING to ACTIVE; sets activate_time.
 * @param[out] out the instance as it now is, the caller's (numbering_instance_free()).
 * @param[in] store the store.
 * @param[in] caller the principal the permission check sees, or NULL.
 * @param[in] name "projects/{project}/phoneNumberInstances/{id}".
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT (a NULL @p out or @p store, a
 *         malformed name); NUMBERING_PERMISSION_DENIED (activate on the project);
 *         NUMBERING_NOT_FOUND; NUMBERING_FAILED_PRECONDITION from any state but PENDING, or
 *         when the clock reads outside the times a store records;
 *         NUMBERING_RESOURCE_EXHAUSTED; a storage error.
 *
 * Ownership: @p *out is the caller's; NULL on failure.
 * Thread safety: any thread; writes are serialized.
 */
NUMBERING_EXTERN(int) numbering_store_activate(numbering_instance **out, numbering_store *store, const char *caller,
                                               const char *name);

/**
 * ACTIVE to SUSPENDED.
 * @param[out] out the instance as it now is, the caller's (numbering_instance_free()).
 * @param[in] store the store.
 * @param[in] caller the principal the permission check sees, or NULL.
 * @param[in] name "projects/{project}/phoneNumberInstances/{id}".
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT (a NULL @p out or @p store, a
 *         malformed name); NUMBERING_PERMISSION_DENIED (suspend on the project);
 *         NUMBERING_NOT_FOUND; NUMBERING_FAILED_PRECONDITION from any state but ACTIVE, or
 *         when the clock reads outside the times a store records;
 *         NUMBERING_RESOURCE_EXHAUSTED; a storage error.
 *
 * Ownership: @p *out is the caller's; NULL on failure.
 * Thread safety: any thread; writes are serialized.
 */
NUMBERING_EXTERN(int) numbering_store_suspend(numbering_instance **out, numbering_store *store, const char *caller,
                                              const char *name);

/**
 * SUSPENDED to ACTIVE.
 * @param[out] out the instance as it now is, the caller's (numbering_instance_free()).
 * @param[in] store the store.
 * @param[in] caller the principal the permission check sees, or NULL.
 * @param[in] name "projects/{project}/phoneNumberInstances/{id}".
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT (a NULL @p out or @p store, a
 *         malformed name); NUMBERING_PERMISSION_DENIED (resume on the project);
 *         NUMBERING_NOT_FOUND; NUMBERING_FAILED_PRECONDITION from any state but SUSPENDED, or
 *         when the clock reads outside the times a store records;
 *         NUMBERING_RESOURCE_EXHAUSTED; a storage error.
 *
 * Ownership: @p *out is the caller's; NULL on failure.
 * Thread safety: any thread; writes are serialized.
 */
NUMBERING_EXTERN(int) numbering_store_resume(numbering_instance **out, numbering_store *store, const char *caller,
                                             const char *name);

/**
 * Moves an instance to @p destination_parent, keeping its id; needs the move
 * permission on both projects. @p regulatory_listing, when not NULL, replaces the
 * listing (a listing of the destination project).
 * @param[out] out the instance under its new name; NULL on failure.
 * @param[in] store the store.
 * @param[in] caller the principal the permission checks see, or NULL.
 * @param[in] name "projects/{project}/phoneNumberInstances/{id}".
 * @param[in] destination_parent the project to move to, "projects/{project}".
 * @param[in] regulatory_listing the new listing, or NULL to keep the current one.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT (a NULL @p out or @p store, a
 *         malformed name or destination, the destination equal to the source, a
 *         listing that is malformed or not of the destination);
 *         NUMBERING_PERMISSION_DENIED (move on either project); NUMBERING_NOT_FOUND;
 *         NUMBERING_FAILED_PRECONDITION for a DELETED instance or a clock outside the
 *         times a store records; NUMBERING_ALREADY_EXISTS when the destination has the
 *         id (the message names that instance only when the caller may get in the
 *         destination); NUMBERING_RESOURCE_EXHAUSTED; a storage error.
 *
 * Ownership: @p *out is the caller's (numbering_instance_free()).
 * Thread safety: any thread; writes are serialized.
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
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT (a NULL out-parameter or store, a
 *         malformed name, @p size outside 1 .. size-1, an instance that is not a
 *         range); NUMBERING_PERMISSION_DENIED (splitRange on the project);
 *         NUMBERING_NOT_FOUND; NUMBERING_FAILED_PRECONDITION for a DELETED range or a
 *         clock outside the times a store records; NUMBERING_RESOURCE_EXHAUSTED (out
 *         of memory, or the store holds max_instances); a storage error.
 *
 * Ownership: @p *first and @p *second are the caller's (numbering_instance_free());
 * both NULL on failure.
 * Thread safety: any thread; writes are serialized.
 */
NUMBERING_EXTERN(int) numbering_store_split_range(numbering_instance **first, numbering_instance **second,
                                                  numbering_store *store, const char *caller, const char *name,
                                                  int64_t size);

/**@}*/

#ifdef __cplusplus
}
#endif

#endif
