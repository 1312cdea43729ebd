/* The inventory: import, withdraw, search, get, rent and rentAny (numbering/inventory.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <numbering/sys/file.h>

#include "model/available.h"
#include "model/kinds.h"
#include "model/record.h"
#include "service/service.h"
#include "store-fixture.h"
#include "suites.h"
#include "temp-dir.h"
#include "top-up.h"

/* Rents through numbering/active.h and keeps only the instance (the active number's
 * own attributes are tested in test-active.c). */
static int keep_instance(numbering_instance **out, numbering_active_number *a, int rc)
{
	*out = NULL;
	if (rc == NUMBERING_OK)
		ck_assert_int_eq(numbering_instance_copy(out, numbering_active_number_instance(a)), NUMBERING_OK);
	numbering_active_number_free(a);
	return rc;
}

static int rent_instance(numbering_instance **out, numbering_store *store, const char *caller, const char *project,
                         const char *number)
{
	numbering_active_number *a = NULL;
	int rc = numbering_store_rent(&a, store, caller, project, number, NULL);
	return keep_instance(out, a, rc);
}

static int rent_any_instance(numbering_instance **out, numbering_store *store, const char *caller,
                             const char *project, const numbering_available_query *q)
{
	numbering_active_number *a = NULL;
	int rc = numbering_store_rent_any(&a, store, caller, project, q, NULL);
	return keep_instance(out, a, rc);
}

static numbering_available_number *number_of(const char *text, const char *region, int type, int caps)
{
	numbering_available_number *n = NULL;
	ck_assert_int_eq(numbering_available_number_new(&n), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_numbers(n, text, NULL), NUMBERING_OK);
	if (region != NULL)
		ck_assert_int_eq(numbering_available_number_set_region_code(n, region), NUMBERING_OK);
	if (type != 0)
		ck_assert_int_eq(numbering_available_number_set_type(n, type), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_int(n, "capability", caps), NUMBERING_OK);
	return n;
}

/* Imports @count numbers given as text, all US LOCAL with SMS and VOICE; returns the rc. */
static int import_texts(numbering_store *store, const char *const *texts, int count, int64_t *imported)
{
	numbering_available_number *items[16];
	ck_assert_int_le(count, 16);
	for (int i = 0; i < count; i++) {
		items[i] = number_of(texts[i], NULL, NUMBERING_NUMBER_TYPE_LOCAL,
		                     NUMBERING_CAPABILITY_SMS | NUMBERING_CAPABILITY_VOICE);
		ck_assert_int_eq(numbering_available_number_set_money(items[i], "monthlyPrice", "USD", 200), NUMBERING_OK);
	}
	int rc = numbering_store_import_available(imported, store, NULL,
	                                          (const numbering_available_number *const *)items, count);
	for (int i = 0; i < count; i++)
		numbering_available_number_free(items[i]);
	/* A rent charges the renter's account (issue 13): fund the projects that rent. */
	if (rc == NUMBERING_OK) {
		top_up(store, "projects/p1", "USD", 1000000);
		top_up(store, "projects/p2", "USD", 1000000);
	}
	return rc;
}

static void load_stock(void)
{
	const char *texts[] = {"+12085550100-99", "+12085551234", "+12065550100", "+12085559999"};
	int64_t imported = 0;
	ck_assert_int_eq(import_texts(fx.store, texts, 4, &imported), NUMBERING_OK);
	ck_assert_int_eq(imported, 103);
}

/* Searches and returns the numbers found, comma-separated, in a static buffer. */
static const char *search(const char *pattern, int mode, int caps, int size)
{
	static char found[4096];
	numbering_available_query q = NUMBERING_AVAILABLE_QUERY_INIT;
	q.region_code = "US";
	q.type = NUMBERING_NUMBER_TYPE_LOCAL;
	q.pattern = pattern;
	q.search_pattern = mode;
	q.capabilities = caps;
	q.size = size;
	numbering_available_list *list = NULL;
	ck_assert_int_eq(numbering_store_search_available(&list, fx.store, NULL, "projects/p1", &q), NUMBERING_OK);
	found[0] = '\0';
	for (int i = 0; i < numbering_available_list_count(list); i++) {
		if (i > 0)
			strcat(found, ",");
		strcat(found, numbering_available_number_phone_number(numbering_available_list_item(list, i)));
	}
	numbering_available_list_free(list);
	return found;
}

START_TEST(search_patterns)
{
	load_stock();
	ck_assert_str_eq(search("+1208555010", NUMBERING_SEARCH_START, 0, 3), "+12085550100,+12085550101,+12085550102");
	/* Without '+', the pattern starts the national number (after US's calling code 1). */
	ck_assert_str_eq(search("206", NUMBERING_SEARCH_START, 0, 0), "+12065550100");
	ck_assert_str_eq(search("1234", NUMBERING_SEARCH_CONTAINS, 0, 0), "+12085551234");
	ck_assert_str_eq(search("99", NUMBERING_SEARCH_END, 0, 0), "+12085550199,+12085559999");
	ck_assert_str_eq(search("0150", NUMBERING_SEARCH_END, 0, 0), "+12085550150");
	/* Default size 10, ascending order across records. */
	const char *ten = search(NULL, NUMBERING_SEARCH_START, 0, 0);
	ck_assert_str_eq(ten, "+12065550100,+12085550100,+12085550101,+12085550102,+12085550103,+12085550104,"
	                      "+12085550105,+12085550106,+12085550107,+12085550108");
	ck_assert_str_eq(search("+44", NUMBERING_SEARCH_START, 0, 0), "");
	ck_assert_str_eq(search(NULL, NUMBERING_SEARCH_START, NUMBERING_CAPABILITY_MMS, 0), "");
	ck_assert_str_eq(search("+1206", NUMBERING_SEARCH_START, NUMBERING_CAPABILITY_SMS | NUMBERING_CAPABILITY_VOICE, 0),
	                 "+12065550100");
}
END_TEST

START_TEST(search_refuses_bad_queries)
{
	numbering_available_list *list = NULL;
	numbering_available_query q = NUMBERING_AVAILABLE_QUERY_INIT;
	q.type = NUMBERING_NUMBER_TYPE_LOCAL;
	fixture_expect_error(numbering_store_search_available(&list, fx.store, NULL, "projects/p1", &q),
	                     NUMBERING_INVALID_ARGUMENT, "regionCode is required");
	q.region_code = "UK";
	fixture_expect_error(numbering_store_search_available(&list, fx.store, NULL, "projects/p1", &q),
	                     NUMBERING_INVALID_ARGUMENT, "\"UK\" is not an ISO 3166-1 alpha-2 region code");
	q.region_code = "us";
	ck_assert_int_eq(numbering_store_search_available(&list, fx.store, NULL, "projects/p1", &q),
	                 NUMBERING_INVALID_ARGUMENT);
	q.region_code = "US";
	q.type = 0;
	fixture_expect_error(numbering_store_search_available(&list, fx.store, NULL, "projects/p1", &q),
	                     NUMBERING_INVALID_ARGUMENT, "type is required");
	q.type = NUMBERING_NUMBER_TYPE_LOCAL;
	q.pattern = "20a";
	fixture_expect_error(numbering_store_search_available(&list, fx.store, NULL, "projects/p1", &q),
	                     NUMBERING_INVALID_ARGUMENT, "numberPattern.pattern \"20a\"");
	q.pattern = "+1";
	q.search_pattern = NUMBERING_SEARCH_END;
	ck_assert_int_eq(numbering_store_search_available(&list, fx.store, NULL, "projects/p1", &q),
	                 NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "numberPattern.pattern");
	q.pattern = NULL;
	q.search_pattern = 7;
	ck_assert_int_eq(numbering_store_search_available(&list, fx.store, NULL, "projects/p1", &q),
	                 NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "numberPattern.searchPattern");
	q.search_pattern = 0;
	q.size = -1;
	fixture_expect_error(numbering_store_search_available(&list, fx.store, NULL, "projects/p1", &q),
	                     NUMBERING_INVALID_ARGUMENT, "size -1 is not 1 to 1000");
	q.size = 1001;
	ck_assert_int_eq(numbering_store_search_available(&list, fx.store, NULL, "projects/p1", &q),
	                 NUMBERING_INVALID_ARGUMENT);
	q.size = 0;
	q.capabilities = 8;
	ck_assert_int_eq(numbering_store_search_available(&list, fx.store, NULL, "projects/p1", &q),
	                 NUMBERING_INVALID_ARGUMENT);
	q.capabilities = 0;
	fixture_expect_error(numbering_store_search_available(&list, fx.store, NULL, "nope", &q),
	                     NUMBERING_INVALID_ARGUMENT, "projectId");
	ck_assert_ptr_null(list);
}
END_TEST

START_TEST(import_is_all_or_nothing)
{
	load_stock();
	/* The second item overlaps the block in the store: nothing of the request lands. */
	const char *texts[] = {"+12085557000", "+12085550150-60"};
	int64_t imported = -1;
	fixture_expect_error(import_texts(fx.store, texts, 2, &imported), NUMBERING_ALREADY_EXISTS,
	                     "availableNumbers[1]: +12085550150 is already in the inventory");
	ck_assert_int_eq(imported, 0);
	ck_assert_str_eq(search("7000", NUMBERING_SEARCH_END, 0, 0), "");
	/* Two items of one request overlapping each other. */
	const char *twice[] = {"+12085557000-09", "+12085557005"};
	fixture_expect_error(import_texts(fx.store, twice, 2, NULL), NUMBERING_ALREADY_EXISTS,
	                     "+12085557005 is also in availableNumbers[0]");
	/* The same out of number order (the check sorts only a request not in order), and
	 * one number twice. */
	const char *unsorted[] = {"+12085557100", "+12085557005", "+12085557000-09"};
	fixture_expect_error(import_texts(fx.store, unsorted, 3, NULL), NUMBERING_ALREADY_EXISTS,
	                     "availableNumbers[2]: +12085557005 is also in availableNumbers[1]");
	const char *same[] = {"+12085557100", "+12085557100"};
	fixture_expect_error(import_texts(fx.store, same, 2, NULL), NUMBERING_ALREADY_EXISTS,
	                     "availableNumbers[1]: +12085557100 is also in availableNumbers[0]");
	/* A live instance holds the number. */
	numbering_instance_free(fixture_create("projects/p1", "own", "+12085558000"));
	const char *held[] = {"+12085557990-8010"};
	fixture_expect_error(import_texts(fx.store, held, 1, NULL), NUMBERING_ALREADY_EXISTS,
	                     "+12085558000 is already held by a phone number instance");
	/* And the other way: an instance cannot take an inventory number. */
	numbering_instance *r = NULL, *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&r), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_phone_number(r, "+12085551234"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_create(&out, fx.store, NULL, "projects/p1", r, "steal", NULL, NULL),
	                 NUMBERING_ALREADY_EXISTS);
	numbering_instance_free(r);
}
END_TEST

