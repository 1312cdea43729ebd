/* Attribute tables: clearing, copying, by-name access and the body codec (model/fields.h). */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "model/fields.h"
#include "model/validate.h"
#include "model/varint.h"
#include "numbering/money.h"

#define AT(obj, f, type) ((type *)(void *)((char *)(obj) + (f)->offset))
#define AT_CONST(obj, f, type) ((const type *)(const void *)((const char *)(obj) + (f)->offset))

void numbering__fields_clear(const struct numbering__fields *t, void *obj)
{
	if (t->clear != NULL) {
		t->clear(obj);
		return;
	}
	for (size_t i = 0; i < t->count; i++) {
		const struct numbering__field *f = &t->f[i];
		switch (f->type) {
		case NUMBERING__FIELD_TEXT: {
			/* Most are unset: a call to free nothing cost ~20 instructions a row, 24
			 * rows a purchase. */
			char **text = AT(obj, f, char *);
			if (*text != NULL) {
				numbering__free_mem(*text);
				*text = NULL;
			}
			break;
		}
		case NUMBERING__FIELD_INT:
			*AT(obj, f, int64_t) = f->dflt;
			break;
		case NUMBERING__FIELD_TIME:
			*AT(obj, f, int64_t) = 0;
			break;
		case NUMBERING__FIELD_MONEY:
		case NUMBERING__FIELD_SMONEY:
			memset(AT(obj, f, struct numbering__money), 0, sizeof(struct numbering__money));
			break;
		default:
			*AT(obj, f, uint8_t) = 0;
		}
	}
}

int numbering__fields_copy(const struct numbering__fields *t, void *dst, const void *src)
{
	for (size_t i = 0; i < t->count; i++) {
		const struct numbering__field *f = &t->f[i];
		switch (f->type) {
		case NUMBERING__FIELD_TEXT: {
			const char *s = *AT_CONST(src, f, char *);
			char *copy = NULL;
			if (s != NULL && (copy = numbering__strdup(s)) == NULL)
				return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory copying %s", t->what);
			*AT(dst, f, char *) = copy;
			break;
		}
		case NUMBERING__FIELD_INT:
		case NUMBERING__FIELD_TIME:
			*AT(dst, f, int64_t) = *AT_CONST(src, f, int64_t);
			break;
		case NUMBERING__FIELD_MONEY:
		case NUMBERING__FIELD_SMONEY:
			*AT(dst, f, struct numbering__money) = *AT_CONST(src, f, struct numbering__money);
			break;
		default:
			*AT(dst, f, uint8_t) = *AT_CONST(src, f, uint8_t);
		}
	}
	return NUMBERING_OK;
}

const struct numbering__field *numbering__fields_find(const struct numbering__fields *t, const char *json, int type)
{
	if (json == NULL)
		return NULL;
	/* The first byte first: most rows differ there, and need no strcmp call. */
	for (size_t i = 0; i < t->count; i++)
		if (t->f[i].json[0] == json[0] && strcmp(t->f[i].json, json) == 0)
			return type < 0 || t->f[i].type == type ? &t->f[i] : NULL;
	return NULL;
}

static int unknown(const struct numbering__fields *t, const char *json, const char *kind)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	const char *a = json ? json : "(null)";
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, a, "\"%s\" is not %s attribute of %s %s",
	                              numbering__quote(quoted, a, strlen(a)), kind, t->what[0] == 'a' ? "an" : "a",
	                              t->what);
}

/* The length of @value when it is printable ASCII of at most @max bytes, which is valid
 * text: most values, and every name the library makes. -1 otherwise, for
 * numbering__validate_text() to judge (it formats the quoted value for its messages
 * even when the text is valid, which cost more than the rest of a set). */
static ptrdiff_t plain_text(const char *value, size_t max)
{
	size_t len = 0;
	while (len <= max && (unsigned char)value[len] >= 0x20 && (unsigned char)value[len] < 0x7f)
		len++;
	return value[len] == '\0' && len <= max ? (ptrdiff_t)len : -1;
}

int numbering__fields_set_text(const struct numbering__fields *t, void *obj, const char *json, const char *value)
{
	const struct numbering__field *f = numbering__fields_find(t, json, NUMBERING__FIELD_TEXT);
	if (f == NULL)
		return unknown(t, json, "a text");
	char *copy = NULL;
	if (value != NULL && value[0] != '\0') {
		ptrdiff_t len = plain_text(value, (size_t)f->limit);
		int rc = len >= 0 ? NUMBERING_OK : numbering__validate_text(value, (size_t)f->limit, f->json);
		if (rc != NUMBERING_OK)
			return rc;
		copy = len >= 0 ? numbering__strndup(value, (size_t)len) : numbering__strdup(value);
		if (copy == NULL)
			return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for %s", f->json);
	}
	numbering__free_mem(*AT(obj, f, char *));
	*AT(obj, f, char *) = copy;
	return NUMBERING_OK;
}

