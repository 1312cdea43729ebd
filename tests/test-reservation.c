/* Reservations (numbering/reservation.h): numbers held for one project, hidden from the
 * others, given back at expiry or on delete; every test on the memory and the file
 * backend, with the fake clock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <numbering/sys/backend.h>
#include <numbering/sys/file.h>
#include <numbering/sys/record.h>

#include <sodium.h>

#include "model/kinds.h"
#include "page-walk.h"
#include "record-damage.h"
#include "record-plant.h"
#include "service/service.h"
#include "store-fixture.h"
#include "suites.h"
#include "temp-dir.h"

#define NS INT64_C(1000000000)
#define MINUTE (60 * NS)
#define P1 "projects/p1"
#define P2 "projects/p2"

static void import(const char *text, int type, int caps)
{
	numbering_available_number *n = NULL;
	ck_assert_int_eq(numbering_available_number_new(&n), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_numbers(n, text, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_type(n, type), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_int(n, "capability", caps), NUMBERING_OK);
	const numbering_available_number *items[] = {n};
	ck_assert_int_eq(numbering_store_import_available(NULL, fx.store, NULL, items, 1), NUMBERING_OK);
	numbering_available_number_free(n);
}

static int reserve_numbers(numbering_reservation **out, const char *project, const char *const *numbers, int count,
                           int64_t ttl)
{
	numbering_reservation_request q = NUMBERING_RESERVATION_REQUEST_INIT;
	q.phone_numbers = numbers;
	q.phone_number_count = count;
	q.ttl = ttl;
	return numbering_store_reserve_available(out, fx.store, NULL, project, &q);
}

static numbering_reservation *reserve_ok(const char *project, const char *const *numbers, int count, int64_t ttl)
{
	numbering_reservation *r = NULL;
	int rc = reserve_numbers(&r, project, numbers, count, ttl);
	ck_assert_msg(rc == NUMBERING_OK, "reserve: %s", numbering_error_message());
	return r;
}

static int reserve_criteria(numbering_reservation **out, const char *project, const char *pattern, int caps,
                            int count)
{
	numbering_available_query query = NUMBERING_AVAILABLE_QUERY_INIT;
	query.region_code = "US";
	query.type = NUMBERING_NUMBER_TYPE_LOCAL;
	query.pattern = pattern;
	query.capabilities = caps;
	numbering_reservation_request q = NUMBERING_RESERVATION_REQUEST_INIT;
	q.criteria = &query;
	q.count = count;
	return numbering_store_reserve_available(out, fx.store, NULL, project, &q);
}

/* The numbers a search by @project for START @pattern finds, as "+1...,+1..." */
static void search(char *out, size_t size, const char *project, const char *pattern)
{
	numbering_available_query query = NUMBERING_AVAILABLE_QUERY_INIT;
	query.region_code = "US";
	query.type = NUMBERING_NUMBER_TYPE_LOCAL;
	query.pattern = pattern;
	query.size = 100;
	numbering_available_list *list = NULL;
	int rc = numbering_store_search_available(&list, fx.store, NULL, project, &query);
	ck_assert_msg(rc == NUMBERING_OK, "search: %s", numbering_error_message());
	out[0] = '\0';
	for (int i = 0; i < numbering_available_list_count(list); i++) {
		const char *n = numbering_available_number_phone_number(numbering_available_list_item(list, i));
		snprintf(out + strlen(out), size - strlen(out), "%s%s", i ? "," : "", n + 8);
	}
	numbering_available_list_free(list);
}

static int available(const char *project, const char *number)
{
	numbering_available_number *n = NULL;
	int rc = numbering_store_get_available(&n, fx.store, NULL, project, number);
	numbering_available_number_free(n);
	return rc;
}

static int rent(const char *project, const char *number)
{
	numbering_active_number *a = NULL;
	int rc = numbering_store_rent(&a, fx.store, NULL, project, number, NULL);
	numbering_active_number_free(a);
	return rc;
}

static int rent_any(const char *project, const char *pattern)
{
	numbering_available_query query = NUMBERING_AVAILABLE_QUERY_INIT;
	query.region_code = "US";
	query.type = NUMBERING_NUMBER_TYPE_LOCAL;
	query.pattern = pattern;
	numbering_active_number *a = NULL;
	int rc = numbering_store_rent_any(&a, fx.store, NULL, project, &query, NULL);
	numbering_active_number_free(a);
	return rc;
}

/* The numbers of @r, "+1...,+1...". */
static const char *numbers_of(const numbering_reservation *r)
{
	static char text[2048];
	text[0] = '\0';
	for (int i = 0; i < numbering_reservation_phone_number_count(r); i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s%s", i ? "," : "",
		         numbering_reservation_phone_number(r, i));
	return text;
}

static numbering_reservation *get_ok(const char *name)
{
	numbering_reservation *r = NULL;
	int rc = numbering_store_get_reservation(&r, fx.store, NULL, name);
	ck_assert_msg(rc == NUMBERING_OK, "get %s: %s", name, numbering_error_message());
	return r;
}

