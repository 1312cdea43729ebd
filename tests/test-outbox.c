/* The outbox: callbacks queued with their change, claimed, signed, retried, dead (numbering/outbox.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <numbering/sys/file.h>

#include <numbering/sys/backend.h>
#include <numbering/sys/record.h>

#include "model/kinds.h"
#include "record-damage.h"
#include "store-fixture.h"
#include "suites.h"
#include "temp-dir.h"

#define NS INT64_C(1000000000)
#define URL "https://www.your-callback-server.com/callback"

static void import_one(numbering_store *store, const char *text)
{
	numbering_available_number *n = NULL;
	ck_assert_int_eq(numbering_available_number_new(&n), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_numbers(n, text, NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_type(n, NUMBERING_NUMBER_TYPE_LOCAL), NUMBERING_OK);
	ck_assert_int_eq(numbering_available_number_set_int(n, "capability",
	                                                    NUMBERING_CAPABILITY_SMS | NUMBERING_CAPABILITY_VOICE),
	                 NUMBERING_OK);
	const numbering_available_number *items[] = {n};
	ck_assert_int_eq(numbering_store_import_available(NULL, store, NULL, items, 1), NUMBERING_OK);
	numbering_available_number_free(n);
}

static int rent_with(numbering_store *store, const char *number, const char *const *pairs)
{
	numbering_active_request *r = NULL;
	ck_assert_int_eq(numbering_active_request_new(&r), NUMBERING_OK);
	for (int i = 0; pairs[i] != NULL; i += 2)
		ck_assert_int_eq(numbering_active_request_set(r, pairs[i], pairs[i + 1]), NUMBERING_OK);
	numbering_active_number *a = NULL;
	int rc = numbering_store_rent(&a, store, NULL, "projects/p1", number, r);
	numbering_active_number_free(a);
	numbering_active_request_free(r);
	return rc;
}

static numbering_delivery_list *claim(int max)
{
	numbering_delivery_list *list = NULL;
	ck_assert_int_eq(numbering_store_claim_deliveries(&list, fx.store, NULL, max), NUMBERING_OK);
	return list;
}

START_TEST(rent_queues_a_signed_callback)
{
	import_one(fx.store, "+12085550100");
	ck_assert_int_eq(numbering_store_update_callback_secret(fx.store, NULL, "projects/p1", "YOUR_hmac_secret"),
	                 NUMBERING_OK);
	ck_assert_int_eq(rent_with(fx.store, "+12085550100",
	                           (const char *[]){"smsConfiguration.servicePlanId", "plan", "callbackUrl", URL, NULL}),
	                 NUMBERING_OK);
	numbering_delivery_list *list = claim(10);
	ck_assert_int_eq(numbering_delivery_list_count(list), 1);
	const numbering_delivery *d = numbering_delivery_list_item(list, 0);
	ck_assert_str_eq(numbering_delivery_text(d, "url"), URL);
	ck_assert_str_eq(numbering_delivery_text(d, "projectId"), "p1");
	ck_assert_int_eq(numbering_delivery_int(d, "attempts"), 1);
	const char *body = numbering_delivery_text(d, "body");
	ck_assert_ptr_nonnull(strstr(body, "\"eventType\":\"PROVISIONING_TO_SMS_PLATFORM\""));
	ck_assert_ptr_nonnull(strstr(body, "\"resourceId\":\"+12085550100\""));
	ck_assert_ptr_nonnull(strstr(body, "\"status\":\"SUCCEEDED\""));
	ck_assert_ptr_nonnull(strstr(body, numbering_delivery_text(d, "id")));
	const char *secret = "YOUR_hmac_secret";
	ck_assert_int_eq(numbering_callback_verify(secret, strlen(secret), body, strlen(body),
	                                           numbering_delivery_text(d, "signature")),
	                 NUMBERING_OK);
	char id[64];
	snprintf(id, sizeof(id), "%s", numbering_delivery_text(d, "id"));
	numbering_delivery_list_free(list);
	/* Leased: not claimed again while its claimant works on it. */
	list = claim(10);
	ck_assert_int_eq(numbering_delivery_list_count(list), 0);
	numbering_delivery_list_free(list);
	ck_assert_int_eq(numbering_store_report_delivery(fx.store, NULL, id, 1, NULL), NUMBERING_OK);
	fixture_expect_error(numbering_store_report_delivery(fx.store, NULL, id, 1, NULL), NUMBERING_NOT_FOUND,
	                     "no pending delivery");
	fx.now += 3600 * NS;
	list = claim(10);
	ck_assert_int_eq(numbering_delivery_list_count(list), 0);
	numbering_delivery_list_free(list);
}
END_TEST

