/*
 * The inventory (numbering/inventory.h): importing and withdrawing available numbers,
 * and searching them. Renting is in rent.c.
 *
 * An available number is a record of kind AVAILABLE flagged NUMBERING_RECORD_NUMBERS
 * (model/available.h), so the record store keeps the rule "a number is in the
 * inventory or held by a live instance, never both, never twice": a put that overlaps
 * is refused, whoever holds the numbers.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "e164/number.h"
#include "model/available.h"
#include "model/kinds.h"
#include "model/record.h"
#include "numbering/active.h"
#include "service/backend-call.h"
#include "service/catalogue-regions.h"
#include "service/import-request.h"
#include "service/inventory.h"
#include "service/reservation.h"
#include "service/service.h"

#define BATCH_MAX 100000

/* A search's results: each item is a copy of the block it was found in, with its own
 * number; the first item of a block owns the block's text (owns[i]), the others share it. */
struct numbering_available_list {
	int count, cap;
	numbering_available_number *items; /* cap of them */
	uint8_t *owns;                     /* cap of them */
	int owner;                         /* the item owning the last block's text */
	int block_digits;                  /* the last block's numbers */
	uint64_t block_first, block_last;
};

/* ---- Who holds a number ---- */

struct holder_visit {
	int kind;
	char name[NUMBERING__AVAILABLE_NAME_SIZE + NUMBERING__NAME_SIZE];
	uint64_t first;
};

static int holder_visit(const numbering_record *record, void *payload)
{
	struct holder_visit *h = payload;
	h->kind = record->kind;
	h->first = record->first;
	size_t len = record->name != NULL ? strnlen(record->name, sizeof(h->name) - 1) : 0;
	memcpy(h->name, record->name != NULL ? record->name : "", len);
	h->name[len] = '\0';
	return NUMBERING__VISIT_STOP;
}

int numbering__inventory_report_held(numbering_store *store, int digits, uint64_t first, uint64_t last,
                                     const char *field)
{
	struct holder_visit h = {0, "", 0};
	int rc = numbering__backend_find_record(store, digits, first, last, holder_visit, &h);
	if (rc != NUMBERING_OK && rc != NUMBERING_NOT_FOUND)
		return rc;
	char number[NUMBERING_E164_BUFSIZE];
	/* The put was refused, yet nothing holds a number now (another connection let go of
	 * it since, or the backend is wrong): still the put's ALREADY_EXISTS, said as such,
	 * not find()'s NOT_FOUND left as the thread's error. */
	if (h.kind == 0) {
		snprintf(number, sizeof(number), "+%0*llu", digits, (unsigned long long)first);
		return numbering__error_field(NUMBERING_ALREADY_EXISTS, field,
		                              "%s: the storage backend refused %s as held, but no record holds it now", field,
		                              number);
	}
	uint64_t n = h.first > first ? h.first : first;
	snprintf(number, sizeof(number), "+%0*llu", digits, (unsigned long long)n);
	return numbering__error_field(NUMBERING_ALREADY_EXISTS, field, "%s: %s is already %s", field, number,
	                              h.kind == NUMBERING__KIND_AVAILABLE ? "in the inventory"
	                              : h.kind == NUMBERING__KIND_INSTANCE ? "held by a phone number instance"
	                                                                   : "held by another record");
}

/* ---- Import ---- */

struct span {
	int digits;
	uint64_t first, last;
	int index;
};

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	if (x->digits != y->digits)
		return x->digits < y->digits ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* Two items of one request that share a number. */
static int check_request_overlaps(const numbering_available_number *const *numbers, int count)
{
	struct span *spans = numbering__malloc((size_t)count * sizeof(*spans));
	if (spans == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory checking %d available numbers", count);
	int sorted = 1;
	for (int i = 0; i < count; i++) {
		spans[i] = (struct span){numbers[i]->digits, numbers[i]->first, numbers[i]->last, i};
		sorted = sorted && (i == 0 || span_cmp(&spans[i - 1], &spans[i]) < 0);
	}
	/* A file in number order (an export, a generated block plan) is already sorted:
	 * qsort was a fifth of importing single numbers. */
	if (!sorted)
		qsort(spans, (size_t)count, sizeof(*spans), span_cmp);
	int rc = NUMBERING_OK;
	for (int i = 1; i < count && rc == NUMBERING_OK; i++)
		if (spans[i].digits == spans[i - 1].digits && spans[i].first <= spans[i - 1].last) {
			char field[48];
			int later = spans[i].index > spans[i - 1].index ? spans[i].index : spans[i - 1].index;
			int earlier = spans[i].index > spans[i - 1].index ? spans[i - 1].index : spans[i].index;
			snprintf(field, sizeof(field), "availableNumbers[%d]", later);
			rc = numbering__error_field(NUMBERING_ALREADY_EXISTS, field,
			                            "%s: +%0*llu is also in availableNumbers[%d] of this request", field,
			                            spans[i].digits, (unsigned long long)spans[i].first, earlier);
		}
	numbering__free_mem(spans);
	return rc;
}

static int check_batch(const void *items, int count, const char *field)
{
	if (items == NULL || count < 1 || count > BATCH_MAX)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "%s must hold 1 to %d items, not %d", field,
		                              BATCH_MAX, items == NULL ? 0 : count);
	return NUMBERING_OK;
}

/* The available record holding @digits-digit number @n, read into @out. */
struct available_visit {
	numbering_available_number *out;
	int kind;
	int rc;
};

static int available_visit(const numbering_record *record, void *payload)
{
	struct available_visit *v = payload;
	v->kind = record->kind;
	if (record->kind == NUMBERING__KIND_AVAILABLE)
		v->rc = numbering__available_from_record(v->out, record);
	return NUMBERING__VISIT_STOP;
}

/* Encoded into the store's put buffer (the write lock is held), not a buffer allocated
 * and freed for each put. */
static int put_available(numbering_store *store, const numbering_available_number *n)
{
	numbering_record record;
	char name[NUMBERING__AVAILABLE_NAME_SIZE], parent[NUMBERING__AVAILABLE_PARENT_SIZE];
	int rc = numbering__available_to_record(&record, name, parent, &store->put_body, n);
	return rc == NUMBERING_OK ? numbering__backend_put_record(store, &record) : rc;
}

