/*
 * Reservations (numbering/reservation.h): numbers of the inventory held for one
 * project until an expiry time.
 *
 * A reserved number is taken out of its block (numbering__inventory_take()) and kept
 * as a single AVAILABLE record that is not listed (no search sees it) whose attribute
 * "reservation" names the reservation (model/available-fields.h). The holder's rent or
 * purchase takes it like any number (numbering__available_usable()), which removes
 * that record: so the numbers a reservation still holds are the ones whose record is
 * still there, unlisted and naming it, and a number rented or purchased leaves its
 * reservation without the rent knowing about reservations. The expiry, a delete, and
 * reading a reservation all look at the numbers that way.
 *
 * The RESERVATION record (docs/RECORDS.md): name "{project}/reservations/{id}" (id
 * from the create time, make_id()),
 * parent the project, sort key its create time (a store time: unique, and newest
 * first is descending), expires its expiry time; the attributes of
 * model/reservation-fields.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/alloc.h"
#include "core/error.h"
#include "e164/format.h"
#include "model/available.h"
#include "model/fields.h"
#include "model/kinds.h"
#include "model/reservation-fields.h"
#include "model/validate.h"
#include "numbering/active.h"
#include "numbering/reservation.h"
#include "service/backend-call.h"
#include "service/active.h"
#include "service/commit-or-rollback.h"
#include "service/inventory.h"
#include "service/reservation.h"
#include "service/service.h"

#define LIST_DEFAULT 10
#define LIST_MAX 1000
#define EXPIRE_BATCH 64
#define SUFFIX "/reservations/"
#define SUFFIX_LEN (sizeof(SUFFIX) - 1)
#define ID_MAX 16
#define NAME_SIZE (NUMBERING__PROJECT_SIZE + SUFFIX_LEN + ID_MAX + 1)
/* "+" and up to 16 digits, NUL. */
#define NUMBER_SIZE (NUMBERING_RECORD_DIGITS_MAX + 2)
/* A field path of an error violation. */
#define FIELD_SIZE 128

struct reservation_fields {
	NUMBERING__FIELDS_MEMBERS(NUMBERING__RESERVATION_FIELDS)
};

#define DESCRIBE(id, type, json, limit, dflt) NUMBERING__FIELD_ROW(struct reservation_fields, id, type, json, limit, dflt)
static const struct numbering__field rows[] = {NUMBERING__RESERVATION_FIELDS(DESCRIBE)};
#undef DESCRIBE
NUMBERING__FIELDS_FUNCTIONS(reservation, struct reservation_fields, "reservation", NUMBERING__RESERVATION_FIELDS)
static const struct numbering__fields table = {rows, sizeof(rows) / sizeof(rows[0]), "reservation", reservation_encode, reservation_clear};

struct number {
	int digits;
	uint64_t value;
	char text[NUMBER_SIZE];
};

struct numbering_reservation {
	char name[NAME_SIZE];
	int64_t create_time, expire_time;
	int count; /* the numbers it holds (it took, before they are looked at) */
	struct number numbers[NUMBERING_RESERVATION_MAX];
};

struct numbering_reservation_page {
	int count;
	numbering_reservation *items;
	char next_token[NUMBERING__TOKEN_TEXT_MAX];
};

/* ---- Names ---- */

static int id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* The project of a reservation name into @project: INVALID_ARGUMENT naming @field. */
static int project_of_name(char project[NUMBERING__PROJECT_SIZE], const char *name, const char *field)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	const char *n = name ? name : "";
	const char *at = strstr(n, SUFFIX);
	size_t id_len = at ? strlen(at + SUFFIX_LEN) : 0;
	int ok = at != NULL && (size_t)(at - n) < NUMBERING__PROJECT_SIZE && id_len >= 1 && id_len <= ID_MAX;
	for (size_t i = 0; ok && i < id_len; i++)
		ok = id_char(at[SUFFIX_LEN + i]);
	if (ok) {
		char parent[NUMBERING__PROJECT_SIZE];
		memcpy(parent, n, (size_t)(at - n));
		parent[at - n] = '\0';
		ok = numbering__project_of_parent(project, parent, field) == NUMBERING_OK;
	}
	if (!ok)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "%s \"%s\" is not a reservation name (projects/{project}/reservations/{id})",
		                              field, numbering__quote(quoted, n, strlen(n)));
	return NUMBERING_OK;
}

/* "r" and the create time in 13 letters of [a-z2-7]: a store time is unique in the
 * store, so the id is too, and a scripted session (a numberctl batch on its fake
 * clock, docs/JSON-API.md) knows the name it gets. */
static void make_id(char id[ID_MAX + 1], int64_t create_time)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
	uint64_t v = (uint64_t)create_time;
	id[0] = 'r';
	for (int i = 13; i >= 1; i--, v >>= 5)
		id[i] = alphabet[v & 31];
	id[14] = '\0';
}

/* ---- Numbers ---- */

static void number_text(struct number *n)
{
	if (numbering__e164_format(n->text, sizeof(n->text), n->value, (unsigned)n->digits) == 0)
		n->text[0] = '\0';
}

