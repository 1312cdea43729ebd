/**
 * @file numbering/instance.h
 * @brief PhoneNumberInstance: a provisioned phone number or range, as a value.
 *
 * An instance is an opaque object with getters and setters, used both to describe
 * what to create or update and to receive what the store holds. Setters check only
 * what needs no store (lengths, characters, URI schemes); the rules that span
 * records are the service's (numbering/store.h).
 *
 * Strings returned by getters are owned by the instance and stay valid until the
 * instance is next modified, filled by a store call, or freed.
 *
 * Thread safety: an instance is a plain value; do not modify one while another
 * thread reads it.
 */
#ifndef NUMBERING_INSTANCE_H
#define NUMBERING_INSTANCE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Lifecycle states; the values are the seed's enum values. */
typedef enum numbering_lifecycle_state {
	NUMBERING_LIFECYCLE_STATE_UNSPECIFIED = 0, /**< not set: an instance before creation */
	NUMBERING_LIFECYCLE_ACTIVE = 1, /**< in service; its numbers are held */
	NUMBERING_LIFECYCLE_DELETED = 2, /**< deleted: kept and readable, its numbers free */
	NUMBERING_LIFECYCLE_SUSPENDED = 3, /**< out of service for now; its numbers still held */
	NUMBERING_LIFECYCLE_PENDING = 4 /**< created, not yet active (e.g. a port-in); its numbers held */
} numbering_lifecycle_state;

/** Call recording triggers; the values are the seed's. */
typedef enum numbering_recording_trigger {
	NUMBERING_RECORDING_TRIGGER_UNSPECIFIED = 0, /**< not set; reads back as DISABLED */
	NUMBERING_RECORDING_DISABLED = 1, /**< calls are not recorded */
	NUMBERING_RECORDING_ANSWER = 2, /**< recording starts when the call is answered */
	NUMBERING_RECORDING_BRIDGE = 3 /**< recording starts when the call is bridged */
} numbering_recording_trigger;

/** Number types; the values are the seed's. */
typedef enum numbering_number_type {
	NUMBERING_NUMBER_TYPE_UNSPECIFIED = 0, /**< not set */
	NUMBERING_NUMBER_TYPE_LOCAL = 1, /**< a geographic (local) number */
	NUMBERING_NUMBER_TYPE_NATIONAL = 2, /**< a national, non-geographic number */
	NUMBERING_NUMBER_TYPE_MOBILE = 3, /**< a mobile number */
	NUMBERING_NUMBER_TYPE_TOLL_FREE = 4, /**< a toll-free number */
	NUMBERING_NUMBER_TYPE_SHARED_RATE = 5 /**< a shared-rate number */
} numbering_number_type;

/** Capabilities, as bit flags (the seed's SMS, MMS, VOICE). */
#define NUMBERING_CAPABILITY_SMS 1   /**< The number can send and receive SMS. */
#define NUMBERING_CAPABILITY_MMS 2   /**< The number can send and receive MMS. */
#define NUMBERING_CAPABILITY_VOICE 4 /**< The number can make and receive calls. */

/** @name Limits from the seed. */
/**@{*/
#define NUMBERING_DISPLAY_NAME_MAX 100  /**< characters (code points, after NFC) */
#define NUMBERING_LABELS_MAX 50         /**< labels per instance */
#define NUMBERING_LABEL_KEY_MAX 100     /**< characters */
#define NUMBERING_LABEL_VALUE_MAX 1000  /**< characters */
#define NUMBERING_HANDLER_URIS_MAX 5    /**< message handler URIs, and call handler URIs, per instance */
#define NUMBERING_URI_MAX 2048          /**< bytes */
#define NUMBERING_ID_MAX 63             /**< characters of an instance id (AIP-122) */
/**@}*/

/** A phone number instance: opaque. */
typedef struct numbering_instance numbering_instance;

