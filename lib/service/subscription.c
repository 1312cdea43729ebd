/*
 * Subscriptions (numbering/subscription.h, service/subscription.h): the record of
 * every number a project acquired, started by purchases and rents, released and ended
 * by the Sinch release, read and listed by projects; the billing run that renews them
 * is in renewal.c. The record: service/subscription-record.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "model/kinds.h"
#include "model/validate.h"
#include "numbering/money.h"
#include "numbering/subscription.h"
#include "service/backend-call.h"
#include "service/billing-due.h"
#include "service/commit-or-rollback.h"
#include "service/subscription-record.h"

#define COLLECTION "/subscriptions/"
#define INSTANCES "/phoneNumberInstances/"
#define PAGE_DEFAULT 100
/* A bucket-managed subscription's item is looked for in at most this many periods'
 * buckets past its record's (the clock bounds the walk first, unless it is damaged). */
#define PROBES_MAX 12000

#define DESCRIBE(id, type, json, limit, dflt) \
	NUMBERING__FIELD_ROW(struct numbering__subscription_fields, id, type, json, limit, dflt)
static const struct numbering__field rows[] = {NUMBERING__SUBSCRIPTION_FIELDS(DESCRIBE)};
NUMBERING__FIELDS_FUNCTIONS(subscription, struct numbering__subscription_fields, "subscription",
                          NUMBERING__SUBSCRIPTION_FIELDS)
const struct numbering__fields numbering__subscription_table = {rows, sizeof(rows) / sizeof(rows[0]), "subscription",
                                                                subscription_encode, subscription_clear};
#define TABLE (&numbering__subscription_table)

/* ---- Names ---- */

/* The subscription name of @instance, and in *parent_len the length of its project
 * (the name's start). */
static int name_of_instance(char name[NUMBERING__SUBSCRIPTION_NAME_SIZE], size_t *parent_len, const char *instance)
{
	const char *id = NULL;
	int rc = numbering__parse_instance_name(instance, "instance", parent_len, &id);
	if (rc != NUMBERING_OK)
		return rc;
	/* "%.*s" COLLECTION "%s", copied: every acquisition names one. */
	size_t id_len = strlen(id), len = *parent_len + strlen(COLLECTION) + id_len;
	if (len >= NUMBERING__SUBSCRIPTION_NAME_SIZE)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "instance", "the instance name is too long");
	memcpy(name, instance, *parent_len);
	memcpy(name + *parent_len, COLLECTION, strlen(COLLECTION));
	memcpy(name + *parent_len + strlen(COLLECTION), id, id_len + 1);
	return NUMBERING_OK;
}

/* The subscription name of @instance, a name the library made: "{project}" of
 * @parent_len bytes, "/phoneNumberInstances/" and the id. */
static int made_name(char name[NUMBERING__SUBSCRIPTION_NAME_SIZE], const char *instance, size_t parent_len)
{
	const char *id = instance + parent_len + strlen(INSTANCES);
	size_t id_len = strlen(id), len = parent_len + strlen(COLLECTION) + id_len;
	if (len >= NUMBERING__SUBSCRIPTION_NAME_SIZE)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "instance", "the instance name is too long");
	memcpy(name, instance, parent_len);
	memcpy(name + parent_len, COLLECTION, strlen(COLLECTION));
	memcpy(name + parent_len + strlen(COLLECTION), id, id_len + 1);
	return NUMBERING_OK;
}

int numbering__subscription_name(char name[NUMBERING__SUBSCRIPTION_NAME_SIZE], const char *instance)
{
	size_t parent_len = 0;
	return name_of_instance(name, &parent_len, instance);
}

/* "{project}/subscriptions/{id}" into its project and the name of its instance;
 * INVALID_ARGUMENT naming @field otherwise. */
static int parse_name(char project[NUMBERING__PROJECT_SIZE], char instance[NUMBERING__NAME_SIZE], const char *name,
                      const char *field)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	const char *n = name ? name : "";
	const char *c = strstr(n, COLLECTION);
	int rc = NUMBERING_OK;
	if (strncmp(n, "projects/", 9) != 0 || c == NULL || strlen(n) >= NUMBERING__SUBSCRIPTION_NAME_SIZE)
		rc = NUMBERING_INVALID_ARGUMENT;
	else if (snprintf(instance, NUMBERING__NAME_SIZE, "%.*s%s%s", (int)(c - n), n, INSTANCES,
	                  c + strlen(COLLECTION)) >= NUMBERING__NAME_SIZE)
		rc = NUMBERING_INVALID_ARGUMENT;
	else if (numbering__project_of_name(project, instance, field) != NUMBERING_OK)
		rc = NUMBERING_INVALID_ARGUMENT;
	if (rc != NUMBERING_OK)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "%s \"%s\" is not projects/{project}/subscriptions/{id}", field,
		                              numbering__quote(quoted, n, strlen(n)));
	return NUMBERING_OK;
}

