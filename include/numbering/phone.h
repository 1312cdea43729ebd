/**
 * @file numbering/phone.h
 * @brief Voximplant PhoneNumbers: phone ids, attach and deactivate, binding and queries.
 */
#ifndef NUMBERING_PHONE_H
#define NUMBERING_PHONE_H

#include <stddef.h>
#include <stdint.h>

#include "numbering/common.h"
#include "numbering/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Phone ids (helper A) */

/*
 * Every phone number instance has a phone id (numbering_instance_phone_id()):
 * Voximplant's phone_id, a positive integer unique in the store and never given twice,
 * given when the instance is first stored however it was made (created, split off,
 * rented, purchased, attached) and kept by a move. A store written before phone ids
 * gives its instances theirs at its first writable open (docs/RECORDS.md).
 */

/**
 * The phone id of the instance of @p project holding @p phone_number.
 * @param[out] phone_id the phone id; 0 on failure, and for an instance of a store
 *             written before phone ids that is open read-only.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.phoneNumberInstances.get on @p project.
 * @param[in] project "projects/{project}".
 * @param[in] phone_number any notation numbering_store_resolve() takes (E.164 with
 *            its +, or national with the store's default region).
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming "phone_id" (NULL),
 *         "project" or "phone_number"; NUMBERING_PERMISSION_DENIED; NUMBERING_NOT_FOUND
 *         naming "phone_number" when no instance of @p project holds it (a number
 *         of another project is not found); or a storage error.
 *
 * Thread safety: any thread, beside every other store call.
 */
NUMBERING_EXTERN(int) numbering_store_phone_id(int64_t *phone_id, numbering_store *store, const char *caller,
                                               const char *project, const char *phone_number);

/**
 * Gets the instance of @p project whose phone id is @p phone_id (DELETED ones too).
 * @param[out] out the instance, the caller's (numbering_instance_free()); NULL on
 *             failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.phoneNumberInstances.get on @p project.
 * @param[in] project "projects/{project}".
 * @param[in] phone_id the phone id, 1 or more.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming "out", "project" or
 *         "phone_id" (below 1); NUMBERING_PERMISSION_DENIED; NUMBERING_NOT_FOUND
 *         naming "phone_id" when @p project has no instance with it; or a storage
 *         error.
 *
 * Performance: one list of the project's instances filtered by the record's key 0
 * (the backends of the library filter their keys: a scan of the project).
 * Thread safety: any thread, beside every other store call.
 */
NUMBERING_EXTERN(int) numbering_store_get_by_phone_id(numbering_instance **out, numbering_store *store,
                                                      const char *caller, const char *project, int64_t phone_id);

/** @name Which inbound SMS callback URL applies to a number (numbering_store_phone_routing()) */
/**@{*/
#define NUMBERING_SMS_CALLBACK_NONE 0    /**< neither the number nor its account has one */
#define NUMBERING_SMS_CALLBACK_NUMBER 1  /**< the number's own incoming_sms_callback_url */
#define NUMBERING_SMS_CALLBACK_ACCOUNT 2 /**< the account's general URL (numbering_store_set_account_callback_url()) */
/**@}*/

/**
 * What routes a number, as ResolvePhoneNumber reports it beside the instance: its
 * bound application and rule, and which inbound SMS callback URL applies (the
 * number's incoming_sms_callback_url, else its account's general URL).
 * numbering_store_resolve() does not read these, so that the resolve path stays one
 * look-up; call this after it with the instance's name.
 * @param[out] application_id the bound application's id, 0 when unbound; NULL: not wanted.
 * @param[out] rule_id the bound rule's id, 0 when none; NULL: not wanted.
 * @param[out] sms_callback_url the URL that applies, "" for none; the caller's, freed
 *             with numbering_free(); NULL: not wanted. NULL on failure.
 * @param[out] sms_callback_source NUMBERING_SMS_CALLBACK_*; NULL: not wanted.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.phoneNumberInstances.resolve on the
 *            instance's project.
 * @param[in] name the instance's name.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming "name"; NUMBERING_NOT_FOUND
 *         naming "name" (also when the caller may not resolve there, as a resolve
 *         answers); NUMBERING_RESOURCE_EXHAUSTED; or a storage error.
 *
 * Thread safety: any thread, beside every other store call.
 */
NUMBERING_EXTERN(int) numbering_store_phone_routing(int64_t *application_id, int64_t *rule_id,
                                                    char **sms_callback_url, int *sms_callback_source,
                                                    numbering_store *store, const char *caller, const char *name);

