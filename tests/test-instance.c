/* The instance value (numbering/instance.h): allocation, copies, getters, and the
 * request setters with their limits, field names and "nothing changes on failure". */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <numbering/numbering.h>

#include "checks.h"
#include "model/instance.h"
#include "suites.h"

static numbering_instance *in;

static void setup(void)
{
	ck_assert_int_eq(numbering_instance_new(&in), NUMBERING_OK);
}

static void teardown(void)
{
	numbering_instance_free(in);
	in = NULL;
}

START_TEST(new_and_free)
{
	ck_assert_int_eq(numbering_instance_new(NULL), NUMBERING_INVALID_ARGUMENT);
	numbering_instance_free(NULL);
	numbering_instance *copy = (numbering_instance *)1;
	ck_assert_int_eq(numbering_instance_copy(&copy, NULL), NUMBERING_INVALID_ARGUMENT);
	ck_assert_ptr_null(copy);
	ck_assert_int_eq(numbering_instance_copy(NULL, in), NUMBERING_INVALID_ARGUMENT);
}
END_TEST

START_TEST(empty_getters)
{
	const numbering_instance *sources[] = {in, NULL};
	for (int k = 0; k < 2; k++) {
		const numbering_instance *x = sources[k];
		ck_assert_str_eq(numbering_instance_name(x), "");
		ck_assert_str_eq(numbering_instance_phone_number(x), "");
		ck_assert_str_eq(numbering_instance_sku(x), "");
		ck_assert_str_eq(numbering_instance_activation_sku(x), "");
		ck_assert_str_eq(numbering_instance_country_code(x), "");
		ck_assert_str_eq(numbering_instance_display_name(x), "");
		ck_assert_str_eq(numbering_instance_regulatory_listing(x), "");
		ck_assert_str_eq(numbering_instance_range_primary(x), "");
		ck_assert_str_eq(numbering_instance_range_start(x), "");
		ck_assert_str_eq(numbering_instance_range_end(x), "");
		ck_assert_int_eq(numbering_instance_capabilities(x), 0);
		ck_assert_int_eq(numbering_instance_number_type(x), 0);
		ck_assert_int_eq(numbering_instance_label_count(x), 0);
		ck_assert_ptr_null(numbering_instance_label_key(x, 0));
		ck_assert_ptr_null(numbering_instance_label_value(x, 0));
		ck_assert_ptr_null(numbering_instance_label(x, "k"));
		ck_assert_int_eq(numbering_instance_message_handler_count(x), 0);
		ck_assert_ptr_null(numbering_instance_message_handler(x, 0));
		ck_assert_int_eq(numbering_instance_call_handler_count(x), 0);
		ck_assert_ptr_null(numbering_instance_call_handler(x, 0));
		ck_assert_int_eq(numbering_instance_create_time(x), 0);
		ck_assert_int_eq(numbering_instance_delete_time(x), 0);
		ck_assert_int_eq(numbering_instance_activate_time(x), 0);
		ck_assert_int_eq(numbering_instance_lifecycle_state(x), 0);
		ck_assert_int_eq(numbering_instance_is_range(x), 0);
		ck_assert_int_eq(numbering_instance_range_size(x), 0);
		ck_assert_int_eq(numbering_instance_compliant(x), 0);
	}
	/* Never set, the trigger reads as the seed's default. */
	ck_assert_int_eq(numbering_instance_call_recording_trigger(in), NUMBERING_RECORDING_DISABLED);
	ck_assert_int_eq(numbering_instance_call_recording_trigger(NULL), 0);
}
END_TEST

START_TEST(setters_reject_null_instance)
{
	check_error(numbering_instance_set_phone_number(NULL, "+61255501100"), NUMBERING_INVALID_ARGUMENT, NULL, NULL);
	check_error(numbering_instance_set_range_size(NULL, 1), NUMBERING_INVALID_ARGUMENT, NULL, NULL);
	check_error(numbering_instance_set_range_end(NULL, "x"), NUMBERING_INVALID_ARGUMENT, NULL, NULL);
	check_error(numbering_instance_set_capabilities(NULL, 1), NUMBERING_INVALID_ARGUMENT, NULL, NULL);
	check_error(numbering_instance_set_number_type(NULL, 1), NUMBERING_INVALID_ARGUMENT, NULL, NULL);
	check_error(numbering_instance_set_display_name(NULL, "x"), NUMBERING_INVALID_ARGUMENT, NULL, NULL);
	check_error(numbering_instance_set_label(NULL, "k", "v"), NUMBERING_INVALID_ARGUMENT, NULL, NULL);
	check_error(numbering_instance_remove_label(NULL, "k"), NUMBERING_INVALID_ARGUMENT, NULL, NULL);
	check_error(numbering_instance_clear_labels(NULL), NUMBERING_INVALID_ARGUMENT, NULL, NULL);
	check_error(numbering_instance_add_message_handler(NULL, "https://e.com"), NUMBERING_INVALID_ARGUMENT, NULL,
	             NULL);
	check_error(numbering_instance_clear_message_handlers(NULL), NUMBERING_INVALID_ARGUMENT, NULL, NULL);
	check_error(numbering_instance_add_call_handler(NULL, "sip:a@b.com"), NUMBERING_INVALID_ARGUMENT, NULL, NULL);
	check_error(numbering_instance_clear_call_handlers(NULL), NUMBERING_INVALID_ARGUMENT, NULL, NULL);
	check_error(numbering_instance_set_call_recording_trigger(NULL, 1), NUMBERING_INVALID_ARGUMENT, NULL, NULL);
	check_error(numbering_instance_set_lifecycle_state(NULL, 1), NUMBERING_INVALID_ARGUMENT, NULL, NULL);
	check_error(numbering_instance_set_regulatory_listing(NULL, NULL), NUMBERING_INVALID_ARGUMENT, NULL, NULL);
}
END_TEST

