/**
 * @file numbering/purchase.h
 * @brief Purchases: the schema seed's PhoneNumberPurchase, a transaction record with a
 *        status, made by every acquisition of a number (a purchase, a Sinch rent).
 *
 * numbering_store_create_purchase() takes a number out of the inventory, makes its
 * instance and its active number (numbering/active.h: it shows in ListActiveNumbers
 * and returns to the inventory with its attributes), and reserves what it costs
 * (setupPrice + monthlyPrice x paymentIntervalMonths) on the project's billing account
 * (numbering/billing.h), in one transaction. A number that needs no supporting
 * documentation completes in the same call: the reserve is charged, the purchase is
 * COMPLETED and the number's subscription starts. One that needs documents stays
 * PROCESSING, its instance PENDING, until the host completes or fails it
 * (numbering_store_complete_purchase(), numbering_store_fail_purchase()); the buyer
 * may cancel it (numbering_store_cancel_purchase()). A purchase the balance cannot
 * pay is recorded FAILED ("insufficient balance: needed USD 3.00, available USD 1.00")
 * and the number stays in the inventory.
 *
 * Status machine: PENDING -> PROCESSING -> COMPLETED or FAILED; PENDING or PROCESSING
 * -> CANCELLED; nothing else (NUMBERING_FAILED_PRECONDITION naming both states). A
 * purchase is PENDING only inside the transaction that makes it. FAILED and CANCELLED
 * give the reserve back, delete the instance and return the number to the inventory.
 *
 * Times are nanoseconds since the epoch (the JSON shows the seed's Unix milliseconds).
 * Money is an ISO 4217 currency and an integer of minor units.
 *
 * Thread safety: a purchase object is not shared between threads while one of them
 * frees it; the store calls may run beside every other store call.
 */
#ifndef NUMBERING_PURCHASE_H
#define NUMBERING_PURCHASE_H

#include "common.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One purchase: opaque, the caller's, freed with numbering_purchase_free(). */
typedef struct numbering_purchase numbering_purchase;
/** A page of purchases: opaque, the caller's, freed with numbering_purchase_page_free(). */
typedef struct numbering_purchase_page numbering_purchase_page;

/** @name Purchase status (the seed's enum) */
/**@{*/
#define NUMBERING_PURCHASE_PENDING 1    /**< being made (only inside its transaction) */
#define NUMBERING_PURCHASE_PROCESSING 2 /**< the number is held and its cost reserved */
#define NUMBERING_PURCHASE_COMPLETED 3  /**< charged; the number is the project's */
#define NUMBERING_PURCHASE_FAILED 4     /**< not paid or refused; the number is back in stock */
#define NUMBERING_PURCHASE_CANCELLED 5  /**< cancelled by the buyer; the number is back in stock */
/**@}*/

/** The longest statusDetails, in bytes. */
#define NUMBERING_PURCHASE_DETAILS_MAX 1024
/** The longest metadata text, in bytes. */
#define NUMBERING_PURCHASE_METADATA_MAX 65536

/**
 * The name of a status: "PENDING" .. "CANCELLED"; "" for any other value.
 * @param[in] status a NUMBERING_PURCHASE_* value.
 * @return a static string. Sets no error.
 *
 * Thread safety: callable from any thread.
 */
NUMBERING_EXTERN(const char *) numbering_purchase_status_name(int status);

/**
 * A status by its name.
 * @param[out] status the NUMBERING_PURCHASE_* value.
 * @param[in] name "PENDING" .. "CANCELLED".
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming "status" for NULL or another name.
 *
 * Thread safety: callable from any thread.
 */
NUMBERING_EXTERN(int) numbering_purchase_status_parse(int *status, const char *name);

/** What a purchase asks for (the seed's CreatePhoneNumberPurchaseSchema). */
typedef struct numbering_purchase_request {
	/** NUMBERING_PURCHASE_REQUEST_VERSION. */
	unsigned int version;
	/* Version 1 fields. */
	/** Required: the display name, 1 .. 400 bytes of text. */
	const char *friendly_name;
	/** Required: the number, E.164 ("+12125551234"); it must be available. */
	const char *phone_number;
	/** Required: ISO 3166-1 alpha-2; must be the number's region code. */
	const char *country_code;
	/** A numbering_number_type; 0 for LOCAL (the seed's default); must be the number's. */
	int number_type;
	/** NULL / "", or a JSON object's text (at most NUMBERING_PURCHASE_METADATA_MAX bytes). */
	const char *metadata;
	/** NULL / "", or 1 .. 128 of A-Z a-z 0-9 - _ . ~ : : a retry with the same id and
	 *  request answers the first purchase and buys nothing twice. */
	const char *request_id;
} numbering_purchase_request;