START_TEST(nothing_queued_without_url_or_commit)
{
	import_one(fx.store, "+12085550100");
	import_one(fx.store, "+12085550101");
	ck_assert_int_eq(rent_with(fx.store, "+12085550100", (const char *[]){"smsConfiguration.servicePlanId", "p", NULL}),
	                 NUMBERING_OK);
	/* A rent refused (a campaign without a plan) queues nothing either. */
	ck_assert_int_eq(rent_with(fx.store, "+12085550101",
	                           (const char *[]){"smsConfiguration.campaignId", "c", "callbackUrl", URL, NULL}),
	                 NUMBERING_INVALID_ARGUMENT);
	numbering_delivery_list *list = claim(10);
	ck_assert_int_eq(numbering_delivery_list_count(list), 0);
	numbering_delivery_list_free(list);
}
END_TEST

START_TEST(unlinking_reports_both_links)
{
	import_one(fx.store, "+12085550100");
	ck_assert_int_eq(rent_with(fx.store, "+12085550100",
	                           (const char *[]){"smsConfiguration.servicePlanId", "plan", "smsConfiguration.campaignId",
	                                            "camp", "voiceConfiguration.appId", "app", "callbackUrl", URL, NULL}),
	                 NUMBERING_OK);
	numbering_delivery_list *list = claim(10);
	ck_assert_int_eq(numbering_delivery_list_count(list), 3);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(numbering_store_report_delivery(fx.store, NULL,
		                                                 numbering_delivery_text(numbering_delivery_list_item(list, i), "id"),
		                                                 1, NULL),
		                 NUMBERING_OK);
	numbering_delivery_list_free(list);
	numbering_active_request *r = NULL;
	ck_assert_int_eq(numbering_active_request_new(&r), NUMBERING_OK);
	ck_assert_int_eq(numbering_active_request_set(r, "smsConfiguration.servicePlanId", ""), NUMBERING_OK);
	ck_assert_int_eq(numbering_active_request_set(r, "voiceConfiguration.appId", ""), NUMBERING_OK);
	numbering_active_number *a = NULL;
	ck_assert_int_eq(numbering_store_update_active(&a, fx.store, NULL, "projects/p1", "+12085550100", r), NUMBERING_OK);
	ck_assert_str_eq(numbering_active_number_text(a, "smsConfiguration.campaignId"), "");
	numbering_active_number_free(a);
	numbering_active_request_free(r);
	list = claim(10);
	ck_assert_int_eq(numbering_delivery_list_count(list), 3);
	int seen = 0;
	const char *want[] = {"DEPROVISIONING_FROM_SMS_PLATFORM", "DEPROVISIONING_FROM_CAMPAIGN",
	                      "DEPROVISIONING_TO_VOICE_PLATFORM"};
	for (int i = 0; i < 3; i++)
		for (int w = 0; w < 3; w++)
			if (strstr(numbering_delivery_text(numbering_delivery_list_item(list, i), "body"), want[w]))
				seen |= 1 << w;
	ck_assert_int_eq(seen, 7);
	/* Unsigned: the project has no secret. */
	ck_assert_str_eq(numbering_delivery_text(numbering_delivery_list_item(list, 0), "signature"), "");
	numbering_delivery_list_free(list);
}
END_TEST