START_TEST(import_refuses_bad_items)
{
	numbering_available_number *n = NULL;
	ck_assert_int_eq(numbering_available_number_new(&n), NUMBERING_OK);
	const numbering_available_number *items[] = {n};
	fixture_expect_error(numbering_store_import_available(NULL, fx.store, NULL, items, 1), NUMBERING_INVALID_ARGUMENT,
	                     "availableNumbers[0].phoneNumber is required");
	ck_assert_int_eq(numbering_available_number_set_numbers(n, "+12085550100", NULL), NUMBERING_OK);
	ck_assert_str_eq(numbering_available_number_region_code(n), "US"); /* derived from the number */
	fixture_expect_error(numbering_store_import_available(NULL, fx.store, NULL, items, 1), NUMBERING_INVALID_ARGUMENT,
	                     "availableNumbers[0].type is required");
	fixture_expect_error(numbering_available_number_set_numbers(n, "+1208abc", NULL), NUMBERING_INVALID_ARGUMENT,
	                     "phoneNumber");
	ck_assert_str_eq(numbering_available_number_phone_number(n), "+12085550100"); /* unchanged */
	fixture_expect_error(numbering_available_number_set_money(n, "setupPrice", "XYZ", 100), NUMBERING_INVALID_ARGUMENT,
	                     "\"XYZ\" is not an ISO 4217 currency code");
	ck_assert_int_eq(numbering_available_number_set_money(n, "setupPrice", "USD", -1), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_available_number_set_money(n, "rateCenter", "USD", 1), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_available_number_set_int(n, "paymentIntervalMonths", 0), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_available_number_set_int(n, "beta", 2), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_available_number_set_int(n, "capability", 8), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_available_number_set_int(n, "lata", 1), NUMBERING_INVALID_ARGUMENT);
	fixture_expect_error(numbering_available_number_set_text(n, "rateCenter", "a\x01"), NUMBERING_INVALID_ARGUMENT,
	                     "control character");
	ck_assert_int_eq(numbering_available_number_set_text(n, "rateCenter", "\xff"), NUMBERING_INVALID_ARGUMENT);
	char lata[40];
	memset(lata, '1', sizeof(lata) - 1);
	lata[sizeof(lata) - 1] = '\0';
	ck_assert_int_eq(numbering_available_number_set_text(n, "lata", lata), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_available_number_set_text(n, "beta", "x"), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_available_number_set_type(n, 9), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_available_number_set_region_code(n, "ZZ"), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_store_import_available(NULL, fx.store, NULL, items, 0), NUMBERING_INVALID_ARGUMENT);
	/* Prices in two currencies: no acquisition could charge them (one amount, one
	 * currency), and nothing of the request lands. */
	ck_assert_int_eq(numbering_available_number_set_type(n, NUMBERING_NUMBER_TYPE_LOCAL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_money(n, "setupPrice", "USD", 100), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_money(n, "monthlyPrice", "EUR", 200), NUMBERING_OK);
	numbering_available_number *good = NULL;
	ck_assert_int_eq(numbering_available_number_new(&good), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_numbers(good, "+12085550200", NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_type(good, NUMBERING_NUMBER_TYPE_LOCAL), NUMBERING_OK);
	const numbering_available_number *both[] = {good, n};
	fixture_expect_error(numbering_store_import_available(NULL, fx.store, NULL, both, 2), NUMBERING_INVALID_ARGUMENT,
	                     "availableNumbers[1].monthlyPrice.currencyCode \"EUR\" is not setupPrice's \"USD\": a "
	                     "number's prices are in one currency (+12085550100)");
	ck_assert_str_eq(numbering_error_violation_field(0), "availableNumbers[1].monthlyPrice.currencyCode");
	ck_assert_str_eq(search(NULL, NUMBERING_SEARCH_START, 0, 0), "");
	/* One price alone, or both in one currency, is one currency. */
	ck_assert_int_eq(numbering_available_number_set_money(n, "monthlyPrice", "USD", 200), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_import_available(NULL, fx.store, NULL, both, 2), NUMBERING_OK);
	numbering_available_number_free(good);
	numbering_available_number_free(n);
}
END_TEST

START_TEST(attributes_round_trip_through_the_store)
{
	numbering_available_number *n = number_of("+12085550100-09", NULL, NUMBERING_NUMBER_TYPE_LOCAL,
	                                          NUMBERING_CAPABILITY_SMS);
	ck_assert_int_eq(numbering_available_number_set_money(n, "setupPrice", "JPY", 150), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_money(n, "monthlyPrice", "JPY", 500), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_int(n, "paymentIntervalMonths", 12), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_int(n, "beta", 1), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_int(n, "regionId", 42), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_text(n, "rateCenter", "BOISE"), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_text(n, "friendlyName", "Boise, Idaho \xc3\xa9"), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_text(n, "lata", "656"), NUMBERING_OK);
	const numbering_available_number *items[] = {n};
	ck_assert_int_eq(numbering_store_import_available(NULL, fx.store, NULL, items, 1), NUMBERING_OK);
	numbering_available_number_free(n);

	numbering_available_number *got = NULL;
	ck_assert_int_eq(numbering_store_get_available(&got, fx.store, NULL, "projects/p1", "+12085550105"), NUMBERING_OK);
	ck_assert_str_eq(numbering_available_number_phone_number(got), "+12085550105");
	ck_assert_int_eq(numbering_available_number_size(got), 1);
	ck_assert_str_eq(numbering_available_number_region_code(got), "US");
	ck_assert_int_eq(numbering_available_number_type(got), NUMBERING_NUMBER_TYPE_LOCAL);
	const char *currency;
	int64_t minor;
	ck_assert_int_eq(numbering_available_number_money(got, "setupPrice", &currency, &minor), NUMBERING_OK);
	ck_assert_str_eq(currency, "JPY");
	ck_assert_int_eq(minor, 150);
	ck_assert_int_eq(numbering_available_number_money(got, "monthlyPrice", &currency, &minor), NUMBERING_OK);
	ck_assert_str_eq(currency, "JPY");
	ck_assert_int_eq(minor, 500);
	ck_assert_int_eq(numbering_available_number_int(got, "paymentIntervalMonths"), 12);
	ck_assert_int_eq(numbering_available_number_int(got, "beta"), 1);
	ck_assert_int_eq(numbering_available_number_int(got, "supportingDocumentationRequired"), 0);
	ck_assert_int_eq(numbering_available_number_int(got, "regionId"), 42);
	ck_assert_int_eq(numbering_available_number_int(got, "capability"), NUMBERING_CAPABILITY_SMS);
	ck_assert_str_eq(numbering_available_number_text(got, "rateCenter"), "BOISE");
	ck_assert_str_eq(numbering_available_number_text(got, "friendlyName"), "Boise, Idaho \xc3\xa9");
	ck_assert_str_eq(numbering_available_number_text(got, "lata"), "656");
	ck_assert_str_eq(numbering_available_number_text(got, "postalCode"), "");
	numbering_available_number_free(got);
	fixture_expect_error(numbering_store_get_available(&got, fx.store, NULL, "projects/p1", "+12085550110"),
	                     NUMBERING_NOT_FOUND, "phone number +12085550110 is not available");
	ck_assert_ptr_null(got);
	ck_assert_int_eq(numbering_store_get_available(&got, fx.store, NULL, "projects/p1", "+12085550100-1"),
	                 NUMBERING_INVALID_ARGUMENT);
}
END_TEST

START_TEST(rent_moves_a_number_to_an_instance)
{
	load_stock();
	numbering_instance *out = NULL;
	ck_assert_int_eq(rent_instance(&out, fx.store, NULL, "projects/p1", "+12085550150"), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_phone_number(out), "+12085550150");
	ck_assert_int_eq(numbering_instance_lifecycle_state(out), NUMBERING_LIFECYCLE_ACTIVE);
	ck_assert_int_eq(numbering_instance_activate_time(out), numbering_instance_create_time(out));
	ck_assert_str_eq(numbering_instance_country_code(out), "US");
	ck_assert_int_eq(numbering_instance_number_type(out), NUMBERING_NUMBER_TYPE_LOCAL);
	ck_assert_int_eq(numbering_instance_capabilities(out), NUMBERING_CAPABILITY_SMS | NUMBERING_CAPABILITY_VOICE);
	ck_assert_int_eq(numbering_instance_is_range(out), 0);
	ck_assert(strncmp(numbering_instance_name(out), "projects/p1/phoneNumberInstances/", 33) == 0);
	/* It resolves to the instance, and is no longer available. */
	numbering_resolution *res = NULL;
	ck_assert_int_eq(numbering_resolution_new(&res), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_resolve(res, fx.store, NULL, "+12085550150", NULL), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_name(numbering_resolution_instance(res)), numbering_instance_name(out));
	numbering_resolution_free(res);
	numbering_instance *got = NULL;
	ck_assert_int_eq(numbering_store_get(&got, fx.store, NULL, numbering_instance_name(out)), NUMBERING_OK);
	numbering_instance_free(got);
	numbering_instance_free(out);
	ck_assert_str_eq(search("+120855501", NUMBERING_SEARCH_START, 0, 0), "+12085550100,+12085550101,+12085550102,"
	                 "+12085550103,+12085550104,+12085550105,+12085550106,+12085550107,+12085550108,+12085550109");
	ck_assert_str_eq(search("+1208555015", NUMBERING_SEARCH_START, 0, 0), "+12085550151,+12085550152,+12085550153,"
	                 "+12085550154,+12085550155,+12085550156,+12085550157,+12085550158,+12085550159");
	fixture_expect_error(rent_instance(&out, fx.store, NULL, "projects/p2", "+12085550150"), NUMBERING_NOT_FOUND,
	                     "+12085550150 is not available");
	/* The first and the last of the block; then what is left is two records. */
	ck_assert_int_eq(rent_instance(&out, fx.store, NULL, "projects/p1", "+12085550100"), NUMBERING_OK);
	numbering_instance_free(out);
	ck_assert_int_eq(rent_instance(&out, fx.store, NULL, "projects/p1", "+12085550199"), NUMBERING_OK);
	numbering_instance_free(out);
	ck_assert_str_eq(search("+1208555010", NUMBERING_SEARCH_START, 0, 2), "+12085550101,+12085550102");
	ck_assert_str_eq(search("9", NUMBERING_SEARCH_END, 0, 3), "+12085550109,+12085550119,+12085550129");
	/* Withdrawing what is left of the block: 97 numbers in two records. */
	int64_t removed = 0;
	const char *block[] = {"+12085550101-49", "+12085550151-98"};
	ck_assert_int_eq(numbering_store_remove_available(&removed, fx.store, NULL, block, 2), NUMBERING_OK);
	ck_assert_int_eq(removed, 97);
	ck_assert_str_eq(search("+12085550", NUMBERING_SEARCH_START, 0, 0), "");
}
END_TEST

START_TEST(rent_any_takes_the_lowest_match)
{
	load_stock();
	numbering_available_query q = NUMBERING_AVAILABLE_QUERY_INIT;
	q.region_code = "US";
	q.type = NUMBERING_NUMBER_TYPE_LOCAL;
	q.pattern = "+1208";
	q.capabilities = NUMBERING_CAPABILITY_SMS;
	numbering_instance *out = NULL;
	ck_assert_int_eq(rent_any_instance(&out, fx.store, NULL, "projects/p1", &q), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_phone_number(out), "+12085550100");
	numbering_instance_free(out);
	ck_assert_int_eq(rent_any_instance(&out, fx.store, NULL, "projects/p1", &q), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_phone_number(out), "+12085550101");
	numbering_instance_free(out);
	q.pattern = "+1999";
	fixture_expect_error(rent_any_instance(&out, fx.store, NULL, "projects/p1", &q), NUMBERING_NOT_FOUND,
	                     "no available number of US/LOCAL matches");
	q.pattern = NULL;
	q.type = NUMBERING_NUMBER_TYPE_MOBILE;
	ck_assert_int_eq(rent_any_instance(&out, fx.store, NULL, "projects/p1", &q), NUMBERING_NOT_FOUND);
	ck_assert_ptr_null(out);
}
END_TEST

START_TEST(documents_required_rents_pending)
{
	numbering_available_number *n = number_of("+12085550100", NULL, NUMBERING_NUMBER_TYPE_LOCAL, 0);
	ck_assert_int_eq(numbering_available_number_set_int(n, "supportingDocumentationRequired", 1), NUMBERING_OK);
	const numbering_available_number *items[] = {n};
	ck_assert_int_eq(numbering_store_import_available(NULL, fx.store, NULL, items, 1), NUMBERING_OK);
	numbering_available_number_free(n);
	numbering_instance *out = NULL;
	ck_assert_int_eq(rent_instance(&out, fx.store, NULL, "projects/p1", "+12085550100"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_lifecycle_state(out), NUMBERING_LIFECYCLE_PENDING);
	ck_assert_int_eq(numbering_instance_activate_time(out), 0);
	numbering_instance_free(out);
}
END_TEST

START_TEST(remove_is_all_or_nothing)
{
	load_stock();
	const char *texts[] = {"+12085551234", "+12085550100-99", "+12085557777"};
	int64_t removed = -1;
	fixture_expect_error(numbering_store_remove_available(&removed, fx.store, NULL, texts, 3), NUMBERING_NOT_FOUND,
	                     "phoneNumbers[2]: +12085557777 is not in the inventory");
	ck_assert_int_eq(removed, 0);
	ck_assert_str_eq(search("1234", NUMBERING_SEARCH_END, 0, 0), "+12085551234");
	const char *bad[] = {"+1208x"};
	ck_assert_int_eq(numbering_store_remove_available(NULL, fx.store, NULL, bad, 1), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "phoneNumbers[0]");
	const char *part[] = {"+12085550150-59", "+12085551234"};
	ck_assert_int_eq(numbering_store_remove_available(&removed, fx.store, NULL, part, 2), NUMBERING_OK);
	ck_assert_int_eq(removed, 11);
	ck_assert_str_eq(search("+1208555015", NUMBERING_SEARCH_START, 0, 0), "");
	ck_assert_str_eq(search("+1208555016", NUMBERING_SEARCH_START, 0, 1), "+12085550160");
}
END_TEST

START_TEST(host_operations_need_the_star_project)
{
	fx.deny_permission = "numbering.availableNumbers.import";
	const char *texts[] = {"+12085551234"};
	fixture_expect_error(import_texts(fx.store, texts, 1, NULL), NUMBERING_PERMISSION_DENIED,
	                     "numbering.availableNumbers.import on *");
	fx.deny_permission = NULL;
	ck_assert_int_eq(import_texts(fx.store, texts, 1, NULL), NUMBERING_OK);
	fx.deny_permission = "numbering.availableNumbers.rent";
	fx.deny_project = "projects/p2";
	numbering_instance *out = NULL;
	ck_assert_int_eq(rent_instance(&out, fx.store, "user:eve", "projects/p2", "+12085551234"),
	                 NUMBERING_PERMISSION_DENIED);
	ck_assert_int_eq(rent_instance(&out, fx.store, "user:eve", "projects/p1", "+12085551234"), NUMBERING_OK);
	numbering_instance_free(out);
	fx.deny_permission = "numbering.availableNumbers.remove";
	fx.deny_project = NULL;
	ck_assert_int_eq(numbering_store_remove_available(NULL, fx.store, NULL, texts, 1), NUMBERING_PERMISSION_DENIED);
}
END_TEST

START_TEST(file_backend_keeps_the_inventory)
{
	char path[TEMP_PATH_MAX];
	fixture_temp_store_path(path, sizeof(path), "inventory");
	for (int round = 0; round < 2; round++) {
		numbering_store *store = fixture_open_file(path);
		if (round == 0) {
			const char *texts[] = {"+12085550100-99"};
			ck_assert_int_eq(import_texts(store, texts, 1, NULL), NUMBERING_OK);
			numbering_instance *out = NULL;
			ck_assert_int_eq(rent_instance(&out, store, NULL, "projects/p1", "+12085550142"), NUMBERING_OK);
			numbering_instance_free(out);
		} else {
			numbering_available_number *got = NULL;
			ck_assert_int_eq(numbering_store_get_available(&got, store, NULL, "projects/p1", "+12085550143"),
			                 NUMBERING_OK);
			const char *currency;
			int64_t minor;
			ck_assert_int_eq(numbering_available_number_money(got, "monthlyPrice", &currency, &minor), NUMBERING_OK);
			ck_assert_int_eq(minor, 200);
			numbering_available_number_free(got);
			ck_assert_int_eq(numbering_store_get_available(&got, store, NULL, "projects/p1", "+12085550142"),
			                 NUMBERING_NOT_FOUND);
		}
		numbering_store_close(store);
	}
	unlink(path);
}
END_TEST

/* The regions as "GB:MOBILE US:LOCAL,TOLL_FREE", in a static buffer; asserts success. */
static const char *regions(int types)
{
	static char text[512];
	numbering_available_region_list *list = NULL;
	ck_assert_int_eq(numbering_store_available_regions(&list, fx.store, NULL, "projects/p1", types), NUMBERING_OK);
	text[0] = '\0';
	for (int i = 0; i < numbering_available_region_list_count(list); i++) {
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s%s(%s):", i > 0 ? " " : "",
		         numbering_available_region_list_code(list, i), numbering_available_region_list_name(list, i));
		int bits = numbering_available_region_list_types(list, i);
		const char *sep = "";
		for (int t = 1; t <= NUMBERING_NUMBER_TYPE_SHARED_RATE; t++)
			if (bits & NUMBERING_NUMBER_TYPE_BIT(t)) {
				snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s%s", sep, numbering_number_type_name(t));
				sep = ",";
			}
	}
	numbering_available_region_list_free(list);
	return text;
}

static void import_one(const char *text, const char *region, int type)
{
	numbering_available_number *n = number_of(text, region, type, NUMBERING_CAPABILITY_VOICE);
	const numbering_available_number *items[] = {n};
	ck_assert_int_eq(numbering_store_import_available(NULL, fx.store, NULL, items, 1), NUMBERING_OK);
	numbering_available_number_free(n);
}

START_TEST(regions_list_the_types_in_stock)
{
	ck_assert_str_eq(regions(0), "");
	import_one("+12085550100-99", "US", NUMBERING_NUMBER_TYPE_LOCAL);
	import_one("+447700900123", "GB", NUMBERING_NUMBER_TYPE_MOBILE);
	import_one("+18005550100", "US", NUMBERING_NUMBER_TYPE_TOLL_FREE);
	import_one("+46701234567", "SE", NUMBERING_NUMBER_TYPE_MOBILE);
	ck_assert_str_eq(regions(0), "GB(United Kingdom):MOBILE SE(Sweden):MOBILE US(United States):LOCAL,TOLL_FREE");
	ck_assert_str_eq(regions(NUMBERING_NUMBER_TYPE_BIT(NUMBERING_NUMBER_TYPE_MOBILE)),
	                 "GB(United Kingdom):MOBILE SE(Sweden):MOBILE");
	ck_assert_str_eq(regions(NUMBERING_NUMBER_TYPE_BIT(NUMBERING_NUMBER_TYPE_TOLL_FREE) |
	                         NUMBERING_NUMBER_TYPE_BIT(NUMBERING_NUMBER_TYPE_SHARED_RATE)),
	                 "US(United States):TOLL_FREE");
	ck_assert_str_eq(regions(NUMBERING_NUMBER_TYPE_BIT(NUMBERING_NUMBER_TYPE_NATIONAL)), "");
	/* A region whose last number left the inventory is no longer listed. */
	const char *gone[] = {"+447700900123", "+18005550100"};
	ck_assert_int_eq(numbering_store_remove_available(NULL, fx.store, NULL, gone, 2), NUMBERING_OK);
	ck_assert_str_eq(regions(0), "SE(Sweden):MOBILE US(United States):LOCAL");
}
END_TEST

START_TEST(regions_refuse_bad_requests)
{
	numbering_available_region_list *list = (numbering_available_region_list *)&list;
	fixture_expect_error(numbering_store_available_regions(&list, fx.store, NULL, "projects/p1", 1),
	                     NUMBERING_INVALID_ARGUMENT, "types 0x1 holds a bit that is no number type");
	ck_assert_ptr_null(list);
	ck_assert_str_eq(numbering_error_violation_field(0), "types");
	ck_assert_int_eq(numbering_store_available_regions(&list, fx.store, NULL, "projects/p1", 1 << 6),
	                 NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_store_available_regions(&list, fx.store, NULL, "projects/p1", -1),
	                 NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_store_available_regions(&list, fx.store, NULL, "p1", 0), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "projectId");
	ck_assert_int_eq(numbering_store_available_regions(NULL, fx.store, NULL, "projects/p1", 0),
	                 NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_store_available_regions(&list, NULL, NULL, "projects/p1", 0),
	                 NUMBERING_INVALID_ARGUMENT);
	fx.deny_permission = "numbering.availableRegions.list";
	fx.deny_project = "projects/p2";
	fixture_expect_error(numbering_store_available_regions(&list, fx.store, "user:eve", "projects/p2", 0),
	                     NUMBERING_PERMISSION_DENIED, "numbering.availableRegions.list");
	ck_assert_ptr_null(list);
	ck_assert_int_eq(numbering_store_available_regions(&list, fx.store, "user:eve", "projects/p1", 0), NUMBERING_OK);
	/* Getters out of range and on NULL. */
	ck_assert_int_eq(numbering_available_region_list_count(list), 0);
	ck_assert_str_eq(numbering_available_region_list_code(list, 0), "");
	ck_assert_str_eq(numbering_available_region_list_name(list, -1), "");
	ck_assert_int_eq(numbering_available_region_list_types(list, 0), 0);
	ck_assert_int_eq(numbering_available_region_list_count(NULL), 0);
	ck_assert_str_eq(numbering_available_region_list_code(NULL, 0), "");
	numbering_available_region_list_free(list);
	numbering_available_region_list_free(NULL);
}
END_TEST

START_TEST(import_refuses_a_block_s_first_number)
{
	load_stock();
	/* Named by its first number: without the check, this put would replace the block. */
	const char *again[] = {"+12085550100"};
	fixture_expect_error(import_texts(fx.store, again, 1, NULL), NUMBERING_ALREADY_EXISTS,
	                     "availableNumbers[0]: +12085550100 is already in the inventory");
	ck_assert_str_eq(search("+1208555019", NUMBERING_SEARCH_START, 0, 0),
	                 "+12085550190,+12085550191,+12085550192,+12085550193,+12085550194,+12085550195,+12085550196,"
	                 "+12085550197,+12085550198,+12085550199");
}
END_TEST

/* Calls @method with @request on @store; returns the response (static) and sets *rc. */
static const char *call(numbering_store *store, const char *caller, const char *method, const char *request, int *rc)
{
	static char text[4096];
	char *response = NULL;
	*rc = numbering_store_call_json(&response, store, caller, method, request);
	ck_assert_ptr_nonnull(response);
	snprintf(text, sizeof(text), "%s", response);
	numbering_free(response);
	return text;
}

static const char import_request[] =
	"{\"requestId\":\"load-1\",\"availableNumbers\":[{\"phoneNumber\":\"+12085550100-99\",\"type\":\"LOCAL\","
	"\"capability\":[\"SMS\",\"VOICE\"],\"setupPrice\":{\"currencyCode\":\"USD\",\"amount\":\"2.00\"},"
	"\"rateCenter\":\"BOISE\"}]}";

START_TEST(json_import_retries_by_request_id)
{
	int rc;
	ck_assert_str_eq(call(fx.store, NULL, "ImportAvailableNumbers", import_request, &rc), "{\"importedCount\":100}");
	ck_assert_int_eq(rc, NUMBERING_OK);
	/* A retry answers the first count and imports nothing (an import without the id
	 * would be ALREADY_EXISTS). */
	ck_assert_str_eq(call(fx.store, NULL, "ImportAvailableNumbers", import_request, &rc), "{\"importedCount\":100}");
	ck_assert_int_eq(rc, NUMBERING_OK);
	/* The id with another request. */
	call(fx.store, NULL, "ImportAvailableNumbers",
	     "{\"requestId\":\"load-1\",\"availableNumbers\":[{\"phoneNumber\":\"+12085550300\",\"type\":\"LOCAL\"}]}", &rc);
	ck_assert_int_eq(rc, NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "requestId");
	ck_assert_str_eq(search("+12085550300", NUMBERING_SEARCH_START, 0, 0), "");
	call(fx.store, NULL, "ImportAvailableNumbers",
	     "{\"requestId\":\"a b\",\"availableNumbers\":[{\"phoneNumber\":\"+12085550300\",\"type\":\"LOCAL\"}]}", &rc);
	ck_assert_int_eq(rc, NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "requestId");
	/* Without an id, numbers in the inventory are refused. */
	call(fx.store, NULL, "ImportAvailableNumbers",
	     "{\"availableNumbers\":[{\"phoneNumber\":\"+12085550150\",\"type\":\"LOCAL\"}]}", &rc);
	ck_assert_int_eq(rc, NUMBERING_ALREADY_EXISTS);
}
END_TEST

START_TEST(json_import_names_the_bad_value)
{
	static const struct {
		const char *item, *field, *text;
	} cases[] = {
		{"{\"phoneNumber\":\"+12085550300\",\"type\":\"LOCAL\",\"setupPrice\":{\"currencyCode\":\"USD\",\"amount\":"
		 "\"2,00\"}}",
		 "availableNumbers[1].setupPrice.amount", "\"2,00\""},
		{"{\"phoneNumber\":\"+12085550300\",\"type\":\"LOCAL\",\"setupPrice\":{\"currencyCode\":\"USD\",\"amount\":2}}",
		 "availableNumbers[1].setupPrice.amount", "not a JSON number"},
		{"{\"phoneNumber\":\"+12085550300\",\"type\":\"LOCAL\",\"monthlyPrice\":{\"currencyCode\":\"XYZ\",\"amount\":"
		 "\"1\"}}",
		 "availableNumbers[1].monthlyPrice.currencyCode", "\"XYZ\""},
		{"{\"phoneNumber\":\"+12085550300\",\"type\":\"LOCAL\",\"setupPrice\":{\"currencyCode\":\"USD\",\"amount\":"
		 "\"2\"},\"monthlyPrice\":{\"currencyCode\":\"EUR\",\"amount\":\"1\"}}",
		 "availableNumbers[1].monthlyPrice.currencyCode", "\"EUR\" is not setupPrice's \"USD\""},
		{"{\"phoneNumber\":\"+1208555030a\",\"type\":\"LOCAL\"}", "availableNumbers[1].phoneNumber", "+1208555030a"},
		{"{\"phoneNumber\":\"+12085550300\",\"type\":\"NUMBER_TYPE_UNSPECIFIED\"}", "availableNumbers[1].type",
		 "\"NUMBER_TYPE_UNSPECIFIED\""},
		{"{\"phoneNumber\":\"+12085550300\",\"type\":\"LOCAL\",\"capability\":[\"FAX\"]}",
		 "availableNumbers[1].capability[0]", "\"FAX\""},
		{"{\"phoneNumber\":\"+12085550300\",\"type\":\"LOCAL\",\"paymentIntervalMonths\":121}",
		 "availableNumbers[1].paymentIntervalMonths", "\"121\""},
		{"{\"phoneNumber\":\"+12085550300\",\"type\":\"LOCAL\",\"beta\":1}", "availableNumbers[1].beta", "boolean"},
		{"{\"phoneNumber\":\"+12085550300\",\"type\":\"LOCAL\",\"lata\":\"\\u0001\"}", "availableNumbers[1].lata",
		 "control character"},
		{"{\"phoneNumber\":\"+12085550300\",\"type\":\"LOCAL\",\"colour\":\"red\"}", "availableNumbers[1].colour",
		 "unknown field"},
		{"{\"phoneNumber\":\"+12085550300\",\"regionCode\":\"UK\",\"type\":\"LOCAL\"}",
		 "availableNumbers[1].regionCode", "\"UK\""},
		{"{\"phoneNumber\":\"+12085550300\"}", "availableNumbers[1].type", "required"},
		{"7", "availableNumbers[1]", "must be an object"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char request[1024];
		snprintf(request, sizeof(request),
		         "{\"availableNumbers\":[{\"phoneNumber\":\"+12085550400\",\"type\":\"LOCAL\"},%s]}", cases[i].item);
		int rc;
		call(fx.store, NULL, "ImportAvailableNumbers", request, &rc);
		ck_assert_msg(rc == NUMBERING_INVALID_ARGUMENT, "case %zu: rc %d", i, rc);
		ck_assert_str_eq(numbering_error_violation_field(0), cases[i].field);
		ck_assert_msg(strstr(numbering_error_message(), cases[i].text) != NULL, "case %zu: %s", i,
		              numbering_error_message());
	}
	/* Nothing was imported, the good first item included. */
	ck_assert_str_eq(search(NULL, NUMBERING_SEARCH_START, 0, 0), "");
}
END_TEST

START_TEST(json_methods_answer_in_the_seed_s_shape)
{
	int rc;
	call(fx.store, NULL, "ImportAvailableNumbers", import_request, &rc);
	ck_assert_int_eq(rc, NUMBERING_OK);
	ck_assert_str_eq(call(fx.store, NULL, "NumberService_GetAvailableNumber",
	                      "{\"projectId\":\"p1\",\"phoneNumber\":\"+12085550142\"}", &rc),
	                 "{\"phoneNumber\":\"+12085550142\",\"regionCode\":\"US\",\"type\":\"LOCAL\",\"capability\":"
	                 "[\"SMS\",\"VOICE\"],\"setupPrice\":{\"currencyCode\":\"USD\",\"amount\":\"2.00\"},"
	                 "\"paymentIntervalMonths\":1,\"supportingDocumentationRequired\":false}");
	ck_assert_str_eq(call(fx.store, NULL, "NumberService_ListAvailableNumbers",
	                      "{\"projectId\":\"p1\",\"regionCode\":\"US\",\"type\":\"LOCAL\",\"numberPattern\":"
	                      "{\"pattern\":\"199\",\"searchPattern\":\"END\"},\"capabilities\":[\"VOICE\"],\"size\":5}",
	                      &rc),
	                 "{\"availableNumbers\":[{\"phoneNumber\":\"+12085550199\",\"regionCode\":\"US\",\"type\":"
	                 "\"LOCAL\",\"capability\":[\"SMS\",\"VOICE\"],\"setupPrice\":{\"currencyCode\":\"USD\","
	                 "\"amount\":\"2.00\"},\"paymentIntervalMonths\":1,\"supportingDocumentationRequired\":false}]}");
	ck_assert_str_eq(call(fx.store, NULL, "NumberService_ListAvailableRegions",
	                      "{\"projectId\":\"p1\",\"types\":[\"LOCAL\",\"MOBILE\"]}", &rc),
	                 "{\"availableRegions\":[{\"regionCode\":\"US\",\"regionName\":\"United States\",\"types\":"
	                 "[\"LOCAL\"]}]}");
	call(fx.store, NULL, "NumberService_ListAvailableRegions", "{\"projectId\":\"p1\",\"types\":[\"FAX\"]}", &rc);
	ck_assert_int_eq(rc, NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "types[0]");
	call(fx.store, NULL, "NumberService_ListAvailableNumbers",
	     "{\"projectId\":\"p1\",\"regionCode\":\"US\",\"type\":\"LOCAL\",\"numberPattern\":{\"searchPattern\":\"MID\"}}",
	     &rc);
	ck_assert_str_eq(numbering_error_violation_field(0), "numberPattern.searchPattern");
	call(fx.store, NULL, "NumberService_GetAvailableNumber", "{\"phoneNumber\":\"+12085550142\"}", &rc);
	ck_assert_int_eq(rc, NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "projectId");
	ck_assert_str_eq(call(fx.store, NULL, "RemoveAvailableNumbers", "{\"phoneNumbers\":[\"+12085550100-49\"]}", &rc),
	                 "{\"removedCount\":50}");
	call(fx.store, NULL, "RemoveAvailableNumbers", "{\"phoneNumbers\":[\"+12085550150\",7]}", &rc);
	ck_assert_int_eq(rc, NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "phoneNumbers[1]");
	ck_assert_str_eq(search("+1208555015", NUMBERING_SEARCH_START, 0, 1), "+12085550150");
}
END_TEST

START_TEST(json_import_request_id_survives_reopening)
{
	char path[TEMP_PATH_MAX];
	ck_assert_int_eq(temp_dir_template(path, sizeof(path), "import"), 0);
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	unlink(path);
	for (int round = 0; round < 2; round++) {
		numbering_backend *backend = NULL;
		ck_assert_int_eq(numbering_file_backend_new(&backend, path, NULL), NUMBERING_OK);
		numbering_options options = NUMBERING_OPTIONS_INIT;
		options.backend = backend;
		numbering_store *store = NULL;
		ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
		int rc;
		ck_assert_str_eq(call(store, NULL, "ImportAvailableNumbers", import_request, &rc), "{\"importedCount\":100}");
		ck_assert_int_eq(rc, NUMBERING_OK);
		numbering_store_close(store);
	}
	numbering_file_report report;
	memset(&report, 0, sizeof(report));
	report.version = NUMBERING_FILE_REPORT_VERSION;
	ck_assert_int_eq(numbering_file_check(&report, path, 0), NUMBERING_OK);
	ck_assert_int_eq(report.status, NUMBERING_OK);
	unlink(path);
}
END_TEST

START_TEST(start_search_finds_a_block_reaching_in_from_below)
{
	/* +12083449990 .. +12083450010: one record starting before the prefix's numbers. */
	const char *texts[] = {"+12083449990-50010", "+12083450500"};
	ck_assert_int_eq(import_texts(fx.store, texts, 2, NULL), NUMBERING_OK);
	ck_assert_str_eq(search("+1208345", NUMBERING_SEARCH_START, 0, 3), "+12083450000,+12083450001,+12083450002");
	ck_assert_str_eq(search("+1208345001", NUMBERING_SEARCH_START, 0, 0), "+12083450010");
	ck_assert_str_eq(search("+1208345", NUMBERING_SEARCH_START, NUMBERING_CAPABILITY_SMS, 12),
	                 "+12083450000,+12083450001,+12083450002,+12083450003,+12083450004,+12083450005,"
	                 "+12083450006,+12083450007,+12083450008,+12083450009,+12083450010,+12083450500");
	ck_assert_str_eq(search("+120834499", NUMBERING_SEARCH_START, 0, 0),
	                 "+12083449990,+12083449991,+12083449992,+12083449993,+12083449994,+12083449995,"
	                 "+12083449996,+12083449997,+12083449998,+12083449999");
	numbering_instance *out = NULL;
	numbering_available_query q = NUMBERING_AVAILABLE_QUERY_INIT;
	q.region_code = "US";
	q.type = NUMBERING_NUMBER_TYPE_LOCAL;
	q.pattern = "208345"; /* the national number's start */
	ck_assert_int_eq(rent_any_instance(&out, fx.store, NULL, "projects/p1", &q), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_phone_number(out), "+12083450000");
	numbering_instance_free(out);
}
END_TEST

/* Searches @region @type and returns the numbers found, comma-separated, in a static
 * buffer (search() is US LOCAL's). */
static const char *search_in(const char *region, int type, const char *pattern, int caps, int size)
{
	static char found[64 * 1024];
	numbering_available_query q = NUMBERING_AVAILABLE_QUERY_INIT;
	q.region_code = region;
	q.type = type;
	q.pattern = pattern;
	q.search_pattern = NUMBERING_SEARCH_START;
	q.capabilities = caps;
	q.size = size;
	numbering_available_list *list = NULL;
	ck_assert_int_eq(numbering_store_search_available(&list, fx.store, NULL, "projects/p1", &q), NUMBERING_OK);
	found[0] = '\0';
	for (int i = 0; i < numbering_available_list_count(list); i++) {
		const numbering_available_number *item = numbering_available_list_item(list, i);
		ck_assert_uint_lt(strlen(found), sizeof(found) - 24);
		if (i > 0)
			strcat(found, ",");
		strcat(found, numbering_available_number_phone_number(item));
		/* Every result carries its block's attributes (shared, not copied, per result). */
		ck_assert_str_eq(numbering_available_number_region_code(item), region);
		ck_assert_str_eq(numbering_available_number_text(item, "rateCenter"), "RC");
	}
	numbering_available_list_free(list);
	return found;
}

/* Imports one available number @text of @region @type with @caps (a rate center, so
 * results have text to share); returns the rc. */
static int import_stock_one(const char *text, const char *region, int type, int caps)
{
	numbering_available_number *n = NULL;
	ck_assert_int_eq(numbering_available_number_new(&n), NUMBERING_OK);
	int rc = numbering_available_number_set_numbers(n, text, NULL);
	if (rc == NUMBERING_OK) {
		ck_assert_int_eq(numbering_available_number_set_region_code(n, region), NUMBERING_OK);
		ck_assert_int_eq(numbering_available_number_set_type(n, type), NUMBERING_OK);
		ck_assert_int_eq(numbering_available_number_set_int(n, "capability", caps), NUMBERING_OK);
		ck_assert_int_eq(numbering_available_number_set_text(n, "rateCenter", "RC"), NUMBERING_OK);
		rc = numbering_store_import_available(NULL, fx.store, NULL, (const numbering_available_number *const *)&n, 1);
	}
	numbering_available_number_free(n);
	return rc;
}

START_TEST(start_search_outside_the_region_s_lengths)
{
	/* Stock of US LOCAL: 11-digit numbers, and numbers of other lengths imported with
	 * regionCode US (a German one of 7 digits, a British one of 12). */
	ck_assert_int_eq(import_stock_one("+12085550100-02", "US", NUMBERING_NUMBER_TYPE_LOCAL, NUMBERING_CAPABILITY_SMS),
	                 NUMBERING_OK);
	ck_assert_int_eq(import_stock_one("+4935551", "US", NUMBERING_NUMBER_TYPE_LOCAL, NUMBERING_CAPABILITY_SMS), NUMBERING_OK);
	ck_assert_int_eq(import_stock_one("+441632960001", "US", NUMBERING_NUMBER_TYPE_LOCAL, NUMBERING_CAPABILITY_SMS),
	                 NUMBERING_OK);
	/* In number order: the shorter numbers first. */
	ck_assert_str_eq(search_in("US", NUMBERING_NUMBER_TYPE_LOCAL, NULL, 0, 0),
	                 "+4935551,+12085550100,+12085550101,+12085550102,+441632960001");
	ck_assert_str_eq(search_in("US", NUMBERING_NUMBER_TYPE_LOCAL, "+4", 0, 0), "+4935551,+441632960001");
	ck_assert_str_eq(search_in("US", NUMBERING_NUMBER_TYPE_LOCAL, "+44", 0, 0), "+441632960001");
	ck_assert_str_eq(search_in("US", NUMBERING_NUMBER_TYPE_LOCAL, "+4935551", 0, 0), "+4935551");
	ck_assert_str_eq(search_in("US", NUMBERING_NUMBER_TYPE_LOCAL, "+1", 0, 2), "+12085550100,+12085550101");
	/* Patterns longer than the region's numbers (up to 16 digits with the calling code). */
	ck_assert_str_eq(search_in("US", NUMBERING_NUMBER_TYPE_LOCAL, "+120855501001", 0, 0), "");
	ck_assert_str_eq(search_in("US", NUMBERING_NUMBER_TYPE_LOCAL, "+120855501001234", 0, 0), "");
	ck_assert_str_eq(search_in("US", NUMBERING_NUMBER_TYPE_LOCAL, "208555010012345", 0, 0), "");
	ck_assert_str_eq(search_in("US", NUMBERING_NUMBER_TYPE_LOCAL, "+4416329600012", 0, 0), "");
	/* A capability none has, and a region without stock. */
	ck_assert_str_eq(search_in("US", NUMBERING_NUMBER_TYPE_LOCAL, "+4", NUMBERING_CAPABILITY_VOICE, 0), "");
	ck_assert_str_eq(search_in("GB", NUMBERING_NUMBER_TYPE_LOCAL, "+44", 0, 0), "");
}
END_TEST

/* A stocked record, for the expected answer. */
struct stocked {
	int digits;
	uint64_t first, last;
	int caps;
};

static int stocked_cmp(const void *a, const void *b)
{
	const struct stocked *x = a, *y = b;
	if (x->digits != y->digits)
		return x->digits < y->digits ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* What a START search of @digits (the full number's, without '+') with @caps and
 * @size answers over @stock (sorted), written as search_in() writes it. */
static void expected_start(char *out, size_t cap, const struct stocked *stock, int count, const char *digits,
                           int caps, int size)
{
	size_t k = strlen(digits);
	uint64_t prefix = strtoull(digits, NULL, 10);
	int found = 0;
	out[0] = '\0';
	for (int i = 0; i < count && found < size; i++) {
		const struct stocked *r = &stock[i];
		if ((size_t)r->digits < k || (r->caps & caps) != caps)
			continue;
		uint64_t span = 1;
		for (size_t j = k; j < (size_t)r->digits; j++)
			span *= 10;
		uint64_t lo = prefix * span, hi = lo + span - 1;
		for (uint64_t x = r->first > lo ? r->first : lo; x <= r->last && x <= hi && found < size; x++) {
			char number[24];
			snprintf(number, sizeof(number), "%s+%0*llu", found > 0 ? "," : "", r->digits, (unsigned long long)x);
			ck_assert_uint_lt(strlen(out) + strlen(number), cap);
			strcat(out, number);
			found++;
		}
	}
}

/* The differential START test over fx.store (start_search_walks_every_digit_count). */
static void walk_every_digit_count(void)
{
	/* German numbers of 6 to 15 digits, singles and blocks, with "+493" and digits
	 * from a small alphabet (0, 1, 2, 9), so prefixes hold records of many digit counts,
	 * below, inside and past each other's intervals; the same numbers' neighbours in
	 * DE MOBILE lie in between (another parent: the walk never returns them). */
	static struct stocked stock[400];
	int count = 0;
	uint64_t seed = 12345;
	for (int attempt = 0; attempt < 1200 && count < 400; attempt++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		int digits = 6 + (int)((seed >> 33) % 10);
		uint64_t value = 493;
		for (int i = 3; i < digits; i++)
			value = value * 10 + (uint64_t)"0129"[(seed >> (i * 2 % 30)) % 4 == 3 ? 3 : (seed >> (i * 2 % 30)) % 3] - '0';
		/* Blocks of up to 150 numbers: those starting at ...9 reach into the next prefix. */
		int block = (seed >> 40) % 3 == 0;
		uint64_t last = block ? value + (seed >> 50) % 150 : value;
		uint64_t top = 1;
		for (int i = 0; i < digits; i++)
			top *= 10;
		if (last >= top)
			last = top - 1;
		char text[80];
		if (last == value) {
			snprintf(text, sizeof(text), "+%llu", (unsigned long long)value);
		} else {
			/* Range notation: the last number's trailing digits that differ. */
			uint64_t mod = 1;
			int m = 0;
			while (value / mod != last / mod) {
				mod *= 10;
				m++;
			}
			snprintf(text, sizeof(text), "+%llu-%0*llu", (unsigned long long)value, m > 16 ? 16 : m,
			         (unsigned long long)(last % mod));
		}
		int type = (seed >> 20) % 4 == 0 ? NUMBERING_NUMBER_TYPE_MOBILE : NUMBERING_NUMBER_TYPE_LOCAL;
		int caps = (seed >> 24) % 3 == 0 ? NUMBERING_CAPABILITY_SMS : NUMBERING_CAPABILITY_SMS | NUMBERING_CAPABILITY_VOICE;
		int rc = import_stock_one(text, "DE", type, caps);
		if (rc != NUMBERING_OK) {
			ck_assert_int_eq(rc, NUMBERING_ALREADY_EXISTS); /* overlaps one stocked */
			continue;
		}
		if (type == NUMBERING_NUMBER_TYPE_LOCAL)
			stock[count++] = (struct stocked){digits, value, last, caps};
	}
	ck_assert_int_gt(count, 150);
	qsort(stock, (size_t)count, sizeof(stock[0]), stocked_cmp);
	static const char *const patterns[] = {"+4", "+49", "+493", "+4930", "+4931", "+49301", "+493012", "+4932",
	                                       "+49321", "+493210", "+4930120", "+49302", "+4931111", "+493222222",
	                                       "+4930000000", "+493012012", "30", "301", "3210", "3", "+49312", "+49310",
	                                       "+493100", "+4931000", "+493200", "+49320", "+4939", "+49391"};
	static char want[64 * 1024];
	int sizes[] = {1, 3, 10, 1000};
	for (size_t p = 0; p < sizeof(patterns) / sizeof(patterns[0]); p++)
		for (int s = 0; s < 4; s++)
			for (int caps = 0; caps <= NUMBERING_CAPABILITY_VOICE; caps += NUMBERING_CAPABILITY_VOICE) {
				const char *pattern = patterns[p];
				char digits[24];
				snprintf(digits, sizeof(digits), "%s%s", pattern[0] == '+' ? "" : "49",
				         pattern + (pattern[0] == '+'));
				expected_start(want, sizeof(want), stock, count, digits, caps, sizes[s]);
				ck_assert_str_eq(search_in("DE", NUMBERING_NUMBER_TYPE_LOCAL, pattern, caps, sizes[s]), want);
			}
}

START_TEST(start_search_walks_every_digit_count)
{
	walk_every_digit_count();
}
END_TEST

/* A backend that hands every call to a memory backend but does not answer
 * NUMBERING__CONTROL_DIGIT_COUNTS nor NUMBERING__CONTROL_DUE, as a host's backend
 * does not. */
struct no_digits {
	numbering_backend base;
	numbering_backend *inner;
	int asked; /* digit counts asked for */
};

static numbering_backend *inner_of(numbering_backend *b)
{
	return ((struct no_digits *)b)->inner;
}

static int nd_begin(numbering_backend *b)
{
	return inner_of(b)->begin(inner_of(b));
}

static int nd_commit(numbering_backend *b)
{
	return inner_of(b)->commit(inner_of(b));
}

static int nd_rollback(numbering_backend *b)
{
	return inner_of(b)->rollback(inner_of(b));
}

static int nd_put(numbering_backend *b, const numbering_record *record)
{
	return inner_of(b)->put(inner_of(b), record);
}

static int nd_remove(numbering_backend *b, int kind, const char *name)
{
	return inner_of(b)->remove(inner_of(b), kind, name);
}

static int nd_get(numbering_backend *b, int kind, const char *name, numbering_record_visit_cb visit, void *payload)
{
	return inner_of(b)->get(inner_of(b), kind, name, visit, payload);
}

static int nd_find(numbering_backend *b, int digits, uint64_t first, uint64_t last, numbering_record_visit_cb visit,
                   void *payload)
{
	return inner_of(b)->find(inner_of(b), digits, first, last, visit, payload);
}

static int nd_list(numbering_backend *b, const numbering_record_query *query, numbering_record_visit_cb visit,
                   void *payload)
{
	return inner_of(b)->list(inner_of(b), query, visit, payload);
}

static int nd_control(numbering_backend *b, int op, void *arg)
{
	if (op == NUMBERING__CONTROL_DIGIT_COUNTS) {
		((struct no_digits *)b)->asked++;
		return NUMBERING_UNIMPLEMENTED;
	}
	if (op == NUMBERING__CONTROL_DUE) /* every search's due check lists each kind then */
		return NUMBERING_UNIMPLEMENTED;
	return inner_of(b)->control(inner_of(b), op, arg);
}

static void nd_free(numbering_backend *b)
{
	inner_of(b)->free(inner_of(b));
	free(b);
}

static struct no_digits *no_digits_new(void)
{
	struct no_digits *b = calloc(1, sizeof(*b));
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(numbering_memory_backend_new(&b->inner), NUMBERING_OK);
	b->base.version = NUMBERING_BACKEND_VERSION;
	b->base.begin = nd_begin;
	b->base.commit = nd_commit;
	b->base.rollback = nd_rollback;
	b->base.put = nd_put;
	b->base.remove = nd_remove;
	b->base.get = nd_get;
	b->base.find = nd_find;
	b->base.list = nd_list;
	b->base.control = nd_control;
	b->base.free = nd_free;
	return b;
}

/* Opens fx.store over @backend (allow-all, the real clock). */
static void reopen_over(numbering_backend *backend)
{
	fixture_close();
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.backend = backend;
	ck_assert_int_eq(numbering_store_open(&fx.store, &options), NUMBERING_OK);
}

START_TEST(start_search_without_the_backend_s_digit_counts)
{
	/* The walk starts at the prefix's shortest digit count and finds the parent's
	 * others by listing: the same answers. */
	struct no_digits *b = no_digits_new();
	reopen_over(&b->base);
	walk_every_digit_count();
	ck_assert_int_gt(b->asked, 0);
	const char *texts[] = {"+12083449990-50010", "+12083450500"};
	ck_assert_int_eq(import_texts(fx.store, texts, 2, NULL), NUMBERING_OK);
	ck_assert_str_eq(search("+1208345", NUMBERING_SEARCH_START, 0, 3), "+12083450000,+12083450001,+12083450002");
	ck_assert_str_eq(search("+12083450", NUMBERING_SEARCH_START, 0, 0),
	                 "+12083450000,+12083450001,+12083450002,+12083450003,+12083450004,+12083450005,"
	                 "+12083450006,+12083450007,+12083450008,+12083450009");
}
END_TEST

/* The backend's digit counts of US/LOCAL (or @parent) available records. */
static uint32_t digit_mask(numbering_backend *b, const char *parent)
{
	struct numbering__digit_counts counts = {.kind = NUMBERING__KIND_AVAILABLE, .parent = parent, .mask = 0xdead};
	ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_DIGIT_COUNTS, &counts), NUMBERING_OK);
	return counts.mask;
}

/* Where the backend starts a walk of US/LOCAL for the prefix @digits (the full
 * number's): "d:first" of the first interval whose digit count it holds, or "none". */
static const char *walk_start(numbering_backend *b, const char *digits)
{
	static char out[48];
	numbering_record_interval iv[NUMBERING_RECORD_DIGITS_MAX];
	size_t n = numbering__prefix_intervals(iv, digits);
	struct numbering__digit_counts counts = {.kind = NUMBERING__KIND_AVAILABLE, .parent = "US/LOCAL",
	                                         .intervals = iv, .interval_count = n, .start_interval = 99};
	ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_DIGIT_COUNTS, &counts), NUMBERING_OK);
	if (counts.start_interval == n)
		return "none";
	ck_assert_uint_lt(counts.start_interval, n);
	snprintf(out, sizeof(out), "%d:%llu", iv[counts.start_interval].digits, (unsigned long long)counts.start);
	return out;
}

#define BIT(d) (UINT32_C(1) << (d))

START_TEST(digit_counts_follow_the_inventory)
{
	numbering_backend *b = NULL;
	ck_assert_int_eq(numbering_memory_backend_new(&b), NUMBERING_OK);
	reopen_over(b); /* the store owns b; it is asked directly below, between calls */
	ck_assert_uint_eq(digit_mask(b, "US/LOCAL"), 0);
	/* Imports: 11 digits (a block and a single) and 7 (a German number in US LOCAL). */
	ck_assert_int_eq(import_stock_one("+12085550100-99", "US", NUMBERING_NUMBER_TYPE_LOCAL, NUMBERING_CAPABILITY_SMS),
	                 NUMBERING_OK);
	ck_assert_uint_eq(digit_mask(b, "US/LOCAL"), BIT(11));
	ck_assert_int_eq(import_stock_one("+4935551", "US", NUMBERING_NUMBER_TYPE_LOCAL, NUMBERING_CAPABILITY_SMS),
	                 NUMBERING_OK);
	ck_assert_int_eq(import_stock_one("+12085559999", "US", NUMBERING_NUMBER_TYPE_LOCAL, NUMBERING_CAPABILITY_SMS),
	                 NUMBERING_OK);
	ck_assert_uint_eq(digit_mask(b, "US/LOCAL"), BIT(7) | BIT(11));
	/* The walk's start: the block reaching into +1208555015x from below, the first
	 * number of an interval no record reaches into, the 7-digit count first for "+4",
	 * nothing for a prefix whose digit counts the parent lacks. */
	ck_assert_str_eq(walk_start(b, "1208555015"), "11:12085550100");
	ck_assert_str_eq(walk_start(b, "1208555"), "7:1208555"); /* digit counts, not records */
	ck_assert_str_eq(walk_start(b, "120855501"), "11:12085550100");
	ck_assert_str_eq(walk_start(b, "12085559999"), "11:12085559999");
	ck_assert_str_eq(walk_start(b, "1208555999"), "11:12085559990");
	ck_assert_str_eq(walk_start(b, "4"), "7:4000000");
	ck_assert_str_eq(walk_start(b, "4935551"), "7:4935551");
	ck_assert_str_eq(walk_start(b, "44"), "7:4400000");
	ck_assert_str_eq(walk_start(b, "120855501001"), "none");
	ck_assert_uint_eq(digit_mask(b, "US/MOBILE"), 0); /* another parent */
	ck_assert_uint_eq(digit_mask(b, "DE/LOCAL"), 0);
	/* A refused import (its second item overlaps the stock) leaves nothing behind:
	 * not its 12-digit number, rolled back. */
	numbering_available_number *items[2] = {
	    number_of("+441632960001", "US", NUMBERING_NUMBER_TYPE_LOCAL, NUMBERING_CAPABILITY_SMS),
	    number_of("+12085550150", "US", NUMBERING_NUMBER_TYPE_LOCAL, NUMBERING_CAPABILITY_SMS)};
	ck_assert_int_eq(numbering_store_import_available(NULL, fx.store, NULL,
	                                                  (const numbering_available_number *const *)items, 2),
	                 NUMBERING_ALREADY_EXISTS);
	numbering_available_number_free(items[0]);
	numbering_available_number_free(items[1]);
	ck_assert_uint_eq(digit_mask(b, "US/LOCAL"), BIT(7) | BIT(11));
	ck_assert_str_eq(search("+44", NUMBERING_SEARCH_START, 0, 0), "");
	/* Renting the only 7-digit number drops its count; renting out of the block keeps 11. */
	top_up(fx.store, "projects/p1", "USD", 1000000);
	numbering_instance *out = NULL;
	ck_assert_int_eq(rent_instance(&out, fx.store, NULL, "projects/p1", "+4935551"), NUMBERING_OK);
	numbering_instance_free(out);
	ck_assert_uint_eq(digit_mask(b, "US/LOCAL"), BIT(11));
	ck_assert_str_eq(search("+49", NUMBERING_SEARCH_START, 0, 0), "");
	ck_assert_str_eq(walk_start(b, "1208555"), "11:12085550000");
	ck_assert_str_eq(walk_start(b, "44"), "11:44000000000");
	ck_assert_int_eq(rent_instance(&out, fx.store, NULL, "projects/p1", "+12085550150"), NUMBERING_OK);
	numbering_instance_free(out);
	ck_assert_uint_eq(digit_mask(b, "US/LOCAL"), BIT(11));
	/* The block's part after the rented number is a record of its own, reaching
	 * into +12085550152's interval; nothing holds +12085550150. */
	ck_assert_str_eq(walk_start(b, "12085550152"), "11:12085550151");
	ck_assert_str_eq(walk_start(b, "1208555015"), "11:12085550150");
	ck_assert_str_eq(walk_start(b, "120855501"), "11:12085550100");
	ck_assert_str_eq(search("+1208555015", NUMBERING_SEARCH_START, 0, 3), "+12085550151,+12085550152,+12085550153");
	/* Removing the 11-digit stock: the block's two parts and the single. */
	const char *gone[] = {"+12085550100-49", "+12085550151-99", "+12085559999"};
	ck_assert_int_eq(numbering_store_remove_available(NULL, fx.store, NULL, gone, 3), NUMBERING_OK);
	ck_assert_uint_eq(digit_mask(b, "US/LOCAL"), 0);
	ck_assert_str_eq(search("+1", NUMBERING_SEARCH_START, 0, 0), "");
	/* A 12-digit number imported now is found (the count grows again). */
	ck_assert_int_eq(import_stock_one("+441632960001", "US", NUMBERING_NUMBER_TYPE_LOCAL, NUMBERING_CAPABILITY_SMS),
	                 NUMBERING_OK);
	ck_assert_uint_eq(digit_mask(b, "US/LOCAL"), BIT(12));
	ck_assert_str_eq(search("+44", NUMBERING_SEARCH_START, 0, 0), "+441632960001");
	/* Bad arguments. */
	ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_DIGIT_COUNTS, NULL), NUMBERING_INVALID_ARGUMENT);
	struct numbering__digit_counts bad = {.kind = 0, .parent = "US/LOCAL"};
	ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_DIGIT_COUNTS, &bad), NUMBERING_INVALID_ARGUMENT);
	bad.kind = NUMBERING__KIND_AVAILABLE;
	bad.parent = NULL;
	ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_DIGIT_COUNTS, &bad), NUMBERING_INVALID_ARGUMENT);
	bad.parent = "US/LOCAL";
	bad.interval_count = 1; /* intervals NULL */
	ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_DIGIT_COUNTS, &bad), NUMBERING_INVALID_ARGUMENT);
}
END_TEST

