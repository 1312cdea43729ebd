/* Small checks and makers the suites that test values without a store share. */
#ifndef NUMBERING_TEST_CHECKS_H
#define NUMBERING_TEST_CHECKS_H

/* Checks the thread's last error after a failing call: @rc and the error's code are
 * @code, its first violation names @field (unless NULL) and its message holds @needle
 * (unless NULL). */
void check_error(int rc, int code, const char *field, const char *needle);

/* @unit written @count times over, NUL-terminated (free() it). */
char *repeat_text(const char *unit, int count);

#endif