START_TEST(failures_back_off_then_die)
{
	import_one(fx.store, "+12085550100");
	ck_assert_int_eq(rent_with(fx.store, "+12085550100",
	                           (const char *[]){"voiceConfiguration.appId", "app", "callbackUrl", URL, NULL}),
	                 NUMBERING_OK);
	char id[64] = "";
	int64_t wait = 30 * NS;
	for (int attempt = 1; attempt <= NUMBERING_DELIVERY_ATTEMPTS_MAX; attempt++) {
		numbering_delivery_list *list = claim(10);
		ck_assert_int_eq(numbering_delivery_list_count(list), 1);
		const numbering_delivery *d = numbering_delivery_list_item(list, 0);
		ck_assert_int_eq(numbering_delivery_int(d, "attempts"), attempt);
		snprintf(id, sizeof(id), "%s", numbering_delivery_text(d, "id"));
		numbering_delivery_list_free(list);
		ck_assert_int_eq(numbering_store_report_delivery(fx.store, NULL, id, 0, "HTTP 500\nfrom the receiver"),
		                 NUMBERING_OK);
		if (attempt == NUMBERING_DELIVERY_ATTEMPTS_MAX)
			break;
		/* Not due before its backoff (30 s, doubling, at most 6 h). */
		list = claim(10);
		ck_assert_int_eq(numbering_delivery_list_count(list), 0);
		numbering_delivery_list_free(list);
		fx.now += wait;
		wait = wait * 2 < 6 * 3600 * NS ? wait * 2 : 6 * 3600 * NS;
	}
	fx.now += 30 * 24 * 3600 * NS;
	numbering_delivery_list *list = claim(10);
	ck_assert_int_eq(numbering_delivery_list_count(list), 0);
	numbering_delivery_list_free(list);
	ck_assert_int_eq(numbering_store_list_dead_deliveries(&list, fx.store, NULL, 10), NUMBERING_OK);
	ck_assert_int_eq(numbering_delivery_list_count(list), 1);
	const numbering_delivery *d = numbering_delivery_list_item(list, 0);
	ck_assert_str_eq(numbering_delivery_text(d, "id"), id);
	ck_assert_str_eq(numbering_delivery_text(d, "lastError"), "HTTP 500 from the receiver");
	ck_assert_int_eq(numbering_delivery_int(d, "nextAttemptTime"), 0);
	numbering_delivery_list_free(list);
	ck_assert_int_eq(numbering_store_report_delivery(fx.store, NULL, id, 1, NULL), NUMBERING_NOT_FOUND);
}
END_TEST

START_TEST(secrets_and_permissions)
{
	char *secret = NULL;
	ck_assert_int_eq(numbering_store_get_callback_secret(&secret, fx.store, NULL, "projects/p1"), NUMBERING_OK);
	ck_assert_str_eq(secret, "");
	numbering_free(secret);
	ck_assert_int_eq(numbering_store_update_callback_secret(fx.store, NULL, "projects/p1", "s3cret"), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_get_callback_secret(&secret, fx.store, NULL, "projects/p1"), NUMBERING_OK);
	ck_assert_str_eq(secret, "s3cret");
	numbering_free(secret);
	ck_assert_int_eq(numbering_store_get_callback_secret(&secret, fx.store, NULL, "projects/p2"), NUMBERING_OK);
	ck_assert_str_eq(secret, "");
	numbering_free(secret);
	fixture_expect_error(numbering_store_update_callback_secret(fx.store, NULL, "projects/p1", "a\tb"),
	                     NUMBERING_INVALID_ARGUMENT, "hmacSecret");
	ck_assert_int_eq(numbering_store_update_callback_secret(fx.store, NULL, "projects/p1", ""), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_get_callback_secret(&secret, fx.store, NULL, "projects/p1"), NUMBERING_OK);
	ck_assert_str_eq(secret, "");
	numbering_free(secret);
	fx.deny_permission = "numbering.callbackConfiguration.get";
	ck_assert_int_eq(numbering_store_get_callback_secret(&secret, fx.store, "user:eve", "projects/p1"),
	                 NUMBERING_PERMISSION_DENIED);
	ck_assert_ptr_null(secret);
	fx.deny_permission = "numbering.callbackDeliveries.deliver";
	numbering_delivery_list *list = NULL;
	ck_assert_int_eq(numbering_store_claim_deliveries(&list, fx.store, "user:eve", 1), NUMBERING_PERMISSION_DENIED);
	fx.deny_permission = NULL;
	ck_assert_int_eq(numbering_store_claim_deliveries(&list, fx.store, NULL, 0), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_store_claim_deliveries(&list, fx.store, NULL, 1001), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_store_report_delivery(fx.store, NULL, "", 1, NULL), NUMBERING_INVALID_ARGUMENT);
}
END_TEST

