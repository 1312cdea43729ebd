/* The store handle and the helpers the operations share. */
#ifndef NUMBERING_SERVICE_H
#define NUMBERING_SERVICE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "core/log.h"
#include "core/rwlock.h"
#include "core/stats.h"
#include "model/instance.h"
#include "model/record.h"
#include "numbering/list.h"
#include "numbering/resolve.h"
#include "numbering/store.h"
#include "numbering/sys/backend.h"
#include "service/changes.h"

/* "projects/" + a 63-character project id + NUL. */
#define NUMBERING__PROJECT_SIZE 80
/* A whole instance name: project, "/phoneNumberInstances/", id, NUL. */
#define NUMBERING__NAME_SIZE 176

struct numbering__requirement {
	char country[3];
	uint8_t number_type; /* 0 matches every type */
};

struct numbering_store {
	numbering_backend *backend;
	numbering_clock_cb clock;
	void *clock_payload;
	numbering_authorizer_cb authorizer;
	void *authorizer_payload;
	numbering_event_cb event_sink;
	void *event_payload;
	char default_region[4];
	struct numbering__requirement *requirements;
	size_t requirement_count;
	/* Readers share it; every write operation holds it exclusively from its first
	 * read to its commit, so checks and writes are one atomic step. */
	struct numbering__rwlock lock;
	int64_t last_time; /* the latest create, delete or activate time handed out */
	/* The backend makes commits durable in NUMBERING_BACKEND_CONTROL_WAIT_DURABLE, sent
	 * by each write operation after it released the lock (numbering__durable()). */
	int durable_wait;
	/* The backend does housekeeping in NUMBERING_BACKEND_CONTROL_MAINTAIN, sent by
	 * numbering__durable() with writers held off and readers not. */
	int maintained;
	/* A backend other processes write (a file store: NUMBERING__CONTROL_WATCH): how many
	 * times it took their records, and the count when the cached META below (last time,
	 * id sequences) was last reread; NULL for a backend no one else writes. */
	const _Atomic uint64_t *foreign;
	uint64_t foreign_read;
	/* The open transaction's begin() took records another process committed: what was
	 * read before it may be stale (service/billing.c checks an account it puts). */
	int begin_took_foreign;
	unsigned char token_key[crypto_auth_KEYBYTES];
	int64_t max_instances; /* numbering_options.max_instances; 0: none */
	int provisioning_manual; /* numbering_options.provisioning is NUMBERING_PROVISIONING_MANUAL */
	int64_t billing_grace;   /* ns: numbering_options.billing_grace_seconds, or its default */
	int64_t unverified_hold; /* ns: numbering_options.unverified_hold_seconds, or its default */
	/* The backend is one of the library's own record stores (memory, file), which
	 * keep instance bodies as the library wrote them: read with the _own readers
	 * (model/instance-record.h), which skip the model's limit checks. */
	int own_records;
	/* The backend may flag records NUMBERING__RECORD_VOUCHED (NUMBERING__CONTROL_VOUCHES). */
	int vouching;
	/* numbering_options.snapshot_reads: ask the backend for reads that never wait. */
	int snapshot_reads;
	/* A cache line between the fields above, which readers read at every call
	 * (own_records: every resolve and get), and those below, which writes change at
	 * every put and commit: sharing a line, a reader beside a writer in a loop would
	 * lose it at every write (snapshot reads, docs/CONCEPTS.md "Concurrency"). */
	char read_write_gap[64];
	/* The last id handed out of each NUMBERING__SEQ_* sequence, and which of them
	 * changed since the last commit (stored by numbering__commit()). */
	int64_t seq_last[3];
	unsigned seq_dirty;
	/* What the META last-time record holds (meta_known: read or written by this
	 * store): numbering__commit() writes it only in a commit without a CHANGE record
	 * (which holds both), and only when the last time or phone id changed. */
	int64_t meta_time, meta_phone;
	int meta_known;
	/* The body of the instance record being put (writes hold the write lock). */
	struct numbering__buf put_body;
	/* The change journal: the transaction's changes and the sequences (service/changes.h). */
	struct numbering__journal journal;
	/* numbering_options.log and its level (version 6). */
	struct numbering__log log;
	/* The counters numbering_store_stats_json() reports (core/stats.h). */
	struct numbering__stats stats;
};

