/*
 * Manual provisioning (numbering/provisioning.h): one task per scheduled change,
 * claimed by the host and completed with its outcome.
 *
 * The TASK record: name "provisioningTasks/{project}/{number}/{eventType}", parent "", sort key its create time,
 * expires when it is due (at once; a claim leases it), key 0 "{project}|{number}|sms"
 * or "...|voice" (what else is scheduled on that channel of that number); the
 * attributes of task_rows.
 */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "model/fields.h"
#include "model/kinds.h"
#include "model/validate.h"
#include "numbering/callback.h"
#include "numbering/outbox.h"
#include "numbering/provisioning.h"
#include "service/active.h"
#include "service/backend-call.h"
#include "service/commit-or-rollback.h"
#include "service/inventory.h"
#include "service/outbox.h"
#include "service/queue.h"
#include "service/provisioning.h"

#define NS INT64_C(1000000000)
#define LIST_MAX 1000
#define TASK_PREFIX "provisioningTasks/"
/* "provisioningTasks/{project id}/{number}/{eventType}": one task per change of a
 * number at a time (a second change waits for the first), so the name is known to
 * whoever made the change, and a retry after a failure reuses it. */
#define TASK_NAME_SIZE (sizeof(TASK_PREFIX) + 64 + 1 + 20 + 1 + 40)
#define CHANNEL_KEY_SIZE 128

/* clang-format off */
#define NUMBERING__TASK_FIELDS(X)                                        \
	X(project,         TEXT, "projectId",     63,  0)                    \
	X(phone_number,    TEXT, "phoneNumber",   20,  0)                    \
	X(event_type,      INT,  "eventTypeCode", 6,   0)                    \
	X(service_plan_id, TEXT, "servicePlanId", 256, 0)                    \
	X(campaign_id,     TEXT, "campaignId",    256, 0)                    \
	X(app_id,          TEXT, "appId",         256, 0)                    \
	X(create_time,     TIME, "createTime",    0,   0)                    \
	X(claimed,         BOOL, "claimed",       1,   0)
/* clang-format on */

struct task_fields {
	NUMBERING__FIELDS_MEMBERS(NUMBERING__TASK_FIELDS)
};

#define DESCRIBE_TASK(id, type, json, limit, dflt) NUMBERING__FIELD_ROW(struct task_fields, id, type, json, limit, dflt)
static const struct numbering__field task_rows[] = {NUMBERING__TASK_FIELDS(DESCRIBE_TASK)};
NUMBERING__FIELDS_FUNCTIONS(task, struct task_fields, "provisioning task", NUMBERING__TASK_FIELDS)
static const struct numbering__fields task_table = {task_rows, sizeof(task_rows) / sizeof(task_rows[0]),
                                                    "provisioning task", task_encode, task_clear};

struct numbering_task {
	char name[TASK_NAME_SIZE];
	struct task_fields f;
	int64_t due;
};

struct numbering_task_list {
	int count, cap;
	numbering_task *items;
};

static int is_sms(int event)
{
	return event != NUMBERING_CALLBACK_EVENT_PROVISIONING_TO_VOICE_PLATFORM &&
	       event != NUMBERING_CALLBACK_EVENT_DEPROVISIONING_TO_VOICE_PLATFORM;
}

static void channel_key(char key[CHANNEL_KEY_SIZE], const struct task_fields *f)
{
	snprintf(key, CHANNEL_KEY_SIZE, "%s|%s|%s", f->project, f->phone_number, is_sms((int)f->event_type) ? "sms" : "voice");
}

static int damaged(const numbering_record *record, const char *field, const char *problem)
{
	return numbering__record_damaged(record, "", field, problem);
}

static int read_task(void *item, const numbering_record *record)
{
	numbering_task *t = item;
	numbering__fields_clear(&task_table, &t->f);
	size_t plen = sizeof(TASK_PREFIX) - 1;
	if (record->kind != NUMBERING__KIND_TASK || record->name == NULL || strncmp(record->name, TASK_PREFIX, plen) != 0 ||
	    strlen(record->name) >= TASK_NAME_SIZE || (record->parent && record->parent[0]))
		return damaged(record, "name", "it is not provisioningTasks/... without parent");
	snprintf(t->name, sizeof(t->name), "%s", record->name);
	int rc = numbering__fields_decode_record(&task_table, &t->f, record, "");
	if (rc != NUMBERING_OK)
		return rc;
	if (t->f.project == NULL || t->f.phone_number == NULL || t->f.event_type < 1 || record->expires == 0)
		return damaged(record, "body", "it has no project, number, event or due time");
	t->due = record->expires;
	return NUMBERING_OK;
}

