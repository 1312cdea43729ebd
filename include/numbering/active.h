/**
 * @file numbering/active.h
 * @brief Active numbers: a project's numbers as the Sinch seed shows them, with their
 *        price, billing dates, SMS and voice configuration and callback URL.
 *
 * Every live phone number instance of a project is an active number, shown under its
 * first number (a range once). A number rented from the inventory
 * (numbering_store_rent()) also keeps what it was rented with: its monthly price,
 * payment interval, next charge date, and the inventory attributes it returns with
 * when its release takes effect. Configuration (the SMS service plan and campaign, the
 * voice app, the callback URL) is set when renting and by
 * numbering_store_update_active(); attributes are read by their JSON paths in the
 * seed ("smsConfiguration.servicePlanId", "voiceConfiguration.appId" ...; docs/SINCH.md
 * lists them).
 *
 * Releasing cancels the subscription: the number keeps routing until its next charge
 * date (expireAt), when its instance becomes DELETED and the number returns to the
 * inventory. That happens with the store's clock, in numbering_store_process_due(),
 * which every active-number call runs first: no thread is needed.
 *
 * Thread safety: an object is not shared between threads while one of them changes it;
 * the store calls may run beside every other store call.
 */
#ifndef NUMBERING_ACTIVE_H
#define NUMBERING_ACTIVE_H

#include "common.h"
#include "instance.h"
#include "inventory.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One active number: opaque, the caller's, freed with numbering_active_number_free(). */
typedef struct numbering_active_number numbering_active_number;
/** What a rent or an update sets: opaque, the caller's. */
typedef struct numbering_active_request numbering_active_request;
/** A page of active numbers: opaque, the caller's. */
typedef struct numbering_active_page numbering_active_page;

/** @name Scheduled provisioning status (the ".status" attributes) */
/**@{*/
#define NUMBERING_PROVISIONING_NONE 0        /**< nothing scheduled */
#define NUMBERING_PROVISIONING_WAITING 1     /**< scheduled, not started */
#define NUMBERING_PROVISIONING_IN_PROGRESS 2 /**< claimed by the host */
#define NUMBERING_PROVISIONING_FAILED 3      /**< the host reported a failure */
/**@}*/

/**
 * Frees @p number. NULL is a no-op.
 * @param[in] number the object, or NULL.
 *
 * Ownership: takes @p number. Thread safety: no other thread may be using it.
 */
NUMBERING_EXTERN(void) numbering_active_number_free(numbering_active_number *number);

/**
 * The number's instance (name, number, display name, state ...).
 * @param[in] number the object, or NULL.
 * @return an instance owned by @p number, valid until it is freed; NULL for NULL.
 *         Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(const numbering_instance *) numbering_active_number_instance(const numbering_active_number *number);

/**
 * The number's project id, "p" of "projects/p"; "" for NULL.
 * @param[in] number the object, or NULL.
 * @return a string owned by @p number. Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(const char *) numbering_active_number_project_id(const numbering_active_number *number);

/**
 * The inventory attributes the number was rented with (price, payment interval,
 * region code, type ...), for a number rented from the inventory; NULL otherwise.
 * @param[in] number the object, or NULL.
 * @return an object owned by @p number, valid until it is freed. Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(const numbering_available_number *) numbering_active_number_stock(
	const numbering_active_number *number);

/**
 * A text attribute by its JSON path ("callbackUrl", "smsConfiguration.servicePlanId",
 * "smsConfiguration.campaignId", "voiceConfiguration.appId", and the
 * ".scheduledProvisioning" / ".scheduledVoiceProvisioning" ones); "" when unset,
 * unknown, or for NULL.
 * @param[in] number the object, or NULL.
 * @param[in] attribute the path.
 * @return a string owned by @p number. Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(const char *) numbering_active_number_text(const numbering_active_number *number,
                                                            const char *attribute);

/**
 * An integer or time attribute by its JSON path: times ("nextChargeDate", "expireAt",
 * "rentTime", the ".lastUpdatedTime" ones) in nanoseconds since the epoch, 0 when
 * unset; statuses (".status") as NUMBERING_PROVISIONING_*. 0 for an unknown path or NULL.
 * @param[in] number the object, or NULL.
 * @param[in] attribute the path.
 * @return the value. Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(int64_t) numbering_active_number_int(const numbering_active_number *number, const char *attribute);

/**
 * Allocates an empty request: it changes nothing.
 * @param[out] out the request, freed with numbering_active_request_free().
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT; NUMBERING_RESOURCE_EXHAUSTED.
 *
 * Thread safety: callable from any thread.
 */