/* "+digits" of @len bytes at @s into @n; 0 when it is not one. */
static int read_number(struct number *n, const char *s, size_t len)
{
	if (len < 2 || len > NUMBERING_RECORD_DIGITS_MAX + 1 || s[0] != '+')
		return 0;
	n->digits = (int)len - 1;
	n->value = 0;
	for (size_t i = 1; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		n->value = n->value * 10 + (uint64_t)(s[i] - '0');
	}
	memcpy(n->text, s, len);
	n->text[len] = '\0';
	return 1;
}

/* The comma-separated numbers of @text into @r; 0 when they are not 1 ..
 * NUMBERING_RESERVATION_MAX numbers. */
static int read_numbers(numbering_reservation *r, const char *text)
{
	r->count = 0;
	for (const char *s = text;;) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		if (r->count == NUMBERING_RESERVATION_MAX || !read_number(&r->numbers[r->count], s, len))
			return 0;
		r->count++;
		if (comma == NULL)
			return 1;
		s = comma + 1;
	}
}

/* ---- The record ---- */

static int damaged(const numbering_record *record, const char *field, const char *problem)
{
	return numbering__record_damaged(record, "", field, problem);
}

static int read_record(numbering_reservation *r, const numbering_record *record)
{
	struct reservation_fields f;
	memset(&f, 0, sizeof(f));
	char project[NUMBERING__PROJECT_SIZE];
	size_t plen = record->parent ? strlen(record->parent) : 0;
	if (record->kind != NUMBERING__KIND_RESERVATION || record->name == NULL || plen == 0 ||
	    strncmp(record->name, record->parent, plen) != 0 || strncmp(record->name + plen, SUFFIX, SUFFIX_LEN) != 0 ||
	    strlen(record->name) >= NAME_SIZE || project_of_name(project, record->name, "name") != NUMBERING_OK)
		return damaged(record, "name", "it is not {project}/reservations/{id} under its project");
	if (record->digits != 0 || record->flags != 0)
		return damaged(record, "flags", "a reservation holds no interval and has no flags");
	for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS; i++)
		if (record->keys[i] != NULL)
			return damaged(record, "keys", "a reservation has no secondary keys");
	int rc = numbering__fields_decode_record(&table, &f, record, "");
	if (rc == NUMBERING_OK) {
		if (f.phone_numbers == NULL || !read_numbers(r, f.phone_numbers))
			rc = damaged(record, "phoneNumbers", "it is not 1 to 100 numbers \"+digits\" separated by commas");
		else if (f.create_time <= 0 || f.create_time != record->sort_key)
			rc = damaged(record, "createTime", "it is not the record's sort key");
		else if (f.expire_time <= f.create_time || f.expire_time != record->expires)
			rc = damaged(record, "expireTime", "it is not the record's expiry, after its create time");
	}
	if (rc == NUMBERING_OK) {
		snprintf(r->name, sizeof(r->name), "%s", record->name);
		r->create_time = f.create_time;
		r->expire_time = f.expire_time;
	}
	numbering__fields_clear(&table, &f);
	return rc;
}

