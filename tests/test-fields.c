/*
 * Attribute tables (model/fields.h): the encoder NUMBERING__FIELDS_FUNCTIONS unrolls
 * from a kind's list writes, for every list, the bytes the row walk writes, and
 * refuses what the walk refuses, on objects of every attribute set or unset; its
 * clear leaves what the walk's leaves.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <numbering/numbering.h>

#include "model/active-fields.h"
#include "model/application-fields.h"
#include "model/available-fields.h"
#include "model/billing-fields.h"
#include "model/fields.h"
#include "model/outbox-fields.h"
#include "model/phone-fields.h"
#include "model/purchase-fields.h"
#include "model/region-fields.h"
#include "model/reservation-fields.h"
#include "model/subscription-fields.h"
#include "suites.h"

/* Each list as a struct, its rows and its unrolled encoder. */
#define LIST_CASE(name, LIST) \
	struct name##_obj { \
		NUMBERING__FIELDS_MEMBERS(LIST) \
	}; \
	NUMBERING__FIELDS_FUNCTIONS(name, struct name##_obj, #name, LIST)

LIST_CASE(available, NUMBERING__AVAILABLE_FIELDS)
LIST_CASE(active, NUMBERING__ACTIVE_FIELDS)
LIST_CASE(purchase, NUMBERING__PURCHASE_FIELDS)
LIST_CASE(account, NUMBERING__BILLING_ACCOUNT_FIELDS)
LIST_CASE(entry, NUMBERING__BILLING_ENTRY_FIELDS)
LIST_CASE(subscription, NUMBERING__SUBSCRIPTION_FIELDS)
LIST_CASE(reservation, NUMBERING__RESERVATION_FIELDS)
LIST_CASE(region, NUMBERING__REGION_FIELDS)
LIST_CASE(application, NUMBERING__APPLICATION_FIELDS)
LIST_CASE(rule, NUMBERING__RULE_FIELDS)
LIST_CASE(link, NUMBERING__ACCOUNT_LINK_FIELDS)
LIST_CASE(delivery, NUMBERING__DELIVERY_FIELDS)
LIST_CASE(config, NUMBERING__CALLBACK_CONFIG_FIELDS)
LIST_CASE(phone, NUMBERING__PHONE_FIELDS)

#define D(id, type, json, limit, dflt) NUMBERING__FIELD_ROW(struct available_obj, id, type, json, limit, dflt)
static const struct numbering__field available_rows[] = {NUMBERING__AVAILABLE_FIELDS(D)};
#undef D
#define D(id, type, json, limit, dflt) NUMBERING__FIELD_ROW(struct active_obj, id, type, json, limit, dflt)
static const struct numbering__field active_rows[] = {NUMBERING__ACTIVE_FIELDS(D)};
#undef D
#define D(id, type, json, limit, dflt) NUMBERING__FIELD_ROW(struct purchase_obj, id, type, json, limit, dflt)
static const struct numbering__field purchase_rows[] = {NUMBERING__PURCHASE_FIELDS(D)};
#undef D
#define D(id, type, json, limit, dflt) NUMBERING__FIELD_ROW(struct account_obj, id, type, json, limit, dflt)
static const struct numbering__field account_rows[] = {NUMBERING__BILLING_ACCOUNT_FIELDS(D)};
#undef D
#define D(id, type, json, limit, dflt) NUMBERING__FIELD_ROW(struct entry_obj, id, type, json, limit, dflt)
static const struct numbering__field entry_rows[] = {NUMBERING__BILLING_ENTRY_FIELDS(D)};
#undef D
#define D(id, type, json, limit, dflt) NUMBERING__FIELD_ROW(struct subscription_obj, id, type, json, limit, dflt)
static const struct numbering__field subscription_rows[] = {NUMBERING__SUBSCRIPTION_FIELDS(D)};
#undef D
#define D(id, type, json, limit, dflt) NUMBERING__FIELD_ROW(struct reservation_obj, id, type, json, limit, dflt)
static const struct numbering__field reservation_rows[] = {NUMBERING__RESERVATION_FIELDS(D)};
#undef D
#define D(id, type, json, limit, dflt) NUMBERING__FIELD_ROW(struct region_obj, id, type, json, limit, dflt)
static const struct numbering__field region_rows[] = {NUMBERING__REGION_FIELDS(D)};
#undef D
#define D(id, type, json, limit, dflt) NUMBERING__FIELD_ROW(struct application_obj, id, type, json, limit, dflt)
static const struct numbering__field application_rows[] = {NUMBERING__APPLICATION_FIELDS(D)};
#undef D
#define D(id, type, json, limit, dflt) NUMBERING__FIELD_ROW(struct rule_obj, id, type, json, limit, dflt)
static const struct numbering__field rule_rows[] = {NUMBERING__RULE_FIELDS(D)};
#undef D
#define D(id, type, json, limit, dflt) NUMBERING__FIELD_ROW(struct link_obj, id, type, json, limit, dflt)
static const struct numbering__field link_rows[] = {NUMBERING__ACCOUNT_LINK_FIELDS(D)};
#undef D
#define D(id, type, json, limit, dflt) NUMBERING__FIELD_ROW(struct delivery_obj, id, type, json, limit, dflt)
static const struct numbering__field delivery_rows[] = {NUMBERING__DELIVERY_FIELDS(D)};
#undef D
#define D(id, type, json, limit, dflt) NUMBERING__FIELD_ROW(struct config_obj, id, type, json, limit, dflt)
static const struct numbering__field config_rows[] = {NUMBERING__CALLBACK_CONFIG_FIELDS(D)};
#undef D
#define D(id, type, json, limit, dflt) NUMBERING__FIELD_ROW(struct phone_obj, id, type, json, limit, dflt)
static const struct numbering__field phone_rows[] = {NUMBERING__PHONE_FIELDS(D)};
#undef D

struct list_case {
	const char *name;
	const struct numbering__field *rows;
	size_t count, size;
	numbering__fields_encoder *encode;
	numbering__fields_clearer *clear;
};

#define CASE(name) {#name, name##_rows, sizeof(name##_rows) / sizeof(name##_rows[0]), sizeof(struct name##_obj), name##_encode, name##_clear}
static const struct list_case cases[] = {
    CASE(available), CASE(active),      CASE(purchase), CASE(account),  CASE(entry),
    CASE(subscription), CASE(reservation), CASE(region), CASE(application), CASE(rule),
    CASE(link),      CASE(delivery),    CASE(config),   CASE(phone),
};

/* xorshift64: the same objects every run. */
static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A value of 0 .. @max, small ones (one varint byte, two) as often as large ones. */
static uint64_t upto(uint64_t *s, uint64_t max)
{
	uint64_t v = next(s);
	switch (next(s) % 3) {
	case 0:
		v &= 0x7f;
		break;
	case 1:
		v &= 0x3fff;
		break;
	default:
		break;
	}
	return max == UINT64_MAX ? v : v % (max + 1);
}

static char texts[64][80];

/* Sets each attribute of @obj (a zeroed @c object) or leaves it unset, one in @one_in
 * unset; with @bad, one INT row is set past its limit or below its default. */
static void fill(const struct list_case *c, void *obj, uint64_t *s, unsigned one_in, int bad)
{
	for (size_t i = 0; i < c->count; i++) {
		const struct numbering__field *f = &c->rows[i];
		char *at = (char *)obj + f->offset;
		int set = next(s) % one_in != 0;
		switch (f->type) {
		case NUMBERING__FIELD_TEXT: {
			char *t = texts[i % 64];
			size_t len = 1 + (size_t)(next(s) % (sizeof(texts[0]) - 1));
			for (size_t k = 0; k < len; k++)
				t[k] = (char)('a' + next(s) % 26);
			t[len] = '\0';
			char *p = set ? t : NULL;
			memcpy(at, &p, sizeof(p));
			break;
		}
		case NUMBERING__FIELD_INT: {
			int64_t v = f->dflt;
			if (set)
				v = (int64_t)((uint64_t)f->dflt + upto(s, (uint64_t)f->limit - (uint64_t)f->dflt));
			if (bad && set && f->limit < INT64_MAX) {
				v = f->limit + 1;
				bad = 0;
			}
			memcpy(at, &v, sizeof(v));
			break;
		}
		case NUMBERING__FIELD_TIME: {
			int64_t v = set ? (int64_t)next(s) : 0;
			memcpy(at, &v, sizeof(v));
			break;
		}
		case NUMBERING__FIELD_MONEY:
		case NUMBERING__FIELD_SMONEY: {
			struct numbering__money m = {{0}, 0};
			if (set) {
				memcpy(m.currency, "EUR", 4);
				m.minor = (int64_t)upto(s, (uint64_t)f->limit);
				if (f->type == NUMBERING__FIELD_SMONEY && next(s) % 2)
					m.minor = -m.minor;
			}
			memcpy(at, &m, sizeof(m));
			break;
		}
		case NUMBERING__FIELD_CAPS:
			*(uint8_t *)at = set ? (uint8_t)(1 + upto(s, (uint64_t)f->limit - 1)) : 0;
			break;
		default: /* BOOL */
			*(uint8_t *)at = (uint8_t)set;
		}
	}
}

START_TEST(fields_encoders_write_what_the_row_walk_writes)
{
	uint64_t s = UINT64_C(0x9e3779b97f4a7c15);
	unsigned refused = 0;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		const struct list_case *c = &cases[k];
		const struct numbering__fields walk = {c->rows, c->count, c->name, NULL, NULL};
		for (int round = 0; round < 400; round++) {
			void *obj = calloc(1, c->size);
			ck_assert_ptr_nonnull(obj);
			/* Every row unset, every row set, and mixes of both. */
			unsigned one_in = round == 0 ? 1 : round == 1 ? UINT32_MAX : 2 + (unsigned)(round % 4);
			int bad = round % 10 == 9;
			if (round > 0)
				fill(c, obj, &s, one_in, bad);
			struct numbering__buf a = {0}, b = {0};
			/* Something before the body: both append. */
			ck_assert_int_eq(numbering__buf_reserve(&a, 3), NUMBERING_OK);
			ck_assert_int_eq(numbering__buf_reserve(&b, 3), NUMBERING_OK);
			a.len = b.len = 3;
			memset(a.ptr, 7, 3);
			memset(b.ptr, 7, 3);
			int ra = numbering__fields_encode(&walk, &a, obj);
			int rb = c->encode(&b, obj);
			ck_assert_msg(ra == rb, "%s round %d: the walk says %d, the encoder %d", c->name, round, ra, rb);
			if (ra == NUMBERING_OK) {
				ck_assert_msg(a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0, "%s round %d: the bodies differ",
				              c->name, round);
			} else {
				ck_assert_int_eq(ra, NUMBERING_INTERNAL);
				refused++;
			}
			numbering__buf_free(&a);
			numbering__buf_free(&b);
			free(obj);
		}
	}
	ck_assert_uint_gt(refused, 0);
}
END_TEST

