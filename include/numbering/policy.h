/**
 * @file numbering/policy.h
 * @brief The built-in policy: bindings of a project to members, permissions and roles,
 *        and an authorizer over it.
 *
 * A host with its own access control passes its own numbering_authorizer_cb
 * (numbering/store.h) instead.
 *
 * Thread safety: a parsed policy is immutable; numbering_policy_authorize() may run
 * on it from any number of threads at once. Free it only after the stores using it
 * are closed.
 */
#ifndef NUMBERING_POLICY_H
#define NUMBERING_POLICY_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A parsed authorization policy: opaque, the caller's. */
typedef struct numbering_policy numbering_policy;

/**
 * Parses a policy: {"bindings":[{"project":"projects/p1" or "*","members":["user:alice"],
 * "permissions":[...],"roles":["roles/numbering.viewer"]}]}. Roles:
 * roles/numbering.viewer (get, list, resolve), roles/numbering.editor (viewer and
 * create, update, delete, splitRange), roles/numbering.admin (every permission).
 * The document is bounded as a JSON request is: 1 MiB, 32 levels, and a \\u0000
 * inside a string is refused as in a request (a member "user:ops\\u0000x" would be
 * user:ops).
 * @param[out] out the policy, freed with numbering_policy_free(); NULL on failure.
 * @param[in] json the document, NUL-terminated; only read.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming the offending field (a NULL
 *         argument, malformed JSON, an unknown field, permission or role, a project
 *         that is neither "*" nor "projects/{project}"); NUMBERING_RESOURCE_EXHAUSTED.
 *
 * Ownership: @p *out is the caller's, freed with numbering_policy_free(); @p json is
 * only read. Thread safety: callable from any thread.
 */
NUMBERING_EXTERN(int) numbering_policy_parse(numbering_policy **out, const char *json);

/**
 * Frees @p policy. NULL is a no-op.
 * @param[in] policy the policy, or NULL.
 *
 * Ownership: takes @p policy. Lifetime: no store may still use it as its authorizer's
 * payload (close the store first).
 * Thread safety: no other thread may be using @p policy.
 */
NUMBERING_EXTERN(void) numbering_policy_free(numbering_policy *policy);

/**
 * An authorizer over a policy: pass it as numbering_options.authorizer with the policy
 * as payload (a numbering_authorizer_cb).
 * @param[in] caller the principal; NULL is denied.
 * @param[in] permission the full permission name ("numbering.phoneNumberInstances.get");
 *            one the library does not know is denied.
 * @param[in] project "projects/{project}".
 * @param[in] policy a numbering_policy *.
 * @return 1 when a binding for @p project or "*" lists @p caller (or allUsers) and grants
 *         @p permission, directly or through a role; 0 otherwise, and for any NULL.
 *         Sets no error.
 *
 * Ownership: only reads its arguments. Thread safety: a policy is never modified after
 * parsing; any number of threads may authorize against it at once.
 */
NUMBERING_EXTERN(int) numbering_policy_authorize(const char *caller, const char *permission, const char *project,
                                                 void *policy);

#ifdef __cplusplus
}
#endif

#endif
