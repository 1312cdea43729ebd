/*
 * The differential test: tests/data/e164-differential.tsv holds inputs across every
 * region with the answers libphonenumber gave (written by tools/gen-e164-metadata).
 * For each row marked comparable, this library must agree on success or failure,
 * and on success on the calling code, national number, regions and length verdict.
 * Every disagreement is named.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <numbering/numbering.h>

#include "suites.h"

enum column { INPUT, REGION, STATUS, E164, CC, NSN, MAIN_REGION, NUMBER_REGION, VERDICT, COMPARABLE, NOTE, COLUMNS };

/* Splits a line in place on tabs; returns the number of fields. */
static int split(char *line, char *fields[COLUMNS])
{
	int n = 0;
	char *p = line;
	while (n < COLUMNS) {
		fields[n++] = p;
		char *tab = strchr(p, '\t');
		if (tab == NULL)
			break;
		*tab = '\0';
		p = tab + 1;
	}
	return n;
}

/* libphonenumber's verdict names mapped onto ours. */
static const char *our_verdict_name(const char *lpn)
{
	if (strcmp(lpn, "IS_POSSIBLE") == 0)
		return "POSSIBLE";
	if (strcmp(lpn, "IS_POSSIBLE_LOCAL_ONLY") == 0)
		return "POSSIBLE_LOCAL_ONLY";
	return lpn;
}

static int has_region(const numbering_number *n, const char *region)
{
	for (int i = 0; i < numbering_number_region_count(n); i++)
		if (strcmp(numbering_number_region(n, i), region) == 0)
			return 1;
	return 0;
}

/* Compares one row; on disagreement writes why into @why and returns 0. */
static int agrees(numbering_number *n, char *const f[COLUMNS], char *why, size_t why_size)
{
	const char *region = f[REGION][0] ? f[REGION] : NULL;
	int rc = numbering_e164_parse(n, f[INPUT], region);
	int lpn_ok = strcmp(f[STATUS], "OK") == 0;
	if (!lpn_ok) {
		if (rc == NUMBERING_OK) {
			snprintf(why, why_size, "libphonenumber: %s; we parsed %s", f[STATUS], numbering_number_e164(n));
			return 0;
		}
		return 1;
	}
	if (rc != NUMBERING_OK) {
		snprintf(why, why_size, "libphonenumber parsed %s; we failed: %s", f[E164], numbering_error_message());
		return 0;
	}
	char cc[8];
	snprintf(cc, sizeof(cc), "%d", numbering_number_country_code(n));
	const char *verdict = numbering_length_verdict_name(numbering_number_length_verdict(n));
	if (strcmp(cc, f[CC]) != 0 || strcmp(numbering_number_national(n), f[NSN]) != 0) {
		snprintf(why, why_size, "libphonenumber +%s %s; we +%s %s", f[CC], f[NSN], cc, numbering_number_national(n));
		return 0;
	}
	if (numbering_number_region_count(n) == 0 || strcmp(numbering_number_region(n, 0), f[MAIN_REGION]) != 0) {
		snprintf(why, why_size, "main region: libphonenumber %s; we %s", f[MAIN_REGION],
		         numbering_number_region_count(n) ? numbering_number_region(n, 0) : "(none)");
		return 0;
	}
	if (strcmp(f[NUMBER_REGION], "ZZ") != 0 && f[NUMBER_REGION][0] != '\0' && !has_region(n, f[NUMBER_REGION])) {
		snprintf(why, why_size, "number's region %s is not among our regions for +%s", f[NUMBER_REGION], cc);
		return 0;
	}
	if (strcmp(verdict, our_verdict_name(f[VERDICT])) != 0) {
		snprintf(why, why_size, "verdict: libphonenumber %s; we %s", f[VERDICT], verdict);
		return 0;
	}
	return 1;
}

START_TEST(agrees_with_libphonenumber)
{
	const char *path = test_data_path("e164-differential.tsv");
	FILE *fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	numbering_number *n = NULL;
	ck_assert_int_eq(numbering_number_new(&n), NUMBERING_OK);
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	int rows = 0, compared = 0, disagreements = 0, line_no = 0;
	char regions_seen[1000][4];
	int region_count = 0;
	while ((got = getline(&line, &cap, fp)) >= 0) {
		line_no++;
		if (got > 0 && line[got - 1] == '\n')
			line[--got] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		char *f[COLUMNS];
		ck_assert_msg(split(line, f) == COLUMNS, "%s:%d: expected %d columns", path, line_no, COLUMNS);
		rows++;
		if (strcmp(f[COMPARABLE], "1") != 0)
			continue;
		compared++;
		if (f[MAIN_REGION][0] != '\0') {
			int seen = 0;
			for (int i = 0; i < region_count && !seen; i++)
				seen = strcmp(regions_seen[i], f[MAIN_REGION]) == 0;
			if (!seen && region_count < 1000)
				snprintf(regions_seen[region_count++], 4, "%s", f[MAIN_REGION]);
		}
		char why[600];
		if (!agrees(n, f, why, sizeof(why))) {
			disagreements++;
			fprintf(stderr, "%s:%d: \"%s\" (region %s): %s\n", path, line_no, f[INPUT],
			        f[REGION][0] ? f[REGION] : "none", why);
		}
	}
	free(line);
	fclose(fp);
	numbering_number_free(n);
	printf("differential: %d rows, %d compared, %d calling-code main regions, %d disagreements\n", rows, compared,
	       region_count, disagreements);
	ck_assert_int_ge(rows, 10000);
	ck_assert_int_ge(compared, 10000);
	ck_assert_msg(disagreements == 0, "%d of %d comparable rows disagree with libphonenumber (listed on stderr)",
	              disagreements, compared);
}
END_TEST

Suite *differential_suite(void)
{
	Suite *s = suite_create("differential");
	TCase *tc = tcase_create("libphonenumber");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, agrees_with_libphonenumber);
	suite_add_tcase(s, tc);
	return s;
}
