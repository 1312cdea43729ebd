/* Active numbers: rent with configuration, get, update, release and its expiry, list (numbering/active.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <numbering/sys/file.h>

#include "store-fixture.h"
#include "suites.h"
#include "temp-dir.h"
#include "top-up.h"

#define NS INT64_C(1000000000)
#define DAY (86400 * NS)

static void import(numbering_store *store, const char *text, const char *region, int type, int caps, int docs)
{
	numbering_available_number *n = NULL;
	ck_assert_int_eq(numbering_available_number_new(&n), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_numbers(n, text, NULL), NUMBERING_OK);
	if (region)
		ck_assert_int_eq(numbering_available_number_set_region_code(n, region), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_type(n, type), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_int(n, "capability", caps), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_int(n, "supportingDocumentationRequired", docs), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_money(n, "monthlyPrice", "USD", 200), NUMBERING_OK);
	const numbering_available_number *items[] = {n};
	ck_assert_int_eq(numbering_store_import_available(NULL, store, NULL, items, 1), NUMBERING_OK);
	numbering_available_number_free(n);
	top_up(store, "projects/p1", "USD", 1000000); /* a rent charges the account (issue 13) */
}

#define SMS_VOICE (NUMBERING_CAPABILITY_SMS | NUMBERING_CAPABILITY_VOICE)

static numbering_active_request *request_of(const char *const *pairs)
{
	numbering_active_request *r = NULL;
	ck_assert_int_eq(numbering_active_request_new(&r), NUMBERING_OK);
	for (int i = 0; pairs[i] != NULL; i += 2)
		ck_assert_int_eq(numbering_active_request_set(r, pairs[i], pairs[i + 1]), NUMBERING_OK);
	return r;
}

static numbering_active_number *rent(const char *number, const char *const *pairs)
{
	numbering_active_request *r = pairs ? request_of(pairs) : NULL;
	numbering_active_number *a = NULL;
	int rc = numbering_store_rent(&a, fx.store, NULL, "projects/p1", number, r);
	ck_assert_msg(rc == NUMBERING_OK, "rent: %s", numbering_error_message());
	numbering_active_request_free(r);
	return a;
}

START_TEST(rent_with_sms_configuration)
{
	import(fx.store, "+12085550100-09", NULL, NUMBERING_NUMBER_TYPE_LOCAL, SMS_VOICE, 0);
	fx.now = INT64_C(1769853600) * NS; /* 2026-01-31T10:00:00Z */
	const char *pairs[] = {"smsConfiguration.servicePlanId", "YOUR_SMS_servicePlanId", "smsConfiguration.campaignId",
	                       "YOUR_campaignId_from_TCR", "callbackUrl", "https://www.your-callback-server.com/callback",
	                       NULL};
	numbering_active_number *a = rent("+12085550105", pairs);
	ck_assert_str_eq(numbering_active_number_project_id(a), "p1");
	ck_assert_str_eq(numbering_instance_phone_number(numbering_active_number_instance(a)), "+12085550105");
	ck_assert_str_eq(numbering_active_number_text(a, "smsConfiguration.servicePlanId"), "YOUR_SMS_servicePlanId");
	ck_assert_str_eq(numbering_active_number_text(a, "smsConfiguration.campaignId"), "YOUR_campaignId_from_TCR");
	ck_assert_str_eq(numbering_active_number_text(a, "callbackUrl"), "https://www.your-callback-server.com/callback");
	/* Jan 31 plus one month is the last of February. */
	int64_t rent_time = numbering_active_number_int(a, "rentTime");
	ck_assert_int_eq(rent_time, numbering_instance_create_time(numbering_active_number_instance(a)));
	ck_assert_int_eq(numbering_active_number_int(a, "nextChargeDate") - rent_time, 28 * DAY);
	ck_assert_int_eq(numbering_active_number_int(a, "expireAt"), 0);
	const numbering_available_number *stock = numbering_active_number_stock(a);
	ck_assert_ptr_nonnull(stock);
	const char *currency;
	int64_t minor;
	ck_assert_int_eq(numbering_available_number_money(stock, "monthlyPrice", &currency, &minor), NUMBERING_OK);
	ck_assert_str_eq(currency, "USD");
	ck_assert_int_eq(minor, 200);
	numbering_active_number_free(a);

	numbering_active_number *got = NULL;
	ck_assert_int_eq(numbering_store_get_active(&got, fx.store, NULL, "projects/p1", "+12085550105"), NUMBERING_OK);
	ck_assert_str_eq(numbering_active_number_text(got, "smsConfiguration.campaignId"), "YOUR_campaignId_from_TCR");
	ck_assert_ptr_nonnull(numbering_active_number_stock(got));
	numbering_active_number_free(got);
	/* Another project's number is not found, exactly as a number nobody holds. */
	fixture_expect_error(numbering_store_get_active(&got, fx.store, NULL, "projects/p2", "+12085550105"),
	                     NUMBERING_NOT_FOUND, "+12085550105 is not an active number of projects/p2");
	fixture_expect_error(numbering_store_get_active(&got, fx.store, NULL, "projects/p2", "+12085550106"),
	                     NUMBERING_NOT_FOUND, "+12085550106 is not an active number of projects/p2");
	ck_assert_ptr_null(got);
}
END_TEST

