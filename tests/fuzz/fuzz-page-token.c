/*
 * fuzz-page-token: ListPhoneNumberInstances with arbitrary page tokens.
 *
 * The store (memory backend, fake clock, deterministic random source so its token key
 * is the same in every run) is seeded once with instances in two projects: single
 * numbers, a range, deleted ones. Input: one flags byte, then the page token (up to
 * the first NUL). Flags: bit 0 include_deleted, bit 1 prefix "+6125", bit 2 parent
 * projects/p2, bits 3-5 the page size (0, 1, 2, 3, 10, 100, 1000, -1), bit 6 starts
 * from a token this store issued for the same request, with the input's bytes written
 * over it (pairs of position and byte), so altered real tokens are explored.
 *
 * NUMBERING_FUZZ_VERBOSE=1 in the environment prints each token and the next one.
 *
 * Properties: a token that is not the store's own is INVALID_ARGUMENT; a listing that
 * succeeds is in strictly descending create time, and following its tokens visits
 * every instance at most once and stops.
 */
#include <numbering/numbering.h>

#include "fuzz.h"

static numbering_store *store;
static int64_t now = INT64_C(1767225600000000000);

static int64_t fake_clock(void *payload)
{
	(void)payload;
	return now += 1000000000;
}

static void create(const char *parent, const char *id, const char *number)
{
	numbering_instance *request = NULL, *created = NULL;
	if (numbering_instance_new(&request) != NUMBERING_OK ||
	    numbering_instance_set_phone_number(request, number) != NUMBERING_OK ||
	    numbering_store_create(&created, store, NULL, parent, request, id, NULL, NULL) != NUMBERING_OK)
		abort();
	numbering_instance_free(request);
	numbering_instance_free(created);
}

static void seed(void)
{
	fuzz_random_install();
	fuzz_random_reset();
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.clock = fake_clock;
	options.default_region = "AU";
	if (numbering_store_open(&store, &options) != NUMBERING_OK)
		abort();
	char id[64], number[32];
	for (int i = 0; i < 25; i++) {
		snprintf(id, sizeof(id), "n%02d", i);
		snprintf(number, sizeof(number), "+612555010%02d", i);
		create("projects/p1", id, number);
	}
	create("projects/p1", "block", "+61255501100-99");
	create("projects/p1", "sydney-mobile", "+61412345678");
	create("projects/p2", "elsewhere", "+442079460000");
	create("projects/p2", "us", "+12025550134");
	for (int i = 0; i < 5; i++) {
		snprintf(id, sizeof(id), "projects/p1/phoneNumberInstances/n%02d", i * 5);
		numbering_instance *deleted = NULL;
		if (numbering_store_delete(&deleted, store, NULL, id) != NUMBERING_OK)
			abort();
		numbering_instance_free(deleted);
	}
}

static numbering_list_request *request_for(uint8_t flags)
{
	static const int sizes[] = {0, 1, 2, 3, 10, 100, 1000, -1};
	numbering_list_request *request = NULL;
	if (numbering_list_request_new(&request) != NUMBERING_OK ||
	    numbering_list_request_set_parent(request, flags & 4 ? "projects/p2" : "projects/p1") != NUMBERING_OK ||
	    numbering_list_request_set_include_deleted(request, flags & 1) != NUMBERING_OK ||
	    numbering_list_request_set_prefix(request, flags & 2 ? "+6125" : NULL) != NUMBERING_OK ||
	    numbering_list_request_set_page_size(request, sizes[(flags >> 3) & 7]) != NUMBERING_OK)
		abort();
	return request;
}

/* Follows the pages from @page; checks the order and that the walk ends. */
static void walk(numbering_list_request *request, numbering_list_page *page)
{
	int64_t last = INT64_MAX;
	for (int pages = 0; page != NULL; pages++) {
		FUZZ_CHECK(pages <= 64);
		for (int i = 0; i < numbering_list_page_count(page); i++) {
			int64_t t = numbering_instance_create_time(numbering_list_page_instance(page, i));
			FUZZ_CHECK(t < last);
			last = t;
		}
		const char *token = numbering_list_page_next_token(page);
		numbering_list_page *next = NULL;
		if (token[0] != '\0') {
			FUZZ_CHECK(numbering_list_request_set_page_token(request, token) == NUMBERING_OK);
			FUZZ_CHECK(numbering_store_list(&next, store, NULL, request) == NUMBERING_OK);
		}
		numbering_list_page_free(page);
		page = next;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (store == NULL)
		seed();
	if (size < 1)
		return 0;
	uint8_t flags = data[0];
	data++, size--;
	numbering_list_request *request = request_for(flags);
	char *token = NULL;
	int altered = 0;
	if (flags & 64) {
		/* A real token for this request (the first page's next token), then altered. */
		numbering_list_page *first = NULL;
		numbering_list_request *one = request_for((uint8_t)((flags & 7) | (1 << 3)));
		if (numbering_store_list(&first, store, NULL, one) == NUMBERING_OK)
			token = strdup(numbering_list_page_next_token(first));
		numbering_list_page_free(first);
		numbering_list_request_free(one);
		if (token == NULL)
			abort();
		char *original = strdup(token);
		if (original == NULL)
			abort();
		size_t len = strlen(token);
		for (size_t i = 0; i + 1 < size && len > 0; i += 2)
			token[data[i] % len] = data[i + 1] ? (char)data[i + 1] : 'A';
		altered = strcmp(token, original) != 0;
		free(original);
	} else {
		token = fuzz_string(data, size);
		if (token == NULL)
			abort();
		altered = 1;
	}
	FUZZ_CHECK(numbering_list_request_set_page_token(request, token) == NUMBERING_OK);
	numbering_list_page *page = NULL;
	int rc = numbering_store_list(&page, store, NULL, request);
	if (getenv("NUMBERING_FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "flags 0x%02x token \"%s\" -> %d, next \"%s\"\n", flags, token, rc,
		        rc == NUMBERING_OK ? numbering_list_page_next_token(page) : "");
	if (rc == NUMBERING_OK)
		walk(request, page);
	else
		FUZZ_CHECK(rc == NUMBERING_INVALID_ARGUMENT);
	/* A real token with a byte changed must not be accepted. */
	if ((flags & 64) && altered)
		FUZZ_CHECK(rc == NUMBERING_INVALID_ARGUMENT);
	free(token);
	numbering_list_request_free(request);
	return 0;
}
