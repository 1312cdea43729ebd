/*
 * numberctl: the command-line face of libnumbering. Every command prints JSON on
 * stdout; a failure prints the JSON error body and exits non-zero.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include <numbering/numbering.h>
#include <numbering/sys/file.h>

#include "batch-clock.h"
#include "cli.h"
#include "export.h"
#include "import.h"
#include "deliver-command.h"
#include "changes-command.h"

#define EXIT_USAGE NUMBERCTL_EXIT_USAGE
/* The library refuses larger requests; reading stops a little past it. */
#define REQUEST_MAX (1024 * 1024)
/* A batch line holds a request plus its method and caller. */
#define LINE_MAX_BYTES (REQUEST_MAX + 64 * 1024)
/* A line of `parse -` longer than this is refused unread (the library takes at most
 * NUMBERING_E164_MAX_INPUT bytes of a number, formatting included): docs/LIMITS.md. */
#define PARSE_LINE_MAX 4096

/* --busy-timeout: how long a write waits for a file store's write lock (0: the
 * library's default, < 0: not at all). */
static int busy_timeout_ms;
/* --shared-index: numbering_file_options.shared_index (docs/FILE-FORMAT.md, "The shared
 * index"): a write makes and keeps PATH.idx; a read-only open reads through it. */
static int shared_index;

/* Options given before the command. */
struct globals {
	const char *store;  /* "memory:" or "file:PATH"; NULL for the default file store */
	const char *policy; /* a policy file, or NULL for allow-all */
	const char *caller; /* --as */
	const char *region; /* --region */
	const char *max_instances; /* --max-instances, checked when the store opens */
	const char *provisioning;  /* --provisioning immediate|manual */
	int read_only;             /* --read-only: a snapshot of a file store, no lock taken */
	int log_level;             /* --log-level: the least severe NUMBERING_LOG_* printed; 0 for warning */
};

static const char usage[] =
	"usage: numberctl [GLOBAL OPTIONS] COMMAND [ARGS]\n"
	"\n"
	"global options (before the command):\n"
	"  --store SPEC          the store: file:PATH (the default: file:$NUMBERING_STORE, else\n"
	"                        file:./numbering.db), or memory: (empty for each run)\n"
	"  --policy FILE         authorize calls with the built-in policy in FILE\n"
	"  --as PRINCIPAL        the caller of call and batch, e.g. user:alice\n"
	"  --region CC           default region for national numbers\n"
	"  --max-instances N     refuse creates and splits past N instances (deleted ones count)\n"
	"  --provisioning MODE   immediate (the default: SMS and voice configuration is live at\n"
	"                        once) or manual (the host claims and completes provisioning tasks)\n"
	"  --read-only           read the file store, never write it (it follows what other\n"
	"                        processes, a PBX, commit meanwhile); writes are refused\n"
	"  --busy-timeout MS     how long a write waits while another process writes the file\n"
	"                        store (default 5000; 0: not at all), then fails UNAVAILABLE\n"
	"  --shared-index        file store: a write makes and keeps the index PATH.idx that\n"
	"                        reader processes share; with --read-only, read through it\n"
	"  --log-level LEVEL     print the store's log records of LEVEL or more severe on stderr,\n"
	"                        one logfmt line each (level=... msg=\"...\" key=value ...): error,\n"
	"                        warning (the default), info (opens, compactions) or debug\n"
	"  --version             print numberctl's version and the library's, and exit\n"
	"\n"
	"commands:\n"
	"  parse [--region CC] NUMBER   parse one number, print it as JSON\n"
	"  parse [--region CC] -        parse one number per line of stdin, one JSON line each\n"
	"  range [--region CC] RANGE    parse range notation such as +61255501100-99\n"
	"  call METHOD JSON|-           call one method of the PhoneNumberInstances service\n"
	"  batch                        call methods from JSON Lines on stdin, one response line each\n"
	"  import [--format F] FILE|-   load available numbers from CSV or JSON Lines (help import)\n"
	"  export [--format F] [--project P]  write every record of the store (help export)\n"
	"  import --export FILE|-       load an export into an empty store (help import)\n"
	"  projects                     list the projects with their instance counts\n"
	"  deliver [--follow] ...       POST the callback outbox to its URLs (help deliver)\n"
	"  deliveries --dead [--max N]  list the callback deliveries kept as dead\n"
	"  changes [--after N] [--follow]  print the change journal as JSON lines (help changes)\n"
	"  billing run                  renew the subscriptions due now, print what was done\n"
	"  fsck [--repair]              check the file store (and repair it), print a JSON report\n"
	"  stats                        print the store's size and this run's statistics as JSON\n"
	"  version                      print the library and Unicode versions\n"
	"  help [COMMAND]               print this help, or a command's\n"
	"\n"
	"Results (JSON) go to stdout, diagnostics to stderr. Exit status: 0 on success, 1 when\n"
	"the command failed (its JSON error body is printed; see the command's help) or its\n"
	"output could not be written, 2 for bad usage (one line on stderr).\n";

static const char parse_help[] =
	"usage: numberctl parse [--region CC] NUMBER|-\n"
	"\n"
	"Parses a phone number written as +E164, as a national number of region CC (with\n"
	"or without its trunk prefix), or with CC's international prefix. Prints\n"
	"{\"phoneNumber\":...,\"countryCallingCode\":...,\"nationalSignificantNumber\":...,\n"
	" \"regionCodes\":[...],\"lengthVerdict\":...,\"possible\":...} or the error body.\n"
	"With '-', reads one number per line from stdin and prints one JSON line per\n"
	"input; errors are printed inline and the run goes on. A line longer than 4096\n"
	"bytes (a number is at most 256) gets an error naming the line and is skipped\n"
	"without being held in memory. Exit status: 0 when every input parsed, 1\n"
	"otherwise, 2 for bad usage.\n";

static const char range_help[] =
	"usage: numberctl range [--region CC] RANGE\n"
	"\n"
	"Parses range notation: a number, '-', and digits that replace the number's last\n"
	"digits (+61255501100-99 is +61255501100 to +61255501199). Prints\n"
	"{\"startPhoneNumber\":...,\"endPhoneNumber\":...,\"size\":...,\"notation\":...}.\n";

static const char call_help_head[] =
	"usage: numberctl [GLOBAL OPTIONS] call METHOD JSON|-\n"
	"\n"
	"Calls METHOD with the proto3-JSON request JSON (or read from stdin with '-') on the\n"
	"store named by --store, as the caller named by --as, and prints the response on one\n"
	"line. On failure prints the JSON error body ({\"error\":{\"code\":...,\"status\":...,\n"
	"\"message\":...,\"details\":[...]}}) and exits 1; bad usage exits 2. A request (or a\n"
	"--policy file) holding a NUL byte is INVALID_ARGUMENT naming its offset.\n"
	"\n";

/* Between the two: "Methods: ...", every method of the library's dispatch table
 * (numbering_json_method()), so the help, the manual page and the bash completion
 * list each one without a copy here. */
