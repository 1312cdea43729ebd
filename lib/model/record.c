/*
 * The record encoding: one record, keys and body, as bytes (docs/RECORDS.md).
 *
 *   byte     format, NUMBERING__RECORD_FORMAT (1)
 *   byte     kind, 1 .. 255
 *   byte     bits: LISTED, NUMBERS (the record's flags), NAME_SHORT, and which of the
 *            optional fields follow (B_* below); the top bit is 0
 *   string   parent
 *   string   name
 *   [zigzag varint sort_key]            B_SORT_KEY, when not 0
 *   [byte digits, varint first, varint last - first]   B_INTERVAL, when digits > 0
 *   [zigzag varint expires]             B_EXPIRES, when not 0
 *   [byte slot mask, then a string per slot present]   B_KEYS, when a key is not NULL
 *   the rest: the body
 * A string is a varint byte count, the bytes (no NUL among them) and a NUL, so a
 * decoded record points into the bytes. In the compact form (B_COMPACT, the file
 * log's), the parent is stored without its kind's parent prefix and the name as
 * its id alone (the name is parent "/" collection "/" id), both without a NUL: the
 * decoder rebuilds them.
 *
 * Decoding trusts nothing: every count is checked against the bytes left and the
 * limits of numbering/sys/record.h before anything is pointed at.
 */
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "model/kinds.h"
#include "model/record.h"

enum {
	B_LISTED = 0x01, /* NUMBERING_RECORD_LISTED */
	B_NUMBERS = 0x02, /* NUMBERING_RECORD_NUMBERS */
	B_COMPACT = 0x04,
	B_SORT_KEY = 0x08,
	B_INTERVAL = 0x10,
	B_EXPIRES = 0x20,
	B_KEYS = 0x40,
	B_ALL = 0x7f
};

#define FLAGS_ALL (NUMBERING_RECORD_LISTED | NUMBERING_RECORD_NUMBERS)
#define KEY_SLOTS_ALL ((1u << NUMBERING_RECORD_KEY_SLOTS) - 1)

static const uint64_t pow10_table[NUMBERING_RECORD_DIGITS_MAX + 1] = {
	1ULL,
	10ULL,
	100ULL,
	1000ULL,
	10000ULL,
	100000ULL,
	1000000ULL,
	10000000ULL,
	100000000ULL,
	1000000000ULL,
	10000000000ULL,
	100000000000ULL,
	1000000000000ULL,
	10000000000000ULL,
	100000000000000ULL,
	1000000000000000ULL,
	10000000000000000ULL,
};

/* ---- The buffer ---- */

int numbering__buf_reserve(struct numbering__buf *buf, size_t more)
{
	if (more <= buf->cap - buf->len)
		return NUMBERING_OK;
	if (more > SIZE_MAX / 2 - buf->len)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "a buffer of %zu more bytes is too large", more);
	size_t cap = buf->cap < 64 ? 64 : buf->cap;
	while (cap - buf->len < more)
		cap *= 2;
	uint8_t *p = numbering__realloc(buf->ptr, cap);
	if (p == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for %zu bytes of a record", cap);
	buf->ptr = p;
	buf->cap = cap;
	return NUMBERING_OK;
}

void numbering__buf_free(struct numbering__buf *buf)
{
	numbering__free_mem(buf->ptr);
	buf->ptr = NULL;
	buf->len = buf->cap = 0;
}

/* ---- Checking ---- */

static uint64_t zigzag(int64_t v)
{
	uint64_t u = (uint64_t)v;
	return (u << 1) ^ (0 - (u >> 63));
}

static int64_t unzigzag(uint64_t v)
{
	uint64_t u = (v >> 1) ^ (0 - (v & 1));
	return u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
}

/* The length of @s if it is at most @max bytes, else @max + 1. */
static size_t bounded_len(const char *s, size_t max)
{
	const char *nul = memchr(s, '\0', max + 1);
	return nul == NULL ? max + 1 : (size_t)(nul - s);
}

