/*
 * Active numbers (numbering/active.h): a project's live instances as the Sinch seed
 * shows them, with the ACTIVE record (model/active.h) that keeps their configuration,
 * billing dates and, for rented numbers, what they return to the inventory with.
 * Renting is in rent.c; this file gets, updates, releases, lists, and carries out the
 * releases that are due.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "model/active.h"
#include "model/kinds.h"
#include "model/record.h"
#include "model/validate.h"
#include "service/active.h"
#include "service/attach.h"
#include "service/backend-call.h"
#include "service/commit-or-rollback.h"
#include "service/inventory.h"
#include "service/outbox.h"
#include "service/provisioning.h"
#include "service/purchase.h"
#include "service/reservation.h"
#include "service/subscription-record.h"
#include "numbering/callback.h"
#include "service/service.h"

/* ---- Requests ---- */

struct numbering_active_request {
	uint32_t set; /* bit per row of request_rows */
	char *values[NUMBERING__ACTIVE_REQUEST_ROWS];
};

static const struct {
	const char *json;
	size_t limit;
} request_rows[NUMBERING__ACTIVE_REQUEST_ROWS] = {
	[NUMBERING__REQ_DISPLAY_NAME] = {"displayName", 400},
	[NUMBERING__REQ_CALLBACK_URL] = {"callbackUrl", 2048},
	[NUMBERING__REQ_SMS_PLAN] = {"smsConfiguration.servicePlanId", 256},
	[NUMBERING__REQ_SMS_CAMPAIGN] = {"smsConfiguration.campaignId", 256},
	[NUMBERING__REQ_VOICE_APP] = {"voiceConfiguration.appId", 256},
};

