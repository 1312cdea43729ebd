/*
 * Reservations on the JSON entry point (numbering/reservation.h; docs/JSON-API.md,
 * docs/RESERVATIONS.md). A Reservation is {name, phoneNumbers, expireTime}, the time
 * RFC 3339 like every time of this API; a ttl is a duration string as Google APIs
 * write google.protobuf.Duration: seconds with up to nine fraction digits and an "s"
 * ("900s", "90.5s"). Every bad value is INVALID_ARGUMENT naming its JSON path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "json/json.h"
#include "json/reservation-json.h"
#include "json/sinch-common.h"
#include "model/validate.h"
#include "numbering/reservation.h"

#define NS INT64_C(1000000000)

/* A failure of the C call naming @from: named @to instead ("projectId" is "parent" here). */
static int renamed(int rc, const char *from, const char *to)
{
	if (rc != NUMBERING_INVALID_ARGUMENT || numbering_error_violation_count() == 0 ||
	    strcmp(numbering_error_violation_field(0), from) != 0)
		return rc;
	char message[512];
	snprintf(message, sizeof(message), "%s", numbering_error_message());
	size_t n = strlen(from);
	if (strncmp(message, from, n) == 0)
		return numbering__error_field(rc, to, "%s%s", to, message + n);
	return numbering__error_field(rc, to, "%s: %s", to, message);
}

/* A duration "900s" into ns: 1 .. 86400 s. */
static int read_ttl(int64_t *out, json_t *value)
{
	const char *text = NULL;
	int rc = numbering__json_string(&text, value, "ttl");
	if (rc != NUMBERING_OK || text == NULL)
		return rc;
	size_t len = strlen(text), i = 0;
	int negative = text[0] == '-';
	i = negative;
	size_t whole = strspn(text + i, "0123456789");
	int64_t seconds = 0, nanos = 0;
	int ok = whole >= 1 && whole <= 11;
	for (size_t k = 0; ok && k < whole; k++)
		seconds = seconds * 10 + (text[i + k] - '0');
	i += whole;
	if (ok && text[i] == '.') {
		size_t frac = strspn(text + i + 1, "0123456789");
		ok = frac >= 1 && frac <= 9;
		for (size_t k = 0; k < 9; k++)
			nanos = nanos * 10 + (k < frac ? text[i + 1 + k] - '0' : 0);
		i += 1 + frac;
	}
	ok = ok && i + 1 == len && text[i] == 's';
	if (!ok)
		return numbering__sinch_invalid("ttl", "is not a duration: seconds and an 's', like \"900s\"", text);
	int64_t ns = seconds > NUMBERING_RESERVATION_TTL_MAX / NS + 1 ? NUMBERING_RESERVATION_TTL_MAX + 1
	                                                               : seconds * NS + nanos;
	if (negative || ns <= 0 || ns > NUMBERING_RESERVATION_TTL_MAX)
		return numbering__sinch_invalid("ttl", "is not more than 0s and at most 86400s (24 hours)", text);
	*out = ns;
	return NUMBERING_OK;
}

static int read_criteria(numbering_available_query *query, int *count, json_t *value)
{
	enum { REGION, TYPE, PATTERN, CAPABILITIES, COUNT, N };
	static const struct numbering__json_field fields[N] = {
		[REGION] = {"regionCode", "regionCode"},         [TYPE] = {"type", "type"},
		[PATTERN] = {"numberPattern", "numberPattern"}, [CAPABILITIES] = {"capabilities", "capabilities"},
		[COUNT] = {"count", "count"},
	};
	json_t *f[N];
	int32_t n = 0;
	int rc = numbering__json_object(value, "criteria");
	if (rc == NUMBERING_OK)
		rc = numbering__json_fields(f, value, fields, N, "criteria");
	if (rc == NUMBERING_OK)
		rc = numbering__json_string(&query->region_code, f[REGION], "criteria.regionCode");
	if (rc == NUMBERING_OK)
		rc = numbering__sinch_read_type(&query->type, f[TYPE], "criteria.type");
	if (rc == NUMBERING_OK && f[PATTERN] != NULL) {
		rc = numbering__sinch_read_pattern(&query->pattern, &query->search_pattern, f[PATTERN]);
		if (rc != NUMBERING_OK && numbering_error_violation_count() > 0) {
			char field[NUMBERING__JSON_PATH_SIZE];
			snprintf(field, sizeof(field), "criteria.%s", numbering_error_violation_field(0));
			rc = renamed(rc, numbering_error_violation_field(0), field);
		}
	}
	if (rc == NUMBERING_OK)
		rc = numbering__sinch_read_capabilities(&query->capabilities, f[CAPABILITIES], "criteria.capabilities");
	if (rc == NUMBERING_OK)
		rc = numbering__json_int32(&n, f[COUNT], "criteria.count");
	*count = n;
	return rc;
}

