/* ListPhoneNumberInstances: order, paging, tokens, prefixes, deleted instances. */
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "model/kinds.h"
#include "service/service.h"
#include "page-walk.h"
#include "store-fixture.h"
#include "stored-records.h"
#include "suites.h"

#define P1 "projects/p1"

static numbering_list_request *req;

static void setup(void)
{
	fixture_open(NULL);
	ck_assert_int_eq(numbering_list_request_new(&req), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_request_set_parent(req, P1), NUMBERING_OK);
}

static void teardown(void)
{
	numbering_list_request_free(req);
	fixture_close();
}

/* Creates @n single numbers +6125550{1000+i} named n0..n{n-1}. */
static void create_many(int n)
{
	for (int i = 0; i < n; i++) {
		char id[16], number[20];
		snprintf(id, sizeof(id), "n%d", i);
		snprintf(number, sizeof(number), "+612555%05d", 10000 + i);
		numbering_instance_free(fixture_create(P1, id, number));
	}
}

static numbering_list_page *list_ok(void)
{
	numbering_list_page *page = NULL;
	int rc = numbering_store_list(&page, fx.store, NULL, req);
	ck_assert_msg(rc == NUMBERING_OK, "list: %s", numbering_error_message());
	return page;
}

START_TEST(newest_first_with_default_page_size)
{
	create_many(25);
	numbering_list_page *page = list_ok();
	ck_assert_int_eq(numbering_list_page_count(page), 10);
	ck_assert_str_eq(numbering_instance_name(numbering_list_page_instance(page, 0)),
	                 "projects/p1/phoneNumberInstances/n24");
	for (int i = 1; i < 10; i++)
		ck_assert_int_gt(numbering_instance_create_time(numbering_list_page_instance(page, i - 1)),
		                 numbering_instance_create_time(numbering_list_page_instance(page, i)));
	ck_assert_str_ne(numbering_list_page_next_token(page), "");
	ck_assert_ptr_null(numbering_list_page_instance(page, 10));
	numbering_list_page_free(page);
}
END_TEST

START_TEST(pages_cover_everything_once)
{
	create_many(25);
	ck_assert_int_eq(numbering_list_request_set_page_size(req, 7), NUMBERING_OK);
	int seen = 0, pages = 0;
	int64_t last = INT64_MAX;
	for (;;) {
		numbering_list_page *page = list_ok();
		pages++;
		for (int i = 0; i < numbering_list_page_count(page); i++) {
			int64_t t = numbering_instance_create_time(numbering_list_page_instance(page, i));
			ck_assert_int_lt(t, last);
			last = t;
			seen++;
		}
		char token[256];
		snprintf(token, sizeof(token), "%s", numbering_list_page_next_token(page));
		numbering_list_page_free(page);
		if (token[0] == '\0')
			break;
		ck_assert_int_eq(numbering_list_request_set_page_token(req, token), NUMBERING_OK);
	}
	ck_assert_int_eq(seen, 25);
	ck_assert_int_eq(pages, 4);
}
END_TEST

START_TEST(page_size_limits)
{
	create_many(120);
	ck_assert_int_eq(numbering_list_request_set_page_size(req, 1000), NUMBERING_OK);
	numbering_list_page *page = list_ok();
	ck_assert_int_eq(numbering_list_page_count(page), 100);
	numbering_list_page_free(page);
	ck_assert_int_eq(numbering_list_request_set_page_size(req, -1), NUMBERING_OK);
	fixture_expect_error(numbering_store_list(&page, fx.store, NULL, req), NUMBERING_INVALID_ARGUMENT, "negative");
	ck_assert_str_eq(numbering_error_violation_field(0), "page_size");
	ck_assert_ptr_null(page);
}
END_TEST

