/*
 * The timing helpers bench programs share: the clocks, a reproducible random
 * sequence, medians, and a batch calibrated to last about 0.15 s. Header-only, as
 * report.h: each program is one translation unit, and includes it once.
 */
#ifndef NUMBERING_BENCH_TIMING_H
#define NUMBERING_BENCH_TIMING_H

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

/* The clock of the timed operations: wall time, or with --clock cpu the thread's CPU
 * time, which a machine busy with other work does not inflate by the time the
 * benchmark waits for a core (both sides run on this thread, in turns). */
static clockid_t g_op_clock = CLOCK_MONOTONIC;

static inline double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Wall time, for what is not an operation (loads, whole runs). */
static inline double now_s(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

static inline double op_now_s(void)
{
	return clock_s(g_op_clock);
}

/* xorshift64: the same sequence every run, so both sides get the same keys. */
static uint64_t rng_state = UINT64_C(0x9e3779b97f4a7c15);

static inline uint64_t rng(void)
{
	uint64_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The median of @v[0 .. n) (sorted in place). */
static inline double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A timed operation: does @count operations starting at operation @start. */
typedef void (*batch_fn)(void *ctx, uint64_t start, uint64_t count);

/* Operations a run of @fn takes to last about 0.15 s, trying @count first and four
 * times as many until a try lasts 20 ms; @next counts operations done. */
static inline uint64_t calibrate_from(batch_fn fn, void *ctx, uint64_t *next, uint64_t count)
{
	for (;;) {
		double t0 = op_now_s();
		fn(ctx, *next, count);
		*next += count;
		double s = op_now_s() - t0;
		if (s >= 0.02)
			return (uint64_t)((double)count * 0.15 / s) + 1;
		count *= 4;
	}
}

#endif
