/* The service rules: create, get, lifecycle, update, move, split, permissions, idempotency. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "instance-same.h"
#include "store-fixture.h"
#include "suites.h"
#include "temp-dir.h"

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
	/* Dashes that group digits make one number, not a range. */
	const char *dashed[] = {"(02) 5550-1102", "+61 2-5550-1103", "+61-2-5550-1104"};
	const char *e164[] = {"+61255501102", "+61255501103", "+61255501104"};
	for (int i = 0; i < 3; i++) {
		r = request_for(dashed[i]);
		ck_assert_msg(numbering_store_create(&out, fx.store, NULL, P1, r, NULL, NULL, NULL) == NUMBERING_OK, "%s: %s",
		              dashed[i], numbering_error_message());
		ck_assert_str_eq(numbering_instance_phone_number(out), e164[i]);
		ck_assert_int_eq(numbering_instance_is_range(out), 0);
		numbering_instance_free(out);
		numbering_instance_free(r);
	}
	/* Text that reads both as a range and as one number is refused, not guessed. */
	r = request_for("0412 345-678");
	fixture_expect_error(numbering_store_create(&out, fx.store, NULL, P1, r, NULL, NULL, NULL),
	                     NUMBERING_INVALID_ARGUMENT, "is ambiguous");
	ck_assert_str_eq(numbering_error_violation_field(0), "phone_number_instance.phone_number.phone_number");
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

	/* Range notation and range.size or range.end_phone_number together: one way, not both. */
	r = request_for("+61255505000-99");
	ck_assert_int_eq(numbering_instance_set_range_size(r, 100), NUMBERING_OK);
	fixture_expect_error(numbering_store_create(&out, fx.store, NULL, P1, r, NULL, NULL, NULL),
	                     NUMBERING_INVALID_ARGUMENT, "not both");
	ck_assert_str_eq(numbering_error_violation_field(0), "phone_number_instance.phone_number.phone_number");
	ck_assert_int_eq(numbering_instance_set_range_size(r, 0), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_range_end(r, "+61255505099"), NUMBERING_OK);
	fixture_expect_error(numbering_store_create(&out, fx.store, NULL, P1, r, NULL, NULL, NULL),
	                     NUMBERING_INVALID_ARGUMENT, "not both");
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
	/* No mask, or an empty one, is "*" too (DESIGN.md): every writable field is replaced. */
	ck_assert_int_eq(numbering_store_update(&out, fx.store, NULL, name, r, NULL), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_display_name(out), "Front desk");
	ck_assert_int_eq(numbering_instance_label_count(out), 1);
	ck_assert_int_eq(numbering_instance_message_handler_count(out), 1);
	numbering_instance_free(out);
	ck_assert_int_eq(numbering_store_update(&out, fx.store, NULL, name, empty, " "), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_display_name(out), "");
	ck_assert_int_eq(numbering_instance_label_count(out), 0);
	ck_assert_int_eq(numbering_instance_message_handler_count(out), 0);
	numbering_instance_free(out);
	ck_assert_int_eq(numbering_store_update(&out, fx.store, NULL, name, r, ""), NUMBERING_OK);
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
	/* The first keeps its activation; the new one is active from its creation. */
	ck_assert_int_eq(numbering_instance_activate_time(first), numbering_instance_create_time(first));
	ck_assert_int_eq(numbering_instance_activate_time(second), numbering_instance_create_time(second));

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

/* ---- Issue 3, rule by rule, through the public C API ---- */

/* Creates @number in @parent with @id and @state (PENDING or ACTIVE); asserts success. */
static numbering_instance *create_in_state(const char *parent, const char *id, const char *number, int state)
{
	numbering_instance *r = request_for(number), *out = NULL;
	ck_assert_int_eq(numbering_instance_set_lifecycle_state(r, state), NUMBERING_OK);
	int rc = numbering_store_create(&out, fx.store, NULL, parent, r, id, NULL, NULL);
	ck_assert_msg(rc == NUMBERING_OK, "create %s: %s", number, numbering_error_message());
	numbering_instance_free(r);
	return out;
}

/* The instance's state as the store holds it. */
static int state_of(const char *name)
{
	numbering_instance *out = NULL;
	ck_assert_int_eq(numbering_store_get(&out, fx.store, NULL, name), NUMBERING_OK);
	int state = numbering_instance_lifecycle_state(out);
	numbering_instance_free(out);
	return state;
}

/* Counts the instances of @parent, deleted ones included. */
static int count_instances(const char *parent)
{
	numbering_list_request *lr = NULL;
	numbering_list_page *page = NULL;
	ck_assert_int_eq(numbering_list_request_new(&lr), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_request_set_parent(lr, parent), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_request_set_page_size(lr, 100), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_request_set_include_deleted(lr, 1), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_list(&page, fx.store, NULL, lr), NUMBERING_OK);
	int n = numbering_list_page_count(page);
	numbering_list_page_free(page);
	numbering_list_request_free(lr);
	return n;
}

START_TEST(instance_ids_follow_aip_122)
{
	char id63[64], id64[65];
	memset(id63, 'a', 63);
	id63[63] = '\0';
	memset(id64, 'b', 64);
	id64[64] = '\0';
	const char *bad[] = {id64, "1abc", "-abc", "Abc", "aBc", "a_b", "a.b", "a b", "abc-", "a/b", "caf\xc3\xa9", "-"};
	numbering_instance *r = request_for("+61255501100"), *out = NULL;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = numbering_store_create(&out, fx.store, NULL, P1, r, bad[i], NULL, NULL);
		ck_assert_msg(rc == NUMBERING_INVALID_ARGUMENT, "id %s gave %s", bad[i], numbering_status_name(rc));
		ck_assert_str_eq(numbering_error_violation_field(0), "phone_number_instance_id");
		ck_assert_ptr_null(out);
	}
	ck_assert_int_eq(count_instances(P1), 0);
	const char *good[] = {"a", id63, "a-1-b", "z9", "front-desk"};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char number[32];
		snprintf(number, sizeof(number), "+6125550110%zu", i);
		ck_assert_int_eq(numbering_instance_set_phone_number(r, number), NUMBERING_OK);
		int rc = numbering_store_create(&out, fx.store, NULL, P1, r, good[i], NULL, NULL);
		ck_assert_msg(rc == NUMBERING_OK, "id %s: %s", good[i], numbering_error_message());
		char name[128];
		snprintf(name, sizeof(name), "projects/p1/phoneNumberInstances/%s", good[i]);
		ck_assert_str_eq(numbering_instance_name(out), name);
		numbering_instance_free(out);
	}
	/* Generated ids are valid ids: 1..63 of [a-z0-9-], a letter first. */
	for (int i = 0; i < 20; i++) {
		char number[32];
		snprintf(number, sizeof(number), "+612555020%02d", i);
		numbering_instance *g = fixture_create(P1, NULL, number);
		const char *id = strrchr(numbering_instance_name(g), '/') + 1;
		ck_assert(strlen(id) >= 1 && strlen(id) <= 63);
		ck_assert(id[0] >= 'a' && id[0] <= 'z');
		ck_assert_uint_eq(strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789-"), strlen(id));
		numbering_instance_free(g);
	}
	numbering_instance_free(r);
}
END_TEST

/* The id of the instance @number gets, created with a generated id, into @id. */
static void generated_id(char id[64], const char *number)
{
	numbering_instance *g = fixture_create(P1, NULL, number);
	snprintf(id, 64, "%s", strrchr(numbering_instance_name(g), '/') + 1);
	numbering_instance_free(g);
}

/* Ids come from a pool of random bytes per thread (core/random.c): a child of fork()
 * must not hand out the ids its parent hands out next. */
START_TEST(generated_ids_differ_after_fork)
{
	static char seen[300][64];
	/* Past the pool's 4 KiB (256 ids), so it has been refilled at least once. */
	for (int i = 0; i < 300; i++) {
		char number[32];
		snprintf(number, sizeof(number), "+61255504%03d", i);
		generated_id(seen[i], number);
		for (int j = 0; j < i; j++)
			ck_assert_str_ne(seen[i], seen[j]);
	}
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char id[64];
		generated_id(id, "+61255503100");
		_exit(write(fds[1], id, sizeof(id)) == (ssize_t)sizeof(id) ? 0 : 1);
	}
	char mine[64], childs[64];
	generated_id(mine, "+61255503101");
	ck_assert_int_eq(read(fds[0], childs, sizeof(childs)), (ssize_t)sizeof(childs));
	int status = 0;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(fds[0]);
	close(fds[1]);
	ck_assert_str_ne(mine, childs);
}
END_TEST

/* Creating @number in p2 fails with ALREADY_EXISTS naming @holder. */
static void expect_held_by(const char *number, const char *holder)
{
	numbering_instance *r = request_for(number), *out = NULL;
	int rc = numbering_store_create(&out, fx.store, NULL, P2, r, NULL, NULL, NULL);
	char want[160];
	snprintf(want, sizeof(want), "is already held by %s ", holder);
	fixture_expect_error(rc, NUMBERING_ALREADY_EXISTS, want);
	ck_assert_str_eq(numbering_error_violation_field(0), "phone_number_instance.phone_number.phone_number");
	ck_assert_ptr_null(out);
	numbering_instance_free(r);
}

START_TEST(overlap_names_the_holder)
{
	numbering_instance_free(fixture_create(P1, "block", "+61255501100-99"));
	numbering_instance_free(fixture_create(P1, "single", "+61255502000"));
	numbering_instance_free(fixture_create(P1, "late", "+61255503000-99"));
	const char *block = "projects/p1/phoneNumberInstances/block", *single = "projects/p1/phoneNumberInstances/single";
	const char *late = "projects/p1/phoneNumberInstances/late";
	/* A single number inside a range, at either end of it. */
	expect_held_by("+61255501150", block);
	expect_held_by("+61255501100", block);
	expect_held_by("+61255501199", block);
	/* A single number that is taken. */
	expect_held_by("+61255502000", single);
	/* A range over a single number, whichever part of it. */
	expect_held_by("+61255501950-2049", single);
	expect_held_by("+61255502000-09", single);
	expect_held_by("+61255501990-2000", single);
	/* Ranges over ranges: overlapping the start, the end, inside, around, the same. */
	expect_held_by("+61255501050-149", block);
	expect_held_by("+61255501190-249", block);
	expect_held_by("+61255501120-29", block);
	expect_held_by("+61255501000-299", block);
	expect_held_by("+61255501100-99", block);
	expect_held_by("+61255502990-3000", late);
	expect_held_by("+61255503099-150", late);
	/* The project does not matter: the rule is store-wide; nothing was created. */
	ck_assert_int_eq(count_instances(P2), 0);
	/* Suspended and pending holders still hold; deleted ones do not. */
	numbering_instance *out = NULL;
	ck_assert_int_eq(numbering_store_suspend(&out, fx.store, NULL, block), NUMBERING_OK);
	numbering_instance_free(out);
	expect_held_by("+61255501150", block);
	numbering_instance_free(create_in_state(P1, "port", "+61255504000", NUMBERING_LIFECYCLE_PENDING));
	expect_held_by("+61255504000", "projects/p1/phoneNumberInstances/port");
	ck_assert_int_eq(numbering_store_delete(&out, fx.store, NULL, block), NUMBERING_OK);
	numbering_instance_free(out);
	numbering_instance_free(fixture_create(P2, "reuse", "+61255501000-299"));
	expect_held_by("+61255501150", "projects/p2/phoneNumberInstances/reuse");
}
END_TEST

enum op { OP_ACTIVATE, OP_SUSPEND, OP_RESUME, OP_DELETE, OP_COUNT };

static int run_op(int op, numbering_instance **out, const char *name)
{
	switch (op) {
	case OP_ACTIVATE:
		return numbering_store_activate(out, fx.store, NULL, name);
	case OP_SUSPEND:
		return numbering_store_suspend(out, fx.store, NULL, name);
	case OP_RESUME:
		return numbering_store_resume(out, fx.store, NULL, name);
	default:
		return numbering_store_delete(out, fx.store, NULL, name);
	}
}

/* Puts a new instance @id into @state, through the operations a host would use. */
static void make_in_state(const char *id, const char *number, int state)
{
	char name[128];
	snprintf(name, sizeof(name), "projects/p1/phoneNumberInstances/%s", id);
	numbering_instance *out = create_in_state(P1, id, number,
	                                          state == NUMBERING_LIFECYCLE_PENDING ? NUMBERING_LIFECYCLE_PENDING
	                                                                               : NUMBERING_LIFECYCLE_ACTIVE);
	numbering_instance_free(out);
	out = NULL;
	if (state == NUMBERING_LIFECYCLE_SUSPENDED)
		ck_assert_int_eq(numbering_store_suspend(&out, fx.store, NULL, name), NUMBERING_OK);
	else if (state == NUMBERING_LIFECYCLE_DELETED)
		ck_assert_int_eq(numbering_store_delete(&out, fx.store, NULL, name), NUMBERING_OK);
	numbering_instance_free(out);
	ck_assert_int_eq(state_of(name), state);
}

