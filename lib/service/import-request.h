/*
 * Request ids of ImportAvailableNumbers (lib/json/sinch-available.c): a retried import
 * answers the first import's count without importing twice. The import and the
 * record of its request id are written in one transaction (inventory.c).
 *
 * The record is a REQUEST record (model/instance-record.h) of the parent "projects/" "*"
 * (the host's), which no project can be (a project id is a-z, 0-9 and '-'): name that
 * parent, "/requests/" and the id, body the request's 32-byte digest, the byte 'C' (never 0:
 * not the shape of a create's response) and the count imported, 8 bytes little-endian.
 * No create looks under that parent, so the two uses never meet. That record is the
 * generic one of service/request-id.h (mark 'C', the answer the count).
 */
#ifndef NUMBERING_SERVICE_IMPORT_REQUEST_H
#define NUMBERING_SERVICE_IMPORT_REQUEST_H

#include <stdint.h>

#include "model/available.h"
#include "service/service.h"

struct numbering__import_request {
	const char *id;
	unsigned char digest[32];
};

/* Checks @id (1 to 128 of A-Z a-z 0-9 - _ . ~ :, INVALID_ARGUMENT naming "requestId")
 * and takes the digest of the numbers and attributes imported. */
int numbering__import_request_prepare(struct numbering__import_request *req, const char *id,
                                      const numbering_available_number *const *numbers, int count);

/* Inside the import's transaction: *seen is 1 and *imported the first answer when the
 * id was used before for the same request; INVALID_ARGUMENT naming "requestId" when it
 * was used for another. */
int numbering__import_request_find(numbering_store *store, const struct numbering__import_request *req, int *seen,
                                   int64_t *imported);

/* Inside the import's transaction: keeps the answer @imported under the id. */
int numbering__import_request_put(numbering_store *store, const struct numbering__import_request *req,
                                  int64_t imported);

/* numbering_store_import_available() with an optional request id (NULL: none). */
int numbering__import_available(int64_t *imported, numbering_store *store, const char *caller,
                                const numbering_available_number *const *numbers, int count, const char *request_id);

#endif
