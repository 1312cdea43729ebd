/*
 * Money as integer minor units, and ISO 3166-1 region names: binary searches over the
 * table tools/gen-iso-data generates (iso-table.c), a strict decimal reader and its
 * writer. No float anywhere: an amount is an int64_t count of minor units.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "model/iso.h"
#include "model/money.h"
#include "numbering/money.h"

/* 10^n for the digit counts the generator allows (0 .. 9). */
static const int64_t pow10_table[] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
};

#define AMOUNT_RULE "an amount is digits, optionally '.' and more digits, e.g. \"2.00\""
#define SIGNED_RULE "a signed amount is an optional '-', then digits, optionally '.' and more digits, e.g. \"-1.50\""

static int is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static int is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* 1 when @s is exactly @len upper-case letters. */
static int upper_code(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!is_upper(s[i]))
			return 0;
	return s[len] == '\0';
}

const struct numbering__iso_region *numbering__iso_region_find(const char *code)
{
	if (code == NULL || !upper_code(code, 2))
		return NULL;
	size_t lo = 0, hi = numbering__iso_region_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = strcmp(code, numbering__iso_regions[mid].code);
		if (d == 0)
			return &numbering__iso_regions[mid];
		if (d < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Every stored price is checked here when its record is read (model/fields.c), so the
 * look-up is one load: a table of the 26^3 three-letter codes holding each currency's
 * place in numbering__iso_currencies plus one (0: none), built once. The binary search
 * with strcmp it replaces was half of a price list's instructions. */
static uint16_t currency_index[26 * 26 * 26];
static pthread_once_t currency_index_once = PTHREAD_ONCE_INIT;

static size_t code3(const char *code)
{
	return (size_t)(code[0] - 'A') * 26 * 26 + (size_t)(code[1] - 'A') * 26 + (size_t)(code[2] - 'A');
}

static void build_currency_index(void)
{
	for (size_t i = 0; i < numbering__iso_currency_count && i < UINT16_MAX; i++)
		if (upper_code(numbering__iso_currencies[i].code, 3))
			currency_index[code3(numbering__iso_currencies[i].code)] = (uint16_t)(i + 1);
}

const struct numbering__iso_currency *numbering__iso_currency_find(const char *code)
{
	if (code == NULL || !upper_code(code, 3))
		return NULL;
	pthread_once(&currency_index_once, build_currency_index);
	uint16_t i = currency_index[code3(code)];
	return i == 0 ? NULL : &numbering__iso_currencies[i - 1];
}

/* Refuses a code that is not @len letters, naming @field, with the upper-case form when
 * the letters are there but lower-case. Returns NUMBERING_OK when it is @len upper-case
 * letters. */
static int check_code(const char *code, size_t len, const char *field, const char *standard, const char *example)
{
	if (code == NULL || code[0] == '\0')
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field, "%s is required: an %s code such as \"%s\"",
		                              field, standard, example);
	char quoted[NUMBERING__QUOTE_SIZE];
	size_t n = strnlen(code, NUMBERING_MONEY_MAX_INPUT + 1);
	numbering__quote(quoted, code, n);
	if (upper_code(code, len))
		return NUMBERING_OK;
	int letters = n == len;
	int lower = 0;
	for (size_t i = 0; letters && i < len; i++) {
		letters = is_upper(code[i]) || is_lower(code[i]);
		lower |= is_lower(code[i]);
	}
	if (letters && lower) {
		char upper[4] = {0};
		for (size_t i = 0; i < len; i++)
			upper[i] = is_lower(code[i]) ? (char)(code[i] - 'a' + 'A') : code[i];
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "%s \"%s\" must be upper-case, as %s writes it: \"%s\"", field, quoted,
		                              standard, upper);
	}
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
	                              "%s \"%s\" is not an %s code: it must be %zu upper-case letters, e.g. \"%s\"", field,
	                              quoted, standard, len, example);
}

static int find_currency(const struct numbering__iso_currency **out, const char *code)
{
	*out = NULL;
	int rc = check_code(code, 3, "currency_code", "ISO 4217", "USD");
	if (rc != NUMBERING_OK)
		return rc;
	*out = numbering__iso_currency_find(code);
	if (*out == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "currency_code",
		                              "currency_code \"%s\" is not an active ISO 4217 currency", code);
	return NUMBERING_OK;
}

int numbering_region_name(const char **out, const char *region_code)
{
	if (out == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "out", "numbering_region_name: out is NULL");
	*out = NULL;
	int rc = check_code(region_code, 2, "region_code", "ISO 3166-1 alpha-2", "US");
	if (rc != NUMBERING_OK)
		return rc;
	const struct numbering__iso_region *region = numbering__iso_region_find(region_code);
	if (region == NULL)
		return numbering__error_field(NUMBERING_NOT_FOUND, "region_code",
		                              "region_code \"%s\" is not an ISO 3166-1 alpha-2 region%s", region_code,
		                              strcmp(region_code, "UK") == 0 ? " (the United Kingdom is \"GB\")" : "");
	*out = region->name;
	return NUMBERING_OK;
}

