/* Pricing: ListPhoneNumberPricing (numbering/pricing.h), through C and JSON, over the
 * memory and the file backend (each test loops over both: _i 0 memory, 1 file). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <numbering/sys/backend.h>
#include <numbering/sys/file.h>
#include <numbering/sys/record.h>

#include "model/kinds.h"
#include "authz-grant.h"
#include "stock-plant.h"
#include "store-fixture.h"
#include "suites.h"

#define HOST "user:host"

static numbering_store *store;
static char path[256];
static int64_t now;
/* The authorizer: refuses @deny_permission (on @deny_project when set); records the
 * project of the last check of numbering.availableNumbers.list. */
static const char *deny_permission, *deny_project;
static char seen_project[64];

static int authorizer(const char *caller, const char *permission, const char *project, void *payload)
{
	(void)caller;
	(void)payload;
	if (strcmp(permission, "numbering.availableNumbers.list") == 0)
		snprintf(seen_project, sizeof(seen_project), "%s", project);
	return !(deny_permission != NULL && strcmp(permission, deny_permission) == 0 &&
	         (deny_project == NULL || strcmp(project, deny_project) == 0));
}

/* The backend of the store open_store() opened last. */
static numbering_backend *backend;

static void open_store(int file)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.clock = fixture_tick;
	options.clock_payload = &now;
	options.authorizer = authorizer;
	path[0] = '\0';
	backend = NULL;
	if (file) {
		fixture_temp_store_path(path, sizeof(path), "pricing");
		ck_assert_int_eq(numbering_file_backend_new(&backend, path, NULL), NUMBERING_OK);
	} else {
		ck_assert_int_eq(numbering_memory_backend_new(&backend), NUMBERING_OK);
	}
	options.backend = backend;
	ck_assert_msg(numbering_store_open(&store, &options) == NUMBERING_OK, "open: %s", numbering_error_message());
}

static void setup(void)
{
	now = FIXTURE_EPOCH;
	deny_permission = deny_project = NULL;
	seen_project[0] = '\0';
	store = NULL;
}

static void teardown(void)
{
	numbering_store_close(store);
	store = NULL;
	if (path[0] != '\0')
		unlink(path);
}

/* One item of an import: @text numbers of @region / @type, monthly and setup price
 * (currency NULL: unset), payment interval. */
struct item {
	const char *text, *region;
	int type;
	const char *monthly_currency;
	int64_t monthly;
	const char *setup_currency;
	int64_t setup;
	int interval;
};

static void import(const struct item *items, int count)
{
	numbering_available_number *n[16];
	ck_assert_int_le(count, 16);
	for (int i = 0; i < count; i++) {
		ck_assert_int_eq(numbering_available_number_new(&n[i]), NUMBERING_OK);
		ck_assert_int_eq(numbering_available_number_set_numbers(n[i], items[i].text, NULL), NUMBERING_OK);
		if (items[i].region != NULL)
			ck_assert_int_eq(numbering_available_number_set_region_code(n[i], items[i].region), NUMBERING_OK);
		ck_assert_int_eq(numbering_available_number_set_type(n[i], items[i].type), NUMBERING_OK);
		ck_assert_int_eq(numbering_available_number_set_text(n[i], "rateCenter", "BOISE"), NUMBERING_OK);
		if (items[i].monthly_currency != NULL)
			ck_assert_int_eq(numbering_available_number_set_money(n[i], "monthlyPrice", items[i].monthly_currency,
			                                                      items[i].monthly),
			                 NUMBERING_OK);
		if (items[i].setup_currency != NULL)
			ck_assert_int_eq(
				numbering_available_number_set_money(n[i], "setupPrice", items[i].setup_currency, items[i].setup),
				NUMBERING_OK);
		if (items[i].interval > 1)
			ck_assert_int_eq(numbering_available_number_set_int(n[i], "paymentIntervalMonths", items[i].interval),
			                 NUMBERING_OK);
	}
	int rc = numbering_store_import_available(NULL, store, HOST, (const numbering_available_number *const *)n, count);
	ck_assert_msg(rc == NUMBERING_OK, "import: %s", numbering_error_message());
	for (int i = 0; i < count; i++)
		numbering_available_number_free(n[i]);
}

/* The stock most tests use: US LOCAL in three tiers and a free number, US MOBILE, GB
 * MOBILE in GBP. */
static void load_stock(void)
{
	const struct item items[] = {
		{"+12085550100-99", NULL, NUMBERING_NUMBER_TYPE_LOCAL, "USD", 150, "USD", 200, 1},
		{"+12085551234", NULL, NUMBERING_NUMBER_TYPE_LOCAL, "USD", 150, "USD", 200, 1},
		{"+12085551235", NULL, NUMBERING_NUMBER_TYPE_LOCAL, "USD", 150, "USD", 200, 1},
		{"+12065550100-09", NULL, NUMBERING_NUMBER_TYPE_LOCAL, "USD", 100, NULL, 0, 12},
		{"+12065550200", NULL, NUMBERING_NUMBER_TYPE_LOCAL, "USD", 150, "USD", 0, 1},
		{"+12065550300", NULL, NUMBERING_NUMBER_TYPE_LOCAL, NULL, 0, NULL, 0, 1},
		{"+12065550400", NULL, NUMBERING_NUMBER_TYPE_LOCAL, NULL, 0, "USD", 500, 1},
		{"+12065550500-09", NULL, NUMBERING_NUMBER_TYPE_LOCAL, NULL, 0, NULL, 0, 1},
		{"+447700900123", "GB", NUMBERING_NUMBER_TYPE_MOBILE, "GBP", 300, NULL, 0, 1},
		{"+447700900200-49", "GB", NUMBERING_NUMBER_TYPE_MOBILE, "GBP", 250, "GBP", 100, 3},
	};
	import(items, (int)(sizeof(items) / sizeof(items[0])));
}

