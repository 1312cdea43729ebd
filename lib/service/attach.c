/*
 * Voximplant's AttachPhoneNumber, DeactivatePhoneNumber and the host's verification of
 * an attached number (numbering/phone.h, "Attach and deactivate").
 *
 * An attach takes phone_count numbers of one country, category, region and state out
 * of the inventory (or exactly the numbers listed, which must match those too), every
 * one an acquisition (numbering__acquire_in(), service/purchase.h) with its purchase,
 * charge and subscription, all in ONE transaction: a number short or a balance that
 * cannot pay for all attaches nothing. A number whose inventory says
 * supportingDocumentationRequired is attached as a rent of it is (instance PENDING,
 * purchase PROCESSING with its cost reserved) and gets a PHONE record (service/phone.h)
 * with verification_status REQUIRED and unverified_hold_until = the attach time plus
 * numbering_options.unverified_hold_seconds; that record's expiry key is the hold, so
 * numbering_store_process_due() finds what is due (numbering__phone_holds_expire()).
 * The host's numbering_store_verify_phone_number() moves it to IN_PROGRESS or VERIFIED
 * (the purchase completed, the hold cleared).
 *
 * A deactivate gives numbers back, all or nothing: the instance DELETED, the
 * subscription ended (a PROCESSING purchase cancelled, its reserve released), the
 * number back in the inventory with the attributes it was acquired with
 * (numbering__active_give_back()), the PHONE record removed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "model/active.h"
#include "model/available.h"
#include "model/kinds.h"
#include "model/validate.h"
#include "numbering/phone.h"
#include "numbering/purchase.h"
#include "service/active.h"
#include "service/attach.h"
#include "service/backend-call.h"
#include "service/billing.h"
#include "service/commit-or-rollback.h"
#include "service/inventory.h"
#include "service/phone.h"
#include "service/purchase.h"
#include "service/service.h"
#include "service/subscription.h"

#define HOLD_EXPIRED "the verification hold expired: the number was not VERIFIED by its unverified_hold_until"
#define DEACTIVATED "deactivated before its verification (DeactivatePhoneNumber)"

/* One number attached or deactivated. */
struct attached_item {
	char name[NUMBERING__NAME_SIZE];
	char number[NUMBERING_E164_BUFSIZE];
	int64_t phone_id;
	int verification_status;
	int64_t hold_until;
};

struct numbering_attached {
	int count;
	struct attached_item *items;
};

static int out_of_memory(const char *what)
{
	return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for %s", what);
}

/* A number of the inventory, by value. */
struct number {
	int digits;
	uint64_t value;
};

static int number_cmp(const void *x, const void *y)
{
	const struct number *a = x, *b = y;
	if (a->digits != b->digits)
		return a->digits < b->digits ? -1 : 1;
	return a->value < b->value ? -1 : a->value > b->value;
}

static void format_number(char out[NUMBERING_E164_BUFSIZE], const struct number *n)
{
	snprintf(out, NUMBERING_E164_BUFSIZE, "+%0*llu", n->digits, (unsigned long long)n->value);
}

/* ---- The request ---- */

int numbering_attach_request_init(numbering_attach_request *request)
{
	if (request == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "request",
		                              "numbering_attach_request_init: request is NULL");
	numbering_attach_request init = NUMBERING_ATTACH_REQUEST_INIT;
	*request = init;
	return NUMBERING_OK;
}

/* A checked attach request: the filters and the numbers asked for. */
struct attach {
	char project[NUMBERING__PROJECT_SIZE];
	const numbering_attach_request *r;
	int64_t want;            /* how many numbers */
	struct number *numbers;  /* the numbers listed, then the numbers chosen: want of them */
	int64_t available;       /* phone_count: how many match in the inventory */
};

static int check_text(const char *text, size_t max, const char *field)
{
	return numbering__validate_text(text, max, field);
}

