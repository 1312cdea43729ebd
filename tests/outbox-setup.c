/*
 * Queues callbacks in a file store for tests/numberctl-deliver-test.py, through the C
 * API (the JSON methods cannot set a callback secret yet): imports NUMBER into the
 * inventory (US, local, SMS and voice), sets PROJECT's callback secret (unless SECRET is
 * "-"; "" removes it), and rents NUMBER to PROJECT with an SMS service plan and the
 * callback URL, which queues one PROVISIONING_TO_SMS_PLATFORM callback for URL.
 *
 * With STORED_URL (as long as URL), the queued delivery's record is then rewritten to
 * hold STORED_URL instead, through the backend: a URL with a credential, as a library
 * from before they were refused stored it (docs/CALLBACKS.md).
 *
 * usage: outbox-setup STORE NOW_NS PROJECT SECRET NUMBER URL [STORED_URL]
 *   NOW_NS   the store's clock, ns since the Unix epoch (as NUMBERING_FAKE_CLOCK)
 * Prints nothing on success; the library's message and exit 1 on failure, 64 for usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <numbering/numbering.h>
#include <numbering/sys/backend.h>
#include <numbering/sys/file.h>
#include <numbering/sys/record.h>

#include "record-plant.h"

static int64_t fixed_clock(void *payload)
{
	return *(const int64_t *)payload;
}

static int fail(const char *what)
{
	fprintf(stderr, "outbox-setup: %s: %s\n", what, numbering_error_message());
	return 1;
}

/* Rewrites the records of the store at @path holding @from (every kind, parent "": the
 * deliveries) to hold @to: 0, or 1 when none does or a call fails. */
static int plant(const char *path, const char *from, const char *to)
{
	numbering_backend *b = NULL;
	struct record_plant p = RECORD_PLANT_INIT(from, to);
	int rc = numbering_file_backend_new(&b, path, NULL);
	for (int kind = 1; kind <= NUMBERING_RECORD_KIND_MAX && rc == NUMBERING_OK; kind++) {
		numbering_record_query q = NUMBERING_RECORD_QUERY_INIT;
		q.kind = kind;
		q.parent = "";
		q.order = NUMBERING_RECORD_ORDER_ASCENDING;
		rc = b->list(b, &q, record_plant_visit, &p);
	}
	if (rc == NUMBERING_OK)
		rc = p.rc;
	if (rc == NUMBERING_OK && p.count == 0) {
		b->free(b);
		return fail("no delivery holds URL");
	}
	if (rc == NUMBERING_OK)
		rc = record_plant_write(b, &p);
	for (int i = 0; i < p.count; i++) /* not written: a list failed */
		numbering_free(p.copies[i]);
	if (b != NULL)
		b->free(b);
	return rc == NUMBERING_OK ? 0 : fail("STORED_URL");
}

int main(int argc, char **argv)
{
	if (argc != 7 && !(argc == 8 && strlen(argv[7]) == strlen(argv[6]))) {
		fprintf(stderr, "usage: outbox-setup STORE NOW_NS PROJECT SECRET NUMBER URL [STORED_URL as long as URL]\n");
		return 64;
	}
	const char *path = argv[1], *project = argv[3], *secret = argv[4], *number = argv[5], *url = argv[6];
	char *end;
	int64_t now = strtoll(argv[2], &end, 10);
	if (*end != '\0' || now <= 0) {
		fprintf(stderr, "outbox-setup: NOW_NS %s is not nanoseconds since the Unix epoch\n", argv[2]);
		return 64;
	}
	numbering_options options = NUMBERING_OPTIONS_INIT;
	options.clock = fixed_clock;
	options.clock_payload = &now;
	numbering_store *store = NULL;
	if (numbering_file_backend_new(&options.backend, path, NULL) != NUMBERING_OK)
		return fail(path);
	if (numbering_store_open(&store, &options) != NUMBERING_OK)
		return fail(path);
	int rc = 0;
	numbering_available_number *n = NULL;
	numbering_active_request *request = NULL;
	numbering_active_number *active = NULL;
	if (numbering_available_number_new(&n) != NUMBERING_OK ||
	    numbering_available_number_set_numbers(n, number, NULL) != NUMBERING_OK ||
	    numbering_available_number_set_type(n, NUMBERING_NUMBER_TYPE_LOCAL) != NUMBERING_OK ||
	    numbering_available_number_set_int(n, "capability", NUMBERING_CAPABILITY_SMS | NUMBERING_CAPABILITY_VOICE) !=
	        NUMBERING_OK) {
		rc = fail(number);
		goto done;
	}
	const numbering_available_number *items[] = {n};
	if (numbering_store_import_available(NULL, store, NULL, items, 1) != NUMBERING_OK) {
		rc = fail("import");
		goto done;
	}
	if (strcmp(secret, "-") != 0 && numbering_store_update_callback_secret(store, NULL, project, secret) != NUMBERING_OK) {
		rc = fail("secret");
		goto done;
	}
	if (numbering_active_request_new(&request) != NUMBERING_OK ||
	    numbering_active_request_set(request, "smsConfiguration.servicePlanId", "plan") != NUMBERING_OK ||
	    numbering_active_request_set(request, "callbackUrl", url) != NUMBERING_OK) {
		rc = fail("request");
		goto done;
	}
	if (numbering_store_rent(&active, store, NULL, project, number, request) != NUMBERING_OK)
		rc = fail("rent");
done:
	numbering_active_number_free(active);
	numbering_active_request_free(request);
	numbering_available_number_free(n);
	numbering_store_close(store);
	return rc == 0 && argc == 8 ? plant(path, url, argv[7]) : rc;
}
