/*
 * Available numbers: the object of numbering/inventory.h, its by-name accessors and
 * its record (model/available.h). Everything attribute by attribute expands
 * model/available-fields.h.
 */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "e164/format.h"
#include "e164/number.h"
#include "model/available.h"
#include "model/kinds.h"
#include "model/validate.h"
#include "numbering/money.h"

#define DESCRIBE(id, type, json, limit, dflt) \
	NUMBERING__FIELD_ROW(struct numbering_available_number, id, type, json, limit, dflt)
static const struct numbering__field rows[] = {NUMBERING__AVAILABLE_FIELDS(DESCRIBE)};
#undef DESCRIBE
_Static_assert(sizeof(rows) / sizeof(rows[0]) <= 63, "an available number's presence bits fit a 64-bit varint");

NUMBERING__FIELDS_FUNCTIONS(available, struct numbering_available_number, "available number",
                          NUMBERING__AVAILABLE_FIELDS)
const struct numbering__fields numbering__available_fields = {rows, sizeof(rows) / sizeof(rows[0]),
                                                              "available number", available_encode, available_clear};

static const char NAME_PREFIX[] = "availableNumbers/";
#define NAME_PREFIX_LEN (sizeof(NAME_PREFIX) - 1)

/* ---- The object ---- */

static int null_arg(const char *fn)
{
	return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "%s: the available number is NULL", fn);
}

/* The attributes by type, from the one list (model/available-fields.h): clearing and
 * copying an available number touch its text members only, where the generic table
 * walk (numbering__fields_clear, _copy) was a third of a search's results (each
 * result is a copy of its block). */
#define TEXT_FREE_TEXT(id) \
	if (n->id != NULL) \
		numbering__free_mem(n->id);
#define TEXT_NULL_TEXT(id) dst->id = NULL;
#define TEXT_DUP_TEXT(id) \
	if (src->id != NULL && (dst->id = numbering__strdup(src->id)) == NULL) \
		goto out_of_memory;
#define INT_DEFAULT_INT(id, dflt) n->id = (dflt);
#define ON_TEXT(id, type, json, limit, dflt) ON_TEXT_##type(id)
#define ON_INT(id, type, json, limit, dflt) ON_INT_##type(id, dflt)
#define ON_TEXT_INT(id)
#define ON_TEXT_TIME(id)
#define ON_TEXT_BOOL(id)
#define ON_TEXT_MONEY(id)
#define ON_TEXT_SMONEY(id)
#define ON_TEXT_CAPS(id)
#define ON_INT_TEXT(id, dflt)
#define ON_INT_TIME(id, dflt)
#define ON_INT_BOOL(id, dflt)
#define ON_INT_MONEY(id, dflt)
#define ON_INT_SMONEY(id, dflt)
#define ON_INT_CAPS(id, dflt)

void numbering__available_free_text(numbering_available_number *n)
{
#define ON_TEXT_TEXT TEXT_FREE_TEXT
	NUMBERING__AVAILABLE_FIELDS(ON_TEXT)
#undef ON_TEXT_TEXT
}

void numbering__available_clear(numbering_available_number *n)
{
#define ON_TEXT_TEXT TEXT_FREE_TEXT
	NUMBERING__AVAILABLE_FIELDS(ON_TEXT)
#undef ON_TEXT_TEXT
	memset(n, 0, sizeof(*n));
#define ON_INT_INT INT_DEFAULT_INT
	NUMBERING__AVAILABLE_FIELDS(ON_INT)
#undef ON_INT_INT
	n->listed = 1;
}

