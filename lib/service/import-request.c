/* Request ids of ImportAvailableNumbers: service/import-request.h. */
#include <string.h>

#include <sodium.h>

#include "core/error.h"
#include "model/instance-record.h"
#include "model/kinds.h"
#include "service/backend-call.h"
#include "service/import-request.h"

#define REQUEST_ID_MAX 128
/* Project ids are a-z 0-9 and -: no create ever uses this one. */
#define HOST_PROJECT "projects/*"
#define MARK 'C'
#define BODY_LEN (32 + 1 + 8)

int numbering__import_request_prepare(struct numbering__import_request *req, const char *id,
                                      const numbering_available_number *const *numbers, int count)
{
	size_t len = strlen(id);
	int ok = len >= 1 && len <= REQUEST_ID_MAX;
	for (size_t i = 0; ok && i < len; i++) {
		char c = id[i];
		ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		     c == '.' || c == '~' || c == ':';
	}
	if (!ok) {
		char quoted[NUMBERING__QUOTE_SIZE];
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "requestId",
		                              "requestId \"%s\" must be 1 to %d of A-Z a-z 0-9 - _ . ~ :",
		                              numbering__quote(quoted, id, len), REQUEST_ID_MAX);
	}
	req->id = id;
	/* The digest of the records the import writes, in request order: what makes the
	 * request what it is, so a reused id is told from a retry. */
	crypto_generichash_state state;
	crypto_generichash_init(&state, NULL, 0, 32);
	struct numbering__buf body = {NULL, 0, 0};
	int rc = NUMBERING_OK;
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
		crypto_generichash_update(&state, numbers_of, sizeof(numbers_of));
		crypto_generichash_update(&state, (const unsigned char *)parent, strlen(parent) + 1);
		unsigned char body_len[8];
		for (int b = 0; b < 8; b++)
			body_len[b] = (unsigned char)((uint64_t)body.len >> (8 * b));
		crypto_generichash_update(&state, body_len, sizeof(body_len));
		crypto_generichash_update(&state, body.ptr, body.len);
	}
	numbering__buf_free(&body);
	crypto_generichash_final(&state, req->digest, 32);
	return rc;
}

struct found {
	int seen;
	size_t len;
	unsigned char body[BODY_LEN];
};

static int found_visit(const numbering_record *record, void *payload)
{
	struct found *f = payload;
	f->seen = 1;
	f->len = record->body_len;
	if (f->len == BODY_LEN)
		memcpy(f->body, record->body, BODY_LEN);
	return 0;
}

int numbering__import_request_find(numbering_store *store, const struct numbering__import_request *req, int *seen,
                                   int64_t *imported)
{
	numbering_record record;
	char name[NUMBERING__REQUEST_NAME_SIZE];
	*seen = 0;
	int rc = numbering__request_record(&record, name, HOST_PROJECT, req->id, 0, NULL, 0);
	if (rc != NUMBERING_OK)
		return rc;
	struct found f = {0, 0, {0}};
	rc = numbering__backend_get_record(store, NUMBERING__KIND_REQUEST, name, found_visit, &f);
	if (rc == NUMBERING_NOT_FOUND)
		return NUMBERING_OK;
	if (rc != NUMBERING_OK)
		return rc;
	if (!f.seen || f.len != BODY_LEN || f.body[32] != MARK)
		return numbering__error_set(NUMBERING_DATA_LOSS, "the record of import request id %s is damaged", req->id);
	if (sodium_memcmp(f.body, req->digest, 32) != 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "requestId",
		                              "requestId %s was already used for a different import", req->id);
	uint64_t count = 0;
	for (int b = 7; b >= 0; b--)
		count = count << 8 | f.body[33 + b];
	*seen = 1;
	*imported = (int64_t)count;
	return NUMBERING_OK;
}

int numbering__import_request_put(numbering_store *store, const struct numbering__import_request *req,
                                  int64_t imported)
{
	unsigned char body[BODY_LEN];
	memcpy(body, req->digest, 32);
	body[32] = MARK;
	for (int b = 0; b < 8; b++)
		body[33 + b] = (unsigned char)((uint64_t)imported >> (8 * b));
	numbering_record record;
	char name[NUMBERING__REQUEST_NAME_SIZE];
	int64_t now = 0;
	int rc = numbering__next_time(store, &now);
	if (rc == NUMBERING_OK)
		rc = numbering__request_record(&record, name, HOST_PROJECT, req->id, now, body, sizeof(body));
	return rc == NUMBERING_OK ? numbering__backend_put_record(store, &record) : rc;
}
