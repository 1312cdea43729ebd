/*
 * The compact binary encoding of an instance, for backends that store bytes, and
 * what a backend needs to index one.
 *
 * Format 1:
 *   byte     format (1)
 *   varint   presence bits (F_* below; the common fields take the low bits so a
 *            typical instance spends two bytes on them)
 *   then, in bit order, each present field:
 *     strings   varint length, then 1 or more bytes without NUL (a label value may be empty)
 *     NAME_STD  the name "projects/{p}/phoneNumberInstances/{id}" as two strings p, id
 *     NUMBERS   byte digits, varint first, varint last - first
 *     ENUMS     varint state | trigger << 3 | number_type << 5 | capabilities << 8
 *     times     zigzag varint: create_time; delete and activate time as the
 *               difference from create_time, 0 when absent (activate often equals it)
 *     RANGE_SIZE zigzag varint, only when it differs from last - first + 1 (0 without numbers)
 *     labels    varint count, then key, value strings in key order
 *     handlers  varint count, then strings
 * The phone number and range end cost nothing when they are the +E164 text of first
 * and last (the stored case); a request's text is kept verbatim.
 *
 * Decoding trusts nothing: every length is checked against the bytes left and the
 * model's limits before anything is copied or allocated.
 */
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "e164/format.h"
#include "model/instance-field-type.h"
#include "model/instance.h"
#include "numbering/e164.h"
#include "numbering/sys/backend.h"

#define FORMAT_1 1

/* The presence bits, from the field table (model/instance-fields.h): F_<id> is a
 * field's bit, F_<id>_2 the second bit of a SPECIAL one (its standard or derived form). */
#define F1_BITS_STR(id, bit, aux) F_##id = 1u << bit,
#define F1_BITS_TIME F1_BITS_STR
#define F1_BITS_LABELS F1_BITS_STR
#define F1_BITS_URIS F1_BITS_STR
#define F1_BITS_FLAG F1_BITS_STR
#define F1_BITS_SPECIAL(id, bit, aux) F_##id = 1u << bit, F_##id##_2 = 1u << aux,
#define F1_BITS_ENUM(id, bit, aux)
#define F1_BITS_NONE(id, bit, aux)
#define NUMBERING__INSTANCE_FIELD(id, m, type, f1, bit, aux, ...) F1_BITS_##f1(id, bit, aux)
enum {
#include "model/instance-fields.h"
#undef NUMBERING__INSTANCE_FIELD
	F_NAME_STD = F_name_2, /* the name as project and id */
	F_NAME = F_name, /* the name verbatim */
	F_PN_DERIVED = F_phone_number_2, /* phone_number is the +E164 of first */
	F_PHONE_NUMBER = F_phone_number,
	F_RE_DERIVED = F_range_end_2, /* range_end is the +E164 of last */
	F_RANGE_END = F_range_end,
	F_NUMBERS = F_first,
	F_RANGE_SIZE = F_range_size
};

/* The enums share one bit and one varint: each takes the bits from its shift (aux)
 * that its largest value (limit) needs. */
#define ENUM_MASK(limit) ((limit) | (limit) >> 1 | (limit) >> 2 | (limit) >> 3)
#define F1_ENUM_STR(m, bit, aux, limit)
#define F1_ENUM_TIME F1_ENUM_STR
#define F1_ENUM_LABELS F1_ENUM_STR
#define F1_ENUM_URIS F1_ENUM_STR
#define F1_ENUM_FLAG F1_ENUM_STR
#define F1_ENUM_SPECIAL F1_ENUM_STR
#define F1_ENUM_NONE F1_ENUM_STR
enum {
#define F1_ENUM_ENUM(m, bit, aux, limit) | 1u << bit
#define NUMBERING__INSTANCE_FIELD(id, m, type, f1, bit, aux, limit, ...) F1_ENUM_##f1(m, bit, aux, limit)
	F_ENUMS = 0
#include "model/instance-fields.h"
#undef NUMBERING__INSTANCE_FIELD
#undef F1_ENUM_ENUM
	,
#define F1_ENUM_ENUM(m, bit, aux, limit) | (uint32_t)ENUM_MASK(limit) << aux
#define NUMBERING__INSTANCE_FIELD(id, m, type, f1, bit, aux, limit, ...) F1_ENUM_##f1(m, bit, aux, limit)
	ENUM_BITS = 0
#include "model/instance-fields.h"
#undef NUMBERING__INSTANCE_FIELD
#undef F1_ENUM_ENUM
};

