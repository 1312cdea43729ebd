/*
 * Phone ids and the PHONE record (kind 14): Voximplant's per-number state.
 *
 * Every phone number instance has a phone_id (numbering_instance_phone_id()): a
 * positive integer from the store's NUMBERING__SEQ_PHONE sequence, unique in the store
 * and never reused, given when the instance is first put and kept by a move. It is the
 * instance record's keys[0] (decimal), so numbering__phone_find() is one indexed list.
 *
 * The PHONE record holds what Voximplant keeps about a number beyond the instance, and
 * exists only while some of it is set:
 *   name      the instance's name (the same string: names are unique per kind)
 *   parent    the instance's project
 *   sort key  the phone_id
 *   keys[0]   the application id (decimal), NULL when unbound
 *   keys[1]   the rule id (decimal), NULL when unbound to a rule
 *   expires   hold_until while verification is REQUIRED or IN_PROGRESS, else 0
 *   body      the attributes of model/phone-fields.h
 *
 * Every function here runs under the store's lock (a write lock for a write, inside
 * the caller's transaction) and sets the error on failure.
 */
#ifndef NUMBERING_SERVICE_PHONE_H
#define NUMBERING_SERVICE_PHONE_H

#include <stdint.h>

#include "model/fields.h"
#include "model/phone-fields.h"
#include "service/service.h"

/* verification_status values */
#define NUMBERING__VERIFICATION_NONE 0
#define NUMBERING__VERIFICATION_REQUIRED 1
#define NUMBERING__VERIFICATION_IN_PROGRESS 2
#define NUMBERING__VERIFICATION_VERIFIED 3

struct numbering__phone {
	int64_t phone_id; /* the instance's (numbering_instance_phone_id()) */
	/* application_id, rule_id (int64_t, 0 none), sms_url (char *, NULL none),
	 * verification_status (int64_t), hold_until (int64_t ns), verification_name
	 * (char *), regulation_address_id (int64_t): model/phone-fields.h. Text members
	 * are the struct's own (malloc'd); numbering__phone_clear() frees them. */
	NUMBERING__FIELDS_MEMBERS(NUMBERING__PHONE_FIELDS)
};

extern const struct numbering__fields numbering__phone_table;

/* Frees @p's text and sets every attribute to its default (phone_id 0). @p must have
 * been zeroed (memset) or cleared before. */
void numbering__phone_clear(struct numbering__phone *p);

/* Sets the text attribute named @json ("incoming_sms_callback_url",
 * "verification_name") of @p to a copy of @value (NULL or "": unset): INVALID_ARGUMENT
 * naming it for text that is not UTF-8 or too long; RESOURCE_EXHAUSTED. */
int numbering__phone_set_text(struct numbering__phone *p, const char *json, const char *value);

/*
 * Loads the PHONE state of @instance (a stored instance) into @p (zeroed or cleared;
 * its old text is freed): the record's attributes, or every default when it has none;
 * p->phone_id is the instance's. DATA_LOSS for a damaged record.
 */
int numbering__phone_load(struct numbering__phone *p, numbering_store *store, const numbering_instance *instance);

/*
 * Stores @p as the PHONE state of @instance (inside the caller's transaction, under
 * the write lock): puts the record, or removes it when every attribute is at its
 * default. p->phone_id is ignored (the instance's is used). INVALID_ARGUMENT naming
 * the attribute for a value out of its range (a URL over 2048 bytes, a rule without
 * an application ...).
 */
int numbering__phone_put(numbering_store *store, const struct numbering__phone *p,
                         const numbering_instance *instance);

/*
 * Finds the instance of @project ("projects/p") whose phone_id is @phone_id into *out
 * (a new object, the caller's; DELETED instances included: the caller decides). One
 * indexed list: a backend lists secondary keys within a parent, so the project is
 * needed (a number of another project is not found, which is what authorization
 * wants). NOT_FOUND naming "phone_id" and the id when there is none; INVALID_ARGUMENT
 * naming "phone_id" for an id < 1.
 */
int numbering__phone_find(numbering_store *store, const char *project, int64_t phone_id, numbering_instance **out);

/*
 * Unbinds every number of @project bound to application @application_id (its rule
 * too), or to rule @rule_id (the application binding stays): rewrites (or removes)
 * their PHONE records inside the caller's transaction (DelApplication, DelRule).
 */
int numbering__phone_unbind_application(numbering_store *store, const char *project, int64_t application_id);
int numbering__phone_unbind_rule(numbering_store *store, const char *project, int64_t rule_id);

/*
 * For the instance writers (inside their transaction): removes the PHONE record of
 * the instance named @name, if any (an instance deleted or deactivated); moves it
 * from @old_name to the instance @to (a move); copies the binding (application and
 * rule) of @from to the instance @to (a split's new part).
 */
int numbering__phone_remove(numbering_store *store, const char *name);
int numbering__phone_rename(numbering_store *store, const char *old_name, const numbering_instance *to);
int numbering__phone_copy_binding(numbering_store *store, const numbering_instance *from,
                                  const numbering_instance *to);

/*
 * The account's general inbound SMS callback URL (service/outbox.c: an attribute of
 * the project's callback configuration) into *url, malloc'd (numbering__free_mem),
 * NULL when it has none. Caller holds the lock.
 */
int numbering__account_sms_url(char **url, numbering_store *store, const char *project);

/*
 * A create's first response kept by its request id (service/create.c) holds no phone
 * id: the instance encoding has none (the id is the record's key), and a store written
 * before phone ids kept responses without one. On a retry, sets @response's phone_id
 * from the instance record of the same name when it is the same instance (the same
 * create time and first number): a phone id never changes, so it is the one the first
 * response would have shown. Leaves 0 when that instance is no longer under the name
 * (moved away). Caller holds the lock.
 */
int numbering__phone_id_refill(numbering_store *store, numbering_instance *response);

/*
 * At a writable open (numbering_store_open(), before any operation): gives every
 * instance of a store written before phone ids its phone id, in create-time order, in
 * one transaction that also writes the META record phone-ids, so that it runs once
 * (a new store only gets the record). *given: how many instances got one. A store
 * whose backend refuses a transaction with FAILED_PRECONDITION (opened read-only) is
 * left as it is: its old instances read with phone id 0.
 */
int numbering__phone_migrate(numbering_store *store, int64_t *given);

#endif