START_TEST(every_transition_allowed_and_refused)
{
	static const int states[] = {NUMBERING_LIFECYCLE_PENDING, NUMBERING_LIFECYCLE_ACTIVE,
	                             NUMBERING_LIFECYCLE_SUSPENDED, NUMBERING_LIFECYCLE_DELETED};
	/* The state each operation leads to from each state, 0 when refused (DESIGN.md). */
	static const int to[4][OP_COUNT] = {
		/* PENDING */ {NUMBERING_LIFECYCLE_ACTIVE, 0, 0, NUMBERING_LIFECYCLE_DELETED},
		/* ACTIVE */ {0, NUMBERING_LIFECYCLE_SUSPENDED, 0, NUMBERING_LIFECYCLE_DELETED},
		/* SUSPENDED */ {0, 0, NUMBERING_LIFECYCLE_ACTIVE, NUMBERING_LIFECYCLE_DELETED},
		/* DELETED */ {0, 0, 0, 0},
	};
	int k = 0;
	for (int s = 0; s < 4; s++) {
		for (int op = 0; op < OP_COUNT; op++, k++) {
			char id[16], name[128], number[32];
			snprintf(id, sizeof(id), "i%d", k);
			snprintf(name, sizeof(name), "projects/p1/phoneNumberInstances/%s", id);
			snprintf(number, sizeof(number), "+612555011%02d", k);
			make_in_state(id, number, states[s]);
			numbering_instance *before = NULL, *out = NULL;
			ck_assert_int_eq(numbering_store_get(&before, fx.store, NULL, name), NUMBERING_OK);
			int events = fx.events;
			int rc = run_op(op, &out, name);
			if (to[s][op] == 0) {
				ck_assert_msg(rc == NUMBERING_FAILED_PRECONDITION, "state %s op %d gave %s",
				              numbering_lifecycle_state_name(states[s]), op, numbering_status_name(rc));
				ck_assert_ptr_null(out);
				ck_assert_ptr_nonnull(strstr(numbering_error_message(), numbering_lifecycle_state_name(states[s])));
				ck_assert_int_eq(state_of(name), states[s]);
				ck_assert_int_eq(fx.events, events);
			} else {
				ck_assert_msg(rc == NUMBERING_OK, "state %s op %d: %s", numbering_lifecycle_state_name(states[s]),
				              op, numbering_error_message());
				ck_assert_int_eq(numbering_instance_lifecycle_state(out), to[s][op]);
				ck_assert_int_eq(state_of(name), to[s][op]);
				ck_assert_int_eq(fx.events, events + 1);
				ck_assert_int_eq(numbering_instance_create_time(out), numbering_instance_create_time(before));
				if (op == OP_ACTIVATE) {
					ck_assert_int_gt(numbering_instance_activate_time(out), numbering_instance_create_time(out));
				} else {
					/* Only activation stamps activate_time, and only the first one. */
					ck_assert_int_eq(numbering_instance_activate_time(out),
					                 numbering_instance_activate_time(before));
				}
				if (op == OP_DELETE)
					ck_assert_int_gt(numbering_instance_delete_time(out), numbering_instance_create_time(out));
				else
					ck_assert_int_eq(numbering_instance_delete_time(out), 0);
			}
			numbering_instance_free(before);
			numbering_instance_free(out);
		}
	}
	/* Created ACTIVE: activate_time = create_time; created PENDING: unset until activated. */
	numbering_instance *a = create_in_state(P1, "inventory", "+61255509000", NUMBERING_LIFECYCLE_ACTIVE);
	ck_assert_int_eq(numbering_instance_activate_time(a), numbering_instance_create_time(a));
	numbering_instance *p = create_in_state(P1, "portin", "+61255509001", NUMBERING_LIFECYCLE_PENDING);
	ck_assert_int_eq(numbering_instance_activate_time(p), 0);
	numbering_instance_free(a);
	numbering_instance_free(p);
	/* Only PENDING or ACTIVE can be asked for at creation. */
	numbering_instance *r = request_for("+61255509002");
	ck_assert_int_eq(numbering_instance_set_lifecycle_state(r, NUMBERING_LIFECYCLE_SUSPENDED),
	                 NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_instance_set_lifecycle_state(r, NUMBERING_LIFECYCLE_DELETED), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_instance_set_lifecycle_state(r, NUMBERING_LIFECYCLE_STATE_UNSPECIFIED),
	                 NUMBERING_INVALID_ARGUMENT);
	numbering_instance_free(r);
}
END_TEST

START_TEST(deleted_range_refuses_every_mutation)
{
	numbering_instance *out = fixture_create(P1, "block", "+61255501100-99"), *first = NULL, *second = NULL;
	numbering_instance_free(out);
	const char *name = "projects/p1/phoneNumberInstances/block";
	ck_assert_int_eq(numbering_store_delete(&out, fx.store, NULL, name), NUMBERING_OK);
	numbering_instance_free(out);
	out = NULL;
	int events = fx.events;
	numbering_instance *r = NULL;
	ck_assert_int_eq(numbering_instance_new(&r), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_display_name(r, "x"), NUMBERING_OK);
	const char *masks[] = {NULL, "*", "displayName", "labels", "incoming_message_handler_uris",
	                       "incomingCallHandlerUris", "call_recording_trigger", "phone_number.capabilities",
	                       "phoneNumber.numberType"};
	for (size_t i = 0; i < sizeof(masks) / sizeof(masks[0]); i++)
		fixture_expect_error(numbering_store_update(&out, fx.store, NULL, name, r, masks[i]),
		                     NUMBERING_FAILED_PRECONDITION, "DELETED");
	fixture_expect_error(numbering_store_split_range(&first, &second, fx.store, NULL, name, 20),
	                     NUMBERING_FAILED_PRECONDITION, "DELETED");
	fixture_expect_error(numbering_store_move(&out, fx.store, NULL, name, P2, NULL), NUMBERING_FAILED_PRECONDITION,
	                     "DELETED");
	fixture_expect_error(numbering_store_move(&out, fx.store, NULL, name, P2, "projects/p2/regulatoryListings/l"),
	                     NUMBERING_FAILED_PRECONDITION, "DELETED");
	for (int op = 0; op < OP_COUNT; op++)
		fixture_expect_error(run_op(op, &out, name), NUMBERING_FAILED_PRECONDITION, "DELETED");
	ck_assert_ptr_null(out);
	ck_assert_ptr_null(first);
	ck_assert_ptr_null(second);
	ck_assert_int_eq(fx.events, events);
	/* Nothing changed: the deleted range is as it was, and nothing new appeared. */
	ck_assert_int_eq(numbering_store_get(&out, fx.store, NULL, name), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_display_name(out), "");
	ck_assert_int_eq(numbering_instance_range_size(out), 100);
	numbering_instance_free(out);
	ck_assert_int_eq(count_instances(P1), 1);
	ck_assert_int_eq(count_instances(P2), 0);
	numbering_instance_free(r);
}
END_TEST

static int64_t still_time;
static int64_t still_clock(void *payload)
{
	(void)payload;
	return still_time;
}

static int64_t backwards_clock(void *payload)
{
	(void)payload;
	still_time -= 1000;
	return still_time;
}

/* Create times with a clock that stands still, then one that runs backwards: every
 * create time (splits included) is later than the one before, so newest-first is the
 * exact reverse of creation order. */
static void strictly_increasing_with(numbering_clock_cb clock)
{
	numbering_store *store = NULL;
	numbering_options options = NUMBERING_OPTIONS_INIT;
	still_time = FIXTURE_EPOCH;
	options.clock = clock;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	char names[12][128];
	int64_t last = 0;
	for (int i = 0; i < 10; i++) {
		numbering_instance *r = request_for(i == 0 ? "+61255501000-99" : "+61255502000"), *out = NULL;
		char number[32];
		snprintf(number, sizeof(number), "+6125550200%d", i);
		if (i > 0)
			ck_assert_int_eq(numbering_instance_set_phone_number(r, number), NUMBERING_OK);
		ck_assert_int_eq(numbering_store_create(&out, store, NULL, P1, r, NULL, NULL, NULL), NUMBERING_OK);
		ck_assert_int_gt(numbering_instance_create_time(out), last);
		last = numbering_instance_create_time(out);
		snprintf(names[i], sizeof(names[i]), "%s", numbering_instance_name(out));
		numbering_instance_free(out);
		numbering_instance_free(r);
		if (i == 4) {
			/* Other changes in between take times too, and create times stay ahead of them. */
			ck_assert_int_eq(numbering_store_suspend(&out, store, NULL, names[1]), NUMBERING_OK);
			ck_assert_int_gt(numbering_instance_create_time(out), 0);
			numbering_instance_free(out);
		}
	}
	numbering_instance *first = NULL, *second = NULL;
	ck_assert_int_eq(numbering_store_split_range(&first, &second, store, NULL, names[0], 50), NUMBERING_OK);
	ck_assert_int_gt(numbering_instance_create_time(second), last);
	snprintf(names[10], sizeof(names[10]), "%s", numbering_instance_name(second));
	numbering_instance_free(first);
	numbering_instance_free(second);
	/* Newest first: the split-off range, then the creates in reverse. */
	numbering_list_request *lr = NULL;
	numbering_list_page *page = NULL;
	ck_assert_int_eq(numbering_list_request_new(&lr), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_request_set_parent(lr, P1), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_request_set_page_size(lr, 100), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_list(&page, store, NULL, lr), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_page_count(page), 11);
	ck_assert_str_eq(numbering_instance_name(numbering_list_page_instance(page, 0)), names[10]);
	for (int i = 1; i < 11; i++)
		ck_assert_str_eq(numbering_instance_name(numbering_list_page_instance(page, i)), names[10 - i]);
	numbering_list_page_free(page);
	numbering_list_request_free(lr);
	numbering_store_close(store);
}

START_TEST(create_time_with_still_and_backward_clocks)
{
	strictly_increasing_with(still_clock);
	strictly_increasing_with(backwards_clock);
}
END_TEST

