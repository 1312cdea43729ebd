/**
 * @file numbering/catalogue.h
 * @brief The catalogue of the inventory: its countries, categories, states and regions
 *        with their stock counts and prices, and the numbers of one region, as
 *        Voximplant's GetPhoneNumberCategories, GetPhoneNumberCountryStates,
 *        GetPhoneNumberRegions, GetActualPhoneNumberRegion and GetNewPhoneNumbers show
 *        them (docs/VOXIMPLANT.md).
 *
 * The catalogue is computed from the inventory at each call, never kept beside it: a
 * number's region code is the country, its "categoryName" attribute the category
 * (GEOGRAPHIC, MOBILE, TOLLFREE ...), "region" the country state, "regionId" and
 * "regionName" the region (numbering/inventory.h). A region's phone prefix
 * (phone_region_code) is the longest common prefix of its numbers after the country's
 * calling code.
 *
 * What a call costs: the inventory's records of the countries asked (one walk of each
 * of the country's "CC/TYPE" parents, an index the backends keep), decoding the
 * attributes once per run of records that share them; never the other countries'. The
 * counts are of numbers anyone may acquire now: numbers held by a reservation or a
 * PROCESSING purchase are not counted and not listed.
 *
 * Thread safety: a catalogue is not shared between threads while one frees it; the
 * store calls may run beside every other store call.
 */
#ifndef NUMBERING_CATALOGUE_H
#define NUMBERING_CATALOGUE_H

#include "common.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Rows of a catalogue (regions, or numbers): opaque, the caller's, freed with numbering_catalogue_free(). */
typedef struct numbering_catalogue numbering_catalogue;

/** @name Sandbox filter (numbering_catalogue_query.sandbox) */
/**@{*/
#define NUMBERING_SANDBOX_ALL 0   /**< sandbox and real numbers */
#define NUMBERING_SANDBOX_ONLY 1  /**< only numbers whose "sandbox" attribute is set */
#define NUMBERING_SANDBOX_NONE 2  /**< only real numbers */
/**@}*/

/** What a catalogue call selects; every condition given must hold. */
typedef struct numbering_catalogue_query {
	/** NUMBERING_CATALOGUE_QUERY_VERSION, as NUMBERING_CATALOGUE_QUERY_INIT sets it. */
	unsigned int version;
	/* Version 1 fields. */
	/** Countries (ISO 3166-1 alpha-2 region codes); NULL or 0 of them: every country. */
	const char *const *country_codes;
	/** How many @c country_codes holds. */
	int country_code_count;
	/** The category ("categoryName"), exactly; NULL: any. */
	const char *category_name;
	/** The country state ("region"), exactly; NULL: any. */
	const char *country_state;
	/** The region id ("regionId"); 0: any. */
	int64_t region_id;
	/** The region name ("regionName"), exactly; NULL: any. */
	const char *region_name;
	/** A prefix of the region's phone prefix (digits after the calling code); NULL: any. */
	const char *region_code;
	/** NUMBERING_SANDBOX_*. */
	int sandbox;
	/** Non-zero: also the regions whose numbers are all held now (phone count 0). */
	int include_empty;
} numbering_catalogue_query;

/** The numbering_catalogue_query version this header knows. */
#define NUMBERING_CATALOGUE_QUERY_VERSION 1
/** Static initializer: this version, everything selected. */
#define NUMBERING_CATALOGUE_QUERY_INIT {NUMBERING_CATALOGUE_QUERY_VERSION, NULL, 0, NULL, NULL, 0, NULL, NULL, 0, 0}

/**
 * Sets @p query to NUMBERING_CATALOGUE_QUERY_INIT.
 * @param[out] query the query.
 * @param[in]  version NUMBERING_CATALOGUE_QUERY_VERSION.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT when @p query is NULL or @p version is not one this
 *         library knows.
 *
 * Thread safety: reentrant.
 */
NUMBERING_EXTERN(int) numbering_catalogue_query_init(numbering_catalogue_query *query, unsigned int version);

