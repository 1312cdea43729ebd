/* Running a JSON method through the public entry point (numbering_store_call_json) and
 * checking its status: the helpers the JSON suites shared by copying. */
#ifndef NUMBERING_TEST_JSON_CALL_H
#define NUMBERING_TEST_JSON_CALL_H

#include <stdarg.h>

#include <jansson.h>

#include <numbering/numbering.h>

/* Calls @method on @store (no caller) with the request printed from @fmt: the status,
 * and on success the parsed response in *out (else NULL; json_decref it). Asserts that
 * a successful response is JSON. */
int json_call_v(json_t **out, numbering_store *store, const char *method, const char *fmt, va_list ap);

/* The parsed response of @method, asserting success (json_decref it). */
json_t *json_call_ok(numbering_store *store, const char *method, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Asserts that @method refuses the request with @code and a field violation naming
 * @field. */
void json_call_refused(numbering_store *store, int code, const char *field, const char *method, const char *fmt,
                       ...) __attribute__((format(printf, 5, 6)));

#endif
