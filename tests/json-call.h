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

/* Calls @method on @store (no caller) with @request, keeping the answer: the response
 * or error body in *response and its parse in *parsed (what they held is freed first).
 * Asserts that there is a body and that it is JSON. Returns the status. */
int json_call_keep(char **response, json_t **parsed, numbering_store *store, const char *method, const char *request);

/* Frees what json_call_keep kept, and sets both to NULL. */
void json_call_forget(char **response, json_t **parsed);

/* Whether the parsed error body @body has a field violation (its first detail's
 * fieldViolations) naming @field. */
int json_error_names_field(json_t *body, const char *field);

#endif
