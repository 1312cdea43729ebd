/* Reservations' internal side (reservation.c): what numbering_store_process_due()
 * carries out for them. */
#ifndef NUMBERING_SERVICE_RESERVATION_H
#define NUMBERING_SERVICE_RESERVATION_H

#include <stdint.h>

#include "service/service.h"

/* Ends every reservation whose expiry time is @now or before: the numbers each still
 * holds return to the inventory, listed. Takes the locks itself (call it without one);
 * reads no clock. */
int numbering__reservations_expire(numbering_store *store, int64_t now);

#endif
