/* The Check suites the harness runs; one per tests/test-<module>.c. */
#ifndef NUMBERING_TEST_SUITES_H
#define NUMBERING_TEST_SUITES_H

#include <check.h>

Suite *errors_suite(void);
Suite *e164_suite(void);
Suite *range_suite(void);
Suite *differential_suite(void);

/* Path of a file under tests/data. */
const char *test_data_path(const char *name);

#endif
