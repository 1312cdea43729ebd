/* Money and ISO data (include/numbering/money.h): currency digits, parsing and formatting
 * amounts in minor units, region names, and the generated table (lib/model/iso-table.c)
 * against the iso-codes installed on this machine. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <numbering/numbering.h>

#include "checks.h"
#include "model/iso.h"
#include "suites.h"

#define ISO_CODES_DIR "/usr/share/iso-codes/json"

static int64_t parse_ok(const char *currency, const char *amount)
{
	int64_t v = -7;
	int rc = numbering_money_parse(&v, currency, amount);
	ck_assert_msg(rc == NUMBERING_OK, "parse %s \"%s\": %s", currency, amount, numbering_error_message());
	return v;
}

/* ---- Currencies ---- */

START_TEST(currency_digit_classes)
{
	static const struct {
		const char *code;
		int digits;
	} cases[] = {
		{"JPY", 0}, {"KRW", 0}, {"CLP", 0}, {"USD", 2}, {"EUR", 2}, {"GBP", 2}, {"SEK", 2},
		{"BHD", 3}, {"KWD", 3}, {"OMR", 3}, {"TND", 3}, {"CLF", 4}, {"UYW", 4},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int digits = -5;
		ck_assert_int_eq(numbering_currency_digits(&digits, cases[i].code), NUMBERING_OK);
		ck_assert_msg(digits == cases[i].digits, "%s: %d digits, expected %d", cases[i].code, digits,
		              cases[i].digits);
		ck_assert_int_eq(numbering_currency_is_known(cases[i].code), 1);
	}
	/* Every currency of the table answers its own digits; the classes 0, 2, 3, 4 all occur. */
	int seen[10] = {0};
	for (size_t i = 0; i < numbering__iso_currency_count; i++) {
		int digits = -5;
		ck_assert_int_eq(numbering_currency_digits(&digits, numbering__iso_currencies[i].code), NUMBERING_OK);
		ck_assert_int_eq(digits, numbering__iso_currencies[i].digits);
		ck_assert_int_ge(digits, 0);
		ck_assert_int_le(digits, 9);
		seen[digits]++;
	}
	ck_assert_int_gt(seen[0], 0);
	ck_assert_int_gt(seen[2], 0);
	ck_assert_int_gt(seen[3], 0);
	ck_assert_int_gt(seen[4], 0);
}
END_TEST

