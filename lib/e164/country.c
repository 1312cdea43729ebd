/* Look-ups in the generated country table. */
#include <string.h>

#include "e164/metadata.h"
#include "e164/number.h"

int numbering__length_verdict(int country, size_t nsn_len)
{
	return numbering__length_verdict_of(&numbering__countries[country], nsn_len);
}

static int upper(int c)
{
	return (c >= 'a' && c <= 'z') ? c - 'a' + 'A' : c;
}

/* strcmp order of an upper-cased candidate against a table code. */
static int compare_code(const char *code, size_t len, const char *table_code)
{
	size_t i = 0;
	for (; i < len && table_code[i] != '\0'; i++) {
		int d = upper((unsigned char)code[i]) - (unsigned char)table_code[i];
		if (d != 0)
			return d;
	}
	if (i < len)
		return 1;
	return table_code[i] == '\0' ? 0 : -1;
}

int numbering__region_find(const char *code, size_t len)
{
	if (code == NULL || len == 0 || len > 3)
		return -1;
	size_t lo = 0, hi = numbering__region_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int index = numbering__regions_by_code[mid];
		int d = compare_code(code, len, numbering__regions[index].code);
		if (d == 0)
			return index;
		if (d < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

int numbering__country_for_digits(const char *d, size_t len, int *cc_digits)
{
	return numbering__country_of_digits(d, len, cc_digits);
}

int numbering_e164_region_country_code(const char *region)
{
	if (region == NULL)
		return 0;
	int index = numbering__region_find(region, strlen(region));
	return index < 0 ? 0 : numbering__regions[index].calling_code;
}
