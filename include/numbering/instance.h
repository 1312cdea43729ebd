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
	NUMBERING_LIFECYCLE_STATE_UNSPECIFIED = 0,
	NUMBERING_LIFECYCLE_ACTIVE = 1,
	NUMBERING_LIFECYCLE_DELETED = 2,
	NUMBERING_LIFECYCLE_SUSPENDED = 3,
	NUMBERING_LIFECYCLE_PENDING = 4
} numbering_lifecycle_state;

/** Call recording triggers; the values are the seed's. */
typedef enum numbering_recording_trigger {
	NUMBERING_RECORDING_TRIGGER_UNSPECIFIED = 0,
	NUMBERING_RECORDING_DISABLED = 1,
	NUMBERING_RECORDING_ANSWER = 2,
	NUMBERING_RECORDING_BRIDGE = 3
} numbering_recording_trigger;

/** Number types; the values are the seed's. */
typedef enum numbering_number_type {
	NUMBERING_NUMBER_TYPE_UNSPECIFIED = 0,
	NUMBERING_NUMBER_TYPE_LOCAL = 1,
	NUMBERING_NUMBER_TYPE_NATIONAL = 2,
	NUMBERING_NUMBER_TYPE_MOBILE = 3,
	NUMBERING_NUMBER_TYPE_TOLL_FREE = 4,
	NUMBERING_NUMBER_TYPE_SHARED_RATE = 5
} numbering_number_type;

/** Capabilities, as bit flags (the seed's SMS, MMS, VOICE). */
#define NUMBERING_CAPABILITY_SMS 1
#define NUMBERING_CAPABILITY_MMS 2
#define NUMBERING_CAPABILITY_VOICE 4

/** @name Limits from the seed. */
/**@{*/
#define NUMBERING_DISPLAY_NAME_MAX 100  /**< characters (code points, after NFC) */
#define NUMBERING_LABELS_MAX 50
#define NUMBERING_LABEL_KEY_MAX 100     /**< characters */
#define NUMBERING_LABEL_VALUE_MAX 1000  /**< characters */
#define NUMBERING_HANDLER_URIS_MAX 5
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
/** "projects/{project}/phoneNumberInstances/{id}", "" before creation. */
NUMBERING_EXTERN(const char *) numbering_instance_name(const numbering_instance *instance);
/** The number in +E164 (a range's first number). Before creation: the text as set. */
NUMBERING_EXTERN(const char *) numbering_instance_phone_number(const numbering_instance *instance);
/** @return the NUMBERING_CAPABILITY_* flags, 0 when none. */
NUMBERING_EXTERN(int) numbering_instance_capabilities(const numbering_instance *instance);
/**
 * @return the product SKU (output only: no operation of this library sets it, so ""
 *         unless the stored record holds one).
 */
NUMBERING_EXTERN(const char *) numbering_instance_sku(const numbering_instance *instance);
/** @return the activation SKU (output only, as numbering_instance_sku()). */
NUMBERING_EXTERN(const char *) numbering_instance_activation_sku(const numbering_instance *instance);
/** @return a numbering_number_type value, NUMBERING_NUMBER_TYPE_UNSPECIFIED when unset. */
NUMBERING_EXTERN(int) numbering_instance_number_type(const numbering_instance *instance);
/** ISO 3166 alpha-2 country of the number ("AU"), "" for non-geographic codes. */
NUMBERING_EXTERN(const char *) numbering_instance_country_code(const numbering_instance *instance);
/** @return the display name, in NFC. */
NUMBERING_EXTERN(const char *) numbering_instance_display_name(const numbering_instance *instance);
/** @return how many labels the instance has (0 .. NUMBERING_LABELS_MAX). */
NUMBERING_EXTERN(int) numbering_instance_label_count(const numbering_instance *instance);
/**
 * @param[in] i 0 .. numbering_instance_label_count() - 1.
 * @return the key of label @p i in key order (NFC); NULL when @p i is out of range.
 */
NUMBERING_EXTERN(const char *) numbering_instance_label_key(const numbering_instance *instance, int i);
/**
 * @param[in] i 0 .. numbering_instance_label_count() - 1.
 * @return the value of label @p i (the one numbering_instance_label_key() names);
 *         NULL when @p i is out of range.
 */
