/**
 * @file numbering/callback.h
 * @brief Signed event callbacks (the Sinch Numbers seed's "Numbers Callbacks"): the
 *        CallbackPayload body, its HMAC-SHA1 signature and its verification.
 *
 * Every provisioning outcome is told to the project's callback URL as an HTTP POST of
 * a CallbackPayload JSON body, signed with HMAC-SHA1 keyed by the project's
 * hmacSecret (CallbackConfiguration). The signature travels in the X-Sinch-Signature
 * header as 40 lowercase hexadecimal digits of the 20-byte MAC, computed over the exact
 * bytes of the body, as Sinch's own SDKs compute and check it (hex digest of
 * HMAC-SHA1; see docs/CALLBACKS.md). A receiving host checks a delivery with
 * numbering_callback_verify() before it parses the body.
 *
 * Nothing here touches a store: a host (or numberctl) builds, signs and verifies
 * bodies with these functions alone. The HMAC is Nettle's.
 *
 * Thread safety: every function is reentrant and may be called from any thread.
 */
#ifndef NUMBERING_CALLBACK_H
#define NUMBERING_CALLBACK_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Bytes of the MAC itself: HMAC-SHA1 gives 20. */
#define NUMBERING_CALLBACK_MAC_SIZE 20
/** Characters of an X-Sinch-Signature value: two lowercase hex digits per MAC byte. */
#define NUMBERING_CALLBACK_SIGNATURE_LENGTH 40
/** Bytes that hold an X-Sinch-Signature value with its NUL. */
#define NUMBERING_CALLBACK_SIGNATURE_BUFSIZE 41
/** The HTTP header that carries the signature. */
#define NUMBERING_CALLBACK_SIGNATURE_HEADER "X-Sinch-Signature"

/**
 * The eventType of a CallbackPayload, spelt as the seed spells it. 0 is no event
 * and is refused.
 */
typedef enum numbering_callback_event_type {
	/** A number was linked to a service plan ID: "PROVISIONING_TO_SMS_PLATFORM". */
	NUMBERING_CALLBACK_EVENT_PROVISIONING_TO_SMS_PLATFORM = 1,
	/** A number was unlinked from a service plan ID: "DEPROVISIONING_FROM_SMS_PLATFORM". */
	NUMBERING_CALLBACK_EVENT_DEPROVISIONING_FROM_SMS_PLATFORM = 2,
	/** A number was linked to a campaign: "PROVISIONING_TO_CAMPAIGN". */
	NUMBERING_CALLBACK_EVENT_PROVISIONING_TO_CAMPAIGN = 3,
	/** A number was unlinked from a campaign: "DEPROVISIONING_FROM_CAMPAIGN". */
	NUMBERING_CALLBACK_EVENT_DEPROVISIONING_FROM_CAMPAIGN = 4,
	/** A number was enabled for voice: "PROVISIONING_TO_VOICE_PLATFORM". */
	NUMBERING_CALLBACK_EVENT_PROVISIONING_TO_VOICE_PLATFORM = 5,
	/** A number was disabled for voice: "DEPROVISIONING_TO_VOICE_PLATFORM" (the seed's
	 *  spelling, "TO" and not "FROM"). */
	NUMBERING_CALLBACK_EVENT_DEPROVISIONING_TO_VOICE_PLATFORM = 6
} numbering_callback_event_type;

/** The status of a CallbackPayload. 0 is no status and is refused. */
typedef enum numbering_callback_status {
	NUMBERING_CALLBACK_STATUS_SUCCEEDED = 1, /**< "SUCCEEDED" */
	NUMBERING_CALLBACK_STATUS_FAILED = 2     /**< "FAILED" */
} numbering_callback_status;

/**
 * The failureCode of a FAILED CallbackPayload: the seed's enum, in the seed's order.
 * NUMBERING_CALLBACK_FAILURE_NONE leaves the field out.
 */
