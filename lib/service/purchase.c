/*
 * Purchases (numbering/purchase.h): the schema seed's PhoneNumberPurchase and its
 * status machine, and the cost of an acquisition.
 *
 * Record PHONE_NUMBER_PURCHASE (docs/RECORDS.md): name "{project}/phoneNumberPurchases/{id}",
 * parent the project, sort key its create time (a store time: unique, so newest first
 * is descending), key 0 the status name (the status filter); the attributes of
 * model/purchase-fields.h.
 *
 * Every acquisition goes through numbering__acquire_in() (rent.c): the number leaves the
 * inventory and its instance and ACTIVE record are put; start_locked() below then
 * writes the purchase and reserves its cost, and completes it at once unless the
 * number needs documents, all in that one transaction.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "core/alloc.h"
#include "core/error.h"
#include "e164/format.h"
#include "model/kinds.h"
#include "model/purchase-fields.h"
#include "model/validate.h"
#include "numbering/purchase.h"
#include "service/active.h"
#include "service/backend-call.h"
#include "service/billing.h"
#include "service/commit-or-rollback.h"
#include "service/inventory.h"
#include "service/purchase.h"
#include "service/request-id.h"
#include "service/service.h"
#include "service/subscription.h"

#define COLLECTION "/phoneNumberPurchases/"
#define ID_SIZE 17
#define PAGE_DEFAULT 10
#define PAGE_MAX 1000
#define CANCELLED_DETAILS "cancelled by the buyer"

struct purchase_fields {
	NUMBERING__FIELDS_MEMBERS(NUMBERING__PURCHASE_FIELDS)
};

#define DESCRIBE(id, type, json, limit, dflt) NUMBERING__FIELD_ROW(struct purchase_fields, id, type, json, limit, dflt)
static const struct numbering__field purchase_rows[] = {NUMBERING__PURCHASE_FIELDS(DESCRIBE)};
NUMBERING__FIELDS_FUNCTIONS(purchase, struct purchase_fields, "phone number purchase", NUMBERING__PURCHASE_FIELDS)
static const struct numbering__fields purchase_table = {purchase_rows, sizeof(purchase_rows) / sizeof(purchase_rows[0]),
                                                        "phone number purchase", purchase_encode, purchase_clear};

/* The attributes as numbering__fields_clear() leaves them, for an object with no text
 * to free yet (a new purchase): one copy instead of a walk of the table's rows. */
#define BLANK_TEXT(dflt) NULL
#define BLANK_INT(dflt) (dflt)
#define BLANK_TIME(dflt) 0
#define BLANK_MONEY(dflt) {{0}, 0}
#define BLANK(id, type, json, limit, dflt) .id = BLANK_##type(dflt),
static const struct purchase_fields blank_fields = {NUMBERING__PURCHASE_FIELDS(BLANK)};

struct numbering_purchase {
	char id[ID_SIZE];
	char name[NUMBERING__NAME_SIZE];
	char project[NUMBERING__PROJECT_SIZE];
	struct purchase_fields f;
};

struct numbering_purchase_page {
	int count;
	numbering_purchase *items;
	char next_token[NUMBERING__TOKEN_TEXT_MAX];
};

/* ---- What an acquisition costs ---- */

/* What a number of @n's prices costs: setup plus the first interval's monthly price;
 * @number names it in the messages. */
static int cost_of(struct numbering__money *out, const numbering_available_number *n, const char *number)
{
	memset(out, 0, sizeof(*out));
	const struct numbering__money *setup = &n->setup_price, *monthly = &n->monthly_price;
	if (setup->currency[0] != '\0' && monthly->currency[0] != '\0' && strcmp(setup->currency, monthly->currency) != 0)
		return numbering__error_field(NUMBERING_FAILED_PRECONDITION, "monthlyPrice",
		                              "%s: setupPrice is in %s and monthlyPrice in %s: one number's prices are in "
		                              "one currency",
		                              number, setup->currency, monthly->currency);
	int64_t months = n->payment_interval_months < 1 ? 1 : n->payment_interval_months;
	int64_t total = 0, first = 0;
	if (monthly->currency[0] != '\0' &&
	    (monthly->minor < 0 || __builtin_mul_overflow(monthly->minor, months, &first)))
		goto overflow;
	if (setup->currency[0] != '\0' && (setup->minor < 0 || __builtin_add_overflow(first, setup->minor, &total)))
		goto overflow;
	if (setup->currency[0] == '\0')
		total = first;
	const char *currency = setup->currency[0] != '\0' ? setup->currency : monthly->currency;
	memcpy(out->currency, currency, 4);
	out->minor = total;
	return NUMBERING_OK;
overflow:
	return numbering__error_field(NUMBERING_OUT_OF_RANGE, "monthlyPrice",
	                              "%s: setupPrice + monthlyPrice x %lld months is more than an amount can hold",
	                              number, (long long)months);
}

int numbering__acquisition_cost(struct numbering__money *out, const numbering_available_number *n)
{
	return cost_of(out, n, n->phone_number);
}

/* ---- Statuses ---- */

static const char *const status_names[] = {"", "PENDING", "PROCESSING", "COMPLETED", "FAILED", "CANCELLED"};
#define STATUS_COUNT ((int)(sizeof(status_names) / sizeof(status_names[0])))

const char *numbering_purchase_status_name(int status)
{
	return status > 0 && status < STATUS_COUNT ? status_names[status] : "";
}

int numbering_purchase_status_parse(int *status, const char *name)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	if (status == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "status", "numbering_purchase_status_parse: status is NULL");
	for (int i = 1; name != NULL && i < STATUS_COUNT; i++)
		if (strcmp(name, status_names[i]) == 0) {
			*status = i;
			return NUMBERING_OK;
		}
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "status",
	                              "status \"%s\" is not PENDING, PROCESSING, COMPLETED, FAILED or CANCELLED",
	                              name ? numbering__quote(quoted, name, strlen(name)) : "(null)");
}

/* The status machine: PENDING -> PROCESSING -> COMPLETED | FAILED; PENDING | PROCESSING
 * -> CANCELLED. */
static int may_become(int from, int to)
{
	switch (from) {
	case NUMBERING_PURCHASE_PENDING:
		return to == NUMBERING_PURCHASE_PROCESSING || to == NUMBERING_PURCHASE_CANCELLED;
	case NUMBERING_PURCHASE_PROCESSING:
		return to == NUMBERING_PURCHASE_COMPLETED || to == NUMBERING_PURCHASE_FAILED ||
		       to == NUMBERING_PURCHASE_CANCELLED;
	default:
		return 0;
	}
}

