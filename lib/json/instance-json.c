/*
 * PhoneNumberInstance <-> proto3 JSON. Output follows the seed's field order and
 * omits fields at their default, except callRecordingTrigger and compliant which a
 * reader always wants. Input accepts both spellings of every field, ignores
 * output-only fields after checking their type (AIP-203), and refuses unknown ones.
 * A writable field that is present goes through its setter even at its default, so the
 * request records which fields it gave (an update mask still decides what changes).
 */
#include <string.h>

#include "core/error.h"
#include "json/json.h"
#include "model/validate.h"

/* The fields of each JSON object, in the order of the field table
 * (model/instance-fields.h): J_<id> indexes them. */
#define NUMBERING__INSTANCE_FIELD(id, m, type, f1, bit, aux, limit, obj, camel, snake, ...) IN_##obj(J_##id)
#define IN_NONE(x)
#define IN_TOP(x) x,
#define IN_PHONE(x)
#define IN_RANGE(x)
enum {
#include "model/instance-fields.h"
	TOP_COUNT
};
#undef IN_TOP
#define IN_TOP(x)
#undef IN_PHONE
#define IN_PHONE(x) x,
enum {
#include "model/instance-fields.h"
	PHONE_COUNT
};
#undef IN_PHONE
#define IN_PHONE(x)
#undef IN_RANGE
#define IN_RANGE(x) x,
enum {
#include "model/instance-fields.h"
	RANGE_COUNT
};
#undef IN_RANGE
#undef NUMBERING__INSTANCE_FIELD

#define NAMES_TOP(camel, snake)
#define NAMES_PHONE(camel, snake)
#define NAMES_RANGE(camel, snake)
#define NAMES_NONE(camel, snake)
#define NUMBERING__INSTANCE_FIELD(id, m, type, f1, bit, aux, limit, obj, camel, snake, ...) NAMES_##obj(camel, snake)
#undef NAMES_TOP
#define NAMES_TOP(camel, snake) {camel, snake},
static const struct numbering__json_field instance_fields[TOP_COUNT] = {
#include "model/instance-fields.h"
};
#undef NAMES_TOP
#define NAMES_TOP(camel, snake)
#undef NAMES_PHONE
#define NAMES_PHONE(camel, snake) {camel, snake},
static const struct numbering__json_field phone_number_fields[PHONE_COUNT] = {
#include "model/instance-fields.h"
};
#undef NAMES_PHONE
#define NAMES_PHONE(camel, snake)
#undef NAMES_RANGE
#define NAMES_RANGE(camel, snake) {camel, snake},
static const struct numbering__json_field range_fields[RANGE_COUNT] = {
#include "model/instance-fields.h"
};
#undef NAMES_RANGE
#undef NUMBERING__INSTANCE_FIELD

/* The seed's PhoneNumberCapability values; the flags are 1 << (value - 1). */
static const char *capability_name(int value)
{
	static const char *const names[] = {"PHONE_NUMBER_CAPABILITY_UNSPECIFIED", "SMS", "MMS", "VOICE"};
	return value >= 0 && value <= 3 ? names[value] : names[0];
}

/* A setter's violations name instance fields; the request knows where the instance sat. */
static int setter(int rc, const char *path)
{
	if (rc != NUMBERING_OK)
		numbering__error_prefix_fields(path);
	return rc;
}