START_TEST(reserved_numbers_are_the_holders_alone)
{
	fixture_open_case(_i, "reservation");
	import("+12085550100-09", NUMBERING_NUMBER_TYPE_LOCAL, 1);
	char found[2048];
	numbering_reservation *r = reserve_ok(P1, (const char *[]){"+12085550105", "+12085550103"}, 2, 0);
	ck_assert_int_eq(strncmp(numbering_reservation_name(r), "projects/p1/reservations/", 25), 0);
	ck_assert_uint_ge(strlen(numbering_reservation_name(r)), 26);
	ck_assert_str_eq(numbers_of(r), "+12085550105,+12085550103");
	/* 15 minutes by default, from the store time of the reservation. */
	ck_assert_int_eq(numbering_reservation_expire_time(r) - numbering_reservation_create_time(r), 15 * MINUTE);
	ck_assert_int_gt(numbering_reservation_create_time(r), FIXTURE_EPOCH);
	char name[128];
	snprintf(name, sizeof(name), "%s", numbering_reservation_name(r));
	numbering_reservation_free(r);

	/* Gone from every search, the holder's too, and from another project's get, rent and rentAny. */
	search(found, sizeof(found), P2, "+1208555010");
	ck_assert_str_eq(found, "0100,0101,0102,0104,0106,0107,0108,0109");
	search(found, sizeof(found), P1, "+1208555010");
	ck_assert_str_eq(found, "0100,0101,0102,0104,0106,0107,0108,0109");
	fixture_expect_error(available(P2, "+12085550103"), NUMBERING_NOT_FOUND, "phone number +12085550103 is not available");
	fixture_expect_error(rent(P2, "+12085550103"), NUMBERING_NOT_FOUND, "phone number +12085550103 is not available");
	/* Word for word as a number nobody has. */
	fixture_expect_error(rent(P2, "+12085550199"), NUMBERING_NOT_FOUND, "phone number +12085550199 is not available");
	fixture_expect_error(rent_any(P2, "+12085550103"), NUMBERING_NOT_FOUND, "no available number");
	fixture_expect_error(rent_any(P1, "+12085550103"), NUMBERING_NOT_FOUND, "no available number");
	/* The holder gets and rents them. */
	ck_assert_int_eq(available(P1, "+12085550103"), NUMBERING_OK);
	ck_assert_int_eq(rent(P1, "+12085550103"), NUMBERING_OK);
	/* The rented number left the reservation; the other one is still held. */
	r = get_ok(name);
	ck_assert_str_eq(numbers_of(r), "+12085550105");
	numbering_reservation_free(r);
	fixture_expect_error(available(P1, "+12085550103"), NUMBERING_NOT_FOUND, "is not available");
	/* Another project's rent of it changed nothing. */
	fixture_expect_error(rent(P2, "+12085550105"), NUMBERING_NOT_FOUND, "is not available");
	r = get_ok(name);
	ck_assert_str_eq(numbers_of(r), "+12085550105");
	numbering_reservation_free(r);
	fixture_close_case();
}
END_TEST