/* An instance with every writable field set, named projects/p1/phoneNumberInstances/full. */
static void create_full(void)
{
	numbering_instance *r = request_for("+61255501100"), *out = NULL;
	ck_assert_int_eq(numbering_instance_set_display_name(r, "Old name"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_label(r, "old", "1"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_add_message_handler(r, "https://old.example.com/sms"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_add_call_handler(r, "sip:old@example.com"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_call_recording_trigger(r, NUMBERING_RECORDING_ANSWER), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_capabilities(r, NUMBERING_CAPABILITY_SMS), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_number_type(r, NUMBERING_NUMBER_TYPE_LOCAL), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_create(&out, fx.store, NULL, P1, r, "full", NULL, NULL), NUMBERING_OK);
	numbering_instance_free(out);
	numbering_instance_free(r);
}

/* Which of the seven writable fields of @i still hold create_full's values: bit 0
 * display name ... bit 6 number type. */
static unsigned old_fields(const numbering_instance *i)
{
	unsigned bits = 0;
	bits |= (unsigned)(strcmp(numbering_instance_display_name(i), "Old name") == 0) << 0;
	bits |= (unsigned)(numbering_instance_label(i, "old") != NULL && numbering_instance_label_count(i) == 1) << 1;
	bits |= (unsigned)(numbering_instance_message_handler_count(i) == 1 &&
	                   strcmp(numbering_instance_message_handler(i, 0), "https://old.example.com/sms") == 0)
	        << 2;
	bits |= (unsigned)(numbering_instance_call_handler_count(i) == 1 &&
	                   strcmp(numbering_instance_call_handler(i, 0), "sip:old@example.com") == 0)
	        << 3;
	bits |= (unsigned)(numbering_instance_call_recording_trigger(i) == NUMBERING_RECORDING_ANSWER) << 4;
	bits |= (unsigned)(numbering_instance_capabilities(i) == NUMBERING_CAPABILITY_SMS) << 5;
	bits |= (unsigned)(numbering_instance_number_type(i) == NUMBERING_NUMBER_TYPE_LOCAL) << 6;
	return bits;
}

START_TEST(update_touches_only_masked_writable_fields)
{
	create_full();
	const char *name = "projects/p1/phoneNumberInstances/full";
	numbering_instance *before = NULL, *out = NULL, *r = NULL;
	ck_assert_int_eq(numbering_store_get(&before, fx.store, NULL, name), NUMBERING_OK);
	ck_assert_uint_eq(old_fields(before), 0x7f);
	/* A request that differs in every field, output-only and create-only ones included. */
	ck_assert_int_eq(numbering_instance_new(&r), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_phone_number(r, "+61255509999"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_range_size(r, 10), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_lifecycle_state(r, NUMBERING_LIFECYCLE_PENDING), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_regulatory_listing(r, "projects/p1/regulatoryListings/x"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_display_name(r, "New name"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_label(r, "new", "2"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_add_message_handler(r, "https://new.example.com/sms"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_add_call_handler(r, "tel:+61299998888"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_call_recording_trigger(r, NUMBERING_RECORDING_BRIDGE), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_capabilities(r, NUMBERING_CAPABILITY_VOICE), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_number_type(r, NUMBERING_NUMBER_TYPE_MOBILE), NUMBERING_OK);
	static const char *const paths[7][2] = {
		{"display_name", "displayName"},
		{"labels", "labels"},
		{"incoming_message_handler_uris", "incomingMessageHandlerUris"},
		{"incoming_call_handler_uris", "incomingCallHandlerUris"},
		{"call_recording_trigger", "callRecordingTrigger"},
		{"phone_number.capabilities", "phoneNumber.capabilities"},
		{"phone_number.number_type", "phoneNumber.numberType"},
	};
	for (int f = 0; f < 7; f++) {
		for (int spelling = 0; spelling < 2; spelling++) {
			/* Back to the old values, then update one field. */
			numbering_instance_free(out);
			ck_assert_int_eq(numbering_store_update(&out, fx.store, NULL, name, before, "*"), NUMBERING_OK);
			numbering_instance_free(out);
			ck_assert_int_eq(numbering_store_update(&out, fx.store, NULL, name, r, paths[f][spelling]), NUMBERING_OK);
			ck_assert_msg(old_fields(out) == (0x7fu & ~(1u << f)), "mask %s changed 0x%x", paths[f][spelling],
			              0x7fu & ~old_fields(out));
			/* Never the number, the state, the range, the listing or the times. */
			ck_assert_str_eq(numbering_instance_phone_number(out), "+61255501100");
			ck_assert_int_eq(numbering_instance_is_range(out), 0);
			ck_assert_int_eq(numbering_instance_range_size(out), 1);
			ck_assert_int_eq(numbering_instance_lifecycle_state(out), NUMBERING_LIFECYCLE_ACTIVE);
			ck_assert_str_eq(numbering_instance_regulatory_listing(out), "");
			ck_assert_int_eq(numbering_instance_create_time(out), numbering_instance_create_time(before));
			ck_assert_int_eq(numbering_instance_activate_time(out), numbering_instance_activate_time(before));
			ck_assert_str_eq(numbering_instance_name(out), name);
		}
	}
	numbering_instance_free(out);
	/* "*" changes all seven, and still nothing else. */
	ck_assert_int_eq(numbering_store_update(&out, fx.store, NULL, name, r, "*"), NUMBERING_OK);
	ck_assert_uint_eq(old_fields(out), 0);
	ck_assert_str_eq(numbering_instance_display_name(out), "New name");
	ck_assert_str_eq(numbering_instance_call_handler(out, 0), "tel:+61299998888");
	ck_assert_str_eq(numbering_instance_phone_number(out), "+61255501100");
	ck_assert_int_eq(numbering_instance_lifecycle_state(out), NUMBERING_LIFECYCLE_ACTIVE);
	numbering_instance_free(out);
	/* The stored record agrees with what update returned. */
	ck_assert_int_eq(numbering_store_get(&out, fx.store, NULL, name), NUMBERING_OK);
	ck_assert_uint_eq(old_fields(out), 0);
	ck_assert_int_eq(numbering_instance_number_type(out), NUMBERING_NUMBER_TYPE_MOBILE);
	numbering_instance_free(out);
	numbering_instance_free(before);
	numbering_instance_free(r);
}
END_TEST

START_TEST(update_mask_rejects_output_only_and_create_only_paths)
{
	create_full();
	const char *name = "projects/p1/phoneNumberInstances/full";
	numbering_instance *r = NULL, *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&r), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_display_name(r, "New name"), NUMBERING_OK);
	static const struct {
		const char *path, *says;
	} bad[] = {
		{"name", "output only"},
		{"phone_number", "create-only"},
		{"phoneNumber", "create-only"},
		{"phone_number.phone_number", "create-only"},
		{"phoneNumber.phoneNumber", "create-only"},
		{"phone_number.sku", "output only"},
		{"phone_number.activation_sku", "output only"},
		{"phone_number.country_code", "output only"},
		{"create_time", "output only"},
		{"createTime", "output only"},
		{"delete_time", "output only"},
		{"activate_time", "output only"},
		{"lifecycle_state", "output only"},
		{"lifecycleState", "output only"},
		{"range", "output only"},
		{"range.size", "create-only"},
		{"range.end_phone_number", "create-only"},
		{"range.start_phone_number", "output only"},
		{"range.primary_phone_number_instance", "output only"},
		{"regulatory_listing", "output only"},
		{"compliant", "output only"},
		{"colour", "names no field"},
		{"display_name.x", "names no field"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = numbering_store_update(&out, fx.store, NULL, name, r, bad[i].path);
		char want[128];
		snprintf(want, sizeof(want), "update mask path \"%s\"", bad[i].path);
		fixture_expect_error(rc, NUMBERING_INVALID_ARGUMENT, want);
		fixture_expect_error(rc, NUMBERING_INVALID_ARGUMENT, bad[i].says);
		ck_assert_str_eq(numbering_error_violation_field(0), "update_mask");
		ck_assert_ptr_null(out);
		/* Mixed with a writable path, the whole update is refused. */
		char mask[128];
		snprintf(mask, sizeof(mask), "displayName,%s", bad[i].path);
		fixture_expect_error(numbering_store_update(&out, fx.store, NULL, name, r, mask), NUMBERING_INVALID_ARGUMENT,
		                     want);
	}
	fixture_expect_error(numbering_store_update(&out, fx.store, NULL, name, r, "displayName,,labels"),
	                     NUMBERING_INVALID_ARGUMENT, "empty path");
	fixture_expect_error(numbering_store_update(&out, fx.store, NULL, name, r, "displayName,*"),
	                     NUMBERING_INVALID_ARGUMENT, "\"*\"");
	/* None of them changed anything. */
	ck_assert_int_eq(numbering_store_get(&out, fx.store, NULL, name), NUMBERING_OK);
	ck_assert_uint_eq(old_fields(out), 0x7f);
	numbering_instance_free(out);
	numbering_instance_free(r);
}
END_TEST

START_TEST(split_keeps_first_numbers_and_state)
{
	numbering_instance *out = create_in_state(P1, "port", "+61255501100-99", NUMBERING_LIFECYCLE_PENDING);
	numbering_instance_free(out);
	const char *name = "projects/p1/phoneNumberInstances/port";
	numbering_instance *first = NULL, *second = NULL;
	/* The seed's example, exactly. */
	ck_assert_int_eq(numbering_store_split_range(&first, &second, fx.store, NULL, name, 20), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_name(first), name);
	ck_assert_str_eq(numbering_instance_range_primary(first), name);
	ck_assert_str_eq(numbering_instance_phone_number(first), "+61255501100");
	ck_assert_str_eq(numbering_instance_range_start(first), "+61255501100");
	ck_assert_str_eq(numbering_instance_range_end(first), "+61255501119");
	ck_assert_int_eq(numbering_instance_range_size(first), 20);
	ck_assert_str_eq(numbering_instance_phone_number(second), "+61255501120");
	ck_assert_str_eq(numbering_instance_range_start(second), "+61255501120");
	ck_assert_str_eq(numbering_instance_range_end(second), "+61255501199");
	ck_assert_int_eq(numbering_instance_range_size(second), 80);
	ck_assert_int_eq(numbering_instance_is_range(second), 1);
	ck_assert_str_eq(numbering_instance_range_primary(second), numbering_instance_name(second));
	ck_assert_ptr_nonnull(strstr(numbering_instance_name(second), "projects/p1/phoneNumberInstances/"));
	/* Both halves keep the state; the new one is a full instance of its own. */
	ck_assert_int_eq(numbering_instance_lifecycle_state(first), NUMBERING_LIFECYCLE_PENDING);
	ck_assert_int_eq(numbering_instance_lifecycle_state(second), NUMBERING_LIFECYCLE_PENDING);
	ck_assert_int_gt(numbering_instance_create_time(second), numbering_instance_create_time(first));
	ck_assert_int_eq(numbering_instance_activate_time(second), 0); /* pending: never activated */
	char second_name[128];
	snprintf(second_name, sizeof(second_name), "%s", numbering_instance_name(second));
	numbering_instance_free(first);
	numbering_instance_free(second);
	/* What the store holds agrees. */
	ck_assert_int_eq(numbering_store_get(&out, fx.store, NULL, second_name), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_range_end(out), "+61255501199");
	ck_assert_int_eq(numbering_instance_range_size(out), 80);
	numbering_instance_free(out);
	ck_assert_int_eq(numbering_store_get(&out, fx.store, NULL, name), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_range_end(out), "+61255501119");
	numbering_instance_free(out);
	/* The freed-up halves are each held by their own instance. */
	expect_held_by("+61255501119", name);
	expect_held_by("+61255501120", second_name);
	/* Sizes outside 1..size-1 of the instance now: 20 numbers. */
	int64_t bad[] = {0, -20, 20, 21, 80, INT64_MIN};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fixture_expect_error(numbering_store_split_range(&first, &second, fx.store, NULL, name, bad[i]),
		                     NUMBERING_INVALID_ARGUMENT, "outside 1..19");
		ck_assert_str_eq(numbering_error_violation_field(0), "size");
	}
	/* A two-number range splits only at 1; a missing instance is NOT_FOUND. */
	numbering_instance_free(fixture_create(P1, "pair", "+61255502000-01"));
	fixture_expect_error(numbering_store_split_range(&first, &second, fx.store, NULL,
	                                                 "projects/p1/phoneNumberInstances/pair", 2),
	                     NUMBERING_INVALID_ARGUMENT, "outside 1..1");
	ck_assert_int_eq(numbering_store_split_range(&first, &second, fx.store, NULL,
	                                             "projects/p1/phoneNumberInstances/pair", 1),
	                 NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_range_end(first), "+61255502000");
	ck_assert_str_eq(numbering_instance_range_start(second), "+61255502001");
	numbering_instance_free(first);
	numbering_instance_free(second);
	fixture_expect_error(numbering_store_split_range(&first, &second, fx.store, NULL,
	                                                 "projects/p1/phoneNumberInstances/nobody", 1),
	                     NUMBERING_NOT_FOUND, "does not exist");
	fixture_expect_error(numbering_store_split_range(&first, &second, fx.store, NULL, "projects/p1/nobody", 1),
	                     NUMBERING_INVALID_ARGUMENT, "projects/p1/nobody");
	ck_assert_str_eq(numbering_error_violation_field(0), "phone_number_instance");
}
END_TEST

START_TEST(move_range_keeps_id)
{
	numbering_instance *r = request_for("+61255501100-99"), *out = NULL;
	ck_assert_int_eq(numbering_instance_set_display_name(r, "Block"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_regulatory_listing(r, "projects/p1/regulatoryListings/old"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_create(&out, fx.store, NULL, P1, r, "block", NULL, NULL), NUMBERING_OK);
	int64_t created = numbering_instance_create_time(out);
	numbering_instance_free(out);
	numbering_instance_free(r);
	/* Without a listing, the old one (a listing of the source project) does not follow. */
	ck_assert_int_eq(numbering_store_move(&out, fx.store, NULL, "projects/p1/phoneNumberInstances/block", P2, NULL),
	                 NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_name(out), "projects/p2/phoneNumberInstances/block");
	ck_assert_str_eq(numbering_instance_range_primary(out), "projects/p2/phoneNumberInstances/block");
	ck_assert_str_eq(numbering_instance_regulatory_listing(out), "");
	ck_assert_str_eq(numbering_instance_display_name(out), "Block");
	ck_assert_int_eq(numbering_instance_range_size(out), 100);
	ck_assert_int_eq(numbering_instance_create_time(out), created);
	ck_assert_ptr_nonnull(strstr(fx.last_event, "phoneNumberInstance.moved"));
	numbering_instance_free(out);
	ck_assert_int_eq(count_instances(P1), 0);
	ck_assert_int_eq(count_instances(P2), 1);
	numbering_resolution *res = NULL;
	ck_assert_int_eq(numbering_resolution_new(&res), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_resolve(res, fx.store, NULL, "+61255501177", NULL), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_name(numbering_resolution_instance(res)),
	                 "projects/p2/phoneNumberInstances/block");
	numbering_resolution_free(res);
	/* Back, with a listing of the destination. */
	ck_assert_int_eq(numbering_store_move(&out, fx.store, NULL, "projects/p2/phoneNumberInstances/block", P1,
	                                      "projects/p1/regulatoryListings/new"),
	                 NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_regulatory_listing(out), "projects/p1/regulatoryListings/new");
	numbering_instance_free(out);
	fixture_expect_error(numbering_store_move(&out, fx.store, NULL, "projects/p1/phoneNumberInstances/nobody", P2, NULL),
	                     NUMBERING_NOT_FOUND, "does not exist");
	fixture_expect_error(numbering_store_move(&out, fx.store, NULL, "projects/p1/phoneNumberInstances/block", P2,
	                                          "projects/p2/listings/x"),
	                     NUMBERING_INVALID_ARGUMENT, "regulatoryListings");
	ck_assert_str_eq(numbering_error_violation_field(0), "regulatory_listing");
	/* The permission on both projects is asked for, source and destination. */
	fx.calls = 0;
	fx.deny_permission = "numbering.phoneNumberInstances.move";
	fx.deny_project = P1;
	fixture_expect_error(numbering_store_move(&out, fx.store, NULL, "projects/p1/phoneNumberInstances/block", P2, NULL),
	                     NUMBERING_PERMISSION_DENIED, "on projects/p1");
	fx.deny_project = P2;
	fixture_expect_error(numbering_store_move(&out, fx.store, NULL, "projects/p1/phoneNumberInstances/block", P2, NULL),
	                     NUMBERING_PERMISSION_DENIED, "on projects/p2");
	ck_assert_int_eq(count_instances(P1), 1);
}
END_TEST

/* The permission check comes first: a caller without it learns nothing, whether the
 * instance exists or not, and the answer is the same either way. */
START_TEST(permission_denied_whether_or_not_it_exists)
{
	numbering_instance_free(fixture_create(P1, "there", "+61255501100-99"));
	const char *names[] = {"projects/p1/phoneNumberInstances/there", "projects/p1/phoneNumberInstances/missing"};
	static const char *const permissions[] = {"get", "update", "delete", "activate", "suspend", "resume", "move",
	                                          "splitRange"};
	numbering_instance *r = request_for("+61255501100"), *out = NULL, *second = NULL;
	for (size_t p = 0; p < sizeof(permissions) / sizeof(permissions[0]); p++) {
		char permission[96], messages[2][512];
		snprintf(permission, sizeof(permission), "numbering.phoneNumberInstances.%s", permissions[p]);
		fx.deny_permission = permission;
		for (int n = 0; n < 2; n++) {
			int rc;
			switch (p) {
			case 0:
				rc = numbering_store_get(&out, fx.store, "user:eve", names[n]);
				break;
			case 1:
				rc = numbering_store_update(&out, fx.store, "user:eve", names[n], r, "displayName");
				break;
			case 2:
				rc = numbering_store_delete(&out, fx.store, "user:eve", names[n]);
				break;
			case 3:
				rc = numbering_store_activate(&out, fx.store, "user:eve", names[n]);
				break;
			case 4:
				rc = numbering_store_suspend(&out, fx.store, "user:eve", names[n]);
				break;
			case 5:
				rc = numbering_store_resume(&out, fx.store, "user:eve", names[n]);
				break;
			case 6:
				rc = numbering_store_move(&out, fx.store, "user:eve", names[n], P2, NULL);
				break;
			default:
				rc = numbering_store_split_range(&out, &second, fx.store, "user:eve", names[n], 10);
				break;
			}
			ck_assert_msg(rc == NUMBERING_PERMISSION_DENIED, "%s on %s gave %s", permission, names[n],
			              numbering_status_name(rc));
			ck_assert_ptr_null(out);
			snprintf(messages[n], sizeof(messages[n]), "%s", numbering_error_message());
			ck_assert_ptr_nonnull(strstr(messages[n], permission));
			ck_assert_ptr_null(strstr(messages[n], "there"));
		}
		ck_assert_str_eq(messages[0], messages[1]);
	}
	fx.deny_permission = NULL;
	/* Nothing changed. */
	ck_assert_int_eq(state_of(names[0]), NUMBERING_LIFECYCLE_ACTIVE);
	ck_assert_int_eq(count_instances(P1), 1);
	numbering_instance_free(r);
}
END_TEST

START_TEST(compliance_follows_number_type_and_listing)
{
	fixture_close();
	fixture_open("US:MOBILE,DE:*");
	numbering_instance *r = request_for("+12025550134"), *out = NULL;
	ck_assert_int_eq(numbering_instance_set_number_type(r, NUMBERING_NUMBER_TYPE_MOBILE), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_create(&out, fx.store, NULL, P1, r, "us", NULL, "US"), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_country_code(out), "US");
	ck_assert_int_eq(numbering_instance_compliant(out), 0);
	numbering_instance_free(out);
	const char *name = "projects/p1/phoneNumberInstances/us";
	/* Get, list and resolve say the same. */
	ck_assert_int_eq(numbering_store_get(&out, fx.store, NULL, name), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_compliant(out), 0);
	numbering_instance_free(out);
	numbering_resolution *res = NULL;
	ck_assert_int_eq(numbering_resolution_new(&res), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_resolve(res, fx.store, NULL, "+12025550134", NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_compliant(numbering_resolution_instance(res)), 0);
	/* Another type needs no listing. */
	ck_assert_int_eq(numbering_instance_set_number_type(r, NUMBERING_NUMBER_TYPE_LOCAL), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_update(&out, fx.store, NULL, name, r, "phone_number.number_type"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_compliant(out), 1);
	numbering_instance_free(out);
	ck_assert_int_eq(numbering_store_resolve(res, fx.store, NULL, "+12025550134", NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_compliant(numbering_resolution_instance(res)), 1);
	numbering_resolution_free(res);
	numbering_instance_free(r);
	/* Every type of a '*' country needs one; a listing set at creation satisfies it. */
	r = request_for("+4930123456");
	ck_assert_int_eq(numbering_store_create(&out, fx.store, NULL, P1, r, "de", NULL, NULL), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_country_code(out), "DE");
	ck_assert_int_eq(numbering_instance_compliant(out), 0);
	numbering_instance_free(out);
	ck_assert_int_eq(numbering_instance_set_phone_number(r, "+4930123457"), NUMBERING_OK);
	/* A listing belongs to a project: at creation, one of the parent's. */
	ck_assert_int_eq(numbering_instance_set_regulatory_listing(r, "projects/p2/regulatoryListings/acme"), NUMBERING_OK);
	fixture_expect_error(numbering_store_create(&out, fx.store, NULL, P1, r, "de2", NULL, NULL),
	                     NUMBERING_INVALID_ARGUMENT, "not a listing of the parent projects/p1");
	ck_assert_str_eq(numbering_error_violation_field(0), "phone_number_instance.regulatory_listing");
	ck_assert_int_eq(numbering_instance_set_regulatory_listing(r, "projects/p1/regulatoryListings/acme"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_create(&out, fx.store, NULL, P1, r, "de2", NULL, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_compliant(out), 1);
	numbering_instance_free(out);
	/* Moving without a listing drops it, and with it compliance. */
	ck_assert_int_eq(numbering_store_move(&out, fx.store, NULL, "projects/p1/phoneNumberInstances/de2", P2, NULL),
	                 NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_compliant(out), 0);
	numbering_instance_free(out);
	numbering_instance_free(r);
}
END_TEST

/* A retry is the same request however it is spelled; anything that changes what would
 * be created makes it another request. */
START_TEST(idempotent_create_compares_meaning)
{
	numbering_instance *r = request_for("+61255502000-09"), *first = NULL, *out = NULL;
	ck_assert_int_eq(numbering_store_create(&first, fx.store, NULL, P1, r, NULL, "order-1", NULL), NUMBERING_OK);
	numbering_instance_free(r);
	int events = fx.events;
	/* The same range and defaults, spelled differently. */
	for (int i = 0; i < 6; i++) {
		r = request_for(i == 0 ? "+61255502000" : i == 1 ? "+61255502000" : i == 2 ? "02 5550 2000-09"
		                                                   : "+61 2 5550 2000-09");
		if (i == 0)
			ck_assert_int_eq(numbering_instance_set_range_size(r, 10), NUMBERING_OK);
		if (i == 1)
			ck_assert_int_eq(numbering_instance_set_range_end(r, "+61255502009"), NUMBERING_OK);
		if (i == 3)
			ck_assert_int_eq(numbering_instance_set_lifecycle_state(r, NUMBERING_LIFECYCLE_ACTIVE), NUMBERING_OK);
		if (i == 4) {
			ck_assert_int_eq(numbering_instance_set_call_recording_trigger(r, NUMBERING_RECORDING_DISABLED),
			                 NUMBERING_OK);
			ck_assert_int_eq(numbering_instance_set_display_name(r, ""), NUMBERING_OK);
			ck_assert_int_eq(numbering_instance_clear_labels(r), NUMBERING_OK);
		}
		int rc = numbering_store_create(&out, fx.store, NULL, P1, r, NULL, "order-1", i == 2 ? "AU" : NULL);
		ck_assert_msg(rc == NUMBERING_OK, "spelling %d: %s", i, numbering_error_message());
		ck_assert_str_eq(numbering_instance_name(out), numbering_instance_name(first));
		numbering_instance_free(out);
		numbering_instance_free(r);
	}
	ck_assert_int_eq(fx.events, events);
	ck_assert_int_eq(count_instances(P1), 1);
	/* Other numbers, another size, another state, another field or id: refused. */
	for (int i = 0; i < 6; i++) {
		r = request_for(i == 0 ? "+61255502000-19" : i == 1 ? "+61255502001-09" : "+61255502000-09");
		const char *parent = P1, *id = NULL;
		if (i == 2)
			ck_assert_int_eq(numbering_instance_set_lifecycle_state(r, NUMBERING_LIFECYCLE_PENDING), NUMBERING_OK);
		if (i == 3)
			ck_assert_int_eq(numbering_instance_set_label(r, "k", "v"), NUMBERING_OK);
		if (i == 4)
			ck_assert_int_eq(numbering_instance_set_call_recording_trigger(r, NUMBERING_RECORDING_ANSWER),
			                 NUMBERING_OK);
		if (i == 5)
			id = "named";
		fixture_expect_error(numbering_store_create(&out, fx.store, NULL, parent, r, id, "order-1", NULL),
		                     NUMBERING_INVALID_ARGUMENT, "already used for a different request");
		ck_assert_ptr_null(out);
		numbering_instance_free(r);
	}
	ck_assert_int_eq(count_instances(P1), 1);
	/* Request ids belong to the parent: another project's "order-1" is its own request. */
	r = request_for("+61255503000");
	ck_assert_int_eq(numbering_store_create(&out, fx.store, NULL, P2, r, NULL, "order-1", NULL), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_phone_number(out), "+61255503000");
	numbering_instance_free(out);
	ck_assert_int_eq(numbering_store_create(&out, fx.store, NULL, P2, r, NULL, "order-1", NULL), NUMBERING_OK);
	numbering_instance_free(out);
	numbering_instance_free(r);
	ck_assert_int_eq(count_instances(P1), 1);
	ck_assert_int_eq(count_instances(P2), 1);
	numbering_instance_free(first);
}
END_TEST

/* ---- Atomicity: a backend that fails its n-th write ---- */

struct faulty {
	numbering_backend base;
	numbering_backend *inner;
	int countdown; /* the write call that fails: 1 = the next one; 0 = none */
	int fired;
};

static int faulty_write(struct faulty *f)
{
	if (f->countdown > 0 && --f->countdown == 0) {
		f->fired = 1;
		return NUMBERING_UNAVAILABLE;
	}
	return NUMBERING_OK;
}

static int faulty_begin(numbering_backend *b)
{
	struct faulty *f = (struct faulty *)b;
	int rc = faulty_write(f);
	return rc != NUMBERING_OK ? rc : f->inner->begin(f->inner);
}

static int faulty_commit(numbering_backend *b)
{
	struct faulty *f = (struct faulty *)b;
	int rc = faulty_write(f);
	return rc != NUMBERING_OK ? rc : f->inner->commit(f->inner);
}

static int faulty_rollback(numbering_backend *b)
{
	struct faulty *f = (struct faulty *)b;
	return f->inner->rollback(f->inner);
}

static int faulty_get(numbering_backend *b, int kind, const char *name, numbering_record_visit_cb visit,
                      void *payload)
{
	struct faulty *f = (struct faulty *)b;
	return f->inner->get(f->inner, kind, name, visit, payload);
}

static int faulty_put(numbering_backend *b, const numbering_record *record)
{
	struct faulty *f = (struct faulty *)b;
	int rc = faulty_write(f);
	return rc != NUMBERING_OK ? rc : f->inner->put(f->inner, record);
}

static int faulty_remove(numbering_backend *b, int kind, const char *name)
{
	struct faulty *f = (struct faulty *)b;
	int rc = faulty_write(f);
	return rc != NUMBERING_OK ? rc : f->inner->remove(f->inner, kind, name);
}

static int faulty_find(numbering_backend *b, int digits, uint64_t first, uint64_t last,
                       numbering_record_visit_cb visit, void *payload)
{
	struct faulty *f = (struct faulty *)b;
	return f->inner->find(f->inner, digits, first, last, visit, payload);
}

static int faulty_list(numbering_backend *b, const numbering_record_query *query, numbering_record_visit_cb visit,
                       void *payload)
{
	struct faulty *f = (struct faulty *)b;
	return f->inner->list(f->inner, query, visit, payload);
}

static void faulty_free(numbering_backend *b)
{
	struct faulty *f = (struct faulty *)b;
	f->inner->free(f->inner);
}

static struct faulty faulty;

static numbering_store *faulty_store(void)
{
	memset(&faulty, 0, sizeof(faulty));
	ck_assert_int_eq(numbering_memory_backend_new(&faulty.inner), NUMBERING_OK);
	faulty.base.version = NUMBERING_BACKEND_VERSION;
	faulty.base.begin = faulty_begin;
	faulty.base.commit = faulty_commit;
	faulty.base.rollback = faulty_rollback;
	faulty.base.get = faulty_get;
	faulty.base.put = faulty_put;
	faulty.base.remove = faulty_remove;
	faulty.base.find = faulty_find;
	faulty.base.list = faulty_list;
	faulty.base.free = faulty_free;
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.backend = &faulty.base;
	numbering_store *store = NULL;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	return store;
}

/* Everything the store shows: every instance of p1 and p2 with its numbers, state and
 * fields, and who owns a few numbers. */
static void snapshot(char *out, size_t size, numbering_store *store)
{
	size_t n = 0;
	out[0] = '\0';
	const char *parents[] = {P1, P2};
	for (int p = 0; p < 2; p++) {
		numbering_list_request *lr = NULL;
		numbering_list_page *page = NULL;
		ck_assert_int_eq(numbering_list_request_new(&lr), NUMBERING_OK);
		ck_assert_int_eq(numbering_list_request_set_parent(lr, parents[p]), NUMBERING_OK);
		ck_assert_int_eq(numbering_list_request_set_page_size(lr, 100), NUMBERING_OK);
		ck_assert_int_eq(numbering_list_request_set_include_deleted(lr, 1), NUMBERING_OK);
		ck_assert_int_eq(numbering_store_list(&page, store, NULL, lr), NUMBERING_OK);
		for (int i = 0; i < numbering_list_page_count(page); i++) {
			const numbering_instance *x = numbering_list_page_instance(page, i);
			n += (size_t)snprintf(out + n, size - n, "%s %s..%s %lld %s [%s] %d;", numbering_instance_name(x),
			                      numbering_instance_phone_number(x), numbering_instance_range_end(x),
			                      (long long)numbering_instance_range_size(x),
			                      numbering_lifecycle_state_name(numbering_instance_lifecycle_state(x)),
			                      numbering_instance_display_name(x), numbering_instance_label_count(x));
		}
		numbering_list_page_free(page);
		numbering_list_request_free(lr);
	}
	numbering_resolution *res = NULL;
	ck_assert_int_eq(numbering_resolution_new(&res), NUMBERING_OK);
	const char *numbers[] = {"+61255501100", "+61255501119", "+61255501120", "+61255501199", "+61255502000"};
	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		int rc = numbering_store_resolve(res, store, NULL, numbers[i], NULL);
		n += (size_t)snprintf(out + n, size - n, "%s=%s;", numbers[i],
		                      rc == NUMBERING_OK ? numbering_instance_name(numbering_resolution_instance(res)) : "-");
	}
	numbering_resolution_free(res);
	ck_assert_uint_lt(n, size - 1);
}

/* Runs operation @op (0..6) on a fresh faulty store, failing its n-th write for n = 1,
 * 2, ... until it succeeds: every failure leaves the store exactly as it was. */
static void atomic_under_faults(int op)
{
	int succeeded = 0;
	for (int n = 1; n < 50 && !succeeded; n++) {
		numbering_store *store = faulty_store();
		numbering_instance *r = request_for("+61255501100-99"), *out = NULL, *second = NULL;
		ck_assert_int_eq(numbering_store_create(&out, store, NULL, P1, r, "block", NULL, NULL), NUMBERING_OK);
		numbering_instance_free(out);
		out = NULL;
		ck_assert_int_eq(numbering_instance_set_phone_number(r, "+61255502000"), NUMBERING_OK);
		ck_assert_int_eq(numbering_instance_set_display_name(r, "New"), NUMBERING_OK);
		ck_assert_int_eq(numbering_instance_set_label(r, "k", "v"), NUMBERING_OK);
		char before[8192], after[8192];
		snapshot(before, sizeof(before), store);
		const char *block = "projects/p1/phoneNumberInstances/block";
		faulty.countdown = n;
		int rc;
		switch (op) {
		case 0:
			rc = numbering_store_create(&out, store, NULL, P1, r, "single", "req-1", NULL);
			break;
		case 1:
			rc = numbering_store_split_range(&out, &second, store, NULL, block, 20);
			break;
		case 2:
			rc = numbering_store_move(&out, store, NULL, block, P2, "projects/p2/regulatoryListings/l");
			break;
		case 3:
			rc = numbering_store_update(&out, store, NULL, block, r, "*");
			break;
		case 4:
			rc = numbering_store_delete(&out, store, NULL, block);
			break;
		case 5:
			rc = numbering_store_suspend(&out, store, NULL, block);
			break;
		default:
			rc = numbering_store_create(&out, store, NULL, P2, r, NULL, NULL, NULL);
			break;
		}
		faulty.countdown = 0;
		snapshot(after, sizeof(after), store);
		if (faulty.fired) {
			ck_assert_msg(rc != NUMBERING_OK, "op %d: write %d failed but the call succeeded", op, n);
			ck_assert_ptr_null(out);
			ck_assert_ptr_null(second);
			ck_assert_msg(strcmp(before, after) == 0, "op %d, failing write %d changed the store:\n%s\n%s", op, n,
			              before, after);
		} else {
			ck_assert_msg(rc == NUMBERING_OK, "op %d: %s", op, numbering_error_message());
			ck_assert_str_ne(before, after);
			succeeded = 1;
		}
		/* The store goes on working after a failure, and a retry of the create succeeds once. */
		if (op == 0 && faulty.fired) {
			numbering_instance *again = NULL;
			ck_assert_int_eq(numbering_store_create(&again, store, NULL, P1, r, "single", "req-1", NULL), NUMBERING_OK);
			numbering_instance_free(again);
		}
		numbering_instance_free(out);
		numbering_instance_free(second);
		numbering_instance_free(r);
		numbering_store_close(store);
	}
	ck_assert_msg(succeeded, "op %d never succeeded", op);
}

START_TEST(operations_are_atomic)
{
	atomic_under_faults(_i);
}
END_TEST

/* ---- Times at the ends of the range a store records (issue 17, item 8) ---- */

/* 1678-01-01T00:00:00Z and 2261-12-31T23:59:59.999999999Z: the whole years int64
 * nanoseconds hold; RFC 3339's 0001 .. 9999 cannot reach a clock of int64 ns. */
#define TIME_MIN (INT64_C(-9214560000) * 1000000000)
#define TIME_MAX (INT64_C(9214646399) * 1000000000 + 999999999)

static int64_t fixed_time;

static numbering_store *open_with_clock(numbering_backend *backend)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.clock = fixture_still;
	options.clock_payload = &fixed_time;
	options.backend = backend;
	numbering_store *store = NULL;
	int rc = numbering_store_open(&store, &options);
	ck_assert_msg(rc == NUMBERING_OK, "open: %s", numbering_error_message());
	return store;
}

static int create_number(numbering_store *store, const char *number, numbering_instance **out)
{
	numbering_instance *r = request_for(number);
	int rc = numbering_store_create(out, store, NULL, P1, r, NULL, NULL, NULL);
	numbering_instance_free(r);
	return rc;
}

static int instances_in(numbering_store *store, const char *parent)
{
	numbering_list_request *lr = NULL;
	numbering_list_page *page = NULL;
	ck_assert_int_eq(numbering_list_request_new(&lr), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_request_set_parent(lr, parent), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_request_set_include_deleted(lr, 1), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_list(&page, store, NULL, lr), NUMBERING_OK);
	int n = numbering_list_page_count(page);
	numbering_list_page_free(page);
	numbering_list_request_free(lr);
	return n;
}

/* With the clock at @time, a create through C and through JSON is FAILED_PRECONDITION,
 * the C message holding @why and the JSON response @json_why, and nothing is written. */
static void clock_refuses_writes(int64_t time, const char *why, const char *json_why)
{
	fixed_time = time;
	numbering_store *store = open_with_clock(NULL);
	numbering_instance *out = NULL;
	fixture_expect_error(create_number(store, "+61255501100", &out), NUMBERING_FAILED_PRECONDITION, why);
	ck_assert_ptr_null(out);
	char *response = NULL;
	ck_assert_int_eq(numbering_store_call_json(&response, store, NULL, "CreatePhoneNumberInstance",
	                                           "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":"
	                                           "{\"phoneNumber\":{\"phoneNumber\":\"+61255501100\"}}}"),
	                 NUMBERING_FAILED_PRECONDITION);
	ck_assert_msg(strstr(response, json_why) != NULL, "%s", response);
	numbering_free(response);
	ck_assert_int_eq(instances_in(store, P1), 0);
	numbering_store_close(store);
}

/* A host clock reading outside the range is refused, through the C API and JSON, and
 * nothing is created; the last time in the range is recorded as it is. A clock before
 * 1970 (an unset or failing machine) is refused too, naming its reading: a new store
 * stamped 1970-01-01T00:00:00.000000001Z from it. */
START_TEST(clock_outside_the_time_range_is_refused)
{
	static const struct {
		int64_t time;
		const char *why;
	} early[] = {{-1, "the clock reads -1 ns since 1970 (1969-12-31T23:59:59.999999999Z), before "
	                  "1970-01-01T00:00:00Z: the machine's clock is unset or failing"},
	             {TIME_MIN, "the clock reads -9214560000000000000 ns since 1970 (1678-01-01T00:00:00Z), before"}};
	for (size_t i = 0; i < sizeof(early) / sizeof(early[0]); i++)
		clock_refuses_writes(early[i].time, early[i].why, "before 1970-01-01T00:00:00Z");
	static const int64_t bad[] = {INT64_MAX, INT64_MIN, TIME_MAX + 1, TIME_MIN - 1};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		clock_refuses_writes(bad[i],
		                     "outside the times a store records (1678-01-01T00:00:00Z to "
		                     "2261-12-31T23:59:59.999999999Z)",
		                     "the clock reads");
	/* The epoch (where fake clocks start; a new store's first time is after its last
	 * time, 0) and the end of the range are times like any other. */
	static const struct {
		int64_t time;
		const char *text;
	} ends[] = {{0, "1970-01-01T00:00:00.000000001Z"}, {TIME_MAX, "2261-12-31T23:59:59.999999999Z"}};
	for (size_t i = 0; i < 2; i++) {
		fixed_time = ends[i].time;
		numbering_store *store = open_with_clock(NULL);
		char *response = NULL;
		ck_assert_int_eq(numbering_store_call_json(&response, store, NULL, "CreatePhoneNumberInstance",
		                                           "{\"parent\":\"projects/p1\",\"phoneNumberInstanceId\":\"a\","
		                                           "\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":"
		                                           "\"+61255501100\"}}}"),
		                 NUMBERING_OK);
		ck_assert_msg(strstr(response, ends[i].text), "%s", response);
		numbering_free(response);
		numbering_store_close(store);
	}
}
END_TEST

/* Times strictly increase: at the top of the range the next one is refused, not
 * wrapped to 1677, for every operation that takes a time, and newest-first holds. */
START_TEST(times_at_the_top_are_refused_not_wrapped)
{
	fixed_time = TIME_MAX - 2;
	numbering_store *store = open_with_clock(NULL);
	numbering_instance *a = NULL, *b = NULL, *c = NULL, *out = NULL, *second = NULL;
	ck_assert_int_eq(create_number(store, "+61255501000-99", &a), NUMBERING_OK);
	ck_assert_int_eq(create_number(store, "+61255502000", &b), NUMBERING_OK);
	ck_assert_int_eq(create_number(store, "+61255503000", &c), NUMBERING_OK);
	ck_assert(numbering_instance_create_time(a) == TIME_MAX - 2);
	ck_assert(numbering_instance_create_time(b) == TIME_MAX - 1);
	ck_assert(numbering_instance_create_time(c) == TIME_MAX);
	/* The clock stands still at TIME_MAX - 2: no time after TIME_MAX is left. */
	const char *why = "no time is left after the store's last time 2261-12-31T23:59:59.999999999Z";
	fixture_expect_error(create_number(store, "+61255504000", &out), NUMBERING_FAILED_PRECONDITION, why);
	fixture_expect_error(numbering_store_delete(&out, store, NULL, numbering_instance_name(b)),
	                     NUMBERING_FAILED_PRECONDITION, why);
	fixture_expect_error(numbering_store_split_range(&out, &second, store, NULL, numbering_instance_name(a), 10),
	                     NUMBERING_FAILED_PRECONDITION, why);
	ck_assert_ptr_null(out);
	ck_assert_ptr_null(second);
	/* Nothing changed, and a clock that jumps past the range does no better. */
	fixed_time = INT64_MAX;
	fixture_expect_error(create_number(store, "+61255504000", &out), NUMBERING_FAILED_PRECONDITION,
	                     "the clock reads 9223372036854775807 ns");
	numbering_instance *got = NULL;
	ck_assert_int_eq(numbering_store_get(&got, store, NULL, numbering_instance_name(b)), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_lifecycle_state(got), NUMBERING_LIFECYCLE_ACTIVE);
	numbering_instance_free(got);
	numbering_list_request *lr = NULL;
	numbering_list_page *page = NULL;
	ck_assert_int_eq(numbering_list_request_new(&lr), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_request_set_parent(lr, P1), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_list(&page, store, NULL, lr), NUMBERING_OK);
	ck_assert_int_eq(numbering_list_page_count(page), 3);
	ck_assert_str_eq(numbering_instance_name(numbering_list_page_instance(page, 0)), numbering_instance_name(c));
	ck_assert_str_eq(numbering_instance_name(numbering_list_page_instance(page, 2)), numbering_instance_name(a));
	numbering_list_page_free(page);
	numbering_list_request_free(lr);
	numbering_instance_free(a);
	numbering_instance_free(b);
	numbering_instance_free(c);
	numbering_store_close(store);
}
END_TEST

/* Puts a record of @kind named @name (parent @parent) with @len bytes of @body, as a
 * host would through the vtable (inside a transaction). */
static void put_raw(numbering_backend *backend, int kind, const char *name, const char *parent, int64_t sort_key,
                    const void *body, size_t len)
{
	numbering_record record = {NUMBERING_RECORD_VERSION, kind, 0, name, parent, sort_key, 0, 0, 0, 0,
	                           {NULL, NULL, NULL, NULL}, body, len};
	ck_assert_int_eq(backend->put(backend, &record), NUMBERING_OK);
}

struct raw_body {
	unsigned char *buf;
	size_t cap, len;
	int64_t sort_key;
};

static int raw_visit(const numbering_record *record, void *payload)
{
	struct raw_body *b = payload;
	b->len = record->body_len;
	b->sort_key = record->sort_key;
	ck_assert_uint_le(b->len, b->cap);
	memcpy(b->buf, record->body, b->len);
	return 0;
}

/* The body of the record of @kind named @name into @buf (@cap bytes); its length. */
static size_t get_raw(numbering_backend *backend, int kind, const char *name, void *buf, size_t cap,
                      int64_t *sort_key)
{
	struct raw_body b = {buf, cap, 0, 0};
	ck_assert_int_eq(backend->get(backend, kind, name, raw_visit, &b), NUMBERING_OK);
	if (sort_key != NULL)
		*sort_key = b.sort_key;
	return b.len;
}

/* The kinds of record the store keeps (lib/model/kinds.h). */
#define KIND_META 1
#define KIND_REQUEST 2

/* A memory backend whose last-time META record holds @value (@len bytes of it,
 * little-endian as the store writes it; bytes 8 on, the last phone id, all 0xff),
 * with or without a page-token key. */
static numbering_backend *backend_with_last_time(int64_t value, size_t len, int with_token_key)
{
	numbering_backend *backend = NULL;
	ck_assert_int_eq(numbering_memory_backend_new(&backend), NUMBERING_OK);
	unsigned char buf[17];
	memset(buf, 0xff, sizeof(buf));
	uint64_t v = (uint64_t)value;
	for (int i = 0; i < 8; i++, v >>= 8)
		buf[i] = (unsigned char)(v & 0xff);
	ck_assert_int_eq(backend->begin(backend), NUMBERING_OK);
	put_raw(backend, KIND_META, "last-time", "", 0, buf, len);
	/* A store that was opened before has its page-token key too. */
	unsigned char key[32];
	memset(key, 0x5a, sizeof(key));
	if (with_token_key)
		put_raw(backend, KIND_META, "token-key", "", 0, key, sizeof(key));
	ck_assert_int_eq(backend->commit(backend), NUMBERING_OK);
	return backend;
}

/* A last-time the library cannot have written is DATA_LOSS naming it at open, not a
 * wrapped time at the next create. */
START_TEST(stored_last_time_outside_the_range_is_data_loss)
{
	static const struct {
		int64_t value;
		size_t len;
		const char *message;
	} bad[] = {
		{INT64_MAX, 8, "last-time record holds 9223372036854775807 ns, outside the times a store records"},
		{INT64_MIN, 8, "last-time record holds -9223372036854775808 ns"},
		{TIME_MAX + 1, 8, "outside the times a store records"},
		{TIME_MIN - 1, 8, "outside the times a store records"},
		{0, 7, "last-time record has 7 bytes, not 8 or 16"},
		{0, 9, "last-time record has 9 bytes, not 8 or 16"},
		{0, 17, "last-time record has 17 bytes, not 8 or 16"},
		{0, 16, "last-time record holds the last phone id 18446744073709551615, more than any id"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		numbering_options options = NUMBERING_OPTIONS_INIT;
		options.clock = fixture_still;
		options.clock_payload = &fixed_time;
		options.backend = backend_with_last_time(bad[i].value, bad[i].len, (int)(i % 2));
		numbering_store *store = NULL;
		int rc = numbering_store_open(&store, &options);
		ck_assert_msg(rc == NUMBERING_DATA_LOSS && strstr(numbering_error_message(), bad[i].message) != NULL,
		              "last-time %lld (%zu bytes): %s (%s)", (long long)bad[i].value, bad[i].len,
		              numbering_status_name(rc), numbering_error_message());
		ck_assert_ptr_null(store);
	}
	/* The top of the range is a last time like any other: the store opens, keeps what it
	 * holds readable, and refuses the next time rather than wrapping it. */
	fixed_time = FIXTURE_EPOCH;
	numbering_store *store = open_with_clock(backend_with_last_time(TIME_MAX, 8, 1));
	numbering_instance *out = NULL;
	fixture_expect_error(create_number(store, "+61255501100", &out), NUMBERING_FAILED_PRECONDITION,
	                     "no time is left after the store's last time 2261-12-31T23:59:59.999999999Z");
	ck_assert_ptr_null(out);
	ck_assert_int_eq(instances_in(store, P1), 0);
	numbering_store_close(store);
	/* One below it leaves exactly one time. */
	store = open_with_clock(backend_with_last_time(TIME_MAX - 1, 8, 0));
	ck_assert_int_eq(create_number(store, "+61255501100", &out), NUMBERING_OK);
	ck_assert(numbering_instance_create_time(out) == TIME_MAX);
	numbering_instance_free(out);
	fixture_expect_error(create_number(store, "+61255501101", &out), NUMBERING_FAILED_PRECONDITION, "no time is left");
	numbering_store_close(store);
}
END_TEST

/* Request timestamps outside the range, RFC 3339's own ends included, are refused by
 * name (output-only times are read and ignored, but still checked). */
START_TEST(request_times_outside_the_range_are_refused)
{
	static const char *const bad[] = {"9999-12-31T23:59:59.999999999Z", "0001-01-01T00:00:00Z",
	                                  "2262-04-11T23:47:16.854775807Z", "1677-09-21T00:12:43.145224192Z",
	                                  "2261-12-31T23:59:59.999999999-00:01"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char request[512], *response = NULL;
		snprintf(request, sizeof(request),
		         "{\"parent\":\"projects/p1\",\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":"
		         "\"+61255501100\"},\"createTime\":\"%s\"}}",
		         bad[i]);
		ck_assert_int_eq(numbering_store_call_json(&response, fx.store, NULL, "CreatePhoneNumberInstance", request),
		                 NUMBERING_INVALID_ARGUMENT);
		ck_assert_msg(strstr(response, "outside the years 1678 to 2261") != NULL &&
		                  strstr(response, "phone_number_instance.create_time") != NULL,
		              "%s: %s", bad[i], response);
		numbering_free(response);
	}
	ck_assert_int_eq(count_instances(P1), 0);
}
END_TEST

/* ---- Label keys in NFC (issue 17) ---- */

#define E_COMPOSED "\xc3\xa9"
#define E_DECOMPOSED "e\xcc\x81"
/* The same in JSON escapes. */
#define E_COMPOSED_JSON "\\u00e9"
#define E_DECOMPOSED_JSON "e\\u0301"

/* Two spellings of one key in one labels object are refused, naming the key, on
 * create and on update; a key given decomposed is kept composed, through JSON and the
 * C API; and what was refused changed nothing. */
START_TEST(label_keys_equal_after_nfc_are_one_key)
{
	static const char *const duplicated = "{\"caf" E_COMPOSED_JSON "\":\"1\",\"caf" E_DECOMPOSED_JSON "\":\"2\"}";
	char request[512], *response = NULL;
	snprintf(request, sizeof(request),
	         "{\"parent\":\"projects/p1\",\"phoneNumberInstanceId\":\"a\",\"phoneNumberInstance\":{\"phoneNumber\":"
	         "{\"phoneNumber\":\"+61255501100\"},\"labels\":%s}}",
	         duplicated);
	ck_assert_int_eq(numbering_store_call_json(&response, fx.store, NULL, "CreatePhoneNumberInstance", request),
	                 NUMBERING_INVALID_ARGUMENT);
	ck_assert_msg(strstr(response, "label key \\\"cafe\\\\xcc\\\\x81\\\" is \\\"caf\\\\xc3\\\\xa9\\\" after NFC "
	                               "normalization, a key this object already has") != NULL &&
	                  strstr(response, "\"field\":\"phone_number_instance.labels\"") != NULL,
	              "%s", response);
	numbering_free(response);
	ck_assert_int_eq(count_instances(P1), 0);
	/* One spelling: kept composed. */
	ck_assert_int_eq(numbering_store_call_json(&response, fx.store, NULL, "CreatePhoneNumberInstance",
	                                           "{\"parent\":\"projects/p1\",\"phoneNumberInstanceId\":\"a\","
	                                           "\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":"
	                                           "\"+61255501100\"},\"labels\":{\"caf" E_DECOMPOSED_JSON
	                                           "\":\"d" E_DECOMPOSED_JSON "j" E_DECOMPOSED_JSON "\"}}}"),
	                 NUMBERING_OK);
	numbering_free(response);
	numbering_instance *got = NULL;
	ck_assert_int_eq(numbering_store_get(&got, fx.store, NULL, "projects/p1/phoneNumberInstances/a"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_label_count(got), 1);
	ck_assert_str_eq(numbering_instance_label_key(got, 0), "caf" E_COMPOSED);
	ck_assert_str_eq(numbering_instance_label_value(got, 0), "d" E_COMPOSED "j" E_COMPOSED);
	numbering_instance_free(got);
	/* Update: the same refusal, and the labels stay as they were. */
	snprintf(request, sizeof(request),
	         "{\"name\":\"projects/p1/phoneNumberInstances/a\",\"updateMask\":\"labels\","
	         "\"phoneNumberInstance\":{\"labels\":%s}}",
	         duplicated);
	ck_assert_int_eq(numbering_store_call_json(&response, fx.store, NULL, "UpdatePhoneNumberInstance", request),
	                 NUMBERING_INVALID_ARGUMENT);
	ck_assert_msg(strstr(response, "after NFC normalization, a key this object already has") != NULL, "%s", response);
	numbering_free(response);
	/* The C API: the two spellings set one label, the last value wins as for one spelling. */
	numbering_instance *r = NULL, *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&r), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_label(r, "caf" E_COMPOSED, "1"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_label(r, "caf" E_DECOMPOSED, "2"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_label(r, "na" E_DECOMPOSED "ve", "3"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_update(&out, fx.store, NULL, "projects/p1/phoneNumberInstances/a", r, "labels"),
	                 NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_label_count(out), 2);
	ck_assert_str_eq(numbering_instance_label_key(out, 0), "caf" E_COMPOSED);
	ck_assert_str_eq(numbering_instance_label_value(out, 0), "2");
	ck_assert_str_eq(numbering_instance_label_key(out, 1), "na" E_COMPOSED "ve");
	numbering_instance_free(out);
	ck_assert_int_eq(numbering_instance_set_phone_number(r, "+61255501101"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_create(&out, fx.store, NULL, P1, r, "b", NULL, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_label_count(out), 2);
	ck_assert_str_eq(numbering_instance_label(out, "na" E_DECOMPOSED "ve"), "3");
	numbering_instance_free(out);
	numbering_instance_free(r);
	/* Through JSON, the stored key answers as it is kept. */
	ck_assert_int_eq(numbering_store_call_json(&response, fx.store, NULL, "GetPhoneNumberInstance",
	                                           "{\"name\":\"projects/p1/phoneNumberInstances/b\"}"),
	                 NUMBERING_OK);
	ck_assert_msg(strstr(response, "\"caf" E_COMPOSED "\":\"2\"") != NULL, "%s", response);
	numbering_free(response);
}
END_TEST

/* ---- Request records written before responses were kept (issue 17, item 11) ---- */

static int legacy_deny_get;
static int legacy_authorizer(const char *caller, const char *permission, const char *project, void *payload)
{
	(void)caller;
	(void)project;
	(void)payload;
	return !(legacy_deny_get && strcmp(permission, "numbering.phoneNumberInstances.get") == 0);
}

/* A retry answered from an older record, which holds only the instance's name, can
 * only show the instance as it is now: to a caller with get, never to one without. */
START_TEST(older_request_records_answer_only_who_may_get)
{
	numbering_backend *backend = NULL;
	ck_assert_int_eq(numbering_memory_backend_new(&backend), NUMBERING_OK);
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.backend = backend;
	options.authorizer = legacy_authorizer;
	numbering_store *store = NULL;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	legacy_deny_get = 0;
	numbering_instance *r = request_for("+61255501100"), *out = NULL;
	ck_assert_int_eq(numbering_store_create(&out, store, NULL, P1, r, "old", "req-old", NULL), NUMBERING_OK);
	numbering_instance_free(out);
	/* The record as an older version wrote it: the digest, then the name. */
	const char *key = "projects/p1/requests/req-old";
	unsigned char value[4096];
	int64_t made = 0;
	size_t len = get_raw(backend, KIND_REQUEST, key, value, sizeof(value), &made);
	ck_assert_uint_gt(len, 34);
	ck_assert_uint_eq(value[32], 0); /* this version keeps the response */
	const char *name = "projects/p1/phoneNumberInstances/old";
	memcpy(value + 32, name, strlen(name));
	ck_assert_int_eq(backend->begin(backend), NUMBERING_OK);
	put_raw(backend, KIND_REQUEST, key, "projects/p1", made, value, 32 + strlen(name));
	ck_assert_int_eq(backend->commit(backend), NUMBERING_OK);
	numbering_instance *change = NULL;
	ck_assert_int_eq(numbering_instance_new(&change), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_display_name(change, "Later"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_update(&out, store, NULL, name, change, "displayName"), NUMBERING_OK);
	numbering_instance_free(out);
	numbering_instance_free(change);
	/* Without get: refused, nothing handed out, the name not told. */
	legacy_deny_get = 1;
	out = NULL;
	fixture_expect_error(numbering_store_create(&out, store, NULL, P1, r, "old", "req-old", NULL),
	                     NUMBERING_PERMISSION_DENIED, "did not keep");
	ck_assert_ptr_null(out);
	ck_assert_msg(strstr(numbering_error_message(), name) == NULL, "%s", numbering_error_message());
	/* With get: the instance as it is now, as before. */
	legacy_deny_get = 0;
	ck_assert_int_eq(numbering_store_create(&out, store, NULL, P1, r, "old", "req-old", NULL), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_name(out), name);
	ck_assert_str_eq(numbering_instance_display_name(out), "Later");
	numbering_instance_free(out);
	/* Moved away: the name it holds is gone. */
	ck_assert_int_eq(numbering_store_move(&out, store, NULL, name, P2, NULL), NUMBERING_OK);
	numbering_instance_free(out);
	out = NULL;
	fixture_expect_error(numbering_store_create(&out, store, NULL, P1, r, "old", "req-old", NULL), NUMBERING_NOT_FOUND,
	                     "no longer exists");
	ck_assert_ptr_null(out);
	legacy_deny_get = 1;
	fixture_expect_error(numbering_store_create(&out, store, NULL, P1, r, "old", "req-old", NULL),
	                     NUMBERING_PERMISSION_DENIED, "did not keep");
	ck_assert_ptr_null(out);
	/* A damaged record is DATA_LOSS, not a guess. */
	legacy_deny_get = 0;
	value[32] = 0;
	value[33] = 7;
	ck_assert_int_eq(backend->begin(backend), NUMBERING_OK);
	put_raw(backend, KIND_REQUEST, key, "projects/p1", made, value, 40);
	ck_assert_int_eq(backend->commit(backend), NUMBERING_OK);
	fixture_expect_error(numbering_store_create(&out, store, NULL, P1, r, "old", "req-old", NULL), NUMBERING_DATA_LOSS,
	                     "the record of request id req-old is damaged");
	ck_assert_ptr_null(out);
	numbering_instance_free(r);
	numbering_store_close(store);
}
END_TEST

/* The retry answers with the first response, including its compliance as it was. */
START_TEST(retried_create_answers_with_the_first_response)
{
	numbering_instance *r = request_for("+61255501100-09"), *first = NULL, *out = NULL;
	ck_assert_int_eq(numbering_instance_set_label(r, "k", "v"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_create(&first, fx.store, NULL, P1, r, "n", "req-first", NULL), NUMBERING_OK);
	const char *name = "projects/p1/phoneNumberInstances/n";
	numbering_instance *change = NULL;
	ck_assert_int_eq(numbering_instance_new(&change), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_display_name(change, "Secret"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_add_call_handler(change, "sip:boss@example.com"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_update(&out, fx.store, NULL, name, change, "displayName,incomingCallHandlerUris"),
	                 NUMBERING_OK);
	numbering_instance_free(out);
	numbering_instance_free(change);
	numbering_instance *a = NULL, *b = NULL;
	ck_assert_int_eq(numbering_store_split_range(&a, &b, fx.store, NULL, name, 4), NUMBERING_OK);
	numbering_instance_free(a);
	numbering_instance_free(b);
	ck_assert_int_eq(numbering_store_delete(&out, fx.store, NULL, name), NUMBERING_OK);
	numbering_instance_free(out);
	int events = fx.events;
	ck_assert_int_eq(numbering_store_create(&out, fx.store, NULL, P1, r, "n", "req-first", NULL), NUMBERING_OK);
	ck_assert_int_eq(fx.events, events);
	uint8_t *want = NULL, *got = NULL;
	size_t want_len = 0, got_len = 0;
	ck_assert_int_eq(numbering_instance_encode(&want, &want_len, first), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_encode(&got, &got_len, out), NUMBERING_OK);
	ck_assert_uint_eq(got_len, want_len);
	ck_assert(memcmp(got, want, want_len) == 0);
	ck_assert_int_eq(numbering_instance_range_size(out), 10);
	ck_assert_str_eq(numbering_instance_display_name(out), "");
	ck_assert_int_eq(numbering_instance_compliant(out), numbering_instance_compliant(first));
	numbering_free(want);
	numbering_free(got);
	numbering_instance_free(out);
	numbering_instance_free(first);
	numbering_instance_free(r);
}
END_TEST

/* Get by name finds first and validates only a name it does not find (service/lifecycle.c):
 * every answer is the checked path's, on the memory and the file backend, with and
 * without an authorizer; a found instance reads back whole, past the room an instance
 * reserves for its strings. */
static void get_answers_as_checked_on(numbering_store *store, const char *caller)
{
	char display[81];
	memset(display, 'd', sizeof(display) - 1);
	display[sizeof(display) - 1] = '\0';
	numbering_instance *r = request_for("+61255501100-99"), *out = NULL;
	ck_assert_int_eq(numbering_instance_set_display_name(r, display), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_label(r, "env", "production"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_add_call_handler(r, "sip:reception@pbx.example.com"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_create(&out, store, caller, P1, r, "r", NULL, NULL), NUMBERING_OK);
	numbering_instance_free(out);
	numbering_instance_free(r);
	r = request_for("+61255502000");
	ck_assert_int_eq(numbering_store_create(&out, store, caller, P2, r, "s", NULL, NULL), NUMBERING_OK);
	numbering_instance_free(out);
	numbering_instance_free(r);

	ck_assert_int_eq(numbering_store_get(&out, store, caller, "projects/p1/phoneNumberInstances/r"), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_name(out), "projects/p1/phoneNumberInstances/r");
	ck_assert_str_eq(numbering_instance_phone_number(out), "+61255501100");
	ck_assert_str_eq(numbering_instance_range_end(out), "+61255501199");
	ck_assert_int_eq(numbering_instance_range_size(out), 100);
	ck_assert_str_eq(numbering_instance_display_name(out), display);
	ck_assert_str_eq(numbering_instance_country_code(out), "AU");
	ck_assert_int_eq(numbering_instance_label_count(out), 1);
	ck_assert_str_eq(numbering_instance_label_value(out, 0), "production");
	ck_assert_int_eq(numbering_instance_call_handler_count(out), 1);
	ck_assert_str_eq(numbering_instance_call_handler(out, 0), "sip:reception@pbx.example.com");
	numbering_instance_free(out);
	ck_assert_int_eq(numbering_store_get(&out, store, caller, "projects/p2/phoneNumberInstances/s"), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_phone_number(out), "+61255502000");
	ck_assert_str_eq(numbering_instance_range_end(out), "");
	ck_assert_str_eq(numbering_instance_display_name(out), "");
	numbering_instance_free(out);

	/* Names that are not instance names: INVALID_ARGUMENT naming the field, whether or
	 * not a stored name starts or ends like them. */
	char long_name[300];
	snprintf(long_name, sizeof(long_name), "projects/p1/phoneNumberInstances/r%0250d", 0);
	const char *invalid[] = {"",
	                         "projects/p1/phoneNumberInstances/",
	                         "projects/p1/phoneNumberInstances/R",
	                         "projects/p1/phoneNumberInstances/r/",
	                         "projects/p1/phoneNumberInstances/r-",
	                         "projects//phoneNumberInstances/r",
	                         "projects/P1/phoneNumberInstances/r",
	                         "projects/p1/phoneNumberInstance/r",
	                         "project/p1/phoneNumberInstances/r",
	                         "projects/p1/availableNumbers/+61255501100",
	                         long_name};
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		out = (numbering_instance *)1;
		int rc = numbering_store_get(&out, store, caller, invalid[i]);
		ck_assert_msg(rc == NUMBERING_INVALID_ARGUMENT, "get %s gave %s", invalid[i], numbering_status_name(rc));
		ck_assert_ptr_null(out);
		ck_assert_int_eq(numbering_error_violation_count(), 1);
		ck_assert_str_eq(numbering_error_violation_field(0), "name");
	}
	ck_assert_int_eq(numbering_store_get(&out, store, caller, NULL), NUMBERING_INVALID_ARGUMENT);
	ck_assert_ptr_null(out);
	ck_assert_str_eq(numbering_error_violation_field(0), "name");

	/* Valid names of nothing: NOT_FOUND naming it, however near a stored name. */
	const char *missing[] = {"projects/p1/phoneNumberInstances/rr", "projects/p1/phoneNumberInstances/s",
	                         "projects/p2/phoneNumberInstances/r", "projects/p11/phoneNumberInstances/r"};
	for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
		int rc = numbering_store_get(&out, store, caller, missing[i]);
		ck_assert_msg(rc == NUMBERING_NOT_FOUND, "get %s gave %s", missing[i], numbering_status_name(rc));
		ck_assert_ptr_null(out);
		ck_assert_ptr_nonnull(strstr(numbering_error_message(), missing[i]));
	}
}

START_TEST(get_answers_as_the_checked_path)
{
	/* fx: the memory backend and an authorizer, which is asked with the found name's
	 * project: refused on p2 only, a get there is refused and one on p1 is not. */
	get_answers_as_checked_on(fx.store, "user:a");
	fx.deny_permission = "numbering.phoneNumberInstances.get";
	fx.deny_project = P2;
	numbering_instance *out = NULL;
	int calls = fx.calls;
	ck_assert_int_eq(numbering_store_get(&out, fx.store, "user:a", "projects/p2/phoneNumberInstances/s"),
	                 NUMBERING_PERMISSION_DENIED);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(fx.calls, calls + 1);
	ck_assert_int_eq(numbering_store_get(&out, fx.store, "user:a", "projects/p1/phoneNumberInstances/r"), NUMBERING_OK);
	ck_assert_int_eq(fx.calls, calls + 2);
	numbering_instance_free(out);
	fx.deny_permission = NULL;
	fx.deny_project = NULL;

	/* No authorizer: the memory backend, then the file backend. */
	int64_t now = FIXTURE_EPOCH;
	numbering_store *store = fixture_open_on(NULL, &now);
	get_answers_as_checked_on(store, NULL);
	numbering_store_close(store);
	char path[TEMP_PATH_MAX];
	fixture_temp_store_path(path, sizeof(path), "get");
	store = fixture_open_file(path);
	get_answers_as_checked_on(store, NULL);
	fixture_close_store(&store, path);
}
END_TEST

/* Asserts that @in reads as numbering_instance_new() makes one: every field empty. */
static void assert_empty(const numbering_instance *in)
{
	numbering_instance *fresh = NULL;
	ck_assert_int_eq(numbering_instance_new(&fresh), NUMBERING_OK);
	instance_assert_same(in, fresh);
	ck_assert_int_eq(numbering_instance_compliant(in), 0);
	numbering_instance_free(fresh);
}

/* numbering_store_get_into() on @store (authorizer refusing get on P2 when @refusing):
 * one caller's instance reused across gets holds exactly what numbering_store_get()
 * gives for each, nothing of the one before (more handlers, labels, a display name, a
 * range), and after each failure it is empty. */
static void get_into_on(numbering_store *store, const char *caller, int refusing)
{
	numbering_instance *r = request_for("+61255501100-99"), *out = NULL;
	ck_assert_int_eq(numbering_instance_set_display_name(r, "Sydney office, every line of the building"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_label(r, "env", "production"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_label(r, "site", "sydney"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_add_message_handler(r, "https://sms.example.com/in"), NUMBERING_OK);
	const char *handlers[] = {"sip:reception@pbx.example.com", "sip:overflow@pbx.example.com",
	                          "tel:+61255509999"};
	for (size_t i = 0; i < 3; i++)
		ck_assert_int_eq(numbering_instance_add_call_handler(r, handlers[i]), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_create(&out, store, NULL, P1, r, "big", NULL, NULL), NUMBERING_OK);
	numbering_instance_free(out);
	numbering_instance_free(r);
	r = request_for("+61255502000");
	ck_assert_int_eq(numbering_instance_add_call_handler(r, "sip:desk@pbx.example.com"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_create(&out, store, NULL, P1, r, "small", NULL, NULL), NUMBERING_OK);
	numbering_instance_free(out);
	numbering_instance_free(r);
	r = request_for("+61255503000");
	ck_assert_int_eq(numbering_store_create(&out, store, NULL, P2, r, "other", NULL, NULL), NUMBERING_OK);
	numbering_instance_free(out);
	numbering_instance_free(r);

	numbering_instance *reused = NULL;
	ck_assert_int_eq(numbering_instance_new(&reused), NUMBERING_OK);
	/* Big, small, big, small: each read equals a fresh get of the same name. */
	const char *names[] = {"projects/p1/phoneNumberInstances/big", "projects/p1/phoneNumberInstances/small"};
	for (int i = 0; i < 4; i++) {
		const char *name = names[i % 2];
		ck_assert_int_eq(numbering_store_get_into(reused, store, caller, name), NUMBERING_OK);
		ck_assert_int_eq(numbering_store_get(&out, store, caller, name), NUMBERING_OK);
		instance_assert_same(reused, out);
		ck_assert_int_eq(numbering_instance_compliant(reused), numbering_instance_compliant(out));
		numbering_instance_free(out);
	}
	/* The last read was the small one: nothing of the big one's is left. */
	ck_assert_str_eq(numbering_instance_name(reused), "projects/p1/phoneNumberInstances/small");
	ck_assert_str_eq(numbering_instance_phone_number(reused), "+61255502000");
	ck_assert_str_eq(numbering_instance_range_end(reused), "");
	ck_assert_int_eq(numbering_instance_range_size(reused), 1);
	ck_assert_str_eq(numbering_instance_display_name(reused), "");
	ck_assert_int_eq(numbering_instance_label_count(reused), 0);
	ck_assert_int_eq(numbering_instance_message_handler_count(reused), 0);
	ck_assert_int_eq(numbering_instance_call_handler_count(reused), 1);
	ck_assert_str_eq(numbering_instance_call_handler(reused, 0), "sip:desk@pbx.example.com");

	/* Failures empty it, whatever it held: a bad name (naming the field), NULL, a name
	 * of nothing (naming it), a refused caller (nothing of the refused instance). */
	const char *invalid[] = {"", "projects/p1/phoneNumberInstances/", "projects/P1/phoneNumberInstances/big",
	                         "projects/p1/availableNumbers/+61255501100", NULL};
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		ck_assert_int_eq(numbering_store_get_into(reused, store, caller, names[0]), NUMBERING_OK);
		ck_assert_int_eq(numbering_store_get_into(reused, store, caller, invalid[i]), NUMBERING_INVALID_ARGUMENT);
		ck_assert_int_eq(numbering_error_violation_count(), 1);
		ck_assert_str_eq(numbering_error_violation_field(0), "name");
		assert_empty(reused);
	}
	const char *missing = "projects/p1/phoneNumberInstances/bigger";
	ck_assert_int_eq(numbering_store_get_into(reused, store, caller, names[0]), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_get_into(reused, store, caller, missing), NUMBERING_NOT_FOUND);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), missing));
	assert_empty(reused);
	ck_assert_int_eq(numbering_store_get_into(reused, store, caller, names[0]), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_get_into(reused, store, caller, "projects/p2/phoneNumberInstances/other"),
	                 refusing ? NUMBERING_PERMISSION_DENIED : NUMBERING_OK);
	if (refusing)
		assert_empty(reused);
	else
		ck_assert_str_eq(numbering_instance_phone_number(reused), "+61255503000");
	/* And it reads again after a failure. */
	ck_assert_int_eq(numbering_store_get_into(reused, store, caller, names[1]), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_phone_number(reused), "+61255502000");

	/* NULL arguments: INVALID_ARGUMENT naming them; a NULL store empties the instance. */
	ck_assert_int_eq(numbering_store_get_into(NULL, store, caller, names[0]), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "out");
	ck_assert_int_eq(numbering_store_get_into(reused, NULL, caller, names[0]), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "store");
	assert_empty(reused);
	numbering_instance_free(reused);
}

START_TEST(get_into_reuses_the_callers_instance)
{
	/* fx: the memory backend and an authorizer refusing get on p2. */
	fx.deny_permission = "numbering.phoneNumberInstances.get";
	fx.deny_project = P2;
	get_into_on(fx.store, "user:a", 1);
	fx.deny_permission = NULL;
	fx.deny_project = NULL;

	/* The file backend; then a host's backend (the memory store without its control(),
	 * so it cannot say it is the library's own), which takes the checked path. */
	char path[TEMP_PATH_MAX];
	fixture_temp_store_path(path, sizeof(path), "get-into");
	numbering_store *store = fixture_open_file(path);
	get_into_on(store, NULL, 0);
	fixture_close_store(&store, path);
	numbering_backend *b = NULL;
	ck_assert_int_eq(numbering_memory_backend_new(&b), NUMBERING_OK);
	b->control = NULL;
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.backend = b;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	get_into_on(store, NULL, 0);
	numbering_store_close(store);
}
END_TEST

/* A refresh: numbering_store_get_into() given the name its own instance holds
 * (numbering_instance_name(out)), whose buffer the read rewrites and a failure
 * empties: the instance is read again, and a damaged record is DATA_LOSS naming the
 * record, not a bad name "" (the name read after the failed read emptied it). Then a
 * damaged record read into an instance holding another is DATA_LOSS with nothing of
 * either left in it. */
START_TEST(get_into_refreshes_by_its_own_name)
{
	numbering_backend *backend = NULL;
	ck_assert_int_eq(numbering_memory_backend_new(&backend), NUMBERING_OK);
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.backend = backend;
	numbering_store *store = NULL;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	const char *names[] = {"projects/p1/phoneNumberInstances/desk", "projects/p1/phoneNumberInstances/hall"};
	const char *numbers[] = {"+61255501100", "+61255501200"};
	numbering_instance *out = NULL;
	for (int i = 0; i < 2; i++) {
		numbering_instance *r = request_for(numbers[i]);
		ck_assert_int_eq(numbering_instance_set_display_name(r, "Reception"), NUMBERING_OK);
		ck_assert_int_eq(numbering_store_create(&out, store, NULL, P1, r, strrchr(names[i], '/') + 1, NULL, NULL),
		                 NUMBERING_OK);
		numbering_instance_free(out);
		numbering_instance_free(r);
	}
	numbering_instance *reused = NULL;
	ck_assert_int_eq(numbering_instance_new(&reused), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_get_into(reused, store, NULL, names[0]), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_get_into(reused, store, NULL, numbering_instance_name(reused)), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_get(&out, store, NULL, names[0]), NUMBERING_OK);
	instance_assert_same(reused, out);
	numbering_instance_free(out);

	/* Both records damaged as a host could write them: their body under flags 0. */
	const int kind_instance = 3; /* lib/model/kinds.h */
	ck_assert_int_eq(backend->begin(backend), NUMBERING_OK);
	for (int i = 0; i < 2; i++) {
		unsigned char body[4096];
		int64_t made = 0;
		size_t len = get_raw(backend, kind_instance, names[i], body, sizeof(body), &made);
		put_raw(backend, kind_instance, names[i], "projects/p1", made, body, len);
	}
	ck_assert_int_eq(backend->commit(backend), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_get_into(reused, store, NULL, numbering_instance_name(reused)),
	                 NUMBERING_DATA_LOSS);
	ck_assert_msg(strstr(numbering_error_message(), names[0]) != NULL, "%s", numbering_error_message());
	assert_empty(reused);

	/* Holding another instance (a fresh store's), a damaged record's read leaves none. */
	numbering_instance *r = request_for("+61255501300");
	ck_assert_int_eq(numbering_store_create(&out, fx.store, NULL, P1, r, "other", NULL, NULL), NUMBERING_OK);
	numbering_instance_free(out);
	numbering_instance_free(r);
	ck_assert_int_eq(numbering_store_get_into(reused, fx.store, NULL, "projects/p1/phoneNumberInstances/other"),
	                 NUMBERING_OK);
	ck_assert_int_eq(numbering_store_get_into(reused, store, NULL, names[1]), NUMBERING_DATA_LOSS);
	ck_assert_msg(strstr(numbering_error_message(), names[1]) != NULL, "%s", numbering_error_message());
	assert_empty(reused);
	numbering_instance_free(reused);
	numbering_store_close(store);
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
	tcase_add_test(tc, instance_ids_follow_aip_122);
	tcase_add_test(tc, generated_ids_differ_after_fork);
	tcase_add_test(tc, overlap_names_the_holder);
	tcase_add_test(tc, every_transition_allowed_and_refused);
	tcase_add_test(tc, deleted_range_refuses_every_mutation);
	tcase_add_test(tc, create_time_with_still_and_backward_clocks);
	tcase_add_test(tc, update_touches_only_masked_writable_fields);
	tcase_add_test(tc, update_mask_rejects_output_only_and_create_only_paths);
	tcase_add_test(tc, split_keeps_first_numbers_and_state);
	tcase_add_test(tc, move_range_keeps_id);
	tcase_add_test(tc, permission_denied_whether_or_not_it_exists);
	tcase_add_test(tc, compliance_follows_number_type_and_listing);
	tcase_add_loop_test(tc, operations_are_atomic, 0, 7);
	tcase_add_test(tc, idempotent_create_compares_meaning);
	tcase_add_test(tc, clock_outside_the_time_range_is_refused);
	tcase_add_test(tc, times_at_the_top_are_refused_not_wrapped);
	tcase_add_test(tc, stored_last_time_outside_the_range_is_data_loss);
	tcase_add_test(tc, request_times_outside_the_range_are_refused);
	tcase_add_test(tc, label_keys_equal_after_nfc_are_one_key);
	tcase_add_test(tc, older_request_records_answer_only_who_may_get);
	tcase_add_test(tc, retried_create_answers_with_the_first_response);
	tcase_add_test(tc, get_answers_as_the_checked_path);
	tcase_add_test(tc, get_into_reuses_the_callers_instance);
	tcase_add_test(tc, get_into_refreshes_by_its_own_name);
	suite_add_tcase(s, tc);
	return s;
}
