/*
 * Voximplant's GetPhoneNumbers (numbering/phone.h, "Binding and queries"): a project's
 * numbers with every filter and order of the seed.
 *
 * A number is an instance of the project (however it was made). What the seed shows of
 * it lives in up to four records: the INSTANCE (phone_id in keys[0], the purchase date
 * in the sort key, the number in the interval, the country in the body), the ACTIVE
 * record (the inventory attributes it was acquired with: price, category, region,
 * state, sandbox), the SUBSCRIPTION (auto_charge, next renewal, deactivated,
 * cancelled) and the PHONE record (application, rule, SMS URL, verification). A query
 * over 1,000,000 numbers cannot afford to load all four per number, so:
 *
 * - the candidates come from the cheapest source the filters allow: the listed
 *   phone ids or numbers (one indexed look-up each), the PHONE records bound to the
 *   application (a key-filtered list), or else one pass over the project's INSTANCE
 *   records;
 * - each candidate reads only the records its filters and the order need, in the
 *   order instance, ACTIVE, SUBSCRIPTION, PHONE, and stops at the first filter that
 *   fails; bodies are read in place (views into the backend's bytes: no copy, no
 *   allocation per candidate);
 * - matches go through a bounded heap of offset + count entries by the order's key
 *   (ties by phone_id), not a sort of every match; total_count counts every match
 *   without keeping it;
 * - only the page's items are then loaded whole.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "model/active.h"
#include "model/available.h"
#include "model/fields.h"
#include "model/kinds.h"
#include "model/validate.h"
#include "model/varint.h"
#include "numbering/phone.h"
#include "numbering/subscription.h"
#include "service/application.h"
#include "service/backend-call.h"
#include "service/inventory.h"
#include "service/active.h"
#include "service/phone.h"
#include "service/service.h"
#include "service/subscription-record.h"

#define INSTANCES "/phoneNumberInstances/"
/* Up to this many phone ids are looked up one by one; more are checked during one
 * pass over the project's instances. */
#define FEW_IDS 16

/* ---- Bodies read in place ---- */

/* One attribute of a body as it is stored: text borrowed from the body. */
struct view {
	const char *text; /* TEXT: not NUL-terminated; NULL when unset */
	size_t len;
	int64_t value;    /* INT, TIME, BOOL, CAPS; MONEY: the minor units */
	char currency[4]; /* MONEY: "" when unset */
};

static int get_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	return numbering__varint_get(p, end, v) == NULL ? NUMBERING_OK : NUMBERING_DATA_LOSS;
}

#define ROW(i) (UINT64_C(1) << (i))

/* The rows of a model/fields.h body that @want names (a bit per row) into @out[row]:
 * an unset row zeroed (an INT its default); the other entries of @out are not written.
 * The body is walked only up to the last row wanted, and an unset row costs a bit
 * test. Only the structure is checked (a damaged body is DATA_LOSS): the values met
 * their limits when they were written. */
static int view_fields(const struct numbering__fields *t, uint64_t want, struct view *out, const uint8_t *body,
                       size_t len)
{
	static const uint8_t nothing[1];
	const uint8_t *p = body ? body : nothing, *end = p + (body ? len : 0);
	uint64_t bits = 0, v = 0;
	if (get_varint(&p, end, &bits) != NUMBERING_OK)
		return NUMBERING_DATA_LOSS;
	if (t->count < 64)
		want &= ROW(t->count) - 1;
	/* The wanted rows that are unset: zeroed, an INT its default. */
	for (uint64_t unset = want & ~bits; unset != 0; unset &= unset - 1) {
		unsigned i = (unsigned)__builtin_ctzll(unset);
		memset(&out[i], 0, sizeof(out[i]));
		out[i].value = t->f[i].type == NUMBERING__FIELD_INT ? t->f[i].dflt : 0;
	}
	/* The set rows up to the last one wanted, in order (each set row's bytes follow the
	 * one before). */
	unsigned last = want != 0 ? 63u - (unsigned)__builtin_clzll(want) : 0;
	uint64_t upto = want == 0 ? 0 : last == 63 ? ~UINT64_C(0) : ROW(last + 1) - 1;
	for (uint64_t set = bits & upto; set != 0; set &= set - 1) {
		unsigned i = (unsigned)__builtin_ctzll(set);
		int wanted = (want & ROW(i)) != 0;
		struct view *o = &out[i];
		switch (t->f[i].type) {
		case NUMBERING__FIELD_TEXT:
			if (get_varint(&p, end, &v) != NUMBERING_OK || v > (uint64_t)(end - p))
				return NUMBERING_DATA_LOSS;
			if (wanted) {
				o->text = (const char *)p;
				o->len = (size_t)v;
			}
			p += v;
			break;
		case NUMBERING__FIELD_INT:
		case NUMBERING__FIELD_TIME:
			if (get_varint(&p, end, &v) != NUMBERING_OK)
				return NUMBERING_DATA_LOSS;
			if (wanted) {
				o->text = NULL;
				o->value = t->f[i].type == NUMBERING__FIELD_INT ? (int64_t)v : numbering__unzigzag(v);
			}
			break;
		case NUMBERING__FIELD_MONEY:
		case NUMBERING__FIELD_SMONEY:
			if (end - p < 3)
				return NUMBERING_DATA_LOSS;
			if (wanted) {
				memcpy(o->currency, p, 3);
				o->currency[3] = '\0';
				o->text = NULL;
			}
			p += 3;
			if (get_varint(&p, end, &v) != NUMBERING_OK)
				return NUMBERING_DATA_LOSS;
			if (wanted)
				o->value = t->f[i].type == NUMBERING__FIELD_MONEY ? (int64_t)v : numbering__unzigzag(v);
			break;
		case NUMBERING__FIELD_CAPS:
			if (p >= end)
				return NUMBERING_DATA_LOSS;
			if (wanted) {
				o->text = NULL;
				o->value = *p;
			}
			p++;
			break;
		default: /* BOOL */
			if (wanted) {
				o->text = NULL;
				o->value = 1;
			}
			break;
		}
	}
	return NUMBERING_OK;
}

static int view_is(const struct view *v, const char *text)
{
	size_t n = strlen(text);
	return v->text != NULL ? v->len == n && memcmp(v->text, text, n) == 0 : n == 0;
}

/* The row of @t named @json, or -1. */
static int row_of(const struct numbering__fields *t, const char *json)
{
	for (size_t i = 0; i < t->count; i++)
		if (strcmp(t->f[i].json, json) == 0)
			return (int)i;
	return -1;
}

/* ---- What one number shows ---- */

#define STOCK_ROWS_MAX 32
#define SUB_ROWS 13   /* model/subscription-fields.h: up to dueBucket */
#define SUB_ROW_STATE 2
#define SUB_ROW_AUTO_OFF 3
#define SUB_ROW_INTERVAL 5
#define SUB_ROW_START 6
#define SUB_ROW_PAID 7
#define SUB_ROW_EXPIRE 10
#define SUB_ROW_DUE 12
#define PHONE_ROWS 6  /* model/phone-fields.h: up to verification_name */

/* The rows read of an ACTIVE record's stock (model/available-fields.h), found by name
 * once; -1 for one a build does not have. stock_rows and sub_rows: how many rows of
 * the stock and of the subscription the query reads (the rows after the last one it
 * reads are not even walked: a body is read only as far as the query needs). */
struct rows {
	int monthly_price, category, region_name, sandbox;
	uint64_t stock_want, sub_want; /* the rows read (model/fields.h bits) */
};

static uint64_t row_bit(int row)
{
	return row >= 0 && row < 64 ? ROW(row) : 0;
}

static void rows_init(struct rows *r, const numbering_phone_query *q, int need_renewal)
{
	const struct numbering__fields *t = &numbering__available_fields;
	r->monthly_price = row_of(t, "monthlyPrice");
	r->category = row_of(t, "categoryName");
	r->region_name = row_of(t, "regionName");
	r->sandbox = row_of(t, "sandbox");
	r->stock_want = 0;
	if (q->order_by == NUMBERING_PHONE_ORDER_PHONE_PRICE)
		r->stock_want |= row_bit(r->monthly_price);
	if (q->phone_category_name != NULL)
		r->stock_want |= row_bit(r->category);
	if (q->phone_region_name_count > 0)
		r->stock_want |= row_bit(r->region_name);
	if (q->sandbox != NUMBERING_PHONE_SANDBOX_ALL)
		r->stock_want |= row_bit(r->sandbox);
	/* model/subscription-fields.h: state row 2, autoChargeOff 3, the renewal's rows 5 .. 7,
	 * expireAt 10. */
	r->sub_want = 0;
	if (q->deactivated >= 0 || q->canceled >= 0 || q->order_by == NUMBERING_PHONE_ORDER_DEACTIVATED || need_renewal)
		r->sub_want |= ROW(SUB_ROW_STATE);
	if (q->auto_charge >= 0)
		r->sub_want |= ROW(SUB_ROW_AUTO_OFF);
	if (q->canceled >= 0 || need_renewal)
		r->sub_want |= ROW(SUB_ROW_EXPIRE);
	if (need_renewal)
		r->sub_want |= ROW(SUB_ROW_INTERVAL) | ROW(SUB_ROW_START) | ROW(SUB_ROW_PAID) | ROW(SUB_ROW_DUE);
}


