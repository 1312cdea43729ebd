/* `numberctl import`: loads available numbers from CSV or JSON Lines (import.c). */
#ifndef NUMBERCTL_IMPORT_H
#define NUMBERCTL_IMPORT_H

#include <numbering/numbering.h>

/* The command's help text. */
extern const char numberctl_import_help[];

#include <stdio.h>

struct numberctl_import {
	int jsonl;        /* 1: JSON Lines; 0: CSV */
	const char *path; /* a file, or "-" for stdin */
	FILE *in;         /* set by numberctl_import_open() */
};

/* Reads the command's arguments; 0, or 2 (usage) after printing one line on stderr. */
int numberctl_import_args(struct numberctl_import *args, int argc, char **argv);

/* Opens the input, before the store is opened (or created): a FILE that cannot be
 * opened leaves no new store behind. 0, or 1 after a line on stderr. */
int numberctl_import_open(struct numberctl_import *args);

/* Imports into @store as @caller, and closes the input; prints the summary on stdout and each bad line on
 * stderr. Returns the exit status: 0 when every line was imported, else 1. */
int numberctl_import_run(struct numberctl_import *args, numbering_store *store, const char *caller);

#endif
