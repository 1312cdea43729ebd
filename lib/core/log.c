/* Log records: level names, the logfmt rendering, and sending a record to a sink. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "core/log.h"

static const char *const level_names[] = {
	[NUMBERING_LOG_ERROR] = "error",
	[NUMBERING_LOG_WARNING] = "warning",
	[NUMBERING_LOG_INFO] = "info",
	[NUMBERING_LOG_DEBUG] = "debug",
};

const char *numbering_log_level_name(int level)
{
	return level >= NUMBERING_LOG_ERROR && level <= NUMBERING_LOG_DEBUG ? level_names[level] : NULL;
}

int numbering_log_level_from_name(int *out, const char *name)
{
	if (out != NULL)
		*out = 0;
	if (out == NULL)
		return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "out", "numbering_log_level_from_name: out is NULL");
	for (int level = NUMBERING_LOG_ERROR; name != NULL && level <= NUMBERING_LOG_DEBUG; level++)
		if (strcmp(name, level_names[level]) == 0) {
			*out = level;
			return NUMBERING_OK;
		}
	char quoted[NUMBERING__QUOTE_SIZE];
	return numbering__error_field(NUMBERING_INVALID_ARGUMENT, "level",
	                              "log level %s%s%s is not one of error, warning, info, debug", name ? "\"" : "",
	                              name == NULL ? "(null)" : numbering__quote(quoted, name, strlen(name)),
	                              name ? "\"" : "");
}

/* A growing line in a caller's buffer: what does not fit is counted, not written. */
struct line {
	char *buf;
	size_t size, len;
};

static void put(struct line *l, const char *s, size_t n)
{
	if (l->len < l->size) {
		size_t room = l->size - 1 - l->len;
		memcpy(l->buf + l->len, s, n < room ? n : room);
	}
	l->len += n;
}

static int bare(const char *v)
{
	if (v[0] == '\0')
		return 0;
	for (const unsigned char *c = (const unsigned char *)v; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		      strchr("+-./:_@", *c) != NULL))
			return 0;
	return 1;
}

static void put_quoted(struct line *l, const char *v)
{
	put(l, "\"", 1);
	for (const unsigned char *c = (const unsigned char *)v; *c; c++) {
		char esc[5];
		if (*c == '"' || *c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*c;
			put(l, esc, 2);
		} else if (*c == '\n') {
			put(l, "\\n", 2);
		} else if (*c == '\r') {
			put(l, "\\r", 2);
		} else if (*c == '\t') {
			put(l, "\\t", 2);
		} else if (*c < 0x20 || *c == 0x7f) {
			snprintf(esc, sizeof(esc), "\\x%02x", *c);
			put(l, esc, 4);
		} else {
			put(l, (const char *)c, 1);
		}
	}
	put(l, "\"", 1);
}

static void put_value(struct line *l, const char *v)
{
	if (bare(v))
		put(l, v, strlen(v));
	else
		put_quoted(l, v);
}

int numbering_log_format(char *buf, size_t size, int level, const char *message, const numbering_log_field *fields,
                         int field_count)
{
	const char *name = numbering_log_level_name(level);
	if (name == NULL || message == NULL || field_count < 0 || (field_count > 0 && fields == NULL) ||
	    (buf == NULL && size > 0))
		return -1;
	struct line l = {buf, size, 0};
	put(&l, "level=", 6);
	put(&l, name, strlen(name));
	put(&l, " msg=", 5);
	/* The message is always quoted, so a line reads the same whatever its words. */
	put_quoted(&l, message);
	for (int i = 0; i < field_count; i++) {
		if (fields[i].key == NULL)
			continue;
		put(&l, " ", 1);
		put(&l, fields[i].key, strlen(fields[i].key));
		put(&l, "=", 1);
		put_value(&l, fields[i].value != NULL ? fields[i].value : "");
	}
	if (size > 0)
		buf[l.len < size ? l.len : size - 1] = '\0';
	return l.len > (size_t)0x7fffffff ? 0x7fffffff : (int)l.len;
}

void numbering__log(const struct numbering__log *log, int level, const char *message, const numbering_log_field *fields,
                    int count)
{
	if (numbering__log_wants(log, level))
		log->fn(level, message, fields, count, log->payload);
}

const char *numbering__log_i64(char buf[NUMBERING__LOG_NUMBER_SIZE], int64_t v)
{
	snprintf(buf, NUMBERING__LOG_NUMBER_SIZE, "%lld", (long long)v);
	return buf;
}

const char *numbering__log_seconds(char buf[NUMBERING__LOG_NUMBER_SIZE], int64_t ns)
{
	uint64_t m = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	snprintf(buf, NUMBERING__LOG_NUMBER_SIZE, "%s%llu.%09llu", ns < 0 ? "-" : "", (unsigned long long)(m / 1000000000u),
	         (unsigned long long)(m % 1000000000u));
	return buf;
}

int64_t numbering__log_clock(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void numbering__log_compacted(const struct numbering__log *log, const char *path, int64_t before, int64_t after,
                              int64_t records, int64_t started)
{
	if (!numbering__log_wants(log, NUMBERING_LOG_INFO))
		return;
	char b[NUMBERING__LOG_NUMBER_SIZE], a[NUMBERING__LOG_NUMBER_SIZE], r[NUMBERING__LOG_NUMBER_SIZE],
	        d[NUMBERING__LOG_NUMBER_SIZE];
	numbering_log_field fields[] = {
		{"file", path},
		{"before_bytes", numbering__log_i64(b, before)},
		{"after_bytes", numbering__log_i64(a, after)},
		{"records", numbering__log_i64(r, records)},
		{"duration_seconds", numbering__log_seconds(d, numbering__log_clock() - started)},
	};
	numbering__log(log, NUMBERING_LOG_INFO, NUMBERING__LOG_COMPACTED, fields, 5);
}

void numbering__log_failure(const struct numbering__log *log, const char *path, const char *detail)
{
	numbering_log_field fields[] = {{"file", path}, {"detail", detail}};
	numbering__log(log, NUMBERING_LOG_ERROR, NUMBERING__LOG_FAILURE, fields, 2);
}

void numbering__log_damage(const struct numbering__log *log, const char *operation)
{
	if (!numbering__log_wants(log, NUMBERING_LOG_ERROR))
		return;
	numbering_log_field fields[] = {{"operation", operation}, {"detail", numbering_error_message()}};
	numbering__log(log, NUMBERING_LOG_ERROR, NUMBERING__LOG_DAMAGE, fields, 2);
}
