/*
 * numberctl import: available numbers from a CSV file or JSON Lines into the inventory,
 * through the library's ImportAvailableNumbers (lib/json/sinch-available.c), so a line
 * is checked by the same rules, and named by the same field paths, as a JSON request.
 *
 * Lines go in batches of BATCH_LINES (and at most BATCH_BYTES of request), one
 * transaction each. An import is all or nothing, so a batch that fails is imported
 * again line by line: the good lines go in, each bad one is reported on stderr with its
 * line number and the reason. docs/INVENTORY.md describes the formats.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "csv.h"
#include "import.h"

#define EXIT_USAGE 2
/* The most bytes of a line (of a CSV record); a longer one is refused and skipped. */
#define LINE_MAX_BYTES (1024 * 1024)
#define BATCH_LINES 1000
/* Under the library's 1 MiB bound on a request. */
#define BATCH_BYTES (1000 * 1000)

const char numberctl_import_help[] =
	"usage: numberctl [GLOBAL OPTIONS] import [--format csv|jsonl] FILE|-\n"
	"\n"
	"Loads available numbers into the inventory (ImportAvailableNumbers, as the caller\n"
	"named by --as): one number or block per line, of a CSV file with a header row naming\n"
	"the attributes (phoneNumber required; capability as SMS;VOICE; prices as \"USD 2.00\";\n"
	"flags as true or false), or of JSON Lines, one AvailableNumber object per line.\n"
	"The format is jsonl for a FILE ending in .jsonl, else csv, unless --format says.\n"
	"Each bad line is reported on stderr with its number; the good ones are imported. Prints\n"
	"{\"imported\": N, \"failed\": M, \"lines\": L} and exits 1 when a line failed.\n";

int numberctl_import_args(struct numberctl_import *args, int argc, char **argv)
{
	const char *format = NULL;
	int bad = 0;
	args->path = NULL;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
			format = argv[++i];
		else if (strncmp(argv[i], "--format=", 9) == 0)
			format = argv[i] + 9;
		else if (args->path == NULL && (argv[i][0] != '-' || strcmp(argv[i], "-") == 0))
			args->path = argv[i];
		else
			bad = 1; /* a second file, an unknown option */
	}
	if (bad || args->path == NULL || (format != NULL && strcmp(format, "csv") != 0 && strcmp(format, "jsonl") != 0)) {
		fputs(numberctl_import_help, stderr);
		return EXIT_USAGE;
	}
	size_t n = strlen(args->path);
	args->jsonl = format != NULL ? strcmp(format, "jsonl") == 0 : n > 6 && strcmp(args->path + n - 6, ".jsonl") == 0;
	return 0;
}

/* ---- The run ---- */

struct item {
	unsigned long line;
	char *text; /* the AvailableNumber, compact JSON */
	size_t len;
};

struct run {
	numbering_store *store;
	const char *caller;
	const char *name; /* the file, for messages */
	int tty;          /* stderr is a terminal: progress lines */
	unsigned long lines, imported, failed;
	struct item batch[BATCH_LINES];
	size_t count, bytes;
	int stop; /* a failure no line is to blame for: nothing more is tried */
};

static void clear_progress(const struct run *r)
{
	if (r->tty)
		fputs("\r\033[K", stderr);
}