/* The permissions, from lib/service/permission-list.h. */
enum numbering__permission {
#define NUMBERING__PERMISSION(id, name, role) NUMBERING__PERM_##id,
#include "service/permission-list.h"
#undef NUMBERING__PERMISSION
	NUMBERING__PERM_COUNT
};
/* A parsed policy holds a permission set as one bit per permission. */
_Static_assert(NUMBERING__PERM_COUNT <= 64, "a policy's permission mask is 64 bits");

/* "numbering.phoneNumberInstances.create" ... */
const char *numbering__permission_name(int permission);

/* Checks @caller's permission on @project; PERMISSION_DENIED naming both when refused. */
int numbering__authorize(numbering_store *store, const char *caller, int permission, const char *project);

/* Whether @caller holds the permission; no error set. */
int numbering__allowed(numbering_store *store, const char *caller, int permission, const char *project);

/* Whether the store's backend takes no writes (a read-only open: NUMBERING__CONTROL_READ_ONLY);
 * no error set. */
int numbering__store_read_only(numbering_store *store);

/* A host operation's common checks (@fn names it): a store, @caller holding
 * @permission on project "*", and 1 <= @max <= @max_limit (field "max"). */
int numbering__host_call(numbering_store *store, const char *caller, int permission, int max, int max_limit,
                         const char *fn);

/* Validates "projects/{p}" into @project (NUMBERING__PROJECT_SIZE bytes). */
int numbering__project_of_parent(char *project, const char *parent, const char *field);

/* Validates an instance name; writes its project into @project. */
int numbering__project_of_name(char *project, const char *name, const char *field);

/* A time for a change into *out: the clock, but strictly after every time handed out
 * before (caller holds the write lock). FAILED_PRECONDITION, nothing handed out, when
 * the clock reads outside NUMBERING__TIME_MIN .. NUMBERING__TIME_MAX or no time after
 * the last one is left in that range. */
/* The time of the newest commit the store holds as it reads now, committed by this
 * handle or another process (a shared file store): a read-only handle, which never
 * rereads its cached last time, bounds what it may not have seen by it. Writes nothing
 * of @store. */
int numbering__committed_time(numbering_store *store, int64_t *out);

int numbering__next_time(numbering_store *store, int64_t *out);

/* The store-wide id sequences (numbering__next_id()); values fixed. The last phone id
 * handed out is stored in META "last-time" with the time, the others each in a META
 * record of their own ("seq-application", "seq-rule"). */
#define NUMBERING__SEQ_PHONE 0       /* phone ids of instances (Voximplant phone_id) */
#define NUMBERING__SEQ_APPLICATION 1 /* Voximplant application ids */
#define NUMBERING__SEQ_RULE 2        /* Voximplant rule ids */
#define NUMBERING__SEQ_COUNT 3

/*
 * The next id of @sequence (NUMBERING__SEQ_*) into *out: positive, unique in the store,
 * never handed out again, even after the record holding the highest id is gone and the
 * store reopened. Call under the write lock inside the transaction that uses the id:
 * the sequence is stored with its commit (numbering__commit(), only when it changed);
 * a rolled-back transaction may leave a gap. NUMBERING_INVALID_ARGUMENT for an unknown
 * sequence, NUMBERING_OUT_OF_RANGE when the sequence is exhausted (INT64_MAX).
 */
int numbering__next_id(numbering_store *store, int sequence, int64_t *out);

/* Sets instance->compliant from the store's regulatory requirements. */
void numbering__compute_compliant(const numbering_store *store, numbering_instance *instance);

/* Readies an instance read or written for the caller it is handed to: its compliance,
 * and a handler's stored credential hidden. Only after every write of it: the records
 * keep the handlers as stored (numbering__instance_hide_credentials()). A store without
 * requirements (most) holds only compliant instances: no call on every get. */
