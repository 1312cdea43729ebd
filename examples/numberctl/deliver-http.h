/*
 * One delivery of a signed callback: an HTTP POST of a JSON body with its
 * X-Sinch-Signature, through libcurl. numberctl's outbox delivery calls it once per
 * attempt; what to retry, and when, is the caller's.
 *
 * Decisions (docs/CALLBACKS.md):
 * - Only http:// and https:// URLs, checked before anything is sent and enforced in
 *   libcurl too (CURLOPT_PROTOCOLS_STR), so file://, ftp:// or gopher:// never run.
 * - No redirect is followed, to another host or the same one: a callback POST carries a
 *   signature for one endpoint, and re-POSTing it wherever a 3xx points would hand the
 *   body to a host the project never configured. A 3xx is returned as the status, so the
 *   caller sees "not delivered" (only a 2xx is delivered) and the URL can be fixed.
 * - One timeout bounds the whole attempt (connect, TLS, send, answer); the answer's body
 *   is read and dropped.
 * - TLS certificates are verified (libcurl's defaults, never turned off); proxies named
 *   by the environment (https_proxy, no_proxy) are honoured, as libcurl does.
 */
#ifndef NUMBERCTL_DELIVER_HTTP_H
#define NUMBERCTL_DELIVER_HTTP_H

#include <stddef.h>

/* What deliver_http_post() returns. */
enum deliver_http_result {
	DELIVER_HTTP_ANSWERED = 0,   /* the server answered: *http_status holds its status */
	DELIVER_HTTP_BAD_REQUEST = 1, /* refused before sending (URL, scheme, signature): retrying cannot help */
	DELIVER_HTTP_TRANSPORT = 2    /* not answered (DNS, connect, TLS, timeout): retrying may help */
};

/* The default for the timeout of one attempt, in milliseconds. */
#define DELIVER_HTTP_DEFAULT_TIMEOUT_MS 10000L
/* Bytes of an error message buffer that holds every message. */
#define DELIVER_HTTP_ERROR_SIZE 512

/* libcurl's process-wide setup, once before any delivery (not thread-safe); 0 or -1. */
int deliver_http_global_init(void);
/* Its release, once after the last delivery. */
void deliver_http_global_cleanup(void);

/*
 * POSTs @body_len bytes of @body to @url with Content-Type: application/json and, when
 * @signature is not NULL, X-Sinch-Signature: @signature (40 lowercase hex digits, as
 * numbering_callback_sign() writes it). @timeout_ms (> 0) bounds the whole attempt.
 * On DELIVER_HTTP_ANSWERED sets *http_status (any status, 3xx included: see above); on
 * the others writes a one-line message naming the cause into @error (@error_size bytes,
 * DELIVER_HTTP_ERROR_SIZE is enough) and sets *http_status to 0. Reentrant: each call has
 * its own handle (after deliver_http_global_init()).
 */
enum deliver_http_result deliver_http_post(const char *url, const void *body, size_t body_len, const char *signature,
                                           long timeout_ms, long *http_status, char *error, size_t error_size);

/*
 * @url as a report may show it: NULL when it holds no credential (show @url itself),
 * else a copy (the caller frees it with free()) whose user information is "***" and
 * password dropped, through libcurl's URL API. A claim hands the deliverer a URL
 * stored with one before they were refused whole (docs/CALLBACKS.md); the report lines
 * go to logs. A URL libcurl cannot parse that holds an '@' is shown as a placeholder.
 */
char *deliver_http_redacted_url(const char *url);

#endif
