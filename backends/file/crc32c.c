/*
 * CRC-32C (Castagnoli, as iSCSI, ext4 and LevelDB use it): the SSE 4.2 instruction
 * where the CPU has it, else slicing-by-8 tables.
 */
#include <stdint.h>
#include <string.h>

#include "file-io.h"

static uint32_t table[8][256];
static int table_ready;

static void make_table(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
		table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			table[t][i] = (table[t - 1][i] >> 8) ^ table[0][table[t - 1][i] & 0xff];
	__atomic_store_n(&table_ready, 1, __ATOMIC_RELEASE);
}

/* Apart (never inlined), so that numbering__crc32c()'s path to the instruction saves
 * no register. */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline))
#endif
static uint32_t crc_soft(uint32_t crc, const uint8_t *p, size_t len)
{
	if (!__atomic_load_n(&table_ready, __ATOMIC_ACQUIRE))
		make_table(); /* idempotent: racing threads write the same values */
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (len >= 8) {
		uint64_t v;
		memcpy(&v, p, 8);
		v ^= crc;
		crc = table[7][v & 0xff] ^ table[6][(v >> 8) & 0xff] ^ table[5][(v >> 16) & 0xff] ^
		      table[4][(v >> 24) & 0xff] ^ table[3][(v >> 32) & 0xff] ^ table[2][(v >> 40) & 0xff] ^
		      table[1][(v >> 48) & 0xff] ^ table[0][v >> 56];
		p += 8;
		len -= 8;
	}
#endif
	while (len-- > 0)
		crc = (crc >> 8) ^ table[0][(crc ^ *p++) & 0xff];
	return crc;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
/* The CRC of @len bytes at @p, continuing from @crc: both ends inverted here, so that
 * numbering__crc32c() ends in a jump to it, not a call (a shared resolve takes one per
 * record read and one per slot met). */
__attribute__((target("sse4.2"))) static uint32_t crc_hard(uint32_t crc, const uint8_t *p, size_t len)
{
	uint64_t c = ~crc;
	while (len >= 8) {
		uint64_t v;
		memcpy(&v, p, 8);
		c = __builtin_ia32_crc32di(c, v);
		p += 8;
		len -= 8;
	}
	/* The tail in at most three steps (a record's check value: a few tens of bytes). */
	uint32_t c32 = (uint32_t)c;
	if (len & 4) {
		uint32_t v;
		memcpy(&v, p, 4);
		c32 = __builtin_ia32_crc32si(c32, v);
		p += 4;
	}
	if (len & 2) {
		uint16_t v;
		memcpy(&v, p, 2);
		c32 = __builtin_ia32_crc32hi(c32, v);
		p += 2;
	}
	if (len & 1)
		c32 = __builtin_ia32_crc32qi(c32, *p);
	return ~c32;
}

static int sse42_state; /* 0 unknown, 1 no, 2 yes */

/* Asks the CPU once; apart, so that the callers' fast path saves no register. */
static __attribute__((noinline, cold)) int sse42_probe(void)
{
	__builtin_cpu_init();
	int s = __builtin_cpu_supports("sse4.2") ? 2 : 1;
	__atomic_store_n(&sse42_state, s, __ATOMIC_RELAXED);
	return s;
}

static inline int have_sse42(void)
{
	int s = __atomic_load_n(&sse42_state, __ATOMIC_RELAXED);
	if (s == 0)
		s = sse42_probe();
	return s == 2;
}
#endif

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
__attribute__((target("sse4.2"))) static uint32_t crc_hard4(uint32_t crc, uint64_t a, uint64_t b, uint64_t c,
                                                             uint64_t d)
{
	uint64_t x = __builtin_ia32_crc32di(~crc, a);
	x = __builtin_ia32_crc32di(x, b);
	x = __builtin_ia32_crc32di(x, c);
	return ~(uint32_t)__builtin_ia32_crc32di(x, d);
}

#endif

/* Apart, as crc_soft(); only reached without SSE 4.2, so straight to the table. */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline))
#endif
static uint32_t crc_soft4(uint32_t crc, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	uint64_t w[4] = {a, b, c, d};
	return ~crc_soft(~crc, (const uint8_t *)w, sizeof(w));
}

uint32_t numbering__crc32c_words4(uint32_t crc, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
	if (have_sse42())
		return crc_hard4(crc, a, b, c, d);
#endif
	return crc_soft4(crc, a, b, c, d);
}

void numbering__crc32c_use_table(int on)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
	__atomic_store_n(&sse42_state, on ? 1 : 0, __ATOMIC_RELAXED);
#else
	(void)on; /* the table is the only path */
#endif
}

uint32_t numbering__crc32c(uint32_t crc, const void *data, size_t len)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
	if (have_sse42())
		return crc_hard(crc, data, len);
#endif
	return ~crc_soft(~crc, data, len);
}
