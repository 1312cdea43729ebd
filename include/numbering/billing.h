/**
 * @file numbering/billing.h
 * @brief Billing accounts and their ledger: each project's currency and balance, the
 *        money held for purchases in progress, and the append-only list of entries
 *        whose sum the balance always is.
 *
 * Every project has one billing account, "projects/p/billingAccount". Its currency is
 * fixed by its first ledger entry; before that it reads as "USD" with balance 0. Money
 * is an ISO 4217 currency and a signed int64 count of its minor units (never a float):
 * a top-up or refund is positive, a charge negative. An entry in another currency than
 * the account's is refused (FAILED_PRECONDITION: there is no conversion).
 *
 * Entries are written by the operations that charge (purchases, rents, renewals: each
 * names the purchase or subscription it pays for) and by the host's adjustments
 * (numbering_store_adjust_billing_account(): top-ups, refunds, corrections). An entry
 * and the balance it changes are one transaction: after every commit the balance is
 * the sum of the account's entries. The reserve is what purchases that wait for
 * documents hold; it is part of the balance but cannot be spent twice (a purchase needs
 * balance - reserved).
 *
 * Balances and amounts stay within -INT64_MAX .. INT64_MAX minor units (so that any
 * of them can be negated); a change that would leave that range is OUT_OF_RANGE.
 *
 * Thread safety: an object is not shared between threads while one of them changes
 * it; the store calls may run beside every other store call.
 */
#ifndef NUMBERING_BILLING_H
#define NUMBERING_BILLING_H

#include "common.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A billing account as read: opaque, the caller's, freed with numbering_billing_account_free(). */
typedef struct numbering_billing_account numbering_billing_account;
/** One ledger entry: opaque, the caller's, freed with numbering_billing_entry_free(). */
typedef struct numbering_billing_entry numbering_billing_entry;
/** A page of ledger entries: opaque, the caller's, freed with numbering_billing_entry_page_free(). */
typedef struct numbering_billing_entry_page numbering_billing_entry_page;

/** The longest reason of an entry, in bytes. */
#define NUMBERING_BILLING_REASON_MAX 256
/** The most entries a page holds (numbering_store_list_billing_entries()). */
#define NUMBERING_BILLING_PAGE_MAX 1000
/** The entries a page holds when the page size is 0. */
#define NUMBERING_BILLING_PAGE_DEFAULT 50

/**
 * The billing account of a project (GetBillingAccount).
 * @param[out] out the account, the caller's; NULL on failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.billingAccounts.get on the project.
 * @param[in] parent "projects/{project}".
 * @return NUMBERING_OK (an account never written reads as USD, balance 0);
 *         NUMBERING_INVALID_ARGUMENT for a NULL @p out or @p store, or naming
 *         "parent"; NUMBERING_PERMISSION_DENIED; NUMBERING_DATA_LOSS for a damaged
 *         record; NUMBERING_RESOURCE_EXHAUSTED; the backend's errors.
 *
 * Ownership: @p *out is the caller's. Thread safety: runs beside every other store call.
 */
NUMBERING_EXTERN(int) numbering_store_get_billing_account(numbering_billing_account **out, numbering_store *store,
                                                          const char *caller, const char *parent);

/**
 * Frees @p account. NULL is a no-op.
 * @param[in] account the object, or NULL.
 *
 * Ownership: takes @p account. Thread safety: no other thread may be using it.
 */
NUMBERING_EXTERN(void) numbering_billing_account_free(numbering_billing_account *account);

/**
 * The account's name, "projects/p/billingAccount"; "" for NULL.
 * @param[in] account the object, or NULL.
 * @return a string owned by @p account, valid until it is freed. Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(const char *) numbering_billing_account_name(const numbering_billing_account *account);

/**
 * The account's currency, ISO 4217: the one of its first entry, "USD" before any; ""
 * for NULL.
 * @param[in] account the object, or NULL.
 * @return a string owned by @p account. Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(const char *) numbering_billing_account_currency(const numbering_billing_account *account);

/**
 * The balance in minor units of the currency (the sum of every entry); 0 for NULL.
 * @param[in] account the object, or NULL.
 * @return the balance, possibly negative. Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(int64_t) numbering_billing_account_balance(const numbering_billing_account *account);

/**
 * What purchases in progress hold, in minor units (0 or more; 0 for NULL): what can be
 * spent is balance - reserved.
 * @param[in] account the object, or NULL.
 * @return the reserved amount. Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(int64_t) numbering_billing_account_reserved(const numbering_billing_account *account);

/**
 * Adds an entry to a project's ledger (AdjustBillingAccount): a top-up (positive), a
 * refund or correction (positive or negative). A host operation.
 *
 * With a request id, the adjustment is made once: the same request again answers the
 * entry it made the first time (and makes none); the id used with another request
 * (another amount, currency or reason, or on another project's account) is refused.
 *
 * @param[out] out the new entry (or the first one, for a retried request id), the
 *             caller's; NULL on failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.billingAccounts.adjust on project "*".
 * @param[in] parent "projects/{project}".
 * @param[in] currency the amount's ISO 4217 currency.
 * @param[in] amount signed minor units, not 0, within -INT64_MAX .. INT64_MAX.
 * @param[in] reason why: 1 .. NUMBERING_BILLING_REASON_MAX bytes of UTF-8 text without
 *            control characters.
 * @param[in] request_id NULL or "" for none; else 1 to 128 of A-Z a-z 0-9 - _ . ~ :.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT for a NULL @p out or @p store, or
 *         naming "parent", "amount" (0), "amount.currencyCode" (not an ISO 4217
 *         code), "reason" or "requestId" (malformed, or used before for another
 *         request); NUMBERING_FAILED_PRECONDITION naming "amount.currencyCode" when the
 *         account has another currency, or "amount" when a debit would take the
 *         balance below what is reserved (the message says how much is available);
 *         NUMBERING_OUT_OF_RANGE naming "amount" when the balance would leave
 *         -INT64_MAX .. INT64_MAX; NUMBERING_PERMISSION_DENIED; NUMBERING_DATA_LOSS;
 *         NUMBERING_RESOURCE_EXHAUSTED; the backend's errors. On failure nothing is
 *         written.
 *
 * Ownership: @p *out is the caller's. Thread safety: the store serializes writers.
 */