START_TEST(currency_refusals)
{
	static const struct {
		const char *code;
		const char *needle;
	} cases[] = {
		{NULL, "currency_code is required"},
		{"", "currency_code is required"},
		{"usd", "must be upper-case, as ISO 4217 writes it: \"USD\""},
		{"Usd", "\"USD\""},
		{"US", "\"US\" is not an ISO 4217 code"},
		{"USDX", "\"USDX\" is not an ISO 4217 code"},
		{"U$D", "\"U$D\" is not an ISO 4217 code"},
		{"US ", "\"US \" is not an ISO 4217 code"},
		{"ZZZ", "\"ZZZ\" is not an active ISO 4217 currency"},
		{"\xc3\xa9UR", "\"\\xc3\\xa9UR\""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *code = cases[i].code;
		int digits = 9;
		check_error(numbering_currency_digits(&digits, code), NUMBERING_INVALID_ARGUMENT, "currency_code",
		             cases[i].needle);
		ck_assert_int_eq(digits, -1);
		ck_assert_int_eq(numbering_currency_is_known(code), 0);
		int64_t v = 42;
		check_error(numbering_money_parse(&v, code, "2.00"), NUMBERING_INVALID_ARGUMENT, "currency_code",
		             cases[i].needle);
		ck_assert_int_eq(v, 0);
		char buf[NUMBERING_MONEY_BUFSIZE] = "x";
		check_error(numbering_money_format(buf, sizeof(buf), code, 200), NUMBERING_INVALID_ARGUMENT,
		             "currency_code", cases[i].needle);
		ck_assert_str_eq(buf, "");
	}
	check_error(numbering_currency_digits(NULL, "USD"), NUMBERING_INVALID_ARGUMENT, "out", "out is NULL");
}
END_TEST

/* ---- Parsing ---- */

START_TEST(parse_amounts)
{
	static const struct {
		const char *currency, *amount;
		int64_t minor_units;
	} cases[] = {
		{"USD", "2.00", 200},
		{"USD", "2", 200},
		{"USD", "0.5", 50},
		{"USD", "0.05", 5},
		{"USD", "0", 0},
		{"USD", "0.00", 0},
		{"USD", "2.000", 200},
		{"USD", "1234.5600", 123456},
		{"USD", "007.50", 750},
		{"USD", "92233720368547758.07", INT64_MAX},
		{"EUR", "19.99", 1999},
		{"JPY", "500", 500},
		{"JPY", "500.0", 500},
		{"JPY", "9223372036854775807", INT64_MAX},
		{"BHD", "1.234", 1234},
		{"BHD", "0.001", 1},
		{"KWD", "12.5", 12500},
		{"BHD", "9223372036854775.807", INT64_MAX},
		{"CLF", "1.2345", 12345},
		{"CLF", "0.0001", 1},
		{"CLF", "922337203685477.5807", INT64_MAX},
		/* Exactly NUMBERING_MONEY_MAX_INPUT bytes. */
		{"USD", "0000000000000000000000000000000000000000000000000000000000001.00", 100},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t v = parse_ok(cases[i].currency, cases[i].amount);
		ck_assert_msg(v == cases[i].minor_units, "%s \"%s\" is %" PRId64 ", expected %" PRId64,
		              cases[i].currency, cases[i].amount, v, cases[i].minor_units);
	}
	ck_assert_uint_eq(strlen(cases[sizeof(cases) / sizeof(cases[0]) - 1].amount), NUMBERING_MONEY_MAX_INPUT);
}
END_TEST

START_TEST(parse_refusals)
{
	static const struct {
		const char *currency, *amount, *needle;
	} cases[] = {
		{"USD", "", "amount is required"},
		{"USD", "abc", "\"abc\" is not an amount of USD: 'a' at byte 0 is not a digit"},
		{"USD", "2.0O", "'O' at byte 3 is not a digit"},
		{"USD", "1.2.3", "a second '.' at byte 3"},
		{"USD", "1.", "no digit after '.'"},
		{"USD", "1.x", "'x' at byte 2 is not a digit"},
		{"USD", ".5", "no digit before '.'"},
		{"USD", ".", "no digit before '.'"},
		{"USD", " 2.00", "white space at byte 0"},
		{"USD", "2.00 ", "white space at byte 4"},
		{"USD", "2 .00", "white space at byte 1"},
		{"USD", "2.00\n", "white space at byte 4"},
		{"USD", "1,000.00", "',' at byte 1"},
		{"USD", "1e3", "an exponent at byte 1"},
		{"USD", "1.5E2", "an exponent at byte 3"},
		{"USD", "-2.00", "negative"},
		{"USD", "-0", "negative"},
		{"USD", "+2.00", "has a sign"},
		{"USD", "0x10", "'x' at byte 1"},
		{"USD", "2.005", "byte 4, past the decimal places, is not a zero (an amount is digits"},
		{"USD", "1234.5678", "byte 7, past the decimal places, is not a zero"},
		{"USD", "2.0001", "USD has 2 decimal places"},
		{"JPY", "500.5", "byte 4, past the decimal places, is not a zero"},
		{"BHD", "1.2345", "BHD has 3 decimal places"},
		{"USD", "\xef\xbc\x92", "byte 0xef at byte 0 is not an ASCII digit"}, /* fullwidth 2 */
		{"USD", "\xd9\xa2.00", "\"\\xd9\\xa2.00\""},                             /* Arabic-Indic 2 */
		{"USD", "NaN", "'N' at byte 0"},
		{"USD", "Infinity", "'I' at byte 0"},
		/* int64 overflow by one minor unit, for each digit class. */
		{"USD", "92233720368547758.08", "too large; the largest USD amount is 92233720368547758.07"},
		{"JPY", "9223372036854775808", "the largest JPY amount is 9223372036854775807"},
		{"BHD", "9223372036854775.808", "the largest BHD amount is 9223372036854775.807"},
		{"CLF", "922337203685477.5808", "the largest CLF amount is 922337203685477.5807"},
		{"USD", "92233720368547759", "too large"},
		{"USD", "99999999999999999999999999999", "too large"},
		/* One byte over NUMBERING_MONEY_MAX_INPUT, and far over. */
		{"USD", "00000000000000000000000000000000000000000000000000000000000001.00", "longer than 64 bytes"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t v = 42;
		int rc = numbering_money_parse(&v, cases[i].currency, cases[i].amount);
		ck_assert_msg(rc == NUMBERING_INVALID_ARGUMENT, "%s \"%s\" was accepted (%" PRId64 ")", cases[i].currency,
		              cases[i].amount, v);
		check_error(rc, NUMBERING_INVALID_ARGUMENT, "amount", cases[i].needle);
		ck_assert_int_eq(v, 0);
		/* The message quotes the value (bounded), whatever it was. */
		if (cases[i].amount[0] != '\0' && strlen(cases[i].amount) < 40 && (unsigned char)cases[i].amount[0] < 0x80 &&
		    strchr(cases[i].amount, '\n') == NULL) {
			char quoted[64];
			snprintf(quoted, sizeof(quoted), "\"%s\"", cases[i].amount);
			ck_assert_msg(strstr(numbering_error_message(), quoted) != NULL, "\"%s\" lacks %s",
			              numbering_error_message(), quoted);
		}
	}

	/* A long string without NUL for far more than the bound is cut, and its quote is bounded. */
	size_t big = 1 << 20;
	char *huge = malloc(big + 1);
	ck_assert_ptr_nonnull(huge);
	memset(huge, '9', big);
	huge[big] = '\0';
	int64_t v = 42;
	check_error(numbering_money_parse(&v, "USD", huge), NUMBERING_INVALID_ARGUMENT, "amount", "longer than 64 bytes");
	ck_assert_uint_lt(strlen(numbering_error_message()), 400);
	free(huge);

	check_error(numbering_money_parse(&v, "USD", NULL), NUMBERING_INVALID_ARGUMENT, "amount", "amount is required");
	check_error(numbering_money_parse(NULL, "USD", "2.00"), NUMBERING_INVALID_ARGUMENT, "minor_units", "NULL");
	/* The currency is checked before the amount. */
	check_error(numbering_money_parse(&v, "usd", "x"), NUMBERING_INVALID_ARGUMENT, "currency_code", "\"USD\"");
}
END_TEST

/* ---- Formatting ---- */

static void expect_format(const char *currency, int64_t minor_units, const char *text)
{
	char buf[NUMBERING_MONEY_BUFSIZE];
	memset(buf, 'x', sizeof(buf));
	int rc = numbering_money_format(buf, sizeof(buf), currency, minor_units);
	ck_assert_msg(rc == NUMBERING_OK, "format %" PRId64 " %s: %s", minor_units, currency, numbering_error_message());
	ck_assert_str_eq(buf, text);
}

START_TEST(format_amounts)
{
	expect_format("USD", 200, "2.00");
	expect_format("USD", 5, "0.05");
	expect_format("USD", 0, "0.00");
	expect_format("USD", 123456, "1234.56");
	expect_format("USD", INT64_MAX, "92233720368547758.07");
	expect_format("JPY", 500, "500");
	expect_format("JPY", 0, "0");
	expect_format("JPY", INT64_MAX, "9223372036854775807");
	expect_format("BHD", 1234, "1.234");
	expect_format("KWD", 5, "0.005");
	expect_format("CLF", 1, "0.0001");
	expect_format("CLF", 12345, "1.2345");
	expect_format("CLF", INT64_MAX, "922337203685477.5807");
}
END_TEST

START_TEST(format_refusals)
{
	char buf[NUMBERING_MONEY_BUFSIZE];
	/* "2.00" takes 5 bytes with its NUL: 5 is enough, 4 is not. */
	ck_assert_int_eq(numbering_money_format(buf, 5, "USD", 200), NUMBERING_OK);
	ck_assert_str_eq(buf, "2.00");
	strcpy(buf, "junk");
	check_error(numbering_money_format(buf, 4, "USD", 200), NUMBERING_OUT_OF_RANGE, NULL, "needs 5 bytes, buffer has 4");
	ck_assert_str_eq(buf, "");
	check_error(numbering_money_format(buf, 1, "JPY", 500), NUMBERING_OUT_OF_RANGE, NULL, "needs 4 bytes");
	ck_assert_str_eq(buf, "");
	check_error(numbering_money_format(buf, 0, "JPY", 5), NUMBERING_OUT_OF_RANGE, NULL, "buffer has 0");
	/* The longest text of all fits NUMBERING_MONEY_BUFSIZE. */
	for (size_t i = 0; i < numbering__iso_currency_count; i++) {
		ck_assert_int_eq(numbering_money_format(buf, sizeof(buf), numbering__iso_currencies[i].code, INT64_MAX),
		                 NUMBERING_OK);
		ck_assert_uint_lt(strlen(buf), NUMBERING_MONEY_BUFSIZE);
	}
	strcpy(buf, "junk");
	check_error(numbering_money_format(buf, sizeof(buf), "USD", -1), NUMBERING_INVALID_ARGUMENT, "minor_units",
	             "minor_units -1 is negative");
	ck_assert_str_eq(buf, "");
	check_error(numbering_money_format(buf, sizeof(buf), "USD", INT64_MIN), NUMBERING_INVALID_ARGUMENT, "minor_units",
	             "negative");
	check_error(numbering_money_format(NULL, 10, "USD", 1), NUMBERING_INVALID_ARGUMENT, "buf", "NULL");
}
END_TEST

/* format then parse gives the value back, and parse then format the canonical text, for
 * every currency and values across the int64 range. */
START_TEST(round_trips)
{
	int64_t values[200];
	size_t n = 0;
	static const int64_t fixed[] = {0, 1, 2, 9, 10, 11, 99, 100, 101, 999, 1000, 1001, 123456789,
	                                INT64_MAX - 1, INT64_MAX, INT64_MAX / 10, INT64_MAX / 100 + 1};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		values[n++] = fixed[i];
	int64_t p = 1;
	for (int i = 0; i < 18; i++, p *= 10) {
		values[n++] = p - 1;
		values[n++] = p;
		values[n++] = p + 1;
	}
	uint64_t x = 0x9e3779b97f4a7c15u; /* xorshift, fixed seed: the same values every run */
	while (n < sizeof(values) / sizeof(values[0])) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		values[n++] = (int64_t)(x >> (1 + x % 63)); /* every magnitude */
	}
	for (size_t c = 0; c < numbering__iso_currency_count; c++) {
		const char *code = numbering__iso_currencies[c].code;
		for (size_t i = 0; i < n; i++) {
			char text[NUMBERING_MONEY_BUFSIZE], again[NUMBERING_MONEY_BUFSIZE];
			ck_assert_int_eq(numbering_money_format(text, sizeof(text), code, values[i]), NUMBERING_OK);
			int64_t back = parse_ok(code, text);
			ck_assert_msg(back == values[i], "%s %" PRId64 " -> \"%s\" -> %" PRId64, code, values[i], text, back);
			ck_assert_int_eq(numbering_money_format(again, sizeof(again), code, back), NUMBERING_OK);
			ck_assert_str_eq(again, text);
			/* Trailing zeros past the currency's digits and leading zeros change nothing. */
			char padded[NUMBERING_MONEY_BUFSIZE + 8];
			snprintf(padded, sizeof(padded), "00%s%s000", text, numbering__iso_currencies[c].digits ? "" : ".");
			ck_assert_int_eq(parse_ok(code, padded), values[i]);
		}
	}
}
END_TEST

/* ---- Regions ---- */

START_TEST(region_names)
{
	static const struct {
		const char *code, *name;
	} cases[] = {
		{"US", "United States"}, {"SE", "Sweden"}, {"GB", "United Kingdom"}, {"AU", "Australia"},
		{"KR", "South Korea"},   {"BO", "Bolivia"}, {"CI", "C\xc3\xb4te d'Ivoire"}, {"AD", "Andorra"},
		{"ZW", "Zimbabwe"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *name = NULL;
		ck_assert_int_eq(numbering_region_name(&name, cases[i].code), NUMBERING_OK);
		ck_assert_str_eq(name, cases[i].name);
		ck_assert_int_eq(numbering_region_is_known(cases[i].code), 1);
	}
	const char *name = "stale";
	check_error(numbering_region_name(&name, "UK"), NUMBERING_NOT_FOUND, "region_code",
	             "region_code \"UK\" is not an ISO 3166-1 alpha-2 region (the United Kingdom is \"GB\")");
	ck_assert_ptr_null(name);
	check_error(numbering_region_name(&name, "ZZ"), NUMBERING_NOT_FOUND, "region_code", "\"ZZ\"");
	check_error(numbering_region_name(&name, "XK"), NUMBERING_NOT_FOUND, "region_code", "\"XK\"");
	check_error(numbering_region_name(&name, "us"), NUMBERING_INVALID_ARGUMENT, "region_code",
	             "region_code \"us\" must be upper-case, as ISO 3166-1 alpha-2 writes it: \"US\"");
	check_error(numbering_region_name(&name, "USA"), NUMBERING_INVALID_ARGUMENT, "region_code",
	             "\"USA\" is not an ISO 3166-1 alpha-2 code");
	check_error(numbering_region_name(&name, "U"), NUMBERING_INVALID_ARGUMENT, "region_code", "\"U\"");
	check_error(numbering_region_name(&name, "U1"), NUMBERING_INVALID_ARGUMENT, "region_code", "\"U1\"");
	check_error(numbering_region_name(&name, "001"), NUMBERING_INVALID_ARGUMENT, "region_code", "\"001\"");
	check_error(numbering_region_name(&name, ""), NUMBERING_INVALID_ARGUMENT, "region_code", "required");
	check_error(numbering_region_name(&name, NULL), NUMBERING_INVALID_ARGUMENT, "region_code", "required");
	ck_assert_ptr_null(name);
	check_error(numbering_region_name(NULL, "US"), NUMBERING_INVALID_ARGUMENT, "out", "NULL");
	ck_assert_int_eq(numbering_region_is_known("UK"), 0);
	ck_assert_int_eq(numbering_region_is_known("us"), 0);
	ck_assert_int_eq(numbering_region_is_known(NULL), 0);
	ck_assert_int_eq(numbering_region_is_known("USA"), 0);
}
END_TEST

/* The binary searches need strictly sorted tables; every entry is found by its code. */
START_TEST(tables_sorted)
{
	ck_assert_uint_gt(numbering__iso_region_count, 240);
	for (size_t i = 0; i < numbering__iso_region_count; i++) {
		if (i > 0)
			ck_assert_int_lt(strcmp(numbering__iso_regions[i - 1].code, numbering__iso_regions[i].code), 0);
		const char *name = NULL;
		ck_assert_int_eq(numbering_region_name(&name, numbering__iso_regions[i].code), NUMBERING_OK);
		ck_assert_ptr_eq(name, numbering__iso_regions[i].name);
	}
	ck_assert_uint_gt(numbering__iso_currency_count, 150);
	for (size_t i = 0; i < numbering__iso_currency_count; i++) {
		if (i > 0)
			ck_assert_int_lt(strcmp(numbering__iso_currencies[i - 1].code, numbering__iso_currencies[i].code), 0);
		ck_assert_ptr_eq(numbering__iso_currency_find(numbering__iso_currencies[i].code), &numbering__iso_currencies[i]);
	}
	ck_assert_int_eq(strncmp(numbering_iso_data_version(), "iso-codes ", 10), 0);
	ck_assert_ptr_nonnull(strstr(numbering_iso_data_version(), "ICU "));
}
END_TEST

/* The committed table says what iso-codes on this machine says (in
 * NUMBERING_ISO_CODES_DIR, default /usr/share/iso-codes/json). A failure after an
 * iso-codes upgrade means: run tools/gen-iso-data/regenerate.sh. */
static json_t *load_iso_codes(const char *file, const char *key)
{
	const char *dir = getenv("NUMBERING_ISO_CODES_DIR");
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir != NULL ? dir : ISO_CODES_DIR, file);
	json_error_t error;
	json_t *root = json_load_file(path, 0, &error);
	if (root == NULL) {
		fprintf(stderr, "money: %s not readable (%s); skipping the comparison with iso-codes\n", path, error.text);
		return NULL;
	}
	ck_assert_msg(json_is_array(json_object_get(root, key)), "%s has no \"%s\" array", path, key);
	return root;
}

START_TEST(table_matches_iso_codes)
{
	json_t *root = load_iso_codes("iso_3166-1.json", "3166-1");
	if (root != NULL) {
		json_t *list = json_object_get(root, "3166-1");
		ck_assert_msg(json_array_size(list) == numbering__iso_region_count,
		              "iso-codes has %zu regions, the table %zu: run tools/gen-iso-data/regenerate.sh",
		              json_array_size(list), numbering__iso_region_count);
		size_t i;
		json_t *entry;
		json_array_foreach(list, i, entry) {
			const char *code = json_string_value(json_object_get(entry, "alpha_2"));
			const char *common = json_string_value(json_object_get(entry, "common_name"));
			const char *expected = common != NULL ? common : json_string_value(json_object_get(entry, "name"));
			ck_assert_ptr_nonnull(code);
			const char *name = NULL;
			ck_assert_msg(numbering_region_name(&name, code) == NUMBERING_OK,
			              "%s: %s (run tools/gen-iso-data/regenerate.sh)", code, numbering_error_message());
			ck_assert_msg(strcmp(name, expected) == 0, "%s is \"%s\" in the table, \"%s\" in iso-codes", code, name,
			              expected);
		}
		json_decref(root);
	}
	root = load_iso_codes("iso_4217.json", "4217");
	if (root != NULL) {
		json_t *list = json_object_get(root, "4217");
		ck_assert_msg(json_array_size(list) == numbering__iso_currency_count,
		              "iso-codes has %zu currencies, the table %zu: run tools/gen-iso-data/regenerate.sh",
		              json_array_size(list), numbering__iso_currency_count);
		size_t i;
		json_t *entry;
		json_array_foreach(list, i, entry) {
			const char *code = json_string_value(json_object_get(entry, "alpha_3"));
			const char *numeric = json_string_value(json_object_get(entry, "numeric"));
			ck_assert_ptr_nonnull(code);
			ck_assert_ptr_nonnull(numeric);
			const struct numbering__iso_currency *c = numbering__iso_currency_find(code);
			ck_assert_msg(c != NULL, "%s is in iso-codes, not in the table", code);
			ck_assert_int_eq(c->numeric, atoi(numeric));
		}
		json_decref(root);
	}
}
END_TEST

Suite *money_suite(void)
{
	Suite *s = suite_create("money");
	TCase *tc = tcase_create("currency");
	tcase_add_test(tc, currency_digit_classes);
	tcase_add_test(tc, currency_refusals);
	suite_add_tcase(s, tc);
	tc = tcase_create("amount");
	tcase_add_test(tc, parse_amounts);
	tcase_add_test(tc, parse_refusals);
	tcase_add_test(tc, format_amounts);
	tcase_add_test(tc, format_refusals);
	tcase_add_test(tc, round_trips);
	suite_add_tcase(s, tc);
	tc = tcase_create("region");
	tcase_add_test(tc, region_names);
	tcase_add_test(tc, tables_sorted);
	tcase_add_test(tc, table_matches_iso_codes);
	suite_add_tcase(s, tc);
	return s;
}
