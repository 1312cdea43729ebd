/*
 * Page tokens from hostile clients (issue 6): forged, altered, replayed with another
 * filter or parent, or taken to another store, each is INVALID_ARGUMENT with a field
 * violation on page_token, through the C API and the JSON entry point.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store-fixture.h"
#include "suites.h"

#define P1 "projects/p1"
#define TOKEN_MAX 256

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static numbering_list_request *req;
/* A real token for the second page of P1 with prefix +612555 (see setup). */
static char token[TOKEN_MAX];

/* URL-safe base64 without padding, as the store writes tokens. */
static void encode(char *out, const unsigned char *in, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < len ? (uint32_t)in[i + 1] << 8 : 0) |
		             (i + 2 < len ? in[i + 2] : 0);
		size_t chars = len - i >= 3 ? 4 : len - i + 1;
		for (size_t c = 0; c < chars; c++)
			out[n++] = alphabet[(v >> (18 - 6 * c)) & 63];
	}
	out[n] = '\0';
}

static size_t decode(unsigned char *out, const char *in)
{
	size_t len = strlen(in), n = 0;
	uint32_t v = 0;
	int bits = 0;
	for (size_t i = 0; i < len; i++) {
		v = v << 6 | (uint32_t)(strchr(alphabet, in[i]) - alphabet);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(v >> bits);
		}
	}
	return n;
}

static void setup(void)
{
	fixture_open(NULL);
	for (int i = 0; i < 15; i++) {
		char id[16], number[32];
		snprintf(id, sizeof(id), "n%d", i);
		snprintf(number, sizeof(number), "+612555%05d", 10000 + i);
		numbering_instance_free(fixture_create(P1, id, number));
	}
	ck_assert_int_eq(numbering_list_request_new(&req), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_request_set_parent(req, P1), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_request_set_prefix(req, "+612555"), NUMBERING_OK);
	numbering_list_page *page = NULL;
	ck_assert_int_eq(numbering_store_list(&page, fx.store, NULL, req), NUMBERING_OK);
	snprintf(token, sizeof(token), "%s", numbering_list_page_next_token(page));
	ck_assert_str_ne(token, "");
	numbering_list_page_free(page);
}

static void teardown(void)
{
	numbering_list_request_free(req);
	fixture_close();
}

/* Lists with @text as the token on @store; asserts it is refused as a page token. */
static void expect_refused_on(numbering_store *store, const char *text, const char *why)
{
	numbering_list_page *page = NULL;
	ck_assert_int_eq(numbering_list_request_set_page_token(req, text), NUMBERING_OK);
	int rc = numbering_store_list(&page, store, NULL, req);
	ck_assert_msg(rc == NUMBERING_INVALID_ARGUMENT, "%s: token \"%s\" gave %s", why, text, numbering_status_name(rc));
	ck_assert_int_ge(numbering_error_violation_count(), 1);
	ck_assert_str_eq(numbering_error_violation_field(0), "page_token");
	ck_assert_ptr_null(page);
}

static void expect_refused(const char *text, const char *why)
{
	expect_refused_on(fx.store, text, why);
}

/* The real token works: the tests below would pass vacuously otherwise. */
static void expect_accepted(void)
{
	numbering_list_page *page = NULL;
	ck_assert_int_eq(numbering_list_request_set_page_token(req, token), NUMBERING_OK);
	int rc = numbering_store_list(&page, fx.store, NULL, req);
	ck_assert_msg(rc == NUMBERING_OK, "%s", numbering_error_message());
	ck_assert_int_eq(numbering_list_page_count(page), 5);
	numbering_list_page_free(page);
}

START_TEST(forged)
{
	expect_accepted();
	unsigned char bytes[TOKEN_MAX];
	size_t real_len = decode(bytes, token);
	srand(6);
	/* Random bytes of every length up to well past a real token, and many of exactly
	 * its length, some starting with its version byte. */
	for (int round = 0; round < 400; round++) {
		size_t len = round < 100 ? (size_t)round : real_len;
		for (size_t i = 0; i < len; i++)
			bytes[i] = (unsigned char)(rand() & 0xff);
		if (round % 2 == 0 && len > 0)
			bytes[0] = 1;
		char text[TOKEN_MAX * 2];
		encode(text, bytes, len);
		if (text[0] != '\0')
			expect_refused(text, "forged");
	}
	const char *junk[] = {"hello", "!!!!", "====", " ", "\t", "a b", "A", "AAAA", "AAAA====", "%41%41"};
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		expect_refused(junk[i], "junk");
}
END_TEST

