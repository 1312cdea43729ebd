/*
 * Purchases (numbering/purchase.h): the schema seed's PhoneNumberPurchase, and what
 * every acquisition of a number costs (a purchase, a Sinch rent), kept in one place.
 */
#ifndef NUMBERING_SERVICE_PURCHASE_H
#define NUMBERING_SERVICE_PURCHASE_H

#include <stdint.h>

#include "model/active.h"
#include "model/available.h"
#include "model/fields.h"
#include "service/service.h"

/*
 * What acquiring a number of @n costs into @out: setupPrice + monthlyPrice x
 * paymentIntervalMonths (the first interval is paid in advance). A number without
 * prices costs nothing: currency "" and 0. NUMBERING_FAILED_PRECONDITION naming
 * "monthlyPrice" when the two prices are in different currencies;
 * NUMBERING_OUT_OF_RANGE when the sum leaves int64. Sets the error on failure.
 */
int numbering__acquisition_cost(struct numbering__money *out, const numbering_available_number *n);

/*
 * Writes that go with an acquisition, inside its transaction (after the number left
 * the inventory and its instance and ACTIVE record were put): @a is the new active
 * number, @stock what it was acquired with (its interval the number), @now the
 * acquisition's store time.
 */
typedef int (*numbering__acquire_cb)(numbering_store *store, numbering_active_number *a,
                                     const numbering_available_number *stock, int64_t now, void *payload);

/*
 * Acquires @x of @block for @project into @a (rent.c), inside the caller's
 * transaction: the number leaves the inventory, its instance (PENDING when the number
 * needs documents) and its ACTIVE record with @request's configuration (NULL: none) and
 * the block's attributes are put, and @also (NULL: nothing) writes the rest. The
 * caller holds the write lock, has begun the transaction, read @block inside it (after
 * begin() took what other processes committed to a shared file store: a block read
 * before may be gone) and checked the room; on failure it rolls back and restores
 * store->last_time (this hands out a time with numbering__next_time()). Several
 * acquisitions in one transaction are all or nothing (a Voximplant attach).
 */
int numbering__acquire_in(numbering_active_number *a, numbering_store *store, const char *project,
                          numbering_available_number *block, uint64_t x, const numbering_active_request *request,
                          numbering__acquire_cb also, void *payload);

/* The purchase a Sinch rent makes, paid in the rent's transaction (an acquire_cb):
 * COMPLETED and charged, or PROCESSING with the cost reserved for a number that needs
 * documents. FAILED_PRECONDITION when the account cannot pay or is in another currency. */
int numbering__purchase_for_rent(numbering_store *store, numbering_active_number *a,
                                 const numbering_available_number *stock, int64_t now, void *payload);

/*
 * Settles, inside the caller's transaction at @now, the PROCESSING purchase of @a's
 * instance (loaded, with its ACTIVE record, into @a; of @project): @to
 * NUMBERING_PURCHASE_COMPLETED activates a PENDING instance, charges the reserved cost
 * and starts the subscription; NUMBERING_PURCHASE_FAILED or _CANCELLED (with
 * @details) gives the number back (numbering__active_give_back()) and releases the
 * reserve. *found (may be NULL) is 0, and nothing is written, when the instance has
 * no PROCESSING purchase.
 */
int numbering__purchase_settle(numbering_store *store, numbering_active_number *a, const char *project, int to,
                               const char *details, int64_t now, int *found);

/* Whether the instance named @instance (of @project) waits for documents: *found 1,
 * and its PROCESSING purchase's name in @name, when it does. */
int numbering__purchase_processing(numbering_store *store, const char *project, const char *instance,
                                   char name[NUMBERING__NAME_SIZE], int *found);

/* The kind's body check (model/kinds.h). */
int numbering__purchase_record_check(const numbering_record *record);

#endif