static numbering_pricing_list *price_list(const char *region, int type)
{
	numbering_pricing_list *list = NULL;
	int rc = numbering_store_list_pricing(&list, store, "user:bob", region, type);
	ck_assert_msg(rc == NUMBERING_OK, "pricing: %s", numbering_error_message());
	ck_assert_ptr_nonnull(list);
	return list;
}

/* Entry @i as "US LOCAL United States USD 1.00: tier; tier" with each tier
 * "CUR monthly/setup/interval x available". */
static const char *describe(const numbering_pricing_list *list, int i)
{
	static char text[1024];
	int n = snprintf(text, sizeof(text), "%s %s %s %s %lld:", numbering_pricing_list_region_code(list, i),
	                 numbering_number_type_name(numbering_pricing_list_type(list, i)),
	                 numbering_pricing_list_country(list, i), numbering_pricing_list_currency(list, i),
	                 (long long)numbering_pricing_list_price(list, i));
	for (int t = 0; t < numbering_pricing_list_tier_count(list, i); t++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, " [%s %lld/%lld/%d x%lld]",
		              numbering_pricing_list_tier_currency(list, i, t),
		              (long long)numbering_pricing_list_tier_monthly_price(list, i, t),
		              (long long)numbering_pricing_list_tier_setup_price(list, i, t),
		              numbering_pricing_list_tier_interval_months(list, i, t),
		              (long long)numbering_pricing_list_tier_available(list, i, t));
	return text;
}

#define US_LOCAL                                                                                                   \
	"US LOCAL United States USD 0: [ 0/0/1 x11] [USD 0/500/1 x1] [USD 100/0/12 x10] [USD 150/0/1 x1] "       \
	"[USD 150/200/1 x102]"
#define GB_MOBILE "GB MOBILE United Kingdom GBP 250: [GBP 250/100/3 x50] [GBP 300/0/1 x1]"

START_TEST(tiers_count_every_number_of_a_block)
{
	open_store(_i);
	load_stock();
	numbering_pricing_list *list = price_list(NULL, 0);
	ck_assert_int_eq(numbering_pricing_list_count(list), 2);
	/* Sorted by region code, then type; tiers by monthly price, then setup price. */
	ck_assert_str_eq(describe(list, 0), GB_MOBILE);
	ck_assert_str_eq(describe(list, 1), US_LOCAL);
	/* The lowest monthly price: GB's comes from its 3-month tier, a rate per month; US's
	 * is the number with a setup price only, whose monthly price is USD 0. */
	ck_assert_int_eq(numbering_pricing_list_price(list, 0), 250);
	ck_assert_int_eq(numbering_pricing_list_price(list, 1), 0);
	numbering_pricing_list_free(list);
	/* "" is no filter, as NULL. */
	list = price_list("", 0);
	ck_assert_int_eq(numbering_pricing_list_count(list), 2);
	numbering_pricing_list_free(list);
}
END_TEST

START_TEST(filters_walk_only_what_is_asked)
{
	open_store(_i);
	load_stock();
	const struct item mobile[] = {{"+12085560000-09", NULL, NUMBERING_NUMBER_TYPE_MOBILE, "USD", 900, NULL, 0, 1}};
	import(mobile, 1);
	numbering_pricing_list *list = price_list("US", 0);
	ck_assert_int_eq(numbering_pricing_list_count(list), 2);
	ck_assert_str_eq(describe(list, 0), US_LOCAL);
	ck_assert_str_eq(describe(list, 1), "US MOBILE United States USD 900: [USD 900/0/1 x10]");
	numbering_pricing_list_free(list);
	list = price_list(NULL, NUMBERING_NUMBER_TYPE_MOBILE);
	ck_assert_int_eq(numbering_pricing_list_count(list), 2);
	ck_assert_str_eq(describe(list, 0), GB_MOBILE);
	ck_assert_str_eq(describe(list, 1), "US MOBILE United States USD 900: [USD 900/0/1 x10]");
	numbering_pricing_list_free(list);
	list = price_list("GB", NUMBERING_NUMBER_TYPE_MOBILE);
	ck_assert_int_eq(numbering_pricing_list_count(list), 1);
	ck_assert_str_eq(describe(list, 0), GB_MOBILE);
	numbering_pricing_list_free(list);
	/* Known region and type without stock: an empty list, not an error. */
	list = price_list("GB", NUMBERING_NUMBER_TYPE_TOLL_FREE);
	ck_assert_int_eq(numbering_pricing_list_count(list), 0);
	numbering_pricing_list_free(list);
	list = price_list("FR", 0);
	ck_assert_int_eq(numbering_pricing_list_count(list), 0);
	numbering_pricing_list_free(list);
}
END_TEST

