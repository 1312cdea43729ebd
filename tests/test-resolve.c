/* ResolvePhoneNumber: the owner of a dialed number, ranges and permissions included. */
#include <stdio.h>
#include <string.h>

#include "store-fixture.h"
#include "suites.h"

static numbering_resolution *res;

static void setup(void)
{
	fixture_open(NULL);
	ck_assert_int_eq(numbering_resolution_new(&res), NUMBERING_OK);
}

static void teardown(void)
{
	numbering_resolution_free(res);
	fixture_close();
}

START_TEST(exact_and_inside_ranges)
{
	numbering_instance *r = NULL, *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&r), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_phone_number(r, "+61255501100"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_add_call_handler(r, "sip:desk@pbx.example.com"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_add_call_handler(r, "tel:+61299998888"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_create(&out, fx.store, NULL, "projects/p1", r, "desk", NULL, NULL), NUMBERING_OK);
	numbering_instance_free(out);
	numbering_instance_free(r);
	numbering_instance_free(fixture_create("projects/p2", "block", "+61255502000-99"));

	ck_assert_int_eq(numbering_store_resolve(res, fx.store, NULL, "+61 2 5550 1100", NULL), NUMBERING_OK);
	const numbering_instance *owner = numbering_resolution_instance(res);
	ck_assert_str_eq(numbering_instance_name(owner), "projects/p1/phoneNumberInstances/desk");
	ck_assert_int_eq(numbering_instance_call_handler_count(owner), 2);
	ck_assert_str_eq(numbering_instance_call_handler(owner, 1), "tel:+61299998888");
	ck_assert_str_eq(numbering_resolution_phone_number(res), "+61255501100");

	const char *inside[] = {"+61255502000", "+61255502057", "+61255502099", "02 5550 2050"};
	for (size_t i = 0; i < 4; i++) {
		ck_assert_int_eq(numbering_store_resolve(res, fx.store, NULL, inside[i], NULL), NUMBERING_OK);
		ck_assert_str_eq(numbering_instance_name(numbering_resolution_instance(res)),
		                 "projects/p2/phoneNumberInstances/block");
	}
	const char *outside[] = {"+61255501999", "+61255502100", "+61255501101", "+12025550134"};
	for (size_t i = 0; i < 4; i++)
		fixture_expect_error(numbering_store_resolve(res, fx.store, NULL, outside[i], NULL), NUMBERING_NOT_FOUND,
		                     "no phone number instance holds");
}
END_TEST

/* The canonical form ('+' and digits) takes the parser's fast path: it resolves as
 * every other form of the same number does, exact numbers and numbers inside ranges,
 * and what only looks canonical (a trunk prefix after the calling code, too many
 * digits, a calling code starting with 0) is answered as the general path answers it. */
START_TEST(input_forms_resolve_alike)
{
	numbering_instance_free(fixture_create("projects/p1", "desk", "+61255501100"));
	numbering_instance_free(fixture_create("projects/p2", "block", "+61255502000-99"));
	static const struct {
		const char *text;
		const char *region;
		const char *owner;
		const char *e164;
	} forms[] = {
		{"+61255501100", NULL, "projects/p1/phoneNumberInstances/desk", "+61255501100"},
		{"+61 2 5550 1100", NULL, "projects/p1/phoneNumberInstances/desk", "+61255501100"},
		{"02 5550 1100", "AU", "projects/p1/phoneNumberInstances/desk", "+61255501100"},
		{"+610255501100", NULL, "projects/p1/phoneNumberInstances/desk", "+61255501100"},
		{"0011 61 2 5550 1100", "AU", "projects/p1/phoneNumberInstances/desk", "+61255501100"},
		{"+61255502042", NULL, "projects/p2/phoneNumberInstances/block", "+61255502042"},
		{"+61 2 5550 2042", NULL, "projects/p2/phoneNumberInstances/block", "+61255502042"},
		{"(02) 5550-2042", "AU", "projects/p2/phoneNumberInstances/block", "+61255502042"},
		{"+610255502042", NULL, "projects/p2/phoneNumberInstances/block", "+61255502042"},
		{"+61255502000", NULL, "projects/p2/phoneNumberInstances/block", "+61255502000"},
		{"+61255502099", NULL, "projects/p2/phoneNumberInstances/block", "+61255502099"},
	};
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		int rc = numbering_store_resolve(res, fx.store, NULL, forms[i].text, forms[i].region);
		ck_assert_msg(rc == NUMBERING_OK, "%s: %d %s", forms[i].text, rc, numbering_error_message());
		const numbering_instance *owner = numbering_resolution_instance(res);
		ck_assert_str_eq(numbering_instance_name(owner), forms[i].owner);
		ck_assert_str_eq(numbering_resolution_phone_number(res), forms[i].e164);
		/* The owner's own numbers, whichever of them was dialed and however. */
		int block = strstr(forms[i].owner, "block") != NULL;
		ck_assert_str_eq(numbering_instance_phone_number(owner), block ? "+61255502000" : "+61255501100");
		ck_assert_str_eq(numbering_instance_range_end(owner), block ? "+61255502099" : "");
	}
	fixture_expect_error(numbering_store_resolve(res, fx.store, NULL, "+6125550110012345", NULL),
	                     NUMBERING_INVALID_ARGUMENT, "has 16 digits");
	fixture_expect_error(numbering_store_resolve(res, fx.store, NULL, "+061255501100", NULL),
	                     NUMBERING_INVALID_ARGUMENT, "starting with 0");
	fixture_expect_error(numbering_store_resolve(res, fx.store, NULL, "+6125550110", NULL), NUMBERING_NOT_FOUND,
	                     "no phone number instance holds +6125550110");
	fixture_expect_error(numbering_store_resolve(res, fx.store, NULL, "+612555011000", NULL), NUMBERING_NOT_FOUND,
	                     "+612555011000");
}
END_TEST