/* Every bit this version knows. */
#define F1_ALL_STR(id) | F_##id
#define F1_ALL_TIME F1_ALL_STR
#define F1_ALL_LABELS F1_ALL_STR
#define F1_ALL_URIS F1_ALL_STR
#define F1_ALL_FLAG F1_ALL_STR
#define F1_ALL_SPECIAL(id) | F_##id | F_##id##_2
#define F1_ALL_ENUM(id)
#define F1_ALL_NONE(id)
#define NUMBERING__INSTANCE_FIELD(id, m, type, f1, ...) F1_ALL_##f1(id)
static const uint32_t F_ALL = F_ENUMS
#include "model/instance-fields.h"
#undef NUMBERING__INSTANCE_FIELD
    ;

#define NAME_BYTES_MAX NUMBERING__F1_NAME_BYTES_MAX
#define NUMBER_TEXT_MAX NUMBERING__F1_NUMBER_TEXT_MAX
#define LABEL_KEY_BYTES_MAX NUMBERING__F1_LABEL_KEY_BYTES_MAX
#define LABEL_VALUE_BYTES_MAX NUMBERING__F1_LABEL_VALUE_BYTES_MAX

#define PROJECTS "projects/"
#define PROJECTS_LEN (sizeof(PROJECTS) - 1)
#define INSTANCES "/phoneNumberInstances/"
#define INSTANCES_LEN (sizeof(INSTANCES) - 1)

/* ---- Helpers shared by both directions ---- */

static const uint64_t pow10_table[NUMBERING_E164_MAX_DIGITS + 1] = {
	1ULL,           10ULL,           100ULL,           1000ULL,           10000ULL,           100000ULL,
	1000000ULL,     10000000ULL,     100000000ULL,     1000000000ULL,     10000000000ULL,     100000000000ULL,
	1000000000000ULL, 10000000000000ULL, 100000000000000ULL, 1000000000000000ULL};

static int str_is(const struct numbering__str *s, const char *text, size_t len)
{
	return s->len == len && memcmp(numbering__str_get(s), text, len) == 0;
}

static uint64_t zigzag(uint64_t v)
{
	return (v << 1) ^ (0 - (v >> 63));
}

static uint64_t unzigzag(uint64_t v)
{
	return (v >> 1) ^ (0 - (v & 1));
}

/* Two's complement conversion without relying on implementation-defined casts. */
static int64_t to_signed(uint64_t v)
{
	return v <= (uint64_t)INT64_MAX ? (int64_t)v : -(int64_t)(~v) - 1;
}

/* Splits a standard name into project and id (each 1..255 bytes, no '/'). */
static int split_name(const struct numbering__str *name, const char **project, size_t *project_len, const char **id,
                      size_t *id_len)
{
	const char *s = numbering__str_get(name);
	if (name->len <= PROJECTS_LEN || memcmp(s, PROJECTS, PROJECTS_LEN) != 0)
		return 0;
	const char *p = s + PROJECTS_LEN;
	const char *slash = strchr(p, '/');
	if (slash == NULL || slash == p || slash - p > 255 || strncmp(slash, INSTANCES, INSTANCES_LEN) != 0)
		return 0;
	const char *tail = slash + INSTANCES_LEN;
	size_t tail_len = name->len - (size_t)(tail - s);
	if (tail_len == 0 || tail_len > 255 || memchr(tail, '/', tail_len) != NULL)
		return 0;
	*project = p;
	*project_len = (size_t)(slash - p);
	*id = tail;
	*id_len = tail_len;
	return 1;
}

/* ---- Encoding ---- */

/* What a TIME field is the difference from: nothing (ABS) or the create time (REL). */
#define TIME_BASE_ABS(in) (uint64_t)0
#define TIME_BASE_REL(in) (uint64_t)(in)->create_time
#define TIME_OF_ABS(out) 0
#define TIME_OF_REL(out) (out)->create_time

/* Writes into p when it is not NULL; always counts. */
struct writer {
	uint8_t *p;
	size_t n;
};

static void put_byte(struct writer *w, uint8_t b)
{
	if (w->p != NULL)
		w->p[w->n] = b;
	w->n++;
}

static void put_varint(struct writer *w, uint64_t v)
{
	while (v >= 0x80) {
		put_byte(w, (uint8_t)(v | 0x80));
		v >>= 7;
	}
	put_byte(w, (uint8_t)v);
}

