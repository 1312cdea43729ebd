/*
 * A pool of random bytes per thread. libsodium's randombytes_buf() is a getrandom()
 * system call each time: a purchase draws two ids (the purchase's and its
 * instance's), and those two calls were 8% of its CPU time (perf, bench-purchase),
 * none of it visible to callgrind. A pool of 256 bytes, then 1 KiB, filled by
 * getrandom() left 2.5%, then 2.2% (the kernel's ChaCha20 and the call's entry): the
 * pool is now 4 KiB (256 ids) of libsodium's ChaCha20 stream from a 32-byte seed, one
 * getrandom() of 32 bytes a refill.
 *
 * fork() copies the pool into the child, which would hand out the ids its parent
 * hands out next: a handler run in the child moves a generation on, and a pool
 * filled in another generation is refilled before use.
 */
#include "core/random.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include <sodium.h>

struct pool {
	unsigned char bytes[NUMBERING__RANDOM_POOL];
	size_t used; /* NUMBERING__RANDOM_POOL: empty */
	unsigned generation;
};

static _Thread_local struct pool pool = {.used = NUMBERING__RANDOM_POOL};
static atomic_uint fork_generation;
static pthread_once_t fork_handler_once = PTHREAD_ONCE_INIT;

static void in_child(void)
{
	atomic_fetch_add_explicit(&fork_generation, 1, memory_order_relaxed);
}

static void add_fork_handler(void)
{
	/* If it cannot be registered, pooled bytes could repeat in a child: don't pool. */
	if (pthread_atfork(NULL, NULL, in_child) != 0)
		atomic_store_explicit(&fork_generation, 1u << 31, memory_order_relaxed);
}

void numbering__random_bytes(void *out, size_t len)
{
	if (len > NUMBERING__RANDOM_POOL / 4) {
		randombytes_buf(out, len);
		return;
	}
	unsigned generation = atomic_load_explicit(&fork_generation, memory_order_relaxed);
	if (pool.used + len > NUMBERING__RANDOM_POOL || pool.generation != generation) {
		/* Registered before the first fill, so no pool is ever filled unwatched. */
		pthread_once(&fork_handler_once, add_fork_handler);
		generation = atomic_load_explicit(&fork_generation, memory_order_relaxed);
		if (generation & (1u << 31)) {
			randombytes_buf(out, len);
			return;
		}
		unsigned char seed[randombytes_SEEDBYTES];
		randombytes_buf(seed, sizeof(seed));
		randombytes_buf_deterministic(pool.bytes, sizeof(pool.bytes), seed);
		sodium_memzero(seed, sizeof(seed));
		pool.used = 0;
		pool.generation = generation;
	}
	memcpy(out, pool.bytes + pool.used, len);
	/* Bytes handed out are not kept. */
	sodium_memzero(pool.bytes + pool.used, len);
	pool.used += len;
}

void numbering__random_discard(void)
{
	sodium_memzero(pool.bytes, sizeof(pool.bytes));
	pool.used = NUMBERING__RANDOM_POOL;
}
