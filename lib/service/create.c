/* CreatePhoneNumberInstance: a single number or a range, with idempotent retries. */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "e164/metadata.h"
#include "e164/number.h"
#include "e164/parse.h"
#include "model/validate.h"
#include "service/backend-call.h"
#include "service/commit-or-rollback.h"
#include "service/phone.h"
#include "service/service.h"

#define FIELD_NUMBER "phone_number_instance.phone_number.phone_number"
#define REQUEST_ID_MAX 128
/* A range's size is the seed's int32. */
#define RANGE_SIZE_MAX 2147483647

/* The numbers a create request asks for. */
static int parse_numbers(numbering_range *range, const numbering_instance *request, const char *region,
                         int *is_range)
{
	const char *text = numbering__str_get(&request->phone_number);
	if (text[0] == '\0')
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, FIELD_NUMBER, "a phone number is required");
	int has_size = (request->set & NUMBERING__SET_RANGE_SIZE) && request->range_size != 0;
	int has_end = (request->set & NUMBERING__SET_RANGE_END) && request->range_end.len > 0;
	int rc;
	if (has_size || has_end) {
		numbering_number start, end;
		numbering_range notation;
		if (numbering__range_parse_field(&notation, text, region, FIELD_NUMBER) == NUMBERING_OK &&
		    numbering_range_size(&notation) > 1) {
			char quoted[NUMBERING__QUOTE_SIZE];
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, FIELD_NUMBER,
			                              "\"%s\" is range notation; give a range either that way or as a start "
			                              "number with range.size or range.end_phone_number, not both",
			                              numbering__quote(quoted, text, strlen(text)));
		}
		rc = numbering__e164_parse_field(&start, text, strlen(text), region, FIELD_NUMBER);
		if (rc == NUMBERING_OK)
			rc = numbering_number_require_possible(&start, FIELD_NUMBER);
		if (rc == NUMBERING_OK && has_size)
			rc = numbering_range_from_size(range, &start, request->range_size);
		if (rc == NUMBERING_OK && has_end) {
			const char *end_text = numbering__str_get(&request->range_end);
			rc = numbering__e164_parse_field(&end, end_text, strlen(end_text), region,
			                                 "phone_number_instance.range.end_phone_number");
			if (rc == NUMBERING_OK && has_size && end.value != numbering_range_end(range)->value)
				rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_number_instance.range",
				                            "range.size %lld from %s ends at %s, but range.end_phone_number is %s",
				                            (long long)request->range_size, start.e164,
				                            numbering_range_end(range)->e164, end.e164);
			if (rc == NUMBERING_OK)
				rc = numbering_range_from_bounds(range, &start, &end);
		}
		if (rc != NUMBERING_OK && numbering_error_violation_count() > 0 &&
		    strncmp(numbering_error_violation_field(0), "range", 5) == 0)
			numbering__error_prefix_fields("phone_number_instance");
		*is_range = 1;
	} else {
		rc = numbering__range_parse_field(range, text, region, FIELD_NUMBER);
		if (rc == NUMBERING_OK)
			rc = numbering_number_require_possible(numbering_range_start(range), FIELD_NUMBER);
		*is_range = numbering_range_size(range) > 1;
	}
	if (rc == NUMBERING_OK && numbering_range_size(range) > RANGE_SIZE_MAX)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_number_instance.range.size",
		                            "a range holds at most %d numbers; this one has %lld", RANGE_SIZE_MAX,
		                            (long long)numbering_range_size(range));
	return rc;
}

/* The country of the number: the request's region when it shares the calling code
 * (+1 serves many regions), else the code's main region; "" for non-geographic codes. */
static const char *country_of(const numbering_number *start, const char *region)
{
	if (region != NULL && numbering_e164_region_country_code(region) == numbering_number_country_code(start)) {
		int index = numbering__region_find(region, strlen(region));
		return numbering__regions[index].code;
	}
	const char *main = numbering_number_region(start, 0);
	return (main == NULL || strcmp(main, "001") == 0) ? "" : main;
}