int numbering_active_request_new(numbering_active_request **out)
{
	if (out == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_active_request_new: out is NULL");
	if ((*out = numbering__calloc(1, sizeof(**out))) == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for an active number request");
	return NUMBERING_OK;
}

void numbering_active_request_free(numbering_active_request *request)
{
	if (request == NULL)
		return;
	for (int i = 0; i < NUMBERING__ACTIVE_REQUEST_ROWS; i++)
		numbering__free_mem(request->values[i]);
	numbering__free_mem(request);
}

int numbering_active_request_set(numbering_active_request *request, const char *attribute, const char *value)
{
	if (request == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_active_request_set: request is NULL");
	char quoted[NUMBERING__QUOTE_SIZE];
	const char *a = attribute ? attribute : "(null)";
	int row = -1;
	for (int i = 0; i < NUMBERING__ACTIVE_REQUEST_ROWS; i++)
		if (strcmp(a, request_rows[i].json) == 0)
			row = i;
	if (row < 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, a, "\"%s\" is not what a rent or an update can set",
		                              numbering__quote(quoted, a, strlen(a)));
	const char *v = value ? value : "";
	int rc = NUMBERING_OK;
	if (v[0] != '\0') {
		if (row == NUMBERING__REQ_CALLBACK_URL)
			rc = numbering__validate_message_handler(v, request_rows[row].json); /* http or https */
		else if (row != NUMBERING__REQ_DISPLAY_NAME)
			rc = numbering__validate_text(v, request_rows[row].limit, request_rows[row].json);
	}
	if (rc != NUMBERING_OK)
		return rc;
	char *copy = numbering__strdup(v);
	if (copy == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for %s", request_rows[row].json);
	numbering__free_mem(request->values[row]);
	request->values[row] = copy;
	request->set |= 1u << row;
	return NUMBERING_OK;
}

const char *numbering__active_request_value(const numbering_active_request *request, int row)
{
	return request != NULL && (request->set & (1u << row)) ? request->values[row] : NULL;
}

/* ---- Applying a request ---- */

static int set_field(numbering_active_number *a, const char *json, const char *value)
{
	return numbering__fields_set_text(&numbering__active_fields, &a->a, json, value[0] ? value : NULL);
}

/* One SMS link (the service plan or the campaign): "" unlinks; a new value while one
 * is linked is FAILED_PRECONDITION, as the seed says (unlink first). */
static void note(numbering_active_number *a, int event)
{
	if (a->event_count < (int)(sizeof(a->events) / sizeof(a->events[0])))
		a->events[a->event_count++] = event;
}

/* The event a link or unlink of @current to @wanted reports, or 0 for none. */
static int link_event(const char *current, const char *wanted, int linked, int unlinked)
{
	int had = current != NULL && current[0] != '\0';
	if (wanted[0] != '\0' && !(had && strcmp(current, wanted) == 0))
		return linked;
	return wanted[0] == '\0' && had ? unlinked : 0;
}

static int link(numbering_active_number *a, const char *json, const char *current, const char *wanted)
{
	const char *name = numbering_instance_phone_number(a->instance);
	if (wanted[0] != '\0' && current != NULL && strcmp(current, wanted) != 0)
		return numbering__error_field(NUMBERING_FAILED_PRECONDITION, json,
		                              "%s of %s is linked to \"%s\": unlink it (\"\") before linking another", json,
		                              name, current);
	return set_field(a, json, wanted);
}

/* Manual provisioning: the change waits for the host (numbering/provisioning.h). The
 * live values stay; the scheduled ones show what was asked, WAITING. */
static int in_progress(const numbering_active_number *a, int64_t status, const char *what, const char *json)
{
	if (status != NUMBERING_PROVISIONING_WAITING && status != NUMBERING_PROVISIONING_IN_PROGRESS)
		return NUMBERING_OK;
	return numbering__error_field(NUMBERING_FAILED_PRECONDITION, json,
	                              "%s provisioning of %s is %s: wait until the host completes it", what,
	                              numbering_instance_phone_number(a->instance),
	                              status == NUMBERING_PROVISIONING_WAITING ? "WAITING" : "IN_PROGRESS");
}

static int schedule(numbering_active_number *a, const char *plan, const char *campaign, const char *app, int64_t now)
{
	int rc = NUMBERING_OK;
	if (plan || campaign) {
		if ((rc = in_progress(a, a->a.sms_task_status, "SMS", "smsConfiguration")) != NUMBERING_OK)
			return rc;
		const char *p = plan ? plan : (a->a.sms_service_plan_id ? a->a.sms_service_plan_id : "");
		const char *c = campaign ? campaign : (a->a.sms_campaign_id ? a->a.sms_campaign_id : "");
		if (plan && a->a.sms_service_plan_id && plan[0] && strcmp(plan, a->a.sms_service_plan_id) != 0)
			return link(a, "smsConfiguration.servicePlanId", a->a.sms_service_plan_id, plan);
		if (campaign && a->a.sms_campaign_id && campaign[0] && strcmp(campaign, a->a.sms_campaign_id) != 0)
			return link(a, "smsConfiguration.campaignId", a->a.sms_campaign_id, campaign);
		if ((rc = set_field(a, "smsConfiguration.scheduledProvisioning.servicePlanId", p)) != NUMBERING_OK ||
		    (rc = set_field(a, "smsConfiguration.scheduledProvisioning.campaignId", c)) != NUMBERING_OK ||
		    (rc = set_field(a, "smsConfiguration.scheduledProvisioning.errorCodes", "")) != NUMBERING_OK)
			return rc;
		a->a.sms_task_status = NUMBERING_PROVISIONING_WAITING;
		a->a.sms_task_time = now;
	}
	if (app) {
		if ((rc = in_progress(a, a->a.voice_task_status, "voice", "voiceConfiguration")) != NUMBERING_OK ||
		    (rc = set_field(a, "voiceConfiguration.scheduledVoiceProvisioning.appId", app)) != NUMBERING_OK)
			return rc;
		a->a.voice_task_status = NUMBERING_PROVISIONING_WAITING;
		a->a.voice_task_time = now;
	}
	return rc;
}

int numbering__active_apply(numbering_store *store, numbering_active_number *a, const numbering_active_request *request,
                            int64_t now)
{
	if (request == NULL)
		return NUMBERING_OK;
	numbering_instance *in = a->instance;
	const char *plan = numbering__active_request_value(request, NUMBERING__REQ_SMS_PLAN);
	const char *campaign = numbering__active_request_value(request, NUMBERING__REQ_SMS_CAMPAIGN);
	const char *app = numbering__active_request_value(request, NUMBERING__REQ_VOICE_APP);
	const char *display = numbering__active_request_value(request, NUMBERING__REQ_DISPLAY_NAME);
	const char *url = numbering__active_request_value(request, NUMBERING__REQ_CALLBACK_URL);
	const char *number = numbering_instance_phone_number(in);
	if ((plan || campaign) && !(in->capabilities & NUMBERING_CAPABILITY_SMS))
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "smsConfiguration",
		                              "smsConfiguration: %s has no SMS capability", number);
	if (app && !(in->capabilities & NUMBERING_CAPABILITY_VOICE))
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "voiceConfiguration",
		                              "voiceConfiguration: %s has no VOICE capability", number);
	if (campaign && campaign[0] && strcmp(numbering__str_get(&in->country_code), "US") != 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "smsConfiguration.campaignId",
		                              "smsConfiguration.campaignId is for US numbers only; %s is not one", number);
	/* A campaign rides on a service plan: one cannot be linked without the other. */
	const char *plan_after = plan ? plan : (a->a.sms_service_plan_id ? a->a.sms_service_plan_id : "");
	if (campaign && campaign[0] && plan_after[0] == '\0')
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "smsConfiguration.servicePlanId",
		                              "smsConfiguration.campaignId needs a servicePlanId linked with it");
	int rc = NUMBERING_OK;
	a->event_count = 0;
	/* Unlinking the plan unlinks its campaign. */
	if (plan && plan[0] == '\0' && !campaign)
		campaign = "";
	int e;
	if (plan && (e = link_event(a->a.sms_service_plan_id, plan, NUMBERING_CALLBACK_EVENT_PROVISIONING_TO_SMS_PLATFORM,
	                            NUMBERING_CALLBACK_EVENT_DEPROVISIONING_FROM_SMS_PLATFORM)) != 0)
		note(a, e);
	if (campaign && (e = link_event(a->a.sms_campaign_id, campaign, NUMBERING_CALLBACK_EVENT_PROVISIONING_TO_CAMPAIGN,
	                                NUMBERING_CALLBACK_EVENT_DEPROVISIONING_FROM_CAMPAIGN)) != 0)
		note(a, e);
	if (app && (e = link_event(a->a.voice_app_id, app, NUMBERING_CALLBACK_EVENT_PROVISIONING_TO_VOICE_PLATFORM,
	                           NUMBERING_CALLBACK_EVENT_DEPROVISIONING_TO_VOICE_PLATFORM)) != 0)
		note(a, e);
	if (store->provisioning_manual) {
		rc = schedule(a, plan, campaign, app, now);
	} else {
		if (plan)
			rc = link(a, "smsConfiguration.servicePlanId", a->a.sms_service_plan_id, plan);
		if (rc == NUMBERING_OK && campaign)
			rc = link(a, "smsConfiguration.campaignId", a->a.sms_campaign_id, campaign);
		if (rc == NUMBERING_OK && app) {
			rc = set_field(a, "voiceConfiguration.appId", app);
			a->a.voice_time = now;
		}
	}
	if (rc == NUMBERING_OK && url)
		rc = set_field(a, "callbackUrl", url);
	if (rc == NUMBERING_OK && display)
		rc = numbering__normalize_display_name(&in->display_name, display, "displayName");
	(void)store;
	return rc;
}

/* ---- Loading ---- */

static int not_active(const char *project, int digits, uint64_t value)
{
	return numbering__error_field(NUMBERING_NOT_FOUND, "phoneNumber", "phone number +%0*llu is not an active number of %s",
	                              digits, (unsigned long long)value, project);
}

struct active_visit {
	numbering_active_number *a;
	int rc;
	int found;
};

static int active_visit(const numbering_record *record, void *payload)
{
	struct active_visit *v = payload;
	v->found = 1;
	v->rc = numbering__active_from_record(v->a, record);
	return 0;
}

/* The ACTIVE record of @a's instance, if any (a record of an earlier instance of the
 * same number is not this one's: it is ignored and overwritten by the next write). */
int numbering__active_read(numbering_store *store, numbering_active_number *a, const char *project)
{
	char name[NUMBERING__ACTIVE_NAME_SIZE];
	numbering__active_name(name, project, a->instance->digits, a->instance->first);
	struct active_visit v = {a, NUMBERING_OK, 0};
	numbering__active_clear(a);
	int rc = numbering__backend_get_record(store, NUMBERING__KIND_ACTIVE, name, active_visit, &v);
	if (rc == NUMBERING_NOT_FOUND)
		return NUMBERING_OK;
	if (rc != NUMBERING_OK)
		return rc;
	if (v.rc != NUMBERING_OK)
		return v.rc;
	if (a->a.instance == NULL || strcmp(a->a.instance, numbering_instance_name(a->instance)) != 0)
		numbering__active_clear(a);
	/* The billing dates are the subscription's (it renews them). */
	if (a->a.instance != NULL)
		return numbering__subscription_dates(store, a->a.instance, &a->a.next_charge_time, &a->a.expire_time);
	return NUMBERING_OK;
}

#define DEFAULT_ZERO(id, type, json, limit, dflt) &&(dflt) == 0
_Static_assert(1 NUMBERING__ACTIVE_FIELDS(DEFAULT_ZERO), "an active number's attributes all default to 0");
#undef DEFAULT_ZERO

void numbering__active_for_caller(const numbering_store *store, numbering_active_number *a)
{
	numbering__instance_for_caller(store, a->instance);
	/* A callbackUrl stored with a credential before they were refused (model/uri.c) is
	 * never shown with it; the outbox, which sends to it, reads the record itself. */
	if (a->a.callback_url != NULL)
		numbering__uri_redact_in_place(a->a.callback_url);
}

/* @a zeroed, with @instance: empty, of @project. */
static void active_fill(numbering_active_number *a, numbering_instance *instance, const char *project)
{
	a->instance = instance;
	/* Zeroed, the attributes are as numbering__fields_clear() would leave them (every
	 * default is 0, asserted above): only the stock's defaults to set (a walk of the
	 * active table's rows was ~300 instructions a purchase). */
	numbering__available_clear(&a->stock);
	/* Copied by length: gcc -O3 cannot bound a %s of a project name (-Wformat-truncation). */
	const char *id = project + strlen("projects/");
	size_t len = strnlen(id, sizeof(a->project_id) - 1);
	memcpy(a->project_id, id, len);
	a->project_id[len] = '\0';
}

int numbering__active_new(numbering_active_number **out, const char *project)
{
	numbering_active_number *a = numbering__calloc(1, sizeof(*a));
	numbering_instance *instance = NULL;
	if (a == NULL || numbering__instance_new_reserved(&instance) != NUMBERING_OK) {
		numbering__free_mem(a);
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for an active number");
	}
	active_fill(a, instance, project);
	*out = a;
	return NUMBERING_OK;
}

void numbering__active_init(numbering_active_number *a, struct numbering__active_room *room, const char *project)
{
	memset(a, 0, sizeof(*a));
	numbering_instance *instance = (numbering_instance *)room->bytes;
	numbering__instance_init_reserved(instance);
	active_fill(a, instance, project);
}

void numbering__active_release(numbering_active_number *a)
{
	numbering__active_clear(a);
	numbering__instance_release(a->instance);
}

int numbering__active_load(numbering_active_number *a, numbering_store *store, const char *project, int digits,
                           uint64_t value)
{
	int other = 0;
	int rc = numbering__backend_find(store, a->instance, value, value, digits, &other);
	if (rc == NUMBERING_NOT_FOUND)
		return not_active(project, digits, value);
	if (rc != NUMBERING_OK)
		return rc;
	size_t plen = strlen(project);
	const char *name = numbering_instance_name(a->instance);
	if (strncmp(name, project, plen) != 0 || strncmp(name + plen, "/phoneNumberInstances/", 22) != 0)
		return not_active(project, digits, value); /* another project's: exactly as an unowned one */
	return numbering__active_read(store, a, project);
}

static int check_project(char project[NUMBERING__PROJECT_SIZE], numbering_store *store, const char *caller,
                         const char *parent, int permission)
{
	int rc = numbering__project_of_parent(project, parent, "projectId");
	return rc == NUMBERING_OK ? numbering__authorize(store, caller, permission, project) : rc;
}

int numbering__active_begin(numbering_active_number **a, struct numbering__active_target *t, numbering_store *store,
                            const char *caller, const char *project, const char *phone_number, int permission)
{
	*a = NULL;
	int rc = check_project(t->project, store, caller, project, permission);
	if (rc == NUMBERING_OK)
		rc = numbering__parse_one_number(&t->digits, &t->value, phone_number, "phoneNumber");
	if (rc == NUMBERING_OK)
		rc = numbering_store_process_due(NULL, store);
	if (rc == NUMBERING_OK)
		rc = numbering__active_new(a, t->project);
	return rc;
}

int numbering_store_get_active(numbering_active_number **out, numbering_store *store, const char *caller,
                               const char *project, const char *phone_number)
{
	if (out == NULL || store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_get_active: %s is NULL",
		                            out == NULL ? "out" : "store");
	*out = NULL;
	struct numbering__active_target t;
	numbering_active_number *a = NULL;
	int rc = numbering__active_begin(&a, &t, store, caller, project, phone_number, NUMBERING__PERM_ACTIVE_GET);
	if (rc != NUMBERING_OK)
		return rc;
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	rc = numbering__active_load(a, store, t.project, t.digits, t.value);
	numbering__rwlock_rdunlock(&store->lock, slot);
	if (rc != NUMBERING_OK) {
		numbering_active_number_free(a);
		return rc;
	}
	numbering__active_for_caller(store, a);
	*out = a;
	return NUMBERING_OK;
}

/* ---- Writing ---- */

int numbering__active_put(numbering_store *store, const numbering_active_number *a, const char *project)
{
	char name[NUMBERING__ACTIVE_NAME_SIZE];
	numbering__active_name(name, project, a->instance->digits, a->instance->first);
	return numbering__active_put_named(store, a, project, name);
}

int numbering__active_put_named(numbering_store *store, const numbering_active_number *a, const char *project,
                                const char *name)
{
	numbering_record record;
	/* Encoded into the store's put buffer (this write lock is held), not a buffer
	 * allocated and freed for each put. */
	int rc = numbering__active_to_record(&record, name, &store->put_body, a, project);
	if (rc == NUMBERING_OK)
		rc = numbering__backend_put_record(store, &record);
	return rc;
}

int numbering__active_queue_events(numbering_store *store, const numbering_active_number *a)
{
	if (store->provisioning_manual)
		return numbering__provisioning_queue(store, a);
	int rc = NUMBERING_OK;
	for (int i = 0; i < a->event_count && rc == NUMBERING_OK; i++)
		rc = numbering__outbox_queue(store, a->project_id, a->a.callback_url, numbering_instance_phone_number(a->instance),
		                             a->events[i], NUMBERING_CALLBACK_STATUS_SUCCEEDED, NUMBERING_CALLBACK_FAILURE_NONE);
	return rc;
}

/* Update and release share this: inside the transaction, load, refuse ranges, change,
 * write the instance and the ACTIVE record. */
enum change { CHANGE_UPDATE, CHANGE_RELEASE };

static int change_in(numbering_active_number *a, numbering_store *store, const char *project, int digits,
                     uint64_t value, enum change what, const numbering_active_request *request)
{
	int rc = numbering__active_load(a, store, project, digits, value);
	if (rc != NUMBERING_OK)
		return rc;
	numbering_instance *in = a->instance;
	const char *verb = what == CHANGE_UPDATE ? "update" : "release";
	if (in->is_range && in->range_size > 1)
		return numbering__error_field(NUMBERING_FAILED_PRECONDITION, "phoneNumber",
		                              "cannot %s +%0*llu: it is in the range %s (%lld numbers); split the range first",
		                              verb, digits, (unsigned long long)value, numbering_instance_name(in),
		                              (long long)in->range_size);
	if (a->a.expire_time != 0)
		return numbering__error_field(NUMBERING_FAILED_PRECONDITION, "phoneNumber",
		                              "cannot %s %s: it was released and leaves the project at its expireAt", verb,
		                              numbering_instance_phone_number(in));
	/* Its purchase's cancellation ends it, the reserve released: a release took the
	 * number back at expireAt and left the purchase PROCESSING, its cost reserved. */
	if (what == CHANGE_RELEASE && in->lifecycle_state == NUMBERING_LIFECYCLE_PENDING) {
		char purchase[NUMBERING__NAME_SIZE];
		int waiting = 0;
		if ((rc = numbering__purchase_processing(store, project, numbering_instance_name(in), purchase,
		                                         &waiting)) != NUMBERING_OK)
			return rc;
		if (waiting)
			return numbering__error_field(NUMBERING_FAILED_PRECONDITION, "phoneNumber",
			                              "cannot release %s: its purchase %s waits for documents; cancel the "
			                              "purchase (CancelPhoneNumberPurchase), which gives the number back at once",
			                              numbering_instance_phone_number(in), purchase);
	}
	int64_t now = 0;
	if ((rc = numbering__next_time(store, &now)) != NUMBERING_OK)
		return rc;
	if (a->a.instance == NULL && (rc = set_field(a, "instance", numbering_instance_name(in))) != NUMBERING_OK)
		return rc;
	if (what == CHANGE_UPDATE)
		rc = numbering__active_apply(store, a, request, now);
	else /* until the next charge date, or at once for a number without one */
		a->a.expire_time = a->a.next_charge_time > now ? a->a.next_charge_time : now;
	if (rc == NUMBERING_OK && what == CHANGE_UPDATE &&
	    numbering__active_request_value(request, NUMBERING__REQ_DISPLAY_NAME))
		rc = numbering__backend_put(store, in);
	if (rc == NUMBERING_OK)
		rc = numbering__active_put(store, a, project);
	if (rc == NUMBERING_OK && what == CHANGE_UPDATE)
		rc = numbering__active_queue_events(store, a);
	if (rc == NUMBERING_OK && what == CHANGE_RELEASE) /* not renewed: it ends at expireAt */
		rc = numbering__subscription_release(store, numbering_instance_name(in), a->a.expire_time);
	return rc;
}

/* change_in() in one transaction: what it changes is read after begin() took what other
 * processes committed to a shared file store, so a stale copy never undoes their change
 * of the same number. */
static int change_locked(numbering_active_number *a, numbering_store *store, const char *project, int digits,
                         uint64_t value, enum change what, const numbering_active_request *request)
{
	int64_t last_time = store->last_time;
	int rc = numbering__begin(store);
	if (rc != NUMBERING_OK)
		return rc;
	rc = numbering__commit_or_rollback(store, change_in(a, store, project, digits, value, what, request));
	if (rc != NUMBERING_OK)
		store->last_time = last_time;
	return rc;
}

static int change(numbering_active_number **out, numbering_store *store, const char *caller, const char *project,
                  const char *phone_number, enum change what, const numbering_active_request *request)
{
	if (out == NULL || store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_%s_active: %s is NULL",
		                            what == CHANGE_UPDATE ? "update" : "release", out == NULL ? "out" : "store");
	*out = NULL;
	struct numbering__active_target t;
	numbering_active_number *a = NULL;
	int rc = numbering__active_begin(&a, &t, store, caller, project, phone_number,
	                                 what == CHANGE_UPDATE ? NUMBERING__PERM_ACTIVE_UPDATE : NUMBERING__PERM_ACTIVE_RELEASE);
	if (rc == NUMBERING_OK && what == CHANGE_UPDATE && (request == NULL || request->set == 0))
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "activeNumber",
		                            "the update sets nothing: give displayName, smsConfiguration, voiceConfiguration "
		                            "or callbackUrl");
	if (rc != NUMBERING_OK) {
		numbering_active_number_free(a);
		return rc;
	}
	numbering__rwlock_wrlock(&store->lock);
	rc = change_locked(a, store, t.project, t.digits, t.value, what, request);
	numbering__rwlock_wrunlock(&store->lock);
	if (rc == NUMBERING_OK)
		rc = numbering__durable(store);
	if (rc != NUMBERING_OK) {
		numbering_active_number_free(a);
		return rc;
	}
	numbering__active_for_caller(store, a);
	numbering__emit(store, what == CHANGE_UPDATE ? "activeNumber.updated" : "activeNumber.released",
	                numbering_instance_name(a->instance));
	*out = a;
	return NUMBERING_OK;
}

