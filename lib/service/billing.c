/*
 * Billing accounts and their ledger: the records and the steps the operations that
 * charge share (service/billing.h), and the public calls of numbering/billing.h that
 * read and adjust an account.
 *
 * The account is a BILLING_ACCOUNT record (model/billing-fields.h): its currency and
 * balance (one signed amount), the reserve, and how many entries it has. Entries are
 * numbered 1, 2 ... per project; a BILLING_ENTRY record holds the entries n .. n + k - 1
 * one transaction appended (k is 1 for a purchase or an adjustment), its sort key n, so
 * a page newest first is one descending walk that expands each record. Entries and the
 * account they change are put in the caller's transaction: the balance is the sum of
 * the entries at every commit.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/alloc.h"
#include "core/error.h"
#include "model/billing-fields.h"
#include "model/fields.h"
#include "model/instance-record.h"
#include "model/kinds.h"
#include "model/record.h"
#include "model/validate.h"
#include "model/varint.h"
#include "numbering/billing.h"
#include "numbering/money.h"
#include "service/backend-call.h"
#include "service/billing.h"
#include "service/commit-or-rollback.h"
#include "service/request-id.h"
#include "service/service.h"

#define ACCOUNT_SUFFIX "/billingAccount"
#define ACCOUNT_NAME_SIZE (NUMBERING__PROJECT_SIZE + sizeof(ACCOUNT_SUFFIX))
#define ENTRIES_SEGMENT "/billingEntries/"
#define DEFAULT_CURRENCY "USD"

struct account_fields {
	NUMBERING__FIELDS_MEMBERS(NUMBERING__BILLING_ACCOUNT_FIELDS)
};

struct entry_fields {
	NUMBERING__FIELDS_MEMBERS(NUMBERING__BILLING_ENTRY_FIELDS)
};

#define DESCRIBE_ACCOUNT(id, type, json, limit, dflt) \
	NUMBERING__FIELD_ROW(struct account_fields, id, type, json, limit, dflt)
static const struct numbering__field account_rows[] = {NUMBERING__BILLING_ACCOUNT_FIELDS(DESCRIBE_ACCOUNT)};
NUMBERING__FIELDS_FUNCTIONS(account, struct account_fields, "billing account", NUMBERING__BILLING_ACCOUNT_FIELDS)
static const struct numbering__fields account_table = {account_rows, sizeof(account_rows) / sizeof(account_rows[0]),
                                                       "billing account", account_encode, account_clear};
#define DESCRIBE_ENTRY(id, type, json, limit, dflt) \
	NUMBERING__FIELD_ROW(struct entry_fields, id, type, json, limit, dflt)
static const struct numbering__field entry_rows[] = {NUMBERING__BILLING_ENTRY_FIELDS(DESCRIBE_ENTRY)};
NUMBERING__FIELDS_FUNCTIONS(entry, struct entry_fields, "billing entry", NUMBERING__BILLING_ENTRY_FIELDS)
static const struct numbering__fields entry_table = {entry_rows, sizeof(entry_rows) / sizeof(entry_rows[0]),
                                                     "billing entry", entry_encode, entry_clear};

/* ---- Records ---- */

static int damaged(const numbering_record *record, const char *field, const char *problem)
{
	return numbering__record_damaged(record, "", field, problem);
}

/* Copies @src, cut to @size - 1 bytes as snprintf() would, into @dst; its length. The
 * names below are built on every charge: copies, not formatting. */
static size_t copy_text(char *dst, size_t size, const char *src)
{
	size_t len = strnlen(src, size - 1);
	memcpy(dst, src, len);
	dst[len] = '\0';
	return len;
}

static void account_name(char name[ACCOUNT_NAME_SIZE], const char *project)
{
	size_t len = copy_text(name, NUMBERING__PROJECT_SIZE, project);
	memcpy(name + len, ACCOUNT_SUFFIX, sizeof(ACCOUNT_SUFFIX));
}

