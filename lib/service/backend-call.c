/*
 * The store's calls into its record-store backend (service/backend-call.h): instances,
 * metadata and idempotency records as records, and the error protocol around every
 * call.
 */
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "model/fields.h"
#include "model/record.h"
#include "model/validate.h"
#include "service/backend-call.h"
#include "service/phone.h"

int numbering__backend_result(int rc, unsigned serial, const char *op)
{
	if (rc == NUMBERING_OK)
		return rc;
	if (rc < 0 || rc > NUMBERING_UNAUTHENTICATED)
		return numbering__error_set(NUMBERING_INTERNAL, "storage backend: %s returned %d, which is not a status code",
		                            op, rc);
	/* NOT_FOUND is part of the protocol of get, find and remove: each caller says what
	 * was missing. From any other function it is a failure like the others. */
	int absent = rc == NUMBERING_NOT_FOUND && (strcmp(op, "get") == 0 || strcmp(op, "find") == 0 ||
	                                           strcmp(op, "remove") == 0);
	if (!absent && numbering__error_serial() == serial)
		numbering__error_set(rc, "storage backend: %s failed with %s and gave no reason", op,
		                     numbering_status_name(rc));
	return rc;
}

/* The thread's error serial before a call into the backend, for call_result(). It is a
 * thread-local read (~20 instructions through __tls_get_addr, ten calls a purchase): the
 * library's own backends, which describe their failures, are not asked it before the
 * call but after a failure, whether the thread's last error is of the failure's code. */
static unsigned serial_before(const numbering_store *store)
{
	return store->own_records ? 0 : numbering__error_serial();
}

/* numbering__backend_result() of a call made after serial_before(). */
static int call_result(const numbering_store *store, int rc, unsigned serial, const char *op)
{
	if (rc == NUMBERING_OK)
		return rc;
	if (store->own_records) /* described: the serial is not the current one */
		serial = numbering__error_serial() - (numbering_error_code() == rc);
	return numbering__backend_result(rc, serial, op);
}

/*
 * What a host's backend was asked, to hold each record it visits to it: a record of
 * another kind or name (get), holding none of the numbers asked (find), or of another
 * kind or parent (list) is the backend's error, not data: taken, it would be shown,
 * changed, deleted or routed to as the one asked for. The library's own backends
 * answer from their own indexes and are not checked (a strcmp a get).
 */
struct asked {
	numbering_record_visit_cb visit;
	void *payload;
	const char *op; /* "get", "find" or "list" */
	int kind;       /* get, list */
	const char *name;   /* get */
	const char *parent; /* list: NULL for any */
	int listed_only;    /* list */
	int digits;         /* find */
	uint64_t first, last;
	int wrong; /* a record was refused, its error set */
	int damaged; /* ... as damage (DATA_LOSS), not as the backend's error (INTERNAL) */
};

/* What a call answers once asked_visit() refused a record. */
#define REFUSED(a) ((a).damaged ? NUMBERING_DATA_LOSS : NUMBERING_INTERNAL)

static const char *wrong_record(const struct asked *a, const numbering_record *r)
{
	if (a->digits != 0) /* find */
		return !(r->flags & NUMBERING_RECORD_NUMBERS) || r->digits != a->digits || r->first > a->last ||
		               r->last < a->first
		           ? "holding none of the numbers asked"
		           : NULL;
	if (r->kind != a->kind)
		return "of another kind";
	if (a->name != NULL && (r->name == NULL || strcmp(r->name, a->name) != 0))
		return "of another name";
	if (a->parent != NULL && (r->parent == NULL || strcmp(r->parent, a->parent) != 0))
		return "of another parent";
	if (a->listed_only && !(r->flags & NUMBERING_RECORD_LISTED))
		return "not listed";
	return NULL;
}

