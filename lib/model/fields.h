/*
 * Attribute tables: the one list of a record kind's body attributes (its X-macro list,
 * e.g. model/available-fields.h), turned into a descriptor array that drives clearing,
 * copying, the by-name accessors and the body codec of every kind built this way
 * (available numbers, active numbers ...), so a new attribute is one row.
 *
 * The body: a varint of presence bits (bit i for row i), then each present attribute
 * in row order: TEXT a varint byte count and the bytes; INT a varint; TIME a zigzag
 * varint; BOOL nothing (present means 1); MONEY three letters and a varint; CAPS one
 * byte; SMONEY three letters and a zigzag varint (a signed amount: ledger entries).
 * Unset attributes (NULL text, an INT at its default, a 0 TIME / BOOL / CAPS, a price
 * or signed amount without currency) are not stored. Types are appended, never
 * renumbered: a stored body does not name them, but the codec of an existing type
 * never changes.
 */
#ifndef NUMBERING_MODEL_FIELDS_H
#define NUMBERING_MODEL_FIELDS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/alloc.h"
#include "model/record.h"
#include "model/varint.h"
#include "numbering/common.h"

/* A price: currency[0] == '\0' when unset. */
struct numbering__money {
	char currency[4];
	int64_t minor;
};

enum numbering__field_type {
	NUMBERING__FIELD_TEXT,  /* char *, NULL when unset; 1 .. limit bytes of UTF-8 text (dflt
	                         * NUMBERING__FIELD_TEXT_BYTES: of any byte but NUL) */
	NUMBERING__FIELD_INT,   /* int64_t, dflt .. limit; dflt when unset */
	NUMBERING__FIELD_TIME,  /* int64_t ns since the epoch, 0 when unset */
	NUMBERING__FIELD_BOOL,  /* uint8_t 0 or 1 */
	NUMBERING__FIELD_MONEY, /* struct numbering__money; minor units 0 .. limit */
	NUMBERING__FIELD_CAPS,  /* uint8_t, flags 0 .. limit */
	NUMBERING__FIELD_SMONEY /* struct numbering__money; minor units -limit .. limit */
};

/* The dflt of a TEXT row whose bytes are not text (a compact form of their own, read
 * and checked by their kind): the decoder does not hold them to UTF-8. */
#define NUMBERING__FIELD_TEXT_BYTES 1

struct numbering__field {
	const char *json; /* its name in JSON and in the C API */
	uint8_t type;     /* enum numbering__field_type */
	size_t offset;    /* of the member in the object */
	int64_t limit;
	int64_t dflt;
};

/* The struct members of a list: NUMBERING__FIELDS_MEMBERS(NUMBERING__AVAILABLE_FIELDS). */
#define NUMBERING__FIELD_MEMBER_TEXT(id) char *id;
#define NUMBERING__FIELD_MEMBER_INT(id) int64_t id;
#define NUMBERING__FIELD_MEMBER_TIME(id) int64_t id;
#define NUMBERING__FIELD_MEMBER_BOOL(id) uint8_t id;
#define NUMBERING__FIELD_MEMBER_MONEY(id) struct numbering__money id;
#define NUMBERING__FIELD_MEMBER_CAPS(id) uint8_t id;
#define NUMBERING__FIELD_MEMBER_SMONEY(id) struct numbering__money id;
#define NUMBERING__FIELD_MEMBER(id, type, json, limit, dflt) NUMBERING__FIELD_MEMBER_##type(id)
#define NUMBERING__FIELDS_MEMBERS(LIST) LIST(NUMBERING__FIELD_MEMBER)

/* A row's descriptor, for a kind's own NUMBERING__FIELD_DESCRIBE-style macro:
 * #define DESCRIBE(id, type, json, limit, dflt) NUMBERING__FIELD_ROW(struct x, id, type, json, limit, dflt) */