static const char call_help_tail[] =
	"\n"
	"Example:\n"
	"  numberctl call CreatePhoneNumberInstance '{\"parent\":\"projects/p1\",\n"
	"    \"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":\"+61255501100-99\"}}}'\n"
	"\n"
	"Testing aid: with NUMBERING_FAKE_CLOCK=NS in the environment the store's clock reads\n"
	"NS (nanoseconds since the Unix epoch) instead of the real time.\n";

static char call_help[16384];

/* Appends @text to call_help (cut at its end: the table would need 200 more methods). */
static void call_help_add(size_t *len, const char *text)
{
	size_t n = strlen(text);
	if (*len + n >= sizeof(call_help))
		n = sizeof(call_help) - 1 - *len;
	memcpy(call_help + *len, text, n);
	*len += n;
	call_help[*len] = '\0';
}

/* call's help: the head, "Methods:" and every method's name in the table's order, wrapped
 * at 80 columns, comma-separated and ended with a period, then the tail. */
static void call_help_init(void)
{
	size_t len = 0, column = strlen("Methods:");
	call_help_add(&len, call_help_head);
	call_help_add(&len, "Methods:");
	for (int i = 0; numbering_json_method(i) != NULL; i++) {
		const char *name = numbering_json_method(i);
		size_t width = strlen(name) + 1; /* and its comma or period */
		if (column + 1 + width > 80) {
			call_help_add(&len, "\n");
			column = 0;
		} else {
			call_help_add(&len, " ");
			column++;
		}
		call_help_add(&len, name);
		call_help_add(&len, numbering_json_method(i + 1) != NULL ? "," : ".");
		column += width;
	}
	call_help_add(&len, "\n");
	call_help_add(&len, call_help_tail);
}

static const char batch_help[] =
	"usage: numberctl [GLOBAL OPTIONS] batch\n"
	"\n"
	"Reads JSON Lines from stdin, each {\"method\":\"...\",\"request\":{...},\"caller\":\"...\",\n"
	"\"time\":\"...\"} (request defaults to {}, caller to --as, time to the clock), calls\n"
	"them in order on one store, and writes one line per input line: {\"response\":{...}}\n"
	"or {\"error\":{...}}. Output is flushed\n"
	"after every line, so a host can drive numberctl through pipes. Blank lines are\n"
	"skipped; every other line gets exactly one answer line, in order, whatever bytes\n"
	"it holds: a malformed line, or one holding a NUL byte (INVALID_ARGUMENT naming its\n"
	"offset), gets an error line and the batch goes on. Lines may end in LF or CRLF.\n"
	"Exit status: 0 when every line succeeded, 1 otherwise.\n"
	"\n"
	"A line's \"time\" (RFC 3339, e.g. 2026-03-01T00:00:00Z) is the store's clock for that\n"
	"line; later lines read on from there as the clock advances, so expiry, billing dates\n"
	"and retries can be tested in one run. The clock never goes back: a time before its\n"
	"current reading is INVALID_ARGUMENT naming \"time\" and the line, and the line's\n"
	"method is not called.\n"
	"\n"
	"Testing aid: with NUMBERING_FAKE_CLOCK=NS in the environment the store's clock reads\n"
	"NS (nanoseconds since the Unix epoch) for the first line and advances one second per\n"
	"line, so outputs with times can be compared with golden files.\n";

static const char fsck_help[] =
	"usage: numberctl [--store file:PATH] fsck [--repair]\n"
	"\n"
	"Reads every record of the file store, checks checksums, sequence and contents, and\n"
	"prints {\"store\":...,\"status\":...,\"records\":...,\"instances\":...,\"message\":...}.\n"
	"With --repair, a torn tail is cut off, and a store damaged in the middle is rewritten\n"
	"with the records before the damage; the damaged file is kept under a name of its own\n"
	"(PATH.damaged, then PATH.damaged.1, ...; never overwritten), given as \"damagedCopy\".\n"
	"A path that is not a regular file, or a file that is not a store, is reported with\n"
	"status INVALID_ARGUMENT; an empty file (no store header yet) with UNAVAILABLE.\n"
	"Exit status: 0 when the store is sound (or was repaired), 1 otherwise, 2 for bad usage.\n";

static const char billing_help[] =
	"usage: numberctl [GLOBAL OPTIONS] billing run\n"
	"\n"
	"Runs billing (RunBilling, numbering/subscription.h) at the store's clock: every\n"
	"subscription due is charged to its project's billing account and renewed, or\n"
	"deactivated (autoCharge off or the balance short: its number SUSPENDED); a\n"
	"deactivated one is reactivated when the account can pay what it owes, or cancelled\n"
	"after the grace period (its number back in the inventory). Prints\n"
	"{\"charged\":N,\"deactivated\":N,\"reactivated\":N,\"cancelled\":N}. The caller (--as)\n"
	"needs numbering.billingAccounts.run on \"*\". A host runs it on a schedule (cron);\n"
	"running it twice at once or again at the same time charges nothing twice.\n"
	"\n"
	"Exit status: 0 on success, 1 with the error body on stdout, 2 for bad usage.\n";

static const char stats_help[] =
	"usage: numberctl [GLOBAL OPTIONS] stats\n"
	"\n"
	"Opens the store and prints numbering_store_stats_json() (numbering/stats.h) on one\n"
	"line: {\"calls\":[...],\"resolve\":{\"hit\":N,\"miss\":N,\"error\":N},\n"
	"\"commits\":{\"count\":N,\"sumNs\":N,\"maxNs\":N,\"buckets\":[...]},\n"
	"\"store\":{\"backend\":...,\"records\":N,\"instances\":N,\"fileBytes\":N,...}}.\n"
	"The counters are those of this process since it opened the store (a host that embeds\n"
	"the library exports its own, docs/OPERATIONS.md); the store's size is the store's.\n"
	"Exit status: 0 on success, 1 with the error body on stdout, 2 for bad usage.\n";

static const char version_help[] =
	"usage: numberctl version\n"
	"\n"
	"Prints {\"version\":...,\"unicodeVersion\":...}: the library's version and utf8proc's\n"
	"Unicode version. (numberctl --version prints numberctl's and the library's versions.)\n";

static const char help_help[] =
	"usage: numberctl help [COMMAND]\n"
	"       numberctl help --man\n"
	"\n"
	"Prints numberctl's help, or COMMAND's (as 'numberctl COMMAND --help' does), on stdout.\n"
	"With --man, prints the manual page numberctl.1 in roff, made of these help texts.\n"
	"Exit status: 0, 1 when the output cannot be written, 2 for an unknown COMMAND.\n";

/* Prints the thread's last library error as its JSON body on stdout. */
static void print_error(void)
{
	char *body = NULL;
	if (numbering_error_json(&body) == NUMBERING_OK) {
		fputs(body, stdout);
		fputc('\n', stdout);
	} else {
		fprintf(stdout, "{\"error\":{\"code\":500,\"status\":\"INTERNAL\",\"message\":\"cannot render error\"}}\n");
	}
	numbering_free(body);
	fflush(stdout);
}

