/**
 * @file numbering/errors.h
 * @brief The one error model: a google.rpc code, a message and field violations.
 *
 * Every fallible call returns a numbering_status. When it is not NUMBERING_OK, the
 * details of that failure are in the calling thread's last error, read through the
 * functions below until the thread's next failing call replaces it. The error is per
 * thread, never per handle, so threads sharing a handle never see each other's errors.
 * No struct is exposed: bindings call getters.
 *
 * Thread safety: all functions act on the calling thread's error only.
 */
#ifndef NUMBERING_ERRORS_H
#define NUMBERING_ERRORS_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** At most this many field violations are kept; numbering_error_violation_count() says how many. */
#define NUMBERING_ERROR_MAX_VIOLATIONS 16

/**
 * The code of the calling thread's last error.
 * @return a numbering_status; NUMBERING_OK if there is none. Cannot fail.
 *
 * Thread safety: reads the calling thread's error only.
 */
NUMBERING_EXTERN(int) numbering_error_code(void);

/**
 * The message of the last error: one sentence naming the offending value.
 * @return a thread-local string, "" when there is no error; never NULL. Cannot fail.
 *
 * Ownership: the library's; do not free it. Lifetime: valid until this thread's next
 * call into the library (copy it to keep it).
 * Thread safety: reads the calling thread's error only.
 */
NUMBERING_EXTERN(const char *) numbering_error_message(void);

/**
 * How many field violations the last error carries.
 * @return 0 .. NUMBERING_ERROR_MAX_VIOLATIONS. Cannot fail.
 *
 * Thread safety: reads the calling thread's error only.
 */
NUMBERING_EXTERN(int) numbering_error_violation_count(void);

/**
 * The field path of violation @p i (e.g. "phone_number_instance.display_name").
 * @param[in] i 0 .. numbering_error_violation_count() - 1.
 * @return a thread-local string, or NULL when @p i is out of range. Sets no error.
 *
 * Ownership: the library's; do not free it. Lifetime: valid until this thread's next
 * call into the library.
 * Thread safety: reads the calling thread's error only.
 */
NUMBERING_EXTERN(const char *) numbering_error_violation_field(int i);

/**
 * The description of violation @p i.
 * @param[in] i 0 .. numbering_error_violation_count() - 1.
 * @return a thread-local string, or NULL when @p i is out of range. Sets no error.
 *
 * Ownership: the library's; do not free it. Lifetime: valid until this thread's next
 * call into the library.
 * Thread safety: reads the calling thread's error only.
 */
NUMBERING_EXTERN(const char *) numbering_error_violation_description(int i);

/**
 * Forgets the calling thread's last error: numbering_error_code() is NUMBERING_OK after it.
 *
 * Lifetime: strings read from the error before are invalid after it.
 * Thread safety: clears the calling thread's error only.
 */
NUMBERING_EXTERN(void) numbering_error_clear(void);

/**
 * Renders the last error as the JSON error body:
 * {"error":{"code":400,"status":"INVALID_ARGUMENT","message":"...","details":[...]}}.
 * @param[out] out the JSON text, NUL-terminated; NULL on failure.
 * @return NUMBERING_OK, NUMBERING_INVALID_ARGUMENT if @p out is NULL, or
 *         NUMBERING_RESOURCE_EXHAUSTED. Rendering does not replace the last error
 *         unless it fails.
 *
 * Ownership: @p *out is the caller's, freed with numbering_free(). Lifetime: until freed.
 * Thread safety: renders the calling thread's error only.
 */
NUMBERING_EXTERN(int) numbering_error_json(char **out);

/**
 * The name of a status code, e.g. "INVALID_ARGUMENT".
 * @param[in] code a numbering_status value (any int is accepted).
 * @return a static string; "UNKNOWN" for a value that is not a status code. Cannot fail.
 *
 * Ownership: the library's; never freed. Lifetime: the process's.
 * Thread safety: callable from any thread.
 */
NUMBERING_EXTERN(const char *) numbering_status_name(int code);

/**
 * The HTTP status that goes with a code in the JSON error body (400, 404, 409, ...).
 * @param[in] code a numbering_status value (any int is accepted).
 * @return the HTTP status; 200 for NUMBERING_OK, 500 for a value that is not a status
 *         code. Cannot fail.
 *
 * Thread safety: callable from any thread.
 */
NUMBERING_EXTERN(int) numbering_status_http(int code);

#ifdef __cplusplus
}
#endif

#endif