#define NUMBERING__FIELD_ROW(st, id, type, json, limit, dflt) \
	{json, NUMBERING__FIELD_##type, offsetof(st, id), (int64_t)(limit), (int64_t)(dflt)},

/* A table's own encoder and clear (NUMBERING__FIELDS_FUNCTIONS): numbering__fields_encode()'s
 * body, byte for byte, and numbering__fields_clear()'s work. */
typedef int numbering__fields_encoder(struct numbering__buf *out, const void *obj);
typedef void numbering__fields_clearer(void *obj);

struct numbering__fields {
	const struct numbering__field *f;
	size_t count;
	const char *what; /* "available number": for messages */
	numbering__fields_encoder *encode; /* NULL: numbering__fields_encode() walks the rows */
	numbering__fields_clearer *clear;  /* NULL: numbering__fields_clear() walks the rows */
};

/* Defines static int @name##_encode(struct numbering__buf *out, const void *obj) and
 * static void @name##_clear(void *obj), the encoder and the clear of an object of type
 * @st, whose attributes are @LIST's (a kind's X-macro list), for its table: the rows
 * unrolled, each a test of its member against a constant and no switch on its type
 * (the walk's per-row dispatch was ~13 instructions a row, most rows absent, seven
 * bodies of 12-18 rows a purchase). Their work is the walk's (tests/test-fields.c
 * holds them to it for every list). @what names the kind in messages. */
#define NUMBERING__FIELDS_FUNCTIONS(name, st, what, LIST) \
	NUMBERING__FIELDS_ENCODER(name##_encode, st, what, LIST) \
	static void name##_clear(void *obj) \
	{ \
		st *o = obj; \
		LIST(NUMBERING__FIELD_CLEAR) \
	}
#define NUMBERING__FIELD_CLEAR(id, type, json, limit, dflt) NUMBERING__FIELD_CLEAR_##type(id, dflt)
#define NUMBERING__FIELD_CLEAR_TEXT(id, dflt) \
	if (o->id != NULL) { \
		numbering__free_mem(o->id); \
		o->id = NULL; \
	}
#define NUMBERING__FIELD_CLEAR_INT(id, dflt) o->id = (int64_t)(dflt);
#define NUMBERING__FIELD_CLEAR_TIME(id, dflt) o->id = 0;
#define NUMBERING__FIELD_CLEAR_BOOL(id, dflt) o->id = 0;
#define NUMBERING__FIELD_CLEAR_CAPS(id, dflt) o->id = 0;
#define NUMBERING__FIELD_CLEAR_MONEY(id, dflt) memset(&o->id, 0, sizeof(o->id));
#define NUMBERING__FIELD_CLEAR_SMONEY(id, dflt) memset(&o->id, 0, sizeof(o->id));
/* The encoder alone. */
#define NUMBERING__FIELDS_ENCODER(fn, st, what, LIST) \
	static int fn(struct numbering__buf *out, const void *obj) \
	{ \
		const st *o = obj; \
		const char *what_ = (what); \
		enum { LIST(NUMBERING__FIELD_INDEX) rows_ }; \
		uint64_t bits = 0; \
		/* Each row's bound (14: a varint and 3 letters) whether present or not, and \
		 * the texts: one sum, not one a row. */ \
		size_t bound = 10 + 14 * (size_t)rows_; \
		LIST(NUMBERING__FIELD_SCAN) \
		(void)what_; \
		int rc_ = numbering__buf_reserve(out, bound); \
		if (rc_ != NUMBERING_OK) \
			return rc_; \
		uint8_t *p = numbering__varint_put(out->ptr + out->len, bits); \
		LIST(NUMBERING__FIELD_PUT) \
		out->len = (size_t)(p - out->ptr); \
		return NUMBERING_OK; \
	}
/* Each row's bit: its place in the list. */
#define NUMBERING__FIELD_INDEX(id, type, json, limit, dflt) row_##id,
#define NUMBERING__FIELD_BIT(id) (UINT64_C(1) << row_##id)
/* The first pass: presence bits, each text's length, the INT range checks. */
#define NUMBERING__FIELD_SCAN(id, type, json, limit, dflt) NUMBERING__FIELD_SCAN_##type(id, json, limit, dflt)
#define NUMBERING__FIELD_PRESENT(id, cond) bits |= (uint64_t)(cond) << row_##id;
#define NUMBERING__FIELD_SCAN_TEXT(id, json, limit, dflt) \
	size_t len_##id = o->id != NULL ? strlen(o->id) : 0; \
	bound += len_##id; \
	NUMBERING__FIELD_PRESENT(id, o->id != NULL)
#define NUMBERING__FIELD_SCAN_INT(id, json, limit, dflt) \
	if (o->id != (int64_t)(dflt) && (o->id < (int64_t)(dflt) || o->id > (int64_t)(limit))) \
		return numbering__fields_outside(what_, json, o->id, (int64_t)(dflt), (int64_t)(limit)); \
	NUMBERING__FIELD_PRESENT(id, o->id != (int64_t)(dflt))
#define NUMBERING__FIELD_SCAN_TIME(id, json, limit, dflt) NUMBERING__FIELD_PRESENT(id, o->id != 0)
#define NUMBERING__FIELD_SCAN_BOOL(id, json, limit, dflt) NUMBERING__FIELD_PRESENT(id, o->id != 0)
#define NUMBERING__FIELD_SCAN_CAPS(id, json, limit, dflt) NUMBERING__FIELD_PRESENT(id, o->id != 0)
#define NUMBERING__FIELD_SCAN_MONEY(id, json, limit, dflt) NUMBERING__FIELD_PRESENT(id, o->id.currency[0] != '\0')
#define NUMBERING__FIELD_SCAN_SMONEY(id, json, limit, dflt) NUMBERING__FIELD_PRESENT(id, o->id.currency[0] != '\0')
/* The second pass: each present attribute's bytes. */
#define NUMBERING__FIELD_PUT(id, type, json, limit, dflt) \
	if (bits & NUMBERING__FIELD_BIT(id)) { \
		NUMBERING__FIELD_PUT_##type(id) \
	}
#define NUMBERING__FIELD_PUT_TEXT(id) \
	p = numbering__varint_put(p, len_##id); \
	memcpy(p, o->id, len_##id); \
	p += len_##id;
#define NUMBERING__FIELD_PUT_INT(id) p = numbering__varint_put(p, (uint64_t)o->id);
#define NUMBERING__FIELD_PUT_TIME(id) p = numbering__varint_put(p, numbering__zigzag(o->id));
#define NUMBERING__FIELD_PUT_BOOL(id)
#define NUMBERING__FIELD_PUT_CAPS(id) *p++ = o->id;
#define NUMBERING__FIELD_PUT_MONEY(id) \
	memcpy(p, o->id.currency, 3); \
	p = numbering__varint_put(p + 3, (uint64_t)o->id.minor);
#define NUMBERING__FIELD_PUT_SMONEY(id) \
	memcpy(p, o->id.currency, 3); \
	p = numbering__varint_put(p + 3, numbering__zigzag(o->id.minor));

/* The error of an INT attribute @json of @what outside @min .. @max (what the decoder
 * would refuse is never written). */
int numbering__fields_outside(const char *what, const char *json, int64_t v, int64_t min, int64_t max);

/* Frees the text of @obj and sets every attribute to its default. */
void numbering__fields_clear(const struct numbering__fields *t, void *obj);
/* Copies the attributes of @src into @dst (whose own were cleared). */
int numbering__fields_copy(const struct numbering__fields *t, void *dst, const void *src);

/* The row named @json of type @type (-1: any), or NULL. */
const struct numbering__field *numbering__fields_find(const struct numbering__fields *t, const char *json, int type);

/* By-name setters: NUMBERING_INVALID_ARGUMENT naming the attribute when it is unknown,
 * of another type, or the value is out of its range. */
int numbering__fields_set_text(const struct numbering__fields *t, void *obj, const char *json, const char *value);
int numbering__fields_set_int(const struct numbering__fields *t, void *obj, const char *json, int64_t value);
int numbering__fields_set_money(const struct numbering__fields *t, void *obj, const char *json, const char *currency,
                                int64_t minor);
/* (set_money also sets a SMONEY attribute: minor units -limit .. limit.) */
/* By-name getters: "" / 0 for an unknown name; money() also reads a SMONEY one. */
const char *numbering__fields_text(const struct numbering__fields *t, const void *obj, const char *json);
int64_t numbering__fields_int(const struct numbering__fields *t, const void *obj, const char *json);
const struct numbering__money *numbering__fields_money(const struct numbering__fields *t, const void *obj,
                                                       const char *json);

/* Appends the body of @obj to @out. */
int numbering__fields_encode(const struct numbering__fields *t, struct numbering__buf *out, const void *obj);

/* Reads a body into @obj (cleared by the caller): NUMBERING_DATA_LOSS with *field and
 * *problem set for a damaged one; NUMBERING_RESOURCE_EXHAUSTED. */
int numbering__fields_decode(const struct numbering__fields *t, void *obj, const uint8_t *body, size_t len,
                             const char **field, const char **problem);

/* Reads the body of @record into @obj (cleared by the caller) as numbering__fields_decode(),
 * a damaged one NUMBERING_DATA_LOSS saying so through numbering__record_damaged() (@what
 * "" or ending in a space, e.g. "catalogue region "): what every reader of a record kind
 * built on a table does first. */
int numbering__fields_decode_record(const struct numbering__fields *t, void *obj, const numbering_record *record,
                                    const char *what);

/* Reads only rows 0 .. @rows - 1 of a body into @obj (cleared by the caller) and stops
 * there: the later attributes are neither read nor checked, so a reader that needs
 * the first few attributes of many records (pricing: an available number's prices)
 * copies no text. Errors as numbering__fields_decode(). */
int numbering__fields_decode_first(const struct numbering__fields *t, size_t rows, void *obj, const uint8_t *body,
                                   size_t len, const char **field, const char **problem);

#endif
