/*
 * Signed callbacks: the X-Sinch-Signature (HMAC-SHA1 of the body, Nettle's, as 40
 * lowercase hex digits), its constant-time verification, the names of the
 * CallbackPayload enums (model/callback-list.h) and the checks of a payload's fields.
 */
#include <stdio.h>
#include <string.h>

#include <nettle/hmac.h>
#include <nettle/memops.h>
#include <nettle/sha1.h>
#include <nettle/version.h>
#include <sodium.h>

#include "core/error.h"
#include "e164/number.h"
#include "model/callback.h"
#include "model/validate.h"

#define SIGNATURE_FIELD NUMBERING_CALLBACK_SIGNATURE_HEADER
#define SECRET_FIELD "hmacSecret"
#define EVENT_ID_MAX 128
#define PROJECT_ID_MAX 63
#define NS_PER_SEC 1000000000LL

_Static_assert(SHA1_DIGEST_SIZE == NUMBERING_CALLBACK_MAC_SIZE, "HMAC-SHA1 gives 20 bytes");
_Static_assert(NUMBERING_CALLBACK_SIGNATURE_LENGTH == 2 * NUMBERING_CALLBACK_MAC_SIZE &&
                   NUMBERING_CALLBACK_SIGNATURE_BUFSIZE == NUMBERING_CALLBACK_SIGNATURE_LENGTH + 1,
               "two hex digits per MAC byte, and a NUL");

/* The names, indexed by the public constants (0 is no value). */
static const char *const event_names[] = {
#define NUMBERING__CALLBACK_EVENT(name) [NUMBERING_CALLBACK_EVENT_##name] = #name,
#include "model/callback-list.h"
};
static const char *const status_names[] = {
#define NUMBERING__CALLBACK_STATUS(name) [NUMBERING_CALLBACK_STATUS_##name] = #name,
#include "model/callback-list.h"
};
static const char *const failure_names[] = {
#define NUMBERING__CALLBACK_FAILURE(name) [NUMBERING_CALLBACK_FAILURE_##name] = #name,
#include "model/callback-list.h"
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))
_Static_assert(COUNT(event_names) == NUMBERING_CALLBACK_EVENT_DEPROVISIONING_TO_VOICE_PLATFORM + 1,
               "every event type of the public enum is in the list");
_Static_assert(COUNT(status_names) == NUMBERING_CALLBACK_STATUS_FAILED + 1,
               "every status of the public enum is in the list");
_Static_assert(COUNT(failure_names) == NUMBERING_CALLBACK_FAILURE_INVALID_NNID + 1,
               "every failure code of the public enum is in the list");

const char *numbering_callback_event_type_name(int event_type)
{
	return event_type > 0 && event_type < COUNT(event_names) ? event_names[event_type] : NULL;
}

const char *numbering_callback_status_name(int status)
{
	return status > 0 && status < COUNT(status_names) ? status_names[status] : NULL;
}

const char *numbering_callback_failure_code_name(int failure_code)
{
	return failure_code > 0 && failure_code < COUNT(failure_names) ? failure_names[failure_code] : NULL;
}

/* The arguments sign and verify share. */
static int check_key_and_body(const char *secret, size_t secret_len, const void *body, size_t body_len,
                              const char *fn)
{
	if (secret == NULL || secret_len == 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, SECRET_FIELD,
		                              "%s: the hmacSecret is %s; an empty key authenticates nothing, so a project "
		                              "without a secret sends unsigned callbacks",
		                              fn, secret == NULL ? "NULL" : "empty");
	if (body == NULL && body_len > 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "body", "%s: body is NULL but body_len is %zu",
		                              fn, body_len);
	return NUMBERING_OK;
}

/* HMAC-SHA1; the key schedule (derived from the secret) is wiped after use. */
static void hmac_sha1(uint8_t mac[SHA1_DIGEST_SIZE], const char *secret, size_t secret_len, const void *body,
                      size_t body_len)
{
	struct hmac_sha1_ctx ctx;
	hmac_sha1_set_key(&ctx, secret_len, (const uint8_t *)secret);
	if (body_len > 0)
		hmac_sha1_update(&ctx, body_len, (const uint8_t *)body);
#if NETTLE_VERSION_MAJOR >= 4
	hmac_sha1_digest(&ctx, mac);
#else
	hmac_sha1_digest(&ctx, SHA1_DIGEST_SIZE, mac);
#endif
	sodium_memzero(&ctx, sizeof(ctx));
}

