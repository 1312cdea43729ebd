/* Get, and the lifecycle transitions: delete, activate, suspend, resume. */
#include <string.h>

#include "core/error.h"
#include "service/backend-call.h"
#include "service/billing-hold.h"
#include "service/service.h"

/*
 * Get by name looks the name up first and validates it only when it is not found: a
 * record of the library's own backends carries a name the store validated when it
 * wrote it (create, split, move and rent build it from a checked project and id),
 * and those backends find a record only by the very bytes of its name, so a name
 * they find is a valid one. The validation was ~250 of a get's ~2,000 instructions
 * (bench-store --profile-get). Anything but a find by the own backends (not found,
 * a damaged record, no memory, a host's backend) takes the checked path below, which
 * validates, authorizes and reads again, so its answers and errors are what they were.
 * An authorizer is asked after the read, with the found name's project.
 *
 * numbering_store_get_into() reads into the caller's instance, reused from call to
 * call: no malloc and no free (~330 of a get's ~1,690 instructions), and the decode
 * writes into buffers already grown. numbering_store_get() is the same read into an
 * instance it allocates.
 */

/* The name's project checked and the caller's permission on it: what the checked
 * path answers before it reads. */
static int check_name_and_permission(numbering_store *store, const char *caller, const char *name)
{
	char project[NUMBERING__PROJECT_SIZE];
	int rc = numbering__project_of_name(project, name, "name");
	return rc == NUMBERING_OK ? numbering__authorize(store, caller, NUMBERING__PERM_GET, project) : rc;
}

/* Get by name into @instance; on failure @instance is emptied, so nothing of an
 * instance the caller may not see, nor of the last one read, is left in it. */
_Static_assert(NUMBERING__RWLOCK_SLOTS <= 256, "an instance keeps its reader slot in a byte");

static int get_into(numbering_instance *instance, numbering_store *store, const char *caller, const char *name)
{
	/* A refresh, @name being numbering_instance_name(@instance): the read rewrites that
	 * buffer (the memory backend hands @name over as the record's name) and a failure
	 * empties it, so the name is read from a copy. A longer one names no instance: no
	 * read finds it, and the checks refuse it before @instance is touched. */
	char own_name[NUMBERING__NAME_SIZE];
	if (name != NULL && name == instance->name.ptr && instance->name.len < sizeof(own_name)) {
		memcpy(own_name, name, (size_t)instance->name.len + 1);
		name = own_name;
	}
	int rc;
	if (store->own_records && name != NULL) {
		if (instance->read_slot == 0)
			instance->read_slot = (uint8_t)numbering__rwlock_new_slot();
		unsigned read_slot = numbering__rwlock_snapshot_rdlock_at(&store->lock, instance->read_slot);
		rc = numbering__backend_get_own(store, instance, name);
		numbering__rwlock_snapshot_rdunlock(&store->lock, read_slot);
		if (rc == NUMBERING_OK && store->authorizer != NULL) {
			char project[NUMBERING__PROJECT_SIZE];
			if ((rc = numbering__project_of_name(project, name, "name")) == NUMBERING_OK &&
			    (rc = numbering__authorize(store, caller, NUMBERING__PERM_GET, project)) != NUMBERING_OK) {
				numbering__instance_reset(instance);
				return rc;
			}
		}
		if (rc == NUMBERING_OK) {
			numbering__instance_for_caller(store, instance);
			return NUMBERING_OK;
		}
	}
	/* The checked path: every check first. */
	if ((rc = check_name_and_permission(store, caller, name)) == NUMBERING_OK) {
		unsigned read_slot = numbering__rwlock_snapshot_rdlock(&store->lock);
		rc = numbering__load_into(instance, store, name, "name");
		numbering__rwlock_snapshot_rdunlock(&store->lock, read_slot);
	}
	if (rc != NUMBERING_OK) {
		numbering__instance_reset(instance);
		return rc;
	}
	numbering__instance_for_caller(store, instance);
	return NUMBERING_OK;
}

int numbering_store_get(numbering_instance **out, numbering_store *store, const char *caller, const char *name)
{
	if (out == NULL || store == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, out == NULL ? "out" : "store",
		                              "numbering_store_get: %s is NULL", out == NULL ? "out" : "store");
	*out = NULL;
	numbering_instance *instance = NULL;
	int rc = numbering__instance_new_reserved(&instance);
	/* Out of memory: a bad name or a refused caller is told so first, as ever. */
	if (rc != NUMBERING_OK) {
		int checked = check_name_and_permission(store, caller, name);
		if (checked != NUMBERING_OK)
			return checked;
		if ((rc = numbering__instance_new_reserved(&instance)) != NUMBERING_OK)
			return rc;
	}
	if ((rc = get_into(instance, store, caller, name)) != NUMBERING_OK) {
		numbering_instance_free(instance);
		return rc;
	}
	*out = instance;
	return NUMBERING_OK;
}

