/*
 * The Voximplant seed's parameter readers (lib/json/vox-params.h): every type, each in
 * every form it accepts, and each malformed form refused with INVALID_ARGUMENT naming
 * the parameter and quoting the value; the output formatters.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <numbering/numbering.h>

#include "json/vox-params.h"
#include "suites.h"

/* A JSON value from text (a scalar is allowed). */
static json_t *J(const char *text)
{
	json_error_t error;
	json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &error);
	ck_assert_msg(v != NULL, "bad test JSON %s: %s", text, error.text);
	return v;
}

static void expect_invalid(int rc, const char *field, const char *needle)
{
	ck_assert_int_eq(rc, NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_error_code(), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_ge(numbering_error_violation_count(), 1);
	ck_assert_str_eq(numbering_error_violation_field(0), field);
	if (needle != NULL)
		ck_assert_msg(strstr(numbering_error_message(), needle) != NULL, "message \"%s\" lacks \"%s\"",
		              numbering_error_message(), needle);
}

/* ---- The request's fields ---- */

START_TEST(fields_match_and_refuse_unknown)
{
	static const char *const names[] = {"account_id", "country_code", "count"};
	json_t *v[3];
	json_t *r = J("{\"country_code\": \"US\", \"count\": null, \"account_id\": 1}");
	ck_assert_int_eq(numbering__vox_fields(v, r, names, 3), NUMBERING_OK);
	ck_assert_ptr_eq(v[0], json_object_get(r, "account_id"));
	ck_assert_str_eq(json_string_value(v[1]), "US");
	ck_assert_ptr_null(v[2]); /* null reads as absent */
	json_decref(r);

	r = J("{\"country_code\": \"US\", \"countryCode\": \"GB\"}");
	expect_invalid(numbering__vox_fields(v, r, names, 3), "countryCode", "unknown parameter \"countryCode\"");
	json_decref(r);
	r = J("[1]");
	ck_assert_int_eq(numbering__vox_fields(v, r, names, 3), NUMBERING_INVALID_ARGUMENT);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "must be a JSON object"));
	json_decref(r);
}
END_TEST

/* ---- Scalars ---- */