int numbering__reservation_record_check(const numbering_record *record)
{
	numbering_reservation *r = numbering__malloc(sizeof(*r));
	if (r == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory checking a reservation");
	int rc = read_record(r, record);
	numbering__free_mem(r);
	return rc;
}

static int put_record(numbering_store *store, const numbering_reservation *r, const char *project)
{
	struct reservation_fields f;
	memset(&f, 0, sizeof(f));
	size_t len = 0;
	for (int i = 0; i < r->count; i++)
		len += strlen(r->numbers[i].text) + 1;
	f.phone_numbers = numbering__malloc(len);
	if (f.phone_numbers == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for a reservation");
	char *p = f.phone_numbers;
	for (int i = 0; i < r->count; i++) {
		size_t n = strlen(r->numbers[i].text);
		memcpy(p, r->numbers[i].text, n);
		p[n] = i + 1 < r->count ? ',' : '\0';
		p += n + 1;
	}
	f.create_time = r->create_time;
	f.expire_time = r->expire_time;
	numbering_record rec;
	memset(&rec, 0, sizeof(rec));
	rec.version = NUMBERING_RECORD_VERSION;
	rec.kind = NUMBERING__KIND_RESERVATION;
	rec.name = r->name;
	rec.parent = project;
	rec.sort_key = r->create_time;
	rec.expires = r->expire_time;
	int rc = numbering__backend_put_fields(store, &rec, &table, &f);
	numbering__fields_clear(&table, &f);
	return rc;
}

struct one_visit {
	numbering_reservation *r;
	int rc;
};

static int one_visit(const numbering_record *record, void *payload)
{
	struct one_visit *v = payload;
	v->rc = read_record(v->r, record);
	return 0;
}

/* The reservation named @name into @r: NOT_FOUND naming "name" when there is none. */
static int load(numbering_reservation *r, numbering_store *store, const char *name)
{
	struct one_visit v = {r, NUMBERING_OK};
	int rc = numbering__backend_get_record(store, NUMBERING__KIND_RESERVATION, name, one_visit, &v);
	if (rc == NUMBERING_NOT_FOUND) {
		char quoted[NUMBERING__QUOTE_SIZE];
		return numbering__error_field(NUMBERING_NOT_FOUND, "name",
		                              "reservation \"%s\" does not exist (it may have expired or been deleted)",
		                              numbering__quote(quoted, name, strlen(name)));
	}
	return rc != NUMBERING_OK ? rc : v.rc;
}

/* The reservation named @name into @r, unless it expired by @now: NOT_FOUND as for one
 * that is gone. Its expiry may not be written yet (numbering__due_before_read()), but
 * no read shows a reservation, or the numbers it held, past its expire time. */
static int load_live(numbering_reservation *r, numbering_store *store, const char *name, int64_t now)
{
	int rc = load(r, store, name);
	if (rc == NUMBERING_OK && r->expire_time <= now) {
		char quoted[NUMBERING__QUOTE_SIZE];
		return numbering__error_field(NUMBERING_NOT_FOUND, "name",
		                              "reservation \"%s\" does not exist (it may have expired or been deleted)",
		                              numbering__quote(quoted, name, strlen(name)));
	}
	return rc;
}

/* ---- What a reservation holds ---- */

/* Whether the record of @n (read into @scratch) is still held by the reservation
 * @name: *held 1 or 0. */
static int holds(int *held, numbering_available_number *scratch, numbering_store *store, const char *name,
                 const struct number *n)
{
	*held = 0;
	int rc = numbering__inventory_find(scratch, store, n->digits, n->value, n->value);
	if (rc == NUMBERING_NOT_FOUND)
		return NUMBERING_OK;
	if (rc == NUMBERING_OK)
		*held = !scratch->listed && scratch->reservation != NULL && strcmp(scratch->reservation, name) == 0;
	return rc;
}

/* Keeps in @r the numbers it still holds (caller holds a lock). */
static int still_held(numbering_reservation *r, numbering_store *store, numbering_available_number *scratch)
{
	int kept = 0, rc = NUMBERING_OK;
	for (int i = 0; i < r->count && rc == NUMBERING_OK; i++) {
		int held = 0;
		rc = holds(&held, scratch, store, r->name, &r->numbers[i]);
		if (held)
			r->numbers[kept++] = r->numbers[i];
	}
	if (rc == NUMBERING_OK)
		r->count = kept;
	return rc;
}

/* Returns the numbers @r still holds to the inventory and removes its record (inside
 * a transaction). */
static int end_locked(numbering_store *store, const numbering_reservation *r, numbering_available_number *scratch)
{
	int rc = NUMBERING_OK;
	for (int i = 0; i < r->count && rc == NUMBERING_OK; i++) {
		int held = 0;
		rc = holds(&held, scratch, store, r->name, &r->numbers[i]);
		if (rc != NUMBERING_OK || !held)
			continue;
		scratch->listed = 1;
		rc = numbering__fields_set_text(&numbering__available_fields, scratch, "reservation", NULL);
		if (rc == NUMBERING_OK)
			rc = numbering__inventory_put(store, scratch);
	}
	if (rc == NUMBERING_OK)
		rc = numbering__backend_remove_record(store, NUMBERING__KIND_RESERVATION, r->name);
	return rc;
}

/* ---- Reserve ---- */

int numbering_reservation_request_init(numbering_reservation_request *request)
{
	if (request == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_reservation_request_init: request is NULL");
	numbering_reservation_request init = NUMBERING_RESERVATION_REQUEST_INIT;
	*request = init;
	return NUMBERING_OK;
}

/* A failure of a criteria check, its field put under "criteria.". */
static int under_criteria(int rc)
{
	char message[512], field[FIELD_SIZE] = "";
	snprintf(message, sizeof(message), "%s", numbering_error_message());
	if (numbering_error_violation_count() > 0)
		snprintf(field, sizeof(field), "%s", numbering_error_violation_field(0));
	char full[FIELD_SIZE + 16];
	snprintf(full, sizeof(full), "criteria.%s", field[0] ? field : "query");
	size_t n = strlen(field);
	if (n > 0 && strncmp(message, field, n) == 0)
		return numbering__error_field(rc, full, "criteria.%s", message);
	return numbering__error_field(rc, full, "%s: %s", full, message);
}

struct checked {
	char project[NUMBERING__PROJECT_SIZE];
	int64_t ttl;
	struct search_and_count {
		struct numbering__search s;
		int count;
	} criteria;
	int has_criteria;
	numbering_reservation *r; /* the numbers given, parsed */
};

static int check_request(struct checked *c, const numbering_reservation_request *q)
{
	if (q == NULL || q->version < 1)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "request",
		                              "the request is NULL or not initialized with NUMBERING_RESERVATION_REQUEST_INIT");
	int has_numbers = q->phone_numbers != NULL || q->phone_number_count != 0;
	c->has_criteria = q->criteria != NULL;
	if (has_numbers == c->has_criteria)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phoneNumbers",
		                              "give exactly one of phoneNumbers and criteria, not %s",
		                              has_numbers ? "both" : "neither");
	if (q->ttl < 0 || q->ttl > NUMBERING_RESERVATION_TTL_MAX)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "ttl",
		                              "ttl %lld ns is not more than 0 and at most 24 hours (86400s)",
		                              (long long)q->ttl);
	c->ttl = q->ttl == 0 ? NUMBERING_RESERVATION_TTL_DEFAULT : q->ttl;
	if (c->has_criteria) {
		if (q->count < 1 || q->count > NUMBERING_RESERVATION_MAX)
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "criteria.count",
			                              "criteria.count %d is not 1 to %d", q->count, NUMBERING_RESERVATION_MAX);
		numbering_available_query query = *q->criteria;
		if (query.version >= 1)
			query.size = q->count;
		int rc = numbering__search_prepare(&c->criteria.s, &query);
		if (rc != NUMBERING_OK)
			return under_criteria(rc);
		c->criteria.count = q->count;
		return NUMBERING_OK;
	}
	if (q->phone_numbers == NULL || q->phone_number_count < 1 || q->phone_number_count > NUMBERING_RESERVATION_MAX)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phoneNumbers", "phoneNumbers must hold 1 to %d numbers, not %d",
		                              NUMBERING_RESERVATION_MAX, q->phone_numbers == NULL ? 0 : q->phone_number_count);
	for (int i = 0; i < q->phone_number_count; i++) {
		char field[32];
		snprintf(field, sizeof(field), "phoneNumbers[%d]", i);
		struct number *n = &c->r->numbers[i];
		int rc = numbering__parse_one_number(&n->digits, &n->value, q->phone_numbers[i], field);
		if (rc != NUMBERING_OK)
			return rc;
		number_text(n);
		for (int j = 0; j < i; j++)
			if (c->r->numbers[j].digits == n->digits && c->r->numbers[j].value == n->value)
				return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "%s: %s is also phoneNumbers[%d]",
				                              field, n->text, j);
	}
	c->r->count = q->phone_number_count;
	return NUMBERING_OK;
}