static inline void numbering__instance_for_caller(const numbering_store *store, numbering_instance *instance)
{
	numbering__instance_hide_credentials(instance);
	if (store->requirement_count == 0)
		instance->compliant = 1;
	else
		numbering__compute_compliant(store, instance);
}

/* Runs @put_fn-style writes in one backend transaction: begin, the caller's writes,
 * commit; rolls back on any failure. */
int numbering__begin(numbering_store *store);
int numbering__commit(numbering_store *store);
/* After a write operation committed and released the lock: waits until the commit is
 * durable (group commit); the operation fails if it cannot be. */
int numbering__durable(numbering_store *store);

/* The operators' side (lib/service/store-log.c): numbering_options' version 6 fields
 * into the store (INVALID_ARGUMENT for a bad log_level); the backend told where its
 * reports go, and the open reported; a commit that started at @started
 * (numbering__stats_now()) timed, now or, when the backend makes it durable later, in
 * numbering__store_durable() on the same thread. */
int numbering__store_log_options(numbering_store *store, const numbering_options *options);
void numbering__store_log_open(numbering_store *store);
void numbering__store_committed(numbering_store *store, int64_t started);
void numbering__store_durable(numbering_store *store);
void numbering__rollback(numbering_store *store);

/* Before a write that adds @adding instances (caller holds the write lock):
 * RESOURCE_EXHAUSTED when the store would hold more than max_instances. */
int numbering__check_room(numbering_store *store, int64_t adding);

/* Loads the instance named @name into a new object (caller holds a lock). */
int numbering__load(numbering_instance **out, numbering_store *store, const char *name, const char *field);
/* The same into an instance the caller made (numbering__instance_new_reserved()), so
 * that a reader allocates before taking the lock, not while holding it. */
int numbering__load_into(numbering_instance *instance, numbering_store *store, const char *name, const char *field);

/*
 * Finishes a one-instance write inside the transaction the caller began (holding the
 * write lock) before it loaded the instance: unless @rc already failed, puts @instance
 * and commits; otherwise rolls back. On success @instance, with compliance computed,
 * goes to *out; otherwise it is freed. Returns the outcome.
 */
int numbering__save(numbering_instance **out, numbering_store *store, numbering_instance *instance, int rc);

/*
 * numbering__begin(), then loads the instance @name (numbering__load(), @field naming
 * it in an error) inside that transaction: a write reads what it changes after begin
 * took what other processes committed to a shared file store, so it never writes back
 * a stale copy over another process's change. Rolls back when the load fails.
 */
int numbering__begin_load(numbering_instance **out, numbering_store *store, const char *name, const char *field);

/* Hands a copy of @instance, with compliance computed, to the caller's *out. */
int numbering__output(numbering_instance **out, const numbering_store *store, const numbering_instance *instance);

/*
 * The skeleton of every write operation: numbering__write() takes the write lock,
 * runs @locked (the reads, checks and one committed transaction), releases the lock,
 * runs @unlocked if set (reports that call the authorizer, which never runs under the
 * lock), waits until the commit is durable, and then sends one event per output.
 * An operation embeds this struct as its first member and reaches its own fields
 * from the callbacks by casting.
 */
struct numbering__write_op {
	/* Under the write lock; returns the outcome, with the results in *out[i]. */
	int (*locked)(struct numbering__write_op *op, numbering_store *store);
	/* NULL, or after the lock is released: returns the outcome given @rc. */
	int (*unlocked)(struct numbering__write_op *op, numbering_store *store, int rc);
	/* The operation's results: freed and set to NULL when the commit cannot be made
	 * durable; an unused slot is NULL. */
	numbering_instance **out[2];
	/* The event type sent about out[i] on success, or NULL for none. */
	const char *event[2];
	/* Set by @locked when nothing was written (a create answered from its first
	 * response): no event is sent. */
	int replayed;
};

/* Runs @op as described above; returns its outcome. */
int numbering__write(numbering_store *store, struct numbering__write_op *op);

/* Sends an event about @name after a commit. */
void numbering__emit(numbering_store *store, const char *type, const char *name);

/* The numbers starting with @digits (ASCII digits): for each digit count they can
 * have, one interval. Returns how many (0 for none or more than 16 digits). */
