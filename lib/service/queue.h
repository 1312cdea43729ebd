/* A host's queues (deliveries in outbox.c, provisioning tasks in provisioning.c):
 * collecting what is due, passing damaged records over, and claiming it. */
#ifndef NUMBERING_SERVICE_QUEUE_H
#define NUMBERING_SERVICE_QUEUE_H

#include "service/service.h"

/* Reads one record of a host's queue into @item (a delivery, a provisioning task). */
typedef int (*numbering__queue_read_fn)(void *item, const numbering_record *record);

/* The records @q lists, read with @read into @items (@cap items of @size bytes; *@count
 * counts those filled and stops at @cap). A record @read finds damaged (DATA_LOSS) is
 * passed over, not collected, and logged as damage found by @operation (the store's
 * log hook, docs/OPERATIONS.md): one damaged record does not stall the queue behind it
 * (docs/CALLBACKS.md). Any other failure ends it. For the deliveries listed dead
 * (outbox.c). */
int numbering__queue_collect(numbering_store *store, const numbering_record_query *q, void *items, size_t size,
                             int cap, int *count, numbering__queue_read_fn read, const char *operation);

/* The first @cap readable records of @kind due by @now, in the expiry order, collected
 * as by numbering__queue_collect(): what a host claims. */
int numbering__queue_collect_due(numbering_store *store, int kind, int64_t now, void *items, size_t size, int cap,
                                 int *count, numbering__queue_read_fn read, const char *operation);

/* Claims the items from @from to *@count: keeps those claimed packed from @from, sets
 * *@count to their end and *@dropped to how many were set aside (dead, void). */
typedef int (*numbering__queue_claim_fn)(void *payload, int from, int64_t now, int *dropped);

/*
 * Claims, inside the caller's write transaction, the *@count items that
 * numbering__queue_collect_due() put in @items, with @claim. Each item set aside
 * leaves room that the next due ones fill (collected as that function does), so the
 * claim ends with fewer than @cap only when no more are due.
 */
int numbering__queue_claim_due(numbering_store *store, int kind, int64_t now, void *items, size_t size, int cap,
                               int *count, numbering__queue_read_fn read, const char *operation,
                               numbering__queue_claim_fn claim, void *payload);

#endif