int numbering_region_is_known(const char *region_code)
{
	return numbering__iso_region_find(region_code) != NULL;
}

int numbering_currency_digits(int *out, const char *currency_code)
{
	if (out == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "out", "numbering_currency_digits: out is NULL");
	*out = -1;
	const struct numbering__iso_currency *currency;
	int rc = find_currency(&currency, currency_code);
	if (rc != NUMBERING_OK)
		return rc;
	*out = currency->digits;
	return NUMBERING_OK;
}

int numbering_currency_is_known(const char *currency_code)
{
	return numbering__iso_currency_find(currency_code) != NULL;
}

const char *numbering_iso_data_version(void)
{
	return numbering__iso_source;
}

/* Writes @value of @currency (0 or more) into @buf of NUMBERING_MONEY_BUFSIZE bytes;
 * returns the length. */
static size_t format_into(char buf[NUMBERING_MONEY_BUFSIZE], const struct numbering__iso_currency *currency,
                          int64_t value)
{
	int digits = currency->digits;
	int64_t scale = pow10_table[digits];
	/* The fraction is written digit by digit: a "%0*" width the compiler cannot bound
	 * is a -Wformat-truncation error in a release build. */
	int n = snprintf(buf, NUMBERING_MONEY_BUFSIZE, "%" PRId64, value / scale);
	if (n < 0)
		return 0;
	size_t len = (size_t)n;
	if (digits > 0 && len + 1 + (size_t)digits < NUMBERING_MONEY_BUFSIZE) {
		int64_t fraction = value % scale;
		buf[len++] = '.';
		for (int i = digits - 1; i >= 0; i--) {
			buf[len + (size_t)i] = (char)('0' + fraction % 10);
			fraction /= 10;
		}
		len += (size_t)digits;
		buf[len] = '\0';
	}
	return len;
}

/* Sets the error for an amount refused for @problem, quoting it. */
static int bad_amount(const char *amount, size_t len, const struct numbering__iso_currency *currency,
                      const char *problem, int is_signed)
{
	char quoted[NUMBERING__QUOTE_SIZE];
	if (is_signed) /* quoted whole, its '-' byte 0 */
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "amount",
		                              "amount \"%s\" is not a signed amount of %s: %s (" SIGNED_RULE
		                              "; %s has %d decimal places)",
		                              numbering__quote(quoted, amount, len), currency->code, problem, currency->code,
		                              currency->digits);
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "amount",
	                              "amount \"%s\" is not an amount of %s: %s (" AMOUNT_RULE "; %s has %d decimal places)",
	                              numbering__quote(quoted, amount, len), currency->code, problem, currency->code,
	                              currency->digits);
}

/* The length of @amount into *@len; INVALID_ARGUMENT quoting it (as a signed amount
 * with @is_signed, as bad_amount() does) when it is longer than any amount is. */
static int amount_length(size_t *len, const char *amount, const struct numbering__iso_currency *currency,
                         int is_signed)
{
	*len = strnlen(amount, NUMBERING_MONEY_MAX_INPUT + 1);
	if (*len <= NUMBERING_MONEY_MAX_INPUT)
		return NUMBERING_OK;
	char problem[64];
	snprintf(problem, sizeof(problem), "longer than %d bytes", NUMBERING_MONEY_MAX_INPUT);
	return bad_amount(amount, *len, currency, problem, is_signed);
}

/* The problem with byte @i of @amount, which is not a digit where one may stand. */
static int bad_byte(const char *amount, size_t len, size_t i, const struct numbering__iso_currency *currency,
                    int is_signed)
{
	char problem[96];
	unsigned char c = (unsigned char)amount[i];
	if (c == '.')
		snprintf(problem, sizeof(problem), "a second '.' at byte %zu", i);
	else if (c == ' ' || (c >= '\t' && c <= '\r'))
		snprintf(problem, sizeof(problem), "white space at byte %zu", i);
	else if (c == ',')
		snprintf(problem, sizeof(problem), "',' at byte %zu (no grouping separators; '.' marks the fraction)", i);
	else if (c == 'e' || c == 'E')
		snprintf(problem, sizeof(problem), "an exponent at byte %zu", i);
	else if (c >= 0x21 && c < 0x7f)
		snprintf(problem, sizeof(problem), "'%c' at byte %zu is not a digit", c, i);
	else
		snprintf(problem, sizeof(problem), "byte 0x%02x at byte %zu is not an ASCII digit", c, i);
	return bad_amount(amount, len, currency, problem, is_signed);
}

static int parse_from(int64_t *minor_units, const struct numbering__iso_currency *currency, const char *amount,
                      size_t len, size_t start_at, int is_signed);