/* Copies the texts of @obj (a filled @c object) to the heap, as an object owns them. */
static void own_texts(const struct list_case *c, void *obj)
{
	for (size_t i = 0; i < c->count; i++) {
		char *p;
		/* Only a text row's member is a pointer: a byte-sized row may end the object. */
		if (c->rows[i].type != NUMBERING__FIELD_TEXT)
			continue;
		memcpy(&p, (char *)obj + c->rows[i].offset, sizeof(p));
		if (p != NULL) {
			p = numbering__strndup(p, strlen(p));
			ck_assert_ptr_nonnull(p);
			memcpy((char *)obj + c->rows[i].offset, &p, sizeof(p));
		}
	}
}

START_TEST(fields_clears_leave_what_the_row_walk_leaves)
{
	uint64_t s = UINT64_C(0x2545f4914f6cdd1d);
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		const struct list_case *c = &cases[k];
		const struct numbering__fields walk = {c->rows, c->count, c->name, NULL, NULL};
		for (int round = 0; round < 50; round++) {
			unsigned char *a = calloc(1, c->size), *b = calloc(1, c->size);
			ck_assert_ptr_nonnull(a);
			ck_assert_ptr_nonnull(b);
			/* Garbage but in the text members: every other byte is overwritten. */
			memset(a, 0x5a, c->size);
			for (size_t i = 0; i < c->count; i++)
				if (c->rows[i].type == NUMBERING__FIELD_TEXT)
					memset(a + c->rows[i].offset, 0, sizeof(char *));
			if (round > 0)
				fill(c, a, &s, 2 + (unsigned)(round % 3), 0);
			memcpy(b, a, c->size);
			own_texts(c, a);
			own_texts(c, b);
			numbering__fields_clear(&walk, a);
			c->clear(b);
			ck_assert_msg(memcmp(a, b, c->size) == 0, "%s round %d: the clears differ", c->name, round);
			free(a);
			free(b);
		}
	}
}
END_TEST

