/*
 * The Sinch seed's callback configuration (GetCallbackConfiguration,
 * UpdateCallbackConfiguration) and the host's provisioning tasks of manual mode
 * (ClaimProvisioningTasks, CompleteProvisioningTask) on the JSON entry point
 * (lib/json/call.c; docs/JSON-API.md).
 */
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "json/json.h"
#include "json/sinch-callbacks.h"
#include "json/sinch-common.h"
#include "model/validate.h"
#include "numbering/callback.h"
#include "numbering/outbox.h"
#include "numbering/provisioning.h"

static json_t *configuration_json(const char *project, const char *secret)
{
	return json_pack("{s:s, s:s}", "projectId", project + strlen("projects/"), "hmacSecret", secret);
}

static int configuration(json_t **result, numbering_store *store, const char *caller, json_t *request, int update)
{
	enum { PROJECT, SECRET, COUNT };
	static const struct numbering__json_field fields[COUNT] = {
		[PROJECT] = {"projectId", "projectId"},
		[SECRET] = {"hmacSecret", "hmacSecret"},
	};
	json_t *f[COUNT];
	char project[NUMBERING__JSON_PATH_SIZE];
	const char *secret = NULL;
	int rc = numbering__json_fields(f, request, fields, update ? COUNT : 1, "");
	if (rc == NUMBERING_OK)
		rc = numbering__sinch_read_project(project, sizeof(project), f[PROJECT]);
	if (rc == NUMBERING_OK && update) {
		if (f[SECRET] == NULL)
			rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "hmacSecret", "hmacSecret is required");
		else
			rc = numbering__json_string(&secret, f[SECRET], "hmacSecret");
	}
	/* An update answers with what it set: reading it back would need the get
	 * permission too, which the caller may not hold. */
	if (rc == NUMBERING_OK && update)
		rc = numbering_store_update_callback_secret(store, caller, project, secret);
	char *now = NULL;
	if (rc == NUMBERING_OK && !update)
		rc = numbering_store_get_callback_secret(&now, store, caller, project);
	if (rc == NUMBERING_OK && (*result = configuration_json(project, update ? secret : now)) == NULL)
		rc = numbering__sinch_out_of_memory();
	if (now != NULL) {
		memset(now, 0, strlen(now));
		numbering_free(now);
	}
	return rc;
}

int numbering__json_get_callback_configuration(json_t **result, numbering_store *store, const char *caller,
                                               json_t *request)
{
	return configuration(result, store, caller, request, 0);
}

int numbering__json_update_callback_configuration(json_t **result, numbering_store *store, const char *caller,
                                                  json_t *request)
{
	return configuration(result, store, caller, request, 1);
}

/* A task as the claim answers it: the seed-style names, absent values left out, and
 * the claim's leaseExpireTime, which its completion hands back to name the claim. */
static json_t *task_json(const numbering_task *t)
{
	static const char *const names[] = {"name", "projectId", "phoneNumber", "eventType", "servicePlanId",
	                                    "campaignId", "appId"};
	json_t *o = json_object();
	for (size_t i = 0; o != NULL && i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = numbering_task_text(t, names[i]);
		if (v[0] != '\0' && json_object_set_new(o, names[i], json_string(v)) != 0) {
			json_decref(o);
			o = NULL;
		}
	}
	char lease[40];
	numbering__format_time(lease, numbering_task_int(t, "leaseExpireTime"));
	if (o != NULL && json_object_set_new(o, "leaseExpireTime", json_string(lease)) != 0) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

int numbering__json_claim_provisioning_tasks(json_t **result, numbering_store *store, const char *caller,
                                             json_t *request)
{
	static const struct numbering__json_field fields[1] = {{"max", "max"}};
	json_t *f[1];
	int32_t max = 10;
	int rc = numbering__json_fields(f, request, fields, 1, "");
	if (rc == NUMBERING_OK && f[0] != NULL)
		rc = numbering__json_int32(&max, f[0], "max");
	numbering_task_list *list = NULL;
	if (rc == NUMBERING_OK)
		rc = numbering_store_claim_provisioning_tasks(&list, store, caller, max);
	json_t *tasks = rc == NUMBERING_OK ? json_array() : NULL;
	for (int i = 0; tasks != NULL && i < numbering_task_list_count(list); i++)
		if (json_array_append_new(tasks, task_json(numbering_task_list_item(list, i))) != 0) {
			json_decref(tasks);
			tasks = NULL;
		}
	numbering_task_list_free(list);
	if (rc == NUMBERING_OK && (tasks == NULL || (*result = json_pack("{s:o}", "tasks", tasks)) == NULL))
		rc = numbering__sinch_out_of_memory();
	return rc;
}

/* Names for numbering__json_enum(), which compares every value's: never NULL. */
static const char *status_name(int status)
{
	const char *n = numbering_callback_status_name(status);
	return n ? n : "";
}

static const char *failure_name(int code)
{
	const char *n = code == NUMBERING_CALLBACK_FAILURE_NONE ? NULL : numbering_callback_failure_code_name(code);
	return n ? n : "";
}

int numbering__json_complete_provisioning_task(json_t **result, numbering_store *store, const char *caller,
                                               json_t *request)
{
	enum { NAME, STATUS, FAILURE, LEASE, COUNT };
	static const struct numbering__json_field fields[COUNT] = {
		[NAME] = {"name", "name"},
		[STATUS] = {"status", "status"},
		[FAILURE] = {"failureCode", "failureCode"},
		[LEASE] = {"leaseExpireTime", "leaseExpireTime"},
	};
	json_t *f[COUNT];
	const char *name = "";
	int status = 0, failure = NUMBERING_CALLBACK_FAILURE_NONE;
	int64_t lease = 0;
	int rc = numbering__json_fields(f, request, fields, COUNT, "");
	if (rc == NUMBERING_OK)
		rc = numbering__json_string(&name, f[NAME], "name");
	if (rc == NUMBERING_OK && f[STATUS] == NULL)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "status", "status is required (SUCCEEDED or FAILED)");
	if (rc == NUMBERING_OK)
		rc = numbering__json_enum(&status, f[STATUS], status_name, NUMBERING_CALLBACK_STATUS_FAILED, "status");
	if (rc == NUMBERING_OK && f[FAILURE] != NULL)
		rc = numbering__json_enum(&failure, f[FAILURE], failure_name, NUMBERING_CALLBACK_FAILURE_INVALID_NNID,
		                          "failureCode");
	/* Without a leaseExpireTime, any claim's completion (a host written before it). */
	int claimed = rc == NUMBERING_OK && f[LEASE] != NULL && !json_is_null(f[LEASE]);
	if (claimed)
		rc = numbering__json_timestamp(&lease, f[LEASE], "leaseExpireTime");
	if (rc == NUMBERING_OK && claimed)
		rc = numbering_store_complete_claimed_provisioning_task(store, caller, name, lease, status, failure);
	else if (rc == NUMBERING_OK)
		rc = numbering_store_complete_provisioning_task(store, caller, name, status, failure);
	if (rc == NUMBERING_OK && (*result = json_object()) == NULL)
		rc = numbering__sinch_out_of_memory();
	return rc;
}
