/* The binary encoding of an instance and the indexing helpers of
 * numbering/sys/backend.h: round trips, size, and hostile bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <numbering/numbering.h>
#include <numbering/sys/backend.h>

#include "instance-same.h"
#include "model/instance.h"
#include "suites.h"

static void set_str(struct numbering__str *s, const char *text)
{
	ck_assert_int_eq(numbering__str_set(s, text, strlen(text)), NUMBERING_OK);
}

/* A stored single number as the memory backend sees most of them. */
static numbering_instance *typical(void)
{
	numbering_instance *x = NULL;
	ck_assert_int_eq(numbering_instance_new(&x), NUMBERING_OK);
	set_str(&x->name, "projects/acme-prod/phoneNumberInstances/front-desk");
	set_str(&x->phone_number, "+61255501100");
	set_str(&x->country_code, "AU");
	ck_assert_int_eq(numbering_instance_set_display_name(x, "Front desk"), NUMBERING_OK);
	x->first = x->last = 61255501100ULL;
	x->digits = 11;
	x->range_size = 1;
	x->lifecycle_state = NUMBERING_LIFECYCLE_ACTIVE;
	x->call_recording_trigger = NUMBERING_RECORDING_DISABLED;
	x->number_type = NUMBERING_NUMBER_TYPE_LOCAL;
	x->capabilities = NUMBERING_CAPABILITY_SMS | NUMBERING_CAPABILITY_VOICE;
	x->create_time = 1795387286123456789LL;
	x->activate_time = x->create_time;
	x->set = 0;
	return x;
}

