/*
 * fuzz-record-decode: the record encoding (numbering/sys/record.h) on arbitrary bytes,
 * as a backend that stores bytes (the file log, a host's key-value store) reads them
 * back, and an instance read from what decoded. Bad bytes are DATA_LOSS, never a
 * crash nor a read outside them.
 *
 * Properties: what decodes passes the encoder's checks and encodes, in both forms,
 * to bytes that decode to the same record; an instance record that reads stores back
 * to the same body, and placing it (after measuring, or in one pass) gives the same
 * instance; the trusted reader and placers (the library's own backends') never crash
 * and read what the checking ones read.
 */
#include <numbering/numbering.h>
#include <numbering/sys/record.h>

#include "fuzz.h"
#include "model/instance-record.h"

static int same_string(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static int same_record(const numbering_record *a, const numbering_record *b)
{
	int same = a->kind == b->kind && a->flags == b->flags && strcmp(a->name, b->name) == 0 &&
	           strcmp(a->parent, b->parent) == 0 && a->sort_key == b->sort_key && a->digits == b->digits &&
	           a->first == b->first && a->last == b->last && a->expires == b->expires && a->body_len == b->body_len &&
	           (a->body_len == 0 || memcmp(a->body, b->body, a->body_len) == 0);
	for (int i = 0; i < NUMBERING_RECORD_KEY_SLOTS; i++)
		same = same && same_string(a->keys[i], b->keys[i]);
	return same;
}

static void instance_properties(const numbering_record *record)
{
	static numbering_instance *instance;
	static struct numbering__buf body;
	if (instance == NULL && numbering_instance_new(&instance) != NUMBERING_OK)
		abort();
	/* The trusted reader checks the structure only: it must not crash either. */
	int own_rc = numbering__instance_from_own_record(instance, record);
	FUZZ_CHECK(own_rc == NUMBERING_OK || own_rc == NUMBERING_DATA_LOSS);
	int rc = numbering__instance_from_record(instance, record);
	FUZZ_CHECK(rc != NUMBERING_OK || own_rc == NUMBERING_OK);
	FUZZ_CHECK(rc == NUMBERING_OK || rc == NUMBERING_DATA_LOSS);
	FUZZ_CHECK(numbering__instance_record_check(record) == rc);
	struct numbering__instance_layout layout;
	if (numbering__instance_record_measure(&layout, record) == NUMBERING_OK) {
		void *block = malloc(layout.size);
		FUZZ_CHECK(block != NULL);
		numbering_instance *placed = numbering__instance_record_place(block, &layout, record);
		FUZZ_CHECK((placed != NULL) == (rc == NUMBERING_OK));
		if (placed != NULL)
			FUZZ_CHECK(strcmp(numbering_instance_name(placed), numbering_instance_name(instance)) == 0 &&
			           strcmp(numbering_instance_phone_number(placed), numbering_instance_phone_number(instance)) ==
			               0 &&
			           numbering_instance_label_count(placed) == numbering_instance_label_count(instance));
		void *own_block = malloc(layout.size);
		FUZZ_CHECK(own_block != NULL);
		numbering_instance *own_placed = numbering__instance_record_place_own(own_block, &layout, record);
		FUZZ_CHECK(rc != NUMBERING_OK || own_placed != NULL);
		free(own_block);
		free(block);
		/* Placed in one pass (the page path) with room enough: refused exactly when
		 * the reader of the same trust refuses, the same instance otherwise. */
		size_t room = layout.size + 8, used = 0;
		void *one = malloc(room);
		FUZZ_CHECK(one != NULL);
		numbering_instance *in_one = NULL;
		FUZZ_CHECK(numbering__instance_record_place_in(&in_one, &used, one, room, record, 0) == rc);
		FUZZ_CHECK((in_one != NULL) == (rc == NUMBERING_OK) && used <= room);
		if (in_one != NULL)
			FUZZ_CHECK(strcmp(numbering_instance_name(in_one), numbering_instance_name(instance)) == 0 &&
			           strcmp(numbering_instance_phone_number(in_one), numbering_instance_phone_number(instance)) ==
			               0 &&
			           numbering_instance_label_count(in_one) == numbering_instance_label_count(instance));
		FUZZ_CHECK(numbering__instance_record_place_in(&in_one, &used, one, room, record, 1) == own_rc);
		FUZZ_CHECK((in_one != NULL) == (own_rc == NUMBERING_OK) && used <= room);
		free(one);
	} else {
		FUZZ_CHECK(rc == NUMBERING_DATA_LOSS);
	}
	if (rc != NUMBERING_OK)
		return;
	numbering_record again;
	FUZZ_CHECK(numbering__instance_to_record(&again, &body, instance) == NUMBERING_OK);
	/* Every record, one whose handler holds a credential stored before they were
	 * refused included (tests/fuzz/corpus/record-decode/instance-masked-handler): a
	 * write starts from the record as read, so it writes back what it read. */
	FUZZ_CHECK(same_record(record, &again));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy, so that a read past the input is a sanitizer error. */
	uint8_t *copy = malloc(size ? size : 1);
	if (copy == NULL)
		abort();
	memcpy(copy, data, size);
	static char names[NUMBERING__RECORD_NAME_BUF], names2[NUMBERING__RECORD_NAME_BUF];
	numbering_record record, plain, back;
	int rc = numbering__record_decode(&record, copy, size, names);
	int public_rc = numbering_record_decode(&plain, copy, size);
	FUZZ_CHECK(rc == NUMBERING_OK || rc == NUMBERING_DATA_LOSS);
	FUZZ_CHECK(public_rc == NUMBERING_OK || public_rc == NUMBERING_DATA_LOSS);
	/* The public decoder reads what the internal one reads, but the compact form. */
	FUZZ_CHECK(public_rc != NUMBERING_OK || (rc == NUMBERING_OK && same_record(&record, &plain)));
	if (rc == NUMBERING_OK) {
		FUZZ_CHECK(numbering__record_check(&record) == NUMBERING_OK);
		struct numbering__buf bytes = {0};
		for (int compact = 0; compact < 2; compact++) {
			bytes.len = 0;
			FUZZ_CHECK(numbering__record_encode(&bytes, &record, compact) == NUMBERING_OK);
			FUZZ_CHECK(numbering__record_decode(&back, bytes.ptr, bytes.len, names2) == NUMBERING_OK);
			FUZZ_CHECK(same_record(&record, &back));
		}
		numbering__buf_free(&bytes);
		if (record.kind == 3)
			instance_properties(&record);
	}
	free(copy);
	return 0;
}