static int out_of_range(const struct numbering__field *f, int64_t value, int64_t min, int64_t max)
{
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, f->json, "%s %" PRId64 " is not %" PRId64 " .. %" PRId64,
	                              f->json, value, min, max);
}

int numbering__fields_set_int(const struct numbering__fields *t, void *obj, const char *json, int64_t value)
{
	const struct numbering__field *f = numbering__fields_find(t, json, -1);
	if (f == NULL || f->type == NUMBERING__FIELD_TEXT || f->type == NUMBERING__FIELD_MONEY ||
	    f->type == NUMBERING__FIELD_SMONEY)
		return unknown(t, json, "an integer");
	switch (f->type) {
	case NUMBERING__FIELD_INT:
		if (value < f->dflt || value > f->limit)
			return out_of_range(f, value, f->dflt, f->limit);
		*AT(obj, f, int64_t) = value;
		return NUMBERING_OK;
	case NUMBERING__FIELD_TIME:
		*AT(obj, f, int64_t) = value;
		return NUMBERING_OK;
	case NUMBERING__FIELD_BOOL:
		if (value < 0 || value > 1)
			return out_of_range(f, value, 0, 1);
		*AT(obj, f, uint8_t) = (uint8_t)value;
		return NUMBERING_OK;
	default:
		if (value < 0 || value > f->limit)
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, f->json,
			                              "%s %" PRId64 " holds a bit that is not NUMBERING_CAPABILITY_*", f->json,
			                              value);
		*AT(obj, f, uint8_t) = (uint8_t)value;
		return NUMBERING_OK;
	}
}

int numbering__fields_set_money(const struct numbering__fields *t, void *obj, const char *json, const char *currency,
                                int64_t minor)
{
	const struct numbering__field *f = numbering__fields_find(t, json, -1);
	if (f == NULL || (f->type != NUMBERING__FIELD_MONEY && f->type != NUMBERING__FIELD_SMONEY))
		return unknown(t, json, "a price");
	struct numbering__money *m = AT(obj, f, struct numbering__money);
	if (currency == NULL) {
		memset(m, 0, sizeof(*m));
		return NUMBERING_OK;
	}
	char quoted[NUMBERING__QUOTE_SIZE];
	if (strlen(currency) != 3 || !numbering_currency_is_known(currency))
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "currencyCode",
		                              "%s.currencyCode \"%s\" is not an ISO 4217 currency code", f->json,
		                              numbering__quote(quoted, currency, strlen(currency)));
	int64_t min = f->type == NUMBERING__FIELD_SMONEY ? -f->limit : 0;
	if (minor < min || minor > f->limit)
		return out_of_range(f, minor, min, f->limit);
	memcpy(m->currency, currency, 4);
	m->minor = minor;
	return NUMBERING_OK;
}

const char *numbering__fields_text(const struct numbering__fields *t, const void *obj, const char *json)
{
	const struct numbering__field *f = numbering__fields_find(t, json, NUMBERING__FIELD_TEXT);
	const char *s = f ? *AT_CONST(obj, f, char *) : NULL;
	return s ? s : "";
}

int64_t numbering__fields_int(const struct numbering__fields *t, const void *obj, const char *json)
{
	const struct numbering__field *f = numbering__fields_find(t, json, -1);
	if (f == NULL)
		return 0;
	switch (f->type) {
	case NUMBERING__FIELD_INT:
	case NUMBERING__FIELD_TIME:
		return *AT_CONST(obj, f, int64_t);
	case NUMBERING__FIELD_BOOL:
	case NUMBERING__FIELD_CAPS:
		return *AT_CONST(obj, f, uint8_t);
	default:
		return 0;
	}
}

const struct numbering__money *numbering__fields_money(const struct numbering__fields *t, const void *obj,
                                                       const char *json)
{
	const struct numbering__field *f = numbering__fields_find(t, json, -1);
	return f && (f->type == NUMBERING__FIELD_MONEY || f->type == NUMBERING__FIELD_SMONEY)
	           ? AT_CONST(obj, f, struct numbering__money)
	           : NULL;
}

/* ---- The body ---- */

int numbering__fields_outside(const char *what, const char *json, int64_t v, int64_t min, int64_t max)
{
	return numbering__error_field(NUMBERING_INTERNAL, json, "%s's %s %lld is outside %lld .. %lld", what, json,
	                              (long long)v, (long long)min, (long long)max);
}

