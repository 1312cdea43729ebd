/* `numberctl import`: loads available numbers from CSV or JSON Lines (import.c). */
#ifndef NUMBERCTL_IMPORT_H
#define NUMBERCTL_IMPORT_H

#include <numbering/numbering.h>

/* The command's help text. */
extern const char numberctl_import_help[];

struct numberctl_import {
	int jsonl;        /* 1: JSON Lines; 0: CSV */
	const char *path; /* a file, or "-" for stdin */
};

/* Reads the command's arguments; 0, or 2 (usage) after printing one line on stderr. */
int numberctl_import_args(struct numberctl_import *args, int argc, char **argv);

/* Imports into @store as @caller; prints the summary on stdout and each bad line on
 * stderr. Returns the exit status: 0 when every line was imported, else 1. */
int numberctl_import_run(const struct numberctl_import *args, numbering_store *store, const char *caller);

#endif
