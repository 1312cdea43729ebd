/* Manual provisioning's internal side (provisioning.c). */
#ifndef NUMBERING_SERVICE_PROVISIONING_H
#define NUMBERING_SERVICE_PROVISIONING_H

#include "model/active.h"
#include "service/service.h"

/* Queues one provisioning task per change the last numbering__active_apply() noted on
 * @a (inside the caller's transaction). */
int numbering__provisioning_queue(numbering_store *store, const numbering_active_number *a);

#endif