/* Output-only fields are ignored, but a wrong type is still a malformed request. */
enum { OBJ_TOP, OBJ_PHONE, OBJ_RANGE };
enum { IGNORE_STRING, IGNORE_TIME, IGNORE_BOOL };
struct ignored {
	int obj, index, kind;
};
#define IGNORED_WRITABLE(obj, id, json)
#define IGNORED_CREATE_ONLY(obj, id, json)
#define IGNORED_CREATE_INPUT(obj, id, json)
#define IGNORED_OUTPUT_ONLY(obj, id, json) IGNORED_##json(obj, id)
#define IGNORED_STR(obj, id) {OBJ_##obj, J_##id, IGNORE_STRING},
#define IGNORED_TIME(obj, id) {OBJ_##obj, J_##id, IGNORE_TIME},
#define IGNORED_BOOL(obj, id) {OBJ_##obj, J_##id, IGNORE_BOOL},
#define IGNORED_ENUM(obj, id)
#define IGNORED_INT(obj, id)
#define IGNORED_SPECIAL(obj, id)
#define IGNORED_NONE(obj, id)
#define NUMBERING__INSTANCE_FIELD(id, m, type, f1, bit, aux, limit, obj, camel, snake, access, set, json, getter, ...) \
	IGNORED_##access(obj, id, json)
static const struct ignored ignored_fields[] = {
#include "model/instance-fields.h"
};
#undef NUMBERING__INSTANCE_FIELD

static int ignored(json_t **values, int obj, const struct numbering__json_field *fields, const char *path)
{
	char field[NUMBERING__JSON_PATH_SIZE];
	for (size_t i = 0; i < sizeof(ignored_fields) / sizeof(ignored_fields[0]); i++) {
		const struct ignored *x = &ignored_fields[i];
		if (x->obj != obj)
			continue;
		const char *unused_text = NULL;
		int64_t unused_time = 0;
		int unused_flag = 0, rc;
		json_t *value = values[x->index];
		numbering__json_path(field, path, fields[x->index].proto_name);
		if (x->kind == IGNORE_STRING)
			rc = numbering__json_string(&unused_text, value, field);
		else if (x->kind == IGNORE_TIME)
			rc = numbering__json_timestamp(&unused_time, value, field);
		else
			rc = numbering__json_bool(&unused_flag, value, field);
		if (rc != NUMBERING_OK)
			return rc;
	}
	return NUMBERING_OK;
}

static int read_capabilities(numbering_instance *instance, json_t *value, const char *path,
                             const char *instance_path)
{
	int rc = numbering__json_array(value, path);
	if (rc != NUMBERING_OK || value == NULL)
		return rc;
	int flags = 0;
	size_t i;
	json_t *item;
	json_array_foreach(value, i, item) {
		char field[NUMBERING__JSON_PATH_SIZE];
		int capability = 0;
		numbering__json_path_index(field, path, i);
		if (json_is_null(item))
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "%s must be an enum name, not null",
			                              field);
		rc = numbering__json_enum(&capability, item, capability_name, 3, field);
		if (rc != NUMBERING_OK)
			return rc;
		if (capability > 0)
			flags |= 1 << (capability - 1);
	}
	return setter(numbering_instance_set_capabilities(instance, flags), instance_path);
}

static int read_phone_number(numbering_instance *instance, json_t *value, enum numbering__instance_use use,
                             const char *path, const char *instance_path)
{
	json_t *f[PHONE_COUNT];
	char field[NUMBERING__JSON_PATH_SIZE];
	int rc = numbering__json_object(value, path);
	if (rc != NUMBERING_OK || value == NULL)
		return rc;
	if ((rc = numbering__json_fields(f, value, phone_number_fields, PHONE_COUNT, path)) != NUMBERING_OK)
		return rc;
	rc = ignored(f, OBJ_PHONE, phone_number_fields, path);
	if (rc != NUMBERING_OK)
		return rc;

	const char *number = NULL;
	rc = numbering__json_string(&number, f[J_phone_number], numbering__json_path(field, path, "phone_number"));
	if (rc != NUMBERING_OK)
		return rc;
	/* The number can only be set on creation; an update carries it back unchanged. */
	if (use == NUMBERING__INSTANCE_CREATE && number != NULL && number[0] != '\0' &&
	    (rc = setter(numbering_instance_set_phone_number(instance, number), instance_path)) != NUMBERING_OK)
		return rc;

	rc = read_capabilities(instance, f[J_capabilities], numbering__json_path(field, path, "capabilities"),
	                       instance_path);
	if (rc != NUMBERING_OK)
		return rc;

	int number_type = 0;
	rc = numbering__json_enum(&number_type, f[J_number_type], numbering_number_type_name,
	                          NUMBERING_NUMBER_TYPE_SHARED_RATE, numbering__json_path(field, path, "number_type"));
	if (rc != NUMBERING_OK || f[J_number_type] == NULL)
		return rc;
	return setter(numbering_instance_set_number_type(instance, number_type), instance_path);
}

