/*
 * Timestamps as proto3 JSON writes them: RFC 3339 in UTC with 0, 3, 6 or 9
 * fractional digits. The calendar arithmetic is our own (Howard Hinnant's
 * days-from-civil), so neither the locale, the TZ variable nor timegm() is involved.
 */
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "model/validate.h"

#define NS_PER_SEC 1000000000LL
#define SECS_PER_DAY 86400LL

/* int64 nanoseconds reach from 1677-09-21 to 2262-04-11; whole years inside that
 * (NUMBERING__TIME_MIN .. NUMBERING__TIME_MAX). */
#define YEAR_MIN 1678
#define YEAR_MAX 2261

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const int64_t yoe = y - era * 400;
	const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const int64_t doe = z - era * 146097;
	const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* Floor division and its non-negative remainder. */
static int64_t floor_div(int64_t a, int64_t b, int64_t *rem)
{
	int64_t q = a / b, r = a % b;
	if (r < 0) {
		q--;
		r += b;
	}
	*rem = r;
	return q;
}

void numbering__format_time(char buf[40], int64_t ns)
{
	int64_t nanos, secs = floor_div(ns, NS_PER_SEC, &nanos);
	int64_t sod, days = floor_div(secs, SECS_PER_DAY, &sod);
	int64_t year;
	int month, day;
	civil_from_days(days, &year, &month, &day);
	int n = snprintf(buf, 40, "%04lld-%02d-%02dT%02d:%02d:%02d", (long long)year, month, day, (int)(sod / 3600),
	                 (int)(sod / 60 % 60), (int)(sod % 60));
	if (n < 0 || n >= 40)
		n = 0;
	if (nanos == 0)
		snprintf(buf + n, 40 - (size_t)n, "Z");
	else if (nanos % 1000000 == 0)
		snprintf(buf + n, 40 - (size_t)n, ".%03dZ", (int)(nanos / 1000000));
	else if (nanos % 1000 == 0)
		snprintf(buf + n, 40 - (size_t)n, ".%06dZ", (int)(nanos / 1000));
	else
		snprintf(buf + n, 40 - (size_t)n, ".%09dZ", (int)nanos);
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* @n digits at @s as a number, or -1. */
static int digits_at(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Why @s is not an RFC 3339 date-time, or NULL; fills the fields it read. */
static const char *parse_fields(const char *s, size_t len, int *f, int64_t *nanos, int *offset)
{
	/* YYYY-MM-DDTHH:MM:SS at fixed places. */
	static const struct {
		int at, n;
	} place[6] = {{0, 4}, {5, 2}, {8, 2}, {11, 2}, {14, 2}, {17, 2}};
	if (len < 20)
		return "it is too short";
	if (s[4] != '-' || s[7] != '-')
		return "the date is not YYYY-MM-DD";
	if (s[10] != 'T' && s[10] != 't')
		return "the date and time are not separated by 'T'";
	if (s[13] != ':' || s[16] != ':')
		return "the time is not HH:MM:SS";
	for (int i = 0; i < 6; i++)
		if ((f[i] = digits_at(s + place[i].at, place[i].n)) < 0)
			return i < 3 ? "the date is not YYYY-MM-DD" : "the time is not HH:MM:SS";
	if (f[0] < 1)
		return "the year is not 0001 to 9999";
	if (f[1] < 1 || f[1] > 12)
		return "the month is not 01 to 12";
	if (f[2] < 1 || f[2] > days_in_month(f[0], f[1]))
		return "the day does not exist in that month";
	if (f[3] > 23)
		return "the hour is not 00 to 23";
	if (f[4] > 59)
		return "the minute is not 00 to 59";
	if (f[5] == 60)
		return "leap seconds (second 60) cannot be represented";
	if (f[5] > 59)
		return "the second is not 00 to 59";
	size_t i = 19;
	*nanos = 0;
	if (s[i] == '.') {
		size_t start = ++i;
		while (i < len && is_digit(s[i])) {
			if (i - start == 9)
				return "the fraction has more than 9 digits";
			*nanos = *nanos * 10 + (s[i] - '0');
			i++;
		}
		if (i == start)
			return "the '.' is not followed by digits";
		for (size_t k = i - start; k < 9; k++)
			*nanos *= 10;
	}
	if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
		*offset = 0;
		i++;
	} else if (i < len && (s[i] == '+' || s[i] == '-')) {
		if (len - i < 6 || s[i + 3] != ':')
			return "the offset is not Z or +hh:mm / -hh:mm";
		int hh = digits_at(s + i + 1, 2), mm = digits_at(s + i + 4, 2);
		if (hh < 0 || mm < 0 || hh > 23 || mm > 59)
			return "the offset is not Z or +hh:mm / -hh:mm";
		*offset = (hh * 60 + mm) * 60 * (s[i] == '-' ? -1 : 1);
		i += 6;
	} else {
		return "the time zone (Z or +hh:mm / -hh:mm) is missing";
	}
	if (i != len)
		return "there is text after the time zone";
	return NULL;
}

int numbering__parse_time(int64_t *ns, const char *text, const char *field)
{
	if (ns == NULL || text == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "%s is required: an RFC 3339 timestamp such as 2026-11-22T22:41:26Z", field);
	char quoted[NUMBERING__QUOTE_SIZE];
	size_t len = strlen(text);
	int f[6] = {0};
	int64_t nanos = 0;
	int offset = 0;
	const char *problem = len > 64 ? "it is too long" : parse_fields(text, len, f, &nanos, &offset);
	if (problem != NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "%s \"%s\" is not an RFC 3339 timestamp (YYYY-MM-DDTHH:MM:SS[.fraction] and Z "
		                              "or an offset): %s",
		                              field, numbering__quote(quoted, text, len), problem);
	int64_t secs = days_from_civil(f[0], f[1], f[2]) * SECS_PER_DAY + f[3] * 3600 + f[4] * 60 + f[5] - offset;
	int64_t sod, year;
	int month, day;
	civil_from_days(floor_div(secs, SECS_PER_DAY, &sod), &year, &month, &day);
	/* The years bound secs well inside int64 (|secs| < 2^38); the product is checked
	 * all the same, and the result must be a time the library records. */
	int64_t whole = 0, value = 0;
	if (year < YEAR_MIN || year > YEAR_MAX || __builtin_mul_overflow(secs, NS_PER_SEC, &whole) ||
	    __builtin_add_overflow(whole, nanos, &value) || !numbering__time_in_range(value))
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, field,
		                              "%s \"%s\" is outside the years %d to %d (UTC) that nanoseconds since 1970 "
		                              "in 64 bits can hold",
		                              field, numbering__quote(quoted, text, len), YEAR_MIN, YEAR_MAX);
	*ns = value;
	return NUMBERING_OK;
}

int64_t numbering__add_months(int64_t ns, int months)
{
	int64_t nanos, secs = floor_div(ns, NS_PER_SEC, &nanos);
	int64_t sod, days = floor_div(secs, SECS_PER_DAY, &sod);
	int64_t year;
	int month, day;
	civil_from_days(days, &year, &month, &day);
	int64_t m0 = year * 12 + (month - 1) + months;
	int64_t rem;
	year = floor_div(m0, 12, &rem);
	month = (int)rem + 1;
	if (year < YEAR_MIN || year > YEAR_MAX)
		return year < YEAR_MIN ? NUMBERING__TIME_MIN : NUMBERING__TIME_MAX;
	/* The same day, or the month's last when it is shorter (Jan 31 + 1 month: Feb 28/29). */
	int last = days_in_month(year, month);
	if (day > last)
		day = last;
	return (days_from_civil(year, month, day) * SECS_PER_DAY + sod) * NS_PER_SEC + nanos;
}