static int read_request(struct attach *at, const numbering_attach_request *r)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	if (r == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "request", "the attach request is NULL");
	if (r->version < 1 || r->version > NUMBERING_ATTACH_REQUEST_VERSION)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "version",
		                              "numbering_attach_request version %u is not 1 .. %d", r->version,
		                              NUMBERING_ATTACH_REQUEST_VERSION);
	at->r = r;
	const char *cc = r->country_code;
	if (cc == NULL || cc[0] == '\0')
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "country_code", "country_code is required");
	if (strlen(cc) != 2 || cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z')
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "country_code",
		                              "country_code \"%s\" is not an ISO 3166-1 alpha-2 code (\"US\")",
		                              numbering__quote(quoted, cc, strlen(cc)));
	if (r->phone_category_name == NULL || r->phone_category_name[0] == '\0')
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_category_name",
		                              "phone_category_name is required");
	int rc = check_text(r->phone_category_name, 256, "phone_category_name");
	if (rc == NUMBERING_OK && r->country_state != NULL && r->country_state[0] != '\0')
		rc = check_text(r->country_state, 256, "country_state");
	if (rc != NUMBERING_OK)
		return rc;
	if (r->phone_region_id < 1)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_region_id",
		                              r->phone_region_id == 0 ? "phone_region_id is required"
		                                                      : "phone_region_id %lld is not a region id (1 or more)",
		                              (long long)r->phone_region_id);
	if (r->regulation_address_id < 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "regulation_address_id",
		                              "regulation_address_id %lld is not 0 (none) or an address id",
		                              (long long)r->regulation_address_id);
	int listed = r->phone_numbers != NULL || r->phone_number_count != 0;
	if (listed && r->phone_count != 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_count",
		                              "phone_count and phone_number exclude each other: give one");
	if (!listed) {
		if (r->phone_count == 0)
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_count",
			                              "phone_count or phone_number is required");
		if (r->phone_count < 1 || r->phone_count > NUMBERING_ATTACH_COUNT_MAX)
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_count", "phone_count %lld is not 1 .. %d",
			                              (long long)r->phone_count, NUMBERING_ATTACH_COUNT_MAX);
		at->want = r->phone_count;
		at->numbers = numbering__calloc((size_t)at->want, sizeof(*at->numbers));
		return at->numbers == NULL ? out_of_memory("the numbers to attach") : NUMBERING_OK;
	}
	if (r->phone_numbers == NULL || r->phone_number_count < 1 || r->phone_number_count > NUMBERING_ATTACH_COUNT_MAX)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_number",
		                              "phone_number lists %d numbers: 1 .. %d", r->phone_number_count,
		                              NUMBERING_ATTACH_COUNT_MAX);
	at->want = r->phone_number_count;
	at->numbers = numbering__calloc((size_t)at->want, sizeof(*at->numbers));
	if (at->numbers == NULL)
		return out_of_memory("the numbers to attach");
	for (int i = 0; i < r->phone_number_count; i++) {
		const char *text = r->phone_numbers[i];
		if (text == NULL || text[0] == '\0')
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_number", "phone_number item %d is empty",
			                              i + 1);
		rc = numbering__parse_one_number(&at->numbers[i].digits, &at->numbers[i].value, text, "phone_number");
		if (rc != NUMBERING_OK)
			return rc;
		for (int j = 0; j < i; j++)
			if (number_cmp(&at->numbers[i], &at->numbers[j]) == 0)
				return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_number",
				                              "phone_number lists %s twice",
				                              numbering__quote(quoted, text, strlen(text)));
	}
	return NUMBERING_OK;
}

/* 0 when @n matches the request's filters; else the parameter it fails. */
static const char *mismatch(const struct attach *at, const numbering_available_number *n)
{
	const numbering_attach_request *r = at->r;
	if (strcmp(n->region_code, r->country_code) != 0)
		return "country_code";
	if (n->category_name == NULL || strcmp(n->category_name, r->phone_category_name) != 0)
		return "phone_category_name";
	if (n->region_id != r->phone_region_id)
		return "phone_region_id";
	if (r->country_state != NULL && r->country_state[0] != '\0' &&
	    (n->region == NULL || strcmp(n->region, r->country_state) != 0))
		return "country_state";
	return NULL;
}

/* ---- Choosing the numbers ---- */

struct choose {
	struct attach *at;
	numbering_available_number scratch;
	struct number *found; /* this parent's first ones, up to at->want */
	int64_t count;
	int rc;
};

static int choose_visit(const numbering_record *record, void *payload)
{
	struct choose *c = payload;
	if ((c->rc = numbering__available_from_record(&c->scratch, record)) != NUMBERING_OK)
		return c->rc;
	const numbering_available_number *n = &c->scratch;
	if (mismatch(c->at, n) != NULL || !numbering__available_usable(n, c->at->project))
		return 0;
	uint64_t size = n->last - n->first + 1;
	c->at->available = (uint64_t)c->at->available + size > (uint64_t)INT64_MAX / 2
	                       ? INT64_MAX / 2
	                       : c->at->available + (int64_t)size;
	for (uint64_t x = n->first; x <= n->last && c->count < c->at->want; x++) {
		c->found[c->count].digits = n->digits;
		c->found[c->count].value = x;
		c->count++;
	}
	return 0;
}

/* phone_count: the lowest want numbers matching, over every type of the country, into
 * at->numbers; at->available counts every match. Caller holds the write lock. */
static int choose_numbers(struct attach *at, numbering_store *store)
{
	size_t types = NUMBERING_NUMBER_TYPE_SHARED_RATE;
	struct number *all = numbering__calloc((size_t)at->want * types, sizeof(*all));
	if (all == NULL)
		return out_of_memory("the numbers to attach");
	size_t total = 0;
	int rc = NUMBERING_OK;
	for (int type = NUMBERING_NUMBER_TYPE_LOCAL; type <= NUMBERING_NUMBER_TYPE_SHARED_RATE && rc == NUMBERING_OK;
	     type++) {
		char parent[NUMBERING__AVAILABLE_PARENT_SIZE];
		rc = numbering__available_parent(parent, at->r->country_code, type);
		if (rc != NUMBERING_OK)
			break;
		struct choose c;
		memset(&c, 0, sizeof(c));
		c.at = at;
		c.found = all + total;
		numbering__available_clear(&c.scratch);
		numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
		q.kind = NUMBERING__KIND_AVAILABLE;
		q.order = NUMBERING_RECORD_ORDER_ASCENDING;
		q.parent = parent;
		rc = numbering__backend_list(store, &q, choose_visit, &c);
		if (rc == NUMBERING_OK)
			rc = c.rc;
		numbering__available_clear(&c.scratch);
		total += (size_t)c.count;
	}
	if (rc == NUMBERING_OK) {
		qsort(all, total, sizeof(*all), number_cmp);
		if ((int64_t)total >= at->want)
			memcpy(at->numbers, all, (size_t)at->want * sizeof(*all));
	}
	numbering__free_mem(all);
	return rc;
}

