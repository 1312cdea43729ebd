/*
 * Callback payload values that need no store and no JSON: the checks of a
 * CallbackPayload's fields and the seed's timestamp format. The JSON layer renders
 * the body (json/callback-json.c); the service may check an event before queuing it.
 */
#ifndef NUMBERING_MODEL_CALLBACK_H
#define NUMBERING_MODEL_CALLBACK_H

#include <stdint.h>

#include "numbering/callback.h"

/* Bytes of the seed's callback timestamp with its NUL: "YYYY-MM-DDTHH:MM:SS.ffffff". */
#define NUMBERING__CALLBACK_TIME_SIZE 27

/* Checks every field of a CallbackPayload as numbering_callback_payload_json()
 * documents; INVALID_ARGUMENT names the first bad field in the seed's camelCase. */
int numbering__callback_check(const char *event_id, int64_t timestamp_ns, const char *project_id,
                              const char *resource_id, int event_type, int status, int failure_code);

/* Writes @ns (already checked with numbering__time_in_range) as the seed's callback
 * timestamp: UTC, no zone, six fractional digits, rounded toward the past. */
void numbering__callback_format_time(char buf[NUMBERING__CALLBACK_TIME_SIZE], int64_t ns);

#endif