static int asked_visit(const numbering_record *record, void *payload)
{
	struct asked *a = payload;
	const char *why = wrong_record(a, record);
	/* A record name is text the store renders and journals: one that is not UTF-8 is
	 * damage, named here for every kind a host's backend hands over. The library's own
	 * backends hold only names that were checked on their way in (the API's
	 * validation, import's numbering_record_check()) and are not asked again: a get
	 * reads one name, and a resolve or a list page reads many. */
	const char *text = why == NULL && record->name != NULL
	                       ? numbering__stored_text_problem(record->name, strlen(record->name))
	                       : NULL;
	if (text != NULL) {
		a->wrong = a->damaged = 1;
		const char *kind = numbering_record_kind_name(record->kind);
		char what[64];
		snprintf(what, sizeof(what), "%s ", kind != NULL ? kind : "");
		return numbering__record_damaged(record, kind != NULL ? what : "", "name", text);
	}
	if (why == NULL)
		return a->visit(record, a->payload);
	a->wrong = 1;
	char asked[256], quoted[NUMBERING__QUOTE_SIZE], got[NUMBERING__QUOTE_SIZE];
	const char *what = a->name != NULL ? a->name : a->parent != NULL ? a->parent : "";
	const char *name = record->name != NULL ? record->name : "";
	if (a->digits != 0)
		snprintf(asked, sizeof(asked), "the %d-digit numbers %llu .. %llu", a->digits, (unsigned long long)a->first,
		         (unsigned long long)a->last);
	else
		snprintf(asked, sizeof(asked), "kind %d %s \"%s\"", a->kind, a->name != NULL ? "named" : "under",
		         numbering__quote(quoted, what, strlen(what)));
	return numbering__error_set(NUMBERING_INTERNAL, "storage backend: %s of %s visited the record \"%s\" (kind %d), %s",
	                            a->op, asked, numbering__quote(got, name, strlen(name)), record->kind, why);
}

/* What a visit that reads an instance record leaves: found is set once it read one,
 * rc is the reading's outcome (its error set). */
struct instance_visit {
	numbering_instance *out;
	int own;   /* the library's own backend: numbering__instance_from_own_record() */
	int vouching; /* the backend may vouch for a record (store->vouching) */
	int found;
	int other; /* find: a record of another kind was visited */
	int rc;
	/* find of one number (numbering__backend_find_number()): its +E164 text, or NULL. */
	const char *e164;
	uint64_t value;
	unsigned digits;
};

/* The value a find visit stops the walk with once it read an instance: the backend
 * returns it, and the caller tells it from the backend's own by found. */
#define VISIT_STOP 1

static int read_instance(struct instance_visit *v, const numbering_record *record)
{
	v->found = 1;
	/* The store's own records, and those the file backend vouches for (model/record.h);
	 * a host's backend vouches for nothing, whatever flags its records carry. */
	int own = v->own || (v->vouching && (record->flags & NUMBERING__RECORD_VOUCHED) != 0);
	/* A resolve has the number's +E164 text: copied, not formatted, checked or not. */
	if (v->e164 != NULL)
		v->rc = own ? numbering__instance_from_own_record_e164(v->out, record, v->value, v->digits, v->e164)
		            : numbering__instance_from_record_e164(v->out, record, v->value, v->digits, v->e164);
	else
		v->rc = own ? numbering__instance_from_own_record(v->out, record)
		            : numbering__instance_from_record(v->out, record);
	return v->rc;
}

static int get_visit(const numbering_record *record, void *payload)
{
	return read_instance(payload, record);
}

int numbering__backend_get(numbering_store *store, numbering_instance *out, const char *name)
{
	struct instance_visit v = {out, store->own_records, store->vouching, 0, 0, NUMBERING_OK, NULL, 0, 0};
	unsigned serial = serial_before(store);
	int rc;
	if (store->own_records) {
		rc = store->backend->get(store->backend, NUMBERING__KIND_INSTANCE, name, get_visit, &v);
	} else {
		struct asked a = {get_visit, &v, "get", NUMBERING__KIND_INSTANCE, name, NULL, 0, 0, 0, 0, 0, 0};
		rc = store->backend->get(store->backend, NUMBERING__KIND_INSTANCE, name, asked_visit, &a);
		if (a.wrong)
			return REFUSED(a);
	}
	if (v.found && v.rc != NUMBERING_OK)
		return v.rc;
	if (rc == NUMBERING_OK && !v.found)
		return numbering__error_set(NUMBERING_INTERNAL, "storage backend: get answered OK but visited no record");
	return call_result(store, rc, serial, "get");
}

