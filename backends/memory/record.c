#include "record.h"

#include "core/alloc.h"
#include "numbering/common.h"

static const char STANDARD_MIDDLE[] = "/phoneNumberInstances/";
#define STANDARD_MIDDLE_LEN (sizeof(STANDARD_MIDDLE) - 1)

/* Body: a mask of the strings present, two bytes of small fields, the strings, then
 * an optional section of what most records lack. */
enum {
	HAS_SKU = 1 << 0,
	HAS_ACTIVATION_SKU = 1 << 1,
	HAS_COUNTRY = 1 << 2,
	HAS_DISPLAY_NAME = 1 << 3,
	HAS_LISTING = 1 << 4,
	HAS_PHONE_NUMBER = 1 << 5, /* differs from the one the numbers give */
	HAS_RANGE_END = 1 << 6,    /* same */
	HAS_EXTRA = 1 << 7
};

/* Second byte: is_range, compliant, trigger (2 bits), number type (3 bits), and
 * whether activate_time equals create_time. */
#define PACK_ACTIVATED_AT_CREATE 0x80

enum {
	EXTRA_SET = 1 << 0,
	EXTRA_RANGE_SIZE = 1 << 1, /* differs from last - first + 1 */
	EXTRA_DELETE_TIME = 1 << 2,
	EXTRA_ACTIVATE_TIME = 1 << 3,
	EXTRA_HANDLERS = 1 << 4,
	EXTRA_LABELS = 1 << 5,
	EXTRA_RAW_ENUMS = 1 << 6 /* a value too large to pack */
};

/* Writes when p is not NULL; counts either way, so one function sizes and writes. */
struct writer {
	uint8_t *p;
	size_t n;
};

