/*
 * PhoneNumberInstance as a value: allocation, copying, getters and the request
 * setters. Setters validate first and change nothing on failure.
 */
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "model/instance-field-type.h"
#include "model/instance.h"
#include "model/validate.h"

/* The text a request may give for a number: enough for any formatting of a range. */
#define PHONE_TEXT_MAX 64

static const char *const lifecycle_names[] = {"LIFECYCLE_STATE_UNSPECIFIED", "ACTIVE", "DELETED", "SUSPENDED",
                                              "PENDING"};
static const char *const trigger_names[] = {"RECORDING_TRIGGER_UNSPECIFIED", "DISABLED", "ANSWER", "BRIDGE"};
static const char *const number_type_names[] = {"PHONE_NUMBER_TYPE_UNSPECIFIED", "LOCAL", "NATIONAL", "MOBILE",
                                                "TOLL_FREE", "SHARED_RATE"};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

const char *numbering_lifecycle_state_name(int state)
{
	return state >= 0 && state < COUNT(lifecycle_names) ? lifecycle_names[state] : lifecycle_names[0];
}

const char *numbering_recording_trigger_name(int trigger)
{
	return trigger >= 0 && trigger < COUNT(trigger_names) ? trigger_names[trigger] : trigger_names[0];
}

const char *numbering_number_type_name(int number_type)
{
	return number_type >= 0 && number_type < COUNT(number_type_names) ? number_type_names[number_type]
	                                                                   : number_type_names[0];
}

static int null_instance(const char *function)
{
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "instance", "%s: instance is NULL", function);
}

