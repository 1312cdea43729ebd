/* Reservations' internal side (reservation.c): what numbering_store_process_due()
 * carries out for them. */
#ifndef NUMBERING_SERVICE_RESERVATION_H
#define NUMBERING_SERVICE_RESERVATION_H

#include <stdint.h>

#include "numbering/inventory.h"
#include "service/service.h"

/* Ends every reservation whose expiry time is @now or before: the numbers each still
 * holds return to the inventory, listed. Takes the locks itself (call it without one);
 * reads no clock. */
int numbering__reservations_expire(numbering_store *store, int64_t now);

/* The due work before a read that answers at the time *@now it sets (the store's clock,
 * read once): numbering_store_process_due() at that time. When it cannot be written, for
 * want of room (RESOURCE_EXHAUSTED: a full disk) or because the store takes no writes
 * (FAILED_PRECONDITION of a read-only open), the read answers anyway, as if the
 * reservations due were ended: those reads (GetReservation, ListReservations,
 * ListPhoneNumberPricing) tell an expired reservation by *@now themselves, and the
 * expiry is written by the next call that finds room. With @others_matter, only
 * when nothing but reservations is due (a due release or hold changes what the read
 * answers, and it cannot tell them by the clock): else the write's error. */
int numbering__due_before_read(int64_t *now, numbering_store *store, int others_matter);

/* numbering__due_before_read() telling whether the due work was left unwritten
 * (*@unwritten 1): only then may a reservation due by *@now still hold numbers, for the
 * read to answer about (a written expiry ended every one due by then). */
int numbering__due_before_read_unwritten(int64_t *now, int *unwritten, numbering_store *store, int others_matter);

/* Calls @visit with each number still held by a reservation due by @now (its expire
 * time @now or before) whose expiry is not written yet, as its AVAILABLE record reads
 * (unlisted); the caller holds a lock. For a read that answers as if they were back
 * in the inventory (numbering__due_before_read()). */
int numbering__reservations_due_held(numbering_store *store, int64_t now,
                                     int (*visit)(const numbering_available_number *n, void *payload), void *payload);

/* Whether the reservation @name has expired by @now (*@ended 1), its expiry written or
 * not; 0 for one that is gone. For a read that finds a number it still holds
 * (GetAvailableNumber, numbering__due_before_read()). The caller holds a lock. */
int numbering__reservation_ended(int *ended, numbering_store *store, const char *name, int64_t now);

#endif