START_TEST(empty_inventory_is_an_empty_list)
{
	open_store(_i);
	numbering_pricing_list *list = price_list(NULL, 0);
	ck_assert_int_eq(numbering_pricing_list_count(list), 0);
	numbering_pricing_list_free(list);
}
END_TEST

START_TEST(bad_arguments_name_the_field)
{
	open_store(_i);
	load_stock();
	numbering_pricing_list *list = (numbering_pricing_list *)&list;
	const char *const regions[] = {"UK", "us", "USA", "U", "1S", "ZZ"};
	for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]); i++) {
		list = (numbering_pricing_list *)&list;
		fixture_expect_error(numbering_store_list_pricing(&list, store, NULL, regions[i], 0),
		                     NUMBERING_INVALID_ARGUMENT, "countryCode \"");
		ck_assert_ptr_null(list);
		ck_assert_ptr_nonnull(strstr(numbering_error_message(), regions[i]));
		ck_assert_str_eq(numbering_error_violation_field(0), "countryCode");
	}
	const int types[] = {-1, 6, 1000};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		fixture_expect_error(numbering_store_list_pricing(&list, store, NULL, NULL, types[i]),
		                     NUMBERING_INVALID_ARGUMENT, "numberType");
		ck_assert_str_eq(numbering_error_violation_field(0), "numberType");
	}
	fixture_expect_error(numbering_store_list_pricing(NULL, store, NULL, NULL, 0), NUMBERING_INVALID_ARGUMENT,
	                     "out is NULL");
	fixture_expect_error(numbering_store_list_pricing(&list, NULL, NULL, NULL, 0), NUMBERING_INVALID_ARGUMENT,
	                     "store is NULL");
}
END_TEST

START_TEST(rent_takes_a_number_out_of_the_counts)
{
	open_store(_i);
	load_stock();
	numbering_active_number *a = NULL;
	/* Free numbers (renting them charges nothing): one from the middle of a block, which
	 * splits in two records, and a single. */
	ck_assert_int_eq(numbering_store_rent(&a, store, "user:bob", "projects/p1", "+12065550505", NULL), NUMBERING_OK);
	numbering_active_number_free(a);
	ck_assert_int_eq(numbering_store_rent(&a, store, "user:bob", "projects/p1", "+12065550300", NULL), NUMBERING_OK);
	numbering_active_number_free(a);
	numbering_pricing_list *list = price_list("US", NUMBERING_NUMBER_TYPE_LOCAL);
	ck_assert_int_eq(numbering_pricing_list_count(list), 1);
	ck_assert_str_eq(describe(list, 0), "US LOCAL United States USD 0: [ 0/0/1 x9] [USD 0/500/1 x1] "
	                                    "[USD 100/0/12 x10] [USD 150/0/1 x1] [USD 150/200/1 x102]");
	numbering_pricing_list_free(list);
	/* Released, the number is back at its expireAt, and counted. */
	ck_assert_int_eq(numbering_store_release_active(&a, store, "user:bob", "projects/p1", "+12065550505"),
	                 NUMBERING_OK);
	int64_t expire_at = numbering_active_number_int(a, "expireAt");
	numbering_active_number_free(a);
	list = price_list("US", NUMBERING_NUMBER_TYPE_LOCAL);
	ck_assert_int_eq(numbering_pricing_list_tier_available(list, 0, 0), expire_at > now ? 9 : 10);
	numbering_pricing_list_free(list);
	if (expire_at > now)
		now = expire_at;
	list = price_list("US", NUMBERING_NUMBER_TYPE_LOCAL);
	ck_assert_str_eq(describe(list, 0), "US LOCAL United States USD 0: [ 0/0/1 x10] [USD 0/500/1 x1] "
	                                    "[USD 100/0/12 x10] [USD 150/0/1 x1] [USD 150/200/1 x102]");
	numbering_pricing_list_free(list);
	/* Gone for good: withdrawn from the inventory. */
	const char *gone[] = {"+12085550100-49"};
	ck_assert_int_eq(numbering_store_remove_available(NULL, store, HOST, gone, 1), NUMBERING_OK);
	list = price_list("US", NUMBERING_NUMBER_TYPE_LOCAL);
	ck_assert_int_eq(numbering_pricing_list_tier_available(list, 0, 4), 52);
	numbering_pricing_list_free(list);
}
END_TEST

