/*
 * Shared by the libFuzzer targets and the corpus replay runner (replay-main.c).
 * Each target defines LLVMFuzzerTestOneInput() and nothing else global; libFuzzer
 * (clang, -fsanitize=fuzzer) or replay-main.c (any compiler) supplies main().
 */
#ifndef NUMBERING_FUZZ_H
#define NUMBERING_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/random.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property the library promises was broken: report it and abort, so libFuzzer
 * saves the input as a crash and the replay test fails. */
#define FUZZ_CHECK(cond)                                                                        \
	do {                                                                                    \
		if (!(cond)) {                                                                  \
			fprintf(stderr, "%s:%d: fuzz property failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                \
		}                                                                               \
	} while (0)

/* A NUL-terminated copy of the input (stopping at its first NUL, as a C caller's
 * string would), or NULL when out of memory. Free with free(). */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t len = nul ? (size_t)(nul - data) : size;
	char *s = malloc(len + 1);
	if (s != NULL) {
		if (len > 0)
			memcpy(s, data, len);
		s[len] = '\0';
	}
	return s;
}

/*
 * A deterministic libsodium random source, so store keys (page tokens) and generated
 * ids are the same in every run: a committed page token stays valid, and a crash
 * reproduces. fuzz_random_reset() restarts the stream (and empties the library's pool of
 * random bytes, core/random.h); call it before opening each
 * store. Installed by fuzz_random_install(), before anything calls sodium_init().
 */
static inline uint64_t *fuzz_random_counter(void)
{
	static uint64_t counter;
	return &counter;
}

static inline void fuzz_random_reset(void)
{
	*fuzz_random_counter() = 0;
	/* Ids come from a pool the library refills from this stream: empty it too. */
	numbering__random_discard();
}

static inline void fuzz_random_buf(void *buf, size_t size)
{
	unsigned char seed[randombytes_SEEDBYTES] = "libnumbering fuzz seed";
	uint64_t n = (*fuzz_random_counter())++;
	for (int i = 0; i < 8; i++)
		seed[randombytes_SEEDBYTES - 1 - i] = (unsigned char)(n >> (8 * i));
	randombytes_buf_deterministic(buf, size, seed);
}

static inline const char *fuzz_random_name(void)
{
	return "libnumbering-fuzz";
}

static inline uint32_t fuzz_random_u32(void)
{
	uint32_t v;
	fuzz_random_buf(&v, sizeof(v));
	return v;
}

static inline uint32_t fuzz_random_uniform(const uint32_t upper)
{
	return upper < 2 ? 0 : fuzz_random_u32() % upper;
}

static inline void fuzz_random_install(void)
{
	static randombytes_implementation impl = {
		fuzz_random_name, fuzz_random_u32, NULL, fuzz_random_uniform, fuzz_random_buf, NULL,
	};
	static int installed;
	if (!installed) {
		randombytes_set_implementation(&impl);
		installed = 1;
	}
}

#endif
