/*
 * fuzz-csv: the RFC 4180 reader of `numberctl import` (examples/numberctl/csv.c), which
 * reads untrusted files.
 *
 * Input: the file's bytes, read with a record limit of 64 bytes so the limit's path is
 * reached often.
 *
 * Properties: the reader ends (every call consumes input or reports the end); a record
 * it accepts has at least one field, no field holds a NUL, and its fields and commas
 * fit the limit; the line a record starts on never goes back; a refused record says why.
 */
#include "fuzz.h"

#include "../../examples/numberctl/csv.c"

#define LIMIT 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *in = fmemopen(size > 0 ? (void *)data : (void *)"", size > 0 ? size : 1, "rb");
	if (in == NULL)
		return 0;
	if (size == 0)
		getc(in); /* an empty input: fmemopen needs a byte */
	struct csv_reader r;
	csv_init(&r, in, LIMIT);
	unsigned long line = 0, last = 0;
	int got;
	size_t records = 0;
	while ((got = csv_read(&r, &line)) != 0 && got != -2) {
		FUZZ_CHECK(line >= last);
		last = line;
		FUZZ_CHECK(records++ <= size);
		if (got == -1) {
			FUZZ_CHECK(r.error[0] != '\0');
			continue;
		}
		FUZZ_CHECK(r.count >= 1);
		size_t bytes = r.count - 1;
		for (size_t i = 0; i < r.count; i++) {
			const char *f = csv_field(&r, i);
			FUZZ_CHECK(f + strlen(f) <= r.buf + r.len);
			bytes += strlen(f);
		}
		FUZZ_CHECK(bytes <= LIMIT);
	}
	csv_free(&r);
	fclose(in);
	return 0;
}