static int check_string(const char *s, const char *field, size_t min, size_t max, size_t *len)
{
	if (s == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "record %s is NULL%s", field,
		                              min == 0 ? " (\"\" for none)" : "");
	*len = bounded_len(s, max);
	char quoted[NUMBERING__QUOTE_SIZE];
	if (*len < min || *len > max)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "record %s \"%s\" is %s%zu bytes long; it must be %zu to %zu", field,
		                              numbering__quote(quoted, s, *len > max ? max : *len), *len > max ? "over " : "",
		                              *len > max ? max : *len, min, max);
	return NUMBERING_OK;
}

int numbering__record_check(const numbering_record *r)
{
	if (r == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "record", "the record is NULL");
	if (r->version < 1)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "version",
		                              "record version %u is not a version (NUMBERING_RECORD_VERSION is %d)",
		                              r->version, NUMBERING_RECORD_VERSION);
	if (r->kind < 1 || r->kind > NUMBERING_RECORD_KIND_MAX)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "kind", "record kind %d is not 1 to %d", r->kind,
		                              NUMBERING_RECORD_KIND_MAX);
	if (r->flags & ~(unsigned)FLAGS_ALL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "flags",
		                              "record flags 0x%x hold bits other than LISTED (1) and NUMBERS (2)", r->flags);
	size_t len;
	int rc = check_string(r->name, "name", 1, NUMBERING_RECORD_NAME_MAX, &len);
	if (rc == NUMBERING_OK)
		rc = check_string(r->parent, "parent", 0, NUMBERING_RECORD_NAME_MAX, &len);
	if (rc != NUMBERING_OK)
		return rc;
	if (r->digits < 0 || r->digits > NUMBERING_RECORD_DIGITS_MAX)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "digits", "record digits %d is not 0 to %d",
		                              r->digits, NUMBERING_RECORD_DIGITS_MAX);
	if (r->digits == 0 && (r->first != 0 || r->last != 0))
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, r->first != 0 ? "first" : "last",
		                              "record interval %llu .. %llu has no digit count (digits 0 means no interval)",
		                              (unsigned long long)r->first, (unsigned long long)r->last);
	/* NUMBERS with digits 0 is valid: the record holds no number (sys/record.h). */
	if (r->digits > 0 && r->last >= pow10_table[r->digits])
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "last",
		                              "record interval end %llu has more than %d digits", (unsigned long long)r->last,
		                              r->digits);
	if (r->first > r->last)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "first",
		                              "record interval start %llu is after its end %llu", (unsigned long long)r->first,
		                              (unsigned long long)r->last);
	static const char *const key_fields[NUMBERING_RECORD_KEY_SLOTS] = {"keys[0]", "keys[1]", "keys[2]", "keys[3]"};
	for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS; i++)
		if (r->keys[i] != NULL && (rc = check_string(r->keys[i], key_fields[i], 0, NUMBERING_RECORD_KEY_MAX, &len)) !=
		                              NUMBERING_OK)
			return rc;
	if (r->body_len > NUMBERING_RECORD_BODY_MAX)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "body_len", "record body of %zu bytes is over %u bytes",
		                              r->body_len, NUMBERING_RECORD_BODY_MAX);
	if (r->body == NULL && r->body_len > 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "body", "record body is NULL but body_len is %zu",
		                              r->body_len);
	return NUMBERING_OK;
}

/* ---- Encoding ---- */