static int read_range(numbering_instance *instance, json_t *value, enum numbering__instance_use use, const char *path,
                      const char *instance_path)
{
	json_t *f[RANGE_COUNT];
	char field[NUMBERING__JSON_PATH_SIZE];
	int rc = numbering__json_object(value, path);
	if (rc != NUMBERING_OK || value == NULL)
		return rc;
	if ((rc = numbering__json_fields(f, value, range_fields, RANGE_COUNT, path)) != NUMBERING_OK)
		return rc;
	rc = ignored(f, OBJ_RANGE, range_fields, path);
	if (rc != NUMBERING_OK)
		return rc;
	const char *end = NULL;
	int32_t size = 0;
	if ((rc = numbering__json_string(&end, f[J_range_end], numbering__json_path(field, path, "end_phone_number"))) !=
	        NUMBERING_OK ||
	    (rc = numbering__json_int32(&size, f[J_range_size], numbering__json_path(field, path, "size"))) != NUMBERING_OK)
		return rc;
	if (use != NUMBERING__INSTANCE_CREATE)
		return NUMBERING_OK;
	if (end != NULL && end[0] != '\0' &&
	    (rc = setter(numbering_instance_set_range_end(instance, end), instance_path)) != NUMBERING_OK)
		return rc;
	if (size != 0)
		return setter(numbering_instance_set_range_size(instance, size), instance_path);
	return NUMBERING_OK;
}

static int read_labels(numbering_instance *instance, json_t *value, const char *path, const char *instance_path)
{
	int rc = numbering__json_object(value, path);
	if (rc != NUMBERING_OK || value == NULL)
		return rc;
	/* Present means "these labels", so {} clears them (an update without a mask). */
	if ((rc = setter(numbering_instance_clear_labels(instance), instance_path)) != NUMBERING_OK)
		return rc;
	const char *key;
	json_t *item;
	json_object_foreach(value, key, item) {
		char quoted[NUMBERING__QUOTE_SIZE], field[NUMBERING__JSON_PATH_SIZE];
		const char *text = NULL;
		numbering__json_path(field, path, numbering__quote(quoted, key, strlen(key)));
		if (item == NULL || !json_is_string(item))
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "%s must be a string, not %s", field,
			                              numbering__json_type_name(item));
		text = json_string_value(item);
		/* Keys are kept in NFC: two keys of the object that are equal after it would
		 * silently be one label, so they are refused (exact duplicates never parse). */
		const char *earlier = numbering_instance_label(instance, key);
		if (earlier != NULL) {
			const char *same = key;
			for (int i = 0; i < numbering_instance_label_count(instance); i++)
				if (numbering_instance_label_value(instance, i) == earlier)
					same = numbering_instance_label_key(instance, i);
			char quoted_same[NUMBERING__QUOTE_SIZE];
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, path,
			                              "%s: label key \"%s\" is \"%s\" after NFC normalization, a key this "
			                              "object already has; give each key once",
			                              path, quoted, numbering__quote(quoted_same, same, strlen(same)));
		}
		if ((rc = setter(numbering_instance_set_label(instance, key, text), instance_path)) != NUMBERING_OK)
			return rc;
	}
	return NUMBERING_OK;
}