int numbering_available_number_new(numbering_available_number **out)
{
	if (out == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_available_number_new: out is NULL");
	*out = numbering__calloc(1, sizeof(**out));
	if (*out == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for an available number");
	numbering__available_clear(*out);
	return NUMBERING_OK;
}

void numbering_available_number_free(numbering_available_number *number)
{
	if (number == NULL)
		return;
	numbering__available_clear(number);
	numbering__free_mem(number);
}

int numbering__available_assign(numbering_available_number *dst, const numbering_available_number *src)
{
	numbering__available_clear(dst);
	return numbering__available_copy(dst, src);
}

int numbering__available_copy(numbering_available_number *dst, const numbering_available_number *src)
{
	memcpy(dst, src, sizeof(*dst));
#define ON_TEXT_TEXT TEXT_NULL_TEXT
	NUMBERING__AVAILABLE_FIELDS(ON_TEXT)
#undef ON_TEXT_TEXT
#define ON_TEXT_TEXT TEXT_DUP_TEXT
	NUMBERING__AVAILABLE_FIELDS(ON_TEXT)
#undef ON_TEXT_TEXT
	return NUMBERING_OK;
out_of_memory:
	numbering__available_clear(dst);
	return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory copying an available number");
}

/* "+" and exactly @digits digits of @value (leading zeros kept), NUL-terminated, into
 * @out of @size bytes; "" for a count or value no number has. A search formats every
 * record it reads and every result, where snprintf was a third of the cost
 * (bench/bench-inventory.c): e164/format.h's words. */
static void plus_digits(char *out, size_t size, int digits, uint64_t value)
{
	if (numbering__e164_format(out, size, value, (unsigned)digits) == 0)
		out[0] = '\0';
}

void numbering__available_set_interval(numbering_available_number *n, int digits, uint64_t first, uint64_t last)
{
	n->digits = (uint8_t)digits;
	n->first = first;
	n->last = last;
	n->named = first;
	plus_digits(n->phone_number, sizeof(n->phone_number), digits, first);
}

int numbering_available_number_set_numbers(numbering_available_number *number, const char *text, const char *region)
{
	if (number == NULL)
		return null_arg("numbering_available_number_set_numbers");
	numbering_range range;
	int rc = numbering_e164_parse_range(&range, text, region);
	if (rc != NUMBERING_OK) {
		char message[256];
		snprintf(message, sizeof(message), "%s", numbering_error_message());
		return numbering__error_field(rc, "phoneNumber", "phoneNumber: %s", message);
	}
	const numbering_number *start = numbering_range_start(&range), *end = numbering_range_end(&range);
	if ((rc = numbering_number_require_possible(start, "phoneNumber")) != NUMBERING_OK)
		return rc;
	const char *e164 = numbering_number_e164(start);
	int digits = (int)strlen(e164) - 1;
	uint64_t first = 0, last = 0;
	for (int i = 0; i < digits; i++) {
		first = first * 10 + (uint64_t)(e164[1 + i] - '0');
		last = last * 10 + (uint64_t)(numbering_number_e164(end)[1 + i] - '0');
	}
	numbering__available_set_interval(number, digits, first, last);
	if (number->region_code[0] == '\0' && numbering_number_region_count(start) > 0) {
		const char *r = numbering_number_region(start, 0);
		if (r != NULL && strlen(r) == 2 && strcmp(r, "001") != 0)
			memcpy(number->region_code, r, 3);
	}
	return NUMBERING_OK;
}

const char *numbering_available_number_phone_number(const numbering_available_number *number)
{
	return number == NULL ? "" : number->phone_number;
}

int64_t numbering_available_number_size(const numbering_available_number *number)
{
	if (number == NULL || number->digits == 0)
		return 0;
	return (int64_t)(number->last - number->first + 1);
}

/* numbering_region_is_known() of two upper-case letters, remembered: a search checks
 * its query's region and each record's parent, where the table look-up was 5% of it.
 * 0: not asked yet, 1: known, 2: unknown; a race only asks the table twice. */
static _Atomic uint8_t known_regions[26 * 26];

static int region_known(const char *code)
{
	size_t i = (size_t)(code[0] - 'A') * 26 + (size_t)(code[1] - 'A');
	uint8_t k = atomic_load_explicit(&known_regions[i], memory_order_relaxed);
	if (k == 0) {
		k = numbering_region_is_known(code) ? 1 : 2;
		atomic_store_explicit(&known_regions[i], k, memory_order_relaxed);
	}
	return k == 1;
}

static int check_region_code(const char *code, const char *field)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	if (code == NULL || strlen(code) != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z' ||
	    !region_known(code))
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "%s \"%s\" is not an ISO 3166-1 alpha-2 region code (two upper-case letters "
		                              "of a known region, like \"US\")",
		                              field, code ? numbering__quote(quoted, code, strlen(code)) : "(null)");
	return NUMBERING_OK;
}

