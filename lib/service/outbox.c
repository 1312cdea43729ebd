/*
 * The outbox (numbering/outbox.h): callbacks queued in the transaction of the change
 * they report, claimed and reported by the host, retried with backoff, kept when dead;
 * and each project's callback secret.
 *
 * Records:
 *   DELIVERY          name "callbackDeliveries/{eventId}", parent "", sort key its
 *                     create time (unique: a store time), expires when it is next due
 *                     (0 once dead), key 0 "dead" once dead; the attributes of
 *                     model/outbox-fields.h
 *   CALLBACK_CONFIG   name "{project}/callbackConfiguration", parent the project;
 *                     the secret
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/random.h"
#include "model/fields.h"
#include "model/kinds.h"
#include "model/outbox-fields.h"
#include "model/validate.h"
#include "numbering/callback.h"
#include "numbering/outbox.h"
#include "numbering/phone.h"
#include "service/backend-call.h"
#include "service/commit-or-rollback.h"
#include "service/outbox.h"
#include "service/queue.h"
#include "service/phone.h"
#include "service/service.h"

#define NS INT64_C(1000000000)
#define BACKOFF_FIRST (30 * NS)
#define BACKOFF_MAX (6 * 3600 * NS)
#define LIST_MAX 1000
/* The attempt of a report that names no claim (numbering_store_report_delivery()). */
#define ANY_CLAIM (-1)
#define ID_SIZE 27
#define DELIVERY_PREFIX "callbackDeliveries/"
#define DELIVERY_NAME_SIZE (sizeof(DELIVERY_PREFIX) + ID_SIZE)
#define CONFIG_SUFFIX "/callbackConfiguration"
#define CONFIG_NAME_SIZE (NUMBERING__PROJECT_SIZE + sizeof(CONFIG_SUFFIX))

struct delivery_fields {
	NUMBERING__FIELDS_MEMBERS(NUMBERING__DELIVERY_FIELDS)
};

struct config_fields {
	NUMBERING__FIELDS_MEMBERS(NUMBERING__CALLBACK_CONFIG_FIELDS)
};

#define DESCRIBE_DELIVERY(id, type, json, limit, dflt) \
	NUMBERING__FIELD_ROW(struct delivery_fields, id, type, json, limit, dflt)
static const struct numbering__field delivery_rows[] = {NUMBERING__DELIVERY_FIELDS(DESCRIBE_DELIVERY)};
NUMBERING__FIELDS_FUNCTIONS(delivery, struct delivery_fields, "callback delivery", NUMBERING__DELIVERY_FIELDS)
static const struct numbering__fields delivery_table = {delivery_rows, sizeof(delivery_rows) / sizeof(delivery_rows[0]),
                                                        "callback delivery", delivery_encode, delivery_clear};
#define DESCRIBE_CONFIG(id, type, json, limit, dflt) \
	NUMBERING__FIELD_ROW(struct config_fields, id, type, json, limit, dflt)
static const struct numbering__field config_rows[] = {NUMBERING__CALLBACK_CONFIG_FIELDS(DESCRIBE_CONFIG)};
NUMBERING__FIELDS_FUNCTIONS(config, struct config_fields, "callback configuration",
                          NUMBERING__CALLBACK_CONFIG_FIELDS)
static const struct numbering__fields config_table = {config_rows, sizeof(config_rows) / sizeof(config_rows[0]),
                                                      "callback configuration", config_encode, config_clear};

struct numbering_delivery {
	char id[ID_SIZE];
	struct delivery_fields f;
	int64_t next_attempt;
	char signature[NUMBERING_CALLBACK_SIGNATURE_BUFSIZE];
};

struct numbering_delivery_list {
	int count, cap;
	numbering_delivery *items;
};

/* ---- Records ---- */

static int damaged(const numbering_record *record, const char *field, const char *problem)
{
	return numbering__record_damaged(record, "", field, problem);
}

