/*
 * The SUBSCRIPTION record (service/subscription.c), shared with the billing run
 * (service/renewal.c).
 *
 *   name      "{project}/subscriptions/{instance id}"
 *   parent    the project
 *   sort key  the start time (a store time: unique within the project)
 *   expires   when something is next due for it: the next charge date while active,
 *             the deactivation time while deactivated (a run looks at it again:
 *             reactivation or cancellation), 0 once released or cancelled, and 0
 *             while bucket-managed (its item in a DUE bucket is due instead:
 *             service/billing-due.h)
 *   body      the attributes of model/subscription-fields.h
 */
#ifndef NUMBERING_SERVICE_SUBSCRIPTION_RECORD_H
#define NUMBERING_SERVICE_SUBSCRIPTION_RECORD_H

#include <stdint.h>

#include "model/fields.h"
#include "model/subscription-fields.h"
#include "service/service.h"
#include "service/subscription.h"

struct numbering__subscription_fields {
	NUMBERING__FIELDS_MEMBERS(NUMBERING__SUBSCRIPTION_FIELDS)
};

struct numbering_subscription {
	char name[NUMBERING__SUBSCRIPTION_NAME_SIZE];
	char project[NUMBERING__PROJECT_SIZE];
	struct numbering__subscription_fields f;
	int64_t next_charge; /* computed from the start and the periods paid */
	/* Bucket-managed (f.due_bucket): the day of the DUE bucket that holds its item, as
	 * numbering__subscription_load() found it (f.periods_paid and next_charge are then
	 * the item's); 0 before. */
	int64_t due_day;
};

extern const struct numbering__fields numbering__subscription_table;

/* The start of period @n (0: the first) of @s. */
int64_t numbering__subscription_period_start(const struct numbering_subscription *s, int64_t n);

/* What one period costs into *cost: OUT_OF_RANGE naming monthlyPrice when it leaves int64. */
int numbering__subscription_period_cost(const struct numbering_subscription *s, int64_t *cost);

/* Reads a SUBSCRIPTION record into @s (its attributes cleared by the caller):
 * NUMBERING_DATA_LOSS naming what is damaged. */
int numbering__subscription_read(struct numbering_subscription *s, const numbering_record *record);

/* Loads the subscription named @name into @s: *found 0 when there is none. Its state
 * is the current one: a bucket-managed subscription's periods paid and next charge
 * date are its item's (numbering__subscription_current()). */
int numbering__subscription_load(struct numbering_subscription *s, numbering_store *store, const char *name,
                                 int *found);

/* The current state of @s as just read from its record: for a bucket-managed one,
 * finds its item by probing the DUE buckets of the days of periods p0, p0 + 1, ...
 * (one get each, a binary search by id), up to the first period starting after the
 * store's clock and last time; DATA_LOSS when no bucket holds it. Nothing to do for
 * a record-managed one. */
int numbering__subscription_current(numbering_store *store, struct numbering_subscription *s);

/* Puts @s (inside a transaction), its next charge date recomputed. A bucket-managed
 * @s (loaded by numbering__subscription_load()) is materialised first: its item taken
 * out of its bucket, the record written record-managed with the item's periods. */
int numbering__subscription_put(numbering_store *store, struct numbering_subscription *s);

/* Puts @s as it is (inside a transaction), for a caller that keeps s->next_charge
 * equal to numbering__subscription_period_start(s, s->f.periods_paid) itself and
 * that moves items in and out of buckets itself (the billing run: the date costs a
 * calendar computation, ~180 instructions, and the run has it). */
int numbering__subscription_put_dated(numbering_store *store, const struct numbering_subscription *s);

/* The billing dates the Sinch views show for @instance: when it has a subscription
 * not cancelled, *next_charge is its next charge date and *expire_at its end (0 while
 * it renews); otherwise both are left as they are. */
int numbering__subscription_dates(numbering_store *store, const char *instance, int64_t *next_charge,
                                  int64_t *expire_at);

/* Clears @s's attributes (freeing its text). */
void numbering__subscription_clear(struct numbering_subscription *s);

#endif
