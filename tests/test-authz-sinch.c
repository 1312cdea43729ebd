/*
 * The authorization matrix of the Sinch seed's methods and the host's operations
 * (docs/SINCH.md), in the spirit of tests/test-authz.c: every method against every
 * single permission, with the built-in policy and with a host authorizer, through the
 * C API and the JSON entry point. A caller holding one permission (on projects/p1, or
 * on "*" for a host operation) succeeds at exactly the methods that need it, or gets
 * their answer past authorization (NOT_FOUND on an empty store); every other method is
 * PERMISSION_DENIED, word for word the same whether the target exists or not, with no
 * out-parameter set, nothing of the store in the body, and nothing changed. A host
 * operation needs its permission on "*": a binding on one project does not give it.
 */
#include <stdio.h>
#include <string.h>

#include <numbering/numbering.h>

#include "authz-grant.h"
#include "store-fixture.h"
#include "suites.h"
#include "top-up.h"

#define USER AUTHZ_USER
#define ADMIN AUTHZ_ADMIN
#define P1 "projects/p1"
#define URL "https://example.com/cb"
/* The populated store: +12085550100-09 imported (US LOCAL, SMS and voice); 01 rented
 * to p1 with a voice app whose task the host completed (so one callback is due); 00
 * rented with an SMS plan whose task is due; 02 .. 09 available. */
#define SCHEDULED "+12085550100"
#define ACTIVE "+12085550101"
#define AVAILABLE "+12085550105"
#define ELSEWHERE "+12085550200" /* in no store: what the import brings */
#define STORE_DIGITS "+1208555"  /* in every number of the store: never in a refusal */

enum method {
	LIST_AVAILABLE,
	GET_AVAILABLE,
	REGIONS,
	RENT,
	RENT_ANY,
	LIST_ACTIVE,
	GET_ACTIVE,
	UPDATE_ACTIVE,
	RELEASE,
	GET_CONFIG,
	UPDATE_CONFIG,
	IMPORT,
	REMOVE,
	CLAIM_TASKS,
	COMPLETE_TASK,
	CLAIM_DELIVERIES,
	REPORT_DELIVERY,
	LIST_DEAD,
	REPORT_CLAIMED,
	COMPLETE_CLAIMED,
	METHOD_COUNT
};

/* Each method's permission, whether it is a host operation (on "*"), its JSON method
 * and request (NULL: C only; "%s" takes the task the host claimed), and what a
 * permitted caller gets in the populated store and in an empty one. */