size_t numbering__prefix_intervals(numbering_record_interval out[NUMBERING_RECORD_DIGITS_MAX], const char *digits);

/* Page tokens (page-token.c): bound to a filter digest, carrying one cursor and, for
 * a keyset whose int64 can tie, a text key (at most NUMBERING__TOKEN_KEY_MAX bytes: a
 * display name of NUMBERING_DISPLAY_NAME_MAX code points, a resource name). */
#define NUMBERING__TOKEN_DIGEST_BYTES 16
#define NUMBERING__TOKEN_KEY_MAX 400
#define NUMBERING__TOKEN_TEXT_MAX 616
void numbering__token_make(char out[NUMBERING__TOKEN_TEXT_MAX], const numbering_store *store,
                           const unsigned char digest[NUMBERING__TOKEN_DIGEST_BYTES], int64_t cursor);
/* The same with @key after the cursor (NULL: none, as numbering__token_make()). */
void numbering__token_make_keyed(char out[NUMBERING__TOKEN_TEXT_MAX], const numbering_store *store,
                                 const unsigned char digest[NUMBERING__TOKEN_DIGEST_BYTES], int64_t cursor,
                                 const char *key);
/* NUMBERING_INVALID_ARGUMENT naming @field for a token this store did not issue, or
 * issued for another filter (@bound_to names what the filter is), or with a key. */
int numbering__token_read(int64_t *cursor, const numbering_store *store, const char *text,
                          const unsigned char digest[NUMBERING__TOKEN_DIGEST_BYTES], const char *field,
                          const char *bound_to);
/* The same for a keyed listing: the key into @key, *@has_key 0 for a token without one
 * (issued before the listing took keys: its cursor alone is the position). */
int numbering__token_read_keyed(int64_t *cursor, char key[NUMBERING__TOKEN_KEY_MAX + 1], int *has_key,
                                const numbering_store *store, const char *text,
                                const unsigned char digest[NUMBERING__TOKEN_DIGEST_BYTES], const char *field,
                                const char *bound_to);
/* The id of a record name: its last segment (what a keyset breaks ties by). */
const char *numbering__page_id_of(const char *name);
/* A keyset position in a list ordered by the records' sort key (a time), then by id:
 * the last record a page showed. Keys tie (two processes took one time before their
 * transactions, a host's backend, an import), ids do not. */
struct numbering__page_cursor {
	int has;    /* a token was given */
	int has_id; /* 0: a token issued before tokens named the id (version 1) */
	int64_t key;
	char id[NUMBERING__TOKEN_KEY_MAX + 1];
	int ties; /* version 1: the records of @key met */
};
/* A paged list's own arguments, its filter's digest known: @page_size 0 (the default)
 * to @max (field pageSize), then @page_token, unless NULL or "" (the first page), read
 * into @c as numbering__token_read_keyed() (field pageToken). */
int numbering__page_args(struct numbering__page_cursor *c, const numbering_store *store, int page_size, int max,
                         const char *page_token, const unsigned char digest[NUMBERING__TOKEN_DIGEST_BYTES],
                         const char *bound_to);
/* Starts @q (its order set) at @c's key, its ties included. */
void numbering__page_query(numbering_record_query *q, const struct numbering__page_cursor *c);
/* For each record the walk of numbering__page_query() visits: *@skip 1 when @record is
 * at or before @c (shown already), else 0. NUMBERING_INVALID_ARGUMENT naming pageToken
 * for a version 1 token whose key two records have. */
int numbering__page_skip(int *skip, struct numbering__page_cursor *c, const numbering_record *record);

/* A new random instance id: a letter and 15 of [a-z2-7]. */
void numbering__generate_id(char id[17]);

/* Region for a request: the request's own, else the store's default, else NULL.
 * Inline: every resolve asks it (as a call, ~12 instructions). */
static inline const char *numbering__region(const numbering_store *store, const char *region)
{
	if (region != NULL && region[0] != '\0')
		return region;
	return store->default_region[0] ? store->default_region : NULL;
}

#endif
