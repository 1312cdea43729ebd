/*
 * ResolvePhoneNumber: which instance owns a dialed number. The hottest call in a
 * PBX, so the result object is reused and nothing is allocated once it has grown.
 */
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "e164/canonical.h"
#include "e164/number.h"
#include "e164/parse.h"
#include "service/backend-call.h"
#include "service/service.h"

struct numbering_resolution {
	numbering_instance *instance;
	/* The store lock's reader slot its resolves read in (core/rwlock.h): a resolution
	 * is one thread's at a time. */
	unsigned read_slot;
	char phone_number[NUMBERING_E164_BUFSIZE];
};

int numbering_resolution_new(numbering_resolution **out)
{
	if (out == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "out", "numbering_resolution_new: out is NULL");
	*out = numbering__calloc(1, sizeof(**out));
	if (*out == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory allocating a resolution");
	(*out)->read_slot = numbering__rwlock_new_slot();
	int rc = numbering_instance_new(&(*out)->instance);
	if (rc != NUMBERING_OK) {
		numbering__free_mem(*out);
		*out = NULL;
	}
	return rc;
}

void numbering_resolution_free(numbering_resolution *resolution)
{
	if (resolution == NULL)
		return;
	numbering_instance_free(resolution->instance);
	numbering__free_mem(resolution);
}

const numbering_instance *numbering_resolution_instance(const numbering_resolution *resolution)
{
	return resolution == NULL ? NULL : resolution->instance;
}

const char *numbering_resolution_phone_number(const numbering_resolution *resolution)
{
	return resolution == NULL ? "" : resolution->phone_number;
}

static int not_found(const char *e164)
{
	return numbering__error_field(NUMBERING_NOT_FOUND, "phone_number", "no phone number instance holds %s", e164);
}

/* Counts a resolve's outcome on the stripe of reader slot @slot (numbering/stats.h). */
static int counted(numbering_store *store, unsigned slot, int rc)
{
	if (rc == NUMBERING_DATA_LOSS)
		numbering__log_damage(&store->log, "numbering_store_resolve");
	numbering__stats_resolve(&store->stats, slot,
	                         rc == NUMBERING_OK          ? NUMBERING__RESOLVE_HIT
	                         : rc == NUMBERING_NOT_FOUND ? NUMBERING__RESOLVE_MISS
	                                                     : NUMBERING__RESOLVE_ERROR);
	return rc;
}

int numbering_store_resolve(numbering_resolution *out, numbering_store *store, const char *caller,
                            const char *phone_number, const char *region)
{
	if (out == NULL || store == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, out == NULL ? "out" : "store",
		                              "numbering_store_resolve: %s is NULL", out == NULL ? "out" : "store");
	out->phone_number[0] = '\0';
	numbering_number number;
	/* The +E164 text a PBX passes, inline; any other notation by the general parser. */
	size_t len = phone_number ? strlen(phone_number) : 0;
	if (phone_number == NULL || !numbering__e164_parse_canonical(&number, phone_number, len)) {
		int rc = numbering__e164_parse_other(&number, phone_number, len, numbering__region(store, region),
		                                     "phone_number");
		/* Outcomes before the look-up count on the first stripe: they are the rare ones. */
		if (rc != NUMBERING_OK)
			return counted(store, 0, rc);
	}
	memcpy(out->phone_number, number.e164, sizeof(number.e164));
	if (number.verdict != NUMBERING_LENGTH_POSSIBLE)
		return counted(store, 0, not_found(number.e164));
	unsigned read_slot = numbering__rwlock_snapshot_rdlock_at(&store->lock, out->read_slot);
	int other = 0; /* a number held by a record of another kind is not an instance's */
	int rc = numbering__backend_find_number(store, out->instance, number.value, number.digits, number.e164, &other);
	numbering__rwlock_snapshot_rdunlock(&store->lock, read_slot);
	if (rc == NUMBERING_NOT_FOUND)
		return counted(store, read_slot, not_found(number.e164));
	if (rc != NUMBERING_OK)
		return counted(store, read_slot, rc);
	/* Checked against the owner's project, after the look-up by necessity; a caller
	 * who may not resolve there is told what an unowned number would tell. */
	if (store->authorizer != NULL) {
		char project[NUMBERING__PROJECT_SIZE];
		numbering_instance_project(project, sizeof(project), out->instance);
		if (!numbering__allowed(store, caller, NUMBERING__PERM_RESOLVE, project)) {
			numbering__instance_reset(out->instance);
			return counted(store, read_slot, not_found(number.e164));
		}
	}
	numbering__instance_for_caller(store, out->instance);
	return counted(store, read_slot, NUMBERING_OK);
}