static int validate_request_id(const char *request_id)
{
	size_t len = strlen(request_id);
	int ok = len >= 1 && len <= REQUEST_ID_MAX;
	for (size_t i = 0; ok && i < len; i++) {
		char c = request_id[i];
		ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		     c == '.' || c == '~' || c == ':';
	}
	if (ok)
		return NUMBERING_OK;
	char quoted[NUMBERING__QUOTE_SIZE];
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "request_id",
	                              "request id \"%s\" must be 1 to %d of A-Z a-z 0-9 - _ . ~ :",
	                              numbering__quote(quoted, request_id, len), REQUEST_ID_MAX);
}

/* A digest of everything that makes a create request what it is, so a retried
 * request id can be told from a reused one. It is taken over the request as the store
 * reads it, not as it was spelled: the numbers as parsed (range notation, or a start
 * with range.size or range.end_phone_number, national or +E164), and fields at their
 * default whether given or not (proto3 cannot tell them apart either). */
static int request_digest(unsigned char digest[32], const char *parent, const numbering_instance *request,
                          const char *instance_id, const numbering_range *range, int is_range, const char *country)
{
	numbering_instance *normal = NULL;
	int rc = numbering_instance_copy(&normal, request);
	if (rc != NUMBERING_OK)
		return rc;
	const numbering_number *start = numbering_range_start(range), *end = numbering_range_end(range);
	if ((rc = numbering__str_set(&normal->phone_number, start->e164, strlen(start->e164))) == NUMBERING_OK &&
	    (rc = numbering__str_set(&normal->range_end, end->e164, strlen(end->e164))) == NUMBERING_OK)
		rc = numbering__str_set(&normal->country_code, country, strlen(country));
	normal->first = start->value;
	normal->last = end->value;
	normal->digits = start->digits;
	normal->range_size = numbering_range_size(range);
	normal->is_range = (uint8_t)is_range;
	if (normal->lifecycle_state == NUMBERING_LIFECYCLE_ACTIVE)
		normal->lifecycle_state = NUMBERING_LIFECYCLE_STATE_UNSPECIFIED;
	if (normal->call_recording_trigger == NUMBERING_RECORDING_DISABLED)
		normal->call_recording_trigger = NUMBERING_RECORDING_TRIGGER_UNSPECIFIED;
	normal->set = 0;
	uint8_t *encoded = NULL;
	size_t len = 0;
	if (rc == NUMBERING_OK)
		rc = numbering_instance_encode(&encoded, &len, normal);
	numbering_instance_free(normal);
	if (rc != NUMBERING_OK)
		return rc;
	crypto_generichash_state state;
	crypto_generichash_init(&state, NULL, 0, 32);
	const char *parts[] = {parent, instance_id ? instance_id : ""};
	for (size_t i = 0; i < 2; i++)
		crypto_generichash_update(&state, (const unsigned char *)parts[i], strlen(parts[i]) + 1);
	crypto_generichash_update(&state, encoded, len);
	crypto_generichash_final(&state, digest, 32);
	numbering_free(encoded);
	return NUMBERING_OK;
}

/* Request ids are scoped to the parent: two projects that happen to pick the same id
 * neither collide nor learn of each other. Each is a REQUEST record named
 * "{project}/requests/{id}" (numbering__request_record()). */

/* A request record's body, copied out of the visit: into small when it fits. */
struct request_body {
	unsigned char *value;
	size_t len;
	unsigned char *small;
	size_t small_cap;
	int rc;
};

static int request_visit(const numbering_record *record, void *payload)
{
	struct request_body *b = payload;
	b->len = record->body_len;
	b->value = b->small;
	if (b->len > b->small_cap && (b->value = numbering__malloc(b->len)) == NULL)
		return b->rc = numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory reading a request record");
	if (b->len > 0)
		memcpy(b->value, record->body, b->len);
	return 0;
}

/*
 * The record of a create with a request id, under its request key:
 *   32 bytes  the request digest
 *   byte      0, the mark of a record that keeps the response
 *   byte      the response's compliant flag (0 or 1)
 *   rest      the response: the instance as created (numbering_instance_encode)
 * so that a retry answers with the first response (AIP-155), never with the instance as
 * it is now. Records written before responses were kept hold the digest and the
 * instance's name instead; a name starts with "projects/", never with a 0 byte.
 */
#define RECORD_KEEPS_RESPONSE 0

/* What a request id seen before answers with. */
struct previous {
	int seen;   /* the request id has a record: the create is a retry, nothing is written */
	int legacy; /* the record holds only the name: the instance as it is now, if the caller may get it */
	char name[NUMBERING__NAME_SIZE];
	int load_rc; /* legacy: the outcome of reading that instance */
};

