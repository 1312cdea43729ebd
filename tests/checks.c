#include "checks.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <numbering/numbering.h>

void check_error(int rc, int code, const char *field, const char *needle)
{
	ck_assert_int_eq(rc, code);
	ck_assert_int_eq(numbering_error_code(), code);
	if (field != NULL) {
		ck_assert_int_ge(numbering_error_violation_count(), 1);
		ck_assert_str_eq(numbering_error_violation_field(0), field);
	}
	if (needle != NULL)
		ck_assert_msg(strstr(numbering_error_message(), needle) != NULL, "message \"%s\" lacks \"%s\"",
		              numbering_error_message(), needle);
}

char *repeat_text(const char *unit, int count)
{
	size_t len = strlen(unit);
	char *s = malloc(len * (size_t)count + 1);
	ck_assert_ptr_nonnull(s);
	for (int i = 0; i < count; i++)
		memcpy(s + len * (size_t)i, unit, len);
	s[len * (size_t)count] = '\0';
	return s;
}