/**
 * Sets the account's general inbound SMS callback URL: where inbound SMS callbacks of
 * its numbers without their own incoming_sms_callback_url go (Voximplant's account
 * callback URL). Kept in the project's callback configuration (beside its
 * hmacSecret, numbering/outbox.h), so the host sets it as it sets the secret.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.callbackConfiguration.update on @p project.
 * @param[in] project "projects/{project}" (the account).
 * @param[in] url an http:// or https:// URL of at most 2048 bytes; NULL or "" removes it.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming "account_id" or
 *         "callback_url"; NUMBERING_PERMISSION_DENIED; or a storage error.
 *
 * Thread safety: any thread, beside every other store call.
 */
NUMBERING_EXTERN(int) numbering_store_set_account_callback_url(numbering_store *store, const char *caller,
                                                               const char *project, const char *url);

/**
 * Reads the account's general inbound SMS callback URL.
 * @param[out] url the URL, "" for none; the caller's, freed with numbering_free().
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.callbackConfiguration.get on @p project.
 * @param[in] project "projects/{project}".
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming "url" or "account_id";
 *         NUMBERING_PERMISSION_DENIED; or a storage error.
 *
 * Thread safety: any thread, beside every other store call.
 */
NUMBERING_EXTERN(int) numbering_store_get_account_callback_url(char **url, numbering_store *store,
                                                               const char *caller, const char *project);

/* Attach and deactivate (helper D) */

/** @name verification_status of an attached number (Voximplant's) */
/**@{*/
/** The number needs no verification (attached without documents to check). */
#define NUMBERING_VERIFICATION_NONE 0
/** Its documents are to be checked: it cannot be used, and is held until unverified_hold_until. */
#define NUMBERING_VERIFICATION_REQUIRED 1
/** The host is checking its documents; still held. */
#define NUMBERING_VERIFICATION_IN_PROGRESS 2
/** Verified: the purchase completed, the hold cleared, the number usable. */
#define NUMBERING_VERIFICATION_VERIFIED 3
/**@}*/

/** The most numbers one attach takes (phone_count, or phone_number items). */
#define NUMBERING_ATTACH_COUNT_MAX 1000
/** The most phone ids or numbers one deactivate lists (docs/LIMITS.md). */
#define NUMBERING_PHONE_LIST_MAX 10000

/** The numbering_attach_request version these headers know. */
#define NUMBERING_ATTACH_REQUEST_VERSION 1

/**
 * What Voximplant's AttachPhoneNumber asks for. Initialize with
 * NUMBERING_ATTACH_REQUEST_INIT or numbering_attach_request_init(); fields are only
 * ever appended. Every string is the caller's, read during the call only.
 */
typedef struct numbering_attach_request {
	/** NUMBERING_ATTACH_REQUEST_VERSION. */
	unsigned int version;
	/* Version 1 fields. */
	/** country_code: the numbers' ISO 3166-1 alpha-2 country ("US"); required. */
	const char *country_code;
	/** country_state: the inventory's region attribute ("CA"), or NULL for any. */
	const char *country_state;
	/** phone_category_name: the inventory's categoryName ("GEOGRAPHIC"); required. */
	const char *phone_category_name;
	/** phone_region_id: the inventory's regionId; required (1 or more). */
	int64_t phone_region_id;
	/** phone_count: how many numbers to attach, 1 .. NUMBERING_ATTACH_COUNT_MAX; 0 with phone_numbers. */
	int64_t phone_count;
	/** phone_number: exactly these numbers (E.164), or NULL with phone_count. */
	const char *const *phone_numbers;
	/** How many @c phone_numbers holds, 1 .. NUMBERING_ATTACH_COUNT_MAX. */
	int phone_number_count;
	/** regulation_address_id: stored with each number (GetPhoneNumbers shows it); 0 for none. */
	int64_t regulation_address_id;
} numbering_attach_request;

/** Static initializer of a numbering_attach_request: this version, nothing set. */
#define NUMBERING_ATTACH_REQUEST_INIT {NUMBERING_ATTACH_REQUEST_VERSION, NULL, NULL, NULL, 0, 0, NULL, 0, 0}

/**
 * Initializes @p request as NUMBERING_ATTACH_REQUEST_INIT does (for FFI callers).
 * @param[out] request the request.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT for NULL.
 *
 * Thread safety: reentrant.
 */