/* Every single-character substitution of the token, by every other base64 digit. */
START_TEST(altered_characters)
{
	size_t len = strlen(token);
	for (size_t i = 0; i < len; i++) {
		for (const char *c = alphabet; *c != '\0'; c++) {
			if (*c == token[i])
				continue;
			char altered[TOKEN_MAX];
			snprintf(altered, sizeof(altered), "%s", token);
			altered[i] = *c;
			expect_refused(altered, "altered character");
		}
	}
	expect_accepted();
}
END_TEST

/* Every single-bit change of the token's bytes, re-encoded canonically so that only
 * the authentication can catch it. */
START_TEST(altered_bits)
{
	unsigned char bytes[TOKEN_MAX];
	size_t len = decode(bytes, token);
	ck_assert_uint_gt(len, 16);
	for (size_t i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			char altered[TOKEN_MAX];
			bytes[i] ^= (unsigned char)(1u << bit);
			encode(altered, bytes, len);
			bytes[i] ^= (unsigned char)(1u << bit);
			expect_refused(altered, "flipped bit");
		}
	}
	/* Truncated, extended, padded. */
	char text[TOKEN_MAX + 8];
	snprintf(text, sizeof(text), "%.*s", (int)strlen(token) - 1, token);
	expect_refused(text, "truncated");
	snprintf(text, sizeof(text), "%sA", token);
	expect_refused(text, "extended");
	snprintf(text, sizeof(text), "%s=", token);
	expect_refused(text, "padded");
	snprintf(text, sizeof(text), " %s", token);
	expect_refused(text, "leading space");
	expect_accepted();
}
END_TEST

/* The fixed bug: libsodium 1.0.18 decodes every byte >= 0x80 as the base64 digit '_',
 * so a token with such a byte in place of a '_' decoded to the real token and was
 * accepted. Every high byte at every position of tokens for each page size (their '_'s
 * fall in different places) is refused. */
START_TEST(high_bit_bytes)
{
	int aliases = 0;
	for (int size = 1; size < 15; size++) {
		numbering_list_page *page = NULL;
		char real[TOKEN_MAX];
		ck_assert_int_eq(numbering_list_request_set_page_token(req, NULL), NUMBERING_OK);
		ck_assert_int_eq(numbering_list_request_set_page_size(req, size), NUMBERING_OK);
		ck_assert_int_eq(numbering_store_list(&page, fx.store, NULL, req), NUMBERING_OK);
		snprintf(real, sizeof(real), "%s", numbering_list_page_next_token(page));
		numbering_list_page_free(page);
		for (size_t i = 0; real[i] != '\0'; i++) {
			aliases += real[i] == '_';
			for (int byte = 0x80; byte <= 0xff; byte++) {
				char altered[TOKEN_MAX];
				snprintf(altered, sizeof(altered), "%s", real);
				altered[i] = (char)byte;
				expect_refused(altered, "high-bit byte");
			}
		}
	}
	/* The case that was accepted did come up (odds of not: about 1e-7). */
	ck_assert_int_gt(aliases, 0);
	/* Also appended and inserted, where a lenient decoder would skip them. */
	char text[TOKEN_MAX + 8];
	snprintf(text, sizeof(text), "%s\x80", token);
	expect_refused(text, "appended high-bit byte");
	snprintf(text, sizeof(text), "%.10s\xc3\xa9%s", token, token + 10);
	expect_refused(text, "inserted UTF-8");
	ck_assert_int_eq(numbering_list_request_set_page_size(req, 0), NUMBERING_OK);
	expect_accepted();
}
END_TEST

/* A token is bound to the parent and the filter (prefix as digits, include_deleted):
 * any other is refused. The page size is not part of it (docs/CONCEPTS.md#paging). */
START_TEST(replayed_with_other_request)
{
	static const struct {
		const char *parent, *prefix, *region;
		int include_deleted;
		const char *why;
	} others[] = {
		{"projects/p2", "+612555", NULL, 0, "other parent"},
		{P1, "+61255", NULL, 0, "shorter prefix"},
		{P1, "+6125551", NULL, 0, "longer prefix"},
		{P1, NULL, NULL, 0, "no prefix"},
		{P1, "+612555", NULL, 1, "include_deleted"},
		{P1, "02555", "NZ", 0, "same text, other region"},
	};
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		ck_assert_int_eq(numbering_list_request_set_parent(req, others[i].parent), NUMBERING_OK);
		ck_assert_int_eq(numbering_list_request_set_prefix(req, others[i].prefix), NUMBERING_OK);
		ck_assert_int_eq(numbering_list_request_set_region(req, others[i].region), NUMBERING_OK);
		ck_assert_int_eq(numbering_list_request_set_include_deleted(req, others[i].include_deleted), NUMBERING_OK);
		expect_refused(token, others[i].why);
		ck_assert_msg(strstr(numbering_error_message(), "different parent, prefix or include_deleted") != NULL, "%s",
		              numbering_error_message());
	}
	/* The same filter spelled nationally, and another page size: accepted. */
	ck_assert_int_eq(numbering_list_request_set_parent(req, P1), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_request_set_prefix(req, "02555"), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_request_set_region(req, "AU"), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_request_set_include_deleted(req, 0), NUMBERING_OK);
	expect_accepted();
	ck_assert_int_eq(numbering_list_request_set_page_size(req, 3), NUMBERING_OK);
	numbering_list_page *page = NULL;
	ck_assert_int_eq(numbering_store_list(&page, fx.store, NULL, req), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_page_count(page), 3);
	numbering_list_page_free(page);
}
END_TEST

