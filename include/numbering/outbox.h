/**
 * @file numbering/outbox.h
 * @brief Callbacks: each project's HMAC secret, and the outbox of signed callbacks the
 *        host delivers at least once.
 *
 * A change that the Sinch seed reports (a number linked to or unlinked from an SMS
 * service plan, a campaign, a voice app) queues a CallbackPayload for the number's
 * callbackUrl in the same transaction as the change: an event is never lost, and never
 * sent for a change that did not commit. The host claims due deliveries, POSTs each
 * (body, and the X-Sinch-Signature header when the project has a secret), and reports
 * the outcome. A failed delivery is retried with exponential backoff (30 s, doubling,
 * at most 6 h apart); after NUMBERING_DELIVERY_ATTEMPTS_MAX attempts it is kept as dead
 * and listable. Order is not guaranteed, as the seed says. `numberctl deliver` does the
 * delivery over HTTP; docs/CALLBACKS.md describes both sides.
 *
 * Thread safety: the store calls may run beside every other store call; a claimed
 * delivery is leased for NUMBERING_DELIVERY_LEASE_SECONDS, so two deliverers do not
 * send it at once.
 */
#ifndef NUMBERING_OUTBOX_H
#define NUMBERING_OUTBOX_H

#include "common.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Attempts before a delivery is kept as dead. */
#define NUMBERING_DELIVERY_ATTEMPTS_MAX 10
/** How long a claimed delivery is the claimant's before it is due again. */
#define NUMBERING_DELIVERY_LEASE_SECONDS 300

/** One delivery: opaque, owned by its list. */
typedef struct numbering_delivery numbering_delivery;
/** Deliveries: opaque, the caller's, freed with numbering_delivery_list_free(). */
typedef struct numbering_delivery_list numbering_delivery_list;

/**
 * The project's callback secret (GetCallbackConfiguration).
 * @param[out] hmac_secret the secret, "" when none is set; the caller's, freed with numbering_free().
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.callbackConfiguration.get on @p project.
 * @param[in] project "projects/{project}".
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT; NUMBERING_PERMISSION_DENIED;
 *         NUMBERING_RESOURCE_EXHAUSTED; the backend's errors.
 *
 * Thread safety: runs beside every other store call.
 */
NUMBERING_EXTERN(int) numbering_store_get_callback_secret(char **hmac_secret, numbering_store *store,
                                                          const char *caller, const char *project);

/**
 * Sets the project's callback secret (UpdateCallbackConfiguration): 1 to 256 bytes of
 * text without control characters; "" removes it (callbacks are then sent unsigned).
 * Deliveries are signed when claimed, with the secret of that time.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.callbackConfiguration.update on @p project.
 * @param[in] project "projects/{project}".
 * @param[in] hmac_secret the secret.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming "hmacSecret";
 *         NUMBERING_PERMISSION_DENIED; the backend's errors.
 *
 * Thread safety: the store serializes writers.
 */
NUMBERING_EXTERN(int) numbering_store_update_callback_secret(numbering_store *store, const char *caller,
                                                             const char *project, const char *hmac_secret);

/**
 * Claims up to @p max due deliveries, oldest due first, each signed with its project's
 * current secret; each counts an attempt and is leased to the caller. A host operation.
 * @param[out] out the deliveries (maybe none), the caller's; NULL on failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.callbackDeliveries.deliver on project "*".
 * @param[in] max 1 .. 1000.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming "max";
 *         NUMBERING_PERMISSION_DENIED; the backend's errors.
 *
 * Thread safety: the store serializes writers.
 */
NUMBERING_EXTERN(int) numbering_store_claim_deliveries(numbering_delivery_list **out, numbering_store *store,
                                                       const char *caller, int max);

/**
 * Reports how a claimed delivery went: @p delivered non-zero (the receiver answered
 * 2xx) removes it; otherwise it is due again after its backoff, or dead after
 * NUMBERING_DELIVERY_ATTEMPTS_MAX attempts. A host operation.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.callbackDeliveries.deliver on project "*".
 * @param[in] id the delivery's id (its eventId).
 * @param[in] delivered non-zero when delivered.
 * @param[in] error what went wrong, kept with it (NULL or ""; truncated to 1024 bytes).
 * @return NUMBERING_OK; NUMBERING_NOT_FOUND when no such delivery is pending (reported
 *         already, or dead); NUMBERING_PERMISSION_DENIED; the backend's errors.
 *
 * Thread safety: the store serializes writers.
 */
