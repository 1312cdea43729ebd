/**
 * @file numbering/resolve.h
 * @brief Resolve: which instance owns a dialed number. The per-call hot path.
 *
 * The caller owns a reusable result object: once it has grown to the largest
 * instance it held, numbering_store_resolve() allocates nothing.
 *
 * Thread safety: numbering_store_resolve() runs in parallel with other reads of the
 * store. A result object belongs to one thread at a time (one per thread, reused).
 */
#ifndef NUMBERING_RESOLVE_H
#define NUMBERING_RESOLVE_H

#include "common.h"
#include "instance.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The result of a resolve: opaque, reusable, the caller's. */
typedef struct numbering_resolution numbering_resolution;

/**
 * Allocates an empty, reusable result object.
 * @param[out] out the object, freed with numbering_resolution_free(); NULL on failure.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT when @p out is NULL;
 *         NUMBERING_RESOURCE_EXHAUSTED.
 *
 * Ownership: @p *out is the caller's. Thread safety: callable from any thread.
 */
NUMBERING_EXTERN(int) numbering_resolution_new(numbering_resolution **out);

/**
 * Frees @p resolution and what it holds. NULL is a no-op.
 * @param[in] resolution the object, or NULL.
 *
 * Ownership: takes @p resolution. Lifetime: the instance and strings read from it are
 * invalid after it.
 * Thread safety: no other thread may be using @p resolution.
 */
NUMBERING_EXTERN(void) numbering_resolution_free(numbering_resolution *resolution);

/**
 * Finds the non-deleted instance that owns @p phone_number (a number inside a range
 * included) and fills @p out with it.
 * @param[out] out the caller's reusable result object; on failure its previous
 *             contents are no longer meaningful.
 * @param[in] store the store.
 * @param[in] caller the principal the permission check sees, or NULL.
 * @param[in] phone_number the dialed number, in any form numbering_e164_parse() accepts.
 * @param[in] region for a national number, or NULL for the store's default.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT (a NULL argument, or not a number);
 *         NUMBERING_NOT_FOUND when nobody owns it or the caller may not resolve in the
 *         owning project (so the answer leaks nothing); NUMBERING_RESOURCE_EXHAUSTED
 *         while the object grows; or a storage error.
 *
 * Ownership: @p out stays the caller's; the library fills it, reusing its memory.
 * Lifetime: what was read from @p out before the call is invalid after it.
 * Thread safety: any thread, in parallel with other reads of the store; one
 * resolution object per thread.
 */
NUMBERING_EXTERN(int) numbering_store_resolve(numbering_resolution *out, numbering_store *store, const char *caller,
                                              const char *phone_number, const char *region);

/**
 * The owning instance found by the last successful numbering_store_resolve().
 * @param[in] resolution the object, or NULL.
 * @return a pointer owned by @p resolution, valid until it is reused or freed; never
 *         pass it to numbering_instance_free(). NULL for NULL. Sets no error.
 *
 * Ownership: @p resolution's. Lifetime: until it is reused or freed.
 * Thread safety: no other thread may be writing @p resolution.
 */
NUMBERING_EXTERN(const numbering_instance *) numbering_resolution_instance(const numbering_resolution *resolution);

/**
 * The dialed number of the last successful resolve, in +E164.
 * @param[in] resolution the object, or NULL.
 * @return a string owned by @p resolution, valid until it is reused or freed; "" for
 *         NULL. Sets no error.
 *
 * Ownership: @p resolution's. Lifetime: until it is reused or freed.
 * Thread safety: no other thread may be writing @p resolution.
 */
NUMBERING_EXTERN(const char *) numbering_resolution_phone_number(const numbering_resolution *resolution);

#ifdef __cplusplus
}
#endif

#endif
