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
#include "e164/canonical.h"
#include "e164/metadata.h"
#include "e164/number.h"
#include "e164/parse.h"

#define MIN_NSN_DIGITS NUMBERING__MIN_NSN_DIGITS

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

int numbering__e164_parse_field(numbering_number *out, const char *text, size_t len, const char *region,
                                const char *field)
{
	if (out == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "out", "numbering_e164_parse: out is NULL");
	if (text != NULL && numbering__e164_parse_canonical(out, text, len))
		return NUMBERING_OK;
	return numbering__e164_parse_other(out, text, len, region, field);
}

int numbering__e164_parse_other(numbering_number *out, const char *text, size_t len, const char *region,
                                const char *field)
{
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