int numbering_instance_new(numbering_instance **out)
{
	if (out == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "out", "numbering_instance_new: out is NULL");
	*out = numbering__calloc(1, sizeof(**out));
	if (*out == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for a phone number instance");
	return NUMBERING_OK;
}

/* Frees a string's buffer when it is its own: inline, as an instance has 18 strings
 * and freeing a list page or a get result runs this for each. */
static inline void str_release(struct numbering__str *str)
{
	if (str->ptr != NULL && !(str->cap & NUMBERING__STR_BORROWED))
		numbering__free_mem(str->ptr);
}

void numbering_instance_free(numbering_instance *instance)
{
	if (instance == NULL)
		return;
	numbering__instance_release(instance);
	numbering__free_mem(instance);
}

void numbering__instance_release(numbering_instance *instance)
{
#define FREE_STR(m, aux) str_release(&instance->m);
#define FREE_SCALAR(m, aux)
#define FREE_VIEW(m, aux)
	/* Labels past label_count keep their buffers for reuse; free up to the capacity. */
#define FREE_LABELS(m, aux)                                                                                    \
	for (uint32_t i = 0; i < instance->label_cap; i++) {                                                       \
		str_release(&instance->m[i].key);                                                                      \
		str_release(&instance->m[i].value);                                                                    \
	}                                                                                                          \
	numbering__free_mem(instance->m);
#define FREE_URIS(m, aux)                                                                                      \
	for (int i = 0; i < NUMBERING_HANDLER_URIS_MAX; i++)                                                       \
		str_release(&instance->m[i]);
#define NUMBERING__INSTANCE_FIELD(id, m, type, f1, bit, aux, ...) FIELD_TYPE(type, FREE)(m, aux)
#include "model/instance-fields.h"
#undef NUMBERING__INSTANCE_FIELD
}

static void str_clear(struct numbering__str *str)
{
	str->len = 0;
	if (str->ptr != NULL)
		str->ptr[0] = '\0';
}

static void hide_credentials(struct numbering__str *list, uint32_t count)
{
	for (uint32_t i = 0; i < count; i++)
		if (list[i].len > 0 && memchr(list[i].ptr, '@', list[i].len) != NULL)
			list[i].len = (uint32_t)numbering__uri_redact_in_place(list[i].ptr);
}

void numbering__instance_hide_credentials_in(numbering_instance *instance)
{
	hide_credentials(instance->message_handlers, instance->message_handler_count);
	hide_credentials(instance->call_handlers, instance->call_handler_count);
}

void numbering__instance_reset(numbering_instance *instance)
{
	if (instance == NULL)
		return;
#define RESET_STR(m, aux) str_clear(&instance->m);
#define RESET_SCALAR(m, aux) instance->m = 0;
#define RESET_VIEW(m, aux)
#define RESET_LABELS(m, aux)                                                                                   \
	for (uint32_t i = 0; i < instance->label_count; i++) {                                                     \
		str_clear(&instance->m[i].key);                                                                        \
		str_clear(&instance->m[i].value);                                                                      \
	}                                                                                                          \
	instance->label_count = 0;
#define RESET_URIS(m, aux)                                                                                     \
	for (uint32_t i = 0; i < instance->aux; i++)                                                               \
		str_clear(&instance->m[i]);                                                                            \
	instance->aux = 0;
#define NUMBERING__INSTANCE_FIELD(id, m, type, f1, bit, aux, ...) FIELD_TYPE(type, RESET)(m, aux)
#include "model/instance-fields.h"
#undef NUMBERING__INSTANCE_FIELD
}

/* Makes room for @count labels, zeroing new entries so their buffers start empty. */
static int reserve_labels(numbering_instance *instance, uint32_t count)
{
	if (count <= instance->label_cap)
		return NUMBERING_OK;
	uint32_t cap = instance->label_cap < 4 ? 4 : instance->label_cap * 2;
	if (cap < count)
		cap = count;
	struct numbering__label *labels = numbering__realloc(instance->labels, cap * sizeof(*labels));
	if (labels == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for %u labels", (unsigned)count);
	memset(labels + instance->label_cap, 0, (cap - instance->label_cap) * sizeof(*labels));
	instance->labels = labels;
	instance->label_cap = cap;
	return NUMBERING_OK;
}

static int copy_str(struct numbering__str *dst, const struct numbering__str *src)
{
	return numbering__str_set(dst, numbering__str_get(src), src->len);
}

int numbering__instance_assign(numbering_instance *dst, const numbering_instance *src)
{
	if (dst == NULL || src == NULL)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "numbering__instance_assign: NULL instance");
	if (dst == src)
		return NUMBERING_OK;
	int rc = reserve_labels(dst, src->label_count);
	/* The strings first: a failure resets @dst. */
#define ASSIGN_STR(m, aux)                                                                                     \
	if (rc == NUMBERING_OK)                                                                                    \
		rc = copy_str(&dst->m, &src->m);
#define ASSIGN_SCALAR(m, aux)
#define ASSIGN_VIEW(m, aux)
#define ASSIGN_LABELS(m, aux)                                                                                  \
	for (uint32_t i = 0; rc == NUMBERING_OK && i < src->label_count; i++) {                                    \
		rc = copy_str(&dst->m[i].key, &src->m[i].key);                                                         \
		if (rc == NUMBERING_OK)                                                                                \
			rc = copy_str(&dst->m[i].value, &src->m[i].value);                                                 \
	}
#define ASSIGN_URIS(m, aux)                                                                                    \
	for (uint32_t i = 0; rc == NUMBERING_OK && i < src->aux; i++)                                              \
		rc = copy_str(&dst->m[i], &src->m[i]);
#define NUMBERING__INSTANCE_FIELD(id, m, type, f1, bit, aux, ...) FIELD_TYPE(type, ASSIGN)(m, aux)
#include "model/instance-fields.h"
#undef NUMBERING__INSTANCE_FIELD
	if (rc != NUMBERING_OK) {
		numbering__instance_reset(dst);
		return rc;
	}
	/* Then the counts, clearing what @dst held past them, and the values. */
#define COUNT_STR(m, aux)
#define COUNT_SCALAR(m, aux) dst->m = src->m;
#define COUNT_VIEW(m, aux)
#define COUNT_LABELS(m, aux)                                                                                   \
	for (uint32_t i = src->label_count; i < dst->label_count; i++) {                                           \
		str_clear(&dst->m[i].key);                                                                             \
		str_clear(&dst->m[i].value);                                                                           \
	}                                                                                                          \
	dst->label_count = src->label_count;
#define COUNT_URIS(m, aux)                                                                                     \
	for (uint32_t i = src->aux; i < dst->aux; i++)                                                             \
		str_clear(&dst->m[i]);                                                                                 \
	dst->aux = src->aux;
#define NUMBERING__INSTANCE_FIELD(id, m, type, f1, bit, aux, ...) FIELD_TYPE(type, COUNT)(m, aux)
#include "model/instance-fields.h"
#undef NUMBERING__INSTANCE_FIELD
	return NUMBERING_OK;
}

/* Points @dst at @len bytes of @block holding a copy of @src; returns the bytes used. */
static size_t borrow_copy(struct numbering__str *dst, const struct numbering__str *src, char *block)
{
	if (src->len == 0)
		return 0;
	memcpy(block, numbering__str_get(src), src->len);
	block[src->len] = '\0';
	dst->ptr = block;
	dst->len = src->len;
	dst->cap = (src->len + 1) | NUMBERING__STR_BORROWED;
	return (size_t)src->len + 1;
}

static size_t str_bytes(const struct numbering__str *s)
{
	return s->len ? (size_t)s->len + 1 : 0;
}

/* The bytes of @src's strings, each with its NUL. */
size_t numbering__instance_strings_size(const numbering_instance *src)
{
	size_t bytes = 0;
#define SIZE_STR(m, aux) bytes += str_bytes(&src->m);
#define SIZE_SCALAR(m, aux)
#define SIZE_VIEW(m, aux)
#define SIZE_LABELS(m, aux)                                                                                    \
	for (uint32_t i = 0; i < src->label_count; i++)                                                            \
		bytes += str_bytes(&src->m[i].key) + str_bytes(&src->m[i].value);
#define SIZE_URIS(m, aux)                                                                                      \
	for (uint32_t i = 0; i < src->aux; i++)                                                                    \
		bytes += str_bytes(&src->m[i]);
#define NUMBERING__INSTANCE_FIELD(id, m, type, f1, bit, aux, ...) FIELD_TYPE(type, SIZE)(m, aux)
#include "model/instance-fields.h"
#undef NUMBERING__INSTANCE_FIELD
	return bytes;
}

/* Fills the zeroed @copy from @src: its strings go to @block (strings_size(src)
 * bytes), its labels to @labels (label_count entries). */
static void copy_fields(numbering_instance *copy, char *block, struct numbering__label *labels,
                        const numbering_instance *src)
{
#define FREEZE_STR(m, aux) block += borrow_copy(&copy->m, &src->m, block);
#define FREEZE_SCALAR(m, aux) copy->m = src->m;
#define FREEZE_VIEW(m, aux)
#define FREEZE_LABELS(m, aux)                                                                                  \
	copy->m = labels;                                                                                          \
	copy->label_cap = copy->label_count = src->label_count;                                                    \
	for (uint32_t i = 0; i < src->label_count; i++) {                                                          \
		block += borrow_copy(&labels[i].key, &src->m[i].key, block);                                           \
		block += borrow_copy(&labels[i].value, &src->m[i].value, block);                                       \
	}
#define FREEZE_URIS(m, aux)                                                                                    \
	copy->aux = src->aux;                                                                                      \
	for (uint32_t i = 0; i < src->aux; i++)                                                                    \
		block += borrow_copy(&copy->m[i], &src->m[i], block);
#define NUMBERING__INSTANCE_FIELD(id, m, type, f1, bit, aux, ...) FIELD_TYPE(type, FREEZE)(m, aux)
#include "model/instance-fields.h"
#undef NUMBERING__INSTANCE_FIELD
}

/* A copy in one allocation (two with labels: their array is the copy's own, so that
 * adding labels can grow it): a get result costs one malloc, not one a string. */
int numbering_instance_copy(numbering_instance **out, const numbering_instance *instance)
{
	if (out == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "out", "numbering_instance_copy: out is NULL");
	*out = NULL;
	if (instance == NULL)
		return null_instance("numbering_instance_copy");
	numbering_instance *copy = numbering__calloc(1, sizeof(*copy) + numbering__instance_strings_size(instance));
	struct numbering__label *labels = NULL;
	if (copy != NULL && instance->label_count > 0 &&
	    (labels = numbering__calloc(instance->label_count, sizeof(*labels))) == NULL) {
		numbering__free_mem(copy);
		copy = NULL;
	}
	if (copy == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory copying a phone number instance");
	copy_fields(copy, (char *)(copy + 1), labels, instance);
	*out = copy;
	return NUMBERING_OK;
}

/* Keeps blocks laid end to end aligned for an instance. */
#define COPY_ALIGN 8

size_t numbering__instance_frozen_size(const numbering_instance *src)
{
	size_t bytes = sizeof(*src) + src->label_count * sizeof(struct numbering__label) + numbering__instance_strings_size(src);
	return (bytes + COPY_ALIGN - 1) & ~(size_t)(COPY_ALIGN - 1);
}

numbering_instance *numbering__instance_freeze(void *block, const numbering_instance *src)
{
	numbering_instance *copy = block;
	/* Zeroed as the calloc of numbering_instance_copy(): an empty string (a label's
	 * empty value) is left as it is. */
	memset(copy, 0, sizeof(*copy) + src->label_count * sizeof(struct numbering__label));
	struct numbering__label *labels = (struct numbering__label *)(copy + 1);
	copy_fields(copy, (char *)(labels + src->label_count), src->label_count ? labels : NULL, src);
	return copy;
}

/* Room for a typical stored instance: a name with a generated id, a +E164 number (and
 * a range's last), a country code and a short display name. */
#define RESERVED_NAME 96
#define RESERVED_PHONE_NUMBER 24
#define RESERVED_RANGE_END 24
#define RESERVED_COUNTRY_CODE 8
#define RESERVED_DISPLAY_NAME 64

_Static_assert(RESERVED_NAME + RESERVED_PHONE_NUMBER + RESERVED_RANGE_END + RESERVED_COUNTRY_CODE +
                       RESERVED_DISPLAY_NAME ==
                   NUMBERING__INSTANCE_RESERVED_ROOM,
               "the reserved strings fill the room instance.h names");

int numbering__instance_new_reserved(numbering_instance **out)
{
	/* malloc, not calloc: glibc's calloc takes no chunk from the thread's cache, so
	 * every get's instance went through the arena (calloc, _int_malloc and a slow
	 * _int_free: ~330 instructions of a get's ~2,260 with its free). Only the instance
	 * is zeroed; each reserved string gets its NUL. */
	numbering_instance *instance = numbering__malloc(sizeof(*instance) + NUMBERING__INSTANCE_RESERVED_ROOM);
	if (instance == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for a phone number instance");
	numbering__instance_init_reserved(instance);
	*out = instance;
	return NUMBERING_OK;
}

void numbering__instance_init_reserved(numbering_instance *instance)
{
	static const uint32_t sizes[] = {RESERVED_NAME, RESERVED_PHONE_NUMBER, RESERVED_RANGE_END, RESERVED_COUNTRY_CODE,
	                                 RESERVED_DISPLAY_NAME};
	memset(instance, 0, sizeof(*instance));
	struct numbering__str *strs[] = {&instance->name, &instance->phone_number, &instance->range_end,
	                                 &instance->country_code, &instance->display_name};
	_Static_assert(sizeof(sizes) / sizeof(sizes[0]) == sizeof(strs) / sizeof(strs[0]), "a size per reserved string");
	char *block = (char *)(instance + 1);
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		block[0] = '\0';
		strs[i]->ptr = block;
		strs[i]->cap = sizes[i] | NUMBERING__STR_BORROWED;
		block += sizes[i];
	}
}

/* ---- Getters ---- */

#define STR_GETTER(field)                                                                                      \
	const char *numbering_instance_##field(const numbering_instance *instance)                                 \
	{                                                                                                          \
		return instance == NULL ? "" : numbering__str_get(&instance->field);                                   \
	}

#define GETTER_STR(id) STR_GETTER(id)
#define GETTER_OWN(id)
#define GETTER_NONE(id)
#define NUMBERING__INSTANCE_FIELD(id, m, type, f1, bit, aux, limit, obj, camel, snake, access, set, json, getter, ...) \
	GETTER_##getter(id)
#include "model/instance-fields.h"
#undef NUMBERING__INSTANCE_FIELD

int numbering_instance_capabilities(const numbering_instance *instance)
{
	return instance == NULL ? 0 : instance->capabilities;
}

int numbering_instance_number_type(const numbering_instance *instance)
{
	return instance == NULL ? 0 : instance->number_type;
}

int numbering_instance_label_count(const numbering_instance *instance)
{
	return instance == NULL ? 0 : (int)instance->label_count;
}

const char *numbering_instance_label_key(const numbering_instance *instance, int i)
{
	if (instance == NULL || i < 0 || (uint32_t)i >= instance->label_count)
		return NULL;
	return numbering__str_get(&instance->labels[i].key);
}

const char *numbering_instance_label_value(const numbering_instance *instance, int i)
{
	if (instance == NULL || i < 0 || (uint32_t)i >= instance->label_count)
		return NULL;
	return numbering__str_get(&instance->labels[i].value);
}

/* Index of @key, or of where it would go (with *found 0). */
static uint32_t label_find(const numbering_instance *instance, const char *key, int *found)
{
	uint32_t lo = 0, hi = instance->label_count;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(numbering__str_get(&instance->labels[mid].key), key);
		if (cmp == 0) {
			*found = 1;
			return mid;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = 0;
	return lo;
}

/* Index of the label whose key is @key after NFC normalization (keys are kept in
 * NFC), or where it would go; sets no error. */
static uint32_t label_find_nfc(const numbering_instance *instance, const char *key, int *found)
{
	const char *nfc = NULL;
	size_t nfc_len = 0;
	char *owned = NULL;
	if (numbering__nfc(&nfc, &nfc_len, &owned, key, strlen(key)) != NUMBERING_OK)
		nfc = key; /* not UTF-8, or no memory: only the key as given can match */
	uint32_t at = label_find(instance, nfc, found);
	numbering__free_mem(owned);
	return at;
}

const char *numbering_instance_label(const numbering_instance *instance, const char *key)
{
	if (instance == NULL || key == NULL)
		return NULL;
	int found = 0;
	uint32_t i = label_find_nfc(instance, key, &found);
	return found ? numbering__str_get(&instance->labels[i].value) : NULL;
}

int numbering_instance_message_handler_count(const numbering_instance *instance)
{
	return instance == NULL ? 0 : (int)instance->message_handler_count;
}

const char *numbering_instance_message_handler(const numbering_instance *instance, int i)
{
	if (instance == NULL || i < 0 || (uint32_t)i >= instance->message_handler_count)
		return NULL;
	return numbering__str_get(&instance->message_handlers[i]);
}

int numbering_instance_call_handler_count(const numbering_instance *instance)
{
	return instance == NULL ? 0 : (int)instance->call_handler_count;
}

const char *numbering_instance_call_handler(const numbering_instance *instance, int i)
{
	if (instance == NULL || i < 0 || (uint32_t)i >= instance->call_handler_count)
		return NULL;
	return numbering__str_get(&instance->call_handlers[i]);
}

int numbering_instance_call_recording_trigger(const numbering_instance *instance)
{
	if (instance == NULL)
		return 0;
	return instance->call_recording_trigger == NUMBERING_RECORDING_TRIGGER_UNSPECIFIED
	           ? NUMBERING_RECORDING_DISABLED
	           : instance->call_recording_trigger;
}

int64_t numbering_instance_create_time(const numbering_instance *instance)
{
	return instance == NULL ? 0 : instance->create_time;
}

int64_t numbering_instance_phone_id(const numbering_instance *instance)
{
	return instance == NULL ? 0 : instance->phone_id;
}

int64_t numbering_instance_delete_time(const numbering_instance *instance)
{
	return instance == NULL ? 0 : instance->delete_time;
}

int64_t numbering_instance_activate_time(const numbering_instance *instance)
{
	return instance == NULL ? 0 : instance->activate_time;
}

int numbering_instance_lifecycle_state(const numbering_instance *instance)
{
	return instance == NULL ? 0 : instance->lifecycle_state;
}

int numbering_instance_is_range(const numbering_instance *instance)
{
	return instance != NULL && instance->is_range;
}

const char *numbering_instance_range_primary(const numbering_instance *instance)
{
	return numbering_instance_is_range(instance) ? numbering__str_get(&instance->name) : "";
}

const char *numbering_instance_range_start(const numbering_instance *instance)
{
	return numbering_instance_is_range(instance) ? numbering__str_get(&instance->phone_number) : "";
}

const char *numbering_instance_range_end(const numbering_instance *instance)
{
	return numbering_instance_is_range(instance) ? numbering__str_get(&instance->range_end) : "";
}

int64_t numbering_instance_range_size(const numbering_instance *instance)
{
	return instance == NULL ? 0 : instance->range_size;
}

int numbering_instance_compliant(const numbering_instance *instance)
{
	return instance != NULL && instance->compliant;
}

/* ---- Setters ---- */

/* Number text as a request gives it: parsed later, with the request's region. */
static int check_number_text(const char *text, const char *field, const char *what)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	size_t len = strlen(text);
	if (len > PHONE_TEXT_MAX)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "%s \"%s\" is %zu bytes long; the most is %d",
		                              what, numbering__quote(quoted, text, len), len, PHONE_TEXT_MAX);
	return NUMBERING_OK;
}

int numbering_instance_set_phone_number(numbering_instance *instance, const char *text)
{
	const char *field = "phone_number.phone_number";
	if (instance == NULL)
		return null_instance("numbering_instance_set_phone_number");
	if (text == NULL || text[0] == '\0')
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "a phone number is required: +E164, national or range notation");
	int rc = check_number_text(text, field, "phone number");
	if (rc == NUMBERING_OK)
		rc = numbering__str_set(&instance->phone_number, text, strlen(text));
	if (rc == NUMBERING_OK)
		instance->set |= NUMBERING__SET_PHONE_NUMBER;
	return rc;
}