/* phone_number: each number listed is available to the project and matches. */
static int check_listed(struct attach *at, numbering_store *store)
{
	numbering_available_number block;
	memset(&block, 0, sizeof(block));
	numbering__available_clear(&block);
	int rc = NUMBERING_OK;
	for (int64_t i = 0; i < at->want && rc == NUMBERING_OK; i++) {
		char number[NUMBERING_E164_BUFSIZE];
		format_number(number, &at->numbers[i]);
		rc = numbering__inventory_find(&block, store, at->numbers[i].digits, at->numbers[i].value,
		                               at->numbers[i].value);
		if (rc == NUMBERING_OK && !numbering__available_usable(&block, at->project))
			rc = NUMBERING_NOT_FOUND;
		if (rc == NUMBERING_NOT_FOUND) {
			rc = numbering__error_field(NUMBERING_NOT_FOUND, "phone_number", "phone number %s is not available",
			                            number);
			break;
		}
		const char *field = rc == NUMBERING_OK ? mismatch(at, &block) : NULL;
		if (field != NULL) {
			const char *is = strcmp(field, "country_code") == 0          ? block.region_code
			                 : strcmp(field, "phone_category_name") == 0 ? block.category_name
			                 : strcmp(field, "country_state") == 0       ? block.region
			                                                             : NULL;
			if (is == NULL && strcmp(field, "phone_region_id") == 0)
				rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
				                            "%s is in region %lld, not phone_region_id %lld", number,
				                            (long long)block.region_id, (long long)at->r->phone_region_id);
			else
				rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "%s has %s \"%s\", not the one asked for",
				                            number, field, is != NULL ? is : "");
		}
	}
	numbering__available_clear(&block);
	return rc;
}

/* What the numbers cost together, checked against the balance: FAILED_PRECONDITION
 * naming account_id with needed and available. Caller holds the write lock. */
static int check_balance(struct attach *at, numbering_store *store)
{
	numbering_available_number block, one;
	memset(&block, 0, sizeof(block));
	memset(&one, 0, sizeof(one));
	numbering__available_clear(&block);
	numbering__available_clear(&one);
	struct numbering__account acc;
	int rc = numbering__account_load(&acc, store, at->project);
	char currency[4] = "";
	int64_t total = 0;
	for (int64_t i = 0; i < at->want && rc == NUMBERING_OK; i++) {
		struct number *n = &at->numbers[i];
		struct numbering__money cost;
		rc = numbering__inventory_find(&block, store, n->digits, n->value, n->value);
		if (rc == NUMBERING_OK)
			rc = numbering__available_assign(&one, &block);
		if (rc == NUMBERING_OK) {
			numbering__available_set_interval(&one, n->digits, n->value, n->value);
			rc = numbering__acquisition_cost(&cost, &one);
		}
		if (rc != NUMBERING_OK || cost.currency[0] == '\0' || cost.minor == 0)
			continue;
		rc = numbering__account_check_currency(&acc, cost.currency, "account_id");
		if (rc == NUMBERING_OK && currency[0] != '\0' && strcmp(currency, cost.currency) != 0)
			rc = numbering__error_field(NUMBERING_FAILED_PRECONDITION, "account_id",
			                            "the numbers are priced in %s and %s: an account pays in one currency",
			                            currency, cost.currency);
		if (rc == NUMBERING_OK && __builtin_add_overflow(total, cost.minor, &total))
			rc = numbering__error_field(NUMBERING_OUT_OF_RANGE, "phone_count",
			                            "the numbers together cost more than an amount can hold");
		memcpy(currency, cost.currency, 4);
	}
	char details[NUMBERING__BILLING_DETAILS_SIZE];
	if (rc == NUMBERING_OK && currency[0] != '\0' &&
	    numbering__account_short(&acc, currency, total, details, sizeof(details)))
		rc = numbering__error_field(NUMBERING_FAILED_PRECONDITION, "account_id",
		                            "%s cannot pay for the %lld numbers to attach (setup and the first period "
		                            "of each): %s; nothing was attached",
		                            at->project, (long long)at->want, details);
	numbering__available_clear(&block);
	numbering__available_clear(&one);
	return rc;
}

/* ---- Attach ---- */

struct attach_ctx {
	const struct attach *at;
	struct attached_item *item;
};