/* Prints a JSON value compactly on one line and releases it. */
static int print_json(json_t *value)
{
	int rc = value != NULL && json_dumpf(value, stdout, JSON_COMPACT) == 0 ? 0 : 1;
	fputc('\n', stdout);
	fflush(stdout);
	json_decref(value);
	return rc;
}

static json_t *number_json(const numbering_number *n)
{
	json_t *regions = json_array();
	for (int i = 0; i < numbering_number_region_count(n); i++)
		json_array_append_new(regions, json_string(numbering_number_region(n, i)));
	return json_pack("{s:s, s:i, s:s, s:o, s:s, s:b}", "phoneNumber", numbering_number_e164(n),
	                 "countryCallingCode", numbering_number_country_code(n), "nationalSignificantNumber",
	                 numbering_number_national(n), "regionCodes", regions, "lengthVerdict",
	                 numbering_length_verdict_name(numbering_number_length_verdict(n)), "possible",
	                 numbering_number_is_possible(n));
}

/* An input line: its bytes without the end of line, NULs included. */
struct line {
	char *text; /* @len bytes, then a NUL (the line itself may hold NULs before it) */
	size_t len, cap;
	int too_long; /* the line had more than the limit: the rest was read and dropped */
};

/* Reads the next line of @in into @l: the bytes up to '\n' or the end of input, taken
 * as they come, NULs included (fgets() and strlen() would end the line at a NUL and glue
 * what follows it to the next line: one answer for two lines), without the trailing
 * '\r's of a CRLF end. At most @limit bytes are kept; the rest of a longer line is
 * read through stdio's buffer and dropped, so a line costs at most @limit bytes of
 * memory whatever its length. Returns 1 for a line, 0 at the end of input, -1 on a
 * read error or out of memory (errno set). */
static int read_line(FILE *in, struct line *l, size_t limit)
{
	int c, any = 0;
	l->len = 0;
	l->too_long = 0;
	while ((c = getc_unlocked(in)) != EOF) {
		any = 1;
		if (c == '\n')
			break;
		if (l->too_long)
			continue;
		if (l->len == limit) {
			l->too_long = 1;
			continue;
		}
		if (l->len + 1 >= l->cap) {
			size_t want = l->cap < 128 ? 256 : l->cap * 2;
			if (want > limit + 1)
				want = limit + 1;
			char *grown = realloc(l->text, want);
			if (grown == NULL)
				return -1;
			l->text = grown;
			l->cap = want;
		}
		l->text[l->len++] = (char)c;
	}
	if (ferror(in))
		return -1;
	if (!any)
		return 0;
	if (l->text == NULL && (l->text = malloc(1)) == NULL)
		return -1;
	if (l->cap == 0)
		l->cap = 1;
	while (!l->too_long && l->len > 0 && l->text[l->len - 1] == '\r')
		l->len--;
	l->text[l->len] = '\0';
	return 1;
}

/* Prints an INVALID_ARGUMENT error body of numberctl's own (not the library's), with
 * @fmt's message. */
static void print_invalid(const char *fmt, ...)
{
	char message[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	/* Parts of the message come from the input: keep it printable ASCII so it is valid JSON text. */
	for (char *c = message; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			*c = '?';
	json_t *body = json_pack("{s:{s:i, s:s, s:s, s:[]}}", "error", "code",
	                         numbering_status_http(NUMBERING_INVALID_ARGUMENT), "status",
	                         numbering_status_name(NUMBERING_INVALID_ARGUMENT), "message", message, "details");
	print_json(body);
}

/* Prints a line's own error (not the library's), "line N: ...". */
static void print_line_error(unsigned long line, const char *fmt, ...)
{
	char message[480];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	print_invalid("line %lu: %s", line, message);
}

static int parse_one(numbering_number *n, const char *text, size_t len, const char *region)
{
	if (numbering_e164_parse_n(n, text, len, region) != NUMBERING_OK) {
		print_error();
		return 1;
	}
	return print_json(number_json(n));
}

/* Parses one number per line of @in. A NUL byte is the library's to refuse (it names its
 * offset); a line longer than PARSE_LINE_MAX is refused here without being kept. */
static int parse_stream(numbering_number *n, FILE *in, const char *region)
{
	struct line line = {NULL, 0, 0, 0};
	int got, failures = 0;
	unsigned long number = 1;
	for (; (got = read_line(in, &line, PARSE_LINE_MAX)) > 0; number++) {
		if (line.too_long) {
			print_line_error(number, "the line is longer than %d bytes, longer than any phone number; it was skipped",
			                 PARSE_LINE_MAX);
			failures = 1;
			continue;
		}
		failures |= parse_one(n, line.text, line.len, region);
	}
	if (got < 0) {
		fprintf(stderr, "numberctl: cannot read line %lu of stdin: %s\n", number, strerror(errno));
		failures = 1;
	}
	free(line.text);
	return failures;
}

/* Reads "[--region CC] ARG" of @command into *region and *arg (@what names ARG in a usage
 * error); returns 0, or EXIT_USAGE after printing one line. */
static int region_and_arg(const char *command, const char *what, int argc, char **argv, const char **region,
                          const char **arg)
{
	*region = NULL;
	*arg = NULL;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--region") == 0) {
			if (i + 1 == argc)
				return numberctl_usage(command, "missing value for '--region'");
			*region = argv[++i];
		} else if (strncmp(argv[i], "--region=", 9) == 0) {
			*region = argv[i] + 9;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0' && argv[i][1] != '+' &&
		           !(argv[i][1] >= '0' && argv[i][1] <= '9')) {
			return numberctl_usage(command, "unknown option '%s'", argv[i]);
		} else if (*arg != NULL) {
			return numberctl_usage(command, "unexpected argument '%s': one %s", argv[i], what);
		} else {
			*arg = argv[i];
		}
	}
	return *arg == NULL ? numberctl_usage(command, "missing %s", what) : 0;
}

static int cmd_parse(const struct globals *g, int argc, char **argv)
{
	const char *region, *arg;
	int bad = region_and_arg("parse", "NUMBER (or - for stdin)", argc, argv, &region, &arg);
	if (bad != 0)
		return bad;
	if (region == NULL)
		region = g->region;
	numbering_number *n = NULL;
	if (numbering_number_new(&n) != NUMBERING_OK) {
		print_error();
		return 1;
	}
	int rc = strcmp(arg, "-") == 0 ? parse_stream(n, stdin, region) : parse_one(n, arg, strlen(arg), region);
	numbering_number_free(n);
	return rc;
}

static int cmd_range(const struct globals *g, int argc, char **argv)
{
	const char *region, *arg;
	int bad = region_and_arg("range", "RANGE", argc, argv, &region, &arg);
	if (bad != 0)
		return bad;
	if (region == NULL)
		region = g->region;
	numbering_range *r = NULL;
	char notation[NUMBERING_RANGE_BUFSIZE];
	if (numbering_range_new(&r) != NUMBERING_OK || numbering_e164_parse_range(r, arg, region) != NUMBERING_OK ||
	    numbering_range_format(notation, sizeof(notation), r) != NUMBERING_OK) {
		print_error();
		numbering_range_free(r);
		return 1;
	}
	int rc = print_json(json_pack("{s:s, s:s, s:I, s:s}", "startPhoneNumber",
	                              numbering_number_e164(numbering_range_start(r)), "endPhoneNumber",
	                              numbering_number_e164(numbering_range_end(r)), "size",
	                              (json_int_t)numbering_range_size(r), "notation", notation));
	numbering_range_free(r);
	return rc;
}