int numbering_instance_set_range_size(numbering_instance *instance, int64_t size)
{
	if (instance == NULL)
		return null_instance("numbering_instance_set_range_size");
	if (size < 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "range.size",
		                              "range size %lld is negative; it must be at least 1 (or 0 to unset it)",
		                              (long long)size);
	instance->range_size = size;
	instance->set |= NUMBERING__SET_RANGE_SIZE;
	return NUMBERING_OK;
}

int numbering_instance_set_range_end(numbering_instance *instance, const char *text)
{
	if (instance == NULL)
		return null_instance("numbering_instance_set_range_end");
	if (text == NULL)
		text = "";
	int rc = check_number_text(text, "range.end_phone_number", "range end");
	if (rc == NUMBERING_OK)
		rc = numbering__str_set(&instance->range_end, text, strlen(text));
	if (rc == NUMBERING_OK)
		instance->set |= NUMBERING__SET_RANGE_END;
	return rc;
}

int numbering_instance_set_capabilities(numbering_instance *instance, int capabilities)
{
	const int all = NUMBERING_CAPABILITY_SMS | NUMBERING_CAPABILITY_MMS | NUMBERING_CAPABILITY_VOICE;
	if (instance == NULL)
		return null_instance("numbering_instance_set_capabilities");
	if ((capabilities & ~all) != 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_number.capabilities",
		                              "capabilities 0x%x hold bits other than SMS (1), MMS (2) and VOICE (4)",
		                              (unsigned)capabilities);
	instance->capabilities = (uint8_t)capabilities;
	instance->set |= NUMBERING__SET_CAPABILITIES;
	return NUMBERING_OK;
}