/**
 * Allocates an empty instance.
 * @param[out] out the new instance, freed with numbering_instance_free(); NULL on failure.
 * @return NUMBERING_OK, NUMBERING_INVALID_ARGUMENT or NUMBERING_RESOURCE_EXHAUSTED.
 */
NUMBERING_EXTERN(int) numbering_instance_new(numbering_instance **out);

/**
 * Frees an instance the caller owns (from numbering_instance_new(), _copy(), or an
 * operation's @c out). Never pass one a page or a resolution owns. NULL is a no-op.
 * @param[in] instance the instance, or NULL.
 *
 * Ownership: takes @p instance. Lifetime: strings read from it are invalid after it.
 * Thread safety: no other thread may be using @p instance.
 */
NUMBERING_EXTERN(void) numbering_instance_free(numbering_instance *instance);

/**
 * Makes an independent copy.
 * @param[out] out the copy, the caller's, freed with numbering_instance_free(); NULL on
 *             failure.
 * @param[in] instance the instance to copy; only read (it may be one a page or a
 *            resolution owns).
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT when an argument is NULL;
 *         NUMBERING_RESOURCE_EXHAUSTED.
 */
NUMBERING_EXTERN(int) numbering_instance_copy(numbering_instance **out, const numbering_instance *instance);

/**
 * @name Getters.
 * Each takes @p instance (NULL reads as an empty instance: 0, or "" for a string,
 * unless said otherwise), sets no error and cannot fail. Strings are owned by the
 * instance, valid until it is next modified, filled by a store call, or freed, and
 * never NULL for a non-NULL instance unless said otherwise: "" when unset.
 */