/* ---- The record ---- */

void numbering__subscription_clear(struct numbering_subscription *s)
{
	numbering__fields_clear(TABLE, &s->f);
	s->next_charge = 0;
	s->due_day = 0;
}

int64_t numbering__subscription_period_start(const struct numbering_subscription *s, int64_t n)
{
	int64_t months = n * s->f.interval_months;
	if (months > INT32_MAX)
		return NUMBERING__TIME_MAX;
	return numbering__add_months(s->f.start_time, (int)months);
}

int numbering__subscription_period_cost(const struct numbering_subscription *s, int64_t *cost)
{
	*cost = 0;
	if (s->f.price.currency[0] == '\0')
		return NUMBERING_OK;
	if (__builtin_mul_overflow(s->f.price.minor, s->f.interval_months, cost))
		return numbering__error_field(NUMBERING_OUT_OF_RANGE, "monthlyPrice",
		                              "monthlyPrice %" PRId64 " x paymentIntervalMonths %" PRId64 " leaves int64",
		                              s->f.price.minor, s->f.interval_months);
	return NUMBERING_OK;
}

/* The expiry key @s has (subscription-record.h). */
static int64_t due_key(const struct numbering_subscription *s)
{
	if (s->f.state == NUMBERING_SUBSCRIPTION_CANCELLED || s->f.expire_time != 0 || s->f.due_bucket)
		return 0;
	return s->f.state == NUMBERING_SUBSCRIPTION_DEACTIVATED ? s->f.deactivate_time : s->next_charge;
}

static int damaged(const numbering_record *record, const char *field, const char *problem)
{
	return numbering__record_damaged(record, "", field, problem);
}

int numbering__subscription_read(struct numbering_subscription *s, const numbering_record *record)
{
	const char *parent = record->parent ? record->parent : "";
	size_t plen = strlen(parent);
	if (record->kind != NUMBERING__KIND_SUBSCRIPTION || strncmp(parent, "projects/", 9) != 0 ||
	    plen >= NUMBERING__PROJECT_SIZE || record->digits != 0)
		return damaged(record, "parent", "it is not a project, or the record holds numbers");
	const char *name = record->name ? record->name : "";
	if (strncmp(name, parent, plen) != 0 || strncmp(name + plen, COLLECTION, strlen(COLLECTION)) != 0 ||
	    name[plen + strlen(COLLECTION)] == '\0' || strchr(name + plen + strlen(COLLECTION), '/') != NULL ||
	    strlen(name) >= NUMBERING__SUBSCRIPTION_NAME_SIZE)
		return damaged(record, "name", "it is not {project}/subscriptions/{id}");
	memcpy(s->project, parent, plen + 1);
	memcpy(s->name, name, strlen(name) + 1);
	int rc = numbering__fields_decode_record(TABLE, &s->f, record, "");
	if (rc != NUMBERING_OK)
		return rc;
	const char *id = name + plen + strlen(COLLECTION);
	const char *in = s->f.instance ? s->f.instance : "";
	if (strncmp(in, parent, plen) != 0 || strncmp(in + plen, INSTANCES, strlen(INSTANCES)) != 0 ||
	    strcmp(in + plen + strlen(INSTANCES), id) != 0)
		rc = damaged(record, "instance", "it is not the instance the subscription is named after");
	else if (s->f.start_time == 0 || record->sort_key != s->f.start_time)
		rc = damaged(record, "startTime", "it is missing or not the record's sort key");
	else if ((s->f.state == NUMBERING_SUBSCRIPTION_DEACTIVATED) != (s->f.deactivate_time != 0))
		rc = damaged(record, "deactivateTime", "a deactivated subscription has one, no other does");
	else if (s->f.due_bucket && (s->f.state != NUMBERING_SUBSCRIPTION_ACTIVE || s->f.auto_charge_off ||
	                             s->f.expire_time != 0))
		rc = damaged(record, "dueBucket", "only an active subscription that renews is in a DUE bucket");
	if (rc == NUMBERING_OK) {
		s->next_charge = numbering__subscription_period_start(s, s->f.periods_paid);
		s->due_day = 0;
		if (record->expires != due_key(s))
			rc = damaged(record, "expires", "it is not when the subscription is next due");
	}
	if (rc != NUMBERING_OK)
		numbering__subscription_clear(s);
	return rc;
}

