/*
 * Internals of the JSON entry point shared by lib/json's files: strict bounded
 * loading, typed field readers that name the offending request field, and the
 * PhoneNumberInstance <-> proto3-JSON mapping.
 *
 * Every reader returns NUMBERING_OK or sets the thread's error (INVALID_ARGUMENT with
 * a violation naming the snake_case path, e.g. "phone_number_instance.labels") and
 * returns its code. A value pointer that is NULL means "absent" and reads as OK:
 * proto3 JSON treats a missing field and a null one alike.
 */
#ifndef NUMBERING_JSON_JSON_H
#define NUMBERING_JSON_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "numbering/instance.h"

/* Requests and policies larger than this are refused before parsing. */
#define NUMBERING__JSON_MAX_SIZE (1024 * 1024)
/* Deeper nesting than any valid request needs is refused before jansson recurses. */
#define NUMBERING__JSON_MAX_DEPTH 32
/* Bytes of a field path, NUL included (the error model keeps 128). */
#define NUMBERING__JSON_PATH_SIZE 128

/* Parses @text (a request, a policy: @what names it in messages) as one JSON object:
 * bounded in size and depth, duplicate keys rejected, malformed text reported with
 * jansson's line and column. *out is a new reference, NULL on failure. */
int numbering__json_load(json_t **out, const char *text, const char *what);

/* Renders @value compactly into a string from the library's allocator (freed with
 * numbering_free), or sets RESOURCE_EXHAUSTED. */
int numbering__json_dump(char **out, const json_t *value);

/* One field of a message: its lowerCamelCase JSON name and its proto name, which is
 * also its name in field paths. Parsers accept either spelling (proto3 JSON). */
struct numbering__json_field {
	const char *json_name;
	const char *proto_name;
};

/* Matches the members of @object (already known to be an object) against @fields:
 * values[i] is the member for fields[i], or NULL when absent or null. A member that
 * names no field, or a field given under both spellings, is INVALID_ARGUMENT. */
int numbering__json_fields(json_t **values, json_t *object, const struct numbering__json_field *fields, size_t count,
                           const char *path);

/* Writes "@base.@name" (or "@name" when @base is "") into @out. Returns @out. */
const char *numbering__json_path(char out[NUMBERING__JSON_PATH_SIZE], const char *base, const char *name);
/* Writes "@base[@index]" into @out. Returns @out. */
const char *numbering__json_path_index(char out[NUMBERING__JSON_PATH_SIZE], const char *base, size_t index);

/* "an object", "a string", ... for messages. */
const char *numbering__json_type_name(const json_t *value);

/* Typed readers; on absence (@value NULL) *out is left as it was. */
int numbering__json_object(json_t *value, const char *path);
int numbering__json_array(json_t *value, const char *path);
int numbering__json_string(const char **out, json_t *value, const char *path);
int numbering__json_bool(int *out, json_t *value, const char *path);
/* An int32: a JSON integer, an integral real, or a decimal string (proto3 JSON). */
int numbering__json_int32(int32_t *out, json_t *value, const char *path);
/* An enum given by name or number: @name_of maps a value to its name, values
 * 0 .. @max are the known ones. */
int numbering__json_enum(int *out, json_t *value, const char *(*name_of)(int), int max, const char *path);
/* A google.protobuf.Timestamp: an RFC 3339 string. */
int numbering__json_timestamp(int64_t *out, json_t *value, const char *path);

/* The fields of a plain List request: parent, pageSize and pageToken (either spelling;
 * any other field is INVALID_ARGUMENT). Absent ones read as "", 0 and NULL. */
int numbering__json_list_request(const char **parent, int32_t *page_size, const char **page_token, json_t *request);

/* What an instance in a request is for: which fields the setters receive. */
enum numbering__instance_use {
	NUMBERING__INSTANCE_CREATE, /* writable and create-only fields */
	NUMBERING__INSTANCE_UPDATE  /* writable fields; create-only ones are checked and ignored */
};

/* Fills @instance from a PhoneNumberInstance object sitting at @path. Output-only
 * fields are type-checked and ignored; a setter's instance-relative violations are
 * prefixed with @path. */
int numbering__instance_from_json(numbering_instance *instance, json_t *value, enum numbering__instance_use use,
                                  const char *path);

/* The proto3-JSON object of @instance, fields in the seed's order; NULL when out of
 * memory (the thread's error is then set). */
json_t *numbering__instance_to_json(const numbering_instance *instance);

#endif
