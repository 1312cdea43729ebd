/*
 * The authorization matrix of the reservation methods (numbering/reservation.h), as
 * tests/test-authz-sinch.c is the Sinch methods': ReserveAvailableNumbers,
 * GetReservation, ListReservations and DeleteReservation against each permission that
 * could be mistaken for theirs and none, with the built-in policy and with a host
 * authorizer, through the C API and JSON. Holding a method's permission on projects/p1
 * gives its answer; anything else, the permission on projects/p2 included, is
 * PERMISSION_DENIED naming the permission and the project, with no out-parameter set,
 * no number of the store in the body, and nothing changed. The built-in roles: viewer
 * gets and lists, editor also reserves and deletes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <numbering/numbering.h>

#include "authz-grant.h"
#include "suites.h"

#define USER AUTHZ_USER
#define ADMIN AUTHZ_ADMIN
#define P1 "projects/p1"
#define HELD "+12085550101"
#define FREE "+12085550105"

static const char *const permissions[] = {
	"numbering.reservations.create",    "numbering.reservations.get",     "numbering.reservations.list",
	"numbering.reservations.delete",    "numbering.availableNumbers.rent", "numbering.availableNumbers.list",
	"numbering.availableNumbers.get",   "numbering.phoneNumberInstances.get",
};
#define PERMISSION_COUNT ((int)(sizeof(permissions) / sizeof(permissions[0])))

enum method { RESERVE, GET, LIST, DELETE, METHOD_COUNT };
static const char *const json_methods[METHOD_COUNT] = {"ReserveAvailableNumbers", "GetReservation",
                                                       "ListReservations", "DeleteReservation"};

static numbering_policy *policy;
static struct authz_grant grant; /* what USER holds (authz-grant.h) */
static char name[128];

/* A store in which USER holds the grant, through the host authorizer (@host) or the
 * built-in policy. */
static numbering_store *open_store(int host)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	authz_grant_options(&options, !host, &grant, &policy);
	numbering_store *store = NULL;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	/* +12085550100-09 in stock, 01 held for p1. */
	numbering_available_number *n = NULL;
	ck_assert_int_eq(numbering_available_number_new(&n), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_numbers(n, "+12085550100-09", NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_type(n, NUMBERING_NUMBER_TYPE_LOCAL), NUMBERING_OK);
	const numbering_available_number *items[] = {n};
	ck_assert_int_eq(numbering_store_import_available(NULL, store, ADMIN, items, 1), NUMBERING_OK);
	numbering_available_number_free(n);
	numbering_reservation_request q = NUMBERING_RESERVATION_REQUEST_INIT;
	const char *numbers[] = {HELD};
	q.phone_numbers = numbers;
	q.phone_number_count = 1;
	numbering_reservation *r = NULL;
	ck_assert_int_eq(numbering_store_reserve_available(&r, store, ADMIN, P1, &q), NUMBERING_OK);
	snprintf(name, sizeof(name), "%s", numbering_reservation_name(r));
	numbering_reservation_free(r);
	return store;
}

static void close_store(numbering_store *store)
{
	numbering_store_close(store);
	numbering_policy_free(policy);
	policy = NULL;
}

/* The method through C; *out_set when it set its out-parameter. */
static int call_c(numbering_store *store, enum method m, int *out_set)
{
	numbering_reservation *r = NULL;
	numbering_reservation_page *page = NULL;
	int rc = NUMBERING_INTERNAL;
	switch (m) {
	case RESERVE: {
		numbering_reservation_request q = NUMBERING_RESERVATION_REQUEST_INIT;
		const char *numbers[] = {FREE};
		q.phone_numbers = numbers;
		q.phone_number_count = 1;
		r = (numbering_reservation *)1;
		rc = numbering_store_reserve_available(&r, store, USER, P1, &q);
		break;
	}
	case GET:
		r = (numbering_reservation *)1;
		rc = numbering_store_get_reservation(&r, store, USER, name);
		break;
	case LIST:
		page = (numbering_reservation_page *)1;
		rc = numbering_store_list_reservations(&page, store, USER, P1, 0, NULL);
		break;
	default:
		rc = numbering_store_delete_reservation(store, USER, name);
	}
	*out_set = (r != NULL && r != (numbering_reservation *)1) || (page != NULL && page != (numbering_reservation_page *)1);
	if (rc == NUMBERING_OK) {
		numbering_reservation_free(r);
		numbering_reservation_page_free(page);
	}
	return rc;
}

static int call_json(numbering_store *store, enum method m, char **response)
{
	char request[256];
	if (m == RESERVE)
		snprintf(request, sizeof(request), "{\"parent\":\"" P1 "\",\"phoneNumbers\":[\"" FREE "\"]}");
	else if (m == LIST)
		snprintf(request, sizeof(request), "{\"parent\":\"" P1 "\"}");
	else
		snprintf(request, sizeof(request), "{\"name\":\"%s\"}", name);
	return numbering_store_call_json(response, store, USER, json_methods[m], request);
}