START_TEST(rent_refuses_configuration_the_number_cannot_take)
{
	import(fx.store, "+12085550100", NULL, NUMBERING_NUMBER_TYPE_LOCAL, NUMBERING_CAPABILITY_SMS, 0);
	import(fx.store, "+46701234567", NULL, NUMBERING_NUMBER_TYPE_MOBILE, SMS_VOICE, 0);
	numbering_active_request *voice = request_of((const char *[]){"voiceConfiguration.appId", "app", NULL});
	numbering_active_number *a = NULL;
	fixture_expect_error(numbering_store_rent(&a, fx.store, NULL, "projects/p1", "+12085550100", voice),
	                     NUMBERING_INVALID_ARGUMENT, "+12085550100 has no VOICE capability");
	ck_assert_str_eq(numbering_error_violation_field(0), "voiceConfiguration");
	numbering_active_request_free(voice);
	numbering_active_request *campaign = request_of(
		(const char *[]){"smsConfiguration.servicePlanId", "plan", "smsConfiguration.campaignId", "c1", NULL});
	fixture_expect_error(numbering_store_rent(&a, fx.store, NULL, "projects/p1", "+46701234567", campaign),
	                     NUMBERING_INVALID_ARGUMENT, "campaignId is for US numbers only");
	numbering_active_request_free(campaign);
	ck_assert_ptr_null(a);
	/* Nothing changed: both are still for rent. */
	numbering_available_number *n = NULL;
	ck_assert_int_eq(numbering_store_get_available(&n, fx.store, NULL, "projects/p1", "+12085550100"), NUMBERING_OK);
	numbering_available_number_free(n);
	ck_assert_int_eq(numbering_store_get_available(&n, fx.store, NULL, "projects/p1", "+46701234567"), NUMBERING_OK);
	numbering_available_number_free(n);
	numbering_active_request *r = NULL;
	ck_assert_int_eq(numbering_active_request_new(&r), NUMBERING_OK);
	ck_assert_int_eq(numbering_active_request_set(r, "callbackUrl", "ftp://x"), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_active_request_set(r, "smsConfiguration.servicePlanId", "a\nb"),
	                 NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_active_request_set(r, "money", "1"), NUMBERING_INVALID_ARGUMENT);
	numbering_active_request_free(r);
}
END_TEST

