/*
 * Instances as records, and the META and REQUEST records (model/instance-record.h).
 *
 * The body of an instance record (docs/RECORDS.md):
 *   byte    mask: which strings follow (M_*), and M_EXTRA
 *   byte    is_range | compliant << 1 | trigger << 2 | number_type << 4 | P_ACTIVATED_AT_CREATE
 *   byte    lifecycle_state | capabilities << 3
 *   strings in mask order: varint byte count, the bytes (no NUL)
 *   [M_EXTRA] byte extra (X_*), then each field it names, in bit order:
 *           set (varint), range size (zigzag varint, when not what the numbers give),
 *           delete time and activate time (zigzag varint differences from the create
 *           time), message and call handlers (byte count, strings), labels (varint
 *           count, then key, value strings in strictly increasing key order)
 * The name, parent, create time (sort_key) and numbers (the interval) are the
 * record's keys; the phone number and range end are stored only when they are not
 * the +E164 text of the first and last number.
 *
 * Reading trusts nothing: the record may come from any backend. Every count is
 * checked against the bytes left and the model's limits before anything is copied.
 * One reader serves three sinks, each a specialised copy: an instance refilled again
 * and again (resolve, get: no allocation once grown), a block a list page places
 * instances in, and a count of what placing takes.
 */
#include <stddef.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "model/instance-record.h"

enum {
	M_SKU = 1 << 0,
	M_ACTIVATION_SKU = 1 << 1,
	M_COUNTRY_CODE = 1 << 2,
	M_DISPLAY_NAME = 1 << 3,
	M_REGULATORY_LISTING = 1 << 4,
	M_PHONE_NUMBER = 1 << 5, /* not the +E164 of first */
	M_RANGE_END = 1 << 6,    /* not the +E164 of last (or "" for a single number) */
	M_EXTRA = 1 << 7
};

#define P_ACTIVATED_AT_CREATE 0x80

enum {
	X_SET = 1 << 0,
	X_RANGE_SIZE = 1 << 1,
	X_DELETE_TIME = 1 << 2,
	X_ACTIVATE_TIME = 1 << 3,
	X_MESSAGE_HANDLERS = 1 << 4,
	X_CALL_HANDLERS = 1 << 5,
	X_LABELS = 1 << 6,
	X_ALL = (1 << 7) - 1
};

/* Byte limits of stored strings: the model's character limits at 4 bytes each, or a
 * generous bound where the model has none (as the instance encoding, model/encode.c). */
#define NAME_BYTES_MAX 512
#define NUMBER_TEXT_MAX 64
#define COUNTRY_CODE_MAX 8
#define DISPLAY_NAME_BYTES_MAX (NUMBERING_DISPLAY_NAME_MAX * 4)
#define LABEL_KEY_BYTES_MAX (NUMBERING_LABEL_KEY_MAX * 4)
#define LABEL_VALUE_BYTES_MAX (NUMBERING_LABEL_VALUE_MAX * 4)
#define SET_ALL ((1u << 12) - 1)

/* The body's strings of the mask, in mask order. */
#define MASK_STRINGS 7
static const char *const mask_fields[MASK_STRINGS] = {"sku",          "activation_sku",     "country_code",
                                                      "display_name", "regulatory_listing", "phone_number",
                                                      "range_end"};
static const uint32_t mask_limits[MASK_STRINGS] = {NAME_BYTES_MAX,         NAME_BYTES_MAX, COUNTRY_CODE_MAX,
                                                   DISPLAY_NAME_BYTES_MAX, NAME_BYTES_MAX, NUMBER_TEXT_MAX,
                                                   NUMBER_TEXT_MAX};

#define STRINGS_OF(in)                                                                                               \
	{                                                                                                                \
		&(in)->sku, &(in)->activation_sku, &(in)->country_code, &(in)->display_name, &(in)->regulatory_listing,       \
		    &(in)->phone_number, &(in)->range_end                                                                    \
	}

