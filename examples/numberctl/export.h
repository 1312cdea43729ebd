/*
 * numberctl export, import --export and projects (export.c): a store's records, whole,
 * read and written through the backend vtable (numbering/sys/backend.h). docs/EXPORT.md
 * describes the format and why it is made of records.
 */
#ifndef NUMBERCTL_EXPORT_H
#define NUMBERCTL_EXPORT_H

#include <stdint.h>
#include <stdio.h>

#include <numbering/numbering.h>
#include <numbering/sys/backend.h>

/* The version of the export format this numberctl writes and reads (the header's
 * "numberingExport"). */
#define NUMBERCTL_EXPORT_FORMAT 1

/* The commands' help texts. */
extern const char numberctl_export_help[];
extern const char numberctl_projects_help[];

struct numberctl_export {
	int csv;             /* 1: CSV; 0: JSON Lines (the default) */
	const char *project; /* only this project's records; NULL: every record */
	FILE *progress;      /* where progress goes (a terminal), or NULL for none */
};

/* Reads export's arguments; 0, or 2 (usage) after printing one line on stderr. */
int numberctl_export_args(struct numberctl_export *args, int argc, char **argv);

/* Writes the export of every record of @backend (or of args->project's) to @out, in
 * one pass, sorted by kind, parent, sort key and name, so that the same records give
 * the same bytes. Sets *@records to the records written. Returns NUMBERING_OK, or a
 * status with the thread's last error set (numbering_error_json() renders it); a write
 * error on @out is NUMBERING_UNAVAILABLE. */
int numberctl_export_write(FILE *out, numbering_backend *backend, const struct numberctl_export *args,
                           uint64_t *records);

/* 1 when import's arguments hold --export (import of an export, not of available numbers). */
int numberctl_import_is_export(int argc, char **argv);

struct numberctl_import_export {
	const char *path; /* a file, or "-" for stdin */
	FILE *progress;   /* as above */
	FILE *in;         /* set by numberctl_import_export_open() */
	const char *name; /* the input's name in messages */
};

/* Reads `import --export FILE|-`'s arguments; 0, or 2 after one line on stderr. */
int numberctl_import_export_args(struct numberctl_import_export *args, int argc, char **argv);

/* Loads the export read from @in (@name for messages) into @backend, which must hold no
 * record but META ones, in one transaction: all of it or, on any error, nothing. The
 * format (JSON Lines or CSV) is the header line's. Sets *@records. Returns NUMBERING_OK,
 * or a status with the thread's error naming the line and the field. */
int numberctl_import_export_read(numbering_backend *backend, FILE *in, const char *name, FILE *progress,
                                 uint64_t *records);

/* Reads projects' arguments (none); 0 or 2. */
int numberctl_projects_args(int argc, char **argv);

/* Writes one JSON line per project of @backend, in name order:
 * {"project":"p1","instances":N,"deletedInstances":M,"records":R}. */
int numberctl_projects_write(FILE *out, numbering_backend *backend);

/* The commands as numberctl runs them, on the backend of a store it opened (export and
 * projects read, import writes): each prints its result on stdout, or the JSON error
 * body, and returns the exit status (0, or 1). */
int numberctl_export_run(const struct numberctl_export *args, numbering_backend *backend);
/* Opens import --export's input, before the store is opened (or created): a FILE that
 * cannot be opened leaves no new store behind. 0, or 1 after printing the error body. */
int numberctl_import_export_open(struct numberctl_import_export *args);
/* Closes the input numberctl_import_export_open() opened (run does, after reading). */
void numberctl_import_export_close(struct numberctl_import_export *args);
int numberctl_import_export_run(struct numberctl_import_export *args, numbering_backend *backend);
int numberctl_projects_run(numbering_backend *backend);

#endif