START_TEST(update_links_and_unlinks)
{
	import(fx.store, "+12085550100", NULL, NUMBERING_NUMBER_TYPE_LOCAL, SMS_VOICE, 0);
	numbering_active_number_free(rent("+12085550100", (const char *[]){"smsConfiguration.servicePlanId", "plan-a", NULL}));
	numbering_active_request *r = request_of((const char *[]){"displayName", "MyPhoneNumber",
	                                                          "smsConfiguration.servicePlanId", "plan-b", NULL});
	numbering_active_number *a = NULL;
	fixture_expect_error(numbering_store_update_active(&a, fx.store, NULL, "projects/p1", "+12085550100", r),
	                     NUMBERING_FAILED_PRECONDITION, "unlink it (\"\") before linking another");
	numbering_active_request_free(r);
	/* Nothing of the refused update landed, the display name included. */
	ck_assert_int_eq(numbering_store_get_active(&a, fx.store, NULL, "projects/p1", "+12085550100"), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_display_name(numbering_active_number_instance(a)), "");
	numbering_active_number_free(a);
	r = request_of((const char *[]){"smsConfiguration.servicePlanId", "", NULL});
	ck_assert_int_eq(numbering_store_update_active(&a, fx.store, NULL, "projects/p1", "+12085550100", r), NUMBERING_OK);
	ck_assert_str_eq(numbering_active_number_text(a, "smsConfiguration.servicePlanId"), "");
	numbering_active_number_free(a);
	numbering_active_request_free(r);
	r = request_of((const char *[]){"displayName", "MyPhoneNumber", "smsConfiguration.servicePlanId", "plan-b",
	                                "voiceConfiguration.appId", "YOUR_Voice_appId", NULL});
	ck_assert_int_eq(numbering_store_update_active(&a, fx.store, NULL, "projects/p1", "+12085550100", r), NUMBERING_OK);
	ck_assert_str_eq(numbering_active_number_text(a, "smsConfiguration.servicePlanId"), "plan-b");
	ck_assert_str_eq(numbering_active_number_text(a, "voiceConfiguration.appId"), "YOUR_Voice_appId");
	ck_assert_int_ne(numbering_active_number_int(a, "voiceConfiguration.lastUpdatedTime"), 0);
	ck_assert_str_eq(numbering_instance_display_name(numbering_active_number_instance(a)), "MyPhoneNumber");
	numbering_active_number_free(a);
	numbering_active_request_free(r);
	/* An update that sets nothing is refused. */
	ck_assert_int_eq(numbering_active_request_new(&r), NUMBERING_OK);
	fixture_expect_error(numbering_store_update_active(&a, fx.store, NULL, "projects/p1", "+12085550100", r),
	                     NUMBERING_INVALID_ARGUMENT, "the update sets nothing");
	numbering_active_request_free(r);
}
END_TEST

START_TEST(ranges_are_listed_once_and_not_changed)
{
	numbering_instance_free(fixture_create("projects/p1", "block", "+12085550200-99"));
	numbering_active_request *r = request_of((const char *[]){"displayName", "x", NULL});
	numbering_active_number *a = NULL;
	fixture_expect_error(numbering_store_update_active(&a, fx.store, NULL, "projects/p1", "+12085550250", r),
	                     NUMBERING_FAILED_PRECONDITION, "it is in the range projects/p1/phoneNumberInstances/block");
	fixture_expect_error(numbering_store_release_active(&a, fx.store, NULL, "projects/p1", "+12085550200"),
	                     NUMBERING_FAILED_PRECONDITION, "split the range first");
	numbering_active_request_free(r);
	/* A number inside the range shows the range, under its first number. */
	ck_assert_int_eq(numbering_store_get_active(&a, fx.store, NULL, "projects/p1", "+12085550250"), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_phone_number(numbering_active_number_instance(a)), "+12085550200");
	ck_assert_ptr_null(numbering_active_number_stock(a));
	numbering_active_number_free(a);
}
END_TEST