static int check_transition(const numbering_purchase *p, int to)
{
	if (may_become((int)p->f.status, to))
		return NUMBERING_OK;
	return numbering__error_field(NUMBERING_FAILED_PRECONDITION, "status", "purchase %s is %s: it cannot become %s",
	                              p->name, numbering_purchase_status_name((int)p->f.status),
	                              numbering_purchase_status_name(to));
}

/* ---- Records ---- */

static int damaged(const numbering_record *record, const char *field, const char *problem)
{
	return numbering__record_damaged(record, "purchase ", field, problem);
}

/* Text the library made or has checked (a name, a number it formatted, a country code
 * of two capitals), into the attribute @slot: copied with its length, not validated
 * again (numbering__fields_set_text() looks the row up and scans the text for its
 * checks: ~650 instructions for an instance's name, on every create). Each is far
 * within its row's limit (model/purchase-fields.h). */
static int set_made(char **slot, const char *value, size_t len, const char *field)
{
	char *copy = numbering__strndup(value, len);
	if (copy == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for %s", field);
	numbering__free_mem(*slot);
	*slot = copy;
	return NUMBERING_OK;
}

/* "projects/p/phoneNumberPurchases/{id}" into its project and id: 0 when it is not one. */
static int split_name(char project[NUMBERING__PROJECT_SIZE], char id[ID_SIZE], const char *name)
{
	const char *c = name ? strstr(name, COLLECTION) : NULL;
	if (c == NULL || (size_t)(c - name) >= NUMBERING__PROJECT_SIZE)
		return 0;
	const char *i = c + strlen(COLLECTION);
	size_t len = strlen(i);
	if (len == 0 || len >= ID_SIZE)
		return 0;
	for (size_t k = 0; k < len; k++)
		if (!((i[k] >= 'a' && i[k] <= 'z') || (i[k] >= '0' && i[k] <= '9')))
			return 0;
	memcpy(project, name, (size_t)(c - name));
	project[c - name] = '\0';
	memcpy(id, i, len + 1);
	return strncmp(project, "projects/", 9) == 0 && project[9] != '\0' && strchr(project + 9, '/') == NULL;
}

static int read_purchase(numbering_purchase *p, const numbering_record *record)
{
	numbering__fields_clear(&purchase_table, &p->f);
	if (record->kind != NUMBERING__KIND_PHONE_NUMBER_PURCHASE || !split_name(p->project, p->id, record->name) ||
	    record->parent == NULL || strcmp(record->parent, p->project) != 0 || record->digits != 0)
		return damaged(record, "name", "it is not {project}/phoneNumberPurchases/{id} under its project, without numbers");
	snprintf(p->name, sizeof(p->name), "%s", record->name);
	int rc = numbering__fields_decode_record(&purchase_table, &p->f, record, "purchase ");
	if (rc == NUMBERING_OK && (p->f.phone_number == NULL || p->f.create_time == 0 || p->f.update_time == 0))
		rc = damaged(record, "body", "it has no phoneNumber, createdAt or updatedAt");
	else if (rc == NUMBERING_OK && record->sort_key != p->f.create_time)
		rc = damaged(record, "sortKey", "it is not the purchase's createdAt");
	else if (rc == NUMBERING_OK && (record->keys[0] == NULL ||
	                                strcmp(record->keys[0], numbering_purchase_status_name((int)p->f.status)) != 0))
		rc = damaged(record, "keys", "key 0 is not the purchase's status");
	else if (rc == NUMBERING_OK && (p->f.completed_at != 0) != (p->f.status == NUMBERING_PURCHASE_COMPLETED))
		rc = damaged(record, "completedAt", "a completed purchase has it, any other has not");
	if (rc != NUMBERING_OK)
		numbering__fields_clear(&purchase_table, &p->f);
	return rc;
}

int numbering__purchase_record_check(const numbering_record *record)
{
	numbering_purchase p;
	memset(&p, 0, sizeof(p));
	int rc = read_purchase(&p, record);
	numbering__fields_clear(&purchase_table, &p.f);
	return rc;
}

static int put_purchase(numbering_store *store, const numbering_purchase *p)
{
	numbering_record r;
	memset(&r, 0, sizeof(r));
	r.version = NUMBERING_RECORD_VERSION;
	r.kind = NUMBERING__KIND_PHONE_NUMBER_PURCHASE;
	r.name = p->name;
	r.parent = p->project;
	r.sort_key = p->f.create_time;
	r.keys[0] = numbering_purchase_status_name((int)p->f.status);
	return numbering__backend_put_fields(store, &r, &purchase_table, &p->f);
}

struct one_visit {
	numbering_purchase *p;
	int rc;
};

static int one_visit(const numbering_record *record, void *payload)
{
	struct one_visit *v = payload;
	v->rc = read_purchase(v->p, record);
	return 0;
}

/* The purchase @name (checked) into @p: NUMBERING_NOT_FOUND naming "name". */
static int load_purchase(numbering_purchase *p, numbering_store *store, const char *name)
{
	struct one_visit v = {p, NUMBERING_OK};
	int rc = numbering__backend_get_record(store, NUMBERING__KIND_PHONE_NUMBER_PURCHASE, name, one_visit, &v);
	if (rc == NUMBERING_OK)
		rc = v.rc;
	if (rc == NUMBERING_NOT_FOUND)
		rc = numbering__error_field(NUMBERING_NOT_FOUND, "name", "purchase %s does not exist", name);
	return rc;
}

/* A new purchase of @project ("projects/p"): its id and name. */
static void new_purchase(numbering_purchase *p, const char *project)
{
	size_t len = strnlen(project, sizeof(p->project) - 1);
	memcpy(p->project, project, len);
	p->project[len] = '\0';
	numbering__generate_id(p->id);
	/* "%s" COLLECTION "%s", copied: a purchase's name is made on every create. */
	size_t id_len = strnlen(p->id, sizeof(p->id) - 1);
	if (len + sizeof(COLLECTION) - 1 + id_len < sizeof(p->name)) {
		memcpy(p->name, p->project, len);
		memcpy(p->name + len, COLLECTION, sizeof(COLLECTION) - 1);
		memcpy(p->name + len + sizeof(COLLECTION) - 1, p->id, id_len + 1);
	} else {
		snprintf(p->name, sizeof(p->name), "%s" COLLECTION "%s", p->project, p->id);
	}
}

/* ---- The transitions ---- */

/* The purchase's cost, charged out of the reserve: COMPLETED, and the subscription
 * starts (inside the transaction). @a is the acquired number with its stock. */
static int complete_locked(numbering_store *store, numbering_purchase *p, struct numbering__account *acc,
                           const numbering_active_number *a, int64_t now, int made)
{
	int rc = NUMBERING_OK;
	if (p->f.cost.currency[0] != '\0' && p->f.cost.minor > 0) {
		struct numbering__entry_in e = {p->f.cost.currency, -p->f.cost.minor, 1, "purchase", p->name, NULL, now};
		rc = numbering__account_post_made(store, acc, &e);
	}
	if (rc != NUMBERING_OK)
		return rc;
	p->f.charged = p->f.cost;
	p->f.status = NUMBERING_PURCHASE_COMPLETED;
	p->f.completed_at = now;
	p->f.update_time = now;
	struct numbering__subscription_in s;
	memset(&s, 0, sizeof(s));
	s.instance = numbering_instance_name(a->instance);
	s.purchase = p->name;
	s.price = a->stock.monthly_price;
	s.interval_months = (int)a->stock.payment_interval_months;
	s.start = now;
	/* @made: the acquisition made the instance (rent.c build()) and the purchase
	 * (new_purchase()) in this transaction, and the price is the stock's. */
	s.made_project_len = made ? strlen(p->project) : 0;
	return numbering__subscription_start(store, &s, NULL);
}

/* Inside the acquisition's transaction: the purchase @p (its own attributes set) of
 * the number @a, PROCESSING with its cost reserved, then COMPLETED unless the number
 * needs documents. FAILED_PRECONDITION when the account cannot pay or is in another
 * currency. @loaded is the project's account as this transaction has it, or NULL to
 * read it. */
static int start_locked(numbering_store *store, numbering_purchase *p, numbering_active_number *a,
                        const numbering_available_number *stock, int64_t now, const struct numbering__account *loaded)
{
	struct numbering__account acc;
	/* Put last, after the charge and the subscription (~10k instructions). */
	numbering__backend_prefetch(store, NUMBERING__KIND_PHONE_NUMBER_PURCHASE, p->name);
	int rc = numbering__acquisition_cost(&p->f.cost, stock);
	if (rc == NUMBERING_OK && p->f.cost.minor == 0)
		memset(&p->f.cost, 0, sizeof(p->f.cost)); /* free: nothing to reserve or charge */
	/* All but the pending entries' bytes (~1k): a loaded account has none. */
	if (rc == NUMBERING_OK && loaded != NULL)
		memcpy(&acc, loaded, offsetof(struct numbering__account, pending_body));
	else if (rc == NUMBERING_OK)
		rc = numbering__account_load(&acc, store, p->project);
	/* Charged now out of the reserve: the charge puts the account, once for both. */
	if (rc == NUMBERING_OK && p->f.cost.currency[0] != '\0')
		rc = stock->supporting_documentation_required
		         ? numbering__account_reserve(store, &acc, p->f.cost.currency, p->f.cost.minor)
		         : numbering__account_hold(&acc, p->f.cost.currency, p->f.cost.minor);
	const char *instance = numbering_instance_name(a->instance);
	if (rc == NUMBERING_OK)
		rc = set_made(&p->f.instance, instance, strlen(instance), "instance");
	if (rc != NUMBERING_OK)
		return rc;
	p->f.create_time = p->f.update_time = now;
	p->f.status = NUMBERING_PURCHASE_PROCESSING; /* PENDING -> PROCESSING: the number is held, its cost reserved */
	if (!stock->supporting_documentation_required)
		rc = complete_locked(store, p, &acc, a, now, 1);
	if (rc == NUMBERING_OK)
		rc = put_purchase(store, p);
	return rc;
}

int numbering__purchase_for_rent(numbering_store *store, numbering_active_number *a,
                                 const numbering_available_number *stock, int64_t now, void *payload)
{
	(void)payload;
	numbering_purchase p;
	memset(&p, 0, sizeof(p));
	p.f = blank_fields;
	const char *name = numbering_instance_name(a->instance);
	const char *c = strstr(name, "/phoneNumberInstances/");
	char project[NUMBERING__PROJECT_SIZE];
	size_t len = c ? (size_t)(c - name) : 0;
	if (len >= sizeof(project))
		len = sizeof(project) - 1;
	memcpy(project, name, len);
	project[len] = '\0';
	new_purchase(&p, project);
	const char *friendly = stock->friendly_name ? stock->friendly_name : stock->phone_number;
	int rc = numbering__fields_set_text(&purchase_table, &p.f, "friendlyName", friendly);
	if (rc == NUMBERING_OK)
		rc = numbering__fields_set_text(&purchase_table, &p.f, "phoneNumber", stock->phone_number);
	if (rc == NUMBERING_OK)
		rc = numbering__fields_set_text(&purchase_table, &p.f, "countryCode", stock->region_code);
	p.f.number_type = stock->type ? stock->type : NUMBERING_NUMBER_TYPE_LOCAL;
	if (rc == NUMBERING_OK)
		rc = start_locked(store, &p, a, stock, now, NULL);
	numbering__fields_clear(&purchase_table, &p.f);
	return rc;
}

/* ---- Create ---- */

static int out_of_memory(const char *what)
{
	return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for %s", what);
}

/* @text a JSON object into its compact text in *out (the caller's). */
static int normalize_metadata(char **out, const char *text)
{
	*out = NULL;
	if (text == NULL || text[0] == '\0')
		return NUMBERING_OK;
	if (strlen(text) > NUMBERING_PURCHASE_METADATA_MAX)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "metadata", "metadata is longer than %d bytes",
		                              NUMBERING_PURCHASE_METADATA_MAX);
	json_error_t error;
	json_t *value = json_loads(text, JSON_REJECT_DUPLICATES, &error);
	if (value == NULL || !json_is_object(value)) {
		json_decref(value);
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "metadata", "metadata is not a JSON object%s%s",
		                              value == NULL ? ": " : "", value == NULL ? error.text : "");
	}
	size_t need = json_dumpb(value, NULL, 0, JSON_COMPACT);
	char *buf = need > 0 ? numbering__malloc(need + 1) : NULL;
	if (buf != NULL && json_dumpb(value, buf, need, JSON_COMPACT) == need)
		buf[need] = '\0';
	json_decref(value);
	if (buf == NULL)
		return out_of_memory("metadata");
	if (need > NUMBERING_PURCHASE_METADATA_MAX) {
		numbering__free_mem(buf);
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "metadata", "metadata is longer than %d bytes",
		                              NUMBERING_PURCHASE_METADATA_MAX);
	}
	*out = buf;
	return NUMBERING_OK;
}