/* NUMBERING__CONTROL_DUE of @b for @kind at @now: its due flag. */
static int due_at(numbering_backend *b, int kind, int64_t now)
{
	int kinds[2] = {NUMBERING__KIND_ACTIVE, kind};
	struct numbering__due_kinds ask = {kinds, 2, now, 7};
	ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_DUE, &ask), NUMBERING_OK);
	return ask.due;
}

static void put_expiring(numbering_backend *b, int kind, const char *name, int64_t expires, int commit)
{
	numbering_record r;
	memset(&r, 0, sizeof(r));
	r.version = NUMBERING_RECORD_VERSION;
	r.kind = kind;
	r.name = name;
	r.parent = "projects/p1";
	r.sort_key = 1;
	r.expires = expires;
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_int_eq(b->put(b, &r), NUMBERING_OK);
	ck_assert_int_eq(commit ? b->commit(b) : b->rollback(b), NUMBERING_OK);
}

START_TEST(due_control_names_what_expires)
{
	/* What numbering_store_process_due() asks first: is a record of these kinds due. */
	numbering_backend *b = NULL;
	ck_assert_int_eq(numbering_memory_backend_new(&b), NUMBERING_OK);
	ck_assert_int_eq(due_at(b, NUMBERING__KIND_RESERVATION, 1000), 0);
	ck_assert_int_eq(due_at(b, NUMBERING__KIND_RESERVATION, 0), 0);
	put_expiring(b, NUMBERING__KIND_RESERVATION, "projects/p1/reservations/r1", 1000, 1);
	put_expiring(b, NUMBERING__KIND_RESERVATION, "projects/p1/reservations/r2", 500, 0); /* rolled back */
	ck_assert_int_eq(due_at(b, NUMBERING__KIND_RESERVATION, 999), 0);
	ck_assert_int_eq(due_at(b, NUMBERING__KIND_RESERVATION, 1000), 1);
	ck_assert_int_eq(due_at(b, NUMBERING__KIND_RESERVATION, 5000), 1);
	ck_assert_int_eq(due_at(b, NUMBERING__KIND_RESERVATION, 0), 1); /* every expiring record */
	ck_assert_int_eq(due_at(b, NUMBERING__KIND_PHONE, 5000), 0);    /* another kind */
	/* Negative times sort before positive ones. */
	put_expiring(b, NUMBERING__KIND_PHONE, "+12085550100", -5, 1);
	ck_assert_int_eq(due_at(b, NUMBERING__KIND_PHONE, -6), 0);
	ck_assert_int_eq(due_at(b, NUMBERING__KIND_PHONE, -5), 1);
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_int_eq(b->remove(b, NUMBERING__KIND_RESERVATION, "projects/p1/reservations/r1"), NUMBERING_OK);
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	ck_assert_int_eq(due_at(b, NUMBERING__KIND_RESERVATION, 5000), 0);
	/* Bad arguments. */
	ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_DUE, NULL), NUMBERING_INVALID_ARGUMENT);
	struct numbering__due_kinds bad = {NULL, 1, 0, 0};
	ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_DUE, &bad), NUMBERING_INVALID_ARGUMENT);
	int zero = 0;
	bad.kinds = &zero;
	ck_assert_int_eq(b->control(b, NUMBERING__CONTROL_DUE, &bad), NUMBERING_INVALID_ARGUMENT);
	b->free(b);
}
END_TEST