NUMBERING_EXTERN(const char *) numbering_instance_label_value(const numbering_instance *instance, int i);
/** The value of label @p key (matched by its NFC form), NULL when absent or @p key is NULL. */
NUMBERING_EXTERN(const char *) numbering_instance_label(const numbering_instance *instance, const char *key);
/** @return how many incoming message handler URIs (0 .. NUMBERING_HANDLER_URIS_MAX). */
NUMBERING_EXTERN(int) numbering_instance_message_handler_count(const numbering_instance *instance);
/** Incoming message handler URI @p i in priority order; NULL when out of range. */
NUMBERING_EXTERN(const char *) numbering_instance_message_handler(const numbering_instance *instance, int i);
/** @return how many incoming call handler URIs (0 .. NUMBERING_HANDLER_URIS_MAX). */
NUMBERING_EXTERN(int) numbering_instance_call_handler_count(const numbering_instance *instance);
/** Incoming call handler URI @p i in priority order; NULL when out of range. */
NUMBERING_EXTERN(const char *) numbering_instance_call_handler(const numbering_instance *instance, int i);
/** A numbering_recording_trigger value (DISABLED when never set). */
NUMBERING_EXTERN(int) numbering_instance_call_recording_trigger(const numbering_instance *instance);
/** @return when the instance was created, in nanoseconds since the Unix epoch; 0 before creation. */
NUMBERING_EXTERN(int64_t) numbering_instance_create_time(const numbering_instance *instance);
/** @return when the instance was deleted, in nanoseconds since the Unix epoch; 0 unless DELETED. */
NUMBERING_EXTERN(int64_t) numbering_instance_delete_time(const numbering_instance *instance);
/**
 * @return when the instance first became ACTIVE (at creation, on activate, or, for the
 *         second half of a split active range, when the split created it), in
 *         nanoseconds since the Unix epoch; 0 if it never was.
 */
NUMBERING_EXTERN(int64_t) numbering_instance_activate_time(const numbering_instance *instance);
/** @return a numbering_lifecycle_state value, NUMBERING_LIFECYCLE_STATE_UNSPECIFIED before creation. */
NUMBERING_EXTERN(int) numbering_instance_lifecycle_state(const numbering_instance *instance);
/** 1 when the instance is a range (range fields set), else 0. */
NUMBERING_EXTERN(int) numbering_instance_is_range(const numbering_instance *instance);
/** @return for a range, the instance's own name (the seed's range.primary); "" otherwise. */
NUMBERING_EXTERN(const char *) numbering_instance_range_primary(const numbering_instance *instance);
/** @return for a range, its first number in +E164; "" otherwise. */
NUMBERING_EXTERN(const char *) numbering_instance_range_start(const numbering_instance *instance);
/** @return for a range, its last number in +E164; "" otherwise. */
NUMBERING_EXTERN(const char *) numbering_instance_range_end(const numbering_instance *instance);
/** Numbers in the range (1 for a single number once created, 0 before). */
NUMBERING_EXTERN(int64_t) numbering_instance_range_size(const numbering_instance *instance);
/** "projects/{project}/regulatoryListings/{listing}" or "". */
NUMBERING_EXTERN(const char *) numbering_instance_regulatory_listing(const numbering_instance *instance);
/** 1 when compliant with the store's regulatory requirements, else 0. */
NUMBERING_EXTERN(int) numbering_instance_compliant(const numbering_instance *instance);
/**@}*/

/**
 * @name Setters for requests.
 * Each returns NUMBERING_OK, NUMBERING_INVALID_ARGUMENT (with a field violation
 * naming the field) or NUMBERING_RESOURCE_EXHAUSTED, and changes nothing on failure.
 */