int numbering_store_get_into(numbering_instance *out, numbering_store *store, const char *caller, const char *name)
{
	if (out == NULL || store == NULL) {
		numbering__instance_reset(out);
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, out == NULL ? "out" : "store",
		                              "numbering_store_get_into: %s is NULL", out == NULL ? "out" : "store");
	}
	return get_into(out, store, caller, name);
}

/* One transition: which states it leaves from, where it goes, what it stamps. */
struct transition {
	int permission;
	const char *verb;
	const char *event;
	unsigned from;  /* bit per numbering_lifecycle_state it may start from */
	int to;
};

#define FROM(state) (1u << (state))

static const struct transition delete_transition = {
	NUMBERING__PERM_DELETE, "delete", "phoneNumberInstance.deleted",
	FROM(NUMBERING_LIFECYCLE_ACTIVE) | FROM(NUMBERING_LIFECYCLE_SUSPENDED) | FROM(NUMBERING_LIFECYCLE_PENDING),
	NUMBERING_LIFECYCLE_DELETED};
static const struct transition activate_transition = {NUMBERING__PERM_ACTIVATE, "activate",
                                                      "phoneNumberInstance.activated",
                                                      FROM(NUMBERING_LIFECYCLE_PENDING), NUMBERING_LIFECYCLE_ACTIVE};
static const struct transition suspend_transition = {NUMBERING__PERM_SUSPEND, "suspend",
                                                     "phoneNumberInstance.suspended", FROM(NUMBERING_LIFECYCLE_ACTIVE),
                                                     NUMBERING_LIFECYCLE_SUSPENDED};
static const struct transition resume_transition = {NUMBERING__PERM_RESUME, "resume", "phoneNumberInstance.resumed",
                                                    FROM(NUMBERING_LIFECYCLE_SUSPENDED), NUMBERING_LIFECYCLE_ACTIVE};

static int apply_locked(numbering_instance **out, numbering_store *store, const char *name,
                        const struct transition *t)
{
	numbering_instance *instance = NULL;
	int rc = numbering__begin_load(&instance, store, name, "name");
	if (rc != NUMBERING_OK)
		return rc;
	int64_t now = 0;
	if (!(t->from & FROM(instance->lifecycle_state)))
		rc = numbering__error_set(NUMBERING_FAILED_PRECONDITION, "cannot %s %s: it is %s", t->verb, name,
		                          numbering_lifecycle_state_name(instance->lifecycle_state));
	else if (t->to != NUMBERING_LIFECYCLE_SUSPENDED) /* a buyer may always suspend its own */
		rc = numbering__billing_hold_check(store, instance, t->to);
	if (rc == NUMBERING_OK)
		rc = numbering__next_time(store, &now);
	if (rc == NUMBERING_OK) {
		instance->lifecycle_state = (uint8_t)t->to;
		if (t->to == NUMBERING_LIFECYCLE_DELETED)
			instance->delete_time = now;
		else if (t->to == NUMBERING_LIFECYCLE_ACTIVE && instance->activate_time == 0)
			instance->activate_time = now;
	}
	return numbering__save(out, store, instance, rc);
}

struct transition_op {
	struct numbering__write_op op;
	const char *name;
	const struct transition *t;
};

static int transition_locked(struct numbering__write_op *op, numbering_store *store)
{
	struct transition_op *o = (struct transition_op *)op;
	return apply_locked(op->out[0], store, o->name, o->t);
}

static int transition(numbering_instance **out, numbering_store *store, const char *caller, const char *name,
                      const struct transition *t)
{
	if (out == NULL || store == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, out == NULL ? "out" : "store", "%s: %s is NULL",
		                              t->verb, out == NULL ? "out" : "store");
	*out = NULL;
	char project[NUMBERING__PROJECT_SIZE];
	int rc = numbering__project_of_name(project, name, "name");
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, t->permission, project);
	if (rc != NUMBERING_OK)
		return rc;
	struct transition_op op = {{transition_locked, NULL, {out, NULL}, {t->event, NULL}, 0}, name, t};
	return numbering__write(store, &op.op);
}

int numbering_store_delete(numbering_instance **out, numbering_store *store, const char *caller, const char *name)
{
	return transition(out, store, caller, name, &delete_transition);
}

int numbering_store_activate(numbering_instance **out, numbering_store *store, const char *caller, const char *name)
{
	return transition(out, store, caller, name, &activate_transition);
}

int numbering_store_suspend(numbering_instance **out, numbering_store *store, const char *caller, const char *name)
{
	return transition(out, store, caller, name, &suspend_transition);
}

int numbering_store_resume(numbering_instance **out, numbering_store *store, const char *caller, const char *name)
{
	return transition(out, store, caller, name, &resume_transition);
}
