/**
 * @file numbering/inventory.h
 * @brief The inventory: numbers a host holds for sale, searched and rented by projects.
 *
 * An available number is one number or a block of consecutive numbers of one digit
 * count ("+12085550100-99"), with the attributes every seed names: region code
 * (ISO 3166-1 alpha-2), type, capabilities, setup and monthly price (an ISO 4217
 * currency and an integer count of minor units: never floating point), payment
 * interval, whether documents are needed, and descriptive text (LATA, rate center,
 * region, postal code, friendly name, category and region names).
 *
 * A number is either in the inventory or held by a live instance, never both and never
 * twice: the store refuses an import that overlaps either (NUMBERING_ALREADY_EXISTS
 * naming the number). Renting takes one number out of the inventory and makes it a
 * single-number instance of the project, in one atomic transaction; renting a number
 * out of a block splits the block in constant time.
 *
 * Attributes other than the numbers, region code and type are reached by their JSON
 * name (the seeds' camelCase: "rateCenter", "setupPrice" ...), one list in the library
 * (docs/INVENTORY.md lists them with their types and limits).
 *
 * Thread safety: an object is not shared between threads while one of them changes it;
 * the store calls may run beside every other store call.
 */
#ifndef NUMBERING_INVENTORY_H
#define NUMBERING_INVENTORY_H

#include "common.h"
#include "instance.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One available number or block, with its attributes: opaque, the caller's. */
typedef struct numbering_available_number numbering_available_number;
/** The result of a search: opaque, the caller's, freed with numbering_available_list_free(). */
typedef struct numbering_available_list numbering_available_list;

/**
 * Allocates an empty available number (no numbers, payment interval 1 month).
 * @param[out] out the object, freed with numbering_available_number_free(); NULL on failure.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT when @p out is NULL;
 *         NUMBERING_RESOURCE_EXHAUSTED.
 *
 * Ownership: @p *out is the caller's. Thread safety: callable from any thread.
 */
NUMBERING_EXTERN(int) numbering_available_number_new(numbering_available_number **out);

/**
 * Frees @p number and everything it holds. NULL is a no-op.
 * @param[in] number the object, or NULL.
 *
 * Ownership: takes @p number. Thread safety: no other thread may be using it.
 */
NUMBERING_EXTERN(void) numbering_available_number_free(numbering_available_number *number);

/**
 * Sets the numbers: one number ("+12085550100", or a national form with @p region) or
 * a block in range notation ("+12085550100-99": +12085550100 to +12085550199).
 * When no region code is set, the number's region becomes it.
 * @param[in] number the object.
 * @param[in] text the number or block.
 * @param[in] region ISO 3166-1 alpha-2 region for national forms, or NULL.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming "phoneNumber" and the text
 *         (not a number, not a possible number, a block across digit counts);
 *         NUMBERING_RESOURCE_EXHAUSTED. On failure @p number is unchanged.
 *
 * Thread safety: no other thread may be using @p number.
 */
NUMBERING_EXTERN(int) numbering_available_number_set_numbers(numbering_available_number *number, const char *text,
                                                             const char *region);

/**
 * The first number, "+" and its digits; "" when no numbers are set (and for NULL).
 * @param[in] number the object, or NULL.
 * @return a string owned by @p number, valid until it is changed or freed. Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(const char *) numbering_available_number_phone_number(const numbering_available_number *number);

/**
 * How many numbers the object holds: 1 for a single number, the block's size, 0
 * when none are set (and for NULL).
 * @param[in] number the object, or NULL.
 * @return the count. Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(int64_t) numbering_available_number_size(const numbering_available_number *number);

/**
 * Sets the region code, ISO 3166-1 alpha-2 ("US"), which must be a known region.
 * @param[in] number the object.
 * @param[in] region_code two upper-case letters.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming "regionCode" and the value.
 *
 * Thread safety: no other thread may be using @p number.
 */
NUMBERING_EXTERN(int) numbering_available_number_set_region_code(numbering_available_number *number,
                                                                 const char *region_code);

/**
 * The region code; "" when unset (and for NULL).
 * @param[in] number the object, or NULL.
 * @return a string owned by @p number, valid until it is changed or freed. Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(const char *) numbering_available_number_region_code(const numbering_available_number *number);

/**
 * Sets the type: a numbering_number_type other than NUMBERING_NUMBER_TYPE_UNSPECIFIED.
 * @param[in] number the object.
 * @param[in] type the type.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming "type" and the value.
 *
 * Thread safety: no other thread may be using @p number.
 */
NUMBERING_EXTERN(int) numbering_available_number_set_type(numbering_available_number *number, int type);