int numbering_store_update_active(numbering_active_number **out, numbering_store *store, const char *caller,
                                  const char *project, const char *phone_number,
                                  const numbering_active_request *request)
{
	return change(out, store, caller, project, phone_number, CHANGE_UPDATE, request);
}

int numbering_store_release_active(numbering_active_number **out, numbering_store *store, const char *caller,
                                   const char *project, const char *phone_number)
{
	int rc = change(out, store, caller, project, phone_number, CHANGE_RELEASE, NULL);
	/* A release due at once (a number without a charge date) takes effect now. */
	if (rc == NUMBERING_OK)
		rc = numbering_store_process_due(NULL, store);
	if (rc != NUMBERING_OK && out != NULL) {
		numbering_active_number_free(*out);
		*out = NULL;
	}
	return rc;
}

/* ---- What is due ---- */

#define DUE_BATCH 64

/* A batch of the due records' names, and what each one's expiry deleted. */
struct due_visit {
	char names[DUE_BATCH][NUMBERING__NAME_SIZE];
	char deleted[DUE_BATCH][NUMBERING__NAME_SIZE];
	int count;
};

static int due_visit(const numbering_record *record, void *payload)
{
	struct due_visit *v = payload;
	snprintf(v->names[v->count++], NUMBERING__NAME_SIZE, "%s", record->name);
	return v->count == DUE_BATCH ? NUMBERING__VISIT_STOP : 0;
}