int numbering_callback_sign(char *out, size_t outsize, const char *secret, size_t secret_len, const void *body,
                            size_t body_len)
{
	static const char hex[] = "0123456789abcdef";
	if (out == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "out", "numbering_callback_sign: out is NULL");
	if (outsize > 0)
		out[0] = '\0';
	if (outsize < NUMBERING_CALLBACK_SIGNATURE_BUFSIZE)
		return numbering__error_field(NUMBERING_OUT_OF_RANGE, "outsize",
		                              "numbering_callback_sign: outsize is %zu; a signature needs %d bytes "
		                              "(NUMBERING_CALLBACK_SIGNATURE_BUFSIZE)",
		                              outsize, NUMBERING_CALLBACK_SIGNATURE_BUFSIZE);
	int rc = check_key_and_body(secret, secret_len, body, body_len, "numbering_callback_sign");
	if (rc != NUMBERING_OK)
		return rc;
	uint8_t mac[SHA1_DIGEST_SIZE];
	hmac_sha1(mac, secret, secret_len, body, body_len);
	for (size_t i = 0; i < sizeof(mac); i++) {
		out[2 * i] = hex[mac[i] >> 4];
		out[2 * i + 1] = hex[mac[i] & 15];
	}
	out[NUMBERING_CALLBACK_SIGNATURE_LENGTH] = '\0';
	sodium_memzero(mac, sizeof(mac));
	return NUMBERING_OK;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int numbering_callback_verify(const char *secret, size_t secret_len, const void *body, size_t body_len,
                              const char *header)
{
	int rc = check_key_and_body(secret, secret_len, body, body_len, "numbering_callback_verify");
	if (rc != NUMBERING_OK)
		return rc;
	if (header == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, SIGNATURE_FIELD,
		                              SIGNATURE_FIELD " is missing: a signed callback carries the HMAC-SHA1 of "
		                                              "its body as 40 lowercase hex digits");
	char quoted[NUMBERING__QUOTE_SIZE];
	/* The header is the sender's, not a secret: decoding it need not be constant-time. */
	size_t len = strnlen(header, NUMBERING_CALLBACK_SIGNATURE_LENGTH + 1);
	if (len != NUMBERING_CALLBACK_SIGNATURE_LENGTH) {
		size_t full = len > NUMBERING_CALLBACK_SIGNATURE_LENGTH ? strlen(header) : len;
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, SIGNATURE_FIELD,
		                              SIGNATURE_FIELD " \"%s\" has %zu characters; it must be 40 lowercase hex "
		                                              "digits (the HMAC-SHA1 of the body)",
		                              numbering__quote(quoted, header, full), full);
	}
	uint8_t given[SHA1_DIGEST_SIZE];
	for (size_t i = 0; i < NUMBERING_CALLBACK_SIGNATURE_LENGTH; i++) {
		int v = hex_value(header[i]);
		if (v < 0) {
			char c[NUMBERING__QUOTE_SIZE];
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, SIGNATURE_FIELD,
			                              SIGNATURE_FIELD " \"%s\" holds '%s' at offset %zu; it must be 40 "
			                                              "lowercase hex digits (0-9, a-f)",
			                              numbering__quote(quoted, header, len), numbering__quote(c, header + i, 1),
			                              i);
		}
		if (i % 2 == 0)
			given[i / 2] = (uint8_t)(v << 4);
		else
			given[i / 2] |= (uint8_t)v;
	}
	uint8_t expected[SHA1_DIGEST_SIZE];
	hmac_sha1(expected, secret, secret_len, body, body_len);
	int equal = memeql_sec(expected, given, sizeof(expected));
	sodium_memzero(expected, sizeof(expected));
	if (!equal)
		return numbering__error_field(NUMBERING_UNAUTHENTICATED, SIGNATURE_FIELD,
		                              SIGNATURE_FIELD " does not match the HMAC-SHA1 of the body under the "
		                                              "hmacSecret: the body was altered or signed with another "
		                                              "secret; refuse the callback");
	return NUMBERING_OK;
}

/* The seed's CallbackPayload timestamp ("2023-06-06T07:45:27.785357"): the whole
 * seconds through the library's RFC 3339 writer, then the microseconds by hand. */
void numbering__callback_format_time(char buf[NUMBERING__CALLBACK_TIME_SIZE], int64_t ns)
{
	int64_t frac = ns % NS_PER_SEC;
	if (frac < 0)
		frac += NS_PER_SEC;
	/* ns - frac stays in range: NUMBERING__TIME_MIN is a whole second. */
	char full[40];
	numbering__format_time(full, ns - frac); /* "YYYY-MM-DDTHH:MM:SSZ": four-digit years */
	memcpy(buf, full, 19);
	int micros = (int)(frac / 1000);
	buf[19] = '.';
	for (int i = 25; i >= 20; i--) {
		buf[i] = (char)('0' + micros % 10);
		micros /= 10;
	}
	buf[26] = '\0';
}