int numbering_money_parse(int64_t *minor_units, const char *currency_code, const char *amount)
{
	if (minor_units == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "minor_units",
		                              "numbering_money_parse: minor_units is NULL");
	*minor_units = 0;
	const struct numbering__iso_currency *currency;
	int rc = find_currency(&currency, currency_code);
	if (rc != NUMBERING_OK)
		return rc;
	if (amount == NULL || amount[0] == '\0')
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "amount",
		                              "amount is required: a decimal string such as \"2.00\"");
	size_t len = 0;
	if ((rc = amount_length(&len, amount, currency, 0)) != NUMBERING_OK)
		return rc;
	if (amount[0] == '-')
		return bad_amount(amount, len, currency, "it is negative, and prices are never negative", 0);
	if (amount[0] == '+')
		return bad_amount(amount, len, currency, "it has a sign; write the digits alone", 0);
	return parse_from(minor_units, currency, amount, len, 0, 0);
}

/* The digits of @amount (@len bytes) from byte @start on, into *minor_units (0 on
 * failure); a refusal quotes @amount whole, counting bytes from its first. */
static int parse_from(int64_t *minor_units, const struct numbering__iso_currency *currency, const char *amount,
                      size_t len, size_t start_at, int is_signed)
{
	*minor_units = 0;
	if (amount[start_at] == '.')
		return bad_amount(amount, len, currency, "no digit before '.' (write \"0.5\", not \".5\")", is_signed);

	/* The whole part, with INT64_MAX as the ceiling of what may follow. */
	int64_t whole = 0;
	int overflow = 0;
	size_t i = start_at;
	for (; is_digit(amount[i]); i++) {
		int d = amount[i] - '0';
		if (whole > (INT64_MAX - d) / 10)
			overflow = 1;
		else
			whole = whole * 10 + d;
	}
	if (i == start_at)
		return bad_byte(amount, len, start_at, currency, is_signed);

	int digits = currency->digits;
	int64_t fraction = 0;
	if (amount[i] == '.') {
		size_t start = ++i;
		for (; is_digit(amount[i]); i++) {
			size_t place = i - start;
			if (place < (size_t)digits)
				fraction = fraction * 10 + (amount[i] - '0');
			else if (amount[i] != '0') {
				char problem[96];
				snprintf(problem, sizeof(problem), "byte %zu, past the decimal places, is not a zero", i);
				return bad_amount(amount, len, currency, problem, is_signed);
			}
		}
		if (i == start)
			return amount[i] == '\0'
			           ? bad_amount(amount, len, currency, "no digit after '.' (write \"1\" or \"1.0\")", is_signed)
			           : bad_byte(amount, len, i, currency, is_signed);
		for (size_t place = i - start; place < (size_t)digits; place++)
			fraction *= 10;
	}
	if (amount[i] != '\0')
		return bad_byte(amount, len, i, currency, is_signed);

	int64_t scale = pow10_table[digits];
	if (overflow || whole > (INT64_MAX - fraction) / scale) {
		char largest[NUMBERING_MONEY_BUFSIZE], problem[96];
		format_into(largest, currency, INT64_MAX);
		snprintf(problem, sizeof(problem), "it is too large; the largest %s amount is %s", currency->code, largest);
		return bad_amount(amount, len, currency, problem, is_signed);
	}
	*minor_units = whole * scale + fraction;
	return NUMBERING_OK;
}

int numbering__money_parse_signed(int64_t *minor_units, const char *currency_code, const char *amount)
{
	/* A credit is what a price is: its refusals read as a price's. */
	if (amount == NULL || amount[0] != '-')
		return numbering_money_parse(minor_units, currency_code, amount);
	*minor_units = 0;
	const struct numbering__iso_currency *currency;
	int rc = find_currency(&currency, currency_code);
	if (rc != NUMBERING_OK)
		return rc;
	size_t len = 0;
	if ((rc = amount_length(&len, amount, currency, 1)) != NUMBERING_OK)
		return rc;
	if (amount[1] == '\0')
		return bad_amount(amount, len, currency, "no digits after the '-'", 1);
	if (amount[1] == '-' || amount[1] == '+')
		return bad_amount(amount, len, currency, "a second sign at byte 1", 1);
	if ((rc = parse_from(minor_units, currency, amount, len, 1, 1)) == NUMBERING_OK)
		*minor_units = -*minor_units;
	return rc;
}

int numbering_money_format(char *buf, size_t bufsize, const char *currency_code, int64_t minor_units)
{
	if (buf == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "buf", "numbering_money_format: buf is NULL");
	if (bufsize > 0)
		buf[0] = '\0';
	const struct numbering__iso_currency *currency;
	int rc = find_currency(&currency, currency_code);
	if (rc != NUMBERING_OK)
		return rc;
	if (minor_units < 0)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "minor_units",
		                              "minor_units %" PRId64 " is negative; amounts are never negative", minor_units);
	char text[NUMBERING_MONEY_BUFSIZE];
	size_t len = format_into(text, currency, minor_units);
	if (len + 1 > bufsize)
		return numbering__error_set(NUMBERING_OUT_OF_RANGE, "%s %s needs %zu bytes, buffer has %zu", text,
		                            currency->code, len + 1, bufsize);
	memcpy(buf, text, len + 1);
	return NUMBERING_OK;
}
