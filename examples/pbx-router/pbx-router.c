/*
 * pbx-router: what a PBX or SIP router embeds libnumbering for. For each dialed number
 * read from stdin, one per line as it arrives in an INVITE's Request-URI or To header
 * ("+61255501142", "sip:+61255501142@pbx.example.com;user=phone", "<tel:+61-2-5550-1142>",
 * "02 5550 1142"), it prints the owning instance, its lifecycle state and its incoming
 * call handler URIs in priority order, or "not ours".
 *
 * usage: pbx-router [--inventory FILE.jsonl] [--region CC] [--extra N] [--bench N] [--threads T]
 *
 *   --inventory FILE  load the numbers from JSON Lines, one {"method":...,"request":{...}}
 *                     per line (the format of `numberctl batch`); without it a built-in
 *                     demo inventory is created through the C API
 *   --region CC       region of national numbers (default AU)
 *   --extra N         also create N single numbers (+61390000000 ...) to make the store bigger
 *   --bench N         instead of answering, route the input lines N times in total and
 *                     print the sustained rate
 *   --threads T       with --bench: T threads share the one store (default 1)
 *
 * The per-call path allocates nothing: each thread owns one numbering_resolution and
 * reuses it for every INVITE; the store is shared by all threads.
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <numbering/numbering.h>

#define MAX_LINE 1024
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

static void die(const char *what)
{
	fprintf(stderr, "pbx-router: %s: %s: %s\n", what, numbering_status_name(numbering_error_code()),
	        numbering_error_message());
	exit(EXIT_FAILURE);
}

/*
 * Reduces what an INVITE carries to the number to look up, in place: drops angle
 * brackets, a "sip:", "sips:" or "tel:" scheme, the host part of a SIP URI and any
 * ";parameters". "sip:+61255501142@pbx.example.com;user=phone" gives "+61255501142".
 */
static char *dialed_number(char *line)
{
	char *s = line;
	while (*s == ' ' || *s == '\t' || *s == '<')
		s++;
	size_t len = strcspn(s, ">\r\n");
	s[len] = '\0';
	static const char *const schemes[] = {"sip:", "sips:", "tel:"};
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		size_t n = strlen(schemes[i]);
		if (strncmp(s, schemes[i], n) == 0) {
			s += n;
			s[strcspn(s, "@;?")] = '\0';
			break;
		}
	}
	/* Trailing blanks. */
	for (len = strlen(s); len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'); len--)
		s[len - 1] = '\0';
	return s;
}

/*
 * The next line of @in into @line, without its end; 0 at the end of the input. A line
 * that holds a NUL byte or does not fit is refused whole (*@refused says why, NULL for
 * a line taken): C reads a string only up to its NUL, so "+61255501000\0x" would route
 * as +61255501000, and a line cut to fit would route its beginning.
 */
static int next_line(FILE *in, char line[MAX_LINE], const char **refused)
{
	int c;
	size_t len = 0;
	*refused = NULL;
	while ((c = getc(in)) != EOF && c != '\n') {
		if (c == '\0')
			*refused = "holds a NUL byte";
		else if (len + 1 < MAX_LINE)
			line[len++] = (char)c;
		else if (*refused == NULL)
			*refused = "is longer than " STRINGIFY(MAX_LINE) " bytes";
	}
	line[len] = '\0';
	return c != EOF || len > 0 || *refused != NULL;
}

/* The answer for one INVITE, written to @p out. Returns the resolve status. */
static int route(FILE *out, numbering_store *store, numbering_resolution *resolution, const char *input,
                 const char *number, const char *region)
{
	int rc = numbering_store_resolve(resolution, store, NULL, number, region);
	if (out == NULL)
		return rc;
	if (rc == NUMBERING_NOT_FOUND) {
		fprintf(out, "%s -> not ours\n", input);
	} else if (rc != NUMBERING_OK) {
		fprintf(out, "%s -> invalid: %s\n", input, numbering_error_message());
	} else {
		const numbering_instance *owner = numbering_resolution_instance(resolution);
		fprintf(out, "%s -> %s %s %s", input, numbering_resolution_phone_number(resolution),
		        numbering_instance_name(owner),
		        numbering_lifecycle_state_name(numbering_instance_lifecycle_state(owner)));
		int n = numbering_instance_call_handler_count(owner);
		if (n == 0)
			fputs(" (no call handler)", out);
		for (int i = 0; i < n; i++)
			fprintf(out, " %s", numbering_instance_call_handler(owner, i));
		fputc('\n', out);
	}
	return rc;
}