static void put_byte(struct writer *w, uint8_t b)
{
	if (w->p)
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

static void put_bytes(struct writer *w, const void *data, size_t len)
{
	if (w->p && len > 0)
		memcpy(w->p + w->n, data, len);
	w->n += len;
}

static void put_str(struct writer *w, const struct numbering__str *s)
{
	put_varint(w, s->len);
	put_bytes(w, s->ptr, s->len);
}

static uint64_t zigzag(uint64_t v)
{
	return (v & UINT64_C(0x8000000000000000)) ? ~(v << 1) : v << 1;
}

static uint64_t unzigzag(uint64_t z)
{
	return (z & 1) ? ~(z >> 1) : z >> 1;
}

static int64_t to_i64(uint64_t u)
{
	return u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
}

static const char DIGIT_PAIRS[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                  "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                  "8081828384858687888990919293949596979899";

/* "+" and exactly @digits digits of @value; returns the length (0 if it cannot be).
 * Eight digits a step in 32-bit arithmetic, then two: this runs for every instance
 * read, a resolve and each item of a list page included. */
static size_t format_e164(char buf[24], uint64_t value, unsigned digits)
{
	if (digits == 0 || digits > 20)
		return 0;
	buf[0] = '+';
	char *p = buf + digits + 1;
	*p = '\0';
	unsigned left = digits;
	for (; left >= 8; left -= 8) {
		uint32_t low = (uint32_t)(value % 100000000u);
		value /= 100000000u;
		uint32_t hi4 = low / 10000, lo4 = low % 10000;
		p -= 8;
		memcpy(p, DIGIT_PAIRS + 2 * (hi4 / 100), 2);
		memcpy(p + 2, DIGIT_PAIRS + 2 * (hi4 % 100), 2);
		memcpy(p + 4, DIGIT_PAIRS + 2 * (lo4 / 100), 2);
		memcpy(p + 6, DIGIT_PAIRS + 2 * (lo4 % 100), 2);
	}
	for (; left >= 2; left -= 2) {
		unsigned pair = (unsigned)(value % 100);
		value /= 100;
		p -= 2;
		memcpy(p, DIGIT_PAIRS + 2 * pair, 2);
	}
	if (left == 1) {
		*--p = (char)('0' + value % 10);
		value /= 10;
	}
	return value == 0 ? digits + 1 : 0;
}

static int str_is(const struct numbering__str *s, const char *text, size_t len)
{
	return s->len == len && (len == 0 || memcmp(s->ptr, text, len) == 0);
}

size_t numbering__mrec_project_len(const char *name, size_t len)
{
	static const char prefix[] = "projects/";
	size_t n = sizeof(prefix) - 1;
	if (len <= n || memcmp(name, prefix, n) != 0 || name[n] == '/')
		return 0;
	const char *slash = memchr(name + n, '/', len - n);
	return slash ? (size_t)(slash - name) : len;
}

/* The stored tail of @name: the id of a standard name, else all after the project. */
static const char *name_tail(const numbering_instance *instance, size_t project_len, size_t *tail_len, int *standard)
{
	const char *tail = numbering__str_get(&instance->name) + project_len;
	size_t len = instance->name.len - project_len;
	*standard = project_len > 0 && len > STANDARD_MIDDLE_LEN && memcmp(tail, STANDARD_MIDDLE, STANDARD_MIDDLE_LEN) == 0;
	if (*standard) {
		tail += STANDARD_MIDDLE_LEN;
		len -= STANDARD_MIDDLE_LEN;
	}
	*tail_len = len;
	return tail;
}

static size_t header_len(const numbering_instance *instance)
{
	return sizeof(struct numbering__mrec) + (instance->last != instance->first ? sizeof(uint64_t) : 0);
}

/* Writes (or sizes) the body. */
static void body(struct writer *w, const numbering_instance *in)
{
	char derived[24];
	size_t n = format_e164(derived, in->first, in->digits);
	uint8_t mask = 0;
	if (in->sku.len)
		mask |= HAS_SKU;
	if (in->activation_sku.len)
		mask |= HAS_ACTIVATION_SKU;
	if (in->country_code.len)
		mask |= HAS_COUNTRY;
	if (in->display_name.len)
		mask |= HAS_DISPLAY_NAME;
	if (in->regulatory_listing.len)
		mask |= HAS_LISTING;
	if (!str_is(&in->phone_number, derived, n))
		mask |= HAS_PHONE_NUMBER;
	n = (in->is_range & 1) ? format_e164(derived, in->last, in->digits) : 0;
	if (!str_is(&in->range_end, derived, n))
		mask |= HAS_RANGE_END;

	uint8_t extra = 0;
	uint64_t size = in->digits > 0 && in->last >= in->first ? in->last - in->first + 1 : 0;
	if (in->set)
		extra |= EXTRA_SET;
	if ((uint64_t)in->range_size != size)
		extra |= EXTRA_RANGE_SIZE;
	if (in->delete_time)
		extra |= EXTRA_DELETE_TIME;
	if (in->activate_time && in->activate_time != in->create_time)
		extra |= EXTRA_ACTIVATE_TIME;
	if (in->message_handler_count || in->call_handler_count)
		extra |= EXTRA_HANDLERS;
	if (in->label_count)
		extra |= EXTRA_LABELS;
	if (in->is_range > 1 || in->compliant > 1 || in->call_recording_trigger > 3 || in->number_type > 7)
		extra |= EXTRA_RAW_ENUMS;
	if (extra)
		mask |= HAS_EXTRA;

	put_byte(w, mask);
	uint8_t pack = (uint8_t)((in->is_range & 1) | (in->compliant & 1) << 1 | (in->call_recording_trigger & 3) << 2 |
	                         (in->number_type & 7) << 4);
	if (in->activate_time == in->create_time)
		pack |= PACK_ACTIVATED_AT_CREATE;
	put_byte(w, pack);
	put_byte(w, in->capabilities);
	if (mask & HAS_SKU)
		put_str(w, &in->sku);
	if (mask & HAS_ACTIVATION_SKU)
		put_str(w, &in->activation_sku);
	if (mask & HAS_COUNTRY)
		put_str(w, &in->country_code);
	if (mask & HAS_DISPLAY_NAME)
		put_str(w, &in->display_name);
	if (mask & HAS_LISTING)
		put_str(w, &in->regulatory_listing);
	if (mask & HAS_PHONE_NUMBER)
		put_str(w, &in->phone_number);
	if (mask & HAS_RANGE_END)
		put_str(w, &in->range_end);
	if (!extra)
		return;
	put_byte(w, extra);
	if (extra & EXTRA_SET)
		put_varint(w, in->set);
	if (extra & EXTRA_RANGE_SIZE)
		put_varint(w, zigzag((uint64_t)in->range_size));
	if (extra & EXTRA_DELETE_TIME)
		put_varint(w, zigzag((uint64_t)in->delete_time - (uint64_t)in->create_time));
	if (extra & EXTRA_ACTIVATE_TIME)
		put_varint(w, zigzag((uint64_t)in->activate_time - (uint64_t)in->create_time));
	if (extra & EXTRA_HANDLERS) {
		uint32_t m = in->message_handler_count, c = in->call_handler_count;
		put_byte(w, (uint8_t)(m << 4 | c));
		for (uint32_t i = 0; i < m; i++)
			put_str(w, &in->message_handlers[i]);
		for (uint32_t i = 0; i < c; i++)
			put_str(w, &in->call_handlers[i]);
	}
	if (extra & EXTRA_LABELS) {
		put_varint(w, in->label_count);
		for (uint32_t i = 0; i < in->label_count; i++) {
			put_str(w, &in->labels[i].key);
			put_str(w, &in->labels[i].value);
		}
	}
	if (extra & EXTRA_RAW_ENUMS) {
		put_byte(w, in->is_range);
		put_byte(w, in->compliant);
		put_byte(w, in->call_recording_trigger);
		put_byte(w, in->number_type);
	}
}

size_t numbering__mrec_size(const numbering_instance *instance, size_t project_len)
{
	size_t tail_len;
	int standard;
	name_tail(instance, project_len, &tail_len, &standard);
	struct writer w = {NULL, 0};
	body(&w, instance);
	return header_len(instance) + tail_len + w.n;
}

void numbering__mrec_write(struct numbering__mrec *rec, const numbering_instance *instance, uint32_t project,
                           size_t project_len)
{
	size_t tail_len;
	int standard;
	const char *tail = name_tail(instance, project_len, &tail_len, &standard);
	memset(rec, 0, sizeof(*rec));
	rec->first = instance->first;
	rec->create_time = instance->create_time;
	rec->project = project;
	rec->tail_len = (uint16_t)tail_len;
	rec->digits = instance->digits;
	rec->state = instance->lifecycle_state;
	rec->flags = standard ? NUMBERING__MREC_STANDARD : 0;
	size_t bytes = numbering__instance_strings_size(instance);
	rec->placed_bytes = bytes < NUMBERING__MREC_PLACED_UNKNOWN_BYTES ? (uint16_t)bytes
	                                                                 : NUMBERING__MREC_PLACED_UNKNOWN_BYTES;
	rec->placed_labels = instance->label_count < NUMBERING__MREC_PLACED_UNKNOWN_LABELS
	                         ? (uint8_t)instance->label_count
	                         : NUMBERING__MREC_PLACED_UNKNOWN_LABELS;
	if (instance->last != instance->first) {
		rec->flags |= NUMBERING__MREC_LAST;
		memcpy(rec + 1, &instance->last, sizeof(uint64_t));
	}
	uint8_t *p = (uint8_t *)rec + header_len(instance);
	memcpy(p, tail, tail_len);
	struct writer w = {p + tail_len, 0};
	body(&w, instance);
	rec->size = (uint32_t)(header_len(instance) + tail_len + w.n);
}

/*
 * Where a decoded string goes. OWN: the grow-only buffers of an instance that is
 * refilled again and again (a get's, a resolve's), copying in place when there is
 * room, so the hot paths allocate nothing once grown. PLACE: carved one after
 * another from the block the instance itself was placed in (a list page's), each
 * marked borrowed as a frozen copy's are. COUNT: nowhere; only the bytes PLACE will
 * need are added up.
 */
enum sink_mode { SINK_OWN, SINK_PLACE, SINK_COUNT };

/* decode() and what it calls are inlined into each of its three callers, so that
 * each gets a copy specialised for its constant sink mode. */
#if defined(__GNUC__) || defined(__clang__)
#define SINK_INLINE static inline __attribute__((always_inline))
#else
#define SINK_INLINE static inline
#endif

struct sink {
	enum sink_mode mode;
	char *next, *end; /* PLACE: the next free byte, the end of the block */
	size_t bytes;     /* COUNT: string bytes so far, NULs included */
};

/* Sets a grow-only string, copying in place when it has room (cap counts the NUL or
 * not: len + 1 <= cap is safe either way). */
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

/* PLACE: makes @s the next @len bytes (and NUL) of the block; NULL when they do not
 * fit, i.e. the block was sized for another record. The caller writes them. */
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

/* Sets @s to @len bytes at @p (not NUL-terminated). */
SINK_INLINE int sink_str(struct sink *k, struct numbering__str *s, const char *p, size_t len)
{
	switch (k->mode) {
	case SINK_COUNT:
		k->bytes += len ? len + 1 : 0;
		return NUMBERING_OK;
	case SINK_PLACE:
		if (len == 0)
			return NUMBERING_OK; /* the placed instance was zeroed: "" */
		char *d = place_take(k, s, len);
		if (d == NULL)
			return NUMBERING_INTERNAL;
		memcpy(d, p, len);
		return NUMBERING_OK;
	default:
		return set_str(s, p, len);
	}
}

static uint64_t get_varint(const uint8_t **p)
{
	uint64_t v = 0;
	for (unsigned shift = 0; shift < 64; shift += 7) {
		uint8_t b = *(*p)++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			break;
	}
	return v;
}

SINK_INLINE int get_str(struct sink *k, struct numbering__str *s, const uint8_t **p)
{
	size_t len = (size_t)get_varint(p);
	int rc = sink_str(k, s, (const char *)*p, len);
	*p += len;
	return rc;
}

/* Sets @s to the +E164 form of @value, formatting in place when there is room. */
SINK_INLINE int set_e164(struct sink *k, struct numbering__str *s, uint64_t value, unsigned digits)
{
	if (k->mode == SINK_OWN && s->ptr != NULL && (size_t)numbering__str_capacity(s) >= (size_t)digits + 2) {
		size_t n = format_e164(s->ptr, value, digits);
		s->ptr[n] = '\0';
		s->len = (uint32_t)n;
		return NUMBERING_OK;
	}
	if (k->mode == SINK_PLACE && (size_t)(k->end - k->next) >= (size_t)digits + 2) {
		/* Formatted where it goes: a copy of freshly stored bytes would stall. */
		size_t n = format_e164(k->next, value, digits);
		if (n > 0)
			place_take(k, s, n); /* fits: the room was checked */
		return NUMBERING_OK;     /* n == 0: "", as zeroed */
	}
	char buf[24];
	return sink_str(k, s, buf, format_e164(buf, value, digits));
}

size_t numbering__mrec_name(char *buf, size_t size, const struct numbering__mrec *rec, const char *project,
                            size_t project_len)
{
	const char *parts[3] = {project, STANDARD_MIDDLE, numbering__mrec_tail(rec)};
	size_t lens[3] = {project_len, (rec->flags & NUMBERING__MREC_STANDARD) ? STANDARD_MIDDLE_LEN : 0, rec->tail_len};
	size_t n = 0;
	for (int i = 0; i < 3; i++) {
		size_t room = n + 1 < size ? size - 1 - n : 0;
		size_t take = lens[i] < room ? lens[i] : room;
		if (take)
			memcpy(buf + n, parts[i], take);
		n += lens[i];
	}
	if (size > 0)
		buf[n < size ? n : size - 1] = '\0';
	return n;
}

SINK_INLINE int read_name(struct sink *k, numbering_instance *out, const struct numbering__mrec *rec,
                     const char *project, size_t project_len)
{
	size_t len = project_len + ((rec->flags & NUMBERING__MREC_STANDARD) ? STANDARD_MIDDLE_LEN : 0) + rec->tail_len;
	struct numbering__str *s = &out->name;
	if (k->mode == SINK_COUNT) {
		k->bytes += len + 1;
		return NUMBERING_OK;
	}
	char *d = NULL;
	if (k->mode == SINK_PLACE) {
		if ((d = place_take(k, s, len)) == NULL)
			return NUMBERING_INTERNAL;
	} else if (s->ptr != NULL && (size_t)numbering__str_capacity(s) >= len + 1) {
		d = s->ptr;
	}
	if (d != NULL) {
		memcpy(d, project, project_len);
		d += project_len;
		if (rec->flags & NUMBERING__MREC_STANDARD) {
			memcpy(d, STANDARD_MIDDLE, STANDARD_MIDDLE_LEN);
			d += STANDARD_MIDDLE_LEN;
		}
		memcpy(d, numbering__mrec_tail(rec), rec->tail_len);
		d[rec->tail_len] = '\0';
		s->len = (uint32_t)len;
		return NUMBERING_OK;
	}
	char small[256];
	char *buf = len < sizeof(small) ? small : numbering__malloc(len + 1);
	if (buf == NULL)
		return NUMBERING_RESOURCE_EXHAUSTED;
	numbering__mrec_name(buf, len + 1, rec, project, project_len);
	int rc = numbering__str_set(s, buf, len);
	if (buf != small)
		numbering__free_mem(buf);
	return rc;
}

/* Labels: OWN grows the instance's array; PLACE finds it placed already (label_cap
 * entries, zeroed); COUNT only counts them. */
SINK_INLINE int read_labels(struct sink *k, numbering_instance *out, const uint8_t **p)
{
	uint64_t n = get_varint(p);
	if (n > UINT32_MAX / sizeof(struct numbering__label))
		return NUMBERING_RESOURCE_EXHAUSTED;
	struct numbering__label counted = {{NULL, 0, 0}, {NULL, 0, 0}};
	if (k->mode == SINK_OWN && out->label_cap < n) {
		struct numbering__label *labels = numbering__realloc(out->labels, (size_t)n * sizeof(*labels));
		if (labels == NULL)
			return NUMBERING_RESOURCE_EXHAUSTED;
		memset(labels + out->label_cap, 0, (size_t)(n - out->label_cap) * sizeof(*labels));
		out->labels = labels;
		out->label_cap = (uint32_t)n;
	}
	if (k->mode == SINK_PLACE && out->label_cap != n)
		return NUMBERING_INTERNAL; /* placed for another record */
	out->label_count = 0;
	for (uint32_t i = 0; i < n; i++) {
		struct numbering__label *label = k->mode == SINK_COUNT ? &counted : &out->labels[i];
		int rc = get_str(k, &label->key, p);
		if (rc == NUMBERING_OK)
			rc = get_str(k, &label->value, p);
		if (rc != NUMBERING_OK)
			return rc;
		out->label_count = i + 1;
	}
	return NUMBERING_OK;
}

SINK_INLINE int decode(struct sink *k, numbering_instance *out, const struct numbering__mrec *rec, const char *project,
                  size_t project_len)
{
	uint64_t last = numbering__mrec_last(rec);
	out->first = rec->first;
	out->last = last;
	out->digits = rec->digits;
	out->lifecycle_state = rec->state;
	out->create_time = rec->create_time;
	int rc = read_name(k, out, rec, project, project_len);
	if (rc != NUMBERING_OK)
		return rc;
	const uint8_t *p = (const uint8_t *)numbering__mrec_tail(rec) + rec->tail_len;
	uint8_t mask = *p++, pack = *p++;
	out->capabilities = *p++;
	out->is_range = pack & 1;
	out->compliant = (pack >> 1) & 1;
	out->call_recording_trigger = (pack >> 2) & 3;
	out->number_type = (pack >> 4) & 7;
	out->activate_time = (pack & PACK_ACTIVATED_AT_CREATE) ? rec->create_time : 0;
	struct numbering__str *strs[] = {&out->sku, &out->activation_sku, &out->country_code, &out->display_name,
	                                 &out->regulatory_listing};
	for (int i = 0; i < 5 && rc == NUMBERING_OK; i++)
		rc = (mask & (1 << i)) ? get_str(k, strs[i], &p) : sink_str(k, strs[i], "", 0);
	if (rc != NUMBERING_OK)
		return rc;
	if (mask & HAS_PHONE_NUMBER)
		rc = get_str(k, &out->phone_number, &p);
	else
		rc = set_e164(k, &out->phone_number, rec->first, rec->digits);
	if (rc != NUMBERING_OK)
		return rc;
	if (mask & HAS_RANGE_END)
		rc = get_str(k, &out->range_end, &p);
	else
		rc = out->is_range ? set_e164(k, &out->range_end, last, rec->digits) : sink_str(k, &out->range_end, "", 0);
	if (rc != NUMBERING_OK)
		return rc;
	out->set = 0;
	out->range_size = rec->digits > 0 && last >= rec->first ? to_i64(last - rec->first + 1) : 0;
	out->delete_time = 0;
	out->message_handler_count = 0;
	out->call_handler_count = 0;
	out->label_count = 0;
	if (!(mask & HAS_EXTRA))
		return NUMBERING_OK;
	uint8_t extra = *p++;
	if (extra & EXTRA_SET)
		out->set = (uint32_t)get_varint(&p);
	if (extra & EXTRA_RANGE_SIZE)
		out->range_size = to_i64(unzigzag(get_varint(&p)));
	if (extra & EXTRA_DELETE_TIME)
		out->delete_time = to_i64((uint64_t)rec->create_time + unzigzag(get_varint(&p)));
	if (extra & EXTRA_ACTIVATE_TIME)
		out->activate_time = to_i64((uint64_t)rec->create_time + unzigzag(get_varint(&p)));
	if (extra & EXTRA_HANDLERS) {
		uint8_t counts = *p++;
		uint32_t m = counts >> 4, c = counts & 15;
		for (uint32_t i = 0; i < m && rc == NUMBERING_OK; i++)
			if ((rc = get_str(k, &out->message_handlers[i], &p)) == NUMBERING_OK)
				out->message_handler_count = i + 1;
		for (uint32_t i = 0; i < c && rc == NUMBERING_OK; i++)
			if ((rc = get_str(k, &out->call_handlers[i], &p)) == NUMBERING_OK)
				out->call_handler_count = i + 1;
		if (rc != NUMBERING_OK)
			return rc;
	}
	if ((extra & EXTRA_LABELS) && (rc = read_labels(k, out, &p)) != NUMBERING_OK)
		return rc;
	if (extra & EXTRA_RAW_ENUMS) {
		out->is_range = p[0];
		out->compliant = p[1];
		out->call_recording_trigger = p[2];
		out->number_type = p[3];
	}
	return NUMBERING_OK;
}

int numbering__mrec_read(numbering_instance *out, const struct numbering__mrec *rec, const char *project,
                         size_t project_len)
{
	struct sink own = {SINK_OWN, NULL, NULL, 0};
	return decode(&own, out, rec, project, project_len);
}

/* Placed instances are laid end to end: keep each aligned for the next. */
#define PLACE_ALIGN 8

/* What the body says the decoded strings take and how many labels there are. */
static void count_placed(const struct numbering__mrec *rec, size_t project_len, size_t *bytes, uint32_t *labels)
{
	numbering_instance counted; /* only its scalars are written */
	counted.labels = NULL;
	struct sink count = {SINK_COUNT, NULL, NULL, 0};
	decode(&count, &counted, rec, "", project_len); /* counting cannot fail */
	*bytes = count.bytes;
	*labels = counted.label_count;
}

int numbering__mrec_noted_sizes_agree(const struct numbering__mrec *rec, size_t project_len)
{
	size_t bytes;
	uint32_t labels;
	count_placed(rec, project_len, &bytes, &labels);
	return (rec->placed_bytes == NUMBERING__MREC_PLACED_UNKNOWN_BYTES ? bytes >= NUMBERING__MREC_PLACED_UNKNOWN_BYTES
	                                                                   : bytes == rec->placed_bytes) &&
	       (rec->placed_labels == NUMBERING__MREC_PLACED_UNKNOWN_LABELS
	            ? labels >= NUMBERING__MREC_PLACED_UNKNOWN_LABELS
	            : labels == rec->placed_labels);
}

void numbering__mrec_measure(struct numbering__mrec_layout *layout, const struct numbering__mrec *rec,
                             size_t project_len)
{
	size_t bytes = rec->placed_bytes;
	layout->labels = rec->placed_labels;
	if (bytes == NUMBERING__MREC_PLACED_UNKNOWN_BYTES || layout->labels == NUMBERING__MREC_PLACED_UNKNOWN_LABELS)
		count_placed(rec, project_len, &bytes, &layout->labels);
	bytes += sizeof(numbering_instance) + layout->labels * sizeof(struct numbering__label);
	layout->size = (bytes + PLACE_ALIGN - 1) & ~(size_t)(PLACE_ALIGN - 1);
}

numbering_instance *numbering__mrec_place(void *block, const struct numbering__mrec_layout *layout,
                                          const struct numbering__mrec *rec, const char *project, size_t project_len)
{
	numbering_instance *out = block;
	size_t fixed = sizeof(*out) + layout->labels * sizeof(struct numbering__label);
	if (layout->size < fixed)
		return NULL;
	memset(out, 0, fixed);
	if (layout->labels > 0) {
		out->labels = (struct numbering__label *)(out + 1);
		out->label_cap = layout->labels;
	}
	struct sink place = {SINK_PLACE, (char *)block + fixed, (char *)block + layout->size, 0};
	return decode(&place, out, rec, project, project_len) == NUMBERING_OK ? out : NULL;
}

int numbering__mrec_tail_equals(const struct numbering__mrec *rec, const char *tail, size_t tail_len)
{
	if (rec->flags & NUMBERING__MREC_STANDARD) {
		if (tail_len != STANDARD_MIDDLE_LEN + rec->tail_len || memcmp(tail, STANDARD_MIDDLE, STANDARD_MIDDLE_LEN) != 0)
			return 0;
		tail += STANDARD_MIDDLE_LEN;
		tail_len -= STANDARD_MIDDLE_LEN;
	} else if (tail_len != rec->tail_len) {
		return 0;
	}
	return memcmp(tail, numbering__mrec_tail(rec), tail_len) == 0;
}

void numbering__mrec_release(numbering_instance *scratch)
{
	struct numbering__str *strs[] = {&scratch->name,         &scratch->phone_number,   &scratch->range_end,
	                                 &scratch->sku,          &scratch->activation_sku, &scratch->country_code,
	                                 &scratch->display_name, &scratch->regulatory_listing};
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		numbering__str_free(strs[i]);
	for (uint32_t i = 0; i < scratch->label_cap; i++) {
		numbering__str_free(&scratch->labels[i].key);
		numbering__str_free(&scratch->labels[i].value);
	}
	numbering__free_mem(scratch->labels);
	for (int i = 0; i < NUMBERING_HANDLER_URIS_MAX; i++) {
		numbering__str_free(&scratch->message_handlers[i]);
		numbering__str_free(&scratch->call_handlers[i]);
	}
	memset(scratch, 0, sizeof(*scratch));
}