static void bad_line(struct run *r, unsigned long line, const char *fmt, ...)
{
	va_list ap;
	clear_progress(r);
	fprintf(stderr, "numberctl: import: %s: line %lu: ", r->name, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	r->failed++;
}

/* The library's message for an import of one item, without the item's own index:
 * "availableNumbers[0].setupPrice.amount \"2,00\" ..." reads "setupPrice.amount ...". */
static const char *item_message(void)
{
	const char *m = numbering_error_message();
	static const char prefix[] = "availableNumbers[0]";
	size_t n = sizeof(prefix) - 1;
	if (strncmp(m, prefix, n) == 0 && m[n] == '.')
		return m + n + 1;
	if (strncmp(m, prefix, n) == 0 && m[n] == ':' && m[n + 1] == ' ')
		return m + n + 2;
	return m;
}

/* Imports items [@from, @to) in one call; returns the library's code. */
static int import_items(struct run *r, size_t from, size_t to)
{
	size_t size = 32;
	for (size_t i = from; i < to; i++)
		size += r->batch[i].len + 1;
	char *text = malloc(size);
	if (text == NULL)
		return NUMBERING_RESOURCE_EXHAUSTED;
	size_t len = (size_t)sprintf(text, "{\"availableNumbers\":[");
	for (size_t i = from; i < to; i++) {
		if (i > from)
			text[len++] = ',';
		memcpy(text + len, r->batch[i].text, r->batch[i].len);
		len += r->batch[i].len;
	}
	strcpy(text + len, "]}");
	char *response = NULL;
	int rc = numbering_store_call_json(&response, r->store, r->caller, "ImportAvailableNumbers", text);
	numbering_free(response);
	free(text);
	return rc;
}

/* A failure that is not the line's: the caller may not import, the store failed. */
static int whole_run_fails(int rc)
{
	return rc == NUMBERING_PERMISSION_DENIED || rc == NUMBERING_UNAUTHENTICATED || rc == NUMBERING_UNAVAILABLE ||
	       rc == NUMBERING_INTERNAL || rc == NUMBERING_DATA_LOSS || rc == NUMBERING_FAILED_PRECONDITION;
}

static void flush(struct run *r)
{
	if (r->count == 0)
		return;
	int rc = r->stop ? NUMBERING_ABORTED : import_items(r, 0, r->count);
	if (rc == NUMBERING_OK) {
		r->imported += r->count;
	} else if (!r->stop && whole_run_fails(rc)) {
		clear_progress(r);
		fprintf(stderr, "numberctl: import: %s: lines %lu to %lu: %s\n", r->name, r->batch[0].line,
		        r->batch[r->count - 1].line, numbering_error_message());
		r->failed += r->count;
		r->stop = 1;
	} else if (r->stop) {
		r->failed += r->count;
	} else {
		/* Find the bad lines: each alone. */
		for (size_t i = 0; i < r->count; i++) {
			rc = import_items(r, i, i + 1);
			if (rc == NUMBERING_OK)
				r->imported++;
			else
				bad_line(r, r->batch[i].line, "%s", item_message());
		}
	}
	for (size_t i = 0; i < r->count; i++)
		free(r->batch[i].text);
	r->count = 0;
	r->bytes = 0;
	if (r->tty) {
		fprintf(stderr, "\r%lu lines: %lu imported, %lu failed", r->lines, r->imported, r->failed);
		fflush(stderr);
	}
}

/* Queues the AvailableNumber @object (taken) of @line. */
static int add(struct run *r, unsigned long line, json_t *object)
{
	char *text = json_dumps(object, JSON_COMPACT);
	json_decref(object);
	if (text == NULL)
		return -1;
	size_t len = strlen(text);
	if (r->count == BATCH_LINES || (r->count > 0 && r->bytes + len + 1 > BATCH_BYTES))
		flush(r);
	r->batch[r->count++] = (struct item){line, text, len};
	r->bytes += len + 1;
	return 0;
}

/* ---- JSON Lines ---- */

/* Reads a line of at most @limit bytes into @buf (NULs kept); a longer one is read to
 * its end and *too_long set. 1 for a line, 0 at the end, -1 on error. */
static int read_line(FILE *in, char **buf, size_t *cap, size_t *len, size_t limit, int *too_long)
{
	int c, any = 0;
	*len = 0;
	*too_long = 0;
	while ((c = getc(in)) != EOF) {
		any = 1;
		if (c == '\n')
			break;
		if (*too_long)
			continue;
		if (*len == limit) {
			*too_long = 1;
			continue;
		}
		if (*len + 1 >= *cap) {
			size_t want = *cap < 128 ? 256 : *cap * 2;
			if (want > limit + 1)
				want = limit + 1;
			char *grown = realloc(*buf, want);
			if (grown == NULL)
				return -1;
			*buf = grown;
			*cap = want;
		}
		(*buf)[(*len)++] = (char)c;
	}
	if (ferror(in))
		return -1;
	if (!any)
		return 0;
	while (*len > 0 && (*buf)[*len - 1] == '\r')
		(*len)--;
	if (*buf != NULL)
		(*buf)[*len] = '\0';
	return 1;
}

static int run_jsonl(struct run *r, FILE *in)
{
	char *buf = NULL;
	size_t cap = 0, len = 0;
	int too_long, got;
	unsigned long line = 0;
	while ((got = read_line(in, &buf, &cap, &len, LINE_MAX_BYTES, &too_long)) > 0) {
		line++;
		if (!too_long && (len == 0 || strspn(buf, " \t") == len))
			continue;
		r->lines++;
		const char *nul = too_long ? NULL : memchr(buf, '\0', len);
		if (too_long) {
			bad_line(r, line, "the line is longer than %d bytes", LINE_MAX_BYTES);
			continue;
		}
		if (nul != NULL) {
			bad_line(r, line, "a NUL byte at byte offset %ld; a line is JSON text, which holds none",
			         (long)(nul - buf));
			continue;
		}
		json_error_t error;
		json_t *object = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &error);
		if (object == NULL) {
			bad_line(r, line, "malformed JSON at column %d: %s", error.column, error.text);
			continue;
		}
		if (!json_is_object(object)) {
			json_decref(object);
			bad_line(r, line, "a line must be one AvailableNumber JSON object");
			continue;
		}
		if (add(r, line, object) != 0)
			break;
	}
	free(buf);
	return got < 0 ? -1 : 0;
}