static uint8_t *put_varint(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

static uint8_t *put_string(uint8_t *p, const char *s, size_t len)
{
	p = put_varint(p, len);
	memcpy(p, s, len);
	p[len] = '\0';
	return p + len + 1;
}

/* Whether @r has the compact form: its parent past the kind's prefix and its id. */
static int compact_form(const numbering_record *r, size_t name_len, size_t parent_len, const char **parent_tail,
                        const char **id)
{
	const struct numbering__kind *kind = numbering__kind_find(r->kind);
	if (kind == NULL || kind->collection_len == 0 || parent_len <= kind->parent_prefix_len ||
	    memcmp(r->parent, kind->parent_prefix, kind->parent_prefix_len) != 0)
		return 0;
	size_t c = kind->collection_len;
	const char *n = r->name;
	if (name_len <= parent_len + c + 2 || memcmp(n, r->parent, parent_len) != 0 || n[parent_len] != '/' ||
	    memcmp(n + parent_len + 1, kind->collection, c) != 0 || n[parent_len + 1 + c] != '/')
		return 0;
	*parent_tail = r->parent + kind->parent_prefix_len;
	*id = n + parent_len + c + 2;
	return 1;
}

/* A varint takes at most 10 bytes; a string its length, a NUL and at most 2 bytes of count. */
#define VARINT_MAX 10

static uint8_t *put_bytes(uint8_t *p, const char *s, size_t len)
{
	p = put_varint(p, len);
	memcpy(p, s, len);
	return p + len;
}

int numbering__record_encode(struct numbering__buf *out, const numbering_record *r, int compact)
{
	int rc = numbering__record_check(r);
	if (rc != NUMBERING_OK)
		return rc;
	size_t parent_len = strlen(r->parent), name_len = strlen(r->name);
	const char *parent_tail = NULL, *id = NULL;
	uint8_t bits = (uint8_t)r->flags;
	if (compact && compact_form(r, name_len, parent_len, &parent_tail, &id))
		bits |= B_COMPACT;
	size_t key_len[NUMBERING_RECORD_KEY_SLOTS] = {0};
	uint8_t slots = 0;
	size_t need = 3 + 2 * (VARINT_MAX + 1) + parent_len + name_len + 3 * VARINT_MAX + 2 + VARINT_MAX + 1;
	for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS; i++) {
		if (r->keys[i] == NULL)
			continue;
		slots |= (uint8_t)(1u << i);
		key_len[i] = strlen(r->keys[i]);
		need += VARINT_MAX + 1 + key_len[i];
	}
	if (r->sort_key != 0)
		bits |= B_SORT_KEY;
	if (r->digits > 0)
		bits |= B_INTERVAL;
	if (r->expires != 0)
		bits |= B_EXPIRES;
	if (slots != 0)
		bits |= B_KEYS;
	need += r->body_len;
	if ((rc = numbering__buf_reserve(out, need)) != NUMBERING_OK)
		return rc;
	uint8_t *p = out->ptr + out->len;
	*p++ = NUMBERING__RECORD_FORMAT;
	*p++ = (uint8_t)r->kind;
	*p++ = bits;
	if (bits & B_COMPACT) {
		p = put_bytes(p, parent_tail, parent_len - (size_t)(parent_tail - r->parent));
		p = put_bytes(p, id, name_len - (size_t)(id - r->name));
	} else {
		p = put_string(p, r->parent, parent_len);
		p = put_string(p, r->name, name_len);
	}
	if (bits & B_SORT_KEY)
		p = put_varint(p, zigzag(r->sort_key));
	if (bits & B_INTERVAL) {
		*p++ = (uint8_t)r->digits;
		p = put_varint(p, r->first);
		p = put_varint(p, r->last - r->first);
	}
	if (bits & B_EXPIRES)
		p = put_varint(p, zigzag(r->expires));
	if (bits & B_KEYS) {
		*p++ = slots;
		for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS; i++)
			if (r->keys[i] != NULL)
				p = put_string(p, r->keys[i], key_len[i]);
	}
	if (r->body_len > 0)
		memcpy(p, r->body, r->body_len);
	p += r->body_len;
	out->len = (size_t)(p - out->ptr);
	return NUMBERING_OK;
}