int numbering_instance_set_number_type(numbering_instance *instance, int number_type)
{
	if (instance == NULL)
		return null_instance("numbering_instance_set_number_type");
	if (number_type < NUMBERING_NUMBER_TYPE_UNSPECIFIED || number_type > NUMBERING_NUMBER_TYPE_SHARED_RATE)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "phone_number.number_type",
		                              "number type %d is not a PhoneNumberType value (0 to %d)", number_type,
		                              NUMBERING_NUMBER_TYPE_SHARED_RATE);
	instance->number_type = (uint8_t)number_type;
	instance->set |= NUMBERING__SET_NUMBER_TYPE;
	return NUMBERING_OK;
}

int numbering_instance_set_display_name(numbering_instance *instance, const char *display_name)
{
	if (instance == NULL)
		return null_instance("numbering_instance_set_display_name");
	int rc = numbering__normalize_display_name(&instance->display_name, display_name, "display_name");
	if (rc == NUMBERING_OK)
		instance->set |= NUMBERING__SET_DISPLAY_NAME;
	return rc;
}

int numbering_instance_set_label(numbering_instance *instance, const char *key, const char *value)
{
	if (instance == NULL)
		return null_instance("numbering_instance_set_label");
	/* Key and value are kept in NFC, so keys equal after normalization are one key. */
	struct numbering__nfc_label nfc;
	int rc = numbering__normalize_label(&nfc, key, value, "labels");
	if (rc != NUMBERING_OK)
		return rc;
	int found = 0;
	uint32_t at = label_find(instance, nfc.key, &found);
	if (found) {
		rc = numbering__str_set(&instance->labels[at].value, nfc.value, nfc.value_len);
	} else if (instance->label_count >= NUMBERING_LABELS_MAX) {
		char quoted[NUMBERING__QUOTE_SIZE];
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "labels",
		                            "cannot add label \"%s\": an instance has at most %d labels",
		                            numbering__quote(quoted, key, strlen(key)), NUMBERING_LABELS_MAX);
	} else if ((rc = reserve_labels(instance, instance->label_count + 1)) == NUMBERING_OK) {
		/* Fill the spare entry past the end, then rotate it into place, so a failure
		 * leaves the labels as they were. */
		struct numbering__label spare = instance->labels[instance->label_count];
		rc = numbering__str_set(&spare.key, nfc.key, nfc.key_len);
		if (rc == NUMBERING_OK)
			rc = numbering__str_set(&spare.value, nfc.value, nfc.value_len);
		if (rc == NUMBERING_OK) {
			memmove(&instance->labels[at + 1], &instance->labels[at],
			        (instance->label_count - at) * sizeof(instance->labels[0]));
			instance->labels[at] = spare;
			instance->label_count++;
		} else {
			str_clear(&spare.key);
			instance->labels[instance->label_count] = spare;
		}
	}
	numbering__nfc_label_free(&nfc);
	if (rc == NUMBERING_OK)
		instance->set |= NUMBERING__SET_LABELS;
	return rc;
}