NUMBERING_EXTERN(int) numbering_attach_request_init(numbering_attach_request *request);

/** The numbers one attach took, in number order (opaque). */
typedef struct numbering_attached numbering_attached;

/**
 * Voximplant's AttachPhoneNumber: attaches to @p project phone_count numbers of the
 * inventory matching country_code, phone_category_name, phone_region_id and (when
 * given) country_state, the lowest numbers first, or exactly the phone_numbers listed
 * (each must match those too). Each is an acquisition with its purchase (setupPrice
 * plus the first paymentIntervalMonths of monthlyPrice) and its subscription
 * (numbering/purchase.h, numbering/subscription.h), ALL OR NOTHING in one transaction:
 * when fewer numbers are available than asked, or the billing account cannot pay for
 * all of them, nothing is attached and nothing charged.
 *
 * A number whose inventory says supportingDocumentationRequired is attached for the
 * host to verify: verification_status NUMBERING_VERIFICATION_REQUIRED,
 * unverified_hold_until the attach time plus numbering_options.unverified_hold_seconds
 * (default 14 days), can_be_used false, its instance PENDING and its purchase
 * PROCESSING with the cost reserved; numbering_store_verify_phone_number() completes
 * it, and numbering_store_process_due() cancels it once the hold has passed.
 *
 * @param[out] out the numbers attached; NULL on failure.
 * @param[in] store the store.
 * @param[in] caller the caller, for the authorizer: numbering.phoneNumbers.attach on @p project.
 * @param[in] project "projects/{account_id}".
 * @param[in] request what to attach.
 * @return NUMBERING_OK;
 *         NUMBERING_INVALID_ARGUMENT naming the parameter (country_code, country_state,
 *         phone_category_name, phone_region_id, phone_count, phone_number,
 *         regulation_address_id, version, account_id), or a listed number that does not
 *         match a filter (naming that filter);
 *         NUMBERING_NOT_FOUND naming phone_number for a listed number not available;
 *         NUMBERING_FAILED_PRECONDITION naming phone_count when fewer numbers match than
 *         asked (the message gives both counts), or naming account_id when the balance
 *         cannot pay for all (needed and available) or is in another currency;
 *         NUMBERING_RESOURCE_EXHAUSTED past numbering_options.max_instances or out of
 *         memory; NUMBERING_PERMISSION_DENIED; the backend's errors.
 *
 * Ownership: @p *out is the caller's, freed with numbering_attached_free().
 * Thread safety: the store serializes writers.
 */
NUMBERING_EXTERN(int) numbering_store_attach_phone_numbers(numbering_attached **out, numbering_store *store,
                                                           const char *caller, const char *project,
                                                           const numbering_attach_request *request);

/**
 * How many numbers @p attached holds.
 * @param[in] attached the result, or NULL (0).
 * @return the count.
 */
NUMBERING_EXTERN(int) numbering_attached_count(const numbering_attached *attached);

/**
 * The number @p i attached, E.164 ("+12025550100").
 * @param[in] attached the result.
 * @param[in] i 0 .. count - 1.
 * @return the number, "" out of range; borrowed, valid until numbering_attached_free().
 */
NUMBERING_EXTERN(const char *) numbering_attached_phone_number(const numbering_attached *attached, int i);

/**
 * The phone_id of the number @p i attached.
 * @param[in] attached the result.
 * @param[in] i 0 .. count - 1.
 * @return the id; 0 out of range.
 */
NUMBERING_EXTERN(int64_t) numbering_attached_phone_id(const numbering_attached *attached, int i);

/**
 * The instance name ("projects/p/phoneNumberInstances/{id}") of the number @p i attached.
 * @param[in] attached the result.
 * @param[in] i 0 .. count - 1.
 * @return the name, "" out of range; borrowed, valid until numbering_attached_free().
 */
NUMBERING_EXTERN(const char *) numbering_attached_instance(const numbering_attached *attached, int i);

/**
 * The verification_status of the number @p i attached: NUMBERING_VERIFICATION_NONE or
 * NUMBERING_VERIFICATION_REQUIRED.
 * @param[in] attached the result.
 * @param[in] i 0 .. count - 1.
 * @return the status; 0 out of range.
 */
NUMBERING_EXTERN(int) numbering_attached_verification_status(const numbering_attached *attached, int i);

