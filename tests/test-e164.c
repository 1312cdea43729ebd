/* E.164 parsing: accepted forms, country facts, length verdicts and every rejection. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <numbering/numbering.h>

#include "e164/number.h"
#include "suites.h"

static numbering_number *num;

static void setup(void)
{
	ck_assert_int_eq(numbering_number_new(&num), NUMBERING_OK);
}

static void teardown(void)
{
	numbering_number_free(num);
	num = NULL;
}

/* Parses and checks the canonical form. */
static void expect(const char *text, const char *region, const char *e164)
{
	int rc = numbering_e164_parse(num, text, region);
	ck_assert_msg(rc == NUMBERING_OK, "parse(\"%s\", %s) failed: %s", text, region ? region : "NULL",
	              numbering_error_message());
	ck_assert_str_eq(numbering_number_e164(num), e164);
}

/* Parses, expects INVALID_ARGUMENT whose message contains @why. */
static void reject(const char *text, const char *region, const char *why)
{
	int rc = numbering_e164_parse(num, text, region);
	ck_assert_msg(rc == NUMBERING_INVALID_ARGUMENT, "parse(\"%s\") gave %d, want INVALID_ARGUMENT", text, rc);
	ck_assert_msg(strstr(numbering_error_message(), why) != NULL, "parse(\"%s\"): message \"%s\" lacks \"%s\"", text,
	              numbering_error_message(), why);
	ck_assert_int_eq(numbering_error_violation_count(), 1);
	ck_assert_str_eq(numbering_number_e164(num), "");
	ck_assert_int_eq(numbering_number_country_code(num), 0);
}

START_TEST(plus_e164_forms)
{
	expect("+61255501100", NULL, "+61255501100");
	expect("+61 2 5550 1100", NULL, "+61255501100");
	expect("+1 (202) 555-0134", NULL, "+12025550134");
	expect("+44.20.7946.0958", NULL, "+442079460958");
	expect("(+49) 30/1234567", NULL, "+49301234567");
	expect("  +81 3-1234-5678  ", "AU", "+81312345678");
	ck_assert_int_eq(numbering_number_country_code(num), 81);
	ck_assert_str_eq(numbering_number_national(num), "312345678");
}
END_TEST

START_TEST(national_forms)
{
	expect("02 5550 1100", "AU", "+61255501100");
	expect("2 5550 1100", "AU", "+61255501100");
	expect("(202) 555-0134", "US", "+12025550134");
	expect("1 202 555 0134", "US", "+12025550134");
	expect("202.555.0134", "us", "+12025550134");
	expect("020 7946 0958", "GB", "+442079460958");
	expect("030 1234567", "DE", "+49301234567");
	expect("(416) 555-0199", "CA", "+14165550199");
}
END_TEST

START_TEST(international_prefix_forms)
{
	expect("0011 61 2 5550 1100", "AU", "+61255501100");
	expect("011 61 2 5550 1100", "US", "+61255501100");
	expect("00 44 20 7946 0958", "DE", "+442079460958");
	expect("00 1 202 555 0134", "GB", "+12025550134");
	expect("011 44 20 7946 0958", "CA", "+442079460958");
}
END_TEST

START_TEST(country_facts)
{
	expect("+61255501100", NULL, "+61255501100");
	ck_assert_int_eq(numbering_number_country_code(num), 61);
	ck_assert_str_eq(numbering_number_national(num), "255501100");
	ck_assert_int_ge(numbering_number_region_count(num), 1);
	ck_assert_str_eq(numbering_number_region(num, 0), "AU");
	ck_assert_ptr_null(numbering_number_region(num, numbering_number_region_count(num)));
	ck_assert_ptr_null(numbering_number_region(num, -1));

	expect("+12025550134", NULL, "+12025550134");
	ck_assert_str_eq(numbering_number_region(num, 0), "US");
	int found_ca = 0;
	for (int i = 0; i < numbering_number_region_count(num); i++)
		found_ca |= strcmp(numbering_number_region(num, i), "CA") == 0;
	ck_assert(found_ca);
	ck_assert_int_gt(numbering_number_region_count(num), 20);

	expect("+800 1234 5678", NULL, "+80012345678");
	ck_assert_int_eq(numbering_number_country_code(num), 800);
	ck_assert_str_eq(numbering_number_region(num, 0), "001");

	ck_assert_int_eq(numbering_e164_region_country_code("AU"), 61);
	ck_assert_int_eq(numbering_e164_region_country_code("au"), 61);
	ck_assert_int_eq(numbering_e164_region_country_code("GB"), 44);
	ck_assert_int_eq(numbering_e164_region_country_code("ZZ"), 0);
	ck_assert_int_eq(numbering_e164_region_country_code(""), 0);
	ck_assert_int_eq(numbering_e164_region_country_code(NULL), 0);
}
END_TEST