int numbering__subscription_record_check(const numbering_record *record)
{
	struct numbering_subscription s;
	memset(&s, 0, sizeof(s));
	numbering__subscription_clear(&s);
	int rc = numbering__subscription_read(&s, record);
	numbering__subscription_clear(&s);
	return rc;
}

/* A bucket-managed subscription's search for its item: the period whose day is asked next. */
struct probe {
	struct numbering_subscription *s;
	const char *id;
	int64_t p, t, day;
};

/* Finds the items of the bucket-managed ones of @subs[0 .. count) in their buckets: the
 * day asked next that is earliest, for every subscription of its project that asks for
 * it, by one look-up (a day read once for a page), until each is found. */
static int current_all(numbering_store *store, struct numbering_subscription *const *subs, int count)
{
	/* One subscription's (GetSubscription, a writer) on the stack. */
	struct probe probe1, *probes = &probe1;
	const char *id1, **ids = &id1;
	struct numbering__due_item item1, *items = &item1;
	int found1, at1, *found = &found1, *at = &at1;
	int n = 0;
	for (int i = 0; i < count; i++)
		n += subs[i]->f.due_bucket != 0;
	if (n == 0)
		return NUMBERING_OK;
	if (n > 1) {
		probes = numbering__malloc((size_t)n * sizeof(*probes));
		ids = numbering__malloc((size_t)n * sizeof(*ids));
		items = numbering__malloc((size_t)n * sizeof(*items));
		found = numbering__malloc((size_t)n * sizeof(*found));
		at = numbering__malloc((size_t)n * sizeof(*at));
	}
	int rc = NUMBERING_OK;
	if (probes == NULL || ids == NULL || items == NULL || found == NULL || at == NULL)
		rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory reading subscriptions");
	if (rc != NUMBERING_OK)
		n = 0;
	for (int i = 0, j = 0; j < n; i++) {
		struct numbering_subscription *s = subs[i];
		if (s->f.due_bucket)
			probes[j++] = (struct probe){s, s->name + strlen(s->project) + strlen(COLLECTION), s->f.periods_paid,
			                             s->next_charge, numbering__due_day(s->next_charge)};
	}
	int64_t bound = store->clock(store->clock_payload);
	if (store->last_time > bound)
		bound = store->last_time;
	int committed = 0; /* bound includes the newest commit the store holds */
	while (n > 0 && rc == NUMBERING_OK) {
		struct probe *first = &probes[0];
		for (int j = 1; j < n; j++)
			if (probes[j].day < first->day)
				first = &probes[j];
		int m = 0;
		for (int j = 0; j < n; j++)
			if (probes[j].day == first->day && strcmp(probes[j].s->project, first->s->project) == 0) {
				ids[m] = probes[j].id;
				at[m++] = j;
			}
		rc = numbering__due_lookup(store, first->s->project, first->day, ids, items, found, m);
		/* Its item is in the bucket of the day of period p, p0 <= p, and the run that
		 * charged period p - 1 ran at or after its start, at or before @bound. */
		for (int k = 0; k < m && rc == NUMBERING_OK; k++) {
			struct probe *pr = &probes[at[k]];
			struct numbering_subscription *s = pr->s;
			const struct numbering__due_item *item = &items[k];
			/* A later period of its own on the same day: a period starting on the last
			 * day a store records is followed by one clamped to the last time, so its
			 * renewal moved the item into the bucket it was in. */
			int later = found[k] && item->start == s->f.start_time && item->periods > pr->p &&
			            item->next_due == numbering__subscription_period_start(s, item->periods);
			if (found[k] && !later &&
			    (item->periods != pr->p || item->next_due != pr->t || item->start != s->f.start_time)) {
				rc = numbering__error_field(NUMBERING_DATA_LOSS, "dueBucket",
				                            "subscription %s's item in its billing due bucket is not the "
				                            "subscription's (periods, start)",
				                            s->name);
				break;
			}
			if (found[k]) {
				s->f.periods_paid = item->periods;
				s->next_charge = item->next_due;
				s->due_day = pr->day;
				pr->s = NULL;
				continue;
			}
			if (pr->t > bound && !committed) {
				/* A run this handle did not time (another process's, its clock ahead
				 * of this one's) may have charged it: bounded by the newest commit. */
				int64_t newest = 0;
				committed = 1;
				if ((rc = numbering__committed_time(store, &newest)) != NUMBERING_OK)
					break;
				if (newest > bound)
					bound = newest;
			}
			if (pr->t > bound || pr->p + 1 >= s->f.periods_paid + PROBES_MAX) {
				rc = numbering__error_field(NUMBERING_DATA_LOSS, "dueBucket",
				                            "subscription %s is bucket-managed but no billing due bucket holds it",
				                            s->name);
			} else {
				pr->t = numbering__subscription_period_start(s, ++pr->p);
				pr->day = numbering__due_day(pr->t);
			}
		}
		int kept = 0;
		for (int j = 0; j < n; j++)
			if (probes[j].s != NULL)
				probes[kept++] = probes[j];
		n = kept;
	}
	if (probes != &probe1) {
		numbering__free_mem(probes);
		numbering__free_mem(ids);
		numbering__free_mem(items);
		numbering__free_mem(found);
		numbering__free_mem(at);
	}
	return rc;
}