NUMBERING_EXTERN(int) numbering_active_request_new(numbering_active_request **out);

/**
 * Frees a request. NULL is a no-op.
 * @param[in] request the request, or NULL.
 *
 * Ownership: takes @p request. Thread safety: no other thread may be using it.
 */
NUMBERING_EXTERN(void) numbering_active_request_free(numbering_active_request *request);

/**
 * Sets what the request changes, by JSON path: "displayName", "callbackUrl",
 * "smsConfiguration.servicePlanId", "smsConfiguration.campaignId",
 * "voiceConfiguration.appId". "" unlinks (the SMS plan or campaign, the voice app) or
 * clears; an attribute never set is left as it is.
 * @param[in] request the request.
 * @param[in] attribute the path.
 * @param[in] value the value; copied. NULL means "" .
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming the attribute (unknown, or a
 *         bad value: a callback URL that is not http or https, text with control
 *         characters, too long); NUMBERING_RESOURCE_EXHAUSTED.
 *
 * Thread safety: no other thread may be using @p request.
 */
NUMBERING_EXTERN(int) numbering_active_request_set(numbering_active_request *request, const char *attribute,
                                                   const char *value);

/**
 * Rents one available number (RentNumber): in one transaction the number leaves the
 * inventory and becomes a single-number instance of @p project, ACTIVE (PENDING when
 * the number needs supporting documents), with the request's configuration and the
 * number's price and billing dates: the next charge date is the rent time plus the
 * payment interval in calendar months, on the same day or the month's last.
 * @param[out] out the active number, the caller's; NULL on failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.availableNumbers.rent on @p project.
 * @param[in] project "projects/{project}".
 * @param[in] phone_number the number, E.164 with '+'.
 * @param[in] request the configuration, or NULL for none.
 * @return NUMBERING_OK; NUMBERING_NOT_FOUND when the number is not available;
 *         NUMBERING_INVALID_ARGUMENT naming "phoneNumber", "projectId" or the
 *         configuration ("smsConfiguration" for a number without SMS,
 *         "smsConfiguration.campaignId" outside the US ...);
 *         NUMBERING_PERMISSION_DENIED; NUMBERING_RESOURCE_EXHAUSTED (max_instances);
 *         the backend's errors. On failure nothing changed.
 *
 * Thread safety: the store serializes writers.
 */
NUMBERING_EXTERN(int) numbering_store_rent(numbering_active_number **out, numbering_store *store, const char *caller,
                                           const char *project, const char *phone_number,
                                           const numbering_active_request *request);

/**
 * Rents the lowest available number that matches @p query (RentAnyNumber), as
 * numbering_store_rent() does; @p query's size is ignored.
 * @param[out] out the active number, the caller's; NULL on failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.availableNumbers.rent on @p project.
 * @param[in] project "projects/{project}".
 * @param[in] query what to find, as numbering_store_search_available() takes it.
 * @param[in] request the configuration, or NULL for none.
 * @return as numbering_store_rent(), and NUMBERING_NOT_FOUND when no number matches;
 *         NUMBERING_INVALID_ARGUMENT as numbering_store_search_available().
 *
 * Thread safety: the store serializes writers.
 */
