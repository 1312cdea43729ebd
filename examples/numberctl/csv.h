/*
 * A small RFC 4180 reader for `numberctl import`: fields separated by ',', records by
 * CRLF or LF, a field in double quotes may hold ',', line breaks and '""' (a quote).
 * Bounded: a record longer than the reader's limit is skipped and reported, never
 * stored, so a huge line costs no memory; a record holding a NUL byte is reported.
 *
 * Why not libcsv (Debian's libcsv-dev): its upstream's last release is 3.0.3 of 2013,
 * and what numberctl needs beside the splitting (the line a record starts on, the
 * bound, NUL bytes, resynchronizing after a bad record) would wrap most of it anyway.
 */
#ifndef NUMBERCTL_CSV_H
#define NUMBERCTL_CSV_H

#include <stddef.h>
#include <stdio.h>

struct csv_reader {
	FILE *in;
	size_t max;          /* the most bytes of a record, separators included */
	unsigned long line;  /* the line of the next byte, from 1 */
	char *buf;           /* the record's fields, each NUL-terminated */
	size_t len, cap;
	size_t *fields;      /* where each field starts in buf */
	size_t count, fields_cap;
	char error[160];     /* why the last record was refused */
	int stop;            /* a refused record ends the reading where it was refused */
};

/* Starts reading @in; records over @max bytes are refused. */
void csv_init(struct csv_reader *r, FILE *in, size_t max);
void csv_free(struct csv_reader *r);

/* Reads the next record. Returns 1 with r->count fields (csv_field()), 0 at the end of
 * the input, -1 for a refused record (r->error says why; the reader is past it and
 * the next call reads the record after it, unless r->stop is set: then reading stops
 * at the refusal, for a caller that reads no further, so that endless input such as
 * /dev/zero is not read to an end it lacks), -2 when reading fails (errno) or memory
 * runs out. *@line is the line the record starts on. A blank line is skipped. */
int csv_read(struct csv_reader *r, unsigned long *line);

/* Field @i of the last record read. */
const char *csv_field(const struct csv_reader *r, size_t i);

#endif
