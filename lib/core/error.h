/* Setting the thread's last error from inside the library. */
#ifndef NUMBERING_CORE_ERROR_H
#define NUMBERING_CORE_ERROR_H

#include <stddef.h>

#include "numbering/errors.h"

#if defined(__GNUC__)
#define NUMBERING__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define NUMBERING__PRINTF(f, a)
#endif

/* Replaces the thread's last error with @code and a formatted message (no
 * violations yet). Returns @code so callers can `return numbering__error_set(...)`. */
int numbering__error_set(int code, const char *fmt, ...) NUMBERING__PRINTF(2, 3);

/* Appends a field violation to the thread's last error. Violations past
 * NUMBERING_ERROR_MAX_VIOLATIONS are dropped. Returns the error's code. */
int numbering__error_violation(const char *field, const char *fmt, ...) NUMBERING__PRINTF(2, 3);

/* Sets the error and one violation in a single step, the common case. */
int numbering__error_field(int code, const char *field, const char *fmt, ...) NUMBERING__PRINTF(3, 4);

/* A number that changes whenever this thread's last error is set: compare it across
 * a call to a backend to learn whether the backend described its failure. */
unsigned numbering__error_serial(void);

/* Prefixes every violation's field of the thread's last error with "@prefix."
 * (a request layer naming where a value sat, e.g. "phone_number_instance"). */
void numbering__error_prefix_fields(const char *prefix);

/* Bytes a quoted value may take in a message, NUL included. */
#define NUMBERING__QUOTE_SIZE 80

/* Writes a printable, bounded rendering of untrusted bytes for messages: printable
 * ASCII is kept, anything else becomes \xNN, and long values are cut with "...".
 * Returns @buf. */
const char *numbering__quote(char buf[NUMBERING__QUOTE_SIZE], const char *value, size_t len);

#endif