/* A value of no lifecycle state is quoted as itself, not named as another state. */
START_TEST(lifecycle_state_out_of_range_names_the_value)
{
	static const int bad[] = {-1, 5, 99, INT_MAX, INT_MIN};
	int before = numbering_instance_lifecycle_state(in);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char needle[64];
		snprintf(needle, sizeof(needle), "lifecycle state %d is not a LifecycleState value (0 to 4)", bad[i]);
		check_error(numbering_instance_set_lifecycle_state(in, bad[i]), NUMBERING_INVALID_ARGUMENT, "lifecycle_state",
		            needle);
		ck_assert_ptr_null(strstr(numbering_error_message(), "UNSPECIFIED"));
	}
	check_error(numbering_instance_set_lifecycle_state(in, NUMBERING_LIFECYCLE_SUSPENDED), NUMBERING_INVALID_ARGUMENT,
	            "lifecycle_state", "not SUSPENDED (3)");
	ck_assert_int_eq(numbering_instance_lifecycle_state(in), before);
}
END_TEST

START_TEST(phone_number_text)
{
	ck_assert_int_eq(numbering_instance_set_phone_number(in, "02 5550 1100"), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_phone_number(in), "02 5550 1100");
	ck_assert_uint_eq(in->set, NUMBERING__SET_PHONE_NUMBER);
	ck_assert_int_eq(numbering_instance_set_phone_number(in, "+61255501100-99"), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_phone_number(in), "+61255501100-99");
	char *s64 = repeat_text("1", 64), *s65 = repeat_text("1", 65);
	ck_assert_int_eq(numbering_instance_set_phone_number(in, s64), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_phone_number(in, "+61255501100"), NUMBERING_OK);
	in->set = 0;
	check_error(numbering_instance_set_phone_number(in, s65), NUMBERING_INVALID_ARGUMENT,
	             "phone_number.phone_number", "65 bytes");
	check_error(numbering_instance_set_phone_number(in, ""), NUMBERING_INVALID_ARGUMENT,
	             "phone_number.phone_number", "required");
	check_error(numbering_instance_set_phone_number(in, NULL), NUMBERING_INVALID_ARGUMENT,
	             "phone_number.phone_number", NULL);
	ck_assert_str_eq(numbering_instance_phone_number(in), "+61255501100");
	ck_assert_uint_eq(in->set, 0);
	free(s64);
	free(s65);
}
END_TEST

START_TEST(range_request)
{
	ck_assert_int_eq(numbering_instance_set_range_size(in, 100), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_range_size(in), 100);
	ck_assert_uint_eq(in->set, NUMBERING__SET_RANGE_SIZE);
	check_error(numbering_instance_set_range_size(in, -1), NUMBERING_INVALID_ARGUMENT, "range.size", "-1");
	ck_assert_int_eq(numbering_instance_range_size(in), 100);
	ck_assert_int_eq(numbering_instance_set_range_size(in, 0), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_range_size(in), 0);

	in->set = 0;
	ck_assert_int_eq(numbering_instance_set_range_end(in, "+61255501199"), NUMBERING_OK);
	ck_assert_str_eq(in->range_end.ptr, "+61255501199");
	ck_assert_uint_eq(in->set, NUMBERING__SET_RANGE_END);
	/* A request is not a range yet: the range getters say nothing. */
	ck_assert_str_eq(numbering_instance_range_end(in), "");
	char *s65 = repeat_text("9", 65);
	check_error(numbering_instance_set_range_end(in, s65), NUMBERING_INVALID_ARGUMENT, "range.end_phone_number",
	             NULL);
	free(s65);
	ck_assert_str_eq(in->range_end.ptr, "+61255501199");
	ck_assert_int_eq(numbering_instance_set_range_end(in, NULL), NUMBERING_OK);
	ck_assert_str_eq(numbering__str_get(&in->range_end), "");
	ck_assert_int_eq(numbering_instance_set_range_end(in, ""), NUMBERING_OK);
	ck_assert_str_eq(numbering__str_get(&in->range_end), "");
}
END_TEST

