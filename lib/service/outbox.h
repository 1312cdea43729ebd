/* The outbox's internal side (outbox.c): queueing a callback inside a transaction. */
#ifndef NUMBERING_SERVICE_OUTBOX_H
#define NUMBERING_SERVICE_OUTBOX_H

#include "service/service.h"

/*
 * Queues a CallbackPayload about @resource_id for @url (nothing when @url is NULL or
 * ""), inside the caller's transaction, so it commits or rolls back with the change it
 * reports. @project_id is the id without "projects/". Takes a store time.
 */
int numbering__outbox_queue(numbering_store *store, const char *project_id, const char *url, const char *resource_id,
                            int event_type, int status, int failure_code);

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
 * as by numbering__queue_collect(): what a host claims (deliveries in outbox.c,
 * provisioning tasks in provisioning.c). */
int numbering__queue_collect_due(numbering_store *store, int kind, int64_t now, void *items, size_t size, int cap,
                                 int *count, numbering__queue_read_fn read, const char *operation);

#endif