/**
 * The unverified_hold_until of the number @p i attached (ns since the epoch; 0 when
 * it needs no verification).
 * @param[in] attached the result.
 * @param[in] i 0 .. count - 1.
 * @return the time; 0 out of range.
 */
NUMBERING_EXTERN(int64_t) numbering_attached_unverified_hold_until(const numbering_attached *attached, int i);

/**
 * Frees an attach result; NULL is a no-op.
 * @param[in] attached the result.
 */
NUMBERING_EXTERN(void) numbering_attached_free(numbering_attached *attached);

/**
 * Voximplant's DeactivatePhoneNumber: gives numbers of @p project back, all or
 * nothing in one transaction. Each instance becomes DELETED, its subscription ends
 * (cancelled), its number returns to the inventory with the attributes it was acquired
 * with, and its Voximplant state (binding, URL, verification) goes. A number still
 * waiting for its verification has its PROCESSING purchase CANCELLED and its reserve
 * released instead of a charge. Select the numbers by phone id, by number, or every
 * live number of the project (@p all).
 *
 * @param[out] deactivated how many numbers were given back; may be NULL.
 * @param[in] store the store.
 * @param[in] caller the caller, for the authorizer: numbering.phoneNumbers.deactivate on @p project.
 * @param[in] project "projects/{account_id}".
 * @param[in] phone_ids phone ids (1 or more), or NULL.
 * @param[in] phone_id_count how many, 0 .. NUMBERING_PHONE_LIST_MAX.
 * @param[in] all non-zero: every live number of @p project (phone_ids NULL, 0); a
 *            project without numbers deactivates nothing and succeeds.
 * @param[in] phone_numbers numbers (E.164), or NULL: instead of phone ids.
 * @param[in] phone_number_count how many, 0 .. NUMBERING_PHONE_LIST_MAX.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming phone_id or phone_number (none
 *         or both given, a bad id or number, too many); NUMBERING_NOT_FOUND naming
 *         phone_id or phone_number for one that is not a live number of @p project
 *         (another account's answers exactly as one that does not exist); nothing is
 *         deactivated on any error; NUMBERING_PERMISSION_DENIED; the backend's errors.
 *
 * Thread safety: the store serializes writers.
 */
NUMBERING_EXTERN(int) numbering_store_deactivate_phone_numbers(int64_t *deactivated, numbering_store *store,
                                                               const char *caller, const char *project,
                                                               const int64_t *phone_ids, int phone_id_count, int all,
                                                               const char *const *phone_numbers,
                                                               int phone_number_count);

/**
 * The host's verification of an attached number (a host operation: the caller holds
 * numbering.phoneNumbers.verify on project "*"). NUMBERING_VERIFICATION_IN_PROGRESS
 * records that the documents are being checked (the hold stays);
 * NUMBERING_VERIFICATION_VERIFIED completes the number's PROCESSING purchase (the
 * reserved cost charged, the subscription started), makes its instance ACTIVE and
 * clears unverified_hold_until, so can_be_used becomes true.
 *
 * @param[in] store the store.
 * @param[in] caller the host caller.
 * @param[in] project "projects/{account_id}": the number's project.
 * @param[in] phone_id the number's phone id, or 0 with @p phone_number.
 * @param[in] phone_number the number (E.164), or NULL with @p phone_id.
 * @param[in] verification_status NUMBERING_VERIFICATION_IN_PROGRESS or NUMBERING_VERIFICATION_VERIFIED.
 * @param[in] verification_name the verification's name (1 .. 256 bytes), or NULL to keep it.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming account_id, phone_id,
 *         phone_number, verification_status or verification_name; NUMBERING_NOT_FOUND
 *         naming phone_id or phone_number for no live number of @p project (another
 *         account's answers the same); NUMBERING_FAILED_PRECONDITION naming
 *         verification_status for a number not REQUIRED or IN_PROGRESS (already
 *         VERIFIED, or attached without documents to check);
 *         NUMBERING_PERMISSION_DENIED; the backend's errors.
 *
 * Thread safety: the store serializes writers.
 */
NUMBERING_EXTERN(int) numbering_store_verify_phone_number(numbering_store *store, const char *caller,
                                                          const char *project, int64_t phone_id, const char *phone_number,
                                                          int verification_status, const char *verification_name);

/* Binding and queries (helper E) */

/** @name Tri-state filters of numbering_phone_query */
/**@{*/
#define NUMBERING_PHONE_ANY (-1) /**< the filter is not applied */
/**@}*/

