/*
 * The billing run (numbering_store_run_billing, numbering/subscription.h): renews the
 * subscriptions due at the store's clock, charging the project's ledger
 * (service/billing.h), deactivating what cannot be paid, reactivating what can again,
 * cancelling what stayed deactivated past the grace period.
 *
 * What is due is found in the SUBSCRIPTION records' expiry order up to now
 * (service/subscription-record.h): an active subscription's key is its next charge
 * date, a deactivated one's its deactivation time; released and cancelled ones have
 * none. So a run visits the due ones only, never the rest. It works in batches of
 * BATCH, each one transaction under the write lock (as numbering_store_process_due());
 * a subscription's charges and its new state are in the same transaction, so a crash
 * leaves it charged for its period or still due, never charged twice: each charge also
 * carries the key "{subscription}#{period}", unique in the ledger. A batch reads each
 * project's account once and puts it once, before its commit, with every entry the
 * batch charged to it (numbering__account_append()).
 *
 * A subscription that renews is charged from its record once (record-managed: new
 * ones, and those of a store written before DUE buckets), then moves into the DUE
 * bucket of its next due day (service/billing-due.h): its record is written once
 * more, bucket-managed, without an expiry key. After the records, a run lists the DUE
 * buckets' expiry order up to now: each due item is charged and moved to the bucket of
 * its next due day, and no SUBSCRIPTION record is written. An item that cannot be
 * paid (balance, autoCharge off) leaves its bucket and its record is written
 * record-managed with its periods and its new state, as above. A batch reads each
 * bucket it touches once and writes it once, in the transaction of its charges.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "model/kinds.h"
#include "model/validate.h"
#include "numbering/subscription.h"
#include "service/active.h"
#include "service/backend-call.h"
#include "service/billing-due.h"
#include "service/billing.h"
#include "service/subscription-record.h"

/* Records a batch lists. A first renewal moves its subscription into a bucket, which
 * each batch adding to it reads and writes once: at 64, each of 10 projects' buckets of
 * 100 was written 16 times in a run (~4.4k instructions a charge), at 256 4 times. */
#define BATCH 256
/* DUE buckets a batch lists (each of its own project: at most as many accounts). */
#define BUCKETS_MAX 64
/* A DUE batch stops listing buckets once they hold this many items (a bucket is
 * processed whole, so one larger than this is a batch of its own). */
#define BATCH_ITEMS 1024
#define COLLECTION "/subscriptions/"
/* A run pays at most this many periods of one subscription (a clock moved years ahead). */
#define PERIODS_MAX 1200
#define CHARGE_KEY_SIZE (NUMBERING__SUBSCRIPTION_NAME_SIZE + 24)

/* A due subscription as the batch's listing read it (under the same write lock as its
 * processing, so it is what the store holds): not read a second time. */
struct due {
	struct numbering_subscription s;
	int64_t key;
};

struct due_visit {
	int count;
	int ready; /* items[0 .. ready) are cleared: the others are cleared on first use */
	int rc;
	struct due items[BATCH];
};

/* The items are clear when a listing starts (cleared on first use, and each batch
 * clears what it read), so a read needs no clear of its own (a fields clear,
 * which also sets the defaults a body leaves out, costs ~280 instructions). */
static int due_visit(const numbering_record *record, void *payload)
{
	struct due_visit *v = payload;
	struct due *d = &v->items[v->count];
	if (v->count == v->ready) {
		memset(&d->s, 0, sizeof(d->s));
		numbering__subscription_clear(&d->s);
		v->ready++;
	}
	if ((v->rc = numbering__subscription_read(&d->s, record)) != NUMBERING_OK)
		return v->rc;
	d->key = record->expires;
	return ++v->count == BATCH ? NUMBERING__VISIT_STOP : 0;
}

/* An event to send about an instance once the batch is durable. */
struct event {
	const char *type; /* NULL: none */
	char name[NUMBERING__NAME_SIZE];
};

/* The DUE buckets one transaction touches, each read once and written once before the
 * commit; found by (project, day) through an open-addressed hash of their indexes. The
 * bucket objects stay allocated from batch to batch. */
struct bucket_set {
	struct numbering__due_bucket **b;
	int count, cap; /* in use, allocated */
	int *slots;     /* index + 1, 0 for empty */
	uint32_t *hashes;
	int nslots;
};