int numbering__subscription_current(numbering_store *store, struct numbering_subscription *s)
{
	return s->f.due_bucket ? current_all(store, &s, 1) : NUMBERING_OK;
}

/* Takes a bucket-managed @s's item out of its bucket: record-managed again. */
static int materialise(numbering_store *store, struct numbering_subscription *s)
{
	if (!s->f.due_bucket)
		return NUMBERING_OK;
	const char *id = s->name + strlen(s->project) + strlen(COLLECTION);
	struct numbering__due_bucket b;
	memset(&b, 0, sizeof(b));
	int rc = s->due_day != 0 ? NUMBERING_OK : numbering__subscription_current(store, s);
	if (rc == NUMBERING_OK)
		rc = numbering__due_load(&b, store, s->project, s->due_day, id, strlen(id));
	int64_t i = rc == NUMBERING_OK ? numbering__due_find(&b, id, strlen(id)) : -1;
	if (rc == NUMBERING_OK && i < 0)
		rc = numbering__error_field(NUMBERING_DATA_LOSS, "dueBucket",
		                            "subscription %s is not in the billing due bucket it was read from", s->name);
	if (rc == NUMBERING_OK) {
		b.items[i].gone = 1;
		b.dirty = 1;
		rc = numbering__due_write(store, &b);
	}
	numbering__due_free(&b);
	if (rc == NUMBERING_OK) {
		s->f.due_bucket = 0;
		s->due_day = 0;
	}
	return rc;
}

int numbering__subscription_put(numbering_store *store, struct numbering_subscription *s)
{
	int rc = materialise(store, s);
	if (rc != NUMBERING_OK)
		return rc;
	s->next_charge = numbering__subscription_period_start(s, s->f.periods_paid);
	return numbering__subscription_put_dated(store, s);
}

int numbering__subscription_put_dated(numbering_store *store, const struct numbering_subscription *s)
{
	numbering_record r;
	memset(&r, 0, sizeof(r));
	r.version = NUMBERING_RECORD_VERSION;
	r.kind = NUMBERING__KIND_SUBSCRIPTION;
	r.name = s->name;
	r.parent = s->project;
	r.sort_key = s->f.start_time;
	r.expires = due_key(s);
	return numbering__backend_put_fields(store, &r, TABLE, &s->f);
}

struct load_visit {
	struct numbering_subscription *s;
	int rc;
};

static int load_visit(const numbering_record *record, void *payload)
{
	struct load_visit *v = payload;
	v->rc = numbering__subscription_read(v->s, record);
	return 0;
}

int numbering__subscription_load(struct numbering_subscription *s, numbering_store *store, const char *name,
                                 int *found)
{
	struct load_visit v = {s, NUMBERING_OK};
	numbering__subscription_clear(s);
	*found = 0;
	int rc = numbering__backend_get_record(store, NUMBERING__KIND_SUBSCRIPTION, name, load_visit, &v);
	if (rc == NUMBERING_NOT_FOUND)
		return NUMBERING_OK;
	if (rc == NUMBERING_OK && (rc = v.rc) == NUMBERING_OK)
		rc = numbering__subscription_current(store, s);
	if (rc == NUMBERING_OK)
		*found = 1;
	else
		numbering__subscription_clear(s);
	return rc;
}

/* ---- For the operations that acquire and release numbers ---- */

/* Whether @text is 1 .. limit bytes of printable ASCII for the text attribute @json:
 * text numbering__fields_set_text() would take unchanged. */
