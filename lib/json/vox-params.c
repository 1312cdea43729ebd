/* The Voximplant seed's parameter readers and output forms (json/vox-params.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/error.h"
#include "json/json.h"
#include "json/vox-params.h"
#include "model/validate.h"
#include "numbering/money.h"

/* ---- Errors ---- */

int numbering__vox_required(const char *name)
{
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, name, "%s is required", name);
}

int numbering__vox_invalid(const char *name, const char *value, size_t len, const char *why)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, name, "%s \"%s\" %s", name,
	                              numbering__quote(quoted, value, len), why);
}

static int wrong_type(const json_t *value, const char *name, const char *want)
{
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, name, "%s must be %s, not %s", name, want,
	                              numbering__json_type_name(value));
}

/* A JSON string's text, refusing one with a NUL byte inside. */
static int text_of(const char **out, size_t *len, json_t *value, const char *name)
{
	const char *text = json_string_value(value);
	size_t n = json_string_length(value);
	if (strlen(text) != n)
		return numbering__vox_invalid(name, text, n, "holds a NUL byte");
	*out = text;
	*len = n;
	return NUMBERING_OK;
}

/* ---- The request's fields ---- */

int numbering__vox_fields(json_t **values, json_t *request, const char *const *names, size_t count)
{
	if (count > 64)
		return numbering__error_set(NUMBERING_INTERNAL, "a method with %zu parameters (64 at most)", count);
	for (size_t i = 0; i < count; i++)
		values[i] = NULL;
	if (!json_is_object(request))
		return numbering__error_set(NUMBERING_INVALID_ARGUMENT, "the request must be a JSON object, not %s",
		                            numbering__json_type_name(request));
	const char *key;
	json_t *value;
	json_object_foreach(request, key, value) {
		size_t i = 0;
		while (i < count && strcmp(key, names[i]) != 0)
			i++;
		if (i == count) {
			char quoted[NUMBERING__QUOTE_SIZE];
			numbering__quote(quoted, key, strlen(key));
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, quoted, "unknown parameter \"%s\"", quoted);
		}
		values[i] = json_is_null(value) ? NULL : value;
	}
	return NUMBERING_OK;
}

/* ---- Scalars ---- */