typedef enum numbering_callback_failure_code {
	NUMBERING_CALLBACK_FAILURE_NONE = 0,                         /**< no failureCode field */
	NUMBERING_CALLBACK_FAILURE_CAMPAIGN_NOT_AVAILABLE = 1,       /**< "CAMPAIGN_NOT_AVAILABLE" */
	NUMBERING_CALLBACK_FAILURE_EXCEEDED_10DLC_LIMIT = 2,         /**< "EXCEEDED_10DLC_LIMIT" */
	NUMBERING_CALLBACK_FAILURE_NUMBER_PROVISIONING_FAILED = 3,   /**< "NUMBER_PROVISIONING_FAILED" */
	NUMBERING_CALLBACK_FAILURE_PARTNER_SERVICE_UNAVAILABLE = 4,  /**< "PARTNER_SERVICE_UNAVAILABLE" */
	NUMBERING_CALLBACK_FAILURE_CAMPAIGN_PENDING_ACCEPTANCE = 5,  /**< "CAMPAIGN_PENDING_ACCEPTANCE" */
	NUMBERING_CALLBACK_FAILURE_MNO_SHARING_ERROR = 6,            /**< "MNO_SHARING_ERROR" */
	NUMBERING_CALLBACK_FAILURE_CAMPAIGN_PROVISIONING_FAILED = 7, /**< "CAMPAIGN_PROVISIONING_FAILED" */
	NUMBERING_CALLBACK_FAILURE_CAMPAIGN_EXPIRED = 8,             /**< "CAMPAIGN_EXPIRED" */
	NUMBERING_CALLBACK_FAILURE_CAMPAIGN_MNO_REJECTED = 9,        /**< "CAMPAIGN_MNO_REJECTED" */
	NUMBERING_CALLBACK_FAILURE_CAMPAIGN_MNO_SUSPENDED = 10,      /**< "CAMPAIGN_MNO_SUSPENDED" */
	NUMBERING_CALLBACK_FAILURE_CAMPAIGN_MNO_REVIEW = 11,         /**< "CAMPAIGN_MNO_REVIEW" */
	NUMBERING_CALLBACK_FAILURE_INSUFFICIENT_BALANCE = 12,        /**< "INSUFFICIENT_BALANCE" */
	NUMBERING_CALLBACK_FAILURE_MOCK_CAMPAIGN_NOT_ALLOWED = 13,   /**< "MOCK_CAMPAIGN_NOT_ALLOWED" */
	NUMBERING_CALLBACK_FAILURE_TFN_NOT_ALLOWED = 14,             /**< "TFN_NOT_ALLOWED" */
	NUMBERING_CALLBACK_FAILURE_INVALID_NNID = 15                 /**< "INVALID_NNID" */
} numbering_callback_failure_code;

/**
 * Signs a callback body: the X-Sinch-Signature value, HMAC-SHA1 of the @p body_len
 * bytes at @p body keyed by the @p secret_len bytes at @p secret, as 40 lowercase hex
 * digits and a NUL.
 *
 * The body is signed byte for byte: sign exactly the bytes that are sent (a NUL
 * inside them is data, not an end). The secret is bytes too: the project's hmacSecret
 * as the configuration holds it (its UTF-8 bytes), or any binary key.
 *
 * @param[out] out       receives the signature; "" on failure (when @p outsize > 0).
 * @param[in]  outsize   bytes at @p out: at least NUMBERING_CALLBACK_SIGNATURE_BUFSIZE.
 * @param[in]  secret    the key; need not be NUL-terminated.
 * @param[in]  secret_len bytes of @p secret, at least 1.
 * @param[in]  body      the body; may be NULL when @p body_len is 0.
 * @param[in]  body_len  bytes of @p body.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT when @p out is NULL (field "out"),
 *         @p secret is NULL or empty (field "hmacSecret": an empty key authenticates
 *         nothing, so a project without a secret sends no signature) or @p body is NULL
 *         with a length (field "body"); NUMBERING_OUT_OF_RANGE when @p outsize is under
 *         NUMBERING_CALLBACK_SIGNATURE_BUFSIZE (field "outsize").
 *
 * Ownership: allocates nothing; only writes @p out. The key schedule is wiped before
 * return. Thread safety: reentrant.
 */
NUMBERING_EXTERN(int) numbering_callback_sign(char *out, size_t outsize, const char *secret, size_t secret_len,
                                             const void *body, size_t body_len);

/**
 * Verifies a received callback: whether @p header is the signature of the body under
 * the secret. The MACs are compared in constant time.
 *
 * A valid header is exactly NUMBERING_CALLBACK_SIGNATURE_LENGTH lowercase hex digits,
 * as numbering_callback_sign() writes them and as Sinch's SDKs compare them (a string
 * comparison, so uppercase digits never match there either). Pass the header's value
 * as the HTTP server gives it, surrounding whitespace already removed.
 *
 * @param[in] secret     the project's hmacSecret; need not be NUL-terminated.
 * @param[in] secret_len bytes of @p secret, at least 1.
 * @param[in] body       the body exactly as received, before any JSON parsing; may be
 *                       NULL when @p body_len is 0.
 * @param[in] body_len   bytes of @p body.
 * @param[in] header     the X-Sinch-Signature value, NUL-terminated, or NULL when the
 *                       request had none.
 * @return NUMBERING_OK when the signature matches;
 *         NUMBERING_UNAUTHENTICATED when it is well-formed but does not match (the
 *         body was altered, or signed with another secret): the delivery must be
 *         refused; NUMBERING_INVALID_ARGUMENT naming the field "X-Sinch-Signature" when
 *         the header is missing, not 40 characters long, or holds anything but 0-9 and
 *         a-f (uppercase included), and naming "hmacSecret" or "body" as for
 *         numbering_callback_sign().
 *
 * Ownership: allocates nothing; only reads. The expected MAC and key schedule are wiped
 * before return. Thread safety: reentrant.
 */