static const struct {
	const char *permission;
	int host;
	const char *json_method;
	const char *json_request;
	int code_populated, code_empty;
} methods[METHOD_COUNT] = {
	[LIST_AVAILABLE] = {"numbering.availableNumbers.list", 0, "NumberService_ListAvailableNumbers",
	                    "{\"projectId\":\"p1\",\"regionCode\":\"US\",\"type\":\"LOCAL\"}", NUMBERING_OK, NUMBERING_OK},
	[GET_AVAILABLE] = {"numbering.availableNumbers.get", 0, "NumberService_GetAvailableNumber",
	                   "{\"projectId\":\"p1\",\"phoneNumber\":\"" AVAILABLE "\"}", NUMBERING_OK, NUMBERING_NOT_FOUND},
	[REGIONS] = {"numbering.availableRegions.list", 0, "NumberService_ListAvailableRegions", "{\"projectId\":\"p1\"}",
	             NUMBERING_OK, NUMBERING_OK},
	[RENT] = {"numbering.availableNumbers.rent", 0, "NumberService_RentNumber",
	          "{\"projectId\":\"p1\",\"phoneNumber\":\"" AVAILABLE "\"}", NUMBERING_OK, NUMBERING_NOT_FOUND},
	[RENT_ANY] = {"numbering.availableNumbers.rent", 0, "NumberService_RentAnyNumber",
	              "{\"projectId\":\"p1\",\"regionCode\":\"US\",\"type\":\"LOCAL\"}", NUMBERING_OK, NUMBERING_NOT_FOUND},
	[LIST_ACTIVE] = {"numbering.activeNumbers.list", 0, "NumberService_ListActiveNumbers",
	                 "{\"projectId\":\"p1\",\"regionCode\":\"US\",\"type\":\"LOCAL\"}", NUMBERING_OK, NUMBERING_OK},
	[GET_ACTIVE] = {"numbering.activeNumbers.get", 0, "NumberService_GetActiveNumber",
	                "{\"projectId\":\"p1\",\"phoneNumber\":\"" ACTIVE "\"}", NUMBERING_OK, NUMBERING_NOT_FOUND},
	[UPDATE_ACTIVE] = {"numbering.activeNumbers.update", 0, "NumberService_UpdateActiveNumber",
	                   "{\"projectId\":\"p1\",\"phoneNumber\":\"" ACTIVE "\",\"displayName\":\"x\"}", NUMBERING_OK,
	                   NUMBERING_NOT_FOUND},
	[RELEASE] = {"numbering.activeNumbers.release", 0, "NumberService_ReleaseNumber",
	             "{\"projectId\":\"p1\",\"phoneNumber\":\"" ACTIVE "\"}", NUMBERING_OK, NUMBERING_NOT_FOUND},
	[GET_CONFIG] = {"numbering.callbackConfiguration.get", 0, "GetCallbackConfiguration", "{\"projectId\":\"p1\"}",
	                NUMBERING_OK, NUMBERING_OK},
	[UPDATE_CONFIG] = {"numbering.callbackConfiguration.update", 0, "UpdateCallbackConfiguration",
	                   "{\"projectId\":\"p1\",\"hmacSecret\":\"new-secret\"}", NUMBERING_OK, NUMBERING_OK},
	[IMPORT] = {"numbering.availableNumbers.import", 1, "ImportAvailableNumbers",
	            "{\"availableNumbers\":[{\"phoneNumber\":\"" ELSEWHERE "\",\"type\":\"LOCAL\"}]}", NUMBERING_OK,
	            NUMBERING_OK},
	[REMOVE] = {"numbering.availableNumbers.remove", 1, "RemoveAvailableNumbers",
	            "{\"phoneNumbers\":[\"" AVAILABLE "\"]}", NUMBERING_OK, NUMBERING_NOT_FOUND},
	[CLAIM_TASKS] = {"numbering.provisioningTasks.complete", 1, "ClaimProvisioningTasks", "{\"max\":10}",
	                 NUMBERING_OK, NUMBERING_OK},
	[COMPLETE_TASK] = {"numbering.provisioningTasks.complete", 1, "CompleteProvisioningTask",
	                   "{\"name\":\"%s\",\"status\":\"SUCCEEDED\"}", NUMBERING_OK, NUMBERING_NOT_FOUND},
	[CLAIM_DELIVERIES] = {"numbering.callbackDeliveries.deliver", 1, NULL, NULL, NUMBERING_OK, NUMBERING_OK},
	[REPORT_DELIVERY] = {"numbering.callbackDeliveries.deliver", 1, NULL, NULL, NUMBERING_OK, NUMBERING_NOT_FOUND},
	[LIST_DEAD] = {"numbering.callbackDeliveries.deliver", 1, NULL, NULL, NUMBERING_OK, NUMBERING_OK},
	[REPORT_CLAIMED] = {"numbering.callbackDeliveries.deliver", 1, NULL, NULL, NUMBERING_OK, NUMBERING_NOT_FOUND},
	[COMPLETE_CLAIMED] = {"numbering.provisioningTasks.complete", 1, NULL, NULL, NUMBERING_OK, NUMBERING_NOT_FOUND},
};

static const char *const method_names[METHOD_COUNT] = {
	"ListAvailableNumbers", "GetAvailableNumber", "ListAvailableRegions", "RentNumber",
	"RentAnyNumber",        "ListActiveNumbers",  "GetActiveNumber",      "UpdateActiveNumber",
	"ReleaseNumber",        "GetCallbackConfiguration", "UpdateCallbackConfiguration",
	"ImportAvailableNumbers", "RemoveAvailableNumbers", "ClaimProvisioningTasks", "CompleteProvisioningTask",
	"claim_deliveries",     "report_delivery",    "list_dead_deliveries", "report_claimed_delivery",
	"complete_claimed_provisioning_task",
};

/* ---- The two kinds of authorizer, each granting USER one permission ---- */

enum kind { POLICY, CALLBACK };