START_TEST(numbers_that_cannot_be_bought_are_not_offered)
{
	open_store(_i);
	const struct item items[] = {
		/* Setup and monthly price in two currencies (EUR below): no acquisition could
		 * charge it. */
		{"+12085550100", NULL, NUMBERING_NUMBER_TYPE_LOCAL, "USD", 150, "USD", 200, 1},
		/* Its first payment (setup + monthly x 120) leaves int64. */
		{"+12085550101", NULL, NUMBERING_NUMBER_TYPE_LOCAL, "USD", INT64_MAX / 2, NULL, 0, 120},
		{"+12085550102", NULL, NUMBERING_NUMBER_TYPE_LOCAL, "USD", INT64_MAX / 2, "USD", INT64_MAX / 2, 2},
		/* The largest that fits is offered. */
		{"+12085550103", NULL, NUMBERING_NUMBER_TYPE_LOCAL, "USD", INT64_MAX / 2, NULL, 0, 2},
		{"+12085550104", NULL, NUMBERING_NUMBER_TYPE_MOBILE, "USD", 150, "USD", 200, 1},
	};
	import(items, 5);
	/* An import refuses two currencies: stored as a store written before it held them. */
	stock_reprice(store, "+12085550100", "setupPrice", "EUR", 200);
	stock_reprice(store, "+12085550104", "setupPrice", "EUR", 200);
	numbering_pricing_list *list = price_list(NULL, 0);
	ck_assert_int_eq(numbering_pricing_list_count(list), 1);
	ck_assert_int_eq(numbering_pricing_list_tier_count(list, 0), 1);
	ck_assert_int_eq(numbering_pricing_list_tier_monthly_price(list, 0, 0), INT64_MAX / 2);
	ck_assert_int_eq(numbering_pricing_list_tier_interval_months(list, 0, 0), 2);
	ck_assert_int_eq(numbering_pricing_list_tier_available(list, 0, 0), 1);
	numbering_pricing_list_free(list);
}
END_TEST

START_TEST(the_entry_currency_is_the_one_most_numbers_have)
{
	open_store(_i);
	const struct item items[] = {
		{"+12085550100", NULL, NUMBERING_NUMBER_TYPE_LOCAL, "CAD", 50, NULL, 0, 1},
		{"+12085550200-209", NULL, NUMBERING_NUMBER_TYPE_LOCAL, "USD", 300, NULL, 0, 1},
		{"+12085550300-02", NULL, NUMBERING_NUMBER_TYPE_LOCAL, "USD", 200, NULL, 0, 1},
		{"+12085550400-19", NULL, NUMBERING_NUMBER_TYPE_LOCAL, NULL, 0, NULL, 0, 1},
		/* A tie between JPY and EUR goes to EUR, the first code; free numbers never win. */
		{"+12065550100", NULL, NUMBERING_NUMBER_TYPE_MOBILE, "JPY", 500, NULL, 0, 1},
		{"+12065550101", NULL, NUMBERING_NUMBER_TYPE_MOBILE, "EUR", 700, NULL, 0, 1},
		{"+12065550102-09", NULL, NUMBERING_NUMBER_TYPE_MOBILE, NULL, 0, NULL, 0, 1},
		/* Only free numbers: no currency, price 0. */
		{"+12065550200", NULL, NUMBERING_NUMBER_TYPE_TOLL_FREE, NULL, 0, NULL, 0, 1},
	};
	import(items, 8);
	numbering_pricing_list *list = price_list("US", 0);
	ck_assert_int_eq(numbering_pricing_list_count(list), 3);
	ck_assert_str_eq(describe(list, 0), "US LOCAL United States USD 200: [ 0/0/1 x20] [CAD 50/0/1 x1] "
	                                    "[USD 200/0/1 x3] [USD 300/0/1 x10]");
	ck_assert_str_eq(describe(list, 1), "US MOBILE United States EUR 700: [ 0/0/1 x8] [JPY 500/0/1 x1] "
	                                    "[EUR 700/0/1 x1]");
	ck_assert_str_eq(describe(list, 2), "US TOLL_FREE United States  0: [ 0/0/1 x1]");
	numbering_pricing_list_free(list);
}
END_TEST

START_TEST(many_distinct_tiers)
{
	open_store(_i);
	/* 300 numbers in 100 tiers (three numbers each, imported out of order): the tier
	 * table grows past its first sizes and keeps every count. */
	numbering_available_number *n[300];
	for (int i = 0; i < 300; i++) {
		char text[32];
		snprintf(text, sizeof(text), "+1208555%04d", i);
		ck_assert_int_eq(numbering_available_number_new(&n[i]), NUMBERING_OK);
		ck_assert_int_eq(numbering_available_number_set_numbers(n[i], text, NULL), NUMBERING_OK);
		ck_assert_int_eq(numbering_available_number_set_type(n[i], NUMBERING_NUMBER_TYPE_LOCAL), NUMBERING_OK);
		ck_assert_int_eq(numbering_available_number_set_money(n[i], "monthlyPrice", "USD", 1000 - (i * 7) % 100),
		                 NUMBERING_OK);
	}
	ck_assert_int_eq(numbering_store_import_available(NULL, store, HOST, (const numbering_available_number *const *)n,
	                                                  300),
	                 NUMBERING_OK);
	for (int i = 0; i < 300; i++)
		numbering_available_number_free(n[i]);
	numbering_pricing_list *list = price_list("US", NUMBERING_NUMBER_TYPE_LOCAL);
	ck_assert_int_eq(numbering_pricing_list_tier_count(list, 0), 100);
	for (int t = 0; t < 100; t++) {
		ck_assert_int_eq(numbering_pricing_list_tier_monthly_price(list, 0, t), 901 + t);
		ck_assert_int_eq(numbering_pricing_list_tier_available(list, 0, t), 3);
	}
	ck_assert_int_eq(numbering_pricing_list_price(list, 0), 901);
	numbering_pricing_list_free(list);
}
END_TEST