/* available_visit() for a get, which visits one record and knows no stop. */
static int named_visit(const numbering_record *record, void *payload)
{
	available_visit(record, payload);
	return 0;
}

/* The available record named by @digits-digit number @number into @out (cleared by
 * the caller): 1 when there is one, 0 when not, < 0 (an error code's negation) when
 * reading it failed. */
static int named_block(numbering_store *store, numbering_available_number *out, int digits, uint64_t number)
{
	char name[NUMBERING__AVAILABLE_NAME_SIZE];
	numbering__available_name(name, digits, number);
	struct available_visit v = {out, 0, NUMBERING_OK};
	int rc = numbering__backend_get_record(store, NUMBERING__KIND_AVAILABLE, name, named_visit, &v);
	if (rc == NUMBERING_NOT_FOUND || (rc == NUMBERING_OK && v.kind == 0))
		return 0;
	if (rc == NUMBERING_OK)
		rc = v.rc;
	if (rc == NUMBERING_OK)
		rc = numbering__backend_remove_record(store, NUMBERING__KIND_AVAILABLE, name);
	return rc == NUMBERING_OK ? 1 : -rc;
}

/*
 * Frees the name of the number @number of @digits digits for a new record, which is
 * named by its first (inside a transaction). A block keeps its name when its first
 * numbers are taken (numbering__inventory_take()), so the name may be held by a block
 * that no longer holds the number: that block moves to the name of its own first,
 * which may in turn be held by another such block, whose first is higher, and so on
 * until a name is free. A loop holding two blocks at a time, not a recursion: the
 * chain's length is the host's to make (imports and withdrawals can build one of any
 * length), and a PBX's thread has a small stack. A record holding the number is
 * NUMBERING_ALREADY_EXISTS: a put of the name would replace it, not be refused as the
 * overlap it is (and the same for a block down the chain, which only damage can make).
 */
static int claim_name(numbering_store *store, int digits, uint64_t number)
{
	numbering_available_number held[2];
	memset(held, 0, sizeof(held));
	int rc = NUMBERING_OK, k = 0;
	int found = named_block(store, &held[0], digits, number);
	while (found > 0) {
		numbering_available_number *moving = &held[k], *next = &held[k ^ 1];
		if (moving->first == number) {
			rc = numbering__error_set(NUMBERING_ALREADY_EXISTS, "+%0*llu is in the inventory already", digits,
			                          (unsigned long long)number);
			break;
		}
		/* Its own first's name, freed first (the next block of the chain taken off it). */
		number = moving->first;
		numbering__available_clear(next);
		found = named_block(store, next, digits, number);
		if (found < 0)
			break;
		moving->named = moving->first;
		if ((rc = put_available(store, moving)) != NUMBERING_OK)
			break;
		k ^= 1;
	}
	if (found < 0)
		rc = -found;
	numbering__available_clear(&held[0]);
	numbering__available_clear(&held[1]);
	return rc;
}

/* Imports @numbers, @total numbers, in one transaction with the record of @req (when
 * not NULL); a request id seen before sets *replayed and its first answer in *total,
 * and writes nothing. */
static int import_locked(numbering_store *store, const numbering_available_number *const *numbers, int count,
                         const struct numbering__import_request *req, int64_t *total, int *replayed)
{
	struct numbering__buf body = {NULL, 0, 0};
	int rc = numbering__begin(store);
	if (rc == NUMBERING_OK && req != NULL && (rc = numbering__import_request_find(store, req, replayed, total)) ==
	                                             NUMBERING_OK && *replayed) {
		numbering__rollback(store);
		return NUMBERING_OK;
	}
	for (int i = 0; i < count && rc == NUMBERING_OK; i++) {
		numbering_record record;
		char name[NUMBERING__AVAILABLE_NAME_SIZE], parent[NUMBERING__AVAILABLE_PARENT_SIZE];
		rc = numbering__available_to_record(&record, name, parent, &body, numbers[i]);
		if (rc == NUMBERING_OK)
			rc = claim_name(store, numbers[i]->digits, numbers[i]->first);
		if (rc == NUMBERING_OK)
			rc = numbering__backend_put_record(store, &record);
		if (rc == NUMBERING_ALREADY_EXISTS) {
			char field[48];
			snprintf(field, sizeof(field), "availableNumbers[%d]", i);
			/* Name the holder as it was before this request: roll back first. */
			numbering__rollback(store);
			int held = numbering__inventory_report_held(store, numbers[i]->digits, numbers[i]->first,
			                                            numbers[i]->last, field);
			numbering__buf_free(&body);
			return held;
		}
	}
	numbering__buf_free(&body);
	if (rc == NUMBERING_OK)
		rc = numbering__catalogue_regions_note(store, numbers, count);
	if (rc == NUMBERING_OK && req != NULL)
		rc = numbering__import_request_put(store, req, *total);
	if (rc == NUMBERING_OK)
		return numbering__commit(store);
	numbering__rollback(store);
	return rc;
}

int numbering_store_import_available(int64_t *imported, numbering_store *store, const char *caller,
                                     const numbering_available_number *const *numbers, int count)
{
	return numbering__import_available(imported, store, caller, numbers, count, NULL);
}

