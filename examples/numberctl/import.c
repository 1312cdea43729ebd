/*
 * numberctl import: available numbers from a CSV file or JSON Lines into the inventory.
 *
 * A CSV line is set cell by cell on a numbering_available_number through the library's
 * setters and imported with numbering_store_import_available(): no JSON on the way, the
 * library's own checks. A line a setter refuses (or whose cell is not what its column
 * takes) is instead turned into an AvailableNumber JSON object, as a JSON Lines line is,
 * and goes through the library's ImportAvailableNumbers (lib/json/sinch-available.c),
 * so its message names the field as a JSON request's does ("setupPrice.amount \"2,00\"
 * ..."): a bad line costs the JSON round trip, a good one does not.
 *
 * Lines go in batches of BATCH_LINES (and at most BATCH_BYTES of JSON request), one
 * transaction each. An import is all or nothing, so a batch that fails, or holds a line
 * the setters refused, is imported again line by line: the good lines go in, each bad
 * one is reported on stderr with its line number and the reason. docs/INVENTORY.md
 * describes the formats.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "csv.h"
#include "import.h"
/* The most bytes of a line (of a CSV record); a longer one is refused and skipped. */
#define LINE_MAX_BYTES (1024 * 1024)
#define BATCH_LINES 1000
/* Under the library's 1 MiB bound on a request. */
#define BATCH_BYTES (1000 * 1000)

const char numberctl_import_help[] =
	"usage: numberctl [GLOBAL OPTIONS] import [--format csv|jsonl] FILE|-\n"
	"       numberctl [GLOBAL OPTIONS] import --export FILE|-\n"
	"\n"
	"Loads available numbers into the inventory (ImportAvailableNumbers, as the caller\n"
	"named by --as): one number or block per line, of a CSV file with a header row naming\n"
	"the attributes (phoneNumber required; capability as SMS;VOICE; prices as \"USD 2.00\";\n"
	"flags as true or false), or of JSON Lines, one AvailableNumber object per line.\n"
	"The format is jsonl for a FILE ending in .jsonl, else csv, unless --format says.\n"
	"Each bad line is reported on stderr with its number; the good ones are imported. Prints\n"
	"{\"imported\": N, \"failed\": M, \"lines\": L} and exits 1 when a line failed.\n"
	"\n"
	"With --export, loads what 'numberctl export' wrote (JSON Lines or CSV, as its header\n"
	"line says) into an empty store (one holding nothing but its own metadata; a new\n"
	"--store file:PATH is created), every record in one transaction: all or nothing. The\n"
	"first bad line (cut short, bad base64, an unknown kind or field, a NUL byte, a record\n"
	"twice, a missing end line) is named with its field in the JSON error body, exit status\n"
	"1, the store unchanged. A store holding records is refused the same way. Prints\n"
	"{\"imported\":N}; progress goes to stderr when it is a terminal. --policy and --as do\n"
	"not apply: the store is written directly, as its file's owner (docs/EXPORT.md).\n";

int numberctl_import_args(struct numberctl_import *args, int argc, char **argv)
{
	const char *format = NULL;
	args->path = NULL;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--format") == 0) {
			if (i + 1 == argc)
				return numberctl_usage("import", "missing value for '--format'");
			format = argv[++i];
		} else if (strncmp(argv[i], "--format=", 9) == 0) {
			format = argv[i] + 9;
		} else if (argv[i][0] == '-' && strcmp(argv[i], "-") != 0) {
			return numberctl_usage("import", "unknown option '%s'", argv[i]);
		} else if (args->path != NULL) {
			return numberctl_usage("import", "unexpected argument '%s': one FILE or -", argv[i]);
		} else {
			args->path = argv[i];
		}
	}
	if (args->path == NULL)
		return numberctl_usage("import", "missing FILE (or - for stdin)");
	if (format != NULL && strcmp(format, "csv") != 0 && strcmp(format, "jsonl") != 0)
		return numberctl_usage("import", "--format '%s': not csv or jsonl", format);
	size_t n = strlen(args->path);
	args->jsonl = format != NULL ? strcmp(format, "jsonl") == 0 : n > 6 && strcmp(args->path + n - 6, ".jsonl") == 0;
	return 0;
}