static int read_uris(numbering_instance *instance, json_t *value, int (*clear)(numbering_instance *),
                     int (*add)(numbering_instance *, const char *), const char *path, const char *instance_path)
{
	int rc = numbering__json_array(value, path);
	if (rc != NUMBERING_OK || value == NULL)
		return rc;
	if ((rc = setter(clear(instance), instance_path)) != NUMBERING_OK)
		return rc;
	size_t i;
	json_t *item;
	json_array_foreach(value, i, item) {
		char field[NUMBERING__JSON_PATH_SIZE];
		numbering__json_path_index(field, path, i);
		if (!json_is_string(item))
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "%s must be a string, not %s", field,
			                              numbering__json_type_name(item));
		if ((rc = setter(add(instance, json_string_value(item)), instance_path)) != NUMBERING_OK)
			return rc;
	}
	return NUMBERING_OK;
}

int numbering__instance_from_json(numbering_instance *instance, json_t *value, enum numbering__instance_use use,
                                  const char *path)
{
	json_t *f[TOP_COUNT];
	char field[NUMBERING__JSON_PATH_SIZE];
	int rc = numbering__json_object(value, path);
	if (rc != NUMBERING_OK || value == NULL)
		return rc;
	if ((rc = numbering__json_fields(f, value, instance_fields, TOP_COUNT, path)) != NUMBERING_OK)
		return rc;

	/* Output-only fields: checked, then ignored. */
	if ((rc = ignored(f, OBJ_TOP, instance_fields, path)) != NUMBERING_OK)
		return rc;

	rc = read_phone_number(instance, f[J_phone_number_object], use, numbering__json_path(field, path, "phone_number"),
	                       path);
	if (rc != NUMBERING_OK)
		return rc;

	const char *display_name = NULL;
	rc = numbering__json_string(&display_name, f[J_display_name], numbering__json_path(field, path, "display_name"));
	if (rc != NUMBERING_OK)
		return rc;
	if (display_name != NULL &&
	    (rc = setter(numbering_instance_set_display_name(instance, display_name), path)) != NUMBERING_OK)
		return rc;

	if ((rc = read_labels(instance, f[J_labels], numbering__json_path(field, path, "labels"), path)) != NUMBERING_OK)
		return rc;
	rc = read_uris(instance, f[J_message_handlers], numbering_instance_clear_message_handlers,
	               numbering_instance_add_message_handler,
	               numbering__json_path(field, path, "incoming_message_handler_uris"), path);
	if (rc != NUMBERING_OK)
		return rc;
	rc = read_uris(instance, f[J_call_handlers], numbering_instance_clear_call_handlers,
	               numbering_instance_add_call_handler,
	               numbering__json_path(field, path, "incoming_call_handler_uris"), path);
	if (rc != NUMBERING_OK)
		return rc;

	int trigger = 0;
	rc = numbering__json_enum(&trigger, f[J_call_recording_trigger], numbering_recording_trigger_name,
	                          NUMBERING_RECORDING_BRIDGE, numbering__json_path(field, path, "call_recording_trigger"));
	if (rc != NUMBERING_OK)
		return rc;
	/* The seed's default is DISABLED, so UNSPECIFIED asks for it. */
	if (trigger == NUMBERING_RECORDING_TRIGGER_UNSPECIFIED)
		trigger = NUMBERING_RECORDING_DISABLED;
	if (f[J_call_recording_trigger] != NULL &&
	    (rc = setter(numbering_instance_set_call_recording_trigger(instance, trigger), path)) != NUMBERING_OK)
		return rc;

	int state = 0;
	rc = numbering__json_enum(&state, f[J_lifecycle_state], numbering_lifecycle_state_name,
	                          NUMBERING_LIFECYCLE_PENDING, numbering__json_path(field, path, "lifecycle_state"));
	if (rc != NUMBERING_OK)
		return rc;
	if (use == NUMBERING__INSTANCE_CREATE && state != NUMBERING_LIFECYCLE_STATE_UNSPECIFIED &&
	    (rc = setter(numbering_instance_set_lifecycle_state(instance, state), path)) != NUMBERING_OK)
		return rc;

	if ((rc = read_range(instance, f[J_range], use, numbering__json_path(field, path, "range"), path)) !=
	    NUMBERING_OK)
		return rc;

	const char *listing = NULL;
	rc = numbering__json_string(&listing, f[J_regulatory_listing],
	                            numbering__json_path(field, path, "regulatory_listing"));
	if (rc != NUMBERING_OK)
		return rc;
	if (use == NUMBERING__INSTANCE_CREATE && listing != NULL && listing[0] != '\0')
		return setter(numbering_instance_set_regulatory_listing(instance, listing), path);
	return NUMBERING_OK;
}