/* Looks up a previous create in @project with the same request id. Returns
 * NUMBERING_NOT_FOUND when there is none; NUMBERING_OK with previous->seen set and,
 * from a record that keeps it, the first response in @response; from an older record
 * the instance it names as it is now (previous->legacy, previous->load_rc). */
static int find_previous(numbering_store *store, const char *project, const char *request_id,
                         const unsigned char digest[32], numbering_instance *response, struct previous *previous)
{
	numbering_record record;
	char name[NUMBERING__REQUEST_NAME_SIZE];
	int rc = numbering__request_record(&record, name, project, request_id, 0, NULL, 0);
	if (rc != NUMBERING_OK)
		return rc;
	unsigned char small[32 + NUMBERING__NAME_SIZE];
	struct request_body body = {NULL, 0, small, sizeof(small), NUMBERING_OK};
	rc = numbering__backend_get_record(store, NUMBERING__KIND_REQUEST, name, request_visit, &body);
	if (body.rc != NUMBERING_OK) {
		if (body.value != small)
			numbering__free_mem(body.value);
		return body.rc;
	}
	unsigned char *value = body.value;
	size_t len = body.len;
	if (rc == NUMBERING_OK && value == NULL)
		rc = numbering__error_set(NUMBERING_INTERNAL, "storage backend: get answered OK but visited no record");
	if (rc == NUMBERING_OK && len <= 32)
		rc = numbering__error_set(NUMBERING_DATA_LOSS, "the record of request id %s is damaged", request_id);
	else if (rc == NUMBERING_OK && sodium_memcmp(value, digest, 32) != 0)
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "request_id",
		                            "request id %s was already used for a different request", request_id);
	if (rc == NUMBERING_OK && value[32] == RECORD_KEEPS_RESPONSE) {
		if (len < 35 || value[33] > 1 ||
		    (rc = numbering_instance_decode(response, value + 34, len - 34)) == NUMBERING_DATA_LOSS)
			rc = numbering__error_set(NUMBERING_DATA_LOSS, "the record of request id %s is damaged: its response "
			                                               "cannot be read",
			                          request_id);
		else if (rc == NUMBERING_OK)
			response->compliant = value[33];
		/* The kept response has no phone id (not in the encoding): the instance's own. */
		if (rc == NUMBERING_OK)
			rc = numbering__phone_id_refill(store, response);
	} else if (rc == NUMBERING_OK) {
		if (len - 32 >= NUMBERING__NAME_SIZE) {
			rc = numbering__error_set(NUMBERING_DATA_LOSS, "the record of request id %s is damaged", request_id);
		} else {
			previous->legacy = 1;
			memcpy(previous->name, value + 32, len - 32);
			previous->name[len - 32] = '\0';
			previous->load_rc = numbering__backend_get(store, response, previous->name);
			if (previous->load_rc != NUMBERING_OK && previous->load_rc != NUMBERING_NOT_FOUND)
				rc = previous->load_rc;
		}
	}
	if (value != small)
		numbering__free_mem(value);
	if (rc == NUMBERING_OK)
		previous->seen = 1;
	return rc;
}

/* Keeps the request's digest and @response, the instance as created with its
 * compliance computed. */
static int remember_request(numbering_store *store, const char *project, const char *request_id,
                            const unsigned char digest[32], const numbering_instance *response)
{
	uint8_t *encoded = NULL;
	size_t encoded_len = 0;
	int rc = numbering_instance_encode(&encoded, &encoded_len, response);
	if (rc != NUMBERING_OK)
		return rc;
	unsigned char *value = numbering__malloc(34 + encoded_len);
	if (value == NULL) {
		numbering_free(encoded);
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory keeping the response of request id "
		                                                          "%s",
		                            request_id);
	}
	memcpy(value, digest, 32);
	value[32] = RECORD_KEEPS_RESPONSE;
	value[33] = response->compliant ? 1 : 0;
	memcpy(value + 34, encoded, encoded_len);
	numbering_record record;
	char name[NUMBERING__REQUEST_NAME_SIZE];
	rc = numbering__request_record(&record, name, project, request_id, response->create_time, value, 34 + encoded_len);
	if (rc == NUMBERING_OK)
		rc = numbering__backend_put_record(store, &record);
	numbering__free_mem(value);
	numbering_free(encoded);
	return rc;
}