int numbering_available_number_set_region_code(numbering_available_number *number, const char *region_code)
{
	if (number == NULL)
		return null_arg("numbering_available_number_set_region_code");
	int rc = check_region_code(region_code, "regionCode");
	if (rc == NUMBERING_OK)
		memcpy(number->region_code, region_code, 3);
	return rc;
}

const char *numbering_available_number_region_code(const numbering_available_number *number)
{
	return number == NULL ? "" : number->region_code;
}

static int check_type(int type, const char *field)
{
	if (type <= NUMBERING_NUMBER_TYPE_UNSPECIFIED || type > NUMBERING_NUMBER_TYPE_SHARED_RATE)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "%s %d is not a number type (LOCAL, NATIONAL, MOBILE, TOLL_FREE or "
		                              "SHARED_RATE)",
		                              field, type);
	return NUMBERING_OK;
}

int numbering_available_number_set_type(numbering_available_number *number, int type)
{
	if (number == NULL)
		return null_arg("numbering_available_number_set_type");
	int rc = check_type(type, "type");
	if (rc == NUMBERING_OK)
		number->type = (uint8_t)type;
	return rc;
}

int numbering_available_number_type(const numbering_available_number *number)
{
	return number == NULL ? NUMBERING_NUMBER_TYPE_UNSPECIFIED : number->type;
}

/* ---- By-name accessors ---- */

/* numbering__fields_find() over this kind's own rows, here where the table's size is
 * known: the getters below are called for every attribute a caller reads of every
 * result of a search, and the two calls through the generic table were half of each. */