int numbering_record_encode(uint8_t **out, size_t *len, const numbering_record *record)
{
	if (out != NULL)
		*out = NULL;
	if (len != NULL)
		*len = 0;
	if (out == NULL || len == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, out == NULL ? "out" : "len",
		                              "numbering_record_encode: %s is NULL", out == NULL ? "out" : "len");
	struct numbering__buf buf = {NULL, 0, 0};
	int rc = numbering__record_encode(&buf, record, 0);
	if (rc != NUMBERING_OK) {
		numbering__buf_free(&buf);
		return rc;
	}
	*out = buf.ptr;
	*len = buf.len;
	return NUMBERING_OK;
}

/* ---- Decoding ---- */

struct reader {
	const uint8_t *p, *end;
	const char *problem; /* the first problem met */
	const char *field;   /* the field it was met in */
};

static int fail(struct reader *r, const char *problem)
{
	if (r->problem == NULL)
		r->problem = problem;
	return 0;
}

static inline int get_byte(struct reader *r, uint8_t *b)
{
	if (r->p >= r->end)
		return fail(r, "the bytes end in the middle of it");
	*b = *r->p++;
	return 1;
}

/* A varint, a byte at a time, each checked: where a problem is found and said. */
static int get_varint_checked(struct reader *r, uint64_t *v)
{
	uint64_t result = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		uint8_t b;
		if (!get_byte(r, &b))
			return 0;
		if (shift == 63 && b > 1)
			return fail(r, "it does not fit in 64 bits");
		result |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			if (b == 0 && shift > 0)
				return fail(r, "its varint is not in its shortest form");
			*v = result;
			return 1;
		}
	}
	return fail(r, "it does not fit in 64 bits");
}

static inline uint64_t load64(const uint8_t *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
	return w;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__GNUC__)
#define WORDS 1 /* the word-at-a-time readings below (byte i of a loaded word is bits 8i..8i+7) */
#else
#define WORDS 0
#endif

/* A varint (the decoder's hot path: a record holds five or six). One byte under 0x80
 * at once; with a whole varint's bytes left, up to 9 bytes read as one word and a byte,
 * their 7-bit groups gathered without a loop; anything else (fewer bytes left, a tenth
 * byte, a varint not in its shortest form) goes to the checked reading, which says
 * what is wrong where. */
static inline int get_varint(struct reader *r, uint64_t *v)
{
	const uint8_t *p = r->p;
	if (p < r->end && *p < 0x80) {
		*v = *p;
		r->p = p + 1;
		return 1;
	}
#if WORDS
	if (r->end - p >= VARINT_MAX) {
		uint64_t w = load64(p);
		uint64_t stops = ~w & 0x8080808080808080ULL;
		unsigned n;     /* the bytes of the varint in w */
		uint64_t top = 0; /* a ninth byte's group */
		if (stops != 0) {
			n = (unsigned)__builtin_ctzll(stops) / 8 + 1;
			if (n < 8)
				w &= (1ULL << (8 * n)) - 1;
			if ((w >> (8 * (n - 1))) == 0)
				return get_varint_checked(r, v); /* a last byte of 0: not the shortest form */
		} else {
			if (p[8] >= 0x80 || p[8] == 0)
				return get_varint_checked(r, v);
			n = 9;
			top = (uint64_t)p[8] << 56;
		}
		w = ((w & 0x7f007f007f007f00ULL) >> 1) | (w & 0x007f007f007f007fULL);
		w = ((w & 0x3fff00003fff0000ULL) >> 2) | (w & 0x00003fff00003fffULL);
		w = ((w & 0x0fffffff00000000ULL) >> 4) | (w & 0x000000000fffffffULL);
		*v = w | top;
		r->p = p + n;
		return 1;
	}
#endif
	return get_varint_checked(r, v);
}