/**@{*/
/** The number to create: +E164, national (with the request's region), or range notation. */
NUMBERING_EXTERN(int) numbering_instance_set_phone_number(numbering_instance *instance, const char *text);
/** The range to create from the phone number: its size (0 unsets). */
NUMBERING_EXTERN(int) numbering_instance_set_range_size(numbering_instance *instance, int64_t size);
/** The range to create from the phone number: its last number (NULL unsets). */
NUMBERING_EXTERN(int) numbering_instance_set_range_end(numbering_instance *instance, const char *text);
/** NUMBERING_CAPABILITY_* flags; any other bit is NUMBERING_INVALID_ARGUMENT. */
NUMBERING_EXTERN(int) numbering_instance_set_capabilities(numbering_instance *instance, int capabilities);
/** A numbering_number_type value; any other is NUMBERING_INVALID_ARGUMENT. */
NUMBERING_EXTERN(int) numbering_instance_set_number_type(numbering_instance *instance, int number_type);
/** Valid UTF-8, no control characters, at most 100 characters after NFC normalization. */
NUMBERING_EXTERN(int) numbering_instance_set_display_name(numbering_instance *instance, const char *display_name);
/**
 * Adds or replaces a label (key 1..100 characters, value up to 1000, at most 50 labels;
 * valid UTF-8 without control characters). Key and value are kept in NFC and counted
 * after it, as display names: a key equal after NFC to one already set ("\xc3\xa9" and
 * "e\xcc\x81") is that key, and replaces its value. numbering_instance_label() and
 * numbering_instance_remove_label() find a key by its NFC form too.
 */
NUMBERING_EXTERN(int) numbering_instance_set_label(numbering_instance *instance, const char *key, const char *value);
/** Removes a label; NUMBERING_NOT_FOUND when absent. */
NUMBERING_EXTERN(int) numbering_instance_remove_label(numbering_instance *instance, const char *key);
/** Removes every label (and, in an update request, marks the labels as set: to none). */
NUMBERING_EXTERN(int) numbering_instance_clear_labels(numbering_instance *instance);
/** Appends a message handler: an absolute http or https URI; at most 5. */
NUMBERING_EXTERN(int) numbering_instance_add_message_handler(numbering_instance *instance, const char *uri);
/** Removes every message handler (in an update request: sets them to none). */
NUMBERING_EXTERN(int) numbering_instance_clear_message_handlers(numbering_instance *instance);
/** Appends a call handler: http, https, sip, sips, or tel with an E.164 number; at most 5. */
NUMBERING_EXTERN(int) numbering_instance_add_call_handler(numbering_instance *instance, const char *uri);
/** Removes every call handler (in an update request: sets them to none). */
NUMBERING_EXTERN(int) numbering_instance_clear_call_handlers(numbering_instance *instance);
/** A numbering_recording_trigger value (UNSPECIFIED reads back as DISABLED); any other is NUMBERING_INVALID_ARGUMENT. */
NUMBERING_EXTERN(int) numbering_instance_set_call_recording_trigger(numbering_instance *instance, int trigger);
/** The state to create in: PENDING (a port-in) or ACTIVE (the default). */
NUMBERING_EXTERN(int) numbering_instance_set_lifecycle_state(numbering_instance *instance, int state);
/** "projects/{project}/regulatoryListings/{listing}", or NULL/"" to unset. */
NUMBERING_EXTERN(int) numbering_instance_set_regulatory_listing(numbering_instance *instance, const char *listing);
/**@}*/

/** The name of a lifecycle state ("ACTIVE"), "LIFECYCLE_STATE_UNSPECIFIED" for others. */
NUMBERING_EXTERN(const char *) numbering_lifecycle_state_name(int state);
/** The name of a recording trigger ("DISABLED"), "RECORDING_TRIGGER_UNSPECIFIED" for others. */
NUMBERING_EXTERN(const char *) numbering_recording_trigger_name(int trigger);
/** The name of a number type ("MOBILE"), "PHONE_NUMBER_TYPE_UNSPECIFIED" for others. */
NUMBERING_EXTERN(const char *) numbering_number_type_name(int number_type);

/**
 * The project part of the instance's name ("projects/p1"), written into @p buf; "" if unnamed.
 * @param[out] buf where it goes, NUL-terminated. @param[in] bufsize its size.
 * @param[in] instance the instance.
 * @return NUMBERING_OK; NUMBERING_OUT_OF_RANGE when @p buf is too small; NUMBERING_INVALID_ARGUMENT
 *         for a NULL pointer or a name that is not an instance name.
 */
NUMBERING_EXTERN(int) numbering_instance_project(char *buf, size_t bufsize, const numbering_instance *instance);
/**
 * The numbers the instance holds: the first and last as digits (calling code included),
 * and their digit count; first == last for one number.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT for a NULL pointer or an instance that holds no number yet.
 */
NUMBERING_EXTERN(int) numbering_instance_numbers(uint64_t *first, uint64_t *last, int *digits,
                                                 const numbering_instance *instance);

#ifdef __cplusplus
}
#endif

#endif
