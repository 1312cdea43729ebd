/* Active numbers: the object's readers and the ACTIVE record (model/active.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "model/active.h"
#include "model/instance.h"
#include "model/kinds.h"
#include "model/varint.h"
#include "numbering/money.h"

#define DESCRIBE(id, type, json, limit, dflt) \
	NUMBERING__FIELD_ROW(struct numbering__active_fields, id, type, json, limit, dflt)
static const struct numbering__field rows[] = {NUMBERING__ACTIVE_FIELDS(DESCRIBE)};
#undef DESCRIBE
_Static_assert(sizeof(rows) / sizeof(rows[0]) <= 63, "an active number's presence bits fit a 64-bit varint");

NUMBERING__FIELDS_FUNCTIONS(active, struct numbering__active_fields, "active number", NUMBERING__ACTIVE_FIELDS)
const struct numbering__fields numbering__active_fields = {rows, sizeof(rows) / sizeof(rows[0]), "active number",
                                                           active_encode, active_clear};

static const char COLLECTION[] = "/activeNumbers/";

void numbering__active_clear(numbering_active_number *a)
{
	numbering__available_clear(&a->stock);
	numbering__fields_clear(&numbering__active_fields, &a->a);
	a->has_stock = 0;
}

void numbering_active_number_free(numbering_active_number *number)
{
	if (number == NULL)
		return;
	numbering__active_clear(number);
	numbering_instance_free(number->instance);
	numbering__free_mem(number);
}

const numbering_instance *numbering_active_number_instance(const numbering_active_number *number)
{
	return number == NULL ? NULL : number->instance;
}

const char *numbering_active_number_project_id(const numbering_active_number *number)
{
	return number == NULL ? "" : number->project_id;
}

const numbering_available_number *numbering_active_number_stock(const numbering_active_number *number)
{
	return number == NULL || !number->has_stock ? NULL : &number->stock;
}

const char *numbering_active_number_text(const numbering_active_number *number, const char *attribute)
{
	return number == NULL ? "" : numbering__fields_text(&numbering__active_fields, &number->a, attribute);
}

int64_t numbering_active_number_int(const numbering_active_number *number, const char *attribute)
{
	return number == NULL ? 0 : numbering__fields_int(&numbering__active_fields, &number->a, attribute);
}

/* Appends @len bytes of @src at *@at in @name, cut as snprintf() would. */
static void name_append(char name[NUMBERING__ACTIVE_NAME_SIZE], size_t *at, const char *src, size_t len)
{
	size_t room = NUMBERING__ACTIVE_NAME_SIZE - 1 - *at;
	if (len > room)
		len = room;
	memcpy(name + *at, src, len);
	*at += len;
}

/* What snprintf("%s%s+%0*" PRIu64) writes, copied: every purchase, rent and release
 * names its active number, and the formatting cost ~1,500 instructions of a purchase. */
void numbering__active_name(char name[NUMBERING__ACTIVE_NAME_SIZE], const char *project, int digits, uint64_t first)
{
	char number[24];
	size_t count = 0, at = 0;
	if (digits < 0 || digits > 20) {
		snprintf(name, NUMBERING__ACTIVE_NAME_SIZE, "%s%s+%0*" PRIu64, project, COLLECTION, digits, first);
		return;
	}
	do {
		number[sizeof(number) - 1 - count++] = (char)('0' + first % 10);
		first /= 10;
	} while (first != 0);
	while (count < (size_t)digits)
		number[sizeof(number) - 1 - count++] = '0';
	number[sizeof(number) - 1 - count++] = '+';
	name_append(name, &at, project, strnlen(project, NUMBERING__ACTIVE_NAME_SIZE));
	name_append(name, &at, COLLECTION, sizeof(COLLECTION) - 1);
	name_append(name, &at, number + sizeof(number) - count, count);
	name[at] = '\0';
}

