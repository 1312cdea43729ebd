/* Manual provisioning: scheduled changes, claimed and completed by the host (numbering/provisioning.h). */
#include <stdio.h>
#include <string.h>

#include "store-fixture.h"
#include "suites.h"

#define URL "https://example.com/cb"

static void manual_setup(void)
{
	fixture_open_provisioning(NULL, NUMBERING_PROVISIONING_MANUAL);
	numbering_available_number *n = NULL;
	ck_assert_int_eq(numbering_available_number_new(&n), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_numbers(n, "+12085550100-09", NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_type(n, NUMBERING_NUMBER_TYPE_LOCAL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_int(n, "capability",
	                                                    NUMBERING_CAPABILITY_SMS | NUMBERING_CAPABILITY_VOICE),
	                 NUMBERING_OK);
	const numbering_available_number *items[] = {n};
	ck_assert_int_eq(numbering_store_import_available(NULL, fx.store, NULL, items, 1), NUMBERING_OK);
	numbering_available_number_free(n);
}

static numbering_active_number *rent(const char *number, const char *const *pairs)
{
	numbering_active_request *r = NULL;
	ck_assert_int_eq(numbering_active_request_new(&r), NUMBERING_OK);
	for (int i = 0; pairs[i] != NULL; i += 2)
		ck_assert_int_eq(numbering_active_request_set(r, pairs[i], pairs[i + 1]), NUMBERING_OK);
	numbering_active_number *a = NULL;
	ck_assert_int_eq(numbering_store_rent(&a, fx.store, NULL, "projects/p1", number, r), NUMBERING_OK);
	numbering_active_request_free(r);
	return a;
}

static numbering_active_number *get(const char *number)
{
	numbering_active_number *a = NULL;
	ck_assert_int_eq(numbering_store_get_active(&a, fx.store, NULL, "projects/p1", number), NUMBERING_OK);
	return a;
}

/* Claims up to @max tasks and expects none: nothing (more) is due. */
static void expect_none_due(int max)
{
	numbering_task_list *tasks = NULL;
	ck_assert_int_eq(numbering_store_claim_provisioning_tasks(&tasks, fx.store, NULL, max), NUMBERING_OK);
	ck_assert_int_eq(numbering_task_list_count(tasks), 0);
	numbering_task_list_free(tasks);
}

/* Expects @number's SMS @field to read @value and its scheduled SMS provisioning @status
 * (0: none). */
static void expect_sms(const char *number, const char *field, const char *value, int status)
{
	numbering_active_number *a = get(number);
	ck_assert_str_eq(numbering_active_number_text(a, field), value);
	ck_assert_int_eq(numbering_active_number_int(a, "smsConfiguration.scheduledProvisioning.status"), status);
	numbering_active_number_free(a);
}

/* Completes the task @name as the claim leased until @lease. */
static int complete_claimed(const char *name, int64_t lease, int status)
{
	return numbering_store_complete_claimed_provisioning_task(fx.store, NULL, name, lease, status,
	                                                          NUMBERING_CALLBACK_FAILURE_NONE);
}

/* Completing @name again finds nothing: a completed task is gone. */
static void expect_gone(const char *name)
{
	fixture_expect_error(numbering_store_complete_provisioning_task(fx.store, NULL, name,
	                                                                NUMBERING_CALLBACK_STATUS_SUCCEEDED, 0),
	                     NUMBERING_NOT_FOUND, "no provisioning task is named");
}

static int deliveries_with(const char *text)
{
	numbering_delivery_list *list = NULL;
	ck_assert_int_eq(numbering_store_claim_deliveries(&list, fx.store, NULL, 100), NUMBERING_OK);
	int n = 0;
	for (int i = 0; i < numbering_delivery_list_count(list); i++)
		if (strstr(numbering_delivery_text(numbering_delivery_list_item(list, i), "body"), text))
			n++;
	numbering_delivery_list_free(list);
	return n;
}

START_TEST(scheduled_until_the_host_completes)
{
	numbering_active_number *a = rent("+12085550100", (const char *[]){"smsConfiguration.servicePlanId", "plan",
	                                                                   "callbackUrl", URL, NULL});
	/* Not live yet: scheduled, WAITING. */
	ck_assert_str_eq(numbering_active_number_text(a, "smsConfiguration.servicePlanId"), "");
	ck_assert_str_eq(numbering_active_number_text(a, "smsConfiguration.scheduledProvisioning.servicePlanId"), "plan");
	ck_assert_int_eq(numbering_active_number_int(a, "smsConfiguration.scheduledProvisioning.status"),
	                 NUMBERING_PROVISIONING_WAITING);
	numbering_active_number_free(a);
	ck_assert_int_eq(deliveries_with("PROVISIONING"), 0); /* nothing happened yet */

	numbering_task_list *tasks = NULL;
	ck_assert_int_eq(numbering_store_claim_provisioning_tasks(&tasks, fx.store, NULL, 10), NUMBERING_OK);
	ck_assert_int_eq(numbering_task_list_count(tasks), 1);
	const numbering_task *t = numbering_task_list_item(tasks, 0);
	ck_assert_str_eq(numbering_task_text(t, "eventType"), "PROVISIONING_TO_SMS_PLATFORM");
	ck_assert_str_eq(numbering_task_text(t, "projectId"), "p1");
	ck_assert_str_eq(numbering_task_text(t, "phoneNumber"), "+12085550100");
	ck_assert_str_eq(numbering_task_text(t, "servicePlanId"), "plan");
	char name[64];
	snprintf(name, sizeof(name), "%s", numbering_task_text(t, "name"));
	numbering_task_list_free(tasks);
	a = get("+12085550100");
	ck_assert_int_eq(numbering_active_number_int(a, "smsConfiguration.scheduledProvisioning.status"),
	                 NUMBERING_PROVISIONING_IN_PROGRESS);
	numbering_active_number_free(a);
	/* Claimed: not handed out twice. */
	expect_none_due(10);
	/* Linking another plan while one is scheduled waits for the host. */
	numbering_active_request *r = NULL;
	ck_assert_int_eq(numbering_active_request_new(&r), NUMBERING_OK);
	ck_assert_int_eq(numbering_active_request_set(r, "smsConfiguration.servicePlanId", "other"), NUMBERING_OK);
	fixture_expect_error(numbering_store_update_active(&a, fx.store, NULL, "projects/p1", "+12085550100", r),
	                     NUMBERING_FAILED_PRECONDITION, "SMS provisioning of +12085550100 is IN_PROGRESS");
	numbering_active_request_free(r);

	ck_assert_int_eq(numbering_store_complete_provisioning_task(fx.store, NULL, name, NUMBERING_CALLBACK_STATUS_SUCCEEDED,
	                                                            NUMBERING_CALLBACK_FAILURE_NONE),
	                 NUMBERING_OK);
	a = get("+12085550100");
	ck_assert_str_eq(numbering_active_number_text(a, "smsConfiguration.servicePlanId"), "plan");
	ck_assert_int_eq(numbering_active_number_int(a, "smsConfiguration.scheduledProvisioning.status"), 0);
	ck_assert_str_eq(numbering_active_number_text(a, "smsConfiguration.scheduledProvisioning.servicePlanId"), "");
	numbering_active_number_free(a);
	ck_assert_int_eq(deliveries_with("\"status\":\"SUCCEEDED\""), 1);
	expect_gone(name);
}
END_TEST

START_TEST(failure_keeps_the_live_value)
{
	numbering_active_number_free(rent("+12085550101", (const char *[]){"smsConfiguration.servicePlanId", "plan",
	                                                                   "smsConfiguration.campaignId", "camp",
	                                                                   "callbackUrl", URL, NULL}));
	numbering_task_list *tasks = NULL;
	ck_assert_int_eq(numbering_store_claim_provisioning_tasks(&tasks, fx.store, NULL, 10), NUMBERING_OK);
	ck_assert_int_eq(numbering_task_list_count(tasks), 2);
	for (int i = 0; i < 2; i++) {
		const numbering_task *t = numbering_task_list_item(tasks, i);
		int campaign = strcmp(numbering_task_text(t, "eventType"), "PROVISIONING_TO_CAMPAIGN") == 0;
		ck_assert_int_eq(numbering_store_complete_provisioning_task(
		                     fx.store, NULL, numbering_task_text(t, "name"),
		                     campaign ? NUMBERING_CALLBACK_STATUS_FAILED : NUMBERING_CALLBACK_STATUS_SUCCEEDED,
		                     campaign ? NUMBERING_CALLBACK_FAILURE_CAMPAIGN_NOT_AVAILABLE : 0),
		                 NUMBERING_OK);
	}
	numbering_task_list_free(tasks);
	numbering_active_number *a = get("+12085550101");
	ck_assert_str_eq(numbering_active_number_text(a, "smsConfiguration.servicePlanId"), "plan");
	ck_assert_str_eq(numbering_active_number_text(a, "smsConfiguration.campaignId"), "");
	ck_assert_int_eq(numbering_active_number_int(a, "smsConfiguration.scheduledProvisioning.status"),
	                 NUMBERING_PROVISIONING_FAILED);
	ck_assert_str_eq(numbering_active_number_text(a, "smsConfiguration.scheduledProvisioning.errorCodes"),
	                 "CAMPAIGN_NOT_AVAILABLE");
	numbering_active_number_free(a);
	ck_assert_int_eq(deliveries_with("\"failureCode\":\"CAMPAIGN_NOT_AVAILABLE\""), 1);
	/* After a failure a new attempt may be scheduled. */
	numbering_active_request *r = NULL;
	ck_assert_int_eq(numbering_active_request_new(&r), NUMBERING_OK);
	ck_assert_int_eq(numbering_active_request_set(r, "smsConfiguration.campaignId", "camp2"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_update_active(&a, fx.store, NULL, "projects/p1", "+12085550101", r), NUMBERING_OK);
	ck_assert_int_eq(numbering_active_number_int(a, "smsConfiguration.scheduledProvisioning.status"),
	                 NUMBERING_PROVISIONING_WAITING);
	numbering_active_number_free(a);
	numbering_active_request_free(r);
}
END_TEST

START_TEST(completion_is_checked)
{
	numbering_active_number_free(rent("+12085550102", (const char *[]){"voiceConfiguration.appId", "app", NULL}));
	numbering_task_list *tasks = NULL;
	ck_assert_int_eq(numbering_store_claim_provisioning_tasks(&tasks, fx.store, NULL, 10), NUMBERING_OK);
	const char *name = numbering_task_text(numbering_task_list_item(tasks, 0), "name");
	ck_assert_str_eq(numbering_task_text(numbering_task_list_item(tasks, 0), "appId"), "app");
	ck_assert_int_eq(numbering_store_complete_provisioning_task(fx.store, NULL, name, 7, 0), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_store_complete_provisioning_task(fx.store, NULL, name,
	                                                            NUMBERING_CALLBACK_STATUS_SUCCEEDED,
	                                                            NUMBERING_CALLBACK_FAILURE_INVALID_NNID),
	                 NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_store_complete_provisioning_task(fx.store, NULL, "tasks/x", 1, 0),
	                 NUMBERING_INVALID_ARGUMENT);
	fx.deny_permission = "numbering.provisioningTasks.complete";
	ck_assert_int_eq(numbering_store_complete_provisioning_task(fx.store, "user:eve", name, 1, 0),
	                 NUMBERING_PERMISSION_DENIED);
	fx.deny_permission = NULL;
	ck_assert_int_eq(numbering_store_complete_provisioning_task(fx.store, NULL, name, 1, 0), NUMBERING_OK);
	numbering_task_list_free(tasks);
	numbering_active_number *a = get("+12085550102");
	ck_assert_str_eq(numbering_active_number_text(a, "voiceConfiguration.appId"), "app");
	ck_assert_int_eq(numbering_active_number_int(a, "voiceConfiguration.scheduledVoiceProvisioning.status"), 0);
	numbering_active_number_free(a);
	ck_assert_int_eq(numbering_store_claim_provisioning_tasks(&tasks, fx.store, NULL, 0), NUMBERING_INVALID_ARGUMENT);
}
END_TEST

/* An SMS-platform failure carries no code (the seed: the result is binary): refused
 * whether or not the number has a callbackUrl to tell, and nothing changes. */
START_TEST(sms_platform_failure_has_no_code)
{
	static const char *const numbers[2] = {"+12085550103", "+12085550104"};
	for (int with_url = 0; with_url < 2; with_url++) {
		const char *number = numbers[with_url];
		numbering_active_number_free(rent(number, with_url ? (const char *[]){"smsConfiguration.servicePlanId", "plan",
		                                                                      "callbackUrl", URL, NULL}
		                                                   : (const char *[]){"smsConfiguration.servicePlanId", "plan",
		                                                                      NULL}));
		numbering_task_list *tasks = NULL;
		ck_assert_int_eq(numbering_store_claim_provisioning_tasks(&tasks, fx.store, NULL, 10), NUMBERING_OK);
		ck_assert_int_eq(numbering_task_list_count(tasks), 1);
		char name[64];
		snprintf(name, sizeof(name), "%s", numbering_task_text(numbering_task_list_item(tasks, 0), "name"));
		numbering_task_list_free(tasks);
		fixture_expect_error(numbering_store_complete_provisioning_task(fx.store, NULL, name,
		                                                                NUMBERING_CALLBACK_STATUS_FAILED,
		                                                                NUMBERING_CALLBACK_FAILURE_CAMPAIGN_NOT_AVAILABLE),
		                     NUMBERING_INVALID_ARGUMENT, "PROVISIONING_TO_SMS_PLATFORM");
		ck_assert_str_eq(numbering_error_violation_field(0), "failureCode");
		numbering_active_number *a = get(number);
		ck_assert_int_eq(numbering_active_number_int(a, "smsConfiguration.scheduledProvisioning.status"),
		                 NUMBERING_PROVISIONING_IN_PROGRESS);
		ck_assert_str_eq(numbering_active_number_text(a, "smsConfiguration.scheduledProvisioning.errorCodes"), "");
		numbering_active_number_free(a);
		/* The task is still there, and completes without a code. */
		ck_assert_int_eq(numbering_store_complete_provisioning_task(fx.store, NULL, name,
		                                                            NUMBERING_CALLBACK_STATUS_FAILED,
		                                                            NUMBERING_CALLBACK_FAILURE_NONE),
		                 NUMBERING_OK);
		a = get(number);
		ck_assert_int_eq(numbering_active_number_int(a, "smsConfiguration.scheduledProvisioning.status"),
		                 NUMBERING_PROVISIONING_FAILED);
		ck_assert_str_eq(numbering_active_number_text(a, "smsConfiguration.scheduledProvisioning.errorCodes"), "");
		numbering_active_number_free(a);
	}
	ck_assert_int_eq(deliveries_with("\"status\":\"FAILED\""), 1);
}
END_TEST

static void release_and_return(const char *number)
{
	numbering_active_number *a = NULL;
	ck_assert_int_eq(numbering_store_release_active(&a, fx.store, NULL, "projects/p1", number), NUMBERING_OK);
	numbering_active_number_free(a);
	fx.now += 40LL * 24 * 3600 * 1000000000LL; /* past any next charge date */
	ck_assert_int_eq(numbering_store_process_due(NULL, fx.store), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_get_active(&a, fx.store, NULL, "projects/p1", number), NUMBERING_NOT_FOUND);
}

/* A task scheduled for a rental that ended is void for the next rental of the number:
 * claimed, it is dropped and not handed out; completed (claimed before the release), it
 * is removed and changes nothing. Carried out, it made a plan the new rental never
 * asked for live, with a callback. */
START_TEST(task_of_an_earlier_rental_is_void)
{
	/* Not claimed before the number came back and was rented again. */
	numbering_active_number_free(rent("+12085550105", (const char *[]){"smsConfiguration.servicePlanId", "old",
	                                                                   "callbackUrl", URL, NULL}));
	release_and_return("+12085550105");
	numbering_active_number_free(rent("+12085550105", (const char *[]){"callbackUrl", URL, NULL}));
	numbering_task_list *tasks = NULL;
	expect_none_due(10);
	expect_sms("+12085550105", "smsConfiguration.servicePlanId", "", 0);

	/* Not claimed before the number left the project: dropped, not handed out for the
	 * host to provision a number the project no longer has. */
	numbering_active_number_free(rent("+12085550107", (const char *[]){"smsConfiguration.servicePlanId", "old",
	                                                                   "callbackUrl", URL, NULL}));
	release_and_return("+12085550107");
	expect_none_due(10);

	/* Claimed before, completed after. */
	numbering_active_number_free(rent("+12085550106", (const char *[]){"voiceConfiguration.appId", "old",
	                                                                   "callbackUrl", URL, NULL}));
	ck_assert_int_eq(numbering_store_claim_provisioning_tasks(&tasks, fx.store, NULL, 10), NUMBERING_OK);
	ck_assert_int_eq(numbering_task_list_count(tasks), 1);
	char name[128];
	snprintf(name, sizeof(name), "%s", numbering_task_text(numbering_task_list_item(tasks, 0), "name"));
	numbering_task_list_free(tasks);
	release_and_return("+12085550106");
	numbering_active_number_free(rent("+12085550106", (const char *[]){"callbackUrl", URL, NULL}));
	ck_assert_int_eq(numbering_store_complete_provisioning_task(fx.store, NULL, name, NUMBERING_CALLBACK_STATUS_SUCCEEDED,
	                                                            NUMBERING_CALLBACK_FAILURE_NONE),
	                 NUMBERING_OK);
	numbering_active_number *a = get("+12085550106");
	ck_assert_str_eq(numbering_active_number_text(a, "voiceConfiguration.appId"), "");
	numbering_active_number_free(a);
	ck_assert_int_eq(deliveries_with("PROVISIONING"), 0);
	expect_gone(name);
}
END_TEST

/* Void tasks dropped by a claim leave their room to the next due ones: a claim of @max
 * answers fewer only when no more are due. It answered none here, with two due. */
START_TEST(claim_fills_up_past_void_tasks)
{
	const char *old[] = {"+12085550101", "+12085550102", "+12085550103"};
	for (int i = 0; i < 3; i++) {
		numbering_active_number_free(rent(old[i], (const char *[]){"smsConfiguration.servicePlanId", "old",
		                                                           "callbackUrl", URL, NULL}));
		release_and_return(old[i]);
	}
	numbering_active_number_free(rent("+12085550104", (const char *[]){"smsConfiguration.servicePlanId", "new",
	                                                                   "callbackUrl", URL, NULL}));
	numbering_active_number_free(rent("+12085550105", (const char *[]){"voiceConfiguration.appId", "new",
	                                                                   "callbackUrl", URL, NULL}));
	numbering_task_list *tasks = NULL;
	ck_assert_int_eq(numbering_store_claim_provisioning_tasks(&tasks, fx.store, NULL, 2), NUMBERING_OK);
	ck_assert_int_eq(numbering_task_list_count(tasks), 2);
	ck_assert_str_eq(numbering_task_text(numbering_task_list_item(tasks, 0), "phoneNumber"), "+12085550104");
	ck_assert_str_eq(numbering_task_text(numbering_task_list_item(tasks, 1), "phoneNumber"), "+12085550105");
	numbering_task_list_free(tasks);
	/* Both leased, the void ones gone: nothing more is due. */
	expect_none_due(2);
}
END_TEST

/* A host whose lease ran out completed the claim another host had made since: its
 * SUCCEEDED made the plan live under the claimant still carrying it out (the old call
 * accepts it: NUMBERING_OK). Completed with its claim's leaseExpireTime, it is refused
 * and changes nothing. */
START_TEST(stale_claim_cannot_complete)
{
	numbering_active_number_free(rent("+12085550103", (const char *[]){"smsConfiguration.servicePlanId", "plan",
	                                                                   "callbackUrl", URL, NULL}));
	numbering_task_list *tasks = NULL;
	ck_assert_int_eq(numbering_store_claim_provisioning_tasks(&tasks, fx.store, NULL, 10), NUMBERING_OK);
	ck_assert_int_eq(numbering_task_list_count(tasks), 1);
	char name[64];
	snprintf(name, sizeof(name), "%s", numbering_task_text(numbering_task_list_item(tasks, 0), "name"));
	int64_t first = numbering_task_int(numbering_task_list_item(tasks, 0), "leaseExpireTime");
	numbering_task_list_free(tasks);
	ck_assert(first > fx.now);
	fx.now += (NUMBERING_DELIVERY_LEASE_SECONDS + 1) * 1000000000LL;
	ck_assert_int_eq(numbering_store_claim_provisioning_tasks(&tasks, fx.store, NULL, 10), NUMBERING_OK);
	ck_assert_int_eq(numbering_task_list_count(tasks), 1); /* another host's claim */
	int64_t second = numbering_task_int(numbering_task_list_item(tasks, 0), "leaseExpireTime");
	numbering_task_list_free(tasks);
	ck_assert(second > first);
	fixture_expect_error(complete_claimed(name, first, NUMBERING_CALLBACK_STATUS_SUCCEEDED),
	                     NUMBERING_FAILED_PRECONDITION, "was claimed again since the claim leased until");
	ck_assert_str_eq(numbering_error_violation_field(0), "leaseExpireTime");
	fixture_expect_error(complete_claimed(name, first, NUMBERING_CALLBACK_STATUS_FAILED),
	                     NUMBERING_FAILED_PRECONDITION, "the completion is the new claimant's");
	/* Nothing changed: not live, still IN_PROGRESS and leased to the second claim, no
	 * callback queued. */
	expect_sms("+12085550103", "smsConfiguration.servicePlanId", "", NUMBERING_PROVISIONING_IN_PROGRESS);
	expect_none_due(10);
	ck_assert_int_eq(deliveries_with("PROVISIONING"), 0);
	/* A value that is no time the store records names no claim. */
	fixture_expect_error(complete_claimed(name, INT64_MAX, NUMBERING_CALLBACK_STATUS_SUCCEEDED),
	                     NUMBERING_INVALID_ARGUMENT, "leaseExpireTime 9223372036854775807");
	ck_assert_str_eq(numbering_error_violation_field(0), "leaseExpireTime");
	/* The current claim's completion counts. */
	ck_assert_int_eq(complete_claimed(name, second, NUMBERING_CALLBACK_STATUS_SUCCEEDED), NUMBERING_OK);
	expect_sms("+12085550103", "smsConfiguration.servicePlanId", "plan", 0);
	ck_assert_int_eq(deliveries_with("\"status\":\"SUCCEEDED\""), 1);
	fixture_expect_error(complete_claimed(name, second, NUMBERING_CALLBACK_STATUS_SUCCEEDED),
	                     NUMBERING_NOT_FOUND, "no provisioning task is named");
	/* A task queued since, not claimed yet, is no claim's. */
	numbering_active_number *a = NULL;
	numbering_active_request *r = NULL;
	ck_assert_int_eq(numbering_active_request_new(&r), NUMBERING_OK);
	ck_assert_int_eq(numbering_active_request_set(r, "smsConfiguration.campaignId", "camp"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_update_active(&a, fx.store, NULL, "projects/p1", "+12085550103", r), NUMBERING_OK);
	numbering_active_request_free(r);
	numbering_active_number_free(a);
	fixture_expect_error(complete_claimed("provisioningTasks/p1/+12085550103/PROVISIONING_TO_CAMPAIGN", second,
	                                      NUMBERING_CALLBACK_STATUS_SUCCEEDED),
	                     NUMBERING_FAILED_PRECONDITION, "is not claimed");
	expect_sms("+12085550103", "smsConfiguration.campaignId", "", NUMBERING_PROVISIONING_WAITING);
}
END_TEST

/* The claim's leaseExpireTime in a JSON answer (ClaimProvisioningTasks), into @lease. */
static void json_claim(char lease[64])
{
	char *response = NULL;
	ck_assert_int_eq(numbering_store_call_json(&response, fx.store, NULL, "ClaimProvisioningTasks", "{\"max\":10}"),
	                 NUMBERING_OK);
	const char *at = strstr(response, "\"leaseExpireTime\":\"");
	ck_assert_ptr_nonnull(at);
	at += strlen("\"leaseExpireTime\":\"");
	size_t n = strcspn(at, "\"");
	ck_assert_uint_lt(n, 64);
	memcpy(lease, at, n);
	lease[n] = '\0';
	numbering_free(response);
}

static int json_complete(const char *lease, const char *want)
{
	char request[256];
	snprintf(request, sizeof(request),
	         "{\"name\":\"provisioningTasks/p1/+12085550104/PROVISIONING_TO_VOICE_PLATFORM\","
	         "\"status\":\"SUCCEEDED\",\"leaseExpireTime\":\"%s\"}",
	         lease);
	char *response = NULL;
	int rc = numbering_store_call_json(&response, fx.store, NULL, "CompleteProvisioningTask", request);
	ck_assert_msg(strstr(response, want) != NULL, "%s: %s", lease, response);
	numbering_free(response);
	return rc;
}

/* CompleteProvisioningTask's optional leaseExpireTime, as ClaimProvisioningTasks
 * answers it, names the claim: a stale claim's completion is refused. */
START_TEST(stale_claim_cannot_complete_in_json)
{
	numbering_active_number_free(rent("+12085550104", (const char *[]){"voiceConfiguration.appId", "app", NULL}));
	char first[64], second[64];
	json_claim(first);
	fx.now += (NUMBERING_DELIVERY_LEASE_SECONDS + 1) * 1000000000LL;
	json_claim(second);
	ck_assert_str_ne(first, second);
	ck_assert_int_eq(json_complete(first, "\"field\":\"leaseExpireTime\""), NUMBERING_FAILED_PRECONDITION);
	ck_assert_int_eq(json_complete("soon", "\"field\":\"leaseExpireTime\""), NUMBERING_INVALID_ARGUMENT);
	numbering_active_number *a = get("+12085550104");
	ck_assert_str_eq(numbering_active_number_text(a, "voiceConfiguration.appId"), "");
	numbering_active_number_free(a);
	ck_assert_int_eq(json_complete(second, "{}"), NUMBERING_OK);
	a = get("+12085550104");
	ck_assert_str_eq(numbering_active_number_text(a, "voiceConfiguration.appId"), "app");
	numbering_active_number_free(a);
}
END_TEST

START_TEST(mode_is_checked_at_open)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.provisioning = 2;
	numbering_store *s = NULL;
	fixture_expect_error(numbering_store_open(&s, &options), NUMBERING_INVALID_ARGUMENT, "provisioning 2");
	ck_assert_ptr_null(s);
}
END_TEST

Suite *provisioning_suite(void)
{
	Suite *s = suite_create("provisioning");
	TCase *tc = tcase_create("provisioning");
	tcase_add_checked_fixture(tc, manual_setup, fixture_teardown);
	tcase_add_test(tc, scheduled_until_the_host_completes);
	tcase_add_test(tc, failure_keeps_the_live_value);
	tcase_add_test(tc, completion_is_checked);
	tcase_add_test(tc, sms_platform_failure_has_no_code);
	tcase_add_test(tc, task_of_an_earlier_rental_is_void);
	tcase_add_test(tc, claim_fills_up_past_void_tasks);
	tcase_add_test(tc, stale_claim_cannot_complete);
	tcase_add_test(tc, stale_claim_cannot_complete_in_json);
	tcase_add_test(tc, mode_is_checked_at_open);
	suite_add_tcase(s, tc);
	return s;
}