/* Every field set, a range, the largest lists. */
static numbering_instance *full(void)
{
	numbering_instance *x = NULL;
	char key[16], uri[64];
	ck_assert_int_eq(numbering_instance_new(&x), NUMBERING_OK);
	set_str(&x->name, "projects/p1/phoneNumberInstances/block-100");
	set_str(&x->phone_number, "+61255501100");
	set_str(&x->range_end, "+61255501199");
	set_str(&x->sku, "services/numbering/skus/au-local-range");
	set_str(&x->activation_sku, "services/numbering/skus/au-activation");
	set_str(&x->country_code, "AU");
	set_str(&x->regulatory_listing, "projects/p1/regulatoryListings/Acme_1");
	ck_assert_int_eq(numbering_instance_set_display_name(x, "Caf\xc3\xa9 \xf0\x9f\x93\x9e block"), NUMBERING_OK);
	for (int i = 0; i < NUMBERING_LABELS_MAX; i++) {
		snprintf(key, sizeof(key), "key-%02d", i);
		ck_assert_int_eq(numbering_instance_set_label(x, key, i % 7 == 0 ? "" : "value \xe2\x82\xac"), NUMBERING_OK);
	}
	for (int i = 0; i < NUMBERING_HANDLER_URIS_MAX; i++) {
		snprintf(uri, sizeof(uri), "https://m%d.example.com/hook?n=%d", i, i);
		ck_assert_int_eq(numbering_instance_add_message_handler(x, uri), NUMBERING_OK);
	}
	ck_assert_int_eq(numbering_instance_add_call_handler(x, "sip:alice@example.com"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_add_call_handler(x, "sips:pbx.example.com:5061"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_add_call_handler(x, "tel:+61255501100"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_add_call_handler(x, "https://example.com/call"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_add_call_handler(x, "http://example.com/fallback"), NUMBERING_OK);
	x->first = 61255501100ULL;
	x->last = 61255501199ULL;
	x->digits = 11;
	x->is_range = 1;
	x->range_size = 100;
	x->lifecycle_state = NUMBERING_LIFECYCLE_DELETED;
	x->call_recording_trigger = NUMBERING_RECORDING_BRIDGE;
	x->number_type = NUMBERING_NUMBER_TYPE_SHARED_RATE;
	x->capabilities = 7;
	x->create_time = 1795387286000000000LL;
	x->activate_time = 1795387290000000000LL;
	x->delete_time = 1795387999999999999LL;
	x->compliant = 1;
	return x;
}

static void expect_empty(const numbering_instance *x)
{
	numbering_instance *empty = NULL;
	ck_assert_int_eq(numbering_instance_new(&empty), NUMBERING_OK);
	instance_assert_same(x, empty);
	ck_assert_uint_eq(x->set, 0);
	ck_assert_uint_eq(x->compliant, 0);
	numbering_instance_free(empty);
}

/* Encodes @x, decodes it into a new instance, and compares. Returns the size. */
static size_t round_trip(const numbering_instance *x)
{
	uint8_t *bytes = NULL;
	size_t len = 0;
	ck_assert_int_eq(numbering_instance_encode(&bytes, &len, x), NUMBERING_OK);
	ck_assert_ptr_nonnull(bytes);
	numbering_instance *back = NULL;
	ck_assert_int_eq(numbering_instance_new(&back), NUMBERING_OK);
	ck_assert_msg(numbering_instance_decode(back, bytes, len) == NUMBERING_OK, "%s", numbering_error_message());
	instance_assert_same(x, back);
	ck_assert_uint_eq(back->set, 0);
	ck_assert_uint_eq(back->compliant, 0);
	/* Re-encoding gives the same bytes: the format is canonical. */
	uint8_t *again = NULL;
	size_t again_len = 0;
	ck_assert_int_eq(numbering_instance_encode(&again, &again_len, back), NUMBERING_OK);
	ck_assert_uint_eq(again_len, len);
	ck_assert_int_eq(memcmp(again, bytes, len), 0);
	numbering_free(again);
	numbering_free(bytes);
	numbering_instance_free(back);
	return len;
}

START_TEST(round_trip_full)
{
	numbering_instance *x = full();
	size_t len = round_trip(x);
	ck_assert_uint_gt(len, 0);
	/* A different, non-standard name and verbatim numbers take the other paths. */
	set_str(&x->name, "legacy/name/with/slashes");
	set_str(&x->phone_number, "+61 2 5550 1100");
	set_str(&x->range_end, "+61255501198");
	x->range_size = 7;
	x->create_time = -5;
	x->delete_time = INT64_MAX;
	x->activate_time = INT64_MIN;
	round_trip(x);
	numbering_instance_free(x);
}
END_TEST

START_TEST(round_trip_requests_and_edges)
{
	numbering_instance *x = NULL;
	ck_assert_int_eq(numbering_instance_new(&x), NUMBERING_OK);
	ck_assert_uint_eq(round_trip(x), 2); /* format byte and no fields */
	/* A create request: text as given, no digits yet. */
	ck_assert_int_eq(numbering_instance_set_phone_number(x, "02 5550 1100"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_range_size(x, 10), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_range_end(x, "02 5550 1109"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_lifecycle_state(x, NUMBERING_LIFECYCLE_PENDING), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_label(x, "only", ""), NUMBERING_OK);
	round_trip(x);
	/* Numbers with leading zeros in their digit count, the largest digit count, a zero-size range. */
	numbering__instance_reset(x);
	x->digits = 15;
	x->first = 0;
	x->last = 999999999999999ULL;
	set_str(&x->phone_number, "+000000000000000");
	set_str(&x->range_end, "+999999999999999");
	round_trip(x);
	x->range_size = 0;
	round_trip(x);
	x->range_size = -3;
	round_trip(x);
	/* Times without a create time. */
	x->activate_time = 77;
	x->delete_time = -77;
	round_trip(x);
	/* Standard names at the length limits of their parts. */
	char name[600];
	snprintf(name, sizeof(name), "projects/%0255d/phoneNumberInstances/%0255d", 0, 0);
	set_str(&x->name, name);
	ck_assert_int_eq(numbering_instance_encode(&(uint8_t *){NULL}, &(size_t){0}, x), NUMBERING_INVALID_ARGUMENT);
	snprintf(name, sizeof(name), "projects/%0200d/phoneNumberInstances/%0200d", 0, 0);
	set_str(&x->name, name);
	round_trip(x);
	numbering_instance_free(x);
}
END_TEST

START_TEST(typical_size)
{
	numbering_instance *x = typical();
	size_t len = round_trip(x);
	/* 50 bytes of name, a number, a display name, enums and two times. */
	fprintf(stderr, "encode: a typical single-number instance takes %zu bytes\n", len);
	ck_assert_uint_le(len, 64);
	/* Without the create time the whole record is smaller still. */
	x->create_time = x->activate_time = 0;
	ck_assert_uint_lt(round_trip(x), 50);
	numbering_instance_free(x);
}
END_TEST

START_TEST(encode_rejects)
{
	uint8_t *bytes = (uint8_t *)1;
	size_t len = 99;
	numbering_instance *x = typical();
	ck_assert_int_eq(numbering_instance_encode(NULL, &len, x), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_instance_encode(&bytes, NULL, x), NUMBERING_INVALID_ARGUMENT);
	ck_assert_ptr_null(bytes);
	ck_assert_int_eq(numbering_instance_encode(&bytes, &len, NULL), NUMBERING_INVALID_ARGUMENT);
	ck_assert_uint_eq(len, 0);
	/* What decoding would refuse is not encoded. */
	x->lifecycle_state = 9;
	ck_assert_int_eq(numbering_instance_encode(&bytes, &len, x), NUMBERING_INVALID_ARGUMENT);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "front-desk"));
	x->lifecycle_state = 1;
	x->digits = 16;
	ck_assert_int_eq(numbering_instance_encode(&bytes, &len, x), NUMBERING_INVALID_ARGUMENT);
	x->digits = 11;
	x->last = x->first - 1;
	ck_assert_int_eq(numbering_instance_encode(&bytes, &len, x), NUMBERING_INVALID_ARGUMENT);
	x->last = x->first;
	ck_assert_int_eq(numbering_instance_encode(&bytes, &len, x), NUMBERING_OK);
	numbering_free(bytes);
	numbering_instance_free(x);
}
END_TEST

START_TEST(decode_every_truncation)
{
	numbering_instance *x = full(), *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&out), NUMBERING_OK);
	uint8_t *bytes = NULL;
	size_t len = 0;
	ck_assert_int_eq(numbering_instance_encode(&bytes, &len, x), NUMBERING_OK);
	for (size_t cut = 0; cut < len; cut++) {
		/* A copy of exactly @cut bytes, so a read past it is caught by sanitizers and valgrind. */
		uint8_t *part = malloc(cut > 0 ? cut : 1);
		ck_assert_ptr_nonnull(part);
		memcpy(part, bytes, cut);
		int rc = numbering_instance_decode(out, part, cut);
		ck_assert_msg(rc == NUMBERING_DATA_LOSS, "%zu of %zu bytes: rc %d", cut, len, rc);
		ck_assert_int_eq(numbering_error_code(), NUMBERING_DATA_LOSS);
		ck_assert_ptr_nonnull(strstr(numbering_error_message(), "not a valid encoding"));
		expect_empty(out);
		free(part);
	}
	ck_assert_int_eq(numbering_instance_decode(out, bytes, len), NUMBERING_OK);
	instance_assert_same(x, out);
	/* A byte too many. */
	uint8_t *longer = malloc(len + 1);
	memcpy(longer, bytes, len);
	longer[len] = 0;
	ck_assert_int_eq(numbering_instance_decode(out, longer, len + 1), NUMBERING_DATA_LOSS);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "bytes follow"));
	expect_empty(out);
	free(longer);
	numbering_free(bytes);
	numbering_instance_free(x);
	numbering_instance_free(out);
}
END_TEST

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static uint64_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

