/**
 * @file numbering/list.h
 * @brief ListPhoneNumberInstances: a request object, the list call and the page it returns.
 *
 * A list request is built with setters, then passed to numbering_store_list(), which
 * returns one page of a project's instances, newest first, and a token for the next.
 *
 * Thread safety: a request or a page is not shared between threads while one of them
 * changes it; distinct objects may be used by distinct threads at once, and a page may
 * be read by several threads at once. numbering_store_list() may run beside every other
 * store call.
 */
#ifndef NUMBERING_LIST_H
#define NUMBERING_LIST_H

#include "common.h"
#include "instance.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What to list (parent, page size, page token, filters): opaque, the caller's. */
typedef struct numbering_list_request numbering_list_request;
/** One page of a listing: opaque, the caller's, freed with numbering_list_page_free(). */
typedef struct numbering_list_page numbering_list_page;

/**
 * Allocates an empty list request (no parent, default page size, no filter).
 * @param[out] out the request, freed with numbering_list_request_free(); NULL on failure.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT when @p out is NULL;
 *         NUMBERING_RESOURCE_EXHAUSTED.
 *
 * Ownership: @p *out is the caller's. Thread safety: callable from any thread.
 */
NUMBERING_EXTERN(int) numbering_list_request_new(numbering_list_request **out);

/**
 * Frees @p request and the text it holds. NULL is a no-op.
 * @param[in] request the request, or NULL.
 *
 * Ownership: takes @p request.
 * Thread safety: no other thread may be using @p request.
 */
NUMBERING_EXTERN(void) numbering_list_request_free(numbering_list_request *request);

/**
 * Sets the project to list, "projects/{project}". Validated by numbering_store_list()
 * (NUMBERING_INVALID_ARGUMENT naming "parent"), not here.
 * @param[in] request the request.
 * @param[in] parent the project; copied. NULL clears it.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT when @p request is NULL;
 *         NUMBERING_RESOURCE_EXHAUSTED.
 *
 * Ownership: @p parent is copied; the caller keeps it.
 * Thread safety: no other thread may be using @p request.
 */
NUMBERING_EXTERN(int) numbering_list_request_set_parent(numbering_list_request *request, const char *parent);

/**
 * Sets how many instances a page holds: 0 for the default (10); above 100 is coerced
 * to 100; a negative size makes numbering_store_list() NUMBERING_INVALID_ARGUMENT.
 * @param[in] request the request.
 * @param[in] page_size the page size.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT when @p request is NULL.
 *
 * Ownership: nothing allocated.
 * Thread safety: no other thread may be using @p request.
 */
NUMBERING_EXTERN(int) numbering_list_request_set_page_size(numbering_list_request *request, int page_size);

/**
 * Sets where the page starts: a token from numbering_list_page_next_token() of the
 * previous page, or NULL (or "") for the first page. A token is valid only with the
 * parent and filters it was made with, in the store that made it.
 * @param[in] request the request.
 * @param[in] token the token, or NULL.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT when @p request is NULL;
 *         NUMBERING_RESOURCE_EXHAUSTED.
 *
 * Ownership: @p token is copied; the caller keeps it.
 * Thread safety: no other thread may be using @p request.
 */
NUMBERING_EXTERN(int) numbering_list_request_set_page_token(numbering_list_request *request, const char *token);

/**
 * Filters by a prefix of the number, in E.164 ("+6125") or national 0NSN form ("025",
 * read in the request's region): an instance is listed when one of its numbers starts
 * with it. NULL or "" lists every number.
 * @param[in] request the request.
 * @param[in] prefix the prefix; validated by numbering_store_list()
 *            (NUMBERING_INVALID_ARGUMENT naming "prefix").
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT when @p request is NULL;
 *         NUMBERING_RESOURCE_EXHAUSTED.
 *
 * Ownership: @p prefix is copied; the caller keeps it.
 * Thread safety: no other thread may be using @p request.
 */
NUMBERING_EXTERN(int) numbering_list_request_set_prefix(numbering_list_request *request, const char *prefix);