/**@{*/
/**
 * Reads the instance's name.
 * @param[in] instance the instance, or NULL (read as an empty instance).
 * @return "projects/{project}/phoneNumberInstances/{id}", "" before creation. Sets no error.
 *
 * Ownership: owned by @p instance; do not free it. Lifetime: valid until @p instance is
 * next modified, filled by a store call, or freed.
 * Thread safety: no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(const char *) numbering_instance_name(const numbering_instance *instance);
/**
 * Reads the instance's phone number.
 * @param[in] instance the instance, or NULL (read as an empty instance).
 * @return the number in +E164 (a range's first number). Before creation: the text as set. Sets
 *         no error.
 *
 * Ownership: owned by @p instance; do not free it. Lifetime: valid until @p instance is
 * next modified, filled by a store call, or freed.
 * Thread safety: no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(const char *) numbering_instance_phone_number(const numbering_instance *instance);
/**
 * Reads the instance's capabilities.
 * @param[in] instance the instance, or NULL (read as an empty instance).
 * @return the NUMBERING_CAPABILITY_* flags, 0 when none. Sets no error.
 *
 * Thread safety: no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(int) numbering_instance_capabilities(const numbering_instance *instance);
/**
 * Reads the instance's sku.
 * @param[in] instance the instance, or NULL (read as an empty instance).
 * @return the product SKU (output only: no operation of this library sets it, so "" unless the
 *         stored record holds one). Sets no error.
 *
 * Ownership: owned by @p instance; do not free it. Lifetime: valid until @p instance is
 * next modified, filled by a store call, or freed.
 * Thread safety: no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(const char *) numbering_instance_sku(const numbering_instance *instance);
/**
 * Reads the instance's activation sku.
 * @param[in] instance the instance, or NULL (read as an empty instance).
 * @return the activation SKU (output only, as numbering_instance_sku()). Sets no error.
 *
 * Ownership: owned by @p instance; do not free it. Lifetime: valid until @p instance is
 * next modified, filled by a store call, or freed.
 * Thread safety: no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(const char *) numbering_instance_activation_sku(const numbering_instance *instance);
/**
 * Reads the instance's number type.
 * @param[in] instance the instance, or NULL (read as an empty instance).
 * @return a numbering_number_type value, NUMBERING_NUMBER_TYPE_UNSPECIFIED when unset. Sets no
 *         error.
 *
 * Thread safety: no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(int) numbering_instance_number_type(const numbering_instance *instance);
/**
 * Reads the instance's country code.
 * @param[in] instance the instance, or NULL (read as an empty instance).
 * @return ISO 3166 alpha-2 country of the number ("AU"), "" for non-geographic codes. Sets no
 *         error.
 *
 * Ownership: owned by @p instance; do not free it. Lifetime: valid until @p instance is
 * next modified, filled by a store call, or freed.
 * Thread safety: no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(const char *) numbering_instance_country_code(const numbering_instance *instance);
/**
 * Reads the instance's display name.
 * @param[in] instance the instance, or NULL (read as an empty instance).
 * @return the display name, in NFC. Sets no error.
 *
 * Ownership: owned by @p instance; do not free it. Lifetime: valid until @p instance is
 * next modified, filled by a store call, or freed.
 * Thread safety: no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(const char *) numbering_instance_display_name(const numbering_instance *instance);
/**
 * Reads the instance's label count.
 * @param[in] instance the instance, or NULL (read as an empty instance).
 * @return how many labels the instance has (0 .. NUMBERING_LABELS_MAX). Sets no error.
 *
 * Thread safety: no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(int) numbering_instance_label_count(const numbering_instance *instance);
/**
 * Reads the instance's label key.
 * @param[in] instance the instance, or NULL (read as an empty instance).
 * @param[in] i 0 .. numbering_instance_label_count() - 1.
 * @return the key of label @p i in key order (NFC); NULL when @p i is out of range. Sets no
 *         error.
 *
 * Ownership: owned by @p instance; do not free it. Lifetime: valid until @p instance is
 * next modified, filled by a store call, or freed.
 * Thread safety: no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(const char *) numbering_instance_label_key(const numbering_instance *instance, int i);
/**
 * Reads the instance's label value.
 * @param[in] instance the instance, or NULL (read as an empty instance).
 * @param[in] i 0 .. numbering_instance_label_count() - 1.
 * @return the value of label @p i (the one numbering_instance_label_key() names); NULL when @p
 *         i is out of range. Sets no error.
 *
 * Ownership: owned by @p instance; do not free it. Lifetime: valid until @p instance is
 * next modified, filled by a store call, or freed.
 * Thread safety: no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(const char *) numbering_instance_label_value(const numbering_instance *instance, int i);
/**
 * Reads the instance's label.
 * @param[in] instance the instance, or NULL (read as an empty instance).
 * @param[in] key the label key, matched by its NFC form, or NULL.
 * @return the value of label @p key (matched by its NFC form), NULL when absent or @p key is
 *         NULL. Sets no error.
 *
 * Ownership: owned by @p instance; do not free it. Lifetime: valid until @p instance is
 * next modified, filled by a store call, or freed.
 * Thread safety: no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(const char *) numbering_instance_label(const numbering_instance *instance, const char *key);
/**
 * Reads the instance's message handler count.
 * @param[in] instance the instance, or NULL (read as an empty instance).
 * @return how many incoming message handler URIs (0 .. NUMBERING_HANDLER_URIS_MAX). Sets no
 *         error.
 *
 * Thread safety: no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(int) numbering_instance_message_handler_count(const numbering_instance *instance);
/**
 * Reads the instance's message handler.
 * @param[in] instance the instance, or NULL (read as an empty instance).
 * @param[in] i 0 .. numbering_instance_message_handler_count() - 1.
 * @return incoming message handler URI @p i in priority order; NULL when out of range. Sets no
 *         error.
 *
 * Ownership: owned by @p instance; do not free it. Lifetime: valid until @p instance is
 * next modified, filled by a store call, or freed.
 * Thread safety: no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(const char *) numbering_instance_message_handler(const numbering_instance *instance, int i);
/**
 * Reads the instance's call handler count.
 * @param[in] instance the instance, or NULL (read as an empty instance).
 * @return how many incoming call handler URIs (0 .. NUMBERING_HANDLER_URIS_MAX). Sets no
 *         error.
 *
 * Thread safety: no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(int) numbering_instance_call_handler_count(const numbering_instance *instance);
/**
 * Reads the instance's call handler.
 * @param[in] instance the instance, or NULL (read as an empty instance).
 * @param[in] i 0 .. numbering_instance_call_handler_count() - 1.
 * @return incoming call handler URI @p i in priority order; NULL when out of range. Sets no
 *         error.
 *
 * Ownership: owned by @p instance; do not free it. Lifetime: valid until @p instance is
 * next modified, filled by a store call, or freed.
 * Thread safety: no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(const char *) numbering_instance_call_handler(const numbering_instance *instance, int i);
/**
 * Reads the instance's call recording trigger.
 * @param[in] instance the instance, or NULL (read as an empty instance).
 * @return A numbering_recording_trigger value (DISABLED when never set). Sets no error.
 *
 * Thread safety: no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(int) numbering_instance_call_recording_trigger(const numbering_instance *instance);
/**
 * Reads the instance's create time.
 * @param[in] instance the instance, or NULL (read as an empty instance).
 * @return when the instance was created, in nanoseconds since the Unix epoch; 0 before
 *         creation. Sets no error.
 *
 * Thread safety: no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(int64_t) numbering_instance_create_time(const numbering_instance *instance);
/**
 * Reads the instance's phone id: Voximplant's phone_id, a positive integer the store
 * gives every instance when it is first stored (created, split off, rented, purchased
 * or attached), unique in the store and never given again, kept by a move.
 * @param[in] instance the instance, or NULL (read as an empty instance).
 * @return the phone id; 0 for an instance not stored yet, and for one read from a
 *         store written before phone ids that was opened read-only (a store opened
 *         for writing gives its instances theirs). Sets no error.
 *
 * Thread safety: no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(int64_t) numbering_instance_phone_id(const numbering_instance *instance);
/**
 * Reads the instance's delete time.
 * @param[in] instance the instance, or NULL (read as an empty instance).
 * @return when the instance was deleted, in nanoseconds since the Unix epoch; 0 unless
 *         DELETED. Sets no error.
 *
 * Thread safety: no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(int64_t) numbering_instance_delete_time(const numbering_instance *instance);
/**
 * Reads the instance's activate time.
 * @param[in] instance the instance, or NULL (read as an empty instance).
 * @return when the instance first became ACTIVE (at creation, on activate, or, for the second
 *         half of a split active range, when the split created it), in nanoseconds since the
 *         Unix epoch; 0 if it never was. Sets no error.
 *
 * Thread safety: no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(int64_t) numbering_instance_activate_time(const numbering_instance *instance);
/**
 * Reads the instance's lifecycle state.
 * @param[in] instance the instance, or NULL (read as an empty instance).
 * @return a numbering_lifecycle_state value, NUMBERING_LIFECYCLE_STATE_UNSPECIFIED before
 *         creation. Sets no error.
 *
 * Thread safety: no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(int) numbering_instance_lifecycle_state(const numbering_instance *instance);
/**
 * Reads the instance's is range.
 * @param[in] instance the instance, or NULL (read as an empty instance).
 * @return 1 when the instance is a range (range fields set), else 0. Sets no error.
 *
 * Thread safety: no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(int) numbering_instance_is_range(const numbering_instance *instance);
/**
 * Reads the instance's range primary.
 * @param[in] instance the instance, or NULL (read as an empty instance).
 * @return for a range, the instance's own name (the seed's range.primary); "" otherwise. Sets
 *         no error.
 *
 * Ownership: owned by @p instance; do not free it. Lifetime: valid until @p instance is
 * next modified, filled by a store call, or freed.
 * Thread safety: no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(const char *) numbering_instance_range_primary(const numbering_instance *instance);
/**
 * Reads the instance's range start.
 * @param[in] instance the instance, or NULL (read as an empty instance).
 * @return for a range, its first number in +E164; "" otherwise. Sets no error.
 *
 * Ownership: owned by @p instance; do not free it. Lifetime: valid until @p instance is
 * next modified, filled by a store call, or freed.
 * Thread safety: no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(const char *) numbering_instance_range_start(const numbering_instance *instance);
/**
 * Reads the instance's range end.
 * @param[in] instance the instance, or NULL (read as an empty instance).
 * @return for a range, its last number in +E164; "" otherwise. Sets no error.
 *
 * Ownership: owned by @p instance; do not free it. Lifetime: valid until @p instance is
 * next modified, filled by a store call, or freed.
 * Thread safety: no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(const char *) numbering_instance_range_end(const numbering_instance *instance);
/**
 * Reads the instance's range size.
 * @param[in] instance the instance, or NULL (read as an empty instance).
 * @return numbers in the range (1 for a single number once created, 0 before). Sets no error.
 *
 * Thread safety: no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(int64_t) numbering_instance_range_size(const numbering_instance *instance);
/**
 * Reads the instance's regulatory listing.
 * @param[in] instance the instance, or NULL (read as an empty instance).
 * @return "projects/{project}/regulatoryListings/{listing}" or "". Sets no error.
 *
 * Ownership: owned by @p instance; do not free it. Lifetime: valid until @p instance is
 * next modified, filled by a store call, or freed.
 * Thread safety: no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(const char *) numbering_instance_regulatory_listing(const numbering_instance *instance);
/**
 * Reads the instance's compliant.
 * @param[in] instance the instance, or NULL (read as an empty instance).
 * @return 1 when compliant with the store's regulatory requirements, else 0. Sets no error.
 *
 * Thread safety: no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(int) numbering_instance_compliant(const numbering_instance *instance);
/**@}*/

