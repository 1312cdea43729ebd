/*
 * DUE buckets (service/billing-due.h): the record, its body in a fixed byte order,
 * its check, and the operations the billing run and the subscription readers make.
 */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "model/kinds.h"
#include "model/record.h"
#include "model/validate.h"
#include "service/backend-call.h"
#include "service/billing-due.h"

#define COLLECTION "/billingDue/"
#define DAY_NS (INT64_C(86400) * INT64_C(1000000000))
#define VERSION 1
#define DIRECTORY 2     /* a split day's directory: version, shards */
#define HEAD 5          /* version, count */
#define ITEM_FIXED 33   /* id length, periods, next due, start, price, currency, interval */
#define PERIODS_MAX 1000000
/* A count no body can hold (each item is at least 4 + 34 bytes), read before anything is allocated. */
#define ITEM_MIN (4 + ITEM_FIXED + 1)
/* A shard's sort key: (day + SHARD_BASE) x SHARD_SPAN + shards + shard. */
#define SHARD_BASE (INT64_C(1) << 17)
#define SHARD_SPAN (INT64_C(1) << 22)

int64_t numbering__due_day(int64_t t)
{
	int64_t d = t / DAY_NS;
	return t % DAY_NS < 0 ? d - 1 : d;
}

static char *put_decimal(char *p, int64_t v)
{
	char digits[24];
	int n = 0;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	if (v < 0)
		*p++ = '-';
	do {
		digits[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	while (n > 0)
		*p++ = digits[--n];
	*p = '\0';
	return p;
}

void numbering__due_name(char *name, const char *project, int64_t day)
{
	size_t len = strnlen(project, NUMBERING__PROJECT_SIZE - 1);
	memcpy(name, project, len);
	memcpy(name + len, COLLECTION, sizeof(COLLECTION) - 1);
	put_decimal(name + len + sizeof(COLLECTION) - 1, day);
}

void numbering__due_shard_name(char *name, const char *project, int64_t day, uint32_t shards, uint32_t shard)
{
	size_t len = strnlen(project, NUMBERING__PROJECT_SIZE - 1);
	memcpy(name, project, len);
	memcpy(name + len, COLLECTION, sizeof(COLLECTION) - 1);
	char *p = put_decimal(name + len + sizeof(COLLECTION) - 1, day);
	if (shards > 1) {
		*p++ = '.';
		p = put_decimal(p, shards);
		*p++ = '.';
		put_decimal(p, shard);
	}
}

int64_t numbering__due_shard_key(int64_t day, uint32_t shards, uint32_t shard)
{
	return (day + SHARD_BASE) * SHARD_SPAN + shards + shard;
}

int64_t numbering__due_key_day(int64_t sort_key)
{
	if (sort_key > -SHARD_BASE && sort_key < SHARD_BASE)
		return sort_key;
	return sort_key / SHARD_SPAN - SHARD_BASE;
}

/* FNV-1a (32 bits) of the id: its low bits are its shard, in every store. */
static uint32_t id_hash(const char *id, size_t id_len)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < id_len; i++)
		h = (h ^ (unsigned char)id[i]) * 16777619u;
	return h;
}

uint32_t numbering__due_shard_of(const char *id, size_t id_len, uint32_t shards)
{
	return id_hash(id, id_len) & (shards - 1);
}

/* The shards and the shard a sort key gives (1 and 0 for a day's), or 0 shards when it
 * is no DUE record's. */
static void key_shard(int64_t sort_key, uint32_t *shards, uint32_t *shard)
{
	*shards = 1;
	*shard = 0;
	if (sort_key > -SHARD_BASE && sort_key < SHARD_BASE)
		return;
	int64_t rest = sort_key % SHARD_SPAN, day = sort_key / SHARD_SPAN - SHARD_BASE;
	uint32_t n = 2;
	while (n <= NUMBERING__DUE_SHARDS_MAX && rest >= 2 * (int64_t)n)
		n *= 2;
	if (sort_key < 0 || day <= -SHARD_BASE || day >= SHARD_BASE || rest < n || n > NUMBERING__DUE_SHARDS_MAX) {
		*shards = 0;
		return;
	}
	*shards = n;
	*shard = (uint32_t)(rest - n);
}