/* ---- the inventory ---- */

struct demo_number {
	const char *parent, *id, *number;
	int state; /* the state to leave it in */
	const char *handlers[3];
};

static const struct demo_number demo[] = {
	{"projects/acme", "reception", "+61255501000", NUMBERING_LIFECYCLE_ACTIVE,
	 {"sip:reception@pbx.acme.example", "tel:+61299990000"}},
	{"projects/acme", "sales", "+61255501100-99", NUMBERING_LIFECYCLE_ACTIVE,
	 {"sip:sales-queue@pbx.acme.example", "sip:sales-overflow@pbx.acme.example", "https://acme.example/ivr"}},
	{"projects/acme", "support", "+61255501200-49", NUMBERING_LIFECYCLE_SUSPENDED,
	 {"sip:support@pbx.acme.example"}},
	{"projects/globex", "main", "+12025550134", NUMBERING_LIFECYCLE_ACTIVE, {"sips:main@sip.globex.example"}},
	{"projects/globex", "port-in", "+12025550199", NUMBERING_LIFECYCLE_PENDING, {NULL}},
	{"projects/globex", "old", "+12025550100", NUMBERING_LIFECYCLE_DELETED, {"sip:old@sip.globex.example"}},
};

static void demo_inventory(numbering_store *store)
{
	for (size_t i = 0; i < sizeof(demo) / sizeof(demo[0]); i++) {
		const struct demo_number *d = &demo[i];
		numbering_instance *request = NULL, *created = NULL;
		if (numbering_instance_new(&request) != NUMBERING_OK ||
		    numbering_instance_set_phone_number(request, d->number) != NUMBERING_OK)
			die(d->id);
		for (int h = 0; h < 3 && d->handlers[h] != NULL; h++)
			if (numbering_instance_add_call_handler(request, d->handlers[h]) != NUMBERING_OK)
				die(d->id);
		if (d->state == NUMBERING_LIFECYCLE_PENDING &&
		    numbering_instance_set_lifecycle_state(request, NUMBERING_LIFECYCLE_PENDING) != NUMBERING_OK)
			die(d->id);
		if (numbering_store_create(&created, store, NULL, d->parent, request, d->id, NULL, NULL) != NUMBERING_OK)
			die(d->id);
		numbering_instance_free(request);
		const char *name = numbering_instance_name(created);
		numbering_instance *changed = NULL;
		int rc = NUMBERING_OK;
		if (d->state == NUMBERING_LIFECYCLE_SUSPENDED)
			rc = numbering_store_suspend(&changed, store, NULL, name);
		else if (d->state == NUMBERING_LIFECYCLE_DELETED)
			rc = numbering_store_delete(&changed, store, NULL, name);
		if (rc != NUMBERING_OK)
			die(name);
		numbering_instance_free(changed);
		numbering_instance_free(created);
	}
}