/* A candidate: what its instance record gave, then what the joins added. */
struct cand {
	int64_t phone_id, create_time;
	uint64_t first;
	uint32_t name;  /* the instance name's offset in the arena */
	uint32_t vname; /* its verification name's offset, 0 for none (only when the query reads it) */
	uint16_t id_at; /* where the instance id starts in the name */
	uint8_t id_len; /* and its length */
	uint8_t digits;
	char country[3];
	uint8_t stock_ok, has_sub, pending;
	uint8_t due_bucket; /* its subscription is bucket-managed: next_renewal is its record's, until resolved */
	uint8_t alive; /* whether it passed the filters of the records joined so far */
	int64_t price;
	int64_t state, auto_off, next_renewal, expire;
	int64_t app, rule, vstatus, hold;
};

/* ---- The query ---- */

enum {
	NEED_COUNTRY = 1,
	NEED_ACTIVE = 2,
	NEED_SUB = 4,
	NEED_PHONE = 8,
	NEED_VNAME = 16,
	NEED_RENEWAL = 32,
};

/* A kept match: small, so that sifting moves little; its instance name lives in the
 * run's names[slot], which stays put while the entry moves. */
struct entry {
	int64_t key;
	char *skey; /* verification_name order: the name (NULL: none) */
	int64_t phone_id;
	uint32_t slot;
};

#define PROBE_SLOT UINT32_MAX /* the entry offered, whose name is the run's probe_name */

struct run {
	numbering_store *store;
	const numbering_phone_query *q;
	struct rows rows;
	int need;
	int stock_ok_without; /* whether the stock filters pass a number without inventory attributes */
	int64_t application_id; /* resolved from application_id / application_name; 0: any */
	int64_t *rule_ids;      /* q->rule_ids and the ids of q->rule_names */
	size_t rule_id_count;
	int64_t *ids; /* q->phone_ids sorted */
	size_t id_count;
	/* parsed phone_numbers */
	int *digits;
	uint64_t *values;
	uint64_t template_lo[NUMBERING_RECORD_DIGITS_MAX + 1], template_hi[NUMBERING_RECORD_DIGITS_MAX + 1];
	int has_template;
	/* one project's candidates, their strings, and a hash of them by number or by id */
	const char *project;
	size_t project_len;
	struct cand *cands;
	size_t cand_count, cand_cap;
	int64_t visited;
	char *arena;
	size_t arena_len, arena_cap;
	uint32_t *slots; /* open addressing: candidate index + 1, 0 empty */
	size_t slot_mask;
	/* the heap: the best `cap` matches, the worst on top */
	struct entry *heap;
	char (*names)[NUMBERING__NAME_SIZE]; /* the kept matches' instance names, by slot */
	const char *probe_name;
	size_t count, cap, room;
	int64_t total;
	int rc;
};

static int out_of_memory(void)
{
	return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory listing phone numbers");
}

static int damaged(const char *what, const char *name)
{
	return numbering__error_set(NUMBERING_DATA_LOSS, "the %s record %s is damaged", what, name);
}

static int parse_id(const char *key, int64_t *out)
{
	int64_t v = 0;
	if (key == NULL || key[0] == '\0')
		return 0;
	for (const char *p = key; *p; p++) {
		if (*p < '0' || *p > '9' || v > (INT64_MAX - 9) / 10)
			return 0;
		v = v * 10 + (*p - '0');
	}
	*out = v;
	return 1;
}

static int in_range(int64_t v, int64_t from, int64_t to)
{
	return v >= from && v <= to;
}

static int list_has_text(const char *const *list, size_t n, const struct view *v)
{
	for (size_t i = 0; i < n; i++)
		if (view_is(v, list[i]))
			return 1;
	return 0;
}

static int list_has_id(const int64_t *list, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == id)
			return 1;
	return 0;
}

static int by_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static int tri(int filter, int value)
{
	return filter < 0 || (filter != 0) == (value != 0);
}

/* Whether the stock filters (phone_category_name, phone_region_name, sandbox) pass
 * @stock (NULL: a number without inventory attributes). */
static int stock_passes(const struct run *r, const struct view *stock)
{
	static const struct view none;
	const numbering_phone_query *q = r->q;
	/* Only the rows a filter reads: view_fields() read no more than those. */
	if (q->phone_category_name != NULL &&
	    !view_is(stock && r->rows.category >= 0 ? &stock[r->rows.category] : &none, q->phone_category_name))
		return 0;
	if (q->phone_region_name_count > 0 &&
	    !list_has_text(q->phone_region_names, q->phone_region_name_count,
	                   stock && r->rows.region_name >= 0 ? &stock[r->rows.region_name] : &none))
		return 0;
	if (q->sandbox != NUMBERING_PHONE_SANDBOX_ALL) {
		int64_t sandbox = stock && r->rows.sandbox >= 0 ? stock[r->rows.sandbox].value : 0;
		if ((q->sandbox == NUMBERING_PHONE_SANDBOX_TRUE) != (sandbox != 0))
			return 0;
	}
	return 1;
}

/* ---- Candidates ---- */

static const char *last_slash(const char *s, size_t len)
{
	while (len > 0)
		if (s[--len] == '/')
			return s + len;
	return NULL;
}

static const char *cand_name(const struct run *r, const struct cand *c)
{
	return r->arena + c->name;
}

static int arena_add(struct run *r, const char *s, size_t len, uint32_t *at)
{
	if (r->arena_len + len + 1 > r->arena_cap) {
		size_t cap = r->arena_cap ? r->arena_cap * 2 : 65536;
		while (cap < r->arena_len + len + 1)
			cap *= 2;
		if (cap > UINT32_MAX)
			return out_of_memory();
		char *grown = numbering__realloc(r->arena, cap);
		if (grown == NULL)
			return out_of_memory();
		r->arena = grown;
		r->arena_cap = cap;
	}
	*at = (uint32_t)r->arena_len;
	memcpy(r->arena + r->arena_len, s, len);
	r->arena[r->arena_len + len] = '\0';
	r->arena_len += len + 1;
	return NUMBERING_OK;
}

/*
 * The country code of an instance record, read in place: the body starts with a mask
 * byte, a pack byte and a state byte, then the strings of the mask's bits in bit
 * order, sku (bit 0), activationSku (1), countryCode (2) ... (model/instance-record.c,
 * docs/RECORDS.md). "" when it has none.
 */
static int instance_country(const numbering_record *in, char out[3])
{
	const uint8_t *p = in->body, *end = p ? p + in->body_len : NULL;
	out[0] = '\0';
	if (p == NULL || in->body_len < 3)
		return NUMBERING_DATA_LOSS;
	unsigned mask = p[0];
	p += 3;
	for (unsigned bit = 0; bit < 3; bit++) {
		if (!(mask & (1u << bit)))
			continue;
		uint64_t len = 0;
		if (get_varint(&p, end, &len) != NUMBERING_OK || len > (uint64_t)(end - p))
			return NUMBERING_DATA_LOSS;
		if (bit == 2 && len == 2) {
			out[0] = (char)p[0];
			out[1] = (char)p[1];
			out[2] = '\0';
		}
		p += len;
	}
	return NUMBERING_OK;
}

/* Whether the candidate's first number starts with the template. */
static int template_matches(const struct run *r, int digits, uint64_t first)
{
	return digits >= 1 && digits <= NUMBERING_RECORD_DIGITS_MAX && first >= r->template_lo[digits] &&
	       first <= r->template_hi[digits];
}

