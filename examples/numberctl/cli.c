/* numberctl's usage errors: one line on stderr naming the help to read, exit status 2. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>

int numberctl_usage(const char *command, const char *fmt, ...)
{
	va_list ap;
	fputs("numberctl: ", stderr);
	if (command != NULL)
		fprintf(stderr, "%s: ", command);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (command != NULL)
		fprintf(stderr, " (see 'numberctl help %s')\n", command);
	else
		fputs(" (see 'numberctl help')\n", stderr);
	return NUMBERCTL_EXIT_USAGE;
}