/**
 * The type, a numbering_number_type; NUMBERING_NUMBER_TYPE_UNSPECIFIED when unset
 * (and for NULL).
 * @param[in] number the object, or NULL.
 * @return the type. Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(int) numbering_available_number_type(const numbering_available_number *number);

/**
 * Sets a text attribute by its JSON name ("lata", "rateCenter", "region", "postalCode",
 * "friendlyName", "categoryName", "regionName"): valid UTF-8 without control
 * characters, 1 byte up to the attribute's limit. NULL or "" unsets it.
 * @param[in] number the object.
 * @param[in] attribute the attribute's name.
 * @param[in] value the text; copied.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming the attribute (unknown, not
 *         text, or a bad value); NUMBERING_RESOURCE_EXHAUSTED. On failure nothing changes.
 *
 * Thread safety: no other thread may be using @p number.
 */
NUMBERING_EXTERN(int) numbering_available_number_set_text(numbering_available_number *number, const char *attribute,
                                                          const char *value);

/**
 * A text attribute by its JSON name; "" when unset, unknown or not text (and for NULL).
 * @param[in] number the object, or NULL.
 * @param[in] attribute the attribute's name.
 * @return a string owned by @p number, valid until it is changed or freed. Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(const char *) numbering_available_number_text(const numbering_available_number *number,
                                                               const char *attribute);

/**
 * Sets an integer or flag attribute by its JSON name: "capability" (NUMBERING_CAPABILITY_*
 * flags), "paymentIntervalMonths" (1 .. 120), "supportingDocumentationRequired" and
 * "beta" and "sandbox" (0 or 1), "regionId" (0 or more).
 * @param[in] number the object.
 * @param[in] attribute the attribute's name.
 * @param[in] value the value.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming the attribute (unknown, not an
 *         integer, or out of range).
 *
 * Thread safety: no other thread may be using @p number.
 */
NUMBERING_EXTERN(int) numbering_available_number_set_int(numbering_available_number *number, const char *attribute,
                                                         int64_t value);

/**
 * An integer or flag attribute by its JSON name (its default when unset: 1 for
 * "paymentIntervalMonths", 0 otherwise; 0 for an unknown name and for NULL).
 * @param[in] number the object, or NULL.
 * @param[in] attribute the attribute's name.
 * @return the value. Sets no error.
 *
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(int64_t) numbering_available_number_int(const numbering_available_number *number,
                                                         const char *attribute);

/**
 * Sets a price by its JSON name ("setupPrice", "monthlyPrice"): an ISO 4217 currency
 * and a count of its minor units (cents for USD), 0 or more. A NULL currency unsets it.
 * @param[in] number the object.
 * @param[in] attribute the price's name.
 * @param[in] currency_code the currency, three upper-case letters, or NULL.
 * @param[in] minor_units the amount in minor units.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming the attribute or
 *         "currencyCode" (unknown price, unknown currency, negative amount).
 *
 * Thread safety: no other thread may be using @p number.
 */
NUMBERING_EXTERN(int) numbering_available_number_set_money(numbering_available_number *number, const char *attribute,
                                                           const char *currency_code, int64_t minor_units);

/**
 * A price by its JSON name.
 * @param[in] number the object, or NULL.
 * @param[in] attribute the price's name.
 * @param[out] currency_code the currency, owned by @p number; "" when unset.
 * @param[out] minor_units the amount in minor units; 0 when unset.
 * @return NUMBERING_OK; NUMBERING_NOT_FOUND when the price is unset;
 *         NUMBERING_INVALID_ARGUMENT for a NULL argument or an unknown price.
 *
 * Lifetime: @p *currency_code until @p number is changed or freed.
 * Thread safety: any number of threads may read an object no thread changes.
 */
NUMBERING_EXTERN(int) numbering_available_number_money(const numbering_available_number *number, const char *attribute,
                                                       const char **currency_code, int64_t *minor_units);

/**
 * Loads numbers into the inventory, all or nothing: each must hold numbers, a known
 * region code and a type, and overlap neither another available number nor a live
 * instance. A host operation: the caller needs numbering.availableNumbers.import on
 * project "*".
 * @param[out] imported how many numbers were imported (blocks count every number); may be NULL.
 * @param[in] store the store.
 * @param[in] caller who asks, for the authorizer.
 * @param[in] numbers @p count objects.
 * @param[in] count 1 .. 100000.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming the item and field
 *         ("availableNumbers[3].type"); NUMBERING_ALREADY_EXISTS naming the number held
 *         (by the inventory, another item of the request or an instance);
 *         NUMBERING_PERMISSION_DENIED; the backend's errors. On failure nothing changed.
 *
 * Thread safety: the store serializes writers.
 */
NUMBERING_EXTERN(int) numbering_store_import_available(int64_t *imported, numbering_store *store, const char *caller,
                                                       const numbering_available_number *const *numbers, int count);