/* numbering__backend_get_own(): no resolve's text, no other backend's record. */
static int get_own_visit(const numbering_record *record, void *payload)
{
	struct instance_visit *v = payload;
	v->found = 1;
	return v->rc = numbering__instance_from_own_record(v->out, record);
}

/* The thread's error serial (a thread-local read, ~30 instructions with its call) and
 * the result's protocol are left out: a get by name of the own backends that fails
 * is read again by the checked path, which has both. */
int numbering__backend_get_own(numbering_store *store, numbering_instance *out, const char *name)
{
	struct instance_visit v = {out, 1, 0, 0, 0, NUMBERING_OK, NULL, 0, 0};
	int rc = store->backend->get(store->backend, NUMBERING__KIND_INSTANCE, name, get_own_visit, &v);
	if (rc != NUMBERING_OK)
		return rc;
	return v.found ? v.rc : NUMBERING_INTERNAL;
}

/* A put the change journal does not note (the caller does). */
static int put_record(numbering_store *store, const numbering_record *record)
{
	unsigned serial = serial_before(store);
	return call_result(store, store->backend->put(store->backend, record), serial, "put");
}

int numbering__backend_put(numbering_store *store, numbering_instance *instance)
{
	numbering_record record;
	int rc = NUMBERING_OK;
	/* An instance stored for the first time gets its phone id here, whichever
	 * operation made it (service/phone.h); every later put keeps it. So the phone id
	 * also tells the change journal whether this put creates the instance. */
	int change = instance->phone_id == 0 ? NUMBERING__CHANGE_CREATED : NUMBERING__CHANGE_UPDATED;
	if (instance->phone_id == 0 && (rc = numbering__next_id(store, NUMBERING__SEQ_PHONE, &instance->phone_id)) != NUMBERING_OK)
		return rc;
	rc = numbering__instance_to_record(&record, &store->put_body, instance);
	if (rc == NUMBERING_OK)
		rc = put_record(store, &record);
	if (rc == NUMBERING_OK)
		numbering__journal_note(store, NUMBERING__KIND_INSTANCE, record.name,
		                        instance->lifecycle_state == NUMBERING_LIFECYCLE_DELETED ? NUMBERING__CHANGE_DELETED
		                                                                                 : change);
	/* A DELETED instance keeps no Voximplant state (binding, URL, verification),
	 * whichever operation deleted it. */
	if (rc == NUMBERING_OK && instance->lifecycle_state == NUMBERING_LIFECYCLE_DELETED)
		rc = numbering__phone_remove(store, numbering__str_get(&instance->name));
	return rc;
}

int numbering__backend_remove(numbering_store *store, const char *name)
{
	return numbering__backend_remove_record(store, NUMBERING__KIND_INSTANCE, name);
}

static int find_visit(const numbering_record *record, void *payload)
{
	struct instance_visit *v = payload;
	if (record->kind != NUMBERING__KIND_INSTANCE) {
		v->other = 1;
		return 0;
	}
	int rc = read_instance(v, record);
	return rc != NUMBERING_OK ? rc : VISIT_STOP;
}

