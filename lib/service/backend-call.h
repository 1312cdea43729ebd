/*
 * Every call the store makes into its backend, a record store (numbering/sys/backend.h),
 * goes through these: instances, store metadata and idempotency records become
 * records here (model/instance-record.h), and a backend written outside the library
 * (which may return a bare code without describing it, or a value that is not a
 * status code) never leaves the caller with a stale or mismatched last error.
 */
#ifndef NUMBERING_SERVICE_BACKEND_CALL_H
#define NUMBERING_SERVICE_BACKEND_CALL_H

#include "core/error.h"
#include "model/instance-record.h"
#include "service/service.h"

/* @rc as the store's caller should see it: a failure the backend did not describe
 * (the thread's error serial is still @serial) gets a message naming @op, and a
 * value outside the status codes becomes NUMBERING_INTERNAL. */
int numbering__backend_result(int rc, unsigned serial, const char *op);

/* Fills @out with the instance named @name; NUMBERING_NOT_FOUND if none (no error
 * set); NUMBERING_DATA_LOSS for a record that is not an instance's. */
int numbering__backend_get(numbering_store *store, numbering_instance *out, const char *name);

/* The same for a store of the library's own backends (store->own_records), the record
 * read as trusted, without the error protocol: any status but NUMBERING_OK (its error
 * possibly not set) is only a sign to read again through the checked path, as
 * numbering_store_get() does. */
int numbering__backend_get_own(numbering_store *store, numbering_instance *out, const char *name);

/* Puts @instance's record (inside a transaction). An instance without a phone id (0:
 * never stored) gets the next one of NUMBERING__SEQ_PHONE first, kept in @instance. */
int numbering__backend_put(numbering_store *store, numbering_instance *instance);

/* Removes the instance named @name (inside a transaction). */
int numbering__backend_remove(numbering_store *store, const char *name);

/*
 * Fills @out with the first instance (in number order) holding a number of @digits
 * digits in @first .. @last. NUMBERING_NOT_FOUND when no instance does; *other is
 * then set when a record of another kind holds one of them (the number is taken,
 * but by no instance). Allocates nothing once @out has grown (the resolve path).
 */
int numbering__backend_find(numbering_store *store, numbering_instance *out, uint64_t first, uint64_t last,
                            int digits, int *other);

/* numbering__backend_find() of the one number @value of @digits digits, whose +E164
 * text (and a NUL) @e164 holds as the parser wrote it: the phone number of an instance
 * it is the first number of is copied from it instead of formatted (the resolve path). */
int numbering__backend_find_number(numbering_store *store, numbering_instance *out, uint64_t value, int digits,
                                   const char *e164, int *other);

/* Visits the records of @query (records borrowed for the visit). */
int numbering__backend_list(numbering_store *store, const numbering_record_query *query,
                            numbering_record_visit_cb visit, void *payload);

/* Whether a record of @kind expires at or before @now (a time of the store's clock):
 * *due 1 or 0. One expiry-ordered list with limit 1, nothing allocated, nothing
 * formatted: the check numbering_store_process_due() makes for each kind on every
 * inventory call, which most often finds nothing. The caller holds the lock. */
int numbering__backend_due(numbering_store *store, int kind, int64_t now, int *due);

/* Visits the record of @kind named @name; NUMBERING_NOT_FOUND if none (no error set). */
int numbering__backend_get_record(numbering_store *store, int kind, const char *name, numbering_record_visit_cb visit,
                                  void *payload);

/* What a visitor returns to stop a find or list early: not a status code, and the
 * calls below answer NUMBERING_OK for it. */
#define NUMBERING__VISIT_STOP 0x5703

/* Visits the records flagged NUMBERING_RECORD_NUMBERS holding a number of @digits
 * digits in @first .. @last, in number order, any kind; NUMBERING_NOT_FOUND if none
 * (no error set). */
int numbering__backend_find_record(numbering_store *store, int digits, uint64_t first, uint64_t last,
                                   numbering_record_visit_cb visit, void *payload);
/* Removes the record of @kind named @name (inside a transaction). */
int numbering__backend_remove_record(numbering_store *store, int kind, const char *name);
/* Puts @record (inside a transaction). */
int numbering__backend_put_record(numbering_store *store, const numbering_record *record);
/* Puts @record (inside a transaction) with the body @table encodes from @obj, the way
 * every record kind built on an attribute table (model/fields.h) is written; @record's
 * own body is not read. NUMBERING_RESOURCE_EXHAUSTED; the errors of a put. */
struct numbering__fields;
int numbering__backend_put_fields(numbering_store *store, const numbering_record *record,
                                  const struct numbering__fields *table, const void *obj);

/*
 * Reads the META record @name (NUMBERING__META_*) into @buf of *@len bytes and sets
 * *@len to its size: NUMBERING_NOT_FOUND if absent, NUMBERING_OUT_OF_RANGE (no error
 * set) when it does not fit.
 */
int numbering__backend_meta_get(numbering_store *store, const char *name, void *buf, size_t *len);

/* Writes the META record @name (inside a transaction). */
int numbering__backend_meta_put(numbering_store *store, const char *name, const void *value, size_t len);

int numbering__backend_begin(numbering_store *store);
int numbering__backend_commit(numbering_store *store);
int numbering__backend_rollback(numbering_store *store);
/* NUMBERING_UNIMPLEMENTED (no error set) from a backend without control(). */
int numbering__backend_control(numbering_store *store, int op, void *arg);
/* Inside a write transaction: the record of @kind named @name will be put soon
 * (NUMBERING__CONTROL_PREFETCH, to the library's own backends only). A hint: nothing
 * changes, nothing fails. */
void numbering__backend_prefetch(numbering_store *store, int kind, const char *name);

#endif
