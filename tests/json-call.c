#include "json-call.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

int json_call_v(json_t **out, numbering_store *store, const char *method, const char *fmt, va_list ap)
{
	char request[4096];
	vsnprintf(request, sizeof(request), fmt, ap);
	char *response = NULL;
	int rc = numbering_store_call_json(&response, store, NULL, method, request);
	*out = NULL;
	if (rc == NUMBERING_OK) {
		json_error_t e;
		*out = json_loads(response, 0, &e);
		ck_assert_msg(*out != NULL, "%s: %s", method, response);
	}
	numbering_free(response);
	return rc;
}

json_t *json_call_ok(numbering_store *store, const char *method, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	json_t *out = NULL;
	int rc = json_call_v(&out, store, method, fmt, ap);
	va_end(ap);
	ck_assert_msg(rc == NUMBERING_OK, "%s %s: %s", method, fmt, numbering_error_message());
	return out;
}

void json_call_refused(numbering_store *store, int code, const char *field, const char *method, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	json_t *out = NULL;
	int rc = json_call_v(&out, store, method, fmt, ap);
	va_end(ap);
	json_decref(out);
	ck_assert_msg(rc == code, "%s %s: got %s (%s), want %s", method, fmt, numbering_status_name(rc),
	              numbering_error_message(), numbering_status_name(code));
	int named = 0;
	for (int i = 0; i < numbering_error_violation_count(); i++)
		named |= strcmp(numbering_error_violation_field(i), field) == 0;
	ck_assert_msg(named, "%s %s: %s does not name %s", method, fmt, numbering_error_message(), field);
}

int json_call_keep(char **response, json_t **parsed, numbering_store *store, const char *method, const char *request)
{
	json_call_forget(response, parsed);
	int rc = numbering_store_call_json(response, store, NULL, method, request);
	ck_assert_ptr_nonnull(*response);
	json_error_t error;
	*parsed = json_loads(*response, 0, &error);
	ck_assert_msg(*parsed != NULL, "response is not JSON: %s", *response);
	return rc;
}

void json_call_forget(char **response, json_t **parsed)
{
	numbering_free(*response);
	json_decref(*parsed);
	*response = NULL;
	*parsed = NULL;
}

int json_error_names_field(json_t *body, const char *field)
{
	json_t *error = json_object_get(body, "error");
	json_t *violations = json_object_get(json_array_get(json_object_get(error, "details"), 0), "fieldViolations");
	size_t i;
	json_t *v;
	json_array_foreach(violations, i, v) {
		const char *named = json_string_value(json_object_get(v, "field"));
		if (named != NULL && strcmp(named, field) == 0)
			return 1;
	}
	return 0;
}
