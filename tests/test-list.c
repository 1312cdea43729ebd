/* ListPhoneNumberInstances: order, paging, tokens, prefixes, deleted instances. */
#include <stdio.h>
#include <string.h>

#include "store-fixture.h"
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
	suite_add_tcase(s, tc);
	return s;
}