static void put_bytes(struct writer *w, const char *s, size_t len)
{
	put_varint(w, len);
	if (w->p != NULL && len > 0)
		memcpy(w->p + w->n, s, len);
	w->n += len;
}

static void put_str(struct writer *w, const struct numbering__str *s)
{
	put_bytes(w, numbering__str_get(s), s->len);
}

static uint32_t presence(const numbering_instance *in)
{
	uint32_t f = 0;
	char e164[NUMBERING_E164_BUFSIZE];
	const char *project, *id;
	size_t project_len, id_len;
	if (in->name.len > 0)
		f |= split_name(&in->name, &project, &project_len, &id, &id_len) ? F_NAME_STD : F_NAME;
	if (in->digits > 0)
		f |= F_NUMBERS;
	if (in->phone_number.len > 0)
		f |= (in->digits > 0 &&
		      str_is(&in->phone_number, e164,
		             numbering__e164_format(e164, sizeof(e164), in->first, (unsigned)in->digits)))
		         ? F_PN_DERIVED
		         : F_PHONE_NUMBER;
	if (in->range_end.len > 0)
		f |= (in->digits > 0 &&
		      str_is(&in->range_end, e164, numbering__e164_format(e164, sizeof(e164), in->last, (unsigned)in->digits)))
		         ? F_RE_DERIVED
		         : F_RANGE_END;
	int64_t derived_size = in->digits > 0 ? (int64_t)(in->last - in->first) + 1 : 0;
	if (in->range_size != derived_size)
		f |= F_RANGE_SIZE;
#define PRESENT_STR(id, m, aux)                                                                                \
	if (in->m.len > 0)                                                                                         \
		f |= F_##id;
#define PRESENT_TIME(id, m, aux)                                                                               \
	if (in->m != 0)                                                                                            \
		f |= F_##id;
#define PRESENT_FLAG PRESENT_TIME
#define PRESENT_ENUM(id, m, aux)                                                                               \
	if (in->m != 0)                                                                                            \
		f |= F_ENUMS;
#define PRESENT_LABELS(id, m, aux)                                                                             \
	if (in->label_count > 0)                                                                                   \
		f |= F_##id;
#define PRESENT_URIS(id, m, aux)                                                                               \
	if (in->aux > 0)                                                                                           \
		f |= F_##id;
#define PRESENT_SPECIAL(id, m, aux)
#define PRESENT_NONE(id, m, aux)
#define NUMBERING__INSTANCE_FIELD(id, m, type, f1, bit, aux, ...) PRESENT_##f1(id, m, aux)
#include "model/instance-fields.h"
#undef NUMBERING__INSTANCE_FIELD
	return f;
}