static const struct numbering__field *row_named(const char *attribute)
{
	if (attribute == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (rows[i].json[0] == attribute[0] && strcmp(rows[i].json, attribute) == 0)
			return &rows[i];
	return NULL;
}

int numbering_available_number_set_text(numbering_available_number *number, const char *attribute, const char *value)
{
	if (number == NULL)
		return null_arg("numbering_available_number_set_text");
	return numbering__fields_set_text(&numbering__available_fields, number, attribute, value);
}

const char *numbering_available_number_text(const numbering_available_number *number, const char *attribute)
{
	const struct numbering__field *f = number == NULL ? NULL : row_named(attribute);
	const char *text = NULL;
	if (f != NULL && f->type == NUMBERING__FIELD_TEXT)
		memcpy(&text, (const char *)number + f->offset, sizeof(text));
	return text != NULL ? text : "";
}

int numbering_available_number_set_int(numbering_available_number *number, const char *attribute, int64_t value)
{
	if (number == NULL)
		return null_arg("numbering_available_number_set_int");
	return numbering__fields_set_int(&numbering__available_fields, number, attribute, value);
}

/* As numbering__fields_int(). */
int64_t numbering_available_number_int(const numbering_available_number *number, const char *attribute)
{
	const struct numbering__field *f = number == NULL ? NULL : row_named(attribute);
	if (f == NULL)
		return 0;
	const char *at = (const char *)number + f->offset;
	switch (f->type) {
	case NUMBERING__FIELD_INT:
	case NUMBERING__FIELD_TIME: {
		int64_t v;
		memcpy(&v, at, sizeof(v));
		return v;
	}
	case NUMBERING__FIELD_BOOL:
	case NUMBERING__FIELD_CAPS:
		return *(const uint8_t *)at;
	default:
		return 0;
	}
}

int numbering_available_number_set_money(numbering_available_number *number, const char *attribute,
                                         const char *currency_code, int64_t minor_units)
{
	if (number == NULL)
		return null_arg("numbering_available_number_set_money");
	return numbering__fields_set_money(&numbering__available_fields, number, attribute, currency_code, minor_units);
}

int numbering_available_number_money(const numbering_available_number *number, const char *attribute,
                                     const char **currency_code, int64_t *minor_units)
{
	if (number == NULL || currency_code == NULL || minor_units == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_available_number_money: an argument is NULL");
	const struct numbering__field *f = row_named(attribute);
	const struct numbering__money *m =
		f != NULL && (f->type == NUMBERING__FIELD_MONEY || f->type == NUMBERING__FIELD_SMONEY)
			? (const struct numbering__money *)(const void *)((const char *)number + f->offset)
			: NULL;
	if (m == NULL) {
		char quoted[NUMBERING__QUOTE_SIZE];
		const char *a = attribute ? attribute : "(null)";
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, a, "\"%s\" is not a price of an available number",
		                              numbering__quote(quoted, a, strlen(a)));
	}
	*currency_code = m->currency;
	*minor_units = m->minor;
	if (m->currency[0] == '\0')
		return numbering__error_set(NUMBERING_NOT_FOUND, "the available number %s has no %s", number->phone_number,
		                            attribute);
	return NUMBERING_OK;
}

/* ---- The record ---- */

void numbering__available_name(char name[NUMBERING__AVAILABLE_NAME_SIZE], int digits, uint64_t number)
{
	memcpy(name, NAME_PREFIX, NAME_PREFIX_LEN);
	plus_digits(name + NAME_PREFIX_LEN, NUMBERING__AVAILABLE_NAME_SIZE - NAME_PREFIX_LEN, digits, number);
}

int numbering__available_parent(char parent[NUMBERING__AVAILABLE_PARENT_SIZE], const char *region_code, int type)
{
	int rc = check_region_code(region_code, "regionCode");
	if (rc == NUMBERING_OK)
		rc = check_type(type, "type");
	if (rc == NUMBERING_OK) {
		/* Two letters, '/', a type name of at most 11 letters: it fits. */
		const char *name = numbering_number_type_name(type);
		size_t len = strnlen(name, NUMBERING__AVAILABLE_PARENT_SIZE - 4);
		memcpy(parent, region_code, 2);
		parent[2] = '/';
		memcpy(parent + 3, name, len);
		parent[3 + len] = '\0';
	}
	return rc;
}

int numbering__available_check(const numbering_available_number *n, const char *path)
{
	char field[96];
	if (n->digits == 0) {
		snprintf(field, sizeof(field), "%s%sphoneNumber", path, path[0] ? "." : "");
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "%s is required", field);
	}
	if (n->region_code[0] == '\0') {
		snprintf(field, sizeof(field), "%s%sregionCode", path, path[0] ? "." : "");
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "%s is required: %s has no region of its own (a non-geographic number)", field,
		                              n->phone_number);
	}
	if (n->type == NUMBERING_NUMBER_TYPE_UNSPECIFIED) {
		snprintf(field, sizeof(field), "%s%stype", path, path[0] ? "." : "");
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "%s is required (MOBILE, LOCAL, TOLL_FREE, NATIONAL or SHARED_RATE)", field);
	}
	if (n->reservation != NULL) {
		snprintf(field, sizeof(field), "%s%sreservation", path, path[0] ? "." : "");
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "%s is not imported: ReserveAvailableNumbers sets it", field);
	}
	/* An acquisition charges setup + monthly x interval as one amount of one currency,
	 * and the library converts nothing: such a number could never be bought, and the
	 * Voximplant catalogue would show its setup price in the monthly one's currency. */
	const char *setup = n->setup_price.currency, *monthly = n->monthly_price.currency;
	if (setup[0] != '\0' && monthly[0] != '\0' && strcmp(setup, monthly) != 0) {
		snprintf(field, sizeof(field), "%s%smonthlyPrice.currencyCode", path, path[0] ? "." : "");
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "%s \"%s\" is not setupPrice's \"%s\": a number's prices are in one "
		                              "currency (%s)",
		                              field, monthly, setup, n->phone_number);
	}
	return NUMBERING_OK;
}

int numbering__available_to_record(numbering_record *out, char name[NUMBERING__AVAILABLE_NAME_SIZE],
                                   char parent[NUMBERING__AVAILABLE_PARENT_SIZE], struct numbering__buf *body,
                                   const numbering_available_number *n)
{
	int rc = numbering__available_parent(parent, n->region_code, n->type);
	if (rc != NUMBERING_OK)
		return rc;
	numbering__available_name(name, n->digits, n->named);
	body->len = 0;
	if ((rc = numbering__fields_encode(&numbering__available_fields, body, n)) != NUMBERING_OK)
		return rc;

	memset(out, 0, sizeof(*out));
	out->version = NUMBERING_RECORD_VERSION;
	out->kind = NUMBERING__KIND_AVAILABLE;
	out->flags = NUMBERING_RECORD_NUMBERS | (n->listed ? NUMBERING_RECORD_LISTED : 0);
	out->name = name;
	out->parent = parent;
	out->sort_key = numbering__number_order(n->digits, n->first);
	out->digits = n->digits;
	out->first = n->first;
	out->last = n->last;
	out->body = body->ptr;
	out->body_len = body->len;
	return NUMBERING_OK;
}