/* Loads JSON Lines of {"method":...,"request":{...}} through the JSON entry point. */
static void file_inventory(numbering_store *store, const char *path)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "pbx-router: %s: %s\n", path, strerror(errno));
		exit(EXIT_FAILURE);
	}
	char line[8192];
	for (int lineno = 1; fgets(line, sizeof(line), f) != NULL; lineno++) {
		if (line[strspn(line, " \t\r\n")] == '\0' || line[0] == '#')
			continue;
		json_error_t jerr;
		json_t *entry = json_loads(line, 0, &jerr);
		const char *method = json_string_value(json_object_get(entry, "method"));
		json_t *request = json_object_get(entry, "request");
		char *request_json = request != NULL ? json_dumps(request, JSON_COMPACT) : NULL;
		if (method == NULL || request_json == NULL) {
			fprintf(stderr, "pbx-router: %s:%d: want {\"method\":...,\"request\":{...}}\n", path, lineno);
			exit(EXIT_FAILURE);
		}
		char *response = NULL;
		int rc = numbering_store_call_json(&response, store, NULL, method, request_json);
		if (rc != NUMBERING_OK) {
			fprintf(stderr, "pbx-router: %s:%d: %s\n", path, lineno, response != NULL ? response : "");
			exit(EXIT_FAILURE);
		}
		numbering_free(response);
		free(request_json);
		json_decref(entry);
	}
	fclose(f);
}

/* N single numbers in projects/bulk, so the bench runs against a store of a given size. */
static void extra_inventory(numbering_store *store, long n)
{
	numbering_instance *request = NULL;
	if (numbering_instance_new(&request) != NUMBERING_OK ||
	    numbering_instance_add_call_handler(request, "sip:bulk@pbx.example.com") != NUMBERING_OK)
		die("extra");
	for (long i = 0; i < n; i++) {
		char number[32];
		snprintf(number, sizeof(number), "+613%08ld", 90000000 + i % 10000000);
		numbering_instance *created = NULL;
		if (numbering_instance_set_phone_number(request, number) != NUMBERING_OK ||
		    numbering_store_create(&created, store, NULL, "projects/bulk", request, NULL, NULL, NULL) != NUMBERING_OK)
			die(number);
		numbering_instance_free(created);
	}
	numbering_instance_free(request);
}

/* ---- the benchmark ---- */

struct bench {
	numbering_store *store;
	const char *region;
	const char *const *lines; /* the INVITEs' numbers, packed in one buffer */
	size_t count;
	long calls;
	long owned; /* answers that found an owner */
	int failed;
};