static void write_instance(struct writer *w, const numbering_instance *in, uint32_t f)
{
	put_byte(w, FORMAT_1);
	put_varint(w, f);
	for (uint32_t bit = 1; bit <= F_ALL && bit != 0; bit <<= 1) {
		if (!(f & bit))
			continue;
		switch (bit) {
		case F_NAME_STD: {
			const char *project, *id;
			size_t project_len, id_len;
			split_name(&in->name, &project, &project_len, &id, &id_len);
			put_bytes(w, project, project_len);
			put_bytes(w, id, id_len);
			break;
		}
		case F_NUMBERS:
			put_byte(w, in->digits);
			put_varint(w, in->first);
			put_varint(w, in->last - in->first);
			break;
		case F_ENUMS:
			put_varint(w, 0
#define ENUM_PUT_ENUM(m, aux) | (uint64_t)in->m << aux
#define ENUM_PUT_STR(m, aux)
#define ENUM_PUT_TIME ENUM_PUT_STR
#define ENUM_PUT_LABELS ENUM_PUT_STR
#define ENUM_PUT_URIS ENUM_PUT_STR
#define ENUM_PUT_FLAG ENUM_PUT_STR
#define ENUM_PUT_SPECIAL ENUM_PUT_STR
#define ENUM_PUT_NONE ENUM_PUT_STR
#define NUMBERING__INSTANCE_FIELD(id, m, type, f1, bit, aux, ...) ENUM_PUT_##f1(m, aux)
#include "model/instance-fields.h"
#undef NUMBERING__INSTANCE_FIELD
			);
			break;
		case F_NAME:
			put_str(w, &in->name);
			break;
		case F_PHONE_NUMBER:
			put_str(w, &in->phone_number);
			break;
		case F_RANGE_END:
			put_str(w, &in->range_end);
			break;
		case F_RANGE_SIZE:
			put_varint(w, zigzag((uint64_t)in->range_size));
			break;
#define PUT_STR(id, m, aux)                                                                                    \
	case F_##id:                                                                                               \
		put_str(w, &in->m);                                                                                    \
		break;
#define PUT_TIME(id, m, aux)                                                                                   \
	case F_##id:                                                                                               \
		put_varint(w, zigzag((uint64_t)in->m - TIME_BASE_##aux(in)));                                          \
		break;
#define PUT_LABELS(id, m, aux)                                                                                 \
	case F_##id:                                                                                               \
		put_varint(w, in->label_count);                                                                        \
		for (uint32_t i = 0; i < in->label_count; i++) {                                                       \
			put_str(w, &in->m[i].key);                                                                         \
			put_str(w, &in->m[i].value);                                                                       \
		}                                                                                                      \
		break;
#define PUT_URIS(id, m, aux)                                                                                   \
	case F_##id:                                                                                               \
		put_varint(w, in->aux);                                                                                \
		for (uint32_t i = 0; i < in->aux; i++)                                                                 \
			put_str(w, &in->m[i]);                                                                             \
		break;
#define PUT_FLAG(id, m, aux)
#define PUT_ENUM(id, m, aux)
#define PUT_SPECIAL(id, m, aux)
#define PUT_NONE(id, m, aux)
#define NUMBERING__INSTANCE_FIELD(id, m, type, f1, bit, aux, ...) PUT_##f1(id, m, aux)
#include "model/instance-fields.h"
#undef NUMBERING__INSTANCE_FIELD
		default: /* F_PN_DERIVED, F_RE_DERIVED and FLAG fields: the bit says it all */
			break;
		}
	}
}

/* Refuses what decoding would refuse, so every encoding decodes. */
static int encodable(const numbering_instance *in)
{
	const char *problem = NULL;
	if (in->digits > NUMBERING_E164_MAX_DIGITS)
		problem = "it has more than 15 digits";
	else if (in->digits > 0 && (in->last < in->first || in->last >= pow10_table[in->digits]))
		problem = "its numbers are not first <= last of its digit count";
	else if (in->digits == 0 && (in->first != 0 || in->last != 0))
		problem = "it has numbers without a digit count";
#define TOO_BIG_ENUM(m, limit) || in->m > limit
#define TOO_BIG_FLAG TOO_BIG_ENUM
#define TOO_BIG_STR(m, limit)
#define TOO_BIG_TIME TOO_BIG_STR
#define TOO_BIG_LABELS TOO_BIG_STR
#define TOO_BIG_URIS TOO_BIG_STR
#define TOO_BIG_SPECIAL TOO_BIG_STR
#define TOO_BIG_NONE TOO_BIG_STR
#define NUMBERING__INSTANCE_FIELD(id, m, type, f1, bit, aux, limit, ...) TOO_BIG_##f1(m, limit)
	else if (0
#include "model/instance-fields.h"
	)
		problem = "an enum holds an unknown value";
#undef NUMBERING__INSTANCE_FIELD
	else if (in->label_count > NUMBERING_LABELS_MAX || in->message_handler_count > NUMBERING_HANDLER_URIS_MAX ||
	         in->call_handler_count > NUMBERING_HANDLER_URIS_MAX)
		problem = "it has too many labels or handlers";
#define TOO_LONG_STR(m, limit) || in->m.len > limit
#define TOO_LONG_SCALAR(m, limit)
#define TOO_LONG_VIEW(m, limit)
#define TOO_LONG_LABELS(m, limit)
#define TOO_LONG_URIS(m, limit)
#define NUMBERING__INSTANCE_FIELD(id, m, type, f1, bit, aux, limit, ...) FIELD_TYPE(type, TOO_LONG)(m, limit)
	else if (0
#include "model/instance-fields.h"
	)
		problem = "a string is longer than the model allows";
#undef NUMBERING__INSTANCE_FIELD
	for (uint32_t i = 0; problem == NULL && i < in->label_count; i++) {
		if (in->labels[i].key.len == 0 || in->labels[i].key.len > LABEL_KEY_BYTES_MAX ||
		    in->labels[i].value.len > LABEL_VALUE_BYTES_MAX)
			problem = "a label is empty or longer than the model allows";
		else if (i > 0 &&
		         strcmp(numbering__str_get(&in->labels[i - 1].key), numbering__str_get(&in->labels[i].key)) >= 0)
			problem = "its labels are not in strictly increasing key order";
	}
	for (uint32_t i = 0; problem == NULL && i < in->message_handler_count; i++)
		if (in->message_handlers[i].len == 0 || in->message_handlers[i].len > NUMBERING_URI_MAX)
			problem = "a message handler is empty or too long";
	for (uint32_t i = 0; problem == NULL && i < in->call_handler_count; i++)
		if (in->call_handlers[i].len == 0 || in->call_handlers[i].len > NUMBERING_URI_MAX)
			problem = "a call handler is empty or too long";
	if (problem == NULL)
		return NUMBERING_OK;
	char quoted[NUMBERING__QUOTE_SIZE];
	return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "cannot encode instance \"%s\": %s",
	                            numbering__quote(quoted, numbering__str_get(&in->name), in->name.len), problem);
}

int numbering_instance_encode(uint8_t **out, size_t *len, const numbering_instance *instance)
{
	if (out != NULL)
		*out = NULL;
	if (len != NULL)
		*len = 0;
	if (out == NULL || len == NULL || instance == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_instance_encode: %s is NULL",
		                            out == NULL ? "out" : len == NULL ? "len" : "instance");
	int rc = encodable(instance);
	if (rc != NUMBERING_OK)
		return rc;
	uint32_t f = presence(instance);
	struct writer w = {NULL, 0};
	write_instance(&w, instance, f);
	size_t size = w.n;
	w.p = numbering__malloc(size);
	w.n = 0;
	if (w.p == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory encoding an instance (%zu bytes)",
		                            size);
	write_instance(&w, instance, f);
	*out = w.p;
	*len = w.n;
	return NUMBERING_OK;
}

/* ---- Decoding ---- */

struct reader {
	const uint8_t *p, *end;
	const char *problem; /* the first problem met */
};

static int fail(struct reader *r, const char *problem)
{
	if (r->problem == NULL)
		r->problem = problem;
	return 0;
}

static int get_byte(struct reader *r, uint8_t *b)
{
	if (r->p >= r->end)
		return fail(r, "it ends in the middle of a field");
	*b = *r->p++;
	return 1;
}

static int get_varint(struct reader *r, uint64_t *v)
{
	uint64_t result = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		uint8_t b;
		if (!get_byte(r, &b))
			return 0;
		if (shift == 63 && b > 1)
			return fail(r, "a number does not fit in 64 bits");
		result |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = result;
			return 1;
		}
	}
	return fail(r, "a number does not fit in 64 bits");
}

