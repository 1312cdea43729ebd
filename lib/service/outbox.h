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

#endif