int numbering__import_available(int64_t *imported, numbering_store *store, const char *caller,
                                const numbering_available_number *const *numbers, int count, const char *request_id)
{
	if (imported != NULL)
		*imported = 0;
	if (store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_import_available: store is NULL");
	int rc = numbering__authorize(store, caller, NUMBERING__PERM_AVAILABLE_IMPORT, "*");
	if (rc == NUMBERING_OK)
		rc = check_batch(numbers, count, "availableNumbers");
	int64_t total = 0;
	for (int i = 0; i < count && rc == NUMBERING_OK; i++) {
		/* The item's path is written for an error only. */
		if (numbers[i] == NULL || numbering__available_check(numbers[i], "") != NUMBERING_OK) {
			char path[48];
			snprintf(path, sizeof(path), "availableNumbers[%d]", i);
			rc = numbers[i] == NULL ? numbering__error_field(NUMBERING_INVALID_ARGUMENT, path, "%s is NULL", path)
			                        : numbering__available_check(numbers[i], path);
			break;
		}
		total += numbering_available_number_size(numbers[i]);
	}
	if (rc == NUMBERING_OK)
		rc = check_request_overlaps(numbers, count);
	struct numbering__import_request req;
	if (rc == NUMBERING_OK && request_id != NULL)
		rc = numbering__import_request_prepare(&req, request_id, numbers, count);
	if (rc != NUMBERING_OK)
		return rc;
	int replayed = 0;
	numbering__rwlock_wrlock(&store->lock);
	rc = import_locked(store, numbers, count, request_id != NULL ? &req : NULL, &total, &replayed);
	numbering__rwlock_wrunlock(&store->lock);
	if (rc == NUMBERING_OK && !replayed)
		rc = numbering__durable(store);
	if (rc == NUMBERING_OK && imported != NULL)
		*imported = total;
	return rc;
}

/* ---- Taking numbers out of a record ---- */

int numbering__inventory_find(numbering_available_number *out, numbering_store *store, int digits, uint64_t first,
                              uint64_t last)
{
	struct available_visit v = {out, 0, NUMBERING_OK};
	int rc = numbering__backend_find_record(store, digits, first, last, available_visit, &v);
	if (rc != NUMBERING_OK)
		return rc;
	if (v.rc != NUMBERING_OK)
		return v.rc;
	return v.kind == NUMBERING__KIND_AVAILABLE ? NUMBERING_OK : NUMBERING_NOT_FOUND;
}

int numbering__inventory_put(numbering_store *store, const numbering_available_number *n)
{
	return put_available(store, n);
}

int numbering__inventory_add(numbering_store *store, const numbering_available_number *n)
{
	int rc = claim_name(store, n->digits, n->named);
	return rc == NUMBERING_OK ? put_available(store, n) : rc;
}

int numbering__inventory_take(numbering_store *store, numbering_available_number *block, uint64_t first, uint64_t last)
{
	uint64_t block_first = block->first, block_last = block->last, named = block->named;
	int rc = NUMBERING_OK;
	/* Each piece is put with the block's attributes and its own numbers; its record
	 * (numbering__available_to_record()) reads the numbers, never the phone number's
	 * text, so that text is neither formatted for the pieces nor again for the block
	 * restored after them (three formattings were ~420 instructions a purchase). */
	if (first > block_first) {
		/* The part before keeps the block's record. */
		block->last = first - 1;
		rc = put_available(store, block);
		if (rc == NUMBERING_OK && last < block_last) {
			/* The part after is a new record, named by its first. */
			block->first = last + 1;
			block->last = block_last;
			block->named = last + 1;
			rc = numbering__inventory_add(store, block);
		}
	} else if (last < block_last) {
		/* The part after keeps the block's record and name: one put replacing it,
		 * where a remove and a put under a new name cost 1.6 times as much (numbers
		 * taken in order, the most common take). */
		block->first = last + 1;
		rc = put_available(store, block);
	} else {
		char name[NUMBERING__AVAILABLE_NAME_SIZE];
		numbering__available_name(name, block->digits, named);
		rc = numbering__backend_remove_record(store, NUMBERING__KIND_AVAILABLE, name);
	}
	block->first = block_first;
	block->last = block_last;
	block->named = named;
	return rc;
}

int numbering__available_usable(const numbering_available_number *n, const char *project)
{
	static const char suffix[] = "/reservations/";
	if (n->listed)
		return 1;
	size_t len = project != NULL ? strlen(project) : 0;
	return len > 0 && n->reservation != NULL && strncmp(n->reservation, project, len) == 0 &&
	       strncmp(n->reservation + len, suffix, sizeof(suffix) - 1) == 0;
}

/* ---- Remove ---- */

static int parse_numbers(numbering_range *range, const char *text, const char *field)
{
	int rc = numbering_e164_parse_range(range, text, NULL);
	if (rc != NUMBERING_OK) {
		char message[256];
		snprintf(message, sizeof(message), "%s", numbering_error_message());
		return numbering__error_field(rc, field, "%s: %s", field, message);
	}
	return NUMBERING_OK;
}

static int not_available(const char *field, int digits, uint64_t n)
{
	return numbering__error_field(NUMBERING_NOT_FOUND, field, "%s: +%0*llu is not in the inventory", field, digits,
	                              (unsigned long long)n);
}

/* Takes every number of @range out of the inventory (inside a transaction). */
static int remove_range(numbering_store *store, numbering_available_number *scratch, const numbering_range *range,
                        const char *field, int64_t *removed)
{
	const numbering_number *start = numbering_range_start(range), *end = numbering_range_end(range);
	int digits = start->digits;
	uint64_t n = start->value, last = end->value;
	for (;;) {
		int rc = numbering__inventory_find(scratch, store, digits, n, n);
		if (rc == NUMBERING_NOT_FOUND || (rc == NUMBERING_OK && !scratch->listed))
			return not_available(field, digits, n);
		if (rc != NUMBERING_OK)
			return rc;
		uint64_t upto = scratch->last < last ? scratch->last : last;
		if ((rc = numbering__inventory_take(store, scratch, n, upto)) != NUMBERING_OK)
			return rc;
		*removed += (int64_t)(upto - n + 1);
		if (upto == last)
			return NUMBERING_OK;
		n = upto + 1;
	}
}

int numbering_store_remove_available(int64_t *removed, numbering_store *store, const char *caller,
                                     const char *const *phone_numbers, int count)
{
	if (removed != NULL)
		*removed = 0;
	if (store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_remove_available: store is NULL");
	int rc = numbering__authorize(store, caller, NUMBERING__PERM_AVAILABLE_REMOVE, "*");
	if (rc == NUMBERING_OK)
		rc = check_batch(phone_numbers, count, "phoneNumbers");
	numbering_range *ranges = NULL;
	if (rc == NUMBERING_OK && (ranges = numbering__malloc((size_t)count * sizeof(*ranges))) == NULL)
		rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for %d numbers", count);
	for (int i = 0; i < count && rc == NUMBERING_OK; i++) {
		char field[48];
		snprintf(field, sizeof(field), "phoneNumbers[%d]", i);
		rc = parse_numbers(&ranges[i], phone_numbers[i], field);
	}
	numbering_available_number scratch;
	memset(&scratch, 0, sizeof(scratch));
	int64_t total = 0;
	if (rc == NUMBERING_OK) {
		numbering__rwlock_wrlock(&store->lock);
		rc = numbering__begin(store);
		for (int i = 0; i < count && rc == NUMBERING_OK; i++) {
			char field[48];
			snprintf(field, sizeof(field), "phoneNumbers[%d]", i);
			rc = remove_range(store, &scratch, &ranges[i], field, &total);
		}
		if (rc == NUMBERING_OK)
			rc = numbering__commit(store);
		else
			numbering__rollback(store);
		numbering__rwlock_wrunlock(&store->lock);
		if (rc == NUMBERING_OK)
			rc = numbering__durable(store);
	}
	numbering__available_clear(&scratch);
	numbering__free_mem(ranges);
	if (rc == NUMBERING_OK && removed != NULL)
		*removed = total;
	return rc;
}

/* ---- Search ---- */

int numbering_available_query_init(numbering_available_query *query)
{
	if (query == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_available_query_init: query is NULL");
	numbering_available_query init = NUMBERING_AVAILABLE_QUERY_INIT;
	*query = init;
	return NUMBERING_OK;
}

/* numbering_e164_region_country_code() of a region code of two upper-case letters,
 * remembered (as available.c remembers which regions are known): a START pattern
 * without '+' needs it on every search, where the table look-up was 3% of a search.
 * The code + 1; 0 when not asked yet (a race only asks the table twice). */
static _Atomic uint16_t country_codes[26 * 26];

static int country_code(const char *region_code)
{
	size_t i = (size_t)(region_code[0] - 'A') * 26 + (size_t)(region_code[1] - 'A');
	uint16_t c = atomic_load_explicit(&country_codes[i], memory_order_relaxed);
	if (c == 0) {
		int code = numbering_e164_region_country_code(region_code);
		if (code < 0 || code >= UINT16_MAX)
			return code;
		c = (uint16_t)(code + 1);
		atomic_store_explicit(&country_codes[i], c, memory_order_relaxed);
	}
	return c - 1;
}

int numbering__search_prepare(struct numbering__search *s, const numbering_available_query *q)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	/* Every member but the arrays, which are read up to their lengths only (a search
	 * is cleared on every call: the memset of the intervals was 1% of one). */
	s->parent[0] = '\0';
	s->mode = 0;
	s->size = 0;
	s->capabilities = 0;
	s->has_intervals = 0;
	s->interval_count = 0;
	s->pattern[0] = '\0';
	s->pattern_len = 0;
	if (q == NULL || q->version < 1)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "query",
		                              "the query is NULL or not initialized with NUMBERING_AVAILABLE_QUERY_INIT");
	if (q->region_code == NULL || q->region_code[0] == '\0')
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "regionCode", "regionCode is required");
	if (q->type == NUMBERING_NUMBER_TYPE_UNSPECIFIED)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "type", "type is required");
	int rc = numbering__available_parent(s->parent, q->region_code, q->type);
	if (rc != NUMBERING_OK)
		return rc;
	if (q->search_pattern < NUMBERING_SEARCH_START || q->search_pattern > NUMBERING_SEARCH_END)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "numberPattern.searchPattern",
		                              "numberPattern.searchPattern %d is not START, CONTAINS or END", q->search_pattern);
	if (q->capabilities < 0 || q->capabilities > 7)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "capabilities",
		                              "capabilities %d holds a bit that is not NUMBERING_CAPABILITY_*", q->capabilities);
	if (q->size < 0 || q->size > NUMBERING__SEARCH_SIZE_MAX)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "size", "size %d is not 1 to %d", q->size,
		                              NUMBERING__SEARCH_SIZE_MAX);
	s->size = q->size == 0 ? NUMBERING__SEARCH_SIZE_DEFAULT : q->size;
	s->mode = q->search_pattern;
	s->capabilities = (uint8_t)q->capabilities;
	const char *p = q->pattern ? q->pattern : "";
	int plus = p[0] == '+';
	size_t len = strlen(p + plus);
	if ((plus && s->mode != NUMBERING_SEARCH_START) || (plus && len == 0) || len > 15 ||
	    strspn(p + plus, "0123456789") != len)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "numberPattern.pattern",
		                              "numberPattern.pattern \"%s\" is not 1 to 15 digits (a '+' first only with START)",
		                              numbering__quote(quoted, p, strlen(p)));
	if (s->mode == NUMBERING_SEARCH_START && len > 0) {
		/* Without '+', the pattern starts the national significant number. */
		char digits[40];
		size_t n = 0;
		if (!plus) {
			/* A region without a country code (0) matches no number: "0" starts none. */
			char cc[12];
			size_t k = 0;
			/* (numbering__available_parent() checked it: two known upper-case letters.) */
			int code = country_code(q->region_code);
			for (; code > 0 && k < sizeof(cc); code /= 10)
				cc[k++] = (char)('0' + code % 10);
			if (k == 0)
				cc[k++] = '0';
			while (k > 0)
				digits[n++] = cc[--k];
		}
		memcpy(digits + n, p + plus, len + 1);
		s->interval_count = numbering__prefix_intervals(s->intervals, digits);
		s->has_intervals = 1;
	} else if (len > 0) {
		memcpy(s->pattern, p, len + 1);
		s->pattern_len = len;
	}
	return NUMBERING_OK;
}

