/* The RFC 4180 reader of `numberctl import`: csv.h. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

enum state { START, UNQUOTED, QUOTED, QUOTE_SEEN };

void csv_init(struct csv_reader *r, FILE *in, size_t max)
{
	memset(r, 0, sizeof(*r));
	r->in = in;
	r->max = max;
	r->line = 1;
}

void csv_free(struct csv_reader *r)
{
	free(r->buf);
	free(r->fields);
	r->buf = NULL;
	r->fields = NULL;
}

const char *csv_field(const struct csv_reader *r, size_t i)
{
	return i < r->count ? r->buf + r->fields[i] : "";
}

static int append(struct csv_reader *r, char c)
{
	if (r->len == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 256;
		char *p = realloc(r->buf, cap);
		if (p == NULL)
			return -1;
		r->buf = p;
		r->cap = cap;
	}
	r->buf[r->len++] = c;
	return 0;
}

static int start_field(struct csv_reader *r)
{
	if (r->count == r->fields_cap) {
		size_t cap = r->fields_cap ? 2 * r->fields_cap : 16;
		size_t *p = realloc(r->fields, cap * sizeof(*p));
		if (p == NULL)
			return -1;
		r->fields = p;
		r->fields_cap = cap;
	}
	r->fields[r->count++] = r->len;
	return 0;
}

/* The record is refused: keep reading to its end, storing nothing. */
static void refuse(struct csv_reader *r, int *refused, const char *fmt, ...)
{
	if (*refused)
		return;
	*refused = 1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
}

/* After a '\r': a following '\n' ends the record with it. */
static int crlf(struct csv_reader *r)
{
	int next = getc_unlocked(r->in);
	if (next == '\n') {
		r->line++;
		return 1;
	}
	if (next != EOF)
		ungetc(next, r->in);
	return 0;
}

int csv_read(struct csv_reader *r, unsigned long *line)
{
	for (;;) {
		enum state state = START;
		int refused = 0, end = 0;
		size_t bytes = 0;
		r->len = 0;
		r->count = 0;
		r->error[0] = '\0';
		*line = r->line;
		if (start_field(r) != 0)
			return -2;
		while (!end) {
			/* Unlocked: the reader's stream is its own (getc's lock was a third of it). */
			int c = getc_unlocked(r->in);
			if (c == EOF) {
				if (ferror(r->in))
					return -2;
				if (bytes == 0)
					return 0;
				if (state == QUOTED)
					refuse(r, &refused, "a quoted field is not closed before the end of the input");
				break;
			}
			bytes++;
			if (c == '\n')
				r->line++;
			if (bytes > r->max)
				refuse(r, &refused, "the record is longer than %zu bytes", r->max);
			if (c == '\0')
				refuse(r, &refused, "a NUL byte at byte offset %zu of the record", bytes - 1);
			int keep = 0; /* store c in the field */
			switch (state) {
			case QUOTED:
				if (c == '"')
					state = QUOTE_SEEN;
				else
					keep = 1;
				break;
			case QUOTE_SEEN:
				if (c == '"') {
					keep = 1;
					state = QUOTED;
				} else if (c == ',') {
					state = START;
					if (!refused && (append(r, '\0') != 0 || start_field(r) != 0))
						return -2;
				} else if (c == '\n' || (c == '\r' && crlf(r))) {
					end = 1;
				} else {
					refuse(r, &refused, "a '%c' after the closing quote of field %zu (a quote in a quoted field is "
					                    "written \"\")",
					       c >= ' ' && c < 127 ? c : '?', r->count);
					state = UNQUOTED;
				}
				break;
			case START:
				if (c == '"') {
					state = QUOTED;
					break;
				}
				/* fall through */
			case UNQUOTED:
				state = UNQUOTED;
				if (c == ',') {
					state = START;
					if (!refused && (append(r, '\0') != 0 || start_field(r) != 0))
						return -2;
				} else if (c == '\n' || (c == '\r' && crlf(r))) {
					end = 1;
				} else if (c == '"') {
					refuse(r, &refused, "a quote inside unquoted field %zu (quote the whole field: \"a \"\"b\"\"\")",
					       r->count);
				} else {
					keep = 1;
				}
				break;
			}
			if (keep && !refused && append(r, (char)c) != 0)
				return -2;
			if (refused && r->stop)
				break;
		}
		if (refused) {
			r->count = 0;
			return -1;
		}
		if (append(r, '\0') != 0)
			return -2;
		/* A blank line is no record. */
		if (r->count == 1 && r->buf[0] == '\0' && bytes <= 2)
			continue;
		return 1;
	}
}