/* "+" and @value in @digits digits, zeros first (snprintf "+%0*llu" for a count no
 * number has). */
static void number_text(char out[NUMBERING_E164_BUFSIZE], int digits, uint64_t value)
{
	if (numbering__e164_format(out, NUMBERING_E164_BUFSIZE, value, (unsigned)digits) == 0)
		snprintf(out, NUMBERING_E164_BUFSIZE, "+%0*llu", digits, (unsigned long long)value);
}

/* Checks @r into @p's attributes and the number into @digits / @value. */
static int read_request(numbering_purchase *p, int *digits, uint64_t *value, const numbering_purchase_request *r)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	if (r == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "request", "the purchase request is NULL");
	if (r->version < 1 || r->version > NUMBERING_PURCHASE_REQUEST_VERSION)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "version",
		                              "numbering_purchase_request version %u is not 1 .. %d", r->version,
		                              NUMBERING_PURCHASE_REQUEST_VERSION);
	if (r->friendly_name == NULL || r->friendly_name[0] == '\0')
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "friendlyName", "friendlyName is required");
	int rc = numbering__fields_set_text(&purchase_table, &p->f, "friendlyName", r->friendly_name);
	if (rc != NUMBERING_OK)
		return rc;
	if (r->phone_number == NULL || r->phone_number[0] == '\0')
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phoneNumber", "phoneNumber is required");
	if ((rc = numbering__parse_one_number(digits, value, r->phone_number, "phoneNumber")) != NUMBERING_OK)
		return rc;
	char number[NUMBERING_E164_BUFSIZE];
	number_text(number, *digits, *value);
	if ((rc = set_made(&p->f.phone_number, number, strlen(number), "phoneNumber")) != NUMBERING_OK)
		return rc;
	const char *cc = r->country_code;
	if (cc == NULL || cc[0] == '\0')
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "countryCode", "countryCode is required");
	if (strlen(cc) != 2 || cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z')
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "countryCode",
		                              "countryCode \"%s\" is not an ISO 3166-1 alpha-2 code",
		                              numbering__quote(quoted, cc, strlen(cc)));
	if ((rc = set_made(&p->f.country_code, cc, 2, "countryCode")) != NUMBERING_OK)
		return rc;
	int type = r->number_type == NUMBERING_NUMBER_TYPE_UNSPECIFIED ? NUMBERING_NUMBER_TYPE_LOCAL : r->number_type;
	if (type < NUMBERING_NUMBER_TYPE_LOCAL || type > NUMBERING_NUMBER_TYPE_SHARED_RATE)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "numberType",
		                              "numberType %d is not a numbering_number_type", r->number_type);
	p->f.number_type = type;
	return normalize_metadata(&p->f.metadata, r->metadata);
}

