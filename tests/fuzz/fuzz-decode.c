/*
 * fuzz-decode: numbering_instance_decode() on arbitrary bytes, the path by which a
 * backend that stores bytes (the file backend) turns what it read from disk into an
 * instance. Decoding trusts nothing: bad bytes are DATA_LOSS, never a crash.
 *
 * Property: whatever decodes encodes, and that encoding decodes and re-encodes to the
 * same bytes.
 */
#include <numbering/numbering.h>
#include <numbering/sys/backend.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static numbering_instance *instance, *again;
	if (instance == NULL &&
	    (numbering_instance_new(&instance) != NUMBERING_OK || numbering_instance_new(&again) != NUMBERING_OK))
		abort();
	int rc = numbering_instance_decode(instance, data, size);
	if (rc != NUMBERING_OK) {
		FUZZ_CHECK(rc == NUMBERING_DATA_LOSS || rc == NUMBERING_RESOURCE_EXHAUSTED);
		return 0;
	}
	/* The getters read whatever was decoded. */
	(void)numbering_instance_name(instance);
	(void)numbering_instance_is_range(instance);
	for (int i = 0; i < numbering_instance_label_count(instance); i++)
		FUZZ_CHECK(numbering_instance_label_key(instance, i) != NULL && numbering_instance_label_value(instance, i) != NULL);
	char project[128];
	(void)numbering_instance_project(project, sizeof(project), instance);
	uint64_t first, last;
	int digits;
	(void)numbering_instance_numbers(&first, &last, &digits, instance);

	uint8_t *bytes = NULL, *bytes2 = NULL;
	size_t len = 0, len2 = 0;
	FUZZ_CHECK(numbering_instance_encode(&bytes, &len, instance) == NUMBERING_OK);
	FUZZ_CHECK(numbering_instance_decode(again, bytes, len) == NUMBERING_OK);
	FUZZ_CHECK(numbering_instance_encode(&bytes2, &len2, again) == NUMBERING_OK);
	FUZZ_CHECK(len == len2 && memcmp(bytes, bytes2, len) == 0);
	numbering_free(bytes);
	numbering_free(bytes2);
	return 0;
}