/* What call and batch run on. */
struct session {
	numbering_store *store;
	numbering_policy *policy;
	/* The real clock, or NUMBERING_FAKE_CLOCK's for golden tests (fixed within a batch
	 * line, one second per line; the store keeps its times strictly increasing by
	 * itself, so several changes in one line still get distinct times), moved forward
	 * by batch lines' "time" (batch-clock.h). */
	struct batch_clock clock;
};

/* Reads all of @in, stopping past @limit bytes (the library then reports the size), and
 * sets *@length to the bytes read (NULs included; a NUL follows them). Returns NULL on a
 * read error or out of memory. */
static char *read_all(FILE *in, size_t limit, size_t *length)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	while (buf != NULL) {
		if (len + 1 == cap) {
			if (cap > limit)
				break;
			char *grown = realloc(buf, cap * 2);
			if (grown == NULL) {
				free(buf);
				return NULL;
			}
			buf = grown;
			cap *= 2;
		}
		size_t got = fread(buf + len, 1, cap - 1 - len, in);
		len += got;
		if (got == 0) {
			if (ferror(in)) {
				free(buf);
				return NULL;
			}
			break;
		}
	}
	if (buf != NULL) {
		buf[len] = '\0';
		*length = len;
	}
	return buf;
}

/* Where the first NUL byte of @len bytes of @text is, or -1 when there is none. The
 * library takes NUL-terminated text: a NUL inside would silently end it there. */
static long nul_offset(const char *text, size_t len)
{
	const char *nul = memchr(text, '\0', len);
	return nul == NULL ? -1 : (long)(nul - text);
}

static char *read_file(const char *path, size_t *length)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	char *text = read_all(f, REQUEST_MAX, length);
	int saved = errno;
	fclose(f);
	errno = saved;
	return text;
}

/* The path of the file store @spec names ("file:PATH"; "file:" or NULL for the default:
 * $NUMBERING_STORE, itself a spec or a path, else ./numbering.db), "" for memory:, or
 * NULL for a spec that names no store. */
static const char *store_path(const char *spec)
{
	const char *env = getenv("NUMBERING_STORE");
	if (env != NULL && env[0] == '\0')
		env = NULL;
	if (spec == NULL || strcmp(spec, "file:") == 0) {
		if (env == NULL || strcmp(env, "file:") == 0 || (spec != NULL && strcmp(env, "memory:") == 0))
			return "./numbering.db";
		if (strncmp(env, "file:", 5) != 0 && strcmp(env, "memory:") != 0)
			return env; /* a plain path */
		spec = env;
	}
	if (strcmp(spec, "memory:") == 0)
		return "";
	if (strncmp(spec, "file:", 5) == 0 && spec[5] != '\0')
		return spec + 5;
	return NULL;
}

static void print_diagnostic(const char *message, void *payload)
{
	(void)payload;
	fprintf(stderr, "numberctl: note: %s\n", message);
}

/* Progress of the file store's long operations (numbering_file_progress_cb) on a
 * terminal, as export and import print theirs: the count rewritten in place, then the
 * last one with ", done.". An open's replay and a compaction show only when the
 * library reported them before their end (a large store); fsck's check always. */
struct progress_printer {
	int always; /* print even an operation that ends at its first report */
	int shown;  /* the current operation printed a line */
};

static void print_progress(const char *operation, int64_t done, int64_t total, void *payload)
{
	struct progress_printer *p = payload;
	int last = done >= total;
	if (!p->shown && last && !p->always)
		return;
	fprintf(stderr, "\r\033[Knumberctl: %s: %lld of %lld %s%s", operation, (long long)done, (long long)total,
	        strcmp(operation, "compact") == 0 ? "records" : "bytes", last ? ", done.\n" : "");
	fflush(stderr);
	p->shown = !last;
}

/* Sets @options to print progress when stderr is a terminal, nothing when it is not. */
static void progress_if_terminal(numbering_file_options *options, int always)
{
	static struct progress_printer printer;
	if (!isatty(STDERR_FILENO))
		return;
	printer.always = always;
	printer.shown = 0;
	options->progress = print_progress;
	options->progress_payload = &printer;
}

/* --log-level: the store's log records, one logfmt line each on stderr. */
static void print_log(int level, const char *message, const numbering_log_field *fields, int count, void *payload)
{
	(void)payload;
	char line[2048];
	int n = numbering_log_format(line, sizeof(line), level, message, fields, count);
	if (n >= 0)
		fprintf(stderr, "%s%s\n", line, n >= (int)sizeof(line) ? " truncated=true" : "");
}

/* Opens the store named by --store with the policy, caller region and clock; returns an
 * exit status, 0 on success. */
static int session_open(struct session *s, const struct globals *g)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	memset(s, 0, sizeof(*s));
	const char *path = store_path(g->store);
	if (path == NULL) {
		fprintf(stderr, "numberctl: --store %s: unknown store; the stores are file:PATH and memory:\n",
		        g->store ? g->store : getenv("NUMBERING_STORE"));
		return EXIT_USAGE;
	}
	if (g->read_only && path[0] == '\0') {
		fprintf(stderr, "numberctl: --read-only reads a file store; a memory store starts empty\n");
		return EXIT_USAGE;
	}
	/* Single exit: whatever fails after the backend exists frees it at done (the store
	 * takes it only in numbering_store_open, which frees it itself on failure). */
	int status = 0;
	char *text = NULL;
	if (path[0] != '\0') {
		numbering_file_options file_options = NUMBERING_FILE_OPTIONS_INIT;
		/* No diagnostic callback: the store's log (--log-level) reports the recovery at
		 * open and the failures, as structured lines. */
		file_options.read_only = g->read_only;
		file_options.busy_timeout_ms = busy_timeout_ms;
		file_options.shared_index = shared_index;
		progress_if_terminal(&file_options, 0);
		if (numbering_file_backend_new(&options.backend, path, &file_options) != NUMBERING_OK) {
			print_error();
			status = 1;
			goto done;
		}
	}
	const char *fake = getenv("NUMBERING_FAKE_CLOCK");
	if (fake != NULL && fake[0] != '\0') {
		char *end;
		errno = 0;
		long long start = strtoll(fake, &end, 10);
		if (errno != 0 || *end != '\0' || start <= 0) {
			fprintf(stderr, "numberctl: NUMBERING_FAKE_CLOCK must be nanoseconds since the Unix epoch\n");
			status = EXIT_USAGE;
			goto done;
		}
		s->clock.fake = 1;
		s->clock.start = start;
	}
	options.clock = batch_clock_now;
	options.clock_payload = &s->clock;
	options.log = print_log;
	options.log_level = g->log_level;
	if (g->policy != NULL) {
		size_t len = 0;
		if ((text = read_file(g->policy, &len)) == NULL) {
			fprintf(stderr, "numberctl: cannot read policy %s: %s\n", g->policy, strerror(errno));
			status = 1;
			goto done;
		}
		long nul = nul_offset(text, len);
		if (nul >= 0) {
			print_invalid("the policy %s holds a NUL byte at byte offset %ld; a policy is JSON text", g->policy,
			              nul);
			status = 1;
			goto done;
		}
		if (numbering_policy_parse(&s->policy, text) != NUMBERING_OK) {
			print_error();
			status = 1;
			goto done;
		}
		options.authorizer = numbering_policy_authorize;
		options.authorizer_payload = s->policy;
	}
	options.default_region = g->region;
	if (g->max_instances != NULL) {
		char *end;
		errno = 0;
		long long max = strtoll(g->max_instances, &end, 10);
		if (errno != 0 || *end != '\0' || end == g->max_instances || max < 0) {
			fprintf(stderr, "numberctl: --max-instances %s: not a count of instances\n", g->max_instances);
			status = EXIT_USAGE;
			goto done;
		}
		options.max_instances = max;
	}
	if (g->provisioning != NULL) {
		if (strcmp(g->provisioning, "immediate") == 0) {
			options.provisioning = NUMBERING_PROVISIONING_IMMEDIATE;
		} else if (strcmp(g->provisioning, "manual") == 0) {
			options.provisioning = NUMBERING_PROVISIONING_MANUAL;
		} else {
			fprintf(stderr, "numberctl: --provisioning %s: not immediate or manual\n", g->provisioning);
			status = EXIT_USAGE;
			goto done;
		}
	}
	/* The store takes the backend, on failure too. */
	int rc = numbering_store_open(&s->store, &options);
	options.backend = NULL;
	if (rc != NUMBERING_OK) {
		print_error();
		status = 1;
	}
