/*
 * numberctl export and import --export (examples/numberctl/export.c) through strings,
 * for the runners test-export and test-due-export: the export of a backend as a string,
 * a string imported, two exports compared, and the runner itself.
 */
#ifndef NUMBERING_TEST_EXPORT_TEXT_H
#define NUMBERING_TEST_EXPORT_TEXT_H
#include <stddef.h>
#include <stdint.h>

#include <check.h>

#include <numbering/sys/backend.h>

/* @backend's export (JSON Lines, or CSV when @csv; whole, or @project's when not NULL)
 * in a new string (the caller frees it); *@records (may be NULL) how many records it
 * holds. Fails the test when the export fails. */
char *export_text(numbering_backend *backend, int csv, const char *project, uint64_t *records);

/* Imports the @len bytes of @text into @backend; returns the status (the thread's error
 * set on failure); *@records (may be NULL) how many records it read. */
int import_text(numbering_backend *backend, const char *text, size_t len, uint64_t *records);

/* Two exports are the same bytes; else fails naming the caller's line @at and the first
 * line of the exports that differs. */
#define same_export(got, want) same_export_at(got, want, __LINE__)
void same_export_at(const char *got, const char *want, int at);

/* Runs @suite in this process (its unchecked fixture's store lives across its tests),
 * then removes @dir (the runner's temporary directory, one level deep) with what is in
 * it. Returns how many tests failed. */
int export_suite_run(Suite *suite, const char *dir);
#endif