NUMBERING_EXTERN(int) numbering_store_adjust_billing_account(numbering_billing_entry **out, numbering_store *store,
                                                             const char *caller, const char *parent,
                                                             const char *currency, int64_t amount,
                                                             const char *reason, const char *request_id);

/**
 * Frees @p entry. NULL is a no-op.
 * @param[in] entry the object, or NULL.
 *
 * Ownership: takes @p entry. Thread safety: no other thread may be using it.
 */
NUMBERING_EXTERN(void) numbering_billing_entry_free(numbering_billing_entry *entry);

/**
 * The entry's name, "projects/p/billingEntries/{n}" (n = 1, 2 ... in the order
 * written); "" for NULL.
 * @param[in] entry the object, or NULL.
 * @return a string owned by @p entry, valid until it is freed. Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(const char *) numbering_billing_entry_name(const numbering_billing_entry *entry);

/**
 * When the entry was written, in nanoseconds since the epoch (the store's clock); 0
 * for NULL.
 * @param[in] entry the object, or NULL.
 * @return the time. Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(int64_t) numbering_billing_entry_time(const numbering_billing_entry *entry);

/**
 * The currency of the entry's amount and balance after it; "" for NULL.
 * @param[in] entry the object, or NULL.
 * @return a string owned by @p entry. Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(const char *) numbering_billing_entry_currency(const numbering_billing_entry *entry);

/**
 * The entry's signed amount in minor units (a charge is negative); 0 for NULL.
 * @param[in] entry the object, or NULL.
 * @return the amount. Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(int64_t) numbering_billing_entry_amount(const numbering_billing_entry *entry);

/**
 * The account's balance right after the entry, in minor units; 0 for NULL.
 * @param[in] entry the object, or NULL.
 * @return the balance. Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(int64_t) numbering_billing_entry_balance_after(const numbering_billing_entry *entry);

/**
 * Why the entry was written ("top-up", "purchase", "renewal" ...); "" for NULL.
 * @param[in] entry the object, or NULL.
 * @return a string owned by @p entry. Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(const char *) numbering_billing_entry_reason(const numbering_billing_entry *entry);

/**
 * The name of what the entry pays for (a purchase, a subscription); "" for an
 * adjustment, or NULL.
 * @param[in] entry the object, or NULL.
 * @return a string owned by @p entry. Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(const char *) numbering_billing_entry_resource(const numbering_billing_entry *entry);

/**
 * One page of a project's ledger, newest entry first (ListBillingEntries).
 * @param[out] out the page, the caller's; NULL on failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.billingAccounts.listEntries on the project.
 * @param[in] parent "projects/{project}".
 * @param[in] page_size 0 for NUMBERING_BILLING_PAGE_DEFAULT, else 1 ..
 *            NUMBERING_BILLING_PAGE_MAX.
 * @param[in] page_token NULL or "" for the first page, else a token of
 *            numbering_billing_entry_page_next_token() for the same parent.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT for a NULL @p out or @p store, or
 *         naming "parent", "pageSize" or "pageToken" (forged, altered, or issued for
 *         another project); NUMBERING_PERMISSION_DENIED; NUMBERING_DATA_LOSS;
 *         NUMBERING_RESOURCE_EXHAUSTED; the backend's errors.
 *
 * Ownership: @p *out is the caller's. Thread safety: runs beside every other store call.
 */
NUMBERING_EXTERN(int) numbering_store_list_billing_entries(numbering_billing_entry_page **out, numbering_store *store,
                                                           const char *caller, const char *parent, int page_size,
                                                           const char *page_token);

/**
 * How many entries a page holds; 0 for NULL.
 * @param[in] page the page, or NULL.
 * @return the count. Sets no error.
 *
 * Thread safety: any number of threads may read a page.
 */
NUMBERING_EXTERN(int) numbering_billing_entry_page_count(const numbering_billing_entry_page *page);

/**
 * Entry @p i of a page (0 is the newest).
 * @param[in] page the page, or NULL.
 * @param[in] i 0 .. count - 1.
 * @return an entry owned by @p page, valid until it is freed; NULL for NULL or an @p i
 *         out of range. Sets no error.
 *
 * Thread safety: any number of threads may read a page.
 */
NUMBERING_EXTERN(const numbering_billing_entry *) numbering_billing_entry_page_item(
	const numbering_billing_entry_page *page, int i);

/**
 * The token of the next page: "" on the last page, or for NULL.
 * @param[in] page the page, or NULL.
 * @return a string owned by @p page. Sets no error.
 *
 * Thread safety: any number of threads may read a page.
 */
NUMBERING_EXTERN(const char *) numbering_billing_entry_page_next_token(const numbering_billing_entry_page *page);

/**
 * Frees @p page and its entries. NULL is a no-op.
 * @param[in] page the page, or NULL.
 *
 * Ownership: takes @p page. Thread safety: no other thread may be using it.
 */
NUMBERING_EXTERN(void) numbering_billing_entry_page_free(numbering_billing_entry_page *page);

#ifdef __cplusplus
}
#endif

#endif
