/*
 * The backend test kit (include/numbering/sys/backend-test.h, lib/backend-test/) run
 * against the record-store backends: examples/array-backend/array-records.c, written
 * outside the library (with a second handle, so the race of two writers runs too), and
 * the memory backend's record store (backends/memory/records.c, with its CHECK control).
 */
#include <numbering/sys/backend-test.h>

#include "../backends/memory/memory.h"
#include "../examples/array-backend/array-records.h"
#include "suites.h"

static int open_array(numbering_backend **out, void *payload)
{
	(void)payload;
	return array_records_new(out);
}

static int open_array_second(numbering_backend **out, numbering_backend *first, void *payload)
{
	(void)payload;
	return array_records_open_second(out, first);
}

/* Memory only, so a "reopen" is a new handle on the same records, the old one freed: it
 * runs the kit's reopen tests (a file backend's reopen closes and opens the file). */
static int reopen_array(numbering_backend **backend, void *payload)
{
	numbering_backend *next = NULL;
	int rc = open_array_second(&next, *backend, payload);
	if (rc != NUMBERING_OK)
		return rc;
	(*backend)->free(*backend);
	*backend = next;
	return NUMBERING_OK;
}

static int check_array(numbering_backend *backend, void *payload)
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
	target.reopen = reopen_array;
	target.check = check_array;
	return numbering_backend_test_suite(&target);
}

static int open_memory(numbering_backend **out, void *payload)
{
	(void)payload;
	return numbering_memory_backend_new(out);
}

static int check_memory(numbering_backend *backend, void *payload)
{
	(void)payload;
	return backend->control(backend, NUMBERING__MEMORY_CONTROL_CHECK, NULL);
}

Suite *kit_memory_suite(void)
{
	numbering_backend_test_target target = NUMBERING_BACKEND_TEST_TARGET_INIT;
	target.name = "kit_memory";
	target.open = open_memory;
	target.check = check_memory;
	return numbering_backend_test_suite(&target);
}
