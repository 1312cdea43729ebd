/*
 * Varints, the integer encoding of the record bodies (model/fields.h bodies, change
 * records, active numbers, instance records): 7 bits a byte, least significant first,
 * the high bit set on every byte but the last. A signed value is zigzagged first
 * (0, -1, 1, -2 ... become 0, 1, 2, 3 ...), so a small negative stays short.
 *
 * The reader takes only the shortest form of a number that fits in 64 bits, so a
 * value has one encoding and a damaged body cannot pass for another. Inline: the
 * body codecs call these for every attribute, some on the look-up paths.
 */
#ifndef NUMBERING_MODEL_VARINT_H
#define NUMBERING_MODEL_VARINT_H

#include <stddef.h>
#include <stdint.h>

/* What numbering__varint_get() says is wrong, in the words of a damaged-body message. */
#define NUMBERING__VARINT_CUT "the body ends in the middle of it"
#define NUMBERING__VARINT_BAD "its number does not fit in 64 bits or is not in its shortest form"

/* Writes @v at @p, which has room for 10 bytes; returns the byte after it. */
static inline uint8_t *numbering__varint_put(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

/* Reads the varint at *@p, which ends before @end, into *@v and moves *@p past it.
 * Returns NULL, or what is wrong (NUMBERING__VARINT_CUT or NUMBERING__VARINT_BAD;
 * then *@v is untouched and *@p somewhere inside the bytes). */
static inline const char *numbering__varint_get(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	uint64_t result = 0;
	for (unsigned shift = 0; shift < 64; shift += 7) {
		if (*p >= end)
			return NUMBERING__VARINT_CUT;
		uint8_t b = *(*p)++;
		if (shift == 63 && b > 1)
			break;
		result |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			if (b == 0 && shift > 0)
				break;
			*v = result;
			return NULL;
		}
	}
	return NUMBERING__VARINT_BAD;
}

/* A signed value as the unsigned one stored for it, and back. No implementation-
 * defined conversion: -1 is 1 and INT64_MIN is UINT64_MAX on every compiler. */
static inline uint64_t numbering__zigzag(int64_t v)
{
	uint64_t u = (uint64_t)v;
	return (u << 1) ^ (0 - (u >> 63));
}

static inline int64_t numbering__unzigzag(uint64_t v)
{
	uint64_t u = (v >> 1) ^ (0 - (v & 1));
	return u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
}

#endif
