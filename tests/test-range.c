/* Range notation, ranges from a size or bounds, and printing. */
#include <string.h>

#include <numbering/numbering.h>

#include "suites.h"

static numbering_range *range;
static numbering_number *a, *b;

static void setup(void)
{
	ck_assert_int_eq(numbering_range_new(&range), NUMBERING_OK);
	ck_assert_int_eq(numbering_number_new(&a), NUMBERING_OK);
	ck_assert_int_eq(numbering_number_new(&b), NUMBERING_OK);
}

static void teardown(void)
{
	numbering_range_free(range);
	numbering_number_free(a);
	numbering_number_free(b);
}

static void expect_range(const char *text, const char *region, const char *start, const char *end, int64_t size,
                         const char *notation)
{
	int rc = numbering_e164_parse_range(range, text, region);
	ck_assert_msg(rc == NUMBERING_OK, "range \"%s\": %s", text, numbering_error_message());
	ck_assert_str_eq(numbering_number_e164(numbering_range_start(range)), start);
	ck_assert_str_eq(numbering_number_e164(numbering_range_end(range)), end);
	ck_assert_int_eq(numbering_range_size(range), size);
	char buf[NUMBERING_RANGE_BUFSIZE];
	ck_assert_int_eq(numbering_range_format(buf, sizeof(buf), range), NUMBERING_OK);
	ck_assert_str_eq(buf, notation);
}

static void reject_range(const char *text, const char *why)
{
	ck_assert_int_eq(numbering_e164_parse_range(range, text, NULL), NUMBERING_INVALID_ARGUMENT);
	ck_assert_msg(strstr(numbering_error_message(), why) != NULL, "range \"%s\": message \"%s\" lacks \"%s\"", text,
	              numbering_error_message(), why);
	ck_assert_int_eq(numbering_range_size(range), 0);
}

START_TEST(seed_notation)
{
	expect_range("+61255501100-99", NULL, "+61255501100", "+61255501199", 100, "+61255501100-99");
	/* The seed's split example: the two halves print as the seed writes them. */
	expect_range("+61255501100-19", NULL, "+61255501100", "+61255501119", 20, "+61255501100-19");
	expect_range("+61255501120-99", NULL, "+61255501120", "+61255501199", 80, "+61255501120-99");
}
END_TEST

START_TEST(general_suffix_replaces_last_digits)
{
	expect_range("+61255501100-1299", NULL, "+61255501100", "+61255501299", 200, "+61255501100-299");
	expect_range("+61255501100-5", NULL, "+61255501100", "+61255501105", 6, "+61255501100-5");
	expect_range("+61255000000-9999999", NULL, "+61255000000", "+61259999999", 5000000, "+61255000000-9999999");
	expect_range("+61 2 5550 1100-99", NULL, "+61255501100", "+61255501199", 100, "+61255501100-99");
	expect_range("02 5550 1100-99", "AU", "+61255501100", "+61255501199", 100, "+61255501100-99");
}
END_TEST

START_TEST(single_numbers_are_ranges_of_one)
{
	expect_range("+61255501100", NULL, "+61255501100", "+61255501100", 1, "+61255501100-0");
	/* Dashes as formatting are not range notation. */
	expect_range("+1-202-555-0134", NULL, "+12025550134", "+12025550134", 1, "+12025550134-4");
	expect_range("+61255501100-0", NULL, "+61255501100", "+61255501100", 1, "+61255501100-0");
	/* Dashes that group digits: the part before the last one is a possible number, but
	 * as a range it would run backwards, so the whole text is one number. */
	expect_range("(02) 5550-1100", "AU", "+61255501100", "+61255501100", 1, "+61255501100-0");
	expect_range("02 5550-1100", "AU", "+61255501100", "+61255501100", 1, "+61255501100-0");
	expect_range("+61 2-5550-1100", NULL, "+61255501100", "+61255501100", 1, "+61255501100-0");
	expect_range("+61-2-5550-1100", NULL, "+61255501100", "+61255501100", 1, "+61255501100-0");
}
END_TEST

START_TEST(ambiguous_dashes_are_refused)
{
	/* Both a range of short numbers and one full number: refused rather than guessed. */
	const struct {
		const char *text, *region;
	} ambiguous[] = {{"0412 345-678", "AU"},
	                 {"030 1234-5678", "DE"},
	                 {"+49 30 1234-5678", NULL},
	                 /* AU numbers of 12 digits are possible, so spaced notation is ambiguous too. */
	                 {"+61 412 345 000-999", NULL}};
	for (size_t i = 0; i < sizeof(ambiguous) / sizeof(ambiguous[0]); i++) {
		ck_assert_int_eq(numbering_e164_parse_range(range, ambiguous[i].text, ambiguous[i].region),
		                 NUMBERING_INVALID_ARGUMENT);
		ck_assert_msg(strstr(numbering_error_message(), "is ambiguous") != NULL, "%s: %s", ambiguous[i].text,
		              numbering_error_message());
		ck_assert_int_eq(numbering_range_size(range), 0);
	}
	/* Written plainly, range notation is never ambiguous. */
	expect_range("+493012345678-99", NULL, "+493012345678", "+493012345699", 22, "+493012345678-99");
	expect_range("0412345000-999", "AU", "+61412345000", "+61412345999", 1000, "+61412345000-999");
	/* A whole that fits only by keeping the trunk prefix is no reading. */
	expect_range("02 5550 1100-99", "AU", "+61255501100", "+61255501199", 100, "+61255501100-99");
}
END_TEST