/* Whether 8 bytes hold a zero byte (the classic test: no false positive). */
static inline int zero_in(uint64_t w)
{
	return ((w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL) != 0;
}

/* Whether the @n bytes at @p hold a NUL: a record's strings are mostly a few bytes to a
 * few tens, for which words beat a call. */
static inline int holds_nul(const uint8_t *p, size_t n, const uint8_t *end)
{
#if WORDS
	if (n < 8 && end - p >= 8) /* the word's bytes past the string set to 0xff */
		return zero_in(load64(p) | (~0ULL << (8 * n)));
#else
	(void)end;
#endif
	if (n > 64)
		return memchr(p, '\0', n) != NULL;
	if (n >= 8) {
		for (size_t i = 0; i + 8 <= n; i += 8)
			if (zero_in(load64(p + i)))
				return 1;
		return zero_in(load64(p + n - 8));
	}
	for (size_t i = 0; i < n; i++)
		if (p[i] == 0)
			return 1;
	return 0;
}

/* A string of @min .. @max bytes, no NUL among them, then a NUL when @nul; points
 * into the input. */
static inline int get_string(struct reader *r, const char **s, size_t *len, size_t min, size_t max, int nul)
{
	uint64_t n;
	if (!get_varint(r, &n))
		return 0;
	if (n < min || n > max)
		return fail(r, n < min ? "it is empty" : "it is longer than its limit");
	if (n + (nul ? 1 : 0) > (uint64_t)(r->end - r->p))
		return fail(r, "it is longer than the bytes left");
	if (nul && r->p[n] != '\0')
		return fail(r, "it does not end with a NUL");
	if (holds_nul(r->p, (size_t)n, r->end))
		return fail(r, "it holds a NUL byte");
	*s = (const char *)r->p;
	*len = (size_t)n;
	r->p += n + (nul ? 1 : 0);
	return 1;
}

/* Copies @n bytes (the compact form's pieces: a few to a few tens) without a call for
 * up to 32 of them. */
static inline void copy_piece(char *d, const char *s, size_t n)
{
	/* Two compares for the pieces of 4 to 16 bytes (a project, a prefix, an id), which
	 * most are; the kind's collection, 17 to 32, takes three. */
	if (n <= 16) {
		if (n >= 8) {
			memcpy(d, s, 8);
			memcpy(d + n - 8, s + n - 8, 8);
		} else if (n >= 4) {
			memcpy(d, s, 4);
			memcpy(d + n - 4, s + n - 4, 4);
		} else {
			for (size_t i = 0; i < n; i++)
				d[i] = s[i];
		}
	} else if (n <= 32) {
		memcpy(d, s, 16);
		memcpy(d + n - 16, s + n - 16, 16);
	} else {
		memcpy(d, s, n);
	}
}

/* Sets @out's parent and name: as read (@k NULL, full form), or built in @name_buf from a
 * compact record's pieces: the parent, then the name (the parent again, the collection
 * and the id). Both decodes bound what @name_buf must hold before they call it. */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((always_inline))
#endif
static inline void set_names(numbering_record *out, const struct numbering__kind *k, char *name_buf,
                             const char *parent, size_t parent_len, const char *name, size_t name_len)
{
	if (k == NULL) {
		out->parent = parent;
		out->name = name;
		return;
	}
	char *n = name_buf;
	copy_piece(n, k->parent_prefix, k->parent_prefix_len);
	copy_piece(n + k->parent_prefix_len, parent, parent_len);
	parent_len += k->parent_prefix_len;
	n[parent_len] = '\0';
	out->parent = n;
	n += parent_len + 1;
	copy_piece(n, name_buf, parent_len);
	n[parent_len] = '/';
	copy_piece(n + parent_len + 1, k->collection, k->collection_len);
	n[parent_len + 1 + k->collection_len] = '/';
	copy_piece(n + parent_len + 2 + k->collection_len, name, name_len);
	n[parent_len + 2 + k->collection_len + name_len] = '\0';
	out->name = n;
}

int numbering__record_decode(numbering_record *out, const uint8_t *data, size_t len, char *name_buf)
{
	if (out == NULL || (data == NULL && len > 0))
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, out == NULL ? "out" : "data",
		                              "numbering_record_decode: %s is NULL", out == NULL ? "out" : "data");
	memset(out, 0, sizeof(*out));
	static const uint8_t nothing[1];
	if (data == NULL)
		data = nothing; /* no arithmetic on NULL */
	struct reader rd = {data, data + len, NULL, "format"};
	struct reader *r = &rd;
	uint8_t format = 0, kind = 0, bits = 0;
	const char *parent = NULL, *name = NULL;
	size_t parent_len = 0, name_len = 0;
	const struct numbering__kind *k = NULL;
	if (!get_byte(r, &format))
		goto bad;
	if (format != NUMBERING__RECORD_FORMAT) {
		fail(r, "it is not 1: a record of another version");
		goto bad;
	}
	r->field = "kind";
	if (!get_byte(r, &kind))
		goto bad;
	if (kind == 0) {
		fail(r, "it is 0");
		goto bad;
	}
	r->field = "flags";
	if (!get_byte(r, &bits))
		goto bad;
	if (bits & ~(unsigned)B_ALL) {
		fail(r, "they hold a bit this version does not know");
		goto bad;
	}
	int compact = (bits & B_COMPACT) != 0;
	if (compact) {
		k = numbering__kind_find(kind);
		r->field = "name";
		if (k == NULL || k->collection_len == 0) {
			fail(r, "it is stored compact, but its kind has no collection");
			goto bad;
		}
		if (name_buf == NULL) {
			fail(r, "it is stored compact (the library's file log form), which this call cannot rebuild "
			        "without copying");
			goto bad;
		}
	}
	r->field = "parent";
	if (!get_string(r, &parent, &parent_len, compact ? 1 : 0, NUMBERING_RECORD_NAME_MAX, !compact))
		goto bad;
	if (compact && parent_len + k->parent_prefix_len > NUMBERING_RECORD_NAME_MAX) {
		fail(r, "with its kind's prefix, it is longer than its limit");
		goto bad;
	}
	r->field = "name";
	if (!get_string(r, &name, &name_len, 1, NUMBERING_RECORD_NAME_MAX, !compact))
		goto bad;
	if (compact && k->parent_prefix_len + parent_len + 1 + k->collection_len + 1 + name_len >
	                   NUMBERING_RECORD_NAME_MAX) {
		fail(r, "rebuilt from its parent and id, it is longer than its limit");
		goto bad;
	}
	uint64_t v;
	if (bits & B_SORT_KEY) {
		r->field = "sort_key";
		if (!get_varint(r, &v))
			goto bad;
		if (v == 0) {
			fail(r, "it is present but 0");
			goto bad;
		}
		out->sort_key = unzigzag(v);
	}
	if (bits & B_INTERVAL) {
		r->field = "digits";
		uint8_t digits;
		if (!get_byte(r, &digits))
			goto bad;
		if (digits == 0 || digits > NUMBERING_RECORD_DIGITS_MAX) {
			fail(r, "it is not 1 to 16");
			goto bad;
		}
		r->field = "first";
		uint64_t first, span;
		if (!get_varint(r, &first))
			goto bad;
		if (first >= pow10_table[digits]) {
			fail(r, "it has more digits than the interval's digit count");
			goto bad;
		}
		r->field = "last";
		if (!get_varint(r, &span))
			goto bad;
		if (span >= pow10_table[digits] - first) {
			fail(r, "it has more digits than the interval's digit count");
			goto bad;
		}
		out->digits = digits;
		out->first = first;
		out->last = first + span;
	}
	if (bits & B_EXPIRES) {
		r->field = "expires";
		if (!get_varint(r, &v))
			goto bad;
		if (v == 0) {
			fail(r, "it is present but 0");
			goto bad;
		}
		out->expires = unzigzag(v);
	}
	if (bits & B_KEYS) {
		r->field = "keys";
		uint8_t slots;
		if (!get_byte(r, &slots))
			goto bad;
		if (slots == 0 || (slots & ~KEY_SLOTS_ALL)) {
			fail(r, slots == 0 ? "they are flagged present but none is" : "they name a slot past the last");
			goto bad;
		}
		static const char *const key_fields[NUMBERING_RECORD_KEY_SLOTS] = {"keys[0]", "keys[1]", "keys[2]",
		                                                                   "keys[3]"};
		for (unsigned m = slots; m != 0; m &= m - 1) {
			int i = __builtin_ctz(m);
			size_t key_len;
			r->field = key_fields[i];
			if (!get_string(r, &out->keys[i], &key_len, 0, NUMBERING_RECORD_KEY_MAX, 1))
				goto bad;
		}
	}
	r->field = "body";
	out->body_len = (size_t)(r->end - r->p);
	if (out->body_len > NUMBERING_RECORD_BODY_MAX) {
		fail(r, "it is longer than its limit");
		goto bad;
	}
	out->body = out->body_len > 0 ? r->p : NULL;
	out->version = NUMBERING_RECORD_VERSION;
	out->kind = kind;
	out->flags = bits & FLAGS_ALL;
	set_names(out, compact ? k : NULL, name_buf, parent, parent_len, name, name_len);
	return NUMBERING_OK;
bad:
	memset(out, 0, sizeof(*out));
	return numbering__error_field(NUMBERING_DATA_LOSS, r->field,
	                              "the bytes are not a record: its %s is damaged: %s (%zu bytes, at byte %zu)",
	                              r->field, r->problem, len, (size_t)(r->p - data));
}

