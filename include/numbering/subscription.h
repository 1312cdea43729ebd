/**
 * @file numbering/subscription.h
 * @brief Subscriptions and renewal: every number a project acquired renews each
 *        payment interval, charged to the project's billing account.
 *
 * A number acquired by a purchase or a rent (numbering_store_rent()) has a
 * subscription: its monthly price, payment interval (paymentIntervalMonths), next
 * charge date and autoCharge (on by default). The next charge date is the acquisition
 * time plus the paid periods times the interval in calendar months, always computed
 * from the start, so a day the month lacks is clamped without drifting: started on
 * Jan 31 with a monthly interval, it is due Feb 28 (29), Mar 31, Apr 30 ...
 *
 * numbering_store_run_billing() charges what is due at the store's clock: a period
 * costs monthlyPrice x paymentIntervalMonths, posted to the project's ledger with the
 * charge key "{subscription}#{period}" (a second run charges nothing twice). A
 * subscription its account cannot pay, or with autoCharge off, is deactivated: its
 * instance is SUSPENDED. A top-up followed by a run reactivates it (the instance
 * ACTIVE again) and charges what it owes; a subscription deactivated longer than the
 * grace period (numbering_options.billing_grace_seconds, 30 days by default) is
 * cancelled: its instance is DELETED and the number returns to the inventory with
 * the attributes it was rented with. A released number (numbering_store_release_active())
 * is no longer renewed; it ends at its expireAt.
 *
 * Thread safety: an object is not shared between threads while one of them changes
 * it; the store calls may run beside every other store call.
 */
#ifndef NUMBERING_SUBSCRIPTION_H
#define NUMBERING_SUBSCRIPTION_H

#include "common.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One subscription: opaque, the caller's, freed with numbering_subscription_free(). */
typedef struct numbering_subscription numbering_subscription;
/** A page of subscriptions: opaque, the caller's, freed with numbering_subscription_page_free(). */
typedef struct numbering_subscription_page numbering_subscription_page;

/** @name Subscription states (numbering_subscription_state()) */
/**@{*/
#define NUMBERING_SUBSCRIPTION_ACTIVE 1      /**< renewing (or released: see expireAt) */
#define NUMBERING_SUBSCRIPTION_DEACTIVATED 2 /**< a payment was missed: the instance is SUSPENDED */
#define NUMBERING_SUBSCRIPTION_CANCELLED 3   /**< ended: the instance is DELETED */
/**@}*/

/** The most subscriptions a page holds (numbering_store_list_subscriptions()). */
#define NUMBERING_SUBSCRIPTION_PAGE_MAX 1000

/**
 * The state's name: "ACTIVE", "DEACTIVATED", "CANCELLED"; NULL for another value.
 * @param[in] state NUMBERING_SUBSCRIPTION_*.
 * @return a static string. Thread safety: reentrant.
 */
NUMBERING_EXTERN(const char *) numbering_subscription_state_name(int state);

/**
 * Frees @p subscription. NULL is a no-op.
 * @param[in] subscription the object, or NULL.
 *
 * Ownership: takes @p subscription. Thread safety: no other thread may be using it.
 */
NUMBERING_EXTERN(void) numbering_subscription_free(numbering_subscription *subscription);

/**
 * The subscription's name, "projects/{p}/subscriptions/{instance id}"; "" for NULL.
 * @param[in] subscription the object, or NULL.
 * @return a string owned by @p subscription. Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(const char *) numbering_subscription_name(const numbering_subscription *subscription);

/**
 * A text attribute: "instance" (the acquired instance's name), "purchase" (the
 * purchase that paid the first period, "" for a rent), "monthlyPrice.currencyCode"
 * ("" for a free number); "" when unset, unknown, or for NULL.
 * @param[in] subscription the object, or NULL.
 * @param[in] attribute the attribute's name.
 * @return a string owned by @p subscription. Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(const char *) numbering_subscription_text(const numbering_subscription *subscription,
                                                           const char *attribute);

/**
 * An integer attribute: "state" (NUMBERING_SUBSCRIPTION_*), "autoCharge" (1 or 0),
 * "monthlyPrice" (minor units of monthlyPrice.currencyCode), "paymentIntervalMonths",
 * "periodsPaid", and times in nanoseconds since the epoch, 0 when unset: "startTime",
 * "nextChargeDate" (the first unpaid period's start), "deactivateTime", "expireAt"
 * (a released number's end), "endTime" (cancelled). 0 for an unknown name or NULL.
 * @param[in] subscription the object, or NULL.
 * @param[in] attribute the attribute's name.
 * @return the value. Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(int64_t) numbering_subscription_int(const numbering_subscription *subscription,
                                                     const char *attribute);

/**
 * One subscription (GetSubscription).
 * @param[out] out the subscription, the caller's; NULL on failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.billingAccounts.get on its project.
 * @param[in] name "projects/{p}/subscriptions/{id}".
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming "name"; NUMBERING_NOT_FOUND;
 *         NUMBERING_PERMISSION_DENIED; NUMBERING_DATA_LOSS for a damaged record;
 *         NUMBERING_RESOURCE_EXHAUSTED; the backend's errors.
 *
 * Thread safety: callable from any thread.
 */
NUMBERING_EXTERN(int) numbering_store_get_subscription(numbering_subscription **out, numbering_store *store,
                                                       const char *caller, const char *name);

