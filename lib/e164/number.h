/* The layout of parsed numbers and ranges, shared by the e164 files and the layers above. */
#ifndef NUMBERING_E164_NUMBER_H
#define NUMBERING_E164_NUMBER_H

#include <stddef.h>
#include <stdint.h>

#include "e164/metadata.h"
#include "numbering/e164.h"

struct numbering_number {
	char e164[NUMBERING_E164_BUFSIZE]; /* "+" and the digits; "" when empty */
	uint8_t digits;                    /* digits in e164, calling code included */
	uint8_t cc_digits;                 /* digits of the calling code */
	uint8_t verdict;                   /* numbering_length_verdict */
	uint16_t calling_code;             /* 0 when empty */
	int16_t country;                   /* index in numbering__countries, -1 when empty */
	uint64_t value;                    /* the digits as an integer: a unique key */
};

struct numbering_range {
	struct numbering_number start;
	struct numbering_number end;
	int64_t size; /* 0 when empty */
};

/* Empties a number object. */
void numbering__number_clear(struct numbering_number *n);

/* Fills @n from a known country index and its national significant number digits
 * (ASCII, @nsn_len of them); computes e164, value and verdict. The caller has
 * checked the digit count fits. */
void numbering__number_set(struct numbering_number *n, int country, const char *nsn, size_t nsn_len);

/* The length verdict of a national number of @nsn_len digits in country @country. */
int numbering__length_verdict(int country, size_t nsn_len);

/* Index of region @code (case-insensitive, @len bytes) in numbering__regions, or -1. */
int numbering__region_find(const char *code, size_t len);

/* Index of the calling code that prefixes the ASCII digits @d (@len of them) in
 * numbering__countries, with its digit count in *cc_digits; -1 if none. */
int numbering__country_for_digits(const char *d, size_t len, int *cc_digits);

/* numbering__length_verdict() of country @c, inline: the parse of a +E164 text, which
 * every resolve runs, asks it (as a call, ~30 instructions of a resolve's). */
static inline int numbering__length_verdict_of(const struct numbering__country *c, size_t nsn_len)
{
	uint32_t bit = nsn_len < 32 ? (uint32_t)1 << nsn_len : 0;
	if (c->local_only_lengths & bit)
		return NUMBERING_LENGTH_POSSIBLE_LOCAL_ONLY;
	if (c->possible_lengths == 0)
		return NUMBERING_LENGTH_INVALID;
	unsigned min = (unsigned)__builtin_ctz(c->possible_lengths);
	unsigned max = 31u - (unsigned)__builtin_clz(c->possible_lengths);
	if (nsn_len == min)
		return NUMBERING_LENGTH_POSSIBLE;
	if (nsn_len < min)
		return NUMBERING_LENGTH_TOO_SHORT;
	if (nsn_len > max)
		return NUMBERING_LENGTH_TOO_LONG;
	return (c->possible_lengths & bit) ? NUMBERING_LENGTH_POSSIBLE : NUMBERING_LENGTH_INVALID;
}

/* numbering__country_for_digits(), inline for the same reason. */
static inline int numbering__country_of_digits(const char *d, size_t len, int *cc_digits)
{
	int value = 0;
	for (size_t i = 0; i < len && i < 3; i++) {
		value = value * 10 + (d[i] - '0');
		int index = numbering__country_index[value];
		if (value > 0 && index >= 0) {
			*cc_digits = (int)i + 1;
			return index;
		}
	}
	return -1;
}

#endif