/**
 * The regions of the inventory that @p query selects: one row per country, category,
 * state and region id, ordered by country code, category name, state and region id,
 * with its count of numbers in stock and the prices of its first number (in number
 * order). A row of phone count 0 appears only with @c include_empty: all of its numbers
 * held by a reservation or a PROCESSING purchase, or none left in the inventory (rented
 * out, purchased or removed: the region as its first import brought it, without prices).
 * @param[out] out the rows; NULL on failure.
 * @param[in]  store the store.
 * @param[in]  caller the caller, for the authorizer.
 * @param[in]  project "projects/{p}": whose catalogue (numbering.availableNumbers.list on it).
 * @param[in]  query what to select; NULL selects everything.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT (a NULL pointer, a bad project, a
 *         country code that is not two upper-case letters, field "country_code");
 *         NUMBERING_PERMISSION_DENIED; NUMBERING_RESOURCE_EXHAUSTED; a backend's error.
 *
 * Ownership: @p *out is the caller's, freed with numbering_catalogue_free().
 * Thread safety: may run beside every other store call.
 */
NUMBERING_EXTERN(int) numbering_store_catalogue_regions(numbering_catalogue **out, numbering_store *store,
                                                         const char *caller, const char *project,
                                                         const numbering_catalogue_query *query);

/**
 * The numbers in stock that @p query selects, in the inventory's order (by number
 * type, then number), @p offset of them skipped and at most @p count given: one row
 * per number, with its region's attributes. @c include_empty is ignored.
 * @param[out] out the rows; NULL on failure.
 * @param[out] total how many numbers match in all (past the page too).
 * @param[in]  store the store.
 * @param[in]  caller the caller, for the authorizer.
 * @param[in]  project "projects/{p}" (numbering.availableNumbers.list on it).
 * @param[in]  query what to select; NULL selects everything.
 * @param[in]  offset numbers skipped, 0 or more.
 * @param[in]  count the most rows, 0 .. 1000 (docs/LIMITS.md).
 * @return as numbering_store_catalogue_regions(), and NUMBERING_INVALID_ARGUMENT for
 *         @p offset or @p count out of range (fields "offset", "count").
 *
 * Ownership: @p *out is the caller's, freed with numbering_catalogue_free().
 * Thread safety: may run beside every other store call.
 */
NUMBERING_EXTERN(int) numbering_store_catalogue_numbers(numbering_catalogue **out, int64_t *total,
                                                         numbering_store *store, const char *caller,
                                                         const char *project, const numbering_catalogue_query *query,
                                                         int64_t offset, int count);

/**
 * How many rows @p catalogue holds.
 * @param[in] catalogue the rows, or NULL.
 * @return the count, 0 for NULL. Sets no error.
 */
NUMBERING_EXTERN(int) numbering_catalogue_count(const numbering_catalogue *catalogue);

/**
 * The row getter: country_code.
 * @param[in] catalogue the rows, or NULL.
 * @param[in] i the row, 0 .. numbering_catalogue_count() - 1.
 * @return the row's country (region code), e.g. "US"; "" for NULL or a row out of range. Sets no error.
 *
 * Ownership: a string is the catalogue's, valid until numbering_catalogue_free().
 */
NUMBERING_EXTERN(const char *) numbering_catalogue_country_code(const numbering_catalogue *catalogue, int i);

/**
 * The row getter: category_name.
 * @param[in] catalogue the rows, or NULL.
 * @param[in] i the row, 0 .. numbering_catalogue_count() - 1.
 * @return the row's category ("categoryName"); "" when its numbers have none, for NULL or a row out of range. Sets no error.
 *
 * Ownership: a string is the catalogue's, valid until numbering_catalogue_free().
 */
NUMBERING_EXTERN(const char *) numbering_catalogue_category_name(const numbering_catalogue *catalogue, int i);

/**
 * The row getter: country_state.
 * @param[in] catalogue the rows, or NULL.
 * @param[in] i the row, 0 .. numbering_catalogue_count() - 1.
 * @return the row's country state ("region"); "" when none, for NULL or a row out of range. Sets no error.
 *
 * Ownership: a string is the catalogue's, valid until numbering_catalogue_free().
 */
NUMBERING_EXTERN(const char *) numbering_catalogue_country_state(const numbering_catalogue *catalogue, int i);

/**
 * The row getter: region_id.
 * @param[in] catalogue the rows, or NULL.
 * @param[in] i the row, 0 .. numbering_catalogue_count() - 1.
 * @return the row's region id ("regionId"); 0 when none, for NULL or a row out of range. Sets no error.
 *
 * Ownership: a string is the catalogue's, valid until numbering_catalogue_free().
 */
NUMBERING_EXTERN(int64_t) numbering_catalogue_region_id(const numbering_catalogue *catalogue, int i);