int numbering__active_to_record(numbering_record *out, const char *name, struct numbering__buf *body,
                                const numbering_active_number *a, const char *project)
{
	const numbering_instance *in = a->instance;
	/* The stock is encoded in place after a one-byte length, moved up in the rare case
	 * its length takes more bytes: a buffer of its own cost a malloc, a realloc and a
	 * free on every purchase (~700 instructions). */
	body->len = 0;
	int rc = numbering__buf_reserve(body, 16);
	if (rc == NUMBERING_OK) {
		body->ptr[0] = (uint8_t)a->has_stock;
		body->len = 1;
		if (a->has_stock) {
			memcpy(body->ptr + 1, a->stock.region_code, 2);
			body->ptr[3] = a->stock.type;
			size_t at = 5; /* after one byte of length */
			body->len = at;
			rc = numbering__fields_encode(&numbering__available_fields, body, &a->stock);
			if (rc == NUMBERING_OK) {
				size_t len = body->len - at;
				uint8_t head[10];
				size_t n = (size_t)(numbering__varint_put(head, len) - head);
				if (n > 1 && (rc = numbering__buf_reserve(body, n - 1)) == NUMBERING_OK) {
					memmove(body->ptr + at + n - 1, body->ptr + at, len);
					body->len += n - 1;
				}
				if (rc == NUMBERING_OK)
					memcpy(body->ptr + 4, head, n);
			}
		}
	}
	if (rc == NUMBERING_OK)
		rc = numbering__fields_encode(&numbering__active_fields, body, &a->a);
	if (rc != NUMBERING_OK)
		return rc;
	memset(out, 0, sizeof(*out));
	out->version = NUMBERING_RECORD_VERSION;
	out->kind = NUMBERING__KIND_ACTIVE;
	out->name = name;
	out->parent = project;
	out->sort_key = numbering__number_order(in->digits, in->first);
	out->expires = a->a.expire_time;
	out->body = body->ptr;
	out->body_len = body->len;
	return NUMBERING_OK;
}

static int damaged(const numbering_record *record, const char *field, const char *problem)
{
	return numbering__record_damaged(record, "active number ", field, problem);
}

int numbering__active_from_record(numbering_active_number *a, const numbering_record *record)
{
	numbering__active_clear(a);
	const uint8_t *p = record->body, *end = p ? p + record->body_len : NULL;
	const char *field = "body", *problem = NULL;
	if (record->kind != NUMBERING__KIND_ACTIVE || record->parent == NULL || strncmp(record->parent, "projects/", 9) != 0 ||
	    record->name == NULL || strncmp(record->name, record->parent, strlen(record->parent)) != 0 ||
	    strstr(record->name, COLLECTION) == NULL || (record->flags & NUMBERING_RECORD_NUMBERS))
		return damaged(record, "name", "its kind, name, parent or flags are not an active number's");
	if (p == NULL || p == end || *p > 1)
		return damaged(record, "body", "it does not start with 0 or 1");
	a->has_stock = *p++;
	int rc;
	if (a->has_stock) {
		if (end - p < 4)
			return damaged(record, "body", "it ends in the middle of the stock");
		memcpy(a->stock.region_code, p, 2);
		a->stock.region_code[2] = '\0';
		a->stock.type = p[2];
		p += 3;
		uint64_t len = 0;
		if (numbering__varint_get(&p, end, &len) != NULL)
			return damaged(record, "body", "the stock's length is damaged");
		if (len > (uint64_t)(end - p))
			return damaged(record, "body", "the stock is longer than the body");
		rc = numbering__fields_decode(&numbering__available_fields, &a->stock, p, (size_t)len, &field, &problem);
		if (rc != NUMBERING_OK) {
			numbering__active_clear(a);
			return problem ? damaged(record, field, problem) : rc;
		}
		p += len;
		if (!numbering_region_is_known(a->stock.region_code) || a->stock.type < NUMBERING_NUMBER_TYPE_LOCAL ||
		    a->stock.type > NUMBERING_NUMBER_TYPE_SHARED_RATE) {
			numbering__active_clear(a);
			return damaged(record, "stock", "its region code or type is unknown");
		}
	}
	rc = numbering__fields_decode(&numbering__active_fields, &a->a, p, (size_t)(end - p), &field, &problem);
	if (rc == NUMBERING_OK && a->a.expire_time != record->expires) {
		rc = NUMBERING_DATA_LOSS;
		field = "expires";
		problem = "the record's expiry is not its expireAt";
	}
	if (rc != NUMBERING_OK) {
		numbering__active_clear(a);
		return problem ? damaged(record, field, problem) : rc;
	}
	return NUMBERING_OK;
}

int numbering__active_record_check(const numbering_record *record)
{
	numbering_active_number a;
	memset(&a, 0, sizeof(a));
	numbering__active_clear(&a);
	int rc = numbering__active_from_record(&a, record);
	numbering__active_clear(&a);
	return rc;
}
