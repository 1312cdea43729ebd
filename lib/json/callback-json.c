/*
 * The CallbackPayload body (the Sinch Numbers seed's "Numbers Callbacks"), rendered
 * compactly with the members in the seed's order, ready to sign and send.
 */
#include <jansson.h>

#include "core/error.h"
#include "json/json.h"
#include "model/callback.h"

/* The seed's one resourceType: a number already active in the project. */
#define RESOURCE_TYPE "ACTIVE_NUMBER"

int numbering_callback_payload_json(char **out, const char *event_id, int64_t timestamp_ns, const char *project_id,
                                    const char *resource_id, int event_type, int status, int failure_code)
{
	if (out == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "out",
		                              "numbering_callback_payload_json: out is NULL");
	*out = NULL;
	int rc = numbering__callback_check(event_id, timestamp_ns, project_id, resource_id, event_type, status,
	                                   failure_code);
	if (rc != NUMBERING_OK)
		return rc;
	char timestamp[NUMBERING__CALLBACK_TIME_SIZE];
	numbering__callback_format_time(timestamp, timestamp_ns);
	/* Every string was checked to be ASCII, so jansson refuses none of them: NULL is
	 * out of memory. */
	json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "eventId", event_id, "timestamp", timestamp,
	                         "projectId", project_id, "resourceId", resource_id, "resourceType", RESOURCE_TYPE,
	                         "eventType", numbering_callback_event_type_name(event_type), "status",
	                         numbering_callback_status_name(status));
	if (body != NULL && failure_code != NUMBERING_CALLBACK_FAILURE_NONE &&
	    json_object_set_new(body, "failureCode", json_string(numbering_callback_failure_code_name(failure_code))) !=
	        0) {
		json_decref(body);
		body = NULL;
	}
	if (body == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory rendering a callback payload");
	rc = numbering__json_dump(out, body);
	json_decref(body);
	return rc;
}