int numbering_instance_remove_label(numbering_instance *instance, const char *key)
{
	if (instance == NULL)
		return null_instance("numbering_instance_remove_label");
	if (key == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "labels", "the label key to remove is NULL");
	int found = 0;
	uint32_t at = label_find_nfc(instance, key, &found);
	if (!found) {
		char quoted[NUMBERING__QUOTE_SIZE];
		return numbering__error_field(NUMBERING_NOT_FOUND, "labels", "there is no label \"%s\" to remove",
		                              numbering__quote(quoted, key, strlen(key)));
	}
	/* Keep the removed entry's buffers past the end for reuse. */
	struct numbering__label removed = instance->labels[at];
	memmove(&instance->labels[at], &instance->labels[at + 1],
	        (instance->label_count - at - 1) * sizeof(instance->labels[0]));
	instance->label_count--;
	str_clear(&removed.key);
	str_clear(&removed.value);
	instance->labels[instance->label_count] = removed;
	instance->set |= NUMBERING__SET_LABELS;
	return NUMBERING_OK;
}

int numbering_instance_clear_labels(numbering_instance *instance)
{
	if (instance == NULL)
		return null_instance("numbering_instance_clear_labels");
	for (uint32_t i = 0; i < instance->label_count; i++) {
		str_clear(&instance->labels[i].key);
		str_clear(&instance->labels[i].value);
	}
	instance->label_count = 0;
	instance->set |= NUMBERING__SET_LABELS;
	return NUMBERING_OK;
}