/* The acquire_cb of an attach: the purchase (as a rent's), then the PHONE record when
 * the number needs documents or an address was given. */
static int attached(numbering_store *store, numbering_active_number *a, const numbering_available_number *stock,
                    int64_t now, void *payload)
{
	struct attach_ctx *c = payload;
	int rc = numbering__purchase_for_rent(store, a, stock, now, NULL);
	if (rc != NUMBERING_OK)
		return rc;
	struct numbering__phone p;
	memset(&p, 0, sizeof(p));
	numbering__phone_clear(&p);
	p.regulation_address_id = c->at->r->regulation_address_id;
	if (stock->supporting_documentation_required) {
		p.verification_status = NUMBERING__VERIFICATION_REQUIRED;
		/* A hold past the last time a store records ends at that time: the PHONE
		 * record takes no later one, and refusing it failed the whole attach. */
		if (__builtin_add_overflow(now, store->unverified_hold, &p.hold_until) ||
		    p.hold_until > NUMBERING__TIME_MAX)
			p.hold_until = NUMBERING__TIME_MAX;
	}
	rc = numbering__phone_put(store, &p, a->instance);
	struct attached_item *item = c->item;
	snprintf(item->name, sizeof(item->name), "%s", numbering_instance_name(a->instance));
	snprintf(item->number, sizeof(item->number), "%s", numbering_instance_phone_number(a->instance));
	item->phone_id = numbering_instance_phone_id(a->instance);
	item->verification_status = (int)p.verification_status;
	item->hold_until = p.hold_until;
	numbering__phone_clear(&p);
	return rc;
}

/* Under the write lock: chooses or checks the numbers, the balance, then acquires
 * every one in one transaction. */
static int attach_locked(numbering_attached *out, struct attach *at, numbering_store *store)
{
	/* The numbers are chosen, checked and paid for inside the transaction: after
	 * begin() took what other processes committed to a shared file store, so a number
	 * another process rented meanwhile is not chosen (the next one is). */
	int64_t last_time = store->last_time;
	int rc = numbering__begin(store);
	if (rc != NUMBERING_OK)
		return rc;
	if (at->r->phone_numbers == NULL) {
		rc = choose_numbers(at, store);
		if (rc == NUMBERING_OK && at->available < at->want)
			rc = numbering__error_field(
			    NUMBERING_FAILED_PRECONDITION, "phone_count",
			    "phone_count %lld: only %lld numbers of %s, category %s, region %lld%s%s are available; "
			    "nothing was attached",
			    (long long)at->want, (long long)at->available, at->r->country_code, at->r->phone_category_name,
			    (long long)at->r->phone_region_id,
			    at->r->country_state && at->r->country_state[0] ? ", state " : "",
			    at->r->country_state && at->r->country_state[0] ? at->r->country_state : "");
	} else {
		rc = check_listed(at, store);
	}
	if (rc == NUMBERING_OK)
		rc = check_balance(at, store);
	if (rc == NUMBERING_OK)
		rc = numbering__check_room(store, at->want);
	if (rc != NUMBERING_OK) {
		numbering__rollback(store);
		return rc;
	}
	numbering_available_number block;
	memset(&block, 0, sizeof(block));
	numbering__available_clear(&block);
	for (int64_t i = 0; i < at->want && rc == NUMBERING_OK; i++) {
		numbering_active_number *a = NULL;
		struct number *n = &at->numbers[i];
		/* Read anew: the number before may have split the same block (the
		 * transaction reads its own writes). */
		rc = numbering__inventory_find(&block, store, n->digits, n->value, n->value);
		if (rc == NUMBERING_NOT_FOUND) {
			char number[NUMBERING_E164_BUFSIZE];
			format_number(number, n);
			rc = numbering__error_field(NUMBERING_NOT_FOUND, "phone_number", "phone number %s is not available",
			                            number);
		}
		if (rc == NUMBERING_OK)
			rc = numbering__active_new(&a, at->project);
		struct attach_ctx ctx = {at, &out->items[i]};
		if (rc == NUMBERING_OK)
			rc = numbering__acquire_in(a, store, at->project, &block, n->value, NULL, attached, &ctx);
		if (rc == NUMBERING_OK)
			out->count++;
		numbering_active_number_free(a);
	}
	numbering__available_clear(&block);
	rc = numbering__commit_or_rollback(store, rc);
	if (rc != NUMBERING_OK) {
		store->last_time = last_time;
		out->count = 0;
	}
	return rc;
}

