/*
 * Every call the store makes into its backend goes through these, so that a
 * backend written outside the library (which may return a bare code without
 * describing it, or a value that is not a status code) never leaves the caller with
 * a stale or mismatched last error.
 */
#ifndef NUMBERING_SERVICE_BACKEND_CALL_H
#define NUMBERING_SERVICE_BACKEND_CALL_H

#include "core/error.h"
#include "service/service.h"

/* @rc as the store's caller should see it: a failure the backend did not describe
 * (the thread's error serial is still @serial) gets a message naming @op, and a
 * value outside the status codes becomes NUMBERING_INTERNAL. */
int numbering__backend_result(int rc, unsigned serial, const char *op);

static inline int numbering__backend_get(numbering_store *store, numbering_instance *out, const char *name)
{
	unsigned serial = numbering__error_serial();
	return numbering__backend_result(store->backend->get(out, store->backend, name), serial, "get");
}

static inline int numbering__backend_put(numbering_store *store, const numbering_instance *instance)
{
	unsigned serial = numbering__error_serial();
	return numbering__backend_result(store->backend->put(store->backend, instance), serial, "put");
}

static inline int numbering__backend_remove(numbering_store *store, const char *name)
{
	unsigned serial = numbering__error_serial();
	return numbering__backend_result(store->backend->remove(store->backend, name), serial, "remove");
}

static inline int numbering__backend_find(numbering_store *store, numbering_instance *out, uint64_t first,
                                          uint64_t last, int digits)
{
	unsigned serial = numbering__error_serial();
	int rc = store->backend->find(out, store->backend, first, last, digits);
	return rc == NUMBERING_OK ? rc : numbering__backend_result(rc, serial, "find");
}

static inline int numbering__backend_list(numbering_store *store, const numbering_backend_query *query,
                                          numbering_backend_visit_cb visit, void *payload)
{
	unsigned serial = numbering__error_serial();
	return numbering__backend_result(store->backend->list(store->backend, query, visit, payload), serial, "list");
}

static inline int numbering__backend_meta_get(numbering_store *store, const char *key, void *buf, size_t *len)
{
	unsigned serial = numbering__error_serial();
	return numbering__backend_result(store->backend->meta_get(store->backend, key, buf, len), serial, "meta_get");
}

static inline int numbering__backend_meta_put(numbering_store *store, const char *key, const void *value,
                                              size_t len)
{
	unsigned serial = numbering__error_serial();
	return numbering__backend_result(store->backend->meta_put(store->backend, key, value, len), serial,
	                                 "meta_put");
}

static inline int numbering__backend_begin(numbering_store *store)
{
	unsigned serial = numbering__error_serial();
	return numbering__backend_result(store->backend->begin(store->backend), serial, "begin");
}

static inline int numbering__backend_commit(numbering_store *store)
{
	unsigned serial = numbering__error_serial();
	return numbering__backend_result(store->backend->commit(store->backend), serial, "commit");
}

static inline int numbering__backend_rollback(numbering_store *store)
{
	unsigned serial = numbering__error_serial();
	return numbering__backend_result(store->backend->rollback(store->backend), serial, "rollback");
}

static inline int numbering__backend_control(numbering_store *store, int op, void *arg)
{
	unsigned serial = numbering__error_serial();
	return numbering__backend_result(store->backend->control(store->backend, op, arg), serial, "control");
}

#endif