/* A create's purchase, its request id (NULL: none) and the account it checked. */
struct create_ctx {
	numbering_purchase *p;
	const struct numbering__request_id *req;
	const struct numbering__account *acc;
};

/* Inside the create's transaction: keeps the purchase's name under its request id. */
static int keep_request(numbering_store *store, const struct create_ctx *c)
{
	return c->req == NULL ? NUMBERING_OK : numbering__request_id_put(store, c->req, c->p->name, strlen(c->p->name));
}

/* The acquire_cb of a purchase: @payload is its create_ctx. */
static int acquired(numbering_store *store, numbering_active_number *a, const numbering_available_number *stock,
                    int64_t now, void *payload)
{
	const struct create_ctx *c = payload;
	int rc = start_locked(store, c->p, a, stock, now, c->acc);
	return rc == NUMBERING_OK ? keep_request(store, c) : rc;
}

/* Inside the transaction: the number of @p, taken and paid, or the purchase recorded
 * FAILED when the balance is short. *replayed is set when @req was seen: @p is then the
 * first answer, and nothing was written. */
static int create_in(numbering_purchase *p, numbering_active_number *a, numbering_store *store, int digits,
                         uint64_t value, const struct numbering__request_id *req, int *replayed)
{
	struct create_ctx ctx = {p, req, NULL};
	/* A retried request answers its first purchase, buying nothing twice. */
	if (req != NULL) {
		unsigned char answer[NUMBERING__REQUEST_ANSWER_MAX + 1];
		size_t len = 0;
		int seen = 0;
		int rc = numbering__request_id_find(store, req, &seen, answer, &len);
		if (rc != NUMBERING_OK || seen) {
			if (rc == NUMBERING_OK) {
				answer[len] = '\0';
				numbering__fields_clear(&purchase_table, &p->f);
				rc = load_purchase(p, store, (const char *)answer);
				*replayed = 1;
			}
			return rc;
		}
	}
	numbering_available_number block;
	memset(&block, 0, sizeof(block));
	numbering__available_clear(&block);
	int rc = numbering__inventory_find(&block, store, digits, value, value);
	if (rc == NUMBERING_OK && !numbering__available_usable(&block, p->project))
		rc = NUMBERING_NOT_FOUND;
	if (rc == NUMBERING_NOT_FOUND)
		rc = numbering__error_field(NUMBERING_NOT_FOUND, "phoneNumber", "phone number %s is not available",
		                            p->f.phone_number);
	if (rc == NUMBERING_OK && strcmp(block.region_code, p->f.country_code) != 0)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "countryCode",
		                            "countryCode %s is not the country of %s, which is %s", p->f.country_code,
		                            p->f.phone_number, block.region_code);
	if (rc == NUMBERING_OK && block.type != p->f.number_type)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "numberType",
		                            "numberType %s is not the type of %s, which is %s",
		                            numbering_number_type_name((int)p->f.number_type), p->f.phone_number,
		                            numbering_number_type_name(block.type));
	/* What the balance cannot pay is a FAILED purchase, the number left in stock. */
	struct numbering__money cost;
	struct numbering__account acc;
	char details[NUMBERING__BILLING_DETAILS_SIZE];
	/* The block's prices are the number's: its cost named by the number, without a
	 * copy of the block made for it. */
	if (rc == NUMBERING_OK)
		rc = cost_of(&cost, &block, p->f.phone_number);
	if (rc == NUMBERING_OK)
		rc = numbering__account_load(&acc, store, p->project);
	if (rc == NUMBERING_OK && cost.currency[0] != '\0' && cost.minor > 0)
		rc = numbering__account_check_currency(&acc, cost.currency, "monthlyPrice.currencyCode");
	if (rc == NUMBERING_OK && cost.currency[0] != '\0' &&
	    numbering__account_short(&acc, cost.currency, cost.minor, details, sizeof(details))) {
		int64_t now = 0;
		p->f.status = NUMBERING_PURCHASE_FAILED;
		rc = numbering__fields_set_text(&purchase_table, &p->f, "statusDetails", details);
		if (rc == NUMBERING_OK)
			rc = numbering__next_time(store, &now);
		p->f.create_time = p->f.update_time = now;
		if (rc == NUMBERING_OK)
			rc = put_purchase(store, p);
		if (rc == NUMBERING_OK)
			rc = keep_request(store, &ctx);
		numbering__available_clear(&block);
		return rc;
	}
	ctx.acc = &acc; /* read in this transaction */
	if (rc == NUMBERING_OK)
		rc = numbering__check_room(store, 1);
	if (rc == NUMBERING_OK)
		rc = numbering__acquire_in(a, store, p->project, &block, value, NULL, acquired, &ctx);
	numbering__available_clear(&block);
	return rc;
}

