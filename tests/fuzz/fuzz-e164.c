/*
 * fuzz-e164: the E.164 parser and the range notation.
 *
 * Input: one mode byte, then (when mode bit 0 is set) two bytes of region code, then
 * the text. Mode bit 1 parses the text as range notation ("+61255501100-99"), else as
 * one number (numbering_e164_parse_n, so the text need not be NUL-terminated and may
 * hold NULs). Bit 2 (numbers only) builds a range of the number and the size in the
 * text's last 2 bytes.
 *
 * Properties: whatever parses prints a +E164 form that parses back to itself (but
 * for the trunk-prefix gap described below), and a
 * range with a possible start prints a notation that parses back to the same range.
 */
#include <numbering/numbering.h>

#include "fuzz.h"

/*
 * Whether @back, parsed from the +E164 form of @number, is @number. Known gap
 * (docs/FUZZING.md): the trunk-prefix rule judges by length, not by libphonenumber's
 * patterns, so a number whose significant part itself starts with a trunk prefix
 * (Belarus "8 801 123 4567" is +375 8011234567, as in libphonenumber; AU
 * "0 0 7946 0000") prints a +E164 form that reads back with that prefix stripped.
 * Anything else reading back differently is a bug.
 */
static int reads_back(const numbering_number *back, const numbering_number *number)
{
	if (strcmp(numbering_number_e164(back), numbering_number_e164(number)) == 0)
		return 1;
	const char *nsn = numbering_number_national(number), *nsn_back = numbering_number_national(back);
	size_t len = strlen(nsn), len_back = strlen(nsn_back);
	return numbering_number_country_code(back) == numbering_number_country_code(number) && len_back < len &&
	       strcmp(nsn + (len - len_back), nsn_back) == 0;
}

static void check_number(const numbering_number *number)
{
	static numbering_number *again;
	if (again == NULL && numbering_number_new(&again) != NUMBERING_OK)
		abort();
	const char *e164 = numbering_number_e164(number);
	FUZZ_CHECK(e164 != NULL && e164[0] == '+' && strlen(e164) < NUMBERING_E164_BUFSIZE);
	FUZZ_CHECK(numbering_e164_parse(again, e164, NULL) == NUMBERING_OK);
	FUZZ_CHECK(reads_back(again, number));
	int cc = numbering_number_country_code(number);
	FUZZ_CHECK(cc >= 1 && cc <= 999);
	const char *national = numbering_number_national(number);
	FUZZ_CHECK(national != NULL);
	int regions = numbering_number_region_count(number);
	for (int i = 0; i < regions; i++) {
		const char *region = numbering_number_region(number, i);
		FUZZ_CHECK(region != NULL);
		/* "001" names the non-geographic codes; it is no region to parse in. */
		FUZZ_CHECK(strcmp(region, "001") == 0 || numbering_e164_region_country_code(region) == cc);
	}
	FUZZ_CHECK(numbering_number_region(number, regions) == NULL);
	FUZZ_CHECK(numbering_length_verdict_name(numbering_number_length_verdict(number)) != NULL);
	(void)numbering_number_is_possible(number);
	(void)numbering_number_require_possible(number, "phone_number");
}

static void check_range(const numbering_range *range)
{
	static numbering_range *again;
	if (again == NULL && numbering_range_new(&again) != NUMBERING_OK)
		abort();
	int64_t size = numbering_range_size(range);
	FUZZ_CHECK(size >= 1);
	check_number(numbering_range_start(range));
	check_number(numbering_range_end(range));
	char text[NUMBERING_RANGE_BUFSIZE];
	FUZZ_CHECK(numbering_range_format(text, sizeof(text), range) == NUMBERING_OK);
	/* Range notation needs a possible start number: others print but do not parse back. */
	if (!numbering_number_is_possible(numbering_range_start(range)))
		return;
	/* Nor does a range whose start hits the trunk-prefix gap (see reads_back()). */
	static numbering_number *start;
	if (start == NULL && numbering_number_new(&start) != NUMBERING_OK)
		abort();
	FUZZ_CHECK(numbering_e164_parse(start, numbering_number_e164(numbering_range_start(range)), NULL) == NUMBERING_OK);
	if (strcmp(numbering_number_e164(start), numbering_number_e164(numbering_range_start(range))) != 0)
		return;
	FUZZ_CHECK(numbering_e164_parse_range(again, text, NULL) == NUMBERING_OK);
	FUZZ_CHECK(numbering_range_size(again) == size);
	FUZZ_CHECK(strcmp(numbering_number_e164(numbering_range_start(again)),
	                  numbering_number_e164(numbering_range_start(range))) == 0);
	FUZZ_CHECK(strcmp(numbering_number_e164(numbering_range_end(again)),
	                  numbering_number_e164(numbering_range_end(range))) == 0);
	/* Too small a buffer is an error, never an overflow. */
	char small[4];
	FUZZ_CHECK(numbering_range_format(small, sizeof(small), range) != NUMBERING_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static numbering_number *number;
	static numbering_range *range;
	if (number == NULL && (numbering_number_new(&number) != NUMBERING_OK || numbering_range_new(&range) != NUMBERING_OK))
		abort();
	if (size < 1)
		return 0;
	uint8_t mode = data[0];
	data++, size--;
	char region[3] = "";
	const char *r = NULL;
	if (mode & 1) {
		if (size < 2)
			return 0;
		region[0] = (char)data[0];
		region[1] = (char)data[1];
		r = region;
		data += 2, size -= 2;
	}
	if (mode & 2) {
		char *text = fuzz_string(data, size);
		if (text == NULL)
			return 0;
		if (numbering_e164_parse_range(range, text, r) == NUMBERING_OK)
			check_range(range);
		free(text);
		return 0;
	}
	if (numbering_e164_parse_n(number, (const char *)data, size, r) != NUMBERING_OK)
		return 0;
	check_number(number);
	if ((mode & 4) && size >= 2) {
		int64_t n = (int64_t)data[size - 2] << 8 | data[size - 1];
		if (mode & 8)
			n = -n;
		if (numbering_range_from_size(range, number, n) == NUMBERING_OK) {
			check_range(range);
			static numbering_range *bounds;
			if (bounds == NULL && numbering_range_new(&bounds) != NUMBERING_OK)
				abort();
			FUZZ_CHECK(numbering_range_from_bounds(bounds, numbering_range_start(range), numbering_range_end(range)) ==
			           NUMBERING_OK);
			FUZZ_CHECK(numbering_range_size(bounds) == n);
		}
	}
	return 0;
}