static int find(numbering_store *store, numbering_instance *out, uint64_t first, uint64_t last, int digits,
                const char *e164, int *other)
{
	struct instance_visit v = {out, store->own_records, store->vouching, 0, 0, NUMBERING_OK, e164, first,
	                           (unsigned)digits};
	unsigned serial = serial_before(store);
	int rc;
	/* The resolve path: the own backends' call as it was, no check to set up. */
	if (store->own_records) {
		rc = store->backend->find(store->backend, digits, first, last, find_visit, &v);
	} else {
		struct asked a = {find_visit, &v, "find", 0, NULL, NULL, 0, digits, first, last, 0, 0};
		rc = store->backend->find(store->backend, digits, first, last, asked_visit, &a);
		if (a.wrong)
			return REFUSED(a);
	}
	*other = 0;
	if (v.found) {
		if (v.rc != NUMBERING_OK)
			return v.rc;
		if (rc == VISIT_STOP)
			return NUMBERING_OK;
	}
	if (rc == NUMBERING_NOT_FOUND || (rc == NUMBERING_OK && !v.found)) {
		*other = v.other;
		return NUMBERING_NOT_FOUND;
	}
	return call_result(store, rc, serial, "find");
}

int numbering__backend_find(numbering_store *store, numbering_instance *out, uint64_t first, uint64_t last,
                            int digits, int *other)
{
	return find(store, out, first, last, digits, NULL, other);
}

int numbering__backend_find_number(numbering_store *store, numbering_instance *out, uint64_t value, int digits,
                                   const char *e164, int *other)
{
	return find(store, out, value, value, digits, e164, other);
}

int numbering__backend_list(numbering_store *store, const numbering_record_query *query,
                            numbering_record_visit_cb visit, void *payload)
{
	unsigned serial = serial_before(store);
	int rc;
	if (store->own_records) {
		rc = store->backend->list(store->backend, query, visit, payload);
	} else {
		struct asked a = {visit, payload, "list", query->kind, NULL, query->parent, query->listed_only, 0, 0, 0, 0, 0};
		rc = store->backend->list(store->backend, query, asked_visit, &a);
		if (a.wrong)
			return REFUSED(a);
	}
	return rc == NUMBERING__VISIT_STOP ? NUMBERING_OK : call_result(store, rc, serial, "list");
}

static int due_found(const numbering_record *record, void *payload)
{
	(void)record;
	*(int *)payload = 1;
	return NUMBERING__VISIT_STOP;
}

int numbering__backend_due(numbering_store *store, int kind, int64_t now, int *due)
{
	numbering_record_query query = NUMBERING_RECORD_QUERY_INIT;
	query.kind = kind;
	query.order = NUMBERING_RECORD_ORDER_EXPIRY;
	query.parent = NULL;
	query.expires_until = now;
	query.limit = 1;
	*due = 0;
	return numbering__backend_list(store, &query, due_found, due);
}

int numbering__backend_get_record(numbering_store *store, int kind, const char *name, numbering_record_visit_cb visit,
                                  void *payload)
{
	unsigned serial = serial_before(store);
	if (store->own_records)
		return call_result(store, store->backend->get(store->backend, kind, name, visit, payload), serial, "get");
	struct asked a = {visit, payload, "get", kind, name, NULL, 0, 0, 0, 0, 0, 0};
	int rc = store->backend->get(store->backend, kind, name, asked_visit, &a);
	return a.wrong ? REFUSED(a) : call_result(store, rc, serial, "get");
}

int numbering__backend_find_record(numbering_store *store, int digits, uint64_t first, uint64_t last,
                                   numbering_record_visit_cb visit, void *payload)
{
	unsigned serial = serial_before(store);
	int rc;
	if (store->own_records) {
		rc = store->backend->find(store->backend, digits, first, last, visit, payload);
	} else {
		struct asked a = {visit, payload, "find", 0, NULL, NULL, 0, digits, first, last, 0, 0};
		rc = store->backend->find(store->backend, digits, first, last, asked_visit, &a);
		if (a.wrong)
			return REFUSED(a);
	}
	if (rc == NUMBERING__VISIT_STOP)
		return NUMBERING_OK;
	return rc == NUMBERING_NOT_FOUND ? rc : call_result(store, rc, serial, "find");
}

/* Every remove and put is noted in the transaction's change journal
 * (service/changes.h), which leaves out the store's own bookkeeping (META, requests). */