static int add_handler(numbering_instance *instance, struct numbering__str *list, uint32_t *count, const char *uri,
                       const char *field, int (*validate)(const char *, const char *), uint32_t bit)
{
	int rc = validate(uri, field);
	if (rc != NUMBERING_OK)
		return rc;
	if (*count >= NUMBERING_HANDLER_URIS_MAX) {
		char quoted[NUMBERING__QUOTE_SIZE];
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "cannot add \"%s\": %s holds at most %d URIs",
		                              numbering__quote(quoted, uri, strlen(uri)), field, NUMBERING_HANDLER_URIS_MAX);
	}
	rc = numbering__str_set(&list[*count], uri, strlen(uri));
	if (rc == NUMBERING_OK) {
		(*count)++;
		instance->set |= bit;
	}
	return rc;
}

int numbering_instance_add_message_handler(numbering_instance *instance, const char *uri)
{
	if (instance == NULL)
		return null_instance("numbering_instance_add_message_handler");
	return add_handler(instance, instance->message_handlers, &instance->message_handler_count, uri,
	                   "incoming_message_handler_uris", numbering__validate_message_handler,
	                   NUMBERING__SET_MESSAGE_HANDLERS);
}

int numbering_instance_clear_message_handlers(numbering_instance *instance)
{
	if (instance == NULL)
		return null_instance("numbering_instance_clear_message_handlers");
	for (uint32_t i = 0; i < instance->message_handler_count; i++)
		str_clear(&instance->message_handlers[i]);
	instance->message_handler_count = 0;
	instance->set |= NUMBERING__SET_MESSAGE_HANDLERS;
	return NUMBERING_OK;
}