static int contains(const char *digits, size_t n, const char *pattern, size_t len)
{
	for (size_t i = 0; i + len <= n; i++)
		if (memcmp(digits + i, pattern, len) == 0)
			return 1;
	return 0;
}

uint64_t numbering__search_next(const struct numbering__search *s, int digits, uint64_t from, uint64_t to, int *found)
{
	*found = 0;
	if (s->has_intervals) {
		for (size_t i = 0; i < s->interval_count; i++) {
			const numbering_record_interval *v = &s->intervals[i];
			if (v->digits != digits || v->last < from || v->first > to)
				continue;
			*found = 1;
			return v->first > from ? v->first : from;
		}
		return 0;
	}
	if (s->pattern_len == 0) {
		*found = from <= to;
		return from;
	}
	if (s->mode == NUMBERING_SEARCH_END) {
		uint64_t mod = 1, p = 0;
		for (size_t i = 0; i < s->pattern_len; i++) {
			mod *= 10;
			p = p * 10 + (uint64_t)(s->pattern[i] - '0');
		}
		if (s->pattern_len > (size_t)digits)
			return 0;
		uint64_t x = from - from % mod + p;
		if (x < from)
			x += mod;
		*found = x <= to;
		return x;
	}
	for (uint64_t x = from;; x++) {
		char text[24];
		snprintf(text, sizeof(text), "%0*llu", digits, (unsigned long long)x);
		if (contains(text, (size_t)digits, s->pattern, s->pattern_len)) {
			*found = 1;
			return x;
		}
		if (x == to)
			return 0;
	}
}