/* Adds @value under @key unless it failed to allocate; a failed *ok (0, or -1 for text
 * that is not UTF-8: a label's key too, which json_object_set_new() refuses) sticks. */
static void put(int *ok, json_t *object, const char *key, json_t *value)
{
	if (*ok > 0 && (value == NULL || json_object_set_new(object, key, value) != 0))
		*ok = value != NULL && numbering__stored_text_problem(key, strlen(key)) != NULL ? -1 : 0;
	else if (*ok <= 0)
		json_decref(value);
}

/* json_string(@s); when that fails on text that is not UTF-8 rather than on memory,
 * *ok becomes -1: the library stores only UTF-8, so the record is damaged (DATA_LOSS),
 * which "out of memory" (RESOURCE_EXHAUSTED, retried by clients) would hide. */
static json_t *text(int *ok, const char *s)
{
	json_t *v = json_string(s);
	if (v == NULL && *ok > 0 && numbering__stored_text_problem(s, strlen(s)) != NULL)
		*ok = -1;
	return v;
}

static void put_string(int *ok, json_t *object, const char *key, const char *value)
{
	if (value != NULL && value[0] != '\0')
		put(ok, object, key, text(ok, value));
}

static void put_time(int *ok, json_t *object, const char *key, int64_t ns)
{
	char text[40];
	if (ns == 0)
		return;
	numbering__format_time(text, ns);
	put(ok, object, key, json_string(text));
}

/* ---- Output: each object's fields in table order, each read through its getter ---- */