int numbering__task_record_check(const numbering_record *record)
{
	numbering_task t;
	memset(&t, 0, sizeof(t));
	int rc = read_task(&t, record);
	numbering__fields_clear(&task_table, &t.f);
	return rc;
}

static int put_task(numbering_store *store, const numbering_task *t)
{
	char key[CHANNEL_KEY_SIZE];
	channel_key(key, &t->f);
	numbering_record r;
	memset(&r, 0, sizeof(r));
	r.version = NUMBERING_RECORD_VERSION;
	r.kind = NUMBERING__KIND_TASK;
	r.name = t->name;
	r.parent = "";
	r.sort_key = t->f.create_time;
	r.expires = t->due;
	r.keys[0] = key;
	return numbering__backend_put_fields(store, &r, &task_table, &t->f);
}

static int set_text(struct task_fields *f, const char *json, const char *value)
{
	return numbering__fields_set_text(&task_table, f, json, value && value[0] ? value : NULL);
}

int numbering__provisioning_queue(numbering_store *store, const numbering_active_number *a)
{
	int rc = NUMBERING_OK;
	for (int i = 0; i < a->event_count && rc == NUMBERING_OK; i++) {
		numbering_task t;
		memset(&t, 0, sizeof(t));
		numbering__fields_clear(&task_table, &t.f);
		int64_t now = 0;
		int e = a->events[i];
		snprintf(t.name, sizeof(t.name), "%s%s/%s/%s", TASK_PREFIX, a->project_id,
		         numbering_instance_phone_number(a->instance), numbering_callback_event_type_name(e));
		t.f.event_type = e;
		if ((rc = numbering__next_time(store, &now)) != NUMBERING_OK ||
		    (rc = set_text(&t.f, "projectId", a->project_id)) != NUMBERING_OK ||
		    (rc = set_text(&t.f, "phoneNumber", numbering_instance_phone_number(a->instance))) != NUMBERING_OK)
			break;
		if (e == NUMBERING_CALLBACK_EVENT_PROVISIONING_TO_SMS_PLATFORM)
			rc = set_text(&t.f, "servicePlanId", a->a.sms_task_service_plan_id);
		else if (e == NUMBERING_CALLBACK_EVENT_PROVISIONING_TO_CAMPAIGN)
			rc = set_text(&t.f, "campaignId", a->a.sms_task_campaign_id);
		else if (e == NUMBERING_CALLBACK_EVENT_PROVISIONING_TO_VOICE_PLATFORM)
			rc = set_text(&t.f, "appId", a->a.voice_task_app_id);
		t.f.create_time = now;
		t.due = now;
		if (rc == NUMBERING_OK)
			rc = put_task(store, &t);
		numbering__fields_clear(&task_table, &t.f);
	}
	return rc;
}

/* ---- The host's side ---- */

static int host_call(numbering_store *store, const char *caller, int max, const char *fn)
{
	return numbering__host_call(store, caller, NUMBERING__PERM_PROVISION, max, LIST_MAX, fn);
}

/* The active number of task @t, loaded into @a. */
static int load_number(numbering_active_number *a, numbering_store *store, const numbering_task *t,
                       char project[NUMBERING__PROJECT_SIZE])
{
	int digits = 0;
	uint64_t value = 0;
	snprintf(project, NUMBERING__PROJECT_SIZE, "projects/%s", t->f.project);
	snprintf(a->project_id, sizeof(a->project_id), "%s", t->f.project);
	int rc = numbering__parse_one_number(&digits, &value, t->f.phone_number, "phoneNumber");
	return rc == NUMBERING_OK ? numbering__active_load(a, store, project, digits, value) : rc;
}

/* Whether @t was scheduled for an earlier rental of the number than @a, now active:
 * the number was released, went back to the inventory and was rented again meanwhile.
 * Such a task is void: carried out, it would make a plan the new rental never asked for
 * live. Tasks are made after the rent's time (numbering__next_time()). */
static int stale(const numbering_active_number *a, const numbering_task *t)
{
	return a->a.instance != NULL && a->a.rent_time > t->f.create_time;
}

/* Claims the due tasks of items[from .. list->count) in the open transaction: a void
 * one is removed, the rest are leased and kept in order from items[from]. *dropped
 * counts the void ones. */