/**
 * Withdraws numbers from the inventory, all or nothing: each text is one number or a
 * block in range notation, and every number of it must be in the inventory and not
 * held for anyone. A host operation: the caller needs numbering.availableNumbers.remove
 * on project "*".
 * @param[out] removed how many numbers left the inventory; may be NULL.
 * @param[in] store the store.
 * @param[in] caller who asks.
 * @param[in] phone_numbers @p count texts.
 * @param[in] count 1 .. 100000.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming "phoneNumbers[i]";
 *         NUMBERING_NOT_FOUND naming the first number not in the inventory;
 *         NUMBERING_PERMISSION_DENIED; the backend's errors. On failure nothing changed.
 *
 * Thread safety: the store serializes writers.
 */
NUMBERING_EXTERN(int) numbering_store_remove_available(int64_t *removed, numbering_store *store, const char *caller,
                                                       const char *const *phone_numbers, int count);

/** @name Search patterns (numbering_available_query.search_pattern) */
/**@{*/
/** The number starts with the pattern: from the country code when the pattern starts
 * with '+', else from the national significant number. */
#define NUMBERING_SEARCH_START 0
/** The number's digits contain the pattern. */
#define NUMBERING_SEARCH_CONTAINS 1
/** The number ends with the pattern. */
#define NUMBERING_SEARCH_END 2
/**@}*/

/** What a search asks for (ListAvailableNumbers, RentAnyNumber). */
typedef struct numbering_available_query {
	/** NUMBERING_AVAILABLE_QUERY_VERSION. */
	unsigned int version;
	/* Version 1 fields. */
	/** Required: the region, ISO 3166-1 alpha-2. */
	const char *region_code;
	/** Required: a numbering_number_type. */
	int type;
	/** Digits to match ("+" first allowed for START), or NULL / "" for none. */
	const char *pattern;
	/** NUMBERING_SEARCH_*. */
	int search_pattern;
	/** NUMBERING_CAPABILITY_* flags every result must have (0: any). */
	int capabilities;
	/** At most this many results: 0 for the default 10; 1 .. 1000. */
	int size;
} numbering_available_query;

/** The numbering_available_query version these headers know. */
#define NUMBERING_AVAILABLE_QUERY_VERSION 1
/** Static initializer: this version, START, default size, every other field 0 / NULL. */
#define NUMBERING_AVAILABLE_QUERY_INIT {NUMBERING_AVAILABLE_QUERY_VERSION, NULL, 0, NULL, 0, 0, 0}

/**
 * Initializes @p query as NUMBERING_AVAILABLE_QUERY_INIT does (for FFI).
 * @param[out] query the query.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT when @p query is NULL.
 *
 * Thread safety: callable from any thread.
 */
NUMBERING_EXTERN(int) numbering_available_query_init(numbering_available_query *query);

/**
 * Searches the inventory for a project (ListAvailableNumbers): single numbers, in
 * ascending number order (by digit count, then value), each with its block's
 * attributes; numbers held for someone are not listed.
 * @param[out] out the result, freed with numbering_available_list_free(); NULL on failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.availableNumbers.list on @p project.
 * @param[in] project "projects/{project}".
 * @param[in] query what to find.
 * @return NUMBERING_OK (maybe with no result); NUMBERING_INVALID_ARGUMENT naming
 *         "regionCode", "type", "numberPattern.pattern", "numberPattern.searchPattern",
 *         "capabilities" or "size"; NUMBERING_PERMISSION_DENIED; the backend's errors.
 *
 * Ownership: @p *out is the caller's. Thread safety: runs beside every other store call.
 */
NUMBERING_EXTERN(int) numbering_store_search_available(numbering_available_list **out, numbering_store *store,
                                                       const char *caller, const char *project,
                                                       const numbering_available_query *query);

/**
 * How many numbers a search result holds.
 * @param[in] list the result, or NULL.
 * @return the count; 0 for NULL. Sets no error.
 *
 * Thread safety: any number of threads may read a result.
 */
NUMBERING_EXTERN(int) numbering_available_list_count(const numbering_available_list *list);

/**
 * Number @p i of a search result, a single number.
 * @param[in] list the result, or NULL.
 * @param[in] i 0 .. numbering_available_list_count() - 1.
 * @return an object owned by the result, valid until numbering_available_list_free();
 *         NULL when out of range. Sets no error.
 *
 * Thread safety: any number of threads may read a result.
 */
NUMBERING_EXTERN(const numbering_available_number *) numbering_available_list_item(const numbering_available_list *list,
                                                                                  int i);

/**
 * Frees a search result and its items. NULL is a no-op.
 * @param[in] list the result, or NULL.
 *
 * Ownership: takes @p list. Thread safety: no other thread may be using it.
 */
