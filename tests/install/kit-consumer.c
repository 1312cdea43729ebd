/*
 * A host's backend test program, built against the installed library with
 * `pkg-config numbering-backend-test` alone (tests/install/test-pkg-config.sh): the
 * backend test kit over examples/array-backend/array-records.c, compiled beside it.
 */
#include <stdio.h>
#include <stdlib.h>

#include <numbering/sys/backend-test.h>

#include "array-records.h"

static int open_array(numbering_backend **out, void *payload)
{
	(void)payload;
	return array_records_new(out);
}

static int open_second(numbering_backend **out, numbering_backend *first, void *payload)
{
	(void)payload;
	return array_records_open_second(out, first);
}

int main(void)
{
	numbering_backend_test_target target = NUMBERING_BACKEND_TEST_TARGET_INIT;
	target.name = "installed-kit";
	target.open = open_array;
	target.open_second = open_second;
	Suite *suite = numbering_backend_test_suite(&target);
	if (suite == NULL) {
		fprintf(stderr, "numbering_backend_test_suite refused the target\n");
		return EXIT_FAILURE;
	}
	SRunner *runner = srunner_create(suite);
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