START_TEST(decode_mutations_and_random_bytes)
{
	numbering_instance *x = full(), *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&out), NUMBERING_OK);
	uint8_t *bytes = NULL;
	size_t len = 0;
	ck_assert_int_eq(numbering_instance_encode(&bytes, &len, x), NUMBERING_OK);
	uint8_t *work = malloc(len);
	/* Every byte of a valid encoding set to every value: OK or DATA_LOSS, never a crash. */
	for (size_t i = 0; i < len; i++) {
		for (int v = 0; v < 256; v++) {
			memcpy(work, bytes, len);
			work[i] = (uint8_t)v;
			int rc = numbering_instance_decode(out, work, len);
			ck_assert_msg(rc == NUMBERING_OK || rc == NUMBERING_DATA_LOSS, "byte %zu = %d: rc %d", i, v, rc);
			if (rc == NUMBERING_DATA_LOSS) /* emptied (expect_empty in full would be slow here) */
				ck_assert(out->name.len == 0 && out->label_count == 0 && out->digits == 0 &&
				          out->call_handler_count == 0);
		}
	}
	free(work);
	/* Random buffers, half of them with the right format byte. */
	uint8_t buf[300];
	for (int n = 0; n < 50000; n++) {
		size_t size = (size_t)(next_random() % sizeof(buf));
		for (size_t i = 0; i < size; i++)
			buf[i] = (uint8_t)next_random();
		if (size > 0 && (n & 1))
			buf[0] = 1;
		uint8_t *exact = malloc(size > 0 ? size : 1);
		memcpy(exact, buf, size);
		int rc = numbering_instance_decode(out, exact, size);
		ck_assert_msg(rc == NUMBERING_OK || rc == NUMBERING_DATA_LOSS, "rc %d", rc);
		free(exact);
	}
	/* A valid instance decodes fine after all that. */
	ck_assert_int_eq(numbering_instance_decode(out, bytes, len), NUMBERING_OK);
	instance_assert_same(x, out);
	numbering_free(bytes);
	numbering_instance_free(x);
	numbering_instance_free(out);
}
END_TEST

