/*
 * Range notation: "+61255501100-99" is the number, a dash, and a suffix that
 * replaces the number's last k digits to give the end of the range.
 */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "e164/metadata.h"
#include "e164/number.h"
#include "e164/parse.h"

static void range_clear(struct numbering_range *r)
{
	numbering__number_clear(&r->start);
	numbering__number_clear(&r->end);
	r->size = 0;
}

int numbering_range_new(numbering_range **out)
{
	if (out == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "out", "numbering_range_new: out is NULL");
	*out = numbering__malloc(sizeof(**out));
	if (*out == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory allocating a range");
	range_clear(*out);
	return NUMBERING_OK;
}

void numbering_range_free(numbering_range *range)
{
	numbering__free_mem(range);
}

const numbering_number *numbering_range_start(const numbering_range *range)
{
	return range == NULL ? NULL : &range->start;
}

const numbering_number *numbering_range_end(const numbering_range *range)
{
	return range == NULL ? NULL : &range->end;
}

int64_t numbering_range_size(const numbering_range *range)
{
	return range == NULL ? 0 : range->size;
}

static const char *nsn_of(const struct numbering_number *n)
{
	return n->e164 + 1 + n->cc_digits;
}

int numbering_range_from_bounds(numbering_range *out, const numbering_number *start, const numbering_number *end)
{
	if (out == NULL || start == NULL || end == NULL || start->digits == 0 || end->digits == 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "range", "a range needs a start and an end number");
	if (start->calling_code != end->calling_code || start->digits != end->digits)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "range.end_phone_number",
		                              "range end %s must have the same country calling code and length as start %s",
		                              end->e164, start->e164);
	if (end->value < start->value)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "range.end_phone_number",
		                              "range end %s is below its start %s", end->e164, start->e164);
	struct numbering_number s = *start, e = *end;
	out->start = s;
	out->end = e;
	out->size = (int64_t)(e.value - s.value) + 1;
	return NUMBERING_OK;
}

int numbering_range_from_size(numbering_range *out, const numbering_number *start, int64_t size)
{
	if (out == NULL || start == NULL || start->digits == 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "range", "a range needs a start number");
	if (size < 1)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "range.size",
		                              "range size %lld is not positive", (long long)size);
	/* The end must keep the start's digit count: start + size - 1 < 10^digits. */
	uint64_t limit = 1;
	for (int i = 0; i < start->digits; i++)
		limit *= 10;
	if ((uint64_t)size > limit - start->value)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "range.size",
		                              "range of %lld numbers from %s would need numbers with more digits",
		                              (long long)size, start->e164);
	uint64_t end_value = start->value + (uint64_t)size - 1;
	char nsn[NUMBERING_E164_BUFSIZE];
	size_t nsn_len = (size_t)(start->digits - start->cc_digits);
	uint64_t v = end_value;
	for (size_t i = nsn_len; i > 0; i--) {
		nsn[i - 1] = (char)('0' + v % 10);
		v /= 10;
	}
	/* What is left of v is the calling code; it must not have changed. */
	if (v != start->calling_code)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "range.size",
		                              "range of %lld numbers from %s would cross into another country calling code",
		                              (long long)size, start->e164);
	struct numbering_number s = *start;
	out->start = s;
	numbering__number_set(&out->end, start->country, nsn, nsn_len);
	out->size = size;
	return NUMBERING_OK;
}