NUMBERING_EXTERN(int) numbering_store_report_delivery(numbering_store *store, const char *caller, const char *id,
                                                      int delivered, const char *error);

/**
 * Reports how a claimed delivery went, as numbering_store_report_delivery() does, if the
 * delivery was not claimed again since: a deliverer whose lease ran out (its attempt
 * outlasted NUMBERING_DELIVERY_LEASE_SECONDS) cannot report on the claim another
 * deliverer has made since, whose report it is. The claim is named by @p attempt, the
 * delivery's "attempts" as the claim handed it out (numbering_delivery_int(delivery,
 * "attempts")): each claim counts one more, so it names one claim, and the last one
 * is the only one whose report counts. A host operation; numberctl deliver reports so.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.callbackDeliveries.deliver on project "*".
 * @param[in] id the delivery's id (its eventId).
 * @param[in] attempt the claim's "attempts", 1 .. NUMBERING_DELIVERY_ATTEMPTS_MAX.
 * @param[in] delivered non-zero when delivered.
 * @param[in] error what went wrong, kept with it (NULL or ""; truncated to 1024 bytes).
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming "id" or "attempt";
 *         NUMBERING_NOT_FOUND when no such delivery is pending (reported already, or
 *         dead); NUMBERING_FAILED_PRECONDITION naming "attempt" when it was claimed
 *         again since (nothing is changed: the report is the new claimant's);
 *         NUMBERING_PERMISSION_DENIED; the backend's errors.
 *
 * Thread safety: the store serializes writers.
 */
NUMBERING_EXTERN(int) numbering_store_report_claimed_delivery(numbering_store *store, const char *caller,
                                                              const char *id, int64_t attempt, int delivered,
                                                              const char *error);

/**
 * Lists up to @p max dead deliveries, oldest first. A host operation.
 * @param[out] out the deliveries, the caller's; NULL on failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.callbackDeliveries.deliver on project "*".
 * @param[in] max 1 .. 1000.
 * @return as numbering_store_claim_deliveries().
 *
 * Thread safety: runs beside every other store call.
 */
NUMBERING_EXTERN(int) numbering_store_list_dead_deliveries(numbering_delivery_list **out, numbering_store *store,
                                                           const char *caller, int max);

/**
 * How many deliveries a list holds.
 * @param[in] list the list, or NULL.
 * @return the count; 0 for NULL. Sets no error.
 *
 * Thread safety: any number of threads may read a list.
 */
NUMBERING_EXTERN(int) numbering_delivery_list_count(const numbering_delivery_list *list);

/**
 * Delivery @p i of a list.
 * @param[in] list the list, or NULL.
 * @param[in] i 0 .. count - 1.
 * @return the delivery, owned by the list; NULL when out of range. Sets no error.
 *
 * Thread safety: any number of threads may read a list.
 */
NUMBERING_EXTERN(const numbering_delivery *) numbering_delivery_list_item(const numbering_delivery_list *list, int i);

/**
 * Frees a list and its deliveries. NULL is a no-op.
 * @param[in] list the list, or NULL.
 *
 * Ownership: takes @p list. Thread safety: no other thread may be using it.
 */
NUMBERING_EXTERN(void) numbering_delivery_list_free(numbering_delivery_list *list);

/**
 * A text of a delivery by name: "id" (the eventId), "url" (the callbackUrl), "body" (the
 * exact bytes to POST), "signature" (the X-Sinch-Signature value, "" when the project has
 * no secret), "projectId", "lastError"; "" for another name or NULL.
 * @param[in] delivery the delivery, or NULL.
 * @param[in] name the field's name.
 * @return a string owned by the list. Sets no error.
 *
 * Thread safety: any number of threads may read a list.
 */
NUMBERING_EXTERN(const char *) numbering_delivery_text(const numbering_delivery *delivery, const char *name);

/**
 * A number of a delivery by name: "attempts" (made so far, this one included when
 * claimed), "createTime" and "nextAttemptTime" (ns since the epoch; 0 for a dead one);
 * 0 for another name or NULL.
 * @param[in] delivery the delivery, or NULL.
 * @param[in] name the field's name.
 * @return the value. Sets no error.
 *
 * Thread safety: any number of threads may read a list.
 */
NUMBERING_EXTERN(int64_t) numbering_delivery_int(const numbering_delivery *delivery, const char *name);

#ifdef __cplusplus
}
#endif

#endif