done:
	free(text);
	if (options.backend != NULL)
		options.backend->free(options.backend);
	if (status != 0) {
		numbering_policy_free(s->policy);
		s->policy = NULL;
	}
	return status;
}

static void session_close(struct session *s)
{
	numbering_store_close(s->store);
	numbering_policy_free(s->policy);
}

static int cmd_call(const struct globals *g, int argc, char **argv)
{
	for (int i = 0; i < argc && i < 2; i++)
		if (argv[i][0] == '-' && (i == 0 || argv[i][1] != '\0'))
			return numberctl_usage("call", "unknown option '%s'", argv[i]);
	if (argc < 2)
		return numberctl_usage("call", argc == 0 ? "missing METHOD and JSON" : "missing JSON (or - for stdin)");
	if (argc > 2)
		return numberctl_usage("call", "unexpected argument '%s': one METHOD and one JSON", argv[2]);
	struct session s;
	int rc = session_open(&s, g);
	if (rc != 0)
		return rc;
	char *request = argv[1];
	size_t len = 0;
	if (strcmp(request, "-") == 0 && (request = read_all(stdin, REQUEST_MAX, &len)) == NULL) {
		fprintf(stderr, "numberctl: cannot read the request from stdin: %s\n", strerror(errno));
		session_close(&s);
		return 1;
	}
	long nul = request != argv[1] ? nul_offset(request, len) : -1;
	if (nul >= 0) {
		print_invalid("the request read from stdin holds a NUL byte at byte offset %ld; a request is JSON text",
		              nul);
		free(request);
		session_close(&s);
		return 1;
	}
	char *response = NULL;
	rc = numbering_store_call_json(&response, s.store, g->caller, argv[0], request);
	if (response != NULL)
		printf("%s\n", response);
	else
		printf("{\"error\":{\"code\":500,\"status\":\"INTERNAL\",\"message\":\"cannot render error\"}}\n");
	fflush(stdout);
	numbering_free(response);
	if (request != argv[1])
		free(request);
	session_close(&s);
	return rc == NUMBERING_OK ? 0 : 1;
}

/* Sets the clock to a batch line's "time"; returns 0, or 1 after printing the line's
 * error (INVALID_ARGUMENT naming "time": not RFC 3339, or before the clock). */
static int batch_line_time(struct session *s, unsigned long number, const char *text)
{
	int64_t ns = 0;
	const char *why = NULL;
	char message[480], quoted[64], now[BATCH_CLOCK_TEXT_SIZE];
	snprintf(quoted, sizeof(quoted), "%s", text);
	if (batch_clock_parse(&ns, text, &why) == 0) {
		if (batch_clock_set(&s->clock, ns) == 0)
			return 0;
		batch_clock_format(now, batch_clock_now(&s->clock));
		snprintf(message, sizeof(message), "line %lu: time %s is before the store's clock, %s: time never goes back",
		         number, quoted, now);
	} else {
		snprintf(message, sizeof(message), "line %lu: time \"%s\" %s", number, quoted, why);
	}
	/* The text comes from the input: printable ASCII keeps the body valid JSON text. */
	for (char *c = message; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			*c = '?';
	print_json(json_pack("{s:{s:i, s:s, s:s, s:[{s:s, s:s, s:[{s:s, s:s}]}]}}", "error", "code",
	                     numbering_status_http(NUMBERING_INVALID_ARGUMENT), "status",
	                     numbering_status_name(NUMBERING_INVALID_ARGUMENT), "message", message, "details", "@type",
	                     "type.googleapis.com/google.rpc.BadRequest", "type", "BadRequest", "fieldViolations", "field",
	                     "time", "description", message));
	return 1;
}

/* Runs one batch line; returns 0 when it succeeded. */
static int batch_line(struct session *s, const struct globals *g, unsigned long number, const char *line,
                      size_t len)
{
	json_error_t error;
	/* NULs allowed here: a request's reach the library, which names the field holding
	 * one; the line's own strings are refused below. */
	json_t *root = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &error);
	if (root == NULL) {
		print_line_error(number, "malformed JSON at column %d: %s", error.column, error.text);
		return 1;
	}
	if (!json_is_object(root)) {
		print_line_error(number, "a line must be a JSON object {\"method\":...,\"request\":{...}}");
		json_decref(root);
		return 1;
	}
	const char *key, *method = NULL, *caller = g->caller, *time = NULL;
	json_t *value, *request = NULL;
	int bad = 0;
	json_object_foreach(root, key, value) {
		/* C reads "GetPhoneNumberInstance\u0000x" as the method before the NUL. */
		if (!bad && json_is_string(value) && strlen(json_string_value(value)) != json_string_length(value) &&
		    (strcmp(key, "method") == 0 || strcmp(key, "caller") == 0 || strcmp(key, "time") == 0)) {
			bad = 1;
			print_line_error(number, "\"%s\" holds a NUL character (\\u0000); text cannot hold NUL", key);
		}
		if (bad)
			continue;
		if (strcmp(key, "method") == 0 && json_is_string(value))
			method = json_string_value(value);
		else if (strcmp(key, "request") == 0)
			request = json_is_null(value) ? NULL : value;
		else if (strcmp(key, "caller") == 0 && (json_is_string(value) || json_is_null(value)))
			caller = json_is_null(value) ? g->caller : json_string_value(value);
		else if (strcmp(key, "time") == 0 && (json_is_string(value) || json_is_null(value)))
			time = json_is_null(value) ? NULL : json_string_value(value);
		else if (!bad) {
			bad = 1;
			if (strcmp(key, "method") == 0 || strcmp(key, "caller") == 0 || strcmp(key, "time") == 0)
				print_line_error(number, "\"%s\" must be a string", key);
			else
				print_line_error(number, "unknown key \"%s\" (a line has method, request, caller and time)",
				                 key);
		}
	}
	if (!bad && method == NULL) {
		bad = 1;
		print_line_error(number, "\"method\" is missing");
	}
	if (!bad && time != NULL)
		bad = batch_line_time(s, number, time);
	char *request_text = NULL;
	if (!bad && request != NULL && (request_text = json_dumps(request, JSON_COMPACT | JSON_ENCODE_ANY)) == NULL) {
		bad = 1;
		print_line_error(number, "cannot render the request");
	}
	int rc = 1;
	if (!bad) {
		char *response = NULL;
		rc = numbering_store_call_json(&response, s->store, caller, method, request_text ? request_text : "{}");
		if (response == NULL)
			printf("{\"error\":{\"code\":500,\"status\":\"INTERNAL\",\"message\":\"cannot render error\"}}\n");
		else if (rc == NUMBERING_OK)
			printf("{\"response\":%s}\n", response);
		else
			printf("%s\n", response); /* the body is already {"error":{...}} */
		fflush(stdout);
		numbering_free(response);
	}
	free(request_text);
	json_decref(root);
	return rc == NUMBERING_OK ? 0 : 1;
}

