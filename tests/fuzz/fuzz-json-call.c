/*
 * fuzz-json-call: the JSON entry point, numbering_store_call_json().
 *
 * Input: one or more calls separated by NUL bytes. In each call the first byte picks
 * the method and the caller, the rest is the request JSON:
 *   'A' Create  'B' Get  'C' List  'D' Update  'E' Delete  'F' Move  'G' SplitRange
 *   'H' Activate  'I' Suspend  'J' Resume  'K' ResolvePhoneNumber
 * and the Sinch seed's methods and the host's operations (docs/SINCH.md):
 *   'L' ListAvailableNumbers  'M' GetAvailableNumber  'N' ListAvailableRegions
 *   'O' ImportAvailableNumbers  'P' RemoveAvailableNumbers  'Q' RentNumber
 *   'R' RentAnyNumber  'S' ListActiveNumbers  'T' GetActiveNumber
 *   'U' UpdateActiveNumber  'V' ReleaseNumber  'W' GetCallbackConfiguration
 *   'X' UpdateCallbackConfiguration  'Y' ClaimProvisioningTasks  'Z' CompleteProvisioningTask
 * An upper-case letter calls as the trusted host (no caller, every call allowed); the
 * lower-case letter calls as "user:bob", checked by the built-in policy (viewer on
 * projects/p1, resolve everywhere). '!' reopens the store empty, with manual
 * provisioning when the next byte is 'm' (else immediate, the default), so the
 * provisioning tasks of ClaimProvisioningTasks exist; '@' moves the fake clock a day on
 * (tasks are due after their create time, releases at the next charge date). Any other
 * byte picks a method by its value, as the trusted host.
 *
 * Methods past the 26 letters (issue 13's and later: the table only grows at its end)
 * are reached by name, so a seed keeps its meaning whatever is appended after it:
 * '#' then the method name, a space and the request calls as the trusted host; '$'
 * the same as "user:bob" ("#ListPhoneNumberPricing {}"). A name no method has is
 * called as it is (UNIMPLEMENTED, which is a response too).
 *
 * Every call goes to ONE memory store that lives across inputs, so libFuzzer explores
 * sequences of calls: creates followed by splits, moves, deletes, lists. The store
 * has a fake clock (fixed but for '@'), a default region (AU), regulatory requirements and an event
 * sink; its random source is deterministic (fuzz.h). It is reopened every RESET_EVERY
 * inputs so memory stays bounded. An input that crashes only after others is replayed
 * with the corpus (replay-main.c feeds files in name order to the same store); a
 * regression input should hold the whole sequence of calls it needs.
 *
 * NUMBERING_FUZZ_VERBOSE=1 in the environment prints each call and its response.
 *
 * Properties: every call gives a response, the error body or the result, that is a
 * JSON object; an error body carries an "error" object.
 */
#include <jansson.h>
#include <numbering/numbering.h>

#include "fuzz.h"

#define RESET_EVERY 5000
#define FAKE_NOW INT64_C(1767225600000000000) /* 2026-01-01T00:00:00Z */

static const char *const methods[] = {
	"CreatePhoneNumberInstance", "GetPhoneNumberInstance",      "ListPhoneNumberInstances",
	"UpdatePhoneNumberInstance", "DeletePhoneNumberInstance",   "MovePhoneNumberInstance",
	"SplitRange",                "ActivatePhoneNumberInstance", "SuspendPhoneNumberInstance",
	"ResumePhoneNumberInstance", "ResolvePhoneNumber",
	"NumberService_ListAvailableNumbers", "NumberService_GetAvailableNumber", "NumberService_ListAvailableRegions",
	"ImportAvailableNumbers",    "RemoveAvailableNumbers",      "NumberService_RentNumber",
	"NumberService_RentAnyNumber", "NumberService_ListActiveNumbers", "NumberService_GetActiveNumber",
	"NumberService_UpdateActiveNumber", "NumberService_ReleaseNumber", "GetCallbackConfiguration",
	"UpdateCallbackConfiguration", "ClaimProvisioningTasks",    "CompleteProvisioningTask",
	"ListPhoneNumberPricing",
};
#define METHOD_COUNT (sizeof(methods) / sizeof(methods[0]))