START_TEST(decode_reuses_instance)
{
	numbering_instance *big = full(), *small = typical(), *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&out), NUMBERING_OK);
	uint8_t *big_bytes = NULL, *small_bytes = NULL;
	size_t big_len = 0, small_len = 0;
	ck_assert_int_eq(numbering_instance_encode(&big_bytes, &big_len, big), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_encode(&small_bytes, &small_len, small), NUMBERING_OK);

	/* A request's set bits and compliant are cleared by a decode. */
	ck_assert_int_eq(numbering_instance_set_display_name(out, "stale"), NUMBERING_OK);
	out->compliant = 1;
	ck_assert_int_eq(numbering_instance_decode(out, big_bytes, big_len), NUMBERING_OK);
	instance_assert_same(big, out);
	ck_assert_uint_eq(out->set, 0);
	ck_assert_uint_eq(out->compliant, 0);
	struct numbering__label *labels = out->labels;
	ck_assert_int_eq(numbering_instance_decode(out, small_bytes, small_len), NUMBERING_OK);
	const char *name = out->name.ptr; /* the longer of the two names */
	instance_assert_same(small, out);
	ck_assert_int_eq(numbering_instance_label_count(out), 0);
	ck_assert_int_eq(numbering_instance_message_handler_count(out), 0);
	ck_assert_str_eq(numbering_instance_regulatory_listing(out), "");
	ck_assert_int_eq(numbering_instance_is_range(out), 0);
	ck_assert_int_eq(numbering_instance_delete_time(out), 0);
	/* Buffers were reused, not reallocated. */
	ck_assert_ptr_eq(out->name.ptr, name);
	ck_assert_int_eq(numbering_instance_decode(out, big_bytes, big_len), NUMBERING_OK);
	ck_assert_ptr_eq(out->labels, labels);
	instance_assert_same(big, out);
	/* The getters read the decoded values. */
	ck_assert_str_eq(numbering_instance_range_primary(out), "projects/p1/phoneNumberInstances/block-100");
	ck_assert_str_eq(numbering_instance_range_end(out), "+61255501199");
	ck_assert_int_eq(numbering_instance_range_size(out), 100);
	ck_assert_str_eq(numbering_instance_label(out, "key-48"), "value \xe2\x82\xac");
	ck_assert_str_eq(numbering_instance_call_handler(out, 2), "tel:+61255501100");
	numbering_free(big_bytes);
	numbering_free(small_bytes);
	numbering_instance_free(big);
	numbering_instance_free(small);
	numbering_instance_free(out);
}
END_TEST