START_TEST(file_backend_keeps_the_outbox)
{
	char path[TEMP_PATH_MAX];
	fixture_temp_store_path(path, sizeof(path), "outbox");
	for (int round = 0; round < 2; round++) {
		numbering_store *store = fixture_open_file(path);
		if (round == 0) {
			import_one(store, "+12085550100");
			ck_assert_int_eq(numbering_store_update_callback_secret(store, NULL, "projects/p1", "k"), NUMBERING_OK);
			ck_assert_int_eq(rent_with(store, "+12085550100",
			                           (const char *[]){"voiceConfiguration.appId", "a", "callbackUrl", URL, NULL}),
			                 NUMBERING_OK);
		} else {
			numbering_delivery_list *list = NULL;
			ck_assert_int_eq(numbering_store_claim_deliveries(&list, store, NULL, 5), NUMBERING_OK);
			ck_assert_int_eq(numbering_delivery_list_count(list), 1);
			const numbering_delivery *d = numbering_delivery_list_item(list, 0);
			const char *body = numbering_delivery_text(d, "body");
			ck_assert_int_eq(numbering_callback_verify("k", 1, body, strlen(body), numbering_delivery_text(d, "signature")),
			                 NUMBERING_OK);
			numbering_delivery_list_free(list);
		}
		numbering_store_close(store);
	}
	unlink(path);
}
END_TEST

/* A delivery claimed and never reported (the deliverer died mid-POST) comes back when its
 * lease ends; after NUMBERING_DELIVERY_ATTEMPTS_MAX such claims it must be dead, not
 * claimed for ever. Today attempts grow without bound, and the claim that would store
 * attempts 1001 writes a value the decoder refuses (limit 1000): every later claim is
 * DATA_LOSS for the whole outbox. */
START_TEST(unreported_claims_end_dead)
{
	import_one(fx.store, "+12085550100");
	ck_assert_int_eq(rent_with(fx.store, "+12085550100",
	                           (const char *[]){"voiceConfiguration.appId", "app", "callbackUrl", URL, NULL}),
	                 NUMBERING_OK);
	for (int i = 0; i < 1100; i++) {
		numbering_delivery_list *list = claim(10);
		int count = numbering_delivery_list_count(list);
		if (count == 1)
			ck_assert_int_le(numbering_delivery_int(numbering_delivery_list_item(list, 0), "attempts"),
			                 NUMBERING_DELIVERY_ATTEMPTS_MAX);
		numbering_delivery_list_free(list);
		if (count == 0)
			break;
		fx.now += (NUMBERING_DELIVERY_LEASE_SECONDS + 1) * NS;
	}
	numbering_delivery_list *list = NULL;
	ck_assert_int_eq(numbering_store_list_dead_deliveries(&list, fx.store, NULL, 10), NUMBERING_OK);
	ck_assert_int_eq(numbering_delivery_list_count(list), 1);
	numbering_delivery_list_free(list);
}
END_TEST

