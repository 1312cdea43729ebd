/*
 * The national part of a number held as (digits, value), as text: what the catalogue
 * (service/catalogue.c) and its regions without stock (service/catalogue-regions.c)
 * print as a region's phone prefix and compare. Inline, and no printf: the catalogue
 * runs it for every record a call reads.
 */
#ifndef NUMBERING_SERVICE_NATIONAL_DIGITS_H
#define NUMBERING_SERVICE_NATIONAL_DIGITS_H

#include <stdint.h>
#include <string.h>

/* Digits of a national part, NUL included: E.164 has at most 15 digits. */
#define NUMBERING__NATIONAL_SIZE 20

/* The digits of @value (@digits of them, at most 19) after the first @skip (the calling
 * code's) into @out. */
static inline void numbering__national_digits(char out[NUMBERING__NATIONAL_SIZE], int digits, uint64_t value,
                                              int skip)
{
	char all[24];
	if (digits > 19)
		digits = 19;
	all[digits] = '\0';
	for (int i = digits - 1; i >= 0; i--) {
		all[i] = (char)('0' + value % 10);
		value /= 10;
	}
	if (skip > digits)
		skip = digits;
	memcpy(out, all + skip, (size_t)(digits - skip) + 1);
}

#endif