/* Decodes hand-made bytes and expects DATA_LOSS with @needle in the message. */
static void bad_bytes(const uint8_t *bytes, size_t len, const char *needle)
{
	numbering_instance *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&out), NUMBERING_OK);
	uint8_t *exact = malloc(len > 0 ? len : 1);
	memcpy(exact, bytes, len);
	int rc = numbering_instance_decode(out, exact, len);
	ck_assert_msg(rc == NUMBERING_DATA_LOSS, "rc %d, expected DATA_LOSS for \"%s\"", rc, needle);
	ck_assert_msg(strstr(numbering_error_message(), needle) != NULL, "\"%s\" lacks \"%s\"", numbering_error_message(),
	              needle);
	expect_empty(out);
	free(exact);
	numbering_instance_free(out);
}

/* Hand-made bytes, their count taken from the list. */
#define BAD(needle, ...) bad_bytes((const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}), needle)

/* Presence bits as a two-byte varint (bits 0..13). */
#define F2(bits) (uint8_t)(((bits) & 0x7f) | 0x80), (uint8_t)((bits) >> 7)

START_TEST(decode_rejects_crafted_bytes)
{
	/* Bits of the format: 0 NAME_STD, 1 PN_DERIVED, 2 NUMBERS, 3 ENUMS, 4 CREATE_TIME,
	 * 5 ACTIVATE_TIME, 6 COUNTRY_CODE, 7 DISPLAY_NAME, 8 IS_RANGE, 9 RE_DERIVED,
	 * 10 DELETE_TIME, 11 LABELS, 12 MESSAGE_HANDLERS, 13 CALL_HANDLERS. */
	BAD("format byte", 2, 0);
	BAD("format byte", 0);
	BAD("ends in the middle", 1);
	BAD("does not know", 1, 0x80, 0x80, 0x80, 0x80, 0x40);
	BAD("does not fit in 64 bits", 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02);
	/* A string longer than what is left, and a huge claimed length: nothing is allocated for it. */
	BAD("longer than the bytes left", 1, 1 << 6, 5, 'A', 'U');
	BAD("longer than the bytes left", 1, F2(1 << 7), 0xff, 0xff, 0xff, 0xff, 0x0f, 'x');
	/* Strings over the model's limits, empty, or holding NUL. */
	BAD("longer than the model", 1, 1 << 6, 9, 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A');
	BAD("empty", 1, 1 << 6, 0);
	BAD("NUL", 1, 1 << 6, 2, 'A', 0);
	/* Numbers: no digits, too many digits, beyond the digit count. */
	BAD("digit count", 1, 1 << 2, 0, 1, 0);
	BAD("digit count", 1, 1 << 2, 16, 1, 0);
	BAD("do not fit", 1, 1 << 2, 1, 10, 0);
	BAD("do not fit", 1, 1 << 2, 1, 5, 5);
	BAD("has no digits", 1, 1 << 1);
	/* Enums out of range. */
	BAD("unknown value", 1, 1 << 3, 5);
	BAD("unknown value", 1, 1 << 3, 0xc0, 0x01); /* number type 6 */
	BAD("unknown value", 1, 1 << 3, 0x80, 0x10);
	/* A time that is present must not be zero. */
	BAD("zero", 1, 1 << 5, 0);
	BAD("zero", 1, 1 << 4, 0);
	/* Labels: 51, zero, out of order, duplicate, more than the bytes could hold. */
	uint8_t many[2 + 2 + 1 + 51 * 4];
	size_t n = 0;
	many[n++] = 1;
	many[n++] = 0x80;
	many[n++] = 1 << 4; /* bit 11 */
	many[n++] = 51;
	for (int i = 0; i < 51; i++) {
		many[n++] = 1;
		many[n++] = (uint8_t)('0' + i);
		many[n++] = 0;
	}
	bad_bytes(many, n, "outside the model's limits");
	many[3] = 50;
	bad_bytes(many, n, "bytes follow"); /* 50 are fine; the 51st is left over */
	BAD("outside the model's limits", 1, F2(1 << 11), 0);
	BAD("increasing key order", 1, F2(1 << 11), 2, 1, 'b', 0, 1, 'a', 0);
	BAD("increasing key order", 1, F2(1 << 11), 2, 1, 'a', 0, 1, 'a', 0);
	BAD("exceeds the bytes left", 1, F2(1 << 11), 40, 1, 'a', 0);
	BAD("empty", 1, F2(1 << 11), 1, 0, 0);
	/* Handlers: six, zero, an empty URI. */
	uint8_t six[] = {1, F2(1 << 12), 6, 1, 'a', 1, 'b', 1, 'c', 1, 'd', 1, 'e', 1, 'f'};
	bad_bytes(six, sizeof(six), "outside the model's limits");
	BAD("outside the model's limits", 1, F2(1 << 13), 0);
	BAD("empty", 1, F2(1 << 13), 1, 0, 0);
	/* A standard name part holding '/'. */
	BAD("'/'", 1, 1, 1, '/', 1, 'a');
	/* A range size equal to what the numbers give is not canonical. */
	BAD("range size", 1, 0x84, 0x80, 0x08, 1, 5, 0, 2); /* bits 2 and 17 */
	/* NULL data with a length, NULL target. */
	ck_assert_int_eq(numbering_instance_decode(NULL, (const uint8_t[]){1, 0}, 2), NUMBERING_INVALID_ARGUMENT);
	numbering_instance *out = NULL;
	ck_assert_int_eq(numbering_instance_new(&out), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_decode(out, NULL, 3), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_instance_decode(out, NULL, 0), NUMBERING_DATA_LOSS);
	numbering_instance_free(out);
}
END_TEST

START_TEST(project_of_name)
{
	numbering_instance *x = typical();
	char buf[64];
	ck_assert_int_eq(numbering_instance_project(buf, sizeof(buf), x), NUMBERING_OK);
	ck_assert_str_eq(buf, "projects/acme-prod");
	/* Exactly enough room, then one byte short. */
	ck_assert_int_eq(numbering_instance_project(buf, 19, x), NUMBERING_OK);
	ck_assert_str_eq(buf, "projects/acme-prod");
	ck_assert_int_eq(numbering_instance_project(buf, 18, x), NUMBERING_OUT_OF_RANGE);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(numbering_instance_project(buf, 0, x), NUMBERING_OUT_OF_RANGE);
	ck_assert_int_eq(numbering_instance_project(NULL, 10, x), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_instance_project(buf, sizeof(buf), NULL), NUMBERING_INVALID_ARGUMENT);
	/* An unnamed instance has no project. */
	numbering__instance_reset(x);
	ck_assert_int_eq(numbering_instance_project(buf, sizeof(buf), x), NUMBERING_OK);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(numbering_instance_project(buf, 1, x), NUMBERING_OK);
	set_str(&x->name, "projects/p2");
	ck_assert_int_eq(numbering_instance_project(buf, sizeof(buf), x), NUMBERING_OK);
	ck_assert_str_eq(buf, "projects/p2");
	set_str(&x->name, "folders/f1/x");
	ck_assert_int_eq(numbering_instance_project(buf, sizeof(buf), x), NUMBERING_INVALID_ARGUMENT);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "\"folders/f1/x\""));
	set_str(&x->name, "projects//x");
	ck_assert_int_eq(numbering_instance_project(buf, sizeof(buf), x), NUMBERING_INVALID_ARGUMENT);
	numbering_instance_free(x);
}
END_TEST