START_TEST(tokens_are_authenticated_and_bound)
{
	create_many(15);
	numbering_list_page *page = list_ok(), *other = NULL;
	char token[256];
	snprintf(token, sizeof(token), "%s", numbering_list_page_next_token(page));
	numbering_list_page_free(page);

	/* Altered: flip one character. */
	char altered[256];
	snprintf(altered, sizeof(altered), "%s", token);
	altered[5] = altered[5] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(numbering_list_request_set_page_token(req, altered), NUMBERING_OK);
	fixture_expect_error(numbering_store_list(&other, fx.store, NULL, req), NUMBERING_INVALID_ARGUMENT,
	                     "not issued by this store or was altered");
	ck_assert_str_eq(numbering_error_violation_field(0), "page_token");
	/* Forged: not base64, too short, empty-looking garbage. */
	const char *forged[] = {"hello", "AAAA", "!!!!", "eyJjcmVhdGVkQmVmb3JlIjowfQ"};
	for (size_t i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
		ck_assert_int_eq(numbering_list_request_set_page_token(req, forged[i]), NUMBERING_OK);
		ck_assert_int_eq(numbering_store_list(&other, fx.store, NULL, req), NUMBERING_INVALID_ARGUMENT);
	}
	/* Reused with another filter or parent. */
	ck_assert_int_eq(numbering_list_request_set_page_token(req, token), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_request_set_include_deleted(req, 1), NUMBERING_OK);
	fixture_expect_error(numbering_store_list(&other, fx.store, NULL, req), NUMBERING_INVALID_ARGUMENT,
	                     "different parent, prefix or include_deleted");
	ck_assert_int_eq(numbering_list_request_set_include_deleted(req, 0), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_request_set_prefix(req, "+61"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_list(&other, fx.store, NULL, req), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_list_request_set_prefix(req, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_request_set_parent(req, "projects/p2"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_list(&other, fx.store, NULL, req), NUMBERING_INVALID_ARGUMENT);
	/* A different page size is fine. */
	ck_assert_int_eq(numbering_list_request_set_parent(req, P1), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_request_set_page_size(req, 3), NUMBERING_OK);
	other = list_ok();
	ck_assert_int_eq(numbering_list_page_count(other), 3);
	numbering_list_page_free(other);
	/* Another store (another key) refuses it. */
	numbering_store *second = NULL;
	ck_assert_int_eq(numbering_store_open(&second, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_list(&other, second, NULL, req), NUMBERING_INVALID_ARGUMENT);
	numbering_store_close(second);
}
END_TEST

START_TEST(prefix_in_e164_and_national_form)
{
	numbering_instance_free(fixture_create(P1, "syd", "+61255501100"));
	numbering_instance_free(fixture_create(P1, "mel", "+61355501100"));
	numbering_instance_free(fixture_create(P1, "block", "+61255509000-99"));
	numbering_instance_free(fixture_create(P1, "us", "+12025550134"));
	struct {
		const char *prefix;
		int count;
	} cases[] = {{"+612", 2}, {"02", 2}, {"+6125550900", 1}, {"+61255509050", 1}, {"03", 1}, {"+61", 3},
	             {"+1", 1},   {"+7", 0}, {"+612555091", 0},  {"+612555011001", 0}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(numbering_list_request_set_prefix(req, cases[i].prefix), NUMBERING_OK);
		numbering_list_page *page = list_ok();
		ck_assert_msg(numbering_list_page_count(page) == cases[i].count, "prefix %s: %d, want %d", cases[i].prefix,
		              numbering_list_page_count(page), cases[i].count);
		numbering_list_page_free(page);
	}
	numbering_list_page *page = NULL;
	ck_assert_int_eq(numbering_list_request_set_prefix(req, "+61x"), NUMBERING_OK);
	fixture_expect_error(numbering_store_list(&page, fx.store, NULL, req), NUMBERING_INVALID_ARGUMENT, "prefix");
	ck_assert_str_eq(numbering_error_violation_field(0), "prefix");
	ck_assert_int_eq(numbering_list_request_set_prefix(req, "025"), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_request_set_region(req, "US"), NUMBERING_OK);
	page = list_ok(); /* 025 in the US is +1025...: nothing */
	ck_assert_int_eq(numbering_list_page_count(page), 0);
	numbering_list_page_free(page);
}
END_TEST

START_TEST(deleted_only_when_asked)
{
	create_many(3);
	numbering_instance *out = NULL;
	ck_assert_int_eq(numbering_store_delete(&out, fx.store, NULL, "projects/p1/phoneNumberInstances/n1"),
	                 NUMBERING_OK);
	numbering_instance_free(out);
	numbering_list_page *page = list_ok();
	ck_assert_int_eq(numbering_list_page_count(page), 2);
	numbering_list_page_free(page);
	ck_assert_int_eq(numbering_list_request_set_include_deleted(req, 1), NUMBERING_OK);
	page = list_ok();
	ck_assert_int_eq(numbering_list_page_count(page), 3);
	numbering_list_page_free(page);
}
END_TEST

START_TEST(bad_parent)
{
	numbering_list_page *page = NULL;
	ck_assert_int_eq(numbering_list_request_set_parent(req, "projects/"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_list(&page, fx.store, NULL, req), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "parent");
	ck_assert_int_eq(numbering_store_list(&page, fx.store, NULL, NULL), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_list_request_set_parent(NULL, P1), NUMBERING_INVALID_ARGUMENT);
}
END_TEST

/* ---- Issue 3: ordering, page sizes, tokens and prefixes, rule by rule ---- */

/* The names on one page of @req, newest first, joined by spaces. */
static void page_names(char *out, size_t size, numbering_list_page **next_token_page)
{
	numbering_list_page *page = list_ok();
	size_t n = 0;
	out[0] = '\0';
	for (int i = 0; i < numbering_list_page_count(page); i++) {
		const char *id = strrchr(numbering_instance_name(numbering_list_page_instance(page, i)), '/') + 1;
		n += (size_t)snprintf(out + n, size - n, "%s%s", i ? " " : "", id);
	}
	*next_token_page = page;
}

START_TEST(page_size_default_and_maximum)
{
	create_many(120);
	struct {
		int asked, got;
	} cases[] = {{0, 10}, {1, 1}, {10, 10}, {99, 99}, {100, 100}, {101, 100}, {INT32_MAX, 100}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(numbering_list_request_set_page_size(req, cases[i].asked), NUMBERING_OK);
		numbering_list_page *page = list_ok();
		ck_assert_msg(numbering_list_page_count(page) == cases[i].got, "page size %d gave %d", cases[i].asked,
		              numbering_list_page_count(page));
		ck_assert_str_ne(numbering_list_page_next_token(page), "");
		numbering_list_page_free(page);
	}
	numbering_list_page *page = NULL;
	ck_assert_int_eq(numbering_list_request_set_page_size(req, INT32_MIN), NUMBERING_OK);
	fixture_expect_error(numbering_store_list(&page, fx.store, NULL, req), NUMBERING_INVALID_ARGUMENT, "negative");
	ck_assert_ptr_null(page);
}
END_TEST

START_TEST(last_page_has_no_token)
{
	/* 20 instances in pages of 10: the second page is the last, even though it is full. */
	create_many(20);
	numbering_list_page *page = list_ok();
	char token[256];
	snprintf(token, sizeof(token), "%s", numbering_list_page_next_token(page));
	ck_assert_str_ne(token, "");
	numbering_list_page_free(page);
	ck_assert_int_eq(numbering_list_request_set_page_token(req, token), NUMBERING_OK);
	page = list_ok();
	ck_assert_int_eq(numbering_list_page_count(page), 10);
	ck_assert_str_eq(numbering_list_page_next_token(page), "");
	ck_assert_str_eq(numbering_instance_name(numbering_list_page_instance(page, 9)),
	                 "projects/p1/phoneNumberInstances/n0");
	numbering_list_page_free(page);
	/* An empty project: no instances, no token. */
	ck_assert_int_eq(numbering_list_request_set_page_token(req, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_request_set_parent(req, "projects/empty"), NUMBERING_OK);
	page = list_ok();
	ck_assert_int_eq(numbering_list_page_count(page), 0);
	ck_assert_str_eq(numbering_list_page_next_token(page), "");
	numbering_list_page_free(page);
}
END_TEST

START_TEST(newest_first_across_projects_splits_and_moves)
{
	numbering_instance_free(fixture_create(P1, "a", "+61255501000-99"));
	numbering_instance_free(fixture_create("projects/p2", "b", "+61255502000"));
	numbering_instance_free(fixture_create(P1, "c", "+61255503000"));
	numbering_instance *first = NULL, *second = NULL, *out = NULL;
	ck_assert_int_eq(numbering_store_split_range(&first, &second, fx.store, NULL, "projects/p1/phoneNumberInstances/a",
	                                             10),
	                 NUMBERING_OK);
	char split_id[32];
	snprintf(split_id, sizeof(split_id), "%s", strrchr(numbering_instance_name(second), '/') + 1);
	numbering_instance_free(first);
	numbering_instance_free(second);
	/* A moved instance keeps its create time, so it slots in by it. */
	ck_assert_int_eq(numbering_store_move(&out, fx.store, NULL, "projects/p2/phoneNumberInstances/b", P1, NULL),
	                 NUMBERING_OK);
	numbering_instance_free(out);
	numbering_instance_free(fixture_create(P1, "d", "+61255504000"));
	ck_assert_int_eq(numbering_list_request_set_page_size(req, 2), NUMBERING_OK);
	char names[256], all[512] = "", want[512];
	for (int pages = 0; pages < 10; pages++) {
		numbering_list_page *page = NULL;
		page_names(names, sizeof(names), &page);
		strcat(all, all[0] ? " " : "");
		strcat(all, names);
		char token[256];
		snprintf(token, sizeof(token), "%s", numbering_list_page_next_token(page));
		numbering_list_page_free(page);
		if (token[0] == '\0')
			break;
		ck_assert_int_eq(numbering_list_request_set_page_token(req, token), NUMBERING_OK);
	}
	snprintf(want, sizeof(want), "d %s c b a", split_id);
	ck_assert_str_eq(all, want);
}
END_TEST

START_TEST(deleted_instances_paged_only_when_asked)
{
	create_many(12);
	numbering_instance *out = NULL;
	for (int i = 0; i < 12; i += 2) {
		char name[64];
		snprintf(name, sizeof(name), "projects/p1/phoneNumberInstances/n%d", i);
		ck_assert_int_eq(numbering_store_delete(&out, fx.store, NULL, name), NUMBERING_OK);
		numbering_instance_free(out);
	}
	char names[256];
	numbering_list_page *page = NULL;
	ck_assert_int_eq(numbering_list_request_set_page_size(req, 4), NUMBERING_OK);
	page_names(names, sizeof(names), &page);
	ck_assert_str_eq(names, "n11 n9 n7 n5");
	char token[256];
	snprintf(token, sizeof(token), "%s", numbering_list_page_next_token(page));
	numbering_list_page_free(page);
	ck_assert_int_eq(numbering_list_request_set_page_token(req, token), NUMBERING_OK);
	page_names(names, sizeof(names), &page);
	ck_assert_str_eq(names, "n3 n1");
	ck_assert_str_eq(numbering_list_page_next_token(page), "");
	numbering_list_page_free(page);
	/* With deleted ones: a fresh listing (the old token is bound to include_deleted=false). */
	ck_assert_int_eq(numbering_list_request_set_include_deleted(req, 1), NUMBERING_OK);
	fixture_expect_error(numbering_store_list(&page, fx.store, NULL, req), NUMBERING_INVALID_ARGUMENT,
	                     "different parent, prefix or include_deleted");
	ck_assert_int_eq(numbering_list_request_set_page_token(req, NULL), NUMBERING_OK);
	page_names(names, sizeof(names), &page);
	ck_assert_str_eq(names, "n11 n10 n9 n8");
	ck_assert_int_eq(numbering_instance_lifecycle_state(numbering_list_page_instance(page, 1)),
	                 NUMBERING_LIFECYCLE_DELETED);
	numbering_list_page_free(page);
}
END_TEST

START_TEST(prefix_matches_ranges_containing_a_number_with_it)
{
	/* 3150..3249 crosses a prefix boundary: numbers start with 6125550315..6125550324. */
	numbering_instance_free(fixture_create(P1, "cross", "+61255503150-249"));
	numbering_instance_free(fixture_create(P1, "single", "+61255503300"));
	numbering_instance_free(fixture_create(P1, "mobile", "+61412345000-999"));
	struct {
		const char *prefix, *region, *names;
	} cases[] = {
		{"+612555032", NULL, "cross"},           /* the range's upper part */
		{"+612555031", NULL, "cross"},           /* its lower part */
		{"+6125550324", NULL, "cross"},          /* its last ten */
		{"+6125550325", NULL, ""},               /* just past it */
		{"+61255503149", NULL, ""},              /* just before it, a full number */
		{"+61255503249", NULL, "cross"},         /* its last number, a full number */
		{"+61255503150", NULL, "cross"},         /* its first */
		{"+612555033", NULL, "single"},
		{"+61255503300", NULL, "single"},
		{"+612555033000", NULL, ""},             /* longer than the number */
		{"+6125550", NULL, "single cross"},
		{"025550315", NULL, "cross"},            /* 0NSN with the default region (AU) */
		{"02 5550 32", NULL, "cross"},           /* with spaces */
		{"(02) 5550-3300", NULL, "single"},
		{"0412 345", NULL, "mobile"},
		{"04", "AU", "mobile"},
		{"0", "AU", "mobile single cross"},      /* the trunk prefix alone: all of AU */
		{"+61 4", NULL, "mobile"},
		{"+6", NULL, "mobile single cross"},
		{"+64", NULL, ""},
		{"0412", "NZ", ""},                      /* +64 412 */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(numbering_list_request_set_prefix(req, cases[i].prefix), NUMBERING_OK);
		ck_assert_int_eq(numbering_list_request_set_region(req, cases[i].region), NUMBERING_OK);
		char names[256];
		numbering_list_page *page = NULL;
		page_names(names, sizeof(names), &page);
		ck_assert_msg(strcmp(names, cases[i].names) == 0, "prefix \"%s\": \"%s\", want \"%s\"", cases[i].prefix,
		              names, cases[i].names);
		numbering_list_page_free(page);
	}
	/* Deleted ranges match only with include_deleted. */
	numbering_instance *out = NULL;
	ck_assert_int_eq(numbering_store_delete(&out, fx.store, NULL, "projects/p1/phoneNumberInstances/cross"),
	                 NUMBERING_OK);
	numbering_instance_free(out);
	ck_assert_int_eq(numbering_list_request_set_prefix(req, "+612555032"), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_request_set_region(req, NULL), NUMBERING_OK);
	char names[256];
	numbering_list_page *page = NULL;
	page_names(names, sizeof(names), &page);
	ck_assert_str_eq(names, "");
	numbering_list_page_free(page);
	ck_assert_int_eq(numbering_list_request_set_include_deleted(req, 1), NUMBERING_OK);
	page_names(names, sizeof(names), &page);
	ck_assert_str_eq(names, "cross");
	numbering_list_page_free(page);
}
END_TEST

START_TEST(prefix_errors)
{
	numbering_list_page *page = NULL;
	const char *bad[] = {"+", "abc", "+61a", "++61", "6+1", "+6125550315012345678"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(numbering_list_request_set_prefix(req, bad[i]), NUMBERING_OK);
		int rc = numbering_store_list(&page, fx.store, NULL, req);
		ck_assert_msg(rc == NUMBERING_INVALID_ARGUMENT, "prefix %s gave %s", bad[i], numbering_status_name(rc));
		ck_assert_str_eq(numbering_error_violation_field(0), "prefix");
		ck_assert_ptr_null(page);
	}
	/* A national prefix needs a region: none in the request and none in the store. */
	numbering_store *bare = NULL;
	ck_assert_int_eq(numbering_store_open(&bare, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_request_set_prefix(req, "025"), NUMBERING_OK);
	fixture_expect_error(numbering_store_list(&page, bare, NULL, req), NUMBERING_INVALID_ARGUMENT, "give a region");
	ck_assert_int_eq(numbering_list_request_set_region(req, "ZZ"), NUMBERING_OK);
	fixture_expect_error(numbering_store_list(&page, bare, NULL, req), NUMBERING_INVALID_ARGUMENT, "ZZ");
	ck_assert_str_eq(numbering_error_violation_field(0), "region_code");
	ck_assert_int_eq(numbering_list_request_set_region(req, "AU"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_list(&page, bare, NULL, req), NUMBERING_OK);
	numbering_list_page_free(page);
	numbering_store_close(bare);
}
END_TEST

START_TEST(token_bound_to_filter_not_its_spelling)
{
	for (int i = 0; i < 15; i++) {
		char id[16], number[32];
		snprintf(id, sizeof(id), "n%d", i);
		snprintf(number, sizeof(number), "+612555%05d", 30000 + i);
		numbering_instance_free(fixture_create(P1, id, number));
	}
	ck_assert_int_eq(numbering_list_request_set_prefix(req, "+612555300"), NUMBERING_OK);
	numbering_list_page *page = list_ok();
	ck_assert_int_eq(numbering_list_page_count(page), 10);
	char token[256];
	snprintf(token, sizeof(token), "%s", numbering_list_page_next_token(page));
	numbering_list_page_free(page);
	/* The same prefix in 0NSN form is the same filter. */
	ck_assert_int_eq(numbering_list_request_set_prefix(req, "02 5553 00"), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_request_set_page_token(req, token), NUMBERING_OK);
	page = list_ok();
	ck_assert_int_eq(numbering_list_page_count(page), 5);
	numbering_list_page_free(page);
	/* Another prefix, none, or deleted ones: refused. */
	const char *others[] = {"+61255530", "+6125553001", NULL};
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		ck_assert_int_eq(numbering_list_request_set_prefix(req, others[i]), NUMBERING_OK);
		fixture_expect_error(numbering_store_list(&page, fx.store, NULL, req), NUMBERING_INVALID_ARGUMENT,
		                     "different parent, prefix or include_deleted");
		ck_assert_str_eq(numbering_error_violation_field(0), "page_token");
	}
	/* Every single-character change of the token is refused. */
	ck_assert_int_eq(numbering_list_request_set_prefix(req, "+612555300"), NUMBERING_OK);
	size_t len = strlen(token);
	for (size_t i = 0; i < len; i++) {
		char altered[256];
		snprintf(altered, sizeof(altered), "%s", token);
		altered[i] = altered[i] == 'x' ? 'y' : 'x';
		ck_assert_int_eq(numbering_list_request_set_page_token(req, altered), NUMBERING_OK);
		fixture_expect_error(numbering_store_list(&page, fx.store, NULL, req), NUMBERING_INVALID_ARGUMENT,
		                     "page token");
	}
	/* Truncated or extended. */
	char cut[512];
	snprintf(cut, sizeof(cut), "%.*s", (int)len - 1, token);
	ck_assert_int_eq(numbering_list_request_set_page_token(req, cut), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_list(&page, fx.store, NULL, req), NUMBERING_INVALID_ARGUMENT);
	snprintf(cut, sizeof(cut), "%sA", token);
	ck_assert_int_eq(numbering_list_request_set_page_token(req, cut), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_list(&page, fx.store, NULL, req), NUMBERING_INVALID_ARGUMENT);
	ck_assert_ptr_null(page);
}
END_TEST

/* Blocks that come back dirty, as reused heap memory does: a page's copies must not
 * rely on fresh memory being zero (a label with an empty value once read garbage). */
static void *dirty_malloc(size_t size, void *payload)
{
	(void)payload;
	void *p = malloc(size);
	if (p != NULL)
		memset(p, 0xA5, size);
	return p;
}

static void *plain_realloc(void *ptr, size_t size, void *payload)
{
	(void)payload;
	return realloc(ptr, size);
}

static void plain_free(void *ptr, void *payload)
{
	(void)payload;
	free(ptr);
}

/* Lists a labelled instance in @store with an allocator that returns dirty memory:
 * nothing of a page may rely on zeroed blocks. */
static void assert_page_from_dirty_memory(numbering_store *store)
{
	numbering_allocator dirty = {NUMBERING_ALLOCATOR_VERSION, dirty_malloc, plain_realloc, plain_free, NULL};
	ck_assert_int_eq(numbering_set_allocator(&dirty), NUMBERING_OK);
	numbering_instance *r = NULL, *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&r), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_phone_number(r, "+61255501100"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_label(r, "empty", ""), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_label(r, "site", "sydney"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_create(&out, store, NULL, "projects/p1", r, "labelled", NULL, NULL), NUMBERING_OK);
	numbering_instance_free(out);
	numbering_instance_free(r);
	numbering_list_request *list_req = NULL;
	numbering_list_page *page = NULL;
	ck_assert_int_eq(numbering_list_request_new(&list_req), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_request_set_parent(list_req, "projects/p1"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_list(&page, store, NULL, list_req), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_page_count(page), 1);
	const numbering_instance *in = numbering_list_page_instance(page, 0);
	ck_assert_int_eq(numbering_instance_label_count(in), 2);
	ck_assert_str_eq(numbering_instance_label_key(in, 0), "empty");
	ck_assert_str_eq(numbering_instance_label_value(in, 0), "");
	ck_assert_str_eq(numbering_instance_label_value(in, 1), "sydney");
	ck_assert_str_eq(numbering_instance_display_name(in), "");
	ck_assert_str_eq(numbering_instance_phone_number(in), "+61255501100");
	ck_assert_str_eq(numbering_instance_name(in), "projects/p1/phoneNumberInstances/labelled");
	char *json = NULL;
	ck_assert_int_eq(
	    numbering_store_call_json(&json, store, NULL, "ListPhoneNumberInstances", "{\"parent\":\"projects/p1\"}"),
	    NUMBERING_OK);
	ck_assert_ptr_nonnull(strstr(json, "\"labels\":{\"empty\":\"\",\"site\":\"sydney\"}"));
	numbering_free(json);
	numbering_list_page_free(page);
	numbering_list_request_free(list_req);
	ck_assert_int_eq(numbering_set_allocator(NULL), NUMBERING_OK);
}

/* The library's own backends: the store places page instances with the placer that
 * trusts their bodies' limits. */
START_TEST(page_copies_do_not_depend_on_fresh_memory)
{
	assert_page_from_dirty_memory(fx.store);
}
END_TEST

/* A store over a memory backend without control(), as a host's backend: *@b the backend
 * (the store's). */
static numbering_store *host_store(numbering_backend **b)
{
	ck_assert_int_eq(numbering_memory_backend_new(b), NUMBERING_OK);
	(*b)->control = NULL;
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.backend = *b;
	numbering_store *store = NULL;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	return store;
}

/* A backend that is not the library's own (here the memory store without its
 * control(), so it cannot say it is): the store places with the checking placer. */
START_TEST(page_copies_from_a_host_backend)
{
	numbering_backend *b = NULL;
	numbering_store *store = host_store(&b);
	assert_page_from_dirty_memory(store);
	numbering_store_close(store);
}
END_TEST

/* Copies the record @name of @kind in @b to the same name with its byte @at made 0xff
 * (as a host's backend might hand back a damaged name), the original removed. */
struct renamed {
	numbering_record r;
	char name[NUMBERING_RECORD_NAME_MAX + 1];
	char parent[NUMBERING_RECORD_NAME_MAX + 1];
	char keys[NUMBERING_RECORD_KEY_SLOTS][NUMBERING_RECORD_KEY_MAX + 1];
	uint8_t body[65536];
};

static int rename_visit(const numbering_record *record, void *payload)
{
	struct renamed *c = payload;
	ck_assert_uint_le(record->body_len, sizeof(c->body));
	c->r = *record;
	snprintf(c->name, sizeof(c->name), "%s", record->name);
	snprintf(c->parent, sizeof(c->parent), "%s", record->parent ? record->parent : "");
	c->r.name = c->name;
	c->r.parent = record->parent ? c->parent : NULL;
	for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS; i++)
		if (record->keys[i] != NULL) {
			snprintf(c->keys[i], sizeof(c->keys[i]), "%s", record->keys[i]);
			c->r.keys[i] = c->keys[i];
		}
	memcpy(c->body, record->body, record->body_len);
	c->r.body = c->body;
	return 0;
}

static void rename_not_utf8(numbering_backend *b, int kind, const char *name, size_t at)
{
	static struct renamed c;
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(b->get(b, kind, name, rename_visit, &c), NUMBERING_OK);
	c.name[at] = (char)0xff;
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_int_eq(b->remove(b, kind, name), NUMBERING_OK);
	ck_assert_int_eq(b->put(b, &c.r), NUMBERING_OK);
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
}

/* A host's backend handing back a record whose name is not UTF-8 (damaged): every read
 * meeting it is DATA_LOSS naming the record's name, for instances (the checked reader)
 * and for the other kinds (where the store takes records from a host's backend); it
 * was rendered, and json_string() refusing the name read as "out of memory". */
START_TEST(host_backend_name_not_utf8)
{
	numbering_backend *b = NULL;
	numbering_store *store = host_store(&b);
	numbering_instance_free(fixture_create_in(store, NULL, P1, "bad1", "+61255501100"));
	char *response = NULL;
	ck_assert_int_eq(numbering_store_call_json(&response, store, NULL, "AddApplication",
	                                           "{\"account_id\":\"p1\",\"application_name\":\"shop\"}"),
	                 NUMBERING_OK);
	numbering_free(response);
	const char *name = P1 "/phoneNumberInstances/bad1";
	rename_not_utf8(b, 3, name, strlen(name) - 2);
	static const char *const calls[][2] = {
		{"ListPhoneNumberInstances", "{\"parent\":\"" P1 "\"}"},
		{"GetApplications", "{\"account_id\":\"p1\"}"},
	};
	for (int i = 0; i < 2; i++) {
		if (i == 1) {
			/* The application's record, found by listing its kind. */
			numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
			q.kind = 15;
			q.parent = P1;
			static struct renamed found;
			memset(&found, 0, sizeof(found));
			ck_assert_int_eq(b->list(b, &q, rename_visit, &found), NUMBERING_OK);
			ck_assert_str_ne(found.name, "");
			rename_not_utf8(b, 15, found.name, strlen(found.name) - 1);
		}
		response = NULL;
		int rc = numbering_store_call_json(&response, store, NULL, calls[i][0], calls[i][1]);
		ck_assert_msg(rc == NUMBERING_DATA_LOSS && strstr(numbering_error_message(), "its name: it is not UTF-8") != NULL,
		              "%s: %s %s", calls[i][0], numbering_status_name(rc), numbering_error_message());
		numbering_free(response);
	}
	numbering_store_close(store);
}
END_TEST

/* A page's first block is sized for its first instance (the newest); here the newest
 * is the smallest, so older, larger ones fill it and go to further blocks, placed
 * after measuring. Every field of each equals what get() reads. */
START_TEST(page_of_instances_growing_in_size)
{
	enum { N = 60 };
	for (int i = 0; i < N; i++) {
		numbering_instance *r = NULL, *out = NULL;
		ck_assert_int_eq(numbering_instance_new(&r), NUMBERING_OK);
		char id[16], number[20], text[128], key[16], value[256];
		int size = N - 1 - i; /* the newest the smallest */
		snprintf(id, sizeof(id), "g%d", i);
		snprintf(number, sizeof(number), "+612555%05d", 20000 + i);
		ck_assert_int_eq(numbering_instance_set_phone_number(r, number), NUMBERING_OK);
		memset(text, 'd', (size_t)size);
		text[size] = '\0';
		ck_assert_int_eq(numbering_instance_set_display_name(r, text), NUMBERING_OK);
		for (int l = 0; l < size / 6; l++) {
			snprintf(key, sizeof(key), "k-%02d", l);
			memset(value, 'a' + l, (size_t)(4 * size));
			value[4 * size] = '\0';
			ck_assert_int_eq(numbering_instance_set_label(r, key, l == 1 ? "" : value), NUMBERING_OK);
		}
		ck_assert_int_eq(numbering_store_create(&out, fx.store, NULL, P1, r, id, NULL, NULL), NUMBERING_OK);
		numbering_instance_free(out);
		numbering_instance_free(r);
	}
	ck_assert_int_eq(numbering_list_request_set_page_size(req, 100), NUMBERING_OK);
	numbering_list_page *page = list_ok();
	ck_assert_int_eq(numbering_list_page_count(page), N);
	for (int i = 0; i < N; i++) {
		const numbering_instance *in = numbering_list_page_instance(page, i);
		numbering_instance *got = NULL;
		ck_assert_int_eq(numbering_store_get(&got, fx.store, NULL, numbering_instance_name(in)), NUMBERING_OK);
		char id[16];
		snprintf(id, sizeof(id), "g%d", N - 1 - i);
		ck_assert_str_eq(strrchr(numbering_instance_name(in), '/') + 1, id);
		ck_assert_str_eq(numbering_instance_phone_number(in), numbering_instance_phone_number(got));
		ck_assert_str_eq(numbering_instance_display_name(in), numbering_instance_display_name(got));
		ck_assert_int_eq(numbering_instance_create_time(in), numbering_instance_create_time(got));
		ck_assert_int_eq(numbering_instance_label_count(in), numbering_instance_label_count(got));
		ck_assert_int_eq(numbering_instance_label_count(in), i / 6);
		for (int l = 0; l < numbering_instance_label_count(in); l++) {
			ck_assert_str_eq(numbering_instance_label_key(in, l), numbering_instance_label_key(got, l));
			ck_assert_str_eq(numbering_instance_label_value(in, l), numbering_instance_label_value(got, l));
		}
		numbering_instance_free(got);
	}
	numbering_list_page_free(page);
}
END_TEST

/* The stored record of the instance named @name, encoded. */
struct kept {
	const char *name;
	uint8_t *bytes;
	size_t len;
};

static int keep_named(const numbering_record *record, void *payload)
{
	struct kept *k = payload;
	if (strcmp(record->name, k->name) == 0 && k->bytes == NULL)
		ck_assert_int_eq(numbering_record_encode(&k->bytes, &k->len, record), NUMBERING_OK);
	return 0;
}

/* Gives instance @id of P1 the create time @time in its stored record (its sort key):
 * two instances of one create time, as two processes could write them before a
 * create took its time inside its transaction. */
static void set_create_time(const char *id, int64_t time)
{
	char name[128];
	snprintf(name, sizeof(name), P1 "/phoneNumberInstances/%s", id);
	struct kept k = {name, NULL, 0};
	stored_list(fx.store, NUMBERING__KIND_INSTANCE, P1, NUMBERING_RECORD_ORDER_DESCENDING, keep_named, &k);
	ck_assert_ptr_nonnull(k.bytes);
	numbering_record r;
	ck_assert_int_eq(numbering_record_decode(&r, k.bytes, k.len), NUMBERING_OK);
	r.sort_key = time;
	numbering_backend *b = fx.store->backend;
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	numbering_free(k.bytes);
}

/* A page of P1's instances for page_walk_run(): @payload the request, its page size
 * and token set here. */
static void instances_page(struct page_walk *w, int size, const char *token, char next[PAGE_WALK_TOKEN],
                           void *payload)
{
	numbering_list_request *r = payload;
	ck_assert_int_eq(numbering_list_request_set_page_size(r, size), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_request_set_page_token(r, token), NUMBERING_OK);
	numbering_list_page *page = NULL;
	ck_assert_int_eq(numbering_store_list(&page, fx.store, NULL, r), NUMBERING_OK);
	for (int i = 0; i < numbering_list_page_count(page); i++)
		page_walk_add(w, numbering_instance_name(numbering_list_page_instance(page, i)));
	snprintf(next, PAGE_WALK_TOKEN, "%s", numbering_list_page_next_token(page));
	numbering_list_page_free(page);
}

/* Between two pages: an instance created (newer than all: before the boundary) and n4
 * deleted. */
static void create_late_delete_n4(void *payload)
{
	numbering_instance_free(fixture_create(P1, "late", "+61255519999"));
	numbering_instance *gone = NULL;
	ck_assert_int_eq(numbering_store_delete(&gone, fx.store, NULL, P1 "/phoneNumberInstances/n4"), NUMBERING_OK);
	numbering_instance_free(gone);
}

/* Instances of one create time on a page boundary: the token named the time alone, and
 * the next page started after every instance of it, so the others were on no page. */
START_TEST(instances_that_share_a_create_time_are_each_listed_once)
{
	for (int size = 1; size <= 2; size++) {
		create_many(5);
		numbering_list_page *all = list_ok();
		ck_assert_int_eq(numbering_list_page_count(all), 5);
		int64_t tie = numbering_instance_create_time(numbering_list_page_instance(all, 2)); /* n2's */
		numbering_list_page_free(all);
		set_create_time("n1", tie);
		set_create_time("n3", tie);
		/* Newest first, then by id. */
		all = list_ok();
		const char *order[] = {"n4", "n1", "n2", "n3", "n0"};
		char names[5][80];
		const char *listed[5];
		for (int i = 0; i < 5; i++) {
			snprintf(names[i], sizeof(names[i]), P1 "/phoneNumberInstances/%s", order[i]);
			listed[i] = names[i];
			ck_assert_str_eq(numbering_instance_name(numbering_list_page_instance(all, i)), names[i]);
		}
		numbering_list_page_free(all);
		numbering_list_request *r = NULL;
		ck_assert_int_eq(numbering_list_request_new(&r), NUMBERING_OK);
		ck_assert_int_eq(numbering_list_request_set_parent(r, P1), NUMBERING_OK);
		struct page_walk w;
		page_walk_run(&w, size, instances_page, create_late_delete_n4, r);
		numbering_list_request_free(r);
		/* Each once in the list's order, the late one on none (n4, deleted, on the first). */
		page_walk_check(&w, listed, 5, size);
		teardown();
		setup();
	}
}
END_TEST

Suite *list_suite(void)
{
	Suite *s = suite_create("list");
	TCase *tc = tcase_create("list");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, newest_first_with_default_page_size);
	tcase_add_test(tc, pages_cover_everything_once);
	tcase_add_test(tc, page_size_limits);
	tcase_add_test(tc, tokens_are_authenticated_and_bound);
	tcase_add_test(tc, prefix_in_e164_and_national_form);
	tcase_add_test(tc, deleted_only_when_asked);
	tcase_add_test(tc, bad_parent);
	tcase_add_test(tc, page_size_default_and_maximum);
	tcase_add_test(tc, last_page_has_no_token);
	tcase_add_test(tc, newest_first_across_projects_splits_and_moves);
	tcase_add_test(tc, deleted_instances_paged_only_when_asked);
	tcase_add_test(tc, prefix_matches_ranges_containing_a_number_with_it);
	tcase_add_test(tc, prefix_errors);
	tcase_add_test(tc, token_bound_to_filter_not_its_spelling);
	tcase_add_test(tc, page_copies_do_not_depend_on_fresh_memory);
	tcase_add_test(tc, page_copies_from_a_host_backend);
	tcase_add_test(tc, host_backend_name_not_utf8);
	tcase_add_test(tc, page_of_instances_growing_in_size);
	tcase_add_test(tc, instances_that_share_a_create_time_are_each_listed_once);
	suite_add_tcase(s, tc);
	return s;
}
