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
#define HEAD 5          /* version, count */
#define ITEM_FIXED 33   /* id length, periods, next due, start, price, currency, interval */
#define PERIODS_MAX 1000000
/* A count no body can hold (each item is at least 4 + 34 bytes), read before anything is allocated. */
#define ITEM_MIN (4 + ITEM_FIXED + 1)

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

/* The record's own fields: kind, name, parent, keys; the day into *day. */
static int record_head(const numbering_record *record, int64_t *day)
{
	const char *parent = record->parent ? record->parent : "";
	const char *name = record->name ? record->name : "";
	size_t plen = strlen(parent);
	if (record->kind != NUMBERING__KIND_DUE || strncmp(parent, "projects/", 9) != 0 ||
	    plen >= NUMBERING__PROJECT_SIZE || record->digits != 0)
		return damaged(record, "parent", "it is not a project, or the record holds numbers");
	char expect[NUMBERING__DUE_NAME_SIZE];
	numbering__due_name(expect, parent, record->sort_key);
	if (strcmp(name, expect) != 0)
		return damaged(record, "name", "it is not {project}/billingDue/{the sort key's day}");
	*day = record->sort_key;
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
	uint32_t count = 0;
	int rc = record_head(record, &day);
	if (rc == NUMBERING_OK)
		rc = body_head(record, &count);
	if (rc == NUMBERING_OK)
		rc = reserve(b, count);
	if (rc != NUMBERING_OK)
		return rc;
	numbering__due_reset(b, record->parent, day);
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
	int rc = numbering__due_read(&b, record);
	/* What the run trusts without computing it: each next due time is its period's start. */
	for (uint32_t i = 0; rc == NUMBERING_OK && i < b.count; i++)
		if (numbering__due_period_start(&b.items[i], b.items[i].periods) != b.items[i].next_due)
			rc = damaged(record, "nextDue", "an item's next due time is not the start of its period");
	numbering__due_free(&b);
	return rc;
}

struct load_visit {
	struct numbering__due_bucket *b;
	int rc;
};

static int load_visit(const numbering_record *record, void *payload)
{
	struct load_visit *v = payload;
	v->rc = numbering__due_read(v->b, record);
	return 0;
}

int numbering__due_load(struct numbering__due_bucket *b, numbering_store *store, const char *project, int64_t day)
{
	char name[NUMBERING__DUE_NAME_SIZE];
	numbering__due_reset(b, project, day);
	numbering__due_name(name, project, day);
	struct load_visit v = {b, NUMBERING_OK};
	int rc = numbering__backend_get_record(store, NUMBERING__KIND_DUE, name, load_visit, &v);
	if (rc == NUMBERING_NOT_FOUND)
		return NUMBERING_OK;
	return rc == NUMBERING_OK ? v.rc : rc;
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
	char name[NUMBERING__DUE_NAME_SIZE];
	numbering__due_name(name, b->project, b->day);
	if (n == 0) {
		b->dirty = 0;
		b->loaded = 0;
		if (!b->exists)
			return NUMBERING_OK;
		b->exists = 0;
		return numbering__backend_remove_record(store, NUMBERING__KIND_DUE, name);
	}
	size_t len = HEAD + (size_t)n * 4;
	for (uint32_t i = 0; i < n; i++) {
		len += ITEM_FIXED + b->items[i].id_len;
		if (i > 0 && item_cmp(&b->items[i - 1], &b->items[i]) == 0)
			return numbering__error_field(NUMBERING_DATA_LOSS, "id", "subscription id %s is twice in billing due "
			                              "bucket %s", b->items[i].id, name);
	}
	uint8_t *body = numbering__malloc(len);
	if (body == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory writing a billing due bucket");
	body[0] = VERSION;
	put32(body + 1, n);
	size_t at = HEAD + (size_t)n * 4;
	int64_t earliest = INT64_MAX;
	for (uint32_t i = 0; i < n; i++) {
		const struct numbering__due_item *it = &b->items[i];
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
	r.parent = b->project;
	r.sort_key = b->day;
	r.expires = earliest;
	r.body = body;
	r.body_len = len;
	int rc = numbering__backend_put_record(store, &r);
	numbering__free_mem(body);
	if (rc == NUMBERING_OK) {
		b->exists = 1;
		b->dirty = 0;
		b->loaded = n;
	}
	return rc;
}

/* ---- A reader's look-up ---- */

struct lookup_visit {
	const char *id;
	size_t id_len;
	struct numbering__due_item *out;
	int found;
	int rc;
};

static int lookup_visit(const numbering_record *record, void *payload)
{
	struct lookup_visit *v = payload;
	uint32_t count = 0;
	int64_t day = 0;
	if ((v->rc = record_head(record, &day)) != NUMBERING_OK || (v->rc = body_head(record, &count)) != NUMBERING_OK)
		return 0;
	const uint8_t *body = record->body;
	size_t len = record->body_len, table_end = HEAD + (size_t)count * 4;
	uint32_t lo = 0, hi = count;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		size_t at = get32(body + HEAD + (size_t)mid * 4);
		if (at < table_end || at >= len || len - at < 1u + body[at]) {
			v->rc = damaged(record, "offsets", "an item's offset is outside the body");
			return 0;
		}
		int c = id_cmp((const char *)body + at + 1, body[at], v->id, v->id_len);
		if (c == 0) {
			size_t end = 0;
			if ((v->rc = item_at(record, body, len, at, &end, v->out)) == NUMBERING_OK) {
				v->found = 1;
				if (numbering__due_day(v->out->next_due) != day)
					v->rc = damaged(record, "nextDue", "an item's next due time is not on the bucket's day");
			}
			return 0;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int numbering__due_lookup(numbering_store *store, const char *project, int64_t day, const char *id,
                          struct numbering__due_item *out, int *found)
{
	char name[NUMBERING__DUE_NAME_SIZE];
	numbering__due_name(name, project, day);
	struct lookup_visit v = {id, strlen(id), out, 0, NUMBERING_OK};
	*found = 0;
	int rc = numbering__backend_get_record(store, NUMBERING__KIND_DUE, name, lookup_visit, &v);
	if (rc == NUMBERING_NOT_FOUND)
		return NUMBERING_OK;
	if (rc == NUMBERING_OK && (rc = v.rc) == NUMBERING_OK)
		*found = v.found;
	return rc;
}