/* "truncated to 1024 bytes": a long UTF-8 error cut inside a character is dropped whole
 * for "the delivery failed"; the cut should back up to a character boundary. */
START_TEST(long_utf8_error_is_truncated_not_dropped)
{
	import_one(fx.store, "+12085550100");
	ck_assert_int_eq(rent_with(fx.store, "+12085550100",
	                           (const char *[]){"voiceConfiguration.appId", "app", "callbackUrl", URL, NULL}),
	                 NUMBERING_OK);
	char error[1300] = "x";
	for (int i = 0; i < 600; i++)
		strcat(error, "\xc3\xa9"); /* é: the 1024-byte cut falls inside one */
	numbering_delivery_list *list = claim(10);
	ck_assert_int_eq(numbering_delivery_list_count(list), 1);
	char id[64];
	snprintf(id, sizeof(id), "%s", numbering_delivery_text(numbering_delivery_list_item(list, 0), "id"));
	numbering_delivery_list_free(list);
	ck_assert_int_eq(numbering_store_report_delivery(fx.store, NULL, id, 0, error), NUMBERING_OK);
	fx.now += 60 * NS;
	list = claim(10);
	ck_assert_int_eq(numbering_delivery_list_count(list), 1);
	const char *kept = numbering_delivery_text(numbering_delivery_list_item(list, 0), "lastError");
	ck_assert_uint_eq(strlen(kept), 1023); /* "x" and 511 whole characters */
	ck_assert_int_eq(strncmp(kept, error, 1023), 0);
	numbering_delivery_list_free(list);
}
END_TEST
/* Every record of the Sinch kinds (4 .. 8) a store writes, its body cut at every length
 * and each of its bits flipped: the kind's check reads it as whole or damaged
 * (NUMBERING_DATA_LOSS), never past the bytes it has (the body is copied into a buffer
 * of exactly its size, so ASan sees an overread) and never as anything else. */
START_TEST(damaged_bodies_of_every_sinch_kind)
{
	numbering_backend *backend = NULL;
	ck_assert_int_eq(numbering_memory_backend_new(&backend), NUMBERING_OK);
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.backend = backend;
	options.provisioning = NUMBERING_PROVISIONING_MANUAL;
	numbering_store *store = NULL;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	import_one(store, "+12085550100");
	import_one(store, "+12085550200-99");
	ck_assert_int_eq(numbering_store_update_callback_secret(store, NULL, "projects/p1", "k"), NUMBERING_OK);
	ck_assert_int_eq(rent_with(store, "+12085550100",
	                           (const char *[]){"smsConfiguration.servicePlanId", "plan", "voiceConfiguration.appId",
	                                            "app", "callbackUrl", URL, NULL}),
	                 NUMBERING_OK);
	numbering_task_list *tasks = NULL;
	ck_assert_int_eq(numbering_store_claim_provisioning_tasks(&tasks, store, NULL, 10), NUMBERING_OK);
	ck_assert_int_eq(numbering_store_complete_provisioning_task(
	                     store, NULL, numbering_task_text(numbering_task_list_item(tasks, 0), "name"), 1, 0),
	                 NUMBERING_OK);
	numbering_task_list_free(tasks);
	struct record_damage d = {0, 0};
	for (int kind = NUMBERING__KIND_AVAILABLE; kind <= NUMBERING__KIND_TASK; kind++) {
		numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
		q.kind = kind;
		q.order = NUMBERING_RECORD_ORDER_ASCENDING;
		const char *parents[] = {"", "projects/p1", "US/LOCAL"};
		for (size_t p = 0; p < 3; p++) {
			q.parent = parents[p];
			ck_assert_int_eq(backend->list(backend, &q, record_damage_visit, &d), NUMBERING_OK);
		}
	}
	/* The block left in stock, the active number, the completed task's delivery, the
	 * configuration and the task still open. */
	ck_assert_int_eq(d.records, 5);
	ck_assert_int_gt(d.cases, 1000);
	numbering_store_close(store);
}
END_TEST

