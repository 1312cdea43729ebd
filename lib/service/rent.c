/*
 * Renting (numbering_store_rent, numbering_store_rent_any): in one transaction a number
 * leaves the inventory and becomes a single-number instance of the project, with its
 * purchase and its charge (service/purchase.h). The number's block, if it was one,
 * stays as up to two records (inventory.c). A purchase (purchase.c) acquires its
 * number the same way (numbering__acquire_in()), in a transaction that reads the
 * number or searches the stock after its begin.
 */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "e164/format.h"
#include "model/instance.h"
#include "model/validate.h"
#include "service/active.h"
#include "service/backend-call.h"
#include "service/commit-or-rollback.h"
#include "service/inventory.h"
#include "service/purchase.h"
#include "service/service.h"

/* The instance renting @x of @block makes. */
static int build(numbering_instance *instance, const char *project, const numbering_available_number *block,
                 uint64_t x, int64_t now)
{
	char id[17], name[NUMBERING__NAME_SIZE], number[NUMBERING_E164_BUFSIZE];
	numbering__generate_id(id);
	/* Written by hand (a checked project always fits; an E.164 number has at most 15
	 * digits): the two snprintf calls were 5% of a rentAny (bench-inventory). */
	static const char mid[] = "/phoneNumberInstances/";
	size_t plen = strlen(project);
	if (plen + sizeof(mid) + 16 <= sizeof(name)) {
		memcpy(name, project, plen);
		memcpy(name + plen, mid, sizeof(mid) - 1);
		memcpy(name + plen + sizeof(mid) - 1, id, sizeof(id));
	} else {
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "projectId", "the project id is too long");
	}
	if (numbering__e164_format(number, sizeof(number), x, block->digits) == 0)
		snprintf(number, sizeof(number), "+%0*llu", block->digits, (unsigned long long)x);
	int rc;
	if ((rc = numbering__str_set(&instance->name, name, strlen(name))) != NUMBERING_OK ||
	    (rc = numbering__str_set(&instance->phone_number, number, strlen(number))) != NUMBERING_OK ||
	    (rc = numbering__str_set(&instance->country_code, block->region_code, strlen(block->region_code))) !=
	        NUMBERING_OK)
		return rc;
	instance->first = instance->last = x;
	instance->digits = block->digits;
	instance->range_size = 1;
	instance->is_range = 0;
	instance->number_type = block->type;
	instance->capabilities = block->capabilities;
	instance->call_recording_trigger = NUMBERING_RECORDING_DISABLED;
	/* Documents to check: the host activates the number once it has them. */
	int pending = block->supporting_documentation_required != 0;
	instance->lifecycle_state = pending ? NUMBERING_LIFECYCLE_PENDING : NUMBERING_LIFECYCLE_ACTIVE;
	instance->create_time = now;
	instance->activate_time = pending ? 0 : now;
	return NUMBERING_OK;
}

/* The acquisition's writes, inside the caller's transaction, at @now (handed out by
 * numbering__next_time() under this lock). */
static int acquire_at(numbering_active_number *a, numbering_store *store, const char *project,
                      numbering_available_number *block, uint64_t x, const numbering_active_request *request,
                      numbering__acquire_cb also, void *payload, int64_t now)
{
	int rc = build(a->instance, project, block, x, now);
	/* Put after the block's split (~7k instructions), which now overlaps their
	 * look-ups' cache misses in a large store; the put takes the name made here. */
	char active[NUMBERING__ACTIVE_NAME_SIZE];
	active[0] = '\0';
	if (rc == NUMBERING_OK) {
		numbering__active_name(active, project, a->instance->digits, a->instance->first);
		numbering__backend_prefetch(store, NUMBERING__KIND_INSTANCE, numbering__str_get(&a->instance->name));
		numbering__backend_prefetch(store, NUMBERING__KIND_ACTIVE, active);
	}
	if (rc == NUMBERING_OK)
		rc = numbering__available_assign(&a->stock, block);
	if (rc == NUMBERING_OK) {
		a->has_stock = 1;
		numbering__available_set_interval(&a->stock, block->digits, x, x);
		/* The name build() made (at most 63 + 22 + 16 bytes of [a-z0-9/-], within the
		 * attribute's 512): copied, not looked up and scanned by
		 * numbering__fields_set_text() (~570 instructions an acquisition). */
		const numbering_instance *in = a->instance;
		char *copy = numbering__strndup(numbering__str_get(&in->name), in->name.len);
		if (copy == NULL)
			rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for an instance's name");
		numbering__free_mem(a->a.instance);
		a->a.instance = copy;
	}
	if (rc == NUMBERING_OK) {
		a->a.rent_time = now;
		a->a.next_charge_time = numbering__add_months(now, (int)block->payment_interval_months);
		rc = numbering__active_apply(store, a, request, now);
	}
	if (rc == NUMBERING_OK)
		rc = numbering__inventory_take(store, block, x, x);
	if (rc == NUMBERING_OK)
		rc = numbering__backend_put(store, a->instance);
	if (rc == NUMBERING_OK)
		rc = numbering__active_put_named(store, a, project, active);
	if (rc == NUMBERING_OK)
		rc = numbering__active_queue_events(store, a);
	if (rc == NUMBERING_OK && also != NULL)
		rc = also(store, a, &a->stock, now, payload);
	return rc;
}

int numbering__acquire_in(numbering_active_number *a, numbering_store *store, const char *project,
                          numbering_available_number *block, uint64_t x, const numbering_active_request *request,
                          numbering__acquire_cb also, void *payload)
{
	int64_t now = 0;
	int rc = numbering__next_time(store, &now);
	if (rc == NUMBERING_OK)
		rc = acquire_at(a, store, project, block, x, request, also, payload, now);
	if (rc == NUMBERING_OK)
		numbering__active_for_caller(store, a);
	return rc;
}