/** The numbering_purchase_request version these headers know. */
#define NUMBERING_PURCHASE_REQUEST_VERSION 1
/** Static initializer: this version, every other field 0 / NULL. */
#define NUMBERING_PURCHASE_REQUEST_INIT {NUMBERING_PURCHASE_REQUEST_VERSION, NULL, NULL, NULL, 0, NULL, NULL}

/**
 * Initializes @p request as NUMBERING_PURCHASE_REQUEST_INIT does (for FFI).
 * @param[out] request the request.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT when @p request is NULL.
 *
 * Thread safety: callable from any thread.
 */
NUMBERING_EXTERN(int) numbering_purchase_request_init(numbering_purchase_request *request);

/**
 * Buys an available number (CreatePhoneNumberPurchase), as the file comment says.
 * @param[out] out the purchase (COMPLETED, PROCESSING, or FAILED for want of balance),
 *             the caller's; NULL on failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.phoneNumberPurchases.create on @p parent.
 * @param[in] parent "projects/{project}".
 * @param[in] request what to buy.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming "parent", "version",
 *         "friendlyName", "phoneNumber", "countryCode" (also when it is not the
 *         number's), "numberType" (also when it is not the number's), "metadata" or
 *         "requestId" (also when it was used for another request);
 *         NUMBERING_NOT_FOUND naming "phoneNumber" when the number is not available
 *         (in no stock, held for someone else); NUMBERING_FAILED_PRECONDITION when the
 *         number's price is in another currency than the account's;
 *         NUMBERING_RESOURCE_EXHAUSTED (also the store's max_instances);
 *         NUMBERING_PERMISSION_DENIED; the backend's errors. Nothing changes on failure.
 *
 * Thread safety: the store serializes writers.
 */
NUMBERING_EXTERN(int) numbering_store_create_purchase(numbering_purchase **out, numbering_store *store,
                                                      const char *caller, const char *parent,
                                                      const numbering_purchase_request *request);

/**
 * One purchase (GetPhoneNumberPurchase).
 * @param[out] out the purchase, the caller's; NULL on failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.phoneNumberPurchases.get on its project.
 * @param[in] name "projects/{project}/phoneNumberPurchases/{id}".
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming "name"; NUMBERING_NOT_FOUND
 *         naming "name"; NUMBERING_PERMISSION_DENIED; NUMBERING_DATA_LOSS; the backend's errors.
 *
 * Thread safety: runs beside every other store call.
 */
NUMBERING_EXTERN(int) numbering_store_get_purchase(numbering_purchase **out, numbering_store *store,
                                                   const char *caller, const char *name);

/**
 * One page of a project's purchases, newest first (ListPhoneNumberPurchases).
 * @param[out] out the page, the caller's; NULL on failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.phoneNumberPurchases.list on @p parent.
 * @param[in] parent "projects/{project}".
 * @param[in] status 0 for every status, or a NUMBERING_PURCHASE_* value.
 * @param[in] page_size 0 for the default 10; 1 .. 1000.
 * @param[in] page_token NULL / "" for the first page, or a token of
 *            numbering_purchase_page_next_token() for the same parent and status.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming "parent", "status",
 *         "pageSize" or "pageToken"; NUMBERING_PERMISSION_DENIED; NUMBERING_DATA_LOSS;
 *         the backend's errors.
 *
 * Thread safety: runs beside every other store call.
 */
NUMBERING_EXTERN(int) numbering_store_list_purchases(numbering_purchase_page **out, numbering_store *store,
                                                     const char *caller, const char *parent, int status,
                                                     int page_size, const char *page_token);

/**
 * Completes a PROCESSING purchase (CompletePhoneNumberPurchase; a host operation, the
 * documents were accepted): its instance becomes ACTIVE, the reserve is charged, the
 * subscription starts.
 * @param[out] out the purchase, COMPLETED, the caller's; NULL on failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.phoneNumberPurchases.complete on project "*".
 * @param[in] name the purchase's name.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming "name";
 *         NUMBERING_NOT_FOUND naming "name"; NUMBERING_FAILED_PRECONDITION naming
 *         "status" when the purchase is not PROCESSING, or when its instance is gone;
 *         NUMBERING_PERMISSION_DENIED; the backend's errors.
 *
 * Thread safety: the store serializes writers.
 */
