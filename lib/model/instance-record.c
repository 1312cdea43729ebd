/*
 * Instances as records, and the META and REQUEST records (model/instance-record.h).
 *
 * The body of an instance record (docs/RECORDS.md), laid out by the field table
 * (model/instance-fields.h, its body, at and how columns):
 *   byte    mask: which strings follow (MASK and DERIVED bits), and M_EXTRA
 *   byte    pack: is_range | compliant << 1 | trigger << 2 | number_type << 4 | P_AT_CREATE
 *   byte    state: lifecycle_state | capabilities << 3
 *   strings in mask order: varint byte count, the bytes (no NUL)
 *   [M_EXTRA] byte extra (EXTRA bits), then each field it names, in bit order:
 *           set (varint), range size (zigzag varint, when not what the numbers give),
 *           delete time and activate time (zigzag varint differences from the create
 *           time), message and call handlers (byte count, strings), labels (varint
 *           count, then key, value strings in strictly increasing key order)
 * The name, parent, create time (sort_key) and numbers (the interval) are the
 * record's keys (KEY rows); the phone number and range end are stored only when they
 * are not the +E164 text of the first and last number (DERIVED rows).
 *
 * Reading trusts nothing: the record may come from any backend. Every count is
 * checked against the bytes left and the model's limits before anything is copied.
 * One reader serves three sinks, each a specialised copy: an instance refilled again
 * and again (resolve, get: no allocation once grown), a block a list page places
 * instances in, and a count of what placing takes.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "e164/format.h"
#include "model/instance-record.h"
#include "model/validate.h"
#include "model/varint.h"
#include "numbering/sys/backend.h"

/*
 * The body's layout is the field table's (model/instance-fields.h: each row's body, at
 * and how columns): every place below that goes field by field expands the table, and
 * where the bytes follow bit order the rows come out in bit order
 * (model/instance-record-slots.h), as straight code the compiler specialises like
 * hand-written code. A use sets RECORD_USE to its name and defines what a row of each
 * place emits, <use>_<body>(id, m, type, aux, limit, snake, set, at, how), an EXTRA row
 * mostly through one macro per how; the code of each kind of field lives in one helper
 * (read_derived, read_handlers, read_labels, storable_uris, storable_labels).
 */
#define NUMBERING__INSTANCE_FIELD(id, m, type, f1, f1_bit, aux, limit, obj, camel, snake, access, set, json, getter,  \
                                  body, at, how)                                                                      \
	RECORD_ROW(RECORD_USE, body)(id, m, type, aux, limit, snake, set, at, how)
#define RECORD_ROW(use, body) RECORD_ROW_(use, body)
#define RECORD_ROW_(use, body) use##_##body
#define NOTHING(...)

/* The bits each place takes, joined by RECORD_OP: MASK_OF the mask's, EXTRA_OF the
 * extra byte's, PACK_OF and STATE_OF the packed bytes'. */
#define MASK_OF_MASK(id, m, type, aux, limit, snake, set, at, how) RECORD_OP(1u << (at))
#define MASK_OF_DERIVED MASK_OF_MASK
#define MASK_OF_KEY NOTHING
#define MASK_OF_PACK NOTHING
#define MASK_OF_STATE NOTHING
#define MASK_OF_EXTRA NOTHING
#define MASK_OF_NONE NOTHING
#define EXTRA_OF_EXTRA MASK_OF_MASK
#define EXTRA_OF_KEY NOTHING
#define EXTRA_OF_MASK NOTHING
#define EXTRA_OF_DERIVED NOTHING
#define EXTRA_OF_PACK NOTHING
#define EXTRA_OF_STATE NOTHING
#define EXTRA_OF_NONE NOTHING
#define PACK_OF_PACK(id, m, type, aux, limit, snake, set, at, how) RECORD_OP(((1u << (how)) - 1) << (at))
#define PACK_OF_KEY NOTHING
#define PACK_OF_MASK NOTHING
#define PACK_OF_DERIVED NOTHING
#define PACK_OF_STATE NOTHING
#define PACK_OF_EXTRA NOTHING
#define PACK_OF_NONE NOTHING
#define STATE_OF_STATE PACK_OF_PACK
#define STATE_OF_KEY NOTHING
#define STATE_OF_MASK NOTHING
#define STATE_OF_DERIVED NOTHING
#define STATE_OF_PACK NOTHING
#define STATE_OF_EXTRA NOTHING
#define STATE_OF_NONE NOTHING
/* Every NUMBERING__SET_* bit of the table: the request bits a body may hold. */
#define SET_OF_KEY(id, m, type, aux, limit, snake, set, at, how) RECORD_OP(set)
#define SET_OF_MASK SET_OF_KEY
#define SET_OF_DERIVED SET_OF_KEY
#define SET_OF_PACK SET_OF_KEY
#define SET_OF_STATE SET_OF_KEY
#define SET_OF_EXTRA SET_OF_KEY
#define SET_OF_NONE SET_OF_KEY
/* The TIME_OR_CREATE rows, which share the pack byte's bit 7. */
#define AT_CREATE_OF_EXTRA(id, m, type, aux, limit, snake, set, at, how) RECORD_OP(AT_CREATE_##how)
#define AT_CREATE_SET_BITS 0
#define AT_CREATE_SIZE 0
#define AT_CREATE_TIME 0
#define AT_CREATE_TIME_OR_CREATE 1
#define AT_CREATE_URIS 0
#define AT_CREATE_LABELS 0
#define AT_CREATE_OF_KEY NOTHING
#define AT_CREATE_OF_MASK NOTHING
#define AT_CREATE_OF_DERIVED NOTHING
#define AT_CREATE_OF_PACK NOTHING
#define AT_CREATE_OF_STATE NOTHING
#define AT_CREATE_OF_NONE NOTHING

/* The unions of the bits (RECORD_OP |), and their sums (+), which equal the unions
 * only when no two fields share a bit. */
#define RECORD_OP(x) | (x)
enum {
#define RECORD_USE MASK_OF
	M_STRINGS = 0
#include "model/instance-fields.h"
#undef RECORD_USE
	,
	M_EXTRA = 1u << 7, /* the extra byte and its fields follow the strings */
#define RECORD_USE EXTRA_OF
	X_ALL = 0
#include "model/instance-fields.h"
#undef RECORD_USE
	,
#define RECORD_USE PACK_OF
	PACK_BITS = 0
#include "model/instance-fields.h"
#undef RECORD_USE
	,
	P_AT_CREATE = 0x80, /* the TIME_OR_CREATE field is the create time */
#define RECORD_USE STATE_OF
	STATE_BITS = 0
#include "model/instance-fields.h"
#undef RECORD_USE
	,
#define RECORD_USE SET_OF
	SET_ALL = 0
#include "model/instance-fields.h"
#undef RECORD_USE
	,
#undef RECORD_OP
#define RECORD_OP(x) +(x)
#define RECORD_USE MASK_OF
	M_STRINGS_ADDED = 0
#include "model/instance-fields.h"
#undef RECORD_USE
	,
#define RECORD_USE EXTRA_OF
	X_ADDED = 0
#include "model/instance-fields.h"
#undef RECORD_USE
	,
#define RECORD_USE PACK_OF
	PACK_ADDED = 0
#include "model/instance-fields.h"
#undef RECORD_USE
	,
#define RECORD_USE STATE_OF
	STATE_ADDED = 0
#include "model/instance-fields.h"
#undef RECORD_USE
	,
#define RECORD_USE AT_CREATE_OF
	AT_CREATE_ROWS = 0
#include "model/instance-fields.h"
#undef RECORD_USE
};
#undef RECORD_OP

/* Every stored field has a place in the body (a row the body does not name fails
 * here), and the places fit: no bit taken twice, the mask's and the extra byte's bit 7
 * free, each packed value within its bits. */
