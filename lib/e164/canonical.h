/*
 * The canonical form, '+' and the digits of a number's +E164 form with nothing else,
 * which a PBX passes for every call it routes: filled straight from the text, as the
 * general path (e164/parse.c) would fill it (the same bytes: the text is the +E164
 * form), in one pass. Inline, so that a resolve parses without a call and without the
 * general path's frame (~60 of a resolve's instructions). 0, leaving @out alone, for
 * anything else, including what the general path refuses or changes: a byte that is
 * not a digit (a NUL inside @len, formatting), a calling code starting with 0 or not
 * assigned, more than 15 digits, a national number too short, or one starting with a
 * digit that begins one of its main region's trunk prefixes (the general path may
 * strip it). The general path then decides.
 */
#ifndef NUMBERING_E164_CANONICAL_H
#define NUMBERING_E164_CANONICAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "e164/metadata.h"
#include "e164/number.h"

/* The shortest national significant number any country has (libphonenumber's too). */
#define NUMBERING__MIN_NSN_DIGITS 2

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* Whether the 8 bytes of @w are all ASCII digits: each is 0x3X, and stays so plus 6
 * (a byte that carries into the next one is 0xFA or more, refused by the first test). */
static inline int numbering__swar_digits8(uint64_t w)
{
	const uint64_t high = UINT64_C(0xF0F0F0F0F0F0F0F0), zeros = UINT64_C(0x3030303030303030);
	return (w & high) == zeros && ((w + UINT64_C(0x0606060606060606)) & high) == zeros;
}

/* The value of 8 ASCII digits read as a little-endian word, the first (most
 * significant) in its lowest byte: pairs, then fours, then all eight. */
static inline uint64_t numbering__swar_value8(uint64_t w)
{
	w = ((w & UINT64_C(0x0F0F0F0F0F0F0F0F)) * 2561) >> 8;
	w = ((w & UINT64_C(0x00FF00FF00FF00FF)) * 6553601) >> 16;
	return ((w & UINT64_C(0x0000FFFF0000FFFF)) * UINT64_C(42949672960001)) >> 32;
}
#endif

static inline int numbering__e164_parse_canonical(struct numbering_number *out, const char *text, size_t len)
{
	if (len < 1 + 1 + NUMBERING__MIN_NSN_DIGITS || len > 1 + NUMBERING_E164_MAX_DIGITS || text[0] != '+' ||
	    text[1] == '0')
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
		if (!numbering__swar_digits8(lo) || !numbering__swar_digits8(hi))
			return 0;
		value = numbering__swar_value8(hi) * 100000000u + numbering__swar_value8(lo);
	} else
#endif
		for (size_t i = 1; i < len; i++) {
			unsigned d = (unsigned)(unsigned char)text[i] - '0';
			if (d > 9)
				return 0;
			value = value * 10 + d;
		}
	/* Every byte is a digit and there are 3 or more: the calling code is the first
	 * 1, 2 or 3 of them that is assigned (codes are prefix-free). */
	int cc_digits = 1;
	unsigned code = (unsigned)(text[1] - '0');
	int country = numbering__country_index[code];
	if (country < 0) {
		code = code * 10 + (unsigned)(text[2] - '0');
		cc_digits = 2;
		country = numbering__country_index[code];
		if (country < 0) {
			code = code * 10 + (unsigned)(text[3] - '0');
			cc_digits = 3;
			country = numbering__country_index[code];
			if (country < 0)
				return 0;
		}
	}
	const struct numbering__country *c = &numbering__countries[country];
	const char *nsn = text + 1 + cc_digits;
	size_t nsn_len = len - 1 - (size_t)cc_digits;
	if (nsn_len < NUMBERING__MIN_NSN_DIGITS)
		return 0;
	const char *const *trunk = numbering__regions[c->first_region].trunk_prefixes;
	for (size_t i = 0; trunk != NULL && trunk[i] != NULL; i++)
		if (trunk[i][0] == nsn[0])
			return 0;
	/* Every byte of @out is written (it has no padding): the text, NULs to the end of
	 * e164, the rest. A text of 8 bytes or more (every number of 7 digits and more) as
	 * two overlapping words: memcpy's call cost a dozen instructions of a resolve's. */
	_Static_assert(sizeof(*out) == NUMBERING_E164_BUFSIZE + 3 + 2 + 2 + 8, "struct numbering_number has padding");
	_Static_assert(NUMBERING_E164_BUFSIZE == 17, "e164 is written as two words and a byte");
	uint64_t zero = 0;
	memcpy(out->e164, &zero, 8);
	memcpy(out->e164 + 8, &zero, 8);
	out->e164[16] = '\0';
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
	/* POSSIBLE, what a resolve wants, is a length bit of the country's and not of its
	 * local-only lengths: tested first, the full verdict otherwise. */
	uint32_t bit = (uint32_t)1 << nsn_len; /* nsn_len <= 15 */
	out->verdict = (uint8_t)(!(c->local_only_lengths & bit) && (c->possible_lengths & bit)
	                             ? NUMBERING_LENGTH_POSSIBLE
	                             : numbering__length_verdict_of(c, nsn_len));
	out->calling_code = c->calling_code;
	out->country = (int16_t)country;
	out->value = value;
	return 1;
}

#endif
