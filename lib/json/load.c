/*
 * Loading untrusted JSON: bounded before it is parsed, strict while it is parsed
 * (duplicate keys are an error, not "last one wins"), and located when malformed.
 */
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
