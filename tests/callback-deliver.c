/*
 * The delivery test program (tests/callback-delivery-test.py drives it against
 * tests/callback-receiver.py): builds a CallbackPayload with the library, signs it,
 * and POSTs it with examples/numberctl/deliver-http.c.
 *
 * usage: callback-deliver [--tamper] [--unsigned] [--timeout-ms N] URL SECRET EVENT_ID
 *   --tamper      send a signature with one bit flipped (the receiver must refuse it)
 *   --unsigned    send no X-Sinch-Signature header
 * Prints one line: "http STATUS" (exit 0), "bad-request: MESSAGE" (exit 2) or
 * "transport: MESSAGE" (exit 3); exit 1 for a library error, 64 for bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <numbering/numbering.h>

#include "deliver-http.h"

/* 2023-06-06T07:45:27.785357Z, the seed's example time. */
#define WHEN INT64_C(1686037527785357000)

int main(int argc, char **argv)
{
	int tamper = 0, unsigned_ = 0, i = 1;
	long timeout_ms = DELIVER_HTTP_DEFAULT_TIMEOUT_MS;
	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--tamper") == 0)
			tamper = 1;
		else if (strcmp(argv[i], "--unsigned") == 0)
			unsigned_ = 1;
		else if (strcmp(argv[i], "--timeout-ms") == 0 && i + 1 < argc)
			timeout_ms = strtol(argv[++i], NULL, 10);
		else
			break;
	}
	if (argc - i != 3) {
		fprintf(stderr, "usage: callback-deliver [--tamper] [--unsigned] [--timeout-ms N] URL SECRET EVENT_ID\n");
		return 64;
	}
	const char *url = argv[i], *secret = argv[i + 1], *event_id = argv[i + 2];
	char *body = NULL;
	char signature[NUMBERING_CALLBACK_SIGNATURE_BUFSIZE];
	if (numbering_callback_payload_json(&body, event_id, WHEN, "p1", "+12025550134",
	                                    NUMBERING_CALLBACK_EVENT_PROVISIONING_TO_CAMPAIGN,
	                                    NUMBERING_CALLBACK_STATUS_SUCCEEDED, NUMBERING_CALLBACK_FAILURE_NONE) != NUMBERING_OK ||
	    numbering_callback_sign(signature, sizeof(signature), secret, strlen(secret), body, strlen(body)) !=
	        NUMBERING_OK) {
		printf("library: %s\n", numbering_error_message());
		numbering_free(body);
		return 1;
	}
	if (tamper) { /* the lowest bit of the MAC's last byte */
		static const char hex[] = "0123456789abcdef";
		signature[39] = hex[(strchr(hex, signature[39]) - hex) ^ 1];
	}
	if (deliver_http_global_init() != 0) {
		printf("transport: libcurl did not initialize\n");
		numbering_free(body);
		return 3;
	}
	long status = 0;
	char error[DELIVER_HTTP_ERROR_SIZE];
	enum deliver_http_result r =
		deliver_http_post(url, body, strlen(body), unsigned_ ? NULL : signature, timeout_ms, &status, error, sizeof(error));
	deliver_http_global_cleanup();
	numbering_free(body);
	switch (r) {
	case DELIVER_HTTP_ANSWERED:
		printf("http %ld\n", status);
		return 0;
	case DELIVER_HTTP_BAD_REQUEST:
		printf("bad-request: %s\n", error);
		return 2;
	default:
		printf("transport: %s\n", error);
		return 3;
	}
}