int numbering__expire_due(numbering_store *store, int kind, int64_t now, numbering__expire_fn expire_one,
                          int64_t *expired, const char *work)
{
	/* Nothing due: one look under the read lock, allocating nothing. */
	int due = 0;
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	int rc = numbering__backend_due(store, kind, now, &due);
	numbering__rwlock_rdunlock(&store->lock, slot);
	if (rc != NUMBERING_OK || !due)
		return rc;
	struct due_visit *v = numbering__malloc(sizeof(*v));
	if (v == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory %s", work);
	numbering_active_number *a = NULL;
	rc = numbering__active_new(&a, "projects/-");
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = kind;
	q.order = NUMBERING_RECORD_ORDER_EXPIRY;
	q.expires_until = now;
	q.limit = DUE_BATCH;
	while (rc == NUMBERING_OK) {
		numbering__rwlock_wrlock(&store->lock);
		/* Listed and carried out inside one transaction: after begin() took what other
		 * processes committed to a shared file store, so a record another process's run
		 * expired since the look above is not listed, and none is read before another
		 * process's change of it (its own expiry: the number given back twice). */
		v->count = 0;
		int n = 0;
		int64_t last_time = store->last_time;
		if ((rc = numbering__begin(store)) == NUMBERING_OK) {
			rc = numbering__backend_list(store, &q, due_visit, v);
			n = v->count;
			for (int i = 0; i < n && rc == NUMBERING_OK; i++)
				rc = expire_one(store, a, v->names[i], v->deleted[i]);
			if (rc == NUMBERING_OK && n == 0)
				numbering__rollback(store); /* nothing due after all */
			else
				rc = numbering__commit_or_rollback(store, rc);
			if (rc != NUMBERING_OK)
				store->last_time = last_time;
		}
		numbering__rwlock_wrunlock(&store->lock);
		if (rc == NUMBERING_OK && n > 0)
			rc = numbering__durable(store);
		for (int i = 0; i < n && rc == NUMBERING_OK; i++)
			if (v->deleted[i][0] != '\0') {
				numbering__emit(store, "phoneNumberInstance.deleted", v->deleted[i]);
				(*expired)++;
			}
		if (n < DUE_BATCH)
			break;
	}
	numbering_active_number_free(a);
	numbering__free_mem(v);
	return rc;
}

int numbering__active_give_back(numbering_store *store, numbering_active_number *a, const char *name, int64_t now)
{
	a->instance->lifecycle_state = NUMBERING_LIFECYCLE_DELETED;
	a->instance->delete_time = now;
	int rc = numbering__backend_put(store, a->instance);
	if (rc == NUMBERING_OK)
		rc = numbering__backend_remove_record(store, NUMBERING__KIND_ACTIVE, name);
	if (rc == NUMBERING_NOT_FOUND)
		rc = NUMBERING_OK;
	if (rc == NUMBERING_OK && a->has_stock) {
		numbering__available_set_interval(&a->stock, a->instance->digits, a->instance->first, a->instance->last);
		a->stock.listed = 1;
		rc = numbering__inventory_add(store, &a->stock);
	}
	return rc;
}

/* Carries out the release named @name, inside the expiry run's transaction: its
 * instance becomes DELETED, its number goes back to the inventory with the attributes
 * it was rented with, the record goes. */
static int expire_one(numbering_store *store, numbering_active_number *a, const char *name,
                      char deleted[NUMBERING__NAME_SIZE])
{
	deleted[0] = '\0';
	struct active_visit v = {a, NUMBERING_OK, 0};
	numbering__active_clear(a);
	int rc = numbering__backend_get_record(store, NUMBERING__KIND_ACTIVE, name, active_visit, &v);
	if (rc == NUMBERING_OK)
		rc = v.rc;
	if (rc != NUMBERING_OK)
		return rc;
	int64_t now = 0;
	int live = 0;
	if (a->a.instance != NULL) {
		rc = numbering__backend_get(store, a->instance, a->a.instance);
		if (rc == NUMBERING_NOT_FOUND)
			rc = NUMBERING_OK;
		else if (rc == NUMBERING_OK)
			live = a->instance->lifecycle_state != NUMBERING_LIFECYCLE_DELETED;
	}
	if (rc == NUMBERING_OK && live)
		rc = numbering__next_time(store, &now);
	if (rc == NUMBERING_OK && live) {
		rc = numbering__active_give_back(store, a, name, now);
		snprintf(deleted, NUMBERING__NAME_SIZE, "%s", numbering_instance_name(a->instance));
	} else if (rc == NUMBERING_OK) {
		rc = numbering__backend_remove_record(store, NUMBERING__KIND_ACTIVE, name);
	}
	/* Its subscription ends with it. */
	if (rc == NUMBERING_OK && a->a.instance != NULL)
		rc = numbering__subscription_end(store, a->a.instance);
	if (rc != NUMBERING_OK)
		deleted[0] = '\0';
	return rc;
}

/* Whether a record of a kind that expires is due by @now (caller holds a lock): one
 * control call to the library's own stores (NUMBERING__CONTROL_DUE), else a list each. */
static int any_due(numbering_store *store, int64_t now, int *due)
{
	static const int kinds[] = {NUMBERING__KIND_RESERVATION, NUMBERING__KIND_PHONE, NUMBERING__KIND_ACTIVE};
	numbering_backend *b = store->backend;
	struct numbering__due_kinds ask = {kinds, sizeof(kinds) / sizeof(kinds[0]), now, 0};
	unsigned serial = numbering__error_serial();
	if (b->control != NULL && b->control(b, NUMBERING__CONTROL_DUE, &ask) == NUMBERING_OK) {
		*due = ask.due;
		return NUMBERING_OK;
	}
	/* The refusal is no error of this call (an error set before it is left alone). */
	if (numbering__error_serial() != serial)
		numbering_error_clear();
	int rc = NUMBERING_OK;
	*due = 0;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]) && rc == NUMBERING_OK && !*due; i++)
		rc = numbering__backend_due(store, kinds[i], now, due);
	return rc;
}