/* Fills the new instance from the request's writable fields and the parsed numbers. */
static int build(numbering_instance *instance, const numbering_instance *request, const char *name,
                 const numbering_range *range, int is_range, const char *country, int64_t now)
{
	int rc = numbering__instance_assign(instance, request);
	if (rc != NUMBERING_OK)
		return rc;
	const numbering_number *start = numbering_range_start(range), *end = numbering_range_end(range);
	int state = (request->set & NUMBERING__SET_LIFECYCLE_STATE) ? request->lifecycle_state : NUMBERING_LIFECYCLE_ACTIVE;
	if ((rc = numbering__str_set(&instance->name, name, strlen(name))) != NUMBERING_OK ||
	    (rc = numbering__str_set(&instance->phone_number, start->e164, strlen(start->e164))) != NUMBERING_OK ||
	    (rc = numbering__str_set(&instance->range_end, is_range ? end->e164 : "", is_range ? strlen(end->e164) : 0)) !=
	        NUMBERING_OK ||
	    (rc = numbering__str_set(&instance->country_code, country, strlen(country))) != NUMBERING_OK)
		return rc;
	instance->first = start->value;
	instance->last = end->value;
	instance->digits = start->digits;
	instance->range_size = numbering_range_size(range);
	instance->is_range = (uint8_t)is_range;
	instance->lifecycle_state = (uint8_t)state;
	if (instance->call_recording_trigger == NUMBERING_RECORDING_TRIGGER_UNSPECIFIED)
		instance->call_recording_trigger = NUMBERING_RECORDING_DISABLED;
	instance->create_time = now;
	instance->delete_time = 0;
	instance->activate_time = state == NUMBERING_LIFECYCLE_ACTIVE ? now : 0;
	instance->set = 0;
	return NUMBERING_OK;
}

/* Whoever already holds one of the numbers, or the name asked for: filled under the
 * lock, reported after it (the authorizer is never called under the store's lock). */
struct holder {
	char name[NUMBERING__NAME_SIZE];
	int state;
	int same_name; /* the instance id asked for is taken, not a number */
	int not_instance; /* a number is held by a record of another kind: no name to give */
};

/* Finds the non-deleted instance that already holds one of the numbers. */
static int check_numbers_free(numbering_store *store, const numbering_range *range, numbering_instance *scratch,
                              struct holder *holder)
{
	const numbering_number *start = numbering_range_start(range), *end = numbering_range_end(range);
	int other = 0;
	int rc = numbering__backend_find(store, scratch, start->value, end->value, start->digits, &other);
	if (rc == NUMBERING_NOT_FOUND && other) {
		holder->not_instance = 1;
		return NUMBERING_ALREADY_EXISTS;
	}
	if (rc == NUMBERING_NOT_FOUND)
		return NUMBERING_OK;
	if (rc != NUMBERING_OK)
		return rc;
	snprintf(holder->name, sizeof(holder->name), "%s", numbering__str_get(&scratch->name));
	holder->state = scratch->lifecycle_state;
	return NUMBERING_ALREADY_EXISTS;
}

/* One number, one owner: the caller learns the number is held, but who holds it only
 * when it may get that instance, so a create does not reveal other projects' names. */
static int report_holder(numbering_store *store, const char *caller, const numbering_range *range,
                         const struct holder *holder)
{
	char project[NUMBERING__PROJECT_SIZE] = "";
	const char *slash = strstr(holder->name, "/phoneNumberInstances/");
	if (slash != NULL && (size_t)(slash - holder->name) < sizeof(project))
		snprintf(project, sizeof(project), "%.*s", (int)(slash - holder->name), holder->name);
	int may_get = project[0] != '\0' && numbering__allowed(store, caller, NUMBERING__PERM_GET, project);
	/* The same for the id: a caller who may create there but not get learns that the id
	 * is taken, not the instance (nor its state) that took it. */
	if (holder->same_name)
		return may_get ? numbering__error_field(NUMBERING_ALREADY_EXISTS, "phone_number_instance_id",
		                                        "phone number instance %s already exists", holder->name)
		               : numbering__error_field(NUMBERING_ALREADY_EXISTS, "phone_number_instance_id",
		                                        "the instance id \"%s\" is already taken in %s",
		                                        strrchr(holder->name, '/') + 1, project);
	const char *what = numbering_range_size(range) > 1 ? "a number of the range starting" : "phone number";
	const char *start = numbering_range_start(range)->e164;
	if (holder->not_instance)
		return numbering__error_field(NUMBERING_ALREADY_EXISTS, FIELD_NUMBER, "%s %s is already held by a record that is not a phone number instance",
		                              what, start);
	if (may_get)
		return numbering__error_field(NUMBERING_ALREADY_EXISTS, FIELD_NUMBER, "%s %s is already held by %s (%s)",
		                              what, start, holder->name, numbering_lifecycle_state_name(holder->state));
	return numbering__error_field(NUMBERING_ALREADY_EXISTS, FIELD_NUMBER,
	                              "%s %s is already held by another phone number instance", what, start);
}