static int check_event_id(const char *id)
{
	if (id == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "eventId", "eventId is required");
	char quoted[NUMBERING__QUOTE_SIZE];
	size_t len = strnlen(id, EVENT_ID_MAX + 1);
	if (len == 0 || len > EVENT_ID_MAX)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "eventId",
		                              "eventId \"%s\" must be 1 to %d characters", numbering__quote(quoted, id, len),
		                              EVENT_ID_MAX);
	for (size_t i = 0; i < len; i++)
		if (id[i] < 0x21 || id[i] > 0x7e || id[i] == '"' || id[i] == '\\')
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "eventId",
			                              "eventId \"%s\" holds a character other than printable ASCII "
			                              "(no space, '\"' or '\\') at offset %zu",
			                              numbering__quote(quoted, id, len), i);
	return NUMBERING_OK;
}

static int check_project_id(const char *id)
{
	if (id == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "projectId", "projectId is required");
	char quoted[NUMBERING__QUOTE_SIZE];
	size_t len = strnlen(id, PROJECT_ID_MAX + 1);
	int ok = len > 0 && len <= PROJECT_ID_MAX;
	for (size_t i = 0; ok && i < len; i++)
		ok = (id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9') || id[i] == '-';
	if (!ok)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "projectId",
		                              "projectId \"%s\" is not a project id: 1 to 63 of a-z, 0-9 and '-'",
		                              numbering__quote(quoted, id, len > PROJECT_ID_MAX ? strlen(id) : len));
	return NUMBERING_OK;
}

static int check_resource_id(const char *id)
{
	if (id == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "resourceId",
		                              "resourceId is required: the number, in E.164 form such as +12025550134");
	char quoted[NUMBERING__QUOTE_SIZE];
	struct numbering_number number;
	if (numbering_e164_parse(&number, id, NULL) != NUMBERING_OK) {
		char why[256];
		snprintf(why, sizeof(why), "%s", numbering_error_message());
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "resourceId",
		                              "resourceId \"%s\" is not a number in E.164 form: %s",
		                              numbering__quote(quoted, id, strlen(id)), why);
	}
	if (strcmp(numbering_number_e164(&number), id) != 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "resourceId",
		                              "resourceId \"%s\" must be written in E.164 form, %s",
		                              numbering__quote(quoted, id, strlen(id)), numbering_number_e164(&number));
	return NUMBERING_OK;
}

int numbering__callback_check(const char *event_id, int64_t timestamp_ns, const char *project_id,
                              const char *resource_id, int event_type, int status, int failure_code)
{
	int rc = check_event_id(event_id);
	if (rc == NUMBERING_OK && !numbering__time_in_range(timestamp_ns))
		rc = numbering__error_field(NUMBERING_INVALID_ARGUMENT, "timestamp",
		                            "timestamp %lld ns since 1970 is outside the years 1678 to 2261 (UTC) the "
		                            "library records",
		                            (long long)timestamp_ns);
	if (rc == NUMBERING_OK)
		rc = check_project_id(project_id);
	if (rc == NUMBERING_OK)
		rc = check_resource_id(resource_id);
	if (rc != NUMBERING_OK)
		return rc;
	if (numbering_callback_event_type_name(event_type) == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "eventType",
		                              "eventType %d is not one of the seed's event types (1 to %d)", event_type,
		                              COUNT(event_names) - 1);
	if (numbering_callback_status_name(status) == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "status",
		                              "status %d is not SUCCEEDED (1) or FAILED (2)", status);
	if (failure_code == NUMBERING_CALLBACK_FAILURE_NONE)
		return NUMBERING_OK;
	const char *code = numbering_callback_failure_code_name(failure_code);
	if (code == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "failureCode",
		                              "failureCode %d is not one of the seed's failure codes (0 for none, 1 to %d)",
		                              failure_code, COUNT(failure_names) - 1);
	if (status != NUMBERING_CALLBACK_STATUS_FAILED)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "failureCode",
		                              "failureCode %s is given with status %s: only a FAILED event has one", code,
		                              numbering_callback_status_name(status));
	if (event_type == NUMBERING_CALLBACK_EVENT_PROVISIONING_TO_SMS_PLATFORM)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "failureCode",
		                              "failureCode %s is given with eventType PROVISIONING_TO_SMS_PLATFORM, "
		                              "whose failures carry no code (the seed: the result is binary)",
		                              code);
	return NUMBERING_OK;
}