START_TEST(accessors_out_of_range)
{
	open_store(_i);
	load_stock();
	numbering_pricing_list *list = price_list("GB", 0);
	const int bad[][2] = {{-1, 0}, {1, 0}, {0, -1}, {0, 2}};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		int i = bad[k][0], t = bad[k][1];
		ck_assert_str_eq(numbering_pricing_list_tier_currency(list, i, t), "");
		ck_assert_int_eq(numbering_pricing_list_tier_monthly_price(list, i, t), 0);
		ck_assert_int_eq(numbering_pricing_list_tier_setup_price(list, i, t), 0);
		ck_assert_int_eq(numbering_pricing_list_tier_interval_months(list, i, t), 0);
		ck_assert_int_eq(numbering_pricing_list_tier_available(list, i, t), 0);
	}
	ck_assert_str_eq(numbering_pricing_list_region_code(list, 1), "");
	ck_assert_str_eq(numbering_pricing_list_country(list, -1), "");
	ck_assert_int_eq(numbering_pricing_list_type(list, 1), 0);
	ck_assert_str_eq(numbering_pricing_list_currency(list, 1), "");
	ck_assert_int_eq(numbering_pricing_list_price(list, 1), 0);
	ck_assert_int_eq(numbering_pricing_list_tier_count(list, 1), 0);
	ck_assert_int_eq(numbering_pricing_list_count(NULL), 0);
	ck_assert_str_eq(numbering_pricing_list_region_code(NULL, 0), "");
	ck_assert_int_eq(numbering_pricing_list_tier_available(NULL, 0, 0), 0);
	numbering_pricing_list_free(list);
	numbering_pricing_list_free(NULL);
}
END_TEST

START_TEST(authorized_on_star)
{
	open_store(_i);
	load_stock();
	numbering_pricing_list *list = price_list(NULL, 0);
	ck_assert_str_eq(seen_project, "*");
	numbering_pricing_list_free(list);
	/* Refused on "*": PERMISSION_DENIED, whatever else the caller holds, before the
	 * arguments are looked at. */
	deny_permission = "numbering.availableNumbers.list";
	deny_project = "*";
	list = (numbering_pricing_list *)&list;
	fixture_expect_error(numbering_store_list_pricing(&list, store, "user:bob", "US", 0), NUMBERING_PERMISSION_DENIED,
	                     "lacks permission numbering.availableNumbers.list on *");
	ck_assert_ptr_null(list);
	fixture_expect_error(numbering_store_list_pricing(&list, store, "user:bob", "UK", 9), NUMBERING_PERMISSION_DENIED,
	                     "numbering.availableNumbers.list");
	char *response = NULL;
	ck_assert_int_eq(numbering_store_call_json(&response, store, "user:bob", "ListPhoneNumberPricing", "{}"),
	                 NUMBERING_PERMISSION_DENIED);
	ck_assert_ptr_nonnull(strstr(response, "PERMISSION_DENIED"));
	ck_assert_ptr_null(strstr(response, "United States"));
	numbering_free(response);
}
END_TEST

/* The built-in policy: a viewer of one project does not see the host's price list; a
 * binding on "*" holding numbering.availableNumbers.list does. */
START_TEST(builtin_policy_needs_a_binding_on_star)
{
	static const char *const policies[] = {
		"{\"bindings\":[{\"project\":\"projects/p1\",\"members\":[\"user:bob\"],\"roles\":[\"roles/numbering.admin\"]}]}",
		"{\"bindings\":[{\"project\":\"*\",\"members\":[\"user:bob\"],\"roles\":[\"roles/numbering.viewer\"]}]}",
		"{\"bindings\":[{\"project\":\"*\",\"members\":[\"user:bob\"],\"permissions\":[\"numbering.availableNumbers."
		"list\"]}]}",
		"{\"bindings\":[{\"project\":\"*\",\"members\":[\"user:bob\"],\"permissions\":[\"numbering.availableNumbers."
		"get\",\"numbering.availableRegions.list\"]}]}",
	};
	const int allowed[] = {0, 1, 1, 0};
	for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		numbering_policy *policy = NULL;
		ck_assert_int_eq(numbering_policy_parse(&policy, policies[i]), NUMBERING_OK);
		numbering_options options = NUMBERING_OPTIONS_INIT;
		options.authorizer = numbering_policy_authorize;
		options.authorizer_payload = policy;
		numbering_store *s = NULL;
		ck_assert_int_eq(numbering_store_open(&s, &options), NUMBERING_OK);
		numbering_pricing_list *list = NULL;
		int rc = numbering_store_list_pricing(&list, s, "user:bob", NULL, 0);
		ck_assert_msg(rc == (allowed[i] ? NUMBERING_OK : NUMBERING_PERMISSION_DENIED), "policy %zu: %s", i,
		              numbering_error_message());
		char *response = NULL;
		ck_assert_int_eq(numbering_store_call_json(&response, s, "user:bob", "ListPhoneNumberPricing", "{}"), rc);
		if (rc == NUMBERING_OK)
			ck_assert_str_eq(response, "{\"phoneNumberPricing\":[]}");
		numbering_free(response);
		numbering_pricing_list_free(list);
		numbering_store_close(s);
		numbering_policy_free(policy);
	}
}
END_TEST

/* The authorization matrix of ListPhoneNumberPricing: user:bob holding one permission
 * (_i; AUTHZ_PERMISSION_COUNT: none) on "*" or on projects/p1, with the built-in policy,
 * through C and JSON, over a stocked store and an empty one. Only
 * numbering.availableNumbers.list on "*" answers; every refusal is the same
 * PERMISSION_DENIED in both stores, names the permission and "*", and shows no stock. */