/**
 * @name Setters for requests.
 * Each returns NUMBERING_OK, NUMBERING_INVALID_ARGUMENT (with a field violation
 * naming the field) or NUMBERING_RESOURCE_EXHAUSTED, and changes nothing on failure.
 */
/**@{*/
/**
 * The number to create: +E164, national (with the request's region), or range notation.
 * @param[in,out] instance the request instance to change.
 * @param[in] text the number: +E164, national (with the request's region), or range notation;
 *                 at most 64 bytes.
 * @return NUMBERING_OK, or NUMBERING_INVALID_ARGUMENT (field "phone_number.phone_number": a
 *         NULL @p instance, NULL or empty @p text, text too long);
 *         NUMBERING_RESOURCE_EXHAUSTED when out of memory.
 *
 * Ownership: @p text is copied; the caller keeps it. Lifetime: strings read from @p instance
 * before the call may be invalid after it.
 * Thread safety: no other thread may be using @p instance.
 */
NUMBERING_EXTERN(int) numbering_instance_set_phone_number(numbering_instance *instance, const char *text);
/**
 * The range to create from the phone number: its size (0 unsets).
 * @param[in,out] instance the request instance to change.
 * @param[in] size the size, >= 1, or 0 to unset it.
 * @return NUMBERING_OK, or NUMBERING_INVALID_ARGUMENT (a NULL @p instance, field "range.size"
 *         for a negative size).
 *
 * Ownership: nothing is allocated or taken.
 * Thread safety: no other thread may be using @p instance.
 */
