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

enum {
	F_NAME,
	F_PHONE_NUMBER,
	F_DISPLAY_NAME,
	F_LABELS,
	F_MESSAGE_HANDLERS,
	F_CALL_HANDLERS,
	F_RECORDING_TRIGGER,
	F_CREATE_TIME,
	F_DELETE_TIME,
	F_ACTIVATE_TIME,
	F_LIFECYCLE_STATE,
	F_RANGE,
	F_REGULATORY_LISTING,
	F_COMPLIANT,
	F_COUNT
};

static const struct numbering__json_field instance_fields[F_COUNT] = {
	[F_NAME] = {"name", "name"},
	[F_PHONE_NUMBER] = {"phoneNumber", "phone_number"},
	[F_DISPLAY_NAME] = {"displayName", "display_name"},
	[F_LABELS] = {"labels", "labels"},
	[F_MESSAGE_HANDLERS] = {"incomingMessageHandlerUris", "incoming_message_handler_uris"},
	[F_CALL_HANDLERS] = {"incomingCallHandlerUris", "incoming_call_handler_uris"},
	[F_RECORDING_TRIGGER] = {"callRecordingTrigger", "call_recording_trigger"},
	[F_CREATE_TIME] = {"createTime", "create_time"},
	[F_DELETE_TIME] = {"deleteTime", "delete_time"},
	[F_ACTIVATE_TIME] = {"activateTime", "activate_time"},
	[F_LIFECYCLE_STATE] = {"lifecycleState", "lifecycle_state"},
	[F_RANGE] = {"range", "range"},
	[F_REGULATORY_LISTING] = {"regulatoryListing", "regulatory_listing"},
	[F_COMPLIANT] = {"compliant", "compliant"},
};

enum { P_NAME, P_PHONE_NUMBER, P_CAPABILITIES, P_SKU, P_ACTIVATION_SKU, P_NUMBER_TYPE, P_COUNTRY_CODE, P_COUNT };

static const struct numbering__json_field phone_number_fields[P_COUNT] = {
	[P_NAME] = {"name", "name"},
	[P_PHONE_NUMBER] = {"phoneNumber", "phone_number"},
	[P_CAPABILITIES] = {"capabilities", "capabilities"},
	[P_SKU] = {"sku", "sku"},
	[P_ACTIVATION_SKU] = {"activationSku", "activation_sku"},
	[P_NUMBER_TYPE] = {"numberType", "number_type"},
	[P_COUNTRY_CODE] = {"countryCode", "country_code"},
};

enum { R_PRIMARY, R_START, R_END, R_SIZE, R_COUNT };

static const struct numbering__json_field range_fields[R_COUNT] = {
	[R_PRIMARY] = {"primaryPhoneNumberInstance", "primary_phone_number_instance"},
	[R_START] = {"startPhoneNumber", "start_phone_number"},
	[R_END] = {"endPhoneNumber", "end_phone_number"},
	[R_SIZE] = {"size", "size"},
};

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