static void *bench_thread(void *arg)
{
	struct bench *b = arg;
	numbering_resolution *resolution = NULL;
	if (numbering_resolution_new(&resolution) != NUMBERING_OK) {
		b->failed = 1;
		return NULL;
	}
	char copy[MAX_LINE];
	long owned = 0;
	for (long i = 0; i < b->calls; i++) {
		/* The INVITE's text is rewritten in place, as a SIP stack would hand it over. */
		const char *line = b->lines[(size_t)i % b->count];
		memcpy(copy, line, strlen(line) + 1);
		if (route(NULL, b->store, resolution, copy, dialed_number(copy), b->region) == NUMBERING_OK)
			owned++;
	}
	b->owned = owned;
	numbering_resolution_free(resolution);
	return NULL;
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run_bench(numbering_store *store, const char *region, const char *const *lines, size_t count, long total,
                     int threads)
{
	struct bench b[64];
	pthread_t tid[64];
	for (int t = 0; t < threads; t++)
		b[t] = (struct bench){store, region, lines, count, total / threads + (t < total % threads), 0, 0};
	double start = now_seconds();
	for (int t = 0; t < threads; t++)
		if (pthread_create(&tid[t], NULL, bench_thread, &b[t]) != 0) {
			fprintf(stderr, "pbx-router: cannot start thread %d\n", t);
			return EXIT_FAILURE;
		}
	long owned = 0;
	int failed = 0;
	for (int t = 0; t < threads; t++) {
		pthread_join(tid[t], NULL);
		owned += b[t].owned;
		failed |= b[t].failed;
	}
	double seconds = now_seconds() - start;
	printf("routed %ld INVITEs (%zu distinct, %ld owned) with %d thread%s in %.3f s: %.0f routes/s, %.0f ns per "
	       "route per thread\n",
	       total, count, owned, threads, threads == 1 ? "" : "s", seconds, (double)total / seconds,
	       seconds * 1e9 * threads / (double)total);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

static void usage(void)
{
	fputs("usage: pbx-router [--inventory FILE.jsonl] [--region CC] [--extra N] [--bench N] [--threads T] < dialed\n",
	      stderr);
	exit(2);
}

static long number_arg(const char *text, long min, long max)
{
	char *end = NULL;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || v < min || v > max)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	const char *inventory = NULL, *region = "AU";
	long bench = 0, extra = 0, threads = 1;
	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (strcmp(argv[i], "--inventory") == 0)
			inventory = argv[++i];
		else if (strcmp(argv[i], "--region") == 0)
			region = argv[++i];
		else if (strcmp(argv[i], "--bench") == 0)
			bench = number_arg(argv[++i], 1, 1000000000000L);
		else if (strcmp(argv[i], "--extra") == 0)
			extra = number_arg(argv[++i], 0, 10000000);
		else if (strcmp(argv[i], "--threads") == 0)
			threads = number_arg(argv[++i], 1, 64);
		else
			usage();
	}

	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.default_region = region;
	numbering_store *store = NULL;
	if (numbering_store_open(&store, &options) != NUMBERING_OK)
		die("open");
	if (inventory != NULL)
		file_inventory(store, inventory);
	else
		demo_inventory(store);
	extra_inventory(store, extra);

	int status = EXIT_SUCCESS;
	if (bench > 0) {
		/* The input lines, packed one after the other as a SIP stack's buffers would be. */
		size_t count = 0, used = 0, size = 1 << 16, cap = 1024;
		char *text = malloc(size), line[MAX_LINE];
		size_t *offsets = malloc(cap * sizeof(*offsets));
		const char *refused = NULL;
		for (int lineno = 1; text != NULL && offsets != NULL && next_line(stdin, line, &refused); lineno++) {
			if (refused != NULL) {
				fprintf(stderr, "pbx-router: line %d of the input %s\n", lineno, refused);
				status = EXIT_FAILURE;
				break;
			}
			if (line[strspn(line, " \t\r\n")] == '\0' || line[0] == '#')
				continue;
			size_t len = strcspn(line, "\r\n");
			line[len] = '\0';
			if (used + len + 1 > size) {
				char *grown = realloc(text, size *= 2);
				text = grown != NULL ? grown : (free(text), NULL);
			}
			if (count == cap) {
				size_t *grown = realloc(offsets, (cap *= 2) * sizeof(*offsets));
				offsets = grown != NULL ? grown : (free(offsets), NULL);
			}
			if (text == NULL || offsets == NULL)
				break;
			memcpy(text + used, line, len + 1);
			offsets[count++] = used;
			used += len + 1;
		}
		const char **lines = text != NULL && offsets != NULL ? malloc((count + 1) * sizeof(*lines)) : NULL;
		for (size_t i = 0; lines != NULL && i < count; i++)
			lines[i] = text + offsets[i];
		if (status != EXIT_SUCCESS) {
			/* a refused line: said above */
		} else if (lines == NULL || count == 0) {
			fputs(count == 0 ? "pbx-router: --bench needs dialed numbers on stdin\n" : "pbx-router: out of memory\n",
			      stderr);
			status = EXIT_FAILURE;
		} else {
			status = run_bench(store, region, lines, count, bench, (int)threads);
		}
		free(lines);
		free(offsets);
		free(text);
	} else {
		numbering_resolution *resolution = NULL;
		if (numbering_resolution_new(&resolution) != NUMBERING_OK)
			die("resolution");
		char line[MAX_LINE], input[MAX_LINE];
		const char *refused = NULL;
		for (int lineno = 1; next_line(stdin, line, &refused); lineno++) {
			if (refused != NULL) {
				printf("(line %d) -> invalid: the line %s\n", lineno, refused);
				continue;
			}
			if (line[strspn(line, " \t\r\n")] == '\0' || line[0] == '#')
				continue;
			line[strcspn(line, "\r\n")] = '\0';
			memcpy(input, line, sizeof(input));
			route(stdout, store, resolution, input, dialed_number(line), region);
		}
		numbering_resolution_free(resolution);
	}
	numbering_store_close(store);
	return status;
}