/* Under the write lock: create_in() in one transaction. What it decides on (the
 * request id, the number in stock, the account) is read inside it, after begin() took
 * what other processes committed to a shared file store: read before, a number another
 * process bought meanwhile was written over as if still in stock, and the backend
 * refused the put (ALREADY_EXISTS, naming the other's instance). */
static int create_locked(numbering_purchase *p, numbering_active_number *a, numbering_store *store, int digits,
                         uint64_t value, const struct numbering__request_id *req, int *replayed)
{
	int64_t last_time = store->last_time;
	int rc = numbering__begin(store);
	if (rc != NUMBERING_OK)
		return rc;
	rc = create_in(p, a, store, digits, value, req, replayed);
	if (*replayed && rc == NUMBERING_OK) {
		numbering__rollback(store); /* nothing written */
		return rc;
	}
	rc = numbering__commit_or_rollback(store, rc);
	if (rc != NUMBERING_OK)
		store->last_time = last_time;
	return rc;
}

static numbering_purchase *purchase_alloc(void)
{
	numbering_purchase *p = numbering__calloc(1, sizeof(*p));
	if (p != NULL)
		p->f = blank_fields;
	return p;
}

int numbering_purchase_request_init(numbering_purchase_request *request)
{
	if (request == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "request",
		                              "numbering_purchase_request_init: request is NULL");
	numbering_purchase_request init = NUMBERING_PURCHASE_REQUEST_INIT;
	*request = init;
	return NUMBERING_OK;
}

static int check_out(void *out, numbering_store *store, const char *fn)
{
	if (out == NULL || store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "%s: %s is NULL", fn, out == NULL ? "out" : "store");
	return NUMBERING_OK;
}

int numbering_store_create_purchase(numbering_purchase **out, numbering_store *store, const char *caller,
                                    const char *parent, const numbering_purchase_request *request)
{
	int rc = check_out(out, store, "numbering_store_create_purchase");
	if (rc != NUMBERING_OK)
		return rc;
	*out = NULL;
	char project[NUMBERING__PROJECT_SIZE];
	rc = numbering__project_of_parent(project, parent, "parent");
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_PURCHASE_CREATE, project);
	numbering_purchase *p = rc == NUMBERING_OK ? purchase_alloc() : NULL;
	if (rc == NUMBERING_OK && p == NULL)
		rc = out_of_memory("a purchase");
	int digits = 0;
	uint64_t value = 0;
	if (rc == NUMBERING_OK) {
		new_purchase(p, project);
		rc = read_request(p, &digits, &value, request);
	}
	/* The request id: its digest is what the purchase asks for. */
	struct numbering__request_id req;
	int has_id = rc == NUMBERING_OK && request->request_id != NULL && request->request_id[0] != '\0';
	if (has_id) {
		char scope[NUMBERING__REQUEST_SCOPE_SIZE];
		numbering__request_id_scope(scope, project);
		rc = numbering__request_id_init(&req, scope, request->request_id, 'P', "purchase");
		if (rc == NUMBERING_OK) {
			numbering__request_id_add_text(&req, p->f.friendly_name);
			numbering__request_id_add_text(&req, p->f.phone_number);
			numbering__request_id_add_text(&req, p->f.country_code);
			numbering__request_id_add_int(&req, p->f.number_type);
			numbering__request_id_add_text(&req, p->f.metadata ? p->f.metadata : "");
			numbering__request_id_final(&req);
		}
	}
	if (rc == NUMBERING_OK)
		rc = numbering_store_process_due(NULL, store);
	int replayed = 0;
	if (rc == NUMBERING_OK) {
		/* The active number is the acquisition's temporary: the answer is @p. */
		numbering_active_number a;
		struct numbering__active_room room;
		numbering__active_init(&a, &room, project);
		numbering__rwlock_wrlock(&store->lock);
		rc = create_locked(p, &a, store, digits, value, has_id ? &req : NULL, &replayed);
		numbering__rwlock_wrunlock(&store->lock);
		numbering__active_release(&a);
		if (rc == NUMBERING_OK)
			rc = numbering__durable(store);
	}
	/* A replayed answer created nothing now: its event went with the first. */
	if (rc == NUMBERING_OK && !replayed && p->f.instance != NULL)
		numbering__emit(store, "phoneNumberInstance.created", p->f.instance);
	if (rc != NUMBERING_OK) {
		numbering_purchase_free(p);
		return rc;
	}
	*out = p;
	return NUMBERING_OK;
}

/* ---- Get and list ---- */

/* Checks @name into @project and @id (INVALID_ARGUMENT naming "name"). */
static int check_name(char project[NUMBERING__PROJECT_SIZE], char id[ID_SIZE], const char *name)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	if (name == NULL || !split_name(project, id, name))
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "name",
		                              "name \"%s\" is not projects/{project}/phoneNumberPurchases/{id}",
		                              name ? numbering__quote(quoted, name, strlen(name)) : "(null)");
	char checked[NUMBERING__PROJECT_SIZE];
	return numbering__project_of_parent(checked, project, "name");
}

int numbering_store_get_purchase(numbering_purchase **out, numbering_store *store, const char *caller, const char *name)
{
	int rc = check_out(out, store, "numbering_store_get_purchase");
	if (rc != NUMBERING_OK)
		return rc;
	*out = NULL;
	char project[NUMBERING__PROJECT_SIZE], id[ID_SIZE];
	rc = check_name(project, id, name);
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_PURCHASE_GET, project);
	numbering_purchase *p = rc == NUMBERING_OK ? purchase_alloc() : NULL;
	if (rc == NUMBERING_OK && p == NULL)
		rc = out_of_memory("a purchase");
	if (rc != NUMBERING_OK)
		return rc;
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	rc = load_purchase(p, store, name);
	numbering__rwlock_rdunlock(&store->lock, slot);
	if (rc != NUMBERING_OK) {
		numbering_purchase_free(p);
		return rc;
	}
	*out = p;
	return NUMBERING_OK;
}