START_TEST(states)
{
	numbering_instance *out = fixture_create("projects/p1", "n", "+61255501100");
	numbering_instance_free(out);
	ck_assert_int_eq(numbering_store_suspend(&out, fx.store, NULL, "projects/p1/phoneNumberInstances/n"), NUMBERING_OK);
	numbering_instance_free(out);
	/* A suspended number is still owned; the host decides what to do with the call. */
	ck_assert_int_eq(numbering_store_resolve(res, fx.store, NULL, "+61255501100", NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_lifecycle_state(numbering_resolution_instance(res)),
	                 NUMBERING_LIFECYCLE_SUSPENDED);
	ck_assert_int_eq(numbering_store_delete(&out, fx.store, NULL, "projects/p1/phoneNumberInstances/n"), NUMBERING_OK);
	numbering_instance_free(out);
	ck_assert_int_eq(numbering_store_resolve(res, fx.store, NULL, "+61255501100", NULL), NUMBERING_NOT_FOUND);
}
END_TEST

START_TEST(unauthorized_looks_unowned)
{
	numbering_instance_free(fixture_create("projects/secret", "n", "+61255501100"));
	fx.deny_permission = "numbering.phoneNumberInstances.resolve";
	fx.deny_project = "projects/secret";
	int rc = numbering_store_resolve(res, fx.store, "user:eve", "+61255501100", NULL);
	fixture_expect_error(rc, NUMBERING_NOT_FOUND, "no phone number instance holds +61255501100");
	ck_assert_str_eq(numbering_instance_name(numbering_resolution_instance(res)), "");
}
END_TEST

START_TEST(bad_input)
{
	fixture_expect_error(numbering_store_resolve(res, fx.store, NULL, "+1 800 FLOWERS", NULL),
	                     NUMBERING_INVALID_ARGUMENT, "letter");
	ck_assert_int_eq(numbering_store_resolve(res, fx.store, NULL, NULL, NULL), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_store_resolve(NULL, fx.store, NULL, "+61255501100", NULL), NUMBERING_INVALID_ARGUMENT);
	fixture_expect_error(numbering_store_resolve(res, fx.store, NULL, "+61 2555", NULL), NUMBERING_NOT_FOUND,
	                     "+612555");
	ck_assert_int_eq(numbering_resolution_new(NULL), NUMBERING_INVALID_ARGUMENT);
	numbering_resolution_free(NULL);
}
END_TEST

START_TEST(every_non_deleted_owner_resolves)
{
	numbering_instance *r = NULL, *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&r), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_phone_number(r, "+61255501100-99"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_lifecycle_state(r, NUMBERING_LIFECYCLE_PENDING), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_add_call_handler(r, "sips:queue@pbx.example.com"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_add_message_handler(r, "https://example.com/sms"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_create(&out, fx.store, NULL, "projects/p1", r, "port", NULL, NULL), NUMBERING_OK);
	numbering_instance_free(out);
	numbering_instance_free(r);
	const char *name = "projects/p1/phoneNumberInstances/port";
	/* PENDING, ACTIVE and SUSPENDED owners all resolve, with their handlers. */
	for (int step = 0; step < 3; step++) {
		ck_assert_int_eq(numbering_store_resolve(res, fx.store, NULL, "+61255501142", NULL), NUMBERING_OK);
		const numbering_instance *owner = numbering_resolution_instance(res);
		ck_assert_str_eq(numbering_instance_name(owner), name);
		ck_assert_str_eq(numbering_instance_call_handler(owner, 0), "sips:queue@pbx.example.com");
		ck_assert_str_eq(numbering_instance_message_handler(owner, 0), "https://example.com/sms");
		ck_assert_str_eq(numbering_resolution_phone_number(res), "+61255501142");
		ck_assert_int_eq(numbering_instance_range_size(owner), 100);
		ck_assert_int_eq(numbering_instance_lifecycle_state(owner), step == 0   ? NUMBERING_LIFECYCLE_PENDING
		                                                            : step == 1 ? NUMBERING_LIFECYCLE_ACTIVE
		                                                                        : NUMBERING_LIFECYCLE_SUSPENDED);
		int rc = step == 0 ? numbering_store_activate(&out, fx.store, NULL, name)
		                   : step == 1 ? numbering_store_suspend(&out, fx.store, NULL, name)
		                               : numbering_store_delete(&out, fx.store, NULL, name);
		ck_assert_int_eq(rc, NUMBERING_OK);
		numbering_instance_free(out);
	}
	fixture_expect_error(numbering_store_resolve(res, fx.store, NULL, "+61255501142", NULL), NUMBERING_NOT_FOUND,
	                     "no phone number instance holds +61255501142");
	ck_assert_str_eq(numbering_error_violation_field(0), "phone_number");
	/* A new owner of part of the deleted range takes over those numbers only. */
	numbering_instance_free(fixture_create("projects/p2", "new", "+61255501140-49"));
	ck_assert_int_eq(numbering_store_resolve(res, fx.store, NULL, "02 5550 1142", "AU"), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_name(numbering_resolution_instance(res)), "projects/p2/phoneNumberInstances/new");
	ck_assert_int_eq(numbering_store_resolve(res, fx.store, NULL, "+61255501150", NULL), NUMBERING_NOT_FOUND);
}
END_TEST

START_TEST(resolve_permission_is_the_owners_project)
{
	numbering_instance_free(fixture_create("projects/open", "n", "+61255501100"));
	numbering_instance_free(fixture_create("projects/secret", "s", "+61255501200-99"));
	fx.deny_permission = "numbering.phoneNumberInstances.resolve";
	fx.deny_project = "projects/secret";
	ck_assert_int_eq(numbering_store_resolve(res, fx.store, "user:eve", "+61255501100", NULL), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_name(numbering_resolution_instance(res)), "projects/open/phoneNumberInstances/n");
	/* Refused: the same answer, word for word, as for a number nobody owns. */
	ck_assert_int_eq(numbering_store_resolve(res, fx.store, "user:eve", "+61255501250", NULL), NUMBERING_NOT_FOUND);
	char refused[256];
	snprintf(refused, sizeof(refused), "%s", numbering_error_message());
	ck_assert_int_eq(numbering_store_resolve(res, fx.store, "user:eve", "+61255501050", NULL), NUMBERING_NOT_FOUND);
	ck_assert_str_eq(refused, "no phone number instance holds +61255501250");
	ck_assert_str_eq(numbering_error_message(), "no phone number instance holds +61255501050");
	ck_assert_str_eq(numbering_instance_name(numbering_resolution_instance(res)), "");
	/* The result object is reused after a refusal. */
	fx.deny_permission = NULL;
	ck_assert_int_eq(numbering_store_resolve(res, fx.store, "user:eve", "+61255501250", NULL), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_name(numbering_resolution_instance(res)),
	                 "projects/secret/phoneNumberInstances/s");
}
END_TEST

/* A number held by a record of another kind (a host's kind 200 here) is taken, but by
 * no instance: resolve says nobody holds it, create that it is held, naming nothing. */
START_TEST(number_held_by_another_kind_is_no_instance)
{
	numbering_backend *backend = NULL;
	numbering_store *store = fixture_open_memory(&backend);
	numbering_record other = {NUMBERING_RECORD_VERSION, 200, NUMBERING_RECORD_NUMBERS, "reserved/x", "", 0, 11,
	                          61255501100ULL, 61255501100ULL, 0, {NULL, NULL, NULL, NULL}, "b", 1};
	ck_assert_int_eq(backend->begin(backend), NUMBERING_OK);
	ck_assert_int_eq(backend->put(backend, &other), NUMBERING_OK);
	ck_assert_int_eq(backend->commit(backend), NUMBERING_OK);
	fixture_expect_error(numbering_store_resolve(res, store, NULL, "+61255501100", NULL), NUMBERING_NOT_FOUND,
	                     "no phone number instance holds +61255501100");
	numbering_instance *r = NULL, *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&r), NUMBERING_OK);
	const char *numbers[] = {"+61255501100", "+61255501050-149"};
	for (size_t i = 0; i < 2; i++) {
		ck_assert_int_eq(numbering_instance_set_phone_number(r, numbers[i]), NUMBERING_OK);
		fixture_expect_error(numbering_store_create(&out, store, NULL, "projects/p1", r, NULL, NULL, NULL),
		                     NUMBERING_ALREADY_EXISTS, "is already held by a record that is not a phone number instance");
		ck_assert_ptr_null(out);
		ck_assert_msg(strstr(numbering_error_message(), "reserved/x") == NULL, "%s", numbering_error_message());
	}
	/* An instance among them is named, as always. */
	ck_assert_int_eq(numbering_instance_set_phone_number(r, "+61255501150"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_create(&out, store, NULL, "projects/p1", r, "owner", NULL, NULL), NUMBERING_OK);
	numbering_instance_free(out);
	ck_assert_int_eq(numbering_instance_set_phone_number(r, "+61255501100-199"), NUMBERING_OK);
	fixture_expect_error(numbering_store_create(&out, store, NULL, "projects/p1", r, NULL, NULL, NULL),
	                     NUMBERING_ALREADY_EXISTS, "projects/p1/phoneNumberInstances/owner");
	ck_assert_int_eq(numbering_store_resolve(res, store, NULL, "+61255501150", NULL), NUMBERING_OK);
	numbering_instance_free(r);
	numbering_store_close(store);
}
END_TEST

Suite *resolve_suite(void)
{
	Suite *s = suite_create("resolve");
	TCase *tc = tcase_create("resolve");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, exact_and_inside_ranges);
	tcase_add_test(tc, input_forms_resolve_alike);
	tcase_add_test(tc, states);
	tcase_add_test(tc, unauthorized_looks_unowned);
	tcase_add_test(tc, bad_input);
	tcase_add_test(tc, every_non_deleted_owner_resolves);
	tcase_add_test(tc, resolve_permission_is_the_owners_project);
	tcase_add_test(tc, number_held_by_another_kind_is_no_instance);
	suite_add_tcase(s, tc);
	return s;
}
