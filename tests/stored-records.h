/*
 * A store's records as its backend holds them (tests/stored-records.c), read under the
 * store's read lock as the library reads them: for the suites that look into the
 * bodies a service wrote (DUE buckets, ledger records) rather than through the API.
 */
#ifndef NUMBERING_TESTS_STORED_RECORDS_H
#define NUMBERING_TESTS_STORED_RECORDS_H
#include <numbering/numbering.h>
#include <numbering/sys/record.h>

/* Visits every record of @kind (NUMBERING__KIND_*) under @parent in @order
 * (NUMBERING_RECORD_ORDER_*) with @visit; fails the test unless the list succeeds. */
void stored_list(numbering_store *store, int kind, const char *parent, int order, numbering_record_visit_cb visit,
                 void *payload);
#endif