/* Output-only strings are ignored, but a wrong type is still a malformed request. */
static int ignored_strings(json_t **values, const int *which, size_t count, const struct numbering__json_field *fields,
                           const char *path)
{
	char field[NUMBERING__JSON_PATH_SIZE];
	for (size_t i = 0; i < count; i++) {
		const char *unused = NULL;
		int rc = numbering__json_string(&unused, values[which[i]],
		                                numbering__json_path(field, path, fields[which[i]].proto_name));
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
	json_t *f[P_COUNT];
	char field[NUMBERING__JSON_PATH_SIZE];
	int rc = numbering__json_object(value, path);
	if (rc != NUMBERING_OK || value == NULL)
		return rc;
	if ((rc = numbering__json_fields(f, value, phone_number_fields, P_COUNT, path)) != NUMBERING_OK)
		return rc;
	static const int output_only[] = {P_NAME, P_SKU, P_ACTIVATION_SKU, P_COUNTRY_CODE};
	rc = ignored_strings(f, output_only, sizeof(output_only) / sizeof(output_only[0]), phone_number_fields, path);
	if (rc != NUMBERING_OK)
		return rc;

	const char *number = NULL;
	rc = numbering__json_string(&number, f[P_PHONE_NUMBER], numbering__json_path(field, path, "phone_number"));
	if (rc != NUMBERING_OK)
		return rc;
	/* The number can only be set on creation; an update carries it back unchanged. */
	if (use == NUMBERING__INSTANCE_CREATE && number != NULL && number[0] != '\0' &&
	    (rc = setter(numbering_instance_set_phone_number(instance, number), instance_path)) != NUMBERING_OK)
		return rc;

	rc = read_capabilities(instance, f[P_CAPABILITIES], numbering__json_path(field, path, "capabilities"),
	                       instance_path);
	if (rc != NUMBERING_OK)
		return rc;

	int number_type = 0;
	rc = numbering__json_enum(&number_type, f[P_NUMBER_TYPE], numbering_number_type_name,
	                          NUMBERING_NUMBER_TYPE_SHARED_RATE, numbering__json_path(field, path, "number_type"));
	if (rc != NUMBERING_OK || f[P_NUMBER_TYPE] == NULL)
		return rc;
	return setter(numbering_instance_set_number_type(instance, number_type), instance_path);
}

static int read_range(numbering_instance *instance, json_t *value, enum numbering__instance_use use, const char *path,
                      const char *instance_path)
{
	json_t *f[R_COUNT];
	char field[NUMBERING__JSON_PATH_SIZE];
	int rc = numbering__json_object(value, path);
	if (rc != NUMBERING_OK || value == NULL)
		return rc;
	if ((rc = numbering__json_fields(f, value, range_fields, R_COUNT, path)) != NUMBERING_OK)
		return rc;
	static const int output_only[] = {R_PRIMARY, R_START};
	rc = ignored_strings(f, output_only, sizeof(output_only) / sizeof(output_only[0]), range_fields, path);
	if (rc != NUMBERING_OK)
		return rc;
	const char *end = NULL;
	int32_t size = 0;
	if ((rc = numbering__json_string(&end, f[R_END], numbering__json_path(field, path, "end_phone_number"))) !=
	        NUMBERING_OK ||
	    (rc = numbering__json_int32(&size, f[R_SIZE], numbering__json_path(field, path, "size"))) != NUMBERING_OK)
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
	json_t *f[F_COUNT];
	char field[NUMBERING__JSON_PATH_SIZE];
	int rc = numbering__json_object(value, path);
	if (rc != NUMBERING_OK || value == NULL)
		return rc;
	if ((rc = numbering__json_fields(f, value, instance_fields, F_COUNT, path)) != NUMBERING_OK)
		return rc;

	/* Output-only fields: checked, then ignored. */
	static const int output_only[] = {F_NAME};
	int64_t unused_time = 0;
	int unused_flag = 0;
	static const int times[] = {F_CREATE_TIME, F_DELETE_TIME, F_ACTIVATE_TIME};
	if ((rc = ignored_strings(f, output_only, 1, instance_fields, path)) != NUMBERING_OK)
		return rc;
	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		rc = numbering__json_timestamp(&unused_time, f[times[i]],
		                               numbering__json_path(field, path, instance_fields[times[i]].proto_name));
		if (rc != NUMBERING_OK)
			return rc;
	}
	if ((rc = numbering__json_bool(&unused_flag, f[F_COMPLIANT], numbering__json_path(field, path, "compliant"))) !=
	    NUMBERING_OK)
		return rc;

	rc = read_phone_number(instance, f[F_PHONE_NUMBER], use, numbering__json_path(field, path, "phone_number"),
	                       path);
	if (rc != NUMBERING_OK)
		return rc;

	const char *display_name = NULL;
	rc = numbering__json_string(&display_name, f[F_DISPLAY_NAME], numbering__json_path(field, path, "display_name"));
	if (rc != NUMBERING_OK)
		return rc;
	if (display_name != NULL &&
	    (rc = setter(numbering_instance_set_display_name(instance, display_name), path)) != NUMBERING_OK)
		return rc;

	if ((rc = read_labels(instance, f[F_LABELS], numbering__json_path(field, path, "labels"), path)) != NUMBERING_OK)
		return rc;
	rc = read_uris(instance, f[F_MESSAGE_HANDLERS], numbering_instance_clear_message_handlers,
	               numbering_instance_add_message_handler,
	               numbering__json_path(field, path, "incoming_message_handler_uris"), path);
	if (rc != NUMBERING_OK)
		return rc;
	rc = read_uris(instance, f[F_CALL_HANDLERS], numbering_instance_clear_call_handlers,
	               numbering_instance_add_call_handler,
	               numbering__json_path(field, path, "incoming_call_handler_uris"), path);
	if (rc != NUMBERING_OK)
		return rc;

	int trigger = 0;
	rc = numbering__json_enum(&trigger, f[F_RECORDING_TRIGGER], numbering_recording_trigger_name,
	                          NUMBERING_RECORDING_BRIDGE, numbering__json_path(field, path, "call_recording_trigger"));
	if (rc != NUMBERING_OK)
		return rc;
	/* The seed's default is DISABLED, so UNSPECIFIED asks for it. */
	if (trigger == NUMBERING_RECORDING_TRIGGER_UNSPECIFIED)
		trigger = NUMBERING_RECORDING_DISABLED;
	if (f[F_RECORDING_TRIGGER] != NULL &&
	    (rc = setter(numbering_instance_set_call_recording_trigger(instance, trigger), path)) != NUMBERING_OK)
		return rc;

	int state = 0;
	rc = numbering__json_enum(&state, f[F_LIFECYCLE_STATE], numbering_lifecycle_state_name,
	                          NUMBERING_LIFECYCLE_PENDING, numbering__json_path(field, path, "lifecycle_state"));
	if (rc != NUMBERING_OK)
		return rc;
	if (use == NUMBERING__INSTANCE_CREATE && state != NUMBERING_LIFECYCLE_STATE_UNSPECIFIED &&
	    (rc = setter(numbering_instance_set_lifecycle_state(instance, state), path)) != NUMBERING_OK)
		return rc;

	if ((rc = read_range(instance, f[F_RANGE], use, numbering__json_path(field, path, "range"), path)) !=
	    NUMBERING_OK)
		return rc;

	const char *listing = NULL;
	rc = numbering__json_string(&listing, f[F_REGULATORY_LISTING],
	                            numbering__json_path(field, path, "regulatory_listing"));
	if (rc != NUMBERING_OK)
		return rc;
	if (use == NUMBERING__INSTANCE_CREATE && listing != NULL && listing[0] != '\0')
		return setter(numbering_instance_set_regulatory_listing(instance, listing), path);
	return NUMBERING_OK;
}

