/*
 * ListChanges {afterSequence?, pageSize?} -> {changes: [{sequence, time, kind, name,
 * change}], nextSequence, lastSequence} (numbering/changes.h). Sequences are int64:
 * proto3 JSON writes them as decimal strings and reads a string or a number.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "json/changes-json.h"
#include "json/json.h"
#include "json/sinch-common.h"
#include "model/validate.h"
#include "numbering/changes.h"

/* An int64 given as a JSON integer or a decimal string (proto3 JSON). */
static int read_int64(int64_t *out, json_t *value, const char *path)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	if (value == NULL)
		return NUMBERING_OK;
	if (json_is_integer(value)) {
		*out = (int64_t)json_integer_value(value);
		return NUMBERING_OK;
	}
	if (json_is_string(value)) {
		const char *text = json_string_value(value);
		size_t len = json_string_length(value);
		char *end = NULL;
		errno = 0;
		long long v = len > 0 && len < 24 && (text[0] == '-' || (text[0] >= '0' && text[0] <= '9'))
		                  ? strtoll(text, &end, 10)
		                  : 0;
		if (end != NULL && end == text + len && errno == 0) {
			*out = (int64_t)v;
			return NUMBERING_OK;
		}
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, path, "%s \"%s\" is not an integer (int64)", path,
		                              numbering__quote(quoted, text, len));
	}
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, path, "%s is %s, not an integer (int64)", path,
	                              numbering__json_type_name(value));
}

static json_t *sequence_json(int64_t v)
{
	char text[24];
	snprintf(text, sizeof(text), "%" PRId64, v);
	return json_string(text);
}

static json_t *change_json(const numbering_change_page *page, int i)
{
	char time[40];
	numbering__format_time(time, numbering_change_page_time(page, i));
	return json_pack("{s:o, s:s, s:s, s:s, s:s}", "sequence", sequence_json(numbering_change_page_sequence(page, i)),
	                 "time", time, "kind", numbering_change_page_kind(page, i), "name",
	                 numbering_change_page_name(page, i), "change", numbering_change_page_change(page, i));
}

int numbering__json_list_changes(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	enum { AFTER, PAGE_SIZE, COUNT };
	static const struct numbering__json_field fields[COUNT] = {
		[AFTER] = {"afterSequence", "after_sequence"},
		[PAGE_SIZE] = {"pageSize", "page_size"},
	};
	json_t *f[COUNT];
	int64_t after = 0;
	int32_t page_size = 0;
	int rc = numbering__json_fields(f, request, fields, COUNT, "");
	if (rc == NUMBERING_OK)
		rc = read_int64(&after, f[AFTER], "afterSequence");
	if (rc == NUMBERING_OK)
		rc = numbering__json_int32(&page_size, f[PAGE_SIZE], "pageSize");
	numbering_change_page *page = NULL;
	if (rc == NUMBERING_OK)
		rc = numbering_store_list_changes(&page, store, caller, after, page_size);
	if (rc != NUMBERING_OK)
		return rc;
	json_t *changes = json_array();
	for (int i = 0; changes != NULL && i < numbering_change_page_count(page); i++)
		if (json_array_append_new(changes, change_json(page, i)) != 0) {
			json_decref(changes);
			changes = NULL;
		}
	if (changes == NULL ||
	    (*result = json_pack("{s:o, s:o, s:o}", "changes", changes, "nextSequence",
	                         sequence_json(numbering_change_page_next_sequence(page)), "lastSequence",
	                         sequence_json(numbering_change_page_last_sequence(page)))) == NULL)
		rc = numbering__sinch_out_of_memory();
	numbering_change_page_free(page);
	return rc;
}