static void entry_name(char name[NUMBERING__ENTRY_NAME_SIZE], const char *project, int64_t n)
{
	if (n < 0) {
		snprintf(name, NUMBERING__ENTRY_NAME_SIZE, "%s" ENTRIES_SEGMENT "%" PRId64, project, n);
		return;
	}
	char digits[20];
	size_t count = 0;
	uint64_t v = (uint64_t)n;
	do {
		digits[count++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	size_t len = copy_text(name, NUMBERING__PROJECT_SIZE, project);
	memcpy(name + len, ENTRIES_SEGMENT, sizeof(ENTRIES_SEGMENT) - 1);
	len += sizeof(ENTRIES_SEGMENT) - 1;
	while (count > 0)
		name[len++] = digits[--count];
	name[len] = '\0';
}

/* The record's parent, a project ("projects/p", shorter than NUMBERING__PROJECT_SIZE). */
static int project_parent(const numbering_record *record)
{
	size_t len = 0;
	return record->parent != NULL && strlen(record->parent) < NUMBERING__PROJECT_SIZE &&
	       numbering__parse_parent(record->parent, "parent", &len) == NUMBERING_OK && len == strlen(record->parent);
}

/* The account record @record into @a (whose project is set from the record). */
static int read_account(struct numbering__account *a, const numbering_record *record)
{
	struct account_fields f;
	memset(&f, 0, sizeof(f));
	numbering__fields_clear(&account_table, &f);
	char name[ACCOUNT_NAME_SIZE];
	int ok = record->kind == NUMBERING__KIND_BILLING_ACCOUNT && project_parent(record);
	if (!ok)
		return damaged(record, "parent", "it is not a project");
	account_name(name, record->parent);
	if (record->name == NULL || strcmp(record->name, name) != 0)
		return damaged(record, "name", "it is not {project}/billingAccount");
	if (record->flags != 0 || record->digits != 0 || record->sort_key != 0 || record->expires != 0)
		return damaged(record, "keys", "an account has no flags, numbers, sort key or expiry");
	int rc = numbering__fields_decode_record(&account_table, &f, record, "");
	if (rc != NUMBERING_OK)
		return rc;
	if ((f.balance.currency[0] == '\0') != (f.entries == 0))
		return damaged(record, "balance", "an account has a currency exactly when it has entries");
	/* Not the whole struct: numbering__account_load() cleared it. */
	memset(a->project, 0, sizeof(a->project));
	copy_text(a->project, sizeof(a->project), record->parent);
	a->pending = 0;
	a->pending_len = 0;
	memcpy(a->currency, f.balance.currency, sizeof(a->currency));
	a->balance = f.balance.minor;
	a->reserved = f.reserved;
	a->entries = f.entries;
	return NUMBERING_OK;
}

int numbering__billing_account_check(const numbering_record *record)
{
	struct numbering__account a;
	return read_account(&a, record);
}

static int put_account(numbering_store *store, const struct numbering__account *a)
{
	char name[ACCOUNT_NAME_SIZE];
	account_name(name, a->project);
	struct account_fields f;
	memset(&f, 0, sizeof(f));
	numbering__fields_clear(&account_table, &f);
	memcpy(f.balance.currency, a->currency, sizeof(f.balance.currency));
	f.balance.minor = a->balance;
	f.reserved = a->reserved;
	f.entries = a->entries;
	numbering_record r;
	memset(&r, 0, sizeof(r));
	r.version = NUMBERING_RECORD_VERSION;
	r.kind = NUMBERING__KIND_BILLING_ACCOUNT;
	r.name = name;
	r.parent = a->project;
	return numbering__backend_put_fields(store, &r, &account_table, &f);
}

/* An entry as a reader gets it: its number, its name and its attributes (texts its
 * own; "more" and chargeKey never set). */
struct entry {
	int64_t n;
	char name[NUMBERING__ENTRY_NAME_SIZE];
	struct entry_fields f;
};

/*
 * A record of k entries: the attributes are entry n's (the sort key); "more", absent
 * when k is 1, holds entries n + 1 .. n + k - 1, each against the one before it:
 *   tag       varint(bits + 1): MORE_RESERVE fromReserve; MORE_SAME_REASON the reason
 *             is the previous entry's; MORE_RESOURCE a resource, MORE_SAME_RESOURCE the
 *             previous entry's; MORE_KEY a charge key, MORE_KEY_PERIOD "{resource}#{period}"
 *   time      varint(zigzag(time - the previous entry's time) + 1)
 *   amount    varint(zigzag(amount) + 1), in the first entry's currency; balanceAfter
 *             is the previous entry's plus it
 *   reason    unless MORE_SAME_REASON: varint(length) and the bytes (1 .. 256)
 *   resource  with MORE_RESOURCE, unless MORE_SAME_RESOURCE: varint(length), the bytes
 *   key       with MORE_KEY: MORE_KEY_PERIOD varint(period + 1), else varint(length)
 *             and the bytes (1 .. 255)
 * Every varint is of a value of 1 or more and no text holds a NUL, so "more" has no NUL
 * byte: a TEXT attribute. An account's pending entries (numbering__account_append())
 * are the same form, the first of them against a previous entry of time 0 and no texts.
 */
enum {
	MORE_RESERVE = 1,
	MORE_SAME_REASON = 2,
	MORE_RESOURCE = 4,
	MORE_SAME_RESOURCE = 8,
	MORE_KEY = 16,
	MORE_KEY_PERIOD = 32,
	MORE_TAG_MAX = 64 /* bits + 1 */
};

/* Where a walk through a record's entries is: the current entry in v, the texts in
 * the buffers (reason, resource and key borrowed from them). */
struct walk {
	struct entry_fields f; /* the record's attributes: entry n and "more" */
	int64_t first, count;  /* entries first .. first + count - 1 */
	struct numbering__entry_view v;
	const uint8_t *p, *end; /* the entries of "more" not yet read */
	char reason[257], resource[1025], key[256];
};

/* "{resource}#{period}" when @key is that (the period in decimal, no leading zero):
 * the period into *period. */
static int key_period(const char *key, size_t key_len, const char *resource, size_t resource_len, int64_t *period)
{
	if (resource_len == 0 || key_len < resource_len + 2 || key_len > resource_len + 19 ||
	    memcmp(key, resource, resource_len) != 0 || key[resource_len] != '#')
		return 0;
	const char *d = key + resource_len + 1;
	size_t count = key_len - resource_len - 1;
	if (d[0] == '0' && count > 1)
		return 0;
	int64_t v = 0;
	for (size_t i = 0; i < count; i++) {
		if (d[i] < '0' || d[i] > '9')
			return 0;
		v = v * 10 + (d[i] - '0'); /* 18 digits at most: no overflow */
	}
	*period = v;
	return 1;
}

static char *put_period(char *p, int64_t period)
{
	char digits[20];
	size_t count = 0;
	uint64_t v = (uint64_t)period;
	do {
		digits[count++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (count > 0)
		*p++ = digits[--count];
	return p;
}

/* A text of "more" (1 .. @max bytes) into @buf: NULL, or what is wrong. */
static const char *more_text(struct walk *w, char *buf, size_t max)
{
	uint64_t len;
	const char *problem = numbering__varint_get(&w->p, w->end, &len);
	if (problem != NULL)
		return problem;
	if (len == 0 || len > max || len > (uint64_t)(w->end - w->p))
		return "a text's length is 0, over its limit or past the end";
	if ((problem = numbering__stored_text_problem(w->p, (size_t)len)) != NULL)
		return problem;
	memcpy(buf, w->p, (size_t)len);
	buf[len] = '\0';
	w->p += len;
	return NULL;
}

/* The next entry of "more" into w->v (whose texts are the previous entry's): NULL, or
 * what is wrong, with the attribute in *field. */
static const char *more_next(struct walk *w, const char **field)
{
	struct numbering__entry_view *v = &w->v;
	uint64_t tag, dt, am, period;
	const char *problem;
	*field = "more";
	if ((problem = numbering__varint_get(&w->p, w->end, &tag)) != NULL)
		return problem;
	unsigned bits = (unsigned)tag - 1;
	if (tag == 0 || tag > MORE_TAG_MAX || ((bits & MORE_SAME_RESOURCE) && !(bits & MORE_RESOURCE)) ||
	    ((bits & MORE_KEY_PERIOD) && (bits & (MORE_KEY | MORE_RESOURCE)) != (MORE_KEY | MORE_RESOURCE)))
		return "an entry's tag is 0 or holds an unknown bit";
	if (v->n == INT64_MAX)
		return "its entries' numbers leave int64";
	*field = "more.time";
	if ((problem = numbering__varint_get(&w->p, w->end, &dt)) != NULL)
		return problem;
	int64_t t;
	if (dt == 0 || __builtin_add_overflow(v->time, numbering__unzigzag(dt - 1), &t) || t <= 0 ||
	    !numbering__time_in_range(t))
		return "it is not a store time";
	*field = "more.amount";
	if ((problem = numbering__varint_get(&w->p, w->end, &am)) != NULL)
		return problem;
	int64_t amount = am == 0 ? INT64_MIN : numbering__unzigzag(am - 1), after;
	if (amount == INT64_MIN)
		return "its amount is over the limit";
	*field = "more.balanceAfter";
	if (__builtin_add_overflow(v->balance_after, amount, &after) || after == INT64_MIN)
		return "the previous balance plus the amount leaves what a balance holds";
	*field = "more.fromReserve";
	if ((bits & MORE_RESERVE) && amount >= 0)
		return "only a charge is paid out of the reserve";
	*field = "more.reason";
	if (!(bits & MORE_SAME_REASON) && (problem = more_text(w, w->reason, 256)) != NULL)
		return problem;
	*field = "more.resource";
	if ((bits & MORE_SAME_RESOURCE) && v->resource == NULL)
		return "it is the previous entry's, which has none";
	if ((bits & MORE_RESOURCE) && !(bits & MORE_SAME_RESOURCE) && (problem = more_text(w, w->resource, 1024)) != NULL)
		return problem;
	v->resource = (bits & MORE_RESOURCE) ? w->resource : NULL;
	*field = "more.chargeKey";
	if (bits & MORE_KEY_PERIOD) {
		if ((problem = numbering__varint_get(&w->p, w->end, &period)) != NULL)
			return problem;
		char digits[24];
		size_t len = strlen(w->resource), dlen = 0;
		if (period != 0 && period - 1 <= (uint64_t)INT64_MAX)
			dlen = (size_t)(put_period(digits, (int64_t)(period - 1)) - digits);
		if (dlen == 0 || len + 1 + dlen >= sizeof(w->key))
			return "its period is 0 or its key over 255 bytes";
		memcpy(w->key, w->resource, len);
		w->key[len] = '#';
		memcpy(w->key + len + 1, digits, dlen);
		w->key[len + 1 + dlen] = '\0';
	} else if ((bits & MORE_KEY) && (problem = more_text(w, w->key, 255)) != NULL) {
		return problem;
	}
	v->charge_key = (bits & MORE_KEY) ? w->key : NULL;
	v->n++;
	v->time = t;
	v->amount = amount;
	v->balance_after = after;
	v->from_reserve = (bits & MORE_RESERVE) != 0;
	v->reason = w->reason;
	return NULL;
}

/* Entry first + 1 (the next of the walk). The record was checked by walk_open(). */
static void walk_next(struct walk *w)
{
	const char *field;
	(void)more_next(w, &field);
}

/* Opens the record @record at its first entry, checking all of it: NUMBERING_DATA_LOSS
 * naming the field for a damaged one. w->f is to be cleared by the caller (walk_close()). */
static int walk_open(struct walk *w, const numbering_record *record)
{
	char name[NUMBERING__ENTRY_NAME_SIZE];
	numbering__fields_clear(&entry_table, &w->f);
	int ok = record->kind == NUMBERING__KIND_BILLING_ENTRY && project_parent(record);
	if (!ok)
		return damaged(record, "parent", "it is not a project");
	if (record->sort_key < 1)
		return damaged(record, "sortKey", "an entry's number is 1 or more");
	entry_name(name, record->parent, record->sort_key);
	if (record->name == NULL || strcmp(record->name, name) != 0)
		return damaged(record, "name", "it is not {project}/billingEntries/{its sort key}");
	if (record->flags != 0 || record->digits != 0 || record->expires != 0 || record->keys[1] != NULL ||
	    record->keys[2] != NULL || record->keys[3] != NULL)
		return damaged(record, "keys", "an entry has no flags, numbers, expiry or key but the first");
	int rc = numbering__fields_decode_record(&entry_table, &w->f, record, "");
	if (rc != NUMBERING_OK)
		return rc;
	const struct entry_fields *f = &w->f;
	if (f->amount.currency[0] == '\0' || strcmp(f->amount.currency, f->balance_after.currency) != 0)
		return damaged(record, "amount", "it is missing or not in the currency of balanceAfter");
	if (f->reason == NULL || f->time == 0)
		return damaged(record, "reason", "an entry has a reason and a time");
	if (f->more != NULL ? record->keys[0] != NULL
	                    : (f->charge_key == NULL) != (record->keys[0] == NULL) ||
	                          (f->charge_key != NULL && strcmp(f->charge_key, record->keys[0]) != 0))
		return damaged(record, "chargeKey",
		               f->more != NULL ? "a record of several entries has no key"
		                               : "it is not the record's first key");
	if (f->from_reserve && f->amount.minor >= 0)
		return damaged(record, "fromReserve", "only a charge is paid out of the reserve");
	/* Every further entry, once, for the checks and the count. */
	struct numbering__entry_view *v = &w->v;
	w->first = record->sort_key;
	w->count = 1;
	if (f->more != NULL) {
		memset(v, 0, sizeof(*v));
		v->n = w->first;
		v->time = f->time;
		v->balance_after = f->balance_after.minor;
		copy_text(w->reason, sizeof(w->reason), f->reason);
		v->resource = f->resource != NULL ? w->resource : NULL;
		if (f->resource != NULL)
			copy_text(w->resource, sizeof(w->resource), f->resource);
		w->p = (const uint8_t *)f->more;
		w->end = w->p + strlen(f->more);
		while (w->p < w->end) {
			const char *field = NULL, *problem = more_next(w, &field);
			if (problem != NULL)
				return damaged(record, field, problem);
			w->count++;
		}
	}
	/* Back to the first. */
	memset(v, 0, sizeof(*v));
	v->n = w->first;
	memcpy(v->currency, f->amount.currency, 4);
	v->amount = f->amount.minor;
	v->balance_after = f->balance_after.minor;
	v->time = f->time;
	v->from_reserve = f->from_reserve;
	copy_text(w->reason, sizeof(w->reason), f->reason);
	v->reason = w->reason;
	if (f->resource != NULL) {
		copy_text(w->resource, sizeof(w->resource), f->resource);
		v->resource = w->resource;
	}
	if (f->charge_key != NULL) {
		copy_text(w->key, sizeof(w->key), f->charge_key);
		v->charge_key = w->key;
	}
	w->p = (const uint8_t *)f->more;
	w->end = f->more != NULL ? w->p + strlen(f->more) : w->p;
	return NUMBERING_OK;
}

static void walk_close(struct walk *w)
{
	numbering__fields_clear(&entry_table, &w->f);
}

int numbering__billing_entry_each(const numbering_record *record,
                                  int (*each)(const struct numbering__entry_view *v, void *payload), void *payload)
{
	struct walk *w = numbering__malloc(sizeof(*w));
	if (w == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory reading a billing entry");
	memset(&w->f, 0, sizeof(w->f));
	int rc = walk_open(w, record);
	for (int64_t i = 0; rc == NUMBERING_OK && i < w->count; i++) {
		if (i > 0)
			walk_next(w);
		rc = each(&w->v, payload);
	}
	walk_close(w);
	numbering__free_mem(w);
	return rc;
}

int numbering__billing_entry_check(const numbering_record *record)
{
	struct walk *w = numbering__malloc(sizeof(*w));
	if (w == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory checking a billing entry");
	memset(&w->f, 0, sizeof(w->f));
	int rc = walk_open(w, record);
	walk_close(w);
	numbering__free_mem(w);
	return rc;
}

/* The current entry of @w as entry @e (cleared), its texts copied. */
static int walk_entry(struct entry *e, const struct walk *w, const char *project)
{
	const struct numbering__entry_view *v = &w->v;
	e->n = v->n;
	entry_name(e->name, project, v->n);
	memcpy(e->f.amount.currency, v->currency, 4);
	e->f.amount.minor = v->amount;
	memcpy(e->f.balance_after.currency, v->currency, 4);
	e->f.balance_after.minor = v->balance_after;
	e->f.time = v->time;
	e->f.from_reserve = (uint8_t)v->from_reserve;
	if ((e->f.reason = numbering__strdup(v->reason)) == NULL ||
	    (v->resource != NULL && (e->f.resource = numbering__strdup(v->resource)) == NULL))
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory reading a billing entry");
	return NUMBERING_OK;
}

/* Puts the record of one entry @e (its charge key the record's key), or of the
 * entries @e and @more (no key). */
/* The account's next entry (@a's count + 1) for @e, its balance after it @balance. The
 * texts are borrowed from @e: put_entry() only reads them. */
static void entry_of(struct entry *en, const struct numbering__account *a, const struct numbering__entry_in *e,
                     int64_t balance)
{
	memset(&en->f, 0, sizeof(en->f)); /* every default is 0 */
	en->n = a->entries + 1;
	entry_name(en->name, a->project, en->n);
	memcpy(en->f.amount.currency, e->currency, 4);
	en->f.amount.minor = e->amount;
	memcpy(en->f.balance_after.currency, e->currency, 4);
	en->f.balance_after.minor = balance;
	en->f.time = e->time;
	en->f.from_reserve = e->from_reserve ? 1 : 0;
	en->f.reason = (char *)(uintptr_t)e->reason;
	en->f.resource = e->resource && e->resource[0] ? (char *)(uintptr_t)e->resource : NULL;
	en->f.charge_key = (char *)(uintptr_t)e->charge_key;
}

static int put_entry(numbering_store *store, const char *project, const struct entry *e)
{
	numbering_record r;
	memset(&r, 0, sizeof(r));
	r.version = NUMBERING_RECORD_VERSION;
	r.kind = NUMBERING__KIND_BILLING_ENTRY;
	r.name = e->name;
	r.parent = project;
	r.sort_key = e->n;
	r.keys[0] = e->f.more == NULL ? e->f.charge_key : NULL;
	return numbering__backend_put_fields(store, &r, &entry_table, &e->f);
}

/* ---- The internal interface (service/billing.h) ---- */

struct account_visit {
	struct numbering__account *a;
	int rc;
};

static int account_visit(const numbering_record *record, void *payload)
{
	struct account_visit *v = payload;
	v->rc = read_account(v->a, record);
	return 0;
}

int numbering__account_load(struct numbering__account *a, numbering_store *store, const char *project)
{
	char name[ACCOUNT_NAME_SIZE];
	/* All but the pending entries' bytes (~1k, read only up to pending_len). */
	memset(a, 0, offsetof(struct numbering__account, pending_body));
	copy_text(a->project, sizeof(a->project), project);
	account_name(name, a->project);
	struct account_visit v = {a, NUMBERING_OK};
	int rc = numbering__backend_get_record(store, NUMBERING__KIND_BILLING_ACCOUNT, name, account_visit, &v);
	if (rc == NUMBERING_NOT_FOUND)
		return NUMBERING_OK;
	if (rc == NUMBERING_OK && v.rc == NUMBERING_OK && strcmp(a->project, project) != 0)
		v.rc = numbering__error_set(NUMBERING_DATA_LOSS, "the billing account \"%s\" is another project's", name);
	if (rc != NUMBERING_OK || v.rc != NUMBERING_OK) {
		memset(a, 0, offsetof(struct numbering__account, pending_body));
		copy_text(a->project, sizeof(a->project), project);
	}
	a->read_balance = a->balance;
	a->read_reserved = a->reserved;
	a->read_entries = a->entries;
	return rc != NUMBERING_OK ? rc : v.rc;
}

int numbering__account_check_currency(const struct numbering__account *a, const char *currency, const char *field)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	const char *c = currency ? currency : "";
	/* The account's own currency is known: its record's read checked it. */
	if (a->currency[0] != '\0' && strcmp(a->currency, c) == 0)
		return NUMBERING_OK;
	if (!numbering_currency_is_known(c))
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "%s: \"%s\" is not an ISO 4217 currency code",
		                              field, numbering__quote(quoted, c, strlen(c)));
	if (a->currency[0] != '\0' && strcmp(a->currency, c) != 0)
		return numbering__error_field(NUMBERING_FAILED_PRECONDITION, field,
		                              "%s is in %s, but the billing account of %s is in %s (no conversion)", field, c,
		                              a->project, a->currency);
	return NUMBERING_OK;
}

/* "USD 1.50", "USD -1.50" (@minor may be negative but not INT64_MIN) into
 * MONEY_TEXT_SIZE bytes: a currency of three letters, a sign and the amount, or the
 * minor units of an amount the currency cannot format. */
#define MONEY_TEXT_SIZE (3 + 1 + 20 + sizeof(" minor units"))
_Static_assert(MONEY_TEXT_SIZE >= 3 + 2 + NUMBERING_MONEY_BUFSIZE, "a formatted amount fits");
static void format_money(char buf[MONEY_TEXT_SIZE], const char *currency, int64_t minor)
{
	char amount[NUMBERING_MONEY_BUFSIZE];
	int64_t magnitude = minor < 0 ? -minor : minor;
	if (minor == INT64_MIN || numbering_money_format(amount, sizeof(amount), currency, magnitude) != NUMBERING_OK)
		snprintf(buf, MONEY_TEXT_SIZE, "%.3s %" PRId64 " minor units", currency, minor);
	else
		snprintf(buf, MONEY_TEXT_SIZE, "%.3s %s%s", currency, minor < 0 ? "-" : "", amount);
}

/* What the account can spend: balance - reserved; INT64_MIN when that is below what
 * int64 holds (a debt deeper than any amount). */
static int64_t available(const struct numbering__account *a)
{
	int64_t out;
	if (__builtin_sub_overflow(a->balance, a->reserved, &out))
		return INT64_MIN;
	return out;
}

int numbering__account_short(const struct numbering__account *a, const char *currency, int64_t needed, char *details,
                             size_t size)
{
	int64_t left = available(a);
	if (needed <= 0 || (left >= 0 && needed <= left)) {
		if (details != NULL && size > 0)
			details[0] = '\0';
		return 0;
	}
	if (details != NULL && size > 0) {
		char need[MONEY_TEXT_SIZE], have[MONEY_TEXT_SIZE];
		const char *c = a->currency[0] ? a->currency : currency ? currency : DEFAULT_CURRENCY;
		format_money(need, currency ? currency : c, needed);
		format_money(have, c, left == INT64_MIN ? -INT64_MAX : left);
		snprintf(details, size, "insufficient balance: needed %s, available %s", need, have);
	}
	return 1;
}

/* A charge key of a record of one entry is its first key (keys[0]), unique in the
 * ledger (those inside a record of several entries are not looked up: the run's
 * charges, service/billing.h). Whether the ledger holds one is one look-up in the
 * backend's key index
 * (NUMBERING__CONTROL_KEY_FIND, model/record.h): the memory and file backends answer
 * it; another backend gets a list of the project's entries with the key as a filter.
 * Before the index, each key was also kept as a REQUEST record ("#" and the key), one
 * more record put and read per charge; stores written then still hold them, unread:
 * their entries carry the keys too. */
struct charged_visit {
	const char *key;
	int found;
	int rc;
};

static int charged_visit(const numbering_record *record, void *payload)
{
	struct charged_visit *v = payload;
	v->found = 1;
	if (record->kind != NUMBERING__KIND_BILLING_ENTRY || record->keys[0] == NULL ||
	    strcmp(record->keys[0], v->key) != 0) {
		char quoted[NUMBERING__QUOTE_SIZE];
		v->rc = numbering__error_field(NUMBERING_DATA_LOSS, "chargeKey",
		                               "the entry found for the charge key \"%s\" does not hold it",
		                               numbering__quote(quoted, v->key, strlen(v->key)));
	}
	return 0;
}

/* Whether the ledger of @project holds @charge_key into *found. */
static int charge_find(numbering_store *store, const char *project, const char *charge_key, int *found)
{
	struct charged_visit v = {charge_key, 0, NUMBERING_OK};
	*found = 0;
	struct numbering__key_find kf = {NUMBERING__KIND_BILLING_ENTRY, project, charge_key, charged_visit, &v, 0};
	int rc = numbering__backend_control(store, NUMBERING__CONTROL_KEY_FIND, &kf);
	if (rc == NUMBERING_UNIMPLEMENTED || rc == NUMBERING_FAILED_PRECONDITION) {
		/* Not answered (another backend; outside a transaction before the index): the
		 * project's entries with the key as a filter. */
		numbering_error_clear();
		numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
		q.kind = NUMBERING__KIND_BILLING_ENTRY;
		q.parent = project;
		q.keys[0] = charge_key;
		q.limit = 1;
		v.found = 0;
		rc = numbering__backend_list(store, &q, charged_visit, &v);
	}
	if (rc == NUMBERING_OK && (rc = v.rc) == NUMBERING_OK)
		*found = v.found;
	return rc;
}

/* Whether the @len bytes at @p are all printable ASCII (0x20 .. 0x7e), eight at a
 * time: a byte's high bit is set in w when it is 0x80 or more, in w + 1 when it is
 * 0x7f, in w - 0x20 when it is below 0x20 (a carry or borrow only leaves a byte that
 * is itself flagged). A byte loop cost ~5 instructions a byte, and a charge checks
 * ~100 bytes of names. */
static int printable_ascii(const char *p, size_t len)
{
	const uint64_t ones = UINT64_C(0x0101010101010101), highs = UINT64_C(0x8080808080808080);
	uint64_t bad = 0, w;
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, 8);
		bad |= (w | (w + ones) | (w - 0x20 * ones)) & highs;
	}
	if (i < len && len >= 8) {
		memcpy(&w, p + len - 8, 8); /* the last eight, some of them again */
		bad |= (w | (w + ones) | (w - 0x20 * ones)) & highs;
	} else {
		for (; i < len; i++)
			bad |= (unsigned char)p[i] < 0x20 || (unsigned char)p[i] >= 0x7f;
	}
	return bad == 0;
}

/* numbering__validate_text(), whose success path formats the quoted value for the
 * messages it might write: printable ASCII of 1 .. @max bytes (the names and reasons
 * the library makes itself) is text without it. */
static int check_text(const char *text, size_t max, const char *field)
{
	size_t len = strnlen(text, max + 1);
	if (len >= 1 && len <= max && printable_ascii(text, len))
		return NUMBERING_OK;
	return numbering__validate_text(text, max, field);
}

/* The checks of an entry @e of @a: *balance and *reserved get what the account's are
 * after it. The charge key is looked up when @probe; the reason and resource are
 * not checked when @made (text the library made). */
static int entry_checks(numbering_store *store, const struct numbering__account *a,
                        const struct numbering__entry_in *e, int probe, int made, int64_t *balance,
                        int64_t *reserved)
{
	int rc = numbering__account_check_currency(a, e->currency, "amount");
	if (rc != NUMBERING_OK)
		return rc;
	if (e->reason == NULL || (!made && (rc = check_text(e->reason, 256, "reason")) != NUMBERING_OK))
		return e->reason == NULL ? numbering__error_field(NUMBERING_INVALID_ARGUMENT, "reason", "reason is missing")
		                         : rc;
	if (!made && e->resource != NULL && e->resource[0] != '\0' &&
	    (rc = check_text(e->resource, 1024, "resource")) != NUMBERING_OK)
		return rc;
	if (e->charge_key != NULL && (rc = check_text(e->charge_key, 255, "chargeKey")) != NUMBERING_OK)
		return rc;
	if (e->time <= 0 || !numbering__time_in_range(e->time))
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "time", "an entry's time %" PRId64 " is not a store time",
		                              e->time);
	if (e->amount == INT64_MIN || __builtin_add_overflow(a->balance, e->amount, balance) || *balance == INT64_MIN) {
		char have[MONEY_TEXT_SIZE], add[MONEY_TEXT_SIZE];
		format_money(have, e->currency, a->balance);
		format_money(add, e->currency, e->amount == INT64_MIN ? -INT64_MAX : e->amount);
		return numbering__error_field(NUMBERING_OUT_OF_RANGE, "amount",
		                              "the balance %s of %s plus %s would leave the amounts a balance can hold", have,
		                              a->project, add);
	}
	if (a->entries == INT64_MAX)
		return numbering__error_set(NUMBERING_OUT_OF_RANGE, "the ledger of %s is full", a->project);
	if (probe && e->charge_key != NULL) {
		int found = 0;
		if ((rc = charge_find(store, a->project, e->charge_key, &found)) != NUMBERING_OK)
			return rc;
		if (found) {
			char quoted[NUMBERING__QUOTE_SIZE];
			return numbering__error_field(NUMBERING_ALREADY_EXISTS, "chargeKey",
			                              "the ledger of %s already holds the charge \"%s\"", a->project,
			                              numbering__quote(quoted, e->charge_key, strlen(e->charge_key)));
		}
	}
	*reserved = a->reserved;
	if (e->from_reserve) {
		if (e->amount >= 0 || -e->amount > a->reserved)
			return numbering__error_field(NUMBERING_FAILED_PRECONDITION, "amount",
			                              "a charge of %" PRId64 " minor units is more than the reserve of %s (%" PRId64 ")",
			                              -e->amount, a->project, a->reserved);
		*reserved = a->reserved + e->amount;
	}
	return NUMBERING_OK;
}

/* Writes the entries pending in @a as one record (inside a transaction). */
static int flush(numbering_store *store, struct numbering__account *a)
{
	if (a->pending == 0)
		return NUMBERING_OK;
	/* The first pending entry, read as a record's next entry after one of time 0. */
	struct walk walk, *w = &walk;
	memset(&w->v, 0, sizeof(w->v));
	w->reason[0] = w->resource[0] = w->key[0] = '\0';
	w->p = a->pending_body;
	w->end = a->pending_body + a->pending_len;
	const char *field = NULL;
	if (more_next(w, &field) != NULL)
		return numbering__error_set(NUMBERING_INTERNAL, "the pending entries of %s do not read back (%s)", a->project,
		                            field);
	struct entry en;
	memset(&en.f, 0, sizeof(en.f)); /* every default is 0 */
	en.n = a->entries - a->pending + 1;
	entry_name(en.name, a->project, en.n);
	memcpy(en.f.amount.currency, a->currency, 4);
	en.f.amount.minor = w->v.amount;
	memcpy(en.f.balance_after.currency, a->currency, 4);
	en.f.balance_after.minor = a->pending_after;
	en.f.time = w->v.time;
	en.f.from_reserve = (uint8_t)w->v.from_reserve;
	/* Borrowed: put_entry() only reads them. */
	en.f.reason = w->reason;
	en.f.resource = (char *)(uintptr_t)w->v.resource;
	en.f.charge_key = (char *)(uintptr_t)w->v.charge_key;
	if (a->pending > 1) {
		a->pending_body[a->pending_len] = '\0';
		en.f.more = (char *)(w->p);
	}
	int rc = put_entry(store, a->project, &en);
	if (rc == NUMBERING_OK)
		a->pending = a->pending_len = 0;
	return rc;
}

/* Whether the stored account is still the one @a was read as. For a writer that read it
 * before its transaction (the adjustment reads inside since): when that transaction's begin
 * took another process's commits (a file store shared by processes), the account may
 * have changed since, and a put of @a would write over the other process's charge (its
 * entry of the same number and its balance): a number paid once and held twice. */
static int still_as_read(numbering_store *store, const struct numbering__account *a)
{
	if (!store->begin_took_foreign)
		return NUMBERING_OK;
	struct numbering__account *now = numbering__malloc(sizeof(*now));
	if (now == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory reading a billing account");
	int rc = numbering__account_load(now, store, a->project);
	if (rc == NUMBERING_OK &&
	    (now->balance != a->read_balance || now->reserved != a->read_reserved || now->entries != a->read_entries))
		rc = numbering__error_set(NUMBERING_ABORTED,
		                          "the billing account of %s was changed by another process since it was read; "
		                          "nothing was written: retry",
		                          a->project);
	numbering__free_mem(now);
	return rc;
}

/* Puts the account @a, with its pending entries first. */
static int put(numbering_store *store, struct numbering__account *a)
{
	int rc = still_as_read(store, a);
	if (rc == NUMBERING_OK)
		rc = flush(store, a);
	if (rc == NUMBERING_OK)
		rc = put_account(store, a);
	if (rc == NUMBERING_OK) {
		a->read_balance = a->balance;
		a->read_reserved = a->reserved;
		a->read_entries = a->entries;
	}
	return rc;
}

static int post(numbering_store *store, struct numbering__account *a, const struct numbering__entry_in *e, char *name,
                int made)
{
	int64_t balance = 0, reserved = 0;
	int rc = entry_checks(store, a, e, 1, made, &balance, &reserved);
	if (rc != NUMBERING_OK)
		return rc;
	struct entry en;
	entry_of(&en, a, e, balance);
	if ((rc = put_entry(store, a->project, &en)) != NUMBERING_OK)
		return rc;
	char currency[4];
	int64_t was_balance = a->balance, was_reserved = a->reserved;
	memcpy(currency, a->currency, 4);
	memcpy(a->currency, e->currency, 4);
	a->balance = balance;
	a->reserved = reserved;
	a->entries = en.n;
	if ((rc = put(store, a)) != NUMBERING_OK) {
		memcpy(a->currency, currency, 4);
		a->balance = was_balance;
		a->reserved = was_reserved;
		a->entries = en.n - 1;
		return rc;
	}
	if (name != NULL)
		memcpy(name, en.name, NUMBERING__ENTRY_NAME_SIZE);
	return NUMBERING_OK;
}

int numbering__account_post(numbering_store *store, struct numbering__account *a, const struct numbering__entry_in *e,
                            char *name)
{
	return post(store, a, e, name, 0);
}

int numbering__account_post_made(numbering_store *store, struct numbering__account *a,
                                 const struct numbering__entry_in *e)
{
	return post(store, a, e, NULL, 1);
}

static uint8_t *put_text(uint8_t *p, const char *text, size_t len)
{
	p = numbering__varint_put(p, len);
	memcpy(p, text, len);
	return p + len;
}

int numbering__account_append(numbering_store *store, struct numbering__account *a,
                              const struct numbering__entry_in *e, char *name)
{
	int64_t balance = 0, reserved = 0;
	int rc = entry_checks(store, a, e, 0, 0, &balance, &reserved);
	if (rc != NUMBERING_OK)
		return rc;
	size_t reason_len = strlen(e->reason), resource_len = e->resource != NULL ? strlen(e->resource) : 0,
	       key_len = e->charge_key != NULL ? strlen(e->charge_key) : 0;
	/* tag, time, amount, the texts with their lengths */
	size_t need = 1 + 10 + 10 + (2 + reason_len) + (2 + resource_len) + (10 + key_len);
	if (a->pending > 0 && a->pending_len + need > NUMBERING__ACCOUNT_PENDING_MAX && (rc = flush(store, a)) != NUMBERING_OK)
		return rc;
	if (need > NUMBERING__ACCOUNT_PENDING_MAX) {
		/* Too long to hold (texts of ~1,000 bytes): a record of its own now. */
		struct entry en;
		entry_of(&en, a, e, balance);
		if ((rc = put_entry(store, a->project, &en)) != NUMBERING_OK)
			return rc;
	} else {
		int first = a->pending == 0;
		uint8_t *start = a->pending_body + a->pending_len, *p = start + 1;
		unsigned bits = e->from_reserve ? MORE_RESERVE : 0;
		int64_t period = 0;
		p = numbering__varint_put(p, numbering__zigzag(e->time - (first ? 0 : a->pending_time)) + 1);
		p = numbering__varint_put(p, numbering__zigzag(e->amount) + 1);
		if (!first && a->reason_len == reason_len && memcmp(a->pending_body + a->reason_at, e->reason, reason_len) == 0) {
			bits |= MORE_SAME_REASON;
		} else {
			p = put_text(p, e->reason, reason_len);
			a->reason_at = (uint32_t)(p - a->pending_body - reason_len);
			a->reason_len = (uint32_t)reason_len;
		}
		if (resource_len > 0) {
			bits |= MORE_RESOURCE;
			if (!first && a->resource_len == resource_len &&
			    memcmp(a->pending_body + a->resource_at, e->resource, resource_len) == 0) {
				bits |= MORE_SAME_RESOURCE;
			} else {
				p = put_text(p, e->resource, resource_len);
				a->resource_at = (uint32_t)(p - a->pending_body - resource_len);
				a->resource_len = (uint32_t)resource_len;
			}
		} else {
			a->resource_len = 0;
		}
		if (key_len > 0) {
			bits |= MORE_KEY;
			if (key_period(e->charge_key, key_len, e->resource, resource_len, &period)) {
				bits |= MORE_KEY_PERIOD;
				p = numbering__varint_put(p, (uint64_t)period + 1);
			} else {
				p = put_text(p, e->charge_key, key_len);
			}
		}
		*start = (uint8_t)(bits + 1);
		if (first)
			a->pending_after = balance;
		a->pending_len = (uint32_t)(p - a->pending_body);
		a->pending_time = e->time;
		a->pending++;
	}
	memcpy(a->currency, e->currency, 4);
	a->balance = balance;
	a->reserved = reserved;
	a->entries++;
	if (name != NULL)
		entry_name(name, a->project, a->entries);
	return NUMBERING_OK;
}

int numbering__account_put(numbering_store *store, struct numbering__account *a)
{
	return put(store, a);
}

int numbering__account_hold(struct numbering__account *a, const char *currency, int64_t amount)
{
	int rc = numbering__account_check_currency(a, currency, "amount");
	if (rc != NUMBERING_OK)
		return rc;
	if (amount < 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "amount", "a reserve of %" PRId64 " is negative",
		                              amount);
	char details[NUMBERING__BILLING_DETAILS_SIZE];
	if (numbering__account_short(a, currency, amount, details, sizeof(details)))
		return numbering__error_field(NUMBERING_FAILED_PRECONDITION, "amount", "%s", details);
	a->reserved += amount; /* <= balance - reserved: cannot overflow */
	return NUMBERING_OK;
}

int numbering__account_reserve(numbering_store *store, struct numbering__account *a, const char *currency,
                               int64_t amount)
{
	int64_t reserved = a->reserved;
	int rc = numbering__account_hold(a, currency, amount);
	if (rc == NUMBERING_OK && (rc = put(store, a)) != NUMBERING_OK)
		a->reserved = reserved;
	return rc;
}

int numbering__account_unreserve(numbering_store *store, struct numbering__account *a, int64_t amount)
{
	if (amount < 0 || amount > a->reserved)
		return numbering__error_field(NUMBERING_FAILED_PRECONDITION, "amount",
		                              "%" PRId64 " cannot be given back out of the reserve of %s, %" PRId64, amount,
		                              a->project, a->reserved);
	a->reserved -= amount;
	int rc = put(store, a);
	if (rc != NUMBERING_OK)
		a->reserved += amount;
	return rc;
}

int numbering__account_charged(numbering_store *store, const char *project, const char *charge_key, int *found)
{
	*found = 0;
	if (charge_key == NULL)
		return NUMBERING_OK;
	return charge_find(store, project, charge_key, found);
}

/* ---- The public calls (numbering/billing.h) ---- */

struct numbering_billing_account {
	char name[ACCOUNT_NAME_SIZE];
	char currency[4];
	int64_t balance;
	int64_t reserved;
};

struct numbering_billing_entry {
	struct entry e;
};

struct numbering_billing_entry_page {
	int count;
	numbering_billing_entry *items;
	char next_token[NUMBERING__TOKEN_TEXT_MAX];
};

/* "parent" checked into @project, and @caller's @permission on it. */
static int check_parent(char project[NUMBERING__PROJECT_SIZE], numbering_store *store, const char *caller,
                        const char *parent, int permission)
{
	int rc = numbering__project_of_parent(project, parent, "parent");
	return rc == NUMBERING_OK ? numbering__authorize(store, caller, permission, project) : rc;
}

int numbering_store_get_billing_account(numbering_billing_account **out, numbering_store *store, const char *caller,
                                        const char *parent)
{
	if (out == NULL || store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_get_billing_account: %s is NULL",
		                            out == NULL ? "out" : "store");
	*out = NULL;
	char project[NUMBERING__PROJECT_SIZE];
	int rc = check_parent(project, store, caller, parent, NUMBERING__PERM_BILLING_GET);
	if (rc != NUMBERING_OK)
		return rc;
	numbering_billing_account *account = numbering__calloc(1, sizeof(*account));
	if (account == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for a billing account");
	struct numbering__account a;
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	rc = numbering__account_load(&a, store, project);
	numbering__rwlock_rdunlock(&store->lock, slot);
	if (rc != NUMBERING_OK) {
		numbering__free_mem(account);
		return rc;
	}
	account_name(account->name, project);
	snprintf(account->currency, sizeof(account->currency), "%s", a.currency[0] ? a.currency : DEFAULT_CURRENCY);
	account->balance = a.balance;
	account->reserved = a.reserved;
	*out = account;
	return NUMBERING_OK;
}

void numbering_billing_account_free(numbering_billing_account *account)
{
	numbering__free_mem(account);
}

const char *numbering_billing_account_name(const numbering_billing_account *account)
{
	return account ? account->name : "";
}

const char *numbering_billing_account_currency(const numbering_billing_account *account)
{
	return account ? account->currency : "";
}

int64_t numbering_billing_account_balance(const numbering_billing_account *account)
{
	return account ? account->balance : 0;
}

int64_t numbering_billing_account_reserved(const numbering_billing_account *account)
{
	return account ? account->reserved : 0;
}

/* ---- Adjusting ---- */

#define ADJUST_MARK 'A'

struct entry_visit {
	struct entry *e;
	int64_t n;
	int found;
	int rc;
};

static int entry_visit(const numbering_record *record, void *payload)
{
	struct entry_visit *v = payload;
	struct walk *w = numbering__malloc(sizeof(*w));
	if (w == NULL) {
		v->rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory reading a billing entry");
		return NUMBERING__VISIT_STOP;
	}
	memset(&w->f, 0, sizeof(w->f));
	if ((v->rc = walk_open(w, record)) == NUMBERING_OK && v->n < w->first + w->count) {
		while (w->v.n < v->n)
			walk_next(w);
		v->found = 1;
		v->rc = walk_entry(v->e, w, record->parent);
	}
	walk_close(w);
	numbering__free_mem(w);
	return NUMBERING__VISIT_STOP;
}

/* Entry @n of @project into @e (cleared): in the record of the entries from the
 * greatest number up to @n, one descending step. */
static int load_entry(struct entry *e, numbering_store *store, const char *project, int64_t n)
{
	struct entry_visit v = {e, n, 0, NUMBERING_OK};
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = NUMBERING__KIND_BILLING_ENTRY;
	q.order = NUMBERING_RECORD_ORDER_DESCENDING;
	q.parent = project;
	q.has_after = n < INT64_MAX;
	q.after = n + (n < INT64_MAX);
	q.limit = 1;
	int rc = numbering__backend_list(store, &q, entry_visit, &v);
	if (rc == NUMBERING_OK && v.rc == NUMBERING_OK && !v.found) {
		char name[NUMBERING__ENTRY_NAME_SIZE];
		entry_name(name, project, n);
		return numbering__error_set(NUMBERING_DATA_LOSS, "the billing entry %s a request id answers is missing",
		                            name);
	}
	return rc != NUMBERING_OK ? rc : v.rc;
}

struct adjust {
	const char *project;
	const char *currency;
	int64_t amount;
	const char *reason;
	struct numbering__request_id *req; /* NULL for none */
	numbering_billing_entry *out;      /* filled */
};

/* Inside the transaction: the account and the request id are read after begin() took
 * what other processes committed to a shared file store, so an adjustment another
 * process made in between is in the balance this one adds to (read before, the
 * account's check before its put refused this one ABORTED), and a request id it
 * answered is answered again, not applied twice. *@wrote: whether anything was put. */
static int adjust_in(numbering_store *store, struct adjust *j, int *wrote)
{
	struct numbering__account a;
	int rc = numbering__account_load(&a, store, j->project);
	if (rc != NUMBERING_OK)
		return rc;
	if (j->req != NULL) {
		unsigned char answer[NUMBERING__REQUEST_ANSWER_MAX];
		size_t len = 0;
		int seen = 0;
		if ((rc = numbering__request_id_find(store, j->req, &seen, answer, &len)) != NUMBERING_OK)
			return rc;
		if (seen) {
			uint64_t n = 0;
			for (int b = 7; b >= 0; b--)
				n = n << 8 | answer[b];
			if (len != 8 || n < 1 || n > (uint64_t)INT64_MAX)
				return numbering__error_set(NUMBERING_DATA_LOSS, "the record of billing request id %s is damaged",
				                            j->req->id);
			return load_entry(&j->out->e, store, j->project, (int64_t)n);
		}
	}
	if ((rc = numbering__account_check_currency(&a, j->currency, "amount.currencyCode")) != NUMBERING_OK)
		return rc;
	char details[NUMBERING__BILLING_DETAILS_SIZE];
	if (j->amount < 0 && numbering__account_short(&a, j->currency, -j->amount, details, sizeof(details)))
		return numbering__error_field(NUMBERING_FAILED_PRECONDITION, "amount",
		                              "a debit cannot take the balance below what is reserved: %s", details);
	int64_t now = 0;
	if ((rc = numbering__next_time(store, &now)) != NUMBERING_OK)
		return rc;
	struct numbering__entry_in in = {j->currency, j->amount, 0, j->reason, "", NULL, now};
	*wrote = 1;
	rc = numbering__account_post(store, &a, &in, NULL);
	if (rc == NUMBERING_OK && j->req != NULL) {
		unsigned char answer[8];
		for (int b = 0; b < 8; b++)
			answer[b] = (unsigned char)((uint64_t)a.entries >> (8 * b));
		rc = numbering__request_id_put(store, j->req, answer, sizeof(answer));
	}
	if (rc != NUMBERING_OK)
		return rc;
	/* The entry as written, without reading it back. */
	struct entry *e = &j->out->e;
	e->n = a.entries;
	entry_name(e->name, j->project, e->n);
	memcpy(e->f.amount.currency, j->currency, 4);
	e->f.amount.minor = j->amount;
	memcpy(e->f.balance_after.currency, j->currency, 4);
	e->f.balance_after.minor = a.balance;
	e->f.time = now;
	return numbering__fields_set_text(&entry_table, &e->f, "reason", j->reason);
}

/* adjust_in() in one transaction; a request id answered again writes nothing. */
static int adjust_locked(numbering_store *store, struct adjust *j)
{
	int64_t last_time = store->last_time;
	int rc = numbering__begin(store);
	if (rc != NUMBERING_OK)
		return rc;
	int wrote = 0;
	rc = adjust_in(store, j, &wrote);
	if (rc == NUMBERING_OK && !wrote)
		numbering__rollback(store);
	else
		rc = numbering__commit_or_rollback(store, rc);
	if (rc != NUMBERING_OK)
		store->last_time = last_time;
	return rc;
}

int numbering_store_adjust_billing_account(numbering_billing_entry **out, numbering_store *store, const char *caller,
                                           const char *parent, const char *currency, int64_t amount,
                                           const char *reason, const char *request_id)
{
	static const char fn[] = "numbering_store_adjust_billing_account";
	if (out == NULL || store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "%s: %s is NULL", fn, out == NULL ? "out" : "store");
	*out = NULL;
	char project[NUMBERING__PROJECT_SIZE], quoted[NUMBERING__QUOTE_SIZE];
	int rc = numbering__project_of_parent(project, parent, "parent");
	if (rc == NUMBERING_OK)
		rc = numbering__host_call(store, caller, NUMBERING__PERM_BILLING_ADJUST, 1, 1, fn);
	if (rc != NUMBERING_OK)
		return rc;
	const char *c = currency ? currency : "";
	if (!numbering_currency_is_known(c))
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "amount.currencyCode",
		                              "amount.currencyCode \"%s\" is not an ISO 4217 currency code",
		                              numbering__quote(quoted, c, strlen(c)));
	if (amount == 0 || amount == INT64_MIN)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "amount",
		                              "amount %" PRId64 " is not a change of -%" PRId64 " .. %" PRId64 " minor units, 0 "
		                              "excluded",
		                              amount, INT64_MAX, INT64_MAX);
	if (reason == NULL || reason[0] == '\0')
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "reason", "reason is required");
	if ((rc = numbering__validate_text(reason, NUMBERING_BILLING_REASON_MAX, "reason")) != NUMBERING_OK)
		return rc;
	struct numbering__request_id req;
	int with_id = request_id != NULL && request_id[0] != '\0';
	if (with_id) {
		char scope[NUMBERING__REQUEST_SCOPE_SIZE];
		numbering__request_id_scope(scope, project);
		if ((rc = numbering__request_id_init(&req, scope, request_id, ADJUST_MARK, "billing adjustment")) !=
		    NUMBERING_OK)
			return rc;
		numbering__request_id_add_text(&req, project);
		numbering__request_id_add_text(&req, c);
		numbering__request_id_add_int(&req, amount);
		numbering__request_id_add_text(&req, reason);
		numbering__request_id_final(&req);
	}
	numbering_billing_entry *entry = numbering__calloc(1, sizeof(*entry));
	if (entry == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for a billing entry");
	numbering__fields_clear(&entry_table, &entry->e.f);
	struct adjust j = {project, c, amount, reason, with_id ? &req : NULL, entry};
	numbering__rwlock_wrlock(&store->lock);
	rc = adjust_locked(store, &j);
	numbering__rwlock_wrunlock(&store->lock);
	if (rc == NUMBERING_OK)
		rc = numbering__durable(store);
	if (rc != NUMBERING_OK) {
		numbering_billing_entry_free(entry);
		return rc;
	}
	*out = entry;
	return NUMBERING_OK;
}

void numbering_billing_entry_free(numbering_billing_entry *entry)
{
	if (entry == NULL)
		return;
	numbering__fields_clear(&entry_table, &entry->e.f);
	numbering__free_mem(entry);
}

const char *numbering_billing_entry_name(const numbering_billing_entry *entry)
{
	return entry ? entry->e.name : "";
}

int64_t numbering_billing_entry_time(const numbering_billing_entry *entry)
{
	return entry ? entry->e.f.time : 0;
}

const char *numbering_billing_entry_currency(const numbering_billing_entry *entry)
{
	return entry ? entry->e.f.amount.currency : "";
}

int64_t numbering_billing_entry_amount(const numbering_billing_entry *entry)
{
	return entry ? entry->e.f.amount.minor : 0;
}

int64_t numbering_billing_entry_balance_after(const numbering_billing_entry *entry)
{
	return entry ? entry->e.f.balance_after.minor : 0;
}

const char *numbering_billing_entry_reason(const numbering_billing_entry *entry)
{
	return entry && entry->e.f.reason ? entry->e.f.reason : "";
}

const char *numbering_billing_entry_resource(const numbering_billing_entry *entry)
{
	return entry && entry->e.f.resource ? entry->e.f.resource : "";
}

/* ---- Listing ---- */

static void list_digest(unsigned char digest[NUMBERING__TOKEN_DIGEST_BYTES], const char *project)
{
	crypto_generichash_state state;
	crypto_generichash_init(&state, NULL, 0, NUMBERING__TOKEN_DIGEST_BYTES);
	static const char kind[] = "billingEntries";
	crypto_generichash_update(&state, (const unsigned char *)kind, sizeof(kind));
	crypto_generichash_update(&state, (const unsigned char *)project, strlen(project) + 1);
	crypto_generichash_final(&state, digest, NUMBERING__TOKEN_DIGEST_BYTES);
}

struct list_visit {
	numbering_billing_entry_page *page;
	const char *project;
	int want;       /* the page size: one more entry means another page */
	int64_t expect; /* the number of the next entry due: the one below the last listed */
	int more;
	int rc;
	struct walk w;
};

/* A record of entries first .. last: those from min(last, expect) down, as many as the
 * page has room for. Each record's entries follow the previous one's without a gap or
 * an overlap: the ledger is damaged otherwise. */
static int list_visit(const numbering_record *record, void *payload)
{
	struct list_visit *v = payload;
	numbering_billing_entry_page *page = v->page;
	if (page->count == v->want) {
		v->more = 1;
		return NUMBERING__VISIT_STOP;
	}
	struct walk *w = &v->w;
	if ((v->rc = walk_open(w, record)) != NUMBERING_OK)
		return v->rc;
	int64_t last = w->first + (w->count - 1), hi = last;
	if (v->expect >= 0 && last != v->expect) {
		if (last < v->expect)
			v->rc = numbering__error_set(NUMBERING_DATA_LOSS,
			                             "the ledger of %s is damaged: entries %" PRId64 " .. %" PRId64 " are missing",
			                             v->project, last + 1, v->expect);
		else if (page->count > 0)
			v->rc = numbering__error_set(NUMBERING_DATA_LOSS,
			                             "the ledger of %s is damaged: the record of entries %" PRId64 " .. %" PRId64
			                             " overlaps the next one",
			                             v->project, w->first, last);
		if (v->rc != NUMBERING_OK)
			return v->rc;
		hi = v->expect; /* a page token inside the record */
	}
	int64_t room = v->want - page->count;
	int64_t lo = hi - w->first + 1 > room ? hi - room + 1 : w->first;
	for (int64_t m = w->first; m <= hi; m++) {
		if (m > w->first)
			walk_next(w);
		if (m >= lo && (v->rc = walk_entry(&page->items[page->count + (hi - m)].e, w, v->project)) != NUMBERING_OK)
			return v->rc;
	}
	page->count += (int)(hi - lo + 1);
	v->expect = w->first - 1;
	if (lo > w->first) {
		v->more = 1;
		return NUMBERING__VISIT_STOP;
	}
	return 0;
}

int numbering_store_list_billing_entries(numbering_billing_entry_page **out, numbering_store *store,
                                         const char *caller, const char *parent, int page_size,
                                         const char *page_token)
{
	if (out == NULL || store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_list_billing_entries: %s is NULL",
		                            out == NULL ? "out" : "store");
	*out = NULL;
	char project[NUMBERING__PROJECT_SIZE];
	int rc = check_parent(project, store, caller, parent, NUMBERING__PERM_BILLING_ENTRIES_LIST);
	if (rc != NUMBERING_OK)
		return rc;
	if (page_size < 0 || page_size > NUMBERING_BILLING_PAGE_MAX)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "pageSize", "pageSize %d is not 1 to %d", page_size,
		                              NUMBERING_BILLING_PAGE_MAX);
	unsigned char digest[NUMBERING__TOKEN_DIGEST_BYTES];
	list_digest(digest, project);
	int64_t after = 0;
	if (page_token != NULL && page_token[0] != '\0' &&
	    (rc = numbering__token_read(&after, store, page_token, digest, "pageToken", "parent")) != NUMBERING_OK)
		return rc;
	if (page_token != NULL && page_token[0] != '\0' && after < 2) {
		char quoted[NUMBERING__QUOTE_SIZE];
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "pageToken", "pageToken \"%s\" is not a page's",
		                              numbering__quote(quoted, page_token, strlen(page_token)));
	}
	int want = page_size == 0 ? NUMBERING_BILLING_PAGE_DEFAULT : page_size;
	numbering_billing_entry_page *page = numbering__calloc(1, sizeof(*page));
	if (page == NULL || (page->items = numbering__calloc((size_t)want, sizeof(*page->items))) == NULL) {
		numbering__free_mem(page);
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for %d billing entries", want);
	}
	for (int i = 0; i < want; i++)
		numbering__fields_clear(&entry_table, &page->items[i].e.f);
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = NUMBERING__KIND_BILLING_ENTRY;
	q.order = NUMBERING_RECORD_ORDER_DESCENDING;
	q.parent = project;
	q.has_after = after != 0;
	q.after = after;
	q.limit = want + 1;
	struct list_visit *v = numbering__malloc(sizeof(*v));
	if (v == NULL) {
		numbering_billing_entry_page_free(page);
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory listing billing entries");
	}
	v->page = page;
	v->project = project;
	v->want = want;
	v->expect = after != 0 ? after - 1 : -1;
	v->more = 0;
	v->rc = NUMBERING_OK;
	memset(&v->w.f, 0, sizeof(v->w.f));
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	rc = numbering__backend_list(store, &q, list_visit, v);
	numbering__rwlock_rdunlock(&store->lock, slot);
	if (rc == NUMBERING_OK)
		rc = v->rc;
	/* Listed to the oldest: the ledger starts at entry 1. */
	if (rc == NUMBERING_OK && !v->more && v->expect > 0)
		rc = numbering__error_set(NUMBERING_DATA_LOSS,
		                          "the ledger of %s is damaged: entries 1 .. %" PRId64 " are missing", project,
		                          v->expect);
	int more = v->more;
	walk_close(&v->w);
	numbering__free_mem(v);
	if (rc != NUMBERING_OK) {
		numbering_billing_entry_page_free(page);
		return rc;
	}
	/* The cursor is the last entry's number: the next page starts below it. */
	if (more)
		numbering__token_make(page->next_token, store, digest, page->items[page->count - 1].e.n);
	*out = page;
	return NUMBERING_OK;
}

int numbering_billing_entry_page_count(const numbering_billing_entry_page *page)
{
	return page ? page->count : 0;
}

const numbering_billing_entry *numbering_billing_entry_page_item(const numbering_billing_entry_page *page, int i)
{
	return page == NULL || i < 0 || i >= page->count ? NULL : &page->items[i];
}

const char *numbering_billing_entry_page_next_token(const numbering_billing_entry_page *page)
{
	return page ? page->next_token : "";
}

void numbering_billing_entry_page_free(numbering_billing_entry_page *page)
{
	if (page == NULL)
		return;
	for (int i = 0; i < page->count; i++)
		numbering__fields_clear(&entry_table, &page->items[i].e.f);
	numbering__free_mem(page->items);
	numbering__free_mem(page);
}