int numbering_store_attach_phone_numbers(numbering_attached **out, numbering_store *store, const char *caller,
                                         const char *project, const numbering_attach_request *request)
{
	if (out == NULL || store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_attach_phone_numbers: %s is NULL",
		                            out == NULL ? "out" : "store");
	*out = NULL;
	struct attach at;
	memset(&at, 0, sizeof(at));
	int rc = numbering__project_of_parent(at.project, project, "account_id");
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_PHONE_ATTACH, at.project);
	if (rc == NUMBERING_OK)
		rc = read_request(&at, request);
	if (rc == NUMBERING_OK)
		rc = numbering_store_process_due(NULL, store);
	numbering_attached *result = NULL;
	if (rc == NUMBERING_OK) {
		result = numbering__calloc(1, sizeof(*result));
		if (result == NULL || (result->items = numbering__calloc((size_t)at.want, sizeof(*result->items))) == NULL)
			rc = out_of_memory("the numbers attached");
	}
	if (rc == NUMBERING_OK) {
		numbering__rwlock_wrlock(&store->lock);
		rc = attach_locked(result, &at, store);
		numbering__rwlock_wrunlock(&store->lock);
		if (rc == NUMBERING_OK)
			rc = numbering__durable(store);
	}
	numbering__free_mem(at.numbers);
	if (rc != NUMBERING_OK) {
		numbering_attached_free(result);
		return rc;
	}
	for (int i = 0; i < result->count; i++)
		numbering__emit(store, "phoneNumberInstance.created", result->items[i].name);
	*out = result;
	return NUMBERING_OK;
}

int numbering_attached_count(const numbering_attached *attached)
{
	return attached == NULL ? 0 : attached->count;
}

static const struct attached_item *item_at(const numbering_attached *attached, int i)
{
	return attached == NULL || i < 0 || i >= attached->count ? NULL : &attached->items[i];
}

const char *numbering_attached_phone_number(const numbering_attached *attached, int i)
{
	const struct attached_item *item = item_at(attached, i);
	return item == NULL ? "" : item->number;
}

const char *numbering_attached_instance(const numbering_attached *attached, int i)
{
	const struct attached_item *item = item_at(attached, i);
	return item == NULL ? "" : item->name;
}

int64_t numbering_attached_phone_id(const numbering_attached *attached, int i)
{
	const struct attached_item *item = item_at(attached, i);
	return item == NULL ? 0 : item->phone_id;
}

int numbering_attached_verification_status(const numbering_attached *attached, int i)
{
	const struct attached_item *item = item_at(attached, i);
	return item == NULL ? 0 : item->verification_status;
}

int64_t numbering_attached_unverified_hold_until(const numbering_attached *attached, int i)
{
	const struct attached_item *item = item_at(attached, i);
	return item == NULL ? 0 : item->hold_until;
}

void numbering_attached_free(numbering_attached *attached)
{
	if (attached == NULL)
		return;
	numbering__free_mem(attached->items);
	numbering__free_mem(attached);
}

/* ---- Giving a number back ---- */

/*
 * Inside a transaction at @now: the live instance in @a (loaded with its ACTIVE record)
 * is given back: its PROCESSING purchase settled @to (FAILED for an expired hold,
 * CANCELLED for a deactivate) with @details, or, paid, its number returned and its
 * subscription ended; its PHONE record goes.
 */
static int give_back(numbering_store *store, numbering_active_number *a, const char *project, int to,
                     const char *details, int64_t now)
{
	int found = 0;
	int rc = numbering__purchase_settle(store, a, project, to, details, now, &found);
	if (rc == NUMBERING_OK && !found) {
		char active[NUMBERING__ACTIVE_NAME_SIZE];
		numbering__active_name(active, project, a->instance->digits, a->instance->first);
		rc = numbering__active_give_back(store, a, active, now);
	}
	/* Its subscription ends with it (a PROCESSING purchase started none). */
	if (rc == NUMBERING_OK)
		rc = numbering__subscription_end(store, numbering_instance_name(a->instance));
	if (rc == NUMBERING_OK)
		rc = numbering__phone_remove(store, numbering_instance_name(a->instance));
	return rc;
}

/* "projects/p" of an instance name into @project: 0 when it is none. */
static int project_of(char project[NUMBERING__PROJECT_SIZE], const char *name)
{
	const char *c = strstr(name, "/phoneNumberInstances/");
	if (c == NULL || (size_t)(c - name) >= NUMBERING__PROJECT_SIZE)
		return 0;
	memcpy(project, name, (size_t)(c - name));
	project[c - name] = '\0';
	return 1;
}

/* ---- Deactivate ---- */

struct deactivate {
	char project[NUMBERING__PROJECT_SIZE];
	char (*names)[NUMBERING__NAME_SIZE]; /* the instances, each once */
	int count, cap;
};

/* Adds @name unless @unique says it cannot be there yet (a listing names each once). */
static int add_name(struct deactivate *d, const char *name, int unique)
{
	for (int i = 0; !unique && i < d->count; i++)
		if (strcmp(d->names[i], name) == 0)
			return NUMBERING_OK;
	if (d->count == d->cap) {
		int cap = d->cap == 0 ? 16 : d->cap * 2;
		void *grown = numbering__realloc(d->names, (size_t)cap * sizeof(*d->names));
		if (grown == NULL)
			return out_of_memory("the numbers to deactivate");
		d->names = grown;
		d->cap = cap;
	}
	snprintf(d->names[d->count++], NUMBERING__NAME_SIZE, "%s", name);
	return NUMBERING_OK;
}

static int all_visit(const numbering_record *record, void *payload)
{
	return add_name(payload, record->name, 1);
}