/* What the service fills in for a stored range, and the getters that expose it. */
START_TEST(range_getters)
{
	numbering__str_set(&in->name, "projects/p1/phoneNumberInstances/block", 38);
	numbering__str_set(&in->phone_number, "+61255501100", 12);
	numbering__str_set(&in->range_end, "+61255501199", 12);
	in->range_size = 100;
	ck_assert_str_eq(numbering_instance_range_primary(in), "");
	ck_assert_str_eq(numbering_instance_range_start(in), "");
	ck_assert_str_eq(numbering_instance_range_end(in), "");
	in->is_range = 1;
	ck_assert_int_eq(numbering_instance_is_range(in), 1);
	ck_assert_str_eq(numbering_instance_range_primary(in), "projects/p1/phoneNumberInstances/block");
	ck_assert_str_eq(numbering_instance_range_start(in), "+61255501100");
	ck_assert_str_eq(numbering_instance_range_end(in), "+61255501199");
	ck_assert_int_eq(numbering_instance_range_size(in), 100);
	in->compliant = 1;
	ck_assert_int_eq(numbering_instance_compliant(in), 1);
}
END_TEST

START_TEST(enums)
{
	ck_assert_int_eq(numbering_instance_set_capabilities(in, NUMBERING_CAPABILITY_SMS | NUMBERING_CAPABILITY_VOICE),
	                 NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_capabilities(in), 5);
	ck_assert_int_eq(numbering_instance_set_capabilities(in, 7), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_capabilities(in, 0), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_capabilities(in, 3), NUMBERING_OK);
	ck_assert_uint_eq(in->set, NUMBERING__SET_CAPABILITIES);
	check_error(numbering_instance_set_capabilities(in, 8), NUMBERING_INVALID_ARGUMENT, "phone_number.capabilities",
	             "0x8");
	check_error(numbering_instance_set_capabilities(in, -1), NUMBERING_INVALID_ARGUMENT, "phone_number.capabilities",
	             NULL);
	ck_assert_int_eq(numbering_instance_capabilities(in), 3);

	for (int t = 0; t <= 5; t++) {
		ck_assert_int_eq(numbering_instance_set_number_type(in, t), NUMBERING_OK);
		ck_assert_int_eq(numbering_instance_number_type(in), t);
	}
	check_error(numbering_instance_set_number_type(in, 6), NUMBERING_INVALID_ARGUMENT, "phone_number.number_type",
	             "6");
	check_error(numbering_instance_set_number_type(in, -1), NUMBERING_INVALID_ARGUMENT, "phone_number.number_type",
	             NULL);
	ck_assert_int_eq(numbering_instance_number_type(in), 5);
	ck_assert(in->set & NUMBERING__SET_NUMBER_TYPE);

	for (int t = 0; t <= 3; t++) {
		ck_assert_int_eq(numbering_instance_set_call_recording_trigger(in, t), NUMBERING_OK);
		ck_assert_int_eq(numbering_instance_call_recording_trigger(in), t == 0 ? NUMBERING_RECORDING_DISABLED : t);
	}
	check_error(numbering_instance_set_call_recording_trigger(in, 4), NUMBERING_INVALID_ARGUMENT,
	             "call_recording_trigger", NULL);
	check_error(numbering_instance_set_call_recording_trigger(in, -1), NUMBERING_INVALID_ARGUMENT,
	             "call_recording_trigger", NULL);
	ck_assert_int_eq(numbering_instance_call_recording_trigger(in), NUMBERING_RECORDING_BRIDGE);
	ck_assert(in->set & NUMBERING__SET_RECORDING_TRIGGER);

	ck_assert_int_eq(numbering_instance_set_lifecycle_state(in, NUMBERING_LIFECYCLE_PENDING), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_lifecycle_state(in), NUMBERING_LIFECYCLE_PENDING);
	ck_assert_int_eq(numbering_instance_set_lifecycle_state(in, NUMBERING_LIFECYCLE_ACTIVE), NUMBERING_OK);
	ck_assert(in->set & NUMBERING__SET_LIFECYCLE_STATE);
	int bad_states[] = {NUMBERING_LIFECYCLE_STATE_UNSPECIFIED, NUMBERING_LIFECYCLE_DELETED,
	                    NUMBERING_LIFECYCLE_SUSPENDED, 5, -1};
	for (size_t i = 0; i < sizeof(bad_states) / sizeof(bad_states[0]); i++)
		check_error(numbering_instance_set_lifecycle_state(in, bad_states[i]), NUMBERING_INVALID_ARGUMENT,
		             "lifecycle_state", "ACTIVE or PENDING");
	check_error(numbering_instance_set_lifecycle_state(in, NUMBERING_LIFECYCLE_DELETED), NUMBERING_INVALID_ARGUMENT,
	             "lifecycle_state", "not DELETED");
	ck_assert_int_eq(numbering_instance_lifecycle_state(in), NUMBERING_LIFECYCLE_ACTIVE);
}
END_TEST