/* The filters an instance record answers; a number that passes becomes a candidate. */
static int add_candidate(struct run *r, const numbering_record *in)
{
	const numbering_phone_query *q = r->q;
	r->visited++;
	if (!(in->flags & NUMBERING_RECORD_LISTED) || in->digits == 0 || in->parent == NULL ||
	    strcmp(in->parent, r->project) != 0)
		return NUMBERING_OK; /* DELETED, or not the project's */
	int64_t phone_id = 0;
	(void)parse_id(in->keys[0], &phone_id);
	if (q->phone_id_count > 0 && bsearch(&phone_id, r->ids, r->id_count, sizeof(*r->ids), by_id) == NULL)
		return NUMBERING_OK;
	if (q->phone_number_count > 0) {
		int found = 0;
		for (size_t i = 0; i < q->phone_number_count && !found; i++)
			found = r->digits[i] == in->digits && r->values[i] == in->first;
		if (!found)
			return NUMBERING_OK;
	}
	if (r->has_template && !template_matches(r, in->digits, in->first))
		return NUMBERING_OK;
	if (!in_range(in->sort_key, q->from_phone_purchase_date, q->to_phone_purchase_date))
		return NUMBERING_OK;
	char country[3] = "";
	if ((r->need & NEED_COUNTRY) && instance_country(in, country) != NUMBERING_OK)
		return damaged("phoneNumberInstance", in->name);
	if (q->country_code_count > 0) {
		struct view cc = {country, strlen(country), 0, ""};
		if (!list_has_text(q->country_codes, q->country_code_count, &cc))
			return NUMBERING_OK;
	}
	if (r->cand_count == r->cand_cap) {
		size_t cap = r->cand_cap ? r->cand_cap * 2 : 1024;
		struct cand *grown = numbering__realloc(r->cands, cap * sizeof(*grown));
		if (grown == NULL)
			return out_of_memory();
		r->cands = grown;
		r->cand_cap = cap;
	}
	struct cand *c = &r->cands[r->cand_count];
	memset(c, 0, sizeof(*c));
	size_t len = strlen(in->name);
	/* "{project}/phoneNumberInstances/{id}": the id's start known, else found. */
	size_t at = r->project_len + sizeof(INSTANCES) - 1;
	const char *slash = len > at && in->name[at - 1] == '/' && memchr(in->name + at, '/', len - at) == NULL
	                            ? in->name + at - 1
	                            : last_slash(in->name, len);
	if (len >= NUMBERING__NAME_SIZE || slash == NULL || len - (size_t)(slash + 1 - in->name) > UINT8_MAX)
		return damaged("phoneNumberInstance", in->name);
	int rc = arena_add(r, in->name, len, &c->name);
	if (rc != NUMBERING_OK)
		return rc;
	c->id_at = (uint16_t)(slash + 1 - in->name);
	c->id_len = (uint8_t)(len - c->id_at);
	c->alive = 1;
	c->phone_id = phone_id;
	c->create_time = in->sort_key;
	c->first = in->first;
	c->digits = (uint8_t)in->digits;
	memcpy(c->country, country, sizeof(country));
	c->stock_ok = (uint8_t)r->stock_ok_without;
	/* The state byte, the body's third (model/instance-record.c): lifecycle_state in its
	 * low three bits. A PENDING number (documents awaited) cannot be used yet. */
	c->pending = in->body_len >= 3 && (((const uint8_t *)in->body)[2] & 7) == NUMBERING_LIFECYCLE_PENDING;
	r->cand_count++;
	return NUMBERING_OK;
}

/* ---- Joining the other records ---- */

/* An ACTIVE record into @c: its stock, if the record is this instance's. */
static int join_active(struct run *r, struct cand *c, const numbering_record *record)
{
	const uint8_t *p = record->body, *end = p ? p + record->body_len : NULL;
	if (p == NULL || p == end || *p > 1)
		return damaged("activeNumber", record->name);
	int has_stock = *p++;
	const uint8_t *stock = NULL;
	uint64_t stock_len = 0;
	if (has_stock) {
		if (end - p < 4)
			return damaged("activeNumber", record->name);
		p += 3;
		if (get_varint(&p, end, &stock_len) != NUMBERING_OK || stock_len > (uint64_t)(end - p))
			return damaged("activeNumber", record->name);
		stock = p;
		p += stock_len;
	}
	/* Whose record it is: the instance attribute, row 0 of the active fields. */
	struct view own[1];
	if (view_fields(&numbering__active_fields, ROW(0), own, p, (size_t)(end - p)) != NUMBERING_OK)
		return damaged("activeNumber", record->name);
	if (!has_stock || !view_is(&own[0], cand_name(r, c)))
		return NUMBERING_OK; /* none of the inventory, or an earlier instance's record */
	struct view v[STOCK_ROWS_MAX];
	if (view_fields(&numbering__available_fields, r->rows.stock_want, v, stock, (size_t)stock_len) != NUMBERING_OK)
		return damaged("activeNumber", record->name);
	c->stock_ok = (uint8_t)stock_passes(r, v);
	c->price = r->rows.stock_want & row_bit(r->rows.monthly_price) ? v[r->rows.monthly_price].value : 0;
	return NUMBERING_OK;
}

static int join_sub(struct run *r, struct cand *c, const numbering_record *record)
{
	struct view f[SUB_ROWS];
	uint64_t want = r->rows.sub_want;
	if (view_fields(&numbering__subscription_table, want, f, record->body, record->body_len) != NUMBERING_OK)
		return damaged("subscription", record->name);
	c->has_sub = 1;
	/* A row the query does not read keeps its default (rows_init() asks for those it reads). */
	c->state = want & ROW(SUB_ROW_STATE) ? f[SUB_ROW_STATE].value : numbering__subscription_table.f[SUB_ROW_STATE].dflt;
	c->auto_off = want & ROW(SUB_ROW_AUTO_OFF) ? f[SUB_ROW_AUTO_OFF].value : 0;
	c->expire = want & ROW(SUB_ROW_EXPIRE) ? f[SUB_ROW_EXPIRE].value : 0;
	c->next_renewal = 0;
	c->due_bucket = 0;
	if ((r->need & NEED_RENEWAL) && c->state != NUMBERING_SUBSCRIPTION_CANCELLED && c->expire == 0) {
		/* The calendar arithmetic only when the query reads the date. */
		struct numbering_subscription sub;
		sub.f.start_time = f[SUB_ROW_START].value;
		sub.f.interval_months = f[SUB_ROW_INTERVAL].value;
		sub.f.periods_paid = f[SUB_ROW_PAID].value;
		c->next_renewal = numbering__subscription_period_start(&sub, sub.f.periods_paid);
		/* Bucket-managed: its item's date, looked up once the join is done. */
		c->due_bucket = f[SUB_ROW_DUE].value != 0;
	}
	return NUMBERING_OK;
}

static int join_phone(struct run *r, struct cand *c, const numbering_record *record)
{
	struct view f[PHONE_ROWS];
	uint64_t want = ROW(0) | ROW(1) | ROW(3) | ROW(4) | ((r->need & NEED_VNAME) ? ROW(5) : 0);
	if (view_fields(&numbering__phone_table, want, f, record->body, record->body_len) != NUMBERING_OK)
		return damaged("phone", record->name);
	c->app = f[0].value;
	c->rule = f[1].value;
	c->vstatus = f[3].value;
	c->hold = f[4].value;
	if ((r->need & NEED_VNAME) && f[5].text != NULL)
		return arena_add(r, f[5].text, f[5].len, &c->vname);
	return NUMBERING_OK;
}

enum join_kind { JOIN_ACTIVE, JOIN_SUB, JOIN_PHONE };

static int join(struct run *r, int kind, struct cand *c, const numbering_record *record)
{
	return kind == JOIN_ACTIVE ? join_active(r, c, record)
	       : kind == JOIN_SUB  ? join_sub(r, c, record)
	                           : join_phone(r, c, record);
}

/* By look-ups: one get per candidate (few candidates). */
struct get_visit {
	struct run *r;
	struct cand *c;
	int kind;
	int rc;
};

static int get_visit(const numbering_record *record, void *payload)
{
	struct get_visit *v = payload;
	v->rc = join(v->r, v->kind, v->c, record);
	return 0;
}

static const int join_kinds[3] = {NUMBERING__KIND_ACTIVE, NUMBERING__KIND_SUBSCRIPTION, NUMBERING__KIND_PHONE};