/* The same answer for an id that does not exist and another account's: never reveal. */
static int no_phone_id(const struct deactivate *d, int64_t id)
{
	return numbering__error_field(NUMBERING_NOT_FOUND, "phone_id", "phone_id %lld is not a number of %s",
	                              (long long)id, d->project);
}

/* Under the write lock: the instances named by the selection into @d. */
static int select_locked(struct deactivate *d, numbering_store *store, const int64_t *phone_ids, int phone_id_count,
                         int all, const char *const *phone_numbers, int phone_number_count)
{
	int rc = NUMBERING_OK;
	if (all) {
		numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
		q.kind = NUMBERING__KIND_INSTANCE;
		q.parent = d->project;
		q.listed_only = 1; /* the live ones */
		return numbering__backend_list(store, &q, all_visit, d);
	}
	for (int i = 0; i < phone_id_count && rc == NUMBERING_OK; i++) {
		numbering_instance *in = NULL;
		char project[NUMBERING__PROJECT_SIZE];
		rc = numbering__phone_find(store, d->project, phone_ids[i], &in);
		if (rc == NUMBERING_NOT_FOUND ||
		    (rc == NUMBERING_OK && (!project_of(project, numbering_instance_name(in)) ||
		                            strcmp(project, d->project) != 0 ||
		                            numbering_instance_lifecycle_state(in) == NUMBERING_LIFECYCLE_DELETED)))
			rc = no_phone_id(d, phone_ids[i]);
		if (rc == NUMBERING_OK)
			rc = add_name(d, numbering_instance_name(in), 0);
		numbering_instance_free(in);
	}
	numbering_active_number *a = NULL;
	if (rc == NUMBERING_OK && phone_number_count > 0)
		rc = numbering__active_new(&a, d->project);
	for (int i = 0; i < phone_number_count && rc == NUMBERING_OK; i++) {
		int digits = 0;
		uint64_t value = 0;
		rc = numbering__parse_one_number(&digits, &value, phone_numbers[i], "phone_number");
		if (rc == NUMBERING_OK)
			rc = numbering__active_load(a, store, d->project, digits, value);
		if (rc == NUMBERING_NOT_FOUND)
			rc = numbering__error_field(NUMBERING_NOT_FOUND, "phone_number", "phone number +%0*llu is not a number of %s",
			                            digits, (unsigned long long)value, d->project);
		if (rc == NUMBERING_OK)
			rc = add_name(d, numbering_instance_name(a->instance), 0);
	}
	numbering_active_number_free(a);
	return rc;
}

/* Under the write lock: every selected instance given back, in one transaction. */
static int deactivate_locked(struct deactivate *d, numbering_store *store)
{
	if (d->count == 0)
		return NUMBERING_OK;
	numbering_active_number *a = NULL;
	int rc = numbering__active_new(&a, d->project);
	if (rc != NUMBERING_OK)
		return rc;
	int64_t last_time = store->last_time;
	if ((rc = numbering__begin(store)) != NUMBERING_OK) {
		numbering_active_number_free(a);
		return rc;
	}
	for (int i = 0; i < d->count && rc == NUMBERING_OK; i++) {
		int64_t now = 0;
		rc = numbering__backend_get(store, a->instance, d->names[i]);
		if (rc == NUMBERING_OK)
			rc = numbering__active_read(store, a, d->project);
		if (rc == NUMBERING_OK)
			rc = numbering__next_time(store, &now);
		if (rc == NUMBERING_OK)
			rc = give_back(store, a, d->project, NUMBERING_PURCHASE_CANCELLED, DEACTIVATED, now);
	}
	rc = numbering__commit_or_rollback(store, rc);
	if (rc != NUMBERING_OK)
		store->last_time = last_time;
	numbering_active_number_free(a);
	return rc;
}