START_TEST(file_backend_answers_digit_counts)
{
	char path[TEMP_PATH_MAX];
	fixture_temp_store_path(path, sizeof(path), "inv-digits");
	unlink(path);
	for (int round = 0; round < 2; round++) {
		numbering_backend *b = NULL;
		fixture_close(); /* round 1: the store of round 0 holds the file */
		ck_assert_int_eq(numbering_file_backend_new(&b, path, NULL), NUMBERING_OK);
		reopen_over(b);
		if (round == 0)
			ck_assert_int_eq(import_stock_one("+4935551", "US", NUMBERING_NUMBER_TYPE_LOCAL, NUMBERING_CAPABILITY_SMS),
			                 NUMBERING_OK);
		/* Also after reopening: the counts come from the records read back. */
		ck_assert_uint_eq(digit_mask(b, "US/LOCAL"), BIT(7));
		ck_assert_str_eq(search("+4935", NUMBERING_SEARCH_START, 0, 0), "+4935551");
	}
	unlink(path);
}
END_TEST

/* The first result of the only record a START search reads: its number, prices,
 * capabilities and friendly name ("" when unset), as "+1...,USD 200,3,name". */
static const char *first_result(const char *pattern)
{
	static char found[256];
	numbering_available_query q = NUMBERING_AVAILABLE_QUERY_INIT;
	q.region_code = "US";
	q.type = NUMBERING_NUMBER_TYPE_LOCAL;
	q.pattern = pattern;
	q.size = 1;
	numbering_available_list *list = NULL;
	ck_assert_int_eq(numbering_store_search_available(&list, fx.store, NULL, "projects/p1", &q), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_list_count(list), 1);
	const numbering_available_number *n = numbering_available_list_item(list, 0);
	const char *currency = NULL;
	int64_t minor = -1;
	int rc = numbering_available_number_money(n, "setupPrice", &currency, &minor);
	snprintf(found, sizeof(found), "%s,%s %lld,%lld,%s", numbering_available_number_phone_number(n),
	         rc == NUMBERING_OK ? currency : "-", (long long)minor,
	         (long long)numbering_available_number_int(n, "capability"),
	         numbering_available_number_text(n, "friendlyName"));
	numbering_available_list_free(list);
	return found;
}