static void list_digest(unsigned char digest[NUMBERING__TOKEN_DIGEST_BYTES], const char *project, int status)
{
	char filter[NUMBERING__PROJECT_SIZE + 24];
	snprintf(filter, sizeof(filter), "purchases|%s|%d", project, status);
	crypto_generichash(digest, NUMBERING__TOKEN_DIGEST_BYTES, (const unsigned char *)filter, strlen(filter), NULL, 0);
}

/* A page is newest first, then by id where two purchases took the same time (two
 * processes can: a time is taken before the write lock), and its token names the last
 * one's (time, id). A token of the time alone started the next page after every
 * purchase of that time, so one of two on the boundary was on no page. */
struct list_visit {
	numbering_purchase_page *page;
	int want, cap;
	int more;
	struct numbering__page_cursor *cursor;
	int rc;
};

/* Takes the records from the walk's order (time descending) until the page is full and
 * the time changes: the page's last time may be tied by more than fit, so all of them
 * are read, and sorted by id after the walk. */
static int list_visit(const numbering_record *record, void *payload)
{
	struct list_visit *v = payload;
	numbering_purchase_page *page = v->page;
	int skip = 0;
	if ((v->rc = numbering__page_skip(&skip, v->cursor, record)) != NUMBERING_OK)
		return v->rc;
	if (skip)
		return 0; /* at or before the token's purchase: listed already */
	if (page->count >= v->want) {
		v->more = 1;
		if (record->sort_key != page->items[page->count - 1].f.create_time)
			return NUMBERING__VISIT_STOP;
	}
	if (page->count == v->cap) {
		int cap = v->cap * 2;
		numbering_purchase *grown = numbering__realloc(page->items, (size_t)cap * sizeof(*grown));
		if (grown == NULL)
			return v->rc = out_of_memory("a page of purchases");
		memset(grown + v->cap, 0, (size_t)(cap - v->cap) * sizeof(*grown));
		for (int i = v->cap; i < cap; i++)
			numbering__fields_clear(&purchase_table, &grown[i].f);
		page->items = grown;
		v->cap = cap;
	}
	numbering_purchase *p = &page->items[page->count];
	if ((v->rc = read_purchase(p, record)) != NUMBERING_OK)
		return v->rc;
	page->count++;
	return 0;
}

static int newest_then_id(const void *x, const void *y)
{
	const numbering_purchase *a = x, *b = y;
	if (a->f.create_time != b->f.create_time)
		return a->f.create_time > b->f.create_time ? -1 : 1;
	return strcmp(a->id, b->id);
}

int numbering_store_list_purchases(numbering_purchase_page **out, numbering_store *store, const char *caller,
                                   const char *parent, int status, int page_size, const char *page_token)
{
	int rc = check_out(out, store, "numbering_store_list_purchases");
	if (rc != NUMBERING_OK)
		return rc;
	*out = NULL;
	char project[NUMBERING__PROJECT_SIZE];
	rc = numbering__project_of_parent(project, parent, "parent");
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_PURCHASE_LIST, project);
	if (rc == NUMBERING_OK && (status < 0 || status >= STATUS_COUNT))
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "status",
		                            "status %d is not 0 (every status) or a NUMBERING_PURCHASE_* value", status);
	if (rc == NUMBERING_OK && (page_size < 0 || page_size > PAGE_MAX))
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "pageSize", "pageSize %d is not 0 .. %d", page_size,
		                            PAGE_MAX);
	unsigned char digest[NUMBERING__TOKEN_DIGEST_BYTES];
	if (rc == NUMBERING_OK) /* not of a parent that is no project's (valgrind: uninitialised) */
		list_digest(digest, project, status);
	struct numbering__page_cursor cursor;
	memset(&cursor, 0, sizeof(cursor));
	cursor.has = page_token != NULL && page_token[0] != '\0';
	if (rc == NUMBERING_OK && cursor.has)
		rc = numbering__token_read_keyed(&cursor.key, cursor.id, &cursor.has_id, store, page_token, digest,
		                                 "pageToken", "parent or status");
	if (rc != NUMBERING_OK)
		return rc;
	int want = page_size == 0 ? PAGE_DEFAULT : page_size;
	numbering_purchase_page *page = numbering__calloc(1, sizeof(*page));
	if (page == NULL || (page->items = numbering__calloc((size_t)want + 1, sizeof(*page->items))) == NULL) {
		numbering__free_mem(page);
		return out_of_memory("a page of purchases");
	}
	for (int i = 0; i <= want; i++)
		numbering__fields_clear(&purchase_table, &page->items[i].f);
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = NUMBERING__KIND_PHONE_NUMBER_PURCHASE;
	q.order = NUMBERING_RECORD_ORDER_DESCENDING;
	q.parent = project;
	numbering__page_query(&q, &cursor);
	q.keys[0] = status != 0 ? status_names[status] : NULL;
	struct list_visit v = {page, want, want + 1, 0, &cursor, NUMBERING_OK};
	page->count = 0;
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	rc = numbering__backend_list(store, &q, list_visit, &v);
	numbering__rwlock_rdunlock(&store->lock, slot);
	if (rc == NUMBERING__VISIT_STOP)
		rc = NUMBERING_OK;
	if (rc == NUMBERING_OK)
		rc = v.rc;
	if (rc != NUMBERING_OK) {
		page->count = v.cap; /* every slot: the ones read and the cleared ones */
		numbering_purchase_page_free(page);
		return rc;
	}
	if (page->count > 1)
		qsort(page->items, (size_t)page->count, sizeof(*page->items), newest_then_id);
	/* The ties past the page were read only to find the first ones by id. */
	for (int i = want; i < page->count; i++)
		numbering__fields_clear(&purchase_table, &page->items[i].f);
	if (page->count > want)
		page->count = want;
	if (v.more) {
		const numbering_purchase *last = &page->items[page->count - 1];
		numbering__token_make_keyed(page->next_token, store, digest, last->f.create_time, last->id);
	}
	*out = page;
	return NUMBERING_OK;
}

/* ---- Complete, fail, cancel ---- */

struct change {
	int to;
	const char *details; /* FAILED and CANCELLED: why */
};