/* Another store has another key: a token is refused there even with the same
 * instances, parent and filter. */
START_TEST(other_store)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.default_region = "AU";
	numbering_store *other = NULL;
	ck_assert_int_eq(numbering_store_open(&other, &options), NUMBERING_OK);
	for (int i = 0; i < 15; i++) {
		char id[16], number[32];
		numbering_instance *request = NULL, *out = NULL;
		snprintf(id, sizeof(id), "n%d", i);
		snprintf(number, sizeof(number), "+612555%05d", 10000 + i);
		ck_assert_int_eq(numbering_instance_new(&request), NUMBERING_OK);
		ck_assert_int_eq(numbering_instance_set_phone_number(request, number), NUMBERING_OK);
		ck_assert_int_eq(numbering_store_create(&out, other, NULL, P1, request, id, NULL, NULL), NUMBERING_OK);
		numbering_instance_free(out);
		numbering_instance_free(request);
	}
	expect_refused_on(other, token, "other store");
	ck_assert_msg(strstr(numbering_error_message(), "not issued by this store") != NULL, "%s",
	              numbering_error_message());
	/* And the other store's own token is refused here. */
	numbering_list_page *page = NULL;
	ck_assert_int_eq(numbering_list_request_set_page_token(req, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_list(&page, other, NULL, req), NUMBERING_OK);
	char theirs[TOKEN_MAX];
	snprintf(theirs, sizeof(theirs), "%s", numbering_list_page_next_token(page));
	numbering_list_page_free(page);
	ck_assert_str_ne(theirs, token);
	expect_refused(theirs, "token of another store");
	numbering_store_close(other);
	expect_accepted();
}
END_TEST

/* The JSON entry point refuses the same way: 400 with a violation on page_token. */
START_TEST(through_json)
{
	char altered[TOKEN_MAX];
	snprintf(altered, sizeof(altered), "%s", token);
	altered[3] = altered[3] == 'Q' ? 'R' : 'Q';
	static const struct {
		const char *format;
		int use_real;
	} requests[] = {
		{"{\"parent\":\"projects/p1\",\"prefix\":\"+612555\",\"pageToken\":\"%s\"}", 0},
		{"{\"parent\":\"projects/p1\",\"prefix\":\"+612555\",\"includeDeleted\":true,\"pageToken\":\"%s\"}", 1},
		{"{\"parent\":\"projects/p2\",\"prefix\":\"+612555\",\"pageToken\":\"%s\"}", 1},
		{"{\"parent\":\"projects/p1\",\"pageToken\":\"%s\"}", 1},
		{"{\"parent\":\"projects/p1\",\"prefix\":\"+612555\",\"pageToken\":\"%s\\u0080\"}", 1},
	};
	for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
		char json[512], *response = NULL;
		snprintf(json, sizeof(json), requests[i].format, requests[i].use_real ? token : altered);
		int rc = numbering_store_call_json(&response, fx.store, NULL, "ListPhoneNumberInstances", json);
		ck_assert_msg(rc == NUMBERING_INVALID_ARGUMENT, "%s: %s", json, response);
		ck_assert_msg(strstr(response, "\"field\":\"page_token\"") != NULL, "%s", response);
		numbering_free(response);
	}
	char json[512], *response = NULL;
	snprintf(json, sizeof(json), requests[0].format, token);
	ck_assert_int_eq(numbering_store_call_json(&response, fx.store, NULL, "ListPhoneNumberInstances", json),
	                 NUMBERING_OK);
	numbering_free(response);
}
END_TEST

Suite *page_token_suite(void)
{
	Suite *s = suite_create("page_token");
	TCase *tc = tcase_create("page_token");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, forged);
	tcase_add_test(tc, altered_characters);
	tcase_add_test(tc, altered_bits);
	tcase_add_test(tc, high_bit_bytes);
	tcase_add_test(tc, replayed_with_other_request);
	tcase_add_test(tc, other_store);
	tcase_add_test(tc, through_json);
	suite_add_tcase(s, tc);
	return s;
}