static int claim_batch(numbering_task_list *list, numbering_store *store, numbering_active_number *a, int from,
                       int64_t now, int *dropped)
{
	int rc = NUMBERING_OK, kept = from;
	for (int i = from; i < list->count && rc == NUMBERING_OK; i++) {
		numbering_task *t = &list->items[i];
		char project[NUMBERING__PROJECT_SIZE];
		int found = load_number(a, store, t, project);
		/* Void (the number left the project, or came back as a new rental): dropped,
		 * not handed out for the host to carry out on a number the task is not for. */
		if (found == NUMBERING_NOT_FOUND || (found == NUMBERING_OK && stale(a, t))) {
			numbering_error_clear();
			rc = numbering__backend_remove_record(store, NUMBERING__KIND_TASK, t->name);
			numbering__fields_clear(&task_table, &t->f);
			++*dropped;
			continue;
		}
		if (kept != i) {
			list->items[kept] = *t;
			memset(t, 0, sizeof(*t));
			t = &list->items[kept];
		}
		kept++;
		t->f.claimed = 1;
		t->due = now + NUMBERING_DELIVERY_LEASE_SECONDS * NS;
		rc = put_task(store, t);
		/* The number shows the work under way. */
		if (rc == NUMBERING_OK && found == NUMBERING_OK && a->a.instance != NULL) {
			if (is_sms((int)t->f.event_type)) {
				a->a.sms_task_status = NUMBERING_PROVISIONING_IN_PROGRESS;
				a->a.sms_task_time = now;
			} else {
				a->a.voice_task_status = NUMBERING_PROVISIONING_IN_PROGRESS;
				a->a.voice_task_time = now;
			}
			rc = numbering__active_put(store, a, project);
		} else if (rc == NUMBERING_OK && found != NUMBERING_OK) {
			rc = found;
		}
	}
	list->count = kept;
	return rc;
}

struct task_claim {
	numbering_task_list *list;
	numbering_store *store;
	numbering_active_number *a;
};

static int claim_tasks(void *payload, int from, int64_t now, int *dropped)
{
	struct task_claim *claim = payload;
	return claim_batch(claim->list, claim->store, claim->a, from, now, dropped);
}

static int claim_locked(numbering_task_list *list, numbering_store *store, int max)
{
	int64_t now = store->clock(store->clock_payload);
	list->count = 0;
	int rc = numbering__queue_collect_due(store, NUMBERING__KIND_TASK, now, list->items, sizeof(*list->items), max,
	                                      &list->count, read_task, "numbering_store_claim_provisioning_tasks");
	if (rc != NUMBERING_OK || list->count == 0)
		return rc;
	numbering_active_number *a = NULL;
	if ((rc = numbering__active_new(&a, "projects/-")) != NUMBERING_OK)
		return rc;
	if ((rc = numbering__begin(store)) != NUMBERING_OK) {
		numbering_active_number_free(a);
		return rc;
	}
	/* The claimed ones are leased past @now and the void ones removed, so each refill
	 * starts after both. */
	struct task_claim claim = {list, store, a};
	rc = numbering__queue_claim_due(store, NUMBERING__KIND_TASK, now, list->items, sizeof(*list->items), max,
	                                &list->count, read_task, "numbering_store_claim_provisioning_tasks", claim_tasks,
	                                &claim);
	numbering_active_number_free(a);
	if (rc == NUMBERING_OK)
		return numbering__commit(store);
	numbering__rollback(store);
	return rc;
}

