/*
 * ListPhoneNumberPricing (numbering/pricing.h): what the inventory offers per region
 * and type, in price tiers.
 *
 * An available number's record has the parent "XX/TYPE" (model/available.h), and a
 * backend lists a parent from its index, so the answer walks exactly the groups asked
 * for: one list query per known region and type (listed records only: numbers held
 * for a reservation or a purchase are not offered), visiting each record once. Of a
 * record it reads the interval (a block counts each number) and the first rows of its
 * body, which hold the prices (model/available-fields.h: capabilities, setupPrice,
 * monthlyPrice, paymentIntervalMonths), and stops there: no text is copied. Tiers are
 * gathered in a hash table per group, so the cost is the records walked, whatever the
 * number of distinct prices.
 */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "model/available.h"
#include "model/kinds.h"
#include "numbering/active.h"
#include "numbering/money.h"
#include "numbering/pricing.h"
#include "service/backend-call.h"
#include "service/reservation.h"
#include "service/service.h"

/* The rows of an available number's body, by member name. */
#define ROW(id, type, json, limit, dflt) ROW_##id,
enum { NUMBERING__AVAILABLE_FIELDS(ROW) ROW_COUNT };
#undef ROW
/* The price rows come first in the body, so reading up to the interval reads them all. */
#define PRICE_ROWS (ROW_payment_interval_months + 1)
_Static_assert(ROW_setup_price < PRICE_ROWS && ROW_monthly_price < PRICE_ROWS, "the prices precede the interval");
/* ... and no text among them: a reader of the price rows allocates nothing. */
#define NO_TEXT_TEXT(id) _Static_assert(ROW_##id >= PRICE_ROWS, "a text attribute among the price rows");
#define NO_TEXT_INT(id)
#define NO_TEXT_BOOL(id)
#define NO_TEXT_MONEY(id)
#define NO_TEXT_CAPS(id)
#define NO_TEXT(id, type, json, limit, dflt) NO_TEXT_##type(id)
NUMBERING__AVAILABLE_FIELDS(NO_TEXT)
#undef NO_TEXT

#define TYPE_MAX NUMBERING_NUMBER_TYPE_SHARED_RATE
/* Regions AA .. ZZ. */
#define CODES (26 * 26)

struct tier {
	char currency[4]; /* "" for free numbers */
	int64_t monthly, setup;
	int interval;
	int64_t available;
};

struct entry {
	char code[3];
	const char *country;
	int type;
	char currency[4];
	int64_t price;
	int tier_count;
	struct tier *tiers;
};

struct numbering_pricing_list {
	int count, cap;
	struct entry *items;
};

/* A number of a reservation due and not ended yet (its expiry not written: a full
 * disk), counted as the inventory's, where the expiry will put it. */
struct extra {
	char code[3];
	int type;
	struct tier tier;
};

struct extras {
	struct extra *items;
	size_t count, cap;
};

/* The tiers of one group being walked: an array, and an open-addressing table of
 * indexes into it (-1 free), its size a power of two at least twice the tiers'. */
struct walk {
	struct tier *tiers;
	int count, cap;
	int *slots;
	size_t slot_count;
	int rc;
};

static int out_of_memory(void)
{
	return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for the price list");
}

static uint64_t tier_hash(const struct tier *t)
{
	uint64_t h = 1469598103934665603ULL;
	const uint64_t parts[] = {(uint64_t)t->monthly, (uint64_t)t->setup, (uint64_t)t->interval,
	                          (uint64_t)(unsigned char)t->currency[0] << 16 |
	                                  (uint64_t)(unsigned char)t->currency[1] << 8 |
	                                  (uint64_t)(unsigned char)t->currency[2]};
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		h ^= parts[i];
		h *= 1099511628211ULL;
		h ^= h >> 29;
	}
	return h;
}

static int same_tier(const struct tier *a, const struct tier *b)
{
	/* Currencies are NUL-padded to 4 bytes (a tier starts zeroed). */
	return a->monthly == b->monthly && a->setup == b->setup && a->interval == b->interval &&
	       memcmp(a->currency, b->currency, sizeof(a->currency)) == 0;
}