/* The log records of a store, for the damage the outbox passes over. */
struct logged {
	int damage;
	char operation[64];
	char detail[512];
};

static void log_hook(int level, const char *message, const numbering_log_field *fields, int field_count,
                     void *payload)
{
	struct logged *l = payload;
	if (level != NUMBERING_LOG_ERROR || strcmp(message, "damaged data found") != 0)
		return;
	l->damage++;
	for (int i = 0; i < field_count; i++) {
		if (strcmp(fields[i].key, "operation") == 0)
			snprintf(l->operation, sizeof(l->operation), "%s", fields[i].value);
		else if (strcmp(fields[i].key, "detail") == 0)
			snprintf(l->detail, sizeof(l->detail), "%s", fields[i].value);
	}
}

/* A deep copy of a record, its strings and body in the struct. */
struct record_copy {
	numbering_record r;
	char name[128], parent[128], key0[128];
	char body[8192];
};

static int copy_visit(const numbering_record *record, void *payload)
{
	struct record_copy *c = payload;
	ck_assert_uint_lt(record->body_len, sizeof(c->body));
	c->r = *record;
	snprintf(c->name, sizeof(c->name), "%s", record->name);
	snprintf(c->parent, sizeof(c->parent), "%s", record->parent ? record->parent : "");
	c->r.name = c->name;
	c->r.parent = c->parent;
	for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS; i++)
		c->r.keys[i] = NULL;
	if (record->keys[0] != NULL) {
		snprintf(c->key0, sizeof(c->key0), "%s", record->keys[0]);
		c->r.keys[0] = c->key0;
	}
	memcpy(c->body, record->body, record->body_len);
	c->r.body = c->body;
	return 0; /* the query's limit is 1 */
}

/* Puts over the first due record of @kind a copy whose body is cut to half; its name
 * into @name. */
static void damage_first_due(numbering_backend *b, int kind, char name[128])
{
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = kind;
	q.order = NUMBERING_RECORD_ORDER_EXPIRY;
	q.limit = 1;
	struct record_copy *c = calloc(1, sizeof(*c));
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(b->list(b, &q, copy_visit, c), NUMBERING_OK);
	ck_assert_ptr_nonnull(c->r.name);
	snprintf(name, 128, "%s", c->name);
	c->r.body_len /= 2;
	ck_assert_int_eq(b->begin(b), NUMBERING_OK);
	ck_assert_int_eq(b->put(b, &c->r), NUMBERING_OK);
	ck_assert_int_eq(b->commit(b), NUMBERING_OK);
	free(c);
}

/* One damaged delivery was DATA_LOSS for every claim: nothing behind it was ever
 * delivered. It is passed over (logged as damage, naming it) and the rest are claimed;
 * the same for a provisioning task. */
