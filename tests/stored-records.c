/* tests/stored-records.h: the locked list the DUE and billing suites each wrote out. */
#include <check.h>

#include "core/rwlock.h"
#include "service/backend-call.h"
#include "service/service.h"
#include "stored-records.h"

void stored_list(numbering_store *store, int kind, const char *parent, int order, numbering_record_visit_cb visit,
                 void *payload)
{
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = kind;
	q.order = order;
	q.parent = parent;
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	int rc = numbering__backend_list(store, &q, visit, payload);
	numbering__rwlock_rdunlock(&store->lock, slot);
	ck_assert_msg(rc == NUMBERING_OK, "list kind %d of %s: %s", kind, parent, numbering_error_message());
}