/* The name of @c's record of @kind into @out (NUMBERING__NAME_SIZE + 32 bytes). */
static void record_name(const struct run *r, const struct cand *c, int kind, char *out)
{
	const char *name = cand_name(r, c);
	if (kind == JOIN_PHONE) {
		memcpy(out, name, strlen(name) + 1); /* the instance's own name */
		return;
	}
	memcpy(out, r->project, r->project_len);
	char *p = out + r->project_len;
	if (kind == JOIN_SUB) {
		memcpy(p, "/subscriptions/", 15);
		p += 15;
		const char *id = name + c->id_at;
		memcpy(p, id, strlen(id) + 1);
		return;
	}
	memcpy(p, "/activeNumbers/+", 16);
	p += 16;
	uint64_t v = c->first;
	for (int i = c->digits - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	p[c->digits] = '\0';
}

/* The next renewal of the candidates whose subscription is bucket-managed: the date of
 * its item in its DUE bucket (numbering__subscription_load(): its record again, then
 * the buckets), read after the join's walk or gets, not inside them. */
static int resolve_due(struct run *r)
{
	for (size_t i = 0; i < r->cand_count; i++) {
		struct cand *c = &r->cands[i];
		if (!c->due_bucket)
			continue;
		c->due_bucket = 0;
		char name[NUMBERING__NAME_SIZE + 32];
		record_name(r, c, JOIN_SUB, name);
		struct numbering_subscription sub;
		memset(&sub, 0, sizeof(sub));
		int found = 0;
		int rc = numbering__subscription_load(&sub, r->store, name, &found);
		if (rc == NUMBERING_OK && found)
			c->next_renewal = sub.next_charge;
		numbering__subscription_clear(&sub);
		if (rc != NUMBERING_OK)
			return rc;
	}
	return NUMBERING_OK;
}

static int join_by_gets(struct run *r, int kind)
{
	char name[NUMBERING__NAME_SIZE + 32];
	for (size_t i = 0; i < r->cand_count; i++) {
		if (!r->cands[i].alive)
			continue;
		struct get_visit v = {r, &r->cands[i], kind, NUMBERING_OK};
		record_name(r, &r->cands[i], kind, name);
		int rc = numbering__backend_get_record(r->store, join_kinds[kind], name, get_visit, &v);
		if (rc == NUMBERING_NOT_FOUND)
			continue;
		if (rc == NUMBERING_OK)
			rc = v.rc;
		if (rc != NUMBERING_OK)
			return rc;
	}
	return NUMBERING_OK;
}

/* By walks: one list of the project's records of the kind, each matched to its
 * candidate through a hash (many candidates: a list visit costs less than a get). */
static uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = UINT64_C(1469598103934665603) ^ len;
	if (len >= 8) {
		/* The generated ids are random (service/store.c): their last 8 bytes are hash
		 * enough, read as one word, whatever the length. */
		uint64_t w;
		memcpy(&w, s + len - 8, 8);
		h = (h ^ w) * UINT64_C(0x9e3779b97f4a7c15);
		return h ^ (h >> 29);
	}
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * UINT64_C(1099511628211);
	return h ^ (h >> 29);
}

static uint64_t hash_number(int64_t order)
{
	uint64_t h = (uint64_t)order * UINT64_C(0x9e3779b97f4a7c15);
	return h ^ (h >> 31);
}

/* Builds the hash of the live candidates by number (@by_number) or by instance id. */
static int hash_build(struct run *r, int by_number)
{
	size_t live = 0;
	for (size_t i = 0; i < r->cand_count; i++)
		live += r->cands[i].alive;
	size_t n = 16;
	while (n < live * 2)
		n *= 2;
	numbering__free_mem(r->slots);
	if ((r->slots = numbering__calloc(n, sizeof(*r->slots))) == NULL)
		return out_of_memory();
	r->slot_mask = n - 1;
	for (size_t i = 0; i < r->cand_count; i++) {
		const struct cand *c = &r->cands[i];
		if (!c->alive)
			continue;
		const char *id = cand_name(r, c) + c->id_at;
		uint64_t h = by_number ? hash_number(numbering__number_order(c->digits, c->first)) : hash_bytes(id, c->id_len);
		size_t s = (size_t)h & r->slot_mask;
		while (r->slots[s] != 0)
			s = (s + 1) & r->slot_mask;
		r->slots[s] = (uint32_t)(i + 1);
	}
	return NUMBERING_OK;
}

static struct cand *hash_find_number(struct run *r, int64_t order)
{
	for (size_t s = (size_t)hash_number(order) & r->slot_mask; r->slots[s] != 0; s = (s + 1) & r->slot_mask) {
		struct cand *c = &r->cands[r->slots[s] - 1];
		if (numbering__number_order(c->digits, c->first) == order)
			return c;
	}
	return NULL;
}

static struct cand *hash_find_id(struct run *r, const char *id, size_t len)
{
	for (size_t s = (size_t)hash_bytes(id, len) & r->slot_mask; r->slots[s] != 0; s = (s + 1) & r->slot_mask) {
		struct cand *c = &r->cands[r->slots[s] - 1];
		if (c->id_len == len && memcmp(cand_name(r, c) + c->id_at, id, len) == 0)
			return c;
	}
	return NULL;
}

struct walk_join {
	struct run *r;
	int kind;
	size_t id_at; /* where the id starts in the names of the project's records of the kind */
};

static int walk_visit(const numbering_record *record, void *payload)
{
	struct walk_join *w = payload;
	struct run *r = w->r;
	struct cand *c;
	if (w->kind == JOIN_ACTIVE) {
		c = hash_find_number(r, record->sort_key); /* an ACTIVE record's sort key is its number's order */
	} else {
		/* The id: after "{project}/subscriptions/" or "{project}/phoneNumberInstances/"
		 * (the records listed are the project's), else after the last slash. */
		const char *name = record->name, *id = NULL;
		size_t len = name ? strlen(name) : 0;
		if (len > w->id_at && name[w->id_at - 1] == '/' && memchr(name + w->id_at, '/', len - w->id_at) == NULL)
			id = name + w->id_at;
		else if (len > 0 && (id = last_slash(name, len)) != NULL)
			id++;
		c = id ? hash_find_id(r, id, len - (size_t)(id - name)) : NULL;
		/* a PHONE record is named after its instance: the whole name must be the candidate's */
		if (c != NULL && w->kind == JOIN_PHONE && strcmp(record->name, cand_name(r, c)) != 0)
			c = NULL;
	}
	if (c == NULL)
		return 0;
	int rc = join(r, w->kind, c, record);
	if (rc != NUMBERING_OK)
		r->rc = rc;
	return rc;
}

static int join_by_walk(struct run *r, int kind)
{
	int rc = hash_build(r, kind == JOIN_ACTIVE);
	if (rc != NUMBERING_OK)
		return rc;
	struct walk_join w = {r, kind, r->project_len + (kind == JOIN_SUB ? strlen("/subscriptions/") : strlen(INSTANCES))};
	numbering_record_query lq = NUMBERING_RECORD_QUERY_INIT;
	lq.kind = join_kinds[kind];
	lq.parent = r->project;
	char key[24];
	if (kind == JOIN_PHONE && r->application_id != 0) {
		snprintf(key, sizeof(key), "%" PRId64, r->application_id);
		lq.keys[0] = key; /* only the numbers bound to the application matter */
	}
	rc = numbering__backend_list(r->store, &lq, walk_visit, &w);
	return r->rc != NUMBERING_OK ? r->rc : rc;
}

/* ---- Ordering the matches ---- */

static int64_t order_key(const struct run *r, const struct cand *c)
{
	switch (r->q->order_by) {
	case NUMBERING_PHONE_ORDER_PHONE_NUMBER:
		return numbering__number_order(c->digits, c->first);
	case NUMBERING_PHONE_ORDER_PHONE_PRICE:
		return c->price;
	case NUMBERING_PHONE_ORDER_PHONE_COUNTRY_CODE:
		return ((int64_t)(unsigned char)c->country[0] << 8) | (unsigned char)c->country[1];
	case NUMBERING_PHONE_ORDER_DEACTIVATED:
		return c->state == NUMBERING_SUBSCRIPTION_DEACTIVATED ? 0 : 1;
	case NUMBERING_PHONE_ORDER_PURCHASE_DATE:
		return -c->create_time;
	case NUMBERING_PHONE_ORDER_PHONE_NEXT_RENEWAL:
		return c->next_renewal != 0 ? c->next_renewal : INT64_MAX;
	case NUMBERING_PHONE_ORDER_VERIFICATION_STATUS:
		return c->vstatus;
	case NUMBERING_PHONE_ORDER_UNVERIFIED_HOLD_UNTIL:
		return c->hold != 0 ? c->hold : INT64_MAX;
	default:
		return 0;
	}
}

static const char *entry_name(const struct run *r, const struct entry *e)
{
	return e->slot == PROBE_SLOT ? r->probe_name : r->names[e->slot];
}

/* Whether @a sorts before @b. */
static int before(const struct run *r, const struct entry *a, const struct entry *b)
{
	if (a->key != b->key)
		return a->key < b->key;
	if (a->skey != b->skey) {
		if (a->skey == NULL || b->skey == NULL)
			return a->skey == NULL;
		int c = strcmp(a->skey, b->skey);
		if (c != 0)
			return c < 0;
	}
	if (a->phone_id != b->phone_id)
		return a->phone_id < b->phone_id;
	return strcmp(entry_name(r, a), entry_name(r, b)) < 0;
}

/* The heap keeps the worst of the best on top (a max-heap by `before`). */
static void sift_down(const struct run *r, struct entry *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, w = i;
		if (l < n && before(r, &h[w], &h[l]))
			w = l;
		if (l + 1 < n && before(r, &h[w], &h[l + 1]))
			w = l + 1;
		if (w == i)
			return;
		struct entry t = h[i];
		h[i] = h[w];
		h[w] = t;
		i = w;
	}
}

static void sift_up(const struct run *r, struct entry *h, size_t i)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!before(r, &h[parent], &h[i]))
			return;
		struct entry t = h[i];
		h[i] = h[parent];
		h[parent] = t;
		i = parent;
	}
}