/** @name numbering_phone_query.order_by: the seed's order_by values, each in its direction */
/**@{*/
#define NUMBERING_PHONE_ORDER_PHONE_ID 0              /**< phone_id ascending (no order_by given) */
#define NUMBERING_PHONE_ORDER_PHONE_NUMBER 1          /**< 'phone_number', ascending */
#define NUMBERING_PHONE_ORDER_PHONE_PRICE 2           /**< 'phone_price', ascending */
#define NUMBERING_PHONE_ORDER_PHONE_COUNTRY_CODE 3    /**< 'phone_country_code', ascending */
#define NUMBERING_PHONE_ORDER_DEACTIVATED 4           /**< 'deactivated': deactivated first, active last */
#define NUMBERING_PHONE_ORDER_PURCHASE_DATE 5         /**< 'purchase_date', descending (newest first) */
#define NUMBERING_PHONE_ORDER_PHONE_NEXT_RENEWAL 6    /**< 'phone_next_renewal', ascending (none last) */
#define NUMBERING_PHONE_ORDER_VERIFICATION_STATUS 7   /**< 'verification_status': none, REQUIRED, IN_PROGRESS, VERIFIED */
#define NUMBERING_PHONE_ORDER_UNVERIFIED_HOLD_UNTIL 8 /**< 'unverified_hold_until', ascending (none last) */
#define NUMBERING_PHONE_ORDER_VERIFICATION_NAME 9     /**< 'verification_name', ascending bytewise (none first) */
/**@}*/

/** @name numbering_phone_query.sandbox */
/**@{*/
#define NUMBERING_PHONE_SANDBOX_ALL 0   /**< sandbox and real numbers (the default) */
#define NUMBERING_PHONE_SANDBOX_TRUE 1  /**< sandbox numbers only */
#define NUMBERING_PHONE_SANDBOX_FALSE 2 /**< real numbers only */
/**@}*/

/** The most items numbering_phone_query.count may ask for. */
#define NUMBERING_PHONE_QUERY_COUNT_MAX 1000
/** numbering_phone_query.count when the caller leaves NUMBERING_PHONE_QUERY_INIT's. */
#define NUMBERING_PHONE_QUERY_COUNT_DEFAULT 100

/**
 * What numbering_store_list_phones() asks for: Voximplant's GetPhoneNumbers, one
 * member per parameter of the seed, under its name. Every condition given must hold.
 * Times are ns since the epoch, both bounds included; INT64_MIN / INT64_MAX (as the
 * initializer sets them) for no bound. Lists are borrowed for the call.
 */
