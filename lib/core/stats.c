/* A store's counters (core/stats.h). */
#include <time.h>

#include "core/stats.h"
#include "numbering/errors.h"

/* 1-2-5 steps from 1 us to 1 s, in nanoseconds. */
static const int64_t bucket_ns[NUMBERING_STATS_COMMIT_BUCKETS] = {
	1000,     2000,     5000,      10000,     20000,     50000,      100000,
	200000,   500000,   1000000,   2000000,   5000000,   10000000,   20000000,
	50000000, 100000000, 200000000, 500000000, 1000000000,
};

int64_t numbering_stats_commit_bucket_ns(int bucket)
{
	return bucket >= 0 && bucket < NUMBERING_STATS_COMMIT_BUCKETS ? bucket_ns[bucket] : -1;
}

void numbering__stats_call(struct numbering__stats *stats, int method, int status)
{
	if (method < 0 || method >= NUMBERING__STATS_METHODS)
		return;
	if (status < 0 || status >= NUMBERING__STATS_STATUSES)
		status = NUMBERING_INTERNAL;
	numbering__stats_add(&stats->calls[method][status], 1);
}

void numbering__stats_commit(struct numbering__stats *stats, int64_t ns)
{
	if (ns < 0)
		ns = 0;
	int b = 0;
	while (b < NUMBERING_STATS_COMMIT_BUCKETS && ns > bucket_ns[b])
		b++;
	numbering__stats_add(&stats->commit_buckets[b], 1);
	numbering__stats_add(&stats->commit_sum_ns, ns);
	numbering__stats_add(&stats->commits, 1);
	int64_t max = numbering__stats_get(&stats->commit_max_ns);
	while (ns > max &&
	       !__atomic_compare_exchange_n(&stats->commit_max_ns, &max, ns, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

void numbering__stats_compacted(struct numbering__stats *stats, int64_t when_ns)
{
	numbering__stats_add(&stats->compactions, 1);
	__atomic_store_n(&stats->last_compaction_ns, when_ns, __ATOMIC_RELAXED);
}

void numbering__stats_resolve_totals(const struct numbering__stats *stats, int64_t out[3])
{
	for (int r = 0; r < 3; r++) {
		out[r] = 0;
		for (int s = 0; s < NUMBERING__STATS_STRIPES; s++)
			out[r] += numbering__stats_get(&stats->stripes[s].resolve[r]);
	}
}

int64_t numbering__stats_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
