/*
 * Loading untrusted JSON: bounded before it is parsed, strict while it is parsed
 * (duplicate keys are an error, not "last one wins"), and located when malformed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "json/json.h"

/* Checks the nesting depth with a byte scan, so a hostile "[[[[..." is refused
 * before jansson recurses into it. Malformed text is left for jansson to report. */
static int too_deep(const char *text, size_t len)
{
	int depth = 0, in_string = 0, escaped = 0;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (in_string) {
			if (escaped)
				escaped = 0;
			else if (c == '\\')
				escaped = 1;
			else if (c == '"')
				in_string = 0;
		} else if (c == '"') {
			in_string = 1;
		} else if (c == '{' || c == '[') {
			if (++depth > NUMBERING__JSON_MAX_DEPTH)
				return 1;
		} else if ((c == '}' || c == ']') && depth > 0) {
			depth--;
		}
	}
	return 0;
}

/* The byte offset of the first \\u0000 escape inside a string of @text, or -1. */
static long nul_escape_offset(const char *text, size_t len)
{
	int in_string = 0;
	for (size_t i = 0; i < len; i++) {
		if (!in_string) {
			in_string = text[i] == '"';
		} else if (text[i] == '"') {
			in_string = 0;
		} else if (text[i] == '\\') {
			if (i + 5 < len && strncmp(text + i + 1, "u0000", 5) == 0)
				return (long)i;
			i++; /* the escaped character, a backslash or a quote included */
		}
	}
	return -1;
}

/* Writes into @path where the first string of @value holding a NUL is (member names
 * as the text wrote them, "[i]" for elements; @base is the value's own path). Returns
 * 1 when there is one. */
static int nul_path(char path[NUMBERING__JSON_PATH_SIZE], const json_t *value, const char *base)
{
	char inner[NUMBERING__JSON_PATH_SIZE];
	if (json_is_string(value)) {
		snprintf(path, NUMBERING__JSON_PATH_SIZE, "%s", base);
		return memchr(json_string_value(value), '\0', json_string_length(value)) != NULL;
	}
	if (json_is_array(value)) {
		for (size_t i = 0; i < json_array_size(value); i++)
			if (nul_path(path, json_array_get(value, i), numbering__json_path_index(inner, base, i)))
				return 1;
		return 0;
	}
	if (json_is_object(value)) {
		/* jansson refuses a NUL in a member name even with JSON_ALLOW_NUL, so only
		 * values can hold one here. */
		const char *key;
		json_t *member;
		json_object_foreach((json_t *)value, key, member) {
			if (nul_path(path, member, numbering__json_path(inner, base, key)))
				return 1;
		}
	}
	return 0;
}

/* A NUL (\\u0000) in a string or member name of the text: the library's strings are
 * NUL-terminated, so one would cut the value short ("user:ops\\u0000mallory" would
 * read "user:ops"). Refused, naming the byte offset of the escape and, for a value,
 * the field holding it (found by parsing again with NULs allowed). */
static int refuse_nul(const char *text, size_t len, const char *what)
{
	long at = nul_escape_offset(text, len);
	json_error_t error;
	char path[NUMBERING__JSON_PATH_SIZE] = "";
	json_t *value = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL, &error);
	int found = value != NULL && nul_path(path, value, "");
	json_decref(value);
	if (found && path[0] != '\0')
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, path,
		                              "%s holds a NUL character (\\u0000, at byte offset %ld of the %s); "
		                              "text cannot hold NUL",
		                              path, at, what);
	return numbering__error_set(NUMBERING_INVALID_ARGUMENT,
	                            "the %s holds a NUL character (\\u0000) at byte offset %ld; text cannot hold NUL",
	                            what, at);
}

int numbering__json_load(json_t **out, const char *text, const char *what)
{
	*out = NULL;
	size_t len = strnlen(text, (size_t)NUMBERING__JSON_MAX_SIZE + 1);
	if (len > NUMBERING__JSON_MAX_SIZE)
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "the %s is larger than %d bytes", what,
		                            NUMBERING__JSON_MAX_SIZE);
	if (too_deep(text, len))
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "the %s nests deeper than %d levels", what,
		                            NUMBERING__JSON_MAX_DEPTH);
	json_error_t error;
	memset(&error, 0, sizeof(error));
	unsigned failures = numbering__alloc_failures();
	json_t *value = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &error);
	/* jansson 2.14 reports some allocation failures as syntax errors ("string
	 * expected") or with no text, and its lexer drops a byte it cannot buffer and
	 * parses on (a name loses a letter): believe the allocator instead. */
	if (value != NULL && numbering__alloc_failures() != failures) {
		json_decref(value);
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory parsing the %s", what);
	}
	if (value == NULL) {
		if (json_error_code(&error) == json_error_out_of_memory || error.text[0] == '\0' ||
		    numbering__alloc_failures() != failures)
			return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory parsing the %s", what);
		if (json_error_code(&error) == json_error_null_character ||
		    json_error_code(&error) == json_error_null_byte_in_key)
			return refuse_nul(text, len, what);
		char quoted[NUMBERING__QUOTE_SIZE];
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "malformed JSON in the %s at line %d, column %d: %s",
		                            what, error.line, error.column,
		                            numbering__quote(quoted, error.text, strlen(error.text)));
	}
	if (!json_is_object(value)) {
		int rc = numbering__error_set(NUMBERING_INVALID_ARGUMENT, "the %s must be a JSON object, not %s", what,
		                              numbering__json_type_name(value));
		json_decref(value);
		return rc;
	}
	*out = value;
	return NUMBERING_OK;
}

struct dump_buffer {
	char *text;
	size_t len, capacity;
};

static int dump_append(const char *chunk, size_t size, void *payload)
{
	struct dump_buffer *b = payload;
	if (size >= b->capacity - b->len) {
		size_t capacity = b->capacity * 2 > b->len + size + 1 ? b->capacity * 2 : b->len + size + 1;
		char *text = numbering__realloc(b->text, capacity);
		if (text == NULL)
			return -1;
		b->text = text;
		b->capacity = capacity;
	}
	memcpy(b->text + b->len, chunk, size);
	b->len += size;
	b->text[b->len] = '\0';
	return 0;
}

/* Straight into our allocator's buffer: json_dumps() would hand back jansson's, which
 * the host (or its own jansson hooks) owns. */
int numbering__json_dump(char **out, const json_t *value)
{
	*out = NULL;
	struct dump_buffer b = {NULL, 0, 0};
	if ((b.text = numbering__malloc(256)) != NULL) {
		b.capacity = 256;
		b.text[0] = '\0';
		unsigned failures = numbering__alloc_failures();
		if (json_dump_callback(value, dump_append, &b, JSON_COMPACT) == 0 &&
		    numbering__alloc_failures() == failures) {
			*out = b.text;
			return NUMBERING_OK;
		}
	}
	numbering__free_mem(b.text);
	return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory rendering the response");
}