/* ---- The run ---- */

struct item {
	unsigned long line;
	numbering_available_number *number; /* a CSV line the setters took; else NULL and: */
	char *text;                         /* the AvailableNumber, compact JSON */
	size_t len;
};

struct run {
	numbering_store *store;
	const char *caller;
	const char *name; /* the file, for messages */
	int tty;          /* stderr is a terminal: progress lines */
	unsigned long lines, imported, failed;
	struct item batch[BATCH_LINES];
	const numbering_available_number *numbers[BATCH_LINES]; /* the objects of a call */
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

/* import_items() for a range holding both objects and JSON text: one call cannot take
 * both, and the text is of a line the setters refused, so the range goes line by line. */
#define MIXED (-1)

/* Imports items [@from, @to) in one call; returns the library's code, or MIXED. */
static int import_items(struct run *r, size_t from, size_t to)
{
	size_t objects = 0;
	for (size_t i = from; i < to; i++)
		if (r->batch[i].number != NULL)
			r->numbers[objects++] = r->batch[i].number;
	if (objects == to - from)
		return numbering_store_import_available(NULL, r->store, r->caller, r->numbers, (int)objects);
	if (objects > 0)
		return MIXED;
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
	} else if (!r->stop && rc != MIXED && whole_run_fails(rc)) {
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
	for (size_t i = 0; i < r->count; i++) {
		numbering_available_number_free(r->batch[i].number);
		free(r->batch[i].text);
	}
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
	r->batch[r->count++] = (struct item){line, NULL, text, len};
	r->bytes += len + 1;
	return 0;
}

/* Queues the object @number (taken) of @line. */
static void add_number(struct run *r, unsigned long line, numbering_available_number *number)
{
	if (r->count == BATCH_LINES)
		flush(r);
	r->batch[r->count++] = (struct item){line, number, NULL, 0};
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

/* How a column's cells become JSON (a line the setters refused). */
enum column_kind { COL_STRING, COL_CAPABILITY, COL_MONEY, COL_VALUE };

/* Which setter a column's cells go to. */
enum column_role { ROLE_NUMBER, ROLE_REGION, ROLE_TYPE, ROLE_TEXT, ROLE_CAPABILITY, ROLE_MONEY, ROLE_INT, ROLE_FLAG };

struct column {
	char *name;
	enum column_kind kind;
	enum column_role role;
	/* A price column's last cell the setters took, and what it read as: a file's
	 * prices repeat, and reading one was a tenth of a line. */
	char price_cell[32];
	char price_currency[4];
	int64_t price_minor;
};

/* What a header name is, asked of the library's by-name accessors (its attribute
 * table decides, not a list here): 0, or -1 for no attribute. A value column is a
 * flag when it takes 0 and 1 and nothing more (inventory.h: "0 or 1"): its cells are
 * true or false, where an integer column's are whole numbers, as in JSON. */
static int column_kind(struct column *column, const char *name)
{
	if (strcmp(name, "phoneNumber") == 0 || strcmp(name, "regionCode") == 0 || strcmp(name, "type") == 0) {
		column->kind = COL_STRING;
		column->role = name[0] == 'p' ? ROLE_NUMBER : name[0] == 'r' ? ROLE_REGION : ROLE_TYPE;
		return 0;
	}
	if (strcmp(name, "capability") == 0) {
		column->kind = COL_CAPABILITY;
		column->role = ROLE_CAPABILITY;
		return 0;
	}
	numbering_available_number *probe = NULL;
	if (numbering_available_number_new(&probe) != NUMBERING_OK)
		return -1;
	const char *currency;
	int64_t minor;
	int rc = 0;
	if (numbering_available_number_set_text(probe, name, NULL) == NUMBERING_OK) {
		column->kind = COL_STRING;
		column->role = ROLE_TEXT;
	} else if (numbering_available_number_money(probe, name, &currency, &minor) == NUMBERING_NOT_FOUND) {
		column->kind = COL_MONEY;
		column->role = ROLE_MONEY;
	} else if (numbering_available_number_set_int(probe, name, numbering_available_number_int(probe, name)) ==
	           NUMBERING_OK) {
		column->kind = COL_VALUE;
		column->role = numbering_available_number_set_int(probe, name, 0) == NUMBERING_OK &&
		                               numbering_available_number_set_int(probe, name, 1) == NUMBERING_OK &&
		                               numbering_available_number_set_int(probe, name, 2) != NUMBERING_OK
		                   ? ROLE_FLAG
		                   : ROLE_INT;
	} else {
		rc = -1;
	}
	numbering_available_number_free(probe);
	return rc;
}

/* ---- A CSV line through the setters ---- */

/* Whether @s is UTF-8 as jansson takes it (no overlong forms, no surrogates, nothing
 * past U+10FFFF): a cell that is not goes the JSON way, which reports it. */
static int is_utf8(const unsigned char *s)
{
	while (*s != '\0') {
		if (*s < 0x80) {
			s++;
			continue;
		}
		unsigned c = *s;
		int n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
		if (n < 0)
			return 0;
		uint32_t v = c & (0x3f >> n);
		for (int i = 1; i <= n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0;
			v = v << 6 | (s[i] & 0x3f);
		}
		if ((n == 2 && (v < 0x800 || (v >= 0xd800 && v <= 0xdfff))) || (n == 3 && (v < 0x10000 || v > 0x10ffff)))
			return 0;
		s += n + 1;
	}
	return 1;
}

/* "SMS;VOICE" (spaces around names allowed) into NUMBERING_CAPABILITY_* flags, split
 * as capability_cell() splits it; -1 for a name that is none (or an empty one). */
static int capability_flags(const char *cell)
{
	static const struct {
		const char *name;
		size_t len;
		int flag;
	} names[] = {{"SMS", 3, NUMBERING_CAPABILITY_SMS},
	             {"MMS", 3, NUMBERING_CAPABILITY_MMS},
	             {"VOICE", 5, NUMBERING_CAPABILITY_VOICE}};
	int flags = 0;
	const char *p = cell;
	while (*p != '\0') {
		p += strspn(p, " ");
		size_t n = strcspn(p, ";");
		size_t t = n;
		while (t > 0 && p[t - 1] == ' ')
			t--;
		int flag = -1;
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && flag < 0; i++)
			if (t == names[i].len && memcmp(p, names[i].name, t) == 0)
				flag = names[i].flag;
		if (flag < 0)
			return -1;
		flags |= flag;
		p += n + (p[n] == ';');
	}
	return flags;
}

/* A cell of @column onto @n; 0, or -1 when the JSON way is to take the line: the
 * library refused the value, or the cell is not what the column takes as JSON would
 * read it (there the library says what is wrong, in the words of a JSON request). */
static int set_cell(numbering_available_number *n, struct column *column, const char *cell, const char *region)
{
	switch (column->role) {
	case ROLE_NUMBER:
		return numbering_available_number_set_numbers(n, cell, region) == NUMBERING_OK ? 0 : -1;
	case ROLE_REGION:
		return 0; /* set first */
	case ROLE_TYPE:
		for (int t = NUMBERING_NUMBER_TYPE_LOCAL; t <= NUMBERING_NUMBER_TYPE_SHARED_RATE; t++)
			if (strcmp(cell, numbering_number_type_name(t)) == 0)
				return numbering_available_number_set_type(n, t) == NUMBERING_OK ? 0 : -1;
		return -1;
	case ROLE_TEXT:
		return numbering_available_number_set_text(n, column->name, cell) == NUMBERING_OK ? 0 : -1;
	case ROLE_CAPABILITY: {
		int flags = capability_flags(cell);
		return flags >= 0 && numbering_available_number_set_int(n, column->name, flags) == NUMBERING_OK ? 0 : -1;
	}
	case ROLE_MONEY: {
		if (column->price_cell[0] == '\0' || strcmp(cell, column->price_cell) != 0) {
			/* "USD 2.00", as the JSON way splits it. */
			size_t code = strcspn(cell, " ");
			const char *amount = cell + code + strspn(cell + code, " ");
			int64_t minor = 0;
			if (code != 3 || amount[0] == '\0' || strchr(amount, ' ') != NULL)
				return -1;
			column->price_cell[0] = '\0';
			memcpy(column->price_currency, cell, 3);
			column->price_currency[3] = '\0';
			if (numbering_money_parse(&minor, column->price_currency, amount) != NUMBERING_OK) /* a currency too */
				return -1;
			column->price_minor = minor;
			size_t len = strlen(cell);
			if (len < sizeof(column->price_cell))
				memcpy(column->price_cell, cell, len + 1);
		}
		return numbering_available_number_set_money(n, column->name, column->price_currency, column->price_minor) ==
		               NUMBERING_OK
		           ? 0
		           : -1;
	}
	case ROLE_FLAG:
		if (strcmp(cell, "true") != 0 && strcmp(cell, "false") != 0)
			return -1;
		return numbering_available_number_set_int(n, column->name, cell[0] == 't') == NUMBERING_OK ? 0 : -1;
	case ROLE_INT: {
		size_t len = strlen(cell);
		if (len == 0 || len > 18 || strspn(cell, "0123456789") != len)
			return -1;
		return numbering_available_number_set_int(n, column->name, strtoll(cell, NULL, 10)) == NUMBERING_OK ? 0 : -1;
	}
	}
	return -1;
}

/* The CSV reader's record as an available number, or NULL for the JSON way (which
 * also reports running out of memory). Takes a subset of what the JSON way takes, with
 * the same result: the region first, then the cells in column order, empty ones unset. */
static numbering_available_number *object_line(const struct csv_reader *csv, struct column *columns,
                                               size_t ncolumns)
{
	numbering_available_number *n = NULL;
	if (numbering_available_number_new(&n) != NUMBERING_OK)
		return NULL;
	const char *region = NULL;
	for (size_t i = 0; i < ncolumns; i++) {
		const char *cell = csv_field(csv, i);
		if (!is_utf8((const unsigned char *)cell))
			goto refused;
		if (columns[i].role == ROLE_REGION && cell[0] != '\0') {
			if (numbering_available_number_set_region_code(n, cell) != NUMBERING_OK)
				goto refused;
			region = cell;
		}
	}
	for (size_t i = 0; i < ncolumns; i++) {
		const char *cell = csv_field(csv, i);
		if (cell[0] != '\0' && set_cell(n, &columns[i], cell, region) != 0)
			goto refused;
	}
	return n;
refused:
	numbering_available_number_free(n);
	return NULL;
}

/* ---- A CSV line through JSON ---- */

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

/* The CSV reader's record as an AvailableNumber JSON object, queued; a cell numberctl
 * itself refuses is reported at once. 0, or -1 when memory runs out. */
static int json_line(struct run *r, unsigned long line, const struct csv_reader *csv, const struct column *columns,
                     size_t ncolumns)
{
	json_t *object = json_object();
	const char *problem = NULL;
	for (size_t i = 0; object != NULL && i < ncolumns && problem == NULL; i++) {
		const char *cell = csv_field(csv, i);
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
		return 0;
	}
	return object == NULL || add(r, line, object) != 0 ? -1 : 0;
}

static int run_csv(struct run *r, FILE *in)
{
	struct csv_reader csv;
	unsigned long line = 0;
	struct column *columns = NULL;
	size_t ncolumns = 0;
	int status = 0;
	csv_init(&csv, in, LINE_MAX_BYTES);
	csv.stop = 1; /* a refused header ends the import: no reading on to its end */
	int got = csv_read(&csv, &line);
	csv.stop = 0;
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
		int kind = column_kind(&columns[i], name);
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
		numbering_available_number *number = object_line(&csv, columns, ncolumns);
		if (number != NULL)
			add_number(r, line, number);
		else if (json_line(r, line, &csv, columns, ncolumns) != 0)
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

int numberctl_import_open(struct numberctl_import *args)
{
	args->in = stdin;
	if (strcmp(args->path, "-") != 0 && (args->in = fopen(args->path, "rb")) == NULL) {
		fprintf(stderr, "numberctl: import: cannot open %s: %s\n", args->path, strerror(errno));
		return 1;
	}
	return 0;
}

int numberctl_import_run(struct numberctl_import *args, numbering_store *store, const char *caller)
{
	FILE *in = args->in;
	args->in = NULL;
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
	for (size_t i = 0; i < r->count; i++) {
		numbering_available_number_free(r->batch[i].number);
		free(r->batch[i].text);
	}
	free(r);
	return failed ? 1 : 0;
}
