/*
 * SplitRange: the instance keeps its first `size` numbers; a new instance takes
 * the rest. Only two records change, so the cost does not depend on the range size.
 */
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "e164/format.h"
#include "e164/metadata.h"
#include "e164/number.h"
#include "service/backend-call.h"
#include "service/commit-or-rollback.h"
#include "service/phone.h"
#include "service/service.h"


struct split_op {
	struct numbering__write_op op;
	const char *name;
	int64_t size;
};

static int split_locked(struct numbering__write_op *op, numbering_store *store)
{
	const struct split_op *o = (const struct split_op *)op;
	const char *name = o->name;
	int64_t size = o->size;
	numbering_instance *a = NULL, *b = NULL;
	/* Read, and the new part's create time taken, inside the transaction: after begin()
	 * took what other processes committed to a shared file store, so the time is not
	 * one another process's commit in between took (ListPhoneNumberInstances pages by
	 * create time) and the range is the one stored now. */
	int rc = numbering__begin(store);
	if (rc != NUMBERING_OK)
		return rc;
	rc = numbering__load(&a, store, name, "phone_number_instance");
	if (rc != NUMBERING_OK) {
		numbering__rollback(store);
		return rc;
	}
	if (a->lifecycle_state == NUMBERING_LIFECYCLE_DELETED)
		rc = numbering__error_set(NUMBERING_FAILED_PRECONDITION, "cannot split %s: it is DELETED", name);
	else if (!a->is_range || a->range_size < 2)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_number_instance",
		                            "%s is not a range of two or more numbers", name);
	else if (size < 1 || size > a->range_size - 1)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "size",
		                            "size %lld is outside 1..%lld for the range %s of %lld numbers", (long long)size,
		                            (long long)(a->range_size - 1), name, (long long)a->range_size);
	if (rc == NUMBERING_OK)
		rc = numbering__check_room(store, 1);
	if (rc == NUMBERING_OK)
		rc = numbering_instance_copy(&b, a);
	char project[NUMBERING__PROJECT_SIZE], id[17], new_name[NUMBERING__NAME_SIZE];
	char a_end[NUMBERING_E164_BUFSIZE] = "", b_start[NUMBERING_E164_BUFSIZE] = "";
	if (rc == NUMBERING_OK) {
		numbering__project_of_name(project, name, "phone_number_instance");
		/* A random id collides with a taken one with negligible odds; check anyway. */
		numbering_instance *taken = NULL;
		do {
			numbering__generate_id(id);
			snprintf(new_name, sizeof(new_name), "%s/phoneNumberInstances/%s", project, id);
			numbering_instance_free(taken);
			taken = NULL;
			rc = numbering__load(&taken, store, new_name, "phone_number_instance");
		} while (rc == NUMBERING_OK);
		numbering_instance_free(taken);
		rc = rc == NUMBERING_NOT_FOUND ? NUMBERING_OK : rc;
	}
	int64_t now = 0;
	if (rc == NUMBERING_OK)
		rc = numbering__next_time(store, &now);
	if (rc == NUMBERING_OK) {
		uint64_t a_last = a->first + (uint64_t)size - 1;
		numbering__e164_format(a_end, sizeof(a_end), a_last, a->digits);
		numbering__e164_format(b_start, sizeof(b_start), a_last + 1, a->digits);
		b->first = a_last + 1;
		b->range_size = a->range_size - size;
		b->create_time = now;
		/* The new instance is active from its creation, not from when the range was
		 * activated: no instance reads as active before it existed. */
		if (b->activate_time != 0)
			b->activate_time = b->create_time;
		a->last = a_last;
		a->range_size = size;
		rc = numbering__str_set(&a->range_end, a_end, strlen(a_end));
		if (rc == NUMBERING_OK)
			rc = numbering__str_set(&b->phone_number, b_start, strlen(b_start));
		if (rc == NUMBERING_OK)
			rc = numbering__str_set(&b->name, new_name, strlen(new_name));
	}
	if (rc == NUMBERING_OK) {
		rc = numbering__backend_put(store, a);
		b->phone_id = 0; /* the new part is a new number: it gets its own */
		if (rc == NUMBERING_OK)
			rc = numbering__backend_put(store, b);
		if (rc == NUMBERING_OK)
			rc = numbering__phone_copy_binding(store, a, b);
	}
	rc = numbering__commit_or_rollback(store, rc);
	if (rc == NUMBERING_OK) {
		numbering__instance_for_caller(store, a);
		numbering__instance_for_caller(store, b);
		*op->out[0] = a;
		*op->out[1] = b;
	} else {
		numbering_instance_free(a);
		numbering_instance_free(b);
	}
	return rc;
}

int numbering_store_split_range(numbering_instance **first, numbering_instance **second, numbering_store *store,
                                const char *caller, const char *name, int64_t size)
{
	if (first == NULL || second == NULL || store == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, store == NULL ? "store" : "out",
		                              "numbering_store_split_range: an out-parameter or the store is NULL");
	*first = *second = NULL;
	char project[NUMBERING__PROJECT_SIZE];
	int rc = numbering__project_of_name(project, name, "phone_number_instance");
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_SPLIT_RANGE, project);
	if (rc != NUMBERING_OK)
		return rc;
	struct split_op op = {
		{split_locked, NULL, {first, second}, {"phoneNumberInstance.split", "phoneNumberInstance.created"}, 0},
		name,
		size};
	return numbering__write(store, &op.op);
}