int numbering__fields_encode(const struct numbering__fields *t, struct numbering__buf *out, const void *obj)
{
	if (t->encode != NULL)
		return t->encode(out, obj);
	uint64_t bits = 0;
	size_t bound = 10;
	/* One pass for the checks, the presence bits and the size (each text's length kept
	 * for the copy), one switch a row; the copy then visits the present rows only (a
	 * purchase's bodies have ~5 of their ~15 rows set): every write encodes a body. */
	size_t lens[64];
	size_t count = t->count < 64 ? t->count : 64;
	for (size_t i = 0; i < count; i++) {
		const struct numbering__field *f = &t->f[i];
		switch (f->type) {
		case NUMBERING__FIELD_TEXT: {
			const char *text = *AT_CONST(obj, f, char *);
			if (text == NULL)
				continue;
			lens[i] = strlen(text);
			bound += lens[i];
			break;
		}
		case NUMBERING__FIELD_INT: {
			int64_t v = *AT_CONST(obj, f, int64_t);
			/* What the decoder would refuse is never written. */
			if (v < f->dflt || v > f->limit)
				return numbering__fields_outside(t->what, f->json, v, f->dflt, f->limit);
			if (v == f->dflt)
				continue;
			break;
		}
		case NUMBERING__FIELD_TIME:
			if (*AT_CONST(obj, f, int64_t) == 0)
				continue;
			break;
		case NUMBERING__FIELD_MONEY:
		case NUMBERING__FIELD_SMONEY:
			if (AT_CONST(obj, f, struct numbering__money)->currency[0] == '\0')
				continue;
			break;
		default:
			if (*AT_CONST(obj, f, uint8_t) == 0)
				continue;
		}
		bits |= UINT64_C(1) << i;
		bound += 14;
	}
	int rc = numbering__buf_reserve(out, bound);
	if (rc != NUMBERING_OK)
		return rc;
	uint8_t *p = numbering__varint_put(out->ptr + out->len, bits);
	for (uint64_t left = bits; left != 0; left &= left - 1) {
		size_t i = (size_t)__builtin_ctzll(left);
		const struct numbering__field *f = &t->f[i];
		switch (f->type) {
		case NUMBERING__FIELD_TEXT: {
			const char *s = *AT_CONST(obj, f, char *);
			size_t len = lens[i];
			p = numbering__varint_put(p, len);
			memcpy(p, s, len);
			p += len;
			break;
		}
		case NUMBERING__FIELD_INT:
			p = numbering__varint_put(p, (uint64_t)*AT_CONST(obj, f, int64_t));
			break;
		case NUMBERING__FIELD_TIME:
			p = numbering__varint_put(p, numbering__zigzag(*AT_CONST(obj, f, int64_t)));
			break;
		case NUMBERING__FIELD_MONEY: {
			const struct numbering__money *m = AT_CONST(obj, f, struct numbering__money);
			memcpy(p, m->currency, 3);
			p = numbering__varint_put(p + 3, (uint64_t)m->minor);
			break;
		}
		case NUMBERING__FIELD_SMONEY: {
			const struct numbering__money *m = AT_CONST(obj, f, struct numbering__money);
			memcpy(p, m->currency, 3);
			p = numbering__varint_put(p + 3, numbering__zigzag(m->minor));
			break;
		}
		case NUMBERING__FIELD_CAPS:
			*p++ = *AT_CONST(obj, f, uint8_t);
			break;
		default: /* BOOL: present means 1 */
			break;
		}
	}
	out->len = (size_t)(p - out->ptr);
	return NUMBERING_OK;
}

struct reader {
	const uint8_t *p, *end;
	const char **field, **problem;
};

static int bad(struct reader *r, const char *field, const char *problem)
{
	*r->field = field;
	*r->problem = problem;
	return NUMBERING_DATA_LOSS;
}

static int get_varint(struct reader *r, const char *field, uint64_t *v)
{
	const char *problem = numbering__varint_get(&r->p, r->end, v);
	return problem != NULL ? bad(r, field, problem) : NUMBERING_OK;
}