int numbering_store_claim_provisioning_tasks(numbering_task_list **out, numbering_store *store, const char *caller,
                                             int max)
{
	if (out == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_claim_provisioning_tasks: out is NULL");
	*out = NULL;
	int rc = host_call(store, caller, max, "numbering_store_claim_provisioning_tasks");
	numbering_task_list *list = NULL;
	if (rc == NUMBERING_OK && ((list = numbering__calloc(1, sizeof(*list))) == NULL ||
	                           (list->items = numbering__calloc((size_t)max, sizeof(*list->items))) == NULL)) {
		numbering__free_mem(list);
		list = NULL;
		rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for %d tasks", max);
	}
	if (rc != NUMBERING_OK)
		return rc;
	list->cap = max;
	numbering__rwlock_wrlock(&store->lock);
	rc = claim_locked(list, store, max);
	numbering__rwlock_wrunlock(&store->lock);
	if (rc == NUMBERING_OK)
		rc = numbering__durable(store);
	if (rc != NUMBERING_OK) {
		numbering_task_list_free(list);
		return rc;
	}
	*out = list;
	return NUMBERING_OK;
}

struct one_visit {
	numbering_task *t;
	int rc;
};

static int one_visit(const numbering_record *record, void *payload)
{
	struct one_visit *v = payload;
	v->rc = read_task(v->t, record);
	return 0;
}

struct any_visit {
	int found;
};

static int any_visit(const numbering_record *record, void *payload)
{
	(void)record;
	((struct any_visit *)payload)->found = 1;
	return NUMBERING__VISIT_STOP;
}

/* Whether another task of the same channel of the same number is still scheduled. */
static int channel_busy(numbering_store *store, const numbering_task *t, int *busy)
{
	char key[CHANNEL_KEY_SIZE];
	channel_key(key, &t->f);
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = NUMBERING__KIND_TASK;
	q.order = NUMBERING_RECORD_ORDER_ASCENDING;
	q.parent = "";
	q.keys[0] = key;
	q.limit = 1;
	struct any_visit v = {0};
	int rc = numbering__backend_list(store, &q, any_visit, &v);
	*busy = v.found;
	return rc;
}

static int text_of(numbering_active_number *a, const char *json, const char *value)
{
	return numbering__fields_set_text(&numbering__active_fields, &a->a, json, value && value[0] ? value : NULL);
}

/* Makes @t's change live in @a. */
static int make_live(numbering_active_number *a, const numbering_task *t, int64_t now)
{
	switch ((int)t->f.event_type) {
	case NUMBERING_CALLBACK_EVENT_PROVISIONING_TO_SMS_PLATFORM:
		return text_of(a, "smsConfiguration.servicePlanId", t->f.service_plan_id);
	case NUMBERING_CALLBACK_EVENT_DEPROVISIONING_FROM_SMS_PLATFORM:
		return text_of(a, "smsConfiguration.servicePlanId", NULL);
	case NUMBERING_CALLBACK_EVENT_PROVISIONING_TO_CAMPAIGN:
		return text_of(a, "smsConfiguration.campaignId", t->f.campaign_id);
	case NUMBERING_CALLBACK_EVENT_DEPROVISIONING_FROM_CAMPAIGN:
		return text_of(a, "smsConfiguration.campaignId", NULL);
	case NUMBERING_CALLBACK_EVENT_PROVISIONING_TO_VOICE_PLATFORM:
		a->a.voice_time = now;
		return text_of(a, "voiceConfiguration.appId", t->f.app_id);
	default:
		a->a.voice_time = now;
		return text_of(a, "voiceConfiguration.appId", NULL);
	}
}

/* Inside the transaction: @lease NULL is any claim's completion
 * (numbering_store_complete_provisioning_task()). */
static int complete_in(numbering_store *store, const char *name, const int64_t *lease, int status, int failure_code)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	if (name == NULL || strncmp(name, TASK_PREFIX, sizeof(TASK_PREFIX) - 1) != 0 || strlen(name) >= TASK_NAME_SIZE)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "name", "\"%s\" is not a provisioning task name",
		                              name ? numbering__quote(quoted, name, strlen(name)) : "(null)");
	numbering_task t;
	memset(&t, 0, sizeof(t));
	struct one_visit v = {&t, NUMBERING_OK};
	int rc = numbering__backend_get_record(store, NUMBERING__KIND_TASK, name, one_visit, &v);
	if (rc == NUMBERING_OK)
		rc = v.rc;
	if (rc == NUMBERING_NOT_FOUND)
		rc = numbering__error_field(NUMBERING_NOT_FOUND, "name", "no provisioning task is named \"%s\"",
		                            numbering__quote(quoted, name, strlen(name)));
	/* Claimed again since (the claim's lease ran out), or a task of that name queued
	 * since and not claimed: the completion is not this claim's to make, and changes
	 * nothing. A task is claimed again only once its lease has ended, so each claim's
	 * lease ends later than the one before: its end names one claim (a task queued
	 * again under the name is claimed after the last one's claim, so later too, as
	 * long as the clock does not go back). */
	if (rc == NUMBERING_OK && lease != NULL && (!t.f.claimed || t.due != *lease)) {
		char asked[40], now_ends[40];
		numbering__format_time(asked, *lease);
		numbering__format_time(now_ends, t.due);
		if (t.f.claimed)
			rc = numbering__error_field(NUMBERING_FAILED_PRECONDITION, "leaseExpireTime",
			                            "provisioning task \"%s\" was claimed again since the claim leased until "
			                            "%s (the lease now ends at %s): that lease ran out, and the completion "
			                            "is the new claimant's",
			                            numbering__quote(quoted, name, strlen(name)), asked, now_ends);
		else
			rc = numbering__error_field(NUMBERING_FAILED_PRECONDITION, "leaseExpireTime",
			                            "provisioning task \"%s\" is not claimed: no claim leased it until %s",
			                            numbering__quote(quoted, name, strlen(name)), asked);
	}
	/* The seed's rule (model/callback.c): SMS-platform provisioning fails without a
	 * code. Checked here, not only when the callback is built, so that a number without
	 * a callbackUrl does not take the code into its errorCodes. */
	if (rc == NUMBERING_OK && failure_code != NUMBERING_CALLBACK_FAILURE_NONE &&
	    t.f.event_type == NUMBERING_CALLBACK_EVENT_PROVISIONING_TO_SMS_PLATFORM)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "failureCode",
		                            "failureCode %s is given for a PROVISIONING_TO_SMS_PLATFORM task, whose "
		                            "failures carry no code (the seed: the result is binary)",
		                            numbering_callback_failure_code_name(failure_code));
	numbering_active_number *a = NULL;
	if (rc == NUMBERING_OK)
		rc = numbering__active_new(&a, "projects/-");
	char project[NUMBERING__PROJECT_SIZE];
	int found = rc == NUMBERING_OK ? load_number(a, store, &t, project) : rc;
	if (found != NUMBERING_OK && found != NUMBERING_NOT_FOUND)
		rc = found;
	if (found == NUMBERING_OK && stale(a, &t)) /* an earlier rental's: removed, nothing applied */
		found = NUMBERING_NOT_FOUND;
	int64_t now = 0;
	if (rc == NUMBERING_OK)
		rc = numbering__next_time(store, &now);
	if (rc == NUMBERING_OK) {
		rc = numbering__backend_remove_record(store, NUMBERING__KIND_TASK, name);
		int busy = 0;
		if (rc == NUMBERING_OK && found == NUMBERING_OK && a->a.instance != NULL) {
			int sms = is_sms((int)t.f.event_type);
			if (status == NUMBERING_CALLBACK_STATUS_SUCCEEDED)
				rc = make_live(a, &t, now);
			if (rc == NUMBERING_OK)
				rc = channel_busy(store, &t, &busy);
			int64_t *task_status = sms ? &a->a.sms_task_status : &a->a.voice_task_status;
			int64_t *task_time = sms ? &a->a.sms_task_time : &a->a.voice_task_time;
			if (rc == NUMBERING_OK && status == NUMBERING_CALLBACK_STATUS_FAILED) {
				*task_status = NUMBERING_PROVISIONING_FAILED;
				*task_time = now;
				const char *code = numbering_callback_failure_code_name(failure_code);
				if (sms && code != NULL && code[0] != '\0') {
					const char *had = a->a.sms_task_errors;
					char errors[1024];
					snprintf(errors, sizeof(errors), "%s%s%s", had ? had : "", had ? "," : "", code);
					rc = text_of(a, "smsConfiguration.scheduledProvisioning.errorCodes", errors);
				}
			} else if (rc == NUMBERING_OK && !busy && *task_status != NUMBERING_PROVISIONING_FAILED) {
				/* Done: the scheduled object goes, the live value shows. */
				*task_status = NUMBERING_PROVISIONING_NONE;
				*task_time = 0;
				if (sms)
					rc = text_of(a, "smsConfiguration.scheduledProvisioning.servicePlanId", NULL) == NUMBERING_OK &&
					             text_of(a, "smsConfiguration.scheduledProvisioning.campaignId", NULL) == NUMBERING_OK &&
					             text_of(a, "smsConfiguration.scheduledProvisioning.errorCodes", NULL) == NUMBERING_OK
					         ? NUMBERING_OK
					         : NUMBERING_RESOURCE_EXHAUSTED;
				else
					rc = text_of(a, "voiceConfiguration.scheduledVoiceProvisioning.appId", NULL);
			}
			if (rc == NUMBERING_OK)
				rc = numbering__active_put(store, a, project);
			if (rc == NUMBERING_OK)
				rc = numbering__outbox_queue(store, t.f.project, a->a.callback_url, t.f.phone_number,
				                             (int)t.f.event_type, status, failure_code);
		}
	}
	numbering_active_number_free(a);
	numbering__fields_clear(&task_table, &t.f);
	return rc;
}

