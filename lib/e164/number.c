/* The parsed-number object: lifetime, getters and the one function that fills it. */
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "e164/metadata.h"
#include "e164/number.h"

void numbering__number_clear(struct numbering_number *n)
{
	memset(n, 0, sizeof(*n));
	n->country = -1;
	n->verdict = NUMBERING_LENGTH_TOO_SHORT;
}

void numbering__number_set(struct numbering_number *n, int country, const char *nsn, size_t nsn_len)
{
	const struct numbering__country *c = &numbering__countries[country];
	char cc[4];
	size_t cc_len = 0;
	unsigned code = c->calling_code;
	char rev[4];
	do {
		rev[cc_len++] = (char)('0' + code % 10);
		code /= 10;
	} while (code > 0);
	for (size_t i = 0; i < cc_len; i++)
		cc[i] = rev[cc_len - 1 - i];

	n->e164[0] = '+';
	memcpy(n->e164 + 1, cc, cc_len);
	memcpy(n->e164 + 1 + cc_len, nsn, nsn_len);
	n->e164[1 + cc_len + nsn_len] = '\0';
	n->digits = (uint8_t)(cc_len + nsn_len);
	n->cc_digits = (uint8_t)cc_len;
	n->calling_code = c->calling_code;
	n->country = (int16_t)country;
	n->verdict = (uint8_t)numbering__length_verdict(country, nsn_len);
	uint64_t value = 0;
	for (size_t i = 1; i <= n->digits; i++)
		value = value * 10 + (uint64_t)(n->e164[i] - '0');
	n->value = value;
}

int numbering_number_new(numbering_number **out)
{
	if (out == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "out", "numbering_number_new: out is NULL");
	*out = numbering__malloc(sizeof(**out));
	if (*out == NULL)
		return numbering__error_set(NUMBERING_RESOURCE_EXHAUSTED, "out of memory allocating a number");
	numbering__number_clear(*out);
	return NUMBERING_OK;
}

void numbering_number_free(numbering_number *number)
{
	numbering__free_mem(number);
}

const char *numbering_number_e164(const numbering_number *number)
{
	return number == NULL ? "" : number->e164;
}

int numbering_number_country_code(const numbering_number *number)
{
	return number == NULL ? 0 : number->calling_code;
}

const char *numbering_number_national(const numbering_number *number)
{
	if (number == NULL || number->digits == 0)
		return "";
	return number->e164 + 1 + number->cc_digits;
}

int numbering_number_region_count(const numbering_number *number)
{
	if (number == NULL || number->country < 0)
		return 0;
	return numbering__countries[number->country].region_count;
}

const char *numbering_number_region(const numbering_number *number, int i)
{
	if (i < 0 || i >= numbering_number_region_count(number))
		return NULL;
	return numbering__regions[numbering__countries[number->country].first_region + i].code;
}

int numbering_number_length_verdict(const numbering_number *number)
{
	return number == NULL ? NUMBERING_LENGTH_TOO_SHORT : number->verdict;
}

int numbering_number_is_possible(const numbering_number *number)
{
	return number != NULL && number->digits > 0 && number->verdict == NUMBERING_LENGTH_POSSIBLE;
}

const char *numbering_length_verdict_name(int verdict)
{
	switch (verdict) {
	case NUMBERING_LENGTH_POSSIBLE:
		return "POSSIBLE";
	case NUMBERING_LENGTH_POSSIBLE_LOCAL_ONLY:
		return "POSSIBLE_LOCAL_ONLY";
	case NUMBERING_LENGTH_TOO_SHORT:
		return "TOO_SHORT";
	case NUMBERING_LENGTH_INVALID:
		return "INVALID_LENGTH";
	case NUMBERING_LENGTH_TOO_LONG:
		return "TOO_LONG";
	default:
		return "UNKNOWN";
	}
}

/* A short phrase for the error message of each verdict that may not be stored. */
static const char *verdict_phrase(int verdict)
{
	switch (verdict) {
	case NUMBERING_LENGTH_POSSIBLE_LOCAL_ONLY:
		return "can only be dialed locally";
	case NUMBERING_LENGTH_TOO_SHORT:
		return "is too short";
	case NUMBERING_LENGTH_TOO_LONG:
		return "is too long";
	default:
		return "has a length not used";
	}
}

int numbering_number_require_possible(const numbering_number *number, const char *field)
{
	if (number == NULL || number->digits == 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field ? field : "phone_number",
		                              "no phone number was given");
	if (number->verdict == NUMBERING_LENGTH_POSSIBLE)
		return NUMBERING_OK;
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field ? field : "phone_number",
	                              "phone number %s %s for country calling code +%u (%s: national number of %u digits)",
	                              number->e164, verdict_phrase(number->verdict), number->calling_code,
	                              numbering_length_verdict_name(number->verdict),
	                              (unsigned)(number->digits - number->cc_digits));
}