static json_t *reservation_json(const numbering_reservation *r)
{
	char expire[40];
	numbering__format_time(expire, numbering_reservation_expire_time(r));
	json_t *numbers = json_array();
	for (int i = 0; numbers != NULL && i < numbering_reservation_phone_number_count(r); i++)
		if (json_array_append_new(numbers, json_string(numbering_reservation_phone_number(r, i))) != 0) {
			json_decref(numbers);
			numbers = NULL;
		}
	if (numbers == NULL)
		return NULL;
	return json_pack("{s:s, s:o, s:s}", "name", numbering_reservation_name(r), "phoneNumbers", numbers,
	                 "expireTime", expire);
}

static int answer(json_t **result, int rc, numbering_reservation *r)
{
	if (rc == NUMBERING_OK && (*result = reservation_json(r)) == NULL)
		rc = numbering__sinch_out_of_memory();
	numbering_reservation_free(r);
	return rc;
}

int numbering__json_reserve_available_numbers(json_t **result, numbering_store *store, const char *caller,
                                              json_t *request)
{
	enum { PARENT, NUMBERS, CRITERIA, TTL, N };
	static const struct numbering__json_field fields[N] = {
		[PARENT] = {"parent", "parent"},
		[NUMBERS] = {"phoneNumbers", "phoneNumbers"},
		[CRITERIA] = {"criteria", "criteria"},
		[TTL] = {"ttl", "ttl"},
	};
	json_t *f[N];
	const char *parent = "";
	numbering_available_query query = NUMBERING_AVAILABLE_QUERY_INIT;
	numbering_reservation_request q = NUMBERING_RESERVATION_REQUEST_INIT;
	const char **numbers = NULL;
	int rc = numbering__json_fields(f, request, fields, N, "");
	if (rc == NUMBERING_OK)
		rc = numbering__json_string(&parent, f[PARENT], "parent");
	if (rc == NUMBERING_OK) {
		size_t count = 0;
		rc = numbering__sinch_read_phone_numbers(&numbers, &count, f[NUMBERS]);
		q.phone_numbers = numbers;
		q.phone_number_count = (int)count; /* under 1 MB of JSON */
	}
	if (rc == NUMBERING_OK && f[CRITERIA] != NULL) {
		rc = read_criteria(&query, &q.count, f[CRITERIA]);
		q.criteria = &query;
	}
	if (rc == NUMBERING_OK)
		rc = read_ttl(&q.ttl, f[TTL]);
	numbering_reservation *r = NULL;
	if (rc == NUMBERING_OK)
		rc = renamed(numbering_store_reserve_available(&r, store, caller, parent, &q), "projectId", "parent");
	numbering__free_mem(numbers);
	return answer(result, rc, r);
}

static int read_name(const char **name, json_t *request)
{
	static const struct numbering__json_field fields[1] = {{"name", "name"}};
	json_t *f[1];
	int rc = numbering__json_fields(f, request, fields, 1, "");
	return rc == NUMBERING_OK ? numbering__json_string(name, f[0], "name") : rc;
}

int numbering__json_get_reservation(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	const char *name = "";
	numbering_reservation *r = NULL;
	int rc = read_name(&name, request);
	if (rc == NUMBERING_OK)
		rc = numbering_store_get_reservation(&r, store, caller, name);
	return answer(result, rc, r);
}

int numbering__json_delete_reservation(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	const char *name = "";
	int rc = read_name(&name, request);
	if (rc == NUMBERING_OK)
		rc = numbering_store_delete_reservation(store, caller, name);
	if (rc == NUMBERING_OK && (*result = json_object()) == NULL)
		rc = numbering__sinch_out_of_memory();
	return rc;
}

int numbering__json_list_reservations(json_t **result, numbering_store *store, const char *caller, json_t *request)
{
	enum { PARENT, SIZE, TOKEN, N };
	static const struct numbering__json_field fields[N] = {
		[PARENT] = {"parent", "parent"},
		[SIZE] = {"pageSize", "pageSize"},
		[TOKEN] = {"pageToken", "pageToken"},
	};
	json_t *f[N];
	const char *parent = "", *token = NULL;
	int32_t size = 0;
	int rc = numbering__json_fields(f, request, fields, N, "");
	if (rc == NUMBERING_OK)
		rc = numbering__json_string(&parent, f[PARENT], "parent");
	if (rc == NUMBERING_OK)
		rc = numbering__json_int32(&size, f[SIZE], "pageSize");
	if (rc == NUMBERING_OK)
		rc = numbering__json_string(&token, f[TOKEN], "pageToken");
	numbering_reservation_page *page = NULL;
	if (rc == NUMBERING_OK)
		rc = renamed(numbering_store_list_reservations(&page, store, caller, parent, size, token), "projectId",
		             "parent");
	json_t *items = rc == NUMBERING_OK ? json_array() : NULL;
	for (int i = 0; items != NULL && i < numbering_reservation_page_count(page); i++)
		if (json_array_append_new(items, reservation_json(numbering_reservation_page_item(page, i))) != 0) {
			json_decref(items);
			items = NULL;
		}
	if (rc == NUMBERING_OK &&
	    (items == NULL || (*result = json_pack("{s:o, s:s}", "reservations", items, "nextPageToken",
	                                           numbering_reservation_page_next_token(page))) == NULL))
		rc = numbering__sinch_out_of_memory();
	numbering_reservation_page_free(page);
	return rc;
}