/* Under the write lock: @p (named @name) becomes @c->to in one transaction, which
 * reads it first: on a file store shared by processes, begin() takes what the others
 * committed, so a purchase another process settled meanwhile is not settled twice. */
static int change_locked(numbering_purchase *p, numbering_active_number *a, numbering_store *store, const char *name,
                         const struct change *c)
{
	int64_t last_time = store->last_time, now = 0;
	int rc = numbering__begin(store);
	if (rc != NUMBERING_OK)
		return rc;
	rc = load_purchase(p, store, name);
	if (rc == NUMBERING_OK)
		rc = check_transition(p, c->to);
	/* The purchase's number, held by its instance (gone only if someone deleted it). */
	int digits = 0, live = 0;
	uint64_t value = 0;
	if (rc == NUMBERING_OK && p->f.instance != NULL)
		rc = numbering__parse_one_number(&digits, &value, p->f.phone_number, "phoneNumber");
	if (rc == NUMBERING_OK && p->f.instance != NULL) {
		rc = numbering__active_load(a, store, p->project, digits, value);
		if (rc == NUMBERING_NOT_FOUND) {
			rc = NUMBERING_OK;
		} else if (rc == NUMBERING_OK) {
			live = strcmp(numbering_instance_name(a->instance), p->f.instance) == 0 &&
			       numbering_instance_lifecycle_state(a->instance) != NUMBERING_LIFECYCLE_DELETED;
		}
	}
	if (rc == NUMBERING_OK && c->to == NUMBERING_PURCHASE_COMPLETED && !live)
		rc = numbering__error_field(NUMBERING_FAILED_PRECONDITION, "status",
		                            "purchase %s cannot be completed: its instance %s is gone", p->name,
		                            p->f.instance ? p->f.instance : "(none)");
	struct numbering__account acc;
	if (rc == NUMBERING_OK)
		rc = numbering__account_load(&acc, store, p->project);
	if (rc == NUMBERING_OK)
		rc = numbering__next_time(store, &now);
	if (rc != NUMBERING_OK) {
		numbering__rollback(store);
		store->last_time = last_time;
		return rc;
	}
	if (c->to == NUMBERING_PURCHASE_COMPLETED) {
		if (a->instance->lifecycle_state == NUMBERING_LIFECYCLE_PENDING) {
			a->instance->lifecycle_state = NUMBERING_LIFECYCLE_ACTIVE;
			a->instance->activate_time = now;
			rc = numbering__backend_put(store, a->instance);
		}
		if (rc == NUMBERING_OK)
			rc = complete_locked(store, p, &acc, a, now, 0);
	} else {
		char active[NUMBERING__ACTIVE_NAME_SIZE];
		if (live) {
			numbering__active_name(active, p->project, a->instance->digits, a->instance->first);
			rc = numbering__active_give_back(store, a, active, now);
		}
		if (rc == NUMBERING_OK && p->f.cost.currency[0] != '\0' && p->f.status == NUMBERING_PURCHASE_PROCESSING)
			rc = numbering__account_unreserve(store, &acc, p->f.cost.minor);
		if (rc == NUMBERING_OK)
			rc = numbering__fields_set_text(&purchase_table, &p->f, "statusDetails", c->details);
		p->f.status = c->to;
		p->f.update_time = now;
	}
	if (rc == NUMBERING_OK)
		rc = put_purchase(store, p);
	if (rc == NUMBERING_OK)
		rc = numbering__commit(store);
	else
		numbering__rollback(store);
	if (rc != NUMBERING_OK)
		store->last_time = last_time;
	else if (a->instance != NULL)
		numbering__active_for_caller(store, a);
	return rc;
}

/* The PROCESSING purchase of the instance named @instance, of @project: the visit. */
struct processing_visit {
	numbering_purchase *p;
	const char *instance;
	int found;
	int rc;
};

static int processing_visit(const numbering_record *record, void *payload)
{
	struct processing_visit *v = payload;
	if ((v->rc = read_purchase(v->p, record)) != NUMBERING_OK)
		return v->rc;
	if (v->p->f.instance != NULL && strcmp(v->p->f.instance, v->instance) == 0) {
		v->found = 1;
		return NUMBERING__VISIT_STOP;
	}
	return 0;
}

/* Into @p: the PROCESSING purchase of the instance named @instance, of @project (a
 * project has few: numbers waiting for documents); *@found 1 when there is one. */
static int find_processing(numbering_purchase *p, numbering_store *store, const char *project, const char *instance,
                           int *found)
{
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = NUMBERING__KIND_PHONE_NUMBER_PURCHASE;
	q.parent = project;
	q.keys[0] = status_names[NUMBERING_PURCHASE_PROCESSING];
	struct processing_visit v = {p, instance, 0, NUMBERING_OK};
	int rc = numbering__backend_list(store, &q, processing_visit, &v);
	if (rc == NUMBERING__VISIT_STOP)
		rc = NUMBERING_OK;
	if (rc == NUMBERING_OK)
		rc = v.rc;
	*found = rc == NUMBERING_OK && v.found;
	return rc;
}

int numbering__purchase_processing(numbering_store *store, const char *project, const char *instance,
                                   char name[NUMBERING__NAME_SIZE], int *found)
{
	*found = 0;
	name[0] = '\0';
	numbering_purchase *p = purchase_alloc();
	if (p == NULL)
		return out_of_memory("a purchase");
	int rc = find_processing(p, store, project, instance, found);
	if (*found)
		snprintf(name, NUMBERING__NAME_SIZE, "%s", p->name);
	numbering_purchase_free(p);
	return rc;
}

int numbering__purchase_settle(numbering_store *store, numbering_active_number *a, const char *project, int to,
                               const char *details, int64_t now, int *found)
{
	if (found != NULL)
		*found = 0;
	numbering_purchase *p = purchase_alloc();
	if (p == NULL)
		return out_of_memory("a purchase");
	int hit = 0;
	int rc = find_processing(p, store, project, numbering_instance_name(a->instance), &hit);
	if (rc != NUMBERING_OK || !hit) {
		numbering_purchase_free(p);
		return rc;
	}
	if (found != NULL)
		*found = 1;
	struct numbering__account acc;
	rc = check_transition(p, to);
	if (rc == NUMBERING_OK)
		rc = numbering__account_load(&acc, store, project);
	if (rc == NUMBERING_OK && to == NUMBERING_PURCHASE_COMPLETED) {
		if (a->instance->lifecycle_state == NUMBERING_LIFECYCLE_PENDING) {
			a->instance->lifecycle_state = NUMBERING_LIFECYCLE_ACTIVE;
			a->instance->activate_time = now;
			rc = numbering__backend_put(store, a->instance);
		}
		if (rc == NUMBERING_OK)
			rc = complete_locked(store, p, &acc, a, now, 0);
	} else if (rc == NUMBERING_OK) {
		char active[NUMBERING__ACTIVE_NAME_SIZE];
		numbering__active_name(active, project, a->instance->digits, a->instance->first);
		rc = numbering__active_give_back(store, a, active, now);
		if (rc == NUMBERING_OK && p->f.cost.currency[0] != '\0')
			rc = numbering__account_unreserve(store, &acc, p->f.cost.minor);
		if (rc == NUMBERING_OK)
			rc = numbering__fields_set_text(&purchase_table, &p->f, "statusDetails", details);
		p->f.status = to;
		p->f.update_time = now;
	}
	if (rc == NUMBERING_OK)
		rc = put_purchase(store, p);
	numbering_purchase_free(p);
	return rc;
}

