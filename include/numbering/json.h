/**
 * @file numbering/json.h
 * @brief The JSON entry point: every method of the service by name, proto3 JSON in and out.
 *
 * What docs/JSON-API.md describes: the request and response messages, the methods and
 * the JSON error body. Hosts that speak JSON (an HTTP front end, numberctl, the Python
 * binding) go through this one call.
 *
 * Thread safety: as the store's operations; any number of threads may call at once.
 */
#ifndef NUMBERING_JSON_H
#define NUMBERING_JSON_H

#include "common.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Calls a method by name with a proto3-JSON request and returns the proto3-JSON
 * response or the JSON error body. Methods: every name numbering_json_method() lists
 * (CreatePhoneNumberInstance, GetPhoneNumberInstance, ListPhoneNumberInstances,
 * UpdatePhoneNumberInstance, DeletePhoneNumberInstance, MovePhoneNumberInstance,
 * SplitRange, ActivatePhoneNumberInstance, SuspendPhoneNumberInstance,
 * ResumePhoneNumberInstance, ResolvePhoneNumber, then the Sinch, purchase, billing and
 * Voximplant methods docs/JSON-API.md describes).
 * @param[out] response the response or error body, freed with numbering_free(); NULL
 *             only when even the error body cannot be allocated.
 * @param[in] store the store.
 * @param[in] caller the principal the permission checks see, or NULL.
 * @param[in] method the method name, e.g. "CreatePhoneNumberInstance".
 * @param[in] request_json the request message in proto3 JSON: at most 1 MiB
 *            (1,048,576 bytes) and 32 levels deep (docs/LIMITS.md). It ends at its
 *            NUL terminator; a NUL inside a string (the \\u0000 escape) is refused,
 *            naming the field and the escape's byte offset, since the library's
 *            strings would end there.
 * @return NUMBERING_OK, or the error's code (NUMBERING_UNIMPLEMENTED for an unknown
 *         method; NUMBERING_INVALID_ARGUMENT for malformed JSON, a \\u0000, wrong
 *         types, unknown fields, or a request past the size or depth limit).
 *         NUMBERING_RESOURCE_EXHAUSTED from a write can mean that the write committed
 *         but its response could not be rendered: retry a create with the same
 *         requestId, or get the instance. Every code of the operation the method
 *         maps to (numbering/store.h, list.h, resolve.h) can be returned.
 *
 * Ownership: @p *response is the caller's, freed with numbering_free(), on success and
 * on failure alike; the request is only read.
 * Lifetime: the response does not depend on the store.
 * Thread safety: any thread, concurrently with any other call on the store.
 */
NUMBERING_EXTERN(int) numbering_store_call_json(char **response, numbering_store *store, const char *caller,
                                                const char *method, const char *request_json);

/**
 * The name of a method numbering_store_call_json() knows, by position: 0, 1, ... in the
 * library's own dispatch table (the instance service's methods first, then the others
 * in the order they were added), so a host or a tool can list every method without a
 * copy of the list (numberctl's 'help call', its manual page and its bash completion
 * do).
 * @param[in] index 0 for the first method; the names end where NULL is returned.
 * @return the method's name, e.g. "CreatePhoneNumberInstance"; NULL when @p index is
 *         negative or past the last method. Cannot fail otherwise.
 *
 * Ownership: the library's; never freed. Lifetime: the process's.
 * Thread safety: callable from any thread.
 */
NUMBERING_EXTERN(const char *) numbering_json_method(int index);

#ifdef __cplusplus
}
#endif

#endif
