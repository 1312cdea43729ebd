/*
 * `numberctl changes [--after N] [--follow] [--interval MS]` (changes-command.c): the
 * store's change journal (numbering/changes.h) as JSON lines, one per change, and with
 * --follow the commits that arrive after, until SIGINT or SIGTERM.
 */
#ifndef NUMBERCTL_CHANGES_COMMAND_H
#define NUMBERCTL_CHANGES_COMMAND_H

#include <numbering/numbering.h>

extern const char numberctl_changes_help[];

struct numberctl_changes {
	long long after;  /* the last sequence seen: lines start after it */
	int follow;       /* 1: poll until SIGINT or SIGTERM */
	long interval_ms; /* the pause between polls with --follow */
};

/* Reads the arguments; 0, or 2 (usage) after printing one line on stderr. */
int numberctl_changes_args(struct numberctl_changes *args, int argc, char **argv);

/*
 * Opens the store again for the next poll of --follow: the caller closes *@store and
 * opens a new one in its place (a read-only snapshot of a file store, so that the
 * command never holds the writer's lock); 0, or an exit status after printing why.
 * NULL when the store cannot be reopened (a memory store): --follow then polls the
 * store it has.
 */
typedef int (*numberctl_changes_reopen_cb)(numbering_store **store, void *payload);

/* Prints the changes as @caller; returns the exit status: 0, or 1 on a store error
 * (its JSON error body on stdout, as other commands). */
int numberctl_changes_run(const struct numberctl_changes *args, numbering_store **store, const char *caller,
                          numberctl_changes_reopen_cb reopen, void *payload);

#endif
