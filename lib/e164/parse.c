/*
 * Parsing phone numbers as people write them: "+E164", national numbers with or
 * without the trunk prefix, and international-prefix forms. One pass collects the
 * digits and rejects anything that is not a digit or a formatting character; the
 * rest works on the digit string. Nothing here allocates.
 */
#include <stdio.h>
#include <string.h>

#include <utf8proc.h>

#include "core/error.h"
#include "e164/metadata.h"
#include "e164/number.h"
#include "e164/parse.h"

/* The shortest national significant number any country has (libphonenumber's too). */
#define MIN_NSN_DIGITS 2

struct input {
	const char *text;
	size_t len;
	const char *field;
};

static int fail(const struct input *in, const char *why_fmt, const char *detail)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	char why[192];
	snprintf(why, sizeof(why), why_fmt, detail);
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, in->field, "phone number \"%s\" %s",
	                              numbering__quote(quoted, in->text, in->len), why);
}

static int is_formatting(char c)
{
	return c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')' || c == '\t';
}

/* Explains a byte that is neither a digit nor formatting. */
static int reject_character(const struct input *in, size_t at)
{
	unsigned char c = (unsigned char)in->text[at];
	char detail[96];
	if (c < 0x80) {
		int letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
		if (c >= 0x20 && c < 0x7f)
			snprintf(detail, sizeof(detail), "'%c' at byte %zu", c, at);
		else
			snprintf(detail, sizeof(detail), "byte 0x%02x at byte %zu", c, at);
		return fail(in,
		            letter ? "contains a letter (%s); only digits, '+', spaces and - . / ( ) are allowed"
		                   : "contains an unexpected character (%s); only digits, '+', spaces and - . / ( ) are allowed",
		            detail);
	}
	utf8proc_int32_t cp = -1;
	utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)in->text + at, (utf8proc_ssize_t)(in->len - at), &cp);
	if (n < 0 || cp < 0) {
		snprintf(detail, sizeof(detail), "at byte %zu", at);
		return fail(in, "is not valid UTF-8 (%s)", detail);
	}
	snprintf(detail, sizeof(detail), "U+%04X at byte %zu", (unsigned)cp, at);
	if (utf8proc_category(cp) == UTF8PROC_CATEGORY_ND)
		return fail(in, "contains a non-ASCII digit (%s); write digits as ASCII 0-9", detail);
	if (utf8proc_category(cp) >= UTF8PROC_CATEGORY_LU && utf8proc_category(cp) <= UTF8PROC_CATEGORY_LO)
		return fail(in, "contains a letter (%s); only digits, '+', spaces and - . / ( ) are allowed", detail);
	return fail(in, "contains an unexpected character (%s); only digits, '+', spaces and - . / ( ) are allowed",
	            detail);
}

static int starts_with(const char *d, size_t n, const char *prefix, size_t *prefix_len)
{
	size_t len = strlen(prefix);
	if (len == 0 || len >= n || memcmp(d, prefix, len) != 0)
		return 0;
	*prefix_len = len;
	return 1;
}

/* Strips a trunk prefix when the number is possible only without it (as
 * libphonenumber does when parsing, judged by length instead of patterns). */
static void strip_trunk_prefix(int region, int country, const char **d, size_t *n)
{
	const char *const *prefixes = numbering__regions[region].trunk_prefixes;
	for (size_t i = 0; prefixes != NULL && prefixes[i] != NULL; i++) {
		size_t plen;
		if (!starts_with(*d, *n, prefixes[i], &plen))
			continue;
		/* libphonenumber strips whenever what remains is a possible length. */
		if (numbering__length_verdict(country, *n - plen) == NUMBERING_LENGTH_POSSIBLE) {
			*d += plen;
			*n -= plen;
		}
		return;
	}
}

static int finish(numbering_number *out, const struct input *in, int country, int cc_digits, const char *nsn,
                  size_t nsn_len)
{
	char detail[64];
	if (cc_digits + nsn_len > NUMBERING_E164_MAX_DIGITS) {
		snprintf(detail, sizeof(detail), "%zu", cc_digits + nsn_len);
		return fail(in, "has %s digits; E.164 allows at most 15", detail);
	}
	if (nsn_len < MIN_NSN_DIGITS) {
		snprintf(detail, sizeof(detail), "%zu digit%s", nsn_len, nsn_len == 1 ? "" : "s");
		return fail(in, "is too short to be a phone number (national number of %s)", detail);
	}
	numbering__number_set(out, country, nsn, nsn_len);
	return NUMBERING_OK;
}

