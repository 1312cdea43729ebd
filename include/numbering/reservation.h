/**
 * @file numbering/reservation.h
 * @brief Reservations: numbers of the inventory held for one project while it decides.
 *
 * A reservation takes numbers out of the inventory for a while (its time to live, 15
 * minutes unless asked otherwise, at most 24 hours), all of them or none: named
 * numbers, or as many as a search finds. While it holds them they are in no search
 * (numbering_store_search_available(), numbering_store_rent_any(); the holder's
 * included: it knows them from the reservation), another project's rent, purchase or
 * get of one is NUMBERING_NOT_FOUND exactly as for a number that is not in the
 * inventory, and the holder's rent or purchase of one succeeds (numbering_store_rent()).
 * A number rented or purchased leaves its reservation. At the expiry time the numbers
 * still held return to the inventory: the store's clock decides, in
 * numbering_store_process_due(), which every inventory and active-number call runs
 * first, so no thread is needed. numbering_store_delete_reservation() returns them at
 * once.
 *
 * Thread safety: an object is not shared between threads while one of them changes it;
 * the store calls may run beside every other store call.
 */
#ifndef NUMBERING_RESERVATION_H
#define NUMBERING_RESERVATION_H

#include "common.h"
#include "inventory.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The most numbers one reservation holds (phone numbers given, or a criteria count). */
#define NUMBERING_RESERVATION_MAX 100
/** The time to live of a reservation that asks for none: 15 minutes, in nanoseconds. */
#define NUMBERING_RESERVATION_TTL_DEFAULT (INT64_C(900) * INT64_C(1000000000))
/** The longest time to live: 24 hours, in nanoseconds. */
#define NUMBERING_RESERVATION_TTL_MAX (INT64_C(86400) * INT64_C(1000000000))

/** One reservation: opaque, the caller's, freed with numbering_reservation_free(). */
typedef struct numbering_reservation numbering_reservation;
/** A page of reservations: opaque, the caller's, freed with numbering_reservation_page_free(). */
typedef struct numbering_reservation_page numbering_reservation_page;

/** What ReserveAvailableNumbers asks for: exactly one of the numbers and the criteria. */
typedef struct numbering_reservation_request {
	/** NUMBERING_RESERVATION_REQUEST_VERSION. */
	unsigned int version;
	/* Version 1 fields. */
	/** The numbers to hold, E.164 with '+', or NULL. */
	const char *const *phone_numbers;
	/** How many @c phone_numbers holds: 1 .. NUMBERING_RESERVATION_MAX, or 0 with criteria. */
	int phone_number_count;
	/** Or the numbers a search finds, the lowest first (its size is ignored): NULL for none. */
	const numbering_available_query *criteria;
	/** With @c criteria: how many numbers, 1 .. NUMBERING_RESERVATION_MAX; all or none. */
	int count;
	/** Time to live in nanoseconds: 0 for NUMBERING_RESERVATION_TTL_DEFAULT; at most NUMBERING_RESERVATION_TTL_MAX. */
	int64_t ttl;
} numbering_reservation_request;

/** The numbering_reservation_request version these headers know. */
#define NUMBERING_RESERVATION_REQUEST_VERSION 1
/** Static initializer: this version, every other field 0 / NULL. */
#define NUMBERING_RESERVATION_REQUEST_INIT {NUMBERING_RESERVATION_REQUEST_VERSION, NULL, 0, NULL, 0, 0}

/**
 * Initializes @p request as NUMBERING_RESERVATION_REQUEST_INIT does (for FFI).
 * @param[out] request the request.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT when @p request is NULL.
 *
 * Thread safety: callable from any thread.
 */
NUMBERING_EXTERN(int) numbering_reservation_request_init(numbering_reservation_request *request);

/**
 * Holds numbers of the inventory for @p project (ReserveAvailableNumbers): every number
 * asked for, or none. The numbers given must each be in the inventory and held by no
 * reservation; criteria must find @c count numbers.
 * @param[out] out the reservation, the caller's; NULL on failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.reservations.create on @p project.
 * @param[in] project "projects/{project}".
 * @param[in] request what to hold.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming "phoneNumbers" (both or neither
 *         of the numbers and the criteria), "phoneNumbers[i]" (not one E.164 number, or
 *         given twice), "criteria.count" (outside 1 .. NUMBERING_RESERVATION_MAX),
 *         "criteria.regionCode", "criteria.type", "criteria.numberPattern.pattern",
 *         "criteria.capabilities", "ttl" (negative or over 24 hours) or "projectId";
 *         NUMBERING_NOT_FOUND naming "phoneNumbers[i]" and the number when it is not
 *         available (held by a reservation included), or "criteria.count" when fewer
 *         numbers match; NUMBERING_PERMISSION_DENIED; the backend's errors. On failure
 *         nothing changed.
 *
 * Thread safety: the store serializes writers.
 */
NUMBERING_EXTERN(int) numbering_store_reserve_available(numbering_reservation **out, numbering_store *store,
                                                        const char *caller, const char *project,
                                                        const numbering_reservation_request *request);

