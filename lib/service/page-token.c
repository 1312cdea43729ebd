/*
 * Page tokens: opaque, authenticated (crypto_auth with the store's key) and bound to
 * the request's filter by a digest, so a forged, altered or reused-with-other-filters
 * token is INVALID_ARGUMENT. A token carries one int64 cursor (a create time, an
 * offset), whatever the listing means by it.
 */
#include <string.h>

#include <sodium.h>

#include "core/error.h"
#include "service/service.h"

#define TOKEN_VERSION 1
/* version, cursor, filter digest, then the MAC over them. */
#define TOKEN_BODY (1 + 8 + NUMBERING__TOKEN_DIGEST_BYTES)
#define TOKEN_BYTES (TOKEN_BODY + crypto_auth_BYTES)

void numbering__token_make(char out[NUMBERING__TOKEN_TEXT_MAX], const numbering_store *store,
                           const unsigned char digest[NUMBERING__TOKEN_DIGEST_BYTES], int64_t cursor)
{
	unsigned char token[TOKEN_BYTES];
	token[0] = TOKEN_VERSION;
	uint64_t v = (uint64_t)cursor;
	for (int i = 8; i >= 1; i--, v >>= 8)
		token[i] = (unsigned char)(v & 0xff);
	memcpy(token + 9, digest, NUMBERING__TOKEN_DIGEST_BYTES);
	crypto_auth(token + TOKEN_BODY, token, TOKEN_BODY, store->token_key);
	sodium_bin2base64(out, NUMBERING__TOKEN_TEXT_MAX, token, sizeof(token), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int numbering__token_read(int64_t *cursor, const numbering_store *store, const char *text,
                          const unsigned char digest[NUMBERING__TOKEN_DIGEST_BYTES], const char *field, const char *bound_to)
{
	unsigned char token[TOKEN_BYTES];
	size_t len = 0;
	char quoted[NUMBERING__QUOTE_SIZE];
	/* Only the exact text this store issued: libsodium 1.0.18 decodes bytes >= 0x80 as
	 * base64 digits, so an altered token could decode to the real one (fuzz-page-token). */
	char canonical[NUMBERING__TOKEN_TEXT_MAX];
	size_t text_len = strlen(text);
	if (text_len >= NUMBERING__TOKEN_TEXT_MAX ||
	    sodium_base642bin(token, sizeof(token), text, text_len, NULL, &len, NULL,
	                      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    len != TOKEN_BYTES || token[0] != TOKEN_VERSION ||
	    strcmp(sodium_bin2base64(canonical, sizeof(canonical), token, sizeof(token),
	                             sodium_base64_VARIANT_URLSAFE_NO_PADDING),
	           text) != 0 ||
	    crypto_auth_verify(token + TOKEN_BODY, token, TOKEN_BODY, store->token_key) != 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "page token \"%s\" was not issued by this store or was altered",
		                              numbering__quote(quoted, text, text_len));
	if (sodium_memcmp(token + 9, digest, NUMBERING__TOKEN_DIGEST_BYTES) != 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "page token was issued for a different %s",
		                              bound_to);
	uint64_t v = 0;
	for (int i = 1; i <= 8; i++)
		v = v << 8 | token[i];
	*cursor = (int64_t)v;
	return NUMBERING_OK;
}

int numbering__page_args(int64_t *cursor, int *has_cursor, const numbering_store *store, int page_size, int max,
                         const char *page_token, const unsigned char digest[NUMBERING__TOKEN_DIGEST_BYTES],
                         const char *bound_to)
{
	if (page_size < 0 || page_size > max)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "pageSize", "pageSize %d is not 1 to %d", page_size,
		                              max);
	if (page_token == NULL || page_token[0] == '\0')
		return NUMBERING_OK;
	*has_cursor = 1;
	return numbering__token_read(cursor, store, page_token, digest, "pageToken", bound_to);
}