int numbering_store_process_due(int64_t *processed, numbering_store *store)
{
	if (processed != NULL)
		*processed = 0;
	if (store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_process_due: store is NULL");
	return numbering__process_due_at(processed, store, store->clock(store->clock_payload));
}

int numbering__process_due_at(int64_t *processed, numbering_store *store, int64_t now)
{
	if (processed != NULL)
		*processed = 0;
	/* Most calls find nothing due (every inventory call comes through here): the three
	 * kinds that expire are looked at under one read lock first, with one backend call,
	 * and the calls below, which each look again under the locks they take, are made
	 * only when one is due (three locks and lists were about 790 instructions of an
	 * inventory search's 8,750). */
	int due = 0;
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	int rc = any_due(store, now, &due);
	numbering__rwlock_rdunlock(&store->lock, slot);
	if (rc != NUMBERING_OK || !due)
		return rc;
	/* Expired reservations give their numbers back (service/reservation.c). */
	int expired = numbering__reservations_expire(store, now);
	if (expired != NUMBERING_OK)
		return expired;
	/* Attached numbers whose verification hold ended are cancelled (service/attach.c). */
	int64_t holds = 0;
	expired = numbering__phone_holds_expire(store, now, &holds);
	if (processed != NULL)
		*processed = holds;
	if (expired != NUMBERING_OK)
		return expired;
	int64_t done = 0;
	rc = numbering__expire_due(store, NUMBERING__KIND_ACTIVE, now, expire_one, &done, "processing due releases");
	if (processed != NULL)
		*processed = holds + done;
	return rc;
}

/* ---- Listing ---- */

struct numbering_active_page {
	int count;
	numbering_active_number **items;
	int64_t total;
	char next_token[NUMBERING__TOKEN_TEXT_MAX];
};

int numbering_active_query_init(numbering_active_query *query)
{
	if (query == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_active_query_init: query is NULL");
	numbering_active_query init = NUMBERING_ACTIVE_QUERY_INIT;
	*query = init;
	return NUMBERING_OK;
}

struct match {
	char name[NUMBERING__NAME_SIZE];
	char display[NUMBERING_DISPLAY_NAME_MAX * 4 + 1];
	int digits;
	uint64_t first;
};

struct list_visit {
	numbering_store *store;
	const struct numbering__search *s;
	const char *region;
	int type;
	numbering_instance *scratch;
	struct match *matches;
	size_t count, cap;
	int rc;
};

/* Whether a number of @in is what the search's pattern asks for. */
static int pattern_matches(const struct numbering__search *s, const numbering_instance *in)
{
	int found = 0;
	numbering__search_next(s, in->digits, in->first, in->last, &found);
	return found;
}

static int list_visit(const numbering_record *record, void *payload)
{
	struct list_visit *v = payload;
	int rc = numbering__instance_from_record(v->scratch, record);
	if (rc != NUMBERING_OK) {
		v->rc = rc;
		return rc;
	}
	const numbering_instance *in = v->scratch;
	if (strcmp(numbering__str_get(&in->country_code), v->region) != 0 || in->number_type != v->type ||
	    (in->capabilities & v->s->capabilities) != v->s->capabilities || !pattern_matches(v->s, in))
		return 0;
	if (v->count == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		struct match *grown = numbering__realloc(v->matches, cap * sizeof(*grown));
		if (grown == NULL) {
			v->rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory listing active numbers");
			return v->rc;
		}
		v->matches = grown;
		v->cap = cap;
	}
	struct match *m = &v->matches[v->count++];
	snprintf(m->name, sizeof(m->name), "%s", numbering_instance_name(in));
	snprintf(m->display, sizeof(m->display), "%s", numbering__str_get(&in->display_name));
	m->digits = in->digits;
	m->first = in->first;
	return 0;
}

/* A number's place in the phone-number order as one int64, the cursor of a page token:
 * digit counts first, then the value (below 10^16: at most 16 digits). */
#define NUMBER_KEY_SCALE INT64_C(10000000000000000)
static int64_t number_key(const struct match *m)
{
	return (int64_t)m->digits * NUMBER_KEY_SCALE + (int64_t)m->first;
}

static int by_number(const void *x, const void *y)
{
	const struct match *a = x, *b = y;
	if (a->digits != b->digits)
		return a->digits < b->digits ? -1 : 1;
	return a->first < b->first ? -1 : a->first > b->first;
}

static int by_display_name(const void *x, const void *y)
{
	const struct match *a = x, *b = y;
	int c = strcmp(a->display, b->display);
	return c != 0 ? c : by_number(x, y);
}

static void list_digest(unsigned char digest[NUMBERING__TOKEN_DIGEST_BYTES], const char *project,
                        const numbering_active_query *q)
{
	crypto_generichash_state state;
	crypto_generichash_init(&state, NULL, 0, NUMBERING__TOKEN_DIGEST_BYTES);
	char filter[160];
	snprintf(filter, sizeof(filter), "%s|%s|%d|%s|%d|%d|%d", project, q->region_code, q->type,
	         q->pattern ? q->pattern : "", q->search_pattern, q->capabilities, q->order_by);
	crypto_generichash_update(&state, (const unsigned char *)filter, strlen(filter));
	crypto_generichash_final(&state, digest, NUMBERING__TOKEN_DIGEST_BYTES);
}

/* Where a page starts: after the token's number (phone-number order) or after its
 * (display name, number) (display-name order). */
_Static_assert(NUMBERING_DISPLAY_NAME_MAX * 4 <= NUMBERING__TOKEN_KEY_MAX, "a display name fits a page token's key");
struct list_cursor {
	int has;
	int64_t number;
	char display[NUMBERING__TOKEN_KEY_MAX + 1];
};

/* Whether @m comes after @c in the order by_display_name() sorts. */
static int after_cursor(const struct match *m, const struct list_cursor *c, int by_name)
{
	if (!c->has)
		return 1;
	int d = by_name ? strcmp(m->display, c->display) : 0;
	return d != 0 ? d > 0 : number_key(m) > c->number;
}

static int list_locked(numbering_active_page *page, numbering_store *store, const char *project,
                       const struct numbering__search *s, const numbering_active_query *q,
                       const struct list_cursor *cursor, int page_size,
                       const unsigned char digest[NUMBERING__TOKEN_DIGEST_BYTES])
{
	struct list_visit v;
	memset(&v, 0, sizeof(v));
	v.store = store;
	v.s = s;
	v.region = q->region_code;
	v.type = q->type;
	int rc = numbering_instance_new(&v.scratch);
	numbering_record_query query = NUMBERING_RECORD_QUERY_INIT;
	query.kind = NUMBERING__KIND_INSTANCE;
	query.parent = project;
	query.listed_only = 1;
	if (s->has_intervals) {
		query.intervals = s->intervals;
		query.interval_count = s->interval_count;
	}
	if (rc == NUMBERING_OK && !(s->has_intervals && s->interval_count == 0))
		rc = numbering__backend_list(store, &query, list_visit, &v);
	if (rc == NUMBERING_OK)
		rc = v.rc;
	if (rc == NUMBERING_OK && v.count > 1) /* qsort wants a non-NULL array */
		qsort(v.matches, v.count, sizeof(*v.matches),
		      q->order_by == NUMBERING_ACTIVE_ORDER_DISPLAY_NAME ? by_display_name : by_number);
	page->total = (int64_t)v.count;
	/* A token names the last number shown (with its display name in that order), so a
	 * number that left or arrived before it (released, a purchase cancelled, a rent)
	 * moves no later one onto a page already read; as an offset, the next page started
	 * one too far and that number was never listed (or one too early, and one was
	 * listed twice). */
	int by_name = q->order_by == NUMBERING_ACTIVE_ORDER_DISPLAY_NAME;
	size_t from = 0;
	while (from < v.count && !after_cursor(&v.matches[from], cursor, by_name))
		from++;
	size_t n = v.count - from < (size_t)page_size ? v.count - from : (size_t)page_size;
	if (rc == NUMBERING_OK && n > 0 && (page->items = numbering__calloc(n, sizeof(*page->items))) == NULL)
		rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory listing active numbers");
	for (size_t i = 0; i < n && rc == NUMBERING_OK; i++) {
		numbering_active_number *a = NULL;
		rc = numbering__active_new(&a, project);
		if (rc == NUMBERING_OK)
			rc = numbering__backend_get(store, a->instance, v.matches[from + i].name);
		if (rc == NUMBERING_OK)
			rc = numbering__active_read(store, a, project);
		if (rc == NUMBERING_OK) {
			numbering__active_for_caller(store, a);
			page->items[page->count++] = a;
		} else {
			numbering_active_number_free(a);
		}
	}
	if (rc == NUMBERING_OK && from + n < v.count) {
		const struct match *last = &v.matches[from + n - 1];
		numbering__token_make_keyed(page->next_token, store, digest, number_key(last), by_name ? last->display : NULL);
	}
	numbering__free_mem(v.matches);
	numbering_instance_free(v.scratch);
	return rc;
}

int numbering_store_list_active(numbering_active_page **out, numbering_store *store, const char *caller,
                                const char *project, const numbering_active_query *query)
{
	if (out == NULL || store == NULL || query == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_list_active: an argument is NULL");
	*out = NULL;
	char checked[NUMBERING__PROJECT_SIZE];
	int rc = check_project(checked, store, caller, project, NUMBERING__PERM_ACTIVE_LIST);
	/* The filters as a search checks them (region, type, pattern, capabilities). */
	numbering_available_query as_search = NUMBERING_AVAILABLE_QUERY_INIT;
	as_search.region_code = query->region_code;
	as_search.type = query->type;
	as_search.pattern = query->pattern;
	as_search.search_pattern = query->search_pattern;
	as_search.capabilities = query->capabilities;
	struct numbering__search s;
	if (rc == NUMBERING_OK)
		rc = numbering__search_prepare(&s, &as_search);
	if (rc == NUMBERING_OK && (query->page_size < 0 || query->page_size > NUMBERING__SEARCH_SIZE_MAX))
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "pageSize", "pageSize %d is not 1 to %d",
		                            query->page_size, NUMBERING__SEARCH_SIZE_MAX);
	if (rc == NUMBERING_OK && query->order_by != NUMBERING_ACTIVE_ORDER_PHONE_NUMBER &&
	    query->order_by != NUMBERING_ACTIVE_ORDER_DISPLAY_NAME)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "orderBy",
		                            "orderBy %d is not phoneNumber or displayName", query->order_by);
	unsigned char digest[NUMBERING__TOKEN_DIGEST_BYTES];
	struct list_cursor cursor;
	memset(&cursor, 0, sizeof(cursor));
	if (rc == NUMBERING_OK) {
		list_digest(digest, checked, query);
		if (query->page_token != NULL && query->page_token[0] != '\0') {
			int has_key = 0;
			cursor.has = 1;
			rc = numbering__token_read_keyed(&cursor.number, cursor.display, &has_key, store, query->page_token,
			                                 digest, "pageToken",
			                                 "project, regionCode, type, numberPattern, capability or orderBy");
			/* A display-name token without its name is an offset, from before names. */
			if (rc == NUMBERING_OK && has_key != (query->order_by == NUMBERING_ACTIVE_ORDER_DISPLAY_NAME))
				rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "pageToken",
				                            "page token is of an earlier version: list again from the first page");
		}
	}
	if (rc == NUMBERING_OK)
		rc = numbering_store_process_due(NULL, store);
	numbering_active_page *page = NULL;
	if (rc == NUMBERING_OK && (page = numbering__calloc(1, sizeof(*page))) == NULL)
		rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory listing active numbers");
	if (rc != NUMBERING_OK)
		return rc;
	int page_size = query->page_size == 0 ? NUMBERING__SEARCH_SIZE_DEFAULT : query->page_size;
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	rc = list_locked(page, store, checked, &s, query, &cursor, page_size, digest);
	numbering__rwlock_rdunlock(&store->lock, slot);
	if (rc != NUMBERING_OK) {
		numbering_active_page_free(page);
		return rc;
	}
	*out = page;
	return NUMBERING_OK;
}

int numbering_active_page_count(const numbering_active_page *page)
{
	return page == NULL ? 0 : page->count;
}

const numbering_active_number *numbering_active_page_item(const numbering_active_page *page, int i)
{
	return page == NULL || i < 0 || i >= page->count ? NULL : page->items[i];
}

int64_t numbering_active_page_total_size(const numbering_active_page *page)
{
	return page == NULL ? 0 : page->total;
}

const char *numbering_active_page_next_token(const numbering_active_page *page)
{
	return page == NULL ? "" : page->next_token;
}

void numbering_active_page_free(numbering_active_page *page)
{
	if (page == NULL)
		return;
	for (int i = 0; i < page->count; i++)
		numbering_active_number_free(page->items[i]);
	numbering__free_mem(page->items);
	numbering__free_mem(page);
}