NUMBERING_EXTERN(int) numbering_instance_set_range_size(numbering_instance *instance, int64_t size);
/**
 * The range to create from the phone number: its last number (NULL unsets).
 * @param[in,out] instance the request instance to change.
 * @param[in] text the last number, in any form the phone number may take, or NULL to unset it.
 * @return NUMBERING_OK, or NUMBERING_INVALID_ARGUMENT (a NULL @p instance, field
 *         "range.end_phone_number" for text too long); NUMBERING_RESOURCE_EXHAUSTED when out
 *         of memory.
 *
 * Ownership: @p text is copied; the caller keeps it. Lifetime: strings read from @p instance
 * before the call may be invalid after it.
 * Thread safety: no other thread may be using @p instance.
 */
NUMBERING_EXTERN(int) numbering_instance_set_range_end(numbering_instance *instance, const char *text);
/**
 * NUMBERING_CAPABILITY_* flags; any other bit is NUMBERING_INVALID_ARGUMENT.
 * @param[in,out] instance the request instance to change.
 * @param[in] capabilities NUMBERING_CAPABILITY_* flags, OR-ed.
 * @return NUMBERING_OK, or NUMBERING_INVALID_ARGUMENT (a NULL @p instance, or any other bit
 *         set).
 *
 * Ownership: nothing is allocated or taken.
 * Thread safety: no other thread may be using @p instance.
 */
