/* A host's queues: collecting what is due and claiming it (service/queue.h). */
#include "service/queue.h"

#include "core/error.h"
#include "core/log.h"
#include "service/backend-call.h"

struct collect_visit {
	numbering_store *store;
	char *items;
	size_t size;
	int *count;
	int cap;
	numbering__queue_read_fn read;
	const char *operation;
	int rc;
};

static int collect_visit(const numbering_record *record, void *payload)
{
	struct collect_visit *v = payload;
	int rc = v->read(v->items + (size_t)*v->count * v->size, record);
	if (rc == NUMBERING_DATA_LOSS) {
		/* Passed over, so the records behind it are handed out; its slot is read over
		 * by the next (each read clears it first). The damage stays until an operator
		 * acts, and is logged at every pass, naming the record. */
		numbering__log_damage(&v->store->log, v->operation);
		numbering_error_clear();
		return 0;
	}
	if ((v->rc = rc) != NUMBERING_OK)
		return rc;
	return ++*v->count == v->cap ? NUMBERING__VISIT_STOP : 0;
}

int numbering__queue_collect(numbering_store *store, const numbering_record_query *q, void *items, size_t size,
                             int cap, int *count, numbering__queue_read_fn read, const char *operation)
{
	struct collect_visit v = {store, items, size, count, cap, read, operation, NUMBERING_OK};
	int rc = numbering__backend_list(store, q, collect_visit, &v);
	return rc == NUMBERING_OK ? v.rc : rc;
}

int numbering__queue_collect_due(numbering_store *store, int kind, int64_t now, void *items, size_t size, int cap,
                                 int *count, numbering__queue_read_fn read, const char *operation)
{
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = kind;
	q.order = NUMBERING_RECORD_ORDER_EXPIRY;
	q.expires_until = now;
	/* No limit: damaged records passed over do not count; the visitor stops at @cap. */
	return numbering__queue_collect(store, &q, items, size, cap, count, read, operation);
}

int numbering__queue_claim_due(numbering_store *store, int kind, int64_t now, void *items, size_t size, int cap,
                               int *count, numbering__queue_read_fn read, const char *operation,
                               numbering__queue_claim_fn claim, void *payload)
{
	for (int from = 0;;) {
		int dropped = 0, collected = *count;
		int rc = claim(payload, from, now, &dropped);
		/* Fewer collected than asked for: no more are due. */
		if (rc != NUMBERING_OK || dropped == 0 || collected < cap)
			return rc;
		from = *count;
		int more = 0;
		rc = numbering__queue_collect_due(store, kind, now, (char *)items + (size_t)from * size, size, cap - from,
		                                  &more, read, operation);
		*count = from + more;
		if (rc != NUMBERING_OK || more == 0)
			return rc;
	}
}