/* The thread's last error, kept across a look-up that may replace it (failure paths only). */
#define SAVED_VIOLATIONS 8
struct saved_error {
	int code;
	int count;
	char message[512];
	char field[SAVED_VIOLATIONS][128];
	char description[SAVED_VIOLATIONS][512];
};

static void save_error(struct saved_error *e)
{
	e->code = numbering_error_code();
	snprintf(e->message, sizeof(e->message), "%s", numbering_error_message());
	e->count = numbering_error_violation_count();
	if (e->count > SAVED_VIOLATIONS)
		e->count = SAVED_VIOLATIONS;
	for (int i = 0; i < e->count; i++) {
		snprintf(e->field[i], sizeof(e->field[i]), "%s", numbering_error_violation_field(i));
		snprintf(e->description[i], sizeof(e->description[i]), "%s", numbering_error_violation_description(i));
	}
}

static void restore_error(const struct saved_error *e)
{
	if (e->code == NUMBERING_OK)
		return;
	numbering__error_set(e->code, "%s", e->message);
	for (int i = 0; i < e->count; i++)
		numbering__error_violation(e->field[i], "%s", e->description[i]);
}

/* Inside the transaction: creates the instance, or with a request id seen before,
 * answers with the first response (previous->seen then set: nothing was written). */
static int create_in(numbering_instance **out, struct previous *previous, numbering_store *store,
                         const numbering_instance *request, const char *project, const char *name,
                         const char *request_id, const unsigned char digest[32], const numbering_range *range,
                         int is_range, const char *country, struct holder *holder)
{
	numbering_instance *instance = NULL;
	int rc = numbering_instance_new(&instance);
	if (rc != NUMBERING_OK)
		return rc;
	if (request_id != NULL) {
		rc = find_previous(store, project, request_id, digest, instance, previous);
		if (rc == NUMBERING_OK) {
			/* The record's compliance, not the store's now: the first response as it was. */
			if (previous->legacy)
				numbering__compute_compliant(store, instance);
			numbering__instance_hide_credentials(instance);
			*out = instance;
			return rc;
		}
		if (rc != NUMBERING_NOT_FOUND) {
			numbering_instance_free(instance);
			return rc;
		}
	}
	rc = numbering__backend_get(store, instance, name);
	if (rc == NUMBERING_OK) {
		snprintf(holder->name, sizeof(holder->name), "%s", name);
		holder->state = instance->lifecycle_state;
		holder->same_name = 1;
		rc = NUMBERING_ALREADY_EXISTS;
	} else if (rc == NUMBERING_NOT_FOUND) {
		rc = NUMBERING_OK;
	}
	if (rc != NUMBERING_OK) {
		numbering_instance_free(instance);
		return rc;
	}
	/*
	 * The numbers are free unless the put is refused: every backend refuses a record
	 * flagged NUMBERING_RECORD_NUMBERS whose numbers another holds (ALREADY_EXISTS),
	 * so a create asks no find() first, and looks for the holder, to name it, only
	 * when the put or a step before it fails (a create of held numbers answers
	 * ALREADY_EXISTS whatever else is wrong, as when the look-up came first).
	 */
	int64_t last_time = store->last_time, now = 0;
	int put_done = 0;
	rc = numbering__check_room(store, 1);
	if (rc == NUMBERING_OK)
		rc = numbering__next_time(store, &now);
	if (rc == NUMBERING_OK)
		rc = build(instance, request, name, range, is_range, country, now);
	if (rc == NUMBERING_OK) {
		rc = numbering__backend_put(store, instance);
		put_done = rc == NUMBERING_OK;
		numbering__instance_for_caller(store, instance);
		if (rc == NUMBERING_OK && request_id != NULL)
			rc = remember_request(store, project, request_id, digest, instance);
	}
	if (rc != NUMBERING_OK && !put_done) {
		struct saved_error saved;
		save_error(&saved);
		int held = check_numbers_free(store, range, instance, holder);
		if (held == NUMBERING_ALREADY_EXISTS) {
			store->last_time = last_time; /* refused before any time was taken, as before */
			rc = held;
		} else if (held != NUMBERING_OK) {
			rc = held;
		} else {
			restore_error(&saved);
		}
	}
	/* Written: hand over the instance itself, as a copy could fail after the write. */
	if (rc == NUMBERING_OK) {
		*out = instance;
		return rc;
	}
	numbering_instance_free(instance);
	return rc;
}