#define OUT_STR_STR(id, camel) put_string(ok, object, camel, numbering_instance_##id(instance));
#define OUT_STR_OWN OUT_STR_STR
#define OUT_STR_NONE(id, camel)
#define OUT_JSON_STR(id, camel, getter) OUT_STR_##getter(id, camel)
#define OUT_JSON_ENUM(id, camel, getter)                                                                       \
	if (numbering_instance_##id(instance) != 0)                                                                \
		put(ok, object, camel, json_string(numbering_##id##_name(numbering_instance_##id(instance))));
#define OUT_JSON_TIME(id, camel, getter) put_time(ok, object, camel, numbering_instance_##id(instance));
#define OUT_JSON_BOOL(id, camel, getter) put(ok, object, camel, json_boolean(numbering_instance_##id(instance)));
#define OUT_JSON_INT(id, camel, getter)                                                                        \
	put(ok, object, camel, json_integer((json_int_t)numbering_instance_##id(instance)));
#define OUT_JSON_SPECIAL(id, camel, getter) out_##id(ok, object, camel, instance);
#define OUT_JSON_NONE(id, camel, getter)
#define OUT_TOP(id, camel, json, getter)
#define OUT_PHONE(id, camel, json, getter)
#define OUT_RANGE(id, camel, json, getter)
#define OUT_NONE(id, camel, json, getter)
#define NUMBERING__INSTANCE_FIELD(id, m, type, f1, bit, aux, limit, obj, camel, snake, access, set, json, getter, ...) \
	OUT_##obj(id, camel, json, getter)

static void out_capabilities(int *ok, json_t *object, const char *key, const numbering_instance *instance)
{
	int capabilities = numbering_instance_capabilities(instance);
	if (capabilities != 0) {
		json_t *names = json_array();
		for (int i = 1; i <= 3 && names != NULL; i++)
			if ((capabilities & (1 << (i - 1))) != 0 && json_array_append_new(names, json_string(capability_name(i))))
				*ok = 0;
		put(ok, object, key, names);
	}
}

/* The phoneNumber object, omitted when it has nothing to say. */
static void out_phone_number_object(int *ok, json_t *parent, const char *key, const numbering_instance *instance)
{
	json_t *object = json_object();
	if (object == NULL) {
		*ok = 0;
		return;
	}
#undef OUT_PHONE
#define OUT_PHONE(id, camel, json, getter) OUT_JSON_##json(id, camel, getter)
#include "model/instance-fields.h"
#undef OUT_PHONE
#define OUT_PHONE(id, camel, json, getter)
	if (json_object_size(object) == 0)
		json_decref(object);
	else
		put(ok, parent, key, object);
}

static void out_labels(int *ok, json_t *parent, const char *key, const numbering_instance *instance)
{
	int count = numbering_instance_label_count(instance);
	if (count == 0)
		return;
	json_t *object = json_object();
	for (int i = 0; i < count && object != NULL; i++)
		put(ok, object, numbering_instance_label_key(instance, i), text(ok, numbering_instance_label_value(instance, i)));
	put(ok, parent, key, object);
}

static void put_uris(int *ok, json_t *object, const char *key, int count,
                     const char *(*get)(const numbering_instance *, int), const numbering_instance *instance)
{
	if (count == 0)
		return;
	json_t *array = json_array();
	for (int i = 0; i < count && array != NULL; i++)
		if (json_array_append_new(array, text(ok, get(instance, i))) != 0 && *ok > 0)
			*ok = 0;
	put(ok, object, key, array);
}

static void out_message_handlers(int *ok, json_t *object, const char *key, const numbering_instance *instance)
{
	put_uris(ok, object, key, numbering_instance_message_handler_count(instance), numbering_instance_message_handler,
	         instance);
}

static void out_call_handlers(int *ok, json_t *object, const char *key, const numbering_instance *instance)
{
	put_uris(ok, object, key, numbering_instance_call_handler_count(instance), numbering_instance_call_handler,
	         instance);
}

/* Always given: a reader wants to know recording is off. */
static void out_call_recording_trigger(int *ok, json_t *object, const char *key, const numbering_instance *instance)
{
	put(ok, object, key,
	    json_string(numbering_recording_trigger_name(numbering_instance_call_recording_trigger(instance))));
}

/* The range object, for a range only. */
static void out_range(int *ok, json_t *parent, const char *key, const numbering_instance *instance)
{
	if (!numbering_instance_is_range(instance))
		return;
	json_t *object = json_object();
	if (object == NULL) {
		*ok = 0;
		return;
	}
#undef OUT_RANGE
#define OUT_RANGE(id, camel, json, getter) OUT_JSON_##json(id, camel, getter)
#include "model/instance-fields.h"
#undef OUT_RANGE
#define OUT_RANGE(id, camel, json, getter)
	put(ok, parent, key, object);
}

json_t *numbering__instance_to_json(const numbering_instance *instance)
{
	int status = 1, *ok = &status;
	json_t *object = json_object();
	if (object == NULL) {
		numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory rendering an instance");
		return NULL;
	}
#undef OUT_TOP
#define OUT_TOP(id, camel, json, getter) OUT_JSON_##json(id, camel, getter)
#include "model/instance-fields.h"
#undef OUT_TOP
	if (status < 0) {
		json_decref(object);
		char quoted[NUMBERING__QUOTE_SIZE];
		const char *name = numbering_instance_name(instance);
		numbering__error_set(NUMBERING_DATA_LOSS, "the instance \"%s\" holds text that is not UTF-8: its record is damaged",
		                     numbering__quote(quoted, name, strlen(name)));
		return NULL;
	}
	if (!status) {
		json_decref(object);
		numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory rendering an instance");
		return NULL;
	}
	return object;
}
#undef NUMBERING__INSTANCE_FIELD