NUMBERING_EXTERN(int) numbering_instance_set_capabilities(numbering_instance *instance, int capabilities);
/**
 * A numbering_number_type value; any other is NUMBERING_INVALID_ARGUMENT.
 * @param[in,out] instance the request instance to change.
 * @param[in] number_type a numbering_number_type value.
 * @return NUMBERING_OK, or NUMBERING_INVALID_ARGUMENT (a NULL @p instance, or a value that is
 *         not a numbering_number_type).
 *
 * Ownership: nothing is allocated or taken.
 * Thread safety: no other thread may be using @p instance.
 */
NUMBERING_EXTERN(int) numbering_instance_set_number_type(numbering_instance *instance, int number_type);
/**
 * Valid UTF-8, no control characters, at most 100 characters after NFC normalization.
 * @param[in,out] instance the request instance to change.
 * @param[in] display_name the display name, NUL-terminated UTF-8.
 * @return NUMBERING_OK, or NUMBERING_INVALID_ARGUMENT (field "display_name": a NULL @p
 *         instance, invalid UTF-8, a control character, more than 100 characters after NFC);
 *         NUMBERING_RESOURCE_EXHAUSTED when out of memory.
 *
 * Ownership: @p display_name is copied; the caller keeps it. Lifetime: strings read from @p
 * instance before the call may be invalid after it. (its NFC form is kept).
 * Thread safety: no other thread may be using @p instance.
 */
NUMBERING_EXTERN(int) numbering_instance_set_display_name(numbering_instance *instance, const char *display_name);
/**
 * Adds or replaces a label (key 1..100 characters, value up to 1000, at most 50 labels; valid
 * UTF-8 without control characters). Key and value are kept in NFC and counted after it, as
 * display names: a key equal after NFC to one already set ("\xc3\xa9" and "e\xcc\x81") is that
 * key, and replaces its value. numbering_instance_label() and
 * numbering_instance_remove_label() find a key by its NFC form too.
 * @param[in,out] instance the request instance to change.
 * @param[in] key the label key, 1..100 characters.
 * @param[in] value the label value, up to 1000 characters.
 * @return NUMBERING_OK, or NUMBERING_INVALID_ARGUMENT (field "labels": a NULL @p instance, a
 *         NULL, empty, too long or invalid key or value, a 51st label);
 *         NUMBERING_RESOURCE_EXHAUSTED when out of memory.
 *
 * Ownership: @p key and @p value are copied (their NFC forms). Lifetime: label strings read
 * from @p instance before the call may be invalid after it.
 * Thread safety: no other thread may be using @p instance.
 */
NUMBERING_EXTERN(int) numbering_instance_set_label(numbering_instance *instance, const char *key, const char *value);
/**
 * Removes a label; NUMBERING_NOT_FOUND when absent.
 * @param[in,out] instance the request instance to change.
 * @param[in] key the label key, matched by its NFC form.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT (a NULL @p instance or @p key);
 *         NUMBERING_NOT_FOUND (field "labels") when no label has that key.
 *
 * Ownership: frees the label's strings. Lifetime: strings read from that label are invalid
 * after it.
 * Thread safety: no other thread may be using @p instance.
 */