START_TEST(enum_names)
{
	ck_assert_str_eq(numbering_lifecycle_state_name(0), "LIFECYCLE_STATE_UNSPECIFIED");
	ck_assert_str_eq(numbering_lifecycle_state_name(1), "ACTIVE");
	ck_assert_str_eq(numbering_lifecycle_state_name(2), "DELETED");
	ck_assert_str_eq(numbering_lifecycle_state_name(3), "SUSPENDED");
	ck_assert_str_eq(numbering_lifecycle_state_name(4), "PENDING");
	ck_assert_str_eq(numbering_lifecycle_state_name(5), "LIFECYCLE_STATE_UNSPECIFIED");
	ck_assert_str_eq(numbering_lifecycle_state_name(-1), "LIFECYCLE_STATE_UNSPECIFIED");
	ck_assert_str_eq(numbering_recording_trigger_name(0), "RECORDING_TRIGGER_UNSPECIFIED");
	ck_assert_str_eq(numbering_recording_trigger_name(1), "DISABLED");
	ck_assert_str_eq(numbering_recording_trigger_name(2), "ANSWER");
	ck_assert_str_eq(numbering_recording_trigger_name(3), "BRIDGE");
	ck_assert_str_eq(numbering_recording_trigger_name(4), "RECORDING_TRIGGER_UNSPECIFIED");
	ck_assert_str_eq(numbering_number_type_name(0), "PHONE_NUMBER_TYPE_UNSPECIFIED");
	ck_assert_str_eq(numbering_number_type_name(1), "LOCAL");
	ck_assert_str_eq(numbering_number_type_name(2), "NATIONAL");
	ck_assert_str_eq(numbering_number_type_name(3), "MOBILE");
	ck_assert_str_eq(numbering_number_type_name(4), "TOLL_FREE");
	ck_assert_str_eq(numbering_number_type_name(5), "SHARED_RATE");
	ck_assert_str_eq(numbering_number_type_name(6), "PHONE_NUMBER_TYPE_UNSPECIFIED");
	ck_assert_str_eq(numbering_number_type_name(-7), "PHONE_NUMBER_TYPE_UNSPECIFIED");
}
END_TEST

START_TEST(display_name)
{
	ck_assert_int_eq(numbering_instance_set_display_name(in, "Caf\x65\xcc\x81"), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_display_name(in), "Caf\xc3\xa9");
	ck_assert_uint_eq(in->set, NUMBERING__SET_DISPLAY_NAME);
	char *s100 = repeat_text("\xc3\xa9", 100), *s101 = repeat_text("x", 101);
	ck_assert_int_eq(numbering_instance_set_display_name(in, s100), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_display_name(in), s100);
	ck_assert_int_eq(numbering_instance_set_display_name(in, "Front desk"), NUMBERING_OK);
	in->set = 0;
	check_error(numbering_instance_set_display_name(in, s101), NUMBERING_INVALID_ARGUMENT, "display_name",
	             "101 characters");
	check_error(numbering_instance_set_display_name(in, "bad\x07"), NUMBERING_INVALID_ARGUMENT, "display_name",
	             "control");
	check_error(numbering_instance_set_display_name(in, "bad\xff"), NUMBERING_INVALID_ARGUMENT, "display_name",
	             "UTF-8");
	check_error(numbering_instance_set_display_name(in, NULL), NUMBERING_INVALID_ARGUMENT, "display_name", NULL);
	ck_assert_str_eq(numbering_instance_display_name(in), "Front desk");
	ck_assert_uint_eq(in->set, 0);
	ck_assert_int_eq(numbering_instance_set_display_name(in, ""), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_display_name(in), "");
	free(s100);
	free(s101);
}
END_TEST