/**
 * The row getter: region_name.
 * @param[in] catalogue the rows, or NULL.
 * @param[in] i the row, 0 .. numbering_catalogue_count() - 1.
 * @return the row's region name ("regionName") as the host loaded it; "" when none, for NULL or a row out of range. Sets no error.
 *
 * Ownership: a string is the catalogue's, valid until numbering_catalogue_free().
 */
NUMBERING_EXTERN(const char *) numbering_catalogue_region_name(const numbering_catalogue *catalogue, int i);

/**
 * The row getter: region_code.
 * @param[in] catalogue the rows, or NULL.
 * @param[in] i the row, 0 .. numbering_catalogue_count() - 1.
 * @return the row's phone prefix: the common leading digits of its numbers after the calling code (a number row: its national digits); "" for NULL or a row out of range. Sets no error.
 *
 * Ownership: a string is the catalogue's, valid until numbering_catalogue_free().
 */
NUMBERING_EXTERN(const char *) numbering_catalogue_region_code(const numbering_catalogue *catalogue, int i);

/**
 * The row getter: phone_number.
 * @param[in] catalogue the rows, or NULL.
 * @param[in] i the row, 0 .. numbering_catalogue_count() - 1.
 * @return the row's number, "+" and its digits (numbering_store_catalogue_numbers()); "" for a region row, NULL or a row out of range. Sets no error.
 *
 * Ownership: a string is the catalogue's, valid until numbering_catalogue_free().
 */
NUMBERING_EXTERN(const char *) numbering_catalogue_phone_number(const numbering_catalogue *catalogue, int i);

/**
 * The row getter: phone_count.
 * @param[in] catalogue the rows, or NULL.
 * @param[in] i the row, 0 .. numbering_catalogue_count() - 1.
 * @return numbers in stock (a region row); 1 for a number row; 0 for NULL or a row out of range. Sets no error.
 *
 * Ownership: a string is the catalogue's, valid until numbering_catalogue_free().
 */
NUMBERING_EXTERN(int64_t) numbering_catalogue_phone_count(const numbering_catalogue *catalogue, int i);

/**
 * The row getter: payment_interval_months.
 * @param[in] catalogue the rows, or NULL.
 * @param[in] i the row, 0 .. numbering_catalogue_count() - 1.
 * @return "paymentIntervalMonths" of the row's (first) number, 1 .. 120; 0 for NULL or a row out of range. Sets no error.
 *
 * Ownership: a string is the catalogue's, valid until numbering_catalogue_free().
 */
NUMBERING_EXTERN(int) numbering_catalogue_payment_interval_months(const numbering_catalogue *catalogue, int i);

/**
 * The row getter: documents_required.
 * @param[in] catalogue the rows, or NULL.
 * @param[in] i the row, 0 .. numbering_catalogue_count() - 1.
 * @return 1 when the row's (first) number needs documents ("supportingDocumentationRequired"), else 0; 0 for NULL or a row out of range. Sets no error.
 *
 * Ownership: a string is the catalogue's, valid until numbering_catalogue_free().
 */
NUMBERING_EXTERN(int) numbering_catalogue_documents_required(const numbering_catalogue *catalogue, int i);

/**
 * The row getter: has_states.
 * @param[in] catalogue the rows, or NULL.
 * @param[in] i the row, 0 .. numbering_catalogue_count() - 1.
 * @return 1 when a number of the row's country and category has a state, else 0 (region rows); 0 for NULL or a row out of range. Sets no error.
 *
 * Ownership: a string is the catalogue's, valid until numbering_catalogue_free().
 */
NUMBERING_EXTERN(int) numbering_catalogue_has_states(const numbering_catalogue *catalogue, int i);

/**
 * A price of a row's (first) number.
 * @param[in]  catalogue the rows.
 * @param[in]  i the row.
 * @param[in]  monthly 1 for the monthly price, 0 for the setup price.
 * @param[out] currency_code its currency, owned by @p catalogue.
 * @param[out] minor_units the amount in minor units.
 * @return NUMBERING_OK; NUMBERING_NOT_FOUND when the number has no such price;
 *         NUMBERING_INVALID_ARGUMENT for a NULL pointer or a row out of range.
 */
NUMBERING_EXTERN(int) numbering_catalogue_price(const numbering_catalogue *catalogue, int i, int monthly,
                                                const char **currency_code, int64_t *minor_units);

/**
 * Frees @p catalogue. NULL is a no-op.
 * @param[in] catalogue the rows, or NULL.
 */
NUMBERING_EXTERN(void) numbering_catalogue_free(numbering_catalogue *catalogue);

#ifdef __cplusplus
}
#endif

#endif