static int grow(struct walk *w)
{
	size_t slot_count = w->slot_count == 0 ? 16 : w->slot_count * 2;
	int cap = (int)(slot_count / 2);
	struct tier *tiers = numbering__realloc(w->tiers, (size_t)cap * sizeof(*tiers));
	if (tiers == NULL)
		return out_of_memory();
	w->tiers = tiers;
	w->cap = cap;
	int *slots = numbering__malloc(slot_count * sizeof(*slots));
	if (slots == NULL)
		return out_of_memory();
	memset(slots, 0xff, slot_count * sizeof(*slots));
	for (int i = 0; i < w->count; i++) {
		size_t s = (size_t)tier_hash(&w->tiers[i]) & (slot_count - 1);
		while (slots[s] >= 0)
			s = (s + 1) & (slot_count - 1);
		slots[s] = i;
	}
	numbering__free_mem(w->slots);
	w->slots = slots;
	w->slot_count = slot_count;
	return NUMBERING_OK;
}

/* Counts @n numbers of tier @t. */
static int add(struct walk *w, const struct tier *t, int64_t n)
{
	if (w->count == w->cap) {
		int rc = grow(w);
		if (rc != NUMBERING_OK)
			return rc;
	}
	size_t s = (size_t)tier_hash(t) & (w->slot_count - 1);
	for (; w->slots[s] >= 0; s = (s + 1) & (w->slot_count - 1))
		if (same_tier(&w->tiers[w->slots[s]], t)) {
			int64_t *available = &w->tiers[w->slots[s]].available;
			if (__builtin_add_overflow(*available, n, available))
				*available = INT64_MAX; /* never in practice: 10^16 numbers a record */
			return NUMBERING_OK;
		}
	w->tiers[w->count] = *t;
	w->tiers[w->count].available = n;
	w->slots[s] = w->count++;
	return NUMBERING_OK;
}

/* What a number of @n costs first (setup + monthly x interval) fits an int64_t. */
static int first_payment_fits(const numbering_available_number *n)
{
	int64_t period = 0, total = 0;
	return !__builtin_mul_overflow(n->monthly_price.minor, n->payment_interval_months, &period) &&
	       !__builtin_add_overflow(period, n->setup_price.minor, &total);
}

/* The tier of a number of @n into @t; 0 when no acquisition could charge it, and it is
 * not offered (numbering/pricing.h). */
static int tier_of(struct tier *t, const numbering_available_number *n)
{
	const struct numbering__money *monthly = &n->monthly_price, *setup = &n->setup_price;
	if ((monthly->currency[0] != '\0' && setup->currency[0] != '\0' && strcmp(monthly->currency, setup->currency) != 0) ||
	    !first_payment_fits(n))
		return 0;
	memset(t, 0, sizeof(*t));
	memcpy(t->currency, monthly->currency[0] != '\0' ? monthly->currency : setup->currency, 4);
	t->monthly = monthly->minor;
	t->setup = setup->minor;
	t->interval = (int)n->payment_interval_months;
	return 1;
}

static int visit(const numbering_record *record, void *payload)
{
	struct walk *w = payload;
	if (record->digits < 1 || record->digits > NUMBERING_RECORD_DIGITS_MAX || record->first > record->last)
		return w->rc = numbering__record_damaged(record, "available number ", "digits", "the record holds no interval");
	/* Only the price rows are set (their defaults, then the body's): they hold no text,
	 * so nothing is allocated and nothing needs freeing. */
	numbering_available_number n;
	memset(&n.capabilities, 0, sizeof(n.capabilities));
	memset(&n.setup_price, 0, sizeof(n.setup_price));
	memset(&n.monthly_price, 0, sizeof(n.monthly_price));
	n.payment_interval_months = 1;
	const char *field = NULL, *problem = NULL;
	int rc = numbering__fields_decode_first(&numbering__available_fields, PRICE_ROWS, &n, record->body,
	                                        record->body_len, &field, &problem);
	if (rc != NUMBERING_OK)
		return w->rc = problem != NULL ? numbering__record_damaged(record, "available number ", field, problem) : rc;
	struct tier t;
	if (!tier_of(&t, &n))
		return NUMBERING_OK;
	int64_t numbers = (int64_t)(record->last - record->first) + 1;
	if ((rc = add(w, &t, numbers)) != NUMBERING_OK)
		return w->rc = rc;
	return NUMBERING_OK;
}