int64_t numbering__due_period_start(const struct numbering__due_item *item, int64_t n)
{
	int64_t months = n * item->interval_months;
	if (months > INT32_MAX)
		return NUMBERING__TIME_MAX;
	return numbering__add_months(item->start, (int)months);
}

void numbering__due_reset(struct numbering__due_bucket *b, const char *project, int64_t day)
{
	size_t len = strnlen(project, NUMBERING__PROJECT_SIZE - 1);
	memcpy(b->project, project, len);
	b->project[len] = '\0';
	b->day = day;
	b->shards = 1;
	b->shard = 0;
	b->exists = b->dirty = b->unsorted = 0;
	b->count = b->loaded = 0;
}

void numbering__due_free(struct numbering__due_bucket *b)
{
	numbering__free_mem(b->items);
	b->items = NULL;
	b->count = b->cap = 0;
}

static int reserve(struct numbering__due_bucket *b, uint32_t count)
{
	if (count <= b->cap)
		return NUMBERING_OK;
	uint32_t cap = b->cap < 16 ? 16 : b->cap;
	while (cap < count)
		cap = cap > UINT32_MAX / 2 ? count : cap * 2;
	struct numbering__due_item *items = numbering__realloc(b->items, (size_t)cap * sizeof(*items));
	if (items == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for a billing due bucket");
	b->items = items;
	b->cap = cap;
	return NUMBERING_OK;
}

/* ---- The byte order ---- */

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int64_t get64(const uint8_t *p)
{
	return (int64_t)((uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put64(uint8_t *p, int64_t v)
{
	put32(p, (uint32_t)(uint64_t)v);
	put32(p + 4, (uint32_t)((uint64_t)v >> 32));
}

static int damaged(const numbering_record *record, const char *field, const char *problem)
{
	return numbering__record_damaged(record, "billing due ", field, problem);
}

static int id_ok(const uint8_t *id, size_t len)
{
	if (len < 1 || len > NUMBERING__DUE_ID_MAX || id[0] < 'a' || id[0] > 'z' || id[len - 1] == '-')
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9') || id[i] == '-'))
			return 0;
	return 1;
}

static int currency_ok(const uint8_t *c)
{
	if (c[0] == 0 && c[1] == 0 && c[2] == 0)
		return 1;
	for (int i = 0; i < 3; i++)
		if (c[i] < 'A' || c[i] > 'Z')
			return 0;
	return 1;
}

/* Item @i of the body: its fields into @out, or DATA_LOSS naming the damaged one. The
 * offset table and the body's size are checked by the caller up to the item's start. */
static int item_at(const numbering_record *record, const uint8_t *body, size_t len, size_t at, size_t *end,
                   struct numbering__due_item *out)
{
	if (at >= len || len - at < ITEM_FIXED)
		return damaged(record, "items", "an item is cut short");
	size_t id_len = body[at];
	if (len - at < ITEM_FIXED + id_len)
		return damaged(record, "items", "an item is cut short");
	const uint8_t *id = body + at + 1, *p = id + id_len;
	if (!id_ok(id, id_len))
		return damaged(record, "id", "an item's id is not 1 to 63 of a-z, 0-9 and '-'");
	memcpy(out->id, id, id_len);
	out->id[id_len] = '\0';
	out->id_len = (uint8_t)id_len;
	out->gone = 0;
	out->periods = get32(p);
	out->next_due = get64(p + 4);
	out->start = get64(p + 12);
	out->price = get64(p + 20);
	if (!currency_ok(p + 28))
		return damaged(record, "currency", "an item's currency is not three letters A-Z");
	memcpy(out->currency, p + 28, 3);
	out->currency[3] = '\0';
	out->interval_months = p[31];
	if (out->periods < 1 || out->periods > PERIODS_MAX)
		return damaged(record, "periodsPaid", "an item's periods paid are not 1 .. 1000000");
	if (out->start == 0 || !numbering__time_in_range(out->start))
		return damaged(record, "startTime", "an item's start is not a store time");
	if (out->next_due <= out->start || !numbering__time_in_range(out->next_due))
		return damaged(record, "nextDue", "an item's next due time is not after its start");
	if (out->price < 0 || out->price > INT64_MAX / 2 || (out->currency[0] == 0 && out->price != 0))
		return damaged(record, "monthlyPrice", "an item's price is negative, too large, or without its currency");
	if (out->interval_months < 1 || out->interval_months > 120)
		return damaged(record, "paymentIntervalMonths", "an item's interval is not 1 .. 120");
	*end = at + ITEM_FIXED + id_len;
	return NUMBERING_OK;
}

/* The record's own fields: kind, name, parent, keys; the day into *day, the shards of
 * the day and the record's shard into *shards and *shard (1 and 0: the day's record). */
static int record_head(const numbering_record *record, int64_t *day, uint32_t *shards, uint32_t *shard)
{
	const char *parent = record->parent ? record->parent : "";
	const char *name = record->name ? record->name : "";
	size_t plen = strlen(parent);
	if (record->kind != NUMBERING__KIND_DUE || strncmp(parent, "projects/", 9) != 0 ||
	    plen >= NUMBERING__PROJECT_SIZE || record->digits != 0)
		return damaged(record, "parent", "it is not a project, or the record holds numbers");
	key_shard(record->sort_key, shards, shard);
	if (*shards == 0)
		return damaged(record, "name", "its sort key is neither a day nor a shard's");
	*day = numbering__due_key_day(record->sort_key);
	char expect[NUMBERING__DUE_NAME_SIZE];
	numbering__due_shard_name(expect, parent, *day, *shards, *shard);
	if (strcmp(name, expect) != 0)
		return damaged(record, "name", "it is not {project}/billingDue/{the sort key's day[.shards.shard]}");
	return NUMBERING_OK;
}

/* Whether @record is a day's directory (body version 2), and if so its shards into
 * *shards: DATA_LOSS naming the damaged field. */
static int directory_read(const numbering_record *record, int *is, uint32_t *shards)
{
	*is = record->body != NULL && record->body_len > 0 && ((const uint8_t *)record->body)[0] == DIRECTORY;
	if (!*is)
		return NUMBERING_OK;
	int64_t day = 0;
	uint32_t n = 0, k = 0;
	int rc = record_head(record, &day, &n, &k);
	if (rc != NUMBERING_OK)
		return rc;
	if (n != 1)
		return damaged(record, "version", "a shard's body is a directory");
	if (record->body_len != HEAD)
		return damaged(record, "version", "a directory's body (version 2) is not 5 bytes");
	*shards = get32((const uint8_t *)record->body + 1);
	if (*shards < 2 || *shards > NUMBERING__DUE_SHARDS_MAX || (*shards & (*shards - 1)) != 0)
		return damaged(record, "shards", "a directory's shards are not a power of two, 2 .. 65536");
	if (record->expires != 0)
		return damaged(record, "expires", "a directory has an expiry time");
	return NUMBERING_OK;
}

/* The body's head: the item count into *count, checked against its size. */
static int body_head(const numbering_record *record, uint32_t *count)
{
	const uint8_t *body = record->body;
	size_t len = record->body_len;
	if (body == NULL || len < HEAD)
		return damaged(record, "version", "the body is cut short");
	if (body[0] != VERSION)
		return damaged(record, "version", "the body's version is not 1");
	*count = get32(body + 1);
	if (*count == 0 || *count > (len - HEAD) / ITEM_MIN)
		return damaged(record, "count", "the item count is 0 or more than the body holds");
	return NUMBERING_OK;
}

int numbering__due_read(struct numbering__due_bucket *b, const numbering_record *record)
{
	int64_t day = 0;
	uint32_t count = 0, shards = 1, shard = 0;
	int rc = record_head(record, &day, &shards, &shard);
	if (rc == NUMBERING_OK)
		rc = body_head(record, &count);
	if (rc == NUMBERING_OK)
		rc = reserve(b, count);
	if (rc != NUMBERING_OK)
		return rc;
	numbering__due_reset(b, record->parent, day);
	b->shards = shards;
	b->shard = shard;
	const uint8_t *body = record->body;
	size_t len = record->body_len, at = HEAD + (size_t)count * 4;
	int64_t earliest = INT64_MAX;
	for (uint32_t i = 0; i < count && rc == NUMBERING_OK; i++) {
		struct numbering__due_item *it = &b->items[i];
		if (get32(body + HEAD + (size_t)i * 4) != at)
			rc = damaged(record, "offsets", "an item's offset is not where the item before it ends");
		else if ((rc = item_at(record, body, len, at, &at, it)) != NUMBERING_OK)
			break;
		else if (i > 0 && strcmp(b->items[i - 1].id, it->id) >= 0)
			rc = damaged(record, "id", "the items are not in increasing id order");
		else if (numbering__due_day(it->next_due) != day)
			rc = damaged(record, "nextDue", "an item's next due time is not on the bucket's day");
		else if (shards > 1 && numbering__due_shard_of(it->id, it->id_len, shards) != shard)
			rc = damaged(record, "id", "an item's id is not of its shard");
		if (it->next_due < earliest)
			earliest = it->next_due;
	}
	if (rc == NUMBERING_OK && at != len)
		rc = damaged(record, "items", "bytes follow the last item");
	if (rc == NUMBERING_OK && record->expires != earliest)
		rc = damaged(record, "expires", "it is not the earliest next due time of the items");
	if (rc != NUMBERING_OK) {
		b->count = 0;
		return rc;
	}
	b->count = b->loaded = count;
	b->exists = 1;
	return NUMBERING_OK;
}

int numbering__due_record_check(const numbering_record *record)
{
	struct numbering__due_bucket b;
	memset(&b, 0, sizeof(b));
	int is = 0;
	uint32_t shards = 0;
	int rc = directory_read(record, &is, &shards);
	if (rc != NUMBERING_OK || is)
		return rc;
	rc = numbering__due_read(&b, record);
	/* What the run trusts without computing it: each next due time is its period's start. */
	for (uint32_t i = 0; rc == NUMBERING_OK && i < b.count; i++)
		if (numbering__due_period_start(&b.items[i], b.items[i].periods) != b.items[i].next_due)
			rc = damaged(record, "nextDue", "an item's next due time is not the start of its period");
	numbering__due_free(&b);
	return rc;
}

struct load_visit {
	struct numbering__due_bucket *b;
	uint32_t shards; /* a directory's, or 0 */
	int rc;
};

static int load_visit(const numbering_record *record, void *payload)
{
	struct load_visit *v = payload;
	int is = 0;
	if ((v->rc = directory_read(record, &is, &v->shards)) == NUMBERING_OK && !is)
		v->rc = numbering__due_read(v->b, record);
	return 0;
}

/* Gets the record @name into @b (a bucket), or its directory's shards into *shards. */
static int load_name(struct numbering__due_bucket *b, numbering_store *store, const char *name, uint32_t *shards)
{
	struct load_visit v = {b, 0, NUMBERING_OK};
	int rc = numbering__backend_get_record(store, NUMBERING__KIND_DUE, name, load_visit, &v);
	*shards = v.shards;
	if (rc == NUMBERING_NOT_FOUND)
		return NUMBERING_OK;
	return rc == NUMBERING_OK ? v.rc : rc;
}

int numbering__due_load_shard(struct numbering__due_bucket *b, numbering_store *store, const char *project,
                              int64_t day, uint32_t shards, uint32_t shard)
{
	char name[NUMBERING__DUE_NAME_SIZE];
	numbering__due_reset(b, project, day);
	b->shards = shards;
	b->shard = shard;
	numbering__due_shard_name(name, project, day, shards, shard);
	uint32_t directory = 0;
	int rc = load_name(b, store, name, &directory);
	if (rc == NUMBERING_OK && directory != 0) /* only a day's name can be one */
		rc = numbering__error_field(NUMBERING_DATA_LOSS, "version", "billing due bucket %s is a directory", name);
	return rc;
}

int numbering__due_load(struct numbering__due_bucket *b, numbering_store *store, const char *project, int64_t day,
                        const char *id, size_t id_len)
{
	char name[NUMBERING__DUE_NAME_SIZE];
	numbering__due_reset(b, project, day);
	numbering__due_name(name, project, day);
	uint32_t shards = 0;
	int rc = load_name(b, store, name, &shards);
	if (rc != NUMBERING_OK || shards == 0)
		return rc;
	return numbering__due_load_shard(b, store, project, day, shards, numbering__due_shard_of(id, id_len, shards));
}

static int id_cmp(const char *a, size_t a_len, const char *b, size_t b_len)
{
	int c = memcmp(a, b, a_len < b_len ? a_len : b_len);
	return c != 0 ? c : (a_len > b_len) - (a_len < b_len);
}

int64_t numbering__due_find(const struct numbering__due_bucket *b, const char *id, size_t id_len)
{
	for (uint32_t i = 0; i < b->count; i++) /* a writer's look-up: one a call */
		if (!b->items[i].gone && id_cmp(b->items[i].id, b->items[i].id_len, id, id_len) == 0)
			return i;
	return -1;
}

int numbering__due_add(struct numbering__due_bucket *b, const struct numbering__due_item *item)
{
	int rc = reserve(b, b->count + 1);
	if (rc != NUMBERING_OK)
		return rc;
	if (b->count > 0) {
		const struct numbering__due_item *last = &b->items[b->count - 1];
		if (id_cmp(last->id, last->id_len, item->id, item->id_len) >= 0)
			b->unsorted = 1;
	}
	b->items[b->count] = *item;
	b->items[b->count].gone = 0;
	b->count++;
	b->dirty = 1;
	return NUMBERING_OK;
}

static int item_cmp(const void *x, const void *y)
{
	const struct numbering__due_item *a = x, *b = y;
	return id_cmp(a->id, a->id_len, b->id, b->id_len);
}

/* Puts the items that arrived out of order in their place: the arrivals sorted, then
 * merged with the record's items (already in order), the gone ones left out. */
static int merge_arrivals(struct numbering__due_bucket *b)
{
	uint32_t old = b->loaded, added = b->count - old;
	qsort(b->items + old, added, sizeof(*b->items), item_cmp);
	struct numbering__due_item *out = numbering__malloc((size_t)b->count * sizeof(*out));
	if (out == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory writing a billing due bucket");
	uint32_t i = 0, j = old, n = 0;
	while (i < old || j < b->count) {
		const struct numbering__due_item *next;
		if (j == b->count || (i < old && item_cmp(&b->items[i], &b->items[j]) <= 0))
			next = &b->items[i++];
		else
			next = &b->items[j++];
		if (!next->gone)
			out[n++] = *next;
	}
	numbering__free_mem(b->items);
	b->items = out;
	b->cap = b->count;
	b->count = n;
	return NUMBERING_OK;
}

/* Puts the bucket record of (@project, @day, @shards, @shard) holding @items[0 .. n)
 * (n >= 1, in increasing id order). */
static int put_items(numbering_store *store, const char *project, int64_t day, uint32_t shards, uint32_t shard,
                     const struct numbering__due_item *items, uint32_t n)
{
	char name[NUMBERING__DUE_NAME_SIZE];
	numbering__due_shard_name(name, project, day, shards, shard);
	size_t len = HEAD + (size_t)n * 4;
	for (uint32_t i = 0; i < n; i++) {
		len += ITEM_FIXED + items[i].id_len;
		if (i > 0 && item_cmp(&items[i - 1], &items[i]) == 0)
			return numbering__error_field(NUMBERING_DATA_LOSS, "id", "subscription id %s is twice in billing due "
			                              "bucket %s", items[i].id, name);
	}
	uint8_t *body = numbering__malloc(len);
	if (body == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory writing a billing due bucket");
	body[0] = VERSION;
	put32(body + 1, n);
	size_t at = HEAD + (size_t)n * 4;
	int64_t earliest = INT64_MAX;
	for (uint32_t i = 0; i < n; i++) {
		const struct numbering__due_item *it = &items[i];
		put32(body + HEAD + (size_t)i * 4, (uint32_t)at);
		uint8_t *p = body + at;
		p[0] = it->id_len;
		memcpy(p + 1, it->id, it->id_len);
		p += 1 + it->id_len;
		put32(p, (uint32_t)it->periods);
		put64(p + 4, it->next_due);
		put64(p + 12, it->start);
		put64(p + 20, it->price);
		if (it->currency[0] != '\0')
			memcpy(p + 28, it->currency, 3);
		else
			memset(p + 28, 0, 3);
		p[31] = it->interval_months;
		at += ITEM_FIXED + it->id_len;
		if (it->next_due < earliest)
			earliest = it->next_due;
	}
	numbering_record r;
	memset(&r, 0, sizeof(r));
	r.version = NUMBERING_RECORD_VERSION;
	r.kind = NUMBERING__KIND_DUE;
	r.name = name;
	r.parent = project;
	r.sort_key = shards > 1 ? numbering__due_shard_key(day, shards, shard) : day;
	r.expires = earliest;
	r.body = body;
	r.body_len = len;
	int rc = numbering__backend_put_record(store, &r);
	numbering__free_mem(body);
	return rc;
}

/* Puts the directory of (@project, @day): @shards. */
static int put_directory(numbering_store *store, const char *project, int64_t day, uint32_t shards)
{
	char name[NUMBERING__DUE_NAME_SIZE];
	uint8_t body[HEAD];
	numbering__due_name(name, project, day);
	body[0] = DIRECTORY;
	put32(body + 1, shards);
	numbering_record r;
	memset(&r, 0, sizeof(r));
	r.version = NUMBERING_RECORD_VERSION;
	r.kind = NUMBERING__KIND_DUE;
	r.name = name;
	r.parent = project;
	r.sort_key = day;
	r.body = body;
	r.body_len = sizeof(body);
	return numbering__backend_put_record(store, &r);
}

struct any_visit {
	int64_t below;
	int found;
};

static int any_visit(const numbering_record *record, void *payload)
{
	struct any_visit *v = payload;
	v->found = record->sort_key < v->below;
	return NUMBERING__VISIT_STOP;
}

/* Removes the directory of (@project, @day) when none of its @shards is left: one
 * listing of the project's DUE records from the first shard's key. */
static int drop_directory(numbering_store *store, const char *project, int64_t day, uint32_t shards)
{
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = NUMBERING__KIND_DUE;
	q.order = NUMBERING_RECORD_ORDER_ASCENDING;
	q.parent = project;
	q.has_after = 1;
	q.after = numbering__due_shard_key(day, shards, 0) - 1;
	q.limit = 1;
	struct any_visit v = {numbering__due_shard_key(day, shards, shards), 0};
	int rc = numbering__backend_list(store, &q, any_visit, &v);
	if (rc != NUMBERING_OK || v.found)
		return rc;
	char name[NUMBERING__DUE_NAME_SIZE];
	numbering__due_name(name, project, day);
	rc = numbering__backend_remove_record(store, NUMBERING__KIND_DUE, name);
	if (rc == NUMBERING_NOT_FOUND) {
		numbering_error_clear();
		rc = NUMBERING_OK;
	}
	return rc;
}

int numbering__due_write(numbering_store *store, struct numbering__due_bucket *b)
{
	if (!b->dirty)
		return NUMBERING_OK;
	uint32_t n = 0;
	if (b->unsorted) {
		int rc = merge_arrivals(b);
		if (rc != NUMBERING_OK)
			return rc;
		n = b->count;
	} else {
		for (uint32_t i = 0; i < b->count; i++)
			if (!b->items[i].gone)
				b->items[n++] = b->items[i];
		b->count = n;
	}
	b->unsorted = 0;
	if (n == 0) {
		b->dirty = 0;
		b->loaded = 0;
		if (!b->exists)
			return NUMBERING_OK;
		b->exists = 0;
		char name[NUMBERING__DUE_NAME_SIZE];
		numbering__due_shard_name(name, b->project, b->day, b->shards, b->shard);
		int rc = numbering__backend_remove_record(store, NUMBERING__KIND_DUE, name);
		if (rc == NUMBERING_OK && b->shards > 1)
			rc = drop_directory(store, b->project, b->day, b->shards);
		return rc;
	}
	int rc = put_items(store, b->project, b->day, b->shards, b->shard, b->items, n);
	/* The day's last shard may have been removed in this transaction, its directory with it. */
	if (rc == NUMBERING_OK && !b->exists && b->shards > 1)
		rc = put_directory(store, b->project, b->day, b->shards);
	if (rc == NUMBERING_OK) {
		b->exists = 1;
		b->dirty = 0;
		b->loaded = n;
	}
	return rc;
}

/* ---- Splitting a day ---- */

/* The day's buckets as they are: every item into @all, whether each of the @old shards
 * exists into @existed (NULL when @old is 1), *over whether one holds too many. */
static int gather(numbering_store *store, const char *project, int64_t day, struct numbering__due_bucket *all,
                  uint32_t *old, uint8_t **existed, int *over)
{
	char name[NUMBERING__DUE_NAME_SIZE];
	uint32_t shards = 0;
	numbering__due_reset(all, project, day);
	numbering__due_name(name, project, day);
	int rc = load_name(all, store, name, &shards);
	*old = shards != 0 ? shards : 1;
	*over = all->count > NUMBERING__DUE_SHARD_ITEMS;
	*existed = NULL;
	if (rc != NUMBERING_OK || shards == 0)
		return rc;
	if ((*existed = numbering__calloc(shards, 1)) == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory splitting a billing due day");
	struct numbering__due_bucket one;
	memset(&one, 0, sizeof(one));
	for (uint32_t k = 0; k < shards && rc == NUMBERING_OK; k++) {
		if ((rc = numbering__due_load_shard(&one, store, project, day, shards, k)) != NUMBERING_OK)
			break;
		(*existed)[k] = (uint8_t)one.exists;
		*over |= one.count > NUMBERING__DUE_SHARD_ITEMS;
		if ((rc = reserve(all, all->count + one.count)) == NUMBERING_OK && one.count > 0) {
			memcpy(all->items + all->count, one.items, (size_t)one.count * sizeof(*one.items));
			all->count += one.count;
		}
	}
	numbering__due_free(&one);
	return rc;
}

/* The fewest shards, from @from and doubling, that leave none with too many of the
 * items whose hashes are @hashes[0 .. count). */
static uint32_t shards_needed(const uint32_t *hashes, uint32_t count, uint32_t from, uint32_t *counts)
{
	uint32_t n = from;
	for (;; n *= 2) {
		uint32_t most = 0;
		memset(counts, 0, (size_t)n * sizeof(*counts));
		for (uint32_t i = 0; i < count; i++)
			if (++counts[hashes[i] & (n - 1)] > most)
				most = counts[hashes[i] & (n - 1)];
		if (most <= NUMBERING__DUE_SHARD_ITEMS || n == NUMBERING__DUE_SHARDS_MAX)
			return n;
	}
}

int numbering__due_split(numbering_store *store, const char *project, int64_t day)
{
	struct numbering__due_bucket all;
	memset(&all, 0, sizeof(all));
	uint32_t old = 1, *hashes = NULL, *counts = NULL;
	uint8_t *existed = NULL;
	struct numbering__due_item *out = NULL;
	int over = 0;
	int rc = gather(store, project, day, &all, &old, &existed, &over);
	if (rc != NUMBERING_OK || !over || old >= NUMBERING__DUE_SHARDS_MAX)
		goto done;
	qsort(all.items, all.count, sizeof(*all.items), item_cmp);
	hashes = numbering__malloc((size_t)all.count * sizeof(*hashes));
	counts = numbering__malloc((size_t)NUMBERING__DUE_SHARDS_MAX * sizeof(*counts));
	out = numbering__malloc((size_t)all.count * sizeof(*out));
	if (hashes == NULL || counts == NULL || out == NULL) {
		rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory splitting a billing due day");
		goto done;
	}
	for (uint32_t i = 0; i < all.count; i++)
		hashes[i] = id_hash(all.items[i].id, all.items[i].id_len);
	uint32_t n = shards_needed(hashes, all.count, old * 2, counts);
	/* Each shard's items in id order: the sorted items placed by shard, in order. */
	uint32_t at = 0;
	for (uint32_t k = 0; k < n; k++) {
		uint32_t c = counts[k];
		counts[k] = at;
		at += c;
	}
	for (uint32_t i = 0; i < all.count; i++)
		out[counts[hashes[i] & (n - 1)]++] = all.items[i];
	/* The old shards go (a day's own record becomes the directory). */
	for (uint32_t k = 0; old > 1 && k < old && rc == NUMBERING_OK; k++) {
		char name[NUMBERING__DUE_NAME_SIZE];
		numbering__due_shard_name(name, project, day, old, k);
		if (existed[k])
			rc = numbering__backend_remove_record(store, NUMBERING__KIND_DUE, name);
	}
	if (rc == NUMBERING_OK)
		rc = put_directory(store, project, day, n);
	/* counts[k] is now where shard k + 1 starts. */
	for (uint32_t k = 0, from = 0; k < n && rc == NUMBERING_OK; from = counts[k++])
		if (counts[k] > from)
			rc = put_items(store, project, day, n, k, out + from, counts[k] - from);
done:
	numbering__free_mem(out);
	numbering__free_mem(counts);
	numbering__free_mem(hashes);
	numbering__free_mem(existed);
	numbering__due_free(&all);
	return rc;
}

/* ---- A reader's look-up ---- */

struct lookup_visit {
	const char *const *ids;
	struct numbering__due_item *out;
	int *found;
	int count;
	uint32_t shards, shard; /* the record asked for: only the ids of its shard are looked for */
	uint32_t directory;     /* the record is a directory of so many shards */
	int rc;
};

/* Looks the id @id up in the bucket record @record (its head checked): *found. */
static int search(const numbering_record *record, int64_t day, uint32_t count, const char *id, size_t id_len,
                  struct numbering__due_item *out, int *found)
{
	const uint8_t *body = record->body;
	size_t len = record->body_len, table_end = HEAD + (size_t)count * 4;
	uint32_t lo = 0, hi = count;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		size_t at = get32(body + HEAD + (size_t)mid * 4);
		if (at < table_end || at >= len || len - at < 1u + body[at])
			return damaged(record, "offsets", "an item's offset is outside the body");
		int c = id_cmp((const char *)body + at + 1, body[at], id, id_len);
		if (c == 0) {
			size_t end = 0;
			int rc = item_at(record, body, len, at, &end, out);
			if (rc != NUMBERING_OK)
				return rc;
			*found = 1;
			if (numbering__due_day(out->next_due) != day)
				return damaged(record, "nextDue", "an item's next due time is not on the bucket's day");
			return NUMBERING_OK;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NUMBERING_OK;
}

static int lookup_visit(const numbering_record *record, void *payload)
{
	struct lookup_visit *v = payload;
	uint32_t count = 0, shards = 0, shard = 0;
	int64_t day = 0;
	int is = 0;
	if ((v->rc = directory_read(record, &is, &v->directory)) != NUMBERING_OK || is)
		return 0;
	if ((v->rc = record_head(record, &day, &shards, &shard)) != NUMBERING_OK ||
	    (v->rc = body_head(record, &count)) != NUMBERING_OK)
		return 0;
	for (int i = 0; i < v->count && v->rc == NUMBERING_OK; i++) {
		size_t id_len = strlen(v->ids[i]);
		if (!v->found[i] && (v->shards == 1 || numbering__due_shard_of(v->ids[i], id_len, v->shards) == v->shard))
			v->rc = search(record, day, count, v->ids[i], id_len, &v->out[i], &v->found[i]);
	}
	return 0;
}

static int lookup_name(numbering_store *store, const char *name, struct lookup_visit *v)
{
	v->directory = 0;
	v->rc = NUMBERING_OK;
	int rc = numbering__backend_get_record(store, NUMBERING__KIND_DUE, name, lookup_visit, v);
	if (rc == NUMBERING_NOT_FOUND)
		return NUMBERING_OK;
	return rc == NUMBERING_OK ? v->rc : rc;
}

int numbering__due_lookup(numbering_store *store, const char *project, int64_t day, const char *const *ids,
                          struct numbering__due_item *out, int *found, int count)
{
	char name[NUMBERING__DUE_NAME_SIZE];
	numbering__due_name(name, project, day);
	struct lookup_visit v = {ids, out, found, count, 1, 0, 0, NUMBERING_OK};
	for (int i = 0; i < count; i++)
		found[i] = 0;
	int rc = lookup_name(store, name, &v);
	if (rc != NUMBERING_OK || v.directory == 0)
		return rc;
	/* A split day: one get per shard asked, each once. */
	v.shards = v.directory;
	uint8_t one[1], *asked = count == 1 ? one : numbering__calloc(v.shards / 8, 1);
	if (asked == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory reading a billing due day");
	for (int i = 0; i < count && rc == NUMBERING_OK; i++) {
		uint32_t k = numbering__due_shard_of(ids[i], strlen(ids[i]), v.shards);
		if (count > 1 && (asked[k / 8] & (1u << (k % 8))) != 0)
			continue;
		if (count > 1)
			asked[k / 8] |= (uint8_t)(1u << (k % 8));
		v.shard = k;
		numbering__due_shard_name(name, project, day, v.shards, k);
		if ((rc = lookup_name(store, name, &v)) == NUMBERING_OK && v.directory != 0)
			rc = numbering__error_field(NUMBERING_DATA_LOSS, "version", "billing due bucket %s is a directory", name);
	}
	if (asked != one)
		numbering__free_mem(asked);
	return rc;
}