/* NOT_FOUND naming @field: @n is not in the inventory for @project. A number another
 * project holds reads exactly as one nobody has; the project's own reservation is named. */
static int not_available(const char *field, const struct number *n, const numbering_available_number *found,
                         const char *project)
{
	if (found != NULL && numbering__available_usable(found, project) && found->reservation != NULL)
		return numbering__error_field(NUMBERING_NOT_FOUND, field, "%s: phone number %s is held by %s already",
		                              field, n->text, found->reservation);
	return numbering__error_field(NUMBERING_NOT_FOUND, field, "%s: phone number %s is not available", field, n->text);
}

/* Moves @n, listed in the inventory, into a record of its own held by @r. */
static int hold(numbering_store *store, numbering_available_number *scratch, const numbering_reservation *r,
                const struct number *n, const char *field, const char *project)
{
	int rc = numbering__inventory_find(scratch, store, n->digits, n->value, n->value);
	if (rc == NUMBERING_NOT_FOUND || (rc == NUMBERING_OK && !scratch->listed))
		return not_available(field, n, rc == NUMBERING_OK ? scratch : NULL, project);
	if (rc != NUMBERING_OK)
		return rc;
	if (n->value == scratch->first && n->value < scratch->last) {
		/* A block's first number (a search's first result): the held number keeps the
		 * block's record and name, the rest is a new record. A take would leave the
		 * name to the rest, and the held number's new record would move it off again:
		 * five writes and reads of records instead of two puts and a read. */
		uint64_t last = scratch->last;
		scratch->last = n->value;
		scratch->listed = 0;
		rc = numbering__fields_set_text(&numbering__available_fields, scratch, "reservation", r->name);
		if (rc == NUMBERING_OK)
			rc = numbering__inventory_put(store, scratch);
		scratch->listed = 1;
		if (rc == NUMBERING_OK)
			rc = numbering__fields_set_text(&numbering__available_fields, scratch, "reservation", NULL);
		numbering__available_set_interval(scratch, n->digits, n->value + 1, last);
		return rc == NUMBERING_OK ? numbering__inventory_add(store, scratch) : rc;
	}
	if ((rc = numbering__inventory_take(store, scratch, n->value, n->value)) != NUMBERING_OK)
		return rc;
	numbering__available_set_interval(scratch, n->digits, n->value, n->value);
	scratch->listed = 0;
	rc = numbering__fields_set_text(&numbering__available_fields, scratch, "reservation", r->name);
	return rc == NUMBERING_OK ? numbering__inventory_add(store, scratch) : rc;
}

struct collect {
	numbering_reservation *r;
	int want;
};

static int collect_match(const numbering_available_number *block, uint64_t x, void *payload)
{
	struct collect *c = payload;
	struct number *n = &c->r->numbers[c->r->count++];
	n->digits = block->digits;
	n->value = x;
	number_text(n);
	return c->r->count == c->want ? NUMBERING__VISIT_STOP : 0;
}