static const char policy_json[] =
        "{\"bindings\":["
        "{\"project\":\"projects/p1\",\"members\":[\"user:bob\"],\"roles\":[\"roles/numbering.viewer\"]},"
        "{\"project\":\"*\",\"members\":[\"allUsers\"],\"permissions\":[\"numbering.phoneNumberInstances.resolve\"]}"
        "]}";

static numbering_store *store;
static numbering_policy *policy;
static unsigned long inputs;

#define DAY INT64_C(86400000000000)

/* FAKE_NOW when the store opens; '@' calls move it on. */
static int64_t now = FAKE_NOW;

static int64_t fake_clock(void *payload)
{
	(void)payload;
	return now;
}

static int authorize(const char *caller, const char *permission, const char *project, void *payload)
{
	if (caller == NULL)
		return 1;
	return numbering_policy_authorize(caller, permission, project, payload);
}

static void event_sink(const char *event_json, void *payload)
{
	(void)payload;
	json_error_t error;
	json_t *event = json_loads(event_json, 0, &error);
	FUZZ_CHECK(event != NULL && json_is_object(event));
	json_decref(event);
}

static void open_store(int provisioning)
{
	numbering_store_close(store);
	store = NULL;
	now = FAKE_NOW;
	fuzz_random_install();
	fuzz_random_reset();
	if (policy == NULL && numbering_policy_parse(&policy, policy_json) != NUMBERING_OK)
		abort();
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.clock = fake_clock;
	options.authorizer = authorize;
	options.authorizer_payload = policy;
	options.event_sink = event_sink;
	options.default_region = "AU";
	options.regulatory_requirements = "AU:*,DE:MOBILE";
	options.provisioning = provisioning;
	if (numbering_store_open(&store, &options) != NUMBERING_OK)
		abort();
}

static void call(const uint8_t *data, size_t size)
{
	if (size == 0)
		return;
	uint8_t c = data[0];
	const char *method, *caller = NULL;
	if (c == '!') {
		open_store(size > 1 && data[1] == 'm' ? NUMBERING_PROVISIONING_MANUAL : NUMBERING_PROVISIONING_IMMEDIATE);
		return;
	}
	if (c == '@') {
		if (now < FAKE_NOW + 1000 * DAY)
			now += DAY;
		return;
	}
	char name[64];
	size_t skip = 1; /* the selector's bytes */
	if ((c == '#' || c == '$')) {
		const uint8_t *space = memchr(data + 1, ' ', size - 1);
		size_t len = space == NULL ? size - 1 : (size_t)(space - data - 1);
		if (len >= sizeof(name))
			len = sizeof(name) - 1;
		memcpy(name, data + 1, len);
		name[len] = '\0';
		method = name;
		caller = c == '$' ? "user:bob" : NULL;
		skip = space == NULL ? size : (size_t)(space - data) + 1;
	} else if (c >= 'A' && c <= 'Z' && c - 'A' < (int)METHOD_COUNT) {
		method = methods[c - 'A'];
	} else if (c >= 'a' && c <= 'z' && c - 'a' < (int)METHOD_COUNT) {
		method = methods[c - 'a'];
		caller = "user:bob";
	} else {
		method = methods[c % METHOD_COUNT];
	}
	char *request = fuzz_string(data + skip, size - skip);
	if (request == NULL)
		return;
	char *response = NULL;
	int rc = numbering_store_call_json(&response, store, caller, method, request);
	FUZZ_CHECK(response != NULL);
	if (getenv("NUMBERING_FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "%s %s %s\n  -> %d %s\n", caller ? caller : "(host)", method, request, rc, response);
	json_error_t error;
	json_t *body = json_loads(response, 0, &error);
	FUZZ_CHECK(body != NULL && json_is_object(body));
	if (rc != NUMBERING_OK)
		FUZZ_CHECK(json_is_object(json_object_get(body, "error")));
	json_decref(body);
	numbering_free(response);
	free(request);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (store == NULL || ++inputs % RESET_EVERY == 0)
		open_store(NUMBERING_PROVISIONING_IMMEDIATE);
	while (size > 0) {
		const uint8_t *nul = memchr(data, 0, size);
		size_t len = nul ? (size_t)(nul - data) : size;
		call(data, len);
		data += len, size -= len;
		if (size > 0)
			data++, size--;
	}
	return 0;
}