static int change(numbering_purchase **out, numbering_store *store, const char *caller, const char *name,
                  const struct change *c, const char *fn)
{
	int rc = check_out(out, store, fn);
	if (rc != NUMBERING_OK)
		return rc;
	*out = NULL;
	char project[NUMBERING__PROJECT_SIZE], id[ID_SIZE];
	if (c->to == NUMBERING_PURCHASE_CANCELLED) {
		rc = check_name(project, id, name);
		if (rc == NUMBERING_OK)
			rc = numbering__authorize(store, caller, NUMBERING__PERM_PURCHASE_CANCEL, project);
	} else {
		rc = numbering__host_call(store, caller,
		                          c->to == NUMBERING_PURCHASE_COMPLETED ? NUMBERING__PERM_PURCHASE_COMPLETE
		                                                                : NUMBERING__PERM_PURCHASE_FAIL,
		                          1, 1, fn);
		if (rc == NUMBERING_OK)
			rc = check_name(project, id, name);
	}
	if (rc == NUMBERING_OK && c->to == NUMBERING_PURCHASE_FAILED) {
		if (c->details == NULL || c->details[0] == '\0')
			rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "statusDetails",
			                            "statusDetails is required: it says why the purchase failed");
		else
			rc = numbering__validate_text(c->details, NUMBERING_PURCHASE_DETAILS_MAX, "statusDetails");
	}
	if (rc == NUMBERING_OK)
		rc = numbering_store_process_due(NULL, store);
	numbering_purchase *p = rc == NUMBERING_OK ? purchase_alloc() : NULL;
	if (rc == NUMBERING_OK && p == NULL)
		rc = out_of_memory("a purchase");
	numbering_active_number *a = NULL;
	if (rc == NUMBERING_OK)
		rc = numbering__active_new(&a, project);
	if (rc == NUMBERING_OK) {
		numbering__rwlock_wrlock(&store->lock);
		rc = change_locked(p, a, store, name, c);
		numbering__rwlock_wrunlock(&store->lock);
		if (rc == NUMBERING_OK)
			rc = numbering__durable(store);
	}
	if (rc == NUMBERING_OK && c->to == NUMBERING_PURCHASE_COMPLETED)
		numbering__emit(store, "phoneNumberInstance.activated", p->f.instance);
	else if (rc == NUMBERING_OK && p->f.instance != NULL)
		numbering__emit(store, "phoneNumberInstance.deleted", p->f.instance);
	numbering_active_number_free(a);
	if (rc != NUMBERING_OK) {
		numbering_purchase_free(p);
		return rc;
	}
	*out = p;
	return NUMBERING_OK;
}

int numbering_store_complete_purchase(numbering_purchase **out, numbering_store *store, const char *caller,
                                      const char *name)
{
	struct change c = {NUMBERING_PURCHASE_COMPLETED, NULL};
	return change(out, store, caller, name, &c, "numbering_store_complete_purchase");
}

int numbering_store_fail_purchase(numbering_purchase **out, numbering_store *store, const char *caller,
                                  const char *name, const char *status_details)
{
	struct change c = {NUMBERING_PURCHASE_FAILED, status_details};
	return change(out, store, caller, name, &c, "numbering_store_fail_purchase");
}

int numbering_store_cancel_purchase(numbering_purchase **out, numbering_store *store, const char *caller,
                                    const char *name)
{
	struct change c = {NUMBERING_PURCHASE_CANCELLED, CANCELLED_DETAILS};
	return change(out, store, caller, name, &c, "numbering_store_cancel_purchase");
}

/* ---- The objects ---- */

void numbering_purchase_free(numbering_purchase *purchase)
{
	if (purchase == NULL)
		return;
	numbering__fields_clear(&purchase_table, &purchase->f);
	numbering__free_mem(purchase);
}

const char *numbering_purchase_text(const numbering_purchase *purchase, const char *attribute)
{
	if (purchase == NULL || attribute == NULL)
		return "";
	if (strcmp(attribute, "id") == 0)
		return purchase->id;
	if (strcmp(attribute, "name") == 0)
		return purchase->name;
	if (strcmp(attribute, "status") == 0)
		return numbering_purchase_status_name((int)purchase->f.status);
	if (strcmp(attribute, "numberType") == 0)
		return numbering_number_type_name((int)purchase->f.number_type);
	if (strcmp(attribute, "chargedCurrency") == 0)
		return purchase->f.charged.currency;
	return numbering__fields_text(&purchase_table, &purchase->f, attribute);
}

int64_t numbering_purchase_int(const numbering_purchase *purchase, const char *attribute)
{
	if (purchase == NULL || attribute == NULL)
		return 0;
	if (strcmp(attribute, "chargedCredits") == 0)
		return purchase->f.charged.currency[0] ? purchase->f.charged.minor : 0;
	return numbering__fields_int(&purchase_table, &purchase->f, attribute);
}

int numbering_purchase_page_count(const numbering_purchase_page *page)
{
	return page == NULL ? 0 : page->count;
}

const numbering_purchase *numbering_purchase_page_item(const numbering_purchase_page *page, int i)
{
	return page == NULL || i < 0 || i >= page->count ? NULL : &page->items[i];
}

const char *numbering_purchase_page_next_token(const numbering_purchase_page *page)
{
	return page == NULL ? "" : page->next_token;
}

void numbering_purchase_page_free(numbering_purchase_page *page)
{
	if (page == NULL)
		return;
	for (int i = 0; i < page->count; i++)
		numbering__fields_clear(&purchase_table, &page->items[i].f);
	numbering__free_mem(page->items);
	numbering__free_mem(page);
}
