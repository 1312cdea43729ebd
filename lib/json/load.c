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
	json_t *value = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &error);
	if (value == NULL) {
		if (json_error_code(&error) == json_error_out_of_memory)
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

int numbering__json_dump(char **out, const json_t *value)
{
	*out = NULL;
	char *text = json_dumps(value, JSON_COMPACT);
	if (text != NULL) {
		*out = numbering__strdup(text);
		free(text);
	}
	if (*out == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory rendering the response");
	return NUMBERING_OK;
}
