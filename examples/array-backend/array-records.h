/*
 * A record-store backend written outside the library, against numbering/sys/backend.h
 * alone (docs/BACKENDS.md): the template for a host's own backend, and one of the
 * backends the backend test kit runs against (tests/test-backend-kit.c).
 */
#ifndef ARRAY_RECORDS_H
#define ARRAY_RECORDS_H

#include <numbering/sys/backend.h>

/* Opens an empty store of records. */
int array_records_new(numbering_backend **out);

/* A second handle on the records of @first, as a second connection to one database:
 * each handle has its transactions, which run one at a time (begin() waits for the
 * other handle's commit or rollback). Handles are freed in any order. */
int array_records_open_second(numbering_backend **out, numbering_backend *first);

/* NUMBERING_OK when no (kind, name) is held twice and no number by two NUMBERS records;
 * NUMBERING_INTERNAL otherwise. For the test kit's check hook. */
int array_records_check(numbering_backend *backend);

#endif