NUMBERING_EXTERN(void) numbering_available_list_free(numbering_available_list *list);

/**
 * One available number (GetAvailableNumber), with its block's attributes.
 * @param[out] out the number, the caller's; NULL on failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.availableNumbers.get on @p project.
 * @param[in] project "projects/{project}".
 * @param[in] phone_number the number, E.164 with '+'.
 * @return NUMBERING_OK; NUMBERING_NOT_FOUND when the number is not available (not in
 *         the inventory, or held for someone); NUMBERING_INVALID_ARGUMENT naming
 *         "phoneNumber"; NUMBERING_PERMISSION_DENIED; the backend's errors.
 *
 * Thread safety: runs beside every other store call.
 */
NUMBERING_EXTERN(int) numbering_store_get_available(numbering_available_number **out, numbering_store *store,
                                                    const char *caller, const char *project, const char *phone_number);

/** The result of numbering_store_available_regions(): opaque, the caller's, freed with
 * numbering_available_region_list_free(). */
typedef struct numbering_available_region_list numbering_available_region_list;

/** The bit of numbering_number_type @p type in a set of types
 * (numbering_store_available_regions(), numbering_available_region_list_types()). */
#define NUMBERING_NUMBER_TYPE_BIT(type) (1 << (type))

/**
 * The regions the inventory has numbers for (ListAvailableRegions): each region with
 * at least one listed number (not held for anyone) of one of @p types, sorted by region
 * code, with its name (numbering_region_name()) and the types it has numbers of.
 * @param[out] out the result, freed with numbering_available_region_list_free(); NULL on
 *            failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.availableRegions.list on @p project.
 * @param[in] project "projects/{project}".
 * @param[in] types the types asked for, NUMBERING_NUMBER_TYPE_BIT() of each, OR-ed; 0 for
 *            every type.
 * @return NUMBERING_OK (maybe with no region); NUMBERING_INVALID_ARGUMENT naming
 *         "projectId" or "types" (a bit that is no number type, the unspecified type's
 *         included); NUMBERING_PERMISSION_DENIED; NUMBERING_RESOURCE_EXHAUSTED; the
 *         backend's errors.
 *
 * Cost: one backend list query of at most one record per known region and type asked
 * for (about 250 regions x 5 types), whatever the inventory's size.
 * Ownership: @p *out is the caller's. Thread safety: runs beside every other store call.
 */
NUMBERING_EXTERN(int) numbering_store_available_regions(numbering_available_region_list **out,
                                                        numbering_store *store, const char *caller,
                                                        const char *project, int types);

/**
 * How many regions a result holds.
 * @param[in] list the result, or NULL.
 * @return the count; 0 for NULL. Sets no error.
 *
 * Thread safety: any number of threads may read a result.
 */
NUMBERING_EXTERN(int) numbering_available_region_list_count(const numbering_available_region_list *list);

/**
 * The region code of region @p i, ISO 3166-1 alpha-2 ("US").
 * @param[in] list the result, or NULL.
 * @param[in] i 0 .. numbering_available_region_list_count() - 1.
 * @return a string owned by the result, valid until numbering_available_region_list_free();
 *         "" when out of range. Sets no error.
 *
 * Thread safety: any number of threads may read a result.
 */
NUMBERING_EXTERN(const char *) numbering_available_region_list_code(const numbering_available_region_list *list,
                                                                   int i);

/**
 * The display name of region @p i ("United States"), as numbering_region_name() gives it.
 * @param[in] list the result, or NULL.
 * @param[in] i 0 .. numbering_available_region_list_count() - 1.
 * @return a static string of the library (never freed); "" when out of range. Sets no error.
 *
 * Thread safety: any number of threads may read a result.
 */
NUMBERING_EXTERN(const char *) numbering_available_region_list_name(const numbering_available_region_list *list,
                                                                   int i);

/**
 * The types region @p i has listed numbers of, among those asked for.
 * @param[in] list the result, or NULL.
 * @param[in] i 0 .. numbering_available_region_list_count() - 1.
 * @return NUMBERING_NUMBER_TYPE_BIT() of each type, OR-ed; 0 when out of range. Sets no error.
 *
 * Thread safety: any number of threads may read a result.
 */
NUMBERING_EXTERN(int) numbering_available_region_list_types(const numbering_available_region_list *list, int i);

/**
 * Frees a region result. NULL is a no-op.
 * @param[in] list the result, or NULL.
 *
 * Ownership: takes @p list. Thread safety: no other thread may be using it.
 */
NUMBERING_EXTERN(void) numbering_available_region_list_free(numbering_available_region_list *list);

/* Renting: numbering_store_rent() and numbering_store_rent_any() in numbering/active.h. */

#ifdef __cplusplus
}
#endif

#endif
