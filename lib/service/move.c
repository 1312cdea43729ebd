/* MovePhoneNumberInstance: to another project, keeping the id. */
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "model/validate.h"
#include "service/backend-call.h"
#include "service/billing-hold.h"
#include "service/commit-or-rollback.h"
#include "service/phone.h"
#include "service/service.h"

struct move_op {
	struct numbering__write_op op;
	const char *caller, *name, *new_name, *destination, *id, *regulatory_listing;
	/* Set when the destination already has an instance with the id: reported after
	 * the lock is released, as the authorizer is never called under it. */
	int taken;
};

static int move_locked(struct numbering__write_op *op, numbering_store *store)
{
	struct move_op *o = (struct move_op *)op;
	const char *name = o->name, *new_name = o->new_name, *regulatory_listing = o->regulatory_listing;
	numbering_instance *instance = NULL;
	int rc = numbering__begin_load(&instance, store, name, "name");
	if (rc != NUMBERING_OK)
		return rc;
	if (instance->lifecycle_state == NUMBERING_LIFECYCLE_DELETED)
		rc = numbering__error_set(NUMBERING_FAILED_PRECONDITION, "cannot move %s: it is DELETED", name);
	else
		rc = numbering__billing_hold_check(store, instance, NUMBERING__BILLING_HOLD_MOVE);
	if (rc == NUMBERING_OK) {
		numbering_instance *existing = NULL;
		rc = numbering__load(&existing, store, new_name, "destination_parent");
		numbering_instance_free(existing);
		if (rc == NUMBERING_OK) {
			o->taken = 1;
			rc = NUMBERING_ALREADY_EXISTS;
		} else if (rc == NUMBERING_NOT_FOUND) {
			rc = NUMBERING_OK;
		}
	}
	/* A listing belongs to a project: the old one does not follow the number. */
	if (rc == NUMBERING_OK)
		rc = numbering__str_set(&instance->name, new_name, strlen(new_name));
	if (rc == NUMBERING_OK)
		rc = numbering__str_set(&instance->regulatory_listing, regulatory_listing ? regulatory_listing : "",
		                        regulatory_listing ? strlen(regulatory_listing) : 0);
	/* The rename, with the number's PHONE record (its binding, callback URL and
	 * verification) following it to its new name; the phone id is the instance's and
	 * goes with it. */
	if (rc == NUMBERING_OK)
		rc = numbering__backend_remove(store, name);
	if (rc == NUMBERING_OK)
		rc = numbering__backend_put(store, instance);
	if (rc == NUMBERING_OK)
		rc = numbering__phone_rename(store, name, instance);
	rc = numbering__commit_or_rollback(store, rc);
	if (rc == NUMBERING_OK) {
		numbering__instance_for_caller(store, instance);
		*op->out[0] = instance;
	} else {
		numbering_instance_free(instance);
	}
	return rc;
}

/* Move on both projects does not show the destination's instances: the one in the
 * way is named only to a caller who may get it. */
static int move_unlocked(struct numbering__write_op *op, numbering_store *store, int rc)
{
	const struct move_op *o = (const struct move_op *)op;
	if (!o->taken)
		return rc;
	return numbering__allowed(store, o->caller, NUMBERING__PERM_GET, o->destination)
	           ? numbering__error_field(NUMBERING_ALREADY_EXISTS, "destination_parent",
	                                    "the destination already has %s", o->new_name)
	           : numbering__error_field(NUMBERING_ALREADY_EXISTS, "destination_parent",
	                                    "the instance id \"%s\" is already taken in %s", o->id, o->destination);
}

int numbering_store_move(numbering_instance **out, numbering_store *store, const char *caller, const char *name,
                         const char *destination_parent, const char *regulatory_listing)
{
	if (out == NULL || store == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, out == NULL ? "out" : "store",
		                              "numbering_store_move: %s is NULL", out == NULL ? "out" : "store");
	*out = NULL;
	char source[NUMBERING__PROJECT_SIZE], destination[NUMBERING__PROJECT_SIZE];
	int rc = numbering__project_of_name(source, name, "name");
	if (rc == NUMBERING_OK)
		rc = numbering__project_of_parent(destination, destination_parent, "destination_parent");
	/* Both permissions before any look-up, so a refusal says nothing about existence. */
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_MOVE, source);
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_MOVE, destination);
	if (rc != NUMBERING_OK)
		return rc;
	if (strcmp(source, destination) == 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "destination_parent",
		                              "%s is already in %s", name, destination);
	if (regulatory_listing != NULL && regulatory_listing[0] == '\0')
		regulatory_listing = NULL;
	if (regulatory_listing != NULL) {
		rc = numbering__validate_regulatory_listing(regulatory_listing, "regulatory_listing");
		if (rc == NUMBERING_OK && (strncmp(regulatory_listing, destination, strlen(destination)) != 0 ||
		                           regulatory_listing[strlen(destination)] != '/'))
			rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "regulatory_listing",
			                            "regulatory listing %s is not a listing of the destination %s",
			                            regulatory_listing, destination);
		if (rc != NUMBERING_OK)
			return rc;
	}
	const char *id = strrchr(name, '/') + 1;
	char new_name[NUMBERING__NAME_SIZE];
	snprintf(new_name, sizeof(new_name), "%s/phoneNumberInstances/%s", destination, id);
	struct move_op op = {{move_locked, move_unlocked, {out, NULL}, {"phoneNumberInstance.moved", NULL}, 0},
	                     caller,
	                     name,
	                     new_name,
	                     destination,
	                     id,
	                     regulatory_listing,
	                     0};
	return numbering__write(store, &op.op);
}