int numbering_instance_add_call_handler(numbering_instance *instance, const char *uri)
{
	if (instance == NULL)
		return null_instance("numbering_instance_add_call_handler");
	return add_handler(instance, instance->call_handlers, &instance->call_handler_count, uri,
	                   "incoming_call_handler_uris", numbering__validate_call_handler, NUMBERING__SET_CALL_HANDLERS);
}

int numbering_instance_clear_call_handlers(numbering_instance *instance)
{
	if (instance == NULL)
		return null_instance("numbering_instance_clear_call_handlers");
	for (uint32_t i = 0; i < instance->call_handler_count; i++)
		str_clear(&instance->call_handlers[i]);
	instance->call_handler_count = 0;
	instance->set |= NUMBERING__SET_CALL_HANDLERS;
	return NUMBERING_OK;
}

int numbering_instance_set_call_recording_trigger(numbering_instance *instance, int trigger)
{
	if (instance == NULL)
		return null_instance("numbering_instance_set_call_recording_trigger");
	if (trigger < NUMBERING_RECORDING_TRIGGER_UNSPECIFIED || trigger > NUMBERING_RECORDING_BRIDGE)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "call_recording_trigger",
		                              "recording trigger %d is not a RecordingTrigger value (0 to %d)", trigger,
		                              NUMBERING_RECORDING_BRIDGE);
	instance->call_recording_trigger = (uint8_t)trigger;
	instance->set |= NUMBERING__SET_RECORDING_TRIGGER;
	return NUMBERING_OK;
}

