/* Readers and writers the Sinch seed's JSON methods share (json/sinch-common.h). */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "json/json.h"
#include "json/sinch-common.h"
#include "numbering/inventory.h"
#include "numbering/money.h"

int numbering__sinch_invalid(const char *path, const char *what, const char *value)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, path, "%s \"%s\" %s", path,
	                              numbering__quote(quoted, value, strlen(value)), what);
}

int numbering__sinch_read_project(char *out, size_t size, json_t *value)
{
	const char *id = NULL;
	int rc = numbering__json_string(&id, value, "projectId");
	if (rc != NUMBERING_OK)
		return rc;
	if (id == NULL || id[0] == '\0')
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "projectId", "projectId is required");
	if (strlen(id) + sizeof("projects/") > size)
		return numbering__sinch_invalid("projectId", "is too long", id);
	snprintf(out, size, "projects/%s", id);
	return NUMBERING_OK;
}

int numbering__sinch_read_type(int *out, json_t *value, const char *path)
{
	const char *name = NULL;
	int rc = numbering__json_string(&name, value, path);
	if (rc != NUMBERING_OK || name == NULL)
		return rc;
	for (int t = NUMBERING_NUMBER_TYPE_LOCAL; t <= NUMBERING_NUMBER_TYPE_SHARED_RATE; t++)
		if (strcmp(name, numbering_number_type_name(t)) == 0) {
			*out = t;
			return NUMBERING_OK;
		}
	return numbering__sinch_invalid(path, "is not a number type (MOBILE, LOCAL, TOLL_FREE, NATIONAL or SHARED_RATE)",
	                                name);
}

static const char *const capability_names[] = {"SMS", "MMS", "VOICE"}; /* bit i is 1 << i */

int numbering__sinch_read_capabilities(int *out, json_t *value, const char *path)
{
	int rc = numbering__json_array(value, path);
	if (rc != NUMBERING_OK || value == NULL)
		return rc;
	int flags = 0;
	size_t i;
	json_t *item;
	json_array_foreach(value, i, item) {
		/* The item's path ("capability[1]") is written only for an error. */
		char at[NUMBERING__JSON_PATH_SIZE];
		if (item == NULL || json_is_null(item)) {
			numbering__json_path_index(at, path, i);
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, at, "%s must be a string, not null", at);
		}
		if (!json_is_string(item))
			return numbering__json_string(NULL, item, numbering__json_path_index(at, path, i));
		const char *name = json_string_value(item);
		int bit = -1;
		for (int b = 0; b < 3 && bit < 0; b++)
			if (strcmp(name, capability_names[b]) == 0)
				bit = b;
		if (bit < 0)
			return numbering__sinch_invalid(numbering__json_path_index(at, path, i),
			                                "is not a capability (SMS, VOICE or MMS)", name);
		flags |= 1 << bit;
	}
	*out = flags;
	return NUMBERING_OK;
}

int numbering__sinch_read_pattern(const char **pattern, int *search, json_t *value)
{
	enum { PATTERN, SEARCH, COUNT };
	static const struct numbering__json_field fields[COUNT] = {
		[PATTERN] = {"pattern", "pattern"},
		[SEARCH] = {"searchPattern", "searchPattern"},
	};
	static const char *const modes[] = {"START", "CONTAINS", "END"}; /* NUMBERING_SEARCH_* */
	json_t *f[COUNT];
	const char *mode = NULL;
	int rc = numbering__json_object(value, "numberPattern");
	if (rc != NUMBERING_OK || value == NULL)
		return rc;
	if ((rc = numbering__json_fields(f, value, fields, COUNT, "numberPattern")) == NUMBERING_OK)
		rc = numbering__json_string(pattern, f[PATTERN], "numberPattern.pattern");
	if (rc == NUMBERING_OK)
		rc = numbering__json_string(&mode, f[SEARCH], "numberPattern.searchPattern");
	if (rc != NUMBERING_OK || mode == NULL)
		return rc;
	for (int i = 0; i < 3; i++)
		if (strcmp(mode, modes[i]) == 0) {
			*search = i;
			return NUMBERING_OK;
		}
	return numbering__sinch_invalid("numberPattern.searchPattern", "is not START, CONTAINS or END", mode);
}

int numbering__sinch_read_number_path(char *project, size_t size, const char **number, json_t *project_value,
                                      json_t *number_value)
{
	int rc = numbering__sinch_read_project(project, size, project_value);
	if (rc == NUMBERING_OK)
		rc = numbering__json_string(number, number_value, "phoneNumber");
	return rc;
}

int numbering__sinch_read_number_request(char *project, size_t size, const char **number, json_t *request)
{
	enum { PROJECT, NUMBER, COUNT };
	static const struct numbering__json_field fields[COUNT] = {
		[PROJECT] = {"projectId", "projectId"},
		[NUMBER] = {"phoneNumber", "phoneNumber"},
	};
	json_t *f[COUNT];
	int rc = numbering__json_fields(f, request, fields, COUNT, "");
	if (rc == NUMBERING_OK)
		rc = numbering__sinch_read_number_path(project, size, number, f[PROJECT], f[NUMBER]);
	return rc;
}

int numbering__sinch_read_phone_numbers(const char ***numbers, size_t *count, json_t *value)
{
	*numbers = NULL;
	*count = 0;
	int rc = numbering__json_array(value, "phoneNumbers");
	if (rc != NUMBERING_OK || value == NULL)
		return rc;
	size_t n = json_array_size(value);
	if ((*numbers = numbering__calloc(n + 1, sizeof(**numbers))) == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory for %zu numbers", n);
	for (size_t i = 0; i < n && rc == NUMBERING_OK; i++) {
		char at[NUMBERING__JSON_PATH_SIZE];
		json_t *item = json_array_get(value, i);
		numbering__json_path_index(at, "phoneNumbers", i);
		if (json_is_null(item))
			rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, at, "%s must be a string, not null", at);
		else
			rc = numbering__json_string(&(*numbers)[i], item, at);
	}
	*count = n;
	return rc;
}

int numbering__sinch_read_available_query(char *project, size_t size, numbering_available_query *q,
                                          json_t *project_value, json_t *pattern, json_t *region, json_t *type,
                                          json_t *capabilities)
{
	int rc = numbering__sinch_read_project(project, size, project_value);
	if (rc == NUMBERING_OK)
		rc = numbering__sinch_read_pattern(&q->pattern, &q->search_pattern, pattern);
	if (rc == NUMBERING_OK)
		rc = numbering__json_string(&q->region_code, region, "regionCode");
	if (rc == NUMBERING_OK)
		rc = numbering__sinch_read_type(&q->type, type, "type");
	if (rc == NUMBERING_OK)
		rc = numbering__sinch_read_capabilities(&q->capabilities, capabilities, "capabilities");
	return rc;
}

json_t *numbering__sinch_capabilities_json(int flags)
{
	json_t *a = json_array();
	for (int b = 0; a != NULL && b < 3; b++)
		if ((flags & (1 << b)) != 0 && json_array_append_new(a, json_string(capability_names[b])) != 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

json_t *numbering__sinch_money_json(const char *currency, int64_t minor_units)
{
	char amount[NUMBERING_MONEY_BUFSIZE];
	if (numbering_money_format(amount, sizeof(amount), currency, minor_units) != NUMBERING_OK)
		return NULL;
	return json_pack("{s:s, s:s}", "currencyCode", currency, "amount", amount);
}

int numbering__sinch_out_of_memory(void)
{
	return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory rendering the response");
}