/* ---- Reading a record ---- */

struct reader {
	const char *field;
	const char *problem;
};

static int bad(struct reader *r, const char *field, const char *problem)
{
	r->field = field;
	r->problem = problem;
	return NUMBERING_DATA_LOSS;
}

/* The region code and type of a parent "US/LOCAL"; 0 when it is not one. */
static int parse_parent(const char *parent, char region[3], uint8_t *type)
{
	if (parent == NULL || strlen(parent) < 4 || parent[2] != '/')
		return 0;
	for (int t = NUMBERING_NUMBER_TYPE_LOCAL; t <= NUMBERING_NUMBER_TYPE_SHARED_RATE; t++)
		if (strcmp(parent + 3, numbering_number_type_name(t)) == 0) {
			memcpy(region, parent, 2);
			region[2] = '\0';
			*type = (uint8_t)t;
			return check_region_code(region, "regionCode") == NUMBERING_OK;
		}
	return 0;
}

/* Everything of an available record but its body, into @out: its numbers, listed, and
 * its parent when @parent (else the caller compared it with one read before). */
static int read_header(numbering_available_number *out, struct reader *r, const numbering_record *rec, int parent)
{
	if (rec->kind != NUMBERING__KIND_AVAILABLE)
		return bad(r, "kind", "it is not the available number kind");
	if (rec->digits < 1 || rec->digits > NUMBERING_RECORD_DIGITS_MAX || rec->first > rec->last)
		return bad(r, "digits", "the record holds no interval");
	/* The name is the prefix, '+' and a number of exactly its digit count, at most its
	 * first (the record's first when it was stored): read digit by digit. Most often
	 * it is the first, and its text then the phone number's (formatting the number
	 * was a tenth of reading a record). */
	const char *tail = rec->name != NULL && strncmp(rec->name, NAME_PREFIX, NAME_PREFIX_LEN) == 0
	                       ? rec->name + NAME_PREFIX_LEN
	                       : NULL;
	uint64_t named = 0;
	int d = 1;
	if (tail != NULL && tail[0] == '+')
		for (; d <= rec->digits && tail[d] >= '0' && tail[d] <= '9'; d++)
			named = named * 10 + (uint64_t)(tail[d] - '0');
	/* A number below the first is one the record held, a phone number: no leading 0. */
	if (tail == NULL || d != rec->digits + 1 || tail[d] != '\0' || named > rec->first ||
	    (named != rec->first && tail[1] == '0'))
		return bad(r, "name", "it is not availableNumbers/ and a number of its digit count up to its first");
	if (named == rec->first)
		memcpy(out->phone_number, tail, (size_t)rec->digits + 2);
	else
		plus_digits(out->phone_number, sizeof(out->phone_number), rec->digits, rec->first);
	out->named = named;
	out->digits = rec->digits;
	out->first = rec->first;
	out->last = rec->last;
	out->listed = (rec->flags & NUMBERING_RECORD_LISTED) != 0;
	if (parent && !parse_parent(rec->parent, out->region_code, &out->type))
		return bad(r, "parent", "it is not a region code and a type (\"US/LOCAL\")");
	if (!(rec->flags & NUMBERING_RECORD_NUMBERS) || (rec->flags & ~(NUMBERING_RECORD_NUMBERS | NUMBERING_RECORD_LISTED)) ||
	    rec->sort_key != numbering__number_order(rec->digits, rec->first) || rec->expires != 0)
		return bad(r, "flags", "the flags, sort key or expiry are not what an available number's are");
	for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS; i++)
		if (rec->keys[i] != NULL)
			return bad(r, "keys", "an available number has no secondary keys");
	return NUMBERING_OK;
}

static int read_record(numbering_available_number *out, struct reader *r, const numbering_record *rec)
{
	int rc = read_header(out, r, rec, 1);
	if (rc != NUMBERING_OK)
		return rc;
	return numbering__fields_decode(&numbering__available_fields, out, rec->body, rec->body_len, &r->field,
	                                &r->problem);
}