static int collect_match(const numbering_available_number *block, uint64_t x, void *payload);
static int collect_numbers(numbering_available_list *list, const numbering_available_number *block, uint64_t x,
                           uint64_t last);

/* Why a START walk stopped at a record outside the search's intervals. */
enum { JUMP_NONE, JUMP_INTO, JUMP_PAST };

struct search_visit {
	const struct numbering__search *s;
	numbering_available_number block;
	struct numbering__available_reader reader; /* into block */
	numbering__search_match_cb match;
	void *payload;
	int rc;
	int matched; /* matches handed to @match */
	int stopped; /* @match asked to stop */
	/* START (walk_prefix): the records come in number order, unfiltered. */
	int walking;
	int jump;         /* JUMP_*: the walk stopped at a record below (INTO) or past (PAST) its interval */
	int jump_digits;  /* the digit count of that record */
	uint32_t entered; /* bit d: the walk was placed at the start of the interval of d digits */
};

/* The START interval of numbers of @digits digits, or NULL (a prefix's intervals have
 * one digit count each, from the prefix's length up). */
static const numbering_record_interval *interval_of(const struct numbering__search *s, int digits)
{
	if (s->interval_count == 0 || digits < s->intervals[0].digits)
		return NULL;
	size_t i = (size_t)(digits - s->intervals[0].digits);
	return i < s->interval_count && s->intervals[i].digits == digits ? &s->intervals[i] : NULL;
}

static int search_visit(const numbering_record *record, void *payload)
{
	struct search_visit *v = payload;
	if (v->walking) {
		const numbering_record_interval *iv = interval_of(v->s, record->digits);
		if (iv == NULL) {
			/* Past the longest digit count: the walk is over (shorter ones are before
			 * the walk's start). */
			return record->digits > v->s->intervals[0].digits ? NUMBERING__VISIT_STOP : 0;
		}
		if (record->last < iv->first) {
			/* Below the interval: the walk is placed again at its start. Once it was,
			 * no record below comes (it starts at the holder of the interval's first
			 * number), but one that did would be skipped, not loop. */
			if (v->entered & (UINT32_C(1) << record->digits))
				return 0;
			v->jump = JUMP_INTO;
			v->jump_digits = record->digits;
			return NUMBERING__VISIT_STOP;
		}
		if (record->first > iv->last) {
			v->jump = JUMP_PAST;
			v->jump_digits = record->digits;
			return NUMBERING__VISIT_STOP;
		}
	}
	int rc = numbering__available_read(&v->reader, record);
	if (rc != NUMBERING_OK) {
		v->rc = rc;
		return rc;
	}
	if ((v->block.capabilities & v->s->capabilities) != v->s->capabilities)
		return 0;
	if (v->walking) {
		/* START: the numbers of the block inside its digit count's interval. */
		const numbering_record_interval *iv = interval_of(v->s, v->block.digits);
		uint64_t x = v->block.first > iv->first ? v->block.first : iv->first;
		uint64_t last = v->block.last < iv->last ? v->block.last : iv->last;
		if (v->match == collect_match) {
			/* A search's page: the block's numbers at once, not a call each. */
			v->matched++;
			if ((rc = collect_numbers(v->payload, &v->block, x, last)) != 0) {
				v->rc = rc == NUMBERING__VISIT_STOP ? NUMBERING_OK : rc;
				v->stopped = 1;
				return NUMBERING__VISIT_STOP;
			}
			return 0;
		}
		for (;; x++) {
			v->matched++;
			if ((rc = v->match(&v->block, x, v->payload)) != 0) {
				v->rc = rc == NUMBERING__VISIT_STOP ? NUMBERING_OK : rc;
				v->stopped = 1;
				return NUMBERING__VISIT_STOP;
			}
			if (x == last)
				return 0;
		}
	}
	uint64_t from = v->block.first;
	int found;
	for (;;) {
		uint64_t x = numbering__search_next(v->s, v->block.digits, from, v->block.last, &found);
		if (!found)
			return 0;
		v->matched++;
		if ((rc = v->match(&v->block, x, v->payload)) != 0) {
			v->rc = rc == NUMBERING__VISIT_STOP ? NUMBERING_OK : rc;
			v->stopped = 1;
			return NUMBERING__VISIT_STOP;
		}
		if (x == v->block.last)
			return 0;
		from = x + 1;
	}
}

/* The last listed record of the parent starting at or before a number (a descending
 * list of one): its digit count and interval. */
struct holder_first {
	int found;
	int digits;
	uint64_t first, last;
};

static int holder_first(const numbering_record *record, void *payload)
{
	struct holder_first *h = payload;
	h->found = 1;
	h->digits = record->digits;
	h->first = record->first;
	h->last = record->last;
	return NUMBERING__VISIT_STOP;
}