static int cmd_batch(const struct globals *g, int argc, char **argv)
{
	if (argc != 0)
		return argv[0][0] == '-' ? numberctl_usage("batch", "unknown option '%s'", argv[0])
		                         : numberctl_usage("batch", "unexpected argument '%s': batch reads stdin", argv[0]);
	struct session s;
	int rc = session_open(&s, g);
	if (rc != 0)
		return rc;
	struct line line = {NULL, 0, 0, 0};
	int got, failures = 0;
	unsigned long number = 1;
	for (; (got = read_line(stdin, &line, LINE_MAX_BYTES)) > 0; number++) {
		/* One answer line for every line but a blank one, whatever bytes it holds. */
		if (line.too_long) {
			print_line_error(number, "the line is longer than %d bytes", LINE_MAX_BYTES);
			failures = 1;
			continue;
		}
		long nul = nul_offset(line.text, line.len);
		if (nul >= 0) {
			print_line_error(number, "a NUL byte at byte offset %ld; a line is JSON text, which holds none", nul);
			failures = 1;
			continue;
		}
		if (strspn(line.text, " \t\r") == line.len)
			continue;
		s.clock.line = (int64_t)number - 1;
		failures |= batch_line(&s, g, number, line.text, line.len);
	}
	if (got < 0) {
		fprintf(stderr, "numberctl: cannot read line %lu of stdin: %s\n", number, strerror(errno));
		failures = 1;
	}
	free(line.text);
	session_close(&s);
	return failures;
}

/* Opens the backend of the store --store names, without a store over it: export, import
 * --export and projects read and write its records directly (export.c). A file store
 * must exist unless @create. Returns an exit status, 0 on success. */
static int open_backend(const struct globals *g, int create, numbering_backend **out)
{
	*out = NULL;
	const char *path = store_path(g->store);
	if (path == NULL) {
		fprintf(stderr, "numberctl: --store %s: unknown store; the stores are file:PATH and memory:\n",
		        g->store ? g->store : getenv("NUMBERING_STORE"));
		return EXIT_USAGE;
	}
	int rc;
	if (path[0] == '\0') {
		rc = numbering_memory_backend_new(out);
	} else {
		numbering_file_options file_options = NUMBERING_FILE_OPTIONS_INIT;
		file_options.diagnostic = print_diagnostic;
		file_options.read_only = g->read_only;
		file_options.busy_timeout_ms = busy_timeout_ms;
		file_options.shared_index = shared_index;
		file_options.must_exist = !create;
		progress_if_terminal(&file_options, 0);
		rc = numbering_file_backend_new(out, path, &file_options);
	}
	if (rc != NUMBERING_OK) {
		print_error();
		return 1;
	}
	return 0;
}

static int cmd_export(const struct globals *g, int argc, char **argv)
{
	struct numberctl_export args;
	numbering_backend *backend = NULL;
	int rc = numberctl_export_args(&args, argc, argv);
	if (rc == 0 && (rc = open_backend(g, 0, &backend)) == 0) {
		rc = numberctl_export_run(&args, backend);
		backend->free(backend);
	}
	return rc;
}

static int cmd_projects(const struct globals *g, int argc, char **argv)
{
	numbering_backend *backend = NULL;
	int rc = numberctl_projects_args(argc, argv);
	if (rc == 0 && (rc = open_backend(g, 0, &backend)) == 0) {
		rc = numberctl_projects_run(backend);
		backend->free(backend);
	}
	return rc;
}

static int cmd_import(const struct globals *g, int argc, char **argv)
{
	if (numberctl_import_is_export(argc, argv)) {
		struct numberctl_import_export args;
		numbering_backend *backend = NULL;
		int rc = numberctl_import_export_args(&args, argc, argv);
		if (rc == 0 && (rc = numberctl_import_export_open(&args)) == 0) {
			if ((rc = open_backend(g, 1, &backend)) == 0) {
				rc = numberctl_import_export_run(&args, backend);
				backend->free(backend);
			}
			numberctl_import_export_close(&args);
		}
		return rc;
	}
	struct numberctl_import args;
	int rc = numberctl_import_args(&args, argc, argv);
	struct session s;
	if (rc == 0 && (rc = numberctl_import_open(&args)) == 0) {
		if ((rc = session_open(&s, g)) == 0) {
			rc = numberctl_import_run(&args, s.store, g->caller);
			session_close(&s);
		} else if (args.in != stdin) {
			fclose(args.in);
		}
	}
	return rc;
}

static int cmd_deliver(const struct globals *g, int argc, char **argv)
{
	struct numberctl_deliver args;
	int rc = numberctl_deliver_args(&args, argc, argv);
	struct session s;
	if (rc == 0 && (rc = session_open(&s, g)) == 0) {
		rc = numberctl_deliver_run(&args, s.store, g->caller);
		session_close(&s);
	}
	return rc;
}

static int cmd_deliveries(const struct globals *g, int argc, char **argv)
{
	struct numberctl_deliveries args;
	int rc = numberctl_deliveries_args(&args, argc, argv);
	struct session s;
	if (rc == 0 && (rc = session_open(&s, g)) == 0) {
		rc = numberctl_deliveries_run(&args, s.store, g->caller);
		session_close(&s);
	}
	return rc;
}

/* changes --follow's next poll: a new read-only snapshot of the file store. */
struct changes_reopen {
	struct session *session;
	struct globals globals;
};