static int reserve_locked(numbering_store *store, struct checked *c)
{
	numbering_reservation *r = c->r;
	int64_t last_time = store->last_time, now = 0;
	/* The time names the reservation: taken inside the transaction, under the file
	 * store's write lock, after begin() took what other processes committed. Taken
	 * before it, another process's reservation committed in between could get the
	 * same time (a clock standing still), and this one overwrote it. */
	int rc = numbering__begin(store);
	if (rc != NUMBERING_OK)
		return rc;
	rc = numbering__next_time(store, &now);
	if (rc == NUMBERING_OK && now > NUMBERING__TIME_MAX - c->ttl)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "ttl",
		                            "ttl: the expiry would be past the last time the store records");
	char id[ID_MAX + 1];
	make_id(id, now);
	snprintf(r->name, sizeof(r->name), "%s%s%s", c->project, SUFFIX, id);
	r->create_time = now;
	r->expire_time = now + c->ttl;
	if (rc == NUMBERING_OK && c->has_criteria) {
		struct collect col = {r, c->criteria.count};
		r->count = 0;
		rc = numbering__search_run(store, &c->criteria.s, collect_match, &col);
		if (rc == NUMBERING_OK && r->count < c->criteria.count)
			rc = numbering__error_field(NUMBERING_NOT_FOUND, "criteria.count",
			                            "criteria.count: %d numbers of %s match, not %d: nothing was reserved",
			                            r->count, c->criteria.s.parent, c->criteria.count);
	}
	numbering_available_number scratch;
	memset(&scratch, 0, sizeof(scratch));
	numbering__available_clear(&scratch);
	for (int i = 0; i < r->count && rc == NUMBERING_OK; i++) {
		char field[32];
		snprintf(field, sizeof(field), "phoneNumbers[%d]", i);
		rc = hold(store, &scratch, r, &r->numbers[i], field, c->project);
	}
	if (rc == NUMBERING_OK)
		rc = put_record(store, r, c->project);
	rc = numbering__commit_or_rollback(store, rc);
	numbering__available_clear(&scratch);
	if (rc != NUMBERING_OK)
		store->last_time = last_time;
	return rc;
}

int numbering_store_reserve_available(numbering_reservation **out, numbering_store *store, const char *caller,
                                      const char *project, const numbering_reservation_request *request)
{
	if (out == NULL || store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_reserve_available: %s is NULL",
		                            out == NULL ? "out" : "store");
	*out = NULL;
	struct checked *c = numbering__calloc(1, sizeof(*c));
	numbering_reservation *r = numbering__calloc(1, sizeof(*r));
	int rc = c == NULL || r == NULL ? numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for a reservation")
	                                : NUMBERING_OK;
	if (rc == NUMBERING_OK) {
		c->r = r;
		rc = numbering__project_of_parent(c->project, project, "projectId");
	}
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_RESERVATION_CREATE, c->project);
	if (rc == NUMBERING_OK)
		rc = check_request(c, request);
	if (rc == NUMBERING_OK)
		rc = numbering_store_process_due(NULL, store);
	if (rc == NUMBERING_OK) {
		numbering__rwlock_wrlock(&store->lock);
		rc = reserve_locked(store, c);
		numbering__rwlock_wrunlock(&store->lock);
		if (rc == NUMBERING_OK)
			rc = numbering__durable(store);
	}
	numbering__free_mem(c);
	if (rc != NUMBERING_OK) {
		numbering__free_mem(r);
		return rc;
	}
	*out = r;
	return NUMBERING_OK;
}

/* ---- Get, list, delete ---- */

/* The start of a call on the reservation @name: @caller's @permission on its project,
 * the due work done, *r an empty reservation to load (the caller's to free) and *scratch
 * cleared; nothing to free on failure. */
static int start_on_name(numbering_reservation **r, numbering_available_number *scratch, int64_t *now,
                         numbering_store *store, const char *caller, const char *name, int permission)
{
	char project[NUMBERING__PROJECT_SIZE];
	int rc = project_of_name(project, name, "name");
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, permission, project);
	/* A get answers from the clock when the expiry cannot be written; a delete writes. */
	if (rc == NUMBERING_OK)
		rc = permission == NUMBERING__PERM_RESERVATION_GET ? numbering__due_before_read(now, store, 0)
		                                                    : numbering_store_process_due(NULL, store);
	if (rc == NUMBERING_OK && (*r = numbering__calloc(1, sizeof(**r))) == NULL)
		rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for a reservation");
	if (rc != NUMBERING_OK)
		return rc;
	memset(scratch, 0, sizeof(*scratch));
	numbering__available_clear(scratch);
	return NUMBERING_OK;
}

int numbering_store_get_reservation(numbering_reservation **out, numbering_store *store, const char *caller,
                                    const char *name)
{
	if (out == NULL || store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_get_reservation: %s is NULL",
		                            out == NULL ? "out" : "store");
	*out = NULL;
	numbering_reservation *r = NULL;
	numbering_available_number scratch;
	int64_t now = 0;
	int rc = start_on_name(&r, &scratch, &now, store, caller, name, NUMBERING__PERM_RESERVATION_GET);
	if (rc != NUMBERING_OK)
		return rc;
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	rc = load_live(r, store, name, now);
	if (rc == NUMBERING_OK)
		rc = still_held(r, store, &scratch);
	numbering__rwlock_rdunlock(&store->lock, slot);
	numbering__available_clear(&scratch);
	if (rc != NUMBERING_OK) {
		numbering__free_mem(r);
		return rc;
	}
	*out = r;
	return NUMBERING_OK;
}