START_TEST(expiry_returns_the_numbers)
{
	fixture_open_case(_i, "reservation");
	import("+12085550100-09", NUMBERING_NUMBER_TYPE_LOCAL, 1);
	numbering_reservation *r = reserve_ok(P1, (const char *[]){"+12085550101", "+12085550102"}, 2, 60 * NS);
	ck_assert_int_eq(numbering_reservation_expire_time(r) - numbering_reservation_create_time(r), 60 * NS);
	int64_t expire = numbering_reservation_expire_time(r);
	char name[128], found[2048];
	snprintf(name, sizeof(name), "%s", numbering_reservation_name(r));
	numbering_reservation_free(r);
	/* The rent of one of them leaves one held. */
	ck_assert_int_eq(rent(P1, "+12085550102"), NUMBERING_OK);
	/* A second before the expiry (the clock reads one second on): still held. */
	fx.now = expire - 2 * NS;
	search(found, sizeof(found), P2, "+120855501");
	ck_assert_str_eq(found, "0100,0103,0104,0105,0106,0107,0108,0109");
	/* At the expiry: back in stock for everyone, the reservation gone. */
	fx.now = expire - NS;
	search(found, sizeof(found), P2, "+120855501");
	ck_assert_str_eq(found, "0100,0101,0103,0104,0105,0106,0107,0108,0109");
	numbering_reservation *gone = NULL;
	fixture_expect_error(numbering_store_get_reservation(&gone, fx.store, NULL, name), NUMBERING_NOT_FOUND,
	                     "does not exist");
	ck_assert_ptr_null(gone);
	ck_assert_int_eq(available(P2, "+12085550101"), NUMBERING_OK);
	ck_assert_int_eq(rent(P2, "+12085550101"), NUMBERING_OK);
	/* The rented number stays rented. */
	ck_assert_int_eq(available(P2, "+12085550102"), NUMBERING_NOT_FOUND);
	/* numbering_store_process_due() alone carries the expiry out, too. */
	r = reserve_ok(P1, (const char *[]){"+12085550109"}, 1, NS * 5);
	numbering_reservation_free(r);
	fx.now += 10 * NS;
	ck_assert_int_eq(numbering_store_process_due(NULL, fx.store), NUMBERING_OK);
	numbering_reservation_page *page = NULL;
	ck_assert_int_eq(numbering_store_list_reservations(&page, fx.store, NULL, P1, 0, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_reservation_page_count(page), 0);
	numbering_reservation_page_free(page);
	fixture_close_case();
}
END_TEST

START_TEST(delete_returns_the_numbers_at_once)
{
	fixture_open_case(_i, "reservation");
	import("+12085550100-09", NUMBERING_NUMBER_TYPE_LOCAL, 1);
	numbering_reservation *r = reserve_ok(P1, (const char *[]){"+12085550100", "+12085550109"}, 2, 0);
	char name[128], found[2048];
	snprintf(name, sizeof(name), "%s", numbering_reservation_name(r));
	numbering_reservation_free(r);
	search(found, sizeof(found), P2, "+120855501");
	ck_assert_str_eq(found, "0101,0102,0103,0104,0105,0106,0107,0108");
	ck_assert_int_eq(numbering_store_delete_reservation(fx.store, NULL, name), NUMBERING_OK);
	search(found, sizeof(found), P2, "+120855501");
	ck_assert_str_eq(found, "0100,0101,0102,0103,0104,0105,0106,0107,0108,0109");
	fixture_expect_error(numbering_store_delete_reservation(fx.store, NULL, name), NUMBERING_NOT_FOUND,
	                     "does not exist");
	ck_assert_str_eq(numbering_error_violation_field(0), "name");
	/* Another project reserves them now. */
	r = reserve_ok(P2, (const char *[]){"+12085550100"}, 1, 0);
	numbering_reservation_free(r);
	fixture_close_case();
}
END_TEST

START_TEST(criteria_take_the_lowest_matches_or_nothing)
{
	fixture_open_case(_i, "reservation");
	import("+12085550100-19", NUMBERING_NUMBER_TYPE_LOCAL, NUMBERING_CAPABILITY_SMS);
	import("+12085550150-54", NUMBERING_NUMBER_TYPE_LOCAL, NUMBERING_CAPABILITY_SMS | NUMBERING_CAPABILITY_VOICE);
	numbering_reservation *r = NULL;
	ck_assert_int_eq(reserve_criteria(&r, P1, "+1208555010", 0, 3), NUMBERING_OK);
	ck_assert_str_eq(numbers_of(r), "+12085550100,+12085550101,+12085550102");
	numbering_reservation_free(r);
	/* Another project's criteria do not see them. */
	ck_assert_int_eq(reserve_criteria(&r, P2, "+1208555010", 0, 2), NUMBERING_OK);
	ck_assert_str_eq(numbers_of(r), "+12085550103,+12085550104");
	numbering_reservation_free(r);
	/* Capabilities filter. */
	ck_assert_int_eq(reserve_criteria(&r, P2, "+1208555", NUMBERING_CAPABILITY_VOICE, 2), NUMBERING_OK);
	ck_assert_str_eq(numbers_of(r), "+12085550150,+12085550151");
	numbering_reservation_free(r);
	/* Fewer match than asked for: nothing is reserved. */
	char before[2048], after[2048];
	search(before, sizeof(before), P2, "+1208555");
	fixture_expect_error(reserve_criteria(&r, P1, "+1208555", NUMBERING_CAPABILITY_VOICE, 4), NUMBERING_NOT_FOUND,
	                     "criteria.count: 3 numbers of US/LOCAL match, not 4");
	ck_assert_str_eq(numbering_error_violation_field(0), "criteria.count");
	ck_assert_ptr_null(r);
	search(after, sizeof(after), P2, "+1208555");
	ck_assert_str_eq(before, after);
	/* All of them. */
	ck_assert_int_eq(reserve_criteria(&r, P1, "+1208555", NUMBERING_CAPABILITY_VOICE, 3), NUMBERING_OK);
	ck_assert_str_eq(numbers_of(r), "+12085550152,+12085550153,+12085550154");
	numbering_reservation_free(r);
	fixture_close_case();
}
END_TEST

START_TEST(bad_requests_change_nothing)
{
	fixture_open_case(_i, "reservation");
	import("+12085550100-09", NUMBERING_NUMBER_TYPE_LOCAL, 1);
	numbering_reservation *held = reserve_ok(P1, (const char *[]){"+12085550109"}, 1, 0);
	numbering_reservation *r = NULL;
	const char *one[] = {"+12085550100"};
	numbering_available_query query = NUMBERING_AVAILABLE_QUERY_INIT;
	query.region_code = "US";
	query.type = NUMBERING_NUMBER_TYPE_LOCAL;
	numbering_reservation_request q = NUMBERING_RESERVATION_REQUEST_INIT;
	/* Neither, both. */
	fixture_expect_error(numbering_store_reserve_available(&r, fx.store, NULL, P1, &q), NUMBERING_INVALID_ARGUMENT,
	                     "give exactly one of phoneNumbers and criteria, not neither");
	ck_assert_str_eq(numbering_error_violation_field(0), "phoneNumbers");
	q.phone_numbers = one;
	q.phone_number_count = 1;
	q.criteria = &query;
	q.count = 1;
	fixture_expect_error(numbering_store_reserve_available(&r, fx.store, NULL, P1, &q), NUMBERING_INVALID_ARGUMENT,
	                     "not both");
	fixture_expect_error(numbering_store_reserve_available(&r, fx.store, NULL, P1, NULL), NUMBERING_INVALID_ARGUMENT,
	                     "the request is NULL");
	/* ttl. */
	fixture_expect_error(reserve_numbers(&r, P1, one, 1, -NS), NUMBERING_INVALID_ARGUMENT, "ttl -1000000000 ns");
	ck_assert_str_eq(numbering_error_violation_field(0), "ttl");
	fixture_expect_error(reserve_numbers(&r, P1, one, 1, NUMBERING_RESERVATION_TTL_MAX + 1),
	                     NUMBERING_INVALID_ARGUMENT, "at most 24 hours");
	/* Counts. */
	fixture_expect_error(reserve_numbers(&r, P1, one, 0, 0), NUMBERING_INVALID_ARGUMENT,
	                     "phoneNumbers must hold 1 to 100 numbers, not 0");
	fixture_expect_error(reserve_numbers(&r, P1, one, 101, 0), NUMBERING_INVALID_ARGUMENT, "not 101");
	fixture_expect_error(reserve_criteria(&r, P1, NULL, 0, 0), NUMBERING_INVALID_ARGUMENT,
	                     "criteria.count 0 is not 1 to 100");
	ck_assert_str_eq(numbering_error_violation_field(0), "criteria.count");
	fixture_expect_error(reserve_criteria(&r, P1, NULL, 0, 101), NUMBERING_INVALID_ARGUMENT, "criteria.count 101");
	/* Numbers. */
	fixture_expect_error(reserve_numbers(&r, P1, (const char *[]){"+12085550100", "abc"}, 2, 0),
	                     NUMBERING_INVALID_ARGUMENT, "phoneNumbers[1]");
	ck_assert_str_eq(numbering_error_violation_field(0), "phoneNumbers[1]");
	fixture_expect_error(reserve_numbers(&r, P1, (const char *[]){"+12085550100", "+1 208-555-0100"}, 2, 0),
	                     NUMBERING_INVALID_ARGUMENT, "phoneNumbers[1]: +12085550100 is also phoneNumbers[0]");
	fixture_expect_error(reserve_numbers(&r, P1, (const char *[]){"+12085550100-01"}, 1, 0),
	                     NUMBERING_INVALID_ARGUMENT, "is not one number");
	/* All or nothing: the first is available, the second is not. */
	fixture_expect_error(reserve_numbers(&r, P1, (const char *[]){"+12085550100", "+12085550199"}, 2, 0),
	                     NUMBERING_NOT_FOUND, "phoneNumbers[1]: phone number +12085550199 is not available");
	ck_assert_str_eq(numbering_error_violation_field(0), "phoneNumbers[1]");
	/* Held by another project: as if it were not there. */
	fixture_expect_error(reserve_numbers(&r, P2, (const char *[]){"+12085550100", "+12085550109"}, 2, 0),
	                     NUMBERING_NOT_FOUND, "phoneNumbers[1]: phone number +12085550109 is not available");
	/* Held by the project's own reservation: named. */
	char text[256];
	snprintf(text, sizeof(text), "phoneNumbers[0]: phone number +12085550109 is held by %s already",
	         numbering_reservation_name(held));
	fixture_expect_error(reserve_numbers(&r, P1, (const char *[]){"+12085550109"}, 1, 0), NUMBERING_NOT_FOUND, text);
	/* Criteria as a search checks them, under "criteria.". */
	query.region_code = "XX";
	q.phone_numbers = NULL;
	q.phone_number_count = 0;
	fixture_expect_error(numbering_store_reserve_available(&r, fx.store, NULL, P1, &q), NUMBERING_INVALID_ARGUMENT,
	                     "criteria.regionCode \"XX\"");
	ck_assert_str_eq(numbering_error_violation_field(0), "criteria.regionCode");
	query.region_code = "US";
	query.type = 0;
	fixture_expect_error(numbering_store_reserve_available(&r, fx.store, NULL, P1, &q), NUMBERING_INVALID_ARGUMENT,
	                     "criteria.type is required");
	query.type = NUMBERING_NUMBER_TYPE_LOCAL;
	query.pattern = "12a";
	fixture_expect_error(numbering_store_reserve_available(&r, fx.store, NULL, P1, &q), NUMBERING_INVALID_ARGUMENT,
	                     "criteria.numberPattern.pattern \"12a\"");
	query.pattern = NULL;
	query.capabilities = 8;
	fixture_expect_error(numbering_store_reserve_available(&r, fx.store, NULL, P1, &q), NUMBERING_INVALID_ARGUMENT,
	                     "criteria.capabilities 8");
	/* Project and NULLs. */
	fixture_expect_error(reserve_numbers(&r, "p1", one, 1, 0), NUMBERING_INVALID_ARGUMENT, "projectId");
	fixture_expect_error(numbering_store_reserve_available(NULL, fx.store, NULL, P1, &q), NUMBERING_INVALID_ARGUMENT,
	                     "out is NULL");
	ck_assert_ptr_null(r);
	/* Nothing changed: +12085550100 .. 08 are for rent, the reservation holds 09. */
	char found[2048];
	search(found, sizeof(found), P2, "+120855501");
	ck_assert_str_eq(found, "0100,0101,0102,0103,0104,0105,0106,0107,0108");
	numbering_reservation_page *page = NULL;
	ck_assert_int_eq(numbering_store_list_reservations(&page, fx.store, NULL, P1, 0, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_reservation_page_count(page), 1);
	numbering_reservation_page_free(page);
	numbering_reservation_free(held);
	/* Names. */
	const char *bad_names[] = {"", "projects/p1/reservations/", "projects/p1/reservations/ABC",
	                           "projects/p1/reservations/a/b", "projects//reservations/a",
	                           "projects/p1/reservations/abcdefghijklmnopq", "p1/reservations/a"};
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		fixture_expect_error(numbering_store_get_reservation(&r, fx.store, NULL, bad_names[i]),
		                     NUMBERING_INVALID_ARGUMENT, "is not a reservation name");
		ck_assert_str_eq(numbering_error_violation_field(0), "name");
		fixture_expect_error(numbering_store_delete_reservation(fx.store, NULL, bad_names[i]),
		                     NUMBERING_INVALID_ARGUMENT, "is not a reservation name");
	}
	fixture_expect_error(numbering_store_get_reservation(&r, fx.store, NULL, NULL), NUMBERING_INVALID_ARGUMENT,
	                     "is not a reservation name");
	fixture_expect_error(numbering_store_get_reservation(&r, fx.store, NULL, "projects/p1/reservations/nosuch"),
	                     NUMBERING_NOT_FOUND, "\"projects/p1/reservations/nosuch\" does not exist");
	ck_assert_ptr_null(r);
	ck_assert_int_eq(numbering_reservation_request_init(NULL), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_reservation_name(NULL), "");
	ck_assert_str_eq(numbering_reservation_phone_number(NULL, 0), "");
	ck_assert_int_eq(numbering_reservation_phone_number_count(NULL), 0);
	ck_assert_int_eq(numbering_reservation_expire_time(NULL), 0);
	ck_assert_ptr_null(numbering_reservation_page_item(NULL, 0));
	ck_assert_str_eq(numbering_reservation_page_next_token(NULL), "");
	numbering_reservation_free(NULL);
	numbering_reservation_page_free(NULL);
	fixture_close_case();
}
END_TEST

START_TEST(list_pages_newest_first)
{
	fixture_open_case(_i, "reservation");
	import("+12085550100-09", NUMBERING_NUMBER_TYPE_LOCAL, 1);
	char names[3][128];
	for (int i = 0; i < 3; i++) {
		char number[20];
		snprintf(number, sizeof(number), "+1208555010%d", i);
		numbering_reservation *r = reserve_ok(P1, (const char *[]){number}, 1, 0);
		snprintf(names[i], sizeof(names[i]), "%s", numbering_reservation_name(r));
		numbering_reservation_free(r);
	}
	numbering_reservation_free(reserve_ok(P2, (const char *[]){"+12085550105"}, 1, 0));
	numbering_reservation_page *page = NULL;
	ck_assert_int_eq(numbering_store_list_reservations(&page, fx.store, NULL, P1, 2, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_reservation_page_count(page), 2);
	ck_assert_str_eq(numbering_reservation_name(numbering_reservation_page_item(page, 0)), names[2]);
	ck_assert_str_eq(numbering_reservation_name(numbering_reservation_page_item(page, 1)), names[1]);
	ck_assert_str_eq(numbers_of(numbering_reservation_page_item(page, 0)), "+12085550102");
	char token[256];
	snprintf(token, sizeof(token), "%s", numbering_reservation_page_next_token(page));
	ck_assert_str_ne(token, "");
	numbering_reservation_page_free(page);
	ck_assert_int_eq(numbering_store_list_reservations(&page, fx.store, NULL, P1, 2, token), NUMBERING_OK);
	ck_assert_int_eq(numbering_reservation_page_count(page), 1);
	ck_assert_str_eq(numbering_reservation_name(numbering_reservation_page_item(page, 0)), names[0]);
	ck_assert_str_eq(numbering_reservation_page_next_token(page), "");
	numbering_reservation_page_free(page);
	/* The token is the project's. */
	fixture_expect_error(numbering_store_list_reservations(&page, fx.store, NULL, P2, 2, token),
	                     NUMBERING_INVALID_ARGUMENT, "page token was issued for a different project");
	fixture_expect_error(numbering_store_list_reservations(&page, fx.store, NULL, P1, 2, "forged"),
	                     NUMBERING_INVALID_ARGUMENT, "was not issued by this store");
	fixture_expect_error(numbering_store_list_reservations(&page, fx.store, NULL, P1, -1, NULL),
	                     NUMBERING_INVALID_ARGUMENT, "pageSize -1 is not 1 to 1000");
	fixture_expect_error(numbering_store_list_reservations(&page, fx.store, NULL, P1, 1001, NULL),
	                     NUMBERING_INVALID_ARGUMENT, "pageSize 1001");
	fixture_expect_error(numbering_store_list_reservations(&page, fx.store, NULL, "projects/", 0, NULL),
	                     NUMBERING_INVALID_ARGUMENT, "projectId");
	ck_assert_ptr_null(page);
	ck_assert_int_eq(numbering_store_list_reservations(&page, fx.store, NULL, P2, 0, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_reservation_page_count(page), 1);
	ck_assert_str_eq(numbers_of(numbering_reservation_page_item(page, 0)), "+12085550105");
	numbering_reservation_page_free(page);
	fixture_close_case();
}
END_TEST

/* The id of the reservation named @name, into @id (as long as any id). */
static void id_of(char id[64], const char *name)
{
	snprintf(id, 64, "%s", strrchr(name, '/') + 1);
}

/* A page of P1's reservations for page_walk_run(). */
static void reservations_page(struct page_walk *w, int size, const char *token, char next[PAGE_WALK_TOKEN],
                              void *payload)
{
	numbering_reservation_page *page = NULL;
	int rc = numbering_store_list_reservations(&page, fx.store, NULL, P1, size, token);
	ck_assert_msg(rc == NUMBERING_OK, "%s", numbering_error_message());
	for (int i = 0; i < numbering_reservation_page_count(page); i++)
		page_walk_add(w, numbering_reservation_name(numbering_reservation_page_item(page, i)));
	snprintf(next, PAGE_WALK_TOKEN, "%s", numbering_reservation_page_next_token(page));
	numbering_reservation_page_free(page);
}

/* Between two pages: a reservation newer than all (before the boundary). */
static void reserve_late(void *payload)
{
	numbering_reservation_free(reserve_ok(P1, (const char *[]){"+12085550109"}, 1, 0));
}

/* A token of the create time alone, as tokens were before they named the id. */
static void old_token(char token[NUMBERING__TOKEN_TEXT_MAX], int64_t time)
{
	unsigned char digest[NUMBERING__TOKEN_DIGEST_BYTES];
	static const char filter[] = "reservations|" P1;
	crypto_generichash(digest, sizeof(digest), (const unsigned char *)filter, strlen(filter), NULL, 0);
	numbering__token_make(token, fx.store, digest, time);
}

/* Reservations of one create time on a page boundary (two processes could write them
 * before a reservation took its time inside its transaction): the token named the
 * time alone, and the next page started after every reservation of it, so the others
 * were on none. */
START_TEST(reservations_that_share_a_create_time_are_each_listed_once)
{
	fixture_open_case(_i, "reservation");
	import("+12085550100-09", NUMBERING_NUMBER_TYPE_LOCAL, 1);
	char names[4][128], twins[2][128];
	int64_t times[4];
	for (int i = 0; i < 4; i++) {
		char number[20];
		snprintf(number, sizeof(number), "+1208555010%d", i);
		numbering_reservation *r = reserve_ok(P1, (const char *[]){number}, 1, 0);
		snprintf(names[i], sizeof(names[i]), "%s", numbering_reservation_name(r));
		times[i] = numbering_reservation_create_time(r);
		numbering_reservation_free(r);
	}
	/* Two copies of the second one, their ids before and after its own. */
	char id[64], twin[64];
	id_of(id, names[1]);
	for (int k = 0; k < 2; k++) {
		memset(twin, k == 0 ? '0' : 'z', strlen(id));
		twin[strlen(id)] = '\0';
		ck_assert_int_eq(record_plant_copy(fx.store->backend, NUMBERING__KIND_RESERVATION, P1, id, twin), NUMBERING_OK);
		snprintf(twins[k], sizeof(twins[k]), P1 "/reservations/%s", twin);
	}
	/* Newest first, then by id. */
	const char *order[] = {names[3], names[2], twins[0], names[1], twins[1], names[0]};
	for (int size = 1; size <= 3; size++) {
		struct page_walk w;
		page_walk_run(&w, size, reservations_page, reserve_late, NULL);
		/* The reservation made between pages was newer: on no page. */
		page_walk_check(&w, order, 6, size);
		numbering_reservation_page *page = NULL;
		ck_assert_int_eq(numbering_store_list_reservations(&page, fx.store, NULL, P1, 1, NULL), NUMBERING_OK);
		const char *newest = numbering_reservation_name(numbering_reservation_page_item(page, 0));
		ck_assert_int_eq(numbering_store_delete_reservation(fx.store, NULL, newest), NUMBERING_OK);
		numbering_reservation_page_free(page);
	}
	/* A token of the time alone still reads where it can: no other reservation has
	 * the time of the third one, so the page after it is the tied ones' first. */
	char token[NUMBERING__TOKEN_TEXT_MAX];
	old_token(token, times[2]);
	numbering_reservation_page *page = NULL;
	ck_assert_int_eq(numbering_store_list_reservations(&page, fx.store, NULL, P1, 1, token), NUMBERING_OK);
	ck_assert_str_eq(numbering_reservation_name(numbering_reservation_page_item(page, 0)), twins[0]);
	numbering_reservation_page_free(page);
	/* Of the tied time it cannot tell which were shown. */
	old_token(token, times[1]);
	fixture_expect_error(numbering_store_list_reservations(&page, fx.store, NULL, P1, 1, token),
	                     NUMBERING_INVALID_ARGUMENT, "page token is of an earlier version");
	ck_assert_str_eq(numbering_error_violation_field(0), "pageToken");
	ck_assert_ptr_null(page);
	fixture_close_case();
}
END_TEST

/* A number rented out of a reservation and released comes back listed: anyone's again. */
START_TEST(rented_and_released_number_is_anyones)
{
	fixture_open_case(_i, "reservation");
	import("+12085550100-01", NUMBERING_NUMBER_TYPE_LOCAL, 1);
	numbering_reservation *r = reserve_ok(P1, (const char *[]){"+12085550100"}, 1, 0);
	numbering_reservation_free(r);
	ck_assert_int_eq(rent(P1, "+12085550100"), NUMBERING_OK);
	numbering_active_number *a = NULL;
	ck_assert_int_eq(numbering_store_release_active(&a, fx.store, NULL, P1, "+12085550100"), NUMBERING_OK);
	int64_t expire_at = numbering_active_number_int(a, "expireAt");
	numbering_active_number_free(a);
	fx.now = expire_at;
	ck_assert_int_eq(numbering_store_process_due(NULL, fx.store), NUMBERING_OK);
	char found[256];
	search(found, sizeof(found), P2, "+120855501");
	ck_assert_str_eq(found, "0100,0101");
	ck_assert_int_eq(rent(P2, "+12085550100"), NUMBERING_OK);
	fixture_close_case();
}
END_TEST

/* An import cannot set the attribute that marks a reserved number. */
START_TEST(import_refuses_the_reservation_attribute)
{
	fixture_open_case(_i, "reservation");
	numbering_available_number *n = NULL;
	ck_assert_int_eq(numbering_available_number_new(&n), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_numbers(n, "+12085550100", NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_type(n, NUMBERING_NUMBER_TYPE_LOCAL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_text(n, "reservation", "projects/p1/reservations/a"),
	                 NUMBERING_OK);
	const numbering_available_number *items[] = {n};
	fixture_expect_error(numbering_store_import_available(NULL, fx.store, NULL, items, 1), NUMBERING_INVALID_ARGUMENT,
	                     "availableNumbers[0].reservation is not imported");
	numbering_available_number_free(n);
	fixture_close_case();
}
END_TEST

/* The file store keeps a reservation across a close, and its expiry after it. */
START_TEST(file_store_keeps_reservations)
{
	fixture_open_case(1, "reservation");
	import("+12085550100-02", NUMBERING_NUMBER_TYPE_LOCAL, 1);
	numbering_reservation *r = reserve_ok(P1, (const char *[]){"+12085550101"}, 1, 10 * MINUTE);
	char name[128];
	snprintf(name, sizeof(name), "%s", numbering_reservation_name(r));
	int64_t expire = numbering_reservation_expire_time(r);
	numbering_reservation_free(r);
	fixture_reopen_case();
	r = get_ok(name);
	ck_assert_str_eq(numbers_of(r), "+12085550101");
	ck_assert_int_eq(numbering_reservation_expire_time(r), expire);
	numbering_reservation_free(r);
	char found[256];
	search(found, sizeof(found), P2, "+120855501");
	ck_assert_str_eq(found, "0100,0102");
	fx.now = expire;
	search(found, sizeof(found), P2, "+120855501");
	ck_assert_str_eq(found, "0100,0101,0102");
	fixture_close_case();
}
END_TEST

/* A read-only open writes nothing, the expiry included: its reads answer by the clock,
 * as on a full disk (they failed FAILED_PRECONDITION, "open read-only", once a
 * reservation had expired). */
START_TEST(read_only_store_reads_expired_reservations)
{
	char path[TEMP_PATH_MAX], lock[TEMP_PATH_MAX + 8];
	fixture_case_path(path, sizeof(path), 1, "reservation-ro");
	snprintf(lock, sizeof(lock), "%s.lock", path);
	memset(&fx, 0, sizeof(fx));
	fx.now = FIXTURE_EPOCH;
	fx.store = fixture_open_on(fixture_file_backend(path, 0), &fx.now);
	import("+12085550100-02", NUMBERING_NUMBER_TYPE_LOCAL, 1);
	numbering_reservation *r = reserve_ok(P1, (const char *[]){"+12085550101"}, 1, 10 * MINUTE);
	char name[128];
	snprintf(name, sizeof(name), "%s", numbering_reservation_name(r));
	int64_t expire = numbering_reservation_expire_time(r);
	numbering_reservation_free(r);
	numbering_store_close(fx.store);
	fx.store = fixture_open_on(fixture_file_backend(path, 1), &fx.now);
	r = get_ok(name); /* before its expiry */
	numbering_reservation_free(r);
	char found[256];
	search(found, sizeof(found), P2, NULL);
	ck_assert_str_eq(found, "0100,0102");
	ck_assert_int_eq(available(P2, "+12085550101"), NUMBERING_NOT_FOUND);
	fx.now = expire;
	/* ListAvailableNumbers and GetAvailableNumber show its number back in the inventory
	 * (they failed FAILED_PRECONDITION, "open read-only"). */
	search(found, sizeof(found), P2, NULL);
	ck_assert_str_eq(found, "0100,0101,0102");
	search(found, sizeof(found), P2, "+120855501");
	ck_assert_str_eq(found, "0100,0101,0102");
	ck_assert_msg(available(P2, "+12085550101") == NUMBERING_OK, "%s", numbering_error_message());
	numbering_reservation_page *page = NULL;
	ck_assert_msg(numbering_store_list_reservations(&page, fx.store, NULL, P1, 0, NULL) == NUMBERING_OK, "%s",
	              numbering_error_message());
	ck_assert_int_eq(numbering_reservation_page_count(page), 0);
	numbering_reservation_page_free(page);
	fixture_expect_error(numbering_store_get_reservation(&r, fx.store, NULL, name), NUMBERING_NOT_FOUND, name);
	numbering_pricing_list *prices = NULL;
	ck_assert_msg(numbering_store_list_pricing(&prices, fx.store, NULL, "US", NUMBERING_NUMBER_TYPE_LOCAL) ==
	                      NUMBERING_OK,
	              "%s", numbering_error_message());
	ck_assert_int_eq(numbering_pricing_list_count(prices), 1);
	ck_assert_int_eq(numbering_pricing_list_tier_available(prices, 0, 0), 3);
	numbering_pricing_list_free(prices);
	/* A write says why it cannot. */
	fixture_expect_error(numbering_store_delete_reservation(fx.store, NULL, name), NUMBERING_FAILED_PRECONDITION,
	                     "read-only");
	numbering_store_close(fx.store);
	fx.store = NULL;
	unlink(path);
	unlink(lock);
}
END_TEST

/* Two stores on one file (two processes) whose clock stands still, as a clock set back
 * does: each hands out its times after the last one the other committed, so a
 * reservation, named after its time, never takes the name of the other's. The second
 * store handed out the time the first had just committed: its reservation overwrote the
 * first's, whose number stayed held by no reservation and never came back to stock. */
START_TEST(two_stores_on_one_file_never_hand_out_one_time)
{
	char path[TEMP_PATH_MAX], lock[TEMP_PATH_MAX + 8];
	fixture_case_path(path, sizeof(path), 1, "reservation-two");
	snprintf(lock, sizeof(lock), "%s.lock", path);
	int64_t clk = FIXTURE_EPOCH;
	numbering_store *stores[2];
	for (int i = 0; i < 2; i++) {
		numbering_options options = NUMBERING_OPTIONS_INIT;
		options.clock = fixture_still;
		options.clock_payload = &clk;
		options.backend = fixture_file_backend(path, 0);
		ck_assert_msg(numbering_store_open(&stores[i], &options) == NUMBERING_OK, "%s", numbering_error_message());
	}
	memset(&fx, 0, sizeof(fx));
	fx.store = stores[0];
	import("+12085550100-03", NUMBERING_NUMBER_TYPE_LOCAL, 1);
	char names[3][128];
	for (int i = 0; i < 3; i++) {
		fx.store = stores[i % 2];
		char number[16];
		snprintf(number, sizeof(number), "+1208555010%d", i + 1);
		numbering_reservation *r = reserve_ok(P1, (const char *[]){number}, 1, 10 * MINUTE);
		snprintf(names[i], sizeof(names[i]), "%s", numbering_reservation_name(r));
		numbering_reservation_free(r);
		for (int k = 0; k < i; k++)
			ck_assert_str_ne(names[k], names[i]);
	}
	numbering_reservation_page *page = NULL;
	ck_assert_int_eq(numbering_store_list_reservations(&page, stores[0], NULL, P1, 0, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_reservation_page_count(page), 3);
	numbering_reservation_page_free(page);
	clk += 11 * MINUTE;
	char found[256];
	for (int i = 0; i < 2; i++) {
		fx.store = stores[i];
		search(found, sizeof(found), P2, "+120855501");
		ck_assert_str_eq(found, "0100,0101,0102,0103");
	}
	numbering_store_close(stores[0]);
	numbering_store_close(stores[1]);
	fx.store = NULL;
	unlink(path);
	unlink(lock);
}
END_TEST

/* Another process's reservation committed between this store taking its time and
 * its transaction: store A's clock makes store B (another handle of the file, which
 * does not wait for the write lock) reserve at each reading while armed. A took its
 * time before its transaction, from a last time that did not hold B's commit yet, so
 * with a clock standing still it took B's time, and its reservation overwrote B's. */
static numbering_store *racer;
static int64_t race_clock_now;
static int race_armed, race_tries, race_count;
static char race_names[8][128];

static int64_t racing_clock(void *payload)
{
	(void)payload;
	if (race_armed && race_tries < 8) {
		race_armed = 0;
		char number[32];
		snprintf(number, sizeof(number), "+1208555011%d", race_tries++);
		numbering_reservation_request q = NUMBERING_RESERVATION_REQUEST_INIT;
		q.phone_numbers = (const char *[]){number};
		q.phone_number_count = 1;
		q.ttl = 10 * MINUTE;
		numbering_reservation *r = NULL;
		if (numbering_store_reserve_available(&r, racer, NULL, P1, &q) == NUMBERING_OK)
			snprintf(race_names[race_count++], sizeof(race_names[0]), "%s", numbering_reservation_name(r));
		numbering_reservation_free(r);
		race_armed = 1;
	}
	return race_clock_now;
}

START_TEST(a_reservation_committed_meanwhile_keeps_its_name)
{
	char path[TEMP_PATH_MAX], lock[TEMP_PATH_MAX + 8];
	fixture_case_path(path, sizeof(path), 1, "reservation-race");
	snprintf(lock, sizeof(lock), "%s.lock", path);
	race_clock_now = FIXTURE_EPOCH;
	race_armed = race_tries = race_count = 0;
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.clock = racing_clock;
	options.backend = fixture_file_backend(path, 0);
	memset(&fx, 0, sizeof(fx));
	ck_assert_msg(numbering_store_open(&fx.store, &options) == NUMBERING_OK, "%s", numbering_error_message());
	racer = fixture_open_racer(path, &race_clock_now); /* it never waits for this one's transaction */
	import("+12085550100-19", NUMBERING_NUMBER_TYPE_LOCAL, 1);
	race_armed = 1;
	numbering_reservation *r = reserve_ok(P1, (const char *[]){"+12085550100"}, 1, 10 * MINUTE);
	race_armed = 0;
	ck_assert_int_gt(race_count, 0);
	for (int i = 0; i < race_count; i++)
		ck_assert_str_ne(race_names[i], numbering_reservation_name(r));
	numbering_reservation_free(r);
	numbering_reservation_page *page = NULL;
	ck_assert_int_eq(numbering_store_list_reservations(&page, fx.store, NULL, P1, 0, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_reservation_page_count(page), 1 + race_count);
	numbering_reservation_page_free(page);
	race_clock_now += 11 * MINUTE;
	int64_t processed = 0;
	ck_assert_int_eq(numbering_store_process_due(&processed, fx.store), NUMBERING_OK);
	char found[512];
	search(found, sizeof(found), P2, "+120855501");
	ck_assert_str_eq(found, "0100,0101,0102,0103,0104,0105,0106,0107,0108,0109,0110,0111,0112,0113,0114,0115,0116,"
	                        "0117,0118,0119");
	numbering_store_close(racer);
	racer = NULL;
	numbering_store_close(fx.store);
	fx.store = NULL;
	unlink(path);
	unlink(lock);
}
END_TEST

/* The RESERVATION record, its body cut at every length and each bit flipped: read whole
 * or as DATA_LOSS by the kind's check, never past its bytes (exact-size copies). */
static int damage_visit(const numbering_record *record, void *payload)
{
	record_damage_visit(record, payload);
	if (record->kind != NUMBERING__KIND_RESERVATION)
		return 0;
	/* Keys that are not the body's. */
	const struct numbering__kind *kind = numbering__kind_find(record->kind);
	numbering_record copy = *record;
	copy.expires = record->expires + 1;
	ck_assert_int_eq(kind->check(&copy), NUMBERING_DATA_LOSS);
	copy = *record;
	copy.sort_key = record->sort_key + 1;
	ck_assert_int_eq(kind->check(&copy), NUMBERING_DATA_LOSS);
	copy = *record;
	copy.parent = "projects/p2";
	ck_assert_int_eq(kind->check(&copy), NUMBERING_DATA_LOSS);
	copy = *record;
	copy.flags = NUMBERING_RECORD_LISTED;
	ck_assert_int_eq(kind->check(&copy), NUMBERING_DATA_LOSS);
	return 0;
}

START_TEST(damaged_reservation_bodies)
{
	numbering_backend *backend = NULL;
	memset(&fx, 0, sizeof(fx));
	fx.store = fixture_open_memory(&backend);
	import("+12085550100-09", NUMBERING_NUMBER_TYPE_LOCAL, 1);
	numbering_reservation_free(reserve_ok(P1, (const char *[]){"+12085550101", "+12085550105"}, 2, 0));
	struct record_damage d = {0, 0};
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = NUMBERING__KIND_RESERVATION;
	q.parent = P1;
	ck_assert_int_eq(backend->list(backend, &q, damage_visit, &d), NUMBERING_OK);
	/* The reserved numbers' own records, with the attribute naming the reservation. */
	q.kind = NUMBERING__KIND_AVAILABLE;
	q.parent = "US/LOCAL";
	ck_assert_int_eq(backend->list(backend, &q, damage_visit, &d), NUMBERING_OK);
	ck_assert_int_eq(d.records, 1 + 5);
	ck_assert_int_gt(d.cases, 1000);
	numbering_store_close(fx.store);
	fx.store = NULL;
}
END_TEST

Suite *reservation_suite(void)
{
	Suite *s = suite_create("reservation");
	TCase *tc = tcase_create("reservation");
	/* _i: 0 the memory backend, 1 the file backend. */
	tcase_add_loop_test(tc, reserved_numbers_are_the_holders_alone, 0, 2);
	tcase_add_loop_test(tc, expiry_returns_the_numbers, 0, 2);
	tcase_add_loop_test(tc, delete_returns_the_numbers_at_once, 0, 2);
	tcase_add_loop_test(tc, criteria_take_the_lowest_matches_or_nothing, 0, 2);
	tcase_add_loop_test(tc, bad_requests_change_nothing, 0, 2);
	tcase_add_loop_test(tc, list_pages_newest_first, 0, 2);
	tcase_add_loop_test(tc, reservations_that_share_a_create_time_are_each_listed_once, 0, 2);
	tcase_add_loop_test(tc, rented_and_released_number_is_anyones, 0, 2);
	tcase_add_loop_test(tc, import_refuses_the_reservation_attribute, 0, 2);
	tcase_add_test(tc, file_store_keeps_reservations);
	tcase_add_test(tc, read_only_store_reads_expired_reservations);
	tcase_add_test(tc, two_stores_on_one_file_never_hand_out_one_time);
	tcase_add_test(tc, a_reservation_committed_meanwhile_keeps_its_name);
	tcase_add_test(tc, damaged_reservation_bodies);
	suite_add_tcase(s, tc);
	return s;
}