static int changes_reopen(numbering_store **store, void *payload)
{
	struct changes_reopen *r = payload;
	session_close(r->session);
	int rc = session_open(r->session, &r->globals);
	*store = rc == 0 ? r->session->store : NULL;
	return rc;
}

static int cmd_changes(const struct globals *g, int argc, char **argv)
{
	struct numberctl_changes args;
	int rc = numberctl_changes_args(&args, argc, argv);
	const char *path = store_path(g->store);
	/* --follow on a file store reads snapshots: it never holds the writer's lock. */
	struct changes_reopen reopen = {NULL, *g};
	int file = path != NULL && path[0] != '\0';
	if (args.follow && file)
		reopen.globals.read_only = 1;
	struct session s;
	reopen.session = &s;
	if (rc == 0 && (rc = session_open(&s, &reopen.globals)) == 0) {
		rc = numberctl_changes_run(&args, &s.store, g->caller, args.follow && file ? changes_reopen : NULL, &reopen);
		if (s.store != NULL)
			session_close(&s);
	}
	return rc;
}

static int cmd_fsck(const struct globals *g, int argc, char **argv)
{
	int repair = 0;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--repair") == 0)
			repair = 1;
		else
			return numberctl_usage("fsck", "%s '%s'", argv[i][0] == '-' ? "unknown option" : "unexpected argument",
			                       argv[i]);
	}
	const char *path = store_path(g->store);
	if (path == NULL || path[0] == '\0') {
		fprintf(stderr, "numberctl: fsck checks file stores; the store is not one\n");
		return EXIT_USAGE;
	}
	numbering_file_report report;
	memset(&report, 0, sizeof(report));
	report.version = NUMBERING_FILE_REPORT_VERSION;
	numbering_file_options check_options = NUMBERING_FILE_OPTIONS_INIT;
	progress_if_terminal(&check_options, 1);
	if (numbering_file_check_v2(&report, path, repair, &check_options) != NUMBERING_OK) {
		print_error();
		return 1;
	}
	json_t *out = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:b, s:s}", "store", path, "status",
	                        numbering_status_name(report.status), "fileBytes", (json_int_t)report.file_bytes,
	                        "records", (json_int_t)report.records, "instances", (json_int_t)report.instances,
	                        "tornBytes", (json_int_t)report.torn_bytes, "damageOffset",
	                        (json_int_t)report.damage_offset, "repaired", report.repaired, "message", report.message);
	if (out != NULL && report.damaged_copy[0] != '\0')
		json_object_set_new(out, "damagedCopy", json_string(report.damaged_copy));
	int rc = print_json(out);
	if (rc != 0)
		return rc;
	return report.status == NUMBERING_OK || report.repaired ? 0 : 1;
}

static int cmd_billing(const struct globals *g, int argc, char **argv)
{
	if (argc == 0)
		return numberctl_usage("billing", "missing 'run'");
	if (argv[0][0] == '-')
		return numberctl_usage("billing", "unknown option '%s'", argv[0]);
	if (strcmp(argv[0], "run") != 0)
		return numberctl_usage("billing", "unknown subcommand '%s': the only one is 'run'", argv[0]);
	if (argc > 1)
		return numberctl_usage("billing", "unexpected argument '%s'", argv[1]);
	struct session s;
	int rc = session_open(&s, g);
	if (rc != 0)
		return rc;
	char *response = NULL;
	rc = numbering_store_call_json(&response, s.store, g->caller, "RunBilling", "{}");
	printf("%s\n", response != NULL ? response
	                                : "{\"error\":{\"code\":500,\"status\":\"INTERNAL\",\"message\":\"cannot render error\"}}");
	fflush(stdout);
	numbering_free(response);
	session_close(&s);
	return rc == NUMBERING_OK ? 0 : 1;
}

static int cmd_stats(const struct globals *g, int argc, char **argv)
{
	if (argc != 0)
		return numberctl_usage("stats", "%s '%s'", argv[0][0] == '-' ? "unknown option" : "unexpected argument",
		                       argv[0]);
	struct session s;
	int rc = session_open(&s, g);
	if (rc != 0)
		return rc;
	char *json = NULL;
	if (numbering_store_stats_json(&json, s.store) != NUMBERING_OK) {
		print_error();
		rc = 1;
	} else {
		printf("%s\n", json);
		fflush(stdout);
	}
	numbering_free(json);
	session_close(&s);
	return rc;
}

static int cmd_version(int argc, char **argv)
{
	if (argc != 0)
		return numberctl_usage("version", "%s '%s'", argv[0][0] == '-' ? "unknown option" : "unexpected argument",
		                       argv[0]);
	return print_json(json_pack("{s:s, s:s}", "version", numbering_version(), "unicodeVersion",
	                            numbering_unicode_version()));
}

/* The commands and their help texts: `help COMMAND`, COMMAND --help and the manual page
 * (help --man) all print these, so the three never disagree. */
static const struct {
	const char *name;
	const char *help;
} commands[] = {
	{"parse", parse_help},
	{"range", range_help},
	{"call", call_help},
	{"batch", batch_help},
	{"import", numberctl_import_help},
	{"export", numberctl_export_help},
	{"projects", numberctl_projects_help},
	{"deliver", numberctl_deliver_help},
	{"deliveries", numberctl_deliveries_help},
	{"changes", numberctl_changes_help},
	{"billing", billing_help},
	{"fsck", fsck_help},
	{"stats", stats_help},
	{"version", version_help},
	{"help", help_help},
};

/* Prints @text as roff lines kept as they are (.nf): backslashes and minus signs
 * escaped, a line starting with a control character guarded. */
static void roff_verbatim(const char *text)
{
	fputs(".nf\n", stdout);
	int line_start = 1;
	for (const char *c = text; *c != '\0'; c++) {
		if (line_start && (*c == '.' || *c == '\''))
			fputs("\\&", stdout);
		line_start = *c == '\n';
		if (*c == '\\')
			fputs("\\e", stdout);
		else if (*c == '-')
			fputs("\\-", stdout);
		else
			fputc(*c, stdout);
	}
	fputs(".fi\n", stdout);
}

/* help --man: the manual page numberctl.1, the help texts in roff (meson builds it so). */
static void print_man(void)
{
	printf(".TH NUMBERCTL 1 \"\" \"numberctl %s\" \"User Commands\"\n", NUMBERCTL_VERSION);
	fputs(".SH NAME\nnumberctl \\- command-line tool for libnumbering stores\n", stdout);
	fputs(".SH SYNOPSIS\n.B numberctl\n[\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]\n", stdout);
	fputs(".SH DESCRIPTION\n", stdout);
	roff_verbatim(usage);
	fputs(".SH COMMANDS\n", stdout);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		printf(".SS %s\n", commands[i].name);
		roff_verbatim(commands[i].help);
	}
}

