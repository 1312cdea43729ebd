/* numberctl's store clock and the "time" of batch lines (batch-clock.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "batch-clock.h"

#define NS_PER_SEC INT64_C(1000000000)
#define SECS_PER_DAY INT64_C(86400)

/* Days from 1970-01-01 to @y-@m-@d of the proleptic Gregorian calendar (H. Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The times a store records (numbering_clock_cb): whole years 1678 .. 2261. */
#define FIRST_SECOND (days_from_civil(1678, 1, 1) * SECS_PER_DAY)
#define END_SECOND (days_from_civil(2262, 1, 1) * SECS_PER_DAY)

int64_t batch_clock_now(void *payload)
{
	const struct batch_clock *c = payload;
	int64_t base;
	if (c->fake) {
		base = c->start + c->line * NS_PER_SEC;
	} else {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		base = (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
	}
	/* Past the last time a store records: the store refuses it, never wraps. */
	return base > INT64_MAX - c->offset ? INT64_MAX : base + c->offset;
}

/* @n digits at @p as a number; -1 when one is not a digit. */
static int digits(const char *p, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

static int days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

int batch_clock_parse(int64_t *ns, const char *text, const char **why)
{
	static const char *const form = "is not an RFC 3339 time such as 2026-03-01T00:00:00Z";
	size_t len = strlen(text);
	*why = form;
	if (len < 20 || len > 40 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't') ||
	    text[13] != ':' || text[16] != ':')
		return -1;
	int y = digits(text, 4), mo = digits(text + 5, 2), d = digits(text + 8, 2);
	int h = digits(text + 11, 2), mi = digits(text + 14, 2), s = digits(text + 17, 2);
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59)
		return -1;
	if (d > days_in_month(y, mo)) {
		*why = "names a day its month does not have";
		return -1;
	}
	const char *p = text + 19;
	int64_t frac = 0;
	if (*p == '.') {
		int n = 0;
		for (p++; *p >= '0' && *p <= '9'; p++, n++)
			if (n < 9)
				frac = frac * 10 + (*p - '0');
		if (n == 0 || n > 9)
			return -1;
		for (; n < 9; n++)
			frac *= 10;
	}
	int64_t offset = 0;
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
		offset = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		int oh = digits(p + 1, 2), om = digits(p + 4, 2);
		if (oh < 0 || oh > 23 || om < 0 || om > 59)
			return -1;
		offset = (*p == '-' ? -1 : 1) * (oh * INT64_C(3600) + om * INT64_C(60));
	} else {
		return -1;
	}
	int64_t secs = days_from_civil(y, mo, d) * SECS_PER_DAY + h * INT64_C(3600) + mi * INT64_C(60) + s - offset;
	if (secs < FIRST_SECOND || secs >= END_SECOND) {
		*why = "is outside the times a store records (1678-01-01T00:00:00Z .. 2261-12-31T23:59:59Z)";
		return -1;
	}
	*ns = secs * NS_PER_SEC + frac;
	*why = NULL;
	return 0;
}

void batch_clock_format(char buf[BATCH_CLOCK_TEXT_SIZE], int64_t ns)
{
	int64_t secs = ns / NS_PER_SEC, frac = ns % NS_PER_SEC;
	if (frac < 0) {
		frac += NS_PER_SEC;
		secs--;
	}
	time_t t = (time_t)secs;
	struct tm tm;
	size_t n = 0;
	if (gmtime_r(&t, &tm) != NULL)
		n = strftime(buf, BATCH_CLOCK_TEXT_SIZE, "%Y-%m-%dT%H:%M:%S", &tm);
	if (frac != 0)
		snprintf(buf + n, BATCH_CLOCK_TEXT_SIZE - n, ".%09lldZ", (long long)frac);
	else
		snprintf(buf + n, BATCH_CLOCK_TEXT_SIZE - n, "Z");
}

int batch_clock_set(struct batch_clock *clock, int64_t ns)
{
	int64_t now = batch_clock_now(clock);
	if (ns < now)
		return -1;
	clock->offset += ns - now;
	return 0;
}