/* ---- CSV ---- */

enum column_kind { COL_STRING, COL_CAPABILITY, COL_MONEY, COL_VALUE };

struct column {
	char *name;
	enum column_kind kind;
};

/* What a header name is, asked of the library's by-name accessors (its attribute
 * table decides, not a list here): -1 for no attribute. */
static int column_kind(const char *name)
{
	if (strcmp(name, "phoneNumber") == 0 || strcmp(name, "regionCode") == 0 || strcmp(name, "type") == 0)
		return COL_STRING;
	if (strcmp(name, "capability") == 0)
		return COL_CAPABILITY;
	numbering_available_number *probe = NULL;
	if (numbering_available_number_new(&probe) != NUMBERING_OK)
		return -1;
	const char *currency;
	int64_t minor;
	int kind = -1;
	if (numbering_available_number_set_text(probe, name, NULL) == NUMBERING_OK)
		kind = COL_STRING;
	else if (numbering_available_number_money(probe, name, &currency, &minor) == NUMBERING_NOT_FOUND)
		kind = COL_MONEY;
	else if (numbering_available_number_set_int(probe, name, numbering_available_number_int(probe, name)) ==
	         NUMBERING_OK)
		kind = COL_VALUE;
	numbering_available_number_free(probe);
	return kind;
}

/* "SMS;VOICE" (spaces around names allowed) into an array. */
static json_t *capability_cell(const char *cell)
{
	json_t *a = json_array();
	const char *p = cell;
	while (a != NULL && *p != '\0') {
		p += strspn(p, " ");
		size_t n = strcspn(p, ";");
		size_t t = n;
		while (t > 0 && p[t - 1] == ' ')
			t--;
		if (json_array_append_new(a, json_stringn(p, t)) != 0) {
			json_decref(a);
			return NULL;
		}
		p += n + (p[n] == ';');
	}
	return a;
}

/* A cell of a column the library reads as an integer or a flag: true, false, a whole
 * number, else the text as it is (the library then says what is wrong with it). */
static json_t *value_cell(const char *cell)
{
	size_t n = strlen(cell);
	if (strcmp(cell, "true") == 0 || strcmp(cell, "false") == 0)
		return json_boolean(cell[0] == 't');
	if (n > 0 && n <= 18 && strspn(cell, "0123456789") == n)
		return json_integer(strtoll(cell, NULL, 10));
	return json_string(cell);
}

