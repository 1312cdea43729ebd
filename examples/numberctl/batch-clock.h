/*
 * The store's clock in numberctl (batch-clock.c): the real clock, or the fake one of
 * NUMBERING_FAKE_CLOCK (fixed within a batch line, one second per line), moved forward
 * by the "time" of batch lines.
 *
 * A batch line's "time" (RFC 3339) sets the clock to that time for the line; later
 * lines read on from there as the underlying clock advances (the offset stays), so the
 * clock never goes back: a "time" before its current reading is refused.
 */
#ifndef NUMBERCTL_BATCH_CLOCK_H
#define NUMBERCTL_BATCH_CLOCK_H

#include <stdint.h>

struct batch_clock {
	int fake;       /* 1: NUMBERING_FAKE_CLOCK's start + line seconds; 0: the real clock */
	int64_t start;  /* the fake clock's reading at line 1, ns since the Unix epoch */
	int64_t line;   /* the fake clock's line, 0 for the first */
	int64_t offset; /* added to the underlying clock by "time" lines; never negative */
};

/* Bytes batch_clock_format() writes at most, NUL included. */
#define BATCH_CLOCK_TEXT_SIZE 40

/* The clock's reading, ns since the Unix epoch: numbering_options.clock, with the
 * struct batch_clock as its payload. */
int64_t batch_clock_now(void *payload);

/* Parses RFC 3339 ("2026-03-01T00:00:00Z", "2026-03-01T09:30:00.5+09:30") into ns since
 * the Unix epoch, within the times a store records (1678 .. 2261). Returns 0, or -1
 * with *why saying what is wrong. */
int batch_clock_parse(int64_t *ns, const char *text, const char **why);

/* Writes @ns as RFC 3339 UTC ("2026-03-01T00:00:00Z", fractions when there are any). */
void batch_clock_format(char buf[BATCH_CLOCK_TEXT_SIZE], int64_t ns);

/* Sets the clock to @ns from now on (the underlying clock advancing from there).
 * Returns 0, or -1 when @ns is before the current reading (left unchanged). */
int batch_clock_set(struct batch_clock *clock, int64_t ns);

#endif