_Static_assert(M_STRINGS == M_STRINGS_ADDED && M_STRINGS < M_EXTRA, "two strings share a mask bit, or one takes bit 7");
_Static_assert(X_ALL == X_ADDED && X_ALL < 0x80, "two extra fields share a bit, or one takes bit 7");
_Static_assert(PACK_BITS == PACK_ADDED && (PACK_BITS & ~0x7f) == 0, "two pack fields share a bit, or one takes bit 7");
_Static_assert(STATE_BITS == STATE_ADDED && STATE_BITS <= 0xff, "two state fields share a bit, or one is past bit 7");
_Static_assert(AT_CREATE_ROWS <= 1, "two TIME_OR_CREATE fields share the pack byte's bit 7");
#define PLACED_KEY 1
#define PLACED_MASK 1
#define PLACED_DERIVED 1
#define PLACED_PACK 1
#define PLACED_STATE 1
#define PLACED_EXTRA 1
#define PLACED_NONE 0
#define STORED_STR 1
#define STORED_U8 1
#define STORED_U32 1
#define STORED_I64 1
#define STORED_U64 1
#define STORED_LABELS 1
#define STORED_URIS 1
#define STORED_VIEW 0
#define FITS_PACK(limit, how) ((limit) < (1 << (how)))
#define FITS_STATE FITS_PACK
#define FITS_KEY(limit, how) 1
#define FITS_MASK FITS_KEY
#define FITS_DERIVED FITS_KEY
#define FITS_EXTRA FITS_KEY
#define FITS_NONE FITS_KEY
#undef NUMBERING__INSTANCE_FIELD
#define NUMBERING__INSTANCE_FIELD(id, m, type, f1, f1_bit, aux, limit, obj, camel, snake, access, set, json, getter,  \
                                  body, at, how)                                                                      \
	_Static_assert(PLACED_##body == STORED_##type,                                                                   \
	               "the field " #id " is stored but has no place in an instance record's body, or is a VIEW with "  \
	               "one (model/instance-fields.h: body)");                                                           \
	_Static_assert(FITS_##body(limit, how), "the largest value of " #id " does not fit its bits");
#include "model/instance-fields.h"
#undef NUMBERING__INSTANCE_FIELD
#define NUMBERING__INSTANCE_FIELD(id, m, type, f1, f1_bit, aux, limit, obj, camel, snake, access, set, json, getter,  \
                                  body, at, how)                                                                      \
	RECORD_ROW(RECORD_USE, body)(id, m, type, aux, limit, snake, set, at, how)

static const uint64_t pow10_table[NUMBERING_RECORD_DIGITS_MAX + 1] = {
	1ULL,           10ULL,           100ULL,           1000ULL,           10000ULL,           100000ULL,
	1000000ULL,     10000000ULL,     100000000ULL,     1000000000ULL,     10000000000ULL,     100000000000ULL,
	1000000000000ULL, 10000000000000ULL, 100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL};

/* The phone id key: decimal digits of 1 .. INT64_MAX and a NUL. */
#define PHONE_ID_TEXT_SIZE 21

/* Writes @v (> 0) in decimal with a NUL; returns its length plus the NUL. */
static size_t format_phone_id(char *out, uint64_t v)
{
	char tmp[PHONE_ID_TEXT_SIZE];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
	return n + 1;
}

/* Reads a phone id key: 1 .. INT64_MAX in decimal, no sign, no leading zero (the only
 * text format_phone_id() writes). 0 for anything else. */
static int64_t parse_phone_id(const char *key)
{
	if (key[0] < '1' || key[0] > '9')
		return 0;
	/* Two digits a step (every get and resolve reads one key of 6 to 10 digits): the
	 * byte after a digit is there to read, as the digit is not the NUL. */
	uint64_t v = 0;
	size_t i = 0;
	for (;;) {
		unsigned a = (unsigned char)key[i] - (unsigned)'0', b;
		if (a > 9)
			break;
		if ((b = (unsigned char)key[i + 1] - (unsigned)'0') > 9) {
			v = v * 10 + a;
			i++;
			break;
		}
		v = v * 100 + a * 10 + b;
		if ((i += 2) >= 19)
			break;
	}
	return i <= 19 && key[i] == '\0' && v <= (uint64_t)INT64_MAX ? (int64_t)v : 0;
}

static int str_is(const struct numbering__str *s, const char *text, size_t len)
{
	return s->len == len && (len == 0 || memcmp(s->ptr, text, len) == 0);
}

static uint64_t zigzag(uint64_t u)
{
	return (u << 1) ^ (0 - (u >> 63));
}

static int64_t to_i64(uint64_t u)
{
	return u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
}

static int64_t unzigzag(uint64_t v)
{
	return to_i64((v >> 1) ^ (0 - (v & 1)));
}

/* The length of the "projects/{p}" part that starts @name, 0 if it has none. */
static size_t project_len(const char *name, size_t len)
{
	static const char prefix[] = "projects/";
	size_t n = sizeof(prefix) - 1;
	if (len <= n || memcmp(name, prefix, n) != 0 || name[n] == '/')
		return 0;
	const char *slash = memchr(name + n, '/', len - n);
	return slash ? (size_t)(slash - name) : len;
}

static int64_t derived_size(uint64_t first, uint64_t last, int digits)
{
	return digits > 0 && last >= first ? to_i64(last - first + 1) : 0;
}

/* A DERIVED string's number (the locals first and last where it is used), and whether
 * the instance @x gives a text at all: a single number has no range end. */
#define DERIVED_FIRST first
#define DERIVED_HAS_FIRST(x) 1
#define DERIVED_LAST last
#define DERIVED_HAS_LAST(x) ((x)->is_range)

/* ---- Instance -> record ---- */

static int invalid(const numbering_instance *in, const char *field, const char *problem)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "cannot store instance \"%s\": its %s %s",
	                              numbering__quote(quoted, numbering__str_get(&in->name), in->name.len), field,
	                              problem);
}

static int str_cmp(const struct numbering__str *a, const struct numbering__str *b)
{
	return strcmp(numbering__str_get(a), numbering__str_get(b));
}

static int storable_uris(const numbering_instance *in, const char *field, const struct numbering__str *list,
                         uint32_t count, uint32_t max)
{
	if (count > NUMBERING_HANDLER_URIS_MAX)
		return invalid(in, field, "are more than 5");
	for (uint32_t i = 0; i < count; i++)
		if (list[i].len == 0 || list[i].len > max)
			return invalid(in, field, "hold one that is empty or longer than the model allows");
	return NUMBERING_OK;
}

static int storable_labels(const numbering_instance *in, const char *field, uint32_t key_max)
{
	if (in->label_count > NUMBERING_LABELS_MAX)
		return invalid(in, field, "are more than 50");
	for (uint32_t i = 0; i < in->label_count; i++) {
		if (in->labels[i].key.len == 0 || in->labels[i].key.len > key_max ||
		    in->labels[i].value.len > NUMBERING__F1_LABEL_VALUE_BYTES_MAX)
			return invalid(in, field, "hold a key that is empty or a key or value longer than the model allows");
		if (i > 0 && str_cmp(&in->labels[i - 1].key, &in->labels[i].key) >= 0)
			return invalid(in, field, "are not in strictly increasing key order");
	}
	return NUMBERING_OK;
}

