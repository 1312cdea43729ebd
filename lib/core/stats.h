/*
 * A store's counters (numbering/stats.h). Every update is one relaxed atomic add (or a
 * compare-and-swap for a maximum), so readers (numbering_store_stats_json) and updaters
 * on other threads never race; resolve counters are striped by the reader slot of the
 * store's lock (one per thread), so resolving threads share no cache line.
 */
#ifndef NUMBERING_CORE_STATS_H
#define NUMBERING_CORE_STATS_H

#include <stdint.h>

#include "core/rwlock.h"
#include "numbering/stats.h"

#define NUMBERING__STATS_STRIPES NUMBERING__RWLOCK_SLOTS
/* Method slots: lib/json/call.c's tables, and one for a method it does not know
 * (call.c asserts its tables fit). */
#define NUMBERING__STATS_METHODS 192
/* Status codes 0 .. NUMBERING_UNAUTHENTICATED (16). */
#define NUMBERING__STATS_STATUSES 17

#define NUMBERING__RESOLVE_HIT 0
#define NUMBERING__RESOLVE_MISS 1
#define NUMBERING__RESOLVE_ERROR 2

/* 128 bytes apart, as the lock's slots are. */
struct numbering__stats_stripe {
	int64_t resolve[3];
	char pad[128 - 3 * sizeof(int64_t)];
};

struct numbering__stats {
	struct numbering__stats_stripe stripes[NUMBERING__STATS_STRIPES];
	int64_t calls[NUMBERING__STATS_METHODS][NUMBERING__STATS_STATUSES];
	int64_t commits, commit_sum_ns, commit_max_ns;
	int64_t commit_buckets[NUMBERING_STATS_COMMIT_BUCKETS + 1]; /* not cumulative; the last is +Inf */
	int64_t compactions;           /* seen through the backend's log records */
	int64_t last_compaction_ns;    /* real time, 0: none since open */
};

static inline void numbering__stats_add(int64_t *counter, int64_t n)
{
	__atomic_fetch_add(counter, n, __ATOMIC_RELAXED);
}

static inline int64_t numbering__stats_get(const int64_t *counter)
{
	return __atomic_load_n(counter, __ATOMIC_RELAXED);
}

/* A resolve's outcome (NUMBERING__RESOLVE_*) on the stripe of reader slot @slot. */
static inline void numbering__stats_resolve(struct numbering__stats *stats, unsigned slot, int result)
{
	numbering__stats_add(&stats->stripes[slot % NUMBERING__STATS_STRIPES].resolve[result], 1);
}

/* A JSON call of method slot @method that answered @status. */
void numbering__stats_call(struct numbering__stats *stats, int method, int status);

/* A commit that took @ns until durable. */
void numbering__stats_commit(struct numbering__stats *stats, int64_t ns);

/* A compaction that ended at @when_ns (real time). */
void numbering__stats_compacted(struct numbering__stats *stats, int64_t when_ns);

/* The resolve outcomes summed over the stripes: out[NUMBERING__RESOLVE_*]. */
void numbering__stats_resolve_totals(const struct numbering__stats *stats, int64_t out[3]);

/* CLOCK_MONOTONIC in nanoseconds. */
int64_t numbering__stats_now(void);

#endif
