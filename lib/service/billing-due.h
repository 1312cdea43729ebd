/*
 * DUE buckets (service/billing-due.c): where the billing run keeps the subscriptions
 * it renews, so that a renewal charge writes no SUBSCRIPTION record.
 *
 * Record DUE (docs/RECORDS.md): one per (project, due day), or one per (project, due
 * day, shard) once the day holds more than NUMBERING__DUE_SHARD_ITEMS items
 *   name      "{project}/billingDue/{day}", day = UTC days since the epoch of the due time;
 *             a shard's "{project}/billingDue/{day}.{shards}.{shard}"
 *   parent    the project
 *   sort key  the day; a shard's numbering__due_shard_key(day, shards, shard)
 *   expires   the earliest next due time of its items (a bucket without items is removed)
 *   body      its items in subscription id order (below), little-endian:
 *               u8 version (1), u32 count, u32 offset[count] (each item's start in the
 *               body: a reader's binary search by id), then each item:
 *               u8 id length, the id (1 .. 63 of a-z, 0-9, '-'), u32 periods paid,
 *               i64 next due time, i64 start time, i64 monthly price (minor units),
 *               3 bytes currency (zeros: free), u8 paymentIntervalMonths
 *
 * A day split into shards: its "{day}" record is the day's directory, body u8 version
 * (2), u32 shards (a power of two, 2 .. NUMBERING__DUE_SHARDS_MAX), expires 0; an item
 * is in shard numbering__due_shard_of(id, shards) (FNV-1a of the id, its low bits), a
 * shard record (body version 1) only while it holds items, the directory while one does.
 * A write that leaves a bucket with more than NUMBERING__DUE_SHARD_ITEMS items is
 * followed by numbering__due_split(), which doubles the day's shards until none has.
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
/* "{project}/billingDue/", the day, ".{shards}.{shard}", NUL. */
#define NUMBERING__DUE_NAME_SIZE (NUMBERING__PROJECT_SIZE + 48)
/* The most items a bucket keeps: one more, and its day is split into shards (or into
 * more of them). A change of one subscription rewrites its bucket whole: at 4,096
 * items of ~55 bytes a body is ~220 KB, far below NUMBERING_RECORD_BODY_MAX (64 MiB,
 * ~1.2 million items, where a put fails). */
#define NUMBERING__DUE_SHARD_ITEMS 4096
/* The most shards of one day: 2^16 x 4,096 items. */
#define NUMBERING__DUE_SHARDS_MAX 65536

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
	uint32_t shards; /* of its day: 1 unsplit */
	uint32_t shard;  /* its index, 0 .. shards - 1 */
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

/* The record name of the bucket @shard of @shards of (@project, @day): the day's name
 * when @shards is 1, "{day}.{shards}.{shard}" otherwise. */
void numbering__due_shard_name(char *name, const char *project, int64_t day, uint32_t shards, uint32_t shard);

/* The sort key of shard @shard of @shards (>= 2) of @day: (day + 2^17) x 2^22 + shards +
 * shard, never a day's (|day| < 2^17), the shards of a day consecutive. */
int64_t numbering__due_shard_key(int64_t day, uint32_t shards, uint32_t shard);

/* The day of a DUE record's sort key (a day's or a shard's). */
int64_t numbering__due_key_day(int64_t sort_key);

/* The shard of @shards (a power of two) that holds the item @id. */
uint32_t numbering__due_shard_of(const char *id, size_t id_len, uint32_t shards);

/* The start of period @n of an item's subscription (start, interval): the date its
 * SUBSCRIPTION record would give. */
int64_t numbering__due_period_start(const struct numbering__due_item *item, int64_t n);

/* Empties @b for the bucket of (@project, @day), keeping its allocation. */
void numbering__due_reset(struct numbering__due_bucket *b, const char *project, int64_t day);

/* Frees @b's items. */
void numbering__due_free(struct numbering__due_bucket *b);

/* Reads the DUE bucket record @record (a day's or a shard's, not a directory) into @b:
 * NUMBERING_DATA_LOSS naming the damaged field; RESOURCE_EXHAUSTED. */
int numbering__due_read(struct numbering__due_bucket *b, const numbering_record *record);

/* Loads the bucket of (@project, @day) that holds, or would hold, the item @id (the
 * day's, or the shard its directory gives) into @b: empty, not existing, when there is
 * none. */
int numbering__due_load(struct numbering__due_bucket *b, numbering_store *store, const char *project, int64_t day,
                        const char *id, size_t id_len);

/* Loads shard @shard of the @shards of (@project, @day) (@shards 1: the day's bucket). */
int numbering__due_load_shard(struct numbering__due_bucket *b, numbering_store *store, const char *project,
                              int64_t day, uint32_t shards, uint32_t shard);

/* The index of the item with @id in @b (not gone), or -1. */
int64_t numbering__due_find(const struct numbering__due_bucket *b, const char *id, size_t id_len);

/* Adds a copy of @item to @b: ALREADY_EXISTS (DATA_LOSS) when its id is there. */
int numbering__due_add(struct numbering__due_bucket *b, const struct numbering__due_item *item);

/* Writes @b back (inside a transaction) when it changed: removed when it holds no
 * item, put otherwise (items in id order, expires the earliest next due). A shard put
 * where there was none puts its day's directory too; the last shard of a day removed
 * removes it. It may leave more than NUMBERING__DUE_SHARD_ITEMS items: the caller then
 * calls numbering__due_split() once every bucket of its transaction is written. */
int numbering__due_write(numbering_store *store, struct numbering__due_bucket *b);

/* Splits the day (@project, @day) when one of its buckets holds more than
 * NUMBERING__DUE_SHARD_ITEMS items: its shards doubled (from 1: 2) until none does,
 * each item moved to its new shard, the directory written (inside a transaction). */
int numbering__due_split(numbering_store *store, const char *project, int64_t day);

/* Looks the items @ids[0 .. count) up in the day (@project, @day) by one get (two
 * when the day is split, one per shard asked) and a binary search each: found[i] 1
 * and the item in out[i], or found[i] 0. DATA_LOSS for a damaged record. */
int numbering__due_lookup(numbering_store *store, const char *project, int64_t day, const char *const *ids,
                          struct numbering__due_item *out, int *found, int count);

#endif