START_TEST(authorization_matrix)
{
	for (int on_star = 0; on_star < 2; on_star++) {
		char refusal[2][512] = {"", ""};
		for (int stocked = 0; stocked < 2; stocked++) {
			char json[1024];
			int n = snprintf(json, sizeof(json),
			                 "{\"bindings\":[{\"project\":\"*\",\"members\":[\"" HOST
			                 "\"],\"roles\":[\"roles/numbering.admin\"]}");
			if (_i < AUTHZ_PERMISSION_COUNT)
				n += snprintf(json + n, sizeof(json) - (size_t)n,
				              ",{\"project\":\"%s\",\"members\":[\"user:bob\"],\"permissions\":[\"%s\"]}",
				              on_star ? "*" : "projects/p1", authz_permissions[_i]);
			snprintf(json + n, sizeof(json) - (size_t)n, "]}");
			numbering_policy *policy = NULL;
			ck_assert_int_eq(numbering_policy_parse(&policy, json), NUMBERING_OK);
			numbering_options options = NUMBERING_OPTIONS_INIT;
			options.authorizer = numbering_policy_authorize;
			options.authorizer_payload = policy;
			ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
			if (stocked)
				load_stock();
			int allowed = on_star && _i < AUTHZ_PERMISSION_COUNT &&
			              strcmp(authz_permissions[_i], "numbering.availableNumbers.list") == 0;
			numbering_pricing_list *list = (numbering_pricing_list *)&list;
			int rc = numbering_store_list_pricing(&list, store, "user:bob", "US", NUMBERING_NUMBER_TYPE_LOCAL);
			char *response = NULL;
			int json_rc = numbering_store_call_json(&response, store, "user:bob", "ListPhoneNumberPricing",
			                                        "{\"countryCode\":\"US\",\"numberType\":\"LOCAL\"}");
			ck_assert_int_eq(json_rc, rc);
			if (allowed) {
				ck_assert_msg(rc == NUMBERING_OK, "%s: %s", json, numbering_error_message());
				ck_assert_int_eq(numbering_pricing_list_count(list), stocked);
				ck_assert_int_eq(strstr(response, "United States") != NULL, stocked);
			} else {
				ck_assert_msg(rc == NUMBERING_PERMISSION_DENIED, "%s: %s", json, numbering_status_name(rc));
				ck_assert_ptr_null(list);
				ck_assert_ptr_nonnull(strstr(response, "lacks permission numbering.availableNumbers.list on *"));
				ck_assert_ptr_null(strstr(response, "United States"));
				snprintf(refusal[stocked], sizeof(refusal[stocked]), "%s", response);
			}
			numbering_free(response);
			numbering_pricing_list_free(list);
			numbering_store_close(store);
			store = NULL;
			numbering_policy_free(policy);
		}
		ck_assert_str_eq(refusal[0], refusal[1]);
	}
}
END_TEST

static void expect_json(const char *request, int code, const char *response)
{
	char *got = NULL;
	int rc = numbering_store_call_json(&got, store, "user:bob", "ListPhoneNumberPricing", request);
	ck_assert_msg(rc == code, "%s: %s", request, got);
	ck_assert_msg(strstr(got, response) != NULL, "%s: %s lacks %s", request, got, response);
	numbering_free(got);
}

START_TEST(json_method)
{
	open_store(_i);
	load_stock();
	/* Money is a decimal string with the currency's digits, beside the currency; a
	 * tier's price is per payment interval, an entry's per month. */
	expect_json("{\"countryCode\":\"GB\"}", NUMBERING_OK,
	            "{\"phoneNumberPricing\":[{\"number_type\":\"MOBILE\",\"country\":\"United Kingdom\",\"countryCode\":"
	            "\"GB\",\"phoneNumberPrices\":[{\"price\":\"7.50\",\"setupPrice\":\"1.00\",\"priceUnit\":\"per 3 "
	            "months\",\"currency\":\"GBP\",\"available\":50},{\"price\":\"3.00\",\"setupPrice\":\"0.00\","
	            "\"priceUnit\":\"per month\",\"currency\":\"GBP\",\"available\":1}],\"price\":\"2.50\",\"priceUnit\":"
	            "\"per month\",\"currency\":\"GBP\"}]}");
	expect_json("{\"country_code\":\"US\",\"number_type\":\"LOCAL\"}", NUMBERING_OK,
	            "\"phoneNumberPrices\":[{\"price\":\"0\",\"setupPrice\":\"0\",\"priceUnit\":\"per month\","
	            "\"currency\":\"\",\"available\":11},{\"price\":\"0.00\",\"setupPrice\":\"5.00\",");
	expect_json("{\"countryCode\":\"US\",\"numberType\":\"LOCAL\"}", NUMBERING_OK,
	            "{\"price\":\"12.00\",\"setupPrice\":\"0.00\",\"priceUnit\":\"per 12 months\",\"currency\":\"USD\","
	            "\"available\":10}");
	expect_json("{\"numberType\":\"TOLL_FREE\"}", NUMBERING_OK, "{\"phoneNumberPricing\":[]}");
	expect_json("{\"countryCode\":\"\"}", NUMBERING_OK, "\"countryCode\":\"US\"");
	expect_json("{\"countryCode\":null,\"numberType\":null}", NUMBERING_OK, "\"countryCode\":\"GB\"");
	expect_json("{\"countryCode\":\"UK\"}", NUMBERING_INVALID_ARGUMENT,
	            "\"field\":\"countryCode\",\"description\":\"countryCode \\\"UK\\\" is not an ISO 3166-1");
	expect_json("{\"countryCode\":\"us\"}", NUMBERING_INVALID_ARGUMENT, "\"field\":\"countryCode\"");
	expect_json("{\"countryCode\":7}", NUMBERING_INVALID_ARGUMENT, "\"field\":\"countryCode\"");
	expect_json("{\"numberType\":\"NUMBER_TYPE_UNSPECIFIED\"}", NUMBERING_INVALID_ARGUMENT,
	            "\"field\":\"numberType\"");
	expect_json("{\"numberType\":\"FIXED\"}", NUMBERING_INVALID_ARGUMENT,
	            "numberType \\\"FIXED\\\" is not a number type");
	expect_json("{\"numberType\":3}", NUMBERING_INVALID_ARGUMENT, "\"field\":\"numberType\"");
	expect_json("{\"countryCode\":\"US\",\"country_code\":\"US\"}", NUMBERING_INVALID_ARGUMENT, "country");
	expect_json("{\"parent\":\"projects/p1\"}", NUMBERING_INVALID_ARGUMENT, "parent");
	expect_json("[]", NUMBERING_INVALID_ARGUMENT, "INVALID_ARGUMENT");
}
END_TEST