typedef struct numbering_phone_query {
	/** NUMBERING_PHONE_QUERY_VERSION, as NUMBERING_PHONE_QUERY_INIT sets it. */
	unsigned int version;
	/* Version 1 fields. */
	/** Only numbers bound to this application (0: any). */
	int64_t application_id;
	/** Or the application named so (NULL: any); application_id wins when both are set. */
	const char *application_name;
	/** 1 / 0: only numbers whose subscription renews automatically / does not; NUMBERING_PHONE_ANY. */
	int auto_charge;
	/** 1 / 0: only numbers that can / cannot be used before verification ends; NUMBERING_PHONE_ANY. */
	int can_be_used;
	/** 1 / 0: only numbers whose subscription is / is not cancelled; NUMBERING_PHONE_ANY. */
	int canceled;
	/** 1 / 0: only numbers whose subscription is / is not deactivated (frozen); NUMBERING_PHONE_ANY. */
	int deactivated;
	/** The child projects ("projects/c") whose numbers are listed too; each must be a child of the project. */
	const char *const *child_accounts;
	/** How many child_accounts holds. */
	size_t child_account_count;
	/** Non-zero: every child of the project (the seed's child_account_id 'all'). */
	int all_child_accounts;
	/** Non-zero: the children's numbers only (the named children, or all when none is named). */
	int children_phones_only;
	/** At most this many items, 0 .. NUMBERING_PHONE_QUERY_COUNT_MAX. */
	int count;
	/** The first @c offset matches are skipped (>= 0). */
	int64_t offset;
	/** Only numbers of these countries (ISO 3166 alpha-2); count 0: any. */
	const char *const *country_codes;
	/** How many country_codes holds. */
	size_t country_code_count;
	/** Next renewal (the subscription's next charge date) from. */
	int64_t from_phone_next_renewal;
	/** Next renewal to. */
	int64_t to_phone_next_renewal;
	/** Purchase date (the instance's create time) from. */
	int64_t from_phone_purchase_date;
	/** Purchase date to. */
	int64_t to_phone_purchase_date;
	/** Unverified hold until from. */
	int64_t from_unverified_hold_until;
	/** Unverified hold until to. */
	int64_t to_unverified_hold_until;
	/** 1 / 0: only numbers bound / not bound to an application; NUMBERING_PHONE_ANY. */
	int is_bound_to_application;
	/** 1 / 0: only numbers bound / not bound to a rule; NUMBERING_PHONE_ANY. */
	int is_bound_to_rule;
	/** NUMBERING_PHONE_ORDER_*; ties go by phone_id. */
	int order_by;
	/** Only numbers of this inventory category (GEOGRAPHIC, MOBILE ...); NULL: any. */
	const char *phone_category_name;
	/** Only these phone ids; count 0: any. */
	const int64_t *phone_ids;
	/** How many phone_ids holds. */
	size_t phone_id_count;
	/** Only these numbers (+E.164); count 0: any. */
	const char *const *phone_numbers;
	/** How many phone_numbers holds. */
	size_t phone_number_count;
	/** Only numbers of these region names; count 0: any. */
	const char *const *phone_region_names;
	/** How many phone_region_names holds. */
	size_t phone_region_name_count;
	/** Only numbers starting with these digits (a leading '+' allowed); NULL: any. */
	const char *phone_template;
	/** Only numbers bound to these rules; count 0: any. */
	const int64_t *rule_ids;
	/** How many rule_ids holds. */
	size_t rule_id_count;
	/** Only numbers bound to the rules of the application so named; needs an application. */
	const char *const *rule_names;
	/** How many rule_names holds. */
	size_t rule_name_count;
	/** NUMBERING_PHONE_SANDBOX_*. */
	int sandbox;
	/** Only numbers of this verification name; NULL: any. */
	const char *verification_name;
	/** Bit (1 << status) per NUMBERING_VERIFICATION_* wanted; 0: any. */
	unsigned int verification_statuses;
} numbering_phone_query;

/** The numbering_phone_query version these headers know. */
#define NUMBERING_PHONE_QUERY_VERSION 1
/** Static initializer of a numbering_phone_query: every number of the project, 100 at a time, by phone_id. */
#define NUMBERING_PHONE_QUERY_INIT                                                                             \
	{NUMBERING_PHONE_QUERY_VERSION, 0, NULL, -1, -1, -1, -1, NULL, 0, 0, 0, NUMBERING_PHONE_QUERY_COUNT_DEFAULT, 0, \
	 NULL, 0, INT64_MIN, INT64_MAX, INT64_MIN, INT64_MAX, INT64_MIN, INT64_MAX, -1, -1, 0, NULL, NULL, 0, NULL, 0,  \
	 NULL, 0, NULL, NULL, 0, NULL, 0, 0, NULL, 0}

/**
 * Sets @p query to NUMBERING_PHONE_QUERY_INIT (for FFI, which cannot use the macro).
 * @param[out] query the query.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT when @p query is NULL.
 * Thread safety: reentrant.
 */
NUMBERING_EXTERN(int) numbering_phone_query_init(numbering_phone_query *query);

/**
 * One number of a numbering_store_list_phones() page: Voximplant's GetPhoneNumbers
 * item. Strings are never NULL ("" when unset) and belong to the page. A number made
 * without the inventory (an Enfonica create) has no category, region, state or price
 * (price_minor 0, price_currency ""), no subscription (auto_charge 0, next renewal 0).
 */