int numbering__backend_remove_record(numbering_store *store, int kind, const char *name)
{
	unsigned serial = serial_before(store);
	int rc = call_result(store, store->backend->remove(store->backend, kind, name), serial, "remove");
	if (rc == NUMBERING_OK)
		numbering__journal_note(store, kind, name, NUMBERING__CHANGE_DELETED);
	return rc;
}

int numbering__backend_put_record(numbering_store *store, const numbering_record *record)
{
	int rc = put_record(store, record);
	/* An instance record put without numbering__backend_put(): unlisted is DELETED. */
	if (rc == NUMBERING_OK)
		numbering__journal_note(store, record->kind, record->name,
		                        record->kind == NUMBERING__KIND_INSTANCE && !(record->flags & NUMBERING_RECORD_LISTED)
		                            ? NUMBERING__CHANGE_DELETED
		                            : NUMBERING__CHANGE_UPDATED);
	return rc;
}

/* The body is encoded into store->put_body, the buffer numbering__backend_put() encodes
 * instances into: every put holds the write lock, and the backend copies the body
 * before its put returns. A buffer made and freed for each body cost ~250 instructions
 * a put (a purchase puts four this way). */
int numbering__backend_put_fields(numbering_store *store, const numbering_record *record,
                                  const struct numbering__fields *table, const void *obj)
{
	struct numbering__buf *body = &store->put_body;
	body->len = 0;
	int rc = numbering__fields_encode(table, body, obj);
	if (rc == NUMBERING_OK) {
		numbering_record r = *record;
		r.body = body->ptr;
		r.body_len = body->len;
		rc = numbering__backend_put_record(store, &r);
	}
	return rc;
}

struct meta_read {
	void *buf;
	size_t cap;
	size_t len;
	int seen;
};

static int meta_visit(const numbering_record *record, void *payload)
{
	struct meta_read *m = payload;
	m->seen = 1;
	m->len = record->body_len;
	if (m->len <= m->cap && m->len > 0)
		memcpy(m->buf, record->body, m->len);
	return 0;
}

int numbering__backend_meta_get(numbering_store *store, const char *name, void *buf, size_t *len)
{
	struct meta_read m = {buf, *len, 0, 0};
	int rc = numbering__backend_get_record(store, NUMBERING__KIND_META, name, meta_visit, &m);
	if (rc != NUMBERING_OK)
		return rc;
	if (!m.seen)
		return numbering__error_set(NUMBERING_INTERNAL, "storage backend: get answered OK but visited no record");
	*len = m.len;
	return m.len > m.cap ? NUMBERING_OUT_OF_RANGE : NUMBERING_OK;
}

int numbering__backend_meta_put(numbering_store *store, const char *name, const void *value, size_t len)
{
	numbering_record record;
	int rc = numbering__meta_record(&record, name, value, len);
	return rc != NUMBERING_OK ? rc : numbering__backend_put_record(store, &record);
}

int numbering__backend_begin(numbering_store *store)
{
	unsigned serial = serial_before(store);
	return call_result(store, store->backend->begin(store->backend), serial, "begin");
}

int numbering__backend_commit(numbering_store *store)
{
	unsigned serial = serial_before(store);
	return call_result(store, store->backend->commit(store->backend), serial, "commit");
}

int numbering__backend_rollback(numbering_store *store)
{
	unsigned serial = serial_before(store);
	return call_result(store, store->backend->rollback(store->backend), serial, "rollback");
}

void numbering__backend_prefetch(numbering_store *store, int kind, const char *name)
{
	/* A host's backend is not asked: it may not know the op, and would set an error. */
	if (!store->own_records)
		return;
	struct numbering__prefetch p = {kind, name};
	(void)store->backend->control(store->backend, NUMBERING__CONTROL_PREFETCH, &p);
}

int numbering__backend_control(numbering_store *store, int op, void *arg)
{
	if (store->backend->control == NULL)
		return numbering__error_set(NUMBERING_UNIMPLEMENTED, "storage backend: it has no control operations");
	unsigned serial = numbering__error_serial();
	return numbering__backend_result(store->backend->control(store->backend, op, arg), serial, "control");
}