/* Adds @value under @key unless it failed to allocate; a false *ok sticks. */
static void put(int *ok, json_t *object, const char *key, json_t *value)
{
	if (*ok && (value == NULL || json_object_set_new(object, key, value) != 0))
		*ok = 0;
	else if (!*ok)
		json_decref(value);
}

static void put_string(int *ok, json_t *object, const char *key, const char *value)
{
	if (value != NULL && value[0] != '\0')
		put(ok, object, key, json_string(value));
}

static void put_time(int *ok, json_t *object, const char *key, int64_t ns)
{
	char text[40];
	if (ns == 0)
		return;
	numbering__format_time(text, ns);
	put(ok, object, key, json_string(text));
}

static json_t *phone_number_json(int *ok, const numbering_instance *instance)
{
	json_t *object = json_object();
	if (object == NULL) {
		*ok = 0;
		return NULL;
	}
	put_string(ok, object, "phoneNumber", numbering_instance_phone_number(instance));
	int capabilities = numbering_instance_capabilities(instance);
	if (capabilities != 0) {
		json_t *names = json_array();
		for (int i = 1; i <= 3 && names != NULL; i++)
			if ((capabilities & (1 << (i - 1))) != 0 && json_array_append_new(names, json_string(capability_name(i))))
				*ok = 0;
		put(ok, object, "capabilities", names);
	}
	put_string(ok, object, "sku", numbering_instance_sku(instance));
	put_string(ok, object, "activationSku", numbering_instance_activation_sku(instance));
	int number_type = numbering_instance_number_type(instance);
	if (number_type != NUMBERING_NUMBER_TYPE_UNSPECIFIED)
		put(ok, object, "numberType", json_string(numbering_number_type_name(number_type)));
	put_string(ok, object, "countryCode", numbering_instance_country_code(instance));
	return object;
}