/* What one run shares between its batches. */
struct run {
	numbering_store *store;
	int64_t now;       /* the store's clock when the run started */
	int64_t run_start; /* the first store time the run hands out */
	int64_t grace;     /* ns */
	numbering_billing_report *report;
	numbering_active_number *a; /* scratch for a cancellation */
	const char *event;          /* what the subscription being processed reports, or NULL */
	struct numbering_subscription *sp; /* the subscription being processed */
	int64_t memo_n, memo_start;        /* period_start(): sp's period memo_n starts at memo_start */
	struct numbering__account *account; /* its project's, one of accounts[] */
	unsigned char charged[BATCH]; /* accounts[i] has an entry to put */
	int account_count;
	int account_slots[2 * BATCH]; /* accounts[] by project, open addressing: index + 1, 0 empty */
	struct numbering__account none; /* a free number's: no account */
	struct bucket_set set;
	struct event *events; /* the batch's, emitted once it is durable */
	int event_count, event_cap;
	int written; /* process_one() wrote the subscription */
	struct numbering_subscription mat; /* scratch: a subscription taken out of its bucket */
	/* The accounts the batch charges, as its transaction has them: each read once and
	 * put once before the commit, however many of its subscriptions are due. Last, and
	 * not cleared when the run starts (~300 KB; numbering__account_load() sets what it
	 * reads): a run of 100 charges spent a tenth of its time clearing them. */
	struct numbering__account accounts[BATCH];
};

/* ---- The batch's buckets ---- */