/* A count of 1..@max items that each take at least @min_bytes. */
static int get_count(struct reader *r, uint32_t *count, uint32_t max, size_t min_bytes)
{
	uint64_t n;
	if (!get_varint(r, &n))
		return 0;
	if (n == 0 || n > max)
		return fail(r, "a list count is outside the model's limits");
	if (n * min_bytes > (size_t)(r->end - r->p))
		return fail(r, "a list count exceeds the bytes left");
	*count = (uint32_t)n;
	return 1;
}

/* A string of 1..@max bytes without NUL; points into the input. */
static int get_bytes(struct reader *r, const char **s, size_t *len, size_t max)
{
	uint64_t n;
	if (!get_varint(r, &n))
		return 0;
	if (n > (uint64_t)(r->end - r->p))
		return fail(r, "a string is longer than the bytes left");
	if (n == 0 || n > max)
		return fail(r, "a string is empty or longer than the model allows");
	if (memchr(r->p, '\0', (size_t)n) != NULL)
		return fail(r, "a string holds a NUL byte");
	*s = (const char *)r->p;
	*len = (size_t)n;
	r->p += n;
	return 1;
}

/* Reads a string into @dst; a failure to allocate is reported through *rc. */
static int get_str(struct reader *r, struct numbering__str *dst, size_t max, int *rc)
{
	const char *s;
	size_t len;
	if (!get_bytes(r, &s, &len, max))
		return 0;
	if ((*rc = numbering__str_set(dst, s, len)) != NUMBERING_OK)
		return fail(r, NULL);
	return 1;
}

static int get_time(struct reader *r, int64_t *t, int64_t base)
{
	uint64_t v;
	if (!get_varint(r, &v))
		return 0;
	*t = to_signed((uint64_t)base + unzigzag(v));
	if (*t == 0)
		return fail(r, "a time that is present is zero");
	return 1;
}