/* complete_in() in one transaction: the task and its number are read after begin() took
 * what other processes committed to a shared file store, so a stale copy of the number
 * never undoes their change of it (an UpdateActiveNumber's callbackUrl). */
static int complete_locked(numbering_store *store, const char *name, const int64_t *lease, int status,
                           int failure_code)
{
	int64_t last_time = store->last_time;
	int rc = numbering__begin(store);
	if (rc != NUMBERING_OK)
		return rc;
	rc = numbering__commit_or_rollback(store, complete_in(store, name, lease, status, failure_code));
	if (rc != NUMBERING_OK)
		store->last_time = last_time;
	return rc;
}

static int complete(numbering_store *store, const char *caller, const char *name, const int64_t *lease, int status,
                    int failure_code, const char *fn)
{
	int rc = host_call(store, caller, 1, fn);
	if (rc == NUMBERING_OK && lease != NULL && !numbering__time_in_range(*lease))
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "leaseExpireTime",
		                            "leaseExpireTime %lld ns since 1970 is not a claim's (the task's "
		                            "\"leaseExpireTime\" as the claim handed it out)",
		                            (long long)*lease);
	if (rc == NUMBERING_OK && status != NUMBERING_CALLBACK_STATUS_SUCCEEDED && status != NUMBERING_CALLBACK_STATUS_FAILED)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "status", "status %d is neither SUCCEEDED nor FAILED",
		                            status);
	const char *code = numbering_callback_failure_code_name(failure_code);
	if (rc == NUMBERING_OK && failure_code != NUMBERING_CALLBACK_FAILURE_NONE && (code == NULL || code[0] == '\0'))
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "failureCode",
		                            "failureCode %d is not one of the seed's codes", failure_code);
	else if (rc == NUMBERING_OK && failure_code != NUMBERING_CALLBACK_FAILURE_NONE &&
	         status != NUMBERING_CALLBACK_STATUS_FAILED)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "failureCode",
		                            "failureCode %s comes only with status FAILED", code);
	if (rc != NUMBERING_OK)
		return rc;
	numbering__rwlock_wrlock(&store->lock);
	rc = complete_locked(store, name, lease, status, failure_code);
	numbering__rwlock_wrunlock(&store->lock);
	return rc == NUMBERING_OK ? numbering__durable(store) : rc;
}

