/**
 * @file numbering/pricing.h
 * @brief Pricing: what the inventory offers, per country and number type, at which
 *        prices (the schema seed's PhoneNumberPricing, ListPhoneNumberPricing).
 *
 * The answer is read from the inventory (numbering/inventory.h) at the time of the
 * call: one entry per region and type that has listed numbers (numbers held for a
 * reservation or a purchase in progress are not offered and not counted), sorted by
 * region code and then type (LOCAL, NATIONAL, MOBILE, TOLL_FREE, SHARED_RATE: the
 * order of numbering_number_type). Each entry holds its price tiers: every distinct
 * (currency, monthly price, setup price, payment interval) of its numbers, with how
 * many numbers have it (a block of 100 counts 100), sorted by monthly price, then setup
 * price, then currency, then interval.
 *
 * Money is an ISO 4217 currency and an integer count of minor units, never a float.
 * A number without any price is free: it counts in a tier of currency "" and 0 minor
 * units. A number whose setup and monthly prices are in different currencies, or whose
 * first payment (setup price plus monthly price times the interval) does not fit an
 * int64_t, cannot be bought (no acquisition could charge it), so it is not offered.
 * docs/PRICING.md gives the rules and the reasons.
 *
 * Pricing belongs to no project: the caller needs numbering.availableNumbers.list on
 * project "*" (the host's price list, as ImportAvailableNumbers is the host's stock).
 *
 * Thread safety: a result is not shared between threads while one of them frees it;
 * numbering_store_list_pricing() may run beside every other store call.
 */
#ifndef NUMBERING_PRICING_H
#define NUMBERING_PRICING_H

#include "common.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The result of numbering_store_list_pricing(): opaque, the caller's, freed with
 *  numbering_pricing_list_free(). */
typedef struct numbering_pricing_list numbering_pricing_list;

/**
 * The price list of the inventory (ListPhoneNumberPricing), for one region or all and
 * one type or all. Releases due by the store's clock are carried out first
 * (numbering_store_process_due()), so a number back in the inventory is counted.
 * @param[out] out the result, freed with numbering_pricing_list_free(); NULL on failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.availableNumbers.list on project "*".
 * @param[in] region_code an ISO 3166-1 alpha-2 region ("US"), or NULL / "" for every
 *            region.
 * @param[in] type a numbering_number_type, or NUMBERING_NUMBER_TYPE_UNSPECIFIED (0) for
 *            every type.
 * @return NUMBERING_OK (maybe with no entry); NUMBERING_INVALID_ARGUMENT naming
 *         "countryCode" (not two upper-case letters, or no ISO 3166-1 region) or
 *         "numberType" (no number type), or for a NULL @p out or @p store;
 *         NUMBERING_PERMISSION_DENIED; NUMBERING_RESOURCE_EXHAUSTED; NUMBERING_DATA_LOSS
 *         naming the damaged record; the backend's errors.
 *
 * Cost: one backend list query per region and type asked for (about 250 x 5 with no
 * filter, 5 for one region, 1 for a region and a type), visiting each listed record of
 * those once and decoding only its price attributes.
 * Ownership: @p *out is the caller's. Thread safety: runs beside every other store call.
 */
NUMBERING_EXTERN(int) numbering_store_list_pricing(numbering_pricing_list **out, numbering_store *store,
                                                   const char *caller, const char *region_code, int type);

/**
 * How many entries (region and type) a result holds.
 * @param[in] list the result, or NULL.
 * @return the count; 0 for NULL. Sets no error.
 *
 * Thread safety: any number of threads may read a result.
 */
NUMBERING_EXTERN(int) numbering_pricing_list_count(const numbering_pricing_list *list);

/**
 * The region code of entry @p i, ISO 3166-1 alpha-2 ("US").
 * @param[in] list the result, or NULL.
 * @param[in] i 0 .. numbering_pricing_list_count() - 1.
 * @return a string owned by the result, valid until numbering_pricing_list_free();
 *         "" when out of range. Sets no error.
 *
 * Thread safety: any number of threads may read a result.
 */
NUMBERING_EXTERN(const char *) numbering_pricing_list_region_code(const numbering_pricing_list *list, int i);

/**
 * The full name of entry @p i's region ("United States"), as numbering_region_name()
 * gives it.
 * @param[in] list the result, or NULL.
 * @param[in] i 0 .. numbering_pricing_list_count() - 1.
 * @return a static string of the library (never freed); "" when out of range. Sets no error.
 *
 * Thread safety: any number of threads may read a result.
 */
NUMBERING_EXTERN(const char *) numbering_pricing_list_country(const numbering_pricing_list *list, int i);

/**
 * The number type of entry @p i, a numbering_number_type.
 * @param[in] list the result, or NULL.
 * @param[in] i 0 .. numbering_pricing_list_count() - 1.
 * @return the type; NUMBERING_NUMBER_TYPE_UNSPECIFIED when out of range. Sets no error.
 *
 * Thread safety: any number of threads may read a result.
 */
