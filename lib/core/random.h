/* Random bytes for ids, drawn from libsodium's generator a block at a time. */
#ifndef NUMBERING_CORE_RANDOM_H
#define NUMBERING_CORE_RANDOM_H

#include <stddef.h>

/* Fills @out with @len random bytes. Up to NUMBERING__RANDOM_POOL / 4 bytes come from
 * this thread's pool: the ChaCha20 stream (randombytes_buf_deterministic()) of a
 * 32-byte seed drawn with randombytes_buf() at each refill; larger requests go
 * straight to randombytes_buf(). A child of fork() never hands out its parent's pooled
 * bytes. For ids and names, not keys: the pool holds the bytes it will hand out next. */
void numbering__random_bytes(void *out, size_t len);

/* Empties this thread's pool, so that the next bytes come from randombytes_buf()
 * (the fuzz targets' deterministic generator restarts its stream per input). */
void numbering__random_discard(void);

#define NUMBERING__RANDOM_POOL 4096

#endif