static int read_delivery(void *item, const numbering_record *record)
{
	numbering_delivery *d = item;
	numbering__fields_clear(&delivery_table, &d->f);
	size_t plen = sizeof(DELIVERY_PREFIX) - 1;
	if (record->kind != NUMBERING__KIND_DELIVERY || record->name == NULL ||
	    strncmp(record->name, DELIVERY_PREFIX, plen) != 0 || strlen(record->name + plen) >= ID_SIZE ||
	    record->name[plen] == '\0' || (record->parent && record->parent[0]) || record->digits != 0)
		return damaged(record, "name", "it is not callbackDeliveries/{eventId} without parent or numbers");
	snprintf(d->id, sizeof(d->id), "%s", record->name + plen);
	int rc = numbering__fields_decode_record(&delivery_table, &d->f, record, "");
	if (rc == NUMBERING_OK && (d->f.url == NULL || d->f.body == NULL || d->f.project == NULL))
		rc = damaged(record, "body", "it has no url, body or project");
	else if (rc == NUMBERING_OK && ((d->f.dead != 0) != (record->expires == 0) ||
	                                (d->f.dead != 0) != (record->keys[0] != NULL && strcmp(record->keys[0], "dead") == 0)))
		rc = damaged(record, "expires", "a dead delivery has no due time and key \"dead\", a pending one the reverse");
	if (rc != NUMBERING_OK)
		numbering__fields_clear(&delivery_table, &d->f);
	d->next_attempt = record->expires;
	return rc;
}

int numbering__delivery_record_check(const numbering_record *record)
{
	numbering_delivery d;
	memset(&d, 0, sizeof(d));
	int rc = read_delivery(&d, record);
	numbering__fields_clear(&delivery_table, &d.f);
	return rc;
}

static int put_delivery(numbering_store *store, const numbering_delivery *d)
{
	char name[DELIVERY_NAME_SIZE];
	snprintf(name, sizeof(name), "%s%s", DELIVERY_PREFIX, d->id);
	numbering_record r;
	memset(&r, 0, sizeof(r));
	r.version = NUMBERING_RECORD_VERSION;
	r.kind = NUMBERING__KIND_DELIVERY;
	r.name = name;
	r.parent = "";
	r.sort_key = d->f.create_time;
	r.expires = d->f.dead ? 0 : d->next_attempt;
	r.keys[0] = d->f.dead ? "dead" : NULL;
	return numbering__backend_put_fields(store, &r, &delivery_table, &d->f);
}

static void config_name(char name[CONFIG_NAME_SIZE], const char *project)
{
	snprintf(name, CONFIG_NAME_SIZE, "%s%s", project, CONFIG_SUFFIX);
}

static int read_config(struct config_fields *c, const numbering_record *record)
{
	numbering__fields_clear(&config_table, c);
	char name[CONFIG_NAME_SIZE];
	if (record->kind != NUMBERING__KIND_CALLBACK_CONFIG || record->parent == NULL ||
	    strncmp(record->parent, "projects/", 9) != 0 || strlen(record->parent) >= NUMBERING__PROJECT_SIZE)
		return damaged(record, "parent", "it is not a project");
	config_name(name, record->parent);
	if (record->name == NULL || strcmp(record->name, name) != 0)
		return damaged(record, "name", "it is not {project}/callbackConfiguration");
	return numbering__fields_decode_record(&config_table, c, record, "");
}

int numbering__callback_config_check(const numbering_record *record)
{
	struct config_fields c;
	memset(&c, 0, sizeof(c));
	int rc = read_config(&c, record);
	numbering__fields_clear(&config_table, &c);
	return rc;
}

struct config_visit {
	struct config_fields *c;
	int rc;
};

static int config_visit(const numbering_record *record, void *payload)
{
	struct config_visit *v = payload;
	v->rc = read_config(v->c, record);
	return 0;
}

/* The project's secret into @c (none: hmac_secret NULL). */
static int load_config(numbering_store *store, const char *project, struct config_fields *c)
{
	char name[CONFIG_NAME_SIZE];
	config_name(name, project);
	struct config_visit v = {c, NUMBERING_OK};
	numbering__fields_clear(&config_table, c);
	int rc = numbering__backend_get_record(store, NUMBERING__KIND_CALLBACK_CONFIG, name, config_visit, &v);
	if (rc == NUMBERING_NOT_FOUND)
		return NUMBERING_OK;
	return rc != NUMBERING_OK ? rc : v.rc;
}

/* ---- Queueing ---- */