/* Places the walk at the start of the interval of @d digits: at the listed record
 * reaching into it from below, or at its first number, found by a descending list of
 * one from the interval's first number (for a backend that does not answer
 * NUMBERING__CONTROL_DIGIT_COUNTS; it reads the same index path as the walk's list
 * after it, where the number index's find read other memory). */
static int place_walk(numbering_store *store, numbering_record_query *query, struct search_visit *v, int d)
{
	const numbering_record_interval *iv = interval_of(v->s, d);
	numbering_record_query back = *query;
	back.order = NUMBERING_RECORD_ORDER_DESCENDING;
	back.has_after = 1;
	back.after = numbering__number_order(d, iv->first) + 1;
	back.limit = 1;
	struct holder_first h = {0, 0, 0, 0};
	int rc = numbering__backend_list(store, &back, holder_first, &h);
	if (rc != NUMBERING_OK)
		return rc;
	/* Numbers are exclusive: no other record starts between the holder's first
	 * number and the interval's. */
	uint64_t first = h.found && h.digits == d && h.first < iv->first && h.last >= iv->first ? h.first : iv->first;
	query->after = numbering__number_order(d, first) - 1;
	v->entered |= UINT32_C(1) << d;
	return NUMBERING_OK;
}

/* Where the walk goes on from the interval of @d digits on (the search's intervals
 * have one digit count each, in order): the backend names the first whose digit count
 * the parent holds and the number its walk starts at (NUMBERING__CONTROL_DIGIT_COUNTS,
 * one seek of the index the walk lists); *placed is 0 when none is left. A backend that
 * does not answer: the walk lists on from the interval's digit count (@d only when
 * @into: a record of @d digits was seen below its interval). *own is cleared then. */
static int place_from(numbering_store *store, numbering_record_query *query, struct search_visit *v, int d, int into,
                      int *own, int *placed)
{
	const struct numbering__search *s = v->s;
	*placed = 0;
	size_t k = (size_t)(d - s->intervals[0].digits);
	if (k >= s->interval_count)
		return NUMBERING_OK;
	if (*own) {
		numbering_backend *b = store->backend;
		struct numbering__digit_counts counts = {NUMBERING__KIND_AVAILABLE, s->parent, s->intervals + k,
		                                         into ? 1 : s->interval_count - k, 0, 0, 0};
		unsigned serial = numbering__error_serial();
		if (b->control != NULL && b->control(b, NUMBERING__CONTROL_DIGIT_COUNTS, &counts) == NUMBERING_OK) {
			if (counts.start_interval >= counts.interval_count)
				return NUMBERING_OK;
			int at = s->intervals[k + counts.start_interval].digits;
			query->after = numbering__number_order(at, counts.start) - 1;
			v->entered |= UINT32_C(1) << at;
			*placed = 1;
			return NUMBERING_OK;
		}
		/* The refusal is no error of the search (one set before it is left alone). */
		if (numbering__error_serial() != serial)
			numbering_error_clear();
		*own = 0;
	}
	*placed = 1;
	if (into)
		return place_walk(store, query, v, d);
	query->after = numbering__number_order(d, 0) - 1;
	return NUMBERING_OK;
}

/*
 * START: one walk of the parent in number order (the records' sort key), without an
 * interval filter, from the shortest digit count the prefix can have that the parent
 * holds, at the record reaching into its interval from below or at the interval's
 * first number (both from the backend: NUMBERING__CONTROL_DIGIT_COUNTS). Its visitor
 * stops at the first record outside the prefix's interval of the record's digit count:
 * past it, the walk is placed again at the next digit count's start; below it (only
 * without the backend's answer, which then walks from the prefix's shortest digit
 * count), at that interval's start. So a search reads the records of its page after
 * one seek for each digit count the parent holds: one backend list for a parent of
 * one digit count, not a list and a find for each digit count the prefix could have,
 * nor a read of every record under the prefix (bench/bench-inventory.c,
 * docs/PERFORMANCE.md).
 */
static int walk_prefix(numbering_store *store, numbering_record_query *query, struct search_visit *v)
{
	const struct numbering__search *s = v->s;
	if (s->interval_count == 0)
		return NUMBERING_OK;
	v->walking = 1;
	query->has_after = 1;
	int own = 1, placed = 0;
	int rc = place_from(store, query, v, s->intervals[0].digits, 0, &own, &placed);
	for (;;) {
		if (rc != NUMBERING_OK || !placed)
			return rc;
		v->jump = JUMP_NONE;
		rc = numbering__backend_list(store, query, search_visit, v);
		if (rc == NUMBERING_OK)
			rc = v->rc;
		if (rc != NUMBERING_OK || v->stopped || v->jump == JUMP_NONE)
			return rc;
		int d = v->jump_digits;
		rc = place_from(store, query, v, v->jump == JUMP_PAST ? d + 1 : d, v->jump == JUMP_INTO, &own, &placed);
	}
}

int numbering__search_run(numbering_store *store, const struct numbering__search *s, numbering__search_match_cb match,
                          void *payload)
{
	numbering_record_query query = NUMBERING_RECORD_QUERY_INIT;
	query.kind = NUMBERING__KIND_AVAILABLE;
	query.order = NUMBERING_RECORD_ORDER_ASCENDING;
	query.parent = s->parent;
	query.listed_only = 1;
	struct search_visit v;
	memset(&v, 0, sizeof(v));
	v.s = s;
	v.match = match;
	v.payload = payload;
	/* The block holds no text (the memset): its reader clears it before each decode. */
	v.reader.out = &v.block;
	int rc;
	if (!s->has_intervals)
		rc = numbering__backend_list(store, &query, search_visit, &v);
	else
		rc = walk_prefix(store, &query, &v);
	numbering__available_clear(&v.block);
	return rc != NUMBERING_OK ? rc : v.rc;
}

/* Adds @delta to the @digits-digit number of @text ("+" and its digits) in place: the
 * sum still has @digits digits (it is a number of the same block). */