static int plain_name(const char *text, const char *json)
{
	const struct numbering__field *f = numbering__fields_find(TABLE, json, NUMBERING__FIELD_TEXT);
	size_t len = 0, max = f != NULL ? (size_t)f->limit : 0;
	while (len <= max && (unsigned char)text[len] >= 0x20 && (unsigned char)text[len] < 0x7f)
		len++;
	return text[len] == '\0' && len >= 1 && len <= max;
}

int numbering__subscription_start(numbering_store *store, const struct numbering__subscription_in *in,
                                  int64_t *next_charge)
{
	if (in == NULL || in->instance == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering__subscription_start: no instance");
	if (in->interval_months < 1 || in->interval_months > 120)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "paymentIntervalMonths",
		                              "paymentIntervalMonths %d is not 1 .. 120", in->interval_months);
	if (!numbering__time_in_range(in->start) || in->start == 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "startTime", "the start time %" PRId64
		                              " is not a store time", in->start);
	/* Zeros are what numbering__subscription_clear() leaves but for the three INT
	 * attributes whose default is 1 (state, paymentIntervalMonths, periodsPaid), each
	 * set below: no walk of the table (~240 instructions, twice a purchase). */
	struct numbering_subscription s;
	memset(&s, 0, sizeof(s));
	size_t parent_len = in->made_project_len;
	int rc = parent_len > 0 ? made_name(s.name, in->instance, parent_len)
	                        : name_of_instance(s.name, &parent_len, in->instance);
	/* The project is the name's start, checked by the parse. */
	if (rc == NUMBERING_OK && parent_len < sizeof(s.project)) {
		memcpy(s.project, in->instance, parent_len);
		s.project[parent_len] = '\0';
	} else if (rc == NUMBERING_OK) {
		rc = numbering__project_of_name(s.project, in->instance, "instance");
	}
	/* The instance's and the purchase's names are borrowed, not copied, when they are
	 * the printable ASCII the library makes (a copy and its check cost ~570
	 * instructions each, a purchase makes two); the put only reads them, and only a
	 * copy is freed at the end. */
	const char *borrowed_purchase = NULL;
	/* The instance's name passed numbering__parse_instance_name() in name_of_instance():
	 * at most 9 + 63 + 22 + 63 bytes of a-z, 0-9, '-' and '/', text the attribute takes
	 * (up to 512 bytes) with no scan of its own. */
	if (rc == NUMBERING_OK)
		s.f.instance = (char *)(uintptr_t)in->instance;
	if (rc == NUMBERING_OK && in->purchase != NULL && in->purchase[0] != '\0') {
		if (in->made_project_len > 0 || plain_name(in->purchase, "purchase"))
			s.f.purchase = (char *)(uintptr_t)(borrowed_purchase = in->purchase);
		else
			rc = numbering__fields_set_text(TABLE, &s.f, "purchase", in->purchase);
	}
	/* An available number's price passed the same checks (currency, 0 .. limit) when
	 * its record was read. */
	if (rc == NUMBERING_OK && in->price.currency[0] != '\0' && in->made_project_len > 0)
		s.f.price = in->price;
	else if (rc == NUMBERING_OK && in->price.currency[0] != '\0')
		rc = numbering__fields_set_money(TABLE, &s.f, "monthlyPrice", in->price.currency, in->price.minor);
	s.f.interval_months = in->interval_months;
	s.f.start_time = in->start;
	s.f.periods_paid = 1;
	s.f.state = NUMBERING_SUBSCRIPTION_ACTIVE;
	int64_t cost = 0;
	if (rc == NUMBERING_OK)
		rc = numbering__subscription_period_cost(&s, &cost);
	if (rc == NUMBERING_OK)
		rc = numbering__subscription_put(store, &s);
	if (rc == NUMBERING_OK && next_charge != NULL)
		*next_charge = s.next_charge;
	/* The instance's name is always borrowed: the purchase's is the one text it may own. */
	if (borrowed_purchase == NULL)
		numbering__free_mem(s.f.purchase);
	return rc;
}

/* Loads the subscription of @instance, if it has one, for a change (@found). */
static int load_of_instance(struct numbering_subscription *s, numbering_store *store, const char *instance,
                            int *found)
{
	char name[NUMBERING__SUBSCRIPTION_NAME_SIZE];
	int rc = numbering__subscription_name(name, instance);
	return rc == NUMBERING_OK ? numbering__subscription_load(s, store, name, found) : rc;
}