NUMBERING_EXTERN(int) numbering_store_complete_purchase(numbering_purchase **out, numbering_store *store,
                                                        const char *caller, const char *name);

/**
 * Fails a PROCESSING purchase (FailPhoneNumberPurchase; a host operation, the documents
 * were refused): the reserve is given back, the instance deleted, the number returned to
 * the inventory.
 * @param[out] out the purchase, FAILED, the caller's; NULL on failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.phoneNumberPurchases.fail on project "*".
 * @param[in] name the purchase's name.
 * @param[in] status_details why: 1 .. NUMBERING_PURCHASE_DETAILS_MAX bytes of text.
 * @return as numbering_store_complete_purchase(), and NUMBERING_INVALID_ARGUMENT
 *         naming "statusDetails".
 *
 * Thread safety: the store serializes writers.
 */
NUMBERING_EXTERN(int) numbering_store_fail_purchase(numbering_purchase **out, numbering_store *store,
                                                    const char *caller, const char *name, const char *status_details);

/**
 * Cancels a PENDING or PROCESSING purchase (CancelPhoneNumberPurchase): as a failure,
 * with statusDetails "cancelled by the buyer".
 * @param[out] out the purchase, CANCELLED, the caller's; NULL on failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.phoneNumberPurchases.cancel on its project.
 * @param[in] name the purchase's name.
 * @return as numbering_store_complete_purchase().
 *
 * Thread safety: the store serializes writers.
 */
NUMBERING_EXTERN(int) numbering_store_cancel_purchase(numbering_purchase **out, numbering_store *store,
                                                      const char *caller, const char *name);

/**
 * Frees @p purchase. NULL is a no-op.
 * @param[in] purchase the object, or NULL.
 *
 * Ownership: takes @p purchase. Thread safety: no other thread may be using it.
 */
NUMBERING_EXTERN(void) numbering_purchase_free(numbering_purchase *purchase);

/**
 * A text attribute by its seed name: "id", "name", "friendlyName", "phoneNumber",
 * "countryCode", "status" (the name), "numberType" (the name), "statusDetails",
 * "metadata" (a JSON object's text), "instance" (the instance it made),
 * "chargedCurrency" (the currency of chargedCredits); "" when unset, unknown, or for NULL.
 * @param[in] purchase the object, or NULL.
 * @param[in] attribute the name.
 * @return a string owned by @p purchase, valid until it is freed. Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(const char *) numbering_purchase_text(const numbering_purchase *purchase, const char *attribute);

/**
 * An integer attribute by its seed name: "chargedCredits" (minor units),
 * "status" (NUMBERING_PURCHASE_*), "numberType" (numbering_number_type), "completedAt",
 * "createdAt", "updatedAt" (ns since the epoch, 0 when unset); 0 for an unknown name or NULL.
 * @param[in] purchase the object, or NULL.
 * @param[in] attribute the name.
 * @return the value. Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(int64_t) numbering_purchase_int(const numbering_purchase *purchase, const char *attribute);

/**
 * How many purchases a page holds.
 * @param[in] page the page, or NULL.
 * @return the count; 0 for NULL. Sets no error.
 *
 * Thread safety: any number of threads may read a page.
 */
NUMBERING_EXTERN(int) numbering_purchase_page_count(const numbering_purchase_page *page);

/**
 * Purchase @p i of a page.
 * @param[in] page the page, or NULL.
 * @param[in] i 0 .. count - 1.
 * @return an object owned by @p page, valid until it is freed; NULL out of range. Sets no error.
 *
 * Thread safety: any number of threads may read a page.
 */
NUMBERING_EXTERN(const numbering_purchase *) numbering_purchase_page_item(const numbering_purchase_page *page, int i);

/**
 * The token of the next page, "" on the last one.
 * @param[in] page the page, or NULL.
 * @return a string owned by @p page. Sets no error.
 *
 * Thread safety: any number of threads may read a page.
 */
NUMBERING_EXTERN(const char *) numbering_purchase_page_next_token(const numbering_purchase_page *page);

/**
 * Frees @p page and its purchases. NULL is a no-op.
 * @param[in] page the page, or NULL.
 *
 * Ownership: takes @p page. Thread safety: no other thread may be using it.
 */
NUMBERING_EXTERN(void) numbering_purchase_page_free(numbering_purchase_page *page);

#ifdef __cplusplus
}
#endif

#endif
