/*
 * numberctl: the command-line face of libnumbering. Every command prints JSON on
 * stdout; a failure prints the JSON error body and exits non-zero.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <numbering/numbering.h>

#define EXIT_USAGE 2

static const char usage[] =
	"usage: numberctl COMMAND [ARGS]\n"
	"\n"
	"commands:\n"
	"  parse [--region CC] NUMBER   parse one number, print it as JSON\n"
	"  parse [--region CC] -        parse one number per line of stdin, one JSON line each\n"
	"  range [--region CC] RANGE    parse range notation such as +61255501100-99\n"
	"  version                      print the library and Unicode versions\n"
	"  help [COMMAND]               print this help, or a command's\n";

static const char parse_help[] =
	"usage: numberctl parse [--region CC] NUMBER|-\n"
	"\n"
	"Parses a phone number written as +E164, as a national number of region CC (with\n"
	"or without its trunk prefix), or with CC's international prefix. Prints\n"
	"{\"phoneNumber\":...,\"countryCallingCode\":...,\"nationalSignificantNumber\":...,\n"
	" \"regionCodes\":[...],\"lengthVerdict\":...,\"possible\":...} or the error body.\n"
	"With '-', reads one number per line from stdin and prints one JSON line per\n"
	"input; errors are printed inline and the run goes on. Exit status: 0 when every\n"
	"input parsed, 1 otherwise, 2 for bad usage.\n";

static const char range_help[] =
	"usage: numberctl range [--region CC] RANGE\n"
	"\n"
	"Parses range notation: a number, '-', and digits that replace the number's last\n"
	"digits (+61255501100-99 is +61255501100 to +61255501199). Prints\n"
	"{\"startPhoneNumber\":...,\"endPhoneNumber\":...,\"size\":...,\"notation\":...}.\n";

static const char version_help[] = "usage: numberctl version\n\nPrints the library version and utf8proc's Unicode version.\n";

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

static int parse_one(numbering_number *n, const char *text, size_t len, const char *region)
{
	if (numbering_e164_parse_n(n, text, len, region) != NUMBERING_OK) {
		print_error();
		return 1;
	}
	return print_json(number_json(n));
}

static int parse_stream(numbering_number *n, FILE *in, const char *region)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	int failures = 0;
	while ((got = getline(&line, &cap, in)) >= 0) {
		size_t len = (size_t)got;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		failures |= parse_one(n, line, len, region);
	}
	free(line);
	return failures;
}

/* Reads "[--region CC] ARG" into *region and *arg; returns 0 on success. */
static int region_and_arg(int argc, char **argv, const char **region, const char **arg)
{
	*region = NULL;
	*arg = NULL;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--region") == 0 && i + 1 < argc)
			*region = argv[++i];
		else if (strncmp(argv[i], "--region=", 9) == 0)
			*region = argv[i] + 9;
		else if (*arg == NULL && (argv[i][0] != '-' || argv[i][1] == '\0' || argv[i][1] == '+' ||
		                          (argv[i][1] >= '0' && argv[i][1] <= '9')))
			*arg = argv[i];
		else
			return -1;
	}
	return *arg == NULL ? -1 : 0;
}

static int cmd_parse(int argc, char **argv)
{
	const char *region, *arg;
	if (region_and_arg(argc, argv, &region, &arg) != 0) {
		fputs(parse_help, stderr);
		return EXIT_USAGE;
	}
	numbering_number *n = NULL;
	if (numbering_number_new(&n) != NUMBERING_OK) {
		print_error();
		return 1;
	}
	int rc = strcmp(arg, "-") == 0 ? parse_stream(n, stdin, region) : parse_one(n, arg, strlen(arg), region);
	numbering_number_free(n);
	return rc;
}

static int cmd_range(int argc, char **argv)
{
	const char *region, *arg;
	if (region_and_arg(argc, argv, &region, &arg) != 0) {
		fputs(range_help, stderr);
		return EXIT_USAGE;
	}
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

static int cmd_version(void)
{
	return print_json(json_pack("{s:s, s:s}", "version", numbering_version(), "unicodeVersion",
	                            numbering_unicode_version()));
}

static int cmd_help(const char *command)
{
	if (command == NULL)
		fputs(usage, stdout);
	else if (strcmp(command, "parse") == 0)
		fputs(parse_help, stdout);
	else if (strcmp(command, "range") == 0)
		fputs(range_help, stdout);
	else if (strcmp(command, "version") == 0)
		fputs(version_help, stdout);
	else {
		fprintf(stderr, "numberctl: no command '%s'\n%s", command, usage);
		return EXIT_USAGE;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	const char *command = argv[1];
	if (argc >= 3 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0))
		return cmd_help(command);
	if (strcmp(command, "parse") == 0)
		return cmd_parse(argc - 2, argv + 2);
	if (strcmp(command, "range") == 0)
		return cmd_range(argc - 2, argv + 2);
	if (strcmp(command, "version") == 0)
		return cmd_version();
	if (strcmp(command, "help") == 0 || strcmp(command, "--help") == 0 || strcmp(command, "-h") == 0)
		return cmd_help(argc >= 3 ? argv[2] : NULL);
	fprintf(stderr, "numberctl: unknown command '%s'\n%s", command, usage);
	return EXIT_USAGE;
}