int numbering__subscription_release(numbering_store *store, const char *instance, int64_t expire_time)
{
	struct numbering_subscription s;
	memset(&s, 0, sizeof(s));
	int found = 0;
	int rc = load_of_instance(&s, store, instance, &found);
	if (rc == NUMBERING_OK && found && s.f.state != NUMBERING_SUBSCRIPTION_CANCELLED) {
		s.f.expire_time = expire_time != 0 ? expire_time : 1;
		rc = numbering__subscription_put(store, &s);
	}
	numbering__subscription_clear(&s);
	return rc;
}

int numbering__subscription_end(numbering_store *store, const char *instance)
{
	struct numbering_subscription s;
	memset(&s, 0, sizeof(s));
	int found = 0;
	int rc = load_of_instance(&s, store, instance, &found);
	if (rc == NUMBERING_OK && found && s.f.state != NUMBERING_SUBSCRIPTION_CANCELLED) {
		s.f.state = NUMBERING_SUBSCRIPTION_CANCELLED;
		s.f.deactivate_time = 0;
		s.f.suspended = 0;
		s.f.end_time = store->last_time != 0 ? store->last_time : s.f.start_time;
		rc = numbering__subscription_put(store, &s);
	}
	numbering__subscription_clear(&s);
	return rc;
}

int numbering__subscription_dates(numbering_store *store, const char *instance, int64_t *next_charge,
                                  int64_t *expire_at)
{
	struct numbering_subscription s;
	memset(&s, 0, sizeof(s));
	int found = 0;
	int rc = load_of_instance(&s, store, instance, &found);
	if (rc == NUMBERING_OK && found && s.f.state != NUMBERING_SUBSCRIPTION_CANCELLED) {
		*next_charge = s.next_charge;
		*expire_at = s.f.expire_time;
	}
	numbering__subscription_clear(&s);
	return rc;
}

/* ---- The public objects ---- */

const char *numbering_subscription_state_name(int state)
{
	switch (state) {
	case NUMBERING_SUBSCRIPTION_ACTIVE:
		return "ACTIVE";
	case NUMBERING_SUBSCRIPTION_DEACTIVATED:
		return "DEACTIVATED";
	case NUMBERING_SUBSCRIPTION_CANCELLED:
		return "CANCELLED";
	default:
		return NULL;
	}
}

void numbering_subscription_free(numbering_subscription *subscription)
{
	if (subscription == NULL)
		return;
	numbering__subscription_clear(subscription);
	numbering__free_mem(subscription);
}

const char *numbering_subscription_name(const numbering_subscription *subscription)
{
	return subscription == NULL ? "" : subscription->name;
}

const char *numbering_subscription_text(const numbering_subscription *subscription, const char *attribute)
{
	if (subscription == NULL || attribute == NULL)
		return "";
	if (strcmp(attribute, "monthlyPrice.currencyCode") == 0)
		return subscription->f.price.currency;
	return numbering__fields_text(TABLE, &subscription->f, attribute);
}

int64_t numbering_subscription_int(const numbering_subscription *subscription, const char *attribute)
{
	if (subscription == NULL || attribute == NULL)
		return 0;
	if (strcmp(attribute, "autoCharge") == 0)
		return subscription->f.auto_charge_off ? 0 : 1;
	if (strcmp(attribute, "monthlyPrice") == 0)
		return subscription->f.price.minor;
	if (strcmp(attribute, "nextChargeDate") == 0)
		return subscription->next_charge;
	if (strcmp(attribute, "autoChargeOff") == 0 || strcmp(attribute, "suspended") == 0 ||
	    strcmp(attribute, "dueBucket") == 0)
		return 0; /* internal */
	return numbering__fields_int(TABLE, &subscription->f, attribute);
}

static int new_subscription(numbering_subscription **out)
{
	if ((*out = numbering__calloc(1, sizeof(**out))) == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for a subscription");
	numbering__subscription_clear(*out);
	return NUMBERING_OK;
}

static int not_found(const char *name)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	return numbering__error_field(NUMBERING_NOT_FOUND, "name", "subscription \"%s\" not found",
	                              numbering__quote(quoted, name, strlen(name)));
}