/* Digits that start with a calling code: "+E164", or what follows an IDD. */
static int parse_international(numbering_number *out, const struct input *in, const char *d, size_t n)
{
	char detail[8];
	if (n == 0)
		return fail(in, "has no country calling code after '+'%s", "");
	if (d[0] == '0')
		return fail(in, "has a country calling code starting with 0%s; no code does", "");
	int cc_digits = 0;
	int country = numbering__country_for_digits(d, n, &cc_digits);
	if (country < 0) {
		snprintf(detail, sizeof(detail), "%.*s", (int)(n < 3 ? n : 3), d);
		return fail(in, "does not start with an assigned country calling code (+%s...)", detail);
	}
	const char *nsn = d + cc_digits;
	size_t nsn_len = n - (size_t)cc_digits;
	strip_trunk_prefix(numbering__countries[country].first_region, country, &nsn, &nsn_len);
	return finish(out, in, country, cc_digits, nsn, nsn_len);
}

static int parse_national(numbering_number *out, const struct input *in, const char *d, size_t n, int region)
{
	const struct numbering__region *r = &numbering__regions[region];
	const char *const *idd = r->international_prefixes;
	for (size_t i = 0; idd != NULL && idd[i] != NULL; i++) {
		size_t plen;
		/* A calling code never starts with 0, so a 0 after the prefix means it is not one. */
		if (starts_with(d, n, idd[i], &plen) && d[plen] != '0') {
			if (n - plen <= MIN_NSN_DIGITS)
				return fail(in, "is too short after the international prefix%s", "");
			return parse_international(out, in, d + plen, n - plen);
		}
	}
	int country = numbering__country_index[r->calling_code];
	const char *nsn = d;
	size_t nsn_len = n;

	/* The calling code written without '+' ("1 202 555 0134" in the US): taken as
	 * such when the number is too long with it, or possible only without it. */
	char cc[4];
	int cc_len = snprintf(cc, sizeof(cc), "%u", r->calling_code);
	size_t plen;
	if (starts_with(d, n, cc, &plen)) {
		const char *rest = d + plen;
		size_t rest_len = n - plen;
		strip_trunk_prefix(region, country, &rest, &rest_len);
		int whole = numbering__length_verdict(country, n);
		if ((whole != NUMBERING_LENGTH_POSSIBLE &&
		     numbering__length_verdict(country, rest_len) == NUMBERING_LENGTH_POSSIBLE) ||
		    whole == NUMBERING_LENGTH_TOO_LONG)
			return finish(out, in, country, cc_len, rest, rest_len);
	}
	strip_trunk_prefix(region, country, &nsn, &nsn_len);
	return finish(out, in, country, cc_len, nsn, nsn_len);
}

/*
 * The canonical form, '+' and the digits of a number's +E164 form with nothing else,
 * which a PBX passes for every call it routes: filled straight from the text, as the
 * general path below would fill it (the same bytes: the text is the +E164 form), in
 * one pass. 0, leaving @out alone, for anything else, including what the general path
 * refuses or changes: a byte that is not a digit (a NUL inside @len, formatting), a
 * calling code starting with 0 or not assigned, more than 15 digits, a national
 * number too short, or one starting with a digit that begins one of its main region's
 * trunk prefixes (the general path may strip it). The general path then decides.
 */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* Whether the 8 bytes of @w are all ASCII digits: each is 0x3X, and stays so plus 6
 * (a byte that carries into the next one is 0xFA or more, refused by the first test). */
static inline int swar_digits8(uint64_t w)
{
	const uint64_t high = UINT64_C(0xF0F0F0F0F0F0F0F0), zeros = UINT64_C(0x3030303030303030);
	return (w & high) == zeros && ((w + UINT64_C(0x0606060606060606)) & high) == zeros;
}

/* The value of 8 ASCII digits read as a little-endian word, the first (most
 * significant) in its lowest byte: pairs, then fours, then all eight. */
static inline uint64_t swar_value8(uint64_t w)
{
	w = ((w & UINT64_C(0x0F0F0F0F0F0F0F0F)) * 2561) >> 8;
	w = ((w & UINT64_C(0x00FF00FF00FF00FF)) * 6553601) >> 16;
	return ((w & UINT64_C(0x0000FFFF0000FFFF)) * UINT64_C(42949672960001)) >> 32;
}
#endif

