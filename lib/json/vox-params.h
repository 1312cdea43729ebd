/*
 * The Voximplant PhoneNumbers seed's parameter types (../shared/seeds/
 * voximplant-phonenumbers.txt), read from a JSON request for every Voximplant method
 * on the JSON entry point (lib/json/vox-*.c), and the writers of its output forms.
 *
 * A request is one JSON object of the seed's snake_case parameters plus account_id.
 * Every reader returns NUMBERING_OK or sets the thread's error to INVALID_ARGUMENT with
 * one violation naming the parameter (its snake_case name, or "name[i]" for an item of
 * a JSON array) and a message quoting the value, and returns its code. A value pointer
 * that is NULL means the parameter is absent (or JSON null): the reader then leaves its
 * output as the caller initialized it (the default) unless it says otherwise.
 *
 * Strings are refused when they hold a NUL byte (JSON "\u0000"): the library's strings
 * end at the first NUL, so such a value could not mean what it says.
 */
#ifndef NUMBERING_JSON_VOX_PARAMS_H
#define NUMBERING_JSON_VOX_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* The most items a count parameter may ask for (docs/LIMITS.md). */
#define NUMBERING__VOX_COUNT_MAX 1000
/* The most items an intlist or stringlist may hold (docs/LIMITS.md). */
#define NUMBERING__VOX_LIST_MAX 10000
/* Bytes of "projects/{id}" with its NUL: what numbering__vox_account() writes. */
#define NUMBERING__VOX_PROJECT_SIZE 80
/* Bytes of "YYYY-MM-DD" and of "YYYY-MM-DD HH:mm:ss", NUL included. */
#define NUMBERING__VOX_DATE_SIZE 11
#define NUMBERING__VOX_TIMESTAMP_SIZE 20
/* Bytes of a phone_period "0-{months}-0 0:0:0", NUL included. */
#define NUMBERING__VOX_PERIOD_SIZE 32

/* ---- The request's fields ---- */

/* Matches the members of @request against @names (the seed's snake_case parameter
 * names, at most 64): values[i] is the member named names[i], or NULL when absent or
 * null. @request that is not an object, or a member that names no parameter, is
 * INVALID_ARGUMENT naming it ("unknown parameter \"x\""). */
int numbering__vox_fields(json_t **values, json_t *request, const char *const *names, size_t count);

/* INVALID_ARGUMENT naming @name: "@name is required". */
int numbering__vox_required(const char *name);

/* INVALID_ARGUMENT naming @name: "@name \"@value\" @why" (the value quoted). */
int numbering__vox_invalid(const char *name, const char *value, size_t len, const char *why);

/* ---- Scalars ---- */

/* account_id: a JSON integer (0 or more) or a string holding a project id (1..63 of
 * a-z, 0-9, '-'; the seed's ids are decimal) into "projects/{id}" in @out. Absent is
 * INVALID_ARGUMENT: every Voximplant method names its account. */
int numbering__vox_account(char out[NUMBERING__VOX_PROJECT_SIZE], json_t *value);

/* A string of 1 .. @max_bytes bytes, valid UTF-8 without control characters and
 * without NUL; *out borrows the request's text. Absent leaves *out. */
int numbering__vox_string(const char **out, json_t *value, const char *name, size_t max_bytes);

/* A boolean: JSON true/false or the strings "true"/"false" (any case). Absent leaves
 * *out (callers that filter start it at -1). */
int numbering__vox_boolean(int *out, json_t *value, const char *name);

/* A number: a JSON integer or a decimal string ("-" allowed only when @min < 0), in
 * @min .. @max. Reals, exponents, spaces and '+' are refused. Absent leaves *out. */
int numbering__vox_number(int64_t *out, json_t *value, const char *name, int64_t min, int64_t max);

/* count with its default already in *out: 0 .. NUMBERING__VOX_COUNT_MAX. */
int numbering__vox_count(int64_t *out, json_t *value);
/* offset with its default already in *out: 0 .. INT32_MAX. */
int numbering__vox_offset(int64_t *out, json_t *value);

/* A date "YYYY-MM-DD" (UTC) into ns since the epoch at its midnight. Absent leaves *out. */
int numbering__vox_date(int64_t *out, json_t *value, const char *name);
/* A timestamp "YYYY-MM-DD HH:mm:ss" (UTC, 24-hour) into ns since the epoch. Absent
 * leaves *out. */