int numbering_store_complete_provisioning_task(numbering_store *store, const char *caller, const char *name,
                                               int status, int failure_code)
{
	return complete(store, caller, name, NULL, status, failure_code, "numbering_store_complete_provisioning_task");
}

int numbering_store_complete_claimed_provisioning_task(numbering_store *store, const char *caller, const char *name,
                                                       int64_t lease_expire_time, int status, int failure_code)
{
	return complete(store, caller, name, &lease_expire_time, status, failure_code,
	                "numbering_store_complete_claimed_provisioning_task");
}

int numbering_task_list_count(const numbering_task_list *list)
{
	return list == NULL ? 0 : list->count;
}

const numbering_task *numbering_task_list_item(const numbering_task_list *list, int i)
{
	return list == NULL || i < 0 || i >= list->count ? NULL : &list->items[i];
}

void numbering_task_list_free(numbering_task_list *list)
{
	if (list == NULL)
		return;
	for (int i = 0; i < list->cap; i++)
		numbering__fields_clear(&task_table, &list->items[i].f);
	numbering__free_mem(list->items);
	numbering__free_mem(list);
}

const char *numbering_task_text(const numbering_task *task, const char *field)
{
	if (task == NULL || field == NULL)
		return "";
	if (strcmp(field, "name") == 0)
		return task->name;
	if (strcmp(field, "eventType") == 0) {
		const char *n = numbering_callback_event_type_name((int)task->f.event_type);
		return n ? n : "";
	}
	return numbering__fields_text(&task_table, &task->f, field);
}

int64_t numbering_task_int(const numbering_task *task, const char *field)
{
	if (task == NULL || field == NULL)
		return 0;
	if (strcmp(field, "leaseExpireTime") == 0)
		return task->f.claimed ? task->due : 0;
	if (strcmp(field, "createTime") == 0)
		return task->f.create_time;
	return 0;
}