START_TEST(length_verdicts)
{
	/* US: national numbers have 10 digits; 7 are dialable locally only. */
	expect("+1 202 555 0134", NULL, "+12025550134");
	ck_assert_int_eq(numbering_number_length_verdict(num), NUMBERING_LENGTH_POSSIBLE);
	ck_assert_int_eq(numbering_number_is_possible(num), 1);
	ck_assert_int_eq(numbering_number_require_possible(num, NULL), NUMBERING_OK);

	expect("+1 202 555 013", NULL, "+1202555013");
	ck_assert_int_eq(numbering_number_length_verdict(num), NUMBERING_LENGTH_TOO_SHORT);
	ck_assert_int_eq(numbering_number_is_possible(num), 0);

	expect("+1 202 555 01345", NULL, "+120255501345");
	ck_assert_int_eq(numbering_number_length_verdict(num), NUMBERING_LENGTH_TOO_LONG);

	expect("+1 555 0134", NULL, "+15550134");
	ck_assert_int_eq(numbering_number_length_verdict(num), NUMBERING_LENGTH_POSSIBLE_LOCAL_ONLY);
	ck_assert_int_eq(numbering_number_is_possible(num), 0);

	/* Storing requires POSSIBLE, and the error names the field and the number. */
	ck_assert_int_eq(numbering_number_require_possible(num, "phone_number_instance.phone_number"),
	                 NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "phone_number_instance.phone_number");
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "+15550134"));
	ck_assert_int_eq(numbering_number_require_possible(NULL, NULL), NUMBERING_INVALID_ARGUMENT);

	ck_assert_str_eq(numbering_length_verdict_name(NUMBERING_LENGTH_POSSIBLE), "POSSIBLE");
	ck_assert_str_eq(numbering_length_verdict_name(NUMBERING_LENGTH_POSSIBLE_LOCAL_ONLY), "POSSIBLE_LOCAL_ONLY");
	ck_assert_str_eq(numbering_length_verdict_name(NUMBERING_LENGTH_TOO_SHORT), "TOO_SHORT");
	ck_assert_str_eq(numbering_length_verdict_name(NUMBERING_LENGTH_INVALID), "INVALID_LENGTH");
	ck_assert_str_eq(numbering_length_verdict_name(NUMBERING_LENGTH_TOO_LONG), "TOO_LONG");
	ck_assert_str_eq(numbering_length_verdict_name(42), "UNKNOWN");
}
END_TEST

START_TEST(invalid_length_between_possible_lengths)
{
	/* Some country has a gap in its possible lengths; find one through the API and
	 * check a number of that length is INVALID_LENGTH rather than short or long. */
	int found = 0;
	for (int cc = 1; cc < 1000 && !found; cc++) {
		char text[32];
		int verdicts[16] = {0};
		int assigned = 0;
		for (int len = 2; len <= 15 - (cc >= 100 ? 3 : cc >= 10 ? 2 : 1); len++) {
			int n = snprintf(text, sizeof(text), "+%d", cc);
			for (int i = 0; i < len; i++)
				text[n + i] = (char)('2' + i % 7);
			text[n + len] = '\0';
			if (numbering_e164_parse(num, text, NULL) != NUMBERING_OK || numbering_number_country_code(num) != cc)
				break;
			assigned = 1;
			verdicts[len] = numbering_number_length_verdict(num) + 1;
		}
		for (int len = 2; assigned && len < 16; len++)
			found |= verdicts[len] == NUMBERING_LENGTH_INVALID + 1;
	}
	ck_assert_msg(found, "no calling code reports INVALID_LENGTH for any length");
}
END_TEST

START_TEST(parse_n_needs_no_terminator)
{
	const char buf[] = {'+', '6', '1', '2', '5', '5', '5', '0', '1', '1', '0', '0', '9', '9'};
	ck_assert_int_eq(numbering_e164_parse_n(num, buf, 12, NULL), NUMBERING_OK);
	ck_assert_str_eq(numbering_number_e164(num), "+61255501100");
}
END_TEST

/* numbering_e164_parse_n() takes a length: a NUL inside it is refused naming its byte,
 * never taken as the end of the number (which would parse "+61255501100\0junk" as
 * +61255501100), wherever it is and with or without a region (issue 17). */