typedef struct numbering_phone_info {
	/** NUMBERING_PHONE_INFO_VERSION: the members filled. */
	unsigned int version;
	/** The number's phone_id (0 for a store opened read-only before phone ids existed). */
	int64_t phone_id;
	/** "+E.164" of the number (a range's first number). */
	const char *phone_number;
	/** The project holding it, "projects/p" (the seed's account_id). */
	const char *account;
	/** The instance's name. */
	const char *instance;
	/** The monthly price's currency (ISO 4217), "" when it has none. */
	const char *price_currency;
	/** The monthly price in minor units. */
	int64_t price_minor;
	/** The payment interval in months (1 without a subscription). */
	int payment_interval_months;
	/** ISO 3166 alpha-2 of the number. */
	const char *country_code;
	/** The next charge date; 0 when it does not renew. */
	int64_t phone_next_renewal;
	/** When it was acquired (its instance's create time). */
	int64_t phone_purchase_date;
	/** Its subscription is deactivated (frozen for a missed payment). */
	int deactivated;
	/** Its subscription is cancelled or released (it will not renew). */
	int canceled;
	/** Its subscription renews automatically. */
	int auto_charge;
	/** The application it is bound to, 0 when none. */
	int64_t application_id;
	/** That application's name, "" when none. */
	const char *application_name;
	/** The rule it is bound to, 0 when none. */
	int64_t rule_id;
	/** That rule's name, "" when none. */
	const char *rule_name;
	/** The inventory category (phone_category_name). */
	const char *phone_category_name;
	/** The inventory region's name (phone_region_name). */
	const char *phone_region_name;
	/** The inventory state (country_state). */
	const char *country_state;
	/** NUMBERING_VERIFICATION_*. */
	int verification_status;
	/** While verification is REQUIRED or IN_PROGRESS: when the number is cancelled unless verified; else 0. */
	int64_t unverified_hold_until;
	/** The verification name, "" when none. */
	const char *verification_name;
	/** Whether the number can be used now: its instance is not PENDING and its verification not REQUIRED or IN_PROGRESS. */
	int can_be_used;
	/** The number's own inbound SMS callback URL, "" when the account's applies. */
	const char *incoming_sms_callback_url;
	/** The inventory's sandbox flag. */
	int sandbox;
} numbering_phone_info;

/** The numbering_phone_info version this library fills. */
#define NUMBERING_PHONE_INFO_VERSION 1

/** A page of numbering_store_list_phones(): opaque, the caller's. */
typedef struct numbering_phone_page numbering_phone_page;

/**
 * Voximplant's GetPhoneNumbers: the numbers of @p project (and of its children when
 * @p query asks) matching @p query, in its order, @c count of them from @c offset.
 * @param[out] out the page, freed with numbering_phone_page_free(); NULL on failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.phoneNumbers.list on @p project (the
 *            children's numbers need nothing more: the parent sees its children's).
 * @param[in] project "projects/p".
 * @param[in] query the filters; only read.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming the parameter (the seed's
 *         name: "count", "order_by", "rule_name", "phone_number[1]" ...) for a value
 *         out of range, rule_name without an application, a child_account_id that is
 *         not a child of @p project; NUMBERING_NOT_FOUND naming application_id or
 *         application_name for an application @p project does not have, rule_name for
 *         a rule name its application does not have; NUMBERING_PERMISSION_DENIED;
 *         NUMBERING_DATA_LOSS; NUMBERING_RESOURCE_EXHAUSTED; a backend's error.
 *
 * Cost: one pass over the project's instances (or the listed phone ids / numbers, or
 * the numbers bound to the application), reading only the records the filters and
 * the order need, keeping the best offset + count matches in a bounded heap;
 * total_count counts every match without keeping it.
 * Thread safety: runs beside every other store call.
 */
NUMBERING_EXTERN(int) numbering_store_list_phones(numbering_phone_page **out, numbering_store *store, const char *caller,
                                                  const char *project, const numbering_phone_query *query);

/**
 * The items on @p page.
 * @param[in] page the page, or NULL (0).
 * @return 0 .. the query's count. Sets no error.
 */
NUMBERING_EXTERN(int) numbering_phone_page_count(const numbering_phone_page *page);

/**
 * Item @p i of @p page.
 * @param[in] page the page.
 * @param[in] i 0 .. numbering_phone_page_count() - 1.
 * @return the item, owned by @p page and valid until it is freed; NULL for NULL or
 *         an index out of range. Sets no error.
 */
NUMBERING_EXTERN(const numbering_phone_info *) numbering_phone_page_item(const numbering_phone_page *page, int i);

/**
 * Every match of the query (the seed's total_count), not only the page's.
 * @param[in] page the page, or NULL.
 * @return the count; 0 for NULL. Sets no error.
 */
NUMBERING_EXTERN(int64_t) numbering_phone_page_total_count(const numbering_phone_page *page);

/**
 * Frees @p page and its items. NULL is a no-op.
 * @param[in] page the page.
 */
NUMBERING_EXTERN(void) numbering_phone_page_free(numbering_phone_page *page);