/* Rents @x of @block (read inside this transaction) into @a: the acquisition, and its
 * purchase, paid in the same transaction (service/purchase.h). */
static int rent_in(numbering_active_number *a, numbering_store *store, const char *project,
                   numbering_available_number *block, uint64_t x, const numbering_active_request *request)
{
	int rc = numbering__check_room(store, 1);
	if (rc == NUMBERING_OK)
		rc = numbering__acquire_in(a, store, project, block, x, request, numbering__purchase_for_rent, NULL);
	return rc;
}

/* Ends a rent's transaction: committed, or rolled back with the time it took given back. */
static int rent_end(numbering_store *store, int64_t last_time, int rc)
{
	rc = numbering__commit_or_rollback(store, rc);
	if (rc != NUMBERING_OK)
		store->last_time = last_time;
	return rc;
}

static int finish(numbering_active_number **out, numbering_store *store, numbering_active_number *a, int rc)
{
	if (rc == NUMBERING_OK)
		rc = numbering__durable(store);
	if (rc != NUMBERING_OK) {
		numbering_active_number_free(a);
		return rc;
	}
	numbering__emit(store, "phoneNumberInstance.created", numbering_instance_name(a->instance));
	*out = a;
	return NUMBERING_OK;
}

static int check_args(numbering_active_number **out, numbering_store *store, const char *fn)
{
	if (out == NULL || store == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "%s: %s is NULL", fn, out == NULL ? "out" : "store");
	*out = NULL;
	return NUMBERING_OK;
}

int numbering_store_rent(numbering_active_number **out, numbering_store *store, const char *caller, const char *project,
                         const char *phone_number, const numbering_active_request *request)
{
	int rc = check_args(out, store, "numbering_store_rent");
	if (rc != NUMBERING_OK)
		return rc;
	struct numbering__active_target t;
	numbering_active_number *a = NULL;
	rc = numbering__active_begin(&a, &t, store, caller, project, phone_number, NUMBERING__PERM_AVAILABLE_RENT);
	if (rc != NUMBERING_OK)
		return rc;
	numbering_available_number block;
	memset(&block, 0, sizeof(block));
	numbering__rwlock_wrlock(&store->lock);
	/* The number read inside the transaction: on a file store shared by processes,
	 * begin() takes what the others committed, a rent of this number among them. */
	int64_t last_time = store->last_time;
	if ((rc = numbering__begin(store)) != NUMBERING_OK) {
		numbering__rwlock_wrunlock(&store->lock);
		return finish(out, store, a, rc);
	}
	rc = numbering__inventory_find(&block, store, t.digits, t.value, t.value);
	if (rc == NUMBERING_OK && !numbering__available_usable(&block, t.project))
		rc = NUMBERING_NOT_FOUND;
	if (rc == NUMBERING_NOT_FOUND) {
		char number[NUMBERING_E164_BUFSIZE];
		snprintf(number, sizeof(number), "+%0*llu", t.digits, (unsigned long long)t.value);
		rc = numbering__error_field(NUMBERING_NOT_FOUND, "phoneNumber", "phone number %s is not available", number);
	}
	if (rc == NUMBERING_OK)
		rc = rent_in(a, store, t.project, &block, t.value, request);
	rc = rent_end(store, last_time, rc);
	numbering__rwlock_wrunlock(&store->lock);
	numbering__available_clear(&block);
	return finish(out, store, a, rc);
}

struct first_match {
	numbering_available_number *block;
	uint64_t x;
	int found;
};

static int take_first(const numbering_available_number *block, uint64_t x, void *payload)
{
	struct first_match *m = payload;
	int rc = numbering__available_assign(m->block, block);
	if (rc != NUMBERING_OK)
		return rc;
	m->x = x;
	m->found = 1;
	return NUMBERING__VISIT_STOP;
}

int numbering_store_rent_any(numbering_active_number **out, numbering_store *store, const char *caller,
                             const char *project, const numbering_available_query *query,
                             const numbering_active_request *request)
{
	int rc = check_args(out, store, "numbering_store_rent_any");
	if (rc != NUMBERING_OK)
		return rc;
	char checked[NUMBERING__PROJECT_SIZE];
	struct numbering__search s;
	rc = numbering__project_of_parent(checked, project, "projectId");
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_AVAILABLE_RENT, checked);
	if (rc == NUMBERING_OK)
		rc = numbering__search_prepare(&s, query);
	if (rc == NUMBERING_OK)
		rc = numbering_store_process_due(NULL, store);
	numbering_active_number *a = NULL;
	if (rc == NUMBERING_OK)
		rc = numbering__active_new(&a, checked);
	if (rc != NUMBERING_OK)
		return rc;
	numbering_available_number block;
	memset(&block, 0, sizeof(block));
	struct first_match m = {&block, 0, 0};
	numbering__rwlock_wrlock(&store->lock);
	/* Searched inside the transaction: a number another process took before begin()
	 * is not found, and the next match is rented instead. */
	int64_t last_time = store->last_time;
	if ((rc = numbering__begin(store)) != NUMBERING_OK) {
		numbering__rwlock_wrunlock(&store->lock);
		return finish(out, store, a, rc);
	}
	rc = numbering__search_run(store, &s, take_first, &m);
	if (rc == NUMBERING_OK && !m.found)
		rc = numbering__error_set(NUMBERING_NOT_FOUND, "no available number of %s matches the request", s.parent);
	if (rc == NUMBERING_OK)
		rc = rent_in(a, store, checked, &block, m.x, request);
	rc = rent_end(store, last_time, rc);
	numbering__rwlock_wrunlock(&store->lock);
	numbering__available_clear(&block);
	return finish(out, store, a, rc);
}