NUMBERING_EXTERN(int) numbering_store_rent_any(numbering_active_number **out, numbering_store *store,
                                               const char *caller, const char *project,
                                               const numbering_available_query *query,
                                               const numbering_active_request *request);

/**
 * One active number (GetActiveNumber): the live instance of @p project holding the
 * number, shown under its first number.
 * @param[out] out the active number, the caller's; NULL on failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.activeNumbers.get on @p project.
 * @param[in] project "projects/{project}".
 * @param[in] phone_number the number, E.164 with '+'.
 * @return NUMBERING_OK; NUMBERING_NOT_FOUND when no live instance of @p project holds
 *         the number (another project's number is NOT_FOUND too);
 *         NUMBERING_INVALID_ARGUMENT; NUMBERING_PERMISSION_DENIED; the backend's errors.
 *
 * Thread safety: runs beside every other store call.
 */
NUMBERING_EXTERN(int) numbering_store_get_active(numbering_active_number **out, numbering_store *store,
                                                 const char *caller, const char *project, const char *phone_number);

/**
 * Changes what @p request sets of an active number (UpdateActiveNumber). Linking an SMS
 * service plan or campaign while one is linked is FAILED_PRECONDITION: unlink ("") first.
 * @param[out] out the number after the change, the caller's; NULL on failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.activeNumbers.update on @p project.
 * @param[in] project "projects/{project}".
 * @param[in] phone_number the number, E.164 with '+'.
 * @param[in] request what to change.
 * @return NUMBERING_OK; NUMBERING_NOT_FOUND as numbering_store_get_active();
 *         NUMBERING_FAILED_PRECONDITION (a number inside a range: split it first; a
 *         plan or campaign linked already; a released number); NUMBERING_INVALID_ARGUMENT;
 *         NUMBERING_PERMISSION_DENIED; the backend's errors. On failure nothing changed.
 *
 * Thread safety: the store serializes writers.
 */
NUMBERING_EXTERN(int) numbering_store_update_active(numbering_active_number **out, numbering_store *store,
                                                    const char *caller, const char *project,
                                                    const char *phone_number,
                                                    const numbering_active_request *request);

/**
 * Releases an active number (ReleaseNumber): cancels its subscription. The number keeps
 * routing until expireAt, its next charge date (now, for a number without one), when
 * its instance becomes DELETED and, if it came from the inventory, it returns there.
 * @param[out] out the number with its expireAt, the caller's; NULL on failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.activeNumbers.release on @p project.
 * @param[in] project "projects/{project}".
 * @param[in] phone_number the number, E.164 with '+'.
 * @return as numbering_store_update_active(); releasing twice is FAILED_PRECONDITION.
 *
 * Thread safety: the store serializes writers.
 */
NUMBERING_EXTERN(int) numbering_store_release_active(numbering_active_number **out, numbering_store *store,
                                                     const char *caller, const char *project,
                                                     const char *phone_number);

/**
 * Carries out what is due at the store's clock: releases whose expireAt has come, and
 * attached numbers whose verification hold (unverified_hold_until, numbering/phone.h)
 * ended before they were VERIFIED, which are cancelled back to the inventory.
 * Every active-number call runs it first; a host may also call it from a timer.
 * @param[out] processed how many releases took effect and held numbers were
 *            cancelled; may be NULL.
 * @param[in] store the store.
 * @return NUMBERING_OK; the backend's errors.
 *
 * Thread safety: the store serializes writers.
 */
NUMBERING_EXTERN(int) numbering_store_process_due(int64_t *processed, numbering_store *store);

/** @name Active number orders (numbering_active_query.order_by) */
/**@{*/
#define NUMBERING_ACTIVE_ORDER_PHONE_NUMBER 0 /**< by number: digit count, then value */
#define NUMBERING_ACTIVE_ORDER_DISPLAY_NAME 1 /**< by display name (bytes), then number */
/**@}*/