static int cmd_help(int argc, char **argv)
{
	if (argc > 1)
		return numberctl_usage("help", "unexpected argument '%s': one COMMAND", argv[1]);
	if (argc == 0) {
		fputs(usage, stdout);
		return 0;
	}
	if (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
		fputs(help_help, stdout);
		return 0;
	}
	if (strcmp(argv[0], "--man") == 0) {
		print_man();
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[0], commands[i].name) == 0) {
			fputs(commands[i].help, stdout);
			return 0;
		}
	}
	if (argv[0][0] == '-')
		return numberctl_usage("help", "unknown option '%s'", argv[0]);
	return numberctl_usage(NULL, "help: no command '%s'", argv[0]);
}

/* --version: numberctl's own version (meson.build's, given at build time) and the version
 * of the library it runs on, as other tools print theirs. */
static int cmd_dash_version(void)
{
	printf("numberctl %s (libnumbering %s)\n", NUMBERCTL_VERSION, numbering_version());
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}

/* Reads "--NAME VALUE" or "--NAME=VALUE" at argv[*i]; 1 when it matched. */
static int option(const char *name, int argc, char **argv, int *i, const char **value)
{
	size_t n = strlen(name);
	const char *arg = argv[*i];
	if (strncmp(arg, name, n) != 0)
		return 0;
	if (arg[n] == '=') {
		*value = arg + n + 1;
		return 1;
	}
	if (arg[n] != '\0')
		return 0;
	*value = *i + 1 < argc ? argv[++*i] : NULL;
	return 1;
}

static int run(int argc, char **argv)
{
	struct globals g = {NULL, NULL, NULL, NULL, NULL, NULL, 0, 0};
	int i = 1;
	for (; i < argc && strncmp(argv[i], "--", 2) == 0 && strcmp(argv[i], "--help") != 0; i++) {
		const char *value = NULL;
		const char **slot = NULL;
		if (strcmp(argv[i], "--read-only") == 0) {
			g.read_only = 1;
			continue;
		}
		if (strcmp(argv[i], "--shared-index") == 0) {
			shared_index = 1;
			continue;
		}
		if (strcmp(argv[i], "--version") == 0)
			return cmd_dash_version();
		if (option("--store", argc, argv, &i, &value))
			slot = &g.store;
		else if (option("--policy", argc, argv, &i, &value))
			slot = &g.policy;
		else if (option("--as", argc, argv, &i, &value))
			slot = &g.caller;
		else if (option("--region", argc, argv, &i, &value))
			slot = &g.region;
		else if (option("--max-instances", argc, argv, &i, &value))
			slot = &g.max_instances;
		else if (option("--provisioning", argc, argv, &i, &value))
			slot = &g.provisioning;
		else if (option("--busy-timeout", argc, argv, &i, &value)) {
			char *end = NULL;
			long ms = value != NULL ? strtol(value, &end, 10) : 0;
			if (value == NULL)
				return numberctl_usage(NULL, "missing value for '%s'", argv[i]);
			if (value[0] < '0' || value[0] > '9' || *end != '\0' || ms > 86400000)
				return numberctl_usage(NULL, "--busy-timeout %s: not a number of milliseconds (0 to 86400000)",
				                       value);
			busy_timeout_ms = ms == 0 ? -1 : (int)ms;
			continue;
		}
		else if (option("--log-level", argc, argv, &i, &value)) {
			if (value == NULL)
				return numberctl_usage(NULL, "missing value for '%s'", argv[i]);
			if (numbering_log_level_from_name(&g.log_level, value) != NUMBERING_OK)
				return numberctl_usage(NULL, "--log-level %s: not error, warning, info or debug", value);
			continue;
		}
		if (slot == NULL)
			return numberctl_usage(NULL, "unknown option '%s'", argv[i]);
		if (value == NULL)
			return numberctl_usage(NULL, "missing value for '%s'", argv[i]);
		*slot = value;
	}
	if (i >= argc)
		return numberctl_usage(NULL, "missing command");
	const char *command = argv[i];
	int rest = argc - i - 1;
	char **args = argv + i + 1;
	if (strcmp(command, "help") == 0 || strcmp(command, "--help") == 0 || strcmp(command, "-h") == 0)
		return cmd_help(rest, args);
	if (rest >= 1 && (strcmp(args[0], "--help") == 0 || strcmp(args[0], "-h") == 0))
		return cmd_help(1, argv + i);
	if (strcmp(command, "parse") == 0)
		return cmd_parse(&g, rest, args);
	if (strcmp(command, "range") == 0)
		return cmd_range(&g, rest, args);
	if (strcmp(command, "call") == 0)
		return cmd_call(&g, rest, args);
	if (strcmp(command, "batch") == 0)
		return cmd_batch(&g, rest, args);
	if (strcmp(command, "fsck") == 0)
		return cmd_fsck(&g, rest, args);
	if (strcmp(command, "stats") == 0)
		return cmd_stats(&g, rest, args);
	if (strcmp(command, "import") == 0)
		return cmd_import(&g, rest, args);
	if (strcmp(command, "export") == 0)
		return cmd_export(&g, rest, args);
	if (strcmp(command, "projects") == 0)
		return cmd_projects(&g, rest, args);
	if (strcmp(command, "deliver") == 0)
		return cmd_deliver(&g, rest, args);
	if (strcmp(command, "deliveries") == 0)
		return cmd_deliveries(&g, rest, args);
	if (strcmp(command, "changes") == 0)
		return cmd_changes(&g, rest, args);
	if (strcmp(command, "billing") == 0)
		return cmd_billing(&g, rest, args);
	if (strcmp(command, "version") == 0)
		return cmd_version(rest, args);
	if (command[0] == '-')
		return numberctl_usage(NULL, "unknown option '%s'", command);
	return numberctl_usage(NULL, "unknown command '%s'", command);
}

/* Output that could not be written (a full disk, a closed pipe, > /dev/full) is a
 * failure, as coreutils' close_stdout makes it: stdout is flushed and closed, and an error
 * on the way turns a success into exit status 1 with a line on stderr. */
static int close_stdout(int status)
{
	errno = 0;
	int failed = ferror(stdout) != 0;
	if (fflush(stdout) != 0)
		failed = 1;
	int saved = errno;
	if (fclose(stdout) != 0) {
		failed = 1;
		if (saved == 0)
			saved = errno;
	}
	if (!failed)
		return status;
	if (saved != 0)
		fprintf(stderr, "numberctl: write error: %s\n", strerror(saved));
	else
		fputs("numberctl: write error\n", stderr);
	return status == 0 ? 1 : status;
}

/* A standard stream the caller closed (numberctl >&-) would be the lowest free fd, the
 * one the next open() returns: the store file itself, which a command's output then
 * overwrites. Each closed one is opened on /dev/null the other way round (stdin
 * write-only, stdout and stderr read-only), as gnulib's stdopen does, so that the
 * stream's writes fail with EBADF and are reported instead. */
static int hold_standard_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		int got = open("/dev/null", fd == STDIN_FILENO ? O_WRONLY : O_RDONLY);
		if (got != fd) {
			if (got >= 0)
				close(got);
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (hold_standard_fds() != 0)
		return 1; /* no stderr to say it on, perhaps: opening nothing is the safe answer */
	call_help_init();
	return close_stdout(run(argc, argv));
}