/* The refusal names the attribute, as the walk's does. */
START_TEST(fields_an_encoder_refuses_an_int_past_its_limit)
{
	struct purchase_obj p;
	memset(&p, 0, sizeof(p));
	for (size_t i = 0; i < sizeof(purchase_rows) / sizeof(purchase_rows[0]); i++) {
		const struct numbering__field *f = &purchase_rows[i];
		if (f->type != NUMBERING__FIELD_INT || f->limit == INT64_MAX)
			continue;
		struct purchase_obj q = p;
		int64_t v = f->limit + 1;
		memcpy((char *)&q + f->offset, &v, sizeof(v));
		struct numbering__buf b = {0};
		ck_assert_int_eq(purchase_encode(&b, &q), NUMBERING_INTERNAL);
		ck_assert_ptr_nonnull(strstr(numbering_error_message(), f->json));
		numbering__buf_free(&b);
		return;
	}
	ck_abort_msg("a purchase has no bounded INT attribute");
}
END_TEST

Suite *fields_suite(void)
{
	Suite *s = suite_create("fields");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, fields_encoders_write_what_the_row_walk_writes);
	tcase_add_test(tc, fields_an_encoder_refuses_an_int_past_its_limit);
	tcase_add_test(tc, fields_clears_leave_what_the_row_walk_leaves);
	suite_add_tcase(s, tc);
	return s;
}