/* A page is newest first, then by id: two reservations can have one create time (a
 * store written before times were taken inside the transaction, a host's backend), and
 * the token names the last one's (time, id). A token of the time alone started the
 * next page after every reservation of that time, so one of two on the boundary was
 * on no page. */
struct page_visit {
	numbering_reservation_page *page;
	int want, cap; /* the page size; the items' room */
	int more;
	int64_t now;
	struct numbering__page_cursor *cursor;
	int rc;
};

/* Takes the live reservations in the walk's order (time descending) until the page is
 * full and the time changes: the page's last time may be tied by more than fit, so all
 * of them are read, and sorted by id after the walk. */
static int page_visit(const numbering_record *record, void *payload)
{
	struct page_visit *v = payload;
	numbering_reservation_page *page = v->page;
	int skip = 0;
	if ((v->rc = numbering__page_skip(&skip, v->cursor, record)) != NUMBERING_OK)
		return v->rc;
	if (skip)
		return 0;
	if (page->count == v->cap) {
		numbering_reservation *grown = numbering__realloc(page->items, (size_t)v->cap * 2 * sizeof(*grown));
		if (grown == NULL)
			return v->rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory listing reservations");
		page->items = grown;
		v->cap *= 2;
	}
	numbering_reservation *r = &page->items[page->count];
	if ((v->rc = read_record(r, record)) != NUMBERING_OK)
		return v->rc;
	/* Expired, its expiry not written yet (numbering__due_before_read()): gone. */
	if (r->expire_time <= v->now)
		return 0;
	if (page->count >= v->want) {
		v->more = 1;
		if (r->create_time != page->items[page->count - 1].create_time)
			return NUMBERING__VISIT_STOP;
	}
	page->count++;
	return 0;
}

static int newest_then_id(const void *x, const void *y)
{
	const numbering_reservation *a = x, *b = y;
	if (a->create_time != b->create_time)
		return a->create_time > b->create_time ? -1 : 1;
	return strcmp(numbering__page_id_of(a->name), numbering__page_id_of(b->name));
}

static void list_digest(unsigned char digest[NUMBERING__TOKEN_DIGEST_BYTES], const char *project)
{
	char filter[NUMBERING__PROJECT_SIZE + 16];
	snprintf(filter, sizeof(filter), "reservations|%s", project);
	crypto_generichash(digest, NUMBERING__TOKEN_DIGEST_BYTES, (const unsigned char *)filter, strlen(filter), NULL, 0);
}

int numbering_store_list_reservations(numbering_reservation_page **out, numbering_store *store, const char *caller,
                                      const char *project, int page_size, const char *page_token)
{
	if (out == NULL || store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_list_reservations: %s is NULL",
		                            out == NULL ? "out" : "store");
	*out = NULL;
	char checked[NUMBERING__PROJECT_SIZE];
	int rc = numbering__project_of_parent(checked, project, "projectId");
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_RESERVATION_LIST, checked);
	unsigned char digest[NUMBERING__TOKEN_DIGEST_BYTES];
	struct numbering__page_cursor cursor;
	memset(&cursor, 0, sizeof(cursor));
	if (rc == NUMBERING_OK) {
		list_digest(digest, checked);
		rc = numbering__page_args(&cursor, store, page_size, LIST_MAX, page_token, digest, "project");
	}
	int64_t now = 0;
	if (rc == NUMBERING_OK)
		rc = numbering__due_before_read(&now, store, 0);
	int size = page_size == 0 ? LIST_DEFAULT : page_size;
	numbering_reservation_page *page = NULL;
	if (rc == NUMBERING_OK && ((page = numbering__calloc(1, sizeof(*page))) == NULL ||
	                           (page->items = numbering__calloc((size_t)size + 1, sizeof(*page->items))) == NULL))
		rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory listing reservations");
	if (rc != NUMBERING_OK) {
		numbering_reservation_page_free(page);
		return rc;
	}
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = NUMBERING__KIND_RESERVATION;
	q.order = NUMBERING_RECORD_ORDER_DESCENDING;
	q.parent = checked;
	numbering__page_query(&q, &cursor);
	/* Expired ones not yet ended are skipped, so the visitor counts, not the backend. */
	struct page_visit v = {page, size, size + 1, 0, now, &cursor, NUMBERING_OK};
	numbering_available_number scratch;
	memset(&scratch, 0, sizeof(scratch));
	numbering__available_clear(&scratch);
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	rc = numbering__backend_list(store, &q, page_visit, &v);
	if (rc == NUMBERING_OK)
		rc = v.rc;
	if (rc == NUMBERING_OK && page->count > 1)
		qsort(page->items, (size_t)page->count, sizeof(*page->items), newest_then_id);
	/* The ties past the page were read only to find the first ones by id. */
	if (page->count > size)
		page->count = size;
	for (int i = 0; i < page->count && rc == NUMBERING_OK; i++)
		rc = still_held(&page->items[i], store, &scratch);
	numbering__rwlock_rdunlock(&store->lock, slot);
	numbering__available_clear(&scratch);
	if (rc != NUMBERING_OK) {
		numbering_reservation_page_free(page);
		return rc;
	}
	if (v.more) {
		const numbering_reservation *last = &page->items[page->count - 1];
		numbering__token_make_keyed(page->next_token, store, digest, last->create_time,
		                            numbering__page_id_of(last->name));
	}
	*out = page;
	return NUMBERING_OK;
}