static void new_event_id(char id[ID_SIZE])
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char random[ID_SIZE - 1];
	numbering__random_bytes(random, sizeof(random));
	for (size_t i = 0; i < sizeof(random); i++)
		id[i] = alphabet[random[i] % 36];
	id[ID_SIZE - 1] = '\0';
}

int numbering__outbox_queue(numbering_store *store, const char *project_id, const char *url, const char *resource_id,
                            int event_type, int status, int failure_code)
{
	if (url == NULL || url[0] == '\0')
		return NUMBERING_OK; /* no callback URL: nobody to tell */
	numbering_delivery d;
	memset(&d, 0, sizeof(d));
	numbering__fields_clear(&delivery_table, &d.f);
	new_event_id(d.id);
	int64_t now = 0;
	char *json = NULL;
	int rc = numbering__next_time(store, &now);
	if (rc == NUMBERING_OK)
		rc = numbering_callback_payload_json(&json, d.id, now, project_id, resource_id, event_type, status,
		                                     failure_code);
	if (rc == NUMBERING_OK && ((d.f.url = numbering__strdup(url)) == NULL ||
	                           (d.f.project = numbering__strdup(project_id)) == NULL))
		rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory queueing a callback");
	if (rc == NUMBERING_OK) {
		d.f.body = json;
		json = NULL;
		d.f.create_time = now;
		d.next_attempt = now; /* due at once */
		rc = put_delivery(store, &d);
	}
	numbering_free(json);
	numbering__fields_clear(&delivery_table, &d.f);
	return rc;
}

/* ---- The host's side ---- */

static int host_call(numbering_store *store, const char *caller, int max, const char *fn)
{
	return numbering__host_call(store, caller, NUMBERING__PERM_DELIVER, max, LIST_MAX, fn);
}

static int new_list(numbering_delivery_list **out, int max)
{
	numbering_delivery_list *list = numbering__calloc(1, sizeof(*list));
	if (list == NULL || (list->items = numbering__calloc((size_t)max, sizeof(*list->items))) == NULL) {
		numbering__free_mem(list);
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for %d deliveries", max);
	}
	list->cap = max;
	*out = list;
	return NUMBERING_OK;
}

static int64_t backoff(int64_t attempts)
{
	int64_t wait = BACKOFF_FIRST;
	for (int64_t i = 1; i < attempts && wait < BACKOFF_MAX; i++)
		wait *= 2;
	return wait < BACKOFF_MAX ? wait : BACKOFF_MAX;
}

/* Claims the due deliveries of items[from .. list->count) in the open transaction: one
 * claimed as often as it may be is set dead, the rest are leased, signed and kept in
 * order from items[from]. *dropped counts the dead ones. */
static int claim_batch(numbering_delivery_list *list, numbering_store *store, struct config_fields *c, int from,
                       int64_t now, int *dropped)
{
	int rc = NUMBERING_OK, kept = from;
	for (int i = from; i < list->count && rc == NUMBERING_OK; i++) {
		numbering_delivery *d = &list->items[i];
		/* Claimed as often as it may be, never reported (its deliverer died each time):
		 * dead, not handed out again. */
		if (d->f.attempts >= NUMBERING_DELIVERY_ATTEMPTS_MAX) {
			d->f.dead = 1;
			rc = numbering__fields_set_text(&delivery_table, &d->f, "lastError",
			                                "claimed for every attempt and never reported");
			if (rc == NUMBERING_OK)
				rc = put_delivery(store, d);
			numbering__fields_clear(&delivery_table, &d->f);
			++*dropped;
			continue;
		}
		if (kept != i) {
			list->items[kept] = *d;
			memset(d, 0, sizeof(*d));
			d = &list->items[kept];
		}
		kept++;
		d->f.attempts++;
		d->next_attempt = now + NUMBERING_DELIVERY_LEASE_SECONDS * NS;
		rc = put_delivery(store, d);
		char project[NUMBERING__PROJECT_SIZE];
		snprintf(project, sizeof(project), "projects/%s", d->f.project);
		if (rc == NUMBERING_OK)
			rc = load_config(store, project, c);
		if (rc == NUMBERING_OK && c->hmac_secret != NULL)
			rc = numbering_callback_sign(d->signature, sizeof(d->signature), c->hmac_secret, strlen(c->hmac_secret),
			                             d->f.body, strlen(d->f.body));
		if (c->hmac_secret != NULL)
			sodium_memzero(c->hmac_secret, strlen(c->hmac_secret));
	}
	list->count = kept;
	return rc;
}