/* What USER holds (authz-grant.h). */
static struct authz_grant grant;

static numbering_policy *policy;

static numbering_store *open_store(enum kind kind)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.provisioning = NUMBERING_PROVISIONING_MANUAL;
	authz_grant_options(&options, kind == POLICY, &grant, &policy);
	numbering_store *store = NULL;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	return store;
}

static void close_store(numbering_store *store)
{
	numbering_store_close(store);
	numbering_policy_free(policy);
	policy = NULL;
}

static void admin_rent(numbering_store *store, const char *number, const char *attribute, const char *value)
{
	numbering_active_request *r = NULL;
	numbering_active_number *a = NULL;
	ck_assert_int_eq(numbering_active_request_new(&r), NUMBERING_OK);
	ck_assert_int_eq(numbering_active_request_set(r, attribute, value), NUMBERING_OK);
	ck_assert_int_eq(numbering_active_request_set(r, "callbackUrl", URL), NUMBERING_OK);
	ck_assert_msg(numbering_store_rent(&a, store, ADMIN, P1, number, r) == NUMBERING_OK, "%s",
	              numbering_error_message());
	numbering_active_number_free(a);
	numbering_active_request_free(r);
}

/* The host claims every due task and completes them. */
static void admin_complete_all(numbering_store *store)
{
	numbering_task_list *tasks = NULL;
	ck_assert_int_eq(numbering_store_claim_provisioning_tasks(&tasks, store, ADMIN, 10), NUMBERING_OK);
	for (int i = 0; i < numbering_task_list_count(tasks); i++)
		ck_assert_int_eq(numbering_store_complete_provisioning_task(
		                     store, ADMIN, numbering_task_text(numbering_task_list_item(tasks, i), "name"),
		                     NUMBERING_CALLBACK_STATUS_SUCCEEDED, NUMBERING_CALLBACK_FAILURE_NONE),
		                 NUMBERING_OK);
	numbering_task_list_free(tasks);
}