START_TEST(account_forms)
{
	char project[NUMBERING__VOX_PROJECT_SIZE];
	json_t *v = J("42");
	ck_assert_int_eq(numbering__vox_account(project, v), NUMBERING_OK);
	ck_assert_str_eq(project, "projects/42");
	json_decref(v);
	v = J("\"p1\"");
	ck_assert_int_eq(numbering__vox_account(project, v), NUMBERING_OK);
	ck_assert_str_eq(project, "projects/p1");
	json_decref(v);

	expect_invalid(numbering__vox_account(project, NULL), "account_id", "is required");
	static const struct {
		const char *json, *needle;
	} bad[] = {
		{"-1", "\"-1\" is not an account id"},
		{"\"\"", "is required"},
		{"\"P1\"", "\"P1\" is not an account id"},
		{"\"a/b\"", "\"a/b\""},
		{"\"1\\u00002\"", "NUL byte"},
		{"1.5", "must be an integer or a string, not a number"},
		{"true", "not a boolean"},
		{"[1]", "not an array"},
		{"\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"", "is not an account id"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = J(bad[i].json);
		expect_invalid(numbering__vox_account(project, v), "account_id", bad[i].needle);
		json_decref(v);
	}
}
END_TEST

START_TEST(string_forms)
{
	const char *s = "untouched";
	ck_assert_int_eq(numbering__vox_string(&s, NULL, "country_code", 8), NUMBERING_OK);
	ck_assert_str_eq(s, "untouched");
	json_t *v = J("\"US\"");
	ck_assert_int_eq(numbering__vox_string(&s, v, "country_code", 8), NUMBERING_OK);
	ck_assert_str_eq(s, "US");
	json_decref(v);
	static const struct {
		const char *json, *needle;
	} bad[] = {
		{"\"\"", "is not 1 to 8 bytes"},
		{"\"USAUSAUSA\"", "is not 1 to 8 bytes"},
		{"\"U\\u0000S\"", "NUL byte"},
		{"\"U\\tS\"", "country_code"},
		{"7", "must be a string, not a number"},
		{"{}", "must be a string, not an object"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = J(bad[i].json);
		s = "kept";
		expect_invalid(numbering__vox_string(&s, v, "country_code", 8), "country_code", bad[i].needle);
		ck_assert_str_eq(s, "kept");
		json_decref(v);
	}
}
END_TEST

START_TEST(boolean_forms)
{
	static const struct {
		const char *json;
		int want;
	} good[] = {{"true", 1}, {"false", 0}, {"\"true\"", 1}, {"\"false\"", 0}, {"\"TRUE\"", 1}, {"\"False\"", 0}};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int b = -1;
		json_t *v = J(good[i].json);
		ck_assert_int_eq(numbering__vox_boolean(&b, v, "omit_empty"), NUMBERING_OK);
		ck_assert_int_eq(b, good[i].want);
		json_decref(v);
	}
	int b = -1;
	ck_assert_int_eq(numbering__vox_boolean(&b, NULL, "omit_empty"), NUMBERING_OK);
	ck_assert_int_eq(b, -1);
	static const struct {
		const char *json, *needle;
	} bad[] = {
		{"1", "must be a boolean (true or false), not a number"},
		{"\"1\"", "\"1\" is not a boolean"},
		{"\"yes\"", "\"yes\" is not a boolean"},
		{"\"\"", "\"\" is not a boolean"},
		{"\"true\\u0000\"", "NUL byte"},
		{"[true]", "not an array"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *v = J(bad[i].json);
		expect_invalid(numbering__vox_boolean(&b, v, "omit_empty"), "omit_empty", bad[i].needle);
		ck_assert_int_eq(b, -1);
		json_decref(v);
	}
}
END_TEST

START_TEST(number_forms)
{
	int64_t n = -5;
	ck_assert_int_eq(numbering__vox_number(&n, NULL, "phone_region_id", 1, INT64_MAX), NUMBERING_OK);
	ck_assert_int_eq(n, -5);
	static const struct {
		const char *json;
		int64_t want;
	} good[] = {{"7", 7}, {"\"7\"", 7}, {"\"0007\"", 7}, {"9223372036854775807", INT64_MAX},
	            {"\"9223372036854775807\"", INT64_MAX}};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		json_t *v = J(good[i].json);
		ck_assert_int_eq(numbering__vox_number(&n, v, "phone_region_id", 1, INT64_MAX), NUMBERING_OK);
		ck_assert_int_eq(n, good[i].want);
		json_decref(v);
	}
	static const struct {
		const char *json, *needle;
	} bad[] = {
		{"0", "\"0\" is out of range (1 to 9223372036854775807)"},
		{"-1", "\"-1\" is out of range"},
		{"\"-1\"", "\"-1\" is not a number 0 or more"},
		{"\"9999999999999999999999\"", "\"9999999999999999999999\" is too large"},
		{"\"\"", "is not a whole decimal number"},
		{"\"1x\"", "\"1x\" is not a whole decimal number"},
		{"\" 1\"", "is not a whole decimal number"},
		{"\"+1\"", "is not a whole decimal number"},
		{"\"1e3\"", "is not a whole decimal number"},
		{"\"1\\u00002\"", "NUL byte"},
		{"1.5", "must be a whole number, not a number"},
		{"2.0", "must be a whole number"},
		{"true", "not a boolean"},
		{"[1]", "not an array"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *v = J(bad[i].json);
		n = -5;
		expect_invalid(numbering__vox_number(&n, v, "phone_region_id", 1, INT64_MAX), "phone_region_id",
		               bad[i].needle);
		ck_assert_int_eq(n, -5);
		json_decref(v);
	}
	/* A negative minimum lets '-' through, and the range still holds. */
	json_t *v = J("\"-3\"");
	ck_assert_int_eq(numbering__vox_number(&n, v, "x", -10, 10), NUMBERING_OK);
	ck_assert_int_eq(n, -3);
	json_decref(v);
	v = J("\"-99999999999999999999\"");
	expect_invalid(numbering__vox_number(&n, v, "x", -10, 10), "x", "is too small");
	json_decref(v);
}
END_TEST

START_TEST(count_and_offset)
{
	int64_t count = 20, offset = 0;
	ck_assert_int_eq(numbering__vox_count(&count, NULL), NUMBERING_OK);
	ck_assert_int_eq(count, 20); /* the caller's default stays */
	json_t *v = J("1000");
	ck_assert_int_eq(numbering__vox_count(&count, v), NUMBERING_OK);
	ck_assert_int_eq(count, NUMBERING__VOX_COUNT_MAX);
	json_decref(v);
	v = J("\"0\"");
	ck_assert_int_eq(numbering__vox_count(&count, v), NUMBERING_OK);
	ck_assert_int_eq(count, 0);
	json_decref(v);
	v = J("1001");
	expect_invalid(numbering__vox_count(&count, v), "count", "\"1001\" is out of range (0 to 1000)");
	json_decref(v);
	v = J("-1");
	expect_invalid(numbering__vox_count(&count, v), "count", "\"-1\" is out of range");
	json_decref(v);
	v = J("\"-1\"");
	expect_invalid(numbering__vox_count(&count, v), "count", "\"-1\"");
	json_decref(v);
	v = J("2147483647");
	ck_assert_int_eq(numbering__vox_offset(&offset, v), NUMBERING_OK);
	ck_assert_int_eq(offset, INT32_MAX);
	json_decref(v);
	v = J("2147483648");
	expect_invalid(numbering__vox_offset(&offset, v), "offset", "out of range");
	json_decref(v);
	v = J("-1");
	expect_invalid(numbering__vox_offset(&offset, v), "offset", "\"-1\"");
	json_decref(v);
}
END_TEST

START_TEST(date_forms)
{
	int64_t ns = -1;
	ck_assert_int_eq(numbering__vox_date(&ns, NULL, "from_phone_next_renewal"), NUMBERING_OK);
	ck_assert_int_eq(ns, -1);
	json_t *v = J("\"2026-01-02\"");
	ck_assert_int_eq(numbering__vox_date(&ns, v, "from_phone_next_renewal"), NUMBERING_OK);
	ck_assert_int_eq(ns, INT64_C(1767312000) * 1000000000);
	json_decref(v);
	v = J("\"2024-02-29\"");
	ck_assert_int_eq(numbering__vox_date(&ns, v, "d"), NUMBERING_OK);
	json_decref(v);
	v = J("\"1970-01-01\"");
	ck_assert_int_eq(numbering__vox_date(&ns, v, "d"), NUMBERING_OK);
	ck_assert_int_eq(ns, 0);
	json_decref(v);
	static const struct {
		const char *json, *needle;
	} bad[] = {
		{"\"2026-13-01\"", "\"2026-13-01\" has no month 01 to 12"},
		{"\"2026-00-01\"", "has no month"},
		{"\"2026-02-30\"", "\"2026-02-30\" is a day that does not exist"},
		{"\"2025-02-29\"", "is a day that does not exist"},
		{"\"2026-04-31\"", "is a day that does not exist"},
		{"\"2026-01-00\"", "is a day that does not exist"},
		{"\"2026-1-01\"", "is not a date YYYY-MM-DD"},
		{"\"2026/01/01\"", "is not a date YYYY-MM-DD"},
		{"\"2026-01-01 00:00:00\"", "is not a date YYYY-MM-DD"},
		{"\"2026-01-01T\"", "is not a date"},
		{"\"20x6-01-01\"", "is not a date"},
		{"\"\"", "is not a date"},
		{"\"2026-01-0\\u0000\"", "NUL byte"},
		{"\"9999-01-01\"", "is outside the years"},
		{"20260101", "must be a string YYYY-MM-DD, not a number"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = J(bad[i].json);
		ns = -1;
		expect_invalid(numbering__vox_date(&ns, v, "to_phone_next_renewal"), "to_phone_next_renewal",
		               bad[i].needle);
		ck_assert_int_eq(ns, -1);
		json_decref(v);
	}
}
END_TEST

START_TEST(timestamp_forms)
{
	int64_t ns = -1;
	json_t *v = J("\"2026-01-02 03:04:05\"");
	ck_assert_int_eq(numbering__vox_timestamp(&ns, v, "from_phone_purchase_date"), NUMBERING_OK);
	ck_assert_int_eq(ns, (INT64_C(1767312000) + 3 * 3600 + 4 * 60 + 5) * 1000000000);
	json_decref(v);
	v = J("\"2026-12-31 23:59:59\"");
	ck_assert_int_eq(numbering__vox_timestamp(&ns, v, "t"), NUMBERING_OK);
	json_decref(v);
	static const struct {
		const char *json, *needle;
	} bad[] = {
		{"\"2026-01-01 24:00:00\"", "\"2026-01-01 24:00:00\" has no hour 00 to 23"},
		{"\"2026-01-01 23:60:00\"", "has no minute"},
		{"\"2026-01-01 23:59:60\"", "has no second"},
		{"\"2026-13-01 00:00:00\"", "has no month"},
		{"\"2026-02-30 00:00:00\"", "is a day that does not exist"},
		{"\"2026-01-01T00:00:00\"", "is not a timestamp YYYY-MM-DD HH:mm:ss"},
		{"\"2026-01-01 00:00:00Z\"", "is not a timestamp"},
		{"\"2026-01-01 0:00:00\"", "is not a timestamp"},
		{"\"2026-01-01\"", "is not a timestamp"},
		{"\"2026-01-01 00:00:0\\u0000\"", "NUL byte"},
		{"false", "not a boolean"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = J(bad[i].json);
		ns = -1;
		expect_invalid(numbering__vox_timestamp(&ns, v, "to_phone_purchase_date"), "to_phone_purchase_date",
		               bad[i].needle);
		ck_assert_int_eq(ns, -1);
		json_decref(v);
	}
}
END_TEST

START_TEST(locale_and_sandbox)
{
	int locale = NUMBERING__VOX_LOCALE_EN;
	ck_assert_int_eq(numbering__vox_locale(&locale, NULL), NUMBERING_OK);
	ck_assert_int_eq(locale, NUMBERING__VOX_LOCALE_EN);
	json_t *v = J("\"ru\"");
	ck_assert_int_eq(numbering__vox_locale(&locale, v), NUMBERING_OK);
	ck_assert_int_eq(locale, NUMBERING__VOX_LOCALE_RU);
	json_decref(v);
	v = J("\"EN\"");
	ck_assert_int_eq(numbering__vox_locale(&locale, v), NUMBERING_OK);
	ck_assert_int_eq(locale, NUMBERING__VOX_LOCALE_EN);
	json_decref(v);
	static const char *const bad_locales[] = {"\"DE\"", "\"\"", "\"E\"", "\"EN \"", "\"RU\\u0000\"", "1", "true"};
	for (size_t i = 0; i < sizeof(bad_locales) / sizeof(bad_locales[0]); i++) {
		v = J(bad_locales[i]);
		expect_invalid(numbering__vox_locale(&locale, v), "locale", NULL);
		json_decref(v);
	}

	static const struct {
		const char *json;
		int want;
	} good[] = {{"\"all\"", NUMBERING__VOX_SANDBOX_ALL},     {"\"true\"", NUMBERING__VOX_SANDBOX_TRUE},
	            {"\"false\"", NUMBERING__VOX_SANDBOX_FALSE}, {"\"ALL\"", NUMBERING__VOX_SANDBOX_ALL},
	            {"true", NUMBERING__VOX_SANDBOX_TRUE},       {"false", NUMBERING__VOX_SANDBOX_FALSE}};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int s = -1;
		v = J(good[i].json);
		ck_assert_int_eq(numbering__vox_sandbox(&s, v), NUMBERING_OK);
		ck_assert_int_eq(s, good[i].want);
		json_decref(v);
	}
	int s = NUMBERING__VOX_SANDBOX_ALL;
	ck_assert_int_eq(numbering__vox_sandbox(&s, NULL), NUMBERING_OK);
	ck_assert_int_eq(s, NUMBERING__VOX_SANDBOX_ALL);
	v = J("\"some\"");
	expect_invalid(numbering__vox_sandbox(&s, v), "sandbox", "\"some\" is not 'all', 'true' or 'false'");
	json_decref(v);
	v = J("1");
	expect_invalid(numbering__vox_sandbox(&s, v), "sandbox", "must be a string");
	json_decref(v);

	ck_assert(numbering__vox_sandbox_match(NUMBERING__VOX_SANDBOX_ALL, 0));
	ck_assert(numbering__vox_sandbox_match(NUMBERING__VOX_SANDBOX_ALL, 1));
	ck_assert(numbering__vox_sandbox_match(NUMBERING__VOX_SANDBOX_TRUE, 1));
	ck_assert(!numbering__vox_sandbox_match(NUMBERING__VOX_SANDBOX_TRUE, 0));
	ck_assert(numbering__vox_sandbox_match(NUMBERING__VOX_SANDBOX_FALSE, 0));
	ck_assert(!numbering__vox_sandbox_match(NUMBERING__VOX_SANDBOX_FALSE, 1));
}
END_TEST

/* ---- Lists ---- */

static void intlist_ok(const char *json, int allow_all, int all, size_t count, const int64_t *ids)
{
	struct numbering__vox_list l = NUMBERING__VOX_LIST_INIT;
	json_t *v = J(json);
	int rc = numbering__vox_intlist(&l, v, "phone_id", allow_all);
	ck_assert_msg(rc == NUMBERING_OK, "%s: %s", json, numbering_error_message());
	ck_assert_int_eq(l.present, 1);
	ck_assert_int_eq(l.all, all);
	ck_assert_uint_eq(l.count, count);
	for (size_t i = 0; i < count; i++) {
		ck_assert_int_eq(l.ids[i], ids[i]);
		ck_assert(numbering__vox_list_has_id(&l, ids[i]));
	}
	ck_assert(all || !numbering__vox_list_has_id(&l, 999));
	numbering__vox_list_free(&l);
	json_decref(v);
}

START_TEST(intlist_forms)
{
	static const int64_t one[] = {1}, three[] = {1, 2, 3}, big[] = {INT64_MAX, 5};
	intlist_ok("1", 0, 0, 1, one);
	intlist_ok("\"1\"", 0, 0, 1, one);
	intlist_ok("\"1;2;3\"", 0, 0, 3, three);
	intlist_ok("[1, \"2\", 3]", 0, 0, 3, three);
	intlist_ok("\"9223372036854775807;5\"", 0, 0, 2, big);
	intlist_ok("\"all\"", 1, 1, 0, NULL);
	intlist_ok("\"ALL\"", 1, 1, 0, NULL);

	struct numbering__vox_list l = NUMBERING__VOX_LIST_INIT;
	ck_assert_int_eq(numbering__vox_intlist(&l, NULL, "phone_id", 1), NUMBERING_OK);
	ck_assert_int_eq(l.present, 0);
	numbering__vox_list_free(&l);

	static const struct {
		const char *json, *field, *needle;
	} bad[] = {
		{"\"1;;2\"", "phone_id", "phone_id has an empty item"},
		{"\"1;\"", "phone_id", "empty item"},
		{"\";1\"", "phone_id", "empty item"},
		{"\"1;x\"", "phone_id", "\"x\" is not a whole decimal number"},
		{"\"-1\"", "phone_id", "\"-1\" is not a number 0 or more"},
		{"\"0\"", "phone_id", "\"0\" is not a positive id"},
		{"-1", "phone_id", "\"-1\" is not a positive id"},
		{"0", "phone_id", "is not a positive id"},
		{"\"9999999999999999999999\"", "phone_id", "\"9999999999999999999999\" is too large"},
		{"\"1; 2\"", "phone_id", "\" 2\" is not a whole decimal number"},
		{"\"1,2\"", "phone_id", "\"1,2\""},
		{"\"\"", "phone_id", "phone_id is required"},
		{"\"all\"", "phone_id", "cannot be 'all' here"},
		{"\"1\\u00002\"", "phone_id", "NUL byte"},
		{"[]", "phone_id", "is an empty list"},
		{"[1, \"x\"]", "phone_id[1]", "\"x\""},
		{"[1, -2]", "phone_id[1]", "\"-2\" is not a positive id"},
		{"[1, 2.5]", "phone_id[1]", "must be an id"},
		{"[1, null]", "phone_id[1]", "not null"},
		{"[[1]]", "phone_id[0]", "not an array"},
		{"[\"1;2\"]", "phone_id[0]", "\"1;2\""},
		{"[\"1\\u0000\"]", "phone_id[0]", "NUL byte"},
		{"true", "phone_id", "not a boolean"},
		{"1.0", "phone_id", "not a number"},
		{"{}", "phone_id", "not an object"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *v = J(bad[i].json);
		struct numbering__vox_list b = NUMBERING__VOX_LIST_INIT;
		expect_invalid(numbering__vox_intlist(&b, v, "phone_id", 0), bad[i].field, bad[i].needle);
		numbering__vox_list_free(&b);
		json_decref(v);
	}
}
END_TEST

START_TEST(intlist_limit)
{
	/* NUMBERING__VOX_LIST_MAX items pass, one more is refused, in both forms. */
	for (int extra = 0; extra <= 1; extra++) {
		size_t n = NUMBERING__VOX_LIST_MAX + (size_t)extra;
		json_t *array = json_array();
		size_t cap = n * 6 + 1, at = 0;
		char *text = malloc(cap);
		ck_assert_ptr_nonnull(text);
		for (size_t i = 0; i < n; i++) {
			json_array_append_new(array, json_integer((json_int_t)i + 1));
			at += (size_t)snprintf(text + at, cap - at, i == 0 ? "%zu" : ";%zu", i + 1);
		}
		json_t *string = json_string(text);
		free(text);
		json_t *forms[] = {array, string};
		for (int f = 0; f < 2; f++) {
			struct numbering__vox_list l = NUMBERING__VOX_LIST_INIT;
			int rc = numbering__vox_intlist(&l, forms[f], "phone_id", 0);
			if (extra == 0) {
				ck_assert_int_eq(rc, NUMBERING_OK);
				ck_assert_uint_eq(l.count, n);
				ck_assert_int_eq(l.ids[n - 1], (int64_t)n);
			} else {
				expect_invalid(rc, "phone_id", "items (at most 10000)");
			}
			numbering__vox_list_free(&l);
		}
		json_decref(array);
		json_decref(string);
	}
}
END_TEST

START_TEST(stringlist_forms)
{
	struct numbering__vox_list l = NUMBERING__VOX_LIST_INIT;
	json_t *v = J("\"US;GB\"");
	ck_assert_int_eq(numbering__vox_stringlist(&l, v, "country_code", 8), NUMBERING_OK);
	ck_assert_uint_eq(l.count, 2);
	ck_assert_str_eq(l.texts[0], "US");
	ck_assert_str_eq(l.texts[1], "GB");
	ck_assert(numbering__vox_list_has_text(&l, "GB"));
	ck_assert(!numbering__vox_list_has_text(&l, "DE"));
	numbering__vox_list_free(&l);
	json_decref(v);
	v = J("[\"US\", \"DE\", \"RU\"]");
	ck_assert_int_eq(numbering__vox_stringlist(&l, v, "country_code", 8), NUMBERING_OK);
	ck_assert_uint_eq(l.count, 3);
	ck_assert_str_eq(l.texts[2], "RU");
	numbering__vox_list_free(&l);
	json_decref(v);
	v = J("\"US\"");
	ck_assert_int_eq(numbering__vox_stringlist(&l, v, "country_code", 8), NUMBERING_OK);
	ck_assert_uint_eq(l.count, 1);
	numbering__vox_list_free(&l);
	json_decref(v);

	static const struct {
		const char *json, *field, *needle;
	} bad[] = {
		{"\"US;;GB\"", "country_code", "has an empty item"},
		{"\"US;\"", "country_code", "has an empty item"},
		{"\"\"", "country_code", "is required"},
		{"\"US;GBGBGBGBGB\"", "country_code", "\"GBGBGBGBGB\" is not 1 to 8 bytes"},
		{"\"US\\u0000GB\"", "country_code", "NUL byte"},
		{"[]", "country_code", "is an empty list"},
		{"[\"US\", 1]", "country_code[1]", "must be a string, not a number"},
		{"[\"US\", null]", "country_code[1]", "not null"},
		{"[\"\"]", "country_code[0]", "is not 1 to 8 bytes"},
		{"[\"U\\u0000\"]", "country_code[0]", "NUL byte"},
		{"7", "country_code", "not a number"},
		{"{}", "country_code", "not an object"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = J(bad[i].json);
		struct numbering__vox_list b = NUMBERING__VOX_LIST_INIT;
		expect_invalid(numbering__vox_stringlist(&b, v, "country_code", 8), bad[i].field, bad[i].needle);
		numbering__vox_list_free(&b);
		json_decref(v);
	}
}
END_TEST

/* ---- Output forms ---- */

START_TEST(formatters)
{
	char date[NUMBERING__VOX_DATE_SIZE], stamp[NUMBERING__VOX_TIMESTAMP_SIZE], period[NUMBERING__VOX_PERIOD_SIZE];
	int64_t t = (INT64_C(1767312000) + 3 * 3600 + 4 * 60 + 5) * 1000000000 + 999999999;
	ck_assert_str_eq(numbering__vox_format_date(date, t), "2026-01-02");
	ck_assert_str_eq(numbering__vox_format_timestamp(stamp, t), "2026-01-02 03:04:05");
	ck_assert_str_eq(numbering__vox_format_timestamp(stamp, 0), "1970-01-01 00:00:00");
	ck_assert_str_eq(numbering__vox_format_timestamp(stamp, -1), "1969-12-31 23:59:59");
	ck_assert_str_eq(numbering__vox_format_period(period, 1), "0-1-0 0:0:0");
	ck_assert_str_eq(numbering__vox_format_period(period, 12), "0-12-0 0:0:0");
	/* Each reads back what it wrote. */
	int64_t back = 0;
	json_t *v = json_string(stamp);
	ck_assert_int_eq(numbering__vox_timestamp(&back, v, "t"), NUMBERING_OK);
	ck_assert_int_eq(back, -1000000000);
	json_decref(v);
	json_t *price = numbering__vox_price_json("USD", 250);
	ck_assert_str_eq(json_string_value(price), "2.50");
	json_decref(price);
	price = numbering__vox_price_json("JPY", 500);
	ck_assert_str_eq(json_string_value(price), "500");
	json_decref(price);
	ck_assert_ptr_null(numbering__vox_price_json("XXQ", 1));

	json_t *page = NULL;
	json_t *items = json_pack("[i, i]", 1, 2);
	ck_assert_int_eq(numbering__vox_page(&page, items, 7), NUMBERING_OK);
	char *text = json_dumps(page, JSON_COMPACT | JSON_SORT_KEYS);
	ck_assert_str_eq(text, "{\"count\":2,\"result\":[1,2],\"total_count\":7}");
	free(text);
	json_decref(page);
	ck_assert_int_eq(numbering__vox_page(&page, NULL, 0), NUMBERING_RESOURCE_EXHAUSTED);
	ck_assert_ptr_null(page);
	ck_assert_int_eq(numbering__vox_result(&page, json_integer(1)), NUMBERING_OK);
	text = json_dumps(page, JSON_COMPACT);
	ck_assert_str_eq(text, "{\"result\":1}");
	free(text);
	json_decref(page);
}
END_TEST

Suite *vox_params_suite(void)
{
	Suite *s = suite_create("vox_params");
	TCase *tc = tcase_create("vox_params");
	tcase_add_test(tc, fields_match_and_refuse_unknown);
	tcase_add_test(tc, account_forms);
	tcase_add_test(tc, string_forms);
	tcase_add_test(tc, boolean_forms);
	tcase_add_test(tc, number_forms);
	tcase_add_test(tc, count_and_offset);
	tcase_add_test(tc, date_forms);
	tcase_add_test(tc, timestamp_forms);
	tcase_add_test(tc, locale_and_sandbox);
	tcase_add_test(tc, intlist_forms);
	tcase_add_test(tc, intlist_limit);
	tcase_add_test(tc, stringlist_forms);
	tcase_add_test(tc, formatters);
	suite_add_tcase(s, tc);
	return s;
}