START_TEST(release_takes_effect_at_expire_at)
{
	import(fx.store, "+12085550100-09", NULL, NUMBERING_NUMBER_TYPE_LOCAL, SMS_VOICE, 0);
	numbering_active_number *a = rent("+12085550103", NULL);
	int64_t next_charge = numbering_active_number_int(a, "nextChargeDate");
	numbering_active_number_free(a);
	ck_assert_int_eq(numbering_store_release_active(&a, fx.store, NULL, "projects/p1", "+12085550103"), NUMBERING_OK);
	ck_assert_int_eq(numbering_active_number_int(a, "expireAt"), next_charge);
	numbering_active_number_free(a);
	fixture_expect_error(numbering_store_release_active(&a, fx.store, NULL, "projects/p1", "+12085550103"),
	                     NUMBERING_FAILED_PRECONDITION, "it was released");
	/* Until then the number still routes to its instance. */
	numbering_resolution *res = NULL;
	ck_assert_int_eq(numbering_resolution_new(&res), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_resolve(res, fx.store, NULL, "+12085550103", NULL), NUMBERING_OK);
	char name[200];
	snprintf(name, sizeof(name), "%s", numbering_instance_name(numbering_resolution_instance(res)));
	int64_t processed = -1;
	ck_assert_int_eq(numbering_store_process_due(&processed, fx.store), NUMBERING_OK);
	ck_assert_int_eq(processed, 0);
	/* At expireAt: the instance is DELETED and the number for rent again, at its price. */
	fx.now = next_charge;
	/* The inventory's own calls carry out what is due first: the number is for rent. */
	numbering_available_number *early = NULL;
	ck_assert_int_eq(numbering_store_get_available(&early, fx.store, NULL, "projects/p2", "+12085550103"), NUMBERING_OK);
	numbering_available_number_free(early);
	ck_assert_int_eq(numbering_store_process_due(&processed, fx.store), NUMBERING_OK);
	ck_assert_int_eq(processed, 0);
	ck_assert_int_eq(numbering_store_resolve(res, fx.store, NULL, "+12085550103", NULL), NUMBERING_NOT_FOUND);
	numbering_resolution_free(res);
	numbering_instance *gone = NULL;
	ck_assert_int_eq(numbering_store_get(&gone, fx.store, NULL, name), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_lifecycle_state(gone), NUMBERING_LIFECYCLE_DELETED);
	numbering_instance_free(gone);
	numbering_available_number *back = NULL;
	ck_assert_int_eq(numbering_store_get_available(&back, fx.store, NULL, "projects/p2", "+12085550103"), NUMBERING_OK);
	const char *currency;
	int64_t minor;
	ck_assert_int_eq(numbering_available_number_money(back, "monthlyPrice", &currency, &minor), NUMBERING_OK);
	ck_assert_int_eq(minor, 200);
	ck_assert_int_eq(numbering_available_number_int(back, "capability"), SMS_VOICE);
	numbering_available_number_free(back);
	fixture_expect_error(numbering_store_get_active(&a, fx.store, NULL, "projects/p1", "+12085550103"),
	                     NUMBERING_NOT_FOUND, "is not an active number");
	/* It can be rented again. */
	numbering_active_number_free(rent("+12085550103", NULL));
}
END_TEST

START_TEST(release_of_an_instance_not_rented_is_at_once)
{
	numbering_instance *created = fixture_create("projects/p1", "own", "+12085550300");
	numbering_active_number *a = NULL;
	ck_assert_int_eq(numbering_store_release_active(&a, fx.store, NULL, "projects/p1", "+12085550300"), NUMBERING_OK);
	numbering_active_number_free(a);
	numbering_instance *gone = NULL;
	ck_assert_int_eq(numbering_store_get(&gone, fx.store, NULL, numbering_instance_name(created)), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_lifecycle_state(gone), NUMBERING_LIFECYCLE_DELETED);
	numbering_instance_free(gone);
	numbering_instance_free(created);
	/* It was never in the inventory: it does not go there. */
	numbering_available_number *n = NULL;
	ck_assert_int_eq(numbering_store_get_available(&n, fx.store, NULL, "projects/p1", "+12085550300"),
	                 NUMBERING_NOT_FOUND);
}
END_TEST

/* Lists and returns the numbers of one page, comma-separated (static buffer). */
static const char *list_page(numbering_active_query *q, int64_t *total, char *next, size_t next_size)
{
	static char out[2048];
	numbering_active_page *page = NULL;
	ck_assert_int_eq(numbering_store_list_active(&page, fx.store, NULL, "projects/p1", q), NUMBERING_OK);
	out[0] = '\0';
	for (int i = 0; i < numbering_active_page_count(page); i++) {
		if (i)
			strcat(out, ",");
		strcat(out, numbering_instance_phone_number(numbering_active_number_instance(numbering_active_page_item(page, i))));
	}
	*total = numbering_active_page_total_size(page);
	snprintf(next, next_size, "%s", numbering_active_page_next_token(page));
	numbering_active_page_free(page);
	return out;
}