static const uint64_t pow10_table[NUMBERING_RECORD_DIGITS_MAX + 1] = {
	1ULL,           10ULL,           100ULL,           1000ULL,           10000ULL,           100000ULL,
	1000000ULL,     10000000ULL,     100000000ULL,     1000000000ULL,     10000000000ULL,     100000000000ULL,
	1000000000000ULL, 10000000000000ULL, 100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL};

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* The 8 decimal digits of @x (< 10^8), leading zeros included, as the ASCII bytes of
 * a little-endian word, most significant digit first in memory: a few multiplications
 * split 4 | 4, then 2 | 2, then 1 | 1 digits into byte lanes, with no division loop. */
static inline uint64_t digits8(uint32_t x)
{
	uint64_t merged = (uint64_t)(x / 10000) | (uint64_t)(x % 10000) << 32;
	uint64_t top = ((merged * 10486u) >> 20) & (UINT64_C(0x7f) << 32 | 0x7f); /* / 100 */
	uint64_t bottom = merged - 100 * top;
	uint64_t hundreds = bottom << 16 | top;
	uint64_t tens = ((hundreds * 103u) >> 10) & (UINT64_C(0xf) << 48 | UINT64_C(0xf) << 32 | UINT64_C(0xf) << 16 | 0xf);
	tens += (hundreds - 10 * tens) << 8;
	return tens + UINT64_C(0x3030303030303030);
}
#else
static const char DIGIT_PAIRS[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                  "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                  "8081828384858687888990919293949596979899";
#endif

/* "+" and exactly @digits (1 .. 16) digits of @value, NUL-terminated: writes exactly
 * @digits + 2 bytes of @buf. Returns the length, 0 (writing nothing) for a value of
 * more digits or a digit count out of range. The hot paths format a number on every
 * read: two 8-digit words, stored whole, where the byte order allows. */
static size_t format_e164(char *buf, uint64_t value, unsigned digits)
{
	if (digits == 0 || digits > NUMBERING_RECORD_DIGITS_MAX || value >= pow10_table[digits])
		return 0;
	buf[0] = '+';
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t low = digits8((uint32_t)(value % 100000000u));
	if (digits >= 8) {
		/* The high word's last digits - 8 digits, then the low word over what follows them. */
		if (digits > 8) {
			uint64_t high = digits8((uint32_t)(value / 100000000u)) >> (8 * (16 - digits));
			memcpy(buf + 1, &high, 8);
		}
		memcpy(buf + 1 + digits - 8, &low, 8);
	} else {
		char word[8];
		low >>= 8 * (8 - digits);
		memcpy(word, &low, 8);
		memcpy(buf + 1, word, digits);
	}
#else
	char *p = buf + digits + 1;
	unsigned left = digits;
	for (; left >= 2; left -= 2) {
		unsigned pair = (unsigned)(value % 100);
		value /= 100;
		p -= 2;
		memcpy(p, DIGIT_PAIRS + 2 * pair, 2);
	}
	if (left == 1)
		*--p = (char)('0' + value % 10);
#endif
	buf[digits + 1] = '\0';
	return digits + 1;
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

/* Refuses what reading would refuse, so that every record written reads back. */
static int storable(const numbering_instance *in)
{
	if (in->name.len == 0)
		return invalid(in, "name", "is empty: only a named instance is stored");
	if (in->name.len > NAME_BYTES_MAX)
		return invalid(in, "name", "is longer than 512 bytes");
	if (in->digits == 0 || in->digits > NUMBERING_RECORD_DIGITS_MAX)
		return invalid(in, "phone_number", "has no digit count of 1 to 16: only an instance holding numbers is stored");
	if (in->first > in->last || in->last >= pow10_table[in->digits])
		return invalid(in, "phone_number", "holds numbers that are not first <= last of its digit count");
	if (in->lifecycle_state > NUMBERING_LIFECYCLE_PENDING)
		return invalid(in, "lifecycle_state", "holds an unknown value");
	if (in->call_recording_trigger > NUMBERING_RECORDING_BRIDGE)
		return invalid(in, "call_recording_trigger", "holds an unknown value");
	if (in->number_type > NUMBERING_NUMBER_TYPE_SHARED_RATE)
		return invalid(in, "number_type", "holds an unknown value");
	if (in->capabilities > 7)
		return invalid(in, "capabilities", "hold an unknown bit");
	if (in->is_range > 1 || in->compliant > 1)
		return invalid(in, in->is_range > 1 ? "is_range" : "compliant", "is neither 0 nor 1");
	if (in->set & ~SET_ALL)
		return invalid(in, "set", "holds an unknown bit");
	const struct numbering__str *strs[MASK_STRINGS] = STRINGS_OF(in);
	for (int i = 0; i < MASK_STRINGS; i++)
		if (strs[i]->len > mask_limits[i])
			return invalid(in, mask_fields[i], "is longer than the model allows");
	if (in->label_count > NUMBERING_LABELS_MAX)
		return invalid(in, "labels", "are more than 50");
	for (uint32_t i = 0; i < in->label_count; i++) {
		if (in->labels[i].key.len == 0 || in->labels[i].key.len > LABEL_KEY_BYTES_MAX ||
		    in->labels[i].value.len > LABEL_VALUE_BYTES_MAX)
			return invalid(in, "labels", "hold a key that is empty or a key or value longer than the model allows");
		if (i > 0 && str_cmp(&in->labels[i - 1].key, &in->labels[i].key) >= 0)
			return invalid(in, "labels", "are not in strictly increasing key order");
	}
	if (in->message_handler_count > NUMBERING_HANDLER_URIS_MAX || in->call_handler_count > NUMBERING_HANDLER_URIS_MAX)
		return invalid(in, "handlers", "are more than 5");
	for (uint32_t i = 0; i < in->message_handler_count; i++)
		if (in->message_handlers[i].len == 0 || in->message_handlers[i].len > NUMBERING_URI_MAX)
			return invalid(in, "incoming_message_handler_uris", "hold one empty or longer than 2048 bytes");
	for (uint32_t i = 0; i < in->call_handler_count; i++)
		if (in->call_handlers[i].len == 0 || in->call_handlers[i].len > NUMBERING_URI_MAX)
			return invalid(in, "incoming_call_handler_uris", "hold one empty or longer than 2048 bytes");
	return NUMBERING_OK;
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
	const struct numbering__str *strs[MASK_STRINGS] = STRINGS_OF(in);
	char derived[24];
	uint8_t mask = 0;
	for (int i = 0; i < 5; i++)
		if (strs[i]->len > 0)
			mask |= (uint8_t)(1u << i);
	if (!str_is(&in->phone_number, derived, format_e164(derived, in->first, in->digits)))
		mask |= M_PHONE_NUMBER;
	if (!str_is(&in->range_end, derived, in->is_range ? format_e164(derived, in->last, in->digits) : 0))
		mask |= M_RANGE_END;
	uint8_t extra = 0;
	if (in->set)
		extra |= X_SET;
	if (in->range_size != derived_size(in->first, in->last, in->digits))
		extra |= X_RANGE_SIZE;
	if (in->delete_time != 0)
		extra |= X_DELETE_TIME;
	if (in->activate_time != 0 && in->activate_time != in->create_time)
		extra |= X_ACTIVATE_TIME;
	if (in->message_handler_count)
		extra |= X_MESSAGE_HANDLERS;
	if (in->call_handler_count)
		extra |= X_CALL_HANDLERS;
	if (in->label_count)
		extra |= X_LABELS;
	if (extra)
		mask |= M_EXTRA;

	size_t parent = project_len(in->name.ptr, in->name.len);
	size_t bound = 8 + 4 * 10 + parent + 1;
	for (int i = 0; i < MASK_STRINGS; i++)
		bound += str_bound(strs[i]);
	for (uint32_t i = 0; i < in->message_handler_count; i++)
		bound += str_bound(&in->message_handlers[i]);
	for (uint32_t i = 0; i < in->call_handler_count; i++)
		bound += str_bound(&in->call_handlers[i]);
	for (uint32_t i = 0; i < in->label_count; i++)
		bound += str_bound(&in->labels[i].key) + str_bound(&in->labels[i].value);
	body->len = 0;
	if ((rc = numbering__buf_reserve(body, bound)) != NUMBERING_OK)
		return rc;

	uint8_t *p = body->ptr;
	*p++ = mask;
	uint8_t pack = (uint8_t)(in->is_range | in->compliant << 1 | in->call_recording_trigger << 2 |
	                         in->number_type << 4);
	if (in->activate_time == in->create_time && in->activate_time != 0)
		pack |= P_ACTIVATED_AT_CREATE;
	*p++ = pack;
	*p++ = (uint8_t)(in->lifecycle_state | in->capabilities << 3);
	for (int i = 0; i < MASK_STRINGS; i++)
		if (mask & (1u << i))
			p = put_str(p, strs[i]);
	if (extra) {
		*p++ = extra;
		if (extra & X_SET)
			p = put_varint(p, in->set);
		if (extra & X_RANGE_SIZE)
			p = put_varint(p, zigzag((uint64_t)in->range_size));
		if (extra & X_DELETE_TIME)
			p = put_varint(p, zigzag((uint64_t)in->delete_time - (uint64_t)in->create_time));
		if (extra & X_ACTIVATE_TIME)
			p = put_varint(p, zigzag((uint64_t)in->activate_time - (uint64_t)in->create_time));
		if (extra & X_MESSAGE_HANDLERS) {
			*p++ = (uint8_t)in->message_handler_count;
			for (uint32_t i = 0; i < in->message_handler_count; i++)
				p = put_str(p, &in->message_handlers[i]);
		}
		if (extra & X_CALL_HANDLERS) {
			*p++ = (uint8_t)in->call_handler_count;
			for (uint32_t i = 0; i < in->call_handler_count; i++)
				p = put_str(p, &in->call_handlers[i]);
		}
		if (extra & X_LABELS) {
			p = put_varint(p, in->label_count);
			for (uint32_t i = 0; i < in->label_count; i++) {
				p = put_str(p, &in->labels[i].key);
				p = put_str(p, &in->labels[i].value);
			}
		}
	}
	size_t body_len = (size_t)(p - body->ptr);
	memcpy(p, in->name.ptr, parent);
	p[parent] = '\0';
	body->len = body_len + parent + 1;

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

/* Sets a grow-only string, in place when it has room (len + 1 <= capacity). */
static int set_str(struct numbering__str *s, const char *p, size_t len)
{
	if (s->ptr != NULL && (size_t)numbering__str_capacity(s) >= len + 1) {
		memcpy(s->ptr, p, len);
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
	uint64_t result = 0;
	for (unsigned shift = 0; shift < 64; shift += 7) {
		if (r->p >= r->end)
			return bad(r, field, "the body ends in the middle of it");
		uint8_t b = *r->p++;
		if (shift == 63 && b > 1)
			break;
		result |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			if (b == 0 && shift > 0)
				break;
			*v = result;
			return NUMBERING_OK;
		}
	}
	return bad(r, field, "its number does not fit in 64 bits or is not in its shortest form");
}

/* Whether @n bytes at @p hold a NUL: most strings of a body are a few bytes, for
 * which a loop beats a call. */
static inline int has_nul(const uint8_t *p, size_t n)
{
	if (n > 16)
		return memchr(p, '\0', n) != NULL;
	for (size_t i = 0; i < n; i++)
		if (p[i] == 0)
			return 1;
	return 0;
}

/* A string of @min .. @max bytes without NUL: where it is in the body. */
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
	if (CHECKS(k) && has_nul(r->p, (size_t)n))
		return bad(r, field, "it holds a NUL byte");
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
		s->len = (uint32_t)format_e164(s->ptr, value, digits);
		return NUMBERING_OK;
	}
	if (k->mode == SINK_PLACE && (size_t)(k->end - k->next) >= (size_t)digits + 2) {
		size_t n = format_e164(k->next, value, digits);
		if (n > 0)
			place_take(k, s, n); /* fits: the room was checked */
		return NUMBERING_OK;
	}
	char buf[24];
	return sink_str(k, s, buf, format_e164(buf, value, digits));
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
SINK_INLINE int read_labels(struct sink *k, struct reader *r, numbering_instance *out)
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
		if ((rc = get_raw(k, r, "labels", &key, &key_len, 1, LABEL_KEY_BYTES_MAX)) != NUMBERING_OK ||
		    (rc = get_raw(k, r, "labels", &value, &value_len, 0, LABEL_VALUE_BYTES_MAX)) != NUMBERING_OK)
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
                              uint32_t *count)
{
	uint8_t n;
	int rc = get_byte(r, field, &n);
	if (rc != NUMBERING_OK)
		return rc;
	if (n == 0 || n > NUMBERING_HANDLER_URIS_MAX)
		return bad(r, field, "their count is not 1 to 5");
	struct numbering__str counted = {NULL, 0, 0};
	for (uint32_t i = 0; i < n; i++) {
		if ((rc = get_str(k, r, field, STORES(k) ? &list[i] : &counted, 1, NUMBERING_URI_MAX)) !=
		    NUMBERING_OK)
			return rc;
		*count = i + 1;
	}
	return NUMBERING_OK;
}

/* The keys of an instance record: NUMBERING_DATA_LOSS unless they are what
 * numbering__instance_to_record() writes (the state is checked against the flags
 * once the body is read). */
static int check_keys(struct reader *r, const numbering_record *rec, size_t name_len)
{
	if (rec->kind != NUMBERING__KIND_INSTANCE)
		return bad(r, "kind", "it is not the instance kind (3)");
	if (rec->name == NULL || name_len == 0 || name_len > NAME_BYTES_MAX)
		return bad(r, "name", "it is missing, empty or longer than 512 bytes");
	if (rec->digits < 1 || rec->digits > NUMBERING_RECORD_DIGITS_MAX || rec->first > rec->last ||
	    rec->last >= pow10_table[rec->digits])
		return bad(r, "digits", "the record holds no interval first <= last of 1 to 16 digits");
	size_t parent = project_len(rec->name, name_len);
	/* strncmp, not memcmp: a shorter parent ends before @parent bytes. */
	if (rec->parent == NULL || strncmp(rec->parent, rec->name, parent) != 0 || rec->parent[parent] != '\0')
		return bad(r, "parent", "it is not the project of the instance's name");
	if (rec->expires != 0 || rec->keys[0] || rec->keys[1] || rec->keys[2] || rec->keys[3])
		return bad(r, "keys", "an instance record has no expiry and no secondary keys");
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
	if ((rc = sink_str(k, &out->name, rec->name, name_len)) != NUMBERING_OK)
		return rc;
	uint8_t mask, pack, state;
	if ((rc = get_byte(r, "body", &mask)) != NUMBERING_OK || (rc = get_byte(r, "body", &pack)) != NUMBERING_OK ||
	    (rc = get_byte(r, "lifecycle_state", &state)) != NUMBERING_OK)
		return rc;
	if ((state & 7) > NUMBERING_LIFECYCLE_PENDING || (state >> 6) != 0)
		return bad(r, "lifecycle_state", "it holds an unknown value");
	if (((pack >> 4) & 7) > NUMBERING_NUMBER_TYPE_SHARED_RATE)
		return bad(r, "number_type", "it holds an unknown value");
	unsigned want = (state & 7) == NUMBERING_LIFECYCLE_DELETED ? 0 : NUMBERING_RECORD_LISTED | NUMBERING_RECORD_NUMBERS;
	if (rec->flags != want)
		return bad(r, "flags", "they are not LISTED | NUMBERS for an instance that is not DELETED, 0 for one that is");
	out->lifecycle_state = state & 7;
	out->capabilities = (state >> 3) & 7;
	out->is_range = pack & 1;
	out->compliant = (pack >> 1) & 1;
	out->call_recording_trigger = (pack >> 2) & 3;
	out->number_type = (pack >> 4) & 7;
	if ((pack & P_ACTIVATED_AT_CREATE) && create == 0)
		return bad(r, "activate_time", "it is the create time, which is 0");
	out->activate_time = (pack & P_ACTIVATED_AT_CREATE) ? create : 0;
	struct numbering__str *strs[MASK_STRINGS] = STRINGS_OF(out);
	for (int i = 0; i < 5; i++) {
		rc = (mask & (1u << i)) ? get_str(k, r, mask_fields[i], strs[i], 1, mask_limits[i]) : sink_str(k, strs[i], "", 0);
		if (rc != NUMBERING_OK)
			return rc;
	}
	/* Stored verbatim only when they are not what the numbers give (rare: request
	 * texts), so the check costs the hot path nothing. */
	char derived[24];
	const char *text;
	size_t text_len;
	if (mask & M_PHONE_NUMBER) {
		if ((rc = get_raw(k, r, "phone_number", &text, &text_len, 0, NUMBER_TEXT_MAX)) != NUMBERING_OK)
			return rc;
		if (CHECKS(k)) {
			size_t n = format_e164(derived, first, digits);
			if (text_len == n && memcmp(text, derived, n) == 0)
				return bad(r, "phone_number", "it is stored but is what the numbers give");
		}
		rc = sink_str(k, &out->phone_number, text, text_len);
	} else {
		rc = set_e164(k, &out->phone_number, first, digits);
	}
	if (rc != NUMBERING_OK)
		return rc;
	if (mask & M_RANGE_END) {
		if ((rc = get_raw(k, r, "range_end", &text, &text_len, 0, NUMBER_TEXT_MAX)) != NUMBERING_OK)
			return rc;
		if (CHECKS(k)) {
			size_t n = out->is_range ? format_e164(derived, last, digits) : 0;
			if (text_len == n && (n == 0 || memcmp(text, derived, n) == 0))
				return bad(r, "range_end", "it is stored but is what the numbers give");
		}
		rc = sink_str(k, &out->range_end, text, text_len);
	} else {
		rc = out->is_range ? set_e164(k, &out->range_end, last, digits) : sink_str(k, &out->range_end, "", 0);
	}
	if (rc != NUMBERING_OK)
		return rc;
	out->set = 0;
	out->range_size = derived_size(first, last, (int)digits);
	out->delete_time = 0;
	out->message_handler_count = 0;
	out->call_handler_count = 0;
	out->label_count = 0;
	if (mask & M_EXTRA) {
		uint8_t extra;
		uint64_t v;
		if ((rc = get_byte(r, "body", &extra)) != NUMBERING_OK)
			return rc;
		if (extra == 0 || (extra & ~X_ALL))
			return bad(r, "body", "its extra fields are flagged but none is, or one this version does not know");
		if (extra & X_SET) {
			if ((rc = get_varint(r, "set", &v)) != NUMBERING_OK)
				return rc;
			if (v == 0 || (v & ~(uint64_t)SET_ALL))
				return bad(r, "set", "it is 0 or holds an unknown bit");
			out->set = (uint32_t)v;
		}
		if (extra & X_RANGE_SIZE) {
			if ((rc = get_varint(r, "range_size", &v)) != NUMBERING_OK)
				return rc;
			if (unzigzag(v) == out->range_size)
				return bad(r, "range_size", "it is stored but is what the numbers give");
			out->range_size = unzigzag(v);
		}
		if (extra & X_DELETE_TIME) {
			if ((rc = get_varint(r, "delete_time", &v)) != NUMBERING_OK)
				return rc;
			out->delete_time = to_i64((uint64_t)create + (uint64_t)unzigzag(v));
			if (out->delete_time == 0)
				return bad(r, "delete_time", "it is stored but 0");
		}
		if (extra & X_ACTIVATE_TIME) {
			if ((rc = get_varint(r, "activate_time", &v)) != NUMBERING_OK)
				return rc;
			if (v == 0 || (pack & P_ACTIVATED_AT_CREATE))
				return bad(r, "activate_time", "it is stored but is the create time");
			out->activate_time = to_i64((uint64_t)create + (uint64_t)unzigzag(v));
			if (out->activate_time == 0)
				return bad(r, "activate_time", "it is stored but 0");
		}
		if ((extra & X_MESSAGE_HANDLERS) &&
		    (rc = read_handlers(k, r, "incoming_message_handler_uris", out->message_handlers,
		                        &out->message_handler_count)) != NUMBERING_OK)
			return rc;
		if ((extra & X_CALL_HANDLERS) &&
		    (rc = read_handlers(k, r, "incoming_call_handler_uris", out->call_handlers, &out->call_handler_count)) !=
		        NUMBERING_OK)
			return rc;
		if ((extra & X_LABELS) && (rc = read_labels(k, r, out)) != NUMBERING_OK)
			return rc;
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

int numbering__instance_from_record(numbering_instance *out, const numbering_record *record)
{
	if (out == NULL || record == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering__instance_from_record: %s is NULL",
		                            out == NULL ? "out" : "record");
	struct reader r;
	reader_init(&r, record);
	struct sink own = {SINK_OWN, 0, NULL, NULL, 0, 0, 0};
	int rc = read(&own, &r, out, record);
	if (rc == NUMBERING_OK)
		return rc;
	numbering__instance_reset(out);
	return r.problem != NULL ? damaged(&r, record) : rc;
}

int numbering__instance_from_own_record(numbering_instance *out, const numbering_record *record)
{
	if (out == NULL || record == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering__instance_from_own_record: %s is NULL",
		                            out == NULL ? "out" : "record");
	struct reader r;
	reader_init(&r, record);
	struct sink own = {SINK_OWN, 1, NULL, NULL, 0, 0, 0};
	int rc = read(&own, &r, out, record);
	if (rc == NUMBERING_OK)
		return rc;
	numbering__instance_reset(out);
	return r.problem != NULL ? damaged(&r, record) : rc;
}

int numbering__instance_record_check(const numbering_record *record)
{
	numbering_instance checked; /* only its scalars are written */
	memset(&checked, 0, sizeof(checked));
	struct reader r;
	reader_init(&r, record);
	struct sink check = {SINK_CHECK, 0, NULL, NULL, 0, 0, 0};
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
	struct sink count = {SINK_COUNT, 0, NULL, NULL, 0, 0, 0};
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
	struct sink sink = {SINK_PLACE, trusted, (char *)block + fixed, (char *)block + layout->size, 0, 0, 0};
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
	struct sink sink = {SINK_PLACE, trusted, (char *)(in + 1), (char *)block + room, 0, 0, 1};
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
		return 8;
	return -1;
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
	if (len != (size_t)size)
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

int numbering__meta_check(const numbering_record *record)
{
	int size = meta_body_size(record->name);
	char quoted[NUMBERING__QUOTE_SIZE];
	if (record->kind != NUMBERING__KIND_META || size < 0 || record->body_len != (size_t)size ||
	    record->parent[0] != '\0' || record->flags != 0 || record->digits != 0 || record->sort_key != 0)
		return numbering__error_field(NUMBERING_DATA_LOSS, "name",
		                              "the store metadata record \"%s\" is damaged: not a known name with a body of "
		                              "its size and no keys",
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
	return NUMBERING_OK;
}