/* Labels strictly increasing by key, into reused entries. */
static int get_labels(struct reader *r, numbering_instance *out, int *rc)
{
	uint32_t count;
	if (!get_count(r, &count, NUMBERING_LABELS_MAX, 2))
		return 0;
	if (count > out->label_cap) {
		/* Like reserve in instance.c: new entries start empty. */
		struct numbering__label *labels = numbering__realloc(out->labels, count * sizeof(*labels));
		if (labels == NULL) {
			*rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for %u labels", (unsigned)count);
			return fail(r, NULL);
		}
		memset(labels + out->label_cap, 0, (count - out->label_cap) * sizeof(*labels));
		out->labels = labels;
		out->label_cap = count;
	}
	for (uint32_t i = 0; i < count; i++) {
		struct numbering__label *l = &out->labels[i];
		out->label_count = i + 1; /* so a reset clears what was written */
		if (!get_str(r, &l->key, LABEL_KEY_BYTES_MAX, rc))
			return 0;
		/* An empty value is a label too: read it by hand. */
		uint64_t n;
		if (!get_varint(r, &n))
			return 0;
		if (n > (uint64_t)(r->end - r->p))
			return fail(r, "a string is longer than the bytes left");
		if (n > LABEL_VALUE_BYTES_MAX)
			return fail(r, "a label value is longer than the model allows");
		if (memchr(r->p, '\0', (size_t)n) != NULL)
			return fail(r, "a string holds a NUL byte");
		if ((*rc = numbering__str_set(&l->value, (const char *)r->p, (size_t)n)) != NUMBERING_OK)
			return fail(r, NULL);
		r->p += n;
		if (i > 0 && strcmp(numbering__str_get(&out->labels[i - 1].key), numbering__str_get(&l->key)) >= 0)
			return fail(r, "the labels are not in strictly increasing key order");
	}
	return 1;
}

static int get_handlers(struct reader *r, struct numbering__str *list, uint32_t *count, size_t max, int *rc)
{
	uint32_t n;
	if (!get_count(r, &n, NUMBERING_HANDLER_URIS_MAX, 2))
		return 0;
	for (uint32_t i = 0; i < n; i++) {
		*count = i + 1;
		if (!get_str(r, &list[i], max, rc))
			return 0;
	}
	return 1;
}