/**
 * A page of a project's subscriptions (ListSubscriptions), oldest first, cancelled
 * ones included.
 * @param[out] out the page, the caller's; NULL on failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.billingAccounts.get on @p project.
 * @param[in] project "projects/{p}".
 * @param[in] page_size 1 .. NUMBERING_SUBSCRIPTION_PAGE_MAX, or 0 for 100.
 * @param[in] page_token NULL or "" for the first page, else a page's next token.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming "parent", "pageSize" or
 *         "pageToken"; NUMBERING_PERMISSION_DENIED; NUMBERING_DATA_LOSS;
 *         NUMBERING_RESOURCE_EXHAUSTED; the backend's errors.
 *
 * Thread safety: callable from any thread.
 */
NUMBERING_EXTERN(int) numbering_store_list_subscriptions(numbering_subscription_page **out, numbering_store *store,
                                                         const char *caller, const char *project, int page_size,
                                                         const char *page_token);

/**
 * How many subscriptions @p page holds.
 * @param[in] page the page, or NULL.
 * @return the count; 0 for NULL. Sets no error.
 *
 * Thread safety: any number of threads may read a page no thread changes.
 */
NUMBERING_EXTERN(int) numbering_subscription_page_count(const numbering_subscription_page *page);

/**
 * The @p i th subscription of @p page.
 * @param[in] page the page, or NULL.
 * @param[in] i 0 .. numbering_subscription_page_count() - 1.
 * @return a subscription owned by @p page, valid until it is freed; NULL out of range
 *         or for NULL. Sets no error.
 *
 * Thread safety: any number of threads may read a page no thread changes.
 */
NUMBERING_EXTERN(const numbering_subscription *) numbering_subscription_page_item(
	const numbering_subscription_page *page, int i);

/**
 * The token of the next page.
 * @param[in] page the page, or NULL.
 * @return a string owned by @p page; "" on the last page or for NULL. Sets no error.
 *
 * Thread safety: any number of threads may read a page no thread changes.
 */
NUMBERING_EXTERN(const char *) numbering_subscription_page_next_token(const numbering_subscription_page *page);

/**
 * Frees @p page and its subscriptions. NULL is a no-op.
 * @param[in] page the page, or NULL.
 *
 * Ownership: takes @p page. Thread safety: no other thread may be using it.
 */
NUMBERING_EXTERN(void) numbering_subscription_page_free(numbering_subscription_page *page);

/**
 * Turns a subscription's autoCharge on or off (UpdateSubscription). Off, the next run
 * deactivates it when it falls due; turned on again, the next run reactivates it when
 * the account can pay what it owes.
 * @param[out] out the subscription as it is now, the caller's; NULL on failure. May be NULL.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.activeNumbers.update on its project.
 * @param[in] name "projects/{p}/subscriptions/{id}".
 * @param[in] auto_charge 1 or 0.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming "name" or "autoCharge";
 *         NUMBERING_NOT_FOUND; NUMBERING_FAILED_PRECONDITION for a cancelled one;
 *         NUMBERING_PERMISSION_DENIED; the backend's errors. On failure nothing changed.
 *
 * Thread safety: the store serializes writers.
 */
NUMBERING_EXTERN(int) numbering_store_set_subscription_auto_charge(numbering_subscription **out,
                                                                   numbering_store *store, const char *caller,
                                                                   const char *name, int auto_charge);

/** What a billing run did: a transparent struct, filled by numbering_store_run_billing(). */
typedef struct numbering_billing_report {
	/** NUMBERING_BILLING_REPORT_VERSION, as NUMBERING_BILLING_REPORT_INIT sets it. */
	unsigned int version;
	/** Periods charged (a reactivation that pays two periods counts two). */
	int64_t charged;
	/** Subscriptions deactivated (autoCharge off, or the account could not pay). */
	int64_t deactivated;
	/** Deactivated subscriptions the run reactivated. */
	int64_t reactivated;
	/** Subscriptions cancelled after the grace period (their numbers back in the inventory). */
	int64_t cancelled;
} numbering_billing_report;

/** The numbering_billing_report version these headers know. */
#define NUMBERING_BILLING_REPORT_VERSION 1
/** Static initializer of a numbering_billing_report. */
#define NUMBERING_BILLING_REPORT_INIT {NUMBERING_BILLING_REPORT_VERSION, 0, 0, 0, 0}

/**
 * Runs billing (RunBilling): every subscription due at the store's clock is charged
 * and advanced, deactivated, reactivated or cancelled as the file comment says. It
 * works in bounded batches, each one transaction under the store's write lock, so
 * readers and other writers run between them; its cost grows with the subscriptions
 * due, not with all. A run that fails part way (a crash, a backend error) leaves every
 * subscription either charged for its period or still due: running again completes it.
 * @param[out] report what was done; its version must be set (NUMBERING_BILLING_REPORT_INIT).
 *             May be NULL.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.billingAccounts.run on project "*".
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT (NULL store, an unknown report
 *         version); NUMBERING_PERMISSION_DENIED; NUMBERING_DATA_LOSS for a damaged
 *         record; NUMBERING_RESOURCE_EXHAUSTED; the backend's errors. What the batches
 *         before a failure did stays done, counted in @p report.
 *
 * Thread safety: callable from any thread; two runs at once charge nothing twice.
 */
NUMBERING_EXTERN(int) numbering_store_run_billing(numbering_billing_report *report, numbering_store *store,
                                                  const char *caller);

#ifdef __cplusplus
}
#endif

#endif