/* The store as the host sees it: p1's one reservation holds 01; 05 is for rent. */
static void expect_unchanged(numbering_store *store)
{
	numbering_reservation *r = NULL;
	ck_assert_int_eq(numbering_store_get_reservation(&r, store, ADMIN, name), NUMBERING_OK);
	ck_assert_int_eq(numbering_reservation_phone_number_count(r), 1);
	numbering_reservation_free(r);
	numbering_reservation_page *page = NULL;
	ck_assert_int_eq(numbering_store_list_reservations(&page, store, ADMIN, P1, 0, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_reservation_page_count(page), 1);
	numbering_reservation_page_free(page);
	numbering_available_number *n = NULL;
	ck_assert_int_eq(numbering_store_get_available(&n, store, ADMIN, "projects/p2", FREE), NUMBERING_OK);
	numbering_available_number_free(n);
}

static const char *const method_permission[METHOD_COUNT] = {
	"numbering.reservations.create", "numbering.reservations.get", "numbering.reservations.list",
	"numbering.reservations.delete"};

/* USER holding @granted (or nothing) on @project, through @host's kind of authorizer:
 * each method through C and JSON, on a fresh store each time. */
static void run_matrix(int host, const char *granted, const char *project)
{
	for (int m = 0; m < METHOD_COUNT; m++)
		for (int door = 0; door < 2; door++) {
			grant = (struct authz_grant){granted, project, NULL};
			numbering_store *store = open_store(host);
			int allowed = granted != NULL && strcmp(granted, method_permission[m]) == 0 && strcmp(project, P1) == 0;
			int rc, out_set = 0;
			char *response = NULL;
			if (door == 0)
				rc = call_c(store, (enum method)m, &out_set);
			else
				rc = call_json(store, (enum method)m, &response);
			char what[256];
			snprintf(what, sizeof(what), "%s via %s, %s holding %s on %s: %s", json_methods[m], door ? "JSON" : "C",
			         host ? "host" : "policy", granted ? granted : "nothing", project, numbering_error_message());
			if (allowed) {
				ck_assert_msg(rc == NUMBERING_OK, "%s", what);
			} else {
				ck_assert_msg(rc == NUMBERING_PERMISSION_DENIED, "%s", what);
				char expected[160];
				snprintf(expected, sizeof(expected), "lacks permission %s on " P1, method_permission[m]);
				ck_assert_msg(strstr(numbering_error_message(), expected) != NULL, "%s", what);
				ck_assert_msg(!out_set, "%s: out set", what);
				if (response != NULL)
					ck_assert_msg(strstr(response, "+1208555") == NULL, "%s: %s", what, response);
				expect_unchanged(store);
			}
			numbering_free(response);
			close_store(store);
		}
}

START_TEST(matrix_builtin_policy)
{
	run_matrix(0, _i < PERMISSION_COUNT ? permissions[_i] : NULL, P1);
}
END_TEST

START_TEST(matrix_host_authorizer)
{
	run_matrix(1, _i < PERMISSION_COUNT ? permissions[_i] : NULL, P1);
}
END_TEST

/* A method's own permission on another project gives nothing on p1. */
START_TEST(permission_on_another_project)
{
	for (int host = 0; host < 2; host++)
		for (int m = 0; m < METHOD_COUNT; m++)
			run_matrix(host, method_permission[m], "projects/p2");
}
END_TEST

/* The built-in roles: a viewer gets and lists, an editor also reserves and deletes. */
START_TEST(builtin_roles)
{
	static const char *const roles[] = {"roles/numbering.viewer", "roles/numbering.editor"};
	for (int role = 0; role < 2; role++)
		for (int m = 0; m < METHOD_COUNT; m++) {
			grant = (struct authz_grant){NULL, P1, roles[role]};
			numbering_store *store = open_store(0);
			int out_set = 0;
			int rc = call_c(store, (enum method)m, &out_set);
			int allowed = role == 1 || m == GET || m == LIST;
			ck_assert_msg(rc == (allowed ? NUMBERING_OK : NUMBERING_PERMISSION_DENIED), "%s as %s: %s",
			              json_methods[m], roles[role], numbering_error_message());
			close_store(store);
		}
}
END_TEST

Suite *authz_reservation_suite(void)
{
	Suite *s = suite_create("authz_reservation");
	TCase *tc = tcase_create("authz_reservation");
	tcase_add_loop_test(tc, matrix_builtin_policy, 0, PERMISSION_COUNT + 1);
	tcase_add_loop_test(tc, matrix_host_authorizer, 0, PERMISSION_COUNT + 1);
	tcase_add_test(tc, permission_on_another_project);
	tcase_add_test(tc, builtin_roles);
	suite_add_tcase(s, tc);
	return s;
}