int numbering_store_get_subscription(numbering_subscription **out, numbering_store *store, const char *caller,
                                     const char *name)
{
	if (out == NULL || store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_get_subscription: %s is NULL",
		                            out == NULL ? "out" : "store");
	*out = NULL;
	char project[NUMBERING__PROJECT_SIZE], instance[NUMBERING__NAME_SIZE];
	int rc = parse_name(project, instance, name, "name");
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_BILLING_GET, project);
	numbering_subscription *s = NULL;
	if (rc == NUMBERING_OK)
		rc = new_subscription(&s);
	if (rc != NUMBERING_OK)
		return rc;
	int found = 0;
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	rc = numbering__subscription_load(s, store, name, &found);
	numbering__rwlock_rdunlock(&store->lock, slot);
	if (rc == NUMBERING_OK && !found)
		rc = not_found(name);
	if (rc != NUMBERING_OK) {
		numbering_subscription_free(s);
		return rc;
	}
	*out = s;
	return NUMBERING_OK;
}

/* ---- Listing ---- */

struct numbering_subscription_page {
	int count, cap;
	numbering_subscription **items;
	char next_token[NUMBERING__TOKEN_TEXT_MAX];
};

/* A page is oldest first (by start time), then by id: two subscriptions can start at
 * one time (a store written before times were taken inside the transaction, a host's
 * backend), and the token names the last one's (start time, id). A token of the time
 * alone started the next page after every subscription of that time, so one of two on
 * the boundary was on no page. */
struct list_visit {
	numbering_subscription_page *page;
	int want; /* the page size */
	struct numbering__page_cursor *cursor;
	int rc;
	int more;
};

/* Takes the records in the walk's order until the page is full and the start time
 * changes: the page's last time may be tied by more than fit, so all of them are
 * read, and sorted by id after the walk. */
static int list_visit(const numbering_record *record, void *payload)
{
	struct list_visit *v = payload;
	numbering_subscription_page *page = v->page;
	int skip = 0;
	if ((v->rc = numbering__page_skip(&skip, v->cursor, record)) != NUMBERING_OK)
		return v->rc;
	if (skip)
		return 0;
	if (page->count >= v->want) {
		v->more = 1; /* one more than the page: there is a next one */
		if (record->sort_key != page->items[page->count - 1]->f.start_time)
			return NUMBERING__VISIT_STOP;
	}
	if (page->count == page->cap) {
		numbering_subscription **grown = numbering__realloc(page->items, (size_t)page->cap * 2 * sizeof(*grown));
		if (grown == NULL)
			return v->rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory listing subscriptions");
		page->items = grown;
		page->cap *= 2;
	}
	if ((v->rc = new_subscription(&page->items[page->count])) != NUMBERING_OK)
		return v->rc;
	if ((v->rc = numbering__subscription_read(page->items[page->count], record)) != NUMBERING_OK) {
		numbering_subscription_free(page->items[page->count]);
		page->items[page->count] = NULL;
		return v->rc;
	}
	page->count++;
	return 0;
}

static int oldest_then_id(const void *x, const void *y)
{
	const numbering_subscription *a = *(numbering_subscription *const *)x, *b = *(numbering_subscription *const *)y;
	if (a->f.start_time != b->f.start_time)
		return a->f.start_time < b->f.start_time ? -1 : 1;
	return strcmp(numbering__page_id_of(a->name), numbering__page_id_of(b->name));
}

static void list_digest(unsigned char digest[NUMBERING__TOKEN_DIGEST_BYTES], const char *project)
{
	crypto_generichash(digest, NUMBERING__TOKEN_DIGEST_BYTES, (const unsigned char *)project, strlen(project),
	                   (const unsigned char *)"subscriptions", 13);
}