struct delivery_claim {
	numbering_delivery_list *list;
	numbering_store *store;
	struct config_fields *c;
};

static int claim_deliveries(void *payload, int from, int64_t now, int *dropped)
{
	struct delivery_claim *claim = payload;
	return claim_batch(claim->list, claim->store, claim->c, from, now, dropped);
}

static int claim_locked(numbering_delivery_list *list, numbering_store *store, int max)
{
	static const char operation[] = "numbering_store_claim_deliveries";
	int64_t now = store->clock(store->clock_payload);
	list->count = 0;
	int rc = numbering__queue_collect_due(store, NUMBERING__KIND_DELIVERY, now, list->items, sizeof(*list->items), max,
	                                      &list->count, read_delivery, operation);
	if (rc != NUMBERING_OK || list->count == 0)
		return rc;
	struct config_fields c;
	memset(&c, 0, sizeof(c));
	if ((rc = numbering__begin(store)) != NUMBERING_OK)
		return rc;
	/* The claimed ones are leased past @now and the dead ones have no due time, so each
	 * refill starts after both. */
	struct delivery_claim claim = {list, store, &c};
	rc = numbering__queue_claim_due(store, NUMBERING__KIND_DELIVERY, now, list->items, sizeof(*list->items), max,
	                                &list->count, read_delivery, operation, claim_deliveries, &claim);
	numbering__fields_clear(&config_table, &c);
	if (rc == NUMBERING_OK)
		return numbering__commit(store);
	numbering__rollback(store);
	return rc;
}

int numbering_store_claim_deliveries(numbering_delivery_list **out, numbering_store *store, const char *caller, int max)
{
	if (out == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_claim_deliveries: out is NULL");
	*out = NULL;
	numbering_delivery_list *list = NULL;
	int rc = host_call(store, caller, max, "numbering_store_claim_deliveries");
	if (rc == NUMBERING_OK)
		rc = new_list(&list, max);
	if (rc != NUMBERING_OK)
		return rc;
	numbering__rwlock_wrlock(&store->lock);
	rc = claim_locked(list, store, max);
	numbering__rwlock_wrunlock(&store->lock);
	if (rc == NUMBERING_OK)
		rc = numbering__durable(store);
	if (rc != NUMBERING_OK) {
		numbering_delivery_list_free(list);
		return rc;
	}
	*out = list;
	return NUMBERING_OK;
}

struct one_visit {
	numbering_delivery *d;
	int rc;
};

static int one_visit(const numbering_record *record, void *payload)
{
	struct one_visit *v = payload;
	v->rc = read_delivery(v->d, record);
	return 0;
}

/* Inside the transaction: the delivery is read after begin() took what other processes
 * committed to a shared file store, so a claim another process made since (the lease ran
 * out) is seen and this report refused, and a report another process made since is not
 * undone by a stale copy (a delivered one put back to be sent again). @attempt
 * ANY_CLAIM: any claim's report (numbering_store_report_delivery()). */
static int report_in(numbering_store *store, const char *id, const char *name, int64_t attempt, int delivered,
                     const char *error)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	numbering_delivery d;
	memset(&d, 0, sizeof(d));
	struct one_visit v = {&d, NUMBERING_OK};
	int rc = numbering__backend_get_record(store, NUMBERING__KIND_DELIVERY, name, one_visit, &v);
	if (rc == NUMBERING_OK)
		rc = v.rc;
	if (rc == NUMBERING_OK && d.f.dead)
		rc = NUMBERING_NOT_FOUND;
	if (rc == NUMBERING_NOT_FOUND)
		rc = numbering__error_field(NUMBERING_NOT_FOUND, "id", "no pending delivery has the id \"%s\"",
		                            numbering__quote(quoted, id, strlen(id)));
	/* Claimed again since (the claim's lease ran out): the delivery is another
	 * claimant's to report, and this report changes nothing. */
	if (rc == NUMBERING_OK && attempt != ANY_CLAIM && d.f.attempts != attempt)
		rc = numbering__error_field(NUMBERING_FAILED_PRECONDITION, "attempt",
		                            "delivery \"%s\" was claimed again since attempt %lld (it is at attempt %lld): "
		                            "its lease ran out, and the report is the new claimant's",
		                            numbering__quote(quoted, id, strlen(id)), (long long)attempt,
		                            (long long)d.f.attempts);
	int64_t now = store->clock(store->clock_payload);
	if (rc == NUMBERING_OK) {
		if (delivered) {
			rc = numbering__backend_remove_record(store, NUMBERING__KIND_DELIVERY, name);
		} else {
			char kept[1025];
			snprintf(kept, sizeof(kept), "%s", error && error[0] ? error : "the delivery failed");
			/* Cut at 1024 bytes on a character's start, not inside it. */
			size_t n = strlen(kept);
			if (error && strlen(error) > n) {
				while (n > 0 && ((unsigned char)error[n] & 0xc0) == 0x80)
					n--;
				kept[n] = '\0';
			}
			for (char *p = kept; *p; p++)
				if ((unsigned char)*p < 0x20 || *p == 0x7f)
					*p = ' ';
			rc = numbering__fields_set_text(&delivery_table, &d.f, "lastError", kept);
			if (rc == NUMBERING_INVALID_ARGUMENT) /* not UTF-8: keep a plain note */
				rc = numbering__fields_set_text(&delivery_table, &d.f, "lastError", "the delivery failed");
			if (d.f.attempts >= NUMBERING_DELIVERY_ATTEMPTS_MAX)
				d.f.dead = 1;
			else
				d.next_attempt = now + backoff(d.f.attempts);
			if (rc == NUMBERING_OK)
				rc = put_delivery(store, &d);
		}
	}
	numbering__fields_clear(&delivery_table, &d.f);
	return rc;
}