/**
 * Voximplant's BindPhoneNumberToApplication: binds the selected numbers of @p project
 * to an application (and one of its rules), or unbinds them. All or nothing.
 * @param[in] store the store.
 * @param[in] caller needs numbering.phoneNumbers.bind on @p project.
 * @param[in] project "projects/p".
 * @param[in] phone_ids phone ids (1 or more), or NULL.
 * @param[in] phone_id_count how many, 0 .. NUMBERING_PHONE_LIST_MAX.
 * @param[in] all non-zero: every live number of @p project (the seed's 'all').
 * @param[in] phone_numbers numbers (E.164), or NULL: instead of phone ids.
 * @param[in] phone_number_count how many, 0 .. NUMBERING_PHONE_LIST_MAX.
 * @param[in] application_id the application (0: by @p application_name).
 * @param[in] application_name the application's name, or NULL.
 * @param[in] rule_id a rule of that application (0: by @p rule_name, or none).
 * @param[in] rule_name a rule's name, or NULL; refused without an application.
 * @param[in] bind non-zero binds; 0 unbinds (from the application given, or from any
 *            when none is given; with a rule only, from that rule).
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming the parameter (rule_name
 *         without application_id or application_name, a rule of another application,
 *         no numbers, a number that is not +E.164); NUMBERING_NOT_FOUND naming
 *         phone_id, phone_number, application_id, application_name, rule_id or
 *         rule_name; NUMBERING_PERMISSION_DENIED; NUMBERING_RESOURCE_EXHAUSTED; a
 *         backend's error. On failure nothing changed.
 * Thread safety: runs beside every other store call.
 */
NUMBERING_EXTERN(int) numbering_store_bind_phones(numbering_store *store, const char *caller, const char *project,
                                                  const int64_t *phone_ids, int phone_id_count, int all,
                                                  const char *const *phone_numbers, int phone_number_count,
                                                  int64_t application_id,
                                                  const char *application_name, int64_t rule_id,
                                                  const char *rule_name, int bind);

/**
 * Voximplant's SetPhoneNumberInfo: sets (or, with NULL or "", clears) the selected
 * numbers' own inbound SMS callback URL. All or nothing.
 * @param[in] store the store.
 * @param[in] caller needs numbering.phoneNumbers.setInfo on @p project.
 * @param[in] project "projects/p".
 * @param[in] phone_ids phone ids (1 or more), or NULL.
 * @param[in] phone_id_count how many, 0 .. NUMBERING_PHONE_LIST_MAX.
 * @param[in] all non-zero: every live number of @p project (the seed's 'all').
 * @param[in] phone_numbers numbers (E.164), or NULL: instead of phone ids.
 * @param[in] phone_number_count how many, 0 .. NUMBERING_PHONE_LIST_MAX.
 * @param[in] incoming_sms_callback_url an http or https URL (at most 2048 bytes), or
 *            NULL / "" to clear it (callbacks then go to the account's URL).
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming incoming_sms_callback_url
 *         or the selection's parameter; NUMBERING_NOT_FOUND naming phone_id or
 *         phone_number; NUMBERING_PERMISSION_DENIED; NUMBERING_RESOURCE_EXHAUSTED; a
 *         backend's error. On failure nothing changed.
 * Thread safety: runs beside every other store call.
 */
NUMBERING_EXTERN(int) numbering_store_set_phone_info(numbering_store *store, const char *caller, const char *project,
                                                     const int64_t *phone_ids, int phone_id_count, int all,
                                                     const char *const *phone_numbers, int phone_number_count,
                                                     const char *incoming_sms_callback_url);

/**
 * Voximplant's GetAccountPhoneNumberCountries: the countries where @p project has
 * numbers (bound to one of @p application_ids when @p application_id_count > 0), as
 * one string of ISO 3166 alpha-2 codes in alphabetical order separated by ';'
 * ("GB;US"; "" for none).
 * @param[out] out the string, freed with numbering_free(); NULL on failure.
 * @param[in] store the store.
 * @param[in] caller needs numbering.phoneNumbers.list on @p project.
 * @param[in] project "projects/p".
 * @param[in] application_ids the applications, or NULL.
 * @param[in] application_id_count how many (0: every number).
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming application_id for an id
 *         < 1; NUMBERING_PERMISSION_DENIED; NUMBERING_RESOURCE_EXHAUSTED; a backend's
 *         error.
 * Thread safety: runs beside every other store call.
 */
NUMBERING_EXTERN(int) numbering_store_phone_countries(char **out, numbering_store *store, const char *caller,
                                                      const char *project, const int64_t *application_ids,
                                                      size_t application_id_count);

#ifdef __cplusplus
}
#endif

#endif
