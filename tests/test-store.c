/* The service rules: create, get, lifecycle, update, move, split, permissions, idempotency. */
#include <stdio.h>
#include <string.h>

#include "store-fixture.h"
#include "suites.h"

#define P1 "projects/p1"
#define P2 "projects/p2"

static numbering_instance *request_for(const char *number)
{
	numbering_instance *r = NULL;
	ck_assert_int_eq(numbering_instance_new(&r), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_phone_number(r, number), NUMBERING_OK);
	return r;
}

START_TEST(create_single_number)
{
	numbering_instance *r = request_for("+61 2 5550 1100"), *out = NULL;
	ck_assert_int_eq(numbering_instance_set_display_name(r, "Sydney office"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_add_call_handler(r, "sip:reception@pbx.example.com"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_create(&out, fx.store, "user:a", P1, r, "office", NULL, NULL), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_name(out), "projects/p1/phoneNumberInstances/office");
	ck_assert_str_eq(numbering_instance_phone_number(out), "+61255501100");
	ck_assert_str_eq(numbering_instance_country_code(out), "AU");
	ck_assert_str_eq(numbering_instance_display_name(out), "Sydney office");
	ck_assert_int_eq(numbering_instance_lifecycle_state(out), NUMBERING_LIFECYCLE_ACTIVE);
	ck_assert_int_eq(numbering_instance_create_time(out), FIXTURE_EPOCH);
	ck_assert_int_eq(numbering_instance_activate_time(out), FIXTURE_EPOCH);
	ck_assert_int_eq(numbering_instance_delete_time(out), 0);
	ck_assert_int_eq(numbering_instance_call_recording_trigger(out), NUMBERING_RECORDING_DISABLED);
	ck_assert_int_eq(numbering_instance_is_range(out), 0);
	ck_assert_int_eq(numbering_instance_compliant(out), 1);
	ck_assert_int_eq(fx.events, 1);
	ck_assert_ptr_nonnull(strstr(fx.last_event, "phoneNumberInstance.created"));
	numbering_instance_free(out);

	ck_assert_int_eq(numbering_store_get(&out, fx.store, "user:a", "projects/p1/phoneNumberInstances/office"),
	                 NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_call_handler(out, 0), "sip:reception@pbx.example.com");
	numbering_instance_free(out);
	numbering_instance_free(r);
}
END_TEST

START_TEST(create_national_number_with_region)
{
	numbering_instance *r = request_for("(202) 555-0134"), *out = NULL;
	ck_assert_int_eq(numbering_store_create(&out, fx.store, NULL, P1, r, NULL, NULL, "US"), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_phone_number(out), "+12025550134");
	ck_assert_str_eq(numbering_instance_country_code(out), "US");
	numbering_instance_free(out);
	numbering_instance_free(r);
	/* The store's default region (AU) reads 0NSN. */
	r = request_for("02 5550 1101");
	ck_assert_int_eq(numbering_store_create(&out, fx.store, NULL, P1, r, NULL, NULL, NULL), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_phone_number(out), "+61255501101");
	numbering_instance_free(out);
	numbering_instance_free(r);
}
END_TEST

START_TEST(create_ranges)
{
	numbering_instance *out = fixture_create(P1, "block", "+61255501100-99");
	ck_assert_int_eq(numbering_instance_is_range(out), 1);
	ck_assert_str_eq(numbering_instance_range_primary(out), "projects/p1/phoneNumberInstances/block");
	ck_assert_str_eq(numbering_instance_range_start(out), "+61255501100");
	ck_assert_str_eq(numbering_instance_range_end(out), "+61255501199");
	ck_assert_int_eq(numbering_instance_range_size(out), 100);
	numbering_instance_free(out);

	numbering_instance *r = request_for("+61255502000");
	ck_assert_int_eq(numbering_instance_set_range_size(r, 50), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_create(&out, fx.store, NULL, P1, r, NULL, NULL, NULL), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_range_end(out), "+61255502049");
	numbering_instance_free(out);
	numbering_instance_free(r);

	r = request_for("+61255503000");
	ck_assert_int_eq(numbering_instance_set_range_end(r, "+61255503009"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_create(&out, fx.store, NULL, P1, r, NULL, NULL, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_range_size(out), 10);
	numbering_instance_free(out);
	/* Size and end that disagree. */
	ck_assert_int_eq(numbering_instance_set_range_size(r, 5), NUMBERING_OK);
	fixture_expect_error(numbering_store_create(&out, fx.store, NULL, P1, r, NULL, NULL, NULL),
	                     NUMBERING_INVALID_ARGUMENT, "range.size 5");
	ck_assert_ptr_null(out);
	numbering_instance_free(r);

	r = request_for("+61255504000");
	ck_assert_int_eq(numbering_instance_set_range_end(r, "+61255503999"), NUMBERING_OK);
	fixture_expect_error(numbering_store_create(&out, fx.store, NULL, P1, r, NULL, NULL, NULL),
	                     NUMBERING_INVALID_ARGUMENT, "below its start");
	ck_assert_str_eq(numbering_error_violation_field(0), "phone_number_instance.range.end_phone_number");
	numbering_instance_free(r);
}
END_TEST

START_TEST(create_rejects_bad_requests)
{
	numbering_instance *out = NULL, *r = NULL;
	ck_assert_int_eq(numbering_instance_new(&r), NUMBERING_OK);
	fixture_expect_error(numbering_store_create(&out, fx.store, NULL, P1, r, NULL, NULL, NULL),
	                     NUMBERING_INVALID_ARGUMENT, "phone number is required");
	ck_assert_str_eq(numbering_error_violation_field(0), "phone_number_instance.phone_number.phone_number");
	numbering_instance_free(r);

	r = request_for("+61 2555");
	fixture_expect_error(numbering_store_create(&out, fx.store, NULL, P1, r, NULL, NULL, NULL),
	                     NUMBERING_INVALID_ARGUMENT, "too short");
	numbering_instance_free(r);

	r = request_for("+61255501100");
	fixture_expect_error(numbering_store_create(&out, fx.store, NULL, "project/p1", r, NULL, NULL, NULL),
	                     NUMBERING_INVALID_ARGUMENT, "project/p1");
	ck_assert_str_eq(numbering_error_violation_field(0), "parent");
	fixture_expect_error(numbering_store_create(&out, fx.store, NULL, P1, r, "Bad_Id", NULL, NULL),
	                     NUMBERING_INVALID_ARGUMENT, "Bad_Id");
	ck_assert_str_eq(numbering_error_violation_field(0), "phone_number_instance_id");
	fixture_expect_error(numbering_store_create(&out, fx.store, NULL, P1, NULL, NULL, NULL, NULL),
	                     NUMBERING_INVALID_ARGUMENT, "required");
	fixture_expect_error(numbering_store_create(&out, fx.store, NULL, P1, r, NULL, "bad id!", NULL),
	                     NUMBERING_INVALID_ARGUMENT, "request id");
	ck_assert_int_eq(numbering_store_create(NULL, fx.store, NULL, P1, r, NULL, NULL, NULL), NUMBERING_INVALID_ARGUMENT);
	numbering_instance_free(r);
}
END_TEST

START_TEST(create_pending_and_activate)
{
	numbering_instance *r = request_for("+61255501100"), *out = NULL;
	ck_assert_int_eq(numbering_instance_set_lifecycle_state(r, NUMBERING_LIFECYCLE_PENDING), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_create(&out, fx.store, NULL, P1, r, "port", NULL, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_lifecycle_state(out), NUMBERING_LIFECYCLE_PENDING);
	ck_assert_int_eq(numbering_instance_activate_time(out), 0);
	int64_t created = numbering_instance_create_time(out);
	numbering_instance_free(out);
	numbering_instance_free(r);

	const char *name = "projects/p1/phoneNumberInstances/port";
	fixture_expect_error(numbering_store_suspend(&out, fx.store, NULL, name), NUMBERING_FAILED_PRECONDITION,
	                     "it is PENDING");
	fixture_expect_error(numbering_store_resume(&out, fx.store, NULL, name), NUMBERING_FAILED_PRECONDITION,
	                     "PENDING");
	ck_assert_int_eq(numbering_store_activate(&out, fx.store, NULL, name), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_lifecycle_state(out), NUMBERING_LIFECYCLE_ACTIVE);
	ck_assert_int_gt(numbering_instance_activate_time(out), created);
	numbering_instance_free(out);
	fixture_expect_error(numbering_store_activate(&out, fx.store, NULL, name), NUMBERING_FAILED_PRECONDITION,
	                     "it is ACTIVE");
}
END_TEST

START_TEST(lifecycle_transitions)
{
	numbering_instance *out = fixture_create(P1, "n", "+61255501100");
	numbering_instance_free(out);
	const char *name = "projects/p1/phoneNumberInstances/n";
	ck_assert_int_eq(numbering_store_suspend(&out, fx.store, NULL, name), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_lifecycle_state(out), NUMBERING_LIFECYCLE_SUSPENDED);
	numbering_instance_free(out);
	fixture_expect_error(numbering_store_suspend(&out, fx.store, NULL, name), NUMBERING_FAILED_PRECONDITION,
	                     "SUSPENDED");
	ck_assert_int_eq(numbering_store_resume(&out, fx.store, NULL, name), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_lifecycle_state(out), NUMBERING_LIFECYCLE_ACTIVE);
	numbering_instance_free(out);
	ck_assert_int_eq(numbering_store_suspend(&out, fx.store, NULL, name), NUMBERING_OK);
	numbering_instance_free(out);
	ck_assert_int_eq(numbering_store_delete(&out, fx.store, NULL, name), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_lifecycle_state(out), NUMBERING_LIFECYCLE_DELETED);
	ck_assert_int_gt(numbering_instance_delete_time(out), 0);
	numbering_instance_free(out);

	/* Every mutation of a deleted instance is FAILED_PRECONDITION. */
	numbering_instance *first = NULL, *second = NULL, *r = request_for("+61255501100");
	fixture_expect_error(numbering_store_delete(&out, fx.store, NULL, name), NUMBERING_FAILED_PRECONDITION, "DELETED");
	fixture_expect_error(numbering_store_activate(&out, fx.store, NULL, name), NUMBERING_FAILED_PRECONDITION, "DELETED");
	fixture_expect_error(numbering_store_suspend(&out, fx.store, NULL, name), NUMBERING_FAILED_PRECONDITION, "DELETED");
	fixture_expect_error(numbering_store_resume(&out, fx.store, NULL, name), NUMBERING_FAILED_PRECONDITION, "DELETED");
	fixture_expect_error(numbering_store_update(&out, fx.store, NULL, name, r, "displayName"),
	                     NUMBERING_FAILED_PRECONDITION, "DELETED");
	fixture_expect_error(numbering_store_move(&out, fx.store, NULL, name, P2, NULL), NUMBERING_FAILED_PRECONDITION,
	                     "DELETED");
	fixture_expect_error(numbering_store_split_range(&first, &second, fx.store, NULL, name, 1),
	                     NUMBERING_FAILED_PRECONDITION, "DELETED");
	ck_assert_ptr_null(out);
	numbering_instance_free(r);

	/* Still readable, and its number is free again. */
	ck_assert_int_eq(numbering_store_get(&out, fx.store, NULL, name), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_lifecycle_state(out), NUMBERING_LIFECYCLE_DELETED);
	numbering_instance_free(out);
	out = fixture_create(P2, "again", "+61255501100");
	numbering_instance_free(out);
}
END_TEST

START_TEST(a_number_has_one_owner)
{
	numbering_instance *out = fixture_create(P1, "block", "+61255501100-99");
	numbering_instance_free(out);
	out = fixture_create(P1, "single", "+61255502000");
	numbering_instance_free(out);
	const char *clashes[] = {"+61255501150", "+61255501100", "+61255501199", "+61255501050-149",
	                         "+61255501190-205", "+61255501900-2099", "+61255502000"};
	for (size_t i = 0; i < sizeof(clashes) / sizeof(clashes[0]); i++) {
		numbering_instance *r = request_for(clashes[i]);
		int rc = numbering_store_create(&out, fx.store, NULL, P2, r, NULL, NULL, NULL);
		fixture_expect_error(rc, NUMBERING_ALREADY_EXISTS, "is already held by projects/p1/phoneNumberInstances/");
		numbering_instance_free(r);
	}
	/* Adjacent numbers are free. */
	out = fixture_create(P2, "before", "+61255501099");
	numbering_instance_free(out);
	out = fixture_create(P2, "after", "+61255501200-99");
	numbering_instance_free(out);
	/* Same digits of another length are another number. */
	out = fixture_create(P2, "shorter", "+6125550110");
	numbering_instance_free(out);
}
END_TEST

START_TEST(names_are_unique)
{
	numbering_instance *out = fixture_create(P1, "n", "+61255501100");
	numbering_instance_free(out);
	numbering_instance *r = request_for("+61255501101");
	fixture_expect_error(numbering_store_create(&out, fx.store, NULL, P1, r, "n", NULL, NULL), NUMBERING_ALREADY_EXISTS,
	                     "projects/p1/phoneNumberInstances/n already exists");
	/* The same id in another project is another name. */
	ck_assert_int_eq(numbering_store_create(&out, fx.store, NULL, P2, r, "n", NULL, NULL), NUMBERING_OK);
	numbering_instance_free(out);
	numbering_instance_free(r);
	/* Generated ids follow AIP-122. */
	out = fixture_create(P1, NULL, "+61255501102");
	const char *id = strrchr(numbering_instance_name(out), '/') + 1;
	ck_assert_uint_eq(strlen(id), 16);
	ck_assert(id[0] >= 'a' && id[0] <= 'z');
	numbering_instance_free(out);
}
END_TEST

START_TEST(idempotent_create)
{
	numbering_instance *r = request_for("+61255501100"), *a = NULL, *b = NULL;
	ck_assert_int_eq(numbering_store_create(&a, fx.store, NULL, P1, r, NULL, "req-1", NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_create(&b, fx.store, NULL, P1, r, NULL, "req-1", NULL), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_name(a), numbering_instance_name(b));
	ck_assert_int_eq(numbering_instance_create_time(a), numbering_instance_create_time(b));
	numbering_instance_free(b);
	/* The same id with a different request is refused, even if the difference is small. */
	ck_assert_int_eq(numbering_instance_set_display_name(r, "changed"), NUMBERING_OK);
	fixture_expect_error(numbering_store_create(&b, fx.store, NULL, P1, r, NULL, "req-1", NULL),
	                     NUMBERING_INVALID_ARGUMENT, "already used for a different request");
	ck_assert_str_eq(numbering_error_violation_field(0), "request_id");
	ck_assert_ptr_null(b);
	numbering_instance_free(a);
	numbering_instance_free(r);
}
END_TEST

START_TEST(create_time_strictly_increases)
{
	numbering_instance *a = fixture_create(P1, "a", "+61255501100");
	fx.now -= INT64_C(3600000000000); /* the clock jumps back an hour */
	numbering_instance *b = fixture_create(P1, "b", "+61255501101");
	ck_assert_int_gt(numbering_instance_create_time(b), numbering_instance_create_time(a));
	numbering_instance_free(a);
	numbering_instance_free(b);
}
END_TEST

START_TEST(permission_checked_before_lookup)
{
	numbering_instance *out = NULL, *first = NULL, *second = NULL, *r = request_for("+61255501100");
	numbering_list_request *lr = NULL;
	numbering_list_page *page = NULL;
	ck_assert_int_eq(numbering_list_request_new(&lr), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_request_set_parent(lr, P1), NUMBERING_OK);
	const char *missing = "projects/p1/phoneNumberInstances/missing";
	struct {
		const char *permission;
		int rc;
	} cases[11];
	fx.deny_permission = "numbering.phoneNumberInstances.get";
	cases[0].rc = numbering_store_get(&out, fx.store, "user:x", missing);
	fx.deny_permission = "numbering.phoneNumberInstances.delete";
	cases[1].rc = numbering_store_delete(&out, fx.store, "user:x", missing);
	fx.deny_permission = "numbering.phoneNumberInstances.update";
	cases[2].rc = numbering_store_update(&out, fx.store, "user:x", missing, r, NULL);
	fx.deny_permission = "numbering.phoneNumberInstances.activate";
	cases[3].rc = numbering_store_activate(&out, fx.store, "user:x", missing);
	fx.deny_permission = "numbering.phoneNumberInstances.suspend";
	cases[4].rc = numbering_store_suspend(&out, fx.store, "user:x", missing);
	fx.deny_permission = "numbering.phoneNumberInstances.resume";
	cases[5].rc = numbering_store_resume(&out, fx.store, "user:x", missing);
	fx.deny_permission = "numbering.phoneNumberInstances.move";
	cases[6].rc = numbering_store_move(&out, fx.store, "user:x", missing, P2, NULL);
	fx.deny_permission = "numbering.phoneNumberInstances.splitRange";
	cases[7].rc = numbering_store_split_range(&first, &second, fx.store, "user:x", missing, 1);
	fx.deny_permission = "numbering.phoneNumberInstances.create";
	cases[8].rc = numbering_store_create(&out, fx.store, "user:x", P1, r, NULL, NULL, NULL);
	fx.deny_permission = "numbering.phoneNumberInstances.list";
	cases[9].rc = numbering_store_list(&page, fx.store, "user:x", lr);
	/* Move needs the permission on the destination too. */
	fx.deny_permission = "numbering.phoneNumberInstances.move";
	fx.deny_project = P2;
	cases[10].rc = numbering_store_move(&out, fx.store, "user:x", missing, P2, NULL);
	for (int i = 0; i < 11; i++)
		ck_assert_msg(cases[i].rc == NUMBERING_PERMISSION_DENIED, "case %d gave %s", i,
		              numbering_status_name(cases[i].rc));
	ck_assert_ptr_null(out);
	ck_assert_ptr_null(page);
	numbering_list_request_free(lr);
	numbering_instance_free(r);
}
END_TEST

START_TEST(update_with_masks)
{
	numbering_instance *out = fixture_create(P1, "n", "+61255501100");
	numbering_instance_free(out);
	const char *name = "projects/p1/phoneNumberInstances/n";
	numbering_instance *r = NULL;
	ck_assert_int_eq(numbering_instance_new(&r), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_display_name(r, "Front desk"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_label(r, "team", "sales"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_add_message_handler(r, "https://hooks.example.com/sms"), NUMBERING_OK);

	/* Only the masked field changes. */
	ck_assert_int_eq(numbering_store_update(&out, fx.store, NULL, name, r, "display_name"), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_display_name(out), "Front desk");
	ck_assert_int_eq(numbering_instance_label_count(out), 0);
	numbering_instance_free(out);
	/* camelCase paths, several at once. */
	ck_assert_int_eq(numbering_store_update(&out, fx.store, NULL, name, r, "labels, incomingMessageHandlerUris"),
	                 NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_label(out, "team"), "sales");
	ck_assert_str_eq(numbering_instance_message_handler(out, 0), "https://hooks.example.com/sms");
	numbering_instance_free(out);
	/* "*" replaces every writable field: unset ones are cleared. */
	numbering_instance *empty = NULL;
	ck_assert_int_eq(numbering_instance_new(&empty), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_update(&out, fx.store, NULL, name, empty, "*"), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_display_name(out), "");
	ck_assert_int_eq(numbering_instance_label_count(out), 0);
	ck_assert_str_eq(numbering_instance_phone_number(out), "+61255501100");
	numbering_instance_free(out);
	/* No mask: the fields the request sets. */
	ck_assert_int_eq(numbering_store_update(&out, fx.store, NULL, name, r, NULL), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_display_name(out), "Front desk");
	ck_assert_int_eq(numbering_instance_label_count(out), 1);
	numbering_instance_free(out);

	/* Output-only and create-only fields cannot be named. */
	const char *bad[] = {"phone_number", "createTime", "lifecycle_state", "range", "name", "nope"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(numbering_store_update(&out, fx.store, NULL, name, r, bad[i]), NUMBERING_INVALID_ARGUMENT);
		ck_assert_str_eq(numbering_error_violation_field(0), "update_mask");
	}
	fixture_expect_error(numbering_store_update(&out, fx.store, NULL, "projects/p1/phoneNumberInstances/zz", r, NULL),
	                     NUMBERING_NOT_FOUND, "does not exist");
	numbering_instance_free(empty);
	numbering_instance_free(r);
}
END_TEST

START_TEST(move_between_projects)
{
	numbering_instance *out = fixture_create(P1, "n", "+61255501100");
	numbering_instance_free(out);
	ck_assert_int_eq(numbering_store_move(&out, fx.store, NULL, "projects/p1/phoneNumberInstances/n", P2,
	                                      "projects/p2/regulatoryListings/acme"),
	                 NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_name(out), "projects/p2/phoneNumberInstances/n");
	ck_assert_str_eq(numbering_instance_regulatory_listing(out), "projects/p2/regulatoryListings/acme");
	numbering_instance_free(out);
	fixture_expect_error(numbering_store_get(&out, fx.store, NULL, "projects/p1/phoneNumberInstances/n"),
	                     NUMBERING_NOT_FOUND, "does not exist");
	ck_assert_int_eq(numbering_store_get(&out, fx.store, NULL, "projects/p2/phoneNumberInstances/n"), NUMBERING_OK);
	numbering_instance_free(out);

	/* The destination already has the id. */
	out = fixture_create(P1, "n", "+61255501101");
	numbering_instance_free(out);
	fixture_expect_error(numbering_store_move(&out, fx.store, NULL, "projects/p1/phoneNumberInstances/n", P2, NULL),
	                     NUMBERING_ALREADY_EXISTS, "already has");
	/* A listing of another project, the same project, a malformed destination. */
	fixture_expect_error(numbering_store_move(&out, fx.store, NULL, "projects/p1/phoneNumberInstances/n",
	                                          "projects/p3", "projects/p2/regulatoryListings/acme"),
	                     NUMBERING_INVALID_ARGUMENT, "not a listing of the destination");
	fixture_expect_error(numbering_store_move(&out, fx.store, NULL, "projects/p1/phoneNumberInstances/n", P1, NULL),
	                     NUMBERING_INVALID_ARGUMENT, "already in");
	ck_assert_int_eq(numbering_store_move(&out, fx.store, NULL, "projects/p1/phoneNumberInstances/n", "p3", NULL),
	                 NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "destination_parent");
}
END_TEST

START_TEST(split_seed_example)
{
	numbering_instance *out = fixture_create(P1, "block", "+61255501100-99");
	numbering_instance_free(out);
	numbering_instance *first = NULL, *second = NULL;
	ck_assert_int_eq(numbering_store_split_range(&first, &second, fx.store, NULL,
	                                             "projects/p1/phoneNumberInstances/block", 20),
	                 NUMBERING_OK);
	char buf[64];
	snprintf(buf, sizeof(buf), "%s-%s", numbering_instance_range_start(first), numbering_instance_range_end(first) + 10);
	ck_assert_str_eq(buf, "+61255501100-19");
	snprintf(buf, sizeof(buf), "%s-%s", numbering_instance_range_start(second),
	         numbering_instance_range_end(second) + 10);
	ck_assert_str_eq(buf, "+61255501120-99");
	ck_assert_int_eq(numbering_instance_range_size(first), 20);
	ck_assert_int_eq(numbering_instance_range_size(second), 80);
	ck_assert_str_eq(numbering_instance_name(first), "projects/p1/phoneNumberInstances/block");
	ck_assert_str_eq(numbering_instance_range_primary(second), numbering_instance_name(second));
	ck_assert_int_gt(numbering_instance_create_time(second), numbering_instance_create_time(first));

	/* The numbers now resolve to their new owners. */
	numbering_resolution *res = NULL;
	ck_assert_int_eq(numbering_resolution_new(&res), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_resolve(res, fx.store, NULL, "+61255501119", NULL), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_name(numbering_resolution_instance(res)), numbering_instance_name(first));
	ck_assert_int_eq(numbering_store_resolve(res, fx.store, NULL, "+61255501120", NULL), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_name(numbering_resolution_instance(res)), numbering_instance_name(second));
	numbering_resolution_free(res);
	numbering_instance_free(first);
	numbering_instance_free(second);
}
END_TEST

START_TEST(split_rejects_bad_sizes)
{
	numbering_instance *out = fixture_create(P1, "block", "+61255501100-99"), *first = NULL, *second = NULL;
	numbering_instance_free(out);
	out = fixture_create(P1, "single", "+61255502000");
	numbering_instance_free(out);
	const char *block = "projects/p1/phoneNumberInstances/block";
	int64_t bad[] = {0, -1, 100, 101, INT64_MAX};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fixture_expect_error(numbering_store_split_range(&first, &second, fx.store, NULL, block, bad[i]),
		                     NUMBERING_INVALID_ARGUMENT, "outside 1..99");
		ck_assert_str_eq(numbering_error_violation_field(0), "size");
	}
	fixture_expect_error(numbering_store_split_range(&first, &second, fx.store, NULL,
	                                                 "projects/p1/phoneNumberInstances/single", 1),
	                     NUMBERING_INVALID_ARGUMENT, "is not a range");
	ck_assert_ptr_null(first);
	ck_assert_ptr_null(second);
	/* Both ends of the allowed sizes work. */
	ck_assert_int_eq(numbering_store_split_range(&first, &second, fx.store, NULL, block, 99), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_range_size(second), 1);
	numbering_instance_free(first);
	numbering_instance_free(second);
	ck_assert_int_eq(numbering_store_split_range(&first, &second, fx.store, NULL, block, 1), NUMBERING_OK);
	numbering_instance_free(first);
	numbering_instance_free(second);
}
END_TEST

START_TEST(split_huge_range)
{
	/* Ten million numbers: the split touches two records, never the numbers. */
	numbering_instance *out = fixture_create(P1, "huge", "+61250000000-9999999"), *first = NULL, *second = NULL;
	ck_assert_int_eq(numbering_instance_range_size(out), 10000000);
	numbering_instance_free(out);
	ck_assert_int_eq(numbering_store_split_range(&first, &second, fx.store, NULL, "projects/p1/phoneNumberInstances/huge",
	                                             5000000),
	                 NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_range_start(second), "+61255000000");
	numbering_instance_free(first);
	numbering_instance_free(second);
}
END_TEST

START_TEST(compliance_from_requirements)
{
	fixture_close();
	fixture_open("AU:*,US:MOBILE");
	numbering_instance *out = fixture_create(P1, "au", "+61255501100");
	ck_assert_int_eq(numbering_instance_compliant(out), 0);
	numbering_instance_free(out);
	ck_assert_int_eq(numbering_store_move(&out, fx.store, NULL, "projects/p1/phoneNumberInstances/au", P2,
	                                      "projects/p2/regulatoryListings/l1"),
	                 NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_compliant(out), 1);
	numbering_instance_free(out);
	numbering_instance *r = request_for("+12025550134");
	ck_assert_int_eq(numbering_store_create(&out, fx.store, NULL, P1, r, NULL, NULL, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_compliant(out), 1); /* LOCAL is not required */
	numbering_instance_free(out);
	numbering_instance_free(r);

	numbering_store *bad = NULL;
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.regulatory_requirements = "AU:LANDLINE";
	fixture_expect_error(numbering_store_open(&bad, &options), NUMBERING_INVALID_ARGUMENT, "not a number type");
	options.regulatory_requirements = "Australia";
	fixture_expect_error(numbering_store_open(&bad, &options), NUMBERING_INVALID_ARGUMENT, "COUNTRY:TYPE");
	ck_assert_ptr_null(bad);
}
END_TEST

START_TEST(open_rejects_bad_options)
{
	numbering_store *s = NULL;
	numbering_options options;
	ck_assert_int_eq(numbering_options_init(&options, NUMBERING_OPTIONS_VERSION), NUMBERING_OK);
	ck_assert_int_eq(numbering_options_init(&options, 99), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_options_init(NULL, 1), NUMBERING_INVALID_ARGUMENT);
	options.version = 99;
	ck_assert_int_eq(numbering_store_open(&s, &options), NUMBERING_INVALID_ARGUMENT);
	numbering_options_init(&options, 1);
	options.default_region = "XX";
	ck_assert_int_eq(numbering_store_open(&s, &options), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_store_open(NULL, NULL), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_store_open(&s, NULL), NUMBERING_OK);
	numbering_store_close(s);
	numbering_store_close(NULL);
}
END_TEST

Suite *store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");
	tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
	tcase_add_test(tc, create_single_number);
	tcase_add_test(tc, create_national_number_with_region);
	tcase_add_test(tc, create_ranges);
	tcase_add_test(tc, create_rejects_bad_requests);
	tcase_add_test(tc, create_pending_and_activate);
	tcase_add_test(tc, lifecycle_transitions);
	tcase_add_test(tc, a_number_has_one_owner);
	tcase_add_test(tc, names_are_unique);
	tcase_add_test(tc, idempotent_create);
	tcase_add_test(tc, create_time_strictly_increases);
	tcase_add_test(tc, permission_checked_before_lookup);
	tcase_add_test(tc, update_with_masks);
	tcase_add_test(tc, move_between_projects);
	tcase_add_test(tc, split_seed_example);
	tcase_add_test(tc, split_rejects_bad_sizes);
	tcase_add_test(tc, split_huge_range);
	tcase_add_test(tc, compliance_from_requirements);
	tcase_add_test(tc, open_rejects_bad_options);
	suite_add_tcase(s, tc);
	return s;
}