START_TEST(damaged_delivery_does_not_stall_the_outbox)
{
	numbering_backend *backend = NULL;
	ck_assert_int_eq(numbering_memory_backend_new(&backend), NUMBERING_OK);
	struct logged logged;
	memset(&logged, 0, sizeof(logged));
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.backend = backend;
	options.provisioning = NUMBERING_PROVISIONING_MANUAL;
	options.log = log_hook;
	options.log_payload = &logged;
	options.log_level = NUMBERING_LOG_ERROR;
	numbering_store *store = NULL;
	ck_assert_int_eq(numbering_store_open(&store, &options), NUMBERING_OK);
	import_one(store, "+12085550100-09");
	const char *numbers[] = {"+12085550100", "+12085550101", "+12085550102"};
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(rent_with(store, numbers[i],
		                           (const char *[]){"voiceConfiguration.appId", "app", "callbackUrl", URL, NULL}),
		                 NUMBERING_OK);
	/* The tasks: the first damaged, the other two claimed and completed (a callback each). */
	char name[128];
	damage_first_due(backend, NUMBERING__KIND_TASK, name);
	numbering_task_list *tasks = NULL;
	ck_assert_int_eq(numbering_store_claim_provisioning_tasks(&tasks, store, NULL, 10), NUMBERING_OK);
	ck_assert_int_eq(numbering_task_list_count(tasks), 2);
	ck_assert_int_ge(logged.damage, 1);
	ck_assert_str_eq(logged.operation, "numbering_store_claim_provisioning_tasks");
	ck_assert_ptr_nonnull(strstr(logged.detail, name));
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(numbering_store_complete_provisioning_task(
		                     store, NULL, numbering_task_text(numbering_task_list_item(tasks, i), "name"),
		                     NUMBERING_CALLBACK_STATUS_SUCCEEDED, 0),
		                 NUMBERING_OK);
	numbering_task_list_free(tasks);
	/* The deliveries: the first damaged, the other claimed. */
	damage_first_due(backend, NUMBERING__KIND_DELIVERY, name);
	memset(&logged, 0, sizeof(logged));
	numbering_delivery_list *list = NULL;
	ck_assert_int_eq(numbering_store_claim_deliveries(&list, store, NULL, 1), NUMBERING_OK);
	ck_assert_int_eq(numbering_delivery_list_count(list), 1);
	ck_assert_ptr_null(strstr(name, numbering_delivery_text(numbering_delivery_list_item(list, 0), "id")));
	numbering_delivery_list_free(list);
	ck_assert_int_eq(logged.damage, 1);
	ck_assert_str_eq(logged.operation, "numbering_store_claim_deliveries");
	ck_assert_ptr_nonnull(strstr(logged.detail, name));
	ck_assert_ptr_nonnull(strstr(logged.detail, "damaged"));
	/* The damaged one stays as it is, for an operator (numberctl fsck names it too). */
	ck_assert_int_eq(numbering_store_claim_deliveries(&list, store, NULL, 10), NUMBERING_OK);
	ck_assert_int_eq(numbering_delivery_list_count(list), 0);
	numbering_delivery_list_free(list);
	ck_assert_int_eq(logged.damage, 2);
	numbering_store_close(store);
}
END_TEST

/* A delivery claimed as often as it may be is set dead by the claim that finds it due
 * again: that claim fills its room with the next due one (it answered none here, with
 * one due). */
START_TEST(claim_fills_up_past_dead_deliveries)
{
	import_one(fx.store, "+12085550100");
	import_one(fx.store, "+12085550101");
	ck_assert_int_eq(rent_with(fx.store, "+12085550100",
	                           (const char *[]){"voiceConfiguration.appId", "app", "callbackUrl", URL, NULL}),
	                 NUMBERING_OK);
	for (int i = 0; i < NUMBERING_DELIVERY_ATTEMPTS_MAX; i++) {
		numbering_delivery_list *list = claim(1);
		ck_assert_int_eq(numbering_delivery_list_count(list), 1);
		numbering_delivery_list_free(list);
		fx.now += (NUMBERING_DELIVERY_LEASE_SECONDS + 1) * NS;
	}
	/* Due after the first one's last lease ended. */
	ck_assert_int_eq(rent_with(fx.store, "+12085550101",
	                           (const char *[]){"voiceConfiguration.appId", "app", "callbackUrl", URL, NULL}),
	                 NUMBERING_OK);
	numbering_delivery_list *list = claim(1);
	ck_assert_int_eq(numbering_delivery_list_count(list), 1);
	ck_assert_ptr_nonnull(strstr(numbering_delivery_text(numbering_delivery_list_item(list, 0), "body"), "+12085550101"));
	numbering_delivery_list_free(list);
	ck_assert_int_eq(numbering_store_list_dead_deliveries(&list, fx.store, NULL, 10), NUMBERING_OK);
	ck_assert_int_eq(numbering_delivery_list_count(list), 1);
	numbering_delivery_list_free(list);
}
END_TEST

/* A deliverer whose lease ran out reported on the claim another deliverer had made
 * since: its failure put the delivery on backoff under the new claimant. Reported with
 * its attempt, it is refused and changes nothing. */
