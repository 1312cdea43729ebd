/* MovePhoneNumberInstance: to another project, keeping the id. */
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "model/validate.h"
#include "service/service.h"

/* *taken is set when the destination already has an instance with the id: reported
 * after the lock is released, as the authorizer is never called under it. */
static int move_locked(numbering_instance **out, numbering_store *store, const char *name, const char *new_name,
                       const char *regulatory_listing, int *taken)
{
	numbering_instance *instance = NULL;
	int rc = numbering__load(&instance, store, name, "name");
	if (rc != NUMBERING_OK)
		return rc;
	if (instance->lifecycle_state == NUMBERING_LIFECYCLE_DELETED)
		rc = numbering__error_set(NUMBERING_FAILED_PRECONDITION, "cannot move %s: it is DELETED", name);
	if (rc == NUMBERING_OK) {
		numbering_instance *existing = NULL;
		rc = numbering__load(&existing, store, new_name, "destination_parent");
		numbering_instance_free(existing);
		if (rc == NUMBERING_OK) {
			*taken = 1;
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
	return numbering__save(out, store, instance, name, rc);
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
	int taken = 0;
	numbering__rwlock_wrlock(&store->lock);
	rc = move_locked(out, store, name, new_name, regulatory_listing, &taken);
	numbering__rwlock_wrunlock(&store->lock);
	/* Move on both projects does not show the destination's instances: the one in the
	 * way is named only to a caller who may get it. */
	if (taken)
		return numbering__allowed(store, caller, NUMBERING__PERM_GET, destination)
		           ? numbering__error_field(NUMBERING_ALREADY_EXISTS, "destination_parent",
		                                    "the destination already has %s", new_name)
		           : numbering__error_field(NUMBERING_ALREADY_EXISTS, "destination_parent",
		                                    "the instance id \"%s\" is already taken in %s", id, destination);
	if (rc == NUMBERING_OK && (rc = numbering__durable(store)) != NUMBERING_OK) {
		numbering_instance_free(*out);
		*out = NULL;
	}
	if (rc == NUMBERING_OK)
		numbering__emit(store, "phoneNumberInstance.moved", new_name);
	return rc;
}
