/*
 * Page tokens: opaque, authenticated (crypto_auth with the store's key) and bound to
 * the request's filter by a digest, so a forged, altered or reused-with-other-filters
 * token is INVALID_ARGUMENT. A token carries one int64 cursor (a create time, a
 * number), whatever the listing means by it, and (version 2) a text key after it: the
 * rest of a keyset position when the int64 alone can tie (a create time two processes
 * both took, a display name).
 */
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "core/error.h"
#include "service/service.h"

/* Version 1: version, cursor, filter digest, then the MAC over them. Version 2 puts
 * the key's length (2 bytes) and the key between the digest and the MAC. Version 1
 * stays what a token without a key is, so tokens issued before version 2 still read. */
#define TOKEN_HEAD (1 + 8 + NUMBERING__TOKEN_DIGEST_BYTES)
#define TOKEN_BYTES_MAX (TOKEN_HEAD + 2 + NUMBERING__TOKEN_KEY_MAX + crypto_auth_BYTES)
_Static_assert(sodium_base64_ENCODED_LEN(TOKEN_BYTES_MAX, sodium_base64_VARIANT_URLSAFE_NO_PADDING) <=
                   NUMBERING__TOKEN_TEXT_MAX,
               "a token with the longest key fits its text");

void numbering__token_make_keyed(char out[NUMBERING__TOKEN_TEXT_MAX], const numbering_store *store,
                                 const unsigned char digest[NUMBERING__TOKEN_DIGEST_BYTES], int64_t cursor,
                                 const char *key)
{
	unsigned char token[TOKEN_BYTES_MAX];
	size_t key_len = key != NULL ? strlen(key) : 0;
	if (key_len > NUMBERING__TOKEN_KEY_MAX) /* callers' keys are bounded below it */
		key_len = NUMBERING__TOKEN_KEY_MAX;
	token[0] = key != NULL ? 2 : 1;
	uint64_t v = (uint64_t)cursor;
	for (int i = 8; i >= 1; i--, v >>= 8)
		token[i] = (unsigned char)(v & 0xff);
	memcpy(token + 9, digest, NUMBERING__TOKEN_DIGEST_BYTES);
	size_t body = TOKEN_HEAD;
	if (key != NULL) {
		token[body++] = (unsigned char)(key_len >> 8);
		token[body++] = (unsigned char)(key_len & 0xff);
		memcpy(token + body, key, key_len);
		body += key_len;
	}
	crypto_auth(token + body, token, body, store->token_key);
	sodium_bin2base64(out, NUMBERING__TOKEN_TEXT_MAX, token, body + crypto_auth_BYTES,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void numbering__token_make(char out[NUMBERING__TOKEN_TEXT_MAX], const numbering_store *store,
                           const unsigned char digest[NUMBERING__TOKEN_DIGEST_BYTES], int64_t cursor)
{
	numbering__token_make_keyed(out, store, digest, cursor, NULL);
}

int numbering__token_read_keyed(int64_t *cursor, char key[NUMBERING__TOKEN_KEY_MAX + 1], int *has_key,
                                const numbering_store *store, const char *text,
                                const unsigned char digest[NUMBERING__TOKEN_DIGEST_BYTES], const char *field,
                                const char *bound_to)
{
	unsigned char token[TOKEN_BYTES_MAX];
	size_t len = 0, body = 0, key_len = 0;
	char quoted[NUMBERING__QUOTE_SIZE];
	/* Only the exact text this store issued: libsodium 1.0.18 decodes bytes >= 0x80 as
	 * base64 digits, so an altered token could decode to the real one (fuzz-page-token). */
	char canonical[NUMBERING__TOKEN_TEXT_MAX];
	size_t text_len = strlen(text);
	int ok = text_len < NUMBERING__TOKEN_TEXT_MAX &&
	         sodium_base642bin(token, sizeof(token), text, text_len, NULL, &len, NULL,
	                           sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0 &&
	         len >= TOKEN_HEAD + crypto_auth_BYTES;
	if (ok && token[0] == 1) {
		body = TOKEN_HEAD;
	} else if (ok && token[0] == 2 && len >= TOKEN_HEAD + 2 + crypto_auth_BYTES) {
		key_len = (size_t)token[TOKEN_HEAD] << 8 | token[TOKEN_HEAD + 1];
		body = TOKEN_HEAD + 2 + key_len;
	} else {
		ok = 0;
	}
	ok = ok && len == body + crypto_auth_BYTES &&
	     strcmp(sodium_bin2base64(canonical, sizeof(canonical), token, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
	            text) == 0 &&
	     crypto_auth_verify(token + body, token, body, store->token_key) == 0;
	if (!ok)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "page token \"%s\" was not issued by this store or was altered",
		                              numbering__quote(quoted, text, text_len));
	/* A keyed token where the listing takes none, or the reverse: another listing's. */
	if (sodium_memcmp(token + 9, digest, NUMBERING__TOKEN_DIGEST_BYTES) != 0 || (key == NULL && token[0] == 2))
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "page token was issued for a different %s",
		                              bound_to);
	uint64_t v = 0;
	for (int i = 1; i <= 8; i++)
		v = v << 8 | token[i];
	*cursor = (int64_t)v;
	if (key != NULL) {
		memcpy(key, token + TOKEN_HEAD + 2, key_len);
		key[key_len] = '\0';
		*has_key = token[0] == 2;
	}
	return NUMBERING_OK;
}

int numbering__token_read(int64_t *cursor, const numbering_store *store, const char *text,
                          const unsigned char digest[NUMBERING__TOKEN_DIGEST_BYTES], const char *field, const char *bound_to)
{
	return numbering__token_read_keyed(cursor, NULL, NULL, store, text, digest, field, bound_to);
}

const char *numbering__page_id_of(const char *name)
{
	const char *slash = strrchr(name, '/');
	return slash != NULL ? slash + 1 : name;
}

int numbering__page_args(struct numbering__page_cursor *c, const numbering_store *store, int page_size, int max,
                         const char *page_token, const unsigned char digest[NUMBERING__TOKEN_DIGEST_BYTES],
                         const char *bound_to)
{
	memset(c, 0, sizeof(*c));
	if (page_size < 0 || page_size > max)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "pageSize", "pageSize %d is not 1 to %d", page_size,
		                              max);
	if (page_token == NULL || page_token[0] == '\0')
		return NUMBERING_OK;
	c->has = 1;
	return numbering__token_read_keyed(&c->key, c->id, &c->has_id, store, page_token, digest, "pageToken", bound_to);
}

void numbering__page_query(numbering_record_query *q, const struct numbering__page_cursor *c)
{
	/* From the cursor's key on, its ties included: the visitor skips those shown. A
	 * store's keys are times, well inside int64. */
	q->has_after = c->has;
	if (q->order == NUMBERING_RECORD_ORDER_ASCENDING)
		q->after = c->key > INT64_MIN ? c->key - 1 : c->key;
	else
		q->after = c->key < INT64_MAX ? c->key + 1 : c->key;
}

int numbering__page_skip(int *skip, struct numbering__page_cursor *c, const numbering_record *record)
{
	*skip = c->has && record->sort_key == c->key;
	if (!*skip)
		return NUMBERING_OK;
	if (c->has_id) {
		*skip = strcmp(numbering__page_id_of(record->name), c->id) <= 0;
		return NUMBERING_OK;
	}
	/* A token of the key alone, issued before tokens named the id: the page before
	 * ended at a record of this key. One record of it was that one; of two, the
	 * token cannot tell which were shown. */
	if (++c->ties > 1)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "pageToken",
		                              "page token is of an earlier version and ends among records of one time: "
		                              "list again from the first page");
	return NUMBERING_OK;
}