int numbering__vox_account(char out[NUMBERING__VOX_PROJECT_SIZE], json_t *value)
{
	static const char name[] = "account_id";
	char text[40];
	const char *id = NULL;
	size_t len = 0;
	if (value == NULL)
		return numbering__vox_required(name);
	if (json_is_integer(value)) {
		json_int_t v = json_integer_value(value);
		snprintf(text, sizeof(text), "%" JSON_INTEGER_FORMAT, v);
		if (v < 0)
			return numbering__vox_invalid(name, text, strlen(text), "is not an account id (0 or more)");
		id = text;
		len = strlen(text);
	} else if (json_is_string(value)) {
		int rc = text_of(&id, &len, value, name);
		if (rc != NUMBERING_OK)
			return rc;
	} else {
		return wrong_type(value, name, "an integer or a string");
	}
	if (len == 0)
		return numbering__vox_required(name);
	if (len > 63 || strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789-") != len)
		return numbering__vox_invalid(name, id, len, "is not an account id (1 to 63 of a-z, 0-9 and '-')");
	snprintf(out, NUMBERING__VOX_PROJECT_SIZE, "projects/%s", id);
	return NUMBERING_OK;
}

int numbering__vox_string(const char **out, json_t *value, const char *name, size_t max_bytes)
{
	if (value == NULL)
		return NUMBERING_OK;
	if (!json_is_string(value))
		return wrong_type(value, name, "a string");
	const char *text = NULL;
	size_t len = 0;
	int rc = text_of(&text, &len, value, name);
	if (rc == NUMBERING_OK)
		rc = numbering__validate_text(text, max_bytes, name);
	if (rc == NUMBERING_OK)
		*out = text;
	return rc;
}

/* One of @words (any case) at its index into *out; else INVALID_ARGUMENT: @want when
 * @value is no string, @why when it is none of them. */
static int word(int *out, json_t *value, const char *name, const char *const *words, size_t count, const char *want,
                const char *why)
{
	if (value == NULL)
		return NUMBERING_OK;
	if (!json_is_string(value))
		return wrong_type(value, name, want);
	const char *text = NULL;
	size_t len = 0;
	int rc = text_of(&text, &len, value, name);
	if (rc != NUMBERING_OK)
		return rc;
	for (size_t i = 0; i < count; i++)
		if (strcasecmp(text, words[i]) == 0) {
			*out = (int)i;
			return NUMBERING_OK;
		}
	return numbering__vox_invalid(name, text, len, why);
}

int numbering__vox_boolean(int *out, json_t *value, const char *name)
{
	static const char *const words[] = {"false", "true"}; /* at 0 and 1 */
	if (value != NULL && json_is_boolean(value)) {
		*out = json_is_true(value);
		return NUMBERING_OK;
	}
	return word(out, value, name, words, 2, "a boolean (true or false)", "is not a boolean (true or false)");
}

/* Decimal text (an optional '-' when @negative_ok, then 1 or more digits) into *v;
 * what is wrong with it otherwise. */
static const char *decimal(int64_t *v, const char *text, size_t len, int negative_ok)
{
	const char *p = text;
	int negative = 0;
	if (len > 0 && *p == '-') {
		if (!negative_ok)
			return "is not a number 0 or more";
		negative = 1;
		p++;
		len--;
	}
	if (len == 0 || strspn(p, "0123456789") != len)
		return "is not a whole decimal number";
	errno = 0;
	long long n = strtoll(text, NULL, 10);
	if (errno == ERANGE)
		return negative ? "is too small" : "is too large";
	*v = n;
	return NULL;
}

static int number_range(int64_t v, const char *name, int64_t min, int64_t max)
{
	if (v >= min && v <= max)
		return NUMBERING_OK;
	char text[32], why[96];
	snprintf(text, sizeof(text), "%lld", (long long)v);
	snprintf(why, sizeof(why), "is out of range (%lld to %lld)", (long long)min, (long long)max);
	return numbering__vox_invalid(name, text, strlen(text), why);
}

int numbering__vox_number(int64_t *out, json_t *value, const char *name, int64_t min, int64_t max)
{
	if (value == NULL)
		return NUMBERING_OK;
	int64_t v = 0;
	if (json_is_integer(value)) {
		v = json_integer_value(value);
	} else if (json_is_string(value)) {
		const char *text = NULL;
		size_t len = 0;
		int rc = text_of(&text, &len, value, name);
		if (rc != NUMBERING_OK)
			return rc;
		const char *why = decimal(&v, text, len, min < 0);
		if (why != NULL) {
			char full[96];
			snprintf(full, sizeof(full), "%s (%lld to %lld)", why, (long long)min, (long long)max);
			return numbering__vox_invalid(name, text, len, full);
		}
	} else {
		return wrong_type(value, name, "a whole number");
	}
	int rc = number_range(v, name, min, max);
	if (rc == NUMBERING_OK)
		*out = v;
	return rc;
}

int numbering__vox_count(int64_t *out, json_t *value)
{
	return numbering__vox_number(out, value, "count", 0, NUMBERING__VOX_COUNT_MAX);
}

int numbering__vox_offset(int64_t *out, json_t *value)
{
	return numbering__vox_number(out, value, "offset", 0, INT32_MAX);
}

/* @n digits at @s, or -1. */
static int digits_at(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

/* "YYYY-MM-DD[ HH:mm:ss]" (@with_time) into ns; what is wrong with it otherwise. */
static const char *calendar(int64_t *ns, const char *text, size_t len, int with_time)
{
	const char *form = with_time ? "is not a timestamp YYYY-MM-DD HH:mm:ss" : "is not a date YYYY-MM-DD";
	if (len != (with_time ? 19u : 10u) || text[4] != '-' || text[7] != '-')
		return form;
	int y = digits_at(text, 4), m = digits_at(text + 5, 2), d = digits_at(text + 8, 2);
	int hh = 0, mm = 0, ss = 0;
	if (y < 0 || m < 0 || d < 0)
		return form;
	if (with_time) {
		if (text[10] != ' ' || text[13] != ':' || text[16] != ':')
			return form;
		hh = digits_at(text + 11, 2);
		mm = digits_at(text + 14, 2);
		ss = digits_at(text + 17, 2);
		if (hh < 0 || mm < 0 || ss < 0)
			return form;
	}
	if (m < 1 || m > 12)
		return "has no month 01 to 12";
	if (y < 1 || d < 1 || d > days_in_month(y, m))
		return "is a day that does not exist";
	if (hh > 23)
		return "has no hour 00 to 23";
	if (mm > 59)
		return "has no minute 00 to 59";
	if (ss > 59)
		return "has no second 00 to 59";
	char rfc[80]; /* any int in each field: -Wformat-truncation at every level */
	snprintf(rfc, sizeof(rfc), "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, hh, mm, ss);
	if (numbering__parse_time(ns, rfc, "") != NUMBERING_OK)
		return "is outside the years 1678 to 2261";
	return NULL;
}

static int read_calendar(int64_t *out, json_t *value, const char *name, int with_time)
{
	if (value == NULL)
		return NUMBERING_OK;
	if (!json_is_string(value))
		return wrong_type(value, name, with_time ? "a string YYYY-MM-DD HH:mm:ss" : "a string YYYY-MM-DD");
	const char *text = NULL;
	size_t len = 0;
	int rc = text_of(&text, &len, value, name);
	if (rc != NUMBERING_OK)
		return rc;
	int64_t ns = 0;
	const char *why = calendar(&ns, text, len, with_time);
	if (why != NULL)
		return numbering__vox_invalid(name, text, len, why);
	*out = ns;
	return NUMBERING_OK;
}

int numbering__vox_date(int64_t *out, json_t *value, const char *name)
{
	return read_calendar(out, value, name, 0);
}

int numbering__vox_timestamp(int64_t *out, json_t *value, const char *name)
{
	return read_calendar(out, value, name, 1);
}

int numbering__vox_locale(int *out, json_t *value)
{
	static const char *const words[] = {[NUMBERING__VOX_LOCALE_EN] = "EN", [NUMBERING__VOX_LOCALE_RU] = "RU"};
	return word(out, value, "locale", words, 2, "a string", "is not a supported locale (EN or RU)");
}

int numbering__vox_sandbox(int *out, json_t *value)
{
	static const char *const words[] = {
		[NUMBERING__VOX_SANDBOX_ALL] = "all",
		[NUMBERING__VOX_SANDBOX_TRUE] = "true",
		[NUMBERING__VOX_SANDBOX_FALSE] = "false",
	};
	if (json_is_boolean(value)) {
		*out = json_is_true(value) ? NUMBERING__VOX_SANDBOX_TRUE : NUMBERING__VOX_SANDBOX_FALSE;
		return NUMBERING_OK;
	}
	return word(out, value, "sandbox", words, 3, "a string", "is not 'all', 'true' or 'false'");
}

/* ---- Lists ---- */

void numbering__vox_list_free(struct numbering__vox_list *list)
{
	if (list == NULL)
		return;
	numbering__free_mem(list->ids);
	numbering__free_mem(list->texts);
	numbering__free_mem(list->buffer);
	list->ids = NULL;
	list->texts = NULL;
	list->buffer = NULL;
	list->count = 0;
	list->all = 0;
	list->present = 0;
}

static int list_memory(const char *name)
{
	return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory reading %s", name);
}

static int too_many(const char *name, size_t count)
{
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, name, "%s has %zu items (at most %d)", name, count,
	                              NUMBERING__VOX_LIST_MAX);
}

/* The size of the JSON array @value that a list is given as (@want: what else it may be,
 * for the error): refused when not an array, empty or longer than NUMBERING__VOX_LIST_MAX. */
static int array_count(size_t *count, json_t *value, const char *name, const char *want)
{
	if (!json_is_array(value))
		return wrong_type(value, name, want);
	*count = json_array_size(value);
	if (*count == 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, name, "%s is an empty list", name);
	if (*count > NUMBERING__VOX_LIST_MAX)
		return too_many(name, *count);
	return NUMBERING_OK;
}

/* The items of "a;b;c" (@len bytes at @text): count, and a NUL-split copy in list->buffer. */
static int split(struct numbering__vox_list *list, const char *text, size_t len, const char *name)
{
	size_t count = 1;
	for (size_t i = 0; i < len; i++)
		count += text[i] == ';';
	if (count > NUMBERING__VOX_LIST_MAX)
		return too_many(name, count);
	list->buffer = numbering__malloc(len + 1);
	list->texts = numbering__calloc(count, sizeof(*list->texts));
	if (list->buffer == NULL || list->texts == NULL)
		return list_memory(name);
	memcpy(list->buffer, text, len + 1);
	char *p = list->buffer;
	for (size_t i = 0; i < count; i++) {
		list->texts[i] = p;
		char *semi = strchr(p, ';');
		if (semi != NULL) {
			*semi = '\0';
			p = semi + 1;
		}
	}
	list->count = count;
	return NUMBERING_OK;
}

/* An id item, as text. */
static int id_item(int64_t *out, const char *text, size_t len, const char *name)
{
	int64_t v = 0;
	const char *why = decimal(&v, text, len, 0);
	if (why == NULL && v < 1)
		why = "is not a positive id";
	if (why != NULL) {
		char full[96];
		snprintf(full, sizeof(full), "%s: each item must be an id 1 or more", why);
		if (len == 0)
			return numbering__error_field(NUMBERING_INVALID_ARGUMENT, name, "%s has an empty item", name);
		return numbering__vox_invalid(name, text, len, full);
	}
	*out = v;
	return NUMBERING_OK;
}

int numbering__vox_intlist(struct numbering__vox_list *out, json_t *value, const char *name, int allow_all)
{
	if (value == NULL)
		return NUMBERING_OK;
	out->present = 1;
	if (json_is_integer(value)) {
		json_int_t v = json_integer_value(value);
		if (v < 1) {
			char text[32];
			snprintf(text, sizeof(text), "%" JSON_INTEGER_FORMAT, v);
			return numbering__vox_invalid(name, text, strlen(text), "is not a positive id");
		}
		if ((out->ids = numbering__malloc(sizeof(*out->ids))) == NULL)
			return list_memory(name);
		out->ids[0] = v;
		out->count = 1;
		return NUMBERING_OK;
	}
	if (json_is_string(value)) {
		const char *text = NULL;
		size_t len = 0;
		int rc = text_of(&text, &len, value, name);
		if (rc != NUMBERING_OK)
			return rc;
		if (strcasecmp(text, "all") == 0) {
			if (!allow_all)
				return numbering__vox_invalid(name, text, len, "cannot be 'all' here");
			out->all = 1;
			return NUMBERING_OK;
		}
		if (len == 0)
			return numbering__vox_required(name);
		if ((rc = split(out, text, len, name)) != NUMBERING_OK)
			return rc;
		if ((out->ids = numbering__calloc(out->count, sizeof(*out->ids))) == NULL)
			return list_memory(name);
		for (size_t i = 0; i < out->count; i++)
			if ((rc = id_item(&out->ids[i], out->texts[i], strlen(out->texts[i]), name)) != NUMBERING_OK)
				return rc;
		numbering__free_mem(out->texts);
		numbering__free_mem(out->buffer);
		out->texts = NULL;
		out->buffer = NULL;
		return NUMBERING_OK;
	}
	size_t count = 0;
	int rc = array_count(&count, value, name, "an array, an integer or a string of ids separated by ';'");
	if (rc != NUMBERING_OK)
		return rc;
	if ((out->ids = numbering__calloc(count, sizeof(*out->ids))) == NULL)
		return list_memory(name);
	for (size_t i = 0; i < count; i++) {
		char at[NUMBERING__JSON_PATH_SIZE];
		json_t *item = json_array_get(value, i);
		numbering__json_path_index(at, name, i);
		rc = NUMBERING_OK;
		if (json_is_integer(item)) {
			out->ids[i] = json_integer_value(item);
			if (out->ids[i] < 1) {
				char text[32];
				snprintf(text, sizeof(text), "%" JSON_INTEGER_FORMAT, json_integer_value(item));
				rc = numbering__vox_invalid(at, text, strlen(text), "is not a positive id");
			}
		} else if (json_is_string(item)) {
			const char *text = NULL;
			size_t len = 0;
			if ((rc = text_of(&text, &len, item, at)) == NUMBERING_OK)
				rc = id_item(&out->ids[i], text, len, at);
		} else {
			rc = wrong_type(item, at, "an id (an integer or a decimal string)");
		}
		if (rc != NUMBERING_OK)
			return rc;
	}
	out->count = count;
	return NUMBERING_OK;
}

int numbering__vox_stringlist(struct numbering__vox_list *out, json_t *value, const char *name, size_t max_bytes)
{
	if (value == NULL)
		return NUMBERING_OK;
	out->present = 1;
	int rc = NUMBERING_OK;
	if (json_is_string(value)) {
		const char *text = NULL;
		size_t len = 0;
		if ((rc = text_of(&text, &len, value, name)) != NUMBERING_OK)
			return rc;
		if (len == 0)
			return numbering__vox_required(name);
		if ((rc = split(out, text, len, name)) != NUMBERING_OK)
			return rc;
		for (size_t i = 0; i < out->count; i++) {
			if (out->texts[i][0] == '\0')
				return numbering__error_field(NUMBERING_INVALID_ARGUMENT, name, "%s has an empty item", name);
			if ((rc = numbering__validate_text(out->texts[i], max_bytes, name)) != NUMBERING_OK)
				return rc;
		}
		return NUMBERING_OK;
	}
	size_t count = 0;
	if ((rc = array_count(&count, value, name, "an array or a string of items separated by ';'")) != NUMBERING_OK)
		return rc;
	if ((out->texts = numbering__calloc(count, sizeof(*out->texts))) == NULL)
		return list_memory(name);
	for (size_t i = 0; i < count; i++) {
		char at[NUMBERING__JSON_PATH_SIZE];
		json_t *item = json_array_get(value, i);
		numbering__json_path_index(at, name, i);
		const char *text = NULL;
		if (!json_is_string(item))
			return wrong_type(item, at, "a string");
		if ((rc = numbering__vox_string(&text, item, at, max_bytes)) != NUMBERING_OK)
			return rc;
		out->texts[i] = text;
	}
	out->count = count;
	return NUMBERING_OK;
}

int numbering__vox_list_has_text(const struct numbering__vox_list *list, const char *text)
{
	for (size_t i = 0; list->texts != NULL && i < list->count; i++)
		if (strcmp(list->texts[i], text) == 0)
			return 1;
	return 0;
}

int numbering__vox_list_has_id(const struct numbering__vox_list *list, int64_t id)
{
	if (list->all)
		return 1;
	for (size_t i = 0; list->ids != NULL && i < list->count; i++)
		if (list->ids[i] == id)
			return 1;
	return 0;
}

/* ---- Output forms ---- */

const char *numbering__vox_format_date(char buf[NUMBERING__VOX_DATE_SIZE], int64_t ns)
{
	char rfc[40];
	numbering__format_time(rfc, ns);
	memcpy(buf, rfc, 10);
	buf[10] = '\0';
	return buf;
}

const char *numbering__vox_format_timestamp(char buf[NUMBERING__VOX_TIMESTAMP_SIZE], int64_t ns)
{
	char rfc[40];
	/* Whole seconds toward the past, as the date is. */
	int64_t rem = ns % 1000000000;
	numbering__format_time(rfc, ns - (rem < 0 ? rem + 1000000000 : rem));
	memcpy(buf, rfc, 19);
	buf[10] = ' ';
	buf[19] = '\0';
	return buf;
}

const char *numbering__vox_format_period(char buf[NUMBERING__VOX_PERIOD_SIZE], int64_t months)
{
	snprintf(buf, NUMBERING__VOX_PERIOD_SIZE, "0-%lld-0 0:0:0", (long long)months);
	return buf;
}

json_t *numbering__vox_price_json(const char *currency, int64_t minor_units)
{
	char amount[NUMBERING_MONEY_BUFSIZE];
	if (numbering_money_format(amount, sizeof(amount), currency, minor_units) != NUMBERING_OK)
		return NULL;
	return json_string(amount);
}

int numbering__vox_out_of_memory(void)
{
	return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory rendering the response");
}

int numbering__vox_page(json_t **result, json_t *items, int64_t total)
{
	*result = NULL;
	if (items == NULL)
		return numbering__vox_out_of_memory();
	*result = json_pack("{s:o, s:I, s:I}", "result", items, "count", (json_int_t)json_array_size(items),
	                    "total_count", (json_int_t)total);
	return *result == NULL ? numbering__vox_out_of_memory() : NUMBERING_OK;
}

int numbering__vox_result(json_t **result, json_t *value)
{
	*result = value == NULL ? NULL : json_pack("{s:o}", "result", value);
	return *result == NULL ? numbering__vox_out_of_memory() : NUMBERING_OK;
}