START_TEST(list_filters_orders_and_pages)
{
	import(fx.store, "+12085550100-09", NULL, NUMBERING_NUMBER_TYPE_LOCAL, SMS_VOICE, 0);
	import(fx.store, "+12085559000", NULL, NUMBERING_NUMBER_TYPE_MOBILE, SMS_VOICE, 0);
	const char *order[] = {"+12085550107", "+12085550101", "+12085550104", "+12085559000"};
	const char *names[] = {"b", "c", "a", "z"};
	for (int i = 0; i < 4; i++)
		numbering_active_number_free(rent(order[i], (const char *[]){"displayName", names[i], NULL}));
	numbering_instance_free(fixture_create("projects/p1", "range", "+12085550500-99"));
	numbering_active_query q = NUMBERING_ACTIVE_QUERY_INIT;
	q.region_code = "US";
	q.type = NUMBERING_NUMBER_TYPE_LOCAL;
	int64_t total = 0;
	char next[200];
	/* Created instances carry their own country and type: only the rented ones match here. */
	ck_assert_str_eq(list_page(&q, &total, next, sizeof(next)), "+12085550101,+12085550104,+12085550107");
	ck_assert_int_eq(total, 3);
	ck_assert_str_eq(next, "");
	q.page_size = 2;
	ck_assert_str_eq(list_page(&q, &total, next, sizeof(next)), "+12085550101,+12085550104");
	ck_assert_int_eq(total, 3);
	ck_assert_str_ne(next, "");
	char token[200];
	snprintf(token, sizeof(token), "%s", next);
	q.page_token = token;
	ck_assert_str_eq(list_page(&q, &total, next, sizeof(next)), "+12085550107");
	ck_assert_str_eq(next, "");
	/* The token is bound to the filter. */
	q.order_by = NUMBERING_ACTIVE_ORDER_DISPLAY_NAME;
	numbering_active_page *page = NULL;
	fixture_expect_error(numbering_store_list_active(&page, fx.store, NULL, "projects/p1", &q),
	                     NUMBERING_INVALID_ARGUMENT, "page token was issued for a different");
	ck_assert_str_eq(numbering_error_violation_field(0), "pageToken");
	q.page_token = "garbage";
	ck_assert_int_eq(numbering_store_list_active(&page, fx.store, NULL, "projects/p1", &q), NUMBERING_INVALID_ARGUMENT);
	q.page_token = NULL;
	q.page_size = 0;
	ck_assert_str_eq(list_page(&q, &total, next, sizeof(next)), "+12085550104,+12085550107,+12085550101");
	q.order_by = 0;
	q.pattern = "7";
	q.search_pattern = NUMBERING_SEARCH_END;
	ck_assert_str_eq(list_page(&q, &total, next, sizeof(next)), "+12085550107");
	q.pattern = NULL;
	q.search_pattern = 0;
	q.type = NUMBERING_NUMBER_TYPE_MOBILE;
	ck_assert_str_eq(list_page(&q, &total, next, sizeof(next)), "+12085559000");
	q.page_size = 1001;
	ck_assert_int_eq(numbering_store_list_active(&page, fx.store, NULL, "projects/p1", &q), NUMBERING_INVALID_ARGUMENT);
	q.page_size = 0;
	q.region_code = NULL;
	ck_assert_int_eq(numbering_store_list_active(&page, fx.store, NULL, "projects/p1", &q), NUMBERING_INVALID_ARGUMENT);
	ck_assert_ptr_null(page);
}
END_TEST

/* A number that leaves the list between two pages (its release takes effect) moves no
 * other one past the next page's start: the token named an offset, so the next page
 * began one number too far, and +12085550102 was listed on no page. */
START_TEST(a_page_after_a_number_left_skips_none)
{
	import(fx.store, "+12085550100-09", NULL, NUMBERING_NUMBER_TYPE_LOCAL, SMS_VOICE, 0);
	const char *numbers[] = {"+12085550100", "+12085550101", "+12085550102", "+12085550103"};
	int64_t next_charge = 0;
	for (int i = 0; i < 4; i++) {
		numbering_active_number *a = rent(numbers[i], NULL);
		if (i == 0)
			next_charge = numbering_active_number_int(a, "nextChargeDate");
		numbering_active_number_free(a);
	}
	numbering_active_number *a = NULL;
	ck_assert_int_eq(numbering_store_release_active(&a, fx.store, NULL, "projects/p1", "+12085550100"), NUMBERING_OK);
	numbering_active_number_free(a);
	numbering_active_query q = NUMBERING_ACTIVE_QUERY_INIT;
	q.region_code = "US";
	q.type = NUMBERING_NUMBER_TYPE_LOCAL;
	q.page_size = 2;
	int64_t total = 0;
	char next[200], token[200];
	ck_assert_str_eq(list_page(&q, &total, next, sizeof(next)), "+12085550100,+12085550101");
	snprintf(token, sizeof(token), "%s", next);
	fx.now = next_charge; /* the release takes effect: +12085550100 leaves */
	q.page_token = token;
	ck_assert_str_eq(list_page(&q, &total, next, sizeof(next)), "+12085550102,+12085550103");
	ck_assert_int_eq(total, 3);
	ck_assert_str_eq(next, "");
	/* A number that arrives before the token's is not shown on a later page either. */
	q.page_token = NULL;
	ck_assert_str_eq(list_page(&q, &total, next, sizeof(next)), "+12085550101,+12085550102");
	snprintf(token, sizeof(token), "%s", next);
	numbering_active_number_free(rent("+12085550100", NULL));
	q.page_token = token;
	ck_assert_str_eq(list_page(&q, &total, next, sizeof(next)), "+12085550103");
}
END_TEST