static int offer(struct run *r, const struct cand *c)
{
	r->total++;
	if (r->cap == 0)
		return NUMBERING_OK;
	const char *vname = r->q->order_by == NUMBERING_PHONE_ORDER_VERIFICATION_NAME && c->vname != 0
	                            ? r->arena + c->vname
	                            : NULL;
	struct entry probe;
	probe.key = order_key(r, c);
	probe.skey = (char *)vname;
	probe.phone_id = c->phone_id;
	probe.slot = PROBE_SLOT;
	const char *name = cand_name(r, c);
	/* Full: it enters only when it sorts before the worst kept (the name is compared
	 * only on a tie of key and phone id: phone ids are unique). */
	r->probe_name = name;
	if (r->count == r->cap && !before(r, &probe, &r->heap[0]))
		return NUMBERING_OK;
	probe.skey = NULL;
	if (vname != NULL && (probe.skey = numbering__strdup(vname)) == NULL)
		return out_of_memory();
	if (r->count == r->cap) {
		/* It takes the place, and the name slot, of the worst kept. */
		numbering__free_mem(r->heap[0].skey);
		probe.slot = r->heap[0].slot;
		memcpy(r->names[probe.slot], name, strlen(name) + 1);
		r->heap[0] = probe;
		sift_down(r, r->heap, r->count, 0);
		return NUMBERING_OK;
	}
	if (r->count == r->room) {
		size_t room = r->room ? r->room * 2 : 64;
		if (room > r->cap)
			room = r->cap;
		struct entry *grown = numbering__realloc(r->heap, room * sizeof(*grown));
		if (grown != NULL)
			r->heap = grown;
		char(*names)[NUMBERING__NAME_SIZE] = grown ? numbering__realloc(r->names, room * sizeof(*names)) : NULL;
		if (names == NULL) {
			numbering__free_mem(probe.skey);
			return out_of_memory();
		}
		r->names = names;
		r->room = room;
	}
	probe.slot = (uint32_t)r->count;
	memcpy(r->names[probe.slot], name, strlen(name) + 1);
	r->heap[r->count] = probe;
	sift_up(r, r->heap, r->count);
	r->count++;
	return NUMBERING_OK;
}

/* The filters the subscription answers. */
static int sub_passes(const struct run *r, const struct cand *c)
{
	const numbering_phone_query *q = r->q;
	if (!tri(q->auto_charge, c->has_sub && !c->auto_off) ||
	    !tri(q->deactivated, c->state == NUMBERING_SUBSCRIPTION_DEACTIVATED) ||
	    !tri(q->canceled, c->has_sub && (c->state == NUMBERING_SUBSCRIPTION_CANCELLED || c->expire != 0)))
		return 0;
	if ((q->from_phone_next_renewal != INT64_MIN || q->to_phone_next_renewal != INT64_MAX) &&
	    (c->next_renewal == 0 || !in_range(c->next_renewal, q->from_phone_next_renewal, q->to_phone_next_renewal)))
		return 0;
	return 1;
}

/* The filters the PHONE record answers; a match goes to the heap. */
static int finish(struct run *r, const struct cand *c)
{
	const numbering_phone_query *q = r->q;
	if (!c->alive)
		return NUMBERING_OK;
	if (r->application_id != 0 && c->app != r->application_id)
		return NUMBERING_OK;
	if (r->rule_id_count > 0 && !list_has_id(r->rule_ids, r->rule_id_count, c->rule))
		return NUMBERING_OK;
	int usable = !c->pending && c->vstatus != NUMBERING__VERIFICATION_REQUIRED &&
	             c->vstatus != NUMBERING__VERIFICATION_IN_PROGRESS;
	if (!tri(q->is_bound_to_application, c->app != 0) || !tri(q->is_bound_to_rule, c->rule != 0) ||
	    !tri(q->can_be_used, usable))
		return NUMBERING_OK;
	if (q->verification_statuses != 0 && !(q->verification_statuses & (1u << c->vstatus)))
		return NUMBERING_OK;
	if (q->verification_name != NULL && (c->vname == 0 || strcmp(r->arena + c->vname, q->verification_name) != 0))
		return NUMBERING_OK;
	if ((q->from_unverified_hold_until != INT64_MIN || q->to_unverified_hold_until != INT64_MAX) &&
	    (c->hold == 0 || !in_range(c->hold, q->from_unverified_hold_until, q->to_unverified_hold_until)))
		return NUMBERING_OK;
	return offer(r, c);
}

/* ---- Drivers: where the candidates come from ---- */

static int instance_visit(const numbering_record *record, void *payload)
{
	struct run *r = payload;
	int rc = add_candidate(r, record);
	if (rc != NUMBERING_OK)
		r->rc = rc;
	return rc;
}

/* A PHONE record bound to the application: its instance is a candidate. */
static int bound_visit(const numbering_record *record, void *payload)
{
	struct run *r = payload;
	int rc = numbering__backend_get_record(r->store, NUMBERING__KIND_INSTANCE, record->name, instance_visit, r);
	if (rc == NUMBERING_NOT_FOUND)
		rc = NUMBERING_OK; /* the record of an instance gone: not a number of the project */
	if (rc != NUMBERING_OK && r->rc == NUMBERING_OK)
		r->rc = rc;
	return rc;
}

static int number_visit(const numbering_record *record, void *payload)
{
	if (record->kind != NUMBERING__KIND_INSTANCE)
		return 0;
	return instance_visit(record, payload);
}

/* Collects the candidates of @project; *walked is set when every instance of the
 * project was visited (no narrower source). */
static int collect(struct run *r, int *walked)
{
	const numbering_phone_query *q = r->q;
	int rc = NUMBERING_OK;
	*walked = 0;
	if (q->phone_id_count > 0 && r->id_count <= FEW_IDS) {
		/* One key-filtered list each: the instance whose keys[0] is the id. */
		for (size_t i = 0; i < r->id_count && rc == NUMBERING_OK; i++) {
			if (i > 0 && r->ids[i] == r->ids[i - 1])
				continue;
			char key[24];
			snprintf(key, sizeof(key), "%" PRId64, r->ids[i]);
			numbering_record_query lq = NUMBERING_RECORD_QUERY_INIT;
			lq.kind = NUMBERING__KIND_INSTANCE;
			lq.parent = r->project;
			lq.listed_only = 1;
			lq.keys[0] = key;
			rc = numbering__backend_list(r->store, &lq, instance_visit, r);
		}
	} else if (q->phone_number_count > 0) {
		for (size_t i = 0; i < q->phone_number_count && rc == NUMBERING_OK; i++) {
			int seen = 0;
			for (size_t j = 0; j < i && !seen; j++)
				seen = r->digits[j] == r->digits[i] && r->values[j] == r->values[i];
			if (seen)
				continue;
			rc = numbering__backend_find_record(r->store, r->digits[i], r->values[i], r->values[i], number_visit, r);
			if (rc == NUMBERING_NOT_FOUND)
				rc = NUMBERING_OK;
		}
	} else if (r->application_id != 0) {
		/* The numbers bound to the application: a key-filtered list of PHONE records. */
		char key[24];
		snprintf(key, sizeof(key), "%" PRId64, r->application_id);
		numbering_record_query lq = NUMBERING_RECORD_QUERY_INIT;
		lq.kind = NUMBERING__KIND_PHONE;
		lq.parent = r->project;
		lq.keys[0] = key;
		rc = numbering__backend_list(r->store, &lq, bound_visit, r);
	} else {
		numbering_record_query lq = NUMBERING_RECORD_QUERY_INIT;
		lq.kind = NUMBERING__KIND_INSTANCE;
		lq.parent = r->project;
		lq.listed_only = 1;
		numbering_record_interval iv[NUMBERING_RECORD_DIGITS_MAX];
		if (r->has_template) {
			/* The template as number intervals: only the instances it can match. */
			size_t n = 0;
			for (int d = 1; d <= NUMBERING_RECORD_DIGITS_MAX; d++)
				if (r->template_lo[d] <= r->template_hi[d])
					iv[n++] = (numbering_record_interval){d, r->template_lo[d], r->template_hi[d]};
			if (n == 0)
				return NUMBERING_OK;
			lq.intervals = iv;
			lq.interval_count = n;
		} else {
			*walked = 1;
		}
		rc = numbering__backend_list(r->store, &lq, instance_visit, r);
	}
	return r->rc != NUMBERING_OK ? r->rc : rc;
}