static int parse_canonical(numbering_number *out, const char *text, size_t len)
{
	if (len < 1 + 1 + MIN_NSN_DIGITS || len > 1 + NUMBERING_E164_MAX_DIGITS || text[0] != '+' || text[1] == '0')
		return 0;
	uint64_t value = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (len >= 1 + 8) {
		/* 8 to 15 digits: the last 8 and the k = len - 9 before them, read as two
		 * words of the text (the first k digits shifted up, '0's below them). */
		size_t k = len - 9;
		uint64_t lo, hi;
		memcpy(&lo, text + 1 + k, 8);
		memcpy(&hi, text + 1, 8);
		hi = k == 0 ? UINT64_C(0x3030303030303030) : hi << (8 * (8 - k)) | (UINT64_C(0x3030303030303030) >> (8 * k));
		if (!swar_digits8(lo) || !swar_digits8(hi))
			return 0;
		value = swar_value8(hi) * 100000000u + swar_value8(lo);
	} else
#endif
		for (size_t i = 1; i < len; i++) {
			unsigned d = (unsigned)(unsigned char)text[i] - '0';
			if (d > 9)
				return 0;
			value = value * 10 + d;
		}
	int cc_digits = 0;
	int country = numbering__country_of_digits(text + 1, len - 1, &cc_digits);
	if (country < 0)
		return 0;
	const struct numbering__country *c = &numbering__countries[country];
	const char *nsn = text + 1 + cc_digits;
	size_t nsn_len = len - 1 - (size_t)cc_digits;
	if (nsn_len < MIN_NSN_DIGITS)
		return 0;
	const char *const *trunk = numbering__regions[c->first_region].trunk_prefixes;
	for (size_t i = 0; trunk != NULL && trunk[i] != NULL; i++)
		if (trunk[i][0] == nsn[0])
			return 0;
	memset(out, 0, sizeof(*out));
	/* The NUL and the rest: zeroed. A text of 8 bytes or more (every number of 7 digits
	 * and more) as two overlapping words: memcpy's call cost a dozen instructions of a
	 * resolve's. */
	if (len >= 8) {
		uint64_t head, tail;
		memcpy(&head, text, 8);
		memcpy(&tail, text + len - 8, 8);
		memcpy(out->e164, &head, 8);
		memcpy(out->e164 + len - 8, &tail, 8);
	} else {
		memcpy(out->e164, text, len);
	}
	out->digits = (uint8_t)(len - 1);
	out->cc_digits = (uint8_t)cc_digits;
	out->verdict = (uint8_t)numbering__length_verdict_of(c, nsn_len);
	out->calling_code = c->calling_code;
	out->country = (int16_t)country;
	out->value = value;
	return 1;
}

int numbering__e164_parse_field(numbering_number *out, const char *text, size_t len, const char *region,
                                const char *field)
{
	if (out == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "out", "numbering_e164_parse: out is NULL");
	if (text != NULL && parse_canonical(out, text, len))
		return NUMBERING_OK;
	struct input in = {text, len, field ? field : "phone_number"};
	numbering__number_clear(out);
	if (text == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, in.field, "phone number is missing (NULL)");
	if (len > NUMBERING_E164_MAX_INPUT) {
		in.len = 40;
		return fail(&in, "is longer than %s bytes", "256");
	}

	char digits[NUMBERING_E164_MAX_INPUT];
	size_t n = 0;
	int plus = 0;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (c >= '0' && c <= '9')
			digits[n++] = c;
		else if (c == '+' && n == 0 && !plus)
			plus = 1;
		else if (c == '+')
			return fail(&in, "has a '+' that does not start the number%s", "");
		else if (!is_formatting(c))
			return reject_character(&in, i);
	}
	if (n == 0 && !plus)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, in.field,
		                              len == 0 ? "phone number is empty"
		                                       : "phone number \"%s\" has no digits",
		                              len == 0 ? "" : numbering__quote((char[NUMBERING__QUOTE_SIZE]){0}, text, len));
	if (plus)
		return parse_international(out, &in, digits, n);
	if (region == NULL || region[0] == '\0')
		return fail(&in, "is a national number%s; give a region, or write it with '+' and the country calling code",
		            "");
	size_t region_len = strlen(region);
	int r = region_len == 2 ? numbering__region_find(region, region_len) : -1;
	if (r < 0) {
		char quoted[NUMBERING__QUOTE_SIZE];
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "region_code",
		                              "region \"%s\" is not an ISO 3166 alpha-2 region with a calling code",
		                              numbering__quote(quoted, region, region_len));
	}
	return parse_national(out, &in, digits, n, r);
}

int numbering_e164_parse_n(numbering_number *out, const char *text, size_t len, const char *region)
{
	return numbering__e164_parse_field(out, text, len, region, NULL);
}

int numbering_e164_parse(numbering_number *out, const char *text, const char *region)
{
	return numbering__e164_parse_field(out, text, text == NULL ? 0 : strlen(text), region, NULL);
}
