/* The RFC 4180 reader of `numberctl import` (examples/numberctl/csv.c): its own runner,
 * since the reader is numberctl's, not the library's. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

/* Reads @text with @limit; returns the records as "[a|b] [c] !error! ...", each with
 * its line as "N:", in a static buffer. */
static const char *read_all(const char *text, size_t len, size_t limit)
{
	static char out[2048];
	FILE *in = fmemopen((void *)text, len, "rb");
	ck_assert_ptr_nonnull(in);
	struct csv_reader r;
	csv_init(&r, in, limit);
	out[0] = '\0';
	unsigned long line;
	int got;
	while ((got = csv_read(&r, &line)) != 0) {
		ck_assert_int_ne(got, -2);
		size_t n = strlen(out);
		if (got == -1) {
			snprintf(out + n, sizeof(out) - n, "%s%lu:!%s!", n ? " " : "", line, r.error);
			continue;
		}
		snprintf(out + n, sizeof(out) - n, "%s%lu:[", n ? " " : "", line);
		for (size_t i = 0; i < r.count; i++) {
			n = strlen(out);
			snprintf(out + n, sizeof(out) - n, "%s%s", i ? "|" : "", csv_field(&r, i));
		}
		strcat(out, "]");
	}
	csv_free(&r);
	fclose(in);
	return out;
}

#define READ(text) read_all(text, sizeof(text) - 1, 1024)

START_TEST(fields_and_records)
{
	ck_assert_str_eq(READ("a,b,c\n1,2,3\n"), "1:[a|b|c] 2:[1|2|3]");
	ck_assert_str_eq(READ("a,b\r\n1,2\r\n"), "1:[a|b] 2:[1|2]");
	/* No final line break; empty fields; a blank line is no record. */
	ck_assert_str_eq(READ("a,,\n\n,x"), "1:[a||] 3:[|x]");
	ck_assert_str_eq(READ("\r\n\n"), "");
	ck_assert_str_eq(READ(""), "");
	/* A lone CR inside a field is data. */
	ck_assert_str_eq(READ("a\rb,c\n"), "1:[a\rb|c]");
}
END_TEST

START_TEST(quoted_fields)
{
	ck_assert_str_eq(READ("\"a,b\",\"say \"\"hi\"\"\",\"\"\n"), "1:[a,b|say \"hi\"|]");
	/* A quoted line break stays in the field; the next record's line counts it. */
	ck_assert_str_eq(READ("\"two\nlines\",x\nnext\n"), "1:[two\nlines|x] 3:[next]");
	ck_assert_str_eq(READ("\"crlf\",x\r\n"), "1:[crlf|x]");
	ck_assert_str_eq(READ("\"\"\n"), "1:[]");
}
END_TEST

START_TEST(bad_records_are_skipped_with_a_reason)
{
	ck_assert_str_eq(READ("a\"b,c\nok\n"), "1:!a quote inside unquoted field 1 (quote the whole field: \"a \"\"b\"\"\")! "
	                                       "2:[ok]");
	ck_assert_str_eq(READ("\"a\"x,c\nok\n"),
	                 "1:!a 'x' after the closing quote of field 1 (a quote in a quoted field is written \"\")! 2:[ok]");
	ck_assert_str_eq(READ("ok\n\"open,\nnever closed"),
	                 "1:[ok] 2:!a quoted field is not closed before the end of the input!");
	static const char nul[] = "a\0b,c\nok\n";
	ck_assert_str_eq(read_all(nul, sizeof(nul) - 1, 1024), "1:!a NUL byte at byte offset 1 of the record! 2:[ok]");
	/* Over the limit: refused, skipped to its end (quotes followed), the next one read. */
	ck_assert_str_eq(read_all("12345678,9\nshort\n", 17, 8), "1:!the record is longer than 8 bytes! 2:[short]");
	ck_assert_str_eq(read_all("\"1234\n5678\n90\",x\nshort\n", 23, 8),
	                 "1:!the record is longer than 8 bytes! 4:[short]");
	/* Exactly the limit, its line break included, is fine. */
	ck_assert_str_eq(read_all("1234567\nx\n", 10, 8), "1:[1234567] 2:[x]");
}
END_TEST

START_TEST(a_huge_record_costs_no_memory)
{
	size_t n = 4 * 1024 * 1024;
	char *text = malloc(n + 8);
	ck_assert_ptr_nonnull(text);
	memset(text, 'a', n);
	memcpy(text + n, "\nb,c\n", 5);
	FILE *in = fmemopen(text, n + 5, "rb");
	struct csv_reader r;
	csv_init(&r, in, 1024 * 1024);
	unsigned long line;
	ck_assert_int_eq(csv_read(&r, &line), -1);
	ck_assert_uint_le(r.cap, 1024 * 1024 + 1);
	ck_assert_int_eq(csv_read(&r, &line), 1);
	ck_assert_uint_eq(line, 2);
	ck_assert_str_eq(csv_field(&r, 1), "c");
	ck_assert_str_eq(csv_field(&r, 2), "");
	ck_assert_int_eq(csv_read(&r, &line), 0);
	csv_free(&r);
	fclose(in);
	free(text);
}
END_TEST

/* r->stop: a refusal ends the reading where it was refused, not at the record's end,
 * which endless input (/dev/zero) does not have. */
START_TEST(stop_reads_no_further_than_the_refusal)
{
	static const char text[] = "ab\0cd,e\nok\n";
	FILE *in = fmemopen((void *)text, sizeof(text) - 1, "rb");
	struct csv_reader r;
	csv_init(&r, in, 1024);
	r.stop = 1;
	unsigned long line;
	ck_assert_int_eq(csv_read(&r, &line), -1);
	ck_assert_str_eq(r.error, "a NUL byte at byte offset 2 of the record");
	ck_assert_int_eq(getc(in), 'c');
	csv_free(&r);
	fclose(in);
	/* Over the limit: stopped one byte past it. */
	in = fmemopen((void *)"123456789abc\nok\n", 16, "rb");
	csv_init(&r, in, 8);
	r.stop = 1;
	ck_assert_int_eq(csv_read(&r, &line), -1);
	ck_assert_str_eq(r.error, "the record is longer than 8 bytes");
	ck_assert_int_eq(getc(in), 'a');
	csv_free(&r);
	fclose(in);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("csv");
	TCase *tc = tcase_create("csv");
	tcase_add_test(tc, fields_and_records);
	tcase_add_test(tc, quoted_fields);
	tcase_add_test(tc, bad_records_are_skipped_with_a_reason);
	tcase_add_test(tc, a_huge_record_costs_no_memory);
	tcase_add_test(tc, stop_reads_no_further_than_the_refusal);
	suite_add_tcase(s, tc);
	SRunner *runner = srunner_create(s);
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