static int report_locked(numbering_store *store, const char *id, int64_t attempt, int delivered, const char *error)
{
	char name[DELIVERY_NAME_SIZE];
	char quoted[NUMBERING__QUOTE_SIZE];
	if (id == NULL || strlen(id) >= ID_SIZE || id[0] == '\0')
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "id", "\"%s\" is not a delivery id",
		                              id ? numbering__quote(quoted, id, strlen(id)) : "(null)");
	snprintf(name, sizeof(name), "%s%s", DELIVERY_PREFIX, id);
	int rc = numbering__begin(store);
	if (rc != NUMBERING_OK)
		return rc;
	return numbering__commit_or_rollback(store, report_in(store, id, name, attempt, delivered, error));
}

static int report(numbering_store *store, const char *caller, const char *id, int64_t attempt, int delivered,
                  const char *error, const char *fn)
{
	int rc = host_call(store, caller, 1, fn);
	if (rc == NUMBERING_OK && attempt != ANY_CLAIM && (attempt < 1 || attempt > NUMBERING_DELIVERY_ATTEMPTS_MAX))
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "attempt",
		                            "attempt %lld is not a claim's (1 to %d: the delivery's \"attempts\" as the "
		                            "claim handed it out)",
		                            (long long)attempt, NUMBERING_DELIVERY_ATTEMPTS_MAX);
	if (rc != NUMBERING_OK)
		return rc;
	numbering__rwlock_wrlock(&store->lock);
	rc = report_locked(store, id, attempt, delivered, error);
	numbering__rwlock_wrunlock(&store->lock);
	return rc == NUMBERING_OK ? numbering__durable(store) : rc;
}

int numbering_store_report_delivery(numbering_store *store, const char *caller, const char *id, int delivered,
                                    const char *error)
{
	return report(store, caller, id, ANY_CLAIM, delivered, error, "numbering_store_report_delivery");
}

int numbering_store_report_claimed_delivery(numbering_store *store, const char *caller, const char *id,
                                            int64_t attempt, int delivered, const char *error)
{
	return report(store, caller, id, attempt, delivered, error, "numbering_store_report_claimed_delivery");
}

