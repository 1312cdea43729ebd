/* Request ids of ImportAvailableNumbers: service/import-request.h, on the generic
 * request-id record (service/request-id.h), whose body is the one this file wrote
 * before: the digest, 'C' and the count, so stored ids read the same. */
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "service/import-request.h"
#include "service/request-id.h"

/* Project ids are a-z 0-9 and -: no create ever uses this one. */
#define HOST_PROJECT "projects/*"
#define MARK 'C'

int numbering__import_request_prepare(struct numbering__import_request *req, const char *id,
                                      const numbering_available_number *const *numbers, int count)
{
	/* The id's rules are the generic ones (service/request-id.h). */
	struct numbering__request_id check;
	int rc = numbering__request_id_init(&check, HOST_PROJECT, id, MARK, "import");
	if (rc != NUMBERING_OK)
		return rc;
	req->id = id;
	/* The digest of the records the import writes, in request order: what makes the
	 * request what it is, so a reused id is told from a retry. */
	struct numbering__buf body = {NULL, 0, 0};
	for (int i = 0; i < count && rc == NUMBERING_OK; i++) {
		numbering_record record;
		char name[NUMBERING__AVAILABLE_NAME_SIZE], parent[NUMBERING__AVAILABLE_PARENT_SIZE];
		rc = numbering__available_to_record(&record, name, parent, &body, numbers[i]);
		if (rc != NUMBERING_OK)
			break;
		unsigned char numbers_of[17];
		numbers_of[0] = (unsigned char)record.digits;
		for (int b = 0; b < 8; b++) {
			numbers_of[1 + b] = (unsigned char)(record.first >> (8 * b));
			numbers_of[9 + b] = (unsigned char)(record.last >> (8 * b));
		}
		numbering__request_id_add(&check, numbers_of, sizeof(numbers_of));
		numbering__request_id_add(&check, (const unsigned char *)parent, strlen(parent) + 1);
		unsigned char body_len[8];
		for (int b = 0; b < 8; b++)
			body_len[b] = (unsigned char)((uint64_t)body.len >> (8 * b));
		numbering__request_id_add(&check, body_len, sizeof(body_len));
		numbering__request_id_add(&check, body.ptr, body.len);
	}
	numbering__buf_free(&body);
	numbering__request_id_final(&check);
	memcpy(req->digest, check.digest, sizeof(req->digest));
	return rc;
}

static void generic(struct numbering__request_id *g, const struct numbering__import_request *req)
{
	memset(g, 0, sizeof(*g));
	snprintf(g->scope, sizeof(g->scope), "%s", HOST_PROJECT);
	g->id = req->id;
	g->mark = MARK;
	g->what = "import";
	memcpy(g->digest, req->digest, sizeof(g->digest));
}

int numbering__import_request_find(numbering_store *store, const struct numbering__import_request *req, int *seen,
                                   int64_t *imported)
{
	struct numbering__request_id g;
	generic(&g, req);
	unsigned char answer[NUMBERING__REQUEST_ANSWER_MAX];
	size_t len = 0;
	int rc = numbering__request_id_find(store, &g, seen, answer, &len);
	if (rc != NUMBERING_OK || !*seen)
		return rc;
	if (len != 8) {
		*seen = 0;
		return numbering__error_set(NUMBERING_DATA_LOSS, "the record of import request id %s is damaged", req->id);
	}
	uint64_t count = 0;
	for (int b = 7; b >= 0; b--)
		count = count << 8 | answer[b];
	*imported = (int64_t)count;
	return NUMBERING_OK;
}

int numbering__import_request_put(numbering_store *store, const struct numbering__import_request *req,
                                  int64_t imported)
{
	struct numbering__request_id g;
	generic(&g, req);
	unsigned char answer[8];
	for (int b = 0; b < 8; b++)
		answer[b] = (unsigned char)((uint64_t)imported >> (8 * b));
	return numbering__request_id_put(store, &g, answer, sizeof(answer));
}
