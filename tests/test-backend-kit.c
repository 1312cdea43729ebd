/*
 * The backend test kit (include/numbering/sys/backend-test.h, lib/backend-test/) run
 * against the record-store backends: examples/array-backend/array-records.c, written
 * outside the library (with a second handle, so the race of two writers runs too).
 */
#include <numbering/sys/backend-test.h>

#include "../examples/array-backend/array-records.h"
#include "suites.h"

static int open_array(numbering_record_backend **out, void *payload)
{
	(void)payload;
	return array_records_new(out);
}

static int open_array_second(numbering_record_backend **out, numbering_record_backend *first, void *payload)
{
	(void)payload;
	return array_records_open_second(out, first);
}

static int check_array(numbering_record_backend *backend, void *payload)
{
	(void)payload;
	return array_records_check(backend);
}

Suite *kit_array_suite(void)
{
	numbering_backend_test_target target = NUMBERING_BACKEND_TEST_TARGET_INIT;
	target.name = "kit_array";
	target.open = open_array;
	target.open_second = open_array_second;
	target.check = check_array;
	return numbering_backend_test_suite(&target);
}