int numbering_store_list_dead_deliveries(numbering_delivery_list **out, numbering_store *store, const char *caller,
                                         int max)
{
	if (out == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_list_dead_deliveries: out is NULL");
	*out = NULL;
	numbering_delivery_list *list = NULL;
	int rc = host_call(store, caller, max, "numbering_store_list_dead_deliveries");
	if (rc == NUMBERING_OK)
		rc = new_list(&list, max);
	if (rc != NUMBERING_OK)
		return rc;
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = NUMBERING__KIND_DELIVERY;
	q.order = NUMBERING_RECORD_ORDER_ASCENDING;
	q.parent = "";
	q.keys[0] = "dead";
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	rc = numbering__queue_collect(store, &q, list->items, sizeof(*list->items), max, &list->count, read_delivery,
	                              "numbering_store_list_dead_deliveries");
	numbering__rwlock_rdunlock(&store->lock, slot);
	if (rc != NUMBERING_OK) {
		numbering_delivery_list_free(list);
		return rc;
	}
	/* A dead delivery is only read: its URL's credential, stored before they were
	 * refused (model/uri.c), is hidden. A claim hands it whole to the deliverer, who
	 * sends to it. */
	for (int i = 0; i < list->count; i++)
		numbering__uri_redact_in_place(list->items[i].f.url);
	*out = list;
	return NUMBERING_OK;
}

int numbering_delivery_list_count(const numbering_delivery_list *list)
{
	return list == NULL ? 0 : list->count;
}

const numbering_delivery *numbering_delivery_list_item(const numbering_delivery_list *list, int i)
{
	return list == NULL || i < 0 || i >= list->count ? NULL : &list->items[i];
}

void numbering_delivery_list_free(numbering_delivery_list *list)
{
	if (list == NULL)
		return;
	for (int i = 0; i < list->cap; i++)
		numbering__fields_clear(&delivery_table, &list->items[i].f);
	numbering__free_mem(list->items);
	numbering__free_mem(list);
}

const char *numbering_delivery_text(const numbering_delivery *delivery, const char *name)
{
	if (delivery == NULL || name == NULL)
		return "";
	if (strcmp(name, "id") == 0)
		return delivery->id;
	if (strcmp(name, "signature") == 0)
		return delivery->signature;
	return numbering__fields_text(&delivery_table, &delivery->f, name);
}

int64_t numbering_delivery_int(const numbering_delivery *delivery, const char *name)
{
	if (delivery == NULL || name == NULL)
		return 0;
	if (strcmp(name, "nextAttemptTime") == 0)
		return delivery->f.dead ? 0 : delivery->next_attempt;
	return numbering__fields_int(&delivery_table, &delivery->f, name);
}

/* ---- The callback configuration ---- */

int numbering_store_get_callback_secret(char **hmac_secret, numbering_store *store, const char *caller,
                                        const char *project)
{
	if (hmac_secret == NULL || store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_get_callback_secret: %s is NULL",
		                            hmac_secret == NULL ? "hmac_secret" : "store");
	*hmac_secret = NULL;
	char checked[NUMBERING__PROJECT_SIZE];
	int rc = numbering__project_of_parent(checked, project, "projectId");
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_CALLBACK_CONFIG_GET, checked);
	if (rc != NUMBERING_OK)
		return rc;
	struct config_fields c;
	memset(&c, 0, sizeof(c));
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	rc = load_config(store, checked, &c);
	numbering__rwlock_rdunlock(&store->lock, slot);
	if (rc == NUMBERING_OK && (*hmac_secret = numbering__strdup(c.hmac_secret ? c.hmac_secret : "")) == NULL)
		rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for a callback secret");
	if (c.hmac_secret)
		sodium_memzero(c.hmac_secret, strlen(c.hmac_secret));
	numbering__fields_clear(&config_table, &c);
	return rc;
}

/* Sets the configuration attribute @json of @project to @value (NULL or "": unset),
 * keeping the other: the record is removed once every attribute is unset. */