int numbering__vox_timestamp(int64_t *out, json_t *value, const char *name);

/* locale: EN or RU, any case. Absent leaves *out (the default is EN). */
enum numbering__vox_locale { NUMBERING__VOX_LOCALE_EN, NUMBERING__VOX_LOCALE_RU };
int numbering__vox_locale(int *out, json_t *value);

/* sandbox: 'all', 'true' or 'false' (any case; JSON true/false too). Absent leaves
 * *out (the catalogue's default is ALL, docs/VOXIMPLANT.md). */
enum numbering__vox_sandbox { NUMBERING__VOX_SANDBOX_ALL, NUMBERING__VOX_SANDBOX_TRUE, NUMBERING__VOX_SANDBOX_FALSE };
int numbering__vox_sandbox(int *out, json_t *value);

/* Whether a number whose sandbox attribute is @is_sandbox (0 or 1) passes @filter. */
static inline int numbering__vox_sandbox_match(int filter, int64_t is_sandbox)
{
	return filter == NUMBERING__VOX_SANDBOX_ALL || (filter == NUMBERING__VOX_SANDBOX_TRUE) == (is_sandbox != 0);
}

/* ---- Lists ---- */

/* An intlist or a stringlist as read. Start it with NUMBERING__VOX_LIST_INIT; free it
 * with numbering__vox_list_free() whatever the reader returned. */
struct numbering__vox_list {
	int present;        /* the parameter was given */
	int all;            /* intlist: 'all' was given (only when the reader allows it) */
	size_t count;       /* items (0 when 'all' or absent) */
	int64_t *ids;       /* intlist: count positive ids */
	const char **texts; /* stringlist: count texts, borrowed from the request or @buffer */
	char *buffer;       /* the split copy of a "a;b" string */
};
#define NUMBERING__VOX_LIST_INIT {0, 0, 0, NULL, NULL, NULL}

/* An intlist: a JSON integer, an array of integers or decimal strings, or a string
 * "1;2;3"; each item 1 .. INT64_MAX; at least one, at most NUMBERING__VOX_LIST_MAX;
 * "all" (any case) when @allow_all. An empty item ("1;;2"), a sign, a space or any
 * other byte is INVALID_ARGUMENT naming the parameter and quoting the item. */
int numbering__vox_intlist(struct numbering__vox_list *out, json_t *value, const char *name, int allow_all);

/* A stringlist: an array of strings or a string "a;b"; each item 1 .. @max_bytes
 * bytes of valid UTF-8 without control characters; at least one, at most
 * NUMBERING__VOX_LIST_MAX. */
int numbering__vox_stringlist(struct numbering__vox_list *out, json_t *value, const char *name, size_t max_bytes);

/* Whether @list holds @text (a stringlist) or @id (an intlist). */
int numbering__vox_list_has_text(const struct numbering__vox_list *list, const char *text);
int numbering__vox_list_has_id(const struct numbering__vox_list *list, int64_t id);

void numbering__vox_list_free(struct numbering__vox_list *list);

/* ---- Output forms ---- */

/* ns since the epoch as "YYYY-MM-DD" / "YYYY-MM-DD HH:mm:ss" (UTC; the fraction
 * dropped). Return @buf. */
const char *numbering__vox_format_date(char buf[NUMBERING__VOX_DATE_SIZE], int64_t ns);
const char *numbering__vox_format_timestamp(char buf[NUMBERING__VOX_TIMESTAMP_SIZE], int64_t ns);

/* A payment period of @months months as Voximplant writes one: "0-{months}-0 0:0:0". */
const char *numbering__vox_format_period(char buf[NUMBERING__VOX_PERIOD_SIZE], int64_t months);

/* A price as its currency's decimal string ("2.00"); NULL when out of memory or the
 * currency is unknown. */
json_t *numbering__vox_price_json(const char *currency, int64_t minor_units);

/* RESOURCE_EXHAUSTED: out of memory rendering the response. */
int numbering__vox_out_of_memory(void);

/* {"result": @items, "count": N, "total_count": @total} taking @items (an array);
 * RESOURCE_EXHAUSTED when @items is NULL or out of memory. */
int numbering__vox_page(json_t **result, json_t *items, int64_t total);

/* {"result": @value} taking @value. */
int numbering__vox_result(json_t **result, json_t *value);

#endif