NUMBERING_EXTERN(int) numbering_pricing_list_type(const numbering_pricing_list *list, int i);

/**
 * The currency of entry @p i's price: the currency most of its priced numbers have
 * (the first in code order on a tie); "" when none of its numbers has a price.
 * @param[in] list the result, or NULL.
 * @param[in] i 0 .. numbering_pricing_list_count() - 1.
 * @return a string owned by the result, valid until numbering_pricing_list_free();
 *         "" when out of range. Sets no error.
 *
 * Thread safety: any number of threads may read a result.
 */
NUMBERING_EXTERN(const char *) numbering_pricing_list_currency(const numbering_pricing_list *list, int i);

/**
 * The price of entry @p i: the lowest monthly price of its tiers in
 * numbering_pricing_list_currency(), in minor units; 0 when none is priced.
 * @param[in] list the result, or NULL.
 * @param[in] i 0 .. numbering_pricing_list_count() - 1.
 * @return the amount; 0 when out of range. Sets no error.
 *
 * Thread safety: any number of threads may read a result.
 */
NUMBERING_EXTERN(int64_t) numbering_pricing_list_price(const numbering_pricing_list *list, int i);

/**
 * How many price tiers entry @p i has (1 or more).
 * @param[in] list the result, or NULL.
 * @param[in] i 0 .. numbering_pricing_list_count() - 1.
 * @return the count; 0 when out of range. Sets no error.
 *
 * Thread safety: any number of threads may read a result.
 */
NUMBERING_EXTERN(int) numbering_pricing_list_tier_count(const numbering_pricing_list *list, int i);

/**
 * The currency of tier @p t of entry @p i: the monthly price's, else the setup
 * price's; "" for the tier of free numbers.
 * @param[in] list the result, or NULL.
 * @param[in] i 0 .. numbering_pricing_list_count() - 1.
 * @param[in] t 0 .. numbering_pricing_list_tier_count() - 1.
 * @return a string owned by the result, valid until numbering_pricing_list_free();
 *         "" when out of range. Sets no error.
 *
 * Thread safety: any number of threads may read a result.
 */
NUMBERING_EXTERN(const char *) numbering_pricing_list_tier_currency(const numbering_pricing_list *list, int i,
                                                                   int t);

/**
 * The monthly price of tier @p t of entry @p i, in minor units (the inventory's
 * "monthlyPrice": a fee per month, charged numbering_pricing_list_tier_interval_months()
 * months at a time); 0 when unset.
 * @param[in] list the result, or NULL.
 * @param[in] i 0 .. numbering_pricing_list_count() - 1.
 * @param[in] t 0 .. numbering_pricing_list_tier_count() - 1.
 * @return the amount; 0 when out of range. Sets no error.
 *
 * Thread safety: any number of threads may read a result.
 */
NUMBERING_EXTERN(int64_t) numbering_pricing_list_tier_monthly_price(const numbering_pricing_list *list, int i,
                                                                    int t);

/**
 * The setup price of tier @p t of entry @p i, in minor units; 0 when unset.
 * @param[in] list the result, or NULL.
 * @param[in] i 0 .. numbering_pricing_list_count() - 1.
 * @param[in] t 0 .. numbering_pricing_list_tier_count() - 1.
 * @return the amount; 0 when out of range. Sets no error.
 *
 * Thread safety: any number of threads may read a result.
 */
NUMBERING_EXTERN(int64_t) numbering_pricing_list_tier_setup_price(const numbering_pricing_list *list, int i, int t);

/**
 * The payment interval of tier @p t of entry @p i, in months (1 .. 120).
 * @param[in] list the result, or NULL.
 * @param[in] i 0 .. numbering_pricing_list_count() - 1.
 * @param[in] t 0 .. numbering_pricing_list_tier_count() - 1.
 * @return the months; 0 when out of range. Sets no error.
 *
 * Thread safety: any number of threads may read a result.
 */
NUMBERING_EXTERN(int) numbering_pricing_list_tier_interval_months(const numbering_pricing_list *list, int i, int t);

/**
 * How many listed numbers of entry @p i have tier @p t (a block counts each number).
 * @param[in] list the result, or NULL.
 * @param[in] i 0 .. numbering_pricing_list_count() - 1.
 * @param[in] t 0 .. numbering_pricing_list_tier_count() - 1.
 * @return the count, 1 or more; 0 when out of range. Sets no error.
 *
 * Thread safety: any number of threads may read a result.
 */
NUMBERING_EXTERN(int64_t) numbering_pricing_list_tier_available(const numbering_pricing_list *list, int i, int t);

/**
 * Frees a result. NULL is a no-op.
 * @param[in] list the result, or NULL.
 *
 * Ownership: takes @p list. Thread safety: no other thread may be using it.
 */
NUMBERING_EXTERN(void) numbering_pricing_list_free(numbering_pricing_list *list);

#ifdef __cplusplus
}
#endif

#endif