/* Paging in displayName order while numbers arrive and leave before the page boundary
 * and others tie on the name: each number there for the whole listing is listed
 * once. The token was an offset: a number arriving before it repeated the last one
 * shown, one leaving skipped the next. */
START_TEST(display_name_pages_skip_and_repeat_none)
{
	for (int size = 1; size <= 2; size++) {
		fixture_teardown();
		fixture_setup();
		import(fx.store, "+12085550100-09", NULL, NUMBERING_NUMBER_TYPE_LOCAL, SMS_VOICE, 0);
		const char *numbers[] = {"+12085550100", "+12085550101", "+12085550102",
		                         "+12085550103", "+12085550104", "+12085550105"};
		const char *names[] = {"b", "a", "b", "c", "b", "d"};
		int64_t leaves_at = 0;
		for (int i = 0; i < 6; i++) {
			numbering_active_number *a = rent(numbers[i], (const char *[]){"displayName", names[i], NULL});
			if (i == 1)
				leaves_at = numbering_active_number_int(a, "nextChargeDate");
			numbering_active_number_free(a);
		}
		numbering_active_number *a = NULL;
		ck_assert_int_eq(numbering_store_release_active(&a, fx.store, NULL, "projects/p1", "+12085550101"),
		                 NUMBERING_OK);
		numbering_active_number_free(a);
		numbering_active_query q = NUMBERING_ACTIVE_QUERY_INIT;
		q.region_code = "US";
		q.type = NUMBERING_NUMBER_TYPE_LOCAL;
		q.order_by = NUMBERING_ACTIVE_ORDER_DISPLAY_NAME;
		q.page_size = size;
		int64_t total = 0;
		char next[NUMBERING_DISPLAY_NAME_MAX * 8], token[sizeof(next)], seen[512] = ",";
		for (int pages = 1;; pages++) {
			ck_assert_int_le(pages, 12);
			const char *listed = list_page(&q, &total, next, sizeof(next));
			ck_assert_uint_lt(strlen(seen) + strlen(listed) + 2, sizeof(seen));
			strcat(strcat(seen, listed), ",");
			if (next[0] == '\0')
				break;
			snprintf(token, sizeof(token), "%s", next);
			q.page_token = token;
			if (pages == 1) /* arrives before the boundary, and one tying on its name */
				for (int i = 6; i < 8; i++)
					numbering_active_number_free(
					    rent(i == 6 ? "+12085550106" : "+12085550107",
					         (const char *[]){"displayName", i == 6 ? "a" : "b", NULL}));
			if (pages == 2)
				fx.now = leaves_at; /* the release takes effect: +12085550101 leaves */
		}
		/* Every number there throughout once, the ones that came at most once. */
		const char *kept[] = {"+12085550100", "+12085550102", "+12085550103", "+12085550104", "+12085550105"};
		for (int i = 0; i < 5; i++) {
			char item[32];
			snprintf(item, sizeof(item), ",%s,", kept[i]);
			const char *at = strstr(seen, item);
			ck_assert_msg(at != NULL && strstr(at + 1, item) == NULL, "page size %d: %s not once in %s", size,
			              kept[i], seen);
		}
		for (int i = 6; i < 8; i++) {
			char item[32];
			snprintf(item, sizeof(item), ",+1208555010%d,", i);
			const char *at = strstr(seen, item);
			ck_assert_msg(at == NULL || strstr(at + 1, item) == NULL, "page size %d: %s twice in %s", size, item,
			              seen);
		}
		/* A token of the phone-number order is refused in the display-name order. */
		q.order_by = NUMBERING_ACTIVE_ORDER_PHONE_NUMBER;
		q.page_token = NULL;
		list_page(&q, &total, next, sizeof(next));
		ck_assert_str_ne(next, "");
		snprintf(token, sizeof(token), "%s", next);
		q.order_by = NUMBERING_ACTIVE_ORDER_DISPLAY_NAME;
		q.page_token = token;
		numbering_active_page *page = NULL;
		fixture_expect_error(numbering_store_list_active(&page, fx.store, NULL, "projects/p1", &q),
		                     NUMBERING_INVALID_ARGUMENT, "page token was issued for a different");
	}
}
END_TEST

