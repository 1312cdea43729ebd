/**
 * @file numbering/provisioning.h
 * @brief Scheduled provisioning driven by the host (numbering_options.provisioning =
 *        NUMBERING_PROVISIONING_MANUAL).
 *
 * In manual mode, linking or unlinking an active number's SMS service plan, campaign or
 * voice app does not change the live configuration: it schedules it (the number shows
 * smsConfiguration.scheduledProvisioning / voiceConfiguration.scheduledVoiceProvisioning
 * with status WAITING) and queues one provisioning task per change. The host claims due
 * tasks (they become IN_PROGRESS), carries them out on its platforms, and completes each:
 * SUCCEEDED makes the change live, FAILED keeps the live value and shows the status
 * FAILED with the error code. Either way the number's callback is queued
 * (numbering/outbox.h) in the same transaction. A claimed task not completed within
 * NUMBERING_DELIVERY_LEASE_SECONDS is due again.
 *
 * Thread safety: the store calls may run beside every other store call.
 */
#ifndef NUMBERING_PROVISIONING_H
#define NUMBERING_PROVISIONING_H

#include "common.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One provisioning task: opaque, owned by its list. */
typedef struct numbering_task numbering_task;
/** Tasks: opaque, the caller's, freed with numbering_task_list_free(). */
typedef struct numbering_task_list numbering_task_list;

/**
 * Claims up to @p max due tasks, oldest first (ClaimProvisioningTasks); each becomes
 * IN_PROGRESS, on its number too. A host operation.
 * @param[out] out the tasks (maybe none), the caller's; NULL on failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.provisioningTasks.complete on project "*".
 * @param[in] max 1 .. 1000.
 * @return NUMBERING_OK; NUMBERING_INVALID_ARGUMENT naming "max";
 *         NUMBERING_PERMISSION_DENIED; the backend's errors.
 *
 * Thread safety: the store serializes writers.
 */
NUMBERING_EXTERN(int) numbering_store_claim_provisioning_tasks(numbering_task_list **out, numbering_store *store,
                                                               const char *caller, int max);

/**
 * Completes a task (CompleteProvisioningTask): @p status NUMBERING_CALLBACK_STATUS_SUCCEEDED
 * makes the change live; NUMBERING_CALLBACK_STATUS_FAILED marks the number's scheduled
 * provisioning FAILED with @p failure_code among its errorCodes. Queues the number's
 * callback. A host operation.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.provisioningTasks.complete on project "*".
 * @param[in] name the task's name, "provisioningTasks/{project id}/{number}/{eventType}"
 *            (one task per change of a number at a time: a second change of a channel
 *            waits until the first is completed).
 * @param[in] status a numbering_callback_status.
 * @param[in] failure_code a numbering_callback_failure_code; NUMBERING_CALLBACK_FAILURE_NONE
 *            with SUCCEEDED (and allowed with FAILED).
 * @return NUMBERING_OK; NUMBERING_NOT_FOUND (no such task: completed already);
 *         NUMBERING_INVALID_ARGUMENT naming "status" or "failureCode";
 *         NUMBERING_PERMISSION_DENIED; the backend's errors.
 *
 * Thread safety: the store serializes writers.
 */
NUMBERING_EXTERN(int) numbering_store_complete_provisioning_task(numbering_store *store, const char *caller,
                                                                 const char *name, int status, int failure_code);

/**
 * Completes a task, as numbering_store_complete_provisioning_task() does, if it was not
 * claimed again since: a host whose lease ran out (its work outlasted
 * NUMBERING_DELIVERY_LEASE_SECONDS) cannot complete the claim another host has made
 * since, whose completion it is. The claim is named by @p lease_expire_time, the task's
 * "leaseExpireTime" as the claim handed it out (numbering_task_int(task,
 * "leaseExpireTime")): a task is claimed again only once its lease has ended, so each
 * claim's lease ends later than the one before, and the last claim is the only one whose
 * completion counts. A host operation.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.provisioningTasks.complete on project "*".
 * @param[in] name the task's name.
 * @param[in] lease_expire_time the claim's "leaseExpireTime", ns since 1970 (a time the
 *            store records).
 * @param[in] status a numbering_callback_status.
 * @param[in] failure_code a numbering_callback_failure_code, as for
 *            numbering_store_complete_provisioning_task().
 * @return NUMBERING_OK; NUMBERING_NOT_FOUND (no such task: completed already);
 *         NUMBERING_INVALID_ARGUMENT naming "leaseExpireTime", "status" or "failureCode";
 *         NUMBERING_FAILED_PRECONDITION naming "leaseExpireTime" when the task was
 *         claimed again since, or is not claimed (nothing is changed: the completion is
 *         the new claimant's); NUMBERING_PERMISSION_DENIED; the backend's errors.
 *
 * Thread safety: the store serializes writers.
 */
NUMBERING_EXTERN(int) numbering_store_complete_claimed_provisioning_task(numbering_store *store, const char *caller,
                                                                         const char *name, int64_t lease_expire_time,
                                                                         int status, int failure_code);

/**
 * How many tasks a list holds.
 * @param[in] list the list, or NULL.
 * @return the count; 0 for NULL. Sets no error.
 *
 * Thread safety: any number of threads may read a list.
 */
NUMBERING_EXTERN(int) numbering_task_list_count(const numbering_task_list *list);

/**
 * Task @p i of a list.
 * @param[in] list the list, or NULL.
 * @param[in] i 0 .. count - 1.
 * @return the task, owned by the list; NULL when out of range. Sets no error.
 *
 * Thread safety: any number of threads may read a list.
 */
NUMBERING_EXTERN(const numbering_task *) numbering_task_list_item(const numbering_task_list *list, int i);

/**
 * Frees a list. NULL is a no-op.
 * @param[in] list the list, or NULL.
 *
 * Ownership: takes @p list. Thread safety: no other thread may be using it.
 */
NUMBERING_EXTERN(void) numbering_task_list_free(numbering_task_list *list);

/**
 * A text of a task by its JSON name: "name", "projectId", "phoneNumber", "eventType"
 * (the seed's spelling), "servicePlanId", "campaignId", "appId" ("" when the task has
 * none, for another name, or NULL).
 * @param[in] task the task, or NULL.
 * @param[in] field the name.
 * @return a string owned by the list. Sets no error.
 *
 * Thread safety: any number of threads may read a list.
 */
NUMBERING_EXTERN(const char *) numbering_task_text(const numbering_task *task, const char *field);

/**
 * A number of a task by its JSON name: "leaseExpireTime" (when the claim that handed it
 * out stops holding it, ns since 1970; the claim's name for
 * numbering_store_complete_claimed_provisioning_task()), "createTime" (ns since 1970);
 * 0 for another name, or NULL.
 * @param[in] task the task, or NULL.
 * @param[in] field the name.
 * @return the value. Sets no error.
 *
 * Thread safety: any number of threads may read a list.
 */
NUMBERING_EXTERN(int64_t) numbering_task_int(const numbering_task *task, const char *field);

#ifdef __cplusplus
}
#endif

#endif
