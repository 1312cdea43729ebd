/*
 * DUE buckets (service/billing-due.c): where the billing run keeps the subscriptions
 * it renews, so that a renewal charge writes no SUBSCRIPTION record.
 *
 * Record DUE (docs/RECORDS.md): one per (project, due day)
 *   name      "{project}/billingDue/{day}", day = UTC days since the epoch of the due time
 *   parent    the project
 *   sort key  the day
 *   expires   the earliest next due time of its items (a bucket without items is removed)
 *   body      its items in subscription id order (below), little-endian:
 *               u8 version (1), u32 count, u32 offset[count] (each item's start in the
 *               body: a reader's binary search by id), then each item:
 *               u8 id length, the id (1 .. 63 of a-z, 0-9, '-'), u32 periods paid,
 *               i64 next due time, i64 start time, i64 monthly price (minor units),
 *               3 bytes currency (zeros: free), u8 paymentIntervalMonths
 *
 * A SUBSCRIPTION record is either record-managed (its expiry key is its next charge
 * date, its periods paid in the record) or bucket-managed (dueBucket set, no expiry
 * key: its record's periodsPaid is p0, the periods paid when it moved into a bucket;
 * the item holds the periods paid now, and is in the bucket of the day of its next due
 * time, period_start(p) for some p >= p0). service/subscription.c finds an item by
 * probing the days of periods p0, p0 + 1, ... (numbering__subscription_load()).
 */
#ifndef NUMBERING_SERVICE_BILLING_DUE_H
#define NUMBERING_SERVICE_BILLING_DUE_H

#include <stdint.h>

#include "service/service.h"

#define NUMBERING__DUE_ID_MAX 63
/* "{project}/billingDue/" and 20 digits, NUL. */
#define NUMBERING__DUE_NAME_SIZE (NUMBERING__PROJECT_SIZE + 40)

/* One item: what a renewal charge needs of a bucket-managed subscription. */
struct numbering__due_item {
	char id[NUMBERING__DUE_ID_MAX + 1]; /* the instance's (and the subscription's) id */
	uint8_t id_len;
	uint8_t interval_months; /* 1 .. 120 */
	uint8_t gone;            /* taken out of its bucket (not written back) */
	char currency[4];        /* "" for a free number */
	int64_t price;           /* the monthly price, minor units */
	int64_t start;           /* the subscription's start: the anchor of its period dates */
	int64_t periods;         /* periods paid, 1 .. 1,000,000 */
	int64_t next_due;        /* the start of period @periods: when it is next due */
};

/* A bucket as read (or about to be created) inside a transaction. */
struct numbering__due_bucket {
	char project[NUMBERING__PROJECT_SIZE];
	int64_t day;
	int exists;   /* the store holds its record */
	int dirty;    /* an item left or arrived: write it back */
	int unsorted; /* items arrived at the end, out of id order */
	uint32_t loaded; /* items [0, loaded) are the record's, in id order; the rest arrived */
	uint32_t count, cap;
	struct numbering__due_item *items;
};

/* The UTC day of the time @t (days since the epoch, rounded down). */
int64_t numbering__due_day(int64_t t);

/* "{project}/billingDue/{day}" into @name (NUMBERING__DUE_NAME_SIZE bytes). */
void numbering__due_name(char *name, const char *project, int64_t day);

/* The start of period @n of an item's subscription (start, interval): the date its
 * SUBSCRIPTION record would give. */
int64_t numbering__due_period_start(const struct numbering__due_item *item, int64_t n);

/* Empties @b for the bucket of (@project, @day), keeping its allocation. */
void numbering__due_reset(struct numbering__due_bucket *b, const char *project, int64_t day);

/* Frees @b's items. */
void numbering__due_free(struct numbering__due_bucket *b);

/* Reads the DUE record @record into @b (reset by the caller): NUMBERING_DATA_LOSS
 * naming the damaged field; RESOURCE_EXHAUSTED. */
int numbering__due_read(struct numbering__due_bucket *b, const numbering_record *record);

/* Loads the bucket (@project, @day) into @b: empty, not existing, when there is none. */
int numbering__due_load(struct numbering__due_bucket *b, numbering_store *store, const char *project, int64_t day);

/* The index of the item with @id in @b (not gone), or -1. */
int64_t numbering__due_find(const struct numbering__due_bucket *b, const char *id, size_t id_len);

/* Adds a copy of @item to @b: ALREADY_EXISTS (DATA_LOSS) when its id is there. */
int numbering__due_add(struct numbering__due_bucket *b, const struct numbering__due_item *item);

/* Writes @b back (inside a transaction) when it changed: removed when it holds no
 * item, put otherwise (items in id order, expires the earliest next due). */
int numbering__due_write(numbering_store *store, struct numbering__due_bucket *b);

/* Looks the item @id up in the bucket (@project, @day) by one get and a binary search
 * of its offsets: *found 1 and the item in @out, or *found 0. DATA_LOSS for a
 * damaged record. */
int numbering__due_lookup(numbering_store *store, const char *project, int64_t day, const char *id,
                          struct numbering__due_item *out, int *found);

#endif