static int compare_tiers(const void *a, const void *b)
{
	const struct tier *x = a, *y = b;
	if (x->monthly != y->monthly)
		return x->monthly < y->monthly ? -1 : 1;
	if (x->setup != y->setup)
		return x->setup < y->setup ? -1 : 1;
	int c = strcmp(x->currency, y->currency);
	if (c != 0)
		return c;
	return (x->interval > y->interval) - (x->interval < y->interval);
}

static int compare_currencies(const void *a, const void *b)
{
	return strcmp(((const struct tier *)a)->currency, ((const struct tier *)b)->currency);
}

/* The entry's currency (the one most priced numbers have; the first in code order on a
 * tie) and its lowest monthly price. @scratch holds room for the tiers, which are
 * sorted by price. */
static void entry_price(struct entry *e, struct tier *scratch)
{
	memcpy(scratch, e->tiers, (size_t)e->tier_count * sizeof(*scratch));
	qsort(scratch, (size_t)e->tier_count, sizeof(*scratch), compare_currencies);
	int64_t best = 0;
	e->currency[0] = '\0';
	e->price = 0;
	for (int i = 0; i < e->tier_count;) {
		int64_t numbers = 0;
		int j = i;
		for (; j < e->tier_count && strcmp(scratch[j].currency, scratch[i].currency) == 0; j++)
			if (__builtin_add_overflow(numbers, scratch[j].available, &numbers))
				numbers = INT64_MAX;
		/* Runs in code order: only a larger count replaces the first best. */
		if (scratch[i].currency[0] != '\0' && numbers > best) {
			best = numbers;
			memcpy(e->currency, scratch[i].currency, 4);
		}
		i = j;
	}
	/* Sorted by monthly price: the first tier of the currency has the lowest. */
	for (int i = 0; i < e->tier_count && e->currency[0] != '\0'; i++)
		if (strcmp(e->tiers[i].currency, e->currency) == 0) {
			e->price = e->tiers[i].monthly;
			break;
		}
}

/* Walks the group @code / @type and appends its entry to @list when it has numbers. */
static int walk_group(struct numbering_pricing_list *list, struct walk *w, numbering_store *store, const char *code,
                      int type, const struct extras *extras)
{
	char parent[NUMBERING__AVAILABLE_PARENT_SIZE];
	int rc = numbering__available_parent(parent, code, type);
	if (rc != NUMBERING_OK)
		return rc;
	numbering_record_query query = NUMBERING_RECORD_QUERY_INIT;
	query.kind = NUMBERING__KIND_AVAILABLE;
	query.order = NUMBERING_RECORD_ORDER_ASCENDING;
	query.parent = parent;
	query.listed_only = 1;
	w->count = 0;
	if (w->slots != NULL)
		memset(w->slots, 0xff, w->slot_count * sizeof(*w->slots));
	w->rc = NUMBERING_OK;
	rc = numbering__backend_list(store, &query, visit, w);
	if (rc == NUMBERING_OK)
		rc = w->rc;
	for (size_t i = 0; i < extras->count && rc == NUMBERING_OK; i++)
		if (extras->items[i].type == type && memcmp(extras->items[i].code, code, 2) == 0)
			rc = add(w, &extras->items[i].tier, 1);
	if (rc != NUMBERING_OK || w->count == 0)
		return rc;
	if (list->count == list->cap) {
		int cap = list->cap == 0 ? 8 : list->cap * 2;
		struct entry *items = numbering__realloc(list->items, (size_t)cap * sizeof(*items));
		if (items == NULL)
			return out_of_memory();
		list->items = items;
		list->cap = cap;
	}
	struct entry *e = &list->items[list->count];
	memset(e, 0, sizeof(*e));
	if ((e->tiers = numbering__malloc((size_t)w->count * sizeof(*e->tiers))) == NULL)
		return out_of_memory();
	list->count++;
	memcpy(e->tiers, w->tiers, (size_t)w->count * sizeof(*e->tiers));
	e->tier_count = w->count;
	qsort(e->tiers, (size_t)e->tier_count, sizeof(*e->tiers), compare_tiers);
	memcpy(e->code, code, 3);
	if (numbering_region_name(&e->country, code) != NUMBERING_OK)
		e->country = "";
	e->type = type;
	entry_price(e, w->tiers); /* the walk's copy is free now */
	return NUMBERING_OK;
}

