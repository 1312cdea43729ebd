/*
 * Runs a JSON Lines scenario ({"method":...,"request":{...}} per line) on two stores at
 * once, one over the library's memory backend and one over array-records.c (a record
 * store written against the public headers alone), and checks that every response is
 * the same (generated ids and page tokens aside), then that paging through each project
 * gives the same instances in the same order. Prints the array store's responses.
 *
 * usage: array-backend-demo SCENARIO.jsonl
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <numbering/numbering.h>
#include <numbering/sys/backend.h>

#include "array-records.h"

static int64_t fake_clock(void *payload)
{
	int64_t *now = payload;
	return *now += 1000000000;
}

/* Replaces generated ids (16 of a-z2-7 after "phoneNumberInstances/") and page tokens
 * with fixed text, in place: they are random by design. */
static void normalize(char *s)
{
	static const char id_prefix[] = "phoneNumberInstances/", token_key[] = "\"nextPageToken\":\"";
	for (char *p = s; (p = strstr(p, id_prefix)) != NULL;) {
		p += sizeof(id_prefix) - 1;
		size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz234567");
		if (n == 16 && p[16] != '-' && (p[16] < '0' || p[16] > '9'))
			memcpy(p, "GENERATED-ID-XXX", 16);
	}
	for (char *p = s; (p = strstr(p, token_key)) != NULL;) {
		p += sizeof(token_key) - 1;
		char *end = strchr(p, '"');
		if (end == NULL)
			break;
		memmove(p + 5, end, strlen(end) + 1);
		memcpy(p, "TOKEN", 5);
	}
}

static numbering_store *open_store(numbering_backend *backend, int64_t *clock)
{
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.backend = backend;
	options.clock = fake_clock;
	options.clock_payload = clock;
	options.default_region = "AU";
	numbering_store *store = NULL;
	if (numbering_store_open(&store, &options) != NUMBERING_OK) {
		fprintf(stderr, "open: %s\n", numbering_error_message());
		exit(EXIT_FAILURE);
	}
	return store;
}

/* Every instance of @parent, deleted ones included, three per page, names joined by spaces. */
static int page_through(char *out, size_t size, numbering_store *store, const char *parent)
{
	numbering_list_request *request = NULL;
	char token[256] = "";
	int count = 0;
	out[0] = '\0';
	if (numbering_list_request_new(&request) != NUMBERING_OK)
		return -1;
	numbering_list_request_set_parent(request, parent);
	numbering_list_request_set_page_size(request, 3);
	numbering_list_request_set_include_deleted(request, 1);
	do {
		numbering_list_page *page = NULL;
		numbering_list_request_set_page_token(request, token[0] ? token : NULL);
		if (numbering_store_list(&page, store, NULL, request) != NUMBERING_OK) {
			count = -1;
			break;
		}
		for (int i = 0; i < numbering_list_page_count(page); i++, count++) {
			size_t used = strlen(out);
			snprintf(out + used, size - used, "%s ", numbering_instance_name(numbering_list_page_instance(page, i)));
		}
		snprintf(token, sizeof(token), "%s", numbering_list_page_next_token(page));
		numbering_list_page_free(page);
	} while (token[0] != '\0');
	numbering_list_request_free(request);
	normalize(out);
	return count;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fputs("usage: array-backend-demo SCENARIO.jsonl\n", stderr);
		return 2;
	}
	FILE *f = fopen(argv[1], "r");
	if (f == NULL) {
		perror(argv[1]);
		return EXIT_FAILURE;
	}
	numbering_backend *array = NULL, *memory = NULL;
	if (array_records_new(&array) != NUMBERING_OK || numbering_memory_backend_new(&memory) != NUMBERING_OK)
		return EXIT_FAILURE;
	int64_t clock_a = INT64_C(1767225600000000000) - 1000000000, clock_b = clock_a;
	numbering_store *memory_store = open_store(memory, &clock_a);
	numbering_store *array_store = open_store(array, &clock_b);

	int differences = 0;
	char line[8192];
	for (int lineno = 1; fgets(line, sizeof(line), f) != NULL; lineno++) {
		if (line[strspn(line, " \t\r\n")] == '\0')
			continue;
		json_t *entry = json_loads(line, 0, NULL);
		const char *method = json_string_value(json_object_get(entry, "method"));
		const char *caller = json_string_value(json_object_get(entry, "caller"));
		char *request = json_dumps(json_object_get(entry, "request"), JSON_COMPACT);
		if (method == NULL || request == NULL) {
			fprintf(stderr, "%s:%d: want {\"method\":...,\"request\":{...}}\n", argv[1], lineno);
			return EXIT_FAILURE;
		}
		char *from_memory = NULL, *from_array = NULL;
		int rc_memory = numbering_store_call_json(&from_memory, memory_store, caller, method, request);
		int rc_array = numbering_store_call_json(&from_array, array_store, caller, method, request);
		normalize(from_memory);
		normalize(from_array);
		printf("%s %s\n", method, from_array);
		if (rc_memory != rc_array || strcmp(from_memory, from_array) != 0) {
			printf("DIFFERENT line %d: memory backend gives %s\n", lineno, from_memory);
			differences++;
		}
		numbering_free(from_memory);
		numbering_free(from_array);
		free(request);
		json_decref(entry);
	}
	fclose(f);

	static const char *const projects[] = {"projects/acme", "projects/globex"};
	for (size_t i = 0; i < sizeof(projects) / sizeof(projects[0]); i++) {
		char a[4096], b[4096];
		int na = page_through(a, sizeof(a), memory_store, projects[i]);
		int nb = page_through(b, sizeof(b), array_store, projects[i]);
		printf("paged %s: %d instance(s): %s\n", projects[i], nb, b);
		if (na != nb || strcmp(a, b) != 0) {
			printf("DIFFERENT paging of %s: memory backend gives %s\n", projects[i], a);
			differences++;
		}
	}
	if (array_records_check(array) != NUMBERING_OK) {
		printf("the array backend's own check fails\n");
		differences++;
	}
	numbering_store_close(memory_store);
	numbering_store_close(array_store);
	printf("%s\n", differences == 0 ? "the array backend and the memory backend agree" : "the backends DIFFER");
	return differences == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