NUMBERING_EXTERN(int) numbering_instance_remove_label(numbering_instance *instance, const char *key);
/**
 * Removes every label (and, in an update request, marks the labels as set: to none).
 * @param[in,out] instance the request instance to change.
 * @return NUMBERING_OK, or NUMBERING_INVALID_ARGUMENT for a NULL @p instance.
 *
 * Ownership: frees the labels' strings. Lifetime: label strings read before are invalid after
 * it.
 * Thread safety: no other thread may be using @p instance.
 */
NUMBERING_EXTERN(int) numbering_instance_clear_labels(numbering_instance *instance);
/**
 * Appends a message handler: an absolute http or https URI; at most 5.
 * @param[in,out] instance the request instance to change.
 * @param[in] uri an absolute http or https URI, at most NUMBERING_URI_MAX bytes.
 * @return NUMBERING_OK, or NUMBERING_INVALID_ARGUMENT (field "incoming_message_handler_uris":
 *         a NULL @p instance, a URI that is not one, a sixth URI);
 *         NUMBERING_RESOURCE_EXHAUSTED when out of memory.
 *
 * Ownership: @p uri is copied; the caller keeps it. Lifetime: strings read from @p instance
 * before the call may be invalid after it.
 * Thread safety: no other thread may be using @p instance.
 */
NUMBERING_EXTERN(int) numbering_instance_add_message_handler(numbering_instance *instance, const char *uri);
/**
 * Removes every message handler (in an update request: sets them to none).
 * @param[in,out] instance the request instance to change.
 * @return NUMBERING_OK, or NUMBERING_INVALID_ARGUMENT for a NULL @p instance.
 *
 * Ownership: frees the URIs. Lifetime: handler strings read before are invalid after it.
 * Thread safety: no other thread may be using @p instance.
 */
NUMBERING_EXTERN(int) numbering_instance_clear_message_handlers(numbering_instance *instance);
/**
 * Appends a call handler: http, https, sip, sips, or tel with an E.164 number; at most 5.
 * @param[in,out] instance the request instance to change.
 * @param[in] uri an http, https, sip, sips or tel URI, at most NUMBERING_URI_MAX bytes.
 * @return NUMBERING_OK, or NUMBERING_INVALID_ARGUMENT (field "incoming_call_handler_uris": a
 *         NULL @p instance, a URI that is not one, a sixth URI); NUMBERING_RESOURCE_EXHAUSTED
 *         when out of memory.
 *
 * Ownership: @p uri is copied; the caller keeps it. Lifetime: strings read from @p instance
 * before the call may be invalid after it.
 * Thread safety: no other thread may be using @p instance.
 */
NUMBERING_EXTERN(int) numbering_instance_add_call_handler(numbering_instance *instance, const char *uri);
/**
 * Removes every call handler (in an update request: sets them to none).
 * @param[in,out] instance the request instance to change.
 * @return NUMBERING_OK, or NUMBERING_INVALID_ARGUMENT for a NULL @p instance.
 *
 * Ownership: frees the URIs. Lifetime: handler strings read before are invalid after it.
 * Thread safety: no other thread may be using @p instance.
 */
NUMBERING_EXTERN(int) numbering_instance_clear_call_handlers(numbering_instance *instance);
/**
 * A numbering_recording_trigger value (UNSPECIFIED reads back as DISABLED); any other is
 * NUMBERING_INVALID_ARGUMENT.
 * @param[in,out] instance the request instance to change.
 * @param[in] trigger a numbering_recording_trigger value.
 * @return NUMBERING_OK, or NUMBERING_INVALID_ARGUMENT (a NULL @p instance, field
 *         "call_recording_trigger" for any other value).
 *
 * Ownership: nothing is allocated or taken.
 * Thread safety: no other thread may be using @p instance.
 */
NUMBERING_EXTERN(int) numbering_instance_set_call_recording_trigger(numbering_instance *instance, int trigger);
/**
 * The state to create in: PENDING (a port-in) or ACTIVE (the default).
 * @param[in,out] instance the request instance to change.
 * @param[in] state NUMBERING_LIFECYCLE_PENDING or NUMBERING_LIFECYCLE_ACTIVE.
 * @return NUMBERING_OK, or NUMBERING_INVALID_ARGUMENT (a NULL @p instance, field
 *         "lifecycle_state" for any other state).
 *
 * Ownership: nothing is allocated or taken.
 * Thread safety: no other thread may be using @p instance.
 */
