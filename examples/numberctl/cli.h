#ifndef NUMBERCTL_CLI_H
#define NUMBERCTL_CLI_H
/*
 * numberctl's conventions, shared by its commands (docs/GETTING-STARTED.md, "numberctl"):
 * a usage error is one line on stderr and exit status 2, as git's are.
 */

#define NUMBERCTL_EXIT_USAGE 2

/* Prints "numberctl: COMMAND: MESSAGE (see 'numberctl help COMMAND')" on stderr, one
 * line (@command NULL: no command named, "see 'numberctl help'"), and returns
 * NUMBERCTL_EXIT_USAGE. */
int numberctl_usage(const char *command, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

#endif