/* A varint whose bytes are known to be a shortest form (the trusted decode): read
 * as get_varint() reads it, without its form checked; 0 when its bytes run past @end. */
static inline int get_varint_trusted(const uint8_t **pp, const uint8_t *end, uint64_t *v)
{
	const uint8_t *p = *pp;
	if (p < end && *p < 0x80) {
		*v = *p;
		*pp = p + 1;
		return 1;
	}
#if WORDS
	if (end - p >= VARINT_MAX) {
		uint64_t w = load64(p);
		uint64_t stops = ~w & 0x8080808080808080ULL;
		unsigned n;
		uint64_t top = 0;
		if (stops != 0) {
			n = (unsigned)__builtin_ctzll(stops) / 8 + 1;
			if (n < 8)
				w &= (1ULL << (8 * n)) - 1;
		} else {
			if (p[8] >= 0x80)
				return 0;
			n = 9;
			top = (uint64_t)p[8] << 56;
		}
		w = ((w & 0x7f007f007f007f00ULL) >> 1) | (w & 0x007f007f007f007fULL);
		w = ((w & 0x3fff00003fff0000ULL) >> 2) | (w & 0x00003fff00003fffULL);
		w = ((w & 0x0fffffff00000000ULL) >> 4) | (w & 0x000000000fffffffULL);
		*v = w | top;
		*pp = p + n;
		return 1;
	}
#endif
	struct reader r = {p, end, NULL, ""};
	if (!get_varint_checked(&r, v))
		return 0;
	*pp = r.p;
	return 1;
}