/* create_in() in one transaction, which reads the request id and the name and takes
 * the create time after begin() took what other processes committed to a shared file
 * store: a time taken before could be the one another process's commit in between
 * took, and ListPhoneNumberInstances, which pages by create time, skipped one of the
 * two at a page boundary; a name read before could be one it created meanwhile. */
static int create_locked(numbering_instance **out, struct previous *previous, numbering_store *store,
                         const numbering_instance *request, const char *project, const char *name,
                         const char *request_id, const unsigned char digest[32], const numbering_range *range,
                         int is_range, const char *country, struct holder *holder)
{
	int64_t last_time = store->last_time;
	int rc = numbering__begin(store);
	if (rc != NUMBERING_OK)
		return rc;
	rc = create_in(out, previous, store, request, project, name, request_id, digest, range, is_range, country, holder);
	if (rc == NUMBERING_OK && previous->seen) {
		numbering__rollback(store); /* a retry answered: nothing written */
		return rc;
	}
	rc = numbering__commit_or_rollback(store, rc);
	if (rc != NUMBERING_OK && *out != NULL) {
		numbering_instance_free(*out);
		*out = NULL;
		store->last_time = last_time;
	}
	return rc;
}

/*
 * A retry answered from a record written before responses were kept: it can only
 * show the instance as it is now, which may hold what was set after the create, so
 * only to a caller who may get it; any other caller is refused. Frees *out on refusal.
 */
static int answer_legacy(numbering_instance **out, numbering_store *store, const char *caller, const char *project,
                         const char *request_id, const struct previous *previous)
{
	int rc = NUMBERING_OK;
	if (!numbering__allowed(store, caller, NUMBERING__PERM_GET, project))
		rc = numbering__error_set(NUMBERING_PERMISSION_DENIED,
		                          "request id %s was used by a create whose response this store did not keep "
		                          "(its record is older); the instance as it is now is shown only to a caller with "
		                          "%s on %s",
		                          request_id, numbering__permission_name(NUMBERING__PERM_GET), project);
	else if (previous->load_rc == NUMBERING_NOT_FOUND)
		rc = numbering__error_set(NUMBERING_NOT_FOUND,
		                          "the instance %s created for request id %s no longer exists under that name",
		                          previous->name, request_id);
	if (rc != NUMBERING_OK) {
		numbering_instance_free(*out);
		*out = NULL;
	}
	return rc;
}

struct create_op {
	struct numbering__write_op op;
	const char *caller;
	const numbering_instance *request;
	const char *project, *name, *request_id;
	const unsigned char *digest;
	const numbering_range *range;
	int is_range;
	const char *country;
	struct previous previous;
	struct holder holder;
};

static int create_op_locked(struct numbering__write_op *op, numbering_store *store)
{
	struct create_op *o = (struct create_op *)op;
	int rc = create_locked(op->out[0], &o->previous, store, o->request, o->project, o->name, o->request_id, o->digest,
	                       o->range, o->is_range, o->country, &o->holder);
	/* A retry answered from the first result created nothing: no second event. */
	op->replayed = o->previous.seen;
	return rc;
}

static int create_op_unlocked(struct numbering__write_op *op, numbering_store *store, int rc)
{
	struct create_op *o = (struct create_op *)op;
	if (o->holder.name[0] != '\0' || o->holder.not_instance)
		return report_holder(store, o->caller, o->range, &o->holder);
	if (rc == NUMBERING_OK && o->previous.legacy)
		rc = answer_legacy(op->out[0], store, o->caller, o->project, o->request_id, &o->previous);
	return rc;
}