START_TEST(rejects_bad_ranges)
{
	reject_range("+61255501150-10", "below start");
	reject_range("+61255501100-1234567890", "suffix of 10 digits is longer than the national number 255501100");
	reject_range("+61 FOO-99", "letter");
	reject_range("+61255501100-", "suffix after '-' is empty");
	reject_range("+61255501100- ", "suffix after '-' is empty");
	ck_assert_int_eq(numbering_e164_parse_range(range, NULL, NULL), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_e164_parse_range(NULL, "+61255501100-99", NULL), NUMBERING_INVALID_ARGUMENT);
}
END_TEST

START_TEST(from_size)
{
	ck_assert_int_eq(numbering_e164_parse(a, "+61255501100", NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_range_from_size(range, a, 100), NUMBERING_OK);
	ck_assert_str_eq(numbering_number_e164(numbering_range_end(range)), "+61255501199");
	ck_assert_int_eq(numbering_range_from_size(range, a, 1), NUMBERING_OK);
	ck_assert_str_eq(numbering_number_e164(numbering_range_end(range)), "+61255501100");
	ck_assert_int_eq(numbering_range_from_size(range, a, 0), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "range.size");
	ck_assert_int_eq(numbering_range_from_size(range, a, -5), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_range_from_size(range, a, INT64_MAX), NUMBERING_INVALID_ARGUMENT);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "more digits"));

	/* +61 999999999 + 1 would be +62000000000: another calling code. */
	ck_assert_int_eq(numbering_e164_parse(a, "+61999999999", NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_range_from_size(range, a, 2), NUMBERING_INVALID_ARGUMENT);
	ck_assert_ptr_nonnull(strstr(numbering_error_message(), "another country calling code"));
	ck_assert_int_eq(numbering_range_from_size(range, NULL, 2), NUMBERING_INVALID_ARGUMENT);
}
END_TEST

START_TEST(from_bounds)
{
	ck_assert_int_eq(numbering_e164_parse(a, "+61255501100", NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_e164_parse(b, "+61255501199", NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_range_from_bounds(range, a, b), NUMBERING_OK);
	ck_assert_int_eq(numbering_range_size(range), 100);
	ck_assert_int_eq(numbering_range_from_bounds(range, b, a), NUMBERING_INVALID_ARGUMENT);
	ck_assert_str_eq(numbering_error_violation_field(0), "range.end_phone_number");
	ck_assert_int_eq(numbering_e164_parse(b, "+6425550119", NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_range_from_bounds(range, a, b), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_e164_parse(b, "+612555011990", NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_range_from_bounds(range, a, b), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_range_from_bounds(range, a, NULL), NUMBERING_INVALID_ARGUMENT);
}
END_TEST

START_TEST(format_errors)
{
	char buf[NUMBERING_RANGE_BUFSIZE];
	ck_assert_int_eq(numbering_range_format(buf, sizeof(buf), range), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_range_format(NULL, 10, range), NUMBERING_INVALID_ARGUMENT);
	ck_assert_int_eq(numbering_e164_parse_range(range, "+61255501100-99", NULL), NUMBERING_OK);
	ck_assert_int_eq(numbering_range_format(buf, 15, range), NUMBERING_OUT_OF_RANGE);
	ck_assert_int_eq(numbering_range_format(buf, 16, range), NUMBERING_OK);
	ck_assert_ptr_null(numbering_range_start(NULL));
	ck_assert_int_eq(numbering_range_size(NULL), 0);
	numbering_range_free(NULL);
	numbering_number_free(NULL);
}
END_TEST

Suite *range_suite(void)
{
	Suite *s = suite_create("range");
	TCase *tc = tcase_create("range");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, seed_notation);
	tcase_add_test(tc, general_suffix_replaces_last_digits);
	tcase_add_test(tc, single_numbers_are_ranges_of_one);
	tcase_add_test(tc, ambiguous_dashes_are_refused);
	tcase_add_test(tc, rejects_bad_ranges);
	tcase_add_test(tc, from_size);
	tcase_add_test(tc, from_bounds);
	tcase_add_test(tc, format_errors);
	suite_add_tcase(s, tc);
	return s;
}