START_TEST(parse_n_refuses_nul_inside_len)
{
	static const struct {
		const char *text;
		size_t len;
		const char *region;
		const char *why;
	} cases[] = {
		{"\0+61255501100", 13, NULL, "byte 0x00 at byte 0"},
		{"+6125550\0001100", 13, NULL, "byte 0x00 at byte 8"},
		{"+61255501100\0", 13, NULL, "byte 0x00 at byte 12"},
		{"+61255501100\0junk", 17, NULL, "byte 0x00 at byte 12"},
		{"02 5550 1100\0", 13, "AU", "byte 0x00 at byte 12"},
		{"\0", 1, "AU", "byte 0x00 at byte 0"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(numbering_e164_parse(num, "+61299990000", NULL), NUMBERING_OK);
		int rc = numbering_e164_parse_n(num, cases[i].text, cases[i].len, cases[i].region);
		ck_assert_msg(rc == NUMBERING_INVALID_ARGUMENT, "case %zu gave %d", i, rc);
		ck_assert_msg(strstr(numbering_error_message(), cases[i].why) != NULL, "case %zu: %s", i,
		              numbering_error_message());
		ck_assert_int_eq(numbering_error_violation_count(), 1);
		ck_assert_str_eq(numbering_error_violation_field(0), "phone_number");
		ck_assert_str_eq(numbering_number_e164(num), ""); /* emptied, not the text before the NUL */
	}
}
END_TEST

/* Compares @a, parsed from the canonical form, with @b, parsed from the same digits by
 * the general path: the answers a caller can see. */
static void same_number(const numbering_number *a, const numbering_number *b, const char *text)
{
	ck_assert_msg(strcmp(numbering_number_e164(a), numbering_number_e164(b)) == 0, "%s: %s, general path %s", text,
	              numbering_number_e164(a), numbering_number_e164(b));
	ck_assert_int_eq(numbering_number_country_code(a), numbering_number_country_code(b));
	ck_assert_str_eq(numbering_number_national(a), numbering_number_national(b));
	ck_assert_int_eq(numbering_number_length_verdict(a), numbering_number_length_verdict(b));
	ck_assert_int_eq(numbering_number_region_count(a), numbering_number_region_count(b));
	for (int i = 0; i < numbering_number_region_count(a); i++)
		ck_assert_str_eq(numbering_number_region(a, i), numbering_number_region(b, i));
}

/* Parses @canonical and, through the general path, the same digits after "+ " (a
 * space is formatting); both must answer alike. Returns the answer. */
static int agree(numbering_number *general, const char *canonical)
{
	char spaced[56];
	snprintf(spaced, sizeof(spaced), "+ %s", canonical + 1);
	int a = numbering_e164_parse(num, canonical, NULL);
	int b = numbering_e164_parse(general, spaced, NULL);
	ck_assert_msg(a == b, "%s gave %d, the general path %d", canonical, a, b);
	if (a == NUMBERING_OK)
		same_number(num, general, canonical);
	else
		ck_assert_str_eq(numbering_number_e164(num), "");
	return a;
}

/* The canonical form ('+' and digits, nothing else) is parsed by a path of its own
 * (lib/e164/parse.c, the resolve path's): for every calling code 0 .. 999 (those
 * that start no assigned code are tried once), national numbers of 0 to 15 digits
 * and first national digits 0, 1 and 8 (every trunk prefix starts with one, and the
 * general path may strip it) and 5, it answers what the general path answers for the
 * same digits, success or failure. */
START_TEST(canonical_form_agrees_with_general_path)
{
	numbering_number *general = NULL;
	ck_assert_int_eq(numbering_number_new(&general), NUMBERING_OK);
	static const char rest[] = "55501234567890123";
	static const int firsts[] = {0, 1, 5, 8};
	char canonical[48];
	long ok = 0, refused = 0;
	for (int cc = 0; cc < 1000; cc++) {
		snprintf(canonical, sizeof(canonical), "+%d55501234", cc);
		if (agree(general, canonical) != NUMBERING_OK) {
			refused++;
			continue;
		}
		for (int len = 0; len <= 15; len++)
			for (size_t f = 0; f < sizeof(firsts) / sizeof(firsts[0]); f++) {
				int n = snprintf(canonical, sizeof(canonical), "+%d", cc);
				if (len > 0)
					snprintf(canonical + n, sizeof(canonical) - (size_t)n, "%d%.*s", firsts[f], len - 1, rest);
				if (agree(general, canonical) == NUMBERING_OK)
					ok++;
				else
					refused++;
			}
	}
	ck_assert_int_gt(ok, 5000);
	ck_assert_int_gt(refused, 5000);
	numbering_number_free(general);
}
END_TEST

/* What looks canonical but is not what the text says: a trunk prefix the general path
 * strips, too many digits, a calling code starting with 0, an unassigned one, a
 * national number too short, a NUL inside the length. */
START_TEST(canonical_looking_inputs)
{
	expect("+610255501100", NULL, "+61255501100"); /* AU's trunk prefix 0, stripped */
	ck_assert_str_eq(numbering_number_national(num), "255501100");
	expect("+4402079460958", NULL, "+442079460958");
	expect("+491234567890123", NULL, "+491234567890123"); /* 15 digits: the most E.164 allows */
	reject("+6125550110012345", NULL, "has 16 digits");
	reject("+4912345678901234", NULL, "has 16 digits");
	reject("+061255501100", NULL, "starting with 0");
	reject("+0", NULL, "starting with 0");
	reject("+2", NULL, "does not start with an assigned country calling code");
	reject("+8091234567", NULL, "does not start with an assigned country calling code");
	reject("+611", NULL, "too short");
	reject("+61", NULL, "too short");
	const char nul[] = {'+', '6', '1', '2', '5', '5', '5', '0', '1', '1', '0', '0', '\0'};
	ck_assert_int_eq(numbering_e164_parse_n(num, nul, sizeof(nul), NULL), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_number_e164(num), "");
	ck_assert_int_eq(numbering_e164_parse_n(num, nul, sizeof(nul) - 1, NULL), NUMBERING_OK);
	ck_assert_str_eq(numbering_number_e164(num), "+61255501100");
	ck_assert_int_eq(numbering_number_length_verdict(num), NUMBERING_LENGTH_POSSIBLE);
}
END_TEST

/* The canonical path reads 8 to 15 digits a word at a time (lib/e164/parse.c): every
 * digit count of +1 and +61 numbers gives the value its digits say (the key resolve
 * looks up), and a byte that is not a digit at any position, in either word, is
 * refused (':' and 0xFA pass half of the word's digit test, NUL ends nothing). */
START_TEST(canonical_digits_by_the_word)
{
	static const char *const ccs[] = {"1", "61", "880"};
	static const unsigned char bad[] = {':', '@', 'a', 0x00, 0x2f + 0x10, 0xfa, 0xff, 0xb0};
	const char *digits = "9876543210987654";
	for (size_t c = 0; c < sizeof(ccs) / sizeof(ccs[0]); c++)
		for (size_t total = strlen(ccs[c]) + 2; total <= 15; total++) {
			char text[24];
			int n = snprintf(text, sizeof(text), "+%s%.*s", ccs[c], (int)(total - strlen(ccs[c])), digits);
			ck_assert_int_eq(n, (int)total + 1);
			if (numbering_e164_parse(num, text, NULL) == NUMBERING_OK) {
				unsigned long long want = strtoull(text + 1, NULL, 10);
				ck_assert_msg(num->value == want, "%s: value %llu", text, (unsigned long long)num->value);
				ck_assert_str_eq(numbering_number_e164(num), text);
			}
			for (size_t at = 1; at <= total; at++)
				for (size_t b = 0; b < sizeof(bad); b++) {
					char broken[24];
					memcpy(broken, text, total + 2);
					broken[at] = (char)bad[b];
					int rc = numbering_e164_parse_n(num, broken, total + 1, NULL);
					ck_assert_msg(rc == NUMBERING_INVALID_ARGUMENT, "%s with 0x%02x at %zu gave %d", text, bad[b], at,
					              rc);
				}
		}
}
END_TEST

START_TEST(rejects_empty_and_missing)
{
	reject("", NULL, "empty");
	reject("   ", NULL, "has no digits");
	reject("()-.", "US", "has no digits");
	reject("+", NULL, "no country calling code");
	reject("+ ", NULL, "no country calling code");
	ck_assert_int_eq(numbering_e164_parse(num, NULL, NULL), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_e164_parse(NULL, "+61255501100", NULL), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_number_e164(NULL), "");
	ck_assert_int_eq(numbering_number_country_code(NULL), 0);
	ck_assert_int_eq(numbering_number_region_count(NULL), 0);
	ck_assert_int_eq(numbering_number_is_possible(NULL), 0);
}
END_TEST

START_TEST(rejects_letters_and_symbols)
{
	reject("+1 800 FLOWERS", NULL, "letter ('F' at byte 7)");
	reject("abc", "US", "letter");
	reject("+61 2 5550 1100 ext 12", NULL, "letter");
	reject("+61#255501100", NULL, "unexpected character ('#' at byte 3)");
	reject("+61 2\n5550", NULL, "unexpected character (byte 0x0a");
	reject("61+255501100", "AU", "'+' that does not start");
	reject("++61255501100", NULL, "'+' that does not start");
}
END_TEST

START_TEST(rejects_too_many_digits)
{
	reject("+1234567890123456", NULL, "has 16 digits; E.164 allows at most 15");
	reject("+61 2 5550 1100 1234 5", NULL, "at most 15");
	reject("0011 61 2555 0110 0123 45", "AU", "at most 15");
	char huge[400];
	memset(huge, '9', sizeof(huge) - 1);
	huge[0] = '+';
	huge[sizeof(huge) - 1] = '\0';
	reject(huge, NULL, "longer than 256 bytes");
}
END_TEST

START_TEST(rejects_unassigned_and_missing_country_code)
{
	reject("+28 1234 5678", NULL, "assigned country calling code (+281...)");
	reject("+999 1234 5678", NULL, "assigned country calling code");
	reject("+0 1234 5678", NULL, "starting with 0");
	reject("+80 1234 5678", NULL, "assigned country calling code");
	reject("0011 28 1234 5678", "AU", "assigned country calling code");
}
END_TEST

START_TEST(rejects_national_without_region)
{
	reject("02 5550 1100", NULL, "national number");
	reject("02 5550 1100", "", "national number");
	ck_assert_int_eq(numbering_e164_parse(num, "02 5550 1100", "ZZ"), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "region_code");
	ck_assert_int_eq(numbering_e164_parse(num, "02 5550 1100", "AUS"), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_e164_parse(num, "02 5550 1100", "001"), NUMBERING_INVALID_ARGUMENT);
}
END_TEST

START_TEST(rejects_non_ascii_digits)
{
	/* Arabic-Indic and fullwidth digits, and a stray invalid UTF-8 byte. */
	reject("+\xd9\xa6\xd9\xa1 2 5550 1100", NULL, "non-ASCII digit (U+0666 at byte 1)");
	reject("+61 \xef\xbc\x92 5550 1100", NULL, "non-ASCII digit (U+FF12");
	reject("+61 2 5550 1100\xc3", NULL, "not valid UTF-8");
	reject("+61 2 \xc3\xa9", NULL, "letter (U+00E9");
	reject("+61 2 \xe2\x80\x94 5550", NULL, "unexpected character (U+2014");
}
END_TEST

START_TEST(too_short_numbers)
{
	reject("+61 2", NULL, "too short");
	reject("0011 61", "AU", "too short");
	expect("+61 25", NULL, "+6125");
	ck_assert_int_eq(numbering_number_length_verdict(num), NUMBERING_LENGTH_TOO_SHORT);
}
END_TEST

START_TEST(failed_parse_empties_result)
{
	expect("+61255501100", NULL, "+61255501100");
	reject("+61 2 FOO", NULL, "letter");
	ck_assert_str_eq(numbering_number_national(num), "");
	ck_assert_int_eq(numbering_number_region_count(num), 0);
	ck_assert_int_eq(numbering_number_is_possible(num), 0);
}
END_TEST

Suite *e164_suite(void)
{
	Suite *s = suite_create("e164");
	TCase *tc = tcase_create("parse");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, plus_e164_forms);
	tcase_add_test(tc, national_forms);
	tcase_add_test(tc, international_prefix_forms);
	tcase_add_test(tc, country_facts);
	tcase_add_test(tc, length_verdicts);
	tcase_add_test(tc, invalid_length_between_possible_lengths);
	tcase_add_test(tc, parse_n_needs_no_terminator);
	tcase_add_test(tc, parse_n_refuses_nul_inside_len);
	tcase_add_test(tc, canonical_form_agrees_with_general_path);
	tcase_add_test(tc, canonical_looking_inputs);
	tcase_add_test(tc, canonical_digits_by_the_word);
	tcase_add_test(tc, rejects_empty_and_missing);
	tcase_add_test(tc, rejects_letters_and_symbols);
	tcase_add_test(tc, rejects_too_many_digits);
	tcase_add_test(tc, rejects_unassigned_and_missing_country_code);
	tcase_add_test(tc, rejects_national_without_region);
	tcase_add_test(tc, rejects_non_ascii_digits);
	tcase_add_test(tc, too_short_numbers);
	tcase_add_test(tc, failed_parse_empties_result);
	suite_add_tcase(s, tc);
	return s;
}
