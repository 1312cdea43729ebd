/* Request ids: service/request-id.h. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/error.h"
#include "model/instance-record.h"
#include "model/kinds.h"
#include "service/backend-call.h"
#include "service/request-id.h"

#define HEADER_LEN (32 + 1)

int numbering__request_id_init(struct numbering__request_id *req, const char *scope, const char *id, char mark,
                               const char *what)
{
	size_t len = id ? strlen(id) : 0;
	int ok = len >= 1 && len <= NUMBERING__REQUEST_ID_MAX;
	for (size_t i = 0; ok && i < len; i++) {
		char c = id[i];
		ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		     c == '.' || c == '~' || c == ':';
	}
	if (!ok) {
		char quoted[NUMBERING__QUOTE_SIZE];
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "requestId",
		                              "requestId \"%s\" must be 1 to %d of A-Z a-z 0-9 - _ . ~ :",
		                              id ? numbering__quote(quoted, id, len) : "(null)", NUMBERING__REQUEST_ID_MAX);
	}
	snprintf(req->scope, sizeof(req->scope), "%s", scope);
	req->id = id;
	req->mark = mark;
	req->what = what;
	memset(req->digest, 0, sizeof(req->digest));
	crypto_generichash_init(&req->state, NULL, 0, sizeof(req->digest));
	return NUMBERING_OK;
}

void numbering__request_id_scope(char scope[NUMBERING__REQUEST_SCOPE_SIZE], const char *project)
{
	/* What snprintf() would write, without the formatting: every charge with a charge
	 * key takes a scope (service/billing.c). */
	static const char prefix[] = "projects/*/";
	const char *id = strncmp(project, "projects/", 9) == 0 ? project + 9 : project;
	size_t len = strnlen(id, NUMBERING__REQUEST_SCOPE_SIZE - sizeof(prefix));
	memcpy(scope, prefix, sizeof(prefix) - 1);
	memcpy(scope + sizeof(prefix) - 1, id, len);
	scope[sizeof(prefix) - 1 + len] = '\0';
}

void numbering__request_id_add(struct numbering__request_id *req, const void *bytes, size_t len)
{
	crypto_generichash_update(&req->state, bytes, len);
}

void numbering__request_id_add_text(struct numbering__request_id *req, const char *text)
{
	const char *t = text ? text : "";
	crypto_generichash_update(&req->state, (const unsigned char *)t, strlen(t) + 1);
}

void numbering__request_id_add_int(struct numbering__request_id *req, int64_t value)
{
	unsigned char b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)((uint64_t)value >> (8 * i));
	crypto_generichash_update(&req->state, b, sizeof(b));
}

void numbering__request_id_final(struct numbering__request_id *req)
{
	crypto_generichash_final(&req->state, req->digest, sizeof(req->digest));
}

struct found {
	int seen;
	size_t len;
	unsigned char body[HEADER_LEN + NUMBERING__REQUEST_ANSWER_MAX];
};

static int found_visit(const numbering_record *record, void *payload)
{
	struct found *f = payload;
	f->seen = 1;
	f->len = record->body_len;
	if (f->len >= HEADER_LEN && f->len <= sizeof(f->body))
		memcpy(f->body, record->body, f->len);
	return 0;
}

int numbering__request_id_find(numbering_store *store, const struct numbering__request_id *req, int *seen,
                               unsigned char *answer, size_t *len)
{
	numbering_record record;
	char name[NUMBERING__REQUEST_NAME_SIZE];
	*seen = 0;
	*len = 0;
	int rc = numbering__request_record(&record, name, req->scope, req->id, 0, NULL, 0);
	if (rc != NUMBERING_OK)
		return rc;
	struct found f = {0, 0, {0}};
	rc = numbering__backend_get_record(store, NUMBERING__KIND_REQUEST, name, found_visit, &f);
	if (rc == NUMBERING_NOT_FOUND)
		return NUMBERING_OK;
	if (rc != NUMBERING_OK)
		return rc;
	if (!f.seen || f.len < HEADER_LEN || f.len > sizeof(f.body) || f.body[32] == 0)
		return numbering__error_set(NUMBERING_DATA_LOSS, "the record of %s request id %s is damaged", req->what,
		                            req->id);
	if (f.body[32] != (unsigned char)req->mark || sodium_memcmp(f.body, req->digest, 32) != 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "requestId",
		                              "requestId %s was already used for a different %s", req->id, req->what);
	*seen = 1;
	*len = f.len - HEADER_LEN;
	memcpy(answer, f.body + HEADER_LEN, *len);
	return NUMBERING_OK;
}

int numbering__request_id_put(numbering_store *store, const struct numbering__request_id *req, const void *answer,
                              size_t len)
{
	unsigned char body[HEADER_LEN + NUMBERING__REQUEST_ANSWER_MAX];
	if (len > NUMBERING__REQUEST_ANSWER_MAX)
		return numbering__error_set(NUMBERING_INTERNAL, "a %s request's answer of %zu bytes is over %d", req->what, len,
		                            NUMBERING__REQUEST_ANSWER_MAX);
	memcpy(body, req->digest, 32);
	body[32] = (unsigned char)req->mark;
	if (len > 0)
		memcpy(body + HEADER_LEN, answer, len);
	numbering_record record;
	char name[NUMBERING__REQUEST_NAME_SIZE];
	int64_t now = 0;
	int rc = numbering__next_time(store, &now);
	if (rc == NUMBERING_OK)
		rc = numbering__request_record(&record, name, req->scope, req->id, now, body, HEADER_LEN + len);
	return rc == NUMBERING_OK ? numbering__backend_put_record(store, &record) : rc;
}