START_TEST(numbers_of_instance)
{
	numbering_instance *x = full();
	uint64_t first = 1, last = 1;
	int digits = 1;
	ck_assert_int_eq(numbering_instance_numbers(&first, &last, &digits, x), NUMBERING_OK);
	ck_assert_uint_eq(first, 61255501100ULL);
	ck_assert_uint_eq(last, 61255501199ULL);
	ck_assert_int_eq(digits, 11);
	x->digits = 0;
	ck_assert_int_eq(numbering_instance_numbers(&first, &last, &digits, x), NUMBERING_INVALID_ARGUMENT);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "no numbers"));
	ck_assert_uint_eq(first, 0);
	ck_assert_int_eq(digits, 0);
	ck_assert_int_eq(numbering_instance_numbers(NULL, &last, &digits, x), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_instance_numbers(&first, &last, &digits, NULL), NUMBERING_INVALID_ARGUMENT);
	numbering_instance_free(x);
}
END_TEST

/* ---- Golden bytes: format 1 is on disk in users' files, so its bytes never change ---- */

/* Every field present once, a few labels (one with an empty value) and handlers. */
static numbering_instance *rich(void)
{
	numbering_instance *x = NULL;
	ck_assert_int_eq(numbering_instance_new(&x), NUMBERING_OK);
	set_str(&x->name, "projects/p1/phoneNumberInstances/block-100");
	set_str(&x->phone_number, "+61255501100");
	set_str(&x->range_end, "+61255501199");
	set_str(&x->sku, "services/numbering/skus/au-local-range");
	set_str(&x->activation_sku, "services/numbering/skus/au-activation");
	set_str(&x->country_code, "AU");
	set_str(&x->regulatory_listing, "projects/p1/regulatoryListings/Acme_1");
	ck_assert_int_eq(numbering_instance_set_display_name(x, "Caf\xc3\xa9 block"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_label(x, "team", "voice"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_label(x, "empty", ""), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_label(x, "cost-centre", "\xe2\x82\xac" "42"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_add_message_handler(x, "https://m.example.com/sms"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_add_message_handler(x, "http://m2.example.com/"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_add_call_handler(x, "sip:alice@example.com"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_add_call_handler(x, "tel:+61255501100"), NUMBERING_OK);
	x->first = 61255501100ULL;
	x->last = 61255501199ULL;
	x->digits = 11;
	x->is_range = 1;
	x->range_size = 100;
	x->lifecycle_state = NUMBERING_LIFECYCLE_DELETED;
	x->call_recording_trigger = NUMBERING_RECORDING_BRIDGE;
	x->number_type = NUMBERING_NUMBER_TYPE_SHARED_RATE;
	x->capabilities = 7;
	x->create_time = 1795387286000000000LL;
	x->activate_time = 1795387290000000000LL;
	x->delete_time = 1795387999999999999LL;
	x->set = 0;
	return x;
}

static void to_hex(char *out, const uint8_t *bytes, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 15];
	}
	out[2 * len] = '\0';
}

/* @x encodes to exactly @hex, and @hex decodes to what @x holds. */
static void expect_golden(const numbering_instance *x, const char *hex, const char *what)
{
	uint8_t *bytes = NULL;
	size_t len = 0;
	ck_assert_int_eq(numbering_instance_encode(&bytes, &len, x), NUMBERING_OK);
	char *text = malloc(2 * len + 1);
	ck_assert_ptr_nonnull(text);
	to_hex(text, bytes, len);
	ck_assert_msg(strcmp(text, hex) == 0, "%s: format 1 bytes changed:\n got  %s\n want %s", what, text, hex);
	numbering_instance *back = NULL;
	ck_assert_int_eq(numbering_instance_new(&back), NUMBERING_OK);
	ck_assert_msg(numbering_instance_decode(back, bytes, len) == NUMBERING_OK, "%s", numbering_error_message());
	instance_assert_same(x, back);
	numbering_instance_free(back);
	free(text);
	numbering_free(bytes);
}

START_TEST(golden_format_1)
{
	numbering_instance *x = NULL;
	ck_assert_int_eq(numbering_instance_new(&x), NUMBERING_OK);
	expect_golden(x, "0100", "empty");
	/* A create request: the text as given, no digits yet. */
	ck_assert_int_eq(numbering_instance_set_phone_number(x, "02 5550 1100"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_range_size(x, 10), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_range_end(x, "02 5550 1109"), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_lifecycle_state(x, NUMBERING_LIFECYCLE_PENDING), NUMBERING_OK);
	ck_assert_int_eq(numbering_instance_set_label(x, "only", ""), NUMBERING_OK);
	expect_golden(x, "0188900e0401046f6e6c79000c3032203535353020313130300c30322035353530203131303914", "request");
	numbering_instance_free(x);

	x = typical();
	expect_golden(x,
	              "01ff010961636d652d70726f640a66726f6e742d6465736b0bac8af398e40100a90aaaa4a1faadcebfea31000241550a"
	              "46726f6e74206465736b", "typical");
	numbering_instance_free(x);

	x = rich();
	expect_golden(x,
	              "01ffff7002703109626c6f636b2d3130300bac8af398e40163ba0f80f0c284adcebfea3180a0d9e61d0241550b436166"
	              "c3a920626c6f636bfe8fbbdbc729030b636f73742d63656e74726505e282ac343205656d70747900047465616d05766f"
	              "696365021968747470733a2f2f6d2e6578616d706c652e636f6d2f736d7316687474703a2f2f6d322e6578616d706c65"
	              "2e636f6d2f02157369703a616c696365406578616d706c652e636f6d1074656c3a2b3631323535353031313030267365"
	              "7276696365732f6e756d626572696e672f736b75732f61752d6c6f63616c2d72616e67652573657276696365732f6e75"
	              "6d626572696e672f736b75732f61752d61637469766174696f6e2570726f6a656374732f70312f726567756c61746f72"
	              "794c697374696e67732f41636d655f31", "rich");
	/* A non-standard name, verbatim numbers, a size the numbers do not give, extreme times. */
	set_str(&x->name, "legacy/name/with/slashes");
	set_str(&x->phone_number, "+61 2 5550 1100");
	set_str(&x->range_end, "+61255501198");
	x->range_size = 7;
	x->create_time = -5;
	x->delete_time = INT64_MAX;
	x->activate_time = INT64_MIN;
	expect_golden(x,
	              "01fcfb7f0bac8af398e40163ba0f09f5ffffffffffffffff010241550b436166c3a920626c6f636bf7ffffffffffffff"
	              "ff01030b636f73742d63656e74726505e282ac343205656d70747900047465616d05766f696365021968747470733a2f"
	              "2f6d2e6578616d706c652e636f6d2f736d7316687474703a2f2f6d322e6578616d706c652e636f6d2f02157369703a61"
	              "6c696365406578616d706c652e636f6d1074656c3a2b3631323535353031313030186c65676163792f6e616d652f7769"
	              "74682f736c61736865730f2b36312032203535353020313130300c2b36313235353530313139380e2673657276696365"
	              "732f6e756d626572696e672f736b75732f61752d6c6f63616c2d72616e67652573657276696365732f6e756d62657269"
	              "6e672f736b75732f61752d61637469766174696f6e2570726f6a656374732f70312f726567756c61746f72794c697374"
	              "696e67732f41636d655f31", "verbatim");
	numbering_instance_free(x);
}
END_TEST

Suite *encode_suite(void)
{
	Suite *s = suite_create("encode");
	TCase *tc = tcase_create("encode");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, round_trip_full);
	tcase_add_test(tc, round_trip_requests_and_edges);
	tcase_add_test(tc, typical_size);
	tcase_add_test(tc, encode_rejects);
	tcase_add_test(tc, decode_every_truncation);
	tcase_add_test(tc, decode_mutations_and_random_bytes);
	tcase_add_test(tc, decode_reuses_instance);
	tcase_add_test(tc, decode_rejects_crafted_bytes);
	tcase_add_test(tc, project_of_name);
	tcase_add_test(tc, numbers_of_instance);
	tcase_add_test(tc, golden_format_1);
	suite_add_tcase(s, tc);
	return s;
}