/* A copy of a record read from the backend, to be put back changed. */
struct saved {
	numbering_record record;
	char name[64], parent[32];
	uint8_t body[256];
};

static int save_visit(const numbering_record *record, void *payload)
{
	struct saved *s = payload;
	s->record = *record;
	snprintf(s->name, sizeof(s->name), "%s", record->name);
	snprintf(s->parent, sizeof(s->parent), "%s", record->parent);
	ck_assert_uint_le(record->body_len, sizeof(s->body));
	memcpy(s->body, record->body, record->body_len);
	s->record.name = s->name;
	s->record.parent = s->parent;
	s->record.body = s->body;
	return NUMBERING_OK;
}

static void put_back(const struct saved *s, unsigned flags, const void *body, size_t len)
{
	numbering_record r = s->record;
	r.flags = flags;
	r.body = body;
	r.body_len = len;
	ck_assert_int_eq(backend->begin(backend), NUMBERING_OK);
	ck_assert_int_eq(backend->put(backend, &r), NUMBERING_OK);
	ck_assert_int_eq(backend->commit(backend), NUMBERING_OK);
}

/* Numbers held for someone (their record not LISTED: a reservation, a purchase in
 * progress) are not offered; a damaged price row is DATA_LOSS naming the record; a
 * damaged row past the prices is not read. */
START_TEST(held_and_damaged_records)
{
	open_store(_i);
	const struct item items[] = {
		{"+12085550100", NULL, NUMBERING_NUMBER_TYPE_LOCAL, "USD", 150, NULL, 0, 1},
		{"+12085550200-99", NULL, NUMBERING_NUMBER_TYPE_LOCAL, "USD", 150, NULL, 0, 1},
	};
	import(items, 2);
	struct saved s;
	ck_assert_int_eq(backend->get(backend, NUMBERING__KIND_AVAILABLE, "availableNumbers/+12085550100", save_visit, &s),
	                 NUMBERING_OK);
	ck_assert_uint_ne(s.record.flags & NUMBERING_RECORD_LISTED, 0);
	numbering_pricing_list *list = price_list(NULL, 0);
	ck_assert_int_eq(numbering_pricing_list_tier_available(list, 0, 0), 101);
	numbering_pricing_list_free(list);

	put_back(&s, s.record.flags & ~NUMBERING_RECORD_LISTED, s.body, s.record.body_len);
	list = price_list(NULL, 0);
	ck_assert_int_eq(numbering_pricing_list_tier_available(list, 0, 0), 100);
	numbering_pricing_list_free(list);

	/* setupPrice present (bit 1) in an unknown currency. */
	static const uint8_t bad_price[] = {0x02, 'X', 'Y', 'Z', 0x05};
	put_back(&s, s.record.flags, bad_price, sizeof(bad_price));
	list = (numbering_pricing_list *)&list;
	fixture_expect_error(numbering_store_list_pricing(&list, store, NULL, "US", 0), NUMBERING_DATA_LOSS,
	                     "\"availableNumbers/+12085550100\" is damaged: its setupPrice");
	ck_assert_ptr_null(list);
	/* The body ends inside the monthly price. */
	static const uint8_t cut[] = {0x04, 'U', 'S'};
	put_back(&s, s.record.flags, cut, sizeof(cut));
	fixture_expect_error(numbering_store_list_pricing(&list, store, NULL, NULL, 0), NUMBERING_DATA_LOSS,
	                     "its monthlyPrice");
	/* A bit no attribute has. */
	static const uint8_t unknown[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f};
	put_back(&s, s.record.flags, unknown, sizeof(unknown));
	fixture_expect_error(numbering_store_list_pricing(&list, store, NULL, NULL, 0), NUMBERING_DATA_LOSS,
	                     "its body");
	/* The monthly price, then rateCenter (row 6) with a length past the body: pricing
	 * stops after the price rows and never reads it. */
	static const uint8_t late[] = {0x44, 'U', 'S', 'D', 0x64, 0x7f, 'B'};
	put_back(&s, s.record.flags, late, sizeof(late));
	list = price_list(NULL, 0);
	ck_assert_int_eq(numbering_pricing_list_tier_count(list, 0), 2);
	ck_assert_int_eq(numbering_pricing_list_tier_monthly_price(list, 0, 0), 100);
	ck_assert_int_eq(numbering_pricing_list_tier_available(list, 0, 0), 1);
	numbering_pricing_list_free(list);
}
END_TEST