static void populate(numbering_store *store)
{
	numbering_available_number *n = NULL;
	ck_assert_int_eq(numbering_available_number_new(&n), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_numbers(n, "+12085550100-09", NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_type(n, NUMBERING_NUMBER_TYPE_LOCAL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_int(n, "capability",
	                                                    NUMBERING_CAPABILITY_SMS | NUMBERING_CAPABILITY_VOICE),
	                 NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_money(n, "monthlyPrice", "USD", 150), NUMBERING_OK);
	const numbering_available_number *items[] = {n};
	ck_assert_int_eq(numbering_store_import_available(NULL, store, ADMIN, items, 1), NUMBERING_OK);
	numbering_available_number_free(n);
	/* A rent charges the renter's account (issue 13): fund the projects that rent. */
	top_up(store, P1, "USD", 1000000);
	top_up(store, "projects/p2", "USD", 1000000);
	admin_rent(store, ACTIVE, "voiceConfiguration.appId", "app");
	admin_complete_all(store); /* the voice app is live, its callback due */
	admin_rent(store, SCHEDULED, "smsConfiguration.servicePlanId", "plan"); /* a task due */
	ck_assert_int_eq(numbering_store_update_callback_secret(store, ADMIN, P1, "old-secret"), NUMBERING_OK);
}

/* What the host claimed before the call (the task or delivery USER completes or
 * reports): the populated store's, kept for the empty store so both calls name the
 * same one. */
static char prepared[128] = "provisioningTasks/none";
/* The claim's leaseExpireTime, for COMPLETE_CLAIMED. */
static int64_t prepared_lease = 1;

static void prepare(numbering_store *store, enum method m, int populated)
{
	if ((m == COMPLETE_TASK || m == COMPLETE_CLAIMED) && populated) {
		numbering_task_list *tasks = NULL;
		ck_assert_int_eq(numbering_store_claim_provisioning_tasks(&tasks, store, ADMIN, 10), NUMBERING_OK);
		ck_assert_int_eq(numbering_task_list_count(tasks), 1);
		snprintf(prepared, sizeof(prepared), "%s", numbering_task_text(numbering_task_list_item(tasks, 0), "name"));
		prepared_lease = numbering_task_int(numbering_task_list_item(tasks, 0), "leaseExpireTime");
		numbering_task_list_free(tasks);
	} else if ((m == REPORT_DELIVERY || m == REPORT_CLAIMED) && populated) {
		numbering_delivery_list *list = NULL;
		ck_assert_int_eq(numbering_store_claim_deliveries(&list, store, ADMIN, 10), NUMBERING_OK);
		ck_assert_int_eq(numbering_delivery_list_count(list), 1);
		snprintf(prepared, sizeof(prepared), "%s", numbering_delivery_text(numbering_delivery_list_item(list, 0), "id"));
		numbering_delivery_list_free(list);
	}
}

/* ---- The store as the host sees it, to tell that a refusal changed nothing ---- */

static int available_count(numbering_store *store)
{
	numbering_available_query q = NUMBERING_AVAILABLE_QUERY_INIT;
	q.region_code = "US";
	q.type = NUMBERING_NUMBER_TYPE_LOCAL;
	q.size = 1000;
	numbering_available_list *list = NULL;
	ck_assert_int_eq(numbering_store_search_available(&list, store, ADMIN, P1, &q), NUMBERING_OK);
	int n = numbering_available_list_count(list);
	numbering_available_list_free(list);
	return n;
}

static void describe_active(char *s, size_t size, numbering_store *store, const char *number)
{
	numbering_active_number *a = NULL;
	int rc = numbering_store_get_active(&a, store, ADMIN, P1, number);
	if (rc != NUMBERING_OK) {
		snprintf(s, size, "%s", numbering_status_name(rc));
		return;
	}
	snprintf(s, size, "%s|%s|%s|%s|%d|%d", numbering_instance_display_name(numbering_active_number_instance(a)),
	         numbering_active_number_text(a, "smsConfiguration.servicePlanId"),
	         numbering_active_number_text(a, "voiceConfiguration.appId"),
	         numbering_active_number_text(a, "callbackUrl"), numbering_active_number_int(a, "expireAt") != 0,
	         (int)numbering_active_number_int(a, "smsConfiguration.scheduledProvisioning.status"));
	numbering_active_number_free(a);
}

/* Everything a method could change, as text: the inventory, the active numbers and
 * their configuration, the secret, the due tasks and deliveries, the dead ones, and
 * whether the task or delivery the host claimed for the call is still open. Claims
 * happen last: they lease what they return. */
static void snapshot(char *s, size_t size, numbering_store *store, enum method m)
{
	char scheduled[256], active[256];
	describe_active(scheduled, sizeof(scheduled), store, SCHEDULED);
	describe_active(active, sizeof(active), store, ACTIVE);
	int64_t active_count = fixture_active_total(store, ADMIN, P1, "US", NUMBERING_NUMBER_TYPE_LOCAL);
	char *secret = NULL;
	ck_assert_int_eq(numbering_store_get_callback_secret(&secret, store, ADMIN, P1), NUMBERING_OK);
	numbering_delivery_list *dead = NULL, *due = NULL;
	ck_assert_int_eq(numbering_store_list_dead_deliveries(&dead, store, ADMIN, 100), NUMBERING_OK);
	/* Still open: completing (reporting) it again answers OK, not NOT_FOUND. */
	int open = -1;
	if (m == COMPLETE_TASK || m == COMPLETE_CLAIMED)
		open = numbering_store_complete_provisioning_task(store, ADMIN, prepared, NUMBERING_CALLBACK_STATUS_FAILED,
		                                                  NUMBERING_CALLBACK_FAILURE_NONE);
	else if (m == REPORT_DELIVERY || m == REPORT_CLAIMED)
		open = numbering_store_report_delivery(store, ADMIN, prepared, 0, "again");
	numbering_task_list *tasks = NULL;
	ck_assert_int_eq(numbering_store_claim_provisioning_tasks(&tasks, store, ADMIN, 100), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_claim_deliveries(&due, store, ADMIN, 100), NUMBERING_OK);
	snprintf(s, size, "available %d, active %lld, %s: %s, %s: %s, secret \"%s\", dead %d, open %d, tasks %d, due %d",
	         available_count(store), (long long)active_count, SCHEDULED, scheduled, ACTIVE, active, secret,
	         numbering_delivery_list_count(dead), open, numbering_task_list_count(tasks),
	         numbering_delivery_list_count(due));
	numbering_free(secret);
	numbering_delivery_list_free(dead);
	numbering_delivery_list_free(due);
	numbering_task_list_free(tasks);
}

/* ---- One call, through one door ---- */

enum door { C_API, JSON, DOOR_COUNT };

struct outcome {
	int rc;
	int leaked_output; /* an out-parameter was set on failure, or a refusal's body shows the store */
	char message[1024];
	char after[1024]; /* the snapshot after the call */
};

static void call_c(struct outcome *o, numbering_store *store, enum method m)
{
	numbering_available_list *available = NULL;
	numbering_available_number *number = NULL;
	numbering_available_region_list *regions = NULL;
	numbering_active_number *active = NULL;
	numbering_active_page *page = NULL;
	numbering_task_list *tasks = NULL;
	numbering_delivery_list *deliveries = NULL;
	char *secret = NULL;
	int64_t count = -1;
	numbering_available_query aq = NUMBERING_AVAILABLE_QUERY_INIT;
	aq.region_code = "US";
	aq.type = NUMBERING_NUMBER_TYPE_LOCAL;
	numbering_active_query q = NUMBERING_ACTIVE_QUERY_INIT;
	q.region_code = "US";
	q.type = NUMBERING_NUMBER_TYPE_LOCAL;
	numbering_active_request *request = NULL;
	ck_assert_int_eq(numbering_active_request_new(&request), NUMBERING_OK);
	numbering_available_number *item = NULL;
	ck_assert_int_eq(numbering_available_number_new(&item), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_numbers(item, ELSEWHERE, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_type(item, NUMBERING_NUMBER_TYPE_LOCAL), NUMBERING_OK);
	const numbering_available_number *items[] = {item};
	const char *removed[] = {AVAILABLE};
	switch (m) {
	case LIST_AVAILABLE: o->rc = numbering_store_search_available(&available, store, USER, P1, &aq); break;
	case GET_AVAILABLE: o->rc = numbering_store_get_available(&number, store, USER, P1, AVAILABLE); break;
	case REGIONS: o->rc = numbering_store_available_regions(&regions, store, USER, P1, 0); break;
	case RENT: o->rc = numbering_store_rent(&active, store, USER, P1, AVAILABLE, NULL); break;
	case RENT_ANY: o->rc = numbering_store_rent_any(&active, store, USER, P1, &aq, NULL); break;
	case LIST_ACTIVE: o->rc = numbering_store_list_active(&page, store, USER, P1, &q); break;
	case GET_ACTIVE: o->rc = numbering_store_get_active(&active, store, USER, P1, ACTIVE); break;
	case UPDATE_ACTIVE:
		ck_assert_int_eq(numbering_active_request_set(request, "displayName", "x"), NUMBERING_OK);
		o->rc = numbering_store_update_active(&active, store, USER, P1, ACTIVE, request);
		break;
	case RELEASE: o->rc = numbering_store_release_active(&active, store, USER, P1, ACTIVE); break;
	case GET_CONFIG: o->rc = numbering_store_get_callback_secret(&secret, store, USER, P1); break;
	case UPDATE_CONFIG: o->rc = numbering_store_update_callback_secret(store, USER, P1, "new-secret"); break;
	case IMPORT: o->rc = numbering_store_import_available(&count, store, USER, items, 1); break;
	case REMOVE: o->rc = numbering_store_remove_available(&count, store, USER, removed, 1); break;
	case CLAIM_TASKS: o->rc = numbering_store_claim_provisioning_tasks(&tasks, store, USER, 10); break;
	case COMPLETE_TASK:
		o->rc = numbering_store_complete_provisioning_task(store, USER, prepared, NUMBERING_CALLBACK_STATUS_SUCCEEDED,
		                                                   NUMBERING_CALLBACK_FAILURE_NONE);
		break;
	case CLAIM_DELIVERIES: o->rc = numbering_store_claim_deliveries(&deliveries, store, USER, 10); break;
	case REPORT_DELIVERY: o->rc = numbering_store_report_delivery(store, USER, prepared, 1, NULL); break;
	case LIST_DEAD: o->rc = numbering_store_list_dead_deliveries(&deliveries, store, USER, 10); break;
	/* The claim prepare() made is the delivery's first. */
	case REPORT_CLAIMED: o->rc = numbering_store_report_claimed_delivery(store, USER, prepared, 1, 1, NULL); break;
	case COMPLETE_CLAIMED:
		o->rc = numbering_store_complete_claimed_provisioning_task(store, USER, prepared, prepared_lease,
		                                                           NUMBERING_CALLBACK_STATUS_SUCCEEDED,
		                                                           NUMBERING_CALLBACK_FAILURE_NONE);
		break;
	default: ck_abort_msg("method %d", m);
	}
	snprintf(o->message, sizeof(o->message), "%s", o->rc == NUMBERING_OK ? "" : numbering_error_message());
	if (o->rc != NUMBERING_OK && (available != NULL || number != NULL || regions != NULL || active != NULL ||
	                              page != NULL || tasks != NULL || deliveries != NULL || secret != NULL || count > 0))
		o->leaked_output = 1;
	numbering_available_list_free(available);
	numbering_available_number_free(number);
	numbering_available_region_list_free(regions);
	numbering_active_number_free(active);
	numbering_active_page_free(page);
	numbering_task_list_free(tasks);
	numbering_delivery_list_free(deliveries);
	numbering_free(secret);
	numbering_active_request_free(request);
	numbering_available_number_free(item);
}

static void call_json(struct outcome *o, numbering_store *store, enum method m)
{
	char request[512];
	snprintf(request, sizeof(request), methods[m].json_request, prepared);
	char *response = NULL;
	o->rc = numbering_store_call_json(&response, store, USER, methods[m].json_method, request);
	ck_assert_ptr_nonnull(response);
	/* The whole error body: it must not differ either, nor show a number of the store. */
	snprintf(o->message, sizeof(o->message), "%s", o->rc == NUMBERING_OK ? "" : response);
	if (o->rc == NUMBERING_PERMISSION_DENIED && strstr(response, STORE_DIGITS) != NULL)
		o->leaked_output = 1;
	numbering_free(response);
}

/* Calls method @m as USER (@call: else only the host's preparation) on a fresh store,
 * populated or empty, and notes the store afterwards. */
static void run(struct outcome *o, enum kind kind, enum door door, enum method m, int populated, int call)
{
	memset(o, 0, sizeof(*o));
	numbering_store *store = open_store(kind);
	if (populated)
		populate(store);
	prepare(store, m, populated);
	if (call && door == C_API)
		call_c(o, store, m);
	else if (call)
		call_json(o, store, m);
	snapshot(o->after, sizeof(o->after), store, m);
	close_store(store);
}

/* The store after the host's preparation alone, per method, populated or empty. */
static char baselines[METHOD_COUNT][2][1024];

static const char *baseline(enum method m, int populated)
{
	if (baselines[m][populated][0] == '\0') {
		struct authz_grant saved = grant;
		struct outcome o;
		grant.permission = NULL;
		run(&o, POLICY, C_API, m, populated, 0);
		grant = saved;
		snprintf(baselines[m][populated], sizeof(baselines[m][populated]), "%s", o.after);
	}
	return baselines[m][populated];
}

static const char *const kind_names[] = {"policy", "callback"};
static const char *const door_names[] = {"C", "JSON"};

/* @m refused to USER as the grant stands: the same answer populated and empty, nothing
 * handed back, nothing changed. */
static void check_refused(enum kind kind, enum method m, const char *holding)
{
	for (int door = 0; door < DOOR_COUNT; door++) {
		if (door == JSON && methods[m].json_method == NULL)
			continue;
		struct outcome populated, empty;
		run(&populated, kind, (enum door)door, m, 1, 1);
		run(&empty, kind, (enum door)door, m, 0, 1);
		const char *where = method_names[m];
		ck_assert_msg(populated.rc == NUMBERING_PERMISSION_DENIED && empty.rc == NUMBERING_PERMISSION_DENIED,
		              "%s %s %s holding %s: %s / %s (%s)", kind_names[kind], door_names[door], where, holding,
		              numbering_status_name(populated.rc), numbering_status_name(empty.rc), populated.message);
		ck_assert_msg(!populated.leaked_output && !empty.leaked_output, "%s %s %s holding %s: output on failure (%s)",
		              kind_names[kind], door_names[door], where, holding, populated.message);
		/* Same answer, word for word, whether the target exists or not. */
		ck_assert_msg(strcmp(populated.message, empty.message) == 0, "%s %s %s holding %s: \"%s\" vs \"%s\"",
		              kind_names[kind], door_names[door], where, holding, populated.message, empty.message);
		/* It names the permission lacking and where. */
		ck_assert_msg(strstr(populated.message, methods[m].permission) != NULL &&
		                  strstr(populated.message, methods[m].host ? " on *" : " on " P1) != NULL,
		              "%s %s %s holding %s: %s", kind_names[kind], door_names[door], where, holding,
		              populated.message);
		/* And changed nothing. */
		ck_assert_msg(strcmp(populated.after, baseline(m, 1)) == 0, "%s %s %s holding %s changed the store:\n%s\n%s",
		              kind_names[kind], door_names[door], where, holding, populated.after, baseline(m, 1));
		ck_assert_msg(strcmp(empty.after, baseline(m, 0)) == 0, "%s %s %s holding %s changed the empty store:\n%s\n%s",
		              kind_names[kind], door_names[door], where, holding, empty.after, baseline(m, 0));
	}
}

static void check_allowed(enum kind kind, enum method m, const char *holding)
{
	for (int door = 0; door < DOOR_COUNT; door++) {
		if (door == JSON && methods[m].json_method == NULL)
			continue;
		struct outcome populated, empty;
		run(&populated, kind, (enum door)door, m, 1, 1);
		run(&empty, kind, (enum door)door, m, 0, 1);
		/* Whatever the answer, a refusal changes nothing. */
		ck_assert_msg(populated.rc != NUMBERING_PERMISSION_DENIED || strcmp(populated.after, baseline(m, 1)) == 0,
		              "%s %s %s holding %s: PERMISSION_DENIED, yet the store changed:\n%s\n%s", kind_names[kind],
		              door_names[door], method_names[m], holding, populated.after, baseline(m, 1));
		ck_assert_msg(populated.rc == methods[m].code_populated && empty.rc == methods[m].code_empty,
		              "%s %s %s holding %s: %s / %s (%s%s)", kind_names[kind], door_names[door], method_names[m],
		              holding, numbering_status_name(populated.rc), numbering_status_name(empty.rc),
		              populated.message, empty.message);
		ck_assert_msg(!populated.leaked_output && !empty.leaked_output, "%s %s %s holding %s: output on failure",
		              kind_names[kind], door_names[door], method_names[m], holding);
	}
}

/* Every method, through both doors, for a caller holding permission @p (AUTHZ_PERMISSION_COUNT:
 * nothing) where a method needing it would ask: on "*" for a host permission, else p1. */
static void check_row(enum kind kind, int p)
{
	grant.permission = p < AUTHZ_PERMISSION_COUNT ? authz_permissions[p] : NULL;
	grant.project = P1;
	for (int m = 0; m < METHOD_COUNT; m++)
		if (grant.permission != NULL && strcmp(grant.permission, methods[m].permission) == 0 && methods[m].host)
			grant.project = "*";
	const char *holding = grant.permission ? grant.permission : "nothing";
	int allowed_somewhere = 0;
	for (int m = 0; m < METHOD_COUNT; m++) {
		if (grant.permission != NULL && strcmp(grant.permission, methods[m].permission) == 0) {
			check_allowed(kind, (enum method)m, holding);
			allowed_somewhere = 1;
		} else {
			check_refused(kind, (enum method)m, holding);
		}
	}
	/* Each of the seed's permissions opens some method; the instance ones and those after
	 * the seed's (billing, purchases, ...) none of these. */
	ck_assert_int_eq(allowed_somewhere, p >= AUTHZ_PERMISSION_AVAILABLE_IMPORT && p <= AUTHZ_PERMISSION_PROVISION);
}

/* _i is the permission USER holds: authz_permissions[_i], or AUTHZ_PERMISSION_COUNT for none. */
START_TEST(matrix_builtin_policy)
{
	check_row(POLICY, _i);
}
END_TEST

START_TEST(matrix_host_authorizer)
{
	check_row(CALLBACK, _i);
}
END_TEST

/* A host operation needs its permission on "*": holding it on p1 (or p2) is refused as
 * holding nothing. _i: the kind. */
START_TEST(host_operations_need_star)
{
	static const char *const projects[] = {P1, "projects/p2"};
	int host_methods = 0;
	for (int m = 0; m < METHOD_COUNT; m++) {
		if (!methods[m].host)
			continue;
		host_methods++;
		for (size_t p = 0; p < 2; p++) {
			grant.permission = methods[m].permission;
			grant.project = projects[p];
			char holding[128];
			snprintf(holding, sizeof(holding), "%s on %s", grant.permission, grant.project);
			check_refused((enum kind)_i, (enum method)m, holding);
		}
	}
	ck_assert_int_eq(host_methods, 9);
}
END_TEST

/* A project's method needs its permission on that project: holding it on p2 is refused
 * for p1; on "*" it is granted everywhere. _i: the kind. */
START_TEST(project_methods_need_their_project)
{
	for (int m = 0; m < METHOD_COUNT; m++) {
		if (methods[m].host)
			continue;
		grant.permission = methods[m].permission;
		grant.project = "projects/p2";
		char holding[128];
		snprintf(holding, sizeof(holding), "%s on projects/p2", grant.permission);
		check_refused((enum kind)_i, (enum method)m, holding);
		grant.project = "*";
		snprintf(holding, sizeof(holding), "%s on *", grant.permission);
		check_allowed((enum kind)_i, (enum method)m, holding);
	}
}
END_TEST

/* A refused rent leaves the number available to the next caller and to a search, and
 * hands back nothing; a permitted rent after it takes exactly that number. */
START_TEST(refused_rent_leaves_the_number)
{
	grant.permission = "numbering.availableNumbers.rent";
	grant.project = "projects/p2";
	numbering_store *store = open_store((enum kind)_i);
	populate(store);
	int before = available_count(store);
	numbering_active_number *a = NULL;
	ck_assert_int_eq(numbering_store_rent(&a, store, USER, P1, AVAILABLE, NULL), NUMBERING_PERMISSION_DENIED);
	ck_assert_ptr_null(a);
	numbering_available_query q = NUMBERING_AVAILABLE_QUERY_INIT;
	q.region_code = "US";
	q.type = NUMBERING_NUMBER_TYPE_LOCAL;
	ck_assert_int_eq(numbering_store_rent_any(&a, store, USER, P1, &q, NULL), NUMBERING_PERMISSION_DENIED);
	ck_assert_ptr_null(a);
	ck_assert_int_eq(available_count(store), before);
	numbering_available_number *n = NULL;
	ck_assert_int_eq(numbering_store_get_available(&n, store, ADMIN, P1, AVAILABLE), NUMBERING_OK);
	numbering_available_number_free(n);
	ck_assert_int_eq(numbering_store_get_active(&a, store, ADMIN, P1, AVAILABLE), NUMBERING_NOT_FOUND);
	ck_assert_ptr_null(a);
	/* In p2, where USER holds it, the same number rents. */
	ck_assert_int_eq(numbering_store_rent(&a, store, USER, "projects/p2", AVAILABLE, NULL), NUMBERING_OK);
	ck_assert_str_eq(numbering_instance_phone_number(numbering_active_number_instance(a)), AVAILABLE);
	numbering_active_number_free(a);
	ck_assert_int_eq(available_count(store), before - 1);
	close_store(store);
}
END_TEST

Suite *authz_sinch_suite(void)
{
	Suite *s = suite_create("authz_sinch");
	TCase *tc = tcase_create("authz_sinch");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, matrix_builtin_policy, 0, AUTHZ_PERMISSION_COUNT + 1);
	tcase_add_loop_test(tc, matrix_host_authorizer, 0, AUTHZ_PERMISSION_COUNT + 1);
	tcase_add_loop_test(tc, host_operations_need_star, POLICY, CALLBACK + 1);
	tcase_add_loop_test(tc, project_methods_need_their_project, POLICY, CALLBACK + 1);
	tcase_add_loop_test(tc, refused_rent_leaves_the_number, POLICY, CALLBACK + 1);
	suite_add_tcase(s, tc);
	return s;
}
