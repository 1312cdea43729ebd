/*
 * The JSON error body of the thread's last error. It lives in the JSON layer, which
 * reads the error through its public accessors: core knows nothing of JSON.
 */
#include <jansson.h>

#include "core/error.h"
#include "json/json.h"
#include "numbering/errors.h"

/* The BadRequest detail listing the field violations, tagged both ways clients look for
 * it: "type" as the Sinch numbers API documents it, "@type" as google.rpc's JSON form. */
static json_t *bad_request_detail(void)
{
	json_t *violations = json_array();
	json_t *detail = json_pack("{s:s, s:s, s:o}", "@type", "type.googleapis.com/google.rpc.BadRequest", "type",
	                           "BadRequest", "fieldViolations", violations);
	if (detail == NULL)
		return NULL;
	for (int i = 0; i < numbering_error_violation_count(); i++) {
		json_t *v = json_pack("{s:s, s:s}", "field", numbering_error_violation_field(i), "description",
		                      numbering_error_violation_description(i));
		if (v == NULL || json_array_append_new(violations, v) != 0) {
			json_decref(detail);
			return NULL;
		}
	}
	return detail;
}

int numbering_error_json(char **out)
{
	if (out == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "out", "numbering_error_json: out is NULL");
	*out = NULL;
	int code = numbering_error_code();
	json_t *details = json_array();
	if (details != NULL && numbering_error_violation_count() > 0) {
		json_t *detail = bad_request_detail();
		if (detail == NULL || json_array_append_new(details, detail) != 0) {
			json_decref(details);
			details = NULL;
		}
	}
	json_t *body = details == NULL ? NULL
	                               : json_pack("{s:{s:i, s:s, s:s, s:o}}", "error", "code", numbering_status_http(code),
	                                           "status", numbering_status_name(code), "message",
	                                           numbering_error_message(), "details", details);
	if (body == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory rendering the error body");
	int rc = numbering__json_dump(out, body);
	json_decref(body);
	return rc;
}
