/*
 * Reading typed fields out of parsed JSON, the proto3-JSON way, with every failure
 * naming the request field by its snake_case path.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "json/json.h"
#include "model/validate.h"

const char *numbering__json_type_name(const json_t *value)
{
	switch (json_typeof(value)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

const char *numbering__json_path(char out[NUMBERING__JSON_PATH_SIZE], const char *base, const char *name)
{
	if (base[0] == '\0')
		snprintf(out, NUMBERING__JSON_PATH_SIZE, "%s", name);
	else
		snprintf(out, NUMBERING__JSON_PATH_SIZE, "%s.%s", base, name);
	return out;
}

const char *numbering__json_path_index(char out[NUMBERING__JSON_PATH_SIZE], const char *base, size_t index)
{
	snprintf(out, NUMBERING__JSON_PATH_SIZE, "%s[%zu]", base, index);
	return out;
}

static int wrong_type(const json_t *value, const char *path, const char *want)
{
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, path, "%s must be %s, not %s", path, want,
	                              numbering__json_type_name(value));
}

int numbering__json_fields(json_t **values, json_t *object, const struct numbering__json_field *fields, size_t count,
                           const char *path)
{
	/* Which fields were seen, null ones included, to catch both spellings of one field. */
	unsigned char seen[64] = {0};
	if (count > sizeof(seen))
		return numbering__error_set(NUMBERING_INTERNAL, "message with too many fields at %s", path);
	for (size_t i = 0; i < count; i++)
		values[i] = NULL;
	const char *key;
	json_t *value;
	json_object_foreach(object, key, value) {
		size_t i = 0;
		while (i < count && strcmp(key, fields[i].json_name) != 0 && strcmp(key, fields[i].proto_name) != 0)
			i++;
		if (i == count) {
			char quoted[NUMBERING__QUOTE_SIZE], field[NUMBERING__JSON_PATH_SIZE];
			numbering__quote(quoted, key, strlen(key));
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, numbering__json_path(field, path, quoted),
			                              "unknown field \"%s\" in %s", quoted,
			                              path[0] == '\0' ? "the request" : path);
		}
		if (seen[i]) {
			char field[NUMBERING__JSON_PATH_SIZE];
			numbering__json_path(field, path, fields[i].proto_name);
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "%s is given twice (as %s and %s)",
			                              field, fields[i].json_name, fields[i].proto_name);
		}
		seen[i] = 1;
		values[i] = json_is_null(value) ? NULL : value;
	}
	return NUMBERING_OK;
}

int numbering__json_object(json_t *value, const char *path)
{
	return value == NULL || json_is_object(value) ? NUMBERING_OK : wrong_type(value, path, "an object");
}

int numbering__json_array(json_t *value, const char *path)
{
	return value == NULL || json_is_array(value) ? NUMBERING_OK : wrong_type(value, path, "an array");
}

int numbering__json_string(const char **out, json_t *value, const char *path)
{
	if (value == NULL)
		return NUMBERING_OK;
	if (!json_is_string(value))
		return wrong_type(value, path, "a string");
	*out = json_string_value(value);
	return NUMBERING_OK;
}

int numbering__json_bool(int *out, json_t *value, const char *path)
{
	if (value == NULL)
		return NUMBERING_OK;
	if (!json_is_boolean(value))
		return wrong_type(value, path, "a boolean");
	*out = json_is_true(value);
	return NUMBERING_OK;
}

static int out_of_range(const char *path, const char *text)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, path, "%s is out of range for int32: %s", path,
	                              numbering__quote(quoted, text, strlen(text)));
}

static int not_integer(const char *path, const char *text)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, path, "%s must be an integer: %s", path,
	                              numbering__quote(quoted, text, strlen(text)));
}

/* proto3 JSON lets an int32 arrive as a string; only plain decimal is accepted. */
static int int32_from_string(int32_t *out, const char *text, const char *path)
{
	const char *p = text + (text[0] == '-');
	if (*p == '\0' || strspn(p, "0123456789") != strlen(p))
		return not_integer(path, text);
	errno = 0;
	long long v = strtoll(text, NULL, 10);
	if (errno == ERANGE || v < INT32_MIN || v > INT32_MAX)
		return out_of_range(path, text);
	*out = (int32_t)v;
	return NUMBERING_OK;
}

int numbering__json_int32(int32_t *out, json_t *value, const char *path)
{
	char text[40];
	if (value == NULL)
		return NUMBERING_OK;
	if (json_is_integer(value)) {
		json_int_t v = json_integer_value(value);
		if (v < INT32_MIN || v > INT32_MAX) {
			snprintf(text, sizeof(text), "%" JSON_INTEGER_FORMAT, v);
			return out_of_range(path, text);
		}
		*out = (int32_t)v;
		return NUMBERING_OK;
	}
	if (json_is_real(value)) {
		/* An integral real such as 20.0 or 2e1 is an integer written another way. */
		double d = json_real_value(value);
		snprintf(text, sizeof(text), "%.17g", d);
		if (!(d >= -2147483648.0 && d <= 2147483647.0))
			return d == d ? out_of_range(path, text) : not_integer(path, text);
		if ((double)(int32_t)d != d)
			return not_integer(path, text);
		*out = (int32_t)d;
		return NUMBERING_OK;
	}
	if (json_is_string(value))
		return int32_from_string(out, json_string_value(value), path);
	return wrong_type(value, path, "an integer");
}

int numbering__json_enum(int *out, json_t *value, const char *(*name_of)(int), int max, const char *path)
{
	if (value == NULL)
		return NUMBERING_OK;
	if (json_is_integer(value)) {
		json_int_t v = json_integer_value(value);
		if (v >= 0 && v <= max) {
			*out = (int)v;
			return NUMBERING_OK;
		}
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, path, "%s has no value %" JSON_INTEGER_FORMAT,
		                              path, v);
	}
	if (!json_is_string(value))
		return wrong_type(value, path, "an enum name");
	const char *name = json_string_value(value);
	for (int i = 0; i <= max; i++) {
		if (strcmp(name, name_of(i)) == 0) {
			*out = i;
			return NUMBERING_OK;
		}
	}
	char quoted[NUMBERING__QUOTE_SIZE];
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, path, "%s has no value \"%s\"", path,
	                              numbering__quote(quoted, name, strlen(name)));
}

int numbering__json_timestamp(int64_t *out, json_t *value, const char *path)
{
	const char *text = NULL;
	int rc = numbering__json_string(&text, value, path);
	if (rc != NUMBERING_OK || text == NULL)
		return rc;
	return numbering__parse_time(out, text, path);
}

int numbering__json_list_request(const char **parent, int32_t *page_size, const char **page_token, json_t *request)
{
	enum { PARENT, PAGE_SIZE, PAGE_TOKEN, COUNT };
	static const struct numbering__json_field fields[COUNT] = {
		[PARENT] = {"parent", "parent"},
		[PAGE_SIZE] = {"pageSize", "page_size"},
		[PAGE_TOKEN] = {"pageToken", "page_token"},
	};
	json_t *f[COUNT];
	*parent = "";
	*page_size = 0;
	*page_token = NULL;
	int rc = numbering__json_fields(f, request, fields, COUNT, "");
	if (rc == NUMBERING_OK)
		rc = numbering__json_string(parent, f[PARENT], "parent");
	if (rc == NUMBERING_OK)
		rc = numbering__json_int32(page_size, f[PAGE_SIZE], "pageSize");
	if (rc == NUMBERING_OK)
		rc = numbering__json_string(page_token, f[PAGE_TOKEN], "pageToken");
	return rc;
}