NUMBERING_EXTERN(int) numbering_callback_verify(const char *secret, size_t secret_len, const void *body,
                                               size_t body_len, const char *header);

/**
 * Renders a CallbackPayload as the exact JSON body to sign and send, compact, members
 * in the seed's order:
 * {"eventId":...,"timestamp":...,"projectId":...,"resourceId":...,
 *  "resourceType":"ACTIVE_NUMBER","eventType":...,"status":...[,"failureCode":...]}.
 *
 * The timestamp is written as the seed's example writes it: UTC without a zone, with
 * six fractional digits ("2023-06-06T07:45:27.785357"); nanoseconds below the
 * microsecond are dropped (rounded toward the past, before 1970 too).
 *
 * @param[out] out          the JSON text, NUL-terminated; NULL on failure.
 * @param[in]  event_id     1 to 128 printable ASCII characters other than '"' and '\\'
 *                          (field "eventId").
 * @param[in]  timestamp_ns when the callback was queued: nanoseconds since
 *                          1970-01-01T00:00:00Z, within the years 1678 to 2261 that the
 *                          library records (field "timestamp").
 * @param[in]  project_id   the project id, 1 to 63 of a-z, 0-9 and '-' (field
 *                          "projectId").
 * @param[in]  resource_id  the number, in "+E164" form with an assigned calling code
 *                          (field "resourceId").
 * @param[in]  event_type   a numbering_callback_event_type (field "eventType").
 * @param[in]  status       a numbering_callback_status (field "status").
 * @param[in]  failure_code a numbering_callback_failure_code: NUMBERING_CALLBACK_FAILURE_NONE,
 *                          or with NUMBERING_CALLBACK_STATUS_FAILED one of the seed's codes
 *                          (field "failureCode"). A FAILED event may have none (the seed:
 *                          SMS platform provisioning fails without a code); a SUCCEEDED one,
 *                          and a PROVISIONING_TO_SMS_PLATFORM one, never has one.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming the field of the first bad
 *         value (@p out NULL: field "out"); NUMBERING_RESOURCE_EXHAUSTED.
 *
 * Ownership: @p *out is the caller's, freed with numbering_free(). Lifetime: until freed.
 * Thread safety: reentrant.
 */
NUMBERING_EXTERN(int) numbering_callback_payload_json(char **out, const char *event_id, int64_t timestamp_ns,
                                                     const char *project_id, const char *resource_id,
                                                     int event_type, int status, int failure_code);

/**
 * The seed's name of an event type, e.g. "PROVISIONING_TO_CAMPAIGN".
 * @param[in] event_type a numbering_callback_event_type (any int is accepted).
 * @return a static string, or NULL for a value that is not an event type. Sets no error.
 *
 * Ownership: the library's; never freed. Lifetime: the process's. Thread safety: reentrant.
 */
NUMBERING_EXTERN(const char *) numbering_callback_event_type_name(int event_type);

/**
 * The seed's name of a callback status, "SUCCEEDED" or "FAILED".
 * @param[in] status a numbering_callback_status (any int is accepted).
 * @return a static string, or NULL for a value that is not a status. Sets no error.
 *
 * Ownership: the library's; never freed. Lifetime: the process's. Thread safety: reentrant.
 */
NUMBERING_EXTERN(const char *) numbering_callback_status_name(int status);

/**
 * The seed's name of a failure code, e.g. "CAMPAIGN_EXPIRED".
 * @param[in] failure_code a numbering_callback_failure_code (any int is accepted).
 * @return a static string, or NULL for NUMBERING_CALLBACK_FAILURE_NONE and for a value
 *         that is not a failure code. Sets no error.
 *
 * Ownership: the library's; never freed. Lifetime: the process's. Thread safety: reentrant.
 */
NUMBERING_EXTERN(const char *) numbering_callback_failure_code_name(int failure_code);

#ifdef __cplusplus
}
#endif

#endif