/* Refuses what reading would refuse, so that every record written reads back. */
static int storable(const numbering_instance *in)
{
	if (in->phone_id < 0)
		return invalid(in, "phone_id", "a phone id is a positive integer, or 0 for none");
	if (in->name.len == 0)
		return invalid(in, "name", "is empty: only a named instance is stored");
	if (in->name.len > NUMBERING__F1_NAME_BYTES_MAX)
		return invalid(in, "name", "is longer than 512 bytes");
	if (in->digits == 0 || in->digits > NUMBERING_RECORD_DIGITS_MAX)
		return invalid(in, "phone_number", "has no digit count of 1 to 16: only an instance holding numbers is stored");
	if (in->first > in->last || in->last >= pow10_table[in->digits])
		return invalid(in, "phone_number", "holds numbers that are not first <= last of its digit count");
	int rc = NUMBERING_OK;
#define STORABLE_KEY NOTHING
#define STORABLE_NONE NOTHING
#define STORABLE_MASK(id, m, type, aux, limit, snake, set, at, how)                                                   \
	if (in->m.len > (limit))                                                                                        \
		return invalid(in, #m, "is longer than the model allows");
#define STORABLE_DERIVED STORABLE_MASK
#define STORABLE_PACK(id, m, type, aux, limit, snake, set, at, how)                                                   \
	if (in->m > (limit))                                                                                            \
		return invalid(in, #m, "holds an unknown value");
#define STORABLE_STATE STORABLE_PACK
#define STORABLE_EXTRA(id, m, type, aux, limit, snake, set, at, how) STORABLE_X_##how(m, aux, limit, snake)
#define STORABLE_X_SET_BITS(m, aux, limit, snake)                                                                      \
	if (in->m & ~(uint32_t)SET_ALL)                                                                                 \
		return invalid(in, #m, "holds an unknown bit");
#define STORABLE_X_SIZE NOTHING
#define STORABLE_X_TIME NOTHING
#define STORABLE_X_TIME_OR_CREATE NOTHING
#define STORABLE_X_URIS(m, aux, limit, snake)                                                                          \
	if ((rc = storable_uris(in, snake, in->m, in->aux, limit)) != NUMBERING_OK)                                     \
		return rc;
#define STORABLE_X_LABELS(m, aux, limit, snake)                                                                        \
	if ((rc = storable_labels(in, #m, limit)) != NUMBERING_OK)                                                      \
		return rc;
#define RECORD_USE STORABLE
#include "model/instance-fields.h"
#undef RECORD_USE
	return rc;
}

static uint8_t *put_varint(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

static uint8_t *put_str(uint8_t *p, const struct numbering__str *s)
{
	p = put_varint(p, s->len);
	if (s->len > 0)
		memcpy(p, s->ptr, s->len);
	return p + s->len;
}

/* What a string costs at most: its bytes and a count of up to 3 bytes (< 2^21). */
static size_t str_bound(const struct numbering__str *s)
{
	return (size_t)s->len + 3;
}

int numbering__instance_to_record(numbering_record *out, struct numbering__buf *body, const numbering_instance *in)
{
	if (out == NULL || body == NULL || in == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering__instance_to_record: %s is NULL",
		                            out == NULL ? "out" : body == NULL ? "body" : "instance");
	int rc = storable(in);
	if (rc != NUMBERING_OK)
		return rc;
	const uint64_t first = in->first, last = in->last;
	const unsigned digits = in->digits;
	char derived[24];
	uint8_t mask = 0, extra = 0;
	/* Which strings and extra fields are stored. */
#define PRESENT_KEY NOTHING
#define PRESENT_NONE NOTHING
#define PRESENT_PACK NOTHING
#define PRESENT_STATE NOTHING
#define PRESENT_MASK(id, m, type, aux, limit, snake, set, at, how)                                                    \
	if (in->m.len > 0)                                                                                              \
		mask |= 1u << (at);
#define PRESENT_DERIVED(id, m, type, aux, limit, snake, set, at, how)                                                 \
	if (!str_is(&in->m, derived,                                                                                     \
	            DERIVED_HAS_##how(in) ? numbering__e164_format(derived, sizeof(derived), DERIVED_##how, digits) : 0))  \
		mask |= 1u << (at);
#define PRESENT_EXTRA(id, m, type, aux, limit, snake, set, at, how)                                                   \
	if (X_PRESENT_##how(m, aux))                                                                                     \
		extra |= 1u << (at);
#define X_PRESENT_SET_BITS(m, aux) (in->m != 0)
#define X_PRESENT_SIZE(m, aux) (in->m != derived_size(first, last, (int)digits))
#define X_PRESENT_TIME(m, aux) (in->m != 0)
#define X_PRESENT_TIME_OR_CREATE(m, aux) (in->m != 0 && in->m != in->create_time)
#define X_PRESENT_URIS(m, aux) (in->aux != 0)
#define X_PRESENT_LABELS(m, aux) (in->label_count != 0)
#define RECORD_USE PRESENT
#include "model/instance-fields.h"
#undef RECORD_USE
	if (extra)
		mask |= M_EXTRA;

	/* The three bytes, the extra byte, and each field's most. */
	size_t parent = project_len(in->name.ptr, in->name.len);
	size_t bound = 4 + parent + 1 + PHONE_ID_TEXT_SIZE;
#define BOUND_KEY NOTHING
#define BOUND_NONE NOTHING
#define BOUND_PACK NOTHING
#define BOUND_STATE NOTHING
#define BOUND_MASK(id, m, type, aux, limit, snake, set, at, how) bound += str_bound(&in->m);
#define BOUND_DERIVED BOUND_MASK
#define BOUND_EXTRA(id, m, type, aux, limit, snake, set, at, how) X_BOUND_##how(m, aux)
#define X_BOUND_SET_BITS(m, aux) bound += 10;
#define X_BOUND_SIZE X_BOUND_SET_BITS
#define X_BOUND_TIME X_BOUND_SET_BITS
#define X_BOUND_TIME_OR_CREATE X_BOUND_SET_BITS
#define X_BOUND_URIS(m, aux)                                                                                           \
	bound += 1;                                                                                                     \
	for (uint32_t i = 0; i < in->aux; i++)                                                                          \
		bound += str_bound(&in->m[i]);
#define X_BOUND_LABELS(m, aux)                                                                                         \
	bound += 10;                                                                                                    \
	for (uint32_t i = 0; i < in->label_count; i++)                                                                  \
		bound += str_bound(&in->m[i].key) + str_bound(&in->m[i].value);
#define RECORD_USE BOUND
#include "model/instance-fields.h"
#undef RECORD_USE
	body->len = 0;
	if ((rc = numbering__buf_reserve(body, bound)) != NUMBERING_OK)
		return rc;

	uint8_t pack = 0, state = 0;
#define PACKED_KEY NOTHING
#define PACKED_NONE NOTHING
#define PACKED_MASK NOTHING
#define PACKED_DERIVED NOTHING
#define PACKED_PACK(id, m, type, aux, limit, snake, set, at, how) pack |= (uint8_t)(in->m << (at));
#define PACKED_STATE(id, m, type, aux, limit, snake, set, at, how) state |= (uint8_t)(in->m << (at));
#define PACKED_EXTRA(id, m, type, aux, limit, snake, set, at, how) X_PACKED_##how(m)
#define X_PACKED_SET_BITS NOTHING
#define X_PACKED_SIZE NOTHING
#define X_PACKED_TIME NOTHING
#define X_PACKED_TIME_OR_CREATE(m)                                                                                     \
	if (in->m == in->create_time && in->m != 0)                                                                     \
		pack |= P_AT_CREATE;
#define X_PACKED_URIS NOTHING
#define X_PACKED_LABELS NOTHING
#define RECORD_USE PACKED
#include "model/instance-fields.h"
#undef RECORD_USE
	uint8_t *p = body->ptr;
	*p++ = mask;
	*p++ = pack;
	*p++ = state;
	/* The strings in mask order, then the extra fields in bit order. */
#define PUT_KEY NOTHING
#define PUT_NONE NOTHING
#define PUT_PACK NOTHING
#define PUT_STATE NOTHING
#define PUT_EXTRA NOTHING
#define PUT_MASK(id, m, type, aux, limit, snake, set, at, how)                                                        \
	if ((at) == NUMBERING__RECORD_SLOT && (mask & 1u << (at)))                                                       \
		p = put_str(p, &in->m);
#define PUT_DERIVED PUT_MASK
#define RECORD_USE PUT
#include "model/instance-record-slots.h"
#undef RECORD_USE
	if (extra) {
		*p++ = extra;
#define PUT_X_KEY NOTHING
#define PUT_X_NONE NOTHING
#define PUT_X_PACK NOTHING
#define PUT_X_STATE NOTHING
#define PUT_X_MASK NOTHING
#define PUT_X_DERIVED NOTHING
#define PUT_X_EXTRA(id, m, type, aux, limit, snake, set, at, how)                                                     \
	if ((at) == NUMBERING__RECORD_SLOT && (extra & 1u << (at))) {                                                    \
		X_PUT_##how(m, aux)                                                                                         \
	}
#define X_PUT_SET_BITS(m, aux) p = put_varint(p, in->m);
#define X_PUT_SIZE(m, aux) p = put_varint(p, zigzag((uint64_t)in->m));
#define X_PUT_TIME(m, aux) p = put_varint(p, zigzag((uint64_t)in->m - (uint64_t)in->create_time));
#define X_PUT_TIME_OR_CREATE X_PUT_TIME
#define X_PUT_URIS(m, aux)                                                                                             \
	*p++ = (uint8_t)in->aux;                                                                                        \
	for (uint32_t i = 0; i < in->aux; i++)                                                                          \
		p = put_str(p, &in->m[i]);
#define X_PUT_LABELS(m, aux)                                                                                           \
	p = put_varint(p, in->label_count);                                                                             \
	for (uint32_t i = 0; i < in->label_count; i++) {                                                                \
		p = put_str(p, &in->m[i].key);                                                                              \
		p = put_str(p, &in->m[i].value);                                                                            \
	}
#define RECORD_USE PUT_X
#include "model/instance-record-slots.h"
#undef RECORD_USE
	}
	size_t body_len = (size_t)(p - body->ptr);
	memcpy(p, in->name.ptr, parent);
	p[parent] = '\0';
	/* The phone id's key after the parent, in the same buffer. */
	char *phone_key = (char *)p + parent + 1;
	size_t phone_len = in->phone_id > 0 ? format_phone_id(phone_key, (uint64_t)in->phone_id) : 0;
	body->len = body_len + parent + 1 + phone_len;

	memset(out, 0, sizeof(*out));
	out->version = NUMBERING_RECORD_VERSION;
	out->kind = NUMBERING__KIND_INSTANCE;
	out->flags = in->lifecycle_state == NUMBERING_LIFECYCLE_DELETED
	                 ? 0
	                 : NUMBERING_RECORD_LISTED | NUMBERING_RECORD_NUMBERS;
	out->name = in->name.ptr;
	out->parent = (const char *)body->ptr + body_len;
	out->sort_key = in->create_time;
	out->digits = in->digits;
	out->first = in->first;
	out->last = in->last;
	out->keys[0] = phone_len > 0 ? phone_key : NULL;
	out->body = body->ptr;
	out->body_len = body_len;
	return NUMBERING_OK;
}

/* ---- Record -> instance ---- */

/*
 * Where a read string goes. OWN: the grow-only buffers of an instance refilled again
 * and again, written in place when there is room. PLACE: carved one after another
 * from the block the instance was placed in, each marked borrowed. COUNT: nowhere;
 * the bytes PLACE will need are added up. CHECK: nowhere; the record is checked.
 */
enum sink_mode { SINK_OWN, SINK_PLACE, SINK_COUNT, SINK_CHECK };

/* COUNT, and OWN and PLACE of a trusted record (one the library's own backend kept
 * as numbering__instance_to_record() wrote it), walk the structure only: every count
 * is still checked against the bytes left, so nothing is read outside them. The
 * other modes check every limit of the model as well. */
#define CHECKS(k) ((k)->mode != SINK_COUNT && !(k)->trusted)
/* COUNT and CHECK store nothing. */
#define STORES(k) ((k)->mode == SINK_OWN || (k)->mode == SINK_PLACE)

/* Placed instances are laid end to end: keep each aligned for the next. */
#define PLACE_ALIGN 8

/* read() and what it calls are inlined into each caller, specialised for its mode. */
#if defined(__GNUC__) || defined(__clang__)
#define SINK_INLINE static inline __attribute__((always_inline))
#else
#define SINK_INLINE static inline
#endif

struct sink {
	enum sink_mode mode;
	int trusted;      /* see CHECKS() */
	char *next, *end; /* PLACE: the next free byte, the end of the block */
	size_t bytes;     /* COUNT: string bytes so far, NULs included */
	uint32_t labels;  /* COUNT: labels */
	int carve;        /* PLACE in one pass: the labels are carved from the block when their count is read */
	/* OWN: the +E164 text (a NUL after it) of number e164_value of e164_digits digits,
	 * which the caller has (resolve: the parsed input); NULL for none. Copied instead
	 * of formatted where a derived string is that number's text. */
	const char *e164;
	uint64_t e164_value;
	unsigned e164_digits;
};

struct reader {
	const uint8_t *p, *end;
	const char *field;   /* the field a problem was met in */
	const char *problem; /* NULL, or what is wrong */
};

static int bad(struct reader *r, const char *field, const char *problem)
{
	if (r->problem == NULL) {
		r->field = field;
		r->problem = problem;
	}
	return NUMBERING_DATA_LOSS;
}

/* Copies @len bytes: up to 16 with two loads and two stores (overlapping) of the
 * widest size that fits, as memcpy does inside, without its call: a resolve copies
 * seven strings of a few bytes, some empty (~12 instructions each of the call). */
SINK_INLINE void copy_bytes(char *d, const char *p, size_t len)
{
	if (len > 16) {
		memcpy(d, p, len);
	} else if (len >= 8) {
		uint64_t a, b;
		memcpy(&a, p, 8);
		memcpy(&b, p + len - 8, 8);
		memcpy(d, &a, 8);
		memcpy(d + len - 8, &b, 8);
	} else if (len >= 4) {
		uint32_t a, b;
		memcpy(&a, p, 4);
		memcpy(&b, p + len - 4, 4);
		memcpy(d, &a, 4);
		memcpy(d + len - 4, &b, 4);
	} else if (len > 0) {
		d[0] = p[0];
		d[len / 2] = p[len / 2];
		d[len - 1] = p[len - 1];
	}
}

/* Sets a grow-only string, in place when it has room (len + 1 <= capacity). */
SINK_INLINE int set_str(struct numbering__str *s, const char *p, size_t len)
{
	if (s->ptr != NULL && len < (size_t)numbering__str_capacity(s)) {
		copy_bytes(s->ptr, p, len);
		s->ptr[len] = '\0';
		s->len = (uint32_t)len;
		return NUMBERING_OK;
	}
	if (len == 0 && s->ptr == NULL) {
		s->len = 0;
		return NUMBERING_OK;
	}
	return numbering__str_set(s, p, len);
}

/* PLACE: makes @s the next @len bytes (and a NUL) of the block; NULL when they do not fit. */
SINK_INLINE char *place_take(struct sink *k, struct numbering__str *s, size_t len)
{
	if ((size_t)(k->end - k->next) < len + 1)
		return NULL;
	char *p = k->next;
	k->next += len + 1;
	p[len] = '\0';
	s->ptr = p;
	s->len = (uint32_t)len;
	s->cap = (uint32_t)(len + 1) | NUMBERING__STR_BORROWED;
	return p;
}

SINK_INLINE int sink_str(struct sink *k, struct numbering__str *s, const char *p, size_t len)
{
	switch (k->mode) {
	case SINK_COUNT:
	case SINK_CHECK:
		k->bytes += len ? len + 1 : 0;
		return NUMBERING_OK;
	case SINK_PLACE: {
		if (len == 0)
			return NUMBERING_OK; /* the placed instance was zeroed: "" */
		char *d = place_take(k, s, len);
		if (d == NULL)
			return NUMBERING_INTERNAL;
		memcpy(d, p, len);
		return NUMBERING_OK;
	}
	default:
		return set_str(s, p, len);
	}
}

SINK_INLINE int get_byte(struct reader *r, const char *field, uint8_t *b)
{
	if (r->p >= r->end)
		return bad(r, field, "the body ends in the middle of it");
	*b = *r->p++;
	return NUMBERING_OK;
}

SINK_INLINE int get_varint(struct reader *r, const char *field, uint64_t *v)
{
	const char *problem = numbering__varint_get(&r->p, r->end, v);
	return problem == NULL ? NUMBERING_OK : bad(r, field, problem);
}

/* A string of @min .. @max bytes of UTF-8 without NUL: where it is in the body. */
SINK_INLINE int get_raw(struct sink *k, struct reader *r, const char *field, const char **s, size_t *len, size_t min,
                        size_t max)
{
	uint64_t n;
	int rc = get_varint(r, field, &n);
	if (rc != NUMBERING_OK)
		return rc;
	if (n > (uint64_t)(r->end - r->p))
		return bad(r, field, "it is longer than the bytes left");
	if (CHECKS(k) && (n < min || n > max))
		return bad(r, field, n < min ? "it is empty" : "it is longer than the model allows");
	const char *problem = CHECKS(k) ? numbering__stored_text_problem(r->p, (size_t)n) : NULL;
	if (problem != NULL)
		return bad(r, field, problem);
	*s = (const char *)r->p;
	*len = (size_t)n;
	r->p += n;
	return NUMBERING_OK;
}

SINK_INLINE int get_str(struct sink *k, struct reader *r, const char *field, struct numbering__str *s, size_t min,
                        size_t max)
{
	const char *p;
	size_t len;
	int rc = get_raw(k, r, field, &p, &len, min, max);
	return rc != NUMBERING_OK ? rc : sink_str(k, s, p, len);
}

/* Sets @s to the +E164 form of @value, formatting where it goes when there is room. */
SINK_INLINE int set_e164(struct sink *k, struct numbering__str *s, uint64_t value, unsigned digits)
{
	if (!STORES(k)) {
		k->bytes += (size_t)digits + 2; /* the digits fit: the keys were checked */
		return NUMBERING_OK;
	}
	if (k->mode == SINK_OWN && s->ptr != NULL && (size_t)numbering__str_capacity(s) >= (size_t)digits + 2) {
		if (k->e164 != NULL && value == k->e164_value && digits == k->e164_digits) {
			copy_bytes(s->ptr, k->e164, (size_t)digits + 2);
			s->len = digits + 1;
			return NUMBERING_OK;
		}
		s->len = (uint32_t)numbering__e164_format(s->ptr, (size_t)numbering__str_capacity(s), value, digits);
		return NUMBERING_OK;
	}
	if (k->mode == SINK_PLACE && (size_t)(k->end - k->next) >= (size_t)digits + 2) {
		size_t n = numbering__e164_format(k->next, (size_t)(k->end - k->next), value, digits);
		if (n > 0)
			place_take(k, s, n); /* fits: the room was checked */
		return NUMBERING_OK;
	}
	char buf[24];
	return sink_str(k, s, buf, numbering__e164_format(buf, sizeof(buf), value, digits));
}

/* PLACE in one pass: @n zeroed labels at the next 8-byte boundary of the block. */
SINK_INLINE int place_labels(struct sink *k, numbering_instance *out, uint32_t n)
{
	size_t pad = (size_t)(-(uintptr_t)k->next & (PLACE_ALIGN - 1));
	size_t size = (size_t)n * sizeof(struct numbering__label);
	if ((size_t)(k->end - k->next) < pad + size)
		return NUMBERING_INTERNAL;
	struct numbering__label *labels = (struct numbering__label *)(void *)(k->next + pad);
	memset(labels, 0, size);
	k->next += pad + size;
	out->labels = labels;
	out->label_cap = n;
	return NUMBERING_OK;
}

/* Whether (a, alen) sorts strictly before (b, blen) as strcmp() orders them. */
static int key_before(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int c = memcmp(a, b, n);
	return c < 0 || (c == 0 && alen < blen);
}

/* Labels: OWN grows the instance's array; PLACE finds it placed (label_cap entries,
 * zeroed); COUNT counts them. */
SINK_INLINE int read_labels(struct sink *k, struct reader *r, numbering_instance *out, size_t key_max)
{
	uint64_t n;
	int rc = get_varint(r, "labels", &n);
	if (rc != NUMBERING_OK)
		return rc;
	if (n == 0 || n > NUMBERING_LABELS_MAX)
		return bad(r, "labels", "their count is not 1 to 50");
	if (n * 2 > (uint64_t)(r->end - r->p))
		return bad(r, "labels", "their count exceeds the bytes left");
	if (k->mode == SINK_OWN && out->label_cap < n) {
		struct numbering__label *labels = numbering__realloc(out->labels, (size_t)n * sizeof(*labels));
		if (labels == NULL)
			return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for %u labels", (unsigned)n);
		memset(labels + out->label_cap, 0, (size_t)(n - out->label_cap) * sizeof(*labels));
		out->labels = labels;
		out->label_cap = (uint32_t)n;
	}
	if (k->mode == SINK_PLACE && k->carve) {
		/* The labels are the body's last field: only their strings follow the array. */
		if (place_labels(k, out, (uint32_t)n) != NUMBERING_OK)
			return NUMBERING_INTERNAL; /* no room */
	} else if (k->mode == SINK_PLACE && out->label_cap != n) {
		return NUMBERING_INTERNAL; /* placed for another record */
	}
	if (!STORES(k))
		k->labels = (uint32_t)n;
	struct numbering__label counted = {{NULL, 0, 0}, {NULL, 0, 0}};
	const char *prev = NULL, *key, *value;
	size_t prev_len = 0, key_len, value_len;
	for (uint32_t i = 0; i < n; i++) {
		struct numbering__label *label = STORES(k) ? &out->labels[i] : &counted;
		if ((rc = get_raw(k, r, "labels", &key, &key_len, 1, key_max)) != NUMBERING_OK ||
		    (rc = get_raw(k, r, "labels", &value, &value_len, 0,
		                      NUMBERING__F1_LABEL_VALUE_BYTES_MAX)) != NUMBERING_OK)
			return rc;
		if (CHECKS(k) && prev != NULL && !key_before(prev, prev_len, key, key_len))
			return bad(r, "labels", "they are not in strictly increasing key order");
		prev = key;
		prev_len = key_len;
		if ((rc = sink_str(k, &label->key, key, key_len)) != NUMBERING_OK ||
		    (rc = sink_str(k, &label->value, value, value_len)) != NUMBERING_OK)
			return rc;
		if (STORES(k))
			out->label_count = i + 1;
	}
	return NUMBERING_OK;
}

SINK_INLINE int read_handlers(struct sink *k, struct reader *r, const char *field, struct numbering__str *list,
                              uint32_t *count, size_t max)
{
	uint8_t n;
	int rc = get_byte(r, field, &n);
	if (rc != NUMBERING_OK)
		return rc;
	if (n == 0 || n > NUMBERING_HANDLER_URIS_MAX)
		return bad(r, field, "their count is not 1 to 5");
	struct numbering__str counted = {NULL, 0, 0};
	for (uint32_t i = 0; i < n; i++) {
		/* Read as stored, a credential kept before they were refused included: a
		 * write starts from the record as it is, and only what the caller is handed
		 * is masked (numbering__instance_hide_credentials()). */
		if ((rc = get_str(k, r, field, STORES(k) ? &list[i] : &counted, 1, max)) != NUMBERING_OK)
			return rc;
		*count = i + 1;
	}
	return NUMBERING_OK;
}

/* A DERIVED string: read when @stored (the mask's bit), which it may be only when it
 * is not the text the numbers give (@has: whether they give one, the +E164 of @value);
 * else that text. Rare (request texts), so the check costs the hot path nothing. */
SINK_INLINE int read_derived(struct sink *k, struct reader *r, const char *field, struct numbering__str *s, size_t max,
                             unsigned stored, int has, uint64_t value, unsigned digits)
{
	if (!stored)
		return has ? set_e164(k, s, value, digits) : sink_str(k, s, "", 0);
	const char *text;
	size_t text_len;
	int rc = get_raw(k, r, field, &text, &text_len, 0, max);
	if (rc != NUMBERING_OK)
		return rc;
	if (CHECKS(k)) {
		char derived[24];
		size_t n = has ? numbering__e164_format(derived, sizeof(derived), value, digits) : 0;
		if (text_len == n && (n == 0 || memcmp(text, derived, n) == 0))
			return bad(r, field, "it is stored but is what the numbers give");
	}
	return sink_str(k, s, text, text_len);
}

/* The keys of an instance record: NUMBERING_DATA_LOSS unless they are what
 * numbering__instance_to_record() writes (the state is checked against the flags
 * once the body is read). */
static int check_keys(struct reader *r, const numbering_record *rec, size_t name_len)
{
	if (rec->kind != NUMBERING__KIND_INSTANCE)
		return bad(r, "kind", "it is not the instance kind (3)");
	if (rec->name == NULL || name_len == 0 || name_len > NUMBERING__F1_NAME_BYTES_MAX)
		return bad(r, "name", "it is missing, empty or longer than 512 bytes");
	/* The checked reading only (a host's backend, import, fsck): the store's own
	 * records took their names from the checked API or a checked import, and the hot
	 * get and resolve read them trusted. */
	const char *text = numbering__stored_text_problem(rec->name, name_len);
	if (text != NULL)
		return bad(r, "name", text);
	if (rec->digits < 1 || rec->digits > NUMBERING_RECORD_DIGITS_MAX || rec->first > rec->last ||
	    rec->last >= pow10_table[rec->digits])
		return bad(r, "digits", "the record holds no interval first <= last of 1 to 16 digits");
	size_t parent = project_len(rec->name, name_len);
	/* strncmp, not memcmp: a shorter parent ends before @parent bytes. */
	if (rec->parent == NULL || strncmp(rec->parent, rec->name, parent) != 0 || rec->parent[parent] != '\0')
		return bad(r, "parent", "it is not the project of the instance's name");
	if (rec->expires != 0 || rec->keys[1] || rec->keys[2] || rec->keys[3])
		return bad(r, "keys", "an instance record has no expiry and no secondary key but its phone id");
	if (rec->keys[0] != NULL && parse_phone_id(rec->keys[0]) == 0)
		return bad(r, "keys[0]", "it is not a phone id (1 .. 9223372036854775807 in decimal)");
	if (rec->body == NULL && rec->body_len > 0)
		return bad(r, "body", "it is NULL");
	return NUMBERING_OK;
}

SINK_INLINE int read(struct sink *k, struct reader *r, numbering_instance *out, const numbering_record *rec)
{
	size_t name_len = strlen(rec->name ? rec->name : "");
	/* COUNT needs only what sizes the block: the digit count (placing checks the rest).
	 * A trusted record's keys are what numbering__instance_to_record() wrote: the
	 * kind and the digit count, which the reading relies on, are checked, not the
	 * parent and the empty keys (the list and resolve paths). */
	int rc = k->mode != SINK_COUNT && !k->trusted ? check_keys(r, rec, name_len)
	         : k->mode != SINK_COUNT && rec->kind != NUMBERING__KIND_INSTANCE
	             ? bad(r, "kind", "it is not the instance kind (3)")
	         : rec->digits < 1 || rec->digits > NUMBERING_RECORD_DIGITS_MAX
	             ? bad(r, "digits", "the record holds no interval of 1 to 16 digits")
	             : NUMBERING_OK;
	if (rc != NUMBERING_OK)
		return rc;
	const uint64_t first = rec->first, last = rec->last;
	const unsigned digits = (unsigned)rec->digits;
	const int64_t create = rec->sort_key;
	out->first = first;
	out->last = last;
	out->digits = (uint8_t)digits;
	out->create_time = create;
	out->phone_id = rec->keys[0] != NULL ? parse_phone_id(rec->keys[0]) : 0;
	if ((rc = sink_str(k, &out->name, rec->name, name_len)) != NUMBERING_OK)
		return rc;
	uint8_t mask, pack, state;
	if ((rc = get_byte(r, "body", &mask)) != NUMBERING_OK || (rc = get_byte(r, "body", &pack)) != NUMBERING_OK ||
	    (rc = get_byte(r, "lifecycle_state", &state)) != NUMBERING_OK)
		return rc;
	/* The packed bytes (each value checked in every mode: they index tables), and the
	 * TIME_OR_CREATE field when the pack byte says it is the create time. */
#define GET_PACKED_KEY NOTHING
#define GET_PACKED_NONE NOTHING
#define GET_PACKED_MASK NOTHING
#define GET_PACKED_DERIVED NOTHING
#define GET_PACKED_PACK(id, m, type, aux, limit, snake, set, at, how)                                                 \
	if (((unsigned)pack >> (at) & ((1u << (how)) - 1)) > (limit))                                                   \
		return bad(r, #m, "it holds an unknown value");                                                             \
	out->m = (uint8_t)((unsigned)pack >> (at) & ((1u << (how)) - 1));
#define GET_PACKED_STATE(id, m, type, aux, limit, snake, set, at, how)                                                \
	if (((unsigned)state >> (at) & ((1u << (how)) - 1)) > (limit))                                                  \
		return bad(r, #m, "it holds an unknown value");                                                             \
	out->m = (uint8_t)((unsigned)state >> (at) & ((1u << (how)) - 1));
#define GET_PACKED_EXTRA(id, m, type, aux, limit, snake, set, at, how) X_GET_PACKED_##how(m)
#define X_GET_PACKED_SET_BITS NOTHING
#define X_GET_PACKED_SIZE NOTHING
#define X_GET_PACKED_TIME NOTHING
#define X_GET_PACKED_TIME_OR_CREATE(m)                                                                                 \
	if ((pack & P_AT_CREATE) && create == 0)                                                                        \
		return bad(r, #m, "it is the create time, which is 0");                                                     \
	out->m = (pack & P_AT_CREATE) ? create : 0;
#define X_GET_PACKED_URIS NOTHING
#define X_GET_PACKED_LABELS NOTHING
#define RECORD_USE GET_PACKED
#include "model/instance-fields.h"
#undef RECORD_USE
	if (((unsigned)pack & ~(unsigned)(PACK_BITS | P_AT_CREATE)) || ((unsigned)state & ~(unsigned)STATE_BITS))
		return bad(r, "body", "its packed bytes hold a bit this version does not know");
	unsigned want =
	    out->lifecycle_state == NUMBERING_LIFECYCLE_DELETED ? 0 : NUMBERING_RECORD_LISTED | NUMBERING_RECORD_NUMBERS;
	/* (Less the flag of a backend that vouches for the record: model/record.h.) */
	if ((rec->flags & ~NUMBERING__RECORD_VOUCHED) != want)
		return bad(r, "flags", "they are not LISTED | NUMBERS for an instance that is not DELETED, 0 for one that is");
	/* The strings in mask order. */
#define GET_KEY NOTHING
#define GET_NONE NOTHING
#define GET_PACK NOTHING
#define GET_STATE NOTHING
#define GET_EXTRA NOTHING
#define GET_MASK(id, m, type, aux, limit, snake, set, at, how)                                                        \
	if ((at) == NUMBERING__RECORD_SLOT &&                                                                            \
	    (rc = (mask & 1u << (at)) ? get_str(k, r, #m, &out->m, 1, limit) : sink_str(k, &out->m, "", 0)) !=             \
	        NUMBERING_OK)                                                                                           \
		return rc;
#define GET_DERIVED(id, m, type, aux, limit, snake, set, at, how)                                                     \
	if ((at) == NUMBERING__RECORD_SLOT &&                                                                            \
	    (rc = read_derived(k, r, #m, &out->m, limit, mask & 1u << (at), DERIVED_HAS_##how(out), DERIVED_##how,        \
	                       digits)) != NUMBERING_OK)                                                                \
		return rc;
#define RECORD_USE GET
#include "model/instance-record-slots.h"
#undef RECORD_USE
	/* The extra fields: what they are when absent, then those present in bit order. */
#define ABSENT_KEY NOTHING
#define ABSENT_NONE NOTHING
#define ABSENT_PACK NOTHING
#define ABSENT_STATE NOTHING
#define ABSENT_MASK NOTHING
#define ABSENT_DERIVED NOTHING
#define ABSENT_EXTRA(id, m, type, aux, limit, snake, set, at, how) X_ABSENT_##how(m, aux)
#define X_ABSENT_SET_BITS(m, aux) out->m = 0;
#define X_ABSENT_SIZE(m, aux) out->m = derived_size(first, last, (int)digits);
#define X_ABSENT_TIME(m, aux) out->m = 0;
#define X_ABSENT_TIME_OR_CREATE(m, aux) /* read with the pack byte */
#define X_ABSENT_URIS(m, aux) out->aux = 0;
#define X_ABSENT_LABELS(m, aux) out->label_count = 0;
#define RECORD_USE ABSENT
#include "model/instance-fields.h"
#undef RECORD_USE
	if (mask & M_EXTRA) {
		uint8_t extra;
		uint64_t v;
		if ((rc = get_byte(r, "body", &extra)) != NUMBERING_OK)
			return rc;
		if (extra == 0 || (extra & ~X_ALL))
			return bad(r, "body", "its extra fields are flagged but none is, or one this version does not know");
#define GET_X_KEY NOTHING
#define GET_X_NONE NOTHING
#define GET_X_PACK NOTHING
#define GET_X_STATE NOTHING
#define GET_X_MASK NOTHING
#define GET_X_DERIVED NOTHING
#define GET_X_EXTRA(id, m, type, aux, limit, snake, set, at, how)                                                     \
	if ((at) == NUMBERING__RECORD_SLOT && (extra & 1u << (at))) {                                                    \
		X_GET_##how(m, aux, limit, snake)                                                                           \
	}
#define X_GET_SET_BITS(m, aux, limit, snake)                                                                           \
	if ((rc = get_varint(r, #m, &v)) != NUMBERING_OK)                                                               \
		return rc;                                                                                                  \
	if (v == 0 || (v & ~(uint64_t)SET_ALL))                                                                         \
		return bad(r, #m, "it is 0 or holds an unknown bit");                                                       \
	out->m = (uint32_t)v;
#define X_GET_SIZE(m, aux, limit, snake)                                                                               \
	if ((rc = get_varint(r, #m, &v)) != NUMBERING_OK)                                                               \
		return rc;                                                                                                  \
	if (unzigzag(v) == out->m)                                                                                      \
		return bad(r, #m, "it is stored but is what the numbers give");                                             \
	out->m = unzigzag(v);
#define X_GET_TIME(m, aux, limit, snake)                                                                               \
	if ((rc = get_varint(r, #m, &v)) != NUMBERING_OK)                                                               \
		return rc;                                                                                                  \
	out->m = to_i64((uint64_t)create + (uint64_t)unzigzag(v));                                                      \
	if (out->m == 0)                                                                                                \
		return bad(r, #m, "it is stored but 0");
#define X_GET_TIME_OR_CREATE(m, aux, limit, snake)                                                                     \
	if ((rc = get_varint(r, #m, &v)) != NUMBERING_OK)                                                               \
		return rc;                                                                                                  \
	if (v == 0 || (pack & P_AT_CREATE))                                                                             \
		return bad(r, #m, "it is stored but is the create time");                                                   \
	out->m = to_i64((uint64_t)create + (uint64_t)unzigzag(v));                                                      \
	if (out->m == 0)                                                                                                \
		return bad(r, #m, "it is stored but 0");
#define X_GET_URIS(m, aux, limit, snake)                                                                               \
	if ((rc = read_handlers(k, r, snake, out->m, &out->aux, limit)) != NUMBERING_OK)                                \
		return rc;
#define X_GET_LABELS(m, aux, limit, snake)                                                                             \
	if ((rc = read_labels(k, r, out, limit)) != NUMBERING_OK)                                                       \
		return rc;
#define RECORD_USE GET_X
#include "model/instance-record-slots.h"
#undef RECORD_USE
	}
	if (r->p != r->end)
		return bad(r, "body", "bytes follow its last field");
	return NUMBERING_OK;
}

/* NUMBERING_DATA_LOSS for what @r met, naming the record. */
static int damaged(const struct reader *r, const numbering_record *rec)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	const char *name = rec->name ? rec->name : "";
	return numbering__error_field(NUMBERING_DATA_LOSS, r->field,
	                              "the stored instance record \"%s\" is damaged: its %s: %s (body of %zu bytes, at byte %zu)",
	                              numbering__quote(quoted, name, strlen(name)), r->field, r->problem, rec->body_len,
	                              (size_t)(r->p - (const uint8_t *)rec->body));
}

static void reader_init(struct reader *r, const numbering_record *rec)
{
	static const uint8_t nothing[1];
	r->p = rec->body != NULL ? rec->body : nothing;
	r->end = r->p + (rec->body != NULL ? rec->body_len : 0);
	r->field = NULL;
	r->problem = NULL;
}

/* The checking reading of numbering__instance_from_record() and its _e164 form (@e164
 * NULL or the text of @value): one copy of read(), the +E164 text given at run time. */
static int from_record(numbering_instance *out, const numbering_record *record, const char *e164, uint64_t value,
                       unsigned digits)
{
	struct reader r;
	reader_init(&r, record);
	struct sink own = {SINK_OWN, 0, NULL, NULL, 0, 0, 0, e164, value, digits};
	int rc = read(&own, &r, out, record);
	if (rc == NUMBERING_OK)
		return rc;
	numbering__instance_reset(out);
	return r.problem != NULL ? damaged(&r, record) : rc;
}

int numbering__instance_from_record(numbering_instance *out, const numbering_record *record)
{
	if (out == NULL || record == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering__instance_from_record: %s is NULL",
		                            out == NULL ? "out" : "record");
	return from_record(out, record, NULL, 0, 0);
}

int numbering__instance_from_own_record(numbering_instance *out, const numbering_record *record)
{
	if (out == NULL || record == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering__instance_from_own_record: %s is NULL",
		                            out == NULL ? "out" : "record");
	struct reader r;
	reader_init(&r, record);
	struct sink own = {SINK_OWN, 1, NULL, NULL, 0, 0, 0, NULL, 0, 0};
	int rc = read(&own, &r, out, record);
	if (rc == NUMBERING_OK)
		return rc;
	numbering__instance_reset(out);
	return r.problem != NULL ? damaged(&r, record) : rc;
}

int numbering__instance_from_own_record_e164(numbering_instance *out, const numbering_record *record, uint64_t value,
                                             unsigned digits, const char *e164)
{
	if (out == NULL || record == NULL || e164 == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering__instance_from_own_record_e164: %s is NULL",
		                            out == NULL ? "out" : record == NULL ? "record" : "e164");
	struct reader r;
	reader_init(&r, record);
	struct sink own = {SINK_OWN, 1, NULL, NULL, 0, 0, 0, e164, value, digits};
	int rc = read(&own, &r, out, record);
	if (rc == NUMBERING_OK)
		return rc;
	numbering__instance_reset(out);
	return r.problem != NULL ? damaged(&r, record) : rc;
}

int numbering__instance_from_record_e164(numbering_instance *out, const numbering_record *record, uint64_t value,
                                         unsigned digits, const char *e164)
{
	if (out == NULL || record == NULL || e164 == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering__instance_from_record_e164: %s is NULL",
		                            out == NULL ? "out" : record == NULL ? "record" : "e164");
	return from_record(out, record, e164, value, digits);
}

int numbering__instance_record_check(const numbering_record *record)
{
	numbering_instance checked; /* only its scalars are written */
	memset(&checked, 0, sizeof(checked));
	struct reader r;
	reader_init(&r, record);
	struct sink check = {SINK_CHECK, 0, NULL, NULL, 0, 0, 0, NULL, 0, 0};
	int rc = read(&check, &r, &checked, record);
	return rc != NUMBERING_OK && r.problem != NULL ? damaged(&r, record) : rc;
}


int numbering__instance_record_measure(struct numbering__instance_layout *layout, const numbering_record *record)
{
	if (layout == NULL || record == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering__instance_record_measure: %s is NULL",
		                            layout == NULL ? "layout" : "record");
	numbering_instance counted; /* only its scalars are written */
	memset(&counted, 0, sizeof(counted));
	struct reader r;
	reader_init(&r, record);
	struct sink count = {SINK_COUNT, 0, NULL, NULL, 0, 0, 0, NULL, 0, 0};
	int rc = read(&count, &r, &counted, record);
	if (rc != NUMBERING_OK)
		return r.problem != NULL ? damaged(&r, record) : rc;
	size_t bytes = sizeof(numbering_instance) + count.labels * sizeof(struct numbering__label) + count.bytes;
	layout->labels = count.labels;
	layout->size = (bytes + PLACE_ALIGN - 1) & ~(size_t)(PLACE_ALIGN - 1);
	return NUMBERING_OK;
}

SINK_INLINE numbering_instance *place(void *block, const struct numbering__instance_layout *layout,
                                      const numbering_record *record, int trusted)
{
	numbering_instance *out = block;
	size_t fixed = sizeof(*out) + layout->labels * sizeof(struct numbering__label);
	if (layout->size < fixed) {
		numbering__error_set(NUMBERING_INTERNAL, "an instance was placed in a block measured for another record");
		return NULL;
	}
	memset(out, 0, fixed);
	if (layout->labels > 0) {
		out->labels = (struct numbering__label *)(out + 1);
		out->label_cap = layout->labels;
	}
	struct reader r;
	reader_init(&r, record);
	struct sink sink = {SINK_PLACE, trusted, (char *)block + fixed, (char *)block + layout->size, 0, 0, 0,
	                    NULL, 0, 0};
	int rc = read(&sink, &r, out, record);
	if (rc == NUMBERING_OK)
		return out;
	if (r.problem != NULL)
		damaged(&r, record);
	else
		numbering__error_set(NUMBERING_INTERNAL, "an instance was placed in a block measured for another record");
	return NULL;
}

numbering_instance *numbering__instance_record_place(void *block, const struct numbering__instance_layout *layout,
                                                     const numbering_record *record)
{
	return place(block, layout, record, 0);
}

numbering_instance *numbering__instance_record_place_own(void *block, const struct numbering__instance_layout *layout,
                                                         const numbering_record *record)
{
	return place(block, layout, record, 1);
}

_Static_assert(offsetof(numbering_instance, message_handlers) < offsetof(numbering_instance, call_handler_count) &&
                   offsetof(numbering_instance, call_handler_count) < offsetof(numbering_instance, call_handlers) &&
                   offsetof(numbering_instance, call_handlers) + sizeof(((numbering_instance *)0)->call_handlers) ==
                       sizeof(numbering_instance),
               "place_in() leaves the handler lists, the instance's last members, unzeroed");

/* One pass: the instance at @block, its strings after it, the labels (carved when
 * their count is read, the body's last field) after those. */
SINK_INLINE int place_in(numbering_instance **out, size_t *used, void *block, size_t room,
                         const numbering_record *record, int trusted)
{
	*out = NULL;
	*used = 0;
	if (room < sizeof(numbering_instance))
		return NUMBERING_OK;
	numbering_instance *in = block;
	/* The handler lists are read up to their counts, which read() sets, and a placed
	 * instance is never freed on its own: the 168 bytes of lists stay unwritten (a
	 * fifth of placing a page). */
	memset(in, 0, offsetof(numbering_instance, message_handlers));
	struct reader r;
	reader_init(&r, record);
	struct sink sink = {SINK_PLACE, trusted, (char *)(in + 1), (char *)block + room, 0, 0, 1, NULL, 0, 0};
	int rc = read(&sink, &r, in, record);
	if (rc == NUMBERING_OK) {
		size_t n = (size_t)(sink.next - (char *)block);
		n = (n + PLACE_ALIGN - 1) & ~(size_t)(PLACE_ALIGN - 1);
		*used = n < room ? n : room;
		*out = in;
		return NUMBERING_OK;
	}
	if (r.problem != NULL)
		return damaged(&r, record);
	/* Only PLACE's lack of room fails without a problem: the caller measures. */
	return rc == NUMBERING_INTERNAL ? NUMBERING_OK : rc;
}

int numbering__instance_record_place_in(numbering_instance **out, size_t *used, void *block, size_t room,
                                        const numbering_record *record, int trusted)
{
	if (out == NULL || used == NULL || (block == NULL && room > 0) || record == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering__instance_record_place_in: %s is NULL",
		                            out == NULL ? "out" : used == NULL ? "used" : record == NULL ? "record" : "block");
	return trusted ? place_in(out, used, block, room, record, 1) : place_in(out, used, block, room, record, 0);
}

/* ---- META and REQUEST records ---- */

static int meta_body_size(const char *name)
{
	if (strcmp(name, NUMBERING__META_TOKEN_KEY) == 0)
		return 32;
	if (strcmp(name, NUMBERING__META_LAST_TIME) == 0)
		return 16; /* the time, then the last phone id; 8 (the time alone) from before phone ids */
	if (strcmp(name, NUMBERING__META_SEQ_PHONE) == 0 ||
	    strcmp(name, NUMBERING__META_SEQ_APPLICATION) == 0 || strcmp(name, NUMBERING__META_SEQ_RULE) == 0)
		return 8;
	if (strcmp(name, NUMBERING__META_PHONE_IDS) == 0)
		return 1;
	return -1;
}

/* Whether @len bytes are a body of the META record @name, whose size is @size. */
static int meta_len_ok(const char *name, int size, size_t len)
{
	return len == (size_t)size || (len == 8 && strcmp(name, NUMBERING__META_LAST_TIME) == 0);
}

int numbering__meta_record(numbering_record *out, const char *name, const void *body, size_t len)
{
	if (out == NULL || name == NULL || (body == NULL && len > 0))
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering__meta_record: %s is NULL",
		                            out == NULL ? "out" : name == NULL ? "name" : "body");
	int size = meta_body_size(name);
	char quoted[NUMBERING__QUOTE_SIZE];
	if (size < 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "name", "\"%s\" is not a store metadata record",
		                              numbering__quote(quoted, name, strlen(name)));
	if (!meta_len_ok(name, size, len))
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "body", "the %s record holds %d bytes, not %zu",
		                              name, size, len);
	memset(out, 0, sizeof(*out));
	out->version = NUMBERING_RECORD_VERSION;
	out->kind = NUMBERING__KIND_META;
	out->name = name;
	out->parent = "";
	out->body = body;
	out->body_len = len;
	return NUMBERING_OK;
}

/* The little-endian 64-bit word at @b. */
static uint64_t meta_le64(const uint8_t *b)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

/* Whether the body holds a value the store's open takes (lib/service/store.c's
 * load_meta() and load_sequences(), phone.c's numbering__phone_migrate()): a record that
 * passed this check and then made every open answer DATA_LOSS would be damage found late. */
static int meta_value_ok(const numbering_record *record)
{
	const uint8_t *b = record->body;
	if (strcmp(record->name, NUMBERING__META_PHONE_IDS) == 0)
		return b[0] == 1;
	if (strcmp(record->name, NUMBERING__META_LAST_TIME) == 0) {
		uint64_t v = meta_le64(b);
		int64_t last = v <= (uint64_t)INT64_MAX ? (int64_t)v : -(int64_t)(~v) - 1;
		return numbering__time_in_range(last) && (record->body_len == 8 || meta_le64(b + 8) <= (uint64_t)INT64_MAX);
	}
	if (record->body_len == 8) /* a sequence's last id */
		return meta_le64(b) <= (uint64_t)INT64_MAX;
	return 1;
}

int numbering__meta_check(const numbering_record *record)
{
	int size = meta_body_size(record->name);
	char quoted[NUMBERING__QUOTE_SIZE];
	if (record->kind != NUMBERING__KIND_META || size < 0 || !meta_len_ok(record->name, size, record->body_len) ||
	    record->parent[0] != '\0' || record->flags != 0 || record->digits != 0 || record->sort_key != 0)
		return numbering__error_field(NUMBERING_DATA_LOSS, "name",
		                              "the store metadata record \"%s\" is damaged: not a known name with a body of "
		                              "its size and no keys",
		                              numbering__quote(quoted, record->name, strlen(record->name)));
	if (!meta_value_ok(record))
		return numbering__error_field(NUMBERING_DATA_LOSS, "body",
		                              "the store metadata record \"%s\" is damaged: it holds a value this library "
		                              "never writes (a time out of range, an id past INT64_MAX, a phone-ids mark "
		                              "not 1)",
		                              numbering__quote(quoted, record->name, strlen(record->name)));
	return NUMBERING_OK;
}

static const char REQUESTS[] = "/requests/";
#define REQUESTS_LEN (sizeof(REQUESTS) - 1)

int numbering__request_record(numbering_record *out, char *name_buf, const char *project, const char *request_id,
                              int64_t create_time, const void *value, size_t len)
{
	if (out == NULL || name_buf == NULL || project == NULL || request_id == NULL || (value == NULL && len > 0))
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering__request_record: an argument is NULL");
	size_t p = strlen(project), id = strlen(request_id);
	if (p == 0 || id == 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, p == 0 ? "parent" : "request_id",
		                              "a request record needs a project and a request id");
	if (p + REQUESTS_LEN + id > NUMBERING_RECORD_NAME_MAX)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "request_id",
		                              "a request record's name would be %zu bytes; the most is %d",
		                              p + REQUESTS_LEN + id, NUMBERING_RECORD_NAME_MAX);
	memcpy(name_buf, project, p);
	memcpy(name_buf + p, REQUESTS, REQUESTS_LEN);
	memcpy(name_buf + p + REQUESTS_LEN, request_id, id + 1);
	memset(out, 0, sizeof(*out));
	out->version = NUMBERING_RECORD_VERSION;
	out->kind = NUMBERING__KIND_REQUEST;
	out->name = name_buf;
	out->parent = project;
	out->sort_key = create_time;
	out->body = value;
	out->body_len = len;
	return NUMBERING_OK;
}

/* The first text of a kept response that is not stored text (numbering__stored_text_problem()):
 * its problem, with *field its name and *value it; NULL when there is none.
 * numbering_instance_decode() (model/encode.c) looks at NUL only: it decodes a host's
 * bytes as well, and UTF-8 is the store's rule for what it keeps. */
static const char *response_text_problem(const numbering_instance *in, const char **field,
                                         const struct numbering__str **value)
{
	const char *problem;
#define TEXT_OF(s, name)                                                                                               \
	if ((problem = numbering__stored_text_problem((s)->ptr, (s)->len)) != NULL) {                                      \
		*field = "response." name;                                                                                     \
		*value = (s);                                                                                                  \
		return problem;                                                                                                \
	}
	/* The texts of model/instance-fields.h (type STR, LABELS, URIS). */
	TEXT_OF(&in->name, "name")
	TEXT_OF(&in->phone_number, "phone_number")
	TEXT_OF(&in->sku, "sku")
	TEXT_OF(&in->activation_sku, "activation_sku")
	TEXT_OF(&in->country_code, "country_code")
	TEXT_OF(&in->display_name, "display_name")
	TEXT_OF(&in->range_end, "end_phone_number")
	TEXT_OF(&in->regulatory_listing, "regulatory_listing")
	for (uint32_t i = 0; i < in->label_count; i++) {
		TEXT_OF(&in->labels[i].key, "labels")
		TEXT_OF(&in->labels[i].value, "labels")
	}
	for (uint32_t i = 0; i < in->message_handler_count; i++)
		TEXT_OF(&in->message_handlers[i], "incoming_message_handler_uris")
	for (uint32_t i = 0; i < in->call_handler_count; i++)
		TEXT_OF(&in->call_handlers[i], "incoming_call_handler_uris")
#undef TEXT_OF
	return NULL;
}

/* The shape lib/service/create.c writes: 32 bytes of digest, then a 0 and the
 * compliance byte before the response, or (older records) the instance's name. */
int numbering__request_check(const numbering_record *record)
{
	const uint8_t *b = record->body;
	size_t p = strlen(record->parent);
	char quoted[NUMBERING__QUOTE_SIZE];
	int ok = record->kind == NUMBERING__KIND_REQUEST && p > 0 && strncmp(record->name, record->parent, p) == 0 &&
	         strncmp(record->name + p, REQUESTS, REQUESTS_LEN) == 0 && record->name[p + REQUESTS_LEN] != '\0' &&
	         record->flags == 0 && record->digits == 0 && record->body_len > 32 &&
	         (b[32] != 0 || (record->body_len >= 35 && b[33] <= 1));
	if (!ok)
		return numbering__error_field(NUMBERING_DATA_LOSS, "body",
		                              "the request record \"%s\" is damaged: not parent/requests/id with a digest and "
		                              "a response",
		                              numbering__quote(quoted, record->name, strlen(record->name)));
	/* A kept response (byte 32 is 0) is an instance's encoding, read as create.c reads it. */
	if (b[32] == 0) {
		numbering_instance *response = NULL;
		int rc = numbering_instance_new(&response);
		if (rc == NUMBERING_OK)
			rc = numbering_instance_decode(response, b + 34, record->body_len - 34);
		const char *field = NULL, *problem = NULL;
		const struct numbering__str *value = NULL;
		char shown[NUMBERING__QUOTE_SIZE];
		if (rc == NUMBERING_OK && (problem = response_text_problem(response, &field, &value)) != NULL) {
			/* A handler is quoted with a credential it may hold hidden (model/uri.c). */
			char redacted[NUMBERING__QUOTE_SIZE];
			size_t len = value->len;
			const char *text = numbering__str_get(value);
			if (strstr(field, "handler") != NULL) {
				len = numbering__uri_redact(redacted, sizeof(redacted), text);
				text = redacted;
				len = len < sizeof(redacted) ? len : sizeof(redacted) - 1;
			}
			numbering__quote(shown, text, len);
		}
		numbering_instance_free(response);
		if (problem != NULL)
			return numbering__error_field(NUMBERING_DATA_LOSS, field,
			                              "the request record \"%s\" is damaged: its %s: %s (\"%s\")",
			                              numbering__quote(quoted, record->name, strlen(record->name)), field,
			                              problem, shown);
		if (rc == NUMBERING_DATA_LOSS) {
			char why[200];
			snprintf(why, sizeof(why), "%s", numbering_error_message());
			return numbering__error_field(NUMBERING_DATA_LOSS, "body",
			                              "the request record \"%s\" is damaged: its response: %s",
			                              numbering__quote(quoted, record->name, strlen(record->name)), why);
		}
		return rc;
	}
	/* Else a mark byte and its answer (service/request-id.h): an import's ('C') and a
	 * billing adjustment's ('A') 8-byte count, a charge key's ('K') 8-byte entry, a
	 * purchase's ('P') name; or, from before responses were kept, an instance's name. */
	const char *problem = NULL;
	size_t answer = record->body_len - 33;
	switch (b[32]) {
	case 'C':
	case 'A':
	case 'K':
		if (answer != 8)
			problem = "its answer is not 8 bytes";
		break;
	default:
		if (b[32] != 'P' && b[32] != 'p')
			problem = "its mark byte names no kind of request";
		for (size_t i = b[32] == 'P' ? 33 : 32; problem == NULL && i < record->body_len; i++)
			if (b[i] < 0x21 || b[i] > 0x7e)
				problem = "its answer is not a name";
		break;
	}
	if (problem != NULL)
		return numbering__error_field(NUMBERING_DATA_LOSS, "body", "the request record \"%s\" is damaged: %s",
		                              numbering__quote(quoted, record->name, strlen(record->name)), problem);
	return NUMBERING_OK;
}
