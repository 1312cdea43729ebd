/* The parser with the request field to name in errors, for the layers above. */
#ifndef NUMBERING_E164_PARSE_H
#define NUMBERING_E164_PARSE_H

#include <stddef.h>

#include "numbering/e164.h"

/* numbering_e164_parse_n() whose errors name @field (e.g. "phone_number_instance.phone_number.phone_number"). */
int numbering__e164_parse_field(numbering_number *out, const char *text, size_t len, const char *region,
                                const char *field);

/* numbering__e164_parse_field() less its first step, numbering__e164_parse_canonical()
 * (e164/canonical.h), for a caller that took that step inline; @out is not NULL. */
int numbering__e164_parse_other(numbering_number *out, const char *text, size_t len, const char *region,
                                const char *field);

/* numbering_e164_parse_range() whose errors name @field. */
int numbering__range_parse_field(numbering_range *out, const char *text, const char *region, const char *field);

#endif
