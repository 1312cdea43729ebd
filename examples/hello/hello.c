/*
 * hello: the smallest complete libnumbering program. It opens a store, creates one
 * number and one range, lists the project, and resolves a number inside the range.
 *
 * Build it outside the tree with:
 *   cc -std=c11 -o hello hello.c $(pkg-config --cflags --libs numbering)
 */
#include <stdio.h>
#include <stdlib.h>

#include <numbering/numbering.h>

/* Prints the thread's last error and ends the program. */
static void die(const char *what, int rc)
{
	fprintf(stderr, "hello: %s: %s: %s\n", what, numbering_status_name(rc), numbering_error_message());
	for (int i = 0; i < numbering_error_violation_count(); i++)
		fprintf(stderr, "  %s: %s\n", numbering_error_violation_field(i), numbering_error_violation_description(i));
	exit(EXIT_FAILURE);
}

/* Creates @number (a number or range notation) in projects/demo with the given id. */
static void create(numbering_store *store, const char *id, const char *number, const char *call_handler)
{
	numbering_instance *request = NULL, *created = NULL;
	int rc = numbering_instance_new(&request);
	if (rc == NUMBERING_OK)
		rc = numbering_instance_set_phone_number(request, number);
	if (rc == NUMBERING_OK && call_handler != NULL)
		rc = numbering_instance_add_call_handler(request, call_handler);
	if (rc == NUMBERING_OK)
		rc = numbering_store_create(&created, store, NULL, "projects/demo", request, id, NULL, NULL);
	numbering_instance_free(request);
	if (rc != NUMBERING_OK)
		die("create", rc);
	printf("created %s (%s, %lld number%s)\n", numbering_instance_name(created),
	       numbering_instance_phone_number(created), (long long)numbering_instance_range_size(created),
	       numbering_instance_range_size(created) == 1 ? "" : "s");
	numbering_instance_free(created);
}

int main(void)
{
	/* Options: NULL would do (a memory store, every call allowed); here we only set
	 * the region that national numbers such as "02 5550 1150" belong to. */
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.default_region = "AU";
	numbering_store *store = NULL;
	int rc = numbering_store_open(&store, &options);
	if (rc != NUMBERING_OK)
		die("open", rc);

	create(store, "front-desk", "+61255501000", "sip:desk@pbx.example.com");
	create(store, "sales-block", "+61255501100-99", "sip:sales@pbx.example.com");

	/* List the project, newest first. */
	numbering_list_request *list = NULL;
	numbering_list_page *page = NULL;
	rc = numbering_list_request_new(&list);
	if (rc == NUMBERING_OK)
		rc = numbering_list_request_set_parent(list, "projects/demo");
	if (rc == NUMBERING_OK)
		rc = numbering_store_list(&page, store, NULL, list);
	if (rc != NUMBERING_OK)
		die("list", rc);
	for (int i = 0; i < numbering_list_page_count(page); i++) {
		const numbering_instance *in = numbering_list_page_instance(page, i);
		printf("listed %s %s\n", numbering_instance_name(in), numbering_lifecycle_state_name(
		                                                          numbering_instance_lifecycle_state(in)));
	}
	numbering_list_page_free(page);
	numbering_list_request_free(list);

	/* Resolve a dialed number inside the range: the hot path, which reuses its result. */
	numbering_resolution *resolution = NULL;
	rc = numbering_resolution_new(&resolution);
	if (rc == NUMBERING_OK)
		rc = numbering_store_resolve(resolution, store, NULL, "02 5550 1150", NULL);
	if (rc != NUMBERING_OK)
		die("resolve", rc);
	const numbering_instance *owner = numbering_resolution_instance(resolution);
	printf("resolved %s -> %s, first call handler %s\n", numbering_resolution_phone_number(resolution),
	       numbering_instance_name(owner), numbering_instance_call_handler(owner, 0));

	/* A number nobody holds is NOT_FOUND, with the reason in the thread's last error. */
	rc = numbering_store_resolve(resolution, store, NULL, "+61255509999", NULL);
	printf("resolved +61255509999 -> %s (%s)\n", numbering_status_name(rc), numbering_error_message());

	numbering_resolution_free(resolution);
	numbering_store_close(store);
	return rc == NUMBERING_NOT_FOUND ? EXIT_SUCCESS : EXIT_FAILURE;
}
