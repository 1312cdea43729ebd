/*
 * The +E164 text of a number given as its digit count and value: "+", exactly @digits
 * digits (leading zeros kept: a value is the digits as an integer, and a number's
 * digit count says how many there are), and a NUL. The one formatter of the library:
 * records name single numbers by it, readers derive a record's phone number text with
 * it on every read, and the services format the numbers they take and split.
 */
#ifndef NUMBERING_E164_FORMAT_H
#define NUMBERING_E164_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The most digits a number value holds (numbering/sys/record.h's
 * NUMBERING_RECORD_DIGITS_MAX; E.164's 15 and one to spare). */
#define NUMBERING__E164_FORMAT_DIGITS_MAX 16

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* The 8 decimal digits of @x (< 10^8), leading zeros included, as the ASCII bytes of
 * a little-endian word, most significant digit first in memory: a few multiplications
 * split 4 | 4, then 2 | 2, then 1 | 1 digits into byte lanes, with no division loop. */
static inline uint64_t numbering__e164_digits8(uint32_t x)
{
	uint64_t merged = (uint64_t)(x / 10000) | (uint64_t)(x % 10000) << 32;
	uint64_t top = ((merged * 10486u) >> 20) & (UINT64_C(0x7f) << 32 | 0x7f); /* / 100 */
	uint64_t bottom = merged - 100 * top;
	uint64_t hundreds = bottom << 16 | top;
	uint64_t tens = ((hundreds * 103u) >> 10) & (UINT64_C(0xf) << 48 | UINT64_C(0xf) << 32 | UINT64_C(0xf) << 16 | 0xf);
	tens += (hundreds - 10 * tens) << 8;
	return tens + UINT64_C(0x3030303030303030);
}

/* The same for the 4 digits of @x (< 10^4) as a little-endian 32-bit word: the high
 * part of a number of 9 to 12 digits (most E.164 numbers), half of digits8's work. */
static inline uint32_t numbering__e164_digits4(uint32_t x)
{
	uint32_t top = (x * 5243u) >> 19; /* / 100 */
	uint32_t hundreds = top | (x - 100 * top) << 16;
	uint32_t tens = ((hundreds * 103u) >> 10) & 0x000f000fu;
	tens += (hundreds - 10 * tens) << 8;
	return tens + 0x30303030u;
}
#endif

/*
 * Writes "+", exactly @digits (1 .. 16) digits of @value and a NUL: @digits + 2 bytes
 * of @buf, which has @size. Returns the length (without the NUL); 0, writing nothing,
 * for a digit count out of range, a value of more digits or a buffer too small (a
 * NUMBERING_E164_BUFSIZE one holds 15 digits, E.164's most). Two 8-digit words stored
 * whole where the byte order allows (a division loop was a tenth of reading a
 * record), pairs of digits elsewhere.
 */
static inline size_t numbering__e164_format(char *buf, size_t size, uint64_t value, unsigned digits)
{
	static const uint64_t limit[NUMBERING__E164_FORMAT_DIGITS_MAX + 1] = {
	    1ULL,           10ULL,           100ULL,           1000ULL,           10000ULL,           100000ULL,
	    1000000ULL,     10000000ULL,     100000000ULL,     1000000000ULL,     10000000000ULL,     100000000000ULL,
	    1000000000000ULL, 10000000000000ULL, 100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL};
	if (digits == 0 || digits > NUMBERING__E164_FORMAT_DIGITS_MAX || (size_t)digits + 2 > size || value >= limit[digits])
		return 0;
	buf[0] = '+';
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t low = numbering__e164_digits8((uint32_t)(value % 100000000u));
	if (digits >= 8) {
		/* The high word's last digits - 8 digits, then the low word over what follows them. */
		if (digits > 12) {
			uint64_t high = numbering__e164_digits8((uint32_t)(value / 100000000u)) >> (8 * (16 - digits));
			memcpy(buf + 1, &high, 8);
		} else if (digits > 8) {
			uint32_t high = numbering__e164_digits4((uint32_t)(value / 100000000u)) >> (8 * (12 - digits));
			memcpy(buf + 1, &high, 4);
		}
		memcpy(buf + 1 + digits - 8, &low, 8);
	} else {
		char word[8];
		low >>= 8 * (8 - digits);
		memcpy(word, &low, 8);
		memcpy(buf + 1, word, digits);
	}
#else
	static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	                            "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	                            "8081828384858687888990919293949596979899";
	char *p = buf + digits + 1;
	unsigned left = digits;
	for (; left >= 2; left -= 2) {
		unsigned pair = (unsigned)(value % 100);
		value /= 100;
		p -= 2;
		memcpy(p, pairs + 2 * pair, 2);
	}
	if (left == 1)
		*--p = (char)('0' + value % 10);
#endif
	buf[digits + 1] = '\0';
	return digits + 1;
}

#endif