int numbering_store_deactivate_phone_numbers(int64_t *deactivated, numbering_store *store, const char *caller,
                                             const char *project, const int64_t *phone_ids, int phone_id_count,
                                             int all, const char *const *phone_numbers, int phone_number_count)
{
	if (deactivated != NULL)
		*deactivated = 0;
	if (store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_deactivate_phone_numbers: store is NULL");
	struct deactivate d;
	memset(&d, 0, sizeof(d));
	int rc = numbering__project_of_parent(d.project, project, "account_id");
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_PHONE_DEACTIVATE, d.project);
	int ids = phone_id_count > 0 || phone_ids != NULL || all, numbers = phone_number_count > 0 || phone_numbers != NULL;
	if (rc == NUMBERING_OK && ids && numbers)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_number",
		                            "phone_id and phone_number exclude each other: give one");
	else if (rc == NUMBERING_OK && !ids && !numbers)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_id", "phone_id or phone_number is required");
	else if (rc == NUMBERING_OK && !all && ids &&
	         (phone_ids == NULL || phone_id_count < 1 || phone_id_count > NUMBERING_PHONE_LIST_MAX))
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_id", "phone_id lists %d ids: 1 .. %d",
		                            phone_id_count, NUMBERING_PHONE_LIST_MAX);
	else if (rc == NUMBERING_OK && all && phone_id_count != 0)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_id", "phone_id is 'all' or a list, not both");
	else if (rc == NUMBERING_OK && numbers &&
	         (phone_numbers == NULL || phone_number_count < 1 || phone_number_count > NUMBERING_PHONE_LIST_MAX))
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_number", "phone_number lists %d numbers: 1 .. %d",
		                            phone_number_count, NUMBERING_PHONE_LIST_MAX);
	for (int i = 0; rc == NUMBERING_OK && !all && i < phone_id_count; i++)
		if (phone_ids[i] < 1)
			rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_id", "phone_id %lld is not 1 or more",
			                            (long long)phone_ids[i]);
	for (int i = 0; rc == NUMBERING_OK && i < phone_number_count; i++) {
		int digits = 0;
		uint64_t value = 0;
		if (phone_numbers[i] == NULL)
			rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_number", "phone_number item %d is NULL",
			                            i + 1);
		else
			rc = numbering__parse_one_number(&digits, &value, phone_numbers[i], "phone_number");
	}
	if (rc == NUMBERING_OK)
		rc = numbering_store_process_due(NULL, store);
	if (rc == NUMBERING_OK) {
		numbering__rwlock_wrlock(&store->lock);
		rc = select_locked(&d, store, all ? NULL : phone_ids, all ? 0 : phone_id_count, all, phone_numbers,
		                   phone_number_count);
		if (rc == NUMBERING_OK)
			rc = deactivate_locked(&d, store);
		numbering__rwlock_wrunlock(&store->lock);
		if (rc == NUMBERING_OK)
			rc = numbering__durable(store);
	}
	if (rc == NUMBERING_OK) {
		for (int i = 0; i < d.count; i++)
			numbering__emit(store, "phoneNumberInstance.deleted", d.names[i]);
		if (deactivated != NULL)
			*deactivated = d.count;
	}
	numbering__free_mem(d.names);
	return rc;
}

/* ---- Verification ---- */

static const char *status_name(int64_t status)
{
	switch (status) {
	case NUMBERING__VERIFICATION_REQUIRED:
		return "REQUIRED";
	case NUMBERING__VERIFICATION_IN_PROGRESS:
		return "IN_PROGRESS";
	case NUMBERING__VERIFICATION_VERIFIED:
		return "VERIFIED";
	default:
		return "none";
	}
}

/* Under the write lock: the instance @name (live, checked) moves to @status. */
static int verify_locked(numbering_store *store, numbering_active_number *a, const char *what, int status,
                         const char *verification_name)
{
	char project[NUMBERING__PROJECT_SIZE];
	const char *name = numbering_instance_name(a->instance);
	if (!project_of(project, name))
		return numbering__error_field(NUMBERING_NOT_FOUND, "phone_id", "%s is not a phone number instance", what);
	struct numbering__phone p;
	memset(&p, 0, sizeof(p));
	int rc = numbering__active_read(store, a, project);
	if (rc == NUMBERING_OK)
		rc = numbering__phone_load(&p, store, a->instance);
	if (rc == NUMBERING_OK && p.verification_status != NUMBERING__VERIFICATION_REQUIRED &&
	    p.verification_status != NUMBERING__VERIFICATION_IN_PROGRESS)
		rc = numbering__error_field(NUMBERING_FAILED_PRECONDITION, "verification_status",
		                            "%s has verification_status %s: only a number REQUIRED or IN_PROGRESS is "
		                            "verified",
		                            what, status_name(p.verification_status));
	if (rc == NUMBERING_OK && verification_name != NULL && verification_name[0] != '\0')
		rc = numbering__phone_set_text(&p, "verification_name", verification_name);
	int64_t last_time = store->last_time, now = 0;
	if (rc == NUMBERING_OK)
		rc = numbering__next_time(store, &now);
	if (rc == NUMBERING_OK && (rc = numbering__begin(store)) == NUMBERING_OK) {
		p.verification_status = status;
		if (status == NUMBERING__VERIFICATION_VERIFIED) {
			p.hold_until = 0;
			rc = numbering__purchase_settle(store, a, project, NUMBERING_PURCHASE_COMPLETED, NULL, now, NULL);
			/* A purchase the host completed already: the instance only becomes ACTIVE. */
			if (rc == NUMBERING_OK && a->instance->lifecycle_state == NUMBERING_LIFECYCLE_PENDING) {
				a->instance->lifecycle_state = NUMBERING_LIFECYCLE_ACTIVE;
				a->instance->activate_time = now;
				rc = numbering__backend_put(store, a->instance);
			}
		}
		if (rc == NUMBERING_OK)
			rc = numbering__phone_put(store, &p, a->instance);
		rc = numbering__commit_or_rollback(store, rc);
	}
	if (rc != NUMBERING_OK)
		store->last_time = last_time;
	numbering__phone_clear(&p);
	return rc;
}