static int extra_visit(const numbering_available_number *n, void *payload)
{
	struct extras *x = payload;
	struct tier t;
	if (!tier_of(&t, n))
		return NUMBERING_OK;
	if (x->count == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 64;
		struct extra *grown = numbering__realloc(x->items, cap * sizeof(*grown));
		if (grown == NULL)
			return out_of_memory();
		x->items = grown;
		x->cap = cap;
	}
	struct extra *e = &x->items[x->count++];
	memcpy(e->code, n->region_code, sizeof(e->code));
	e->type = n->type;
	e->tier = t;
	return NUMBERING_OK;
}

static int collect(struct numbering_pricing_list *list, numbering_store *store, const char *region_code, int type,
                   int64_t now)
{
	struct walk w;
	memset(&w, 0, sizeof(w));
	/* Numbers of reservations that expired by @now and are not ended yet (their expiry
	 * could not be written) are counted where the expiry will put them: a reservation
	 * holds nothing past its expire time. Nothing is due in the common case: one look. */
	struct extras extras = {NULL, 0, 0};
	int rc = numbering__reservations_due_held(store, now, extra_visit, &extras);
	for (int c = 0; c < CODES && rc == NUMBERING_OK; c++) {
		char code[3] = {(char)('A' + c / 26), (char)('A' + c % 26), '\0'};
		if (region_code != NULL ? strcmp(code, region_code) != 0 : !numbering_region_is_known(code))
			continue;
		for (int t = NUMBERING_NUMBER_TYPE_LOCAL; t <= TYPE_MAX && rc == NUMBERING_OK; t++)
			if (type == NUMBERING_NUMBER_TYPE_UNSPECIFIED || type == t)
				rc = walk_group(list, &w, store, code, t, &extras);
	}
	numbering__free_mem(extras.items);
	numbering__free_mem(w.tiers);
	numbering__free_mem(w.slots);
	return rc;
}

static int check_arguments(const char *region_code, int type)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	if (region_code != NULL &&
	    (strlen(region_code) != 2 || region_code[0] < 'A' || region_code[0] > 'Z' || region_code[1] < 'A' ||
	     region_code[1] > 'Z' || !numbering_region_is_known(region_code)))
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "countryCode",
		                              "countryCode \"%s\" is not an ISO 3166-1 alpha-2 region code (two upper-case "
		                              "letters of a known region, like \"US\")",
		                              numbering__quote(quoted, region_code, strlen(region_code)));
	if (type < NUMBERING_NUMBER_TYPE_UNSPECIFIED || type > TYPE_MAX)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "numberType",
		                              "numberType %d is not a number type (MOBILE, LOCAL, TOLL_FREE, NATIONAL or "
		                              "SHARED_RATE), nor 0 for every type",
		                              type);
	return NUMBERING_OK;
}