START_TEST(stale_claim_cannot_report)
{
	import_one(fx.store, "+12085550100");
	ck_assert_int_eq(rent_with(fx.store, "+12085550100",
	                           (const char *[]){"voiceConfiguration.appId", "app", "callbackUrl", URL, NULL}),
	                 NUMBERING_OK);
	numbering_delivery_list *list = claim(10);
	char id[64];
	snprintf(id, sizeof(id), "%s", numbering_delivery_text(numbering_delivery_list_item(list, 0), "id"));
	int64_t first = numbering_delivery_int(numbering_delivery_list_item(list, 0), "attempts");
	numbering_delivery_list_free(list);
	fx.now += (NUMBERING_DELIVERY_LEASE_SECONDS + 1) * NS;
	list = claim(10); /* another deliverer's claim */
	int64_t second = numbering_delivery_int(numbering_delivery_list_item(list, 0), "attempts");
	numbering_delivery_list_free(list);
	ck_assert_int_eq(second, first + 1);
	fixture_expect_error(numbering_store_report_claimed_delivery(fx.store, NULL, id, first, 0, "HTTP 500"),
	                     NUMBERING_FAILED_PRECONDITION, "claimed again since attempt 1");
	ck_assert_str_eq(numbering_error_violation_field(0), "attempt");
	/* Nothing changed: still leased to the second claim, no error kept. */
	list = claim(10);
	ck_assert_int_eq(numbering_delivery_list_count(list), 0);
	numbering_delivery_list_free(list);
	fixture_expect_error(numbering_store_report_claimed_delivery(fx.store, NULL, id, 0, 1, NULL),
	                     NUMBERING_INVALID_ARGUMENT, "attempt 0");
	fixture_expect_error(numbering_store_report_claimed_delivery(fx.store, NULL, id, 11, 1, NULL),
	                     NUMBERING_INVALID_ARGUMENT, "attempt 11");
	ck_assert_int_eq(numbering_store_report_claimed_delivery(fx.store, NULL, id, second, 0, "HTTP 503"), NUMBERING_OK);
	fx.now += 3600 * NS;
	list = claim(10);
	ck_assert_int_eq(numbering_delivery_list_count(list), 1);
	ck_assert_str_eq(numbering_delivery_text(numbering_delivery_list_item(list, 0), "lastError"), "HTTP 503");
	int64_t third = numbering_delivery_int(numbering_delivery_list_item(list, 0), "attempts");
	numbering_delivery_list_free(list);
	ck_assert_int_eq(numbering_store_report_claimed_delivery(fx.store, NULL, id, third, 1, NULL), NUMBERING_OK);
	fixture_expect_error(numbering_store_report_claimed_delivery(fx.store, NULL, id, third, 1, NULL),
	                     NUMBERING_NOT_FOUND, "no pending delivery");
}
END_TEST

Suite *outbox_suite(void)
{
	Suite *s = suite_create("outbox");
	TCase *tc = tcase_create("outbox");
	tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
	tcase_add_test(tc, rent_queues_a_signed_callback);
	tcase_add_test(tc, nothing_queued_without_url_or_commit);
	tcase_add_test(tc, unlinking_reports_both_links);
	tcase_add_test(tc, failures_back_off_then_die);
	tcase_add_test(tc, secrets_and_permissions);
	tcase_add_test(tc, file_backend_keeps_the_outbox);
	tcase_add_test(tc, unreported_claims_end_dead);
	tcase_add_test(tc, long_utf8_error_is_truncated_not_dropped);
	tcase_add_test(tc, damaged_bodies_of_every_sinch_kind);
	tcase_add_test(tc, damaged_delivery_does_not_stall_the_outbox);
	tcase_add_test(tc, claim_fills_up_past_dead_deliveries);
	tcase_add_test(tc, stale_claim_cannot_report);
	suite_add_tcase(s, tc);
	return s;
}