static int read_one(const struct numbering__fields *t, const struct numbering__field *f, struct reader *r, void *obj)
{
	uint64_t v;
	int rc;
	switch (f->type) {
	case NUMBERING__FIELD_TEXT: {
		if ((rc = get_varint(r, f->json, &v)) != NUMBERING_OK)
			return rc;
		if (v == 0 || v > (uint64_t)f->limit || v > (uint64_t)(r->end - r->p))
			return bad(r, f->json, "its length is 0, over its limit or past the body's end");
		/* Not UTF-8 is damage here, where the record is named, not where a
		 * rendering's json_string() would take it for a lack of memory. */
		const char *problem = f->dflt != NUMBERING__FIELD_TEXT_BYTES
		                          ? numbering__stored_text_problem(r->p, (size_t)v)
		                          : memchr(r->p, '\0', (size_t)v) != NULL ? "it holds a NUL byte" : NULL;
		if (problem != NULL)
			return bad(r, f->json, problem);
		if ((*AT(obj, f, char *) = numbering__strndup((const char *)r->p, (size_t)v)) == NULL)
			return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory reading %s", t->what);
		r->p += v;
		return NUMBERING_OK;
	}
	case NUMBERING__FIELD_INT:
		if ((rc = get_varint(r, f->json, &v)) != NUMBERING_OK)
			return rc;
		if (v < (uint64_t)f->dflt || v > (uint64_t)f->limit || (int64_t)v == f->dflt)
			return bad(r, f->json, "it is out of range or stored at its default");
		*AT(obj, f, int64_t) = (int64_t)v;
		return NUMBERING_OK;
	case NUMBERING__FIELD_TIME: {
		if ((rc = get_varint(r, f->json, &v)) != NUMBERING_OK)
			return rc;
		if (v == 0)
			return bad(r, f->json, "it is stored but 0");
		*AT(obj, f, int64_t) = numbering__unzigzag(v);
		return NUMBERING_OK;
	}
	case NUMBERING__FIELD_MONEY:
	case NUMBERING__FIELD_SMONEY: {
		struct numbering__money *m = AT(obj, f, struct numbering__money);
		if (r->end - r->p < 3)
			return bad(r, f->json, "the body ends in the middle of it");
		memcpy(m->currency, r->p, 3);
		m->currency[3] = '\0';
		r->p += 3;
		if (!numbering_currency_is_known(m->currency))
			return bad(r, f->json, "its currency is not an ISO 4217 code");
		if ((rc = get_varint(r, f->json, &v)) != NUMBERING_OK)
			return rc;
		if (f->type == NUMBERING__FIELD_SMONEY) {
			int64_t s = numbering__unzigzag(v);
			if (s < -f->limit || s > f->limit)
				return bad(r, f->json, "its amount is over the limit");
			m->minor = s;
			return NUMBERING_OK;
		}
		if (v > (uint64_t)f->limit)
			return bad(r, f->json, "its amount is over the limit");
		m->minor = (int64_t)v;
		return NUMBERING_OK;
	}
	case NUMBERING__FIELD_CAPS:
		if (r->p >= r->end || *r->p == 0 || *r->p > f->limit)
			return bad(r, f->json, "it is missing, 0 or holds an unknown bit");
		*AT(obj, f, uint8_t) = *r->p++;
		return NUMBERING_OK;
	default:
		*AT(obj, f, uint8_t) = 1;
		return NUMBERING_OK;
	}
}

/* Reads the presence bits and rows 0 .. @rows - 1 of the body in @r into @obj. */
static int decode_rows(const struct numbering__fields *t, size_t rows, void *obj, struct reader *r)
{
	uint64_t bits;
	int rc = get_varint(r, "body", &bits);
	if (rc != NUMBERING_OK)
		return rc;
	if (t->count < 64 && (bits >> t->count) != 0)
		return bad(r, "body", "it flags an attribute this version does not know");
	for (size_t i = 0; i < t->count && i < rows; i++)
		if ((bits & (UINT64_C(1) << i)) && (rc = read_one(t, &t->f[i], r, obj)) != NUMBERING_OK)
			return rc;
	return NUMBERING_OK;
}

int numbering__fields_decode(const struct numbering__fields *t, void *obj, const uint8_t *body, size_t len,
                             const char **field, const char **problem)
{
	static const uint8_t nothing[1];
	struct reader r = {body ? body : nothing, NULL, field, problem};
	r.end = r.p + (body ? len : 0);
	int rc = decode_rows(t, t->count, obj, &r);
	if (rc != NUMBERING_OK)
		return rc;
	if (r.p != r.end)
		return bad(&r, "body", "bytes follow its last attribute");
	return NUMBERING_OK;
}

int numbering__fields_decode_record(const struct numbering__fields *t, void *obj, const numbering_record *record,
                                    const char *what)
{
	const char *field = NULL, *problem = NULL;
	int rc = numbering__fields_decode(t, obj, record->body, record->body_len, &field, &problem);
	return rc != NUMBERING_OK && problem != NULL ? numbering__record_damaged(record, what, field, problem) : rc;
}

int numbering__fields_decode_first(const struct numbering__fields *t, size_t rows, void *obj, const uint8_t *body,
                                   size_t len, const char **field, const char **problem)
{
	static const uint8_t nothing[1];
	struct reader r = {body ? body : nothing, NULL, field, problem};
	r.end = r.p + (body ? len : 0);
	return decode_rows(t, rows, obj, &r);
}