int numbering_store_list_pricing(numbering_pricing_list **out, numbering_store *store, const char *caller,
                                 const char *region_code, int type)
{
	if (out == NULL || store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_list_pricing: %s is NULL",
		                            out == NULL ? "out" : "store");
	*out = NULL;
	if (region_code != NULL && region_code[0] == '\0')
		region_code = NULL;
	/* The price list belongs to no project: a host-wide read (numbering/pricing.h). */
	int rc = numbering__authorize(store, caller, NUMBERING__PERM_AVAILABLE_LIST, "*");
	if (rc == NUMBERING_OK)
		rc = check_arguments(region_code, type);
	/* Releases due by now have returned their numbers to the inventory; expired
	 * reservations' numbers are counted when their expiry cannot be written yet (a full
	 * disk), as the list tells them by the clock (collect()). */
	int64_t now = 0;
	if (rc == NUMBERING_OK)
		rc = numbering__due_before_read(&now, store, 1);
	if (rc != NUMBERING_OK)
		return rc;
	struct numbering_pricing_list *list = numbering__calloc(1, sizeof(*list));
	if (list == NULL)
		return out_of_memory();
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	rc = collect(list, store, region_code, type, now);
	numbering__rwlock_rdunlock(&store->lock, slot);
	if (rc != NUMBERING_OK) {
		numbering_pricing_list_free(list);
		return rc;
	}
	*out = list;
	return NUMBERING_OK;
}

int numbering_pricing_list_count(const numbering_pricing_list *list)
{
	return list == NULL ? 0 : list->count;
}

static const struct entry *entry(const numbering_pricing_list *list, int i)
{
	return list == NULL || i < 0 || i >= list->count ? NULL : &list->items[i];
}

static const struct tier *tier(const numbering_pricing_list *list, int i, int t)
{
	const struct entry *e = entry(list, i);
	return e == NULL || t < 0 || t >= e->tier_count ? NULL : &e->tiers[t];
}

const char *numbering_pricing_list_region_code(const numbering_pricing_list *list, int i)
{
	const struct entry *e = entry(list, i);
	return e == NULL ? "" : e->code;
}

const char *numbering_pricing_list_country(const numbering_pricing_list *list, int i)
{
	const struct entry *e = entry(list, i);
	return e == NULL ? "" : e->country;
}

int numbering_pricing_list_type(const numbering_pricing_list *list, int i)
{
	const struct entry *e = entry(list, i);
	return e == NULL ? NUMBERING_NUMBER_TYPE_UNSPECIFIED : e->type;
}

const char *numbering_pricing_list_currency(const numbering_pricing_list *list, int i)
{
	const struct entry *e = entry(list, i);
	return e == NULL ? "" : e->currency;
}

int64_t numbering_pricing_list_price(const numbering_pricing_list *list, int i)
{
	const struct entry *e = entry(list, i);
	return e == NULL ? 0 : e->price;
}

int numbering_pricing_list_tier_count(const numbering_pricing_list *list, int i)
{
	const struct entry *e = entry(list, i);
	return e == NULL ? 0 : e->tier_count;
}

const char *numbering_pricing_list_tier_currency(const numbering_pricing_list *list, int i, int t)
{
	const struct tier *x = tier(list, i, t);
	return x == NULL ? "" : x->currency;
}

int64_t numbering_pricing_list_tier_monthly_price(const numbering_pricing_list *list, int i, int t)
{
	const struct tier *x = tier(list, i, t);
	return x == NULL ? 0 : x->monthly;
}

int64_t numbering_pricing_list_tier_setup_price(const numbering_pricing_list *list, int i, int t)
{
	const struct tier *x = tier(list, i, t);
	return x == NULL ? 0 : x->setup;
}

int numbering_pricing_list_tier_interval_months(const numbering_pricing_list *list, int i, int t)
{
	const struct tier *x = tier(list, i, t);
	return x == NULL ? 0 : x->interval;
}

int64_t numbering_pricing_list_tier_available(const numbering_pricing_list *list, int i, int t)
{
	const struct tier *x = tier(list, i, t);
	return x == NULL ? 0 : x->available;
}

void numbering_pricing_list_free(numbering_pricing_list *list)
{
	if (list == NULL)
		return;
	for (int i = 0; i < list->count; i++)
		numbering__free_mem(list->items[i].tiers);
	numbering__free_mem(list->items);
	numbering__free_mem(list);
}
