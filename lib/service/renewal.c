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
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "model/kinds.h"
#include "numbering/subscription.h"
#include "service/active.h"
#include "service/backend-call.h"
#include "service/billing.h"
#include "service/subscription-record.h"

#define BATCH 64
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
	struct due items[BATCH];
	int count;
	int rc;
};

/* The items are clear when a listing starts (cleared when the run starts, and each
 * batch clears what it read), so a read needs no clear of its own (a fields clear,
 * which also sets the defaults a body leaves out, costs ~280 instructions). */
static int due_visit(const numbering_record *record, void *payload)
{
	struct due_visit *v = payload;
	struct due *d = &v->items[v->count];
	if ((v->rc = numbering__subscription_read(&d->s, record)) != NUMBERING_OK)
		return v->rc;
	d->key = record->expires;
	return ++v->count == BATCH ? NUMBERING__VISIT_STOP : 0;
}

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
	/* The accounts the batch charges, as its transaction has them: each read once and
	 * put once before the commit, however many of its subscriptions are due. */
	struct numbering__account accounts[BATCH];
	unsigned char charged[BATCH]; /* accounts[i] has an entry to put */
	int account_count;
};

/* The account of @project in the batch, read on first use. */
static int batch_account(struct run *r, const char *project)
{
	for (int i = 0; i < r->account_count; i++)
		if (strcmp(r->accounts[i].project, project) == 0) {
			r->account = &r->accounts[i];
			return NUMBERING_OK;
		}
	struct numbering__account *a = &r->accounts[r->account_count];
	int rc = numbering__account_load(a, r->store, project);
	if (rc == NUMBERING_OK) {
		r->account = a;
		r->charged[r->account_count++] = 0;
	}
	return rc;
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

/* How many periods are due at the run's time: those starting at or before it. */
static int64_t periods_owed(struct run *r)
{
	int64_t n = 0;
	while (n < PERIODS_MAX && period_start(r, r->sp->f.periods_paid + n) <= r->now)
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

/* An event to send about an instance once the batch is durable. */
struct event {
	const char *type; /* NULL: none */
	char name[NUMBERING__NAME_SIZE];
};

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
	if (!deactivated && s->next_charge > r->now)
		return NUMBERING_OK;
	int64_t cost = 0, owed = periods_owed(r), t = 0;
	if ((rc = numbering__subscription_period_cost(s, &cost)) != NUMBERING_OK)
		return rc;
	/* A free number renews without its account. */
	struct numbering__account none;
	memset(&none, 0, sizeof(none));
	r->account = &none;
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
		rc = numbering__subscription_put_dated(r->store, s);
	if (rc == NUMBERING_OK && r->event != NULL) {
		e->type = r->event;
		snprintf(e->name, sizeof(e->name), "%s", s->f.instance);
	}
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
	q.expires_until = r->now;
	q.has_after = has_after;
	q.after = after;
	q.limit = BATCH;
	struct event events[BATCH];
	numbering_billing_report before = *r->report;
	numbering__rwlock_wrlock(&store->lock);
	int64_t last_time = store->last_time;
	v->count = 0;
	v->rc = NUMBERING_OK;
	/* Listed inside the batch's transaction, whose begin catches up with what other
	 * processes committed: what is due is what the store holds, so a period another
	 * run charged is not due any more (a charge's key is not looked up:
	 * numbering__account_append()). */
	int rc = numbering__begin(store), begun = rc == NUMBERING_OK;
	if (begun && (rc = numbering__backend_list(store, &q, due_visit, v)) == NUMBERING_OK)
		rc = v->rc;
	*count = v->count;
	*last = v->count > 0 ? v->items[v->count - 1].key : 0;
	r->account_count = 0;
	if (rc == NUMBERING_OK && v->count > 0) {
		for (int i = 0; i < v->count && rc == NUMBERING_OK; i++)
			rc = process_one(r, &v->items[i].s, &events[i]);
		for (int i = 0; i < r->account_count && rc == NUMBERING_OK; i++)
			if (r->charged[i])
				rc = numbering__account_put(store, &r->accounts[i]);
		if (rc == NUMBERING_OK)
			rc = numbering__commit(store);
		else
			numbering__rollback(store);
	} else if (begun) {
		numbering__rollback(store);
	}
	if (rc != NUMBERING_OK) {
		store->last_time = last_time;
		*r->report = before; /* nothing of the batch landed */
	}
	numbering__rwlock_wrunlock(&store->lock);
	for (int i = 0; i < v->count; i++)
		numbering__subscription_clear(&v->items[i].s);
	if (rc == NUMBERING_OK && v->count > 0)
		rc = numbering__durable(store);
	for (int i = 0; i < v->count && rc == NUMBERING_OK; i++)
		if (events[i].type != NULL)
			numbering__emit(store, events[i].type, events[i].name);
	return rc;
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
	struct run *r = numbering__calloc(1, sizeof(*r));
	struct due_visit *v = numbering__calloc(1, sizeof(*v)); /* its subscriptions cleared */
	if (r == NULL || v == NULL) {
		numbering__free_mem(r);
		numbering__free_mem(v);
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory running billing");
	}
	for (int i = 0; i < BATCH; i++)
		numbering__subscription_clear(&v->items[i].s);
	r->store = store;
	r->report = report;
	r->now = store->clock(store->clock_payload);
	r->grace = store->billing_grace;
	rc = numbering__active_new(&r->a, "projects/-");
	/* Every time this run hands out is after every one before it. */
	numbering__rwlock_wrlock(&store->lock);
	r->run_start = store->last_time + 1;
	numbering__rwlock_wrunlock(&store->lock);
	/* The cursor: the next batch starts at the last key of this one (records with that
	 * key may remain), past it only when a whole batch changed nothing. */
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
	numbering_active_number_free(r->a);
	numbering__free_mem(r);
	numbering__free_mem(v);
	return rc;
}