START_TEST(search_results_carry_their_own_record_s_attributes)
{
	/* Records with the same parent and body, and with others: a search decodes the
	 * first record it reads, or takes the attributes of the same body decoded before
	 * (model/available.c); either way each result is its own record's. */
	static const struct {
		const char *text, *currency, *name;
		int64_t price;
		int caps;
	} stock[] = {
		{"+12085550100-99", "USD", NULL, 200, NUMBERING_CAPABILITY_SMS},
		{"+12085560100", "USD", NULL, 200, NUMBERING_CAPABILITY_SMS},
		{"+12085570100", "EUR", NULL, 300, NUMBERING_CAPABILITY_VOICE},
		{"+12085580100-99", "USD", "Boise", 200, NUMBERING_CAPABILITY_SMS},
		{"+12085590100", "USD", "Nampa", 200, NUMBERING_CAPABILITY_SMS},
	};
	for (size_t i = 0; i < sizeof(stock) / sizeof(stock[0]); i++) {
		numbering_available_number *n = number_of(stock[i].text, NULL, NUMBERING_NUMBER_TYPE_LOCAL, stock[i].caps);
		ck_assert_int_eq(numbering_available_number_set_money(n, "setupPrice", stock[i].currency, stock[i].price),
		                 NUMBERING_OK);
		ck_assert_int_eq(numbering_available_number_set_text(n, "friendlyName", stock[i].name), NUMBERING_OK);
		int64_t imported = 0;
		ck_assert_int_eq(numbering_store_import_available(&imported, fx.store, NULL,
		                                                  (const numbering_available_number *const *)&n, 1),
		                 NUMBERING_OK);
		numbering_available_number_free(n);
	}
	for (int round = 0; round < 2; round++) {
		ck_assert_str_eq(first_result("+120855501"), "+12085550100,USD 200,1,");
		ck_assert_str_eq(first_result("+12085550150"), "+12085550150,USD 200,1,");
		ck_assert_str_eq(first_result("+1208556"), "+12085560100,USD 200,1,");
		ck_assert_str_eq(first_result("+1208557"), "+12085570100,EUR 300,4,");
		ck_assert_str_eq(first_result("+1208556"), "+12085560100,USD 200,1,");
		ck_assert_str_eq(first_result("+120855801"), "+12085580100,USD 200,1,Boise");
		ck_assert_str_eq(first_result("+120855801"), "+12085580100,USD 200,1,Boise");
		ck_assert_str_eq(first_result("+1208559"), "+12085590100,USD 200,1,Nampa");
		ck_assert_str_eq(first_result("+12085550199"), "+12085550199,USD 200,1,");
	}
}
END_TEST

