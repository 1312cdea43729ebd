#include "instance-same.h"

#include <check.h>
#include <stdint.h>
#include <string.h>

#include "model/instance.h"

static void str_same(const struct numbering__str *a, const struct numbering__str *b, const char *what)
{
	ck_assert_msg(a->len == b->len && strcmp(numbering__str_get(a), numbering__str_get(b)) == 0,
	              "%s differs: \"%s\" and \"%s\"", what, numbering__str_get(a), numbering__str_get(b));
}

void instance_assert_same(const numbering_instance *a, const numbering_instance *b)
{
	str_same(&a->name, &b->name, "name");
	str_same(&a->phone_number, &b->phone_number, "phone_number");
	str_same(&a->range_end, &b->range_end, "range_end");
	str_same(&a->sku, &b->sku, "sku");
	str_same(&a->activation_sku, &b->activation_sku, "activation_sku");
	str_same(&a->country_code, &b->country_code, "country_code");
	str_same(&a->display_name, &b->display_name, "display_name");
	str_same(&a->regulatory_listing, &b->regulatory_listing, "regulatory_listing");
	ck_assert_int_eq(a->range_size, b->range_size);
	ck_assert_uint_eq(a->first, b->first);
	ck_assert_uint_eq(a->last, b->last);
	ck_assert_uint_eq(a->digits, b->digits);
	ck_assert_uint_eq(a->is_range, b->is_range);
	ck_assert_uint_eq(a->lifecycle_state, b->lifecycle_state);
	ck_assert_uint_eq(a->call_recording_trigger, b->call_recording_trigger);
	ck_assert_uint_eq(a->number_type, b->number_type);
	ck_assert_uint_eq(a->capabilities, b->capabilities);
	ck_assert_int_eq(a->create_time, b->create_time);
	ck_assert_int_eq(a->delete_time, b->delete_time);
	ck_assert_int_eq(a->activate_time, b->activate_time);
	ck_assert_uint_eq(a->label_count, b->label_count);
	for (uint32_t i = 0; i < a->label_count; i++) {
		str_same(&a->labels[i].key, &b->labels[i].key, "label key");
		str_same(&a->labels[i].value, &b->labels[i].value, "label value");
	}
	ck_assert_uint_eq(a->message_handler_count, b->message_handler_count);
	for (uint32_t i = 0; i < a->message_handler_count; i++)
		str_same(&a->message_handlers[i], &b->message_handlers[i], "message handler");
	ck_assert_uint_eq(a->call_handler_count, b->call_handler_count);
	for (uint32_t i = 0; i < a->call_handler_count; i++)
		str_same(&a->call_handlers[i], &b->call_handlers[i], "call handler");
}