int numbering_store_create(numbering_instance **out, numbering_store *store, const char *caller, const char *parent,
                           const numbering_instance *request, const char *instance_id, const char *request_id,
                           const char *region)
{
	if (out == NULL || store == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, out == NULL ? "out" : "store",
		                              "numbering_store_create: %s is NULL", out == NULL ? "out" : "store");
	*out = NULL;
	char project[NUMBERING__PROJECT_SIZE];
	int rc = numbering__project_of_parent(project, parent, "parent");
	if (rc == NUMBERING_OK)
		rc = numbering__authorize(store, caller, NUMBERING__PERM_CREATE, project);
	if (rc != NUMBERING_OK)
		return rc;
	if (request == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_number_instance",
		                              "a phone number instance is required");
	char id[NUMBERING_ID_MAX + 1];
	size_t id_len = 16;
	if (instance_id != NULL && instance_id[0] != '\0') {
		if ((rc = numbering__validate_instance_id(instance_id, "phone_number_instance_id")) != NUMBERING_OK)
			return rc;
		/* Valid: 1 to NUMBERING_ID_MAX characters. Copied, not formatted (snprintf was
		 * ~750 instructions of a create's 12k, bench-store). */
		id_len = strlen(instance_id);
		memcpy(id, instance_id, id_len + 1);
	} else {
		numbering__generate_id(id);
	}
	if (request_id != NULL && request_id[0] == '\0')
		request_id = NULL;
	if (request_id != NULL && (rc = validate_request_id(request_id)) != NUMBERING_OK)
		return rc;
	if ((request->set & NUMBERING__SET_LIFECYCLE_STATE) && request->lifecycle_state != NUMBERING_LIFECYCLE_ACTIVE &&
	    request->lifecycle_state != NUMBERING_LIFECYCLE_PENDING)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_number_instance.lifecycle_state",
		                              "an instance is created PENDING or ACTIVE, not %s",
		                              numbering_lifecycle_state_name(request->lifecycle_state));
	if (request->regulatory_listing.len > 0) {
		const char *listing = numbering__str_get(&request->regulatory_listing);
		rc = numbering__validate_regulatory_listing(listing, "phone_number_instance.regulatory_listing");
		/* A listing belongs to a project, as on Move: it must be one of the parent's. */
		size_t project_len = strlen(project);
		if (rc == NUMBERING_OK && (strncmp(listing, project, project_len) != 0 || listing[project_len] != '/'))
			rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_number_instance.regulatory_listing",
			                            "regulatory listing %s is not a listing of the parent %s", listing, project);
		if (rc != NUMBERING_OK)
			return rc;
	}
	region = numbering__region(store, region);
	numbering_range range;
	int is_range = 0;
	if ((rc = parse_numbers(&range, request, region, &is_range)) != NUMBERING_OK)
		return rc;
	const char *country = country_of(numbering_range_start(&range), region);
	unsigned char digest[32];
	if (request_id != NULL &&
	    (rc = request_digest(digest, parent, request, instance_id, &range, is_range, country)) != NUMBERING_OK)
		return rc;
	/* "{project}/phoneNumberInstances/{id}", put together as the id above. */
	static const char collection[] = "/phoneNumberInstances/";
	_Static_assert(NUMBERING__PROJECT_SIZE - 1 + sizeof(collection) - 1 + NUMBERING_ID_MAX + 1 <= NUMBERING__NAME_SIZE,
	               "an instance name fits its buffer");
	char name[NUMBERING__NAME_SIZE];
	size_t project_len = strlen(project);
	memcpy(name, project, project_len);
	memcpy(name + project_len, collection, sizeof(collection) - 1);
	memcpy(name + project_len + sizeof(collection) - 1, id, id_len + 1);

	struct create_op op = {{create_op_locked, create_op_unlocked, {out, NULL}, {"phoneNumberInstance.created", NULL}, 0},
	                       caller,
	                       request,
	                       project,
	                       name,
	                       request_id,
	                       digest,
	                       &range,
	                       is_range,
	                       country,
	                       {0, 0, "", NUMBERING_OK},
	                       {"", 0, 0, 0}};
	return numbering__write(store, &op.op);
}