static int run_csv(struct run *r, FILE *in)
{
	struct csv_reader csv;
	unsigned long line = 0;
	struct column *columns = NULL;
	size_t ncolumns = 0;
	int status = 0;
	csv_init(&csv, in, LINE_MAX_BYTES);
	int got = csv_read(&csv, &line);
	if (got == -1 || got == 0) {
		fprintf(stderr, "numberctl: import: %s: line %lu: %s\n", r->name, line,
		        got == 0 ? "no header row (the first line names the columns: phoneNumber,regionCode,type,...)"
		                 : csv.error);
		status = 1;
		goto done;
	}
	if (got < 0)
		goto failed;
	ncolumns = csv.count;
	if ((columns = calloc(ncolumns, sizeof(*columns))) == NULL)
		goto failed;
	int has_number = 0;
	for (size_t i = 0; i < ncolumns; i++) {
		const char *name = csv_field(&csv, i);
		/* A spreadsheet's UTF-8 byte order mark before the first name. */
		if (i == 0 && strncmp(name, "\xef\xbb\xbf", 3) == 0)
			name += 3;
		int kind = column_kind(name);
		for (size_t j = 0; j < i && kind >= 0; j++)
			if (strcmp(columns[j].name, name) == 0) {
				fprintf(stderr, "numberctl: import: %s: line %lu: the column %s is named twice\n", r->name, line,
				        name);
				status = 1;
				goto done;
			}
		if (kind < 0) {
			fprintf(stderr, "numberctl: import: %s: line %lu: column %zu \"%.64s\" is no attribute of an available "
			                "number (docs/INVENTORY.md lists them)\n",
			        r->name, line, i + 1, name);
			status = 1;
			goto done;
		}
		if ((columns[i].name = strdup(name)) == NULL)
			goto failed;
		columns[i].kind = (enum column_kind)kind;
		has_number |= strcmp(name, "phoneNumber") == 0;
	}
	if (!has_number) {
		fprintf(stderr, "numberctl: import: %s: line %lu: the header has no phoneNumber column\n", r->name, line);
		status = 1;
		goto done;
	}
	while ((got = csv_read(&csv, &line)) != 0) {
		if (got == -2)
			goto failed;
		r->lines++;
		if (got == -1) {
			bad_line(r, line, "%s", csv.error);
			continue;
		}
		if (csv.count != ncolumns) {
			bad_line(r, line, "%zu fields; the header has %zu columns", csv.count, ncolumns);
			continue;
		}
		json_t *object = json_object();
		const char *problem = NULL;
		for (size_t i = 0; object != NULL && i < ncolumns && problem == NULL; i++) {
			const char *cell = csv_field(&csv, i);
			if (cell[0] == '\0')
				continue;
			json_t *value = NULL;
			switch (columns[i].kind) {
			case COL_STRING:
				value = json_string(cell);
				if (value == NULL)
					problem = "is not UTF-8 text";
				break;
			case COL_CAPABILITY:
				value = capability_cell(cell);
				if (value == NULL)
					problem = "is not UTF-8 text";
				break;
			case COL_VALUE:
				value = value_cell(cell);
				if (value == NULL)
					problem = "is not UTF-8 text";
				break;
			case COL_MONEY: {
				/* "USD 2.00": a currency, spaces, an amount. */
				size_t code = strcspn(cell, " ");
				const char *amount = cell + code + strspn(cell + code, " ");
				if (code == 0 || cell[code] == '\0' || amount[0] == '\0' || strchr(amount, ' ') != NULL)
					problem = "must be a currency and an amount, like \"USD 2.00\"";
				else
					value = json_pack("{s:s%, s:s}", "currencyCode", cell, code, "amount", amount);
				if (value == NULL && problem == NULL)
					problem = "is not UTF-8 text";
				break;
			}
			}
			if (problem != NULL) {
				bad_line(r, line, "%s \"%.64s\" %s", columns[i].name, cell, problem);
				break;
			}
			if (value == NULL || json_object_set_new(object, columns[i].name, value) != 0) {
				json_decref(object);
				object = NULL;
			}
		}
		if (problem != NULL) {
			json_decref(object);
			continue;
		}
		if (object == NULL || add(r, line, object) != 0)
			goto failed;
	}
	goto done;
failed:
	fprintf(stderr, "numberctl: import: %s: %s\n", r->name, errno ? strerror(errno) : "out of memory");
	status = -1;
done:
	for (size_t i = 0; i < ncolumns && columns != NULL; i++)
		free(columns[i].name);
	free(columns);
	csv_free(&csv);
	return status;
}

int numberctl_import_run(const struct numberctl_import *args, numbering_store *store, const char *caller)
{
	FILE *in = stdin;
	if (strcmp(args->path, "-") != 0 && (in = fopen(args->path, "rb")) == NULL) {
		fprintf(stderr, "numberctl: import: cannot open %s: %s\n", args->path, strerror(errno));
		return 1;
	}
	struct run *r = calloc(1, sizeof(*r));
	if (r == NULL) {
		fprintf(stderr, "numberctl: import: out of memory\n");
		if (in != stdin)
			fclose(in);
		return 1;
	}
	r->store = store;
	r->caller = caller;
	r->name = strcmp(args->path, "-") == 0 ? "stdin" : args->path;
	r->tty = isatty(STDERR_FILENO);
	errno = 0;
	int status = args->jsonl ? run_jsonl(r, in) : run_csv(r, in);
	if (status < 0 && args->jsonl)
		fprintf(stderr, "numberctl: import: %s: %s\n", r->name, errno ? strerror(errno) : "out of memory");
	flush(r);
	if (r->tty)
		fputc('\n', stderr);
	if (in != stdin)
		fclose(in);
	int failed = status != 0 || r->failed > 0;
	if (status != 1) /* 1: the header was refused, nothing read */
		printf("{\"imported\": %lu, \"failed\": %lu, \"lines\": %lu}\n", r->imported, r->failed, r->lines);
	for (size_t i = 0; i < r->count; i++)
		free(r->batch[i].text);
	free(r);
	return failed ? 1 : 0;
}