/* One project: its candidates, the joins the query needs, the matches. */
static int run_project(struct run *r, const char *project)
{
	r->project = project;
	r->project_len = strlen(project);
	r->cand_count = 0;
	r->arena_len = 0;
	r->visited = 0;
	uint32_t none;
	int walked = 0;
	int rc = arena_add(r, "", 0, &none); /* offset 0: "none" */
	if (rc == NUMBERING_OK)
		rc = collect(r, &walked);
	/* Walks when every instance was visited and many are candidates. */
	int by_walk = walked && r->cand_count > 64;
	/* After each join, a candidate that failed a filter is dropped from the next: the
	 * later walks look up fewer candidates in a smaller hash, the gets are not made. */
	static const int needs[3] = {NEED_ACTIVE, NEED_SUB, NEED_PHONE};
	for (int kind = 0; kind < 3 && rc == NUMBERING_OK && r->cand_count > 0; kind++) {
		if (r->need & needs[kind]) {
			/* A walk visits every record of the kind (about one per instance visited);
			 * gets, one per live candidate, cost about twice a visit each (callgrind,
			 * bench-phones): below half, the gets cost less. */
			size_t alive = 0;
			for (size_t i = 0; i < r->cand_count; i++)
				alive += r->cands[i].alive;
			int walk = by_walk && alive * 2 >= (size_t)r->visited;
			rc = walk ? join_by_walk(r, kind) : join_by_gets(r, kind);
			if (rc == NUMBERING_OK && kind == JOIN_SUB && (r->need & NEED_RENEWAL))
				rc = resolve_due(r);
		}
		for (size_t i = 0; i < r->cand_count && kind < JOIN_PHONE; i++) {
			struct cand *c = &r->cands[i];
			c->alive = c->alive && (kind == JOIN_ACTIVE ? c->stock_ok : sub_passes(r, c));
		}
	}
	for (size_t i = 0; i < r->cand_count && rc == NUMBERING_OK; i++)
		rc = finish(r, &r->cands[i]);
	return rc;
}

/* ---- Checking the query ---- */

static int bad(const char *name, const char *fmt, const char *value)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	const char *v = value ? value : "(null)";
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, name, fmt, name, numbering__quote(quoted, v, strlen(v)));
}

static int check_tri(int v, const char *name)
{
	if (v < -1 || v > 1)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, name, "%s %d is not -1 (any), 0 or 1", name, v);
	return NUMBERING_OK;
}

static int check_strings(const char *const *list, size_t n, const char *name, size_t max)
{
	if (n > 0 && list == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, name, "%s has %zu items but no array", name, n);
	for (size_t i = 0; i < n; i++) {
		char field[64];
		snprintf(field, sizeof(field), "%s[%zu]", name, i);
		if (list[i] == NULL || list[i][0] == '\0')
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "%s is empty", field);
		int rc = numbering__validate_text(list[i], max, field);
		if (rc != NUMBERING_OK)
			return rc;
	}
	return NUMBERING_OK;
}

static int check_ids(const int64_t *list, size_t n, const char *name)
{
	if (n > 0 && list == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, name, "%s has %zu items but no array", name, n);
	for (size_t i = 0; i < n; i++)
		if (list[i] < 1)
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, name, "%s %" PRId64 " is not a positive id", name,
			                              list[i]);
	return NUMBERING_OK;
}