static json_t *labels_json(int *ok, const numbering_instance *instance)
{
	json_t *object = json_object();
	int count = numbering_instance_label_count(instance);
	for (int i = 0; i < count && object != NULL; i++)
		put(ok, object, numbering_instance_label_key(instance, i),
		    json_string(numbering_instance_label_value(instance, i)));
	return object;
}

static json_t *uris_json(int *ok, int count, const char *(*get)(const numbering_instance *, int),
                         const numbering_instance *instance)
{
	json_t *array = json_array();
	for (int i = 0; i < count && array != NULL; i++)
		if (json_array_append_new(array, json_string(get(instance, i))) != 0)
			*ok = 0;
	return array;
}

static json_t *range_json(int *ok, const numbering_instance *instance)
{
	json_t *object = json_object();
	if (object == NULL) {
		*ok = 0;
		return NULL;
	}
	put_string(ok, object, "primaryPhoneNumberInstance", numbering_instance_range_primary(instance));
	put_string(ok, object, "startPhoneNumber", numbering_instance_range_start(instance));
	put_string(ok, object, "endPhoneNumber", numbering_instance_range_end(instance));
	put(ok, object, "size", json_integer((json_int_t)numbering_instance_range_size(instance)));
	return object;
}

json_t *numbering__instance_to_json(const numbering_instance *instance)
{
	int ok = 1;
	json_t *object = json_object();
	if (object == NULL) {
		numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory rendering an instance");
		return NULL;
	}
	put_string(&ok, object, "name", numbering_instance_name(instance));
	json_t *phone_number = phone_number_json(&ok, instance);
	if (phone_number != NULL && json_object_size(phone_number) == 0)
		json_decref(phone_number);
	else
		put(&ok, object, "phoneNumber", phone_number);
	put_string(&ok, object, "displayName", numbering_instance_display_name(instance));
	if (numbering_instance_label_count(instance) > 0)
		put(&ok, object, "labels", labels_json(&ok, instance));
	int count = numbering_instance_message_handler_count(instance);
	if (count > 0)
		put(&ok, object, "incomingMessageHandlerUris",
		    uris_json(&ok, count, numbering_instance_message_handler, instance));
	count = numbering_instance_call_handler_count(instance);
	if (count > 0)
		put(&ok, object, "incomingCallHandlerUris", uris_json(&ok, count, numbering_instance_call_handler, instance));
	put(&ok, object, "callRecordingTrigger",
	    json_string(numbering_recording_trigger_name(numbering_instance_call_recording_trigger(instance))));
	put_time(&ok, object, "createTime", numbering_instance_create_time(instance));
	put_time(&ok, object, "deleteTime", numbering_instance_delete_time(instance));
	put_time(&ok, object, "activateTime", numbering_instance_activate_time(instance));
	int state = numbering_instance_lifecycle_state(instance);
	if (state != NUMBERING_LIFECYCLE_STATE_UNSPECIFIED)
		put(&ok, object, "lifecycleState", json_string(numbering_lifecycle_state_name(state)));
	if (numbering_instance_is_range(instance))
		put(&ok, object, "range", range_json(&ok, instance));
	put_string(&ok, object, "regulatoryListing", numbering_instance_regulatory_listing(instance));
	put(&ok, object, "compliant", json_boolean(numbering_instance_compliant(instance)));
	if (!ok) {
		json_decref(object);
		numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory rendering an instance");
		return NULL;
	}
	return object;
}