/** What ListActiveNumbers asks for. */
typedef struct numbering_active_query {
	/** NUMBERING_ACTIVE_QUERY_VERSION. */
	unsigned int version;
	/* Version 1 fields. */
	/** Required: the region, ISO 3166-1 alpha-2. */
	const char *region_code;
	/** Required: a numbering_number_type. */
	int type;
	/** Digits to match, or NULL; as numbering_available_query. */
	const char *pattern;
	/** NUMBERING_SEARCH_*. */
	int search_pattern;
	/** NUMBERING_CAPABILITY_* flags every result must have (0: any). */
	int capabilities;
	/** 0 for the default 10; 1 .. 1000. */
	int page_size;
	/** A token from numbering_active_page_next_token(), or NULL / "" for the first page. */
	const char *page_token;
	/** NUMBERING_ACTIVE_ORDER_*. */
	int order_by;
} numbering_active_query;

/** The numbering_active_query version these headers know. */
#define NUMBERING_ACTIVE_QUERY_VERSION 1
/** Static initializer: this version, every other field 0 / NULL. */
#define NUMBERING_ACTIVE_QUERY_INIT {NUMBERING_ACTIVE_QUERY_VERSION, NULL, 0, NULL, 0, 0, 0, NULL, 0}

/**
 * Initializes @p query as NUMBERING_ACTIVE_QUERY_INIT does (for FFI).
 * @param[out] query the query.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT when @p query is NULL.
 *
 * Thread safety: callable from any thread.
 */
NUMBERING_EXTERN(int) numbering_active_query_init(numbering_active_query *query);

/**
 * One page of a project's active numbers (ListActiveNumbers) that match @p query.
 * @param[out] out the page, the caller's; NULL on failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.activeNumbers.list on @p project.
 * @param[in] project "projects/{project}".
 * @param[in] query what to list.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming "regionCode", "type",
 *         "numberPattern.pattern", "pageSize", "pageToken" (forged, altered, or issued
 *         for another filter) or "orderBy"; NUMBERING_PERMISSION_DENIED; the backend's
 *         errors.
 *
 * Thread safety: runs beside every other store call.
 */
NUMBERING_EXTERN(int) numbering_store_list_active(numbering_active_page **out, numbering_store *store,
                                                  const char *caller, const char *project,
                                                  const numbering_active_query *query);

/**
 * How many numbers a page holds.
 * @param[in] page the page, or NULL.
 * @return the count; 0 for NULL. Sets no error.
 *
 * Thread safety: any number of threads may read a page.
 */
NUMBERING_EXTERN(int) numbering_active_page_count(const numbering_active_page *page);

/**
 * Number @p i of a page.
 * @param[in] page the page, or NULL.
 * @param[in] i 0 .. numbering_active_page_count() - 1.
 * @return an object owned by the page, valid until numbering_active_page_free(); NULL
 *         when out of range. Sets no error.
 *
 * Thread safety: any number of threads may read a page.
 */
NUMBERING_EXTERN(const numbering_active_number *) numbering_active_page_item(const numbering_active_page *page,
                                                                            int i);

/**
 * How many numbers match the query, on every page (totalSize).
 * @param[in] page the page, or NULL.
 * @return the count; 0 for NULL. Sets no error.
 *
 * Thread safety: any number of threads may read a page.
 */
NUMBERING_EXTERN(int64_t) numbering_active_page_total_size(const numbering_active_page *page);

/**
 * The token of the next page; "" on the last page (and for NULL).
 * @param[in] page the page, or NULL.
 * @return a string owned by the page. Sets no error.
 *
 * Thread safety: any number of threads may read a page.
 */
NUMBERING_EXTERN(const char *) numbering_active_page_next_token(const numbering_active_page *page);

/**
 * Frees a page. NULL is a no-op.
 * @param[in] page the page, or NULL.
 *
 * Ownership: takes @p page. Thread safety: no other thread may be using it.
 */
NUMBERING_EXTERN(void) numbering_active_page_free(numbering_active_page *page);

#ifdef __cplusplus
}
#endif

#endif