static int all_digits(const char *s, size_t len)
{
	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* Whether @len bytes of @s are a number written plainly: an optional '+' and digits,
 * spaces around them allowed, as range notation writes its start (+61255501100-99). */
static int canonical(const char *s, size_t len)
{
	while (len > 0 && s[len - 1] == ' ')
		len--;
	while (len > 0 && s[0] == ' ')
		s++, len--;
	if (len > 0 && s[0] == '+')
		s++, len--;
	return all_digits(s, len);
}

int numbering__range_parse_field(numbering_range *out, const char *text, const char *region, const char *field)
{
	if (out == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "out", "numbering_e164_parse_range: out is NULL");
	range_clear(out);
	if (field == NULL)
		field = "phone_number";
	if (text == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "phone number range is missing (NULL)");
	size_t len = strlen(text);
	const char *dash = memchr(text, '-', len) ? strrchr(text, '-') : NULL;
	struct numbering_number start;
	if (dash != NULL) {
		const char *suffix = dash + 1;
		size_t suffix_len = len - (size_t)(suffix - text);
		while (suffix_len > 0 && suffix[0] == ' ')
			suffix++, suffix_len--;
		while (suffix_len > 0 && suffix[suffix_len - 1] == ' ')
			suffix_len--;
		if (suffix_len == 0) {
			char quoted[NUMBERING__QUOTE_SIZE];
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
			                              "range \"%s\": the suffix after '-' is empty",
			                              numbering__quote(quoted, text, len));
		}
		/* Dashes are also formatting ("+1-202-555-0134", "(02) 5550-1100", "030 1234-5678"):
		 * the text is range notation only if the part before the last dash is a possible
		 * number, and then only if the whole text does not read as one number as well. */
		if (all_digits(suffix, suffix_len) &&
		    numbering__e164_parse_field(&start, text, (size_t)(dash - text), region, field) == NUMBERING_OK &&
		    start.verdict == NUMBERING_LENGTH_POSSIBLE) {
			struct numbering_number whole;
			int single = numbering__e164_parse_field(&whole, text, len, region, field) == NUMBERING_OK &&
			             whole.verdict == NUMBERING_LENGTH_POSSIBLE;
			/* A whole that fits only by keeping the trunk prefix the start dropped
			 * ("02 5550 1100-99" as +61 025550110099) is no credible number. */
			if (single && nsn_of(&whole)[0] == '0' && nsn_of(&start)[0] != '0')
				single = 0;
			char quoted[NUMBERING__QUOTE_SIZE];
			size_t nsn_len = (size_t)(start.digits - start.cc_digits);
			int rc = NUMBERING_OK;
			struct numbering_number end;
			if (suffix_len > nsn_len) {
				rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
				                            "range \"%s\": suffix of %zu digits is longer than the national number %s",
				                            numbering__quote(quoted, text, len), suffix_len, nsn_of(&start));
			} else {
				char nsn[NUMBERING_E164_BUFSIZE];
				memcpy(nsn, nsn_of(&start), nsn_len);
				memcpy(nsn + nsn_len - suffix_len, suffix, suffix_len);
				numbering__number_set(&end, start.country, nsn, nsn_len);
				if (end.value < start.value)
					rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
					                            "range \"%s\": end %s is below start %s",
					                            numbering__quote(quoted, text, len), end.e164, start.e164);
			}
			if (rc != NUMBERING_OK && !single)
				return rc;
			if (rc == NUMBERING_OK && single && !canonical(text, (size_t)(dash - text))) {
				/* Both readings work: guessing would create the wrong numbers silently. */
				return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
				                              "\"%s\" is ambiguous: the range %s to %s, or the number %s; write a "
				                              "number without '-', or a range as +E164-SUFFIX (+61255501100-99) "
				                              "or with range.size or range.end_phone_number",
				                              numbering__quote(quoted, text, len), start.e164, end.e164, whole.e164);
			}
			if (rc == NUMBERING_OK)
				return numbering_range_from_bounds(out, &start, &end);
			/* Not a range, but one number written with dashes. */
			out->start = whole;
			out->end = whole;
			out->size = 1;
			return NUMBERING_OK;
		}
	}
	int rc = numbering__e164_parse_field(&start, text, len, region, field);
	if (rc != NUMBERING_OK)
		return rc;
	out->start = start;
	out->end = start;
	out->size = 1;
	return NUMBERING_OK;
}

int numbering_e164_parse_range(numbering_range *out, const char *text, const char *region)
{
	return numbering__range_parse_field(out, text, region, NULL);
}

int numbering_range_format(char *buf, size_t bufsize, const numbering_range *range)
{
	if (buf == NULL || range == NULL || range->size == 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "range", "numbering_range_format: no range to format");
	const char *s = range->start.e164 + 1, *e = range->end.e164 + 1;
	size_t digits = range->start.digits, common = 0;
	while (common < digits && s[common] == e[common])
		common++;
	size_t k = common == digits ? 1 : digits - common;
	size_t need = 1 + digits + 1 + k + 1;
	if (bufsize < need)
		return numbering__error_set(NUMBERING_OUT_OF_RANGE, "range notation needs %zu bytes, buffer has %zu", need,
		                            bufsize);
	snprintf(buf, bufsize, "+%s-%s", s, e + digits - k);
	return NUMBERING_OK;
}