static int update_config(numbering_store *store, const char *caller, const char *project, const char *json,
                         const char *value, const char *field)
{
	char checked[NUMBERING__PROJECT_SIZE];
	struct config_fields c, in;
	memset(&c, 0, sizeof(c));
	memset(&in, 0, sizeof(in));
	int rc = numbering__project_of_parent(checked, project, field);
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_CALLBACK_CONFIG_UPDATE, checked);
	if (rc == NUMBERING_OK)
		rc = numbering__fields_set_text(&config_table, &in, json, value); /* checked before the lock */
	numbering__fields_clear(&config_table, &in);
	if (rc != NUMBERING_OK)
		return rc;
	char name[CONFIG_NAME_SIZE];
	config_name(name, checked);
	struct numbering__buf body = {NULL, 0, 0};
	numbering__rwlock_wrlock(&store->lock);
	rc = load_config(store, checked, &c);
	if (rc == NUMBERING_OK)
		rc = numbering__fields_set_text(&config_table, &c, json, value);
	if (rc == NUMBERING_OK)
		rc = numbering__begin(store);
	else
		goto unlock;
	if (rc == NUMBERING_OK && c.hmac_secret == NULL && c.sms_url == NULL) {
		rc = numbering__backend_remove_record(store, NUMBERING__KIND_CALLBACK_CONFIG, name);
		if (rc == NUMBERING_NOT_FOUND) {
			numbering_error_clear();
			rc = NUMBERING_OK;
		}
	} else if (rc == NUMBERING_OK) {
		rc = numbering__fields_encode(&config_table, &body, &c);
		numbering_record r;
		memset(&r, 0, sizeof(r));
		r.version = NUMBERING_RECORD_VERSION;
		r.kind = NUMBERING__KIND_CALLBACK_CONFIG;
		r.name = name;
		r.parent = checked;
		r.body = body.ptr;
		r.body_len = body.len;
		if (rc == NUMBERING_OK)
			rc = numbering__backend_put_record(store, &r);
	}
	rc = numbering__commit_or_rollback(store, rc);
unlock:
	numbering__rwlock_wrunlock(&store->lock);
	if (body.ptr)
		sodium_memzero(body.ptr, body.len);
	numbering__buf_free(&body);
	if (c.hmac_secret)
		sodium_memzero(c.hmac_secret, strlen(c.hmac_secret));
	numbering__fields_clear(&config_table, &c);
	return rc == NUMBERING_OK ? numbering__durable(store) : rc;
}

int numbering_store_update_callback_secret(numbering_store *store, const char *caller, const char *project,
                                           const char *hmac_secret)
{
	if (store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_update_callback_secret: store is NULL");
	return update_config(store, caller, project, "hmacSecret", hmac_secret, "projectId");
}

int numbering_store_set_account_callback_url(numbering_store *store, const char *caller, const char *project,
                                             const char *url)
{
	if (store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_set_account_callback_url: store is NULL");
	/* The whole URL, not its prefix: "https://" alone or with a space in it is no place
	 * to send a callback, and a number's own URL is held to the same rule (bind.c). */
	if (url != NULL && url[0] != '\0' && numbering__validate_message_handler(url, "callback_url") != NUMBERING_OK) {
		char why[512];
		snprintf(why, sizeof(why), "%s", numbering_error_message());
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "callback_url",
		                              "callback_url is refused: %s", why);
	}
	return update_config(store, caller, project, "incomingSmsCallbackUrl", url, "account_id");
}

int numbering__account_sms_url(char **url, numbering_store *store, const char *project)
{
	struct config_fields c;
	memset(&c, 0, sizeof(c));
	*url = NULL;
	int rc = load_config(store, project, &c);
	if (rc == NUMBERING_OK) {
		*url = c.sms_url;
		c.sms_url = NULL;
	}
	if (c.hmac_secret)
		sodium_memzero(c.hmac_secret, strlen(c.hmac_secret));
	numbering__fields_clear(&config_table, &c);
	return rc;
}

int numbering_store_get_account_callback_url(char **url, numbering_store *store, const char *caller,
                                             const char *project)
{
	if (url == NULL || store == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, url == NULL ? "url" : "store",
		                              "numbering_store_get_account_callback_url: %s is NULL",
		                              url == NULL ? "url" : "store");
	*url = NULL;
	char checked[NUMBERING__PROJECT_SIZE];
	int rc = numbering__project_of_parent(checked, project, "account_id");
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_CALLBACK_CONFIG_GET, checked);
	if (rc != NUMBERING_OK)
		return rc;
	char *found = NULL;
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	rc = numbering__account_sms_url(&found, store, checked);
	numbering__rwlock_rdunlock(&store->lock, slot);
	if (rc == NUMBERING_OK && (*url = numbering__strdup(found ? found : "")) == NULL)
		rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for a callback URL");
	else if (rc == NUMBERING_OK) /* a credential stored before they were refused (model/uri.c) */
		numbering__uri_redact_in_place(*url);
	numbering__free_mem(found);
	return rc;
}