/**
 * Whether deleted instances are listed too (non-zero), or not (0, the default).
 * @param[in] request the request.
 * @param[in] include non-zero to list deleted instances too.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT when @p request is NULL.
 *
 * Ownership: nothing allocated.
 * Thread safety: no other thread may be using @p request.
 */
NUMBERING_EXTERN(int) numbering_list_request_set_include_deleted(numbering_list_request *request, int include);

/**
 * Sets the region a 0NSN prefix is read in (e.g. "AU"), or NULL for the store's default.
 * @param[in] request the request.
 * @param[in] region an ISO 3166 alpha-2 region, or NULL.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT when @p request is NULL;
 *         NUMBERING_RESOURCE_EXHAUSTED.
 *
 * Ownership: @p region is copied; the caller keeps it.
 * Thread safety: no other thread may be using @p request.
 */
NUMBERING_EXTERN(int) numbering_list_request_set_region(numbering_list_request *request, const char *region);

/**
 * Lists the parent's instances, newest first (create_time descending).
 * @param[out] out the page, freed with numbering_list_page_free(); NULL on failure.
 * @param[in] store the store.
 * @param[in] caller the principal the permission check sees (list on the parent), or NULL.
 * @param[in] request the parent, page and filters; only read.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT for a NULL argument, a malformed
 *         parent or prefix, a negative page size, or a forged, altered or foreign page
 *         token, or one used with a different parent or filter;
 *         NUMBERING_PERMISSION_DENIED; NUMBERING_RESOURCE_EXHAUSTED; or a storage error
 *         (NUMBERING_UNAVAILABLE, NUMBERING_DATA_LOSS, NUMBERING_INTERNAL).
 *
 * Ownership: @p *out is the caller's, with every instance in it; @p request stays the
 * caller's. Lifetime: the page does not depend on the store (it outlives its close).
 * Thread safety: any thread, in parallel with other reads of the store; @p request
 * may be shared by threads that only list with it.
 */
NUMBERING_EXTERN(int) numbering_store_list(numbering_list_page **out, numbering_store *store, const char *caller,
                                           const numbering_list_request *request);

/**
 * Frees @p page and every instance it holds. NULL is a no-op.
 * @param[in] page the page, or NULL.
 *
 * Ownership: takes @p page. Lifetime: instances and the token read from it are
 * invalid after it.
 * Thread safety: no other thread may be using @p page.
 */
NUMBERING_EXTERN(void) numbering_list_page_free(numbering_list_page *page);

/**
 * How many instances @p page holds.
 * @param[in] page the page, or NULL.
 * @return 0 .. the page size; 0 for NULL. Sets no error.
 *
 * Thread safety: a page is only read by its getters; any number of threads may read it.
 */
NUMBERING_EXTERN(int) numbering_list_page_count(const numbering_list_page *page);

/**
 * Instance @p i of the page, newest first.
 * @param[in] page the page, or NULL.
 * @param[in] i 0 .. numbering_list_page_count() - 1.
 * @return a pointer owned by the page, valid until numbering_list_page_free(); never
 *         pass it to numbering_instance_free() (copy it with numbering_instance_copy()
 *         to keep it). NULL when @p page is NULL or @p i is out of range. Sets no error.
 *
 * Ownership: the page's. Lifetime: until numbering_list_page_free().
 * Thread safety: any number of threads may read a page.
 */
NUMBERING_EXTERN(const numbering_instance *) numbering_list_page_instance(const numbering_list_page *page, int i);

/**
 * The token for the next page, "" on the last page (and for NULL).
 * @param[in] page the page, or NULL.
 * @return a string owned by the page, valid until numbering_list_page_free(). Sets no
 *         error.
 *
 * Ownership: the page's; do not free it. Lifetime: until numbering_list_page_free().
 * Thread safety: any number of threads may read a page.
 */
NUMBERING_EXTERN(const char *) numbering_list_page_next_token(const numbering_list_page *page);

#ifdef __cplusplus
}
#endif

#endif
