/*
 * Request ids: a request retried with its request id answers what its first try
 * answered, and does nothing twice; an id used before for another request is
 * INVALID_ARGUMENT naming "requestId". The request's writes and the record of its id
 * are put in one transaction. Used by ImportAvailableNumbers (import-request.c), by
 * AdjustBillingAccount (billing.c) and by whatever else takes a request id.
 *
 * The record is a REQUEST record (model/instance-record.h) under a parent no create
 * looks under (a create keeps its ids under its project, "projects/p"):
 *   - "projects/" "*" for the host's own requests (imports), a project id being a-z,
 *     0-9 and '-';
 *   - "projects/" "*" "/" and the project id for a project's requests (billing
 *     adjustments, purchases): numbering__request_id_scope().
 * The name is that parent, "/requests/" and the id; the body is the request's 32-byte
 * digest, a mark byte naming the kind of request (never 0, which is the shape of a
 * create's response) and the answer's bytes. Two kinds of request under one scope
 * share the ids: an id used for one is "used for a different" request for the other.
 * The ledger keeps its charge keys under a project's scope too, as ids no request can
 * have: "#" and the key (service/billing.h).
 */
#ifndef NUMBERING_SERVICE_REQUEST_ID_H
#define NUMBERING_SERVICE_REQUEST_ID_H

#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "service/service.h"

/* The longest request id, in bytes. */
#define NUMBERING__REQUEST_ID_MAX 128
/* The longest answer a request id keeps. */
#define NUMBERING__REQUEST_ANSWER_MAX 512
/* "projects/" "*" "/", a project id, NUL. */
#define NUMBERING__REQUEST_SCOPE_SIZE (NUMBERING__PROJECT_SIZE + 2)

struct numbering__request_id {
	char scope[NUMBERING__REQUEST_SCOPE_SIZE]; /* the REQUEST record's parent */
	const char *id;                            /* borrowed */
	char mark;                                 /* the kind of request: 'C' an import, 'A' an adjustment ... */
	const char *what;                          /* "import", "billing adjustment": for messages */
	unsigned char digest[32];                  /* what makes the request what it is */
	crypto_generichash_state state;            /* the digest while it is taken */
};

/* Checks @id (1 to NUMBERING__REQUEST_ID_MAX of A-Z a-z 0-9 - _ . ~ :,
 * INVALID_ARGUMENT naming "requestId") and starts the digest. @scope is
 * "projects/" "*" or what numbering__request_id_scope() writes. */
int numbering__request_id_init(struct numbering__request_id *req, const char *scope, const char *id, char mark,
                               const char *what);

/* The scope of @project's requests: "projects/p" gives "projects/" "*" "/p". */
void numbering__request_id_scope(char scope[NUMBERING__REQUEST_SCOPE_SIZE], const char *project);

/* Adds @len bytes to the digest; adds a text with its NUL (so "ab" "c" is not "a" "bc");
 * adds an integer as 8 bytes little-endian. */
void numbering__request_id_add(struct numbering__request_id *req, const void *bytes, size_t len);
void numbering__request_id_add_text(struct numbering__request_id *req, const char *text);
void numbering__request_id_add_int(struct numbering__request_id *req, int64_t value);
/* Ends the digest: after the last add, before find and put. */
void numbering__request_id_final(struct numbering__request_id *req);

/* Inside the request's transaction (or its lock): *seen 1 with the first answer in
 * @answer (NUMBERING__REQUEST_ANSWER_MAX bytes) and its length in *len when the id was
 * used before for this very request; *seen 0 when never; INVALID_ARGUMENT naming
 * "requestId" when it was used for another request; DATA_LOSS for a damaged record. */
int numbering__request_id_find(numbering_store *store, const struct numbering__request_id *req, int *seen,
                               unsigned char *answer, size_t *len);

/* Inside the request's transaction: keeps @answer (0 .. NUMBERING__REQUEST_ANSWER_MAX
 * bytes) under the id. */
int numbering__request_id_put(numbering_store *store, const struct numbering__request_id *req, const void *answer,
                              size_t len);

#endif