static int damaged(int rc, const struct reader *r, const numbering_record *record)
{
	if (r->problem == NULL)
		return rc;
	char quoted[NUMBERING__QUOTE_SIZE];
	const char *name = record->name ? record->name : "";
	return numbering__error_field(NUMBERING_DATA_LOSS, r->field,
	                              "the stored available number record \"%s\" is damaged: its %s: %s",
	                              numbering__quote(quoted, name, strlen(name)), r->field, r->problem);
}

int numbering__available_from_record(numbering_available_number *out, const numbering_record *record)
{
	struct reader r = {NULL, NULL};
	numbering__available_clear(out);
	int rc = read_record(out, &r, record);
	if (rc == NUMBERING_OK)
		return rc;
	numbering__available_clear(out);
	return damaged(rc, &r, record);
}

/* Whether @record's parent and body are the ones @parent and @body hold. */
static int same_source(const numbering_record *record, const char *parent, const uint8_t *body, size_t body_len)
{
	return record->body_len == body_len && record->parent != NULL && strcmp(record->parent, parent) == 0 &&
	       (body_len == 0 || memcmp(record->body, body, body_len) == 0);
}

/* The attributes of the last body this thread decoded without text (region code and
 * type from its parent, and its body's attributes; the rest is the record's own): a
 * reader's first record is most often one with the body of the last search's (a
 * region's stock shares a few price and capability sets), and decoding it was a tenth
 * of a search (bench/bench-inventory.c). Bodies with text are not kept: copying their
 * text would cost what decoding does. */
struct decoded {
	int has;
	size_t body_len;
	char parent[NUMBERING__AVAILABLE_PARENT_SIZE];
	uint8_t body[sizeof(((struct numbering__available_reader *)0)->body)];
	numbering_available_number attributes; /* no text */
};
static _Thread_local struct decoded last_decoded;

#define TEXT_SET_TEXT(id) || n->id != NULL
static int has_text(const numbering_available_number *n)
{
#define ON_TEXT_TEXT TEXT_SET_TEXT
	return 0 NUMBERING__AVAILABLE_FIELDS(ON_TEXT);
#undef ON_TEXT_TEXT
}

int numbering__available_read(struct numbering__available_reader *reader, const numbering_record *record)
{
	numbering_available_number *out = reader->out;
	struct decoded *last = NULL; /* set: to be kept in last_decoded */
	int has = reader->has && same_source(record, reader->parent, reader->body, reader->body_len);
	if (!has) {
		struct decoded *d = &last_decoded;
		if (d->has && same_source(record, d->parent, d->body, d->body_len)) {
			numbering__available_free_text(out);
			memcpy(out, &d->attributes, sizeof(*out));
			has = 1;
		} else {
			last = d;
		}
	}
	if (has) {
		/* The attributes in @out are those of this parent and body: the header only. */
		struct reader r = {NULL, NULL};
		int rc = read_header(out, &r, record, 0);
		if (rc != NUMBERING_OK) {
			reader->has = 0;
			numbering__available_clear(out);
			return damaged(rc, &r, record);
		}
		if (reader->has)
			return NUMBERING_OK;
	} else {
		reader->has = 0;
		int rc = numbering__available_from_record(out, record);
		if (rc != NUMBERING_OK)
			return rc;
	}
	size_t parent_len = strlen(record->parent);
	if (record->body_len <= sizeof(reader->body) && parent_len < sizeof(reader->parent)) {
		memcpy(reader->parent, record->parent, parent_len + 1);
		if (record->body_len > 0)
			memcpy(reader->body, record->body, record->body_len);
		reader->body_len = record->body_len;
		reader->has = 1;
		if (last != NULL && !has_text(out)) {
			memcpy(last->parent, reader->parent, parent_len + 1);
			memcpy(last->body, reader->body, record->body_len);
			last->body_len = record->body_len;
			memcpy(&last->attributes, out, sizeof(*out));
			last->has = 1;
		}
	}
	return NUMBERING_OK;
}

int numbering__available_record_check(const numbering_record *record)
{
	numbering_available_number n;
	memset(&n, 0, sizeof(n));
	int rc = numbering__available_from_record(&n, record);
	numbering__available_clear(&n);
	return rc;
}