static void add_to_text(char *text, int digits, uint64_t delta)
{
	if (delta == 1) { /* the next number of a block: most results */
		for (int i = digits; i >= 1; i--) {
			if (text[i] != '9') {
				text[i]++;
				return;
			}
			text[i] = '0';
		}
		return;
	}
	unsigned carry = 0;
	for (int i = digits; i >= 1 && (delta != 0 || carry != 0); i--) {
		unsigned d = (unsigned)(text[i] - '0') + (unsigned)(delta % 10) + carry;
		delta /= 10;
		carry = d >= 10;
		text[i] = (char)('0' + (carry ? d - 10 : d));
	}
}

/* Each result is a copy of its block with its own number: the first of a block copies
 * the block's text, the next ones share it. A result's number text is counted on from
 * the block's first number (or the result before), not formatted again: formatting
 * each number was a tenth of a search. */
static int collect_match(const numbering_available_number *block, uint64_t x, void *payload)
{
	numbering_available_list *list = payload;
	numbering_available_number *item = &list->items[list->count];
	if (list->count == 0 || list->block_digits != block->digits || list->block_first != block->first ||
	    list->block_last != block->last) {
		int rc = numbering__available_copy(item, block);
		if (rc != NUMBERING_OK)
			return rc;
		/* The block's phone_number is its first number's. */
		add_to_text(item->phone_number, block->digits, x - block->first);
		list->owns[list->count] = 1;
		list->owner = list->count;
		list->block_digits = block->digits;
		list->block_first = block->first;
		list->block_last = block->last;
	} else {
		const numbering_available_number *prev = &list->items[list->count - 1];
		memcpy(item, prev, sizeof(*item));
		list->owns[list->count] = 0;
		/* The results of a block come in number order: x is after prev's number. */
		if (x > prev->first)
			add_to_text(item->phone_number, block->digits, x - prev->first);
		else
			numbering__available_set_interval(item, block->digits, x, x);
	}
	item->first = item->last = x;
	return ++list->count == list->cap ? NUMBERING__VISIT_STOP : 0;
}

/* collect_match() of the numbers @x .. @last of @block, as many as the page has room
 * for: the first as collect_match() adds it, each next one a copy of the one before
 * with its number counted on (a call of collect_match() a number was a sixth of what
 * a result cost). */
static int collect_numbers(numbering_available_list *list, const numbering_available_number *block, uint64_t x,
                           uint64_t last)
{
	int rc = collect_match(block, x, list);
	if (rc != 0)
		return rc;
	numbering_available_number *item = &list->items[list->count];
	for (; x < last && list->count < list->cap; item++) {
		memcpy(item, item - 1, sizeof(*item));
		list->owns[list->count++] = 0;
		add_to_text(item->phone_number, block->digits, 1);
		item->first = item->last = ++x;
	}
	return list->count == list->cap ? NUMBERING__VISIT_STOP : 0;
}

/* A list with room for @cap results, in one allocation (nothing in it is read before
 * it is written). */
static numbering_available_list *list_new(int cap)
{
	size_t align = _Alignof(numbering_available_number);
	size_t head = (sizeof(numbering_available_list) + align - 1) / align * align;
	numbering_available_list *list =
		numbering__malloc(head + (size_t)cap * (sizeof(numbering_available_number) + 1));
	if (list == NULL)
		return NULL;
	list->count = 0;
	list->cap = cap;
	list->items = (numbering_available_number *)(void *)((char *)list + head);
	list->owns = (uint8_t *)(list->items + cap);
	list->owner = 0;
	list->block_digits = 0;
	list->block_first = list->block_last = 0;
	return list;
}

/* ---- Numbers of reservations expired and not ended ---- */

/* The matches of a search among the numbers reservations due by now still hold (their
 * expiry not written: numbering__due_before_read()), each a copy of its record owning
 * its text, shown as the inventory's (listed, no reservation). */
struct expired_matches {
	const struct numbering__search *s;
	numbering_available_number *items;
	size_t count, cap;
};

static int expired_match(const numbering_available_number *n, void *payload)
{
	struct expired_matches *m = payload;
	char parent[NUMBERING__AVAILABLE_PARENT_SIZE];
	if (numbering__available_parent(parent, n->region_code, (int)n->type) != NUMBERING_OK ||
	    strcmp(parent, m->s->parent) != 0 || (n->capabilities & m->s->capabilities) != m->s->capabilities)
		return NUMBERING_OK;
	/* A block's first matches are all a page could take of it. */
	uint64_t from = n->first;
	int found = 0;
	for (int taken = 0; taken < m->s->size; taken++) {
		uint64_t x = numbering__search_next(m->s, n->digits, from, n->last, &found);
		if (!found)
			break;
		if (m->count == m->cap) {
			size_t cap = m->cap ? m->cap * 2 : 16;
			numbering_available_number *grown = numbering__realloc(m->items, cap * sizeof(*grown));
			if (grown == NULL)
				return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for available numbers");
			m->items = grown;
			m->cap = cap;
		}
		numbering_available_number *item = &m->items[m->count];
		memset(item, 0, sizeof(*item));
		int rc = numbering__available_copy(item, n);
		if (rc != NUMBERING_OK)
			return rc;
		m->count++;
		numbering__available_set_interval(item, n->digits, x, x);
		item->listed = 1;
		numbering__free_mem(item->reservation);
		item->reservation = NULL;
		if (x == n->last)
			break;
		from = x + 1;
	}
	return NUMBERING_OK;
}

static int by_number_order(const void *a, const void *b)
{
	const numbering_available_number *x = a, *y = b;
	int64_t p = numbering__number_order(x->digits, x->first), q = numbering__number_order(y->digits, y->first);
	return p < q ? -1 : p > q;
}

/* Merges into *@list (a search's page, in number order) the numbers of reservations
 * expired by @now whose expiry is not written yet, where the expiry will put them: no
 * read shows a number held past its reservation's expire time. Called only when the
 * due work could not be written (numbering__due_before_read_unwritten()), so a search
 * with room costs nothing more. The caller holds a lock. */