START_TEST(a_record_s_name_is_a_number_up_to_its_first)
{
	/* A record's name is a number of its digit count up to its first (a block keeps its
	 * name when its first numbers are taken), read digit by digit (model/available.c):
	 * any other name, above the first, of another digit count, not a number, is
	 * DATA_LOSS naming "name". */
	numbering_available_number *n = number_of("+12085550100-99", "US", NUMBERING_NUMBER_TYPE_LOCAL, 1);
	numbering_record record;
	char name[NUMBERING__AVAILABLE_NAME_SIZE], parent[NUMBERING__AVAILABLE_PARENT_SIZE];
	struct numbering__buf body = {NULL, 0, 0};
	ck_assert_int_eq(numbering__available_to_record(&record, name, parent, &body, n), NUMBERING_OK);
	ck_assert_str_eq(record.name, "availableNumbers/+12085550100");
	ck_assert_int_eq(numbering__available_record_check(&record), NUMBERING_OK);
	static const char *const bad[] = {"availableNumbers/+1208555010",   "availableNumbers/+120855501000",
	                                  "availableNumbers/+12085550101",  "availableNumbers/12085550100",
	                                  "availableNumbers/+1208555010x",  "availableNumbers/+12085550100/",
	                                  "availableNumber/+12085550100",   "availableNumbers/",
	                                  "availableNumbers",               "",
	                                  "availableNumbers/+02085550100",  "availableNumbers/+12085550100 "};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		record.name = bad[i];
		ck_assert_msg(numbering__available_record_check(&record) == NUMBERING_DATA_LOSS, "%s", bad[i]);
		ck_assert_str_eq(numbering_error_violation_field(0), "name");
	}
	record.name = NULL;
	ck_assert_int_eq(numbering__available_record_check(&record), NUMBERING_DATA_LOSS);
	record.name = name;
	ck_assert_int_eq(numbering__available_record_check(&record), NUMBERING_OK);
	/* Below the first: the phone number is the first's, the name's number kept. */
	numbering_available_number *read = NULL;
	ck_assert_int_eq(numbering_available_number_new(&read), NUMBERING_OK);
	record.first = 12085550150;
	record.sort_key = numbering__number_order(11, record.first);
	static const char *const below[] = {"availableNumbers/+12085550100", "availableNumbers/+10000000000",
	                                    "availableNumbers/+12085550149"};
	for (size_t i = 0; i < sizeof(below) / sizeof(below[0]); i++) {
		record.name = below[i];
		ck_assert_msg(numbering__available_from_record(read, &record) == NUMBERING_OK, "%s", below[i]);
		ck_assert_str_eq(numbering_available_number_phone_number(read), "+12085550150");
		ck_assert_uint_eq(read->named, strtoull(below[i] + strlen("availableNumbers/+"), NULL, 10));
		ck_assert_uint_eq(read->first, 12085550150);
	}
	/* Above the first, a leading 0 (no phone number), another digit count, not a number. */
	static const char *const still_bad[] = {"availableNumbers/+12085550151", "availableNumbers/+02085550100",
	                                        "availableNumbers/+1208555010",  "availableNumbers/+120855501000",
	                                        "availableNumbers/+1208555o100", "availableNumbers/+-2085550100"};
	for (size_t i = 0; i < sizeof(still_bad) / sizeof(still_bad[0]); i++) {
		record.name = still_bad[i];
		ck_assert_msg(numbering__available_from_record(read, &record) == NUMBERING_DATA_LOSS, "%s", still_bad[i]);
		ck_assert_str_eq(numbering_error_violation_field(0), "name");
	}
	/* A record of a name below its first writes that name back. */
	record.name = below[0];
	ck_assert_int_eq(numbering__available_from_record(read, &record), NUMBERING_OK);
	numbering_record again;
	char again_name[NUMBERING__AVAILABLE_NAME_SIZE], again_parent[NUMBERING__AVAILABLE_PARENT_SIZE];
	struct numbering__buf again_body = {NULL, 0, 0};
	ck_assert_int_eq(numbering__available_to_record(&again, again_name, again_parent, &again_body, read),
	                 NUMBERING_OK);
	ck_assert_str_eq(again.name, below[0]);
	ck_assert_uint_eq(again.first, 12085550150);
	numbering__buf_free(&again_body);
	numbering_available_number_free(read);
	numbering__buf_free(&body);
	numbering_available_number_free(n);
}
END_TEST