static int read_field(struct reader *r, numbering_instance *out, uint32_t bit, int *rc)
{
	uint64_t v;
	switch (bit) {
	case F_NAME_STD: {
		const char *project, *id;
		size_t project_len, id_len;
		char name[PROJECTS_LEN + 255 + INSTANCES_LEN + 255];
		if (!get_bytes(r, &project, &project_len, 255) || !get_bytes(r, &id, &id_len, 255))
			return 0;
		if (memchr(project, '/', project_len) != NULL || memchr(id, '/', id_len) != NULL)
			return fail(r, "a name part holds '/'");
		size_t n = 0;
		memcpy(name + n, PROJECTS, PROJECTS_LEN);
		n += PROJECTS_LEN;
		memcpy(name + n, project, project_len);
		n += project_len;
		memcpy(name + n, INSTANCES, INSTANCES_LEN);
		n += INSTANCES_LEN;
		memcpy(name + n, id, id_len);
		n += id_len;
		if ((*rc = numbering__str_set(&out->name, name, n)) != NUMBERING_OK)
			return fail(r, NULL);
		return 1;
	}
	case F_NUMBERS: {
		uint8_t digits;
		uint64_t span;
		if (!get_byte(r, &digits) || !get_varint(r, &out->first) || !get_varint(r, &span))
			return 0;
		if (digits == 0 || digits > NUMBERING_E164_MAX_DIGITS)
			return fail(r, "the digit count is not 1 to 15");
		if (out->first >= pow10_table[digits] || span >= pow10_table[digits] - out->first)
			return fail(r, "the numbers do not fit their digit count");
		out->digits = digits;
		out->last = out->first + span;
		return 1;
	}
	case F_ENUMS:
		if (!get_varint(r, &v))
			return 0;
		if ((v & ~(uint64_t)ENUM_BITS) != 0
#define ENUM_BAD_ENUM(m, aux, limit) || (v >> aux & ENUM_MASK(limit)) > limit
#define ENUM_BAD_STR(m, aux, limit)
#define ENUM_BAD_TIME ENUM_BAD_STR
#define ENUM_BAD_LABELS ENUM_BAD_STR
#define ENUM_BAD_URIS ENUM_BAD_STR
#define ENUM_BAD_FLAG ENUM_BAD_STR
#define ENUM_BAD_SPECIAL ENUM_BAD_STR
#define ENUM_BAD_NONE ENUM_BAD_STR
#define NUMBERING__INSTANCE_FIELD(id, m, type, f1, bit, aux, limit, ...) ENUM_BAD_##f1(m, aux, limit)
#include "model/instance-fields.h"
#undef NUMBERING__INSTANCE_FIELD
		)
			return fail(r, "an enum holds an unknown value");
#define ENUM_GET_ENUM(m, aux, limit) out->m = (uint8_t)(v >> aux & ENUM_MASK(limit));
#define ENUM_GET_STR(m, aux, limit)
#define ENUM_GET_TIME ENUM_GET_STR
#define ENUM_GET_LABELS ENUM_GET_STR
#define ENUM_GET_URIS ENUM_GET_STR
#define ENUM_GET_FLAG ENUM_GET_STR
#define ENUM_GET_SPECIAL ENUM_GET_STR
#define ENUM_GET_NONE ENUM_GET_STR
#define NUMBERING__INSTANCE_FIELD(id, m, type, f1, bit, aux, limit, ...) ENUM_GET_##f1(m, aux, limit)
#include "model/instance-fields.h"
#undef NUMBERING__INSTANCE_FIELD
		return 1;
	case F_PN_DERIVED:
	case F_RE_DERIVED:
		return 1; /* filled in once the numbers are read */
#define GET_STR(id, m, aux, limit)                                                                             \
	case F_##id:                                                                                               \
		return get_str(r, &out->m, limit, rc);
#define GET_TIME(id, m, aux, limit)                                                                            \
	case F_##id:                                                                                               \
		return get_time(r, &out->m, TIME_OF_##aux(out));
#define GET_FLAG(id, m, aux, limit)                                                                            \
	case F_##id:                                                                                               \
		out->m = 1;                                                                                            \
		return 1;
#define GET_LABELS(id, m, aux, limit)                                                                          \
	case F_##id:                                                                                               \
		return get_labels(r, out, rc);
#define GET_URIS(id, m, aux, limit)                                                                            \
	case F_##id:                                                                                               \
		return get_handlers(r, out->m, &out->aux, limit, rc);
#define GET_ENUM(id, m, aux, limit)
#define GET_SPECIAL(id, m, aux, limit)
#define GET_NONE(id, m, aux, limit)
#define NUMBERING__INSTANCE_FIELD(id, m, type, f1, bit, aux, limit, ...) GET_##f1(id, m, aux, limit)
#include "model/instance-fields.h"
#undef NUMBERING__INSTANCE_FIELD
	case F_NAME:
		return get_str(r, &out->name, NAME_BYTES_MAX, rc);
	case F_PHONE_NUMBER:
		return get_str(r, &out->phone_number, NUMBER_TEXT_MAX, rc);
	case F_RANGE_END:
		return get_str(r, &out->range_end, NUMBER_TEXT_MAX, rc);
	case F_RANGE_SIZE:
		if (!get_varint(r, &v))
			return 0;
		out->range_size = to_signed(unzigzag(v));
		return 1;
	default:
		return fail(r, "an unknown field is present");
	}
}

/* The phone number and range end the encoding left to the numbers. */
static int derive_numbers(numbering_instance *out, uint32_t f)
{
	char e164[NUMBERING_E164_BUFSIZE];
	int rc = NUMBERING_OK;
	if (f & F_PN_DERIVED)
		rc = numbering__str_set(&out->phone_number, e164,
		                        numbering__e164_format(e164, sizeof(e164), out->first, (unsigned)out->digits));
	if (rc == NUMBERING_OK && (f & F_RE_DERIVED))
		rc = numbering__str_set(&out->range_end, e164,
		                        numbering__e164_format(e164, sizeof(e164), out->last, (unsigned)out->digits));
	return rc;
}

/* Fields that exclude each other or need another. */
static const char *presence_problem(uint32_t f)
{
	if (f & ~(uint32_t)F_ALL)
		return "it names fields this version does not know";
	if ((f & F_NAME_STD) && (f & F_NAME))
		return "it holds the name twice";
	if ((f & F_PN_DERIVED) && (f & F_PHONE_NUMBER))
		return "it holds the phone number twice";
	if ((f & F_RE_DERIVED) && (f & F_RANGE_END))
		return "it holds the range end twice";
	if ((f & (F_PN_DERIVED | F_RE_DERIVED)) && !(f & F_NUMBERS))
		return "a number derived from the digits has no digits";
	return NULL;
}

int numbering_instance_decode(numbering_instance *out, const uint8_t *data, size_t len)
{
	if (out == NULL || (data == NULL && len > 0))
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_instance_decode: %s is NULL",
		                            out == NULL ? "out" : "data");
	numbering__instance_reset(out);
	static const uint8_t nothing[1];
	if (data == NULL)
		data = nothing; /* no arithmetic on NULL */
	struct reader r = {data, data + len, NULL};
	int rc = NUMBERING_OK;
	uint8_t format = 0;
	uint64_t f = 0;
	if (get_byte(&r, &format) && format != FORMAT_1)
		fail(&r, "its format byte is not 1");
	if (r.problem == NULL && get_varint(&r, &f) && f > UINT32_MAX)
		fail(&r, "it names fields this version does not know");
	if (r.problem == NULL) {
		const char *problem = presence_problem((uint32_t)f);
		if (problem != NULL)
			fail(&r, problem);
	}
	for (uint32_t bit = 1; r.problem == NULL && rc == NUMBERING_OK && bit <= F_ALL; bit <<= 1)
		if ((f & bit) && !read_field(&r, out, bit, &rc))
			break;
	if (r.problem == NULL && rc == NUMBERING_OK && (f & (F_PN_DERIVED | F_RE_DERIVED)))
		rc = derive_numbers(out, (uint32_t)f);
	if (r.problem == NULL && rc == NUMBERING_OK) {
		int64_t derived = out->digits > 0 ? (int64_t)(out->last - out->first) + 1 : 0;
		if (!(f & F_RANGE_SIZE))
			out->range_size = derived;
		else if (out->range_size == derived)
			fail(&r, "it holds a range size that the numbers give");
		if (r.problem == NULL && r.p != r.end)
			fail(&r, "bytes follow the last field");
	}
	if (rc != NUMBERING_OK) {
		numbering__instance_reset(out);
		return rc;
	}
	if (r.problem != NULL) {
		numbering__instance_reset(out);
		return numbering__error_set(NUMBERING_DATA_LOSS,
		                            "stored instance bytes are not a valid encoding: %s (%zu bytes, at byte %zu)",
		                            r.problem, len, (size_t)(r.p - data));
	}
	return NUMBERING_OK;
}