int numbering_instance_set_lifecycle_state(numbering_instance *instance, int state)
{
	if (instance == NULL)
		return null_instance("numbering_instance_set_lifecycle_state");
	/* A value of no state is named as itself, not as LIFECYCLE_STATE_UNSPECIFIED, the
	 * name numbering_lifecycle_state_name() gives it. */
	if (state < 0 || state >= COUNT(lifecycle_names))
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "lifecycle_state",
		                              "lifecycle state %d is not a LifecycleState value (0 to %d); an instance is "
		                              "created ACTIVE or PENDING",
		                              state, COUNT(lifecycle_names) - 1);
	if (state != NUMBERING_LIFECYCLE_ACTIVE && state != NUMBERING_LIFECYCLE_PENDING)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "lifecycle_state",
		                              "an instance is created ACTIVE or PENDING, not %s (%d); other states follow "
		                              "from lifecycle calls",
		                              numbering_lifecycle_state_name(state), state);
	instance->lifecycle_state = (uint8_t)state;
	instance->set |= NUMBERING__SET_LIFECYCLE_STATE;
	return NUMBERING_OK;
}

int numbering_instance_set_regulatory_listing(numbering_instance *instance, const char *listing)
{
	if (instance == NULL)
		return null_instance("numbering_instance_set_regulatory_listing");
	if (listing == NULL)
		listing = "";
	int rc = listing[0] == '\0' ? NUMBERING_OK
	                            : numbering__validate_regulatory_listing(listing, "regulatory_listing");
	if (rc == NUMBERING_OK)
		rc = numbering__str_set(&instance->regulatory_listing, listing, strlen(listing));
	if (rc == NUMBERING_OK)
		instance->set |= NUMBERING__SET_REGULATORY_LISTING;
	return rc;
}