Suite *inventory_suite(void)
{
	Suite *s = suite_create("inventory");
	TCase *tc = tcase_create("inventory");
	tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
	tcase_add_test(tc, search_patterns);
	tcase_add_test(tc, start_search_finds_a_block_reaching_in_from_below);
	tcase_add_test(tc, start_search_outside_the_region_s_lengths);
	tcase_add_test(tc, start_search_walks_every_digit_count);
	tcase_add_test(tc, start_search_without_the_backend_s_digit_counts);
	tcase_add_test(tc, digit_counts_follow_the_inventory);
	tcase_add_test(tc, file_backend_answers_digit_counts);
	tcase_add_test(tc, due_control_names_what_expires);
	tcase_add_test(tc, search_results_carry_their_own_record_s_attributes);
	tcase_add_test(tc, a_record_s_name_is_a_number_up_to_its_first);
	tcase_add_test(tc, search_refuses_bad_queries);
	tcase_add_test(tc, import_is_all_or_nothing);
	tcase_add_test(tc, import_refuses_bad_items);
	tcase_add_test(tc, attributes_round_trip_through_the_store);
	tcase_add_test(tc, rent_moves_a_number_to_an_instance);
	tcase_add_test(tc, rent_any_takes_the_lowest_match);
	tcase_add_test(tc, documents_required_rents_pending);
	tcase_add_test(tc, remove_is_all_or_nothing);
	tcase_add_test(tc, host_operations_need_the_star_project);
	tcase_add_test(tc, file_backend_keeps_the_inventory);
	tcase_add_test(tc, regions_list_the_types_in_stock);
	tcase_add_test(tc, regions_refuse_bad_requests);
	tcase_add_test(tc, import_refuses_a_block_s_first_number);
	tcase_add_test(tc, json_import_retries_by_request_id);
	tcase_add_test(tc, json_import_names_the_bad_value);
	tcase_add_test(tc, json_methods_answer_in_the_seed_s_shape);
	tcase_add_test(tc, json_import_request_id_survives_reopening);
	suite_add_tcase(s, tc);
	return s;
}