START_TEST(labels_sorted_and_replaced)
{
	ck_assert_int_eq(numbering_instance_set_label(in, "team", "voice"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_label(in, "env", "prod"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_label(in, "site", "syd"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_label(in, "empty", ""), NUMBERING_OK);
	ck_assert_uint_eq(in->set, NUMBERING__SET_LABELS);
	ck_assert_int_eq(numbering_instance_label_count(in), 4);
	const char *keys[] = {"empty", "env", "site", "team"};
	const char *values[] = {"", "prod", "syd", "voice"};
	for (int i = 0; i < 4; i++) {
		ck_assert_str_eq(numbering_instance_label_key(in, i), keys[i]);
		ck_assert_str_eq(numbering_instance_label_value(in, i), values[i]);
		ck_assert_str_eq(numbering_instance_label(in, keys[i]), values[i]);
	}
	ck_assert_ptr_null(numbering_instance_label_key(in, 4));
	ck_assert_ptr_null(numbering_instance_label_key(in, -1));
	ck_assert_ptr_null(numbering_instance_label_value(in, 4));
	ck_assert_ptr_null(numbering_instance_label(in, "missing"));
	ck_assert_ptr_null(numbering_instance_label(in, NULL));

	/* Same key: replaced in place. */
	ck_assert_int_eq(numbering_instance_set_label(in, "env", "staging"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_label_count(in), 4);
	ck_assert_str_eq(numbering_instance_label(in, "env"), "staging");

	/* Failures change nothing. */
	in->set = 0;
	char *k101 = repeat_text("k", 101), *v1001 = repeat_text("v", 1001);
	check_error(numbering_instance_set_label(in, k101, "v"), NUMBERING_INVALID_ARGUMENT, "labels", "label key");
	check_error(numbering_instance_set_label(in, "env", v1001), NUMBERING_INVALID_ARGUMENT, "labels",
	             "label \"env\"");
	check_error(numbering_instance_set_label(in, "", "v"), NUMBERING_INVALID_ARGUMENT, "labels", NULL);
	check_error(numbering_instance_set_label(in, "k", NULL), NUMBERING_INVALID_ARGUMENT, "labels", NULL);
	check_error(numbering_instance_set_label(in, NULL, "v"), NUMBERING_INVALID_ARGUMENT, "labels", NULL);
	check_error(numbering_instance_set_label(in, "bad\n", "v"), NUMBERING_INVALID_ARGUMENT, "labels",
	             "\"bad\\x0a\"");
	free(k101);
	free(v1001);
	ck_assert_int_eq(numbering_instance_label_count(in), 4);
	ck_assert_str_eq(numbering_instance_label(in, "env"), "staging");
	ck_assert_uint_eq(in->set, 0);

	/* Remove, then the removed slot's buffers serve the next insert. */
	ck_assert_int_eq(numbering_instance_remove_label(in, "env"), NUMBERING_OK);
	ck_assert_uint_eq(in->set, NUMBERING__SET_LABELS);
	ck_assert_int_eq(numbering_instance_label_count(in), 3);
	ck_assert_str_eq(numbering_instance_label_key(in, 1), "site");
	ck_assert_ptr_null(numbering_instance_label(in, "env"));
	in->set = 0;
	check_error(numbering_instance_remove_label(in, "env"), NUMBERING_NOT_FOUND, "labels", "\"env\"");
	check_error(numbering_instance_remove_label(in, NULL), NUMBERING_INVALID_ARGUMENT, "labels", NULL);
	ck_assert_uint_eq(in->set, 0);
	ck_assert_int_eq(numbering_instance_set_label(in, "aaa", "first"), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_label_key(in, 0), "aaa");
	ck_assert_int_eq(numbering_instance_set_label(in, "zzz", "last"), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_label_key(in, 4), "zzz");

	ck_assert_int_eq(numbering_instance_clear_labels(in), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_label_count(in), 0);
	ck_assert_ptr_null(numbering_instance_label(in, "aaa"));
	ck_assert_int_eq(numbering_instance_set_label(in, "b", "2"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_label(in, "a", "1"), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_label_key(in, 0), "a");
	ck_assert_str_eq(numbering_instance_label_value(in, 1), "2");
}
END_TEST

START_TEST(labels_limit)
{
	char key[16];
	/* Inserted in descending order so every insert moves the others. */
	for (int i = NUMBERING_LABELS_MAX - 1; i >= 0; i--) {
		snprintf(key, sizeof(key), "key-%02d", i);
		ck_assert_int_eq(numbering_instance_set_label(in, key, key), NUMBERING_OK);
	}
	ck_assert_int_eq(numbering_instance_label_count(in), 50);
	for (int i = 0; i < NUMBERING_LABELS_MAX; i++) {
		snprintf(key, sizeof(key), "key-%02d", i);
		ck_assert_str_eq(numbering_instance_label_key(in, i), key);
		ck_assert_str_eq(numbering_instance_label(in, key), key);
	}
	check_error(numbering_instance_set_label(in, "key-50", "v"), NUMBERING_INVALID_ARGUMENT, "labels",
	             "at most 50 labels");
	ck_assert_int_eq(numbering_instance_label_count(in), 50);
	ck_assert_ptr_null(numbering_instance_label(in, "key-50"));
	/* Replacing an existing key is not a 51st label. */
	ck_assert_int_eq(numbering_instance_set_label(in, "key-07", "new"), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_label(in, "key-07"), "new");
	/* Key of 100 characters and value of 1000 are the largest allowed. */
	char *k100 = repeat_text("k", 100), *v1000 = repeat_text("\xe2\x82\xac", 1000);
	ck_assert_int_eq(numbering_instance_remove_label(in, "key-00"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_label(in, k100, v1000), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_label(in, k100), v1000);
	free(k100);
	free(v1000);
}
END_TEST

/* "é" composed (U+00E9) and decomposed (e, U+0301). */
#define E_COMPOSED "\xc3\xa9"
#define E_DECOMPOSED "e\xcc\x81"

/* Keys and values are kept in NFC (issue 17): two spellings of one key are one label,
 * found, replaced and removed by either spelling, and lengths count after NFC. */
START_TEST(labels_are_nfc)
{
	ck_assert_int_eq(numbering_instance_set_label(in, "caf" E_COMPOSED, "one"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_label(in, "caf" E_DECOMPOSED, "two"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_label_count(in), 1);
	ck_assert_str_eq(numbering_instance_label_key(in, 0), "caf" E_COMPOSED);
	ck_assert_str_eq(numbering_instance_label(in, "caf" E_COMPOSED), "two");
	ck_assert_str_eq(numbering_instance_label(in, "caf" E_DECOMPOSED), "two");
	/* A key given decomposed first is kept composed. */
	ck_assert_int_eq(numbering_instance_set_label(in, "r" E_DECOMPOSED "sum" E_DECOMPOSED, "x"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_label_count(in), 2);
	ck_assert_str_eq(numbering_instance_label_key(in, 1), "r" E_COMPOSED "sum" E_COMPOSED);
	ck_assert_int_eq(numbering_instance_remove_label(in, "caf" E_DECOMPOSED), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_label_count(in), 1);
	/* Values too, as display names. */
	ck_assert_int_eq(numbering_instance_set_label(in, "k", "d" E_DECOMPOSED "j" E_DECOMPOSED), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_label(in, "k"), "d" E_COMPOSED "j" E_COMPOSED);
	/* 100 characters after NFC, 200 code points before: the largest key. */
	char *k100 = repeat_text(E_DECOMPOSED, 100), *k101 = repeat_text(E_DECOMPOSED, 101);
	char *v1000 = repeat_text(E_DECOMPOSED, 1000), *v1001 = repeat_text(E_DECOMPOSED, 1001);
	ck_assert_int_eq(numbering_instance_set_label(in, k100, v1000), NUMBERING_OK);
	char *k100_nfc = repeat_text(E_COMPOSED, 100), *v1000_nfc = repeat_text(E_COMPOSED, 1000);
	ck_assert_str_eq(numbering_instance_label(in, k100_nfc), v1000_nfc);
	check_error(numbering_instance_set_label(in, k101, "v"), NUMBERING_INVALID_ARGUMENT, "labels",
	             "has 101 characters after NFC normalization; keys are 1 to 100 characters");
	check_error(numbering_instance_set_label(in, "k", v1001), NUMBERING_INVALID_ARGUMENT, "labels",
	             "has 1001 characters after NFC normalization; values are at most 1000");
	ck_assert_int_eq(numbering_instance_label_count(in), 3);
	free(k100);
	free(k101);
	free(v1000);
	free(v1001);
	free(k100_nfc);
	free(v1000_nfc);
	/* Input that cannot be 100 characters after NFC is refused before normalizing. */
	char *huge = repeat_text("a\xcc\x81", 1400);
	check_error(numbering_instance_set_label(in, huge, "v"), NUMBERING_INVALID_ARGUMENT, "labels",
	             "is longer than 100 characters");
	free(huge);
	huge = repeat_text("a\xcc\x81", 14000);
	check_error(numbering_instance_set_label(in, "k", huge), NUMBERING_INVALID_ARGUMENT, "labels",
	             "is longer than 1000 characters");
	free(huge);
	ck_assert_int_eq(numbering_instance_label_count(in), 3);
}
END_TEST

START_TEST(handlers)
{
	const char *msg[] = {"https://a.example.com/1", "https://b.example.com/2", "http://c.example.com/3",
	                     "https://d.example.com/4", "https://e.example.com/5"};
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(numbering_instance_add_message_handler(in, msg[i]), NUMBERING_OK);
	ck_assert_uint_eq(in->set, NUMBERING__SET_MESSAGE_HANDLERS);
	check_error(numbering_instance_add_message_handler(in, "https://f.example.com/6"), NUMBERING_INVALID_ARGUMENT,
	             "incoming_message_handler_uris", "at most 5");
	check_error(numbering_instance_add_message_handler(in, "ftp://f.example.com/"), NUMBERING_INVALID_ARGUMENT,
	             "incoming_message_handler_uris", "ftp:");
	ck_assert_int_eq(numbering_instance_message_handler_count(in), 5);
	for (int i = 0; i < 5; i++)
		ck_assert_str_eq(numbering_instance_message_handler(in, i), msg[i]);
	ck_assert_ptr_null(numbering_instance_message_handler(in, 5));
	ck_assert_ptr_null(numbering_instance_message_handler(in, -1));
	ck_assert_int_eq(numbering_instance_clear_message_handlers(in), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_message_handler_count(in), 0);
	ck_assert_int_eq(numbering_instance_add_message_handler(in, msg[4]), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_message_handler(in, 0), msg[4]);
	in->set = 0;
	check_error(numbering_instance_add_message_handler(in, "sip:alice@example.com"), NUMBERING_INVALID_ARGUMENT,
	             "incoming_message_handler_uris", NULL);
	check_error(numbering_instance_add_message_handler(in, NULL), NUMBERING_INVALID_ARGUMENT,
	             "incoming_message_handler_uris", NULL);
	ck_assert_int_eq(numbering_instance_message_handler_count(in), 1);
	ck_assert_uint_eq(in->set, 0);

	const char *call[] = {"sip:alice@example.com", "sips:pbx.example.com:5061", "tel:+61255501100",
	                      "https://example.com/call", "http://example.com/fallback"};
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(numbering_instance_add_call_handler(in, call[i]), NUMBERING_OK);
	ck_assert_uint_eq(in->set, NUMBERING__SET_CALL_HANDLERS);
	check_error(numbering_instance_add_call_handler(in, "sip:bob@example.com"), NUMBERING_INVALID_ARGUMENT,
	             "incoming_call_handler_uris", "at most 5");
	ck_assert_int_eq(numbering_instance_call_handler_count(in), 5);
	for (int i = 0; i < 5; i++)
		ck_assert_str_eq(numbering_instance_call_handler(in, i), call[i]);
	ck_assert_ptr_null(numbering_instance_call_handler(in, 5));
	ck_assert_int_eq(numbering_instance_clear_call_handlers(in), NUMBERING_OK);
	check_error(numbering_instance_add_call_handler(in, "tel:+123"), NUMBERING_INVALID_ARGUMENT,
	             "incoming_call_handler_uris", NULL);
	check_error(numbering_instance_add_call_handler(in, "sip:alice@"), NUMBERING_INVALID_ARGUMENT,
	             "incoming_call_handler_uris", NULL);
	ck_assert_int_eq(numbering_instance_call_handler_count(in), 0);
}
END_TEST

START_TEST(regulatory_listing)
{
	ck_assert_int_eq(numbering_instance_set_regulatory_listing(in, "projects/p1/regulatoryListings/acme"),
	                 NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_regulatory_listing(in), "projects/p1/regulatoryListings/acme");
	ck_assert_uint_eq(in->set, NUMBERING__SET_REGULATORY_LISTING);
	in->set = 0;
	check_error(numbering_instance_set_regulatory_listing(in, "projects/p1/listings/acme"),
	             NUMBERING_INVALID_ARGUMENT, "regulatory_listing", "regulatoryListings");
	ck_assert_str_eq(numbering_instance_regulatory_listing(in), "projects/p1/regulatoryListings/acme");
	ck_assert_uint_eq(in->set, 0);
	ck_assert_int_eq(numbering_instance_set_regulatory_listing(in, ""), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_regulatory_listing(in), "");
	ck_assert_int_eq(numbering_instance_set_regulatory_listing(in, "projects/p1/regulatoryListings/x"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_regulatory_listing(in, NULL), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_regulatory_listing(in), "");
}
END_TEST

static void populate(numbering_instance *x, int labels)
{
	char key[16];
	ck_assert_int_eq(numbering_instance_set_phone_number(x, "+61255501100"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_display_name(x, "Front desk"), NUMBERING_OK);
	for (int i = 0; i < labels; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		ck_assert_int_eq(numbering_instance_set_label(x, key, "v"), NUMBERING_OK);
	}
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(numbering_instance_add_message_handler(x, "https://example.com/m"), NUMBERING_OK);
		ck_assert_int_eq(numbering_instance_add_call_handler(x, "sip:alice@example.com"), NUMBERING_OK);
	}
	ck_assert_int_eq(numbering_instance_set_call_recording_trigger(x, NUMBERING_RECORDING_ANSWER), NUMBERING_OK);
	numbering__str_set(&x->name, "projects/p1/phoneNumberInstances/desk", 37);
	numbering__str_set(&x->sku, "services/numbering/skus/au-local", 32);
	x->first = x->last = 61255501100ULL;
	x->digits = 11;
	x->range_size = 1;
	x->create_time = 5;
	x->compliant = 1;
}

START_TEST(copy_is_independent)
{
	populate(in, 3);
	numbering_instance *copy = NULL;
	ck_assert_int_eq(numbering_instance_copy(&copy, in), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_name(copy), "projects/p1/phoneNumberInstances/desk");
	ck_assert_str_eq(numbering_instance_display_name(copy), "Front desk");
	ck_assert_str_eq(numbering_instance_sku(copy), "services/numbering/skus/au-local");
	ck_assert_int_eq(numbering_instance_label_count(copy), 3);
	ck_assert_int_eq(numbering_instance_message_handler_count(copy), 3);
	ck_assert_int_eq(numbering_instance_call_handler_count(copy), 3);
	ck_assert_int_eq(numbering_instance_call_recording_trigger(copy), NUMBERING_RECORDING_ANSWER);
	ck_assert_int_eq(numbering_instance_create_time(copy), 5);
	ck_assert_int_eq(numbering_instance_compliant(copy), 1);
	ck_assert_uint_eq(copy->set, in->set);
	ck_assert_uint_eq(copy->first, 61255501100ULL);
	ck_assert_ptr_ne(copy->name.ptr, in->name.ptr);

	ck_assert_int_eq(numbering_instance_set_display_name(copy, "Changed"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_label(copy, "k0", "changed"), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_display_name(in), "Front desk");
	ck_assert_str_eq(numbering_instance_label(in, "k0"), "v");
	numbering_instance_free(copy);
}
END_TEST

START_TEST(assign_and_reset_reuse_buffers)
{
	numbering_instance *big = NULL, *small = NULL;
	ck_assert_int_eq(numbering_instance_new(&big), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_new(&small), NUMBERING_OK);
	populate(big, 10);
	ck_assert_int_eq(numbering_instance_set_phone_number(small, "+61255501101"), NUMBERING_OK);

	ck_assert_int_eq(numbering__instance_assign(in, big), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_label_count(in), 10);
	const char *name_buffer = in->name.ptr;
	/* Assigning a smaller instance drops what it lacks. */
	ck_assert_int_eq(numbering__instance_assign(in, small), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_name(in), "");
	ck_assert_str_eq(numbering_instance_phone_number(in), "+61255501101");
	ck_assert_str_eq(numbering_instance_display_name(in), "");
	ck_assert_int_eq(numbering_instance_label_count(in), 0);
	ck_assert_int_eq(numbering_instance_message_handler_count(in), 0);
	ck_assert_int_eq(numbering_instance_call_handler_count(in), 0);
	ck_assert_int_eq(numbering_instance_call_recording_trigger(in), NUMBERING_RECORDING_DISABLED);
	ck_assert_uint_eq(in->digits, 0);
	ck_assert_ptr_eq(in->name.ptr, name_buffer);
	ck_assert_int_eq(numbering__instance_assign(in, in), NUMBERING_OK);

	ck_assert_int_eq(numbering__instance_assign(in, big), NUMBERING_OK);
	numbering__instance_reset(in);
	ck_assert_str_eq(numbering_instance_name(in), "");
	ck_assert_int_eq(numbering_instance_label_count(in), 0);
	ck_assert_int_eq(numbering_instance_message_handler_count(in), 0);
	ck_assert_int_eq(numbering_instance_create_time(in), 0);
	ck_assert_int_eq(numbering_instance_compliant(in), 0);
	ck_assert_uint_eq(in->set, 0);
	ck_assert_ptr_eq(in->name.ptr, name_buffer);
	/* Labels set after a reset reuse the old entries and read correctly. */
	ck_assert_int_eq(numbering_instance_set_label(in, "x", "1"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_label_count(in), 1);
	ck_assert_str_eq(numbering_instance_label(in, "x"), "1");
	numbering__instance_reset(NULL);
	check_error(numbering__instance_assign(NULL, big), NUMBERING_INVALID_ARGUMENT, NULL, NULL);

	numbering_instance_free(big);
	numbering_instance_free(small);
}
END_TEST

START_TEST(grow_only_strings)
{
	struct numbering__str s = {0};
	ck_assert_str_eq(numbering__str_get(&s), "");
	ck_assert_str_eq(numbering__str_get(NULL), "");
	/* Setting "" on an unset string allocates nothing. */
	ck_assert_int_eq(numbering__str_set(&s, "", 0), NUMBERING_OK);
	ck_assert_ptr_null(s.ptr);
	ck_assert_int_eq(numbering__str_set(&s, "hello", 5), NUMBERING_OK);
	ck_assert_str_eq(numbering__str_get(&s), "hello");
	char *p = s.ptr;
	ck_assert_int_eq(numbering__str_set(&s, "hi", 2), NUMBERING_OK);
	ck_assert_ptr_eq(s.ptr, p);
	ck_assert_uint_eq(s.len, 2);
	/* Part of itself. */
	ck_assert_int_eq(numbering__str_set(&s, "abcdef", 6), NUMBERING_OK);
	ck_assert_int_eq(numbering__str_set(&s, s.ptr + 2, 3), NUMBERING_OK);
	ck_assert_str_eq(numbering__str_get(&s), "cde");
	/* Bytes are copied as given, not up to a NUL. */
	ck_assert_int_eq(numbering__str_set(&s, "abcdef", 3), NUMBERING_OK);
	ck_assert_str_eq(numbering__str_get(&s), "abc");
	ck_assert_int_eq(numbering__str_set(&s, NULL, 1), NUMBERING_INVALID_ARGUMENT);
	numbering__str_free(&s);
	ck_assert_ptr_null(s.ptr);
	numbering__str_free(&s);
	numbering__str_free(NULL);
}
END_TEST

Suite *instance_suite(void)
{
	Suite *s = suite_create("instance");
	TCase *tc = tcase_create("instance");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, new_and_free);
	tcase_add_test(tc, empty_getters);
	tcase_add_test(tc, setters_reject_null_instance);
	tcase_add_test(tc, lifecycle_state_out_of_range_names_the_value);
	tcase_add_test(tc, phone_number_text);
	tcase_add_test(tc, range_request);
	tcase_add_test(tc, range_getters);
	tcase_add_test(tc, enums);
	tcase_add_test(tc, enum_names);
	tcase_add_test(tc, display_name);
	tcase_add_test(tc, labels_sorted_and_replaced);
	tcase_add_test(tc, labels_limit);
	tcase_add_test(tc, labels_are_nfc);
	tcase_add_test(tc, handlers);
	tcase_add_test(tc, regulatory_listing);
	tcase_add_test(tc, copy_is_independent);
	tcase_add_test(tc, assign_and_reset_reuse_buffers);
	tcase_add_test(tc, grow_only_strings);
	suite_add_tcase(s, tc);
	return s;
}