START_TEST(file_backend_keeps_active_numbers)
{
	char path[TEMP_PATH_MAX];
	fixture_temp_store_path(path, sizeof(path), "active");
	for (int round = 0; round < 2; round++) {
		numbering_store *store = fixture_open_file(path);
		numbering_active_number *a = NULL;
		if (round == 0) {
			import(store, "+12085550100", NULL, NUMBERING_NUMBER_TYPE_LOCAL, SMS_VOICE, 0);
			numbering_active_request *r = request_of((const char *[]){"voiceConfiguration.appId", "app-1", NULL});
			ck_assert_int_eq(numbering_store_rent(&a, store, NULL, "projects/p1", "+12085550100", r), NUMBERING_OK);
			numbering_active_request_free(r);
		} else {
			ck_assert_int_eq(numbering_store_get_active(&a, store, NULL, "projects/p1", "+12085550100"), NUMBERING_OK);
			ck_assert_str_eq(numbering_active_number_text(a, "voiceConfiguration.appId"), "app-1");
			ck_assert_ptr_nonnull(numbering_active_number_stock(a));
		}
		numbering_active_number_free(a);
		numbering_store_close(store);
	}
	unlink(path);
}
END_TEST

/* A stock whose body takes more than 127 bytes: its length is a varint of two bytes
 * in the ACTIVE record (written in place, then moved up by one byte). */
START_TEST(long_stock_reads_back)
{
	char friendly[301];
	for (int i = 0; i < 300; i++)
		friendly[i] = (char)('a' + i % 26);
	friendly[300] = '\0';
	numbering_available_number *n = NULL;
	ck_assert_int_eq(numbering_available_number_new(&n), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_numbers(n, "+12085550100-01", NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_type(n, NUMBERING_NUMBER_TYPE_LOCAL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_text(n, "friendlyName", friendly), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_text(n, "rateCenter", "NEW YORK CITY"), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_int(n, "capability", SMS_VOICE), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_money(n, "monthlyPrice", "USD", 200), NUMBERING_OK);
	const numbering_available_number *items[] = {n};
	ck_assert_int_eq(numbering_store_import_available(NULL, fx.store, NULL, items, 1), NUMBERING_OK);
	numbering_available_number_free(n);
	top_up(fx.store, "projects/p1", "USD", 1000000);
	numbering_active_number *a = rent("+12085550101", (const char *[]){"voiceConfiguration.appId", "app-1", NULL});
	numbering_active_number_free(a);
	ck_assert_int_eq(numbering_store_get_active(&a, fx.store, NULL, "projects/p1", "+12085550101"), NUMBERING_OK);
	const numbering_available_number *stock = numbering_active_number_stock(a);
	ck_assert_ptr_nonnull(stock);
	ck_assert_str_eq(numbering_available_number_text(stock, "friendlyName"), friendly);
	ck_assert_str_eq(numbering_available_number_text(stock, "rateCenter"), "NEW YORK CITY");
	ck_assert_str_eq(numbering_active_number_text(a, "voiceConfiguration.appId"), "app-1");
	numbering_active_number_free(a);
}
END_TEST

Suite *active_suite(void)
{
	Suite *s = suite_create("active");
	TCase *tc = tcase_create("active");
	tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
	tcase_add_test(tc, rent_with_sms_configuration);
	tcase_add_test(tc, rent_refuses_configuration_the_number_cannot_take);
	tcase_add_test(tc, update_links_and_unlinks);
	tcase_add_test(tc, ranges_are_listed_once_and_not_changed);
	tcase_add_test(tc, release_takes_effect_at_expire_at);
	tcase_add_test(tc, release_of_an_instance_not_rented_is_at_once);
	tcase_add_test(tc, list_filters_orders_and_pages);
	tcase_add_test(tc, a_page_after_a_number_left_skips_none);
	tcase_add_test(tc, display_name_pages_skip_and_repeat_none);
	tcase_add_test(tc, file_backend_keeps_active_numbers);
	tcase_add_test(tc, long_stock_reads_back);
	suite_add_tcase(s, tc);
	return s;
}