static int with_expired(numbering_available_list **list, numbering_store *store, const struct numbering__search *s,
                        int64_t now)
{
	struct expired_matches m = {s, NULL, 0, 0};
	int rc = numbering__reservations_due_held(store, now, expired_match, &m);
	numbering_available_list *page = *list, *merged = NULL;
	if (rc == NUMBERING_OK && m.count > 0 && (merged = list_new(page->cap)) == NULL)
		rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for %d available numbers", s->size);
	if (rc == NUMBERING_OK && merged != NULL) {
		qsort(m.items, m.count, sizeof(*m.items), by_number_order);
		/* Both in number order: the page's first of either. A result's text is owned
		 * by the first of its block in the page, which comes before it, so what is
		 * left out past the page's size owns the text of nothing kept. */
		int i = 0;
		size_t j = 0;
		while (merged->count < merged->cap && (i < page->count || j < m.count)) {
			int take_page = j == m.count || (i < page->count && by_number_order(&page->items[i], &m.items[j]) <= 0);
			if (take_page) {
				merged->items[merged->count] = page->items[i];
				merged->owns[merged->count++] = page->owns[i];
				page->owns[i++] = 0;
			} else {
				merged->items[merged->count] = m.items[j];
				merged->owns[merged->count++] = 1;
				memset(&m.items[j++], 0, sizeof(m.items[0]));
			}
		}
		numbering_available_list_free(page);
		*list = merged;
	}
	for (size_t j = 0; j < m.count; j++)
		numbering__available_free_text(&m.items[j]);
	numbering__free_mem(m.items);
	return rc;
}

int numbering_store_search_available(numbering_available_list **out, numbering_store *store, const char *caller,
                                     const char *project, const numbering_available_query *query)
{
	if (out == NULL || store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_search_available: %s is NULL",
		                            out == NULL ? "out" : "store");
	*out = NULL;
	char checked[NUMBERING__PROJECT_SIZE];
	struct numbering__search s;
	int rc = numbering__project_of_parent(checked, project, "projectId");
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_AVAILABLE_LIST, checked);
	if (rc == NUMBERING_OK)
		rc = numbering__search_prepare(&s, query);
	/* Releases due by now have returned their numbers to the inventory; the numbers of
	 * reservations expired by now are shown even when their expiry cannot be written (a
	 * full disk, a read-only open): with_expired(). */
	int64_t now = 0;
	int unwritten = 0;
	if (rc == NUMBERING_OK)
		rc = numbering__due_before_read_unwritten(&now, &unwritten, store, 1);
	if (rc != NUMBERING_OK)
		return rc;
	numbering_available_list *list = list_new(s.size);
	if (list == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for %d available numbers", s.size);
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	rc = numbering__search_run(store, &s, collect_match, list);
	if (rc == NUMBERING_OK && unwritten)
		rc = with_expired(&list, store, &s, now);
	numbering__rwlock_rdunlock(&store->lock, slot);
	if (rc != NUMBERING_OK) {
		numbering_available_list_free(list);
		return rc;
	}
	*out = list;
	return NUMBERING_OK;
}

int numbering_available_list_count(const numbering_available_list *list)
{
	return list == NULL ? 0 : list->count;
}

const numbering_available_number *numbering_available_list_item(const numbering_available_list *list, int i)
{
	return list == NULL || i < 0 || i >= list->count ? NULL : &list->items[i];
}

void numbering_available_list_free(numbering_available_list *list)
{
	if (list == NULL)
		return;
	for (int i = 0; i < list->count; i++)
		if (list->owns[i])
			numbering__available_free_text(&list->items[i]);
	numbering__free_mem(list);
}

/* ---- Get ---- */

int numbering__parse_one_number(int *digits, uint64_t *value, const char *phone_number, const char *field)
{
	numbering_range range;
	int rc = parse_numbers(&range, phone_number, field);
	if (rc != NUMBERING_OK)
		return rc;
	char quoted[NUMBERING__QUOTE_SIZE];
	if (numbering_range_size(&range) != 1)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "%s \"%s\" is not one number", field,
		                              numbering__quote(quoted, phone_number, strlen(phone_number)));
	*digits = numbering_range_start(&range)->digits;
	*value = numbering_range_start(&range)->value;
	return NUMBERING_OK;
}

int numbering_store_get_available(numbering_available_number **out, numbering_store *store, const char *caller,
                                  const char *project, const char *phone_number)
{
	if (out == NULL || store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_get_available: %s is NULL",
		                            out == NULL ? "out" : "store");
	*out = NULL;
	char checked[NUMBERING__PROJECT_SIZE];
	int digits = 0;
	uint64_t value = 0;
	int rc = numbering__project_of_parent(checked, project, "projectId");
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_AVAILABLE_GET, checked);
	if (rc == NUMBERING_OK)
		rc = numbering__parse_one_number(&digits, &value, phone_number, "phoneNumber");
	/* As a search: a number of a reservation expired by now is available, its expiry
	 * written or not (a full disk, a read-only open). */
	int64_t now = 0;
	int unwritten = 0;
	if (rc == NUMBERING_OK)
		rc = numbering__due_before_read_unwritten(&now, &unwritten, store, 1);
	numbering_available_number *n = NULL;
	if (rc == NUMBERING_OK)
		rc = numbering_available_number_new(&n);
	if (rc != NUMBERING_OK)
		return rc;
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	rc = numbering__inventory_find(n, store, digits, value, value);
	int ended = 0;
	if (rc == NUMBERING_OK && unwritten && !n->listed && n->reservation != NULL)
		rc = numbering__reservation_ended(&ended, store, n->reservation, now);
	numbering__rwlock_rdunlock(&store->lock, slot);
	if (rc == NUMBERING_OK && ended) {
		n->listed = 1;
		numbering__free_mem(n->reservation);
		n->reservation = NULL;
	}
	if (rc == NUMBERING_OK && !numbering__available_usable(n, checked))
		rc = NUMBERING_NOT_FOUND;
	if (rc == NUMBERING_NOT_FOUND) {
		numbering__available_set_interval(n, digits, value, value);
		rc = numbering__error_field(NUMBERING_NOT_FOUND, "phoneNumber", "phone number %s is not available",
		                            n->phone_number);
	}
	if (rc != NUMBERING_OK) {
		numbering_available_number_free(n);
		return rc;
	}
	numbering__available_set_interval(n, digits, value, value);
	*out = n;
	return NUMBERING_OK;
}