NUMBERING_EXTERN(int) numbering_instance_set_lifecycle_state(numbering_instance *instance, int state);
/**
 * "projects/{project}/regulatoryListings/{listing}", or NULL/"" to unset.
 * @param[in,out] instance the request instance to change.
 * @param[in] listing "projects/{project}/regulatoryListings/{listing}", or NULL or "" to
 *                    unset.
 * @return NUMBERING_OK, or NUMBERING_INVALID_ARGUMENT (a NULL @p instance, a malformed listing
 *         name); NUMBERING_RESOURCE_EXHAUSTED when out of memory.
 *
 * Ownership: @p listing is copied; the caller keeps it. Lifetime: strings read from @p
 * instance before the call may be invalid after it.
 * Thread safety: no other thread may be using @p instance.
 */
NUMBERING_EXTERN(int) numbering_instance_set_regulatory_listing(numbering_instance *instance, const char *listing);
/**@}*/

/**
 * The name of a lifecycle state.
 * @param[in] state a numbering_lifecycle_state value (any int is accepted).
 * @return a static string ("ACTIVE"); "LIFECYCLE_STATE_UNSPECIFIED" for any other value.
 *         Cannot fail.
 *
 * Ownership: the library's; never freed. Lifetime: the process's.
 * Thread safety: callable from any thread.
 */
NUMBERING_EXTERN(const char *) numbering_lifecycle_state_name(int state);
/**
 * The name of a recording trigger.
 * @param[in] trigger a numbering_recording_trigger value (any int is accepted).
 * @return a static string ("DISABLED"); "RECORDING_TRIGGER_UNSPECIFIED" for any other
 *         value. Cannot fail.
 *
 * Ownership: the library's; never freed. Lifetime: the process's.
 * Thread safety: callable from any thread.
 */
NUMBERING_EXTERN(const char *) numbering_recording_trigger_name(int trigger);
/**
 * The name of a number type.
 * @param[in] number_type a numbering_number_type value (any int is accepted).
 * @return a static string ("MOBILE"); "PHONE_NUMBER_TYPE_UNSPECIFIED" for any other
 *         value. Cannot fail.
 *
 * Ownership: the library's; never freed. Lifetime: the process's.
 * Thread safety: callable from any thread.
 */
NUMBERING_EXTERN(const char *) numbering_number_type_name(int number_type);

/**
 * The project part of the instance's name ("projects/p1"), written into @p buf; "" if unnamed.
 * @param[out] buf where it goes, NUL-terminated.
 * @param[in] bufsize the size of @p buf.
 * @param[in] instance the instance.
 * @return NUMBERING_OK; NUMBERING_OUT_OF_RANGE when @p buf is too small; NUMBERING_INVALID_ARGUMENT
 *         for a NULL pointer or a name that is not an instance name.
 *
 * Ownership: @p buf is the caller's; nothing allocated.
 * Thread safety: no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(int) numbering_instance_project(char *buf, size_t bufsize, const numbering_instance *instance);
/**
 * The numbers the instance holds: the first and last as digits (calling code included),
 * and their digit count; first == last for one number.
 * @param[out] first the first number's digits as an integer.
 * @param[out] last the last number's digits as an integer.
 * @param[out] digits how many digits each has.
 * @param[in] instance the instance.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT for a NULL pointer or an instance that holds no number yet.
 *
 * Ownership: nothing allocated.
 * Thread safety: no other thread may be modifying @p instance.
 */
NUMBERING_EXTERN(int) numbering_instance_numbers(uint64_t *first, uint64_t *last, int *digits,
                                                 const numbering_instance *instance);

#ifdef __cplusplus
}
#endif

#endif