/* A string's bytes (then its NUL when @nul) at *@pp: 0 when they run past @end. */
static inline int get_string_trusted(const uint8_t **pp, const uint8_t *end, const char **s, size_t *len, int nul)
{
	uint64_t n;
	if (!get_varint_trusted(pp, end, &n) || n + (nul ? 1 : 0) > (uint64_t)(end - *pp) ||
	    n > NUMBERING_RECORD_NAME_MAX || (nul && (*pp)[n] != '\0'))
		return 0;
	*s = (const char *)*pp;
	*len = (size_t)n;
	*pp += n + (nul ? 1 : 0);
	return 1;
}

int numbering__record_decode_trusted(numbering_record *out, const uint8_t *data, size_t len, char *name_buf)
{
	if (out == NULL || data == NULL || len < 3 || data[0] != NUMBERING__RECORD_FORMAT || (data[2] & ~(unsigned)B_ALL))
		return numbering__record_decode(out, data, len, name_buf);
	const uint8_t *p = data + 3, *end = data + len;
	unsigned kind = data[1], bits = data[2];
	int compact = (bits & B_COMPACT) != 0;
	const struct numbering__kind *k = NULL;
	if (compact && (name_buf == NULL || (k = numbering__kind_find((int)kind)) == NULL || k->collection_len == 0))
		return numbering__record_decode(out, data, len, name_buf);
	const char *parent, *name;
	size_t parent_len, name_len;
	if (!get_string_trusted(&p, end, &parent, &parent_len, !compact) ||
	    !get_string_trusted(&p, end, &name, &name_len, !compact))
		return numbering__record_decode(out, data, len, name_buf);
	/* What name_buf must hold, as the checked decode bounds it. */
	if (compact && k->parent_prefix_len + parent_len + 1 + k->collection_len + 1 + name_len > NUMBERING_RECORD_NAME_MAX)
		return numbering__record_decode(out, data, len, name_buf);
	uint64_t v = 0, first = 0, span = 0;
	int64_t sort_key = 0, expires = 0;
	unsigned digits = 0;
	if ((bits & B_SORT_KEY) && !get_varint_trusted(&p, end, &v))
		return numbering__record_decode(out, data, len, name_buf);
	sort_key = unzigzag(v);
	if (bits & B_INTERVAL) {
		if (p >= end || (digits = *p++) == 0 || digits > NUMBERING_RECORD_DIGITS_MAX ||
		    !get_varint_trusted(&p, end, &first) || !get_varint_trusted(&p, end, &span) ||
		    first >= pow10_table[digits] || span >= pow10_table[digits] - first)
			return numbering__record_decode(out, data, len, name_buf);
	}
	v = 0;
	if ((bits & B_EXPIRES) && !get_varint_trusted(&p, end, &v))
		return numbering__record_decode(out, data, len, name_buf);
	expires = unzigzag(v);
	const char *keys[NUMBERING_RECORD_KEY_SLOTS] = {NULL, NULL, NULL, NULL};
	if (bits & B_KEYS) {
		if (p >= end || *p == 0 || (*p & ~KEY_SLOTS_ALL))
			return numbering__record_decode(out, data, len, name_buf);
		for (unsigned m = *p++; m != 0; m &= m - 1) {
			size_t key_len;
			if (!get_string_trusted(&p, end, &keys[__builtin_ctz(m)], &key_len, 1))
				return numbering__record_decode(out, data, len, name_buf);
		}
	}
	if ((size_t)(end - p) > NUMBERING_RECORD_BODY_MAX)
		return numbering__record_decode(out, data, len, name_buf);
	out->version = NUMBERING_RECORD_VERSION;
	out->kind = (int)kind;
	out->flags = bits & FLAGS_ALL;
	out->sort_key = sort_key;
	out->digits = (int)digits;
	out->first = first;
	out->last = first + span;
	out->expires = expires;
	memcpy(out->keys, keys, sizeof(keys));
	out->body_len = (size_t)(end - p);
	out->body = out->body_len > 0 ? p : NULL;
	set_names(out, compact ? k : NULL, name_buf, parent, parent_len, name, name_len);
	return NUMBERING_OK;
}

int numbering_record_decode(numbering_record *out, const uint8_t *data, size_t len)
{
	return numbering__record_decode(out, data, len, NULL);
}

int numbering__record_damaged(const numbering_record *record, const char *what, const char *field,
                              const char *problem)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	const char *name = record->name ? record->name : "";
	return numbering__error_field(NUMBERING_DATA_LOSS, field, "the stored %srecord \"%s\" is damaged: its %s: %s", what,
	                              numbering__quote(quoted, name, strlen(name)), field, problem);
}