/* ---- Indexing ---- */

int numbering_instance_project(char *buf, size_t bufsize, const numbering_instance *instance)
{
	if (buf == NULL || instance == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_instance_project: %s is NULL",
		                            buf == NULL ? "buf" : "instance");
	if (bufsize > 0)
		buf[0] = '\0';
	const char *name = numbering__str_get(&instance->name);
	size_t len = 0;
	if (name[0] != '\0') {
		char quoted[NUMBERING__QUOTE_SIZE];
		if (strncmp(name, PROJECTS, PROJECTS_LEN) != 0 || name[PROJECTS_LEN] == '/' || name[PROJECTS_LEN] == '\0')
			return numbering__error_set(NUMBERING_INVALID_ARGUMENT,
			                            "instance name \"%s\" does not start with projects/{project}",
			                            numbering__quote(quoted, name, instance->name.len));
		len = PROJECTS_LEN + strcspn(name + PROJECTS_LEN, "/");
	}
	if (len + 1 > bufsize)
		return numbering__error_set(NUMBERING_OUT_OF_RANGE,
		                            "the project of an instance needs %zu bytes; the buffer has %zu", len + 1, bufsize);
	memcpy(buf, name, len);
	buf[len] = '\0';
	return NUMBERING_OK;
}

int numbering_instance_numbers(uint64_t *first, uint64_t *last, int *digits, const numbering_instance *instance)
{
	if (first != NULL)
		*first = 0;
	if (last != NULL)
		*last = 0;
	if (digits != NULL)
		*digits = 0;
	if (first == NULL || last == NULL || digits == NULL || instance == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_instance_numbers: a pointer is NULL");
	if (instance->digits == 0)
	{
		char quoted[NUMBERING__QUOTE_SIZE];
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT,
		                            "instance \"%s\" holds no numbers yet: only a stored instance has them",
		                            numbering__quote(quoted, numbering__str_get(&instance->name), instance->name.len));
	}
	*first = instance->first;
	*last = instance->last;
	*digits = instance->digits;
	return NUMBERING_OK;
}