int numbering_store_delete_reservation(numbering_store *store, const char *caller, const char *name)
{
	if (store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering_store_delete_reservation: store is NULL");
	numbering_reservation *r = NULL;
	numbering_available_number scratch;
	int64_t now = 0;
	int rc = start_on_name(&r, &scratch, &now, store, caller, name, NUMBERING__PERM_RESERVATION_DELETE);
	if (rc != NUMBERING_OK)
		return rc;
	numbering__rwlock_wrlock(&store->lock);
	/* Loaded inside the transaction: a reservation another process ended meanwhile
	 * is not ended twice (its numbers, maybe rented since, put back again). */
	if ((rc = numbering__begin(store)) == NUMBERING_OK) {
		rc = load(r, store, name);
		if (rc == NUMBERING_OK)
			rc = end_locked(store, r, &scratch);
		rc = numbering__commit_or_rollback(store, rc);
	}
	numbering__rwlock_wrunlock(&store->lock);
	numbering__available_clear(&scratch);
	numbering__free_mem(r);
	if (rc == NUMBERING_OK)
		rc = numbering__durable(store);
	return rc;
}

/* ---- Expiry ---- */

struct due_visit {
	char names[EXPIRE_BATCH][NAME_SIZE];
	int count;
};

static int due_visit(const numbering_record *record, void *payload)
{
	struct due_visit *v = payload;
	snprintf(v->names[v->count++], NAME_SIZE, "%s", record->name);
	return v->count == EXPIRE_BATCH ? NUMBERING__VISIT_STOP : 0;
}

int numbering__reservations_expire(numbering_store *store, int64_t now)
{
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = NUMBERING__KIND_RESERVATION;
	q.order = NUMBERING_RECORD_ORDER_EXPIRY;
	q.expires_until = now;
	q.limit = EXPIRE_BATCH;
	/* Most calls find nothing due: one look under the read lock, allocating nothing
	 * (every inventory call comes through here). */
	int due = 0;
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	int rc = numbering__backend_due(store, NUMBERING__KIND_RESERVATION, now, &due);
	numbering__rwlock_rdunlock(&store->lock, slot);
	if (rc != NUMBERING_OK || !due)
		return rc;
	struct due_visit *v = numbering__malloc(sizeof(*v));
	numbering_reservation *r = numbering__malloc(sizeof(*r));
	if (v == NULL || r == NULL) {
		numbering__free_mem(v);
		numbering__free_mem(r);
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory ending reservations");
	}
	numbering_available_number scratch;
	memset(&scratch, 0, sizeof(scratch));
	numbering__available_clear(&scratch);
	while (rc == NUMBERING_OK) {
		numbering__rwlock_wrlock(&store->lock);
		/* Listed inside the transaction: a reservation another process ended since
		 * the look above (its own expiry run) is not listed, rather than not found. */
		v->count = 0;
		int n = 0;
		if ((rc = numbering__begin(store)) == NUMBERING_OK) {
			rc = numbering__backend_list(store, &q, due_visit, v);
			n = v->count;
			for (int i = 0; i < n && rc == NUMBERING_OK; i++) {
				rc = load(r, store, v->names[i]);
				if (rc == NUMBERING_OK)
					rc = end_locked(store, r, &scratch);
			}
			if (rc == NUMBERING_OK && n == 0)
				numbering__rollback(store); /* nothing due after all */
			else
				rc = numbering__commit_or_rollback(store, rc);
		}
		numbering__rwlock_wrunlock(&store->lock);
		if (rc == NUMBERING_OK && n > 0)
			rc = numbering__durable(store);
		if (n < EXPIRE_BATCH)
			break;
	}
	numbering__available_clear(&scratch);
	numbering__free_mem(r);
	numbering__free_mem(v);
	return rc;
}

int numbering__due_before_read(int64_t *now, numbering_store *store, int others_matter)
{
	int unwritten;
	return numbering__due_before_read_unwritten(now, &unwritten, store, others_matter);
}

int numbering__due_before_read_unwritten(int64_t *now, int *unwritten, numbering_store *store, int others_matter)
{
	*unwritten = 0;
	*now = store->clock(store->clock_payload);
	int rc = numbering__process_due_at(NULL, store, *now);
	/* No room (a full disk), or a store that takes no writes (a read-only open). */
	if (rc != NUMBERING_RESOURCE_EXHAUSTED && (rc != NUMBERING_FAILED_PRECONDITION || !numbering__store_read_only(store)))
		return rc;
	/* Releases and holds, due and not carried out, change what the read answers. */
	static const int others[] = {NUMBERING__KIND_PHONE, NUMBERING__KIND_ACTIVE};
	int due = 0, looked = NUMBERING_OK;
	unsigned slot = numbering__rwlock_rdlock(&store->lock);
	for (size_t i = 0; others_matter && i < sizeof(others) / sizeof(others[0]) && looked == NUMBERING_OK && !due; i++)
		looked = numbering__backend_due(store, others[i], *now, &due);
	numbering__rwlock_rdunlock(&store->lock, slot);
	if (looked != NUMBERING_OK)
		return looked;
	if (due)
		return rc; /* the write's error, still set */
	numbering_error_clear();
	*unwritten = 1;
	return NUMBERING_OK;
}

struct due_all {
	char (*names)[NAME_SIZE];
	size_t count, cap;
	int rc;
};

static int due_all_visit(const numbering_record *record, void *payload)
{
	struct due_all *v = payload;
	if (v->count == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		char(*grown)[NAME_SIZE] = numbering__realloc(v->names, cap * sizeof(*grown));
		if (grown == NULL)
			return v->rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory reading reservations");
		v->names = grown;
		v->cap = cap;
	}
	snprintf(v->names[v->count++], NAME_SIZE, "%s", record->name ? record->name : "");
	return 0;
}

int numbering__reservations_due_held(numbering_store *store, int64_t now,
                                     int (*visit)(const numbering_available_number *n, void *payload), void *payload)
{
	int due = 0;
	int rc = numbering__backend_due(store, NUMBERING__KIND_RESERVATION, now, &due);
	if (rc != NUMBERING_OK || !due)
		return rc;
	/* The names first: each reservation's numbers are read with calls of their own. */
	numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
	q.kind = NUMBERING__KIND_RESERVATION;
	q.order = NUMBERING_RECORD_ORDER_EXPIRY;
	q.expires_until = now;
	struct due_all names = {NULL, 0, 0, NUMBERING_OK};
	rc = numbering__backend_list(store, &q, due_all_visit, &names);
	if (rc == NUMBERING_OK)
		rc = names.rc;
	numbering_reservation *r = rc == NUMBERING_OK ? numbering__malloc(sizeof(*r)) : NULL;
	if (rc == NUMBERING_OK && r == NULL)
		rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory reading reservations");
	numbering_available_number scratch;
	memset(&scratch, 0, sizeof(scratch));
	numbering__available_clear(&scratch);
	for (size_t i = 0; i < names.count && rc == NUMBERING_OK; i++) {
		rc = load(r, store, names.names[i]);
		for (int k = 0; k < r->count && rc == NUMBERING_OK; k++) {
			int held = 0;
			rc = holds(&held, &scratch, store, r->name, &r->numbers[k]);
			if (rc == NUMBERING_OK && held)
				rc = visit(&scratch, payload);
		}
	}
	numbering__available_clear(&scratch);
	numbering__free_mem(r);
	numbering__free_mem(names.names);
	return rc;
}

static int expires_visit(const numbering_record *record, void *payload)
{
	*(int64_t *)payload = record->expires;
	return 0;
}

int numbering__reservation_ended(int *ended, numbering_store *store, const char *name, int64_t now)
{
	int64_t expires = 0;
	*ended = 0;
	/* The record's expiry key is its expireTime (the kind's check holds them equal). */
	int rc = numbering__backend_get_record(store, NUMBERING__KIND_RESERVATION, name, expires_visit, &expires);
	if (rc == NUMBERING_NOT_FOUND) {
		numbering_error_clear();
		return NUMBERING_OK;
	}
	*ended = rc == NUMBERING_OK && expires != 0 && expires <= now;
	return rc;
}

/* ---- The objects ---- */

const char *numbering_reservation_name(const numbering_reservation *reservation)
{
	return reservation == NULL ? "" : reservation->name;
}

int numbering_reservation_phone_number_count(const numbering_reservation *reservation)
{
	return reservation == NULL ? 0 : reservation->count;
}

const char *numbering_reservation_phone_number(const numbering_reservation *reservation, int i)
{
	return reservation == NULL || i < 0 || i >= reservation->count ? "" : reservation->numbers[i].text;
}

int64_t numbering_reservation_expire_time(const numbering_reservation *reservation)
{
	return reservation == NULL ? 0 : reservation->expire_time;
}

int64_t numbering_reservation_create_time(const numbering_reservation *reservation)
{
	return reservation == NULL ? 0 : reservation->create_time;
}

void numbering_reservation_free(numbering_reservation *reservation)
{
	numbering__free_mem(reservation);
}

int numbering_reservation_page_count(const numbering_reservation_page *page)
{
	return page == NULL ? 0 : page->count;
}

const numbering_reservation *numbering_reservation_page_item(const numbering_reservation_page *page, int i)
{
	return page == NULL || i < 0 || i >= page->count ? NULL : &page->items[i];
}

const char *numbering_reservation_page_next_token(const numbering_reservation_page *page)
{
	return page == NULL ? "" : page->next_token;
}

void numbering_reservation_page_free(numbering_reservation_page *page)
{
	if (page == NULL)
		return;
	numbering__free_mem(page->items);
	numbering__free_mem(page);
}