int numbering_store_verify_phone_number(numbering_store *store, const char *caller, const char *project,
                                        int64_t phone_id, const char *phone_number, int verification_status,
                                        const char *verification_name)
{
	const char *fn = "numbering_store_verify_phone_number";
	char checked[NUMBERING__PROJECT_SIZE];
	int rc = numbering__host_call(store, caller, NUMBERING__PERM_PHONE_VERIFY, 1, 1, fn);
	if (rc == NUMBERING_OK)
		rc = numbering__project_of_parent(checked, project, "account_id");
	if (rc != NUMBERING_OK)
		return rc;
	int by_number = phone_number != NULL && phone_number[0] != '\0';
	int digits = 0;
	uint64_t value = 0;
	if (phone_id != 0 && by_number)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_number",
		                              "phone_id and phone_number exclude each other: give one");
	if (phone_id == 0 && !by_number)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_id", "phone_id or phone_number is required");
	if (phone_id < 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_id", "phone_id %lld is not 1 or more",
		                              (long long)phone_id);
	if (by_number && (rc = numbering__parse_one_number(&digits, &value, phone_number, "phone_number")) != NUMBERING_OK)
		return rc;
	if (verification_status != NUMBERING__VERIFICATION_IN_PROGRESS &&
	    verification_status != NUMBERING__VERIFICATION_VERIFIED)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "verification_status",
		                              "verification_status %d is not NUMBERING_VERIFICATION_IN_PROGRESS (2) or "
		                              "NUMBERING_VERIFICATION_VERIFIED (3)",
		                              verification_status);
	if (verification_name != NULL && verification_name[0] != '\0' &&
	    (rc = numbering__validate_text(verification_name, 256, "verification_name")) != NUMBERING_OK)
		return rc;
	rc = numbering_store_process_due(NULL, store);
	numbering_active_number *a = NULL;
	if (rc == NUMBERING_OK)
		rc = numbering__active_new(&a, checked);
	if (rc != NUMBERING_OK)
		return rc;
	char what[64], name[NUMBERING__NAME_SIZE] = "";
	if (by_number)
		snprintf(what, sizeof(what), "phone number +%0*llu", digits, (unsigned long long)value);
	else
		snprintf(what, sizeof(what), "phone_id %lld", (long long)phone_id);
	numbering__rwlock_wrlock(&store->lock);
	if (by_number) {
		rc = numbering__active_load(a, store, checked, digits, value);
	} else {
		numbering_instance *in = NULL;
		rc = numbering__phone_find(store, checked, phone_id, &in);
		if (rc == NUMBERING_OK)
			rc = numbering__backend_get(store, a->instance, numbering_instance_name(in));
		numbering_instance_free(in);
	}
	if (rc == NUMBERING_NOT_FOUND ||
	    (rc == NUMBERING_OK && numbering_instance_lifecycle_state(a->instance) == NUMBERING_LIFECYCLE_DELETED))
		rc = numbering__error_field(NUMBERING_NOT_FOUND, by_number ? "phone_number" : "phone_id",
		                            "%s is not a number of %s", what, checked);
	if (rc == NUMBERING_OK) {
		snprintf(name, sizeof(name), "%s", numbering_instance_name(a->instance));
		rc = verify_locked(store, a, what, verification_status, verification_name);
	}
	numbering__rwlock_wrunlock(&store->lock);
	if (rc == NUMBERING_OK)
		rc = numbering__durable(store);
	if (rc == NUMBERING_OK && verification_status == NUMBERING__VERIFICATION_VERIFIED)
		numbering__emit(store, "phoneNumberInstance.activated", name);
	numbering_active_number_free(a);
	return rc;
}

/* ---- The holds that expired ---- */

/* Inside the expiry run's transaction: the PHONE record @name's hold expired. Its
 * instance, when still live and not VERIFIED, is given back (the purchase FAILED);
 * the record goes. @deleted gets the instance's name when one was given back. */
static int expire_one(numbering_store *store, numbering_active_number *a, const char *name,
                      char deleted[NUMBERING__NAME_SIZE])
{
	deleted[0] = '\0';
	char project[NUMBERING__PROJECT_SIZE];
	int live = 0;
	int rc = numbering__backend_get(store, a->instance, name);
	if (rc == NUMBERING_NOT_FOUND)
		rc = NUMBERING_OK;
	else if (rc == NUMBERING_OK)
		live = numbering_instance_lifecycle_state(a->instance) != NUMBERING_LIFECYCLE_DELETED &&
		       project_of(project, name);
	if (rc == NUMBERING_OK && live)
		rc = numbering__active_read(store, a, project);
	int64_t now = 0;
	if (rc == NUMBERING_OK && live)
		rc = numbering__next_time(store, &now);
	if (rc == NUMBERING_OK)
		rc = live ? give_back(store, a, project, NUMBERING_PURCHASE_FAILED, HOLD_EXPIRED, now)
		          : numbering__phone_remove(store, name);
	if (rc == NUMBERING_OK && live)
		snprintf(deleted, NUMBERING__NAME_SIZE, "%s", name);
	return rc;
}

int numbering__phone_holds_expire(numbering_store *store, int64_t now, int64_t *cancelled)
{
	*cancelled = 0;
	return numbering__expire_due(store, NUMBERING__KIND_PHONE, now, expire_one, cancelled,
	                             "for the verification holds due");
}