/**
 * One reservation (GetReservation), with the numbers it still holds.
 * @param[out] out the reservation, the caller's; NULL on failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.reservations.get on its project.
 * @param[in] name "projects/{project}/reservations/{id}".
 * @return NUMBERING_OK; NUMBERING_NOT_FOUND when there is no such reservation (expired
 *         or deleted ones included); NUMBERING_INVALID_ARGUMENT naming "name";
 *         NUMBERING_PERMISSION_DENIED; the backend's errors.
 *
 * Thread safety: runs beside every other store call.
 */
NUMBERING_EXTERN(int) numbering_store_get_reservation(numbering_reservation **out, numbering_store *store,
                                                      const char *caller, const char *name);

/**
 * One page of a project's reservations (ListReservations), newest first.
 * @param[out] out the page, the caller's; NULL on failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.reservations.list on @p project.
 * @param[in] project "projects/{project}".
 * @param[in] page_size 0 for the default 10; 1 .. 1000.
 * @param[in] page_token a token from numbering_reservation_page_next_token(), or NULL / "".
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming "projectId", "pageSize" or
 *         "pageToken" (forged, altered, or issued for another project);
 *         NUMBERING_PERMISSION_DENIED; the backend's errors.
 *
 * Thread safety: runs beside every other store call.
 */
NUMBERING_EXTERN(int) numbering_store_list_reservations(numbering_reservation_page **out, numbering_store *store,
                                                        const char *caller, const char *project, int page_size,
                                                        const char *page_token);

/**
 * Ends a reservation (DeleteReservation): the numbers it still holds return to the
 * inventory at once.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.reservations.delete on its project.
 * @param[in] name "projects/{project}/reservations/{id}".
 * @return NUMBERING_OK; NUMBERING_NOT_FOUND as numbering_store_get_reservation();
 *         NUMBERING_INVALID_ARGUMENT naming "name"; NUMBERING_PERMISSION_DENIED; the
 *         backend's errors. On failure nothing changed.
 *
 * Thread safety: the store serializes writers.
 */
NUMBERING_EXTERN(int) numbering_store_delete_reservation(numbering_store *store, const char *caller,
                                                         const char *name);

/**
 * The reservation's name, "projects/{project}/reservations/{id}"; "" for NULL.
 * @param[in] reservation the object, or NULL.
 * @return a string owned by @p reservation, valid until it is freed. Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(const char *) numbering_reservation_name(const numbering_reservation *reservation);

/**
 * How many numbers the reservation holds: those it took, less the ones rented or
 * purchased since.
 * @param[in] reservation the object, or NULL.
 * @return the count; 0 for NULL. Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(int) numbering_reservation_phone_number_count(const numbering_reservation *reservation);

/**
 * Number @p i the reservation holds, E.164 with '+', in the order they were reserved.
 * @param[in] reservation the object, or NULL.
 * @param[in] i 0 .. numbering_reservation_phone_number_count() - 1.
 * @return a string owned by @p reservation, valid until it is freed; "" when out of
 *         range or for NULL. Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(const char *) numbering_reservation_phone_number(const numbering_reservation *reservation, int i);

/**
 * When the numbers return to the inventory, in nanoseconds since the epoch.
 * @param[in] reservation the object, or NULL.
 * @return the time; 0 for NULL. Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(int64_t) numbering_reservation_expire_time(const numbering_reservation *reservation);

/**
 * When the reservation was made, in nanoseconds since the epoch.
 * @param[in] reservation the object, or NULL.
 * @return the time; 0 for NULL. Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(int64_t) numbering_reservation_create_time(const numbering_reservation *reservation);

/**
 * Frees @p reservation. NULL is a no-op.
 * @param[in] reservation the object, or NULL.
 *
 * Ownership: takes @p reservation. Thread safety: no other thread may be using it.
 */
NUMBERING_EXTERN(void) numbering_reservation_free(numbering_reservation *reservation);

/**
 * How many reservations a page holds.
 * @param[in] page the page, or NULL.
 * @return the count; 0 for NULL. Sets no error.
 *
 * Thread safety: any number of threads may read a page.
 */
NUMBERING_EXTERN(int) numbering_reservation_page_count(const numbering_reservation_page *page);

/**
 * Reservation @p i of a page.
 * @param[in] page the page, or NULL.
 * @param[in] i 0 .. numbering_reservation_page_count() - 1.
 * @return an object owned by the page, valid until numbering_reservation_page_free();
 *         NULL when out of range. Sets no error.
 *
 * Thread safety: any number of threads may read a page.
 */
NUMBERING_EXTERN(const numbering_reservation *) numbering_reservation_page_item(
	const numbering_reservation_page *page, int i);

/**
 * The token of the next page; "" on the last page (and for NULL).
 * @param[in] page the page, or NULL.
 * @return a string owned by the page. Sets no error.
 *
 * Thread safety: any number of threads may read a page.
 */
NUMBERING_EXTERN(const char *) numbering_reservation_page_next_token(const numbering_reservation_page *page);

/**
 * Frees a page. NULL is a no-op.
 * @param[in] page the page, or NULL.
 *
 * Ownership: takes @p page. Thread safety: no other thread may be using it.
 */
NUMBERING_EXTERN(void) numbering_reservation_page_free(numbering_reservation_page *page);

#ifdef __cplusplus
}
#endif

#endif