static uint32_t bucket_hash(const char *project, int64_t day)
{
	uint32_t h = 2166136261u ^ (uint32_t)day ^ (uint32_t)((uint64_t)day >> 32);
	for (const unsigned char *p = (const unsigned char *)project; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

static void set_clear(struct bucket_set *set)
{
	set->count = 0;
	if (set->slots != NULL)
		memset(set->slots, 0, (size_t)set->nslots * sizeof(*set->slots));
}

static void set_free(struct bucket_set *set)
{
	for (int i = 0; i < set->cap; i++) {
		if (set->b[i] != NULL)
			numbering__due_free(set->b[i]);
		numbering__free_mem(set->b[i]);
	}
	numbering__free_mem(set->b);
	numbering__free_mem(set->slots);
	numbering__free_mem(set->hashes);
	memset(set, 0, sizeof(*set));
}

static void set_link(struct bucket_set *set, int i)
{
	uint32_t h = set->hashes[i], mask = (uint32_t)set->nslots - 1;
	uint32_t at = h & mask;
	while (set->slots[at] != 0)
		at = (at + 1) & mask;
	set->slots[at] = i + 1;
}

/* A new bucket object at the set's end (its hash @h), its table grown as needed. */
static int set_append(struct bucket_set *set, uint32_t h, struct numbering__due_bucket **out)
{
	if (set->count == set->cap) {
		int cap = set->cap < 16 ? 16 : set->cap * 2;
		struct numbering__due_bucket **b = numbering__realloc(set->b, (size_t)cap * sizeof(*b));
		uint32_t *hashes = b != NULL ? numbering__realloc(set->hashes, (size_t)cap * sizeof(*hashes)) : NULL;
		if (b != NULL)
			set->b = b;
		if (hashes != NULL)
			set->hashes = hashes;
		if (b == NULL || hashes == NULL)
			return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory running billing");
		for (int i = set->cap; i < cap; i++)
			set->b[i] = NULL;
		set->cap = cap;
	}
	if ((set->count + 1) * 2 > set->nslots) {
		int nslots = set->nslots < 64 ? 64 : set->nslots * 2;
		int *slots = numbering__calloc((size_t)nslots, sizeof(*slots));
		if (slots == NULL)
			return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory running billing");
		numbering__free_mem(set->slots);
		set->slots = slots;
		set->nslots = nslots;
		for (int i = 0; i < set->count; i++)
			set_link(set, i);
	}
	int i = set->count;
	if (set->b[i] == NULL && (set->b[i] = numbering__calloc(1, sizeof(*set->b[i]))) == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory running billing");
	set->hashes[i] = h;
	set_link(set, i);
	set->count++;
	*out = set->b[i];
	return NUMBERING_OK;
}

/* The bucket of (@project, @day) that holds the item @id in the batch, read on first
 * use. The buckets of a day (its shards) have one hash: each is met on the way from its
 * slot to the first empty one, and any of them tells how many shards the day has. */
static int set_get(struct bucket_set *set, numbering_store *store, const char *project, int64_t day, const char *id,
                   size_t id_len, struct numbering__due_bucket **out)
{
	uint32_t h = bucket_hash(project, day), mask = (uint32_t)set->nslots - 1, shards = 0, shard = 0;
	for (uint32_t at = h & mask; set->nslots > 0 && set->slots[at] != 0; at = (at + 1) & mask) {
		int i = set->slots[at] - 1;
		if (set->hashes[i] != h)
			continue;
		struct numbering__due_bucket *b = set->b[i];
		if (b->day != day || strcmp(b->project, project) != 0)
			continue;
		if (b->shards == 1) { /* an unsplit day: its one bucket */
			*out = b;
			return NUMBERING_OK;
		}
		if (shards == 0) {
			shards = b->shards;
			shard = numbering__due_shard_of(id, id_len, shards);
		}
		if (b->shard == shard) {
			*out = b;
			return NUMBERING_OK;
		}
	}
	int rc = set_append(set, h, out);
	if (rc != NUMBERING_OK)
		return rc;
	if (shards != 0)
		return numbering__due_load_shard(*out, store, project, day, shards, shard);
	return numbering__due_load(*out, store, project, day, id, id_len);
}

/* Writes every bucket the batch changed, then splits the days of those left with too
 * many items (each split reads its day's buckets as written). */
static int set_write(struct bucket_set *set, numbering_store *store)
{
	int rc = NUMBERING_OK;
	for (int i = 0; i < set->count && rc == NUMBERING_OK; i++)
		rc = numbering__due_write(store, set->b[i]);
	for (int i = 0; i < set->count && rc == NUMBERING_OK; i++)
		if (set->b[i]->count > NUMBERING__DUE_SHARD_ITEMS)
			rc = numbering__due_split(store, set->b[i]->project, set->b[i]->day);
	return rc;
}

static int push_event(struct run *r, const struct event *e)
{
	if (e->type == NULL)
		return NUMBERING_OK;
	if (r->event_count == r->event_cap) {
		int cap = r->event_cap < 16 ? 16 : r->event_cap * 2;
		struct event *ev = numbering__realloc(r->events, (size_t)cap * sizeof(*ev));
		if (ev == NULL)
			return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory running billing");
		r->events = ev;
		r->event_cap = cap;
	}
	r->events[r->event_count++] = *e;
	return NUMBERING_OK;
}

static uint32_t bucket_hash(const char *project, int64_t day);

/* The account of @project in the batch, read on first use. */
static int batch_account(struct run *r, const char *project)
{
	uint32_t mask = 2 * BATCH - 1, at = bucket_hash(project, 0) & mask;
	for (; r->account_slots[at] != 0; at = (at + 1) & mask)
		if (strcmp(r->accounts[r->account_slots[at] - 1].project, project) == 0) {
			r->account = &r->accounts[r->account_slots[at] - 1];
			return NUMBERING_OK;
		}
	if (r->account_count == BATCH)
		return numbering__error_set(NUMBERING_INTERNAL, "a billing batch charges more than %d accounts", BATCH);
	struct numbering__account *a = &r->accounts[r->account_count];
	int rc = numbering__account_load(a, r->store, project);
	if (rc == NUMBERING_OK) {
		r->account = a;
		r->charged[r->account_count++] = 0;
		r->account_slots[at] = r->account_count;
	}
	return rc;
}

/* A new batch: no account read yet. */
static void accounts_clear(struct run *r)
{
	r->account_count = 0;
	memset(r->account_slots, 0, sizeof(r->account_slots));
}

/* Whether the account can pay @amount of @currency now (no error set either way). */
static int can_pay(const struct numbering__account *a, const char *currency, int64_t amount)
{
	char details[NUMBERING__BILLING_DETAILS_SIZE];
	if (amount == 0)
		return 1;
	if (numbering__account_check_currency(a, currency, "monthlyPrice") != NUMBERING_OK) {
		numbering_error_clear();
		return 0;
	}
	return !numbering__account_short(a, currency, amount, details, sizeof(details));
}

/* The start of period @n of the subscription being processed. Each is a calendar
 * computation (~180 instructions): the one of the periods paid is s->next_charge (kept
 * so by numbering__subscription_read() and charge_period()), and the last other one
 * asked is remembered, as periods_owed() asks for the one charge_period() then needs. */
static int64_t period_start(struct run *r, int64_t n)
{
	if (n == r->sp->f.periods_paid)
		return r->sp->next_charge;
	if (n != r->memo_n) {
		r->memo_start = numbering__subscription_period_start(r->sp, n);
		r->memo_n = n;
	}
	return r->memo_start;
}

/* "{subscription}#{period}" into @key (CHARGE_KEY_SIZE bytes), as snprintf() would. */
static void charge_key(char key[CHARGE_KEY_SIZE], const char *name, int64_t period)
{
	char digits[20];
	size_t count = 0, len = strnlen(name, NUMBERING__SUBSCRIPTION_NAME_SIZE - 1);
	uint64_t v = period < 0 ? 0 : (uint64_t)period;
	do {
		digits[count++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	memcpy(key, name, len);
	key[len++] = '#';
	while (count > 0)
		key[len++] = digits[--count];
	key[len] = '\0';
}

/* Pays the subscription's next period (periods_paid + 1) at @t. */
static int charge_period(struct run *r, int64_t cost, int64_t t)
{
	struct numbering_subscription *s = r->sp;
	if (cost > 0) {
		char key[CHARGE_KEY_SIZE];
		charge_key(key, s->name, s->f.periods_paid + 1);
		struct numbering__entry_in e = {s->f.price.currency, -cost, 0, "renewal", s->name, key, t};
		int rc = numbering__account_append(r->store, r->account, &e, NULL);
		if (rc == NUMBERING_OK)
			r->charged[r->account - r->accounts] = 1;
		if (rc == NUMBERING_ALREADY_EXISTS) {
			/* Paid by an earlier run whose subscription write is not here: never twice. */
			numbering_error_clear();
		} else if (rc != NUMBERING_OK) {
			return rc;
		}
	}
	int64_t next = period_start(r, s->f.periods_paid + 1);
	s->f.periods_paid++;
	s->next_charge = next;
	r->report->charged++;
	return NUMBERING_OK;
}

/* Whether a period starting at @start is due at @now. A start past the last time a
 * store records reads as that last time (numbering__add_months() clamps): such a
 * period never comes, and a run at that very time charged up to PERIODS_MAX of them. */
static int due_at(int64_t start, int64_t now)
{
	return start <= now && start < NUMBERING__TIME_MAX;
}

/* The last expiry key a run lists at @now: one that is due (due_at()). A key at the
 * last time is a period that never comes, and listing it again and again would never
 * end the run. */
static int64_t due_until(int64_t now)
{
	return now < NUMBERING__TIME_MAX ? now : NUMBERING__TIME_MAX - 1;
}

/* How many periods are due at the run's time: those starting at or before it. */
static int64_t periods_owed(struct run *r)
{
	int64_t n = 0;
	while (n < PERIODS_MAX && due_at(period_start(r, r->sp->f.periods_paid + n), r->now))
		n++;
	return n;
}

/* Sets the instance of the subscription to @to when it is in @from. *changed 1 if so. */
static int set_lifecycle(struct run *r, int from, int to, int64_t t, int *changed)
{
	*changed = 0;
	numbering_instance *in = r->a->instance;
	int rc = numbering__backend_get(r->store, in, r->sp->f.instance);
	if (rc == NUMBERING_NOT_FOUND) {
		numbering_error_clear();
		return NUMBERING_OK;
	}
	if (rc != NUMBERING_OK || in->lifecycle_state != from)
		return rc;
	in->lifecycle_state = (uint8_t)to;
	if (to == NUMBERING_LIFECYCLE_ACTIVE && in->activate_time == 0)
		in->activate_time = t;
	*changed = 1;
	return numbering__backend_put(r->store, in);
}

static int deactivate(struct run *r, int64_t t)
{
	struct numbering_subscription *s = r->sp;
	int suspended = 0;
	int rc = set_lifecycle(r, NUMBERING_LIFECYCLE_ACTIVE, NUMBERING_LIFECYCLE_SUSPENDED, t, &suspended);
	s->f.state = NUMBERING_SUBSCRIPTION_DEACTIVATED;
	s->f.deactivate_time = t;
	s->f.suspended = (uint8_t)suspended;
	if (suspended)
		r->event = "phoneNumberInstance.suspended";
	r->report->deactivated++;
	return rc;
}

/* Cancels the subscription: its number ends as a release does (service/active.h). */
static int cancel(struct run *r, int64_t t)
{
	struct numbering_subscription *s = r->sp;
	numbering_active_number *a = r->a;
	int rc = numbering__backend_get(r->store, a->instance, s->f.instance);
	int live = rc == NUMBERING_OK && a->instance->lifecycle_state != NUMBERING_LIFECYCLE_DELETED;
	if (rc == NUMBERING_NOT_FOUND) {
		numbering_error_clear();
		rc = NUMBERING_OK;
	}
	if (rc == NUMBERING_OK && live) {
		char name[NUMBERING__ACTIVE_NAME_SIZE];
		numbering__active_name(name, s->project, a->instance->digits, a->instance->first);
		if ((rc = numbering__active_read(r->store, a, s->project)) == NUMBERING_OK)
			rc = numbering__active_give_back(r->store, a, name, t);
	}
	s->f.state = NUMBERING_SUBSCRIPTION_CANCELLED;
	s->f.deactivate_time = 0;
	s->f.suspended = 0;
	s->f.end_time = t;
	r->report->cancelled++;
	return rc;
}

/* Writes the subscription @s process_one() processed: into the DUE bucket of its next
 * due day when it still renews (bucket-managed, its record without an expiry key),
 * record-managed otherwise. */
static int settle(struct run *r, struct numbering_subscription *s)
{
	r->written = 1;
	if (s->f.state != NUMBERING_SUBSCRIPTION_ACTIVE || s->f.auto_charge_off || s->f.expire_time != 0) {
		s->f.due_bucket = 0;
		return numbering__subscription_put_dated(r->store, s);
	}
	struct numbering__due_item it;
	memset(&it, 0, sizeof(it));
	const char *id = s->name + strlen(s->project) + strlen(COLLECTION);
	size_t id_len = strlen(id);
	if (id_len > NUMBERING__DUE_ID_MAX)
		return numbering__error_field(NUMBERING_DATA_LOSS, "name", "subscription %s's id is too long", s->name);
	memcpy(it.id, id, id_len + 1);
	it.id_len = (uint8_t)id_len;
	it.interval_months = (uint8_t)s->f.interval_months;
	memcpy(it.currency, s->f.price.currency, sizeof(it.currency));
	it.price = s->f.price.currency[0] != '\0' ? s->f.price.minor : 0;
	it.start = s->f.start_time;
	it.periods = s->f.periods_paid;
	it.next_due = s->next_charge;
	struct numbering__due_bucket *b = NULL;
	int rc = set_get(&r->set, r->store, s->project, numbering__due_day(it.next_due), it.id, it.id_len, &b);
	if (rc == NUMBERING_OK)
		rc = numbering__due_add(b, &it);
	s->f.due_bucket = 1;
	if (rc == NUMBERING_OK)
		rc = numbering__subscription_put_dated(r->store, s);
	return rc;
}

/* Does what is due for the subscription @s (inside the batch's transaction), with the
 * event about its instance, if any, in @e. */
static int process_one(struct run *r, struct numbering_subscription *s, struct event *e)
{
	e->type = NULL;
	r->event = NULL;
	r->sp = s;
	r->memo_n = -1;
	int rc = NUMBERING_OK;
	if (s->f.state == NUMBERING_SUBSCRIPTION_CANCELLED || s->f.expire_time != 0)
		return rc;
	int deactivated = s->f.state == NUMBERING_SUBSCRIPTION_DEACTIVATED;
	/* Deactivated by this very run: nothing changed since. */
	if (deactivated && s->f.deactivate_time >= r->run_start)
		return NUMBERING_OK;
	if (!deactivated && !due_at(s->next_charge, r->now))
		return NUMBERING_OK;
	int64_t cost = 0, owed = periods_owed(r), t = 0;
	if ((rc = numbering__subscription_period_cost(s, &cost)) != NUMBERING_OK)
		return rc;
	/* A free number renews without its account. */
	memset(&r->none, 0, sizeof(r->none));
	r->account = &r->none;
	if (cost > 0 && (rc = batch_account(r, s->project)) != NUMBERING_OK)
		return rc;
	int64_t total = 0;
	int payable = !s->f.auto_charge_off && !__builtin_mul_overflow(cost, owed, &total) &&
	              can_pay(r->account, s->f.price.currency, total);
	if (deactivated && !payable && r->now - s->f.deactivate_time < r->grace)
		return NUMBERING_OK; /* still owing, still in its grace period */
	if ((rc = numbering__next_time(r->store, &t)) != NUMBERING_OK)
		return rc;
	if (deactivated && payable) {
		int resumed = 0;
		if (s->f.suspended)
			rc = set_lifecycle(r, NUMBERING_LIFECYCLE_SUSPENDED, NUMBERING_LIFECYCLE_ACTIVE, t, &resumed);
		if (resumed)
			r->event = "phoneNumberInstance.resumed";
		s->f.state = NUMBERING_SUBSCRIPTION_ACTIVE;
		s->f.deactivate_time = 0;
		s->f.suspended = 0;
		r->report->reactivated++;
	} else if (deactivated) {
		rc = cancel(r, t);
		r->event = "phoneNumberInstance.deleted";
		owed = 0;
	}
	/* Each period due, while the account can pay it (each one can when all of them
	 * could: @payable, and no second currency check and balance test). */
	for (int64_t i = 0; rc == NUMBERING_OK && i < owed && s->f.state == NUMBERING_SUBSCRIPTION_ACTIVE; i++) {
		if (payable || (!s->f.auto_charge_off && can_pay(r->account, s->f.price.currency, cost)))
			rc = charge_period(r, cost, t);
		else
			rc = deactivate(r, t);
	}
	if (rc == NUMBERING_OK)
		rc = settle(r, s);
	if (rc == NUMBERING_OK && r->event != NULL) {
		e->type = r->event;
		snprintf(e->name, sizeof(e->name), "%s", s->f.instance);
	}
	return rc;
}

/* Ends a batch's transaction: the buckets it touched, the accounts it charged, the
 * commit (a rollback on failure, the report and the store's last time as before). */
static int batch_end(struct run *r, int rc, int64_t last_time, const numbering_billing_report *before)
{
	numbering_store *store = r->store;
	if (rc == NUMBERING_OK)
		rc = set_write(&r->set, store);
	for (int i = 0; i < r->account_count && rc == NUMBERING_OK; i++)
		if (r->charged[i])
			rc = numbering__account_put(store, &r->accounts[i]);
	if (rc == NUMBERING_OK)
		rc = numbering__commit(store);
	else
		numbering__rollback(store);
	if (rc != NUMBERING_OK) {
		store->last_time = last_time;
		*r->report = *before; /* nothing of the batch landed */
	}
	return rc;
}

/* After the write lock is released: durable when the batch wrote (@wrote), then its events. */
static int batch_after(struct run *r, int rc, int wrote)
{
	if (rc == NUMBERING_OK && wrote)
		rc = numbering__durable(r->store);
	for (int i = 0; i < r->event_count && rc == NUMBERING_OK; i++)
		numbering__emit(r->store, r->events[i].type, r->events[i].name);
	r->event_count = 0;
	return rc;
}

/* One batch: the due subscriptions after the cursor, under the write lock, in one
 * transaction. *count gets how many were listed, *last the last one's key. */
static int run_batch(struct run *r, int has_after, int64_t after, int *count, int64_t *last, struct due_visit *v)
{
	numbering_store *store = r->store;
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = NUMBERING__KIND_SUBSCRIPTION;
	q.order = NUMBERING_RECORD_ORDER_EXPIRY;
	q.expires_until = due_until(r->now);
	q.has_after = has_after;
	q.after = after;
	q.limit = BATCH;
	numbering_billing_report before = *r->report;
	numbering__rwlock_wrlock(&store->lock);
	int64_t last_time = store->last_time;
	v->count = 0;
	v->rc = NUMBERING_OK;
	accounts_clear(r);
	r->event_count = 0;
	set_clear(&r->set);
	/* Listed inside the batch's transaction, whose begin catches up with what other
	 * processes committed: what is due is what the store holds, so a period another
	 * run charged is not due any more (a charge's key is not looked up:
	 * numbering__account_append()). */
	int rc = numbering__begin(store), begun = rc == NUMBERING_OK;
	if (begun && (rc = numbering__backend_list(store, &q, due_visit, v)) == NUMBERING_OK)
		rc = v->rc;
	*count = v->count;
	*last = v->count > 0 ? v->items[v->count - 1].key : 0;
	if (rc == NUMBERING_OK && v->count > 0) {
		for (int i = 0; i < v->count && rc == NUMBERING_OK; i++) {
			struct event e;
			if ((rc = process_one(r, &v->items[i].s, &e)) == NUMBERING_OK)
				rc = push_event(r, &e);
		}
		rc = batch_end(r, rc, last_time, &before);
	} else if (begun) {
		numbering__rollback(store);
	}
	numbering__rwlock_wrunlock(&store->lock);
	for (int i = 0; i < v->count; i++)
		numbering__subscription_clear(&v->items[i].s);
	return batch_after(r, rc, v->count > 0);
}

/* ---- The DUE buckets ---- */

struct bucket_visit {
	struct run *r;
	int items;
	int rc;
};

/* Each due bucket listed is read into the batch's set, until they hold BATCH_ITEMS items. */
static int bucket_visit(const numbering_record *record, void *payload)
{
	struct bucket_visit *v = payload;
	struct numbering__due_bucket *b = NULL;
	const char *parent = record->parent != NULL ? record->parent : "";
	uint32_t h = bucket_hash(parent, numbering__due_key_day(record->sort_key));
	if ((v->rc = set_append(&v->r->set, h, &b)) != NUMBERING_OK)
		return v->rc;
	if ((v->rc = numbering__due_read(b, record)) != NUMBERING_OK)
		return v->rc;
	v->items += (int)b->count;
	return v->items >= BATCH_ITEMS ? NUMBERING__VISIT_STOP : 0;
}

struct sub_visit {
	struct numbering_subscription *s;
	int rc;
};

static int sub_visit(const numbering_record *record, void *payload)
{
	struct sub_visit *v = payload;
	v->rc = numbering__subscription_read(v->s, record);
	return 0;
}

/* The item @i of @b cannot be charged from its bucket: it leaves it, and its
 * subscription is processed from its record (written record-managed with the item's
 * periods, or back into a bucket if it paid after all). */
static int take_out(struct run *r, struct numbering__due_bucket *b, uint32_t i, const char *name)
{
	struct numbering_subscription *s = &r->mat;
	struct numbering__due_item it = b->items[i];
	b->items[i].gone = 1;
	b->dirty = 1;
	numbering__subscription_clear(s);
	struct sub_visit v = {s, NUMBERING_OK};
	int rc = numbering__backend_get_record(r->store, NUMBERING__KIND_SUBSCRIPTION, name, sub_visit, &v);
	if (rc == NUMBERING_OK)
		rc = v.rc;
	if (rc == NUMBERING_NOT_FOUND || (rc == NUMBERING_OK && (!s->f.due_bucket || s->f.start_time != it.start)))
		rc = numbering__error_field(NUMBERING_DATA_LOSS, "dueBucket",
		                            "billing due bucket of %s on day %" PRId64 " holds %s, whose record is not "
		                            "bucket-managed",
		                            b->project, b->day, name);
	if (rc != NUMBERING_OK) {
		numbering__subscription_clear(s);
		return rc;
	}
	s->f.due_bucket = 0;
	s->f.periods_paid = it.periods;
	s->next_charge = it.next_due;
	struct event e;
	r->written = 0;
	rc = process_one(r, s, &e);
	if (rc == NUMBERING_OK && !r->written)
		rc = numbering__subscription_put_dated(r->store, s);
	if (rc == NUMBERING_OK)
		rc = push_event(r, &e);
	numbering__subscription_clear(s);
	return rc;
}

/* Charges the item @i of the due bucket @b when it is due: every period owed at the
 * run's time, then moves it to the bucket of its next due day. */
static int charge_item(struct run *r, struct numbering__due_bucket *b, uint32_t i)
{
	struct numbering__due_item it = b->items[i];
	if (it.gone || !due_at(it.next_due, r->now))
		return NUMBERING_OK;
	char name[NUMBERING__SUBSCRIPTION_NAME_SIZE];
	size_t plen = strlen(b->project);
	if (plen + strlen(COLLECTION) + it.id_len >= sizeof(name))
		return numbering__error_field(NUMBERING_DATA_LOSS, "id", "billing due item %s of %s is too long", it.id,
		                              b->project);
	memcpy(name, b->project, plen);
	memcpy(name + plen, COLLECTION, strlen(COLLECTION));
	memcpy(name + plen + strlen(COLLECTION), it.id, (size_t)it.id_len + 1);
	int64_t owed = 0, next = it.next_due, cost = 0, total = 0;
	while (owed < PERIODS_MAX && due_at(next, r->now))
		next = numbering__due_period_start(&it, it.periods + ++owed);
	int overflow = __builtin_mul_overflow(it.price, (int64_t)it.interval_months, &cost) ||
	               __builtin_mul_overflow(cost, owed, &total);
	memset(&r->none, 0, sizeof(r->none));
	r->account = &r->none;
	int rc = NUMBERING_OK;
	if (!overflow && cost > 0 && (rc = batch_account(r, b->project)) != NUMBERING_OK)
		return rc;
	if (overflow || owed >= PERIODS_MAX || !can_pay(r->account, it.currency, total))
		return take_out(r, b, i, name);
	int64_t t = 0;
	if ((rc = numbering__next_time(r->store, &t)) != NUMBERING_OK)
		return rc;
	for (int64_t k = 1; k <= owed && cost > 0; k++) {
		char key[CHARGE_KEY_SIZE];
		charge_key(key, name, it.periods + k);
		struct numbering__entry_in e = {it.currency, -cost, 0, "renewal", name, key, t};
		rc = numbering__account_append(r->store, r->account, &e, NULL);
		if (rc == NUMBERING_OK)
			r->charged[r->account - r->accounts] = 1;
		else if (rc == NUMBERING_ALREADY_EXISTS)
			numbering_error_clear(); /* paid by an earlier run: never twice */
		else
			return rc;
	}
	r->report->charged += owed;
	b->items[i].gone = 1;
	b->dirty = 1;
	it.periods += owed;
	it.next_due = next;
	struct numbering__due_bucket *to = NULL;
	if ((rc = set_get(&r->set, r->store, b->project, numbering__due_day(next), it.id, it.id_len, &to)) ==
	    NUMBERING_OK)
		rc = numbering__due_add(to, &it);
	return rc;
}

/* One batch of due buckets, in one transaction: *count gets how many were listed. */
static int run_due_batch(struct run *r, int *count)
{
	numbering_store *store = r->store;
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = NUMBERING__KIND_DUE;
	q.order = NUMBERING_RECORD_ORDER_EXPIRY;
	q.expires_until = due_until(r->now);
	q.limit = BUCKETS_MAX;
	numbering_billing_report before = *r->report;
	numbering__rwlock_wrlock(&store->lock);
	int64_t last_time = store->last_time;
	accounts_clear(r);
	r->event_count = 0;
	set_clear(&r->set);
	struct bucket_visit v = {r, 0, NUMBERING_OK};
	/* Listed inside the transaction, as the records are (run_batch()). */
	int rc = numbering__begin(store), begun = rc == NUMBERING_OK;
	if (begun && (rc = numbering__backend_list(store, &q, bucket_visit, &v)) == NUMBERING_OK)
		rc = v.rc;
	int listed = r->set.count;
	*count = listed;
	if (rc == NUMBERING_OK && listed > 0) {
		/* The set grows with the buckets items move to: the listed ones are its first. */
		for (int k = 0; k < listed && rc == NUMBERING_OK; k++) {
			struct numbering__due_bucket *b = r->set.b[k];
			uint32_t n = b->count; /* items arriving in it are not due */
			for (uint32_t i = 0; i < n && rc == NUMBERING_OK; i++)
				rc = charge_item(r, b, i);
		}
		rc = batch_end(r, rc, last_time, &before);
	} else if (begun) {
		numbering__rollback(store);
	}
	numbering__rwlock_wrunlock(&store->lock);
	return batch_after(r, rc, listed > 0);
}

int numbering_store_run_billing(numbering_billing_report *report, numbering_store *store, const char *caller)
{
	if (report != NULL && report->version != NUMBERING_BILLING_REPORT_VERSION)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "version",
		                              "numbering_billing_report version %u is not one this library knows (1)",
		                              report->version);
	int rc = numbering__host_call(store, caller, NUMBERING__PERM_BILLING_RUN, 1, 1, "numbering_store_run_billing");
	if (rc != NUMBERING_OK)
		return rc;
	numbering_billing_report mine = NUMBERING_BILLING_REPORT_INIT;
	if (report == NULL)
		report = &mine;
	report->charged = report->deactivated = report->reactivated = report->cancelled = 0;
	/* Releases due now end first: a released number is not renewed. */
	if ((rc = numbering_store_process_due(NULL, store)) != NUMBERING_OK)
		return rc;
	struct run *r = numbering__malloc(sizeof(*r));
	struct due_visit *v = numbering__malloc(sizeof(*v));
	if (r == NULL || v == NULL) {
		numbering__free_mem(r);
		numbering__free_mem(v);
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory running billing");
	}
	memset(r, 0, offsetof(struct run, accounts));
	v->count = v->ready = 0;
	v->rc = NUMBERING_OK;
	numbering__subscription_clear(&r->mat);
	r->store = store;
	r->report = report;
	r->now = store->clock(store->clock_payload);
	r->grace = store->billing_grace;
	rc = numbering__active_new(&r->a, "projects/-");
	/* Every time this run hands out is after every one before it. */
	numbering__rwlock_wrlock(&store->lock);
	r->run_start = store->last_time + 1;
	numbering__rwlock_wrunlock(&store->lock);
	/* The records first. The cursor: the next batch starts at the last key of this one
	 * (records with that key may remain), past it only when a whole batch changed
	 * nothing. */
	int has_after = 0;
	int64_t after = 0;
	while (rc == NUMBERING_OK) {
		int count = 0;
		int64_t last = 0;
		numbering_billing_report seen = *report;
		rc = run_batch(r, has_after, after, &count, &last, v);
		if (rc != NUMBERING_OK || count < BATCH)
			break;
		int changed = memcmp(&seen, report, sizeof(seen)) != 0;
		has_after = 1;
		after = changed ? last - 1 : last;
	}
	/* Then the buckets: a batch leaves none of the items it listed due (each is charged
	 * up to a date after now, or taken out), so each lists from the start. */
	for (int count = 1; rc == NUMBERING_OK && count > 0;)
		rc = run_due_batch(r, &count);
	numbering_active_number_free(r->a);
	set_free(&r->set);
	numbering__free_mem(r->events);
	numbering__subscription_clear(&r->mat);
	numbering__free_mem(r);
	numbering__free_mem(v);
	return rc;
}