static int check_query(const numbering_phone_query *q)
{
	int rc = NUMBERING_OK;
	if (q->version < 1 || q->version > NUMBERING_PHONE_QUERY_VERSION)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "version", "numbering_phone_query version %u is not 1",
		                              q->version);
	if (q->count < 0 || q->count > NUMBERING_PHONE_QUERY_COUNT_MAX)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "count", "count %d is not 0 .. %d", q->count,
		                              NUMBERING_PHONE_QUERY_COUNT_MAX);
	if (q->offset < 0 || q->offset > INT32_MAX)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "offset", "offset %" PRId64 " is not 0 .. %d",
		                              q->offset, INT32_MAX);
	if (q->order_by < NUMBERING_PHONE_ORDER_PHONE_ID || q->order_by > NUMBERING_PHONE_ORDER_VERIFICATION_NAME)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "order_by", "order_by %d is not an order of the seed",
		                              q->order_by);
	if (q->sandbox < NUMBERING_PHONE_SANDBOX_ALL || q->sandbox > NUMBERING_PHONE_SANDBOX_FALSE)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "sandbox", "sandbox %d is not ALL, TRUE or FALSE",
		                              q->sandbox);
	if ((q->verification_statuses & ~0xeu) != 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "verification_status",
		                              "verification_status bits 0x%x are not REQUIRED, IN_PROGRESS or VERIFIED",
		                              q->verification_statuses);
	if ((rc = check_tri(q->auto_charge, "auto_charge")) != NUMBERING_OK ||
	    (rc = check_tri(q->can_be_used, "can_be_used")) != NUMBERING_OK ||
	    (rc = check_tri(q->canceled, "canceled")) != NUMBERING_OK ||
	    (rc = check_tri(q->deactivated, "deactivated")) != NUMBERING_OK ||
	    (rc = check_tri(q->is_bound_to_application, "is_bound_to_application")) != NUMBERING_OK ||
	    (rc = check_tri(q->is_bound_to_rule, "is_bound_to_rule")) != NUMBERING_OK)
		return rc;
	if (q->application_id < 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "application_id",
		                              "application_id %" PRId64 " is not a positive id", q->application_id);
	if (q->rule_name_count > 0 && q->application_id == 0 && q->application_name == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "rule_name",
		                              "rule_name can be used only if application_id or application_name is specified");
	if ((rc = check_ids(q->phone_ids, q->phone_id_count, "phone_id")) != NUMBERING_OK ||
	    (rc = check_ids(q->rule_ids, q->rule_id_count, "rule_id")) != NUMBERING_OK ||
	    (rc = check_strings(q->country_codes, q->country_code_count, "country_code", 2)) != NUMBERING_OK ||
	    (rc = check_strings(q->phone_region_names, q->phone_region_name_count, "phone_region_name", 256)) !=
	            NUMBERING_OK ||
	    (rc = check_strings(q->rule_names, q->rule_name_count, "rule_name", 128)) != NUMBERING_OK ||
	    (rc = check_strings(q->child_accounts, q->child_account_count, "child_account_id", NUMBERING__PROJECT_SIZE)) !=
	            NUMBERING_OK ||
	    (rc = check_strings(q->phone_numbers, q->phone_number_count, "phone_number", 32)) != NUMBERING_OK)
		return rc;
	if (q->application_name != NULL && (rc = numbering__validate_text(q->application_name, 128, "application_name")) !=
	                                           NUMBERING_OK)
		return rc;
	if (q->phone_category_name != NULL &&
	    (rc = numbering__validate_text(q->phone_category_name, 256, "phone_category_name")) != NUMBERING_OK)
		return rc;
	if (q->verification_name != NULL &&
	    (rc = numbering__validate_text(q->verification_name, 256, "verification_name")) != NUMBERING_OK)
		return rc;
	for (size_t i = 0; i < q->country_code_count; i++) {
		const char *c = q->country_codes[i];
		if (strlen(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z')
			return bad("country_code", "%s %s is not two capital letters (ISO 3166 alpha-2)", c);
	}
	if (q->phone_template != NULL) {
		const char *t = q->phone_template + (q->phone_template[0] == '+');
		size_t n = strlen(t);
		if (n == 0 || n > NUMBERING_RECORD_DIGITS_MAX || strspn(t, "0123456789") != n)
			return bad("phone_template", "%s %s is not 1 .. 16 digits (a leading + allowed)", q->phone_template);
	}
	return NUMBERING_OK;
}

/* The template's numbers for each digit count: [lo, hi], empty (lo > hi) when none. */
static void template_bounds(struct run *r, const char *template)
{
	static const uint64_t pow10[NUMBERING_RECORD_DIGITS_MAX + 1] = {1,
	                                                                 10,
	                                                                 100,
	                                                                 1000,
	                                                                 10000,
	                                                                 100000,
	                                                                 1000000,
	                                                                 10000000,
	                                                                 100000000,
	                                                                 1000000000,
	                                                                 10000000000ULL,
	                                                                 100000000000ULL,
	                                                                 1000000000000ULL,
	                                                                 10000000000000ULL,
	                                                                 100000000000000ULL,
	                                                                 1000000000000000ULL,
	                                                                 10000000000000000ULL};
	const char *t = template + (template[0] == '+');
	size_t n = strlen(t);
	uint64_t prefix = 0;
	for (size_t i = 0; i < n; i++)
		prefix = prefix * 10 + (uint64_t)(t[i] - '0');
	r->has_template = 1;
	for (int d = 0; d <= NUMBERING_RECORD_DIGITS_MAX; d++) {
		r->template_lo[d] = 1;
		r->template_hi[d] = 0;
		if (d >= 1 && (size_t)d >= n) {
			uint64_t scale = pow10[(size_t)d - n];
			r->template_lo[d] = prefix * scale;
			r->template_hi[d] = prefix * scale + scale - 1;
		}
	}
}

/* ---- The page ---- */

struct item {
	numbering_phone_info info;
	char phone_number[NUMBERING_RECORD_DIGITS_MAX + 2];
	char account[NUMBERING__PROJECT_SIZE];
	char instance[NUMBERING__NAME_SIZE];
	char currency[4];
	char country[3];
	char application_name[NUMBERING__APPLICATION_NAME_MAX + 1];
	char rule_name[NUMBERING__APPLICATION_NAME_MAX + 1];
	char *category, *region_name, *state, *verification_name, *sms_url;
};

struct numbering_phone_page {
	int count;
	struct item *items;
	int64_t total;
};

static char *dup_or_empty(const char *s)
{
	return numbering__strdup(s ? s : "");
}

/* Loads the page's item named @name (an instance of the store) whole. */
static int load_item(struct item *it, numbering_store *store, const char *name, int64_t phone_id,
                     numbering_instance *scratch, numbering_active_number *active)
{
	memset(it, 0, sizeof(*it));
	numbering_phone_info *o = &it->info;
	o->version = NUMBERING_PHONE_INFO_VERSION;
	int rc = numbering__load_into(scratch, store, name, "name");
	char project[NUMBERING__PROJECT_SIZE];
	if (rc == NUMBERING_OK)
		rc = numbering__project_of_name(project, name, "name");
	if (rc != NUMBERING_OK)
		return rc;
	snprintf(it->instance, sizeof(it->instance), "%s", name);
	snprintf(it->account, sizeof(it->account), "%s", project);
	snprintf(it->phone_number, sizeof(it->phone_number), "%s", numbering_instance_phone_number(scratch));
	snprintf(it->country, sizeof(it->country), "%s", numbering__str_get(&scratch->country_code));
	o->phone_id = phone_id;
	o->phone_purchase_date = scratch->create_time;
	o->payment_interval_months = 1;
	/* The inventory's. */
	if ((rc = numbering__instance_assign(active->instance, scratch)) != NUMBERING_OK ||
	    (rc = numbering__active_read(store, active, project)) != NUMBERING_OK)
		return rc;
	const numbering_available_number *s = active->a.instance != NULL && active->has_stock ? &active->stock : NULL;
	if (s != NULL) {
		snprintf(it->currency, sizeof(it->currency), "%s", s->monthly_price.currency);
		o->price_minor = s->monthly_price.minor;
		o->payment_interval_months = (int)s->payment_interval_months;
		o->sandbox = (int)numbering__fields_int(&numbering__available_fields, s, "sandbox");
	}
	it->category = dup_or_empty(s ? s->category_name : NULL);
	it->region_name = dup_or_empty(s ? s->region_name : NULL);
	it->state = dup_or_empty(s ? s->region : NULL);
	/* The subscription's. */
	struct numbering_subscription sub;
	memset(&sub, 0, sizeof(sub));
	char sub_name[NUMBERING__SUBSCRIPTION_NAME_SIZE];
	int found = 0;
	if ((rc = numbering__subscription_name(sub_name, name)) == NUMBERING_OK)
		rc = numbering__subscription_load(&sub, store, sub_name, &found);
	if (rc == NUMBERING_OK && found) {
		o->auto_charge = !sub.f.auto_charge_off;
		o->deactivated = sub.f.state == NUMBERING_SUBSCRIPTION_DEACTIVATED;
		o->canceled = sub.f.state == NUMBERING_SUBSCRIPTION_CANCELLED || sub.f.expire_time != 0;
		o->phone_next_renewal = o->canceled ? 0 : numbering__subscription_period_start(&sub, sub.f.periods_paid);
		o->payment_interval_months = (int)sub.f.interval_months;
	}
	numbering__subscription_clear(&sub);
	if (rc != NUMBERING_OK)
		return rc;
	/* Voximplant's own. */
	struct numbering__phone p;
	memset(&p, 0, sizeof(p));
	rc = numbering__phone_load(&p, store, scratch);
	if (rc == NUMBERING_OK) {
		o->application_id = p.application_id;
		o->rule_id = p.rule_id;
		o->verification_status = (int)p.verification_status;
		o->unverified_hold_until = p.hold_until;
		it->verification_name = dup_or_empty(p.verification_name);
		it->sms_url = dup_or_empty(p.sms_url);
		if (it->sms_url != NULL) /* a credential stored before they were refused (model/uri.c) */
			numbering__uri_redact_in_place(it->sms_url);
	}
	numbering__phone_clear(&p);
	if (rc == NUMBERING_OK && o->application_id != 0) {
		struct numbering__application app;
		if (numbering__application_find(store, project, o->application_id, NULL, &app) == NUMBERING_OK)
			snprintf(it->application_name, sizeof(it->application_name), "%s", app.name);
	}
	if (rc == NUMBERING_OK && o->rule_id != 0) {
		struct numbering__rule rule;
		if (numbering__rule_find(store, project, o->application_id, o->rule_id, NULL, &rule) == NUMBERING_OK)
			snprintf(it->rule_name, sizeof(it->rule_name), "%s", rule.name);
	}
	if (rc != NUMBERING_OK)
		return rc;
	if (it->category == NULL || it->region_name == NULL || it->state == NULL || it->verification_name == NULL ||
	    it->sms_url == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory listing phone numbers");
	o->can_be_used = numbering_instance_lifecycle_state(scratch) != NUMBERING_LIFECYCLE_PENDING &&
	                 o->verification_status != NUMBERING__VERIFICATION_REQUIRED &&
	                 o->verification_status != NUMBERING__VERIFICATION_IN_PROGRESS;
	o->phone_number = it->phone_number;
	o->account = it->account;
	o->instance = it->instance;
	o->price_currency = it->currency;
	o->country_code = it->country;
	o->application_name = it->application_name;
	o->rule_name = it->rule_name;
	o->phone_category_name = it->category;
	o->phone_region_name = it->region_name;
	o->country_state = it->state;
	o->verification_name = it->verification_name;
	o->incoming_sms_callback_url = it->sms_url;
	return NUMBERING_OK;
}

static void item_clear(struct item *it)
{
	numbering__free_mem(it->category);
	numbering__free_mem(it->region_name);
	numbering__free_mem(it->state);
	numbering__free_mem(it->verification_name);
	numbering__free_mem(it->sms_url);
}

void numbering_phone_page_free(numbering_phone_page *page)
{
	if (page == NULL)
		return;
	for (int i = 0; i < page->count; i++)
		item_clear(&page->items[i]);
	numbering__free_mem(page->items);
	numbering__free_mem(page);
}

int numbering_phone_page_count(const numbering_phone_page *page)
{
	return page == NULL ? 0 : page->count;
}

const numbering_phone_info *numbering_phone_page_item(const numbering_phone_page *page, int i)
{
	return page == NULL || i < 0 || i >= page->count ? NULL : &page->items[i].info;
}

int64_t numbering_phone_page_total_count(const numbering_phone_page *page)
{
	return page == NULL ? 0 : page->total;
}

int numbering_phone_query_init(numbering_phone_query *query)
{
	if (query == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_phone_query_init: query is NULL");
	numbering_phone_query init = NUMBERING_PHONE_QUERY_INIT;
	*query = init;
	return NUMBERING_OK;
}

/* ---- Accounts ---- */

struct children {
	char (*projects)[NUMBERING__PROJECT_SIZE];
	size_t count, cap;
	int rc;
};

static int child_visit(void *payload, const char *child)
{
	struct children *c = payload;
	if (c->count == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 8;
		void *grown = numbering__realloc(c->projects, cap * sizeof(*c->projects));
		if (grown == NULL)
			return c->rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory listing child accounts");
		c->projects = grown;
		c->cap = cap;
	}
	snprintf(c->projects[c->count++], NUMBERING__PROJECT_SIZE, "%s", child);
	return 0;
}

/* The projects to walk: the project itself unless children only, then the children asked for. */
static int projects_of(struct children *out, numbering_store *store, const char *project,
                       const numbering_phone_query *q)
{
	int rc = NUMBERING_OK;
	int children = q->all_child_accounts || q->child_account_count > 0 || q->children_phones_only;
	if (!q->children_phones_only && (rc = child_visit(out, project)) != NUMBERING_OK)
		return rc;
	if (!children)
		return NUMBERING_OK;
	struct children all = {NULL, 0, 0, NUMBERING_OK};
	rc = numbering__account_children(store, project, child_visit, &all);
	if (rc == NUMBERING_OK)
		rc = all.rc;
	for (size_t i = 0; i < q->child_account_count && rc == NUMBERING_OK; i++) {
		int is_child = 0;
		for (size_t j = 0; j < all.count && !is_child; j++)
			is_child = strcmp(all.projects[j], q->child_accounts[i]) == 0;
		if (!is_child) {
			char quoted[NUMBERING__QUOTE_SIZE];
			rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "child_account_id", "%s is not a child account of %s",
			                            numbering__quote(quoted, q->child_accounts[i], strlen(q->child_accounts[i])),
			                            project);
		}
	}
	for (size_t j = 0; j < all.count && rc == NUMBERING_OK; j++) {
		int wanted = q->all_child_accounts || q->child_account_count == 0;
		for (size_t i = 0; i < q->child_account_count && !wanted; i++)
			wanted = strcmp(all.projects[j], q->child_accounts[i]) == 0;
		if (wanted)
			rc = child_visit(out, all.projects[j]);
	}
	numbering__free_mem(all.projects);
	return rc;
}

/* ---- The call ---- */

static int resolve(struct run *r, const char *project)
{
	const numbering_phone_query *q = r->q;
	int rc = NUMBERING_OK;
	r->application_id = q->application_id;
	if (q->application_id != 0 || q->application_name != NULL) {
		struct numbering__application app;
		rc = numbering__application_find(r->store, project, q->application_id, q->application_name, &app);
		if (rc != NUMBERING_OK)
			return rc;
		r->application_id = app.id;
	}
	size_t n = q->rule_id_count + q->rule_name_count;
	if (n == 0)
		return NUMBERING_OK;
	if ((r->rule_ids = numbering__calloc(n, sizeof(*r->rule_ids))) == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory listing phone numbers");
	for (size_t i = 0; i < q->rule_id_count; i++)
		r->rule_ids[r->rule_id_count++] = q->rule_ids[i];
	for (size_t i = 0; i < q->rule_name_count && rc == NUMBERING_OK; i++) {
		struct numbering__rule rule;
		rc = numbering__rule_find(r->store, project, r->application_id, 0, q->rule_names[i], &rule);
		if (rc == NUMBERING_OK)
			r->rule_ids[r->rule_id_count++] = rule.id;
	}
	return rc;
}

static int need_of(const numbering_phone_query *q)
{
	int need = 0;
	if (q->country_code_count > 0 || q->order_by == NUMBERING_PHONE_ORDER_PHONE_COUNTRY_CODE)
		need |= NEED_COUNTRY;
	if (q->phone_category_name != NULL || q->phone_region_name_count > 0 || q->sandbox != NUMBERING_PHONE_SANDBOX_ALL ||
	    q->order_by == NUMBERING_PHONE_ORDER_PHONE_PRICE)
		need |= NEED_ACTIVE;
	if (q->auto_charge >= 0 || q->deactivated >= 0 || q->canceled >= 0 || q->from_phone_next_renewal != INT64_MIN ||
	    q->to_phone_next_renewal != INT64_MAX || q->order_by == NUMBERING_PHONE_ORDER_DEACTIVATED ||
	    q->order_by == NUMBERING_PHONE_ORDER_PHONE_NEXT_RENEWAL)
		need |= NEED_SUB;
	if (q->application_id != 0 || q->application_name != NULL || q->rule_id_count > 0 || q->rule_name_count > 0 ||
	    q->is_bound_to_application >= 0 || q->is_bound_to_rule >= 0 || q->can_be_used >= 0 ||
	    q->verification_statuses != 0 || q->verification_name != NULL || q->from_unverified_hold_until != INT64_MIN ||
	    q->to_unverified_hold_until != INT64_MAX || q->order_by == NUMBERING_PHONE_ORDER_VERIFICATION_STATUS ||
	    q->order_by == NUMBERING_PHONE_ORDER_UNVERIFIED_HOLD_UNTIL ||
	    q->order_by == NUMBERING_PHONE_ORDER_VERIFICATION_NAME)
		need |= NEED_PHONE;
	if (q->verification_name != NULL || q->order_by == NUMBERING_PHONE_ORDER_VERIFICATION_NAME)
		need |= NEED_VNAME;
	if (q->from_phone_next_renewal != INT64_MIN || q->to_phone_next_renewal != INT64_MAX ||
	    q->order_by == NUMBERING_PHONE_ORDER_PHONE_NEXT_RENEWAL)
		need |= NEED_RENEWAL;
	return need;
}

static int list_locked(numbering_phone_page *page, struct run *r, const char *project)
{
	numbering_store *store = r->store;
	const numbering_phone_query *q = r->q;
	numbering_instance *scratch = NULL;
	numbering_active_number *active = NULL;
	struct children projects = {NULL, 0, 0, NUMBERING_OK};
	int rc = resolve(r, project);
	if (rc == NUMBERING_OK)
		rc = projects_of(&projects, store, project, q);
	if (rc == NUMBERING_OK)
		rc = numbering__instance_new_reserved(&scratch);
	for (size_t i = 0; i < projects.count && rc == NUMBERING_OK; i++)
		rc = run_project(r, projects.projects[i]);
	/* The best first; the page is [offset, offset + count). */
	size_t n = r->count;
	for (size_t end = n; end > 1; end--) {
		struct entry t = r->heap[0];
		r->heap[0] = r->heap[end - 1];
		r->heap[end - 1] = t;
		sift_down(r, r->heap, end - 1, 0);
	}
	size_t from = (size_t)q->offset < n ? (size_t)q->offset : n;
	page->total = r->total;
	if (rc == NUMBERING_OK && n > from) {
		if ((page->items = numbering__calloc(n - from, sizeof(*page->items))) == NULL)
			rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory listing phone numbers");
		if (rc == NUMBERING_OK)
			rc = numbering__active_new(&active, project);
	}
	for (size_t i = from; i < n && rc == NUMBERING_OK; i++) {
		rc = load_item(&page->items[page->count], store, r->names[r->heap[i].slot], r->heap[i].phone_id, scratch, active);
		page->count++;
	}
	numbering_active_number_free(active);
	numbering_instance_free(scratch);
	numbering__free_mem(projects.projects);
	return rc;
}

int numbering_store_list_phones(numbering_phone_page **out, numbering_store *store, const char *caller,
                                const char *project, const numbering_phone_query *query)
{
	if (out == NULL || store == NULL || query == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_list_phones: an argument is NULL");
	*out = NULL;
	char checked[NUMBERING__PROJECT_SIZE];
	int rc = numbering__project_of_parent(checked, project, "account_id");
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_PHONE_LIST, checked);
	if (rc == NUMBERING_OK)
		rc = check_query(query);
	struct run r;
	memset(&r, 0, sizeof(r));
	r.store = store;
	r.q = query;
	r.need = need_of(query);
	rows_init(&r.rows, query, (r.need & NEED_RENEWAL) != 0);
	r.stock_ok_without = stock_passes(&r, NULL);
	r.cap = (size_t)query->offset + (size_t)query->count;
	if (rc == NUMBERING_OK && query->phone_number_count > 0) {
		r.digits = numbering__calloc(query->phone_number_count, sizeof(*r.digits));
		r.values = numbering__calloc(query->phone_number_count, sizeof(*r.values));
		if (r.digits == NULL || r.values == NULL)
			rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory listing phone numbers");
		for (size_t i = 0; i < query->phone_number_count && rc == NUMBERING_OK; i++) {
			char field[48];
			snprintf(field, sizeof(field), "phone_number[%zu]", i);
			rc = numbering__parse_one_number(&r.digits[i], &r.values[i], query->phone_numbers[i], field);
		}
	}
	if (rc == NUMBERING_OK && query->phone_id_count > 0) {
		if ((r.ids = numbering__calloc(query->phone_id_count, sizeof(*r.ids))) == NULL)
			rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory listing phone numbers");
		else {
			memcpy(r.ids, query->phone_ids, query->phone_id_count * sizeof(*r.ids));
			qsort(r.ids, query->phone_id_count, sizeof(*r.ids), by_id);
			r.id_count = query->phone_id_count;
		}
	}
	if (rc == NUMBERING_OK && query->phone_template != NULL)
		template_bounds(&r, query->phone_template);
	if (rc == NUMBERING_OK)
		rc = numbering_store_process_due(NULL, store);
	numbering_phone_page *page = NULL;
	if (rc == NUMBERING_OK && (page = numbering__calloc(1, sizeof(*page))) == NULL)
		rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory listing phone numbers");
	if (rc == NUMBERING_OK) {
		unsigned slot = numbering__rwlock_rdlock(&store->lock);
		rc = list_locked(page, &r, checked);
		numbering__rwlock_rdunlock(&store->lock, slot);
	}
	for (size_t i = 0; i < r.count; i++)
		numbering__free_mem(r.heap[i].skey);
	numbering__free_mem(r.heap);
	numbering__free_mem(r.names);
	numbering__free_mem(r.rule_ids);
	numbering__free_mem(r.ids);
	numbering__free_mem(r.cands);
	numbering__free_mem(r.arena);
	numbering__free_mem(r.slots);
	numbering__free_mem(r.digits);
	numbering__free_mem(r.values);
	if (rc != NUMBERING_OK) {
		numbering_phone_page_free(page);
		return rc;
	}
	*out = page;
	return NUMBERING_OK;
}