/* Numbers a reservation holds are offered to nobody until it is deleted or expires
 * (at the store's clock: pricing carries out what is due first). */
START_TEST(reserved_numbers_are_not_offered)
{
	open_store(_i);
	load_stock();
	numbering_reservation_request request = NUMBERING_RESERVATION_REQUEST_INIT;
	const char *numbers[] = {"+12085550150", "+12085551234"};
	request.phone_numbers = numbers;
	request.phone_number_count = 2;
	request.ttl = INT64_C(60000000000);
	numbering_reservation *r = NULL;
	ck_assert_msg(numbering_store_reserve_available(&r, store, "user:bob", "projects/p1", &request) == NUMBERING_OK,
	              "%s", numbering_error_message());
	char name[256];
	snprintf(name, sizeof(name), "%s", numbering_reservation_name(r));
	int64_t expire = numbering_reservation_expire_time(r);
	numbering_reservation_free(r);
	numbering_pricing_list *list = price_list("US", NUMBERING_NUMBER_TYPE_LOCAL);
	ck_assert_str_eq(describe(list, 0), "US LOCAL United States USD 0: [ 0/0/1 x11] [USD 0/500/1 x1] "
	                                    "[USD 100/0/12 x10] [USD 150/0/1 x1] [USD 150/200/1 x100]");
	numbering_pricing_list_free(list);
	ck_assert_int_eq(numbering_store_delete_reservation(store, "user:bob", name), NUMBERING_OK);
	list = price_list("US", NUMBERING_NUMBER_TYPE_LOCAL);
	ck_assert_int_eq(numbering_pricing_list_tier_available(list, 0, 4), 102);
	numbering_pricing_list_free(list);
	/* Criteria: the three lowest US LOCAL numbers of the 12-month tier's range, until
	 * the reservation expires. */
	numbering_available_query q = NUMBERING_AVAILABLE_QUERY_INIT;
	q.region_code = "US";
	q.type = NUMBERING_NUMBER_TYPE_LOCAL;
	q.pattern = "+1206555010";
	request = (numbering_reservation_request)NUMBERING_RESERVATION_REQUEST_INIT;
	request.criteria = &q;
	request.count = 3;
	request.ttl = INT64_C(60000000000);
	ck_assert_msg(numbering_store_reserve_available(&r, store, "user:bob", "projects/p1", &request) == NUMBERING_OK,
	              "%s", numbering_error_message());
	expire = numbering_reservation_expire_time(r);
	numbering_reservation_free(r);
	list = price_list("US", NUMBERING_NUMBER_TYPE_LOCAL);
	ck_assert_int_eq(numbering_pricing_list_tier_available(list, 0, 2), 7);
	numbering_pricing_list_free(list);
	now = expire;
	list = price_list("US", NUMBERING_NUMBER_TYPE_LOCAL);
	ck_assert_str_eq(describe(list, 0), US_LOCAL);
	numbering_pricing_list_free(list);
}
END_TEST

Suite *pricing_suite(void)
{
	Suite *s = suite_create("pricing");
	TCase *tc = tcase_create("pricing");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, tiers_count_every_number_of_a_block, 0, 2);
	tcase_add_loop_test(tc, filters_walk_only_what_is_asked, 0, 2);
	tcase_add_loop_test(tc, empty_inventory_is_an_empty_list, 0, 2);
	tcase_add_loop_test(tc, bad_arguments_name_the_field, 0, 2);
	tcase_add_loop_test(tc, rent_takes_a_number_out_of_the_counts, 0, 2);
	tcase_add_loop_test(tc, numbers_that_cannot_be_bought_are_not_offered, 0, 2);
	tcase_add_loop_test(tc, the_entry_currency_is_the_one_most_numbers_have, 0, 2);
	tcase_add_loop_test(tc, many_distinct_tiers, 0, 2);
	tcase_add_loop_test(tc, accessors_out_of_range, 0, 2);
	tcase_add_loop_test(tc, authorized_on_star, 0, 2);
	tcase_add_loop_test(tc, json_method, 0, 2);
	tcase_add_test(tc, builtin_policy_needs_a_binding_on_star);
	tcase_add_loop_test(tc, held_and_damaged_records, 0, 2);
	tcase_add_loop_test(tc, reserved_numbers_are_not_offered, 0, 2);
	tcase_add_loop_test(tc, authorization_matrix, 0, AUTHZ_PERMISSION_COUNT + 1);
	suite_add_tcase(s, tc);
	return s;
}
