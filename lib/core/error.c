/*
 * The thread's last error. Storage is fixed-size and thread-local so reporting an
 * error never allocates: an out-of-memory failure can always be described.
 */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "numbering/sys/backend.h"

#define MESSAGE_SIZE 512
#define FIELD_SIZE 128
#define DESCRIPTION_SIZE 256

struct violation {
	char field[FIELD_SIZE];
	char description[DESCRIPTION_SIZE];
};

struct last_error {
	int code;
	int violation_count;
	char message[MESSAGE_SIZE];
	struct violation violations[NUMBERING_ERROR_MAX_VIOLATIONS];
};

static _Thread_local struct last_error last_error;
/* Counts the errors this thread has set, so a caller can tell whether a callee set one. */
static _Thread_local unsigned error_serial;

/* vsnprintf may cut a multi-byte UTF-8 sequence; drop any partial one at the end so
 * the text stays valid UTF-8 for the JSON body. */
static void trim_partial_utf8(char *s)
{
	size_t len = strlen(s);
	size_t i = len;
	while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i == 0)
		return;
	unsigned char lead = (unsigned char)s[i - 1];
	size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
	if (len - (i - 1) < need)
		s[i - 1] = '\0';
}

static void format_into(char *buf, size_t size, const char *fmt, va_list ap)
{
	vsnprintf(buf, size, fmt, ap);
	trim_partial_utf8(buf);
}

int numbering__error_set(int code, const char *fmt, ...)
{
	va_list ap;
	error_serial++;
	last_error.code = code;
	last_error.violation_count = 0;
	if (strchr(fmt, '%') == NULL) {
		/* A constant message (a get's NOT_FOUND, which a write's check expects) is
		 * copied: vsnprintf cost ~300 instructions for it. */
		size_t len = strnlen(fmt, sizeof(last_error.message) - 1);
		memcpy(last_error.message, fmt, len);
		last_error.message[len] = '\0';
		if (fmt[len] != '\0')
			trim_partial_utf8(last_error.message);
		return code;
	}
	va_start(ap, fmt);
	format_into(last_error.message, sizeof(last_error.message), fmt, ap);
	va_end(ap);
	return code;
}

static void add_violation(const char *field, const char *fmt, va_list ap)
{
	if (last_error.violation_count >= NUMBERING_ERROR_MAX_VIOLATIONS)
		return;
	struct violation *v = &last_error.violations[last_error.violation_count++];
	snprintf(v->field, sizeof(v->field), "%s", field ? field : "");
	trim_partial_utf8(v->field);
	format_into(v->description, sizeof(v->description), fmt, ap);
}

int numbering__error_violation(const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_violation(field, fmt, ap);
	va_end(ap);
	return last_error.code;
}

int numbering__error_field(int code, const char *field, const char *fmt, ...)
{
	va_list ap;
	error_serial++;
	last_error.code = code;
	last_error.violation_count = 0;
	va_start(ap, fmt);
	format_into(last_error.message, sizeof(last_error.message), fmt, ap);
	va_end(ap);
	if (field != NULL) {
		va_start(ap, fmt);
		add_violation(field, fmt, ap);
		va_end(ap);
	}
	return code;
}

unsigned numbering__error_serial(void)
{
	return error_serial;
}

int numbering_error_set(int code, const char *field, const char *message)
{
	if (code == NUMBERING_OK)
		return code;
	return numbering__error_field(code, field, "%s", message != NULL ? message : numbering_status_name(code));
}

void numbering__error_prefix_fields(const char *prefix)
{
	for (int i = 0; i < last_error.violation_count; i++) {
		struct violation *v = &last_error.violations[i];
		char field[FIELD_SIZE];
		/* A longer path is cut: trimmed to whole characters below. */
		int len = v->field[0] == '\0' ? snprintf(field, sizeof(field), "%s", prefix)
		                                : snprintf(field, sizeof(field), "%s.%s", prefix, v->field);
		(void)len;
		memcpy(v->field, field, sizeof(field));
		trim_partial_utf8(v->field);
	}
}

const char *numbering__quote(char buf[NUMBERING__QUOTE_SIZE], const char *value, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t out = 0;
	const size_t limit = NUMBERING__QUOTE_SIZE - 4; /* room for "..." and NUL */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)value[i];
		size_t need = (c >= 0x20 && c < 0x7f && c != '\\') ? 1 : (c == '\\' ? 2 : 4);
		if (out + need > limit) {
			memcpy(buf + out, "...", 3);
			out += 3;
			break;
		}
		if (need == 1) {
			buf[out++] = (char)c;
		} else if (need == 2) {
			buf[out++] = '\\';
			buf[out++] = '\\';
		} else {
			buf[out++] = '\\';
			buf[out++] = 'x';
			buf[out++] = hex[c >> 4];
			buf[out++] = hex[c & 15];
		}
	}
	buf[out] = '\0';
	return buf;
}

int numbering_error_code(void)
{
	return last_error.code;
}

const char *numbering_error_message(void)
{
	return last_error.code == NUMBERING_OK ? "" : last_error.message;
}

int numbering_error_violation_count(void)
{
	return last_error.code == NUMBERING_OK ? 0 : last_error.violation_count;
}

const char *numbering_error_violation_field(int i)
{
	if (i < 0 || i >= numbering_error_violation_count())
		return NULL;
	return last_error.violations[i].field;
}

const char *numbering_error_violation_description(int i)
{
	if (i < 0 || i >= numbering_error_violation_count())
		return NULL;
	return last_error.violations[i].description;
}

void numbering_error_clear(void)
{
	last_error.code = NUMBERING_OK;
	last_error.violation_count = 0;
	last_error.message[0] = '\0';
}

const char *numbering_status_name(int code)
{
	switch (code) {
#define NUMBERING__STATUS(name, value, http) \
	case value:                          \
		return #name;
#include "core/status-list.h"
#undef NUMBERING__STATUS
	default:
		return "UNKNOWN";
	}
}

int numbering_status_http(int code)
{
	switch (code) {
#define NUMBERING__STATUS(name, value, http) \
	case value:                          \
		return http;
#include "core/status-list.h"
#undef NUMBERING__STATUS
	default:
		return 500;
	}
}
