/* Active numbers' shared internals (active.c), for renting (rent.c). */
#ifndef NUMBERING_SERVICE_ACTIVE_H
#define NUMBERING_SERVICE_ACTIVE_H

#include "model/active.h"
#include "model/instance.h"
#include "service/service.h"

/* What a numbering_active_request can set, one row each. */
enum {
	NUMBERING__REQ_DISPLAY_NAME,
	NUMBERING__REQ_CALLBACK_URL,
	NUMBERING__REQ_SMS_PLAN,
	NUMBERING__REQ_SMS_CAMPAIGN,
	NUMBERING__REQ_VOICE_APP,
	NUMBERING__ACTIVE_REQUEST_ROWS
};

/* The value @request sets for @row, or NULL when it leaves it. */
const char *numbering__active_request_value(const numbering_active_request *request, int row);

/* Where a call on one active number points: its checked project and its number. */
struct numbering__active_target {
	char project[NUMBERING__PROJECT_SIZE];
	int digits;
	uint64_t value;
};

/* What every call on one active number does first: the project (authorized for
 * @permission), the number, the releases due, then a new active number for the answer
 * in *@a (NULL on failure, or the caller frees it). */
int numbering__active_begin(numbering_active_number **a, struct numbering__active_target *t, numbering_store *store,
                            const char *caller, const char *project, const char *phone_number, int permission);

/* Readies @a for the caller: its compliance, and its callbackUrl's credential hidden. */
void numbering__active_for_caller(const numbering_store *store, numbering_active_number *a);

/* A new active number of @project ("projects/p") with an empty instance. */
int numbering__active_new(numbering_active_number **out, const char *project);

/* Room for an active number's instance with its reserved strings, in memory the caller
 * holds. */
struct numbering__active_room {
	_Alignas(numbering_instance) unsigned char bytes[sizeof(numbering_instance) + NUMBERING__INSTANCE_RESERVED_ROOM];
};

/* The same as numbering__active_new() in @a and @room, memory the caller holds for the
 * call (a purchase's answer is the purchase: its active number is a temporary, and its
 * two allocations and frees were ~300 instructions a purchase). Nothing fails. Give it
 * back with numbering__active_release(), never numbering_active_number_free(). */
void numbering__active_init(numbering_active_number *a, struct numbering__active_room *room, const char *project);
void numbering__active_release(numbering_active_number *a);

/* Applies @request to @a (its instance loaded): the seed's rules (capabilities, US-only
 * campaigns, unlink before linking anew), NUMBERING_INVALID_ARGUMENT or
 * NUMBERING_FAILED_PRECONDITION naming the field. Changes only @a. */
int numbering__active_apply(numbering_store *store, numbering_active_number *a, const numbering_active_request *request,
                            int64_t now);

/* The live instance of @project holding the number, and its ACTIVE record, into @a:
 * NUMBERING_NOT_FOUND naming "phoneNumber" when @project has no such live instance. */
int numbering__active_load(numbering_active_number *a, numbering_store *store, const char *project, int digits,
                           uint64_t value);

/* Reads the ACTIVE record of @a's instance into @a (none: @a's attributes cleared). */
int numbering__active_read(numbering_store *store, numbering_active_number *a, const char *project);

/* Queues the callbacks of what the last numbering__active_apply() changed, for @a's
 * callbackUrl (inside a transaction). */
int numbering__active_queue_events(numbering_store *store, const numbering_active_number *a);

/* Puts @a's ACTIVE record (inside a transaction). */
int numbering__active_put(numbering_store *store, const numbering_active_number *a, const char *project);
/* The same, for a caller that has made its @name (numbering__active_name()). */
int numbering__active_put_named(numbering_store *store, const numbering_active_number *a, const char *project,
                                const char *name);

/* Gives @a's number back (inside a transaction): its live instance (loaded, with its
 * ACTIVE record, into @a) becomes DELETED at @now, the ACTIVE record @name goes, and
 * the number returns to the inventory with the attributes it was acquired with. For a
 * release that took effect and a purchase that failed or was cancelled. */
int numbering__active_give_back(numbering_store *store, numbering_active_number *a, const char *name, int64_t now);

/* numbering_store_process_due() at the time @now, read from the store's clock by the
 * caller (which answers for that time). */
int numbering__process_due_at(int64_t *processed, numbering_store *store, int64_t now);

/* Carries out one due record @name of numbering__expire_due() inside the run's
 * transaction (under the write lock), with @a as scratch; @deleted gets the name of the
 * instance it deleted, or "". */
typedef int (*numbering__expire_fn)(numbering_store *store, numbering_active_number *a, const char *name,
                                    char deleted[NUMBERING__NAME_SIZE]);

/* What expired of @kind by @now, in the expiry order, batch by batch (64 records): each
 * batch listed and each of its records to @expire_one in one transaction under the write
 * lock (what other processes committed taken first); once the batch is durable,
 * each instance it deleted is announced (phoneNumberInstance.deleted) and counted in
 * *@expired (not reset). Nothing due costs one look under the read lock. @work says
 * what is done in the out-of-memory error ("out of memory @work"). For the releases
 * due (active.c) and the verification holds that ended (attach.c). */
int numbering__expire_due(numbering_store *store, int kind, int64_t now, numbering__expire_fn expire_one,
                          int64_t *expired, const char *work);

#endif