int numbering_store_list_subscriptions(numbering_subscription_page **out, numbering_store *store, const char *caller,
                                       const char *project, int page_size, const char *page_token)
{
	if (out == NULL || store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_list_subscriptions: %s is NULL",
		                            out == NULL ? "out" : "store");
	*out = NULL;
	char checked[NUMBERING__PROJECT_SIZE];
	int rc = numbering__project_of_parent(checked, project, "parent");
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_BILLING_GET, checked);
	unsigned char digest[NUMBERING__TOKEN_DIGEST_BYTES];
	struct numbering__page_cursor cursor;
	memset(&cursor, 0, sizeof(cursor));
	if (rc == NUMBERING_OK) {
		list_digest(digest, checked);
		rc = numbering__page_args(&cursor, store, page_size, NUMBERING_SUBSCRIPTION_PAGE_MAX, page_token, digest,
		                          "parent");
	}
	numbering_subscription_page *page = NULL;
	int size = page_size == 0 ? PAGE_DEFAULT : page_size;
	if (rc == NUMBERING_OK && ((page = numbering__calloc(1, sizeof(*page))) == NULL ||
	                           (page->items = numbering__calloc((size_t)size + 1, sizeof(*page->items))) == NULL))
		rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory listing subscriptions");
	if (rc != NUMBERING_OK) {
		numbering_subscription_page_free(page);
		return rc;
	}
	page->cap = size + 1;
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = NUMBERING__KIND_SUBSCRIPTION;
	q.order = NUMBERING_RECORD_ORDER_ASCENDING;
	q.parent = checked;
	numbering__page_query(&q, &cursor);
	struct list_visit v = {page, size, &cursor, NUMBERING_OK, 0};
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	rc = numbering__backend_list(store, &q, list_visit, &v);
	if (rc == NUMBERING_OK)
		rc = v.rc;
	if (rc == NUMBERING_OK && page->count > 1)
		qsort(page->items, (size_t)page->count, sizeof(*page->items), oldest_then_id);
	/* The ties past the page were read only to find the first ones by id. */
	for (; page->count > size; page->count--)
		numbering_subscription_free(page->items[page->count - 1]);
	/* Bucket-managed ones: their current periods, after the listing (each day's bucket
	 * read once for the page). */
	if (rc == NUMBERING_OK)
		rc = current_all(store, page->items, page->count);
	numbering__rwlock_rdunlock(&store->lock, slot);
	if (rc != NUMBERING_OK) {
		numbering_subscription_page_free(page);
		return rc;
	}
	if (v.more) {
		const numbering_subscription *last = page->items[page->count - 1];
		numbering__token_make_keyed(page->next_token, store, digest, last->f.start_time,
		                            numbering__page_id_of(last->name));
	}
	*out = page;
	return NUMBERING_OK;
}

int numbering_subscription_page_count(const numbering_subscription_page *page)
{
	return page == NULL ? 0 : page->count;
}

const numbering_subscription *numbering_subscription_page_item(const numbering_subscription_page *page, int i)
{
	return page == NULL || i < 0 || i >= page->count ? NULL : page->items[i];
}

const char *numbering_subscription_page_next_token(const numbering_subscription_page *page)
{
	return page == NULL ? "" : page->next_token;
}

void numbering_subscription_page_free(numbering_subscription_page *page)
{
	if (page == NULL)
		return;
	for (int i = 0; i < page->count; i++)
		numbering_subscription_free(page->items[i]);
	numbering__free_mem(page->items);
	numbering__free_mem(page);
}

/* ---- autoCharge ---- */

int numbering_store_set_subscription_auto_charge(numbering_subscription **out, numbering_store *store,
                                                 const char *caller, const char *name, int auto_charge)
{
	if (out != NULL)
		*out = NULL;
	if (store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_set_subscription_auto_charge: "
		                                                        "store is NULL");
	char project[NUMBERING__PROJECT_SIZE], instance[NUMBERING__NAME_SIZE];
	int rc = parse_name(project, instance, name, "name");
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_ACTIVE_UPDATE, project);
	if (rc == NUMBERING_OK && auto_charge != 0 && auto_charge != 1)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "autoCharge", "autoCharge %d is neither 1 nor 0",
		                            auto_charge);
	numbering_subscription *s = NULL;
	if (rc == NUMBERING_OK)
		rc = new_subscription(&s);
	if (rc != NUMBERING_OK)
		return rc;
	int found = 0;
	numbering__rwlock_wrlock(&store->lock);
	/* Loaded inside the transaction: after begin() took what other processes committed
	 * to a shared file store, so a stale copy never undoes their change (a release's
	 * end, a renewal's next date). */
	if ((rc = numbering__begin(store)) == NUMBERING_OK) {
		rc = numbering__subscription_load(s, store, name, &found);
		if (rc == NUMBERING_OK && !found)
			rc = not_found(name);
		if (rc == NUMBERING_OK && s->f.state == NUMBERING_SUBSCRIPTION_CANCELLED)
			rc = numbering__error_field(NUMBERING_FAILED_PRECONDITION, "name", "subscription %s is cancelled",
			                            s->name);
		if (rc == NUMBERING_OK && s->f.auto_charge_off != !auto_charge) {
			s->f.auto_charge_off = (uint8_t)!auto_charge;
			rc = numbering__subscription_put(store, s);
		}
		rc = numbering__commit_or_rollback(store, rc);
	}
	numbering__rwlock_wrunlock(&store->lock);
	if (rc == NUMBERING_OK)
		rc = numbering__durable(store);
	if (rc != NUMBERING_OK || out == NULL) {
		numbering_subscription_free(s);
		return rc;
	}
	*out = s;
	return NUMBERING_OK;
}
