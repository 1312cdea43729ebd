/**
 * @file numbering/stats.h
 * @brief A store's statistics for a host's monitoring: calls by method and status,
 *        resolve hits and misses, commit latency, the store's size and compactions.
 *
 * Counters start at 0 when the store opens and only grow while it is open (they are
 * not stored). Counting costs the hot paths one relaxed atomic add each: a resolve
 * adds to a counter of its reader slot (one per thread, numbering/store.h's lock), so
 * readers on different cores share no cache line. docs/OPERATIONS.md gives the
 * Prometheus metric names a host would export them under.
 */
#ifndef NUMBERING_STATS_H
#define NUMBERING_STATS_H

#include "common.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** How many bounds the commit latency histogram has (its last bucket, +Inf, not counted). */
#define NUMBERING_STATS_COMMIT_BUCKETS 19

/**
 * The upper bound of a bucket of the commit latency histogram, in nanoseconds: 1 us,
 * 2 us, 5 us, 10 us ... 1 s (1-2-5 steps).
 * @param[in] bucket 0 .. NUMBERING_STATS_COMMIT_BUCKETS - 1.
 * @return the bound; -1 for another @p bucket (the +Inf bucket has none).
 *
 * Thread safety: any thread.
 */
NUMBERING_EXTERN(int64_t) numbering_stats_commit_bucket_ns(int bucket);

/**
 * The store's statistics as one JSON object:
 * @code
 * {"calls":[{"method":"GetPhoneNumberInstance","status":"OK","count":12},...],
 *  "resolve":{"hit":1000,"miss":3,"error":1},
 *  "commits":{"count":40,"sumNs":812000,"maxNs":91000,
 *             "buckets":[{"leNs":1000,"count":0},...,{"leNs":null,"count":40}]},
 *  "store":{"backend":"file","records":52,"instances":40,"fileBytes":16384,
 *           "compactions":1,"lastCompactionTime":"2026-12-06T09:00:00.123456789Z"}}
 * @endcode
 * calls: the JSON methods called through numbering_store_call_json(), by method and
 * by the status they answered, in the order of the method table; only pairs called at
 * least once; a method the library does not know counts as "(unknown)". resolve: the
 * calls of numbering_store_resolve() (also those ResolvePhoneNumber makes) that found
 * an instance (hit), found none or were not allowed to see it (miss: NOT_FOUND), or
 * failed otherwise (error: a malformed number, a storage error). commits: every write
 * transaction committed, from the start of its commit until it is durable (the
 * backend's commit, and for a file store the group sync the write waits for): count,
 * sum and largest in nanoseconds, and the histogram's cumulative buckets
 * (numbering_stats_commit_bucket_ns(); the last, leNs null, is +Inf). store: the
 * backend ("memory", "file" or "other"), its live records and instances (when it
 * counts them), and for a file store its size (fileBytes), compactions since open and
 * the time of the last (null when none).
 * @param[out] out the JSON, freed with numbering_free(); NULL on failure.
 * @param[in] store the store.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT (NULL @p out or @p store);
 *         NUMBERING_RESOURCE_EXHAUSTED.
 *
 * Cost: asks the backend for its count of each record kind (under the store's read
 * lock, as any read) and reads the counters, which are not locked: calls and writes go
 * on beside it, so each number is exact but the set may straddle a call that ran
 * meanwhile.
 * Ownership: @p *out is the caller's. Thread safety: any thread, beside any call.
 */
NUMBERING_EXTERN(int) numbering_store_stats_json(char **out, numbering_store *store);

#ifdef __cplusplus
}
#endif

#endif
